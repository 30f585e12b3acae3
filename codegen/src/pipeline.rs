//! The whole run: config -> pinned document (checked) -> IR -> files.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::emit::{self, CrateOptions, Files};
use crate::error::{Error, Result};
use crate::ir::Ir;
use crate::{load, lower};

/// Path of the config, relative to the repository root.
pub const CONFIG_PATH: &str = "spec/codegen.yaml";

/// What the command line may override; everything else comes from `spec/`.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// A document to use instead of the pinned one (not checksum-verified).
    pub spec: Option<PathBuf>,
    /// Resource id patterns to use instead of the configured selection.
    pub select: Vec<String>,
    /// Where to write the crate instead of `generated/`.
    pub out: Option<PathBuf>,
}

/// The result of a run, before anything is written.
#[derive(Debug)]
pub struct Generated {
    /// The lowered API.
    pub ir: Ir,
    /// The crate's files.
    pub files: Files,
    /// Where the files belong.
    pub out_dir: PathBuf,
}

/// Runs the generator for the repository at `root`.
pub fn generate(root: &Path, options: &Options) -> Result<Generated> {
    let config = Config::load(&root.join(CONFIG_PATH))?;
    let (path, pinned) = match &options.spec {
        Some(path) => (path.clone(), false),
        None => (root.join(&config.spec.path), true),
    };
    let bytes = match load::read(&path, "the OpenAPI document") {
        Err(e) if pinned && !path.exists() => {
            return Err(Error::file(
                path.display(),
                format!(
                    "the pinned OpenAPI document is missing: get spec3.yaml of API version {} from the \
                     `stripe/openapi` repository and put it at `{}` (relative to the repository root), \
                     or pass another document with `--spec PATH` ({})",
                    config.spec.api_version, config.spec.path, e.reason
                ),
            ))
        }
        other => other?,
    };
    if pinned {
        let actual = load::sha256_hex(&bytes);
        if actual != config.spec.sha256 {
            return Err(Error::file(
                path.display(),
                format!(
                    "sha256 is {actual}, but {CONFIG_PATH} pins {}: this is not the pinned document; nothing was written",
                    config.spec.sha256
                ),
            ));
        }
    }
    let doc = load::parse(&bytes)?;
    if pinned && doc.info.version != config.spec.api_version {
        return Err(Error::at(
            "#/info/version",
            format!("is `{}`, but {CONFIG_PATH} pins API version `{}`", doc.info.version, config.spec.api_version),
        ));
    }
    let policy = lower::Policy {
        select: if options.select.is_empty() { config.select.clone() } else { options.select.clone() },
        rename: config.rename.clone(),
        clearable: config.clearable.clone(),
    };

    let default_out = root.join("generated");
    let out_dir = options.out.clone().unwrap_or_else(|| default_out.clone());
    let standalone = absolute(&out_dir) != absolute(&default_out);
    let runtime_path =
        if standalone { absolute(&root.join("runtime")).display().to_string() } else { "../runtime".to_string() };
    let crate_options = CrateOptions {
        name: config.krate.name.clone(),
        version: config.krate.version.clone(),
        runtime_path,
        standalone,
    };
    let (ir, files) = generate_document(&doc, &policy, &crate_options)?;
    Ok(Generated { ir, files, out_dir })
}

/// Lowers and emits a parsed document: the compiler without the repository around it.
pub fn generate_document(
    doc: &openapiv3::OpenAPI,
    policy: &lower::Policy,
    crate_options: &CrateOptions,
) -> Result<(Ir, Files)> {
    let ir = lower::lower(doc, policy)?;
    let files = emit::emit(&ir, crate_options)?;
    Ok((ir, files))
}

/// `path` made absolute and normalised, without requiring it to exist.
fn absolute(path: &Path) -> PathBuf {
    if let Ok(canonical) = path.canonicalize() {
        return canonical;
    }
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map(|d| d.join(path)).unwrap_or_else(|_| path.to_path_buf())
    };
    // Canonicalise the longest existing ancestor and append the rest.
    let mut existing = joined.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => return joined,
        }
    }
    let mut out = existing.canonicalize().unwrap_or_else(|_| existing.to_path_buf());
    out.extend(rest.iter().rev());
    out
}
