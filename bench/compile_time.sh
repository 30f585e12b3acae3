#!/usr/bin/env bash
# Clean debug build time of a hello-world that creates and lists VerificationSessions:
# on the generated crate (stripe-api) vs on async-stripe 1.0.0-rc.10 (+ async-stripe-misc
# with its two identity features). Both are built in a scratch directory outside the
# repository, one after the other, with `cargo build --timings` and fresh target dirs;
# dependencies are fetched first so downloads are not timed.
#
# Usage: bench/compile_time.sh [SCRATCH_DIR]   (default: /tmp/stripe-compile-bench)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
scratch="${1:-/tmp/stripe-compile-bench}"
mkdir -p "$scratch/ours/src" "$scratch/async_stripe/src"

cat > "$scratch/ours/Cargo.toml" <<TOML
[package]
name = "ours_hello"
version = "0.1.0"
edition = "2021"

[dependencies]
stripe-api = { path = "$repo/generated" }
tokio = { version = "1", features = ["macros", "rt"] }

[workspace]
TOML
cat > "$scratch/ours/src/main.rs" <<'RS'
use stripe_api::identity::verification_session::{CreateParams, CreateParamsType, ListParams};
use stripe_api::identity::VerificationSession;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = stripe_api::Client::new(std::env::var("STRIPE_SECRET_KEY").unwrap_or_default());
    let created = VerificationSession::create(&CreateParams::new().type_(CreateParamsType::Document)).send(&client).await?;
    println!("created {}", created.id);
    let listed = VerificationSession::list(&ListParams::new().limit(3)).send(&client).await?;
    println!("listed {}", listed.data.len());
    Ok(())
}
RS
# Same dependency versions as the repository's workspace.
cp "$repo/Cargo.lock" "$scratch/ours/Cargo.lock"

cat > "$scratch/async_stripe/Cargo.toml" <<'TOML'
[package]
name = "async_stripe_hello"
version = "0.1.0"
edition = "2021"

[dependencies]
async-stripe = { version = "=1.0.0-rc.10" }
async-stripe-misc = { version = "=1.0.0-rc.10", features = ["identity_verification_session", "identity_verification_report"] }
tokio = { version = "1", features = ["macros", "rt"] }

[workspace]
TOML
cat > "$scratch/async_stripe/src/main.rs" <<'RS'
use stripe_misc::{CreateIdentityVerificationSession, ListIdentityVerificationSession};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = stripe::Client::new(std::env::var("STRIPE_SECRET_KEY").unwrap_or_default());
    let created = CreateIdentityVerificationSession::new().send(&client).await?;
    println!("created {}", created.id);
    let listed = ListIdentityVerificationSession::new().limit(3).send(&client).await?;
    println!("listed {}", listed.data.len());
    Ok(())
}
RS

build() {
  local dir="$1"
  (cd "$dir" && cargo fetch --quiet)
  rm -rf "$dir/target"
  local start end
  start=$(date +%s.%N)
  (cd "$dir" && cargo build --quiet --timings >/dev/null 2>&1)
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }' 
}

ours=$(build "$scratch/ours")
theirs=$(build "$scratch/async_stripe")
echo "clean debug build, $(nproc) cores:"
echo "  stripe-api (this repo)      ${ours} s"
echo "  async-stripe 1.0.0-rc.10    ${theirs} s"
echo "  ratio ours/async-stripe     $(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2f", a / b }')"
echo "timings: $scratch/ours/target/cargo-timings/ and $scratch/async_stripe/target/cargo-timings/"
