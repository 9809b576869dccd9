//! The seven-step state machine of SPEC §4.
//!
//! A [`Command`] from an [`Actor`] is checked against the current [`EService`] by [`decide`],
//! which returns the [`Event`]s it causes or a [`CommandError`] that changes nothing.
//! [`EService::evolve`] applies events; [`EService::from_events`] folds a whole log.
//! [`execute`] does both and is what stores call inside their transaction.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use onboard_core::file::OfflineFiles;
//! use onboard_core::reference::{Role, Step, StepStatus};
//! use onboard_core::schedule::ScheduleConfig;
//! use onboard_core::workflow::{self, Actor, Command, Env, FixedCredentials};
//! use uuid::Uuid;
//!
//! let agency = Uuid::from_u128(1);
//! let officer = Actor { user_id: Uuid::from_u128(2), role: Role::Agency, agency_id: Some(agency) };
//! let (files, schedule, issuer) = (OfflineFiles, ScheduleConfig::default(), FixedCredentials);
//! let env = Env {
//!     now: Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).unwrap(),
//!     files: &files,
//!     schedule: &schedule,
//!     credentials: &issuer,
//!     agency: None,
//! };
//! let (svc, events) = workflow::create(
//!     &officer, Uuid::from_u128(3), agency, "ระบบแจ้งเตือนสิทธิ", &["ขอรับสวัสดิการ".into()], &env,
//! ).unwrap();
//! assert_eq!((svc.version, events.len()), (1, 1));
//! assert_eq!(svc.step(Step::Credential).status, StepStatus::InProgress);
//!
//! // A reviewer cannot submit a form for the agency.
//! let reviewer = Actor { user_id: Uuid::from_u128(4), role: Role::Reviewer, agency_id: None };
//! let cmd = Command::Withdraw { step: Step::Credential };
//! assert!(workflow::execute(&svc, &reviewer, cmd, None, &env).is_err());
//! ```

mod event;
mod state;

pub use event::{Change, Event};
pub use state::{
    AttemptStatus, Credentials, EService, FoldError, IssuedCredentials, Lifecycle, StepState,
    TestAttempt,
};

use crate::file::{FileCatalog, OfflineFiles};
use crate::payload::{self, PayloadError};
use crate::reference::{Category, CommandKind, Environment, Role, Step, StepStatus};
use crate::schedule::{self, ScheduleConfig};
use crate::validation::{Code, FieldError, Path, Report};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;
use uuid::Uuid;

/// Longest review note or change-request reason, in characters.
pub const MAX_REVIEW_TEXT: usize = 2000;
/// Longest supplied credential value, in characters.
pub const MAX_CREDENTIAL_LEN: usize = 256;
/// Longest e-Service name, in characters.
pub const MAX_NAME: usize = 200;

/// Who issues a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The user.
    pub user_id: Uuid,
    /// Their role.
    pub role: Role,
    /// Their agency (agency role only).
    pub agency_id: Option<Uuid>,
}

impl Actor {
    /// Whether this actor may see the e-Services of `agency_id` (SPEC §2).
    pub fn can_see(&self, agency_id: Uuid) -> bool {
        self.role.is_staff() || self.agency_id == Some(agency_id)
    }
}

/// Credentials a reviewer supplies instead of generated ones.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuppliedCredentials {
    /// Application id.
    pub app_id: String,
    /// Consumer key.
    pub consumer_key: String,
    /// Consumer secret.
    pub consumer_secret: String,
}

impl std::fmt::Debug for SuppliedCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SuppliedCredentials")
            .field("app_id", &self.app_id)
            .field("consumer_key", &self.consumer_key)
            .field("consumer_secret", &"***")
            .finish()
    }
}

