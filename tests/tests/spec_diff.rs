//! The API change report (`cargo xtask spec diff`, `generated/CHANGES.md`): small
//! hand-written document pairs in `tests/specs/diff/`, one per kind of change, and
//! the real bump from 2022-11-15 to 2023-08-16.

use std::path::{Path, PathBuf};

use stripe_codegen::diff::{ApiChange, Impact, Report};
use stripe_codegen::{load, lower, pipeline};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The report between `tests/specs/diff/{kind}.old.yaml` and `{kind}.new.yaml`,
/// everything selected.
fn pair(kind: &str) -> Report {
    let dir = repo_root().join("tests/specs/diff");
    let old = dir.join(format!("{kind}.old.yaml"));
    let new = dir.join(format!("{kind}.new.yaml"));
    pipeline::diff_documents(&repo_root(), &old, &new, &["*".to_string()]).unwrap_or_else(|e| panic!("{kind}: {e}"))
}

/// The change to `item` (exactly one), as `(impact, what)`.
fn change<'r>(report: &'r Report, item: &str) -> (Impact, &'r str) {
    let found: Vec<&ApiChange> = report.changes.iter().filter(|c| c.item == item).collect();
    assert_eq!(found.len(), 1, "{item}: {found:?}\n{}", report.to_text());
    (found[0].impact, found[0].what.as_str())
}

#[test]
fn fields() {
    let report = pair("fields");
    insta::assert_snapshot!("fields", report.to_text());
    assert_eq!(change(&report, "widget::Widget.name"), (Impact::Breaking, "field removed"));
    assert_eq!(
        change(&report, "widget::Widget.color"),
        (Impact::Breaking, "field type changed: `Option<String>` → `Option<i64>`")
    );
    assert_eq!(
        change(&report, "widget::Widget.size"),
        (Impact::Breaking, "field type changed: `i64` → `Option<i64>` (now optional)")
    );
    assert_eq!(
        change(&report, "widget::Widget.note"),
        (Impact::Breaking, "field type changed: `Option<String>` → `String` (no longer nullable)")
    );
    // Required -> optional on a nullable field: the Rust type stays `Option<String>`.
    assert_eq!(
        change(&report, "widget::Widget.label"),
        (Impact::NonBreaking, "field type unchanged: `Option<String>` (now optional)")
    );
    assert_eq!(change(&report, "widget::Widget.weight"), (Impact::NonBreaking, "field added: `Option<f64>`"));
    assert_eq!(change(&report, "widget::Widget.summary"), (Impact::Documentation, "documentation changed"));
    assert_eq!(report.changes.len(), 7, "{}", report.to_text());
}

#[test]
fn enum_values() {
    let report = pair("enums");
    insta::assert_snapshot!("enums", report.to_text());
    assert_eq!(change(&report, "widget::Status::Inactive"), (Impact::Breaking, "value `inactive` removed"));
    assert_eq!(change(&report, "widget::Status::Paused"), (Impact::NonBreaking, "value `paused` added"));
    assert_eq!(report.changes.len(), 2);
}

#[test]
fn types_and_resources() {
    let report = pair("types");
    insta::assert_snapshot!("types", report.to_text());
    assert_eq!(change(&report, "gadget::Gadget"), (Impact::Breaking, "resource removed"));
    assert_eq!(change(&report, "gizmo::Gizmo"), (Impact::NonBreaking, "resource added"));
    assert_eq!(change(&report, "widget::Shape"), (Impact::Breaking, "was a struct, is now an enum"));
    assert_eq!(change(&report, "widget::Limits"), (Impact::Breaking, "struct removed"));
    assert_eq!(change(&report, "widget::Owner"), (Impact::NonBreaking, "struct added"));
    assert_eq!(change(&report, "widget::Widget.owner"), (Impact::NonBreaking, "field added: `Option<widget::Owner>`"));
}

#[test]
fn operations_and_params() {
    let report = pair("operations");
    insta::assert_snapshot!("operations", report.to_text());
    assert_eq!(change(&report, "widget::Widget::cancel()"), (Impact::Breaking, "operation removed"));
    assert_eq!(
        change(&report, "widget::Widget::delete()"),
        (Impact::NonBreaking, "operation added: `DELETE /v1/widgets/{id}`")
    );
    assert_eq!(
        change(&report, "widget::CreateParams.color"),
        (Impact::Breaking, "param type changed: `Option<String>` → `String` (now required)")
    );
    assert_eq!(
        change(&report, "widget::CreateParams.kind"),
        (Impact::Breaking, "required param added: `widget::CreateParamsKind` (a new argument of `new`)")
    );
    assert_eq!(change(&report, "widget::CreateParams.tags"), (Impact::Breaking, "param removed"));
    assert_eq!(change(&report, "widget::CreateParams.size"), (Impact::NonBreaking, "param added: `Option<i64>`"));
    // The path parameter's new name does not matter to callers: arguments are positional.
    let retrieve: Vec<&ApiChange> = report.changes.iter().filter(|c| c.item == "widget::Widget::retrieve()").collect();
    assert!(retrieve.iter().all(|c| c.impact == Impact::NonBreaking), "{retrieve:?}");
    assert_eq!(retrieve.len(), 2, "{retrieve:?}");
}

