//! Creates, retrieves, lists and cancels an Identity VerificationSession with the
//! generated `stripe-api` crate.
//!
//! ```sh
//! STRIPE_SECRET_KEY=sk_test_... cargo run --example identity
//! ```
//!
//! `STRIPE_API_BASE` changes where requests go (default `https://api.stripe.com`),
//! e.g. to a local mock server. Use a test-mode key: the example really creates
//! (and then cancels) a VerificationSession. It exits with status 1 and a message
//! on standard error when anything fails, the missing key included.

use std::error::Error;
use std::fmt;
use std::process::ExitCode;

use stripe_api::identity::verification_session::{
    CancelParams, CreateParams, CreateParamsOptions, CreateParamsOptionsDocument,
    CreateParamsOptionsDocumentAllowedTypes as DocumentType, CreateParamsType, ListParams, RetrieveParams,
};
use stripe_api::identity::VerificationSession;
use stripe_api::Client;

/// The environment variable holding the secret key.
const KEY_VAR: &str = "STRIPE_SECRET_KEY";
/// The environment variable holding the base URL.
const BASE_VAR: &str = "STRIPE_API_BASE";
const DEFAULT_BASE: &str = "https://api.stripe.com";

/// A failed API call, with the step of the example it belonged to.
#[derive(Debug)]
pub struct StepError {
    /// What the example was doing (`create a VerificationSession`).
    pub step: &'static str,
    /// The error of the call.
    pub source: stripe_api::Error,
}

impl fmt::Display for StepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot {}: {}", self.step, self.source)
    }
}

impl Error for StepError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.source)
    }
}

/// Names the step a call's error belongs to.
fn step(step: &'static str) -> impl FnOnce(stripe_api::Error) -> Box<dyn Error> {
    move |source| Box::new(StepError { step, source })
}

/// The four calls: create, retrieve, list, cancel; prints what came back.
pub async fn run(client: &Client) -> Result<(), Box<dyn Error>> {
    let params = CreateParams::new()
        .metadata([("example", "stripe-api identity")])
        .options(
            CreateParamsOptions::new().document(
                CreateParamsOptionsDocument::new()
                    .allowed_types([DocumentType::Passport, DocumentType::IdCard, DocumentType::DrivingLicense])
                    .require_matching_selfie(true),
            ),
        )
        .return_url("https://example.com/verified")
        .type_(CreateParamsType::Document);
    let created =
        VerificationSession::create(&params).send(client).await.map_err(step("create a VerificationSession"))?;
    println!("created   {} (status {}, type {})", created.id, created.status, created.type_);
    println!("          url: {}", or_none(created.url.as_ref()));

    let retrieved = VerificationSession::retrieve(&created.id, &RetrieveParams::new())
        .send(client)
        .await
        .map_err(step("retrieve the VerificationSession"))?;
    println!("retrieved {} (status {}, type {})", retrieved.id, retrieved.status, retrieved.type_);

    let page = VerificationSession::list(&ListParams::new().limit(3))
        .send(client)
        .await
        .map_err(step("list VerificationSessions"))?;
    println!("listed    {} session(s){}", page.data.len(), if page.has_more { ", and there are more" } else { "" });
    for session in &page.data {
        println!("          {} ({})", session.id, session.status);
    }

    let canceled = VerificationSession::cancel(&created.id, &CancelParams::new())
        .send(client)
        .await
        .map_err(step("cancel the VerificationSession"))?;
    println!("canceled  {} (status {})", canceled.id, canceled.status);
    Ok(())
}

fn or_none(value: Option<&impl fmt::Display>) -> String {
    value.map_or_else(|| "none".to_owned(), ToString::to_string)
}

/// Builds the client from the environment.
fn client_from_env() -> Result<Client, Box<dyn Error>> {
    let key = match std::env::var(KEY_VAR) {
        Ok(key) if !key.trim().is_empty() => key,
        Ok(_) | Err(std::env::VarError::NotPresent) => {
            return Err(format!("{KEY_VAR} is not set: export a test-mode secret key (sk_test_...)").into())
        }
        Err(std::env::VarError::NotUnicode(_)) => return Err(format!("{KEY_VAR} is not valid UTF-8").into()),
    };
    let base = match std::env::var(BASE_VAR) {
        Ok(base) if !base.is_empty() => base,
        Ok(_) | Err(std::env::VarError::NotPresent) => DEFAULT_BASE.to_owned(),
        Err(std::env::VarError::NotUnicode(_)) => return Err(format!("{BASE_VAR} is not valid UTF-8").into()),
    };
    Client::builder(key).base_url(base).build().map_err(|e| format!("cannot build the client: {e}").into())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let result = match client_from_env() {
        Ok(client) => run(&client).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // The error and its causes, each cause once: an error's message often
            // repeats the message of its source.
            let mut printed = format!("error: {e}");
            eprintln!("{printed}");
            let mut cause = e.source();
            while let Some(inner) = cause {
                let message = inner.to_string();
                if !printed.contains(&message) {
                    eprintln!("  caused by: {message}");
                    printed.push_str(&message);
                }
                cause = inner.source();
            }
            ExitCode::FAILURE
        }
    }
}
