//! `cargo xtask codegen`: a thin command line over `stripe-codegen`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use stripe_codegen::ir::TypeKind;
use stripe_codegen::{output, pipeline};

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
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Codegen { spec, select, out, check } => codegen(pipeline::Options { spec, select, out }, check),
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the repository root").to_path_buf()
}

fn codegen(options: pipeline::Options, check: bool) -> ExitCode {
    let generated = match pipeline::generate(&repo_root(), &options) {
        Ok(generated) => generated,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let changes = match output::plan(&generated.files, &generated.out_dir) {
        Ok(changes) => changes,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let out = generated.out_dir.display();
    if check {
        if changes.is_empty() {
            println!("{out} is up to date ({} files)", changes.unchanged);
            return ExitCode::SUCCESS;
        }
        eprintln!("{out} is not what `cargo xtask codegen` generates; these files would change:");
        for line in changes.lines() {
            eprintln!("  {line}");
        }
        eprintln!("run `cargo xtask codegen` to update them");
        return ExitCode::FAILURE;
    }
    if let Err(e) = output::apply(&generated.files, &generated.out_dir, &changes) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    let (mut structs, mut enums, mut unions) = (0, 0, 0);
    for def in &generated.ir.types {
        match def.kind {
            TypeKind::Struct(_) => structs += 1,
            TypeKind::Enum(_) => enums += 1,
            TypeKind::Union(_) => unions += 1,
        }
    }
    println!(
        "generated {} types ({structs} structs, {enums} enums, {unions} unions) for API version {} into {out}: \
         {} files written, {} removed, {} unchanged",
        generated.ir.types.len(),
        generated.ir.api_version,
        changes.added.len() + changes.changed.len(),
        changes.removed.len(),
        changes.unchanged,
    );
    for line in changes.lines() {
        println!("  {line}");
    }
    ExitCode::SUCCESS
}
