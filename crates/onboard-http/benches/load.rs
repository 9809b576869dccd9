//! Load benchmark of the HTTP API and the portal: `cargo bench -p onboard-http --bench load`.
//!
//! Clients run in this process on 127.0.0.1; servers run on a runtime of 2 worker threads,
//! like `onboard serve` on a 2-core machine:
//!
//! 1. the ceiling: a bare axum handler returning a small JSON, in this process;
//! 2. `ONBOARD_BENCH_CLIENTS` (default 32) keep-alive clients drive
//!    `ONBOARD_BENCH_LIFECYCLES` (default 256; 0 skips) whole lifecycles over HTTP (create,
//!    draft, every step submitted and approved, a test attempt at steps 3 and 6 with
//!    uploaded results, the launch) on a durable SQLite database (`synchronous=FULL`);
//! 3. for SQLite and, when `ONBOARD_BENCH_POSTGRES_URL` or `ONBOARD_TEST_POSTGRES_URL` is
//!    set, PostgreSQL (a fresh schema, dropped afterwards): `ONBOARD_BENCH_SERVICES`
//!    (default 100,000) e-Services loaded through `Store::create_eservice` (one in ten with
//!    step 1 submitted), then the server started as a process of its own (this binary again,
//!    so its memory is measured alone), and the same clients read the JSON dashboard (staff
//!    and agency scope), a Thai substring search, the JSON list, the e-Service detail, and
//!    the portal's dashboard and list pages, `ONBOARD_BENCH_READS` requests each (default
//!    4,000).
//!
//!    Each read scenario runs on two servers over the same database, one without metrics
//!    and one with them on (`AppState::with_metrics`: every request, command and store
//!    call counted), in `ONBOARD_BENCH_ROUNDS` rounds (default 5) that alternate which
//!    goes first; each server's figures pool its rounds.
//!
//! Prints one table: requests per second, p50 and p99 latency per scenario, and the
//! server's resident memory after each read scenario; then the cost of metrics, the p50
//! and p99 with metrics on against off, beside how far the p99 of one server moves from
//! round to round (the machine's noise, against which a difference means something).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use chrono::{DateTime, TimeZone, Utc};
use onboard_core::id::{AgencyId, EServiceId, UserId};
use onboard_core::notify::account_created;
use onboard_core::reference::{Role, Step};
use onboard_core::testing::files;
use onboard_core::workflow::{Actor, Command};
use onboard_http::{AppState, HttpConfig};
use onboard_store::password::{hash_password, new_token, token_hash};
use onboard_store::postgres::{PgOptions, PgStore};
use onboard_store::sqlite::{SqliteOptions, SqliteStore, Synchronous};
use onboard_store::{CommandContext, NewAgency, NewUser, Session, Store};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// What the searches look for: one topic of [`TOPICS`], so about 1 name in 10.
const SEARCH: &str = "ชำระภาษี";
const TOPICS: [&str; 10] = [
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
];
/// Agencies of each database; clients are spread over them.
const AGENCIES: usize = 16;
/// Tasks loading e-Services through the store.
const LOADERS: usize = 8;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn start_instant() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).unwrap()
}

/// One scenario's figures.
struct Figures {
    name: String,
    requests: usize,
    secs: f64,
    latencies: Vec<Duration>,
    /// Resident memory of the server process after the scenario.
    rss_mib: Option<f64>,
    /// For a read scenario, whether the server kept metrics.
    metrics: Option<bool>,
    /// The p50 and p99 of each round pooled here, in ms.
    round_p50s: Vec<f64>,
    round_p99s: Vec<f64>,
}

impl Figures {
    fn new(name: String, secs: f64, mut latencies: Vec<Duration>) -> Figures {
        latencies.sort_unstable();
        Figures {
            name,
            requests: latencies.len(),
            secs,
            latencies,
            rss_mib: None,
            metrics: None,
            round_p50s: Vec::new(),
            round_p99s: Vec::new(),
        }
    }

