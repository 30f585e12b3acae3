//! Verifying and decoding Stripe webhook events.
//!
//! Stripe signs every webhook request it sends to an endpoint: the
//! [`Stripe-Signature`](SIGNATURE_HEADER) header holds the time of signing and
//! one or more signatures,
//!
//! ```text
//! Stripe-Signature: t=1492774577,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd
//! ```
//!
//! where each `v1` signature is the lowercase hex HMAC-SHA256, keyed with the
//! endpoint's secret (the whole `whsec_...` string), of the timestamp, a `.` and
//! the request body, byte for byte. [`construct_event`] checks the header
//! against the body and decodes the body as an event; [`Webhook`] does the same
//! with another tolerance or a fixed "now". The rules are those of Stripe's
//! SDKs (and checked against the verdicts of stripe-node 23.1.0):
//!
//! - Items are separated by `,`, keys and values by `=`, with nothing trimmed.
//!   The last `t=` counts; it must be an integer (stripe-node's `parseInt`
//!   also takes `1700000000abc`).
//! - The header verifies if any `v1` signature matches, so an endpoint whose
//!   secret was just rolled (Stripe then signs with the old and the new one)
//!   still verifies. Other schemes (such as the `v0` of test-mode events) are
//!   ignored. Signatures are lowercase hex, compared in constant time.
//! - An empty or blank secret is refused ([`WebhookError::NoSecret`]): anyone
//!   can sign with an empty key.
//! - The event must not be older than the tolerance ([`DEFAULT_TOLERANCE`],
//!   5 minutes, guards against replays): its age is the current time minus
//!   `t`, in whole seconds, and only an age *above* the tolerance fails. A
//!   timestamp in the future is not refused (the sender's clock may be ahead),
//!   and a zero tolerance turns the check off.
//! - Verify the **raw body**: any change, even re-encoding the JSON with other
//!   whitespace or key order, breaks the signature. Read the body as bytes
//!   before any JSON middleware sees it. (stripe-node decodes a body that is
//!   not UTF-8 to text before verifying; here the bytes are what is signed, and
//!   such a body is then refused.)
//!
//! Unlike stripe-node, which returns whatever JSON the signed body holds,
//! [`construct_event`] also requires an event: a JSON object with
//! `"object": "event"` (so a thin `v2.core.event` notification is refused, as
//! stripe-node refuses it too).
//!
//! # Example
//!
//! In a handler, with the header's value (`""` when there is none) and the raw
//! body:
//!
//! ```
//! use stripe_runtime::webhook::{self, WebhookError};
//!
//! fn handle(body: &[u8], signature: &str, secret: &str) -> Result<(), WebhookError> {
//!     let event: serde_json::Value = webhook::construct_event(body, signature, secret)?;
//!     if event["type"] == "identity.verification_session.verified" {
//!         // ...
//!     }
//!     Ok(())
//! }
//! # let secret = "whsec_test_secret";
//! # let body = br#"{"id":"evt_1","object":"event","type":"identity.verification_session.verified"}"#;
//! # let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
//! # handle(body, &webhook::generate_test_header(body, secret, now), secret).unwrap();
//! # assert!(matches!(handle(body, "", secret), Err(WebhookError::NoHeader)));
//! ```
//!
//! With an HTTP library's header map:
//! `headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("")`
//! (a missing header or one that is not text is then [`WebhookError::NoHeader`]).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use serde::de::DeserializeOwned;
use sha2::Sha256;

/// The name of the HTTP header that carries the signatures.
///
/// HTTP header names are case-insensitive; this is Stripe's spelling.
pub const SIGNATURE_HEADER: &str = "Stripe-Signature";

/// The default tolerance: an event signed more than 300 seconds ago is refused.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// The signature scheme that verifies.
const SCHEME: &str = "v1";

type HmacSha256 = Hmac<Sha256>;

