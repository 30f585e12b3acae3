//! Params structs: what an operation sends. Optional fields are `Option`s that are
//! never sent when `None`; required fields are arguments of `new`; every optional
//! field has a chaining setter (and clearable ones a `clear_` setter too).

use std::borrow::Cow;
use std::collections::HashMap;

use super::code::Code;
use super::doc_attrs::{doc_lines, member_doc_lines};
use super::lines::{nest, Context, Lines};
use super::scope::Scope;
use super::serde_impls::serialize_impl;
use super::syntax::{checked, field_decl, render_text, struct_def};
use super::TypeItems;
use crate::error::{Error, Result};
use crate::ir::{Field, Ir, Struct, TypeDef, TypeId, TypeKind, TypeRef, Usage};

/// Above this many required fields, `new` is allowed clippy's `too_many_arguments`.
const CLIPPY_MAX_ARGS: usize = 7;

/// A params struct and its constructor and setters; `site` is where it is used.
pub fn emit_params(
    ir: &Ir,
    def: &TypeDef,
    s: &Struct,
    site: Option<&ParamSite>,
    scope: &mut Scope,
) -> Result<TypeItems> {
    let name = checked(&def.name)?;
    let docs = doc_lines(&def.docs, scope);
    let mut fields = String::new();
    let mut new_args = Vec::new();
    let mut new_inits = Vec::new();
    let mut setters = Vec::new();
    let lines = Lines::new(&def.source);
    for field in &s.fields {
        let field_name = checked(&field.rust_name)?;
        let docs = field_docs(field, site);
        fields.push_str(&field_decl(ir, def, field, &docs, scope)?);

        let (arg_ty, calls, inner) = argument(ir, field, scope)?;
        let calls: Vec<&str> = calls.iter().map(String::as_str).collect();
        let value = nest(&calls, &inner);
        if field.required {
            new_args.push(format!("{field_name}: {arg_ty}"));
            if field_name == value {
                new_inits.push(field_name.to_string());
            } else {
                new_inits.push(format!("{field_name}: {value}"));
            }
            continue;
        }
        new_inits.push(format!("{field_name}: None"));
        let Some(setter) = &field.setter else {
            return Err(Error::at(def.source.as_str(), "internal error: an optional param without a setter name"));
        };
        let setter = checked(setter)?;
        let doc = member_doc_lines(&docs, scope);
        let params = ["mut self".to_string(), format!("{field_name}: {arg_ty}")];
        let sig = lines.signature(4, &format!("pub fn {setter}"), &params, " -> Self")?;
        let calls: Vec<&str> = std::iter::once("Some").chain(calls.iter().copied()).collect();
        let assign = lines.nested_call(8, &format!("self.{field_name} = "), &calls, &inner, ";")?;
        setters.push(Code::Laid(format!("{doc}    #[inline]\n{sig}{assign}        self\n    }}\n")));
        if let Some(clear) = &field.clear_setter {
            let clear = checked(clear)?;
            let doc = format!("Clears `{}`: sends it with an empty value, which unsets it.", field.wire_name);
            let doc = member_doc_lines(&doc, scope);
            let clearable = scope.name_text("stripe_runtime::Clearable");
            let sig = lines.signature(4, &format!("pub fn {clear}"), &["mut self".to_string()], " -> Self")?;
            let assign =
                lines.line(8, Context::Statement, &format!("self.{field_name} = Some({clearable}::Clear);"))?;
            setters.push(Code::Laid(format!("{doc}    #[inline]\n{sig}{assign}        self\n    }}\n")));
        }
    }
    let derives = if new_args.is_empty() { "Clone, Debug, Default, PartialEq" } else { "Clone, Debug, PartialEq" };
    let mut items = TypeItems::new(Code::Laid(struct_def(&docs, derives, name, &fields)));
    items.inherent.push(constructor(def, s, &new_args, &new_inits, scope)?);
    items.inherent.extend(setters);
    items.after.push(serialize_impl(def, s, scope)?);
    Ok(items)
}

/// `new`: the required fields are its arguments.
fn constructor(
    def: &TypeDef,
    s: &Struct,
    new_args: &[String],
    new_inits: &[String],
    scope: &mut Scope,
) -> Result<Code> {
    if new_args.is_empty() {
        return Ok(Code::Text(
            "    /// Params with nothing set: every field is optional.\n    #[inline]\n    pub fn new() -> Self {\n        \
             Self::default()\n    }\n"
                .to_string(),
        ));
    }
    let allow = if new_args.len() > CLIPPY_MAX_ARGS { "    #[allow(clippy::too_many_arguments)]\n" } else { "" };
    let required: Vec<String> = s.fields.iter().filter(|f| f.required).map(|f| format!("`{}`", f.wire_name)).collect();
    let doc =
        member_doc_lines(&format!("Params with the required {} set and nothing else.", required.join(", ")), scope);
    let lines = Lines::new(&def.source);
    let sig = lines.signature(4, "pub fn new", new_args, " -> Self")?;
    let body = lines.struct_expr(8, "", "Self", new_inits, "")?;
    Ok(Code::Laid(format!("{doc}{allow}    #[inline]\n{sig}{body}    }}\n")))
}

