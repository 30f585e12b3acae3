//! The generated Identity methods end to end: each one is sent with the runtime's
//! client to a recording server on loopback (`stripe-test-support`), and the test
//! checks what arrived (method, path, raw query, body bytes, headers) and what the
//! method decoded from a reply shaped like Stripe's published example objects
//! (`fixtures3.json` of the pinned API version, 2024-04-10).
//!
//! Where `tests/oracle/expected.json` has a case for a call, the bytes must also
//! be exactly what stripe-node sends for it.

#[path = "../examples/identity.rs"]
#[allow(dead_code)]
mod example;

#[path = "common/identity_params.rs"]
mod identity_params;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};
use stripe_api::identity::verification_report::{self as vr, VerificationReport};
use stripe_api::identity::verification_session::{
    self as vs, CancelParams, CreateParams, CreateParamsOptions, CreateParamsOptionsDocument,
    CreateParamsOptionsDocumentAllowedTypes as AllowedTypes, CreateParamsProvidedDetails, CreateParamsType, ListParams,
    ListParamsStatus, RedactParams, RetrieveParams, UpdateParams, UpdateParamsOptions, UpdateParamsProvidedDetails,
    VerificationSession,
};
use stripe_api::{Client, Error, Expandable, List, RequestOptions, Timestamp};
use stripe_runtime::RangeBounds;
use stripe_test_support::{Recorded, Reply, TestServer};

const KEY: &str = "sk_test_identity_http_123";
const SESSIONS: &str = "/v1/identity/verification_sessions";
const REPORTS: &str = "/v1/identity/verification_reports";

/// The ids of the fixture objects (2024-04-10).
const SESSION_ID: &str = "vs_1OPouwJN5vQBdWExwnxAiDeP";
const SESSION_REPORT_ID: &str = "vr_PEHTCbeksNcBl9s8mpoBQapA";
const REPORT_ID: &str = "vr_1OPouwJN5vQBdWExD3MD40Gc";
const REPORT_SESSION_ID: &str = "vs_1OPouwJN5vQBdWExbazjv0rx";

