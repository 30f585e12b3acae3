//! Which resource every operation of the document belongs to, decided over the
//! whole document (so that it does not depend on what is selected), and the facts
//! its method is named from. Pruning keeps the paths of the selected resources'
//! operations by it, lowering generates them by it, and the naming module names
//! them from it.
//!
//! The rule, from the paths alone:
//! 1. A resource is a component schema with an `x-resourceId`, except a deletion
//!    receipt (a schema whose `deleted` property is the constant `true`).
//! 2. A *collection* of a resource is a path without parameters that an operation
//!    returning the resource (or a list or search result of it) is on, less a
//!    trailing `{param}`: `/v1/customers` (from `GET /v1/customers` and
//!    `GET /v1/customers/{customer}`). A path below another collection is not one
//!    (`/v1/customers/search` is below `/v1/customers`), nor is a path in a helper
//!    namespace (`policy.helper_namespaces`, `test_helpers`) that is a collection,
//!    or below one, without the namespace segment.
//! 3. An operation belongs to the resource of the longest collection its path
//!    starts with; failing that, of the longest collection its path starts with
//!    once a helper namespace segment is dropped
//!    (`/v1/test_helpers/terminal/readers/{reader}/present_payment_method` belongs
//!    to the terminal reader).
//! 4. An operation whose path starts with no collection (a path with parameters
//!    before its end, `/v1/a/{b}/{c}`) belongs to the resource its response
//!    returns, its own path less a trailing parameter being the collection. Any
//!    other operation belongs to no resource and is not generated.
//!
//! When several resources claim the same collection, the one returned by more of
//! its operations takes it (then the first by schema name).

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use crate::ir::HttpMethod;
use crate::refs::SCHEMA_REF;

/// What the document says about one operation, as far as its owner and its
/// method's name go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationFacts {
    /// The component schema name of the resource it belongs to.
    pub owner: String,
    /// The segments of its path below the owner's collection (after a helper
    /// namespace is dropped): `["{session}", "cancel"]`.
    pub below: Vec<String>,
    /// The resource its success response returns (a list's or search result's
    /// items), by component schema name.
    pub returns: Option<String>,
    /// Whether the response is a list or a search result.
    pub returns_list: bool,
    /// Whether the response is not JSON (a PDF).
    pub returns_file: bool,
    /// The resource that a `GET` on the same path returns as a single object: a
    /// `POST` there updates it.
    pub get_returns: Option<String>,
}

/// The owners of every `get`, `post` and `delete` operation of a document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Owners {
    /// By path and method.
    operations: BTreeMap<(String, HttpMethod), OperationFacts>,
    /// The `x-resourceId` of every resource, by component schema name.
    resource_ids: BTreeMap<String, String>,
}

/// The operations of a path item that [`Owners::decide`] reads.
const VERBS: [(&str, HttpMethod); 3] =
    [("get", HttpMethod::Get), ("post", HttpMethod::Post), ("delete", HttpMethod::Delete)];

/// What [`Owners::decide`] reads of a path item: the `responses` of its `get`,
/// `post` and `delete` operations (`null` for an operation, or an item, that is
/// no object). Deciding over a tree whose path items are cut down to this gives
/// the same owners (a test compares them on Stripe's documents).
pub fn read_of_path_item(item: &Value) -> Value {
    let Value::Object(item) = item else { return Value::Null };
    let mut read = Map::new();
    for (verb, _) in VERBS {
        let Some(op) = item.get(verb) else { continue };
        let op = match op {
            Value::Object(op) => {
                let responses = op.get("responses").map(|r| ("responses".to_string(), r.clone()));
                Value::Object(responses.into_iter().collect())
            }
            _ => Value::Null,
        };
        read.insert(verb.to_string(), op);
    }
    Value::Object(read)
}

