//! The generator's policy, read from `spec/codegen.yaml`: which document is pinned,
//! what to generate from it, and naming overrides.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};

/// The contents of `spec/codegen.yaml`: the pin, the crate's package, and the
/// [`Policy`] (whose keys sit at the top level of the file beside `spec` and `crate`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Config {
    /// The pinned OpenAPI document.
    pub spec: Pin,
    /// The generated crate's package.
    #[serde(rename = "crate")]
    pub krate: CrateConfig,
    /// What to generate, and the naming and shape overrides.
    #[serde(flatten)]
    pub policy: Policy,
    /// The keys neither of the above takes: each is an error (serde's
    /// `deny_unknown_fields` does not work with `flatten`).
    #[serde(flatten)]
    unknown: BTreeMap<String, serde_yaml::Value>,
}

/// What to lower, and the naming and shape overrides: the generation policy of
/// `spec/codegen.yaml`, also what lowering takes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Policy {
    /// Resource id patterns to generate (`identity.*`), matched against `x-resourceId`.
    pub select: Vec<String>,
    /// Rust type names to use instead of the derived ones, keyed by component schema
    /// name (`gelato_verified_outputs: VerifiedData`).
    #[serde(default)]
    pub rename: BTreeMap<String, String>,
    /// Params that the API lets you clear by sending an empty value although the
    /// document does not mark them (with `anyOf` and `enum: [""]`), as
    /// `METHOD.FIELD.PATH` patterns (`update.metadata`, `*.metadata`).
    #[serde(default)]
    pub clearable: Vec<String>,
    /// Properties given a more precise type than the document's, keyed by the JSON
    /// pointer of the property (`#/components/schemas/event/properties/type`).
    #[serde(default)]
    pub refine: BTreeMap<String, Refinement>,
    /// Method names where Stripe's SDKs depart from the naming rule, keyed by
    /// operation (`GET /v1/account: retrieve_current`).
    #[serde(default)]
    pub methods: BTreeMap<String, String>,
    /// Path segments after the version that group operations of other resources
    /// (`test_helpers`: `/v1/test_helpers/terminal/readers/...` acts on terminal
    /// readers); see [`crate::owners`].
    #[serde(default)]
    pub helper_namespaces: Vec<String>,
}

impl Policy {
    /// A policy that selects `select` and overrides nothing.
    pub fn select(select: &[&str]) -> Self {
        Policy { select: select.iter().map(|s| s.to_string()).collect(), ..Policy::default() }
    }
}

/// A more precise type for one property than the document gives it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Refinement {
    /// The Rust name of the new type.
    pub name: String,
    /// Makes the property a string enum of the values of the string schema at this
    /// JSON pointer (`#/paths/...` or `#/components/schemas/...`), which must have `enum`.
    #[serde(default)]
    pub values_of: Option<String>,
    /// Values of `values_of` to leave out (patterns such as `*`).
    #[serde(default)]
    pub skip: Vec<String>,
    /// Makes the property a union of every selected resource that has a constant
    /// `object` value, chosen by that value (the resource whose property it is
    /// excepted).
    #[serde(default)]
    pub any_selected_resource: bool,
}

/// The pinned document.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pin {
    /// Path of the document, relative to the repository root.
    pub path: String,
    /// The document's `info.version`.
    pub api_version: String,
    /// Lowercase hex sha256 of the document's bytes.
    pub sha256: String,
}

/// The generated crate's package metadata.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrateConfig {
    /// Package name (`stripe-api`).
    pub name: String,
    /// Package version.
    pub version: String,
}

impl Config {
    /// Reads and validates the config file.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::file(path.display(), format!("cannot read the codegen config: {e}")))?;
        Config::parse(&text).map_err(|reason| Error::file(path.display(), reason))
    }

    /// Parses the config from YAML text; the error is the reason only.
    pub fn parse(text: &str) -> std::result::Result<Config, String> {
        let config: Config = serde_yaml::from_str(text).map_err(|e| format!("invalid codegen config: {e}"))?;
        if let Some(key) = config.unknown.keys().next() {
            return Err(format!(
                "invalid codegen config: unknown key `{key}`, expected one of `spec`, `crate`, `select`, `rename`, \
                 `clearable`, `refine`, `methods`, `helper_namespaces`"
            ));
        }
        if config.policy.select.is_empty() {
            return Err("`select` must name at least one resource pattern".into());
        }
        let sha_ok = config.spec.sha256.len() == 64
            && config.spec.sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !sha_ok {
            return Err("`spec.sha256` must be 64 lowercase hex digits".into());
        }
        for operation in config.policy.methods.keys() {
            let well_formed = operation
                .split_once(' ')
                .is_some_and(|(verb, path)| ["GET", "POST", "DELETE"].contains(&verb) && path.starts_with('/'));
            if !well_formed {
                return Err(format!(
                    "`methods` key `{operation}` must be an operation: `GET`, `POST` or `DELETE`, a space and a path"
                ));
            }
        }
        for (pointer, refinement) in &config.policy.refine {
            if !pointer.starts_with("#/components/schemas/") || !pointer.contains("/properties/") {
                return Err(format!(
                    "`refine` key `{pointer}` must be the JSON pointer of a property \
                     (`#/components/schemas/NAME/properties/FIELD`)"
                ));
            }
            if refinement.values_of.is_some() == refinement.any_selected_resource {
                return Err(format!(
                    "`refine.{pointer}` must have exactly one of `values_of` and `any_selected_resource: true`"
                ));
            }
        }
        Ok(config)
    }
}

