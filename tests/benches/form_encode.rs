//! Encoding a fully populated Identity `CreateParams`: our form encoder
//! (`stripe_runtime::form::encode`) against `serde_qs` (what async-stripe uses),
//! on the same value in the same run.
//!
//! Run: `cargo bench -p stripe-tests --bench form_encode`. Figures: `BENCHMARKS.md`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use stripe_api::identity::verification_session::{
    CreateParams, CreateParamsOptions, CreateParamsOptionsDocument, CreateParamsOptionsDocumentAllowedTypes,
    CreateParamsType,
};

/// Every field set: two expansions, three metadata keys, every document option.
fn full_create_params() -> CreateParams {
    use CreateParamsOptionsDocumentAllowedTypes::{DrivingLicense, IdCard, Passport};
    CreateParams::new()
        .type_(CreateParamsType::Document)
        .expand(["last_verification_report", "verified_outputs.dob"])
        .metadata([("order_id", "ord_42"), ("user_id", "usr_7"), ("note", "vérifié & approuvé")])
        .options(
            CreateParamsOptions::new().document(
                CreateParamsOptionsDocument::new()
                    .allowed_types([DrivingLicense, IdCard, Passport])
                    .require_id_number(true)
                    .require_live_capture(false)
                    .require_matching_selfie(true),
            ),
        )
        .return_url("https://example.com/return?session={CHECKOUT_SESSION_ID}")
}

fn encode(c: &mut Criterion) {
    let params = full_create_params();
    // Both encoders must handle the value (their bytes differ: serde_qs escapes brackets).
    let ours = stripe_runtime::form::encode(&params).unwrap();
    let theirs = serde_qs::to_string(&params).unwrap();
    assert!(ours.len() > 300 && theirs.len() > 300, "{ours}\n{theirs}");
    eprintln!("encoded sizes: form::encode {} bytes, serde_qs {} bytes", ours.len(), theirs.len());

    let mut group = c.benchmark_group("identity_create_params");
    group.bench_function("stripe_runtime::form::encode", |b| {
        b.iter(|| stripe_runtime::form::encode(black_box(&params)).unwrap())
    });
    group.bench_function("serde_qs::to_string", |b| b.iter(|| serde_qs::to_string(black_box(&params)).unwrap()));
    group.finish();
}

criterion_group!(benches, encode);
criterion_main!(benches);