/// A command of SPEC §4 on an existing e-Service. Creation is [`create`].
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Replace the list of งานบริการ (while step 1 is open).
    UpdateServices {
        /// The new list.
        services: Vec<String>,
    },
    /// Save a (possibly incomplete) draft of a form step.
    SaveDraft {
        /// The step.
        step: Step,
        /// Well-typed JSON of the step's form.
        payload: serde_json::Value,
    },
    /// Submit a form step (1, 2, 4, 5) or confirm step 7.
    Submit {
        /// The step.
        step: Step,
        /// The form, or `None` to submit the saved draft.
        payload: Option<serde_json::Value>,
    },
    /// Add a test attempt to step 3 or 6.
    AddAttempt {
        /// The step.
        step: Step,
        /// `{details, file_id}`.
        input: serde_json::Value,
    },
    /// Edit the latest pending attempt.
    EditAttempt {
        /// The step.
        step: Step,
        /// The attempt's number.
        number: u32,
        /// `{details, file_id}`.
        input: serde_json::Value,
    },
    /// Delete the latest pending attempt.
    DeleteAttempt {
        /// The step.
        step: Step,
        /// The attempt's number.
        number: u32,
    },
    /// Take back a submission that is under review.
    Withdraw {
        /// The step.
        step: Step,
    },
    /// Approve a step under review.
    Approve {
        /// The step.
        step: Step,
        /// Optional note.
        note: Option<String>,
        /// Credentials to record instead of generated ones (steps 1 and 4).
        credentials: Option<SuppliedCredentials>,
        /// Step 4 only: also make the form's agency names the agency record's. Without it
        /// the record stays as it is, whatever the form says (SPEC §3).
        update_agency: bool,
    },
    /// Send a step under review back to the agency.
    RequestChanges {
        /// The step.
        step: Step,
        /// Why; required.
        reason: String,
    },
    /// Move a scheduled launch to another release Tuesday (admins only, before the
    /// launch day): the release of `desired_date` by the same rule as step 7.
    RescheduleLaunch {
        /// The new desired date, `YYYY-MM-DD` (as the step-7 form takes it).
        desired_date: String,
        /// Why; required, shown to the agency.
        reason: String,
    },
}

impl Command {
    /// What the command does (its name as in SPEC §4).
    pub fn kind(&self) -> CommandKind {
        match self {
            Command::UpdateServices { .. } => CommandKind::UpdateServices,
            Command::SaveDraft { .. } => CommandKind::SaveDraft,
            Command::Submit { .. } => CommandKind::Submit,
            Command::AddAttempt { .. } => CommandKind::AddAttempt,
            Command::EditAttempt { .. } => CommandKind::EditAttempt,
            Command::DeleteAttempt { .. } => CommandKind::DeleteAttempt,
            Command::Withdraw { .. } => CommandKind::Withdraw,
            Command::Approve { .. } => CommandKind::Approve,
            Command::RequestChanges { .. } => CommandKind::RequestChanges,
            Command::RescheduleLaunch { .. } => CommandKind::RescheduleLaunch,
        }
    }

    /// The step the command is about, if any.
    pub fn step(&self) -> Option<Step> {
        match self {
            Command::UpdateServices { .. } => None,
            Command::SaveDraft { step, .. }
            | Command::Submit { step, .. }
            | Command::AddAttempt { step, .. }
            | Command::EditAttempt { step, .. }
            | Command::DeleteAttempt { step, .. }
            | Command::Withdraw { step }
            | Command::Approve { step, .. }
            | Command::RequestChanges { step, .. } => Some(*step),
            Command::RescheduleLaunch { .. } => Some(Step::Launch),
        }
    }

    /// Whether the command computes a launch date (SPEC §6), so the caller must give it the
    /// release calendar as it is now (`Env::schedule` with the closed dates of the
    /// database): the confirmation of step 7, and moving a scheduled launch.
    pub fn schedules_launch(&self) -> bool {
        matches!(
            self,
            Command::Submit {
                step: Step::Launch,
                ..
            } | Command::RescheduleLaunch { .. }
        )
    }

    /// Whether deciding the command needs the agency record's names ([`Env::agency`]): only
    /// an approval that may update the agency record reads them.
    pub fn reads_agency(&self) -> bool {
        matches!(
            self,
            Command::Approve {
                update_agency: true,
                ..
            }
        )
    }

