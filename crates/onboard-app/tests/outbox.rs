//! Queuing a failed e-mail again (`onboard_app::outbox::retry`) against a real SQLite store.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use onboard_app::accounts::Administrator;
use onboard_app::{outbox, AppError};
use onboard_core::id::{MessageId, UserId};
use onboard_core::notify;
use onboard_core::reference::Role;
use onboard_store::sqlite::{SqliteOptions, SqliteStore};
use onboard_store::{NewUser, Outbox, OutboxStatus, Store, StoreError};
use uuid::Uuid;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).unwrap()
}

#[tokio::test]
async fn only_a_failed_email_is_queued_again() {
    let dir = tempfile::tempdir().unwrap();
    let store =
        SqliteStore::open(&dir.path().join("onboard.db"), SqliteOptions::default()).unwrap();
    store.migrate().await.unwrap();
    let user = NewUser {
        username: "reviewer1".into(),
        email: "reviewer1@dga.or.th".into(),
        display_name: "ผู้ตรวจสอบ".into(),
        role: Role::Reviewer,
        agency_id: None,
        password_hash: "not-a-real-hash".into(),
        created_at: now(),
    };
    let mail = notify::MailConfig::new("https://onboard.example.go.th", "สพร.").unwrap();
    let welcome = notify::account_created(UserId::from_u128(0), "reviewer1", "Initial2569", &mail);
    store.create_user(user, welcome).await.unwrap();
    let claimed = store
        .claim_outbox(1, now(), Duration::minutes(5))
        .await
        .unwrap();
    let id = claimed[0].id;
    store.mark_dead(id, "554 refused", now()).await.unwrap();

    let by = Administrator::Admin(UserId::from(Uuid::now_v7()));
    let later = now() + Duration::hours(30);
    let queued = outbox::retry(&store, &by, id, later).await.unwrap();
    assert_eq!(
        (queued.status, queued.next_attempt_at, queued.attempts),
        (OutboxStatus::Pending, later, 1)
    );
    // The answer is as stored; front ends hide the password.
    assert_eq!(queued.secret.as_deref(), Some("Initial2569"));
    assert_eq!(queued.redacted().secret.as_deref(), Some("********"));

    match outbox::retry(&store, &Administrator::operator(), id, later).await {
        Err(AppError::Store(StoreError::NotFailed(refused))) => {
            assert_eq!(refused.status, OutboxStatus::Pending);
            assert!(refused.detail_th().contains("รอส่ง"));
        }
        other => panic!("expected NotFailed, got {other:?}"),
    }
    assert!(matches!(
        outbox::retry(&store, &by, MessageId::from(Uuid::now_v7()), later).await,
        Err(AppError::Store(StoreError::NotFound))
    ));
}
