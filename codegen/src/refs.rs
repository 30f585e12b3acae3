//! The `$ref`s of a document's plain tree (before it is parsed into `openapiv3`
//! types): which component schemas a part of it refers to, for pruning, and how
//! often the whole document refers to each one, for placing types.

use std::collections::HashMap;

use openapiv3::OpenAPI;
use serde_json::Value;

/// The prefix of a `$ref` to a component schema.
pub const SCHEMA_REF: &str = "#/components/schemas/";

/// A `$ref` of the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ref<'v> {
    /// What it refers to (`#/components/schemas/customer`).
    pub target: &'v str,
    /// Whether it is inside an `x-` extension (which [`References`] does not count).
    pub in_extension: bool,
}

/// The `$ref`s of a document's plain tree, found in one walk shared out over the
/// machine's threads: those of each path item and each component schema (for
/// pruning), and those of the rest of the document (for [`References`]).
#[derive(Debug, Default)]
pub struct RefIndex<'v> {
    /// Each entry of `paths`, in document order, with its `$ref`s.
    pub paths: Vec<(&'v str, Vec<Ref<'v>>)>,
    /// Each component schema with its `$ref`s.
    pub schemas: HashMap<&'v str, Vec<Ref<'v>>>,
    /// The `$ref`s elsewhere, outside extensions.
    rest: Vec<&'v str>,
}

impl<'v> RefIndex<'v> {
    /// The `$ref`s of `tree`.
    pub fn of(tree: &'v Value) -> Self {
        let entries = |value: Option<&'v Value>| match value {
            Some(Value::Object(map)) => map.iter().map(|(key, value)| (key.as_str(), value)).collect(),
            _ => Vec::new(),
        };
        let paths: Vec<(&str, &Value)> = entries(tree.get("paths"));
        let schemas: Vec<(&str, &Value)> = entries(tree.pointer("/components/schemas"));
        let jobs: Vec<(&str, &Value)> = paths.iter().chain(&schemas).copied().collect();
        let mut found = crate::threads::map(&jobs, |(key, value)| refs_in(value, is_extension(key))).into_iter();
        let paths = paths.iter().map(|(key, _)| (*key, found.next().unwrap_or_default())).collect();
        let schemas = schemas.iter().map(|(key, _)| (*key, found.next().unwrap_or_default())).collect();
        Self::of_parts(tree, paths, schemas)
    }

    /// The `$ref`s of a document given in parts: the tree of the rest of it (its
    /// `paths` and `components/schemas`, if objects, may be left out), and those of
    /// each entry of `paths` and of `components/schemas`, found by [`refs_in`] as
    /// [`RefIndex::of`] finds them.
    pub fn of_parts(
        rest: &'v Value,
        paths: Vec<(&'v str, Vec<Ref<'v>>)>,
        schemas: HashMap<&'v str, Vec<Ref<'v>>>,
    ) -> Self {
        RefIndex { paths, schemas, rest: rest_refs(rest) }
    }

    /// How often the document refers to each component schema, outside extensions.
    pub fn references(&self) -> References {
        let mut counts: HashMap<String, usize> = HashMap::new();
        let parts = self.paths.iter().map(|(_, refs)| refs).chain(self.schemas.values());
        let counted = parts.flatten().filter(|r| !r.in_extension).map(|r| r.target).chain(self.rest.iter().copied());
        for reference in counted {
            if let Some(name) = reference.strip_prefix(SCHEMA_REF) {
                *counts.entry(name.to_owned()).or_default() += 1;
            }
        }
        References(counts)
    }
}

/// Every `$ref` in `value`, which is inside an extension if `in_extension` says so
/// (as the entries of `paths` and of `components/schemas` whose keys start with
/// `x-` are).
pub fn refs_in(value: &Value, in_extension: bool) -> Vec<Ref<'_>> {
    let mut refs = Vec::new();
    let mut stack = vec![(value, in_extension)];
    while let Some((value, in_extension)) = stack.pop() {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    match (key.as_str(), child) {
                        ("$ref", Value::String(target)) => refs.push(Ref { target, in_extension }),
                        (key, _) => stack.push((child, in_extension || key.starts_with("x-"))),
                    }
                }
            }
            Value::Array(items) => stack.extend(items.iter().map(|item| (item, in_extension))),
            _ => {}
        }
    }
    refs
}

/// Whether an entry of `paths` or of `components/schemas` counts as an extension,
/// whose `$ref`s [`References`] does not count.
pub fn is_extension(key: &str) -> bool {
    key.starts_with("x-")
}

