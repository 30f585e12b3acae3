//! The schemas of a document checked one level at a time before `openapiv3`
//! parses them (see [`check_schemas`]).

use openapiv3::{ReferenceOr, Schema};
use serde_json::{Map, Value};

use crate::error::{pointer_push, Error, Result};

/// Keys whose values are free-form data (or `links`' runtime expressions), not
/// document structure: no schemas are looked for inside them.
fn is_free_form(key: &str) -> bool {
    key.starts_with("x-") || matches!(key, "example" | "examples" | "default" | "enum" | "links")
}

/// Where a key of a schema holds nested schemas (see [`nested`]).
enum Nested<'v> {
    /// `properties`: a schema per property.
    Properties(&'v Map<String, Value>),
    /// `items`, `additionalProperties`, `not`: one schema.
    One(&'v Value),
    /// `allOf`, `anyOf`, `oneOf`: a list of schemas.
    List(&'v [Value]),
}

/// The schemas nested in the entry `key: child` of a schema, as `openapiv3` reads
/// them.
fn nested<'v>(key: &str, child: &'v Value) -> Option<Nested<'v>> {
    match (key, child) {
        ("properties", Value::Object(properties)) => Some(Nested::Properties(properties)),
        ("items" | "additionalProperties" | "not", Value::Object(_)) => Some(Nested::One(child)),
        ("allOf" | "anyOf" | "oneOf", Value::Array(items)) => Some(Nested::List(items)),
        _ => None,
    }
}

/// Whether a schema is a reference: `openapiv3` reads nothing else of it.
fn is_reference(schema: &Map<String, Value>) -> bool {
    schema.get("$ref").is_some_and(Value::is_string)
}

/// Which schemas [`check_schemas`] checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Checked {
    /// Every schema: before a parse whose errors need pointers, or after a parse
    /// that failed, to find the first error in document order.
    All,
    /// Only the schemas that a failing parse could spend much time on: the others
    /// cost little if they fail (see [`UNCHECKED_BUDGET`]), and a parse that fails
    /// is followed by [`Checked::All`].
    Costly,
}

/// How many schema levels the real parse may read at most while it fails inside
/// the schemas that [`Checked::Costly`] leaves unchecked (Stripe's whole
/// document spends almost 90% of it).
///
/// A parse failing inside a schema `d` levels deep of `n` levels reads at most
/// `2^d * n` levels (see [`check_schemas`]); the schemas left unchecked are taken in
/// document order while the sum of theirs stays within this budget. Stripe's
/// costliest schema, an eighth of the budget, made invalid at its deepest level
/// fails its own parse in about 10 ms (a test prints it): the budget allows about
/// eight times that before the check says where the parse failed.
pub(super) const UNCHECKED_BUDGET: u64 = 1 << 21;

/// Checks the schemas of the document, one level at a time and deepest first
/// (see [`Checker::schema`]), so that the real parse never takes long to fail
/// inside a schema: every schema, or only the costly ones (see [`Checked`]).
///
/// Why: `openapiv3` parses a schema by trying its shapes in turn (a reference, a
/// typed schema, an untyped one...), each of which parses the nested schemas
/// again, so a failure `d` schemas deep costs about `2^d` parses: 20 levels take
/// seconds, 60 would take years. A failure found here costs one level.
///
/// The schemas are found first, then checked on as many threads as the machine
/// runs; the error reported is the first in document order, as if they had been
/// checked one after the other. Keys that are not strings fail the check (not the
/// parse of the tree, where they became strings), so with any of those every
/// schema is checked.
pub(super) fn check_schemas(tree: &Value, non_string_keys: &[String], checked: Checked) -> Result<()> {
    let mut schemas = Vec::new();
    Checker { path: Vec::new(), non_string_keys }.find_schemas(tree, &mut schemas);
    if checked == Checked::Costly && non_string_keys.is_empty() {
        schemas = costly(schemas);
    }
    let checked =
        crate::threads::map(&schemas, |(path, schema)| Checker { path: path.clone(), non_string_keys }.schema(schema));
    // The helper threads are gone with their levels; this one's are let go too.
    PASSED.with(|passed| std::mem::take(&mut *passed.borrow_mut()));
    checked.into_iter().collect()
}

/// The sum of the [`failure_cost`]s of the schemas that [`check_schemas`] finds in
/// a JSON document's `tree` (up to `u64::MAX`): if it is within
/// [`UNCHECKED_BUDGET`], [`Checked::Costly`] checks none of them.
pub(super) fn total_cost(tree: &Value) -> u64 {
    let mut found = Vec::new();
    Checker { path: Vec::new(), non_string_keys: &[] }.find_schemas(tree, &mut found);
    summed_cost(&found)
}

