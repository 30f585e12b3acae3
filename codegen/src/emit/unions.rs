//! Unions (`anyOf` of several schemas): an enum with a variant per schema and a
//! catch-all, decoded by `object` when every variant has one.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::types::{doc_attrs, ident, render, Uses};
use crate::error::Result;
use crate::ir::{Ir, TypeDef, TypeKind, TypeRef, Union, Usage};
use crate::names::CATCH_ALL_VARIANT;

/// A union and its impls.
pub fn emit_union(ir: &Ir, def: &TypeDef, u: &Union, uses: &mut Uses) -> Result<TokenStream> {
    let name = ident(&def.name)?;
    let docs = doc_attrs(&def.docs);
    let catch_all = format_ident!("{}", CATCH_ALL_VARIANT);
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    let mut ids = Vec::new();
    let mut all_have_ids = true;
    let mut object_names = Vec::new();
    for variant in &u.variants {
        let v = ident(&variant.rust_name)?;
        let mut ty = render(ir, &variant.ty, &def.module, uses)?;
        if variant.boxed {
            ty = quote!(Box<#ty>);
        }
        let doc = match &variant.object {
            Some(object) => format!(" An object with `object: \"{object}\"`."),
            None => format!(" A `{}`.", variant.rust_name),
        };
        variants.push(quote!(#[doc = #doc] #v(#ty),));
        if let Some(object) = &variant.object {
            arms.push(quote! {
                Some(#object) => stripe_runtime::__private::decode_tagged(value, #object).map(Self::#v),
            });
        }
        if let Some(object) = &variant.object {
            object_names.push(quote!(Self::#v(_) => Some(#object),));
        }
        let has_id =
            matches!(&variant.ty, TypeRef::Named(id) if matches!(&ir.get(*id).kind, TypeKind::Struct(s) if s.has_id()));
        all_have_ids &= has_id;
        ids.push(quote!(Self::#v(object) => object.id(),));
    }
    uses.add("serde::Serialize");
    // Params unions are only sent, and their variants only implement `Serialize`.
    let decodes = def.usage == Usage::Response;
    if decodes {
        uses.add("serde::Deserialize");
    }
    let derive_de = (decodes && !u.discriminated).then(|| quote!(Deserialize,));
    let de_impl = (decodes && u.discriminated).then(|| {
        quote! {
            impl<'de> Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = serde_json::Value::deserialize(deserializer)?;
                    match value.get("object").and_then(serde_json::Value::as_str) {
                        #(#arms)*
                        _ => Ok(Self::#catch_all(value)),
                    }
                }
            }
        }
    });
    let object_impl = (u.discriminated && all_have_ids).then(|| {
        uses.add("stripe_runtime::Object");
        quote! {
            impl Object for #name {
                fn id(&self) -> &str {
                    match self {
                        #(#ids)*
                        Self::#catch_all(value) => value.get("id").and_then(serde_json::Value::as_str).unwrap_or_default(),
                    }
                }
            }
        }
    });
    let object_name_impl = u.discriminated.then(|| {
        quote! {
            impl #name {
                /// The `object` value of the payload: which kind of object it is
                /// (`None` only for a payload of unknown kind without one).
                pub fn object_name(&self) -> Option<&str> {
                    match self {
                        #(#object_names)*
                        Self::#catch_all(value) => value.get("object").and_then(serde_json::Value::as_str),
                    }
                }
            }
        }
    });
    Ok(quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, Serialize, #derive_de)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value of a kind this version of the crate does not know, as sent.
            #catch_all(serde_json::Value),
        }
        #object_name_impl
        #de_impl
        #object_impl
    })
}
