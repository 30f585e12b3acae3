//! Fuzzing webhook verification with proptest: the header parser and
//! `construct_event` never panic, whatever the header, payload, secret, clock and
//! tolerance; every error is one line starting in lowercase without the secret;
//! `generate_test_header` always verifies, and any change to one byte of the
//! payload makes it fail.
//!
//! By default each test runs 256 cases from a fixed seed, so `cargo test` is
//! quick and repeatable. For a long run with fresh random seeds:
//!
//! ```sh
//! FUZZ_CASES=200000 cargo test --release -p stripe-runtime --test webhook_fuzz -- --nocapture
//! ```
//!
//! Each test prints how many cases it ran and for how long. A failing input is
//! shrunk and printed (nothing is written to disk).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use serde::Deserialize;
use serde_json::Value;
use stripe_runtime::webhook::{generate_test_header, Webhook, WebhookError};

// ---------------------------------------------------------------------------
// Running.

/// `FUZZ_CASES=N`: N cases per test from a random seed; otherwise 256 from a fixed one.
fn config() -> Config {
    let long = std::env::var("FUZZ_CASES").ok().map(|n| n.parse::<u32>().expect("FUZZ_CASES: a number of cases"));
    Config {
        cases: long.unwrap_or(256),
        rng_seed: if long.is_some() { RngSeed::Random } else { RngSeed::Fixed(0x5eed_7e57_0b00_c0de) },
        failure_persistence: None,
        ..Config::default()
    }
}

/// Runs `test` on the cases of `strategy`; `test` gets a tally of the verdicts
/// of `construct_event` (printed at the end, to see what the inputs reach).
fn run<S: Strategy>(name: &str, strategy: S, test: impl Fn(S::Value, &mut Tally) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let config = config();
    let cases = config.cases;
    let started = Instant::now();
    let tally = RefCell::new(Tally::new());
    let mut runner = TestRunner::new(config);
    if let Err(e) = runner.run(&strategy, |value| test(value, &mut tally.borrow_mut())) {
        panic!("{name}: {e}");
    }
    let tally: Vec<String> = tally.into_inner().iter().map(|(verdict, n)| format!("{verdict} {n}")).collect();
    eprintln!("{name}: {cases} cases in {:.1?} (runs, shrinking included: {})", started.elapsed(), tally.join(", "));
}

/// How many times each verdict was seen.
type Tally = BTreeMap<&'static str, u64>;

fn verdict<T>(result: &Result<T, WebhookError>) -> &'static str {
    match result {
        Ok(_) => "Ok",
        Err(WebhookError::NoHeader) => "NoHeader",
        Err(WebhookError::MalformedHeader { .. }) => "MalformedHeader",
        Err(WebhookError::NoV1Signature) => "NoV1Signature",
        Err(WebhookError::NoSecret) => "NoSecret",
        Err(WebhookError::NoMatchingSignature) => "NoMatchingSignature",
        Err(WebhookError::TimestampOutsideTolerance { .. }) => "TimestampOutsideTolerance",
        Err(WebhookError::PayloadNotUtf8 { .. }) => "PayloadNotUtf8",
        Err(WebhookError::PayloadNotJson(_)) => "PayloadNotJson",
        Err(WebhookError::NotAnEvent { .. }) => "NotAnEvent",
        Err(WebhookError::Decode { .. }) => "Decode",
        Err(_) => "other",
    }
}

// ---------------------------------------------------------------------------
// Inputs.

/// The secret's random part, which no message may show.
fn secret() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => "[A-Za-z0-9]{24,32}".prop_map(|s| format!("whsec_{s}")),
        1 => "\\PC{8,40}",
    ]
}

/// Any secret at all, blank ones included.
fn any_secret() -> impl Strategy<Value = String> {
    prop_oneof![3 => secret(), 1 => any::<String>(), 1 => "[ \t\r\n]{0,3}"]
}

