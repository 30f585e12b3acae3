//! Webhook signature verification against Stripe's official Node SDK (stripe-node 23.1.0).
//!
//! `tests/oracle/webhook_expected.json` records, for every case of
//! `tests/oracle/webhook_cases.json`, the inputs (payload, secret, header, "now",
//! tolerance), the headers the SDK's `webhooks.generateTestHeaderString` made, and
//! what the SDK's `webhooks.constructEvent` decided (regenerated and checked in CI
//! by `node tests/oracle/webhook.mjs --check`). Here every case goes through
//! `stripe_runtime::webhook` with the same inputs and the same "now", and must
//! reach the same verdict: accepted with the same event, or refused for the same
//! reason (the SDK's error messages map to our error variants below). The few
//! deliberate differences are listed, with their reason, in [`DIFFERENCES`].
//!
//! Events are decoded into the generated `stripe_api::event::Event`, as users decode them.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{Map, Value};
use stripe_api::event::Event;
use stripe_runtime::webhook::{generate_test_header, Webhook, WebhookError};

/// What a verification decided: accepted, or refused for one reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Ok,
    NoHeader,
    MalformedHeader,
    NoV1Signature,
    NoSecret,
    NoMatchingSignature,
    TimestampOutsideTolerance,
    PayloadNotUtf8,
    PayloadNotJson,
    NotAnEvent,
    Decode,
    /// Not a verdict: the SDK threw an internal error (ours never is this).
    SdkInternalError,
}

/// The SDK's errors, by class and the start of the message, as our variants.
const SDK_ERRORS: &[(&str, &str, Verdict)] = &[
    ("StripeSignatureVerificationError", "No stripe-signature header value was provided.", Verdict::NoHeader),
    (
        "StripeSignatureVerificationError",
        "Unable to extract timestamp and signatures from header",
        Verdict::MalformedHeader,
    ),
    ("StripeSignatureVerificationError", "No signatures found with expected scheme", Verdict::NoV1Signature),
    ("StripeSignatureVerificationError", "No webhook secret value was provided.", Verdict::NoSecret),
    (
        "StripeSignatureVerificationError",
        "No signatures found matching the expected signature for payload.",
        Verdict::NoMatchingSignature,
    ),
    ("StripeSignatureVerificationError", "Timestamp outside the tolerance zone", Verdict::TimestampOutsideTolerance),
    // JSON.parse failed (the message is the engine's, so it is not recorded).
    ("SyntaxError", "", Verdict::PayloadNotJson),
    ("Error", "You passed a thin event notification to a function that expects a webhook.", Verdict::NotAnEvent),
    // Its constant-time comparison refuses an empty string.
    ("Error", "secureCompare must receive two arguments", Verdict::SdkInternalError),
];

/// Deliberate differences: the case, our verdict, and why we differ from the SDK.
const DIFFERENCES: &[(&str, Verdict, &str)] = &[
    (
        "whitespace_header",
        Verdict::NoHeader,
        "an empty or all-whitespace header value is documented as no header (callers pass \"\" for a missing \
         one); stripe-node only treats \"\" so and finds no timestamp in \"   \"",
    ),
    (
        "t_not_integer",
        Verdict::MalformedHeader,
        "t= must be an integer (as stripe-go requires); stripe-node's parseInt gives NaN, signs \
         \"NaN.<payload>\" and reports a signature mismatch",
    ),
    (
        "t_trailing_garbage",
        Verdict::MalformedHeader,
        "t= must be an integer; stripe-node's parseInt reads \"1700000000abc\" as 1700000000 and accepts",
    ),
    ("t_huge", Verdict::MalformedHeader, "t= must fit an i64; stripe-node reads 1e20 and reports a signature mismatch"),
    (
        "t_minus_one",
        Verdict::TimestampOutsideTolerance,
        "stripe-node uses -1 internally for 'no timestamp', so a signed t=-1 reads as a header without one; \
         we take it as a time, 1.7e9 s before now",
    ),
    (
        "empty_v1_value",
        Verdict::NoMatchingSignature,
        "an empty v1 value is a signature that matches nothing; stripe-node's secureCompare throws a plain \
         Error (\"secureCompare must receive two arguments\")",
    ),
    (
        "non_utf8_payload",
        Verdict::NoMatchingSignature,
        "we sign and verify the raw body bytes; stripe-node decodes a body that is not UTF-8 lossily (U+FFFD) \
         before signing, verifying and parsing, so its signature is over other bytes (a non-UTF-8 body signed \
         over its raw bytes is PayloadNotUtf8, see runtime/tests/webhook.rs)",
    ),
    (
        "non_event_array",
        Verdict::NotAnEvent,
        "construct_event decodes events and requires a JSON object with \"object\": \"event\"; stripe-node \
         returns whatever JSON was signed",
    ),
    (
        "non_event_object",
        Verdict::NotAnEvent,
        "construct_event requires \"object\": \"event\"; stripe-node returns any signed JSON (here a charge)",
    ),
];

