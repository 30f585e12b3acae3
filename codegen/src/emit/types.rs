//! Rendering of [`TypeRef`]s as Rust types, fields and doc comments.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::scope::Scope;
use super::wrap::wrap;
use crate::error::{Error, Result};
use crate::ir::{Field, Ir, TypeId, TypeRef};

/// An identifier from a name the sanitiser made (or the config supplied).
pub fn ident(name: &str) -> Result<Ident> {
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "_"
        && syn::parse_str::<Ident>(name).is_ok();
    if valid {
        Ok(Ident::new(name, Span::call_site()))
    } else {
        Err(Error::file("spec/codegen.yaml", format!("`{name}` is not a valid Rust identifier")))
    }
}

/// Renders `ty` as used from the module of `scope`.
pub fn render(ir: &Ir, ty: &TypeRef, scope: &mut Scope) -> Result<TokenStream> {
    Ok(match ty {
        TypeRef::String => quote!(String),
        TypeRef::Bool => quote!(bool),
        TypeRef::Integer => quote!(i64),
        TypeRef::Number => quote!(f64),
        TypeRef::Timestamp => scope.name("stripe_runtime::Timestamp"),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::Named(id) => named(ir, *id, scope)?,
        TypeRef::Vec(item) => {
            let item = render(ir, item, scope)?;
            quote!(Vec<#item>)
        }
        TypeRef::Map(value) => {
            let map = scope.name("std::collections::BTreeMap");
            let value = render(ir, value, scope)?;
            quote!(#map<String, #value>)
        }
        TypeRef::Expandable(id) => {
            let expandable = scope.name("stripe_runtime::Expandable");
            let target = named(ir, *id, scope)?;
            quote!(#expandable<#target>)
        }
        TypeRef::List(item) => {
            let list = scope.name("stripe_runtime::List");
            let item = render(ir, item, scope)?;
            quote!(#list<#item>)
        }
        TypeRef::Clearable(inner) => {
            let clearable = scope.name("stripe_runtime::Clearable");
            let inner = render(ir, inner, scope)?;
            quote!(#clearable<#inner>)
        }
        TypeRef::Range(bound) => {
            let range = scope.name("stripe_runtime::RangeQuery");
            let bound = render(ir, bound, scope)?;
            quote!(#range<#bound>)
        }
    })
}

/// A named type as used from the module of `scope`: its bare name in its own
/// module, else imported from `crate::...` (see [`Scope`]).
pub fn named(ir: &Ir, id: TypeId, scope: &mut Scope) -> Result<TokenStream> {
    let def = ir.get(id);
    let name = ident(&def.name)?;
    if def.module == scope.module() {
        return Ok(quote!(#name));
    }
    for segment in &def.module {
        ident(segment)?;
    }
    Ok(scope.name(&format!("crate::{}::{}", def.module.join("::"), def.name)))
}

/// A struct field: `docs`, its serde attribute (`rename` where the Rust name
/// differs from the wire name, then `serde`) and `pub name: Type`, the type boxed
/// if the field is and wrapped in `Option` if `optional`.
pub fn field_decl(
    ir: &Ir,
    field: &Field,
    optional: bool,
    docs: &str,
    serde: Option<TokenStream>,
    scope: &mut Scope,
) -> Result<TokenStream> {
    let name = ident(&field.rust_name)?;
    let mut ty = render(ir, &field.ty, scope)?;
    if field.boxed {
        ty = quote!(Box<#ty>);
    }
    if optional {
        ty = quote!(Option<#ty>);
    }
    let wire = &field.wire_name;
    let rename = (field.rust_name != field.wire_name).then(|| quote!(rename = #wire));
    let serde = serde_attr(rename.into_iter().chain(serde));
    let docs = member_doc_attrs(docs);
    Ok(quote! {
        #docs
        #serde
        pub #name: #ty,
    })
}

/// One `#[serde(...)]` attribute with all of `args`, or nothing when there are none.
pub fn serde_attr(args: impl IntoIterator<Item = TokenStream>) -> Option<TokenStream> {
    let args: Vec<TokenStream> = args.into_iter().collect();
    (!args.is_empty()).then(|| quote!(#[serde(#(#args),*)]))
}

/// How wide doc comments are, `///` and indentation included.
const DOC_WIDTH: usize = 100;

/// `#[doc = "..."]` attributes for a top-level item, one per line (so they print as
/// `///` lines), wrapped at [`DOC_WIDTH`].
pub fn doc_attrs(docs: &str) -> TokenStream {
    line_attrs(&wrap(docs, DOC_WIDTH - "/// ".len()), false)
}

/// `#[doc = "..."]` attributes for a member of an item (a field, variant or
/// method, indented once), wrapped at [`DOC_WIDTH`].
pub fn member_doc_attrs(docs: &str) -> TokenStream {
    line_attrs(&wrap(docs, DOC_WIDTH - "    /// ".len()), false)
}

/// `#![doc = "..."]` attributes, for a module's own documentation.
pub fn inner_doc_attrs(docs: &str) -> TokenStream {
    line_attrs(&wrap(docs, DOC_WIDTH - "//! ".len()), true)
}

fn line_attrs(docs: &str, inner: bool) -> TokenStream {
    let lines = docs.lines().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        if inner {
            quote!(#![doc = #line])
        } else {
            quote!(#[doc = #line])
        }
    });
    quote!(#(#lines)*)
}
