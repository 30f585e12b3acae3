//! Lines of code written as prettyplease lays them out, for the emitters that
//! write text ([`super::code::Code::Laid`]).
//!
//! Each helper writes one construct at a depth (four spaces per level): on one
//! line when prettyplease keeps it on one line, else broken as prettyplease
//! breaks it, where that is known (a signature's params, a call's arguments,
//! nested calls, a struct expression's fields, a field's method chain on `self`,
//! single-argument generic types, a match arm's body). Where it is not (a line
//! still too wide once broken, any other shape), that construct alone is printed
//! by prettyplease, in a construct of the same kind nested to the same depth: its
//! layout depends on nothing else. The widths were measured against prettyplease;
//! the tests below cross each of them.

use std::borrow::Cow;

use super::code::TRUSTED_WIDTH;
use crate::error::{Error, Result};

/// The widest function signature or call statement written on one line:
/// prettyplease keeps one of 89 columns (its margin) on one line, and breaks
/// wider ones.
const ONE_LINE_WIDTH: usize = 89;

/// The widest struct expression prettyplease writes on one line, measured from
/// its path to the end of its last field (`Path { a, b` or `Path {`): it breaks
/// wider ones whether they fit or not.
const STRUCT_EXPR_WIDTH: usize = 33;

/// The widest match arm prettyplease writes on one line (indentation included):
/// its margin and the comma, which it writes only when the arm is not broken; a
/// wider one gets its body in a block.
const ARM_WIDTH: usize = 90;

/// Where a line of code sits, for printing it on its own: the construct whose
/// body holds it.
#[derive(Clone, Copy, Debug)]
pub enum Context {
    /// A field of a struct definition (`pub name: Type,`).
    StructField,
    /// A variant of an enum definition (`Name(Type),`).
    Variant,
    /// A field of a struct expression broken over lines (`name: value,`): the
    /// last field's comma is written only because the expression is broken, so
    /// it does not count towards the width; another's does.
    FieldValue {
        /// Whether the field is the expression's last.
        last: bool,
    },
    /// An arm of a `match` (`pattern => value,`).
    Arm,
    /// A statement or the tail expression of a function body.
    Statement,
    /// An item of an `impl` (`type Value = Name;`).
    ImplItem,
}

impl Context {
    /// How the construct opens and closes around the line, and what follows the
    /// line inside it (another field, for a field that is not the last).
    fn open_close(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Context::StructField => ("struct S {", "", "}"),
            Context::Variant => ("enum E {", "", "}"),
            Context::FieldValue { last: true } => ("S {", "", "}"),
            Context::FieldValue { last: false } => ("S {", "z: z,", "}"),
            Context::Arm => ("match x {", "", "}"),
            Context::Statement => ("fn g() {", "", "}"),
            Context::ImplItem => ("impl S {", "", "}"),
        }
    }
}

/// The layout helpers of one type's items, with the type's JSON pointer, for errors.
pub struct Lines<'a> {
    source: &'a str,
}

impl<'a> Lines<'a> {
    /// Helpers for the items of the type at `source`.
    pub fn new(source: &'a str) -> Self {
        Lines { source }
    }

    /// `line` at `depth` (a multiple of four, at least four) in `context`: as
    /// written if it fits [`TRUSTED_WIDTH`], else as prettyplease prints it.
    pub fn line(&self, depth: usize, context: Context, line: &str) -> Result<String> {
        let indent = indent(depth);
        if indent.len() + line.len() <= TRUSTED_WIDTH {
            return Ok([&indent, line, "\n"].concat());
        }
        let (open, follow, close) = context.open_close();
        let outer = &indent[4..];
        let nesting = depth / 4 - 1;
        let wrapped =
            format!("{}{open}\n{line}\n{follow}\n{close}{}", "fn f() {\n".repeat(nesting), "\n}".repeat(nesting));
        // The lines between the construct's opening line and what follows the line
        // (its closing one, or the line after), each matched as a whole line.
        let printed = format!("\n{}", self.print(&wrapped)?);
        let close = if follow.is_empty() { format!("\n{outer}{close}\n") } else { format!("\n{indent}{follow}\n") };
        let open = format!("\n{outer}{open}\n");
        let rest = printed.split_once(open.as_str()).map(|(_, rest)| format!("\n{rest}"));
        let inner = rest.as_deref().and_then(|rest| rest.split_once(close.as_str()));
        inner.map(|(inner, _)| format!("{}\n", &inner[1..])).ok_or_else(|| self.misplaced(line))
    }

