//! Templates through the API (SPEC §10): an admin adds one (multipart `file`, `title_th`,
//! `title_en`, `step`), anyone signed in lists and downloads it, the admin deletes it; bad
//! input is a 422 with every problem in Thai and English (or a 413 for a file over 20 MiB)
//! and stores nothing. Run on SQLite and, with `ONBOARD_TEST_POSTGRES_URL`, on PostgreSQL.

use crate::common::{Seed, Server};
use onboard_core::testing::files::{pdf, png, xlsx};
use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde_json::Value;

fn form(title_th: &str, title_en: &str, step: &str, file: Option<(&str, Vec<u8>)>) -> Form {
    let mut f = Form::new()
        .text("title_th", title_th.to_owned())
        .text("title_en", title_en.to_owned())
        .text("step", step.to_owned());
    if let Some((name, bytes)) = file {
        f = f.part("file", Part::bytes(bytes).file_name(name.to_owned()));
    }
    f
}

async fn post(server: &Server, token: &str, form: Form) -> crate::common::Reply {
    server
        .send(
            server
                .req(Method::POST, "/api/v1/templates", Some(token))
                .multipart(form),
        )
        .await
}

/// `(field, code)` of every problem of a 422, each with Thai and English messages.
fn problems(body: &Value) -> Vec<(String, String)> {
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert!(!e["message_th"].as_str().unwrap().is_empty(), "{e}");
            assert!(!e["message_en"].as_str().unwrap().is_empty(), "{e}");
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

async fn list(server: &Server, token: &str) -> Vec<Value> {
    server
        .get("/api/v1/templates", token)
        .await
        .expect(200)
        .as_array()
        .unwrap()
        .clone()
}

async fn added_listed_downloaded_deleted(server: Server) {
    let seed: Seed = server.seed().await;
    let admin = &seed.admin.token;
    assert!(list(&server, &seed.officer_a.token).await.is_empty());

    let workbook = xlsx();
    let created = post(
        &server,
        admin,
        form(
            "  Template Minimum Testcase (UAT) ",
            "Minimum Testcase (UAT)",
            "uat-test",
            Some(("Minimum Testcase (UAT).xlsx", workbook.clone())),
        ),
    )
    .await;
    let t = created.expect(201).clone();
    assert_eq!(t["title_th"], "Template Minimum Testcase (UAT)");
    assert_eq!(t["step"], "uat-test");
    assert_eq!(t["step_number"], 3);
    assert_eq!(
        t["step_th"],
        onboard_core::reference::Step::UatTest.title_th()
    );
    assert_eq!(t["file_name"], "Minimum Testcase (UAT).xlsx");
    assert_eq!(
        t["media_type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(t["size"], workbook.len());
    let id = t["id"].as_str().unwrap().to_owned();
    assert_eq!(t["download"], format!("/api/v1/templates/{id}"));
    let guide = post(
        &server,
        admin,
        form(
            "Template Icon งานบริการและภาพหน้าจอตัวอย่าง",
            "Service icon and screenshot template",
            "preprod-setup",
            Some(("คู่มือ.png", png(400, 300, [1, 2, 3]))),
        ),
    )
    .await
    .expect(201)
    .clone();

    // Everyone signed in sees them, by step number (3 before 5).
    for token in [
        &seed.officer_a.token,
        &seed.officer_b.token,
        &seed.reviewer.token,
        admin,
    ] {
        let listed = list(&server, token).await;
        let ids: Vec<&Value> = listed.iter().map(|t| &t["id"]).collect();
        assert_eq!(ids, [&t["id"], &guide["id"]]);
    }
    // The download: the bytes, the stored type, an attachment with the file name.
    let reply = server
        .http
        .get(format!("{}/api/v1/templates/{id}", server.base))
        .bearer_auth(&seed.officer_b.token)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    assert_eq!(
        reply.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let disposition = reply.headers()["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''Minimum%20Testcase%20%28UAT%29.xlsx"),
        "{disposition}"
    );
    assert_eq!(reply.bytes().await.unwrap().to_vec(), workbook);
    let thai = server
        .http
        .get(format!(
            "{}/api/v1/templates/{}",
            server.base,
            guide["id"].as_str().unwrap()
        ))
        .bearer_auth(&seed.officer_a.token)
        .send()
        .await
        .unwrap();
    assert_eq!(thai.headers()["content-type"], "image/png");
    assert!(thai.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("filename*=UTF-8''%E0%B8%84"));

    // Unknown and malformed ids.
    let unknown = format!("/api/v1/templates/{}", uuid::Uuid::now_v7());
    server
        .get(&unknown, &seed.officer_a.token)
        .await
        .expect_problem(404, "not_found");
    server
        .get("/api/v1/templates/not-a-uuid", &seed.officer_a.token)
        .await
        .expect_problem(400, "bad_request");

    // Deleting: 204, then 404; the list no longer has it.
    let del = |path: String| server.send(server.req(Method::DELETE, &path, Some(admin)));
    assert_eq!(del(format!("/api/v1/templates/{id}")).await.status, 204);
    del(format!("/api/v1/templates/{id}"))
        .await
        .expect_problem(404, "not_found");
    del(unknown).await.expect_problem(404, "not_found");
    server
        .get(&format!("/api/v1/templates/{id}"), admin)
        .await
        .expect_problem(404, "not_found");
    let left = list(&server, admin).await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["id"], guide["id"]);
    server.stop().await;
}

async fn bad_input_stores_nothing(server: Server) {
    let seed = server.seed().await;
    let admin = &seed.admin.token;

    // A missing title and an unknown step: both problems, Thai and English.
    let reply = post(
        &server,
        admin,
        form("", "Minimum Testcase", "step-8", Some(("t.xlsx", xlsx()))),
    )
    .await;
    let body = reply.expect_problem(422, "validation_failed");
    assert_eq!(
        problems(body),
        pairs(&[("title_th", "required"), ("step", "not_allowed")])
    );
    // Everything wrong at once, no file at all.
    let reply = post(&server, admin, form(" ", &"a".repeat(201), "", None)).await;
    let body = reply.expect_problem(422, "validation_failed");
    assert_eq!(
        problems(body),
        pairs(&[
            ("title_th", "required"),
            ("title_en", "too_long"),
            ("step", "required"),
            ("file", "required"),
        ])
    );
    // A wrong type: the same problem as `POST /files` gives.
    let exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00".to_vec();
    let reply = post(
        &server,
        admin,
        form(
            "แม่แบบ",
            "Template",
            "uat-test",
            Some(("renamed.pdf", exe.clone())),
        ),
    )
    .await;
    let template_problem = reply.expect_problem(422, "validation_failed").clone();
    assert_eq!(problems(&template_problem), pairs(&[("file", "file_type")]));
    let upload = server
        .upload(admin, "test_result", "renamed.pdf", exe)
        .await;
    let upload_problem = upload.expect_problem(422, "validation_failed");
    assert_eq!(template_problem["errors"], upload_problem["errors"]);
    assert_eq!(template_problem["detail_th"], upload_problem["detail_th"]);
    // Too large: 413 before the rest is kept.
    let big = {
        let mut b = pdf("big");
        b.resize(20 * 1024 * 1024 + 1, b' ');
        b
    };
    let reply = post(
        &server,
        admin,
        form("แม่แบบ", "Template", "uat-test", Some(("big.pdf", big))),
    )
    .await;
    let body = reply.expect_problem(413, "payload_too_large");
    assert!(
        body["detail_th"].as_str().unwrap().contains("20 MB"),
        "{body}"
    );
    // Not multipart.
    server
        .json(
            Method::POST,
            "/api/v1/templates",
            admin,
            &serde_json::json!({"title_th": "ก"}),
        )
        .await
        .expect_problem(400, "bad_request");
    // Nothing of it was stored.
    assert!(list(&server, admin).await.is_empty());
    // Exactly 20 MiB is accepted.
    let limit = {
        let mut b = pdf("limit");
        b.resize(20 * 1024 * 1024, b' ');
        b
    };
    post(
        &server,
        admin,
        form("แม่แบบ", "Template", "launch", Some(("limit.pdf", limit))),
    )
    .await
    .expect(201);
    assert_eq!(list(&server, admin).await.len(), 1);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn templates_are_added_listed_downloaded_and_deleted_sqlite() {
    added_listed_downloaded_deleted(Server::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn templates_are_added_listed_downloaded_and_deleted_postgres() {
    if let Some(server) = Server::postgres("templates").await {
        added_listed_downloaded_deleted(server).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_templates_are_refused_with_every_problem_sqlite() {
    bad_input_stores_nothing(Server::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_templates_are_refused_with_every_problem_postgres() {
    if let Some(server) = Server::postgres("templates bad input").await {
        bad_input_stores_nothing(server).await;
    }
}
