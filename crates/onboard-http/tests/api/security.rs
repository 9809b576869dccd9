//! The security pass of issue 6, black box over HTTP (see SECURITY.md):
//!
//! - (the logs of a full seven-step walk: `security_logs.rs`, its own binary because it
//!   captures the process-wide log subscriber);
//! - hostile upload names (`../`, absolute paths, NUL and other control characters, bidi
//!   overrides, very long names) are sanitized, downloads carry a safe Content-Disposition,
//!   and nothing is written outside the data directory;
//! - search strings with SQL and LIKE/FTS metacharacters, NUL and very long strings are
//!   harmless (200 with exactly the right results, or a 4xx problem; never 5xx), on SQLite
//!   and (when configured) PostgreSQL;
//! - slow clients are cut off: headers or a body trickling in are answered 408 or
//!   disconnected within the configured request timeout;
//! - tokens are 256 random bits, stored only hashed (as passwords: Argon2id), revoked by
//!   logout and expired after the session lifetime.
//! - login throttling holds against guesses sent in parallel: of 50 wrong passwords for one
//!   username sent at once, at most 5 are answered 401 and the rest 429, on SQLite and on
//!   two PostgreSQL servers sharing one database.

use crate::common::Server;
use chrono::Duration as ChronoDuration;
use onboard_core::testing::files::{pdf, png};
use onboard_http::{AppState, HttpConfig};
use onboard_store::sqlite::{SqliteOptions, SqliteStore};
use onboard_store::Store;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use reqwest::{Method, StatusCode};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use uuid::Uuid;

// --- uploads ----------------------------------------------------------------------------

/// A server over a fresh SQLite database in a directory the test can inspect.
async fn sqlite_server_in(dir: &Path) -> Server {
    let store = SqliteStore::open(&dir.join("onboard.db"), SqliteOptions::default()).unwrap();
    store.migrate().await.unwrap();
    Server::start(Arc::new(store), Box::new(())).await
}

/// A multipart body whose `file` part has exactly these Content-Disposition parameters.
fn raw_multipart(disposition_params: &[u8], content: &[u8]) -> (Vec<u8>, String) {
    let boundary = format!("----security{}", Uuid::new_v4().simple());
    let mut body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; ").into_bytes();
    body.extend_from_slice(disposition_params);
    body.extend_from_slice(b"\r\nContent-Type: application/octet-stream\r\n\r\n");
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (body, format!("multipart/form-data; boundary={boundary}"))
}

/// Every file under `dir`, relative.
fn tree(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(tree(&path));
        } else {
            out.push(path.strip_prefix(dir).unwrap().to_owned());
        }
    }
    out
}

