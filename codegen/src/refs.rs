//! The `$ref`s of a document's plain tree (before it is parsed into `openapiv3`
//! types): which component schemas a part of it refers to, for pruning, and how
//! often the whole document refers to each one, for placing types.

use std::collections::HashMap;

use openapiv3::OpenAPI;
use serde_json::Value;

/// The prefix of a `$ref` to a component schema.
pub const SCHEMA_REF: &str = "#/components/schemas/";

/// Calls `f` with every `$ref` string in `value`, looking inside `x-` extensions
/// only if `extensions` says so.
pub fn for_each_ref<'v>(value: &'v Value, extensions: bool, mut f: impl FnMut(&'v str)) {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    match (key.as_str(), child) {
                        ("$ref", Value::String(reference)) => f(reference),
                        (key, _) if !extensions && key.starts_with("x-") => {}
                        _ => stack.push(child),
                    }
                }
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
}

/// How many `$ref`s of the whole document (its paths and its components, but
/// not its `x-` extensions) point at each component schema. A schema referred to
/// from more than one place is a shared type; counting over the whole document,
/// not over what a selection reaches, keeps every type's place the same whatever
/// is selected.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct References(HashMap<String, usize>);

impl References {
    /// Counts the references of a document's plain tree.
    pub fn count(tree: &Value) -> Self {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for_each_ref(tree, false, |reference| {
            if let Some(name) = reference.strip_prefix(SCHEMA_REF) {
                *counts.entry(name.to_owned()).or_default() += 1;
            }
        });
        References(counts)
    }

    /// Counts the references of a parsed document.
    pub fn of(doc: &OpenAPI) -> Self {
        serde_json::to_value(doc).map(|tree| Self::count(&tree)).unwrap_or_default()
    }

    /// How many `$ref`s point at the component schema `name`.
    pub fn get(&self, name: &str) -> usize {
        self.0.get(name).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_schema_refs_everywhere_but_extensions() {
        let tree = serde_json::json!({
            "paths": {"/v1/a": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/a"}}}}}}}},
            "components": {"schemas": {
                "a": {"properties": {"b": {"$ref": "#/components/schemas/b"}, "c": {"items": {"$ref": "#/components/schemas/b"}}}},
                "b": {"anyOf": [{"$ref": "#/components/schemas/a"}], "x-expansionResources": {"oneOf": [{"$ref": "#/components/schemas/b"}]}},
            }, "responses": {"r": {"$ref": "#/components/responses/other"}}},
        });
        let references = References::count(&tree);
        assert_eq!((references.get("a"), references.get("b"), references.get("nope")), (2, 2, 0));
    }
}
