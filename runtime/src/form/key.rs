//! The serializer of map keys, which writes them (escaped as the sink escapes
//! keys) onto the key of the map's entry.

use serde::ser::{self, Impossible, Serialize};

use super::{FormError, Sink};

/// Serializes a map key onto the encoder's key; `map_key_len` is the length of the
/// map's own key, for errors; text is appended as `sink` escapes it
/// ([`Sink::push_key_text`]).
pub(super) struct MapKeySerializer<'a> {
    pub(super) key: &'a mut String,
    pub(super) map_key_len: usize,
    pub(super) sink: &'a dyn Sink,
}

impl MapKeySerializer<'_> {
    fn unsupported(&self, found: &'static str) -> FormError {
        FormError::UnsupportedMapKey { key: self.key[..self.map_key_len].to_owned(), found }
    }
}

macro_rules! serialize_integer_keys {
    ($($method:ident: $ty:ty),* $(,)?) => {
        $(
            #[inline]
            fn $method(self, v: $ty) -> Result<(), FormError> {
                self.key.push_str(itoa::Buffer::new().format(v));
                Ok(())
            }
        )*
    };
}

impl ser::Serializer for MapKeySerializer<'_> {
    type Ok = ();
    type Error = FormError;
    type SerializeSeq = Impossible<(), FormError>;
    type SerializeTuple = Impossible<(), FormError>;
    type SerializeTupleStruct = Impossible<(), FormError>;
    type SerializeTupleVariant = Impossible<(), FormError>;
    type SerializeMap = Impossible<(), FormError>;
    type SerializeStruct = Impossible<(), FormError>;
    type SerializeStructVariant = Impossible<(), FormError>;

    fn serialize_bool(self, v: bool) -> Result<(), FormError> {
        self.key.push_str(if v { "true" } else { "false" });
        Ok(())
    }

    serialize_integer_keys! {
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64, serialize_i128: i128,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_u128: u128,
    }

    fn serialize_f32(self, _: f32) -> Result<(), FormError> {
        Err(self.unsupported("a float"))
    }

    fn serialize_f64(self, _: f64) -> Result<(), FormError> {
        Err(self.unsupported("a float"))
    }

    fn serialize_char(self, v: char) -> Result<(), FormError> {
        self.sink.push_key_text(self.key, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    #[inline]
    fn serialize_str(self, v: &str) -> Result<(), FormError> {
        self.sink.push_key_text(self.key, v);
        Ok(())
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<(), FormError> {
        Err(self.unsupported("bytes"))
    }

    fn serialize_none(self) -> Result<(), FormError> {
        Err(self.unsupported("an option"))
    }

    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<(), FormError> {
        Err(self.unsupported("an option"))
    }

    fn serialize_unit(self) -> Result<(), FormError> {
        Err(self.unsupported("a unit value"))
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), FormError> {
        Err(self.unsupported("a unit struct"))
    }

    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<(), FormError> {
        self.sink.push_key_text(self.key, variant);
        Ok(())
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, value: &T) -> Result<(), FormError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), FormError> {
        Err(self.unsupported("a newtype variant"))
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, FormError> {
        Err(self.unsupported("a sequence"))
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, FormError> {
        Err(self.unsupported("a tuple"))
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, FormError> {
        Err(self.unsupported("a tuple struct"))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, FormError> {
        Err(self.unsupported("a tuple variant"))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, FormError> {
        Err(self.unsupported("a map"))
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, FormError> {
        Err(self.unsupported("a struct"))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, FormError> {
        Err(self.unsupported("a struct variant"))
    }
}
