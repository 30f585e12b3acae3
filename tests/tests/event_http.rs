//! The generated `Event` methods end to end, on a recording server on loopback
//! (`stripe-test-support`): the exact request (the bytes stripe-node sends for the
//! same call, from `tests/oracle/expected.json`) and the typed events decoded from
//! replies made of the pinned version's published example objects.

use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};
use stripe_api::event::{Event, EventObject, EventType, ListParams, RetrieveParams};
use stripe_api::identity::verification_session::Status;
use stripe_api::{Client, RangeBounds};
use stripe_test_support::{Recorded, Reply, TestServer};

const KEY: &str = "sk_test_event_http";

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn repo_root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// One object of `resources` in the pinned version's `fixtures3.json`.
fn fixture(name: &str) -> Value {
    let path = repo_root().join("../shared/stripe-openapi").join(stripe_api::API_VERSION).join("fixtures3.json");
    let value = read_json(&path)["resources"][name].take();
    assert!(value.is_object(), "{} has no `resources.{name}`", path.display());
    value
}

/// The example event, with another id, type and object.
fn event_json(id: &str, event_type: &str, object: Value) -> Value {
    let mut event = fixture("event");
    event["id"] = json!(id);
    event["type"] = json!(event_type);
    event["data"] = json!({ "object": object });
    event
}

/// The method, path and query stripe-node sends for an oracle case (none of the
/// event cases has a body).
fn oracle(case: &str) -> (String, String, String) {
    let expected = read_json(&repo_root().join("tests/oracle/expected.json"));
    let field = |name: &str| expected[case][name].as_str().unwrap_or_else(|| panic!("{case}: no {name}")).to_owned();
    assert_eq!(field("body"), "", "{case}");
    (field("method"), field("path"), field("query"))
}

fn assert_oracle_request(request: &Recorded, case: &str) {
    let (method, path, query) = oracle(case);
    assert_eq!(request.method, method, "{case}");
    assert_eq!(request.path, path, "{case}");
    assert_eq!(request.query.as_deref().unwrap_or(""), query, "{case}");
    assert!(request.body.is_empty(), "{case}");
    assert_eq!(request.header("stripe-version"), Some("2024-04-10"));
}

fn client(server: &TestServer) -> Client {
    Client::builder(KEY).base_url(&server.url).retry_base_delay(Duration::from_millis(1)).build().unwrap()
}

fn ok(body: &Value) -> Reply {
    Reply::json(200, &body.to_string())
}

#[tokio::test]
async fn list_filters_by_type_and_created_and_decodes_typed_events() {
    let mut session = fixture("identity.verification_session");
    session["status"] = json!("requires_input");
    let page = json!({
        "object": "list",
        "url": "/v1/events",
        "has_more": false,
        "data": [
            event_json("evt_2", "identity.verification_session.requires_input", session),
            fixture("event"),
        ],
    });
    let server = TestServer::start(vec![ok(&page)]).await;
    let params = ListParams::new()
        .created(RangeBounds::new().gte(1_712_000_000).lt(1_712_086_400))
        .limit(100)
        .type_("identity.verification_session.*");
    let list = Event::list(&params).send(&client(&server)).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_oracle_request(&requests[0], "ev_list_type_created");

    assert_eq!(list.data.len(), 2);
    let first = &list.data[0];
    assert_eq!((first.id.as_str(), &first.type_), ("evt_2", &EventType::IdentityVerificationSessionRequiresInput));
    match &first.data.object {
        EventObject::IdentityVerificationSession(session) => {
            assert_eq!(session.id, "vs_1OPouwJN5vQBdWExwnxAiDeP");
            assert_eq!(session.status, Status::RequiresInput);
        }
        other => panic!("not a session: {other:?}"),
    }
    // The example event carries a plan, which is not selected: its JSON, as sent.
    let second = &list.data[1];
    assert_eq!(second.type_, EventType::PlanCreated);
    assert_eq!(second.data.object.object_name(), Some("plan"));
    assert_eq!(second.data.object, EventObject::Unrecognized(fixture("event")["data"]["object"].clone()));
}

#[tokio::test]
async fn list_by_types_and_retrieve_send_what_the_sdk_sends() {
    let page = json!({ "object": "list", "url": "/v1/events", "has_more": false, "data": [] });
    let report = fixture("identity.verification_report");
    let server = TestServer::start(vec![
        ok(&page),
        ok(&event_json("evt_1PgcExample", "identity.verification_session.verified", report.clone())),
    ])
    .await;
    let client = client(&server);
    let params = ListParams::new()
        .delivery_success(false)
        .starting_after("evt_1PgcExample")
        .types(["identity.verification_session.verified", "identity.verification_session.requires_input"]);
    assert!(Event::list(&params).send(&client).await.unwrap().data.is_empty());
    let event = Event::retrieve("evt_1PgcExample", &RetrieveParams::new()).send(&client).await.unwrap();
    let requests = server.requests();
    assert_oracle_request(&requests[0], "ev_list_types_delivery");
    assert_oracle_request(&requests[1], "ev_retrieve");
    assert_eq!(event.id, "evt_1PgcExample");
    let expected: stripe_api::identity::VerificationReport = serde_json::from_value(report).unwrap();
    assert_eq!(event.data.object, EventObject::IdentityVerificationReport(Box::new(expected)));
}

#[tokio::test]
async fn an_event_whose_object_does_not_decode_is_a_decode_error_naming_the_field() {
    let mut session = fixture("identity.verification_session");
    session["status"] = json!(7);
    let server = TestServer::start(vec![ok(&event_json("evt_3", "x.y", session))]).await;
    let err = Event::retrieve("evt_3", &RetrieveParams::new()).send(&client(&server)).await.unwrap_err();
    assert!(matches!(err, stripe_api::Error::Decode { status: 200, .. }), "{err:?}");
    // The reason is the error's source, as for every decoding error of a response.
    let reason = std::error::Error::source(&err).expect("the JSON error").to_string();
    assert!(
        reason.starts_with("`identity.verification_session` object at `status`: invalid type: integer `7`"),
        "{reason}"
    );
}
