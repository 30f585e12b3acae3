//! Where each component schema's type goes, and under which name.
//!
//! - A resource (`x-resourceId: identity.verification_session`) gets its own
//!   module named by its id (`identity::verification_session`) and a type named
//!   by the id's last segment (`VerificationSession`).
//! - A schema referenced from several places of the whole document (whatever is
//!   selected) goes in [`SHARED_MODULE`] under its own name (`address` ->
//!   `shared::Address`).
//! - Any other schema is used from exactly one place and is named for it, in the
//!   module of the type that uses it (not placed here).
//!
//! `rename` in `spec/codegen.yaml` overrides the type name of any of them.

use std::collections::{BTreeMap, HashMap, HashSet};

use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema};

use super::sites::Sites;
use super::{resource_id, Ctx};
use crate::names::{module_name, root_modules, type_name, Namespace, SHARED_MODULE};
use crate::refs::References;

pub struct Placement<'a> {
    /// Module and type name of every resource in the closure.
    resources: HashMap<&'a str, (Vec<String>, String)>,
    /// Schemas referenced from more than one place.
    shared: HashSet<&'a str>,
    rename: &'a BTreeMap<String, String>,
}

impl<'a> Placement<'a> {
    pub fn new(
        schemas: &'a IndexMap<String, ReferenceOr<Schema>>,
        sites: &Sites<'a>,
        references: &References,
        rename: &'a BTreeMap<String, String>,
    ) -> Self {
        let mut resources: Vec<(&str, &str)> = sites
            .closure
            .iter()
            .filter_map(|name| match schemas.get(*name) {
                Some(ReferenceOr::Item(schema)) => resource_id(schema).map(|id| (id, *name)),
                _ => None,
            })
            .collect();
        resources.sort();
        // Module names are claimed per parent module, in resource id order.
        let mut namespaces: HashMap<Vec<String>, Namespace> = HashMap::new();
        namespaces.insert(Vec::new(), root_modules());
        let mut modules: HashMap<Vec<String>, Vec<String>> = HashMap::new();
        let mut placed = HashMap::new();
        for (id, name) in resources {
            let segments: Vec<&str> = id.split('.').collect();
            let mut path = Vec::new();
            for (depth, segment) in segments.iter().enumerate() {
                let raw_prefix: Vec<String> = segments[..=depth].iter().map(|s| s.to_string()).collect();
                let module = match modules.get(&raw_prefix) {
                    Some(module) => module.clone(),
                    None => {
                        let claimed = namespaces.entry(path.clone()).or_default().claim(module_name(segment));
                        let mut module = path.clone();
                        module.push(claimed);
                        modules.insert(raw_prefix, module.clone());
                        module
                    }
                };
                path = module;
            }
            let last = segments.last().copied().unwrap_or(id);
            let ty = rename.get(name).cloned().unwrap_or_else(|| type_name(last));
            placed.insert(name, (path, ty));
        }
        let shared = sites
            .closure
            .iter()
            .copied()
            .filter(|name| !placed.contains_key(name) && references.get(name) > 1)
            .collect();
        Placement { resources: placed, shared, rename }
    }

    /// The module, type name and resource-ness of a component schema whose place
    /// does not depend on where it is used from.
    pub fn fixed(&self, name: &str) -> Option<(Vec<String>, String, bool)> {
        if let Some((module, ty)) = self.resources.get(name) {
            return Some((module.clone(), ty.clone(), true));
        }
        if self.shared.contains(name) {
            let ty = self.renamed(name).map(str::to_string).unwrap_or_else(|| type_name(name));
            return Some((vec![SHARED_MODULE.to_string()], ty, false));
        }
        None
    }

    /// The configured name of a component schema, if it has one.
    pub fn renamed(&self, name: &str) -> Option<&str> {
        self.rename.get(name).map(String::as_str)
    }

    /// The naming context of a root resource (its place is fixed, so this only
    /// seeds the lowering).
    pub fn root_ctx(&self, name: &str) -> Ctx {
        let (module, owner) = self.resources.get(name).cloned().unwrap_or_default();
        Ctx {
            module,
            base: String::new(),
            owner,
            usage: crate::ir::Usage::Response,
            wire_path: String::new(),
            nesting: 0,
        }
    }
}
