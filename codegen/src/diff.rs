//! The API change report: what changed between two documents for code that uses
//! the generated crate.
//!
//! Both documents are lowered with the same policy, so the report compares the
//! crate's surface (types by Rust path, fields and params by Rust name, enum
//! values by wire value, operations by resource and method name), limited to the
//! selection. Documentation changes are left to the diff of the generated files.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::ir::{Ir, Operation, TypeDef, TypeKind, Usage};
use crate::rust_type;

/// Whether a change can break code that uses the generated crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Impact {
    /// Code that compiled may stop compiling (or decode differently).
    Breaking,
    /// Code that compiled still compiles.
    NonBreaking,
    /// Only the documentation (rustdoc) changed.
    Documentation,
}

/// One entry of the report.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ApiChange {
    /// Breaking or not.
    pub impact: Impact,
    /// What changed, by its Rust path: `identity::verification_session::VerificationSession`,
    /// `...::VerificationSession.options` for a field, `...::VerificationSession::create()`
    /// for an operation.
    pub item: String,
    /// What happened to it, one line of markdown-friendly text.
    pub what: String,
}

/// The changes between two lowered documents, breaking ones first, then
/// non-breaking ones, then documentation changes, each group in item order.
pub fn diff(old: &Ir, new: &Ir) -> Vec<ApiChange> {
    let mut changes = Vec::new();
    let (old_types, new_types) = (types(old), types(new));
    for (path, before) in &old_types {
        match new_types.get(path) {
            None => changes.push(removed(path, before.label())),
            Some(after) => compare_types(path, before, after, &mut changes),
        }
    }
    for (path, after) in &new_types {
        if !old_types.contains_key(path) {
            changes.push(ApiChange {
                impact: Impact::NonBreaking,
                item: path.clone(),
                what: format!("{} added", after.label()),
            });
        }
    }
    let (old_ops, new_ops) = (operations(old), operations(new));
    for (path, before) in &old_ops {
        match new_ops.get(path) {
            None => changes.push(removed(path, "operation")),
            Some(after) => compare_operations(path, before, after, &mut changes),
        }
    }
    for (path, after) in &new_ops {
        if !old_ops.contains_key(path) {
            let what = format!("operation added: `{}`", after.http);
            changes.push(ApiChange { impact: Impact::NonBreaking, item: path.clone(), what });
        }
    }
    changes.sort();
    changes
}

fn removed(item: &str, label: &str) -> ApiChange {
    ApiChange { impact: Impact::Breaking, item: item.to_owned(), what: format!("{label} removed") }
}

/// A type as users of the crate see it.
struct TypeView {
    docs: String,
    kind: Kind,
    usage: Usage,
    resource: bool,
    /// Fields or params by Rust name, enum values by wire value, union variants by
    /// Rust name.
    members: BTreeMap<String, Member>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Struct,
    Enum,
    Union,
}

#[derive(PartialEq, Eq)]
enum Member {
    /// A field or param: its Rust type (with `Option` and `Box`), and the spec's view.
    Field { rust_type: String, required: bool, nullable: bool, docs: String },
    /// A value of a string enum and its Rust variant.
    Value { rust_name: String },
    /// A variant of a union and its Rust type.
    Variant { rust_type: String },
}

impl TypeView {
    fn label(&self) -> &'static str {
        self.with_article().split_once(' ').map_or("", |(_, label)| label)
    }

    fn with_article(&self) -> &'static str {
        match (self.kind, self.usage, self.resource) {
            (Kind::Struct, _, true) => "a resource",
            (Kind::Struct, Usage::Request, _) => "a params type",
            (Kind::Struct, Usage::Response, _) => "a struct",
            (Kind::Enum, _, _) => "an enum",
            (Kind::Union, _, _) => "a union",
        }
    }

    fn member_label(&self) -> &'static str {
        match (self.kind, self.usage) {
            (Kind::Struct, Usage::Request) => "param",
            (Kind::Struct, Usage::Response) => "field",
            (Kind::Enum, _) => "value",
            (Kind::Union, _) => "variant",
        }
    }
}

fn types(ir: &Ir) -> BTreeMap<String, TypeView> {
    ir.types.iter().map(|def| (type_path(def), view(ir, def))).collect()
}

fn type_path(def: &TypeDef) -> String {
    report_name(&rust_type::crate_path(def))
}

fn view(ir: &Ir, def: &TypeDef) -> TypeView {
    let (kind, resource, members) = match &def.kind {
        TypeKind::Struct(s) => {
            let members = s.fields.iter().map(|f| {
                let rust_type = rust_type::field_type(ir, f, def.usage, &mut report_name);
                let field =
                    Member::Field { rust_type, required: f.required, nullable: f.nullable, docs: f.docs.clone() };
                (f.rust_name.clone(), field)
            });
            (Kind::Struct, s.resource_id.is_some(), members.collect())
        }
        TypeKind::Enum(e) => {
            let members = e.variants.iter().map(|v| (v.wire.clone(), Member::Value { rust_name: v.rust_name.clone() }));
            (Kind::Enum, false, members.collect())
        }
        TypeKind::Union(u) => {
            let members = u.variants.iter().map(|v| {
                (v.rust_name.clone(), Member::Variant { rust_type: rust_type::variant_type(ir, v, &mut report_name) })
            });
            (Kind::Union, false, members.collect())
        }
    };
    TypeView { docs: def.docs.clone(), kind, usage: def.usage, resource, members }
}

