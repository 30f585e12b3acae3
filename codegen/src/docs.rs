//! Spec descriptions -> rustdoc markdown.
//!
//! Markdown is kept, and the few HTML tags Stripe's descriptions use (`<p>`,
//! `<code>`, `<a href>`, `<strong>`, `<em>`, `<br>`, `<ul>`/`<li>`) become markdown.
//! Relative links (`/docs/identity`) become absolute
//! (`https://stripe.com/docs/identity`), bare URLs are wrapped in `<>` and square
//! brackets that are not links are escaped, so that `cargo doc` builds the
//! generated crate without warnings.

/// Where the spec's relative links point.
const SITE: &str = "https://stripe.com";

/// Converts a spec description to rustdoc markdown.
pub fn to_rustdoc(description: &str) -> String {
    let text = description.trim();
    // Plain text (four in five of Stripe's descriptions) is kept as it is, but for its
    // line ends.
    if is_plain(text) {
        return tidy_lines(text);
    }
    // Descriptions with markup repeat: the same params (`metadata`, `expand`...) are
    // described alike in hundreds of operations. Each is converted once per thread.
    thread_local! {
        static CONVERTED: std::cell::RefCell<rustc_hash::FxHashMap<String, String>> = Default::default();
    }
    CONVERTED.with(|made| {
        crate::names::cached(&mut made.borrow_mut(), text, |text| tidy_lines(&converted(text))).to_string()
    })
}

/// Whether `text` has nothing [`converted`] would change: no tag, bracket or URL.
fn is_plain(text: &str) -> bool {
    !text.contains(['<', '[', ']']) && !text.contains("http://") && !text.contains("https://")
}

/// [`to_rustdoc`] of `text` (trimmed) before its lines are tidied, without the
/// shortcut for plain text.
fn converted(text: &str) -> String {
    let markdown = html_to_markdown(text);
    let chars: Vec<char> = markdown.trim().chars().collect();
    let mut out = String::with_capacity(chars.len() + 16);
    convert(&chars, &mut out);
    out
}

/// `text` with trailing whitespace cut from every line, and at most one blank line
/// in a row.
fn tidy_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut previous_blank = false;
    // (The first line is never skipped, so every later one kept follows a newline.)
    for (i, line) in text.lines().map(str::trim_end).enumerate() {
        if line.is_empty() && previous_blank {
            continue;
        }
        if i > 0 {
            out.push('\n');
        }
        out.push_str(line);
        previous_blank = line.is_empty();
    }
    out
}

