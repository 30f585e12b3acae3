//! Webhook signature verification (`stripe_runtime::webhook`): every error case
//! with its exact message, the header rules, tolerance edges, decoding errors
//! with field paths, and that the secret is never shown. The same rules are
//! checked against stripe-node's own verdicts in `tests/tests/webhook_oracle.rs`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use serde_json::Value;
use stripe_runtime::webhook::{
    construct_event, generate_test_header, Webhook, WebhookError, DEFAULT_TOLERANCE, SIGNATURE_HEADER,
};

const SECRET: &str = "whsec_test_5f3c2a1e9b7d4c6a8e0f1b2d3c4e5f60";
/// Signing time of most tests.
const T: i64 = 1_700_000_000;

const EVENT: &str = r#"{"id":"evt_123","object":"event","api_version":"2024-04-10","created":1700000000,"data":{"object":{"id":"vs_123","object":"identity.verification_session","status":"verified"}},"livemode":false,"pending_webhooks":0,"request":{"id":null,"idempotency_key":null},"type":"identity.verification_session.verified"}"#;

/// Verification at `T + 10` with the default tolerance.
fn webhook() -> Webhook {
    Webhook::new(SECRET).received_at(T + 10)
}

fn header(payload: &str) -> String {
    generate_test_header(payload.as_bytes(), SECRET, T)
}

/// The v1 signature of a header made by `generate_test_header`.
fn sig(header: &str) -> &str {
    header.split_once(",v1=").unwrap().1
}

fn check(webhook: &Webhook, payload: &[u8], header: &str) -> Result<Value, WebhookError> {
    let result = webhook.construct_event::<Value>(payload, header);
    if let Err(e) = &result {
        assert_message_rules(e);
    }
    result
}

/// One line, lowercase start, no secret (in `Display` or `Debug`).
fn assert_message_rules(e: &WebhookError) {
    let text = e.to_string();
    assert!(!text.contains('\n') && !text.contains('\r'), "not one line: {text:?}");
    assert!(text.starts_with(|c: char| c.is_ascii_lowercase()), "{text}");
    for shown in [text, format!("{e:?}")] {
        assert!(!shown.contains(SECRET) && !shown.contains("5f3c2a1e9b7d"), "{shown}");
    }
}

fn err(webhook: &Webhook, payload: &[u8], header: &str) -> WebhookError {
    match check(webhook, payload, header) {
        Ok(event) => panic!("verified: {event}"),
        Err(e) => e,
    }
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

// ---------------------------------------------------------------------------
// Accepted.

#[test]
fn constants() {
    assert_eq!(SIGNATURE_HEADER, "Stripe-Signature");
    assert_eq!(DEFAULT_TOLERANCE, Duration::from_secs(300));
}

#[test]
fn valid_header_verifies_and_decodes() {
    let event = check(&webhook(), EVENT.as_bytes(), &header(EVENT)).unwrap();
    assert_eq!(event["id"], "evt_123");
    assert_eq!(event["data"]["object"]["status"], "verified");
    assert!(webhook().verify(EVENT.as_bytes(), &header(EVENT)).is_ok());
}

#[test]
fn construct_event_uses_the_system_clock() {
    let header = generate_test_header(EVENT.as_bytes(), SECRET, now());
    let event: Value = construct_event(EVENT.as_bytes(), &header, SECRET).unwrap();
    assert_eq!(event["type"], "identity.verification_session.verified");
    // Signed an hour ago: outside the default tolerance.
    let old = generate_test_header(EVENT.as_bytes(), SECRET, now() - 3600);
    let e = construct_event::<Value>(EVENT.as_bytes(), &old, SECRET).unwrap_err();
    assert!(matches!(e, WebhookError::TimestampOutsideTolerance { tolerance, .. } if tolerance == DEFAULT_TOLERANCE));
}

#[test]
fn generate_test_header_matches_stripe_node() {
    // stripe-node 23.1.0: webhooks.generateTestHeaderString({payload: '{}', secret: 'whsec_test_secret', timestamp: 1700000000})
    assert_eq!(
        generate_test_header(b"{}", "whsec_test_secret", T),
        "t=1700000000,v1=ceb8863f7208fa249a6cd8f951e993c7563412aca65866f6272283debe143ab3"
    );
    let h = header(EVENT);
    assert!(h.starts_with("t=1700000000,v1="), "{h}");
    assert_eq!(sig(&h).len(), 64);
    assert!(sig(&h).bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)), "{h}");
    assert_eq!(generate_test_header(b"", SECRET, -5).split(',').next(), Some("t=-5"));
}

