//! Runs the webhook endpoint of `examples/webhook.rs` on loopback and posts signed
//! (and badly signed) events to it over HTTP: what it answers, what it prints, and
//! that it keeps serving after bad requests.

#[path = "../examples/webhook.rs"]
#[allow(dead_code)]
mod example;

use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::{handshake, SendRequest};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use stripe_api::webhook::{generate_test_header, Webhook};
use tokio::net::{TcpListener, TcpStream};

const SECRET: &str = "whsec_example_secret";

/// The endpoint, serving on an ephemeral port, and the lines it printed.
struct Endpoint {
    address: std::net::SocketAddr,
    printed: Arc<Mutex<Vec<String>>>,
}

impl Endpoint {
    async fn start() -> Endpoint {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let printed = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&printed);
        tokio::spawn(example::serve(listener, Webhook::new(SECRET), move |line| sink.lock().unwrap().push(line)));
        Endpoint { address, printed }
    }

    async fn connect(&self) -> SendRequest<Full<Bytes>> {
        let stream = TcpStream::connect(self.address).await.unwrap();
        let (sender, connection) = handshake(TokioIo::new(stream)).await.unwrap();
        tokio::spawn(connection);
        sender
    }

    fn take_printed(&self) -> Vec<String> {
        std::mem::take(&mut *self.printed.lock().unwrap())
    }
}

/// Sends one request and returns the status and the body.
async fn send(
    sender: &mut SendRequest<Full<Bytes>>,
    method: &str,
    path: &str,
    signature: Option<&str>,
    body: &[u8],
) -> (u16, String) {
    let mut request = hyper::Request::builder().method(method).uri(path).header("host", "localhost");
    if let Some(signature) = signature {
        request = request.header("Stripe-Signature", signature);
    }
    let request = request.body(Full::new(Bytes::copy_from_slice(body))).unwrap();
    sender.ready().await.unwrap();
    let response = sender.send_request(request).await.unwrap();
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

/// An event as Stripe sends it, carrying `object`.
fn event(event_type: &str, object: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "id": "evt_1PgcExample",
        "object": "event",
        "account": "acct_123",
        "api_version": "2024-04-10",
        "created": 1_712_000_000,
        "data": {"object": object},
        "livemode": false,
        "pending_webhooks": 1,
        "request": {"id": null, "idempotency_key": null},
        "type": event_type,
    }))
    .unwrap()
}

fn session(id: &str, status: &str) -> Value {
    json!({
        "id": id,
        "object": "identity.verification_session",
        "client_reference_id": null,
        "client_secret": null,
        "created": 1_712_000_000,
        "last_error": null,
        "last_verification_report": "vr_123",
        "livemode": false,
        "metadata": {"order_id": "6735"},
        "options": {"document": {"require_matching_selfie": true}},
        "redaction": null,
        "status": status,
        "type": "document",
        "url": null,
    })
}

#[tokio::test]
async fn accepts_signed_events_and_prints_type_and_object_id() {
    let endpoint = Endpoint::start().await;
    let mut sender = endpoint.connect().await;
    let verified = event("identity.verification_session.verified", session("vs_123", "verified"));
    let header = generate_test_header(&verified, SECRET, now());
    assert_eq!(send(&mut sender, "POST", "/webhook", Some(&header), &verified).await, (200, "ok\n".into()));

    // An event type and an object this crate does not know are accepted and printed too.
    let charge = event("charge.succeeded", json!({"id": "ch_123", "object": "charge", "amount": 2000}));
    let header = generate_test_header(&charge, SECRET, now());
    assert_eq!(send(&mut sender, "POST", "/webhook", Some(&header), &charge).await, (200, "ok\n".into()));
    let newer = event("identity.verification_session.reviewed", session("vs_456", "requires_review"));
    let header = generate_test_header(&newer, SECRET, now());
    assert_eq!(send(&mut sender, "POST", "/webhook", Some(&header), &newer).await, (200, "ok\n".into()));

    assert_eq!(
        endpoint.take_printed(),
        [
            "identity.verification_session.verified vs_123",
            "charge.succeeded ch_123",
            "identity.verification_session.reviewed vs_456",
        ]
    );
}

