//! Every resource object of the fixtures of the API version the whole-API crate was
//! generated for (`../shared/stripe-openapi/VERSION/fixtures3.json`) decodes through
//! the generated object-name mapping (`event::EventObject`, one variant per object
//! value of every resource), as the variant its `object` names, and round-trips:
//! decode, encode, decode gives the same value.
//!
//! Where a fixture and its document disagree, one rule decides: **the document
//! wins**. A key the document does not define for the object is dropped when
//! decoding (the crate keeps no unknown fields), so re-encoding lacks it; every
//! key lost in the round trip must be one the document does not define (checked
//! against the document). A fixture that lacks a property the document requires
//! does not decode, as a response lacking it would not; the test accepts that only
//! when the document lists the property under `required` there and the fixture
//! lacks it (and for at most 1 fixture in 20), and prints it. Fixtures that are not resources (no schema of their name
//! with an `x-resourceId`) or
//! are deletion receipts (`deleted: true`, which share their resource's `object`)
//! have no variant of their own; the `event` fixture is decoded as `Event` (the
//! mapping is what an event is about).

use std::path::{Path, PathBuf};

use serde_json::Value;
use stripe_api::event::{Event, EventObject};
use stripe_test_support::json::missing_paths;

fn shared_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/stripe-openapi").join(stripe_api::API_VERSION)
}

/// The document the crate was generated from (its `components/schemas`).
fn schemas() -> serde_json::Map<String, Value> {
    let dir = shared_dir();
    let doc: Value = match std::fs::read(dir.join("spec3.json")) {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap(),
        Err(_) => serde_yaml::from_slice(&std::fs::read(dir.join("spec3.yaml")).unwrap()).unwrap(),
    };
    doc["components"]["schemas"].as_object().unwrap().clone()
}

/// The schemas a schema stands for: itself, through `$ref`s and every branch of
/// `anyOf`/`oneOf`/`allOf`.
fn alternatives<'s>(schemas: &'s serde_json::Map<String, Value>, schema: &'s Value) -> Vec<&'s Value> {
    if let Some(name) = schema.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next()) {
        return schemas.get(name).map(|s| alternatives(schemas, s)).unwrap_or_default();
    }
    let branches: Vec<&Value> =
        ["anyOf", "oneOf", "allOf"].iter().filter_map(|k| schema.get(*k).and_then(Value::as_array)).flatten().collect();
    if branches.is_empty() {
        return vec![schema];
    }
    branches.into_iter().flat_map(|b| alternatives(schemas, b)).collect()
}

/// The schemas of the value at `path` (`items.data[0].plan`; empty: the object
/// itself) of an object of schema `root`, following properties, array items and
/// expansions; none if the document does not define it.
fn resolve<'s>(schemas: &'s serde_json::Map<String, Value>, root: &'s Value, path: &str) -> Vec<&'s Value> {
    let mut current = vec![root];
    for segment in path.split('.').filter(|s| !s.is_empty()) {
        let (key, indexes) =
            segment.split_once('[').map_or((segment, 0), |(k, rest)| (k, rest.matches('[').count() + 1));
        let mut next = Vec::new();
        for schema in current.iter().flat_map(|s| alternatives(schemas, s)) {
            let expansions = schema.get("x-expansionResources").and_then(|e| e.get("oneOf"));
            next.extend(schema.get("properties").and_then(|p| p.get(key)));
            next.extend(
                expansions
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|e| alternatives(schemas, e).into_iter().find_map(|s| s.get("properties")?.get(key))),
            );
        }
        for _ in 0..indexes {
            next = next.iter().flat_map(|s| alternatives(schemas, s)).filter_map(|s| s.get("items")).collect();
        }
        current = next;
    }
    current
}

/// Whether the document defines the key at `path` of an object of schema `root`.
fn defines(schemas: &serde_json::Map<String, Value>, root: &Value, path: &str) -> bool {
    !resolve(schemas, root, path).is_empty()
}

