//! Soak test: thousands of requests, 32 at a time, against a loopback server that
//! injects faults (connection resets, 500s with and without `Stripe-Should-Retry`,
//! 429 `lock_timeout`, stalled and truncated bodies, HTML 502s), each stretch of
//! faults followed by 500 requests without them.
//!
//! Memory is measured at rest after request 1,000 and after the last one, each time
//! after a healthy stretch, so that both find the client in the same state (its pool
//! full of kept-alive connections, which faults close).
//!
//! `SOAK_REQUESTS` sets how many logical requests (default 5,000; at least 2,000);
//! the figures are printed (`cargo test -p stripe-runtime --test soak -- --nocapture`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::future::Future as _;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use http_body_util::BodyExt;
use hyper::body::{Body, Bytes, Frame, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use stripe_runtime::{ApiSpec, Client, Error, Method, ParamsIn, Request};
use tokio::net::TcpListener;

/// The system allocator, counting the bytes in use, so that a leak shows exactly
/// rather than in the resident memory's page-sized noise.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed to the system allocator unchanged; only a counter is
// updated beside it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        IN_USE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        IN_USE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        IN_USE.fetch_add(new_size, Ordering::Relaxed);
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

static SPEC: ApiSpec = ApiSpec { api_version: "2024-04-10", user_agent: "stripe-api/0.1.0" };

const CONCURRENCY: usize = 32;
/// The requests of each stretch without faults, all of which must succeed.
const HEALTHY: usize = 500;
/// After which request memory is measured the first time.
const MEASURED_FROM: usize = 1_000;
const MAX_RETRIES: u32 = 2;
/// The client's timeout per attempt; stalled bodies outlast it.
const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(300);
/// How much longer than the client's timeout a stalled body stalls before it
/// breaks (the server's connection task ends then: not much longer, so that stalled
/// connections do not pile up and blur the memory figures).
const STALL_EXTRA: Duration = Duration::from_millis(100);
/// No logical request may take longer, retries and their delays included.
const CALL_BOUND: Duration = Duration::from_secs(5);
/// How many attempts in 100 get a fault while faults are on.
const FAULT_PERCENT: u64 = 25;

/// The faults the server injects.
#[derive(Clone, Copy)]
enum Fault {
    Reset,
    ServerError,
    ServerErrorRetry,
    ServerErrorNoRetry,
    LockTimeout,
    Stalled,
    Truncated,
    HtmlBadGateway,
}

impl Fault {
    const ALL: [Fault; 8] = [
        Fault::Reset,
        Fault::ServerError,
        Fault::ServerErrorRetry,
        Fault::ServerErrorNoRetry,
        Fault::LockTimeout,
        Fault::Stalled,
        Fault::Truncated,
        Fault::HtmlBadGateway,
    ];

    fn name(self) -> &'static str {
        match self {
            Fault::Reset => "connection reset",
            Fault::ServerError => "500",
            Fault::ServerErrorRetry => "500 Stripe-Should-Retry: true",
            Fault::ServerErrorNoRetry => "500 Stripe-Should-Retry: false",
            Fault::LockTimeout => "429 lock_timeout",
            Fault::Stalled => "stalled body",
            Fault::Truncated => "truncated body",
            Fault::HtmlBadGateway => "HTML 502",
        }
    }
}

#[derive(Debug, Deserialize)]
struct Thing {
    id: String,
}

/// The idempotency key slot of an attempt that has not happened.
const NOT_SENT: u128 = u128::MAX;
/// The idempotency key slot of an attempt sent without one (or with one that is
/// not a UUID).
const NO_KEY: u128 = 0;

/// What the server saw of each logical request (by number): the idempotency keys
/// of its attempts, as numbers, [`NOT_SENT`] past the last one. Allocated and
/// written once at the start, so that the server's bookkeeping does not grow the
/// memory the test measures; attempts beyond the slots are counted apart.
struct ServerState {
    faults_on: AtomicBool,
    seen: Mutex<Vec<[u128; SLOTS]>>,
    /// Attempts of a logical request beyond [`SLOTS`].
    overflow: AtomicU64,
    injected: [AtomicU64; Fault::ALL.len()],
}

/// Attempts recorded per logical request: more than the client may make.
const SLOTS: usize = MAX_RETRIES as usize + 2;

impl ServerState {
    fn new(total: usize) -> ServerState {
        ServerState {
            faults_on: AtomicBool::new(true),
            seen: Mutex::new(vec![[NOT_SENT; SLOTS]; total]),
            overflow: AtomicU64::new(0),
            injected: Default::default(),
        }
    }

