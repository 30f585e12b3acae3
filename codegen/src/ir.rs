//! The intermediate representation: plain data, no spec types, no token streams.
//!
//! Named types live in an arena ([`Ir::types`]) and refer to each other by
//! [`TypeId`]. Every Rust name sits beside the wire name it came from, so the
//! emitters add `rename` only where the two differ.

/// Index of a named type in [`Ir::types`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// The whole lowered API surface.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Ir {
    /// The document's `info.version`, the API version the crate speaks.
    pub api_version: String,
    /// Every named type, in the order the lowering created them.
    pub types: Vec<TypeDef>,
    /// The operations of the selected resources, in the document's path order.
    pub operations: Vec<Operation>,
}

impl Ir {
    /// The type behind an id.
    pub fn get(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }
}

/// A named Rust type.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeDef {
    /// Rust type name (`VerificationSession`).
    pub name: String,
    /// Rust module path from the crate root (`["identity", "verification_session"]`).
    pub module: Vec<String>,
    /// JSON pointer of the schema it was lowered from.
    pub source: String,
    /// Markdown documentation.
    pub docs: String,
    /// Whether the type is sent (params) or received (models).
    pub usage: Usage,
    /// What kind of type it is.
    pub kind: TypeKind,
}

/// Which way a type travels, which decides what the emitters derive for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Usage {
    /// Decoded from responses (and re-encodable): a model.
    Response,
    /// Encoded into requests only: an operation's params and what they contain.
    Request,
}

/// The kinds of named types.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// An object with named fields.
    Struct(Struct),
    /// A string enum.
    Enum(Enum),
    /// One of several types.
    Union(Union),
}

/// An object with named fields.
#[derive(Clone, Debug, PartialEq)]
pub struct Struct {
    /// The constant value of the `object` property, if the schema has one
    /// (`identity.verification_session`). The property is not one of
    /// [`fields`](Struct::fields): it is emitted first, as the field
    /// [`OBJECT_FIELD`](crate::names::OBJECT_FIELD) of type `ObjectTag<Self>`, checked
    /// when decoding.
    pub object_name: Option<String>,
    /// The `x-resourceId` of the schema, for API resources.
    pub resource_id: Option<String>,
    /// The fields, in the document's order.
    pub fields: Vec<Field>,
}

impl Struct {
    /// Whether the struct has a required, non-null string `id` field.
    pub fn has_id(&self) -> bool {
        self.fields.iter().any(|f| f.wire_name == "id" && f.required && !f.nullable && f.ty == TypeRef::String)
    }
}

/// A field of a struct.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The property name on the wire.
    pub wire_name: String,
    /// The Rust field name.
    pub rust_name: String,
    /// The field's type, without the `Option` that `required`/`nullable` imply.
    pub ty: TypeRef,
    /// Whether the property is always present.
    pub required: bool,
    /// Whether the property may be `null`.
    pub nullable: bool,
    /// Whether the field is boxed to break a cycle of types.
    pub boxed: bool,
    /// Markdown documentation; empty when the document has none (the emitters then
    /// name the field, and for a param the method that sends it).
    pub docs: String,
    /// For an optional field of a params struct, the name of its chaining setter.
    pub setter: Option<String>,
    /// For a field of a params struct that can be cleared, the name of the setter
    /// that clears it (`clear_metadata`).
    pub clear_setter: Option<String>,
}

impl Field {
    /// Whether the Rust field is an `Option`, in a type used as `usage`: a model's
    /// field when the property may be absent or `null`, a param when it may be left
    /// out (a param is never sent as `null`).
    pub fn optional(&self, usage: Usage) -> bool {
        match usage {
            Usage::Response => !self.required || self.nullable,
            Usage::Request => !self.required,
        }
    }
}

/// A string enum. Decoding also accepts values this spec does not list.
#[derive(Clone, Debug, PartialEq)]
pub struct Enum {
    /// The known values, in the document's order.
    pub variants: Vec<Variant>,
}

/// A known value of a string enum.
#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    /// The value on the wire (`[redacted]`).
    pub wire: String,
    /// The Rust variant name (`Redacted`).
    pub rust_name: String,
}

