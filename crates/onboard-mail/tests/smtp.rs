//! The SMTP delivery worker against a real SMTP server on loopback: a minimal server
//! written here (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) that can be told to answer
//! the end of DATA with 451 or 554, and a SQLite store holding queued welcome e-mails.
//! Time-dependent rules (the 24 hours before giving up) run on a clock the test moves.
//! These tests run on real time, not tokio's paused time: a paused clock jumps ahead while
//! a loopback socket read is pending, which fires the send timeout where no server is
//! slow. The worker's own sleeps are tested on paused time in `worker.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine as _;
use chrono::Utc;
use onboard_core::id::{MessageId, UserId};
use onboard_core::notify;
use onboard_core::reference::Role;
use onboard_mail::{Backoff, MailError, Mailer, SmtpMailer, Worker, WorkerConfig};
use onboard_store::sqlite::{SqliteOptions, SqliteStore};
use onboard_store::{NewUser, OutboxMessage, OutboxStatus, Store};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

// ---------------------------------------------------------------------------------------
// The test SMTP server
// ---------------------------------------------------------------------------------------

/// How the server answers the end of DATA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Accept,
    /// 451: try again later.
    Defer,
    /// 554: transaction failed.
    Reject,
}

/// One accepted message.
#[derive(Debug, Clone)]
struct Received {
    mail_from: String,
    rcpt_to: Vec<String>,
    data: String,
}

#[derive(Default)]
struct Log {
    accepted: Vec<Received>,
    refused: usize,
}

struct SmtpServer {
    port: u16,
    mode: Arc<Mutex<Mode>>,
    log: Arc<Mutex<Log>>,
    task: tokio::task::JoinHandle<()>,
}

