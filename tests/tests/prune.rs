//! Pruning the document to the selection before parsing it (what `cargo xtask
//! codegen` does, counting the whole document's references first) gives exactly
//! the IR of lowering the whole document.

use std::path::Path;

use stripe_codegen::config::Config;
use stripe_codegen::{load, lower, pipeline, prune};

#[test]
fn pruned_and_whole_documents_lower_to_the_same_ir() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    // The configured policy: the default selection, with its `refine` entries (which
    // read the event types from a path of their own).
    let config = Config::load(&root.join("spec/codegen.yaml")).unwrap();
    let configured: Vec<&str> = config.policy.select.iter().map(String::as_str).collect();
    for version in ["2024-04-10/spec3.json", "2023-08-16/spec3.yaml", "2022-11-15/spec3.yaml"] {
        let path = root.join(format!("../shared/stripe-openapi/{version}"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let whole = load::parse(&bytes).unwrap();
        for select in [
            &configured[..],
            &["identity.*"],
            &["tax.*"],
            &["customer"],
            &["checkout.session", "invoice"],
            &["issuing.*", "treasury.*"],
            &["subscription_schedule", "test_helpers.test_clock"],
        ] {
            let policy = lower::Policy { refine: config.policy.refine.clone(), ..lower::Policy::select(select) };
            let (pruned, references) = pipeline::parse_selected(&bytes, &policy).unwrap();
            let expected = lower::lower(&whole, &policy);
            let actual = lower::lower_with(&pruned, &policy, &references);
            if let Err(e) = &expected {
                // Nothing selected (no `tax.*` in 2022): the same error, from the whole document.
                assert_eq!(actual.as_ref().unwrap_err(), e, "{version} {select:?}");
                continue;
            }
            assert!(
                pruned.components.as_ref().unwrap().schemas.len() < whole.components.as_ref().unwrap().schemas.len(),
                "{version} {select:?}: nothing was pruned"
            );
            let (expected, actual) = (expected.unwrap(), actual.unwrap());
            assert!(!expected.types.is_empty(), "{version} {select:?}");
            assert!(expected == actual, "{version} {select:?}: pruning changed the IR");
        }
    }
}

/// Prunes `tree` to `select` with the owners decided over it, as the pipeline does.
fn prune_to(tree: &mut serde_json::Value, select: &str) {
    let owners = stripe_codegen::owners::Owners::decide(tree, &[]);
    prune::prune(tree, &[select.to_string()], &[], &owners);
}

/// A `GET` whose 200 response is `schema`.
fn get(schema: serde_json::Value) -> serde_json::Value {
    serde_json::json!({"get": {"responses": {"200": {"content": {"application/json": {"schema": schema}}}}}})
}

#[test]
fn without_a_selected_resource_nothing_is_pruned() {
    let mut tree = serde_json::json!({
        "paths": {"/v1/a": {}},
        "components": {"schemas": {"a": {"x-resourceId": "a"}, "b": {}}}
    });
    let before = tree.clone();
    prune_to(&mut tree, "nothing");
    assert_eq!(tree, before);
    // An escaped name could be misread: pruning gives up rather than guess.
    let mut tree = serde_json::json!({
        "paths": {"/v1/a/x": get(serde_json::json!({"$ref": "#/components/schemas/a~1b"}))},
        "components": {"schemas": {"a": {"x-resourceId": "a"}, "a/b": {}, "c": {}}}
    });
    let before = tree.clone();
    prune_to(&mut tree, "a");
    assert_eq!(tree, before);
    // Otherwise only the paths of the selection's operations and its schemas stay.
    let mut tree = serde_json::json!({
        "paths": {
            "/v1/as": get(serde_json::json!({"$ref": "#/components/schemas/a"})),
            "/v1/as/{id}/deleted": {"delete": {"responses": {"200": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/deleted"}}}}}}},
            "/v1/cs": get(serde_json::json!({"$ref": "#/components/schemas/c"})),
            "/v1/ds": {"get": {"responses": {"200": {"$ref": "#/components/responses/d"}}}}
        },
        "components": {"schemas": {
            "a": {"x-resourceId": "a", "properties": {"b": {"$ref": "#/components/schemas/b"}}},
            "b": {}, "c": {"x-resourceId": "c"}, "deleted": {}
        }}
    });
    prune_to(&mut tree, "a");
    let keys = |pointer: &str| tree.pointer(pointer).unwrap().as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    // `/v1/as/{id}/deleted` belongs to `a` (below its collection `/v1/as`); `/v1/ds`
    // refers to a response, which lowering must see to judge.
    assert_eq!(keys("/paths"), ["/v1/as", "/v1/as/{id}/deleted", "/v1/ds"]);
    assert_eq!(keys("/components/schemas"), ["a", "b", "deleted"]);
}