/// Where a params type is used: the method that sends it
/// (`VerificationSession::create`) and the wire path of its fields from the
/// method's params (`options.document.`).
pub struct ParamSite {
    method: String,
    prefix: String,
}

/// The site of every params type reachable from an operation's params (the first
/// operation's, in document order, for a type several reach).
pub fn param_sites(ir: &Ir) -> HashMap<TypeId, ParamSite> {
    let mut sites = HashMap::new();
    for op in &ir.operations {
        let method = format!("{}::{}", ir.get(op.resource).name, op.rust_name);
        let mut stack = vec![(op.params, String::new())];
        while let Some((id, prefix)) = stack.pop() {
            if sites.contains_key(&id) {
                continue;
            }
            let params_type = |ty: &TypeRef| named_in(ty).filter(|t| ir.get(*t).usage == Usage::Request);
            match &ir.get(id).kind {
                TypeKind::Struct(s) => {
                    let fields = s.fields.iter().filter_map(|f| Some((params_type(&f.ty)?, &f.wire_name)));
                    stack.extend(fields.map(|(target, wire_name)| (target, format!("{prefix}{wire_name}."))));
                }
                TypeKind::Union(u) => {
                    stack.extend(u.variants.iter().filter_map(|v| Some((params_type(&v.ty)?, prefix.clone()))));
                }
                TypeKind::Enum(_) => {}
            }
            sites.insert(id, ParamSite { method: method.clone(), prefix });
        }
    }
    sites
}

/// The named type inside `ty`, if any.
fn named_in(ty: &TypeRef) -> Option<TypeId> {
    match ty {
        TypeRef::Named(id) | TypeRef::Expandable(id) => Some(*id),
        TypeRef::Vec(inner)
        | TypeRef::Map(inner)
        | TypeRef::List(inner)
        | TypeRef::Clearable(inner)
        | TypeRef::Range(inner) => named_in(inner),
        _ => None,
    }
}

/// A param's documentation: the document's, or a line naming the param and the
/// method it is sent by.
fn field_docs<'f>(field: &'f Field, site: Option<&ParamSite>) -> Cow<'f, str> {
    match site {
        _ if !field.docs.is_empty() => Cow::Borrowed(&field.docs),
        Some(site) => Cow::Owned(format!("The `{}{}` param of [`{}`].", site.prefix, field.wire_name, site.method)),
        None => Cow::Owned(format!("The `{}` param.", field.wire_name)),
    }
}

/// The argument type a constructor or setter takes for `field`, and the
/// expression that turns the argument (named like the field) into the field's
/// value: the calls it is wrapped in (`Clearable::Set`, `Box::new`), outermost
/// first, and the innermost expression.
fn argument(ir: &Ir, field: &Field, scope: &mut Scope) -> Result<(String, Vec<String>, String)> {
    let arg = checked(&field.rust_name)?;
    let (clearable, ty) = match &field.ty {
        TypeRef::Clearable(inner) => (true, inner.as_ref()),
        other => (false, other),
    };
    let (arg_ty, value) = match ty {
        TypeRef::Vec(item) => {
            let item = render_text(ir, item, scope)?;
            (
                format!("impl IntoIterator<Item = impl Into<{item}>>"),
                format!("{arg}.into_iter().map(Into::into).collect()"),
            )
        }
        TypeRef::Map(value) => {
            let value = render_text(ir, value, scope)?;
            (
                format!("impl IntoIterator<Item = (impl Into<String>, impl Into<{value}>)>"),
                format!("{arg}.into_iter().map(|(k, v)| (k.into(), v.into())).collect()"),
            )
        }
        TypeRef::String | TypeRef::Timestamp | TypeRef::Json | TypeRef::Range(_) => {
            let ty = render_text(ir, ty, scope)?;
            (format!("impl Into<{ty}>"), format!("{arg}.into()"))
        }
        _ => (render_text(ir, ty, scope)?, arg.to_string()),
    };
    let mut calls = Vec::new();
    if field.boxed {
        calls.push("Box::new".to_string());
    }
    if clearable {
        let clearable = scope.name_text("stripe_runtime::Clearable");
        calls.push(format!("{clearable}::Set"));
    }
    Ok((arg_ty, calls, value))
}