    /// Records an attempt of request `n`; returns its number (from 1).
    fn record(&self, n: usize, key: u128) -> usize {
        let mut seen = self.seen.lock().unwrap();
        let slots = &mut seen[n];
        match slots.iter().position(|slot| *slot == NOT_SENT) {
            Some(free) => {
                slots[free] = key;
                free + 1
            }
            None => {
                self.overflow.fetch_add(1, Ordering::Relaxed);
                SLOTS + 1
            }
        }
    }
}

/// A response body: whole, or one that stalls then breaks, or one that breaks
/// after part of what its `Content-Length` promised.
enum FaultBody {
    Whole(Option<Bytes>),
    Stalled(Pin<Box<tokio::time::Sleep>>),
    Truncated(Option<Bytes>),
}

impl Body for FaultBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        let broken = || std::io::Error::new(std::io::ErrorKind::BrokenPipe, "injected fault");
        match self.get_mut() {
            FaultBody::Whole(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            FaultBody::Stalled(sleep) => sleep.as_mut().poll(cx).map(|()| Some(Err(broken()))),
            FaultBody::Truncated(bytes) => {
                Poll::Ready(Some(bytes.take().map(|b| Ok(Frame::data(b))).unwrap_or_else(|| Err(broken()))))
            }
        }
    }
}

/// The memory of this process at one point.
struct Memory {
    /// Resident, in KiB (`VmRSS`).
    rss: u64,
    /// The high-water mark of resident memory, in KiB (`VmHWM`).
    peak: u64,
    /// Heap bytes allocated and not freed.
    in_use: usize,
}

impl Memory {
    /// Measures at rest: after the stalled bodies of the server have broken and
    /// their connections' tasks have ended.
    async fn at_rest() -> Memory {
        tokio::time::sleep(ATTEMPT_TIMEOUT + STALL_EXTRA * 2).await;
        let (rss, peak) = memory_kib();
        Memory { rss, peak, in_use: IN_USE.load(Ordering::Relaxed) }
    }
}

/// A deterministic hash of a logical request and its attempt number.
fn mix(key: &str, attempt: usize) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ attempt as u64;
    for byte in key.bytes() {
        h = (h ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

type ServiceResult = Result<hyper::Response<FaultBody>, Box<dyn std::error::Error + Send + Sync>>;

async fn serve(state: Arc<ServerState>, request: hyper::Request<Incoming>) -> ServiceResult {
    let (parts, body) = request.into_parts();
    let body = body.collect().await?.to_bytes();
    // GET /v1/things/g{n}, or POST /v1/things with the body n={n}&...
    let key = match parts.method {
        hyper::Method::POST => String::from_utf8_lossy(&body).split('&').next().unwrap_or_default().to_owned(),
        _ => parts.uri.path().to_owned(),
    };
    let n = key.rsplit(['/', '=']).next().unwrap_or_default().trim_start_matches('g').to_owned();
    let index: usize = n.parse()?;
    let idempotency_key = parts
        .headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| u128::from_str_radix(&v.replace('-', ""), 16).ok())
        .unwrap_or(NO_KEY);
    let attempt = state.record(index, idempotency_key);
    let roll = mix(&key, attempt);
    let fault = (state.faults_on.load(Ordering::Relaxed) && roll % 100 < FAULT_PERCENT)
        .then(|| Fault::ALL[(roll / 100) as usize % Fault::ALL.len()]);
    let ok = format!(r#"{{"id":"th_{n}"}}"#);
    let response = |status: u16, content_type: &str| {
        hyper::Response::builder()
            .status(status)
            .header("content-type", content_type)
            .header("request-id", format!("req_{key}_{attempt}"))
    };
    let stripe_error =
        |code: &str| format!(r#"{{"error":{{"type":"api_error","code":"{code}","message":"injected"}}}}"#);
    let Some(fault) = fault else {
        return Ok(response(200, "application/json").body(FaultBody::Whole(Some(ok.into())))?);
    };
    state.injected[fault as usize].fetch_add(1, Ordering::Relaxed);
    let whole = |text: String| FaultBody::Whole(Some(Bytes::from(text)));
    Ok(match fault {
        // The connection is dropped with no response; its socket lingers 0 s: a reset.
        Fault::Reset => return Err("injected connection reset".into()),
        Fault::ServerError => response(500, "application/json").body(whole(stripe_error("boom")))?,
        Fault::ServerErrorRetry => {
            response(500, "application/json").header("stripe-should-retry", "true").body(whole(stripe_error("boom")))?
        }
        Fault::ServerErrorNoRetry => response(500, "application/json")
            .header("stripe-should-retry", "false")
            .body(whole(stripe_error("boom")))?,
        Fault::LockTimeout => response(429, "application/json").body(whole(stripe_error("lock_timeout")))?,
        Fault::Stalled => response(200, "application/json")
            .body(FaultBody::Stalled(Box::pin(tokio::time::sleep(ATTEMPT_TIMEOUT + STALL_EXTRA))))?,
        Fault::Truncated => response(200, "application/json")
            .header("content-length", ok.len().to_string())
            .body(FaultBody::Truncated(Some(Bytes::from(ok[..ok.len() / 2].to_owned()))))?,
        Fault::HtmlBadGateway => {
            response(502, "text/html").body(whole("<html><body>502 Bad Gateway</body></html>".into()))?
        }
    })
}

/// Starts the fault server; returns its URL.
async fn start_server(state: Arc<ServerState>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { return };
            // Closing with a zero linger sends a reset, not a clean close (and does
            // not block, which is why tokio deprecates the call for other lingers).
            #[allow(deprecated)]
            let _ = stream.set_linger(Some(Duration::ZERO));
            let state = state.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request| serve(state.clone(), request));
                let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    });
    url
}

