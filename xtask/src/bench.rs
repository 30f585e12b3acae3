//! `cargo xtask bench`: end-to-end generation against the floor of merely reading
//! and parsing the same document, run the way users run them: the bare serde parse
//! into `openapiv3` types (`spec check --plain`), and the loader's parse with its
//! checks against hostile input (`spec check`).
//!
//! Two cases: the configured selection, on the pinned document and on a copy of it
//! in the other format (JSON or YAML); and the whole API (`--select '*'`), on the
//! pinned document and on the 2023-08-16 YAML document beside it. The machine is
//! noisy, so every row compares commands run alternately in the same run.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Which rows `cargo xtask bench` measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Cases {
    /// The configured selection (pinned document, and a copy in the other format).
    Default,
    /// The whole API, `--select '*'` (pinned document, and 2023-08-16's YAML).
    WholeApi,
    /// Both.
    All,
}

/// The older document the whole-API case also runs on: its version, and its path
/// from the directory that holds the pinned document's version directory
/// (`../shared/stripe-openapi/`).
const OLDER_VERSION: &str = "2023-08-16";
const OLDER_DOCUMENT: &str = "2023-08-16/spec3.yaml";

/// One row of the table: a document, and how `cargo xtask codegen` is pointed at it.
struct Row<'a> {
    label: String,
    doc: &'a Path,
    /// Whether codegen needs `--spec` (every document but the pin).
    spec_arg: bool,
    /// Whether codegen selects the whole API.
    whole_api: bool,
}

