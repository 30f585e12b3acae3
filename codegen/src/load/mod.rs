//! Loading: bytes -> checked `openapiv3::OpenAPI`.
//!
//! YAML and JSON are both accepted. Parse errors name the JSON pointer of the
//! value that failed to parse.
//!
//! Hostile input is refused before it costs much:
//! - a document larger than [`MAX_DOCUMENT_BYTES`] is refused from its metadata,
//!   before it is read (and the read itself stops there, for files whose size the
//!   metadata does not tell);
//! - nesting deeper than the parsers' limit of 128 levels is an error, not a stack
//!   overflow;
//! - YAML aliases that would expand a document many times over (a "billion
//!   laughs") are refused once the document has more values than bytes, plus
//!   [`EXTRA_VALUES`];
//! - a key a mapping repeats, and numbers that are not finite, are errors;
//! - schemas are checked one level at a time before `openapiv3` parses the
//!   document, because `openapiv3` takes time exponential in the depth of an
//!   invalid schema to say it is invalid (see `check_schemas`). Only the deep and
//!   large ones are checked first; the parse of the others fails quickly if it
//!   fails, and then every schema is checked, for the pointer of the first error.
//!
//! So the document is read twice: once as a plain tree, for all of the above, and
//! once by `openapiv3`. A JSON document's tree is read in parts, each path item
//! and component schema on its own, on every thread, and dropped as soon as what
//! is needed of it is taken; the kept parts are then parsed by `openapiv3` from
//! their text (see the `survey` module). Anything that way cannot decide (an
//! error, a repeated key, costly schemas) is left to a read of the whole tree,
//! which `openapiv3` parses (for a whole JSON document, from its text in parts: see
//! the `parts` module), and which reports it with its pointer.

use std::io::Read;
use std::path::Path;

use openapiv3::OpenAPI;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::{pointer_push, Error, Location, Result};
use crate::prune::Plan;
use crate::refs::RefIndex;

mod check;
mod parts;
mod survey;
mod tree;

use check::{check_schemas, Checked};
use tree::read_tree;
pub use tree::EXTRA_VALUES;

/// The largest document accepted, in bytes (256 MiB). Stripe's whole document is
/// about 6 MB; parsing takes several times the input's size in memory.
pub const MAX_DOCUMENT_BYTES: u64 = 256 * 1024 * 1024;

/// Reads a file of at most [`MAX_DOCUMENT_BYTES`], with an error that says what
/// the file is for.
pub fn read(path: &Path, what: &str) -> Result<Vec<u8>> {
    read_limited(path, what, MAX_DOCUMENT_BYTES)
}

/// Reads a file of at most `limit` bytes: larger files are refused from their
/// metadata before anything is read, and reading stops past `limit` for files whose
/// metadata does not tell their size (pipes, devices).
pub fn read_limited(path: &Path, what: &str, limit: u64) -> Result<Vec<u8>> {
    let io_error = |e: std::io::Error| {
        let reason = if e.kind() == std::io::ErrorKind::NotFound {
            format!("{what} not found")
        } else {
            format!("cannot read {what}: {e}")
        };
        Error::file(path.display(), reason)
    };
    let too_large = |size: &str| {
        Error::file(
            path.display(),
            format!("{what} is {size}, more than the limit of {}: refusing to read it", bytes_text(limit)),
        )
    };
    let file = std::fs::File::open(path).map_err(io_error)?;
    let metadata = file.metadata().map_err(io_error)?;
    if metadata.is_dir() {
        return Err(Error::file(path.display(), format!("{what} is a directory, not a file")));
    }
    if metadata.len() > limit {
        return Err(too_large(&bytes_text(metadata.len())));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io_error)?;
    if bytes.len() as u64 > limit {
        return Err(too_large("larger than its metadata says"));
    }
    Ok(bytes)
}

/// A byte count for people: `300 MiB`, `12 bytes`.
fn bytes_text(n: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if n >= MIB && n % MIB == 0 {
        format!("{} MiB", n / MIB)
    } else if n >= MIB {
        format!("{:.1} MiB", n as f64 / MIB as f64)
    } else {
        format!("{n} bytes")
    }
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

/// Decides what of a document to keep (see [`crate::prune`]), from its plain tree
/// and the `$ref`s in it: `None` keeps everything. The tree it is given may hold
/// only what [`crate::owners::read_of_path_item`] and
/// [`crate::owners::read_of_schema`] keep of each path item and component schema.
pub type Planner<'p> = dyn Fn(&Value, &RefIndex<'_>) -> Option<Plan> + 'p;

