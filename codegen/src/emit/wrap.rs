//! Wrapping of markdown documentation at a width, for doc comments.
//!
//! Paragraphs and list items are refilled: their lines are joined and broken again at
//! spaces, never inside an inline code span or a link (a link longer than a line gets a
//! line of its own, longer than the width). Everything else (fenced and indented code,
//! headings, tables, quotes, rules, HTML blocks, blank lines) is kept line for line. A
//! line is never made to start with something that would begin another block (`- `,
//! `1.`, `#`, `>`...): that word stays on the line before, which may then be longer than
//! the width. Line breaks that mean something (a trailing backslash) are kept.

/// `markdown`, its paragraphs and list items wrapped at `width` columns.
pub fn wrap(markdown: &str, width: usize) -> String {
    if fits_as_it_is(markdown, width) {
        return markdown.trim_end().to_string();
    }
    refill(markdown, width)
}

/// Whether refilling `markdown` at `width` would only trim its end: one line that
/// fits, without runs of spaces to collapse (most documentation of the whole API).
fn fits_as_it_is(markdown: &str, width: usize) -> bool {
    !markdown.contains('\n') && markdown.len() <= width && !markdown.contains("  ")
}

/// [`wrap`] without the shortcut for a line that fits.
fn refill(markdown: &str, width: usize) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut block: Option<Block> = None;
    let mut fence: Option<&str> = None;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(marker) = fence {
            out.push(line.to_string());
            if trimmed.starts_with(marker) && trimmed.trim_end().chars().all(|c| marker.starts_with(c)) {
                fence = None;
            }
            continue;
        }
        let item = list_marker(trimmed);
        // Lines that do not continue (or start) a paragraph or list item are kept as they are:
        // a list item indented 4 or more may be code, or continuation text; either way its
        // line break is kept.
        let verbatim =
            trimmed.is_empty() || (indent >= 4 && (block.is_none() || item.is_some())) || starts_other_block(trimmed);
        if verbatim {
            flush(&mut block, width, &mut out);
            if indent < 4 {
                fence = fence_marker(trimmed);
            }
            out.push(line.trim_end().to_string());
            continue;
        }
        if let Some(marker_len) = item {
            flush(&mut block, width, &mut out);
            let content = trimmed[marker_len..].trim_start();
            let prefix_len = line.len() - content.len();
            block =
                Some(Block { prefix: line[..prefix_len].to_string(), indent: prefix_len, text: content.to_string() });
        } else if let Some(b) = &mut block {
            b.text.push(' ');
            b.text.push_str(trimmed);
        } else {
            block = Some(Block { prefix: line[..indent].to_string(), indent, text: trimmed.to_string() });
        }
        // A line ending in a backslash ends with a hard break: keep it.
        if trimmed.trim_end().chars().rev().take_while(|&c| c == '\\').count() % 2 == 1 {
            flush(&mut block, width, &mut out);
        }
    }
    flush(&mut block, width, &mut out);
    out.join("\n")
}

/// A paragraph or list item being collected: the prefix of its first line (a list
/// marker, or the paragraph's own indentation), the indentation of its other lines
/// and its text, lines joined.
struct Block {
    prefix: String,
    indent: usize,
    text: String,
}

/// Writes the block's text to `out`, broken into lines of at most `width` columns
/// where words allow.
fn flush(block: &mut Option<Block>, width: usize, out: &mut Vec<String>) {
    let Some(block) = block.take() else { return };
    let atoms = atoms(&block.text);
    let continuation = " ".repeat(block.indent);
    let mut line = block.prefix.clone();
    let mut len = line.chars().count();
    let mut empty = true;
    // Atoms before this index are in a link placed as one unit: no break before them.
    let mut glued_until = 0;
    for (i, atom) in atoms.iter().enumerate() {
        let glued = i < glued_until;
        let mut unit = atom.width;
        if let Some(end) = atom.link_end.filter(|&end| end > glued_until) {
            if !glued {
                unit = atoms[i..end].iter().map(|a| a.width + 1).sum::<usize>() - 1;
            }
            glued_until = end;
        }
        if !empty && !glued && len + 1 + unit > width && !starts_block(atom.text) {
            out.push(std::mem::replace(&mut line, continuation.clone()));
            len = block.indent;
            empty = true;
        }
        if !empty {
            line.push(' ');
            len += 1;
        }
        line.push_str(atom.text);
        len += atom.width;
        empty = false;
    }
    out.push(line.trim_end().to_string());
}