/// The resident and peak memory of this process, in KiB (`/proc/self/status`).
fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// How the logical requests ended.
#[derive(Default)]
struct Outcomes {
    ok: AtomicU64,
    api: AtomicU64,
    decode: AtomicU64,
    http: AtomicU64,
    timeout: AtomicU64,
    other: AtomicU64,
    hung: AtomicU64,
    /// Successes whose `attempts` is not what the server counted.
    miscounted: AtomicU64,
}

/// Sends logical requests `range` (even: GET, odd: POST), `CONCURRENCY` at a time.
async fn run(client: &Client, range: std::ops::Range<usize>, outcomes: &Arc<Outcomes>) {
    let next = Arc::new(AtomicUsize::new(range.start));
    let mut workers = Vec::new();
    for _ in 0..CONCURRENCY {
        let (client, next, outcomes) = (client.clone(), next.clone(), outcomes.clone());
        let end = range.end;
        workers.push(tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= end {
                    return;
                }
                let request: Request<Thing> = if n % 2 == 0 {
                    Request::new(
                        &SPEC,
                        Method::Get,
                        format!("/v1/things/g{n}"),
                        ParamsIn::Query,
                        &serde_json::json!({}),
                    )
                } else {
                    let params = serde_json::json!({"n": n, "name": "Jenny Rosen"});
                    Request::new(&SPEC, Method::Post, "/v1/things".into(), ParamsIn::Body, &params)
                };
                let counter = match tokio::time::timeout(CALL_BOUND, request.send_with_response(&client)).await {
                    Err(_) => &outcomes.hung,
                    Ok(Ok(response)) => {
                        let expected_id = format!("th_{n}");
                        let attempt = response.request_id.as_deref().and_then(|id| id.rsplit('_').next()?.parse().ok());
                        if response.value.id != expected_id || attempt != Some(response.attempts) {
                            outcomes.miscounted.fetch_add(1, Ordering::Relaxed);
                        }
                        &outcomes.ok
                    }
                    Ok(Err(Error::Api { .. })) => &outcomes.api,
                    Ok(Err(Error::Decode { .. })) => &outcomes.decode,
                    Ok(Err(Error::Http(_))) => &outcomes.http,
                    Ok(Err(Error::Timeout { .. })) => &outcomes.timeout,
                    Ok(Err(_)) => &outcomes.other,
                };
                counter.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for worker in workers {
        worker.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_requests_through_faults() {
    let total: usize = std::env::var("SOAK_REQUESTS").ok().and_then(|v| v.parse().ok()).unwrap_or(5_000);
    assert!(total >= MEASURED_FROM * 2, "SOAK_REQUESTS must be at least {}", MEASURED_FROM * 2);
    let state = Arc::new(ServerState::new(total));
    let url = start_server(state.clone()).await;
    let client = Client::builder("sk_test_soak")
        .base_url(url)
        .max_retries(MAX_RETRIES)
        .timeout(ATTEMPT_TIMEOUT)
        .retry_base_delay(Duration::from_millis(1))
        .build()
        .unwrap();
    let outcomes = Arc::new(Outcomes::default());

    // Faults, then a healthy stretch, twice; memory is measured at rest after each.
    // The wall time counts the requests, not the rests.
    let (mut wall, mut healthy_ok, mut measured, mut start) = (Duration::ZERO, 0, Vec::new(), 0);
    for end in [MEASURED_FROM, total] {
        let started = Instant::now();
        state.faults_on.store(true, Ordering::Relaxed);
        run(&client, start..end - HEALTHY, &outcomes).await;
        state.faults_on.store(false, Ordering::Relaxed);
        let ok_before = outcomes.ok.load(Ordering::Relaxed);
        run(&client, end - HEALTHY..end, &outcomes).await;
        healthy_ok += outcomes.ok.load(Ordering::Relaxed) - ok_before;
        wall += started.elapsed();
        measured.push(Memory::at_rest().await);
        start = end;
    }
    let failed = total - outcomes.ok.load(Ordering::Relaxed) as usize;
    let (first, last) = (&measured[0], &measured[1]);

    // Attempts per logical request, and the idempotency keys they carried.
    let seen = state.seen.lock().unwrap();
    let sent = |slots: &[u128; SLOTS]| slots.iter().take_while(|slot| **slot != NOT_SENT).count();
    let attempts: usize = seen.iter().map(sent).sum::<usize>() + state.overflow.load(Ordering::Relaxed) as usize;
    let most = seen.iter().map(sent).max().unwrap_or(0);
    let unsent = seen.iter().filter(|slots| sent(slots) == 0).count();
    let mut post_keys = std::collections::HashSet::new();
    let mut unkeyed_or_changed = 0;
    for (n, slots) in seen.iter().enumerate().filter(|(n, _)| n % 2 == 1) {
        let keys = &slots[..sent(slots)];
        match keys.first() {
            Some(&first) if first != NO_KEY && keys.iter().all(|k| *k == first) => {
                assert!(post_keys.insert(first), "POST {n} shares its idempotency key");
            }
            _ => unkeyed_or_changed += 1,
        }
    }
    let injected: Vec<String> = Fault::ALL
        .iter()
        .zip(&state.injected)
        .map(|(f, n)| format!("{}: {}", f.name(), n.load(Ordering::Relaxed)))
        .collect();
    let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
    eprintln!(
        "soak: {total} requests ({CONCURRENCY} at a time) in {:.1} s; {attempts} attempts, {} retries; faults injected: \
         {} ({}); outcomes: {} ok, {} Api, {} Decode, {} Http, {} Timeout, {} other, {} hung; RSS {} KiB at \
         {MEASURED_FROM} requests, {} KiB at {total}, peak {} KiB; heap in use {} KiB at {MEASURED_FROM}, {} KiB at \
         {total}",
        wall.as_secs_f64(),
        attempts - total,
        state.injected.iter().map(|n| n.load(Ordering::Relaxed)).sum::<u64>(),
        injected.join(", "),
        load(&outcomes.ok),
        load(&outcomes.api),
        load(&outcomes.decode),
        load(&outcomes.http),
        load(&outcomes.timeout),
        load(&outcomes.other),
        load(&outcomes.hung),
        first.rss,
        last.rss,
        last.peak,
        first.in_use / 1024,
        last.in_use / 1024,
    );

    assert_eq!(load(&outcomes.hung), 0, "calls that did not end within {CALL_BOUND:?}");
    assert_eq!(load(&outcomes.other), 0, "errors of an unexpected kind");
    assert_eq!(unsent, 0, "every logical request reached the server");
    assert!(most <= 1 + MAX_RETRIES as usize, "a logical request was sent {most} times");
    assert_eq!(state.overflow.load(Ordering::Relaxed), 0, "logical requests sent more than {SLOTS} times");
    assert_eq!(unkeyed_or_changed, 0, "POSTs without one idempotency key across their attempts");
    assert_eq!(post_keys.len(), total / 2);
    assert_eq!(load(&outcomes.miscounted), 0, "successes whose value or attempt count is wrong");
    assert_eq!(healthy_ok, 2 * HEALTHY as u64, "the requests after the faults stopped");
    assert!(failed > 0 && attempts > total, "faults were injected and retried");
    assert!(state.injected.iter().all(|n| n.load(Ordering::Relaxed) > 0), "every kind of fault: {injected:?}");
    let growth = last.rss as f64 / first.rss as f64;
    assert!(
        (0.9..=1.1).contains(&growth),
        "RSS {} KiB at {MEASURED_FROM} requests, {} KiB at {total}",
        first.rss,
        last.rss
    );
    // The heap at rest varies by about 400 KiB with the number of connections the
    // pool keeps; a leak of 256 bytes per request fails this (1,000 KiB over 4,000).
    let leaked = last.in_use.saturating_sub(first.in_use);
    assert!(
        leaked < (total - MEASURED_FROM) * 256,
        "heap in use grew by {leaked} bytes over {} requests",
        total - MEASURED_FROM
    );
}
