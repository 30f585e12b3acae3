//! Helper types for request params.

use serde::{Serialize, Serializer};

/// A param that can be set, or cleared with Stripe's empty-value convention.
///
/// On a params struct it is wrapped in an `Option`, which says whether the param
/// is sent at all:
///
/// - `None`: not sent; Stripe leaves the field as it is.
/// - `Some(Clearable::Set(v))`: sent as `v`.
/// - `Some(Clearable::Clear)`: sent as the empty value (`key=`), which unsets the
///   field: `metadata=` removes all metadata, `options[document]=` clears a nested
///   object.
///
/// ```
/// use stripe_runtime::{form, Clearable};
///
/// #[derive(serde::Serialize)]
/// struct UpdateParams {
///     #[serde(skip_serializing_if = "Option::is_none")]
///     description: Option<Clearable<String>>,
///     #[serde(skip_serializing_if = "Option::is_none")]
///     metadata: Option<Clearable<std::collections::BTreeMap<String, String>>>,
/// }
///
/// let params = UpdateParams { description: Some("Gold plan".to_owned().into()), metadata: Some(Clearable::Clear) };
/// assert_eq!(form::encode(&params).unwrap(), "description=Gold%20plan&metadata=");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Clearable<T> {
    /// Set the param to this value.
    Set(T),
    /// Unset the param: sends the empty string.
    Clear,
}

impl<T> From<T> for Clearable<T> {
    fn from(value: T) -> Self {
        Clearable::Set(value)
    }
}

impl<T: Serialize> Serialize for Clearable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Clearable::Set(value) => value.serialize(serializer),
            Clearable::Clear => serializer.serialize_str(""),
        }
    }
}

/// A range filter on a list param, such as `created`: either an exact value
/// (`created=123`) or bounds (`created[gte]=1&created[lt]=2`).
///
/// ```
/// use stripe_runtime::{form, RangeBounds, RangeQuery};
///
/// #[derive(serde::Serialize)]
/// struct ListParams {
///     #[serde(skip_serializing_if = "Option::is_none")]
///     created: Option<RangeQuery<i64>>,
/// }
///
/// let exact = ListParams { created: Some(RangeQuery::exact(123)) };
/// assert_eq!(form::encode(&exact).unwrap(), "created=123");
/// let between = ListParams { created: Some(RangeBounds::new().gte(1).lt(2).into()) };
/// assert_eq!(form::encode(&between).unwrap(), "created[gte]=1&created[lt]=2");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RangeQuery<T> {
    /// Exactly this value.
    Exact(T),
    /// Within these bounds.
    Bounds(RangeBounds<T>),
}

impl<T> RangeQuery<T> {
    /// Exactly `value`.
    pub fn exact(value: T) -> Self {
        RangeQuery::Exact(value)
    }

    /// Greater than `value`.
    pub fn gt(value: T) -> Self {
        RangeQuery::Bounds(RangeBounds::new().gt(value))
    }

    /// Greater than or equal to `value`.
    pub fn gte(value: T) -> Self {
        RangeQuery::Bounds(RangeBounds::new().gte(value))
    }

    /// Less than `value`.
    pub fn lt(value: T) -> Self {
        RangeQuery::Bounds(RangeBounds::new().lt(value))
    }

    /// Less than or equal to `value`.
    pub fn lte(value: T) -> Self {
        RangeQuery::Bounds(RangeBounds::new().lte(value))
    }
}

impl<T> From<RangeBounds<T>> for RangeQuery<T> {
    fn from(bounds: RangeBounds<T>) -> Self {
        RangeQuery::Bounds(bounds)
    }
}

impl<T: Serialize> Serialize for RangeQuery<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            RangeQuery::Exact(value) => value.serialize(serializer),
            RangeQuery::Bounds(bounds) => bounds.serialize(serializer),
        }
    }
}

/// The bounds of a [`RangeQuery`]; the ones that are `None` are not sent.
///
/// Serializes as a struct with the fields `gt`, `gte`, `lt`, `lte`, in that order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct RangeBounds<T> {
    /// Greater than.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gt: Option<T>,
    /// Greater than or equal to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gte: Option<T>,
    /// Less than.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lt: Option<T>,
    /// Less than or equal to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lte: Option<T>,
}

// Not derived: the derive would require `T: Default`.
impl<T> Default for RangeBounds<T> {
    fn default() -> Self {
        RangeBounds { gt: None, gte: None, lt: None, lte: None }
    }
}

impl<T> RangeBounds<T> {
    /// No bounds.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the `gt` (greater than) bound.
    pub fn gt(mut self, value: T) -> Self {
        self.gt = Some(value);
        self
    }

