//! The conformance suite against the SQLite backend, plus SQLite-only checks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod conformance;

use onboard_core::id::{AgencyId, EServiceId, MessageId};
use onboard_store::sqlite::{SqliteOptions, SqliteStore};
use onboard_store::{Outbox, Store};
use std::sync::Arc;
use uuid::Uuid;

/// A fresh, migrated database in its own temporary directory, removed after the test.
async fn fresh() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store =
        SqliteStore::open(&dir.path().join("onboard.db"), SqliteOptions::default()).expect("open");
    store.migrate().await.expect("migrate");
    (Arc::new(store), dir)
}

conformance_suite!(fresh);

// ---------------------------------------------------------------------------------------
// SQLite only: the file, the migrations table, blobs, several connections, backups.
// ---------------------------------------------------------------------------------------

use onboard_core::reference::Step;
use onboard_core::testing::files;
use onboard_core::workflow::{Command, CommandError};
use onboard_store::sqlite::Synchronous;
use onboard_store::{ListQuery, NewAgency, Scope, StoreError};
use std::time::Duration;

fn raw(path: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}

fn count(path: &std::path::Path, sql: &str) -> i64 {
    raw(path).query_row(sql, [], |r| r.get(0)).unwrap()
}

#[tokio::test]
async fn open_creates_directories_and_a_wal_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a").join("b").join("onboard.db");
    let store = SqliteStore::open(&path, SqliteOptions::default()).unwrap();
    assert_eq!(store.path(), path.as_path());
    store.migrate().await.unwrap();
    assert!(path.exists());
    let mode: String = raw(&path)
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let options = SqliteOptions::default();
    assert_eq!(options.synchronous, Synchronous::Full);
    assert_eq!(options.busy_timeout, Duration::from_secs(5));
    // NORMAL opens too.
    let normal = SqliteOptions {
        synchronous: Synchronous::Normal,
        ..options
    };
    let again = SqliteStore::open(&path, normal).unwrap();
    again.ping().await.unwrap();
}

#[tokio::test]
async fn migrations_are_recorded_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("onboard.db");
    let store = SqliteStore::open(&path, SqliteOptions::default()).unwrap();
    store.migrate().await.unwrap();
    let once = count(&path, "SELECT COUNT(*) FROM schema_migrations");
    assert!(once >= 1);
    // Each is stamped, by the database's clock, with an RFC 3339 instant.
    let before = chrono::Utc::now() - chrono::Duration::minutes(1);
    let stamps: Vec<String> = raw(&path)
        .prepare("SELECT applied_at FROM schema_migrations")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for stamp in stamps {
        let at = chrono::DateTime::parse_from_rfc3339(&stamp).unwrap();
        assert!(at > before, "{stamp}");
    }
    store.migrate().await.unwrap();
    // A second store (another process) on the same file finds nothing to do.
    let second = SqliteStore::open(&path, SqliteOptions::default()).unwrap();
    second.migrate().await.unwrap();
    assert_eq!(count(&path, "SELECT COUNT(*) FROM schema_migrations"), once);
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'eservices'"
        ),
        1
    );
}

#[tokio::test]
async fn a_database_from_a_newer_build_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("onboard.db");
    let store = SqliteStore::open(&path, SqliteOptions::default()).unwrap();
    store.migrate().await.unwrap();
    raw(&path)
        .execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 'x')",
            [],
        )
        .unwrap();
    assert!(matches!(store.migrate().await, Err(StoreError::Backend(_))));
}

#[tokio::test]
async fn identical_content_is_one_blob() {
    let (store, dir) = fresh().await;
    let w = conformance::World::new(store.clone()).await;
    let bytes = files::png(120, 120, [1, 0, 0]);
    let a = conformance::upload(&store, &w.officer, "a.png", &bytes).await;
    let b = conformance::upload(&store, &w.officer, "b.png", &bytes).await;
    conformance::upload(&store, &w.officer, "c.pdf", &files::pdf("onboard")).await;
    assert_eq!(a.sha256, b.sha256);
    let path = dir.path().join("onboard.db");
    assert_eq!(count(&path, "SELECT COUNT(*) FROM blobs"), 2);
    assert_eq!(count(&path, "SELECT COUNT(*) FROM files"), 3);
}

