//! How values are written to and read from TEXT columns (see the conventions at the top of
//! the migration).

use crate::{OutboxStatus, StoreError};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use onboard_core::file::MediaType;
use onboard_core::id::{
    AgencyId, EServiceId, FileId, MessageId, NotificationId, TemplateId, UserId,
};
use onboard_core::notify::NoticeKind;
use onboard_core::reference::{Role, Step, StepStatus};
use rusqlite::types::Type;
use rusqlite::Row;
use uuid::Uuid;

/// A value stored as TEXT.
pub(super) trait Text: Sized {
    /// The stored form.
    fn text(&self) -> String;
    /// Parses the stored form.
    fn parse(s: &str) -> Result<Self, String>;
}

impl Text for Uuid {
    fn text(&self) -> String {
        self.hyphenated().to_string()
    }
    fn parse(s: &str) -> Result<Self, String> {
        Uuid::parse_str(s).map_err(|e| e.to_string())
    }
}

/// Typed ids are stored as their UUID's text.
macro_rules! ids {
    ($($t:ty),+) => {$(
        impl Text for $t {
            fn text(&self) -> String {
                self.uuid().text()
            }
            fn parse(s: &str) -> Result<Self, String> {
                Uuid::parse(s).map(<$t>::from)
            }
        }
    )+};
}
ids!(
    AgencyId,
    UserId,
    EServiceId,
    FileId,
    NotificationId,
    MessageId,
    TemplateId
);

/// Fixed width with nanoseconds, so that comparing the text compares the instants.
impl Text for DateTime<Utc> {
    fn text(&self) -> String {
        self.to_rfc3339_opts(SecondsFormat::Nanos, true)
    }
    fn parse(s: &str) -> Result<Self, String> {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| e.to_string())
    }
}

impl Text for NaiveDate {
    fn text(&self) -> String {
        self.format("%Y-%m-%d").to_string()
    }
    fn parse(s: &str) -> Result<Self, String> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| e.to_string())
    }
}

macro_rules! named {
    ($($t:ty),+) => {$(
        impl Text for $t {
            fn text(&self) -> String {
                self.as_str().to_owned()
            }
            fn parse(s: &str) -> Result<Self, String> {
                s.parse().map_err(|e: onboard_core::reference::UnknownName| e.to_string())
            }
        }
    )+};
}
named!(Step, StepStatus, Role);

impl Text for MediaType {
    fn text(&self) -> String {
        self.mime().to_owned()
    }
    fn parse(s: &str) -> Result<Self, String> {
        s.parse()
            .map_err(|e: onboard_core::reference::UnknownName| e.to_string())
    }
}

impl Text for NoticeKind {
    fn text(&self) -> String {
        self.as_str().to_owned()
    }
    fn parse(s: &str) -> Result<Self, String> {
        serde_json::from_value(serde_json::Value::String(s.to_owned())).map_err(|e| e.to_string())
    }
}

impl Text for OutboxStatus {
    fn text(&self) -> String {
        self.as_str().to_owned()
    }
    fn parse(s: &str) -> Result<Self, String> {
        OutboxStatus::parse(s).ok_or_else(|| format!("unknown outbox status `{s}`"))
    }
}

/// The stored text of an optional value.
pub(super) fn opt<T: Text>(v: Option<&T>) -> Option<String> {
    v.map(Text::text)
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Corrupt(String);

/// Reads a TEXT column as `T`.
pub(super) fn get<T: Text>(row: &Row<'_>, idx: usize) -> rusqlite::Result<T> {
    let s: String = row.get(idx)?;
    T::parse(&s).map_err(|e| corrupt(idx, e))
}

/// Reads a nullable TEXT column as `Option<T>`.
pub(super) fn get_opt<T: Text>(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<T>> {
    let s: Option<String> = row.get(idx)?;
    s.map(|s| T::parse(&s).map_err(|e| corrupt(idx, e)))
        .transpose()
}

/// Reads a JSON TEXT column.
pub(super) fn get_json<T: serde::de::DeserializeOwned>(
    row: &Row<'_>,
    idx: usize,
) -> rusqlite::Result<T> {
    let s: String = row.get(idx)?;
    serde_json::from_str(&s).map_err(|e| corrupt(idx, e.to_string()))
}

/// Reads a non-negative INTEGER column.
pub(super) fn get_u64(row: &Row<'_>, idx: usize) -> rusqlite::Result<u64> {
    let n: i64 = row.get(idx)?;
    u64::try_from(n).map_err(|e| corrupt(idx, e.to_string()))
}

/// A column that holds what this build cannot read (or an invariant it breaks).
pub(super) fn corrupt(idx: usize, message: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(Corrupt(message)))
}

/// JSON text of a value that always serializes (our own types).
pub(super) fn json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::caused("cannot encode", e))
}

/// An integer that SQLite can store (i64).
pub(super) fn int(n: u64) -> Result<i64, StoreError> {
    i64::try_from(n).map_err(|_| StoreError::backend(format!("{n} does not fit in SQLite")))
}

/// Whether `e` is a violation of a UNIQUE or PRIMARY KEY constraint.
pub(super) fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
    )
}
