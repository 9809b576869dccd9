//! Store benchmark: `cargo bench -p onboard-store --bench store`.
//!
//! For SQLite (temporary directory, `synchronous=FULL`) and, when
//! `ONBOARD_BENCH_POSTGRES_URL` or `ONBOARD_TEST_POSTGRES_URL` is set, PostgreSQL (a fresh
//! schema, dropped afterwards), prints:
//!
//! 1. accepted commands per second while 8 writer tasks drive `ONBOARD_BENCH_SERVICES`
//!    e-Services (default 10,000) through their whole lifecycle (create, every step
//!    submitted and approved, one failed and one passed UAT attempt, launch): 16 commands
//!    each, with real uploaded files, notifications and outbox e-mails;
//! 2. the ceiling: plain one-row durable commits per second on the same database with the
//!    same durability (8 writers, one INSERT per transaction), and (1) as a fraction of it;
//! 3. with `ONBOARD_BENCH_LOADED` e-Services (default 100,000) loaded, median and p99 of
//!    `dashboard(All)`, `dashboard(Agency)` and a Thai substring search page (20 rows).
//!
//! Loading (3): PostgreSQL through `PgStore::bulk_import` of states made by the core (every
//! point of the lifecycle, evenly); SQLite has no bulk loader, so it gets e-Services created
//! through the store with `synchronous=NORMAL` (new e-Services only: smaller rows).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../tests/support/walk.rs"]
mod walk;

use chrono::NaiveDate;
use onboard_core::file::OfflineFiles;
use onboard_core::id::{AgencyId, EServiceId};
use onboard_core::reference::Role;
use onboard_core::schedule::{today_in_bangkok, ScheduleConfig};
use onboard_core::workflow::{self, Actor, EService, Env, Event, FixedCredentials};
use onboard_store::postgres::{PgOptions, PgStore};
use onboard_store::sqlite::{SqliteOptions, SqliteStore, Synchronous};
use onboard_store::{ListQuery, Scope, Store};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

const WRITERS: usize = 8;
/// Agencies of the lifecycle run (each with an officer and its own uploads).
const WALK_AGENCIES: usize = 4;
/// Agencies of the loaded database.
const LOAD_AGENCIES: usize = 50;
/// Timed repetitions of each query.
const QUERY_RUNS: usize = 300;
/// What the search looks for: one topic of [`TOPICS`], so about 1 name in 20.
const SEARCH: &str = "ชำระภาษี";

const PREFIXES: [&str; 4] = ["ระบบ", "บริการ", "แอปพลิเคชัน", "ศูนย์ข้อมูล"];
const TOPICS: [&str; 20] = [
    "แจ้งเตือนสิทธิ",
    "จองคิว",
    "ชำระภาษี",
    "ขออนุญาตก่อสร้าง",
    "ตรวจสอบสถานะคำขอ",
    "ลงทะเบียนเกษตรกร",
    "ยื่นคำร้องออนไลน์",
    "สวัสดิการผู้สูงอายุ",
    "ใบขับขี่",
    "ทะเบียนบ้าน",
    "ประกันสังคม",
    "ทุนการศึกษา",
    "นัดหมายแพทย์",
    "ร้องเรียน",
    "ขอรับเงินอุดหนุน",
    "จดทะเบียนธุรกิจ",
    "ที่ดินและสิ่งปลูกสร้าง",
    "น้ำประปา",
    "ไฟฟ้า",
    "การเดินทาง",
];

