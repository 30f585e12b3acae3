//! The async HTTP client: [`Client`], [`Request`], [`RequestOptions`], pagination
//! and [`Error`].
//!
//! Everything here is re-exported at the crate root.

mod error;
mod pagination;
mod path;
mod proxy;
mod request;
mod response;
mod retry;
mod send;
mod telemetry;
mod transport;

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

pub use error::{ApiErrorBody, Error};
pub use pagination::Paginator;
pub use path::path_segment;
pub use request::{Method, ParamsIn, Request, RequestOptions};
pub use response::Response;
pub use transport::{HttpRequest, HttpResponse, Transport, TransportError, TransportFuture};

/// What a generated crate tells the runtime about itself.
///
/// Generated code keeps one in a `static` and hands it to every [`Request`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApiSpec {
    /// The Stripe API version the generated types follow, sent as the
    /// `Stripe-Version` header (`2023-08-16`).
    pub api_version: &'static str,
    /// The generated crate's name and version, the start of the `User-Agent`
    /// header (`stripe-api/0.1.0`).
    pub user_agent: &'static str,
}

/// The default base URL.
const DEFAULT_BASE_URL: &str = "https://api.stripe.com";
/// stripe-node's default `maxNetworkRetries` (`PlatformFunctions.getDefaultMaxNetworkRetries`).
const DEFAULT_MAX_RETRIES: u32 = 2;
/// stripe-node's `DEFAULT_TIMEOUT`: 80 s.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(80);

/// A Stripe API client: the secret key, the connection pool and the defaults of
/// every request.
///
/// Cloning is cheap (an [`Arc`]); clones share the connection pool. `Client` is
/// `Send + Sync`. Its `Debug` output never shows the key.
///
/// ```no_run
/// # async fn run() -> Result<(), stripe_runtime::Error> {
/// use std::time::Duration;
///
/// let client = stripe_runtime::Client::builder("sk_test_...")
///     .max_retries(3)
///     .timeout(Duration::from_secs(30))
///     .build()?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Arc<dyn Transport>,
    /// As built; `base_url` without a trailing `/`.
    settings: Settings,
    /// The request metrics waiting to be sent as telemetry.
    metrics: telemetry::Metrics,
}

/// What a [`ClientBuilder`] collects and a [`Client`] keeps.
#[derive(Clone, Debug)]
struct Settings {
    secret_key: Secret,
    base_url: String,
    /// [`ClientBuilder::server_url`]'s overrides: an operation's server and the URL
    /// to use instead, both checked and trimmed by `build` as base URLs are; one per
    /// server (the last one set).
    servers: Vec<(String, String)>,
    max_retries: u32,
    timeout: Duration,
    retry_base_delay: Duration,
    stripe_account: Option<String>,
    app_info: Option<AppInfo>,
    /// Whether to send `X-Stripe-Client-Telemetry`.
    telemetry: bool,
    /// Resolved by `build`: `Direct` or `Url`.
    proxy: proxy::ProxySetting,
    /// A transport instead of hyper's.
    transport: Option<CustomTransport>,
}

/// A [`Transport`] given to [`ClientBuilder::transport`], in `Debug` output by name only.
#[derive(Clone)]
struct CustomTransport(Arc<dyn Transport>);

impl fmt::Debug for CustomTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CustomTransport")
    }
}

impl Client {
    /// A client with the default settings: base URL `https://api.stripe.com`,
    /// 2 retries, an 80 s timeout.
    ///
    /// A key that cannot be sent in a header is reported by each request as
    /// [`Error::Config`]; [`ClientBuilder::build`] reports it at once.
    ///
    /// # Panics
    ///
    /// If the TLS configuration cannot be built: rustls refusing the *ring*
    /// provider's TLS 1.2 and 1.3, which does not happen with the rustls this crate
    /// is built against. Use [`Client::builder`] to get an error instead.
    pub fn new(secret_key: impl Into<String>) -> Client {
        match Client::builder(secret_key).build_unchecked() {
            Ok(client) => client,
            Err(e) => panic!("cannot build the HTTP client: {e}"),
        }
    }

