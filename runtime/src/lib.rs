//! Hand-written runtime for the generated Stripe crate.
//!
//! The generator emits one crate per spec and selection; everything that does not
//! depend on the spec lives here once, instead of being emitted into every
//! generated crate: the HTTP [`Client`], [`Expandable`] fields, [`Timestamp`]s,
//! Stripe [`List`] objects, the serde plumbing of string enums ([`wire_enum!`]),
//! the encoders of params ([`form`], [`multipart`]) and file uploads
//! ([`FileUpload`]).
//!
//! # Making requests
//!
//! A generated method builds a [`Request`] (method, path, params and the
//! [`ApiSpec`] of the generated crate); the caller may give it
//! [`RequestOptions`], then sends it with a [`Client`]:
//!
//! ```no_run
//! # use stripe_runtime::*;
//! # #[derive(serde::Deserialize)] struct VerificationSession { id: String }
//! # #[derive(serde::Serialize)] struct RetrieveParams {}
//! static SPEC: ApiSpec = ApiSpec { api_version: "2023-08-16", user_agent: "stripe-api/0.1.0" };
//!
//! # async fn run() -> Result<(), Error> {
//! let client = Client::new("sk_test_...");
//! let session: VerificationSession = Request::new(
//!     &SPEC,
//!     Method::Get,
//!     format!("/v1/identity/verification_sessions/{}", path_segment("vs_123")),
//!     ParamsIn::Query,
//!     &RetrieveParams {},
//! )
//! .options(RequestOptions::new().stripe_account("acct_123"))
//! .send(&client)
//! .await?;
//! # let _ = session.id;
//! # Ok(())
//! # }
//! ```
//!
//! [`Request::send`] adds Stripe's headers, an `Idempotency-Key` to every `POST`,
//! and retries with exponential backoff as Stripe's SDKs do; failures come back as
//! one [`Error`] type. A request for a [`List`] can also be
//! [paginated](Request::paginate) as a stream of items, or
//! [collected](Request::collect_all). Ids in paths are escaped with
//! [`path_segment`]. The transport is hyper's pooled client (`hyper-util`) over
//! rustls (with the *ring* crypto provider and Mozilla's root certificates from
//! `webpki-roots`, TLS 1.2 and 1.3), HTTP/1.1, on a Tokio runtime. It follows no
//! redirects. It connects directly unless given an HTTP proxy, explicitly
//! ([`ClientBuilder::proxy`]) or from `HTTPS_PROXY` and `NO_PROXY`
//! ([`ClientBuilder::proxy_from_env`]; the environment is not read otherwise).
//!
//! # In production
//!
//! [`Request::send_with_response`] returns the value with the response's metadata
//! ([`Response`]: status, request id, headers, idempotency key, account, attempts).
//! [`Request::raw`] reaches any endpoint, answered as JSON. Requests carry
//! Stripe's telemetry headers (see [`ClientBuilder::telemetry`]) and are traced
//! with [`tracing`](https://docs.rs/tracing) (a span per request, an event per
//! retry; no secrets). The client sends through a [`Transport`]: hyper's by
//! default, or another one ([`ClientBuilder::transport`]), such as
//! [`mock::MockTransport`] for tests of code that calls Stripe.
//!
//! # Params
//!
//! The [`form`] encoder turns params structs into Stripe's
//! `application/x-www-form-urlencoded` query strings and bodies, [`Clearable`]
//! params unset a field with Stripe's empty-value convention, and [`RangeQuery`]
//! (with [`RangeBounds`]) expresses range filters such as `created[gte]=...`.
//!
//! # File uploads
//!
//! Operations that upload files (`POST /v1/files`) take `multipart/form-data`
//! bodies: their params have [`FileUpload`] fields, and their requests are made
//! with [`ParamsIn::Multipart`] ([`Request::multipart`]); the [`multipart`]
//! encoder writes the body stripe-node writes. Such operations are served by a
//! server of their own (`https://files.stripe.com`), which the request names
//! ([`Request::server`]) and the client can redirect
//! ([`ClientBuilder::server_url`]).
//!
//! # Webhooks
//!
//! [`webhook::construct_event`] checks the `Stripe-Signature` header of a webhook
//! request against its raw body (HMAC-SHA256 with the endpoint secret, any `v1`
//! signature, a timestamp within a tolerance of 5 minutes, as Stripe's SDKs do)
//! and decodes the body as an event; [`webhook::Webhook`] sets the tolerance
//! and the current time, and [`webhook::generate_test_header`] signs payloads
//! for tests.

#![warn(missing_docs)]

mod client;
mod expandable;
pub mod fields;
pub mod form;
mod list;
pub mod mock;
pub mod multipart;
mod object_tag;
mod params;
mod tagged;
mod timestamp;
pub mod webhook;
mod wire_enum;

pub use client::{
    path_segment, ApiErrorBody, ApiSpec, AppInfo, Client, ClientBuilder, Error, HttpRequest, HttpResponse, Method,
    Paginator, ParamsIn, Request, RequestOptions, Response, Transport, TransportError, TransportFuture,
};

/// The HTTP types of [`Transport`]s and [`Response`]s (from the `http` crate, through
/// hyper).
pub mod http {
    pub use hyper::body::Bytes;
    pub use hyper::header::{HeaderMap, HeaderName, HeaderValue};
    pub use hyper::Uri;
}
pub use expandable::{Expandable, Object};
pub use list::List;
pub use multipart::FileUpload;
pub use object_tag::{ObjectName, ObjectTag};
pub use params::{Clearable, RangeBounds, RangeQuery};
pub use timestamp::Timestamp;

#[doc(hidden)]
pub mod __private {
    pub use serde;

    pub use crate::tagged::decode_tagged;
}
