//! File uploads: the multipart encoder against stripe-node 23.1.0's bytes (the
//! recording of `tests/oracle/upload.mjs`, `tests/oracle/upload_expected.json`),
//! multipart requests through the real client to a loopback server, the
//! operation's own server and its override, and `FileUpload` itself.
//!
//! Every case of the recording is encoded from its params (given as JSON in the
//! case, converted to `CreateFileParams`, a hand-written mirror of the params of
//! `POST /v1/files`), the random boundary replaced by `{boundary}` as the
//! recording does, and compared byte for byte: once from
//! `multipart::encode`, once as it arrives at a server from `Client`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use stripe_runtime::form::FormError;
use stripe_runtime::{
    multipart, ApiSpec, Clearable, Client, ClientBuilder, Error, FileUpload, Method, ParamsIn, Request, Timestamp,
};
use stripe_test_support::{Recorded, Reply, TestServer};

const KEY: &str = "sk_test_SECRET123";
static SPEC: ApiSpec = ApiSpec { api_version: "2024-04-10", user_agent: "stripe-api/0.1.0" };
/// The server of `POST /v1/files`, as the OpenAPI document spells it.
const FILES_SERVER: &str = "https://files.stripe.com/";
/// What the recording has in place of the boundary.
const BOUNDARY_TOKEN: &str = "{boundary}";

// ---- The params of `POST /v1/files`, as the generator will emit them ----

/// The body params of `POST /v1/files`, fields in the order of the generated
/// structs (alphabetical).
#[derive(Debug, Serialize)]
struct CreateFileParams {
    #[serde(skip_serializing_if = "Option::is_none")]
    expand: Option<Vec<String>>,
    file: FileUpload,
    #[serde(skip_serializing_if = "Option::is_none")]
    file_link_data: Option<FileLinkData>,
    purpose: String,
}

/// `file_link_creation_params`.
#[derive(Debug, Serialize)]
struct FileLinkData {
    create: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<Clearable<BTreeMap<String, String>>>,
}

