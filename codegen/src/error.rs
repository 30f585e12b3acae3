//! The one error type of the generator.

use std::fmt;

/// Where an error is: a JSON pointer into the OpenAPI document, or a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A JSON pointer into the document, e.g.
    /// `#/components/schemas/identity.verification_session/properties/type`.
    Pointer(String),
    /// A file on disk (the document itself, the pin, an output file).
    File(String),
}

/// Everything that can go wrong, as one line: where, and why. Line breaks and
/// other control characters (which a document may put in its keys and values)
/// are shown escaped (`\n`), so the text is always one line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {}", one_line(reason))]
pub struct Error {
    /// Where the problem is.
    pub location: Location,
    /// What the problem is.
    pub reason: String,
}

impl Error {
    /// An error at a JSON pointer into the document.
    pub fn at(pointer: impl Into<String>, reason: impl Into<String>) -> Self {
        Error { location: Location::Pointer(pointer.into()), reason: reason.into() }
    }

    /// An error about a file.
    pub fn file(path: impl fmt::Display, reason: impl Into<String>) -> Self {
        Error { location: Location::File(path.to_string()), reason: reason.into() }
    }

    /// The error with a pointer located in the document at `path` (for commands
    /// that read more than one document): `path: #/pointer: reason`.
    pub fn in_file(self, path: impl fmt::Display) -> Self {
        match self.location {
            Location::Pointer(pointer) => Error::file(path, format!("{pointer}: {}", self.reason)),
            Location::File(_) => self,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Pointer(p) => f.write_str(&one_line(p)),
            Location::File(p) => f.write_str(&one_line(p)),
        }
    }
}

/// `text` with control characters escaped (`\n`, `\u{0}`): one line, whatever it quotes.
pub fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars().flat_map(|c| if c.is_control() { c.escape_default().collect() } else { vec![c] }).collect()
}

/// The generator's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Appends one reference token to a JSON pointer, escaping `~` and `/` (RFC 6901).
pub fn pointer_push(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(pointer_push("#/paths", "/v1/a~b"), "#/paths/~1v1~1a~0b");
    }

    #[test]
    fn displays_as_one_line() {
        let e = Error::at("#/components/schemas/x", "unsupported schema");
        assert_eq!(e.to_string(), "#/components/schemas/x: unsupported schema");
        let e = Error::at("#/paths/a\nb", "dangling $ref `x\r\ny\u{0}`");
        assert_eq!(e.to_string(), "#/paths/a\\nb: dangling $ref `x\\r\\ny\\u{0}`");
    }
}