    /// Sets the `gte` (greater than or equal to) bound.
    pub fn gte(mut self, value: T) -> Self {
        self.gte = Some(value);
        self
    }

    /// Sets the `lt` (less than) bound.
    pub fn lt(mut self, value: T) -> Self {
        self.lt = Some(value);
        self
    }

    /// Sets the `lte` (less than or equal to) bound.
    pub fn lte(mut self, value: T) -> Self {
        self.lte = Some(value);
        self
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::form::encode;

    #[derive(Serialize)]
    struct Update {
        #[serde(skip_serializing_if = "Option::is_none")]
        description: Option<Clearable<String>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        metadata: Option<Clearable<BTreeMap<String, String>>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        options: Option<Options>,
    }

    #[derive(Serialize)]
    struct Options {
        #[serde(skip_serializing_if = "Option::is_none")]
        document: Option<Clearable<Document>>,
    }

    #[derive(Serialize)]
    struct Document {
        require_matching_selfie: bool,
    }

    #[test]
    fn clearable_set_and_clear() {
        let set = Update {
            description: Some("Gold plan".to_owned().into()),
            metadata: Some(Clearable::Set(BTreeMap::from([("k".to_owned(), "v".to_owned())]))),
            options: Some(Options { document: Some(Document { require_matching_selfie: true }.into()) }),
        };
        assert_eq!(
            encode(&set).unwrap(),
            "description=Gold%20plan&metadata[k]=v&options[document][require_matching_selfie]=true"
        );
        let clear = Update {
            description: Some(Clearable::Clear),
            metadata: Some(Clearable::Clear),
            options: Some(Options { document: Some(Clearable::Clear) }),
        };
        assert_eq!(encode(&clear).unwrap(), "description=&metadata=&options[document]=");
        let unsent = Update { description: None, metadata: None, options: Some(Options { document: None }) };
        assert_eq!(encode(&unsent).unwrap(), "");
    }

    #[test]
    fn clearable_from_and_json() {
        assert_eq!(Clearable::from(3), Clearable::Set(3));
        assert_eq!(serde_json::to_string(&Clearable::Set(3)).unwrap(), "3");
        assert_eq!(serde_json::to_string(&Clearable::<i32>::Clear).unwrap(), r#""""#);
    }

    #[derive(Serialize)]
    struct List {
        #[serde(skip_serializing_if = "Option::is_none")]
        created: Option<RangeQuery<i64>>,
        limit: u8,
    }

    fn list(created: impl Into<Option<RangeQuery<i64>>>) -> String {
        encode(&List { created: created.into(), limit: 10 }).unwrap()
    }

    #[test]
    fn range_query_exact_and_bounds() {
        assert_eq!(list(None), "limit=10");
        assert_eq!(list(RangeQuery::exact(123)), "created=123&limit=10");
        assert_eq!(list(RangeQuery::gt(1)), "created[gt]=1&limit=10");
        assert_eq!(list(RangeQuery::gte(2)), "created[gte]=2&limit=10");
        assert_eq!(list(RangeQuery::lt(3)), "created[lt]=3&limit=10");
        assert_eq!(list(RangeQuery::lte(4)), "created[lte]=4&limit=10");
        // Always gt, gte, lt, lte, whatever order they were set in.
        let all = RangeBounds::new().lte(4).lt(3).gte(2).gt(1);
        assert_eq!(list(RangeQuery::from(all)), "created[gt]=1&created[gte]=2&created[lt]=3&created[lte]=4&limit=10");
        assert_eq!(list(RangeQuery::Bounds(RangeBounds::new().gte(1).lt(2))), "created[gte]=1&created[lt]=2&limit=10");
        // No bounds at all sends nothing.
        assert_eq!(list(RangeQuery::Bounds(RangeBounds::default())), "limit=10");
    }

    #[test]
    fn range_bounds_builders_and_derives() {
        let bounds = RangeBounds::new().gt(1).lte(9);
        assert_eq!(bounds, RangeBounds { gt: Some(1), gte: None, lt: None, lte: Some(9) });
        let copy = bounds;
        assert_eq!(copy, bounds);
        assert_eq!(RangeBounds::<String>::default(), RangeBounds { gt: None, gte: None, lt: None, lte: None });
        assert_eq!(RangeQuery::from(bounds), RangeQuery::Bounds(bounds));
        assert_eq!(serde_json::to_string(&RangeQuery::gte(5)).unwrap(), r#"{"gte":5}"#);
        assert_eq!(serde_json::to_string(&RangeQuery::exact(5)).unwrap(), "5");
    }
}
