//! String enums: known values plus a catch-all, with `as_str` and the wire
//! plumbing from `stripe_runtime::wire_enum!`.

use super::code::{string_literal, Code};
use super::doc_attrs::{doc_lines, member_doc_lines};
use super::lines::Lines;
use super::scope::Scope;
use super::syntax::checked;
use super::TypeItems;
use crate::error::Result;
use crate::ir::{Enum, TypeDef};
use crate::names::CATCH_ALL_VARIANT;

/// A string enum and its impls.
pub fn emit_enum(def: &TypeDef, e: &Enum, scope: &mut Scope) -> Result<TypeItems> {
    let name = checked(&def.name)?;
    let docs = doc_lines(&def.docs, scope);
    let catch_all = checked(CATCH_ALL_VARIANT)?;
    let mut variants = String::new();
    let mut to_wire = String::new();
    let mut from_wire = String::new();
    let lines = Lines::new(&def.source);
    for variant in &e.variants {
        let v = checked(&variant.rust_name)?;
        let wire = string_literal(&variant.wire);
        let path = ["Self::", v].concat();
        variants.push_str(&member_doc_lines(&["`", &variant.wire.replace('`', "'"), "`"].concat(), scope));
        variants.push_str("    ");
        variants.push_str(v);
        variants.push_str(",\n");
        to_wire += &lines.arm(12, &path, &wire)?;
        from_wire += &lines.arm(12, &wire, &path)?;
    }
    let from_doc = member_doc_lines(
        &format!(
            "The variant for a wire value; values this version does not know are kept in [`{}::{CATCH_ALL_VARIANT}`].",
            def.name
        ),
        scope,
    );
    let wire_enum = scope.name_text("stripe_runtime::wire_enum");
    let mut items = TypeItems::new(Code::Text(format!(
        "{docs}#[derive(Clone, Debug, PartialEq, Eq, Hash)]\n#[non_exhaustive]\npub enum {name} {{\n{variants}    \
         /// A value this version of the crate does not know; it holds the value as sent.\n    {catch_all}(String),\n}}\n"
    )));
    items.inherent.push(Code::Laid(format!(
        "    /// The value as sent on the wire.\n    #[inline]\n    pub fn as_str(&self) -> &str {{\n        match self \
         {{\n{to_wire}            Self::{catch_all}(value) => value,\n        }}\n    }}\n"
    )));
    items.inherent.push(Code::Laid(format!(
        "{from_doc}    #[inline]\n    pub fn from_wire(value: &str) -> Self {{\n        match value {{\n{from_wire}            \
         other => Self::{catch_all}(other.to_owned()),\n        }}\n    }}\n"
    )));
    items.after.push(Code::Text(lines.call(0, &format!("{wire_enum}!"), &[name.to_string()], ";")?));
    Ok(items)
}