/// What [`Owners::decide`] and [`crate::prune::plan`] read of a component schema:
/// its `x-resourceId` and its `deleted` property (`null` for a schema that is no
/// object). As for [`read_of_path_item`], a test compares the outcomes.
pub fn read_of_schema(schema: &Value) -> Value {
    let Value::Object(schema) = schema else { return Value::Null };
    let mut read = Map::new();
    if let Some(id) = schema.get("x-resourceId") {
        read.insert("x-resourceId".to_string(), id.clone());
    }
    if let Some(deleted) = schema.get("properties").and_then(|properties| properties.get("deleted")) {
        let properties = Map::from_iter([("deleted".to_string(), deleted.clone())]);
        read.insert("properties".to_string(), Value::Object(properties));
    }
    Value::Object(read)
}

/// The response of an operation: the resource returned, whether as a list, whether not JSON.
#[derive(Clone, Debug, Default)]
struct Response {
    resource: Option<String>,
    list: bool,
    file: bool,
}

impl Owners {
    /// The owners of the operations of a document's plain tree, with
    /// `helper_namespaces` as in the module's rule.
    pub fn decide(tree: &Value, helper_namespaces: &[String]) -> Self {
        let resource_ids = resources(tree);
        let mut responses: Vec<(&str, HttpMethod, Response)> = Vec::new();
        if let Some(Value::Object(paths)) = tree.get("paths") {
            for (path, item) in paths {
                for (verb, method) in VERBS {
                    if let Some(op) = item.get(verb) {
                        responses.push((path, method, response(op, &resource_ids)));
                    }
                }
            }
        }
        let collections = collections(&responses, helper_namespaces);
        let mut operations = BTreeMap::new();
        for (path, method, response) in &responses {
            let owned = owning_collection(path, &collections, helper_namespaces)
                .map(|(collection, below)| (collections[collection.as_str()].to_string(), below))
                .or_else(|| Some((response.resource.clone()?, trailing_param(path))));
            let Some((owner, below)) = owned else { continue };
            let get_returns = responses
                .iter()
                .find(|(p, m, r)| p == path && *m == HttpMethod::Get && !r.list && r.resource.is_some())
                .and_then(|(_, _, r)| r.resource.clone());
            let facts = OperationFacts {
                owner,
                below,
                returns: response.resource.clone(),
                returns_list: response.list,
                returns_file: response.file,
                get_returns,
            };
            operations.insert((path.to_string(), *method), facts);
        }
        Owners { operations, resource_ids }
    }

    /// The facts of the operation `method path`, if it belongs to a resource.
    pub fn get(&self, path: &str, method: HttpMethod) -> Option<&OperationFacts> {
        self.operations.get(&(path.to_string(), method))
    }

    /// The resource (component schema name) a path's operations belong to, if any.
    pub fn owner_of_path(&self, path: &str) -> Option<&str> {
        let mut range = self.operations.range((path.to_string(), HttpMethod::Get)..);
        range.next().filter(|((p, _), _)| p == path).map(|(_, facts)| facts.owner.as_str())
    }

    /// The `x-resourceId` of a resource (`identity.verification_session`).
    pub fn resource_id(&self, schema: &str) -> Option<&str> {
        self.resource_ids.get(schema).map(String::as_str)
    }
}

/// The `x-resourceId` of every resource schema that is not a deletion receipt.
fn resources(tree: &Value) -> BTreeMap<String, String> {
    let Some(Value::Object(schemas)) = tree.pointer("/components/schemas") else { return BTreeMap::new() };
    schemas
        .iter()
        .filter(|(_, schema)| {
            let deleted = schema.pointer("/properties/deleted/enum").and_then(Value::as_array);
            deleted.is_none_or(|values| values != &[Value::Bool(true)])
        })
        .filter_map(|(name, schema)| Some((name.clone(), schema.get("x-resourceId")?.as_str()?.to_string())))
        .collect()
}

