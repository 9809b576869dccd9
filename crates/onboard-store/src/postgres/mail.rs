//! Notifications and the e-mail outbox (SPEC §8).

use super::{corrupt, db, to_u64};
use crate::{Notification, OutboxMessage, OutboxStatus, Result, StoreError};
use chrono::{DateTime, Utc};
use onboard_core::id::{EServiceId, MessageId, NotificationId, UserId};
use onboard_core::notify::{Notice, NoticeKind};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

fn kind_from(s: &str) -> Result<NoticeKind> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|e| corrupt("notice kind", e))
}

fn status_from(s: &str) -> Result<OutboxStatus> {
    OutboxStatus::parse(s).ok_or_else(|| corrupt("outbox status", s))
}

/// Queues one e-mail to an account's address without a portal notification (the welcome
/// e-mail), greeting `name`.
pub(super) async fn queue_email(
    conn: &mut PgConnection,
    account: UserId,
    to: &str,
    name: &str,
    notice: &Notice,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO outbox (id, recipient, to_address, subject, body, secret, kind, \
             created_at, status, next_attempt_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $8)",
    )
    .bind(Uuid::now_v7())
    .bind(account.uuid())
    .bind(to)
    .bind(notice.subject())
    .bind(notice.email_body(name))
    .bind(&notice.secret)
    .bind(notice.kind.as_str())
    .bind(at)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct NotificationRow {
    id: Uuid,
    recipient: Uuid,
    at: DateTime<Utc>,
    kind: String,
    eservice_id: Option<Uuid>,
    title_th: String,
    title_en: String,
    body_th: String,
    body_en: String,
    read_at: Option<DateTime<Utc>>,
}

pub(super) async fn notifications(
    pool: &PgPool,
    user: UserId,
    limit: u32,
) -> Result<Vec<Notification>> {
    let rows: Vec<NotificationRow> = sqlx::query_as(
        "SELECT id, recipient, at, kind, eservice_id, title_th, title_en, body_th, body_en, \
             read_at \
         FROM notifications WHERE recipient = $1 ORDER BY at DESC, seq DESC LIMIT $2",
    )
    .bind(user.uuid())
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.into_iter()
        .map(|r| {
            Ok(Notification {
                id: NotificationId::from(r.id),
                recipient: UserId::from(r.recipient),
                at: r.at,
                kind: kind_from(&r.kind)?,
                eservice_id: r.eservice_id.map(EServiceId::from),
                title_th: r.title_th,
                title_en: r.title_en,
                body_th: r.body_th,
                body_en: r.body_en,
                read_at: r.read_at,
            })
        })
        .collect()
}