fn oracle_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("oracle")
}

fn read_json(name: &str) -> Value {
    let path = oracle_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The recording, by case name.
fn recording() -> Map<String, Value> {
    let Value::Object(mut map) = read_json("webhook_expected.json") else {
        panic!("webhook_expected.json is not an object")
    };
    map.remove("_generated_by").expect("webhook_expected.json has no _generated_by");
    map
}

/// The case names of `webhook_cases.json`, in order.
fn case_names() -> Vec<String> {
    let cases = read_json("webhook_cases.json");
    let cases = cases["cases"].as_array().expect("webhook_cases.json: cases is not an array");
    cases.iter().map(|c| c["name"].as_str().expect("a case without a name").to_owned()).collect()
}

fn str_field<'v>(entry: &'v Value, key: &str) -> &'v str {
    entry[key].as_str().unwrap_or_else(|| panic!("`{key}` missing in {entry}"))
}

fn int_field(entry: &Value, key: &str) -> i64 {
    entry[key].as_i64().unwrap_or_else(|| panic!("`{key}` missing in {entry}"))
}

/// The payload bytes of a case or signed entry: `payload` (text) or `payload_hex`.
fn payload_of(entry: &Value) -> Vec<u8> {
    if let Some(text) = entry["payload"].as_str() {
        return text.as_bytes().to_vec();
    }
    let hex = str_field(entry, "payload_hex").as_bytes();
    let digit = |c: u8| char::from(c).to_digit(16).unwrap_or_else(|| panic!("bad hex in {entry}")) as u8;
    hex.chunks(2).map(|pair| digit(pair[0]) << 4 | digit(pair[1])).collect()
}

fn sdk_verdict(sdk: &Value) -> Result<Verdict, String> {
    if sdk["ok"] == Value::Bool(true) {
        return Ok(Verdict::Ok);
    }
    let class = str_field(sdk, "error");
    let message = sdk["message"].as_str().unwrap_or("");
    let found: Vec<Verdict> = SDK_ERRORS
        .iter()
        .filter(|(c, prefix, _)| *c == class && message.starts_with(prefix))
        .map(|(_, _, verdict)| *verdict)
        .collect();
    match found[..] {
        [verdict] => Ok(verdict),
        [] => Err(format!("SDK error not in SDK_ERRORS: {class}: {message:?}")),
        _ => Err(format!("SDK error matches several SDK_ERRORS: {class}: {message:?}")),
    }
}

fn rust_verdict(result: &Result<Event, WebhookError>) -> Verdict {
    match result {
        Ok(_) => Verdict::Ok,
        Err(WebhookError::NoHeader) => Verdict::NoHeader,
        Err(WebhookError::MalformedHeader { .. }) => Verdict::MalformedHeader,
        Err(WebhookError::NoV1Signature) => Verdict::NoV1Signature,
        Err(WebhookError::NoSecret) => Verdict::NoSecret,
        Err(WebhookError::NoMatchingSignature) => Verdict::NoMatchingSignature,
        Err(WebhookError::TimestampOutsideTolerance { .. }) => Verdict::TimestampOutsideTolerance,
        Err(WebhookError::PayloadNotUtf8 { .. }) => Verdict::PayloadNotUtf8,
        Err(WebhookError::PayloadNotJson(_)) => Verdict::PayloadNotJson,
        Err(WebhookError::NotAnEvent { .. }) => Verdict::NotAnEvent,
        Err(WebhookError::Decode { .. }) => Verdict::Decode,
        Err(other) => panic!("a WebhookError this test does not know: {other:?}"),
    }
}