#[test]
fn rotated_secrets_any_v1_matches() {
    let old = generate_test_header(EVENT.as_bytes(), "whsec_old", T);
    let right = header(EVENT);
    for h in [
        format!("t={T},v1={},v1={}", sig(&old), sig(&right)),
        format!("t={T},v1={},v1={}", sig(&right), sig(&old)),
        format!("t={T},v1=deadbeef,v1={},v1=,v1", sig(&right)),
    ] {
        assert!(check(&webhook(), EVENT.as_bytes(), &h).is_ok(), "{h}");
    }
    let other = generate_test_header(EVENT.as_bytes(), "whsec_other", T);
    let h = format!("t={T},v1={},v1={}", sig(&old), sig(&other));
    assert!(matches!(err(&webhook(), EVENT.as_bytes(), &h), WebhookError::NoMatchingSignature));
}

#[test]
fn header_items_as_stripe_node_reads_them() {
    let s = sig(&header(EVENT)).to_owned();
    for h in [
        format!("t={T},v1={s},v0=0123"),
        format!("v1={s},x=y,t={T}"),
        format!("t={T},v1={s},"),
        format!(",,t={T},,v1={s}"),
        // The value ends at the next `=`.
        format!("t={T},v1={s}=x"),
        format!("t={T}=5,v1={s}"),
        // The last `t` counts.
        format!("t=1600000000,t={T},v1={s}"),
        // The timestamp is signed as the integer it is.
        format!("t=0{T},v1={s}"),
        format!("t=+{T},v1={s}"),
    ] {
        assert!(check(&webhook(), EVENT.as_bytes(), &h).is_ok(), "{h}");
    }
    for h in [format!("t={T},t=1600000000,v1={s}"), format!("t={},v1={s}", T + 1)] {
        assert!(matches!(err(&webhook(), EVENT.as_bytes(), &h), WebhookError::NoMatchingSignature), "{h}");
    }
}

#[test]
fn verify_does_not_look_at_the_payload() {
    let payload = b"\xff not json";
    let h = generate_test_header(payload, SECRET, T);
    assert!(webhook().verify(payload, &h).is_ok());
}

#[test]
fn unicode_payload_and_secret() {
    let payload =
        r#"{"id":"evt_ü","object":"event","data":{"object":{"name":"Zoë 東京 😀","rtl":"مرحبا","esc":"\u2028"}}}"#;
    let event = check(&webhook(), payload.as_bytes(), &header(payload)).unwrap();
    assert_eq!(event["data"]["object"]["name"], "Zoë 東京 😀");

    let secret = "whsec_clé_東京_😀";
    let h = generate_test_header(EVENT.as_bytes(), secret, T);
    assert!(Webhook::new(secret).received_at(T).verify(EVENT.as_bytes(), &h).is_ok());
    assert!(matches!(
        Webhook::new("whsec_cle_東京_😀").received_at(T).verify(EVENT.as_bytes(), &h),
        Err(WebhookError::NoMatchingSignature)
    ));
}

// ---------------------------------------------------------------------------
// Tolerance.

#[test]
fn tolerance_edges() {
    let h = header(EVENT);
    let at = |now: i64| Webhook::new(SECRET).received_at(now);
    assert!(check(&at(T + 300), EVENT.as_bytes(), &h).is_ok(), "exactly at the tolerance");
    let e = err(&at(T + 301), EVENT.as_bytes(), &h);
    assert!(
        matches!(e, WebhookError::TimestampOutsideTolerance { timestamp: T, now, tolerance } if now == T + 301 && tolerance == DEFAULT_TOLERANCE)
    );
    assert_eq!(
        e.to_string(),
        "timestamp outside the tolerance: signed at 1700000000, 301 s before now (1700000301), tolerance 300s"
    );
}

