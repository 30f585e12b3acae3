//! Hostile documents through the real command line: every file of `tests/hostile/`
//! (and some generated here, too big to check in) must make `xtask codegen` exit
//! non-zero, without a panic or a crash, with exactly one line on stderr naming the
//! JSON pointer and the reason, and write nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// What `spec/codegen.yaml` refines `event.type` with (`refine`, `values_of`): the
/// `refine_*` documents have an `event` resource with a `type` property.
const ENABLED_EVENTS: &str = "#/paths/~1v1~1webhook_endpoints/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/enabled_events/items";

/// Every document of `tests/hostile/`: the pointer its error names (the line
/// starts with `error: POINTER: `) and a part of the reason. Documents are
/// generated with `--select '*'` unless they say otherwise (see [`select_for`]).
const EXPECTED: &[(&str, &str, &str)] = &[
    ("alias_bomb.yaml", "#/components/schemas", "expands (through YAML aliases)"),
    ("all_of_conflict.yaml", "#/components/schemas/a/properties/b", "allOf of 2 schemas is not supported"),
    ("binary.bin", "#", "control characters are not allowed"),
    ("control_chars.json", "#/components/schemas/x/properties/line\\nbreak\\r\\u{0}", "dangling $ref"),
    ("dangling_ref.yaml", "#/components/schemas/a/properties/b", "dangling $ref `#/components/schemas/nope`"),
    ("deep_flow.yaml", "#/x-deep/0/0/0/0/0/0/0/0", "recursion limit exceeded"),
    ("duplicate_field_in_schema.yaml", "#/components/schemas/r/description", "duplicate key"),
    ("duplicate_keys.yaml", "#/components/schemas/a", "duplicate key"),
    ("duplicate_operation_id.yaml", "#/paths/~1v1~1y/get/operationId", "duplicate operationId `GetX`"),
    ("empty.yaml", "#", "missing field `openapi`"),
    ("expansion_not_object.yaml", "#/components/schemas/x/properties/owner/x-expansionResources", "must be an object"),
    ("exponential_schema.yaml", "#/components/schemas/r/properties/p/properties/p", "expected a string"),
    ("fan_out.yaml", "#/components/schemas/c35/items", "more than 100000 types"),
    ("header_param.yaml", "#/paths/~1v1~1x/get/parameters/0", "header and cookie parameters are not supported"),
    ("info_not_object.yaml", "#/info", "invalid type: integer `7`"),
    ("integer_enum.yaml", "#/components/schemas/a/properties/b", "integer enums are not supported"),
    ("integer_key_in_schema.yaml", "#/components/schemas/r/properties/123", "quote it"),
    ("json_body.yaml", "#/paths/~1v1~1x/post/requestBody/content", "unsupported request body type"),
    ("mixed_enum.yaml", "#/components/schemas/a/properties/b", "enum values of a string schema must all be strings"),
    ("mixed_keywords.yaml", "#/components/schemas/a/properties/b", "mixes keywords of different types"),
    ("multi_document.yaml", "#", "more than one document"),
    ("nan_in_schema.yaml", "#/components/schemas/r/description", "numbers must be finite"),
    ("nesting_too_deep.yaml", "#/components/schemas/a65", "types nest more than 64 levels deep"),
    ("not_json.json", "#", "key must be a string"),
    ("not_openapi.yaml", "#", "missing field `openapi`"),
    ("not_schema.yaml", "#/components/schemas/a/properties/b", "`not` schemas are not supported"),
    ("not_yaml.yaml", "#/title", "did not find expected ',' or ']'"),
    ("null_enum.yaml", "#/components/schemas/a/properties/b", "only value is `null`"),
    ("openapi_3_1.yaml", "#/openapi", "unsupported OpenAPI version `3.1.0`"),
    ("openapi_version_garbage.yaml", "#/openapi", "unsupported OpenAPI version `3.0x`"),
    (
        "path_param_not_in_path.yaml",
        "#/paths/~1v1~1x/get/parameters/0",
        "path parameter `id` does not appear in the path `/v1/x`",
    ),
    ("ref_alias_chain.yaml", "#/components/schemas/b127", "schemas nest more than 128 levels deep"),
    ("ref_cycle_any_of.yaml", "#/components/schemas/c", "$ref cycle: c -> c"),
    ("ref_cycle_direct.yaml", "#/components/schemas/A", "$ref cycle: A -> A"),
    ("ref_cycle_items.yaml", "#/components/schemas/A", "$ref cycle: A -> B -> A"),
    ("ref_cycle_three.yaml", "#/components/schemas/A", "$ref cycle: A -> B -> C -> A"),
    ("ref_external.yaml", "#/components/schemas/a/properties/b", "unsupported $ref `/etc/passwd#/root`"),
    ("ref_into_schema.yaml", "#/components/schemas/a/properties/b", "unsupported $ref"),
    ("ref_other_component.yaml", "#/components/schemas/a/properties/b", "unsupported $ref `#/components/responses/x`"),
    ("refine_values_of_all_skipped.yaml", ENABLED_EVENTS, "`values_of` (spec/codegen.yaml `refine`): no values left"),
    ("refine_values_of_missing.yaml", ENABLED_EVENTS, "nothing here: `values_of` (spec/codegen.yaml `refine`)"),
    (
        "refine_values_of_not_enum.yaml",
        ENABLED_EVENTS,
        "`values_of` (spec/codegen.yaml `refine`) must point at a string schema with `enum`",
    ),
    ("response_ref.yaml", "#/paths/~1v1~1x/get/responses/200", "response `$ref`s are not supported"),
    ("select_nothing.yaml", "#/components/schemas", "matches no schema's x-resourceId"),
    ("sequence.yaml", "#", "invalid type: sequence"),
    ("swagger_2.yaml", "#/swagger", "unsupported OpenAPI version 2.0"),
    ("trailing_garbage.json", "#", "trailing characters"),
    ("type_list.yaml", "#/components/schemas/a/properties/b", "invalid type: sequence, expected a string"),
    ("unknown_path_param.yaml", "#/paths/~1v1~1x~1{id}/get/parameters", "uses `{id}`, which no `in: path` parameter"),
];