    /// `head` (of an `impl` or a function, without its opening brace) at `depth`
    /// (a multiple of four), and the brace: as written if it fits
    /// [`TRUSTED_WIDTH`], else as prettyplease prints it.
    pub fn head(&self, depth: usize, head: &str) -> Result<String> {
        let indent = indent(depth);
        if indent.len() + head.len() + " {".len() <= TRUSTED_WIDTH {
            return Ok(format!("{indent}{head} {{\n"));
        }
        // An impl of a trait for a type that is a path: broken before `for`.
        if let Some((trait_part, ty)) = head.split_once(" for ").filter(|(t, _)| t.starts_with("impl")) {
            if is_path(ty) && !trait_part.contains(" for ") && indent.len() + trait_part.len() <= TRUSTED_WIDTH {
                return Ok(format!("{indent}{trait_part}\n{indent}for {ty} {{\n"));
            }
        }
        let nesting = depth / 4;
        let wrapped = format!("{}{head} {{}}{}", "fn f() {\n".repeat(nesting), "\n}".repeat(nesting));
        let printed = self.print(&wrapped)?;
        let start = printed.lines().take(nesting).map(|line| line.len() + 1).sum::<usize>();
        let printed_head = printed.get(start..).and_then(|rest| rest.split_once("{}\n"));
        printed_head.map(|(head, _)| format!("{head}{{\n")).ok_or_else(|| self.misplaced(head))
    }

    /// A function's signature and the brace that opens its body, at `depth`:
    /// `head` (`pub fn name`), the `params` and the `tail` (` -> Self`), on one
    /// line, or a param per line, as prettyplease writes them.
    pub fn signature(&self, depth: usize, head: &str, params: &[String], tail: &str) -> Result<String> {
        let text = delimited(depth, head, params, &format!("{tail} {{"), ONE_LINE_WIDTH);
        if fits(&text) {
            return Ok(text);
        }
        match params_broken(depth, head, params, tail) {
            Some(text) => Ok(text),
            None => self.head(depth, &format!("{head}({}){tail}", params.join(", "))),
        }
    }

    /// A call statement or macro item `{head}(args){tail}` (`tail` is `;`) at
    /// `depth`: on one line, or an argument per line, as prettyplease writes them.
    pub fn call(&self, depth: usize, head: &str, args: &[String], tail: &str) -> Result<String> {
        let text = delimited(depth, head, args, tail, ONE_LINE_WIDTH);
        if fits_but_atoms(&text) {
            return Ok(text);
        }
        if depth == 0 {
            // A macro item, which the printer hands to prettyplease whole.
            return Ok(text);
        }
        self.line(depth, Context::Statement, &format!("{head}({}){tail}", args.join(", ")))
    }

    /// A method call statement `{receiver}.{method}(args);` at `depth`: on one
    /// line, or with the method on a line of its own, then an argument per line
    /// if that line does not fit either, as prettyplease writes them.
    pub fn method_call(&self, depth: usize, receiver: &str, method: &str, args: &[String]) -> Result<String> {
        let one_line = format!("{receiver}.{method}({});", args.join(", "));
        if depth + one_line.len() <= TRUSTED_WIDTH {
            return Ok(format!("{}{one_line}\n", indent(depth)));
        }
        let text = format!(
            "{}{receiver}\n{}",
            indent(depth),
            delimited(depth + 4, &format!(".{method}"), args, ";", ONE_LINE_WIDTH)
        );
        if fits_but_atoms(&text) {
            return Ok(text);
        }
        self.line(depth, Context::Statement, &one_line)
    }

    /// A call with generic arguments, `{path}::<{generics}>({args})`, as the tail
    /// expression of a function at `depth`: on one line, or with its generic
    /// arguments broken, then its arguments too if their line does not fit, as
    /// prettyplease writes them.
    pub fn generic_call(&self, depth: usize, path: &str, generics: &[&str], args: &[String]) -> Result<String> {
        let one_line = format!("{path}::<{}>({})", generics.join(", "), args.join(", "));
        if depth + one_line.len() <= TRUSTED_WIDTH {
            return Ok(format!("{}{one_line}\n", indent(depth)));
        }
        let mut out = format!("{}{path}::<\n", indent(depth));
        for generic in generics {
            out.push_str(&format!("{}{generic},\n", indent(depth + 4)));
        }
        out.push_str(&delimited(depth, ">", args, "", ONE_LINE_WIDTH));
        if fits(&out) {
            Ok(out)
        } else {
            self.line(depth, Context::Statement, &one_line)
        }
    }

    /// An associated type of an `impl`, `type {name} = {ty};`, at `depth`: on one
    /// line, however wide, when `ty` is a path (which prettyplease does not break).
    pub fn associated_type(&self, depth: usize, name: &str, ty: &str) -> Result<String> {
        let line = format!("type {name} = {ty};");
        if is_path(ty) {
            return Ok(format!("{}{line}\n", indent(depth)));
        }
        self.line(depth, Context::ImplItem, &line)
    }

    /// A struct expression `{head}{path} {{ fields }}{tail}` at `depth`: on one
    /// line if the expression is at most [`STRUCT_EXPR_WIDTH`] wide, else a field
    /// per line (or its braces on two lines), as prettyplease writes them.
    pub fn struct_expr(&self, depth: usize, head: &str, path: &str, fields: &[String], tail: &str) -> Result<String> {
        let indent = indent(depth);
        let (expr, width) = if fields.is_empty() {
            (format!("{path} {{}}"), path.len() + " {".len())
        } else {
            let expr = format!("{path} {{ {} }}", fields.join(", "));
            let width = expr.len() - " }".len();
            (expr, width)
        };
        if width <= STRUCT_EXPR_WIDTH {
            return self.line(depth, Context::Statement, &format!("{head}{expr}{tail}"));
        }
        let mut out = format!("{indent}{head}{path} {{\n");
        if !fits(&out) {
            // Its first line alone is too wide: where prettyplease breaks it then
            // depends on more than the widths above.
            return self.line(depth, Context::Statement, &format!("{head}{expr}{tail}"));
        }
        for (i, field) in fields.iter().enumerate() {
            out.push_str(&self.field_value(depth + 4, field, i + 1 == fields.len())?);
        }
        out.push_str(&format!("{indent}}}{tail}\n"));
        Ok(out)
    }

