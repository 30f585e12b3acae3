//! The transport: the [`Transport`] trait a [`Client`](super::Client) sends each
//! attempt of a request through, and the default one, hyper-util's pooled HTTP/1.1
//! client over hyper-rustls (rustls with the *ring* provider and Mozilla's roots
//! from `webpki-roots`), plain HTTP allowed (for test servers on loopback), over TCP
//! connections made directly or through an HTTP proxy's `CONNECT` tunnel.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{HeaderMap, Uri};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use tower_service::Service;

use super::proxy::Proxy;
use super::Method;

/// One attempt of a request, as the client hands it to a [`Transport`]: every
/// header already set (`Authorization` included), the body encoded.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct HttpRequest {
    /// The HTTP method.
    pub method: Method,
    /// The whole URL: the server, the path and the query string, if any
    /// (`https://api.stripe.com/v1/customers?limit=3`).
    pub uri: Uri,
    /// The request headers. The `Authorization` value is marked sensitive.
    pub headers: HeaderMap,
    /// The body (empty for `GET` and `DELETE`).
    pub body: Bytes,
}

/// A response as a [`Transport`] returns it: the status, the headers and the whole
/// body.
#[derive(Clone, Debug)]
pub struct HttpResponse {
    /// The HTTP status (200, 404...).
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Bytes,
}

/// Why a [`Transport`] got no response: the connection failed or broke off. The
/// client retries such failures, then returns them as
/// [`Error::Http`](super::Error::Http).
pub type TransportError = Box<dyn std::error::Error + Send + Sync>;

/// What [`Transport::send`] returns.
pub type TransportFuture<'a> = Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>> + Send + 'a>>;

/// How a [`Client`](super::Client) sends one attempt of a request and reads the
/// whole response: hyper over rustls by default; replaced with
/// [`ClientBuilder::transport`](super::ClientBuilder::transport), such as by the
/// in-memory [`MockTransport`](crate::mock::MockTransport) in tests.
///
/// The client does everything else around it, the same for every transport: the
/// URL, headers and body, the timeout of each attempt (a transport need not have
/// one), retries, idempotency keys, telemetry, tracing and decoding.
pub trait Transport: Send + Sync + 'static {
    /// Sends `request` and reads the whole response, whatever its status.
    fn send(&self, request: HttpRequest) -> TransportFuture<'_>;
}

/// How long an idle connection stays in the pool (hyper-util's and reqwest's default).
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// The default transport: a connection pool, cheap to clone.
#[derive(Clone)]
pub(super) struct HyperTransport {
    client: Client<HttpsConnector<Connector>, Full<Bytes>>,
}

impl HyperTransport {
    /// Builds the TLS configuration and the pool, connecting through `proxy` if
    /// given; nothing connects yet, and no Tokio runtime is needed until the first
    /// request.
    ///
    /// The *ring* provider is named explicitly rather than taken from the process
    /// default, which rustls cannot pick (and would panic over) when another crate
    /// in the build enables its aws-lc-rs provider too.
    pub(super) fn new(proxy: Option<Proxy>) -> Result<HyperTransport, rustls::Error> {
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
        Ok(HyperTransport { client })
    }
}

impl Transport for HyperTransport {
    fn send(&self, request: HttpRequest) -> TransportFuture<'_> {
        let HttpRequest { method, uri, headers, body } = request;
        let mut request = hyper::Request::new(Full::new(body));
        *request.method_mut() = method.to_http();
        *request.uri_mut() = uri;
        *request.headers_mut() = headers;
        let sending = self.client.request(request);
        Box::pin(async move {
            let response = sending.await?;
            let (parts, body) = response.into_parts();
            let body = body.collect().await?.to_bytes();
            Ok(HttpResponse { status: parts.status.as_u16(), headers: parts.headers, body })
        })
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
