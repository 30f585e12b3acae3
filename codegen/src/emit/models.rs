//! Structs: one per object schema.

use proc_macro2::TokenStream;
use quote::quote;

use super::types::{doc_attrs, field_decl, ident, Uses};
use crate::error::Result;
use crate::ir::{Ir, Struct, TypeDef};

/// A struct, its `OBJECT_NAME` constant and its `Object` impl.
pub fn emit_struct(ir: &Ir, def: &TypeDef, s: &Struct, uses: &mut Uses) -> Result<TokenStream> {
    let name = ident(&def.name)?;
    let docs = doc_attrs(&def.docs);
    let mut fields = Vec::with_capacity(s.fields.len());
    for field in &s.fields {
        fields.push(field_decl(ir, def, field, field.optional(), quote!(), uses)?);
    }
    uses.add("serde::Deserialize");
    uses.add("serde::Serialize");
    let tag = s.object_name.as_ref().map(|object| quote!(#[serde(tag = "object", rename = #object)]));
    let constant = s.object_name.as_ref().map(|object| {
        let doc = format!(" The value of `object` in every `{}` sent by the API.", def.name);
        quote! {
            impl #name {
                #[doc = #doc]
                pub const OBJECT_NAME: &'static str = #object;
            }
        }
    });
    let object_impl = s.has_id().then(|| {
        uses.add("stripe_runtime::Object");
        quote! {
            impl Object for #name {
                fn id(&self) -> &str {
                    &self.id
                }
            }
        }
    });
    Ok(quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        #tag
        pub struct #name {
            #(#fields)*
        }
        #constant
        #object_impl
    })
}