/// An id that needs escaping in a path, and its escaped form (stripe-node's).
const ODD_ID: &str = "vs_ a/b?c#d%e";
const ODD_ID_ESCAPED: &str = "vs_%20a%2Fb%3Fc%23d%25e";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn repo_root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|err| {
        panic!(
            "cannot read {}: {err}; the `shared/` checkout (holding stripe-openapi/) must sit beside the repository",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{} is not JSON: {err}", path.display()))
}

/// One object of `resources` in the pinned version's `fixtures3.json`.
fn fixture(name: &str) -> Value {
    let path = repo_root().join("../shared/stripe-openapi").join(stripe_api::API_VERSION).join("fixtures3.json");
    let value = read_json(&path)["resources"][name].take();
    assert!(value.is_object(), "{} has no object `resources.{name}`", path.display());
    value
}

/// The VerificationSession fixture with some fields replaced.
fn session_json(changes: Value) -> Value {
    let mut session = fixture("identity.verification_session");
    assert_eq!(session["object"], "identity.verification_session");
    for (key, value) in changes.as_object().expect("changes are an object") {
        session[key] = value.clone();
    }
    session
}

fn report_json() -> Value {
    let report = fixture("identity.verification_report");
    assert_eq!(report["object"], "identity.verification_report");
    report
}

/// A list page as Stripe sends it.
fn list_json(url: &str, data: Vec<Value>, has_more: bool) -> Value {
    json!({ "object": "list", "data": data, "has_more": has_more, "url": url })
}

/// A 200 reply with `body` and a `Request-Id`.
fn ok(body: &Value) -> Reply {
    Reply::json(200, &body.to_string()).header("request-id", "req_identity_ok")
}

/// A page of sessions made from the fixture, one per id.
fn session_page(ids: &[&str], has_more: bool) -> Reply {
    let data = ids.iter().map(|id| session_json(json!({ "id": id, "status": "requires_input" }))).collect();
    ok(&list_json(SESSIONS, data, has_more))
}

fn client(server: &TestServer) -> Client {
    Client::builder(KEY).base_url(&server.url).retry_base_delay(Duration::from_millis(1)).build().unwrap()
}

/// What stripe-node sends for one case of `tests/oracle/expected.json`:
/// method, path, query and body.
fn oracle(case: &str) -> (String, String, String, String) {
    let expected = read_json(&repo_root().join("tests/oracle/expected.json"));
    let case_value = &expected[case];
    let field = |name: &str| {
        case_value[name].as_str().unwrap_or_else(|| panic!("oracle case {case} has no string `{name}`")).to_owned()
    };
    (field("method"), field("path"), field("query"), field("body"))
}

/// Checks one request: method, path, raw query (`None`: no `?` at all), body
/// bytes, the headers every request carries, and the headers of its method.
fn assert_request(request: &Recorded, method: &str, path: &str, query: Option<&str>, body: &str) {
    assert_eq!(request.method, method, "{request:?}");
    assert_eq!(request.path, path, "{request:?}");
    assert_eq!(request.query.as_deref(), query, "{request:?}");
    match query {
        Some(query) => assert_eq!(request.target, format!("{path}?{query}")),
        None => assert_eq!(request.target, path),
    }
    assert_eq!(request.body_str(), body, "{request:?}");

    assert_eq!(request.header("authorization"), Some(format!("Bearer {KEY}").as_str()));
    assert_eq!(stripe_api::API_VERSION, "2024-04-10");
    assert_eq!(request.header("stripe-version"), Some(stripe_api::API_VERSION));
    let user_agent = request.header("user-agent").expect("a User-Agent");
    assert!(user_agent.starts_with("stripe-api/0.1.0"), "{user_agent}");
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(request.header("stripe-account"), None);
    if method == "POST" {
        let key = request.header("idempotency-key").expect("an Idempotency-Key on a POST");
        assert!(is_uuid_v4(key), "the Idempotency-Key {key:?} is not a UUID v4");
        assert_eq!(request.header("content-type"), Some("application/x-www-form-urlencoded"));
        assert_eq!(request.header("content-length"), Some(body.len().to_string().as_str()));
    } else {
        assert_eq!(request.header("idempotency-key"), None, "no Idempotency-Key on a {method}");
        assert_eq!(request.header("content-type"), None, "no Content-Type on a {method}");
        assert!(request.body.is_empty());
    }
}

/// Checks one request against `assert_request` with the bytes stripe-node sends
/// for `case` (which must equal the `expected_*` spelled out in the test).
fn assert_oracle_request(request: &Recorded, case: &str, path: &str, query: Option<&str>, body: &str) {
    let (method, oracle_path, oracle_query, oracle_body) = oracle(case);
    assert_eq!(oracle_path, path, "the oracle's path of {case}");
    assert_eq!(oracle_query, query.unwrap_or(""), "the oracle's query of {case}");
    assert_eq!(oracle_body, body, "the oracle's body of {case}");
    assert_request(request, &method, path, query, body);
}

fn is_uuid_v4(key: &str) -> bool {
    let groups: Vec<&str> = key.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()))
        && groups[2].starts_with('4')
        && matches!(groups[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b')
}

/// The one request the server received.
fn only_request(server: &TestServer) -> Recorded {
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:#?}");
    requests.into_iter().next().unwrap()
}

/// The fields every decoded copy of the session fixture has, whatever was replaced.
fn assert_fixture_session_basics(session: &VerificationSession) {
    assert_eq!(session.created, Timestamp::from_unix_seconds(1_234_567_890));
    assert!(!session.livemode);
    assert_eq!(session.client_secret, None);
    assert_eq!(session.last_error, None);
    let options = session.options.as_ref().expect("options");
    let document = options.document.as_ref().expect("options.document");
    assert_eq!(document.require_matching_selfie, Some(true));
    assert_eq!(document.require_id_number, None);
    assert_eq!(document.allowed_types, None);
    assert_eq!(options.id_number, None);
    assert_eq!((&options.email, &options.phone), (&None, &None));
    assert_eq!(session.verified_outputs, None);
    assert_eq!(session.client_reference_id, None);
    assert_eq!(session.provided_details, None);
    assert_eq!(session.verification_flow, None);
}

/// Checks every value of the decoded VerificationReport fixture.
fn assert_fixture_report(report: &VerificationReport) {
    assert_eq!(report.id, REPORT_ID);
    assert_eq!(report.created, Timestamp::from_unix_seconds(1_234_567_890));
    assert!(!report.livemode);
    assert_eq!(report.type_, vr::Type::Document);
    assert_eq!(report.client_reference_id, None);
    assert_eq!(report.verification_flow, None);
    assert_eq!(report.verification_session.as_deref(), Some(REPORT_SESSION_ID));
    let document = report.document.as_ref().expect("document");
    assert_eq!(document.status, vr::DocumentStatus::Verified);
    assert_eq!(document.type_, Some(vr::DocumentType::DrivingLicense));
    assert_eq!(document.first_name.as_deref(), Some("Jenny"));
    assert_eq!(document.last_name.as_deref(), Some("Rosen"));
    assert_eq!(document.issuing_country.as_deref(), Some("US"));
    assert_eq!(document.error, None);
    assert_eq!(
        document.files.as_deref(),
        Some(&["file_PEHTDcVdS1FsitkFp1GIIfBV".to_owned(), "file_PEHTLEOP6X1X7QoBzeaNVDVV".to_owned()][..])
    );
    let expiration = document.expiration_date.as_ref().expect("expiration_date");
    assert_eq!((expiration.day, expiration.month, expiration.year), (Some(1), Some(12), Some(2025)));
    let issued = document.issued_date.as_ref().expect("issued_date");
    assert_eq!((issued.day, issued.month, issued.year), (Some(1), Some(12), Some(2020)));
    let address = document.address.as_ref().expect("address");
    assert_eq!(address.city.as_deref(), Some("San Francisco"));
    assert_eq!(address.country.as_deref(), Some("US"));
    assert_eq!(address.line1.as_deref(), Some("1234 Main St."));
    assert_eq!(address.state.as_deref(), Some("CA"));
    // The 2024-04-10 fixture has `postal_code` and `line2` null (2023-08-16's said `zip`).
    assert_eq!(address.postal_code, None);
    assert_eq!(address.line2, None);
    assert_eq!((&document.dob, &document.number), (&None, &None));
    let options = report.options.as_ref().expect("options");
    assert!(options.document.is_some() && options.id_number.is_some());
    assert_eq!(report.id_number, None);
    assert_eq!(report.selfie, None);
    assert_eq!((&report.email, &report.phone), (&None, &None));
}

// ---------------------------------------------------------------------------
// The 8 operations
// ---------------------------------------------------------------------------

#[tokio::test]
async fn create_posts_every_field_and_decodes_the_session() {
    let server = TestServer::start(vec![ok(&session_json(json!({
        "status": "requires_input",
        "metadata": { "order_id": "ord_42", "user_id": "usr_7" },
        "client_secret": "vs_1NnmXJGPxmnHQRkJVcb4sPQS_secret_test",
        "url": "https://verify.stripe.com/start/test_abc",
    })))])
    .await;
    let params = identity_params::create_all_fields();

    let session = VerificationSession::create(&params).send(&client(&server)).await.unwrap();

    assert_oracle_request(
        &only_request(&server),
        "vs_create_all_fields",
        SESSIONS,
        None,
        "client_reference_id=user_42\
         &expand[0]=last_verification_report&expand[1]=verified_outputs.dob\
         &metadata[order_id]=ord_42&metadata[user_id]=usr_7\
         &options[document][allowed_types][0]=driving_license&options[document][allowed_types][1]=id_card\
         &options[document][allowed_types][2]=passport&options[document][require_id_number]=true\
         &options[document][require_live_capture]=false&options[document][require_matching_selfie]=true\
         &provided_details[email]=jenny.rosen%40example.com&provided_details[phone]=%2B15555550100\
         &return_url=https%3A%2F%2Fexample.com%2Freturn&type=document&verification_flow=vf_1OPouwJN5vQBdWEx",
    );
    assert_eq!(session.id, SESSION_ID);
    assert_eq!(session.status, vs::Status::RequiresInput);
    assert_eq!(session.type_, vs::Type::Document);
    assert_eq!(session.url.as_deref(), Some("https://verify.stripe.com/start/test_abc"));
    assert_eq!(
        session.metadata,
        BTreeMap::from([("order_id".into(), "ord_42".into()), ("user_id".into(), "usr_7".into())])
    );
    assert_eq!(session.last_verification_report, Some(Expandable::Id(SESSION_REPORT_ID.into())));
    assert_eq!(session.redaction, None);
    assert_eq!(session.created, Timestamp::from_unix_seconds(1_234_567_890));
    assert!(!session.livemode);
}

/// The full create of README.md's doctest, sent by the generated method.
#[tokio::test]
async fn create_sends_the_readme_params() {
    let server = TestServer::start(vec![ok(&session_json(json!({})))]).await;
    let params = CreateParams::new()
        .client_reference_id("user_6735")
        .expand(["last_verification_report"])
        .metadata([("order_id", "6735")])
        .options(
            CreateParamsOptions::new().document(
                CreateParamsOptionsDocument::new()
                    .allowed_types([AllowedTypes::Passport, AllowedTypes::IdCard])
                    .require_id_number(true)
                    .require_live_capture(true)
                    .require_matching_selfie(true),
            ),
        )
        .provided_details(CreateParamsProvidedDetails::new().email("jenny.rosen@example.com").phone("+14155550123"))
        .return_url("https://example.com/verified")
        .type_(CreateParamsType::Document);

    let session = VerificationSession::create(&params).send(&client(&server)).await.unwrap();

    assert_request(
        &only_request(&server),
        "POST",
        SESSIONS,
        None,
        "client_reference_id=user_6735&expand[0]=last_verification_report&metadata[order_id]=6735\
         &options[document][allowed_types][0]=passport&options[document][allowed_types][1]=id_card\
         &options[document][require_id_number]=true&options[document][require_live_capture]=true\
         &options[document][require_matching_selfie]=true\
         &provided_details[email]=jenny.rosen%40example.com&provided_details[phone]=%2B14155550123\
         &return_url=https%3A%2F%2Fexample.com%2Fverified&type=document",
    );
    assert_eq!(session.id, SESSION_ID);
    assert_eq!(session.status, vs::Status::Verified);
    assert_fixture_session_basics(&session);
}

#[tokio::test]
async fn list_sends_every_filter_in_the_query_and_decodes_the_page() {
    let server = TestServer::start(vec![ok(&list_json(
        SESSIONS,
        vec![
            session_json(json!({ "status": "requires_input" })),
            session_json(json!({ "id": "vs_second", "status": "requires_input", "type": "id_number" })),
        ],
        true,
    ))])
    .await;
    let params = ListParams::new()
        .client_reference_id("user_42")
        .created(RangeBounds::new().gt(1_600_000_000).lte(1_800_000_000))
        .ending_before("vs_end")
        .expand(["data.last_verification_report", "data.verified_outputs"])
        .limit(10)
        .starting_after("vs_start")
        .status(ListParamsStatus::RequiresInput);

    let page: List<VerificationSession> = VerificationSession::list(&params).send(&client(&server)).await.unwrap();

    assert_oracle_request(
        &only_request(&server),
        "vs_list_all_filters",
        SESSIONS,
        Some(
            "client_reference_id=user_42&created[gt]=1600000000&created[lte]=1800000000&ending_before=vs_end\
             &expand[0]=data.last_verification_report&expand[1]=data.verified_outputs&limit=10\
             &starting_after=vs_start&status=requires_input",
        ),
        "",
    );
    assert!(page.has_more);
    assert_eq!(page.url, SESSIONS);
    let ids: Vec<&str> = page.data.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, [SESSION_ID, "vs_second"]);
    assert!(page.data.iter().all(|s| s.status == vs::Status::RequiresInput));
    assert_eq!(page.data[0].type_, vs::Type::Document);
    assert_eq!(page.data[1].type_, vs::Type::IdNumber);
    page.data.iter().for_each(assert_fixture_session_basics);
}

