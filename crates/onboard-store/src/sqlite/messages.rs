//! Portal notifications and the e-mail outbox.

use super::codec::{get, get_opt, get_u64, int, opt, Text};
use crate::{Notification, OutboxMessage, OutboxStatus, Result, StoreError};
use chrono::{DateTime, Utc};
use onboard_core::id::{EServiceId, MessageId, NotificationId, UserId};
use onboard_core::notify::{Audience, Notice};
use rusqlite::{params, OptionalExtension, Row, Transaction};
use uuid::Uuid;

/// An account a notice reaches: its id, address and display name.
struct Account {
    id: UserId,
    email: String,
    display_name: String,
}

/// The enabled accounts of an audience. An [`Audience::Address`] has none: it is
/// e-mailed as it is.
fn accounts(tx: &Transaction<'_>, audience: &Audience) -> Result<Vec<Account>> {
    let staff = format!(
        "SELECT id, email, display_name FROM users
         WHERE role IN {} AND disabled = 0 ORDER BY id",
        *crate::flow::STAFF_ROLES
    );
    let (sql, arg) = match audience {
        Audience::Staff => (staff.as_str(), None),
        Audience::Agency(a) => (
            "SELECT id, email, display_name FROM users
             WHERE agency_id = ?1 AND disabled = 0 ORDER BY id",
            Some(a.uuid()),
        ),
        Audience::User(u) => (
            "SELECT id, email, display_name FROM users WHERE id = ?1 AND disabled = 0",
            Some(u.uuid()),
        ),
        Audience::Address { .. } => return Ok(Vec::new()),
    };
    let mut stmt = tx.prepare_cached(sql)?;
    let map = |r: &Row<'_>| {
        Ok(Account {
            id: get(r, 0)?,
            email: r.get(1)?,
            display_name: r.get(2)?,
        })
    };
    let rows = match arg {
        Some(id) => stmt
            .query_map([id.text()], map)?
            .collect::<rusqlite::Result<_>>(),
        None => stmt.query_map([], map)?.collect::<rusqlite::Result<_>>(),
    };
    Ok(rows?)
}

/// Writes `notice` for every account of its audience (one portal notification and one
/// outbox e-mail each), or, for a bare address, one e-mail to it.
pub(super) fn notify(
    tx: &Transaction<'_>,
    notice: &Notice,
    eservice_id: Option<EServiceId>,
    at: DateTime<Utc>,
) -> Result<()> {
    if let Audience::Address { email, name } = &notice.audience {
        let to = Mailbox {
            account: None,
            address: email,
            name,
        };
        return queue_email(tx, &to, notice, eservice_id, at);
    }
    for account in accounts(tx, &notice.audience)? {
        tx.prepare_cached(
            "INSERT INTO notifications
                 (id, recipient, at, kind, eservice_id, title_th, title_en, body_th, body_en)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![
            Uuid::now_v7().text(),
            account.id.text(),
            at.text(),
            notice.kind.text(),
            opt(eservice_id.as_ref()),
            notice.title_th,
            notice.title_en,
            notice.body_th,
            notice.body_en,
        ])?;
        let to = Mailbox {
            account: Some(account.id),
            address: &account.email,
            name: &account.display_name,
        };
        queue_email(tx, &to, notice, eservice_id, at)?;
    }
    Ok(())
}

/// Where one e-mail goes.
pub(super) struct Mailbox<'a> {
    /// The account, if the address is an account's.
    pub account: Option<UserId>,
    /// The address.
    pub address: &'a str,
    /// The name the letter greets.
    pub name: &'a str,
}

/// Writes one e-mail to the outbox, due immediately.
pub(super) fn queue_email(
    tx: &Transaction<'_>,
    to: &Mailbox<'_>,
    notice: &Notice,
    eservice_id: Option<EServiceId>,
    at: DateTime<Utc>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO outbox (id, recipient, to_address, subject, body, secret, kind,
                             eservice_id, created_at, status, attempts, next_attempt_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'pending', 0, ?9)",
    )?
    .execute(params![
        Uuid::now_v7().text(),
        opt(to.account.as_ref()),
        to.address,
        notice.subject(),
        notice.email_body(to.name),
        notice.secret,
        notice.kind.text(),
        opt(eservice_id.as_ref()),
        at.text(),
    ])?;
    Ok(())
}

