//! [`Response`]: a decoded value with what the response and the request said
//! about it (stripe-node's `lastResponse`).

use hyper::HeaderMap;

/// The decoded value of a successful request, with the response's metadata:
/// what [`Request::send_with_response`](crate::Request::send_with_response)
/// returns.
///
/// Stripe's support asks for the `Request-Id` of a call, successful ones too.
///
/// ```no_run
/// # use stripe_runtime::*;
/// # async fn run(client: &Client, request: Request<serde_json::Value>) -> Result<(), Error> {
/// let response = request.send_with_response(client).await?;
/// println!("{} in {} attempt(s), request id {:?}", response.status, response.attempts, response.request_id);
/// let value = response.value;
/// # let _ = value;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Response<T> {
    /// The decoded body.
    pub value: T,
    /// The HTTP status (200...).
    pub status: u16,
    /// The `Request-Id` response header.
    pub request_id: Option<String>,
    /// The `Stripe-Version` response header: the API version the response follows.
    pub api_version: Option<String>,
    /// All response headers.
    pub headers: HeaderMap,
    /// The `Idempotency-Key` the request was sent with (the same on every attempt):
    /// the one from its options, or the random one every `POST` gets; `None` for
    /// a `GET` or `DELETE` without one.
    pub idempotency_key: Option<String>,
    /// The `Stripe-Account` the request was sent with, if any.
    pub stripe_account: Option<String>,
    /// How many times the request was sent: 1, plus the retries.
    pub attempts: u32,
}

impl<T> Response<T> {
    /// The decoded value, without the metadata.
    pub fn into_value(self) -> T {
        self.value
    }

    /// This metadata with `f` applied to the value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            value: f(self.value),
            status: self.status,
            request_id: self.request_id,
            api_version: self.api_version,
            headers: self.headers,
            idempotency_key: self.idempotency_key,
            stripe_account: self.stripe_account,
            attempts: self.attempts,
        }
    }
}
