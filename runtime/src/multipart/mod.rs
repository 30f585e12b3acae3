//! Stripe's `multipart/form-data` encoding, for the operations that upload files
//! (`POST /v1/files`).
//!
//! [`encode`] turns any [`Serialize`] struct or map, with [`FileUpload`] fields,
//! into the body Stripe's Node SDK (stripe-node 23.1.0) sends for the same
//! params, byte for byte, with the given boundary. A [`Request`](crate::Request)
//! made with [`ParamsIn::Multipart`](crate::ParamsIn::Multipart) encodes its params
//! so, with a random boundary.
//!
//! ```
//! use serde::Serialize;
//! use stripe_runtime::FileUpload;
//!
//! #[derive(Serialize)]
//! struct CreateFileParams {
//!     file: FileUpload,
//!     purpose: &'static str,
//! }
//!
//! let params = CreateFileParams {
//!     file: FileUpload::new("hello.txt", "Hello!").with_content_type("text/plain"),
//!     purpose: "dispute_evidence",
//! };
//! let body = stripe_runtime::multipart::encode(&params, "b0undary").unwrap();
//! assert_eq!(
//!     String::from_utf8(body).unwrap(),
//!     "--b0undary\r\n\
//!      Content-Disposition: form-data; name=\"file\"; filename=\"hello.txt\"\r\n\
//!      Content-Type: text/plain\r\n\
//!      \r\n\
//!      Hello!\r\n\
//!      --b0undary\r\n\
//!      Content-Disposition: form-data; name=\"purpose\"\r\n\
//!      \r\n\
//!      dispute_evidence\r\n\
//!      --b0undary--\r\n",
//! );
//! ```
//!
//! # Rules
//!
//! The params are flattened into pairs by the [form encoder's rules](crate::form)
//! (the same serializer makes both): nested structs and maps put their keys in
//! brackets (`file_link_data[metadata][order_id]`), sequences are indexed
//! (`expand[0]`), `None` sends nothing, `()` and [`Clearable::Clear`](crate::Clearable)
//! send an empty value, booleans are `true`/`false`, numbers are written as
//! JavaScript writes them (`1e+21`). What is refused there is refused here, but
//! for files. Unlike the form encoder, nothing is percent-encoded: keys and
//! values are sent as their UTF-8 text.
//!
//! Each pair is one part, in serialization order:
//!
//! ```text
//! --{boundary}\r\n
//! Content-Disposition: form-data; name="{key}"\r\n
//! \r\n
//! {value}\r\n
//! ```
//!
//! and each [`FileUpload`] one part with its name and content type:
//!
//! ```text
//! --{boundary}\r\n
//! Content-Disposition: form-data; name="{key}"; filename="{file name}"\r\n
//! Content-Type: {content type}\r\n
//! \r\n
//! {data}\r\n
//! ```
//!
//! then the body ends with `--{boundary}--\r\n` (which is all of it when there
//! are no pairs). As stripe-node does:
//!
//! - in the quoted key and file name, a `"` is sent as `%22`, and each line
//!   break (CR LF, CR or LF) as one space; nothing else is escaped (a `\` goes as
//!   it is, non-ASCII as UTF-8);
//! - an empty file name is sent as `blob`;
//! - the content type is `application/octet-stream` when none (or an empty one)
//!   was set; line breaks in it are sent as spaces;
//! - values and file data are sent as they are, line breaks and all.
//!
//! # Where it differs from stripe-node
//!
//! Only in what Rust params cannot express or the SDK does by accident:
//! stripe-node sends a JavaScript `null` as the text `null`, where `None` here
//! sends nothing; and JavaScript moves integer-like top-level keys (`"10"`) to
//! the front, where pairs here keep serialization order.

mod file;

use serde::Serialize;

pub use file::FileUpload;
pub(crate) use file::{capture_file, FileParts, FILE_UPLOAD_TOKEN};

use crate::form::{self, FormError, Sink};

/// The content type of parts whose [`FileUpload`] has none (stripe-node's default).
const DEFAULT_CONTENT_TYPE: &str = "application/octet-stream";
/// The file name of parts whose [`FileUpload`]'s name is empty (stripe-node's default).
const DEFAULT_FILE_NAME: &str = "blob";

