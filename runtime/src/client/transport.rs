//! The transport: hyper-util's pooled HTTP/1.1 client over hyper-rustls (rustls
//! with the *ring* provider and Mozilla's roots from `webpki-roots`), plain HTTP
//! allowed (for test servers and proxies on loopback).

use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{HeaderMap, Request};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use super::Error;

/// How long an idle connection stays in the pool (hyper-util's and reqwest's default).
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// The HTTP client of a [`Client`](super::Client): a connection pool, cheap to clone.
#[derive(Clone)]
pub(super) struct Transport {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
}

/// A response with its body read.
pub(super) struct RawResponse {
    pub(super) status: u16,
    pub(super) headers: HeaderMap,
    pub(super) body: Vec<u8>,
}

impl Transport {
    /// Builds the TLS configuration and the pool; nothing connects yet, and no
    /// Tokio runtime is needed until the first request.
    ///
    /// The *ring* provider is named explicitly rather than taken from the process
    /// default, which rustls cannot pick (and would panic over) when another crate
    /// in the build enables its aws-lc-rs provider too.
    pub(super) fn new() -> Result<Transport, rustls::Error> {
        let mut http = HttpConnector::new();
        // The HTTPS connector checks the scheme; the TCP one must let `https` through.
        http.enforce_http(false);
        // Requests are small and latency-bound (reqwest's default too).
        http.set_nodelay(true);
        let https = HttpsConnectorBuilder::new()
            // TLS 1.2 and 1.3 (rustls' safe defaults), Mozilla's roots, no client auth.
            .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())?
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        // An API client has no business following redirects, and hyper does not.
        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
            .build(https);
        Ok(Transport { client })
    }

    /// Sends one attempt of a request and reads the whole response body, all
    /// within `timeout`.
    ///
    /// # Errors
    ///
    /// [`Error::Timeout`] if the time ran out, [`Error::Http`] if the request could
    /// not be sent or the response not read (whatever its status).
    pub(super) async fn send(&self, request: Request<Full<Bytes>>, timeout: Duration) -> Result<RawResponse, Error> {
        let attempt = async {
            let response = self.client.request(request).await.map_err(|e| Error::Http(Box::new(e)))?;
            let (parts, body) = response.into_parts();
            let body = body.collect().await.map_err(|e| Error::Http(Box::new(e)))?.to_bytes();
            Ok(RawResponse { status: parts.status.as_u16(), headers: parts.headers, body: Vec::from(body) })
        };
        // Dropping the attempt on a timeout drops its connection too.
        tokio::time::timeout(timeout, attempt).await.unwrap_or_else(|_elapsed| Err(Error::Timeout { timeout }))
    }
}
