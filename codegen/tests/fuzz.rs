//! Fuzzing the generator with proptest (stable Rust has no cargo-fuzz): mutated
//! documents through load -> lower -> emit, and raw or mutated bytes through load.
//! Whatever the input, the generator returns `Ok` or an `Err` that displays as one
//! line naming a pointer; it never panics, never overflows the stack, and never
//! makes Rust it cannot parse (which it reports as an internal error).
//!
//! The seeds are the feature specs (`tests/specs/*.yaml`) and the hostile
//! documents (`tests/hostile/`). By default each test runs a few dozen cases
//! from a fixed seed, so `cargo test` stays quick and repeatable. To fuzz for
//! longer, with fresh random seeds, give a time budget per test:
//!
//! ```sh
//! FUZZ_SECONDS=300 cargo test --release -p stripe-codegen --test fuzz -- --nocapture
//! ```
//!
//! (`PROPTEST_CASES=N` sets the cases per run.) Failing inputs, shrunk, are
//! printed and written to `target/tmp/fuzz-failures/`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use serde_json::{Map, Value};
use stripe_codegen::emit::{self, CrateOptions};
use stripe_codegen::lower::Policy;
use stripe_codegen::{load, lower, pipeline, Error, Location};

// ---------------------------------------------------------------------------
// The property.

/// How long one input may take (the slowest seen take tens of milliseconds in a
/// debug build; the exponential parse this catches took seconds at 20 levels).
fn slow_limit() -> Duration {
    Duration::from_millis(std::env::var("FUZZ_SLOW_MS").ok().and_then(|s| s.parse().ok()).unwrap_or(20_000))
}

/// Runs the whole compiler on `bytes`: `Err` only for a broken promise.
fn check_bytes(bytes: &[u8]) -> Result<(), TestCaseError> {
    let started = Instant::now();
    let result = check_bytes_untimed(bytes);
    let took = started.elapsed();
    prop_assert!(took < slow_limit(), "took {took:?} for {} bytes", bytes.len());
    result
}

fn check_bytes_untimed(bytes: &[u8]) -> Result<(), TestCaseError> {
    let doc = match load::parse(bytes) {
        Ok(doc) => doc,
        Err(e) => return check_error(&e),
    };
    let options =
        CrateOptions { name: "fuzzed".into(), version: "0.0.0".into(), runtime_path: "x".into(), standalone: true };
    for select in [&["*"][..], &["identity.*", "nothing"][..]] {
        if let Err(e) = pipeline::generate_document(&doc, &Policy::select(select), &options) {
            check_error(&e)?;
        }
    }
    // As `cargo xtask codegen` reads it: pruned to the selection first.
    for select in [&["*"][..], &["widget", "gadget", "customer"][..]] {
        let policy = Policy::select(select);
        let pruned = pipeline::parse_selected(bytes, &policy);
        let lowered = pruned.and_then(|(doc, references)| lower::lower_with(&doc, &policy, &references));
        match lowered.and_then(|ir| emit::emit(&ir, &options)) {
            Ok(_) => {}
            Err(e) => check_error(&e)?,
        }
    }
    Ok(())
}

/// An error is one line naming a pointer into the document (the document is all
/// there is: no config, no files), and no internal error.
fn check_error(e: &Error) -> Result<(), TestCaseError> {
    let text = e.to_string();
    prop_assert!(!text.contains('\n') && !text.contains('\r'), "error is not one line: {text:?}");
    prop_assert!(matches!(&e.location, Location::Pointer(p) if p.starts_with('#')), "not a pointer: {e:?}");
    prop_assert!(!text.contains("internal error"), "{text}");
    Ok(())
}

// ---------------------------------------------------------------------------
// Seeds.

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The seed documents' bytes: feature specs and hostile documents.
fn seed_bytes() -> Vec<(String, Vec<u8>)> {
    let mut seeds = Vec::new();
    for dir in ["tests/specs", "tests/hostile"] {
        let mut entries: Vec<PathBuf> =
            std::fs::read_dir(repo_root().join(dir)).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for path in entries {
            let is_doc = path.extension().is_some_and(|e| e == "yaml" || e == "json" || e == "bin");
            if path.is_file() && is_doc {
                seeds.push((path.display().to_string(), std::fs::read(&path).unwrap()));
            }
        }
    }
    assert!(seeds.len() > 30, "{} seeds", seeds.len());
    seeds
}