    /// A builder to change the defaults.
    pub fn builder(secret_key: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            settings: Settings {
                secret_key: Secret(secret_key.into()),
                base_url: DEFAULT_BASE_URL.to_owned(),
                servers: Vec::new(),
                max_retries: DEFAULT_MAX_RETRIES,
                timeout: DEFAULT_TIMEOUT,
                retry_base_delay: retry::INITIAL_DELAY,
                stripe_account: None,
                app_info: None,
                telemetry: true,
                proxy: proxy::ProxySetting::Direct,
                transport: None,
            },
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client").field("settings", &self.inner.settings).finish_non_exhaustive()
    }
}

/// Builds a [`Client`]. Its `Debug` output never shows the key.
#[derive(Clone, Debug)]
#[must_use]
pub struct ClientBuilder {
    settings: Settings,
}

impl ClientBuilder {
    /// The scheme, host and port (and optionally a path prefix) requests go to.
    /// Default `https://api.stripe.com`. Must be an `http` or `https` URL with a
    /// host, without user info, query or fragment; a path prefix must be a plain
    /// path (no empty or dot segments). A trailing `/` is dropped.
    ///
    /// Set to anything but the default, it is also where the operations with a
    /// server of their own go (uploads to `https://files.stripe.com`), unless
    /// [`server_url`](ClientBuilder::server_url) says otherwise: one setting sends
    /// everything to a mock server, as stripe-node's `host` does.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.settings.base_url = url.into();
        self
    }

    /// Sends the requests of the operations whose own server is `server` (as the
    /// OpenAPI document lists it, such as `https://files.stripe.com/` for file
    /// uploads) to `url` instead: a test server, a proxy or gateway for uploads.
    ///
    /// Most operations are served by the base URL; a few have a server of their own,
    /// which their generated method gives the [`Request`] (see
    /// [`Request::server`]). Such a request goes to:
    ///
    /// 1. the `url` set here for its server, if any;
    /// 2. else the [base URL](ClientBuilder::base_url), if it was changed from the
    ///    default `https://api.stripe.com` (stripe-node's rule: a custom `host`
    ///    receives every request);
    /// 3. else its server itself.
    ///
    /// `server` is matched exactly (the scheme, host, port and path of the URL), but
    /// for a trailing `/`. Both must be URLs as for
    /// [`base_url`](ClientBuilder::base_url); [`build`](ClientBuilder::build)
    /// checks them. Setting the same server again replaces its URL. A
    /// [proxy](ClientBuilder::proxy) is used for every server alike.
    ///
    /// ```no_run
    /// # fn run() -> Result<(), stripe_runtime::Error> {
    /// let client = stripe_runtime::Client::builder("sk_test_...")
    ///     .base_url("http://127.0.0.1:12111")
    ///     .server_url("https://files.stripe.com", "http://127.0.0.1:12112")
    ///     .build()?;
    /// # let _ = client;
    /// # Ok(())
    /// # }
    /// ```
    pub fn server_url(mut self, server: impl Into<String>, url: impl Into<String>) -> Self {
        self.settings.servers.push((server.into(), url.into()));
        self
    }

    /// How many times a failed request is retried (see [`Request::send`] for
    /// which failures). Default 2; 0 turns retries off.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.settings.max_retries = max_retries;
        self
    }

    /// The timeout of each attempt, from connecting until the whole response body
    /// has arrived. Default 80 s, like stripe-node.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = timeout;
        self
    }

    /// The initial delay of the exponential backoff between retries. Default
    /// 0.5 s, like every Stripe SDK; the delay doubles per retry and is capped at
    /// 5 s (or at this delay, if it is longer). Tests set it small.
    pub fn retry_base_delay(mut self, delay: Duration) -> Self {
        self.settings.retry_base_delay = delay;
        self
    }

    /// Makes every request on behalf of this connected account (the
    /// `Stripe-Account` header), unless a request's [`RequestOptions`] says
    /// otherwise.
    pub fn stripe_account(mut self, account: impl Into<String>) -> Self {
        self.settings.stripe_account = Some(account.into());
        self
    }

    /// Identifies a plugin or application built on this client in the
    /// `User-Agent` header, as Stripe asks of plugins.
    pub fn app_info(mut self, app_info: AppInfo) -> Self {
        self.settings.app_info = Some(app_info);
        self
    }

    /// Whether to send request telemetry, as Stripe's SDKs do by default: each
    /// request carries the request id and duration of an earlier one in
    /// `X-Stripe-Client-Telemetry` (`{"last_request_metrics":{"request_id":"req_...",
    /// "request_duration_ms":42}}`), which Stripe uses to measure its latency as
    /// clients see it. Default on; `false` stops it (nothing is recorded either).
    ///
    /// Every request also says who is calling in `X-Stripe-Client-User-Agent`: JSON
    /// with these bindings' version, the language (`rust`) and its version, the
    /// publisher, the HTTP library, the generated crate and the
    /// [`AppInfo`], if any. It describes this build only, not the machine, and is
    /// sent either way (stripe-node too keeps sending it).
    pub fn telemetry(mut self, enabled: bool) -> Self {
        self.settings.telemetry = enabled;
        self
    }

    /// Sends every attempt of every request through `transport` instead of hyper's
    /// pooled client: the in-memory [`MockTransport`](crate::mock::MockTransport)
    /// in tests, or a transport of your own (another HTTP stack, a recorder).
    ///
    /// The client still does everything else (URL, headers, body, timeouts,
    /// retries, telemetry, tracing, decoding). The [proxy](ClientBuilder::proxy)
    /// settings are for hyper's transport and are not used with another one.
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.settings.transport = Some(CustomTransport(Arc::new(transport)));
        self
    }

    /// Sends every request through the HTTP proxy at `url`
    /// (`http://proxy.example:3128`, `http://user:password@proxy.example:3128`).
    ///
    /// Each connection is an HTTP `CONNECT` tunnel to the host and port of the
    /// request's URL, the base URL's (`CONNECT api.stripe.com:443`) or an operation
    /// server's (`CONNECT files.stripe.com:443`), opened through the proxy and then used as a
    /// direct connection: TLS to Stripe runs from end to end inside it, so the proxy
    /// sees the host name and port, never the requests. Plain `http://` base URLs (a
    /// test server) are tunnelled the same way, not sent to the proxy as
    /// absolute-form requests. The host name is resolved by the proxy, not here.
    /// Tunnelled connections are pooled like direct ones.
    ///
    /// The URL must be `http://[user[:password]@]host[:port][/]`; the port defaults
    /// to 80. The user and password, percent-decoded (a `@` in a password is
    /// `%40`), are sent to the proxy as `Proxy-Authorization: Basic ...` on each
    /// `CONNECT`, and to no one else; `Debug` output and error messages show the URL
    /// with `<redacted>` in their place. HTTPS proxies (TLS to the proxy itself) and
    /// SOCKS proxies are not supported. [`build`](ClientBuilder::build) checks the
    /// URL. A proxy that refuses the tunnel (`407 Proxy Authentication Required`,
    /// any status but 200) or cannot be reached fails the attempt like a connection
    /// error: it is retried, then returned as [`Error::Http`].
    ///
    /// No proxy is used unless one is set here or with
    /// [`proxy_from_env`](ClientBuilder::proxy_from_env): the environment is not
    /// read implicitly. Replaces an earlier `proxy` or `proxy_from_env`.
    ///
    /// ```no_run
    /// # fn run() -> Result<(), stripe_runtime::Error> {
    /// let client = stripe_runtime::Client::builder("sk_test_...")
    ///     .proxy("http://proxy.internal:3128")
    ///     .build()?;
    /// # let _ = client;
    /// # Ok(())
    /// # }
    /// ```
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.settings.proxy = proxy::ProxySetting::Url(proxy::ProxyUrl::new(url.into()));
        self
    }

    /// Uses the proxy the environment names, as curl does, unless `NO_PROXY` excludes
    /// the base URL's host.
    ///
    /// - The proxy URL is the value of the first of `HTTPS_PROXY`, `https_proxy`,
    ///   `ALL_PROXY` and `all_proxy` that is set and not blank: a URL as for
    ///   [`proxy`](ClientBuilder::proxy), where `http://` may be left out
    ///   (`proxy.internal:3128`). `HTTP_PROXY` is not read: Stripe is HTTPS, and the
    ///   client tunnels every request (`http://` base URLs included) through
    ///   `CONNECT`. Without one, requests go direct.
    /// - `NO_PROXY` (else `no_proxy`) is a comma-separated list of hosts that are
    ///   reached directly: `*` excludes every host; a name excludes itself and its
    ///   subdomains, with or without a leading `.` (`stripe.com` and `.stripe.com`
    ///   both exclude `api.stripe.com`); an IP address excludes only itself.
    ///   Case-insensitive; entries with a port, and CIDR ranges, exclude nothing. It
    ///   is matched against the base URL's host only, and its verdict applies to
    ///   the operations' own servers (uploads) too.
    ///
    /// The variables are read now, `NO_PROXY` applied by
    /// [`build`](ClientBuilder::build), to the base URL set by then. A proxy URL that
    /// is refused (an `https://` proxy...) is an error of `build` naming the
    /// variable, not ignored. Replaces an earlier `proxy` or `proxy_from_env`.
    pub fn proxy_from_env(self) -> Self {
        self.proxy_from_vars(|name| std::env::var(name).ok())
    }

    /// [`proxy_from_env`](ClientBuilder::proxy_from_env) with `var` looking up the
    /// variables (`None` if unset).
    fn proxy_from_vars(mut self, var: impl Fn(&str) -> Option<String>) -> Self {
        self.settings.proxy = proxy::ProxySetting::from_env(var);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] if the base URL is refused (see
    /// [`base_url`](ClientBuilder::base_url)), or a server or its URL (see
    /// [`server_url`](ClientBuilder::server_url)), if the proxy URL is refused (see
    /// [`proxy`](ClientBuilder::proxy)), if the key, account or app info cannot be
    /// sent in an HTTP header, or if the HTTP client cannot be built.
    pub fn build(self) -> Result<Client, Error> {
        let settings = &self.settings;
        send::authorization(&settings.secret_key)?;
        if let Some(account) = &settings.stripe_account {
            send::check_header_value("the Stripe-Account", account)?;
        }
        if let Some(app_info) = &settings.app_info {
            send::check_header_value("the app info", &app_info.to_string())?;
        }
        self.build_unchecked()
    }

    /// Builds the client, leaving the header checks to each request.
    fn build_unchecked(mut self) -> Result<Client, Error> {
        self.settings.base_url = check_base_url(&self.settings.base_url)?;
        let mut servers: Vec<(String, String)> = Vec::with_capacity(self.settings.servers.len());
        for (server, url) in &self.settings.servers {
            let server = check_url("the server", server)?;
            let url = check_url(&format!("the URL for the server {server}"), url)?;
            servers.retain(|(earlier, _)| *earlier != server);
            servers.push((server, url));
        }
        self.settings.servers = servers;
        let base: hyper::Uri = self.settings.base_url.parse().expect("a checked base URL parses");
        let host = base.host().expect("a checked base URL has a host");
        let proxy_url = self.settings.proxy.resolve(host).cloned();
        let proxy = proxy_url.as_ref().map(proxy::ProxyUrl::parse).transpose()?;
        self.settings.proxy = proxy_url.map_or(proxy::ProxySetting::Direct, proxy::ProxySetting::Url);
        let transport: Arc<dyn Transport> = match &self.settings.transport {
            Some(CustomTransport(transport)) => transport.clone(),
            None => Arc::new(
                transport::HyperTransport::new(proxy)
                    .map_err(|e| Error::Config(format!("cannot build the HTTP client's TLS configuration: {e}")))?,
            ),
        };
        let metrics = telemetry::Metrics::default();
        Ok(Client { inner: Arc::new(Inner { transport, settings: self.settings, metrics }) })
    }
}

