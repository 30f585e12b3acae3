use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use hyper::body::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::response::Response;
use super::send::{self, Target};
use super::{ApiSpec, Client, Error, Secret};
use crate::form::{self, FormError};
use crate::multipart;

/// The HTTP method of a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`: reads.
    Get,
    /// `POST`: creates and updates (and most actions).
    Post,
    /// `DELETE`: deletes.
    Delete,
}

impl Method {
    /// The method as it goes on the wire (`GET`).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }

    pub(super) fn to_http(self) -> hyper::Method {
        match self {
            Method::Get => hyper::Method::GET,
            Method::Post => hyper::Method::POST,
            Method::Delete => hyper::Method::DELETE,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a request's params go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParamsIn {
    /// In the query string (`GET` and `DELETE`): `path?a=1&b=2`, no `?` when there
    /// are no params.
    Query,
    /// In an `application/x-www-form-urlencoded` body (`POST`).
    Body,
    /// In a `multipart/form-data` body (see [`multipart`](crate::multipart)), for
    /// the operations that upload files ([`FileUpload`](crate::FileUpload)
    /// fields), such as `POST /v1/files`.
    Multipart,
}

/// Per-request settings that override the [`Client`]'s.
///
/// ```
/// use std::time::Duration;
/// use stripe_runtime::RequestOptions;
///
/// let options = RequestOptions::new()
///     .stripe_account("acct_123")
///     .idempotency_key("order-6735")
///     .timeout(Duration::from_secs(10))
///     .max_retries(0)
///     .header("Stripe-Context", "ctx_123");
/// # let _ = options;
/// ```
///
/// Its `Debug` output never shows the API key, nor the values of extra headers.
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct RequestOptions {
    pub(super) stripe_account: Option<String>,
    pub(super) idempotency_key: Option<String>,
    pub(super) api_key: Option<Secret>,
    pub(super) api_version: Option<String>,
    pub(super) timeout: Option<Duration>,
    pub(super) max_retries: Option<u32>,
    pub(super) headers: Vec<(String, Secret)>,
}

impl RequestOptions {
    /// No overrides.
    pub fn new() -> RequestOptions {
        RequestOptions::default()
    }

    /// Makes the request on behalf of this connected account (the
    /// `Stripe-Account` header).
    pub fn stripe_account(mut self, account: impl Into<String>) -> Self {
        self.stripe_account = Some(account.into());
        self
    }

    /// The `Idempotency-Key` to send instead of the random one every `POST` gets.
    /// Retries send the same key either way.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Sends the request with this API key instead of the client's.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(Secret(key.into()));
        self
    }

    /// Sends this `Stripe-Version` instead of the API version the generated crate
    /// follows: for a [raw request](Request::raw) to an endpoint newer than it. The
    /// response is decoded as the request's type all the same.
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }

    /// The timeout of each attempt, instead of the client's.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How many times to retry, instead of the client's setting.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }

    /// Adds a header, sent after (so replacing) the ones the client sets. An
    /// invalid name or value makes the request fail with [`Error::Config`].
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), Secret(value.into())));
        self
    }
}

/// One API call: built by a generated method, optionally given
/// [`RequestOptions`], then sent with [`send`](Request::send) (or, for a list,
/// [`paginate`](Request::paginate)d).
///
/// `T` is the type of the response body.
///
/// Cloning is cheap for a multipart request too: clones share the encoded body.
/// The `Debug` output shows a multipart body's boundary and length, not its bytes.
#[must_use = "a request does nothing until it is sent"]
pub struct Request<T> {
    spec: &'static ApiSpec,
    method: Method,
    path: String,
    /// The operation's own server, if it has one (`https://files.stripe.com`).
    server: Option<&'static str>,
    params_in: ParamsIn,
    /// The encoded params, or why they could not be encoded (returned by `send`).
    pub(super) params: Result<Encoded, FormError>,
    options: RequestOptions,
    response: PhantomData<fn() -> T>,
}

/// Encoded params.
#[derive(Clone)]
pub(super) enum Encoded {
    /// Form-encoded, for the query string or an `application/x-www-form-urlencoded` body.
    Form(String),
    /// A `multipart/form-data` body and its boundary. `Bytes`, so that clones and
    /// retries share it.
    Multipart { boundary: String, body: Bytes },
}

impl fmt::Debug for Encoded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // As the string alone, as before there were multipart bodies.
            Encoded::Form(params) => fmt::Debug::fmt(params, f),
            Encoded::Multipart { boundary, body } => {
                f.debug_struct("Multipart").field("boundary", boundary).field("len", &body.len()).finish()
            }
        }
    }
}

impl<T> Clone for Request<T> {
    fn clone(&self) -> Self {
        Request {
            spec: self.spec,
            method: self.method,
            path: self.path.clone(),
            server: self.server,
            params_in: self.params_in,
            params: self.params.clone(),
            options: self.options.clone(),
            response: PhantomData,
        }
    }
}

