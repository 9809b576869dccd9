//! The forms of the seven steps (SPEC §5) and their validation.
//!
//! Every form is read in two layers ("parse, don't validate"):
//!
//! 1. a *raw* form: the JSON as the client sent it, well-typed but possibly incomplete
//!    (every member optional, `null` = absent, unknown members refused). A JSON document that
//!    does not fit it is [`PayloadError::Malformed`] (HTTP 400);
//! 2. a *validated* form ([`CredentialRequest`], [`SetupForm`], [`PlatformRequest`],
//!    [`PreprodSetupForm`], [`LaunchRequest`], [`AttemptInput`]) built from domain types
//!    ([`CitizenId`](crate::fields::CitizenId), [`MobileNumber`](crate::fields::MobileNumber),
//!    ...) and enums. Getting there checks every rule and reports every problem at once as
//!    [`PayloadError::Invalid`] (HTTP 422). Serialized, the validated form is the normalized
//!    submission that gets stored, with the SPEC's field names.
//!
//! Decisions where the SPEC is silent:
//! - only the officer's e-mail (`person.email`, labelled "อีเมล (ที่ออกโดยหน่วยงานของท่าน)"
//!   by the manual) warns `free_email_domain`; a tester's e-mail and the contact center's
//!   e-mail do not, since the manual does not call them agency-issued;
//! - a missing nested object (`requester`, `service.profile_access`, ...) is checked as an
//!   empty one, so that a form learns about each of its required fields;
//! - members that belong to the other variant of a choice (an OIDC `domain` on an mToken
//!   access, a `person` beside `same_as_assignee: true`, ...) are `not_allowed` when filled;
//! - blank optional text is absent; enumerated values must be the exact JSON names;
//! - length limits the SPEC does not give are in [`limits`].

mod attempt;
mod check;
pub(crate) mod choice;
mod credential;
mod launch;
pub mod limits;
mod person;
mod platform;
mod profile;
mod raw;
pub use raw::Malformed;
mod services;
mod setup;

pub use attempt::AttemptInput;
pub use credential::{
    CredentialRequest, DeviceAccess, IdentityVerification, PersonalData, PersonalDataField,
};
pub use launch::LaunchRequest;
pub use person::{Os, Person, Tester};
pub use platform::{
    consent_statements, Address, Administrator, AgencyDetails, AgencyType, ConsentStatement,
    Consents, CoordinatorChoice, IdentityLevel, JuristicDataField, PlatformRequest, ProblemContact,
    ProblemContactType, Requester, ServiceDetails, TargetGroup, CONSENTS_VERSION,
};
pub use profile::{ProfileAccess, ProfileAccessType};
pub use services::validate_services;
pub use setup::{PreprodSetupForm, SetupForm};

use crate::file::{FileCatalog, OfflineFiles};
use crate::reference::{Category, Step};
use crate::validation::{Issue, Path, Report};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// What validation needs to know beyond the payload: the date and the uploaded files.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// Today in Asia/Bangkok: dates may not lie before it.
    pub today: NaiveDate,
    /// The latest planned launch date of a step 1 request made today (the end of the fiscal
    /// year, see [`crate::schedule`]).
    pub launch_deadline: NaiveDate,
    /// Where referenced file ids are looked up.
    pub files: &'a dyn FileCatalog,
}

impl Context<'static> {
    /// A context that cannot look files up ([`OfflineFiles`]): file ids are only checked to be
    /// present, as the offline `onboard validate` does.
    pub fn offline(today: NaiveDate, launch_deadline: NaiveDate) -> Self {
        static OFFLINE: OfflineFiles = OfflineFiles;
        Context {
            today,
            launch_deadline,
            files: &OFFLINE,
        }
    }
}

impl fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("today", &self.today)
            .field("launch_deadline", &self.launch_deadline)
            .finish_non_exhaustive()
    }
}

/// A validated form of one of the steps that take a form (1, 2, 4, 5 and 7).
///
/// Its own serde form is tagged, `{"step": "credential", "payload": {...}}`, so that it reads
/// back unambiguously; the stored submission is [`StepPayload::to_json`], the bare form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step", content = "payload")]
pub enum StepPayload {
    /// Step 1 `credential`.
    #[serde(rename = "credential")]
    Credential(CredentialRequest),
    /// Step 2 `uat-setup`.
    #[serde(rename = "uat-setup")]
    UatSetup(SetupForm),
    /// Step 4 `platform-request` (boxed: it is by far the largest form).
    #[serde(rename = "platform-request")]
    PlatformRequest(Box<PlatformRequest>),
    /// Step 5 `preprod-setup`.
    #[serde(rename = "preprod-setup")]
    PreprodSetup(PreprodSetupForm),
    /// Step 7 `launch`.
    #[serde(rename = "launch")]
    Launch(LaunchRequest),
}

