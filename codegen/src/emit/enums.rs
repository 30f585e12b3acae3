//! String enums: known values plus a catch-all, with `as_str` and the wire
//! plumbing from `stripe_runtime::wire_enum!`.

use quote::{format_ident, quote};

use super::doc_attrs::{doc_attrs, member_doc_attrs};
use super::scope::Scope;
use super::syntax::ident;
use super::TypeItems;
use crate::error::Result;
use crate::ir::{Enum, TypeDef};
use crate::names::CATCH_ALL_VARIANT;

/// A string enum and its impls.
pub fn emit_enum(def: &TypeDef, e: &Enum, scope: &mut Scope) -> Result<TypeItems> {
    let name = ident(&def.name)?;
    let docs = doc_attrs(&def.docs, scope);
    let catch_all = format_ident!("{}", CATCH_ALL_VARIANT);
    let mut variants = Vec::with_capacity(e.variants.len());
    let mut to_wire = Vec::with_capacity(e.variants.len());
    let mut from_wire = Vec::with_capacity(e.variants.len());
    for variant in &e.variants {
        let v = ident(&variant.rust_name)?;
        let wire = &variant.wire;
        let doc = member_doc_attrs(&format!("`{}`", wire.replace('`', "'")), scope);
        variants.push(quote!(#doc #v,));
        to_wire.push(quote!(Self::#v => #wire,));
        from_wire.push(quote!(#wire => Self::#v,));
    }
    let from_doc = member_doc_attrs(
        &format!(
            "The variant for a wire value; values this version does not know are kept in [`{}::{CATCH_ALL_VARIANT}`].",
            def.name
        ),
        scope,
    );
    let wire_enum = scope.name("stripe_runtime::wire_enum");
    Ok(TypeItems {
        def: quote! {
            #docs
            #[derive(Clone, Debug, PartialEq, Eq, Hash)]
            #[non_exhaustive]
            pub enum #name {
                #(#variants)*
                /// A value this version of the crate does not know; it holds the value as sent.
                #catch_all(String),
            }
        },
        inherent: vec![
            quote! {
                /// The value as sent on the wire.
                #[inline]
                pub fn as_str(&self) -> &str {
                    match self {
                        #(#to_wire)*
                        Self::#catch_all(value) => value,
                    }
                }
            },
            quote! {
                #from_doc
                #[inline]
                pub fn from_wire(value: &str) -> Self {
                    match value {
                        #(#from_wire)*
                        other => Self::#catch_all(other.to_owned()),
                    }
                }
            },
        ],
        after: vec![quote!(#wire_enum!(#name);)],
    })
}
