//! Load benchmark of the HTTP API: `cargo bench -p onboard-http --bench load`.
//!
//! Everything runs in this process on 127.0.0.1 (server on its own runtime, clients on
//! another), over SQLite in a temporary directory:
//!
//! 1. `ONBOARD_BENCH_CLIENTS` (default 32) keep-alive clients drive
//!    `ONBOARD_BENCH_LIFECYCLES` (default 256) whole lifecycles over HTTP (create, draft,
//!    every step submitted and approved, a test attempt at steps 3 and 6 with uploaded
//!    results, the launch) on a durable database (`synchronous=FULL`);
//! 2. with `ONBOARD_BENCH_SERVICES` (default 100,000) e-Services loaded (SQLite has no bulk
//!    loader: they are created through `Store::create_eservice` with `synchronous=NORMAL`,
//!    one in ten with step 1 submitted), the same clients read `GET /dashboard` (staff and
//!    agency scope), `GET /eservices?q=<Thai substring>`, the portal's dashboard page `GET /`
//!    and list page `GET /eservices` beside the JSON list they compare with,
//!    `ONBOARD_BENCH_READS` requests each (default 4,000);
//! 3. the ceiling: a bare axum handler returning a small JSON, same clients, same count.
//!
//! Prints requests per second and p50/p99 latency per scenario.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../tests/common/files.rs"]
mod files;

use chrono::{DateTime, TimeZone, Utc};
use onboard_core::notify::account_created;
use onboard_core::reference::{Role, Step};
use onboard_core::workflow::{Actor, Command};
use onboard_http::{AppState, HttpConfig};
use onboard_store::password::{hash_password, new_token, token_hash};
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

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../onboard-core/tests/fixtures/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// One scenario's figures.
struct Figures {
    name: String,
    requests: usize,
    secs: f64,
    latencies: Vec<Duration>,
}

impl Figures {
    fn new(name: String, secs: f64, mut latencies: Vec<Duration>) -> Figures {
        latencies.sort_unstable();
        Figures {
            name,
            requests: latencies.len(),
            secs,
            latencies,
        }
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
    }
}

/// An account with the first login done and a session, made through the store.
async fn account(
    store: &dyn Store,
    hash: &str,
    name: &str,
    role: Role,
    agency: Option<Uuid>,
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
            account_created(Uuid::nil(), name, "-", &Default::default()),
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
    let mut step1 = fixture("step1-valid");
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
                .json(&fixture("step7-valid")),
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
    let mut step4 = fixture("step4-valid");
    step4["requester"]["assignment_letter_file_id"] = json!(letter);
    let mut step5 = fixture("step5-valid");
    step5["icon_file_id"] = json!(icon);
    step5["screenshot_file_ids"] = json!(shots);
    Files {
        icon,
        result,
        step2: fixture("step2-valid"),
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

async fn loaded_reads(clients: usize, services: usize, count: usize) -> Vec<Figures> {
    let dir = tempfile::tempdir().unwrap();
    let options = SqliteOptions {
        synchronous: Synchronous::Normal,
        ..SqliteOptions::default()
    };
    let store = SqliteStore::open(&dir.path().join("loaded.db"), options).unwrap();
    store.migrate().await.unwrap();
    let store: Arc<dyn Store> = Arc::new(store);
    let (officers, reviewer) = people(&*store).await;
    let started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let officers = Arc::new(officers);
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
            let mut step1 = fixture("step1-valid");
            step1["icon_file_id"] = Value::Null;
            step1["icon_concept"] = Value::Null;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= services {
                    return;
                }
                let (officer, _) = &officers[i % officers.len()];
                let name = format!("ระบบ{}ออนไลน์ {i}", TOPICS[i % TOPICS.len()]);
                let agency = officer.agency_id.unwrap();
                let svc = store
                    .create_eservice(officer, agency, &name, &["งาน".to_owned()], &ctx)
                    .await
                    .unwrap();
                if i % 10 == 0 {
                    let submit = Command::Submit {
                        step: Step::Credential,
                        payload: Some(step1.clone()),
                    };
                    store
                        .execute(svc.id, officer, submit, None, &ctx)
                        .await
                        .unwrap();
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let load_secs = started.elapsed().as_secs_f64();
    println!(
        "loaded {services} e-Services through the store in {load_secs:.1} s ({:.0}/s)",
        services as f64 / load_secs
    );
    let server = Served::start(onboard_http::router(state(store)));
    let dash = vec!["/api/v1/dashboard".to_owned()];
    let search = vec![
        format!("/api/v1/eservices?q={SEARCH}"),
        format!("/api/v1/eservices?q={SEARCH}&page=2"),
        format!("/api/v1/eservices?q=ออนไลน์ 12&per_page=50"),
    ];
    let list = vec![
        "/api/v1/eservices?per_page=20".to_owned(),
        "/api/v1/eservices?per_page=20&page=2".to_owned(),
    ];
    let list_page = vec!["/eservices".to_owned(), "/eservices?page=2".to_owned()];
    let n = services;
    let out = vec![
        reads(
            &server.base,
            clients,
            count,
            &reviewer.1,
            &dash,
            format!("GET /dashboard, staff, {n} loaded"),
        )
        .await,
        reads(
            &server.base,
            clients,
            count,
            &officers[0].1,
            &dash,
            format!("GET /dashboard, one agency, {n} loaded"),
        )
        .await,
        reads(
            &server.base,
            clients,
            count,
            &reviewer.1,
            &search,
            format!("GET /eservices?q=<Thai>, {n} loaded"),
        )
        .await,
        reads(
            &server.base,
            clients,
            count,
            &officers[0].1,
            &["/".to_owned()],
            format!("page GET / (dashboard), one agency, {n} loaded"),
        )
        .await,
        reads(
            &server.base,
            clients,
            count,
            &reviewer.1,
            &list,
            format!("GET /api/v1/eservices?per_page=20, staff, {n} loaded"),
        )
        .await,
        reads(
            &server.base,
            clients,
            count,
            &reviewer.1,
            &list_page,
            format!("page GET /eservices (list), staff, {n} loaded"),
        )
        .await,
    ];
    server.stop();
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
    let clients = env_usize("ONBOARD_BENCH_CLIENTS", 32);
    let total = env_usize("ONBOARD_BENCH_LIFECYCLES", 256);
    let services = env_usize("ONBOARD_BENCH_SERVICES", 100_000);
    let count = env_usize("ONBOARD_BENCH_READS", 4_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    println!("onboard-http load bench: {clients} clients, {total} lifecycles, {services} loaded e-Services, {count} reads per scenario");
    let mut all = vec![rt.block_on(lifecycles(clients, total))];
    all.extend(rt.block_on(loaded_reads(clients, services, count)));
    all.push(rt.block_on(ceiling(clients, count)));
    println!();
    println!("| scenario | requests | req/s | p50 ms | p99 ms |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for f in &all {
        println!(
            "| {} | {} | {:.0} | {:.2} | {:.2} |",
            f.name,
            f.requests,
            f.rate(),
            f.percentile(0.50),
            f.percentile(0.99)
        );
    }
}
