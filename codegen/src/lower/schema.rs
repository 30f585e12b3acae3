//! Lowering of one schema: primitives, enums, objects, lists, unions, expandables.

use rustc_hash::FxHashSet;

use openapiv3::{AdditionalProperties, ObjectType, ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty};

use super::{ref_target, resource_id, Ctx, Hint, Lowerer, Node, PendingStruct, Place, Prop};
use crate::config::pattern_matches;
use crate::docs::to_rustdoc;
use crate::error::{pointer_push, Error, Result};
use crate::ir::{Enum, Field, Struct, TypeKind, TypeRef, Union, UnionVariant, Usage, Variant};
use crate::names::{setter_names, Namespace, SetterField};

/// Whether a component schema becomes a named type of its own (otherwise it is an
/// alias of a primitive, a map, a list or another schema, lowered where used).
pub(super) fn is_named(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => s.enumeration.iter().any(Option::is_some),
        SchemaKind::Type(Type::Object(o)) => {
            if o.properties.is_empty() {
                matches!(o.additional_properties, None | Some(AdditionalProperties::Any(false)))
            } else {
                list_items(o).is_none()
            }
        }
        SchemaKind::OneOf { one_of: variants } | SchemaKind::AnyOf { any_of: variants } => {
            schema.schema_data.extensions.contains_key("x-expansionResources")
                || variants.iter().filter(|v| !is_clear_marker(v)).count() > 1
        }
        _ => false,
    }
}

/// For a Stripe list object (`object: list`, `data`, `has_more`, `url`), its items.
pub(super) fn list_items(o: &ObjectType) -> Option<&ReferenceOr<Box<Schema>>> {
    let object = o.properties.get("object")?;
    if single_string_value(Node::of(object))? != "list" || !o.properties.contains_key("has_more") {
        return None;
    }
    match Node::of(o.properties.get("data")?) {
        Node::Schema(Schema { schema_kind: SchemaKind::Type(Type::Array(a)), .. }) => a.items.as_ref(),
        _ => None,
    }
}

/// The value of a string enum with exactly one value (`object: [list]`).
fn single_string_value(node: Node<'_>) -> Option<&str> {
    match node {
        Node::Schema(Schema { schema_kind: SchemaKind::Type(Type::String(s)), .. }) => match s.enumeration.as_slice() {
            [Some(value)] => Some(value),
            _ => None,
        },
        _ => None,
    }
}

/// `enum: [""]`: the marker Stripe adds to `anyOf` to say a param can be cleared.
fn is_clear_marker(schema: &ReferenceOr<Schema>) -> bool {
    match schema {
        ReferenceOr::Item(s) => single_string_value(Node::Schema(s)) == Some(""),
        ReferenceOr::Reference { .. } => false,
    }
}

/// Documentation for a type: its own description, else its field's, else where it is used.
/// `placed_at_site` says whether the type is named for (and only used at) this site.
pub(super) fn type_docs(own: Option<&String>, ctx: &Ctx, hint: &Hint<'_>, placed_at_site: bool) -> String {
    let own = own.map(|s| s.trim()).unwrap_or("");
    if !own.is_empty() {
        to_rustdoc(own)
    } else if placed_at_site && !hint.docs.trim().is_empty() {
        to_rustdoc(hint.docs)
    } else if ctx.owner.is_empty() || !placed_at_site {
        format!("The `{}` object.", hint.field)
    } else {
        format!("The `{}` of `{}`.", hint.field, ctx.owner)
    }
}

