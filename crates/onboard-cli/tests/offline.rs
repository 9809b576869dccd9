//! The offline commands run as a user runs them: the real binary, its stdout, stderr and
//! exit code.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Stdio};

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../onboard-core/tests/fixtures"
);

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn onboard(args: &[&str], stdin: Option<&str>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_onboard"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn onboard");
    let mut input = child.stdin.take().expect("stdin");
    // A command that fails before reading its input (unknown step, missing file) closes the
    // pipe early; that is its answer, not the test's failure.
    if let Err(e) = input.write_all(stdin.unwrap_or("").as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
    }
    drop(input);
    let out = child.wait_with_output().expect("wait");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    }
}

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

#[test]
fn validate_accepts_the_full_step_4_form() {
    let run = onboard(
        &[
            "validate",
            "platform-request",
            &format!(
                "{}/../onboard-core/samples/step4.json",
                env!("CARGO_MANIFEST_DIR")
            ),
            "--today",
            "2026-11-25",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["valid"], true);
    assert_eq!(doc["errors"], serde_json::json!([]));
}

#[test]
fn validate_lists_every_error_in_thai_and_english() {
    for (step, file) in [
        ("1", "step1-invalid.json"),
        ("uat-setup", "step2-invalid.json"),
        ("platform-request", "step4-invalid.json"),
    ] {
        let run = onboard(
            &["validate", step, &fixture(file), "--today", "2026-11-25"],
            None,
        );
        assert_eq!(run.code, 1, "{file}: {}", run.stderr);
        insta::assert_snapshot!(format!("validate_{file}"), run.stdout);
    }
}

#[test]
fn validate_reads_standard_input() {
    let run = onboard(
        &["validate", "launch", "-", "--today", "2026-11-25"],
        Some(r#"{"desired_date": "2026-11-24"}"#),
    );
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn malformed_input_exits_2_with_a_clear_message() {
    let cases: [(&[&str], Option<&str>); 6] = [
        (&["validate", "credential"], Some("{not json")),
        (
            &["validate", "credential"],
            Some(r#"{"short_description": 42}"#),
        ),
        (&["validate", "credential"], Some("[1, 2]")),
        (&["validate", "step-eight"], Some("{}")),
        (
            &["validate", "credential", "/nonexistent/payload.json"],
            None,
        ),
        (
            &[
                "schedule",
                "--submitted-at",
                "yesterday",
                "--desired",
                "2026-11-23",
            ],
            None,
        ),
    ];
    let mut messages = Vec::new();
    for (args, stdin) in cases {
        let run = onboard(args, stdin);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?} printed {}", run.stdout);
        assert!(
            run.stderr.starts_with("onboard: "),
            "{args:?}: {}",
            run.stderr
        );
        messages.push(run.stderr);
    }
    insta::assert_snapshot!(messages.join(""));
}

#[test]
fn check_prints_the_normalized_value() {
    let cases = [
        ("citizen-id", "1-1017-00230-70-8", "1101700230708"),
        ("citizen-id", "๑๑๐๑๗๐๐๒๓๐๗๐๘", "1101700230708"),
        ("mobile", "+66 81 234 5678", "0812345678"),
        ("postcode", "10200", "10200"),
        ("email", "saraban@dga.or.th", "saraban@dga.or.th"),
    ];
    for (kind, value, expected) in cases {
        let run = onboard(&["check", kind, value], None);
        assert_eq!(
            (run.code, run.stdout.trim()),
            (0, expected),
            "{kind} {value}: {}",
            run.stderr
        );
    }
}

#[test]
fn check_rejects_the_manuals_sample_values() {
    let cases = [
        ("citizen-id", "1111111111111", "invalid_checksum"),
        ("citizen-id", "1234567890123", "invalid_checksum"),
        ("mobile", "08123456789", "invalid_format"),
        ("postcode", "09999", "out_of_range"),
        ("juristic-id", "1101700230708", "invalid_format"),
    ];
    for (kind, value, code) in cases {
        let run = onboard(&["check", kind, value], None);
        assert_eq!(run.code, 1, "{kind} {value}");
        assert!(
            run.stderr.starts_with(code),
            "{kind} {value}: {}",
            run.stderr
        );
    }
    let run = onboard(&["check", "citizen-id", "1111111111111", "--json"], None);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn check_says_what_a_form_says_for_the_same_value() {
    let run = onboard(&["check", "mobile", "08123456789"], None);
    assert_eq!(run.code, 1);
    let form = r#"{"testers": [{"phone": "08123456789"}]}"#;
    let validated = onboard(&["validate", "uat-setup", "-"], Some(form));
    let doc: serde_json::Value = serde_json::from_str(&validated.stdout).unwrap();
    let issue = doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["field"] == "testers[0].phone")
        .unwrap();
    let message = issue["message_th"].as_str().unwrap();
    assert!(message.contains("10 หลัก"), "{message}");
    assert!(run.stderr.contains(message), "{}", run.stderr);
}

#[test]
fn schedule_refuses_a_buddhist_era_year() {
    for args in [
        &["schedule", "--desired", "2569-02-27"][..],
        &[
            "schedule",
            "--submitted-at",
            "2026-11-25T10:00:00+07:00",
            "--desired",
            "2569-12-04",
        ],
    ] {
        let run = onboard(args, None);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty());
        assert!(run.stderr.starts_with("out_of_range"), "{}", run.stderr);
        assert!(run.stderr.contains("พุทธศักราช"), "{}", run.stderr);
    }
    // More than two years ahead is refused as step 7 refuses it.
    let run = onboard(
        &[
            "schedule",
            "--submitted-at",
            "2026-11-25T10:00:00+07:00",
            "--desired",
            "2028-11-26",
        ],
        None,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
}

#[test]
fn schedule_follows_every_row_of_the_spec_table() {
    let rows = [
        (
            "2026-11-23T11:59:59+07:00",
            "2026-11-23",
            None,
            "2026-11-24",
        ),
        (
            "2026-11-23T12:00:00+07:00",
            "2026-11-23",
            None,
            "2026-12-01",
        ),
        ("2026-11-23T04:59:59Z", "2026-11-23", None, "2026-11-24"),
        ("2026-11-23T05:00:00Z", "2026-11-23", None, "2026-12-01"),
        (
            "2026-11-24T09:00:00+07:00",
            "2026-11-24",
            None,
            "2026-12-01",
        ),
        (
            "2026-11-25T10:00:00+07:00",
            "2026-12-10",
            None,
            "2026-12-15",
        ),
        (
            "2026-11-25T10:00:00+07:00",
            "2026-12-10",
            Some("2026-12-15"),
            "2026-12-22",
        ),
    ];
    for (at, desired, closed, expected) in rows {
        let mut args = vec!["schedule", "--submitted-at", at, "--desired", desired];
        if let Some(c) = closed {
            args.extend(["--closed", c]);
        }
        let run = onboard(&args, None);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(doc["launch_on"], expected, "{at} {desired} {closed:?}");
    }
    let run = onboard(
        &[
            "schedule",
            "--submitted-at",
            "2026-11-25T10:00:00+07:00",
            "--desired",
            "2026-12-10",
            "--closed",
            "2026-12-15",
            "--json",
        ],
        None,
    );
    insta::assert_snapshot!(run.stdout);
}