    /// Pools one more round of the same scenario on the same server.
    fn absorb(&mut self, round: Figures) {
        self.round_p50s.push(round.percentile(0.50));
        self.round_p99s.push(round.percentile(0.99));
        self.requests += round.requests;
        self.secs += round.secs;
        self.latencies.extend(round.latencies);
        self.latencies.sort_unstable();
        self.rss_mib = round.rss_mib;
    }

    /// The lowest and highest p99 of the pooled rounds, in ms.
    fn round_p99_range(&self) -> (f64, f64) {
        let min = self
            .round_p99s
            .iter()
            .copied()
            .fold(f64::INFINITY, f64::min);
        let max = self.round_p99s.iter().copied().fold(0.0, f64::max);
        (min, max)
    }

    fn percentile(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return 0.0;
        }
        let i = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[i].as_secs_f64() * 1000.0
    }

    fn rate(&self) -> f64 {
        self.requests as f64 / self.secs
    }
}

/// A server on its own runtime (2 worker threads), like a separate process.
struct Served {
    base: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Served {
    fn start(app: axum::Router) -> Served {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = rx.await;
                    })
                    .await
                    .unwrap();
            });
        });
        let addr = addr_rx.recv().unwrap();
        Served {
            base: format!("http://{addr}"),
            shutdown: Some(tx),
            thread: Some(thread),
        }
    }

    fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
    }
}

fn state(store: Arc<dyn Store>) -> AppState {
    let at = start_instant();
    AppState {
        store,
        schedule: Arc::new(Default::default()),
        credentials: Arc::new(onboard_store::password::OsCredentials),
        clock: Arc::new(move || at),
        config: HttpConfig::default(),
        metrics: None,
    }
}

/// An account with the first login done and a session, made through the store.
async fn account(
    store: &dyn Store,
    hash: &str,
    name: &str,
    role: Role,
    agency: Option<AgencyId>,
) -> (Actor, String) {
    let user = store
        .create_user(
            NewUser {
                username: format!("init_{name}"),
                email: format!("{name}@bench.go.th"),
                display_name: name.to_owned(),
                role,
                agency_id: agency,
                password_hash: hash.to_owned(),
                created_at: start_instant(),
            },
            account_created(UserId::from_u128(0), name, "-", &Default::default()),
        )
        .await
        .unwrap();
    let user = store
        .complete_first_login(user.id, name, hash)
        .await
        .unwrap();
    let token = new_token();
    store
        .create_session(Session {
            token_hash: token_hash(&token),
            user_id: user.id,
            created_at: start_instant(),
            expires_at: start_instant() + chrono::Duration::days(1),
        })
        .await
        .unwrap();
    (user.actor(), token)
}

/// Agencies, one officer each, and a reviewer.
async fn people(store: &dyn Store) -> (Vec<(Actor, String)>, (Actor, String)) {
    let hash = hash_password("Bench2027pw").unwrap();
    let mut officers = Vec::new();
    for a in 0..AGENCIES {
        let agency = store
            .create_agency(NewAgency {
                name_th: format!("หน่วยงานทดสอบ {a}"),
                name_en: format!("Bench agency {a}"),
                ministry_th: "กระทรวงทดสอบ".into(),
                ministry_en: "Ministry of Benchmarks".into(),
            })
            .await
            .unwrap();
        officers.push(
            account(
                store,
                &hash,
                &format!("officer{a}"),
                Role::Agency,
                Some(agency.id),
            )
            .await,
        );
    }
    let reviewer = account(store, &hash, "reviewer", Role::Reviewer, None).await;
    (officers, reviewer)
}

/// A client that records the latency of every request.
struct Client {
    http: reqwest::Client,
    base: String,
    latencies: Vec<Duration>,
}

impl Client {
    fn new(base: &str) -> Client {
        Client {
            http: reqwest::Client::builder()
                .pool_max_idle_per_host(4)
                .build()
                .unwrap(),
            base: base.to_owned(),
            latencies: Vec::new(),
        }
    }

