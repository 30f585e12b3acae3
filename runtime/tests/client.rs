//! The HTTP client against a scripted server on loopback: exact bytes on the wire,
//! retries, errors, pagination, path escaping and proxies.

use std::io::{Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_core::Stream;
use serde::{Deserialize, Serialize};
use stripe_runtime::{
    path_segment, ApiSpec, AppInfo, Client, ClientBuilder, Error, List, Method, Object, ParamsIn, Request,
    RequestOptions,
};
use stripe_test_support::proxy::{ProxyMode, TestProxy};
use stripe_test_support::{Recorded, Reply, TestServer};

const KEY: &str = "sk_test_SECRET123";
static SPEC: ApiSpec = ApiSpec { api_version: "2023-08-16", user_agent: "stripe-api/0.1.0" };

#[derive(Debug, PartialEq, Deserialize)]
struct Thing {
    id: String,
}

impl Object for Thing {
    fn id(&self) -> &str {
        &self.id
    }
}

#[derive(Serialize)]
struct NoParams {}

#[derive(Serialize)]
struct ListParams<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    ending_before: Option<&'a str>,
    limit: u32,
    created: Created,
    expand: &'a [&'a str],
}

#[derive(Serialize)]
struct Created {
    gte: i64,
}

#[derive(Serialize)]
struct CreateParams<'a> {
    name: &'a str,
    metadata: Metadata<'a>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    order_id: &'a str,
}

fn test_builder(server: &TestServer) -> ClientBuilder {
    Client::builder(KEY).base_url(&server.url).retry_base_delay(Duration::from_millis(1))
}

fn test_client(server: &TestServer) -> Client {
    test_builder(server).build().unwrap()
}

fn get(path: &str) -> Request<Thing> {
    Request::new(&SPEC, Method::Get, path.to_owned(), ParamsIn::Query, &NoParams {})
}

fn post(path: &str) -> Request<Thing> {
    let params = CreateParams { name: "Jenny Rosen", metadata: Metadata { order_id: "6735" } };
    Request::new(&SPEC, Method::Post, path.to_owned(), ParamsIn::Body, &params)
}

