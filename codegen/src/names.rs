//! The one place that decides Rust names: casing, keywords, identifiers that would
//! start with a digit or be empty, names the generated code itself uses, and
//! collisions.

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::ir::{HttpMethod, TypeId, TypeRef};

/// Words that cannot be identifiers (strict, reserved and edition-2024 keywords).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Type names the generated code uses unqualified, which a generated type must not shadow.
const RESERVED_TYPES: &[&str] = &[
    "BTreeMap",
    "Box",
    "Clearable",
    "Err",
    "Expandable",
    "List",
    "None",
    "Object",
    "ObjectName",
    "ObjectTag",
    "Ok",
    "Option",
    "RangeQuery",
    "Result",
    "Serialize",
    "Deserialize",
    "Some",
    "String",
    "Timestamp",
    "Value",
    "Vec",
    // The prelude traits params setters use, and the visitor `stripe_runtime::wire_enum!`
    // declares beside the enum.
    "Into",
    "IntoIterator",
    "Visitor",
    // What a struct's `Serialize` and `Deserialize` impls name: the runtime's helpers, and the
    // struct of its fields' slots declared inside it (`SLOTS_STRUCT`).
    "Deserializer",
    "Serializer",
    "FieldWriter",
    "FieldSlots",
    "FieldValue",
    "MissingField",
    "Slots",
    // Type parameters of the generated trait impls.
    "D",
    "S",
    "V",
];

/// Name of the struct of a model's field slots, declared inside its `Deserialize`
/// impl (see `stripe_runtime::fields`).
pub const SLOTS_STRUCT: &str = "Slots";

/// Crates the generated code names by path (`serde_json::Value`,
/// `stripe_runtime::Request`, `use std::collections::BTreeMap`), which a generated
/// module must not shadow.
const RESERVED_MODULES: &[&str] = &["alloc", "core", "serde", "serde_json", "std", "stripe_runtime"];

/// Name of the catch-all variant of generated enums and unions.
pub const CATCH_ALL_VARIANT: &str = "Unrecognized";

/// Name of the field that holds a model's constant `object` property (its tag, an
/// `ObjectTag`), reserved in the struct before its other fields are named.
pub const OBJECT_FIELD: &str = "object";

/// A Rust type name (`UpperCamelCase`) for a raw spec name.
pub fn type_name(raw: &str) -> String {
    let name = camel(raw);
    if RESERVED_TYPES.contains(&name.as_str()) || KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// A Rust enum variant name (`UpperCamelCase`) for a wire value.
pub fn variant_name(raw: &str) -> String {
    let name = camel(raw);
    if KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// A Rust field name (`snake_case`) for a property name.
pub fn field_name(raw: &str) -> String {
    snake(raw)
}

/// A Rust module name (`snake_case`) for a namespace or resource name.
pub fn module_name(raw: &str) -> String {
    let name = snake(raw);
    if RESERVED_MODULES.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

fn camel(raw: &str) -> String {
    let name = upper_camel_words(&words(raw));
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("N{name}")
    } else {
        name
    }
}

/// `words` (space-separated) in `UpperCamelCase`, as heck writes them: heck
/// writes each space-separated part on its own and joins them without a
/// separator, so the parts are made one by one, each once per thread (type names
/// repeat their owner's name: `CreateParamsOptions` is the start of each of its
/// fields' types' names).
fn upper_camel_words(words: &str) -> String {
    thread_local! {
        static PARTS: std::cell::RefCell<rustc_hash::FxHashMap<String, String>> = Default::default();
    }
    PARTS.with(|parts| {
        let mut parts = parts.borrow_mut();
        let mut name = String::with_capacity(words.len());
        for part in words.split(' ').filter(|part| !part.is_empty()) {
            name.push_str(cached(&mut parts, part, |part| part.to_upper_camel_case()));
        }
        name
    })
}

/// `make(raw)`, from `cache` if it was made before (else made and kept there).
pub(crate) fn cached<'c>(
    cache: &'c mut rustc_hash::FxHashMap<String, String>,
    raw: &str,
    make: fn(&str) -> String,
) -> &'c str {
    if !cache.contains_key(raw) {
        cache.insert(raw.to_string(), make(raw));
    }
    &cache[raw]
}

