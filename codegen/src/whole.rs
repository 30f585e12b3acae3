//! What lowering needs counted or decided over the whole document, before it is
//! pruned to a selection: the references to every schema (which place types) and
//! the owner of every operation (which assign operations to resources). Deciding
//! both over the whole document keeps every name and path the same whatever is
//! selected.

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::config::Policy;
use crate::owners::Owners;
use crate::refs::{RefIndex, References};

/// The whole document's references and operation owners.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Whole {
    /// How often each component schema is referred to.
    pub references: References,
    /// Which resource each operation belongs to.
    pub owners: Owners,
}

impl Whole {
    /// Counts and decides over a document's plain tree.
    pub fn of_tree(tree: &Value, policy: &Policy) -> Self {
        Self::of_index(tree, &RefIndex::of(tree), policy)
    }

    /// [`Whole::of_tree`], with the tree's `$ref`s already found.
    pub fn of_index(tree: &Value, index: &RefIndex<'_>, policy: &Policy) -> Self {
        Whole { references: index.references(), owners: Owners::decide(tree, &policy.helper_namespaces) }
    }

    /// [`Whole::of_tree`] for a parsed document.
    pub fn of(doc: &OpenAPI, policy: &Policy) -> Self {
        serde_json::to_value(doc).map(|tree| Self::of_tree(&tree, policy)).unwrap_or_default()
    }
}
