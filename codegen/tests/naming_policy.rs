//! Names are decided in one place: `codegen/src/names.rs`. This test reads the
//! generator's source and fails on name formatting anywhere else: casing (heck),
//! reserved-name lists, identifiers formatted from strings, and names built with
//! `format!` where the IR stores them.

use std::path::{Path, PathBuf};

/// What formats a name, and why it may appear only in the naming module.
const FORBIDDEN: &[(&str, &str)] = &[
    ("heck::", "casing is the naming module's"),
    ("to_snake_case", "casing is the naming module's"),
    ("to_upper_camel_case", "casing is the naming module's"),
    ("to_lower_camel_case", "casing is the naming module's"),
    ("to_shouty_snake_case", "casing is the naming module's"),
    ("with_reserved(", "reserved names are listed in the naming module"),
    ("rust_name: format!", "a Rust name is decided by the naming module"),
    ("name: format!", "a Rust name is decided by the naming module"),
    ("setter: Some(format!", "setter names are decided by the naming module"),
];

/// The naming module itself.
const NAMING_MODULE: &str = "names.rs";

/// `format_ident!` may only turn a name decided elsewhere into an identifier.
const FORMAT_IDENT: &str = "format_ident!(";
const FORMAT_IDENT_ALLOWED: &str = "format_ident!(\"{}\"";

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Whether `pattern` occurs in `code` at the start of a word (`heck::` but not
/// `check::`, `name:` but not `rust_name:`).
fn contains_word(code: &str, pattern: &str) -> bool {
    code.match_indices(pattern)
        .any(|(i, _)| !code[..i].chars().next_back().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_'))
}

/// Every `(file:line, offending text, reason)` in `text`.
fn violations(file: &str, text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        for (pattern, reason) in FORBIDDEN {
            if contains_word(code, pattern) {
                found.push(format!("{file}:{}: `{pattern}`: {reason}", n + 1));
            }
        }
        let mut rest = code;
        while let Some(i) = rest.find(FORMAT_IDENT) {
            if !rest[i..].starts_with(FORMAT_IDENT_ALLOWED) {
                found.push(format!(
                    "{file}:{}: `{}`: identifiers are formatted by the naming module",
                    n + 1,
                    FORMAT_IDENT
                ));
            }
            rest = &rest[i + FORMAT_IDENT.len()..];
        }
    }
    found
}

#[test]
fn names_are_formatted_only_in_the_naming_module() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &mut files);
    assert!(files.len() > 20, "found only {} source files under {}", files.len(), root.display());
    let mut found = Vec::new();
    for path in &files {
        let rel = path.strip_prefix(&root).unwrap().display().to_string();
        if rel == NAMING_MODULE {
            continue;
        }
        found.extend(violations(&rel, &std::fs::read_to_string(path).unwrap()));
    }
    assert!(found.is_empty(), "name formatting outside codegen/src/{NAMING_MODULE}:\n{}", found.join("\n"));
}

#[test]
fn the_scan_finds_what_it_forbids() {
    let text = "use heck::ToSnakeCase;\nlet a = format_ident!(\"{}_x\", b);\nlet ok = format_ident!(\"{}\", c);\n\
                // a comment with to_snake_case is fine\nField { rust_name: format!(\"{a}\") }\n";
    let found = violations("x.rs", text);
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(found[0].starts_with("x.rs:1: `heck::`"));
    assert!(found[1].starts_with("x.rs:2: `format_ident!(`"));
    assert!(found[2].starts_with("x.rs:5: `rust_name: format!`"));
}
