//! Conformance: outbox dead letters (SPEC §8).

use super::*;
use onboard_core::id::MessageId;

/// Three welcome e-mails, claimed at [`now`]: (the store, their ids oldest first).
async fn three_claimed(store: &Arc<dyn Store>) -> Vec<MessageId> {
    for name in ["dead.a", "dead.b", "dead.c"] {
        new_user(store, name, Role::Reviewer, None).await;
    }
    let claimed = store
        .claim_outbox(10, now(), Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(claimed.len(), 3);
    assert!(claimed.iter().all(|m| m.failing_since.is_none()));
    claimed.iter().map(|m| m.id).collect()
}

/// The outbox's depth counts pending, sending and failed e-mails (not sent ones) and
/// knows when the oldest unsent one was queued.
pub async fn outbox_depth_counts_what_waits(store: Arc<dyn Store>) {
    assert_eq!(store.outbox_depth().await.unwrap(), OutboxDepth::default());
    let ids = three_claimed(&store).await;
    let all = store.outbox(None, 100).await.unwrap();
    let created = |id: MessageId| all.iter().find(|m| m.id == id).unwrap().created_at;
    let oldest = all.iter().map(|m| m.created_at).min();
    let depth = store.outbox_depth().await.unwrap();
    assert_eq!((depth.pending, depth.sending, depth.failed), (0, 3, 0));
    assert_eq!(depth.oldest_unsent, oldest);

    let (dead, sent, retried) = (ids[0], ids[1], ids[2]);
    let t1 = now() + Duration::minutes(1);
    store.mark_dead(dead, "554", t1).await.unwrap();
    store.mark_sent(sent, t1).await.unwrap();
    store
        .mark_failed(retried, "451", Some(t1), t1 + Duration::minutes(1))
        .await
        .unwrap();
    let depth = store.outbox_depth().await.unwrap();
    assert_eq!(
        depth,
        OutboxDepth {
            pending: 1,
            sending: 0,
            failed: 1,
            oldest_unsent: Some(created(retried)),
        }
    );
    // Only what is still to be sent dates the depth: a dead letter waits for an admin.
    store.mark_sent(retried, t1).await.unwrap();
    let depth = store.outbox_depth().await.unwrap();
    assert_eq!(
        (depth.pending, depth.failed, depth.oldest_unsent),
        (0, 1, None)
    );
}

/// A dead letter is `failed` with its last error, listed by that status, never claimed;
/// a retry queues it again due at once, keeping its attempts and error; only a failed
/// e-mail may be retried, and a late report does not revive one.
pub async fn dead_letters_are_never_claimed_until_retried(store: Arc<dyn Store>) {
    let ids = three_claimed(&store).await;
    let (dead, sent, pending) = (ids[0], ids[1], ids[2]);
    let t1 = now() + Duration::minutes(1);
    store
        .mark_dead(dead, "554 5.7.1 ปฏิเสธถาวร", t1)
        .await
        .unwrap();
    store.mark_sent(sent, t1).await.unwrap();
    store
        .mark_failed(pending, "451 later", Some(t1), t1 + Duration::minutes(1))
        .await
        .unwrap();

    let failed = store.outbox(Some(OutboxStatus::Failed), 100).await.unwrap();
    assert_eq!(failed.len(), 1);
    let m = &failed[0];
    assert_eq!(m.id, dead);
    assert_eq!(m.status, OutboxStatus::Failed);
    assert_eq!(m.last_error.as_deref(), Some("554 5.7.1 ปฏิเสธถาวร"));
    assert_eq!(
        (m.attempts, m.failing_since, m.sent_at),
        (1, Some(t1), None)
    );
    assert_eq!(m.next_attempt_at, t1);
    // Never claimed again, however late.
    let later = store
        .claim_outbox(100, now() + Duration::days(30), Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(later.iter().map(|m| m.id).collect::<Vec<_>>(), [pending]);
    // A late failure report or a second give-up leaves the dead letter as it is.
    store.mark_failed(dead, "late", Some(t1), t1).await.unwrap();
    store.mark_dead(dead, "again", t1).await.unwrap();
    let still = store.outbox(Some(OutboxStatus::Failed), 100).await.unwrap();
    assert_eq!(still, failed);
    // A sent e-mail is not given up.
    store.mark_dead(sent, "late", t1).await.unwrap();
    assert_eq!(
        store.outbox(Some(OutboxStatus::Sent), 100).await.unwrap()[0].id,
        sent
    );

    // Only a failed e-mail may be queued again: the refusal names the status.
    let refused = store.retry_outbox(sent, t1).await.unwrap_err();
    assert!(
        matches!(&refused, StoreError::NotFailed(n) if n.status == OutboxStatus::Sent),
        "{refused:?}"
    );
    let refused = store.retry_outbox(pending, t1).await.unwrap_err();
    assert!(
        matches!(&refused, StoreError::NotFailed(n) if n.status == OutboxStatus::Sending),
        "{refused:?}"
    );
    assert_eq!(
        err_code(store.retry_outbox(Uuid::now_v7().into(), t1).await),
        "not_found"
    );
    assert_eq!(
        err_code(store.mark_dead(Uuid::now_v7().into(), "x", t1).await),
        "not_found"
    );

    // The retry: pending, due at once, the window closed, attempts and error kept.
    let t2 = now() + Duration::days(2);
    let queued = store.retry_outbox(dead, t2).await.unwrap();
    assert_eq!(queued.id, dead);
    assert_eq!(queued.status, OutboxStatus::Pending);
    assert_eq!((queued.next_attempt_at, queued.failing_since), (t2, None));
    assert_eq!(queued.attempts, 1);
    assert_eq!(queued.last_error.as_deref(), Some("554 5.7.1 ปฏิเสธถาวร"));
    assert_eq!(queued.subject, failed[0].subject);
    assert!(store
        .outbox(Some(OutboxStatus::Failed), 100)
        .await
        .unwrap()
        .is_empty());
    // Twice: the second finds it pending.
    let again = store.retry_outbox(dead, t2).await.unwrap_err();
    assert!(matches!(again, StoreError::NotFailed(n) if n.status == OutboxStatus::Pending));
    // Due at the retry, not before; then delivered as any other.
    assert!(store
        .claim_outbox(100, t2 - Duration::seconds(1), Duration::minutes(5))
        .await
        .unwrap()
        .iter()
        .all(|m| m.id != dead));
    let claimed = store
        .claim_outbox(100, t2, Duration::minutes(5))
        .await
        .unwrap();
    let mine = claimed.iter().find(|m| m.id == dead).unwrap();
    assert_eq!((mine.status, mine.attempts), (OutboxStatus::Sending, 2));
    store.mark_sent(dead, t2).await.unwrap();
    let done = store.outbox(Some(OutboxStatus::Sent), 100).await.unwrap();
    assert!(done.iter().any(|m| m.id == dead && m.sent_at == Some(t2)));
}

/// The failing window opens at the first failed try, stays through later failures and a
/// release (an untried e-mail), and a retry closes it so the next failure opens a new one.
pub async fn failing_windows_open_once_and_close_on_retry(store: Arc<dyn Store>) {
    let ids = three_claimed(&store).await;
    let (failing, released) = (ids[0], ids[1]);
    let lease = Duration::minutes(5);
    let row = |id: MessageId| {
        let store = store.clone();
        async move {
            store
                .outbox(None, 100)
                .await
                .unwrap()
                .into_iter()
                .find(|m| m.id == id)
                .unwrap()
        }
    };
    // Released unsent: no window.
    store
        .mark_failed(released, "released unsent: worker stopped", None, now())
        .await
        .unwrap();
    let r = row(released).await;
    assert_eq!((r.status, r.failing_since), (OutboxStatus::Pending, None));
    assert_eq!(r.next_attempt_at, now());

    // First failure at t1 opens the window; a later one keeps it.
    let t1 = now() + Duration::minutes(1);
    store
        .mark_failed(failing, "451 a", Some(t1), t1 + Duration::minutes(1))
        .await
        .unwrap();
    assert_eq!(row(failing).await.failing_since, Some(t1));
    let t2 = t1 + Duration::hours(3);
    let again = store.claim_outbox(10, t2, lease).await.unwrap();
    let mine = again.iter().find(|m| m.id == failing).unwrap();
    assert_eq!(mine.failing_since, Some(t1), "claims carry the window");
    store
        .mark_failed(failing, "451 b", Some(t2), t2 + Duration::hours(1))
        .await
        .unwrap();
    let r = row(failing).await;
    assert_eq!(r.failing_since, Some(t1));
    assert_eq!(r.last_error.as_deref(), Some("451 b"));
    // A release keeps an open window too.
    let t3 = t2 + Duration::hours(1);
    store.claim_outbox(10, t3, lease).await.unwrap();
    store
        .mark_failed(failing, "released unsent: lease nearly over", None, t3)
        .await
        .unwrap();
    assert_eq!(row(failing).await.failing_since, Some(t1));

    // Given up a day later; the window it died in stays visible.
    let t4 = t1 + Duration::hours(24);
    store.claim_outbox(10, t4, lease).await.unwrap();
    store.mark_dead(failing, "451 c", t4).await.unwrap();
    let r = row(failing).await;
    assert_eq!(
        (r.status, r.failing_since),
        (OutboxStatus::Failed, Some(t1))
    );
    assert_eq!(r.attempts, 4);

    // Retried: the window is closed; the next failure opens a new one.
    let t5 = t4 + Duration::hours(2);
    store.retry_outbox(failing, t5).await.unwrap();
    assert_eq!(row(failing).await.failing_since, None);
    let claimed = store.claim_outbox(10, t5, lease).await.unwrap();
    assert!(claimed.iter().any(|m| m.id == failing));
    store
        .mark_failed(failing, "451 d", Some(t5), t5 + Duration::minutes(1))
        .await
        .unwrap();
    let r = row(failing).await;
    assert_eq!(
        (r.status, r.failing_since),
        (OutboxStatus::Pending, Some(t5))
    );
    assert_eq!(r.attempts, 5);
}
