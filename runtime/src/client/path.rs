use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::Error;

/// What JavaScript's `encodeURIComponent` leaves alone: ASCII letters and digits and
/// `-_.!~*'()`.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// Percent-encodes an id (or any value) for use as one segment of a request path.
///
/// Generated code builds paths with it (`format!("/v1/customers/{}", path_segment(id))`),
/// so whatever an id contains, the request goes to the endpoint it was meant for:
///
/// - The encoding is that of stripe-node (JavaScript's `encodeURIComponent`): ASCII
///   letters, digits and `-_.!~*'()` are kept, every other byte of the UTF-8 text
///   becomes `%XX` with uppercase hex. So `/`, `?`, `#`, `%`, `\` and spaces can
///   neither start another segment, a query or a fragment, nor be decoded into one.
/// - An id that is exactly `.` or `..` would still be a dot segment, which URL
///   parsers resolve (`/v1/customers/..` is `/v1/`). Those two are encoded as
///   `%2E` and `%2E%2E`, which `encodeURIComponent` does not do. The URL standard
///   (and so proxies, servers and clients that follow it) treats even these
///   spellings as dot segments, so [`Request::send`](crate::Request::send) refuses any path with a
///   dot segment, however spelled, with [`Error::InvalidPath`](crate::Error::InvalidPath)
///   and sends nothing. It refuses an empty segment (an empty id) the same way.
///
/// ```
/// use stripe_runtime::path_segment;
///
/// assert_eq!(path_segment("vs_123"), "vs_123");
/// assert_eq!(path_segment("a/b?c#d"), "a%2Fb%3Fc%23d");
/// assert_eq!(path_segment("50% off"), "50%25%20off");
/// assert_eq!(path_segment("..."), "...");
/// assert_eq!(path_segment(".."), "%2E%2E");
/// assert_eq!(path_segment("é"), "%C3%A9");
/// ```
pub fn path_segment(id: &str) -> String {
    match id {
        "." => "%2E".to_owned(),
        ".." => "%2E%2E".to_owned(),
        _ => utf8_percent_encode(id, URI_COMPONENT).to_string(),
    }
}

/// Checks that `path` goes exactly where it says once parsed as part of a URL:
/// it starts with a single `/`, has no empty segment and no dot segment (`.`,
/// `..`, or their percent-encoded spellings, which the URL standard also
/// resolves), and holds only characters allowed raw in a path (RFC 3986 `pchar`
/// and `/`), with every `%` starting an escape. Such a path is left unchanged by
/// URL parsers, and `http::Uri` (what the client sends) takes it as it is.
pub(crate) fn check_path(path: &str) -> Result<(), Error> {
    let refuse = |reason| Err(Error::InvalidPath { path: path.to_owned(), reason });
    let Some(rest) = path.strip_prefix('/') else {
        return refuse("a path must start with `/`");
    };
    let bytes = path.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let allowed = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/%".contains(&b);
        if !allowed {
            return refuse("a path may only hold ASCII letters, digits, `/`, `%XX` escapes and -._~!$&'()*+,;=:@");
        }
        if b == b'%' && !(bytes.get(i + 1..i + 3).is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))) {
            return refuse("a `%` in a path must start a `%XX` escape");
        }
    }
    for segment in rest.split('/') {
        if segment.is_empty() {
            return refuse("a path segment is empty (an empty id?)");
        }
        if is_dot_segment(segment) {
            return refuse("a path segment is `.` or `..` (an id `.` or `..`?)");
        }
    }
    Ok(())
}

/// Whether the URL standard reads `segment` as `.` or `..`.
fn is_dot_segment(segment: &str) -> bool {
    let lower = segment.to_ascii_lowercase();
    matches!(lower.as_str(), "." | "%2e" | ".." | ".%2e" | "%2e." | "%2e%2e")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_encode_uri_component() {
        assert_eq!(path_segment("AZaz09-_.!~*'()"), "AZaz09-_.!~*'()");
        assert_eq!(
            path_segment(" \"#$%&+,/:;<=>?@[\\]^`{|}"),
            "%20%22%23%24%25%26%2B%2C%2F%3A%3B%3C%3D%3E%3F%40%5B%5C%5D%5E%60%7B%7C%7D"
        );
        assert_eq!(path_segment("\u{0}\n\u{7f}"), "%00%0A%7F");
        assert_eq!(path_segment("ü€😀"), "%C3%BC%E2%82%AC%F0%9F%98%80");
        assert_eq!(path_segment(""), "");
    }

    #[test]
    fn dot_ids_are_encoded() {
        assert_eq!(path_segment("."), "%2E");
        assert_eq!(path_segment(".."), "%2E%2E");
        assert_eq!(path_segment("..."), "...");
        assert_eq!(path_segment("../x"), "..%2Fx");
    }

    #[test]
    fn every_encoded_id_passes_the_check_unless_it_is_a_dot_segment_or_empty() {
        for id in ["vs_123", "a/b", "?", "#", "%", "a b", "ü", "...", "..%2F", "\\", "*'()!~", "%2e%2e", "$&+,;=:@"] {
            let path = format!("/v1/things/{}", path_segment(id));
            assert!(check_path(&path).is_ok(), "{path}");
            // And the client's URI parser leaves such a path as it is.
            let uri: hyper::Uri = format!("https://api.stripe.com{path}").parse().unwrap();
            assert_eq!(uri.path(), path);
            assert_eq!(uri.query(), None);
        }
        for id in [".", "..", ""] {
            let path = format!("/v1/things/{}", path_segment(id));
            assert!(matches!(check_path(&path), Err(Error::InvalidPath { .. })), "{path}");
        }
    }

    #[test]
    fn refuses_paths_the_url_parser_would_change() {
        for path in [
            "",
            "v1/things",
            "//evil.example/v1",
            "/v1//things",
            "/v1/things/",
            "/v1/./things",
            "/v1/../things",
            "/v1/%2e/things",
            "/v1/%2E%2e",
            "/v1/.%2E",
            "/v1/%2e.",
            "/v1/things?x=1",
            "/v1/things#x",
            "/v1/a b",
            "/v1/a\\b",
            "/v1/é",
            "/v1/%",
            "/v1/%2",
            "/v1/%zz",
        ] {
            assert!(matches!(check_path(path), Err(Error::InvalidPath { .. })), "{path:?}");
        }
        for path in ["/v1/things", "/v1/things/th_1/cancel", "/v1/a%2Fb", "/v1/...", "/v1/a.b", "/v1/$&'()*+,;=:@!~"] {
            assert!(check_path(path).is_ok(), "{path:?}");
            let uri: hyper::Uri = format!("https://api.stripe.com{path}").parse().unwrap();
            assert_eq!(uri.path(), path);
            assert_eq!(uri.query(), None);
        }
        // What the check is for: the URL standard (WHATWG, which proxies and other
        // clients follow) resolves `/v1/customers/cus_1/sources/%2E%2E` to
        // `/v1/customers/cus_1/`; `http::Uri` sends it as it is, and the server may
        // still resolve it.
    }
}