    /// The file ids the command's payload references, so a store can look them up (and
    /// check they belong to the e-Service's agency) before deciding.
    /// A submit without a body uses the saved draft of `state`.
    pub fn file_ids(&self, state: &EService) -> Vec<String> {
        match self {
            Command::Submit { step, payload } => payload
                .as_ref()
                .or(state.step(*step).draft.as_ref())
                .map(|json| payload::referenced_files(*step, json))
                .unwrap_or_default(),
            Command::AddAttempt { input, .. } | Command::EditAttempt { input, .. } => input
                .get("file_id")
                .and_then(|v| v.as_str())
                .map(|s| vec![s.trim().to_owned()])
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// Whether the command is a review decision (reviewers and admins only).
    pub fn is_review(&self) -> bool {
        matches!(
            self,
            Command::Approve { .. } | Command::RequestChanges { .. }
        )
    }
}

/// Makes credentials when a reviewer supplies none. Behind a trait so tests are
/// deterministic; servers use a CSPRNG-backed implementation.
pub trait CredentialIssuer {
    /// New credentials for `environment` of e-Service `eservice`, issued at `at`.
    fn issue(&self, eservice: Uuid, environment: Environment, at: DateTime<Utc>) -> Credentials;
}

/// A deterministic issuer for tests and examples: values derived from the e-Service id.
#[derive(Debug, Clone, Copy, Default)]
pub struct FixedCredentials;

impl CredentialIssuer for FixedCredentials {
    fn issue(&self, eservice: Uuid, environment: Environment, at: DateTime<Utc>) -> Credentials {
        let tag = eservice.simple().to_string();
        Credentials {
            app_id: Uuid::from_u128(eservice.as_u128() ^ (environment as u128 + 1)).to_string(),
            consumer_key: format!("{}-key-{}", environment.as_str(), &tag[..16]),
            consumer_secret: format!("{}-secret-{}", environment.as_str(), &tag[16..]),
            issued_at: at,
        }
    }
}

/// Everything outside the e-Service that a command may depend on. Core never reads the
/// clock or a random source: they come in here.
#[derive(Clone, Copy)]
pub struct Env<'a> {
    /// The instant the command is applied.
    pub now: DateTime<Utc>,
    /// Uploaded files, for the checks of referenced file ids.
    pub files: &'a dyn FileCatalog,
    /// Closed dates and the launch deadline.
    pub schedule: &'a ScheduleConfig,
    /// Makes credentials on approval of steps 1 and 4.
    pub credentials: &'a dyn CredentialIssuer,
    /// The agency record's names, when the command may change them (see
    /// [`Command::reads_agency`]); recorded as the old names of an agency update.
    pub agency: Option<&'a AgencyNames>,
}

impl Env<'static> {
    /// An environment for using core without storage: no uploaded files (a referenced file
    /// id is missing), the default schedule (no closed dates, the default launch deadline),
    /// [`FixedCredentials`] and no agency record. The stores build their own for each
    /// command, with the agency's files and the database's calendar.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use onboard_core::reference::{Role, Step};
    /// use onboard_core::workflow::{self, Actor, Command, Env};
    /// use uuid::Uuid;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let agency = Uuid::now_v7();
    /// let officer = Actor { user_id: Uuid::now_v7(), role: Role::Agency, agency_id: Some(agency) };
    /// let env = Env::offline(Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).unwrap());
    ///
    /// let (svc, _) = workflow::create(&officer, Uuid::now_v7(), agency, "ระบบแจ้งเตือนสิทธิ",
    ///                                 &["ลงทะเบียนรับสิทธิ".into()], &env)?;
    /// let draft = serde_json::json!({"short_description": "แจ้งเตือนสิทธิสวัสดิการ"});
    /// let save = Command::SaveDraft { step: Step::Credential, payload: draft };
    /// let (svc, _) = workflow::execute(&svc, &officer, save, Some(svc.version), &env)?;
    /// assert_eq!(svc.version, 2);
    /// # Ok(()) }
    /// ```
    pub fn offline(now: DateTime<Utc>) -> Env<'static> {
        static SCHEDULE: LazyLock<ScheduleConfig> = LazyLock::new(ScheduleConfig::default);
        Env {
            now,
            files: &OfflineFiles,
            schedule: &SCHEDULE,
            credentials: &FixedCredentials,
            agency: None,
        }
    }
}

/// Why a command was rejected. Each variant maps to one SPEC §10 error code.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// 404 `not_found`: the e-Service belongs to another agency (existence is not leaked),
    /// or the attempt does not exist.
    #[error("not found")]
    NotFound,
    /// 403 `forbidden`: the actor's role may not issue this command.
    #[error("the {role} role may not {command}")]
    Forbidden {
        /// The actor's role.
        role: Role,
        /// The command's name.
        command: CommandKind,
    },
    /// 409 `invalid_transition`: not allowed in the current state.
    #[error("{command} is not allowed on step {step} while it is {status}")]
    InvalidTransition {
        /// The command's name.
        command: CommandKind,
        /// The step concerned.
        step: Step,
        /// Its status.
        status: StepStatus,
    },
    /// 412 `version_conflict`: `If-Match` does not equal the current version.
    #[error("version conflict: expected {expected}, current {current}")]
    VersionConflict {
        /// What the caller expected.
        expected: u64,
        /// The current version.
        current: u64,
    },
    /// 400 `bad_request`: the payload is not well-typed JSON of the step's form.
    #[error("bad request: {0}")]
    Malformed(String),
    /// 422 `validation_failed`: every field problem (and the warnings).
    #[error("validation failed")]
    Invalid(Report),
}

