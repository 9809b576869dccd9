//! The database commands, run as an operator runs them, on a fresh SQLite data directory.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use std::process::Command;

fn onboard(data_dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_onboard"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("ONBOARD_DATABASE_URL")
        .output()
        .expect("run onboard");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[test]
fn migrate_creates_the_database_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let (code, out, err) = onboard(dir.path(), &["migrate", "--json"]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(json(&out), serde_json::json!({"migrated": true}));
    }
    assert!(dir.path().join("onboard.db").exists());
}

#[test]
fn agency_and_user_create_print_one_json_document() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = onboard(
        dir.path(),
        &[
            "agency",
            "create",
            "--name-th",
            "กรมสรรพากร",
            "--name-en",
            "The Revenue Department",
            "--ministry-th",
            "กระทรวงการคลัง",
            "--ministry-en",
            "Ministry of Finance",
            "--json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let agency = json(&out);
    assert_eq!(agency["name_th"], "กรมสรรพากร");
    let agency_id = agency["id"].as_str().unwrap().to_owned();

    let (code, out, err) = onboard(
        dir.path(),
        &[
            "user",
            "create",
            "--role",
            "agency",
            "--email",
            "saraban@rd.go.th",
            "--display-name",
            "สมหญิง รักงาน",
            "--agency",
            &agency_id,
            "--json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let created = json(&out);
    let keys: Vec<&str> = created
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["user", "initial_username", "initial_password"]);
    assert_eq!(created["user"]["agency_id"], agency_id.as_str());
    assert_eq!(created["user"]["must_change_credentials"], true);
    let password = created["initial_password"].as_str().unwrap();
    assert!(password.len() >= 8);
    assert!(
        created["user"].get("password_hash").is_none(),
        "hash leaked: {out}"
    );

    let (code, out, err) = onboard(dir.path(), &["agency", "list", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)[0]["id"], agency_id.as_str());
}

/// Runs a command that must succeed and print one JSON document.
fn ok_json(dir: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let (code, out, err) = onboard(dir, args);
    assert_eq!(code, 0, "{args:?}: {err}");
    json(&out)
}

#[test]
fn users_are_listed_reset_disabled_and_enabled() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // On a data directory without a database, the commands say so instead of making one.
    let (code, _, err) = onboard(d, &["user", "list"]);
    assert_eq!(code, 2);
    assert!(err.contains("no database at"), "{err}");

    let agency = ok_json(
        d,
        &[
            "agency",
            "create",
            "--name-th",
            "กรมสรรพกร",
            "--name-en",
            "Revenue Dept",
            "--ministry-th",
            "กระทรวงการคลัง",
            "--ministry-en",
            "Ministry of Finance",
            "--json",
        ],
    );
    let agency_id = agency["id"].as_str().unwrap().to_owned();
    let admin = ok_json(
        d,
        &[
            "user",
            "create",
            "--role",
            "admin",
            "--email",
            "admin@dga.or.th",
            "--display-name",
            "ผู้ดูแลระบบ",
            "--json",
        ],
    );
    let officer = ok_json(
        d,
        &[
            "user",
            "create",
            "--role",
            "agency",
            "--email",
            "saraban@rd.go.th",
            "--display-name",
            "สมหญิง รักงาน",
            "--agency",
            &agency_id,
            "--json",
        ],
    );
    let officer_name = officer["initial_username"].as_str().unwrap().to_owned();
    let officer_id = officer["user"]["id"].as_str().unwrap().to_owned();

    // The list: the API's page, filters included; no hash.
    let page = ok_json(d, &["user", "list", "--json"]);
    assert_eq!(page["total"], 2);
    assert_eq!((&page["page"], &page["per_page"]), (&json!(1), &json!(20)));
    assert!(page["items"][0].get("password_hash").is_none());
    let page = ok_json(d, &["user", "list", "--role", "agency", "--json"]);
    assert_eq!(page["items"][0]["id"], officer_id.as_str());
    assert_eq!(page["total"], 1);
    let page = ok_json(
        d,
        &[
            "user", "list", "--agency", &agency_id, "--q", "SARABAN@", "--json",
        ],
    );
    assert_eq!(page["total"], 1);
    let (code, out, err) = onboard(d, &["user", "list"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("id "), "{out}");
    assert!(
        out.contains("กรมสรรพกร") && out.contains("รอเข้าสู่ระบบครั้งแรก"),
        "{out}"
    );
    assert!(out.ends_with("accounts 1-2 of 2\n"), "{out}");
    let (code, _, _) = onboard(d, &["user", "list", "--role", "boss"]);
    assert_eq!(code, 2);

    // A reset by username: the username stays, a new password, the reset e-mail queued.
    let reset = ok_json(
        d,
        &["user", "reset", &officer_name.to_uppercase(), "--json"],
    );
    let keys: Vec<&str> = reset
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["user", "initial_username", "initial_password"]);
    assert_eq!(reset["initial_username"], officer_name.as_str());
    let password = reset["initial_password"].as_str().unwrap();
    assert_ne!(password, officer["initial_password"].as_str().unwrap());
    assert_eq!(reset["user"]["must_change_credentials"], true);
    let outbox = ok_json(d, &["outbox", "--show-secrets", "--json"]);
    let mails = outbox.as_array().unwrap();
    assert_eq!(mails.len(), 3, "{outbox}");
    assert_eq!(mails[0]["kind"], "credentials_reset");
    assert!(mails[0]["body"].as_str().unwrap().contains(password));
    let (code, out, err) = onboard(d, &["user", "reset", &officer_id]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&format!("username: {officer_name}\npassword: ")),
        "{out}"
    );

    // Disable and enable, by id; idempotent.
    for _ in 0..2 {
        let user = ok_json(d, &["user", "disable", &officer_id, "--json"]);
        assert_eq!(user["disabled"], true);
    }
    let (code, out, _) = onboard(d, &["user", "list", "--role", "agency"]);
    assert_eq!(code, 0);
    assert!(out.contains("ปิดการใช้งาน"), "{out}");
    let user = ok_json(d, &["user", "enable", &officer_id, "--json"]);
    assert_eq!(user["disabled"], false);
    let (code, out, _) = onboard(d, &["user", "disable", &officer_name]);
    assert_eq!(
        (code, out.trim()),
        (
            0,
            format!("disabled {officer_name} ({officer_id})").as_str()
        )
    );

    // The only admin stays: exit 1 with the reason (JSON too).
    let admin_name = admin["initial_username"].as_str().unwrap();
    let (code, out, err) = onboard(d, &["user", "disable", admin_name, "--json"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(json(&out)["error"]["code"], "invalid_transition");
    assert!(err.contains("last enabled admin"), "{err}");
    let page = ok_json(d, &["user", "list", "--role", "admin", "--json"]);
    assert_eq!(page["items"][0]["disabled"], false);

    // Unknown accounts: exit 1, not found.
    for command in ["reset", "disable", "enable"] {
        let (code, _, err) = onboard(d, &["user", command, "nobody.here"]);
        assert_eq!(code, 1, "{command}");
        assert!(err.contains("not_found"), "{err}");
    }

    // An agency's names corrected.
    let fixed = ok_json(
        d,
        &[
            "agency",
            "update",
            &agency_id,
            "--name-th",
            "กรมสรรพากร",
            "--name-en",
            "The Revenue Department",
            "--ministry-th",
            "กระทรวงการคลัง",
            "--ministry-en",
            "Ministry of Finance",
            "--json",
        ],
    );
    assert_eq!(
        (&fixed["id"], &fixed["name_th"]),
        (&json!(agency_id), &json!("กรมสรรพากร"))
    );
    let (code, _, err) = onboard(
        d,
        &[
            "agency",
            "update",
            &uuid::Uuid::nil().to_string(),
            "--name-th",
            "ก",
            "--name-en",
            "A",
            "--ministry-th",
            "ก",
            "--ministry-en",
            "M",
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("not_found"), "{err}");
    let (code, _, err) = onboard(
        d,
        &[
            "agency",
            "update",
            &agency_id,
            "--name-th",
            " ",
            "--name-en",
            "A",
            "--ministry-th",
            "ก",
            "--ministry-en",
            "M",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("name_th: required"), "{err}");
}

#[test]
fn bad_admin_input_exits_2_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = onboard(
        dir.path(),
        &[
            "agency",
            "create",
            "--name-th",
            " ",
            "--name-en",
            "X",
            "--ministry-th",
            "ก",
            "--ministry-en",
            "M",
        ],
    );
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("name_th: required"), "{err}");
    let (code, _, err) = onboard(
        dir.path(),
        &[
            "user",
            "create",
            "--role",
            "agency",
            "--email",
            "not-an-email",
            "--display-name",
            "x",
        ],
    );
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = onboard(
        dir.path(),
        &["migrate", "--database-url", "mysql://localhost/x"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("postgres:// or sqlite://"), "{err}");
}

#[test]
fn demo_seed_only_prints_logins_and_reuses_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = onboard(dir.path(), &["demo", "--seed-only", "--json"]);
    assert_eq!(code, 0, "{err}");
    let doc = json(&out);
    let roles: Vec<&str> = doc["logins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["role"].as_str().unwrap())
        .collect();
    for role in ["admin", "reviewer", "agency"] {
        assert!(roles.contains(&role), "{roles:?}");
    }
    let first = demo_templates(dir.path());
    // A second run reuses the data and prints the same logins.
    let (code, again, _) = onboard(dir.path(), &["demo", "--seed-only", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(json(&again), doc);
    // The templates are seeded once: the same records after the second run.
    assert_eq!(demo_templates(dir.path()), first);
}

/// The templates of the demo database in `dir`: (step, Thai title, file name), checking
/// that each file holds the bytes the project makes.
fn demo_templates(dir: &std::path::Path) -> Vec<(String, String, String)> {
    use onboard_store::sqlite::{SqliteOptions, SqliteStore};
    use onboard_store::Store;
    let workbook: &[u8] =
        include_bytes!("../../onboard-http/assets/templates/minimum-testcase.xlsx");
    let guide: &[u8] =
        include_bytes!("../../onboard-http/assets/templates/icon-screenshot-guide.png");
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = SqliteStore::open(&dir.join("onboard.db"), SqliteOptions::default()).unwrap();
        let mut out = Vec::new();
        for t in store.templates().await.unwrap() {
            let bytes = store.file_content(t.file.id).await.unwrap().unwrap();
            let expected = if t.step.as_str() == "preprod-setup" {
                guide
            } else {
                workbook
            };
            assert_eq!(bytes, expected, "{}", t.title_th);
            assert_eq!(t.file.agency_id, None);
            assert!(t.uploaded_by.is_some(), "added as the demo admin");
            out.push((t.step.as_str().to_owned(), t.title_th, t.file.name));
        }
        let steps: Vec<&str> = out.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(steps, ["uat-test", "preprod-setup", "preprod-test"]);
        out
    })
}
