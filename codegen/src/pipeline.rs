//! The whole run: config -> pinned document (checked) -> IR -> files.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::changelog::{self, Source};
use crate::config::{Config, Pin};
use crate::diff::{self, Report, Side};
use crate::emit::{self, CrateOptions, Files};
use crate::error::{Error, Result};
use crate::ir::Ir;
use crate::whole::Whole;
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
    /// Also print every file with prettyplease alone (none of the emitters' own
    /// layout kept, see [`emit::emit_all_by_prettyplease`]) and fail unless the bytes
    /// are the same.
    pub verify_layout: bool,
}

/// How long each phase of a run took.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Timings {
    /// Reading the document's bytes.
    pub read: Duration,
    /// Parsing them into an OpenAPI document (and computing their sha256 on
    /// another thread meanwhile, to check the pin).
    pub parse: Duration,
    /// Lowering the selection to the IR (and freeing the parsed document).
    pub lower: Duration,
    /// Emitting the crate's items (files are emitted and formatted on several
    /// threads: this is emission's share of the wall time, see [`emit::EmitTimings`]).
    pub emit: Duration,
    /// Formatting the Rust files (formatting's share of the wall time).
    pub format: Duration,
    /// Reading, parsing and lowering the previous document for the change report,
    /// after a bump (zero otherwise).
    pub report: Duration,
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
    /// The API change report, when this run is against another document than the
    /// one the output directory was generated from (it is also in [`changelog::FILE`]).
    pub report: Option<Report>,
    /// Things the user should know that did not stop the run.
    pub warnings: Vec<String>,
    /// How long each phase took.
    pub timings: Timings,
}

/// Runs the generator for the repository at `root`.
pub fn generate(root: &Path, options: &Options) -> Result<Generated> {
    let mut timings = Timings::default();
    let config = Config::load(&root.join(CONFIG_PATH))?;
    let (path, pinned) = match &options.spec {
        Some(path) => (path.clone(), false),
        None => (root.join(&config.spec.path), true),
    };
    let started = Instant::now();
    let bytes = match load::read(&path, "the OpenAPI document") {
        Err(e) if pinned && !path.exists() => {
            return Err(Error::file(
                path.display(),
                format!(
                    "the pinned OpenAPI document is missing: get the document (spec3.json or spec3.yaml) of API \
                     version {} from the `stripe/openapi` repository and put it at `{}` (relative to the repository root), \
                     or pass another document with `--spec PATH` ({})",
                    config.spec.api_version, config.spec.path, e.reason
                ),
            ))
        }
        other => other?,
    };
    timings.read = started.elapsed();
    let started = Instant::now();
    let policy = policy(&config, options);
    let (sha256, parsed) = hash_while_parsing(&bytes, &policy);
    if pinned && sha256 != config.spec.sha256 {
        return Err(Error::file(
            path.display(),
            format!(
                "sha256 is {sha256}, but {CONFIG_PATH} pins {}: this is not the pinned document (run \
                 `cargo xtask spec pin {}` to pin it); nothing was written",
                config.spec.sha256,
                path.display()
            ),
        ));
    }
    let (doc, whole) = parsed?;
    drop(bytes);
    timings.parse = started.elapsed();
    if pinned && doc.info.version != config.spec.api_version {
        return Err(Error::at(
            "#/info/version",
            format!("is `{}`, but {CONFIG_PATH} pins API version `{}`", doc.info.version, config.spec.api_version),
        ));
    }

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
    let started = Instant::now();
    let ir = lower::lower_with(&doc, &policy, &whole)?;
    drop(doc);
    timings.lower = started.elapsed();
    let (mut files, emitting) = emit::emit_timed(&ir, &crate_options)?;
    (timings.emit, timings.format) = (emitting.emit, emitting.format);
    if options.verify_layout {
        same_layout(&files, &emit::emit_all_by_prettyplease(&ir, &crate_options)?)?;
    }

    let source = Source {
        api_version: ir.api_version.clone(),
        sha256,
        path: if pinned { config.spec.path.clone() } else { absolute(&path).display().to_string() },
    };
    let started = Instant::now();
    let (changelog, report, warnings) = changelog_file(root, &out_dir, &source, &ir, &policy);
    timings.report = started.elapsed();
    files.insert(changelog::FILE.to_owned(), changelog);
    Ok(Generated { ir, files, out_dir, report, warnings, timings })
}

