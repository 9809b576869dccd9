//! Prometheus metrics (SPEC §15): what the server counts as it answers, and what it reads
//! from the database at each scrape.
//!
//! The `prometheus` crate, with a registry of the server's own rather than a global one, so
//! that an embedder's application (or a test with several servers in one process) keeps
//! each server's figures apart. Metrics are off unless [`AppState::metrics`] holds some;
//! `onboard serve --metrics-addr` turns them on and serves [`router`] on its own listener,
//! never on the public address.

use crate::AppState;
use axum::body::Body;
use axum::extract::{MatchedPath, State};
use axum::http::{header, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use onboard_app::AppError;
use onboard_core::reference::CommandKind;
use onboard_store::{Scope, StoreError};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};
use std::time::{Duration, Instant};

/// Latency buckets, in seconds: from a cached page (a millisecond) to the request timeout.
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The server's metrics. Cheap to share (`Arc`); every handle is updated lock-free.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    request_seconds: HistogramVec,
    open_connections: IntGauge,
    commands: IntCounterVec,
    login_failures: IntCounter,
    login_throttled: IntCounter,
    store_seconds: HistogramVec,
    outbox: IntGaugeVec,
    outbox_oldest_seconds: IntGauge,
    review_awaiting: IntGauge,
    review_oldest_seconds: IntGauge,
}

impl Metrics {
    /// A registry with every family of SPEC §15 and the process's own (memory, CPU, file
    /// descriptors, on Linux).
    // The names, help texts and label sets are constants: `prometheus` refuses only invalid
    // ones or a name registered twice, which the tests would show at once.
    #[allow(clippy::expect_used)]
    pub fn new() -> Metrics {
        let registry = Registry::new();
        let metrics = Metrics {
            requests: IntCounterVec::new(
                Opts::new(
                    "onboard_http_requests_total",
                    "HTTP requests answered, by method, route template and status",
                ),
                &["method", "route", "status"],
            )
            .expect("valid metric"),
            request_seconds: HistogramVec::new(
                HistogramOpts::new(
                    "onboard_http_request_duration_seconds",
                    "Time to answer an HTTP request, by method and route template",
                )
                .buckets(BUCKETS.to_vec()),
                &["method", "route"],
            )
            .expect("valid metric"),
            open_connections: IntGauge::new(
                "onboard_http_open_connections",
                "HTTP connections open now",
            )
            .expect("valid metric"),
            commands: IntCounterVec::new(
                Opts::new(
                    "onboard_commands_total",
                    "Commands on e-Services, by kind and result (accepted, or the SPEC error code)",
                ),
                &["kind", "result"],
            )
            .expect("valid metric"),
            login_failures: IntCounter::new(
                "onboard_login_failures_total",
                "Logins refused for a wrong username or password or a disabled account",
            )
            .expect("valid metric"),
            login_throttled: IntCounter::new(
                "onboard_login_throttled_total",
                "Logins refused because the username had too many failures (429)",
            )
            .expect("valid metric"),
            store_seconds: HistogramVec::new(
                HistogramOpts::new(
                    "onboard_store_operation_duration_seconds",
                    "Time of a store operation, by operation",
                )
                .buckets(BUCKETS.to_vec()),
                &["operation"],
            )
            .expect("valid metric"),
            outbox: IntGaugeVec::new(
                Opts::new(
                    "onboard_outbox_messages",
                    "E-mails in the outbox by status (pending, sending, failed), read from the database",
                ),
                &["status"],
            )
            .expect("valid metric"),
            outbox_oldest_seconds: IntGauge::new(
                "onboard_outbox_oldest_pending_age_seconds",
                "Age of the oldest e-mail not yet sent (0 when none), read from the database",
            )
            .expect("valid metric"),
            review_awaiting: IntGauge::new(
                "onboard_review_awaiting",
                "e-Services whose current step is under review, read from the database",
            )
            .expect("valid metric"),
            review_oldest_seconds: IntGauge::new(
                "onboard_review_oldest_wait_seconds",
                "How long the oldest submission under review has waited (0 when none), read from the database",
            )
            .expect("valid metric"),
            registry,
        };
        metrics.register_all();
        metrics
    }

    #[allow(clippy::expect_used)] // as in `new`
    fn register_all(&self) {
        let collectors: [Box<dyn prometheus::core::Collector>; 11] = [
            Box::new(self.requests.clone()),
            Box::new(self.request_seconds.clone()),
            Box::new(self.open_connections.clone()),
            Box::new(self.commands.clone()),
            Box::new(self.login_failures.clone()),
            Box::new(self.login_throttled.clone()),
            Box::new(self.store_seconds.clone()),
            Box::new(self.outbox.clone()),
            Box::new(self.outbox_oldest_seconds.clone()),
            Box::new(self.review_awaiting.clone()),
            Box::new(self.review_oldest_seconds.clone()),
        ];
        for c in collectors {
            self.registry.register(c).expect("each name once");
        }
        #[cfg(target_os = "linux")]
        self.registry
            .register(Box::new(
                prometheus::process_collector::ProcessCollector::for_self(),
            ))
            .expect("process metrics once");
    }

