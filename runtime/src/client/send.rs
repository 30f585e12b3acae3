//! Sending a request: its URL, headers and body, then its attempts through the
//! client's [`Transport`](super::Transport), each within the timeout, retried as
//! Stripe's SDKs retry, with the telemetry and tracing around them.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use hyper::body::Bytes;
use hyper::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, USER_AGENT,
};
use serde::de::DeserializeOwned;
use tracing::field::Empty;
use tracing::Instrument as _;

use super::error::ErrorEnvelope;
use super::request::{Encoded, Method, ParamsIn, RequestOptions};
use super::response::Response;
use super::retry::{self, Outcome};
use super::transport::{HttpRequest, HttpResponse};
use super::{path, telemetry, ApiSpec, Client, Error, Secret, Settings};

/// Where a request goes: its method, the operation's server (if any) and its path.
pub(super) struct Target<'a> {
    pub(super) method: Method,
    pub(super) server: Option<&'static str>,
    pub(super) path: &'a str,
}

/// A response with a 2xx status, and what the request was sent with.
pub(super) struct Sent<'k> {
    status: u16,
    headers: HeaderMap,
    request_id: Option<String>,
    body: Bytes,
    attempts: u32,
    idempotency_key: Option<String>,
    stripe_account: Option<String>,
    /// The key the request was sent with, to blank out of error messages.
    key: &'k Secret,
}

impl Sent<'_> {
    /// The body decoded as a `T`.
    pub(super) fn decode<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|source| self.decode_error(source))
    }

    /// The body decoded as a `T`, with the metadata.
    pub(super) fn into_response<T: DeserializeOwned>(self) -> Result<Response<T>, Error> {
        let value = self.decode()?;
        let api_version = header_text(&self.headers, "stripe-version");
        Ok(Response {
            value,
            status: self.status,
            request_id: self.request_id,
            api_version,
            headers: self.headers,
            idempotency_key: self.idempotency_key,
            stripe_account: self.stripe_account,
            attempts: self.attempts,
        })
    }

    fn decode_error(&self, source: serde_json::Error) -> Error {
        Error::Decode {
            status: self.status,
            request_id: self.request_id.clone(),
            body_snippet: snippet(&self.body, self.key.expose()),
            source,
        }
    }
}

/// A request ready to be sent: what every attempt sends, and the limits.
struct Prepared<'k> {
    method: Method,
    uri: hyper::Uri,
    headers: HeaderMap,
    body: Bytes,
    timeout: Duration,
    max_retries: u32,
    key: &'k Secret,
}

/// Sends a request with retries; returns the response if its status is 2xx.
///
/// One `stripe_request` span (level `DEBUG`) covers all the attempts, with the
/// method and the path (never the query or body), and once the request is done the
/// number of the last attempt, and if answered the status and request id; each
/// retry is an `INFO` event with the reason and delay.
pub(super) async fn execute<'c>(
    client: &'c Client,
    spec: &ApiSpec,
    target: Target<'_>,
    params_in: ParamsIn,
    params: &Encoded,
    options: &'c RequestOptions,
) -> Result<Sent<'c>, Error> {
    let prepared = prepare(client, spec, &target, params_in, params, options)?;
    let span = tracing::debug_span!(
        "stripe_request",
        method = target.method.as_str(),
        path = target.path,
        attempt = Empty,
        status = Empty,
        request_id = Empty,
    );
    attempts(client, prepared).instrument(span).await
}