/// The `$ref`s of `tree` outside extensions, path items (the entries of an object
/// `paths`) and component schemas (those of an object `components/schemas`).
fn rest_refs(tree: &Value) -> Vec<&str> {
    let mut refs = Vec::new();
    let Value::Object(top) = tree else {
        add_outside_extensions(tree, &mut refs);
        return refs;
    };
    for (key, value) in top {
        match (key.as_str(), value) {
            ("paths", Value::Object(_)) => {}
            ("components", Value::Object(components)) => {
                for (key, value) in components {
                    if !(key == "schemas" && value.is_object()) {
                        add_entry(key, value, &mut refs);
                    }
                }
            }
            _ => add_entry(key, value, &mut refs),
        }
    }
    refs
}

/// Adds the `$ref`s outside extensions of the entry `key: value` of an object.
fn add_entry<'v>(key: &str, value: &'v Value, refs: &mut Vec<&'v str>) {
    match value {
        Value::String(target) if key == "$ref" => refs.push(target),
        _ if key.starts_with("x-") => {}
        _ => add_outside_extensions(value, refs),
    }
}

/// Adds the `$ref`s of `value` outside extensions.
fn add_outside_extensions<'v>(value: &'v Value, refs: &mut Vec<&'v str>) {
    refs.extend(refs_in(value, false).into_iter().filter(|r| !r.in_extension).map(|r| r.target));
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
        RefIndex::of(tree).references()
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
        // Outside paths and schemas too, and in every extension's entry but none.
        let tree = serde_json::json!({
            "paths": {"x-note": {"$ref": "#/components/schemas/a"}, "/v1/a": {"$ref": "#/components/schemas/a"}},
            "components": {"schemas": {"x-odd": {"$ref": "#/components/schemas/a"}},
                "responses": {"r": {"content": {"a/b": {"schema": {"$ref": "#/components/schemas/a"}}}}},
                "$ref": "#/components/schemas/a", "x-thing": {"$ref": "#/components/schemas/a"}},
            "$ref": "#/components/schemas/a",
            "x-top": [{"$ref": "#/components/schemas/a"}],
        });
        assert_eq!(References::count(&tree).get("a"), 4);
    }

    #[test]
    fn the_index_has_each_parts_refs_extensions_included() {
        let tree = serde_json::json!({
            "paths": {
                "/v1/a": {"get": {"x-see": {"$ref": "#/components/schemas/c"}, "responses": {"200": {"$ref": "#/r"}}}},
                "x-note": [{"$ref": "#/components/schemas/d"}],
            },
            "components": {"schemas": {"a": {"items": {"$ref": "#/components/schemas/b"}}, "b": {}}},
        });
        let index = RefIndex::of(&tree);
        let refs = |refs: &[Ref<'_>]| {
            let mut refs: Vec<(String, bool)> = refs.iter().map(|r| (r.target.to_string(), r.in_extension)).collect();
            refs.sort();
            refs
        };
        let paths: Vec<(&str, Vec<(String, bool)>)> = index.paths.iter().map(|(path, r)| (*path, refs(r))).collect();
        assert_eq!(
            paths,
            [
                ("/v1/a", vec![("#/components/schemas/c".into(), true), ("#/r".into(), false)]),
                ("x-note", vec![("#/components/schemas/d".into(), true)]),
            ]
        );
        assert_eq!(refs(&index.schemas["a"]), [("#/components/schemas/b".into(), false)]);
        assert_eq!(refs(&index.schemas["b"]), []);
    }

    /// Every `$ref` to a component schema in `value`, outside extensions, counted by
    /// a plain recursive walk.
    fn count_walking(value: &Value, counts: &mut HashMap<String, usize>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    match (key.as_str(), child) {
                        ("$ref", Value::String(target)) => {
                            if let Some(name) = target.strip_prefix(SCHEMA_REF) {
                                *counts.entry(name.to_string()).or_default() += 1;
                            }
                        }
                        (key, _) if key.starts_with("x-") => {}
                        _ => count_walking(child, counts),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| count_walking(item, counts)),
            _ => {}
        }
    }

    #[test]
    fn stripes_documents_are_counted_as_a_plain_walk_counts_them() {
        for version in ["2024-04-10/spec3.json", "2023-08-16/spec3.yaml"] {
            let path = format!("{}/../../shared/stripe-openapi/{version}", env!("CARGO_MANIFEST_DIR"));
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            let tree: Value = if version.ends_with("json") {
                serde_json::from_slice(&bytes).unwrap()
            } else {
                serde_yaml::from_slice(&bytes).unwrap()
            };
            let mut walked = HashMap::new();
            count_walking(&tree, &mut walked);
            assert!(walked.len() > 500, "{version}");
            assert!(References::count(&tree) == References(walked), "{version}");
        }
    }
}
