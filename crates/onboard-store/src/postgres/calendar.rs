//! The release calendar: closed dates and their recorded changes. Every write takes one
//! transaction-scoped advisory lock first, so edits from any server are serialized: a
//! replacement reads the calendar it replaces under the lock, and no edit is lost.

use super::{corrupt, db};
use crate::{calendar_diff, CalendarChange, CalendarChangeKind, Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use onboard_core::calendar::ClosedDate;
use onboard_core::id::UserId;
use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use uuid::Uuid;

async fn begin(pool: &PgPool) -> Result<Transaction<'static, Postgres>> {
    let mut tx = pool.begin().await.map_err(db)?;
    // Two-key form, its own key space (as the other locks); keyed by schema too.
    sqlx::query(
        "SELECT pg_advisory_xact_lock(hashtext('onboard.calendar.' || current_schema()), 0)",
    )
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    Ok(tx)
}

async fn read(conn: &mut PgConnection) -> Result<Vec<ClosedDate>> {
    let rows: Vec<(NaiveDate, String)> =
        sqlx::query_as("SELECT date, reason FROM closed_dates ORDER BY date")
            .fetch_all(conn)
            .await
            .map_err(db)?;
    Ok(rows
        .into_iter()
        .map(|(date, reason)| ClosedDate { date, reason })
        .collect())
}

pub(super) async fn closed_dates(pool: &PgPool) -> Result<Vec<ClosedDate>> {
    let mut conn = pool.acquire().await.map_err(db)?;
    read(&mut conn).await
}

async fn record(
    conn: &mut PgConnection,
    kind: CalendarChangeKind,
    entry: &ClosedDate,
    by: Option<UserId>,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO calendar_changes (at, actor_id, change, date, reason)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(at)
    .bind(by.map(Uuid::from))
    .bind(kind.as_str())
    .bind(entry.date)
    .bind(&entry.reason)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

async fn insert(conn: &mut PgConnection, entry: &ClosedDate) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO closed_dates (date, reason) VALUES ($1, $2) ON CONFLICT (date) DO NOTHING",
    )
    .bind(entry.date)
    .bind(&entry.reason)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn replace(
    pool: &PgPool,
    dates: &[ClosedDate],
    by: Option<UserId>,
    at: DateTime<Utc>,
) -> Result<Vec<ClosedDate>> {
    let mut tx = begin(pool).await?;
    let current = read(&mut tx).await?;
    let (removed, added) = calendar_diff(&current, dates);
    for entry in &removed {
        sqlx::query("DELETE FROM closed_dates WHERE date = $1")
            .bind(entry.date)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        record(&mut tx, CalendarChangeKind::Removed, entry, by, at).await?;
    }
    for entry in &added {
        if !insert(&mut tx, entry).await? {
            return Err(StoreError::Duplicate("closed_date"));
        }
        record(&mut tx, CalendarChangeKind::Added, entry, by, at).await?;
    }
    let after = read(&mut tx).await?;
    tx.commit().await.map_err(db)?;
    Ok(after)
}

pub(super) async fn add(
    pool: &PgPool,
    entry: &ClosedDate,
    by: Option<UserId>,
    at: DateTime<Utc>,
) -> Result<ClosedDate> {
    let mut tx = begin(pool).await?;
    if !insert(&mut tx, entry).await? {
        return Err(StoreError::Duplicate("closed_date"));
    }
    record(&mut tx, CalendarChangeKind::Added, entry, by, at).await?;
    tx.commit().await.map_err(db)?;
    Ok(entry.clone())
}

pub(super) async fn remove(
    pool: &PgPool,
    date: NaiveDate,
    by: Option<UserId>,
    at: DateTime<Utc>,
) -> Result<ClosedDate> {
    let mut tx = begin(pool).await?;
    let reason: Option<String> =
        sqlx::query_scalar("DELETE FROM closed_dates WHERE date = $1 RETURNING reason")
            .bind(date)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
    let entry = ClosedDate {
        date,
        reason: reason.ok_or(StoreError::NotFound)?,
    };
    record(&mut tx, CalendarChangeKind::Removed, &entry, by, at).await?;
    tx.commit().await.map_err(db)?;
    Ok(entry)
}

pub(super) async fn seed(pool: &PgPool, dates: &[ClosedDate], at: DateTime<Utc>) -> Result<bool> {
    if dates.is_empty() {
        return Ok(false);
    }
    let mut tx = begin(pool).await?;
    let changed: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM calendar_changes)")
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
    if changed {
        return Ok(false);
    }
    for entry in dates {
        if insert(&mut tx, entry).await? {
            record(&mut tx, CalendarChangeKind::Added, entry, None, at).await?;
        }
    }
    tx.commit().await.map_err(db)?;
    Ok(true)
}

/// A row of `calendar_changes`: at, actor, change, date, reason.
type ChangeRow = (DateTime<Utc>, Option<Uuid>, String, NaiveDate, String);

pub(super) async fn changes(pool: &PgPool, limit: u32) -> Result<Vec<CalendarChange>> {
    let rows: Vec<ChangeRow> = sqlx::query_as(
        "SELECT at, actor_id, change, date, reason FROM calendar_changes
         ORDER BY seq DESC LIMIT $1",
    )
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.into_iter()
        .map(|(at, actor, kind, date, reason)| {
            Ok(CalendarChange {
                at,
                actor: actor.map(UserId::from),
                kind: CalendarChangeKind::parse(&kind)
                    .ok_or_else(|| corrupt("calendar change kind", &kind))?,
                date,
                reason,
            })
        })
        .collect()
}
