//! The pinned document as JSON generates exactly what it generates as YAML.

use std::path::Path;

use stripe_codegen::pipeline;

#[test]
fn json_and_yaml_documents_generate_the_same_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let yaml_path = root.join("../shared/stripe-openapi/2023-08-16/spec3.yaml");
    let yaml = std::fs::read(&yaml_path).unwrap_or_else(|e| panic!("{}: {e}", yaml_path.display()));
    let value: serde_json::Value = serde_yaml::from_slice(&yaml).unwrap();
    let json_path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("spec3.json");
    std::fs::write(&json_path, serde_json::to_vec(&value).unwrap()).unwrap();

    let from_yaml = pipeline::generate(root, &pipeline::Options::default()).unwrap();
    let options = pipeline::Options { spec: Some(json_path), ..Default::default() };
    let mut from_json = pipeline::generate(root, &options).unwrap();
    assert!(from_yaml.files.len() > 5);
    // Other bytes, so a "bump" from the pinned YAML, whose report is empty.
    let report = from_json.report.take().expect("a report: the JSON document has another sha256");
    assert!(report.changes.is_empty(), "{}", report.to_text());
    let without_report = |files: &stripe_codegen::emit::Files| {
        files
            .iter()
            .filter(|(path, _)| path.as_str() != "CHANGES.md")
            .map(|(p, c)| (p.clone(), c.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(without_report(&from_yaml.files), without_report(&from_json.files));
}