/// One of several types.
#[derive(Clone, Debug, PartialEq)]
pub struct Union {
    /// Whether every variant is an object with a constant `object` value, so that
    /// decoding can pick the variant by `object`; otherwise variants are tried in order.
    pub discriminated: bool,
    /// The variants, in the document's order.
    pub variants: Vec<UnionVariant>,
}

/// A variant of a union.
#[derive(Clone, Debug, PartialEq)]
pub struct UnionVariant {
    /// The Rust variant name.
    pub rust_name: String,
    /// The `object` value that selects this variant, for discriminated unions.
    pub object: Option<String>,
    /// The variant's type.
    pub ty: TypeRef,
    /// Whether the variant is boxed to break a cycle of types (one of unions only:
    /// a cycle through a struct is broken at the struct's field).
    pub boxed: bool,
}

/// A reference to a type, as used by fields, items and variants.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TypeRef {
    /// A string.
    String,
    /// A boolean.
    Bool,
    /// A 64-bit integer.
    Integer,
    /// A 64-bit float.
    Number,
    /// Seconds since the Unix epoch (`format: unix-time`).
    Timestamp,
    /// Any JSON value.
    Json,
    /// A file to upload (`format: binary`, in a `multipart/form-data` body).
    File,
    /// A named type.
    Named(TypeId),
    /// An array.
    Vec(Box<TypeRef>),
    /// An object with arbitrary string keys (`additionalProperties`).
    Map(Box<TypeRef>),
    /// An id, or the expanded object (`x-expansionResources`).
    Expandable(TypeId),
    /// A Stripe list object (`object: list`) of items.
    List(Box<TypeRef>),
    /// A param that may also be cleared by sending an empty value (`anyOf` with
    /// `enum: [""]`, or listed under `clearable` in `spec/codegen.yaml`).
    Clearable(Box<TypeRef>),
    /// A range filter: an exact value, or any of `gt`/`gte`/`lt`/`lte`.
    Range(Box<TypeRef>),
}

/// An HTTP method of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `DELETE`
    Delete,
}

impl HttpMethod {
    /// The method as written in HTTP (`GET`).
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
        }
    }

    /// Where the params of this method go: the query string for `GET` and
    /// `DELETE`, a form body for `POST` (as Stripe's SDKs send them).
    pub fn params_in(self) -> ParamsIn {
        match self {
            HttpMethod::Get | HttpMethod::Delete => ParamsIn::Query,
            HttpMethod::Post => ParamsIn::Body,
        }
    }
}

/// Where an operation's params are sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParamsIn {
    /// Form-encoded in the query string.
    Query,
    /// Form-encoded in an `application/x-www-form-urlencoded` body.
    Body,
    /// Parts of a `multipart/form-data` body (uploads).
    Multipart,
}

/// An API operation (one method on one path).
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// The document's `operationId` (`PostIdentityVerificationSessions`).
    pub operation_id: String,
    /// JSON pointer of the operation (`#/paths/~1v1~1.../post`).
    pub source: String,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path template, as in the document (`/v1/identity/verification_sessions/{session}`).
    pub path: String,
    /// The module of the resource the operation belongs to.
    pub module: Vec<String>,
    /// The resource type the operation is a method of.
    pub resource: TypeId,
    /// The Rust method name (`create`, `list`, `cancel`).
    pub rust_name: String,
    /// The path parameters, in the order the path template uses them.
    pub path_params: Vec<PathParam>,
    /// The params struct (fields from query parameters, or from the form body).
    pub params: TypeId,
    /// Where the params are sent.
    pub params_in: ParamsIn,
    /// The operation's own server (`https://files.stripe.com/`), when the document
    /// gives it one other than its default.
    pub server: Option<String>,
    /// The type of the successful response.
    pub response: TypeRef,
    /// Markdown documentation.
    pub docs: String,
}

/// A parameter of the path template (`{session}`).
#[derive(Clone, Debug, PartialEq)]
pub struct PathParam {
    /// The name in the template.
    pub wire_name: String,
    /// The Rust argument name.
    pub rust_name: String,
    /// Markdown documentation.
    pub docs: String,
}