#[tokio::test]
async fn events_cannot_be_changed_in_the_database() {
    let (store, dir) = fresh().await;
    let w = conformance::World::new(store.clone()).await;
    w.eservice("ระบบ").await;
    let conn = raw(&dir.path().join("onboard.db"));
    assert!(conn.execute("UPDATE events SET actor = 'x'", []).is_err());
    assert!(conn.execute("DELETE FROM events", []).is_err());
    assert_eq!(
        conn.query_row("SELECT COUNT(*) FROM events", [], |r| r.get::<_, i64>(0))
            .unwrap(),
        1
    );
}

/// An account row changed behind the store's back so it cannot act (an officer whose
/// agency was cleared) reads as an error, never as a user whose rules would have to guess.
#[tokio::test]
async fn an_account_that_cannot_act_reads_as_an_error_not_a_panic() {
    let (store, dir) = fresh().await;
    let w = conformance::World::new(store.clone()).await;
    let conn = raw(&dir.path().join("onboard.db"));
    let changed = conn
        .execute(
            "UPDATE users SET agency_id = NULL WHERE id = ?1",
            [w.officer.id.to_string()],
        )
        .unwrap();
    assert_eq!(changed, 1);
    let read = store.user(w.officer.id).await;
    assert!(matches!(read, Err(StoreError::Backend(_))), "{read:?}");
    let by_name = store.user_by_username(&w.officer.username).await;
    assert!(
        matches!(by_name, Err(StoreError::Backend(_))),
        "{by_name:?}"
    );
    // The other accounts still read.
    assert_eq!(
        store.user(w.reviewer.id).await.unwrap(),
        Some(w.reviewer.clone())
    );
}

/// Two stores on one file behave like two server processes: `If-Match` races between them
/// still have exactly one winner per version.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_processes_race_on_one_file() {
    let (first, dir) = fresh().await;
    let second: Arc<dyn Store> = Arc::new(
        SqliteStore::open(&dir.path().join("onboard.db"), SqliteOptions::default()).unwrap(),
    );
    let w = conformance::World::new(first.clone()).await;
    let svc = w.eservice("ระบบสองกระบวนการ").await;
    let mut tasks = Vec::new();
    for (t, store) in [first.clone(), second.clone(), first.clone(), second.clone()]
        .into_iter()
        .enumerate()
    {
        let (actor, id) = (w.officer.actor(), svc.id());
        tasks.push(tokio::spawn(async move {
            let mut won = Vec::new();
            for i in 0..10 {
                let seen = store
                    .eservice(id, Scope::All)
                    .await
                    .unwrap()
                    .unwrap()
                    .version();
                let command = Command::SaveDraft {
                    step: Step::Credential,
                    payload: serde_json::json!({ "icon_concept": format!("{t}/{i}") }),
                };
                match store
                    .execute(id, &actor, command, Some(seen), &conformance::ctx())
                    .await
                {
                    Ok(s) => won.push(s.version()),
                    Err(StoreError::Command(CommandError::VersionConflict { .. })) => {}
                    Err(e) => panic!("{e:?}"),
                }
            }
            won
        }));
    }
    let mut won = Vec::new();
    for t in tasks {
        won.extend(t.await.unwrap());
    }
    won.sort_unstable();
    let state = second
        .eservice(svc.id(), Scope::All)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(won, (2..=state.version()).collect::<Vec<_>>());
    assert_eq!(
        second.events(svc.id()).await.unwrap().len() as u64,
        state.version()
    );
}

/// The online backup is a database that opens and holds the same e-Services, taken while
/// commands keep running.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn backup_opens_with_the_same_eservices() {
    let (store, dir) = fresh().await;
    let w = conformance::World::new(store.clone()).await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(w.eservice(&format!("ระบบที่ {i}")).await.id());
    }
    let busy = {
        let (store, actor, id) = (store.clone(), w.officer.actor(), ids[0]);
        tokio::spawn(async move {
            for i in 0..30 {
                let command = Command::SaveDraft {
                    step: Step::Credential,
                    payload: serde_json::json!({ "icon_concept": format!("{i}") }),
                };
                store
                    .execute(id, &actor, command, None, &conformance::ctx())
                    .await
                    .unwrap();
            }
        })
    };
    let to = dir.path().join("backups").join("copy.db");
    store.backup(&to).await.unwrap();
    let live = dir.path().join(".").join("onboard.db");
    assert!(matches!(
        store.backup(&live).await,
        Err(StoreError::Backend(_))
    ));
    busy.await.unwrap();

    let copy = SqliteStore::open(&to, SqliteOptions::default()).unwrap();
    copy.migrate().await.unwrap();
    let listed = copy
        .list(&ListQuery::default(), Scope::All, conformance::today())
        .await
        .unwrap();
    assert_eq!(listed.total, 5);
    for id in &ids[1..] {
        assert_eq!(
            copy.eservice(*id, Scope::All).await.unwrap(),
            store.eservice(*id, Scope::All).await.unwrap()
        );
    }
    // The busy one is consistent at some version: state and log agree.
    let state = copy.eservice(ids[0], Scope::All).await.unwrap().unwrap();
    let events = copy.events(ids[0]).await.unwrap();
    assert_eq!(events.len() as u64, state.version());
    assert_eq!(
        copy.agencies().await.unwrap(),
        store.agencies().await.unwrap()
    );
    // The copy is a working database of its own.
    copy.create_agency(NewAgency {
        name_th: "กรมใหม่".into(),
        name_en: "New Department".into(),
        ministry_th: "กระทรวง".into(),
        ministry_en: "Ministry".into(),
    })
    .await
    .unwrap();
    assert_eq!(store.agencies().await.unwrap().len(), 2);
}

