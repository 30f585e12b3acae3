//! A JSON document read without its whole tree: each path item and component
//! schema is read on its own, on every thread the machine runs, for what the
//! loader and the planner need of it, and only the parts the plan keeps are then
//! parsed into `openapiv3` types, from their text (see the `parts` module).
//!
//! 1. A first pass on this thread (the outline) reads the tree of everything but
//!    the entries of `paths` and of `components/schemas`, and where those are in
//!    the text.
//! 2. Each entry's tree is read as the whole document's would be (a key a mapping
//!    repeats is refused), and what is needed of it taken: its `$ref`s (see
//!    [`refs_in`]), the failure cost of its schemas (see [`super::check`]), and what
//!    the planner reads of it (see [`owners::read_of_path_item`] and
//!    [`owners::read_of_schema`]). The tree is then dropped, on the thread that
//!    read it.
//! 3. The planner decides what to keep from those, and the kept parts are parsed.
//!
//! Anything the whole document's read would refuse or report, or anything
//! unexpected, gives `None`: the caller then reads the document as a whole tree,
//! which gives the same error with its pointer. So does a document whose schemas
//! cost more than the check leaves unchecked: the whole tree's check says which.

use indexmap::IndexMap;
use openapiv3::OpenAPI;
use serde::de::{Deserialize, DeserializeSeed, Deserializer, Error as _, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::check::{entry_cost, total_cost, UNCHECKED_BUDGET};
use super::parts::{self, is_path_item};
use super::tree::{read_json_value, Subtree};
use super::Planner;
use crate::owners;
use crate::refs::{is_extension, refs_in, Ref, RefIndex};

/// How deep lists and mappings may nest within a part read on its own: a part
/// sits two or three levels deep in the document, and serde_json refuses more than
/// 128 levels in all, so a part nested deeper than this is left to the whole
/// document's read, which says whether it is too deep.
const PART_DEPTH_LIMIT: usize = 120;

/// The document whose text is `bytes`, parsed in parts, pruned by `planner`'s plan
/// if given; `None` if the whole document's read must decide (see the module's
/// documentation).
pub(super) fn parse(bytes: &[u8], planner: Option<&Planner<'_>>) -> Option<OpenAPI> {
    let Surveyed { mut rest, paths, schemas, refs, reads, wholes, cost } = Surveyed::read(bytes)?;
    if cost.saturating_add(total_cost(&rest)) > UNCHECKED_BUDGET {
        return None;
    }
    let plan = planner.and_then(|planner| {
        let (path_refs, schema_refs) = refs.split_at(paths.len());
        let schema_refs = refs_by_key(&schemas, schema_refs).into_iter().collect();
        let index = RefIndex::of_parts(&rest, refs_by_key(&paths, path_refs), schema_refs);
        planner(&read_tree(&rest, &paths, &schemas, reads), &index)
    });
    let keeps_path = |key: &str| plan.as_ref().is_none_or(|plan| plan.keeps_path(key));
    let keeps_schema = |name: &str| plan.as_ref().is_none_or(|plan| plan.keeps_schema(name));
    // The rest of the document: the kept entries of `paths` that are no path items
    // (extensions) whole, and no schemas.
    let extensions = paths.keys().zip(wholes).filter_map(|(key, whole)| Some((key.clone(), whole?)));
    if let Some(slot) = rest.get_mut("paths") {
        *slot = Value::Object(extensions.filter(|(key, _)| keeps_path(key)).collect());
    }
    if let Some(slot) = rest.get_mut("components").and_then(|components| components.get_mut("schemas")) {
        *slot = Value::Object(Map::new());
    }
    let path_items = paths.iter().filter(|(key, _)| is_path_item(key) && keeps_path(key));
    let kept_schemas = schemas.iter().filter(|(name, _)| keeps_schema(name));
    parts::parse(
        rest,
        path_items.map(|(key, text)| (key.as_str(), *text)).collect(),
        kept_schemas.map(|(name, text)| (name.as_str(), *text)).collect(),
    )
}

/// A JSON document read in parts: the outline's tree (see [`Outline`]), the texts
/// of the entries of `paths` and of `components/schemas`, and what was taken of
/// each part (see [`Survey`]; those of `paths` first, in the document's order).
struct Surveyed<'a> {
    rest: Value,
    paths: IndexMap<String, &'a RawValue>,
    schemas: IndexMap<String, &'a RawValue>,
    refs: Vec<Refs>,
    reads: Vec<Value>,
    wholes: Vec<Option<Value>>,
    /// The sum of the parts' failure costs.
    cost: u64,
}