    /// The registry, for an embedder to add its own metrics or serve them elsewhere.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Counts one answered request.
    pub(crate) fn request(&self, method: &str, route: &str, status: StatusCode, took: Duration) {
        self.requests
            .with_label_values(&[method, route, status.as_str()])
            .inc();
        self.request_seconds
            .with_label_values(&[method, route])
            .observe(took.as_secs_f64());
    }

    /// Counts one command by its outcome.
    pub(crate) fn command<T>(&self, kind: CommandKind, outcome: &Result<T, AppError>) {
        self.commands
            .with_label_values(&[kind.as_str(), result_label(outcome)])
            .inc();
    }

    /// Counts a refused login.
    pub(crate) fn login<T>(&self, outcome: &Result<T, AppError>) {
        match outcome {
            Err(AppError::InvalidCredentials) => self.login_failures.inc(),
            Err(AppError::TooManyAttempts { .. }) => self.login_throttled.inc(),
            _ => {}
        }
    }

    /// Times one store operation.
    pub(crate) fn store_operation(&self, operation: &str, took: Duration) {
        self.store_seconds
            .with_label_values(&[operation])
            .observe(took.as_secs_f64());
    }

    /// The handle of the open-connections gauge, for the accept loop.
    pub(crate) fn open_connections(&self) -> &IntGauge {
        &self.open_connections
    }

    /// The Prometheus text format of every metric, after reading the database's figures.
    async fn render(&self, state: &AppState) -> Result<String, StoreError> {
        let now = state.now();
        let depth = state.store.outbox_depth().await?;
        let today = onboard_core::schedule::today_in_bangkok(now);
        let awaiting = state
            .store
            .dashboard(Scope::All, today)
            .await?
            .awaiting_review;
        let oldest = state.store.review_queue(1, today).await?;
        for (status, n) in [
            ("pending", depth.pending),
            ("sending", depth.sending),
            ("failed", depth.failed),
        ] {
            self.outbox.with_label_values(&[status]).set(gauge(n));
        }
        let age = |since: Option<chrono::DateTime<chrono::Utc>>| {
            since.map_or(0, |t| (now - t).num_seconds().max(0))
        };
        self.outbox_oldest_seconds.set(age(depth.oldest_unsent));
        self.review_awaiting.set(gauge(awaiting));
        self.review_oldest_seconds
            .set(age(oldest.first().and_then(|i| i.review_since)));
        let mut text = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut text)
            .map_err(|e| StoreError::caused("encoding the metrics", e))?;
        String::from_utf8(text).map_err(|e| StoreError::caused("encoding the metrics", e))
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

fn gauge(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// `accepted`, or the SPEC code of the refusal; `error` when the server failed.
fn result_label<T>(outcome: &Result<T, AppError>) -> &'static str {
    match outcome {
        Ok(_) => "accepted",
        Err(AppError::Store(StoreError::Command(e))) => e.code(),
        Err(AppError::Store(StoreError::NotFound)) => "not_found",
        Err(AppError::Invalid(_)) => "validation_failed",
        Err(AppError::Forbidden(_)) => "forbidden",
        Err(_) => "error",
    }
}

/// The metrics listener's routes: `GET /metrics`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(scrape))
        .with_state(state)
}

/// Serves [`router`] on `listener` until the task is dropped or aborted.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, router(state)).await
}

async fn scrape(State(state): State<AppState>) -> Response {
    let Some(metrics) = state.metrics.clone() else {
        return (StatusCode::NOT_FOUND, "metrics are off\n").into_response();
    };
    match metrics.render(&state).await {
        Ok(text) => ([(header::CONTENT_TYPE, prometheus::TEXT_FORMAT)], text).into_response(),
        Err(e) => {
            tracing::error!(error = %onboard_store::error_chain(&e), "metrics scrape failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "the database did not answer\n",
            )
                .into_response()
        }
    }
}

/// Counts and times every request by its route template (never the raw path: ids would
/// make a series per e-Service).
pub(crate) async fn track(
    State(state): State<AppState>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let Some(metrics) = state.metrics.clone() else {
        return next.run(request).await;
    };
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("<unmatched>", MatchedPath::as_str)
        .to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    metrics.request(&method, &route, response.status(), started.elapsed());
    response
}
