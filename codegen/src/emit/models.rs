//! Structs: one per object schema.

use std::borrow::Cow;

use super::code::{string_literal, Code};
use super::doc_attrs::{doc_lines, member_doc_lines};
use super::lines::Lines;
use super::scope::Scope;
use super::serde_impls::{deserialize_impl, serialize_impl};
use super::syntax::{checked, field_decl, struct_def};
use super::TypeItems;
use crate::error::Result;
use crate::ir::{Field, Ir, Struct, TypeDef};
use crate::names::OBJECT_FIELD;

/// A struct, its `OBJECT_NAME` constant and its `ObjectName` and `Object` impls.
pub fn emit_struct(ir: &Ir, def: &TypeDef, s: &Struct, scope: &mut Scope) -> Result<TypeItems> {
    let name = checked(&def.name)?;
    let docs = doc_lines(&def.docs, scope);
    let mut fields = String::new();
    if let Some(object) = &s.object_name {
        fields.push_str(&object_field(def, object, scope)?);
    }
    for field in &s.fields {
        fields.push_str(&field_decl(ir, def, field, &field_docs(field), scope)?);
    }
    let mut items = TypeItems::new(Code::Laid(struct_def(&docs, "Clone, Debug, PartialEq", name, &fields)));
    items.after.push(serialize_impl(def, s, scope)?);
    items.after.push(deserialize_impl(ir, def, s, scope)?);
    if let Some(object) = &s.object_name {
        let object = string_literal(object);
        let doc = member_doc_lines(&format!("The value of `object` in every `{}` sent by the API.", def.name), scope);
        items.inherent.push(Code::Text(format!("{doc}    pub const OBJECT_NAME: &'static str = {object};\n")));
        let object_name = scope.name_text("stripe_runtime::ObjectName");
        let head = Lines::new(&def.source).head(0, &format!("impl {object_name} for {name}"))?;
        items.after.push(Code::Laid(format!("{head}    const OBJECT_NAME: &'static str = {object};\n}}\n")));
    }
    if s.has_id() {
        let object = scope.name_text("stripe_runtime::Object");
        let head = Lines::new(&def.source).head(0, &format!("impl {object} for {name}"))?;
        items.after.push(Code::Laid(format!("{head}    fn id(&self) -> &str {{\n        &self.id\n    }}\n}}\n")));
    }
    Ok(items)
}

/// The tag field of a struct whose `object` is always `object`: decoding fails on
/// another value, and defaults it when absent.
fn object_field(def: &TypeDef, object: &str, scope: &mut Scope) -> Result<String> {
    let field = checked(OBJECT_FIELD)?;
    let name = checked(&def.name)?;
    let tag = scope.name_text("stripe_runtime::ObjectTag");
    let docs = member_doc_lines(
        &format!(
            "The kind of object: always `{object}`. A payload whose `object` names another kind does not \
             decode as a `{}`.",
            def.name
        ),
        scope,
    );
    let line = Lines::new(&def.source).field(4, &format!("pub {field}: "), &format!("{tag}<{name}>"))?;
    Ok(docs + &line)
}

/// A field's documentation: the document's, or a line naming the field.
fn field_docs(field: &Field) -> Cow<'_, str> {
    if field.docs.is_empty() {
        Cow::Owned(format!("The `{}` of this object.", field.wire_name))
    } else {
        Cow::Borrowed(&field.docs)
    }
}
