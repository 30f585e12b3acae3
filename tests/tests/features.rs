//! Feature specs: small hand-written OpenAPI documents in `tests/specs/`, one per
//! feature of the generator (with its `refine` policy in `NAME.refine.yaml` when it
//! has one). Each one's output is an insta snapshot, and each one
//! (plus `--select 'tax.*'` on the pinned document) is written as a standalone
//! crate and built, so every snapshot is known to compile.

use std::path::{Path, PathBuf};
use std::process::Command;

use stripe_codegen::emit::{CrateOptions, Files};
use stripe_codegen::lower::Policy;
use stripe_codegen::{load, output, pipeline};

/// The feature specs: every `tests/specs/NAME.yaml` (but the `NAME.refine.yaml`
/// policies), by name, in name order. At least the ten of the first release.
fn features() -> Vec<String> {
    let dir = repo_root().join("tests/specs");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|file| file.strip_suffix(".yaml").map(str::to_owned))
        .filter(|name| !name.ends_with(".refine"))
        .collect();
    names.sort();
    assert!(names.len() >= 10, "feature specs in {}: {names:?}", dir.display());
    names
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn generate_feature(name: &str, runtime_path: &str) -> Files {
    let path = repo_root().join("tests/specs").join(format!("{name}.yaml"));
    let doc = load::parse(&std::fs::read(&path).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"));
    let options = CrateOptions {
        name: format!("feature-{}", name.replace('_', "-")),
        version: "0.0.0".into(),
        runtime_path: runtime_path.into(),
        standalone: true,
    };
    let mut policy = Policy::select(&["*"]);
    let refine = repo_root().join("tests/specs").join(format!("{name}.refine.yaml"));
    if refine.exists() {
        policy.refine = serde_yaml::from_slice(&std::fs::read(&refine).unwrap()).unwrap();
    }
    let (_, files) = pipeline::generate_document(&doc, &policy, &options).unwrap_or_else(|e| panic!("{name}: {e}"));
    files
}

/// The crate's sources as one text, file by file (`Cargo.toml` names a local path).
fn sources(files: &Files) -> String {
    let mut out = String::new();
    for (path, contents) in files.iter().filter(|(path, _)| path.starts_with("src/")) {
        out.push_str(&format!("==> {path} <==\n{contents}\n"));
    }
    out
}

#[test]
fn feature_snapshots() {
    for name in features() {
        let files = generate_feature(&name, "../runtime");
        insta::assert_snapshot!(name.as_str(), sources(&files));
    }
}

#[test]
fn generation_is_deterministic() {
    for name in features() {
        assert_eq!(generate_feature(&name, "x"), generate_feature(&name, "x"), "{name}");
    }
}

fn write_crate(files: &Files, dir: &Path) {
    let plan = output::plan(files, dir).unwrap();
    output::apply(files, dir, &plan).unwrap();
    // Build with the versions the workspace already resolved (and has fetched).
    std::fs::copy(repo_root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
}

/// Builds a generated crate with clippy, failing on any warning.
fn cargo_build(dir: &Path, target: &Path) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["clippy", "--offline", "--quiet", "--", "-D", "warnings"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .unwrap();
    assert!(out.status.success(), "building {} failed:\n{}", dir.display(), String::from_utf8_lossy(&out.stderr));
}

#[test]
fn generated_crates_build_where_they_are_written() {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).join("feature-crates");
    let target = tmp.join("target");
    let runtime = repo_root().join("runtime").canonicalize().unwrap();
    for name in features() {
        let dir = tmp.join(&name);
        write_crate(&generate_feature(&name, &runtime.display().to_string()), &dir);
        cargo_build(&dir, &target);
    }

    // Generality: another namespace of the pinned document, through the same
    // entry point as `cargo xtask codegen --select 'tax.*' --out DIR`.
    let dir = tmp.join("tax");
    let options =
        pipeline::Options { spec: None, select: vec!["tax.*".into()], out: Some(dir.clone()), verify_layout: true };
    let generated = pipeline::generate(&repo_root(), &options).unwrap();
    assert!(generated.files.contains_key("src/tax/calculation.rs"), "{:?}", generated.files.keys());
    assert!(generated.files["Cargo.toml"].contains("[workspace]"));
    write_crate(&generated.files, &dir);
    cargo_build(&dir, &target);
}