#[tokio::test]
async fn retrieve_sends_expand_in_the_query_and_decodes_the_session() {
    let server = TestServer::start(vec![ok(&session_json(json!({ "last_verification_report": report_json() })))]).await;
    let params = RetrieveParams::new().expand(["last_verification_report", "verified_outputs.dob"]);

    let session = VerificationSession::retrieve("vs_123", &params).send(&client(&server)).await.unwrap();

    assert_oracle_request(
        &only_request(&server),
        "vs_retrieve_expand",
        &format!("{SESSIONS}/vs_123"),
        Some("expand[0]=last_verification_report&expand[1]=verified_outputs.dob"),
        "",
    );
    assert_eq!(session.id, SESSION_ID);
    assert_eq!(session.status, vs::Status::Verified);
    assert_eq!(session.type_, vs::Type::Document);
    assert!(session.metadata.is_empty());
    assert_eq!(session.url, None);
    assert_fixture_session_basics(&session);
    assert_eq!(session.last_verification_report.as_ref().map(Expandable::id), Some(REPORT_ID));
}

#[tokio::test]
async fn update_posts_every_field_and_decodes_the_session() {
    let server = TestServer::start(vec![ok(&session_json(json!({
        "id": "vs_123",
        "status": "requires_input",
        "type": "id_number",
        "metadata": { "order_id": "ord_43", "user_id": "usr_8" },
    })))])
    .await;
    let params = identity_params::update_all_fields();

    let session = VerificationSession::update("vs_123", &params).send(&client(&server)).await.unwrap();

    assert_oracle_request(
        &only_request(&server),
        "vs_update_all_fields",
        &format!("{SESSIONS}/vs_123"),
        None,
        "expand[0]=last_error&expand[1]=last_verification_report\
         &metadata[order_id]=ord_43&metadata[user_id]=usr_8\
         &options[document][allowed_types][0]=id_card&options[document][allowed_types][1]=passport\
         &options[document][allowed_types][2]=driving_license&options[document][require_id_number]=false\
         &options[document][require_live_capture]=true&options[document][require_matching_selfie]=false\
         &provided_details[email]=jenny%40example.org&provided_details[phone]=%2B442071838750\
         &type=id_number",
    );
    assert_eq!(session.id, "vs_123");
    assert_eq!(session.status, vs::Status::RequiresInput);
    assert_eq!(session.type_, vs::Type::IdNumber);
    assert_eq!(session.metadata["order_id"], "ord_43");
    assert_eq!(session.metadata["user_id"], "usr_8");
    assert_fixture_session_basics(&session);
}

