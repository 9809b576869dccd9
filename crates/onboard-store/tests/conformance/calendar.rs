//! Conformance: the release calendar.

use super::*;

fn closed(date_text: &str, reason: &str) -> onboard_core::calendar::ClosedDate {
    onboard_core::calendar::ClosedDate {
        date: date(date_text),
        reason: reason.into(),
    }
}

/// (kind, date, reason, actor) of the recorded changes, oldest first.
async fn calendar_log(
    store: &Arc<dyn Store>,
) -> Vec<(
    onboard_store::CalendarChangeKind,
    String,
    String,
    Option<UserId>,
)> {
    let mut log: Vec<_> = store
        .calendar_changes(1000)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.kind, c.date.to_string(), c.reason, c.actor))
        .collect();
    log.reverse();
    log
}

pub async fn release_calendar_is_replaced_added_and_removed_with_every_change_recorded(
    store: Arc<dyn Store>,
) {
    use onboard_store::CalendarChangeKind::{Added, Removed};
    let admin = new_user(&store, "calendar.admin", Role::Admin, None).await;
    assert!(store.closed_dates().await.unwrap().is_empty());
    let set = store
        .replace_closed_dates(
            vec![
                closed("2026-12-29", "ปีใหม่"),
                closed("2026-12-15", "ปิดปรับปรุง"),
            ],
            Some(admin.id),
            now(),
        )
        .await
        .unwrap();
    assert_eq!(
        set,
        [
            closed("2026-12-15", "ปิดปรับปรุง"),
            closed("2026-12-29", "ปีใหม่")
        ]
    );
    assert_eq!(store.closed_dates().await.unwrap(), set);
    // One kept, one with a new reason, one dropped, one new.
    let later = now() + Duration::minutes(5);
    let set = store
        .replace_closed_dates(
            vec![
                closed("2026-12-29", "วันหยุดสิ้นปี"),
                closed("2027-01-05", "freeze"),
            ],
            None,
            later,
        )
        .await
        .unwrap();
    assert_eq!(
        set,
        [
            closed("2026-12-29", "วันหยุดสิ้นปี"),
            closed("2027-01-05", "freeze")
        ]
    );
    let s = |v: &str| v.to_owned();
    assert_eq!(
        calendar_log(&store).await,
        [
            (Added, s("2026-12-15"), s("ปิดปรับปรุง"), Some(admin.id)),
            (Added, s("2026-12-29"), s("ปีใหม่"), Some(admin.id)),
            (Removed, s("2026-12-15"), s("ปิดปรับปรุง"), None),
            (Removed, s("2026-12-29"), s("ปีใหม่"), None),
            (Added, s("2026-12-29"), s("วันหยุดสิ้นปี"), None),
            (Added, s("2027-01-05"), s("freeze"), None),
        ]
    );
    let newest = store.calendar_changes(1).await.unwrap();
    assert_eq!(newest.len(), 1);
    assert_eq!(newest[0].at, later);
    // Replacing with the same set changes and records nothing.
    store
        .replace_closed_dates(set.clone(), Some(admin.id), later)
        .await
        .unwrap();
    assert_eq!(calendar_log(&store).await.len(), 6);

    // One at a time (the CLI and the portal's form).
    let added = store
        .add_closed_date(closed("2027-01-12", "สงกรานต์"), Some(admin.id), later)
        .await
        .unwrap();
    assert_eq!(added, closed("2027-01-12", "สงกรานต์"));
    assert_eq!(
        err_code(
            store
                .add_closed_date(closed("2027-01-12", "again"), None, later)
                .await
        ),
        "duplicate"
    );
    assert_eq!(
        err_code(
            store
                .remove_closed_date(date("2027-03-02"), None, later)
                .await
        ),
        "not_found"
    );
    assert_eq!(
        calendar_log(&store).await.len(),
        7,
        "refusals record nothing"
    );
    let removed = store
        .remove_closed_date(date("2026-12-29"), None, later)
        .await
        .unwrap();
    assert_eq!(removed, closed("2026-12-29", "วันหยุดสิ้นปี"));
    assert_eq!(
        store.closed_dates().await.unwrap(),
        [
            closed("2027-01-05", "freeze"),
            closed("2027-01-12", "สงกรานต์")
        ]
    );
    assert_eq!(
        calendar_log(&store).await.last().unwrap(),
        &(Removed, s("2026-12-29"), s("วันหยุดสิ้นปี"), None)
    );
}

pub async fn closed_dates_are_seeded_only_into_a_calendar_never_changed(store: Arc<dyn Store>) {
    let seed = vec![closed("2026-12-15", "ค่าเริ่มต้น")];
    assert!(!store.seed_closed_dates(Vec::new(), now()).await.unwrap());
    assert!(store.seed_closed_dates(seed.clone(), now()).await.unwrap());
    assert_eq!(store.closed_dates().await.unwrap(), seed);
    let log = store.calendar_changes(10).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].actor, None);
    // A restart with the same flag, or another, changes nothing.
    assert!(!store
        .seed_closed_dates(vec![closed("2026-12-22", "x")], now())
        .await
        .unwrap());
    assert_eq!(store.closed_dates().await.unwrap(), seed);
    // An admin emptied the calendar: it stays empty.
    store
        .remove_closed_date(date("2026-12-15"), None, now())
        .await
        .unwrap();
    assert!(!store.seed_closed_dates(seed, now()).await.unwrap());
    assert!(store.closed_dates().await.unwrap().is_empty());
}

pub async fn concurrent_calendar_edits_are_not_lost(store: Arc<dyn Store>) {
    let base = date("2027-01-05");
    let mut tasks = Vec::new();
    for i in 0..16u64 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let day = base + chrono::Days::new(7 * i);
            if i % 2 == 0 {
                store
                    .add_closed_date(
                        onboard_core::calendar::ClosedDate {
                            date: day,
                            reason: format!("งดเผยแพร่ {i}"),
                        },
                        None,
                        now(),
                    )
                    .await
                    .map(|_| ())
            } else {
                // A replacement that keeps what it reads and adds its own date: under
                // the store's serialization it never drops another edit.
                let mut set = store.closed_dates().await.unwrap();
                set.push(onboard_core::calendar::ClosedDate {
                    date: day,
                    reason: format!("งดเผยแพร่ {i}"),
                });
                set.sort_by_key(|e| e.date);
                // A replacement built from a stale read may drop a date added meanwhile;
                // the add it raced with is then recorded as removed, never silently lost.
                store
                    .replace_closed_dates(set, None, now())
                    .await
                    .map(|_| ())
            }
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    // Every add is in the calendar or in the log as removed by a replacement; the log
    // and the calendar agree.
    let now_closed: HashSet<NaiveDate> = store
        .closed_dates()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.date)
        .collect();
    let mut replayed: HashSet<NaiveDate> = HashSet::new();
    for change in store
        .calendar_changes(1000)
        .await
        .unwrap()
        .into_iter()
        .rev()
    {
        match change.kind {
            onboard_store::CalendarChangeKind::Added => assert!(replayed.insert(change.date)),
            onboard_store::CalendarChangeKind::Removed => assert!(replayed.remove(&change.date)),
        }
    }
    assert_eq!(replayed, now_closed);
    // The eight single adds ran against the current calendar: none was refused or lost
    // without a record.
    for i in (0..16u64).step_by(2) {
        let day = base + chrono::Days::new(7 * i);
        let added = store
            .calendar_changes(1000)
            .await
            .unwrap()
            .iter()
            .any(|c| c.date == day && c.kind == onboard_store::CalendarChangeKind::Added);
        assert!(added, "{day}");
    }
}