/// Encodes `value` (a struct or a map) as a `multipart/form-data` body delimited
/// by `boundary`, to be sent with `Content-Type: multipart/form-data; boundary={boundary}`.
///
/// See the [module documentation](self) for the rules. The boundary must not
/// occur in the content; a [`Request`](crate::Request) uses a random UUID (as
/// stripe-node does), which no content can guess.
///
/// # Errors
///
/// A [`FormError`] when `value` is not a struct or a map, or holds something that
/// has no encoding (bytes outside a [`FileUpload`], a NaN or infinite float, a map
/// key that is not a string, char, integer, bool or unit variant), or when one of
/// its `Serialize` implementations fails.
///
/// # Panics
///
/// If `boundary` is not a boundary of RFC 2046: 1 to 70 ASCII letters, digits
/// or ``'()+_,-./:=?`` and spaces, not ending with a space.
pub fn encode<T: Serialize + ?Sized>(value: &T, boundary: &str) -> Result<Vec<u8>, FormError> {
    assert!(valid_boundary(boundary), "{boundary:?} is not a multipart boundary (RFC 2046)");
    let body = form::serialize_pairs(value, Body { out: Vec::with_capacity(512), boundary })?;
    Ok(body.finish())
}

/// A random boundary: a UUID v4 in lowercase, as stripe-node's
/// (`crypto.randomUUID()`).
pub(crate) fn random_boundary() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Whether `boundary` is a boundary of RFC 2046 (`bchars`, 1 to 70 of them, not
/// ending with a space).
fn valid_boundary(boundary: &str) -> bool {
    (1..=70).contains(&boundary.len())
        && !boundary.ends_with(' ')
        && boundary.bytes().all(|b| b.is_ascii_alphanumeric() || b"'()+_,-./:=? ".contains(&b))
}

/// The sink of [`encode`]: parts written onto the body as the pairs come.
struct Body<'b> {
    out: Vec<u8>,
    boundary: &'b str,
}

impl Body<'_> {
    /// Starts a part: its delimiter line and the start of its disposition.
    fn start_part(&mut self, key: &str) {
        self.out.extend_from_slice(b"--");
        self.out.extend_from_slice(self.boundary.as_bytes());
        self.out.extend_from_slice(b"\r\nContent-Disposition: form-data; name=");
        push_quoted(&mut self.out, key);
    }

    /// Ends the body with the closing delimiter.
    fn finish(mut self) -> Vec<u8> {
        self.out.extend_from_slice(b"--");
        self.out.extend_from_slice(self.boundary.as_bytes());
        self.out.extend_from_slice(b"--\r\n");
        self.out
    }
}

impl Sink for Body<'_> {
    #[inline]
    fn push_key_text(&self, key: &mut String, text: &str) {
        key.push_str(text);
    }

    fn pair(&mut self, key: &str, value: &str) {
        self.start_part(key);
        self.out.extend_from_slice(b"\r\n\r\n");
        self.out.extend_from_slice(value.as_bytes());
        self.out.extend_from_slice(b"\r\n");
    }

    fn file(&mut self, key: &str, file: FileParts<'_>) -> Result<(), FormError> {
        self.start_part(key);
        self.out.extend_from_slice(b"; filename=");
        push_quoted(&mut self.out, if file.name.is_empty() { DEFAULT_FILE_NAME } else { file.name });
        self.out.extend_from_slice(b"\r\nContent-Type: ");
        let content_type = file.content_type.filter(|t| !t.is_empty()).unwrap_or(DEFAULT_CONTENT_TYPE);
        push_line(&mut self.out, content_type);
        self.out.extend_from_slice(b"\r\n\r\n");
        self.out.extend_from_slice(file.data);
        self.out.extend_from_slice(b"\r\n");
        Ok(())
    }
}

/// Writes `text` in double quotes, its `"`s as `%22` and its line breaks as
/// spaces (see [`push_line`]).
fn push_quoted(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    let mut rest = text;
    while let Some(at) = rest.find('"') {
        push_line(out, &rest[..at]);
        out.extend_from_slice(b"%22");
        rest = &rest[at + 1..];
    }
    push_line(out, rest);
    out.push(b'"');
}

/// Writes `text` with each line break (CR LF, a lone CR or a lone LF) as one
/// space, so that it cannot end a header line.
fn push_line(out: &mut Vec<u8>, text: &str) {
    let mut bytes = text.as_bytes();
    while let Some(at) = bytes.iter().position(|&b| b == b'\r' || b == b'\n') {
        out.extend_from_slice(&bytes[..at]);
        out.push(b' ');
        let crlf = bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n');
        bytes = &bytes[at + if crlf { 2 } else { 1 }..];
    }
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests;
