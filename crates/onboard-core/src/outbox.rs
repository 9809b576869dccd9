//! The rules of e-mail delivery (SPEC §8): the statuses of an outbox e-mail with their
//! labels, when delivery gives up (a dead letter), and who may be queued again.
//!
//! The delivery worker (`onboard-mail`) classifies what went wrong as a [`Failure`] (it
//! knows its SMTP library's errors: a 5xx reply is [`Failure::Permanent`]); the decision of
//! what follows is [`after_failure`], here, so the worker, the store and the front ends agree.
//!
//! ```
//! use chrono::{TimeDelta, TimeZone, Utc};
//! use onboard_core::outbox::{after_failure, AfterFailure, Failure};
//!
//! let first = Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).unwrap();
//! // A first transient failure opens the 24-hour window.
//! assert_eq!(after_failure(Failure::Transient, None, first), AfterFailure::Retry { failing_since: first });
//! // Still failing 23 hours later: try again, the window unchanged.
//! let later = first + TimeDelta::hours(23);
//! assert_eq!(after_failure(Failure::Transient, Some(first), later), AfterFailure::Retry { failing_since: first });
//! // 24 hours after the first failure: give up.
//! let day = first + TimeDelta::hours(24);
//! assert_eq!(after_failure(Failure::Transient, Some(first), day), AfterFailure::GiveUp);
//! // A permanent refusal (SMTP 5xx) gives up at once.
//! assert_eq!(after_failure(Failure::Permanent, None, first), AfterFailure::GiveUp);
//! ```

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// Delivery state of an outbox e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatus {
    /// Waiting (or waiting for a retry).
    Pending,
    /// Claimed by a worker whose lease has not expired.
    Sending,
    /// Delivered.
    Sent,
    /// Given up (a dead letter): refused permanently, or failing for [`GIVE_UP_AFTER`].
    /// Only an admin's retry ([`may_retry`]) queues it again.
    Failed,
}

impl OutboxStatus {
    /// Every status, in the order of a delivery.
    pub const ALL: [OutboxStatus; 4] = [
        OutboxStatus::Pending,
        OutboxStatus::Sending,
        OutboxStatus::Sent,
        OutboxStatus::Failed,
    ];

    /// The stored and serialized name (`failed`).
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Pending => "pending",
            OutboxStatus::Sending => "sending",
            OutboxStatus::Sent => "sent",
            OutboxStatus::Failed => "failed",
        }
    }

    /// The status named `name` ([`OutboxStatus::as_str`]).
    pub fn parse(name: &str) -> Option<OutboxStatus> {
        OutboxStatus::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// Thai label, as the portal shows it.
    pub fn title_th(self) -> &'static str {
        match self {
            OutboxStatus::Pending => "รอส่ง",
            OutboxStatus::Sending => "กำลังส่ง",
            OutboxStatus::Sent => "ส่งแล้ว",
            OutboxStatus::Failed => "ส่งไม่สำเร็จ",
        }
    }

    /// English label.
    pub fn title_en(self) -> &'static str {
        match self {
            OutboxStatus::Pending => "pending",
            OutboxStatus::Sending => "being sent",
            OutboxStatus::Sent => "sent",
            OutboxStatus::Failed => "failed",
        }
    }
}

/// How long an e-mail may keep failing before delivery gives up: 24 hours from its first
/// failed try (or from the admin's retry that queued it again).
pub const GIVE_UP_AFTER: TimeDelta = TimeDelta::hours(24);

/// What went wrong with one try, as the delivery worker classifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The receiving server refused for good (an SMTP 5xx reply), or the e-mail can never
    /// be sent as it is (no valid recipient address): trying again cannot help.
    Permanent,
    /// Anything that may pass: no connection, a timeout, a 4xx reply.
    Transient,
}

/// What delivery does after a failed try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Try again later (after the worker's backoff); the e-mail has been failing since
    /// `failing_since` (the start of its window, to be stored with it).
    Retry {
        /// The first failed try of the current window.
        failing_since: DateTime<Utc>,
    },
    /// Give up: the e-mail becomes [`OutboxStatus::Failed`].
    GiveUp,
}

