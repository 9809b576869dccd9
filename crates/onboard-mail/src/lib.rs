//! # onboard-mail
//!
//! Delivery of the e-mail outbox (SPEC §8). Every e-mail is written to the store's outbox in
//! the same transaction as the change that caused it; a [`Worker`] then claims due e-mails,
//! sends each through a [`Mailer`] (in production [`SmtpMailer`], lettre over tokio) and
//! records the outcome:
//!
//! - delivered: [`Outbox::mark_sent`];
//! - failed for now: [`Outbox::mark_failed`] with a retry instant from the [`Backoff`]
//!   schedule (30 s, 1 min, 2 min, … capped at 1 h by default), so a broken SMTP server is
//!   retried without being hammered;
//! - failed for good: [`Outbox::mark_dead`], a dead letter (`failed`) that is not retried
//!   until an admin queues it again (`onboard outbox retry ID`, or the portal's outbox
//!   page).
//!
//! Which one is decided in two halves (SPEC §8). Here, [`MailError::failure`] classifies
//! what lettre reported: a 5xx reply (or a recipient that is no address) is permanent,
//! anything else transient. The rule of what follows lives in the core,
//! `onboard_core::outbox::after_failure`: a permanent failure gives up at once, a
//! transient one once the e-mail has been failing for 24 hours since its first failed try
//! (or since an admin's retry). The worker's clock ([`Worker::with_clock`]) is the one the
//! rule reads, so tests move time instead of sleeping.
//!
//! ## Delivery guarantee: at least once
//!
//! Delivery is **at least once**. A claim holds an e-mail for a lease
//! ([`WorkerConfig::lease`]); while it holds, no other worker (another `onboard serve` on
//! the same PostgreSQL database, say) claims it, and a worker never starts or continues a
//! send once its lease is nearly over. Duplicates are therefore rare, but they remain
//! possible: if the SMTP server accepted a message and the process died (or the database
//! failed) before `mark_sent` was written, the lease runs out and the e-mail is sent again.
//! Each message carries a `Message-ID` derived from its outbox id, so receiving systems
//! that deduplicate by `Message-ID` can drop such a second copy.
//!
//! ```
//! use onboard_mail::Backoff;
//! use std::time::Duration;
//!
//! let backoff = Backoff::default();
//! assert_eq!(backoff.delay(1), Duration::from_secs(30));
//! assert_eq!(backoff.delay(2), Duration::from_secs(60));
//! assert_eq!(backoff.delay(3), Duration::from_secs(120));
//! assert_eq!(backoff.delay(50), Duration::from_secs(3600));
//! ```
//!
//! Running a worker beside a server, and stopping it with the server:
//!
//! ```no_run
//! # async fn run(store: std::sync::Arc<dyn onboard_store::Store>) -> Result<(), onboard_mail::MailError> {
//! use onboard_mail::{SmtpMailer, Worker, WorkerConfig};
//! use std::sync::Arc;
//!
//! let mailer = SmtpMailer::from_url("smtp://127.0.0.1:2525", "ทางรัฐ <onboard@dga.or.th>")?;
//! let worker = Worker::new(store, Arc::new(mailer), WorkerConfig::default()).spawn();
//! // ... serve until a shutdown signal ...
//! worker.stop().await; // finishes the e-mail being sent, then returns
//! # Ok(()) }
//! ```

mod smtp;

pub use smtp::{compose, SmtpMailer};

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use onboard_core::outbox::{after_failure, AfterFailure, Failure};
use onboard_store::{Outbox, OutboxMessage, StoreError};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Why an e-mail could not be sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MailError {
    /// The mailer is misconfigured (bad SMTP URL or sender address).
    #[error("mail configuration: {0}")]
    Config(String),
    /// The e-mail cannot be built, e.g. the recipient address is invalid.
    #[error("invalid message: {0}")]
    Message(String),
    /// The server could not be reached, timed out, or refused for now (4xx).
    #[error("temporary failure: {0}")]
    Transient(String),
    /// The server refused the message (5xx).
    #[error("refused: {0}")]
    Permanent(String),
}

