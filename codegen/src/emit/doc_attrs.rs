//! Doc comments: the documentation of items, members and modules as `#[doc]`
//! attributes, one per line (so they print as `///` lines), wrapped at [`DOC_WIDTH`].
//!
//! In a module's file, documentation does not go through the tokens: a file's
//! [`DocTable`] keeps each wrapped text and puts one placeholder attribute in its
//! place (`#[doc = "\u{1}7"]`, printed `///\u{1}7`), and [`DocTable::splice`] writes
//! the lines where the printed placeholders are. A doc attribute prints as its own
//! line, `///` and the text, between hard line breaks, so what the text says changes
//! nothing else of the layout: the file reads as if every line had been an attribute,
//! without tokenizing, parsing and printing them.

use proc_macro2::TokenStream;
use quote::quote;
use rustc_hash::FxHashMap;

use super::scope::Scope;
use super::wrap::wrap;

/// How wide doc comments are, `///` and indentation included.
const DOC_WIDTH: usize = 100;

/// What starts the text of a placeholder doc attribute; its block's number follows.
/// The lines of real documentation start with a space (or are empty), and string
/// literals in code escape control characters, so nothing else prints it.
const MARKER: char = '\u{1}';

/// `#[doc = "..."]` attributes for a top-level item, one per line (so they print as
/// `///` lines), wrapped at [`DOC_WIDTH`].
pub fn doc_attrs(docs: &str, scope: &mut Scope) -> TokenStream {
    scope.docs().placeholder(docs, DOC_WIDTH - "/// ".len(), false)
}

/// [`doc_attrs`] as text: the placeholder's `///` line for a top-level item.
pub fn doc_lines(docs: &str, scope: &mut Scope) -> String {
    scope.docs().placeholder_line(docs, DOC_WIDTH - "/// ".len(), "")
}

/// [`doc_lines`] for a member of an item (a field, variant or method): the
/// placeholder's `///` line, indented once.
pub fn member_doc_lines(docs: &str, scope: &mut Scope) -> String {
    scope.docs().placeholder_line(docs, DOC_WIDTH - "    /// ".len(), "    ")
}

/// `#![doc = "..."]` attributes, for a module's own documentation.
pub fn inner_doc_attrs(docs: &str, scope: &mut Scope) -> TokenStream {
    scope.docs().placeholder(docs, DOC_WIDTH - "//! ".len(), true)
}

/// [`doc_attrs`] written out as attributes, for files without a [`DocTable`] (`lib.rs`).
pub fn literal_doc_attrs(docs: &str) -> TokenStream {
    line_attrs(&wrap(docs, DOC_WIDTH - "/// ".len()), false)
}

/// [`inner_doc_attrs`] written out as attributes, for files without a [`DocTable`].
pub fn literal_inner_doc_attrs(docs: &str) -> TokenStream {
    line_attrs(&wrap(docs, DOC_WIDTH - "//! ".len()), true)
}

fn line_attrs(docs: &str, inner: bool) -> TokenStream {
    let lines = docs.lines().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        if inner {
            quote!(#![doc = #line])
        } else {
            quote!(#[doc = #line])
        }
    });
    quote!(#(#lines)*)
}

/// The documentation of one file: each block of lines a placeholder attribute
/// stands for, by number. A text documenting several items of the file (a param
/// of many operations) is wrapped once, and its block shared.
#[derive(Debug, Default)]
pub struct DocTable {
    blocks: Vec<String>,
    /// How many lines each block has.
    lines: Vec<usize>,
    /// About how many bytes the placeholders made so far add when spliced.
    spliced: usize,
    /// By width, the block each text was wrapped into (`None` if it has no lines).
    made: Vec<(usize, FxHashMap<String, Option<usize>>)>,
}

impl DocTable {
    /// The number of the block of `docs` wrapped at `width`; `None` if it has no lines.
    fn block(&mut self, docs: &str, width: usize) -> Option<usize> {
        let at = match self.made.iter().position(|(w, _)| *w == width) {
            Some(at) => at,
            None => {
                self.made.push((width, FxHashMap::default()));
                self.made.len() - 1
            }
        };
        let block = match self.made[at].1.get(docs) {
            Some(&block) => block,
            None => {
                let wrapped = wrap(docs, width);
                let lines = wrapped.lines().count();
                let block = (lines > 0).then_some(self.blocks.len());
                if block.is_some() {
                    self.blocks.push(wrapped);
                    self.lines.push(lines);
                }
                self.made[at].1.insert(docs.to_string(), block);
                block
            }
        };
        if let Some(b) = block {
            // Each line: its indentation (a few levels at most), `/// ` and a newline.
            self.spliced += self.blocks[b].len() + self.lines[b] * 20;
        }
        block
    }

    /// One placeholder attribute for the lines of `docs` wrapped at `width` (nothing
    /// if it has none).
    fn placeholder(&mut self, docs: &str, width: usize, inner: bool) -> TokenStream {
        let Some(block) = self.block(docs, width) else { return TokenStream::new() };
        let text = format!("{MARKER}{block}");
        if inner {
            quote!(#![doc = #text])
        } else {
            quote!(#[doc = #text])
        }
    }

    /// [`DocTable::placeholder`] as prettyplease prints it: `indent`, `///` and the
    /// placeholder's text, on a line of its own (nothing if the text has no lines).
    fn placeholder_line(&mut self, docs: &str, width: usize, indent: &str) -> String {
        match self.block(docs, width) {
            Some(block) => format!("{indent}///{MARKER}{block}\n"),
            None => String::new(),
        }
    }

    /// Appends `printed` (prettyplease's text of whole lines of the file) to `out`
    /// with each printed placeholder (`    ///\u{1}7`) replaced by its lines, as
    /// prettyplease prints a line's attribute: the same indentation, `///` (or
    /// `//!`) and ` ` and the line, trailing spaces trimmed. `None` if a
    /// placeholder is not one of the table's.
    pub fn splice_into(&self, out: &mut String, printed: &str) -> Option<()> {
        let mut rest = printed;
        while let Some(at) = rest.find(MARKER) {
            let line_start = rest[..at].rfind('\n').map_or(0, |i| i + 1);
            let line_end = rest[at..].find('\n').map_or(rest.len(), |i| at + i);
            let head = &rest[line_start..at];
            let indent = head.strip_suffix("///").or_else(|| head.strip_suffix("//!"))?;
            if indent.bytes().any(|b| b != b' ') {
                return None;
            }
            let slashes = &head[indent.len()..];
            let block = self.blocks.get(rest[at + MARKER.len_utf8()..line_end].parse::<usize>().ok()?)?;
            out.push_str(&rest[..line_start]);
            for line in block.lines() {
                out.push_str(indent);
                out.push_str(slashes);
                if !line.is_empty() {
                    out.push(' ');
                    out.push_str(line);
                    out.truncate(out.trim_end_matches(' ').len());
                }
                out.push('\n');
            }
            rest = rest.get(line_end + 1..).unwrap_or_default();
        }
        out.push_str(rest);
        Some(())
    }

    /// About how many bytes the placeholders made so far add when spliced (every
    /// use of a block, indented), to size a file's buffer.
    pub fn spliced_len(&self) -> usize {
        self.spliced
    }
}
