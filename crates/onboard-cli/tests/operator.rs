//! The operator commands (`eservice`, `review`, `outbox`, `report`, `backup`) run as an
//! operator runs them: the real binary on a data directory seeded by `onboard demo
//! --seed-only`. The demo is seeded once per run of this file; every test works on its own
//! copy of it.
//!
//! The demo is seeded relative to "now", so snapshots redact ids, timestamps and dates
//! (ISO and Thai), and collapse the padding of tables whose column widths depend on them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, Utc};
use onboard_core::reference::{Step, StepStatus};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    bytes: Vec<u8>,
}

/// Runs the binary with no `ONBOARD_*` variable of the environment leaking in.
fn onboard(args: &[&str]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_onboard"));
    command.args(args);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("ONBOARD_") {
            command.env_remove(key);
        }
    }
    let out = command.output().expect("run onboard");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        bytes: out.stdout,
    }
}

/// Runs a command on the data directory `dir`.
fn on(dir: &Path, args: &[&str]) -> Run {
    let dir = dir.to_str().unwrap();
    let mut all = args.to_vec();
    all.extend(["--data-dir", dir]);
    onboard(&all)
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not one JSON document ({e}): {}", run.stdout))
}

/// The demo data directory, seeded once per test process.
fn template() -> &'static Path {
    static SEEDED: OnceLock<PathBuf> = OnceLock::new();
    SEEDED.get_or_init(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR"));
        // Leftovers of earlier runs (statics are never dropped); an hour keeps a run that
        // is going on at the same time safe.
        if let Ok(entries) = std::fs::read_dir(root) {
            for entry in entries.flatten() {
                let old = entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age.as_secs() > 3600);
                if old
                    && entry
                        .file_name()
                        .to_string_lossy()
                        .starts_with("operator-seed-")
                {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
        let dir = root.join(format!("operator-seed-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let run = on(&dir, &["demo", "--seed-only", "--json"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        dir
    })
}

/// A private copy of the seeded data directory.
fn seeded() -> tempfile::TempDir {
    let copy = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    copy_dir(template(), copy.path());
    copy
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The id of the demo e-Service named `name`.
fn id_of(dir: &Path, name: &str) -> String {
    let run = on(dir, &["eservice", "list", "--q", name, "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = json(&run);
    let items = doc["items"].as_array().unwrap();
    let item = items.iter().find(|i| i["name"] == name).unwrap();
    item["id"].as_str().unwrap().to_owned()
}

/// Snapshot `text` with everything that depends on the clock or on randomness redacted.
fn snapshot(name: &str, text: &str) {
    const MONTHS: &str =
        r"(?:ม\.ค\.|ก\.พ\.|มี\.ค\.|เม\.ย\.|พ\.ค\.|มิ\.ย\.|ก\.ค\.|ส\.ค\.|ก\.ย\.|ต\.ค\.|พ\.ย\.|ธ\.ค\.)";
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        "[uuid]",
    );
    settings.add_filter(
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})",
        "[timestamp]",
    );
    settings.add_filter(r"\d{4}-\d{2}-\d{2}", "[date]");
    settings.add_filter(
        &format!(r"\d{{1,2}} {MONTHS} \d{{4}} \d{{2}}:\d{{2}}"),
        "[thai-time]",
    );
    settings.add_filter(&format!(r"\d{{1,2}} {MONTHS} \d{{4}}"), "[thai-date]");
    settings.add_filter(r#""consumer_key": "[^"]*""#, r#""consumer_key": "[key]""#);
    // Column padding depends on the width of the redacted values.
    settings.add_filter(r"(\S) {2,}", "$1  ");
    settings.bind(|| insta::assert_snapshot!(name, text));
}

#[test]
fn eservice_list_prints_a_table_with_thai_labels() {
    let dir = seeded();
    let run = on(dir.path(), &["eservice", "list"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("กำลังตรวจสอบ"), "{}", run.stdout);
    assert!(
        run.stdout.ends_with("1-16 of 16 e-Services\n"),
        "{}",
        run.stdout
    );
    snapshot("eservice_list", &run.stdout);
}

#[test]
fn eservice_list_filters_and_pages_like_the_api() {
    let dir = seeded();
    let run = on(
        dir.path(),
        &["eservice", "list", "--step", "platform-request", "--json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = json(&run);
    let keys: Vec<&str> = doc
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["items", "total", "total_capped", "page", "per_page"]);
    snapshot("eservice_list_step_4_json", &run.stdout);

    // The step by number, and the status filter.
    let by_number = json(&on(
        dir.path(),
        &["eservice", "list", "--step", "4", "--json"],
    ));
    assert_eq!(by_number, doc);
    let under_review = json(&on(
        dir.path(),
        &[
            "eservice",
            "list",
            "--status",
            "under_review",
            "--per-page",
            "100",
            "--json",
        ],
    ));
    let items = under_review["items"].as_array().unwrap();
    assert_eq!(under_review["total"], items.len());
    assert!(items.iter().all(|i| i["current_status"] == "under_review"));
    assert_eq!(items.len(), 6);

    // Thai search, lifecycle, and paging.
    let q = json(&on(
        dir.path(),
        &["eservice", "list", "--q", "ภาษี", "--json"],
    ));
    assert_eq!(q["total"], 3);
    // SPEC §10: a งานบริการ name and the agency's names are searched too.
    let by_service = json(&on(
        dir.path(),
        &["eservice", "list", "--q", "ภ.ง.ด.90", "--json"],
    ));
    assert_eq!(by_service["total"], 1);
    assert_eq!(
        by_service["items"][0]["name"],
        "ระบบยื่นแบบภาษีเงินได้บุคคลธรรมดา"
    );
    for agency in ["สรรพากร", "revenue department"] {
        let by_agency = json(&on(
            dir.path(),
            &["eservice", "list", "--q", agency, "--json"],
        ));
        let items = by_agency["items"].as_array().unwrap();
        assert_eq!((by_agency["total"].as_u64(), items.len()), (Some(3), 3));
        assert!(
            items.iter().all(|i| i["agency_name_th"] == "กรมสรรพากร"),
            "{by_agency}"
        );
    }
    let live = json(&on(
        dir.path(),
        &["eservice", "list", "--lifecycle", "live", "--json"],
    ));
    assert_eq!(live["items"][0]["name"], "ระบบแจ้งเกิดออนไลน์");
    assert_eq!(live["total"], 1);
    let page = json(&on(
        dir.path(),
        &[
            "eservice",
            "list",
            "--per-page",
            "5",
            "--page",
            "4",
            "--json",
        ],
    ));
    assert_eq!(
        (page["total"].as_u64(), page["page"].as_u64()),
        (Some(16), Some(4))
    );
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let empty = on(dir.path(), &["eservice", "list", "--page", "9"]);
    assert_eq!(empty.code, 0);
    assert!(empty.stdout.contains("no e-Services on page 9 (16 in all)"));
}

#[test]
fn eservice_show_prints_the_seven_steps_in_thai() {
    let dir = seeded();
    let id = id_of(dir.path(), "ระบบตรวจสอบสิทธิหลักประกันสุขภาพ");
    let run = on(dir.path(), &["eservice", "show", &id]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for title in Step::ALL.iter().map(|s| s.title_th()) {
        assert!(run.stdout.contains(title), "{title}: {}", run.stdout);
    }
    // Buddhist-era years, never ISO dates.
    let year: i32 = Utc::now().format("%Y").to_string().parse().unwrap();
    assert!(
        run.stdout.contains(&(year + 543).to_string()),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains(&format!("{year}-")), "{}", run.stdout);
    assert!(!run.stdout.to_lowercase().contains("secret"));
    snapshot("eservice_show", &run.stdout);
}

#[test]
fn eservice_show_json_masks_citizen_ids_and_drops_secrets() {
    let dir = seeded();
    let id = id_of(dir.path(), "ระบบขอคืนภาษี");
    let run = on(dir.path(), &["eservice", "show", &id, "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = json(&run);
    assert_eq!(doc["id"], id.as_str());
    assert_eq!(doc["current_step"], "uat-setup");
    assert_eq!(doc["current_status"], "under_review");
    let testers = doc["steps"][1]["submission"]["testers"].as_array().unwrap();
    assert!(!testers.is_empty());
    for t in testers {
        assert!(t["citizen_id"].as_str().unwrap().contains("xxxxx"), "{t}");
    }
    // No 13-digit run (an unmasked citizen ID) anywhere, and no secret.
    let digits: Vec<usize> = run
        .stdout
        .split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .collect();
    assert!(digits.iter().all(|&n| n != 13), "{}", run.stdout);
    assert!(!run.stdout.contains("consumer_secret"));
    assert!(doc["credentials"]["uat"]["app_id"].is_string());
    snapshot("eservice_show_json", &run.stdout);
}

#[test]
fn unknown_ids_exit_1_and_bad_ids_exit_2() {
    let dir = seeded();
    let missing = "01a21473-0000-7000-8000-000000000000";
    let run = on(dir.path(), &["eservice", "show", missing]);
    assert_eq!((run.code, run.stdout.as_str()), (1, ""));
    assert_eq!(
        run.stderr,
        format!("onboard: not_found: no e-Service {missing}\n")
    );
    let run = on(dir.path(), &["eservice", "show", missing, "--json"]);
    assert_eq!(run.code, 1);
    assert_eq!(json(&run)["error"]["code"], "not_found");
    let run = on(dir.path(), &["eservice", "show", "not-a-uuid"]);
    assert_eq!(run.code, 2);
}

#[test]
fn review_approve_moves_the_step_on_and_a_second_approve_is_rejected() {
    let dir = seeded();
    let id = id_of(dir.path(), "ระบบขอคืนภาษี");
    let run = on(
        dir.path(),
        &[
            "review",
            "approve",
            &id,
            "uat-setup",
            "--as",
            "reviewer2",
            "--note",
            "ผ่าน",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    snapshot("review_approve", &run.stdout);

    let doc = json(&on(dir.path(), &["eservice", "show", &id, "--json"]));
    assert_eq!(doc["steps"][1]["status"], "completed");
    assert_eq!(doc["steps"][1]["review_note"], "ผ่าน");
    assert_eq!(doc["steps"][2]["status"], "in_progress");
    let again = on(
        dir.path(),
        &["review", "approve", &id, "2", "--as", "reviewer2", "--json"],
    );
    assert_eq!(again.code, 1, "{}", again.stderr);
    let error = json(&again);
    assert_eq!(error["error"]["code"], "invalid_transition");
    assert!(again.stderr.starts_with("onboard: invalid_transition: "));
    snapshot("review_approve_again", &again.stdout);
}

#[test]
fn review_request_changes_sends_the_step_back_with_the_reason() {
    let dir = seeded();
    let id = id_of(dir.path(), "ระบบขึ้นทะเบียนผู้ว่างงาน");
    let reason = "กรุณาแนบหนังสือมอบหมายที่ลงนามแล้ว";
    let run = on(
        dir.path(),
        &[
            "review",
            "request-changes",
            &id,
            "4",
            "--as",
            "admin",
            "--reason",
            reason,
            "--json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = json(&run);
    assert_eq!(doc["steps"][3]["status"], "changes_requested");
    assert_eq!(doc["steps"][3]["review_note"], reason);
    assert!(!run.stdout.contains("consumer_secret"));

    // Human output of the same decision on another e-Service.
    let other = id_of(dir.path(), "ระบบตรวจสอบสถานะคำร้อง");
    let run = on(
        dir.path(),
        &[
            "review",
            "request-changes",
            &other,
            "credential",
            "--as",
            "reviewer",
            "--reason",
            reason,
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    snapshot("review_request_changes", &run.stdout);

    // An empty reason is bad input; core says so.
    let id = id_of(dir.path(), "ระบบแจ้งเตือนภัยพืช");
    let run = on(
        dir.path(),
        &[
            "review",
            "request-changes",
            &id,
            "5",
            "--as",
            "admin",
            "--reason",
            " ",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("reason: required"), "{}", run.stderr);
}

#[test]
fn review_needs_a_staff_account() {
    let dir = seeded();
    let id = id_of(dir.path(), "ระบบขอคืนภาษี");
    let mut messages = String::new();
    for user in ["officer.rd", "nobody"] {
        let run = on(
            dir.path(),
            &["review", "approve", &id, "2", "--as", user, "--json"],
        );
        assert_eq!((run.code, run.stdout.as_str()), (2, ""), "{}", run.stderr);
        messages.push_str(&run.stderr);
    }
    snapshot("review_needs_a_staff_account", &messages);
    // Nothing changed.
    let doc = json(&on(dir.path(), &["eservice", "show", &id, "--json"]));
    assert_eq!(doc["steps"][1]["status"], "under_review");
}

#[test]
fn outbox_shows_the_welcome_emails_of_the_demo_accounts() {
    let dir = seeded();
    let run = on(dir.path(), &["outbox", "--limit", "10000", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let all = json(&run);
    let all = all.as_array().unwrap();
    let welcome: BTreeSet<String> = all
        .iter()
        .filter(|m| m["kind"] == "account_created")
        .map(|m| m["to"].as_str().unwrap().to_owned())
        .collect();
    let expected: BTreeSet<String> = [
        "admin",
        "reviewer",
        "reviewer2",
        "officer-dopa",
        "officer-rd",
        "officer-doe",
        "officer-doae",
        "officer-nhso",
        "newcomer-dopa",
    ]
    .iter()
    .map(|u| format!("{u}@demo.dga.or.th"))
    .collect();
    assert_eq!(welcome, expected);
    assert!(all.iter().all(|m| m["status"] == "pending"));

    let sent = json(&on(dir.path(), &["outbox", "--status", "sent", "--json"]));
    assert_eq!(sent, serde_json::json!([]));

    let run = on(dir.path(), &["outbox", "--limit", "4"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    snapshot("outbox", &run.stdout);
    let run = on(
        dir.path(),
        &["outbox", "--status", "pending", "--limit", "2", "--json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    snapshot("outbox_json", &run.stdout);
}

/// The outbox message to `to` in `outbox --json` output.
fn mail_to<'a>(doc: &'a Value, to: &str) -> &'a Value {
    doc.as_array()
        .unwrap()
        .iter()
        .find(|m| m["to"] == to)
        .unwrap_or_else(|| panic!("no e-mail to {to}"))
}

#[test]
fn outbox_hides_initial_passwords_unless_asked() {
    let dir = seeded();
    let run = on(
        dir.path(),
        &[
            "user",
            "create",
            "--role",
            "reviewer",
            "--email",
            "new.reviewer@dga.or.th",
            "--display-name",
            "ผู้ตรวจสอบใหม่",
            "--json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let password = json(&run)["initial_password"].as_str().unwrap().to_owned();
    let username = json(&run)["initial_username"].as_str().unwrap().to_owned();

    // JSON and table, by default: the password nowhere, the rest of the e-mail intact.
    let listing = on(dir.path(), &["outbox", "--json"]);
    assert_eq!(listing.code, 0, "{}", listing.stderr);
    assert!(!listing.stdout.contains(&password));
    let doc = json(&listing);
    let welcome = mail_to(&doc, "new.reviewer@dga.or.th");
    let body = welcome["body"].as_str().unwrap();
    assert!(body.starts_with("เรียน ผู้ตรวจสอบใหม่\n"), "{body}");
    assert!(body.contains(&username));
    assert!(body.contains("รหัสผ่าน: ********\n") && body.contains("Password: ********\n"));
    assert_eq!(welcome["secret"], "********");
    let table = on(dir.path(), &["outbox"]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(!table.stdout.contains(&password));
    assert!(
        table.stdout.contains("--show-secrets shows"),
        "{}",
        table.stdout
    );

    // Asked for: shown, in both forms.
    let shown = json(&on(dir.path(), &["outbox", "--json", "--show-secrets"]));
    let welcome = mail_to(&shown, "new.reviewer@dga.or.th");
    assert_eq!(welcome["secret"], password.as_str());
    let body = welcome["body"].as_str().unwrap();
    assert!(body.contains(&format!("รหัสผ่าน: {password}\n")), "{body}");
    let table = on(dir.path(), &["outbox", "--show-secrets"]);
    assert!(table
        .stdout
        .contains(&format!("new.reviewer@dga.or.th: {password}\n")));
    // Messages without a secret read the same either way.
    let hidden = json(&on(dir.path(), &["outbox", "--json"]));
    let plain = |doc: &Value| -> Vec<Value> {
        doc.as_array()
            .unwrap()
            .iter()
            .filter(|m| m["secret"].is_null())
            .cloned()
            .collect()
    };
    assert_eq!(plain(&hidden), plain(&shown));
    assert!(!plain(&shown).is_empty());
}

#[test]
fn emails_link_to_the_configured_portal_and_sign_as_configured() {
    let dir = seeded();
    let create = |email: &str, extra: &[&str]| {
        let mut args = vec![
            "user",
            "create",
            "--role",
            "admin",
            "--email",
            email,
            "--display-name",
            "ผู้ดูแลระบบ",
        ];
        args.extend_from_slice(extra);
        let run = on(dir.path(), &args);
        assert_eq!(run.code, 0, "{}", run.stderr);
    };
    // By default, the address the server listens on (ONBOARD_ADDR / --addr).
    create("a1@dga.or.th", &[]);
    create("a2@dga.or.th", &["--addr", "10.20.30.40:9090"]);
    create(
        "a3@dga.or.th",
        &[
            "--portal-url",
            "https://onboard.apps.go.th/",
            "--mail-signature",
            "สพร. ฝ่ายทดสอบ\\nDGA test desk",
        ],
    );
    let doc = json(&on(dir.path(), &["outbox", "--json"]));
    let body = |to: &str| mail_to(&doc, to)["body"].as_str().unwrap().to_owned();
    assert!(body("a1@dga.or.th").contains("เข้าสู่ระบบได้ที่ http://127.0.0.1:8080/\n"));
    assert!(body("a2@dga.or.th").contains("เข้าสู่ระบบได้ที่ http://10.20.30.40:9090/\n"));
    let a3 = body("a3@dga.or.th");
    assert!(
        a3.contains("Sign in at https://onboard.apps.go.th/\n"),
        "{a3}"
    );
    assert!(a3.ends_with("\nสพร. ฝ่ายทดสอบ\nDGA test desk\n"), "{a3}");
    assert!(body("a1@dga.or.th").contains("DGA Contact Center"));

    // A portal URL that is no URL changes nothing.
    let run = on(
        dir.path(),
        &[
            "user",
            "create",
            "--role",
            "admin",
            "--email",
            "a4@dga.or.th",
            "--display-name",
            "x",
            "--portal-url",
            "onboard.apps.go.th",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("portal URL"), "{}", run.stderr);

    // A reviewer's decision links to the e-Service's page; approving step 4 sends the
    // production App Id and Consumer Key to the form's administrator, who has no account,
    // and no consumer secret appears in any e-mail.
    let id = id_of(dir.path(), "ระบบขึ้นทะเบียนผู้ว่างงาน");
    let run = on(
        dir.path(),
        &[
            "review",
            "approve",
            &id,
            "platform-request",
            "--as",
            "reviewer",
            "--portal-url",
            "https://onboard.apps.go.th",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let all = on(dir.path(), &["outbox", "--json", "--show-secrets"]);
    let doc = json(&all);
    let link = format!("https://onboard.apps.go.th/eservices/{id}\n");
    let about: Vec<&Value> = doc
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["eservice_id"] == id.as_str() && m["body"].as_str().unwrap().contains(&link))
        .collect();
    assert!(about.len() >= 2, "{}", all.stdout);
    let admin = mail_to(&doc, "somsak.m@navy.mi.th");
    assert_eq!(admin["recipient"], Value::Null);
    assert_eq!(admin["kind"], "credentials_issued");
    let body = admin["body"].as_str().unwrap();
    assert!(body.starts_with("เรียน เรือเอก สมศักดิ์ มั่นคง\n"), "{body}");
    assert!(
        body.contains(&link) && body.contains("Consumer Key: "),
        "{body}"
    );
    let detail = on(dir.path(), &["eservice", "show", &id, "--json"]);
    let shown = json(&detail);
    let production = &shown["credentials"]["production"];
    assert!(body.contains(&format!(
        "App Id: {}\n",
        production["app_id"].as_str().unwrap()
    )));
    // The CLI's detail omits secrets; read it from the database itself.
    let db = dir.path().join("onboard.db");
    let secret = tokio::runtime::Runtime::new().unwrap().block_on(async {
        use onboard_store::sqlite::{SqliteOptions, SqliteStore};
        use onboard_store::{Scope, Store};
        let store = SqliteStore::open(&db, SqliteOptions::default()).unwrap();
        let svc = store
            .eservice(id.parse().unwrap(), Scope::All)
            .await
            .unwrap()
            .unwrap();
        svc.credentials()
            .production
            .clone()
            .unwrap()
            .consumer_secret
    });
    assert!(!all.stdout.contains(&secret));
}

#[test]
fn serve_links_emails_to_the_address_it_listens_on() {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::process::Stdio;

    let dir = seeded();
    let mut command = Command::new(env!("CARGO_BIN_EXE_onboard"));
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("ONBOARD_") {
            command.env_remove(key);
        }
    }
    // Killed when the test ends, passed or not.
    struct Running(std::process::Child);
    impl Drop for Running {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut server = Running(command.spawn().unwrap());
    // The port the server got is in its start-up log line.
    let stderr = server.0.stderr.take().unwrap();
    let (found, addr) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("serving the portal at http://").nth(1) {
                let _ = found.send(rest.split('/').next().unwrap_or_default().to_owned());
            }
        }
    });
    let addr = addr.recv_timeout(std::time::Duration::from_secs(60));
    let request = |addr: &str, method: &str, path: &str, token: Option<&str>, body: &str| {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        let auth = token.map_or_else(String::new, |t| format!("authorization: Bearer {t}\r\n"));
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n{auth}\
             content-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let status: u16 = answer[9..12].parse().unwrap();
        let body = answer.split_once("\r\n\r\n").unwrap().1.to_owned();
        (status, body)
    };
    let addr = addr.expect("the server logs the address it listens on");
    assert!(!addr.ends_with(":0") && !addr.ends_with(":8080"), "{addr}");
    // The demo's admin and its shared password.
    let (status, body) = request(
        &addr,
        "POST",
        "/api/v1/auth/login",
        None,
        r#"{"username": "admin", "password": "Tangrat2569"}"#,
    );
    assert_eq!(status, 200, "{body}");
    let token = serde_json::from_str::<Value>(&body).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = request(
        &addr,
        "POST",
        "/api/v1/users",
        Some(&token),
        r#"{"email": "served@dga.or.th", "display_name": "ผู้ใช้ใหม่", "role": "reviewer"}"#,
    );
    assert_eq!(status, 201, "{body}");
    drop(server);
    let doc = json(&on(dir.path(), &["outbox", "--json"]));
    let body = mail_to(&doc, "served@dga.or.th")["body"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        body.contains(&format!("เข้าสู่ระบบได้ที่ http://{addr}/\n")),
        "{body}"
    );
}

/// The report's CSV rows, checked for Excel: BOM, CRLF after every record.
fn csv_rows(bytes: &[u8]) -> Vec<csv::StringRecord> {
    let body = bytes
        .strip_prefix("\u{feff}".as_bytes())
        .expect("UTF-8 byte-order mark first");
    let text = std::str::from_utf8(body).unwrap();
    assert!(text.ends_with("\r\n"));
    assert_eq!(
        text.matches('\n').count(),
        text.matches("\r\n").count(),
        "every line ends in CRLF"
    );
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body);
    reader.records().map(Result::unwrap).collect()
}

#[test]
fn report_csv_opens_in_excel_and_matches_the_list() {
    let dir = seeded();
    let run = on(dir.path(), &["report", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = csv_rows(&run.bytes);
    let header: Vec<&str> = rows[0].iter().collect();
    assert_eq!(
        header,
        [
            "id",
            "agency",
            "ministry",
            "name",
            "step",
            "step_title",
            "status",
            "days_in_step",
            "launch_on",
            "launch_on_th"
        ]
    );
    let list = json(&on(
        dir.path(),
        &["eservice", "list", "--per-page", "100", "--json"],
    ));
    let items = list["items"].as_array().unwrap();
    assert_eq!(rows.len() - 1, items.len());
    assert_eq!(list["total"], items.len());
    for (row, item) in rows[1..].iter().zip(items) {
        let step: Step = item["current_step"].as_str().unwrap().parse().unwrap();
        let status: StepStatus = item["current_status"].as_str().unwrap().parse().unwrap();
        assert_eq!(&row[0], item["id"].as_str().unwrap());
        assert_eq!(&row[1], item["agency_name_th"].as_str().unwrap());
        assert_eq!(&row[2], item["ministry_th"].as_str().unwrap());
        assert_eq!(&row[3], item["name"].as_str().unwrap());
        assert_eq!(row[4], step.number().to_string());
        assert_eq!(&row[5], step.title_th());
        assert_eq!(&row[6], status.title_th());
        assert_eq!(&row[8], item["launch_on"].as_str().unwrap_or(""));
        // Seeded today: every open step opened today; a finished e-Service waits for nothing.
        let days = if status == StepStatus::Completed {
            ""
        } else {
            "0"
        };
        assert_eq!(&row[7], days, "{row:?}");
    }
    let text = String::from_utf8(run.bytes[3..].to_vec()).unwrap();
    snapshot("report_csv", &text.replace("\r\n", "\n"));

    // --out writes the same bytes to a file.
    let out = dir.path().join("report.csv");
    let run = on(
        dir.path(),
        &["report", "--out", out.to_str().unwrap(), "--json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(json(&run)["rows"], 16);
    assert_eq!(csv_rows(&std::fs::read(&out).unwrap()), rows);
}

#[test]
fn report_json_has_the_same_rows_as_the_csv() {
    let dir = seeded();
    let run = on(dir.path(), &["report", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = json(&run);
    let objects = doc.as_array().unwrap();
    let csv = on(dir.path(), &["report"]);
    let rows = csv_rows(&csv.bytes);
    assert_eq!(objects.len(), rows.len() - 1);
    for (object, row) in objects.iter().zip(&rows[1..]) {
        for (i, key) in rows[0].iter().enumerate() {
            let value = match &object[key] {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            assert_eq!(value, row[i], "{key}");
        }
    }
    snapshot("report_json", &run.stdout);
    assert_eq!(
        on(dir.path(), &["report", "--format", "csv", "--json"]).code,
        2
    );
}

#[test]
fn report_counts_whole_days_in_the_current_step() {
    let dir = seeded();
    // An e-Service created ten days ago, through the store as the server would.
    let name = "ระบบทดสอบจำนวนวัน";
    let db = dir.path().join("onboard.db");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        use onboard_store::sqlite::{SqliteOptions, SqliteStore};
        use onboard_store::{CommandContext, Store};
        let store = SqliteStore::open(&db, SqliteOptions::default()).unwrap();
        let officer = store.user_by_username("officer.rd").await.unwrap().unwrap();
        let ctx = CommandContext {
            now: Utc::now() - Duration::days(10),
            schedule: Arc::new(onboard_core::schedule::ScheduleConfig::default()),
            credentials: Arc::new(onboard_store::password::OsCredentials),
            mail: Arc::new(onboard_core::notify::MailConfig::default()),
        };
        let agency = officer.agency_id.unwrap();
        store
            .create_eservice(
                &officer.actor(),
                Some(agency),
                name,
                &["งานทดสอบ".to_owned()],
                &ctx,
            )
            .await
            .unwrap();
    });
    let doc = json(&on(dir.path(), &["report", "--format", "json"]));
    let row = doc
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap();
    assert_eq!(row["step"], 1);
    assert_eq!(row["days_in_step"], 10);
}

#[test]
fn backup_is_a_consistent_copy_that_opens_like_the_original() {
    let dir = seeded();
    let target = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let copy = target.path().join("nested").join("onboard.db");
    let copy_arg = copy.to_str().unwrap();
    let run = on(dir.path(), &["backup", "--to", copy_arg, "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut doc = json(&run);
    assert_eq!(doc["eservices"], 16);
    assert!(doc["bytes"].as_u64().unwrap() > 0);
    doc["bytes"] = "[bytes]".into();
    let text = serde_json::to_string_pretty(&doc)
        .unwrap()
        .replace(dir.path().to_str().unwrap(), "[data-dir]")
        .replace(target.path().to_str().unwrap(), "[backup-dir]");
    snapshot("backup_json", &text);

    // Restored: the copy is a data directory of its own, and says what the original says.
    let original = on(
        dir.path(),
        &["eservice", "list", "--per-page", "100", "--json"],
    );
    let restored = on(
        copy.parent().unwrap(),
        &["eservice", "list", "--per-page", "100", "--json"],
    );
    assert_eq!(restored.code, 0, "{}", restored.stderr);
    assert_eq!(json(&restored), json(&original));
    let by_url = onboard(&[
        "outbox",
        "--limit",
        "10000",
        "--json",
        "--database-url",
        &format!("sqlite://{copy_arg}"),
    ]);
    assert_eq!(
        json(&by_url),
        json(&on(dir.path(), &["outbox", "--limit", "10000", "--json"]))
    );

    // Never over an existing file without --force; with it, the file is replaced whole.
    let again = on(dir.path(), &["backup", "--to", copy_arg]);
    assert_eq!((again.code, again.stdout.as_str()), (2, ""));
    assert!(again.stderr.contains("pass --force"), "{}", again.stderr);
    std::fs::write(&copy, b"not a database").unwrap();
    let forced = on(dir.path(), &["backup", "--to", copy_arg, "--force"]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert!(forced.stdout.starts_with("backed up "), "{}", forced.stdout);
    assert!(forced.stdout.ends_with("bytes, 16 e-Services)\n"));
    let restored = on(copy.parent().unwrap(), &["eservice", "list", "--json"]);
    assert_eq!(json(&restored)["total"], 16);
    // No partial copy is left beside it.
    let names: Vec<String> = std::fs::read_dir(copy.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains("partial")), "{names:?}");
}

#[test]
fn operator_errors_exit_2_with_a_clear_message() {
    let dir = seeded();
    let nowhere = dir.path().join("nowhere");
    let mut messages = Vec::new();
    let mut expect_2 = |args: &[&str]| {
        let run = onboard(args);
        assert_eq!(
            (run.code, run.stdout.as_str()),
            (2, ""),
            "{args:?}: {}",
            run.stderr
        );
        messages.push(
            run.stderr
                .replace(dir.path().to_str().unwrap(), "[dir]")
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned(),
        );
    };
    let live = dir.path().join("onboard.db");
    let live = live.to_str().unwrap();
    let data_dir = dir.path().to_str().unwrap();
    expect_2(&["eservice", "list", "--data-dir", nowhere.to_str().unwrap()]);
    expect_2(&[
        "backup",
        "--to",
        "x.db",
        "--database-url",
        "postgres://onboard@127.0.0.1/onboard",
    ]);
    expect_2(&["backup", "--to", live, "--force", "--data-dir", data_dir]);
    expect_2(&["backup", "--to", data_dir, "--data-dir", data_dir]);
    expect_2(&[
        "eservice",
        "list",
        "--per-page",
        "101",
        "--data-dir",
        data_dir,
    ]);
    expect_2(&[
        "eservice",
        "list",
        "--status",
        "done",
        "--data-dir",
        data_dir,
    ]);
    expect_2(&["outbox", "--status", "lost", "--data-dir", data_dir]);
    snapshot("operator_errors", &(messages.join("\n") + "\n"));
    // Nothing was created where there was no database.
    assert!(!nowhere.exists());
}

/// Gives up on the `n` oldest e-mails of the data directory, as the delivery worker does
/// after a permanent refusal; returns their ids.
fn dead_letters(dir: &Path, n: u32) -> Vec<String> {
    use onboard_store::sqlite::{SqliteOptions, SqliteStore};
    use onboard_store::Outbox;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = SqliteStore::open(&dir.join("onboard.db"), SqliteOptions::default()).unwrap();
        let claimed = store
            .claim_outbox(n, Utc::now(), Duration::minutes(5))
            .await
            .unwrap();
        assert_eq!(claimed.len(), n as usize);
        for m in &claimed {
            store
                .mark_dead(m.id, "554 5.1.1 mailbox unavailable", Utc::now())
                .await
                .unwrap();
        }
        claimed.iter().map(|m| m.id.to_string()).collect()
    })
}

#[test]
fn outbox_retry_queues_a_failed_email_again() {
    let dir = seeded();
    let ids = dead_letters(dir.path(), 2);

    // The listing filters failed e-mails and shows their ids and the reason.
    let failed = json(&on(dir.path(), &["outbox", "--status", "failed", "--json"]));
    let failed = failed.as_array().unwrap();
    assert_eq!(failed.len(), 2);
    assert!(failed.iter().all(|m| m["status"] == "failed"
        && m["last_error"] == "554 5.1.1 mailbox unavailable"
        && m["attempts"] == 1));
    let table = on(dir.path(), &["outbox", "--status", "failed"]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(table.stdout.contains(&ids[0]), "{}", table.stdout);
    assert!(
        table.stdout.contains("2 failed e-mails"),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("(failed "), "{}", table.stdout);

    // Retried: pending, due now, its attempts and error kept.
    let run = on(dir.path(), &["outbox", "retry", &ids[0]]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with(&format!("queued again: {} to ", ids[0])),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("status pending, due now; 1 attempt so far"));
    assert!(run
        .stdout
        .contains("last error: 554 5.1.1 mailbox unavailable"));
    let run = on(dir.path(), &["outbox", "retry", &ids[1], "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = json(&run);
    assert_eq!(doc["id"], ids[1].as_str());
    assert_eq!(doc["status"], "pending");
    assert_eq!(doc["failing_since"], Value::Null);
    assert_eq!(doc["attempts"], 1);
    // Welcome e-mails keep their password hidden here too.
    if !doc["secret"].is_null() {
        assert_eq!(doc["secret"], "********");
    }
    assert_eq!(
        json(&on(dir.path(), &["outbox", "--status", "failed", "--json"])),
        serde_json::json!([])
    );

    // Not failed any more: exit 1 with the reason in Thai and English; nothing changes.
    let run = on(dir.path(), &["outbox", "retry", &ids[0]]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr
            .starts_with("onboard: invalid_transition: ส่งใหม่ได้เฉพาะอีเมลที่ส่งไม่สำเร็จ"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("this one is pending"), "{}", run.stderr);
    let run = on(dir.path(), &["outbox", "retry", &ids[0], "--json"]);
    assert_eq!(run.code, 1);
    assert_eq!(json(&run)["error"]["code"], "invalid_transition");
    // Unknown: exit 1, not found; not an id: a usage error.
    let unknown = "0191c1d2-0000-7000-8000-000000000000";
    let run = on(dir.path(), &["outbox", "retry", unknown, "--json"]);
    assert_eq!(run.code, 1);
    assert_eq!(json(&run)["error"]["code"], "not_found");
    assert!(run.stderr.contains("ไม่พบอีเมลนี้"), "{}", run.stderr);
    let run = on(dir.path(), &["outbox", "retry", "not-an-id"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}