fn select_for(file: &str) -> &'static str {
    match file {
        "select_nothing.yaml" => "nothing.*",
        _ => "*",
    }
}

fn hostile_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().join("tests/hostile")
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn codegen(spec: &Path, select: &str, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["codegen", "--spec"])
        .arg(spec)
        .args(["--select", select, "--out"])
        .arg(out)
        .output()
        .unwrap()
}

/// Runs the generator on `spec` and checks the failure; returns the error line.
fn expect_failure(spec: &Path, select: &str, scratch: &Path) -> String {
    let out = scratch.join("out");
    let output = codegen(spec, select, &out);
    let name = spec.display();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    // A signal (stack overflow, abort) has no exit code; a panic exits with 101.
    match output.status.code() {
        None => panic!("{name}: killed by a signal ({:?}); stderr:\n{stderr}", output.status),
        Some(0) => panic!("{name}: succeeded; stdout:\n{}", String::from_utf8_lossy(&output.stdout)),
        Some(101) => panic!("{name}: panicked; stderr:\n{stderr}"),
        Some(_) => {}
    }
    assert!(!out.exists(), "{name}: wrote {}", out.display());
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{name}: stderr is not one line:\n{stderr}");
    assert!(stderr.ends_with('\n') && !stderr.ends_with("\n\n"), "{name}: {stderr:?}");
    lines[0].to_string()
}

