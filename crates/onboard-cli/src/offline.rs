//! The offline commands of SPEC §11: `validate`, `check` and `schedule`. No database: they
//! run the core's rules on their input and print one JSON document.

use crate::{Failure, Outcome};
use chrono::{DateTime, NaiveDate, Utc};
use onboard_core::fields::{self, CitizenId, Email, Field, JuristicId, MobileNumber, Postcode};
use onboard_core::file::OfflineFiles;
use onboard_core::payload::{self, PayloadError};
use onboard_core::reference::Step;
use onboard_core::schedule::{self, ClosedDates, LaunchDeadline};
use onboard_core::validation::{Code, Issue, Path, Report};
use serde_json::json;
use std::io::Read;

/// `onboard validate STEP [FILE|-]`.
pub fn validate(
    step: &str,
    file: Option<&str>,
    today: Option<NaiveDate>,
    launch_deadline: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<Outcome, Failure> {
    let step = parse_step(step)?;
    let text = read_input(file)?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Failure::Input(format!("the input is not JSON: {e}")))?;
    let today = today.unwrap_or_else(|| schedule::today_in_bangkok(now));
    let launch_deadline =
        launch_deadline.unwrap_or_else(|| LaunchDeadline::FiscalYearEnd.for_request(today));
    let ctx = payload::Context {
        today,
        launch_deadline,
        files: &OfflineFiles,
    };
    let result = if step.is_test() {
        payload::validate_attempt(&json, &ctx).map(|_| Vec::new())
    } else {
        payload::validate(step, &json, &ctx).map(|v| v.warnings)
    };
    let (report, valid) = match result {
        Ok(warnings) => (
            Report {
                errors: Vec::new(),
                warnings,
            },
            true,
        ),
        Err(PayloadError::Invalid(report)) => (report, false),
        Err(PayloadError::Malformed(m)) => return Err(Failure::Input(m.to_string())),
        Err(PayloadError::NotAForm(step)) => {
            return Err(Failure::Input(format!("step {step} takes test attempts")))
        }
    };
    let doc = json!({"valid": valid, "errors": report.errors, "warnings": report.warnings});
    Ok(Outcome::json(doc, valid))
}

/// `onboard check KIND VALUE`: the normalized value, or the error with the same message a
/// form shows for that field.
pub fn check(kind: CheckKind, value: &str, as_json: bool) -> Outcome {
    let path = Path::root().key(kind.field());
    let parsed = match kind {
        CheckKind::CitizenId => normalized::<CitizenId>(&path, value),
        CheckKind::JuristicId => normalized::<JuristicId>(&path, value),
        CheckKind::Mobile => normalized::<MobileNumber>(&path, value),
        CheckKind::Email => normalized::<Email>(&path, value),
        CheckKind::Postcode => normalized::<Postcode>(&path, value),
    };
    match (parsed, as_json) {
        (Ok(v), false) => Outcome::text(v, true),
        (Ok(v), true) => Outcome::json(json!({"valid": true, "value": v}), true),
        (Err(issue), false) => refused(&issue),
        (Err(issue), true) => Outcome::json(json!({"valid": false, "error": issue}), false),
    }
}

/// An invalid value (exit 1): its code and messages on stderr.
fn refused(issue: &Issue) -> Outcome {
    Outcome {
        stdout: String::new(),
        stderr: format!(
            "{}: {} / {}\n",
            issue.code, issue.message_th, issue.message_en
        ),
        success: false,
    }
}

/// The normalized text of a field of type `T`, or its issue.
fn normalized<T: Field + AsRef<str>>(path: &Path, value: &str) -> Result<String, Issue> {
    T::parse_field(value)
        .map(|v| v.as_ref().to_owned())
        .map_err(|e| fields::issue::<T>(path, e))
}

/// What `onboard check` checks.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum CheckKind {
    /// เลขบัตรประชาชน: 13 digits, check digit.
    CitizenId,
    /// เลขนิติบุคคล: 13 digits starting with 0, check digit.
    JuristicId,
    /// เบอร์โทรศัพท์มือถือ: 10 digits starting 06, 08 or 09.
    Mobile,
    /// E-mail address.
    Email,
    /// รหัสไปรษณีย์: 5 digits, province 10 to 96.
    Postcode,
}

impl CheckKind {
    fn field(self) -> &'static str {
        match self {
            CheckKind::CitizenId => "citizen_id",
            CheckKind::JuristicId => "juristic_id",
            CheckKind::Mobile => "mobile",
            CheckKind::Email => "email",
            CheckKind::Postcode => "postcode",
        }
    }
}

/// `onboard schedule [--submitted-at T] --desired D [--closed ...]`.
pub fn release(
    submitted_at: Option<&str>,
    desired: &str,
    closed: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Outcome, Failure> {
    let t = match submitted_at {
        Some(raw) => DateTime::parse_from_rfc3339(raw)
            .map_err(|e| Failure::Input(format!("--submitted-at `{raw}` is not RFC 3339: {e}")))?
            .to_utc(),
        None => now,
    };
    // The rule of step 7 (SPEC §5 "date"), with the submit instant's day as today: a
    // Buddhist-era year or a date out of range is an invalid answer (exit 1), not bad input.
    let today = schedule::today_in_bangkok(t);
    let desired = match fields::planned_date(&Path::root().key("desired"), desired, today) {
        Ok(date) => date,
        Err(issue) if issue.code == Code::InvalidFormat => {
            return Err(Failure::Input(format!(
                "--desired `{desired}` is not a date (YYYY-MM-DD)"
            )))
        }
        Err(issue) => return Ok(refused(&issue)),
    };
    let closed = match closed {
        Some(list) => {
            ClosedDates::parse_list(list).map_err(|e| Failure::Input(format!("--closed: {e}")))?
        }
        None => ClosedDates::new(),
    };
    let release =
        schedule::try_launch_on(t, desired, &closed).map_err(|e| Failure::Input(e.to_string()))?;
    let doc = serde_json::to_value(release).map_err(|e| Failure::Input(e.to_string()))?;
    Ok(Outcome::json(doc, true))
}

/// A date argument in ISO form.
pub fn parse_date(flag: &str, raw: &str) -> Result<NaiveDate, Failure> {
    onboard_core::fields::date(raw)
        .map_err(|_| Failure::Input(format!("{flag} `{raw}` is not a date (YYYY-MM-DD)")))
}

fn parse_step(raw: &str) -> Result<Step, Failure> {
    raw.parse::<Step>()
        .ok()
        .or_else(|| raw.parse::<u8>().ok().and_then(Step::from_number))
        .ok_or_else(|| {
            let slugs: Vec<&str> = Step::ALL.iter().map(|s| s.as_str()).collect();
            Failure::Input(format!(
                "unknown step `{raw}`; use 1-7 or one of {}",
                slugs.join(", ")
            ))
        })
}

/// The whole input, from a file or from standard input (`-` or no file).
fn read_input(file: Option<&str>) -> Result<String, Failure> {
    let mut text = String::new();
    match file {
        None | Some("-") => std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::Input(format!("cannot read standard input: {e}")))?,
        Some(path) => {
            let bytes = std::fs::read(path)
                .map_err(|e| Failure::Input(format!("cannot read {path}: {e}")))?;
            text = String::from_utf8(bytes)
                .map_err(|_| Failure::Input(format!("{path} is not UTF-8 text")))?;
            0
        }
    };
    Ok(text)
}
