//! The admins' account administration over HTTP (SPEC §10): the list of accounts, credentials
//! resets, disabling and enabling, the last enabled admin, and agency names.

use crate::common::{Reply, Server};
use onboard_core::notify::NoticeKind;
use onboard_core::reference::Role;
use reqwest::Method;
use serde_json::{json, Value};

/// A login attempt's answer, whatever it is.
async fn try_login(server: &Server, username: &str, password: &str) -> Reply {
    server
        .send(
            server
                .req(Method::POST, "/api/v1/auth/login", None)
                .json(&json!({"username": username, "password": password})),
        )
        .await
}

/// The parts of a problem that must not tell one refusal from another.
fn refusal(body: &Value) -> Value {
    json!([
        body["status"],
        body["code"],
        body["detail"],
        body["detail_th"]
    ])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_ends_the_sessions_and_the_user_does_the_first_login_again() {
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let admin = seed.admin.token.as_str();
    let officer = &seed.officer_a;
    let elsewhere = server.login(&officer.username, &officer.password).await;
    let path = format!("/api/v1/users/{}/reset-credentials", officer.id);

    // Only admins.
    for token in [&seed.reviewer.token, &seed.officer_b.token] {
        server
            .post_empty(&path, token)
            .await
            .expect_problem(403, "forbidden");
    }
    server.get("/api/v1/me", &officer.token).await.expect(200);

    let r = server.post_empty(&path, admin).await;
    let body = r.expect(200).clone();
    // The username stays; the new password is shown this once.
    assert_eq!(body["initial_username"], officer.username.as_str());
    let password = body["initial_password"].as_str().unwrap().to_owned();
    assert!(onboard_core::account::check_password(&password, &officer.username).is_ok());
    assert_eq!(body["user"]["id"], officer.id.to_string());
    assert_eq!(body["user"]["must_change_credentials"], true);
    assert!(body["user"].get("password_hash").is_none());

    // Every session of the account ended.
    for token in [officer.token.as_str(), elsewhere.as_str()] {
        server
            .get("/api/v1/me", token)
            .await
            .expect_problem(401, "unauthenticated");
    }
    // The old password fails; the new one leads to the first login again.
    try_login(&server, &officer.username, &officer.password)
        .await
        .expect_problem(401, "invalid_credentials");
    let token = server.login(&officer.username, &password).await;
    server
        .get("/api/v1/eservices", &token)
        .await
        .expect_problem(403, "credentials_change_required");
    let chosen = json!({"username": "officer_a2", "password": "Renewed2027x", "password_confirmation": "Renewed2027x"});
    server
        .json(Method::POST, "/api/v1/auth/first-login", &token, &chosen)
        .await
        .expect(200);
    server.get("/api/v1/eservices", &token).await.expect(200);

    // The e-mail: the reset letter to the officer, linking to this portal's login page.
    let outbox = server.state.store.outbox(None, 50).await.unwrap();
    let mail = outbox
        .iter()
        .find(|m| m.kind == NoticeKind::CredentialsReset)
        .unwrap();
    assert_eq!(mail.recipient, Some(officer.id));
    assert!(mail.to.starts_with("init_officer_a@"), "{}", mail.to);
    assert!(
        mail.body.starts_with("เรียน ผู้ใช้ init_officer_a\n"),
        "{}",
        mail.body
    );
    assert!(mail.body.contains(&password));
    assert!(mail
        .body
        .contains(&format!("เข้าสู่ระบบได้ที่ {}/\n", server.base)));
    assert_eq!(mail.secret.as_deref(), Some(password.as_str()));

    // Another account is not touched; unknown and malformed ids.
    server
        .get("/api/v1/me", &seed.officer_b.token)
        .await
        .expect(200);
    server
        .post_empty(
            &format!("/api/v1/users/{}/reset-credentials", uuid::Uuid::now_v7()),
            admin,
        )
        .await
        .expect_problem(404, "not_found");
    server
        .post_empty("/api/v1/users/not-an-id/reset-credentials", admin)
        .await
        .expect_problem(400, "bad_request");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disabled_account_is_signed_out_and_refused_like_a_wrong_password_until_enabled() {
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let admin = seed.admin.token.as_str();
    let officer = &seed.officer_a;
    let disable = format!("/api/v1/users/{}/disable", officer.id);
    let enable = format!("/api/v1/users/{}/enable", officer.id);
    server
        .post_empty(&disable, &seed.reviewer.token)
        .await
        .expect_problem(403, "forbidden");

    let r = server.post_empty(&disable, admin).await;
    assert_eq!(r.expect(200)["disabled"], true);
    assert_eq!(r.body["id"], officer.id.to_string());
    // The open session ends at once.
    server
        .get("/api/v1/dashboard", &officer.token)
        .await
        .expect_problem(401, "unauthenticated");
    // The right password gets exactly the answer of a wrong one, and of an unknown user.
    let right = try_login(&server, &officer.username, &officer.password).await;
    right.expect_problem(401, "invalid_credentials");
    let wrong = try_login(&server, &seed.officer_b.username, "Wrong-2027x").await;
    let unknown = try_login(&server, "nobody.here", "Wrong-2027x").await;
    assert_eq!(refusal(&right.body), refusal(&wrong.body));
    assert_eq!(refusal(&right.body), refusal(&unknown.body));
    // Disabling again changes nothing.
    assert_eq!(
        server.post_empty(&disable, admin).await.expect(200)["disabled"],
        true
    );
    // The list shows it.
    let r = server
        .get(&format!("/api/v1/users?q={}", officer.username), admin)
        .await;
    assert_eq!(r.expect(200)["items"][0]["disabled"], true);

    // Enabled: the same password logs in again; the old session stays ended.
    let r = server.post_empty(&enable, admin).await;
    assert_eq!(r.expect(200)["disabled"], false);
    server
        .get("/api/v1/me", &officer.token)
        .await
        .expect_problem(401, "unauthenticated");
    let token = server.login(&officer.username, &officer.password).await;
    server.get("/api/v1/dashboard", &token).await.expect(200);
    server
        .post_empty(
            &format!("/api/v1/users/{}/enable", uuid::Uuid::now_v7()),
            admin,
        )
        .await
        .expect_problem(404, "not_found");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_enabled_admin_cannot_be_disabled() {
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let admin = &seed.admin;
    let own = format!("/api/v1/users/{}/disable", admin.id);

    // The only admin: 409 with the reason in Thai; nothing changes.
    let r = server.post_empty(&own, &admin.token).await;
    let body = r.expect_problem(409, "invalid_transition");
    assert!(
        body["detail_th"]
            .as_str()
            .unwrap()
            .contains("ผู้ดูแลระบบคนสุดท้าย"),
        "{body}"
    );
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("last enabled admin"));
    server.get("/api/v1/me", &admin.token).await.expect(200);

    // With a second admin, the first may go (their own session ends with it) ...
    let second = server.account("admin.two", Role::Admin, None).await;
    let r = server.post_empty(&own, &admin.token).await;
    assert_eq!(r.expect(200)["disabled"], true);
    server
        .get("/api/v1/me", &admin.token)
        .await
        .expect_problem(401, "unauthenticated");
    // ... and the second is now the last one.
    server
        .post_empty(
            &format!("/api/v1/users/{}/disable", second.id),
            &second.token,
        )
        .await
        .expect_problem(409, "invalid_transition");
    server
        .post_empty(&format!("/api/v1/users/{}/enable", admin.id), &second.token)
        .await
        .expect(200);
    server.login(&admin.username, &admin.password).await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_list_accounts_and_correct_agency_names() {
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let admin = seed.admin.token.as_str();
    let names = |r: &Reply| -> Vec<String> {
        r.expect(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["username"].as_str().unwrap().to_owned())
            .collect()
    };

    let r = server.get("/api/v1/users", admin).await;
    assert_eq!(
        names(&r),
        [
            "admin.dga",
            "officer_a",
            "officer_b",
            "pending.user",
            "reviewer.dga"
        ]
    );
    assert_eq!(
        (&r.body["total"], &r.body["page"], &r.body["per_page"]),
        (&json!(5), &json!(1), &json!(20))
    );
    for item in r.body["items"].as_array().unwrap() {
        assert!(item.get("password_hash").is_none(), "{item}");
    }
    let r = server.get("/api/v1/users?role=agency", admin).await;
    assert_eq!(names(&r), ["officer_a", "officer_b", "pending.user"]);
    let r = server
        .get(&format!("/api/v1/users?agency_id={}", seed.agency_a), admin)
        .await;
    assert_eq!(names(&r), ["officer_a", "pending.user"]);
    let r = server.get("/api/v1/users?q=OFFICER_&role=", admin).await;
    assert_eq!(names(&r), ["officer_a", "officer_b"]);
    let r = server.get("/api/v1/users?page=2&per_page=2", admin).await;
    assert_eq!(names(&r), ["officer_b", "pending.user"]);
    assert_eq!(r.body["total"], 5);
    for bad in [
        "role=boss",
        "agency_id=x",
        "page=0",
        "per_page=101",
        "per_page=x",
    ] {
        server
            .get(&format!("/api/v1/users?{bad}"), admin)
            .await
            .expect_problem(400, "bad_request");
    }
    server
        .get("/api/v1/users", &seed.reviewer.token)
        .await
        .expect_problem(403, "forbidden");

    // An agency's names: every problem at once, then the correction.
    let agency = format!("/api/v1/agencies/{}", seed.agency_a);
    let r = server
        .json(Method::PUT, &agency, admin, &json!({"name_th": " "}))
        .await;
    let fields: Vec<&str> = r.expect_problem(422, "validation_failed")["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name_th", "name_en", "ministry_th", "ministry_en"]);
    let renamed = json!({"name_th": "กรมกิจการผู้สูงอายุ (ใหม่)", "name_en": "Department of Older Persons (new)", "ministry_th": "กระทรวงการพัฒนาสังคมฯ", "ministry_en": "MSDHS"});
    let r = server.json(Method::PUT, &agency, admin, &renamed).await;
    let mut expected = renamed.clone();
    expected["id"] = json!(seed.agency_a);
    assert_eq!(r.expect(200), &expected);
    let listed = server.get("/api/v1/agencies", admin).await;
    assert!(listed.expect(200).as_array().unwrap().contains(&expected));
    // The e-Service list shows the new name.
    server
        .create_eservice(&seed.officer_a.token, "ระบบจองคิว", "จองคิว")
        .await;
    let r = server.get("/api/v1/eservices?q=(ใหม่)", admin).await;
    assert_eq!(
        r.expect(200)["items"][0]["agency_name_th"],
        "กรมกิจการผู้สูงอายุ (ใหม่)"
    );
    server
        .json(Method::PUT, &agency, &seed.reviewer.token, &renamed)
        .await
        .expect_problem(403, "forbidden");
    server
        .json(
            Method::PUT,
            &format!("/api/v1/agencies/{}", uuid::Uuid::now_v7()),
            admin,
            &renamed,
        )
        .await
        .expect_problem(404, "not_found");
    server.stop().await;
}
