//! The one settle policy of both transports: given what a handler returned and how often the
//! message was tried, whether to ack it, try it again after a delay, or give up on it.
//!
//! The broker asks it for every delivery (its retries wait in the delay tiers); the embedded
//! mode asks it in its retry loop (its retries wait in process). Keeping the decision here is
//! what keeps the two alike: a permanent error is given up at once, a retryable one is tried
//! again once per delay and then given up as `retryable`, and a panic, which
//! [`crate::transport::catch_panic`] has made a permanent error, is given up like one.
//! What "giving up" does (a dead letter, a row in `failures`) is the transport's part.

use std::fmt;
use std::time::Duration;

use crate::error::StageError;

/// How often a retryable failure is tried again, and how long each retry waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait before each retry, the first retry's first: as many retries as delays.
    delays: Vec<Duration>,
    /// Give up on a message delivered this often whatever retries are left: the broker's
    /// delivery limit, reached without retries only by a crash loop.
    max_deliveries: Option<u32>,
}

/// How far a message has come: the retries already made and the deliveries, this one included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    pub retries: u32,
    pub deliveries: u32,
}

/// What a transport does with a message once its handler has run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settlement {
    /// Handled: its effect is durable, ack it.
    Ack,
    /// Try it again after `delay`; `retry` counts the retries from 1 (the broker's delay tier).
    Retry {
        retry: u32,
        delay: Duration,
        reason: String,
    },
    /// Never try it again: dead-letter it, or record it as a failure.
    GiveUp(GiveUp),
}

/// Why a message was given up: `kind` is `permanent`, or `retryable` when retries ran out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GiveUp {
    pub kind: &'static str,
    pub reason: String,
}

impl GiveUp {
    /// A message that can never succeed, such as one that cannot be decoded.
    pub fn permanent(reason: impl Into<String>) -> GiveUp {
        GiveUp {
            kind: "permanent",
            reason: reason.into(),
        }
    }

    /// Whether it was given up for running out of retries rather than for a permanent error.
    pub fn retries_exhausted(&self) -> bool {
        self.kind == "retryable"
    }
}

/// As a [`StageError`] prints: the kind, then the reason.
impl fmt::Display for GiveUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.reason)
    }
}

impl Attempt {
    /// A message's first delivery, before any retry.
    pub fn first() -> Attempt {
        Attempt {
            retries: 0,
            deliveries: 1,
        }
    }

    /// The attempt after a retry.
    pub fn retried(self) -> Attempt {
        Attempt {
            retries: self.retries + 1,
            deliveries: self.deliveries + 1,
        }
    }
}

impl RetryPolicy {
    /// One retry per delay, with no limit on deliveries.
    pub fn new(delays: Vec<Duration>) -> RetryPolicy {
        RetryPolicy {
            delays,
            max_deliveries: None,
        }
    }

    /// `retries` retries, the first after `first_delay` and each after twice the last.
    pub fn doubling(retries: u32, first_delay: Duration) -> RetryPolicy {
        RetryPolicy::new((0..retries).map(|k| first_delay * 2u32.pow(k)).collect())
    }

    /// Gives up on a message once it has been delivered `max_deliveries` times.
    pub fn with_max_deliveries(self, max_deliveries: u32) -> RetryPolicy {
        RetryPolicy {
            max_deliveries: Some(max_deliveries),
            ..self
        }
    }

    /// Settles `attempt` of a message whose handler returned `handled`.
    pub fn settle(&self, handled: Result<(), StageError>, attempt: Attempt) -> Settlement {
        let error = match handled {
            Ok(()) => return Settlement::Ack,
            Err(StageError::Permanent(error)) => {
                return Settlement::GiveUp(GiveUp::permanent(format!("{error:#}")));
            }
            Err(StageError::Retryable(error)) => error,
        };
        let reason = format!("{error:#}");
        let delay = self.delays.get(attempt.retries as usize);
        let delivered_too_often = self
            .max_deliveries
            .is_some_and(|max| attempt.deliveries >= max);
        match delay {
            Some(&delay) if !delivered_too_often => Settlement::Retry {
                retry: attempt.retries + 1,
                delay,
                reason,
            },
            _ => Settlement::GiveUp(GiveUp {
                kind: "retryable",
                reason,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::catch_panic;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn retryable(text: &str) -> Result<(), StageError> {
        Err(StageError::retryable(anyhow::anyhow!("{text}")))
    }

    #[test]
    fn success_is_acked_whatever_came_before() {
        let policy = RetryPolicy::new(vec![ms(200)]).with_max_deliveries(2);
        for attempt in [Attempt::first(), Attempt::first().retried().retried()] {
            assert_eq!(policy.settle(Ok(()), attempt), Settlement::Ack);
        }
    }

    #[test]
    fn a_permanent_error_is_given_up_at_once_with_its_whole_chain() {
        let policy = RetryPolicy::new(vec![ms(200), ms(400)]);
        let error = anyhow::anyhow!("no known layout").context("parsing http://paper.test/1.htm");
        assert_eq!(
            policy.settle(Err(StageError::permanent(error)), Attempt::first()),
            Settlement::GiveUp(GiveUp {
                kind: "permanent",
                reason: "parsing http://paper.test/1.htm: no known layout".into(),
            })
        );
    }

    #[test]
    fn a_retryable_error_waits_each_delay_in_turn_then_is_given_up() {
        let policy = RetryPolicy::new(vec![ms(200), ms(400), ms(600)]);
        let mut attempt = Attempt::first();
        for (retry, delay) in [(1, ms(200)), (2, ms(400)), (3, ms(600))] {
            assert_eq!(
                policy.settle(retryable("timed out"), attempt),
                Settlement::Retry {
                    retry,
                    delay,
                    reason: "timed out".into()
                }
            );
            attempt = attempt.retried();
        }
        let Settlement::GiveUp(give_up) = policy.settle(retryable("timed out"), attempt) else {
            panic!("not given up after the last delay");
        };
        assert!(give_up.retries_exhausted());
        assert_eq!(give_up.to_string(), "retryable: timed out");
    }

    #[test]
    fn a_message_delivered_too_often_is_given_up_with_retries_left() {
        let policy = RetryPolicy::new(vec![ms(200), ms(400)]).with_max_deliveries(5);
        let crash_loop = Attempt {
            retries: 0,
            deliveries: 5,
        };
        let settled = policy.settle(retryable("broker gone"), crash_loop);
        assert!(matches!(settled, Settlement::GiveUp(ref g) if g.retries_exhausted()));
        let earlier = Attempt {
            retries: 0,
            deliveries: 4,
        };
        assert!(matches!(
            policy.settle(retryable("broker gone"), earlier),
            Settlement::Retry { retry: 1, .. }
        ));
    }

    #[test]
    fn doubling_delays_start_at_the_first_and_double() {
        let policy = RetryPolicy::doubling(3, ms(400));
        assert_eq!(policy, RetryPolicy::new(vec![ms(400), ms(800), ms(1600)]));
        assert_eq!(
            RetryPolicy::doubling(0, ms(400)),
            RetryPolicy::new(Vec::new())
        );
    }

    #[tokio::test]
    async fn a_panicking_handler_is_given_up_as_permanent() {
        let policy = RetryPolicy::new(vec![ms(200)]);
        let handled = catch_panic(async { panic!("poisoned date 2024-03-02") }).await;
        assert_eq!(
            policy.settle(handled, Attempt::first()),
            Settlement::GiveUp(GiveUp::permanent(
                "handler panicked: poisoned date 2024-03-02"
            ))
        );
    }
}