impl<'a> Surveyed<'a> {
    /// Reads the outline, then surveys the parts on every thread; `None` if
    /// anything does not read or is refused.
    fn read(bytes: &'a [u8]) -> Option<Self> {
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let Outline { tree, paths, schemas } = Outline::deserialize(&mut de).ok()?;
        de.end().ok()?;
        let (paths, schemas) = (paths.unwrap_or_default(), schemas.unwrap_or_default());
        let jobs: Vec<Job<'_>> = (paths.iter().map(|(key, text)| Job { key, text, schema: false }))
            .chain(schemas.iter().map(|(name, text)| Job { key: name, text, schema: true }))
            .collect();
        let surveys: Vec<Survey> = crate::threads::map(&jobs, survey).into_iter().collect::<Option<_>>()?;
        drop(jobs);
        let cost = surveys.iter().map(|survey| survey.cost).fold(0, u64::saturating_add);
        let (mut refs, mut reads, mut wholes) = (Vec::new(), Vec::new(), Vec::new());
        for Survey { refs: found, read, whole, .. } in surveys {
            refs.push(found);
            reads.push(read);
            wholes.push(whole);
        }
        Some(Surveyed { rest: Value::Object(tree), paths, schemas, refs, reads, wholes, cost })
    }
}

/// One entry of `paths` (a path item, or an extension) or of `components/schemas`.
struct Job<'a> {
    key: &'a str,
    text: &'a RawValue,
    schema: bool,
}

/// What is needed of one part (see the module's documentation).
struct Survey {
    refs: Refs,
    /// The sum of the failure costs of its schemas.
    cost: u64,
    /// What the planner reads of it.
    read: Value,
    /// Its whole tree, for an entry of `paths` that is no path item (parsed with
    /// the rest of the document).
    whole: Option<Value>,
}

/// Reads one part's tree and takes what is needed of it (`None` if the whole
/// document's read must decide).
fn survey(job: &Job<'_>) -> Option<Survey> {
    let tree = read_json_value(job.text.get(), PART_DEPTH_LIMIT)?;
    let refs = Refs::of(&tree, is_extension(job.key));
    let (parent, read): (&[&str], Value) = if job.schema {
        (&["components", "schemas"], owners::read_of_schema(&tree))
    } else {
        (&["paths"], owners::read_of_path_item(&tree))
    };
    let cost = entry_cost(parent, job.key, &tree);
    let whole = (!job.schema && !is_path_item(job.key)).then_some(tree);
    Some(Survey { refs, cost, read, whole })
}

/// The `$ref`s of a part (see [`refs_in`]), kept in one string: what each refers
/// to ends where it says, and whether it is inside an extension.
struct Refs {
    targets: String,
    ends: Vec<(usize, bool)>,
}

impl Refs {
    /// The `$ref`s of `part`, which is inside an extension if `in_extension` says so.
    fn of(part: &Value, in_extension: bool) -> Self {
        let found = refs_in(part, in_extension);
        let mut refs = Refs { targets: String::new(), ends: Vec::with_capacity(found.len()) };
        for reference in found {
            refs.targets.push_str(reference.target);
            refs.ends.push((refs.targets.len(), reference.in_extension));
        }
        refs
    }

    fn iter(&self) -> impl Iterator<Item = Ref<'_>> {
        let starts = std::iter::once(0).chain(self.ends.iter().map(|(end, _)| *end));
        let targets =
            starts.zip(&self.ends).map(|(start, (end, in_extension))| (&self.targets[start..*end], *in_extension));
        targets.map(|(target, in_extension)| Ref { target, in_extension })
    }
}

/// Each part's key with its `$ref`s.
fn refs_by_key<'s>(texts: &'s IndexMap<String, &RawValue>, refs: &'s [Refs]) -> Vec<(&'s str, Vec<Ref<'s>>)> {
    texts.keys().map(String::as_str).zip(refs.iter().map(|refs| refs.iter().collect())).collect()
}