#[test]
fn custom_tolerance() {
    let h = header(EVENT);
    let minute = |now: i64| Webhook::new(SECRET).tolerance(Duration::from_secs(60)).received_at(now);
    assert!(check(&minute(T + 60), EVENT.as_bytes(), &h).is_ok());
    assert_eq!(
        err(&minute(T + 61), EVENT.as_bytes(), &h).to_string(),
        "timestamp outside the tolerance: signed at 1700000000, 61 s before now (1700000061), tolerance 60s"
    );
    let day = Webhook::new(SECRET).tolerance(Duration::from_secs(86_400)).received_at(T + 3600);
    assert!(check(&day, EVENT.as_bytes(), &h).is_ok());

    // Compared in whole seconds: an age of 60 s is within 60.5 s, 61 s is not.
    let half = |now: i64| Webhook::new(SECRET).tolerance(Duration::from_millis(60_500)).received_at(now);
    assert!(check(&half(T + 60), EVENT.as_bytes(), &h).is_ok());
    assert!(matches!(err(&half(T + 61), EVENT.as_bytes(), &h), WebhookError::TimestampOutsideTolerance { .. }));
    // A tolerance under a second is still a check.
    let tiny = Webhook::new(SECRET).tolerance(Duration::from_millis(1));
    assert!(check(&tiny.clone().received_at(T), EVENT.as_bytes(), &h).is_ok());
    assert!(matches!(
        err(&tiny.received_at(T + 1), EVENT.as_bytes(), &h),
        WebhookError::TimestampOutsideTolerance { .. }
    ));
}

#[test]
fn zero_tolerance_turns_the_check_off() {
    let h = header(EVENT);
    let never = Webhook::new(SECRET).tolerance(Duration::ZERO);
    for now in [T + 10 * 365 * 86_400, i64::MAX, T, i64::MIN] {
        assert!(check(&never.clone().received_at(now), EVENT.as_bytes(), &h).is_ok(), "{now}");
    }
}

#[test]
fn future_timestamps_pass() {
    // stripe-node only refuses an age above the tolerance; a negative age never is.
    for t in [T + 301, T + 3600, 4_102_444_800, i64::MAX] {
        let h = generate_test_header(EVENT.as_bytes(), SECRET, t);
        assert!(check(&Webhook::new(SECRET).received_at(T), EVENT.as_bytes(), &h).is_ok(), "{t}");
    }
}

#[test]
fn extreme_times_do_not_overflow() {
    let h = generate_test_header(EVENT.as_bytes(), SECRET, i64::MIN);
    let e = err(&Webhook::new(SECRET).received_at(i64::MAX), EVENT.as_bytes(), &h);
    assert_eq!(
        e.to_string(),
        "timestamp outside the tolerance: signed at -9223372036854775808, 18446744073709551615 s before now \
         (9223372036854775807), tolerance 300s"
    );
    let huge = Webhook::new(SECRET).tolerance(Duration::MAX).received_at(i64::MAX);
    assert!(check(&huge, EVENT.as_bytes(), &h).is_ok());
    let h = generate_test_header(EVENT.as_bytes(), SECRET, i64::MAX);
    assert!(check(&Webhook::new(SECRET).received_at(i64::MIN), EVENT.as_bytes(), &h).is_ok());
}

// ---------------------------------------------------------------------------
// Refused: every error, exactly.

#[test]
fn no_header() {
    for h in ["", " ", " \t\r\n "] {
        let e = err(&webhook(), EVENT.as_bytes(), h);
        assert!(matches!(e, WebhookError::NoHeader), "{h:?}");
        assert_eq!(e.to_string(), "no Stripe-Signature header (the value is empty)");
    }
}

#[test]
fn malformed_header() {
    let s = sig(&header(EVENT)).to_owned();
    let no_t = "malformed Stripe-Signature header: no t= timestamp";
    let not_int = "malformed Stripe-Signature header: the t= timestamp is not an integer";
    for (h, message) in [
        ("garbage".to_owned(), no_t),
        (",,,===,".to_owned(), no_t),
        (format!("v1={s}"), no_t),
        (format!(" t={T},v1={s}"), no_t),
        (format!("T={T},v1={s}"), no_t),
        ("\u{0}é😀=t,t\u{0}=1".to_owned(), no_t),
        (format!("t=abc,v1={s}"), not_int),
        (format!("t={T}abc,v1={s}"), not_int),
        (format!("t= {T},v1={s}"), not_int),
        (format!("t=,v1={s}"), not_int),
        (format!("t,v1={s}"), not_int),
        (format!("t=1e9,v1={s}"), not_int),
        (format!("t=99999999999999999999,v1={s}"), not_int),
        (format!("t=-,v1={s}"), not_int),
        (format!("t=１７,v1={s}"), not_int),
        // A bad `t` is an error even when another one is fine.
        (format!("t={T},t=x,v1={s}"), not_int),
    ] {
        let e = err(&webhook(), EVENT.as_bytes(), &h);
        assert!(matches!(e, WebhookError::MalformedHeader { .. }), "{h:?}: {e:?}");
        assert_eq!(e.to_string(), message, "{h:?}");
    }
}

