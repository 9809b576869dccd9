//! # onboard-http
//!
//! The JSON API of onboard (SPEC §10) as an axum [`Router`]: authentication and roles,
//! the seven-step workflow, uploads, the dashboard and an OpenAPI 3.1 document.
//!
//! The layer is thin: requests are parsed here, every rule is decided by `onboard-core`
//! (through the `onboard-store` transaction), and answers and errors are translated back.
//! Every failure is `application/problem+json` ([`ApiError`]).
//!
//! | module | what it serves |
//! | --- | --- |
//! | `auth` | login, logout, first login, `GET /me`, the caller extractors |
//! | `admin` | agencies and user accounts (the flows live in `onboard-app`) |
//! | `eservices` | list, create, detail, services, events, review queue, launched |
//! | `steps` | drafts, submissions, withdrawals, test attempts, reviews |
//! | `portal` | dashboard, notifications, release dates, reference data |
//! | `calendar` | the release calendar's closed dates and its iCalendar feed |
//! | `files` | uploads (streamed, size-checked, content-sniffed) and downloads |
//! | `ops` | `/healthz`, request logging, timeouts, panics, unknown routes |
//! | `openapi` | the `/openapi.json` document |
//! | `web` | the web portal's pages at `/` (askama templates, cookie sessions, CSRF) |
//!
//! ## Decisions where the SPEC is silent
//!
//! - Problem `type` is `urn:onboard:problem:<code>`, `title` the HTTP reason phrase. Codes
//!   beyond the SPEC table: `conflict` (409, a unique value is taken, e.g. a generated
//!   username; the first login's username answers 422 `duplicate` on `username` instead),
//!   `method_not_allowed` (405), `request_timeout` (408), `internal` (500, details only in
//!   the log) and `unavailable` (503, `/healthz`).
//! - `per_page` above 100 or 0, and `page` 0, are 400 `bad_request` (not clamped).
//! - JSON bodies: at most 2 MiB (413 beyond); the content type is not checked (bearer tokens,
//!   no cookies: nothing to forge). Wrong types are 400; missing members of the server's own
//!   bodies default to empty so that core reports them (422 `required`). An empty body on
//!   `approve`, `request-changes` and attempts is `{}`; on `submit` it submits the draft.
//! - Every request: at most 20 MiB + 64 KiB, refused from `Content-Length` before reading;
//!   uploads are also cut at their purpose's limit while streaming (413).
//! - `POST /auth/first-login` after the first login is 409 `invalid_transition`. The login
//!   answer also carries `expires_at`.
//! - `GET .../attempts` of a step without attempts is 404. Attempts carry `file_name` (SPEC
//!   §3) looked up from the stored file.
//! - Files uploaded by staff (no agency) can be downloaded by staff only.
//! - `GET /review-queue` returns at most 1,000 e-Services; `GET /notifications` the 100
//!   newest. `GET /schedule/release-date` without `desired` uses the submit date.
//! - `If-Match` takes `"7"`, `7`, `W/"7"` or `*` (any version), also on `PUT .../services`.
//!
//! ```no_run
//! # async fn run(state: onboard_http::AppState) -> std::io::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! onboard_http::serve(listener, state, onboard_http::shutdown_signal()).await
//! # }
//! ```

mod admin;
mod auth;
mod calendar;
mod eservices;
mod extract;
mod files;
pub mod metrics;
mod openapi;
mod ops;
mod portal;
mod problem;
mod routes;
mod steps;
mod templates;
mod views;
mod web;

pub use admin::CreatedUser;
pub use metrics::Metrics;
pub use openapi::document as openapi_document;
pub use problem::{ApiError, Problem};
pub use routes::routes;
pub use views::UserView;

use axum::Router;
use chrono::{DateTime, Utc};
use onboard_core::notify::MailConfig;
use onboard_core::schedule::ScheduleConfig;
use onboard_core::workflow::CredentialIssuer;
use onboard_store::{CommandContext, Store};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// Settings of the HTTP layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpConfig {
    /// How long a login session lasts (default 8 hours).
    pub session_ttl: Duration,
    /// Longest time one request may take before it is answered 408 (default 30 s).
    pub request_timeout: Duration,
    /// The portal URL every e-mail links to (e-Service pages, the login page of the welcome
    /// e-mail) and the signature under it. The server binary defaults it to the address it
    /// listens on.
    pub mail: Arc<MailConfig>,
    /// Whether an `x-request-id` sent with a request is kept (behind a proxy that sets
    /// it) instead of replaced by a new one; off by default, since a client could
    /// otherwise name its requests after someone else's.
    pub trust_request_id: bool,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            session_ttl: Duration::from_secs(8 * 3600),
            request_timeout: Duration::from_secs(30),
            mail: Arc::new(MailConfig::default()),
            trust_request_id: false,
        }
    }
}