/// The seeds that parse as data (for structural mutation), those that generate
/// first (three in four mutants start from one of those, so most get far).
fn seed_values() -> Vec<Value> {
    let mut seeds: Vec<(bool, Value)> = seed_bytes()
        .iter()
        .filter_map(|(_, bytes)| {
            let value = serde_yaml::from_slice::<Value>(bytes).ok()?;
            let generates =
                load::parse(bytes).is_ok_and(|doc| stripe_codegen::lower::lower(&doc, &Policy::select(&["*"])).is_ok());
            Some((!generates, value))
        })
        .collect();
    seeds.sort_by_key(|(fails, _)| *fails);
    seeds.into_iter().map(|(_, v)| v).collect()
}

/// How many of [`seed_values`] generate (they come first).
fn valid_seeds(seeds: &[Value]) -> usize {
    seeds
        .iter()
        .take_while(|v| {
            let bytes = serde_json::to_vec(v).unwrap();
            load::parse(&bytes).is_ok_and(|doc| stripe_codegen::lower::lower(&doc, &Policy::select(&["*"])).is_ok())
        })
        .count()
}

// ---------------------------------------------------------------------------
// Structural mutations.

/// Names worth trying as keys, `$ref` targets, ids and enum values.
const NAMES: &[&str] = &[
    "",
    " ",
    "type",
    "self",
    "Self",
    "super",
    "crate",
    "r#type",
    "123",
    "0",
    "日本",
    "café",
    "a/b",
    "a~b",
    "{id}",
    "}{",
    "id",
    "object",
    "list",
    "data",
    "has_more",
    "url",
    "metadata",
    "expand",
    "new",
    "params",
    "Unrecognized",
    "Option",
    "Box",
    "Into",
    "Visitor",
    "std",
    "serde_json",
    "shared",
    "properties",
    "items",
    "anyOf",
    "oneOf",
    "allOf",
    "enum",
    "$ref",
    "required",
    "nullable",
    "x-resourceId",
    "x-expansionResources",
    "additionalProperties",
    "gt",
    "lte",
    "identity.verification_session",
    "a.b.c",
    "a..b",
    ".",
    "..",
    "-",
    "_",
    "__",
    "\n",
    "\u{0}",
    "a\"b",
    "a\\b",
];

const KEYWORDS: &[&str] = &[
    "type",
    "properties",
    "items",
    "anyOf",
    "oneOf",
    "allOf",
    "not",
    "enum",
    "$ref",
    "required",
    "nullable",
    "format",
    "additionalProperties",
    "x-resourceId",
    "x-expansionResources",
    "parameters",
    "requestBody",
    "responses",
    "content",
    "schema",
    "in",
    "name",
    "style",
    "operationId",
    "description",
];

const TYPES: &[&str] = &["string", "integer", "number", "boolean", "object", "array", "null", "file", ""];

const PATHS: &[&str] = &[
    "/v1/x/{id}",
    "/v1/x/{id}/{id}",
    "/v1/x/{",
    "/v1/x/}",
    "/v1/x/{}",
    "/v1/x/{a}{b}",
    "//",
    "",
    "/",
    "/v1/{self}/..",
    "/v1/x/{日本}",
    "v1/no/slash",
    "/v1/x?y=1",
    "/v1/x#frag",
];

