//! README.md's examples that are test files of their own: the README must show
//! each file exactly, so that what readers copy is what the tests run.

/// Files under `tests/tests/` that README.md shows whole.
const EXAMPLES: &[&str] = &["mock_example.rs"];

#[test]
fn the_readme_shows_each_example_file_exactly() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    for example in EXAMPLES {
        let code = std::fs::read_to_string(format!("{root}/tests/tests/{example}")).unwrap();
        let block = format!("```rust,ignore\n{code}```\n");
        assert!(
            readme.contains(&block),
            "README.md does not show tests/tests/{example} exactly: copy the file into its ```rust,ignore block"
        );
    }
}
