//! The Stripe code generator: a compiler from the Stripe OpenAPI document to a
//! Rust crate.
//!
//! The stages are separate and each has its own module:
//! - [`load`]: bytes -> checked `openapiv3` document;
//! - [`lower`]: document + selection -> [`ir::Ir`], plain data;
//! - [`emit`]: IR -> the generated crate's files (one emitter per kind of item);
//! - [`output`]: writing, checking and removing files in the output directory.
//!
//! Every failure is an [`Error`] that names the JSON pointer (or file) it is about.

#![warn(missing_docs)]

pub mod changelog;
pub mod config;
pub mod diff;
pub mod docs;
pub mod emit;
pub mod error;
pub mod ir;
pub mod load;
pub mod lower;
pub mod names;
pub mod output;
pub mod owners;
pub mod pipeline;
pub mod prune;
pub mod refs;
pub mod rust_type;
mod threads;
pub mod whole;

pub use error::{Error, Location, Result};
