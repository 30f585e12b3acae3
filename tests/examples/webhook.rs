//! A webhook endpoint: receives Stripe's events, verifies their signatures and
//! prints one line per event.
//!
//! ```sh
//! STRIPE_WEBHOOK_SECRET=whsec_... cargo run --example webhook
//! stripe listen --forward-to localhost:4242/webhook   # in another terminal
//! ```
//!
//! It listens on `127.0.0.1:$PORT` (default 4242) and takes `POST /webhook`. An
//! event whose `Stripe-Signature` verifies with `STRIPE_WEBHOOK_SECRET` is
//! answered `200` and printed as its type and the id of the object it carries
//! (`identity.verification_session.verified vs_123`), whether or not this crate
//! knows that type or object. Anything else is answered `400` with a one-line
//! reason (another path `404`), and the endpoint keeps serving.

use std::convert::Infallible;
use std::error::Error;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, StatusCode};
use hyper_util::rt::TokioIo;
use stripe_api::event::Event;
use stripe_api::webhook::{Webhook, SIGNATURE_HEADER};
use stripe_api::Object;
use tokio::net::TcpListener;

/// The environment variable holding the endpoint's signing secret.
const SECRET_VAR: &str = "STRIPE_WEBHOOK_SECRET";
/// The environment variable holding the port.
const PORT_VAR: &str = "PORT";
const DEFAULT_PORT: u16 = 4242;
/// The path events are posted to.
pub const WEBHOOK_PATH: &str = "/webhook";
/// Stripe's events are far smaller; larger bodies are refused before verification.
const MAX_BODY: usize = 1 << 20;

/// The line printed for an accepted event: its type and its object's id.
pub fn event_line(event: &Event) -> String {
    format!("{} {}", event.type_, event.data.object.id())
}

/// What the endpoint answers to one request, and the line to print if it accepted
/// an event.
pub fn handle(webhook: &Webhook, method: &Method, path: &str, signature: &str, body: &[u8]) -> (StatusCode, String) {
    if path != WEBHOOK_PATH {
        return (StatusCode::NOT_FOUND, format!("not found: events go to POST {WEBHOOK_PATH}"));
    }
    if method != Method::POST {
        return (StatusCode::BAD_REQUEST, format!("{method} {WEBHOOK_PATH}: events are sent with POST"));
    }
    match webhook.construct_event::<Event>(body, signature) {
        Ok(event) => (StatusCode::OK, event_line(&event)),
        Err(error) => (StatusCode::BAD_REQUEST, error.to_string()),
    }
}

/// Serves `listener` until the process ends, calling `accepted` with the line of
/// every accepted event.
pub async fn serve(
    listener: TcpListener,
    webhook: Webhook,
    accepted: impl Fn(String) + Send + Sync + 'static,
) -> std::io::Result<()> {
    let state = Arc::new((webhook, accepted));
    loop {
        let (stream, _) = listener.accept().await?;
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let service = service_fn(move |request: hyper::Request<Incoming>| {
                let state = Arc::clone(&state);
                async move { Ok::<_, Infallible>(respond(&state.0, &state.1, request).await) }
            });
            // A client that breaks off only ends its own connection.
            let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

async fn respond(
    webhook: &Webhook,
    accepted: &(impl Fn(String) + Send + Sync),
    request: hyper::Request<Incoming>,
) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let signature = parts.headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
    let (status, line) = match Limited::new(body, MAX_BODY).collect().await {
        Ok(body) => handle(webhook, &parts.method, parts.uri.path(), signature, &body.to_bytes()),
        Err(error) => (StatusCode::BAD_REQUEST, format!("cannot read the body: {error}")),
    };
    let reply = if status == StatusCode::OK {
        accepted(line);
        "ok\n".to_string()
    } else {
        format!("{line}\n")
    };
    let mut response = hyper::Response::new(Full::new(Bytes::from(reply)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(hyper::header::CONTENT_TYPE, hyper::header::HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}

/// The settings from the environment: the secret and the port.
fn settings() -> Result<(String, u16), Box<dyn Error>> {
    let secret = std::env::var(SECRET_VAR)
        .map_err(|_| format!("set {SECRET_VAR} to the endpoint's signing secret (whsec_...)"))?;
    let port = match std::env::var(PORT_VAR) {
        Ok(port) => port.parse().map_err(|_| format!("{PORT_VAR} is not a port number: {port:?}"))?,
        Err(_) => DEFAULT_PORT,
    };
    Ok((secret, port))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let run = async {
        let (secret, port) = settings()?;
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let listener = TcpListener::bind(address).await.map_err(|e| format!("cannot listen on {address}: {e}"))?;
        eprintln!("listening on http://{address}{WEBHOOK_PATH}");
        serve(listener, Webhook::new(secret), |line| println!("{line}")).await?;
        Ok::<(), Box<dyn Error>>(())
    };
    match run.await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