    /// A field of a struct expression broken over lines, `field` (`name: value`)
    /// at `depth`: on one line, or, if its value is a method chain on `self`, a
    /// segment per line (`name: self` / `.name` / `.flatten(),`), as prettyplease
    /// writes them; anything else by prettyplease.
    fn field_value(&self, depth: usize, field: &str, last: bool) -> Result<String> {
        let context = Context::FieldValue { last };
        let line = format!("{field},");
        // A last field's comma does not count: one more column may fit.
        let width = depth + line.len() - usize::from(last);
        let chain = field.split_once(": ").and_then(|(name, value)| Some((name, chain_segments(value)?)));
        let Some((name, segments)) = chain.filter(|_| width > TRUSTED_WIDTH) else {
            return self.line(depth, context, &line);
        };
        let indent = indent(depth);
        let mut out = format!("{indent}{name}: {}\n", segments[0]);
        for segment in &segments[1..] {
            out.push_str(&format!("{indent}    .{segment}\n"));
        }
        out.insert(out.len() - 1, ',');
        if fits(&out) {
            return Ok(out);
        }
        self.line(depth, context, &line)
    }

    /// A statement `{prefix}{calls[0]}({calls[1]}(... {value} ...)){suffix}` at
    /// `depth` (`self.a = Some(Clearable::Set(value));`): on one line, or each
    /// call broken with its argument on a line of its own (while that does not
    /// fit), as prettyplease writes them; anything else by prettyplease.
    pub fn nested_call(&self, depth: usize, prefix: &str, calls: &[&str], value: &str, suffix: &str) -> Result<String> {
        let one_line = format!("{prefix}{}{suffix}", nest(calls, value));
        if depth + one_line.len() <= TRUSTED_WIDTH {
            return Ok(format!("{}{one_line}\n", indent(depth)));
        }
        match broken(depth, prefix, calls, value, suffix, CALL) {
            Some(text) if fits(&text) => Ok(text),
            _ => self.line(depth, Context::Statement, &one_line),
        }
    }

    /// A field of a struct definition, `{prefix}{ty},` (`pub name: Option<Type>,`)
    /// at `depth`: on one line, or its single-argument generic types broken one
    /// by one, as prettyplease writes them; anything else by prettyplease.
    pub fn field(&self, depth: usize, prefix: &str, ty: &str) -> Result<String> {
        match typed(depth, prefix, ty) {
            Some(text) => Ok(text),
            None => self.line(depth, Context::StructField, &format!("{prefix}{ty},")),
        }
    }

    /// A tuple variant of an enum, `{name}({ty}),`, at `depth`: on one line, or
    /// with its type on a line of its own (broken as a field's, see [`typed`]), as
    /// prettyplease writes them.
    pub fn variant(&self, depth: usize, name: &str, ty: &str) -> Result<String> {
        let one_line = format!("{name}({ty}),");
        if depth + one_line.len() <= TRUSTED_WIDTH {
            return Ok(format!("{}{one_line}\n", indent(depth)));
        }
        // The type's comma is written only because the variant is broken.
        let inner = item(depth + 4, "", ty, false);
        let open = format!("{}{name}(\n", indent(depth));
        match inner {
            Some(inner) if fits(&open) => Ok(format!("{open}{inner}{}),\n", indent(depth))),
            _ => self.line(depth, Context::Variant, &one_line),
        }
    }

    /// A match arm `{pattern} => {body},` at `depth`: on one line if it is at most
    /// [`ARM_WIDTH`] wide, else with its body in a block, as prettyplease writes
    /// them.
    pub fn arm(&self, depth: usize, pattern: &str, body: &str) -> Result<String> {
        let indent = indent(depth);
        let width = indent.len() + pattern.len() + " => ".len() + body.len() + ",".len();
        if width <= TRUSTED_WIDTH {
            return Ok([&indent, pattern, " => ", body, ",\n"].concat());
        }
        let one_line = format!("{pattern} => {body},");
        let block = format!("{indent}{pattern} => {{\n{indent}    {body}\n{indent}}}\n");
        if width > ARM_WIDTH {
            if fits(&block) {
                return Ok(block);
            }
            // A call with one method called on it (`decode(value).map(Self::A)`): the
            // method on a line of its own.
            if let Some([call, method]) = top_level_segments(body).as_deref() {
                let chain =
                    format!("{indent}{pattern} => {{\n{indent}    {call}\n{indent}        .{method}\n{indent}}}\n");
                if call.ends_with(')') && method.ends_with(')') && fits(&chain) {
                    return Ok(chain);
                }
            }
        }
        self.line(depth, Context::Arm, &one_line)
    }