#[test]
fn identical_documents_have_no_changes() {
    let report = {
        let path = repo_root().join("tests/specs/diff/operations.old.yaml");
        pipeline::diff_documents(&repo_root(), &path, &path, &["*".to_string()]).unwrap()
    };
    assert!(report.changes.is_empty());
    assert_eq!(report.to_text().lines().count(), 1);
    assert!(report.to_markdown().contains("**0 breaking, 0 non-breaking, 0 documentation only.**"));
}

#[test]
fn a_broken_document_is_named_in_the_error() {
    let good = repo_root().join("tests/specs/diff/enums.old.yaml");
    let bad = Path::new(env!("CARGO_TARGET_TMPDIR")).join("spec-diff-bad.yaml");
    std::fs::write(&bad, "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents: {schemas: {w: {type: object, x-resourceId: w, properties: {a: {$ref: '#/components/schemas/missing'}}}}}\n").unwrap();
    let err = pipeline::diff_documents(&repo_root(), &good, &bad, &["*".to_string()]).unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with(&format!("{}: #/components/schemas/w/properties/a", bad.display())), "{text}");
}

/// The previous bump: the Identity schemas of 2022-11-15 and 2023-08-16 differ in
/// `options` and `type`.
#[test]
fn stripe_2022_11_15_to_2023_08_16() {
    let shared = repo_root().join("../shared/stripe-openapi");
    let report = pipeline::diff_documents(
        &repo_root(),
        &shared.join("2022-11-15/spec3.yaml"),
        &shared.join("2023-08-16/spec3.yaml"),
        &["identity.*".to_string()],
    )
    .unwrap();
    insta::assert_snapshot!("stripe_2022_11_15_to_2023_08_16", report.to_markdown());
    assert_eq!(report.breaking(), 4);
    assert_eq!(
        change(&report, "identity::verification_session::VerificationSession.options"),
        (
            Impact::Breaking,
            "field type changed: `identity::verification_session::Options` → \
             `Option<identity::verification_session::Options>` (now optional, now nullable)"
        )
    );
    // The documents lower the same way as the generator itself does.
    let doc = load::parse(&std::fs::read(shared.join("2022-11-15/spec3.yaml")).unwrap()).unwrap();
    let old = lower::lower(&doc, &lower::Policy::select(&["identity.*"])).unwrap();
    assert_eq!(old.api_version, report.from.api_version);
}

/// The pinned bump, as it is in `generated/CHANGES.md`: 2023-08-16 -> 2024-04-10 of
/// the Identity selection (the bump was made before `event` joined the selection).
#[test]
fn stripe_2023_08_16_to_2024_04_10() {
    let shared = repo_root().join("../shared/stripe-openapi");
    let report = pipeline::diff_documents(
        &repo_root(),
        &shared.join("2023-08-16/spec3.yaml"),
        &shared.join("2024-04-10/spec3.json"),
        &["identity.*".to_string()],
    )
    .unwrap();
    insta::assert_snapshot!("stripe_2023_08_16_to_2024_04_10", report.to_markdown());
    assert_eq!(report.breaking(), 3);
    assert_eq!(
        change(&report, "identity::verification_session::CreateParams.type_"),
        (
            Impact::Breaking,
            "param type changed: `identity::verification_session::CreateParamsType` → \
             `Option<identity::verification_session::CreateParamsType>` (now optional)"
        )
    );
    assert_eq!(
        change(&report, "identity::verification_report::VerificationReport.type_"),
        (
            Impact::Breaking,
            "field type changed: `Option<identity::verification_report::Type>` → \
             `identity::verification_report::Type` (now required)"
        )
    );
    assert_eq!(
        change(&report, "identity::verification_session::VerificationSession.provided_details"),
        (Impact::NonBreaking, "field added: `Option<identity::verification_session::ProvidedDetails>`")
    );
    assert_eq!(
        change(&report, "identity::verification_session::LastErrorCode::EmailUnverifiedOther"),
        (Impact::NonBreaking, "value `email_unverified_other` added")
    );
    assert_eq!(
        change(&report, "identity::verification_report::IdNumber.id_number"),
        (Impact::Documentation, "documentation changed")
    );
    // The same report is what the bump wrote into the generated crate.
    let changes_md = std::fs::read_to_string(repo_root().join("generated/CHANGES.md")).unwrap();
    assert!(
        changes_md.ends_with(&report.to_markdown()),
        "generated/CHANGES.md is not this report; redo the bump: `cargo xtask spec pin \
         ../shared/stripe-openapi/2023-08-16/spec3.yaml && cargo xtask codegen --select 'identity.*' && cargo \
         xtask spec pin ../shared/stripe-openapi/2024-04-10/spec3.json && cargo xtask codegen --select \
         'identity.*' && cargo xtask codegen`:\n{changes_md}"
    );
}
