//! The `Serialize` and `Deserialize` impls of structs (models and params), written
//! out instead of derived: each names its fields, and the runtime's
//! `stripe_runtime::fields` does the rest. Same behaviour as serde's derives, with
//! much less code for the compiler to check per struct.

use super::code::{string_literal, Code};
use super::lines::{Context, Lines};
use super::scope::Scope;
use super::syntax::{checked, spelled_text};
use crate::error::Result;
use crate::ir::{Field, Ir, Struct, TypeDef};
use crate::names::{OBJECT_FIELD, SLOTS_STRUCT};
use crate::rust_type;

/// A struct's member on the wire: its `object` tag (no `field`) or one of its fields.
struct Member<'a> {
    rust: &'a str,
    /// The name on the wire, as a string literal.
    wire: String,
    field: Option<&'a Field>,
}

/// The members of `s` in declaration order: the `object` tag first, if it has one.
fn members(s: &Struct) -> Result<Vec<Member<'_>>> {
    let tag = s
        .object_name
        .as_ref()
        .map(|_| Ok(Member { rust: checked(OBJECT_FIELD)?, wire: string_literal(OBJECT_FIELD), field: None }));
    let fields = s
        .fields
        .iter()
        .map(|f| Ok(Member { rust: checked(&f.rust_name)?, wire: string_literal(&f.wire_name), field: Some(f) }));
    tag.into_iter().chain(fields).collect()
}

/// `Serialize`: every field in declaration order (a model's `object` tag first), by
/// its name on the wire, as `#[derive(Serialize)]` writes them. `None` is written as
/// such: the form encoder leaves it out, JSON has it as `null`.
pub fn serialize_impl(def: &TypeDef, s: &Struct, scope: &mut Scope) -> Result<Code> {
    let name = checked(&def.name)?;
    let members = members(s)?;
    let serialize = scope.name_text("serde::Serialize");
    let serializer = scope.name_text("serde::Serializer");
    let writer = scope.name_text("stripe_runtime::fields::FieldWriter");
    let type_name = string_literal(&def.name);
    let lines = Lines::new(&def.source);
    let mut out = lines.head(0, &format!("impl {serialize} for {name}"))?;
    out +=
        &lines.head(4, &format!("fn serialize<S: {serializer}>(&self, serializer: S) -> Result<S::Ok, S::Error>"))?;
    if members.is_empty() {
        out += &lines.line(8, Context::Statement, &format!("{writer}::new(serializer, {type_name}, 0).end()"))?;
    } else {
        let args = ["serializer".to_string(), type_name, members.len().to_string()];
        out += &lines.call(8, &format!("let mut fields = {writer}::new"), &args, ";")?;
        for Member { rust, wire, .. } in &members {
            out += &lines.method_call(8, "fields", "field", &[wire.clone(), format!("&self.{rust}")])?;
        }
        out.push_str("        fields.end()\n");
    }
    out.push_str("    }\n}\n");
    Ok(Code::Laid(out))
}

/// `Deserialize`: the struct's field slots, filled by the runtime's `decode_struct`
/// key by key. A missing field is `None` if its type is an `Option`, the default
/// for the `object` tag, and an error otherwise.
pub fn deserialize_impl(ir: &Ir, def: &TypeDef, s: &Struct, scope: &mut Scope) -> Result<Code> {
    let name = checked(&def.name)?;
    let slots = checked(SLOTS_STRUCT)?;
    let members = members(s)?;
    // A struct without fields skips every key.
    let key = if members.is_empty() { "_" } else { "key" };
    let mut slot_decls = String::new();
    let mut arms = String::new();
    let mut values = Vec::with_capacity(members.len());
    let missing = scope.name_text("stripe_runtime::fields::MissingField");
    let lines = Lines::new(&def.source);
    for Member { rust, wire, field } in members {
        arms += &lines.arm(20, &wire, &format!("value.fill(&mut self.{rust})"))?;
        let Some(field) = field else {
            let tag = scope.name_text("stripe_runtime::ObjectTag");
            slot_decls += &lines.field(12, &format!("{rust}: "), &format!("Option<{tag}<{name}>>"))?;
            values.push(format!("{rust}: self.{rust}.unwrap_or_default()"));
            continue;
        };
        let ty = spelled_text(|name| rust_type::field_type(ir, field, def.usage, name), scope)?;
        slot_decls += &lines.field(12, &format!("{rust}: "), &format!("Option<{ty}>"))?;
        if field.optional(def.usage) {
            values.push(format!("{rust}: self.{rust}.flatten()"));
        } else {
            values.push(format!("{rust}: self.{rust}.ok_or({missing}({wire}))?"));
        }
    }
    let deserialize = scope.name_text("serde::Deserialize");
    let deserializer = scope.name_text("serde::Deserializer");
    let field_slots = scope.name_text("stripe_runtime::fields::FieldSlots");
    let field_value = scope.name_text("stripe_runtime::fields::FieldValue");
    let decode = scope.name_text("stripe_runtime::fields::decode_struct");
    let type_name = string_literal(&def.name);
    let mut out = lines.head(0, &format!("impl<'de> {deserialize}<'de> for {name}"))?;
    out += &lines
        .head(4, &format!("fn deserialize<D: {deserializer}<'de>>(deserializer: D) -> Result<Self, D::Error>"))?;
    out.push_str("        #[derive(Default)]\n");
    if slot_decls.is_empty() {
        out += &format!("        struct {slots} {{}}\n\n");
    } else {
        out += &format!("        struct {slots} {{\n{slot_decls}        }}\n\n");
    }
    out += &lines.head(8, &format!("impl<'a> {field_slots}<'a> for {slots}"))?;
    out += &lines.associated_type(12, "Value", name)?;
    out.push('\n');
    let params = ["&mut self".to_string(), format!("{key}: &str"), "value: V".to_string()];
    out += &lines.signature(12, &format!("fn fill<V: {field_value}<'a>>"), &params, " -> Result<(), V::Error>")?;
    if key == "_" {
        out.push_str("                value.skip()\n");
    } else {
        out += &format!(
            "                match key {{\n{arms}                    _ => value.skip(),\n                }}\n"
        );
    }
    out.push_str("            }\n\n");
    out += &lines.signature(12, "fn finish", &["self".to_string()], &format!(" -> Result<{name}, {missing}>"))?;
    out += &lines.struct_expr(16, "Ok(", name, &values, ")")?;
    out.push_str("            }\n        }\n\n");
    out += &lines.generic_call(8, &decode, &["D", slots], &["deserializer".to_string(), type_name])?;
    out.push_str("    }\n}\n");
    Ok(Code::Laid(out))
}
