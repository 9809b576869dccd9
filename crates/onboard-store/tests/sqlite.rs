//! The conformance suite against the SQLite backend, plus SQLite-only checks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod conformance;

use onboard_store::sqlite::{SqliteOptions, SqliteStore};
use onboard_store::Store;
use std::sync::Arc;

/// A fresh, migrated database in its own temporary directory, removed after the test.
async fn fresh() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SqliteStore::open(&dir.path().join("onboard.db"), SqliteOptions::default())
        .expect("open");
    store.migrate().await.expect("migrate");
    (Arc::new(store), dir)
}

conformance_suite!(fresh);
