//! A profile's politeness rate: requests a second to one host, which may be below one (`0.5` is
//! one request every 2 s). Integers, as the bundled profiles write them, are rates too.
//!
//! What must stay true: a `Rate` is finite and at least one request a day, so its period
//! ([`Rate::period`]) is a real, nonzero duration a rate limiter can be built from.

use std::time::Duration;

use serde::Deserialize;

/// The slowest rate a profile may ask for: one request a day.
const SLOWEST: f64 = 1.0 / 86_400.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate(f64);

// A `Rate` is never NaN (see `per_second`), so equality is an equivalence.
impl Eq for Rate {}

impl Rate {
    /// `requests` a second, if it is a number from one a day upwards.
    pub fn per_second(requests: f64) -> Result<Rate, String> {
        if requests.is_finite() && requests >= SLOWEST {
            Ok(Rate(requests))
        } else {
            Err(format!(
                "requests_per_second {requests} is not a number from 1/86400 (one a day) upwards"
            ))
        }
    }

    pub fn requests_per_second(self) -> f64 {
        self.0
    }

    /// The time between two requests: at least a nanosecond, however fast the rate.
    pub fn period(self) -> Duration {
        Duration::from_secs_f64(1.0 / self.0).max(Duration::from_nanos(1))
    }
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Rate::per_second(f64::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_below_one_is_a_period_of_seconds() {
        assert_eq!(
            Rate::per_second(0.5).unwrap().period(),
            Duration::from_secs(2)
        );
        assert_eq!(
            Rate::per_second(2.0).unwrap().period(),
            Duration::from_millis(500)
        );
        assert_eq!(
            Rate::per_second(1e12).unwrap().period(),
            Duration::from_nanos(1)
        );
        for refused in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e-9] {
            let error = Rate::per_second(refused).unwrap_err();
            assert!(error.contains("not a number from 1/86400"), "{error}");
        }
    }
}