fn snake(raw: &str) -> String {
    let name = words(raw).to_snake_case();
    let name = if name.starts_with(|c: char| c.is_ascii_digit()) { format!("n{name}") } else { name };
    if KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// The raw name as space-separated ASCII words. Names with no letters or digits
/// are spelled out (`-` is `dash`), so that every name yields an identifier.
fn words(raw: &str) -> String {
    let cleaned: String = raw.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect();
    if cleaned.trim().is_empty() {
        if raw.is_empty() {
            return "empty".into();
        }
        let spelled: Vec<&str> = raw
            .chars()
            .map(|c| match c {
                '-' => "dash",
                '+' => "plus",
                '*' => "star",
                '.' => "dot",
                '_' => "underscore",
                '/' => "slash",
                ' ' => "space",
                '#' => "hash",
                '@' => "at",
                _ => "value",
            })
            .collect();
        return spelled.join(" ");
    }
    cleaned
}

/// What an operation's method is named from: the facts [`crate::owners`] decides
/// over the whole document.
pub struct MethodShape<'a> {
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path's segments below the owner's collection (`["{session}", "cancel"]`).
    pub below: &'a [String],
    /// The `x-resourceId` of the resource the operation belongs to.
    pub owner: &'a str,
    /// The `x-resourceId` of the resource the response returns, if any.
    pub returns: Option<&'a str>,
    /// Whether the response is a list (or a search result).
    pub returns_list: bool,
    /// Whether the response is a file rather than JSON.
    pub returns_file: bool,
    /// The `x-resourceId` of what a `GET` on the same path returns, if a resource.
    pub get_returns: Option<&'a str>,
}

/// The Rust method name of an operation, as Stripe's SDKs name it, from the path
/// below its resource's collection (see [`crate::owners`]):
/// - on the collection and item paths, by the verb: `list`, `create` (`update`
///   where a `GET` of the same path returns the same resource: a singleton such as
///   `/v1/tax/settings`), `retrieve`, `update`, `delete`;
/// - a response that is a file: the literal segments (`pdf`);
/// - on a sub-collection's item (`{customer}/tax_ids/{id}`): the verb and the
///   singular noun, `retrieve_tax_id`, `update_tax_id`, `delete_tax_id`;
/// - an action on a sub-collection's item (`{customer}/sources/{id}/verify`):
///   `verify_source`;
/// - a `GET` of a list of the resource itself below the collection: the literal
///   (`search`); of other lists `list_` and the literals (`list_tax_ids`); of
///   anything else `retrieve_` and the literals (`retrieve_upcoming`);
/// - a `DELETE`: `delete_` and the literals (`delete_discount`);
/// - a `POST` returning another resource, to a plural noun or the resource's own
///   name: `update_` and the literals where a `GET` there returns it
///   (`update_cash_balance`, `update_features`), else `create_` and the noun in the singular
///   (`create_tax_id`, `create_login_link`);
/// - any other `POST` is an action named by its literals (`cancel`, `redact`); an
///   action that is a keyword takes the resource's name (`return_inbound_transfer`).
pub fn method_name(shape: &MethodShape<'_>) -> String {
    let is_param = |segment: &String| segment.starts_with('{') && segment.ends_with('}');
    let last_name = |id: &str| id.rsplit('.').next().unwrap_or(id).to_string();
    let below = shape.below;
    let on_item = below.last().is_some_and(is_param);
    let literals: Vec<&str> = below.iter().filter(|s| !is_param(s)).map(String::as_str).collect();
    let (lead, last) = match literals.split_last() {
        Some((last, lead)) => (lead.join("_"), *last),
        None => (String::new(), ""),
    };
    let join =
        |parts: &[&str]| field_name(&parts.iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join("_"));
    let verb = match shape.method {
        HttpMethod::Get if shape.returns_list => "list",
        HttpMethod::Get => "retrieve",
        HttpMethod::Post if on_item || shape.get_returns.is_some_and(|r| Some(r) == shape.returns) => "update",
        HttpMethod::Post => "create",
        HttpMethod::Delete => "delete",
    };
    if literals.is_empty() {
        return verb.to_string();
    }
    if shape.returns_file {
        return join(&literals);
    }
    if on_item {
        return join(&[verb, &lead, &singular(last)]);
    }
    let n = below.len();
    if shape.method == HttpMethod::Post && n >= 3 && is_param(&below[n - 2]) && literals.len() >= 2 {
        return join(&[last, &singular(literals[literals.len() - 2])]);
    }
    let all = literals.join("_");
    match shape.method {
        HttpMethod::Get
            if shape.returns_list && below.iter().all(|s| !is_param(s)) && shape.returns == Some(shape.owner) =>
        {
            join(&[&all])
        }
        HttpMethod::Get | HttpMethod::Delete => join(&[verb, &all]),
        HttpMethod::Post => {
            let other = shape.returns.filter(|r| *r != shape.owner);
            match other {
                Some(returned) if last.ends_with('s') || last == last_name(returned) => {
                    let noun =
                        if verb == "update" || last == last_name(returned) { last.to_string() } else { singular(last) };
                    join(&[verb, &lead, &noun])
                }
                _ if KEYWORDS.contains(&all.as_str()) => join(&[&all, &last_name(shape.owner)]),
                _ => join(&[&all]),
            }
        }
    }
}

