//! SPEC §15: `GET /metrics` on its own listener after a small walk, read with a Prometheus
//! text parser (`openmetrics-parser`: a grammar of the format; simpler line parsers drop
//! samples whose label values hold `{`, as route templates do). The counts must be those of
//! the requests made; the database's gauges must equal what the store holds.

use crate::common::{pass_steps, Server};
use onboard_http::Metrics;
use onboard_store::sqlite::{SqliteOptions, SqliteStore};
use onboard_store::{OutboxStatus, Store};
use openmetrics_parser::PrometheusValue;
use reqwest::Method;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// One sample: the family's name and the sample's labels.
type Key = (String, BTreeMap<String, String>);

/// Every sample of a scrape: counters and gauges by value, histograms by their count.
#[derive(Debug)]
struct Scrape(HashMap<Key, f64>);

impl Scrape {
    fn parse(text: &str) -> Scrape {
        let exposition = openmetrics_parser::prometheus::parse_prometheus(text)
            .unwrap_or_else(|e| panic!("not the Prometheus text format: {e:?}\n{text}"));
        let mut samples = HashMap::new();
        for (name, family) in &exposition.families {
            for sample in family.iter_samples() {
                let labels = sample
                    .get_labelset()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                let value = match &sample.value {
                    PrometheusValue::Counter(c) => c.value.as_f64(),
                    PrometheusValue::Gauge(g) | PrometheusValue::Unknown(g) => g.as_f64(),
                    PrometheusValue::Histogram(h) => h.count.unwrap() as f64,
                    PrometheusValue::Summary(_) => panic!("no summaries are exported"),
                };
                samples.insert((name.clone(), labels), value);
            }
        }
        Scrape(samples)
    }

    /// The value of `name` with exactly `labels`, 0 when absent (a series not yet seen).
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        let labels = labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.0
            .get(&(name.to_owned(), labels))
            .copied()
            .unwrap_or(0.0)
    }

    fn has_family(&self, name: &str) -> bool {
        self.0.keys().any(|(n, _)| n == name)
    }

    /// The label values of `label` over the samples of `name`.
    fn label_values(&self, name: &str, label: &str) -> Vec<String> {
        self.0
            .keys()
            .filter(|(n, _)| n == name)
            .filter_map(|(_, l)| l.get(label).cloned())
            .collect()
    }
}

async fn scrape(url: &str) -> Scrape {
    let answer = reqwest::get(url).await.unwrap();
    assert_eq!(answer.status(), 200);
    let content_type = answer.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    Scrape::parse(&answer.text().await.unwrap())
}

