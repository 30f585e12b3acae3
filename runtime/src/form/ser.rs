//! The serializer of values: [`ValueSerializer`] writes scalars as `key=value`
//! pairs, and [`Compound`] descends into structs, maps, sequences and variants.

use serde::ser::{self, Serialize};

use super::key::MapKeySerializer;
use super::number::push_js_number;
use super::{Encoder, FormError};
use crate::multipart::{capture_file, FILE_UPLOAD_TOKEN};

/// Serializes a value at the encoder's current key; `root` when that key is the
/// (empty) top level, where only structs and maps are allowed.
pub(super) struct ValueSerializer<'a, 's> {
    pub(super) enc: &'a mut Encoder<'s>,
    pub(super) root: bool,
}

impl<'a, 's> ValueSerializer<'a, 's> {
    /// Writes the pair of the current key with `value` (raw text).
    #[inline]
    fn scalar(self, found: &'static str, value: &str) -> Result<(), FormError> {
        if self.root {
            return Err(FormError::NotAStructOrMap { found });
        }
        self.enc.pair(value);
        Ok(())
    }

    fn float<F: ryu::Float>(self, value: F, is_nan: bool, is_infinite: bool, is_zero: bool) -> Result<(), FormError> {
        if self.root {
            return Err(FormError::NotAStructOrMap { found: "a number" });
        }
        if is_nan {
            return Err(self.enc.unsupported("NaN"));
        }
        if is_infinite {
            return Err(self.enc.unsupported("an infinite float"));
        }
        if is_zero {
            // Both zeros: JavaScript writes -0 as "0".
            self.enc.pair("0");
        } else {
            // At most 17 digits, a sign, a point, `e-` and 3 exponent digits.
            let mut number = String::with_capacity(24);
            push_js_number(&mut number, value);
            self.enc.pair(&number);
        }
        Ok(())
    }

    /// A compound value whose children go under the current key.
    fn compound(self) -> Compound<'a, 's> {
        let restore = self.enc.key.len();
        Compound { enc: self.enc, root: self.root, restore, index: 0 }
    }

    /// A compound value whose children go under `[variant]` (or `variant` at the
    /// top level), as serde's externally tagged JSON nests it.
    fn variant(self, variant: &'static str) -> Compound<'a, 's> {
        let restore = self.enc.key.len();
        self.enc.push_segment(self.root, variant);
        Compound { enc: self.enc, root: false, restore, index: 0 }
    }
}

/// Serializes `value` at the current key of `enc` (which is not the top level),
/// then truncates the key back to `start`.
#[inline]
fn value_at<T: ?Sized + Serialize>(enc: &mut Encoder<'_>, value: &T, start: usize) -> Result<(), FormError> {
    match value.serialize(ValueSerializer { enc: &mut *enc, root: false }) {
        Ok(()) => {
            enc.key.truncate(start);
            Ok(())
        }
        Err(err) => Err(err.under(&enc.key)),
    }
}

macro_rules! serialize_integers {
    ($($method:ident: $ty:ty),* $(,)?) => {
        $(
            #[inline]
            fn $method(self, v: $ty) -> Result<(), FormError> {
                self.scalar("a number", itoa::Buffer::new().format(v))
            }
        )*
    };
}

impl<'a, 's> ser::Serializer for ValueSerializer<'a, 's> {
    type Ok = ();
    type Error = FormError;
    type SerializeSeq = Compound<'a, 's>;
    type SerializeTuple = Compound<'a, 's>;
    type SerializeTupleStruct = Compound<'a, 's>;
    type SerializeTupleVariant = Compound<'a, 's>;
    type SerializeMap = Compound<'a, 's>;
    type SerializeStruct = Compound<'a, 's>;
    type SerializeStructVariant = Compound<'a, 's>;

    #[inline]
    fn serialize_bool(self, v: bool) -> Result<(), FormError> {
        self.scalar("a bool", if v { "true" } else { "false" })
    }

    serialize_integers! {
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64, serialize_i128: i128,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_u128: u128,
    }

    fn serialize_f32(self, v: f32) -> Result<(), FormError> {
        self.float(v, v.is_nan(), v.is_infinite(), v == 0.0)
    }

    fn serialize_f64(self, v: f64) -> Result<(), FormError> {
        self.float(v, v.is_nan(), v.is_infinite(), v == 0.0)
    }

    #[inline]
    fn serialize_char(self, v: char) -> Result<(), FormError> {
        self.scalar("a char", v.encode_utf8(&mut [0; 4]))
    }