/// A plural noun in the singular, by English's regular endings (`tax_ids` ->
/// `tax_id`, `capabilities` -> `capability`, `boxes` -> `box`).
fn singular(noun: &str) -> String {
    if let Some(stem) = noun.strip_suffix("ies") {
        format!("{stem}y")
    } else if noun.ends_with("sses") || noun.ends_with("xes") {
        noun[..noun.len() - 2].to_string()
    } else if noun.ends_with('s') && !noun.ends_with("ss") {
        noun[..noun.len() - 1].to_string()
    } else {
        noun.to_string()
    }
}

/// The module for types used by several resources.
pub const SHARED_MODULE: &str = "shared";

/// The runtime's module re-exported at the crate root (webhook signatures), which
/// no resource's module may take.
pub const WEBHOOK_MODULE: &str = "webhook";

/// The names of the crate root's modules, with those the generated crate itself
/// takes ([`SHARED_MODULE`], [`WEBHOOK_MODULE`]) reserved.
pub fn root_modules() -> Namespace {
    Namespace::with_reserved(&[SHARED_MODULE, WEBHOOK_MODULE])
}

/// The names of an enum's or a union's variants, with [`CATCH_ALL_VARIANT`] reserved.
pub fn variants() -> Namespace {
    Namespace::with_reserved(&[CATCH_ALL_VARIANT])
}

/// The names a method's path arguments may not take: its params argument, and
/// `self`.
pub fn method_arguments() -> Namespace {
    Namespace::with_reserved(&["params", "self"])
}

/// The name of a type made for the place it is used from: its owner's name (empty
/// for a resource's own inline types) and the field's (`Options` + `document` ->
/// `OptionsDocument`).
pub fn site_type_name(owner: &str, field: &str) -> String {
    type_name(&format!("{owner} {field}"))
}

/// The raw name an operation's params type is named from, as a field of its
/// resource (`create` -> `CreateParams`).
pub fn params_type_field(method: &str) -> String {
    format!("{method} params")
}

/// The raw name an operation's inline response type is named from (`list_line_items`
/// -> `ListLineItemsResponse`).
pub fn response_type_field(method: &str) -> String {
    format!("{method} response")
}