/// How the report names an item in a type: a type of the crate by its path from
/// the crate root (`shared::Address`), the runtime's and std's by their name
/// (`Timestamp`, `BTreeMap`), anything else by its path (`serde_json::Value`).
fn report_name(path: &str) -> String {
    if let Some(rest) = path.strip_prefix("crate::") {
        return rest.to_string();
    }
    if path.starts_with("stripe_runtime::") || path.starts_with("std::") {
        return path.rsplit("::").next().unwrap_or(path).to_string();
    }
    path.to_string()
}

fn compare_types(path: &str, before: &TypeView, after: &TypeView, changes: &mut Vec<ApiChange>) {
    if before.kind != after.kind || before.usage != after.usage {
        let what = format!("was {}, is now {}", before.with_article(), after.with_article());
        changes.push(ApiChange { impact: Impact::Breaking, item: path.to_owned(), what });
        return;
    }
    if before.docs != after.docs {
        changes.push(docs_changed(path));
    }
    let label = after.member_label();
    // Fields and variants by `.name`; enum values by their Rust variant.
    let item = |name: &str, member: &Member| match member {
        Member::Value { rust_name } => format!("{path}::{rust_name}"),
        Member::Field { .. } | Member::Variant { .. } => format!("{path}.{name}"),
    };
    for (name, old) in &before.members {
        match after.members.get(name) {
            None if after.kind == Kind::Enum => {
                let what = format!("value `{name}` removed");
                changes.push(ApiChange { impact: Impact::Breaking, item: item(name, old), what });
            }
            None => changes.push(removed(&item(name, old), label)),
            Some(new) if new != old => changes.push(member_change(item(name, old), label, old, new)),
            Some(_) => {}
        }
    }
    for (name, new) in &after.members {
        if before.members.contains_key(name) {
            continue;
        }
        let (impact, what) = match new {
            // A new required param is a new argument of `new`.
            Member::Field { rust_type, required: true, .. } if after.usage == Usage::Request => {
                (Impact::Breaking, format!("required {label} added: `{rust_type}` (a new argument of `new`)"))
            }
            Member::Field { rust_type, .. } => (Impact::NonBreaking, format!("{label} added: `{rust_type}`")),
            // Enums and unions are `#[non_exhaustive]`.
            Member::Value { .. } => (Impact::NonBreaking, format!("value `{name}` added")),
            Member::Variant { rust_type } => (Impact::NonBreaking, format!("{label} added: `{rust_type}`")),
        };
        changes.push(ApiChange { impact, item: item(name, new), what });
    }
}

fn docs_changed(item: &str) -> ApiChange {
    ApiChange { impact: Impact::Documentation, item: item.to_owned(), what: "documentation changed".to_owned() }
}

fn member_change(item: String, label: &str, old: &Member, new: &Member) -> ApiChange {
    let (impact, what) = match (old, new) {
        (
            Member::Field { rust_type: t0, required: r0, nullable: n0, docs: d0 },
            Member::Field { rust_type: t1, required: r1, nullable: n1, docs: d1 },
        ) if t0 == t1 && r0 == r1 && n0 == n1 && d0 != d1 => return docs_changed(&item),
        (
            Member::Field { rust_type: t0, required: r0, nullable: n0, .. },
            Member::Field { rust_type: t1, required: r1, nullable: n1, .. },
        ) => {
            let mut notes = Vec::new();
            if r0 != r1 {
                notes.push(if *r1 { "now required" } else { "now optional" });
            }
            if n0 != n1 {
                notes.push(if *n1 { "now nullable" } else { "no longer nullable" });
            }
            let notes = if notes.is_empty() { String::new() } else { format!(" ({})", notes.join(", ")) };
            if t0 == t1 {
                (Impact::NonBreaking, format!("{label} type unchanged: `{t1}`{notes}"))
            } else {
                (Impact::Breaking, format!("{label} type changed: `{t0}` → `{t1}`{notes}"))
            }
        }
        (Member::Value { rust_name: v0 }, Member::Value { rust_name: v1 }) => {
            (Impact::Breaking, format!("{label} renamed in Rust: `{v0}` → `{v1}`"))
        }
        (Member::Variant { rust_type: t0 }, Member::Variant { rust_type: t1 }) => {
            (Impact::Breaking, format!("{label} type changed: `{t0}` → `{t1}`"))
        }
        _ => (Impact::Breaking, format!("{label} changed kind")),
    };
    ApiChange { impact, item, what }
}

/// An operation as users of the crate see it.
struct OperationView {
    /// `POST /v1/identity/verification_sessions`.
    http: String,
    /// The method's arguments (`name: Type`): path parameters, then the params.
    arguments: Vec<(String, String)>,
    /// The response type.
    response: String,
    /// The rustdoc.
    docs: String,
}

