//! Testing code that calls Stripe, without a network: [`MockTransport`] answers a
//! [`Client`]'s requests from memory and records each of them.
//!
//! ```
//! use stripe_runtime::mock::{MockResponse, MockTransport};
//! use stripe_runtime::{ApiSpec, Method, Request};
//!
//! static SPEC: ApiSpec = ApiSpec { api_version: "2024-04-10", user_agent: "stripe-api/0.1.0" };
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), stripe_runtime::Error> {
//! let mock = MockTransport::new();
//! mock.on(Method::Post, "/v1/customers", MockResponse::json(200, r#"{"id":"cus_123"}"#));
//! let client = mock.client();
//!
//! let params = serde_json::json!({"email": "jenny@example.com"});
//! let customer = Request::raw(&SPEC, Method::Post, "/v1/customers", &params).send(&client).await?;
//! assert_eq!(customer["id"], "cus_123");
//!
//! let requests = mock.requests();
//! assert_eq!(requests.len(), 1);
//! assert_eq!(requests[0].method, Method::Post);
//! assert_eq!(requests[0].path, "/v1/customers");
//! assert_eq!(requests[0].body_str(), "email=jenny%40example.com");
//! # Ok(())
//! # }
//! ```

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use hyper::body::Bytes;
use hyper::header::{HeaderMap, HeaderName, HeaderValue};

use crate::client::{HttpRequest, HttpResponse, Transport, TransportFuture};
use crate::{Client, Method};

/// The key of [`MockTransport::client`]'s client.
pub const MOCK_API_KEY: &str = "sk_test_mock";

/// A [`Transport`] that answers from memory and records every request.
///
/// Each request is answered by, in order:
/// 1. the oldest response [`push`](MockTransport::push)ed and not yet used;
/// 2. else the latest response registered with [`on`](MockTransport::on) for the
///    request's method and path (the query string is not compared);
/// 3. else `404` with a Stripe error saying that nothing was scripted for the
///    request, and `Stripe-Should-Retry: false` so that it is not retried.
///
/// Clones share the queue, the routes and the record, so a test can keep one and
/// give the client another. Requests are recorded in the order they were sent,
/// each attempt of a retried request on its own.
#[derive(Clone, Default)]
pub struct MockTransport {
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    queue: VecDeque<MockResponse>,
    routes: Vec<(Method, String, MockResponse)>,
    requests: Vec<MockRequest>,
}

impl MockTransport {
    /// A transport with nothing scripted.
    pub fn new() -> MockTransport {
        MockTransport::default()
    }

    /// Queues a response for the next request that arrives, whatever it is.
    pub fn push(&self, response: MockResponse) -> &Self {
        self.lock().queue.push_back(response);
        self
    }

    /// Answers every request for `method path` (`/v1/customers/cus_123`, without
    /// the query string) with `response`, unless a [`push`](MockTransport::push)ed
    /// response is waiting. A later `on` for the same method and path replaces it.
    pub fn on(&self, method: Method, path: &str, response: MockResponse) -> &Self {
        let mut state = self.lock();
        state.routes.retain(|(m, p, _)| !(*m == method && p == path));
        state.routes.push((method, path.to_owned(), response));
        self
    }

    /// The requests received so far, oldest first (each attempt of a retried
    /// request is one).
    pub fn requests(&self) -> Vec<MockRequest> {
        self.lock().requests.clone()
    }

    /// A client that sends through this transport, with the key [`MOCK_API_KEY`]
    /// and otherwise the default settings (retries included, with a 1 ms base
    /// delay so that tests of retries are quick). Use
    /// [`ClientBuilder::transport`](crate::ClientBuilder::transport) for other settings.
    pub fn client(&self) -> Client {
        Client::builder(MOCK_API_KEY)
            .transport(self.clone())
            .retry_base_delay(std::time::Duration::from_millis(1))
            .build()
            .expect("the mock client's settings are valid")
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn answer(&self, request: HttpRequest) -> HttpResponse {
        let recorded = MockRequest::from(request);
        let mut state = self.lock();
        let response = state.queue.pop_front().or_else(|| {
            let route = state.routes.iter().rev().find(|(m, p, _)| *m == recorded.method && *p == recorded.path);
            route.map(|(_, _, response)| response.clone())
        });
        let response = response.unwrap_or_else(|| MockResponse::unscripted(&recorded));
        state.requests.push(recorded);
        response.into_http_response()
    }
}

impl Transport for MockTransport {
    fn send(&self, request: HttpRequest) -> TransportFuture<'_> {
        let response = self.answer(request);
        Box::pin(async move { Ok(response) })
    }
}

impl fmt::Debug for MockTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("MockTransport")
            .field("queued", &state.queue.len())
            .field("routes", &state.routes.len())
            .field("requests", &state.requests.len())
            .finish()
    }
}

/// A scripted response.
#[derive(Clone, Debug)]
pub struct MockResponse {
    status: u16,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Bytes,
}

impl MockResponse {
    /// A response with this status and JSON body (`Content-Type: application/json`).
    pub fn json(status: u16, body: impl Into<String>) -> MockResponse {
        MockResponse {
            status,
            headers: vec![(hyper::header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
            body: Bytes::from(body.into()),
        }
    }

    /// A Stripe error response: `{"error":{"type":...,"code":...,"message":...}}`.
    pub fn error(status: u16, error_type: &str, code: &str, message: &str) -> MockResponse {
        let body = serde_json::json!({"error": {"type": error_type, "code": code, "message": message}});
        MockResponse::json(status, body.to_string())
    }

    /// Adds a response header (`Request-Id`, `Stripe-Should-Retry`...).
    ///
    /// # Panics
    ///
    /// If `name` or `value` cannot be a header: a mistake in the test.
    pub fn header(mut self, name: &str, value: &str) -> MockResponse {
        let name = HeaderName::from_bytes(name.as_bytes()).expect("a valid header name");
        let value = HeaderValue::from_str(value).expect("a valid header value");
        self.headers.push((name, value));
        self
    }

    fn unscripted(request: &MockRequest) -> MockResponse {
        let message = format!("MockTransport has no response for {} {}", request.method, request.path);
        MockResponse::error(404, "invalid_request_error", "mock_unscripted", &message)
            .header("stripe-should-retry", "false")
    }

    /// The response as a [`Transport`] returns it (for transports of your own).
    pub fn into_http_response(self) -> HttpResponse {
        let mut headers = HeaderMap::new();
        for (name, value) in self.headers {
            headers.append(name, value);
        }
        HttpResponse { status: self.status, headers, body: self.body }
    }
}

/// A request as [`MockTransport`] received it.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct MockRequest {
    /// The HTTP method.
    pub method: Method,
    /// The path (`/v1/customers/cus_123`).
    pub path: String,
    /// The query string, without the `?`, if there was one.
    pub query: Option<String>,
    /// The request headers (`Authorization` included).
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl MockRequest {
    /// The value of the header `name`, if it was sent once and is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        let mut values = self.headers.get_all(name).iter();
        match (values.next(), values.next()) {
            (Some(value), None) => value.to_str().ok(),
            _ => None,
        }
    }

    /// The body as text (lossily, for a multipart body with binary parts).
    pub fn body_str(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }
}

impl From<HttpRequest> for MockRequest {
    fn from(request: HttpRequest) -> MockRequest {
        MockRequest {
            method: request.method,
            path: request.uri.path().to_owned(),
            query: request.uri.query().map(str::to_owned),
            headers: request.headers,
            body: request.body,
        }
    }
}