/// The name of a union variant (before collisions are settled): a reference to
/// component `schema` of a named type is named by the schema, by the last segment
/// of a resource id (`issuing.card` -> `Card`); any other variant by its Rust type
/// (`String`, `Array`, a named type's own name, given by `type_name`).
pub fn union_variant(referenced: Option<&str>, ty: &TypeRef, type_name: &dyn Fn(TypeId) -> String) -> String {
    let named = matches!(ty, TypeRef::Named(_) | TypeRef::Expandable(_));
    match referenced {
        Some(schema) if named => variant_name(schema.rsplit('.').next().unwrap_or(schema)),
        _ => variant_name(&type_label(ty, type_name)),
    }
}

/// A union variant's name from its Rust type.
fn type_label(ty: &TypeRef, type_name: &dyn Fn(TypeId) -> String) -> String {
    match ty {
        TypeRef::Named(t) | TypeRef::Expandable(t) => type_name(*t),
        TypeRef::String => "String".into(),
        TypeRef::Bool => "Bool".into(),
        TypeRef::Integer => "Integer".into(),
        TypeRef::Number => "Number".into(),
        TypeRef::Timestamp => "Timestamp".into(),
        TypeRef::Json => "Json".into(),
        TypeRef::File => "File".into(),
        TypeRef::Vec(_) => "Array".into(),
        TypeRef::Map(_) => "Map".into(),
        TypeRef::List(_) => "List".into(),
        TypeRef::Clearable(inner) => type_label(inner, type_name),
        TypeRef::Range(_) => "Range".into(),
    }
}

/// The raw name of the `n`th (from 1) inline variant of a union that has no
/// `object` value to be named by (`variant 2`).
pub fn positional_variant(n: usize) -> String {
    format!("variant {n}")
}

/// A field of a params struct, as far as its setters' names go.
pub struct SetterField<'f> {
    /// The field's Rust name.
    pub rust_name: &'f str,
    /// Its name on the wire.
    pub wire_name: &'f str,
    /// Whether it is an argument of `new` (no setter).
    pub required: bool,
    /// Whether it can be cleared (a `clear_` setter too).
    pub clearable: bool,
}