/// Verifies `payload` against `signature_header` with the endpoint secret
/// `secret`, the [default tolerance](DEFAULT_TOLERANCE) and the system clock,
/// then decodes it as an event of type `E`.
///
/// - `payload`: the raw request body, exactly as received.
/// - `signature_header`: the value of the [`Stripe-Signature`](SIGNATURE_HEADER)
///   header. An empty or all-whitespace value means there was no header
///   ([`WebhookError::NoHeader`]), so a missing header can be passed as `""`.
/// - `secret`: the endpoint's signing secret (`whsec_...`).
///
/// Decoding into [`serde_json::Value`] gives the event as JSON; a decoding error
/// names the field (`data.object.status: unknown variant ...`). Use [`Webhook`]
/// for another tolerance or a fixed current time.
///
/// ```
/// use stripe_runtime::webhook::{construct_event, generate_test_header};
///
/// let secret = "whsec_test_secret";
/// let payload = br#"{"id":"evt_123","object":"event","type":"identity.verification_session.verified","data":{"object":{"id":"vs_123","object":"identity.verification_session","status":"verified"}}}"#;
/// let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
/// let header = generate_test_header(payload, secret, now);
///
/// let event: serde_json::Value = construct_event(payload, &header, secret).unwrap();
/// assert_eq!(event["data"]["object"]["status"], "verified");
///
/// // Any other body, or another secret, does not verify.
/// let tampered = String::from_utf8_lossy(payload).replace("verified", "canceled");
/// assert!(construct_event::<serde_json::Value>(tampered.as_bytes(), &header, secret).is_err());
/// assert!(construct_event::<serde_json::Value>(payload, &header, "whsec_other").is_err());
/// ```
pub fn construct_event<E: DeserializeOwned>(
    payload: &[u8],
    signature_header: &str,
    secret: &str,
) -> Result<E, WebhookError> {
    verify(payload, signature_header, secret, DEFAULT_TOLERANCE, system_now())?;
    decode_event(payload)
}

/// Webhook verification with settings: the tolerance and the current time.
///
/// ```
/// use std::time::Duration;
/// use stripe_runtime::webhook::{generate_test_header, Webhook, WebhookError};
///
/// let payload = br#"{"id":"evt_123","object":"event","type":"identity.verification_session.verified"}"#;
/// let header = generate_test_header(payload, "whsec_test_secret", 1_700_000_000);
///
/// let webhook = Webhook::new("whsec_test_secret").tolerance(Duration::from_secs(60)).received_at(1_700_000_060);
/// assert!(webhook.verify(payload, &header).is_ok());
///
/// let late = webhook.clone().received_at(1_700_000_061);
/// assert!(matches!(late.verify(payload, &header), Err(WebhookError::TimestampOutsideTolerance { .. })));
/// ```
///
/// Its `Debug` output never shows the secret.
#[derive(Clone)]
pub struct Webhook {
    secret: String,
    tolerance: Duration,
    received_at: Option<i64>,
}

impl Webhook {
    /// Verification with the endpoint secret `secret` (`whsec_...`), the
    /// [default tolerance](DEFAULT_TOLERANCE) and the system clock.
    pub fn new(secret: impl Into<String>) -> Self {
        Webhook { secret: secret.into(), tolerance: DEFAULT_TOLERANCE, received_at: None }
    }

    /// Refuses events signed more than `tolerance` before the current time
    /// (compared in whole seconds: `age > tolerance` fails). A zero tolerance
    /// turns the check off, as in Stripe's SDKs. Future timestamps always pass.
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Takes `unix_secs` (seconds since the Unix epoch) as the current time
    /// instead of the system clock: for tests, or for events that were stored
    /// and are verified later (like stripe-node's `receivedAt`).
    pub fn received_at(mut self, unix_secs: i64) -> Self {
        self.received_at = Some(unix_secs);
        self
    }

