//! The release calendar: closed dates and their recorded changes. Every write runs in the
//! writer's `BEGIN IMMEDIATE` transaction, so edits are serialized and none is lost.

use super::codec::{get, get_opt, opt, Text};
use crate::{calendar_diff, CalendarChange, CalendarChangeKind, Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use onboard_core::calendar::ClosedDate;
use onboard_core::id::UserId;
use rusqlite::{params, OptionalExtension, Transaction};

pub(super) fn closed_dates(tx: &Transaction<'_>) -> Result<Vec<ClosedDate>> {
    let mut stmt = tx.prepare("SELECT date, reason FROM closed_dates ORDER BY date")?;
    let rows = stmt.query_map([], |r| {
        Ok(ClosedDate {
            date: get(r, 0)?,
            reason: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn record(
    tx: &Transaction<'_>,
    kind: CalendarChangeKind,
    entry: &ClosedDate,
    by: Option<UserId>,
    at: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO calendar_changes (at, actor_id, change, date, reason)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            at.text(),
            opt(by.as_ref()),
            kind.as_str(),
            entry.date.text(),
            entry.reason
        ],
    )?;
    Ok(())
}

fn insert(tx: &Transaction<'_>, entry: &ClosedDate) -> Result<bool> {
    Ok(tx.execute(
        "INSERT INTO closed_dates (date, reason) VALUES (?1, ?2) ON CONFLICT (date) DO NOTHING",
        params![entry.date.text(), entry.reason],
    )? == 1)
}

pub(super) fn replace(
    tx: &Transaction<'_>,
    dates: &[ClosedDate],
    by: Option<UserId>,
    at: DateTime<Utc>,
) -> Result<Vec<ClosedDate>> {
    let current = closed_dates(tx)?;
    let (removed, added) = calendar_diff(&current, dates);
    for entry in &removed {
        tx.execute(
            "DELETE FROM closed_dates WHERE date = ?1",
            [entry.date.text()],
        )?;
        record(tx, CalendarChangeKind::Removed, entry, by, at)?;
    }
    for entry in &added {
        if !insert(tx, entry)? {
            return Err(StoreError::Duplicate("closed_date"));
        }
        record(tx, CalendarChangeKind::Added, entry, by, at)?;
    }
    closed_dates(tx)
}

pub(super) fn add(
    tx: &Transaction<'_>,
    entry: &ClosedDate,
    by: Option<UserId>,
    at: DateTime<Utc>,
) -> Result<ClosedDate> {
    if !insert(tx, entry)? {
        return Err(StoreError::Duplicate("closed_date"));
    }
    record(tx, CalendarChangeKind::Added, entry, by, at)?;
    Ok(entry.clone())
}

pub(super) fn remove(
    tx: &Transaction<'_>,
    date: NaiveDate,
    by: Option<UserId>,
    at: DateTime<Utc>,
) -> Result<ClosedDate> {
    let reason: Option<String> = tx
        .query_row(
            "DELETE FROM closed_dates WHERE date = ?1 RETURNING reason",
            [date.text()],
            |r| r.get(0),
        )
        .optional()?;
    let entry = ClosedDate {
        date,
        reason: reason.ok_or(StoreError::NotFound)?,
    };
    record(tx, CalendarChangeKind::Removed, &entry, by, at)?;
    Ok(entry)
}

pub(super) fn seed(tx: &Transaction<'_>, dates: &[ClosedDate], at: DateTime<Utc>) -> Result<bool> {
    let changed: bool =
        tx.query_row("SELECT EXISTS (SELECT 1 FROM calendar_changes)", [], |r| {
            r.get(0)
        })?;
    if changed || dates.is_empty() {
        return Ok(false);
    }
    for entry in dates {
        if insert(tx, entry)? {
            record(tx, CalendarChangeKind::Added, entry, None, at)?;
        }
    }
    Ok(true)
}

pub(super) fn changes(tx: &Transaction<'_>, limit: u32) -> Result<Vec<CalendarChange>> {
    let mut stmt = tx.prepare(
        "SELECT at, actor_id, change, date, reason FROM calendar_changes
         ORDER BY seq DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| {
        let kind: String = r.get(2)?;
        Ok((
            get(r, 0)?,
            get_opt(r, 1)?,
            kind,
            get(r, 3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (at, actor, kind, date, reason) = row?;
        let kind = CalendarChangeKind::parse(&kind)
            .ok_or_else(|| StoreError::backend(format!("corrupt calendar change kind `{kind}`")))?;
        out.push(CalendarChange {
            at,
            actor,
            kind,
            date,
            reason,
        });
    }
    Ok(out)
}
