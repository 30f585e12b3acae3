//! End-to-end tests of the generator and the generated crate live in `tests/tests/`.
//!
//! The repository's README is included below so that its Rust examples are doctests.
#![doc = include_str!("../../README.md")]
