//! The database commands, run as an operator runs them, on a fresh SQLite data directory.
#![allow(clippy::unwrap_used, clippy::expect_used)]

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
    // A second run reuses the data and prints the same logins.
    let (code, again, _) = onboard(dir.path(), &["demo", "--seed-only", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(json(&again), doc);
}
