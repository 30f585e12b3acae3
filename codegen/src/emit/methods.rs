//! Resource methods: one associated function per operation on the resource type,
//! returning a `stripe_runtime::Request` for the response type
//! (`VerificationSession::create(&params).send(&client)`).

use proc_macro2::TokenStream;
use quote::quote;

use super::doc_attrs::member_doc_attrs;
use super::scope::Scope;
use super::syntax::{ident, named, render};
use crate::error::Result;
use crate::ir::{HttpMethod, Ir, Operation, ParamsIn};

/// The method of one operation, an item of its resource type's `impl`.
pub fn emit_method(ir: &Ir, op: &Operation, scope: &mut Scope) -> Result<TokenStream> {
    let name = ident(&op.rust_name)?;
    let endpoint = match &op.server {
        Some(server) => format!("`{} {}` on `{server}`", op.method.as_str(), op.path),
        None => format!("`{} {}`", op.method.as_str(), op.path),
    };
    let docs = if op.docs.is_empty() { endpoint } else { format!("{}\n\n{endpoint}", op.docs) };
    let docs = member_doc_attrs(&docs, scope);
    let params = named(ir, op.params, scope)?;
    let response = render(ir, &op.response, scope)?;
    let method = match op.method {
        HttpMethod::Get => quote!(Get),
        HttpMethod::Post => quote!(Post),
        HttpMethod::Delete => quote!(Delete),
    };
    let params_in = match op.params_in {
        ParamsIn::Query => quote!(Query),
        ParamsIn::Body => quote!(Body),
        ParamsIn::Multipart => quote!(Multipart),
    };
    // The operation's own server (uploads go to `https://files.stripe.com/`).
    let server = op.server.as_ref().map(|url| quote!(.server(#url)));
    let mut args = Vec::new();
    let mut segments = Vec::new();
    let mut template = String::new();
    for segment in op.path.split('/').filter(|s| !s.is_empty()) {
        template.push('/');
        match op.path_params.iter().find(|p| segment == format!("{{{}}}", p.wire_name)) {
            Some(param) => {
                let arg = ident(&param.rust_name)?;
                args.push(quote!(#arg: &str));
                let path_segment = scope.name("stripe_runtime::path_segment");
                segments.push(quote!(#path_segment(#arg)));
                template.push_str("{}");
            }
            None => template.push_str(&segment.replace('{', "{{").replace('}', "}}")),
        }
    }
    let path = if segments.is_empty() {
        let literal = &op.path;
        quote!(String::from(#literal))
    } else {
        quote!(format!(#template, #(#segments),*))
    };
    let request = scope.name("stripe_runtime::Request");
    let http_method = scope.name("stripe_runtime::Method");
    let where_params = scope.name("stripe_runtime::ParamsIn");
    // `#[inline]`: compiled (with its params' encoding) by the crate that calls it,
    // not by this one for every operation (see the module docs of `emit`).
    Ok(quote! {
        #docs
        #[inline]
        pub fn #name(#(#args,)* params: &#params) -> #request<#response> {
            #request::new(
                &crate::API_SPEC,
                #http_method::#method,
                #path,
                #where_params::#params_in,
                params,
            )
            #server
        }
    })
}
