//! The seven-step walk over HTTP, on SQLite and (when configured) on PostgreSQL.

use crate::common::Server;
use onboard_core::testing::files::{crc32, pdf, png, xlsx};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seven_step_walk_on_sqlite() {
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    crate::common::walk::seven_steps(&server, &seed).await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seven_step_walk_on_postgres() {
    let Some(server) = Server::postgres("seven_step_walk_on_postgres").await else {
        return;
    };
    let seed = server.seed().await;
    crate::common::walk::seven_steps(&server, &seed).await;
    server.stop().await;
}

#[test]
fn generated_files_sniff_as_intended() {
    use onboard_core::file::{image_dimensions, sniff, MediaType};
    let p = png(120, 120, [200, 30, 30]);
    assert_eq!(sniff(&p), Some(MediaType::Png));
    assert_eq!(image_dimensions(&p), Some((120, 120)));
    assert_eq!(sniff(&xlsx()), Some(MediaType::Xlsx));
    assert_eq!(sniff(&pdf("hello")), Some(MediaType::Pdf));
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
}

/// An admin moves a scheduled launch (SPEC §10 `POST /eservices/{id}/launch/reschedule`):
/// every problem of the form at once, then the move, told to the agency; once live, 409.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_reschedules_a_launch_over_http() {
    use chrono::{TimeZone, Utc};
    use reqwest::Method;
    use serde_json::json;
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let id = crate::common::scheduled(&server, &seed, "2027-03-05").await;
    let path = format!("/api/v1/eservices/{id}/launch/reschedule");
    let admin = seed.admin.token.as_str();

    let bad = json!({"desired_date": "2570-03-19", "reason": " "});
    let r = server.json(Method::POST, &path, admin, &bad).await;
    let problem = r.expect_problem(422, "validation_failed");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["desired_date", "reason"]);
    assert!(problem["errors"][0]["message_th"]
        .as_str()
        .unwrap()
        .contains("พุทธศักราช"));
    let same = json!({"desired_date": "2027-03-09", "reason": "ทดสอบ"});
    server
        .json(Method::POST, &path, admin, &same)
        .await
        .expect_problem(422, "validation_failed");

    let good = json!({"desired_date": "2027-03-19", "reason": "ช่วงงดเผยแพร่ของ สพร."});
    let r = server.json(Method::POST, &path, admin, &good).await;
    assert_eq!(r.expect(200)["launch_on"], "2027-03-23");
    let officer = seed.officer_a.token.as_str();
    assert_eq!(
        crate::common::notification_kinds(&server, officer).await[0],
        "launch_rescheduled"
    );
    let detail = server
        .get(&format!("/api/v1/eservices/{id}"), officer)
        .await;
    assert_eq!(detail.expect(200)["launch_on"], "2027-03-23");
    let kinds = crate::common::event_kinds(&server, officer, &id).await;
    assert_eq!(kinds.last().map(String::as_str), Some("launch_rescheduled"));

    // On the release day it is live: nothing left to move.
    server.set_clock(Utc.with_ymd_and_hms(2027, 3, 23, 1, 0, 0).unwrap());
    let token = server
        .login(&seed.admin.username, &seed.admin.password)
        .await;
    server
        .json(Method::POST, &path, &token, &good)
        .await
        .expect_problem(409, "invalid_transition");
    server.stop().await;
}
