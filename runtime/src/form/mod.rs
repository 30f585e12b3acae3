//! Stripe's `application/x-www-form-urlencoded` encoding, for query strings and
//! request bodies.
//!
//! [`encode`] turns any [`Serialize`] struct or map into the bytes Stripe's official
//! SDKs send: the output is identical to the Node SDK's `stringifyRequestData`.
//!
//! ```
//! use serde::Serialize;
//!
//! #[derive(Serialize)]
//! struct Params<'a> {
//!     #[serde(skip_serializing_if = "Option::is_none")]
//!     limit: Option<u32>,
//!     expand: &'a [&'a str],
//!     metadata: std::collections::BTreeMap<&'a str, &'a str>,
//! }
//!
//! let params = Params {
//!     limit: Some(3),
//!     expand: &["data.customer", "data.invoice"],
//!     metadata: [("order id", "6735")].into(),
//! };
//! assert_eq!(
//!     stripe_runtime::form::encode(&params).unwrap(),
//!     "limit=3&expand[0]=data.customer&expand[1]=data.invoice&metadata[order%20id]=6735",
//! );
//! ```
//!
//! # Rules
//!
//! - The top-level value must be a struct or a map (an `Option` or newtype struct
//!   around one is fine, and `None` there encodes to the empty string). Its fields
//!   become `key=value` pairs joined by `&`; an empty struct encodes to `""`.
//! - Nested structs and maps put their keys in brackets: `a[b][c]=v`.
//! - Sequences and tuples are always indexed: `a[0]=x&a[1]=y`, `a[0][b]=1`,
//!   `a[0][0]=1`. Empty sequences, maps and structs emit nothing.
//! - `None` emits nothing (the key is absent); `Some(x)` encodes `x`. A `None`
//!   element of a sequence is skipped but still takes its index.
//! - `()` and unit structs encode as an empty value (`key=`), which Stripe reads as
//!   "unset this field" (see [`Clearable`](crate::Clearable)).
//! - `bool` is `true`/`false`, integers are decimal, `char`s and strings are their
//!   text, unit variants are their (serde) name.
//! - Floats are written as JavaScript's `String(number)` writes them: the shortest
//!   digits that round-trip, in plain decimal unless the number is at least `1e21`
//!   or below `1e-6` in magnitude (`1e+21`, `1.5e-7`); `-0.0` is `0`. An `f32` uses
//!   the shortest digits that round-trip as an `f32` (`0.1f32` is `0.1`).
//! - Newtype, tuple and struct variants nest under the variant name
//!   (`key[Variant]=...`), as serde's externally tagged JSON does. Untagged enums
//!   are encoded as their content.
//! - Keys and values are percent-encoded: every byte other than ASCII letters,
//!   digits and `-_.~` becomes `%XX` (uppercase hex of the UTF-8 bytes; a space is
//!   `%20`), except `[` and `]`, which are always left as they are, in keys and in
//!   values alike (Stripe accepts them either way and the SDKs keep them readable).
//! - Map keys may be strings, chars, integers, bools or unit variants.
//!
//! Everything else is a [`FormError`]: a scalar or a sequence at the top level,
//! bytes, NaN or infinite floats, unsupported map keys, and files
//! ([`FileUpload`](crate::FileUpload)), which only go in multipart bodies (see
//! [`multipart`](crate::multipart), which shares these rules but sends keys and
//! values unencoded).
//!
//! # Field order
//!
//! Pairs come out in serialization order: struct fields in declaration order, map
//! entries in the map's iteration order (sorted for a `BTreeMap`, insertion order
//! for an `IndexMap`, unspecified for a `HashMap`). Stripe does not care about the
//! order; a fixed one keeps requests reproducible. (The Node SDK follows
//! JavaScript's property order, which puts integer-like keys first; a map with such
//! keys may therefore come out in a different order than Node's, with the same
//! pairs.)

mod key;
mod number;
mod ser;