impl StepPayload {
    /// The step this form belongs to.
    pub fn step(&self) -> Step {
        match self {
            StepPayload::Credential(_) => Step::Credential,
            StepPayload::UatSetup(_) => Step::UatSetup,
            StepPayload::PlatformRequest(_) => Step::PlatformRequest,
            StepPayload::PreprodSetup(_) => Step::PreprodSetup,
            StepPayload::Launch(_) => Step::Launch,
        }
    }

    /// The normalized submission: the form with the SPEC's field names, IDs compact, phone
    /// numbers normalized, text trimmed.
    #[allow(clippy::expect_used)]
    pub fn to_json(&self) -> Value {
        let json = match self {
            StepPayload::Credential(p) => serde_json::to_value(p),
            StepPayload::UatSetup(p) => serde_json::to_value(p),
            StepPayload::PlatformRequest(p) => serde_json::to_value(p),
            StepPayload::PreprodSetup(p) => serde_json::to_value(p),
            StepPayload::Launch(p) => serde_json::to_value(p),
        };
        // Plain structs with string keys and string-like leaves: storing `null` instead would
        // lose a submission silently.
        json.expect("a step form serializes to JSON")
    }

    /// Reads back a stored submission ([`StepPayload::to_json`]) of `step`. Field types are
    /// parsed again, but rules that depend on the day (dates not in the past) are not, so an
    /// old submission still reads.
    pub fn from_stored(step: Step, json: &Value) -> Result<StepPayload, PayloadError> {
        fn read<T: serde::de::DeserializeOwned>(json: &Value) -> Result<T, PayloadError> {
            T::deserialize(json).map_err(|e| {
                PayloadError::Malformed(Malformed {
                    path: Path::root(),
                    message: e.to_string(),
                })
            })
        }
        Ok(match step {
            Step::Credential => StepPayload::Credential(read(json)?),
            Step::UatSetup => StepPayload::UatSetup(read(json)?),
            Step::PlatformRequest => StepPayload::PlatformRequest(read(json)?),
            Step::PreprodSetup => StepPayload::PreprodSetup(read(json)?),
            Step::Launch => StepPayload::Launch(read(json)?),
            Step::UatTest | Step::PreprodTest => return Err(PayloadError::NotAForm(step)),
        })
    }

    /// The e-Service category the form sets: step 1 (possibly `in_development`) and step 5
    /// (the final one, which replaces the e-Service's category).
    pub fn category(&self) -> Option<Category> {
        match self {
            StepPayload::Credential(p) => Some(p.category),
            StepPayload::PreprodSetup(p) => Some(p.category),
            _ => None,
        }
    }

    /// The desired launch date of step 7, from which the release Tuesday is computed.
    pub fn desired_launch_date(&self) -> Option<NaiveDate> {
        match self {
            StepPayload::Launch(p) => Some(p.desired_date),
            _ => None,
        }
    }
}

/// Why a payload was refused.
#[derive(Debug, thiserror::Error)]
pub enum PayloadError {
    /// HTTP 400 `bad_request`: not a JSON object of the step's form (wrong JSON type, unknown
    /// member); the message says where.
    #[error("malformed payload: {0}")]
    Malformed(Malformed),
    /// Steps 3 and 6 progress by test attempts ([`validate_attempt`]), not by a form.
    #[error("step {0} takes test attempts, not a form")]
    NotAForm(Step),
    /// HTTP 422 `validation_failed`: every error, and the warnings beside them.
    #[error("validation failed")]
    Invalid(Report),
}

/// A form that passed validation, with the warnings that do not block it.
#[derive(Debug, Clone, PartialEq)]
pub struct Validated {
    /// The validated form.
    pub payload: StepPayload,
    /// Advice (`free_email_domain`, `icon_size_not_recommended`).
    pub warnings: Vec<Issue>,
}

/// The raw form of each form step.
enum RawPayload {
    Credential(credential::RawCredentialRequest),
    UatSetup(setup::RawSetupForm),
    PlatformRequest(Box<platform::RawPlatformRequest>),
    PreprodSetup(setup::RawPreprodSetupForm),
    Launch(launch::RawLaunchRequest),
}

fn malformed(e: Malformed) -> PayloadError {
    PayloadError::Malformed(e)
}

fn read_raw(step: Step, json: &Value) -> Result<RawPayload, PayloadError> {
    Ok(match step {
        Step::Credential => RawPayload::Credential(raw::read(json).map_err(malformed)?),
        Step::UatSetup => RawPayload::UatSetup(raw::read(json).map_err(malformed)?),
        Step::PlatformRequest => {
            RawPayload::PlatformRequest(Box::new(raw::read(json).map_err(malformed)?))
        }
        Step::PreprodSetup => RawPayload::PreprodSetup(raw::read(json).map_err(malformed)?),
        Step::Launch => RawPayload::Launch(raw::read(json).map_err(malformed)?),
        Step::UatTest | Step::PreprodTest => return Err(PayloadError::NotAForm(step)),
    })
}