/// Rewrites the HTML tags Stripe's descriptions use as markdown; other text
/// (and any other `<`) is kept as it is.
fn html_to_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let Some(end) = after.find('>') else {
            out.push_str(after);
            return out;
        };
        let tag = &after[1..end];
        let replacement = match tag.trim_end_matches('/').trim() {
            "p" | "/ul" | "ul" => Some("\n\n".to_string()),
            "/p" => Some("\n\n".to_string()),
            "br" => Some("\n".to_string()),
            "code" | "/code" => Some("`".to_string()),
            "strong" | "/strong" | "b" | "/b" => Some("**".to_string()),
            "em" | "/em" | "i" | "/i" => Some("*".to_string()),
            "li" => Some("\n- ".to_string()),
            "/li" => Some(String::new()),
            "/a" => Some("]".to_string()),
            other => other
                .strip_prefix("a ")
                .and_then(|attrs| attrs.trim().strip_prefix("href=\""))
                .and_then(|href| href.split('"').next())
                .map(|href| format!("<{href}>[")),
        };
        match replacement {
            Some(r) => {
                out.push_str(&r);
                rest = &after[end + 1..];
            }
            None => {
                out.push('<');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    relink(&out)
}

/// Turns the `<href>[text]` that `html_to_markdown` leaves for `<a>` into `[text](href)`.
fn relink(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<") {
        let after = &rest[start..];
        let parsed = after.find(">[").and_then(|close| {
            let href = &after[1..close];
            let body = &after[close + 2..];
            let text_end = body.find(']')?;
            (!href.contains(char::is_whitespace) && !href.is_empty())
                .then(|| (href, &body[..text_end], close + 2 + text_end + 1))
        });
        out.push_str(&rest[..start]);
        match parsed {
            Some((href, label, len)) => {
                out.push_str(&format!("[{label}]({href})"));
                rest = &after[len..];
            }
            None => {
                out.push('<');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn convert(chars: &[char], out: &mut String) {
    let mut i = 0;
    let mut in_code = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            in_code = !in_code;
        }
        if in_code || c == '`' {
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            '[' => match link_end(chars, i) {
                // `[text](target)`: keep the text, make the target absolute.
                Some((text_end, target_end)) => {
                    out.push('[');
                    convert(&chars[i + 1..text_end], out);
                    out.push_str("](");
                    let target: String = chars[text_end + 2..target_end].iter().collect();
                    out.push_str(&absolute(target.trim()));
                    out.push(')');
                    i = target_end + 1;
                }
                None => {
                    out.push_str("\\[");
                    i += 1;
                }
            },
            ']' => {
                out.push_str("\\]");
                i += 1;
            }
            'h' if starts_url(chars, i) => {
                let end = chars[i..].iter().position(|c| c.is_whitespace()).map_or(chars.len(), |p| i + p);
                // Trailing punctuation ends the sentence, not the URL.
                let mut url_end = end;
                while url_end > i && matches!(chars[url_end - 1], '.' | ',' | ';' | ':' | ')' | '!' | '?') {
                    url_end -= 1;
                }
                let quoted = i > 0 && matches!(chars[i - 1], '<' | '"' | '\'');
                if !quoted {
                    out.push('<');
                }
                out.extend(&chars[i..url_end]);
                if !quoted {
                    out.push('>');
                }
                i = url_end;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
}

/// For `[` at `start`, the indices of the matching `]` and of the `)` that closes
/// the link target, if this is a markdown link.
fn link_end(chars: &[char], start: usize) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut text_end = None;
    for (j, &c) in chars.iter().enumerate().skip(start) {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    text_end = Some(j);
                    break;
                }
            }
            _ => {}
        }
    }
    let text_end = text_end?;
    if chars.get(text_end + 1) != Some(&'(') {
        return None;
    }
    let target_end = chars[text_end + 2..].iter().position(|&c| c == ')' || c.is_whitespace())? + text_end + 2;
    (chars[target_end] == ')').then_some((text_end, target_end))
}

fn starts_url(chars: &[char], i: usize) -> bool {
    let starts = |prefix: &str| {
        let rest = &chars[i..];
        prefix.len() <= rest.len() && prefix.chars().zip(rest).all(|(p, &c)| p == c)
    };
    starts("http://") || starts("https://")
}

fn absolute(target: &str) -> String {
    if target.starts_with('/') && !target.starts_with("//") {
        format!("{SITE}{target}")
    } else {
        target.to_string()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::{converted, is_plain, tidy_lines, to_rustdoc};

    #[test]
    fn relative_links_become_absolute_even_across_lines() {
        assert_eq!(
            to_rustdoc("such as what [verification\ncheck](/docs/identity/verification-checks) to perform"),
            "such as what [verification\ncheck](https://stripe.com/docs/identity/verification-checks) to perform"
        );
        assert_eq!(
            to_rustdoc("[Files](https://stripe.com/docs/api/files)"),
            "[Files](https://stripe.com/docs/api/files)"
        );
    }

    #[test]
    fn brackets_and_urls_are_made_safe_for_rustdoc() {
        assert_eq!(to_rustdoc("the value [redacted] is shown"), "the value \\[redacted\\] is shown");
        assert_eq!(to_rustdoc("use `metadata[key]` here"), "use `metadata[key]` here");
        assert_eq!(to_rustdoc("see https://stripe.com/docs."), "see <https://stripe.com/docs>.");
        assert_eq!(
            to_rustdoc("a [link with [nested] text](/x)"),
            "a [link with \\[nested\\] text](https://stripe.com/x)"
        );
        assert_eq!(to_rustdoc("trailing spaces   \n\n next"), "trailing spaces\n\n next");
    }

    /// Every description of Stripe's pinned document (read from beside the
    /// repository, once per test run), for the tests of conversions that take shortcuts.
    pub(crate) fn pinned_descriptions() -> &'static [String] {
        static DESCRIPTIONS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
        DESCRIPTIONS.get_or_init(read_descriptions)
    }

    fn read_descriptions() -> Vec<String> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/stripe-openapi/2024-04-10/spec3.json");
        let text = std::fs::read_to_string(path).expect("the pinned document, beside the repository");
        let doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        let mut descriptions = Vec::new();
        let mut stack = vec![&doc];
        while let Some(value) = stack.pop() {
            match value {
                serde_json::Value::Object(map) => {
                    descriptions.extend(map.get("description").and_then(serde_json::Value::as_str).map(String::from));
                    stack.extend(map.values());
                }
                serde_json::Value::Array(items) => stack.extend(items),
                _ => {}
            }
        }
        descriptions
    }

    /// The shortcut for plain text gives what the whole conversion gives, on every
    /// description of Stripe's pinned document.
    #[test]
    fn plain_descriptions_are_converted_as_any_other() {
        let descriptions = pinned_descriptions();
        let plain = descriptions.iter().filter(|d| is_plain(d.trim())).count();
        eprintln!("{plain} of {} descriptions are plain", descriptions.len());
        assert!(descriptions.len() > 9_000 && plain > 1_000, "{} descriptions, {plain} plain", descriptions.len());
        for description in descriptions {
            assert_eq!(to_rustdoc(description), tidy_lines(&converted(description.trim())), "{description:?}");
        }
        assert_eq!(tidy_lines("a  \n\n\n\nb\n\n"), "a\n\nb\n");
    }

    /// Descriptions with markup are converted once per thread and then taken from
    /// the cache: each of the pinned document's, asked for again in the other order,
    /// is what converting it gives.
    #[test]
    fn converted_descriptions_are_the_same_from_the_cache() {
        let marked: Vec<&String> = pinned_descriptions().iter().filter(|d| !is_plain(d.trim())).collect();
        let distinct: std::collections::HashSet<&str> = marked.iter().map(|d| d.trim()).collect();
        eprintln!("{} descriptions with markup, {} of them different", marked.len(), distinct.len());
        assert!(
            marked.len() > distinct.len() + 500,
            "{} with markup, {} of them distinct",
            marked.len(),
            distinct.len()
        );
        for description in marked.iter().chain(marked.iter().rev()) {
            assert_eq!(to_rustdoc(description), tidy_lines(&converted(description.trim())), "{description:?}");
        }
    }

    #[test]
    fn stripe_html_becomes_markdown() {
        assert_eq!(
            to_rustdoc("<p>Can be canceled in <code>requires_input</code> <a href=\"/docs/identity/how\">status</a>.</p>\n\n<p>Once canceled, <strong>no</strong> more.</p>"),
            "Can be canceled in `requires_input` [status](https://stripe.com/docs/identity/how).\n\nOnce canceled, **no** more."
        );
        assert_eq!(to_rustdoc("<ul><li>one</li><li>two</li></ul>"), "- one\n- two");
        assert_eq!(to_rustdoc("a < b and <https://stripe.com>"), "a < b and <https://stripe.com>");
    }
}