/// The tree the planner reads: `paths` and `components/schemas` (where the
/// document has them) with what it reads of each part (`reads`, those of `paths`
/// first).
fn read_tree(
    rest: &Value,
    paths: &IndexMap<String, &RawValue>,
    schemas: &IndexMap<String, &RawValue>,
    reads: Vec<Value>,
) -> Value {
    let mut reads = reads.into_iter();
    let mut read = |texts: &IndexMap<String, &RawValue>| -> Value {
        Value::Object(texts.keys().cloned().zip(reads.by_ref()).collect())
    };
    let (paths, schemas) = (read(paths), read(schemas));
    let mut top = Map::new();
    if rest.get("paths").is_some() {
        top.insert("paths".to_string(), paths);
    }
    if rest.get("components").and_then(|components| components.get("schemas")).is_some() {
        let components = Map::from_iter([("schemas".to_string(), schemas)]);
        top.insert("components".to_string(), Value::Object(components));
    }
    Value::Object(top)
}

/// The outline of a JSON document (see the module's documentation): its tree with
/// `null` in place of `paths` and of `components/schemas`, and their entries' texts.
struct Outline<'a> {
    tree: Map<String, Value>,
    paths: Option<IndexMap<String, &'a RawValue>>,
    schemas: Option<IndexMap<String, &'a RawValue>>,
}

impl<'de> Deserialize<'de> for Outline<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(OutlineVisitor)
    }
}

/// Reads a mapping's entries, refusing a key it repeats; `value` reads each value.
fn entries<'de, A: MapAccess<'de>>(
    mut map: A,
    mut value: impl FnMut(&str, &mut A) -> Result<Value, A::Error>,
) -> Result<Map<String, Value>, A::Error> {
    let mut out = Map::new();
    while let Some(key) = map.next_key::<String>()? {
        let read = value(&key, &mut map)?;
        if out.insert(key, read).is_some() {
            return Err(A::Error::custom("a mapping repeats a key"));
        }
    }
    Ok(out)
}

/// Reads a value as the whole document's read would.
fn subtree<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Value, A::Error> {
    map.next_value_seed(Subtree { depth_limit: PART_DEPTH_LIMIT })
}

struct OutlineVisitor;

impl<'de> Visitor<'de> for OutlineVisitor {
    type Value = Outline<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let (mut paths, mut schemas) = (None, None);
        let tree = entries(map, |key, map| match key {
            "paths" => {
                paths = Some(map.next_value::<Texts<'de>>()?.0);
                Ok(Value::Null)
            }
            "components" => {
                let (components, found) = map.next_value_seed(ComponentsOutline)?;
                schemas = found;
                Ok(components)
            }
            _ => subtree(map),
        })?;
        Ok(Outline { tree, paths, schemas })
    }
}

/// `components` in the outline: its tree with `null` in place of `schemas`, and
/// the schemas' texts.
struct ComponentsOutline;

impl<'de> DeserializeSeed<'de> for ComponentsOutline {
    type Value = (Value, Option<IndexMap<String, &'de RawValue>>);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ComponentsOutline {
    type Value = (Value, Option<IndexMap<String, &'de RawValue>>);

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let mut schemas = None;
        let components = entries(map, |key, map| match key {
            "schemas" => {
                schemas = Some(map.next_value::<Texts<'de>>()?.0);
                Ok(Value::Null)
            }
            _ => subtree(map),
        })?;
        Ok((Value::Object(components), schemas))
    }
}

/// The entries of a mapping, each as its text (a key it repeats is refused).
struct Texts<'a>(IndexMap<String, &'a RawValue>);

impl<'de> Deserialize<'de> for Texts<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(TextsVisitor)
    }
}

struct TextsVisitor;