pub(super) async fn mark_notification_read(
    pool: &PgPool,
    user: UserId,
    id: NotificationId,
    at: DateTime<Utc>,
) -> Result<()> {
    // Reading twice keeps the first instant.
    let done = sqlx::query(
        "UPDATE notifications SET read_at = COALESCE(read_at, $3) WHERE id = $2 AND recipient = $1",
    )
    .bind(user.uuid())
    .bind(id.uuid())
    .bind(at)
    .execute(pool)
    .await
    .map_err(db)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

const OUTBOX_COLUMNS: &str = "id, to_address, recipient, eservice_id, subject, body, secret, \
     kind, created_at, status, attempts, next_attempt_at, last_error, sent_at, seq, \
     failing_since";

#[derive(sqlx::FromRow)]
struct OutboxRow {
    id: Uuid,
    to_address: String,
    recipient: Option<Uuid>,
    eservice_id: Option<Uuid>,
    subject: String,
    body: String,
    secret: Option<String>,
    kind: String,
    created_at: DateTime<Utc>,
    status: String,
    attempts: i32,
    next_attempt_at: DateTime<Utc>,
    last_error: Option<String>,
    sent_at: Option<DateTime<Utc>>,
    seq: i64,
    failing_since: Option<DateTime<Utc>>,
}

impl OutboxRow {
    fn message(self) -> Result<OutboxMessage> {
        Ok(OutboxMessage {
            id: MessageId::from(self.id),
            to: self.to_address,
            recipient: self.recipient.map(UserId::from),
            eservice_id: self.eservice_id.map(EServiceId::from),
            subject: self.subject,
            body: self.body,
            secret: self.secret,
            kind: kind_from(&self.kind)?,
            created_at: self.created_at,
            status: status_from(&self.status)?,
            attempts: u32::try_from(to_u64(i64::from(self.attempts))).unwrap_or(u32::MAX),
            next_attempt_at: self.next_attempt_at,
            last_error: self.last_error,
            sent_at: self.sent_at,
            failing_since: self.failing_since,
        })
    }
}

pub(super) async fn claim_outbox(
    pool: &PgPool,
    limit: u32,
    now: DateTime<Utc>,
    lease: chrono::Duration,
) -> Result<Vec<OutboxMessage>> {
    // A `sending` row whose lease ran out (its worker died) is due again. SKIP LOCKED: a
    // row another worker is claiming right now is left to it.
    let mut rows: Vec<OutboxRow> = sqlx::query_as(&format!(
        "UPDATE outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = $3 \
         WHERE id IN ( \
             SELECT id FROM outbox \
             WHERE status IN ('pending', 'sending') AND next_attempt_at <= $1 \
             ORDER BY created_at, seq LIMIT $2 FOR UPDATE SKIP LOCKED) \
         RETURNING {OUTBOX_COLUMNS}"
    ))
    .bind(now)
    .bind(i64::from(limit))
    .bind(now + lease)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.sort_by_key(|r| (r.created_at, r.seq));
    rows.into_iter().map(OutboxRow::message).collect()
}

pub(super) async fn mark_sent(pool: &PgPool, id: MessageId, at: DateTime<Utc>) -> Result<()> {
    let done = sqlx::query(
        "UPDATE outbox SET status = 'sent', sent_at = $2 WHERE id = $1 AND status <> 'sent'",
    )
    .bind(id.uuid())
    .bind(at)
    .execute(pool)
    .await
    .map_err(db)?;
    // Already sent: nothing to do. Unknown: say so.
    if done.rows_affected() == 0 && !exists(pool, id).await? {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(super) async fn mark_failed(
    pool: &PgPool,
    id: MessageId,
    error: &str,
    failed_at: Option<DateTime<Utc>>,
    retry_at: DateTime<Utc>,
) -> Result<()> {
    // A late failure report never takes back a delivery or a dead letter.
    let done = sqlx::query(
        "UPDATE outbox SET status = 'pending', last_error = $2, next_attempt_at = $3, \
             failing_since = COALESCE(failing_since, $4) \
         WHERE id = $1 AND status IN ('pending', 'sending')",
    )
    .bind(id.uuid())
    .bind(error)
    .bind(retry_at)
    .bind(failed_at)
    .execute(pool)
    .await
    .map_err(db)?;
    if done.rows_affected() == 0 && !exists(pool, id).await? {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(super) async fn mark_dead(
    pool: &PgPool,
    id: MessageId,
    error: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE outbox SET status = 'failed', last_error = $2, next_attempt_at = $3, \
             failing_since = COALESCE(failing_since, $3) \
         WHERE id = $1 AND status IN ('pending', 'sending')",
    )
    .bind(id.uuid())
    .bind(error)
    .bind(at)
    .execute(pool)
    .await
    .map_err(db)?;
    if done.rows_affected() == 0 && !exists(pool, id).await? {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(super) async fn retry_outbox(
    pool: &PgPool,
    id: MessageId,
    at: DateTime<Utc>,
) -> Result<OutboxMessage> {
    // The row is locked between the check and the change, so a worker's late report or a
    // second admin's retry waits and then sees the new status.
    let mut tx = pool.begin().await.map_err(db)?;
    let status: Option<String> =
        sqlx::query_scalar("SELECT status FROM outbox WHERE id = $1 FOR UPDATE")
            .bind(id.uuid())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
    let status = status_from(&status.ok_or(StoreError::NotFound)?)?;
    if let Err(refused) = onboard_core::outbox::may_retry(status) {
        // Unlocked now: a dropped transaction is rolled back only when its connection is
        // next used, and until then a worker's claim (SKIP LOCKED) would pass the e-mail by.
        tx.rollback().await.map_err(db)?;
        return Err(refused.into());
    }
    let row: OutboxRow = sqlx::query_as(&format!(
        "UPDATE outbox SET status = 'pending', next_attempt_at = $2, failing_since = NULL \
         WHERE id = $1 RETURNING {OUTBOX_COLUMNS}"
    ))
    .bind(id.uuid())
    .bind(at)
    .fetch_one(&mut *tx)
    .await
    .map_err(db)?;
    tx.commit().await.map_err(db)?;
    row.message()
}

async fn exists(pool: &PgPool, id: MessageId) -> Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM outbox WHERE id = $1)")
        .bind(id.uuid())
        .fetch_one(pool)
        .await
        .map_err(db)
}

/// The SQL of [`crate::OutboxDepth`]; the partial index `outbox_due` holds the unsent.
pub(super) async fn depth(pool: &PgPool) -> Result<crate::OutboxDepth> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, COUNT(*) FROM outbox WHERE status IN ('pending', 'sending', 'failed') \
         GROUP BY status",
    )
    .fetch_all(pool)
    .await
    .map_err(db)?;
    let counts = rows
        .into_iter()
        .map(|(status, n)| Ok((status_from(&status)?, u64::try_from(n).unwrap_or(0))))
        .collect::<Result<Vec<_>>>()?;
    let (oldest,): (Option<DateTime<Utc>>,) =
        sqlx::query_as("SELECT MIN(created_at) FROM outbox WHERE status IN ('pending', 'sending')")
            .fetch_one(pool)
            .await
            .map_err(db)?;
    Ok(crate::OutboxDepth::of(counts, oldest))
}

pub(super) async fn outbox(
    pool: &PgPool,
    status: Option<OutboxStatus>,
    limit: u32,
) -> Result<Vec<OutboxMessage>> {
    let rows: Vec<OutboxRow> = sqlx::query_as(&format!(
        "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE ($1::text IS NULL OR status = $1) \
         ORDER BY created_at DESC, seq DESC LIMIT $2"
    ))
    .bind(status.map(OutboxStatus::as_str))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.into_iter().map(OutboxRow::message).collect()
}