/// The policy of a run: the config's, with the command line's selection if any.
fn policy(config: &Config, options: &Options) -> lower::Policy {
    let mut policy = config.policy.clone();
    if !options.select.is_empty() {
        policy.select = options.select.clone();
    }
    policy
}

/// The contents of [`changelog::FILE`] for a crate generated from `source`: the
/// existing report if the output directory was generated from the same document,
/// else the report against the document it was generated from (also returned).
fn changelog_file(
    root: &Path,
    out_dir: &Path,
    source: &Source,
    ir: &Ir,
    policy: &lower::Policy,
) -> (String, Option<Report>, Vec<String>) {
    let existing = std::fs::read_to_string(out_dir.join(changelog::FILE)).unwrap_or_default();
    let Some((previous, body)) = changelog::parse(&existing) else {
        return (changelog::render(source, &changelog::first_body(source)), None, Vec::new());
    };
    if previous.sha256 == source.sha256 {
        return (changelog::render(source, body), None, Vec::new());
    }
    let path = resolve(root, &previous.path);
    let old_ir = lower_file(&path, "the previous OpenAPI document", Some(&previous.sha256), policy).map(|(ir, _)| ir);
    match old_ir {
        Ok(old_ir) => {
            let report = Report {
                from: Side { api_version: old_ir.api_version.clone(), sha256: previous.sha256.clone() },
                to: Side { api_version: ir.api_version.clone(), sha256: source.sha256.clone() },
                select: policy.select.clone(),
                changes: diff::diff(&old_ir, ir),
            };
            (changelog::render(source, &report.to_markdown()), Some(report), Vec::new())
        }
        Err(e) => {
            let warning = format!("no API change report: the previous document cannot be compared: {e}");
            (
                changelog::render(source, &changelog::unavailable_body(&previous, source, &e.to_string())),
                None,
                vec![warning],
            )
        }
    }
}

/// A recorded document path: absolute, or relative to the repository root.
fn resolve(root: &Path, path: &str) -> PathBuf {
    let path = Path::new(path);
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        root.join(path)
    }
}

/// The sha256 of `bytes` and [`parse_selected`] of them: the hash is computed on
/// another thread while this one parses (here, first, if no thread can be started).
fn hash_while_parsing(bytes: &[u8], policy: &lower::Policy) -> (String, Result<(openapiv3::OpenAPI, Whole)>) {
    crate::threads::beside(|| load::sha256_hex(bytes), || parse_selected(bytes, policy))
}

/// Parses a document pruned to what lowering `policy`'s selection reads (see
/// [`crate::prune`]), with what is decided over the whole document (see
/// [`Whole`]): the same IR as the whole document, at a fraction of the cost.
pub fn parse_selected(bytes: &[u8], policy: &lower::Policy) -> Result<(openapiv3::OpenAPI, Whole)> {
    let whole = std::cell::RefCell::new(Whole::default());
    let doc = load::parse_pruned(
        bytes,
        Some(&|tree, index| {
            let decided = Whole::of_index(tree, index, policy);
            let plan = crate::prune::plan(tree, index, &policy.select, &policy.kept_paths(), &decided.owners);
            *whole.borrow_mut() = decided;
            plan
        }),
    )?;
    Ok((doc, whole.into_inner()))
}

/// Reads (checking its sha256 against `expected`, if given), parses and lowers the
/// document at `path`; errors in it name the file. Returns the IR and the sha256.
fn lower_file(path: &Path, what: &str, expected: Option<&str>, policy: &lower::Policy) -> Result<(Ir, String)> {
    let bytes = load::read(path, what)?;
    let sha256 = load::sha256_hex(&bytes);
    if expected.is_some_and(|expected| expected != sha256) {
        return Err(Error::file(path.display(), format!("its sha256 is now {sha256}")));
    }
    let ir = parse_selected(&bytes, policy)
        .and_then(|(doc, whole)| lower::lower_with(&doc, policy, &whole))
        .map_err(|e| e.in_file(path.display()))?;
    Ok((ir, sha256))
}

