//! The names of one file: which items from elsewhere (other modules of the crate,
//! the runtime, serde, std) it imports with `use`, and how its code names them.
//!
//! An item is imported and named by its last segment unless that name is also a
//! type of the module, or the last segment of another item the file asks for.
//! Such items keep their full path wherever they are used, so the outcome depends
//! only on the set of items asked for: the runtime's `Request` is
//! `stripe_runtime::Request` in the module of `Event`, which has a `Request` of
//! its own, and `Request` everywhere else.
//!
//! A file's items are emitted before that set is known, presuming that every item
//! asked for is imported unless the module defines its name; [`Scope::settle`]
//! then decides the imports from the set. The presumption holds unless two items
//! asked for share a name ([`Scope::presumption_held`]); if it did not, the items
//! are emitted again with the imports settled (see `emit_module`), and ask for the
//! same items. [`Scope::use_items`] lists the imports.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::doc_attrs::DocTable;

/// The imports of one file, asked for while emitting it and settled in between,
/// and the file's documentation (see [`DocTable`]).
pub struct Scope {
    /// The module's own path as a prefix of its items' paths (`crate::a::b::`).
    own_prefix: String,
    /// Names the module defines itself: its types, child modules and re-exports.
    local: BTreeSet<String>,
    /// Full paths asked for before the scope was settled, `::`-separated.
    asked: BTreeSet<String>,
    /// The names the paths asked for end in (fewer than the paths if two share one).
    asked_names: BTreeSet<String>,
    /// The full paths imported, once settled.
    imported: Option<BTreeSet<String>>,
    /// The file's documentation.
    docs: DocTable,
}

impl Scope {
    /// The scope of `module`, which defines the names `local`.
    pub fn new(module: &[String], local: BTreeSet<String>) -> Self {
        let own_prefix = std::iter::once("crate").chain(module.iter().map(String::as_str)).fold(
            String::new(),
            |mut prefix, segment| {
                prefix.push_str(segment);
                prefix.push_str("::");
                prefix
            },
        );
        Scope {
            own_prefix,
            local,
            asked: BTreeSet::new(),
            asked_names: BTreeSet::new(),
            imported: None,
            docs: DocTable::default(),
        }
    }

    /// The file's documentation, which its doc attributes stand for.
    pub fn docs(&mut self) -> &mut DocTable {
        &mut self.docs
    }

    /// The file's documentation, for printing the file.
    pub fn into_docs(self) -> DocTable {
        self.docs
    }

    /// How the file names the item at `path`: an item of its own module by its name,
    /// anything else as [`Scope::name_text`] does.
    pub fn spell(&mut self, path: &str) -> String {
        match path.strip_prefix(self.own_prefix.as_str()) {
            Some(name) if !name.contains("::") => name.to_string(),
            _ => self.name_text(path),
        }
    }

    /// How the file names the item at `path` (`stripe_runtime::Request`): its last
    /// segment if it is imported, else its full path. Until the scope is settled,
    /// the path is recorded, and presumed imported unless the module defines its name.
    pub fn name_text(&mut self, path: &str) -> String {
        if self.imports(path) {
            last_segment(path).to_string()
        } else {
            path.to_string()
        }
    }

    /// Whether `path` is imported, once settled; before, records it as asked for
    /// and says whether it is presumed imported.
    fn imports(&mut self, path: &str) -> bool {
        match &self.imported {
            Some(imported) => imported.contains(path),
            None => {
                let name = last_segment(path);
                if !self.asked.contains(path) {
                    self.asked_names.insert(name.to_string());
                    self.asked.insert(path.to_string());
                }
                !self.local.contains(name)
            }
        }
    }

    /// Whether every name written before the scope was settled is written as
    /// settling decides: no two paths asked for end in the same name.
    pub fn presumption_held(&self) -> bool {
        self.asked_names.len() == self.asked.len()
    }

    /// Decides the imports from what the emission asked for.
    pub fn settle(&mut self) {
        let mut by_name: BTreeMap<&str, Vec<&String>> = BTreeMap::new();
        for path in &self.asked {
            by_name.entry(last_segment(path)).or_default().push(path);
        }
        let imported = by_name
            .into_iter()
            .filter(|(name, paths)| paths.len() == 1 && !self.local.contains(*name))
            .map(|(_, paths)| paths[0].clone())
            .collect();
        self.imported = Some(imported);
    }