    async fn send(&mut self, r: reqwest::RequestBuilder, expect: u16) -> Value {
        let started = Instant::now();
        let response = r.send().await.unwrap();
        let status = response.status().as_u16();
        let bytes = response.bytes().await.unwrap();
        self.latencies.push(started.elapsed());
        assert_eq!(status, expect, "{}", String::from_utf8_lossy(&bytes));
        serde_json::from_slice(&bytes).unwrap_or(Value::Null)
    }

    fn req(&self, method: reqwest::Method, path: &str, token: &str) -> reqwest::RequestBuilder {
        // The portal's pages read the same session token from their cookie.
        self.http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token)
            .header("cookie", format!("onboard_session={token}"))
    }

    async fn upload(&mut self, token: &str, purpose: &str, name: &str, bytes: Vec<u8>) -> String {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
        let r = self
            .req(
                reqwest::Method::POST,
                &format!("/api/v1/files?purpose={purpose}"),
                token,
            )
            .multipart(reqwest::multipart::Form::new().part("file", part));
        self.send(r, 201).await["id"].as_str().unwrap().to_owned()
    }
}

/// One whole lifecycle over HTTP.
async fn lifecycle(c: &mut Client, officer: &str, reviewer: &str, files: &Files, n: usize) {
    use reqwest::Method as M;
    let created = c
        .send(
            c.req(M::POST, "/api/v1/eservices", officer)
                .json(&json!({"name": format!("บริการทดสอบภาระ {n}"), "services": ["งานบริการ"]})),
            201,
        )
        .await;
    let base = format!("/api/v1/eservices/{}", created["id"].as_str().unwrap());
    let step = |s: &str, action: &str| format!("{base}/steps/{s}/{action}");
    let mut step1 = onboard_core::samples::json(onboard_core::reference::Step::Credential);
    step1["icon_file_id"] = json!(files.icon);
    c.send(
        c.req(M::PUT, &step("credential", "draft"), officer)
            .json(&step1),
        200,
    )
    .await;
    c.send(c.req(M::POST, &step("credential", "submit"), officer), 200)
        .await;
    c.send(
        c.req(M::POST, &step("credential", "approve"), reviewer),
        200,
    )
    .await;
    c.send(
        c.req(M::POST, &step("uat-setup", "submit"), officer)
            .json(&files.step2),
        200,
    )
    .await;
    c.send(c.req(M::POST, &step("uat-setup", "approve"), reviewer), 200)
        .await;
    let attempt = json!({"details": "ทดสอบครบทุกกรณี", "file_id": files.result});
    c.send(
        c.req(M::POST, &step("uat-test", "attempts"), officer)
            .json(&attempt),
        201,
    )
    .await;
    c.send(c.req(M::POST, &step("uat-test", "approve"), reviewer), 200)
        .await;
    c.send(
        c.req(M::POST, &step("platform-request", "submit"), officer)
            .json(&files.step4),
        200,
    )
    .await;
    c.send(
        c.req(M::POST, &step("platform-request", "approve"), reviewer),
        200,
    )
    .await;
    c.send(
        c.req(M::POST, &step("preprod-setup", "submit"), officer)
            .json(&files.step5),
        200,
    )
    .await;
    c.send(
        c.req(M::POST, &step("preprod-setup", "approve"), reviewer),
        200,
    )
    .await;
    c.send(
        c.req(M::POST, &step("preprod-test", "attempts"), officer)
            .json(&attempt),
        201,
    )
    .await;
    c.send(
        c.req(M::POST, &step("preprod-test", "approve"), reviewer),
        200,
    )
    .await;
    c.send(c.req(M::GET, &base, officer), 200).await;
    let done = c
        .send(
            c.req(M::POST, &step("launch", "submit"), officer)
                .json(&onboard_core::samples::json(
                    onboard_core::reference::Step::Launch,
                )),
            200,
        )
        .await;
    assert_eq!(done["launch_on"], "2027-03-09");
}

