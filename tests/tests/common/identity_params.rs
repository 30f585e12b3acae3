//! Identity params shared by the tests that send them (`form_oracle.rs` compares
//! their encoding with stripe-node's, `identity_http.rs` sends them over HTTP).

use stripe_api::identity::verification_session::{
    UpdateParams, UpdateParamsOptions, UpdateParamsOptionsDocument,
    UpdateParamsOptionsDocumentAllowedTypes as AllowedTypes, UpdateParamsType,
};

/// An update of a VerificationSession with every field set (the oracle's
/// `vs_update_all_fields`).
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
        .type_(UpdateParamsType::IdNumber)
}
