//! `cargo xtask bench`: end-to-end generation against the floor of merely reading
//! and parsing the same document, run the way users run them: the bare serde parse
//! into `openapiv3` types (`spec check --plain`), and the loader's parse with its
//! checks against hostile input (`spec check`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Runs the benchmark from the repository at `root`, `runs` times per command.
pub fn run(root: &Path, runs: usize) -> Result<(), String> {
    let config = stripe_codegen::config::Config::load(&root.join(stripe_codegen::pipeline::CONFIG_PATH))
        .map_err(|e| e.to_string())?;
    let pinned_doc = root.join(&config.spec.path);
    let pinned_json = pinned_doc.extension().is_some_and(|e| e == "json");
    let scratch = std::env::temp_dir().join(format!("stripe-codegen-bench-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let result = (|| {
        // The pinned document, and a copy in the other format (as a user might keep it).
        let (copy, labels) = if pinned_json {
            (scratch.join("spec3.yaml"), ["JSON (pinned)", "YAML copy"])
        } else {
            (scratch.join("spec3.json"), ["YAML (pinned)", "JSON copy"])
        };
        convert(&pinned_doc, &copy, !pinned_json)?;
        let binary = std::env::current_exe().map_err(|e| format!("cannot find the xtask binary: {e}"))?;
        say!("runs: {runs} per command, alternating; median (min) wall time in ms; {}", pinned_doc.display());
        say!("{:<36} {:>17} {:>17} {:>17} {:>7} {:>7}", "", "plain parse", "spec check", "codegen", "/plain", "/check");
        for (label, doc, pinned) in [(labels[0], &pinned_doc, true), (labels[1], &copy, false)] {
            for via_cargo in [true, false] {
                let how = if via_cargo { "cargo xtask" } else { "binary" };
                let check = |plain: bool| {
                    move |_: usize| {
                        let mut args = vec!["spec".into(), "check".into(), doc.display().to_string()];
                        if plain {
                            args.push("--plain".into());
                        }
                        args
                    }
                };
                let codegen = |i: usize| {
                    let mut args: Vec<String> = vec!["codegen".into()];
                    if !pinned {
                        args.extend(["--spec".into(), doc.display().to_string()]);
                    }
                    // A fresh directory per run, so that every run writes the whole crate
                    // (and none sees another document's CHANGES.md and makes a report).
                    let out = scratch.join(format!("out-{}-{}-{i}", if pinned { "pinned" } else { "copy" }, via_cargo));
                    args.extend(["--out".into(), out.display().to_string()]);
                    args
                };
                let commands: [&dyn Fn(usize) -> Vec<String>; 3] = [&check(true), &check(false), &codegen];
                let times = alternate(root, &binary, via_cargo, runs, &commands)?;
                let [plain, checked, generated] = [0, 1, 2].map(|i| median(&times[i]));
                let cell = |i: usize, median: Duration| {
                    let min = times[i].iter().min().copied().unwrap_or(median);
                    format!("{:>6.1} ({:>6.1})", ms(median), ms(min))
                };
                say!(
                    "{:<36} {:>17} {:>17} {:>17} {:>6.2}x {:>6.2}x",
                    format!("{label}, via {how}"),
                    cell(0, plain),
                    cell(1, checked),
                    cell(2, generated),
                    generated.as_secs_f64() / plain.as_secs_f64(),
                    generated.as_secs_f64() / checked.as_secs_f64()
                );
            }
        }
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&scratch);
    result
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
    binary: &PathBuf,
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
