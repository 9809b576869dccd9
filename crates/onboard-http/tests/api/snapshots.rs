//! Snapshots of representative answers: the e-Service detail (as a reviewer sees it), the
//! dashboard, and a 422 problem body. Ids and random credentials are redacted; times come
//! from the fixed test clock.

use crate::common::{fixture, Server};
use onboard_core::testing::files::png;
use reqwest::Method;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn representative_answers() {
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let officer = seed.officer_a.token.as_str();
    let reviewer = seed.reviewer.token.as_str();
    let id = server
        .create_eservice(officer, "ระบบแจ้งเตือนสิทธิสวัสดิการ", "ขอรับเบี้ยยังชีพผู้สูงอายุ")
        .await;
    let base = format!("/api/v1/eservices/{id}");

    // A 422 with every field problem of the core's invalid step 1 fixture.
    let r = server
        .json(
            Method::POST,
            &format!("{base}/steps/credential/submit"),
            officer,
            &fixture("step1-invalid"),
        )
        .await;
    r.expect(422);
    insta::assert_json_snapshot!("step1_invalid_problem", r.body);

    let icon = server
        .upload_id(officer, "icon", "icon.png", png(120, 120, [1, 2, 3]))
        .await;
    let mut step1 = onboard_core::samples::json(onboard_core::reference::Step::Credential);
    step1["icon_file_id"] = json!(icon);
    // Each action a minute apart, so that times (and the newest-first order) are distinct.
    let tick = || server.set_clock(server.now() + chrono::Duration::minutes(1));
    tick();
    server
        .json(
            Method::POST,
            &format!("{base}/steps/credential/submit"),
            officer,
            &step1,
        )
        .await
        .expect(200);
    tick();
    server
        .json(
            Method::POST,
            &format!("{base}/steps/credential/approve"),
            reviewer,
            &json!({"note": "ผ่าน"}),
        )
        .await
        .expect(200);
    tick();
    server
        .json(
            Method::POST,
            &format!("{base}/steps/uat-setup/submit"),
            officer,
            &onboard_core::samples::json(onboard_core::reference::Step::UatSetup),
        )
        .await
        .expect(200);

    let detail = server.get(&base, reviewer).await;
    insta::assert_json_snapshot!("detail_seen_by_reviewer", detail.expect(200), {
        ".id" => "[id]",
        ".agency_id" => "[agency]",
        ".steps[0].submission.icon_file_id" => "[file]",
        ".credentials.uat.app_id" => "[app_id]",
        ".credentials.uat.consumer_key" => "[consumer_key]",
    });

    let dashboard = server.get("/api/v1/dashboard", reviewer).await;
    insta::assert_json_snapshot!("dashboard_of_reviewer", dashboard.expect(200), {
        ".recent_notifications[].id" => "[id]",
        ".recent_notifications[].eservice_id" => "[eservice]",
    });
    // Three days and a bit later the submission has waited three whole days.
    server.set_clock(server.now() + chrono::Duration::hours(3 * 24 + 5));
    // (Signed in again: the earlier session has expired meanwhile.)
    let reviewer = server
        .login(&seed.reviewer.username, &seed.reviewer.password)
        .await;
    let later = server.get("/api/v1/dashboard", &reviewer).await;
    assert_eq!(later.expect(200)["awaiting_review_oldest_days"], 3);
    let officer = server
        .login(&seed.officer_a.username, &seed.officer_a.password)
        .await;
    let mine = server.get("/api/v1/dashboard", &officer).await;
    assert!(mine.expect(200)["awaiting_review_oldest_days"].is_null());
    server.stop().await;
}
