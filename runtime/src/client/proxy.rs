//! HTTP proxies: the proxy URL a [`ClientBuilder`](super::ClientBuilder) is given
//! (or reads from the environment), checked and turned into what the transport's
//! `CONNECT` tunnel needs, and the `NO_PROXY` rules.

use std::fmt;
use std::net::IpAddr;

use base64::Engine as _;
use hyper::header::HeaderValue;
use hyper::Uri;
use percent_encoding::percent_decode_str;

use super::Error;

/// The variables [`ProxySetting::from_env`] takes the proxy URL from: the first one
/// set and not blank wins.
pub(super) const PROXY_VARS: [&str; 4] = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"];
/// The variables [`ProxySetting::from_env`] takes the `NO_PROXY` list from.
pub(super) const NO_PROXY_VARS: [&str; 2] = ["NO_PROXY", "no_proxy"];

/// The proxy setting of a builder and a client.
#[derive(Clone, Debug)]
pub(super) enum ProxySetting {
    /// Connect directly (the default).
    Direct,
    /// Through this proxy, whatever the base URL.
    Url(ProxyUrl),
    /// What `proxy_from_env` read: a proxy unless `no_proxy` lists the base URL's
    /// host, decided by `build` (the base URL may be set after).
    FromEnv {
        /// The proxy URL, if a variable named one.
        proxy: Option<ProxyUrl>,
        /// The `NO_PROXY` list, if set.
        no_proxy: Option<String>,
    },
}

impl ProxySetting {
    /// Reads the proxy variables with `var` (which returns a variable's value, `None`
    /// if unset or not Unicode); blank values count as unset.
    pub(super) fn from_env(var: impl Fn(&str) -> Option<String>) -> ProxySetting {
        let first = |names: &[&'static str]| {
            names.iter().find_map(|&name| {
                let value = var(name)?.trim().to_owned();
                (!value.is_empty()).then_some((name, value))
            })
        };
        ProxySetting::FromEnv {
            proxy: first(&PROXY_VARS).map(|(name, url)| ProxyUrl { url, var: Some(name) }),
            no_proxy: first(&NO_PROXY_VARS).map(|(_, list)| list),
        }
    }

    /// The proxy for requests to `host` (the base URL's, as in a URI: IPv6
    /// addresses in brackets), `NO_PROXY` applied.
    pub(super) fn resolve(&self, host: &str) -> Option<&ProxyUrl> {
        match self {
            ProxySetting::Direct => None,
            ProxySetting::Url(url) => Some(url),
            ProxySetting::FromEnv { proxy, no_proxy } => {
                proxy.as_ref().filter(|_| !no_proxy.as_deref().is_some_and(|list| no_proxy_matches(list, host)))
            }
        }
    }
}

/// A proxy URL as given, unchecked. Its `Debug` output hides the user info (user
/// name and password), and names the environment variable it came from.
#[derive(Clone)]
pub(super) struct ProxyUrl {
    url: String,
    /// The environment variable it was read from; such a URL may leave out the
    /// scheme (`proxy.example:3128` is `http://proxy.example:3128`), as curl allows.
    var: Option<&'static str>,
}

/// A checked proxy: where to connect, and the `Proxy-Authorization` header of the
/// `CONNECT` requests. (Its `Debug` output shows the header as `Sensitive`.)
#[derive(Debug)]
pub(super) struct Proxy {
    /// `http://host[:port]/`, without user info.
    pub(super) uri: Uri,
    /// `Basic ...`, marked sensitive.
    pub(super) authorization: Option<HeaderValue>,
}

impl ProxyUrl {
    /// A proxy URL given to the builder.
    pub(super) fn new(url: String) -> ProxyUrl {
        ProxyUrl { url, var: None }
    }

