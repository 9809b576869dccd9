//! Shared harness of the black-box tests: a real server on 127.0.0.1:0 over a temporary
//! SQLite database (or a PostgreSQL schema), a small HTTP client, accounts seeded through
//! the store and first-logged-in over HTTP, and real PNG, XLSX and PDF files.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use onboard_core::id::{AgencyId, UserId};
use onboard_core::testing::files;
pub mod walk;

use chrono::{DateTime, TimeZone, Utc};
use onboard_core::notify::{account_created, MailConfig};
use onboard_core::reference::Role;
use onboard_http::{AppState, HttpConfig};
use onboard_store::password::hash_password;
use onboard_store::sqlite::{SqliteOptions, SqliteStore};
use onboard_store::{NewAgency, NewUser, Store};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use uuid::Uuid;

/// The instant every test starts at: Wednesday 2026-11-25 10:00 in Bangkok.
pub fn start_instant() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).unwrap()
}

/// A server under test.
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The state the server runs with (its store is the test's backdoor for setup).
    pub state: AppState,
    /// The fixed clock, in milliseconds since the epoch; tests may move it.
    pub clock: Arc<AtomicI64>,
    /// The HTTP client (keep-alive).
    pub http: reqwest::Client,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    _guard: Box<dyn std::any::Any + Send>,
}

impl Server {
    /// Starts a server over `store` (already migrated).
    pub async fn start(store: Arc<dyn Store>, guard: Box<dyn std::any::Any + Send>) -> Server {
        Server::start_with(store, guard, |state| state).await
    }

    /// Starts a server over `store` with the state `adjust` makes of the usual one.
    pub async fn start_with(
        store: Arc<dyn Store>,
        guard: Box<dyn std::any::Any + Send>,
        adjust: impl FnOnce(AppState) -> AppState,
    ) -> Server {
        let clock = Arc::new(AtomicI64::new(start_instant().timestamp_millis()));
        let c = clock.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let base = format!("http://{addr}");
        let state = AppState {
            store,
            schedule: Arc::new(Default::default()),
            credentials: Arc::new(onboard_store::password::OsCredentials),
            clock: Arc::new(move || {
                DateTime::from_timestamp_millis(c.load(Ordering::SeqCst)).unwrap()
            }),
            // E-mails link to this server, as `onboard serve` configures it.
            config: HttpConfig {
                mail: Arc::new(MailConfig::listening_on(addr)),
                ..HttpConfig::default()
            },
            metrics: None,
        };
        let state = adjust(state);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(onboard_http::serve(listener, state.clone(), async {
            let _ = rx.await;
        }));
        Server {
            base,
            state,
            clock,
            http: reqwest::Client::new(),
            shutdown: Some(tx),
            task: Some(task),
            _guard: guard,
        }
    }

