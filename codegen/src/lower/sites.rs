//! Which component schemas the selection needs. Every `$ref` they hold is checked
//! here, before anything is lowered.

use std::collections::{HashSet, VecDeque};

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};

use super::{ref_target, Node};
use crate::error::{pointer_push, Error, Result};

/// The closure of the selection.
pub struct Sites<'a> {
    /// Every component schema the selected resources need, in discovery order.
    pub closure: Vec<&'a str>,
}

/// Walks the closure of `roots` and of the schemas in `extra` (those of the
/// selected operations, each with its pointer), breadth first.
pub fn analyse<'a>(
    schemas: &'a IndexMap<String, ReferenceOr<Schema>>,
    roots: &[&'a str],
    extra: &[(Node<'a>, String)],
) -> Result<Sites<'a>> {
    let mut seen: HashSet<&str> = roots.iter().copied().collect();
    let mut queue: VecDeque<&'a str> = roots.iter().copied().collect();
    let mut closure = Vec::new();
    let mut visit = |refs: Vec<(&'a str, String)>, queue: &mut VecDeque<&'a str>| -> Result<()> {
        for (reference, pointer) in refs {
            let target = ref_target(reference, &pointer)?;
            let Some((target, _)) = schemas.get_key_value(target) else {
                return Err(Error::at(pointer, format!("dangling $ref `{reference}`")));
            };
            if seen.insert(target.as_str()) {
                queue.push_back(target.as_str());
            }
        }
        Ok(())
    };
    let mut refs = Vec::new();
    for (node, pointer) in extra {
        walk(*node, pointer, &mut refs)?;
    }
    visit(refs, &mut queue)?;
    while let Some(name) = queue.pop_front() {
        closure.push(name);
        let (key, schema) = schemas.get_key_value(name).expect("only existing schemas are queued");
        let mut refs = Vec::new();
        walk(Node::of(schema), &pointer_push("#/components/schemas", key), &mut refs)?;
        visit(refs, &mut queue)?;
    }
    Ok(Sites { closure })
}

/// Collects every `$ref` in a schema with the pointer of where it is written.
fn walk<'a>(node: Node<'a>, pointer: &str, out: &mut Vec<(&'a str, String)>) -> Result<()> {
    let schema = match node {
        Node::Ref(reference) => {
            out.push((reference, pointer.to_string()));
            return Ok(());
        }
        Node::Schema(schema) => schema,
    };
    let list = |kw: &str, items: &'a [ReferenceOr<Schema>], out: &mut Vec<(&'a str, String)>| -> Result<()> {
        let at = pointer_push(pointer, kw);
        for (i, item) in items.iter().enumerate() {
            walk(Node::of(item), &pointer_push(&at, &i.to_string()), out)?;
        }
        Ok(())
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => {
            let at = pointer_push(pointer, "properties");
            for (name, prop) in &o.properties {
                walk(Node::of(prop), &pointer_push(&at, name), out)?;
            }
            if let Some(AdditionalProperties::Schema(s)) = &o.additional_properties {
                walk(Node::of(s.as_ref()), &pointer_push(pointer, "additionalProperties"), out)?;
            }
        }
        SchemaKind::Type(Type::Array(a)) => {
            if let Some(items) = &a.items {
                walk(Node::of(items), &pointer_push(pointer, "items"), out)?;
            }
        }
        SchemaKind::Type(_) => {}
        SchemaKind::OneOf { one_of } => list("oneOf", one_of, out)?,
        SchemaKind::AnyOf { any_of } => list("anyOf", any_of, out)?,
        SchemaKind::AllOf { all_of } => list("allOf", all_of, out)?,
        SchemaKind::Not { not } => walk(Node::of(not.as_ref()), &pointer_push(pointer, "not"), out)?,
        SchemaKind::Any(any) => {
            let at = pointer_push(pointer, "properties");
            for (name, prop) in &any.properties {
                walk(Node::of(prop), &pointer_push(&at, name), out)?;
            }
            if let Some(items) = &any.items {
                walk(Node::of(items), &pointer_push(pointer, "items"), out)?;
            }
            list("oneOf", &any.one_of, out)?;
            list("anyOf", &any.any_of, out)?;
            list("allOf", &any.all_of, out)?;
        }
    }
    Ok(())
}