/// Clearing with the generated update: `metadata=` and `options[document]=`.
#[tokio::test]
async fn update_clears_metadata_and_options() {
    let server = TestServer::start(vec![ok(&session_json(json!({ "id": "vs_123" })))]).await;
    let params = UpdateParams::new().clear_metadata().options(UpdateParamsOptions::new().clear_document());

    let session = VerificationSession::update("vs_123", &params).send(&client(&server)).await.unwrap();

    assert_request(&only_request(&server), "POST", &format!("{SESSIONS}/vs_123"), None, "metadata=&options[document]=");
    assert_eq!(session.id, "vs_123");
}

#[tokio::test]
async fn cancel_posts_to_the_cancel_path_and_decodes_the_canceled_session() {
    let server = TestServer::start(vec![ok(&session_json(json!({
        "id": "vs_123",
        "status": "canceled",
        "last_verification_report": report_json(),
    })))])
    .await;

    let session = VerificationSession::cancel("vs_123", &CancelParams::new().expand(["last_verification_report"]))
        .send(&client(&server))
        .await
        .unwrap();

    assert_oracle_request(
        &only_request(&server),
        "vs_cancel_expand",
        &format!("{SESSIONS}/vs_123/cancel"),
        None,
        "expand[0]=last_verification_report",
    );
    assert_eq!(session.id, "vs_123");
    assert_eq!(session.status, vs::Status::Canceled);
    assert_fixture_session_basics(&session);
    assert_fixture_report(session.last_verification_report.as_ref().and_then(Expandable::as_object).unwrap());
}

/// A POST without params still sends an empty body with `Content-Length: 0`.
#[tokio::test]
async fn cancel_without_params_sends_an_empty_body() {
    let server = TestServer::start(vec![ok(&session_json(json!({ "id": "vs_123", "status": "canceled" })))]).await;

    let session = VerificationSession::cancel("vs_123", &CancelParams::new()).send(&client(&server)).await.unwrap();

    assert_oracle_request(&only_request(&server), "vs_cancel", &format!("{SESSIONS}/vs_123/cancel"), None, "");
    assert_eq!(session.status, vs::Status::Canceled);
}

#[tokio::test]
async fn redact_posts_to_the_redact_path_and_decodes_the_redaction() {
    let server = TestServer::start(vec![ok(&session_json(json!({
        "id": "vs_123",
        "status": "verified",
        "redaction": { "status": "processing" },
    })))])
    .await;

    let session =
        VerificationSession::redact("vs_123", &RedactParams::new().expand(["last_error", "verified_outputs"]))
            .send(&client(&server))
            .await
            .unwrap();

    assert_request(
        &only_request(&server),
        "POST",
        &format!("{SESSIONS}/vs_123/redact"),
        None,
        "expand[0]=last_error&expand[1]=verified_outputs",
    );
    assert_eq!(session.id, "vs_123");
    assert_eq!(session.status, vs::Status::Verified);
    assert_eq!(session.redaction.as_ref().map(|r| &r.status), Some(&vs::RedactionStatus::Processing));
    assert_fixture_session_basics(&session);
}

#[tokio::test]
async fn report_list_sends_every_filter_and_decodes_the_reports() {
    let server = TestServer::start(vec![ok(&list_json(REPORTS, vec![report_json()], false))]).await;
    let params = vr::ListParams::new()
        .client_reference_id("user_42")
        .created(RangeBounds::new().gt(1_600_000_000).gte(1_600_000_001).lt(1_800_000_000).lte(1_799_999_999))
        .ending_before("vr_end")
        .expand(["data.document", "data.selfie"])
        .limit(100)
        .starting_after("vr_start")
        .type_(vr::ListParamsType::IdNumber)
        .verification_session("vs_123");

    let page = VerificationReport::list(&params).send(&client(&server)).await.unwrap();

    assert_oracle_request(
        &only_request(&server),
        "vr_list_all_filters",
        REPORTS,
        Some(
            "client_reference_id=user_42\
             &created[gt]=1600000000&created[gte]=1600000001&created[lt]=1800000000&created[lte]=1799999999\
             &ending_before=vr_end&expand[0]=data.document&expand[1]=data.selfie&limit=100\
             &starting_after=vr_start&type=id_number&verification_session=vs_123",
        ),
        "",
    );
    assert!(!page.has_more);
    assert_eq!(page.url, REPORTS);
    assert_eq!(page.data.len(), 1);
    assert_fixture_report(&page.data[0]);
}

#[tokio::test]
async fn report_retrieve_gets_the_report() {
    let server = TestServer::start(vec![ok(&report_json())]).await;

    let report =
        VerificationReport::retrieve("vr_123", &vr::RetrieveParams::new()).send(&client(&server)).await.unwrap();

    assert_oracle_request(&only_request(&server), "vr_retrieve", &format!("{REPORTS}/vr_123"), None, "");
    assert_fixture_report(&report);
}

// ---------------------------------------------------------------------------
// What API version 2024-04-10 added
// ---------------------------------------------------------------------------

