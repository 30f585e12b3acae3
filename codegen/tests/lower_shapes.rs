//! What lowering makes of documents it accepts: recursive objects are boxed,
//! operations of unselected resources are skipped, range filters and clear markers
//! become their params types, `refine` entries give a property the configured
//! enum, and enums of the same values have the same variants (made once).
//!
//! Bad input lives in `tests/hostile/`: every document there is run through the real
//! command line by `xtask/tests/hostile.rs`, which checks the one-line error (pointer
//! and reason), that nothing is written and that nothing panics. A new bad-input case
//! is a document there and a row of its `EXPECTED` table, not a test here.

use stripe_codegen::ir::{TypeKind, TypeRef};
use stripe_codegen::{load, lower};

/// A document whose schemas are `schemas` (YAML, indented for `components.schemas`).
fn doc(schemas: &str) -> String {
    format!("openapi: 3.0.0\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}")
}

const RESOURCE: &str = "    a:\n      type: object\n      x-resourceId: a\n      properties:\n";

#[test]
fn recursive_objects_are_boxed() {
    let schemas = format!(
        "{RESOURCE}        next: {{$ref: '#/components/schemas/a'}}\n        kids: {{type: array, items: {{$ref: '#/components/schemas/a'}}}}\n"
    );
    let doc = load::parse(doc(&schemas).as_bytes()).unwrap();
    let ir = lower::lower(&doc, &lower::Policy::select(&["*"])).unwrap();
    let TypeKind::Struct(s) = &ir.types[0].kind else { panic!("{:?}", ir.types[0]) };
    let next = &s.fields[0];
    assert_eq!((next.wire_name.as_str(), next.boxed), ("next", true));
    // A Vec already puts its items on the heap.
    let kids = &s.fields[1];
    assert_eq!((kids.wire_name.as_str(), kids.boxed), ("kids", false));
    assert!(matches!(&kids.ty, TypeRef::Vec(item) if **item == TypeRef::Named(stripe_codegen::ir::TypeId(0))));
}

/// A document with resource `a` and the given `paths` (YAML, indented for `paths`).
fn lower_paths(paths: &str) -> Result<stripe_codegen::ir::Ir, String> {
    let text = format!(
        "openapi: 3.0.0\ninfo: {{title: t, version: '1'}}\npaths:\n{paths}components:\n  schemas:\n{RESOURCE}        id: {{type: string}}\n"
    );
    let doc = load::parse(text.as_bytes()).map_err(|e| e.to_string())?;
    lower::lower(&doc, &lower::Policy::select(&["*"])).map_err(|e| e.to_string())
}

const OK_RESPONSE: &str =
    "      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/a'}\n";

#[test]
fn operations_of_unselected_resources_are_skipped() {
    let paths = format!("  /v1/a:\n    get:\n{OK_RESPONSE}  /v1/other:\n    get:\n      responses:\n        '200':\n          description: ok\n");
    let ir = lower_paths(&paths).unwrap();
    let names: Vec<(&str, &str)> = ir.operations.iter().map(|o| (o.path.as_str(), o.rust_name.as_str())).collect();
    assert_eq!(names, [("/v1/a", "retrieve")]);
}

#[test]
fn range_filters_and_clear_markers_in_params() {
    let paths = format!(
        "  /v1/a:\n    post:\n      requestBody:\n        content:\n          application/x-www-form-urlencoded:\n            schema:\n              type: object\n              properties:\n                when:\n                  anyOf:\n                    - {{type: object, properties: {{gt: {{type: integer}}, lte: {{type: integer}}}}}}\n                    - {{type: integer}}\n                note:\n                  anyOf:\n                    - {{type: string}}\n                    - {{type: string, enum: ['']}}\n{OK_RESPONSE}"
    );
    let ir = lower_paths(&paths).unwrap();
    let TypeKind::Struct(params) = &ir.get(ir.operations[0].params).kind else { panic!() };
    let types: Vec<(&str, &TypeRef)> = params.fields.iter().map(|f| (f.wire_name.as_str(), &f.ty)).collect();
    assert_eq!(
        types,
        [
            ("when", &TypeRef::Range(Box::new(TypeRef::Integer))),
            ("note", &TypeRef::Clearable(Box::new(TypeRef::String)))
        ]
    );
}

/// Lowers `schemas` with one `refine` entry for `#/components/schemas/a/properties/b`.
fn lower_refined(schemas: &str, refinement: &str) -> Result<stripe_codegen::ir::Ir, String> {
    let doc = load::parse(doc(schemas).as_bytes()).unwrap();
    let mut policy = lower::Policy::select(&["*"]);
    let entry = format!("\"#/components/schemas/a/properties/b\": {refinement}");
    policy.refine = serde_yaml::from_str(&entry).unwrap();
    lower::lower(&doc, &policy).map_err(|e| e.to_string())
}

/// A `values_of` refinement makes the property that enum (less `skip`), under the
/// configured name. Where `values_of` points at nothing, at no enum or at only
/// skipped values: `tests/hostile/refine_values_of_*.yaml`.
#[test]
fn refine_values_of_makes_the_configured_enum() {
    let schemas = format!("{RESOURCE}        b: {{type: string}}\n    c: {{type: string, enum: [x, y, '*']}}\n");
    let ir = lower_refined(&schemas, "{name: Letter, values_of: '#/components/schemas/c', skip: ['*']}").unwrap();
    let letter = ir.types.iter().find(|t| t.name == "Letter").expect("the refined enum");
    let TypeKind::Enum(e) = &letter.kind else { panic!("{letter:?}") };
    assert_eq!(e.variants.iter().map(|v| v.wire.as_str()).collect::<Vec<_>>(), ["x", "y"]);
}

/// Enums of the same values, in the same order, get the same variants (lowering makes
/// them once per list); a list in another order, with a value more, or with a value
/// repeated gets its own.
#[test]
fn enums_of_the_same_values_have_the_same_variants() {
    let schemas = format!(
        "{RESOURCE}        first: {{type: string, enum: [a_b, c]}}\n        second: {{type: string, enum: [a_b, c]}}\n        \
         third: {{type: string, enum: [c, a_b]}}\n        fourth: {{type: string, enum: [a_b, c, d]}}\n        \
         fifth: {{type: string, enum: [a_b, c, a_b]}}\n"
    );
    let doc = load::parse(doc(&schemas).as_bytes()).unwrap();
    let ir = lower::lower(&doc, &lower::Policy::select(&["*"])).unwrap();
    let variants = |name: &str| -> Vec<(String, String)> {
        let names: Vec<&str> = ir.types.iter().map(|t| t.name.as_str()).collect();
        let def = ir.types.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("no type {name} in {names:?}"));
        let TypeKind::Enum(e) = &def.kind else { panic!("{def:?}") };
        e.variants.iter().map(|v| (v.wire.clone(), v.rust_name.clone())).collect()
    };
    let pair = |wire: &str, rust: &str| (wire.to_string(), rust.to_string());
    assert_eq!(variants("First"), [pair("a_b", "AB"), pair("c", "C")]);
    assert_eq!(variants("Second"), variants("First"));
    assert_eq!(variants("Third"), [pair("c", "C"), pair("a_b", "AB")]);
    assert_eq!(variants("Fourth"), [pair("a_b", "AB"), pair("c", "C"), pair("d", "D")]);
    assert_eq!(variants("Fifth"), [pair("a_b", "AB"), pair("c", "C")]);
}
