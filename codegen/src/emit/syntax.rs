//! The Rust syntax every emitter writes: identifiers, types as used from a file,
//! and field declarations.

use proc_macro2::{Ident, Span};

use super::doc_attrs::member_doc_lines;
use super::lines::Lines;
use super::scope::Scope;
use crate::error::{Error, Result};
use crate::ir::{Field, Ir, TypeDef, TypeRef};
use crate::rust_type;

/// The words `syn` does not take as identifiers (its `accept_as_ident`, syn 2):
/// `_`, and the strict, reserved and weak keywords it refuses; in order, for a
/// binary search.
const NOT_IDENTIFIERS: &[&str] = &[
    "Self", "_", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do",
    "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "if", "impl", "in", "let", "loop", "macro",
    "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "self", "static", "struct", "super",
    "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// An identifier from a name the sanitiser made (or the config supplied): ASCII
/// letters, digits and `_`, not starting with a digit, and not a word `syn` refuses
/// as an identifier ([`NOT_IDENTIFIERS`]; what `syn::parse_str::<Ident>` accepts, checked
/// without tokenizing).
pub fn ident(name: &str) -> Result<Ident> {
    checked(name).map(|name| Ident::new(name, Span::call_site()))
}

/// `name` if it is an identifier (see [`ident`]), for code written as text.
pub fn checked(name: &str) -> Result<&str> {
    // (No word of `NOT_IDENTIFIERS` is longer than eight letters.)
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && (name.len() > 8 || NOT_IDENTIFIERS.binary_search(&name).is_err());
    if valid {
        Ok(name)
    } else {
        Err(Error::file("spec/codegen.yaml", format!("`{name}` is not a valid Rust identifier")))
    }
}

/// `ty` as used from the file of `scope`, as text (see [`spelled_text`]).
pub fn render_text(ir: &Ir, ty: &TypeRef, scope: &mut Scope) -> Result<String> {
    spelled_text(|name| rust_type::type_ref(ir, ty, name), scope)
}

/// Spells a type with [`rust_type`], each item named as the file of `scope` names
/// it: a type of the file's own module by its name, anything else as the scope
/// settles (imported, or by its full path). Every named type's name and module
/// must be identifiers.
pub fn spelled_text(spell: impl FnOnce(&mut dyn FnMut(&str) -> String) -> String, scope: &mut Scope) -> Result<String> {
    let mut invalid = None;
    let text = spell(&mut |path| {
        if path.starts_with("crate::") {
            if let Err(e) = path.split("::").skip(1).try_for_each(|s| ident(s).map(drop)) {
                invalid.get_or_insert(e);
            }
        }
        scope.spell(path)
    });
    match invalid {
        Some(e) => Err(e),
        None => Ok(text),
    }
}

/// A field of `def`: `docs` and `pub name: Type`, typed as
/// [`rust_type::field_type`] spells it. (Its name on the wire is in the struct's
/// serde impls, see `serde_impls`.)
pub fn field_decl(ir: &Ir, def: &TypeDef, field: &Field, docs: &str, scope: &mut Scope) -> Result<String> {
    let name = checked(&field.rust_name)?;
    let ty = spelled_text(|name| rust_type::field_type(ir, field, def.usage, name), scope)?;
    let docs = member_doc_lines(docs, scope);
    let lines = Lines::new(&def.source);
    Ok(docs + &lines.field(4, &format!("pub {name}: "), &ty)?)
}

/// A struct's definition as text: `docs`, its derives and its `fields` (lines of
/// [`field_decl`]).
pub fn struct_def(docs: &str, derives: &str, name: &str, fields: &str) -> String {
    if fields.is_empty() {
        format!("{docs}#[derive({derives})]\npub struct {name} {{}}\n")
    } else {
        format!("{docs}#[derive({derives})]\npub struct {name} {{\n{fields}}}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::{ident, NOT_IDENTIFIERS};

    #[test]
    fn identifiers_are_what_syn_accepts() {
        assert!(NOT_IDENTIFIERS.iter().all(|word| word.len() <= 8), "`checked` skips the list for longer names");
        assert!(NOT_IDENTIFIERS.windows(2).all(|pair| pair[0] < pair[1]), "`checked` searches the list in order");
        let mut names: Vec<&str> = NOT_IDENTIFIERS.to_vec();
        names.extend([
            "a", "A1", "_a", "a_", "gen", "union", "raw", "r#a", "1a", "", "a-b", "é", "Self_", "self_", "__",
        ]);
        for name in names {
            let by_syn = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && syn::parse_str::<proc_macro2::Ident>(name).is_ok();
            assert_eq!(ident(name).is_ok(), by_syn, "{name}");
        }
    }
}