/// A session created from a Verification Flow, with the 2024-04-10 params, and
/// the fields that version added to the reply.
#[tokio::test]
async fn create_by_verification_flow_sends_the_2024_params_and_decodes_the_new_fields() {
    let server = TestServer::start(vec![ok(&session_json(json!({
        "client_reference_id": "cus_9s6XKzkNRiz8i3",
        "last_error": { "code": "phone_verification_declined", "reason": "The user declined to verify their phone." },
        "options": {
            "document": { "require_matching_selfie": true },
            "email": { "require_verification": true },
            "phone": { "require_verification": false },
        },
        "provided_details": { "email": "jenny@example.com", "phone": "+14155550123" },
        "status": "requires_input",
        "type": "verification_flow",
        "verification_flow": "vf_1OPouwJN5vQBdWExLFXuWoMr",
        "verified_outputs": {
            "address": null, "dob": null, "email": "jenny@example.com", "first_name": null, "id_number": null,
            "id_number_type": null, "last_name": null, "phone": null,
        },
    })))])
    .await;
    let params = CreateParams::new()
        .client_reference_id("cus_9s6XKzkNRiz8i3")
        .provided_details(CreateParamsProvidedDetails::new().email("jenny@example.com").phone("+14155550123"))
        .verification_flow("vf_1OPouwJN5vQBdWExLFXuWoMr");

    let session = VerificationSession::create(&params).send(&client(&server)).await.unwrap();

    assert_oracle_request(
        &only_request(&server),
        "vs_create_2024_params_only",
        SESSIONS,
        None,
        "client_reference_id=cus_9s6XKzkNRiz8i3\
         &provided_details[email]=jenny%40example.com&provided_details[phone]=%2B14155550123\
         &verification_flow=vf_1OPouwJN5vQBdWExLFXuWoMr",
    );
    assert_eq!(session.id, SESSION_ID);
    assert_eq!(session.type_, vs::Type::VerificationFlow);
    assert_eq!(session.type_.as_str(), "verification_flow");
    assert_eq!(session.verification_flow.as_deref(), Some("vf_1OPouwJN5vQBdWExLFXuWoMr"));
    assert_eq!(session.client_reference_id.as_deref(), Some("cus_9s6XKzkNRiz8i3"));
    let provided = session.provided_details.as_ref().expect("provided_details");
    assert_eq!(provided.email.as_deref(), Some("jenny@example.com"));
    assert_eq!(provided.phone.as_deref(), Some("+14155550123"));
    let error = session.last_error.as_ref().expect("last_error");
    assert_eq!(error.code, Some(vs::LastErrorCode::PhoneVerificationDeclined));
    let options = session.options.as_ref().expect("options");
    assert_eq!(options.email.as_ref().and_then(|e| e.require_verification), Some(true));
    assert_eq!(options.phone.as_ref().and_then(|p| p.require_verification), Some(false));
    let outputs = session.verified_outputs.as_ref().expect("verified_outputs");
    assert_eq!(outputs.email.as_deref(), Some("jenny@example.com"));
    assert_eq!(outputs.phone, None);
}

#[tokio::test]
async fn create_by_verification_flow_alone() {
    let server = TestServer::start(vec![ok(&session_json(json!({ "type": "verification_flow" })))]).await;

    let session = VerificationSession::create(&CreateParams::new().verification_flow("vf_1OPouwJN5vQBdWExLFXuWoMr"))
        .send(&client(&server))
        .await
        .unwrap();

    assert_oracle_request(
        &only_request(&server),
        "vs_create_verification_flow_only",
        SESSIONS,
        None,
        "verification_flow=vf_1OPouwJN5vQBdWExLFXuWoMr",
    );
    assert_eq!(session.type_, vs::Type::VerificationFlow);
}

#[tokio::test]
async fn update_posts_provided_details() {
    let server = TestServer::start(vec![ok(&session_json(json!({
        "id": "vs_123",
        "provided_details": { "email": "new.address@example.com", "phone": "+33142685300" },
    })))])
    .await;
    let params = UpdateParams::new()
        .provided_details(UpdateParamsProvidedDetails::new().email("new.address@example.com").phone("+33142685300"));

    let session = VerificationSession::update("vs_123", &params).send(&client(&server)).await.unwrap();

    assert_oracle_request(
        &only_request(&server),
        "vs_update_provided_details",
        &format!("{SESSIONS}/vs_123"),
        None,
        "provided_details[email]=new.address%40example.com&provided_details[phone]=%2B33142685300",
    );
    let provided = session.provided_details.as_ref().expect("provided_details");
    assert_eq!(provided.email.as_deref(), Some("new.address@example.com"));
    assert_eq!(provided.phone.as_deref(), Some("+33142685300"));
}

#[tokio::test]
async fn list_filters_sessions_by_client_reference_id() {
    let server = TestServer::start(vec![ok(&list_json(
        SESSIONS,
        vec![session_json(json!({ "client_reference_id": "order #7 a&b=c+d ü😀" }))],
        false,
    ))])
    .await;
    let params = ListParams::new().client_reference_id("order #7 a&b=c+d ü😀").limit(3);

    let page = VerificationSession::list(&params).send(&client(&server)).await.unwrap();

    assert_oracle_request(
        &only_request(&server),
        "vs_list_client_reference_id_escaped",
        SESSIONS,
        Some("client_reference_id=order%20%237%20a%26b%3Dc%2Bd%20%C3%BC%F0%9F%98%80&limit=3"),
        "",
    );
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.data[0].client_reference_id.as_deref(), Some("order #7 a&b=c+d ü😀"));
}