/// The clock of the server; tests fix it.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Everything a request handler needs. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The storage backend.
    pub store: Arc<dyn Store>,
    /// The launch deadline (and the closed dates that seed the release calendar; every
    /// schedule computation reads the calendar's dates through
    /// `onboard_app::calendar::schedule`).
    pub schedule: Arc<ScheduleConfig>,
    /// Generates credentials when a reviewer supplies none (steps 1 and 4).
    pub credentials: Arc<dyn CredentialIssuer + Send + Sync>,
    /// The current instant.
    pub clock: Clock,
    /// Settings.
    pub config: HttpConfig,
    /// Prometheus metrics, when they are on ([`metrics::router`] serves them).
    pub metrics: Option<Arc<Metrics>>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("schedule", &self.schedule)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// A state with the system clock, CSPRNG credentials, the default schedule and
    /// default settings.
    pub fn new(store: Arc<dyn Store>) -> AppState {
        AppState {
            store,
            schedule: Arc::new(ScheduleConfig::default()),
            credentials: Arc::new(onboard_store::password::OsCredentials),
            clock: Arc::new(Utc::now),
            config: HttpConfig::default(),
            metrics: None,
        }
    }

    /// The same state with metrics on: requests, commands and logins are counted, and the
    /// store is wrapped so each of its calls is timed. Serve [`metrics::router`] with the
    /// same state on a listener of its own.
    pub fn with_metrics(self, metrics: Arc<Metrics>) -> AppState {
        let timing = metrics.clone();
        let store = onboard_store::observed::Observed::new(
            self.store,
            Arc::new(move |operation, took| timing.store_operation(operation, took)),
        );
        AppState {
            store: Arc::new(store),
            metrics: Some(metrics),
            ..self
        }
    }

    /// The current instant by [`AppState::clock`].
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// Applies `command` to the e-Service `id` as `user` through the one application flow,
    /// counting it by kind and result; the JSON API and the portal both call this.
    pub(crate) async fn execute(
        &self,
        user: &onboard_store::User,
        id: onboard_core::id::EServiceId,
        command: onboard_core::workflow::Command,
        version: Option<u64>,
    ) -> Result<onboard_core::workflow::EService, onboard_app::AppError> {
        let kind = command.kind();
        let outcome = onboard_app::eservices::execute(
            self.store.as_ref(),
            user,
            id,
            command,
            version,
            &self.command_context(),
        )
        .await;
        if let Some(metrics) = &self.metrics {
            metrics.command(kind, &outcome);
        }
        outcome
    }

    /// Signs `username` in through the one application flow, counting refusals; the JSON
    /// API and the portal both call this.
    pub(crate) async fn login(
        &self,
        username: &str,
        password: &str,
        ttl: chrono::Duration,
    ) -> Result<onboard_app::accounts::LoggedIn, onboard_app::AppError> {
        let outcome =
            onboard_app::accounts::login(self.store.as_ref(), username, password, ttl, self.now())
                .await;
        if let Some(metrics) = &self.metrics {
            metrics.login(&outcome);
        }
        outcome
    }

    /// The context of a command applied now.
    pub(crate) fn command_context(&self) -> CommandContext {
        CommandContext {
            now: self.now(),
            schedule: self.schedule.clone(),
            credentials: self.credentials.clone(),
            mail: self.config.mail.clone(),
        }
    }
}

/// The whole API and the web portal: `/api/v1/...`, `/healthz`, `/openapi.json` and the
/// portal's pages at `/`, with logging, timeouts,
/// the body limit, panic recovery and problem-JSON answers for unknown routes and methods.
///
/// The router has no prefix of its own beyond those paths, so another axum application can
/// `nest` or `merge` it.
pub fn router(state: AppState) -> Router {
    ops::layered(routes::build().merge(web::routes()), state)
}

/// Serves the API (HTTP/1.1) on `listener` until `shutdown` completes; requests in flight
/// are finished first (graceful shutdown).
///
/// A client must send a request's headers within [`HttpConfig::request_timeout`] or the
/// connection is closed (a slow-headers client cannot hold a connection open); the whole
/// request, body included, is answered 408 after the same time (see [`router`]).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;

    let header_timeout = state.config.request_timeout;
    let connections = state.metrics.as_ref().map(|m| m.open_connections().clone());
    let app = router(state);
    // Dropping `stop` tells the connections to finish; `done` completes when all have.
    let (stop, stopping) = tokio::sync::watch::channel(());
    let (done, finished) = tokio::sync::watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    accept_failed(&e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = TowerToHyperService::new(app.clone());
        let open = connections.clone().map(OpenConnection::new);
        let mut stopping = stopping.clone();
        let finished = finished.clone();
        tokio::spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout);
            let mut connection =
                std::pin::pin!(builder.serve_connection(TokioIo::new(stream), service));
            let mut asked = false;
            loop {
                tokio::select! {
                    result = connection.as_mut() => {
                        if let Err(e) = result {
                            tracing::debug!(error = %e, "connection ended with an error");
                        }
                        break;
                    }
                    _ = stopping.changed(), if !asked => {
                        asked = true;
                        connection.as_mut().graceful_shutdown();
                    }
                }
            }
            drop(open);
            drop(finished);
        });
    }
    drop(listener);
    drop(stop);
    drop(finished);
    done.closed().await;
    Ok(())
}

/// One open connection on the gauge, for as long as it lives.
struct OpenConnection(prometheus::IntGauge);

impl OpenConnection {
    fn new(gauge: prometheus::IntGauge) -> OpenConnection {
        gauge.inc();
        OpenConnection(gauge)
    }
}

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// After a failed `accept`: connection-level errors are the client's; others (too many
/// open files, ...) are logged and retried after a pause so the loop does not spin.
async fn accept_failed(e: &std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accept failed");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// Completes on SIGTERM or Ctrl-C (SIGINT), for [`serve`]'s graceful shutdown.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing requests in flight");
}
