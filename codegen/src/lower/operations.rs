//! Operations: every method on every path that belongs to a selected resource,
//! with its path parameters, its params struct and its response type.
//!
//! Which resource an operation belongs to is decided over the whole document (see
//! [`crate::owners`]); its method's name by the naming rule
//! ([`names::method_name`]) or, where Stripe's SDKs depart from it, by the policy's
//! `methods`. Nothing is special to any operation.

use std::collections::{BTreeMap, HashMap, HashSet};

use openapiv3::{OpenAPI, Parameter, ParameterSchemaOrContent, QueryStyle, ReferenceOr, Schema, SchemaKind, Type};

use super::{ref_target, Ctx, Hint, Lowerer, Node, PendingStruct, Place, Prop};
use crate::docs::to_rustdoc;
use crate::error::{pointer_push, Error, Result};
use crate::ir::{HttpMethod, Operation, ParamsIn, PathParam, Struct, TypeId, TypeKind, TypeRef, Usage};
use crate::names::{self, field_name, MethodShape};
use crate::owners::{OperationFacts, Owners};

const FORM: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";
/// The request body types, in the order of preference, and where they put the params.
const BODIES: [(&str, ParamsIn); 2] = [(FORM, ParamsIn::Body), (MULTIPART, ParamsIn::Multipart)];

/// An operation of a selected resource, before lowering.
pub(super) struct Planned<'a> {
    pointer: String,
    method: HttpMethod,
    path: &'a str,
    op: &'a openapiv3::Operation,
    /// Parameters declared on the path item, shared by its operations.
    shared_params: &'a [ReferenceOr<Parameter>],
    /// The component schema name of the resource.
    resource: &'a str,
    /// The success response's schema and its pointer.
    response: Option<(Node<'a>, String)>,
    /// What the whole document says of it (see [`crate::owners`]).
    facts: &'a OperationFacts,
}

/// Finds the operations of the resources in `roots` (component schema names), by
/// the owners decided over the whole document.
pub(super) fn plan<'a>(doc: &'a OpenAPI, roots: &HashSet<&'a str>, owners: &'a Owners) -> Result<Vec<Planned<'a>>> {
    let mut found: Vec<Planned<'a>> = Vec::new();
    let mut operation_ids: HashMap<&str, String> = HashMap::new();
    for (path, item) in &doc.paths.paths {
        let item_pointer = pointer_push("#/paths", path);
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { .. } => {
                return Err(Error::at(item_pointer, "path item `$ref`s are not supported"));
            }
        };
        let selected = owners.owner_of_path(path).and_then(|owner| roots.get(owner).copied());
        for (verb, op) in item.iter() {
            let pointer = pointer_push(&item_pointer, verb);
            if let Some(id) = &op.operation_id {
                if let Some(first) = operation_ids.insert(id, pointer.clone()) {
                    return Err(Error::at(
                        pointer_push(&pointer, "operationId"),
                        format!("duplicate operationId `{id}` (also at {first})"),
                    ));
                }
            }
            let method = match verb {
                "get" => HttpMethod::Get,
                "post" => HttpMethod::Post,
                "delete" => HttpMethod::Delete,
                _ if selected.is_some() => {
                    return Err(Error::at(
                        pointer,
                        format!("unsupported HTTP method `{verb}`: only get, post and delete are"),
                    ));
                }
                _ => continue,
            };
            let Some(facts) = owners.get(path, method) else { continue };
            let Some(resource) = roots.get(facts.owner.as_str()).copied() else { continue };
            let response = success_response(op, &pointer)?;
            found.push(Planned {
                pointer,
                method,
                path,
                op,
                shared_params: &item.parameters,
                resource,
                response,
                facts,
            });
        }
    }
    Ok(found)
}