impl<T> fmt::Debug for Request<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("server", &self.server)
            .field("params_in", &self.params_in)
            .field("params", &self.params)
            .field("options", &self.options)
            .field("api_version", &self.spec.api_version)
            .finish()
    }
}

impl<T> Request<T> {
    /// The HTTP method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The path (`/v1/identity/verification_sessions/vs_123`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The operation's own server, or `None` for the client's base URL (see
    /// [`server`](Request::server)).
    pub fn server_url(&self) -> Option<&'static str> {
        self.server
    }

    /// Where the params go.
    pub fn params_in(&self) -> ParamsIn {
        self.params_in
    }

    /// The form-encoded params, or the error that [`send`](Request::send) will return.
    ///
    /// A [`ParamsIn::Multipart`] request has no form-encoded params: `Ok("")` when
    /// its body could be encoded.
    pub fn params(&self) -> Result<&str, &FormError> {
        match &self.params {
            Ok(Encoded::Form(params)) => Ok(params),
            Ok(Encoded::Multipart { .. }) => Ok(""),
            Err(e) => Err(e),
        }
    }

    /// The form-encoded params, if they are form-encoded and could be encoded.
    pub(super) fn form_params(&self) -> Option<&str> {
        match &self.params {
            Ok(Encoded::Form(params)) => Some(params),
            _ => None,
        }
    }

    /// A copy of this request with other form-encoded params (for the pages of a list).
    pub(super) fn with_params(&self, params: String) -> Request<T> {
        Request { params: Ok(Encoded::Form(params)), ..self.clone() }
    }
}

impl Request<serde_json::Value> {
    /// A request to any endpoint, answered as JSON: stripe-node's `rawRequest`, for
    /// endpoints outside the generated crate or newer than it (a generated crate
    /// offers it as `raw_request`, with its [`ApiSpec`]).
    ///
    /// `path` is the whole path (`/v1/customers/cus_123`), its ids escaped with
    /// [`path_segment`](crate::path_segment); `params` (any `Serialize` struct or
    /// map, such as `serde_json::json!({"limit": 3})`; `json!({})` for none) go in
    /// the query string for `GET` and `DELETE`, and in the form-encoded body for
    /// `POST`. The request is
    /// sent exactly as a generated method's is: [`send`](Request::send) checks the
    /// path, adds the same headers and retries the same way; a different
    /// `Stripe-Version` can be asked for with [`RequestOptions::api_version`].
    ///
    /// ```no_run
    /// # use stripe_runtime::*;
    /// # static SPEC: ApiSpec = ApiSpec { api_version: "2024-04-10", user_agent: "stripe-api/0.1.0" };
    /// # async fn run(client: &Client) -> Result<(), Error> {
    /// let balance = Request::raw(&SPEC, Method::Get, "/v1/balance", &serde_json::json!({})).send(client).await?;
    /// println!("{}", balance["available"][0]["amount"]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn raw(spec: &'static ApiSpec, method: Method, path: impl Into<String>, params: &impl Serialize) -> Self {
        let params_in = match method {
            Method::Post => ParamsIn::Body,
            Method::Get | Method::Delete => ParamsIn::Query,
        };
        Request::new(spec, method, path.into(), params_in, params)
    }
}

impl<T: DeserializeOwned> Request<T> {
    /// A request for `method path` to the client's base URL, with `params`
    /// encoded now and placed per `params_in`: form-encoded (see
    /// [`form::encode`](crate::form::encode)) in the query string or the body, or,
    /// for [`ParamsIn::Multipart`], as a `multipart/form-data` body with a random
    /// boundary (see [`multipart::encode`](crate::multipart::encode)).
    ///
    /// `path` is the finished path, its ids already escaped with
    /// [`path_segment`](crate::path_segment). An encoding error is kept and
    /// returned by [`send`](Request::send).
    pub fn new(
        spec: &'static ApiSpec,
        method: Method,
        path: String,
        params_in: ParamsIn,
        params: &impl Serialize,
    ) -> Self {
        let params = match params_in {
            ParamsIn::Query | ParamsIn::Body => form::encode(params).map(Encoded::Form),
            ParamsIn::Multipart => {
                let boundary = multipart::random_boundary();
                multipart::encode(params, &boundary)
                    .map(|body| Encoded::Multipart { boundary, body: Bytes::from(body) })
            }
        };
        Request {
            spec,
            method,
            path,
            server: None,
            params_in,
            params,
            options: RequestOptions::default(),
            response: PhantomData,
        }
    }

