//! Code as the emitters hand it over: text they wrote already laid out, or text
//! for prettyplease to lay out.
//!
//! A crate is regular items (fields, setters, serde impls, enum and union
//! conversions) whose layout is known in advance: one line per field, variant,
//! statement or arm, broken where prettyplease breaks it (`lines`). The emitters
//! write that text directly, which costs a fraction of building tokens, parsing
//! them and printing the syntax tree:
//! - [`Code::Laid`]: every line of variable width came from `lines`, which knows
//!   where prettyplease breaks it; kept as written.
//! - [`Code::Text`]: kept as written while every line is at most
//!   [`TRUSTED_WIDTH`] wide (prettyplease's margin, where it breaks nothing) or
//!   cannot be broken; else printed by prettyplease.
//!
//! So the output is what prettyplease prints either way: `emit`'s tests generate
//! every feature spec with and without the emitters' layout and require the same
//! bytes, and `cargo xtask codegen --verify-layout` does the same for any
//! selection (CI: the whole API of both documents).

use proc_macro2::Literal;

use super::layout;
use crate::error::{Error, Result};

/// The widest line of text an emitter's layout is trusted at: prettyplease's
/// margin, 89 columns; it keeps a line that wide unbroken whatever ends it (a
/// function signature's ` {`, a field's `,`).
pub const TRUSTED_WIDTH: usize = 89;

/// One item of a file, or one item of an `impl`, as an emitter made it.
pub enum Code {
    /// Text laid out as prettyplease lays it out when every line fits (an
    /// `impl`'s items indented by four spaces).
    Text(String),
    /// Text whose every line of variable width was written by `lines`, which
    /// knows where prettyplease breaks it (the rest are fixed lines that fit):
    /// kept as it is, however wide its lines.
    Laid(String),
    /// Text for prettyplease to lay out (a shape whose layout the emitters do not
    /// write themselves).
    Rust(String),
}

/// Whether `text` is kept as its emitter laid it out: every line but doc comments
/// (which prettyplease prints as they are) at most [`TRUSTED_WIDTH`] wide, and
/// `trust` on (see [`Printer`]).
fn trusted(text: &str, trust: bool) -> bool {
    trust && text.lines().all(|line| line.len() <= TRUSTED_WIDTH || unbreakable(line.trim_start()))
}

/// Whether prettyplease prints `line` (without its indentation) as it is, however
/// wide: a doc comment, the head of a type definition (`pub enum Name {`), or a
/// unit variant (`Name,`).
fn unbreakable(line: &str) -> bool {
    let head = line.strip_prefix("pub enum ").or_else(|| line.strip_prefix("pub struct "));
    let word = |word: &str| word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    line.starts_with("///")
        || head.is_some_and(|rest| matches!(rest.split_once(' '), Some((name, "{" | "{}")) if word(name)))
        || line.strip_suffix(',').is_some_and(word)
}

/// How a file's code is printed: trusting the emitters' layout where it fits, or
/// printing all of it with prettyplease (to check that both agree).
#[derive(Clone, Copy, Debug)]
pub struct Printer {
    /// Whether text that fits is kept as written.
    pub trust: bool,
}

impl Printer {
    /// The text of one item of a file, with its blank lines.
    pub fn item(&self, file: &str, code: Code) -> Result<String> {
        let item = match self.kept(code) {
            Ok(text) => return Ok(text),
            Err(Code::Text(text) | Code::Laid(text) | Code::Rust(text)) => syn::parse_str::<syn::Item>(&text),
        };
        Ok(layout::print_item(item.map_err(|e| unparsable(file, e))?))
    }

    /// The inherent `impl` of `name` with its `members`, each followed by a blank
    /// line but the last.
    pub fn inherent_impl(&self, file: &str, name: &str, members: Vec<Code>) -> Result<String> {
        let mut out = format!("impl {name} {{\n");
        for (i, member) in members.into_iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&self.member(file, member)?);
        }
        out.push_str("}\n");
        Ok(out)
    }

    /// The text of one item of an `impl`, indented once.
    fn member(&self, file: &str, code: Code) -> Result<String> {
        let item = match self.kept(code) {
            Ok(text) => return Ok(text),
            Err(Code::Text(text) | Code::Laid(text) | Code::Rust(text)) => {
                syn::parse_str::<syn::Item>(&format!("impl Member {{\n{text}}}"))
            }
        };
        // The `impl` as printed, without its first and last lines.
        let printed = layout::print_item(item.map_err(|e| unparsable(file, e))?);
        let inner = printed.split_once('\n').map_or("", |(_, rest)| rest);
        Ok(inner.strip_suffix("}\n").unwrap_or(inner).to_string())
    }

    /// The text of `code` if it is kept as its emitter laid it out, else `code` back,
    /// for prettyplease.
    fn kept(&self, code: Code) -> std::result::Result<String, Code> {
        match code {
            Code::Text(text) if trusted(&text, self.trust) => Ok(text),
            Code::Laid(text) if self.trust => Ok(text),
            code => Err(code),
        }
    }
}

fn unparsable(file: &str, e: syn::Error) -> Error {
    Error::file(file, format!("internal error: generated code does not parse: {e}"))
}

/// `value` as a Rust string literal, spelled as prettyplease prints it.
pub fn string_literal(value: &str) -> String {
    // Printable ASCII but `"` and `\` is written as it is (most wire names and values).
    if value.bytes().all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\') {
        return ["\"", value, "\""].concat();
    }
    Literal::string(value).to_string()
}

#[cfg(test)]
mod tests {
    use proc_macro2::Literal;

    use super::string_literal;

    /// The shortcut for plain text spells what proc_macro2 spells: on every character
    /// of printable ASCII, and on text that needs escapes.
    #[test]
    fn string_literals_are_spelled_as_proc_macro2_spells_them() {
        let ascii: String = (b' '..=b'~').map(char::from).collect();
        let texts = [
            ascii.as_str(),
            "plain_name",
            "it's",
            "a \"quote\"",
            "back\\slash",
            "tab\there",
            "nul\0",
            "é",
            "\u{301}",
            "",
        ];
        for text in texts.iter().copied().chain(ascii.split("")) {
            assert_eq!(string_literal(text), Literal::string(text).to_string(), "{text:?}");
        }
    }
}