impl CommandError {
    /// The SPEC §10 error code.
    pub fn code(&self) -> &'static str {
        match self {
            CommandError::NotFound => "not_found",
            CommandError::Forbidden { .. } => "forbidden",
            CommandError::InvalidTransition { .. } => "invalid_transition",
            CommandError::VersionConflict { .. } => "version_conflict",
            CommandError::Malformed(_) => "bad_request",
            CommandError::Invalid(_) => "validation_failed",
        }
    }

    /// What went wrong, in Thai an officer can act on (SPEC §10 `detail_th`).
    pub fn detail_th(&self) -> String {
        match self {
            CommandError::NotFound => {
                "ไม่พบ e-Service หรือรายการทดสอบนี้ หรือข้อมูลนี้ไม่ได้อยู่ในหน่วยงานของคุณ".to_owned()
            }
            CommandError::Forbidden { role, .. } => {
                format!("บัญชีประเภท \"{}\" ไม่มีสิทธิ์ทำรายการนี้", role.title_th())
            }
            CommandError::InvalidTransition { step, status, .. } => format!(
                "ขั้นตอน \"{}\" อยู่ในสถานะ \"{}\" จึงทำรายการนี้ไม่ได้ กรุณาโหลดหน้าใหม่เพื่อดูสถานะล่าสุด",
                step.title_th(),
                status.title_th()
            ),
            CommandError::VersionConflict { .. } => "ข้อมูลนี้ถูกแก้ไขไปแล้วระหว่างที่คุณทำรายการ \
                 กรุณาโหลดหน้าใหม่เพื่อดูข้อมูลล่าสุดแล้วทำรายการอีกครั้ง"
                .to_owned(),
            CommandError::Malformed(m) => {
                format!("ข้อมูลที่ส่งมามีรูปแบบไม่ถูกต้อง กรุณาตรวจสอบแล้วส่งใหม่ ({m})")
            }
            CommandError::Invalid(report) => format!(
                "ข้อมูลยังไม่ถูกต้อง {} รายการ กรุณาแก้ไขตามข้อความที่แสดงในแต่ละช่อง",
                report.errors.len()
            ),
        }
    }
}

impl From<PayloadError> for CommandError {
    fn from(e: PayloadError) -> Self {
        match e {
            PayloadError::Malformed(m) => CommandError::Malformed(m.to_string()),
            PayloadError::Invalid(report) => CommandError::Invalid(report),
            // Submitting a form to a test step is a transition the step does not have.
            PayloadError::NotAForm(step) => CommandError::InvalidTransition {
                command: CommandKind::Submit,
                step,
                status: StepStatus::InProgress,
            },
        }
    }
}

fn single_issue(field: &str, error: impl Into<FieldError>) -> CommandError {
    let mut report = Report::new();
    report.add(&Path::root().key(field), error);
    CommandError::Invalid(report)
}

/// Creates an e-Service: step 1 `in_progress`, steps 2 to 7 `locked`, version 1.
///
/// Agency users create for their own agency; admins for any agency; reviewers may not.
pub fn create(
    actor: &Actor,
    id: Uuid,
    agency_id: Uuid,
    name: &str,
    services: &[String],
    env: &Env,
) -> Result<(EService, Vec<Event>), CommandError> {
    match actor.role {
        Role::Agency if actor.agency_id == Some(agency_id) => {}
        Role::Admin => {}
        role => {
            return Err(CommandError::Forbidden {
                role,
                command: CommandKind::Create,
            })
        }
    }
    let mut report = Report::new();
    let name = report.check_text(
        &Path::root().key("name"),
        crate::fields::text(name, MAX_NAME),
    );
    let services = match payload::validate_services(services) {
        Ok(s) => Some(s),
        Err(r) => {
            report.extend(r);
            None
        }
    };
    let (Some(name), Some(services), true) = (name, services, report.is_valid()) else {
        return Err(CommandError::Invalid(report));
    };
    let event = Event {
        eservice_id: id,
        version: 1,
        at: env.now,
        actor: actor.user_id,
        step: None,
        from_status: None,
        to_status: None,
        change: Change::Created {
            agency_id,
            name,
            services,
        },
    };
    let state = EService::from_events([&event]).map_err(|_| CommandError::NotFound)?;
    Ok((state, vec![event]))
}

