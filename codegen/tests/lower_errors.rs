//! Bad documents fail with one error naming the JSON pointer and the reason;
//! recursive schemas generate (boxed) instead of failing.

use stripe_codegen::ir::{TypeKind, TypeRef};
use stripe_codegen::{load, lower};

/// A document whose schemas are `schemas` (YAML, indented for `components.schemas`).
fn doc(schemas: &str) -> String {
    format!("openapi: 3.0.0\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}")
}

fn lower_error(schemas: &str) -> String {
    let doc = load::parse(doc(schemas).as_bytes()).unwrap();
    lower::lower(&doc, &lower::Policy::select(&["*"])).unwrap_err().to_string()
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
fn path_template_parameter_without_declaration() {
    let err = lower_paths(&format!("  /v1/a/{{id}}:\n    get:\n{OK_RESPONSE}")).unwrap_err();
    assert_eq!(err, "#/paths/~1v1~1a~1{id}/get/parameters: the path `/v1/a/{id}` uses `{id}`, which no `in: path` parameter declares");
}

#[test]
fn path_parameter_not_in_template() {
    let paths = format!("  /v1/a:\n    get:\n      parameters:\n        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n{OK_RESPONSE}");
    assert_eq!(
        lower_paths(&paths).unwrap_err(),
        "#/paths/~1v1~1a/get/parameters/0: path parameter `id` does not appear in the path `/v1/a`"
    );
}

#[test]
fn duplicate_operation_id() {
    let paths = format!(
        "  /v1/a:\n    get:\n      operationId: Same\n{OK_RESPONSE}    post:\n      operationId: Same\n{OK_RESPONSE}"
    );
    assert_eq!(
        lower_paths(&paths).unwrap_err(),
        "#/paths/~1v1~1a/post/operationId: duplicate operationId `Same` (also at #/paths/~1v1~1a/get)"
    );
}

#[test]
fn header_parameters_are_refused() {
    let paths = format!("  /v1/a:\n    get:\n      parameters:\n        - {{name: X-Thing, in: header, schema: {{type: string}}}}\n{OK_RESPONSE}");
    assert_eq!(
        lower_paths(&paths).unwrap_err(),
        "#/paths/~1v1~1a/get/parameters/0: header and cookie parameters are not supported"
    );
}

#[test]
fn non_form_bodies_are_refused() {
    let paths = format!(
        "  /v1/a:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {{type: object}}\n{OK_RESPONSE}"
    );
    assert_eq!(
        lower_paths(&paths).unwrap_err(),
        "#/paths/~1v1~1a/post/requestBody/content: unsupported request body type [\"application/json\"]: only `application/x-www-form-urlencoded` is"
    );
}

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

#[test]
fn refine_values_of_must_point_at_a_string_enum() {
    let schemas = format!("{RESOURCE}        b: {{type: string}}\n    c: {{type: string, enum: [x, y, '*']}}\n");
    let nowhere = "{name: B, values_of: '#/components/schemas/nope'}";
    assert_eq!(
        lower_refined(&schemas, nowhere).unwrap_err(),
        "#/components/schemas/nope: nothing here: `values_of` (spec/codegen.yaml `refine`) must point at a string \
         schema with `enum` in `#/paths` or `#/components/schemas`"
    );
    let not_enum = "{name: B, values_of: '#/components/schemas/a'}";
    assert!(lower_refined(&schemas, not_enum).unwrap_err().starts_with("#/components/schemas/a: `values_of`"));
    let all_skipped = "{name: B, values_of: '#/components/schemas/c', skip: [x, y, '*']}";
    assert_eq!(
        lower_refined(&schemas, all_skipped).unwrap_err(),
        "#/components/schemas/c: `values_of` (spec/codegen.yaml `refine`): no values left"
    );
    // And when it does, the property is that enum, under the configured name.
    let ir = lower_refined(&schemas, "{name: Letter, values_of: '#/components/schemas/c', skip: ['*']}").unwrap();
    let letter = ir.types.iter().find(|t| t.name == "Letter").expect("the refined enum");
    let TypeKind::Enum(e) = &letter.kind else { panic!("{letter:?}") };
    assert_eq!(e.variants.iter().map(|v| v.wire.as_str()).collect::<Vec<_>>(), ["x", "y"]);
}