fn notification_row(r: &Row<'_>) -> rusqlite::Result<Notification> {
    Ok(Notification {
        id: get(r, 0)?,
        recipient: get(r, 1)?,
        at: get(r, 2)?,
        kind: get(r, 3)?,
        eservice_id: get_opt(r, 4)?,
        title_th: r.get(5)?,
        title_en: r.get(6)?,
        body_th: r.get(7)?,
        body_en: r.get(8)?,
        read_at: get_opt(r, 9)?,
    })
}

pub(super) fn notifications(
    tx: &Transaction<'_>,
    user: UserId,
    limit: u32,
) -> Result<Vec<Notification>> {
    let mut stmt = tx.prepare_cached(
        "SELECT id, recipient, at, kind, eservice_id, title_th, title_en, body_th, body_en, read_at
         FROM notifications WHERE recipient = ?1 ORDER BY at DESC, seq DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![user.text(), limit], notification_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn mark_read(
    tx: &Transaction<'_>,
    user: UserId,
    id: NotificationId,
    at: DateTime<Utc>,
) -> Result<()> {
    // Marking twice keeps the first instant.
    let n = tx.execute(
        "UPDATE notifications SET read_at = COALESCE(read_at, ?3) WHERE id = ?1 AND recipient = ?2",
        params![id.text(), user.text(), at.text()],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

const OUTBOX_COLUMNS: &str = "id, to_address, recipient, eservice_id, subject, body, secret, \
                              kind, created_at, status, attempts, next_attempt_at, last_error, \
                              sent_at, failing_since";

/// An outbox message from [`OUTBOX_COLUMNS`] starting at column `at`.
fn outbox_row(r: &Row<'_>, at: usize) -> rusqlite::Result<OutboxMessage> {
    Ok(OutboxMessage {
        id: get(r, at)?,
        to: r.get(at + 1)?,
        recipient: get_opt(r, at + 2)?,
        eservice_id: get_opt(r, at + 3)?,
        subject: r.get(at + 4)?,
        body: r.get(at + 5)?,
        secret: r.get(at + 6)?,
        kind: get(r, at + 7)?,
        created_at: get(r, at + 8)?,
        status: get(r, at + 9)?,
        attempts: u32::try_from(get_u64(r, at + 10)?).unwrap_or(u32::MAX),
        next_attempt_at: get(r, at + 11)?,
        last_error: r.get(at + 12)?,
        sent_at: get_opt(r, at + 13)?,
        failing_since: get_opt(r, at + 14)?,
    })
}

pub(super) fn claim(
    tx: &Transaction<'_>,
    limit: u32,
    now: DateTime<Utc>,
    lease: chrono::Duration,
) -> Result<Vec<OutboxMessage>> {
    let until = now
        .checked_add_signed(lease)
        .ok_or_else(|| StoreError::backend("lease out of range"))?;
    // Pending rows that are due, and claimed rows whose lease has run out. The whole
    // statement runs under the write lock, so two workers never get the same row.
    let mut stmt = tx.prepare_cached(&format!(
        "UPDATE outbox SET status = 'sending', next_attempt_at = ?2, attempts = attempts + 1
         WHERE seq IN (SELECT seq FROM outbox
                       WHERE status IN ('pending', 'sending') AND next_attempt_at <= ?1
                       ORDER BY next_attempt_at, seq LIMIT ?3)
         RETURNING seq, {OUTBOX_COLUMNS}"
    ))?;
    let rows = stmt.query_map(params![now.text(), until.text(), limit], |r| {
        Ok((r.get::<_, i64>(0)?, outbox_row(r, 1)?))
    })?;
    let mut claimed = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    claimed.sort_by_key(|(seq, _)| *seq);
    Ok(claimed.into_iter().map(|(_, m)| m).collect())
}

fn exists(tx: &Transaction<'_>, id: MessageId) -> Result<bool> {
    Ok(tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM outbox WHERE id = ?1)",
        [id.text()],
        |r| r.get(0),
    )?)
}

pub(super) fn mark_sent(tx: &Transaction<'_>, id: MessageId, at: DateTime<Utc>) -> Result<()> {
    let n = tx.execute(
        "UPDATE outbox SET status = 'sent', sent_at = ?2 WHERE id = ?1 AND status <> 'sent'",
        params![id.text(), at.text()],
    )?;
    // Already sent: nothing to do. Unknown: say so.
    if n == 0 && !exists(tx, id)? {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(super) fn mark_failed(
    tx: &Transaction<'_>,
    id: MessageId,
    error: &str,
    failed_at: Option<DateTime<Utc>>,
    retry_at: DateTime<Utc>,
) -> Result<()> {
    // A late failure report never takes back a delivery or a dead letter.
    let n = tx.execute(
        "UPDATE outbox SET status = 'pending', last_error = ?2, next_attempt_at = ?3,
                           failing_since = COALESCE(failing_since, ?4)
         WHERE id = ?1 AND status IN ('pending', 'sending')",
        params![
            id.text(),
            error,
            retry_at.text(),
            failed_at.map(|at| at.text())
        ],
    )?;
    if n == 0 && !exists(tx, id)? {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(super) fn mark_dead(
    tx: &Transaction<'_>,
    id: MessageId,
    error: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    let n = tx.execute(
        "UPDATE outbox SET status = 'failed', last_error = ?2, next_attempt_at = ?3,
                           failing_since = COALESCE(failing_since, ?3)
         WHERE id = ?1 AND status IN ('pending', 'sending')",
        params![id.text(), error, at.text()],
    )?;
    if n == 0 && !exists(tx, id)? {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(super) fn retry(
    tx: &Transaction<'_>,
    id: MessageId,
    at: DateTime<Utc>,
) -> Result<OutboxMessage> {
    // The check and the change in one transaction (the one writer): nobody else moves the
    // e-mail in between.
    let status: Option<OutboxStatus> = tx
        .query_row(
            "SELECT status FROM outbox WHERE id = ?1",
            [id.text()],
            |r| get(r, 0),
        )
        .optional()?;
    let status = status.ok_or(StoreError::NotFound)?;
    onboard_core::outbox::may_retry(status)?;
    let mut stmt = tx.prepare_cached(&format!(
        "UPDATE outbox SET status = 'pending', next_attempt_at = ?2, failing_since = NULL
         WHERE id = ?1 RETURNING {OUTBOX_COLUMNS}"
    ))?;
    Ok(stmt.query_row(params![id.text(), at.text()], |r| outbox_row(r, 0))?)
}

/// The SQL of [`crate::OutboxDepth`]: delivered e-mails are not counted, so the
/// `outbox_due` index (status first) answers it.
pub(super) fn depth(tx: &Transaction<'_>) -> Result<crate::OutboxDepth> {
    let mut stmt = tx.prepare_cached(
        "SELECT status, COUNT(*) FROM outbox WHERE status IN ('pending', 'sending', 'failed')
         GROUP BY status",
    )?;
    let counts = stmt
        .query_map([], |r| Ok((get::<OutboxStatus>(r, 0)?, get_u64(r, 1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let oldest = tx.query_row(
        "SELECT MIN(created_at) FROM outbox WHERE status IN ('pending', 'sending')",
        [],
        |r| get_opt(r, 0),
    )?;
    Ok(crate::OutboxDepth::of(counts, oldest))
}

pub(super) fn outbox(
    tx: &Transaction<'_>,
    status: Option<OutboxStatus>,
    limit: u32,
) -> Result<Vec<OutboxMessage>> {
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE (?1 IS NULL OR status = ?1)
         ORDER BY created_at DESC, seq DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![opt(status.as_ref()), int(u64::from(limit))?], |r| {
        outbox_row(r, 0)
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
