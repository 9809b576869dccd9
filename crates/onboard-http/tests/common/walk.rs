//! One e-Service walked through all seven steps over HTTP by an agency officer and a
//! reviewer, checking the detail, the events and the notifications at each step. Shared by
//! the SQLite and the PostgreSQL runs.

use super::{event_kinds, Seed, Server};
use chrono::Duration;
use onboard_core::testing::files::{pdf, png, xlsx};
use reqwest::Method;
use serde_json::{json, Value};

/// Notifications the caller has not seen yet, newest first.
struct Inbox {
    token: String,
    seen: usize,
}

impl Inbox {
    async fn new(server: &Server, token: &str) -> Inbox {
        let mut inbox = Inbox {
            token: token.to_owned(),
            seen: 0,
        };
        inbox.seen = inbox.all(server).await.len();
        inbox
    }

    async fn all(&self, server: &Server) -> Vec<Value> {
        let r = server.get("/api/v1/notifications", &self.token).await;
        r.expect(200).as_array().unwrap().clone()
    }

    /// The kinds of the notifications that arrived since the last call, sorted.
    async fn news(&mut self, server: &Server) -> Vec<String> {
        let all = self.all(server).await;
        let fresh = all.len() - self.seen;
        self.seen = all.len();
        let mut kinds: Vec<String> = all[..fresh]
            .iter()
            .map(|n| n["kind"].as_str().unwrap().to_owned())
            .collect();
        kinds.sort();
        kinds
    }
}

/// Moves the clock one minute on, so that every action has its own instant.
fn tick(server: &Server) {
    server.set_clock(server.now() + Duration::minutes(1));
}

fn status_of(detail: &Value, step: usize) -> &str {
    detail["steps"][step - 1]["status"].as_str().unwrap()
}

fn statuses(detail: &Value) -> Vec<&str> {
    (1..=7).map(|n| status_of(detail, n)).collect()
}

/// Walks one e-Service through the seven steps; returns its id.
pub async fn seven_steps(server: &Server, seed: &Seed) -> String {
    seven_steps_to(server, seed, "2027-03-09", "2027-03-08T12:00:00+07:00").await
}

