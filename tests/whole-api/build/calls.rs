//! The Rust expression that builds an operation's request: its method called with a
//! sample id for each path param and params with every required field set to a
//! sample value (a struct param through its `new`, and through its first setter
//! when it has no required field, so that it is sent).

use stripe_codegen::ir::{Field, Ir, Operation, TypeId, TypeKind, TypeRef};
use stripe_codegen::rust_type::crate_path;

/// How deep sample params may nest before the build gives up (a cycle of required
/// params cannot be built by anyone).
const MAX_DEPTH: usize = 16;

/// An operation's call and what it must send.
pub struct Call {
    /// `stripe_api::customer::Customer::retrieve("customer_1", &...)`: a `Request`.
    pub request: String,
    /// The wire names of the required params whose sample is sent (every one but
    /// a struct without fields).
    pub required: Vec<String>,
}

/// The call of `op`.
pub fn call(ir: &Ir, op: &Operation) -> Call {
    let resource = path(ir, op.resource);
    let mut args: Vec<String> = op.path_params.iter().map(|p| format!("{:?}", sample_id(&p.wire_name))).collect();
    let TypeKind::Struct(s) = &ir.get(op.params).kind else { panic!("{}: params are not a struct", op.operation_id) };
    let params = Sample::structure(ir, op.params, &s.fields, 0, false);
    args.push(format!("&{}", params.expr));
    let required = s
        .fields
        .iter()
        .filter(|f| f.required && Sample::argument(ir, f, 1).sent)
        .map(|f| f.wire_name.clone())
        .collect();
    Call { request: format!("{resource}::{}({})", op.rust_name, args.join(", ")), required }
}

/// The path `op` must request: each path param replaced by its sample id.
pub fn sample_path(op: &Operation) -> String {
    op.path_params
        .iter()
        .fold(op.path.clone(), |path, p| path.replace(&format!("{{{}}}", p.wire_name), &sample_id(&p.wire_name)))
}

/// The sample value of a path param: plain, so it appears in the path as it is.
fn sample_id(wire_name: &str) -> String {
    format!("sample_{wire_name}")
}

/// `stripe_api::module::Name`.
fn path(ir: &Ir, id: TypeId) -> String {
    crate_path(ir.get(id)).replacen("crate", "stripe_api", 1)
}

/// A sample value: the Rust expression, and whether encoding it sends anything.
struct Sample {
    expr: String,
    sent: bool,
}

impl Sample {
    fn new(expr: String) -> Sample {
        Sample { expr, sent: true }
    }

    /// The argument `new` or a setter takes for `field` (see the params emitter:
    /// collections as iterators, strings and the like as `impl Into`).
    fn argument(ir: &Ir, field: &Field, depth: usize) -> Sample {
        let ty = match &field.ty {
            TypeRef::Clearable(inner) => inner.as_ref(),
            other => other,
        };
        match ty {
            TypeRef::Vec(item) => {
                let item = Sample::exact(ir, item, depth + 1);
                Sample { expr: format!("[{}]", item.expr), ..item }
            }
            TypeRef::Map(value) => {
                let value = Sample::exact(ir, value, depth + 1);
                Sample { expr: format!("[(\"key\", {})]", value.expr), ..value }
            }
            TypeRef::String => Sample::new("\"sample\"".into()),
            TypeRef::Timestamp => Sample::new("1_700_000_000i64".into()),
            _ => Sample::exact(ir, ty, depth),
        }
    }

    /// A value of exactly the Rust type of `ty`.
    fn exact(ir: &Ir, ty: &TypeRef, depth: usize) -> Sample {
        match ty {
            TypeRef::String => Sample::new("String::from(\"sample\")".into()),
            TypeRef::Bool => Sample::new("true".into()),
            TypeRef::Integer => Sample::new("1i64".into()),
            TypeRef::Number => Sample::new("1.5f64".into()),
            TypeRef::Timestamp => Sample::new("stripe_runtime::Timestamp::from(1_700_000_000)".into()),
            TypeRef::Json => Sample::new("serde_json::json!({\"key\": \"value\"})".into()),
            TypeRef::File => {
                Sample::new("stripe_runtime::FileUpload::new(\"sample.txt\", b\"sample\".to_vec())".into())
            }
            TypeRef::Named(id) => Sample::named(ir, *id, depth + 1),
            TypeRef::Vec(item) => Sample::wrap("vec![", Sample::exact(ir, item, depth + 1), "]"),
            TypeRef::Map(value) => Sample::wrap(
                "std::collections::BTreeMap::from([(String::from(\"key\"), ",
                Sample::exact(ir, value, depth + 1),
                ")])",
            ),
            TypeRef::Clearable(inner) => {
                Sample::wrap("stripe_runtime::Clearable::Set(", Sample::exact(ir, inner, depth), ")")
            }
            TypeRef::Range(bound) => {
                Sample::wrap("stripe_runtime::RangeQuery::Exact(", Sample::exact(ir, bound, depth), ")")
            }
            TypeRef::Expandable(_) | TypeRef::List(_) => panic!("a param of a response-only type: {ty:?}"),
        }
    }

    /// A params struct through `new`; with `fill`, when it has no required field,
    /// through its first setter too.
    fn structure(ir: &Ir, id: TypeId, fields: &[Field], depth: usize, fill: bool) -> Sample {
        let required: Vec<Sample> =
            fields.iter().filter(|f| f.required).map(|f| Sample::argument(ir, f, depth)).collect();
        let args: Vec<&str> = required.iter().map(|a| a.expr.as_str()).collect();
        let new = format!("{}::new({})", path(ir, id), args.join(", "));
        let sample = Sample { expr: new, sent: required.iter().any(|a| a.sent) };
        let first_optional = fields.iter().find(|f| f.setter.is_some());
        match first_optional {
            Some(field) if fill && required.is_empty() => {
                let value = Sample::argument(ir, field, depth);
                let setter = field.setter.as_deref().unwrap_or_default();
                Sample { expr: format!("{}.{setter}({})", sample.expr, value.expr), sent: value.sent }
            }
            _ => sample,
        }
    }

    fn wrap(before: &str, inner: Sample, after: &str) -> Sample {
        Sample { expr: format!("{before}{}{after}", inner.expr), ..inner }
    }

    /// A value of the named type `id`: a struct through `new` (and its first setter
    /// if it has no required field), an enum's first value, a union's first variant.
    fn named(ir: &Ir, id: TypeId, depth: usize) -> Sample {
        assert!(depth <= MAX_DEPTH, "params nest deeper than {MAX_DEPTH} at {}", ir.get(id).source);
        let path = path(ir, id);
        match &ir.get(id).kind {
            TypeKind::Struct(s) => Sample::structure(ir, id, &s.fields, depth, true),
            TypeKind::Enum(e) => Sample::new(format!("{path}::{}", e.variants[0].rust_name)),
            TypeKind::Union(u) => {
                let variant = &u.variants[0];
                let inner = Sample::exact(ir, &variant.ty, depth);
                let inner = if variant.boxed { Sample::wrap("Box::new(", inner, ")") } else { inner };
                Sample::wrap(&format!("{path}::{}(", variant.rust_name), inner, ")")
            }
        }
    }
}
