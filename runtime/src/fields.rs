//! Encoding and decoding the generated structs: the loops over fields live here,
//! once, and each generated struct only names its fields.
//!
//! A generated `Serialize` impl writes its fields through a [`FieldWriter`]: the
//! output is `#[derive(Serialize)]`'s (every field, in declaration order), without
//! an early return per field to compile.
//!
//! A generated `Deserialize` impl declares the struct's [`FieldSlots`]: a struct
//! with an `Option` per field, that [`decode_struct`] fills key by key and then
//! turns into the value. This is what `#[derive(Deserialize)]` would do, with
//! much less code per struct for the compiler to check (no field enum with its
//! visitors, no sequence form, no early return per field): with [`FieldWriter`]
//! it takes about 30% off the build of the whole-API crate compared with serde's
//! derives (see the repository's `BENCHMARKS.md`), and it decodes the same.
//!
//! Behaviour, as serde's derive: unknown keys are skipped, a key given twice is
//! an error, a missing field is an error unless its type is an `Option` (then it
//! is `None`) or it has a default, and a value of another type than an object is
//! an error that names the struct. Only objects decode (not arrays of the fields
//! in order, which JSON never has).
//!
//! ```
//! use serde::{Deserialize, Deserializer};
//! use stripe_runtime::fields::{decode_struct, FieldSlots, FieldValue, MissingField};
//!
//! #[derive(Debug, PartialEq)]
//! struct Card {
//!     brand: String,
//!     last4: Option<String>,
//! }
//!
//! impl<'de> Deserialize<'de> for Card {
//!     fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
//!         #[derive(Default)]
//!         struct Slots {
//!             brand: Option<String>,
//!             last4: Option<Option<String>>,
//!         }
//!
//!         impl<'a> FieldSlots<'a> for Slots {
//!             type Value = Card;
//!
//!             fn fill<V: FieldValue<'a>>(&mut self, key: &str, value: V) -> Result<(), V::Error> {
//!                 match key {
//!                     "brand" => value.fill(&mut self.brand),
//!                     "last4" => value.fill(&mut self.last4),
//!                     _ => value.skip(),
//!                 }
//!             }
//!
//!             fn finish(self) -> Result<Card, MissingField> {
//!                 Ok(Card {
//!                     brand: self.brand.ok_or(MissingField("brand"))?,
//!                     last4: self.last4.flatten(),
//!                 })
//!             }
//!         }
//!
//!         decode_struct::<D, Slots>(deserializer, "Card")
//!     }
//! }
//!
//! let card: Card = serde_json::from_str(r#"{"brand":"visa","funding":"credit"}"#).unwrap();
//! assert_eq!(card, Card { brand: "visa".into(), last4: None });
//! let err = serde_json::from_str::<Card>(r#"{"last4":"4242"}"#).unwrap_err();
//! assert_eq!(err.to_string(), "missing field `brand` at line 1 column 16");
//! ```

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeStruct, Serializer};
use serde::Deserialize;

/// Writes a struct's fields with a serializer: [`field`](FieldWriter::field) for
/// each, then [`end`](FieldWriter::end), which returns the first error if there
/// was one (the fields after it are not written).
///
/// ```
/// use serde::{Serialize, Serializer};
/// use stripe_runtime::fields::FieldWriter;
///
/// struct Card {
///     brand: String,
///     last4: Option<String>,
/// }
///
/// impl Serialize for Card {
///     fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
///         let mut fields = FieldWriter::new(serializer, "Card", 2);
///         fields.field("brand", &self.brand);
///         fields.field("last4", &self.last4);
///         fields.end()
///     }
/// }
///
/// let card = Card { brand: "visa".into(), last4: None };
/// assert_eq!(serde_json::to_string(&card).unwrap(), r#"{"brand":"visa","last4":null}"#);
/// ```
pub struct FieldWriter<S: Serializer> {
    state: Result<S::SerializeStruct, S::Error>,
}

impl<S: Serializer> FieldWriter<S> {
    /// Starts the struct `name` of `len` fields.
    pub fn new(serializer: S, name: &'static str, len: usize) -> Self {
        FieldWriter { state: serializer.serialize_struct(name, len) }
    }

