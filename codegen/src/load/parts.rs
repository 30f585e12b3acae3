//! A JSON document parsed into `openapiv3` types in parts, on every thread the
//! machine runs: each path item and each component schema from its own text, and
//! the rest of the document (`info`, the other components...) from its tree. The
//! parts are those the `survey` module keeps, or, after a read of the whole tree,
//! all of them: the document's schemas are then checked (see [`super::check`])
//! before any part is parsed, and its tree dropped, as before a parse in one piece.
//!
//! There, the parts are found in the text by a shallow read of it (a [`Skeleton`]),
//! which costs a few milliseconds and runs beside the tree's read. The document they make
//! up is the one a parse of the whole text gives (a test compares them on Stripe's
//! document). Anything unexpected (a part that fails to parse, a part the tree
//! and the skeleton disagree on) gives `None`, and the caller parses the document
//! in one piece, which reports the error with its pointer.

use indexmap::IndexMap;
use openapiv3::{OpenAPI, PathItem, ReferenceOr, Schema};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// Where the parts of a JSON document are in its text.
#[derive(serde::Deserialize)]
pub(super) struct Skeleton<'a> {
    #[serde(borrow)]
    paths: Option<IndexMap<String, &'a RawValue>>,
    #[serde(borrow)]
    components: Option<ComponentsSkeleton<'a>>,
}

/// Where the component schemas are in the text.
#[derive(serde::Deserialize)]
struct ComponentsSkeleton<'a> {
    #[serde(borrow)]
    schemas: Option<IndexMap<String, &'a RawValue>>,
}

impl<'a> Skeleton<'a> {
    /// The skeleton of a JSON document; `None` if its text is not shaped as one
    /// (the document's own parse then says why).
    pub(super) fn read(bytes: &'a [u8]) -> Option<Self> {
        serde_json::from_slice(bytes).ok()
    }

    /// The texts of the path items, in the document's order.
    pub(super) fn path_items(&self) -> Vec<(&str, &RawValue)> {
        let entries = self.paths.iter().flatten().map(|(key, text)| (key.as_str(), *text));
        entries.filter(|(key, _)| is_path_item(key)).collect()
    }

    /// The texts of the component schemas, in the document's order.
    pub(super) fn schemas(&self) -> Vec<(&str, &RawValue)> {
        let schemas = self.components.iter().filter_map(|c| c.schemas.as_ref()).flatten();
        schemas.map(|(name, text)| (name.as_str(), *text)).collect()
    }
}

/// One part of the document.
enum Part<'a> {
    /// The document less its path items and component schemas.
    Rest(Value),
    Path(&'a str, &'a RawValue),
    Schema(&'a str, &'a RawValue),
}

/// One part, parsed (boxed: a path item is kilobytes wide, and the results of
/// all parts are kept until all are parsed).
enum Parsed {
    Rest(Box<OpenAPI>),
    Path(Box<ReferenceOr<PathItem>>),
    Schema(Box<ReferenceOr<Schema>>),
}

/// The document made of `rest` (see [`rest_of`]), the path items and the component
/// schemas whose texts are given, parsed in parts (see the module's
/// documentation); `None` if a part fails to parse.
pub(super) fn parse<'a>(
    rest: Value,
    path_items: Vec<(&'a str, &'a RawValue)>,
    schemas: Vec<(&'a str, &'a RawValue)>,
) -> Option<OpenAPI> {
    let mut parts = vec![Part::Rest(rest)];
    parts.extend(path_items.into_iter().map(|(key, text)| Part::Path(key, text)));
    parts.extend(schemas.into_iter().map(|(name, text)| Part::Schema(name, text)));
    let parsed = crate::threads::map(&parts, |part| match part {
        Part::Rest(rest) => <Box<OpenAPI> as serde::Deserialize>::deserialize(rest).ok().map(Parsed::Rest),
        Part::Path(_, text) => serde_json::from_str(text.get()).ok().map(Parsed::Path),
        Part::Schema(_, text) => serde_json::from_str(text.get()).ok().map(Parsed::Schema),
    });
    let mut parsed = parsed.into_iter();
    let Some(Some(Parsed::Rest(mut doc))) = parsed.next() else { return None };
    if !doc.paths.paths.is_empty() || doc.components.as_ref().is_some_and(|c| !c.schemas.is_empty()) {
        return None;
    }
    let schemas = parts.iter().filter(|part| matches!(part, Part::Schema(..))).count();
    doc.paths.paths.reserve(parts.len() - 1 - schemas);
    if let Some(components) = doc.components.as_mut() {
        components.schemas.reserve(schemas);
    }
    for (part, parsed) in parts[1..].iter().zip(parsed) {
        match (part, parsed?) {
            (Part::Path(key, _), Parsed::Path(item)) => {
                doc.paths.paths.insert((*key).to_string(), *item);
            }
            (Part::Schema(name, _), Parsed::Schema(schema)) => {
                doc.components.as_mut()?.schemas.insert((*name).to_string(), *schema);
            }
            _ => return None,
        }
    }
    Some(*doc)
}

/// Whether a key of `paths` is a path item (`openapiv3` reads the others as
/// extensions or not at all).
pub(super) fn is_path_item(key: &str) -> bool {
    key.starts_with('/')
}

/// The document less its path items and its component schemas (an empty map in
/// their place), for the parse of the rest. Values of other shapes are kept, so
/// that they fail that parse as they would fail the whole one.
pub(super) fn rest_of(tree: &Value) -> Value {
    let Value::Object(top) = tree else { return tree.clone() };
    let mut rest = Map::new();
    for (key, value) in top {
        let value = match (key.as_str(), value) {
            ("paths", Value::Object(paths)) => {
                let kept = paths.iter().filter(|(key, _)| !is_path_item(key));
                Value::Object(kept.map(|(k, v)| (k.clone(), v.clone())).collect())
            }
            ("components", Value::Object(components)) => {
                let emptied = |(k, v): (&String, &Value)| match v {
                    Value::Object(_) if k == "schemas" => (k.clone(), Value::Object(Map::new())),
                    _ => (k.clone(), v.clone()),
                };
                Value::Object(components.iter().map(emptied).collect())
            }
            _ => value.clone(),
        };
        rest.insert(key.clone(), value);
    }
    Value::Object(rest)
}