    /// Checks that `signature_header` (the [`Stripe-Signature`](SIGNATURE_HEADER)
    /// value, `""` when missing) holds a valid `v1` signature of `payload` (the
    /// raw body) and a timestamp within the tolerance. The payload is not
    /// decoded: any bytes may be signed.
    pub fn verify(&self, payload: &[u8], signature_header: &str) -> Result<(), WebhookError> {
        let now = self.received_at.unwrap_or_else(system_now);
        verify(payload, signature_header, &self.secret, self.tolerance, now)
    }

    /// [Verifies](Webhook::verify) `payload`, then decodes it as an event of type
    /// `E` (see [`construct_event`]).
    pub fn construct_event<E: DeserializeOwned>(
        &self,
        payload: &[u8],
        signature_header: &str,
    ) -> Result<E, WebhookError> {
        self.verify(payload, signature_header)?;
        decode_event(payload)
    }
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("secret", &"<redacted>")
            .field("tolerance", &self.tolerance)
            .field("received_at", &self.received_at)
            .finish()
    }
}

/// A valid [`Stripe-Signature`](SIGNATURE_HEADER) value for `payload`, signed
/// with `secret` at `timestamp` (seconds since the Unix epoch):
/// `t=<timestamp>,v1=<signature>`. For tests of webhook handlers, like
/// stripe-node's `webhooks.generateTestHeaderString` (which gives the same
/// header for the same inputs).
///
/// ```
/// use stripe_runtime::webhook::generate_test_header;
///
/// assert_eq!(
///     generate_test_header(b"{}", "whsec_test_secret", 1_700_000_000),
///     "t=1700000000,v1=ceb8863f7208fa249a6cd8f951e993c7563412aca65866f6272283debe143ab3"
/// );
/// ```
pub fn generate_test_header(payload: &[u8], secret: &str, timestamp: i64) -> String {
    let tag = signer(secret, timestamp, payload).finalize().into_bytes();
    let mut header = format!("t={timestamp},{SCHEME}=");
    for byte in tag {
        header.push(char::from(HEX_DIGITS[usize::from(byte >> 4)]));
        header.push(char::from(HEX_DIGITS[usize::from(byte & 0x0f)]));
    }
    header
}

/// Why a webhook request was refused.
///
/// The messages are one line and never contain the secret. The variants follow
/// the order of the checks: the header, the secret, the signatures, the
/// timestamp, then the payload (only [`construct_event`] and
/// [`Webhook::construct_event`] look at the payload).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The signature header was empty or all whitespace (or missing, passed as
    /// `""`).
    #[error("no Stripe-Signature header (the value is empty)")]
    NoHeader,
    /// The header has no `t=` timestamp, or its value is not an integer.
    #[error("malformed Stripe-Signature header: {reason}")]
    MalformedHeader {
        /// What is wrong.
        reason: &'static str,
    },
    /// The header has a timestamp but no `v1` signature (other schemes, such as
    /// `v0`, never verify).
    #[error("the Stripe-Signature header has no v1 signature")]
    NoV1Signature,
    /// The secret is empty or only whitespace (a missing environment variable?).
    /// Nothing is verified with it: anyone could sign with an empty key.
    #[error("the webhook secret is empty or blank (endpoint secrets start with `whsec_`)")]
    NoSecret,
    /// No `v1` signature in the header is the signature of the payload with this
    /// secret: the body was changed (parsed and re-encoded?), or the secret is
    /// another endpoint's or another mode's.
    #[error(
        "no v1 signature in the Stripe-Signature header matches the payload \
         (verify the raw request body with this endpoint's secret)"
    )]
    NoMatchingSignature,
    /// The event was signed more than the tolerance before the current time (a
    /// replay, or a delivery that was verified late).
    #[error(
        "timestamp outside the tolerance: signed at {timestamp}, {} s before now ({now}), tolerance {tolerance:?}",
        i128::from(*now) - i128::from(*timestamp)
    )]
    TimestampOutsideTolerance {
        /// The header's `t=` (seconds since the Unix epoch).
        timestamp: i64,
        /// The current time used (seconds since the Unix epoch).
        now: i64,
        /// The tolerance that was exceeded.
        tolerance: Duration,
    },
    /// The (correctly signed) payload is not UTF-8.
    #[error("webhook payload is not UTF-8 (invalid byte at offset {valid_up_to})")]
    PayloadNotUtf8 {
        /// The length of the longest valid UTF-8 prefix.
        valid_up_to: usize,
    },
    /// The (correctly signed) payload is not JSON. The JSON error is part of the
    /// message (it is not repeated as the error's `source`).
    #[error("webhook payload is not JSON: {}", OneLine(&.0.to_string()))]
    PayloadNotJson(serde_json::Error),
    /// The payload is JSON but not an event: not an object, or its `object` is
    /// not `"event"` (a thin `v2.core.event` notification, an API object...).
    #[error(r#"webhook payload is not a Stripe event: expected a JSON object with "object": "event", found {found}"#)]
    NotAnEvent {
        /// What was found instead, for people (`an array`, `"object": "charge"`).
        found: String,
    },
    /// The event does not decode into the requested type. The message names the
    /// field, `data.object.status: unknown variant ...`; the JSON error is part
    /// of the message (it is not repeated as the error's `source`).
    #[error("event does not decode: {}", DecodeMessage { path, error })]
    Decode {
        /// Where: the field path from the top of the event (`data.object.status`,
        /// `data.object.items[0]`; `.` for the event itself).
        path: String,
        /// The decoding error.
        error: serde_json::Error,
    },
}