/// The uploaded files and ready payloads of one officer.
struct Files {
    icon: String,
    result: String,
    step2: Value,
    step4: Value,
    step5: Value,
}

async fn upload_files(c: &mut Client, officer: &str) -> Files {
    let icon = c
        .upload(officer, "icon", "icon.png", files::png(120, 120, [1, 2, 3]))
        .await;
    let result = c
        .upload(officer, "test_result", "result.xlsx", files::xlsx())
        .await;
    let letter = c
        .upload(
            officer,
            "assignment_letter",
            "letter.pdf",
            files::pdf("letter"),
        )
        .await;
    let mut shots = Vec::new();
    for i in 0..3u8 {
        shots.push(
            c.upload(
                officer,
                "screenshot",
                "shot.png",
                files::png(90, 160, [i, 7, 7]),
            )
            .await,
        );
    }
    let mut step4 = onboard_core::samples::json(onboard_core::reference::Step::PlatformRequest);
    step4["requester"]["assignment_letter_file_id"] = json!(letter);
    let mut step5 = onboard_core::samples::json(onboard_core::reference::Step::PreprodSetup);
    step5["icon_file_id"] = json!(icon);
    step5["screenshot_file_ids"] = json!(shots);
    Files {
        icon,
        result,
        step2: onboard_core::samples::json(onboard_core::reference::Step::UatSetup),
        step4,
        step5,
    }
}

async fn lifecycles(clients: usize, total: usize) -> Figures {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("walk.db"), SqliteOptions::default()).unwrap();
    store.migrate().await.unwrap();
    let store: Arc<dyn Store> = Arc::new(store);
    let (officers, reviewer) = people(&*store).await;
    let server = Served::start(onboard_http::router(state(store)));
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..clients {
        let officer = officers[i % officers.len()].1.clone();
        let reviewer = reviewer.1.clone();
        let (base, next) = (server.base.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut c = Client::new(&base);
            let files = upload_files(&mut c, &officer).await;
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= total {
                    return c.latencies;
                }
                lifecycle(&mut c, &officer, &reviewer, &files, n).await;
            }
        }));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.unwrap());
    }
    let secs = started.elapsed().as_secs_f64();
    server.stop();
    Figures::new(
        format!("{total} lifecycles, SQLite FULL (all requests)"),
        secs,
        latencies,
    )
}

/// `count` GETs of `paths` (round robin) by `clients` clients.
async fn reads(
    base: &str,
    clients: usize,
    count: usize,
    token: &str,
    paths: &[String],
    name: String,
) -> Figures {
    let next = Arc::new(AtomicUsize::new(0));
    let paths = Arc::new(paths.to_vec());
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (next, paths, token) = (next.clone(), paths.clone(), token.to_owned());
        let mut c = Client::new(base);
        tasks.push(tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= count {
                    return c.latencies;
                }
                let path = &paths[n % paths.len()];
                c.send(c.req(reqwest::Method::GET, path, &token), 200).await;
            }
        }));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.unwrap());
    }
    Figures::new(name, started.elapsed().as_secs_f64(), latencies)
}

/// Where a loaded database lives, as the server process is told.
#[derive(Clone)]
enum Backend {
    Sqlite(std::path::PathBuf),
    Postgres { url: String, schema: String },
}

impl Backend {
    fn label(&self) -> &'static str {
        match self {
            Backend::Sqlite(_) => "SQLite",
            Backend::Postgres { .. } => "PostgreSQL",
        }
    }

    /// The value of `ONBOARD_BENCH_SERVE` that makes a child serve this database.
    fn spec(&self) -> String {
        match self {
            Backend::Sqlite(path) => format!("sqlite {}", path.display()),
            Backend::Postgres { url, schema } => format!("postgres {schema} {url}"),
        }
    }

    async fn open(&self, drop_schema: bool) -> Arc<dyn Store> {
        match self {
            Backend::Sqlite(path) => {
                let options = SqliteOptions {
                    synchronous: Synchronous::Normal,
                    ..SqliteOptions::default()
                };
                Arc::new(SqliteStore::open(path, options).unwrap())
            }
            Backend::Postgres { url, schema } => {
                let options = PgOptions {
                    schema: Some(schema.clone()),
                    drop_schema_on_drop: drop_schema,
                    ..PgOptions::default()
                };
                Arc::new(PgStore::connect_with(url, options).await.unwrap())
            }
        }
    }
}

