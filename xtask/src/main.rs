//! `cargo xtask codegen` and `cargo xtask spec`: a thin command line over `stripe-codegen`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};

/// `println!` that ignores a closed stdout (`cargo xtask codegen | head`) instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// `print!` that ignores a closed stdout.
macro_rules! say_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}
use stripe_codegen::ir::TypeKind;
use stripe_codegen::{load, output, pipeline};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Project commands")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the Rust crate from the Stripe OpenAPI document.
    Codegen {
        /// The OpenAPI document (YAML or JSON) [default: the pin in spec/codegen.yaml]
        #[arg(long, value_name = "PATH")]
        spec: Option<PathBuf>,
        /// Resources to generate, by x-resourceId pattern (`identity.*`); repeatable
        /// [default: `select` in spec/codegen.yaml]
        #[arg(long = "select", value_name = "PATTERN")]
        select: Vec<String>,
        /// Where to write the crate [default: generated/]
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Write nothing; fail if any file would change, listing them
        #[arg(long)]
        check: bool,
        /// Print how long each phase took and the peak memory
        #[arg(long)]
        timings: bool,
        /// Also print every file with prettyplease alone, and fail unless the bytes are
        /// the same (checks the generator's own layout of regular items; slower)
        #[arg(long)]
        verify_layout: bool,
    },
    /// The pinned OpenAPI document: update the pin, compare documents.
    Spec {
        #[command(subcommand)]
        command: SpecCommand,
    },
    /// Benchmark `cargo xtask codegen` against merely parsing the same document: the
    /// configured selection (on the pinned document, and a copy in the other format made
    /// in a temporary directory) and the whole API (on the pinned document and 2023-08-16's)
    Bench {
        /// Runs per command
        #[arg(long, default_value_t = 15)]
        runs: usize,
        /// Which cases to run
        #[arg(long, value_enum, default_value_t = bench::Cases::All)]
        cases: bench::Cases,
    },
}

#[derive(Subcommand)]
enum SpecCommand {
    /// Point spec/codegen.yaml at another document (records its API version and
    /// sha256); then run `cargo xtask codegen`, which writes the API change report.
    Pin {
        /// The new OpenAPI document (YAML or JSON)
        path: PathBuf,
    },
    /// Read and parse a document and say what it holds (nothing is lowered or written).
    Check {
        /// The OpenAPI document (YAML or JSON)
        path: PathBuf,
        /// Only deserialize it with serde into `openapiv3` types, without the loader's
        /// checks against hostile input (the bare parse floor of `cargo xtask bench`)
        #[arg(long)]
        plain: bool,
    },
    /// Print what changed between two documents for users of the generated crate.
    Diff {
        /// The old document
        old: PathBuf,
        /// The new document
        new: PathBuf,
        /// Resources to compare, by x-resourceId pattern; repeatable [default: `select` in spec/codegen.yaml]
        #[arg(long = "select", value_name = "PATTERN")]
        select: Vec<String>,
        /// Print markdown (as in generated/CHANGES.md) instead of text
        #[arg(long)]
        markdown: bool,
    },
}

mod bench;

/// The allocator: generating the whole API makes and drops millions of small token and
/// string allocations on several threads, where glibc's allocator spent about a third of
/// the run (`perf`); mimalloc spends a fraction of that.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let code = run(Cli::parse());
    // Output first, then the process ends without mimalloc's clean-up at exit: it walks
    // every page the process used to free what the OS is about to take back anyway
    // (4 ms of a whole-API run, `perf`). The same for every command, so that the parse
    // floor of `cargo xtask bench` ends the way codegen does.
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    let code = if code == ExitCode::SUCCESS { 0 } else { 1 };
    // SAFETY: `_exit` ends the process at once; nothing after this point needs to run:
    // the output is flushed, and every file was written and closed by the command.
    unsafe { libc::_exit(code) }
}

/// Runs one command.
fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Codegen { spec, select, out, check, timings, verify_layout } => {
            codegen(pipeline::Options { spec, select, out, verify_layout }, check, timings)
        }
        Command::Spec { command: SpecCommand::Pin { path } } => spec_pin(&path),
        Command::Spec { command: SpecCommand::Check { path, plain } } => spec_check(&path, plain),
        Command::Bench { runs, cases } => match bench::run(&repo_root(), runs, cases) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Command::Spec { command: SpecCommand::Diff { old, new, select, markdown } } => {
            spec_diff(&old, &new, &select, markdown)
        }
    }
}