/// Migration 2 makes e-Services written before it searchable by their services and their
/// agency's names.
#[tokio::test]
async fn migration_2_indexes_existing_eservices() {
    use onboard_core::schedule::ScheduleConfig;
    use onboard_core::workflow::{self, Actor, Env, FixedCredentials};
    use rusqlite::params;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("onboard.db");
    // A version 1 database, as the previous release left it, with one e-Service.
    let conn = raw(&path);
    conn.execute_batch(include_str!("../migrations/sqlite/0001_init.sql"))
        .unwrap();
    conn.execute_batch(
        "CREATE TABLE schema_migrations (
             version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
         INSERT INTO schema_migrations VALUES (1, 'init', '2026-11-01T00:00:00.000000000Z');",
    )
    .unwrap();
    let agency = Uuid::now_v7();
    conn.execute(
        "INSERT INTO agencies VALUES (?1, 'กรมสรรพากร', 'The Revenue Department', \
         'กระทรวงการคลัง', 'Ministry of Finance')",
        [agency.to_string()],
    )
    .unwrap();
    let actor = Actor::officer(Uuid::now_v7().into(), AgencyId::from(agency));
    let (files, schedule) = (std::collections::HashMap::new(), ScheduleConfig::default());
    let env = Env {
        now: conformance::now(),
        files: &files,
        schedule: &schedule,
        credentials: &FixedCredentials,
        agency: None,
    };
    let services = ["ยื่นแบบ ภ.ง.ด.90".to_owned(), "Refund STATUS".to_owned()];
    let (state, _) = workflow::create(
        &actor,
        Uuid::now_v7().into(),
        AgencyId::from(agency),
        "ระบบยื่นแบบภาษี",
        &services,
        &env,
    )
    .unwrap();
    let at = state
        .created_at()
        .format("%Y-%m-%dT%H:%M:%S%.9fZ")
        .to_string();
    conn.execute(
        "INSERT INTO eservices (id, agency_id, name, name_fold, version, current_step,
                                current_status, complete, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 1, 'credential', 'in_progress', 0, ?5, ?5)",
        params![
            state.id().to_string(),
            agency.to_string(),
            state.name(),
            state.name().to_lowercase(),
            at
        ],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO eservice_states (id, state) VALUES (?1, ?2)",
        params![
            state.id().to_string(),
            serde_json::to_string(&state).unwrap()
        ],
    )
    .unwrap();
    drop(conn);

    let store = SqliteStore::open(&path, SqliteOptions::default()).unwrap();
    store.migrate().await.unwrap();
    for q in [
        "ภ.ง.ด.90",
        "refund status",
        "สรรพากร",
        "REVENUE",
        "ระบบยื่น",
        "90",
        "re",
    ] {
        let query = ListQuery {
            q: Some(q.to_owned()),
            ..ListQuery::default()
        };
        let page = store
            .list(&query, Scope::All, conformance::today())
            .await
            .unwrap();
        let ids: Vec<EServiceId> = page.items.iter().map(|i| i.id).collect();
        assert_eq!(ids, vec![state.id()], "{q:?}");
    }
    assert_eq!(
        store.eservice(state.id(), Scope::All).await.unwrap(),
        Some(state.clone())
    );
    // Migration 7 folds the texts beside the row, name first, for searches that walk.
    let fold: String = raw(&path)
        .query_row(
            "SELECT search_fold FROM eservices WHERE id = ?1",
            [state.id().to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(fold, "ระบบยื่นแบบภาษี\u{1f}ยื่นแบบ ภ.ง.ด.90\u{1f}refund status");
}

/// Migration 4 (dead letters) rebuilds the outbox of an existing database: every e-mail
/// keeps its id, order, status and error, the row counter goes on from where it was, and
/// the new `failed` status is accepted.
#[tokio::test]
async fn migration_4_keeps_the_outbox_and_accepts_failed() {
    use chrono::Duration as Delta;
    use onboard_store::OutboxStatus;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("onboard.db");
    // A version 3 database, as the previous release left it, with three e-mails.
    let conn = raw(&path);
    for sql in [
        include_str!("../migrations/sqlite/0001_init.sql"),
        include_str!("../migrations/sqlite/0002_search_services_agencies.sql"),
        include_str!("../migrations/sqlite/0003_outbox_secret.sql"),
    ] {
        conn.execute_batch(sql).unwrap();
    }
    conn.execute_batch(
        "CREATE TABLE schema_migrations (
             version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
         INSERT INTO schema_migrations VALUES
             (1, 'init', '2026-11-01T00:00:00.000000000Z'),
             (2, 'search_services_agencies', '2026-11-01T00:00:00.000000000Z'),
             (3, 'outbox_secret', '2026-11-01T00:00:00.000000000Z');",
    )
    .unwrap();
    let at = "2026-11-25T03:00:00.000000000Z";
    let ids: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
    for (n, (id, status)) in ids.iter().zip(["sent", "pending", "pending"]).enumerate() {
        conn.execute(
            "INSERT INTO outbox (id, recipient, to_address, subject, body, kind, created_at,
                                 status, attempts, next_attempt_at, last_error, secret)
             VALUES (?1, NULL, ?2, 'เรื่อง', 'เนื้อความ', 'approved', ?3, ?4, ?5, ?3, ?6, NULL)",
            rusqlite::params![
                id.to_string(),
                format!("m{n}@dga.or.th"),
                at,
                status,
                n as i64,
                (n == 2).then_some("451 later"),
            ],
        )
        .unwrap();
    }
    // A deleted row raised the counter: new rows must not reuse its number.
    conn.execute_batch(
        "INSERT INTO outbox (id, to_address, subject, body, kind, created_at, status,
                             next_attempt_at)
         VALUES ('gone', 'x@dga.or.th', 's', 'b', 'approved', '2026-11-25', 'sent', 'x');
         DELETE FROM outbox WHERE id = 'gone';",
    )
    .unwrap();
    let counter: i64 = conn
        .query_row(
            "SELECT seq FROM sqlite_sequence WHERE name = 'outbox'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(counter, 4);
    drop(conn);

    let store = SqliteStore::open(&path, SqliteOptions::default()).unwrap();
    store.migrate().await.unwrap();
    assert_eq!(
        count(
            &path,
            "SELECT seq FROM sqlite_sequence WHERE name = 'outbox'"
        ),
        4
    );
    let listed = store.outbox(None, 10).await.unwrap();
    // Newest first by (created_at, seq): the order of the rows survives.
    let listed_ids: Vec<Uuid> = listed.iter().map(|m| m.id.uuid()).collect();
    assert_eq!(listed_ids, ids.iter().rev().copied().collect::<Vec<_>>());
    assert_eq!(listed[0].last_error.as_deref(), Some("451 later"));
    assert_eq!(listed[2].status, OutboxStatus::Sent);
    assert!(listed.iter().all(|m| m.failing_since.is_none()));
    // The new status works on the migrated table; indexes are back.
    let now = conformance::now();
    let claimed = store
        .claim_outbox(10, now, Delta::minutes(5))
        .await
        .unwrap();
    assert_eq!(claimed.len(), 2);
    store
        .mark_dead(MessageId::from(ids[2]), "554 refused", now)
        .await
        .unwrap();
    assert_eq!(
        store.outbox(Some(OutboxStatus::Failed), 10).await.unwrap()[0].id,
        MessageId::from(ids[2])
    );
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN ('outbox_due', 'outbox_by_created')"
        ),
        2
    );
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'outbox_new'"
        ),
        0
    );
    // A new e-mail continues the counter.
    conformance::new_user(
        &store_arc(store),
        "after.migration",
        onboard_core::reference::Role::Reviewer,
        None,
    )
    .await;
    assert_eq!(count(&path, "SELECT MAX(seq) FROM outbox"), 5);
}

fn store_arc(store: SqliteStore) -> Arc<dyn Store> {
    Arc::new(store)
}