impl<'a> Planned<'a> {
    /// The schemas of this operation (response, parameters, body), with where they are.
    pub(super) fn schema_nodes(&self) -> Vec<(Node<'a>, String)> {
        let mut nodes: Vec<(Node<'a>, String)> = self.response.iter().map(|(n, p)| (*n, p.clone())).collect();
        for (i, param) in self.op.parameters.iter().enumerate() {
            if let ReferenceOr::Item(param) = param {
                if let ParameterSchemaOrContent::Schema(schema) = &param.parameter_data_ref().format {
                    let at = pointer_push(&pointer_push(&self.pointer, "parameters"), &i.to_string());
                    nodes.push((Node::of(schema), pointer_push(&at, "schema")));
                }
            }
        }
        if let Some((schema, at)) = self.body_schema() {
            nodes.push((Node::of(schema), at));
        }
        nodes
    }

    fn body_schema(&self) -> Option<(&'a ReferenceOr<Schema>, String)> {
        let ReferenceOr::Item(body) = self.op.request_body.as_ref()? else { return None };
        let (content_type, media) = BODIES.iter().find_map(|(t, _)| Some((*t, body.content.get(*t)?)))?;
        let at = pointer_push(&pointer_push(&pointer_push(&self.pointer, "requestBody"), "content"), content_type);
        media.schema.as_ref().map(|s| (s, pointer_push(&at, "schema")))
    }

    /// Where the params go: the query string for `GET` and `DELETE`, else the
    /// body, as a form or (for uploads) as multipart parts.
    fn params_in(&self) -> ParamsIn {
        let body = match self.op.request_body.as_ref() {
            Some(ReferenceOr::Item(body)) if self.method == HttpMethod::Post => body,
            _ => return self.method.params_in(),
        };
        BODIES.iter().find(|(t, _)| body.content.contains_key(*t)).map_or(self.method.params_in(), |(_, p)| *p)
    }

    /// The operation's own server, if the document gives it one other than its default.
    fn server(&self, doc: &OpenAPI) -> Option<String> {
        let own = self.op.servers.first()?;
        let default = doc.servers.first().map(|s| s.url.as_str());
        (Some(own.url.as_str()) != default).then(|| own.url.clone())
    }
}

/// The schema of the first 2xx response's JSON body.
fn success_response<'a>(op: &'a openapiv3::Operation, pointer: &str) -> Result<Option<(Node<'a>, String)>> {
    let at = pointer_push(pointer, "responses");
    let mut codes: Vec<_> = op
        .responses
        .responses
        .iter()
        .filter(|(code, _)| match code {
            openapiv3::StatusCode::Code(c) => (200..300).contains(c),
            openapiv3::StatusCode::Range(r) => *r == 2,
        })
        .collect();
    codes.sort_by_key(|(code, _)| (*code).clone());
    let Some((code, response)) = codes.first() else { return Ok(None) };
    let at = pointer_push(&at, &code.to_string());
    let response = match response {
        ReferenceOr::Item(response) => response,
        ReferenceOr::Reference { .. } => return Err(Error::at(at, "response `$ref`s are not supported")),
    };
    let Some(media) = response.content.get("application/json") else { return Ok(None) };
    let at = pointer_push(&pointer_push(&at, "content"), "application/json");
    Ok(media.schema.as_ref().map(|schema| (Node::of(schema), pointer_push(&at, "schema"))))
}