/// A metrics listener of its own over `state`; its `/metrics` URL.
async fn metrics_listener(state: onboard_http::AppState) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/metrics", listener.local_addr().unwrap());
    tokio::spawn(onboard_http::metrics::serve(listener, state));
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_a_small_walk_and_read_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let store =
        SqliteStore::open(&dir.path().join("onboard.db"), SqliteOptions::default()).unwrap();
    store.migrate().await.unwrap();
    let store: Arc<dyn Store> = Arc::new(store);
    let server = Server::start_with(store.clone(), Box::new(dir), |state| {
        state.with_metrics(Arc::new(Metrics::new()))
    })
    .await;
    let url = metrics_listener(server.state.clone()).await;
    // Never on the public address.
    let public = reqwest::get(format!("{}/metrics", server.base))
        .await
        .unwrap();
    assert_eq!(public.status(), 404);

    let seed = server.seed().await;
    let before = scrape(&url).await;

    // Logins: two wrong passwords, then an unknown name until it is throttled.
    let login = |username: &'static str| {
        server.send(
            server
                .req(Method::POST, "/api/v1/auth/login", None)
                .json(&json!({"username": username, "password": "not-the-password"})),
        )
    };
    for _ in 0..2 {
        login("officer_a").await.expect(401);
    }
    for _ in 0..5 {
        login("nobody.here").await.expect(401);
    }
    login("nobody.here").await.expect(429);

    // Commands: step 1 submitted and approved, step 2 submitted, an officer's approval refused.
    let officer = seed.officer_a.token.as_str();
    let id = server
        .create_eservice(officer, "ขอรับเบี้ยยังชีพ", "ยื่นคำขอ")
        .await;
    pass_steps(&server, &seed, &id, &["credential"]).await;
    let uat = onboard_core::samples::json(onboard_core::reference::Step::UatSetup);
    let steps = format!("/api/v1/eservices/{id}/steps/uat-setup");
    server
        .json(Method::POST, &format!("{steps}/submit"), officer, &uat)
        .await
        .expect(200);
    server
        .post_empty(&format!("{steps}/approve"), officer)
        .await
        .expect_problem(403, "forbidden");
    let submitted = server.now();
    server.set_clock(submitted + chrono::Duration::hours(2));

    let after = scrape(&url).await;
    let delta = |name: &str, labels: &[(&str, &str)]| {
        after.value(name, labels) - before.value(name, labels)
    };

    // Requests by route template and status; the histogram counted each one.
    let login_route = [("method", "POST"), ("route", "/api/v1/auth/login")];
    let with_status = |status| {
        let mut labels = login_route.to_vec();
        labels.push(("status", status));
        labels
    };
    assert_eq!(
        delta("onboard_http_requests_total", &with_status("401")),
        7.0
    );
    assert_eq!(
        delta("onboard_http_requests_total", &with_status("429")),
        1.0
    );
    assert_eq!(
        delta("onboard_http_request_duration_seconds", &login_route),
        8.0
    );
    let submit = [
        ("method", "POST"),
        ("route", "/api/v1/eservices/{id}/steps/{step}/submit"),
        ("status", "200"),
    ];
    assert_eq!(delta("onboard_http_requests_total", &submit), 2.0);
    let routes = after.label_values("onboard_http_requests_total", "route");
    assert!(
        routes.iter().all(|r| !r.contains(&id)),
        "a route is a template, never a path: {routes:?}"
    );
    // The scrapes themselves are on the other listener: not counted here.
    assert!(!routes.iter().any(|r| r.contains("metrics")), "{routes:?}");

    // Commands by kind and result; logins refused.
    let command = |kind, result| {
        delta(
            "onboard_commands_total",
            &[("kind", kind), ("result", result)],
        )
    };
    assert_eq!(command("submit", "accepted"), 2.0);
    assert_eq!(command("approve", "accepted"), 1.0);
    assert_eq!(command("approve", "forbidden"), 1.0);
    assert_eq!(delta("onboard_login_failures_total", &[]), 7.0);
    assert_eq!(delta("onboard_login_throttled_total", &[]), 1.0);

    // The database's figures: the outbox and the review queue as the store holds them.
    let pending = store
        .outbox(Some(OutboxStatus::Pending), 10_000)
        .await
        .unwrap();
    assert!(!pending.is_empty());
    let outbox = |status| after.value("onboard_outbox_messages", &[("status", status)]);
    assert_eq!(outbox("pending"), pending.len() as f64);
    assert_eq!((outbox("sending"), outbox("failed")), (0.0, 0.0));
    let oldest = pending.iter().map(|m| m.created_at).min().unwrap();
    assert_eq!(
        after.value("onboard_outbox_oldest_pending_age_seconds", &[]),
        (server.now() - oldest).num_seconds() as f64
    );
    assert_eq!(after.value("onboard_review_awaiting", &[]), 1.0);
    assert_eq!(
        after.value("onboard_review_oldest_wait_seconds", &[]),
        7200.0
    );

    // Store operations are timed by name; the process is there.
    let executes = delta(
        "onboard_store_operation_duration_seconds",
        &[("operation", "execute")],
    );
    assert!(executes >= 4.0, "{executes}");
    assert!(after.value("onboard_http_open_connections", &[]) >= 1.0);
    if cfg!(target_os = "linux") {
        assert!(after.value("process_resident_memory_bytes", &[]) > 1_000_000.0);
        assert!(after.has_family("process_open_fds"));
    }

    // A second server on the same database reports the same database figures, and none of
    // the first one's requests.
    let other = onboard_http::AppState {
        clock: server.state.clock.clone(),
        ..onboard_http::AppState::new(store.clone())
    }
    .with_metrics(Arc::new(Metrics::new()));
    let second = scrape(&metrics_listener(other).await).await;
    for (name, labels) in [
        ("onboard_outbox_messages", vec![("status", "pending")]),
        ("onboard_outbox_oldest_pending_age_seconds", vec![]),
        ("onboard_review_awaiting", vec![]),
        ("onboard_review_oldest_wait_seconds", vec![]),
    ] {
        assert_eq!(
            second.value(name, &labels),
            after.value(name, &labels),
            "{name}"
        );
    }
    assert_eq!(
        second.value("onboard_http_requests_total", &with_status("401")),
        0.0
    );
}