    #[inline]
    fn serialize_str(self, v: &str) -> Result<(), FormError> {
        self.scalar("a string", v)
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<(), FormError> {
        if self.root {
            return Err(FormError::NotAStructOrMap { found: "bytes" });
        }
        Err(self.enc.unsupported("bytes"))
    }

    #[inline]
    fn serialize_none(self) -> Result<(), FormError> {
        Ok(())
    }

    #[inline]
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), FormError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), FormError> {
        self.scalar("a unit value", "")
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), FormError> {
        self.scalar("a unit struct", "")
    }

    #[inline]
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<(), FormError> {
        self.scalar("a unit variant", variant)
    }

    #[inline]
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, name: &'static str, value: &T) -> Result<(), FormError> {
        if name == FILE_UPLOAD_TOKEN {
            // A `FileUpload`: the sink writes it as a file part, or refuses it.
            if self.root {
                return Err(FormError::NotAStructOrMap { found: "a file upload" });
            }
            let enc = self.enc;
            return capture_file(value, |file| enc.sink.file(&enc.key, file)).map_err(|err| err.under(&enc.key));
        }
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), FormError> {
        let start = self.enc.key.len();
        self.enc.push_segment(self.root, variant);
        value_at(self.enc, value, start)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a, 's>, FormError> {
        if self.root {
            return Err(FormError::NotAStructOrMap { found: "a sequence" });
        }
        Ok(self.compound())
    }

    fn serialize_tuple(self, _: usize) -> Result<Compound<'a, 's>, FormError> {
        if self.root {
            return Err(FormError::NotAStructOrMap { found: "a tuple" });
        }
        Ok(self.compound())
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound<'a, 's>, FormError> {
        if self.root {
            return Err(FormError::NotAStructOrMap { found: "a tuple struct" });
        }
        Ok(self.compound())
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a, 's>, FormError> {
        Ok(self.variant(variant))
    }

    #[inline]
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a, 's>, FormError> {
        Ok(self.compound())
    }

    #[inline]
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'a, 's>, FormError> {
        Ok(self.compound())
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a, 's>, FormError> {
        Ok(self.variant(variant))
    }
}

/// A struct, map, sequence, tuple or variant being serialized.
pub(super) struct Compound<'a, 's> {
    enc: &'a mut Encoder<'s>,
    /// Whether the compound's own key is the top level (children go bare, not in brackets).
    root: bool,
    /// The key length to go back to at the end (before a variant name).
    restore: usize,
    /// The next index of a sequence; for a map, where the current entry's key starts.
    index: usize,
}

impl Compound<'_, '_> {
    #[inline]
    fn element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), FormError> {
        let start = self.enc.key.len();
        self.enc.push_index(self.index);
        self.index += 1;
        value_at(self.enc, value, start)
    }

    #[inline]
    fn field<T: ?Sized + Serialize>(&mut self, name: &'static str, value: &T) -> Result<(), FormError> {
        let start = self.enc.key.len();
        self.enc.push_segment(self.root, name);
        value_at(self.enc, value, start)
    }

    #[inline]
    fn finish(self) -> Result<(), FormError> {
        self.enc.key.truncate(self.restore);
        Ok(())
    }
}

/// The sequence-like serde traits: every element is the next index (`key[0]`, `key[1]`...).
macro_rules! indexed_compound {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Compound<'_, '_> {
            type Ok = ();
            type Error = FormError;

            fn $method<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), FormError> {
                self.element(value)
            }

            fn end(self) -> Result<(), FormError> {
                self.finish()
            }
        }
    )*};
}

indexed_compound!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// The struct-like serde traits: every field is a named key (`key[name]`).
macro_rules! named_compound {
    ($($trait:ident),*) => {$(
        impl ser::$trait for Compound<'_, '_> {
            type Ok = ();
            type Error = FormError;

            fn serialize_field<T: ?Sized + Serialize>(&mut self, name: &'static str, value: &T) -> Result<(), FormError> {
                self.field(name, value)
            }

            fn end(self) -> Result<(), FormError> {
                self.finish()
            }
        }
    )*};
}

named_compound!(SerializeStruct, SerializeStructVariant);

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = FormError;

    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), FormError> {
        let start = self.enc.key.len();
        self.index = start;
        if !self.root {
            self.enc.key.push('[');
        }
        let map_key = MapKeySerializer { key: &mut self.enc.key, map_key_len: start, sink: &*self.enc.sink };
        if let Err(err) = key.serialize(map_key) {
            return Err(err.under(&self.enc.key[..start]));
        }
        if !self.root {
            self.enc.key.push(']');
        }
        Ok(())
    }

    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), FormError> {
        value_at(self.enc, value, self.index)
    }

    fn end(self) -> Result<(), FormError> {
        self.finish()
    }
}
