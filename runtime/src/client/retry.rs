//! When to retry and how long to wait, as stripe-node 23.1.0 decides
//! (`RequestSender._shouldRetry` and `_getSleepTimeInMS`).

use std::time::Duration;

/// stripe-node's `INITIAL_NETWORK_RETRY_DELAY_SEC`.
pub(crate) const INITIAL_DELAY: Duration = Duration::from_millis(500);
/// stripe-node's `MAX_NETWORK_RETRY_DELAY_SEC`.
pub(crate) const MAX_DELAY: Duration = Duration::from_secs(5);

/// What came back from one attempt, as far as the retry decision cares.
pub(crate) enum Outcome<'a> {
    /// No response: the connection failed or broke before the whole body was read,
    /// or (`timed_out`) the attempt's time ran out.
    NoResponse { timed_out: bool },
    /// A response with this status, `Stripe-Should-Retry` header and body.
    Response { status: u16, should_retry: Option<&'a [u8]>, body: &'a [u8] },
}

/// Why to retry after `outcome`, with `retries` retries done out of `max_retries`,
/// or `None` not to retry.
///
/// In order:
/// 1. out of retries: no;
/// 2. no response (connection error or timeout): yes;
/// 3. `Stripe-Should-Retry: false`: no; `Stripe-Should-Retry: true`: yes;
/// 4. 409 Conflict: yes;
/// 5. 429 with the error code `lock_timeout`: yes (the rule of stripe-ruby,
///    stripe-python and stripe-go; stripe-node relies on the header for this);
/// 6. 500 and above: yes;
/// 7. anything else: no.
pub(crate) fn retry_reason(outcome: &Outcome<'_>, retries: u32, max_retries: u32) -> Option<&'static str> {
    if retries >= max_retries {
        return None;
    }
    let (status, should_retry, body) = match *outcome {
        Outcome::NoResponse { timed_out: true } => return Some("timeout"),
        Outcome::NoResponse { timed_out: false } => return Some("connection error"),
        Outcome::Response { status, should_retry, body } => (status, should_retry, body),
    };
    match should_retry {
        Some(b"false") => return None,
        Some(b"true") => return Some("Stripe-Should-Retry: true"),
        _ => {}
    }
    match status {
        409 => Some("409 Conflict"),
        429 if super::error::ErrorCodeEnvelope::code_of(body).as_deref() == Some("lock_timeout") => {
            Some("429 lock_timeout")
        }
        500.. => Some("server error"),
        _ => None,
    }
}

/// How long to sleep before the retry that follows `retries` retries, given the
/// initial and maximum delays and a random `jitter` in `0.0..1.0`.
///
/// stripe-node's formula: `min(initial * 2^(retries - 1), max)`, times a jitter
/// factor in `0.5..1.0`, but never less than `initial`. (So the first two retries
/// wait exactly `initial`, the third between `initial` and `2 * initial`...)
pub(crate) fn sleep_time(retries: u32, initial: Duration, max: Duration, jitter: f64) -> Duration {
    let initial_secs = initial.as_secs_f64();
    // Past 2^62 the cap has long been reached; keep the exponent finite.
    let exponent = i32::try_from(retries).unwrap_or(i32::MAX).min(64) - 1;
    let mut secs = (initial_secs * 2f64.powi(exponent)).min(max.as_secs_f64());
    secs *= 0.5 * (1.0 + jitter.clamp(0.0, 1.0));
    secs = secs.max(initial_secs);
    Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX)
}

/// A random number in `0.0..1.0` for the jitter (0 if the OS has no randomness).
pub(crate) fn jitter() -> f64 {
    let bits = getrandom::u64().unwrap_or(0);
    // The top 53 bits, as a fraction of 2^53.
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn should_retry(outcome: &Outcome<'_>, retries: u32, max_retries: u32) -> bool {
        retry_reason(outcome, retries, max_retries).is_some()
    }

    const NO_RESPONSE: Outcome<'static> = Outcome::NoResponse { timed_out: false };

    fn response<'a>(status: u16, should_retry: Option<&'a [u8]>, body: &'a [u8]) -> Outcome<'a> {
        Outcome::Response { status, should_retry, body }
    }

    #[test]
    fn retries_as_stripe_node_does() {
        let no = |o: Outcome<'_>| assert!(!should_retry(&o, 0, 2));
        let yes = |o: Outcome<'_>| assert!(should_retry(&o, 0, 2));
        yes(NO_RESPONSE);
        yes(Outcome::NoResponse { timed_out: true });
        yes(response(409, None, b""));
        yes(response(500, None, b""));
        yes(response(502, None, b"<html>"));
        yes(response(503, None, b""));
        no(response(400, None, b""));
        no(response(402, None, b""));
        no(response(404, None, b""));
        no(response(429, None, br#"{"error":{"type":"invalid_request_error","code":"rate_limit"}}"#));
        no(response(429, None, b"not json"));
        yes(response(429, None, br#"{"error":{"type":"invalid_request_error","code":"lock_timeout"}}"#));
        no(response(400, None, br#"{"error":{"type":"invalid_request_error","code":"lock_timeout"}}"#));
        no(response(500, Some(b"false"), b""));
        no(response(409, Some(b"false"), b""));
        yes(response(400, Some(b"true"), b""));
        yes(response(200, Some(b"true"), b""));
        no(response(200, None, b""));
        // Out of retries, whatever the response says.
        assert!(!should_retry(&NO_RESPONSE, 2, 2));
        assert!(!should_retry(&response(400, Some(b"true"), b""), 2, 2));
        assert!(!should_retry(&response(500, None, b""), 0, 0));
        assert!(should_retry(&response(500, None, b""), 1, 2));
    }

    #[test]
    fn sleeps_as_stripe_node_does() {
        let at = |retries, jitter| sleep_time(retries, INITIAL_DELAY, MAX_DELAY, jitter).as_secs_f64();
        // 0.5 * 2^-1 and 0.5 * 2^0, jittered, are below 0.5: clamped up.
        assert_eq!(at(0, 0.0), 0.5);
        assert_eq!(at(0, 0.999), 0.5);
        assert_eq!(at(1, 0.999), 0.5);
        assert_eq!(at(2, 0.0), 0.5);
        assert_eq!(at(2, 0.5), 0.75);
        assert_eq!(at(3, 0.0), 1.0);
        assert_eq!(at(3, 1.0), 2.0);
        assert_eq!(at(4, 1.0), 4.0);
        // Capped at 5 s before the jitter.
        assert_eq!(at(5, 1.0), 5.0);
        assert_eq!(at(5, 0.0), 2.5);
        assert_eq!(at(u32::MAX, 1.0), 5.0);
        for n in 0..100 {
            let d = at(n, jitter());
            assert!((0.5..=5.0).contains(&d), "{n}: {d}");
        }
    }

    #[test]
    fn jitter_is_in_range_and_varies() {
        let values: Vec<f64> = (0..32).map(|_| jitter()).collect();
        assert!(values.iter().all(|j| (0.0..1.0).contains(j)));
        assert!(values.windows(2).any(|w| w[0] != w[1]));
    }

    #[test]
    fn odd_delays_do_not_panic() {
        assert_eq!(sleep_time(3, Duration::ZERO, Duration::ZERO, 0.5), Duration::ZERO);
        assert_eq!(sleep_time(40, Duration::MAX, Duration::MAX, 1.0), Duration::MAX);
        assert_eq!(sleep_time(1, Duration::from_secs(10), MAX_DELAY, 0.0), Duration::from_secs(10));
    }
}
