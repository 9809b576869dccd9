//! Bad input answers its SPEC code as problem JSON, and changes nothing.

use crate::common::Server;
use onboard_core::testing::files::{pdf, png};
use reqwest::Method;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// (version, number of events) of the e-Service.
async fn state_of(server: &Server, token: &str, id: &str) -> (u64, usize) {
    let d = server.get(&format!("/api/v1/eservices/{id}"), token).await;
    let e = server
        .get(&format!("/api/v1/eservices/{id}/events"), token)
        .await;
    (
        d.expect(200)["version"].as_u64().unwrap(),
        e.expect(200).as_array().unwrap().len(),
    )
}

/// Sends only the request head (no body) and returns the raw answer: the server must
/// answer from `Content-Length` alone.
async fn head_only(server: &Server, head: &str) -> String {
    let addr = server.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut buf))
            .await
            .expect("the server must answer without reading the body")
            .unwrap();
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&answer);
        if let Some((headers, body)) = text.split_once("\r\n\r\n") {
            let len = headers
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length: ")
                        .map(str::to_owned)
                })
                .and_then(|v| v.trim().parse::<usize>().ok());
            if len.is_some_and(|len| body.len() >= len) {
                break;
            }
        }
    }
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_answers_its_code_and_changes_nothing() {
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let officer = seed.officer_a.token.as_str();
    let reviewer = seed.reviewer.token.as_str();
    let id = server.create_eservice(officer, "ระบบทดสอบ", "งานหนึ่ง").await;
    let base = format!("/api/v1/eservices/{id}");
    server
        .json(
            Method::PUT,
            &format!("{base}/steps/credential/draft"),
            officer,
            &json!({"category": "in_development"}),
        )
        .await
        .expect(200);
    let before = state_of(&server, officer, &id).await;
    assert_eq!(before, (2, 2));

    // Malformed JSON.
    let r = server
        .send(
            server
                .req(
                    Method::PUT,
                    &format!("{base}/steps/credential/draft"),
                    Some(officer),
                )
                .header("content-type", "application/json")
                .body("{\"category\": "),
        )
        .await;
    r.expect_problem(400, "bad_request");
    // Wrong types: in the HTTP layer's own bodies and in a step form (core's check).
    let r = server
        .json(
            Method::PUT,
            &format!("{base}/services"),
            officer,
            &json!({"services": "ไม่ใช่รายการ"}),
        )
        .await;
    assert!(r.expect_problem(400, "bad_request")["detail"]
        .as_str()
        .unwrap()
        .contains("services"));
    server
        .json(
            Method::PUT,
            &format!("{base}/steps/credential/draft"),
            officer,
            &json!({"category": 42}),
        )
        .await
        .expect_problem(400, "bad_request");
    server
        .json(
            Method::POST,
            "/api/v1/eservices",
            officer,
            &json!({"name": ["x"]}),
        )
        .await
        .expect_problem(400, "bad_request");
    // Unknown step slug, bad UUIDs, bad query values.
    server
        .json(
            Method::PUT,
            &format!("{base}/steps/uat_setup/draft"),
            officer,
            &json!({}),
        )
        .await
        .expect_problem(400, "bad_request");
    server
        .get("/api/v1/eservices/not-a-uuid", officer)
        .await
        .expect_problem(400, "bad_request");
    server
        .get(&format!("{base}/steps/uat-test/attempts/x"), officer)
        .await
        .expect_problem(405, "method_not_allowed");
    server
        .get("/api/v1/eservices?per_page=500", officer)
        .await
        .expect_problem(400, "bad_request");
    server
        .get("/api/v1/eservices?step=nope", officer)
        .await
        .expect_problem(400, "bad_request");
    server
        .get("/api/v1/schedule/release-date?desired=2026-02-30", officer)
        .await
        .expect_problem(400, "bad_request");
    // Missing required fields of a step form: every one reported (422).
    let r = server
        .json(
            Method::POST,
            &format!("{base}/steps/credential/submit"),
            officer,
            &json!({}),
        )
        .await;
    let errors = r.expect_problem(422, "validation_failed")["errors"]
        .as_array()
        .unwrap()
        .clone();
    assert!(errors.len() >= 5, "{errors:?}");
    assert!(errors
        .iter()
        .all(|e| e["message_th"].is_string() && e["message_en"].is_string()));
    // Missing required fields of the HTTP layer's own bodies are 422 from core too.
    server
        .json(Method::POST, "/api/v1/eservices", officer, &json!({}))
        .await
        .expect_problem(422, "validation_failed");
    // An admin must name the agency (core says so, on `agency_id`).
    let r = server
        .json(
            Method::POST,
            "/api/v1/eservices",
            seed.admin.token.as_str(),
            &json!({"name": "บริการใหม่", "services": ["งานที่หนึ่ง"]}),
        )
        .await;
    let fields: Vec<&str> = r.expect_problem(422, "validation_failed")["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["agency_id"]);
    server
        .json(
            Method::POST,
            &format!("{base}/steps/credential/request-changes"),
            reviewer,
            &json!({}),
        )
        .await
        .expect_problem(409, "invalid_transition");

    // Stale and malformed If-Match.
    let stale = server
        .send(
            server
                .req(
                    Method::PUT,
                    &format!("{base}/steps/credential/draft"),
                    Some(officer),
                )
                .header("If-Match", "\"1\"")
                .json(&json!({"category": "health"})),
        )
        .await;
    stale.expect_problem(412, "version_conflict");
    server
        .send(
            server
                .req(
                    Method::PUT,
                    &format!("{base}/steps/credential/draft"),
                    Some(officer),
                )
                .header("If-Match", "version two")
                .json(&json!({"category": "health"})),
        )
        .await
        .expect_problem(400, "bad_request");

    // Invalid transitions.
    server
        .post_empty(&format!("{base}/steps/credential/approve"), reviewer)
        .await
        .expect_problem(409, "invalid_transition");
    server
        .post_empty(&format!("{base}/steps/credential/withdraw"), officer)
        .await
        .expect_problem(409, "invalid_transition");
    server
        .json(
            Method::POST,
            &format!("{base}/steps/uat-setup/submit"),
            officer,
            &onboard_core::samples::json(onboard_core::reference::Step::UatSetup),
        )
        .await
        .expect_problem(409, "invalid_transition");
    server
        .json(
            Method::POST,
            &format!("{base}/steps/uat-test/submit"),
            officer,
            &json!({}),
        )
        .await
        .expect_problem(409, "invalid_transition");
    server
        .post_empty(&format!("{base}/steps/launch/submit"), officer)
        .await
        .expect_problem(409, "invalid_transition");
    // Wrong role.
    server
        .json(
            Method::PUT,
            &format!("{base}/services"),
            reviewer,
            &json!({"services": ["x"]}),
        )
        .await
        .expect_problem(403, "forbidden");

    // Oversized bodies: over the global limit by Content-Length, answered before reading.
    let head = format!(
        "PUT {base}/steps/credential/draft HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {officer}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        30 * 1024 * 1024
    );
    let answer = head_only(&server, &head).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("content-type: application/problem+json"),
        "{answer}"
    );
    assert!(
        answer.contains("\"code\":\"payload_too_large\""),
        "{answer}"
    );
    // A JSON body over the JSON limit (2 MiB).
    let big = json!({"category": "in_development", "full_description": "ก".repeat(1_000_000)});
    let r = server
        .json(
            Method::PUT,
            &format!("{base}/steps/credential/draft"),
            officer,
            &big,
        )
        .await;
    // The rest of that body is not read, so the connection must not carry another request.
    assert_eq!(
        r.headers.get("connection").map(|v| v.as_bytes()),
        Some(&b"close"[..])
    );
    r.expect_problem(413, "payload_too_large");
    // An icon over its 2 MiB limit: refused while streaming.
    let mut huge = png(16, 16, [1, 2, 3]);
    huge.resize(2 * 1024 * 1024 + 10, 0);
    server
        .upload(officer, "icon", "big.png", huge)
        .await
        .expect_problem(413, "payload_too_large");
    // Wrong file types are decided from the content, whatever the name says.
    let r = server
        .upload(officer, "icon", "icon.png", pdf("not an image"))
        .await;
    let issue = &r.expect_problem(422, "validation_failed")["errors"][0];
    assert_eq!(
        (issue["field"].as_str(), issue["code"].as_str()),
        (Some("file"), Some("file_type"))
    );
    server
        .upload(
            officer,
            "test_result",
            "result.xlsx",
            b"MZ\x90\x00\x03binary".to_vec(),
        )
        .await
        .expect_problem(422, "validation_failed");
    server
        .upload(officer, "selfie", "a.png", png(1, 1, [0, 0, 0]))
        .await
        .expect_problem(400, "bad_request");
    server
        .send(
            server
                .req(Method::POST, "/api/v1/files?purpose=icon", Some(officer))
                .body("x"),
        )
        .await
        .expect_problem(400, "bad_request");

    // Unknown routes, wrong methods, bad tokens.
    server
        .get("/api/v1/nowhere", officer)
        .await
        .expect_problem(404, "not_found");
    server
        .send(server.req(Method::DELETE, "/api/v1/dashboard", Some(officer)))
        .await
        .expect_problem(405, "method_not_allowed");
    server
        .get("/api/v1/me", "forged-token")
        .await
        .expect_problem(401, "unauthenticated");
    server
        .send(server.req(Method::GET, "/api/v1/me", None))
        .await
        .expect_problem(401, "unauthenticated");

    // Nothing of the above changed the e-Service.
    assert_eq!(state_of(&server, officer, &id).await, before);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_is_throttled_after_five_failures() {
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let login = |password: &'static str| {
        server.send(server.req(Method::POST, "/api/v1/auth/login", None).json(
            &json!({"username": seed.officer_a.username.to_uppercase(), "password": password}),
        ))
    };
    // Unknown users and wrong passwords get the same answer.
    let unknown = server
        .send(
            server
                .req(Method::POST, "/api/v1/auth/login", None)
                .json(&json!({"username": "nobody.here", "password": "Whatever123"})),
        )
        .await;
    let wrong = login("Wrong-password-1").await;
    assert_eq!(unknown.body, wrong.body);
    wrong.expect_problem(401, "invalid_credentials");
    for _ in 0..4 {
        login("Wrong-password-1")
            .await
            .expect_problem(401, "invalid_credentials");
    }
    // Sixth attempt within the window: 429, even with the right password.
    let r = server
        .send(server.req(Method::POST, "/api/v1/auth/login", None).json(
            &json!({"username": seed.officer_a.username, "password": seed.officer_a.password}),
        ))
        .await;
    r.expect_problem(429, "too_many_attempts");
    assert_eq!(r.headers["retry-after"], "900");
    // Another user is not affected.
    server
        .login(&seed.reviewer.username, &seed.reviewer.password)
        .await;
    // Once the failures leave the window, the right password works (and clears them).
    server.set_clock(server.now() + chrono::Duration::minutes(15));
    server
        .login(&seed.officer_a.username, &seed.officer_a.password)
        .await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_login_reports_every_rule_and_is_required_first() {
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let pending = seed.pending.token.as_str();
    server
        .get("/api/v1/dashboard", pending)
        .await
        .expect_problem(403, "credentials_change_required");
    assert_eq!(
        server.get("/api/v1/me", pending).await.expect(200)["must_change_credentials"],
        true
    );
    let r = server
        .json(
            Method::POST,
            "/api/v1/auth/first-login",
            pending,
            &json!({"username": "a b", "password": "short", "password_confirmation": "other"}),
        )
        .await;
    let fields: Vec<(String, String)> = r.expect_problem(422, "validation_failed")["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        fields.contains(&("username".into(), "invalid_format".into())),
        "{fields:?}"
    );
    assert!(
        fields.contains(&("password".into(), "too_short".into())),
        "{fields:?}"
    );
    assert!(
        fields.contains(&("password_confirmation".into(), "mismatch".into())),
        "{fields:?}"
    );
    // A username taken by someone else (case-insensitively) is a 422 on `username`.
    let r = server
        .json(
            Method::POST,
            "/api/v1/auth/first-login",
            pending,
            &json!({"username": seed.officer_b.username.to_uppercase(), "password": "Tangrat2027z", "password_confirmation": "Tangrat2027z"}),
        )
        .await;
    let issue = &r.expect_problem(422, "validation_failed")["errors"][0];
    assert_eq!(
        (issue["field"].as_str(), issue["code"].as_str()),
        (Some("username"), Some("duplicate"))
    );
    // The same password as now is refused.
    let r = server
        .json(
            Method::POST,
            "/api/v1/auth/first-login",
            pending,
            &json!({"username": "pending.done", "password": seed.pending.password, "password_confirmation": seed.pending.password}),
        )
        .await;
    r.expect_problem(422, "validation_failed");
    server
        .json(
            Method::POST,
            "/api/v1/auth/first-login",
            pending,
            &json!({"username": "pending.done", "password": "Tangrat2027z", "password_confirmation": "Tangrat2027z"}),
        )
        .await
        .expect(200);
    server.get("/api/v1/dashboard", pending).await.expect(200);
    // The new credentials work; the old ones do not.
    server.login("PENDING.DONE", "Tangrat2027z").await;
    let r =
        server
            .send(server.req(Method::POST, "/api/v1/auth/login", None).json(
                &json!({"username": seed.pending.username, "password": seed.pending.password}),
            ))
            .await;
    r.expect_problem(401, "invalid_credentials");
    // Logout revokes the token.
    server
        .send(server.req(Method::POST, "/api/v1/auth/logout", Some(pending)))
        .await
        .expect(204);
    server
        .get("/api/v1/me", pending)
        .await
        .expect_problem(401, "unauthenticated");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_change_checks_the_current_password_and_ends_the_other_sessions() {
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let officer = &seed.officer_a;
    let here = officer.token.as_str();
    let elsewhere = server.login(&officer.username, &officer.password).await;
    let change = |token: Option<&str>, current: &str, password: &str, confirmation: &str| {
        server.send(
            server
                .req(Method::POST, "/api/v1/me/password", token)
                .json(&json!({"current_password": current, "password": password, "password_confirmation": confirmation})),
        )
    };
    let issues = |body: &serde_json::Value| -> Vec<(String, String)> {
        body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let thai = e["message_th"].as_str().unwrap();
                assert!(
                    thai.chars().any(|c| ('\u{0E01}'..='\u{0E5B}').contains(&c)),
                    "{e}"
                );
                (
                    e["field"].as_str().unwrap().to_owned(),
                    e["code"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };

    // No session: 401. Before the first login: 403.
    change(None, &officer.password, "Changed2028x", "Changed2028x")
        .await
        .expect_problem(401, "unauthenticated");
    change(
        Some(&seed.pending.token),
        &seed.pending.password,
        "Changed2028x",
        "Changed2028x",
    )
    .await
    .expect_problem(403, "credentials_change_required");

    // A wrong current password: 422 on `current_password`, in Thai.
    let r = change(Some(here), "Wrong-1234x", "Changed2028x", "Changed2028x").await;
    let body = r.expect_problem(422, "validation_failed");
    assert_eq!(
        issues(body),
        [("current_password".to_owned(), "mismatch".to_owned())]
    );
    assert_eq!(body["errors"][0]["message_th"], "รหัสผ่านปัจจุบันไม่ถูกต้อง");
    // Every problem at once, each with its Thai message.
    let r = change(Some(here), "", "short", "other").await;
    let found = issues(r.expect_problem(422, "validation_failed"));
    for expected in [
        ("current_password", "required"),
        ("password", "too_short"),
        ("password", "invalid_format"),
        ("password_confirmation", "mismatch"),
    ] {
        assert!(
            found.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} in {found:?}"
        );
    }
    // The current password again is not a new one.
    let r = change(
        Some(here),
        &officer.password,
        &officer.password,
        &officer.password,
    )
    .await;
    assert_eq!(
        issues(r.expect_problem(422, "validation_failed")),
        [("password".to_owned(), "not_allowed".to_owned())]
    );
    // Refused changes end no session.
    server.get("/api/v1/me", &elsewhere).await.expect(200);

    // The change: 204; this token still works, the other login is revoked.
    let r = change(
        Some(here),
        &officer.password,
        "Changed2028x",
        "Changed2028x",
    )
    .await;
    r.expect(204);
    assert_eq!(r.body, serde_json::Value::Null);
    server.get("/api/v1/me", here).await.expect(200);
    server.get("/api/v1/dashboard", here).await.expect(200);
    server
        .get("/api/v1/me", &elsewhere)
        .await
        .expect_problem(401, "unauthenticated");
    // Only the new password logs in.
    let r = server
        .send(
            server
                .req(Method::POST, "/api/v1/auth/login", None)
                .json(&json!({"username": officer.username, "password": officer.password})),
        )
        .await;
    r.expect_problem(401, "invalid_credentials");
    server.login(&officer.username, "Changed2028x").await;
    // Other accounts are not touched.
    server
        .get("/api/v1/me", &seed.officer_b.token)
        .await
        .expect(200);
    // Wrong current passwords count as failed logins of the account: 429 after five.
    for _ in 0..5 {
        change(Some(here), "Wrong-1234x", "Again2029x", "Again2029x")
            .await
            .expect_problem(422, "validation_failed");
    }
    let r = change(Some(here), "Changed2028x", "Again2029x", "Again2029x").await;
    r.expect_problem(429, "too_many_attempts");
    assert_eq!(r.headers["retry-after"], "900");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_create_users_with_generated_credentials() {
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let admin = seed.admin.token.as_str();
    let r = server
        .json(
            Method::POST,
            "/api/v1/users",
            admin,
            &json!({"email": "Somchai.K@dop.go.th", "display_name": "สมชาย ใจดี", "role": "agency", "agency_id": seed.agency_a}),
        )
        .await;
    let created = r.expect(201).clone();
    let username = created["initial_username"].as_str().unwrap();
    let password = created["initial_password"].as_str().unwrap();
    assert!(username.starts_with("somchai.k"), "{username}");
    assert!(onboard_core::account::Username::parse(username).is_ok());
    assert_eq!(created["user"]["must_change_credentials"], true);
    assert!(created["user"].get("password_hash").is_none());
    // The welcome e-mail is in the outbox, with the credentials: a letter to the new user
    // that links to the portal's login page on this server, the password marked secret.
    let outbox = server.state.store.outbox(None, 10).await.unwrap();
    let mail = outbox
        .iter()
        .find(|m| m.to == "Somchai.K@dop.go.th")
        .unwrap();
    assert!(mail.body.contains(username) && mail.body.contains(password));
    assert!(mail.body.starts_with("เรียน สมชาย ใจดี\n"), "{}", mail.body);
    assert!(
        mail.body
            .contains(&format!("เข้าสู่ระบบได้ที่ {}/\n", server.base)),
        "{}",
        mail.body
    );
    assert_eq!(mail.secret.as_deref(), Some(password));
    assert_eq!(
        mail.recipient.map(|id| id.to_string()).as_deref(),
        created["user"]["id"].as_str()
    );
    assert!(!mail.redacted().body.contains(password));
    // The initial credentials log in, with the first login still to do.
    let token = server.login(username, password).await;
    server
        .get("/api/v1/eservices", &token)
        .await
        .expect_problem(403, "credentials_change_required");
    // Every rule of the new account at once.
    let r = server
        .json(
            Method::POST,
            "/api/v1/users",
            admin,
            &json!({"email": "x", "display_name": "", "role": "boss"}),
        )
        .await;
    let fields: Vec<&str> = r.expect_problem(422, "validation_failed")["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "display_name", "role"]);
    let r = server
        .json(
            Method::POST,
            "/api/v1/users",
            admin,
            &json!({"email": "a@b.go.th", "display_name": "A", "role": "agency", "agency_id": uuid::Uuid::nil()}),
        )
        .await;
    r.expect_problem(404, "not_found");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn problems_and_labels_speak_thai() {
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let officer = seed.officer_a.token.as_str();
    // 401 without a token, and for a wrong password.
    let r = server
        .send(server.req(Method::GET, "/api/v1/me", None))
        .await;
    assert!(r.expect_problem(401, "unauthenticated")["detail_th"]
        .as_str()
        .unwrap()
        .contains("เข้าสู่ระบบ"));
    let r = server
        .send(
            server
                .req(Method::POST, "/api/v1/auth/login", None)
                .json(&json!({"username": seed.officer_a.username, "password": "Wrong-1234"})),
        )
        .await;
    assert!(r.expect_problem(401, "invalid_credentials")["detail_th"]
        .as_str()
        .unwrap()
        .contains("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"));
    // 413 names the file kind and its limit in Thai (and the English slip "a icon" is gone).
    let mut big = png(16, 16, [1, 2, 3]);
    big.resize(3 * 1024 * 1024, 0);
    let r = server.upload(officer, "icon", "icon.png", big).await;
    let p = r.expect_problem(413, "payload_too_large");
    assert_eq!(p["detail_th"], "ไฟล์ไอคอนต้องมีขนาดไม่เกิน 2 MB");
    assert_eq!(p["detail"], "a file for `icon` may be at most 2 MiB");
    // 409 names the step and its status in Thai.
    let id = server.create_eservice(officer, "ระบบทดสอบ", "งานหนึ่ง").await;
    let r = server
        .post_empty(
            &format!("/api/v1/eservices/{id}/steps/credential/withdraw"),
            officer,
        )
        .await;
    let p = r.expect_problem(409, "invalid_transition");
    assert!(
        p["detail_th"].as_str().unwrap().contains("ขอ Credential")
            && p["detail_th"].as_str().unwrap().contains("กำลังดำเนินการ"),
        "{p}"
    );
    // A Buddhist-era year is named, with the Gregorian year.
    let r = server
        .get("/api/v1/schedule/release-date?desired=2569-12-04", officer)
        .await;
    let p = r.expect_problem(422, "validation_failed");
    assert!(p["errors"][0]["message_th"]
        .as_str()
        .unwrap()
        .contains("2026"));
    // Statuses come with their labels everywhere.
    let statuses = server.get("/api/v1/reference/statuses", officer).await;
    let labels: Vec<(&str, &str)> = statuses
        .expect(200)
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["status"].as_str().unwrap(),
                s["title_th"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        labels,
        [
            ("locked", "ยังไม่ถึงขั้นตอนนี้"),
            ("in_progress", "กำลังดำเนินการ"),
            ("under_review", "กำลังตรวจสอบ"),
            ("changes_requested", "ต้องแก้ไข"),
            ("completed", "เสร็จสิ้น"),
        ]
    );
    let d = server
        .get(&format!("/api/v1/eservices/{id}"), officer)
        .await;
    let d = d.expect(200);
    assert_eq!(d["steps"][0]["status_th"], "กำลังดำเนินการ");
    assert_eq!(d["steps"][1]["status_en"], "Not yet reached");
    assert_eq!(d["current_step_th"], "ขอ Credential");
    let list = server.get("/api/v1/eservices", officer).await;
    let item = &list.expect(200)["items"][0];
    assert_eq!(
        (item["current_step_th"].as_str(), item["status_th"].as_str()),
        (Some("ขอ Credential"), Some("กำลังดำเนินการ"))
    );
    server
        .json(
            Method::PUT,
            &format!("/api/v1/eservices/{id}/steps/credential/draft"),
            officer,
            &json!({"category": "in_development"}),
        )
        .await
        .expect(200);
    let events = server
        .get(&format!("/api/v1/eservices/{id}/events"), officer)
        .await;
    assert_eq!(events.expect(200)[1]["step_th"], "ขอ Credential");
    server.stop().await;
}