/// What the first 2xx response of `op` returns.
fn response(op: &Value, resources: &BTreeMap<String, String>) -> Response {
    let Some(Value::Object(responses)) = op.get("responses") else { return Response::default() };
    let Some((_, first)) = responses.iter().filter(|(code, _)| code.starts_with('2')).min_by_key(|(code, _)| *code)
    else {
        return Response::default();
    };
    let Some(Value::Object(content)) = first.get("content") else { return Response::default() };
    let Some(schema) = content.get("application/json").and_then(|media| media.get("schema")) else {
        return Response { file: !content.is_empty(), ..Response::default() };
    };
    let resource = |schema: &Value| {
        let name = schema.get("$ref")?.as_str()?.strip_prefix(SCHEMA_REF)?;
        resources.contains_key(name).then(|| name.to_string())
    };
    if let Some(name) = resource(schema) {
        return Response { resource: Some(name), ..Response::default() };
    }
    let object = schema.pointer("/properties/object/enum").and_then(Value::as_array);
    let is_list = object.is_some_and(|values| values == &["list"] || values == &["search_result"]);
    match schema.pointer("/properties/data/items") {
        Some(items) if is_list => Response { resource: resource(items), list: true, file: false },
        _ => Response::default(),
    }
}

fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

fn is_param(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

/// Whether `prefix`'s segments start `path`'s (or equal them).
fn starts_with(path: &[&str], prefix: &[&str]) -> bool {
    path.len() >= prefix.len() && path[..prefix.len()] == prefix[..]
}

/// `path` without its helper namespace segment (the one after the version:
/// `/v1/test_helpers/x` -> `/v1/x`), if it is in one.
fn without_namespace<'p>(path: &[&'p str], helper_namespaces: &[String]) -> Option<Vec<&'p str>> {
    let in_namespace = path.len() >= 3 && helper_namespaces.iter().any(|ns| ns == path[1]);
    in_namespace.then(|| path.iter().enumerate().filter(|(i, _)| *i != 1).map(|(_, s)| *s).collect())
}

/// Every collection (see the module's rule) and the resource it belongs to.
fn collections<'r>(
    responses: &'r [(&str, HttpMethod, Response)],
    helper_namespaces: &[String],
) -> HashMap<String, &'r str> {
    let mut candidates: BTreeMap<String, BTreeMap<&'r str, usize>> = BTreeMap::new();
    for (path, _, response) in responses {
        let Some(resource) = &response.resource else { continue };
        let mut segs = segments(path);
        if segs.last().is_some_and(|s| is_param(s)) {
            segs.pop();
        }
        if !segs.is_empty() && !segs.iter().any(|s| is_param(s)) {
            *candidates.entry(segs.join("/")).or_default().entry(resource.as_str()).or_default() += 1;
        }
    }
    let all: Vec<Vec<&str>> = candidates.keys().map(|c| c.split('/').collect()).collect();
    let below_one =
        |path: &[&str], strictly: bool| all.iter().any(|c| starts_with(path, c) && (!strictly || c.len() < path.len()));
    let mut out = HashMap::new();
    for (collection, resources) in &candidates {
        let segs: Vec<&str> = collection.split('/').collect();
        let in_namespace = without_namespace(&segs, helper_namespaces).is_some_and(|base| below_one(&base, false));
        if below_one(&segs, true) || in_namespace {
            continue;
        }
        let best = resources.iter().max_by(|(a, n), (b, m)| n.cmp(m).then_with(|| b.cmp(a)));
        if let Some((resource, _)) = best {
            out.insert(format!("/{collection}"), *resource);
        }
    }
    out
}

/// The last segment of `path` if it is a parameter: what is below the collection
/// of an operation that belongs to the resource it returns.
fn trailing_param(path: &str) -> Vec<String> {
    segments(path).last().filter(|s| is_param(s)).map(|s| vec![s.to_string()]).unwrap_or_default()
}