fn name_of(i: usize) -> String {
    format!(
        "{}{} {}",
        PREFIXES[i % PREFIXES.len()],
        TOPICS[(i / PREFIXES.len()) % TOPICS.len()],
        i
    )
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// The figures of one backend.
#[derive(Debug, Default)]
struct Figures {
    backend: &'static str,
    commands: usize,
    walk_secs: f64,
    ceiling_commits: usize,
    ceiling_secs: f64,
    loaded: usize,
    load_secs: f64,
    dash_all: (Duration, Duration),
    dash_agency: (Duration, Duration),
    search: (Duration, Duration),
    search_total: u64,
}

impl Figures {
    fn rate(&self) -> f64 {
        self.commands as f64 / self.walk_secs
    }
    fn ceiling(&self) -> f64 {
        self.ceiling_commits as f64 / self.ceiling_secs
    }
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument other than ours means "not us".
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if !args.is_empty() && !args.iter().any(|a| "store".contains(a.as_str())) {
        return;
    }
    let services = env_usize("ONBOARD_BENCH_SERVICES", 10_000);
    let loaded = env_usize("ONBOARD_BENCH_LOADED", 100_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut all = Vec::new();
    println!(
        "onboard-store bench: {services} e-Services walked by {WRITERS} writers; {loaded} loaded for queries"
    );
    all.push(runtime.block_on(sqlite(services, loaded)));
    let url = std::env::var("ONBOARD_BENCH_POSTGRES_URL")
        .or_else(|_| std::env::var("ONBOARD_TEST_POSTGRES_URL"))
        .ok()
        .filter(|u| !u.trim().is_empty());
    match url {
        Some(url) => all.push(runtime.block_on(postgres(&url, services, loaded))),
        None => println!(
            "PostgreSQL skipped: set ONBOARD_BENCH_POSTGRES_URL or ONBOARD_TEST_POSTGRES_URL"
        ),
    }
    print_table(&all);
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn print_table(all: &[Figures]) {
    println!();
    println!(
        "| backend | lifecycle commands/s | ceiling commits/s | fraction | dashboard(All) p50 / p99 ms | dashboard(Agency) p50 / p99 ms | search p50 / p99 ms |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for f in all {
        println!(
            "| {} | {:.0} ({} in {:.1} s) | {:.0} | {:.0} % | {} / {} | {} / {} | {} / {} ({} hits) |",
            f.backend,
            f.rate(),
            f.commands,
            f.walk_secs,
            f.ceiling(),
            100.0 * f.rate() / f.ceiling(),
            ms(f.dash_all.0),
            ms(f.dash_all.1),
            ms(f.dash_agency.0),
            ms(f.dash_agency.1),
            ms(f.search.0),
            ms(f.search.1),
            f.search_total,
        );
    }
    for f in all {
        println!(
            "{}: loaded {} e-Services in {:.1} s for the queries",
            f.backend, f.loaded, f.load_secs
        );
    }
}

// ---------------------------------------------------------------- (1) the lifecycle walk

/// One agency's cast and uploaded payloads.
struct Team {
    officer: Actor,
    agency: AgencyId,
    payloads: walk::Payloads,
}

/// Drives `services` e-Services through the lifecycle with [`WRITERS`] tasks; returns the
/// accepted commands and the seconds taken.
async fn walk_all(store: Arc<dyn Store>, services: usize) -> (usize, f64) {
    let reviewer = walk::user(&*store, Role::Reviewer, None, "bench_reviewer").await;
    walk::user(&*store, Role::Admin, None, "bench_admin").await;
    let mut teams = Vec::new();
    for a in 0..WALK_AGENCIES {
        let agency = walk::agency(&*store, a).await;
        let officer = walk::user(&*store, Role::Agency, Some(agency), &format!("officer{a}")).await;
        let payloads = walk::payloads(&*store, &officer).await;
        teams.push(Team {
            officer,
            agency,
            payloads,
        });
    }
    let teams = Arc::new(teams);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..WRITERS {
        let (store, teams, next) = (Arc::clone(&store), Arc::clone(&teams), Arc::clone(&next));
        tasks.push(tokio::spawn(async move {
            let ctx = walk::ctx();
            let mut accepted = 0usize;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= services {
                    return accepted;
                }
                let team = &teams[i % teams.len()];
                let mut s = store
                    .create_eservice(
                        &team.officer,
                        Some(team.agency),
                        &name_of(i),
                        &["งาน".into()],
                        &ctx,
                    )
                    .await
                    .expect("create");
                accepted += 1;
                for (by, command) in walk::lifecycle(&team.payloads) {
                    let actor = match by {
                        walk::By::Officer => &team.officer,
                        walk::By::Reviewer => &reviewer,
                    };
                    s = store
                        .execute(s.id(), actor, command, Some(s.version()), &ctx)
                        .await
                        .expect("command");
                    accepted += 1;
                }
                assert!(s.is_complete());
            }
        }));
    }
    let mut accepted = 0;
    for t in tasks {
        accepted += t.await.expect("writer");
    }
    (accepted, started.elapsed().as_secs_f64())
}

// ---------------------------------------------------------------- (3) the loaded queries

fn percentiles(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    let p99 = (v.len() * 99 / 100).min(v.len() - 1);
    (v[v.len() / 2], v[p99])
}

async fn time<F, Fut, T>(mut f: F) -> (Duration, Duration)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    // Warm caches and prepared statements first.
    for _ in 0..10 {
        f().await;
    }
    let mut v = Vec::with_capacity(QUERY_RUNS);
    for _ in 0..QUERY_RUNS {
        let t = Instant::now();
        f().await;
        v.push(t.elapsed());
    }
    percentiles(v)
}

async fn queries(store: &dyn Store, agency: AgencyId, figures: &mut Figures) {
    let today: NaiveDate = today_in_bangkok(walk::now());
    figures.dash_all = time(|| async { store.dashboard(Scope::All, today).await.unwrap() }).await;
    figures.dash_agency =
        time(|| async { store.dashboard(Scope::Agency(agency), today).await.unwrap() }).await;
    let query = ListQuery {
        q: Some(SEARCH.to_owned()),
        page: 1,
        per_page: 20,
        ..ListQuery::default()
    };
    figures.search_total = store.list(&query, Scope::All, today).await.unwrap().total;
    figures.search = time(|| async { store.list(&query, Scope::All, today).await.unwrap() }).await;
}

// ---------------------------------------------------------------- SQLite

async fn sqlite(services: usize, loaded: usize) -> Figures {
    let mut f = Figures {
        backend: "SQLite (WAL, synchronous=FULL)",
        ..Figures::default()
    };
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let store =
            SqliteStore::open(&dir.path().join("walk.db"), SqliteOptions::default()).expect("open");
        store.migrate().await.unwrap();
        let (n, secs) = walk_all(Arc::new(store), services).await;
        (f.commands, f.walk_secs) = (n, secs);
        println!("SQLite: {n} commands in {secs:.1} s");
    }
    let (n, secs) = sqlite_ceiling(&dir.path().join("ceiling.db"));
    (f.ceiling_commits, f.ceiling_secs) = (n, secs);
    println!("SQLite: ceiling {n} commits in {secs:.1} s");

    // Loading through the store (no bulk loader): fast, not durable, new e-Services.
    let options = SqliteOptions {
        synchronous: Synchronous::Normal,
        ..SqliteOptions::default()
    };
    let store: Arc<dyn Store> =
        Arc::new(SqliteStore::open(&dir.path().join("loaded.db"), options).expect("open"));
    store.migrate().await.unwrap();
    let started = Instant::now();
    let mut officers = Vec::new();
    for a in 0..LOAD_AGENCIES {
        let agency = walk::agency(&*store, a).await;
        officers.push(walk::user(&*store, Role::Agency, Some(agency), &format!("o{a}")).await);
    }
    let officers = Arc::new(officers);
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..WRITERS {
        let (store, officers, next) =
            (Arc::clone(&store), Arc::clone(&officers), Arc::clone(&next));
        tasks.push(tokio::spawn(async move {
            let ctx = walk::ctx();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= loaded {
                    return;
                }
                let officer = &officers[i % officers.len()];
                let agency = officer.agency_id().expect("agency");
                store
                    .create_eservice(officer, Some(agency), &name_of(i), &["งาน".into()], &ctx)
                    .await
                    .expect("create");
            }
        }));
    }
    for t in tasks {
        t.await.expect("loader");
    }
    (f.loaded, f.load_secs) = (loaded, started.elapsed().as_secs_f64());
    println!("SQLite: loaded {loaded} in {:.1} s", f.load_secs);
    let agency = officers[0].agency_id().expect("agency");
    queries(&*store, agency, &mut f).await;
    f
}

