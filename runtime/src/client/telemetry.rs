//! The telemetry headers Stripe's SDKs send: `X-Stripe-Client-User-Agent` (who is
//! calling: these bindings, Rust and its version) and `X-Stripe-Client-Telemetry`
//! (the request id and duration of an earlier request), as stripe-node 23.1.0 sends
//! them (`RequestSender._getTelemetryHeader` and `_recordRequestMetrics`).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;

use super::AppInfo;

/// The publisher of these bindings, for `X-Stripe-Client-User-Agent` (Stripe's own
/// SDKs say `stripe`; these are not Stripe's).
const PUBLISHER: &str = "stripe-codegen";

/// stripe-node's `_maxBufferedRequestMetric`: metrics waiting to be sent beyond
/// this many are dropped.
const MAX_BUFFERED: usize = 100;

/// The `X-Stripe-Client-User-Agent` value: JSON naming the bindings, the language
/// and its version, the publisher, the HTTP library, the generated crate
/// (`stripe-api/0.1.0`) and the [`AppInfo`], if any.
///
/// ```text
/// {"bindings_version":"0.1.0","lang":"rust","lang_version":"1.95.0","publisher":"stripe-codegen","httplib":"hyper","generated":"stripe-api/0.1.0"}
/// ```
pub(super) fn client_user_agent(generated: &str, app_info: Option<&AppInfo>) -> String {
    #[derive(Serialize)]
    struct UserAgent<'a> {
        bindings_version: &'a str,
        lang: &'a str,
        lang_version: &'a str,
        publisher: &'a str,
        httplib: &'a str,
        generated: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        application: Option<Application<'a>>,
    }
    #[derive(Serialize)]
    struct Application<'a> {
        name: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        version: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        url: Option<&'a str>,
    }
    let user_agent = UserAgent {
        bindings_version: env!("CARGO_PKG_VERSION"),
        lang: "rust",
        lang_version: env!("STRIPE_RUNTIME_RUSTC_VERSION"),
        publisher: PUBLISHER,
        httplib: "hyper",
        generated,
        application: app_info.map(|app| Application {
            name: &app.name,
            version: app.version.as_deref(),
            url: app.url.as_deref(),
        }),
    };
    serde_json::to_string(&user_agent).expect("a struct of strings serializes")
}

/// The request metrics waiting to be sent, oldest first: each request sends the
/// oldest in its `X-Stripe-Client-Telemetry` header, as stripe-node does.
#[derive(Debug, Default)]
pub(super) struct Metrics {
    queue: Mutex<VecDeque<Metric>>,
}

/// One finished request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct Metric {
    request_id: String,
    request_duration_ms: u128,
}

impl Metrics {
    /// Records a request that was answered (its last attempt, with a `Request-Id`)
    /// after `duration`; dropped if [`MAX_BUFFERED`] are already waiting.
    pub(super) fn record(&self, request_id: &str, duration: Duration) {
        let mut queue = self.queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if queue.len() < MAX_BUFFERED {
            queue.push_back(Metric { request_id: request_id.to_owned(), request_duration_ms: duration.as_millis() });
        }
    }

    /// The `X-Stripe-Client-Telemetry` value for the next request, taking the
    /// oldest metric: `{"last_request_metrics":{"request_id":"req_123","request_duration_ms":42}}`.
    pub(super) fn next_header(&self) -> Option<String> {
        #[derive(Serialize)]
        struct Telemetry {
            last_request_metrics: Metric,
        }
        let metric = self.queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop_front()?;
        Some(serde_json::to_string(&Telemetry { last_request_metrics: metric }).expect("strings and numbers serialize"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_are_sent_oldest_first_and_bounded() {
        let metrics = Metrics::default();
        assert_eq!(metrics.next_header(), None);
        metrics.record("req_1", Duration::from_millis(42));
        metrics.record("req_2", Duration::from_micros(7_900));
        assert_eq!(
            metrics.next_header().as_deref(),
            Some(r#"{"last_request_metrics":{"request_id":"req_1","request_duration_ms":42}}"#)
        );
        assert_eq!(
            metrics.next_header().as_deref(),
            Some(r#"{"last_request_metrics":{"request_id":"req_2","request_duration_ms":7}}"#)
        );
        assert_eq!(metrics.next_header(), None);
        for i in 0..MAX_BUFFERED + 5 {
            metrics.record(&format!("req_{i}"), Duration::ZERO);
        }
        assert_eq!(metrics.queue.lock().unwrap().len(), MAX_BUFFERED);
    }

    #[test]
    fn the_user_agent_names_the_bindings_and_the_application() {
        let plain = client_user_agent("stripe-api/0.1.0", None);
        let expected = format!(
            r#"{{"bindings_version":"{}","lang":"rust","lang_version":"{}","publisher":"stripe-codegen","httplib":"hyper","generated":"stripe-api/0.1.0"}}"#,
            env!("CARGO_PKG_VERSION"),
            env!("STRIPE_RUNTIME_RUSTC_VERSION")
        );
        assert_eq!(plain, expected);
        assert!(env!("STRIPE_RUNTIME_RUSTC_VERSION").starts_with("1."));
        let app = AppInfo::new("MyPlugin").version("1.2.3").url("https://example.com");
        let with_app = client_user_agent("stripe-api/0.1.0", Some(&app));
        assert!(
            with_app.ends_with(r#","application":{"name":"MyPlugin","version":"1.2.3","url":"https://example.com"}}"#),
            "{with_app}"
        );
    }
}
