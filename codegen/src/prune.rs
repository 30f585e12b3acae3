//! Pruning: the plain tree of a document cut down, before it is checked and parsed
//! into `openapiv3` types, to what lowering a selection can read. Lowering the
//! pruned document gives the same IR as lowering the whole one (a test compares
//! them on Stripe's document); it is only cheaper.
//!
//! Kept:
//! - every path whose operations belong to a selected resource, by the owners
//!   decided over the whole document (see [`crate::owners`]): the rule lowering
//!   assigns operations by;
//! - every path with a `$ref` to anything but a component schema (a response, a
//!   parameter): what it names cannot be judged here, so lowering judges it;
//! - the paths the policy reads values from (`refine` entries' `values_of`);
//! - every component schema reachable by `$ref` from the selected resources and the
//!   kept paths;
//! - everything else of the document (`info`, other components...).
//!
//! Pruning is skipped (the tree is left whole) when it cannot be sure: no selected
//! resource (lowering then says so), or a `$ref` whose name is escaped (`~`, `%`).
//! Errors in what is removed are not
//! reported: the generator checks what it generates.

use std::collections::{HashSet, VecDeque};

use serde_json::Value;

use crate::config::pattern_matches;
use crate::owners::Owners;
use crate::refs::{Ref, RefIndex, SCHEMA_REF};

/// Cuts `tree` down to what lowering the resources matching `select` reads; the
/// paths in `keep` (`/v1/webhook_endpoints`) are kept whatever they refer to.
/// Returns whether anything was removed.
pub fn prune(tree: &mut Value, select: &[String], keep: &[String], owners: &Owners) -> bool {
    let plan = plan(tree, &RefIndex::of(tree), select, keep, owners);
    apply(tree, plan)
}

/// Cuts `tree` down to what `plan` keeps (nothing, without a plan); returns
/// whether anything was removed.
pub fn apply(tree: &mut Value, plan: Option<Plan>) -> bool {
    let Some(plan) = plan else { return false };
    let mut removed = false;
    if let Some(Value::Object(paths)) = tree.get_mut("paths") {
        let before = paths.len();
        paths.retain(|path, _| plan.keeps_path(path));
        removed |= paths.len() < before;
    }
    if let Some(Value::Object(schemas)) = tree.pointer_mut("/components/schemas") {
        let before = schemas.len();
        schemas.retain(|name, _| plan.keeps_schema(name));
        removed |= schemas.len() < before;
    }
    removed
}

/// What pruning keeps of a document (see [`plan`]).
pub struct Plan {
    paths: HashSet<String>,
    schemas: HashSet<String>,
}

impl Plan {
    /// Whether the entry `key` of `paths` is kept.
    pub fn keeps_path(&self, key: &str) -> bool {
        self.paths.contains(key)
    }

    /// Whether the component schema `name` is kept.
    pub fn keeps_schema(&self, name: &str) -> bool {
        self.schemas.contains(name)
    }
}

/// What of `tree` lowering the resources matching `select` reads (see [`prune`]),
/// from its `$ref`s as `index` has found them; `None` if pruning cannot be sure
/// (see the module's documentation). Of `tree`, it reads only whether `paths` is an
/// object, and each component schema's `x-resourceId` (which
/// [`crate::owners::read_of_schema`] keeps).
pub fn plan(tree: &Value, index: &RefIndex<'_>, select: &[String], keep: &[String], owners: &Owners) -> Option<Plan> {
    let schemas = tree.pointer("/components/schemas")?.as_object()?;
    let selected: HashSet<&str> = schemas
        .iter()
        .filter(|(_, schema)| {
            let id = schema.get("x-resourceId").and_then(Value::as_str);
            id.is_some_and(|id| select.iter().any(|pattern| pattern_matches(pattern, id)))
        })
        .map(|(name, _)| name.as_str())
        .collect();
    if selected.is_empty() || !tree.get("paths").is_some_and(Value::is_object) {
        return None;
    }
    let mut kept_paths = HashSet::new();
    let mut queue: VecDeque<&str> = selected.iter().copied().collect();
    for (path, refs) in &index.paths {
        let (item_refs, other_refs) = schema_refs(refs)?;
        let owned = owners.owner_of_path(path).is_some_and(|owner| selected.contains(owner));
        if owned || other_refs || keep.iter().any(|k| k == path) {
            kept_paths.insert(path.to_string());
            queue.extend(item_refs);
        }
    }
    let mut kept_schemas: HashSet<String> = HashSet::new();
    while let Some(name) = queue.pop_front() {
        if kept_schemas.contains(name) {
            continue;
        }
        if let Some(refs) = index.schemas.get(name) {
            queue.extend(schema_refs(refs)?.0);
        }
        kept_schemas.insert(name.to_string());
    }
    Some(Plan { paths: kept_paths, schemas: kept_schemas })
}

/// The component schema names of `refs`, and whether any refers to anything
/// else; `None` if a name is escaped (and so might be misread here).
fn schema_refs<'v>(refs: &[Ref<'v>]) -> Option<(Vec<&'v str>, bool)> {
    let (mut names, mut other) = (Vec::new(), false);
    for reference in refs {
        match reference.target.strip_prefix(SCHEMA_REF) {
            Some(name) if name.contains(['~', '%', '/']) => return None,
            Some(name) => names.push(name),
            None => other = true,
        }
    }
    Some((names, other))
}