/// Checks `command` by `actor` against `state` and returns the events it causes.
///
/// Order of checks: visibility (404), version (412), role (403), state (409), payload
/// (400/422). A rejected command has no effect.
pub fn decide(
    state: &EService,
    actor: &Actor,
    command: Command,
    expected_version: Option<u64>,
    env: &Env,
) -> Result<Vec<Event>, CommandError> {
    if !actor.can_see(state.agency_id) {
        return Err(CommandError::NotFound);
    }
    if let Some(expected) = expected_version {
        if expected != state.version {
            return Err(CommandError::VersionConflict {
                expected,
                current: state.version,
            });
        }
    }
    let needs = match &command {
        // Moving a release is DGA's call for the whole train, not a reviewer's.
        Command::RescheduleLaunch { .. } => actor.role == Role::Admin,
        c if c.is_review() => actor.role.is_staff(),
        _ => actor.role == Role::Agency,
    };
    if !needs {
        return Err(CommandError::Forbidden {
            role: actor.role,
            command: command.kind(),
        });
    }
    let mut out = Decision::new(state, actor, env);
    match command {
        Command::UpdateServices { services } => {
            let step1 = state.step(Step::Credential);
            if !step1.status.is_open() {
                return Err(invalid(CommandKind::UpdateServices, step1));
            }
            let services = payload::validate_services(&services).map_err(CommandError::Invalid)?;
            out.push(None, None, Change::ServicesUpdated { services });
        }
        Command::SaveDraft { step, payload } => {
            out.open_step(CommandKind::SaveDraft, step)?;
            payload::check_draft(step, &payload)?;
            out.push(Some(step), None, Change::DraftSaved { draft: payload });
        }
        Command::Submit { step, payload } => {
            let s = out.open_step(CommandKind::Submit, step)?;
            let json = payload.or_else(|| s.draft.clone()).ok_or_else(|| {
                // Nothing sent and nothing saved: the whole form is missing.
                single_issue("payload", Code::Required)
            })?;
            let valid = payload::validate(step, &json, &out.context())?;
            let consented_by = (step == Step::PlatformRequest).then_some(actor.user_id);
            let desired = valid.payload.desired_launch_date();
            let to = if step == Step::Launch {
                StepStatus::Completed
            } else {
                StepStatus::UnderReview
            };
            out.transition(
                step,
                to,
                Change::Submitted {
                    submission: valid.payload.to_json(),
                    consented_by,
                    consents_version: consented_by.map(|_| payload::CONSENTS_VERSION.to_owned()),
                    warnings: valid.warnings,
                },
            );
            if let Some(desired) = desired {
                let release = schedule::launch_on(env.now, desired, &env.schedule.closed);
                out.push(
                    Some(step),
                    None,
                    Change::LaunchScheduled {
                        desired,
                        launch_on: release.launch_on,
                    },
                );
            }
        }
        Command::AddAttempt { step, input } => {
            if !step.is_test() {
                return Err(invalid(CommandKind::AddAttempt, state.step(step)));
            }
            let s = out.open_step(CommandKind::AddAttempt, step)?;
            let input = out.attempt_input(&input)?;
            let number = s.attempts.last().map_or(1, |a| a.number + 1);
            let attempt = TestAttempt {
                number,
                details: input.details,
                file_id: input.file_id,
                added_at: env.now,
                status: AttemptStatus::Pending,
                review_note: None,
            };
            out.transition(
                step,
                StepStatus::UnderReview,
                Change::AttemptAdded { attempt },
            );
        }
        Command::EditAttempt {
            step,
            number,
            input,
        } => {
            out.pending_attempt(CommandKind::EditAttempt, step, number)?;
            let input = out.attempt_input(&input)?;
            out.push(
                Some(step),
                None,
                Change::AttemptEdited {
                    number,
                    details: input.details,
                    file_id: input.file_id,
                },
            );
        }
        Command::DeleteAttempt { step, number } => {
            let s = out.pending_attempt(CommandKind::DeleteAttempt, step, number)?;
            let back = s.reopen_status.unwrap_or(StepStatus::InProgress);
            out.transition(step, back, Change::AttemptDeleted { number });
        }
        Command::Withdraw { step } => {
            let s = state.step(step);
            // Test steps are taken back by deleting the pending attempt.
            if s.status != StepStatus::UnderReview || step.is_test() {
                return Err(invalid(CommandKind::Withdraw, s));
            }
            let back = s.reopen_status.unwrap_or(StepStatus::InProgress);
            out.transition(step, back, Change::Withdrawn);
        }
        Command::Approve {
            step,
            note,
            credentials,
            update_agency,
        } => {
            let s = state.step(step);
            if s.status != StepStatus::UnderReview {
                return Err(invalid(CommandKind::Approve, s));
            }
            if update_agency && step != Step::PlatformRequest {
                return Err(single_issue("update_agency", Code::NotAllowed));
            }
            let note = review_text(note.as_deref(), "note", false)?;
            let issued = match (step.issues_credentials(), credentials) {
                (None, Some(_)) => return Err(single_issue("credentials", Code::NotAllowed)),
                (None, None) => None,
                (Some(environment), Some(supplied)) => {
                    Some((environment, supplied_credentials(supplied, env.now)?))
                }
                (Some(environment), None) => Some((
                    environment,
                    env.credentials.issue(state.id, environment, env.now),
                )),
            };
            let category = approved_category(s);
            out.transition(step, StepStatus::Completed, Change::Approved { note });
            if let Some((environment, credentials)) = issued {
                out.push(
                    Some(step),
                    None,
                    Change::CredentialsIssued {
                        environment,
                        credentials,
                    },
                );
            }
            if let Some(category) = category.filter(|c| *c != state.category) {
                out.push(Some(step), None, Change::CategoryChanged { category });
            }
            let agency = update_agency
                .then(|| form_agency_names(s))
                .flatten()
                .filter(|names| Some(names) != env.agency);
            if let Some(names) = agency {
                let previous = env.agency.cloned();
                out.push(Some(step), None, Change::AgencyUpdated { previous, names });
            }
        }
        Command::RequestChanges { step, reason } => {
            let s = state.step(step);
            if s.status != StepStatus::UnderReview {
                return Err(invalid(CommandKind::RequestChanges, s));
            }
            let reason = review_text(Some(&reason), "reason", true)?.unwrap_or_default();
            out.transition(
                step,
                StepStatus::ChangesRequested,
                Change::ChangesRequested { reason },
            );
        }
        Command::RescheduleLaunch {
            desired_date,
            reason,
        } => {
            let today = schedule::today_in_bangkok(env.now);
            let previous = match state.launch_on {
                Some(on) if state.lifecycle(today) == Lifecycle::Scheduled => on,
                _ => {
                    return Err(invalid(
                        CommandKind::RescheduleLaunch,
                        state.step(Step::Launch),
                    ))
                }
            };
            let mut report = Report::new();
            let path = Path::root().key("desired_date");
            let desired = crate::fields::planned_date(&path, &desired_date, today)
                .map_err(|issue| report.push(issue))
                .ok();
            let release =
                desired.map(|d| (d, schedule::launch_on(env.now, d, &env.schedule.closed)));
            if let Some((_, release)) = release.filter(|(_, r)| r.launch_on == previous) {
                report.push(crate::validation::Issue::with_messages(
                    &path,
                    Code::NotAllowed,
                    format!(
                        "วันเผยแพร่ของวันที่นี้คือวันอังคารที่ {} ซึ่งเป็นวันเดิม กรุณาเลือกวันอื่น",
                        schedule::thai_date(release.launch_on)
                    ),
                    format!(
                        "That date goes out on Tuesday {}, the launch date already set; choose another",
                        release.launch_on
                    ),
                ));
            }
            // Every problem of the two fields at once, in the form's order.
            let reason = match review_text(Some(&reason), "reason", true) {
                Ok(reason) => reason,
                Err(CommandError::Invalid(r)) => {
                    report.errors.extend(r.errors);
                    None
                }
                Err(e) => return Err(e),
            };
            match (release, reason) {
                (Some((desired, release)), Some(reason)) if report.errors.is_empty() => {
                    out.push(
                        Some(Step::Launch),
                        None,
                        Change::LaunchRescheduled {
                            previous,
                            desired,
                            launch_on: release.launch_on,
                            reason,
                        },
                    );
                }
                _ => return Err(CommandError::Invalid(report)),
            }
        }
    }
    Ok(out.events)
}