/// A word: text between spaces, with inline code spans (which may hold spaces) whole.
struct Atom<'t> {
    text: &'t str,
    width: usize,
    /// For the first word of a link, the index of the atom after its last word.
    link_end: Option<usize>,
}

/// The words of a paragraph's text, each link marked on its first word.
fn atoms(text: &str) -> Vec<Atom<'_>> {
    let bytes = text.as_bytes();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut links: Vec<(usize, usize)> = Vec::new();
    let (mut i, mut start) = (0, None);
    while i < bytes.len() {
        match bytes[i] {
            b' ' => {
                if let Some(s) = start.take() {
                    spans.push((s, i));
                }
                i += 1;
                continue;
            }
            _ if start.is_none() => start = Some(i),
            _ => {}
        }
        match bytes[i] {
            b'\\' => i = (i + 2).min(bytes.len()),
            b'`' => i = code_span_end(text, i),
            b'[' => {
                if let Some(end) = link_end(text, i) {
                    links.push((i, end));
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    if let Some(s) = start {
        spans.push((s, bytes.len()));
    }
    let mut atoms: Vec<Atom<'_>> = spans
        .iter()
        .map(|&(s, e)| Atom { text: &text[s..e], width: text[s..e].chars().count(), link_end: None })
        .collect();
    for (link_start, link_end) in links {
        let first = spans.iter().position(|&(s, e)| s <= link_start && link_start < e);
        let last = spans.iter().position(|&(s, e)| s < link_end && link_end <= e);
        if let (Some(first), Some(last)) = (first, last) {
            if last > first {
                atoms[first].link_end = atoms[first].link_end.max(Some(last + 1));
            }
        }
    }
    atoms
}

/// For a backtick run at `start`, the index after the code span it opens (after the
/// run itself when nothing closes it).
fn code_span_end(text: &str, start: usize) -> usize {
    let run = text[start..].bytes().take_while(|&b| b == b'`').count();
    let mut i = start + run;
    while let Some(found) = text[i..].find('`') {
        let at = i + found;
        let len = text[at..].bytes().take_while(|&b| b == b'`').count();
        if len == run {
            return at + len;
        }
        i = at + len;
    }
    start + run
}

/// For `[` at `start`, the index after the `)` of `[text](target)`, if it is a link.
fn link_end(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let (mut depth, mut i) = (0usize, start);
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'`' => {
                i = code_span_end(text, i);
                continue;
            }
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
        i += 1;
    }
    if bytes.get(i + 1) != Some(&b'(') {
        return None;
    }
    let target = &text[i + 2..];
    let close = target.find(|c: char| c == ')' || c.is_whitespace())?;
    target[close..].starts_with(')').then_some(i + 2 + close + 1)
}

/// The length of a list marker and the space after it (`- `, `1. `), if the line is a list item.
fn list_marker(line: &str) -> Option<usize> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let marker = match line.as_bytes().first()? {
        b'-' | b'*' | b'+' => 1,
        _ if (1..=9).contains(&digits) && matches!(line.as_bytes().get(digits), Some(b'.' | b')')) => digits + 1,
        _ => return None,
    };
    match line[marker..].chars().next() {
        None => Some(marker),
        Some(' ') => Some(marker + 1),
        _ => None,
    }
}

/// The fence (```` ``` ```` or `~~~`) a line opens, if it opens a code block.
fn fence_marker(line: &str) -> Option<&'static str> {
    ["```", "~~~"].into_iter().find(|fence| line.starts_with(fence))
}

/// Whether a line (without its indentation) starts a block that is kept line for
/// line: a fence, a heading, a quote, a table row, a rule or setext underline, an
/// HTML block.
fn starts_other_block(line: &str) -> bool {
    let first_word = line.split(' ').next().unwrap_or_default();
    fence_marker(line).is_some()
        || line.starts_with('>')
        || line.starts_with('|')
        || (first_word.len() <= 6 && !first_word.is_empty() && first_word.bytes().all(|b| b == b'#'))
        || is_rule(line)
        || starts_html(line)
}

/// A thematic break or setext underline: one of `-`, `*`, `_`, `=` repeated (with spaces).
fn is_rule(line: &str) -> bool {
    let mut chars = line.chars().filter(|c| *c != ' ');
    let Some(first) = chars.next().filter(|c| matches!(c, '-' | '*' | '_' | '=')) else { return false };
    let mut count = 1;
    for c in chars {
        if c != first {
            return false;
        }
        count += 1;
    }
    count >= 3 || first == '=' || (first == '-' && !line.contains(' '))
}