/// The setters of a params struct's fields, in field order: each optional field's
/// own name, and `clear_WIRE_NAME` for those that can be cleared (`None` where a
/// field has no such setter). `new` is the constructor's; collisions are settled in
/// field order.
pub fn setter_names(fields: &[SetterField<'_>]) -> Vec<(Option<String>, Option<String>)> {
    let mut methods = Namespace::with_reserved(&["new"]);
    fields
        .iter()
        .map(|field| {
            if field.required {
                return (None, None);
            }
            let set = methods.claim(field.rust_name.to_string());
            let clear = field.clearable.then(|| methods.claim(field_name(&format!("clear {}", field.wire_name))));
            (Some(set), clear)
        })
        .collect()
}

/// The names already taken in one Rust namespace (a module's types, a struct's
/// fields, an enum's variants). Later claimants of a taken name get a numeric
/// suffix, so collisions resolve deterministically in claim order.
#[derive(Clone, Debug, Default)]
pub struct Namespace {
    taken: rustc_hash::FxHashSet<String>,
}

impl Namespace {
    /// The namespace of a struct's field names: with [`OBJECT_FIELD`] taken when the
    /// struct has a tag (a constant `object` property).
    pub fn struct_fields(tagged: bool) -> Self {
        if tagged {
            Namespace::with_reserved(&[OBJECT_FIELD])
        } else {
            Namespace::default()
        }
    }

    /// A namespace in which `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Namespace { taken: reserved.iter().map(|s| s.to_string()).collect() }
    }

    /// Claims `name`, or the first free `name2`, `name3`... (`name_2` for snake case).
    pub fn claim(&mut self, name: String) -> String {
        if self.taken.insert(name.clone()) {
            return name;
        }
        let sep = if name.chars().next().is_some_and(|c| c.is_ascii_uppercase()) { "" } else { "_" };
        let base = name.trim_end_matches('_');
        (2..)
            .map(|n| format!("{base}{sep}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always has a free name")
    }
}

#[cfg(test)]
mod tests {
    use super::{method_name, MethodShape};
    use crate::ir::HttpMethod;

    /// Words as [`super::words`] makes them, of every kind of part: runs of
    /// capitals, digits, single letters, empty parts.
    fn word_samples() -> Vec<String> {
        let parts = [
            "",
            "a",
            "A",
            "ab",
            "AB",
            "aB",
            "Ab",
            "abc",
            "ABc",
            "aBC",
            "a1",
            "1a",
            "A1b",
            "HTTPServer",
            "3dSecure",
            "v1",
            "CreateParamsOptions",
            "iOS",
            "N3dSecure",
            "x9Y",
            "ID",
        ];
        let mut samples = Vec::new();
        for a in parts {
            for b in parts {
                for separator in [" ", "  "] {
                    samples.push(format!("{a}{separator}{b}"));
                    samples.push(format!("{a}{b}{separator}{a}"));
                }
            }
        }
        samples
    }

    #[test]
    fn camel_case_is_made_by_parts_as_heck_makes_it_whole() {
        use heck::ToUpperCamelCase;
        let mut samples = word_samples();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/stripe-openapi/2024-04-10/spec3.json");
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        // Every key and string of Stripe's document, as words.
        let strings = text.split('"').filter(|s| s.len() < 200);
        samples.extend(strings.map(super::words).chain(["Type_ field".to_string()]));
        assert!(samples.len() > 100_000);
        for words in &samples {
            // Twice: made, then from the parts made before.
            for _ in 0..2 {
                assert_eq!(super::upper_camel_words(words), words.to_upper_camel_case(), "{words:?}");
            }
        }
    }

    /// The name of `method` on `below` (`/`-separated) of a resource `owner`.
    fn named(method: HttpMethod, below: &str, returns: Option<&str>, list: bool, get_returns: Option<&str>) -> String {
        let below: Vec<String> = below.split('/').filter(|s| !s.is_empty()).map(String::from).collect();
        let shape = MethodShape {
            method,
            below: &below,
            owner: "customer",
            returns,
            returns_list: list,
            returns_file: false,
            get_returns,
        };
        method_name(&shape)
    }

    #[test]
    fn methods_are_named_as_stripe_names_them() {
        use HttpMethod::{Delete, Get, Post};
        let me = Some("customer");
        assert_eq!(named(Get, "", me, true, None), "list");
        assert_eq!(named(Post, "", me, false, None), "create");
        assert_eq!(named(Post, "", me, false, me), "update");
        assert_eq!(named(Get, "{customer}", me, false, me), "retrieve");
        assert_eq!(named(Post, "{customer}", me, false, me), "update");
        assert_eq!(named(Delete, "{customer}", Some("deleted_customer"), false, me), "delete");
        assert_eq!(named(Get, "search", me, true, None), "search");
        assert_eq!(named(Get, "{customer}/tax_ids", Some("tax_id"), true, None), "list_tax_ids");
        assert_eq!(named(Post, "{customer}/tax_ids", Some("tax_id"), false, None), "create_tax_id");
        assert_eq!(named(Get, "{customer}/tax_ids/{id}", Some("tax_id"), false, Some("tax_id")), "retrieve_tax_id");
        assert_eq!(named(Delete, "{customer}/tax_ids/{id}", None, false, Some("tax_id")), "delete_tax_id");
        assert_eq!(named(Post, "{customer}/sources/{id}/verify", Some("bank_account"), false, None), "verify_source");
        let cash = Some("cash_balance");
        assert_eq!(named(Post, "{customer}/cash_balance", cash, false, cash), "update_cash_balance");
        assert_eq!(named(Post, "{customer}/login_links", Some("login_link"), false, None), "create_login_link");
        assert_eq!(
            named(Post, "{customer}/funding_instructions", Some("funding_instructions"), false, None),
            "create_funding_instructions"
        );
        assert_eq!(
            named(Post, "{customer}/fund_cash_balance", Some("customer_cash_balance_transaction"), false, None),
            "fund_cash_balance"
        );
        assert_eq!(named(Post, "{customer}/cancel", me, false, None), "cancel");
        assert_eq!(named(Post, "{customer}/return", me, false, None), "return_customer");
        assert_eq!(named(Delete, "{customer}/discount", Some("deleted_discount"), false, None), "delete_discount");
        assert_eq!(named(Get, "upcoming", Some("invoice"), false, None), "retrieve_upcoming");
        assert_eq!(named(Get, "upcoming/lines", Some("line_item"), true, None), "list_upcoming_lines");
    }

    #[test]
    fn setters_are_named_once_per_params_struct() {
        let field =
            |rust_name, wire_name, required, clearable| SetterField { rust_name, wire_name, required, clearable };
        let fields = [
            field("type_", "type", true, false),
            field("new", "new", false, false),
            field("clear_metadata", "clear_metadata", false, false),
            field("metadata", "metadata", false, true),
        ];
        let names = setter_names(&fields);
        let some = |s: &str| Some(s.to_string());
        assert_eq!(
            names,
            [
                (None, None),
                (some("new_2"), None),
                (some("clear_metadata"), None),
                (some("metadata"), some("clear_metadata_2")),
            ]
        );
    }

    use super::*;

    #[test]
    fn casing() {
        assert_eq!(type_name("identity.verification_session"), "IdentityVerificationSession");
        assert_eq!(type_name("verification_session"), "VerificationSession");
        assert_eq!(field_name("verifiedOutputs"), "verified_outputs");
        assert_eq!(module_name("verification_session"), "verification_session");
    }

    #[test]
    fn keywords_get_a_trailing_underscore() {
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("ref"), "ref_");
        assert_eq!(field_name("match"), "match_");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(module_name("crate"), "crate_");
        assert_eq!(module_name("serde_json"), "serde_json_");
        assert_eq!(module_name("std"), "std_");
        assert_eq!(variant_name("self"), "Self_");
        assert_eq!(type_name("Self"), "Self_");
    }

    #[test]
    fn generated_code_names_are_not_shadowed() {
        assert_eq!(type_name("option"), "Option_");
        assert_eq!(type_name("list"), "List_");
        assert_eq!(type_name("expandable"), "Expandable_");
        assert_eq!(type_name("into"), "Into_");
        assert_eq!(type_name("visitor"), "Visitor_");
        // Variants live in their own namespace, so these are fine as they are.
        assert_eq!(variant_name("list"), "List");
    }

    #[test]
    fn odd_wire_values() {
        assert_eq!(variant_name("[redacted]"), "Redacted");
        assert_eq!(variant_name("3d_secure"), "N3dSecure");
        assert_eq!(field_name("3d_secure"), "n3d_secure");
        assert_eq!(variant_name("-"), "Dash");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("2023-08-16"), "N20230816");
        assert_eq!(variant_name("café"), "Caf");
        assert_eq!(variant_name("日本"), "ValueValue");
        assert_eq!(field_name("a.b-c d"), "a_b_c_d");
    }

    #[test]
    fn collisions_resolve_in_claim_order() {
        let mut ns = Namespace::with_reserved(&[CATCH_ALL_VARIANT]);
        assert_eq!(ns.claim(variant_name("redacted")), "Redacted");
        assert_eq!(ns.claim(variant_name("[redacted]")), "Redacted2");
        assert_eq!(ns.claim(variant_name("REDACTED")), "Redacted3");
        assert_eq!(ns.claim(variant_name("unrecognized")), "Unrecognized2");

        let mut fields = Namespace::default();
        assert_eq!(fields.claim(field_name("fooBar")), "foo_bar");
        assert_eq!(fields.claim(field_name("foo_bar")), "foo_bar_2");
        assert_eq!(fields.claim(field_name("type")), "type_");
        assert_eq!(fields.claim(field_name("type_")), "type_2");
    }
}
