//! Lowering: the OpenAPI document -> [`Ir`].
//!
//! 1. Select the resources whose `x-resourceId` matches the selection and take the
//!    closure of every component schema they reference (`sites`).
//! 2. Place every named type (`placement`): a resource gets its own module
//!    (`identity::verification_session::VerificationSession`); a schema referenced
//!    from one place of the whole document is named for that place (`LastError`,
//!    `OptionsDocument`) in the module of its owner; a schema referenced from
//!    several places goes in the `shared` module under its own name (`Address`).
//!    Counting over the whole document, not the selection, keeps a type's path the
//!    same whatever else is selected.
//! 3. Lower every schema to structs, enums and unions, breadth first from a work
//!    queue (no recursion on the depth of the document's objects).
//! 4. Lower the selected resources' operations (`operations`): path parameters,
//!    a params struct per operation (`CreateParams`, with nested param types named
//!    by their path, `CreateParamsOptionsDocument`) and the response type.
//! 5. Box the fields (and union variants) through which a type contains itself.
//!
//! Limits, so that a hostile document fails with an error rather than exhausting
//! the stack, time or memory:
//! - [`MAX_SCHEMA_DEPTH`]: schemas lowered within each other without a named type
//!   in between (`$ref` aliases, `items`, `allOf`, unions' variants) recurse; past
//!   128 levels that is an error naming the schema.
//! - [`MAX_TYPE_NESTING`]: a type named for the place it is used from carries its
//!   owner's name (`OptionsDocument`), so a chain of such types has names that grow
//!   with its length; past 64 levels that is an error naming the schema.
//! - [`MAX_TYPES`]: schemas lowered wherever they are used can multiply the types
//!   exponentially; past 100,000 types that is an error naming the schema.

mod graph;
mod operations;
mod placement;
mod refine;
mod schema;
mod sites;

use std::collections::{BTreeMap, HashSet, VecDeque};

use rustc_hash::FxHashMap;

use indexmap::IndexMap;
use openapiv3::{OpenAPI, ReferenceOr, Schema};

use crate::config::{pattern_matches, Refinement};
use crate::error::{pointer_push, Error, Result};
use crate::ir::{Ir, TypeDef, TypeId, TypeKind, TypeRef, Usage};
use crate::names::{cached, Namespace};
use crate::whole::Whole;

pub use crate::config::Policy;

/// How many schemas may be lowered within each other (through `$ref` aliases,
/// array `items`, `allOf`, `anyOf` and `oneOf`) before lowering gives up. Stripe's
/// document needs fewer than ten; the limit keeps the recursion well inside a
/// 2 MiB thread stack.
pub const MAX_SCHEMA_DEPTH: usize = 128;

/// How many types named for their place (`A` > `ANext` > `ANextNext`...) may
/// nest within each other. Stripe's document needs fewer than ten.
pub const MAX_TYPE_NESTING: usize = 64;

/// How many types one lowering may make. A schema that is no type of its own (an
/// array, a map, a `$ref` alias) is lowered again wherever it is used, with the
/// inline objects and unions inside it; if it uses such a schema twice, and that
/// one the next twice, and so on, the types double at each level: 40 levels would
/// be 2^40 types. All of Stripe's resources together make about 4,100.
pub const MAX_TYPES: usize = 100_000;

impl Policy {
    /// The document paths (`/v1/webhook_endpoints`) the policy reads values from,
    /// which pruning must keep.
    pub fn kept_paths(&self) -> Vec<String> {
        self.refine.values().filter_map(|r| refine::path_of(r.values_of.as_deref()?)).collect()
    }
}

/// Lowers the schemas of the resources matching the policy's selection (and
/// everything they reference), and their operations, into the IR.
pub fn lower(doc: &OpenAPI, policy: &Policy) -> Result<Ir> {
    lower_with(doc, policy, &Whole::of(doc, policy))
}

