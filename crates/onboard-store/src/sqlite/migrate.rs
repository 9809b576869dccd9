//! Embedded, versioned migrations tracked in `schema_migrations`.

use crate::{Result, StoreError};
use rusqlite::{params, OptionalExtension, Transaction};

/// Work of a migration that SQL alone cannot do, run right after its script in the same
/// transaction.
type Backfill = fn(&Transaction<'_>) -> Result<()>;

/// Every migration, in order: (version, name, SQL, backfill). Never edit one that has
/// shipped: add the next version.
pub(super) const MIGRATIONS: &[(i64, &str, &str, Option<Backfill>)] = &[
    (
        1,
        "init",
        include_str!("../../migrations/sqlite/0001_init.sql"),
        None,
    ),
    (
        2,
        "search_services_agencies",
        include_str!("../../migrations/sqlite/0002_search_services_agencies.sql"),
        // The texts are lowercased by Rust, as the store writes them from now on.
        Some(super::eservices::index_all_texts),
    ),
    (
        3,
        "outbox_secret",
        include_str!("../../migrations/sqlite/0003_outbox_secret.sql"),
        None,
    ),
    (
        4,
        "outbox_dead_letters",
        include_str!("../../migrations/sqlite/0004_outbox_dead_letters.sql"),
        None,
    ),
    (
        5,
        "templates",
        include_str!("../../migrations/sqlite/0005_templates.sql"),
        None,
    ),
    (
        6,
        "release_calendar",
        include_str!("../../migrations/sqlite/0006_release_calendar.sql"),
        None,
    ),
    (
        7,
        "search_fold",
        include_str!("../../migrations/sqlite/0007_search_fold.sql"),
        Some(super::eservices::fold_all_texts),
    ),
    (
        8,
        "walk_indexes",
        include_str!("../../migrations/sqlite/0008_walk_indexes.sql"),
        None,
    ),
];

/// Applies the migrations not yet recorded, in order, inside the caller's transaction;
/// with all of them recorded it changes nothing. The database stamps each with its own
/// clock, as PostgreSQL's migrator does with `now()`: bookkeeping, not a domain instant.
pub(super) fn apply(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )",
    )?;
    let newest = MIGRATIONS.last().map_or(0, |m| m.0);
    for (version, name, sql, backfill) in MIGRATIONS {
        let applied: Option<String> = tx
            .query_row(
                "SELECT name FROM schema_migrations WHERE version = ?1",
                [version],
                |r| r.get(0),
            )
            .optional()?;
        match applied {
            Some(n) if n == *name => continue,
            Some(n) => {
                return Err(StoreError::backend(format!(
                    "migration {version} is `{n}` in the database but `{name}` in this build"
                )))
            }
            None => {}
        }
        tx.execute_batch(sql)?;
        if let Some(backfill) = backfill {
            backfill(tx)?;
        }
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at)
             VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
            params![version, name],
        )?;
    }
    // A database migrated by a newer build would be misread by this one.
    let max: i64 = tx.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?;
    if max > newest {
        return Err(StoreError::backend(format!(
            "the database schema (version {max}) is newer than this build (version {newest})"
        )));
    }
    Ok(())
}
