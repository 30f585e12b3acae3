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
///
/// Without pointers first (a walk of the whole API makes hundreds of thousands of
/// them); only if a `$ref` is wrong, again with them, for the error's.
pub fn analyse<'a>(
    schemas: &'a IndexMap<String, ReferenceOr<Schema>>,
    roots: &[&'a str],
    extra: &[(Node<'a>, String)],
) -> Result<Sites<'a>> {
    closure(schemas, roots, extra.iter().map(|(node, _)| (*node, Unplaced)))
        .or_else(|_| closure(schemas, roots, extra.iter().map(|(node, pointer)| (*node, Pointer(pointer.clone())))))
}

/// Where a schema is, for the errors of [`closure`]: its JSON pointer, or nothing.
trait Place: Clone {
    /// The place of the component schema `name`.
    fn component(name: &str) -> Self;
    /// The place of the entry `token` of what is here.
    fn child(&self, token: &dyn std::fmt::Display) -> Self;
    /// The JSON pointer of this place ("" if untracked).
    fn pointer(&self) -> String;
}

/// A JSON pointer.
#[derive(Clone)]
struct Pointer(String);

impl Place for Pointer {
    fn component(name: &str) -> Self {
        Pointer(pointer_push("#/components/schemas", name))
    }
    fn child(&self, token: &dyn std::fmt::Display) -> Self {
        Pointer(pointer_push(&self.0, &token.to_string()))
    }
    fn pointer(&self) -> String {
        self.0.clone()
    }
}

/// No place: nothing is made.
#[derive(Clone)]
struct Unplaced;

impl Place for Unplaced {
    fn component(_: &str) -> Self {
        Unplaced
    }
    fn child(&self, _: &dyn std::fmt::Display) -> Self {
        Unplaced
    }
    fn pointer(&self) -> String {
        String::new()
    }
}

/// [`analyse`], with the places of the schemas walked kept as `P`.
fn closure<'a, P: Place>(
    schemas: &'a IndexMap<String, ReferenceOr<Schema>>,
    roots: &[&'a str],
    extra: impl Iterator<Item = (Node<'a>, P)>,
) -> Result<Sites<'a>> {
    let mut seen: HashSet<&str> = roots.iter().copied().collect();
    let mut queue: VecDeque<&'a str> = roots.iter().copied().collect();
    let mut closure = Vec::new();
    let mut visit = |refs: Vec<(&'a str, P)>, queue: &mut VecDeque<&'a str>| -> Result<()> {
        for (reference, place) in refs {
            let target = ref_target(reference, &place.pointer())?;
            let Some((target, _)) = schemas.get_key_value(target) else {
                return Err(Error::at(place.pointer(), format!("dangling $ref `{reference}`")));
            };
            if seen.insert(target.as_str()) {
                queue.push_back(target.as_str());
            }
        }
        Ok(())
    };
    let mut refs = Vec::new();
    for (node, place) in extra {
        walk(node, &place, &mut refs);
    }
    visit(refs, &mut queue)?;
    while let Some(name) = queue.pop_front() {
        closure.push(name);
        let (key, schema) = schemas.get_key_value(name).expect("only existing schemas are queued");
        let mut refs = Vec::new();
        walk(Node::of(schema), &P::component(key), &mut refs);
        visit(refs, &mut queue)?;
    }
    Ok(Sites { closure })
}

/// Collects every `$ref` in a schema with the place where it is written.
fn walk<'a, P: Place>(node: Node<'a>, place: &P, out: &mut Vec<(&'a str, P)>) {
    let schema = match node {
        Node::Ref(reference) => {
            out.push((reference, place.clone()));
            return;
        }
        Node::Schema(schema) => schema,
    };
    let list = |kw: &str, items: &'a [ReferenceOr<Schema>], out: &mut Vec<(&'a str, P)>| {
        let at = place.child(&kw);
        for (i, item) in items.iter().enumerate() {
            walk(Node::of(item), &at.child(&i), out);
        }
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => {
            let at = place.child(&"properties");
            for (name, prop) in &o.properties {
                walk(Node::of(prop), &at.child(name), out);
            }
            if let Some(AdditionalProperties::Schema(s)) = &o.additional_properties {
                walk(Node::of(s.as_ref()), &place.child(&"additionalProperties"), out);
            }
        }
        SchemaKind::Type(Type::Array(a)) => {
            if let Some(items) = &a.items {
                walk(Node::of(items), &place.child(&"items"), out);
            }
        }
        SchemaKind::Type(_) => {}
        SchemaKind::OneOf { one_of } => list("oneOf", one_of, out),
        SchemaKind::AnyOf { any_of } => list("anyOf", any_of, out),
        SchemaKind::AllOf { all_of } => list("allOf", all_of, out),
        SchemaKind::Not { not } => walk(Node::of(not.as_ref()), &place.child(&"not"), out),
        SchemaKind::Any(any) => {
            let at = place.child(&"properties");
            for (name, prop) in &any.properties {
                walk(Node::of(prop), &at.child(name), out);
            }
            if let Some(items) = &any.items {
                walk(Node::of(items), &place.child(&"items"), out);
            }
            list("oneOf", &any.one_of, out);
            list("anyOf", &any.any_of, out);
            list("allOf", &any.all_of, out);
        }
    }
}
