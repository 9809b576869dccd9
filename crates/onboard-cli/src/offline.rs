//! The offline commands of SPEC §11: `validate`, `check` and `schedule`. No database: they
//! run the core's rules on their input and print one JSON document.

use crate::{Failure, Outcome};
use chrono::{DateTime, NaiveDate, Utc};
use onboard_core::fields::{CitizenId, Email, JuristicId, MobileNumber, Postcode};
use onboard_core::file::OfflineFiles;
use onboard_core::payload::{self, PayloadError};
use onboard_core::reference::Step;
use onboard_core::schedule::{self, ClosedDates, LaunchDeadline};
use onboard_core::validation::{FieldError, Issue, Path, Report};
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
        Err(PayloadError::Malformed(m)) => return Err(Failure::Input(m)),
        Err(PayloadError::NotAForm(step)) => {
            return Err(Failure::Input(format!("step {step} takes test attempts")))
        }
    };
    let doc = json!({"valid": valid, "errors": report.errors, "warnings": report.warnings});
    Ok(Outcome::json(doc, valid))
}

/// `onboard check KIND VALUE`: the normalized value, or the error code.
pub fn check(kind: CheckKind, value: &str, as_json: bool) -> Outcome {
    let parsed: Result<String, FieldError> = match kind {
        CheckKind::CitizenId => CitizenId::parse(value).map(|v| v.as_str().to_owned()),
        CheckKind::JuristicId => JuristicId::parse(value).map(|v| v.as_str().to_owned()),
        CheckKind::Mobile => MobileNumber::parse(value).map(|v| v.as_str().to_owned()),
        CheckKind::Email => Email::parse(value).map(|v| v.as_str().to_owned()),
        CheckKind::Postcode => Postcode::parse(value).map(|v| v.as_str().to_owned()),
    };
    match (parsed, as_json) {
        (Ok(v), false) => Outcome::text(v, true),
        (Ok(v), true) => Outcome::json(json!({"valid": true, "value": v}), true),
        (Err(e), false) => {
            let issue = Issue::new(&Path::root().key(kind.field()), e);
            Outcome {
                stdout: String::new(),
                stderr: format!("{}: {} / {}\n", e.code, issue.message_th, issue.message_en),
                success: false,
            }
        }
        (Err(e), true) => {
            let issue = Issue::new(&Path::root().key(kind.field()), e);
            Outcome::json(json!({"valid": false, "error": issue}), false)
        }
    }
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

/// `onboard schedule --submitted-at T --desired D [--closed ...]`.
pub fn release(
    submitted_at: &str,
    desired: &str,
    closed: Option<&str>,
) -> Result<Outcome, Failure> {
    let t = DateTime::parse_from_rfc3339(submitted_at)
        .map_err(|e| {
            Failure::Input(format!(
                "--submitted-at `{submitted_at}` is not RFC 3339: {e}"
            ))
        })?
        .to_utc();
    let desired = parse_date("--desired", desired)?;
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
