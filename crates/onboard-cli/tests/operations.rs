//! SPEC §15 on the real binary: `onboard serve --log-format json --metrics-addr ...`
//! writes one JSON object per log line, gives every request an id that is on the answer
//! and on each log line of that request, and serves `/metrics` only on its own listener.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The server process, killed when the test ends, passed or not.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One HTTP/1.1 exchange: status, headers (lower-case names), body.
fn exchange(addr: &str, head: &str, body: &str) -> (u16, Vec<(String, String)>, String) {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "{head}\r\nhost: {addr}\r\nconnection: close\r\ncontent-type: application/json\r\n\
         content-length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (top, body) = answer.split_once("\r\n\r\n").unwrap();
    let mut lines = top.split("\r\n");
    let status = lines.next().unwrap()[9..12].parse().unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_owned()))
        .collect();
    (status, headers, body.to_owned())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} in {headers:?}"))
}

/// Waits until a log line's message holds `marker` and returns what follows it up to `/`.
fn address_after(lines: &Mutex<Vec<String>>, marker: &str) -> String {
    for _ in 0..600 {
        for line in lines.lock().unwrap().iter() {
            if let Some(rest) = line.split(marker).nth(1) {
                return rest.split('/').next().unwrap().to_owned();
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("no log line with {marker}: {:?}", lines.lock().unwrap());
}

#[test]
fn json_logs_carry_each_request_id_and_metrics_stay_off_the_public_address() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_onboard"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("ONBOARD_") {
            command.env_remove(key);
        }
    }
    command
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--metrics-addr",
            "127.0.0.1:0",
        ])
        .args(["--log-format", "json", "--trust-request-id", "--data-dir"])
        .arg(dir.path())
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut server = Running(command.spawn().unwrap());
    let stderr = server.0.stderr.take().unwrap();
    let lines = Arc::new(Mutex::new(Vec::new()));
    let collected = lines.clone();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            collected.lock().unwrap().push(line);
        }
    });
    let public = address_after(&lines, "serving the portal at http://");
    let metrics = address_after(&lines, "metrics at http://");

    // A proxy's id is kept; without one the server makes one.
    let (status, headers, _) = exchange(
        &public,
        "GET /healthz HTTP/1.1\r\nx-request-id: proxy-id-42",
        "",
    );
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "x-request-id"), "proxy-id-42");
    let (status, headers, body) = exchange(
        &public,
        "POST /api/v1/auth/login HTTP/1.1",
        r#"{"username": "nobody.here", "password": "wrong-password"}"#,
    );
    assert_eq!(status, 401, "{body}");
    let made = header(&headers, "x-request-id").to_owned();
    assert_eq!(uuid::Uuid::parse_str(&made).unwrap().get_version_num(), 7);
    // An id that could forge a log line is replaced, even from a trusted proxy.
    let (_, headers, _) = exchange(&public, "GET /healthz HTTP/1.1\r\nx-request-id: a b", "");
    assert_ne!(header(&headers, "x-request-id"), "a b");

    // Metrics on their own listener only.
    let (status, _, _) = exchange(&public, "GET /metrics HTTP/1.1", "");
    assert_eq!(status, 404);
    let (status, headers, text) = exchange(&metrics, "GET /metrics HTTP/1.1", "");
    assert_eq!(status, 200);
    assert!(header(&headers, "content-type").starts_with("text/plain"));
    assert!(
        text.contains(r#"onboard_http_requests_total{method="POST",route="/api/v1/auth/login",status="401"} 1"#),
        "{text}"
    );

    drop(server);
    reader.join().unwrap();
    let lines = lines.lock().unwrap();
    let logs: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(logs.len() > 3, "{lines:?}");
    for log in &logs {
        assert!(
            log["timestamp"].is_string() && log["level"].is_string(),
            "{log}"
        );
    }
    // Every line inside a request names it; each request's lines carry its own id.
    let of = |id: &str| -> Vec<&Value> {
        logs.iter()
            .filter(|l| l["span"]["request_id"] == id)
            .collect()
    };
    let proxied = of("proxy-id-42");
    assert!(!proxied.is_empty(), "{lines:?}");
    assert!(proxied.iter().all(|l| l["span"]["path"] == "/healthz"));
    let login = of(&made);
    assert!(!login.is_empty(), "{lines:?}");
    assert!(login
        .iter()
        .all(|l| l["span"]["path"] == "/api/v1/auth/login"));
    for log in logs.iter().filter(|l| l["span"]["name"] == "http") {
        assert!(log["span"]["request_id"].is_string(), "{log}");
    }
    // No password reaches a log line.
    assert!(!lines.iter().any(|l| l.contains("wrong-password")));
}
