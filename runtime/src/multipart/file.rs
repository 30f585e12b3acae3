//! [`FileUpload`], and how the encoders get at its contents: it serializes as a
//! newtype struct with a private name, which the encoders recognise and take
//! apart with [`capture_file`].

use std::fmt;
use std::io;
use std::path::Path;

use serde::ser::{Impossible, Serialize, SerializeStruct, Serializer};

use crate::form::FormError;

/// The name of the newtype struct a [`FileUpload`] serializes as. Not a Rust
/// identifier, so no derived type can be called this by accident.
pub(crate) const FILE_UPLOAD_TOKEN: &str = "$stripe_runtime::FileUpload";

/// A file to upload: its name, its content type and its bytes. It is a field of
/// the params of an operation that takes `multipart/form-data` (`POST /v1/files`
/// has `file: FileUpload`), sent with
/// [`ParamsIn::Multipart`](crate::ParamsIn::Multipart).
///
/// ```
/// use stripe_runtime::FileUpload;
///
/// let upload = FileUpload::new("evidence.pdf", b"%PDF-1.4 ...".to_vec()).with_content_type("application/pdf");
/// assert_eq!(upload.name(), "evidence.pdf");
/// assert_eq!(upload.content_type(), Some("application/pdf"));
/// assert_eq!(upload.data(), b"%PDF-1.4 ...");
/// ```
///
/// In the body it is one part,
/// `Content-Disposition: form-data; name="file"; filename="evidence.pdf"` with
/// `Content-Type: application/pdf`, as stripe-node sends it: without a content
/// type (or with an empty one) the part says `application/octet-stream`, an
/// empty name is sent as `blob`. See [`multipart`](crate::multipart) for how
/// names are quoted.
///
/// It implements [`Serialize`] so that it can be a field of a params struct,
/// but only the [`multipart`](crate::multipart) encoder knows what to do with
/// it: the [`form`](crate::form) encoder refuses it with
/// [`FormError::FileNotMultipart`], and other serializers see a newtype struct
/// around a struct of `name`, `content_type` and `data` (bytes).
///
/// Its `Debug` output shows the length of the data, not the data.
#[derive(Clone, PartialEq, Eq)]
pub struct FileUpload {
    name: String,
    content_type: Option<String>,
    data: Vec<u8>,
}

impl FileUpload {
    /// A file called `name` (the part's `filename`, such as `passport.jpg`) holding
    /// `data`, without a content type (sent as `application/octet-stream`).
    pub fn new(name: impl Into<String>, data: impl Into<Vec<u8>>) -> FileUpload {
        FileUpload { name: name.into(), content_type: None, data: data.into() }
    }

    /// Reads the file at `path`, named after the last component of the path
    /// (not valid UTF-8 in it is replaced with U+FFFD), without a content type:
    /// set one with [`with_content_type`](FileUpload::with_content_type), as no
    /// type is guessed from the extension (stripe-node does not guess either).
    ///
    /// The file is read at once, with blocking I/O; in an async task with large
    /// files, consider [`tokio::task::spawn_blocking`] or reading the bytes
    /// yourself and using [`new`](FileUpload::new).
    ///
    /// # Errors
    ///
    /// The [`io::Error`] of reading the file (of the same kind, its message
    /// naming the path): it does not exist, is a directory, cannot be read...
    ///
    /// [`tokio::task::spawn_blocking`]: https://docs.rs/tokio/1/tokio/task/fn.spawn_blocking.html
    pub fn from_path(path: impl AsRef<Path>) -> io::Result<FileUpload> {
        let path = path.as_ref();
        let data = std::fs::read(path)
            .map_err(|e| io::Error::new(e.kind(), format!("cannot read the file {}: {e}", path.display())))?;
        let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        Ok(FileUpload { name, content_type: None, data })
    }

    /// The same file with this content type (`image/png`, `application/pdf`,
    /// `text/csv; charset=utf-8`), sent as the part's `Content-Type`. Line
    /// breaks in it are sent as spaces, so that it stays one header line.
    #[must_use]
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> FileUpload {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The content type, if one was set.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The contents.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The contents, taking them out.
    pub fn into_data(self) -> Vec<u8> {
        self.data
    }
}

impl fmt::Debug for FileUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileUpload")
            .field("name", &self.name)
            .field("content_type", &self.content_type)
            .field("len", &self.data.len())
            .finish()
    }
}

