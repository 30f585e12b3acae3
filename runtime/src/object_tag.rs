//! The `object` field of Stripe's objects: [`ObjectTag`], checked when decoding.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A type of Stripe object, by the value of its `object` field
/// (`identity.verification_session`). Generated types with an `object` property
/// implement it.
pub trait ObjectName {
    /// The value of `object` in every object of this type.
    const OBJECT_NAME: &'static str;
}

/// The `object` field of a `T`: always `T`'s [`OBJECT_NAME`](ObjectName::OBJECT_NAME),
/// so it holds no data.
///
/// Decoding checks it: a payload whose `object` names another type (`charge` where
/// a `identity.verification_session` is expected) is an error naming both, never a
/// `T` with the other object's fields. (A generated type defaults the field when a
/// payload has no `object` at all.) It encodes as `T::OBJECT_NAME`.
pub struct ObjectTag<T>(PhantomData<fn() -> T>);

impl<T> ObjectTag<T> {
    /// The tag of a `T`.
    pub const fn new() -> ObjectTag<T> {
        ObjectTag(PhantomData)
    }
}

impl<T: ObjectName> ObjectTag<T> {
    /// `T`'s `object` value.
    pub fn as_str(&self) -> &'static str {
        T::OBJECT_NAME
    }
}

impl<T> Default for ObjectTag<T> {
    fn default() -> ObjectTag<T> {
        ObjectTag::new()
    }
}

impl<T> Clone for ObjectTag<T> {
    fn clone(&self) -> ObjectTag<T> {
        *self
    }
}

impl<T> Copy for ObjectTag<T> {}

impl<T> PartialEq for ObjectTag<T> {
    fn eq(&self, _other: &ObjectTag<T>) -> bool {
        true
    }
}

impl<T> Eq for ObjectTag<T> {}

impl<T> Hash for ObjectTag<T> {
    fn hash<H: Hasher>(&self, _state: &mut H) {}
}

impl<T: ObjectName> fmt::Debug for ObjectTag<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(T::OBJECT_NAME, f)
    }
}

impl<T: ObjectName> fmt::Display for ObjectTag<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::OBJECT_NAME)
    }
}

impl<T: ObjectName> Serialize for ObjectTag<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(T::OBJECT_NAME)
    }
}

impl<'de, T: ObjectName> Deserialize<'de> for ObjectTag<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<ObjectTag<T>, D::Error> {
        deserializer.deserialize_str(TagVisitor(PhantomData))
    }
}

struct TagVisitor<T>(PhantomData<fn() -> T>);

impl<T: ObjectName> Visitor<'_> for TagVisitor<T> {
    type Value = ObjectTag<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the string `{}`", T::OBJECT_NAME)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<ObjectTag<T>, E> {
        if value == T::OBJECT_NAME {
            Ok(ObjectTag::new())
        } else {
            Err(E::custom(format_args!("found a `{value}` object where a `{}` object was expected", T::OBJECT_NAME)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Session {
        #[serde(default)]
        object: ObjectTag<Session>,
        id: String,
    }

    impl ObjectName for Session {
        const OBJECT_NAME: &'static str = "identity.verification_session";
    }

    #[test]
    fn another_object_is_an_error_naming_both() {
        let error = serde_json::from_str::<Session>(r#"{"object":"charge","id":"ch_1"}"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "found a `charge` object where a `identity.verification_session` object was expected at line 1 column 18"
        );
        let error = serde_json::from_str::<Session>(r#"{"object":null,"id":"vs_1"}"#).unwrap_err();
        assert!(error
            .to_string()
            .starts_with("invalid type: null, expected the string `identity.verification_session`"));
    }

    #[test]
    fn the_own_object_or_none_decodes_and_encodes_as_the_name() {
        let session: Session =
            serde_json::from_str(r#"{"object":"identity.verification_session","id":"vs_1"}"#).unwrap();
        assert_eq!(session.id, "vs_1");
        assert_eq!(
            serde_json::to_string(&session).unwrap(),
            r#"{"object":"identity.verification_session","id":"vs_1"}"#
        );
        let untagged: Session = serde_json::from_str(r#"{"id":"vs_2"}"#).unwrap();
        assert_eq!(untagged.object.as_str(), "identity.verification_session");
        assert_eq!(format!("{:?}", untagged.object), "\"identity.verification_session\"");
        assert_eq!(untagged.object.to_string(), "identity.verification_session");
    }
}