/// The server as a process of its own (this bench binary run with `ONBOARD_BENCH_SERVE`),
/// so that its memory is its own: 2 worker threads, the fixed clock of the bench.
struct Child {
    process: std::process::Child,
    base: String,
}

impl Child {
    fn start(backend: &Backend, metrics: bool) -> Child {
        use std::io::BufRead;
        let mut process = std::process::Command::new(std::env::current_exe().unwrap())
            .env("ONBOARD_BENCH_SERVE", backend.spec())
            .env("ONBOARD_BENCH_METRICS", if metrics { "on" } else { "off" })
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(process.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line.trim().strip_prefix("listening ").unwrap().to_owned();
        Child {
            process,
            base: format!("http://{addr}"),
        }
    }

    /// Resident memory of the server now, in MiB (Linux `VmRSS`).
    fn rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.process.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    }

    fn stop(mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// The child's side of [`Child`]: serves the database until killed.
fn serve(spec: &str) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let backend = match spec.split_once(' ') {
            Some(("sqlite", path)) => Backend::Sqlite(path.into()),
            Some(("postgres", rest)) => {
                let (schema, url) = rest.split_once(' ').unwrap();
                Backend::Postgres {
                    url: url.to_owned(),
                    schema: schema.to_owned(),
                }
            }
            _ => panic!("ONBOARD_BENCH_SERVE: {spec}"),
        };
        let store = backend.open(false).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("listening {}", listener.local_addr().unwrap());
        let mut state = state(store);
        if std::env::var("ONBOARD_BENCH_METRICS").as_deref() == Ok("on") {
            state = state.with_metrics(Arc::new(onboard_http::Metrics::new()));
        }
        axum::serve(listener, onboard_http::router(state))
            .await
            .unwrap();
    });
}

/// Loads `services` e-Services through the store: one in ten with step 1 submitted (so the
/// staff have notifications and a review queue). Returns some of their ids.
async fn load(
    store: &Arc<dyn Store>,
    officers: &[(Actor, String)],
    services: usize,
) -> Vec<EServiceId> {
    let next = Arc::new(AtomicUsize::new(0));
    let officers: Arc<Vec<Actor>> = Arc::new(officers.iter().map(|(a, _)| *a).collect());
    let mut tasks = Vec::new();
    for _ in 0..LOADERS {
        let (store, officers, next) = (store.clone(), officers.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let ctx = CommandContext {
                now: start_instant(),
                schedule: Arc::new(Default::default()),
                credentials: Arc::new(onboard_store::password::OsCredentials),
                mail: Arc::new(Default::default()),
            };
            let mut step1 = onboard_core::samples::json(onboard_core::reference::Step::Credential);
            step1["icon_file_id"] = Value::Null;
            step1["icon_concept"] = Value::Null;
            let mut ids = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= services {
                    return ids;
                }
                let officer = &officers[i % officers.len()];
                let name = format!("ระบบ{}ออนไลน์ {i}", TOPICS[i % TOPICS.len()]);
                let agency = officer.agency_id().unwrap();
                let svc = store
                    .create_eservice(officer, Some(agency), &name, &["งาน".to_owned()], &ctx)
                    .await
                    .unwrap();
                if i % 10 == 0 {
                    let submit = Command::Submit {
                        step: Step::Credential,
                        payload: Some(step1.clone()),
                    };
                    store
                        .execute(svc.id(), officer, submit, None, &ctx)
                        .await
                        .unwrap();
                }
                if i % 97 == 0 && svc.agency_id() == officers[0].agency_id().unwrap() {
                    ids.push(svc.id());
                }
            }
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.extend(t.await.unwrap());
    }
    ids
}