impl MailError {
    /// What this error means for delivery: a refusal (5xx) or a message that cannot be
    /// built (no valid recipient address) will fail the same way every time, so it is
    /// permanent; an unreachable server, a timeout, a 4xx reply or a configuration to fix
    /// may pass, so they are transient.
    pub fn failure(&self) -> Failure {
        match self {
            MailError::Permanent(_) | MailError::Message(_) => Failure::Permanent,
            MailError::Transient(_) | MailError::Config(_) => Failure::Transient,
        }
    }
}

/// Something that delivers one outbox e-mail: [`SmtpMailer`], or a test double.
#[async_trait]
pub trait Mailer: Send + Sync {
    /// Sends `msg`; `Ok` means the receiving server accepted it.
    async fn send(&self, msg: &OutboxMessage) -> Result<(), MailError>;
}

/// Exponential retry delays: `first`, then doubled per attempt, never more than `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The delay after the first failed attempt.
    pub first: Duration,
    /// The longest delay.
    pub max: Duration,
}

impl Default for Backoff {
    /// 30 s, 1 min, 2 min, … capped at 1 hour.
    fn default() -> Self {
        Backoff {
            first: Duration::from_secs(30),
            max: Duration::from_secs(3600),
        }
    }
}

impl Backoff {
    /// The wait after the failure of attempt number `attempts` (1 for the first attempt;
    /// 0 is treated as 1): `first * 2^(attempts - 1)`, at most `max`.
    pub fn delay(&self, attempts: u32) -> Duration {
        let doublings = attempts.saturating_sub(1).min(31);
        self.first
            .checked_mul(1u32 << doublings)
            .unwrap_or(self.max)
            .min(self.max)
    }
}

/// Settings of a [`Worker`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerConfig {
    /// E-mails claimed per round (default 10).
    pub batch: u32,
    /// How long a claim holds an e-mail against other workers (default 5 min).
    pub lease: Duration,
    /// Longest time one send may take before it counts as failed (default 60 s). At most
    /// half the lease is used, so that a send always ends inside its lease.
    pub send_timeout: Duration,
    /// Pause when nothing is due (default 5 s).
    pub poll_interval: Duration,
    /// Retry delays after failures.
    pub backoff: Backoff,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            batch: 10,
            lease: Duration::from_secs(300),
            send_timeout: Duration::from_secs(60),
            poll_interval: Duration::from_secs(5),
            backoff: Backoff::default(),
        }
    }
}

impl WorkerConfig {
    /// The send timeout actually used: never more than half the lease.
    fn effective_send_timeout(&self) -> Duration {
        self.send_timeout.min(self.lease / 2)
    }
}

/// What one round of [`Worker::round`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    /// E-mails claimed.
    pub claimed: usize,
    /// Delivered and marked sent.
    pub sent: usize,
    /// Failed and scheduled for a retry.
    pub failed: usize,
    /// Failed for good: marked `failed` (dead letters), not retried until an admin asks.
    pub dead: usize,
    /// Claimed but not attempted (shutdown, or the lease running out), returned to the
    /// outbox due immediately. The claim still counts in their `attempts`: the store counts
    /// claims, not SMTP conversations.
    pub released: usize,
}

/// The clock a [`Worker`] reads.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Sends the outbox: claims due e-mails, sends them, marks them sent or failed.
pub struct Worker {
    store: Arc<dyn Outbox>,
    mailer: Arc<dyn Mailer>,
    config: WorkerConfig,
    clock: Clock,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// Longest error text stored with an e-mail.
const MAX_ERROR_CHARS: usize = 500;

impl Worker {
    /// A worker over `store` (any [`onboard_store::Store`] is an [`Outbox`]) sending
    /// through `mailer`.
    pub fn new(store: Arc<dyn Outbox>, mailer: Arc<dyn Mailer>, config: WorkerConfig) -> Worker {
        Worker {
            store,
            mailer,
            config,
            clock: Arc::new(Utc::now),
        }
    }

