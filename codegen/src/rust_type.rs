//! How the IR's types are spelled in Rust: one renderer for the emitters (which
//! print them) and the change report (which compares them).
//!
//! Every item but the primitives and `serde_json::Value` is handed to a `name`
//! function by its full path (`stripe_runtime::Timestamp`,
//! `std::collections::BTreeMap`, `crate::shared::Address`), which decides how it is
//! written where it is used: the emitters import it or keep the path, the change
//! report keeps the path from the crate root.

use crate::ir::{Field, Ir, TypeDef, TypeRef, UnionVariant, Usage};

/// `ty` in Rust, each item named by `name(full path)`.
pub fn type_ref(ir: &Ir, ty: &TypeRef, name: &mut dyn FnMut(&str) -> String) -> String {
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::Integer => "i64".into(),
        TypeRef::Number => "f64".into(),
        TypeRef::Timestamp => name("stripe_runtime::Timestamp"),
        TypeRef::Json => "serde_json::Value".into(),
        TypeRef::File => name("stripe_runtime::FileUpload"),
        TypeRef::Named(id) => name(&crate_path(ir.get(*id))),
        TypeRef::Vec(item) => format!("Vec<{}>", type_ref(ir, item, name)),
        TypeRef::Map(value) => {
            let map = name("std::collections::BTreeMap");
            format!("{map}<String, {}>", type_ref(ir, value, name))
        }
        TypeRef::Expandable(id) => {
            let expandable = name("stripe_runtime::Expandable");
            format!("{expandable}<{}>", name(&crate_path(ir.get(*id))))
        }
        TypeRef::List(item) => wrapped(ir, "stripe_runtime::List", item, name),
        TypeRef::Clearable(inner) => wrapped(ir, "stripe_runtime::Clearable", inner, name),
        TypeRef::Range(bound) => wrapped(ir, "stripe_runtime::RangeQuery", bound, name),
    }
}

fn wrapped(ir: &Ir, wrapper: &str, inner: &TypeRef, name: &mut dyn FnMut(&str) -> String) -> String {
    let wrapper = name(wrapper);
    format!("{wrapper}<{}>", type_ref(ir, inner, name))
}

/// The type of a struct field of a type used as `usage`: boxed if the field is, in
/// an `Option` if it is [optional](Field::optional).
pub fn field_type(ir: &Ir, field: &Field, usage: Usage, name: &mut dyn FnMut(&str) -> String) -> String {
    let mut ty = type_ref(ir, &field.ty, name);
    if field.boxed {
        ty = format!("Box<{ty}>");
    }
    if field.optional(usage) {
        ty = format!("Option<{ty}>");
    }
    ty
}

/// The type a union variant holds: boxed if the variant is.
pub fn variant_type(ir: &Ir, variant: &UnionVariant, name: &mut dyn FnMut(&str) -> String) -> String {
    let ty = type_ref(ir, &variant.ty, name);
    if variant.boxed {
        format!("Box<{ty}>")
    } else {
        ty
    }
}

/// A named type's full path: `crate::identity::verification_session::VerificationSession`.
pub fn crate_path(def: &TypeDef) -> String {
    let len = "crate::".len() + def.module.iter().map(|segment| segment.len() + 2).sum::<usize>() + def.name.len();
    let mut path = String::with_capacity(len);
    path.push_str("crate");
    for segment in &def.module {
        path.push_str("::");
        path.push_str(segment);
    }
    path.push_str("::");
    path.push_str(&def.name);
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Struct, TypeId, TypeKind};

    fn ir() -> Ir {
        let def = TypeDef {
            name: "Address".into(),
            module: vec!["shared".into()],
            source: "#/components/schemas/address".into(),
            docs: String::new(),
            usage: Usage::Response,
            kind: TypeKind::Struct(Struct { object_name: None, resource_id: None, fields: vec![] }),
        };
        Ir { api_version: "v".into(), types: vec![def], operations: vec![] }
    }

    #[test]
    fn items_are_named_by_their_full_path() {
        let ir = ir();
        let ty = TypeRef::Map(Box::new(TypeRef::Vec(Box::new(TypeRef::Expandable(TypeId(0))))));
        let mut asked = Vec::new();
        let spelled = type_ref(&ir, &ty, &mut |path| {
            asked.push(path.to_string());
            path.rsplit("::").next().unwrap_or(path).to_string()
        });
        assert_eq!(spelled, "BTreeMap<String, Vec<Expandable<Address>>>");
        assert_eq!(asked, ["std::collections::BTreeMap", "stripe_runtime::Expandable", "crate::shared::Address"]);
    }

    #[test]
    fn fields_are_optional_by_usage() {
        let ir = ir();
        let field = Field {
            wire_name: "a".into(),
            rust_name: "a".into(),
            ty: TypeRef::Named(TypeId(0)),
            required: true,
            nullable: true,
            boxed: true,
            docs: String::new(),
            setter: None,
            clear_setter: None,
        };
        let mut keep = |path: &str| path.to_string();
        assert_eq!(field_type(&ir, &field, Usage::Response, &mut keep), "Option<Box<crate::shared::Address>>");
        assert_eq!(field_type(&ir, &field, Usage::Request, &mut keep), "Box<crate::shared::Address>");
    }
}
