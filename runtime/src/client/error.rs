use std::fmt;
use std::time::Duration;

use serde::Deserialize;

use crate::form::FormError;

/// Everything that can go wrong with a request.
///
/// Where there was a response, the error carries its HTTP status and the value of
/// its `Request-Id` header (quote it to Stripe support). No variant ever contains
/// the API key: it is sent in a header and never formatted. Following the Rust API
/// guidelines, the cause (a network, JSON or encoding error) is not repeated in the
/// message: it is the error's [`source`](std::error::Error::source).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Stripe answered with an error (a non-2xx status and Stripe's error JSON).
    #[error("Stripe API error (HTTP {status}{}): {error}", RequestIdSuffix(request_id.as_deref()))]
    Api {
        /// The HTTP status (400, 402, 404, 429...).
        status: u16,
        /// The `Request-Id` response header.
        request_id: Option<String>,
        /// The `error` object of the response (boxed to keep `Result<_, Error>` small).
        error: Box<ApiErrorBody>,
    },
    /// The request could not be sent or its response could not be read: the host
    /// name did not resolve, the connection was refused or reset, the proxy (if
    /// any) could not be reached or refused the tunnel (`407 Proxy Authentication
    /// Required`...), the TLS handshake failed (an untrusted certificate...), or
    /// the response body broke off. Only returned once the retries are spent.
    ///
    /// The cause is boxed so that no type of the HTTP stack is part of this API;
    /// follow its [`source`](std::error::Error::source) chain for the details (for
    /// a connection that failed, it usually holds a [`std::io::Error`], of kind
    /// [`ConnectionRefused`](std::io::ErrorKind::ConnectionRefused)...).
    #[error("HTTP error talking to Stripe")]
    Http(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// No complete response (from connecting to the end of the body) within the
    /// timeout of an attempt. Only returned once the retries are spent.
    #[error("request to Stripe timed out (timeout {timeout:?})")]
    Timeout {
        /// The timeout that was exceeded (per attempt).
        timeout: Duration,
    },
    /// The response body was not the JSON that was expected: an HTML page from a
    /// proxy, truncated JSON, or JSON of another shape.
    #[error(
        "could not decode Stripe's response (HTTP {status}{}); body starts with {body_snippet:?}",
        RequestIdSuffix(request_id.as_deref())
    )]
    Decode {
        /// The HTTP status of the response.
        status: u16,
        /// The `Request-Id` response header.
        request_id: Option<String>,
        /// The start of the body (at most 200 characters, lossily decoded as UTF-8).
        body_snippet: String,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// The params could not be form-encoded.
    #[error("could not encode the request params")]
    Encode(#[from] FormError),
    /// A client or request setting was invalid: a base URL that is not an `http(s)`
    /// URL, a proxy URL that is not an `http` URL, an API key, account or header
    /// that cannot be sent as an HTTP header (or,
    /// from [`ClientBuilder::build`](crate::ClientBuilder::build), a TLS configuration
    /// that rustls refuses).
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The request path was refused before anything was sent: it does not start
    /// with a single `/`, has an empty segment (an empty id), a dot segment (an id
    /// `.` or `..`, however spelled), or characters that are not allowed raw in a
    /// path (see [`path_segment`](crate::path_segment)).
    #[error("refusing to send a request to the path {path:?}: {reason}")]
    InvalidPath {
        /// The path that was refused.
        path: String,
        /// Why.
        reason: &'static str,
    },
}

impl Error {
    /// The HTTP status of the response, where there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The `Request-Id` header of the response, where there was one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api { request_id, .. } | Error::Decode { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }
}

/// The `error` object of a Stripe error response.
///
/// See <https://stripe.com/docs/api/errors>.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ApiErrorBody {
    /// The type of error: `api_error`, `card_error`, `idempotency_error` or
    /// `invalid_request_error`.
    #[serde(rename = "type")]
    pub type_: String,
    /// A short string for errors that can be handled programmatically
    /// (`resource_missing`, `lock_timeout`...).
    #[serde(default)]
    pub code: Option<String>,
    /// For card errors from a decline, the issuer's reason.
    #[serde(default)]
    pub decline_code: Option<String>,
    /// For errors about a parameter, its name.
    #[serde(default)]
    pub param: Option<String>,
    /// A human-readable message.
    #[serde(default)]
    pub message: Option<String>,
    /// A URL to more information about the error code.
    #[serde(default)]
    pub doc_url: Option<String>,
}

impl fmt::Display for ApiErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.type_)?;
        if let Some(code) = &self.code {
            write!(f, " ({code})")?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        if let Some(param) = &self.param {
            write!(f, " [param: {param}]")?;
        }
        Ok(())
    }
}

/// The body of an error response: `{"error": {...}}`.
#[derive(Deserialize)]
pub(crate) struct ErrorEnvelope {
    pub(crate) error: Box<ApiErrorBody>,
}

/// Just the `error.code` of an error response, to decide on a retry.
#[derive(Deserialize)]
pub(crate) struct ErrorCodeEnvelope {
    error: ErrorCode,
}

#[derive(Deserialize)]
struct ErrorCode {
    #[serde(default)]
    code: Option<String>,
}

impl ErrorCodeEnvelope {
    /// The `error.code` of `body`, if it is an error JSON with a code.
    pub(crate) fn code_of(body: &[u8]) -> Option<String> {
        serde_json::from_slice::<ErrorCodeEnvelope>(body).ok()?.error.code
    }
}

/// Formats `, request req_123` when there is a request id.
struct RequestIdSuffix<'a>(Option<&'a str>);

impl fmt::Display for RequestIdSuffix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(id) => write!(f, ", request {id}"),
            None => Ok(()),
        }
    }
}
