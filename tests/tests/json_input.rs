//! The pinned document (JSON) as YAML generates exactly what it generates as JSON.

use std::path::Path;

use stripe_codegen::pipeline;

#[test]
fn json_and_yaml_documents_generate_the_same_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let json_path = root.join("../shared/stripe-openapi/2024-04-10/spec3.json");
    let json = std::fs::read(&json_path).unwrap_or_else(|e| panic!("{}: {e}", json_path.display()));
    let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let yaml_path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("spec3.yaml");
    std::fs::write(&yaml_path, serde_yaml::to_string(&value).unwrap()).unwrap();

    let from_json = pipeline::generate(root, &pipeline::Options::default()).unwrap();
    let options = pipeline::Options { spec: Some(yaml_path), ..Default::default() };
    let mut from_yaml = pipeline::generate(root, &options).unwrap();
    assert!(from_json.files.len() > 5);
    // Other bytes, so a "bump" from the pinned JSON, whose report is empty.
    let report = from_yaml.report.take().expect("a report: the YAML document has another sha256");
    assert!(report.changes.is_empty(), "{}", report.to_text());
    let without_report = |files: &stripe_codegen::emit::Files| {
        files
            .iter()
            .filter(|(path, _)| path.as_str() != "CHANGES.md")
            .map(|(p, c)| (p.clone(), c.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(without_report(&from_json.files), without_report(&from_yaml.files));
}
