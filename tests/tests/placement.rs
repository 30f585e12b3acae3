//! A type's Rust path does not depend on what else is selected: every type that a
//! small selection makes from the document's schemas is at the same path (module
//! and name) in the lowering of the whole document, on both Stripe documents.
//! (Placement counts the whole document's references, not those of the selection.)
//! That includes the params and response types of operations: which resource an
//! operation belongs to is decided over the whole document too, and so are their names.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use stripe_codegen::ir::Ir;
use stripe_codegen::lower::{self, Policy};
use stripe_codegen::pipeline;

const SELECTIONS: &[&[&str]] = &[
    &["identity.*"],
    &["tax.*"],
    &["customer"],
    &["checkout.session", "invoice"],
    &["identity.*", "event"],
    &["subscription_schedule", "test_helpers.test_clock"],
];

/// Lowers `bytes` as `cargo xtask codegen` does (pruned, with what is decided over
/// the whole document), with the configured policy and `select`.
fn lower(bytes: &[u8], select: &[String]) -> Ir {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let config = stripe_codegen::config::Config::load(&root.join("spec/codegen.yaml")).unwrap();
    let policy = Policy { select: select.to_vec(), ..config.policy };
    let (doc, references) = pipeline::parse_selected(bytes, &policy).unwrap_or_else(|e| panic!("{select:?}: {e}"));
    lower::lower_with(&doc, &policy, &references).unwrap_or_else(|e| panic!("{select:?}: {e}"))
}

/// `module::Name` of every type, by the JSON pointer of the schema it was made from.
fn paths_by_source(ir: &Ir) -> HashMap<&str, BTreeSet<String>> {
    let mut out: HashMap<&str, BTreeSet<String>> = HashMap::new();
    for def in &ir.types {
        out.entry(def.source.as_str()).or_default().insert(format!("{}::{}", def.module.join("::"), def.name));
    }
    out
}

#[test]
fn type_paths_do_not_depend_on_the_selection() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    for document in ["2024-04-10/spec3.json", "2023-08-16/spec3.yaml"] {
        let path = root.join("../shared/stripe-openapi").join(document);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let whole = lower(&bytes, &["*".to_string()]);
        let whole_paths = paths_by_source(&whole);
        assert!(whole.types.len() > 3000, "{document}: {} types", whole.types.len());
        for select in SELECTIONS {
            let select: Vec<String> = select.iter().map(|s| s.to_string()).collect();
            let small = lower(&bytes, &select);
            let moved: Vec<String> = small
                .types
                .iter()
                .filter(|def| {
                    let path = format!("{}::{}", def.module.join("::"), def.name);
                    !whole_paths.get(def.source.as_str()).is_some_and(|paths| paths.contains(&path))
                })
                .map(|def| format!("{}::{} ({})", def.module.join("::"), def.name, def.source))
                .collect();
            assert!(
                moved.is_empty(),
                "{document} {select:?}: {} of {} types are elsewhere in the whole document's crate:\n{}",
                moved.len(),
                small.types.len(),
                moved.join("\n")
            );
        }
    }
}