async fn loaded_reads(
    backend: Backend,
    clients: usize,
    services: usize,
    count: usize,
    rounds: usize,
) -> Vec<Figures> {
    let label = backend.label();
    let store = backend.open(true).await;
    store.migrate().await.unwrap();
    let (officers, reviewer) = people(&*store).await;
    let started = Instant::now();
    let ids = load(&store, &officers, services).await;
    let load_secs = started.elapsed().as_secs_f64();
    println!(
        "{label}: loaded {services} e-Services through the store in {load_secs:.1} s ({:.0}/s)",
        services as f64 / load_secs
    );
    let off = Child::start(&backend, false);
    let on = Child::start(&backend, true);
    let officer = &officers[0].1;
    let staff = &reviewer.1;
    let search = vec![
        format!("/api/v1/eservices?q={SEARCH}"),
        format!("/api/v1/eservices?q={SEARCH}&page=2"),
        format!("/api/v1/eservices?q=ออนไลน์ 12&per_page=50"),
    ];
    let list = vec![
        "/api/v1/eservices?per_page=20".to_owned(),
        "/api/v1/eservices?per_page=20&page=2".to_owned(),
    ];
    let detail: Vec<String> = ids
        .iter()
        .map(|id| format!("/api/v1/eservices/{id}"))
        .collect();
    let scenarios: Vec<(&str, &String, Vec<String>)> = vec![
        (
            "GET /api/v1/dashboard, staff",
            staff,
            vec!["/api/v1/dashboard".to_owned()],
        ),
        (
            "GET /api/v1/dashboard, one agency",
            officer,
            vec!["/api/v1/dashboard".to_owned()],
        ),
        ("GET /api/v1/eservices?q=<Thai>, staff", staff, search),
        ("GET /api/v1/eservices?per_page=20, staff", staff, list),
        ("GET /api/v1/eservices/{id}, its agency", officer, detail),
        (
            "page GET / (dashboard), one agency",
            officer,
            vec!["/".to_owned()],
        ),
        (
            "page GET /eservices (list), staff",
            staff,
            vec!["/eservices".to_owned(), "/eservices?page=2".to_owned()],
        ),
    ];
    let mut out = Vec::new();
    for (i, (name, token, paths)) in scenarios.into_iter().enumerate() {
        let mut pair = [false, true].map(|metrics| {
            let suffix = if metrics { " (metrics on)" } else { "" };
            let mut f = Figures::new(format!("{label}: {name}{suffix}"), 0.0, Vec::new());
            f.metrics = Some(metrics);
            f
        });
        for round in 0..rounds {
            // 0 is the server without metrics, 1 the one with them, as in `pair`; alternating
            // the order spreads the machine's drift over both.
            let order = if (i + round) % 2 == 0 { [0, 1] } else { [1, 0] };
            for side in order {
                let server = [&off, &on][side];
                let mut f = reads(&server.base, clients, count, token, &paths, String::new()).await;
                f.rss_mib = Some(server.rss_mib());
                pair[side].absorb(f);
            }
        }
        out.extend(pair);
    }
    off.stop();
    on.stop();
    drop(store);
    out
}

async fn ceiling(clients: usize, count: usize) -> Figures {
    let app = axum::Router::new().route(
        "/ping",
        axum::routing::get(|| async { axum::Json(json!({"status": "ok"})) }),
    );
    let server = Served::start(app);
    let f = reads(
        &server.base,
        clients,
        count,
        "-",
        &["/ping".to_owned()],
        "ceiling: bare axum JSON handler".to_owned(),
    )
    .await;
    server.stop();
    f
}

