//! The first read of a document: a plain tree (`serde_json::Value`), with what
//! the real parse would mishandle refused (see [`read_tree`]).

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::parse_error;
use crate::error::{pointer_push, Error, Result};

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
pub(super) fn read_tree(bytes: &[u8], json: bool) -> Result<(Value, Vec<String>)> {
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
    let mut state = TreeState::new(budget, usize::MAX);
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

/// The tree of one value of a JSON document (a part of it), read as [`read_tree`]
/// reads a whole document, refusing lists and mappings nested `depth_limit` levels
/// deep within it; `None` if it does not read or is refused (the caller then reads
/// the whole document, for the error and its pointer).
pub(super) fn read_json_value(text: &str, depth_limit: usize) -> Option<Value> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Subtree { depth_limit }.deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(value)
}

/// Reads one value as [`read_tree`] does, refusing what it refuses (and lists and
/// mappings nested `depth_limit` levels deep within it), without the pointer.
pub(super) struct Subtree {
    pub(super) depth_limit: usize,
}

impl<'de> DeserializeSeed<'de> for Subtree {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> std::result::Result<Value, D::Error> {
        Tree(&mut TreeState::new(usize::MAX, self.depth_limit)).deserialize(deserializer)
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
    /// How deep lists and mappings may nest (the parsers' own limit applies too).
    depth_limit: usize,
}

impl TreeState {
    fn new(budget: usize, depth_limit: usize) -> Self {
        TreeState { path: Vec::new(), refused: None, non_string_keys: Vec::new(), budget, depth_limit }
    }

    fn pointer(&self, last: Option<&str>) -> String {
        let mut pointer = String::from("#");
        for token in self.path.iter().map(String::as_str).chain(last) {
            pointer = pointer_push(&pointer, token);
        }
        pointer
    }

    /// Counts one more list or mapping, failing once the budget is spent or past the depth limit.
    fn count_nested<E: serde::de::Error>(&mut self) -> std::result::Result<(), E> {
        if self.path.len() >= self.depth_limit {
            let pointer = self.pointer(None);
            return Err(self.refuse(pointer, "lists and mappings nest too deep".into()));
        }
        self.count()
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
        self.0.count_nested()?;
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
        self.0.count_nested()?;
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