    /// The `use` items of the file, one per module imported from (`use
    /// stripe_runtime::{List, Request};`): `std`, then other crates, then this one.
    pub fn use_items(&self) -> TokenStream {
        let mut by_parent: BTreeMap<(u8, &str), Vec<&str>> = BTreeMap::new();
        for path in self.imported.iter().flatten() {
            let Some((parent, name)) = path.rsplit_once("::") else { continue };
            let root = parent.split("::").next().unwrap_or(parent);
            by_parent.entry((import_group(root), parent)).or_default().push(name);
        }
        let items = by_parent.into_iter().map(|((_, parent), mut names)| {
            // As rustfmt orders them: functions and macros, then types.
            names.sort_by_key(|name| (name.starts_with(|c: char| c.is_ascii_uppercase()), *name));
            let names = names.into_iter().map(|name| Ident::new(name, Span::call_site()));
            let names: Vec<Ident> = names.collect();
            let parent = parent.split("::").map(|s| Ident::new(s, Span::call_site()));
            match names.as_slice() {
                [one] => quote!(use #(#parent)::* :: #one;),
                _ => quote!(use #(#parent)::* :: { #(#names),* };),
            }
        });
        quote!(#(#items)*)
    }
}

/// The name of the item at `path`: its last segment.
fn last_segment(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

/// Where imports from the crate `root` go in a file: `std` (0), other crates (1),
/// this crate (2).
pub fn import_group(root: &str) -> u8 {
    match root {
        "std" | "core" | "alloc" => 0,
        "crate" | "self" | "super" => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::Scope;

    fn settled(local: &[&str], asked: &[&str]) -> Scope {
        let mut scope = Scope::new(&[], local.iter().map(|s| s.to_string()).collect());
        for path in asked {
            scope.name_text(path);
        }
        scope.settle();
        scope
    }

    #[test]
    fn items_are_imported_unless_their_name_is_taken() {
        let mut scope = settled(
            &["Request", "Event"],
            &[
                "stripe_runtime::Request",
                "stripe_runtime::List",
                "crate::a::Thing",
                "crate::b::Thing",
                "crate::c::Other",
            ],
        );
        assert_eq!(scope.name_text("stripe_runtime::List"), "List");
        assert_eq!(scope.name_text("crate::c::Other"), "Other");
        // Taken by the module's own type, or by another import: both keep their paths.
        assert_eq!(scope.name_text("stripe_runtime::Request"), "stripe_runtime::Request");
        assert_eq!(scope.name_text("crate::a::Thing"), "crate::a::Thing");
        assert_eq!(scope.name_text("crate::b::Thing"), "crate::b::Thing");
        assert_eq!(scope.use_items().to_string(), "use stripe_runtime :: List ; use crate :: c :: Other ;",);
    }

    #[test]
    fn names_are_presumed_imported_until_two_items_share_one() {
        let mut scope = Scope::new(&[], ["Request".to_string()].into());
        assert_eq!(scope.name_text("stripe_runtime::List"), "List");
        // The module's own `Request` keeps the runtime's at its full path.
        assert_eq!(scope.name_text("stripe_runtime::Request"), "stripe_runtime::Request");
        scope.name_text("stripe_runtime::List");
        assert!(scope.presumption_held());
        // Another `List`: neither is imported, so `List` was presumed wrongly.
        assert_eq!(scope.name_text("crate::a::List"), "List");
        assert!(!scope.presumption_held());
        scope.settle();
        assert_eq!(scope.name_text("stripe_runtime::List"), "stripe_runtime::List");
        assert_eq!(scope.use_items().to_string(), "");
    }

    #[test]
    fn imports_are_grouped_by_module() {
        let scope = settled(&[], &["serde::Serialize", "std::collections::BTreeMap", "serde::Deserialize"]);
        assert_eq!(
            scope.use_items().to_string(),
            "use std :: collections :: BTreeMap ; use serde :: { Deserialize , Serialize } ;",
        );
    }
}