/// One-row commits on a plain table, WAL and synchronous=FULL, 8 writer threads sharing one
/// connection (SQLite has one writer at a time anyway; the store also queues on a mutex).
fn sqlite_ceiling(path: &std::path::Path) -> (usize, f64) {
    let conn = rusqlite::Connection::open(path).expect("open");
    let _: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .expect("wal");
    conn.pragma_update(None, "synchronous", "FULL")
        .expect("pragma");
    conn.execute(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)",
        [],
    )
    .expect("table");
    let conn = Arc::new(Mutex::new(conn));
    let per_writer = env_usize("ONBOARD_BENCH_CEILING", 4000) / WRITERS;
    let started = Instant::now();
    let threads: Vec<_> = (0..WRITERS)
        .map(|w| {
            let conn = Arc::clone(&conn);
            std::thread::spawn(move || {
                for i in 0..per_writer {
                    let conn = conn.lock().expect("lock");
                    conn.execute("INSERT INTO t (v) VALUES (?1)", [format!("{w}-{i}")])
                        .expect("insert");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("writer");
    }
    (per_writer * WRITERS, started.elapsed().as_secs_f64())
}

// ---------------------------------------------------------------- PostgreSQL

/// A fresh schema, dropped afterwards unless `ONBOARD_BENCH_KEEP` is set (to look at plans).
async fn pg_store(url: &str) -> PgStore {
    let schema = format!("onboard_bench_{}", Uuid::new_v4().simple());
    let keep = std::env::var_os("ONBOARD_BENCH_KEEP").is_some();
    if keep {
        println!("PostgreSQL: schema {schema} is kept");
    }
    let options = PgOptions {
        max_connections: u32::try_from(WRITERS + 2).unwrap_or(10),
        schema: Some(schema),
        drop_schema_on_drop: !keep,
        ..PgOptions::default()
    };
    let store = PgStore::connect_with(url, options).await.expect("connect");
    store.migrate().await.expect("migrate");
    store
}

async fn postgres(url: &str, services: usize, loaded: usize) -> Figures {
    let mut f = Figures {
        backend: "PostgreSQL (synchronous_commit as configured)",
        ..Figures::default()
    };
    let store = pg_store(url).await;
    let setting: String = sqlx::query_scalar("SHOW synchronous_commit")
        .fetch_one(store.pool())
        .await
        .expect("setting");
    println!("PostgreSQL: synchronous_commit = {setting}");
    let (n, secs) = walk_all(Arc::new(store.clone()), services).await;
    (f.commands, f.walk_secs) = (n, secs);
    println!("PostgreSQL: {n} commands in {secs:.1} s");
    let (n, secs) = pg_ceiling(&store).await;
    (f.ceiling_commits, f.ceiling_secs) = (n, secs);
    println!("PostgreSQL: ceiling {n} commits in {secs:.1} s");
    drop(store);

    let store = pg_store(url).await;
    let started = Instant::now();
    let agencies = pg_load(&store, loaded).await;
    (f.loaded, f.load_secs) = (loaded, started.elapsed().as_secs_f64());
    println!("PostgreSQL: loaded {loaded} in {:.1} s", f.load_secs);
    sqlx::query("ANALYZE")
        .execute(store.pool())
        .await
        .expect("analyze");
    queries(&store, agencies[0], &mut f).await;
    f
}

/// One-row autocommit INSERTs on a plain table, 8 concurrent writers.
async fn pg_ceiling(store: &PgStore) -> (usize, f64) {
    sqlx::query("CREATE TABLE bench_ceiling (id bigserial PRIMARY KEY, v text NOT NULL)")
        .execute(store.pool())
        .await
        .expect("table");
    let per_writer = env_usize("ONBOARD_BENCH_CEILING", 8000) / WRITERS;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..WRITERS {
        let pool = store.pool().clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..per_writer {
                sqlx::query("INSERT INTO bench_ceiling (v) VALUES ($1)")
                    .bind(format!("{w}-{i}"))
                    .execute(&pool)
                    .await
                    .expect("insert");
            }
        }));
    }
    for t in tasks {
        t.await.expect("writer");
    }
    (per_writer * WRITERS, started.elapsed().as_secs_f64())
}

