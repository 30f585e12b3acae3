//! What a client in production needs beyond sending: response metadata, raw
//! requests, the telemetry headers, tracing without secrets, pluggable transports
//! and the in-memory mock. Against a scripted server on loopback (hyper's transport)
//! unless the test is about another transport.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Deserialize;
use serde_json::json;
use stripe_runtime::mock::{MockResponse, MockTransport, MOCK_API_KEY};
use stripe_runtime::webhook::{self, Webhook};
use stripe_runtime::{
    ApiSpec, AppInfo, Client, ClientBuilder, Error, HttpRequest, Method, ParamsIn, Request, RequestOptions, Transport,
    TransportFuture,
};
use stripe_test_support::proxy::{ProxyMode, TestProxy};
use stripe_test_support::{Reply, TestServer};

const KEY: &str = "sk_test_SECRET123";
static SPEC: ApiSpec = ApiSpec { api_version: "2024-04-10", user_agent: "stripe-api/0.1.0" };

#[derive(Debug, PartialEq, Deserialize)]
struct Thing {
    id: String,
}

fn test_builder(server: &TestServer) -> ClientBuilder {
    Client::builder(KEY).base_url(&server.url).retry_base_delay(Duration::from_millis(1))
}

fn thing(id: &str, request_id: &str) -> Reply {
    Reply::json(200, &format!(r#"{{"id":"{id}"}}"#)).header("request-id", request_id)
}

fn create_thing() -> Request<Thing> {
    Request::new(&SPEC, Method::Post, "/v1/things".into(), ParamsIn::Body, &json!({"name": "Jenny"}))
}

fn get_thing(id: &str) -> Request<Thing> {
    Request::new(&SPEC, Method::Get, format!("/v1/things/{id}"), ParamsIn::Query, &json!({}))
}

// ---- Response metadata ----

#[tokio::test]
async fn a_response_carries_what_was_sent_and_what_came_back() {
    let server = TestServer::start(vec![
        Reply::error(500, "api_error", "boom"),
        thing("th_1", "req_2").header("stripe-version", "2024-04-10"),
    ])
    .await;
    let client = test_builder(&server).build().unwrap();
    let options = RequestOptions::new().stripe_account("acct_123");
    let response = create_thing().options(options).send_with_response(&client).await.unwrap();
    assert_eq!(response.value, Thing { id: "th_1".into() });
    assert_eq!(response.status, 200);
    assert_eq!(response.request_id.as_deref(), Some("req_2"));
    assert_eq!(response.api_version.as_deref(), Some("2024-04-10"));
    assert_eq!(response.headers["request-id"], "req_2");
    assert_eq!(response.headers["content-type"], "application/json");
    assert_eq!(response.stripe_account.as_deref(), Some("acct_123"));
    assert_eq!(response.attempts, 2);
    // The key sent on both attempts, the random one every POST gets.
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let sent: Vec<_> = requests.iter().map(|r| r.header("idempotency-key").unwrap().to_owned()).collect();
    assert_eq!(sent[0], sent[1]);
    assert_eq!(response.idempotency_key.as_deref(), Some(sent[0].as_str()));
    assert_eq!(response.map(|thing| thing.id).into_value(), "th_1");
}

#[tokio::test]
async fn a_get_has_no_idempotency_key_unless_given_one() {
    let server = TestServer::start(vec![thing("th_1", "req_1"), thing("th_1", "req_2")]).await;
    let client = test_builder(&server).build().unwrap();
    let plain = get_thing("th_1").send_with_response(&client).await.unwrap();
    assert_eq!((plain.idempotency_key, plain.stripe_account, plain.attempts), (None, None, 1));
    let keyed = get_thing("th_1").options(RequestOptions::new().idempotency_key("k-1"));
    let keyed = keyed.send_with_response(&client).await.unwrap();
    assert_eq!(keyed.idempotency_key.as_deref(), Some("k-1"));
    assert_eq!(keyed.request_id.as_deref(), Some("req_2"));
    assert_eq!(server.requests()[1].header("idempotency-key"), Some("k-1"));
}

// ---- Raw requests ----

#[tokio::test]
async fn raw_requests_put_params_where_generated_methods_do() {
    let server = TestServer::start(vec![
        Reply::json(200, r#"{"object":"list","data":[{"id":"pm_1"}]}"#),
        Reply::error(500, "api_error", "boom"),
        Reply::json(200, r#"{"id":"cus_1","metadata":{"a":"b"}}"#),
        Reply::json(200, r#"{"id":"cus_1","deleted":true}"#),
    ])
    .await;
    let client = test_builder(&server).build().unwrap();

    let listed = Request::raw(&SPEC, Method::Get, "/v1/payment_methods", &json!({"limit": 3, "type": "card"}))
        .send(&client)
        .await
        .unwrap();
    assert_eq!(listed["data"][0]["id"], "pm_1");

    let params = json!({"email": "jenny@example.com", "metadata": {"a": "b"}});
    let created = Request::raw(&SPEC, Method::Post, "/v1/customers", &params)
        .options(RequestOptions::new().api_version("2026-09-30.clover"))
        .send_with_response(&client)
        .await
        .unwrap();
    assert_eq!(created.value["metadata"]["a"], "b");
    assert_eq!(created.attempts, 2);

    let deleted = Request::raw(&SPEC, Method::Delete, "/v1/customers/cus_1", &json!({})).send(&client).await.unwrap();
    assert_eq!(deleted["deleted"], true);

    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    assert_eq!(
        (requests[0].method.as_str(), requests[0].target.as_str()),
        ("GET", "/v1/payment_methods?limit=3&type=card")
    );
    assert_eq!(requests[0].header("stripe-version"), Some("2024-04-10"));
    assert_eq!(requests[0].header("authorization"), Some("Bearer sk_test_SECRET123"));
    assert_eq!(requests[0].header("idempotency-key"), None);
    for retried in &requests[1..3] {
        assert_eq!((retried.method.as_str(), retried.target.as_str()), ("POST", "/v1/customers"));
        assert_eq!(retried.body_str(), "email=jenny%40example.com&metadata[a]=b");
        assert_eq!(retried.header("content-type"), Some("application/x-www-form-urlencoded"));
        assert_eq!(retried.header("stripe-version"), Some("2026-09-30.clover"));
    }
    assert_eq!(requests[1].header("idempotency-key"), requests[2].header("idempotency-key"));
    assert!(requests[1].header("idempotency-key").is_some());
    assert_eq!((requests[3].method.as_str(), requests[3].target.as_str()), ("DELETE", "/v1/customers/cus_1"));
}

#[tokio::test]
async fn raw_requests_get_the_same_checks_and_errors() {
    let server = TestServer::start(vec![Reply::error(404, "invalid_request_error", "resource_missing")]).await;
    let client = test_builder(&server).build().unwrap();
    for path in ["/v1/customers/../balance", "v1/customers", "/v1/customers//x", "/v1/customers?limit=1"] {
        let refused = Request::raw(&SPEC, Method::Get, path, &json!({})).send(&client).await.unwrap_err();
        assert!(matches!(refused, Error::InvalidPath { .. }), "{path}: {refused:?}");
    }
    let not_params = Request::raw(&SPEC, Method::Post, "/v1/customers", &json!([1, 2])).send(&client).await;
    assert!(matches!(not_params, Err(Error::Encode(_))), "{not_params:?}");
    assert!(server.requests().is_empty());

    let missing = Request::raw(&SPEC, Method::Get, "/v1/customers/cus_404", &json!({})).send(&client).await;
    let Err(Error::Api { status, error, .. }) = missing else { panic!("{missing:?}") };
    assert_eq!((status, error.code.as_deref()), (404, Some("resource_missing")));
}

// ---- Telemetry ----

fn expected_client_user_agent(application: Option<&str>) -> String {
    let mut user_agent = format!(
        r#"{{"bindings_version":"{}","lang":"rust","lang_version":"{}","publisher":"stripe-codegen","httplib":"hyper","generated":"stripe-api/0.1.0""#,
        env!("CARGO_PKG_VERSION"),
        rustc_version()
    );
    if let Some(application) = application {
        user_agent.push_str(&format!(r#","application":{application}"#));
    }
    user_agent.push('}');
    user_agent
}

/// The version of the compiler building these tests, as the runtime's build script
/// records it (the same compiler builds both).
fn rustc_version() -> String {
    let output = std::process::Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .arg("--version")
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap().split_whitespace().nth(1).unwrap().to_owned()
}

#[tokio::test]
async fn each_request_reports_an_earlier_one() {
    let server = TestServer::start(vec![
        thing("th_1", "req_1").delay(Duration::from_millis(30)),
        Reply::error(500, "api_error", "boom").header("request-id", "req_2a"),
        thing("th_2", "req_2b"),
        thing("th_3", "req_3"),
    ])
    .await;
    let app = AppInfo::new("MyPlugin").version("1.2.3").url("https://example.com");
    let client = test_builder(&server).app_info(app).build().unwrap();
    get_thing("th_1").send(&client).await.unwrap();
    create_thing().send(&client).await.unwrap();
    get_thing("th_3").send(&client).await.unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    let application = r#"{"name":"MyPlugin","version":"1.2.3","url":"https://example.com"}"#;
    for request in &requests {
        assert_eq!(
            request.header("x-stripe-client-user-agent"),
            Some(expected_client_user_agent(Some(application)).as_str())
        );
    }
    assert_eq!(requests[0].header("x-stripe-client-telemetry"), None);
    // The second request (both attempts) reports the first; the third reports the
    // second's last attempt, not the retried one.
    // The exact header, with the duration that was measured.
    let reported = |i: usize| -> (String, u64) {
        let header = requests[i].header("x-stripe-client-telemetry").unwrap();
        let value: serde_json::Value = serde_json::from_str(header).unwrap();
        let last = &value["last_request_metrics"];
        let (id, duration) = (last["request_id"].as_str().unwrap(), last["request_duration_ms"].as_u64().unwrap());
        let exact = format!(r#"{{"last_request_metrics":{{"request_id":"{id}","request_duration_ms":{duration}}}}}"#);
        assert_eq!(header, exact);
        (id.to_owned(), duration)
    };
    let (first, duration) = reported(1);
    assert_eq!(first, "req_1");
    assert!((30..5_000).contains(&duration), "{duration}");
    assert_eq!(requests[1].header("x-stripe-client-telemetry"), requests[2].header("x-stripe-client-telemetry"));
    assert_eq!(reported(3).0, "req_2b");
}

#[tokio::test]
async fn telemetry_can_be_turned_off() {
    let server = TestServer::start(vec![thing("th_1", "req_1"), thing("th_2", "req_2")]).await;
    let client = test_builder(&server).telemetry(false).build().unwrap();
    get_thing("th_1").send(&client).await.unwrap();
    get_thing("th_2").send(&client).await.unwrap();
    let requests = server.requests();
    for request in &requests {
        assert_eq!(request.header("x-stripe-client-telemetry"), None);
        assert_eq!(request.header("x-stripe-client-user-agent"), Some(expected_client_user_agent(None).as_str()));
    }
}

// ---- Tracing ----

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn requests_are_traced_without_secrets() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = TestServer::start(vec![
        Reply::error(500, "api_error", "boom"),
        Reply::error(429, "invalid_request_error", "lock_timeout"),
        thing("th_1", "req_ok"),
    ])
    .await;
    let proxy = TestProxy::start(ProxyMode::Tunnel).await;
    let client = test_builder(&server).proxy(proxy.url_with_userinfo("proxyuser:PROXYPASS")).build().unwrap();
    let options = RequestOptions::new().api_key("sk_test_OPTIONKEY").header("Stripe-Context", "ctx_HEADER");
    let response = create_thing().options(options).send_with_response(&client).await.unwrap();
    assert_eq!(response.attempts, 3);
    // The webhook secret, used while the subscriber listens.
    let payload = br#"{"id":"evt_1","object":"event"}"#;
    let header = webhook::generate_test_header(payload, "whsec_WEBHOOKSECRET", 1_700_000_000);
    Webhook::new("whsec_WEBHOOKSECRET").received_at(1_700_000_000).verify(payload, &header).unwrap();
    Webhook::new("whsec_WEBHOOKSECRET").verify(payload, "t=1,v1=00").unwrap_err();

    let text = captured.text();
    let lines: Vec<&str> = text.lines().collect();
    let retries: Vec<&&str> = lines.iter().filter(|l| l.contains("retrying Stripe request")).collect();
    assert_eq!(retries.len(), 2, "{text}");
    assert!(retries[0].contains("retry=1 reason=\"server error\" status=500 delay_ms=1"), "{}", retries[0]);
    assert!(retries[1].contains("retry=2 reason=\"429 lock_timeout\" status=429 delay_ms="), "{}", retries[1]);
    for retry in &retries {
        assert!(retry.contains("stripe_request{method=\"POST\" path=\"/v1/things\""), "{retry}");
    }
    let closed = lines.iter().find(|l| l.contains("close")).unwrap_or_else(|| panic!("{text}"));
    assert!(
        closed.contains(r#"stripe_request{method="POST" path="/v1/things" attempt=3 status=200 request_id="req_ok"}"#),
        "{closed}"
    );
    for secret in [KEY, "sk_test_OPTIONKEY", "PROXYPASS", "proxyuser", "whsec_WEBHOOKSECRET", "ctx_HEADER", "Jenny"] {
        assert!(!text.contains(secret), "{secret} in the trace:\n{text}");
    }
}

// ---- Transports ----

/// A transport that fails the first `failures` attempts without a response, then
/// answers with a thing; or never answers at all.
struct Flaky {
    failures: Mutex<u32>,
    hang: bool,
}

impl Transport for Flaky {
    fn send(&self, _request: HttpRequest) -> TransportFuture<'_> {
        let fail = {
            let mut failures = self.failures.lock().unwrap();
            let fail = *failures > 0;
            *failures = failures.saturating_sub(1);
            fail
        };
        let hang = self.hang;
        Box::pin(async move {
            if hang {
                std::future::pending::<()>().await;
            }
            if fail {
                return Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset by the test").into());
            }
            Ok(MockResponse::json(200, r#"{"id":"th_1"}"#).into_http_response())
        })
    }
}

#[tokio::test]
async fn a_custom_transport_gets_retries_and_timeouts() {
    let flaky = Flaky { failures: Mutex::new(2), hang: false };
    let client = Client::builder(KEY).transport(flaky).retry_base_delay(Duration::from_millis(1)).build().unwrap();
    let response = get_thing("th_1").send_with_response(&client).await.unwrap();
    assert_eq!((response.value.id.as_str(), response.attempts), ("th_1", 3));

    let failing = Flaky { failures: Mutex::new(5), hang: false };
    let client = Client::builder(KEY).transport(failing).max_retries(1).retry_base_delay(Duration::from_millis(1));
    let error = get_thing("th_1").send(&client.build().unwrap()).await.unwrap_err();
    let Error::Http(source) = &error else { panic!("{error:?}") };
    assert_eq!(source.to_string(), "reset by the test");

    let hanging = Flaky { failures: Mutex::new(0), hang: true };
    let client = Client::builder(KEY).transport(hanging).max_retries(0).timeout(Duration::from_millis(50));
    let error = get_thing("th_1").send(&client.build().unwrap()).await.unwrap_err();
    assert!(matches!(error, Error::Timeout { timeout } if timeout == Duration::from_millis(50)), "{error:?}");
}

#[tokio::test]
async fn the_mock_answers_queued_then_matched_and_records_everything() {
    let mock = MockTransport::new();
    mock.on(Method::Get, "/v1/things/th_1", MockResponse::json(200, r#"{"id":"th_1"}"#))
        .push(MockResponse::error(500, "api_error", "boom", "try again"))
        .push(MockResponse::json(200, r#"{"id":"th_new"}"#).header("request-id", "req_new"));
    let client = mock.client();

    let created = create_thing().send_with_response(&client).await.unwrap();
    assert_eq!((created.value.id.as_str(), created.attempts), ("th_new", 2));
    assert_eq!(created.request_id.as_deref(), Some("req_new"));
    assert_eq!(get_thing("th_1").send(&client).await.unwrap().id, "th_1");
    assert_eq!(get_thing("th_1").send(&client).await.unwrap().id, "th_1");
    let query = Request::<Thing>::new(
        &SPEC,
        Method::Get,
        "/v1/things/th_1".into(),
        ParamsIn::Query,
        &json!({"expand": ["owner"]}),
    );
    assert_eq!(query.send(&client).await.unwrap().id, "th_1");

    // Nothing scripted: a 404 naming the request, not retried.
    let unscripted = get_thing("th_2").send_with_response(&client).await.unwrap_err();
    let Error::Api { status, error, .. } = &unscripted else { panic!("{unscripted:?}") };
    assert_eq!(*status, 404);
    assert_eq!(error.message.as_deref(), Some("MockTransport has no response for GET /v1/things/th_2"));

    let requests = mock.requests();
    let summary: Vec<(Method, &str, Option<&str>)> =
        requests.iter().map(|r| (r.method, r.path.as_str(), r.query.as_deref())).collect();
    assert_eq!(
        summary,
        [
            (Method::Post, "/v1/things", None),
            (Method::Post, "/v1/things", None),
            (Method::Get, "/v1/things/th_1", None),
            (Method::Get, "/v1/things/th_1", None),
            (Method::Get, "/v1/things/th_1", Some("expand[0]=owner")),
            (Method::Get, "/v1/things/th_2", None),
        ]
    );
    assert_eq!(requests[0].body_str(), "name=Jenny");
    assert_eq!(requests[0].header("authorization"), Some(format!("Bearer {MOCK_API_KEY}").as_str()));
    assert_eq!(requests[0].header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(requests[0].header("idempotency-key"), requests[1].header("idempotency-key"));
    assert_eq!(requests[2].header("stripe-version"), Some("2024-04-10"));
    assert!(requests[2].body.is_empty());
}
