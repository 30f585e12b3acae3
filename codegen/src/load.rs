//! Loading: bytes -> checked `openapiv3::OpenAPI`.
//!
//! YAML and JSON are both accepted. Parse errors name the JSON pointer of the
//! value that failed to parse.

use std::path::Path;

use openapiv3::OpenAPI;
use sha2::{Digest, Sha256};

use crate::error::{pointer_push, Error, Result};

/// Reads a file, with an error that says what the file is for.
pub fn read(path: &Path, what: &str) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| {
        let reason = if e.kind() == std::io::ErrorKind::NotFound {
            format!("{what} not found")
        } else {
            format!("cannot read {what}: {e}")
        };
        Error::file(path.display(), reason)
    })
}

/// Lowercase hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Parses a document (JSON if it starts with `{`, YAML otherwise) and checks that
/// it is an OpenAPI 3.0 document.
pub fn parse(bytes: &[u8]) -> Result<OpenAPI> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    let doc: OpenAPI = if first == Some(&b'{') {
        let mut de = serde_json::Deserializer::from_slice(bytes);
        serde_path_to_error::deserialize(&mut de).map_err(|e| parse_error(e.path(), &e.inner().to_string()))?
    } else {
        let de = serde_yaml::Deserializer::from_slice(bytes);
        serde_path_to_error::deserialize(de).map_err(|e| parse_error(e.path(), &e.inner().to_string()))?
    };
    if !doc.openapi.starts_with("3.0") {
        return Err(Error::at(
            "#/openapi",
            format!("unsupported OpenAPI version `{}`: only 3.0.x documents are supported", doc.openapi),
        ));
    }
    Ok(doc)
}

fn parse_error(path: &serde_path_to_error::Path, reason: &str) -> Error {
    let mut pointer = String::from("#");
    for segment in path.iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => pointer = pointer_push(&pointer, &index.to_string()),
            serde_path_to_error::Segment::Map { key } => pointer = pointer_push(&pointer, key),
            serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => {}
        }
    }
    let reason = reason.lines().next().unwrap_or("").trim();
    Error::at(pointer, format!("not a valid OpenAPI 3.0 document: {reason}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_empty_input() {
        assert_eq!(sha256_hex(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    #[test]
    fn rejects_non_openapi_with_a_pointer() {
        let err = parse(b"openapi: 3.0.0\ninfo: 7\npaths: {}\n").unwrap_err();
        assert_eq!(err.location, crate::error::Location::Pointer("#/info".into()), "{err}");
        let err = parse(b"{\"openapi\": \"2.0\", \"info\": {\"title\": \"t\", \"version\": \"1\"}, \"paths\": {}}")
            .unwrap_err();
        assert_eq!(err.to_string(), "#/openapi: unsupported OpenAPI version `2.0`: only 3.0.x documents are supported");
    }

    #[test]
    fn yaml_and_json_give_the_same_document() {
        let yaml = parse(b"openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n").unwrap();
        let json =
            parse(b" {\"openapi\":\"3.0.0\",\"info\":{\"title\":\"t\",\"version\":\"1\"},\"paths\":{}}").unwrap();
        assert_eq!(yaml, json);
    }
}