/// The states at every point of the lifecycle, made once by the core (files unchecked).
fn templates(officer: &Actor, reviewer: &Actor) -> Vec<(EService, Vec<Event>)> {
    let (files, schedule, issuer) = (OfflineFiles, ScheduleConfig::default(), FixedCredentials);
    let env = Env {
        now: walk::now(),
        files: &files,
        schedule: &schedule,
        credentials: &issuer,
        agency: None,
    };
    let payloads = walk::Payloads {
        step1: onboard_core::samples::json(onboard_core::reference::Step::Credential),
        step2: onboard_core::samples::json(onboard_core::reference::Step::UatSetup),
        step4: onboard_core::samples::json(onboard_core::reference::Step::PlatformRequest),
        step5: onboard_core::samples::json(onboard_core::reference::Step::PreprodSetup),
        step7: onboard_core::samples::json(onboard_core::reference::Step::Launch),
        attempt: onboard_core::samples::json(onboard_core::reference::Step::UatTest),
    };
    let steps = walk::lifecycle(&payloads);
    (0..=steps.len())
        .map(|stop| {
            let agency = officer.agency_id().expect("agency");
            let (mut s, mut log) = workflow::create(
                officer,
                EServiceId::from_u128(0),
                agency,
                "template",
                &["งาน".into()],
                &env,
            )
            .expect("create");
            for (by, command) in steps.iter().take(stop).cloned() {
                let actor = if by == walk::By::Officer {
                    officer
                } else {
                    reviewer
                };
                let (next, events) =
                    workflow::execute(&s, actor, command, None, &env).expect("command");
                s = next;
                log.extend(events);
            }
            (s, log)
        })
        .collect()
}