/// `<tag`, `</tag`, `<!` or `<?`, but not an autolink (`<https://...>`).
fn starts_html(line: &str) -> bool {
    let Some(rest) = line.strip_prefix('<') else { return false };
    let tag = rest.split(['>', ' ']).next().unwrap_or_default();
    rest.starts_with(|c: char| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'))
        && !tag.contains(':')
        && !tag.contains('@')
}

/// Whether a line starting with `word` would start a block of its own.
fn starts_block(word: &str) -> bool {
    list_marker(word).is_some() || starts_other_block(word)
}

#[cfg(test)]
mod tests {
    use super::{fits_as_it_is, refill, wrap};

    /// The shortcut for one line that fits gives what refilling it gives: on the
    /// documentation of every description of Stripe's pinned document, at the widths
    /// doc comments are wrapped at, and on lines of every kind of block.
    #[test]
    fn a_line_that_fits_is_wrapped_as_any_other() {
        let mut docs: Vec<String> =
            crate::docs::tests::pinned_descriptions().iter().map(|d| crate::docs::to_rustdoc(d)).collect();
        let kinds =
            ["- item", "1. item", "# Heading", "```", "    code", "> quote", "a line\\", "`a  b` c", " a", "a ", ""];
        docs.extend(kinds.iter().map(|kind| kind.to_string()));
        let short = docs.iter().filter(|d| fits_as_it_is(d, 92)).count();
        eprintln!("{short} of {} texts fit as they are at 92 columns", docs.len());
        assert!(docs.len() > 9_000 && short > 1_000, "{} texts, {short} short", docs.len());
        for text in &docs {
            for width in [92, 96] {
                assert_eq!(wrap(text, width), refill(text, width), "{text:?} at {width}");
            }
        }
    }

    #[test]
    fn paragraphs_are_refilled_at_the_width() {
        let text = "one two three four five six seven eight nine ten\neleven twelve";
        assert_eq!(wrap(text, 20), "one two three four\nfive six seven eight\nnine ten eleven\ntwelve");
        assert_eq!(wrap("short\nlines\n\nkept apart", 80), "short lines\n\nkept apart");
    }

    #[test]
    fn code_spans_and_links_are_not_broken() {
        assert_eq!(wrap("aaaa `b c d` e", 9), "aaaa\n`b c d` e");
        assert_eq!(wrap("see [the whole guide](https://x.y/z) now", 34), "see\n[the whole guide](https://x.y/z)\nnow");
        // A link longer than a line gets a line of its own.
        assert_eq!(wrap("a [b c](https://example.com/long) d", 12), "a\n[b c](https://example.com/long)\nd");
        assert_eq!(wrap("x [a b](u)/[c d](v) y", 6), "x\n[a b](u)/[c d](v)\ny");
    }

    #[test]
    fn lines_never_start_a_block_by_accident() {
        assert_eq!(wrap("aaaa - bbbb", 6), "aaaa -\nbbbb");
        assert_eq!(wrap("aaaa 1. bbbb", 6), "aaaa 1.\nbbbb");
        assert_eq!(wrap("aaaa # bbbb", 6), "aaaa #\nbbbb");
        assert_eq!(wrap("aaaa > bbbb", 6), "aaaa >\nbbbb");
    }

    #[test]
    fn markdown_structure_is_kept() {
        let list = "Intro:\n- one two three\n- four five six\n  seven\n\n1. first item here";
        assert_eq!(wrap(list, 12), "Intro:\n- one two\n  three\n- four five\n  six seven\n\n1. first\n   item here");
        let code = "text\n\n```\nlet a = 1; // a long line of code\n```\n\n    indented code line";
        assert_eq!(wrap(code, 10), code);
        assert_eq!(wrap("# Heading that is long\ntext", 8), "# Heading that is long\ntext");
        assert_eq!(wrap("| a | b |\n|---|---|", 4), "| a | b |\n|---|---|");
        assert_eq!(wrap("hard\\\nbreak kept", 80), "hard\\\nbreak kept");
        assert_eq!(wrap("<https://stripe.com> is\nan autolink", 80), "<https://stripe.com> is an autolink");
    }
}