/// [`total_cost`] of the entry `key: value` of the object at `parent` (its
/// reference tokens) in a JSON document.
pub(super) fn entry_cost(parent: &[&str], key: &str, value: &Value) -> u64 {
    let mut found = Vec::new();
    let path = parent.iter().map(|token| token.to_string()).collect();
    Checker { path, non_string_keys: &[] }.find_in_entry(key, value, &mut found);
    summed_cost(&found)
}

/// The sum of the [`failure_cost`]s of `found` (up to `u64::MAX`).
fn summed_cost(found: &[Found<'_>]) -> u64 {
    found.iter().map(|(_, schema)| failure_cost(schema)).fold(0, u64::saturating_add)
}

/// The schemas of `found` that a failing parse would spend the most time in: all
/// but those taken, in document order, while the sum of their [`failure_cost`]s
/// stays within [`UNCHECKED_BUDGET`].
fn costly(found: Vec<Found<'_>>) -> Vec<Found<'_>> {
    let costs = crate::threads::map(&found, |(_, schema)| failure_cost(schema));
    let mut spent = 0;
    let mut costly = Vec::new();
    for (schema, cost) in found.into_iter().zip(costs) {
        if spent + cost <= UNCHECKED_BUDGET {
            spent += cost;
        } else {
            costly.push(schema);
        }
    }
    costly
}

/// At most how many levels the real parse reads if it fails inside `schema`:
/// `2^depth * levels`, up to `u64::MAX / 2` (so that sums of two do not overflow).
fn failure_cost(schema: &Value) -> u64 {
    let (depth, levels) = depth_and_levels(schema);
    let cap = u64::MAX / 2;
    1u64.checked_shl(depth).and_then(|power| power.checked_mul(levels)).map_or(cap, |cost| cost.min(cap))
}

/// How deep the schemas nest in `schema` (1 for a schema without nested ones), and
/// how many levels (schemas) it holds, counting the nested ones as
/// [`Checker::schema`] finds them.
fn depth_and_levels(schema: &Value) -> (u32, u64) {
    let Value::Object(map) = schema else { return (1, 1) };
    if is_reference(map) {
        return (1, 1);
    }
    let (mut depth, mut levels) = (0, 1);
    let mut add = |child: &Value| {
        let (d, n) = depth_and_levels(child);
        depth = depth.max(d);
        levels += n;
    };
    for (key, child) in map {
        match nested(key, child) {
            Some(Nested::Properties(properties)) => properties.values().for_each(&mut add),
            Some(Nested::One(child)) => add(child),
            Some(Nested::List(items)) => items.iter().for_each(&mut add),
            None => {}
        }
    }
    (depth + 1, levels)
}

/// A schema found in a document: where it is, as raw reference tokens, and what it is.
type Found<'v> = (Vec<String>, &'v Value);

thread_local! {
    /// The levels (as JSON text) that parsed, on this thread, during one
    /// [`check_schemas`]: a level that parsed once parses again.
    static PASSED: std::cell::RefCell<rustc_hash::FxHashSet<String>> = Default::default();
}

struct Checker<'k> {
    path: Vec<String>,
    non_string_keys: &'k [String],
}