/// Runs [`decide`] and applies its events: the new state and the events to store.
pub fn execute(
    state: &EService,
    actor: &Actor,
    command: Command,
    expected_version: Option<u64>,
    env: &Env,
) -> Result<(EService, Vec<Event>), CommandError> {
    let events = decide(state, actor, command, expected_version, env)?;
    let mut next = state.clone();
    for event in &events {
        next.evolve(event);
    }
    Ok((next, events))
}

fn invalid(command: CommandKind, s: &StepState) -> CommandError {
    CommandError::InvalidTransition {
        command,
        step: s.step,
        status: s.status,
    }
}

/// The category an approval of step 1 or 5 makes official.
fn approved_category(s: &StepState) -> Option<Category> {
    if !matches!(s.step, Step::Credential | Step::PreprodSetup) {
        return None;
    }
    let value = s.submission.as_ref()?.get("category")?.clone();
    serde_json::from_value(value).ok()
}

/// A review note (optional) or reason (required): trimmed, at most 2000 characters.
fn review_text(
    raw: Option<&str>,
    field: &str,
    required: bool,
) -> Result<Option<String>, CommandError> {
    match raw.map(str::trim) {
        None | Some("") if !required => Ok(None),
        raw => crate::fields::long_text(raw.unwrap_or(""), MAX_REVIEW_TEXT)
            .map(Some)
            .map_err(|e| {
                let mut report = Report::new();
                report.push(crate::fields::text_issue(&Path::root().key(field), e));
                CommandError::Invalid(report)
            }),
    }
}

