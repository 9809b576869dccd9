//! The conformance suite against the PostgreSQL backend, plus PostgreSQL-only checks
//! (several processes on one database, outbox claims, counters, bulk import).
//!
//! Runs against `ONBOARD_TEST_POSTGRES_URL` (e.g. `postgres://postgres@127.0.0.1:5432/test`),
//! each test in a fresh schema that is dropped afterwards. Without the variable every test
//! prints a notice and returns, except under CI (`CI` set), where that is a failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod conformance;
#[path = "support/walk.rs"]
mod walk;

use chrono::NaiveDate;
use onboard_core::dashboard::{Counts, Summary};
use onboard_core::file::OfflineFiles;
use onboard_core::id::{AgencyId, EServiceId, MessageId};
use onboard_core::reference::{Role, Step, StepStatus};
use onboard_core::schedule::{today_in_bangkok, ScheduleConfig};
use onboard_core::workflow::{self, Actor, Command, CommandError, EService, Env, Event};
use onboard_store::postgres::{PgOptions, PgStore};
use onboard_store::{ListQuery, Outbox, Scope, Store, StoreError};
use std::collections::HashSet;
use std::sync::Arc;
use uuid::Uuid;

/// The test database, or `None` (with a notice) when it is not configured outside CI.
fn test_url() -> Option<String> {
    match std::env::var("ONBOARD_TEST_POSTGRES_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!(
                "ONBOARD_TEST_POSTGRES_URL must be set under CI: PostgreSQL tests never skip there"
            )
        }
        _ => {
            eprintln!(
                "NOTICE: ONBOARD_TEST_POSTGRES_URL is unset: this PostgreSQL test did NOT run"
            );
            None
        }
    }
}

fn new_schema() -> String {
    format!("onboard_test_{}", Uuid::new_v4().simple())
}

/// A store in `schema`; the schema is dropped with the store when `owner`.
/// The schema as the release before migration `version` left it: the migrations before it.
async fn migrate_before(store: &PgStore, version: i64) {
    let mut before = sqlx::migrate!("./migrations/postgres");
    before.migrations = before
        .migrations
        .iter()
        .filter(|m| m.version < version)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    before.run(store.pool()).await.unwrap();
}

async fn store_in(url: &str, schema: &str, owner: bool) -> PgStore {
    let options = PgOptions {
        max_connections: 4,
        schema: Some(schema.to_owned()),
        drop_schema_on_drop: owner,
        ..PgOptions::default()
    };
    PgStore::connect_with(url, options).await.expect("connect")
}

/// A fresh, migrated store in its own schema (dropped with the store).
async fn fresh_pg() -> Option<PgStore> {
    let url = test_url()?;
    let store = store_in(&url, &new_schema(), true).await;
    store.migrate().await.expect("migrate");
    Some(store)
}

async fn fresh() -> Option<Arc<dyn Store>> {
    fresh_pg().await.map(|s| Arc::new(s) as Arc<dyn Store>)
}

conformance_suite!(fresh);

fn today() -> NaiveDate {
    today_in_bangkok(walk::now())
}