#[test]
fn no_v1_signature() {
    let s = sig(&header(EVENT)).to_owned();
    for h in [format!("t={T}"), format!("t={T},v0={s}"), format!("t={T}, v1={s}"), format!("t={T},V1={s},v2={s}")] {
        let e = err(&webhook(), EVENT.as_bytes(), &h);
        assert!(matches!(e, WebhookError::NoV1Signature), "{h}: {e:?}");
        assert_eq!(e.to_string(), "the Stripe-Signature header has no v1 signature");
    }
}

#[test]
fn no_secret() {
    for secret in ["", " ", "\t\r\n\u{b}\u{c} "] {
        let h = generate_test_header(EVENT.as_bytes(), secret, T);
        let e = err(&Webhook::new(secret).received_at(T), EVENT.as_bytes(), &h);
        assert!(matches!(e, WebhookError::NoSecret), "{secret:?}");
        assert_eq!(e.to_string(), "the webhook secret is empty or blank (endpoint secrets start with `whsec_`)");
    }
    // Header problems are reported first, as stripe-node does.
    assert!(matches!(err(&Webhook::new(""), EVENT.as_bytes(), ""), WebhookError::NoHeader));
}

#[test]
fn no_matching_signature() {
    let h = header(EVENT);
    let s = sig(&h).to_owned();
    let tampered = EVENT.replace("verified\"}}", "canceled\"}}");
    let wrong_secret = generate_test_header(EVENT.as_bytes(), "whsec_other", T);
    let reencoded = serde_json::to_string_pretty(&serde_json::from_str::<Value>(EVENT).unwrap()).unwrap();
    let cases: Vec<(Webhook, &[u8], String)> = vec![
        (webhook(), tampered.as_bytes(), h.clone()),
        (webhook(), reencoded.as_bytes(), h.clone()),
        (webhook(), EVENT.as_bytes(), wrong_secret),
        (Webhook::new(format!("{SECRET}\n")).received_at(T), EVENT.as_bytes(), h.clone()),
        (webhook(), EVENT.as_bytes(), format!("t={T},v1={}", s.to_uppercase())),
        (webhook(), EVENT.as_bytes(), format!("t={T},v1={}", &s[..62])),
        (webhook(), EVENT.as_bytes(), format!("t={T},v1={s}0")),
        (webhook(), EVENT.as_bytes(), format!("t={T},v1= {s}")),
        (webhook(), EVENT.as_bytes(), format!("t={T},v1={}", "zz".repeat(32))),
        (webhook(), EVENT.as_bytes(), format!("t={T},v1={}", "é".repeat(32))),
        (webhook(), EVENT.as_bytes(), format!("t={T},v1=")),
        (webhook(), EVENT.as_bytes(), format!("t={T},v1")),
        (webhook(), EVENT.as_bytes(), format!("t={T},v0={s},v1=00")),
        // Signature is checked before the timestamp.
        (Webhook::new("whsec_other").received_at(T + 3600), EVENT.as_bytes(), h.clone()),
    ];
    for (webhook, payload, h) in cases {
        let e = err(&webhook, payload, &h);
        assert!(matches!(e, WebhookError::NoMatchingSignature), "{h}: {e:?}");
        assert_eq!(
            e.to_string(),
            "no v1 signature in the Stripe-Signature header matches the payload (verify the raw request body with \
             this endpoint's secret)"
        );
    }
}

#[test]
fn payload_not_utf8() {
    // Signed over the raw bytes: verifies, then is refused (stripe-node would decode it lossily).
    let payload = b"{\"id\":\"evt_1\",\"object\":\"event\",\"note\":\"caf\xe9\"}";
    let h = generate_test_header(payload, SECRET, T);
    let e = err(&webhook(), payload, &h);
    assert!(matches!(e, WebhookError::PayloadNotUtf8 { valid_up_to: 42 }), "{e:?}");
    assert_eq!(e.to_string(), "webhook payload is not UTF-8 (invalid byte at offset 42)");
}

#[test]
fn payload_not_json() {
    for (payload, message) in [
        ("", "webhook payload is not JSON: EOF while parsing a value at line 1 column 0"),
        ("<html>502</html>", "webhook payload is not JSON: expected value at line 1 column 1"),
        (
            r#"{"id":"evt_1","object":"event""#,
            "webhook payload is not JSON: EOF while parsing an object at line 1 column 30",
        ),
        ("{\"object\":\"event\"}\n{}", "webhook payload is not JSON: trailing characters at line 2 column 1"),
    ] {
        let e = err(&webhook(), payload.as_bytes(), &header(payload));
        assert!(matches!(e, WebhookError::PayloadNotJson(_)), "{payload:?}: {e:?}");
        assert_eq!(e.to_string(), message, "{payload:?}");
    }
}