fn supplied_credentials(
    supplied: SuppliedCredentials,
    at: DateTime<Utc>,
) -> Result<Credentials, CommandError> {
    let mut report = Report::new();
    let base = Path::root().key("credentials");
    let mut field = |name: &str, value: &str| {
        report.check_text(
            &base.key(name),
            crate::fields::text(value, MAX_CREDENTIAL_LEN),
        )
    };
    let app_id = field("app_id", &supplied.app_id);
    let consumer_key = field("consumer_key", &supplied.consumer_key);
    let consumer_secret = field("consumer_secret", &supplied.consumer_secret);
    match (app_id, consumer_key, consumer_secret) {
        (Some(app_id), Some(consumer_key), Some(consumer_secret)) => Ok(Credentials {
            app_id,
            consumer_key,
            consumer_secret,
            issued_at: at,
        }),
        _ => Err(CommandError::Invalid(report)),
    }
}

/// Collects the events of one command, all at the command's new version.
struct Decision<'s> {
    state: &'s EService,
    actor: &'s Actor,
    env: &'s Env<'s>,
    events: Vec<Event>,
}

impl<'s> Decision<'s> {
    fn new(state: &'s EService, actor: &'s Actor, env: &'s Env<'s>) -> Self {
        Decision {
            state,
            actor,
            env,
            events: Vec::new(),
        }
    }

    fn push(
        &mut self,
        step: Option<Step>,
        status: Option<(StepStatus, StepStatus)>,
        change: Change,
    ) {
        self.events.push(Event {
            eservice_id: self.state.id,
            version: self.state.version + 1,
            at: self.env.now,
            actor: self.actor.user_id,
            step,
            from_status: status.map(|s| s.0),
            to_status: status.map(|s| s.1),
            change,
        });
    }

    fn transition(&mut self, step: Step, to: StepStatus, change: Change) {
        let from = self.state.step(step).status;
        self.push(Some(step), Some((from, to)), change);
    }

    /// The step, if the agency may edit it now.
    fn open_step(&self, command: CommandKind, step: Step) -> Result<&'s StepState, CommandError> {
        let s = self.state.step(step);
        let form_command = matches!(command, CommandKind::SaveDraft | CommandKind::Submit);
        if !s.status.is_open() || (form_command && step.is_test()) {
            return Err(invalid(command, s));
        }
        Ok(s)
    }

    /// The step, if attempt `number` is its latest and still pending.
    fn pending_attempt(
        &self,
        command: CommandKind,
        step: Step,
        number: u32,
    ) -> Result<&'s StepState, CommandError> {
        let s = self.state.step(step);
        if !step.is_test() || !s.attempts.iter().any(|a| a.number == number) {
            return Err(CommandError::NotFound);
        }
        match s.pending_attempt() {
            Some(a) if a.number == number => Ok(s),
            _ => Err(invalid(command, s)),
        }
    }

    /// The validation context of a payload submitted now.
    fn context(&self) -> payload::Context<'s> {
        let today = schedule::today_in_bangkok(self.env.now);
        payload::Context {
            today,
            launch_deadline: self.env.schedule.launch_deadline.for_request(today),
            files: self.env.files,
        }
    }

    fn attempt_input(
        &self,
        json: &serde_json::Value,
    ) -> Result<payload::AttemptInput, CommandError> {
        Ok(payload::validate_attempt(json, &self.context())?)
    }
}