/// Parses a document (JSON if it starts with `{`, YAML otherwise) and checks that
/// it is an OpenAPI 3.0 document.
pub fn parse(bytes: &[u8]) -> Result<OpenAPI> {
    parse_pruned(bytes, None)
}

/// Parses a document as [`parse`] does, cut down first to what `planner` keeps:
/// what it removes is neither checked nor parsed into `openapiv3` types, which is
/// most of the cost of a large document.
///
/// A JSON document is read without its whole tree, in parts, on every thread (see
/// the `survey` module); only if that cannot decide, as a whole tree, which says
/// why with a pointer. A JSON document that nothing was removed from is then parsed
/// in parts too (see the `parts` module): that is faster than one parse of its
/// text or of its tree. Should a part fail, the document is checked and parsed in
/// one piece, for the same error as any other document's.
pub fn parse_pruned(bytes: &[u8], planner: Option<&Planner<'_>>) -> Result<OpenAPI> {
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(Error::at(
            "#",
            format!(
                "the document is {}, more than the limit of {}",
                bytes_text(bytes.len() as u64),
                bytes_text(MAX_DOCUMENT_BYTES)
            ),
        ));
    }
    let json = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    if json {
        if let Some(doc) = survey::parse(bytes, planner) {
            return checked_version(doc);
        }
    }
    parse_whole(bytes, json, planner)
}

/// [`parse_pruned`] from the document's whole tree.
fn parse_whole(bytes: &[u8], json: bool, planner: Option<&Planner<'_>>) -> Result<OpenAPI> {
    // First as a plain tree, to refuse what the real parse would mishandle, and to
    // check the costly schemas cheaply (see `check_schemas`); for JSON, the parts are
    // found in the text beside it.
    let (tree, skeleton) = read_tree_and_skeleton(bytes, json);
    let tree = match tree {
        Err(e) if e.location == Location::Pointer("#".into()) && declares_swagger(bytes, json) => Err(swagger()),
        other => other,
    };
    let (mut tree, non_string_keys) = tree?;
    if tree.is_null() {
        return Err(Error::at(
            "#",
            "not a valid OpenAPI 3.0 document: missing field `openapi` (the document is empty)",
        ));
    }
    let plan = planner.and_then(|planner| planner(&tree, &RefIndex::of(&tree)));
    let pruned = crate::prune::apply(&mut tree, plan);
    check_schemas(&tree, &non_string_keys, Checked::Costly)?;
    if let Some(skeleton) = skeleton.filter(|_| !pruned) {
        let rest = parts::rest_of(&tree);
        drop(tree);
        if let Some(doc) = parts::parse(rest, skeleton.path_items(), skeleton.schemas()) {
            return checked_version(doc);
        }
        tree = read_tree(bytes, json)?.0;
    }
    // Then `openapiv3` reads the tree, not the text again (the tree keeps the
    // document's key order: serde_json's `preserve_order`).
    // Without tracking the path first (most documents parse). Only if that fails,
    // every schema is checked, and the tree parsed again with the path tracked,
    // for the pointer of the error.
    let parsed: std::result::Result<OpenAPI, Error> =
        <OpenAPI as serde::Deserialize>::deserialize(&tree).or_else(|_| {
            check_schemas(&tree, &non_string_keys, Checked::All)?;
            serde_path_to_error::deserialize(&tree).map_err(|e| parse_error(e.path(), &e.inner().to_string()))
        });
    drop(tree);
    let doc = match parsed {
        Ok(doc) => doc,
        // An OpenAPI 2.0 document has `swagger` where 3.x has `openapi`: say so.
        Err(e) if e.location == Location::Pointer("#".into()) && declares_swagger(bytes, json) => return Err(swagger()),
        Err(e) => return Err(e),
    };
    checked_version(doc)
}

/// The plain tree of the document (see [`read_tree`]) and, for JSON, its
/// [`parts::Skeleton`], read on a second thread.
fn read_tree_and_skeleton(bytes: &[u8], json: bool) -> (Result<(Value, Vec<String>)>, Option<parts::Skeleton<'_>>) {
    if !json {
        return (read_tree(bytes, json), None);
    }
    let (skeleton, tree) = crate::threads::beside(|| parts::Skeleton::read(bytes), || read_tree(bytes, json));
    (tree, skeleton)
}