/// A copy of a template as e-Service `id` of `agency` named `name`.
fn instance(
    template: &(EService, Vec<Event>),
    id: EServiceId,
    agency: AgencyId,
    name: &str,
) -> (EService, Vec<Event>) {
    let mut log = template.1.clone();
    for e in &mut log {
        e.eservice_id = id;
        if let workflow::Change::Created {
            agency_id, name: n, ..
        } = &mut e.change
        {
            *agency_id = agency;
            *n = name.to_owned();
        }
    }
    // The copy's state is what its log folds to.
    let s = EService::from_events(&log).expect("a copied walk folds");
    (s, log)
}

/// Loads `n` e-Services spread evenly over the lifecycle; returns the agencies.
async fn pg_load(store: &PgStore, n: usize) -> Vec<AgencyId> {
    let reviewer = walk::user(store, Role::Reviewer, None, "load_reviewer").await;
    let mut agencies = Vec::new();
    for a in 0..LOAD_AGENCIES {
        agencies.push(walk::agency(store, a).await);
    }
    let officer = walk::user(store, Role::Agency, Some(agencies[0]), "load_officer").await;
    let templates = templates(&officer, &reviewer);
    let mut i = 0;
    while i < n {
        let batch: Vec<_> = (i..(i + 5000).min(n))
            .map(|k| {
                let t = &templates[k % templates.len()];
                instance(
                    t,
                    Uuid::now_v7().into(),
                    agencies[k % agencies.len()],
                    &name_of(k),
                )
            })
            .collect();
        store.bulk_import(&batch).await.expect("bulk import");
        i += batch.len();
    }
    agencies
}