/// The URL, headers and body of a request, checked.
fn prepare<'c>(
    client: &'c Client,
    spec: &ApiSpec,
    target: &Target<'_>,
    params_in: ParamsIn,
    params: &Encoded,
    options: &'c RequestOptions,
) -> Result<Prepared<'c>, Error> {
    let settings = &client.inner.settings;
    path::check_path(target.path)?;
    let base_url = settings.server_base_url(target.server)?;
    let query = match (params_in, params) {
        (ParamsIn::Query, Encoded::Form(query)) => query.as_str(),
        _ => "",
    };
    let mut url = String::with_capacity(base_url.len() + target.path.len() + 1 + query.len());
    url.push_str(&base_url);
    url.push_str(target.path);
    if !query.is_empty() {
        url.push('?');
        url.push_str(query);
    }
    let body = match (params_in, params) {
        (ParamsIn::Query, _) => None,
        (_, Encoded::Form(form)) => Some(Body {
            content_type: HeaderValue::from_static("application/x-www-form-urlencoded"),
            bytes: Bytes::copy_from_slice(form.as_bytes()),
        }),
        (_, Encoded::Multipart { boundary, body }) => Some(Body {
            content_type: HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}"))
                .expect("a multipart boundary is a valid header value"),
            bytes: body.clone(),
        }),
    };
    let uri: hyper::Uri = url.parse().map_err(|e| Error::Config(format!("cannot make a URL of {url:?}: {e}")))?;
    let key = options.api_key.as_ref().unwrap_or(&settings.secret_key);
    let headers = headers(client, key, spec, target.method, body.as_ref(), options)?;
    Ok(Prepared {
        method: target.method,
        uri,
        headers,
        body: body.map(|body| body.bytes).unwrap_or_default(),
        timeout: options.timeout.unwrap_or(settings.timeout),
        max_retries: options.max_retries.unwrap_or(settings.max_retries),
        key,
    })
}

/// Sends the attempts of a prepared request until one is final.
async fn attempts<'c>(client: &'c Client, prepared: Prepared<'c>) -> Result<Sent<'c>, Error> {
    let span = tracing::Span::current();
    let inner = &client.inner;
    let Prepared { method, uri, headers, body, timeout, max_retries, key } = prepared;
    let mut retries = 0;
    loop {
        // Cheap clones: `Uri` and `Bytes` share their buffers.
        let request = HttpRequest { method, uri: uri.clone(), headers: headers.clone(), body: body.clone() };
        let started = Instant::now();
        let outcome = match tokio::time::timeout(timeout, inner.transport.send(request)).await {
            Ok(Ok(response)) => Ok(response),
            Ok(Err(e)) => Err(Error::Http(e)),
            // Dropping the attempt on a timeout drops its connection too.
            Err(_elapsed) => Err(Error::Timeout { timeout }),
        };
        let retry = {
            let decided = match &outcome {
                Ok(response) => Outcome::Response {
                    status: response.status,
                    should_retry: response.headers.get("stripe-should-retry").map(HeaderValue::as_bytes),
                    body: &response.body,
                },
                Err(error) => Outcome::NoResponse { timed_out: matches!(error, Error::Timeout { .. }) },
            };
            retry::retry_reason(&decided, retries, max_retries)
        };
        if let Some(reason) = retry {
            let status = outcome.as_ref().ok().map(|response| response.status);
            sleep_before_retry(&inner.settings, retries, reason, status).await;
            retries += 1;
            continue;
        }
        span.record("attempt", retries + 1);
        let HttpResponse { status, headers: response_headers, body: response_body } = outcome?;
        let request_id = header_text(&response_headers, "request-id");
        span.record("status", status);
        if let Some(request_id) = &request_id {
            span.record("request_id", request_id.as_str());
            if inner.settings.telemetry {
                inner.metrics.record(request_id, started.elapsed());
            }
        }
        tracing::debug!(status, elapsed_ms = started.elapsed().as_millis(), "Stripe answered");
        let sent = Sent {
            status,
            request_id,
            body: response_body,
            attempts: retries + 1,
            idempotency_key: header_text(&headers, "idempotency-key"),
            stripe_account: header_text(&headers, "stripe-account"),
            headers: response_headers,
            key,
        };
        if (200..300).contains(&status) {
            return Ok(sent);
        }
        return Err(match serde_json::from_slice::<ErrorEnvelope>(&sent.body) {
            Ok(envelope) => Error::Api { status, request_id: sent.request_id, error: envelope.error },
            Err(source) => sent.decode_error(source),
        });
    }
}

/// Sleeps before retry `retries` (counting from 0), saying why.
async fn sleep_before_retry(settings: &Settings, retries: u32, reason: &'static str, status: Option<u16>) {
    let delay = retry::sleep_time(retries, settings.retry_base_delay, retry::MAX_DELAY, retry::jitter());
    tracing::info!(
        retry = retries + 1,
        reason,
        status,
        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
        "retrying Stripe request"
    );
    tokio::time::sleep(delay).await;
}

/// A header's value as text, if present and visible ASCII.
fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// A request body and its `Content-Type`.
struct Body {
    content_type: HeaderValue,
    bytes: Bytes,
}

