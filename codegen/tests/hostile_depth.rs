//! Deep documents in-process, on a thread with a 2 MiB stack (what `cargo test`
//! gives its threads; the CLI's main thread has 8 MiB, see `xtask/tests/hostile.rs`):
//! nesting 10,000 deep is an error naming the pointer, never a stack overflow, and a
//! 10,000-long chain of shared types generates.

use std::fmt::Write as _;

use stripe_codegen::emit::CrateOptions;
use stripe_codegen::lower::{Policy, MAX_SCHEMA_DEPTH, MAX_TYPES, MAX_TYPE_NESTING};
use stripe_codegen::{load, pipeline};

const HEAD: &str = "openapi: 3.0.0\ninfo: {title: hostile, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n";
const STACK: usize = 2 * 1024 * 1024;

/// Parses, lowers and emits `text` on a 2 MiB thread; the error as text.
fn generate(text: String) -> Result<usize, String> {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            let doc = load::parse(text.as_bytes()).map_err(|e| e.to_string())?;
            let options = CrateOptions {
                name: "deep".into(),
                version: "0.0.0".into(),
                runtime_path: "x".into(),
                standalone: true,
            };
            let (ir, _) = pipeline::generate_document(&doc, &Policy::select(&["*"]), &options).map_err(|e| {
                let text = e.to_string();
                assert!(!text.contains('\n'), "{text}");
                text
            })?;
            Ok(ir.types.len())
        })
        .unwrap()
        .join()
        .expect("no panic")
}

fn literal_nesting(depth: usize, json: bool) -> String {
    let (open, leaf, close) = if json {
        (r#"{"type": "object", "properties": {"p": "#, r#"{"type": "string"}"#, "}}")
    } else {
        ("{type: object, properties: {p: ", "{type: string}", "}}")
    };
    let mut s = if json {
        String::from(
            r#"{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {}, "components": {"schemas": {"r": {"type": "object", "x-resourceId": "r", "properties": {"p": "#,
        )
    } else {
        format!("{HEAD}    r: {{type: object, x-resourceId: r, properties: {{p: ")
    };
    s.push_str(&open.repeat(depth));
    s.push_str(leaf);
    s.push_str(&close.repeat(depth));
    s.push_str(if json { "}}}}}" } else { "}}\n" });
    s
}

/// `a0` (a resource) -> `a1` -> ... -> `a{n}` by a property; with `shared`, by two.
fn property_chain(n: usize, shared: bool) -> String {
    let mut s = String::from(HEAD);
    for i in 0..n {
        let id = if i == 0 { ", x-resourceId: a0" } else { "" };
        let again =
            if shared { format!(", again: {{$ref: '#/components/schemas/a{}'}}", i + 1) } else { String::new() };
        let next = i + 1;
        writeln!(
            s,
            "    a{i}: {{type: object{id}, properties: {{next: {{$ref: '#/components/schemas/a{next}'}}{again}}}}}"
        )
        .unwrap();
    }
    writeln!(s, "    a{n}: {{type: object, properties: {{end: {{type: string}}}}}}").unwrap();
    s
}

/// `b0` -> `b1` -> ... with each `b` of `shape(next)`.
fn schema_chain(n: usize, shape: impl Fn(&str) -> String) -> String {
    let mut s = String::from(HEAD);
    s.push_str("    r: {type: object, x-resourceId: r, properties: {p: {$ref: '#/components/schemas/b0'}}}\n");
    for i in 0..n {
        let next = format!("{{$ref: '#/components/schemas/b{}'}}", i + 1);
        writeln!(s, "    b{i}: {}", shape(&next)).unwrap();
    }
    writeln!(s, "    b{n}: {{type: string}}").unwrap();
    s
}

#[test]
fn literal_nesting_hits_the_parsers_recursion_limit() {
    for json in [false, true] {
        let err = generate(literal_nesting(10_000, json)).unwrap_err();
        assert!(err.starts_with("#/components/schemas/r/properties/p/properties/p/"), "{err}");
        assert!(err.contains("recursion limit exceeded"), "{err}");
    }
    // Just inside the limit, it generates.
    assert!(generate(literal_nesting(50, false)).is_ok());
}

#[test]
fn a_long_chain_of_single_use_types_hits_the_nesting_limit() {
    let err = generate(property_chain(10_000, false)).unwrap_err();
    let nested = MAX_TYPE_NESTING + 1;
    assert!(err.starts_with(&format!("#/components/schemas/a{nested}: types nest more than")), "{err}");
    assert_eq!(generate(property_chain(MAX_TYPE_NESTING, false)), Ok(MAX_TYPE_NESTING + 1));
}

#[test]
fn a_long_chain_of_shared_types_generates() {
    assert_eq!(generate(property_chain(10_000, true)), Ok(10_001));
}

#[test]
fn long_chains_of_aliases_and_arrays_hit_the_depth_limit() {
    let shapes: [fn(&str) -> String; 3] = [
        |next| next.to_string(),
        |next| format!("{{type: array, items: {next}}}"),
        |next| format!("{{allOf: [{next}]}}"),
    ];
    for shape in shapes {
        let err = generate(schema_chain(10_000, shape)).unwrap_err();
        let last = MAX_SCHEMA_DEPTH - 1;
        assert!(err.starts_with(&format!("#/components/schemas/b{last}")), "{err}");
        assert!(err.contains(&format!("schemas nest more than {MAX_SCHEMA_DEPTH} levels deep")), "{err}");
        // Well inside the limit, they generate.
        assert!(generate(schema_chain(100, shape)).is_ok());
    }
}

#[test]
fn a_long_chain_of_shared_unions_hits_the_depth_limit() {
    // Each union is referenced twice, so each is a shared type: no names grow,
    // but each union's variants are lowered within it.
    let err =
        generate(schema_chain(10_000, |next| format!("{{anyOf: [{next}, {next}, {{type: string}}]}}"))).unwrap_err();
    assert!(err.contains(&format!("schemas nest more than {MAX_SCHEMA_DEPTH} levels deep")), "{err}");
}

#[test]
fn schemas_that_multiply_types_hit_the_type_limit() {
    // Each array is lowered wherever it is used, with the union inside it, and uses
    // the next twice: 2^40 unions without the limit.
    let chain = |n| schema_chain(n, |next| format!("{{type: array, items: {{anyOf: [{next}, {next}]}}}}"));
    let started = std::time::Instant::now();
    let err = generate(chain(40)).unwrap_err();
    assert!(err.contains(&format!("more than {MAX_TYPES} types")), "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(60), "{:?}", started.elapsed());
    // 2^10 unions are fine.
    assert!(generate(chain(10)).is_ok());
}