    /// Writes the field `key`, unless an earlier field failed.
    pub fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        if let Ok(state) = &mut self.state {
            if let Err(err) = state.serialize_field(key, value) {
                self.state = Err(err);
            }
        }
    }

    /// Ends the struct; the first error of a field if one failed.
    pub fn end(self) -> Result<S::Ok, S::Error> {
        self.state?.end()
    }
}

/// The fields of a struct being decoded: one `Option` slot per field.
pub trait FieldSlots<'de>: Default {
    /// The struct the slots make.
    type Value;

    /// Decodes the value of the object's `key` into its slot with
    /// [`FieldValue::fill`], or skips it ([`FieldValue::skip`]) when the struct
    /// has no such field.
    fn fill<V: FieldValue<'de>>(&mut self, key: &str, value: V) -> Result<(), V::Error>;

    /// The struct, once every key was read: fails naming the first required field
    /// that was absent.
    fn finish(self) -> Result<Self::Value, MissingField>;
}

/// A required field that the object did not have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MissingField(pub &'static str);

/// The value of one key of the object being decoded, given to
/// [`FieldSlots::fill`].
pub trait FieldValue<'de> {
    /// The deserializer's error.
    type Error: de::Error;

    /// Decodes the value into `slot`; fails if the slot was already filled (the
    /// key was given twice).
    fn fill<T: DeserializeOwned>(self, slot: &mut Option<T>) -> Result<(), Self::Error>;

    /// Reads past the value: the struct has no field of this name.
    fn skip(self) -> Result<(), Self::Error>;
}

/// Decodes a struct named `name` (for error messages) from an object, key by key
/// into `F`'s slots.
pub fn decode_struct<'de, D, F>(deserializer: D, name: &'static str) -> Result<F::Value, D::Error>
where
    D: Deserializer<'de>,
    F: FieldSlots<'de>,
{
    deserializer.deserialize_map(StructVisitor::<F> { name, slots: PhantomData })
}

struct StructVisitor<F> {
    name: &'static str,
    slots: PhantomData<F>,
}

impl<'de, F: FieldSlots<'de>> Visitor<'de> for StructVisitor<F> {
    type Value = F::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", self.name)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<F::Value, A::Error> {
        let mut slots = F::default();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            slots.fill(key.as_str(), MapValue { map: &mut map, key: key.as_str() })?;
        }
        slots.finish().map_err(|MissingField(field)| de::Error::missing_field(field))
    }
}

/// The value of the current key of a [`MapAccess`].
struct MapValue<'m, 'k, A> {
    map: &'m mut A,
    key: &'k str,
}

impl<'de, A: MapAccess<'de>> FieldValue<'de> for MapValue<'_, '_, A> {
    type Error = A::Error;

    fn fill<T: DeserializeOwned>(self, slot: &mut Option<T>) -> Result<(), A::Error> {
        if slot.is_some() {
            return Err(de::Error::custom(format_args!("duplicate field `{}`", self.key)));
        }
        *slot = Some(self.map.next_value()?);
        Ok(())
    }

    fn skip(self) -> Result<(), A::Error> {
        self.map.next_value::<IgnoredAny>().map(|_| ())
    }
}

