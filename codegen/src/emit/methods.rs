//! Resource methods: one associated function per operation on the resource type,
//! returning a `stripe_runtime::Request` for the response type
//! (`VerificationSession::create(&params).send(&client)`).

use proc_macro2::TokenStream;
use quote::quote;

use super::types::{doc_attrs, ident, named, render, Uses};
use crate::error::Result;
use crate::ir::{HttpMethod, Ir, Operation, ParamsIn};

/// The `impl` block of methods for the operations of one resource.
pub fn emit_methods(ir: &Ir, operations: &[&Operation], uses: &mut Uses) -> Result<TokenStream> {
    let Some(first) = operations.first() else { return Ok(quote!()) };
    let resource = named(ir, first.resource, &first.module)?;
    let mut methods = Vec::with_capacity(operations.len());
    for op in operations {
        methods.push(method(ir, op, uses)?);
    }
    Ok(quote! {
        impl #resource {
            #(#methods)*
        }
    })
}

fn method(ir: &Ir, op: &Operation, uses: &mut Uses) -> Result<TokenStream> {
    let name = ident(&op.rust_name)?;
    let endpoint = format!("`{} {}`", op.method.as_str(), op.path);
    let docs = if op.docs.is_empty() { endpoint } else { format!("{}\n\n{endpoint}", op.docs) };
    let docs = doc_attrs(&docs);
    let params = named(ir, op.params, &op.module)?;
    let response = render(ir, &op.response, &op.module, uses)?;
    let method = match op.method {
        HttpMethod::Get => quote!(Get),
        HttpMethod::Post => quote!(Post),
        HttpMethod::Delete => quote!(Delete),
    };
    let params_in = match op.params_in {
        ParamsIn::Query => quote!(Query),
        ParamsIn::Body => quote!(Body),
    };
    let mut args = Vec::new();
    let mut segments = Vec::new();
    let mut template = String::new();
    for segment in op.path.split('/').filter(|s| !s.is_empty()) {
        template.push('/');
        match op.path_params.iter().find(|p| segment == format!("{{{}}}", p.wire_name)) {
            Some(param) => {
                let arg = ident(&param.rust_name)?;
                args.push(quote!(#arg: &str));
                segments.push(quote!(stripe_runtime::path_segment(#arg)));
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
    Ok(quote! {
        #docs
        pub fn #name(#(#args,)* params: &#params) -> stripe_runtime::Request<#response> {
            stripe_runtime::Request::new(
                &crate::API_SPEC,
                stripe_runtime::Method::#method,
                #path,
                stripe_runtime::ParamsIn::#params_in,
                params,
            )
        }
    })
}
