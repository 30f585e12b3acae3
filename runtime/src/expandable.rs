use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A Stripe object: something with an `id` that [`Expandable`] can stand for.
pub trait Object {
    /// The object's id (`vs_123`).
    fn id(&self) -> &str;
}

/// A field that holds either the id of another object or, when the request asked
/// for it with `expand[]`, the object itself.
///
/// Stripe sends an id (`"last_verification_report": "vr_123"`) unless the field
/// was expanded, in which case it sends the whole object.
#[derive(Clone, Debug, PartialEq)]
pub enum Expandable<T> {
    /// The id of the object (the field was not expanded).
    Id(String),
    /// The object itself (the field was expanded).
    Object(Box<T>),
}

impl<T: Object> Expandable<T> {
    /// The id of the object, whether or not it was expanded.
    pub fn id(&self) -> &str {
        match self {
            Expandable::Id(id) => id,
            Expandable::Object(object) => object.id(),
        }
    }
}

impl<T> Expandable<T> {
    /// Whether the field holds the expanded object.
    pub fn is_object(&self) -> bool {
        matches!(self, Expandable::Object(_))
    }

    /// The expanded object, if the field was expanded.
    pub fn as_object(&self) -> Option<&T> {
        match self {
            Expandable::Id(_) => None,
            Expandable::Object(object) => Some(object),
        }
    }

    /// The expanded object, if the field was expanded.
    pub fn into_object(self) -> Option<T> {
        match self {
            Expandable::Id(_) => None,
            Expandable::Object(object) => Some(*object),
        }
    }
}

impl<T: Serialize> Serialize for Expandable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Expandable::Id(id) => serializer.serialize_str(id),
            Expandable::Object(object) => object.serialize(serializer),
        }
    }
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Expandable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(id) => Ok(Expandable::Id(id)),
            value @ serde_json::Value::Object(_) => serde_json::from_value(value)
                .map(|object| Expandable::Object(Box::new(object)))
                .map_err(D::Error::custom),
            other => {
                Err(D::Error::custom(format!("expected an id string or an expanded object, found {}", kind(&other))))
            }
        }
    }
}

fn kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Thing {
        id: String,
        size: i64,
    }

    impl Object for Thing {
        fn id(&self) -> &str {
            &self.id
        }
    }

    #[test]
    fn decodes_an_id() {
        let e: Expandable<Thing> = serde_json::from_str(r#""th_1""#).unwrap();
        assert_eq!(e, Expandable::Id("th_1".into()));
        assert_eq!(e.id(), "th_1");
        assert!(!e.is_object());
    }

    #[test]
    fn decodes_an_object_and_round_trips() {
        let e: Expandable<Thing> = serde_json::from_str(r#"{"id":"th_2","size":3}"#).unwrap();
        assert_eq!(e.as_object().unwrap().size, 3);
        assert_eq!(e.id(), "th_2");
        assert_eq!(serde_json::to_string(&e).unwrap(), r#"{"id":"th_2","size":3}"#);
    }

    #[test]
    fn rejects_other_shapes_with_a_clear_error() {
        let err = serde_json::from_str::<Expandable<Thing>>("12").unwrap_err();
        assert!(err.to_string().contains("expected an id string or an expanded object, found a number"));
        let err = serde_json::from_str::<Expandable<Thing>>(r#"{"id":"x"}"#).unwrap_err();
        assert!(err.to_string().contains("size"), "{err}");
    }
}