fn json_fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just(":".to_owned()),
        Just(",".to_owned()),
        Just(r#""object":"event""#.to_owned()),
        Just(r#""object":"#.to_owned()),
        Just(r#""id":"evt_1""#.to_owned()),
        Just(r#""data":{"object":{"status":"verified"}}"#.to_owned()),
        Just(r#""status":"#.to_owned()),
        Just(r#""verified""#.to_owned()),
        Just("null".to_owned()),
        Just("1e400".to_owned()),
        Just("-0".to_owned()),
        Just("18446744073709551616".to_owned()),
        Just(r#""\ud800""#.to_owned()),
        Just("\"\u{2028}\n\"".to_owned()),
        any::<i64>().prop_map(|n| n.to_string()),
        "\\PC{0,8}".prop_map(|s| serde_json::to_string(&s).unwrap()),
        "[ \t\r\n]{1,2}",
    ]
}

/// Any JSON value, with the keys of events more often than not.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "\\PC{0,10}".prop_map(Value::from),
        prop_oneof![Just("event"), Just("verified"), Just("canceled"), Just("v2.core.event")].prop_map(Value::from),
    ];
    let key = prop_oneof![
        4 => prop_oneof![Just("object"), Just("id"), Just("data"), Just("status"), Just("created")].prop_map(String::from),
        1 => "\\PC{0,6}",
    ];
    leaf.prop_recursive(5, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// Payload bytes: anything, event-like JSON, or JSON-ish fragments.
fn payload() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        2 => proptest::collection::vec(any::<u8>(), 0..600),
        2 => proptest::collection::vec(json_fragment(), 0..24).prop_map(|parts| parts.concat().into_bytes()),
        2 => (json_value(), any::<bool>()).prop_map(|(mut value, event)| {
            if let (Value::Object(map), true) = (&mut value, event) {
                map.insert("object".into(), "event".into());
            }
            value.to_string().into_bytes()
        }),
        1 => ("\\PC{0,12}", prop_oneof!["\\PC{0,12}", Just("verified".to_owned())], any::<i64>()).prop_map(|(id, status, n)| {
            serde_json::json!({
                "id": id, "object": "event", "created": n, "type": "identity.verification_session.verified",
                "data": {"object": {"status": status, "n": n}},
            })
            .to_string()
            .into_bytes()
        }),
    ]
}

fn timestamp() -> impl Strategy<Value = i64> {
    prop_oneof![4 => 1_500_000_000i64..2_100_000_000, 1 => any::<i64>(), 1 => Just(i64::MIN), 1 => Just(i64::MAX)]
}

fn tolerance() -> impl Strategy<Value = Option<Duration>> {
    prop_oneof![
        2 => Just(None),
        1 => Just(Some(Duration::ZERO)),
        2 => (0u64..1000).prop_map(|s| Some(Duration::from_secs(s))),
        1 => (any::<u64>(), 0u32..1_000_000_000).prop_map(|(s, n)| Some(Duration::new(s, n))),
    ]
}

fn webhook(secret: &str, now: i64, tolerance: Option<Duration>) -> Webhook {
    let webhook = Webhook::new(secret).received_at(now);
    match tolerance {
        Some(t) => webhook.tolerance(t),
        None => webhook,
    }
}

/// A header built from the pieces Stripe's headers are made of (and junk): `t=`,
/// `v1=`, `v0=`, commas, `=`, numbers, the right signature, hex, spaces. Half
/// are mostly items joined with commas (mostly well-formed), or else loose pieces.
fn header_from_pieces(right_t: i64, right_sig: String) -> impl Strategy<Value = String> {
    let value = prop_oneof![
        4 => Just(right_sig.clone()),
        1 => Just(right_sig.to_uppercase()),
        1 => Just(right_sig[..63].to_owned()),
        1 => Just(format!("{right_sig}0")),
        2 => "[0-9a-f]{64}",
        1 => "[0-9a-fA-F]{0,70}",
        1 => "\\PC{0,6}",
        1 => Just(String::new()),
    ];
    let timestamp = prop_oneof![
        24 => Just(right_t.to_string()),
        1 => Just(format!("0{right_t}")),
        1 => Just(format!("+{right_t}")),
        1 => Just(format!(" {right_t}")),
        1 => Just(right_t.wrapping_add(1).to_string()),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => Just("99999999999999999999".to_owned()),
        1 => "[0-9+-]{0,3}",
    ];
    let item = prop_oneof![
        10 => timestamp.clone().prop_map(|t| format!("t={t}")),
        10 => value.clone().prop_map(|v| format!("v1={v}")),
        1 => value.clone().prop_map(|v| format!("v0={v}")),
        1 => (value.clone(), "\\PC{0,4}").prop_map(|(v, extra)| format!("v1={v}={extra}")),
        1 => Just("t".to_owned()),
        1 => Just("v1".to_owned()),
        1 => Just(String::new()),
        1 => "[a-z0-9 ]{0,3}=\\PC{0,5}",
        1 => value.clone().prop_map(|v| format!(" v1={v}")),
    ];
    let piece = prop_oneof![
        Just("t=".to_owned()),
        Just("v1=".to_owned()),
        Just("v0=".to_owned()),
        Just(",".to_owned()),
        Just("=".to_owned()),
        Just(" ".to_owned()),
        timestamp,
        value,
        any::<char>().prop_map(String::from),
    ];
    prop_oneof![
        3 => proptest::collection::vec(item, 0..8).prop_map(|items| items.join(",")),
        1 => proptest::collection::vec(piece, 0..14).prop_map(|pieces| pieces.concat()),
    ]
}

// ---------------------------------------------------------------------------
// Properties.

/// The rules every error follows.
fn check_error(e: &WebhookError, secret: &str, payload: &[u8], header: &str) -> Result<(), TestCaseError> {
    let text = e.to_string();
    prop_assert!(!text.contains('\n') && !text.contains('\r'), "not one line: {text:?}");
    prop_assert!(text.starts_with(|c: char| c.is_ascii_lowercase()), "{text}");
    // A `whsec_` secret's random part never shows (unless the payload or header
    // holds it: messages quote the payload's field names and values).
    let hidden = secret.strip_prefix("whsec_").unwrap_or("");
    if hidden.len() >= 24 && !String::from_utf8_lossy(payload).contains(hidden) && !header.contains(hidden) {
        prop_assert!(!text.contains(hidden), "{text}");
        prop_assert!(!format!("{e:?}").contains(hidden), "{e:?}");
    }
    Ok(())
}

fn is_payload_error(e: &WebhookError) -> bool {
    matches!(
        e,
        WebhookError::PayloadNotUtf8 { .. }
            | WebhookError::PayloadNotJson(_)
            | WebhookError::NotAnEvent { .. }
            | WebhookError::Decode { .. }
    )
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct TypedEvent {
    id: String,
    created: Option<i64>,
    data: TypedData,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct TypedData {
    object: TypedObject,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct TypedObject {
    status: TypedStatus,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum TypedStatus {
    Verified,
    Canceled,
}

/// Verifies and decodes (as JSON and as a typed event), checking that the two
/// agree with `verify` and that every error follows the rules.
fn check_all(
    webhook: &Webhook,
    secret: &str,
    payload: &[u8],
    header: &str,
    tally: &mut Tally,
) -> Result<(), TestCaseError> {
    let verified = webhook.verify(payload, header);
    let as_json = webhook.construct_event::<Value>(payload, header);
    let typed = webhook.construct_event::<TypedEvent>(payload, header);
    *tally.entry(verdict(&as_json)).or_default() += 1;
    if as_json.is_ok() {
        *tally.entry(if typed.is_ok() { "Ok (typed too)" } else { "Ok (typed: Decode)" }).or_default() += 1;
    }
    for e in [verified.as_ref().err(), as_json.as_ref().err(), typed.as_ref().err()].into_iter().flatten() {
        check_error(e, secret, payload, header)?;
    }
    match &verified {
        // Verified: only the payload can still be refused.
        Ok(()) => {
            for e in [as_json.as_ref().err(), typed.as_ref().err()].into_iter().flatten() {
                prop_assert!(is_payload_error(e), "verified, then {e:?}");
            }
            if let Ok(event) = &as_json {
                prop_assert_eq!(&event["object"], "event");
            }
            if typed.is_ok() {
                prop_assert!(as_json.is_ok());
            }
        }
        // Not verified: the same error from all three.
        Err(e) => {
            prop_assert!(!is_payload_error(e), "{e:?}");
            for other in [as_json.as_ref().err(), typed.as_ref().err()] {
                prop_assert_eq!(other.map(ToString::to_string), Some(e.to_string()));
            }
        }
    }
    Ok(())
}

#[test]
fn arbitrary_headers_and_payloads_never_panic() {
    let header = prop_oneof![
        3 => any::<String>(),
        1 => proptest::collection::vec(any::<u8>(), 0..100).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        1 => "t=[0-9+-]{0,22}(,v[01]=[0-9a-fA-F]{0,66}){0,4},?",
    ];
    let strategy = (header, payload(), any_secret(), any::<i64>(), tolerance());
    run("arbitrary_headers_and_payloads_never_panic", strategy, |(header, payload, secret, now, tolerance), tally| {
        check_all(&webhook(&secret, now, tolerance), &secret, &payload, &header, tally)
    });
}

#[test]
fn generated_headers_verify() {
    let strategy = (payload(), secret(), timestamp(), 0i64..=300, tolerance());
    run("generated_headers_verify", strategy, |(payload, secret, t, age, tolerance), tally| {
        let header = generate_test_header(&payload, &secret, t);
        let (prefix, sig) = header.split_once(",v1=").expect("t=...,v1=...");
        prop_assert_eq!(prefix, format!("t={t}"));
        prop_assert!(sig.len() == 64 && sig.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')), "{}", header);

        // Within the default tolerance (the age is at most 300 s), or none.
        let now = t.saturating_add(age);
        let tolerance = tolerance.filter(|t| t.is_zero() || t.as_secs() >= 300);
        let webhook = webhook(&secret, now, tolerance);
        prop_assert!(webhook.verify(&payload, &header).is_ok(), "{:?}", webhook.verify(&payload, &header));
        check_all(&webhook, &secret, &payload, &header, tally)?;
        // As one of several signatures (a rolled secret), in any position.
        let other = generate_test_header(&payload, "whsec_other", t);
        let other_sig = other.split_once(",v1=").unwrap().1;
        let rolled = format!("t={t},v1={other_sig},v0={sig},v1={sig},v1={other_sig}");
        prop_assert!(webhook.verify(&payload, &rolled).is_ok());
        // A later t, or another secret, does not.
        let later = format!("t={},v1={sig}", t.wrapping_add(1));
        prop_assert!(matches!(webhook.verify(&payload, &later), Err(WebhookError::NoMatchingSignature)));
        let wrong = Webhook::new(format!("{secret}x")).received_at(now).tolerance(Duration::ZERO);
        prop_assert!(matches!(wrong.verify(&payload, &header), Err(WebhookError::NoMatchingSignature)));
        Ok(())
    });
}

#[test]
fn any_single_byte_change_fails() {
    let strategy = (
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 1..400),
            payload().prop_filter("not empty", |p| !p.is_empty()),
        ],
        any::<prop::sample::Index>(),
        1u8..=255,
        any::<u8>(),
        secret(),
        timestamp(),
    );
    run("any_single_byte_change_fails", strategy, |(payload, index, flip, inserted, secret, t), tally| {
        let header = generate_test_header(&payload, &secret, t);
        let webhook = Webhook::new(secret.as_str()).received_at(t);
        prop_assert!(webhook.verify(&payload, &header).is_ok());
        let i = index.index(payload.len());

        let mut changed = payload.clone();
        changed[i] ^= flip;
        let mut removed = payload.clone();
        removed.remove(i);
        let mut added = payload.clone();
        added.insert(i, inserted);
        let mut appended = payload.clone();
        appended.push(inserted);
        for tampered in [changed, removed, added, appended] {
            prop_assert!(
                matches!(webhook.verify(&tampered, &header), Err(WebhookError::NoMatchingSignature)),
                "{:?} verified with the header of {:?}",
                tampered,
                payload
            );
            check_all(&webhook, &secret, &tampered, &header, tally)?;
        }
        Ok(())
    });
}

#[test]
fn headers_from_pieces_never_panic() {
    let strategy = (payload(), secret(), timestamp(), -400i64..400, tolerance()).prop_flat_map(
        |(payload, secret, t, age, tolerance)| {
            let sig = generate_test_header(&payload, &secret, t).split_once(",v1=").unwrap().1.to_owned();
            (Just(payload), Just(secret), Just(t), Just(age), Just(tolerance), header_from_pieces(t, sig))
        },
    );
    run("headers_from_pieces_never_panic", strategy, |(payload, secret, t, age, tolerance, header), tally| {
        let now = t.saturating_add(age);
        let webhook = webhook(&secret, now, tolerance);
        check_all(&webhook, &secret, &payload, &header, tally)?;

        // When it verifies, the header holds the signature for its (last) t.
        let items: Vec<(&str, Option<&str>)> = header
            .split(',')
            .map(|item| {
                let mut kv = item.split('=');
                (kv.next().unwrap_or(""), kv.next())
            })
            .collect();
        let last_t =
            items.iter().rev().find(|(k, _)| *k == "t").and_then(|(_, v)| v.and_then(|v| v.parse::<i64>().ok()));
        if webhook.verify(&payload, &header).is_ok() {
            let last_t = last_t.expect("verified without a t");
            let expected = generate_test_header(&payload, &secret, last_t);
            let expected_sig = expected.split_once(",v1=").unwrap().1;
            prop_assert!(items.contains(&("v1", Some(expected_sig))), "{}", header);
        }
        // And a header of exactly `t=<t>` and the right `v1` item, with junk
        // items around it, verifies within the tolerance.
        let sig = generate_test_header(&payload, &secret, t);
        let sig = sig.split_once(",v1=").unwrap().1;
        let junk = header.replace('t', "x");
        let clean = format!("{junk},t={t},{junk},v1={sig},{junk}");
        let within = match tolerance.unwrap_or(Duration::from_secs(300)) {
            tol if tol.is_zero() => true,
            tol => i128::from(now) - i128::from(t) <= i128::from(tol.as_secs()),
        };
        let result = webhook.verify(&payload, &clean);
        if within {
            prop_assert!(result.is_ok(), "{}: {:?}", clean, result);
        } else {
            prop_assert!(matches!(result, Err(WebhookError::TimestampOutsideTolerance { .. })), "{:?}", result);
        }
        Ok(())
    });
}