impl Serialize for FileUpload {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(FILE_UPLOAD_TOKEN, &Fields(self))
    }
}

/// The inside of the newtype struct: `name`, `content_type`, `data`, in this
/// order ([`capture_file`] relies on it).
struct Fields<'a>(&'a FileUpload);

impl Serialize for Fields<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut fields = serializer.serialize_struct("FileUpload", 3)?;
        fields.serialize_field("name", &self.0.name)?;
        fields.serialize_field("content_type", &self.0.content_type)?;
        fields.serialize_field("data", &Data(&self.0.data))?;
        fields.end()
    }
}

/// Bytes, serialized as bytes (a `Vec<u8>` would be a sequence of integers).
struct Data<'a>(&'a [u8]);

impl Serialize for Data<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0)
    }
}

/// A file as the encoders see it, borrowed from the [`FileUpload`] being
/// serialized.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FileParts<'a> {
    pub(crate) name: &'a str,
    pub(crate) content_type: Option<&'a str>,
    pub(crate) data: &'a [u8],
}

/// Takes apart `value`, the inside of a newtype struct called
/// [`FILE_UPLOAD_TOKEN`], and hands its parts to `write`, while they are
/// borrowed (the data is not copied).
///
/// # Errors
///
/// What `write` returns, or [`FormError::Custom`] if `value` is not the inside
/// of a [`FileUpload`] (a foreign type that took the name).
pub(crate) fn capture_file<T, F>(value: &T, write: F) -> Result<(), FormError>
where
    T: ?Sized + Serialize,
    F: FnOnce(FileParts<'_>) -> Result<(), FormError>,
{
    value.serialize(FileCapture { write })
}

fn not_a_file() -> FormError {
    FormError::Custom {
        key: None,
        message: format!("a value serialized as the newtype struct {FILE_UPLOAD_TOKEN:?} is not a FileUpload"),
    }
}

/// Refuses the scalars a capture does not take.
macro_rules! refuse_scalars {
    ($($method:ident: $ty:ty),* $(,)?) => {$(
        fn $method(self, _: $ty) -> Result<Self::Ok, FormError> {
            Err(not_a_file())
        }
    )*};
}

/// Refuses every compound, and units and newtypes, which no capture takes.
macro_rules! refuse_compounds {
    () => {
        fn serialize_unit(self) -> Result<Self::Ok, FormError> {
            Err(not_a_file())
        }

        fn serialize_unit_struct(self, _: &'static str) -> Result<Self::Ok, FormError> {
            Err(not_a_file())
        }

        fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<Self::Ok, FormError> {
            Err(not_a_file())
        }

        fn serialize_newtype_struct<U: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: &U,
        ) -> Result<Self::Ok, FormError> {
            Err(not_a_file())
        }

        fn serialize_newtype_variant<U: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &U,
        ) -> Result<Self::Ok, FormError> {
            Err(not_a_file())
        }

        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, FormError> {
            Err(not_a_file())
        }

        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, FormError> {
            Err(not_a_file())
        }

        fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, FormError> {
            Err(not_a_file())
        }

        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, FormError> {
            Err(not_a_file())
        }

        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, FormError> {
            Err(not_a_file())
        }

        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, FormError> {
            Err(not_a_file())
        }
    };
}

/// Refuses every scalar but strings, bytes and options.
macro_rules! refuse_numbers {
    () => {
        refuse_scalars! {
            serialize_bool: bool, serialize_char: char, serialize_f32: f32, serialize_f64: f64,
            serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64, serialize_i128: i128,
            serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_u128: u128,
        }
    };
}

/// Takes the struct of [`Fields`].
struct FileCapture<F> {
    write: F,
}

