//! The transport: hyper-util's pooled HTTP/1.1 client over hyper-rustls (rustls
//! with the *ring* provider and Mozilla's roots from `webpki-roots`), plain HTTP
//! allowed (for test servers on loopback), over TCP connections made directly or
//! through an HTTP proxy's `CONNECT` tunnel.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{HeaderMap, Request, Uri};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use tower_service::Service;

use super::proxy::Proxy;
use super::Error;

/// How long an idle connection stays in the pool (hyper-util's and reqwest's default).
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// The HTTP client of a [`Client`](super::Client): a connection pool, cheap to clone.
#[derive(Clone)]
pub(super) struct Transport {
    client: Client<HttpsConnector<Connector>, Full<Bytes>>,
}

/// A response with its body read.
pub(super) struct RawResponse {
    pub(super) status: u16,
    pub(super) headers: HeaderMap,
    pub(super) body: Vec<u8>,
}

impl Transport {
    /// Builds the TLS configuration and the pool, connecting through `proxy` if
    /// given; nothing connects yet, and no Tokio runtime is needed until the first
    /// request.
    ///
    /// The *ring* provider is named explicitly rather than taken from the process
    /// default, which rustls cannot pick (and would panic over) when another crate
    /// in the build enables its aws-lc-rs provider too.
    pub(super) fn new(proxy: Option<Proxy>) -> Result<Transport, rustls::Error> {
        let mut http = HttpConnector::new();
        // The HTTPS connector checks the scheme; the TCP one must let `https` through.
        http.enforce_http(false);
        // Requests are small and latency-bound (reqwest's default too).
        http.set_nodelay(true);
        let tcp = match proxy {
            None => Connector::Direct(http),
            // TCP to the proxy, then `CONNECT host:port`; the HTTPS connector around
            // it does TLS to the target (with its name) over the tunnel.
            Some(Proxy { uri, authorization }) => {
                let tunnel = Tunnel::new(uri, http);
                Connector::Tunnel(match authorization {
                    Some(authorization) => tunnel.with_auth(authorization),
                    None => tunnel,
                })
            }
        };
        let https = HttpsConnectorBuilder::new()
            // TLS 1.2 and 1.3 (rustls' safe defaults), Mozilla's roots, no client auth.
            .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())?
            .https_or_http()
            .enable_http1()
            .wrap_connector(tcp);
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

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A TCP connection (hyper-util's, wrapped for hyper's I/O traits).
type Tcp = <HttpConnector as Service<Uri>>::Response;

/// Makes the TCP connections under TLS: directly, or through an HTTP proxy's
/// `CONNECT` tunnel. One type for both, so that the client is built (and
/// compiled) once.
#[derive(Clone)]
enum Connector {
    Direct(HttpConnector),
    Tunnel(Tunnel<HttpConnector>),
}

impl Service<Uri> for Connector {
    type Response = Tcp;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Tcp, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        match self {
            Connector::Direct(http) => http.poll_ready(cx).map_err(Into::into),
            Connector::Tunnel(tunnel) => tunnel.poll_ready(cx).map_err(Into::into),
        }
    }

    fn call(&mut self, target: Uri) -> Self::Future {
        // The errors keep their source chains (the `io::Error` of a refused
        // connection...), which `Error::Http` passes on.
        match self {
            Connector::Direct(http) => {
                let connecting = http.call(target);
                Box::pin(async move { connecting.await.map_err(Into::into) })
            }
            Connector::Tunnel(tunnel) => {
                let connecting = tunnel.call(with_default_port(target));
                Box::pin(async move { connecting.await.map_err(Into::into) })
            }
        }
    }
}

/// `target` with its port spelled out if it is an `http` URI without one: the
/// tunnel asks the proxy for port 443 when the URI names none.
fn with_default_port(target: Uri) -> Uri {
    let authority = match (target.scheme_str(), target.authority()) {
        (Some("http"), Some(authority)) if authority.port().is_none() => format!("{authority}:80"),
        _ => return target,
    };
    Uri::builder().scheme("http").authority(authority).path_and_query("/").build().unwrap_or(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tunnels_to_http_targets_name_port_80() {
        let port = |uri: &str| with_default_port(uri.parse().unwrap()).to_string();
        assert_eq!(port("http://stripe.test"), "http://stripe.test:80/");
        assert_eq!(port("http://stripe.test/"), "http://stripe.test:80/");
        assert_eq!(port("http://[::1]"), "http://[::1]:80/");
        assert_eq!(port("http://stripe.test:8080"), "http://stripe.test:8080/");
        assert_eq!(port("https://api.stripe.com"), "https://api.stripe.com/");
        assert_eq!(port("https://api.stripe.com:8443"), "https://api.stripe.com:8443/");
    }
}
