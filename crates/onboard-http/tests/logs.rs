//! What the server logs (at DEBUG, everything included) never carries a token, a password,
//! a consumer secret or an unmasked citizen ID (SPEC §13), and it does carry the request
//! line: method, matched route, status.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::files::png;
use common::{fixture, Server};
use reqwest::Method;
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// Collects every formatted log line.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_carry_no_secrets() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let officer = seed.officer_a.token.as_str();
    let reviewer = seed.reviewer.token.as_str();
    let r = server
        .json(
            Method::POST,
            "/api/v1/eservices",
            officer,
            &json!({"name": "ระบบ", "services": ["งาน"]}),
        )
        .await;
    let base = format!(
        "/api/v1/eservices/{}",
        r.expect(201)["id"].as_str().unwrap()
    );
    let icon = server
        .upload_id(officer, "icon", "icon.png", png(120, 120, [0, 0, 0]))
        .await;
    let mut step1 = fixture("step1-valid");
    step1["icon_file_id"] = json!(icon);
    server
        .json(
            Method::POST,
            &format!("{base}/steps/credential/submit"),
            officer,
            &step1,
        )
        .await
        .expect(200);
    let approved = server
        .post_empty(&format!("{base}/steps/credential/approve"), reviewer)
        .await;
    approved.expect(200);
    let mine = server.get(&base, officer).await;
    let secret = mine.body["credentials"]["uat"]["consumer_secret"]
        .as_str()
        .unwrap()
        .to_owned();
    server
        .json(
            Method::POST,
            &format!("{base}/steps/uat-setup/submit"),
            officer,
            &fixture("step2-valid"),
        )
        .await
        .expect(200);
    // A failed login and a malformed body with personal data in it.
    let _ = server
        .send(
            server
                .req(Method::POST, "/api/v1/auth/login", None)
                .json(&json!({"username": seed.admin.username, "password": "Wrong-Guess-123"})),
        )
        .await;
    let _ = server
        .send(
            server
                .req(
                    Method::PUT,
                    &format!("{base}/steps/uat-test/draft"),
                    Some(officer),
                )
                .body("{\"citizen_id\": \"3100600123450\""),
        )
        .await;
    server.stop().await;

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let secrets = [
        officer,
        reviewer,
        seed.admin.token.as_str(),
        seed.officer_a.password.as_str(),
        seed.admin.password.as_str(),
        "Wrong-Guess-123",
        secret.as_str(),
        "1103702071811",
        "3100600123450",
    ];
    for s in secrets {
        assert!(
            !log.contains(s),
            "the log carries a secret or personal datum: {s}"
        );
    }
    assert!(
        !log.to_ascii_lowercase().contains("authorization"),
        "headers are not logged"
    );
    assert!(
        log.contains("path=/api/v1/eservices/{id}/steps/{step}/submit"),
        "{log}"
    );
    assert!(log.contains("status=200"), "{log}");
}