    /// A request for `method path` with `params` in a `multipart/form-data` body
    /// ([`ParamsIn::Multipart`]), sent to the operation's `server` if it has one
    /// (see [`server`](Request::server)): how a generated method uploads a file.
    ///
    /// ```no_run
    /// # use stripe_runtime::*;
    /// # static SPEC: ApiSpec = ApiSpec { api_version: "2024-04-10", user_agent: "stripe-api/0.1.0" };
    /// # #[derive(serde::Deserialize)] struct File { id: String }
    /// #[derive(serde::Serialize)]
    /// struct CreateFileParams {
    ///     file: FileUpload,
    ///     purpose: &'static str,
    /// }
    ///
    /// # async fn run(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let params = CreateFileParams {
    ///     file: FileUpload::from_path("passport.jpg")?.with_content_type("image/jpeg"),
    ///     purpose: "identity_document",
    /// };
    /// let file: File = Request::multipart(
    ///     &SPEC,
    ///     Method::Post,
    ///     "/v1/files".to_owned(),
    ///     Some("https://files.stripe.com/"),
    ///     &params,
    /// )
    /// .send(client)
    /// .await?;
    /// # let _ = file.id;
    /// # Ok(())
    /// # }
    /// ```
    pub fn multipart(
        spec: &'static ApiSpec,
        method: Method,
        path: String,
        server: Option<&'static str>,
        params: &impl Serialize,
    ) -> Self {
        Request { server, ..Request::new(spec, method, path, ParamsIn::Multipart, params) }
    }

    /// Sends the request to the operation's own server, `url`, as the OpenAPI
    /// document lists it for the operation (`https://files.stripe.com/` for
    /// `POST /v1/files`), instead of the client's base URL.
    ///
    /// Which URL the request then goes to is the client's choice (see
    /// [`ClientBuilder::server_url`](crate::ClientBuilder::server_url)): an
    /// override for this server if one was set, else the base URL if it was
    /// changed from the default (as stripe-node does), else `url`. A `url` that is
    /// not an `http` or `https` URL (see
    /// [`ClientBuilder::base_url`](crate::ClientBuilder::base_url)) makes
    /// [`send`](Request::send) fail with [`Error::Config`].
    pub fn server(mut self, url: &'static str) -> Self {
        self.server = Some(url);
        self
    }