    /// The same worker reading `clock` instead of the system clock: claims, backoff, the
    /// lease and the 24-hour rule all use it.
    pub fn with_clock(self, clock: Clock) -> Worker {
        Worker { clock, ..self }
    }

    fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// Runs [`Worker::run`] on the tokio runtime; the handle stops it.
    pub fn spawn(self) -> WorkerHandle {
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(self.run(stopped));
        WorkerHandle { stop, task }
    }

    /// Delivers until `shutdown` becomes `true` (or its sender is dropped): rounds back to
    /// back while full batches are due, a pause of [`WorkerConfig::poll_interval`] when the
    /// outbox has nothing more due. On shutdown the e-mail being sent is finished and
    /// recorded; the rest of the batch is released. Store errors are logged and retried
    /// after the poll interval: the worker itself never gives up.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        tracing::info!(config = ?self.config, "mail worker started");
        loop {
            if stopping(&shutdown) {
                break;
            }
            let idle = match self.round_until(&shutdown).await {
                Ok(round) => round.claimed < self.config.batch as usize || round.released > 0,
                Err(e) => {
                    tracing::error!(error = %e, "mail worker: outbox unavailable");
                    true
                }
            };
            if idle {
                tokio::select! {
                    () = tokio::time::sleep(self.config.poll_interval) => {}
                    // Err: the sender is gone, which also means stop (checked above).
                    _ = shutdown.changed() => {}
                }
            }
        }
        tracing::info!("mail worker stopped");
    }

    /// One round: claims up to [`WorkerConfig::batch`] due e-mails and delivers them.
    pub async fn round(&self) -> Result<Round, StoreError> {
        let (_keep, never) = watch::channel(false);
        self.round_until(&never).await
    }

    async fn round_until(&self, shutdown: &watch::Receiver<bool>) -> Result<Round, StoreError> {
        let claimed_at = self.now();
        let lease = delta(self.config.lease);
        let messages = self
            .store
            .claim_outbox(self.config.batch, claimed_at, lease)
            .await?;
        let lease_end = claimed_at.checked_add_signed(lease).unwrap_or(claimed_at);
        let send_timeout = self.config.effective_send_timeout();
        let mut round = Round {
            claimed: messages.len(),
            ..Round::default()
        };
        let mut pending = messages.into_iter();
        while let Some(msg) = pending.next() {
            // Start a send only if it can finish within the lease: after the lease, another
            // worker may claim the same e-mail and send it too.
            let reason = if stopping(shutdown) {
                Some("released unsent: worker stopped")
            } else if plus(self.now(), send_timeout) >= lease_end {
                Some("released unsent: lease nearly over")
            } else {
                None
            };
            if let Some(reason) = reason {
                let rest = std::iter::once(msg).chain(pending);
                round.released += self.release(rest, reason).await;
                break;
            }
            let outcome = match tokio::time::timeout(send_timeout, self.mailer.send(&msg)).await {
                Ok(result) => result,
                Err(_) => Err(MailError::Transient(format!(
                    "no answer within {} s",
                    send_timeout.as_secs_f32()
                ))),
            };
            match outcome {
                Ok(()) => {
                    self.store.mark_sent(msg.id, self.now()).await?;
                    tracing::info!(id = %msg.id, kind = msg.kind.as_str(), attempts = msg.attempts, "e-mail sent");
                    round.sent += 1;
                }
                Err(e) => {
                    let now = self.now();
                    let text: String = e.to_string().chars().take(MAX_ERROR_CHARS).collect();
                    match after_failure(e.failure(), msg.failing_since, now) {
                        AfterFailure::Retry { failing_since } => {
                            let retry_at = plus(now, self.config.backoff.delay(msg.attempts));
                            self.store
                                .mark_failed(msg.id, &text, Some(now), retry_at)
                                .await?;
                            tracing::warn!(id = %msg.id, kind = msg.kind.as_str(), attempts = msg.attempts, %retry_at, %failing_since, error = %text, "e-mail not sent; will retry");
                            round.failed += 1;
                        }
                        AfterFailure::GiveUp => {
                            self.store.mark_dead(msg.id, &text, now).await?;
                            tracing::error!(id = %msg.id, kind = msg.kind.as_str(), attempts = msg.attempts, error = %text, "e-mail not sent; given up (failed)");
                            round.dead += 1;
                        }
                    }
                }
            }
        }
        Ok(round)
    }

