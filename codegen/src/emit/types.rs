//! Rendering of [`TypeRef`]s as Rust types, and the `use` items a file needs.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::error::{Error, Result};
use crate::ir::TypeId;
use crate::ir::{Field, Ir, TypeDef, TypeRef};

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

/// The imports a file's items need, collected while rendering them.
#[derive(Default)]
pub struct Uses {
    items: BTreeSet<&'static str>,
}

impl Uses {
    /// Records that a file uses `path` (`stripe_runtime::Expandable`).
    pub fn add(&mut self, path: &'static str) {
        self.items.insert(path);
    }

    /// The `use` items, in a stable order.
    pub fn to_tokens(&self) -> TokenStream {
        let items = self.items.iter().map(|path| {
            let path: syn::Path = syn::parse_str(path).expect("import paths are constants");
            quote!(use #path;)
        });
        quote!(#(#items)*)
    }
}

/// Renders `ty` as used from module `from`.
pub fn render(ir: &Ir, ty: &TypeRef, from: &[String], uses: &mut Uses) -> Result<TokenStream> {
    Ok(match ty {
        TypeRef::String => quote!(String),
        TypeRef::Bool => quote!(bool),
        TypeRef::Integer => quote!(i64),
        TypeRef::Number => quote!(f64),
        TypeRef::Timestamp => {
            uses.add("stripe_runtime::Timestamp");
            quote!(Timestamp)
        }
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::Named(id) => named(ir, *id, from)?,
        TypeRef::Vec(item) => {
            let item = render(ir, item, from, uses)?;
            quote!(Vec<#item>)
        }
        TypeRef::Map(value) => {
            uses.add("std::collections::BTreeMap");
            let value = render(ir, value, from, uses)?;
            quote!(BTreeMap<String, #value>)
        }
        TypeRef::Expandable(id) => {
            uses.add("stripe_runtime::Expandable");
            let target = named(ir, *id, from)?;
            quote!(Expandable<#target>)
        }
        TypeRef::List(item) => {
            uses.add("stripe_runtime::List");
            let item = render(ir, item, from, uses)?;
            quote!(List<#item>)
        }
        TypeRef::Clearable(inner) => {
            uses.add("stripe_runtime::Clearable");
            let inner = render(ir, inner, from, uses)?;
            quote!(Clearable<#inner>)
        }
        TypeRef::Range(bound) => {
            uses.add("stripe_runtime::RangeQuery");
            let bound = render(ir, bound, from, uses)?;
            quote!(RangeQuery<#bound>)
        }
    })
}

/// The path of a named type: its bare name in its own module, `crate::...` elsewhere.
pub fn named(ir: &Ir, id: TypeId, from: &[String]) -> Result<TokenStream> {
    let def = ir.get(id);
    let name = ident(&def.name)?;
    if def.module == from {
        return Ok(quote!(#name));
    }
    let segments = def.module.iter().map(|m| ident(m)).collect::<Result<Vec<_>>>()?;
    Ok(quote!(crate #(:: #segments)* :: #name))
}

/// A struct field of `def`: its docs, `rename` where the Rust name differs from
/// the wire name, the `extra` attributes and `pub name: Type`, the type boxed if the
/// field is and wrapped in `Option` if `optional`.
pub fn field_decl(
    ir: &Ir,
    def: &TypeDef,
    field: &Field,
    optional: bool,
    extra: TokenStream,
    uses: &mut Uses,
) -> Result<TokenStream> {
    let name = ident(&field.rust_name)?;
    let mut ty = render(ir, &field.ty, &def.module, uses)?;
    if field.boxed {
        ty = quote!(Box<#ty>);
    }
    if optional {
        ty = quote!(Option<#ty>);
    }
    let rename = (field.rust_name != field.wire_name).then(|| {
        let wire = &field.wire_name;
        quote!(#[serde(rename = #wire)])
    });
    let docs = doc_attrs(&field.docs);
    Ok(quote! {
        #docs
        #rename
        #extra
        pub #name: #ty,
    })
}

/// `#[doc = "..."]` attributes, one per line, so they print as `///` lines.
pub fn doc_attrs(docs: &str) -> TokenStream {
    let lines = docs.lines().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// `#![doc = "..."]` attributes, for a module's own documentation.
pub fn inner_doc_attrs(docs: &str) -> TokenStream {
    let lines = docs.lines().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#![doc = #line])
    });
    quote!(#(#lines)*)
}