/// A plugin or application built on the client, for the `User-Agent` header:
/// `name/version (url)`, as the Stripe SDKs format it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppInfo {
    name: String,
    version: Option<String>,
    url: Option<String>,
}

impl AppInfo {
    /// An application called `name`.
    pub fn new(name: impl Into<String>) -> AppInfo {
        AppInfo { name: name.into(), version: None, url: None }
    }

    /// Its version.
    #[must_use]
    pub fn version(mut self, version: impl Into<String>) -> AppInfo {
        self.version = Some(version.into());
        self
    }

    /// Its URL.
    #[must_use]
    pub fn url(mut self, url: impl Into<String>) -> AppInfo {
        self.url = Some(url.into());
        self
    }
}

impl fmt::Display for AppInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        if let Some(version) = &self.version {
            write!(f, "/{version}")?;
        }
        if let Some(url) = &self.url {
            write!(f, " ({url})")?;
        }
        Ok(())
    }
}

impl Settings {
    /// The URL a request goes to, before its path: the base URL, or for an
    /// operation with a `server` of its own, the URL chosen as
    /// [`ClientBuilder::server_url`] says.
    fn server_base_url(&self, server: Option<&str>) -> Result<Cow<'_, str>, Error> {
        let Some(server) = server else { return Ok(Cow::Borrowed(&self.base_url)) };
        let server = check_url("the operation's server", server)?;
        if let Some((_, url)) = self.servers.iter().find(|(overridden, _)| *overridden == server) {
            return Ok(Cow::Borrowed(url));
        }
        if self.base_url != DEFAULT_BASE_URL {
            return Ok(Cow::Borrowed(&self.base_url));
        }
        Ok(Cow::Owned(server))
    }
}