impl<'a> Lowerer<'a> {
    /// The type of a schema lowered at `place`.
    pub(super) fn schema_type(&mut self, schema: &'a Schema, place: Place<'_, 'a>) -> Result<TypeRef> {
        let Place { pointer, ctx, hint, component } = place;
        let data = &schema.schema_data;
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let values: Vec<&String> = s.enumeration.iter().flatten().collect();
                if values.is_empty() && !s.enumeration.is_empty() {
                    return Err(Error::at(pointer, "an enum whose only value is `null` is not supported"));
                }
                if values.is_empty() {
                    // A file to upload: only a request can carry one (a multipart part).
                    let binary = matches!(&s.format, VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary));
                    return Ok(if binary && ctx.usage == Usage::Request { TypeRef::File } else { TypeRef::String });
                }
                let docs = type_docs(data.description.as_ref(), ctx, hint, self.placed_at_site(component));
                let variants = self.document_variants(values.into_iter().map(String::as_str).collect());
                self.string_enum(variants, place, docs)
            }
            SchemaKind::Type(Type::Integer(i)) => {
                if !i.enumeration.is_empty() {
                    return Err(Error::at(pointer, "integer enums are not supported: only string enums are"));
                }
                Ok(match &i.format {
                    VariantOrUnknownOrEmpty::Unknown(f) if f == "unix-time" => TypeRef::Timestamp,
                    _ => TypeRef::Integer,
                })
            }
            SchemaKind::Type(Type::Number(n)) => {
                if !n.enumeration.is_empty() {
                    return Err(Error::at(pointer, "number enums are not supported: only string enums are"));
                }
                Ok(TypeRef::Number)
            }
            SchemaKind::Type(Type::Boolean(_)) => Ok(TypeRef::Bool),
            SchemaKind::Type(Type::Array(a)) => match &a.items {
                None => Ok(TypeRef::Vec(Box::new(TypeRef::Json))),
                Some(items) => {
                    let item = self.type_ref(Node::of(items), &pointer_push(pointer, "items"), Some((ctx, hint)))?;
                    Ok(TypeRef::Vec(Box::new(item)))
                }
            },
            SchemaKind::Type(Type::Object(o)) => self.object_type(schema, o, place),
            SchemaKind::OneOf { one_of } => self.alternatives(schema, one_of, "oneOf", place),
            SchemaKind::AnyOf { any_of } => self.alternatives(schema, any_of, "anyOf", place),
            SchemaKind::AllOf { all_of } => match all_of.as_slice() {
                [only] => self.type_ref(Node::of(only), &pointer_push(pointer, "allOf/0"), Some((ctx, hint))),
                _ => Err(Error::at(pointer, format!("allOf of {} schemas is not supported", all_of.len()))),
            },
            SchemaKind::Not { .. } => Err(Error::at(pointer, "`not` schemas are not supported")),
            SchemaKind::Any(any) => {
                if !any.enumeration.is_empty() {
                    let kind = any.typ.as_deref().unwrap_or("untyped");
                    return Err(Error::at(pointer, format!("enum values of a {kind} schema must all be strings")));
                }
                let is_free_form = any.typ.is_none()
                    && any.properties.is_empty()
                    && any.items.is_none()
                    && any.one_of.is_empty()
                    && any.any_of.is_empty()
                    && any.all_of.is_empty()
                    && any.not.is_none();
                if is_free_form {
                    Ok(TypeRef::Json)
                } else {
                    Err(Error::at(pointer, "unsupported schema shape: mixes keywords of different types"))
                }
            }
        }
    }

    fn object_type(&mut self, schema: &'a Schema, o: &'a ObjectType, place: Place<'_, 'a>) -> Result<TypeRef> {
        let Place { pointer, ctx, hint, component } = place;
        if o.properties.is_empty() {
            match &o.additional_properties {
                Some(AdditionalProperties::Any(true)) => return Ok(TypeRef::Map(Box::new(TypeRef::Json))),
                Some(AdditionalProperties::Schema(s)) => {
                    let at = pointer_push(pointer, "additionalProperties");
                    let value = self.type_ref(Node::of(s.as_ref()), &at, Some((ctx, hint)))?;
                    return Ok(TypeRef::Map(Box::new(value)));
                }
                // An inline object with no properties is free-form; a component
                // schema with none is an (empty) object of its own.
                _ if component.is_none() => return Ok(TypeRef::Map(Box::new(TypeRef::Json))),
                _ => {}
            }
        } else if let Some(items) = list_items(o) {
            let at = pointer_push(pointer, "properties/data/items");
            let item = self.type_ref(Node::of(items), &at, Some((ctx, hint)))?;
            return Ok(TypeRef::List(Box::new(item)));
        }
        let docs = type_docs(schema.schema_data.description.as_ref(), ctx, hint, self.placed_at_site(component));
        let kind = TypeKind::Struct(Struct {
            object_name: None,
            resource_id: resource_id(schema).map(str::to_string),
            fields: Vec::new(),
        });
        let (id, inner) = self.new_type(place, docs, kind)?;
        let at = pointer_push(pointer, "properties");
        let props = o
            .properties
            .iter()
            .map(|(name, node)| Prop {
                name,
                node: Node::of(node),
                pointer: pointer_push(&at, name),
                required: o.required.iter().any(|r| r == name),
                description: None,
            })
            .collect();
        self.queue.push_back(PendingStruct { id, props, ctx: inner });
        Ok(TypeRef::Named(id))
    }

    fn alternatives(
        &mut self,
        schema: &'a Schema,
        variants: &'a [ReferenceOr<Schema>],
        keyword: &str,
        place: Place<'_, 'a>,
    ) -> Result<TypeRef> {
        let Place { pointer, ctx, hint, component } = place;
        let docs = || type_docs(schema.schema_data.description.as_ref(), ctx, hint, self.placed_at_site(component));
        if let Some(expansion) = schema.schema_data.extensions.get("x-expansionResources") {
            let at = pointer_push(pointer, "x-expansionResources");
            let targets: Vec<&'a str> = expansion
                .get("oneOf")
                .and_then(|v| v.as_array())
                .map(|list| list.iter().filter_map(|t| t.get("$ref").and_then(|r| r.as_str())).collect())
                .unwrap_or_default();
            if targets.is_empty() {
                return Err(Error::at(at, "x-expansionResources must be `oneOf` a list of `$ref`s"));
            }
            let target = if let [only] = targets.as_slice() {
                self.type_ref(Node::Ref(only), &pointer_push(&at, "oneOf/0"), Some((ctx, hint)))?
            } else {
                let nodes: Vec<(String, Node<'a>)> =
                    targets.iter().enumerate().map(|(i, t)| (format!("{}/oneOf/{i}", at), Node::Ref(t))).collect();
                self.union(nodes, place, docs())?
            };
            return match target {
                TypeRef::Named(id) if matches!(self.ir.get(id).kind, TypeKind::Struct(_) | TypeKind::Union(_)) => {
                    Ok(TypeRef::Expandable(id))
                }
                _ => Err(Error::at(at, "an expansion target must be an object schema")),
            };
        }
        let at = pointer_push(pointer, keyword);
        let nodes: Vec<(String, Node<'a>)> = variants
            .iter()
            .enumerate()
            .filter(|(_, v)| !is_clear_marker(v))
            .map(|(i, v)| (pointer_push(&at, &i.to_string()), Node::of(v)))
            .collect();
        let ty = match nodes.as_slice() {
            [] => return Err(Error::at(pointer, format!("{keyword} has no schemas"))),
            [(at, only)] => self.type_ref(*only, at, Some((ctx, hint)))?,
            [(a, first), (b, second)] if ctx.usage == Usage::Request => match range_bound(*first, *second) {
                Some((scalar, at)) => {
                    let at = if at == 0 { a } else { b };
                    let bound = self.schema_type(scalar, Place::inline(at, ctx, hint))?;
                    TypeRef::Range(Box::new(bound))
                }
                None => self.union(nodes, place, docs())?,
            },
            _ => self.union(nodes, place, docs())?,
        };
        // Params may be cleared by sending an empty value; responses never carry the marker's value.
        let clearable = ctx.usage == Usage::Request && variants.iter().any(is_clear_marker);
        Ok(if clearable { clearable_of(ty) } else { ty })
    }

    /// A union of `nodes`; variants are discriminated by `object` once every
    /// struct is lowered (see `graph::discriminate_unions`).
    fn union(&mut self, nodes: Vec<(String, Node<'a>)>, place: Place<'_, 'a>, docs: String) -> Result<TypeRef> {
        let empty = TypeKind::Union(Union { discriminated: false, variants: Vec::new() });
        let (id, inner) = self.new_type(place, docs, empty)?;
        let mut names = crate::names::variants();
        let mut variants = Vec::new();
        for (i, (at, node)) in nodes.into_iter().enumerate() {
            let raw = match node {
                Node::Ref(r) => ref_target(r, &at)?.to_string(),
                Node::Schema(s) => {
                    single_string_value_of_object(s).unwrap_or_else(|| crate::names::positional_variant(i + 1))
                }
            };
            let variant_hint = Hint { field: &raw, docs: "", name: None };
            let ty = self.type_ref(node, &at, Some((&inner, &variant_hint)))?;
            let referenced = matches!(node, Node::Ref(_)).then_some(raw.as_str());
            let name = crate::names::union_variant(referenced, &ty, &|t| self.ir.get(t).name.clone());
            variants.push(UnionVariant { rust_name: names.claim(name), object: None, ty, boxed: false });
        }
        if let TypeKind::Union(union) = &mut self.ir.types[id.0].kind {
            union.variants = variants;
        }
        Ok(TypeRef::Named(id))
    }

    /// A string enum of `variants` (see [`Lowerer::variants_of`]).
    pub(super) fn string_enum(
        &mut self,
        variants: Vec<Variant>,
        place: Place<'_, 'a>,
        docs: String,
    ) -> Result<TypeRef> {
        let (id, _) = self.new_type(place, docs, TypeKind::Enum(Enum { variants }))?;
        Ok(TypeRef::Named(id))
    }

    /// [`Lowerer::variants_of`] `values` of the document, made once for each list of
    /// values.
    fn document_variants(&mut self, values: Vec<&'a str>) -> Vec<Variant> {
        if let Some(variants) = self.enums.get(&values) {
            return variants.clone();
        }
        let variants = self.variants_of(&values);
        self.enums.insert(values, variants.clone());
        variants
    }

    /// The variants of an enum of `values` (the first of repeated values counts),
    /// named in a namespace of their own.
    pub(super) fn variants_of(&mut self, values: &[&str]) -> Vec<Variant> {
        let mut names = crate::names::variants();
        let mut variants: Vec<Variant> = Vec::with_capacity(values.len());
        let mut seen: FxHashSet<&str> = FxHashSet::default();
        for &value in values {
            if seen.insert(value) {
                let rust_name = names.claim(self.names.variant(value));
                variants.push(Variant { wire: value.to_string(), rust_name });
            }
        }
        variants
    }

    /// Whether a type for `component` (or an inline schema) is named for its site.
    fn placed_at_site(&self, component: Option<&str>) -> bool {
        component.is_none_or(|c| self.placement.fixed(c).is_none())
    }

    /// Lowers the fields of a struct created by `object_type` (or an operation's params).
    pub(super) fn lower_struct_body(&mut self, pending: PendingStruct<'a>) -> Result<()> {
        let PendingStruct { id, props, ctx } = pending;
        // A model's constant `object` property is its tag (see `Struct::object_name`).
        let tag = |prop: &Prop<'_>| -> Option<String> {
            let tagged = prop.name == "object" && prop.required && ctx.usage == Usage::Response;
            tagged.then(|| single_string_value(prop.node).map(str::to_string)).flatten()
        };
        let mut names = Namespace::struct_fields(props.iter().any(|prop| tag(prop).is_some()));
        let mut fields = Vec::new();
        let mut object_name = None;
        for prop in props {
            if let Some(value) = tag(&prop) {
                object_name = Some(value);
                continue;
            }
            let Prop { name: prop, node, pointer, required, description } = prop;
            let (nullable, own_description) = match node {
                Node::Schema(s) => (s.schema_data.nullable, s.schema_data.description.as_deref().unwrap_or("")),
                Node::Ref(r) => match ref_target(r, &pointer).ok().and_then(|name| self.schemas.get(name)) {
                    Some(ReferenceOr::Item(s)) => {
                        (s.schema_data.nullable, s.schema_data.description.as_deref().unwrap_or(""))
                    }
                    _ => (false, ""),
                },
            };
            let description = description.filter(|d| !d.trim().is_empty()).unwrap_or(own_description);
            let hint = Hint { field: prop, docs: description, name: None };
            let mut ty = match self.refine.get(pointer.as_str()) {
                Some(refinement) => self.refined(refinement, &pointer, &ctx, &hint)?,
                None => self.type_ref(node, &pointer, Some((&ctx, &hint)))?,
            };
            if ctx.usage == Usage::Request && !ctx.wire_path.is_empty() {
                let path = format!("{}.{prop}", ctx.wire_path);
                if self.clearable.iter().any(|pattern| pattern_matches(pattern, &path)) {
                    ty = clearable_of(ty);
                }
            }
            // Without a description, the emitters write a line of their own.
            let docs = to_rustdoc(description);
            fields.push(Field {
                wire_name: prop.to_string(),
                rust_name: names.claim(self.names.field(prop)),
                ty,
                required,
                nullable,
                boxed: false,
                docs,
                setter: None,
                clear_setter: None,
            });
        }
        if ctx.usage == Usage::Request {
            name_setters(&mut fields);
        }
        if let TypeKind::Struct(s) = &mut self.ir.types[id.0].kind {
            s.fields = fields;
            s.object_name = object_name;
        }
        Ok(())
    }
}

/// Gives the fields of a params struct their setters' names (see
/// [`crate::names::setter_names`]).
fn name_setters(fields: &mut [Field]) {
    let described: Vec<SetterField<'_>> = fields
        .iter()
        .map(|f| SetterField {
            rust_name: &f.rust_name,
            wire_name: &f.wire_name,
            required: f.required,
            clearable: matches!(f.ty, TypeRef::Clearable(_)),
        })
        .collect();
    let names = setter_names(&described);
    for (field, (set, clear)) in fields.iter_mut().zip(names) {
        field.setter = set;
        field.clear_setter = clear;
    }
}

/// `ty` as a param that may be cleared (once, however many reasons say so).
fn clearable_of(ty: TypeRef) -> TypeRef {
    match ty {
        TypeRef::Clearable(_) => ty,
        other => TypeRef::Clearable(Box::new(other)),
    }
}

/// Stripe's range filter shape: an inline object whose properties are some of
/// `gt`, `gte`, `lt` and `lte`, all of one scalar type, beside that scalar type.
/// Returns the scalar schema and its position (0 or 1).
fn range_bound<'a>(first: Node<'a>, second: Node<'a>) -> Option<(&'a Schema, usize)> {
    let scalar_kind = |node: Node<'a>| match node {
        Node::Schema(s) => match &s.schema_kind {
            SchemaKind::Type(Type::Integer(i)) if i.enumeration.is_empty() => Some(("integer", s)),
            SchemaKind::Type(Type::Number(n)) if n.enumeration.is_empty() => Some(("number", s)),
            SchemaKind::Type(Type::String(t)) if t.enumeration.is_empty() => Some(("string", s)),
            _ => None,
        },
        Node::Ref(_) => None,
    };
    let bounds_kind = |node: Node<'a>| {
        let Node::Schema(Schema { schema_kind: SchemaKind::Type(Type::Object(o)), .. }) = node else { return None };
        if o.properties.is_empty() || !o.required.is_empty() {
            return None;
        }
        let mut kind = None;
        for (name, prop) in &o.properties {
            if !matches!(name.as_str(), "gt" | "gte" | "lt" | "lte") {
                return None;
            }
            let (k, _) = scalar_kind(Node::of(prop))?;
            if kind.is_some_and(|seen| seen != k) {
                return None;
            }
            kind = Some(k);
        }
        kind
    };
    for (bounds, scalar, position) in [(first, second, 1), (second, first, 0)] {
        if let (Some(k), Some((s, schema))) = (bounds_kind(bounds), scalar_kind(scalar)) {
            if k == s {
                return Some((schema, position));
            }
        }
    }
    None
}

/// The constant `object` of an inline object schema, to name a union variant by.
fn single_string_value_of_object(schema: &Schema) -> Option<String> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => {
            o.properties.get("object").and_then(|p| single_string_value(Node::of(p))).map(str::to_string)
        }
        _ => None,
    }
}
