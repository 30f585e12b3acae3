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

/// Checks every schema of the document, one level at a time and deepest first
/// (see [`Checker::schema`]), so that the real parse never fails inside a schema.
///
/// Why: `openapiv3` parses a schema by trying its shapes in turn (a reference, a
/// typed schema, an untyped one...), each of which parses the nested schemas
/// again, so a failure `d` schemas deep costs about `2^d` parses: 20 levels take
/// seconds, 60 would take years. A failure found here costs one level.
///
/// The schemas are found first, then checked on as many threads as the machine
/// runs; the error reported is the first in document order, as if they had been
/// checked one after the other.
pub(super) fn check_schemas(tree: &Value, non_string_keys: &[String]) -> Result<()> {
    let mut schemas = Vec::new();
    Checker { path: Vec::new(), non_string_keys }.find_schemas(tree, &mut schemas);
    let checked =
        crate::threads::map(&schemas, |(path, schema)| Checker { path: path.clone(), non_string_keys }.schema(schema));
    // The helper threads are gone with their levels; this one's are let go too.
    PASSED.with(|passed| std::mem::take(&mut *passed.borrow_mut()));
    checked.into_iter().collect()
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
                let schemas_map = self.path.len() == 2 && self.path[0] == "components" && self.path[1] == "schemas";
                for (key, child) in map {
                    if is_free_form(key) && !schemas_map {
                        continue;
                    }
                    self.path.push(key.clone());
                    if schemas_map || key == "schema" {
                        out.push((self.path.clone(), child));
                    } else {
                        self.find_schemas(child, out);
                    }
                    self.path.pop();
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

    /// Checks the schemas inside `value` (`properties`, `items`,
    /// `additionalProperties`, `allOf`, `anyOf`, `oneOf`, `not`), then `value`
    /// itself with each of them replaced by `{}` (which is valid anywhere): one
    /// level, parsed the way the real parse will parse it.
    fn schema(&mut self, value: &Value) -> Result<()> {
        let Value::Object(map) = value else { return self.level(value) };
        // A reference: `openapiv3` reads nothing else of it.
        if map.get("$ref").is_some_and(Value::is_string) {
            return Ok(());
        }
        let placeholder = || Value::Object(Map::new());
        let mut level = Map::new();
        for (key, child) in map {
            self.path.push(key.clone());
            let shallow = match (key.as_str(), child) {
                ("properties", Value::Object(properties)) => {
                    let mut names = Map::new();
                    for (name, property) in properties {
                        self.path.push(name.clone());
                        self.schema(property)?;
                        self.path.pop();
                        names.insert(name.clone(), placeholder());
                    }
                    Value::Object(names)
                }
                ("items" | "additionalProperties" | "not", Value::Object(_)) => {
                    self.schema(child)?;
                    placeholder()
                }
                ("allOf" | "anyOf" | "oneOf", Value::Array(items)) => {
                    for (i, item) in items.iter().enumerate() {
                        self.path.push(i.to_string());
                        self.schema(item)?;
                        self.path.pop();
                    }
                    Value::Array(vec![placeholder(); items.len()])
                }
                // What any value may be, or any string: cheaper stand-ins than copies,
                // for the parse of this level.
                ("example" | "default", _) => Value::Null,
                (key, _) if key.starts_with("x-") => Value::Null,
                ("description" | "title", Value::String(_)) => Value::String(String::new()),
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