// ---------------------------------------------------------------------------
// Verification.

/// The checks, in stripe-node's order: header, secret, signatures, timestamp.
fn verify(payload: &[u8], header: &str, secret: &str, tolerance: Duration, now: i64) -> Result<(), WebhookError> {
    if header.trim().is_empty() {
        return Err(WebhookError::NoHeader);
    }
    let parsed = parse_header(header)?;
    if parsed.signatures.is_empty() {
        return Err(WebhookError::NoV1Signature);
    }
    if is_blank_secret(secret) {
        return Err(WebhookError::NoSecret);
    }
    let mac = signer(secret, parsed.timestamp, payload);
    let matches = parsed
        .signatures
        .iter()
        .filter_map(|signature| decode_hex_signature(signature))
        .any(|signature| mac.clone().verify_slice(&signature).is_ok());
    if !matches {
        return Err(WebhookError::NoMatchingSignature);
    }
    // Only a timestamp older than the tolerance fails (stripe-node: `tolerance >
    // 0 && age > tolerance`); i128 cannot overflow for any two i64s.
    let age = i128::from(now) - i128::from(parsed.timestamp);
    if !tolerance.is_zero() && age > i128::from(tolerance.as_secs()) {
        return Err(WebhookError::TimestampOutsideTolerance { timestamp: parsed.timestamp, now, tolerance });
    }
    Ok(())
}

/// A parsed signature header.
struct Header<'a> {
    timestamp: i64,
    /// The values of the `v1` items, as written (possibly not hex at all).
    signatures: Vec<&'a str>,
}

/// Parses `t=...,v1=...,...` as stripe-node does: items split at `,`, each item's
/// key is the text before its first `=` and its value the text up to the next
/// `=` (if any), nothing trimmed; the last `t` counts. Unlike stripe-node
/// (`parseInt`), a `t` value must be an integer, entirely.
fn parse_header(header: &str) -> Result<Header<'_>, WebhookError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for item in header.split(',') {
        let mut parts = item.split('=');
        let key = parts.next().unwrap_or_default();
        let value = parts.next();
        if key == "t" {
            match value.and_then(|v| v.parse::<i64>().ok()) {
                Some(t) => timestamp = Some(t),
                None => return Err(WebhookError::MalformedHeader { reason: "the t= timestamp is not an integer" }),
            }
        } else if key == SCHEME {
            signatures.push(value.unwrap_or_default());
        }
    }
    match timestamp {
        Some(timestamp) => Ok(Header { timestamp, signatures }),
        None => Err(WebhookError::MalformedHeader { reason: "no t= timestamp" }),
    }
}

