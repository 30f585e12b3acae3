//! The Identity types and their Rust paths, as lowered from the pinned spec.
//! Names follow the official SDKs: a resource's inline types are named by their
//! path from the resource (`verification_report::DocumentDob`), schemas used by
//! several resources are in `shared`.

use std::path::Path;

use stripe_codegen::pipeline;

#[test]
fn identity_types_have_sdk_like_paths() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let generated = pipeline::generate(root, &pipeline::Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let mut paths: Vec<String> =
        generated.ir.types.iter().map(|t| format!("{}::{}", t.module.join("::"), t.name)).collect();
    paths.sort();
    let expected = [
        "identity::verification_report::Document",
        "identity::verification_report::DocumentDob",
        "identity::verification_report::DocumentError",
        "identity::verification_report::DocumentErrorCode",
        "identity::verification_report::DocumentExpirationDate",
        "identity::verification_report::DocumentIssuedDate",
        "identity::verification_report::DocumentStatus",
        "identity::verification_report::DocumentType",
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
        "identity::verification_session::OptionsIdNumber",
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
fn resources_are_reexported_from_their_namespace() {
    // Compiles only if the paths exist; the assertion checks the constants.
    assert_eq!(stripe_api::identity::VerificationSession::OBJECT_NAME, "identity.verification_session");
    assert_eq!(stripe_api::identity::VerificationReport::OBJECT_NAME, "identity.verification_report");
    assert_eq!(stripe_api::API_VERSION, "2023-08-16");
}
