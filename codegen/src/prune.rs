//! Pruning: the plain tree of a document cut down, before it is checked and parsed
//! into `openapiv3` types, to what lowering a selection can read. Lowering the
//! pruned document gives the same IR as lowering the whole one (a test compares
//! them on Stripe's document); it is only cheaper.
//!
//! Kept:
//! - every path whose first two segments (`/v1/identity`) are those of a path that
//!   refers (by `$ref`) to a selected resource schema or to a schema that itself
//!   refers to one (a list wrapper): a superset of the operations lowering assigns
//!   to the selection, including those it assigns by path prefix;
//! - every path with a `$ref` to anything but a component schema (a response, a
//!   parameter): what it names cannot be judged here, so lowering judges it;
//! - the paths the policy reads values from (`refine` entries' `values_of`);
//! - every component schema reachable by `$ref` from the selected resources and the
//!   kept paths;
//! - everything else of the document (`info`, other components...).
//!
//! Pruning is skipped (the tree is left whole) when it cannot be sure: no selected
//! resource (lowering then says so), a `$ref` whose name is escaped (`~`, `%`), or a
//! referring path shorter than two segments. Errors in what is removed are not
//! reported: the generator checks what it generates.

use std::collections::{HashSet, VecDeque};

use serde_json::Value;

use crate::config::pattern_matches;
use crate::refs::{for_each_ref, SCHEMA_REF};

/// Cuts `tree` down to what lowering the resources matching `select` reads; the
/// paths in `keep` (`/v1/webhook_endpoints`) are kept whatever they refer to.
pub fn prune(tree: &mut Value, select: &[String], keep: &[String]) {
    let Some(plan) = plan(tree, select, keep) else { return };
    if let Some(Value::Object(paths)) = tree.get_mut("paths") {
        paths.retain(|path, _| plan.paths.contains(path));
    }
    if let Some(Value::Object(schemas)) = tree.pointer_mut("/components/schemas") {
        schemas.retain(|name, _| plan.schemas.contains(name));
    }
}

/// What to keep.
struct Plan {
    paths: HashSet<String>,
    schemas: HashSet<String>,
}

fn plan(tree: &Value, select: &[String], keep: &[String]) -> Option<Plan> {
    let schemas = tree.pointer("/components/schemas")?.as_object()?;
    let selected: HashSet<&str> = schemas
        .iter()
        .filter(|(_, schema)| {
            let id = schema.get("x-resourceId").and_then(Value::as_str);
            id.is_some_and(|id| select.iter().any(|pattern| pattern_matches(pattern, id)))
        })
        .map(|(name, _)| name.as_str())
        .collect();
    if selected.is_empty() {
        return None;
    }
    let mut refers: HashSet<&str> = selected.clone();
    for (name, schema) in schemas {
        if refs(schema)?.0.iter().any(|r| selected.contains(r.as_str())) {
            refers.insert(name);
        }
    }
    let paths = match tree.get("paths") {
        Some(Value::Object(paths)) => paths,
        _ => return None,
    };
    let mut prefixes: HashSet<(&str, &str)> = HashSet::new();
    let mut path_refs: Vec<(&str, Vec<String>, bool)> = Vec::new();
    for (path, item) in paths {
        let (item_refs, other_refs) = refs(item)?;
        if item_refs.iter().any(|r| refers.contains(r.as_str())) {
            prefixes.insert(first_two(path)?);
        }
        path_refs.push((path, item_refs, other_refs));
    }
    let mut kept_paths = HashSet::new();
    let mut queue: VecDeque<String> = selected.iter().map(|s| s.to_string()).collect();
    for (path, item_refs, other_refs) in path_refs {
        let wanted = keep.iter().any(|k| k == path);
        if wanted || other_refs || first_two(path).is_some_and(|prefix| prefixes.contains(&prefix)) {
            kept_paths.insert(path.to_owned());
            queue.extend(item_refs);
        }
    }
    let mut kept_schemas: HashSet<String> = HashSet::new();
    while let Some(name) = queue.pop_front() {
        if kept_schemas.contains(&name) {
            continue;
        }
        if let Some(schema) = schemas.get(&name) {
            queue.extend(refs(schema)?.0);
        }
        kept_schemas.insert(name);
    }
    Some(Plan { paths: kept_paths, schemas: kept_schemas })
}

/// The first two segments of a path, if it has two.
fn first_two(path: &str) -> Option<(&str, &str)> {
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    Some((segments.next()?, segments.next()?))
}

/// The component schema names `value` refers to, and whether it has `$ref`s to
/// anything else; `None` if a name is escaped (and so might be misread here).
fn refs(value: &Value) -> Option<(Vec<String>, bool)> {
    let (mut out, mut other, mut escaped) = (Vec::new(), false, false);
    for_each_ref(value, true, |reference| match reference.strip_prefix(SCHEMA_REF) {
        Some(name) if name.contains(['~', '%', '/']) => escaped = true,
        Some(name) => out.push(name.to_owned()),
        None => other = true,
    });
    (!escaped).then_some((out, other))
}
