//! Unions (`anyOf` of several schemas): an enum with a variant per schema and a
//! catch-all, decoded by `object` when every variant has one.

use super::code::{string_literal, Code};
use super::doc_attrs::{doc_lines, member_doc_lines};
use super::lines::Lines;
use super::scope::Scope;
use super::syntax::{checked, spelled_text};
use super::TypeItems;
use crate::error::Result;
use crate::ir::{Ir, TypeDef, TypeKind, TypeRef, Union, Usage};
use crate::names::CATCH_ALL_VARIANT;
use crate::rust_type;

/// A union and its impls.
pub fn emit_union(ir: &Ir, def: &TypeDef, u: &Union, scope: &mut Scope) -> Result<TypeItems> {
    let name = checked(&def.name)?;
    let catch_all = checked(CATCH_ALL_VARIANT)?;
    let lines = Lines::new(&def.source);
    let mut variants = String::new();
    let mut decode_arms = String::new();
    let mut object_arms = String::new();
    let mut paths = Vec::new();
    let mut all_have_ids = true;
    for variant in &u.variants {
        let v = checked(&variant.rust_name)?;
        let ty = spelled_text(|name| rust_type::variant_type(ir, variant, name), scope)?;
        let doc = match &variant.object {
            Some(object) => format!("An object with `object: \"{object}\"`."),
            None => format!("A `{}`.", variant.rust_name),
        };
        variants += &member_doc_lines(&doc, scope);
        variants += &lines.variant(4, v, &ty)?;
        let path = ["Self::", v].concat();
        if let Some(object) = &variant.object {
            let object = string_literal(object);
            let decode = format!("stripe_runtime::__private::decode_tagged(value, {object}).map({path})");
            decode_arms += &lines.arm(12, &format!("Some({object})"), &decode)?;
            object_arms += &lines.arm(12, &format!("{path}(_)"), &format!("Some({object})"))?;
        }
        let has_id =
            matches!(&variant.ty, TypeRef::Named(id) if matches!(&ir.get(*id).kind, TypeKind::Struct(s) if s.has_id()));
        all_have_ids &= has_id;
        paths.push(path);
    }
    let serialize = scope.name_text("serde::Serialize");
    // Params unions are only sent, and their variants only implement `Serialize`.
    let decodes = def.usage == Usage::Response;
    let deserialize = decodes.then(|| scope.name_text("serde::Deserialize"));
    let mut derives = format!("Clone, Debug, PartialEq, {serialize}");
    if let (Some(deserialize), false) = (&deserialize, u.discriminated) {
        derives += ", ";
        derives += deserialize;
    }
    // A params union keeps its variants by value, for callers to build; it lives as
    // long as the call that sends it.
    let allow = if decodes { "" } else { "#[allow(clippy::large_enum_variant)]\n" };
    let docs = doc_lines(&def.docs, scope);
    let mut items = TypeItems::new(Code::Laid(format!(
        "{docs}{allow}#[derive({derives})]\n#[serde(untagged)]\n#[non_exhaustive]\npub enum {name} {{\n{variants}    \
         /// A value of a kind this version of the crate does not know, as sent.\n    {catch_all}(serde_json::Value),\n}}\n"
    )));
    if !u.discriminated {
        return Ok(items);
    }
    let unknown = format!("Self::{catch_all}(value)");
    object_arms += &lines.arm(12, &unknown, "value.get(\"object\").and_then(serde_json::Value::as_str)")?;
    items.inherent.push(Code::Laid(format!(
        "    /// The `object` value of the payload: which kind of object it is\n    /// (`None` only for a payload of \
         unknown kind without one).\n    #[inline]\n    pub fn object_name(&self) -> Option<&str> {{\n        match self \
         {{\n{object_arms}        }}\n    }}\n"
    )));
    if let Some(deserialize) = deserialize {
        let head = lines.head(0, &format!("impl<'de> {deserialize}<'de> for {name}"))?;
        let signature = lines.signature(
            4,
            "fn deserialize<D: serde::Deserializer<'de>>",
            &["deserializer: D".to_string()],
            " -> Result<Self, D::Error>",
        )?;
        items.after.push(Code::Laid(format!(
            "{head}{signature}        let value = serde_json::Value::deserialize(deserializer)?;\n        match \
             value.get(\"object\").and_then(serde_json::Value::as_str) {{\n{decode_arms}            _ => \
             Ok(Self::{catch_all}(value)),\n        }}\n    }}\n}}\n"
        )));
    }
    if all_have_ids {
        let mut id_arms = String::new();
        for path in &paths {
            id_arms += &lines.arm(12, &format!("{path}(object)"), "object.id()")?;
        }
        id_arms +=
            &lines.arm(12, &unknown, "value.get(\"id\").and_then(serde_json::Value::as_str).unwrap_or_default()")?;
        let head = lines.head(0, &format!("impl {} for {name}", scope.name_text("stripe_runtime::Object")))?;
        items.after.push(Code::Laid(format!(
            "{head}    fn id(&self) -> &str {{\n        match self {{\n{id_arms}        }}\n    }}\n}}\n"
        )));
    }
    Ok(items)
}