/// Our verdict (and, when accepted, the event's `id`, `object` and `type`) for
/// the recorded inputs of one case.
fn run_case(entry: &Value) -> Result<Event, WebhookError> {
    let mut webhook = Webhook::new(str_field(entry, "secret")).received_at(int_field(entry, "now"));
    if let Some(seconds) = entry["tolerance"].as_u64() {
        webhook = webhook.tolerance(std::time::Duration::from_secs(seconds));
    } else {
        assert!(entry["tolerance"].is_null(), "tolerance: {}", entry["tolerance"]);
    }
    webhook.construct_event::<Event>(&payload_of(entry), str_field(entry, "header"))
}

#[test]
fn verification_agrees_with_the_official_sdk() {
    let recorded = recording();
    let names = case_names();
    let mut failures = Vec::new();

    // Every case is recorded, and only those.
    for name in &names {
        if !recorded.contains_key(name) {
            failures.push(format!("{name}: in webhook_cases.json but not in webhook_expected.json (regenerate)"));
        }
    }
    for name in recorded.keys() {
        if !names.contains(name) {
            failures.push(format!("{name}: in webhook_expected.json but not in webhook_cases.json (regenerate)"));
        }
    }
    let unique: BTreeSet<&str> = DIFFERENCES.iter().map(|(name, _, _)| *name).collect();
    assert_eq!(unique.len(), DIFFERENCES.len(), "a case is listed twice in DIFFERENCES");
    for (name, _, _) in DIFFERENCES {
        if !recorded.contains_key(*name) {
            failures.push(format!("{name}: listed in DIFFERENCES but not recorded"));
        }
    }

    let mut checked = 0;
    for (name, entry) in &recorded {
        let sdk = &entry["sdk"];
        let sdk_verdict = match sdk_verdict(sdk) {
            Ok(verdict) => verdict,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let result = run_case(entry);
        let ours = rust_verdict(&result);
        let expected = match DIFFERENCES.iter().find(|(n, _, _)| n == name) {
            Some((_, verdict, reason)) => {
                if sdk_verdict == *verdict {
                    failures.push(format!(
                        "{name}: listed in DIFFERENCES ({reason}), but the SDK now agrees ({sdk_verdict:?}): remove it"
                    ));
                }
                *verdict
            }
            None => sdk_verdict,
        };
        checked += 1;
        if ours != expected {
            failures.push(format!(
                "{name}: expected {expected:?} (SDK: {sdk}), got {ours:?} ({})",
                match &result {
                    Ok(event) => format!("{event:?}"),
                    Err(e) => e.to_string(),
                }
            ));
            continue;
        }
        // Accepted by both: the same event.
        if let (Ok(event), Verdict::Ok) = (&result, sdk_verdict) {
            let ours = [("id", event.id.as_str()), ("object", Event::OBJECT_NAME), ("type", event.type_.as_str())];
            for (key, value) in ours {
                if sdk[key] != value {
                    failures.push(format!("{name}: `{key}` is {value:?} but the SDK saw {}", sdk[key]));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} problem(s) in {} cases:\n{}", failures.len(), recorded.len(), failures.join("\n"));
    assert!(checked >= 30, "only {checked} cases");
}

/// `generate_test_header` makes the header the SDK's `generateTestHeaderString`
/// makes, for every signature the oracle recorded.
#[test]
fn test_headers_equal_the_sdk_test_headers() {
    let mut compared = 0;
    for (name, entry) in recording() {
        for signed in entry["signed"].as_array().unwrap_or_else(|| panic!("{name}: no `signed`")) {
            let mut payload = payload_of(signed);
            if signed.get("payload_hex").is_some() {
                // The SDK signs `${timestamp}.${payload}`: a Buffer is decoded as UTF-8, lossily.
                payload = String::from_utf8_lossy(&payload).into_owned().into_bytes();
            }
            let ours = generate_test_header(&payload, str_field(signed, "secret"), int_field(signed, "timestamp"));
            // Other schemes (v0) are the same HMAC under another name.
            let scheme = str_field(signed, "scheme");
            let ours = ours.replacen(",v1=", &format!(",{scheme}="), 1);
            assert_eq!(ours, str_field(signed, "header"), "{name}: {signed}");
            compared += 1;
        }
    }
    assert!(compared >= 40, "only {compared} headers compared");
}