fn spec_pin(path: &Path) -> ExitCode {
    match pipeline::pin(&repo_root(), path) {
        Ok((old, new)) => {
            say!(
                "pinned API version {} ({}, sha256 {}) in {}; was {} ({})",
                new.api_version,
                new.path,
                new.sha256,
                pipeline::CONFIG_PATH,
                old.api_version,
                old.path
            );
            say!("run `cargo xtask codegen` to regenerate; it writes the API change report to generated/CHANGES.md");
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

fn spec_check(path: &Path, plain: bool) -> ExitCode {
    let doc = load::read(path, "the OpenAPI document").and_then(|bytes| {
        if !plain {
            return load::parse(&bytes);
        }
        let doc: Result<openapiv3::OpenAPI, String> = if bytes.trim_ascii_start().starts_with(b"{") {
            serde_json::from_slice(&bytes).map_err(|e| e.to_string())
        } else {
            serde_yaml::from_slice(&bytes).map_err(|e| e.to_string())
        };
        doc.map_err(|reason| stripe_codegen::Error::file(path.display(), reason))
    });
    match doc {
        Ok(doc) => {
            let schemas = doc.components.as_ref().map_or(0, |c| c.schemas.len());
            say!(
                "{}: OpenAPI {}, API version {}, {} paths, {schemas} schemas",
                path.display(),
                doc.openapi,
                doc.info.version,
                doc.paths.paths.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

fn spec_diff(old: &Path, new: &Path, select: &[String], markdown: bool) -> ExitCode {
    match pipeline::diff_documents(&repo_root(), old, new, select) {
        Ok(report) => {
            say_raw!("{}", if markdown { report.to_markdown() } else { report.to_text() });
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

fn fail(e: &stripe_codegen::Error) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::FAILURE
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the repository root").to_path_buf()
}

fn codegen(options: pipeline::Options, check: bool, timings: bool) -> ExitCode {
    let started = Instant::now();
    let generated = match pipeline::generate(&repo_root(), &options) {
        Ok(generated) => generated,
        Err(e) => return fail(&e),
    };
    for warning in &generated.warnings {
        eprintln!("warning: {warning}");
    }
    let plan = match output::plan(&generated.files, &generated.out_dir) {
        Ok(plan) => plan,
        Err(e) => return fail(&e),
    };
    let out = generated.out_dir.display();
    if check {
        if plan.is_empty() {
            say!("{out} is up to date ({} files)", plan.unchanged);
            return ExitCode::SUCCESS;
        }
        eprintln!("{out} is not what `cargo xtask codegen` generates; these files would change:");
        for line in plan.lines() {
            eprintln!("  {line}");
        }
        eprintln!("run `cargo xtask codegen` to update them");
        return ExitCode::FAILURE;
    }
    let writing = Instant::now();
    if let Err(e) = output::apply(&generated.files, &generated.out_dir, &plan) {
        return fail(&e);
    }
    let write = writing.elapsed();
    let (mut structs, mut enums, mut unions) = (0, 0, 0);
    for def in &generated.ir.types {
        match def.kind {
            TypeKind::Struct(_) => structs += 1,
            TypeKind::Enum(_) => enums += 1,
            TypeKind::Union(_) => unions += 1,
        }
    }
    say!(
        "generated {} types ({structs} structs, {enums} enums, {unions} unions) for API version {} into {out}: \
         {} files written, {} removed, {} unchanged",
        generated.ir.types.len(),
        generated.ir.api_version,
        plan.added.len() + plan.changed.len(),
        plan.removed.len(),
        plan.unchanged,
    );
    for line in plan.lines() {
        say!("  {line}");
    }
    if let Some(report) = &generated.report {
        say_raw!("\n{}", report.to_text());
        say!("(also in {}/{})", generated.out_dir.display(), stripe_codegen::changelog::FILE);
    }
    if timings {
        print_timings(&generated.timings, write, started.elapsed());
    }
    // The process ends here: the OS takes back the crate's files and IR at once,
    // sooner than freeing them one by one would (about 2 ms for the whole API).
    std::mem::forget((plan, generated));
    ExitCode::SUCCESS
}

fn print_timings(t: &pipeline::Timings, write: Duration, total: Duration) {
    let ms = |d: Duration| format!("{:>8.1} ms", d.as_secs_f64() * 1e3);
    say!("timings:");
    for (phase, d) in [
        ("read", t.read),
        ("parse", t.parse),
        ("lower", t.lower),
        ("emit", t.emit),
        ("format", t.format),
        ("report", t.report),
        ("write", write),
        ("total", total),
    ] {
        say!("  {phase:<7}{}", ms(d));
    }
    match peak_memory_kib() {
        Some(kib) => say!("  peak memory {:.1} MiB (VmHWM)", kib as f64 / 1024.0),
        None => say!("  peak memory: unknown (no /proc/self/status)"),
    }
}

/// The peak resident set size of this process, from Linux's `/proc/self/status`.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.trim_start_matches("VmHWM:").trim().trim_end_matches("kB").trim().parse().ok()
}