impl<'de> Visitor<'de> for TextsVisitor {
    type Value = Texts<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut texts = IndexMap::new();
        while let Some((key, text)) = map.next_entry::<String, &'de RawValue>()? {
            if texts.insert(key, text).is_some() {
                return Err(A::Error::custom("a mapping repeats a key"));
            }
        }
        Ok(Texts(texts))
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::path::Path;

    use super::super::{parse as parse_document, parse_whole};
    use super::*;
    use crate::owners::Owners;
    use crate::prune::Plan;
    use crate::refs::References;

    fn stripe(document: &str) -> Vec<u8> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/stripe-openapi").join(document);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// What a planner decided: the references counted and the owners decided over
    /// what it was given.
    type Decided = RefCell<Vec<(References, Owners)>>;

    /// A planner as the pipeline's: it decides the owners over the tree it is given
    /// and keeps what `select` reads, and records what it decided in `decided`.
    fn planner<'p>(select: &'p [String], decided: &'p Decided) -> impl Fn(&Value, &RefIndex<'_>) -> Option<Plan> + 'p {
        move |tree, index| {
            let owners = Owners::decide(tree, &["test_helpers".to_string()]);
            let plan = crate::prune::plan(tree, index, select, &[], &owners);
            decided.borrow_mut().push((index.references(), owners));
            plan
        }
    }

    #[test]
    fn stripes_document_surveyed_gives_what_its_whole_tree_gives() {
        let bytes = stripe("2024-04-10/spec3.json");
        for select in [&["*"][..], &["customer"], &["identity.verification_session", "identity.verification_report"]] {
            let select: Vec<String> = select.iter().map(|s| s.to_string()).collect();
            let (surveyed, whole) = (Decided::default(), Decided::default());
            let doc = parse(&bytes, Some(&planner(&select, &surveyed))).expect("surveyed");
            let expected = parse_whole(&bytes, true, Some(&planner(&select, &whole))).unwrap();
            assert!(doc == expected, "{select:?}: the documents differ");
            assert!(surveyed == whole, "{select:?}: the references or owners differ");
            assert_eq!(surveyed.borrow().len(), 1);
        }
        // Whatever is selected, the costs of Stripe's schemas are within the budget
        // (and summed over the parts as over the whole tree).
        let surveyed = Surveyed::read(&bytes).unwrap();
        let cost = surveyed.cost.saturating_add(total_cost(&surveyed.rest));
        let tree: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(cost, total_cost(&tree));
        assert!(cost <= UNCHECKED_BUDGET);
    }

    /// `tree` with each path item and component schema cut down to what the planner reads.
    fn read_of(tree: &Value) -> Value {
        let cut = |map: &Value, read: fn(&Value) -> Value| -> Value {
            Value::Object(map.as_object().unwrap().iter().map(|(key, value)| (key.clone(), read(value))).collect())
        };
        let paths = cut(&tree["paths"], owners::read_of_path_item);
        let schemas = cut(&tree["components"]["schemas"], owners::read_of_schema);
        serde_json::json!({"paths": paths, "components": {"schemas": schemas}})
    }

    #[test]
    fn what_the_planner_reads_decides_as_the_whole_tree_does() {
        let older: Value = serde_yaml::from_slice(&stripe("2023-08-16/spec3.yaml")).unwrap();
        let newer: Value = serde_json::from_slice(&stripe("2024-04-10/spec3.json")).unwrap();
        for tree in [older, newer] {
            let read = read_of(&tree);
            let helpers = ["test_helpers".to_string()];
            let owners = Owners::decide(&tree, &helpers);
            assert_eq!(Owners::decide(&read, &helpers), owners);
            let index = RefIndex::of(&tree);
            for select in ["*", "customer", "identity.*", "treasury.*"] {
                let select = [select.to_string()];
                let [whole, cut] =
                    [&tree, &read].map(|t| crate::prune::plan(t, &index, &select, &[], &owners).unwrap());
                let paths = tree["paths"].as_object().unwrap().keys();
                assert!(paths.clone().all(|p| whole.keeps_path(p) == cut.keeps_path(p)), "{select:?}");
                assert!(paths.clone().any(|p| whole.keeps_path(p)), "{select:?}");
                let schemas = tree["components"]["schemas"].as_object().unwrap().keys();
                assert!(schemas.clone().all(|s| whole.keeps_schema(s) == cut.keeps_schema(s)), "{select:?}");
            }
        }
    }

    const INFO: &str = r#""openapi": "3.0.0", "info": {"title": "t", "version": "1"}"#;

    #[test]
    fn a_small_document_surveyed_is_the_document() {
        let doc = format!(
            r##"{{{INFO}, "paths": {{"x-note": [1], "/a": {{"get": {{"responses": {{"200": {{"description": "ok",
                "content": {{"application/json": {{"schema": {{"$ref": "#/components/schemas/b"}}}}}}}}}}}}}},
                "/c": {{"$ref": "#/paths/~1a"}}}},
            "components": {{"parameters": {{"p": {{"name": "p", "in": "query", "schema": {{"type": "string"}}}}}},
                "schemas": {{"b": {{"type": "object", "x-resourceId": "b"}}, "d": {{"$ref": "#/components/schemas/b"}}}}}},
            "x-top": {{"k": "v"}}}}"##
        );
        let doc = doc.as_bytes();
        let expected: OpenAPI = serde_json::from_slice(doc).unwrap();
        assert_eq!(parse(doc, None), Some(expected.clone()));
        // Pruned to `b`: `d` goes, and so does the extension `x-note`; `/c` stays (its
        // `$ref` is to no schema, so lowering judges it), as from the whole tree.
        let (select, decided) = (["b".to_string()], Decided::default());
        let pruned = parse(doc, Some(&planner(&select, &decided))).unwrap();
        assert_eq!(pruned, parse_whole(doc, true, Some(&planner(&select, &decided))).unwrap());
        assert_eq!(pruned.paths.paths.keys().collect::<Vec<_>>(), ["/a", "/c"]);
        assert!(pruned.paths.extensions.is_empty());
        assert_eq!(pruned.components.unwrap().schemas.keys().collect::<Vec<_>>(), ["b"]);
        assert_eq!(expected.paths.extensions.len(), 1);
    }

    #[test]
    fn what_the_whole_tree_must_decide_is_left_to_it() {
        let deep = |levels: usize| format!("{}1{}", "[".repeat(levels), "]".repeat(levels));
        let nested_schema = |levels: usize| {
            let mut schema = r#"{"type": "string"}"#.to_string();
            for _ in 0..levels {
                schema = format!(r#"{{"type": "object", "properties": {{"p": {schema}}}}}"#);
            }
            schema
        };
        let cases = [
            // Keys a mapping repeats: in a path item, in `paths`, at the top, in `components`.
            format!(r#"{{{INFO}, "paths": {{"/a": {{"get": {{}}, "get": {{}}}}}}}}"#),
            format!(r#"{{{INFO}, "paths": {{"/a": {{}}, "/a": {{}}}}}}"#),
            format!(r#"{{{INFO}, "paths": {{}}, "paths": {{}}}}"#),
            format!(r#"{{{INFO}, "paths": {{}}, "components": {{"schemas": {{}}, "schemas": {{}}}}}}"#),
            format!(r#"{{{INFO}, "paths": {{}}, "components": {{"schemas": {{"a": {{}}, "a": {{}}}}}}}}"#),
            // `paths` that is no mapping; text after the document.
            format!(r#"{{{INFO}, "paths": []}}"#),
            format!(r#"{{{INFO}, "paths": {{}}}} x"#),
            // A part nested deeper than a part read alone may be (the whole document
            // is not: it parses), and schemas costlier than the check leaves unchecked.
            format!(r#"{{{INFO}, "paths": {{"/a": {{"x-deep": {}}}}}}}"#, deep(PART_DEPTH_LIMIT)),
            format!(r#"{{{INFO}, "paths": {{}}, "components": {{"schemas": {{"a": {}}}}}}}"#, nested_schema(24)),
            // A part that does not parse.
            format!(r#"{{{INFO}, "paths": {{"/a": {{"get": 7}}}}}}"#),
        ];
        for doc in &cases {
            assert!(parse(doc.as_bytes(), None).is_none(), "{doc:.200}");
            assert_eq!(parse_document(doc.as_bytes()), parse_whole(doc.as_bytes(), true, None), "{doc:.200}");
        }
        assert!(parse_document(cases[7].as_bytes()).is_ok());
        assert!(parse_document(cases[8].as_bytes()).is_ok());
        // One level less deep, the part is read alone.
        let doc = format!(r#"{{{INFO}, "paths": {{"/a": {{"x-deep": {}}}}}}}"#, deep(PART_DEPTH_LIMIT - 1));
        assert!(parse(doc.as_bytes(), None).is_some());
    }
}
