//! `cargo xtask bench`: end-to-end generation against the floor of merely reading
//! and parsing the same document, run the way users run them.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Runs the benchmark from the repository at `root`, `runs` times per command.
pub fn run(root: &Path, runs: usize) -> Result<(), String> {
    let config = stripe_codegen::config::Config::load(&root.join(stripe_codegen::pipeline::CONFIG_PATH))
        .map_err(|e| e.to_string())?;
    let yaml = root.join(&config.spec.path);
    let scratch = std::env::temp_dir().join(format!("stripe-codegen-bench-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let result = (|| {
        let json = scratch.join("spec3.json");
        convert_to_json(&yaml, &json)?;
        let binary = std::env::current_exe().map_err(|e| format!("cannot find the xtask binary: {e}"))?;
        say!("runs: {runs} per command, alternating; medians (min) of wall time; {}", yaml.display());
        say!("{:<44} {:>18} {:>18} {:>7}", "", "floor: spec check", "codegen", "ratio");
        for (label, doc, pinned) in [("YAML (pinned)", &yaml, true), ("JSON copy", &json, false)] {
            for via_cargo in [true, false] {
                let how = if via_cargo { "`cargo xtask ...`" } else { "target binary" };
                let floor = |i: usize| {
                    let _ = i;
                    vec!["spec".into(), "check".into(), doc.display().to_string()]
                };
                let codegen = |i: usize| {
                    let mut args: Vec<String> = vec!["codegen".into()];
                    if !pinned {
                        args.extend(["--spec".into(), doc.display().to_string()]);
                    }
                    args.extend(["--out".into(), scratch.join(format!("out-{i}")).display().to_string()]);
                    args
                };
                let (floors, codegens) = alternate(root, &binary, via_cargo, runs, &floor, &codegen)?;
                let (f, c) = (median(&floors), median(&codegens));
                say!(
                    "{:<44} {:>8.1} ms ({:>5.1}) {:>8.1} ms ({:>5.1}) {:>6.2}x",
                    format!("{label}, via {how}"),
                    ms(f),
                    ms(*floors.iter().min().unwrap_or(&f)),
                    ms(c),
                    ms(*codegens.iter().min().unwrap_or(&c)),
                    c.as_secs_f64() / f.as_secs_f64()
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

/// The pinned YAML document as JSON, as a user might keep it.
fn convert_to_json(yaml: &Path, json: &Path) -> Result<(), String> {
    let bytes = std::fs::read(yaml).map_err(|e| format!("{}: {e}", yaml.display()))?;
    let value: serde_json::Value =
        serde_yaml::from_slice(&bytes).map_err(|e| format!("{}: not YAML: {e}", yaml.display()))?;
    let text = serde_json::to_vec(&value).map_err(|e| format!("cannot write JSON: {e}"))?;
    std::fs::write(json, text).map_err(|e| format!("{}: {e}", json.display()))
}

/// Runs the floor and the codegen command one after the other, `runs` times
/// (after one warm-up run each), and returns their wall times.
fn alternate(
    root: &Path,
    binary: &PathBuf,
    via_cargo: bool,
    runs: usize,
    floor: &dyn Fn(usize) -> Vec<String>,
    codegen: &dyn Fn(usize) -> Vec<String>,
) -> Result<(Vec<Duration>, Vec<Duration>), String> {
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
    time(floor(usize::MAX))?;
    time(codegen(usize::MAX))?;
    let (mut floors, mut codegens) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
    for i in 0..runs {
        floors.push(time(floor(i))?);
        codegens.push(time(codegen(i))?);
    }
    Ok((floors, codegens))
}

fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}
