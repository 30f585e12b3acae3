//! Bad documents fail with one error naming the JSON pointer and the reason;
//! recursive schemas generate (boxed) instead of failing.

use std::collections::BTreeMap;

use stripe_codegen::ir::{TypeKind, TypeRef};
use stripe_codegen::{load, lower};

/// A document whose schemas are `schemas` (YAML, indented for `components.schemas`).
fn doc(schemas: &str) -> String {
    format!("openapi: 3.0.0\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}")
}

fn lower_error(schemas: &str) -> String {
    let doc = load::parse(doc(schemas).as_bytes()).unwrap();
    lower::lower(&doc, &["*".to_string()], &BTreeMap::new()).unwrap_err().to_string()
}

const RESOURCE: &str = "    a:\n      type: object\n      x-resourceId: a\n      properties:\n";

#[test]
fn dangling_ref() {
    let err = lower_error(&format!("{RESOURCE}        b: {{$ref: '#/components/schemas/nope'}}\n"));
    assert_eq!(err, "#/components/schemas/a/properties/b: dangling $ref `#/components/schemas/nope`");
}

#[test]
fn ref_cycle_through_aliases() {
    let schemas = format!(
        "{RESOURCE}        b: {{$ref: '#/components/schemas/b'}}\n    b: {{$ref: '#/components/schemas/c'}}\n    c: {{$ref: '#/components/schemas/b'}}\n"
    );
    assert_eq!(lower_error(&schemas), "#/components/schemas/b: $ref cycle: b -> c -> b");
}

#[test]
fn direct_ref_cycle() {
    let schemas = format!(
        "{RESOURCE}        b: {{$ref: '#/components/schemas/c'}}\n    c:\n      anyOf: [{{$ref: '#/components/schemas/c'}}]\n"
    );
    assert_eq!(lower_error(&schemas), "#/components/schemas/c: $ref cycle: c -> c");
}

#[test]
fn refs_outside_component_schemas() {
    let err = lower_error(&format!("{RESOURCE}        b: {{$ref: '#/components/responses/x'}}\n"));
    assert_eq!(
        err,
        "#/components/schemas/a/properties/b: unsupported $ref `#/components/responses/x`: only `#/components/schemas/NAME` is supported"
    );
}

#[test]
fn enums_of_non_strings() {
    let err = lower_error(&format!("{RESOURCE}        b: {{type: integer, enum: [1, 2]}}\n"));
    assert_eq!(err, "#/components/schemas/a/properties/b: integer enums are not supported: only string enums are");
    let err = lower_error(&format!("{RESOURCE}        b: {{type: string, enum: [1, 2]}}\n"));
    assert_eq!(err, "#/components/schemas/a/properties/b: enum values of a string schema must all be strings");
}

#[test]
fn unsupported_shapes() {
    let err = lower_error(&format!("{RESOURCE}        b: {{not: {{type: string}}}}\n"));
    assert_eq!(err, "#/components/schemas/a/properties/b: `not` schemas are not supported");
    let err = lower_error(&format!("{RESOURCE}        b: {{allOf: [{{type: string}}, {{type: integer}}]}}\n"));
    assert_eq!(err, "#/components/schemas/a/properties/b: allOf of 2 schemas is not supported");
}

#[test]
fn recursive_objects_are_boxed() {
    let schemas = format!(
        "{RESOURCE}        next: {{$ref: '#/components/schemas/a'}}\n        kids: {{type: array, items: {{$ref: '#/components/schemas/a'}}}}\n"
    );
    let doc = load::parse(doc(&schemas).as_bytes()).unwrap();
    let ir = lower::lower(&doc, &["*".to_string()], &BTreeMap::new()).unwrap();
    let TypeKind::Struct(s) = &ir.types[0].kind else { panic!("{:?}", ir.types[0]) };
    let next = &s.fields[0];
    assert_eq!((next.wire_name.as_str(), next.boxed), ("next", true));
    // A Vec already puts its items on the heap.
    let kids = &s.fields[1];
    assert_eq!((kids.wire_name.as_str(), kids.boxed), ("kids", false));
    assert!(matches!(&kids.ty, TypeRef::Vec(item) if **item == TypeRef::Named(stripe_codegen::ir::TypeId(0))));
}