use std::fmt::{self, Display};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;

use crate::multipart::FileParts;
use ser::ValueSerializer;

/// Bytes that are percent-encoded: everything but ASCII alphanumerics, `-_.~` and
/// the brackets. (Non-ASCII bytes are always encoded.)
const ENCODED: &AsciiSet =
    &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~').remove(b'[').remove(b']');

/// Encodes `value` (a struct or a map) as Stripe's form encoding.
///
/// See the [module documentation](self) for the rules.
///
/// # Errors
///
/// A [`FormError`] when `value` is not a struct or a map, or holds something that
/// has no form encoding (bytes, a NaN or infinite float, a map key that is not a
/// string, char, integer, bool or unit variant), or when one of its `Serialize`
/// implementations fails.
pub fn encode<T: Serialize + ?Sized>(value: &T) -> Result<String, FormError> {
    // Most params encode to a few hundred bytes: start there rather than growing
    // from nothing.
    serialize_pairs(value, UrlEncoded { out: String::with_capacity(256) }).map(|sink| sink.out)
}

/// Where the pairs of a value go: the form encoder's `key=value&...` string, or
/// the parts of a multipart body. The serializer (keys, values, the rules above)
/// is the same; a sink decides how text is escaped and how pairs are written.
pub(crate) trait Sink {
    /// Appends `text` (a field name, map key, variant name) to a key:
    /// percent-encoded for a form, as it is for a multipart body.
    fn push_key_text(&self, key: &mut String, text: &str);

    /// Writes the pair `key` = `value`; `key` is built by
    /// [`push_key_text`](Sink::push_key_text), `value` is the raw text (`true`,
    /// `1e+21`, a string as it is).
    fn pair(&mut self, key: &str, value: &str);

    /// Writes a file at `key`, or refuses it.
    fn file(&mut self, key: &str, file: FileParts<'_>) -> Result<(), FormError>;
}

/// Serializes `value` (a struct or a map) into `sink`, pair by pair, and returns
/// the sink.
pub(crate) fn serialize_pairs<S: Sink, T: Serialize + ?Sized>(value: &T, mut sink: S) -> Result<S, FormError> {
    serialize_into(value, &mut sink)?;
    Ok(sink)
}

/// Serializes `value` into `sink`, whichever sink it is: one instance of the
/// serializer per value type, not one per value type and sink.
fn serialize_into<T: Serialize + ?Sized>(value: &T, sink: &mut dyn Sink) -> Result<(), FormError> {
    // Keys are rarely longer than a few dozen bytes.
    let mut encoder = Encoder { sink, key: String::with_capacity(64) };
    value.serialize(ValueSerializer { enc: &mut encoder, root: true })
}

/// The sink of [`encode`]: `key=value` pairs joined by `&`, keys and values
/// percent-encoded.
struct UrlEncoded {
    out: String,
}

impl Sink for UrlEncoded {
    #[inline]
    fn push_key_text(&self, key: &mut String, text: &str) {
        push_encoded(key, text);
    }

    #[inline]
    fn pair(&mut self, key: &str, value: &str) {
        if !self.out.is_empty() {
            self.out.push('&');
        }
        self.out.push_str(key);
        self.out.push('=');
        push_encoded(&mut self.out, value);
    }