#[derive(Clone, Debug)]
enum Mutation {
    Delete(usize),
    Replace(usize, Value),
    RenameKey(usize, String),
    SetKeyword(usize, &'static str, Value),
    InsertRef(usize, String),
    Duplicate(usize, usize, String),
    ChangeType(usize, Value),
    Deepen(usize, u8, usize),
    NonStringEnum(usize, Vec<Value>),
    MangleOperation(usize, usize, String),
    AddParameter(usize, String, &'static str, Value),
    SetResourceId(usize, String),
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![4 => proptest::sample::select(NAMES).prop_map(str::to_string), 1 => "\\PC{0,12}", 1 => "[a-z_.]{1,12}"]
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        Just(Value::from(u64::MAX)),
        Just(Value::from(i64::MIN)),
        name().prop_map(Value::String),
        proptest::sample::select(TYPES).prop_map(|t| Value::String(t.into())),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec(
                (prop_oneof![name(), proptest::sample::select(KEYWORDS).prop_map(str::to_string)], inner),
                0..4
            )
            .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = any::<usize>;
    prop_oneof![
        at().prop_map(Mutation::Delete),
        (at(), json_value()).prop_map(|(a, v)| Mutation::Replace(a, v)),
        (at(), name()).prop_map(|(a, n)| Mutation::RenameKey(a, n)),
        (at(), proptest::sample::select(KEYWORDS), json_value()).prop_map(|(a, k, v)| Mutation::SetKeyword(a, k, v)),
        (at(), name()).prop_map(|(a, n)| Mutation::InsertRef(a, n)),
        (at(), at(), name()).prop_map(|(a, b, n)| Mutation::Duplicate(a, b, n)),
        (at(), prop_oneof![proptest::sample::select(TYPES).prop_map(|t| Value::String(t.into())), json_value()])
            .prop_map(|(a, t)| Mutation::ChangeType(a, t)),
        (at(), 0u8..4, prop_oneof![4 => 1usize..8, 1 => 8usize..200]).prop_map(|(a, s, d)| Mutation::Deepen(a, s, d)),
        (at(), proptest::collection::vec(scalar(), 0..4)).prop_map(|(a, v)| Mutation::NonStringEnum(a, v)),
        (at(), at(), prop_oneof![proptest::sample::select(PATHS).prop_map(str::to_string), name()])
            .prop_map(|(a, b, p)| Mutation::MangleOperation(a, b, p)),
        (at(), name(), proptest::sample::select(&["path", "query", "header", "cookie", "body", ""][..]), json_value())
            .prop_map(|(a, n, i, s)| Mutation::AddParameter(a, n, i, s)),
        (at(), name()).prop_map(|(a, n)| Mutation::SetResourceId(a, n)),
    ]
}

/// Every node's JSON pointer (RFC 6901, without the `#`), breadth first.
fn pointers(root: &Value) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut i = 0;
    while i < out.len() && out.len() < 20_000 {
        let pointer = out[i].clone();
        match root.pointer(&pointer) {
            Some(Value::Object(map)) => {
                out.extend(map.keys().map(|k| format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1"))))
            }
            Some(Value::Array(items)) => out.extend((0..items.len()).map(|j| format!("{pointer}/{j}"))),
            _ => {}
        }
        i += 1;
    }
    out
}

/// The `at`-th node that `pick` accepts (cycling), as a pointer. Half the time
/// only nodes inside the schemas are candidates, a quarter of the time only those
/// inside the paths, so that most mutants still parse and reach lowering.
fn choose(root: &Value, at: usize, pick: impl Fn(&str, &Value) -> bool) -> Option<String> {
    let scope = match at % 4 {
        0 => "",
        1 | 2 => "/components/schemas/",
        _ => "/paths/",
    };
    let at = at / 4;
    let all = pointers(root);
    let candidates: Vec<&String> =
        all.iter().filter(|p| p.starts_with(scope) && root.pointer(p).is_some_and(|v| pick(p, v))).collect();
    let candidates = if candidates.is_empty() {
        all.iter().filter(|p| root.pointer(p).is_some_and(|v| pick(p, v))).collect()
    } else {
        candidates
    };
    (!candidates.is_empty()).then(|| candidates[at % candidates.len()].clone())
}

fn parent_and_key(pointer: &str) -> Option<(&str, String)> {
    let (parent, last) = pointer.rsplit_once('/')?;
    Some((parent, last.replace("~1", "/").replace("~0", "~")))
}

fn schema_names(root: &Value) -> Vec<String> {
    root.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn apply(root: &mut Value, mutation: &Mutation) {
    let is_object = |_: &str, v: &Value| v.is_object();
    match mutation {
        Mutation::Delete(at) => {
            if let Some(pointer) = choose(root, *at, |p, _| !p.is_empty()) {
                let (parent, key) = parent_and_key(&pointer).unwrap();
                match root.pointer_mut(parent) {
                    Some(Value::Object(map)) => {
                        map.remove(&key);
                    }
                    Some(Value::Array(items)) => {
                        if let Ok(i) = key.parse::<usize>() {
                            if i < items.len() {
                                items.remove(i);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        Mutation::Replace(at, value) => {
            if let Some(pointer) = choose(root, *at, |_, _| true) {
                *root.pointer_mut(&pointer).unwrap() = value.clone();
            }
        }
        Mutation::RenameKey(at, name) => {
            if let Some(pointer) = choose(root, *at, |p, _| !p.is_empty()) {
                let (parent, key) = parent_and_key(&pointer).unwrap();
                if let Some(Value::Object(map)) = root.pointer_mut(parent) {
                    if let Some(value) = map.remove(&key) {
                        map.insert(name.clone(), value);
                    }
                }
            }
        }
        Mutation::SetKeyword(at, keyword, value) => {
            if let Some(pointer) = choose(root, *at, is_object) {
                if let Some(Value::Object(map)) = root.pointer_mut(&pointer) {
                    map.insert(keyword.to_string(), value.clone());
                }
            }
        }
        Mutation::InsertRef(at, name) => {
            let names = schema_names(root);
            let target = match (name.len() % 3, names.is_empty()) {
                (0, false) => format!("#/components/schemas/{}", names[*at % names.len()]),
                (1, _) => format!("#/components/schemas/{name}"),
                _ => name.clone(),
            };
            if let Some(pointer) = choose(root, at / 7, is_object) {
                if let Some(Value::Object(map)) = root.pointer_mut(&pointer) {
                    if at % 2 == 0 {
                        map.clear();
                    }
                    map.insert("$ref".into(), Value::String(target));
                }
            }
        }
        Mutation::Duplicate(from, to, key) => {
            let Some(source) = choose(root, *from, |_, _| true) else { return };
            let copy = root.pointer(&source).unwrap().clone();
            if let Some(pointer) = choose(root, *to, |_, v| v.is_object() || v.is_array()) {
                match root.pointer_mut(&pointer) {
                    Some(Value::Object(map)) => {
                        map.insert(key.clone(), copy);
                    }
                    Some(Value::Array(items)) => items.push(copy),
                    _ => {}
                }
            }
        }
        Mutation::ChangeType(at, ty) => {
            let schemaish = |_: &str, v: &Value| v.get("type").is_some() || v.get("properties").is_some();
            if let Some(pointer) = choose(root, *at, schemaish) {
                if let Some(Value::Object(map)) = root.pointer_mut(&pointer) {
                    map.insert("type".into(), ty.clone());
                }
            }
        }
        Mutation::Deepen(at, shape, depth) => {
            if let Some(pointer) = choose(root, *at, |p, _| !p.is_empty()) {
                let node = root.pointer_mut(&pointer).unwrap();
                let mut value = node.take();
                for _ in 0..*depth {
                    value = match shape {
                        0 => serde_json::json!({"type": "object", "properties": {"p": value}}),
                        1 => serde_json::json!({"type": "array", "items": value}),
                        2 => serde_json::json!({"anyOf": [value, {"type": "string"}]}),
                        _ => serde_json::json!({"allOf": [value]}),
                    };
                }
                *node = value;
            }
        }
        Mutation::NonStringEnum(at, values) => {
            if let Some(pointer) = choose(root, *at, |_, v| v.get("type").is_some() || v.get("enum").is_some()) {
                if let Some(Value::Object(map)) = root.pointer_mut(&pointer) {
                    map.insert("enum".into(), Value::Array(values.clone()));
                }
            }
        }
        Mutation::MangleOperation(at, which, path) => {
            let Some(Value::Object(paths)) = root.get_mut("paths") else { return };
            if paths.is_empty() {
                return;
            }
            let key = paths.keys().nth(at % paths.len()).unwrap().clone();
            let item = paths.remove(&key).unwrap();
            let new_key = if which % 2 == 0 { path.clone() } else { format!("{key}{path}") };
            paths.insert(new_key, item.clone());
            if which % 3 == 0 {
                // The same operations on a second path: duplicate operationIds.
                paths.insert(key, item);
            }
        }
        Mutation::AddParameter(at, name, location, schema) => {
            let operation = |p: &str, v: &Value| p.starts_with("/paths/") && v.get("responses").is_some();
            if let Some(pointer) = choose(root, *at, operation) {
                if let Some(Value::Object(op)) = root.pointer_mut(&pointer) {
                    let params = op.entry("parameters").or_insert_with(|| Value::Array(Vec::new()));
                    if let Value::Array(params) = params {
                        params.push(serde_json::json!({"name": name, "in": location, "required": at % 2 == 0, "schema": schema}));
                    }
                }
            }
        }
        Mutation::SetResourceId(at, id) => {
            if let Some(pointer) = choose(root, *at, |p, v| p.starts_with("/components/schemas/") && v.is_object()) {
                if let Some(Value::Object(map)) = root.pointer_mut(&pointer) {
                    map.insert("x-resourceId".into(), Value::String(id.clone()));
                }
            }
        }
    }
}

/// A seed, mutated, written as YAML or JSON.
#[derive(Clone, Debug)]
struct Mutated {
    seed: usize,
    mutations: Vec<Mutation>,
    json: bool,
}

fn render(seeds: &[Value], valid: usize, case: &Mutated) -> Vec<u8> {
    let index = if case.seed % 4 != 0 && valid > 0 { (case.seed / 4) % valid } else { case.seed % seeds.len() };
    let mut doc = seeds[index].clone();
    for mutation in &case.mutations {
        apply(&mut doc, mutation);
    }
    if case.json {
        serde_json::to_vec_pretty(&doc).unwrap()
    } else {
        serde_yaml::to_string(&doc).unwrap().into_bytes()
    }
}

// ---------------------------------------------------------------------------
// Byte mutations.

/// Text worth splicing into YAML and JSON.
const TOKENS: &[&str] = &[
    "&a ",
    "*a",
    "<<: *a\n",
    "!!binary ",
    "!tag ",
    "? ",
    "---\n",
    "...\n",
    "%YAML 1.2\n",
    "\t",
    "{",
    "}",
    "[",
    "]",
    ":",
    ", ",
    "\"",
    "'",
    "\\u0000",
    "\u{feff}",
    "\n  ",
    "- ",
    "#",
    "|\n",
    ">-\n",
    "~",
    "null",
    "1e999",
    "-0",
    "0x1F",
    "$ref: '#/components/schemas/",
    "\u{0}",
    "\r\n",
    "\u{2028}",
    ".nan",
    ".inf",
    "-.inf",
    "NaN",
    "!!binary aGk=",
    "!!str ",
    "!!int ",
    "!!float ",
    "!!map ",
    "!!seq ",
    "123: ",
    "true: ",
    "~: ",
    "[1]: ",
];

#[derive(Clone, Debug)]
enum ByteEdit {
    Flip(usize, u8),
    Insert(usize, u8),
    Delete(usize, usize),
    Token(usize, usize),
    Repeat(usize, usize, u8),
    Truncate(usize),
}

fn byte_edit() -> impl Strategy<Value = ByteEdit> {
    let at = any::<usize>;
    prop_oneof![
        (at(), any::<u8>()).prop_map(|(a, b)| ByteEdit::Flip(a, b)),
        (at(), any::<u8>()).prop_map(|(a, b)| ByteEdit::Insert(a, b)),
        (at(), 1usize..64).prop_map(|(a, n)| ByteEdit::Delete(a, n)),
        (at(), at()).prop_map(|(a, t)| ByteEdit::Token(a, t)),
        (at(), 1usize..256, 1u8..16).prop_map(|(a, n, k)| ByteEdit::Repeat(a, n, k)),
        at().prop_map(ByteEdit::Truncate),
    ]
}

fn edit_bytes(bytes: &mut Vec<u8>, edit: &ByteEdit) {
    let len = bytes.len();
    let pos = |at: usize| if len == 0 { 0 } else { at % (len + 1) };
    match *edit {
        ByteEdit::Flip(at, b) if len > 0 => bytes[at % len] ^= b | 1,
        ByteEdit::Flip(..) => {}
        ByteEdit::Insert(at, b) => bytes.insert(pos(at), b),
        ByteEdit::Delete(at, n) => {
            let start = pos(at);
            bytes.drain(start..(start + n).min(len));
        }
        ByteEdit::Token(at, t) => {
            let start = pos(at);
            bytes.splice(start..start, TOKENS[t % TOKENS.len()].bytes());
        }
        ByteEdit::Repeat(at, n, times) => {
            // Repeat a slice: duplicated keys, longer sequences, deeper nesting.
            let start = pos(at);
            let end = (start + n).min(len);
            let chunk = bytes[start..end].to_vec();
            for _ in 0..times {
                bytes.splice(end..end, chunk.iter().copied());
            }
        }
        ByteEdit::Truncate(at) => bytes.truncate(pos(at)),
    }
}

// ---------------------------------------------------------------------------
// Running: a few cases by default, or for FUZZ_SECONDS with fresh seeds.

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(48)
}

fn fuzz_seconds() -> Option<u64> {
    std::env::var("FUZZ_SECONDS").ok().and_then(|s| s.parse().ok())
}

/// Runs `test` on values of `strategy`: once from a fixed seed, or repeatedly
/// from random seeds until `FUZZ_SECONDS` have passed. Panics with the shrunk
/// failing input (also written to `target/tmp/fuzz-failures/NAME-*.txt`).
fn fuzz<S>(
    name: &str,
    strategy: S,
    show: impl Fn(&S::Value) -> Vec<u8>,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S: Strategy,
    S::Value: Clone + std::fmt::Debug,
{
    let config = Config { cases: cases(), failure_persistence: None, max_shrink_iters: 2048, ..Config::default() };
    let started = Instant::now();
    let deadline = fuzz_seconds().map(|s| started + Duration::from_secs(s));
    let mut runs: u64 = 0;
    loop {
        let seed: [u8; 32] = match deadline {
            None => [7; 32],
            Some(_) => {
                let mut seed = [0u8; 32];
                let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
                seed[..16].copy_from_slice(&now.to_le_bytes());
                seed[16..24].copy_from_slice(&runs.to_le_bytes());
                seed
            }
        };
        let mut runner = TestRunner::new_with_rng(config.clone(), TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
        let result = runner.run(&strategy, &test);
        runs += 1;
        if let Err(error) = result {
            let (reason, value) = match &error {
                TestError::Fail(reason, value) => (reason.to_string(), value.clone()),
                TestError::Abort(reason) => panic!("{name}: aborted: {reason}"),
            };
            let bytes = show(&value);
            let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures");
            std::fs::create_dir_all(&dir).unwrap();
            let file = dir.join(format!("{name}-{}.txt", seed.iter().map(|b| format!("{b:02x}")).collect::<String>()));
            std::fs::write(&file, &bytes).unwrap();
            panic!(
                "{name}: {reason}\nseed {seed:?}\nminimal input {value:?}\nas a document ({}):\n{}",
                file.display(),
                String::from_utf8_lossy(&bytes)
            );
        }
        if deadline.is_none_or(|d| Instant::now() >= d) {
            break;
        }
    }
    if deadline.is_some() {
        let total = runs * u64::from(config.cases);
        println!("{name}: {total} cases in {runs} runs, {:.0?}, no failure", started.elapsed());
    }
}

/// When fuzzing for a while, each input is written to
/// `target/tmp/fuzz-failures/NAME-last.txt` before it runs, so that an input that
/// kills the process (out of memory, a stack overflow) is still there afterwards.
fn last_input(name: &str, bytes: Vec<u8>) -> Vec<u8> {
    if fuzz_seconds().is_some() {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures");
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join(format!("{name}-last.txt")), &bytes);
    }
    bytes
}

fn mutated() -> impl Strategy<Value = Mutated> {
    (any::<usize>(), proptest::collection::vec(mutation(), 1..6), any::<bool>())
        .prop_map(|(seed, mutations, json)| Mutated { seed, mutations, json })
}

#[test]
fn mutated_documents_never_break_the_generator() {
    let seeds = seed_values();
    let valid = valid_seeds(&seeds);
    assert!(valid >= 10, "{valid} valid seeds");
    fuzz(
        "structural",
        mutated(),
        |case| render(&seeds, valid, case),
        |case| check_bytes(&last_input("structural", render(&seeds, valid, &case))),
    );
}

#[test]
fn arbitrary_bytes_never_break_the_loader() {
    let strategy = proptest::collection::vec(any::<u8>(), 0..2048);
    fuzz("bytes", strategy, |bytes| bytes.clone(), |bytes| check_bytes(&last_input("bytes", bytes)));
}

#[test]
fn mutated_bytes_never_break_the_generator() {
    let seeds = seed_bytes();
    let strategy = (any::<usize>(), proptest::collection::vec(byte_edit(), 1..12));
    let render = |(seed, edits): &(usize, Vec<ByteEdit>)| {
        let mut bytes = seeds[seed % seeds.len()].1.clone();
        for edit in edits {
            edit_bytes(&mut bytes, edit);
        }
        bytes
    };
    fuzz("byte-mutations", strategy, render, |case| check_bytes(&last_input("byte-mutations", render(&case))));
}

/// The mutations change the documents (or the fuzzing above proves little).
#[test]
fn mutations_reach_lowering() {
    let seeds = seed_values();
    let valid = valid_seeds(&seeds);
    let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &[1; 32]));
    let (mut parsed, mut lowered, total) = (0, 0, 200);
    for _ in 0..total {
        let case = mutated().new_tree(&mut runner).unwrap().current();
        if let Ok(doc) = load::parse(&render(&seeds, valid, &case)) {
            parsed += 1;
            if stripe_codegen::lower::lower(&doc, &Policy::select(&["*"])).is_ok() {
                lowered += 1;
            }
        }
    }
    eprintln!("{parsed} parsed, {lowered} lowered of {total}");
    assert!(parsed > total / 4 && lowered > total / 10, "{parsed} parsed, {lowered} lowered of {total}");
}