/// [`lower`] with the reference counts of the whole document, for a document
/// pruned to the selection (which no longer holds all of its references).
pub fn lower_with(doc: &OpenAPI, policy: &Policy, whole: &Whole) -> Result<Ir> {
    let (select, rename) = (&policy.select, &policy.rename);
    let empty = IndexMap::new();
    let schemas = doc.components.as_ref().map_or(&empty, |c| &c.schemas);
    let mut roots: Vec<(&str, &str)> = Vec::new();
    for (name, schema) in schemas {
        if let ReferenceOr::Item(schema) = schema {
            if let Some(id) = resource_id(schema) {
                if select.iter().any(|p| pattern_matches(p, id)) {
                    roots.push((id, name.as_str()));
                }
            }
        }
    }
    if roots.is_empty() {
        return Err(Error::at(
            "#/components/schemas",
            format!("the selection {select:?} matches no schema's x-resourceId"),
        ));
    }
    roots.sort();
    let root_names: Vec<&str> = roots.iter().map(|(_, name)| *name).collect();
    let planned = operations::plan(doc, &root_names.iter().copied().collect::<HashSet<_>>(), &whole.owners)?;
    let operation_nodes: Vec<(Node<'_>, String)> = planned.iter().flat_map(|p| p.schema_nodes()).collect();
    let sites = sites::analyse(schemas, &root_names, &operation_nodes)?;
    let placement = placement::Placement::new(schemas, &sites, &whole.references, rename);

    let mut lowerer = Lowerer {
        doc,
        schemas,
        placement,
        clearable: &policy.clearable,
        refine: &policy.refine,
        resource_unions: Vec::new(),
        ir: Ir { api_version: doc.info.version.clone(), types: Vec::new(), operations: Vec::new() },
        components: FxHashMap::default(),
        in_progress: Vec::new(),
        depth: 0,
        modules: FxHashMap::default(),
        queue: VecDeque::new(),
        names: NameCache::default(),
        enums: FxHashMap::default(),
    };
    for name in &root_names {
        lowerer.component(name, None)?;
    }
    let method_names = operations::method_names(&planned, &whole.owners, &policy.methods)?;
    for (planned, rust_name) in planned.iter().zip(method_names) {
        let operation = lowerer.lower_operation(planned, rust_name)?;
        lowerer.ir.operations.push(operation);
    }
    while let Some(pending) = lowerer.queue.pop_front() {
        lowerer.lower_struct_body(pending)?;
    }
    lowerer.fill_resource_unions(&roots);
    graph::discriminate_unions(&mut lowerer.ir);
    graph::box_union_objects(&mut lowerer.ir);
    graph::mark_boxed_fields(&mut lowerer.ir);
    Ok(lowerer.ir)
}

/// The `x-resourceId` of a schema, if it is an API resource.
pub(crate) fn resource_id(schema: &Schema) -> Option<&str> {
    schema.schema_data.extensions.get("x-resourceId").and_then(|v| v.as_str())
}

/// The name of the component schema a `$ref` points to.
pub(crate) fn ref_target<'r>(reference: &'r str, pointer: &str) -> Result<&'r str> {
    reference.strip_prefix("#/components/schemas/").filter(|name| !name.is_empty() && !name.contains('/')).ok_or_else(
        || Error::at(pointer, format!("unsupported $ref `{reference}`: only `#/components/schemas/NAME` is supported")),
    )
}

/// A schema or a reference to one, as the document writes either.
#[derive(Clone, Copy)]
pub(crate) enum Node<'a> {
    /// `$ref: '#/components/schemas/NAME'`
    Ref(&'a str),
    /// An inline schema.
    Schema(&'a Schema),
}

impl<'a> Node<'a> {
    pub(crate) fn of<T: std::borrow::Borrow<Schema>>(r: &'a ReferenceOr<T>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => Node::Ref(reference),
            ReferenceOr::Item(schema) => Node::Schema(schema.borrow()),
        }
    }
}

/// Where a type is being named from: the module its inline types go in, the
/// prefix of their names, and the owner, for documentation.
#[derive(Clone, Debug)]
pub(crate) struct Ctx {
    module: Vec<String>,
    /// Prefix of inline type names: empty for a resource, its own name otherwise.
    base: String,
    /// The Rust name of the type whose field is being lowered.
    owner: String,
    /// Whether the types made here are sent or received.
    usage: Usage,
    /// For params, the dotted wire path from the operation (`update.options`),
    /// matched against the `clearable` policy; empty for models.
    wire_path: String,
    /// How many types named for their place enclose this one (0 for resources,
    /// shared types and params).
    nesting: usize,
}

/// Where a schema is being lowered: its JSON pointer, the naming context and hint of
/// the place it is used from, and its component schema's name when it is one (which
/// decides where its type is placed).
#[derive(Clone, Copy)]
pub(crate) struct Place<'s, 'a> {
    pointer: &'s str,
    ctx: &'s Ctx,
    hint: &'s Hint<'s>,
    component: Option<&'a str>,
}

