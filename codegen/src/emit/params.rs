//! Params structs: what an operation sends. Optional fields are `Option`s that are
//! never sent when `None`; required fields are arguments of `new`; every optional
//! field has a chaining setter (and clearable ones a `clear_` setter too).

use proc_macro2::TokenStream;
use quote::quote;

use super::types::{doc_attrs, field_decl, ident, render, Uses};
use crate::error::Result;
use crate::ir::{Field, Ir, Struct, TypeDef, TypeRef};
use crate::names::{field_name, Namespace};

/// Above this many required fields, `new` is allowed clippy's `too_many_arguments`.
const CLIPPY_MAX_ARGS: usize = 7;

/// A params struct and its constructor and setters.
pub fn emit_params(ir: &Ir, def: &TypeDef, s: &Struct, uses: &mut Uses) -> Result<TokenStream> {
    let name = ident(&def.name)?;
    let docs = doc_attrs(&def.docs);
    let mut fields = Vec::with_capacity(s.fields.len());
    let mut new_args = Vec::new();
    let mut new_inits = Vec::new();
    let mut setters = Vec::new();
    let mut methods = Namespace::with_reserved(&["new"]);
    for field in &s.fields {
        let field_ident = ident(&field.rust_name)?;
        let skip = (!field.required).then(|| quote!(#[serde(skip_serializing_if = "Option::is_none")]));
        fields.push(field_decl(ir, def, field, !field.required, quote!(#skip), uses)?);

        let (arg_ty, value) = argument(ir, def, field, uses)?;
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
        let setter = ident(&methods.claim(field.rust_name.clone()))?;
        let doc = format!(" Sets `{}`.", field.wire_name);
        setters.push(quote! {
            #[doc = #doc]
            pub fn #setter(mut self, #field_ident: #arg_ty) -> Self {
                self.#field_ident = Some(#value);
                self
            }
        });
        if matches!(field.ty, TypeRef::Clearable(_)) {
            let clear = ident(&methods.claim(field_name(&format!("clear {}", field.wire_name))))?;
            let doc = format!(" Clears `{}`: sends it with an empty value, which unsets it.", field.wire_name);
            setters.push(quote! {
                #[doc = #doc]
                pub fn #clear(mut self) -> Self {
                    self.#field_ident = Some(Clearable::Clear);
                    self
                }
            });
        }
    }
    uses.add("serde::Serialize");
    let has_required = !new_args.is_empty();
    let default = (!has_required).then(|| quote!(Default,));
    let constructor = if has_required {
        let allow = (new_args.len() > CLIPPY_MAX_ARGS).then(|| quote!(#[allow(clippy::too_many_arguments)]));
        let required: Vec<String> =
            s.fields.iter().filter(|f| f.required).map(|f| format!("`{}`", f.wire_name)).collect();
        let doc = format!(" Params with the required {} set and nothing else.", required.join(", "));
        quote! {
            #[doc = #doc]
            #allow
            pub fn new(#(#new_args),*) -> Self {
                Self { #(#new_inits)* }
            }
        }
    } else {
        quote! {
            /// Params with nothing set: every field is optional.
            pub fn new() -> Self {
                Self::default()
            }
        }
    };
    Ok(quote! {
        #docs
        #[derive(Clone, Debug, #default PartialEq, Serialize)]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #constructor
            #(#setters)*
        }
    })
}

/// The argument type a constructor or setter takes for `field`, and the
/// expression that turns the argument (named like the field) into the field's value.
fn argument(ir: &Ir, def: &TypeDef, field: &Field, uses: &mut Uses) -> Result<(TokenStream, TokenStream)> {
    let arg = ident(&field.rust_name)?;
    let (clearable, ty) = match &field.ty {
        TypeRef::Clearable(inner) => (true, inner.as_ref()),
        other => (false, other),
    };
    let (arg_ty, mut value) = match ty {
        TypeRef::Vec(item) => {
            let item = render(ir, item, &def.module, uses)?;
            (quote!(impl IntoIterator<Item = impl Into<#item>>), quote!(#arg.into_iter().map(Into::into).collect()))
        }
        TypeRef::Map(value) => {
            let value = render(ir, value, &def.module, uses)?;
            (
                quote!(impl IntoIterator<Item = (impl Into<String>, impl Into<#value>)>),
                quote!(#arg.into_iter().map(|(k, v)| (k.into(), v.into())).collect()),
            )
        }
        TypeRef::String | TypeRef::Timestamp | TypeRef::Json | TypeRef::Range(_) => {
            let ty = render(ir, ty, &def.module, uses)?;
            (quote!(impl Into<#ty>), quote!(#arg.into()))
        }
        _ => (render(ir, ty, &def.module, uses)?, quote!(#arg)),
    };
    if clearable {
        value = quote!(Clearable::Set(#value));
    }
    if field.boxed {
        value = quote!(Box::new(#value));
    }
    Ok((arg_ty, value))
}