/// Reports filtered by `client_reference_id`, and the email and phone checks
/// 2024-04-10 added to a report.
#[tokio::test]
async fn report_list_filters_by_client_reference_id_and_decodes_email_and_phone_checks() {
    let mut report = report_json();
    report["client_reference_id"] = json!("客户/a?b%c[d]");
    report["type"] = json!("verification_flow");
    report["verification_flow"] = json!("vf_1OPouwJN5vQBdWExLFXuWoMr");
    report["email"] = json!({ "email": "jenny@example.com", "error": null, "status": "verified" });
    report["phone"] = json!({
        "error": { "code": "phone_verification_declined", "reason": "The user declined." },
        "phone": "+14155550123",
        "status": "unverified",
    });
    let server = TestServer::start(vec![ok(&list_json(REPORTS, vec![report], false))]).await;
    let params = vr::ListParams::new().client_reference_id("客户/a?b%c[d]").verification_session("vs_123");

    let page = VerificationReport::list(&params).send(&client(&server)).await.unwrap();

    assert_oracle_request(
        &only_request(&server),
        "vr_list_client_reference_id_escaped",
        REPORTS,
        Some("client_reference_id=%E5%AE%A2%E6%88%B7%2Fa%3Fb%25c[d]&verification_session=vs_123"),
        "",
    );
    let report = &page.data[0];
    assert_eq!(report.id, REPORT_ID);
    assert_eq!(report.client_reference_id.as_deref(), Some("客户/a?b%c[d]"));
    assert_eq!(report.type_, vr::Type::VerificationFlow);
    assert_eq!(report.verification_flow.as_deref(), Some("vf_1OPouwJN5vQBdWExLFXuWoMr"));
    let email = report.email.as_ref().expect("email");
    assert_eq!(
        (email.email.as_deref(), &email.status, &email.error),
        (Some("jenny@example.com"), &vr::EmailStatus::Verified, &None)
    );
    let phone = report.phone.as_ref().expect("phone");
    assert_eq!(phone.phone.as_deref(), Some("+14155550123"));
    assert_eq!(phone.status, vr::PhoneStatus::Unverified);
    assert_eq!(phone.error.as_ref().and_then(|e| e.code.clone()), Some(vr::PhoneErrorCode::PhoneVerificationDeclined));
}

// ---------------------------------------------------------------------------
// Paths, expansion, pagination, retries, errors
// ---------------------------------------------------------------------------

/// Every method with an id escapes it as stripe-node does (`encodeURIComponent`).
#[tokio::test]
async fn ids_are_escaped_in_every_path() {
    let session = session_json(json!({ "id": ODD_ID }));
    let server =
        TestServer::start(vec![ok(&session), ok(&session), ok(&session), ok(&session), ok(&report_json())]).await;
    let client = client(&server);

    let retrieved = VerificationSession::retrieve(ODD_ID, &RetrieveParams::new()).send(&client).await.unwrap();
    let updated =
        VerificationSession::update(ODD_ID, &UpdateParams::new().metadata([("k", "v")])).send(&client).await.unwrap();
    let canceled = VerificationSession::cancel(ODD_ID, &CancelParams::new()).send(&client).await.unwrap();
    let redacted = VerificationSession::redact(ODD_ID, &RedactParams::new().expand(["last_error", "verified_outputs"]))
        .send(&client)
        .await
        .unwrap();
    let report = VerificationReport::retrieve("vr_ a/b?c#d%e", &vr::RetrieveParams::new().expand(["document"]))
        .send(&client)
        .await
        .unwrap();

    for session in [&retrieved, &updated, &canceled, &redacted] {
        assert_eq!(session.id, ODD_ID);
    }
    assert_eq!(report.id, REPORT_ID);
    let requests = server.requests();
    assert_eq!(requests.len(), 5);
    let one = format!("{SESSIONS}/{ODD_ID_ESCAPED}");
    assert_eq!(one, "/v1/identity/verification_sessions/vs_%20a%2Fb%3Fc%23d%25e");
    assert_oracle_request(&requests[0], "vs_retrieve_path_escaping", &one, None, "");
    assert_oracle_request(&requests[1], "vs_update_path_escaping", &one, None, "metadata[k]=v");
    assert_request(&requests[2], "POST", &format!("{one}/cancel"), None, "");
    assert_oracle_request(
        &requests[3],
        "vs_redact_expand_path_escaping",
        &format!("{one}/redact"),
        None,
        "expand[0]=last_error&expand[1]=verified_outputs",
    );
    assert_oracle_request(
        &requests[4],
        "vr_retrieve_expand_path_escaping",
        &format!("{REPORTS}/vr_%20a%2Fb%3Fc%23d%25e"),
        Some("expand[0]=document"),
        "",
    );
}