fn main() {
    if let Ok(spec) = std::env::var("ONBOARD_BENCH_SERVE") {
        return serve(&spec);
    }
    let clients = env_usize("ONBOARD_BENCH_CLIENTS", 32);
    let total = env_usize("ONBOARD_BENCH_LIFECYCLES", 256);
    let services = env_usize("ONBOARD_BENCH_SERVICES", 100_000);
    let count = env_usize("ONBOARD_BENCH_READS", 4_000);
    let rounds = env_usize("ONBOARD_BENCH_ROUNDS", 5).max(1);
    let postgres = std::env::var("ONBOARD_BENCH_POSTGRES_URL")
        .or_else(|_| std::env::var("ONBOARD_TEST_POSTGRES_URL"))
        .ok()
        .filter(|u| !u.trim().is_empty());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    println!("onboard-http load bench: {clients} clients, {total} lifecycles, {services} loaded e-Services, {count} reads per scenario and round, {rounds} rounds of each loaded read");
    let dir = tempfile::tempdir().unwrap();
    let mut all = vec![rt.block_on(ceiling(clients, count))];
    if total > 0 {
        all.push(rt.block_on(lifecycles(clients, total)));
    }
    let sqlite = Backend::Sqlite(dir.path().join("loaded.db"));
    all.extend(rt.block_on(loaded_reads(sqlite, clients, services, count, rounds)));
    match postgres {
        Some(url) => {
            let schema = format!("onboard_load_{}", Uuid::new_v4().simple());
            let backend = Backend::Postgres { url, schema };
            all.extend(rt.block_on(loaded_reads(backend, clients, services, count, rounds)));
        }
        None => println!(
            "PostgreSQL skipped: set ONBOARD_BENCH_POSTGRES_URL or ONBOARD_TEST_POSTGRES_URL"
        ),
    }
    println!();
    println!("| scenario | requests | req/s | p50 ms | p99 ms | server RSS MiB |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for f in &all {
        let rss = f
            .rss_mib
            .map_or_else(|| "-".to_owned(), |m| format!("{m:.1}"));
        println!(
            "| {} | {} | {:.0} | {:.2} | {:.2} | {rss} |",
            f.name,
            f.requests,
            f.rate(),
            f.percentile(0.50),
            f.percentile(0.99)
        );
    }
    println!();
    println!("The cost of metrics (on against off, the same run; SPEC §15 asks for 5 % at most).");
    println!("Pooled: all rounds of a server together. Paired: the median over the rounds of on");
    println!("against off in the same round (back to back, so the machine's drift cancels). The");
    println!("last column is the machine's noise: the lowest and highest p99 of a round without");
    println!("metrics.");
    println!();
    println!("| scenario | req/s off → on | p50 ms off → on | p99 ms off → on | p99, pooled | p50, paired | p99, paired | p99 of a round, off |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for pair in all.windows(2) {
        let [off, on] = pair else { continue };
        if (off.metrics, on.metrics) != (Some(false), Some(true)) {
            continue;
        }
        let pooled = 100.0 * (on.percentile(0.99) / off.percentile(0.99) - 1.0);
        let p50 = paired_change(&on.round_p50s, &off.round_p50s);
        let p99 = paired_change(&on.round_p99s, &off.round_p99s);
        let (low, high) = off.round_p99_range();
        println!(
            "| {} | {:.0} → {:.0} | {:.2} → {:.2} | {:.2} → {:.2} | {pooled:+.1} % | {p50:+.1} % | {p99:+.1} % | {low:.2}–{high:.2} |",
            off.name,
            off.rate(),
            on.rate(),
            off.percentile(0.50),
            on.percentile(0.50),
            off.percentile(0.99),
            on.percentile(0.99)
        );
    }
}

/// The median over the rounds of `mine` against `base` of the same round, in per cent.
fn paired_change(mine: &[f64], base: &[f64]) -> f64 {
    let mut changes: Vec<f64> = mine
        .iter()
        .zip(base)
        .map(|(m, b)| 100.0 * (m / b - 1.0))
        .collect();
    changes.sort_by(f64::total_cmp);
    changes.get(changes.len() / 2).copied().unwrap_or(0.0)
}