impl Checker<'_> {
    fn pointer(&self) -> String {
        let mut pointer = String::from("#");
        for token in &self.path {
            pointer = pointer_push(&pointer, token);
        }
        pointer
    }

    /// Finds the schemas, in document order, with their paths: the values of
    /// `schema` keys and of `components/schemas`.
    fn find_schemas<'v>(&mut self, value: &'v Value, out: &mut Vec<Found<'v>>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    self.find_in_entry(key, child, out);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.path.push(i.to_string());
                    self.find_schemas(item, out);
                    self.path.pop();
                }
            }
            _ => {}
        }
    }

    /// [`Checker::find_schemas`] in the entry `key: child` of the object at the
    /// checker's path.
    fn find_in_entry<'v>(&mut self, key: &str, child: &'v Value, out: &mut Vec<Found<'v>>) {
        let schemas_map = self.path.len() == 2 && self.path[0] == "components" && self.path[1] == "schemas";
        if is_free_form(key) && !schemas_map {
            return;
        }
        self.path.push(key.to_string());
        if schemas_map || key == "schema" {
            out.push((self.path.clone(), child));
        } else {
            self.find_schemas(child, out);
        }
        self.path.pop();
    }

    /// Checks the schemas inside `value` (`properties`, `items`,
    /// `additionalProperties`, `allOf`, `anyOf`, `oneOf`, `not`), then `value`
    /// itself with each of them replaced by `{}` (which is valid anywhere): one
    /// level, parsed the way the real parse will parse it.
    fn schema(&mut self, value: &Value) -> Result<()> {
        let Value::Object(map) = value else { return self.level(value) };
        if is_reference(map) {
            return Ok(());
        }
        let placeholder = || Value::Object(Map::new());
        let mut level = Map::new();
        for (key, child) in map {
            self.path.push(key.clone());
            let shallow = match (nested(key, child), key.as_str(), child) {
                (Some(Nested::Properties(properties)), ..) => {
                    let mut names = Map::new();
                    for (name, property) in properties {
                        self.path.push(name.clone());
                        self.schema(property)?;
                        self.path.pop();
                        names.insert(name.clone(), placeholder());
                    }
                    Value::Object(names)
                }
                (Some(Nested::One(child)), ..) => {
                    self.schema(child)?;
                    placeholder()
                }
                (Some(Nested::List(items)), ..) => {
                    for (i, item) in items.iter().enumerate() {
                        self.path.push(i.to_string());
                        self.schema(item)?;
                        self.path.pop();
                    }
                    Value::Array(vec![placeholder(); items.len()])
                }
                // What any value may be, or any string: cheaper stand-ins than copies,
                // for the parse of this level.
                (None, "example" | "default", _) => Value::Null,
                (None, key, _) if key.starts_with("x-") => Value::Null,
                (None, "description" | "title", Value::String(_)) => Value::String(String::new()),
                _ => child.clone(),
            };
            self.path.pop();
            level.insert(key.clone(), shallow);
        }
        self.level(&Value::Object(level))
    }

    /// Parses one level of a schema as `openapiv3` will.
    fn level(&self, level: &Value) -> Result<()> {
        if !self.non_string_keys.is_empty() {
            // Inside a schema, a key that is not a string fails the parse.
            let pointer = self.pointer();
            let inside = format!("{pointer}/");
            let first = self.non_string_keys.partition_point(|k| k.as_str() < inside.as_str());
            if let Some(key) = self.non_string_keys.get(first).filter(|k| k.starts_with(&inside)) {
                return Err(Error::at(
                    key.clone(),
                    "a key inside a schema is a number, a boolean or null: quote it to make it a string",
                ));
            }
        }
        // Most levels are like many others (a string of at most 5000 characters...):
        // one that parsed before on this thread parses again.
        let key = serde_json::to_string(level).unwrap_or_default();
        if PASSED.with(|passed| passed.borrow().contains(&key)) {
            return Ok(());
        }
        // Untracked first; tracked again only for the pointer of an error.
        if <ReferenceOr<Schema> as serde::Deserialize>::deserialize(level).is_ok() {
            PASSED.with(|passed| passed.borrow_mut().insert(key));
            return Ok(());
        }
        match serde_path_to_error::deserialize::<_, ReferenceOr<Schema>>(level) {
            Ok(_) => Ok(()),
            Err(e) => {
                let mut pointer = self.pointer();
                for segment in e.path().iter() {
                    if let serde_path_to_error::Segment::Map { key } = segment {
                        pointer = pointer_push(&pointer, key);
                    }
                }
                let reason = e.inner().to_string();
                Err(Error::at(pointer, format!("not a valid OpenAPI 3.0 schema: {}", reason.trim())))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The schemas `tree` holds, as [`check_schemas`] finds them.
    fn found(tree: &Value) -> Vec<Found<'_>> {
        let mut schemas = Vec::new();
        Checker { path: Vec::new(), non_string_keys: &[] }.find_schemas(tree, &mut schemas);
        schemas
    }

    /// A schema of `depth` levels, each an object with one property `p`.
    fn chain(depth: usize) -> Value {
        (1..depth).fold(
            serde_json::json!({"type": "string"}),
            |inner, _| serde_json::json!({"type": "object", "properties": {"p": inner}}),
        )
    }

    #[test]
    fn failure_costs_grow_with_depth_and_size() {
        assert_eq!(depth_and_levels(&serde_json::json!({"type": "string"})), (1, 1));
        // A reference is one level: openapiv3 reads nothing else of it.
        assert_eq!(depth_and_levels(&serde_json::json!({"$ref": "#/x", "properties": {"a": {}}})), (1, 1));
        let schema = serde_json::json!({
            "type": "object",
            "properties": {"a": {"type": "array", "items": {"type": "string"}}, "b": {"type": "string"}},
            "additionalProperties": {"anyOf": [{"type": "string"}, {"$ref": "#/x"}]},
            "example": {"properties": {"c": {}}},
        });
        assert_eq!(depth_and_levels(&schema), (3, 7));
        assert_eq!(failure_cost(&schema), (1 << 3) * 7);
        assert_eq!(failure_cost(&chain(10)), (1 << 10) * 10);
        // Deeper than a u64 can count: the cap, which two of can be added.
        assert_eq!(failure_cost(&chain(70)), u64::MAX / 2);
    }

    #[test]
    fn the_costly_schemas_are_those_past_the_budget_in_document_order() {
        // Each of these costs more than half the budget: the first fits, the
        // others would pass it.
        let big = serde_json::json!({"type": "object", "properties": {"p": chain(15), "q": {"type": "string"}}});
        assert!(failure_cost(&big) > UNCHECKED_BUDGET / 2);
        assert!(failure_cost(&big) <= UNCHECKED_BUDGET);
        let tree = serde_json::json!({"components": {"schemas": {
            "first": big, "small": chain(2), "second": big, "third": big, "last": chain(1),
        }}});
        let checked: Vec<String> = costly(found(&tree)).into_iter().map(|(path, _)| path.join("/")).collect();
        assert_eq!(checked, ["components/schemas/second", "components/schemas/third"]);
        // One too deep for the budget alone is checked, whatever is left of it.
        let tree = serde_json::json!({"paths": {"/a": {"post": {"requestBody": {"content": {"a/b": {
            "schema": chain(40),
        }}}}}}});
        let checked: Vec<String> = costly(found(&tree)).into_iter().map(|(path, _)| path.join("/")).collect();
        assert_eq!(checked, ["paths//a/post/requestBody/content/a/b/schema"]);
    }

    #[test]
    fn stripes_schemas_are_all_within_the_budget() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/stripe-openapi/2024-04-10/spec3.json");
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let tree: Value = serde_json::from_slice(&bytes).unwrap();
        let schemas = found(&tree);
        let spent: u64 = schemas.iter().map(|(_, schema)| failure_cost(schema)).sum();
        println!(
            "{} schemas, of failure cost {spent}: {:.0}% of the budget of {UNCHECKED_BUDGET}",
            schemas.len(),
            spent as f64 * 100.0 / UNCHECKED_BUDGET as f64
        );
        assert!(costly(schemas).is_empty());
        assert!(spent > UNCHECKED_BUDGET / 4, "the budget could be smaller");
    }

    /// The JSON pointer, from `schema`, of the deepest schema nested in it (the
    /// last of the deepest).
    fn deepest(schema: &Value) -> String {
        let depth = depth_and_levels(schema).0;
        let Value::Object(map) = schema else { return String::new() };
        let mut children: Vec<(String, &Value)> = Vec::new();
        for (key, child) in map {
            match nested(key, child) {
                Some(Nested::Properties(properties)) => {
                    children.extend(properties.iter().map(|(name, child)| (format!("/{key}/{name}"), child)))
                }
                Some(Nested::One(child)) => children.push((format!("/{key}"), child)),
                Some(Nested::List(items)) => {
                    children.extend(items.iter().enumerate().map(|(i, child)| (format!("/{key}/{i}"), child)))
                }
                None => {}
            }
        }
        match children.into_iter().rfind(|(_, child)| depth_and_levels(child).0 == depth - 1) {
            Some((at, child)) => at + &deepest(child),
            None => String::new(),
        }
    }

    #[test]
    fn stripes_costliest_schema_made_invalid_fails_with_the_checks_error() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/stripe-openapi/2024-04-10/spec3.json");
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let mut tree: Value = serde_json::from_slice(&bytes).unwrap();
        let (pointer, cost) = {
            let schemas = found(&tree);
            let (path, schema) = schemas.iter().max_by_key(|(_, schema)| failure_cost(schema)).unwrap();
            let escaped = |token: &String| format!("/{}", token.replace('~', "~0").replace('/', "~1"));
            let pointer: String = path.iter().map(escaped).collect();
            (pointer.clone() + &deepest(schema), failure_cost(schema))
        };
        *tree.pointer_mut(&pointer).unwrap() = serde_json::json!({"type": 7});
        let schema = found(&tree).into_iter().max_by_key(|(_, schema)| failure_cost(schema)).unwrap().1.clone();
        let started = std::time::Instant::now();
        let parsed: std::result::Result<ReferenceOr<Schema>, _> = serde::Deserialize::deserialize(&schema);
        let schema_alone = started.elapsed();
        assert!(parsed.is_err());
        let started = std::time::Instant::now();
        assert!(<openapiv3::OpenAPI as serde::Deserialize>::deserialize(&tree).is_err());
        let document = started.elapsed();
        // Unchecked, as the whole budget would be; the check then finds the error.
        assert!(cost <= UNCHECKED_BUDGET);
        let err = check_schemas(&tree, &[], Checked::All).unwrap_err();
        assert!(err.to_string().starts_with(&format!("#{pointer}: ")), "{err}");
        println!("#{pointer} (failure cost {cost}), made invalid: its parse fails in {schema_alone:?}, the document's in {document:?}");
    }
}
