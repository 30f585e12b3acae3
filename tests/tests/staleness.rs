//! `generated/` must be exactly what the generator produces from the pinned spec.

use std::path::Path;

use stripe_codegen::{output, pipeline};

#[test]
fn generated_crate_is_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let generated = pipeline::generate(root, &pipeline::Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let changes = output::plan(&generated.files, &generated.out_dir).unwrap();
    assert!(
        changes.is_empty(),
        "generated/ is stale: these files differ from what the generator produces:\n  {}\nrun `cargo xtask codegen` and commit the result",
        changes.lines().join("\n  ")
    );
}
