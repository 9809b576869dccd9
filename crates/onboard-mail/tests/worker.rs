//! The worker's loop with a test double for the mailer: stopping finishes the e-mail being
//! sent and returns the rest of the batch to the outbox.
//! On tokio's paused time: the mailer's delay and the poll interval pass without waiting,
//! and a worker that did not stop would run into the test's timeout, not hang.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use async_trait::async_trait;
use chrono::Utc;
use onboard_core::id::{MessageId, UserId};
use onboard_core::notify;
use onboard_core::reference::Role;
use onboard_mail::{MailError, Mailer, Worker, WorkerConfig};
use onboard_store::sqlite::{SqliteOptions, SqliteStore};
use onboard_store::{NewUser, OutboxMessage, OutboxStatus, Store};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

/// Announces each send as it starts, then takes `delay` to finish it.
struct SlowMailer {
    started: mpsc::UnboundedSender<MessageId>,
    delay: Duration,
    sent: Mutex<Vec<MessageId>>,
}

#[async_trait]
impl Mailer for SlowMailer {
    async fn send(&self, msg: &OutboxMessage) -> Result<(), MailError> {
        let _ = self.started.send(msg.id);
        tokio::time::sleep(self.delay).await;
        self.sent.lock().unwrap().push(msg.id);
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn stopping_finishes_the_current_email_and_releases_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let store =
        SqliteStore::open(&dir.path().join("onboard.db"), SqliteOptions::default()).unwrap();
    store.migrate().await.unwrap();
    let store: Arc<dyn Store> = Arc::new(store);
    for n in 0..4 {
        let user = NewUser {
            username: format!("admin{n}"),
            email: format!("admin{n}@dga.or.th"),
            display_name: format!("ผู้ดูแลระบบ {n}"),
            role: Role::Admin,
            agency_id: None,
            password_hash: "not-a-real-hash".into(),
            created_at: Utc::now(),
        };
        let welcome = notify::account_created(
            UserId::from_u128(0),
            "admin",
            "Initial2569",
            &notify::MailConfig::new("https://x.go.th", "สพร.").unwrap(),
        );
        store.create_user(user, welcome).await.unwrap();
    }

    let (tx, mut started) = mpsc::unbounded_channel();
    let mailer = Arc::new(SlowMailer {
        started: tx,
        delay: Duration::from_millis(300),
        sent: Mutex::new(Vec::new()),
    });
    let config = WorkerConfig {
        batch: 10,
        poll_interval: Duration::from_millis(20),
        ..WorkerConfig::default()
    };
    let worker = Worker::new(store.clone(), mailer.clone(), config).spawn();
    let first = tokio::time::timeout(Duration::from_secs(10), started.recv())
        .await
        .unwrap()
        .unwrap();
    worker.stop().await;

    // The e-mail in flight was finished and recorded; nothing else was attempted.
    assert_eq!(*mailer.sent.lock().unwrap(), [first]);
    let outbox = store.outbox(None, 100).await.unwrap();
    assert_eq!(outbox.len(), 4);
    let now = Utc::now();
    for m in outbox {
        if m.id == first {
            assert_eq!(m.status, OutboxStatus::Sent);
        } else {
            // Back in the outbox and due at once, for the next worker to take.
            assert_eq!(m.status, OutboxStatus::Pending, "{m:?}");
            assert!(m.next_attempt_at <= now);
            assert!(m.last_error.as_deref().unwrap().contains("worker stopped"));
        }
    }
}

#[tokio::test(start_paused = true)]
async fn an_idle_worker_stops_promptly() {
    let dir = tempfile::tempdir().unwrap();
    let store =
        SqliteStore::open(&dir.path().join("onboard.db"), SqliteOptions::default()).unwrap();
    store.migrate().await.unwrap();
    let (tx, _started) = mpsc::unbounded_channel();
    let mailer = Arc::new(SlowMailer {
        started: tx,
        delay: Duration::ZERO,
        sent: Mutex::new(Vec::new()),
    });
    // A long poll interval: stopping must not wait for it.
    let config = WorkerConfig {
        poll_interval: Duration::from_secs(3600),
        ..WorkerConfig::default()
    };
    let worker = Worker::new(Arc::new(store), mailer, config).spawn();
    tokio::time::sleep(Duration::from_millis(100)).await;
    tokio::time::timeout(Duration::from_secs(5), worker.stop())
        .await
        .unwrap();
}