/// The Rust method name of every planned operation: the policy's name for it, if
/// any, else the naming rule's. Two operations of one resource with the same name
/// are an error that names both.
pub(super) fn method_names(
    planned: &[Planned<'_>],
    owners: &Owners,
    overrides: &BTreeMap<String, String>,
) -> Result<Vec<String>> {
    let mut taken: HashMap<(&str, String), &Planned<'_>> = HashMap::new();
    let mut out = Vec::with_capacity(planned.len());
    for p in planned {
        let key = format!("{} {}", p.method.as_str(), p.path);
        let id = |schema: &str| owners.resource_id(schema).unwrap_or(schema).to_string();
        let (owner, returns, get_returns) =
            (id(&p.facts.owner), p.facts.returns.as_deref().map(id), p.facts.get_returns.as_deref().map(id));
        let name = match overrides.get(&key) {
            Some(name) => name.clone(),
            None => names::method_name(&MethodShape {
                method: p.method,
                below: &p.facts.below,
                owner: &owner,
                returns: returns.as_deref(),
                returns_list: p.facts.returns_list,
                returns_file: p.facts.returns_file,
                get_returns: get_returns.as_deref(),
            }),
        };
        if let Some(first) = taken.insert((p.resource, name.clone()), p) {
            return Err(Error::at(
                p.pointer.as_str(),
                format!(
                    "`{key}` and `{} {}` of `{}` are both named `{name}`: name one of them in \
                     spec/codegen.yaml's `methods`",
                    first.method.as_str(),
                    first.path,
                    p.resource
                ),
            ));
        }
        out.push(name);
    }
    Ok(out)
}

impl<'a> Lowerer<'a> {
    /// Lowers one planned operation: its params struct (queued), path parameters and
    /// response, in named steps.
    pub(super) fn lower_operation(&mut self, planned: &Planned<'a>, rust_name: String) -> Result<Operation> {
        let pointer = &planned.pointer;
        let resource_ctx = self.placement.root_ctx(planned.resource);
        let resource = match self.component(planned.resource, None)? {
            crate::ir::TypeRef::Named(id) => id,
            _ => {
                return Err(Error::at(
                    pointer_push("#/components/schemas", planned.resource),
                    "a resource must be an object schema",
                ))
            }
        };
        let params = merge_parameters(planned)?;
        let path_params = path_params(planned, &params)?;
        let mut props = query_props(planned, &params)?;
        body_props(planned, &mut props)?;
        let description = planned.op.description.as_deref().or(planned.op.summary.as_deref()).unwrap_or("");
        let docs = to_rustdoc(description);
        let params_id = self.params_type(planned, &resource_ctx, &rust_name, &docs, props)?;
        let response = self.response_type(planned, &resource_ctx, &rust_name)?;
        Ok(Operation {
            operation_id: planned.op.operation_id.clone().unwrap_or_default(),
            source: pointer.clone(),
            method: planned.method,
            path: planned.path.to_string(),
            module: resource_ctx.module,
            resource,
            rust_name,
            path_params,
            params: params_id,
            params_in: planned.params_in(),
            server: planned.server(self.doc),
            response,
            docs,
        })
    }

    /// The params struct of an operation, named for its method (`CreateParams`),
    /// with the query parameters or body properties as fields (lowered later, from
    /// the queue).
    fn params_type(
        &mut self,
        planned: &Planned<'a>,
        resource_ctx: &Ctx,
        rust_name: &str,
        op_docs: &str,
        props: Vec<Prop<'a>>,
    ) -> Result<TypeId> {
        let head = format!("Parameters of `{} {}`.", planned.method.as_str(), planned.path);
        let docs = if op_docs.is_empty() { head } else { format!("{head}\n\n{op_docs}") };
        let request_ctx = Ctx { usage: Usage::Request, ..resource_ctx.clone() };
        let hint = Hint { field: &names::params_type_field(rust_name), docs: "", name: None };
        let kind = TypeKind::Struct(Struct { object_name: None, resource_id: None, fields: Vec::new() });
        let (id, mut inner) = self.new_type(Place::inline(&planned.pointer, &request_ctx, &hint), docs, kind)?;
        inner.wire_path = rust_name.to_string();
        self.queue.push_back(PendingStruct { id, props, ctx: inner });
        Ok(id)
    }

    /// The type of the successful response (any JSON when the document gives none).
    fn response_type(&mut self, planned: &Planned<'a>, resource_ctx: &Ctx, rust_name: &str) -> Result<TypeRef> {
        let Some((node, at)) = &planned.response else { return Ok(TypeRef::Json) };
        let field = match node {
            Node::Ref(r) => ref_target(r, at)?.to_string(),
            Node::Schema(_) => names::response_type_field(rust_name),
        };
        let hint = Hint { field: &field, docs: "", name: None };
        self.type_ref(*node, at, Some((resource_ctx, &hint)))
    }
}

/// The operation's parameters and the path item's, each with its pointer; an
/// operation parameter overrides a path-item one of the same name and location.
fn merge_parameters<'a>(planned: &Planned<'a>) -> Result<Vec<(&'a Parameter, String)>> {
    let pointer = &planned.pointer;
    let mut params: Vec<(&'a Parameter, String)> = Vec::new();
    let mut seen: HashSet<(&str, &str)> = HashSet::new();
    let op_params = planned.op.parameters.iter().enumerate().map(|(i, p)| (p, pointer_push(pointer, "parameters"), i));
    let item_pointer = pointer.rsplit_once('/').map_or("", |(item, _)| item).to_string();
    let shared =
        planned.shared_params.iter().enumerate().map(|(i, p)| (p, pointer_push(&item_pointer, "parameters"), i));
    for (param, list_pointer, i) in op_params.chain(shared) {
        let at = pointer_push(&list_pointer, &i.to_string());
        let param = match param {
            ReferenceOr::Item(param) => param,
            ReferenceOr::Reference { .. } => return Err(Error::at(at, "parameter `$ref`s are not supported")),
        };
        let location = match param {
            Parameter::Query { .. } => "query",
            Parameter::Path { .. } => "path",
            Parameter::Header { .. } => "header",
            Parameter::Cookie { .. } => "cookie",
        };
        if seen.insert((param.parameter_data_ref().name.as_str(), location)) {
            params.push((param, at));
        }
    }
    Ok(params)
}

/// The `{name}`s of a path template, in order.
fn template_params(path: &str) -> Vec<&str> {
    path.split('/').filter_map(|s| s.strip_prefix('{')?.strip_suffix('}')).collect()
}

/// The path parameters: exactly the template's `{name}`s, each declared `in: path`.
fn path_params(planned: &Planned<'_>, params: &[(&Parameter, String)]) -> Result<Vec<PathParam>> {
    let mut path_params = Vec::new();
    let mut arg_names = names::method_arguments();
    for name in template_params(planned.path) {
        let found =
            params.iter().find(|(p, _)| matches!(p, Parameter::Path { .. }) && p.parameter_data_ref().name == name);
        let Some((param, _)) = found else {
            return Err(Error::at(
                pointer_push(&planned.pointer, "parameters"),
                format!("the path `{}` uses `{{{name}}}`, which no `in: path` parameter declares", planned.path),
            ));
        };
        let docs = param.parameter_data_ref().description.as_deref().map(to_rustdoc).unwrap_or_default();
        path_params.push(PathParam {
            wire_name: name.to_string(),
            rust_name: arg_names.claim(field_name(name)),
            docs: if docs.is_empty() { format!("The `{name}` in the path.") } else { docs },
        });
    }
    Ok(path_params)
}

/// The query parameters as params fields; path parameters are checked against the
/// template, and header and cookie parameters refused.
fn query_props<'a>(planned: &Planned<'a>, params: &[(&'a Parameter, String)]) -> Result<Vec<Prop<'a>>> {
    let template = template_params(planned.path);
    let mut props: Vec<Prop<'a>> = Vec::new();
    for (param, at) in params {
        let data = param.parameter_data_ref();
        match param {
            Parameter::Path { .. } if template.contains(&data.name.as_str()) => continue,
            Parameter::Path { .. } => {
                return Err(Error::at(
                    at,
                    format!("path parameter `{}` does not appear in the path `{}`", data.name, planned.path),
                ));
            }
            Parameter::Query { style, .. } => {
                if !matches!(style, QueryStyle::Form | QueryStyle::DeepObject) {
                    return Err(Error::at(
                        pointer_push(at, "style"),
                        "unsupported query parameter style: only `form` and `deepObject` are",
                    ));
                }
                if planned.method.params_in() == ParamsIn::Body {
                    return Err(Error::at(
                        at,
                        format!(
                            "query parameter `{}` on a {} operation is not supported: its params are sent in the body",
                            data.name,
                            planned.method.as_str()
                        ),
                    ));
                }
            }
            Parameter::Header { .. } | Parameter::Cookie { .. } => {
                return Err(Error::at(at, "header and cookie parameters are not supported"));
            }
        }
        let ParameterSchemaOrContent::Schema(schema) = &data.format else {
            return Err(Error::at(at, "parameters with `content` are not supported: only `schema`"));
        };
        props.push(Prop {
            name: &data.name,
            node: Node::of(schema),
            pointer: pointer_push(at, "schema"),
            required: data.required,
            description: data.description.as_deref(),
        });
    }
    Ok(props)
}

/// The properties of the form body, added to `props` (after the query parameters);
/// any other kind of body is refused.
fn body_props<'a>(planned: &Planned<'a>, props: &mut Vec<Prop<'a>>) -> Result<()> {
    if let Some(body) = &planned.op.request_body {
        let at = pointer_push(&planned.pointer, "requestBody");
        let body = match body {
            ReferenceOr::Item(body) => body,
            ReferenceOr::Reference { .. } => return Err(Error::at(at, "request body `$ref`s are not supported")),
        };
        if !body.content.is_empty() && !BODIES.iter().any(|(t, _)| body.content.contains_key(*t)) {
            let types: Vec<&str> = body.content.keys().map(String::as_str).collect();
            return Err(Error::at(
                pointer_push(&at, "content"),
                format!("unsupported request body type {types:?}: only `{FORM}` and `{MULTIPART}` are"),
            ));
        }
    }
    let Some((schema, at)) = planned.body_schema() else { return Ok(()) };
    let object = match schema {
        ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::Object(o)), .. }) => o,
        _ => return Err(Error::at(at, "a request body must be an inline object schema")),
    };
    let properties = pointer_push(&at, "properties");
    for (name, node) in &object.properties {
        if props.iter().any(|p| p.name == name) {
            return Err(Error::at(
                pointer_push(&properties, name),
                format!("`{name}` is both a query parameter and a body property"),
            ));
        }
        props.push(Prop {
            name,
            node: Node::of(node),
            pointer: pointer_push(&properties, name),
            required: object.required.iter().any(|r| r == name),
            description: None,
        });
    }
    Ok(())
}