    /// A server over a fresh SQLite database in a temporary directory.
    pub async fn sqlite() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let store =
            SqliteStore::open(&dir.path().join("onboard.db"), SqliteOptions::default()).unwrap();
        store.migrate().await.unwrap();
        Server::start(Arc::new(store), Box::new(dir)).await
    }

    /// A server over a fresh schema of `ONBOARD_TEST_POSTGRES_URL`; `None` (with a notice)
    /// when the variable is unset, a panic when it is unset under CI.
    pub async fn postgres(test: &str) -> Option<Server> {
        let Ok(url) = std::env::var("ONBOARD_TEST_POSTGRES_URL") else {
            assert!(
                std::env::var_os("CI").is_none(),
                "ONBOARD_TEST_POSTGRES_URL must be set under CI"
            );
            eprintln!("notice: ONBOARD_TEST_POSTGRES_URL is unset; skipping {test} on PostgreSQL");
            return None;
        };
        let schema = format!("http_{}", Uuid::new_v4().simple());
        let options = onboard_store::postgres::PgOptions {
            schema: Some(schema),
            drop_schema_on_drop: true,
            ..Default::default()
        };
        let store = onboard_store::postgres::PgStore::connect_with(&url, options)
            .await
            .unwrap();
        store.migrate().await.unwrap();
        Some(Server::start(Arc::new(store), Box::new(())).await)
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
    }

    /// Moves the server clock.
    pub fn set_clock(&self, at: DateTime<Utc>) {
        self.clock.store(at.timestamp_millis(), Ordering::SeqCst);
    }

    /// The server's current instant.
    pub fn now(&self) -> DateTime<Utc> {
        (self.state.clock)()
    }

    /// A request to `path` (starting with `/`), with the bearer token if any.
    pub fn req(&self, method: Method, path: &str, token: Option<&str>) -> reqwest::RequestBuilder {
        let mut r = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r
    }

    /// Sends and returns the status, the headers and the JSON body (`Null` when empty or
    /// not JSON).
    pub async fn send(&self, r: reqwest::RequestBuilder) -> Reply {
        let response = r.send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if status.is_client_error() || status.is_server_error() {
            let ct = headers
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_owned());
            assert_eq!(
                ct.as_deref(),
                Some("application/problem+json"),
                "error without problem JSON: {status} {bytes:?}"
            );
            assert_eq!(body["status"], status.as_u16(), "{body}");
        }
        Reply {
            status,
            headers,
            body,
        }
    }

    /// GET with a token.
    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.send(self.req(Method::GET, path, Some(token))).await
    }

    /// A JSON request with a token.
    pub async fn json(&self, method: Method, path: &str, token: &str, body: &Value) -> Reply {
        self.send(self.req(method, path, Some(token)).json(body))
            .await
    }

    /// Creates an e-Service with one งานบริการ as `token`'s agency; its id.
    pub async fn create_eservice(&self, token: &str, name: &str, service: &str) -> String {
        let body = serde_json::json!({"name": name, "services": [service]});
        let r = self
            .json(Method::POST, "/api/v1/eservices", token, &body)
            .await;
        r.expect(201)["id"].as_str().unwrap().to_owned()
    }

    /// POST without a body.
    pub async fn post_empty(&self, path: &str, token: &str) -> Reply {
        self.send(self.req(Method::POST, path, Some(token))).await
    }

    /// Uploads `bytes` as `name` for `purpose`.
    pub async fn upload(&self, token: &str, purpose: &str, name: &str, bytes: Vec<u8>) -> Reply {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
        let form = reqwest::multipart::Form::new().part("file", part);
        self.send(
            self.req(
                Method::POST,
                &format!("/api/v1/files?purpose={purpose}"),
                Some(token),
            )
            .multipart(form),
        )
        .await
    }

    /// Uploads and returns the new file id (asserting 201).
    pub async fn upload_id(
        &self,
        token: &str,
        purpose: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> String {
        let r = self.upload(token, purpose, name, bytes).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body["id"].as_str().unwrap().to_owned()
    }

    /// Logs in; returns the token (asserting 200).
    pub async fn login(&self, username: &str, password: &str) -> String {
        let r = self
            .send(
                self.req(Method::POST, "/api/v1/auth/login", None)
                    .json(&json!({"username": username, "password": password})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.body["token"].as_str().unwrap().to_owned()
    }

    /// Creates an account through the store, as an admin would (must change credentials).
    pub async fn create_account(
        &self,
        username: &str,
        password: &str,
        role: Role,
        agency: Option<AgencyId>,
    ) -> UserId {
        let hash = hash_password(password).unwrap();
        let email = format!("{}@dga.or.th", username.to_lowercase());
        let welcome = account_created(
            UserId::from_u128(0),
            username,
            password,
            &self.state.config.mail,
        );
        let user = self
            .state
            .store
            .create_user(
                NewUser {
                    username: username.to_owned(),
                    email,
                    display_name: format!("ผู้ใช้ {username}"),
                    role,
                    agency_id: agency,
                    password_hash: hash,
                    created_at: self.now(),
                },
                welcome,
            )
            .await
            .unwrap();
        user.id
    }

    /// An account created through the store, logged in and first-logged-in over HTTP.
    pub async fn account(&self, name: &str, role: Role, agency: Option<AgencyId>) -> Account {
        let initial = format!("Init{}Pw1x", name.len());
        let id = self
            .create_account(&format!("init_{name}"), &initial, role, agency)
            .await;
        let token = self.login(&format!("init_{name}"), &initial).await;
        let password = format!("Tangrat2027{}", name.len());
        let r = self
            .json(
                Method::POST,
                "/api/v1/auth/first-login",
                &token,
                &json!({"username": name, "password": password, "password_confirmation": password}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["user"]["must_change_credentials"], false);
        Account {
            id,
            username: name.to_owned(),
            password,
            token,
            agency,
        }
    }

    /// Agencies A and B and one account of every kind.
    pub async fn seed(&self) -> Seed {
        let store = &self.state.store;
        let agency_a = store
            .create_agency(NewAgency {
                name_th: "กรมกิจการผู้สูงอายุ".into(),
                name_en: "Department of Older Persons".into(),
                ministry_th: "กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์".into(),
                ministry_en: "Ministry of Social Development and Human Security".into(),
            })
            .await
            .unwrap()
            .id;
        let agency_b = store
            .create_agency(NewAgency {
                name_th: "กรมการขนส่งทางบก".into(),
                name_en: "Department of Land Transport".into(),
                ministry_th: "กระทรวงคมนาคม".into(),
                ministry_en: "Ministry of Transport".into(),
            })
            .await
            .unwrap()
            .id;
        let admin = self.account("admin.dga", Role::Admin, None).await;
        let reviewer = self.account("reviewer.dga", Role::Reviewer, None).await;
        let officer_a = self
            .account("officer_a", Role::Agency, Some(agency_a))
            .await;
        let officer_b = self
            .account("officer_b", Role::Agency, Some(agency_b))
            .await;
        let pending_pw = "Pending123x";
        let pending_id = self
            .create_account("pending.user", pending_pw, Role::Agency, Some(agency_a))
            .await;
        let pending_token = self.login("pending.user", pending_pw).await;
        Seed {
            agency_a,
            agency_b,
            admin,
            reviewer,
            officer_a,
            officer_b,
            pending: Account {
                id: pending_id,
                username: "pending.user".into(),
                password: pending_pw.into(),
                token: pending_token,
                agency: Some(agency_a),
            },
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// An answer.
#[derive(Debug, Clone)]
pub struct Reply {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: reqwest::header::HeaderMap,
    /// JSON body or `Null`.
    pub body: Value,
}

impl Reply {
    /// Asserts the status (showing the body otherwise) and returns the body.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Value {
        assert_eq!(self.status.as_u16(), status, "{}", self.body);
        &self.body
    }

    /// Asserts a problem answer with this status and code.
    #[track_caller]
    pub fn expect_problem(&self, status: u16, code: &str) -> &Value {
        assert_eq!(self.status.as_u16(), status, "{}", self.body);
        assert_eq!(self.body["code"], code, "{}", self.body);
        // Every problem speaks Thai to the officer (SPEC §10 `detail_th`).
        let thai = self.body["detail_th"].as_str().unwrap_or_default();
        assert!(
            thai.chars().any(|c| ('\u{0E01}'..='\u{0E5B}').contains(&c)),
            "no Thai detail: {}",
            self.body
        );
        &self.body
    }
}

/// A logged-in account.
#[derive(Debug, Clone)]
pub struct Account {
    /// User id.
    pub id: UserId,
    /// Username after the first login.
    pub username: String,
    /// Password after the first login.
    pub password: String,
    /// Bearer token.
    pub token: String,
    /// Agency.
    pub agency: Option<AgencyId>,
}

/// The seeded agencies and accounts.
#[derive(Debug, Clone)]
pub struct Seed {
    /// Agency A.
    pub agency_a: AgencyId,
    /// Agency B.
    pub agency_b: AgencyId,
    /// An admin.
    pub admin: Account,
    /// A reviewer.
    pub reviewer: Account,
    /// An officer of agency A.
    pub officer_a: Account,
    /// An officer of agency B.
    pub officer_b: Account,
    /// An officer of agency A who has not done the first login.
    pub pending: Account,
}

/// A core fixture payload (crates/onboard-core/tests/fixtures).
pub fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../onboard-core/tests/fixtures/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// The kinds of the e-Service's events, oldest first.
pub async fn event_kinds(server: &Server, token: &str, id: &str) -> Vec<String> {
    let r = server
        .get(&format!("/api/v1/eservices/{id}/events"), token)
        .await;
    r.expect(200)
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

/// The kinds of the caller's notifications, newest first.
pub async fn notification_kinds(server: &Server, token: &str) -> Vec<String> {
    let r = server.get("/api/v1/notifications", token).await;
    r.expect(200)
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_owned())
        .collect()
}

/// An e-Service of agency A with steps 1 to 6 done through the API: step 7 is open.
pub async fn at_launch(server: &Server, seed: &Seed) -> String {
    let id = server
        .create_eservice(
            &seed.officer_a.token,
            "ระบบแจ้งเตือนเบี้ยยังชีพ",
            "แจ้งเตือนการจ่ายเบี้ย",
        )
        .await;
    let steps = [
        "credential",
        "uat-setup",
        "uat-test",
        "platform-request",
        "preprod-setup",
        "preprod-test",
    ];
    pass_steps(server, seed, &id, &steps).await;
    id
}

/// Submits each of `steps` (slugs, in order) of e-Service `id` through the API with a valid
/// form and its uploads, as agency A's officer, and has the reviewer approve it.
pub async fn pass_steps(server: &Server, seed: &Seed, id: &str, steps: &[&str]) {
    let officer = seed.officer_a.token.as_str();
    let reviewer = seed.reviewer.token.as_str();
    let base = format!("/api/v1/eservices/{id}/steps");
    for &step in steps {
        let (mut form, path) = match step {
            "uat-test" | "preprod-test" => (
                onboard_core::samples::json(onboard_core::reference::Step::UatTest),
                format!("{base}/{step}/attempts"),
            ),
            "credential" => (
                onboard_core::samples::json(onboard_core::reference::Step::Credential),
                format!("{base}/{step}/submit"),
            ),
            "uat-setup" => (
                onboard_core::samples::json(onboard_core::reference::Step::UatSetup),
                format!("{base}/{step}/submit"),
            ),
            "platform-request" => (
                onboard_core::samples::json(onboard_core::reference::Step::PlatformRequest),
                format!("{base}/{step}/submit"),
            ),
            _ => (
                onboard_core::samples::json(onboard_core::reference::Step::PreprodSetup),
                format!("{base}/{step}/submit"),
            ),
        };
        let upload = |purpose: &'static str, name: &'static str, bytes: Vec<u8>| {
            server.upload_id(officer, purpose, name, bytes)
        };
        match step {
            "uat-test" | "preprod-test" => {
                form["file_id"] = json!(upload("test_result", "result.xlsx", files::xlsx()).await);
            }
            "credential" => {
                let icon = files::png(120, 120, [10, 120, 200]);
                form["icon_file_id"] = json!(upload("icon", "icon.png", icon).await);
            }
            "platform-request" => {
                let letter = files::pdf("letter");
                form["requester"]["assignment_letter_file_id"] =
                    json!(upload("assignment_letter", "letter.pdf", letter).await);
            }
            "preprod-setup" => {
                let icon = files::png(120, 120, [10, 120, 200]);
                form["icon_file_id"] = json!(upload("icon", "icon.png", icon).await);
                let shot = files::png(108, 192, [1, 2, 3]);
                form["screenshot_file_ids"] = json!([upload("screenshot", "shot.png", shot).await]);
            }
            _ => {}
        }
        let r = server.json(Method::POST, &path, officer, &form).await;
        assert!(r.status.is_success(), "{step}: {}", r.body);
        server
            .post_empty(&format!("{base}/{step}/approve"), reviewer)
            .await
            .expect(200);
    }
}

/// An e-Service of agency A whose step 7 is confirmed for the release Tuesday of
/// `desired` (`YYYY-MM-DD`): scheduled.
pub async fn scheduled(server: &Server, seed: &Seed, desired: &str) -> String {
    let id = at_launch(server, seed).await;
    confirm_launch(server, seed, &id, desired).await;
    id
}

/// Confirms step 7 of e-Service `id` for the release Tuesday of `desired`, as agency A's
/// officer.
pub async fn confirm_launch(server: &Server, seed: &Seed, id: &str, desired: &str) {
    let mut form = onboard_core::samples::json(onboard_core::reference::Step::Launch);
    form["desired_date"] = json!(desired);
    let path = format!("/api/v1/eservices/{id}/steps/launch/submit");
    let r = server
        .json(Method::POST, &path, &seed.officer_a.token, &form)
        .await;
    assert!(r.status.is_success(), "launch: {}", r.body);
}