fn is_safe_display_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && name.len() <= 255
        && !name.contains(['/', '\\'])
        && !name.chars().any(|c| {
            c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_upload_names_are_harmless() {
    let outer = tempfile::tempdir().unwrap();
    let data = outer.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let server = sqlite_server_in(&data).await;
    let seed = server.seed().await;
    let officer = seed.officer_a.token.as_str();
    let marker = Uuid::new_v4().simple().to_string();
    let escape = format!("onboard-evil-{marker}.png");

    let long_thai = format!("{}.png", "ก".repeat(2000));
    let long_ascii = format!("{}.png", "a".repeat(20_000));
    let names: Vec<Vec<u8>> = vec![
        format!("../../../../../../../../tmp/{escape}").into_bytes(),
        format!("../{escape}").into_bytes(),
        format!("..\\..\\..\\{escape}").into_bytes(),
        format!("/etc/{escape}").into_bytes(),
        format!("C:\\Windows\\{escape}").into_bytes(),
        b"..".to_vec(),
        b".".to_vec(),
        b"".to_vec(),
        b"   ".to_vec(),
        format!("a\tb\u{7}c\u{1b}[31m{marker}.png").into_bytes(),
        "\u{202E}gnp.exe".as_bytes().to_vec(),
        "ไอคอน\u{2066}.png".as_bytes().to_vec(),
        b"\xff\xfe\xfd.png".to_vec(),
        long_thai.into_bytes(),
        long_ascii.into_bytes(),
        // Raw NUL, CR or LF cannot be part of a header: the multipart parser refuses them.
        b"a\0b.png".to_vec(),
        b"a\rb.png".to_vec(),
    ];
    let icon = png(16, 16, [10, 20, 30]);
    let mut stored = 0;
    for name in &names {
        let mut params = b"filename=\"".to_vec();
        params.extend_from_slice(name);
        params.push(b'"');
        let (body, content_type) = raw_multipart(&params, &icon);
        let r = server
            .send(
                server
                    .req(Method::POST, "/api/v1/files?purpose=icon", Some(officer))
                    .header("content-type", content_type)
                    .body(body),
            )
            .await;
        let shown = String::from_utf8_lossy(&name[..name.len().min(60)]).into_owned();
        assert!(
            r.status == StatusCode::CREATED || r.status == StatusCode::BAD_REQUEST,
            "{shown:?}: {} {}",
            r.status,
            r.body
        );
        if r.status != StatusCode::CREATED {
            continue;
        }
        stored += 1;
        let meta = &r.body;
        let display = meta["name"].as_str().unwrap();
        assert!(
            is_safe_display_name(display),
            "{shown:?} kept as {display:?}"
        );
        let id = meta["id"].as_str().unwrap();
        // The download: attachment, a quoted ASCII fallback and the RFC 5987 name.
        let download = server
            .req(Method::GET, &format!("/api/v1/files/{id}"), Some(officer))
            .send()
            .await
            .unwrap();
        assert_eq!(download.status(), 200);
        let headers = download.headers().clone();
        assert_eq!(headers["content-type"], "image/png");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        let disposition = headers["content-disposition"].to_str().unwrap().to_owned();
        let fallback = disposition
            .strip_prefix("attachment; filename=\"")
            .and_then(|rest| rest.split_once("\"; filename*=UTF-8''"))
            .map(|(fallback, _)| fallback.to_owned())
            .unwrap_or_else(|| panic!("{disposition}"));
        assert!(
            fallback
                .chars()
                .all(|c| c.is_ascii() && !c.is_ascii_control() && c != '"' && c != '\\'),
            "{fallback:?}"
        );
        assert!(!fallback.contains('/'), "{fallback:?}");
        assert_eq!(download.bytes().await.unwrap().as_ref(), icon.as_slice());
    }
    assert!(
        stored >= 12,
        "most hostile names are stored (sanitized): {stored}"
    );
    // Only SQLite's own files in the data directory; nothing escaped it.
    let mut files: Vec<String> = tree(&data)
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert!(
        files
            .iter()
            .all(|f| ["onboard.db", "onboard.db-wal", "onboard.db-shm"].contains(&f.as_str())),
        "{files:?}"
    );
    let outside: Vec<PathBuf> = tree(outer.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(&marker))
        .collect();
    assert!(outside.is_empty(), "{outside:?}");
    for dir in ["/tmp", "/etc", "/"] {
        assert!(!Path::new(dir).join(&escape).exists(), "{dir}/{escape}");
    }
    if let Some(parent) = data.parent().and_then(Path::parent) {
        assert!(!parent.join(&escape).exists());
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_are_typed_by_content_and_size_limited() {
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let officer = seed.officer_a.token.as_str();
    // A PDF named .png is refused as an icon, whatever the client's content type says.
    let (body, content_type) = raw_multipart(b"filename=\"icon.png\"", &pdf("not an image"));
    let body = String::from_utf8(body)
        .unwrap()
        .replace("application/octet-stream", "image/png");
    server
        .send(
            server
                .req(Method::POST, "/api/v1/files?purpose=icon", Some(officer))
                .header("content-type", content_type)
                .body(body),
        )
        .await
        .expect_problem(422, "validation_failed");
    // An HTML page stays an HTML page nowhere: no purpose accepts it.
    for purpose in ["icon", "screenshot", "test_result", "assignment_letter"] {
        server
            .upload(
                officer,
                purpose,
                "x.pdf",
                b"<html><script>alert(1)</script></html>".to_vec(),
            )
            .await
            .expect_problem(422, "validation_failed");
    }
    // Over the purpose's limit: 413 while streaming.
    let mut big = png(8, 8, [1, 1, 1]);
    big.resize(2 * 1024 * 1024 + 1, 0);
    server
        .upload(officer, "screenshot", "big.png", big)
        .await
        .expect_problem(413, "payload_too_large");
    server.stop().await;
}

// --- search -----------------------------------------------------------------------------

/// Names holding the metacharacters, and one plain name that a broken escape would match.
const NAMES: [&str; 8] = [
    "ระบบ 100% ออนไลน์",
    "ระบบ a_b ทดสอบ",
    "ระบบ back\\slash",
    "ระบบ \"quoted\" name",
    "ระบบ semi;colon",
    "ระบบ O'Reilly",
    "ระบบ star* NEAR(x) ^col",
    "ระบบธรรมดา ab",
];

fn encode(q: &str) -> String {
    utf8_percent_encode(q, NON_ALPHANUMERIC).to_string()
}

async fn search(server: &Server, token: &str, q: &str) -> (StatusCode, Vec<String>) {
    let r = server
        .send(server.req(
            Method::GET,
            &format!("/api/v1/eservices?per_page=100&q={}", encode(q)),
            Some(token),
        ))
        .await;
    assert!(
        !r.status.is_server_error(),
        "{q:?}: {} {}",
        r.status,
        r.body
    );
    let mut names: Vec<String> = r.body["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| i["name"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    (r.status, names)
}

async fn search_is_literal(server: &Server) {
    let seed = server.seed().await;
    let officer = seed.officer_a.token.as_str();
    for name in NAMES {
        server.create_eservice(officer, name, "งาน").await;
    }
    let only = |i: usize| vec![NAMES[i].to_owned()];
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("%", only(0)),
        ("100%", only(0)),
        ("_", only(1)),
        ("a_b", only(1)),
        ("\\", only(2)),
        ("k\\s", only(2)),
        ("\"", only(3)),
        ("\"quoted\"", only(3)),
        (";", only(4)),
        ("i;c", only(4)),
        ("'", only(5)),
        ("O'Reilly", only(5)),
        ("o'reilly", only(5)),
        ("*", only(6)),
        ("NEAR(x)", only(6)),
        ("^col", only(6)),
        ("' OR 1=1 --", vec![]),
        ("' OR '1'='1", vec![]),
        ("\" OR \"\"=\"", vec![]),
        ("'; DROP TABLE eservices; --", vec![]),
        ("%' OR name LIKE '%", vec![]),
        ("a%b", vec![]),
        ("%%", vec![]),
        ("__", vec![]),
        ("ระบบ* OR ab", vec![]),
    ];
    for (q, expected) in cases {
        let (status, names) = search(server, officer, q).await;
        assert_eq!(status, StatusCode::OK, "{q:?}");
        assert_eq!(names, expected, "{q:?}");
    }
    // NUL cannot be in a name: refused on both backends (it used to be a 500 on SQLite,
    // whose full-text query parser fails on it), short and long.
    for q in ["\0", "x\0y", "ระบบ\0"] {
        let r = server
            .get(&format!("/api/v1/eservices?q={}", encode(q)), officer)
            .await;
        r.expect_problem(400, "bad_request");
    }
    // Every name is still there (nothing was dropped or changed by the strings above).
    let (_, all) = search(server, officer, "ระบบ").await;
    assert_eq!(all.len(), NAMES.len(), "{all:?}");
    // Long strings, up to what a URI may hold (64 KiB): they reach the store and match
    // nothing, quickly. Thai: 6,000 characters (54 KB encoded); ASCII with metacharacters.
    for long in ["ก".repeat(6_000), "a%_".repeat(6_000), "ab".repeat(30_000)] {
        let started = Instant::now();
        let (status, names) = search(server, officer, &long).await;
        assert_eq!((status, names.len()), (StatusCode::OK, 0));
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    }
    // 100 KB, sent raw (client libraries refuse URIs over 64 KiB): longer than any URI
    // may be, so the HTTP layer answers 414 before routing (no store call, no body read);
    // a 100 KB header is not a server error either.
    let addr = server.base.trim_start_matches("http://");
    let huge = "a%25_".repeat(20 * 1024);
    let started = Instant::now();
    let answer = raw_answer(
        addr,
        format!("GET /api/v1/eservices?q={huge} HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {officer}\r\n\r\n").as_bytes(),
    )
    .await;
    assert!(
        answer.starts_with("HTTP/1.1 414"),
        "{}",
        &answer[..answer.len().min(300)]
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    let answer = raw_answer(
        addr,
        format!("GET /api/v1/eservices HTTP/1.1\r\nHost: t\r\nX-Filler: {huge}\r\nAuthorization: Bearer {officer}\r\n\r\n").as_bytes(),
    )
    .await;
    assert!(
        answer.starts_with("HTTP/1.1 200") || answer.starts_with("HTTP/1.1 4") || answer.is_empty(),
        "{}",
        &answer[..answer.len().min(300)]
    );
    // The database still answers and still holds everything.
    let (status, all) = search(server, officer, "").await;
    assert_eq!((status, all.len()), (StatusCode::OK, NAMES.len()));
}

/// The whole answer (head and body) to a raw request.
async fn raw_answer(addr: &str, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    // The server may answer and close before the whole request is written.
    let _ = stream.write_all(request).await;
    let mut answer = Vec::new();
    let mut buf = [0u8; 65536];
    loop {
        match tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => answer.extend_from_slice(&buf[..n]),
            _ => break,
        }
        let text = String::from_utf8_lossy(&answer);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head.lines().find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-length: ")
                    .and_then(|v| v.trim().parse::<usize>().ok())
            });
            if length.is_some_and(|n| body.len() >= n) {
                break;
            }
        }
    }
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_strings_are_literal_on_sqlite() {
    let server = Server::sqlite().await;
    search_is_literal(&server).await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_strings_are_literal_on_postgres() {
    let Some(server) = Server::postgres("search_strings_are_literal_on_postgres").await else {
        return;
    };
    search_is_literal(&server).await;
    server.stop().await;
}

// --- login throttling -------------------------------------------------------------------

/// Sends 50 wrong passwords for one username at once, spread over `servers` (which share
/// one database), and checks that the check and the count were one step: at most 5 answers
/// 401, the rest 429 with `Retry-After`; then even the right password waits.
async fn parallel_guesses_are_throttled(servers: &[&Server]) {
    let seed = servers[0].seed().await;
    let officer = &seed.officer_a;
    // Spawned, so that all 50 are in flight at once.
    let guesses: Vec<_> = (0..50)
        .map(|i| {
            let server = servers[i % servers.len()];
            let body = serde_json::json!({
                "username": officer.username,
                "password": format!("Wrong-password-{i}"),
            });
            let request = server
                .req(Method::POST, "/api/v1/auth/login", None)
                .json(&body);
            tokio::spawn(async move {
                let response = request.send().await.unwrap();
                let status = response.status().as_u16();
                let retry_after = response
                    .headers()
                    .get("retry-after")
                    .map(|v| v.to_str().unwrap().to_owned());
                let body: serde_json::Value = response.json().await.unwrap();
                (status, retry_after, body)
            })
        })
        .collect();
    let (mut refused, mut throttled) = (0, 0);
    for guess in guesses {
        let (status, retry_after, body) = guess.await.unwrap();
        match status {
            401 => {
                assert_eq!(body["code"], "invalid_credentials", "{body}");
                refused += 1;
            }
            429 => {
                assert_eq!(body["code"], "too_many_attempts", "{body}");
                let wait: u64 = retry_after.expect("Retry-After").parse().unwrap();
                assert!((1..=900).contains(&wait), "{wait}");
                throttled += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert!(
        (1..=5).contains(&refused),
        "{refused} answers of 401, {throttled} of 429"
    );
    assert_eq!(refused + throttled, 50);
    for server in servers {
        let r = server
            .send(server.req(Method::POST, "/api/v1/auth/login", None).json(
                &serde_json::json!({"username": officer.username, "password": officer.password}),
            ))
            .await;
        r.expect_problem(429, "too_many_attempts");
    }
    // Another username is not affected.
    servers[servers.len() - 1]
        .login(&seed.reviewer.username, &seed.reviewer.password)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_guesses_are_throttled_on_sqlite() {
    let server = Server::sqlite().await;
    parallel_guesses_are_throttled(&[&server]).await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_guesses_are_throttled_on_two_postgres_servers() {
    let Ok(url) = std::env::var("ONBOARD_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "ONBOARD_TEST_POSTGRES_URL must be set under CI"
        );
        eprintln!("notice: ONBOARD_TEST_POSTGRES_URL is unset; skipping the PostgreSQL run");
        return;
    };
    // Two servers (two pools, as two processes would have) over one schema.
    let schema = format!("http_{}", Uuid::new_v4().simple());
    let options = |drop_schema_on_drop| onboard_store::postgres::PgOptions {
        schema: Some(schema.clone()),
        drop_schema_on_drop,
        ..Default::default()
    };
    let owner = onboard_store::postgres::PgStore::connect_with(&url, options(true))
        .await
        .unwrap();
    owner.migrate().await.unwrap();
    let other = onboard_store::postgres::PgStore::connect_with(&url, options(false))
        .await
        .unwrap();
    let a = Server::start(Arc::new(owner), Box::new(())).await;
    let b = Server::start(Arc::new(other), Box::new(())).await;
    parallel_guesses_are_throttled(&[&a, &b]).await;
    b.stop().await;
    a.stop().await;
}

// --- slow clients -----------------------------------------------------------------------

/// A server with a short request timeout; returns its address and a guard that stops it.
async fn server_with_timeout(timeout: Duration) -> (String, impl Drop) {
    struct Stop(
        Option<tokio::sync::oneshot::Sender<()>>,
        #[allow(dead_code)] tempfile::TempDir,
    );
    impl Drop for Stop {
        fn drop(&mut self) {
            if let Some(tx) = self.0.take() {
                let _ = tx.send(());
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let store =
        SqliteStore::open(&dir.path().join("onboard.db"), SqliteOptions::default()).unwrap();
    store.migrate().await.unwrap();
    let mut state = AppState::new(Arc::new(store));
    state.config = HttpConfig {
        request_timeout: timeout,
        ..HttpConfig::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(onboard_http::serve(listener, state, async {
        let _ = rx.await;
    }));
    (addr, Stop(Some(tx), dir))
}

/// Sends `head` and then `trickle` one byte every 100 ms; returns what the server answered
/// and when it answered or closed the connection (None: still open after `give_up`).
async fn trickle(
    addr: &str,
    head: &[u8],
    trickle: &[u8],
    give_up: Duration,
) -> (String, Option<Duration>) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(head).await.unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    let mut i = 0;
    while started.elapsed() < give_up {
        if let Some(b) = trickle.get(i % trickle.len().max(1)) {
            if stream.write_all(&[*b]).await.is_err() {
                return (
                    String::from_utf8_lossy(&answer).into_owned(),
                    Some(started.elapsed()),
                );
            }
            i += 1;
        }
        match tokio::time::timeout(Duration::from_millis(100), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => {
                return (
                    String::from_utf8_lossy(&answer).into_owned(),
                    Some(started.elapsed()),
                )
            }
            Ok(Ok(n)) => {
                answer.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&answer);
                if text.contains("\r\n\r\n") && text.contains('}') {
                    return (text.into_owned(), Some(started.elapsed()));
                }
            }
            Err(_) => {}
        }
    }
    (String::from_utf8_lossy(&answer).into_owned(), None)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_headers_are_cut_off_by_the_request_timeout() {
    let timeout = Duration::from_secs(1);
    let (addr, _stop) = server_with_timeout(timeout).await;
    // The request line, then header bytes forever, never the blank line.
    let (answer, at) = trickle(
        &addr,
        b"GET /healthz HTTP/1.1\r\nHost: test\r\n",
        b"X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n",
        Duration::from_secs(10),
    )
    .await;
    let at = at.expect("a client sending its headers slowly must be cut off");
    assert!(
        at < timeout + Duration::from_secs(2),
        "cut off after {at:?}: {answer}"
    );
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );
    // A connection that sends nothing at all is closed too.
    let (_, at) = trickle(&addr, b"", b"", Duration::from_secs(10)).await;
    let at = at.expect("an idle connection must be closed");
    assert!(at < timeout + Duration::from_secs(2), "{at:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_bodies_are_answered_408_within_the_request_timeout() {
    let timeout = Duration::from_secs(1);
    let (addr, _stop) = server_with_timeout(timeout).await;
    let head =
        b"POST /api/v1/auth/login HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n\
                 Content-Length: 1000\r\n\r\n{\"username\": \"";
    let (answer, at) = trickle(&addr, head, b"a", Duration::from_secs(10)).await;
    let at = at.expect("a client sending its body slowly must be cut off");
    assert!(at < timeout + Duration::from_secs(2), "{at:?}: {answer}");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"code\":\"request_timeout\""), "{answer}");
    // The server still serves others.
    let ok = reqwest::get(format!("http://{addr}/healthz"))
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
}

// --- tokens -----------------------------------------------------------------------------

/// The bytes of the SQLite database files (main file and write-ahead log).
fn database_bytes(dir: &Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for name in ["onboard.db", "onboard.db-wal"] {
        if let Ok(b) = std::fs::read(dir.join(name)) {
            bytes.extend(b);
        }
    }
    bytes
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_random_hashed_revoked_and_expire() {
    let dir = tempfile::tempdir().unwrap();
    let server = sqlite_server_in(dir.path()).await;
    let seed = server.seed().await;
    let officer = &seed.officer_a;

    // 256 random bits, base64url: 43 characters, different at every login.
    let a = server.login(&officer.username, &officer.password).await;
    let b = server.login(&officer.username, &officer.password).await;
    for t in [&a, &b] {
        assert_eq!(t.len(), 43, "{t}");
        assert!(t
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    }
    assert_ne!(a, b);
    // Stored only as a hash; passwords only as Argon2id.
    let bytes = database_bytes(dir.path());
    for secret in [
        &a,
        &b,
        &officer.token,
        &officer.password,
        &seed.admin.password,
    ] {
        assert!(
            !contains(&bytes, secret.as_bytes()),
            "{secret} is stored in clear"
        );
    }
    assert!(contains(&bytes, b"$argon2id$"));

    // Logout revokes exactly that token.
    server.get("/api/v1/me", &a).await.expect(200);
    server
        .post_empty("/api/v1/auth/logout", &a)
        .await
        .expect(204);
    server
        .get("/api/v1/me", &a)
        .await
        .expect_problem(401, "unauthenticated");
    server
        .get("/api/v1/eservices", &a)
        .await
        .expect_problem(401, "unauthenticated");
    server
        .post_empty("/api/v1/auth/logout", &a)
        .await
        .expect_problem(401, "unauthenticated");
    server.get("/api/v1/me", &b).await.expect(200);

    // Expiry: valid until the session lifetime has passed, then 401 everywhere.
    let ttl = ChronoDuration::from_std(HttpConfig::default().session_ttl).unwrap();
    let issued = server.now();
    server.set_clock(issued + ttl - ChronoDuration::seconds(1));
    server.get("/api/v1/me", &b).await.expect(200);
    server.set_clock(issued + ttl + ChronoDuration::seconds(1));
    server
        .get("/api/v1/me", &b)
        .await
        .expect_problem(401, "unauthenticated");
    server
        .get("/api/v1/dashboard", &b)
        .await
        .expect_problem(401, "unauthenticated");
    // Moving the clock back does not revive a revoked token.
    server.set_clock(issued);
    server
        .get("/api/v1/me", &a)
        .await
        .expect_problem(401, "unauthenticated");
    server.stop().await;
}