    /// Checks the URL: `http://[user[:password]@]host[:port][/]`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`], showing the URL without its user info.
    pub(super) fn parse(&self) -> Result<Proxy, Error> {
        let refuse = |what: &str| Err(Error::Config(format!("the proxy URL {self:?} {what}")));
        let url = match self.var {
            Some(_) if !self.url.contains("://") => format!("http://{}", self.url),
            _ => self.url.clone(),
        };
        // `Uri` would drop a fragment silently; a `?` or `#` in a password must be
        // percent-encoded anyway.
        if url.contains(['?', '#']) {
            return refuse("must not have a query or fragment (percent-encode `?` and `#` in a password)");
        }
        // The parse error says what is wrong, never what the URL was.
        let parsed: Uri = match url.parse() {
            Ok(parsed) => parsed,
            Err(e) => return refuse(&format!("is not a URL: {e}")),
        };
        let authority = match (parsed.scheme_str(), parsed.authority()) {
            (Some("http"), Some(authority)) => authority,
            (Some("https"), _) => {
                return refuse(
                    "is an https URL: only http proxies are supported (the connection to Stripe is TLS \
                     from end to end through the proxy's CONNECT tunnel either way)",
                )
            }
            _ => return refuse("must be an http:// URL"),
        };
        if parsed.path().contains('@') {
            // `http://user:pa/ss@host`: the authority ended at the `/`.
            return refuse("must not have a path (percent-encode a `/` in a password: `%2F`)");
        }
        // As `Uri` does, the host starts after the last `@`.
        let (userinfo, host_port) = match authority.as_str().rsplit_once('@') {
            Some((userinfo, host_port)) => (Some(userinfo), host_port),
            None => (None, authority.as_str()),
        };
        let host = authority.host();
        if host.is_empty() {
            return refuse("has no host");
        }
        if !super::valid_port_suffix(&host_port[host.len()..]) {
            return refuse("has an invalid port");
        }
        if !matches!(parsed.path(), "" | "/") {
            return refuse("must not have a path");
        }
        let uri = match format!("http://{host_port}/").parse() {
            Ok(uri) => uri,
            Err(e) => return refuse(&format!("is not a URL: {e}")),
        };
        Ok(Proxy { uri, authorization: userinfo.filter(|u| !u.is_empty()).map(basic_authorization) })
    }
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", redact(&self.url))?;
        if let Some(var) = self.var {
            write!(f, " (from {var})")?;
        }
        Ok(())
    }
}

/// The URL with everything between the scheme and the last `@` (the user info, even
/// in a URL too broken to parse) replaced by `<redacted>`.
fn redact(url: &str) -> String {
    match url.rfind('@') {
        Some(at) => {
            let start = url[..at].find("://").map_or(0, |scheme_end| scheme_end + 3);
            format!("{}<redacted>{}", &url[..start], &url[at..])
        }
        None => url.to_owned(),
    }
}

/// `Basic base64(user:password)` for the user info `user[:password]`, both
/// percent-decoded, marked sensitive.
fn basic_authorization(userinfo: &str) -> HeaderValue {
    let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let mut credentials: Vec<u8> = percent_decode_str(user).collect();
    credentials.push(b':');
    credentials.extend(percent_decode_str(password));
    let encoded = base64::engine::general_purpose::STANDARD.encode(&credentials);
    let mut value = HeaderValue::try_from(format!("Basic {encoded}")).expect("base64 is a valid header value");
    value.set_sensitive(true);
    value
}