impl<F: FnOnce(FileParts<'_>) -> Result<(), FormError>> Serializer for FileCapture<F> {
    type Ok = ();
    type Error = FormError;
    type SerializeSeq = Impossible<(), FormError>;
    type SerializeTuple = Impossible<(), FormError>;
    type SerializeTupleStruct = Impossible<(), FormError>;
    type SerializeTupleVariant = Impossible<(), FormError>;
    type SerializeMap = Impossible<(), FormError>;
    type SerializeStruct = FieldsCapture<F>;
    type SerializeStructVariant = Impossible<(), FormError>;

    refuse_numbers!();
    refuse_compounds!();
    refuse_scalars!(serialize_str: &str, serialize_bytes: &[u8]);

    fn serialize_none(self) -> Result<(), FormError> {
        Err(not_a_file())
    }

    fn serialize_some<U: ?Sized + Serialize>(self, _: &U) -> Result<(), FormError> {
        Err(not_a_file())
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<FieldsCapture<F>, FormError> {
        Ok(FieldsCapture { write: Some(self.write), name: None, content_type: None })
    }
}

/// Takes the fields of [`Fields`]: the name and content type are kept until the
/// data comes, which goes to `write` at once.
struct FieldsCapture<F> {
    /// Taken when the data has been written.
    write: Option<F>,
    name: Option<String>,
    content_type: Option<String>,
}

impl<F: FnOnce(FileParts<'_>) -> Result<(), FormError>> SerializeStruct for FieldsCapture<F> {
    type Ok = ();
    type Error = FormError;

    fn serialize_field<U: ?Sized + Serialize>(&mut self, field: &'static str, value: &U) -> Result<(), FormError> {
        match field {
            "name" => self.name = Some(value.serialize(TextCapture)?.ok_or_else(not_a_file)?),
            "content_type" => self.content_type = value.serialize(TextCapture)?,
            "data" => {
                let (Some(write), Some(name)) = (self.write.take(), self.name.as_deref()) else {
                    return Err(not_a_file());
                };
                value.serialize(DataCapture { name, content_type: self.content_type.as_deref(), write })?;
            }
            _ => return Err(not_a_file()),
        }
        Ok(())
    }

    fn end(self) -> Result<(), FormError> {
        match self.write {
            // No data came.
            Some(_) => Err(not_a_file()),
            None => Ok(()),
        }
    }
}

/// Takes a string or an optional string.
struct TextCapture;

impl Serializer for TextCapture {
    type Ok = Option<String>;
    type Error = FormError;
    type SerializeSeq = Impossible<Option<String>, FormError>;
    type SerializeTuple = Impossible<Option<String>, FormError>;
    type SerializeTupleStruct = Impossible<Option<String>, FormError>;
    type SerializeTupleVariant = Impossible<Option<String>, FormError>;
    type SerializeMap = Impossible<Option<String>, FormError>;
    type SerializeStruct = Impossible<Option<String>, FormError>;
    type SerializeStructVariant = Impossible<Option<String>, FormError>;

    refuse_numbers!();
    refuse_compounds!();
    refuse_scalars!(serialize_bytes: &[u8]);

    fn serialize_str(self, v: &str) -> Result<Option<String>, FormError> {
        Ok(Some(v.to_owned()))
    }

    fn serialize_none(self) -> Result<Option<String>, FormError> {
        Ok(None)
    }

    fn serialize_some<U: ?Sized + Serialize>(self, value: &U) -> Result<Option<String>, FormError> {
        value.serialize(self)
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, FormError> {
        Err(not_a_file())
    }
}

/// Takes the data, and writes the file.
struct DataCapture<'a, F> {
    name: &'a str,
    content_type: Option<&'a str>,
    write: F,
}

impl<F: FnOnce(FileParts<'_>) -> Result<(), FormError>> Serializer for DataCapture<'_, F> {
    type Ok = ();
    type Error = FormError;
    type SerializeSeq = Impossible<(), FormError>;
    type SerializeTuple = Impossible<(), FormError>;
    type SerializeTupleStruct = Impossible<(), FormError>;
    type SerializeTupleVariant = Impossible<(), FormError>;
    type SerializeMap = Impossible<(), FormError>;
    type SerializeStruct = Impossible<(), FormError>;
    type SerializeStructVariant = Impossible<(), FormError>;

    refuse_numbers!();
    refuse_compounds!();
    refuse_scalars!(serialize_str: &str);

    fn serialize_bytes(self, data: &[u8]) -> Result<(), FormError> {
        (self.write)(FileParts { name: self.name, content_type: self.content_type, data })
    }

    fn serialize_none(self) -> Result<(), FormError> {
        Err(not_a_file())
    }

    fn serialize_some<U: ?Sized + Serialize>(self, _: &U) -> Result<(), FormError> {
        Err(not_a_file())
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, FormError> {
        Err(not_a_file())
    }
}
