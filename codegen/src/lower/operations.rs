//! Operations: every method on every path that belongs to a selected resource,
//! with its path parameters, its params struct and its response type.
//!
//! An operation belongs to the resource its successful response returns (the
//! resource itself, or a list of it); an operation whose response names no
//! resource belongs to the resource whose paths are the longest prefix of its own.
//! Method names come from the verb and the path below the resource's collection
//! path (see [`names::method_name`]); nothing is special to any operation.

use std::collections::{HashMap, HashSet};

use openapiv3::{OpenAPI, Parameter, ParameterSchemaOrContent, QueryStyle, ReferenceOr, Schema, SchemaKind, Type};

use super::schema::list_items;
use super::{ref_target, Ctx, Hint, Lowerer, Node, PendingStruct, Place, Prop};
use crate::docs::to_rustdoc;
use crate::error::{pointer_push, Error, Result};
use crate::ir::{HttpMethod, Operation, ParamsIn, PathParam, Struct, TypeId, TypeKind, TypeRef, Usage};
use crate::names::{self, field_name, Namespace};

const FORM: &str = "application/x-www-form-urlencoded";

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
    returns_list: bool,
}

/// Finds the operations of the resources in `roots` (component schema names).
pub(super) fn plan<'a>(doc: &'a OpenAPI, roots: &HashSet<&'a str>) -> Result<Vec<Planned<'a>>> {
    let mut found: Vec<Planned<'a>> = Vec::new();
    let mut unresolved = Vec::new();
    let mut operation_ids: HashMap<&str, String> = HashMap::new();
    for (path, item) in &doc.paths.paths {
        let item_pointer = pointer_push("#/paths", path);
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { .. } => {
                return Err(Error::at(item_pointer, "path item `$ref`s are not supported"));
            }
        };
        for (verb, op) in item.iter() {
            let pointer = pointer_push(&item_pointer, verb);
            let method = match verb {
                "get" => Some(HttpMethod::Get),
                "post" => Some(HttpMethod::Post),
                "delete" => Some(HttpMethod::Delete),
                _ => None,
            };
            if let Some(id) = &op.operation_id {
                if let Some(first) = operation_ids.insert(id, pointer.clone()) {
                    return Err(Error::at(
                        pointer_push(&pointer, "operationId"),
                        format!("duplicate operationId `{id}` (also at {first})"),
                    ));
                }
            }
            let response = success_response(op, &pointer)?;
            let (resource, returns_list) = match response {
                Some((node, _)) => resource_of(doc, node, roots),
                None => (None, false),
            };
            let Some(method) = method else {
                if resource.is_some() {
                    return Err(Error::at(
                        pointer,
                        format!("unsupported HTTP method `{verb}`: only get, post and delete are"),
                    ));
                }
                continue;
            };
            let planned = Planned {
                pointer,
                method,
                path,
                op,
                shared_params: &item.parameters,
                resource: resource.unwrap_or_default(),
                response,
                returns_list,
            };
            match resource {
                Some(_) => found.push(planned),
                None => unresolved.push(planned),
            }
        }
    }
    // Operations whose response names no selected resource (a deleted object, a
    // custom shape) belong to the resource with the longest matching path prefix.
    let collections: Vec<(String, &'a str)> = found.iter().map(|p| (collection_path(p.path), p.resource)).collect();
    for mut planned in unresolved {
        let best = collections
            .iter()
            .filter(|(collection, _)| is_prefix(collection, planned.path))
            .max_by_key(|(collection, resource)| (segments(collection).len(), std::cmp::Reverse(*resource)))
            .map(|(_, resource)| *resource);
        if let Some(resource) = best {
            planned.resource = resource;
            found.push(planned);
        }
    }
    // Back in document order, whatever the pass that found them.
    let order: HashMap<&str, usize> = doc.paths.paths.keys().enumerate().map(|(i, p)| (p.as_str(), i)).collect();
    found.sort_by_key(|p| (order[p.path], p.method));
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
        let media = body.content.get(FORM)?;
        let at = pointer_push(&pointer_push(&pointer_push(&self.pointer, "requestBody"), "content"), FORM);
        media.schema.as_ref().map(|s| (s, pointer_push(&at, "schema")))
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

/// The selected resource a response returns (directly or as a list), and whether it is a list.
fn resource_of<'a>(doc: &'a OpenAPI, node: Node<'a>, roots: &HashSet<&'a str>) -> (Option<&'a str>, bool) {
    let target = |node: Node<'a>| match node {
        Node::Ref(r) => ref_target(r, "").ok().and_then(|name| roots.get(name).copied()),
        Node::Schema(_) => None,
    };
    if let Some(name) = target(node) {
        return (Some(name), false);
    }
    let object = match node {
        Node::Schema(Schema { schema_kind: SchemaKind::Type(Type::Object(o)), .. }) => o,
        Node::Ref(r) => match ref_target(r, "").ok().and_then(|n| doc.components.as_ref()?.schemas.get(n)) {
            Some(ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::Object(o)), .. })) => o,
            _ => return (None, false),
        },
        _ => return (None, false),
    };
    match list_items(object) {
        Some(items) => (target(Node::of(items)), true),
        None => (None, false),
    }
}

fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

fn is_param(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

/// A path without its trailing `{param}` segment.
fn collection_path(path: &str) -> String {
    let mut segs = segments(path);
    if segs.last().is_some_and(|s| is_param(s)) {
        segs.pop();
    }
    format!("/{}", segs.join("/"))
}

fn is_prefix(prefix: &str, path: &str) -> bool {
    let (prefix, path) = (segments(prefix), segments(path));
    path.len() >= prefix.len() && path[..prefix.len()] == prefix[..]
}

/// The segments of `path` below the resource's collection path `collection` (all of
/// them when it is not below it), for [`names::method_name`].
fn below_collection<'p>(path: &'p str, collection: &str) -> Vec<&'p str> {
    let all = segments(path);
    if is_prefix(collection, path) {
        all[segments(collection).len()..].to_vec()
    } else {
        all
    }
}

/// The Rust method name of every planned operation, unique per resource.
pub(super) fn method_names(planned: &[Planned<'_>]) -> Vec<String> {
    // A resource's collection path is its shortest operation path, without a trailing parameter.
    let mut collections: HashMap<&str, String> = HashMap::new();
    for p in planned {
        let candidate = collection_path(p.path);
        let entry = collections.entry(p.resource).or_insert_with(|| candidate.clone());
        if segments(&candidate).len() < segments(entry).len() {
            *entry = candidate;
        }
    }
    let mut taken: HashMap<&str, Namespace> = HashMap::new();
    planned
        .iter()
        .map(|p| {
            let rest = below_collection(p.path, &collections[p.resource]);
            let name = names::method_name(p.method, &rest, p.returns_list);
            taken.entry(p.resource).or_default().claim(name)
        })
        .collect()
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
            params_in: planned.method.params_in(),
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
    segments(path).into_iter().filter(|s| is_param(s)).map(|s| &s[1..s.len() - 1]).collect()
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
        if !body.content.is_empty() && !body.content.contains_key(FORM) {
            let types: Vec<&str> = body.content.keys().map(String::as_str).collect();
            return Err(Error::at(
                pointer_push(&at, "content"),
                format!("unsupported request body type {types:?}: only `{FORM}` is"),
            ));
        }
    }
    let Some((schema, at)) = planned.body_schema() else { return Ok(()) };
    let object = match schema {
        ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::Object(o)), .. }) => o,
        _ => return Err(Error::at(at, "a form request body must be an inline object schema")),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_names_from_verb_and_path() {
        let c = "/v1/identity/verification_sessions";
        let name = |m, p: &str, collection: &str, list| names::method_name(m, &below_collection(p, collection), list);
        assert_eq!(name(HttpMethod::Get, c, c, true), "list");
        assert_eq!(name(HttpMethod::Post, c, c, false), "create");
        assert_eq!(name(HttpMethod::Get, "/v1/identity/verification_sessions/{session}", c, false), "retrieve");
        assert_eq!(name(HttpMethod::Post, "/v1/identity/verification_sessions/{session}", c, false), "update");
        assert_eq!(name(HttpMethod::Delete, "/v1/identity/verification_sessions/{session}", c, false), "delete");
        assert_eq!(name(HttpMethod::Post, "/v1/identity/verification_sessions/{session}/cancel", c, false), "cancel");
        assert_eq!(name(HttpMethod::Post, "/v1/identity/verification_sessions/{session}/redact", c, false), "redact");
        assert_eq!(name(HttpMethod::Get, "/v1/customers/search", "/v1/customers", false), "search");
        assert_eq!(
            name(HttpMethod::Get, "/v1/checkout/sessions/{session}/line_items", "/v1/checkout/sessions", true),
            "list_line_items"
        );
        assert_eq!(
            name(HttpMethod::Delete, "/v1/customers/{customer}/discount", "/v1/customers", false),
            "delete_discount"
        );
        assert_eq!(name(HttpMethod::Get, "/v1/balance", "/v1/balance", false), "retrieve");
    }
}
