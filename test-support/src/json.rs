//! Comparing JSON values: what a decode-and-encode round trip lost.

use std::collections::BTreeSet;

use serde_json::Value;

/// Dotted paths (`document.address.zip`, `items[0].price`) of every key of
/// `original`, at any depth, that is missing at the same place in `reencoded`.
pub fn missing_paths(original: &Value, reencoded: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    walk("", original, reencoded, &mut out);
    out
}

fn walk(prefix: &str, original: &Value, reencoded: &Value, out: &mut BTreeSet<String>) {
    match (original, reencoded) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                match b.get(key) {
                    Some(other) => walk(&path, value, other, out),
                    None => {
                        out.insert(path);
                    }
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                walk(&format!("{prefix}[{i}]"), x, y, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn names_every_lost_key_by_its_path() {
        let original = json!({"a": 1, "b": {"c": 2, "d": [{"e": 3}, {"f": 4}]}, "g": null});
        let reencoded = json!({"a": 1, "b": {"d": [{"e": 3}, {}]}, "g": null, "h": 5});
        let lost: Vec<String> = missing_paths(&original, &reencoded).into_iter().collect();
        assert_eq!(lost, ["b.c", "b.d[1].f"]);
    }
}