fn thing_reply(id: &str) -> Reply {
    Reply::json(200, &format!(r#"{{"id":"{id}","object":"thing"}}"#))
}

fn page(ids: &[&str], has_more: bool) -> Reply {
    let data: Vec<String> = ids.iter().map(|id| format!(r#"{{"id":"{id}"}}"#)).collect();
    Reply::json(
        200,
        &format!(r#"{{"object":"list","data":[{}],"has_more":{has_more},"url":"/v1/things"}}"#, data.join(",")),
    )
}

fn user_agent() -> String {
    format!("stripe-api/0.1.0 stripe-runtime/{}", env!("CARGO_PKG_VERSION"))
}

/// Checks the headers every request carries.
fn assert_common_headers(request: &Recorded) {
    assert_eq!(request.header("authorization"), Some("Bearer sk_test_SECRET123"));
    assert_eq!(request.header("stripe-version"), Some("2023-08-16"));
    assert_eq!(request.header("user-agent"), Some(user_agent().as_str()));
    assert_eq!(request.header("accept"), Some("application/json"));
}

/// Whether `key` looks like a random (v4) UUID.
fn is_uuid_v4(key: &str) -> bool {
    let bytes = key.as_bytes();
    key.len() == 36
        && [8, 13, 18, 23].iter().all(|&i| bytes[i] == b'-')
        && bytes[14] == b'4'
        && matches!(bytes[19], b'8' | b'9' | b'a' | b'b')
        && key.chars().filter(|&c| c != '-').all(|c| c.is_ascii_hexdigit())
}

// ---- Placement of params and headers ----

#[tokio::test]
async fn get_sends_params_in_the_query_and_the_headers() {
    let server = TestServer::start(vec![page(&["th_1"], false)]).await;
    let params =
        ListParams { ending_before: None, limit: 3, created: Created { gte: 1700000000 }, expand: &["data.owner"] };
    let request: Request<List<Thing>> = Request::new(&SPEC, Method::Get, "/v1/things".into(), ParamsIn::Query, &params);
    let list = request.send(&test_client(&server)).await.unwrap();
    assert_eq!(list.data, vec![Thing { id: "th_1".into() }]);

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.target, "/v1/things?limit=3&created[gte]=1700000000&expand[0]=data.owner");
    assert_eq!(request.path, "/v1/things");
    assert_eq!(request.query.as_deref(), Some("limit=3&created[gte]=1700000000&expand[0]=data.owner"));
    assert_eq!(request.body, b"");
    assert_common_headers(request);
    assert_eq!(request.header("content-type"), None);
    assert_eq!(request.header("idempotency-key"), None);
    assert_eq!(request.header("stripe-account"), None);
}

#[tokio::test]
async fn get_without_params_has_no_question_mark() {
    let server = TestServer::start(vec![thing_reply("th_1")]).await;
    let thing = get("/v1/things/th_1").send(&test_client(&server)).await.unwrap();
    assert_eq!(thing.id, "th_1");
    let request = &server.requests()[0];
    assert_eq!(request.target, "/v1/things/th_1");
    assert_eq!(request.query, None);
}

#[tokio::test]
async fn post_sends_params_in_the_body_with_an_idempotency_key() {
    let server = TestServer::start(vec![thing_reply("th_1"), thing_reply("th_2")]).await;
    let client = test_client(&server);
    post("/v1/things").send(&client).await.unwrap();
    post("/v1/things").send(&client).await.unwrap();

    let requests = server.requests();
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, "/v1/things");
    assert_eq!(request.query, None);
    assert_eq!(request.body_str(), "name=Jenny%20Rosen&metadata[order_id]=6735");
    assert_eq!(request.header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(request.header("content-length"), Some("42"));
    assert_common_headers(request);
    let first_key = request.header("idempotency-key").unwrap();
    assert!(is_uuid_v4(first_key), "{first_key}");
    // A new key for each request.
    let second_key = requests[1].header("idempotency-key").unwrap();
    assert!(is_uuid_v4(second_key), "{second_key}");
    assert_ne!(first_key, second_key);
}

#[tokio::test]
async fn post_without_params_sends_an_empty_body() {
    let server = TestServer::start(vec![thing_reply("th_1")]).await;
    let request: Request<Thing> =
        Request::new(&SPEC, Method::Post, "/v1/things/th_1/cancel".into(), ParamsIn::Body, &NoParams {});
    request.send(&test_client(&server)).await.unwrap();
    let request = &server.requests()[0];
    assert_eq!(request.target, "/v1/things/th_1/cancel");
    assert_eq!(request.body, b"");
    assert_eq!(request.header("content-length"), Some("0"));
    assert_eq!(request.header("content-type"), Some("application/x-www-form-urlencoded"));
    assert!(request.header("idempotency-key").is_some());
}

#[tokio::test]
async fn delete_sends_params_in_the_query_without_an_idempotency_key() {
    #[derive(Serialize)]
    struct DeleteParams {
        expand: [&'static str; 1],
    }
    let server = TestServer::start(vec![thing_reply("th_1")]).await;
    let request: Request<Thing> = Request::new(
        &SPEC,
        Method::Delete,
        "/v1/things/th_1".into(),
        ParamsIn::Query,
        &DeleteParams { expand: ["owner"] },
    );
    request.send(&test_client(&server)).await.unwrap();
    let request = &server.requests()[0];
    assert_eq!(request.method, "DELETE");
    assert_eq!(request.target, "/v1/things/th_1?expand[0]=owner");
    assert_eq!(request.body, b"");
    assert_eq!(request.header("idempotency-key"), None);
    assert_eq!(request.header("content-type"), None);
    assert_common_headers(request);
}

#[tokio::test]
async fn options_and_client_settings_become_headers() {
    let server = TestServer::start(vec![thing_reply("th_1"), thing_reply("th_2"), thing_reply("th_3")]).await;
    let client = test_builder(&server)
        .stripe_account("acct_client")
        .app_info(AppInfo::new("MyPlugin").version("1.2.3").url("https://example.com"))
        .build()
        .unwrap();
    get("/v1/things/th_1").send(&client).await.unwrap();
    let options = RequestOptions::new()
        .stripe_account("acct_request")
        .api_key("sk_test_OTHER")
        .idempotency_key("get-key")
        .header("Stripe-Context", "ctx_123")
        .header("User-Agent", "replaced");
    get("/v1/things/th_2").options(options).send(&client).await.unwrap();
    post("/v1/things")
        .options(RequestOptions::new().header("idempotency-key", "from-header"))
        .send(&client)
        .await
        .unwrap();

    let requests = server.requests();
    assert_eq!(requests[0].header("stripe-account"), Some("acct_client"));
    assert_eq!(
        requests[0].header("user-agent"),
        Some(format!("{} MyPlugin/1.2.3 (https://example.com)", user_agent()).as_str())
    );
    assert_eq!(requests[0].header("authorization"), Some("Bearer sk_test_SECRET123"));
    assert_eq!(requests[1].header("stripe-account"), Some("acct_request"));
    assert_eq!(requests[1].header("authorization"), Some("Bearer sk_test_OTHER"));
    assert_eq!(requests[1].header("idempotency-key"), Some("get-key"));
    assert_eq!(requests[1].header("stripe-context"), Some("ctx_123"));
    assert_eq!(requests[1].header("user-agent"), Some("replaced"));
    assert_eq!(requests[2].header("idempotency-key"), Some("from-header"));
}

#[tokio::test]
async fn invalid_settings_are_config_errors_and_send_nothing() {
    let server = TestServer::start(vec![]).await;
    let client = test_client(&server);
    for options in [
        RequestOptions::new().header("bad name", "v"),
        RequestOptions::new().header("", "v"),
        RequestOptions::new().header("x-ok", "line\r\nbreak"),
        RequestOptions::new().stripe_account("acct\n"),
        RequestOptions::new().idempotency_key("k\u{0}"),
        RequestOptions::new().api_key("sk_test_SECRET123\n"),
    ] {
        let err = get("/v1/things/th_1").options(options).send(&client).await.unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        assert!(!format!("{err} {err:?}").contains("SECRET123"));
    }
    // A client made with `new` checks its key when sending.
    let bad_key = Client::builder("sk_test_SECRET123\n").base_url(&server.url);
    assert!(matches!(bad_key.build(), Err(Error::Config(_))));
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn unencodable_params_are_an_encode_error_and_send_nothing() {
    let server = TestServer::start(vec![]).await;
    let request: Request<Thing> = Request::new(&SPEC, Method::Post, "/v1/things".into(), ParamsIn::Body, &"a string");
    let err = request.send(&test_client(&server)).await.unwrap_err();
    assert!(matches!(err, Error::Encode(_)), "{err:?}");
    assert!(server.requests().is_empty());
}

// ---- Retries ----

#[tokio::test]
async fn retries_a_500_with_the_same_idempotency_key_and_body() {
    let server = TestServer::start(vec![
        Reply::error(500, "api_error", "internal").header("Request-Id", "req_1"),
        thing_reply("th_1"),
    ])
    .await;
    let thing = post("/v1/things").send(&test_client(&server)).await.unwrap();
    assert_eq!(thing.id, "th_1");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let key = requests[0].header("idempotency-key").unwrap();
    assert!(is_uuid_v4(key));
    assert_eq!(requests[1].header("idempotency-key"), Some(key));
    assert_eq!(requests[0].body, requests[1].body);
    assert_eq!(requests[1].body_str(), "name=Jenny%20Rosen&metadata[order_id]=6735");
}

#[tokio::test]
async fn a_caller_idempotency_key_is_reused_on_retries() {
    let server = TestServer::start(vec![Reply::error(503, "api_error", "unavailable"), thing_reply("th_1")]).await;
    post("/v1/things")
        .options(RequestOptions::new().idempotency_key("order-6735"))
        .send(&test_client(&server))
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.header("idempotency-key") == Some("order-6735")));
}

#[tokio::test]
async fn does_not_retry_a_400() {
    let server =
        TestServer::start(vec![Reply::error(400, "invalid_request_error", "parameter_missing"), thing_reply("x")])
            .await;
    let err = post("/v1/things").send(&test_client(&server)).await.unwrap_err();
    assert!(matches!(err, Error::Api { status: 400, .. }), "{err:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn retries_a_409() {
    let server =
        TestServer::start(vec![Reply::error(409, "invalid_request_error", "conflict"), thing_reply("th_1")]).await;
    assert_eq!(post("/v1/things").send(&test_client(&server)).await.unwrap().id, "th_1");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn retries_a_429_only_for_a_lock_timeout() {
    let server =
        TestServer::start(vec![Reply::error(429, "invalid_request_error", "lock_timeout"), thing_reply("th_1")]).await;
    assert_eq!(post("/v1/things").send(&test_client(&server)).await.unwrap().id, "th_1");
    assert_eq!(server.requests().len(), 2);

    let server =
        TestServer::start(vec![Reply::error(429, "invalid_request_error", "rate_limit"), thing_reply("x")]).await;
    let err = post("/v1/things").send(&test_client(&server)).await.unwrap_err();
    match err {
        Error::Api { status: 429, error, .. } => assert_eq!(error.code.as_deref(), Some("rate_limit")),
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn stripe_should_retry_false_prevents_a_retry() {
    let server = TestServer::start(vec![
        Reply::error(500, "api_error", "internal").header("Stripe-Should-Retry", "false"),
        thing_reply("x"),
    ])
    .await;
    let err = post("/v1/things").send(&test_client(&server)).await.unwrap_err();
    assert!(matches!(err, Error::Api { status: 500, .. }), "{err:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn stripe_should_retry_true_forces_a_retry() {
    let server = TestServer::start(vec![
        Reply::error(400, "invalid_request_error", "whatever").header("Stripe-Should-Retry", "true"),
        thing_reply("th_1"),
    ])
    .await;
    assert_eq!(get("/v1/things/th_1").send(&test_client(&server)).await.unwrap().id, "th_1");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn max_retries_comes_from_the_options_or_the_client() {
    let error = || Reply::error(500, "api_error", "internal");

    // Client default: 2 retries, so 3 attempts, then the last error.
    let server = TestServer::start(vec![error(), error(), error(), thing_reply("x")]).await;
    let err = get("/v1/things/th_1").send(&test_client(&server)).await.unwrap_err();
    assert!(matches!(err, Error::Api { status: 500, .. }), "{err:?}");
    assert_eq!(server.requests().len(), 3);

    // The options turn retries off...
    let server = TestServer::start(vec![error(), thing_reply("x")]).await;
    let err = get("/v1/things/th_1").options(RequestOptions::new().max_retries(0)).send(&test_client(&server)).await;
    assert!(matches!(err, Err(Error::Api { status: 500, .. })));
    assert_eq!(server.requests().len(), 1);

    // ...or allow more.
    let server = TestServer::start(vec![error(), error(), error(), thing_reply("th_1")]).await;
    let thing = get("/v1/things/th_1").options(RequestOptions::new().max_retries(3)).send(&test_client(&server)).await;
    assert_eq!(thing.unwrap().id, "th_1");
    assert_eq!(server.requests().len(), 4);

    // The client setting.
    let server = TestServer::start(vec![error(), thing_reply("x")]).await;
    let client = test_builder(&server).max_retries(0).build().unwrap();
    assert!(get("/v1/things/th_1").send(&client).await.is_err());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn connection_refused_is_an_http_error_after_the_retries() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = Client::builder(KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry_base_delay(Duration::from_millis(20))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = post("/v1/things").send(&client).await.unwrap_err();
    // Two retries, each after at least the base delay.
    assert!(started.elapsed() >= Duration::from_millis(40), "{:?}", started.elapsed());
    match &err {
        // The cause chain ends in the OS's refusal.
        Error::Http(source) => {
            let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(source.as_ref());
            let mut refused = false;
            while let Some(e) = cause {
                refused |= e
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::ConnectionRefused);
                cause = e.source();
            }
            assert!(refused, "{source:?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.status(), None);
}

#[tokio::test]
async fn a_slow_response_is_a_timeout_and_is_retried() {
    let slow = || thing_reply("slow").delay(Duration::from_secs(5));

    let server = TestServer::start(vec![slow()]).await;
    let client = test_builder(&server).timeout(Duration::from_millis(200)).max_retries(0).build().unwrap();
    let err = get("/v1/things/th_1").send(&client).await.unwrap_err();
    match err {
        Error::Timeout { timeout, .. } => assert_eq!(timeout, Duration::from_millis(200)),
        other => panic!("{other:?}"),
    }

    // Per-request timeout, and a timeout is retried like a connection error.
    let server = TestServer::start(vec![slow(), thing_reply("th_1")]).await;
    let options = RequestOptions::new().timeout(Duration::from_millis(200)).max_retries(1);
    let thing = get("/v1/things/th_1").options(options).send(&test_client(&server)).await.unwrap();
    assert_eq!(thing.id, "th_1");
    assert_eq!(server.requests().len(), 2);
}

/// A raw TCP server on loopback (blocking, on its own threads) that answers every
/// connection with `reply` once it has read the request head (or at once, if not
/// `read_head`), keeps the connection open for `hold`, then closes it. Returns its
/// URL and a count of connections.
fn raw_server(reply: &'static [u8], read_head: bool, hold: Duration) -> (String, Arc<AtomicUsize>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            counter.fetch_add(1, Ordering::SeqCst);
            std::thread::spawn(move || {
                let mut head = Vec::new();
                let mut buf = [0; 1024];
                while read_head && !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = stream.write_all(reply);
                std::thread::sleep(hold);
            });
        }
    });
    (url, connections)
}

#[tokio::test]
async fn a_body_that_breaks_off_is_an_http_error_after_the_retries() {
    // 100 bytes announced, 9 sent, then the connection closes.
    let (url, connections) =
        raw_server(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"id\":\"th", true, Duration::ZERO);
    let client = Client::builder(KEY).base_url(url).retry_base_delay(Duration::from_millis(1)).build().unwrap();
    let err = get("/v1/things/th_1").send(&client).await.unwrap_err();
    assert!(matches!(err, Error::Http(_)), "{err:?}");
    assert_eq!(connections.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn the_timeout_covers_the_whole_body() {
    // The head arrives at once, the body never does.
    let (url, connections) =
        raw_server(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{", true, Duration::from_secs(5));
    let client = Client::builder(KEY)
        .base_url(url)
        .timeout(Duration::from_millis(200))
        .max_retries(1)
        .retry_base_delay(Duration::from_millis(1))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = get("/v1/things/th_1").send(&client).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { timeout } if timeout == Duration::from_millis(200)), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
    // The stalled connection is not reused: the retry opens another.
    assert_eq!(connections.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn https_goes_through_tls() {
    // A plain HTTP server behind an https URL: the client's TLS handshake gets an
    // HTTP response instead of a ServerHello, which rustls refuses.
    let (url, connections) =
        raw_server(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", false, Duration::from_secs(5));
    let url = url.replacen("http://", "https://", 1);
    let client = Client::builder(KEY).base_url(url).max_retries(0).timeout(Duration::from_secs(4)).build().unwrap();
    let err = get("/v1/things/th_1").send(&client).await.unwrap_err();
    assert!(matches!(err, Error::Http(_)), "{err:?}");
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

// ---- Errors ----

#[tokio::test]
async fn a_stripe_error_is_decoded_with_status_and_request_id() {
    let body = r#"{
      "error": {
        "type": "card_error",
        "code": "card_declined",
        "decline_code": "insufficient_funds",
        "param": "payment_method",
        "message": "Your card has insufficient funds.",
        "doc_url": "https://stripe.com/docs/error-codes/card-declined",
        "charge": "ch_123"
      }
    }"#;
    let server = TestServer::start(vec![Reply::json(402, body).header("Request-Id", "req_abc")]).await;
    let err = post("/v1/things").send(&test_client(&server)).await.unwrap_err();
    assert_eq!(err.status(), Some(402));
    assert_eq!(err.request_id(), Some("req_abc"));
    let text = err.to_string();
    assert!(text.contains("402") && text.contains("req_abc") && text.contains("insufficient funds"), "{text}");
    match err {
        Error::Api { status, request_id, error } => {
            assert_eq!(status, 402);
            assert_eq!(request_id.as_deref(), Some("req_abc"));
            assert_eq!(error.type_, "card_error");
            assert_eq!(error.code.as_deref(), Some("card_declined"));
            assert_eq!(error.decline_code.as_deref(), Some("insufficient_funds"));
            assert_eq!(error.param.as_deref(), Some("payment_method"));
            assert_eq!(error.message.as_deref(), Some("Your card has insufficient funds."));
            assert_eq!(error.doc_url.as_deref(), Some("https://stripe.com/docs/error-codes/card-declined"));
        }
        other => panic!("{other:?}"),
    }

    // Only `type` is required.
    let server = TestServer::start(vec![Reply::json(404, r#"{"error":{"type":"invalid_request_error"}}"#)]).await;
    match get("/v1/things/th_1").send(&test_client(&server)).await.unwrap_err() {
        Error::Api { status: 404, request_id: None, error } => {
            assert_eq!(error.type_, "invalid_request_error");
            assert_eq!((error.code, error.message, error.param), (None, None, None));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_html_502_is_a_decode_error() {
    let html = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let bad_gateway = || Reply::raw(502, "text/html", html).header("Request-Id", "req_502");
    let server = TestServer::start(vec![bad_gateway(), bad_gateway(), bad_gateway()]).await;
    let err = get("/v1/things/th_1").send(&test_client(&server)).await.unwrap_err();
    // A 502 is retried; the last one is reported.
    assert_eq!(server.requests().len(), 3);
    match err {
        Error::Decode { status, request_id, body_snippet, source } => {
            assert_eq!(status, 502);
            assert_eq!(request_id.as_deref(), Some("req_502"));
            assert_eq!(body_snippet.as_bytes(), html);
            assert!(source.is_syntax());
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn truncated_json_is_a_decode_error() {
    let server = TestServer::start(vec![Reply::json(200, r#"{"id":"th_1","obj"#).header("Request-Id", "req_t")]).await;
    let err = get("/v1/things/th_1").send(&test_client(&server)).await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
    match err {
        Error::Decode { status, request_id, body_snippet, source } => {
            assert_eq!(status, 200);
            assert_eq!(request_id.as_deref(), Some("req_t"));
            assert_eq!(body_snippet, r#"{"id":"th_1","obj"#);
            assert!(source.is_eof());
        }
        other => panic!("{other:?}"),
    }

    // A truncated error body too.
    let server = TestServer::start(vec![Reply::json(400, r#"{"error":{"type":"#)]).await;
    let err = get("/v1/things/th_1").send(&test_client(&server)).await.unwrap_err();
    assert!(matches!(err, Error::Decode { status: 400, .. }), "{err:?}");

    // JSON of the wrong shape.
    let server = TestServer::start(vec![Reply::json(200, r#"{"object":"thing"}"#)]).await;
    let err = get("/v1/things/th_1").send(&test_client(&server)).await.unwrap_err();
    match err {
        Error::Decode { source, .. } => assert!(source.is_data()),
        other => panic!("{other:?}"),
    }
}

// ---- Pagination ----

fn list_request(ending_before: Option<&str>) -> Request<List<Thing>> {
    let params = ListParams { ending_before, limit: 2, created: Created { gte: 100 }, expand: &["data.owner"] };
    Request::new(&SPEC, Method::Get, "/v1/things".into(), ParamsIn::Query, &params)
}

#[tokio::test]
async fn paginates_forward_keeping_the_filters() {
    let server =
        TestServer::start(vec![page(&["th_a", "th_b"], true), page(&["th_c", "th_d"], true), page(&["th_e"], false)])
            .await;
    let options = RequestOptions::new().stripe_account("acct_1");
    let mut items = list_request(None).options(options).paginate(&test_client(&server));
    let mut ids = Vec::new();
    while let Some(item) = items.next().await {
        ids.push(item.unwrap().id);
    }
    assert_eq!(ids, ["th_a", "th_b", "th_c", "th_d", "th_e"]);
    assert!(items.next().await.is_none());

    let requests = server.requests();
    let queries: Vec<&str> = requests.iter().map(|r| r.query.as_deref().unwrap()).collect();
    assert_eq!(
        queries,
        [
            "limit=2&created[gte]=100&expand[0]=data.owner",
            "limit=2&created[gte]=100&expand[0]=data.owner&starting_after=th_b",
            "limit=2&created[gte]=100&expand[0]=data.owner&starting_after=th_d",
        ]
    );
    for request in &requests {
        assert_eq!(request.path, "/v1/things");
        assert_eq!(request.header("stripe-account"), Some("acct_1"));
        assert_common_headers(request);
    }
}

#[tokio::test]
async fn paginates_backward_from_ending_before() {
    let server =
        TestServer::start(vec![page(&["th_7", "th_8"], true), page(&["th_5", "th_6"], true), page(&["th_4"], false)])
            .await;
    let mut items = list_request(Some("th_9")).paginate(&test_client(&server));
    let mut ids = Vec::new();
    while let Some(item) = items.next().await {
        ids.push(item.unwrap().id);
    }
    // Each page in reverse: moving away from the cursor.
    assert_eq!(ids, ["th_8", "th_7", "th_6", "th_5", "th_4"]);
    let queries: Vec<String> = server.requests().into_iter().map(|r| r.query.unwrap()).collect();
    assert_eq!(
        queries,
        [
            "ending_before=th_9&limit=2&created[gte]=100&expand[0]=data.owner",
            "limit=2&created[gte]=100&expand[0]=data.owner&ending_before=th_7",
            "limit=2&created[gte]=100&expand[0]=data.owner&ending_before=th_5",
        ]
    );
}

#[tokio::test]
async fn pagination_stops_at_an_empty_page_and_after_an_error() {
    let server = TestServer::start(vec![page(&["th_a"], true), page(&[], true), page(&["th_x"], false)]).await;
    let mut items = list_request(None).paginate(&test_client(&server));
    assert_eq!(items.next().await.unwrap().unwrap().id, "th_a");
    assert!(items.next().await.is_none());
    assert_eq!(server.requests().len(), 2);

    let server = TestServer::start(vec![
        page(&["th_a"], true),
        Reply::error(400, "invalid_request_error", "resource_missing"),
        page(&["th_x"], false),
    ])
    .await;
    let mut items = list_request(None).paginate(&test_client(&server));
    assert_eq!(items.next().await.unwrap().unwrap().id, "th_a");
    assert!(matches!(items.next().await, Some(Err(Error::Api { status: 400, .. }))));
    assert!(items.next().await.is_none());
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn the_paginator_is_a_send_stream() {
    fn assert_stream<S: futures_core::Stream<Item = Result<Thing, Error>> + Send + Unpin + 'static>(_: &S) {}
    let server = TestServer::start(vec![page(&["th_a", "th_b"], false)]).await;
    let items = list_request(None).paginate(&test_client(&server));
    assert_stream(&items);
    // Runs on another task.
    let ids = tokio::spawn(async move {
        let mut items = items;
        let mut ids = Vec::new();
        while let Some(item) = std::future::poll_fn(|cx| std::pin::Pin::new(&mut items).poll_next(cx)).await {
            ids.push(item.unwrap().id);
        }
        ids
    })
    .await
    .unwrap();
    assert_eq!(ids, ["th_a", "th_b"]);
}

#[tokio::test]
async fn collect_all_stops_at_the_limit() {
    let pages = || vec![page(&["th_a", "th_b"], true), page(&["th_c", "th_d"], true), page(&["th_e"], false)];

    let server = TestServer::start(pages()).await;
    let items = list_request(None).collect_all(&test_client(&server), 3).await.unwrap();
    assert_eq!(items.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(), ["th_a", "th_b", "th_c"]);
    // The third page was not needed.
    assert_eq!(server.requests().len(), 2);
    assert_eq!(
        server.requests()[1].query.as_deref(),
        Some("limit=2&created[gte]=100&expand[0]=data.owner&starting_after=th_b")
    );

    let server = TestServer::start(pages()).await;
    let items = list_request(None).collect_all(&test_client(&server), 100).await.unwrap();
    assert_eq!(items.len(), 5);
    assert_eq!(server.requests().len(), 3);

    let server = TestServer::start(pages()).await;
    assert!(list_request(None).collect_all(&test_client(&server), 0).await.unwrap().is_empty());
    assert!(server.requests().is_empty());

    let server = TestServer::start(vec![page(&["th_7", "th_8"], true), page(&["th_5", "th_6"], false)]).await;
    let items = list_request(Some("th_9")).collect_all(&test_client(&server), 3).await.unwrap();
    assert_eq!(items.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(), ["th_8", "th_7", "th_6"]);
    assert_eq!(
        server.requests()[1].query.as_deref(),
        Some("limit=2&created[gte]=100&expand[0]=data.owner&ending_before=th_7")
    );

    let server = TestServer::start(vec![page(&["th_a"], true), Reply::error(400, "invalid_request_error", "x")]).await;
    assert!(matches!(
        list_request(None).collect_all(&test_client(&server), 10).await,
        Err(Error::Api { status: 400, .. })
    ));
}

// ---- Paths ----

#[tokio::test]
async fn ids_are_escaped_into_exactly_one_path_segment() {
    let cases = [
        ("a/b", "a%2Fb"),
        ("x?y=1", "x%3Fy%3D1"),
        ("x#frag", "x%23frag"),
        ("50%", "50%25"),
        ("%2E%2E", "%252E%252E"),
        ("../v1/charges", "..%2Fv1%2Fcharges"),
        ("...", "..."),
        ("with space", "with%20space"),
        ("back\\slash", "back%5Cslash"),
        ("ünï€😀", "%C3%BCn%C3%AF%E2%82%AC%F0%9F%98%80"),
        ("ok-_.!~*'()", "ok-_.!~*'()"),
    ];
    let server = TestServer::start(cases.iter().map(|_| thing_reply("th_1")).collect()).await;
    let client = test_client(&server);
    for (id, escaped) in cases {
        assert_eq!(path_segment(id), escaped);
        get(&format!("/v1/things/{}/owner", path_segment(id))).send(&client).await.unwrap();
    }
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    let expected: Vec<String> = cases.iter().map(|(_, escaped)| format!("/v1/things/{escaped}/owner")).collect();
    assert_eq!(paths, expected);
}

#[tokio::test]
async fn dot_and_empty_ids_are_refused_before_sending() {
    assert_eq!(path_segment("."), "%2E");
    assert_eq!(path_segment(".."), "%2E%2E");
    let server = TestServer::start(vec![thing_reply("x"), thing_reply("x"), thing_reply("x")]).await;
    let client = test_client(&server);
    for id in [".", "..", ""] {
        let err = post(&format!("/v1/customers/cus_1/sources/{}", path_segment(id))).send(&client).await.unwrap_err();
        assert!(matches!(err, Error::InvalidPath { .. }), "{err:?}");
    }
    let err = get("v1/things").send(&client).await.unwrap_err();
    assert!(matches!(err, Error::InvalidPath { .. }), "{err:?}");
    assert!(server.requests().is_empty());
}

// ---- Proxies ----

/// `http://127.0.0.1:PORT` -> `127.0.0.1:PORT`.
fn authority(url: &str) -> &str {
    url.strip_prefix("http://").unwrap()
}

/// Every error in `err`'s source chain, formatted with `Display` and `Debug`.
fn error_chain(err: &Error) -> String {
    let mut text = format!("{err} {err:?} {err:#?}");
    let mut source = std::error::Error::source(err);
    while let Some(e) = source {
        text.push_str(&format!(" | {e} {e:?}"));
        source = e.source();
    }
    text
}

#[tokio::test]
async fn requests_through_the_proxy_arrive_unchanged() {
    let server = TestServer::start(vec![thing_reply("th_1"), thing_reply("th_1"), thing_reply("th_2")]).await;
    let proxy = TestProxy::start(ProxyMode::Tunnel).await;
    let options = || RequestOptions::new().idempotency_key("order-6735");

    let direct = post("/v1/things").options(options()).send(&test_client(&server)).await.unwrap();
    let client = test_builder(&server).proxy(&proxy.url).build().unwrap();
    let proxied = post("/v1/things").options(options()).send(&client).await.unwrap();
    assert_eq!(direct, proxied);

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let (direct, proxied) = (&requests[0], &requests[1]);
    assert_eq!(proxied.method, "POST");
    assert_eq!(proxied.target, "/v1/things");
    assert_eq!(proxied.body_str(), "name=Jenny%20Rosen&metadata[order_id]=6735");
    assert_eq!(
        (&proxied.method, &proxied.target, &proxied.headers, &proxied.body),
        (&direct.method, &direct.target, &direct.headers, &direct.body)
    );
    assert_eq!(proxied.header("host"), Some(authority(&server.url)));
    assert_eq!(proxied.header("proxy-authorization"), None);

    let connects = proxy.connects();
    assert_eq!(connects.len(), 1);
    let connect = &connects[0];
    assert_eq!(connect.request_line, format!("CONNECT {} HTTP/1.1", authority(&server.url)));
    assert_eq!(connect.target, authority(&server.url));
    assert_eq!(connect.header("host"), Some(authority(&server.url)));
    assert_eq!(connect.header("proxy-authorization"), None);

    // The tunnel is pooled: the next request goes through it without a new CONNECT.
    let thing = get("/v1/things/th_2").send(&client).await.unwrap();
    assert_eq!(thing.id, "th_2");
    assert_eq!(server.requests()[2].target, "/v1/things/th_2");
    assert_eq!(proxy.connects().len(), 1);
}

#[tokio::test]
async fn proxy_credentials_go_to_the_proxy_alone_and_are_never_shown() {
    let server = TestServer::start(vec![thing_reply("th_1")]).await;
    let proxy = TestProxy::start(ProxyMode::Tunnel).await;
    // RFC 7617's example; the space percent-encoded.
    let builder = test_builder(&server).proxy(proxy.url_with_userinfo("Aladdin:open%20sesame"));
    let client = builder.clone().build().unwrap();
    get("/v1/things/th_1").send(&client).await.unwrap();

    let connects = proxy.connects();
    assert_eq!(connects.len(), 1);
    assert_eq!(connects[0].header("proxy-authorization"), Some("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
    assert_eq!(server.requests()[0].header("proxy-authorization"), None);

    let shown = [format!("{builder:?}"), format!("{client:?}"), format!("{client:#?}")];
    for text in &shown {
        assert!(!text.contains("Aladdin") && !text.contains("sesame") && !text.contains("QWxh"), "{text}");
    }
    let redacted = proxy.url_with_userinfo("<redacted>");
    assert!(shown[1].contains(&redacted), "{}", shown[1]);
}

#[tokio::test]
async fn a_proxy_that_refuses_the_tunnel_is_an_http_error_after_the_retries() {
    let server = TestServer::start(vec![thing_reply("th_1")]).await;
    for mode in [
        ProxyMode::Refuse("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\ncontent-length: 0\r\n\r\n"),
        ProxyMode::Refuse("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n"),
        ProxyMode::Refuse("garbage\r\n\r\n"),
        ProxyMode::Close,
    ] {
        let proxy = TestProxy::start(mode).await;
        let client = test_builder(&server).proxy(proxy.url_with_userinfo("alice:s3cret")).build().unwrap();
        let err = post("/v1/things").send(&client).await.unwrap_err();
        assert!(matches!(err, Error::Http(_)), "{mode:?}: {err:?}");
        assert_eq!(err.status(), None);
        let chain = error_chain(&err);
        assert!(!chain.contains("alice") && !chain.contains("s3cret") && !chain.contains("YWxpY2U6"), "{chain}");
        // The first attempt and two retries, each a new CONNECT.
        assert_eq!(proxy.connects().len(), 3, "{mode:?}");
    }
    assert!(server.requests().is_empty());

    // A proxy that cannot be reached: the OS's refusal is in the source chain.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = test_builder(&server).proxy(format!("http://127.0.0.1:{port}")).max_retries(0).build().unwrap();
    let err = get("/v1/things/th_1").send(&client).await.unwrap_err();
    let Error::Http(source) = &err else { panic!("{err:?}") };
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(source.as_ref());
    let mut refused = false;
    while let Some(e) = cause {
        refused |=
            e.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::ConnectionRefused);
        cause = e.source();
    }
    assert!(refused, "{source:?}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_proxy_that_never_answers_is_a_timeout() {
    let proxy = TestProxy::start(ProxyMode::Stall).await;
    let client =
        Client::builder(KEY).proxy(&proxy.url).timeout(Duration::from_millis(200)).max_retries(0).build().unwrap();
    let err = get("/v1/things/th_1").send(&client).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { timeout } if timeout == Duration::from_millis(200)), "{err:?}");
    assert_eq!(proxy.connects()[0].target, "api.stripe.com:443");
}

#[tokio::test]
async fn https_is_tls_to_the_target_inside_the_tunnel() {
    // The proxy resolves the name (nothing here looks up api.stripe.com) and sees
    // only a TLS ClientHello for it.
    let proxy = TestProxy::start(ProxyMode::Peek).await;
    let client = Client::builder(KEY).proxy(&proxy.url).max_retries(0).build().unwrap();
    let err = get("/v1/things/th_1").send(&client).await.unwrap_err();
    assert!(matches!(err, Error::Http(_)), "{err:?}");
    let connects = proxy.connects();
    assert_eq!(connects.len(), 1);
    assert_eq!(connects[0].request_line, "CONNECT api.stripe.com:443 HTTP/1.1");
    assert_eq!(connects[0].header("host"), Some("api.stripe.com:443"));
    let hello = &connects[0].first_bytes;
    // A TLS handshake record, with the server name (SNI) in it; nothing in the clear.
    assert_eq!(hello.first(), Some(&0x16), "{hello:?}");
    assert!(hello.windows(14).any(|w| w == b"api.stripe.com"), "{hello:?}");
    assert!(!hello.windows(9).any(|w| w == b"SECRET123"));

    // A plain http base URL without a port is tunnelled to port 80, and the request
    // inside is in origin form, as sent directly.
    let proxy = TestProxy::start(ProxyMode::Peek).await;
    let client = Client::builder(KEY).base_url("http://stripe.test").proxy(&proxy.url).max_retries(0).build().unwrap();
    let err = get("/v1/things/th_1").send(&client).await.unwrap_err();
    assert!(matches!(err, Error::Http(_)), "{err:?}");
    let connects = proxy.connects();
    assert_eq!(connects[0].request_line, "CONNECT stripe.test:80 HTTP/1.1");
    let request = String::from_utf8_lossy(&connects[0].first_bytes).into_owned();
    assert!(request.starts_with("GET /v1/things/th_1 HTTP/1.1\r\n"), "{request}");
    assert!(request.to_ascii_lowercase().contains("\r\nhost: stripe.test\r\n"), "{request}");
}

#[tokio::test]
async fn bad_proxy_urls_are_config_errors_and_send_nothing() {
    for bad in [
        "https://alice:s3cret@proxy.example:3128",
        "socks5://proxy.example:1080",
        "proxy.example:3128",
        "http://alice:s3cret@proxy.example:99999",
        "http://alice:s3cret@",
        "http://proxy.example/path",
    ] {
        let err = Client::builder(KEY).proxy(bad).build().unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{bad}: {err:?}");
        let text = format!("{err} {err:?}");
        assert!(!text.contains("s3cret") && !text.contains("alice"), "{text}");
    }
}

// ---- Secrets ----

#[tokio::test]
async fn the_api_key_never_appears_in_debug_or_display() {
    let mut shown = Vec::new();

    let builder = Client::builder(KEY).stripe_account("acct_1");
    shown.push(format!("{builder:?}"));
    let client = builder.build().unwrap();
    shown.push(format!("{client:?}"));
    shown.push(format!("{:?}", Client::new(KEY)));

    let options = RequestOptions::new().api_key(KEY).header("Authorization", format!("Bearer {KEY}"));
    shown.push(format!("{options:?}"));
    let request = post("/v1/things").options(options.clone());
    shown.push(format!("{request:?}"));
    let paginator = list_request(None).options(options).paginate(&client);
    shown.push(format!("{paginator:?}"));

    // Errors of every kind, including the HTTP stack's own.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let refused = Client::builder(KEY).base_url(format!("http://127.0.0.1:{port}")).max_retries(0).build().unwrap();
    let http = post("/v1/things").send(&refused).await.unwrap_err();
    assert!(matches!(http, Error::Http(_)));
    let server = TestServer::start(vec![
        thing_reply("slow").delay(Duration::from_secs(5)),
        Reply::error(401, "invalid_request_error", "api_key_invalid"),
        // A proxy that echoes the request, key and all.
        Reply::raw(502, "text/plain", format!("Authorization: Bearer {KEY}").as_bytes()),
    ])
    .await;
    let client = test_builder(&server).max_retries(0).timeout(Duration::from_millis(100)).build().unwrap();
    let timeout = get("/v1/things/th_1").send(&client).await.unwrap_err();
    assert!(matches!(timeout, Error::Timeout { .. }));
    let api = get("/v1/things/th_1").send(&client).await.unwrap_err();
    assert!(matches!(api, Error::Api { .. }));
    let decode = get("/v1/things/th_1").send(&client).await.unwrap_err();
    assert!(matches!(decode, Error::Decode { .. }));
    let config = Client::builder(format!("{KEY}\n")).build().unwrap_err();
    for err in [http, timeout, api, decode, config] {
        shown.push(format!("{err:?}"));
        shown.push(format!("{err}"));
        shown.push(format!("{err:#?}"));
        let mut source = std::error::Error::source(&err);
        while let Some(e) = source {
            shown.push(format!("{e} {e:?}"));
            source = e.source();
        }
    }

    for text in &shown {
        assert!(!text.contains("SECRET123"), "the key leaked: {text}");
    }
    // The redacted outputs still say something useful.
    assert!(shown[1].contains("<redacted>") && shown[1].contains("https://api.stripe.com"), "{}", shown[1]);
}

#[test]
fn requests_and_their_futures_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    let client = Client::new(KEY);
    let request = get("/v1/things/th_1");
    assert_send(&request);
    let future = request.send(&client);
    assert_send(&future);
    let future = list_request(None).collect_all(&client, 3);
    assert_send(&future);
}
