//! The outbox's dead letters (SPEC §8, §14): an admin queues a failed e-mail again, from
//! the portal's outbox page or `onboard outbox retry ID`. When delivery gives up is the
//! core's rule (`onboard_core::outbox::after_failure`), applied by the delivery worker.

use crate::accounts::Administrator;
use crate::AppResult;
use chrono::{DateTime, Utc};
use onboard_core::id::MessageId;
use onboard_store::{OutboxMessage, Store};

/// Queues the failed e-mail `id` again at `now`: it is due at once, keeps its attempts and
/// last error, and gets a new 24 hours before delivery gives up again. Answers the e-mail
/// as stored (secrets included: front ends show [`OutboxMessage::redacted`]).
/// `StoreError::NotFailed` (with the e-mail's status, and nothing changed) when it is not
/// failed, `StoreError::NotFound` when there is no such e-mail.
pub async fn retry(
    store: &dyn Store,
    by: &Administrator,
    id: MessageId,
    now: DateTime<Utc>,
) -> AppResult<OutboxMessage> {
    let queued = store.retry_outbox(id, now).await?;
    tracing::info!(email = %queued.id, kind = queued.kind.as_str(), attempts = queued.attempts, by = ?by.account(), "failed e-mail queued again");
    Ok(queued)
}