#[test]
fn not_an_event() {
    let prefix = r#"webhook payload is not a Stripe event: expected a JSON object with "object": "event", found "#;
    for (payload, found) in [
        ("[1,2]", "an array"),
        ("null", "null"),
        ("\"event\"", "a string"),
        ("17", "a number"),
        ("true", "a boolean"),
        ("{}", r#"an object without "object""#),
        (r#"{"id":"ch_1","object":"charge"}"#, r#""object": "charge""#),
        (r#"{"object":"Event"}"#, r#""object": "Event""#),
        (r#"{"object":"v2.core.event","id":"evt_1"}"#, r#""object": "v2.core.event""#),
        (r#"{"object":5}"#, r#""object": a number"#),
        (r#"{"object":null}"#, r#""object": null"#),
        (r#"{"object":"line\nbreak"}"#, r#""object": "line\nbreak""#),
    ] {
        let e = err(&webhook(), payload.as_bytes(), &header(payload));
        assert!(matches!(&e, WebhookError::NotAnEvent { found: f } if f == found), "{payload}: {e:?}");
        assert_eq!(e.to_string(), format!("{prefix}{found}"));
    }
    let long = format!(r#"{{"object":"{}"}}"#, "x".repeat(100));
    let e = err(&webhook(), long.as_bytes(), &header(&long));
    assert_eq!(e.to_string(), format!("{prefix}\"object\": \"{}\"...", "x".repeat(64)));
}

#[derive(Debug, Deserialize)]
struct Event {
    id: String,
    data: EventData,
}

#[derive(Debug, Deserialize)]
struct EventData {
    object: Session,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Session {
    status: Status,
    #[serde(default)]
    metadata: std::collections::BTreeMap<String, u32>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
enum Status {
    Verified,
    Canceled,
}

#[test]
fn decodes_into_a_type() {
    let event: Event = webhook().construct_event(EVENT.as_bytes(), &header(EVENT)).unwrap();
    assert_eq!(event.id, "evt_123");
    assert_eq!(event.data.object.status, Status::Verified);
}

#[test]
fn decode_errors_name_the_field() {
    let decode = |payload: &str| -> WebhookError {
        let e = webhook().construct_event::<Event>(payload.as_bytes(), &header(payload)).unwrap_err();
        assert_message_rules(&e);
        e
    };
    let payload = EVENT.replace(r#""status":"verified""#, r#""status":"bogus""#);
    let e = decode(&payload);
    assert!(matches!(&e, WebhookError::Decode { path, .. } if path == "data.object.status"), "{e:?}");
    assert_eq!(
        e.to_string(),
        "event does not decode: data.object.status: unknown variant `bogus`, expected `verified` or `canceled` \
         at line 1 column 170"
    );

    let e =
        decode(r#"{"object":"event","data":{"object":{"status":"verified","metadata":{"a\nb":"x"}}},"id":"evt_1"}"#);
    assert!(matches!(&e, WebhookError::Decode { path, .. } if path == "data.object.metadata.a\nb"), "{e:?}");
    assert_eq!(
        e.to_string(),
        r#"event does not decode: data.object.metadata.a\nb: invalid type: string "x", expected u32 at line 1 column 78"#
    );

    // At the top, no path.
    let e = decode(r#"{"object":"event","data":{"object":{"status":"canceled"}}}"#);
    assert!(matches!(&e, WebhookError::Decode { path, .. } if path == "."), "{e:?}");
    assert_eq!(e.to_string(), "event does not decode: missing field `id` at line 1 column 58");
}

// ---------------------------------------------------------------------------
// The secret stays secret.

#[test]
fn debug_never_shows_the_secret() {
    let webhook = Webhook::new(SECRET).tolerance(Duration::from_secs(60)).received_at(T);
    let debug = format!("{webhook:?}");
    assert_eq!(debug, r#"Webhook { secret: "<redacted>", tolerance: 60s, received_at: Some(1700000000) }"#);
    assert!(!format!("{webhook:#?}").contains("whsec_"));
}

#[test]
fn errors_are_send_sync_and_static() {
    fn assert_error<E: std::error::Error + Send + Sync + 'static>() {}
    assert_error::<WebhookError>();
}
