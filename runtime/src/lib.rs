//! Hand-written runtime for the generated Stripe crate.
//!
//! The generator emits one crate per spec and selection; everything that does not
//! depend on the spec lives here once, instead of being emitted into every
//! generated crate: [`Expandable`] fields, [`Timestamp`]s, Stripe [`List`] objects
//! and the serde plumbing of string enums ([`wire_enum!`]).

#![warn(missing_docs)]

mod expandable;
mod list;
mod timestamp;
mod wire_enum;

pub use expandable::{Expandable, Object};
pub use list::List;
pub use timestamp::Timestamp;

#[doc(hidden)]
pub mod __private {
    pub use serde;
}
