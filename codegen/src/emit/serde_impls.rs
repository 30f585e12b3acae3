//! The `Serialize` and `Deserialize` impls of structs (models and params), written
//! out instead of derived: each names its fields, and the runtime's
//! `stripe_runtime::fields` does the rest. Same behaviour as serde's derives, with
//! much less code for the compiler to check per struct.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::scope::Scope;
use super::syntax::{ident, spelled};
use crate::error::Result;
use crate::ir::{Field, Ir, Struct, TypeDef};
use crate::names::{OBJECT_FIELD, SLOTS_STRUCT};
use crate::rust_type;

/// A struct's member on the wire: its `object` tag (no `field`) or one of its fields.
struct Member<'a> {
    rust: Ident,
    wire: &'a str,
    field: Option<&'a Field>,
}

/// The members of `s` in declaration order: the `object` tag first, if it has one.
fn members(s: &Struct) -> Result<Vec<Member<'_>>> {
    let tag =
        s.object_name.as_ref().map(|_| Ok(Member { rust: ident(OBJECT_FIELD)?, wire: OBJECT_FIELD, field: None }));
    let fields = s.fields.iter().map(|f| Ok(Member { rust: ident(&f.rust_name)?, wire: &f.wire_name, field: Some(f) }));
    tag.into_iter().chain(fields).collect()
}

/// `Serialize`: every field in declaration order (a model's `object` tag first), by
/// its name on the wire, as `#[derive(Serialize)]` writes them. `None` is written as
/// such: the form encoder leaves it out, JSON has it as `null`.
pub fn serialize_impl(def: &TypeDef, s: &Struct, scope: &mut Scope) -> Result<TokenStream> {
    let name = ident(&def.name)?;
    let writes: Vec<TokenStream> =
        members(s)?.into_iter().map(|Member { rust, wire, .. }| quote!(fields.field(#wire, &self.#rust);)).collect();
    let len = proc_macro2::Literal::usize_unsuffixed(writes.len());
    let serialize = scope.name("serde::Serialize");
    let serializer = scope.name("serde::Serializer");
    let writer = scope.name("stripe_runtime::fields::FieldWriter");
    let type_name = &def.name;
    let body = if writes.is_empty() {
        quote!(#writer::new(serializer, #type_name, 0).end())
    } else {
        quote! {
            let mut fields = #writer::new(serializer, #type_name, #len);
            #(#writes)*
            fields.end()
        }
    };
    Ok(quote! {
        impl #serialize for #name {
            fn serialize<S: #serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #body
            }
        }
    })
}

/// `Deserialize`: the struct's field slots, filled by the runtime's `decode_struct`
/// key by key. A missing field is `None` if its type is an `Option`, the default
/// for the `object` tag, and an error otherwise.
pub fn deserialize_impl(ir: &Ir, def: &TypeDef, s: &Struct, scope: &mut Scope) -> Result<TokenStream> {
    let name = ident(&def.name)?;
    let slots = ident(SLOTS_STRUCT)?;
    let members = members(s)?;
    let mut slot_decls = Vec::with_capacity(members.len());
    let mut arms = Vec::with_capacity(members.len());
    let mut values = Vec::with_capacity(members.len());
    let missing = scope.name("stripe_runtime::fields::MissingField");
    for Member { rust, wire, field } in members {
        arms.push(quote!(#wire => value.fill(&mut self.#rust),));
        let Some(field) = field else {
            let tag = scope.name("stripe_runtime::ObjectTag");
            slot_decls.push(quote!(#rust: Option<#tag<#name>>,));
            values.push(quote!(#rust: self.#rust.unwrap_or_default(),));
            continue;
        };
        let ty = spelled(|name| rust_type::field_type(ir, field, def.usage, name), scope)?;
        slot_decls.push(quote!(#rust: Option<#ty>,));
        if field.optional(def.usage) {
            values.push(quote!(#rust: self.#rust.flatten(),));
        } else {
            values.push(quote!(#rust: self.#rust.ok_or(#missing(#wire))?,));
        }
    }
    let deserialize = scope.name("serde::Deserialize");
    let deserializer = scope.name("serde::Deserializer");
    let field_slots = scope.name("stripe_runtime::fields::FieldSlots");
    let field_value = scope.name("stripe_runtime::fields::FieldValue");
    let decode = scope.name("stripe_runtime::fields::decode_struct");
    let type_name = &def.name;
    // A struct without fields skips every key.
    let fill = if arms.is_empty() {
        quote! {
            fn fill<V: #field_value<'a>>(&mut self, _: &str, value: V) -> Result<(), V::Error> {
                value.skip()
            }
        }
    } else {
        quote! {
            fn fill<V: #field_value<'a>>(&mut self, key: &str, value: V) -> Result<(), V::Error> {
                match key {
                    #(#arms)*
                    _ => value.skip(),
                }
            }
        }
    };
    Ok(quote! {
        impl<'de> #deserialize<'de> for #name {
            fn deserialize<D: #deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #[derive(Default)]
                struct #slots {
                    #(#slot_decls)*
                }

                impl<'a> #field_slots<'a> for #slots {
                    type Value = #name;

                    #fill

                    fn finish(self) -> Result<#name, #missing> {
                        Ok(#name {
                            #(#values)*
                        })
                    }
                }

                #decode::<D, #slots>(deserializer, #type_name)
            }
        }
    })
}