/// `doc` if it is an OpenAPI 3.0 document.
fn checked_version(doc: OpenAPI) -> Result<OpenAPI> {
    let version = doc.openapi.as_str();
    if !(version == "3.0" || version.starts_with("3.0.")) {
        return Err(Error::at(
            "#/openapi",
            format!("unsupported OpenAPI version `{}`: only 3.0.x documents are supported", version),
        ));
    }
    Ok(doc)
}

fn swagger() -> Error {
    Error::at("#/swagger", "unsupported OpenAPI version 2.0 (`swagger`): only 3.0.x documents are supported")
}

/// Whether the document has a top-level `swagger` key (read again, keys only).
fn declares_swagger(bytes: &[u8], json: bool) -> bool {
    #[derive(serde::Deserialize)]
    struct Swagger {
        swagger: Option<serde::de::IgnoredAny>,
    }
    let parsed: Option<Swagger> =
        if json { serde_json::from_slice(bytes).ok() } else { serde_yaml::from_slice(bytes).ok() };
    parsed.is_some_and(|s| s.swagger.is_some())
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
    // serde_yaml starts some messages with its own dotted path (`components.schemas: ...`),
    // which the pointer already says better.
    let reason = match reason.split_once(": ") {
        Some((path, rest)) if !path.is_empty() && !path.contains(char::is_whitespace) && !path.contains('`') => rest,
        _ => reason,
    };
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

    const HEAD: &str = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n";

    fn parse_schemas(schemas: &str) -> Result<OpenAPI> {
        parse(format!("{HEAD}{schemas}").as_bytes())
    }

    #[test]
    fn files_over_the_limit_are_refused_before_reading() {
        let dir = std::env::temp_dir().join(format!("stripe-codegen-load-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("doc.yaml");
        std::fs::write(&file, [b' '; 100]).unwrap();
        let err = read_limited(&file, "the document", 10).unwrap_err();
        assert!(err.reason.starts_with("the document is 100 bytes, more than the limit of 10 bytes"), "{err}");
        assert_eq!(read_limited(&file, "the document", 100).unwrap().len(), 100);
        let err = read_limited(&dir, "the document", 10).unwrap_err();
        assert_eq!(err.reason, "the document is a directory, not a file");
        std::fs::remove_dir_all(&dir).unwrap();
        // Files whose metadata says nothing of their size are read up to the limit only.
        if Path::new("/dev/zero").exists() {
            let err = read_limited(Path::new("/dev/zero"), "the document", 10).unwrap_err();
            assert!(err.reason.contains("larger than its metadata says"), "{err}");
        }
    }

    #[test]
    fn swagger_and_odd_versions() {
        let err = parse(b"swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n").unwrap_err();
        assert_eq!(err.location, Location::Pointer("#/swagger".into()));
        let err = parse(b"openapi: 3.0x\ninfo: {title: t, version: '1'}\npaths: {}\n").unwrap_err();
        assert_eq!(err.location, Location::Pointer("#/openapi".into()));
        assert!(parse(b"openapi: '3.0'\ninfo: {title: t, version: '1'}\npaths: {}\n").is_ok());
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let err = parse_schemas("    a: {type: string}\n    a: {type: integer}\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "#/components/schemas/a: duplicate key: a mapping names it twice, and only one of them could be used"
        );
        let err = parse(b"{\"openapi\": \"3.0.0\", \"openapi\": \"3.0.1\"}").unwrap_err();
        assert_eq!(err.location, Location::Pointer("#/openapi".into()));
    }

    #[test]
    fn numbers_must_be_finite() {
        let err = parse_schemas("    a: {type: number, maximum: .inf}\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "#/components/schemas/a/maximum: the number `inf` is not supported: numbers must be finite"
        );
    }

    #[test]
    fn keys_that_are_not_strings() {
        // Fine where openapiv3 reads them as text (status codes)...
        let doc = format!("{HEAD}    a: {{type: object}}\n")
            .replace("paths: {}", "paths: {/a: {get: {responses: {200: {description: ok}}}}}");
        assert!(parse(doc.as_bytes()).is_ok());
        // ...an error inside a schema, where it would fail the parse.
        let err = parse_schemas("    a: {type: object, properties: {true: {type: string}}}\n").unwrap_err();
        assert_eq!(err.location, Location::Pointer("#/components/schemas/a/properties/true".into()));
        // Not text at all.
        let err = parse_schemas("    a: {type: object, properties: {[1, 2]: {type: string}}}\n").unwrap_err();
        assert_eq!(err.location, Location::Pointer("#/components/schemas/a/properties".into()));
    }

    #[test]
    fn schemas_are_checked_deepest_first_with_exact_pointers() {
        let err =
            parse_schemas("    a: {type: object, properties: {b: {type: array, items: {type: string, format: 7}}}}\n")
                .unwrap_err();
        assert_eq!(
            err.to_string(),
            "#/components/schemas/a/properties/b/items: not a valid OpenAPI 3.0 schema: invalid type: integer `7`, expected a string"
        );
        // The same in JSON, whose schemas are parsed in parts: the check that finds
        // the error runs after the part fails.
        let json = br#"{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {"ok": {"type": "string"}, "a": {"type": "object",
                "properties": {"b": {"type": "array", "items": {"type": "string", "format": 7}}}}}}}"#;
        assert_eq!(parse(json).unwrap_err().to_string(), err.to_string());
        // A reference is only its `$ref`: openapiv3 reads nothing else of it.
        assert!(
            parse_schemas("    a: {$ref: '#/components/schemas/b', properties: 7}\n    b: {type: string}\n").is_ok()
        );
        // Free-form values are not schemas.
        assert!(parse_schemas("    a: {type: object, example: {schema: 7}, x-thing: {properties: 7}}\n").is_ok());
    }

    #[test]
    fn a_deep_invalid_schema_fails_fast() {
        // openapiv3 alone takes about 2^depth parses for this (seconds at 20 levels).
        let depth = 60;
        let schema = format!(
            "    a: {}{{type: [string]}}{}\n",
            "{type: object, properties: {p: ".repeat(depth),
            "}}".repeat(depth)
        );
        let started = std::time::Instant::now();
        let err = parse_schemas(&schema).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
        assert!(err.to_string().contains(&"/properties/p".repeat(depth)), "{err}");
    }

    /// `parse`, and the document as one `serde_json` parse of its text gives it.
    fn parsed_both_ways(bytes: &[u8]) -> (OpenAPI, OpenAPI) {
        (parse(bytes).unwrap(), serde_json::from_slice(bytes).unwrap())
    }

    /// The document `bytes` is, parsed in parts (`None` if a part fails).
    fn in_parts(bytes: &[u8]) -> Option<OpenAPI> {
        let (tree, _) = read_tree(bytes, true).unwrap();
        let skeleton = parts::Skeleton::read(bytes).unwrap();
        parts::parse(parts::rest_of(&tree), skeleton.path_items(), skeleton.schemas())
    }

    #[test]
    fn a_json_document_parsed_in_parts_is_the_document() {
        let doc = br##"{"openapi": "3.0.0", "info": {"title": "t", "version": "1"},
            "paths": {"x-note": [1], "/a": {"get": {"responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/b"}}}}}}},
                "not-a-path": {}, "/c": {"$ref": "#/paths/~1a"}},
            "components": {"parameters": {"p": {"name": "p", "in": "query", "schema": {"type": "string"}}},
                "schemas": {"b": {"type": "object", "properties": {"c": {"anyOf": [{"type": "string"}]}}},
                    "d": {"$ref": "#/components/schemas/b"}}},
            "x-top": {"k": "v"}}"##;
        let (parsed, whole) = parsed_both_ways(doc);
        assert_eq!(in_parts(doc).as_ref(), Some(&whole));
        assert_eq!(parsed, whole);
        assert_eq!(whole.paths.paths.len(), 2);
        assert_eq!(whole.components.as_ref().unwrap().schemas.len(), 2);
        // Without components, or without paths' items.
        let doc = br#"{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {}}"#;
        assert_eq!(in_parts(doc), Some(parsed_both_ways(doc).1));
        // A part that fails gives `None`, and the document's error has its pointer.
        let doc = br#"{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": 7}}}"#;
        assert_eq!(in_parts(doc), None);
        let err = parse(doc).unwrap_err();
        assert!(err.reason.contains("invalid type: integer `7`"), "{err}");
    }

    #[test]
    fn stripes_document_parsed_in_parts_is_the_document() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/stripe-openapi/2024-04-10/spec3.json");
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let (parsed, whole) = parsed_both_ways(&bytes);
        assert!(in_parts(&bytes).is_some_and(|doc| doc == whole), "the parts differ from the document");
        assert!(parsed == whole, "parse() differs from the document");
        assert!(whole.paths.paths.len() > 300);
    }

    #[test]
    fn trailing_text_after_json_is_an_error() {
        let err = parse(b"{\"openapi\": \"3.0.0\", \"info\": {\"title\": \"t\", \"version\": \"1\"}, \"paths\": {}} x")
            .unwrap_err();
        assert!(err.reason.contains("trailing characters"), "{err}");
    }
}
