//! The body the loopback server answers an operation with: shaped like the response
//! type. An object whose `object` value has a fixture that carries every property the
//! type requires is that fixture; anything else is built from the type, with its
//! required properties only (`null` where they may be null).

use serde_json::{json, Map, Value};
use stripe_codegen::ir::{Ir, TypeId, TypeKind, TypeRef};

/// How deep a built answer may nest before the build gives up.
const MAX_DEPTH: usize = 24;

/// An answer, and whether it is (or holds) a fixture.
pub struct Answer {
    pub value: Value,
    pub from_fixture: bool,
}

/// The answer for a response of type `ty` to a request for `path`.
pub fn answer(ir: &Ir, ty: &TypeRef, fixtures: &Map<String, Value>, path: &str) -> Answer {
    let mut builder = Builder { ir, fixtures, path, from_fixture: false };
    let value = builder.value(ty, 0);
    Answer { value, from_fixture: builder.from_fixture }
}

struct Builder<'a> {
    ir: &'a Ir,
    fixtures: &'a Map<String, Value>,
    path: &'a str,
    from_fixture: bool,
}

impl Builder<'_> {
    fn value(&mut self, ty: &TypeRef, depth: usize) -> Value {
        assert!(depth <= MAX_DEPTH, "a response nests deeper than {MAX_DEPTH}: {ty:?}");
        match ty {
            TypeRef::String => json!("sample"),
            TypeRef::Bool => json!(true),
            TypeRef::Integer => json!(1),
            TypeRef::Number => json!(1.5),
            TypeRef::Timestamp => json!(1_700_000_000),
            TypeRef::Json | TypeRef::Map(_) => json!({}),
            TypeRef::Vec(_) => json!([]),
            TypeRef::Expandable(_) => json!("sample_id"),
            TypeRef::List(item) => {
                json!({"object": "list", "data": [self.value(item, depth + 1)], "has_more": false, "url": self.path})
            }
            TypeRef::Named(id) => self.named(*id, depth),
            TypeRef::File | TypeRef::Clearable(_) | TypeRef::Range(_) => {
                panic!("a response of a params-only type: {ty:?}")
            }
        }
    }

    fn named(&mut self, id: TypeId, depth: usize) -> Value {
        match &self.ir.get(id).kind {
            TypeKind::Enum(e) => json!(e.variants[0].wire),
            TypeKind::Union(u) => self.value(&u.variants[0].ty, depth + 1),
            TypeKind::Struct(s) => {
                let fixture = s.object_name.as_ref().and_then(|name| self.fixtures.get(name));
                if let Some(fixture) = fixture.filter(|f| self.conforms(f, &TypeRef::Named(id), depth)) {
                    self.from_fixture = true;
                    return fixture.clone();
                }
                let mut object = Map::new();
                if let Some(name) = &s.object_name {
                    object.insert("object".into(), json!(name));
                }
                for field in s.fields.iter().filter(|f| f.required) {
                    let value = if field.nullable { Value::Null } else { self.value(&field.ty, depth + 1) };
                    object.insert(field.wire_name.clone(), value);
                }
                Value::Object(object)
            }
        }
    }

    /// Whether `value` has every property `ty` requires, all the way down (through
    /// objects, arrays and expanded objects).
    fn conforms(&self, value: &Value, ty: &TypeRef, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return true;
        }
        match (ty, value) {
            (TypeRef::Vec(item) | TypeRef::List(item), Value::Array(items)) => {
                items.iter().all(|v| self.conforms(v, item, depth + 1))
            }
            (TypeRef::List(item), Value::Object(list)) => {
                list.get("data").is_some_and(|data| self.conforms(data, &TypeRef::Vec(item.clone()), depth + 1))
            }
            (TypeRef::Expandable(id), Value::Object(_)) => self.conforms(value, &TypeRef::Named(*id), depth + 1),
            (TypeRef::Named(id), Value::Object(object)) => match &self.ir.get(*id).kind {
                TypeKind::Struct(s) => s.fields.iter().all(|f| match object.get(&f.wire_name) {
                    None => !f.required,
                    Some(Value::Null) => f.nullable || !f.required,
                    Some(v) => self.conforms(v, &f.ty, depth + 1),
                }),
                _ => true,
            },
            _ => true,
        }
    }
}
