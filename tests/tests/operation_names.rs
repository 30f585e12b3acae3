//! Operations are named and placed as Stripe's SDKs do: the generator's operation
//! table for the whole pinned document against stripe-node 15.0.0's (whose API
//! version is the pin's), recorded by `tests/oracle/operations.mjs` into
//! `tests/oracle/operations_expected.json` (`.ci/run` fails when the recording is
//! stale).
//!
//! For every operation both have (same HTTP method and path, path parameters
//! compared by position), the method must have the SDK's name in snake case
//! (`listTaxIds` -> `list_tax_ids`, `del` -> `delete`) on the SDK's resource
//! (`customers` -> `customer`; `testHelpers.terminal.readers` -> `terminal.reader`,
//! whose test helpers are its methods). Each difference is listed in
//! [`DIFFERENCES`] with its reason; the test fails on an unlisted difference and on
//! a listed one that is gone.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;
use stripe_codegen::config::Config;
use stripe_codegen::ir::Ir;
use stripe_codegen::{lower, pipeline};

/// `(METHOD path, what the SDK says, what we say, why)` for every operation whose
/// name or resource differs.
const DIFFERENCES: &[(&str, &str, &str, &str)] = &[
    (
        "GET /v1/sigma/scheduled_query_runs",
        "sigma.scheduledQueryRuns.list",
        "scheduled_query_run::list",
        "the same operation: the document's `x-resourceId` has no `sigma.` namespace",
    ),
    (
        "GET /v1/sigma/scheduled_query_runs/{scheduled_query_run}",
        "sigma.scheduledQueryRuns.retrieve",
        "scheduled_query_run::retrieve",
        "the same operation: the document's `x-resourceId` has no `sigma.` namespace",
    ),
];

/// At least this share of the shared operations must match (the goal).
const MIN_MATCHING: f64 = 0.95;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

/// The whole pinned document, lowered with the configured policy.
fn whole_api() -> Ir {
    let config = Config::load(&repo().join("spec/codegen.yaml")).unwrap();
    let bytes = std::fs::read(repo().join(&config.spec.path)).unwrap();
    let policy = lower::Policy { select: vec!["*".to_string()], ..config.policy };
    let (doc, whole) = pipeline::parse_selected(&bytes, &policy).unwrap();
    lower::lower_with(&doc, &policy, &whole).unwrap_or_else(|e| panic!("{e}"))
}

/// A path with its parameters' names blanked (`/v1/accounts/{}`).
fn shape(path: &str) -> String {
    path.split('/').map(|s| if s.starts_with('{') { "{}" } else { s }).collect::<Vec<_>>().join("/")
}

/// `listTaxIds` -> `list_tax_ids`; `del` -> `delete`.
fn snake(name: &str) -> String {
    if name == "del" {
        return "delete".into();
    }
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The `x-resourceId`s an SDK resource may stand for: `identity.verificationSessions`
/// -> `identity.verification_session`; test helpers are methods of the resource
/// they test (`testHelpers.terminal.readers` -> `terminal.reader`), or a resource
/// of their own (`testHelpers.testClocks` -> `test_helpers.test_clock`).
fn resource_ids(sdk: &str) -> Vec<String> {
    let parts: Vec<String> = sdk.split('.').map(snake).collect();
    let singular = |parts: &[String]| {
        let mut parts = parts.to_vec();
        let last = parts.pop().unwrap();
        let last = match last.strip_suffix("ies") {
            Some(stem) => format!("{stem}y"),
            None if last.ends_with('s') && !last.ends_with("ss") => last[..last.len() - 1].to_string(),
            None => last,
        };
        parts.push(last);
        parts.join(".")
    };
    let mut ids = vec![singular(&parts), parts.join(".")];
    if parts[0] == "test_helpers" {
        ids.push(singular(&parts[1..]));
    }
    ids
}

#[test]
fn operations_are_named_as_stripe_node_names_them() {
    let recording: Value =
        serde_json::from_str(&std::fs::read_to_string(repo().join("tests/oracle/operations_expected.json")).unwrap())
            .unwrap();
    assert_eq!(recording["stripe_node"], "15.0.0");
    let ir = whole_api();
    assert_eq!(recording["api_version"].as_str(), Some(ir.api_version.as_str()));
    let ours: BTreeMap<(String, String), (String, String)> = ir
        .operations
        .iter()
        .map(|op| {
            let resource = match &ir.get(op.resource).kind {
                stripe_codegen::ir::TypeKind::Struct(s) => s.resource_id.clone().unwrap_or_default(),
                _ => String::new(),
            };
            ((op.method.as_str().to_string(), shape(&op.path)), (resource, op.rust_name.clone()))
        })
        .collect();
    let mut shared = BTreeSet::new();
    let mut differences = BTreeMap::new();
    for sdk in recording["operations"].as_array().unwrap() {
        let (method, path) = (sdk["method"].as_str().unwrap(), sdk["path"].as_str().unwrap());
        let key = (method.to_string(), shape(path));
        let Some((resource, name)) = ours.get(&key) else { continue };
        let (sdk_resource, sdk_name) = (sdk["resource"].as_str().unwrap(), sdk["name"].as_str().unwrap());
        let wanted = snake(sdk_name);
        // `accounts.retrieve` is also recorded for `GET /v1/account` (`retrieveCurrent`'s path).
        if sdk["wrapped"] == true && ours.get(&key).is_some_and(|(_, n)| *n != wanted) {
            continue;
        }
        shared.insert(key.clone());
        let resource_ok = resource_ids(sdk_resource).iter().any(|id| id.replace('_', "") == resource.replace('_', ""));
        if *name != wanted || !resource_ok {
            differences.insert(
                format!("{method} {path}"),
                (format!("{sdk_resource}.{sdk_name}"), format!("{resource}::{name}")),
            );
        }
    }
    let listed: BTreeMap<String, (String, String)> =
        DIFFERENCES.iter().map(|(op, sdk, ours, _)| (op.to_string(), (sdk.to_string(), ours.to_string()))).collect();
    let unlisted: Vec<String> = differences
        .iter()
        .filter(|(op, d)| listed.get(*op) != Some(d))
        .map(|(op, (sdk, ours))| format!("  (\"{op}\", \"{sdk}\", \"{ours}\", \"?\"),"))
        .collect();
    let gone: Vec<&String> = listed.keys().filter(|op| !differences.contains_key(*op)).collect();
    assert!(unlisted.is_empty(), "differences from stripe-node not in DIFFERENCES:\n{}", unlisted.join("\n"));
    assert!(gone.is_empty(), "DIFFERENCES lists operations that now match (or are gone): {gone:?}");
    assert!(shared.len() >= 470, "only {} operations in common with stripe-node", shared.len());
    let matching = (shared.len() - differences.len()) as f64 / shared.len() as f64;
    eprintln!(
        "{} operations in common with stripe-node 15.0.0, {} differ: {:.1}% match",
        shared.len(),
        differences.len(),
        matching * 100.0
    );
    assert!(matching >= MIN_MATCHING, "{:.1}% match", matching * 100.0);
}

#[test]
fn naming_helpers() {
    assert_eq!(snake("listTaxIds"), "list_tax_ids");
    assert_eq!(snake("del"), "delete");
    assert_eq!(shape("/v1/accounts/{id}"), "/v1/accounts/{}");
    assert_eq!(resource_ids("identity.verificationSessions")[0], "identity.verification_session");
    assert_eq!(resource_ids("testHelpers.terminal.readers")[2], "terminal.reader");
    assert_eq!(resource_ids("treasury.transactionEntries")[0], "treasury.transaction_entry");
}