    /// Replaces the request's options.
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }

    /// Sends the request, retrying as Stripe's SDKs do, and decodes the response
    /// (see [`send_with_response`](Request::send_with_response) for the response's
    /// metadata too). The client's [`Transport`](crate::Transport) sends each attempt;
    /// a `stripe_request` [tracing](https://docs.rs/tracing) span covers them.
    ///
    /// # Headers
    ///
    /// `Authorization: Bearer <key>`, `Stripe-Version` (the [`ApiSpec`]'s, or the
    /// options' [`api_version`](RequestOptions::api_version)),
    /// `User-Agent: <the ApiSpec's user agent> stripe-runtime/<version>` (then the
    /// [`AppInfo`](crate::AppInfo), if any), `X-Stripe-Client-User-Agent` and, unless
    /// turned off, `X-Stripe-Client-Telemetry` (see
    /// [`ClientBuilder::telemetry`](crate::ClientBuilder::telemetry)),
    /// `Accept: application/json`,
    /// `Content-Type: application/x-www-form-urlencoded` (or
    /// `multipart/form-data; boundary=...` for [`ParamsIn::Multipart`]) and
    /// `Content-Length` (also `0`) when the params go in the body, `Stripe-Account`
    /// when set on the client or the options, and
    /// `Idempotency-Key`: the one from the options, or else, for every `POST`, a
    /// random UUID (v4). Then the options' extra headers.
    ///
    /// # Server
    ///
    /// The request goes to the client's base URL, or, if it was given the
    /// operation's [`server`](Request::server), to the URL the client has for that
    /// server (see [`ClientBuilder::server_url`](crate::ClientBuilder::server_url)).
    ///
    /// # Retries
    ///
    /// Up to `max_retries` times (from the options, else the client; default 2),
    /// with the same `Idempotency-Key` and the same body, following stripe-node 23.1.0's
    /// `RequestSender._shouldRetry`, in this order:
    ///
    /// 1. no retry once `max_retries` retries were made;
    /// 2. retry when there was no response: connection errors and timeouts (and a
    ///    response body that broke off);
    /// 3. a `Stripe-Should-Retry` response header decides if present: `false`
    ///    never retries, `true` always does (whatever the status);
    /// 4. retry on `409 Conflict`;
    /// 5. retry on `429` whose error code is `lock_timeout` (the rule of
    ///    stripe-ruby, stripe-python and stripe-go; other 429s are rate limits,
    ///    where retrying adds to the contention);
    /// 6. retry on any status of 500 and above, for every method;
    /// 7. nothing else is retried.
    ///
    /// Before retry `n` (counting from 0) it sleeps stripe-node's
    /// `_getSleepTimeInMS(n)`: `min(base * 2^(n-1), 5 s)`, times a random factor
    /// in `0.5..1.0`, but at least `base` (the builder's `retry_base_delay`,
    /// default 0.5 s). A `Retry-After` header is not consulted (stripe-node does
    /// not either).
    ///
    /// # Errors
    ///
    /// [`Error::Encode`] if the params could not be encoded; [`Error::InvalidPath`]
    /// if the path is refused (see [`path_segment`](crate::path_segment));
    /// [`Error::Config`] for an API key, account or header that cannot be sent, or
    /// a server URL that is refused;
    /// then, once retries are spent: [`Error::Api`] for a Stripe error,
    /// [`Error::Http`] or [`Error::Timeout`] without a response, and
    /// [`Error::Decode`] for a body that is not the expected JSON. Nothing is
    /// sent when one of the first three is returned.
    pub async fn send(self, client: &Client) -> Result<T, Error> {
        self.execute(client).await?.decode()
    }

    /// Sends the request as [`send`](Request::send) does, and returns the decoded
    /// value with the response's metadata: the status, the `Request-Id`, the
    /// headers, the idempotency key and `Stripe-Account` that were sent, and how
    /// many attempts were made (stripe-node's `lastResponse`).
    ///
    /// # Errors
    ///
    /// As for [`send`](Request::send).
    pub async fn send_with_response(self, client: &Client) -> Result<Response<T>, Error> {
        self.execute(client).await?.into_response()
    }

    /// Sends the request; the response if its status is 2xx.
    async fn execute<'a>(&'a self, client: &'a Client) -> Result<send::Sent<'a>, Error> {
        let params = self.params.as_ref().map_err(|e| Error::Encode(e.clone()))?;
        let target = Target { method: self.method, server: self.server, path: &self.path };
        send::execute(client, self.spec, target, self.params_in, params, &self.options).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_encoded_when_the_request_is_made() {
        static SPEC: ApiSpec = ApiSpec { api_version: "2023-08-16", user_agent: "stripe-api/0.1.0" };
        #[derive(Serialize)]
        struct Params {
            limit: u32,
        }
        let request: Request<()> =
            Request::new(&SPEC, Method::Get, "/v1/things".into(), ParamsIn::Query, &Params { limit: 3 });
        assert_eq!(request.params(), Ok("limit=3"));
        assert_eq!(request.method(), Method::Get);
        assert_eq!(request.path(), "/v1/things");
        assert_eq!(request.params_in(), ParamsIn::Query);
        let request: Request<()> = Request::new(&SPEC, Method::Get, "/v1/things".into(), ParamsIn::Query, &"no");
        assert!(request.params().is_err());
    }

    #[test]
    fn multipart_params_are_encoded_when_the_request_is_made() {
        static SPEC: ApiSpec = ApiSpec { api_version: "2024-04-10", user_agent: "stripe-api/0.1.0" };
        #[derive(Serialize)]
        struct Params {
            file: crate::FileUpload,
            purpose: &'static str,
        }
        let params = Params { file: crate::FileUpload::new("a.txt", "hi"), purpose: "dispute_evidence" };
        let request: Request<()> =
            Request::multipart(&SPEC, Method::Post, "/v1/files".into(), Some("https://files.stripe.com/"), &params);
        assert_eq!(request.params_in(), ParamsIn::Multipart);
        assert_eq!(request.server_url(), Some("https://files.stripe.com/"));
        let Ok(Encoded::Multipart { boundary, body }) = &request.params else { panic!("{request:?}") };
        assert_eq!(body.as_ref(), multipart::encode(&params, boundary).unwrap());
        // `new` with `ParamsIn::Multipart` is the same, on the base URL, with another boundary.
        let other: Request<()> = Request::new(&SPEC, Method::Post, "/v1/files".into(), ParamsIn::Multipart, &params);
        assert_eq!(other.server_url(), None);
        let Ok(Encoded::Multipart { boundary: other_boundary, .. }) = &other.params else { panic!("{other:?}") };
        assert_ne!(boundary, other_boundary);
        // A server can be given to any request.
        let form: Request<()> = Request::new(&SPEC, Method::Post, "/v1/x".into(), ParamsIn::Body, &())
            .server("https://meter-events.stripe.com");
        assert_eq!(form.server_url(), Some("https://meter-events.stripe.com"));
        assert_eq!(
            format!("{form:?}"),
            "Request { method: Post, path: \"/v1/x\", server: Some(\"https://meter-events.stripe.com\"), \
             params_in: Body, params: Err(NotAStructOrMap { found: \"a unit value\" }), options: RequestOptions { \
             stripe_account: None, idempotency_key: None, api_key: None, api_version: None, timeout: None, \
             max_retries: None, \
             headers: [] }, api_version: \"2024-04-10\" }"
        );
    }
}
