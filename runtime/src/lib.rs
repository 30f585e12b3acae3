//! Hand-written runtime for the generated Stripe crate.
//!
//! The generator emits one crate per spec and selection; everything that does not
//! depend on the spec lives here once, instead of being emitted into every
//! generated crate: [`Expandable`] fields, [`Timestamp`]s, Stripe [`List`] objects
//! and the serde plumbing of string enums ([`wire_enum!`]).
//!
//! For requests: the [`form`] encoder turns params structs into Stripe's
//! `application/x-www-form-urlencoded` query strings and bodies, [`Clearable`]
//! params unset a field with Stripe's empty-value convention, and [`RangeQuery`]
//! (with [`RangeBounds`]) expresses range filters such as `created[gte]=...`.

#![warn(missing_docs)]

mod expandable;
pub mod form;
mod list;
mod params;
mod timestamp;
mod wire_enum;

pub use expandable::{Expandable, Object};
pub use list::List;
pub use params::{Clearable, RangeBounds, RangeQuery};
pub use timestamp::Timestamp;

#[doc(hidden)]
pub mod __private {
    pub use serde;
}