/// The file object of a case: `{name, type?, data | data_hex}`, what the oracle
/// hands the SDK as `{data: Buffer, name, type}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    name: String,
    #[serde(rename = "type")]
    content_type: Option<String>,
    data: Option<String>,
    data_hex: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseParams {
    expand: Option<Vec<String>>,
    file: CaseFile,
    file_link_data: Option<CaseFileLinkData>,
    purpose: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFileLinkData {
    create: bool,
    expires_at: Option<i64>,
    /// An object of strings, or `""`.
    metadata: Option<Value>,
}

/// A case's JSON params as `CreateFileParams`; unknown fields are an error, so
/// that no part of a case is silently left out.
fn create_file_params(params: &Value) -> CreateFileParams {
    let case: CaseParams = serde_json::from_value(params.clone()).expect("params of POST /v1/files");
    let data = match (case.file.data, case.file.data_hex) {
        (Some(text), None) => text.into_bytes(),
        (None, Some(hex)) => {
            (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex")).collect()
        }
        _ => panic!("a case file needs exactly one of data, data_hex"),
    };
    let mut file = FileUpload::new(case.file.name, data);
    if let Some(content_type) = case.file.content_type {
        file = file.with_content_type(content_type);
    }
    let file_link_data = case.file_link_data.map(|link| FileLinkData {
        create: link.create,
        expires_at: link.expires_at.map(Timestamp::from_unix_seconds),
        metadata: link.metadata.map(|metadata| match metadata {
            Value::String(s) if s.is_empty() => Clearable::Clear,
            other => Clearable::Set(serde_json::from_value(other).expect("metadata: strings or \"\"")),
        }),
    });
    CreateFileParams { expand: case.expand, file, file_link_data, purpose: case.purpose }
}

// ---- The recording ----

fn oracle_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/oracle")
}

/// One recorded case.
struct Expected {
    name: String,
    params: Value,
    method: String,
    origin: String,
    path: String,
    content_type: String,
    content_length: usize,
    /// With `{boundary}` for the boundary.
    body: Vec<u8>,
}

fn expected_cases() -> Vec<Expected> {
    let text = std::fs::read_to_string(oracle_dir().join("upload_expected.json")).unwrap();
    let Value::Object(recording) = serde_json::from_str(&text).unwrap() else { panic!("not an object") };
    let cases: Vec<Expected> = recording
        .into_iter()
        .filter(|(name, _)| name != "_generated_by")
        .map(|(name, entry)| {
            let text = |key: &str| entry[key].as_str().unwrap_or_else(|| panic!("{name}: no {key}")).to_owned();
            assert_eq!(text("boundary"), "uuid-v4", "{name}: the SDK's boundary");
            let body = match (entry.get("body"), entry.get("body_base64")) {
                (Some(Value::String(body)), None) => body.clone().into_bytes(),
                (None, Some(Value::String(base64))) => {
                    base64::engine::general_purpose::STANDARD.decode(base64).expect("body_base64")
                }
                _ => panic!("{name}: needs exactly one of body, body_base64"),
            };
            Expected {
                params: entry["params"].clone(),
                method: text("method"),
                origin: text("origin"),
                path: text("path"),
                content_type: text("content_type"),
                content_length: text("content_length").parse().unwrap(),
                body,
                name,
            }
        })
        .collect();
    assert!(cases.len() >= 6, "the recording has {} cases", cases.len());
    cases
}

#[test]
fn the_recording_covers_every_case_with_its_params() {
    let text = std::fs::read_to_string(oracle_dir().join("upload_cases.json")).unwrap();
    let cases: Vec<Value> = serde_json::from_str(&text).unwrap();
    let by_name: BTreeMap<&str, &Value> = cases.iter().map(|c| (c["name"].as_str().unwrap(), &c["params"])).collect();
    let expected = expected_cases();
    let recorded: BTreeSet<&str> = expected.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(recorded, by_name.keys().copied().collect(), "regenerate with: node tests/oracle/upload.mjs");
    for case in &expected {
        assert_eq!(&&case.params, by_name.get(case.name.as_str()).unwrap(), "{}: stale params", case.name);
    }
}

/// `body` with every occurrence of `boundary` replaced by `{boundary}`, as the
/// oracle does.
fn normalise(body: &[u8], boundary: &str) -> Vec<u8> {
    let (needle, token) = (boundary.as_bytes(), BOUNDARY_TOKEN.as_bytes());
    assert!(!body.windows(token.len()).any(|w| w == token), "the body already holds {BOUNDARY_TOKEN}");
    let mut out = Vec::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.windows(needle.len()).position(|w| w == needle) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(token);
        rest = &rest[at + needle.len()..];
    }
    out.extend_from_slice(rest);
    out
}

