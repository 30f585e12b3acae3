//! Structs: one per object schema.

use proc_macro2::TokenStream;
use quote::quote;

use super::doc_attrs::{doc_attrs, member_doc_attrs};
use super::scope::Scope;
use super::serde_impls::{deserialize_impl, serialize_impl};
use super::syntax::{field_decl, ident};
use super::TypeItems;
use crate::error::Result;
use crate::ir::{Field, Ir, Struct, TypeDef};
use crate::names::OBJECT_FIELD;

/// A struct, its `OBJECT_NAME` constant and its `ObjectName` and `Object` impls.
pub fn emit_struct(ir: &Ir, def: &TypeDef, s: &Struct, scope: &mut Scope) -> Result<TypeItems> {
    let name = ident(&def.name)?;
    let docs = doc_attrs(&def.docs, scope);
    let mut fields = Vec::with_capacity(s.fields.len() + 1);
    if let Some(object) = &s.object_name {
        fields.push(object_field(def, object, scope)?);
    }
    for field in &s.fields {
        fields.push(field_decl(ir, def, field, &field_docs(field), scope)?);
    }
    let mut items = TypeItems {
        def: quote! {
            #docs
            #[derive(Clone, Debug, PartialEq)]
            pub struct #name {
                #(#fields)*
            }
        },
        ..TypeItems::default()
    };
    items.after.push(serialize_impl(def, s, scope)?);
    items.after.push(deserialize_impl(ir, def, s, scope)?);
    if let Some(object) = &s.object_name {
        let doc = member_doc_attrs(&format!("The value of `object` in every `{}` sent by the API.", def.name), scope);
        items.inherent.push(quote! {
            #doc
            pub const OBJECT_NAME: &'static str = #object;
        });
        let object_name = scope.name("stripe_runtime::ObjectName");
        items.after.push(quote! {
            impl #object_name for #name {
                const OBJECT_NAME: &'static str = #object;
            }
        });
    }
    if s.has_id() {
        let object = scope.name("stripe_runtime::Object");
        items.after.push(quote! {
            impl #object for #name {
                fn id(&self) -> &str {
                    &self.id
                }
            }
        });
    }
    Ok(items)
}

/// The tag field of a struct whose `object` is always `object`: decoding fails on
/// another value, and defaults it when absent.
fn object_field(def: &TypeDef, object: &str, scope: &mut Scope) -> Result<TokenStream> {
    let field = ident(OBJECT_FIELD)?;
    let name = ident(&def.name)?;
    let tag = scope.name("stripe_runtime::ObjectTag");
    let docs = member_doc_attrs(
        &format!(
            "The kind of object: always `{object}`. A payload whose `object` names another kind does not \
             decode as a `{}`.",
            def.name
        ),
        scope,
    );
    Ok(quote! {
        #docs
        pub #field: #tag<#name>,
    })
}

/// A field's documentation: the document's, or a line naming the field.
fn field_docs(field: &Field) -> String {
    if field.docs.is_empty() {
        format!("The `{}` of this object.", field.wire_name)
    } else {
        field.docs.clone()
    }
}
