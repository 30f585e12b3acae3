//! Properties given a more precise type than the document gives them (`refine` in
//! `spec/codegen.yaml`), by the JSON pointer of the property:
//!
//! - `values_of`: a string enum of the values another part of the document lists.
//!   Stripe's `event.type` is a plain string, but the event types are the `enum` of
//!   `enabled_events` when creating a webhook endpoint.
//! - `any_selected_resource`: a union of every selected resource that has a constant
//!   `object` value, decoded by that value, with a catch-all that keeps the JSON of
//!   any other object. Stripe's `notification_event_data.object` (an event's
//!   `data.object`) is a bare `type: object`.
//!
//! Both types are open, like every enum and union of the crate: values and objects
//! this crate does not know still decode.

use std::collections::HashMap;

use openapiv3::OpenAPI;
use serde_json::Value;

use super::schema::type_docs;
use super::{Ctx, Hint, Lowerer, Place};
use crate::config::Refinement;
use crate::error::{Error, Result};
use crate::ir::{TypeId, TypeKind, TypeRef, Union, UnionVariant};
use crate::names::{self, variant_name};

impl<'a> Lowerer<'a> {
    /// The refined type of the property at `pointer`, used at (`ctx`, `hint`).
    pub(super) fn refined(
        &mut self,
        refinement: &'a Refinement,
        pointer: &str,
        ctx: &Ctx,
        hint: &Hint<'_>,
    ) -> Result<TypeRef> {
        let hint = Hint { field: hint.field, docs: hint.docs, name: Some(&refinement.name) };
        let docs = type_docs(None, ctx, &hint, true);
        if let Some(at) = &refinement.values_of {
            let values = values_at(self.doc, at)?;
            let values: Vec<&str> =
                values.iter().filter(|v| !refinement.skip.contains(v)).map(String::as_str).collect();
            if values.is_empty() {
                return Err(Error::at(at.as_str(), "`values_of` (spec/codegen.yaml `refine`): no values left"));
            }
            let variants = self.variants_of(&values);
            return self.string_enum(variants, Place::inline(pointer, ctx, &hint), docs);
        }
        let kind = TypeKind::Union(Union { discriminated: true, variants: Vec::new() });
        let (id, _) = self.new_type(Place::inline(pointer, ctx, &hint), docs, kind)?;
        self.resource_unions.push((id, ctx.module.clone()));
        Ok(TypeRef::Named(id))
    }

    /// Gives each union of every selected resource its variants, once every
    /// resource's `object` value is known: in resource id order, one per `object`
    /// value (the resource whose id is that value, else the first), named by the
    /// value (`identity.verification_session` -> `IdentityVerificationSession`), so
    /// that the names do not depend on what else is selected. The resource the
    /// union belongs to is left out: an object never carries itself. Variants are
    /// boxed: resources are large, and the union should be as small as its catch-all.
    pub(super) fn fill_resource_unions(&mut self, roots: &[(&str, &str)]) {
        let mut by_object: Vec<(String, TypeId)> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for (resource_id, schema) in roots {
            let Some(&id) = self.components.get(schema) else { continue };
            let TypeKind::Struct(s) = &self.ir.get(id).kind else { continue };
            let Some(object) = s.object_name.clone() else { continue };
            match index.get(&object) {
                Some(&i) if *resource_id == object => by_object[i].1 = id,
                Some(_) => {}
                None => {
                    index.insert(object.clone(), by_object.len());
                    by_object.push((object, id));
                }
            }
        }
        for (union_id, owner_module) in std::mem::take(&mut self.resource_unions) {
            let mut names = names::variants();
            let variants = by_object
                .iter()
                .filter(|(_, id)| self.ir.get(*id).module != owner_module)
                .map(|(object, id)| UnionVariant {
                    rust_name: names.claim(variant_name(object)),
                    object: Some(object.clone()),
                    ty: TypeRef::Named(*id),
                    boxed: true,
                })
                .collect();
            if let TypeKind::Union(union) = &mut self.ir.types[union_id.0].kind {
                union.variants = variants;
            }
        }
    }
}

/// The document path (`/v1/webhook_endpoints`) a `#/paths/...` pointer points into.
pub(super) fn path_of(pointer: &str) -> Option<String> {
    let rest = pointer.strip_prefix("#/paths/")?;
    Some(unescape(rest.split('/').next()?))
}

/// The string values of the `enum` of the schema at `pointer`.
fn values_at(doc: &OpenAPI, pointer: &str) -> Result<Vec<String>> {
    let reason = "`values_of` (spec/codegen.yaml `refine`) must point at a string schema with `enum` in \
                  `#/paths` or `#/components/schemas`";
    let value = resolve(doc, pointer).ok_or_else(|| Error::at(pointer, format!("nothing here: {reason}")))?;
    let values = value.get("enum").and_then(Value::as_array).ok_or_else(|| Error::at(pointer, reason))?;
    values.iter().map(|v| v.as_str().map(str::to_string).ok_or_else(|| Error::at(pointer, reason))).collect()
}

/// The part of the document at a `#/paths/...` or `#/components/schemas/...` pointer.
fn resolve(doc: &OpenAPI, pointer: &str) -> Option<Value> {
    let split = |rest: &'_ str| -> (String, String) {
        match rest.split_once('/') {
            Some((key, rest)) => (unescape(key), format!("/{rest}")),
            None => (unescape(rest), String::new()),
        }
    };
    let root = if let Some(rest) = pointer.strip_prefix("#/paths/") {
        let (key, rest) = split(rest);
        (serde_json::to_value(doc.paths.paths.get(&key)?).ok()?, rest)
    } else if let Some(rest) = pointer.strip_prefix("#/components/schemas/") {
        let (key, rest) = split(rest);
        (serde_json::to_value(doc.components.as_ref()?.schemas.get(&key)?).ok()?, rest)
    } else {
        return None;
    };
    match root {
        (value, rest) if rest.is_empty() => Some(value),
        (value, rest) => value.pointer(&rest).cloned(),
    }
}

/// A JSON pointer token as the key it stands for (`~1v1~1events` -> `/v1/events`).
fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}