/// The rule of SPEC §8: a [`Failure::Permanent`] gives up at once; a transient one gives up
/// once the e-mail has been failing for [`GIVE_UP_AFTER`] since `failing_since` (its first
/// failed try, or the retry that queued it again; `None` when this is the first failure, so
/// the window opens `now`), and is retried otherwise.
pub fn after_failure(
    failure: Failure,
    failing_since: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> AfterFailure {
    let since = failing_since.unwrap_or(now);
    match failure {
        Failure::Permanent => AfterFailure::GiveUp,
        Failure::Transient if now.signed_duration_since(since) >= GIVE_UP_AFTER => {
            AfterFailure::GiveUp
        }
        Failure::Transient => AfterFailure::Retry {
            failing_since: since,
        },
    }
}

/// Whether an e-mail in `status` may be queued again by an admin: only a failed one (a
/// pending or sending e-mail is already on its way; a sent one arrived).
pub fn may_retry(status: OutboxStatus) -> Result<(), NotFailed> {
    match status {
        OutboxStatus::Failed => Ok(()),
        status => Err(NotFailed { status }),
    }
}

/// An admin's retry of an e-mail that is not [`OutboxStatus::Failed`]: nothing changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("only a failed e-mail can be queued again; this one is {}", .status.title_en())]
pub struct NotFailed {
    /// The e-mail's status at the time of the retry.
    pub status: OutboxStatus,
}

impl NotFailed {
    /// The reason in Thai, for the portal's notice and the CLI.
    pub fn detail_th(&self) -> String {
        let now = match self.status {
            OutboxStatus::Sent => "อีเมลนี้ส่งถึงผู้รับแล้ว",
            OutboxStatus::Pending | OutboxStatus::Sending => "อีเมลนี้อยู่ระหว่างการส่ง ระบบจะส่งให้อัตโนมัติ",
            OutboxStatus::Failed => "อีเมลนี้ส่งไม่สำเร็จ",
        };
        format!(
            "ส่งใหม่ได้เฉพาะอีเมลที่ส่งไม่สำเร็จ {now} (สถานะ: {})",
            self.status.title_th()
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hours: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).unwrap() + TimeDelta::hours(hours)
    }

    #[test]
    fn transient_failures_give_up_at_24_hours_exactly() {
        let since = at(0);
        for h in 0..24 {
            assert_eq!(
                after_failure(Failure::Transient, Some(since), at(h)),
                AfterFailure::Retry {
                    failing_since: since
                },
                "{h} h"
            );
        }
        let just_before = at(24) - TimeDelta::nanoseconds(1);
        assert!(matches!(
            after_failure(Failure::Transient, Some(since), just_before),
            AfterFailure::Retry { .. }
        ));
        assert_eq!(
            after_failure(Failure::Transient, Some(since), at(24)),
            AfterFailure::GiveUp
        );
        assert_eq!(
            after_failure(Failure::Transient, Some(since), at(100)),
            AfterFailure::GiveUp
        );
    }

    #[test]
    fn permanent_failures_give_up_whatever_the_window() {
        for since in [None, Some(at(0)), Some(at(-30))] {
            assert_eq!(
                after_failure(Failure::Permanent, since, at(0)),
                AfterFailure::GiveUp
            );
        }
    }

    #[test]
    fn only_failed_emails_are_retried() {
        assert_eq!(may_retry(OutboxStatus::Failed), Ok(()));
        for status in [
            OutboxStatus::Pending,
            OutboxStatus::Sending,
            OutboxStatus::Sent,
        ] {
            let refused = may_retry(status).unwrap_err();
            assert_eq!(refused.status, status);
            assert!(refused
                .detail_th()
                .starts_with("ส่งใหม่ได้เฉพาะอีเมลที่ส่งไม่สำเร็จ"));
            assert!(refused.detail_th().contains(status.title_th()));
        }
        assert!(NotFailed {
            status: OutboxStatus::Sent
        }
        .to_string()
        .contains("sent"));
    }

    #[test]
    fn names_round_trip_and_match_serde() {
        for s in OutboxStatus::ALL {
            assert_eq!(OutboxStatus::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::Value::String(s.as_str().into())
            );
        }
        assert_eq!(OutboxStatus::Failed.title_th(), "ส่งไม่สำเร็จ");
        assert_eq!(OutboxStatus::parse("lost"), None);
    }
}
