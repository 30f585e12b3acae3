//! The Identity types and their Rust paths, as lowered from the pinned spec
//! (API version 2024-04-10). Names follow the official SDKs: a resource's inline
//! types are named by their path from the resource (`verification_report::DocumentDob`),
//! schemas used by several resources are in `shared`.
//!
//! Only the `identity` modules and `shared` are checked: other selected resources
//! (such as `event`) have tests of their own.

use std::path::Path;

use stripe_codegen::ir::{Ir, ParamsIn, TypeKind, TypeRef, Usage};
use stripe_codegen::pipeline;

fn identity_ir() -> Ir {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    pipeline::generate(root, &pipeline::Options::default()).unwrap_or_else(|e| panic!("{e}")).ir
}

/// Whether a module path is one this file checks: `identity::*` or `shared`.
fn is_identity_or_shared(module: &[String]) -> bool {
    matches!(module.first().map(String::as_str), Some("identity" | "shared"))
}

fn type_paths(ir: &Ir, usage: Usage) -> Vec<String> {
    let mut paths: Vec<String> = ir
        .types
        .iter()
        .filter(|t| t.usage == usage && is_identity_or_shared(&t.module))
        .map(|t| format!("{}::{}", t.module.join("::"), t.name))
        .collect();
    paths.sort();
    paths
}

#[test]
fn identity_types_have_sdk_like_paths() {
    let paths = type_paths(&identity_ir(), Usage::Response);
    let expected = [
        "identity::verification_report::Document",
        "identity::verification_report::DocumentDob",
        "identity::verification_report::DocumentError",
        "identity::verification_report::DocumentErrorCode",
        "identity::verification_report::DocumentExpirationDate",
        "identity::verification_report::DocumentIssuedDate",
        "identity::verification_report::DocumentStatus",
        "identity::verification_report::DocumentType",
        "identity::verification_report::Email",
        "identity::verification_report::EmailError",
        "identity::verification_report::EmailErrorCode",
        "identity::verification_report::EmailStatus",
        "identity::verification_report::IdNumber",
        "identity::verification_report::IdNumberDob",
        "identity::verification_report::IdNumberError",
        "identity::verification_report::IdNumberErrorCode",
        "identity::verification_report::IdNumberIdNumberType",
        "identity::verification_report::IdNumberStatus",
        "identity::verification_report::Options",
        "identity::verification_report::OptionsDocument",
        "identity::verification_report::OptionsDocumentAllowedTypes",
        "identity::verification_report::OptionsIdNumber",
        "identity::verification_report::Phone",
        "identity::verification_report::PhoneError",
        "identity::verification_report::PhoneErrorCode",
        "identity::verification_report::PhoneStatus",
        "identity::verification_report::Selfie",
        "identity::verification_report::SelfieError",
        "identity::verification_report::SelfieErrorCode",
        "identity::verification_report::SelfieStatus",
        "identity::verification_report::Type",
        "identity::verification_report::VerificationReport",
        "identity::verification_session::LastError",
        "identity::verification_session::LastErrorCode",
        "identity::verification_session::Options",
        "identity::verification_session::OptionsDocument",
        "identity::verification_session::OptionsDocumentAllowedTypes",
        "identity::verification_session::OptionsEmail",
        "identity::verification_session::OptionsIdNumber",
        "identity::verification_session::OptionsPhone",
        "identity::verification_session::ProvidedDetails",
        "identity::verification_session::Redaction",
        "identity::verification_session::RedactionStatus",
        "identity::verification_session::Status",
        "identity::verification_session::Type",
        "identity::verification_session::VerificationSession",
        "identity::verification_session::VerifiedOutputs",
        "identity::verification_session::VerifiedOutputsDob",
        "identity::verification_session::VerifiedOutputsIdNumberType",
        "shared::Address",
    ];
    assert_eq!(paths, expected);
}

#[test]
fn identity_params_types_are_named_by_operation_and_path() {
    let paths = type_paths(&identity_ir(), Usage::Request);
    let expected = [
        "identity::verification_report::ListParams",
        "identity::verification_report::ListParamsType",
        "identity::verification_report::RetrieveParams",
        "identity::verification_session::CancelParams",
        "identity::verification_session::CreateParams",
        "identity::verification_session::CreateParamsOptions",
        "identity::verification_session::CreateParamsOptionsDocument",
        "identity::verification_session::CreateParamsOptionsDocumentAllowedTypes",
        "identity::verification_session::CreateParamsProvidedDetails",
        "identity::verification_session::CreateParamsType",
        "identity::verification_session::ListParams",
        "identity::verification_session::ListParamsStatus",
        "identity::verification_session::RedactParams",
        "identity::verification_session::RetrieveParams",
        "identity::verification_session::UpdateParams",
        "identity::verification_session::UpdateParamsOptions",
        "identity::verification_session::UpdateParamsOptionsDocument",
        "identity::verification_session::UpdateParamsOptionsDocumentAllowedTypes",
        "identity::verification_session::UpdateParamsProvidedDetails",
        "identity::verification_session::UpdateParamsType",
    ];
    assert_eq!(paths, expected);
}