/// The API change report between two documents, as `cargo xtask spec diff` shows
/// it: both are lowered with the configured policy (or the given selection).
pub fn diff_documents(root: &Path, old: &Path, new: &Path, select: &[String]) -> Result<Report> {
    let config = Config::load(&root.join(CONFIG_PATH))?;
    let policy = policy(&config, &Options { select: select.to_vec(), ..Options::default() });
    let side = |path: &Path| -> Result<(Ir, Side)> {
        let (ir, sha256) = lower_file(path, "the OpenAPI document", None, &policy)?;
        let side = Side { api_version: ir.api_version.clone(), sha256 };
        Ok((ir, side))
    };
    let (old_ir, from) = side(old)?;
    let (new_ir, to) = side(new)?;
    Ok(Report { from, to, select: policy.select, changes: diff::diff(&old_ir, &new_ir) })
}

/// Points `spec/codegen.yaml` at the document at `path`, as `cargo xtask spec pin`
/// does: the document must be an OpenAPI 3.0 document; its `info.version` and
/// sha256 are recorded, and its path relative to `root`. Returns the old pin and
/// the new one. The config is replaced atomically; nothing else is touched.
pub fn pin(root: &Path, path: &Path) -> Result<(Pin, Pin)> {
    let config_path = root.join(CONFIG_PATH);
    let config = Config::load(&config_path)?;
    let bytes = load::read(path, "the OpenAPI document")?;
    let doc = load::parse(&bytes).map_err(|e| e.in_file(path.display()))?;
    let new = Pin {
        path: relative_to(&absolute(root), &absolute(path)),
        api_version: doc.info.version.clone(),
        sha256: load::sha256_hex(&bytes),
    };
    let text = std::fs::read_to_string(&config_path)
        .map_err(|e| Error::file(config_path.display(), format!("cannot read: {e}")))?;
    let updated = crate::config::repin(&text, &new).map_err(|reason| Error::file(config_path.display(), reason))?;
    let staging = config_path.with_extension("yaml.pin-staging");
    std::fs::write(&staging, updated).map_err(|e| Error::file(staging.display(), format!("cannot write: {e}")))?;
    std::fs::rename(&staging, &config_path).map_err(|e| {
        let _ = std::fs::remove_file(&staging);
        Error::file(config_path.display(), format!("cannot replace: {e}"))
    })?;
    Ok((config.spec, new))
}

/// `path` relative to `base` (both absolute), `/`-separated, with `..` where needed.
fn relative_to(base: &Path, path: &Path) -> String {
    let base: Vec<_> = base.components().collect();
    let path: Vec<_> = path.components().collect();
    let common = base.iter().zip(&path).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return path.iter().collect::<PathBuf>().display().to_string();
    }
    let mut parts: Vec<String> = vec!["..".to_owned(); base.len() - common];
    parts.extend(path[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    parts.join("/")
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

/// Fails, naming the first file and line that differ, unless `files` (as the
/// generator lays them out) are `printed` (as prettyplease lays them out).
fn same_layout(files: &Files, printed: &Files) -> Result<()> {
    for (path, text) in files {
        let Some(theirs) = printed.get(path) else { continue };
        if text == theirs {
            continue;
        }
        let mut lines = text.lines().zip(theirs.lines()).enumerate();
        // Same lines as far as both go: the shorter one ends where the other goes on.
        let shorter = text.lines().count().min(theirs.lines().count());
        let (n, (ours, theirs)) = lines.find(|(_, (a, b))| a != b).unwrap_or((shorter, ("", "")));
        return Err(Error::file(
            path,
            format!(
                "internal error: line {} is laid out as `{ours}`, where prettyplease writes `{theirs}`: an emitter's \
                 layout (emit/lines.rs) does not match prettyplease's",
                n + 1
            ),
        ));
    }
    Ok(())
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
