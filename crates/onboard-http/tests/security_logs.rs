//! Security pass (issue 6, SPEC §13): the logs captured during a full seven-step walk (at
//! DEBUG, everything included) carry no token, password, password hash, consumer secret or
//! unmasked citizen ID, and no request header. A test binary of its own: the log subscriber
//! is process-wide, and no other test's output may mix in.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Server;
use onboard_core::reference::Step;
use reqwest::Method;
use serde_json::{json, Value};
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use uuid::Uuid;

/// Every formatted log line of this test binary (all its tests share the subscriber).
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

fn captured_logs() -> &'static Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| {
        let captured = Captured::default();
        let writer = captured.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .init();
        captured
    })
}

/// Runs of 40 or more base64url characters that are not plain hex: what a bearer token
/// (43 base64url characters of 32 random bytes) looks like, whoever created it.
fn token_like_runs(text: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut current = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            current.push(c);
        } else {
            if current.len() >= 40
                && !current.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
                && !current.chars().all(|c| c.is_ascii_alphabetic() || c == '_')
            {
                runs.push(current.clone());
            }
            current.clear();
        }
    }
    runs
}

/// Every `citizen_id` in a fixture, as digits only.
fn citizen_ids(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match v {
                    Value::String(s) if k == "citizen_id" => {
                        out.push(s.chars().filter(char::is_ascii_digit).collect());
                    }
                    other => citizen_ids(other, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| citizen_ids(v, out)),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_of_a_full_walk_carry_no_secrets() {
    let logs = captured_logs();
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let id = common::walk::seven_steps(&server, &seed).await;
    // The walk ends with the clock moved past the sessions' lifetime: log in again.
    let officer = server
        .login(&seed.officer_a.username, &seed.officer_a.password)
        .await;
    let detail = server
        .get(&format!("/api/v1/eservices/{id}"), &officer)
        .await;
    let credentials = &detail.expect(200)["credentials"];
    let mut secrets: Vec<String> = ["uat", "production"]
        .iter()
        .map(|env| {
            credentials[*env]["consumer_secret"]
                .as_str()
                .unwrap_or_else(|| panic!("{env} secret: {credentials}"))
                .to_owned()
        })
        .collect();
    // A failed login, a malformed body with personal data, a request with a bad token.
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
                .req(Method::POST, "/api/v1/eservices", Some(&officer))
                .body("{\"name\": \"3100600123450\", \"citizen_id\": \"3100600123450\""),
        )
        .await;
    let _ = server.get("/api/v1/me", "forged-token-value").await;
    // A refused and a done password change.
    for current in ["Wrong-Current-123", seed.officer_a.password.as_str()] {
        let _ = server
            .json(
                Method::POST,
                "/api/v1/me/password",
                &officer,
                &json!({"current_password": current, "password": "Changed-Secret-2028", "password_confirmation": "Changed-Secret-2028"}),
            )
            .await;
    }
    // An admin resets an account's credentials, disables it and enables it again.
    let admin = server
        .login(&seed.admin.username, &seed.admin.password)
        .await;
    let reset = server
        .post_empty(
            &format!("/api/v1/users/{}/reset-credentials", seed.officer_b.id),
            &admin,
        )
        .await;
    let initial = reset.expect(200)["initial_password"]
        .as_str()
        .unwrap()
        .to_owned();
    for action in ["disable", "enable"] {
        server
            .post_empty(
                &format!("/api/v1/users/{}/{action}", seed.officer_b.id),
                &admin,
            )
            .await
            .expect(200);
    }
    server.stop().await;

    for account in [
        &seed.admin,
        &seed.reviewer,
        &seed.officer_a,
        &seed.officer_b,
        &seed.pending,
    ] {
        secrets.push(account.token.clone());
        secrets.push(account.password.clone());
    }
    secrets.push(officer);
    secrets.push("Wrong-Guess-123".into());
    secrets.push("forged-token-value".into());
    secrets.push("Wrong-Current-123".into());
    secrets.push("Changed-Secret-2028".into());
    secrets.push(admin);
    secrets.push(initial);
    let mut ids = Vec::new();
    for step in [Step::UatSetup, Step::PlatformRequest, Step::PreprodSetup] {
        citizen_ids(&onboard_core::samples::json(step), &mut ids);
    }
    assert!(ids.len() >= 5, "{ids:?}");
    secrets.extend(ids);

    let log = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        log.contains("path=/api/v1/eservices/{id}/steps/{step}/approve"),
        "the walk was logged"
    );
    assert!(log.contains("status=200"), "the status is logged");
    assert!(log.contains("password changed"), "the change is logged");
    for done in ["credentials reset", "user disabled", "user enabled"] {
        assert!(log.contains(done), "{done} is logged");
    }
    for s in &secrets {
        assert!(
            !log.contains(s.as_str()),
            "the log carries a secret or personal datum: {s}"
        );
    }
    let runs = token_like_runs(&log);
    assert!(runs.is_empty(), "token-like strings in the log: {runs:?}");
    for word in ["authorization", "bearer ", "$argon2"] {
        let lines: Vec<&str> = log
            .lines()
            .filter(|l| l.to_ascii_lowercase().contains(word))
            .collect();
        assert!(
            lines.is_empty(),
            "headers and hashes are not logged: {lines:?}"
        );
    }
}

#[test]
fn token_like_runs_find_tokens_and_spare_ids() {
    let token = onboard_store::password::new_token();
    let hash = onboard_store::password::token_hash(&token);
    let text = format!(
        "user={} sha={hash} path=/api/v1/eservices/{{id}}/steps/{{step}}/submit {token}",
        Uuid::now_v7()
    );
    assert_eq!(token_like_runs(&text), vec![token]);
}