    /// prettyplease's text of `code`, a file (from [`PRINTED`] if it was printed
    /// before on this thread).
    fn print(&self, code: &str) -> Result<String> {
        if let Some(printed) = PRINTED.with(|printed| printed.borrow().get(code).cloned()) {
            return Ok(printed);
        }
        let file = syn::parse_str::<syn::File>(code)
            .map_err(|e| Error::at(self.source, format!("internal error: generated code does not parse: {e}")))?;
        let printed = prettyplease::unparse(&file);
        PRINTED.with(|cache| cache.borrow_mut().insert(code.to_string(), printed.clone()));
        Ok(printed)
    }

    fn misplaced(&self, code: &str) -> Error {
        Error::at(self.source, format!("internal error: prettyplease does not print `{code}` in place"))
    }
}

thread_local! {
    /// What prettyplease printed for the constructs the helpers could not lay out,
    /// by their text, on this thread: the same setter of a param many operations
    /// take is laid out once. Emptied when the crate's files are emitted
    /// ([`forget_printed`]).
    static PRINTED: std::cell::RefCell<rustc_hash::FxHashMap<String, String>> = Default::default();
}

/// Empties this thread's [`PRINTED`].
pub fn forget_printed() {
    PRINTED.with(|printed| std::mem::take(&mut *printed.borrow_mut()));
}

/// A macro call `{head}(args)` (`format!`) or a call that is an argument of a call
/// broken one argument per line, at `depth`, with its comma, as prettyplease writes
/// it: on one line if it fits; else a call's arguments one per line, and a macro's
/// filled into lines (prettyplease prints a macro's tokens as they come, breaking
/// after a comma only where the next argument does not fit). `None` where a line
/// would not fit, or where one column more or less would change where a macro's
/// line breaks (so that the layout never rests on the margin's exact rule).
pub fn argument(depth: usize, head: &str, args: &[String]) -> Option<String> {
    let text = delimited(depth, head, args, ",", ONE_LINE_WIDTH);
    if !head.ends_with('!') || text.lines().count() == 1 {
        return fits_but_atoms(&text).then_some(text);
    }
    let (outer, inner) = (indent(depth), indent(depth + 4));
    let mut out = format!("{outer}{head}(\n");
    let mut line = String::new();
    for (i, arg) in args.iter().enumerate() {
        let comma = if i + 1 < args.len() { "," } else { "" };
        if line.is_empty() {
            line = format!("{inner}{arg}{comma}");
            continue;
        }
        let joined = line.len() + 1 + arg.len() + comma.len();
        if joined.abs_diff(ONE_LINE_WIDTH) <= 1 {
            return None;
        }
        if joined < ONE_LINE_WIDTH {
            line = format!("{line} {arg}{comma}");
        } else {
            out.push_str(&line);
            out.push('\n');
            line = format!("{inner}{arg}{comma}");
        }
    }
    out.push_str(&line);
    out.push_str(&format!("\n{outer}),\n"));
    fits(&out).then_some(out)
}

/// `depth` spaces.
fn indent(depth: usize) -> Cow<'static, str> {
    const SPACES: &str = "                                                                ";
    SPACES.get(..depth).map_or_else(|| Cow::Owned(" ".repeat(depth)), Cow::Borrowed)
}

/// `value` in the calls `calls` (`Some(Clearable::Set(value))`).
pub fn nest(calls: &[&str], value: &str) -> String {
    nest_in(calls, value, CALL)
}

/// The brackets of a call's arguments, and of a type's generic arguments.
const CALL: (char, char) = ('(', ')');
const GENERICS: (char, char) = ('<', '>');

/// `value` inside each of `outer` with `brackets` (`Option<Vec<value>>`).
fn nest_in(outer: &[&str], value: &str, (open, close): (char, char)) -> String {
    let opening: String = outer.iter().map(|name| format!("{name}{open}")).collect();
    format!("{opening}{value}{}", close.to_string().repeat(outer.len()))
}

/// `{prefix}{ty},` (a struct's field, or a function's param once the params are
/// broken) at `depth`: on one line, or with its single-argument generic types
/// broken one by one, as prettyplease writes them; `None` where prettyplease's
/// layout is not known. A path (`Address`) cannot be broken: prettyplease leaves
/// it wider than its margin, on a line of its own.
fn typed(depth: usize, prefix: &str, ty: &str) -> Option<String> {
    if depth + prefix.len() + ty.len() + ",".len() <= TRUSTED_WIDTH {
        return Some([&indent(depth), prefix, ty, ",\n"].concat());
    }
    let (outer, inner) = generic_chain(ty);
    if outer.is_empty() {
        return is_path(ty).then(|| [&indent(depth), prefix, ty, ",\n"].concat());
    }
    broken(depth, prefix, &outer, inner, ",", GENERICS).filter(|text| fits(text.lines().next().unwrap_or("")))
}

