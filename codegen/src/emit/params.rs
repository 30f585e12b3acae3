//! Params structs: what an operation sends. Optional fields are `Option`s that are
//! never sent when `None`; required fields are arguments of `new`; every optional
//! field has a chaining setter (and clearable ones a `clear_` setter too).

use std::collections::HashMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::doc_attrs::{doc_attrs, member_doc_attrs};
use super::scope::Scope;
use super::serde_impls::serialize_impl;
use super::syntax::{field_decl, ident, render};
use super::TypeItems;
use crate::error::{Error, Result};
use crate::ir::{Field, Ir, Struct, TypeDef, TypeId, TypeKind, TypeRef, Usage};

/// Above this many required fields, `new` is allowed clippy's `too_many_arguments`.
const CLIPPY_MAX_ARGS: usize = 7;

/// A params struct and its constructor and setters; `site` is where it is used.
pub fn emit_params(
    ir: &Ir,
    def: &TypeDef,
    s: &Struct,
    site: Option<&ParamSite>,
    scope: &mut Scope,
) -> Result<TypeItems> {
    let name = ident(&def.name)?;
    let docs = doc_attrs(&def.docs, scope);
    let mut fields = Vec::with_capacity(s.fields.len());
    let mut new_args = Vec::new();
    let mut new_inits = Vec::new();
    let mut setters = Vec::new();
    for field in &s.fields {
        let field_ident = ident(&field.rust_name)?;
        let docs = field_docs(field, site);
        fields.push(field_decl(ir, def, field, &docs, scope)?);

        let (arg_ty, value) = argument(ir, field, scope)?;
        if field.required {
            new_args.push(quote!(#field_ident: #arg_ty));
            if field_ident == value.to_string() {
                new_inits.push(quote!(#field_ident,));
            } else {
                new_inits.push(quote!(#field_ident: #value,));
            }
            continue;
        }
        new_inits.push(quote!(#field_ident: None,));
        let Some(setter) = &field.setter else {
            return Err(Error::at(def.source.as_str(), "internal error: an optional param without a setter name"));
        };
        let setter = ident(setter)?;
        let doc = member_doc_attrs(&docs, scope);
        setters.push(quote! {
            #doc
            #[inline]
            pub fn #setter(mut self, #field_ident: #arg_ty) -> Self {
                self.#field_ident = Some(#value);
                self
            }
        });
        if let Some(clear) = &field.clear_setter {
            let clear = ident(clear)?;
            let doc = format!("Clears `{}`: sends it with an empty value, which unsets it.", field.wire_name);
            let doc = member_doc_attrs(&doc, scope);
            let clearable = scope.name("stripe_runtime::Clearable");
            setters.push(quote! {
                #doc
                #[inline]
                pub fn #clear(mut self) -> Self {
                    self.#field_ident = Some(#clearable::Clear);
                    self
                }
            });
        }
    }
    let default = new_args.is_empty().then(|| quote!(Default,));
    let mut inherent = vec![constructor(s, &new_args, &new_inits, scope)];
    inherent.extend(setters);
    Ok(TypeItems {
        def: quote! {
            #docs
            #[derive(Clone, Debug, #default PartialEq)]
            pub struct #name {
                #(#fields)*
            }
        },
        inherent,
        after: vec![serialize_impl(def, s, scope)?],
    })
}

/// `new`: the required fields are its arguments.
fn constructor(s: &Struct, new_args: &[TokenStream], new_inits: &[TokenStream], scope: &mut Scope) -> TokenStream {
    if new_args.is_empty() {
        return quote! {
            /// Params with nothing set: every field is optional.
            #[inline]
            pub fn new() -> Self {
                Self::default()
            }
        };
    }
    let allow = (new_args.len() > CLIPPY_MAX_ARGS).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let required: Vec<String> = s.fields.iter().filter(|f| f.required).map(|f| format!("`{}`", f.wire_name)).collect();
    let doc =
        member_doc_attrs(&format!("Params with the required {} set and nothing else.", required.join(", ")), scope);
    quote! {
        #doc
        #allow
        #[inline]
        pub fn new(#(#new_args),*) -> Self {
            Self { #(#new_inits)* }
        }
    }
}

/// Where a params type is used: the method that sends it
/// (`VerificationSession::create`) and the wire path of its fields from the
/// method's params (`options.document.`).
pub struct ParamSite {
    method: String,
    prefix: String,
}

/// The site of every params type reachable from an operation's params (the first
/// operation's, in document order, for a type several reach).
pub fn param_sites(ir: &Ir) -> HashMap<TypeId, ParamSite> {
    let mut sites = HashMap::new();
    for op in &ir.operations {
        let method = format!("{}::{}", ir.get(op.resource).name, op.rust_name);
        let mut stack = vec![(op.params, String::new())];
        while let Some((id, prefix)) = stack.pop() {
            if sites.contains_key(&id) {
                continue;
            }
            let def = ir.get(id);
            let inner: Vec<(&TypeRef, String)> = match &def.kind {
                TypeKind::Struct(s) => s.fields.iter().map(|f| (&f.ty, format!("{prefix}{}.", f.wire_name))).collect(),
                TypeKind::Union(u) => u.variants.iter().map(|v| (&v.ty, prefix.clone())).collect(),
                TypeKind::Enum(_) => Vec::new(),
            };
            for (ty, prefix) in inner {
                if let Some(target) = named_in(ty).filter(|t| ir.get(*t).usage == Usage::Request) {
                    stack.push((target, prefix));
                }
            }
            sites.insert(id, ParamSite { method: method.clone(), prefix });
        }
    }
    sites
}

/// The named type inside `ty`, if any.
fn named_in(ty: &TypeRef) -> Option<TypeId> {
    match ty {
        TypeRef::Named(id) | TypeRef::Expandable(id) => Some(*id),
        TypeRef::Vec(inner)
        | TypeRef::Map(inner)
        | TypeRef::List(inner)
        | TypeRef::Clearable(inner)
        | TypeRef::Range(inner) => named_in(inner),
        _ => None,
    }
}

/// A param's documentation: the document's, or a line naming the param and the
/// method it is sent by.
fn field_docs(field: &Field, site: Option<&ParamSite>) -> String {
    match site {
        _ if !field.docs.is_empty() => field.docs.clone(),
        Some(site) => format!("The `{}{}` param of [`{}`].", site.prefix, field.wire_name, site.method),
        None => format!("The `{}` param.", field.wire_name),
    }
}

/// The argument type a constructor or setter takes for `field`, and the
/// expression that turns the argument (named like the field) into the field's value.
fn argument(ir: &Ir, field: &Field, scope: &mut Scope) -> Result<(TokenStream, TokenStream)> {
    let arg = ident(&field.rust_name)?;
    let (clearable, ty) = match &field.ty {
        TypeRef::Clearable(inner) => (true, inner.as_ref()),
        other => (false, other),
    };
    let (arg_ty, mut value) = match ty {
        TypeRef::Vec(item) => {
            let item = render(ir, item, scope)?;
            (quote!(impl IntoIterator<Item = impl Into<#item>>), quote!(#arg.into_iter().map(Into::into).collect()))
        }
        TypeRef::Map(value) => {
            let value = render(ir, value, scope)?;
            (
                quote!(impl IntoIterator<Item = (impl Into<String>, impl Into<#value>)>),
                quote!(#arg.into_iter().map(|(k, v)| (k.into(), v.into())).collect()),
            )
        }
        TypeRef::String | TypeRef::Timestamp | TypeRef::Json | TypeRef::Range(_) => {
            let ty = render(ir, ty, scope)?;
            (quote!(impl Into<#ty>), quote!(#arg.into()))
        }
        _ => (render(ir, ty, scope)?, quote!(#arg)),
    };
    if clearable {
        let clearable = scope.name("stripe_runtime::Clearable");
        value = quote!(#clearable::Set(#value));
    }
    if field.boxed {
        value = quote!(Box::new(#value));
    }
    Ok((arg_ty, value))
}