/// Whether `s` is a lowercase UUID v4, as stripe-node's boundaries are.
fn is_uuid_v4(s: &str) -> bool {
    let bytes = s.as_bytes();
    s.len() == 36
        && [8, 13, 18, 23].iter().all(|&i| bytes[i] == b'-')
        && bytes[14] == b'4'
        && matches!(bytes[19], b'8' | b'9' | b'a' | b'b')
        && s.bytes().filter(|&b| b != b'-').all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Shows the first difference of two bodies.
fn first_difference(ours: &[u8], theirs: &[u8]) -> String {
    let at = ours.iter().zip(theirs).position(|(a, b)| a != b).unwrap_or(ours.len().min(theirs.len()));
    let around =
        |body: &[u8]| String::from_utf8_lossy(&body[at.saturating_sub(40)..(at + 40).min(body.len())]).into_owned();
    format!(
        "{} bytes (ours) vs {} (stripe-node), first difference at byte {at}:\n  ours:        {:?}\n  stripe-node: {:?}",
        ours.len(),
        theirs.len(),
        around(ours),
        around(theirs)
    )
}

#[test]
fn the_encoder_writes_stripe_nodes_bytes() {
    let mut failures = Vec::new();
    for case in expected_cases() {
        let params = create_file_params(&case.params);
        let boundary = uuid::Uuid::new_v4().to_string();
        let body = multipart::encode(&params, &boundary).unwrap();
        if body.len() != case.content_length {
            failures.push(format!("{}: {} bytes, stripe-node sent {}", case.name, body.len(), case.content_length));
        }
        let body = normalise(&body, &boundary);
        if body != case.body {
            failures.push(format!("{}: {}", case.name, first_difference(&body, &case.body)));
        }
    }
    assert!(failures.is_empty(), "differences from stripe-node:\n{}", failures.join("\n"));
}

fn test_builder(server: &TestServer) -> ClientBuilder {
    Client::builder(KEY).base_url(&server.url).retry_base_delay(Duration::from_millis(1))
}

fn file_reply() -> Reply {
    Reply::json(200, r#"{"id":"file_123","object":"file"}"#)
}

#[derive(Debug, Deserialize)]
struct File {
    id: String,
}

#[tokio::test]
async fn the_client_sends_stripe_nodes_bytes() {
    let cases = expected_cases();
    // Nothing may go to the base URL: the recorded origin is overridden.
    let api = TestServer::start(vec![]).await;
    let files = TestServer::start(cases.iter().map(|_| file_reply()).collect()).await;
    for case in &cases {
        assert_eq!(case.origin.trim_end_matches('/'), FILES_SERVER.trim_end_matches('/'), "{}", case.name);
    }
    let client = test_builder(&api).server_url(&cases[0].origin, &files.url).build().unwrap();
    for case in &cases {
        let params = create_file_params(&case.params);
        let request: Request<File> =
            Request::multipart(&SPEC, Method::Post, "/v1/files".into(), Some(FILES_SERVER), &params);
        assert_eq!(request.send(&client).await.unwrap().id, "file_123", "{}", case.name);
    }
    assert!(api.requests().is_empty(), "{:?}", api.requests());
    let requests = files.requests();
    assert_eq!(requests.len(), cases.len());
    let mut failures = Vec::new();
    for (case, request) in cases.iter().zip(&requests) {
        assert_eq!(request.method, case.method, "{}", case.name);
        assert_eq!(request.target, case.path, "{}", case.name);
        let content_type = request.header("content-type").unwrap();
        let boundary = content_type.strip_prefix("multipart/form-data; boundary=").unwrap();
        assert!(is_uuid_v4(boundary), "{}: {boundary}", case.name);
        assert_eq!(content_type.replace(boundary, BOUNDARY_TOKEN), case.content_type, "{}", case.name);
        assert_eq!(request.header("content-length"), Some(case.content_length.to_string().as_str()), "{}", case.name);
        assert_eq!(request.header("transfer-encoding"), None, "{}", case.name);
        let body = normalise(&request.body, boundary);
        if body != case.body {
            failures.push(format!("{}: {}", case.name, first_difference(&body, &case.body)));
        }
    }
    assert!(failures.is_empty(), "differences from stripe-node on the wire:\n{}", failures.join("\n"));
}

// ---- Multipart requests through the client ----

fn upload_params() -> CreateFileParams {
    CreateFileParams {
        expand: None,
        file: FileUpload::new("scan.png", vec![0x89, b'P', b'N', b'G', 0, 0xff]).with_content_type("image/png"),
        file_link_data: Some(FileLinkData { create: true, expires_at: None, metadata: None }),
        purpose: "identity_document".into(),
    }
}

fn upload_request() -> Request<File> {
    Request::multipart(&SPEC, Method::Post, "/v1/files".into(), Some(FILES_SERVER), &upload_params())
}

fn assert_common_headers(request: &Recorded) {
    assert_eq!(request.header("authorization"), Some("Bearer sk_test_SECRET123"));
    assert_eq!(request.header("stripe-version"), Some("2024-04-10"));
    let user_agent = format!("stripe-api/0.1.0 stripe-runtime/{}", env!("CARGO_PKG_VERSION"));
    assert_eq!(request.header("user-agent"), Some(user_agent.as_str()));
    assert_eq!(request.header("accept"), Some("application/json"));
}

#[tokio::test]
async fn uploads_go_to_the_overridden_server_and_retries_resend_the_same_body_and_key() {
    let api = TestServer::start(vec![]).await;
    let files = TestServer::start(vec![Reply::error(500, "api_error", "oops"), file_reply()]).await;
    let client = test_builder(&api).server_url("https://files.stripe.com", &files.url).build().unwrap();
    let file = upload_request().send(&client).await.unwrap();
    assert_eq!(file.id, "file_123");

    assert!(api.requests().is_empty(), "went to the base URL: {:?}", api.requests());
    let requests = files.requests();
    assert_eq!(requests.len(), 2, "one retry after the 500");
    let (first, retry) = (&requests[0], &requests[1]);
    assert_eq!(first.method, "POST");
    assert_eq!(first.target, "/v1/files");
    assert_common_headers(first);
    let content_type = first.header("content-type").unwrap();
    let boundary = content_type.strip_prefix("multipart/form-data; boundary=").expect(content_type);
    assert!(is_uuid_v4(boundary), "{boundary}");
    assert_eq!(first.header("content-length"), Some(first.body.len().to_string().as_str()));
    let expected = multipart::encode(&upload_params(), boundary).unwrap();
    assert_eq!(first.body, expected);
    let key = first.header("idempotency-key").unwrap();
    assert_eq!(uuid::Uuid::parse_str(key).unwrap().get_version_num(), 4);

    // The retry: the same body, boundary, length and key.
    assert_eq!(retry.body, first.body);
    for header in ["content-type", "content-length", "idempotency-key", "authorization"] {
        assert_eq!(retry.header(header), first.header(header), "{header}");
    }
    assert_eq!(retry.target, "/v1/files");
}

#[tokio::test]
async fn each_request_goes_to_its_own_server() {
    let api = TestServer::start(vec![file_reply(), file_reply()]).await;
    let files = TestServer::start(vec![file_reply()]).await;
    let client = test_builder(&api).server_url(FILES_SERVER, format!("{}/", files.url)).build().unwrap();
    // No server: the base URL, overrides notwithstanding.
    let request: Request<File> = Request::new(
        &SPEC,
        Method::Get,
        "/v1/files/file_123".into(),
        ParamsIn::Query,
        &BTreeMap::<String, String>::new(),
    );
    assert_eq!(request.server_url(), None);
    request.send(&client).await.unwrap();
    // A server without an override, with the base URL changed: the base URL (stripe-node's rule).
    let request: Request<File> =
        Request::new(&SPEC, Method::Post, "/v1/meter_events".into(), ParamsIn::Body, &upload_params().purpose_only())
            .server("https://meter-events.stripe.com");
    assert_eq!(request.server_url(), Some("https://meter-events.stripe.com"));
    request.send(&client).await.unwrap();
    // The overridden server, named without its trailing `/`.
    Request::<File>::multipart(
        &SPEC,
        Method::Post,
        "/v1/files".into(),
        Some("https://files.stripe.com"),
        &upload_params(),
    )
    .send(&client)
    .await
    .unwrap();

    let api_requests = api.requests();
    assert_eq!(
        api_requests.iter().map(|r| r.target.as_str()).collect::<Vec<_>>(),
        ["/v1/files/file_123", "/v1/meter_events"]
    );
    assert_eq!(api_requests[1].header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(api_requests[1].body_str(), "purpose=identity_document");
    let files_requests = files.requests();
    assert_eq!(files_requests.len(), 1);
    assert_eq!(files_requests[0].target, "/v1/files");
}

impl CreateFileParams {
    /// Form-encodable params: only the purpose.
    fn purpose_only(&self) -> BTreeMap<&'static str, String> {
        [("purpose", self.purpose.clone())].into()
    }
}

#[tokio::test]
async fn a_server_without_an_override_is_the_servers_own_url_by_default() {
    // The default client sends uploads to files.stripe.com, which a test cannot
    // reach; with a proxy, the CONNECT request shows where it was going.
    let proxy = stripe_test_support::proxy::TestProxy::start(stripe_test_support::proxy::ProxyMode::Close).await;
    let client = Client::builder(KEY).proxy(&proxy.url).max_retries(0).build().unwrap();
    let err = upload_request().send(&client).await.unwrap_err();
    assert!(matches!(err, Error::Http(_)), "{err:?}");
    let connects: Vec<String> = proxy.connects().into_iter().map(|c| c.target).collect();
    assert_eq!(connects, ["files.stripe.com:443"]);
}

#[tokio::test]
async fn bad_servers_are_config_errors_and_send_nothing() {
    let api = TestServer::start(vec![]).await;
    let client = Client::builder(KEY).build().unwrap();
    let request: Request<File> =
        Request::multipart(&SPEC, Method::Post, "/v1/files".into(), Some("files.stripe.com"), &upload_params());
    let err = request.send(&client).await.unwrap_err();
    assert!(matches!(&err, Error::Config(m) if m.contains("\"files.stripe.com\"")), "{err}");
    for (server, url) in
        [("files.stripe.com", "http://127.0.0.1:1"), (FILES_SERVER, "ftp://x"), (FILES_SERVER, "https://x?q")]
    {
        let err = test_builder(&api).server_url(server, url).build().unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{server} -> {url}: {err:?}");
    }
    assert!(api.requests().is_empty());
}

#[tokio::test]
async fn unencodable_multipart_params_are_an_encode_error_and_send_nothing() {
    let api = TestServer::start(vec![]).await;
    let client = test_builder(&api).build().unwrap();
    let request: Request<File> = Request::multipart(
        &SPEC,
        Method::Post,
        "/v1/files".into(),
        Some(FILES_SERVER),
        &[("a", f64::NAN)].into_iter().collect::<BTreeMap<_, _>>(),
    );
    assert_eq!(request.params(), Err(&FormError::Unsupported { key: "a".into(), found: "NaN" }));
    let err = request.send(&client).await.unwrap_err();
    assert!(matches!(err, Error::Encode(FormError::Unsupported { .. })), "{err:?}");
    // A file in form-encoded params.
    let request: Request<File> =
        Request::new(&SPEC, Method::Post, "/v1/files".into(), ParamsIn::Body, &upload_params());
    let err = request.send(&client).await.unwrap_err();
    let Error::Encode(err) = err else { panic!("{err:?}") };
    assert_eq!(err, FormError::FileNotMultipart { key: "file".into() });
    assert!(err.to_string().contains("files can only be sent in a multipart/form-data body"), "{err}");
    assert!(api.requests().is_empty());
}

#[test]
fn multipart_requests_debug_the_length_and_clone_cheaply() {
    let params = CreateFileParams { file: FileUpload::new("big.bin", vec![b'z'; 1 << 20]), ..upload_params() };
    let request: Request<File> =
        Request::multipart(&SPEC, Method::Post, "/v1/files".into(), Some(FILES_SERVER), &params);
    assert_eq!(request.params_in(), ParamsIn::Multipart);
    assert_eq!(request.params(), Ok(""));
    assert_eq!(request.server_url(), Some(FILES_SERVER));
    let debug = format!("{request:?}");
    assert!(debug.contains("params: Ok(Multipart { boundary: \""), "{debug}");
    assert!(debug.contains("len: 1048"), "{debug}");
    assert!(debug.len() < 1000, "{debug}");
    assert!(!debug.contains("zzzz"), "{debug}");
    let clone = request.clone();
    assert_eq!(format!("{clone:?}"), debug, "a clone has the same boundary and body");
}

// ---- FileUpload ----

/// A file in a directory of its own under the temporary directory, both removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &[u8]) -> TempFile {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let unique =
            format!("stripe-runtime-multipart-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        let dir = std::env::temp_dir().join(unique);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, contents).unwrap();
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
        let _ = std::fs::remove_dir(self.0.parent().unwrap());
    }
}

#[test]
fn a_file_upload_from_a_path_reads_the_file_and_takes_its_name() {
    let contents: Vec<u8> = (0..=255).chain(0..=255).collect();
    let temp = TempFile::new("résumé 2024.pdf", &contents);
    let file = FileUpload::from_path(&temp.0).unwrap();
    assert_eq!(file.name(), "résumé 2024.pdf");
    assert_eq!(file.content_type(), None);
    assert_eq!(file.data(), contents.as_slice());
    let file = file.with_content_type("application/pdf");
    assert_eq!(file.content_type(), Some("application/pdf"));
    assert_eq!(file.clone().into_data(), contents);
}

#[test]
fn a_missing_path_is_an_error_naming_it() {
    let missing = std::env::temp_dir().join("stripe-runtime-no-such-dir").join("missing.txt");
    let err = FileUpload::from_path(&missing).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    assert!(err.to_string().contains("missing.txt"), "{err}");
    // A directory is no file either.
    assert!(FileUpload::from_path(std::env::temp_dir()).is_err());
}

#[test]
fn a_file_upload_through_the_form_encoder_is_a_clear_error() {
    let err = stripe_runtime::form::encode(&upload_params()).unwrap_err();
    assert_eq!(err, FormError::FileNotMultipart { key: "file".into() });
    assert_eq!(
        err.to_string(),
        "cannot form-encode the file at `file`: files can only be sent in a multipart/form-data body \
         (ParamsIn::Multipart)"
    );
}
