//! The `X-Stripe-Client-Telemetry` header against Stripe's official Node SDK
//! (stripe-node 23.1.0).
//!
//! `tests/oracle/telemetry_expected.json` records the header the SDK sent on each
//! request of a fixed sequence (three GETs; the second answered 500, retried, then
//! 200), with telemetry on and off, the measured duration replaced by
//! `{duration}` (regenerated and checked in CI by `node tests/oracle/telemetry.mjs
//! --check`). Here the same sequence goes through the runtime's client against a
//! loopback server, and its headers, normalised the same way, must be the same.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use stripe_runtime::{ApiSpec, Client, Method, ParamsIn, Request};
use stripe_test_support::{Reply, TestServer};

static SPEC: ApiSpec = ApiSpec { api_version: "2024-04-10", user_agent: "stripe-api/0.1.0" };

/// The oracle's server answers, in order (status, `Request-Id`).
const ANSWERS: [(u16, &str); 4] = [(200, "req_1"), (500, "req_2a"), (200, "req_2b"), (200, "req_3")];

/// `header` with its whole-number `request_duration_ms` replaced by `{duration}`.
fn normalise(header: Option<&str>) -> Value {
    let Some(header) = header else { return Value::Null };
    let parsed: Value = serde_json::from_str(header).unwrap_or_else(|e| panic!("{header}: {e}"));
    let duration = parsed["last_request_metrics"]["request_duration_ms"].as_u64().unwrap_or_else(|| panic!("{header}"));
    Value::String(header.replace(&format!("\"request_duration_ms\":{duration}"), "\"request_duration_ms\":{duration}"))
}

async fn sequence(telemetry: bool) -> Vec<Value> {
    let replies = ANSWERS
        .iter()
        .map(|&(status, request_id)| {
            match status {
                200 => Reply::json(200, r#"{"id":"cus_1","object":"customer"}"#),
                _ => Reply::json(status, r#"{"error":{"type":"api_error","message":"boom"}}"#),
            }
            .header("request-id", request_id)
        })
        .collect();
    let server = TestServer::start(replies).await;
    let client = Client::builder("sk_test_oracle")
        .base_url(&server.url)
        .max_retries(1)
        .retry_base_delay(Duration::from_millis(1))
        .telemetry(telemetry)
        .build()
        .unwrap();
    for _ in 0..3 {
        let request: Request<Value> =
            Request::new(&SPEC, Method::Get, "/v1/customers/cus_1".into(), ParamsIn::Query, &serde_json::json!({}));
        request.send(&client).await.unwrap();
    }
    server.requests().iter().map(|r| normalise(r.header("x-stripe-client-telemetry"))).collect()
}

#[tokio::test]
async fn telemetry_headers_match_stripe_node() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("oracle/telemetry_expected.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let expected: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(Value::Array(sequence(true).await), expected["telemetry_on"]);
    assert_eq!(Value::Array(sequence(false).await), expected["telemetry_off"]);
}