/// Whether a decoding error is the fixture lacking a property that the document
/// requires: `missing field `f`` (at `path`), where the fixture's object at `path`
/// has no `f` and the document's schema there lists `f` under `required`.
fn lacks_required(schemas: &serde_json::Map<String, Value>, root: &Value, fixture: &Value, error: &str) -> bool {
    let Some(field) = error.split("missing field `").nth(1).and_then(|rest| rest.split('`').next()) else {
        return false;
    };
    let path = error.split(" at `").nth(1).and_then(|rest| rest.split('`').next()).unwrap_or("");
    let pointer: String = path
        .split('.')
        .filter(|s| !s.is_empty())
        .flat_map(|s| {
            let (key, rest) = s.split_once('[').map_or((s, ""), |(k, r)| (k, r));
            std::iter::once(format!("/{key}"))
                .chain(rest.split('[').filter(|i| !i.is_empty()).map(|i| format!("/{}", i.trim_end_matches(']'))))
        })
        .collect();
    let lacks = fixture.pointer(&pointer).is_some_and(|object| object.get(field).is_none());
    let required = resolve(schemas, root, path)
        .into_iter()
        .flat_map(|s| alternatives(schemas, s))
        .any(|s| s.get("required").and_then(Value::as_array).is_some_and(|r| r.iter().any(|f| f == field)));
    lacks && required
}

/// What is wrong with decoding and re-encoding one resource fixture, if anything.
fn check(
    schemas: &serde_json::Map<String, Value>,
    id: &str,
    original: &Value,
    lacking: &mut Vec<String>,
) -> Option<String> {
    let object = original["object"].as_str()?;
    let reencoded = if object == "event" {
        let decoded: Event = serde_json::from_value(original.clone()).ok()?;
        serde_json::to_value(&decoded).unwrap()
    } else {
        let decoded: EventObject = match serde_json::from_value(original.clone()) {
            Ok(decoded) => decoded,
            Err(e) if lacks_required(schemas, &schemas[id], original, &e.to_string()) => {
                lacking.push(format!("{id}: {e}"));
                return None;
            }
            Err(e) => return Some(format!("{id}: does not decode: {e}")),
        };
        if matches!(decoded, EventObject::Unrecognized(_)) {
            return Some(format!("{id}: `object: {object}` is no variant of EventObject"));
        }
        let reencoded = serde_json::to_value(&decoded).expect("encodes");
        let again: EventObject = serde_json::from_value(reencoded.clone()).expect("re-encoded JSON decodes");
        if again != decoded {
            return Some(format!("{id}: the round trip changed the value"));
        }
        reencoded
    };
    let missing = missing_paths(original, &reencoded);
    let known: Vec<&String> = missing.iter().filter(|path| defines(schemas, &schemas[id], path)).collect();
    (!known.is_empty()).then(|| format!("{id}: keys the document defines are lost when re-encoded: {known:?}"))
}

#[test]
fn every_resource_fixture_decodes_and_round_trips() {
    let schemas = schemas();
    let path = shared_dir().join("fixtures3.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let file: Value = serde_json::from_str(&text).unwrap();
    let resources = file["resources"].as_object().expect("a `resources` object");
    let (mut checked, mut skipped, mut failures, mut lacking) = (0, 0, Vec::new(), Vec::new());
    for (id, value) in resources {
        // (A fixture may have no schema of its name: `entitlements.active_entitlement_summary`.)
        let resource = schemas.get(id).is_some_and(|schema| schema.get("x-resourceId").is_some());
        if !resource || value.get("deleted") == Some(&Value::Bool(true)) {
            skipped += 1;
            continue;
        }
        checked += 1;
        failures.extend(check(&schemas, id, value, &mut lacking));
    }
    eprintln!("{}: {checked} resource fixtures checked, {skipped} others skipped", stripe_api::API_VERSION);
    for disagreement in &lacking {
        eprintln!("the fixture lacks what the document requires (the document wins): {disagreement}");
    }
    assert!(lacking.len() * 20 <= checked, "{} of {checked} fixtures lack required properties", lacking.len());
    assert!(checked > 100, "only {checked} resource fixtures in {}", path.display());
    assert!(failures.is_empty(), "{} of {checked} fixtures fail:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn the_document_check_finds_defined_keys() {
    let schemas = schemas();
    let invoice = &schemas["invoice"];
    assert!(defines(&schemas, invoice, "lines.data[0].amount"));
    assert!(defines(&schemas, invoice, "customer"));
    assert!(!defines(&schemas, invoice, "lines.data[0].no_such_key"));
    assert!(!defines(&schemas, invoice, "no_such_key"));
    let fixture = serde_json::json!({"lines": {"data": [{"id": "il_1"}]}});
    let error = "`invoice` object at `lines.data[0]`: missing field `amount`";
    assert!(lacks_required(&schemas, invoice, &fixture, error));
    assert!(!lacks_required(&schemas, invoice, &fixture, "`invoice` object at `lines.data[0]`: missing field `id`"));
    assert!(!lacks_required(&schemas, invoice, &fixture, "`invoice` object: missing field `no_such_key`"));
}
