//! `onboard calendar closed add|remove|list`, and `--closed-dates` as the seed of a
//! calendar never changed, on a fresh SQLite data directory.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn onboard(data_dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_onboard"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("ONBOARD_DATABASE_URL")
        .env_remove("ONBOARD_CLOSED_DATES")
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

fn list(dir: &std::path::Path) -> serde_json::Value {
    let (code, out, err) = onboard(dir, &["calendar", "closed", "list", "--json"]);
    assert_eq!(code, 0, "{err}");
    json(&out)
}

#[test]
fn closed_dates_are_added_listed_and_removed_with_clear_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = onboard(dir.path(), &["migrate"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(list(dir.path()), json!({"dates": []}));

    let (code, out, err) = onboard(
        dir.path(),
        &[
            "calendar",
            "closed",
            "add",
            "2026-12-29",
            "--reason",
            " วันหยุดสิ้นปี ",
            "--json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        json(&out),
        json!({"date": "2026-12-29", "reason": "วันหยุดสิ้นปี"})
    );
    let (code, out, err) = onboard(
        dir.path(),
        &[
            "calendar",
            "closed",
            "add",
            "2026-12-15",
            "--reason",
            "ปิดปรับปรุงระบบ",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("15 ธ.ค. 2569"), "{out}");
    assert_eq!(
        list(dir.path()),
        json!({"dates": [
            {"date": "2026-12-15", "reason": "ปิดปรับปรุงระบบ"},
            {"date": "2026-12-29", "reason": "วันหยุดสิ้นปี"},
        ]})
    );
    let (code, out, _) = onboard(dir.path(), &["calendar", "closed", "list"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("วันหยุดสิ้นปี") && out.contains("29 ธ.ค. 2569"),
        "{out}"
    );

    // Refusals: exit 1, one JSON document with --json, Thai first on stderr.
    for (args, code_name, thai) in [
        (
            vec!["add", "2026-02-30", "--reason", "x"],
            "validation_failed",
            "ปปปป-ดด-วว",
        ),
        (
            vec!["add", "2026-12-22", "--reason", "  "],
            "validation_failed",
            "กรุณากรอกข้อมูล",
        ),
        (
            vec!["add", "2026-12-29", "--reason", "again"],
            "validation_failed",
            "เป็นวันงดเผยแพร่อยู่แล้ว",
        ),
        (
            vec!["remove", "2026-12-22"],
            "not_found",
            "ไม่ได้เป็นวันงดเผยแพร่",
        ),
        (
            vec!["remove", "tomorrow"],
            "validation_failed",
            "ปปปป-ดด-วว",
        ),
    ] {
        let mut full = vec!["calendar", "closed"];
        full.extend(args.iter().copied());
        full.push("--json");
        let (code, out, err) = onboard(dir.path(), &full);
        assert_eq!(code, 1, "{args:?}: {err}");
        let doc = json(&out);
        assert_eq!(doc["error"]["code"], code_name, "{args:?}");
        assert!(err.contains(thai), "{args:?}: {err}");
    }
    assert_eq!(list(dir.path())["dates"].as_array().unwrap().len(), 2);

    let (code, out, err) = onboard(
        dir.path(),
        &["calendar", "closed", "remove", "2026-12-29", "--json"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        json(&out),
        json!({"date": "2026-12-29", "reason": "วันหยุดสิ้นปี"})
    );
    assert_eq!(
        list(dir.path()),
        json!({"dates": [{"date": "2026-12-15", "reason": "ปิดปรับปรุงระบบ"}]})
    );
}

/// Starts `onboard serve` with `--closed-dates`, waits until it serves, and stops it.
fn serve_once(dir: &std::path::Path, closed: &str) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_onboard"))
        .args(["serve", "--addr", "127.0.0.1:0", "--closed-dates", closed])
        .arg("--data-dir")
        .arg(dir)
        .env_remove("ONBOARD_DATABASE_URL")
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start onboard serve");
    let stderr = child.stderr.take().unwrap();
    let mut serving = false;
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap();
        if line.contains("is serving") {
            serving = true;
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(serving, "onboard serve did not start");
}

#[test]
fn closed_dates_of_the_flag_seed_only_a_calendar_never_changed() {
    let dir = tempfile::tempdir().unwrap();
    serve_once(dir.path(), "2026-12-15,2026-12-29");
    let seeded = json!({"dates": [
        {"date": "2026-12-15", "reason": "ค่าเริ่มต้นจากการตั้งค่า (--closed-dates)"},
        {"date": "2026-12-29", "reason": "ค่าเริ่มต้นจากการตั้งค่า (--closed-dates)"},
    ]});
    assert_eq!(list(dir.path()), seeded);
    // A restart with other dates leaves the calendar as it is.
    serve_once(dir.path(), "2027-01-05");
    assert_eq!(list(dir.path()), seeded);
    // Nor does it bring back a date the operator removed.
    let (code, _, err) = onboard(dir.path(), &["calendar", "closed", "remove", "2026-12-15"]);
    assert_eq!(code, 0, "{err}");
    serve_once(dir.path(), "2026-12-15,2026-12-29");
    assert_eq!(list(dir.path())["dates"].as_array().unwrap().len(), 1);
}
