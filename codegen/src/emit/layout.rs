//! Printing a file: prettyplease, and the blank lines it does not add.
//!
//! Each item is printed on its own, and items are joined with a blank line (except
//! consecutive `use` items of one group: `std`, other crates, this crate). An `impl`
//! is printed whole, then given a blank line between its items, and between the
//! statements of a function that declares items (a `Deserialize` impl and its field
//! slots): see [`separated`]. Doc comments and attributes are part of the item they
//! are on, so they stay with it.

use syn::{File, ImplItem, Item, ItemImpl, Stmt, UseTree};

use super::scope::import_group;

/// The text of `file`, formatted.
pub fn print(file: File) -> String {
    let File { attrs, items, .. } = file;
    let mut out = String::new();
    if !attrs.is_empty() {
        out.push_str(&prettyplease::unparse(&File { shebang: None, attrs, items: Vec::new() }));
    }
    let mut previous_use = None;
    for item in items {
        let use_group = match &item {
            Item::Use(u) => Some(import_group(&root_of(&u.tree))),
            _ => None,
        };
        if !out.is_empty() && (use_group.is_none() || use_group != previous_use) {
            out.push('\n');
        }
        previous_use = use_group;
        out.push_str(&print_item(item));
    }
    out
}

/// One item, with the blank lines inside it.
pub fn print_item(item: Item) -> String {
    match item {
        Item::Impl(imp) => {
            let depths: &[usize] = if declares_items(&imp) { &[4, 8, 12] } else { &[4] };
            separated(&unparse(Item::Impl(imp)), depths)
        }
        item => unparse(item),
    }
}

/// prettyplease's text of one item.
fn unparse(item: Item) -> String {
    prettyplease::unparse(&File { shebang: None, attrs: Vec::new(), items: vec![item] })
}

/// Whether `imp` is one function whose body declares items.
fn declares_items(imp: &ItemImpl) -> bool {
    matches!(&imp.items[..], [ImplItem::Fn(f)] if f.block.stmts.iter().any(|s| matches!(s, Stmt::Item(_))))
}

/// `text` (an `impl` as prettyplease prints it, four spaces per level) with a blank
/// line before each line at one of `depths` that follows a line at the same depth
/// ending an item or a statement (`}` or `;`), unless it closes a block. At depth 4
/// those are the items of the `impl`; at 8 and 12 the statements of a function that
/// declares items and the items of the `impl`s declared there. Deeper lines (function
/// bodies, where a `}` may end a match arm) are left as printed.
fn separated(text: &str, depths: &[usize]) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    // The depth of the previous line, if it ended an item or a statement.
    let mut ended_at = None;
    for line in text.lines() {
        let body = line.trim_start();
        let depth = line.len() - body.len();
        if ended_at == Some(depth) && depths.contains(&depth) && !body.starts_with('}') {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        ended_at = (body.ends_with('}') || body.ends_with(';')).then_some(depth);
    }
    out
}

/// The first segment of a `use` path.
fn root_of(tree: &UseTree) -> String {
    match tree {
        UseTree::Path(p) => p.ident.to_string(),
        UseTree::Name(n) => n.ident.to_string(),
        UseTree::Rename(r) => r.ident.to_string(),
        UseTree::Glob(_) | UseTree::Group(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::print;

    #[test]
    fn items_and_impl_items_are_separated_by_blank_lines() {
        let file = syn::parse2(quote! {
            //! Module docs.
            use std::collections::BTreeMap;
            use serde::Serialize;
            use stripe_runtime::{List, Request};
            use crate::a::B;
            /// A.
            #[derive(Serialize)]
            pub struct A {
                pub map: BTreeMap<String, B>,
            }
            impl A {
                /// One.
                pub const ONE: i64 = 1;
                /// New.
                pub fn new() -> Self {
                    todo!()
                }
            }
            impl<'de> serde::Deserialize<'de> for A {
                fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    todo!()
                }
            }
        })
        .unwrap();
        assert_eq!(
            print(file),
            "//! Module docs.\n\nuse std::collections::BTreeMap;\n\nuse serde::Serialize;\nuse stripe_runtime::{List, \
             Request};\n\nuse crate::a::B;\n\n/// A.\n#[derive(Serialize)]\npub struct A {\n    pub map: BTreeMap<String, \
             B>,\n}\n\nimpl A {\n    /// One.\n    pub const ONE: i64 = 1;\n\n    /// New.\n    pub fn new() -> Self \
             {\n        todo!()\n    }\n}\n\nimpl<'de> serde::Deserialize<'de> for A {\n    fn deserialize<D: \
             serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {\n        todo!()\n    }\n}\n"
        );
    }

    #[test]
    fn items_declared_in_a_function_are_separated_by_blank_lines() {
        let file = syn::parse2(quote! {
            impl<'de> Deserialize<'de> for A {
                fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    #[derive(Default)]
                    struct Slots {
                        a: Option<u8>,
                    }
                    impl<'a> FieldSlots<'a> for Slots {
                        type Value = A;
                        fn fill<V: FieldValue<'a>>(&mut self, key: &str, value: V) -> Result<(), V::Error> {
                            match key {
                                "a_very_long_field_name_that_makes_the_arm_wrap_onto_its_own_block" => {
                                    value.fill(&mut self.a_very_long_field_name_that_makes_the_arm_wrap)
                                }
                                _ => value.skip(),
                            }
                        }
                        fn finish(self) -> Result<A, MissingField> {
                            Ok(A { a: self.a.ok_or(MissingField("a"))? })
                        }
                    }
                    decode_struct::<D, Slots>(deserializer, "A")
                }
            }
        })
        .unwrap();
        let printed = print(file);
        let blank_before: Vec<&str> =
            printed.split("\n\n").skip(1).map(|chunk| chunk.lines().next().unwrap().trim()).collect();
        assert_eq!(
            blank_before,
            [
                "impl<'a> FieldSlots<'a> for Slots {",
                "fn fill<V: FieldValue<'a>>(",
                "fn finish(self) -> Result<A, MissingField> {",
                "decode_struct::<D, Slots>(deserializer, \"A\")"
            ],
            "{printed}"
        );
        assert!(syn::parse_file(&printed).is_ok());
    }
}
