use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// A point in time, as Stripe sends it: whole seconds since the Unix epoch (UTC).
///
/// On the wire it is a plain integer (`"created": 1692144000`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The timestamp `secs` seconds after the Unix epoch (negative: before it).
    pub const fn from_unix_seconds(secs: i64) -> Self {
        Timestamp(secs)
    }

    /// Seconds since the Unix epoch, as sent on the wire.
    pub const fn unix_seconds(self) -> i64 {
        self.0
    }

    /// The same instant as a [`SystemTime`].
    pub fn to_system_time(self) -> SystemTime {
        let magnitude = Duration::from_secs(self.0.unsigned_abs());
        if self.0 >= 0 {
            UNIX_EPOCH + magnitude
        } else {
            UNIX_EPOCH - magnitude
        }
    }
}

impl From<i64> for Timestamp {
    fn from(secs: i64) -> Self {
        Timestamp(secs)
    }
}

impl From<Timestamp> for i64 {
    fn from(ts: Timestamp) -> Self {
        ts.0
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_encodes_as_integer() {
        let ts: Timestamp = serde_json::from_str("1234567890").unwrap();
        assert_eq!(ts.unix_seconds(), 1_234_567_890);
        assert_eq!(serde_json::to_string(&ts).unwrap(), "1234567890");
    }

    #[test]
    fn converts_to_system_time_on_both_sides_of_the_epoch() {
        let after = Timestamp::from_unix_seconds(10).to_system_time();
        assert_eq!(after.duration_since(UNIX_EPOCH).unwrap(), Duration::from_secs(10));
        let before = Timestamp::from_unix_seconds(-10).to_system_time();
        assert_eq!(UNIX_EPOCH.duration_since(before).unwrap(), Duration::from_secs(10));
    }
}
