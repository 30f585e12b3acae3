//! Loading: bytes -> checked `openapiv3::OpenAPI`.
//!
//! YAML and JSON are both accepted. Parse errors name the JSON pointer of the
//! value that failed to parse.
//!
//! Hostile input is refused before it costs much:
//! - a document larger than [`MAX_DOCUMENT_BYTES`] is refused from its metadata,
//!   before it is read (and the read itself stops there, for files whose size the
//!   metadata does not tell);
//! - nesting deeper than the parsers' limit of 128 levels is an error, not a stack
//!   overflow;
//! - YAML aliases that would expand a document many times over (a "billion
//!   laughs") are refused once the document has more values than bytes, plus
//!   [`EXTRA_VALUES`];
//! - a key a mapping repeats, and numbers that are not finite, are errors;
//! - every schema is checked one level at a time before `openapiv3` parses the
//!   document, because `openapiv3` takes time exponential in the depth of an
//!   invalid schema to say it is invalid (see `check_schemas`).
//!
//! So the document is read twice: once as a plain tree, for all of the above, and
//! once by `openapiv3` (whose errors keep their line numbers).

use std::io::Read;
use std::path::Path;

use openapiv3::{OpenAPI, ReferenceOr, Schema};
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::error::{pointer_push, Error, Location, Result};

/// The largest document accepted, in bytes (256 MiB). Stripe's whole document is
/// about 6 MB; parsing takes several times the input's size in memory.
pub const MAX_DOCUMENT_BYTES: u64 = 256 * 1024 * 1024;

/// Reads a file of at most [`MAX_DOCUMENT_BYTES`], with an error that says what
/// the file is for.
pub fn read(path: &Path, what: &str) -> Result<Vec<u8>> {
    read_limited(path, what, MAX_DOCUMENT_BYTES)
}

/// Reads a file of at most `limit` bytes: larger files are refused from their
/// metadata before anything is read, and reading stops past `limit` for files whose
/// metadata does not tell their size (pipes, devices).
pub fn read_limited(path: &Path, what: &str, limit: u64) -> Result<Vec<u8>> {
    let io_error = |e: std::io::Error| {
        let reason = if e.kind() == std::io::ErrorKind::NotFound {
            format!("{what} not found")
        } else {
            format!("cannot read {what}: {e}")
        };
        Error::file(path.display(), reason)
    };
    let too_large = |size: &str| {
        Error::file(
            path.display(),
            format!("{what} is {size}, more than the limit of {}: refusing to read it", bytes_text(limit)),
        )
    };
    let file = std::fs::File::open(path).map_err(io_error)?;
    let metadata = file.metadata().map_err(io_error)?;
    if metadata.is_dir() {
        return Err(Error::file(path.display(), format!("{what} is a directory, not a file")));
    }
    if metadata.len() > limit {
        return Err(too_large(&bytes_text(metadata.len())));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io_error)?;
    if bytes.len() as u64 > limit {
        return Err(too_large("larger than its metadata says"));
    }
    Ok(bytes)
}

/// A byte count for people: `300 MiB`, `12 bytes`.
fn bytes_text(n: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if n >= MIB && n % MIB == 0 {
        format!("{} MiB", n / MIB)
    } else if n >= MIB {
        format!("{:.1} MiB", n as f64 / MIB as f64)
    } else {
        format!("{n} bytes")
    }
}

/// Lowercase hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Parses a document (JSON if it starts with `{`, YAML otherwise) and checks that
/// it is an OpenAPI 3.0 document.
pub fn parse(bytes: &[u8]) -> Result<OpenAPI> {
    parse_pruned(bytes, &|_| false)
}

