//! The release calendar over HTTP (SPEC §6, §10): closed dates read by everyone and
//! replaced by admins (422 with every problem, nothing changed), the closed dates moving
//! the release-date calculator and a step-7 confirmation, and the iCalendar feed parsed
//! back.

use crate::common::Server;
use icalendar::{Calendar, CalendarComponent, Component, DatePerhapsTime};
use reqwest::Method;
use serde_json::json;

const CLOSED: &str = "/api/v1/calendar/closed-dates";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_dates_are_read_by_everyone_and_replaced_by_admins_only_when_all_is_valid() {
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let admin = seed.admin.token.as_str();
    assert_eq!(
        server.get(CLOSED, &seed.officer_a.token).await.expect(200),
        &json!({"dates": []})
    );
    let good = json!({"dates": [
        {"date": "2026-12-29", "reason": "วันหยุดสิ้นปี"},
        {"date": "2026-12-15", "reason": "  ปิดปรับปรุงระบบ "},
    ]});
    for token in [&seed.officer_a.token, &seed.reviewer.token] {
        server
            .json(Method::PUT, CLOSED, token, &good)
            .await
            .expect_problem(403, "forbidden");
    }

    // Every problem at once, each on its entry; nothing changes.
    let bad = json!({"dates": [
        {"date": "2026-12-29", "reason": "ok"},
        {"date": "2026-12-22", "reason": ""},
        {"date": "2026-02-30", "reason": "x"},
        {"date": "2026-12-29", "reason": "ซ้ำ"},
        {"date": "2569-12-15", "reason": "ก".repeat(201)},
        {"reason": "no date"},
    ]});
    let r = server.json(Method::PUT, CLOSED, admin, &bad).await;
    let body = r.expect_problem(422, "validation_failed");
    let problems: Vec<(String, String)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert!(!e["message_th"].as_str().unwrap().is_empty());
            assert!(!e["message_en"].as_str().unwrap().is_empty());
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("dates[1].reason", "required"),
        ("dates[2].date", "invalid_format"),
        ("dates[3].date", "duplicate"),
        ("dates[4].date", "out_of_range"),
        ("dates[4].reason", "too_long"),
        ("dates[5].date", "required"),
    ]
    .iter()
    .map(|(f, c)| ((*f).to_owned(), (*c).to_owned()))
    .collect();
    assert_eq!(problems, expected);
    assert_eq!(
        server.get(CLOSED, admin).await.expect(200),
        &json!({"dates": []})
    );
    // Wrong types are 400, as everywhere.
    server
        .json(
            Method::PUT,
            CLOSED,
            admin,
            &json!({"dates": [{"date": 20261229}]}),
        )
        .await
        .expect_problem(400, "bad_request");

    let r = server.json(Method::PUT, CLOSED, admin, &good).await;
    let sorted = json!({"dates": [
        {"date": "2026-12-15", "reason": "ปิดปรับปรุงระบบ"},
        {"date": "2026-12-29", "reason": "วันหยุดสิ้นปี"},
    ]});
    assert_eq!(r.expect(200), &sorted);
    assert_eq!(
        server.get(CLOSED, &seed.officer_b.token).await.expect(200),
        &sorted
    );
    // The changes are recorded with the admin.
    let log = server.state.store.calendar_changes(10).await.unwrap();
    assert_eq!(log.len(), 2);
    assert!(log.iter().all(|c| c.actor == Some(seed.admin.id)));
    // An empty list opens every date again.
    let r = server
        .json(Method::PUT, CLOSED, admin, &json!({"dates": []}))
        .await;
    assert_eq!(r.expect(200), &json!({"dates": []}));
    assert_eq!(
        server.state.store.calendar_changes(10).await.unwrap().len(),
        4
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_tuesday_moves_the_release_date_and_the_step_7_confirmation() {
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let query =
        "/api/v1/schedule/release-date?submitted_at=2026-11-25T10:00:00%2B07:00&desired=2027-03-05";
    assert_eq!(
        server.get(query, &seed.officer_a.token).await.expect(200)["launch_on"],
        "2027-03-09"
    );
    server
        .json(
            Method::PUT,
            CLOSED,
            &seed.admin.token,
            &json!({"dates": [{"date": "2027-03-09", "reason": "ปิดปรับปรุงระบบทางรัฐ"}]}),
        )
        .await
        .expect(200);
    let r = server.get(query, &seed.officer_a.token).await;
    assert_eq!(r.expect(200)["launch_on"], "2027-03-16");
    assert_eq!(r.body["cutoff"], "2027-03-15T12:00:00+07:00");
    // The confirmation of step 7 reads the same calendar.
    crate::common::walk::seven_steps_to(&server, &seed, "2027-03-16", "2027-03-15T12:00:00+07:00")
        .await;
}

/// The events of a feed: (UID, summary, DTSTART date).
fn events(ics: &str) -> Vec<(String, String, chrono::NaiveDate)> {
    let calendar: Calendar = ics.parse().expect("the feed parses as iCalendar");
    calendar
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .map(|e| {
            let start = match e.get_start() {
                Some(DatePerhapsTime::Date(d)) => d,
                other => panic!("an all-day event starts on a date: {other:?}"),
            };
            let end = match e.get_end() {
                Some(DatePerhapsTime::Date(d)) => d,
                other => panic!("an all-day event ends on a date: {other:?}"),
            };
            assert_eq!(end, start.succ_opt().unwrap(), "one whole day");
            assert!(e.get_timestamp().is_some(), "DTSTAMP");
            (
                e.get_uid().unwrap().to_owned(),
                e.get_summary().unwrap().to_owned(),
                start,
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ics_feed_holds_the_coming_release_tuesdays_and_the_callers_scheduled_launches() {
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let id = crate::common::walk::seven_steps(&server, &seed).await;
    // Back before the release day (the walk ends on it), in the seed's sessions.
    server.set_clock(crate::common::start_instant() + chrono::Duration::hours(2));
    server
        .json(
            Method::PUT,
            CLOSED,
            &seed.admin.token,
            &json!({"dates": [{"date": "2026-12-29", "reason": "วันหยุดสิ้นปี"}]}),
        )
        .await
        .expect(200);

    let feed = |token: String| {
        let server = &server;
        async move {
            let r = server
                .http
                .get(format!("{}/api/v1/calendar/releases.ics", server.base))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            assert_eq!(r.headers()["content-type"], "text/calendar; charset=utf-8");
            r.text().await.unwrap()
        }
    };
    let officer_a = feed(seed.officer_a.token.clone()).await;
    assert!(officer_a.starts_with("BEGIN:VCALENDAR"));
    let got = events(&officer_a);
    let releases: Vec<_> = got.iter().filter(|e| e.0.starts_with("release-")).collect();
    // From Wednesday 2026-11-25: 26 Tuesdays from 2026-12-01, less the closed 2026-12-29.
    assert_eq!(releases.len(), 25);
    assert_eq!(releases[0].2.to_string(), "2026-12-01");
    assert_eq!(releases[0].0, "release-2026-12-01@onboard");
    assert_eq!(releases[0].1, "วันเผยแพร่ขึ้นระบบทางรัฐ / Tang Rat release day");
    assert!(releases.iter().all(|e| e.2.to_string() != "2026-12-29"));
    assert!(releases
        .iter()
        .all(|e| chrono::Datelike::weekday(&e.2) == chrono::Weekday::Tue));
    let launches: Vec<_> = got.iter().filter(|e| e.0.starts_with("launch-")).collect();
    assert_eq!(launches.len(), 1);
    assert_eq!(launches[0].0, format!("launch-{id}@onboard"));
    assert_eq!(launches[0].2.to_string(), "2027-03-09");
    assert!(launches[0].1.starts_with("เปิดให้บริการ "));

    // Stable UIDs: the same events tomorrow.
    assert_eq!(events(&feed(seed.officer_a.token.clone()).await), got);
    // Another agency sees the release days only; staff see every scheduled launch.
    let other = events(&feed(seed.officer_b.token.clone()).await);
    assert_eq!(other.len(), 25);
    let staff = events(&feed(seed.reviewer.token.clone()).await);
    assert_eq!(staff, got);

    // The portal serves the same feed to the session cookie (the session token).
    let r = server
        .http
        .get(format!("{}/calendar/releases.ics", server.base))
        .header(
            "cookie",
            format!("onboard_session={}", seed.officer_a.token),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/calendar; charset=utf-8");
    assert_eq!(events(&r.text().await.unwrap()), got);
}