/// An id that would be a dot segment is refused before anything is sent.
#[tokio::test]
async fn dot_and_empty_ids_are_refused_without_a_request() {
    let server = TestServer::start(vec![]).await;
    let client = client(&server);
    for id in ["..", ".", ""] {
        let err = VerificationSession::retrieve(id, &RetrieveParams::new()).send(&client).await.unwrap_err();
        assert!(matches!(err, Error::InvalidPath { .. }), "{id:?}: {err:?}");
        let err = VerificationSession::cancel(id, &CancelParams::new()).send(&client).await.unwrap_err();
        assert!(matches!(err, Error::InvalidPath { .. }), "{id:?}: {err:?}");
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn expanded_report_decodes_as_an_object_and_unexpanded_as_an_id() {
    let server = TestServer::start(vec![
        ok(&session_json(json!({ "last_verification_report": report_json() }))),
        ok(&session_json(json!({}))),
    ])
    .await;
    let client = client(&server);

    let expanded =
        VerificationSession::retrieve(SESSION_ID, &RetrieveParams::new().expand(["last_verification_report"]))
            .send(&client)
            .await
            .unwrap();
    let plain = VerificationSession::retrieve(SESSION_ID, &RetrieveParams::new()).send(&client).await.unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let path = format!("{SESSIONS}/{SESSION_ID}");
    assert_request(&requests[0], "GET", &path, Some("expand[0]=last_verification_report"), "");
    assert_request(&requests[1], "GET", &path, None, "");

    match expanded.last_verification_report {
        Some(Expandable::Object(ref report)) => assert_fixture_report(report),
        ref other => panic!("expected an expanded report, got {other:?}"),
    }
    assert_eq!(expanded.last_verification_report.as_ref().unwrap().id(), REPORT_ID);
    assert_eq!(expanded.id, SESSION_ID);

    match plain.last_verification_report {
        Some(Expandable::Id(ref id)) => assert_eq!(id, SESSION_REPORT_ID),
        ref other => panic!("expected a report id, got {other:?}"),
    }
    assert!(!plain.last_verification_report.as_ref().unwrap().is_object());
    assert_eq!(plain.id, SESSION_ID);
    assert_fixture_session_basics(&expanded);
    assert_fixture_session_basics(&plain);
}

fn three_forward_pages() -> Vec<Reply> {
    vec![
        session_page(&["vs_a1", "vs_a2"], true),
        session_page(&["vs_b1", "vs_b2"], true),
        session_page(&["vs_c1"], false),
    ]
}

#[tokio::test]
async fn paginate_forward_keeps_the_filters_and_moves_starting_after() {
    let server = TestServer::start(three_forward_pages()).await;
    let params = ListParams::new().limit(2).status(ListParamsStatus::RequiresInput);

    let mut items = VerificationSession::list(&params).paginate(&client(&server));
    let mut ids = Vec::new();
    while let Some(item) = items.next().await {
        let session = item.unwrap();
        assert_eq!(session.status, vs::Status::RequiresInput);
        ids.push(session.id);
    }
    assert!(items.next().await.is_none(), "the stream stays finished");

    assert_eq!(ids, ["vs_a1", "vs_a2", "vs_b1", "vs_b2", "vs_c1"]);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_request(&requests[0], "GET", SESSIONS, Some("limit=2&status=requires_input"), "");
    assert_request(&requests[1], "GET", SESSIONS, Some("limit=2&status=requires_input&starting_after=vs_a2"), "");
    assert_request(&requests[2], "GET", SESSIONS, Some("limit=2&status=requires_input&starting_after=vs_b2"), "");
}

#[tokio::test]
async fn collect_all_gathers_the_pages_and_stops_at_the_limit() {
    let params = ListParams::new().limit(2).status(ListParamsStatus::RequiresInput);

    let server = TestServer::start(three_forward_pages()).await;
    let sessions = VerificationSession::list(&params).collect_all(&client(&server), 100).await.unwrap();
    let ids: Vec<&str> = sessions.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["vs_a1", "vs_a2", "vs_b1", "vs_b2", "vs_c1"]);
    let queries: Vec<Option<String>> = server.requests().into_iter().map(|r| r.query).collect();
    assert_eq!(
        queries,
        [
            Some("limit=2&status=requires_input".to_owned()),
            Some("limit=2&status=requires_input&starting_after=vs_a2".to_owned()),
            Some("limit=2&status=requires_input&starting_after=vs_b2".to_owned()),
        ]
    );

    // Three items take two pages; the third is never asked for.
    let server = TestServer::start(three_forward_pages()).await;
    let sessions = VerificationSession::list(&params).collect_all(&client(&server), 3).await.unwrap();
    let ids: Vec<&str> = sessions.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["vs_a1", "vs_a2", "vs_b1"]);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn paginate_backward_from_ending_before_moves_ending_before() {
    let server = TestServer::start(vec![
        session_page(&["vs_p4", "vs_p5"], true),
        session_page(&["vs_p2", "vs_p3"], true),
        session_page(&["vs_p1"], false),
    ])
    .await;
    let params = ListParams::new().ending_before("vs_p6").limit(2).status(ListParamsStatus::RequiresInput);

    let mut items = VerificationSession::list(&params).paginate(&client(&server));
    let mut ids = Vec::new();
    while let Some(item) = items.next().await {
        ids.push(item.unwrap().id);
    }

    // Each page is yielded last item first: away from the starting cursor.
    assert_eq!(ids, ["vs_p5", "vs_p4", "vs_p3", "vs_p2", "vs_p1"]);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_request(&requests[0], "GET", SESSIONS, Some("ending_before=vs_p6&limit=2&status=requires_input"), "");
    assert_request(&requests[1], "GET", SESSIONS, Some("limit=2&status=requires_input&ending_before=vs_p4"), "");
    assert_request(&requests[2], "GET", SESSIONS, Some("limit=2&status=requires_input&ending_before=vs_p2"), "");
}

/// A page that fails ends the stream with its error, after the items before it.
#[tokio::test]
async fn paginate_yields_the_error_of_a_failed_page_and_stops() {
    let server = TestServer::start(vec![
        session_page(&["vs_a1", "vs_a2"], true),
        Reply::error(400, "invalid_request_error", "resource_missing"),
    ])
    .await;
    let mut items = VerificationSession::list(&ListParams::new().limit(2)).paginate(&client(&server));

    assert_eq!(items.next().await.unwrap().unwrap().id, "vs_a1");
    assert_eq!(items.next().await.unwrap().unwrap().id, "vs_a2");
    let err = items.next().await.unwrap().unwrap_err();
    assert!(matches!(err, Error::Api { status: 400, .. }), "{err:?}");
    assert!(items.next().await.is_none());
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn create_retries_a_500_with_the_same_idempotency_key() {
    let server = TestServer::start(vec![
        Reply::error(500, "api_error", "internal_error").header("request-id", "req_500_a"),
        Reply::raw(503, "text/html", b"<html>unavailable</html>"),
        ok(&session_json(json!({ "status": "requires_input" }))),
    ])
    .await;
    let params = CreateParams::new().type_(CreateParamsType::IdNumber).metadata([("attempt", "all")]);

    let session = VerificationSession::create(&params).send(&client(&server)).await.unwrap();

    assert_eq!(session.id, SESSION_ID);
    assert_eq!(session.status, vs::Status::RequiresInput);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_request(request, "POST", SESSIONS, None, "metadata[attempt]=all&type=id_number");
    }
    let keys: Vec<&str> = requests.iter().map(|r| r.header("idempotency-key").unwrap()).collect();
    assert!(keys.iter().all(|key| *key == keys[0]), "{keys:?}");

    // A key given in the options is the one every attempt sends.
    let server =
        TestServer::start(vec![Reply::error(500, "api_error", "internal_error"), ok(&session_json(json!({})))]).await;
    VerificationSession::create(&params)
        .options(RequestOptions::new().idempotency_key("identity-create-42"))
        .send(&client(&server))
        .await
        .unwrap();
    let keys: Vec<String> = server.requests().iter().map(|r| r.header("idempotency-key").unwrap().to_owned()).collect();
    assert_eq!(keys, ["identity-create-42", "identity-create-42"]);
}

#[tokio::test]
async fn retries_stop_after_max_retries_with_the_last_error() {
    let server = TestServer::start(vec![
        Reply::error(500, "api_error", "first").header("request-id", "req_1"),
        Reply::error(502, "api_error", "second").header("request-id", "req_2"),
        Reply::error(503, "api_error", "third").header("request-id", "req_3"),
    ])
    .await;
    let err = VerificationSession::cancel("vs_123", &CancelParams::new()).send(&client(&server)).await.unwrap_err();

    match err {
        Error::Api { status, request_id, error } => {
            assert_eq!(status, 503);
            assert_eq!(request_id.as_deref(), Some("req_3"));
            assert_eq!(error.code.as_deref(), Some("third"));
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
    assert_eq!(server.requests().len(), 3, "the request and 2 retries");
}

#[tokio::test]
async fn stripe_errors_decode_into_error_api() {
    let body = json!({
        "error": {
            "type": "invalid_request_error",
            "code": "resource_missing",
            "message": "No such verification session: 'vs_missing'",
            "param": "session",
            "doc_url": "https://stripe.com/docs/error-codes/resource-missing",
        }
    });
    let server =
        TestServer::start(vec![Reply::json(404, &body.to_string()).header("request-id", "req_identity_404")]).await;

    let err =
        VerificationSession::retrieve("vs_missing", &RetrieveParams::new()).send(&client(&server)).await.unwrap_err();

    assert_request(&only_request(&server), "GET", &format!("{SESSIONS}/vs_missing"), None, "");
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.request_id(), Some("req_identity_404"));
    let message = err.to_string();
    assert!(message.contains("HTTP 404") && message.contains("req_identity_404"), "{message}");
    assert!(message.contains("No such verification session"), "{message}");
    assert!(!message.contains(KEY));
    match err {
        Error::Api { status, request_id, error } => {
            assert_eq!(status, 404);
            assert_eq!(request_id.as_deref(), Some("req_identity_404"));
            assert_eq!(error.type_, "invalid_request_error");
            assert_eq!(error.code.as_deref(), Some("resource_missing"));
            assert_eq!(error.message.as_deref(), Some("No such verification session: 'vs_missing'"));
            assert_eq!(error.param.as_deref(), Some("session"));
            assert_eq!(error.doc_url.as_deref(), Some("https://stripe.com/docs/error-codes/resource-missing"));
            assert_eq!(error.decline_code, None);
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

/// A 2xx body that is not a VerificationSession is a decode error with the status.
#[tokio::test]
async fn a_body_of_another_shape_is_a_decode_error() {
    let server = TestServer::start(vec![ok(&report_json()).header("x-extra", "1")]).await;

    let err = VerificationSession::retrieve("vs_123", &RetrieveParams::new()).send(&client(&server)).await.unwrap_err();

    match err {
        Error::Decode { status, request_id, ref body_snippet, .. } => {
            assert_eq!(status, 200);
            assert_eq!(request_id.as_deref(), Some("req_identity_ok"));
            assert!(body_snippet.starts_with('{') && body_snippet.contains("1234567890"), "{body_snippet}");
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// examples/identity.rs
// ---------------------------------------------------------------------------

#[tokio::test]
async fn the_example_creates_retrieves_lists_and_cancels() {
    let created = session_json(json!({
        "id": "vs_example",
        "status": "requires_input",
        "client_secret": "vs_example_secret_test",
        "url": "https://verify.stripe.com/start/test_example",
        "last_verification_report": null,
        "metadata": { "example": "stripe-api identity" },
    }));
    let canceled = session_json(json!({ "id": "vs_example", "status": "canceled", "last_verification_report": null }));
    let server = TestServer::start(vec![
        ok(&created),
        ok(&created),
        ok(&list_json(SESSIONS, vec![created.clone(), session_json(json!({}))], true)),
        ok(&canceled),
    ])
    .await;

    example::run(&client(&server)).await.unwrap();

    let requests = server.requests();
    let calls: Vec<(&str, &str)> = requests.iter().map(|r| (r.method.as_str(), r.path.as_str())).collect();
    assert_eq!(
        calls,
        [
            ("POST", SESSIONS),
            ("GET", "/v1/identity/verification_sessions/vs_example"),
            ("GET", SESSIONS),
            ("POST", "/v1/identity/verification_sessions/vs_example/cancel"),
        ]
    );
    assert_request(
        &requests[0],
        "POST",
        SESSIONS,
        None,
        "metadata[example]=stripe-api%20identity\
         &options[document][allowed_types][0]=passport&options[document][allowed_types][1]=id_card\
         &options[document][allowed_types][2]=driving_license&options[document][require_matching_selfie]=true\
         &return_url=https%3A%2F%2Fexample.com%2Fverified&type=document",
    );
    assert_request(&requests[1], "GET", "/v1/identity/verification_sessions/vs_example", None, "");
    assert_request(&requests[2], "GET", SESSIONS, Some("limit=3"), "");
    assert_request(&requests[3], "POST", "/v1/identity/verification_sessions/vs_example/cancel", None, "");
}

#[tokio::test]
async fn the_example_stops_at_the_first_error_and_names_the_step() {
    let server = TestServer::start(vec![
        ok(&session_json(json!({ "id": "vs_example", "status": "requires_input" }))),
        Reply::error(401, "invalid_request_error", "api_key_expired").header("request-id", "req_401"),
    ])
    .await;

    let err = example::run(&client(&server)).await.unwrap_err();

    let step = err.downcast_ref::<example::StepError>().expect("a StepError");
    assert_eq!(step.step, "retrieve the VerificationSession");
    assert!(matches!(step.source, Error::Api { status: 401, .. }), "{:?}", step.source);
    let message = err.to_string();
    assert!(message.starts_with("cannot retrieve the VerificationSession: "), "{message}");
    assert!(message.contains("api_key_expired") && message.contains("req_401"), "{message}");
    assert_eq!(server.requests().len(), 2);
}