/// The collection `path` belongs to and its segments below it (see the module's rule).
fn owning_collection(
    path: &str,
    collections: &HashMap<String, &str>,
    helper_namespaces: &[String],
) -> Option<(String, Vec<String>)> {
    let longest = |segs: &[&str]| {
        (1..=segs.len()).rev().find_map(|n| {
            let collection = format!("/{}", segs[..n].join("/"));
            collections
                .contains_key(&collection)
                .then(|| (collection, segs[n..].iter().map(|s| s.to_string()).collect()))
        })
    };
    let segs = segments(path);
    longest(&segs).or_else(|| longest(&without_namespace(&segs, helper_namespaces)?))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn returning(schema: Value) -> Value {
        json!({"responses": {"200": {"content": {"application/json": {"schema": schema}}}}})
    }

    fn list_of(name: &str) -> Value {
        json!({"properties": {"object": {"enum": ["list"]}, "data": {"items": {"$ref": format!("#/components/schemas/{name}")}}}})
    }

    fn one(name: &str) -> Value {
        json!({"$ref": format!("#/components/schemas/{name}")})
    }

    #[test]
    fn operations_belong_to_the_longest_collection() {
        let tree = json!({
            "paths": {
                "/v1/customers": {"get": returning(list_of("customer")), "post": returning(one("customer"))},
                "/v1/customers/search": {"get": returning(list_of("customer"))},
                "/v1/customers/{customer}": {"get": returning(one("customer")), "delete": returning(one("deleted_customer"))},
                "/v1/customers/{customer}/tax_ids": {"get": returning(list_of("tax_id"))},
                "/v1/tax_ids/{id}": {"get": returning(one("tax_id"))},
                "/v1/test_helpers/customers/{customer}/fund": {"post": returning(one("customer"))},
                "/v1/test_helpers/clocks": {"post": returning(one("clock"))},
                "/v1/orphans/{id}": {"get": returning(json!({"type": "object"}))},
                "/v1/odd/{a}/{b}": {"post": returning(one("tax_id"))},
            },
            "components": {"schemas": {
                "customer": {"x-resourceId": "customer"},
                "deleted_customer": {"x-resourceId": "deleted_customer", "properties": {"deleted": {"enum": [true]}}},
                "tax_id": {"x-resourceId": "tax_id"},
                "clock": {"x-resourceId": "test_helpers.clock"},
            }},
        });
        let owners = Owners::decide(&tree, &["test_helpers".to_string()]);
        let owner = |path: &str, method| owners.get(path, method).map(|f| (f.owner.as_str(), f.below.join("/")));
        assert_eq!(owner("/v1/customers", HttpMethod::Get), Some(("customer", String::new())));
        assert_eq!(owner("/v1/customers/search", HttpMethod::Get), Some(("customer", "search".into())));
        assert_eq!(owner("/v1/customers/{customer}", HttpMethod::Delete), Some(("customer", "{customer}".into())));
        assert_eq!(
            owner("/v1/customers/{customer}/tax_ids", HttpMethod::Get),
            Some(("customer", "{customer}/tax_ids".into()))
        );
        assert_eq!(owner("/v1/tax_ids/{id}", HttpMethod::Get), Some(("tax_id", "{id}".into())));
        let helper = owner("/v1/test_helpers/customers/{customer}/fund", HttpMethod::Post);
        assert_eq!(helper, Some(("customer", "{customer}/fund".into())));
        assert_eq!(owner("/v1/test_helpers/clocks", HttpMethod::Post), Some(("clock", String::new())));
        assert_eq!(owner("/v1/orphans/{id}", HttpMethod::Get), None);
        assert_eq!(owner("/v1/odd/{a}/{b}", HttpMethod::Post), Some(("tax_id", "{b}".into())));
        let get = owners.get("/v1/customers/{customer}", HttpMethod::Get).unwrap();
        assert_eq!(
            (get.returns.as_deref(), get.returns_list, get.get_returns.as_deref()),
            (Some("customer"), false, Some("customer"))
        );
        assert_eq!(owners.resource_id("deleted_customer"), None);
        assert_eq!(owners.owner_of_path("/v1/customers/search"), Some("customer"));
    }
}