    fn file(&mut self, key: &str, _: FileParts<'_>) -> Result<(), FormError> {
        Err(FormError::FileNotMultipart { key: key.to_owned() })
    }
}

/// An error from [`encode`] or [`multipart::encode`](crate::multipart::encode).
///
/// Keys in errors are spelled as they would be on the wire: percent-encoded by
/// [`encode`] (`metadata[a%20b]`), as they are by
/// [`multipart::encode`](crate::multipart::encode) (`metadata[a b]`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FormError {
    /// The top-level value was not a struct or a map.
    #[error("form encoding needs a struct or a map at the top level, found {found}")]
    NotAStructOrMap {
        /// What was found instead (`"a string"`, `"a sequence"`...).
        found: &'static str,
    },
    /// A value that has no form encoding: bytes, NaN or an infinite float.
    #[error("cannot form-encode {found} at {}", Location(key))]
    Unsupported {
        /// The key of the value.
        key: String,
        /// What the value was (`"bytes"`, `"NaN"`...).
        found: &'static str,
    },
    /// A map key that is not a string, char, integer, bool or unit variant.
    #[error(
        "cannot form-encode a map key that is {found} (in the map at {}): map keys must be strings, chars, \
         integers, bools or unit variants",
        Location(key)
    )]
    UnsupportedMapKey {
        /// The key of the map.
        key: String,
        /// What the map key was (`"a float"`, `"a struct"`...).
        found: &'static str,
    },
    /// A [`FileUpload`](crate::FileUpload) in params that are form-encoded: files
    /// can only be sent in a `multipart/form-data` body
    /// ([`ParamsIn::Multipart`](crate::ParamsIn::Multipart)).
    #[error(
        "cannot form-encode the file at {}: files can only be sent in a multipart/form-data body \
         (ParamsIn::Multipart)",
        Location(key)
    )]
    FileNotMultipart {
        /// The key of the file.
        key: String,
    },
    /// An error raised by a `Serialize` implementation.
    #[error("{message}{}", At(key.as_deref()))]
    Custom {
        /// The key of the value being serialized, when there was one.
        key: Option<String>,
        /// The message of the `Serialize` implementation.
        message: String,
    },
}

impl serde::ser::Error for FormError {
    fn custom<T: Display>(msg: T) -> Self {
        FormError::Custom { key: None, message: msg.to_string() }
    }
}

impl FormError {
    /// Attaches `key` to a custom error raised below it, unless it already names a
    /// (deeper, so more precise) key.
    pub(crate) fn under(mut self, key: &str) -> Self {
        if let FormError::Custom { key: slot @ None, .. } = &mut self {
            *slot = Some(key.to_owned());
        }
        self
    }
}

/// Displays a key for an error message.
struct Location<'a>(&'a str);

impl Display for Location<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("the top level")
        } else {
            write!(f, "`{}`", self.0)
        }
    }
}

/// Displays ` (at `key`)` after a custom message, when there is a key.
struct At<'a>(Option<&'a str>);

impl Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(key) => write!(f, " (at {})", Location(key)),
            None => Ok(()),
        }
    }
}

/// The sink and the key of the value being encoded, in the sink's escaping.
/// Descending into a field pushes onto `key`; coming back truncates it.
struct Encoder<'s> {
    sink: &'s mut dyn Sink,
    key: String,
}

/// Percent-encodes `s` onto `out`. A string that needs no encoding (most keys and
/// values) comes out of the iterator as one chunk, pushed unchanged.
#[inline]
pub(crate) fn push_encoded(out: &mut String, s: &str) {
    for chunk in utf8_percent_encode(s, ENCODED) {
        out.push_str(chunk);
    }
}

impl Encoder<'_> {
    /// Writes the pair of the current key with `value` (raw text).
    #[inline]
    fn pair(&mut self, value: &str) {
        self.sink.pair(&self.key, value);
    }

    /// Appends `[name]` to the key, or `name` at the top level.
    #[inline]
    fn push_segment(&mut self, root: bool, name: &str) {
        if root {
            self.sink.push_key_text(&mut self.key, name);
        } else {
            self.key.push('[');
            self.sink.push_key_text(&mut self.key, name);
            self.key.push(']');
        }
    }

    /// Appends `[index]` to the key.
    #[inline]
    fn push_index(&mut self, index: usize) {
        self.key.push('[');
        self.key.push_str(itoa::Buffer::new().format(index));
        self.key.push(']');
    }

    fn unsupported(&self, found: &'static str) -> FormError {
        FormError::Unsupported { key: self.key.clone(), found }
    }
}

#[cfg(test)]
mod tests;
