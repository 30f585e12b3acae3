//! Structs: one per object schema.

use proc_macro2::TokenStream;
use quote::quote;

use super::types::{doc_attrs, ident, render, Uses};
use crate::error::Result;
use crate::ir::{Ir, Struct, TypeDef};

/// A struct, its `OBJECT_NAME` constant and its `Object` impl.
pub fn emit_struct(ir: &Ir, def: &TypeDef, s: &Struct, uses: &mut Uses) -> Result<TokenStream> {
    let name = ident(&def.name)?;
    let docs = doc_attrs(&def.docs);
    let mut fields = Vec::with_capacity(s.fields.len());
    for field in &s.fields {
        let field_name = ident(&field.rust_name)?;
        let mut ty = render(ir, &field.ty, &def.module, uses)?;
        if field.boxed {
            ty = quote!(Box<#ty>);
        }
        if field.optional() {
            ty = quote!(Option<#ty>);
        }
        let rename = (field.rust_name != field.wire_name).then(|| {
            let wire = &field.wire_name;
            quote!(#[serde(rename = #wire)])
        });
        let field_docs = doc_attrs(&field.docs);
        fields.push(quote! {
            #field_docs
            #rename
            pub #field_name: #ty,
        });
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
