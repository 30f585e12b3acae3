//! The pipeline around the compiler: the spec pin, and what gets written where.

use std::path::{Path, PathBuf};

use stripe_codegen::error::Location;
use stripe_codegen::{load, output, pipeline};

/// A throwaway repository root with `spec/codegen.yaml` pinning `spec` (a file
/// of `tests/specs/`) under `sha256` (its real checksum unless given).
fn scratch_root(name: &str, spec: &str, sha256: Option<&str>) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pipeline").join(name);
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("spec")).unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs").join(spec);
    let bytes = std::fs::read(source).unwrap();
    std::fs::write(root.join("doc.yaml"), &bytes).unwrap();
    let sha = sha256.map(str::to_string).unwrap_or_else(|| load::sha256_hex(&bytes));
    let config = format!(
        "spec: {{path: doc.yaml, api_version: '2024-01-01', sha256: {sha}}}\nselect: ['*']\ncrate: {{name: scratch, version: 0.0.0}}\n"
    );
    std::fs::write(root.join("spec/codegen.yaml"), config).unwrap();
    root
}

#[test]
fn wrong_checksum_is_an_error_and_nothing_is_written() {
    let root = scratch_root("checksum", "enums.yaml", Some(&"0".repeat(64)));
    let err = pipeline::generate(&root, &pipeline::Options::default()).unwrap_err();
    assert_eq!(err.location, Location::File(root.join("doc.yaml").display().to_string()));
    assert!(err.reason.starts_with("sha256 is "), "{err}");
    assert!(err.reason.contains(&format!("pins {}", "0".repeat(64))), "{err}");
    assert!(!root.join("generated").exists());
}

#[test]
fn missing_document_says_what_to_get_and_where() {
    let root = scratch_root("missing", "enums.yaml", None);
    std::fs::remove_file(root.join("doc.yaml")).unwrap();
    let err = pipeline::generate(&root, &pipeline::Options::default()).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("the pinned OpenAPI document is missing"), "{text}");
    assert!(text.contains("API version 2024-01-01"), "{text}");
    assert!(text.contains("put it at `doc.yaml`"), "{text}");
    assert!(text.contains("--spec PATH"), "{text}");
}

#[test]
fn pinned_version_must_match_the_document() {
    let root = scratch_root("version", "enums.yaml", None);
    let config = std::fs::read_to_string(root.join("spec/codegen.yaml")).unwrap().replace("2024-01-01", "2030-01-01");
    std::fs::write(root.join("spec/codegen.yaml"), config).unwrap();
    let err = pipeline::generate(&root, &pipeline::Options::default()).unwrap_err();
    assert_eq!(err.to_string(), "#/info/version: is `2024-01-01`, but spec/codegen.yaml pins API version `2030-01-01`");
}

#[test]
fn an_unpinned_document_is_not_checksummed_and_selection_can_be_overridden() {
    let root = scratch_root("override", "enums.yaml", Some(&"0".repeat(64)));
    let other = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/expandable.yaml");
    let options = pipeline::Options { spec: Some(other), select: vec!["customer".into()], out: None };
    let generated = pipeline::generate(&root, &options).unwrap();
    let names: Vec<&str> = generated.ir.types.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["Customer"]);
}

#[test]
fn a_selection_that_matches_nothing_is_an_error() {
    let root = scratch_root("nothing", "enums.yaml", None);
    let options = pipeline::Options { select: vec!["tax.*".into()], ..Default::default() };
    let err = pipeline::generate(&root, &options).unwrap_err();
    assert_eq!(err.to_string(), "#/components/schemas: the selection [\"tax.*\"] matches no schema's x-resourceId");
}

#[test]
fn check_sees_hand_edits_and_writes_remove_only_generated_files() {
    let root = scratch_root("edits", "nested_inline.yaml", None);
    let generated = pipeline::generate(&root, &pipeline::Options::default()).unwrap();
    let out = &generated.out_dir;
    let first = output::plan(&generated.files, out).unwrap();
    assert_eq!(first.added.len(), generated.files.len());
    output::apply(&generated.files, out, &first).unwrap();
    assert!(output::plan(&generated.files, out).unwrap().is_empty());

    // A hand edit to a generated file, a stale generated file, a hand-written file.
    let session = out.join("src/demo/session.rs");
    let edited = std::fs::read_to_string(&session).unwrap().replace("pub id: String", "pub id: u64");
    std::fs::write(&session, edited).unwrap();
    let stale = std::fs::read_to_string(out.join("src/shared.rs")).unwrap();
    std::fs::write(out.join("src/old.rs"), stale).unwrap();
    std::fs::write(out.join("src/notes.rs"), "// hand-written\n").unwrap();

    let changes = output::plan(&generated.files, out).unwrap();
    assert_eq!(changes.changed, ["src/demo/session.rs"]);
    assert_eq!(changes.removed, ["src/old.rs"]);
    assert!(changes.added.is_empty());
    assert_eq!(changes.lines(), ["~ src/demo/session.rs", "- src/old.rs"]);

    output::apply(&generated.files, out, &changes).unwrap();
    assert!(output::plan(&generated.files, out).unwrap().is_empty());
    assert!(!out.join("src/old.rs").exists());
    assert_eq!(std::fs::read_to_string(out.join("src/notes.rs")).unwrap(), "// hand-written\n");
}