/// `{prefix}{ty},`, an item of a list broken one per line, at `depth`: on one
/// line if it fits, counting its comma only if `comma_counts` (the last item's
/// comma, written only because the list is broken, does not count), else as
/// [`typed`] lays it out; `None` where prettyplease's layout is not known (a line
/// one column wider than the margin with a comma that may not count).
fn item(depth: usize, prefix: &str, ty: &str, comma_counts: bool) -> Option<String> {
    let width = depth + prefix.len() + ty.len() + usize::from(comma_counts);
    match width {
        _ if width <= TRUSTED_WIDTH => Some([&indent(depth), prefix, ty, ",\n"].concat()),
        _ if width == TRUSTED_WIDTH + 1 => None,
        _ => typed(depth, prefix, ty),
    }
}

/// A function's signature with a param per line (see [`Lines::signature`]), each
/// as [`typed`] lays it out; `None` where prettyplease's layout is not known.
fn params_broken(depth: usize, head: &str, params: &[String], tail: &str) -> Option<String> {
    let indent = indent(depth);
    let mut out = format!("{indent}{head}(\n");
    let mut close = format!("{indent}){tail} {{\n");
    if !fits(&close) {
        close = return_type_broken(depth, tail)?;
    }
    if !fits(&out) {
        return None;
    }
    for (i, param) in params.iter().enumerate() {
        // The last param's comma is written only because the params are broken.
        let comma_counts = i + 1 < params.len();
        let (prefix, ty) =
            param.split_once(": ").map_or((String::new(), param.as_str()), |(name, ty)| (format!("{name}: "), ty));
        out.push_str(&item(depth + 4, &prefix, ty, comma_counts)?);
    }
    out.push_str(&close);
    Some(out)
}

/// The close of a signature whose params are broken, `) -> {ty} {`, with the
/// arguments of its return type (`Result<A, B>`) broken, as prettyplease breaks
/// them when the line does not fit; `None` unless each argument is a path.
fn return_type_broken(depth: usize, tail: &str) -> Option<String> {
    let (outer, args) = tail.strip_prefix(" -> ")?.strip_suffix('>')?.split_once('<')?;
    let indent = indent(depth);
    let mut out = format!("{indent}) -> {outer}<\n");
    for arg in args.split(", ") {
        if !is_path(arg) {
            return None;
        }
        out.push_str(&format!("{}{arg},\n", self::indent(depth + 4)));
    }
    out.push_str(&format!("{indent}> {{\n"));
    fits(out.lines().next()?).then_some(out)
}