/// The fields of every Identity params struct (wire names, `!` when required), as
/// the 2024-04-10 document lists them: `type` is no longer required on create, and
/// `client_reference_id`, `provided_details` and `verification_flow` are new.
#[test]
fn identity_params_fields_follow_the_pinned_document() {
    let ir = identity_ir();
    let mut structs: Vec<String> = ir
        .types
        .iter()
        .filter(|t| t.usage == Usage::Request && is_identity_or_shared(&t.module))
        .filter_map(|t| match &t.kind {
            TypeKind::Struct(s) => {
                let fields: Vec<String> =
                    s.fields.iter().map(|f| format!("{}{}", f.wire_name, if f.required { "!" } else { "" })).collect();
                Some(format!("{}::{}: {}", t.module.last().unwrap(), t.name, fields.join(" ")))
            }
            _ => None,
        })
        .collect();
    structs.sort();
    let expected = [
        "verification_report::ListParams: client_reference_id created ending_before expand limit starting_after type verification_session",
        "verification_report::RetrieveParams: expand",
        "verification_session::CancelParams: expand",
        "verification_session::CreateParams: client_reference_id expand metadata options provided_details return_url type verification_flow",
        "verification_session::CreateParamsOptions: document",
        "verification_session::CreateParamsOptionsDocument: allowed_types require_id_number require_live_capture require_matching_selfie",
        "verification_session::CreateParamsProvidedDetails: email phone",
        "verification_session::ListParams: client_reference_id created ending_before expand limit starting_after status",
        "verification_session::RedactParams: expand",
        "verification_session::RetrieveParams: expand",
        "verification_session::UpdateParams: expand metadata options provided_details type",
        "verification_session::UpdateParamsOptions: document",
        "verification_session::UpdateParamsOptionsDocument: allowed_types require_id_number require_live_capture require_matching_selfie",
        "verification_session::UpdateParamsProvidedDetails: email phone",
    ];
    assert_eq!(structs, expected);
}

/// Every Identity operation: its resource module, method name, HTTP method and
/// path, path parameters, params type, where the params go, and the response.
#[test]
fn identity_operations_are_lowered_from_paths() {
    let ir = identity_ir();
    let describe = |ty: &TypeRef| match ty {
        TypeRef::Named(id) => ir.get(*id).name.clone(),
        TypeRef::List(item) => match item.as_ref() {
            TypeRef::Named(id) => format!("List<{}>", ir.get(*id).name),
            other => format!("List<{other:?}>"),
        },
        other => format!("{other:?}"),
    };
    let operations: Vec<String> = ir
        .operations
        .iter()
        .filter(|op| is_identity_or_shared(&op.module))
        .map(|op| {
            let path_params: Vec<&str> = op.path_params.iter().map(|p| p.rust_name.as_str()).collect();
            let params_in = match op.params_in {
                ParamsIn::Query => "query",
                ParamsIn::Body => "body",
                ParamsIn::Multipart => "multipart",
            };
            format!(
                "{}::{}({}) {} {} params={} in {} -> {}",
                op.module.join("::"),
                op.rust_name,
                path_params.join(", "),
                op.method.as_str(),
                op.path,
                ir.get(op.params).name,
                params_in,
                describe(&op.response)
            )
        })
        .collect();
    let expected = [
        "identity::verification_report::list() GET /v1/identity/verification_reports params=ListParams in query -> List<VerificationReport>",
        "identity::verification_report::retrieve(report) GET /v1/identity/verification_reports/{report} params=RetrieveParams in query -> VerificationReport",
        "identity::verification_session::list() GET /v1/identity/verification_sessions params=ListParams in query -> List<VerificationSession>",
        "identity::verification_session::create() POST /v1/identity/verification_sessions params=CreateParams in body -> VerificationSession",
        "identity::verification_session::retrieve(session) GET /v1/identity/verification_sessions/{session} params=RetrieveParams in query -> VerificationSession",
        "identity::verification_session::update(session) POST /v1/identity/verification_sessions/{session} params=UpdateParams in body -> VerificationSession",
        "identity::verification_session::cancel(session) POST /v1/identity/verification_sessions/{session}/cancel params=CancelParams in body -> VerificationSession",
        "identity::verification_session::redact(session) POST /v1/identity/verification_sessions/{session}/redact params=RedactParams in body -> VerificationSession",
    ];
    assert_eq!(operations, expected);
}

#[test]
fn resources_are_reexported_from_their_namespace() {
    // Compiles only if the paths exist; the assertion checks the constants.
    assert_eq!(stripe_api::identity::VerificationSession::OBJECT_NAME, "identity.verification_session");
    assert_eq!(stripe_api::identity::VerificationReport::OBJECT_NAME, "identity.verification_report");
    assert_eq!(stripe_api::API_VERSION, "2024-04-10");
}