/// The database itself refuses to rewrite history (the suite's walk checks the log).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn events_cannot_be_changed_in_the_database() {
    let Some(store) = fresh_pg().await else {
        return;
    };
    let cast = walk::cast(&store, "history").await;
    let s = store
        .create_eservice(
            &cast.officer,
            Some(cast.agency),
            "ระบบ",
            &["งาน".into()],
            &walk::ctx(),
        )
        .await
        .unwrap();
    for sql in ["UPDATE events SET kind = 'x'", "DELETE FROM events"] {
        let refused = sqlx::query(sql).execute(store.pool()).await;
        assert!(refused.is_err(), "{sql} was allowed");
    }
    assert_eq!(store.events(s.id()).await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn migrations_from_several_processes_at_once() {
    let Some(url) = test_url() else { return };
    let schema = new_schema();
    let owner = store_in(&url, &schema, true).await;
    let mut others = Vec::new();
    for _ in 0..3 {
        others.push(store_in(&url, &schema, false).await);
    }
    let runs = others.iter().map(|s| s.migrate()).chain([owner.migrate()]);
    for result in futures_join(runs).await {
        result.expect("concurrent migrate");
    }
    owner.migrate().await.expect("again");
    let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations")
        .fetch_one(owner.pool())
        .await
        .unwrap();
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres"))
        .unwrap()
        .count();
    assert_eq!(usize::try_from(applied).unwrap(), files);
}

/// Awaits futures concurrently (each on its own task would need `'static`).
async fn futures_join<F: std::future::Future>(
    futures: impl IntoIterator<Item = F>,
) -> Vec<F::Output> {
    let mut pinned: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut out: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, slot) in pinned.iter_mut().zip(out.iter_mut()) {
            if slot.is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *slot = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter()
        .map(|v| v.expect("polled to completion"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_processes_never_claim_one_email() {
    let Some(url) = test_url() else { return };
    let schema = new_schema();
    let a = store_in(&url, &schema, true).await;
    a.migrate().await.unwrap();
    let b = store_in(&url, &schema, false).await;
    let agency = walk::agency(&a, 1).await;
    for i in 0..60 {
        walk::user(&a, Role::Agency, Some(agency), &format!("user{i}")).await;
    }
    let lease = chrono::Duration::minutes(5);
    let worker = |store: PgStore| async move {
        let mut mine = Vec::new();
        loop {
            let batch = store.claim_outbox(7, walk::now(), lease).await.unwrap();
            if batch.is_empty() {
                return mine;
            }
            mine.extend(batch.into_iter().map(|m| m.id));
        }
    };
    let (x, y) = tokio::join!(
        tokio::spawn(worker(a.clone())),
        tokio::spawn(worker(b.clone()))
    );
    let (x, y) = (x.unwrap(), y.unwrap());
    let all: HashSet<MessageId> = x.iter().chain(&y).copied().collect();
    assert_eq!(x.len() + y.len(), 60, "claimed twice or lost");
    assert_eq!(all.len(), 60);
    // The lease holds; once it runs out the e-mail is due again.
    assert!(a
        .claim_outbox(100, walk::now(), lease)
        .await
        .unwrap()
        .is_empty());
    let later = walk::now() + lease + chrono::Duration::seconds(1);
    let again = b.claim_outbox(100, later, lease).await.unwrap();
    assert_eq!(again.len(), 60);
    assert!(again.iter().all(|m| m.attempts == 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_processes_apply_one_command() {
    let Some(url) = test_url() else { return };
    let schema = new_schema();
    let a = store_in(&url, &schema, true).await;
    a.migrate().await.unwrap();
    let b = store_in(&url, &schema, false).await;
    let cast = walk::cast(&a, "race").await;
    let p = walk::payloads(&a, &cast.officer).await;
    let ctx = walk::ctx();
    let s = a
        .create_eservice(
            &cast.officer,
            Some(cast.agency),
            "ระบบแข่ง",
            &["งาน".into()],
            &ctx,
        )
        .await
        .unwrap();
    let submit = Command::Submit {
        step: Step::Credential,
        payload: Some(p.step1.clone()),
    };
    let s = a
        .execute(s.id(), &cast.officer, submit, None, &ctx)
        .await
        .unwrap();
    // Eight approvals without If-Match from two "processes": one wins, seven see the step
    // completed and are invalid transitions.
    let mut tasks = Vec::new();
    let id = s.id();
    for i in 0..8 {
        let store = if i % 2 == 0 { a.clone() } else { b.clone() };
        let (reviewer, ctx) = (cast.reviewer, ctx.clone());
        tasks.push(tokio::spawn(async move {
            let approve = Command::Approve {
                step: Step::Credential,
                note: None,
                credentials: None,
                update_agency: false,
            };
            store.execute(id, &reviewer, approve, None, &ctx).await
        }));
    }
    let mut won = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(next) => {
                won += 1;
                assert_eq!(next.version(), s.version() + 1);
            }
            Err(StoreError::Command(CommandError::InvalidTransition { .. })) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(won, 1);
    let events = a.events(s.id()).await.unwrap();
    assert_eq!(
        events
            .iter()
            .filter(|e| e.event.change.kind() == "approved")
            .count(),
        1
    );
    let counts = b.dashboard(Scope::All, today()).await.unwrap();
    let now = a.eservice(s.id(), Scope::All).await.unwrap().unwrap();
    assert_eq!(counts, Counts::of([Summary::of(&now)], today()));
}

/// e-Services at every point of the walk, made by commands.
async fn spread(store: &PgStore, cast: &walk::Cast, p: &walk::Payloads) -> Vec<EService> {
    let ctx = walk::ctx();
    let walk = walk::lifecycle(p);
    let mut out = Vec::new();
    for stop in 0..=walk.len() {
        let name = format!("บริการทดสอบ {stop} test_{stop}%");
        let mut s = store
            .create_eservice(
                &cast.officer,
                Some(cast.agency),
                &name,
                &["งาน".into()],
                &ctx,
            )
            .await
            .unwrap();
        for (by, command) in walk.iter().take(stop).cloned() {
            let actor = if by == walk::By::Officer {
                &cast.officer
            } else {
                &cast.reviewer
            };
            s = store
                .execute(s.id(), actor, command, None, &ctx)
                .await
                .unwrap();
        }
        out.push(s);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dashboard_counters_fold_without_drift() {
    let Some(store) = fresh_pg().await else {
        return;
    };
    let cast = walk::cast(&store, "dash").await;
    let p = walk::payloads(&store, &cast.officer).await;
    let other = walk::cast(&store, "dash2").await;
    let q = walk::payloads(&store, &other.officer).await;
    let mut all = spread(&store, &cast, &p).await;
    let theirs = spread(&store, &other, &q).await;
    all.extend(theirs.iter().cloned());
    // Before the launch day, on it, and after.
    for day in [today(), NaiveDate::from_ymd_opt(2027, 3, 9).unwrap()] {
        for folded in [false, true] {
            if folded {
                assert!(store.fold_dashboard().await.unwrap());
            }
            let every = store.dashboard(Scope::All, day).await.unwrap();
            assert_eq!(
                every,
                Counts::of(all.iter().map(Summary::of), day),
                "{day} {folded}"
            );
            let one = store
                .dashboard(Scope::Agency(other.agency), day)
                .await
                .unwrap();
            assert_eq!(one, Counts::of(theirs.iter().map(Summary::of), day));
            // Totals of unsearched lists come from the same counters.
            let query = ListQuery {
                status: Some(StepStatus::UnderReview),
                ..ListQuery::default()
            };
            let page = store.list(&query, Scope::All, day).await.unwrap();
            let expected = all
                .iter()
                .filter(|s| s.current_status() == StepStatus::UnderReview)
                .count();
            assert_eq!(page.total, u64::try_from(expected).unwrap());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bulk_import_is_queried_like_commands() {
    let Some(store) = fresh_pg().await else {
        return;
    };
    let cast = walk::cast(&store, "bulk").await;
    // States and logs made by the core alone (files unchecked offline).
    let (files, schedule, issuer) = (
        OfflineFiles,
        ScheduleConfig::default(),
        workflow::FixedCredentials,
    );
    let env = Env {
        now: walk::now(),
        files: &files,
        schedule: &schedule,
        credentials: &issuer,
        agency: None,
    };
    let fake = walk::Payloads {
        step1: onboard_core::samples::json(Step::Credential),
        step2: onboard_core::samples::json(Step::UatSetup),
        step4: onboard_core::samples::json(Step::PlatformRequest),
        step5: onboard_core::samples::json(Step::PreprodSetup),
        step7: onboard_core::samples::json(Step::Launch),
        attempt: onboard_core::samples::json(Step::UatTest),
    };
    let steps = walk::lifecycle(&fake);
    let mut made = Vec::new();
    for i in 0..=steps.len() {
        let (mut s, mut log) = workflow::create(
            &cast.officer,
            Uuid::now_v7().into(),
            cast.agency,
            &format!("นำเข้า {i}"),
            &["งาน".into()],
            &env,
        )
        .unwrap();
        for (by, command) in steps.iter().take(i).cloned() {
            let actor: &Actor = if by == walk::By::Officer {
                &cast.officer
            } else {
                &cast.reviewer
            };
            let (next, events) = workflow::execute(&s, actor, command, None, &env).unwrap();
            s = next;
            log.extend(events);
        }
        made.push((s, log));
    }
    store.bulk_import(&made).await.unwrap();
    let states: Vec<EService> = made.iter().map(|(s, _)| s.clone()).collect();
    let counts = store.dashboard(Scope::All, today()).await.unwrap();
    assert_eq!(counts, Counts::of(states.iter().map(Summary::of), today()));
    for (s, log) in &made {
        assert_eq!(
            store.eservice(s.id(), Scope::All).await.unwrap().as_ref(),
            Some(s)
        );
        let stored: Vec<Event> = store
            .events(s.id())
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.event)
            .collect();
        assert_eq!(&stored, log);
    }
    let page = store
        .list(
            &ListQuery {
                q: Some("นำเข้า".into()),
                per_page: 5,
                page: 2,
                ..ListQuery::default()
            },
            Scope::All,
            today(),
        )
        .await
        .unwrap();
    assert_eq!(
        (page.total, page.items.len()),
        (u64::try_from(made.len()).unwrap(), 5)
    );
    // Commands continue from imported states.
    let first = &made[0].0;
    let submit = Command::UpdateServices {
        services: vec!["งานใหม่".into()],
    };
    let next = store
        .execute(first.id(), &cast.officer, submit, Some(1), &walk::ctx())
        .await
        .unwrap();
    assert_eq!(next.version(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn temporary_schema_is_dropped_with_the_store() {
    let Some(url) = test_url() else { return };
    let schema = new_schema();
    let store = store_in(&url, &schema, true).await;
    store.migrate().await.unwrap();
    let watcher = PgStore::connect(&url).await.unwrap();
    let exists = || {
        sqlx::query_scalar::<_, bool>(
            "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)",
        )
        .bind(schema.clone())
        .fetch_one(watcher.pool())
    };
    assert!(exists().await.unwrap());
    let clone = store.clone();
    drop(store);
    assert!(exists().await.unwrap(), "a clone still uses it");
    drop(clone);
    assert!(!exists().await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn backup_points_to_pg_dump() {
    let Some(store) = fresh_pg().await else {
        return;
    };
    let err = store
        .backup(std::path::Path::new("/tmp/x"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Unsupported(m) if m.contains("pg_dump")));
}

/// Migration 0004 makes e-Services written before it searchable by their services and
/// their agency's names; 0009 keeps them so in `eservice_texts` and `search_fold`.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn migration_4_indexes_existing_eservices() {
    let Some(url) = test_url() else { return };
    let store = store_in(&url, &new_schema(), true).await;
    // The schema as the previous release left it, with one agency and one e-Service.
    migrate_before(&store, 4).await;
    let agency = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO agencies (id, name_th, name_en, ministry_th, ministry_en) \
         VALUES ($1, 'กรมสรรพากร', 'The Revenue Department', 'กระทรวงการคลัง', \
                 'Ministry of Finance')",
    )
    .bind(agency)
    .execute(store.pool())
    .await
    .unwrap();
    let officer = Actor::officer(Uuid::now_v7().into(), AgencyId::from(agency));
    let (files, schedule) = (OfflineFiles, ScheduleConfig::default());
    let env = Env {
        now: walk::now(),
        files: &files,
        schedule: &schedule,
        credentials: &workflow::FixedCredentials,
        agency: None,
    };
    let services = ["ยื่นแบบ ภ.ง.ด.90".to_owned(), "Refund STATUS".to_owned()];
    let (state, _) = workflow::create(
        &officer,
        Uuid::now_v7().into(),
        AgencyId::from(agency),
        "ระบบยื่นแบบภาษี",
        &services,
        &env,
    )
    .unwrap();
    sqlx::query(
        "INSERT INTO eservices (id, agency_id, name, name_fold, version, state, current_step, \
             current_status, complete, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 1, $5, 'credential', 'in_progress', false, $6, $6)",
    )
    .bind(state.id().uuid())
    .bind(agency)
    .bind(state.name())
    .bind(state.name().to_lowercase())
    .bind(sqlx::types::Json(&state))
    .bind(state.created_at())
    .execute(store.pool())
    .await
    .unwrap();

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
        let page = store.list(&query, Scope::All, today()).await.unwrap();
        let ids: Vec<EServiceId> = page.items.iter().map(|i| i.id).collect();
        assert_eq!(ids, vec![state.id()], "{q:?}");
    }
    // Migration 0009 moved the texts to `eservice_texts` and joined them beside the row for
    // the walk, in order.
    let texts: Vec<(i32, String)> = sqlx::query_as(
        "SELECT position, fold FROM eservice_texts WHERE eservice_id = $1 ORDER BY position",
    )
    .bind(state.id().uuid())
    .fetch_all(store.pool())
    .await
    .unwrap();
    let expected = ["ระบบยื่นแบบภาษี", "ยื่นแบบ ภ.ง.ด.90", "refund status"];
    assert_eq!(
        texts,
        (0..).zip(expected.map(str::to_owned)).collect::<Vec<_>>()
    );
    let fold: String = sqlx::query_scalar("SELECT search_fold FROM eservices WHERE id = $1")
        .bind(state.id().uuid())
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(fold, expected.join("\u{1f}"));
    assert_eq!(
        store.eservice(state.id(), Scope::All).await.unwrap(),
        Some(state)
    );
}

/// Migration 0006 (dead letters) keeps the e-mails of an existing database and accepts
/// the new `failed` status.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn migration_6_keeps_the_outbox_and_accepts_failed() {
    use onboard_store::OutboxStatus;

    let Some(url) = test_url() else { return };
    let store = store_in(&url, &new_schema(), true).await;
    migrate_before(&store, 6).await;
    let now = walk::now();
    let ids: Vec<Uuid> = (0..2).map(|_| Uuid::now_v7()).collect();
    for (n, (id, status)) in ids.iter().zip(["sent", "pending"]).enumerate() {
        sqlx::query(
            "INSERT INTO outbox (id, to_address, subject, body, kind, created_at, status, \
                 attempts, next_attempt_at, last_error) \
             VALUES ($1, $2, 'เรื่อง', 'เนื้อความ', 'approved', $3, $4, $5, $3, $6)",
        )
        .bind(id)
        .bind(format!("m{n}@dga.or.th"))
        .bind(now + chrono::Duration::seconds(n as i64))
        .bind(status)
        .bind(n as i32)
        .bind((n == 1).then_some("451 later"))
        .execute(store.pool())
        .await
        .unwrap();
    }
    store.migrate().await.unwrap();

    let listed = store.outbox(None, 10).await.unwrap();
    assert_eq!(
        listed.iter().map(|m| m.id.uuid()).collect::<Vec<_>>(),
        vec![ids[1], ids[0]]
    );
    assert_eq!(listed[0].last_error.as_deref(), Some("451 later"));
    assert!(listed.iter().all(|m| m.failing_since.is_none()));
    let claimed = store
        .claim_outbox(
            10,
            now + chrono::Duration::minutes(1),
            chrono::Duration::minutes(5),
        )
        .await
        .unwrap();
    assert_eq!(
        claimed.iter().map(|m| m.id.uuid()).collect::<Vec<_>>(),
        vec![ids[1]]
    );
    store
        .mark_dead(MessageId::from(ids[1]), "554 refused", now)
        .await
        .unwrap();
    let failed = store.outbox(Some(OutboxStatus::Failed), 10).await.unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].failing_since, Some(now));
    // Still refused: a status the schema does not know.
    let bad = sqlx::query("UPDATE outbox SET status = 'lost' WHERE id = $1")
        .bind(ids[0])
        .execute(store.pool())
        .await;
    assert!(bad.is_err());
}