/// An object's key: borrowed from the input when it can be (no escapes), else
/// owned.
enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(key) => key,
            Key::Owned(key) => key,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
        Ok(Key::Borrowed(key))
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
        Ok(Key::Owned(key.to_owned()))
    }

    fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
        Ok(Key::Owned(key))
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{decode_struct, FieldSlots, FieldValue, FieldWriter, MissingField};

    /// A struct as the generator writes it: a required field, an optional one and
    /// one renamed on the wire.
    #[derive(Debug, PartialEq)]
    struct Thing {
        id: String,
        note: Option<String>,
        type_: u32,
    }

    impl Serialize for Thing {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut fields = FieldWriter::new(serializer, "Thing", 3);
            fields.field("id", &self.id);
            fields.field("note", &self.note);
            fields.field("type", &self.type_);
            fields.end()
        }
    }

    impl<'de> Deserialize<'de> for Thing {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            #[derive(Default)]
            struct Slots {
                id: Option<String>,
                note: Option<Option<String>>,
                type_: Option<u32>,
            }

            impl<'a> FieldSlots<'a> for Slots {
                type Value = Thing;

                fn fill<V: FieldValue<'a>>(&mut self, key: &str, value: V) -> Result<(), V::Error> {
                    match key {
                        "id" => value.fill(&mut self.id),
                        "note" => value.fill(&mut self.note),
                        "type" => value.fill(&mut self.type_),
                        _ => value.skip(),
                    }
                }

                fn finish(self) -> Result<Thing, MissingField> {
                    Ok(Thing {
                        id: self.id.ok_or(MissingField("id"))?,
                        note: self.note.flatten(),
                        type_: self.type_.ok_or(MissingField("type"))?,
                    })
                }
            }

            decode_struct::<D, Slots>(deserializer, "Thing")
        }
    }

    fn decode(json: &str) -> Result<Thing, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn fields_decode_by_their_wire_names_in_any_order() {
        let thing = Thing { id: "t_1".into(), note: Some("hi".into()), type_: 3 };
        assert_eq!(decode(r#"{"type":3,"note":"hi","id":"t_1"}"#), Ok(thing));
        // Escaped keys are not borrowed from the input, and still match.
        assert_eq!(decode(r#"{"\u0069d":"t_2","type":1}"#).unwrap().id, "t_2");
    }

    #[test]
    fn optional_fields_may_be_null_or_absent_and_unknown_keys_are_skipped() {
        let expected = Ok(Thing { id: "t_1".into(), note: None, type_: 0 });
        assert_eq!(decode(r#"{"id":"t_1","type":0}"#), expected);
        assert_eq!(decode(r#"{"id":"t_1","note":null,"type":0,"extra":{"deep":[1,{"x":null}]}}"#), expected);
    }

    /// What `#[derive(Deserialize)]` makes of the same struct.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Derived {
        id: String,
        note: Option<String>,
        #[serde(rename = "type")]
        type_: u32,
    }

    #[test]
    fn errors_are_serde_derives_errors() {
        for json in [
            r#"{"id":"t_1"}"#,
            r#"{"id":"t_1","type":-1}"#,
            r#""t_1""#,
            r#"{"id":7,"type":0}"#,
            r#"{"id":"t_1","type":0"#,
            r#"{"id":"t_1","note":{},"type":0}"#,
        ] {
            let derived = serde_json::from_str::<Derived>(json).unwrap_err().to_string();
            assert_eq!(decode(json).unwrap_err().replace("Thing", "Derived"), derived, "{json}");
        }
        // The derive also takes an array of the fields in order, which Stripe never sends.
        assert_eq!(
            decode(r#"["t_1",null,0]"#).unwrap_err(),
            "invalid type: sequence, expected struct Thing at line 1 column 0"
        );
        // The derive reports a duplicate after its `:`, one column later.
        assert_eq!(
            decode(r#"{"id":"t_1","id":"t_2","type":0}"#).unwrap_err(),
            "duplicate field `id` at line 1 column 16"
        );
    }

    #[test]
    fn fields_encode_in_order_under_their_wire_names() {
        let thing = Thing { id: "t_1".into(), note: None, type_: 2 };
        assert_eq!(serde_json::to_string(&thing).unwrap(), r#"{"id":"t_1","note":null,"type":2}"#);
        assert_eq!(crate::form::encode(&thing).unwrap(), "id=t_1&type=2");
        assert_eq!(decode(&serde_json::to_string(&thing).unwrap()), Ok(thing));
    }

    #[test]
    fn the_first_failing_field_is_the_error() {
        struct Bad;
        impl Serialize for Bad {
            fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("bad field"))
            }
        }
        struct Two(Bad, f64);
        impl Serialize for Two {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut fields = FieldWriter::new(serializer, "Two", 2);
                fields.field("bad", &self.0);
                fields.field("nan", &self.1);
                fields.end()
            }
        }
        let err = crate::form::encode(&Two(Bad, f64::NAN)).unwrap_err();
        assert_eq!(err.to_string(), "bad field (at `bad`)");
    }
}