/// Blank as stripe-node's `isBlankWebhookSecret`: empty or only ASCII whitespace.
fn is_blank_secret(secret: &str) -> bool {
    secret.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c))
}

/// The HMAC of `{timestamp}.{payload}`, keyed with the whole secret, before
/// finalizing.
fn signer(secret: &str, timestamp: i64, payload: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length (longer ones are hashed): this never fails.
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    let mut digits = itoa::Buffer::new();
    mac.update(digits.format(timestamp).as_bytes());
    mac.update(b".");
    mac.update(payload);
    mac
}

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// The 32 bytes of a signature written as 64 lowercase hex digits; anything else
/// (uppercase hex too, as stripe-node compares the text) never matches.
fn decode_hex_signature(text: &str) -> Option<[u8; 32]> {
    fn digit(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        }
    }
    let text = text.as_bytes();
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        *byte = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Some(out)
}

/// Seconds since the Unix epoch (negative before it), saturating.
fn system_now() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_secs()).map(|s| -s).unwrap_or(i64::MIN),
    }
}

// ---------------------------------------------------------------------------
// Decoding.

/// UTF-8, JSON, an event, then `E` (with the field path on error).
fn decode_event<E: DeserializeOwned>(payload: &[u8]) -> Result<E, WebhookError> {
    if let Err(e) = std::str::from_utf8(payload) {
        return Err(WebhookError::PayloadNotUtf8 { valid_up_to: e.valid_up_to() });
    }
    let value: serde_json::Value = serde_json::from_slice(payload).map_err(WebhookError::PayloadNotJson)?;
    check_event(&value)?;
    drop(value);
    // Decoded from the bytes again rather than from the `Value`: serde_json's
    // deserializer is what the types are otherwise decoded with (a `Value` has
    // already turned integers above `u64::MAX` into floats, for one), and its
    // errors say where in the payload.
    let mut de = serde_json::Deserializer::from_slice(payload);
    let event = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| WebhookError::Decode { path: e.path().to_string(), error: e.into_inner() })?;
    Ok(event)
}

/// A Stripe event: a JSON object with `"object": "event"`.
fn check_event(value: &serde_json::Value) -> Result<(), WebhookError> {
    use serde_json::Value;
    let found = match value {
        Value::Object(map) => match map.get("object") {
            Some(Value::String(object)) if object == "event" => return Ok(()),
            Some(Value::String(object)) => format!(r#""object": {:?}"#, Truncated(object)),
            Some(other) => format!(r#""object": {}"#, json_kind(other)),
            None => r#"an object without "object""#.to_owned(),
        },
        other => json_kind(other).to_owned(),
    };
    Err(WebhookError::NotAnEvent { found })
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// At most 64 characters of a string from the payload, for a message.
struct Truncated<'a>(&'a str);

impl fmt::Debug for Truncated<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MAX: usize = 64;
        match self.0.char_indices().nth(MAX) {
            Some((end, _)) => write!(f, "{:?}...", &self.0[..end]),
            None => write!(f, "{:?}", self.0),
        }
    }
}

/// `path: error`, or just `error` for the top level; on one line whatever the
/// payload's keys and values hold.
struct DecodeMessage<'a> {
    path: &'a str,
    error: &'a serde_json::Error,
}

impl fmt::Display for DecodeMessage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path != "." {
            write!(f, "{}: ", OneLine(self.path))?;
        }
        write!(f, "{}", OneLine(&self.error.to_string()))
    }
}

/// Text with control characters (line breaks...) escaped, so that a message built
/// from payload text stays on one line.
struct OneLine<'a>(&'a str);

impl fmt::Display for OneLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                write!(f, "{}", c.escape_default())?;
            } else {
                fmt::Write::write_char(f, c)?;
            }
        }
        Ok(())
    }
}
