//! Identity params shared by the tests that send them (`form_oracle.rs` compares
//! their encoding with stripe-node's, `identity_http.rs` sends them over HTTP).

use stripe_api::identity::verification_session::{
    CreateParams, CreateParamsOptions, CreateParamsOptionsDocument,
    CreateParamsOptionsDocumentAllowedTypes as CreateAllowedTypes, CreateParamsProvidedDetails, CreateParamsType,
    UpdateParams, UpdateParamsOptions, UpdateParamsOptionsDocument,
    UpdateParamsOptionsDocumentAllowedTypes as AllowedTypes, UpdateParamsProvidedDetails, UpdateParamsType,
};

/// A create of a VerificationSession with every field of API version 2024-04-10
/// set (the oracle's `vs_create_all_fields`). The API wants `type` or
/// `verification_flow`; the encoder sends both when both are set.
pub fn create_all_fields() -> CreateParams {
    CreateParams::new()
        .client_reference_id("user_42")
        .expand(["last_verification_report", "verified_outputs.dob"])
        .metadata([("order_id", "ord_42"), ("user_id", "usr_7")])
        .options(
            CreateParamsOptions::new().document(
                CreateParamsOptionsDocument::new()
                    .allowed_types([
                        CreateAllowedTypes::DrivingLicense,
                        CreateAllowedTypes::IdCard,
                        CreateAllowedTypes::Passport,
                    ])
                    .require_id_number(true)
                    .require_live_capture(false)
                    .require_matching_selfie(true),
            ),
        )
        .provided_details(CreateParamsProvidedDetails::new().email("jenny.rosen@example.com").phone("+15555550100"))
        .return_url("https://example.com/return")
        .type_(CreateParamsType::Document)
        .verification_flow("vf_1OPouwJN5vQBdWEx")
}

/// An update of a VerificationSession with every field of API version 2024-04-10
/// set (the oracle's `vs_update_all_fields`).
pub fn update_all_fields() -> UpdateParams {
    UpdateParams::new()
        .expand(["last_error", "last_verification_report"])
        .metadata([("order_id", "ord_43"), ("user_id", "usr_8")])
        .options(
            UpdateParamsOptions::new().document(
                UpdateParamsOptionsDocument::new()
                    .allowed_types([AllowedTypes::IdCard, AllowedTypes::Passport, AllowedTypes::DrivingLicense])
                    .require_id_number(false)
                    .require_live_capture(true)
                    .require_matching_selfie(false),
            ),
        )
        .provided_details(UpdateParamsProvidedDetails::new().email("jenny@example.org").phone("+442071838750"))
        .type_(UpdateParamsType::IdNumber)
}