/// An agency's names as the agency record holds them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyNames {
    /// Thai name.
    pub name_th: String,
    /// English name.
    pub name_en: String,
    /// Ministry or parent body (อยู่ภายใต้สังกัด), Thai.
    pub ministry_th: String,
    /// Ministry or parent body, English.
    pub ministry_en: String,
}

/// Longest agency or ministry name, in characters.
pub const MAX_AGENCY_NAME: usize = 200;

impl AgencyNames {
    /// Checks the four names of a new agency: each required, at most 200 characters.
    /// Every problem is reported at once, on fields `name_th`, `name_en`, `ministry_th`,
    /// `ministry_en`.
    pub fn parse(
        name_th: &str,
        name_en: &str,
        ministry_th: &str,
        ministry_en: &str,
    ) -> Result<AgencyNames, Report> {
        let mut report = Report::new();
        let mut field = |name: &str, raw: &str| {
            report.check_text(
                &Path::root().key(name),
                crate::fields::text(raw, MAX_AGENCY_NAME),
            )
        };
        let names = (
            field("name_th", name_th),
            field("name_en", name_en),
            field("ministry_th", ministry_th),
            field("ministry_en", ministry_en),
        );
        match names {
            (Some(name_th), Some(name_en), Some(ministry_th), Some(ministry_en)) => {
                Ok(AgencyNames {
                    name_th,
                    name_en,
                    ministry_th,
                    ministry_en,
                })
            }
            _ => Err(report),
        }
    }
}

/// The agency names of the step-4 form under review or approved (part 1), as the agency
/// record would hold them.
fn form_agency_names(s: &StepState) -> Option<AgencyNames> {
    let form: payload::PlatformRequest = serde_json::from_value(s.submission.clone()?).ok()?;
    let agency = form.requester.agency;
    Some(AgencyNames {
        name_th: agency.name_th,
        name_en: agency.name_en,
        ministry_th: agency.parent_th,
        ministry_en: agency.parent_en,
    })
}

/// The agency names that `event` makes official: an [`Change::AgencyUpdated`] of a step-4
/// approval with `update_agency` (SPEC §3).
pub fn agency_update(event: &Event) -> Option<&AgencyNames> {
    match &event.change {
        Change::AgencyUpdated { names, .. } => Some(names),
        _ => None,
    }
}

/// One name where the step-4 form differs from the agency record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyDifference {
    /// `name_th`, `name_en`, `ministry_th` or `ministry_en`.
    pub field: &'static str,
    /// What the field is called on the form, in Thai.
    pub label_th: &'static str,
    /// What the agency record holds.
    pub record: String,
    /// What the form says.
    pub form: String,
}

/// Where the submitted step-4 form of `state` differs from the agency record `agency`, for
/// the reviewer to decide whether to approve with `update_agency`. `None` when step 4 has no
/// submission.
pub fn agency_differences(state: &EService, agency: &AgencyNames) -> Option<Vec<AgencyDifference>> {
    let form = form_agency_names(state.step(Step::PlatformRequest))?;
    let pairs = [
        (
            "name_th",
            "ชื่อหน่วยงาน (ภาษาไทย)",
            &agency.name_th,
            form.name_th,
        ),
        (
            "name_en",
            "ชื่อหน่วยงาน (ภาษาอังกฤษ)",
            &agency.name_en,
            form.name_en,
        ),
        (
            "ministry_th",
            "อยู่ภายใต้สังกัด (ภาษาไทย)",
            &agency.ministry_th,
            form.ministry_th,
        ),
        (
            "ministry_en",
            "อยู่ภายใต้สังกัด (ภาษาอังกฤษ)",
            &agency.ministry_en,
            form.ministry_en,
        ),
    ];
    Some(
        pairs
            .into_iter()
            .filter(|(_, _, record, form)| *record != form)
            .map(|(field, label_th, record, form)| AgencyDifference {
                field,
                label_th,
                record: record.clone(),
                form,
            })
            .collect(),
    )
}