#[test]
fn every_hostile_document_fails_cleanly() {
    let dir = hostile_dir();
    let mut failures = Vec::new();
    for (file, pointer, reason) in EXPECTED {
        let scratch = scratch(&file.replace('.', "_"));
        let line = expect_failure(&dir.join(file), select_for(file), &scratch);
        let prefix = format!("error: {pointer}");
        // The pointer is followed by `: ` (or goes on, for pointers given as a prefix).
        let rest = line.strip_prefix(&prefix).unwrap_or_default();
        let ok = (rest.starts_with(": ") || rest.starts_with('/')) && line.contains(reason);
        if !ok {
            failures.push(format!("{file}: expected `{prefix}...: ...{reason}...`, got `{line}`"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_hostile_document_is_tested_and_described() {
    let mut files: Vec<String> = std::fs::read_dir(hostile_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "README.md")
        .collect();
    files.sort();
    let tested: Vec<String> = EXPECTED.iter().map(|(file, _, _)| file.to_string()).collect();
    assert_eq!(files, tested, "tests/hostile/ and EXPECTED must list the same files, in order");
    assert!(files.len() >= 25, "only {} hostile documents", files.len());
    let readme = std::fs::read_to_string(hostile_dir().join("README.md")).unwrap();
    for (file, pointer, _) in EXPECTED {
        let row = readme.lines().find(|l| l.starts_with(&format!("| `{file}` |")));
        let row = row.unwrap_or_else(|| panic!("tests/hostile/README.md has no row for {file}"));
        assert!(row.contains(&format!("`{pointer}")), "README row of {file} does not name {pointer}: {row}");
    }
    // YAML documents say what they attack in their first line.
    for file in files.iter().filter(|f| f.ends_with(".yaml")) {
        let text = std::fs::read_to_string(hostile_dir().join(file)).unwrap();
        assert!(text.starts_with("# Attacks: "), "{file} does not start with `# Attacks: `");
    }
}

/// Documents too big to check in, written into the test's scratch directory.
mod generated {
    use std::fmt::Write as _;

    const HEAD: &str = "openapi: 3.0.0\ninfo: {title: hostile, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n";

    /// A resource whose schema nests `depth` inline objects (`properties` within `properties`).
    pub fn literal_nesting_yaml(depth: usize) -> String {
        let mut s = String::from(HEAD);
        s.push_str("    a: ");
        for _ in 0..depth {
            s.push_str("{type: object, properties: {p: ");
        }
        s.push_str("{type: string}");
        for _ in 0..depth {
            s.push_str("}}");
        }
        s.push_str("\n    r: {type: object, x-resourceId: r, properties: {a: {$ref: '#/components/schemas/a'}}}\n");
        s
    }

    /// The same as JSON.
    pub fn literal_nesting_json(depth: usize) -> String {
        let mut s = String::from(
            r#"{"openapi": "3.0.0", "info": {"title": "hostile", "version": "1"}, "paths": {}, "components": {"schemas": {"r": {"type": "object", "x-resourceId": "r", "properties": {"p": "#,
        );
        for _ in 0..depth {
            s.push_str(r#"{"type": "object", "properties": {"p": "#);
        }
        s.push_str(r#"{"type": "string"}"#);
        for _ in 0..depth {
            s.push_str("}}");
        }
        s.push_str("}}}}}\n");
        s
    }

    /// `a0` (a resource) -> `a1` -> ... -> `a{n}`, each a property of the one before;
    /// with `shared`, each is referenced twice (so each is a type of its own in `shared`).
    pub fn property_chain(n: usize, shared: bool) -> String {
        let mut s = String::from(HEAD);
        for i in 0..n {
            let id = if i == 0 { ", x-resourceId: a0" } else { "" };
            let twice =
                if shared { format!(", again: {{$ref: '#/components/schemas/a{}'}}", i + 1) } else { String::new() };
            writeln!(
                s,
                "    a{i}: {{type: object{id}, properties: {{next: {{$ref: '#/components/schemas/a{}'}}{twice}}}}}",
                i + 1
            )
            .unwrap();
        }
        writeln!(s, "    a{n}: {{type: object, properties: {{end: {{type: string}}}}}}").unwrap();
        s
    }

    /// A resource whose property is `b0`, and `b0` -> `b1` -> ... by `shape`
    /// (`alias`: `$ref` only; `items`: arrays of the next; `union`: anyOf the next or a string).
    pub fn schema_chain(n: usize, shape: &str) -> String {
        let mut s = String::from(HEAD);
        s.push_str("    r: {type: object, x-resourceId: r, properties: {p: {$ref: '#/components/schemas/b0'}}}\n");
        for i in 0..n {
            let next = format!("{{$ref: '#/components/schemas/b{}'}}", i + 1);
            let schema = match shape {
                "alias" => next,
                "items" => format!("{{type: array, items: {next}}}"),
                "union" => format!("{{anyOf: [{next}, {{type: string}}]}}"),
                _ => unreachable!(),
            };
            writeln!(s, "    b{i}: {schema}").unwrap();
        }
        writeln!(s, "    b{n}: {{type: string}}").unwrap();
        s
    }
}

#[test]
fn nesting_ten_thousand_deep_fails_cleanly() {
    let dir = scratch("nesting");
    let cases: Vec<(&str, String, &str, &str)> = vec![
        (
            "literal.yaml",
            generated::literal_nesting_yaml(10_000),
            "#/components/schemas/a/properties/p",
            "recursion limit exceeded",
        ),
        (
            "literal.json",
            generated::literal_nesting_json(10_000),
            "#/components/schemas/r/properties/p",
            "recursion limit exceeded",
        ),
        (
            "chain.yaml",
            generated::property_chain(10_000, false),
            "#/components/schemas/a65",
            "types nest more than 64 levels deep",
        ),
        (
            "alias.yaml",
            generated::schema_chain(10_000, "alias"),
            "#/components/schemas/b127",
            "schemas nest more than 128 levels deep",
        ),
        (
            "items.yaml",
            generated::schema_chain(10_000, "items"),
            "#/components/schemas/b127",
            "schemas nest more than 128 levels deep",
        ),
        (
            "union.yaml",
            generated::schema_chain(10_000, "union"),
            "#/components/schemas/b64",
            "types nest more than 64 levels deep",
        ),
    ];
    for (file, text, pointer, reason) in cases {
        let spec = dir.join(file);
        std::fs::write(&spec, text).unwrap();
        let line = expect_failure(&spec, "*", &dir);
        assert!(line.starts_with(&format!("error: {pointer}")) && line.contains(reason), "{file}: {line}");
    }
}

#[test]
fn a_wide_alias_bomb_is_refused_quickly() {
    // 20,000 aliases of a 10,000-string list: 200 million strings from 120 KB. Each
    // alias is one "repetition" to serde_yaml, which allows 100 per event.
    let dir = scratch("wide-alias-bomb");
    let spec = dir.join("bomb.yaml");
    let mut text = String::from("openapi: 3.0.0\ninfo: {title: hostile, version: '1'}\npaths: {}\nx-big: &a [");
    text.push_str(&"lol,".repeat(10_000));
    text.push_str("lol]\nx-bomb: [");
    text.push_str(&"*a,".repeat(20_000));
    text.push_str("*a]\n");
    std::fs::write(&spec, text).unwrap();
    let started = std::time::Instant::now();
    let line = expect_failure(&spec, "*", &dir);
    assert!(line.starts_with("error: #/x-bomb/"), "{line}");
    assert!(line.contains("expands (through YAML aliases)"), "{line}");
    assert!(started.elapsed() < std::time::Duration::from_secs(30), "{:?}", started.elapsed());
}

#[test]
fn a_ten_thousand_long_chain_of_shared_types_generates() {
    let dir = scratch("shared-chain");
    let spec = dir.join("chain.yaml");
    std::fs::write(&spec, generated::property_chain(10_000, true)).unwrap();
    let out = dir.join("out");
    let output = codegen(&spec, "*", &out);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let shared = std::fs::read_to_string(out.join("src/shared.rs")).unwrap();
    assert!(shared.contains("pub struct A10000 {"), "{}", &shared[..shared.len().min(2000)]);
}

#[test]
fn a_document_over_the_size_limit_is_refused_before_it_is_read() {
    let dir = scratch("huge");
    let spec = dir.join("huge.yaml");
    // Sparse: 300 MiB that take no disk space (and would take seconds to parse).
    let file = std::fs::File::create(&spec).unwrap();
    file.set_len(300 * 1024 * 1024).unwrap();
    drop(file);
    let line = expect_failure(&spec, "*", &dir);
    assert_eq!(
        line,
        format!(
            "error: {}: the OpenAPI document is 300 MiB, more than the limit of 256 MiB: refusing to read it",
            spec.display()
        )
    );
}

#[test]
fn a_directory_is_not_a_document() {
    let dir = scratch("directory");
    let line = expect_failure(&dir, "*", &dir.join("x"));
    assert!(line.ends_with("the OpenAPI document is a directory, not a file"), "{line}");
}