/// [`seven_steps`] where step 7's release (asked for Friday 2027-03-05) is `launch_on`
/// with its `cutoff`: the release calendar may close Tuesdays.
pub async fn seven_steps_to(server: &Server, seed: &Seed, launch_on: &str, cutoff: &str) -> String {
    let officer = &seed.officer_a.token;
    let reviewer = &seed.reviewer.token;
    let mut officer_inbox = Inbox::new(server, officer).await;
    let mut reviewer_inbox = Inbox::new(server, reviewer).await;
    let mut admin_inbox = Inbox::new(server, &seed.admin.token).await;

    // --- create, services ---
    let r = server
        .json(
            Method::POST,
            "/api/v1/eservices",
            officer,
            &json!({"name": "ระบบแจ้งเตือนสิทธิสวัสดิการ", "services": ["ขอรับเบี้ยยังชีพผู้สูงอายุ"]}),
        )
        .await;
    let d = r.expect(201).clone();
    let id = d["id"].as_str().unwrap().to_owned();
    assert_eq!(r.headers["etag"], "\"1\"");
    assert_eq!(d["version"], 1);
    assert_eq!(d["agency_id"], seed.agency_a.to_string());
    assert_eq!(d["agency_name_th"], "กรมกิจการผู้สูงอายุ");
    assert_eq!(d["lifecycle"], "onboarding");
    assert_eq!(d["current_step"], "credential");
    assert_eq!(
        statuses(&d),
        [
            "in_progress",
            "locked",
            "locked",
            "locked",
            "locked",
            "locked",
            "locked"
        ]
    );
    assert_eq!(d["credentials"], json!({"uat": null, "production": null}));
    assert!(d["steps"][2]["attempts"].is_array() && d["steps"][0].get("attempts").is_none());
    let base = format!("/api/v1/eservices/{id}");

    tick(server);
    let r = server
        .send(
            server
                .req(Method::PUT, &format!("{base}/services"), Some(officer))
                .header("If-Match", "\"1\"")
                .json(&json!({"services": ["ขอรับเบี้ยยังชีพผู้สูงอายุ", "ตรวจสอบสิทธิสวัสดิการ"]})),
        )
        .await;
    assert_eq!(r.expect(200)["version"], 2);
    assert_eq!(r.body["services"].as_array().unwrap().len(), 2);

    // --- step 1: draft, submit of an incomplete draft (422), changes, resubmission ---
    let icon_bytes = png(120, 120, [220, 40, 60]);
    let icon = server
        .upload_id(officer, "icon", "ไอคอน.png", icon_bytes.clone())
        .await;
    tick(server);
    let r = server
        .json(
            Method::PUT,
            &format!("{base}/steps/credential/draft"),
            officer,
            &json!({"category": "in_development", "short_description": "ร่าง"}),
        )
        .await;
    assert_eq!(r.expect(200)["version"], 3);
    assert_eq!(r.body["steps"][0]["draft"]["short_description"], "ร่าง");
    // An empty body submits the saved draft, which is incomplete: 422, nothing changes.
    let r = server
        .post_empty(&format!("{base}/steps/credential/submit"), officer)
        .await;
    let fields: Vec<&str> = r.expect_problem(422, "validation_failed")["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"full_description") && fields.contains(&"planned_launch_date"),
        "{fields:?}"
    );
    let mut step1 = onboard_core::samples::json(onboard_core::reference::Step::Credential);
    step1["icon_file_id"] = json!(icon);
    tick(server);
    server
        .json(
            Method::PUT,
            &format!("{base}/steps/credential/draft"),
            officer,
            &step1,
        )
        .await
        .expect(200);
    tick(server);
    let r = server
        .post_empty(&format!("{base}/steps/credential/submit"), officer)
        .await;
    let d = r.expect(200).clone();
    assert_eq!(d["version"], 5);
    assert_eq!(status_of(&d, 1), "under_review");
    assert_eq!(d["steps"][0]["submission"]["icon_file_id"], json!(icon));
    assert!(d["steps"][0]["submitted_at"].is_string());
    assert_eq!(reviewer_inbox.news(server).await, ["submitted"]);
    assert_eq!(admin_inbox.news(server).await, ["submitted"]);
    assert!(officer_inbox.news(server).await.is_empty());
    // The review queue shows it to staff.
    let q = server.get("/api/v1/review-queue", reviewer).await;
    assert!(q
        .expect(200)
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["id"] == json!(id)));

    tick(server);
    let r = server
        .json(
            Method::POST,
            &format!("{base}/steps/credential/request-changes"),
            reviewer,
            &json!({"reason": "กรุณาระบุรายละเอียดแบบย่อให้ชัดเจนขึ้น"}),
        )
        .await;
    let d = r.expect(200).clone();
    assert_eq!(status_of(&d, 1), "changes_requested");
    assert_eq!(
        d["steps"][0]["review_note"],
        "กรุณาระบุรายละเอียดแบบย่อให้ชัดเจนขึ้น"
    );
    assert_eq!(officer_inbox.news(server).await, ["changes_requested"]);
    let notes = server.get("/api/v1/notifications", officer).await;
    assert!(notes.body[0]["body_th"]
        .as_str()
        .unwrap()
        .contains("กรุณาระบุ"));

    tick(server);
    let r = server
        .json(
            Method::POST,
            &format!("{base}/steps/credential/submit"),
            officer,
            &step1,
        )
        .await;
    assert_eq!(status_of(r.expect(200), 1), "under_review");
    assert_eq!(reviewer_inbox.news(server).await, ["submitted"]);

    tick(server);
    let r = server
        .json(
            Method::POST,
            &format!("{base}/steps/credential/approve"),
            reviewer,
            &json!({"note": "ผ่าน"}),
        )
        .await;
    let d = r.expect(200).clone();
    assert_eq!(d["version"], 8);
    assert_eq!(&statuses(&d)[..2], ["completed", "in_progress"]);
    // Reviewers see the credentials but never the secret.
    let uat = &d["credentials"]["uat"];
    assert!(uat["app_id"].is_string() && uat["consumer_key"].as_str().unwrap().len() == 32);
    assert!(uat.get("consumer_secret").is_none(), "{uat}");
    assert!(d["credentials"]["production"].is_null());
    let mine = server.get(&base, officer).await;
    let secret = mine.expect(200)["credentials"]["uat"]["consumer_secret"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(secret.len(), 32);
    assert_eq!(mine.headers["etag"], "\"8\"");
    assert_eq!(
        officer_inbox.news(server).await,
        ["approved", "credentials_issued"]
    );
    assert_eq!(
        event_kinds(server, officer, &id).await,
        [
            "created",
            "services_updated",
            "draft_saved",
            "draft_saved",
            "submitted",
            "changes_requested",
            "submitted",
            "approved",
            "credentials_issued"
        ]
    );

    // --- step 2 ---
    tick(server);
    let step2 = onboard_core::samples::json(onboard_core::reference::Step::UatSetup);
    let r = server
        .json(
            Method::POST,
            &format!("{base}/steps/uat-setup/submit"),
            officer,
            &step2,
        )
        .await;
    let d = r.expect(200).clone();
    assert_eq!(status_of(&d, 2), "under_review");
    // The detail shows testers' citizen IDs in full to the owning agency and to DGA, which
    // grants the testers access to the UAT app; the event log masks them for everyone.
    assert_eq!(
        d["steps"][1]["submission"]["testers"][0]["citizen_id"],
        "1103702071811"
    );
    let seen_by_reviewer = server.get(&base, reviewer).await;
    assert_eq!(
        seen_by_reviewer.expect(200)["steps"][1]["submission"]["testers"][0]["citizen_id"],
        "1103702071811"
    );
    let events_seen_by_reviewer = server.get(&format!("{base}/events"), reviewer).await;
    let text = events_seen_by_reviewer.expect(200).to_string();
    assert!(!text.contains("1103702071811") && text.contains("1-1037-xxxxx-xx-1"));
    assert_eq!(reviewer_inbox.news(server).await, ["submitted"]);
    tick(server);
    let r = server
        .post_empty(&format!("{base}/steps/uat-setup/approve"), reviewer)
        .await;
    assert_eq!(
        &statuses(r.expect(200))[..3],
        ["completed", "completed", "in_progress"]
    );
    assert_eq!(officer_inbox.news(server).await, ["approved"]);

    // --- step 3: a failed attempt, then a passed one ---
    let result1 = server
        .upload_id(officer, "test_result", "ผลการทดสอบ UAT.xlsx", xlsx())
        .await;
    let mut attempt = onboard_core::samples::json(onboard_core::reference::Step::UatTest);
    attempt["file_id"] = json!(result1);
    tick(server);
    let r = server
        .json(
            Method::POST,
            &format!("{base}/steps/uat-test/attempts"),
            officer,
            &attempt,
        )
        .await;
    let a = r.expect(201).clone();
    assert_eq!(
        (a["number"].as_u64(), a["status"].as_str()),
        (Some(1), Some("pending"))
    );
    assert_eq!(a["file_name"], "ผลการทดสอบ UAT.xlsx");
    assert_eq!(reviewer_inbox.news(server).await, ["submitted"]);
    tick(server);
    let r = server
        .json(
            Method::POST,
            &format!("{base}/steps/uat-test/request-changes"),
            reviewer,
            &json!({"reason": "กรณีทดสอบที่ 7 ไม่ผ่าน"}),
        )
        .await;
    let d = r.expect(200).clone();
    assert_eq!(status_of(&d, 3), "changes_requested");
    assert_eq!(d["steps"][2]["attempts"][0]["status"], "failed");
    assert_eq!(officer_inbox.news(server).await, ["changes_requested"]);

    let result2 = server
        .upload_id(officer, "test_result", "ผลการทดสอบ UAT รอบ 2.xlsx", xlsx())
        .await;
    attempt["file_id"] = json!(result2);
    tick(server);
    let r = server
        .json(
            Method::POST,
            &format!("{base}/steps/uat-test/attempts"),
            officer,
            &attempt,
        )
        .await;
    assert_eq!(r.expect(201)["number"], 2);
    let version = server.get(&base, officer).await.body["version"]
        .as_u64()
        .unwrap();
    tick(server);
    let r = server
        .send(
            server
                .req(Method::PUT, &format!("{base}/steps/uat-test/attempts/2"), Some(officer))
                .header("If-Match", format!("\"{version}\""))
                .json(&json!({"details": "ทดสอบครบ 25 กรณี ผ่านทั้งหมด (แก้ไขกรณีที่ 7 แล้ว)", "file_id": result2})),
        )
        .await;
    assert_eq!(
        r.expect(200)["details"],
        "ทดสอบครบ 25 กรณี ผ่านทั้งหมด (แก้ไขกรณีที่ 7 แล้ว)"
    );
    tick(server);
    let r = server
        .json(
            Method::POST,
            &format!("{base}/steps/uat-test/approve"),
            reviewer,
            &json!({}),
        )
        .await;
    let d = r.expect(200).clone();
    assert_eq!(status_of(&d, 3), "completed");
    assert_eq!(status_of(&d, 4), "in_progress");
    let list = server
        .get(&format!("{base}/steps/uat-test/attempts"), officer)
        .await;
    let attempts = list.expect(200).as_array().unwrap().clone();
    let results: Vec<&str> = attempts
        .iter()
        .map(|a| a["status"].as_str().unwrap())
        .collect();
    assert_eq!(results, ["failed", "passed"]);
    assert_eq!(attempts[1]["file_name"], "ผลการทดสอบ UAT รอบ 2.xlsx");
    assert_eq!(reviewer_inbox.news(server).await, ["submitted"]);
    assert_eq!(officer_inbox.news(server).await, ["approved"]);

    // --- step 4: reviewer supplies the production credentials ---
    let letter = server
        .upload_id(
            officer,
            "assignment_letter",
            "หนังสือมอบหมาย.pdf",
            pdf("assignment"),
        )
        .await;
    let mut step4 = onboard_core::samples::json(onboard_core::reference::Step::PlatformRequest);
    step4["requester"]["assignment_letter_file_id"] = json!(letter);
    tick(server);
    let r = server
        .json(
            Method::POST,
            &format!("{base}/steps/platform-request/submit"),
            officer,
            &step4,
        )
        .await;
    assert_eq!(status_of(r.expect(200), 4), "under_review");
    assert_eq!(reviewer_inbox.news(server).await, ["submitted"]);
    // The reviewer sees where the form differs from the agency record; officers may not ask.
    let diff_path = format!("{base}/steps/platform-request/agency-diff");
    let diff = server.get(&diff_path, reviewer).await;
    let fields: Vec<&str> = diff
        .expect(200)
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name_th", "name_en", "ministry_th", "ministry_en"]);
    assert_eq!(diff.body[0]["record"], "กรมกิจการผู้สูงอายุ");
    assert_eq!(
        diff.body[0]["form"],
        step4["requester"]["agency"]["name_th"]
    );
    server
        .get(&diff_path, officer)
        .await
        .expect_problem(403, "forbidden");
    tick(server);
    let supplied = json!({"app_id": "prod-app-0001", "consumer_key": "prod-key-0001", "consumer_secret": "prod-secret-0001"});
    let r = server
        .json(
            Method::POST,
            &format!("{base}/steps/platform-request/approve"),
            reviewer,
            &json!({"credentials": supplied}),
        )
        .await;
    let d = r.expect(200).clone();
    assert_eq!(d["credentials"]["production"]["app_id"], "prod-app-0001");
    assert!(d["credentials"]["production"]
        .get("consumer_secret")
        .is_none());
    let mine = server.get(&base, officer).await;
    assert_eq!(
        mine.expect(200)["credentials"]["production"]["consumer_secret"],
        "prod-secret-0001"
    );
    // Approving step 4 without `update_agency` leaves the agency record alone: one agency's
    // form never renames the agency silently.
    assert_eq!(mine.body["agency_name_th"], "กรมกิจการผู้สูงอายุ");
    assert_eq!(
        server
            .get(&diff_path, reviewer)
            .await
            .expect(200)
            .as_array()
            .unwrap()
            .len(),
        4
    );
    assert_eq!(
        officer_inbox.news(server).await,
        ["approved", "credentials_issued"]
    );

    // --- step 5: icon and screenshots; the category becomes official ---
    let icon5 = server
        .upload_id(officer, "icon", "icon.png", png(120, 120, [10, 120, 200]))
        .await;
    let mut shots = Vec::new();
    for (i, rgb) in [[1u8, 2, 3], [4, 5, 6], [7, 8, 9]].into_iter().enumerate() {
        let name = format!("หน้าจอ-{}.png", i + 1);
        shots.push(
            server
                .upload_id(officer, "screenshot", &name, png(360, 640, rgb))
                .await,
        );
    }
    let mut step5 = onboard_core::samples::json(onboard_core::reference::Step::PreprodSetup);
    step5["icon_file_id"] = json!(icon5);
    step5["screenshot_file_ids"] = json!(shots);
    tick(server);
    let r = server
        .json(
            Method::POST,
            &format!("{base}/steps/preprod-setup/submit"),
            officer,
            &step5,
        )
        .await;
    assert_eq!(status_of(r.expect(200), 5), "under_review");
    assert_eq!(reviewer_inbox.news(server).await, ["submitted"]);
    tick(server);
    let r = server
        .post_empty(&format!("{base}/steps/preprod-setup/approve"), reviewer)
        .await;
    let d = r.expect(200).clone();
    assert_eq!(d["category"], "welfare");
    assert_eq!(status_of(&d, 6), "in_progress");
    assert_eq!(officer_inbox.news(server).await, ["approved"]);

    // --- step 6 ---
    let result6 = server
        .upload_id(
            officer,
            "test_result",
            "preprod.pdf",
            pdf("preprod results"),
        )
        .await;
    attempt["file_id"] = json!(result6);
    tick(server);
    server
        .json(
            Method::POST,
            &format!("{base}/steps/preprod-test/attempts"),
            officer,
            &attempt,
        )
        .await
        .expect(201);
    assert_eq!(reviewer_inbox.news(server).await, ["submitted"]);
    tick(server);
    let r = server
        .post_empty(&format!("{base}/steps/preprod-test/approve"), reviewer)
        .await;
    assert_eq!(status_of(r.expect(200), 7), "in_progress");
    assert_eq!(officer_inbox.news(server).await, ["approved"]);

    // --- step 7: confirmed on a Wednesday for Friday 2027-03-05: Tuesday 2027-03-09 ---
    tick(server);
    let r = server
        .json(
            Method::POST,
            &format!("{base}/steps/launch/submit"),
            officer,
            &onboard_core::samples::json(onboard_core::reference::Step::Launch),
        )
        .await;
    let d = r.expect(200).clone();
    assert_eq!(statuses(&d), ["completed"; 7]);
    assert_eq!(d["launch_on"], launch_on);
    assert_eq!(d["lifecycle"], "scheduled");
    assert_eq!(d["current_step"], "launch");
    assert_eq!(officer_inbox.news(server).await, ["launch_scheduled"]);
    assert_eq!(reviewer_inbox.news(server).await, ["launch_scheduled"]);
    assert_eq!(admin_inbox.news(server).await.len(), 7 + 1);
    let release = server
        .get(
            "/api/v1/schedule/release-date?submitted_at=2026-11-25T10:16:00%2B07:00&desired=2027-03-05",
            officer,
        )
        .await;
    assert_eq!(release.expect(200)["launch_on"], launch_on);
    assert_eq!(release.body["cutoff"], cutoff);

    let kinds = event_kinds(server, officer, &id).await;
    assert_eq!(
        &kinds[9..],
        [
            "submitted",
            "approved",
            "attempt_added",
            "changes_requested",
            "attempt_added",
            "attempt_edited",
            "approved",
            "submitted",
            "approved",
            "credentials_issued",
            "submitted",
            "approved",
            "category_changed",
            "attempt_added",
            "approved",
            "submitted",
            "launch_scheduled"
        ]
    );
    // Events hide personal data and secrets from everyone, the owner included.
    let events = server.get(&format!("{base}/events"), officer).await;
    let text = events.body.to_string();
    assert!(!text.contains("1103702071811") && !text.contains("3100600123450"));
    assert!(
        !text.contains("consumer_secret")
            && !text.contains("prod-secret-0001")
            && !text.contains(&secret)
    );
    assert!(text.contains("1-1037-xxxxx-xx-1"));
    let seqs: Vec<i64> = events
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "oldest first");

    // Dashboard and launched list.
    let dash = server.get("/api/v1/dashboard", officer).await;
    let c = dash.expect(200);
    assert_eq!(
        (c["total"].as_u64(), c["approved_percent"].as_u64()),
        (Some(1), Some(100))
    );
    assert_eq!(
        (c["not_launched"].as_u64(), c["launched"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(c["recent_notifications"].as_array().unwrap().len(), 10);
    assert_eq!(c["recent_notifications"][0]["kind"], "launch_scheduled");
    // Staff only, and null when nothing waits.
    assert!(c["awaiting_review_oldest_days"].is_null());
    let staff = server.get("/api/v1/dashboard", reviewer).await;
    assert!(staff.expect(200)["awaiting_review_oldest_days"].is_null());
    let launched = server.get("/api/v1/launched", officer).await;
    let item = &launched.expect(200)[0];
    assert_eq!(
        (item["id"].as_str(), item["lifecycle"].as_str()),
        (Some(id.as_str()), Some("scheduled"))
    );
    let theirs = server.get("/api/v1/launched", &seed.officer_b.token).await;
    assert_eq!(theirs.expect(200).as_array().unwrap().len(), 0);

    // A download as the reviewer: stored type, attachment with the Thai name, nosniff.
    let r = server
        .req(
            Method::GET,
            &format!("/api/v1/files/{icon}"),
            Some(reviewer),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''%E0%B9%84%E0%B8%AD%E0%B8%84%E0%B8%AD%E0%B8%99.png"),
        "{disposition}"
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), icon_bytes.as_slice());

    // On release day (Bangkok) the e-Service is live; the old session has expired.
    let release: chrono::NaiveDate = launch_on.parse().unwrap();
    server.set_clock(release.and_hms_opt(1, 0, 0).unwrap().and_utc());
    server
        .get("/api/v1/me", officer)
        .await
        .expect_problem(401, "unauthenticated");
    let token = server
        .login(&seed.officer_a.username, &seed.officer_a.password)
        .await;
    let d = server.get(&base, &token).await;
    assert_eq!(d.expect(200)["lifecycle"], "live");
    let dash = server.get("/api/v1/dashboard", &token).await;
    assert_eq!(
        (
            dash.body["launched"].as_u64(),
            dash.body["not_launched"].as_u64()
        ),
        (Some(1), Some(0))
    );
    id
}
