//! Mount the onboard API inside an existing axum application, under a prefix.
//!
//! `cargo run -p onboard-examples --example mount_router` builds an application with its own
//! `/` page and the onboard router nested at `/onboard`, serves it on a free loopback port,
//! calls itself with a tiny hand-written HTTP/1.1 client (the host page, the health check,
//! a login and the reference steps, and an unknown route answered in problem JSON), prints
//! each status and the seven step titles, and shuts down.

use axum::routing::get;
use axum::Router;
use chrono::Utc;
use onboard_core::notify;
use onboard_core::reference::Role;
use onboard_http::AppState;
use onboard_store::password::hash_password;
use onboard_store::sqlite::{SqliteOptions, SqliteStore};
use onboard_store::{NewUser, Store};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

type Error = Box<dyn std::error::Error + Send + Sync>;

const PASSWORD: &str = "Example2569";

/// One HTTP/1.1 exchange on a fresh connection (`Connection: close`, so the answer ends
/// when the server closes). Returns the status code and the body.
async fn call(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Result<(u16, String), Error> {
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(token) = token {
        head.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    if !body.is_empty() {
        head.push_str("Content-Type: application/json\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let raw = String::from_utf8(raw)?;
    let (headers, payload) = raw.split_once("\r\n\r\n").ok_or("no end of headers")?;
    let status = headers.split(' ').nth(1).ok_or("no status line")?.parse()?;
    let chunked = headers
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let payload = if chunked {
        dechunk(payload)?
    } else {
        payload.to_owned()
    };
    Ok((status, payload))
}

/// Fails unless the answer has the `expected` status.
fn check(what: &str, status: u16, expected: u16) -> Result<(), Error> {
    println!("{what} -> {status}");
    if status == expected {
        Ok(())
    } else {
        Err(format!("{what}: expected {expected}, got {status}").into())
    }
}

/// Joins the chunks of a `Transfer-Encoding: chunked` body.
fn dechunk(mut rest: &str) -> Result<String, Error> {
    let mut body = String::new();
    loop {
        let (size, after) = rest.split_once("\r\n").ok_or("bad chunk")?;
        let size = usize::from_str_radix(size.trim(), 16)?;
        if size == 0 {
            return Ok(body);
        }
        body.push_str(after.get(..size).ok_or("short chunk")?);
        rest = after.get(size + 2..).ok_or("short chunk")?;
    }
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(&dir.path().join("onboard.db"), SqliteOptions::default())?;
    store.migrate().await?;
    // A reviewer who has done the first login, so that the API answers it fully.
    let hash = hash_password(PASSWORD)?;
    let reviewer = store
        .create_user(
            NewUser {
                username: "reviewer".into(),
                email: "reviewer@dga.or.th".into(),
                display_name: "ผู้ตรวจสอบ".into(),
                role: Role::Reviewer,
                agency_id: None,
                password_hash: hash.clone(),
                created_at: Utc::now(),
            },
            notify::account_created(
                onboard_core::id::UserId::from_u128(0),
                "reviewer",
                PASSWORD,
                &notify::MailConfig::new("http://127.0.0.1/onboard", notify::DEFAULT_SIGNATURE)?,
            ),
        )
        .await?;
    store
        .complete_first_login(reviewer.id, "reviewer", &hash)
        .await?;

    // The host application: its own page, and onboard under /onboard.
    let state = AppState::new(Arc::new(store));
    let app = Router::new()
        .route("/", get(|| async { "ศาลากลางจังหวัด: host portal" }))
        .nest("/onboard", onboard_http::router(state));

    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                // Err: the sender is gone, which also means stop.
                let _ = stopped.await;
            })
            .await
    });
    println!("serving on http://{addr}");

    let (status, body) = call(addr, "GET", "/", None, None).await?;
    check("GET /", status, 200)?;
    println!("  {body}");
    let (status, body) = call(addr, "GET", "/onboard/healthz", None, None).await?;
    check("GET /onboard/healthz", status, 200)?;
    println!("  {body}");
    let (status, _) = call(addr, "GET", "/onboard/api/v1/reference/steps", None, None).await?;
    check(
        "GET /onboard/api/v1/reference/steps without a token",
        status,
        401,
    )?;

    let login = json!({"username": "reviewer", "password": PASSWORD});
    let (status, body) = call(
        addr,
        "POST",
        "/onboard/api/v1/auth/login",
        None,
        Some(&login),
    )
    .await?;
    check("POST /onboard/api/v1/auth/login", status, 200)?;
    let session: Value = serde_json::from_str(&body)?;
    let token = session["token"]
        .as_str()
        .ok_or("no token in the login answer")?;

    let (status, body) = call(
        addr,
        "GET",
        "/onboard/api/v1/reference/steps",
        Some(token),
        None,
    )
    .await?;
    check("GET /onboard/api/v1/reference/steps", status, 200)?;
    let steps: Vec<Value> = serde_json::from_str(&body)?;
    for s in &steps {
        println!(
            "  {} {} / {}",
            s["number"],
            s["title_th"].as_str().unwrap_or_default(),
            s["title_en"].as_str().unwrap_or_default()
        );
    }

    let (status, body) = call(addr, "GET", "/onboard/no-such-page", None, None).await?;
    check("GET /onboard/no-such-page", status, 404)?;
    let problem: Value = serde_json::from_str(&body)?;
    println!("  {}", problem["type"].as_str().unwrap_or_default());

    // Err: the server already ended, and awaiting it below reports why.
    let _ = stop.send(());
    server.await??;
    println!("stopped");
    Ok(())
}
