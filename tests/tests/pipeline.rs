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
        "spec:\n  path: doc.yaml\n  api_version: \"2024-01-01\"\n  sha256: {sha}\nselect: ['*']\ncrate: {{name: scratch, version: 0.0.0}}\n"
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
    let options = pipeline::Options { spec: Some(other), select: vec!["customer".into()], ..Default::default() };
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

#[test]
fn writes_are_staged_and_swapped_into_place() {
    use std::os::unix::fs::MetadataExt;
    let root = scratch_root("atomic", "nested_inline.yaml", None);
    let (generated, out) = generate_and_write(&root);
    std::fs::write(out.join("src/notes.rs"), "// hand-written\n").unwrap();
    std::fs::create_dir_all(out.join("target/debug")).unwrap();
    std::fs::write(out.join("target/debug/build-output"), "kept").unwrap();
    std::fs::write(out.join(".hidden"), "kept").unwrap();
    let inode = std::fs::metadata(out.join("src/notes.rs")).unwrap().ino();

    // A generated file changes: the new directory replaces the old one whole.
    std::fs::write(out.join("src/shared.rs"), "// @generated by `cargo xtask codegen` (old)\n").unwrap();
    let changes = output::plan(&generated.files, &out).unwrap();
    assert_eq!(changes.changed, ["src/shared.rs"]);
    output::apply(&generated.files, &out, &changes).unwrap();
    assert!(output::plan(&generated.files, &out).unwrap().is_empty());
    // Hand-written files are the same files (linked, not rewritten); target/ and
    // dot entries are moved over; no staging or backup directory is left.
    assert_eq!(std::fs::metadata(out.join("src/notes.rs")).unwrap().ino(), inode);
    assert_eq!(std::fs::read_to_string(out.join("target/debug/build-output")).unwrap(), "kept");
    assert_eq!(std::fs::read_to_string(out.join(".hidden")).unwrap(), "kept");
    let leftovers: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("codegen-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_failed_write_leaves_the_output_directory_as_it_was() {
    let root = scratch_root("failed-write", "nested_inline.yaml", None);
    let (generated, out) = generate_and_write(&root);
    let before = snapshot(&out);

    // A file and a directory of the same name cannot both be staged.
    let mut files = generated.files.clone();
    files.insert("src/x.rs".into(), "// @generated by `cargo xtask codegen`\n".into());
    files.insert("src/x.rs/inner.rs".into(), "// @generated by `cargo xtask codegen`\n".into());
    let changes = output::plan(&files, &out).unwrap();
    let err = output::apply(&files, &out, &changes).unwrap_err();
    // The directories are made first, then the files are written: `src/x.rs` is a directory by then.
    assert!(err.reason.starts_with("cannot write"), "{err}");
    assert!(err.to_string().contains("src/x.rs"), "{err}");
    assert_eq!(snapshot(&out), before);
    assert!(!root.join(".generated.codegen-staging").exists());
}

#[test]
fn a_hand_written_file_where_a_generated_one_goes_is_an_error() {
    let root = scratch_root("hand-written-clash", "nested_inline.yaml", None);
    let (generated, out) = generate_and_write(&root);
    std::fs::write(out.join("src/shared.rs"), "// mine now\n").unwrap();
    let err = output::plan(&generated.files, &out).unwrap_err();
    assert_eq!(err.location, Location::File(out.join("src/shared.rs").display().to_string()));
    assert!(err.reason.contains("hand-written"), "{err}");
    assert_eq!(std::fs::read_to_string(out.join("src/shared.rs")).unwrap(), "// mine now\n");
}

#[test]
fn a_swap_interrupted_between_its_renames_is_finished_by_the_next_run() {
    let root = scratch_root("interrupted", "nested_inline.yaml", None);
    let (generated, out) = generate_and_write(&root);
    std::fs::write(out.join("src/notes.rs"), "// hand-written\n").unwrap();
    // As if killed after moving the old directory aside, and with a half-made staging directory.
    std::fs::rename(&out, root.join(".generated.codegen-backup")).unwrap();
    std::fs::create_dir_all(root.join(".generated.codegen-staging/src")).unwrap();
    let changes = output::plan(&generated.files, &out).unwrap();
    output::apply(&generated.files, &out, &changes).unwrap();
    assert!(output::plan(&generated.files, &out).unwrap().is_empty());
    assert_eq!(std::fs::read_to_string(out.join("src/notes.rs")).unwrap(), "// hand-written\n");
    assert!(!root.join(".generated.codegen-backup").exists());
    assert!(!root.join(".generated.codegen-staging").exists());
}

/// Generates the scratch repository's crate and writes it; returns it and where it went.
fn generate_and_write(root: &Path) -> (pipeline::Generated, PathBuf) {
    let generated = pipeline::generate(root, &pipeline::Options::default()).unwrap();
    let out = generated.out_dir.clone();
    output::apply(&generated.files, &out, &output::plan(&generated.files, &out).unwrap()).unwrap();
    (generated, out)
}

/// Every file under `dir` with its contents.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push((path.clone(), std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn pin_records_version_checksum_and_relative_path_and_keeps_the_rest() {
    let root = scratch_root("pin", "diff/fields.old.yaml", None);
    let config_before = std::fs::read_to_string(root.join("spec/codegen.yaml")).unwrap();
    let new = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/diff/fields.new.yaml");
    let (old_pin, new_pin) = pipeline::pin(&root, &new).unwrap();
    assert_eq!(old_pin.path, "doc.yaml");
    assert_eq!(new_pin.api_version, "2024-02-01");
    assert_eq!(new_pin.sha256, load::sha256_hex(&std::fs::read(&new).unwrap()));
    // Relative to the scratch root, which lives under the target directory.
    assert!(
        new_pin.path.starts_with("../") && new_pin.path.ends_with("tests/specs/diff/fields.new.yaml"),
        "{}",
        new_pin.path
    );
    assert_eq!(std::fs::canonicalize(root.join(&new_pin.path)).unwrap(), std::fs::canonicalize(&new).unwrap());
    let config_after = std::fs::read_to_string(root.join("spec/codegen.yaml")).unwrap();
    assert!(config_after.contains(&format!("sha256: {}", new_pin.sha256)), "{config_after}");
    assert_eq!(
        config_after
            .replace(&new_pin.path, "doc.yaml")
            .replace(&new_pin.sha256, &old_pin.sha256)
            .replace("2024-02-01", "2024-01-01"),
        config_before
    );

    // A document that is not OpenAPI is refused and the config is left alone.
    std::fs::write(root.join("bad.yaml"), "openapi: [\n").unwrap();
    let err = pipeline::pin(&root, &root.join("bad.yaml")).unwrap_err();
    assert_eq!(err.location, Location::File(root.join("bad.yaml").display().to_string()));
    assert_eq!(std::fs::read_to_string(root.join("spec/codegen.yaml")).unwrap(), config_after);
}