    /// Returns claimed, unattempted e-mails to the outbox, due now. A store error here is
    /// only logged: the lease returns them anyway when it runs out.
    async fn release(&self, messages: impl Iterator<Item = OutboxMessage>, reason: &str) -> usize {
        let mut released = 0;
        for msg in messages {
            // Not a failed try: the failing window stays as it is.
            match self
                .store
                .mark_failed(msg.id, reason, None, self.now())
                .await
            {
                Ok(()) => released += 1,
                Err(e) => {
                    tracing::warn!(id = %msg.id, error = %e, "e-mail stays claimed until its lease ends");
                }
            }
        }
        released
    }
}

/// A [`Worker`] running on the tokio runtime.
#[derive(Debug)]
pub struct WorkerHandle {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl WorkerHandle {
    /// Asks the worker to stop and waits until it has: the e-mail being sent is finished
    /// and recorded first.
    pub async fn stop(self) {
        // Err: the worker already ended; there is nothing to tell it.
        let _ = self.stop.send(true);
        if let Err(e) = self.task.await {
            tracing::error!(error = %e, "mail worker ended abnormally");
        }
    }
}

fn stopping(shutdown: &watch::Receiver<bool>) -> bool {
    *shutdown.borrow() || shutdown.has_changed().is_err()
}

/// A std duration as chrono's; durations beyond chrono's range (never configured in
/// practice) saturate at a day, which is longer than any sensible lease or backoff.
fn delta(d: Duration) -> TimeDelta {
    TimeDelta::from_std(d).unwrap_or(TimeDelta::days(1))
}

/// `now + delay`, or `now` in the (unconfigurable) case of leaving chrono's range.
fn plus(now: DateTime<Utc>, delay: Duration) -> DateTime<Utc> {
    now.checked_add_signed(delta(delay)).unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_30_seconds_and_caps_at_an_hour() {
        let b = Backoff::default();
        let schedule: Vec<u64> = (1..=10).map(|n| b.delay(n).as_secs()).collect();
        assert_eq!(
            schedule,
            [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]
        );
        assert_eq!(b.delay(0), b.delay(1));
        assert_eq!(b.delay(u32::MAX), Duration::from_secs(3600));
    }

    #[test]
    fn backoff_with_custom_settings() {
        let b = Backoff {
            first: Duration::from_millis(100),
            max: Duration::from_millis(250),
        };
        assert_eq!(b.delay(1), Duration::from_millis(100));
        assert_eq!(b.delay(2), Duration::from_millis(200));
        assert_eq!(b.delay(3), Duration::from_millis(250));
    }

    #[test]
    fn refusals_and_unsendable_messages_are_permanent() {
        let permanent = [
            MailError::Permanent("554 5.7.1 refused".into()),
            MailError::Message("recipient address: invalid".into()),
        ];
        for e in permanent {
            assert_eq!(e.failure(), Failure::Permanent, "{e}");
        }
        let transient = [
            MailError::Transient("451 4.3.0 later".into()),
            MailError::Config("SMTP URL".into()),
        ];
        for e in transient {
            assert_eq!(e.failure(), Failure::Transient, "{e}");
        }
    }

    #[test]
    fn send_timeout_fits_in_the_lease() {
        let config = WorkerConfig {
            lease: Duration::from_secs(10),
            send_timeout: Duration::from_secs(60),
            ..WorkerConfig::default()
        };
        assert_eq!(config.effective_send_timeout(), Duration::from_secs(5));
        assert_eq!(
            WorkerConfig::default().effective_send_timeout(),
            Duration::from_secs(60)
        );
    }
}
