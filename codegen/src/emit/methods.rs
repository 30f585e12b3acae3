//! Resource methods: one associated function per operation on the resource type,
//! returning a `stripe_runtime::Request` for the response type
//! (`VerificationSession::create(&params).send(&client)`).

use super::code::{string_literal, Code};
use super::doc_attrs::member_doc_lines;
use super::lines::{self, Lines};
use super::scope::Scope;
use super::syntax::{checked, render_text};
use crate::error::Result;
use crate::ir::{HttpMethod, Ir, Operation, ParamsIn, TypeRef};

/// The method of one operation, an item of its resource type's `impl`.
pub fn emit_method(ir: &Ir, op: &Operation, scope: &mut Scope) -> Result<Code> {
    let name = checked(&op.rust_name)?;
    let endpoint = match &op.server {
        Some(server) => format!("`{} {}` on `{server}`", op.method.as_str(), op.path),
        None => format!("`{} {}`", op.method.as_str(), op.path),
    };
    let docs = if op.docs.is_empty() { endpoint } else { format!("{}\n\n{endpoint}", op.docs) };
    let docs = member_doc_lines(&docs, scope);
    let params = render_text(ir, &TypeRef::Named(op.params), scope)?;
    let response = render_text(ir, &op.response, scope)?;
    let method = match op.method {
        HttpMethod::Get => "Get",
        HttpMethod::Post => "Post",
        HttpMethod::Delete => "Delete",
    };
    let params_in = match op.params_in {
        ParamsIn::Query => "Query",
        ParamsIn::Body => "Body",
        ParamsIn::Multipart => "Multipart",
    };
    let mut args = Vec::new();
    let mut segments = Vec::new();
    let mut template = String::new();
    for segment in op.path.split('/').filter(|s| !s.is_empty()) {
        template.push('/');
        match op.path_params.iter().find(|p| segment == format!("{{{}}}", p.wire_name)) {
            Some(param) => {
                let arg = checked(&param.rust_name)?;
                args.push(format!("{arg}: &str"));
                let path_segment = scope.name_text("stripe_runtime::path_segment");
                segments.push(format!("{path_segment}({arg})"));
                template.push_str("{}");
            }
            None => template.push_str(&segment.replace('{', "{{").replace('}', "}}")),
        }
    }
    let (path_head, path_args) = if segments.is_empty() {
        ("String::from", vec![string_literal(&op.path)])
    } else {
        ("format!", std::iter::once(string_literal(&template)).chain(segments).collect())
    };
    // The path argument, laid out as prettyplease would when it is too wide for a
    // line (most paths with two parameters); else the method goes to prettyplease.
    let (path, path_laid) = match lines::argument(12, path_head, &path_args) {
        Some(laid) => (laid, true),
        None => (format!("            {path_head}({}),\n", path_args.join(", ")), false),
    };
    let request = scope.name_text("stripe_runtime::Request");
    let http_method = scope.name_text("stripe_runtime::Method");
    let where_params = scope.name_text("stripe_runtime::ParamsIn");
    args.push(format!("params: &{params}"));
    let lines = Lines::new(&op.source);
    let sig = lines.signature(4, &format!("pub fn {name}"), &args, &format!(" -> {request}<{response}>"))?;
    // The operation's own server (uploads go to `https://files.stripe.com/`).
    let server = op.server.as_ref().map(|url| format!(".server({})", string_literal(url)));
    let call = format!(
        "        {request}::new(\n            &crate::API_SPEC,\n            {http_method}::{method},\n{path}            \
         {where_params}::{params_in},\n            params,\n        ){}\n",
        server.as_deref().unwrap_or_default()
    );
    // `#[inline]`: compiled (with its params' encoding) by the crate that calls it,
    // not by this one for every operation (see the module docs of `emit`).
    let text = format!("{docs}    #[inline]\n{sig}{call}    }}\n");
    // A method chain is laid out by prettyplease.
    Ok(if server.is_some() || !path_laid { Code::Rust(text) } else { Code::Text(text) })
}