/// The headers of every attempt of a request.
fn headers(
    client: &Client,
    key: &Secret,
    spec: &ApiSpec,
    method: Method,
    body: Option<&Body>,
    options: &RequestOptions,
) -> Result<HeaderMap, Error> {
    let settings = &client.inner.settings;
    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, authorization(key)?);
    let api_version = options.api_version.as_deref().unwrap_or(spec.api_version);
    headers.insert(HeaderName::from_static("stripe-version"), check_header_value("the API version", api_version)?);
    let mut user_agent = format!("{} stripe-runtime/{}", spec.user_agent, env!("CARGO_PKG_VERSION"));
    if let Some(app_info) = &settings.app_info {
        // Writing to a String cannot fail.
        let _ = write!(user_agent, " {app_info}");
    }
    headers.insert(USER_AGENT, check_header_value("the User-Agent", &user_agent)?);
    let client_user_agent = telemetry::client_user_agent(spec.user_agent, settings.app_info.as_ref());
    headers.insert(
        HeaderName::from_static("x-stripe-client-user-agent"),
        check_header_value("the X-Stripe-Client-User-Agent", &client_user_agent)?,
    );
    if settings.telemetry {
        if let Some(telemetry) = client.inner.metrics.next_header() {
            headers.insert(
                HeaderName::from_static("x-stripe-client-telemetry"),
                check_header_value("the X-Stripe-Client-Telemetry", &telemetry)?,
            );
        }
    }
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    if let Some(body) = body {
        headers.insert(CONTENT_TYPE, body.content_type.clone());
        // Also for an empty body, which hyper would send without a length (as
        // stripe-node does, and as RFC 9110 asks of a POST).
        headers.insert(CONTENT_LENGTH, HeaderValue::from(body.bytes.len()));
    }
    if let Some(account) = options.stripe_account.as_ref().or(settings.stripe_account.as_ref()) {
        headers.insert(HeaderName::from_static("stripe-account"), check_header_value("the Stripe-Account", account)?);
    }
    let idempotency_key = match &options.idempotency_key {
        Some(key) => Some(check_header_value("the Idempotency-Key", key)?),
        None if method == Method::Post => {
            Some(HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()).expect("a UUID is a valid header value"))
        }
        None => None,
    };
    if let Some(key) = idempotency_key {
        headers.insert(HeaderName::from_static("idempotency-key"), key);
    }
    for (name, value) in &options.headers {
        let header_name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::Config(format!("{name:?} is not a valid HTTP header name")))?;
        let mut value = check_header_value(&format!("the value of the header {name:?}"), value.expose())?;
        value.set_sensitive(true);
        headers.insert(header_name, value);
    }
    Ok(headers)
}

/// The `Authorization` header for `key`, marked sensitive.
pub(super) fn authorization(key: &Secret) -> Result<HeaderValue, Error> {
    let mut value = check_header_value("the API key", &format!("Bearer {}", key.expose()))?;
    value.set_sensitive(true);
    Ok(value)
}

/// `value` as a header value, or a [`Error::Config`] naming `what` (never the value,
/// which may be a key).
pub(super) fn check_header_value(what: &str, value: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(value).map_err(|_| {
        Error::Config(format!(
            "{what} cannot be sent in an HTTP header: only visible ASCII, spaces and tabs are allowed"
        ))
    })
}

/// The start of a body for an error message: at most 200 characters, with the
/// API key (should a proxy echo it) blanked out.
fn snippet(body: &[u8], secret_key: &str) -> String {
    const MAX_CHARS: usize = 200;
    let head = &body[..body.len().min(4 * MAX_CHARS + secret_key.len())];
    let mut text = String::from_utf8_lossy(head).into_owned();
    if !secret_key.is_empty() {
        text = text.replace(secret_key, "<redacted>");
    }
    match text.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => text[..end].to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_short_and_redacted() {
        assert_eq!(snippet(b"<html>502</html>", "sk"), "<html>502</html>");
        assert_eq!(snippet(b"", ""), "");
        assert_eq!(snippet("é".repeat(500).as_bytes(), "sk").chars().count(), 200);
        assert_eq!(snippet(b"x\xff", "sk"), "x\u{fffd}");
        assert_eq!(snippet(b"Bearer sk_test_SECRET123 echoed", "sk_test_SECRET123"), "Bearer <redacted> echoed");
    }
}
