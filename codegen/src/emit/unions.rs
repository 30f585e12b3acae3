//! Unions (`anyOf` of several schemas): an enum with a variant per schema and a
//! catch-all, decoded by `object` when every variant has one.

use quote::{format_ident, quote};

use super::code::Code;
use super::doc_attrs::{doc_attrs, member_doc_attrs};
use super::scope::Scope;
use super::syntax::{ident, spelled};
use super::TypeItems;
use crate::error::Result;
use crate::ir::{Ir, TypeDef, TypeKind, TypeRef, Union, Usage};
use crate::names::CATCH_ALL_VARIANT;
use crate::rust_type;

/// A union and its impls.
pub fn emit_union(ir: &Ir, def: &TypeDef, u: &Union, scope: &mut Scope) -> Result<TypeItems> {
    let name = ident(&def.name)?;
    let docs = doc_attrs(&def.docs, scope);
    let catch_all = format_ident!("{}", CATCH_ALL_VARIANT);
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    let mut ids = Vec::new();
    let mut all_have_ids = true;
    let mut object_names = Vec::new();
    for variant in &u.variants {
        let v = ident(&variant.rust_name)?;
        let ty = spelled(|name| rust_type::variant_type(ir, variant, name), scope)?;
        let doc = match &variant.object {
            Some(object) => format!("An object with `object: \"{object}\"`."),
            None => format!("A `{}`.", variant.rust_name),
        };
        let doc = member_doc_attrs(&doc, scope);
        variants.push(quote!(#doc #v(#ty),));
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
    let serialize = scope.name("serde::Serialize");
    // Params unions are only sent, and their variants only implement `Serialize`.
    let decodes = def.usage == Usage::Response;
    let deserialize = decodes.then(|| scope.name("serde::Deserialize"));
    let derive_de = (!u.discriminated).then_some(deserialize.as_ref()).flatten();
    // A params union keeps its variants by value, for callers to build; it lives as
    // long as the call that sends it.
    let allow = (!decodes).then(|| quote!(#[allow(clippy::large_enum_variant)]));
    let mut items = TypeItems::new(Code::Tokens(quote! {
            #docs
            #allow
            #[derive(Clone, Debug, PartialEq, #serialize, #derive_de)]
            #[serde(untagged)]
            #[non_exhaustive]
            pub enum #name {
                #(#variants)*
                /// A value of a kind this version of the crate does not know, as sent.
                #catch_all(serde_json::Value),
            }
    }));
    if u.discriminated {
        items.inherent.push(Code::Tokens(quote! {
            /// The `object` value of the payload: which kind of object it is
            /// (`None` only for a payload of unknown kind without one).
            #[inline]
            pub fn object_name(&self) -> Option<&str> {
                match self {
                    #(#object_names)*
                    Self::#catch_all(value) => value.get("object").and_then(serde_json::Value::as_str),
                }
            }
        }));
    }
    if let (Some(deserialize), true) = (deserialize, u.discriminated) {
        items.after.push(Code::Tokens(quote! {
            impl<'de> #deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = serde_json::Value::deserialize(deserializer)?;
                    match value.get("object").and_then(serde_json::Value::as_str) {
                        #(#arms)*
                        _ => Ok(Self::#catch_all(value)),
                    }
                }
            }
        }));
    }
    if u.discriminated && all_have_ids {
        let object = scope.name("stripe_runtime::Object");
        items.after.push(Code::Tokens(quote! {
            impl #object for #name {
                fn id(&self) -> &str {
                    match self {
                        #(#ids)*
                        Self::#catch_all(value) => value.get("id").and_then(serde_json::Value::as_str).unwrap_or_default(),
                    }
                }
            }
        }));
    }
    Ok(items)
}
