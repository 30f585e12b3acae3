//! Passes over the lowered IR as a graph of types (no document involved):
//! telling unions that can be decoded by `object` from those tried in order, and
//! boxing the objects of decoded unions and the fields through which a type
//! contains itself.

use crate::ir::{Ir, TypeKind, TypeRef, Usage};

/// Marks a union as discriminated when each variant is a struct with its own
/// constant `object` value (once every struct is lowered, so that the values are
/// known), and gives each variant its value.
pub(super) fn discriminate_unions(ir: &mut Ir) {
    for i in 0..ir.types.len() {
        let TypeKind::Union(union) = &ir.types[i].kind else { continue };
        let objects: Vec<Option<String>> = union
            .variants
            .iter()
            .map(|v| match &v.ty {
                TypeRef::Named(id) => match &ir.get(*id).kind {
                    TypeKind::Struct(s) => s.object_name.clone(),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        let mut distinct: Vec<&String> = objects.iter().flatten().collect();
        distinct.sort();
        distinct.dedup();
        let discriminated = distinct.len() == objects.len();
        let TypeKind::Union(union) = &mut ir.types[i].kind else { continue };
        union.discriminated = discriminated;
        if discriminated {
            for (variant, object) in union.variants.iter_mut().zip(objects) {
                variant.object = object;
            }
        }
    }
}

/// Boxes the variants of decoded unions that hold an object (a struct): an object
/// can be large (a `Customer` is over 1.7 kB), and an enum is as large as its
/// largest variant, so the union of a `Customer` and a `DeletedCustomer` would
/// otherwise cost that much for either. Params unions are built by callers and
/// keep their variants by value.
pub(super) fn box_union_objects(ir: &mut Ir) {
    let is_struct: Vec<bool> = ir.types.iter().map(|def| matches!(def.kind, TypeKind::Struct(_))).collect();
    for def in &mut ir.types {
        if def.usage != Usage::Response {
            continue;
        }
        if let TypeKind::Union(union) = &mut def.kind {
            for variant in &mut union.variants {
                if let TypeRef::Named(id) = variant.ty {
                    variant.boxed |= is_struct[id.0];
                }
            }
        }
    }
}

/// Boxes the fields through which a struct contains itself (directly or through
/// other structs and unions), so that every type has a finite size; then the
/// variants of unions that still contain themselves (cycles of unions alone).
///
/// Edges are the fields and variants whose type is a named type itself (`Vec`,
/// `BTreeMap`, `List` and `Expandable` already put it on the heap; `Option` does
/// not). Fields are boxed greedily in type order, each only if its type still
/// reaches back to its struct through unboxed edges. Only edges inside a strongly
/// connected component can be on a cycle, so the search is confined to those:
/// linear in the size of the IR when nothing is recursive.
pub(super) fn mark_boxed_fields(ir: &mut Ir) {
    // Edges: (from, slot, to); the slot indexes a struct's fields or a union's variants.
    let n = ir.types.len();
    let mut edges: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for (i, def) in ir.types.iter().enumerate() {
        match &def.kind {
            TypeKind::Struct(s) => {
                for (slot, f) in s.fields.iter().enumerate() {
                    if let (TypeRef::Named(t), false) = (&f.ty, f.boxed) {
                        edges[i].push((slot, t.0));
                    }
                }
            }
            TypeKind::Union(u) => {
                for (slot, v) in u.variants.iter().enumerate() {
                    if let (TypeRef::Named(t), false) = (&v.ty, v.boxed) {
                        edges[i].push((slot, t.0));
                    }
                }
            }
            TypeKind::Enum(_) => {}
        }
    }
    let component = strongly_connected(&edges);
    // Whether each edge is boxed: those of node `i` from `first[i]` on, in one vector.
    let first: Vec<usize> = edges
        .iter()
        .scan(0, |next, e| {
            let first = *next;
            *next += e.len();
            Some(first)
        })
        .collect();
    let mut boxed = vec![false; edges.iter().map(Vec::len).sum()];
    // Whether `from` reaches `to` through unboxed edges inside their component.
    let mut seen = vec![false; n];
    let mut reaches = |boxed: &[bool], from: usize, to: usize| -> bool {
        let mut visited = Vec::new();
        let mut stack = vec![from];
        let mut found = false;
        while let Some(node) = stack.pop() {
            if node == to {
                found = true;
                break;
            }
            if std::mem::replace(&mut seen[node], true) {
                continue;
            }
            visited.push(node);
            for (k, &(_, next)) in edges[node].iter().enumerate() {
                if !boxed[first[node] + k] && component[next] == component[to] {
                    stack.push(next);
                }
            }
        }
        for node in visited {
            seen[node] = false;
        }
        found
    };
    for pass_unions in [false, true] {
        for i in 0..n {
            if matches!(ir.types[i].kind, TypeKind::Union(_)) != pass_unions {
                continue;
            }
            for k in 0..edges[i].len() {
                let child = edges[i][k].1;
                if component[child] == component[i] && reaches(&boxed, child, i) {
                    boxed[first[i] + k] = true;
                }
            }
        }
    }
    for (i, def) in ir.types.iter_mut().enumerate() {
        for (k, &(slot, _)) in edges[i].iter().enumerate() {
            if !boxed[first[i] + k] {
                continue;
            }
            match &mut def.kind {
                TypeKind::Struct(s) => s.fields[slot].boxed = true,
                TypeKind::Union(u) => u.variants[slot].boxed = true,
                TypeKind::Enum(_) => {}
            }
        }
    }
}

/// The strongly connected component of every node (Tarjan's algorithm, iterative).
fn strongly_connected(edges: &[Vec<(usize, usize)>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let (mut index, mut low, mut component) = (vec![UNSEEN; n], vec![0; n], vec![UNSEEN; n]);
    let (mut on_stack, mut stack) = (vec![false; n], Vec::new());
    let (mut next_index, mut next_component) = (0, 0);
    // (node, next edge to look at)
    let mut calls = Vec::new();
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        calls.push((root, 0));
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut edge)) = calls.last_mut() {
            if let Some(&(_, next)) = edges[node].get(*edge) {
                *edge += 1;
                if index[next] == UNSEEN {
                    index[next] = next_index;
                    low[next] = next_index;
                    next_index += 1;
                    stack.push(next);
                    on_stack[next] = true;
                    calls.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(index[next]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}
