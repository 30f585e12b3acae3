//! The same spec gives byte-identical output whatever the process's hash seeds
//! (each run is a new process), locale, time zone, working directory or other
//! environment.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(path.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

#[test]
fn runs_are_byte_identical_across_environments() {
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("determinism");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    let environments: [(&[(&str, &str)], &Path); 3] = [
        (&[("LC_ALL", "C"), ("TZ", "UTC")], Path::new(env!("CARGO_MANIFEST_DIR"))),
        (
            &[("LC_ALL", "tr_TR.UTF-8"), ("LANG", "tr_TR.UTF-8"), ("TZ", "Asia/Kolkata"), ("HOME", "/nonexistent")],
            &scratch,
        ),
        (
            &[("LC_ALL", "de_DE.UTF-8"), ("TZ", "America/St_Johns"), ("RUST_BACKTRACE", "1"), ("COLUMNS", "7")],
            Path::new("/"),
        ),
    ];
    let mut outputs = Vec::new();
    for (i, (env, cwd)) in environments.iter().enumerate() {
        let out = scratch.join(format!("out-{i}"));
        let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
        command.args(["codegen", "--out"]).arg(&out).current_dir(cwd).env_clear();
        command.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        for (key, value) in *env {
            command.env(key, value);
        }
        let output = command.output().unwrap();
        assert!(output.status.success(), "run {i}: {}", String::from_utf8_lossy(&output.stderr));
        outputs.push(files(&out));
    }
    assert!(outputs[0].len() > 5, "{:?}", outputs[0].keys());
    for (i, other) in outputs.iter().enumerate().skip(1) {
        assert_eq!(outputs[0].keys().collect::<Vec<_>>(), other.keys().collect::<Vec<_>>(), "run {i}");
        for (path, bytes) in &outputs[0] {
            assert!(other[path] == *bytes, "run {i}: {} differs", path.display());
        }
    }
    // And the sources are the checked-in crate's (only Cargo.toml differs: a
    // standalone crate names the runtime by absolute path).
    let checked_in = files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated"));
    for (path, bytes) in &outputs[0] {
        if path != Path::new("Cargo.toml") && path != Path::new("CHANGES.md") {
            assert!(checked_in.get(path) == Some(bytes), "{} differs from generated/", path.display());
        }
    }
}