fn operations(ir: &Ir) -> BTreeMap<String, OperationView> {
    ir.operations
        .iter()
        .map(|op| (format!("{}::{}()", type_path(ir.get(op.resource)), op.rust_name), op_view(ir, op)))
        .collect()
}

fn op_view(ir: &Ir, op: &Operation) -> OperationView {
    let mut arguments: Vec<(String, String)> =
        op.path_params.iter().map(|p| (p.rust_name.clone(), "&str".to_owned())).collect();
    arguments.push(("params".to_owned(), format!("&{}", type_path(ir.get(op.params)))));
    OperationView {
        http: format!("{} {}", op.method.as_str(), op.path),
        arguments,
        response: rust_type::type_ref(ir, &op.response, &mut report_name),
        docs: op.docs.clone(),
    }
}

fn compare_operations(path: &str, before: &OperationView, after: &OperationView, changes: &mut Vec<ApiChange>) {
    let mut push = |impact, what| changes.push(ApiChange { impact, item: path.to_owned(), what });
    if before.arguments != after.arguments {
        let signature = |arguments: &[(String, String)]| {
            arguments.iter().map(|(name, ty)| format!("{name}: {ty}")).collect::<Vec<_>>().join(", ")
        };
        let types = |arguments: &[(String, String)]| arguments.iter().map(|(_, ty)| ty.clone()).collect::<Vec<_>>();
        // Arguments are positional: only their types matter to callers.
        let impact =
            if types(&before.arguments) == types(&after.arguments) { Impact::NonBreaking } else { Impact::Breaking };
        let what =
            format!("arguments changed: `({})` → `({})`", signature(&before.arguments), signature(&after.arguments));
        push(impact, what);
    }
    if before.response != after.response {
        push(Impact::Breaking, format!("response type changed: `{}` → `{}`", before.response, after.response));
    }
    if before.http != after.http {
        push(Impact::NonBreaking, format!("now sends `{}` (was `{}`)", after.http, before.http));
    }
    if before.docs != after.docs {
        push(Impact::Documentation, "documentation changed".to_owned());
    }
}

/// The report of one bump: the changes and what they are between.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The old document: API version and where it came from.
    pub from: Side,
    /// The new document.
    pub to: Side,
    /// The selection both were lowered with.
    pub select: Vec<String>,
    /// The changes, breaking first.
    pub changes: Vec<ApiChange>,
}

/// One document of a report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Side {
    /// Its `info.version`.
    pub api_version: String,
    /// Its sha256, lowercase hex.
    pub sha256: String,
}

impl Report {
    /// How many changes are breaking.
    pub fn breaking(&self) -> usize {
        self.changes.iter().filter(|c| c.impact == Impact::Breaking).count()
    }

    fn count(&self, impact: Impact) -> usize {
        self.changes.iter().filter(|c| c.impact == impact).count()
    }

    fn summary(&self) -> String {
        format!(
            "{} breaking, {} non-breaking, {} documentation only.",
            self.breaking(),
            self.count(Impact::NonBreaking),
            self.count(Impact::Documentation)
        )
    }

    /// The report as plain text, one change per line.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "API changes {} → {} (selection {}): {}\n",
            self.from.api_version,
            self.to.api_version,
            self.select.join(", "),
            self.summary()
        );
        for change in &self.changes {
            let tag = match change.impact {
                Impact::Breaking => "breaking    ",
                Impact::NonBreaking => "non-breaking",
                Impact::Documentation => "docs        ",
            };
            let _ = writeln!(out, "  {tag}  {}: {}", change.item, change.what);
        }
        out
    }

    /// The report as markdown, for a reviewer.
    pub fn to_markdown(&self) -> String {
        let mut out = format!("# API changes: {} → {}\n\n", self.from.api_version, self.to.api_version);
        let _ = writeln!(
            out,
            "What changed for code that uses the generated crate between the Stripe OpenAPI documents of \
             API version `{}` (sha256 `{}`) and `{}` (sha256 `{}`), for the selection {}.",
            self.from.api_version,
            self.from.sha256,
            self.to.api_version,
            self.to.sha256,
            self.select.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", "),
        );
        let _ = writeln!(out, "\n**{}**", self.summary());
        let sections = [
            (
                Impact::Breaking,
                "Breaking",
                "Code that compiled against the previous crate may not compile, or may decode differently:",
            ),
            (Impact::NonBreaking, "Non-breaking", "Additions; code that compiled still compiles:"),
            (
                Impact::Documentation,
                "Documentation only",
                "Only the rustdoc changed (see the diff of the generated files):",
            ),
        ];
        for (impact, title, intro) in sections {
            let group: Vec<&ApiChange> = self.changes.iter().filter(|c| c.impact == impact).collect();
            if group.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n## {title}\n\n{intro}\n");
            for change in group {
                let _ = writeln!(out, "- `{}`: {}", change.item, change.what);
            }
        }
        out
    }
}
