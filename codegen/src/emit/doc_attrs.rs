//! Doc comments: the documentation of items, members and modules as `#[doc]`
//! attributes, one per line (so they print as `///` lines), wrapped at [`DOC_WIDTH`].

use proc_macro2::TokenStream;
use quote::quote;

use super::wrap::wrap;

/// How wide doc comments are, `///` and indentation included.
const DOC_WIDTH: usize = 100;

/// `#[doc = "..."]` attributes for a top-level item, one per line (so they print as
/// `///` lines), wrapped at [`DOC_WIDTH`].
pub fn doc_attrs(docs: &str) -> TokenStream {
    line_attrs(&wrap(docs, DOC_WIDTH - "/// ".len()), false)
}

/// `#[doc = "..."]` attributes for a member of an item (a field, variant or
/// method, indented once), wrapped at [`DOC_WIDTH`].
pub fn member_doc_attrs(docs: &str) -> TokenStream {
    line_attrs(&wrap(docs, DOC_WIDTH - "    /// ".len()), false)
}

/// `#![doc = "..."]` attributes, for a module's own documentation.
pub fn inner_doc_attrs(docs: &str) -> TokenStream {
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