#[test]
fn a_bump_writes_the_change_report_once_and_later_runs_keep_it() {
    let root = scratch_root("bump", "diff/fields.old.yaml", None);
    let run = |root: &Path| {
        let generated = pipeline::generate(root, &pipeline::Options::default()).unwrap();
        let changes = output::plan(&generated.files, &generated.out_dir).unwrap();
        output::apply(&generated.files, &generated.out_dir, &changes).unwrap();
        (generated, changes)
    };
    let changes_md = |root: &Path| std::fs::read_to_string(root.join("generated/CHANGES.md")).unwrap();

    // First generation: nothing to compare with.
    let (first, _) = run(&root);
    assert!(first.report.is_none());
    assert!(changes_md(&root).contains("there is no earlier document to compare with"), "{}", changes_md(&root));

    // A bump: the report is made, returned and written.
    let new = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/diff/fields.new.yaml");
    pipeline::pin(&root, &new).unwrap();
    let (bumped, changes) = run(&root);
    let report = bumped.report.expect("a report after a bump");
    assert_eq!((report.from.api_version.as_str(), report.to.api_version.as_str()), ("2024-01-01", "2024-02-01"));
    assert_eq!(report.breaking(), 4);
    assert!(changes.changed.contains(&"CHANGES.md".to_string()));
    let text = changes_md(&root);
    assert!(text.contains("# API changes: 2024-01-01 → 2024-02-01"), "{text}");
    assert!(text.contains("- `widget::Widget.name`: field removed"), "{text}");

    // The next run against the same document keeps the report and writes nothing.
    let generated = pipeline::generate(&root, &pipeline::Options::default()).unwrap();
    assert!(generated.report.is_none());
    assert!(output::plan(&generated.files, &generated.out_dir).unwrap().is_empty());
    assert_eq!(changes_md(&root), text);
}

#[test]
fn a_bump_whose_previous_document_is_gone_says_so() {
    let root = scratch_root("bump-gone", "diff/enums.old.yaml", None);
    let generated = pipeline::generate(&root, &pipeline::Options::default()).unwrap();
    output::apply(&generated.files, &generated.out_dir, &output::plan(&generated.files, &generated.out_dir).unwrap())
        .unwrap();
    let new = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/diff/enums.new.yaml");
    pipeline::pin(&root, &new).unwrap();
    std::fs::remove_file(root.join("doc.yaml")).unwrap();
    let generated = pipeline::generate(&root, &pipeline::Options::default()).unwrap();
    assert!(generated.report.is_none());
    assert_eq!(generated.warnings.len(), 1);
    assert!(
        generated.warnings[0].contains("doc.yaml: the previous OpenAPI document not found"),
        "{:?}",
        generated.warnings
    );
    let text = &generated.files["CHANGES.md"];
    assert!(text.contains("# API changes: 2024-01-01 → 2024-02-01\n\nNo report: the previous document"), "{text}");
}