/// Parses a document as [`parse`] does, letting `prune` cut the plain tree down
/// first (see [`crate::prune`]; it returns whether it removed anything): what it
/// removes is neither checked nor parsed into `openapiv3` types, which is most of
/// the cost of a large document.
///
/// A JSON document that nothing was removed from is parsed into `openapiv3` types
/// from its text once its tree passed every check, the tree dropped first: that is
/// faster than reading the tree, with less memory. (YAML is read from the tree:
/// its parser is the slower.) Should that parse fail, the tree is read again and
/// parsed as for any other document, for the same error.
pub fn parse_pruned(bytes: &[u8], prune: &dyn Fn(&mut Value) -> bool) -> Result<OpenAPI> {
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(Error::at(
            "#",
            format!(
                "the document is {}, more than the limit of {}",
                bytes_text(bytes.len() as u64),
                bytes_text(MAX_DOCUMENT_BYTES)
            ),
        ));
    }
    let json = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    // First as a plain tree, to refuse what the real parse would mishandle, and to
    // check every schema cheaply (see `check_schemas`).
    let tree = read_tree(bytes, json);
    let tree = match tree {
        Err(e) if e.location == Location::Pointer("#".into()) && declares_swagger(bytes, json) => Err(swagger()),
        other => other,
    };
    let (mut tree, non_string_keys) = tree?;
    if tree.is_null() {
        return Err(Error::at(
            "#",
            "not a valid OpenAPI 3.0 document: missing field `openapi` (the document is empty)",
        ));
    }
    let pruned = prune(&mut tree);
    check_schemas(&tree, &non_string_keys)?;
    if json && !pruned && non_string_keys.is_empty() {
        drop(tree);
        if let Ok(doc) = serde_json::from_slice::<OpenAPI>(bytes) {
            return checked_version(doc);
        }
        tree = read_tree(bytes, json)?.0;
    }
    // Then `openapiv3` reads the tree, not the text again (the tree keeps the
    // document's key order: serde_json's `preserve_order`).
    // Without tracking the path first (most documents parse); again with it, for
    // the pointer of the error, only if that fails.
    let parsed: std::result::Result<OpenAPI, Error> =
        <OpenAPI as serde::Deserialize>::deserialize(&tree).or_else(|_| {
            serde_path_to_error::deserialize(&tree).map_err(|e| parse_error(e.path(), &e.inner().to_string()))
        });
    drop(tree);
    let doc = match parsed {
        Ok(doc) => doc,
        // An OpenAPI 2.0 document has `swagger` where 3.x has `openapi`: say so.
        Err(e) if e.location == Location::Pointer("#".into()) && declares_swagger(bytes, json) => return Err(swagger()),
        Err(e) => return Err(e),
    };
    checked_version(doc)
}

/// `doc` if it is an OpenAPI 3.0 document.
fn checked_version(doc: OpenAPI) -> Result<OpenAPI> {
    let version = doc.openapi.as_str();
    if !(version == "3.0" || version.starts_with("3.0.")) {
        return Err(Error::at(
            "#/openapi",
            format!("unsupported OpenAPI version `{}`: only 3.0.x documents are supported", version),
        ));
    }
    Ok(doc)
}

fn swagger() -> Error {
    Error::at("#/swagger", "unsupported OpenAPI version 2.0 (`swagger`): only 3.0.x documents are supported")
}

/// Whether the document has a top-level `swagger` key (read again, keys only).
fn declares_swagger(bytes: &[u8], json: bool) -> bool {
    #[derive(serde::Deserialize)]
    struct Swagger {
        swagger: Option<serde::de::IgnoredAny>,
    }
    let parsed: Option<Swagger> =
        if json { serde_json::from_slice(bytes).ok() } else { serde_yaml::from_slice(bytes).ok() };
    parsed.is_some_and(|s| s.swagger.is_some())
}

/// How many values (scalars, lists and mappings) a document may have beyond one per
/// byte. Without YAML aliases no document has more values than bytes; aliases
/// replay what they name, and serde_yaml only bounds how many aliases are replayed
/// (100 per event), not how large each is, so an alias of a large list, repeated,
/// would expand a small file into billions of values.
pub const EXTRA_VALUES: usize = 250_000;