/// Whether `text` is a path (`stripe_runtime::Address`), which prettyplease does
/// not break.
fn is_path(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// `{prefix}{outer...}{suffix}` at `depth` (calls, or generic types, by
/// `brackets`) with its outer call broken, and each inner one too while its line
/// does not fit; `None` where prettyplease's choice is not known (an argument
/// exactly one column wider than the margin, whose comma may not count, or a value
/// that does not fit on its own, but for a generic type's path, which prettyplease
/// leaves as it is).
fn broken(
    depth: usize,
    prefix: &str,
    outer: &[&str],
    value: &str,
    suffix: &str,
    brackets: (char, char),
) -> Option<String> {
    let indent = indent(depth);
    let (name, inner) = outer.split_first()?;
    let argument = nest_in(inner, value, brackets);
    let width = depth + 4 + argument.len() + ",".len();
    let argument = match width {
        _ if width <= TRUSTED_WIDTH => format!("{}{argument},\n", self::indent(depth + 4)),
        _ if width == TRUSTED_WIDTH + 1 => return None,
        _ if inner.is_empty() && brackets == GENERICS && is_path(value) => {
            format!("{}{argument},\n", self::indent(depth + 4))
        }
        _ => broken(depth + 4, "", inner, value, ",", brackets)?,
    };
    let (open, close) = brackets;
    Some(format!("{indent}{prefix}{name}{open}\n{argument}{indent}{close}{suffix}\n"))
}

/// The single-argument generic types `ty` is nested in, outermost first, and the
/// innermost type (`Option<Vec<Address>>` gives `Option`, `Vec` and `Address`;
/// nesting stops at a type of several arguments).
fn generic_chain(ty: &str) -> (Vec<&str>, &str) {
    let mut outer = Vec::new();
    let mut rest = ty;
    while let (Some(open), Some(inner)) = (rest.find('<'), rest.strip_suffix('>')) {
        let inner = &inner[open + 1..];
        let mut depth = 0usize;
        let several = inner.chars().any(|c| {
            match c {
                '<' | '(' => depth += 1,
                '>' | ')' => depth = depth.saturating_sub(1),
                _ => {}
            }
            c == ',' && depth == 0
        });
        if several {
            break;
        }
        outer.push(&rest[..open]);
        rest = inner;
    }
    (outer, rest)
}

/// The segments of `value` if it is a method chain on `self` (`self.a.b(c)?`
/// gives `self`, `a`, `b(c)?`): split at the dots outside brackets and strings.
fn chain_segments(value: &str) -> Option<Vec<&str>> {
    if !value.starts_with("self.") {
        return None;
    }
    top_level_segments(value).filter(|segments| segments.len() > 2)
}

/// `value` split at the dots outside brackets and strings (`a(b.c).d()` gives
/// `a(b.c)` and `d()`); `None` if its brackets do not match.
fn top_level_segments(value: &str) -> Option<Vec<&str>> {
    let (mut segments, mut start, mut depth, mut in_string) = (Vec::new(), 0, 0usize, false);
    let mut escaped = false;
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '(' | '[' | '{' if !in_string => depth += 1,
            ')' | ']' | '}' if !in_string => depth = depth.checked_sub(1)?,
            '.' if !in_string && depth == 0 => {
                segments.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    segments.push(&value[start..]);
    Some(segments)
}

/// Whether every line of `text` fits [`TRUSTED_WIDTH`] but those of one argument
/// that is a path or a string literal (`"name",`), which prettyplease leaves wider
/// than its margin on a line of their own.
fn fits_but_atoms(text: &str) -> bool {
    text.lines().all(|line| {
        let item = line.trim_start().strip_suffix(',');
        line.len() <= TRUSTED_WIDTH || item.is_some_and(|item| is_path(item) || is_plain_string(item))
    })
}

/// Whether `text` is a string literal without quotes or escapes inside.
fn is_plain_string(text: &str) -> bool {
    let inner = text.strip_prefix('"').and_then(|rest| rest.strip_suffix('"'));
    inner.is_some_and(|inner| !inner.contains(['"', '\\']))
}

/// Whether every line of `text` fits [`TRUSTED_WIDTH`].
fn fits(text: &str) -> bool {
    text.lines().all(|line| line.len() <= TRUSTED_WIDTH)
}

/// `{head}(items){tail}` at `depth` on one line if at most `width` wide, else one
/// item per line (with a trailing comma, but after the lone item of a macro).
fn delimited(depth: usize, head: &str, items: &[String], tail: &str, width: usize) -> String {
    let indent = indent(depth);
    let one_line = format!("{indent}{head}({}){tail}\n", items.join(", "));
    if one_line.len() <= width + 1 {
        return one_line;
    }
    let mut out = format!("{indent}{head}(\n");
    let comma = if head.ends_with('!') && items.len() == 1 { "" } else { "," };
    for item in items {
        out.push_str(&format!("{indent}    {item}{comma}\n"));
    }
    out.push_str(&format!("{indent}){tail}\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::{Context, Lines};

    /// Helpers for a test type.
    fn lines() -> Lines<'static> {
        Lines { source: "#/components/schemas/test" }
    }

    /// prettyplease's text of `code`, a file.
    fn pretty(code: &str) -> String {
        prettyplease::unparse(&syn::parse_file(code).expect("valid Rust"))
    }

    /// Asserts that `laid`, statements at depth 8, is how prettyplease lays out
    /// `code` in the body of a method.
    fn assert_in_a_method(laid: &str, code: &str) {
        let ours = format!("impl S {{\n    fn f() {{\n{laid}    }}\n}}\n");
        assert_eq!(ours, pretty(&format!("impl S {{ fn f() {{ {code} }} }}")));
    }

    /// Names from one to 80 letters: every construct below crosses its widths.
    fn names() -> impl Iterator<Item = String> {
        (1..=80).map(|n| "A".repeat(n))
    }

    /// [`names`], and longer ones, which do not fit on a line of their own at
    /// the depths of a struct's fields or of a method's params.
    fn wide_names() -> impl Iterator<Item = String> {
        (1..=100).map(|n| "A".repeat(n))
    }

    /// `Ok({path} {{ fields }})` at the depth of a `Deserialize` impl's `finish`
    /// (16) is laid out as prettyplease lays it out.
    fn assert_struct_expr(path: &str, fields: &[String]) {
        let expr = lines().struct_expr(16, "Ok(", path, fields, ")").unwrap();
        let ours = format!(
            "fn f() {{\n    fn f() {{\n        fn f() {{\n            fn f() -> Self {{\n{expr}            }}\n        }}\n    }}\n}}\n"
        );
        let theirs = pretty(&format!(
            "fn f() {{ fn f() {{ fn f() {{ fn f() -> Self {{ Ok({path} {{ {} }}) }} }} }} }}",
            fields.join(", ")
        ));
        assert_eq!(ours, theirs);
    }

    #[test]
    fn signatures_break_where_prettyplease_breaks_them() {
        // Up to params wider than the margin on their own line, whose types break.
        for name in wide_names() {
            for ty in [
                name.clone(),
                format!("impl Into<{name}>"),
                format!("impl IntoIterator<Item = impl Into<{name}>>"),
                format!("impl IntoIterator<Item = (impl Into<String>, impl Into<{name}>)>"),
            ] {
                for params in [vec!["mut self".to_string(), format!("value: {ty}")], vec![format!("value: {ty}")]] {
                    let sig = lines().signature(4, "pub fn set", &params, " -> Self").unwrap();
                    let ours = format!("impl S {{\n{sig}        self\n    }}\n}}\n");
                    let params = params.join(", ");
                    let theirs = pretty(&format!("impl S {{ pub fn set({params}) -> Self {{ self }} }}"));
                    assert_eq!(ours, theirs);
                }
            }
        }
    }

    /// `format!` and a call as arguments of a call broken one argument per line, at
    /// depth 12 (a method's `Request::new(...)`): what [`super::argument`] lays out is
    /// prettyplease's layout, for templates and arguments that cross the margin; and
    /// it lays out each kind: on one line, and a macro's arguments filled into lines
    /// that break both before and after an argument that fits beside another.
    #[test]
    fn arguments_break_where_prettyplease_breaks_them() {
        let (mut one_line, mut filled) = (0, 0);
        for name in names() {
            let template = format!("\"/v1/{}/{{}}/{}/{{}}\"", name.to_lowercase(), "b".repeat(name.len() % 13));
            let segment = |s: &str| format!("path_segment({s})");
            for (head, args) in [
                ("format!", vec![template.clone(), segment("a"), segment(&name.to_lowercase())]),
                ("format!", vec![template.clone(), segment(&name.to_lowercase()), segment("b"), segment("c")]),
                ("format!", vec![template.clone(), segment("a")]),
                ("String::from", vec![format!("\"/v1/{}\"", name.to_lowercase())]),
            ] {
                let Some(text) = super::argument(12, head, &args) else { continue };
                match text.lines().count() {
                    1 => one_line += 1,
                    n if n >= 4 && text.lines().any(|line| line.matches(", ").count() >= 1) => filled += 1,
                    _ => {}
                }
                let ours = format!(
                    "fn f() {{\n    fn f() {{\n        f(\n            a,\n{text}            b,\n        );\n    }}\n}}\n"
                );
                let long = "b".repeat(90);
                let theirs = pretty(&format!("fn f() {{ fn f() {{ f(a, {head}({}), b); }} }}", args.join(", ")))
                    .replace(&long, "b");
                let theirs_broken =
                    pretty(&format!("fn f() {{ fn f() {{ f(a, {head}({}), {long}); }} }}", args.join(", ")))
                        .replace(&long, "b");
                assert!(ours == theirs || ours == theirs_broken, "{ours}\n{theirs_broken}");
            }
        }
        assert!(one_line > 0 && filled > 0, "{one_line} laid on one line, {filled} filled");
    }

    #[test]
    fn struct_expressions_break_where_prettyplease_breaks_them() {
        for name in names() {
            let last = vec!["a".to_string(), format!("b: self.{}.flatten()", name.to_lowercase())];
            let not_last = vec![format!("b: self.{}.flatten()", name.to_lowercase()), "a".to_string()];
            for fields in [vec![], vec![name.to_lowercase()], last, not_last] {
                for path in ["S", name.as_str()] {
                    assert_struct_expr(path, &fields);
                }
            }
        }
    }

    #[test]
    fn arms_break_where_prettyplease_breaks_them() {
        for name in wide_names() {
            for (pattern, body) in [
                (format!("\"{name}\""), "value.fill(&mut self.a)".to_string()),
                ("Self::A".into(), format!("\"{name}\"")),
                (format!("Some(\"{name}\")"), format!("stripe_runtime::decode(value, \"{name}\").map(Self::{name})")),
                ("Some(\"a\")".into(), format!("stripe_runtime::decode(value, \"{name}\").map(Self::A)")),
            ] {
                let arm = lines().arm(12, &pattern, &body).unwrap();
                let ours = format!("impl S {{\n    fn f() {{\n        match x {{\n{arm}        }}\n    }}\n}}\n");
                let theirs = pretty(&format!("impl S {{ fn f() {{ match x {{ {pattern} => {body}, }} }} }}"));
                assert_eq!(ours, theirs);
            }
        }
    }

    #[test]
    fn method_calls_break_where_prettyplease_breaks_them() {
        for name in wide_names() {
            let field = name.to_lowercase();
            let args = [format!("\"{field}\""), format!("&self.{field}")];
            let call = lines().method_call(8, "fields", "field", &args).unwrap();
            assert_in_a_method(&call, &format!("fields.field(\"{field}\", &self.{field});"));
        }
    }

    #[test]
    fn variants_break_where_prettyplease_breaks_them() {
        for name in wide_names() {
            for (variant, ty) in [
                (name.clone(), name.clone()),
                (name.clone(), format!("Box<{name}>")),
                ("A".to_string(), format!("Box<{name}>")),
                (name.clone(), "String".to_string()),
                (name.clone(), format!("BTreeMap<String, {name}>")),
            ] {
                let ours = lines().variant(4, &variant, &ty).unwrap();
                let theirs = pretty(&format!("enum E {{ {variant}({ty}), }}"));
                assert_eq!(format!("enum E {{\n{ours}}}\n"), theirs);
            }
        }
    }

    #[test]
    fn calls_break_where_prettyplease_breaks_them() {
        for name in wide_names() {
            let args = ["serializer".to_string(), format!("\"{name}\""), "1".to_string()];
            let call = lines().call(8, "let mut fields = W::new", &args, ";").unwrap();
            assert_in_a_method(&call, &format!("let mut fields = W::new(serializer, \"{name}\", 1);"));
        }
    }

    #[test]
    fn nested_calls_break_where_prettyplease_breaks_them() {
        for name in names() {
            let value = format!("{}.into_iter().map(Into::into).collect()", name.to_lowercase());
            for calls in [vec!["Some"], vec!["Some", "Clearable::Set"], vec!["Some", "Box::new", "Clearable::Set"]] {
                let statement = lines().nested_call(8, "self.a = ", &calls, &value, ";").unwrap();
                assert_in_a_method(&statement, &format!("self.a = {};", super::nest(&calls, &value)));
            }
        }
    }

    #[test]
    fn method_chains_of_fields_break_where_prettyplease_breaks_them() {
        for name in names() {
            let name = name.to_lowercase();
            let fields =
                [format!("{name}: self.{name}.ok_or(MissingField(\"{name}\"))?"), format!("b: self.{name}.flatten()")];
            for fields in [fields.to_vec(), fields.iter().rev().cloned().collect()] {
                assert_struct_expr("S", &fields);
            }
        }
    }

    #[test]
    fn generic_field_types_break_where_prettyplease_breaks_them() {
        for name in wide_names() {
            for ty in [
                format!("Option<{name}>"),
                format!("Option<Clearable<Vec<{name}>>>"),
                format!("Option<BTreeMap<String, {name}>>"),
            ] {
                let field = lines().field(4, "pub a: ", &ty).unwrap();
                assert_eq!(format!("struct S {{\n{field}}}\n"), pretty(&format!("struct S {{ pub a: {ty}, }}")));
                let slot = lines().field(12, "a: ", &ty).unwrap();
                let theirs = pretty(&format!("fn f() {{ fn f() {{ struct S {{ a: {ty}, }} }} }}"));
                assert_eq!(
                    format!("fn f() {{\n    fn f() {{\n        struct S {{\n{slot}        }}\n    }}\n}}\n"),
                    theirs
                );
            }
        }
    }

    #[test]
    fn return_types_break_where_prettyplease_breaks_them() {
        for name in wide_names() {
            let tail = format!(" -> Result<{name}, MissingField>");
            let sig = lines().signature(12, "fn finish", &["self".to_string()], &tail).unwrap();
            let ours = format!("fn g() {{\n    impl S {{\n        fn h() {{\n{sig}                x\n            }}\n        }}\n    }}\n}}\n");
            let theirs = pretty(&format!("fn g() {{ impl S {{ fn h() {{ fn finish(self){tail} {{ x }} }} }} }}"));
            assert_eq!(ours, theirs);
        }
    }

    #[test]
    fn generic_calls_break_where_prettyplease_breaks_them() {
        for name in wide_names() {
            let args = ["deserializer".to_string(), format!("\"{name}\"")];
            let call = lines().generic_call(8, "decode_struct", &["D", "Slots"], &args).unwrap();
            assert_in_a_method(&call, &format!("decode_struct::<D, Slots>(deserializer, \"{name}\")"));
        }
    }

    #[test]
    fn associated_types_are_laid_out_as_prettyplease_does() {
        for name in wide_names() {
            for ty in [name.clone(), format!("Option<{name}>")] {
                let item = lines().associated_type(8, "Value", &ty).unwrap();
                let ours = format!("fn g() {{\n    impl S for T {{\n{item}    }}\n}}\n");
                assert_eq!(ours, pretty(&format!("fn g() {{ impl S for T {{ type Value = {ty}; }} }}")));
            }
        }
    }

    #[test]
    fn lines_that_do_not_fit_are_laid_out_by_prettyplease_in_place() {
        for name in names() {
            let field = lines().line(4, Context::StructField, &format!("pub a: Option<Vec<{name}>>,")).unwrap();
            assert_eq!(
                format!("struct S {{\n{field}}}\n"),
                pretty(&format!("struct S {{ pub a: Option<Vec<{name}>>, }}"))
            );

            let statement = format!("self.a = Some(Clearable::Set({name}.into_iter().map(Into::into).collect()));");
            let statement = lines().line(8, Context::Statement, &statement).unwrap();
            let code = format!("self.a = Some(Clearable::Set({name}.into_iter().map(Into::into).collect()));");
            assert_in_a_method(&statement, &code);

            let head = lines().head(0, &format!("impl<'de> Deserialize<'de> for {name}")).unwrap();
            let theirs = pretty(&format!("impl<'de> Deserialize<'de> for {name} {{ fn f() {{}} }}"));
            assert_eq!(format!("{head}    fn f() {{}}\n}}\n"), theirs);
        }
    }

    #[test]
    fn impl_heads_break_where_prettyplease_breaks_them() {
        for name in wide_names() {
            for head in [
                format!("impl<'de> Deserialize<'de> for {name}"),
                format!("impl Serialize for {name}"),
                format!("impl stripe_runtime::Object for {name}"),
                format!("impl From<{name}> for {name}"),
            ] {
                let ours = lines().head(0, &head).unwrap();
                let theirs = pretty(&format!("{head} {{ fn f() {{}} }}"));
                assert_eq!(format!("{ours}    fn f() {{}}\n}}\n"), theirs);
            }
        }
    }
}