/// Checks a base URL and returns it as `scheme://host[:port][/prefix]`, without a
/// trailing `/`. A path prefix must pass the checks of a request path (see
/// [`path::check_path`]), so that it too goes where it says.
fn check_base_url(url: &str) -> Result<String, Error> {
    check_url("the base URL", url)
}

/// [`check_base_url`] for any URL of a server, `what` naming it in errors.
fn check_url(what: &str, url: &str) -> Result<String, Error> {
    let refuse = |reason: &str| Err(Error::Config(format!("{what} {url:?} {reason}")));
    // `Uri` would drop a fragment silently.
    if url.contains(['?', '#']) {
        return refuse("must not have a query or fragment");
    }
    let parsed: hyper::Uri = match url.parse() {
        Ok(parsed) => parsed,
        Err(e) => return refuse(&format!("is not a URL: {e}")),
    };
    let (Some(scheme @ ("http" | "https")), Some(authority)) = (parsed.scheme_str(), parsed.authority()) else {
        return refuse("must be an http or https URL");
    };
    if authority.as_str().contains('@') {
        // The key goes in the Authorization header; credentials here would be ignored.
        return refuse("must not have user info");
    }
    if authority.host().is_empty() {
        return refuse("has no host");
    }
    if !valid_port_suffix(&authority.as_str()[authority.host().len()..]) {
        return refuse("has an invalid port");
    }
    let prefix = parsed.path().trim_end_matches('/');
    if !prefix.is_empty() && path::check_path(prefix).is_err() {
        return refuse(
            "must have a plain path prefix: no empty or dot segments, only characters allowed raw in a path",
        );
    }
    Ok(format!("{scheme}://{authority}{prefix}"))
}