/// The document as a plain tree (`serde_json::Value`), read by a first pass that
/// also refuses what `openapiv3` would mishandle: a key a mapping repeats (parsed
/// into maps, the last would silently win; inside a schema, `openapiv3` panics on
/// it), and numbers that are not finite (`.nan`, `.inf`: inside a schema,
/// `openapiv3` panics on those too). Keys that are not strings (YAML `200:`) are
/// kept as text, and their pointers listed, sorted.
fn read_tree(bytes: &[u8], json: bool) -> Result<(Value, Vec<String>)> {
    // Untracked first (most documents parse); again with the path tracked, for the
    // pointer of a parse error, only if that fails.
    match read_tree_once(bytes, json, None) {
        Ok(tree) => return Ok(tree),
        Err(TreeFailure::Refused(e)) => return Err(e),
        Err(TreeFailure::Parse(_)) => {}
    }
    let mut track = serde_path_to_error::Track::new();
    match read_tree_once(bytes, json, Some(&mut track)) {
        Ok(tree) => Ok(tree),
        Err(TreeFailure::Refused(e)) => Err(e),
        Err(TreeFailure::Parse(reason)) => Err(parse_error(&track.path(), &reason)),
    }
}

/// Why one pass of [`read_tree`] failed.
enum TreeFailure {
    /// The visitor refused something, where it says.
    Refused(Error),
    /// The text does not parse: the parser's reason.
    Parse(String),
}

/// One pass of [`read_tree`], tracking the path of a parse error in `track` if given.
fn read_tree_once(
    bytes: &[u8],
    json: bool,
    track: Option<&mut serde_path_to_error::Track>,
) -> std::result::Result<(Value, Vec<String>), TreeFailure> {
    let budget = bytes.len().saturating_add(EXTRA_VALUES);
    let mut state = TreeState { path: Vec::new(), refused: None, non_string_keys: Vec::new(), budget };
    let tree = Tree(&mut state);
    let result = if json {
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let tree = match track {
            Some(track) => tree.deserialize(serde_path_to_error::Deserializer::new(&mut de, track)),
            None => tree.deserialize(&mut de),
        };
        tree.and_then(|tree| de.end().map(|()| tree)).map_err(|e| e.to_string())
    } else {
        let de = serde_yaml::Deserializer::from_slice(bytes);
        match track {
            Some(track) => tree.deserialize(serde_path_to_error::Deserializer::new(de, track)),
            None => tree.deserialize(de),
        }
        .map_err(|e| e.to_string())
    };
    match result {
        Ok(tree) => {
            state.non_string_keys.sort();
            Ok((tree, state.non_string_keys))
        }
        Err(_) if state.refused.is_some() => {
            let (pointer, reason) = state.refused.take().unwrap_or_default();
            Err(TreeFailure::Refused(Error::at(pointer, reason)))
        }
        Err(reason) => Err(TreeFailure::Parse(reason)),
    }
}

struct TreeState {
    /// Where the visitor is, as raw reference tokens.
    path: Vec<String>,
    /// What the visitor refused, and where.
    refused: Option<(String, String)>,
    non_string_keys: Vec<String>,
    /// How many more values may be read (see [`EXTRA_VALUES`]).
    budget: usize,
}

impl TreeState {
    fn pointer(&self, last: Option<&str>) -> String {
        let mut pointer = String::from("#");
        for token in self.path.iter().map(String::as_str).chain(last) {
            pointer = pointer_push(&pointer, token);
        }
        pointer
    }

    /// Counts one more value, failing once the budget is spent.
    fn count<E: serde::de::Error>(&mut self) -> std::result::Result<(), E> {
        if self.budget == 0 {
            let pointer = self.pointer(None);
            let reason = "the document expands (through YAML aliases) to far more values than it has bytes: refusing to expand it further".into();
            return Err(self.refuse(pointer, reason));
        }
        self.budget -= 1;
        Ok(())
    }