#[tokio::test]
async fn refuses_anything_else_with_a_one_line_reason_and_keeps_serving() {
    let endpoint = Endpoint::start().await;
    let mut sender = endpoint.connect().await;
    let payload = event("identity.verification_session.verified", session("vs_123", "verified"));
    let header = generate_test_header(&payload, SECRET, now());
    let stale = generate_test_header(&payload, SECRET, now() - 3600);
    let other_secret = generate_test_header(&payload, "whsec_other", now());
    let tampered = String::from_utf8(payload.clone()).unwrap().replace("vs_123", "vs_999");
    let not_json = b"status=verified".to_vec();
    let not_json_header = generate_test_header(&not_json, SECRET, now());
    // A selected object that does not decode is refused, naming the field.
    let mut broken = session("vs_123", "verified");
    broken["livemode"] = json!("no");
    let broken = event("identity.verification_session.verified", broken);
    let broken_header = generate_test_header(&broken, SECRET, now());

    // Method, path, signature, body; the status and part of the reason it must give.
    type Case<'a> = (&'a str, &'a str, Option<&'a str>, &'a [u8], u16, &'a str);
    let cases: [Case<'_>; 9] = [
        ("POST", "/webhook", None, &payload, 400, "no Stripe-Signature"),
        ("POST", "/webhook", Some("garbage"), &payload, 400, "malformed"),
        ("POST", "/webhook", Some(&other_secret), &payload, 400, "matches the payload"),
        ("POST", "/webhook", Some(&header), tampered.as_bytes(), 400, "matches the payload"),
        ("POST", "/webhook", Some(&stale), &payload, 400, "tolerance"),
        ("POST", "/webhook", Some(&not_json_header), &not_json, 400, "JSON"),
        (
            "POST",
            "/webhook",
            Some(&broken_header),
            &broken,
            400,
            "`identity.verification_session` object at `livemode`",
        ),
        ("GET", "/webhook", None, b"", 400, "POST"),
        ("POST", "/other", Some(&header), &payload, 404, "not found"),
    ];
    for (method, path, signature, body, status, reason) in cases {
        let (got, text) = send(&mut sender, method, path, signature, body).await;
        assert_eq!(got, status, "{method} {path} {signature:?}: {text}");
        assert!(text.contains(reason), "{method} {path} {signature:?}: {text:?} should say {reason:?}");
        assert!(text.ends_with('\n') && text.lines().count() == 1, "one line: {text:?}");
        assert!(!text.contains(SECRET), "{text}");
    }
    assert_eq!(endpoint.take_printed(), Vec::<String>::new(), "nothing refused is printed");

    // Still serving, on the same connection and on a new one.
    assert_eq!(send(&mut sender, "POST", "/webhook", Some(&header), &payload).await.0, 200);
    let mut fresh = endpoint.connect().await;
    assert_eq!(send(&mut fresh, "POST", "/webhook", Some(&header), &payload).await.0, 200);
    assert_eq!(endpoint.take_printed().len(), 2);
}

#[test]
fn handle_is_what_the_server_answers() {
    // Without a server: the same function the endpoint calls.
    let webhook = Webhook::new(SECRET).received_at(1_712_000_100);
    let payload = event("identity.verification_session.verified", session("vs_1", "verified"));
    let header = generate_test_header(&payload, SECRET, 1_712_000_000);
    let (status, line) = example::handle(&webhook, &hyper::Method::POST, example::WEBHOOK_PATH, &header, &payload);
    assert_eq!((status.as_u16(), line.as_str()), (200, "identity.verification_session.verified vs_1"));
    let (status, _) =
        example::handle(&webhook.received_at(1_712_000_301), &hyper::Method::POST, "/webhook", &header, &payload);
    assert_eq!(status.as_u16(), 400);
}