/// Whether the `NO_PROXY` list `list` excludes `host`: comma-separated entries,
/// blanks ignored; `*` matches every host; an IP address matches only itself (IPv6
/// with or without brackets); a name matches itself and its subdomains, with or
/// without a leading `.` or `*.` (`example.com`, `.example.com` and
/// `*.example.com` all match `example.com` and `api.example.com`, not
/// `badexample.com`). Case-insensitive; entries with ports, and CIDR ranges, match
/// nothing.
pub(super) fn no_proxy_matches(list: &str, host: &str) -> bool {
    let unbracket = |h: &str| h.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(h).to_owned();
    let host = unbracket(host);
    let host = host.strip_suffix('.').unwrap_or(&host);
    let host_ip = host.parse::<IpAddr>().ok();
    list.split(',').map(str::trim).filter(|entry| !entry.is_empty()).any(|entry| {
        if entry == "*" {
            return true;
        }
        if let Some(ip) = host_ip {
            return unbracket(entry).parse::<IpAddr>().is_ok_and(|entry| entry == ip);
        }
        let entry = entry.strip_prefix("*.").or_else(|| entry.strip_prefix('.')).unwrap_or(entry);
        let entry = entry.strip_suffix('.').unwrap_or(entry);
        if entry.is_empty() {
            return false;
        }
        host.eq_ignore_ascii_case(entry)
            || host.len() > entry.len()
                && host.as_bytes()[host.len() - entry.len() - 1] == b'.'
                && host.as_bytes()[host.len() - entry.len()..].eq_ignore_ascii_case(entry.as_bytes())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(url: &str) -> Result<Proxy, Error> {
        ProxyUrl::new(url.to_owned()).parse()
    }

    fn authorization(url: &str) -> Option<String> {
        parse(url).unwrap().authorization.map(|value| value.to_str().unwrap().to_owned())
    }

    #[test]
    fn proxy_urls_are_checked() {
        let uri = |url: &str| parse(url).map(|proxy| proxy.uri.to_string());
        assert_eq!(uri("http://proxy.example:3128").unwrap(), "http://proxy.example:3128/");
        assert_eq!(uri("http://proxy.example:3128/").unwrap(), "http://proxy.example:3128/");
        assert_eq!(uri("http://proxy.example").unwrap(), "http://proxy.example/");
        assert_eq!(uri("http://127.0.0.1:8080").unwrap(), "http://127.0.0.1:8080/");
        assert_eq!(uri("http://[::1]:8080").unwrap(), "http://[::1]:8080/");
        assert_eq!(uri("http://user:pass@proxy.example:3128").unwrap(), "http://proxy.example:3128/");
        assert_eq!(uri("http://us@er:p@ss@proxy.example:3128").unwrap(), "http://proxy.example:3128/");
        for bad in [
            "",
            "proxy.example:3128",
            "//proxy.example:3128",
            "https://proxy.example:3128",
            "socks5://proxy.example:1080",
            "http://",
            "http://:3128",
            "http://user:pass@",
            "http://user:pass@:3128",
            "http://proxy.example:0",
            "http://proxy.example:65536",
            "http://proxy.example:port",
            "http://proxy.example:",
            "http://proxy.example:+80",
            "http://proxy.example/path",
            "http://proxy.example/?a",
            "http://proxy.example#f",
            "http://user:p#ss@proxy.example",
            "http://user:p/ss@proxy.example",
            "http://proxy example",
            " http://proxy.example",
        ] {
            assert!(matches!(parse(bad), Err(Error::Config(_))), "{bad:?}: {:?}", parse(bad).map(|p| p.uri));
        }
    }

    #[test]
    fn credentials_become_a_sensitive_basic_authorization() {
        // RFC 7617's example.
        assert_eq!(
            authorization("http://Aladdin:open%20sesame@proxy.example:3128").as_deref(),
            Some("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
        );
        // Percent-decoded (`%40` is `@`, `%3A` is `:`); a user alone has an empty password.
        assert_eq!(authorization("http://a%40b:c%3Ad@proxy.example").as_deref(), Some("Basic YUBiOmM6ZA=="));
        assert_eq!(authorization("http://alice@proxy.example").as_deref(), Some("Basic YWxpY2U6"));
        assert_eq!(authorization("http://:pw@proxy.example").as_deref(), Some("Basic OnB3"));
        assert_eq!(authorization("http://proxy.example").as_deref(), None);
        assert_eq!(authorization("http://@proxy.example").as_deref(), None);
        let proxy = parse("http://alice:s3cret@proxy.example").unwrap();
        assert!(proxy.authorization.unwrap().is_sensitive());
    }

    #[test]
    fn user_info_is_redacted_even_in_broken_urls() {
        let shown = |url: &str| format!("{:?}", ProxyUrl::new(url.to_owned()));
        assert_eq!(shown("http://proxy.example:3128"), r#""http://proxy.example:3128""#);
        assert_eq!(shown("http://alice:s3cret@proxy.example:3128"), r#""http://<redacted>@proxy.example:3128""#);
        assert_eq!(shown("http://alice:s3/cr@t@proxy.example"), r#""http://<redacted>@proxy.example""#);
        assert_eq!(shown("alice:s3cret@proxy.example"), r#""<redacted>@proxy.example""#);
        assert_eq!(shown("http://a:s3cret@proxy.example/x://y"), r#""http://<redacted>@proxy.example/x://y""#);
        let from_env = ProxyUrl { url: "alice:s3cret@proxy.example:3128".into(), var: Some("HTTPS_PROXY") };
        assert_eq!(format!("{from_env:?}"), r#""<redacted>@proxy.example:3128" (from HTTPS_PROXY)"#);
        for bad in
            ["https://alice:s3cret@proxy.example", "http://alice:s3cret@proxy.example:99999", "http://alice:s3#cret@x"]
        {
            let err = parse(bad).unwrap_err();
            let text = format!("{err} {err:?}");
            assert!(!text.contains("s3") && !text.contains("alice"), "{text}");
            assert!(text.contains("<redacted>"), "{text}");
        }
    }

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned())
    }

    /// The proxy URL `from_env` picks for `host`, as given, and the variable.
    fn env_proxy(vars: &[(&str, &str)], host: &str) -> Option<(String, &'static str)> {
        let setting = ProxySetting::from_env(env(vars));
        setting.resolve(host).map(|url| (url.url.clone(), url.var.unwrap()))
    }

    #[test]
    fn the_environment_names_the_proxy() {
        let host = "api.stripe.com";
        assert_eq!(env_proxy(&[], host), None);
        // HTTP_PROXY is not read: the client tunnels everything, HTTPS_PROXY applies.
        assert_eq!(env_proxy(&[("HTTP_PROXY", "http://p:1"), ("http_proxy", "http://p:1")], host), None);
        let one = |name, value| env_proxy(&[(name, value)], host);
        assert_eq!(one("HTTPS_PROXY", "http://p:1"), Some(("http://p:1".into(), "HTTPS_PROXY")));
        assert_eq!(one("https_proxy", "http://p:1"), Some(("http://p:1".into(), "https_proxy")));
        assert_eq!(one("ALL_PROXY", "http://p:1"), Some(("http://p:1".into(), "ALL_PROXY")));
        assert_eq!(one("all_proxy", " http://p:1\n"), Some(("http://p:1".into(), "all_proxy")));
        // In order; blank values are unset.
        let all = [
            ("HTTPS_PROXY", "  "),
            ("https_proxy", "http://lower:1"),
            ("ALL_PROXY", "http://all:1"),
            ("all_proxy", "http://all-lower:1"),
        ];
        assert_eq!(env_proxy(&all, host), Some(("http://lower:1".into(), "https_proxy")));
        assert_eq!(env_proxy(&all[2..], host), Some(("http://all:1".into(), "ALL_PROXY")));
        let both = [("HTTPS_PROXY", "http://upper:1"), ("https_proxy", "http://lower:1")];
        assert_eq!(env_proxy(&both, host), Some(("http://upper:1".into(), "HTTPS_PROXY")));
    }

    #[test]
    fn environment_urls_may_leave_out_the_scheme() {
        let setting = ProxySetting::from_env(env(&[("HTTPS_PROXY", "alice:s3cret@proxy.example:3128")]));
        let proxy = setting.resolve("api.stripe.com").unwrap().parse().unwrap();
        assert_eq!(proxy.uri, "http://proxy.example:3128/");
        assert_eq!(proxy.authorization.unwrap(), "Basic YWxpY2U6czNjcmV0");
        // Given to the builder, the scheme is required.
        assert!(parse("proxy.example:3128").is_err());
        // An https proxy from the environment is refused, not ignored.
        let setting = ProxySetting::from_env(env(&[("HTTPS_PROXY", "https://proxy.example")]));
        let err = setting.resolve("api.stripe.com").unwrap().parse().unwrap_err();
        assert!(err.to_string().contains("(from HTTPS_PROXY)"), "{err}");
    }

    #[test]
    fn no_proxy_excludes_the_base_url_host() {
        let proxy = ("HTTPS_PROXY", "http://p:1");
        let excluded = |no_proxy: (&str, &str), host| env_proxy(&[proxy, no_proxy], host).is_none();
        assert!(excluded(("NO_PROXY", "api.stripe.com"), "api.stripe.com"));
        assert!(excluded(("no_proxy", "stripe.com"), "api.stripe.com"));
        assert!(!excluded(("NO_PROXY", "example.com"), "api.stripe.com"));
        // NO_PROXY first; a blank one counts as unset.
        assert!(!excluded(("NO_PROXY", ""), "api.stripe.com"));
        assert!(env_proxy(&[proxy, ("NO_PROXY", " "), ("no_proxy", "*")], "api.stripe.com").is_none());
        assert!(env_proxy(&[proxy, ("NO_PROXY", "x"), ("no_proxy", "*")], "api.stripe.com").is_some());
        // An explicit proxy ignores NO_PROXY.
        assert!(ProxySetting::Url(ProxyUrl::new("http://p:1".into())).resolve("localhost").is_some());
        assert!(ProxySetting::Direct.resolve("localhost").is_none());
    }

    #[test]
    fn no_proxy_matching() {
        let cases: &[(&str, &str, bool)] = &[
            ("*", "api.stripe.com", true),
            ("*", "127.0.0.1", true),
            ("localhost", "localhost", true),
            ("localhost", "LocalHost", true),
            ("LOCALHOST", "localhost", true),
            ("stripe.com", "stripe.com", true),
            ("stripe.com", "api.stripe.com", true),
            (".stripe.com", "api.stripe.com", true),
            (".stripe.com", "stripe.com", true),
            ("*.stripe.com", "api.stripe.com", true),
            ("*.stripe.com", "stripe.com", true),
            ("stripe.com.", "api.stripe.com", true),
            ("stripe.com", "api.stripe.com.", true),
            ("api.stripe.com", "stripe.com", false),
            ("stripe.com", "notstripe.com", false),
            ("stripe.com", "stripe.com.evil", false),
            ("e.com", "stripe.com", false),
            ("example.com, stripe.com", "api.stripe.com", true),
            (" example.com ,, localhost ", "localhost", true),
            ("example.com,localhost", "stripe.com", false),
            ("", "localhost", false),
            (",", "localhost", false),
            (".", "localhost", false),
            ("*.", "localhost", false),
            ("localhost:12111", "localhost", false),
            ("127.0.0.1", "127.0.0.1", true),
            ("0.0.1", "127.0.0.1", false),
            ("127.0.0.0/8", "127.0.0.1", false),
            ("::1", "[::1]", true),
            ("[::1]", "[::1]", true),
            ("0:0::1", "[::1]", true),
            ("::2", "[::1]", false),
            ("*.1", "127.0.0.1", false),
            ("ünï.com", "xn--n-ykac.com", false),
        ];
        for &(list, host, matches) in cases {
            assert_eq!(no_proxy_matches(list, host), matches, "NO_PROXY={list:?}, host {host:?}");
        }
    }
}