impl SmtpServer {
    async fn start(mode: Mode) -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mode = Arc::new(Mutex::new(mode));
        let log = Arc::new(Mutex::new(Log::default()));
        let (m, l) = (mode.clone(), log.clone());
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(session(stream, m.clone(), l.clone()));
            }
        });
        SmtpServer {
            port,
            mode,
            log,
            task,
        }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    fn set_mode(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    fn accepted(&self) -> Vec<Received> {
        self.log.lock().unwrap().accepted.clone()
    }

    fn refused(&self) -> usize {
        self.log.lock().unwrap().refused
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The address inside `MAIL FROM:<a@b> ...` or `RCPT TO:<a@b>`.
fn path_of(arg: &str) -> String {
    let start = arg.find('<').map_or(0, |i| i + 1);
    let end = arg[start..].find('>').map_or(arg.len(), |i| start + i);
    arg[start..end].to_owned()
}

async fn session(stream: TcpStream, mode: Arc<Mutex<Mode>>, log: Arc<Mutex<Log>>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    if write.write_all(b"220 test.local ESMTP\r\n").await.is_err() {
        return;
    }
    let mut mail_from = String::new();
    let mut rcpt_to = Vec::new();
    while let Ok(Some(line)) = lines.next_line().await {
        let verb = line.get(..4).unwrap_or(&line).to_ascii_uppercase();
        let answer: String = match verb.as_str() {
            "EHLO" => "250-test.local\r\n250 8BITMIME\r\n".into(),
            "HELO" => "250 test.local\r\n".into(),
            "MAIL" => {
                mail_from = path_of(&line);
                rcpt_to.clear();
                "250 2.1.0 OK\r\n".into()
            }
            "RCPT" => {
                rcpt_to.push(path_of(&line));
                "250 2.1.5 OK\r\n".into()
            }
            "DATA" => {
                if write
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await
                    .is_err()
                {
                    return;
                }
                let mut data = String::new();
                loop {
                    let Ok(Some(l)) = lines.next_line().await else {
                        return;
                    };
                    if l == "." {
                        break;
                    }
                    // Dot-stuffing: the client doubled a leading dot.
                    data.push_str(l.strip_prefix('.').unwrap_or(&l));
                    data.push_str("\r\n");
                }
                let mode = *mode.lock().unwrap();
                let mut log = log.lock().unwrap();
                match mode {
                    Mode::Accept => {
                        log.accepted.push(Received {
                            mail_from: std::mem::take(&mut mail_from),
                            rcpt_to: std::mem::take(&mut rcpt_to),
                            data,
                        });
                        "250 2.0.0 queued\r\n".into()
                    }
                    Mode::Defer => {
                        log.refused += 1;
                        "451 4.3.0 mailbox temporarily unavailable\r\n".into()
                    }
                    Mode::Reject => {
                        log.refused += 1;
                        "554 5.7.1 transaction failed\r\n".into()
                    }
                }
            }
            "RSET" => {
                mail_from.clear();
                rcpt_to.clear();
                "250 2.0.0 OK\r\n".into()
            }
            "NOOP" => "250 2.0.0 OK\r\n".into(),
            "QUIT" => {
                let _ = write.write_all(b"221 2.0.0 bye\r\n").await;
                return;
            }
            _ => "502 5.5.2 command not recognized\r\n".into(),
        };
        if write.write_all(answer.as_bytes()).await.is_err() {
            return;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Reading the received messages back
// ---------------------------------------------------------------------------------------

/// Header fields (names lower-cased, folded lines joined) and the raw body.
fn parse(data: &str) -> (HashMap<String, String>, String) {
    let (head, body) = data.split_once("\r\n\r\n").unwrap();
    let mut headers: HashMap<String, String> = HashMap::new();
    let mut last = String::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            headers.get_mut(&last).unwrap().push_str(line);
        } else {
            let (name, value) = line.split_once(':').unwrap();
            last = name.trim().to_ascii_lowercase();
            headers.insert(last.clone(), value.trim().to_owned());
        }
    }
    (headers, body.to_owned())
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?...?=`, `=?utf-8?q?...?=`); white space
/// between two encoded words is dropped, as the RFC says. Each word must hold whole UTF-8
/// characters (RFC 2047 §5), so a Thai character split across two words fails here.
fn decode_header(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut after_word = false;
    while let Some(start) = rest.find("=?") {
        let gap = &rest[..start];
        if !(after_word && gap.trim().is_empty()) {
            out.push_str(gap);
        }
        let mut parts = rest[start + 2..].splitn(3, '?');
        let (charset, enc, tail) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        assert!(charset.eq_ignore_ascii_case("utf-8"), "{charset}");
        let end = tail.find("?=").unwrap();
        let text = &tail[..end];
        let bytes = match enc.to_ascii_lowercase().as_str() {
            "b" => base64::engine::general_purpose::STANDARD
                .decode(text)
                .unwrap(),
            "q" => quoted_printable(&text.replace('_', " ")),
            other => panic!("unknown encoding {other}"),
        };
        out.push_str(&String::from_utf8(bytes).unwrap());
        rest = &tail[end + 2..];
        after_word = true;
    }
    out.push_str(rest);
    out
}

fn quoted_printable(text: &str) -> Vec<u8> {
    let bytes = text.replace("=\r\n", "").into_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// The plain-text body, decoded by its Content-Transfer-Encoding, with LF line ends.
fn decode_body(headers: &HashMap<String, String>, body: &str) -> String {
    let encoding = headers
        .get("content-transfer-encoding")
        .map(|e| e.to_ascii_lowercase())
        .unwrap_or_default();
    let bytes = match encoding.as_str() {
        "base64" => base64::engine::general_purpose::STANDARD
            .decode(body.replace("\r\n", ""))
            .unwrap(),
        "quoted-printable" => quoted_printable(body),
        _ => body.as_bytes().to_vec(),
    };
    String::from_utf8(bytes).unwrap().replace("\r\n", "\n")
}

/// The outbox id a message was made from, read from its `Message-ID`.
fn outbox_id(headers: &HashMap<String, String>) -> MessageId {
    let id = headers.get("message-id").unwrap();
    let inner = id.trim_start_matches('<').split('@').next().unwrap();
    inner.parse().unwrap()
}

// ---------------------------------------------------------------------------------------
// Store and worker helpers
// ---------------------------------------------------------------------------------------

async fn store_in(dir: &tempfile::TempDir) -> Arc<dyn Store> {
    let store =
        SqliteStore::open(&dir.path().join("onboard.db"), SqliteOptions::default()).unwrap();
    store.migrate().await.unwrap();
    Arc::new(store)
}

/// Creates a reviewer account, which queues its welcome e-mail (Thai subject and body).
async fn add_user(store: &dyn Store, n: usize) {
    let username = format!("reviewer{n}");
    let user = NewUser {
        username: username.clone(),
        email: format!("reviewer{n}@dga.or.th"),
        display_name: format!("ผู้ตรวจสอบ {n}"),
        role: Role::Reviewer,
        agency_id: None,
        password_hash: "not-a-real-hash".into(),
        created_at: Utc::now(),
    };
    let welcome = notify::account_created(
        UserId::from_u128(0),
        &username,
        "Initial2569",
        &notify::MailConfig::new("https://onboard.example.go.th", "สพร.").unwrap(),
    );
    store.create_user(user, welcome).await.unwrap();
}

async fn all_mail(store: &dyn Store) -> Vec<OutboxMessage> {
    store.outbox(None, 1000).await.unwrap()
}

/// Polls `check` every 20 ms until it holds, for at most 15 s.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting: {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn fast_config() -> WorkerConfig {
    WorkerConfig {
        batch: 2,
        lease: Duration::from_secs(20),
        send_timeout: Duration::from_secs(5),
        poll_interval: Duration::from_millis(20),
        backoff: Backoff {
            first: Duration::from_millis(200),
            max: Duration::from_millis(400),
        },
    }
}

// ---------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_then_working_server_gets_every_email_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(&dir).await;
    for n in 0..5 {
        add_user(store.as_ref(), n).await;
    }
    let queued = all_mail(store.as_ref()).await;
    assert_eq!(queued.len(), 5);

    let server = SmtpServer::start(Mode::Defer).await;
    let mailer = SmtpMailer::from_url(&server.url(), "ทางรัฐ onboard <noreply@dga.or.th>").unwrap();
    let started = Utc::now();
    let worker = Worker::new(store.clone(), Arc::new(mailer), fast_config()).spawn();

    // Failing server: every e-mail gets a failed attempt, a reason and a later retry.
    eventually("a failed attempt on every e-mail", || async {
        all_mail(store.as_ref())
            .await
            .iter()
            .all(|m| m.attempts >= 1 && m.last_error.is_some())
    })
    .await;
    assert!(server.accepted().is_empty());
    assert!(server.refused() >= 5);
    for m in all_mail(store.as_ref()).await {
        assert_ne!(m.status, OutboxStatus::Sent, "{m:?}");
        assert!(m.sent_at.is_none());
        let error = m.last_error.as_deref().unwrap();
        assert!(error.contains("451"), "{error}");
        // The retry is scheduled after the failure by at least the first backoff step.
        assert!(
            m.next_attempt_at >= started + chrono::Duration::milliseconds(200),
            "{m:?}"
        );
    }

    // The server recovers: everything goes out.
    server.set_mode(Mode::Accept);
    eventually("every e-mail sent", || async {
        all_mail(store.as_ref())
            .await
            .iter()
            .all(|m| m.status == OutboxStatus::Sent)
    })
    .await;
    // A message queued while the worker runs is picked up by polling.
    add_user(store.as_ref(), 5).await;
    eventually("the late e-mail sent", || async {
        store
            .outbox(Some(OutboxStatus::Sent), 100)
            .await
            .unwrap()
            .len()
            == 6
    })
    .await;
    // Give a duplicate every chance to appear before stopping.
    tokio::time::sleep(Duration::from_millis(300)).await;
    worker.stop().await;

    let outbox = all_mail(store.as_ref()).await;
    let received = server.accepted();
    assert_eq!(received.len(), outbox.len(), "one delivery per e-mail");
    let mut seen = HashSet::new();
    for r in &received {
        let (headers, body) = parse(&r.data);
        let id = outbox_id(&headers);
        assert!(seen.insert(id), "{id} received twice");
        let m = outbox.iter().find(|m| m.id == id).unwrap();
        assert_eq!(m.status, OutboxStatus::Sent);
        assert!(m.sent_at.is_some());
        assert_eq!(r.mail_from, "noreply@dga.or.th");
        assert_eq!(r.rcpt_to, std::slice::from_ref(&m.to));
        let subject = decode_header(&headers["subject"]);
        assert_eq!(subject, m.subject);
        assert!(subject.starts_with("บัญชีผู้ใช้ระบบติดตามสถานะ"), "{subject}");
        let delivered = decode_body(&headers, &body);
        assert_eq!(delivered, m.body);
        // The recipient gets the whole letter, password included: only listings hide it.
        assert!(delivered.starts_with("เรียน ผู้ตรวจสอบ "), "{delivered}");
        assert_eq!(m.secret.as_deref(), Some("Initial2569"));
        assert!(delivered.contains("Initial2569"));
        assert!(decode_header(&headers["from"]).starts_with("ทางรัฐ onboard"));
        assert!(headers["content-type"]
            .to_ascii_lowercase()
            .contains("charset=utf-8"));
    }
    // Welcome e-mails of the first five failed at least once before succeeding.
    assert!(outbox.iter().filter(|m| m.attempts >= 2).count() >= 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deferral_is_rescheduled_by_the_backoff_and_not_retried_early() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(&dir).await;
    for n in 0..3 {
        add_user(store.as_ref(), n).await;
    }
    let server = SmtpServer::start(Mode::Defer).await;
    let config = WorkerConfig {
        batch: 10,
        backoff: Backoff {
            first: Duration::from_secs(60),
            max: Duration::from_secs(3600),
        },
        ..WorkerConfig::default()
    };
    let mailer = SmtpMailer::from_url(&server.url(), "noreply@dga.or.th").unwrap();
    let worker = Worker::new(store.clone(), Arc::new(mailer), config);

    let before = Utc::now();
    let round = worker.round().await.unwrap();
    let after = Utc::now();
    assert_eq!(
        (round.claimed, round.sent, round.failed, round.dead),
        (3, 0, 3, 0)
    );
    for m in all_mail(store.as_ref()).await {
        assert_eq!(m.status, OutboxStatus::Pending);
        assert_eq!(m.attempts, 1);
        assert!(m.last_error.as_deref().unwrap().contains("451"));
        // The failing window opened at this first failure.
        let since = m.failing_since.unwrap();
        assert!(before <= since && since <= after, "{m:?}");
        // Retry one minute (the first backoff step) after the failure.
        assert!(m.next_attempt_at >= before + chrono::Duration::seconds(60));
        assert!(m.next_attempt_at <= after + chrono::Duration::seconds(60));
    }
    // Nothing is due again before the backoff, even with a working server.
    server.set_mode(Mode::Accept);
    let again = worker.round().await.unwrap();
    assert_eq!(again.claimed, 0);
    assert!(server.accepted().is_empty());
    assert_eq!(server.refused(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_permanent_refusal_is_a_dead_letter_after_one_try() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(&dir).await;
    for n in 0..3 {
        add_user(store.as_ref(), n).await;
    }
    let server = SmtpServer::start(Mode::Reject).await;
    let mailer = SmtpMailer::from_url(&server.url(), "noreply@dga.or.th").unwrap();
    let worker = Worker::new(store.clone(), Arc::new(mailer), WorkerConfig::default());

    let round = worker.round().await.unwrap();
    assert_eq!(
        (round.claimed, round.sent, round.failed, round.dead),
        (3, 0, 0, 3)
    );
    let failed = store.outbox(Some(OutboxStatus::Failed), 100).await.unwrap();
    assert_eq!(failed.len(), 3);
    for m in &failed {
        assert_eq!(m.attempts, 1);
        assert!(m.last_error.as_deref().unwrap().contains("554"), "{m:?}");
        assert!(m.sent_at.is_none());
    }
    // Never tried again, even much later and with a working server.
    server.set_mode(Mode::Accept);
    let later = Utc::now() + chrono::Duration::days(3);
    let worker = worker.with_clock(Arc::new(move || later));
    assert_eq!(worker.round().await.unwrap().claimed, 0);
    assert!(server.accepted().is_empty());
    assert_eq!(server.refused(), 3);
}

/// A clock the test moves by hand.
#[derive(Clone)]
struct TestClock(Arc<Mutex<chrono::DateTime<Utc>>>);

impl TestClock {
    fn new() -> TestClock {
        TestClock(Arc::new(Mutex::new(Utc::now())))
    }
    fn now(&self) -> chrono::DateTime<Utc> {
        *self.0.lock().unwrap()
    }
    fn advance(&self, by: chrono::Duration) {
        *self.0.lock().unwrap() += by;
    }
    fn clock(&self) -> onboard_mail::Clock {
        let me = self.clone();
        Arc::new(move || me.now())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_failures_give_up_after_24_hours_and_a_retry_delivers() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(&dir).await;
    add_user(store.as_ref(), 0).await;
    let id = all_mail(store.as_ref()).await[0].id;
    let server = SmtpServer::start(Mode::Defer).await;
    let mailer = SmtpMailer::from_url(&server.url(), "noreply@dga.or.th").unwrap();
    let clock = TestClock::new();
    // The default backoff: 30 s doubling to 1 h, so an hour later the e-mail is always due.
    let worker = Worker::new(store.clone(), Arc::new(mailer), WorkerConfig::default())
        .with_clock(clock.clock());
    let first = clock.now();

    // Tries at 0 h, 1 h, ..., 23 h fail and are retried: the window opened at the first.
    for hour in 0..24 {
        let round = worker.round().await.unwrap();
        assert_eq!(
            (round.claimed, round.failed, round.dead),
            (1, 1, 0),
            "{hour} h"
        );
        let m = &all_mail(store.as_ref()).await[0];
        assert_eq!(m.status, OutboxStatus::Pending, "{hour} h");
        assert_eq!(m.failing_since, Some(first), "{hour} h");
        assert!(m.next_attempt_at <= clock.now() + chrono::Duration::hours(1));
        clock.advance(chrono::Duration::hours(1));
    }
    // 24 hours after the first failure: given up.
    let round = worker.round().await.unwrap();
    assert_eq!((round.claimed, round.failed, round.dead), (1, 0, 1));
    let m = &all_mail(store.as_ref()).await[0];
    assert_eq!(m.status, OutboxStatus::Failed);
    assert_eq!(m.attempts, 25);
    assert!(m.last_error.as_deref().unwrap().contains("451"));
    assert_eq!(server.refused(), 25);
    clock.advance(chrono::Duration::hours(5));
    assert_eq!(
        worker.round().await.unwrap().claimed,
        0,
        "a dead letter waits"
    );

    // The server recovers and an admin queues the e-mail again: it goes out, once.
    server.set_mode(Mode::Accept);
    let queued = store.retry_outbox(id, clock.now()).await.unwrap();
    assert_eq!(
        (queued.status, queued.failing_since, queued.attempts),
        (OutboxStatus::Pending, None, 25)
    );
    let round = worker.round().await.unwrap();
    assert_eq!((round.claimed, round.sent), (1, 1));
    let m = &all_mail(store.as_ref()).await[0];
    assert_eq!(
        (m.status, m.sent_at),
        (OutboxStatus::Sent, Some(clock.now()))
    );
    let received = server.accepted();
    assert_eq!(received.len(), 1);
    let (headers, _) = parse(&received[0].data);
    assert_eq!(outbox_id(&headers), id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_email_failing_again_gets_a_new_day() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(&dir).await;
    add_user(store.as_ref(), 0).await;
    let id = all_mail(store.as_ref()).await[0].id;
    let server = SmtpServer::start(Mode::Defer).await;
    let mailer = SmtpMailer::from_url(&server.url(), "noreply@dga.or.th").unwrap();
    let clock = TestClock::new();
    let worker = Worker::new(store.clone(), Arc::new(mailer), WorkerConfig::default())
        .with_clock(clock.clock());
    // Failing for a day: given up.
    worker.round().await.unwrap();
    clock.advance(chrono::Duration::hours(24));
    assert_eq!(worker.round().await.unwrap().dead, 1);
    // Queued again three days later and still failing: the 24 hours start at the retry.
    clock.advance(chrono::Duration::days(3));
    store.retry_outbox(id, clock.now()).await.unwrap();
    let retried_at = clock.now();
    assert_eq!(worker.round().await.unwrap().failed, 1);
    let m = &all_mail(store.as_ref()).await[0];
    assert_eq!(
        (m.status, m.failing_since),
        (OutboxStatus::Pending, Some(retried_at))
    );
    clock.advance(chrono::Duration::hours(23));
    assert_eq!(worker.round().await.unwrap().failed, 1);
    clock.advance(chrono::Duration::hours(1));
    assert_eq!(worker.round().await.unwrap().dead, 1);
    assert_eq!(
        all_mail(store.as_ref()).await[0].status,
        OutboxStatus::Failed
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_server_is_a_transient_failure() {
    // A port that was free a moment ago and has no listener now.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mailer =
        SmtpMailer::from_url(&format!("smtp://127.0.0.1:{port}"), "noreply@dga.or.th").unwrap();
    let msg = OutboxMessage {
        id: MessageId::from(uuid::Uuid::now_v7()),
        to: "somchai@agency.go.th".into(),
        recipient: None,
        eservice_id: None,
        subject: "ทดสอบ / Test".into(),
        body: "ทดสอบ\n".into(),
        secret: None,
        kind: onboard_core::notify::NoticeKind::Approved,
        created_at: Utc::now(),
        status: OutboxStatus::Sending,
        attempts: 1,
        next_attempt_at: Utc::now(),
        failing_since: None,
        last_error: None,
        sent_at: None,
    };
    match mailer.send(&msg).await {
        Err(MailError::Transient(_)) => {}
        other => panic!("expected a transient failure, got {other:?}"),
    }
    // A recipient that is no address cannot be sent, whatever the server.
    let bad = OutboxMessage {
        to: "not an address".into(),
        ..msg
    };
    assert!(matches!(
        mailer.send(&bad).await,
        Err(MailError::Message(_))
    ));
}