impl<'s, 'a> Place<'s, 'a> {
    /// An inline schema (or one that is no type of its own) at `pointer`.
    fn inline(pointer: &'s str, ctx: &'s Ctx, hint: &'s Hint<'s>) -> Self {
        Place { pointer, ctx, hint, component: None }
    }
}

/// What the place a type is used from says about it.
#[derive(Clone, Debug)]
pub(crate) struct Hint<'h> {
    /// The property name (or other raw name) the type is used under.
    field: &'h str,
    /// The property's description.
    docs: &'h str,
    /// The configured name of the type made here, if any (`refine`).
    name: Option<&'h str>,
}

/// A property of an object schema, or a query parameter of an operation.
pub(crate) struct Prop<'a> {
    name: &'a str,
    node: Node<'a>,
    pointer: String,
    required: bool,
    /// Documentation written beside the schema (a parameter's), preferred to its own.
    description: Option<&'a str>,
}

struct PendingStruct<'a> {
    id: TypeId,
    props: Vec<Prop<'a>>,
    ctx: Ctx,
}

struct Lowerer<'a> {
    doc: &'a OpenAPI,
    schemas: &'a IndexMap<String, ReferenceOr<Schema>>,
    placement: placement::Placement<'a>,
    clearable: &'a [String],
    refine: &'a BTreeMap<String, Refinement>,
    /// Unions of every selected resource (`refine`), to fill once all are lowered,
    /// with the module of the resource they belong to.
    resource_unions: Vec<(TypeId, Vec<String>)>,
    ir: Ir,
    /// Named types created for component schemas, by schema name.
    components: FxHashMap<&'a str, TypeId>,
    /// Component schemas being lowered inline (aliases), to catch `$ref` cycles.
    in_progress: Vec<&'a str>,
    /// How many `type_ref` calls are active (see [`MAX_SCHEMA_DEPTH`]).
    depth: usize,
    /// Type names taken in each module.
    modules: FxHashMap<Vec<String>, Namespace>,
    queue: VecDeque<PendingStruct<'a>>,
    /// Field and variant names already made.
    names: NameCache,
    /// The variants made for each list of enum values: Stripe's document has 2,998
    /// string enums, of 525 different lists.
    enums: FxHashMap<Vec<&'a str>, Vec<crate::ir::Variant>>,
}

/// The field and variant names made so far, by raw name: the same property names
/// and enum values occur in many schemas (18,180 enum values, 2,801 of them
/// different, in the whole 2024-04-10 document), and [`crate::names`] makes the
/// same name from the same raw name every time.
#[derive(Default)]
struct NameCache {
    fields: FxHashMap<String, String>,
    variants: FxHashMap<String, String>,
}

impl NameCache {
    /// [`crate::names::field_name`] of `raw`.
    fn field(&mut self, raw: &str) -> String {
        cached(&mut self.fields, raw, crate::names::field_name).to_string()
    }

    /// [`crate::names::variant_name`] of `raw`.
    fn variant(&mut self, raw: &str) -> String {
        cached(&mut self.variants, raw, crate::names::variant_name).to_string()
    }
}