    fn refuse<E: serde::de::Error>(&mut self, pointer: String, reason: String) -> E {
        let error = E::custom(&reason);
        self.refused = Some((pointer, reason));
        error
    }
}

/// Reads any value into a [`Value`] (see [`read_tree`]).
struct Tree<'s>(&'s mut TreeState);

impl<'de> DeserializeSeed<'de> for Tree<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> std::result::Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Tree<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a YAML or JSON value")
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> std::result::Result<Value, E> {
        self.0.count()?;
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<Value, E> {
        self.0.count()?;
        Ok(Value::from(v))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<Value, E> {
        self.0.count()?;
        Ok(Value::from(v))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> std::result::Result<Value, E> {
        self.0.count()?;
        match serde_json::Number::from_f64(v) {
            Some(n) => Ok(Value::Number(n)),
            None => {
                let pointer = self.0.pointer(None);
                Err(self.0.refuse(pointer, format!("the number `{v}` is not supported: numbers must be finite")))
            }
        }
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Value, E> {
        self.0.count()?;
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> std::result::Result<Value, E> {
        self.0.count()?;
        Ok(Value::String(v))
    }
    fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<Value, E> {
        self.0.count()?;
        Ok(Value::Null)
    }
    fn visit_none<E: serde::de::Error>(self) -> std::result::Result<Value, E> {
        self.0.count()?;
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> std::result::Result<Value, D::Error> {
        Tree(self.0).deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Value, A::Error> {
        self.0.count()?;
        let mut items = Vec::new();
        loop {
            self.0.path.push(items.len().to_string());
            let item = seq.next_element_seed(Tree(&mut *self.0))?;
            self.0.path.pop();
            match item {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Value, A::Error> {
        self.0.count()?;
        let mut out = Map::new();
        while let Some(key) = map.next_key_seed(KeyText)? {
            let (key, is_string) = match key {
                Some(key) => key,
                None => {
                    let pointer = self.0.pointer(None);
                    return Err(self
                        .0
                        .refuse(pointer, "a mapping key is a list or a mapping: keys must be text".into()));
                }
            };
            if out.contains_key(&key) {
                let pointer = self.0.pointer(Some(&key));
                let reason = "duplicate key: a mapping names it twice, and only one of them could be used".into();
                return Err(self.0.refuse(pointer, reason));
            }
            if !is_string {
                let pointer = self.0.pointer(Some(&key));
                self.0.non_string_keys.push(pointer);
            }
            self.0.path.push(key);
            let value = map.next_value_seed(Tree(&mut *self.0))?;
            let key = self.0.path.pop().unwrap_or_default();
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// A mapping key as text, and whether it was a string (`1` and `"1"` are the same
/// key to a map of strings); `None` for keys that are not scalars.
struct KeyText;

impl<'de> DeserializeSeed<'de> for KeyText {
    type Value = Option<(String, bool)>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> std::result::Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeyText {
    type Value = Option<(String, bool)>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Self::Value, E> {
        Ok(Some((v.to_string(), true)))
    }
    fn visit_bool<E>(self, v: bool) -> std::result::Result<Self::Value, E> {
        Ok(Some((v.to_string(), false)))
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<Self::Value, E> {
        Ok(Some((v.to_string(), false)))
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<Self::Value, E> {
        Ok(Some((v.to_string(), false)))
    }
    fn visit_f64<E>(self, v: f64) -> std::result::Result<Self::Value, E> {
        Ok(Some((v.to_string(), false)))
    }
    fn visit_unit<E>(self) -> std::result::Result<Self::Value, E> {
        Ok(Some(("null".to_string(), false)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

/// Keys whose values are free-form data (or `links`' runtime expressions), not
/// document structure: no schemas are looked for inside them.
fn is_free_form(key: &str) -> bool {
    key.starts_with("x-") || matches!(key, "example" | "examples" | "default" | "enum" | "links")
}

/// Checks every schema of the document, one level at a time and deepest first
/// (see [`check_schema`]), so that the real parse never fails inside a schema.
///
/// Why: `openapiv3` parses a schema by trying its shapes in turn (a reference, a
/// typed schema, an untyped one...), each of which parses the nested schemas
/// again, so a failure `d` schemas deep costs about `2^d` parses: 20 levels take
/// seconds, 60 would take years. A failure found here costs one level.
///
/// The schemas are found first, then checked on as many threads as the machine
/// runs; the error reported is the first in document order, as if they had been
/// checked one after the other.
fn check_schemas(tree: &Value, non_string_keys: &[String]) -> Result<()> {
    let mut schemas = Vec::new();
    Checker { path: Vec::new(), non_string_keys }.find_schemas(tree, &mut schemas);
    let checked =
        crate::threads::map(&schemas, |(path, schema)| Checker { path: path.clone(), non_string_keys }.schema(schema));
    checked.into_iter().collect()
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
    fn find_schemas<'v>(&mut self, value: &'v Value, out: &mut Vec<(Vec<String>, &'v Value)>) {
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
        // Untracked first; tracked again only for the pointer of an error.
        if <ReferenceOr<Schema> as serde::Deserialize>::deserialize(level).is_ok() {
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

fn parse_error(path: &serde_path_to_error::Path, reason: &str) -> Error {
    let mut pointer = String::from("#");
    for segment in path.iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => pointer = pointer_push(&pointer, &index.to_string()),
            serde_path_to_error::Segment::Map { key } => pointer = pointer_push(&pointer, key),
            serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => {}
        }
    }
    let reason = reason.lines().next().unwrap_or("").trim();
    // serde_yaml starts some messages with its own dotted path (`components.schemas: ...`),
    // which the pointer already says better.
    let reason = match reason.split_once(": ") {
        Some((path, rest)) if !path.is_empty() && !path.contains(char::is_whitespace) && !path.contains('`') => rest,
        _ => reason,
    };
    Error::at(pointer, format!("not a valid OpenAPI 3.0 document: {reason}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_empty_input() {
        assert_eq!(sha256_hex(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    #[test]
    fn rejects_non_openapi_with_a_pointer() {
        let err = parse(b"openapi: 3.0.0\ninfo: 7\npaths: {}\n").unwrap_err();
        assert_eq!(err.location, crate::error::Location::Pointer("#/info".into()), "{err}");
        let err = parse(b"{\"openapi\": \"2.0\", \"info\": {\"title\": \"t\", \"version\": \"1\"}, \"paths\": {}}")
            .unwrap_err();
        assert_eq!(err.to_string(), "#/openapi: unsupported OpenAPI version `2.0`: only 3.0.x documents are supported");
    }

    #[test]
    fn yaml_and_json_give_the_same_document() {
        let yaml = parse(b"openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n").unwrap();
        let json =
            parse(b" {\"openapi\":\"3.0.0\",\"info\":{\"title\":\"t\",\"version\":\"1\"},\"paths\":{}}").unwrap();
        assert_eq!(yaml, json);
    }

    const HEAD: &str = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n";

    fn parse_schemas(schemas: &str) -> Result<OpenAPI> {
        parse(format!("{HEAD}{schemas}").as_bytes())
    }

    #[test]
    fn files_over_the_limit_are_refused_before_reading() {
        let dir = std::env::temp_dir().join(format!("stripe-codegen-load-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("doc.yaml");
        std::fs::write(&file, [b' '; 100]).unwrap();
        let err = read_limited(&file, "the document", 10).unwrap_err();
        assert!(err.reason.starts_with("the document is 100 bytes, more than the limit of 10 bytes"), "{err}");
        assert_eq!(read_limited(&file, "the document", 100).unwrap().len(), 100);
        let err = read_limited(&dir, "the document", 10).unwrap_err();
        assert_eq!(err.reason, "the document is a directory, not a file");
        std::fs::remove_dir_all(&dir).unwrap();
        // Files whose metadata says nothing of their size are read up to the limit only.
        if Path::new("/dev/zero").exists() {
            let err = read_limited(Path::new("/dev/zero"), "the document", 10).unwrap_err();
            assert!(err.reason.contains("larger than its metadata says"), "{err}");
        }
    }

    #[test]
    fn swagger_and_odd_versions() {
        let err = parse(b"swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n").unwrap_err();
        assert_eq!(err.location, Location::Pointer("#/swagger".into()));
        let err = parse(b"openapi: 3.0x\ninfo: {title: t, version: '1'}\npaths: {}\n").unwrap_err();
        assert_eq!(err.location, Location::Pointer("#/openapi".into()));
        assert!(parse(b"openapi: '3.0'\ninfo: {title: t, version: '1'}\npaths: {}\n").is_ok());
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let err = parse_schemas("    a: {type: string}\n    a: {type: integer}\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "#/components/schemas/a: duplicate key: a mapping names it twice, and only one of them could be used"
        );
        let err = parse(b"{\"openapi\": \"3.0.0\", \"openapi\": \"3.0.1\"}").unwrap_err();
        assert_eq!(err.location, Location::Pointer("#/openapi".into()));
    }

    #[test]
    fn numbers_must_be_finite() {
        let err = parse_schemas("    a: {type: number, maximum: .inf}\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "#/components/schemas/a/maximum: the number `inf` is not supported: numbers must be finite"
        );
    }

    #[test]
    fn keys_that_are_not_strings() {
        // Fine where openapiv3 reads them as text (status codes)...
        let doc = format!("{HEAD}    a: {{type: object}}\n")
            .replace("paths: {}", "paths: {/a: {get: {responses: {200: {description: ok}}}}}");
        assert!(parse(doc.as_bytes()).is_ok());
        // ...an error inside a schema, where it would fail the parse.
        let err = parse_schemas("    a: {type: object, properties: {true: {type: string}}}\n").unwrap_err();
        assert_eq!(err.location, Location::Pointer("#/components/schemas/a/properties/true".into()));
        // Not text at all.
        let err = parse_schemas("    a: {type: object, properties: {[1, 2]: {type: string}}}\n").unwrap_err();
        assert_eq!(err.location, Location::Pointer("#/components/schemas/a/properties".into()));
    }

    #[test]
    fn schemas_are_checked_deepest_first_with_exact_pointers() {
        let err =
            parse_schemas("    a: {type: object, properties: {b: {type: array, items: {type: string, format: 7}}}}\n")
                .unwrap_err();
        assert_eq!(
            err.to_string(),
            "#/components/schemas/a/properties/b/items: not a valid OpenAPI 3.0 schema: invalid type: integer `7`, expected a string"
        );
        // A reference is only its `$ref`: openapiv3 reads nothing else of it.
        assert!(
            parse_schemas("    a: {$ref: '#/components/schemas/b', properties: 7}\n    b: {type: string}\n").is_ok()
        );
        // Free-form values are not schemas.
        assert!(parse_schemas("    a: {type: object, example: {schema: 7}, x-thing: {properties: 7}}\n").is_ok());
    }

    #[test]
    fn a_deep_invalid_schema_fails_fast() {
        // openapiv3 alone takes about 2^depth parses for this (seconds at 20 levels).
        let depth = 60;
        let schema = format!(
            "    a: {}{{type: [string]}}{}\n",
            "{type: object, properties: {p: ".repeat(depth),
            "}}".repeat(depth)
        );
        let started = std::time::Instant::now();
        let err = parse_schemas(&schema).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
        assert!(err.to_string().contains(&"/properties/p".repeat(depth)), "{err}");
    }

    #[test]
    fn trailing_text_after_json_is_an_error() {
        let err = parse(b"{\"openapi\": \"3.0.0\", \"info\": {\"title\": \"t\", \"version\": \"1\"}, \"paths\": {}} x")
            .unwrap_err();
        assert!(err.reason.contains("trailing characters"), "{err}");
    }
}