/// The config file's `text` with its `spec:` block pointing at `pin`, every other
/// line (comments included) as it was. The error is the reason only.
pub fn repin(text: &str, pin: &Pin) -> std::result::Result<String, String> {
    let mut out = String::with_capacity(text.len() + 64);
    let mut in_spec = false;
    let mut replaced = [false; 3];
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let ending = &line[body.len()..];
        if !body.starts_with([' ', '\t', '#']) && !body.is_empty() {
            in_spec = body.trim_end() == "spec:";
        }
        let trimmed = body.trim_start();
        let indent = &body[..body.len() - trimmed.len()];
        let key = ["path", "api_version", "sha256"]
            .iter()
            .position(|key| trimmed.strip_prefix(key).is_some_and(|rest| rest.starts_with(':')) && !indent.is_empty());
        match key {
            Some(i) if in_spec => {
                let value = match i {
                    0 => yaml_string(&pin.path),
                    1 => format!("{:?}", pin.api_version),
                    _ => pin.sha256.clone(),
                };
                let key = ["path", "api_version", "sha256"][i];
                out.push_str(&format!("{indent}{key}: {value}{ending}"));
                replaced[i] = true;
            }
            _ => out.push_str(line),
        }
    }
    if replaced != [true; 3] {
        return Err("cannot find `path`, `api_version` and `sha256` lines under `spec:` to update (the pin is \
                    updated line by line to keep the file's comments: write `spec` as a block mapping)"
            .into());
    }
    let config = Config::parse(&out)?;
    if &config.spec != pin {
        return Err("the updated config does not read back as the new pin".into());
    }
    Ok(out)
}

/// `value` as a YAML scalar: as it is when that is unambiguous, else double-quoted.
fn yaml_string(value: &str) -> String {
    let plain = !value.is_empty()
        && value.chars().all(|c| c.is_ascii_alphanumeric() || "._/-".contains(c))
        && value.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '.' || c == '/');
    if plain {
        value.to_owned()
    } else {
        serde_json::to_string(value).unwrap_or_default()
    }
}

/// Whether a resource id matches a selection pattern: `*` matches any run of
/// characters (`identity.*`, `*`, `tax.calculation`).
pub fn pattern_matches(pattern: &str, resource_id: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == resource_id;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !resource_id.starts_with(first) || resource_id.len() < first.len() + last.len() || !resource_id.ends_with(last) {
        return false;
    }
    let mut rest = &resource_id[first.len()..resource_id.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(i) => rest = &rest[i + middle.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(pattern_matches("identity.*", "identity.verification_session"));
        assert!(!pattern_matches("identity.*", "identity"));
        assert!(!pattern_matches("identity.*", "tax.settings"));
        assert!(pattern_matches("*", "customer"));
        assert!(pattern_matches("tax.calculation", "tax.calculation"));
        assert!(!pattern_matches("tax.calculation", "tax.calculation_line_item"));
        assert!(pattern_matches("*.verification_*", "identity.verification_report"));
        assert!(!pattern_matches("a*b*c", "abx"));
    }

    #[test]
    fn repinning_changes_only_the_pin() {
        let text = "# top\nspec:\n  # where\n  path: a/b.yaml\n  api_version: \"1\"\n  sha256: 0000000000000000000000000000000000000000000000000000000000000000\n\nselect: [\"x.*\"] # sel\ncrate: {name: n, version: '0.1.0'}\n";
        let pin = Pin { path: "../c d/spec3.yaml".into(), api_version: "2023-08-16".into(), sha256: "ab".repeat(32) };
        let out = repin(text, &pin).unwrap();
        assert_eq!(
            out,
            text.replace("a/b.yaml", "\"../c d/spec3.yaml\"")
                .replace("\"1\"", "\"2023-08-16\"")
                .replace(&"0".repeat(64), &"ab".repeat(32))
        );
        assert_eq!(Config::parse(&out).unwrap().spec, pin);
        let no_spec = "select: [a]\ncrate: {name: n, version: '0.1.0'}\n";
        assert!(repin(no_spec, &pin).unwrap_err().contains("cannot find"));
    }

    #[test]
    fn config_errors_are_reasons() {
        let bad = "spec: {path: x, api_version: v, sha256: abc}\nselect: [a]\ncrate: {name: n, version: '0.1.0'}\n";
        assert_eq!(Config::parse(bad).unwrap_err(), "`spec.sha256` must be 64 lowercase hex digits");
        let none = bad.replace("[a]", "[]");
        assert_eq!(Config::parse(&none).unwrap_err(), "`select` must name at least one resource pattern");
        let good = bad.replace("abc", &"a".repeat(64));
        let both = format!("{good}refine: {{'#/components/schemas/e/properties/t': {{name: T, values_of: '#/x', any_selected_resource: true}}}}\n");
        assert_eq!(
            Config::parse(&both).unwrap_err(),
            "`refine.#/components/schemas/e/properties/t` must have exactly one of `values_of` and `any_selected_resource: true`"
        );
        let unknown = format!("{good}selection: [b]\n");
        assert_eq!(
            Config::parse(&unknown).unwrap_err(),
            "invalid codegen config: unknown key `selection`, expected one of `spec`, `crate`, `select`, `rename`, \
             `clearable`, `refine`, `methods`, `helper_namespaces`"
        );
        let bad_method = format!("{good}methods: {{'/v1/a': list}}\n");
        assert!(Config::parse(&bad_method).unwrap_err().starts_with("`methods` key `/v1/a` must be an operation"));
        let not_a_property = format!("{good}refine: {{'#/paths/x': {{name: T, any_selected_resource: true}}}}\n");
        assert!(Config::parse(&not_a_property).unwrap_err().starts_with("`refine` key `#/paths/x` must be"));
    }
}