/// Whether `suffix`, what follows the host in an authority, is nothing or `:port`
/// with a port from 1 to 65535 in digits (`Uri` leaves the port unchecked).
fn valid_port_suffix(suffix: &str) -> bool {
    let valid_port = |p: &str| p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok_and(|p| p != 0);
    suffix.is_empty() || suffix.strip_prefix(':').is_some_and(valid_port)
}

/// A secret (an API key, or a header value that may hold one): its `Debug`
/// output is `<redacted>`, and nothing else formats it.
#[derive(Clone)]
pub(crate) struct Secret(pub(crate) String);

impl Secret {
    /// The secret itself, to send.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_is_send_sync_and_cheap_to_clone() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Client>();
        assert_send_sync::<ClientBuilder>();
        assert_send_sync::<Error>();
        assert_send_sync::<RequestOptions>();
        let client = Client::new("sk_test_123");
        let clone = client.clone();
        assert!(Arc::ptr_eq(&client.inner, &clone.inner));
    }

    #[test]
    fn the_https_client_builds_without_a_tokio_runtime() {
        // rustls with *ring* and the webpki roots; nothing connects until a request.
        let client = Client::builder("sk_test_123").build().unwrap();
        assert_eq!(client.inner.settings.base_url, "https://api.stripe.com");
        let client = Client::builder("sk_test_123").base_url("http://127.0.0.1:12111").build().unwrap();
        assert_eq!(client.inner.settings.base_url, "http://127.0.0.1:12111");
    }

    #[test]
    fn defaults_follow_stripe_node() {
        let client = Client::new("sk_test_123");
        let settings = &client.inner.settings;
        assert_eq!(settings.base_url, "https://api.stripe.com");
        assert_eq!(settings.max_retries, 2);
        assert_eq!(settings.timeout, Duration::from_secs(80));
        assert_eq!(settings.retry_base_delay, Duration::from_millis(500));
        assert_eq!(retry::MAX_DELAY, Duration::from_secs(5));
    }

    #[test]
    fn base_urls_are_checked_and_trimmed() {
        let base = |url: &str| Client::builder("sk").base_url(url).build().map(|c| c.inner.settings.base_url.clone());
        assert_eq!(base("http://127.0.0.1:8080").unwrap(), "http://127.0.0.1:8080");
        assert_eq!(base("http://127.0.0.1:8080/").unwrap(), "http://127.0.0.1:8080");
        assert_eq!(base("https://proxy.example/stripe/").unwrap(), "https://proxy.example/stripe");
        assert_eq!(base("https://api.stripe.com:8443//").unwrap(), "https://api.stripe.com:8443");
        assert_eq!(base("http://[::1]:12111/a/b%2Fc").unwrap(), "http://[::1]:12111/a/b%2Fc");
        for bad in [
            "",
            "/",
            "api.stripe.com",
            "api.stripe.com:443",
            "//api.stripe.com",
            "ftp://api.stripe.com",
            "https://x/?a=1",
            "https://x?",
            "https://x/#f",
            "https://x#",
            "mailto:a@b",
            "https://",
            "https://:443",
            "https://x:0",
            "https://x:99999",
            "https://x:port",
            "https://x:",
            "https://x:+80",
            "https://user:pass@x",
            "https://x/a b",
            "https://x/a/../b",
            "https://x/a//b",
            "https://x/%2E",
            "https://bücher.example",
            " https://x",
        ] {
            assert!(matches!(base(bad), Err(Error::Config(_))), "{bad:?}: {:?}", base(bad));
        }
    }

    #[test]
    fn operation_servers_resolve_override_then_custom_base_url_then_themselves() {
        let files = Some("https://files.stripe.com/");
        let resolve = |builder: ClientBuilder, server: Option<&str>| {
            builder.build().unwrap().inner.settings.server_base_url(server).map(Cow::into_owned)
        };
        // The default client: each operation's own server, trimmed.
        assert_eq!(resolve(Client::builder("sk"), None).unwrap(), "https://api.stripe.com");
        assert_eq!(resolve(Client::builder("sk"), files).unwrap(), "https://files.stripe.com");
        // The default base URL set explicitly is still the default.
        assert_eq!(
            resolve(Client::builder("sk").base_url("https://api.stripe.com/"), files).unwrap(),
            "https://files.stripe.com"
        );
        // A custom base URL takes every server without an override, as stripe-node's `host`.
        let mock = || Client::builder("sk").base_url("http://127.0.0.1:12111");
        assert_eq!(resolve(mock(), files).unwrap(), "http://127.0.0.1:12111");
        // An override wins, matched with or without the trailing `/`; the last one set counts.
        let overridden = || {
            mock()
                .server_url("https://files.stripe.com", "http://127.0.0.1:1/")
                .server_url("https://files.stripe.com/", "http://127.0.0.1:2/prefix/")
                .server_url("https://meter-events.stripe.com", "http://127.0.0.1:3")
        };
        assert_eq!(resolve(overridden(), files).unwrap(), "http://127.0.0.1:2/prefix");
        assert_eq!(resolve(overridden(), Some("https://files.stripe.com")).unwrap(), "http://127.0.0.1:2/prefix");
        assert_eq!(resolve(overridden(), Some("https://connect.stripe.com")).unwrap(), "http://127.0.0.1:12111");
        assert_eq!(resolve(overridden(), None).unwrap(), "http://127.0.0.1:12111");
        let client = overridden().build().unwrap();
        assert_eq!(client.inner.settings.servers.len(), 2, "{:?}", client.inner.settings.servers);
        // Other ports and schemes are other servers.
        assert_eq!(resolve(Client::builder("sk"), Some("http://files.stripe.com")).unwrap(), "http://files.stripe.com");
        assert_eq!(resolve(overridden(), Some("https://files.stripe.com:8443")).unwrap(), "http://127.0.0.1:12111");
        // A server that is no URL is a config error.
        for bad in ["files.stripe.com", "", "ftp://files.stripe.com", "https://files.stripe.com/?x"] {
            assert!(matches!(resolve(Client::builder("sk"), Some(bad)), Err(Error::Config(_))), "{bad:?}");
        }
        let err = Client::builder("sk").server_url("https://files.stripe.com", "files.internal").build().unwrap_err();
        assert!(
            matches!(&err, Error::Config(m) if m == "the URL for the server https://files.stripe.com \"files.internal\" must be an http or https URL"),
            "{err}"
        );
    }

    #[test]
    fn bad_keys_and_settings_are_config_errors_without_the_key() {
        let err = Client::builder("sk_test_SECRET123\n").build().unwrap_err();
        assert!(matches!(err, Error::Config(_)));
        assert!(!format!("{err} {err:?}").contains("SECRET123"));
        let err = Client::builder("sk").stripe_account("acct\r\n1").build().unwrap_err();
        assert!(matches!(err, Error::Config(_)));
        let err = Client::builder("sk").app_info(AppInfo::new("a\u{0}b")).build().unwrap_err();
        assert!(matches!(err, Error::Config(_)));
        // `new` defers the check to each request instead of panicking.
        let _ = Client::new("sk_test_SECRET123\n");
    }

    #[test]
    fn proxies_are_checked_by_build_and_shown_without_credentials() {
        let builder = Client::builder("sk").proxy("http://alice:s3cret@proxy.example:3128");
        let client = builder.clone().build().unwrap();
        for shown in [format!("{builder:?}"), format!("{client:?}"), format!("{client:#?}")] {
            assert!(shown.contains(r#""http://<redacted>@proxy.example:3128""#), "{shown}");
            assert!(!shown.contains("alice") && !shown.contains("s3cret"), "{shown}");
        }
        let client = Client::builder("sk").proxy("http://proxy.example:3128/").build().unwrap();
        assert!(format!("{client:?}").contains(r#"proxy: Url("http://proxy.example:3128/")"#), "{client:?}");
        assert!(format!("{:?}", Client::new("sk")).contains("proxy: Direct"));
        for bad in ["https://proxy.example", "proxy.example:3128", "http://alice:s3cret@proxy.example:0"] {
            let err = Client::builder("sk").proxy(bad).build().unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{err:?}");
            assert!(!format!("{err} {err:?}").contains("s3cret"), "{err}");
        }
    }

    #[test]
    fn proxy_from_env_applies_no_proxy_to_the_final_base_url() {
        let vars = |name: &str| match name {
            "HTTPS_PROXY" => Some("alice:s3cret@proxy.example:3128".to_owned()),
            "NO_PROXY" => Some("localhost, .internal".to_owned()),
            _ => None,
        };
        let proxy_of = |builder: ClientBuilder| format!("{:?}", builder.build().unwrap().inner.settings.proxy);
        let through = r#"Url("<redacted>@proxy.example:3128" (from HTTPS_PROXY))"#;
        assert_eq!(proxy_of(Client::builder("sk").proxy_from_vars(vars)), through);
        // The base URL set after `proxy_from_env` decides.
        assert_eq!(proxy_of(Client::builder("sk").proxy_from_vars(vars).base_url("http://localhost:12111")), "Direct");
        assert_eq!(proxy_of(Client::builder("sk").base_url("https://stripe.internal").proxy_from_vars(vars)), "Direct");
        assert_eq!(proxy_of(Client::builder("sk").base_url("https://internal.example").proxy_from_vars(vars)), through);
        // Nothing set: direct, replacing an earlier proxy; a later `proxy` replaces it and ignores NO_PROXY.
        let no_vars = |_: &str| None;
        assert_eq!(proxy_of(Client::builder("sk").proxy("http://p:1").proxy_from_vars(no_vars)), "Direct");
        let builder = Client::builder("sk").base_url("http://localhost:1").proxy_from_vars(vars).proxy("http://p:1");
        assert_eq!(proxy_of(builder), r#"Url("http://p:1")"#);
        // A bad URL from the environment is an error naming the variable, unless excluded.
        let bad = |name: &str| match name {
            "ALL_PROXY" => Some("https://alice:s3cret@proxy.example".to_owned()),
            "no_proxy" => Some("*".to_owned()),
            _ => None,
        };
        let err = Client::builder("sk").proxy_from_vars(|n| bad(n).filter(|_| n != "no_proxy")).build().unwrap_err();
        assert!(matches!(&err, Error::Config(m) if m.contains("(from ALL_PROXY)") && !m.contains("s3cret")), "{err}");
        assert_eq!(proxy_of(Client::builder("sk").proxy_from_vars(bad)), "Direct");
    }

    #[test]
    fn app_info_is_formatted_like_the_sdks() {
        assert_eq!(AppInfo::new("MyPlugin").to_string(), "MyPlugin");
        assert_eq!(AppInfo::new("MyPlugin").version("1.2.3").to_string(), "MyPlugin/1.2.3");
        assert_eq!(
            AppInfo::new("MyPlugin").version("1.2.3").url("https://example.com").to_string(),
            "MyPlugin/1.2.3 (https://example.com)"
        );
        assert_eq!(AppInfo::new("MyPlugin").url("https://example.com").to_string(), "MyPlugin (https://example.com)");
    }
}