impl<'a> Lowerer<'a> {
    /// The type of a component schema, referenced from `site` (none for a root).
    fn component(&mut self, name: &'a str, site: Option<(&Ctx, &Hint<'_>)>) -> Result<TypeRef> {
        if let Some(&id) = self.components.get(name) {
            return Ok(TypeRef::Named(id));
        }
        let pointer = pointer_push("#/components/schemas", name);
        let schema = match self.schemas.get(name) {
            Some(ReferenceOr::Item(schema)) => schema,
            Some(ReferenceOr::Reference { reference }) => {
                // An alias of another component.
                return self.enter(name, &pointer, |this| this.type_ref(Node::Ref(reference), &pointer, site));
            }
            None => return Err(Error::at(pointer, "no such schema")),
        };
        let (ctx, hint) = match site {
            Some((ctx, hint)) => (ctx.clone(), hint.clone()),
            None => (self.placement.root_ctx(name), Hint { field: name, docs: "", name: None }),
        };
        if schema::is_named(schema) {
            self.schema_type(schema, Place { pointer: &pointer, ctx: &ctx, hint: &hint, component: Some(name) })
        } else {
            // Not a type of its own: lowered where used, so it may not contain itself.
            self.enter(name, &pointer, |this| this.schema_type(schema, Place::inline(&pointer, &ctx, &hint)))
        }
    }

    /// Runs `f` with `name` marked as being lowered, failing on a `$ref` cycle.
    fn enter<T>(&mut self, name: &'a str, pointer: &str, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        if let Some(start) = self.in_progress.iter().position(|n| *n == name) {
            let mut cycle: Vec<&str> = self.in_progress[start..].to_vec();
            cycle.push(name);
            return Err(Error::at(pointer, format!("$ref cycle: {}", cycle.join(" -> "))));
        }
        self.in_progress.push(name);
        let result = f(self);
        self.in_progress.pop();
        result
    }

    /// The type of a schema or reference used at `site`.
    fn type_ref(&mut self, node: Node<'a>, pointer: &str, site: Option<(&Ctx, &Hint<'_>)>) -> Result<TypeRef> {
        if self.depth >= MAX_SCHEMA_DEPTH {
            return Err(Error::at(
                pointer,
                format!(
                    "schemas nest more than {MAX_SCHEMA_DEPTH} levels deep (through $ref aliases, items, allOf, \
                     anyOf or oneOf): not supported"
                ),
            ));
        }
        self.depth += 1;
        let result = self.type_ref_inner(node, pointer, site);
        self.depth -= 1;
        result
    }

    fn type_ref_inner(&mut self, node: Node<'a>, pointer: &str, site: Option<(&Ctx, &Hint<'_>)>) -> Result<TypeRef> {
        match node {
            Node::Ref(reference) => {
                let target = ref_target(reference, pointer)?;
                if !self.schemas.contains_key(target) {
                    return Err(Error::at(pointer, format!("dangling $ref `{reference}`")));
                }
                self.component(target, site)
            }
            Node::Schema(schema) => {
                let (ctx, hint) = site.expect("inline schemas always have a site");
                self.schema_type(schema, Place::inline(pointer, ctx, hint))
            }
        }
    }

    /// Creates a named type for a schema lowered at `place` (placed by its component
    /// schema when it is one, else named for the place).
    fn new_type(&mut self, place: Place<'_, 'a>, docs: String, kind: TypeKind) -> Result<(TypeId, Ctx)> {
        let Place { pointer, ctx, hint, component } = place;
        if self.ir.types.len() >= MAX_TYPES {
            return Err(Error::at(
                pointer,
                format!(
                    "more than {MAX_TYPES} types: schemas that are no types of their own (arrays, maps, $ref \
                     aliases) are lowered wherever they are used, and these use each other from more and more \
                     places: not supported"
                ),
            ));
        }
        let placed = component.and_then(|c| self.placement.fixed(c));
        // Types with a place of their own start a new chain of names.
        let nesting = if placed.is_some() { 0 } else { ctx.nesting + 1 };
        if nesting > MAX_TYPE_NESTING {
            return Err(Error::at(
                pointer,
                format!(
                    "types nest more than {MAX_TYPE_NESTING} levels deep (an inline or single-use schema is a \
                     type named for the field it is in, inside its owner's): not supported"
                ),
            ));
        }
        let (module, wanted, is_resource) = match placed {
            Some(fixed) => fixed,
            None => {
                let name = match component.and_then(|c| self.placement.renamed(c)).or(hint.name) {
                    Some(name) => name.to_string(),
                    None => crate::names::site_type_name(&ctx.base, hint.field),
                };
                (ctx.module.clone(), name, false)
            }
        };
        let name = match self.modules.get_mut(&module) {
            Some(namespace) => namespace.claim(wanted),
            None => self.modules.entry(module.clone()).or_default().claim(wanted),
        };
        let id = TypeId(self.ir.types.len());
        // Component schemas with a fixed place are models wherever they are used.
        let fixed = component.is_some_and(|c| self.placement.fixed(c).is_some());
        let usage = if fixed { Usage::Response } else { ctx.usage };
        self.ir.types.push(TypeDef {
            name: name.clone(),
            module: module.clone(),
            source: pointer.to_string(),
            docs,
            usage,
            kind,
        });
        if let Some(component) = component {
            self.components.insert(component, id);
        }
        // Inline types of a resource are named from its fields alone (`LastError`);
        // those of other types carry the type's name (`OptionsDocument`).
        let base = if is_resource { String::new() } else { name.clone() };
        let wire_path = match usage {
            Usage::Request if !ctx.wire_path.is_empty() => format!("{}.{}", ctx.wire_path, hint.field),
            _ => String::new(),
        };
        Ok((id, Ctx { module, base, owner: name, usage, wire_path, nesting }))
    }
}