/// Runs the benchmark from the repository at `root`, `runs` times per command.
pub fn run(root: &Path, runs: usize, cases: Cases) -> Result<(), String> {
    let config = stripe_codegen::config::Config::load(&root.join(stripe_codegen::pipeline::CONFIG_PATH))
        .map_err(|e| e.to_string())?;
    let pinned_doc = root.join(&config.spec.path);
    let pinned_json = pinned_doc.extension().is_some_and(|e| e == "json");
    let scratch = std::env::temp_dir().join(format!("stripe-codegen-bench-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let result = (|| {
        let format = |json: bool| if json { "JSON" } else { "YAML" };
        let mut rows = Vec::new();
        // The pinned document, and a copy in the other format (as a user might keep it).
        let copy = scratch.join(if pinned_json { "spec3.yaml" } else { "spec3.json" });
        let older = pinned_doc.parent().and_then(Path::parent).map(|shared| shared.join(OLDER_DOCUMENT));
        if cases != Cases::WholeApi {
            convert(&pinned_doc, &copy, !pinned_json)?;
            let pinned = format!("{} (pinned)", format(pinned_json));
            rows.push(Row { label: pinned, doc: &pinned_doc, spec_arg: false, whole_api: false });
            let copied = format!("{} copy", format(!pinned_json));
            rows.push(Row { label: copied, doc: &copy, spec_arg: true, whole_api: false });
        }
        if cases != Cases::Default {
            let version = &config.spec.api_version;
            let pinned = format!("whole API, {version} {} (pinned)", format(pinned_json));
            rows.push(Row { label: pinned, doc: &pinned_doc, spec_arg: false, whole_api: true });
            match &older {
                Some(older) if older.is_file() => {
                    let json = older.extension().is_some_and(|e| e == "json");
                    let label = format!("whole API, {OLDER_VERSION} {}", format(json));
                    rows.push(Row { label, doc: older, spec_arg: true, whole_api: true });
                }
                _ => say!("(no {OLDER_DOCUMENT} beside the pinned document: its whole-API row is left out)"),
            }
        }
        let binary = std::env::current_exe().map_err(|e| format!("cannot find the xtask binary: {e}"))?;
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        say!("runs: {runs} per command, alternating; median (min) wall time in ms; {threads} threads");
        say!("{:<56} {:>17} {:>17} {:>17} {:>7} {:>7}", "", "plain parse", "spec check", "codegen", "/plain", "/check");
        for (n, row) in rows.iter().enumerate() {
            for via_cargo in [true, false] {
                measure_row(root, &binary, &scratch.join(format!("out-{n}-{via_cargo}")), row, via_cargo, runs)?;
            }
        }
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

/// Measures and prints one row: the plain parse, the checked parse and codegen of
/// `row`'s document, run alternately, codegen writing a fresh crate into a new
/// directory under `out` each time.
fn measure_row(
    root: &Path,
    binary: &Path,
    out: &Path,
    row: &Row<'_>,
    via_cargo: bool,
    runs: usize,
) -> Result<(), String> {
    let doc = row.doc.display().to_string();
    let check = |plain: bool| {
        let doc = doc.clone();
        move |_: usize| {
            let mut args = vec!["spec".into(), "check".into(), doc.clone()];
            if plain {
                args.push("--plain".into());
            }
            args
        }
    };
    let codegen = |run: usize| {
        let mut args: Vec<String> = vec!["codegen".into()];
        if row.spec_arg {
            args.extend(["--spec".into(), doc.clone()]);
        }
        if row.whole_api {
            args.extend(["--select".into(), "*".into()]);
        }
        // A new directory per run, so that every run writes the whole crate (and none
        // sees another document's CHANGES.md and makes a report). They are all removed
        // after the last row, not before each run: on a file system that skips the
        // inodes removed in the last minute when it makes new ones (ext4 without a
        // journal, as on the machines these figures come from), removing a crate just
        // before writing the next one makes every run slower than the last
        // (BENCHMARKS.md). The last run's writes are flushed to disk first (`sync`), so
        // that none of them lands in the timed run.
        let _ = Command::new("sync").status();
        let run = if run == usize::MAX { "warm-up".to_string() } else { format!("run-{run}") };
        args.extend(["--out".into(), out.join(run).display().to_string()]);
        args
    };
    let commands: [&dyn Fn(usize) -> Vec<String>; 3] = [&check(true), &check(false), &codegen];
    let times = alternate(root, binary, via_cargo, runs, &commands)?;
    let [plain, checked, generated] = [0, 1, 2].map(|i| median(&times[i]));
    let cell = |i: usize, median: Duration| {
        let min = times[i].iter().min().copied().unwrap_or(median);
        format!("{:>6.1} ({:>6.1})", ms(median), ms(min))
    };
    say!(
        "{:<56} {:>17} {:>17} {:>17} {:>6.2}x {:>6.2}x",
        format!("{}, via {}", row.label, if via_cargo { "cargo xtask" } else { "binary" }),
        cell(0, plain),
        cell(1, checked),
        cell(2, generated),
        generated.as_secs_f64() / plain.as_secs_f64(),
        generated.as_secs_f64() / checked.as_secs_f64()
    );
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The document at `from` (YAML when `to_json`, else JSON) written to `to` in the
/// other format.
fn convert(from: &Path, to: &Path, to_json: bool) -> Result<(), String> {
    let bytes = std::fs::read(from).map_err(|e| format!("{}: {e}", from.display()))?;
    let text = if to_json {
        let value: serde_json::Value =
            serde_yaml::from_slice(&bytes).map_err(|e| format!("{}: not YAML: {e}", from.display()))?;
        serde_json::to_vec(&value).map_err(|e| format!("cannot write JSON: {e}"))?
    } else {
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| format!("{}: not JSON: {e}", from.display()))?;
        serde_yaml::to_string(&value).map_err(|e| format!("cannot write YAML: {e}"))?.into_bytes()
    };
    std::fs::write(to, text).map_err(|e| format!("{}: {e}", to.display()))
}

/// Runs the commands one after the other, `runs` times (after one warm-up run
/// each), and returns each one's wall times.
fn alternate(
    root: &Path,
    binary: &Path,
    via_cargo: bool,
    runs: usize,
    commands: &[&dyn Fn(usize) -> Vec<String>],
) -> Result<Vec<Vec<Duration>>, String> {
    let time = |args: Vec<String>| -> Result<Duration, String> {
        let mut command = if via_cargo {
            let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
            command.arg("xtask");
            command
        } else {
            Command::new(binary)
        };
        command.args(&args).current_dir(root);
        let started = Instant::now();
        let output = command.output().map_err(|e| format!("cannot run {args:?}: {e}"))?;
        let elapsed = started.elapsed();
        if !output.status.success() {
            return Err(format!("{args:?} failed: {}", String::from_utf8_lossy(&output.stderr)));
        }
        Ok(elapsed)
    };
    for command in commands {
        time(command(usize::MAX))?;
    }
    let mut times = vec![Vec::with_capacity(runs); commands.len()];
    for i in 0..runs {
        for (command, times) in commands.iter().zip(&mut times) {
            times.push(time(command(i))?);
        }
    }
    Ok(times)
}

fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}