/// The result of a validator: the form when it is complete and the report has no error.
fn finish<T>(built: Option<T>, report: Report) -> Result<(T, Vec<Issue>), PayloadError> {
    match built {
        Some(value) if report.is_valid() => Ok((value, report.warnings)),
        _ => {
            // A validator returns `None` only after recording why.
            debug_assert!(!report.is_valid(), "rejected without an error");
            Err(PayloadError::Invalid(report))
        }
    }
}

/// Validates the form of `step` completely, as submitting it does.
///
/// ```
/// use chrono::NaiveDate;
/// use onboard_core::payload::{self, Context, PayloadError};
/// use onboard_core::reference::Step;
/// use serde_json::json;
///
/// let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
/// let deadline = NaiveDate::from_ymd_opt(2027, 9, 30).unwrap();
/// let ctx = Context::offline(today, deadline);
///
/// let ok = payload::validate(Step::Launch, &json!({"desired_date": "2027-03-05", "note": " "}), &ctx)
///     .unwrap();
/// assert_eq!(ok.payload.to_json(), json!({"desired_date": "2027-03-05", "note": null}));
///
/// match payload::validate(Step::Launch, &json!({"desired_date": "2026-11-24"}), &ctx) {
///     Err(PayloadError::Invalid(report)) => {
///         assert_eq!(report.errors[0].field, "desired_date");
///         assert_eq!(report.errors[0].code.as_str(), "out_of_range");
///     }
///     other => panic!("{other:?}"),
/// }
/// assert!(matches!(
///     payload::validate(Step::Launch, &json!({"desired_date": 20270305}), &ctx),
///     Err(PayloadError::Malformed(_))
/// ));
/// ```
pub fn validate(step: Step, json: &Value, ctx: &Context<'_>) -> Result<Validated, PayloadError> {
    let mut r = Report::new();
    let built = match read_raw(step, json)? {
        RawPayload::Credential(raw) => {
            credential::validate(&mut r, &raw, ctx).map(StepPayload::Credential)
        }
        RawPayload::UatSetup(raw) => setup::validate_uat(&mut r, &raw).map(StepPayload::UatSetup),
        RawPayload::PlatformRequest(raw) => {
            platform::validate(&mut r, &raw, ctx).map(|p| StepPayload::PlatformRequest(Box::new(p)))
        }
        RawPayload::PreprodSetup(raw) => {
            setup::validate_preprod(&mut r, &raw, ctx).map(StepPayload::PreprodSetup)
        }
        RawPayload::Launch(raw) => launch::validate(&mut r, &raw, ctx).map(StepPayload::Launch),
    };
    let (payload, warnings) = finish(built, r)?;
    Ok(Validated { payload, warnings })
}

/// Checks a draft: it must be a JSON object of the step's form with every member of the
/// right JSON type, but may be incomplete or wrong. Errs only with
/// [`PayloadError::Malformed`] or [`PayloadError::NotAForm`].
pub fn check_draft(step: Step, json: &Value) -> Result<(), PayloadError> {
    read_raw(step, json).map(|_| ())
}

/// The file ids a payload of `step` references (icon, screenshots, assignment letter, test
/// result), trimmed, each once, so that a server can look them up before validating. Read
/// leniently: a malformed payload yields whatever ids can be found.
pub fn referenced_files(step: Step, json: &Value) -> Vec<String> {
    let pointers: &[&str] = match step {
        Step::Credential => &["/icon_file_id"],
        Step::PlatformRequest => &["/requester/assignment_letter_file_id"],
        Step::PreprodSetup => &["/icon_file_id", "/screenshot_file_ids"],
        Step::UatTest | Step::PreprodTest => &["/file_id"],
        Step::UatSetup | Step::Launch => &[],
    };
    let mut ids: Vec<String> = Vec::new();
    let mut add = |value: &Value| {
        if let Some(id) = value.as_str().map(str::trim).filter(|id| !id.is_empty()) {
            if !ids.iter().any(|known| known == id) {
                ids.push(id.to_owned());
            }
        }
    };
    for pointer in pointers {
        match json.pointer(pointer) {
            Some(Value::Array(items)) => items.iter().for_each(&mut add),
            Some(value) => add(value),
            None => {}
        }
    }
    ids
}

/// Validates a test attempt of step 3 or 6: `{"details": "...", "file_id": "..."}`.
pub fn validate_attempt(json: &Value, ctx: &Context<'_>) -> Result<AttemptInput, PayloadError> {
    let raw = raw::read(json).map_err(malformed)?;
    let mut r = Report::new();
    let built = attempt::validate(&mut r, &raw, ctx);
    finish(built, r).map(|(input, _)| input)
}
