//! The state of one e-Service, and how each event changes it (`evolve`).

use super::event::{Change, Event};
use crate::id::{AgencyId, EServiceId, UserId};
use crate::reference::{Category, Environment, Step, StepStatus};
use crate::validation::Issue;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// An e-Service and its seven steps (SPEC §3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EService {
    /// Identifier (UUID v7).
    pub(crate) id: EServiceId,
    /// Owning agency.
    pub(crate) agency_id: AgencyId,
    /// Name of the e-Service.
    pub(crate) name: String,
    /// The งานบริการ onboarded together (1 to 100, unique).
    pub(crate) services: Vec<String>,
    /// Category on the ทางรัฐ app; `in_development` until step 1 is approved.
    pub(crate) category: Category,
    /// 1 at creation, +1 on every accepted command.
    pub(crate) version: u64,
    /// The seven steps, in order.
    pub(crate) steps: [StepState; 7],
    /// Credentials issued at steps 1 and 4.
    pub(crate) credentials: IssuedCredentials,
    /// The release Tuesday, once step 7 is confirmed.
    pub(crate) launch_on: Option<NaiveDate>,
    /// When the e-Service was created.
    pub(crate) created_at: DateTime<Utc>,
    /// When the last accepted command was applied.
    pub(crate) updated_at: DateTime<Utc>,
}

/// One step of an e-Service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepState {
    /// Which step.
    pub step: Step,
    /// Its status.
    pub status: StepStatus,
    /// Last saved draft (may be incomplete).
    pub draft: Option<serde_json::Value>,
    /// The latest submission, normalized; never edited once submitted.
    pub submission: Option<serde_json::Value>,
    /// When the latest submission (or attempt) was made.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Who made it.
    pub submitted_by: Option<UserId>,
    /// When the latest review decision was made.
    pub reviewed_at: Option<DateTime<Utc>>,
    /// Who made it.
    pub reviewed_by: Option<UserId>,
    /// The note of an approval or the reason of a change request.
    pub review_note: Option<String>,
    /// Test attempts (steps 3 and 6 only), oldest first.
    pub attempts: Vec<TestAttempt>,
    /// The status to return to on withdraw or attempt deletion.
    pub reopen_status: Option<StepStatus>,
    /// Warnings of the latest submission (e.g. `free_email_domain`); they never block.
    #[serde(default)]
    pub warnings: Vec<Issue>,
}

impl StepState {
    fn new(step: Step, status: StepStatus) -> Self {
        StepState {
            step,
            status,
            draft: None,
            submission: None,
            submitted_at: None,
            submitted_by: None,
            reviewed_at: None,
            reviewed_by: None,
            review_note: None,
            attempts: Vec::new(),
            reopen_status: None,
            warnings: Vec::new(),
        }
    }

    /// The latest attempt, if it is still pending.
    pub fn pending_attempt(&self) -> Option<&TestAttempt> {
        self.attempts
            .last()
            .filter(|a| a.status == AttemptStatus::Pending)
    }
}

/// Result of a test attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptStatus {
    /// Waiting for DGA.
    Pending,
    /// DGA approved it.
    Passed,
    /// DGA sent it back.
    Failed,
}

/// One test attempt of step 3 or 6 (manual §5 and §8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestAttempt {
    /// 1, 2, ... per step.
    pub number: u32,
    /// What was tested.
    pub details: String,
    /// The uploaded test-result file.
    pub file_id: String,
    /// When it was added.
    pub added_at: DateTime<Utc>,
    /// Its result.
    pub status: AttemptStatus,
    /// The reviewer's note on it.
    pub review_note: Option<String>,
}

/// One set of platform credentials.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    /// Application id (a UUID when generated).
    pub app_id: String,
    /// Consumer key.
    pub consumer_key: String,
    /// Consumer secret: shown only to the owning agency.
    pub consumer_secret: String,
    /// When they were issued.
    pub issued_at: DateTime<Utc>,
}

impl std::fmt::Debug for Credentials {
    // The secret never reaches a log line through Debug.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("app_id", &self.app_id)
            .field("consumer_key", &self.consumer_key)
            .field("consumer_secret", &"***")
            .field("issued_at", &self.issued_at)
            .finish()
    }
}

/// The credentials of both environments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedCredentials {
    /// Issued when step 1 is approved.
    pub uat: Option<Credentials>,
    /// Issued when step 4 is approved.
    pub production: Option<Credentials>,
}

/// Lifecycle of an e-Service (SPEC §4), derived from the state and a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lifecycle {
    /// Step 7 not yet confirmed.
    Onboarding,
    /// Confirmed; the release day has not come.
    Scheduled,
    /// On the platform since `launch_on`.
    Live,
}

impl Lifecycle {
    /// Every value.
    pub const ALL: [Lifecycle; 3] = [Lifecycle::Onboarding, Lifecycle::Scheduled, Lifecycle::Live];

    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::Onboarding => "onboarding",
            Lifecycle::Scheduled => "scheduled",
            Lifecycle::Live => "live",
        }
    }

    /// The Thai label (เปิดให้บริการแล้ว is the manual's menu for `live`).
    pub fn title_th(self) -> &'static str {
        match self {
            Lifecycle::Onboarding => "อยู่ระหว่างการเชื่อมต่อ",
            Lifecycle::Scheduled => "รอเปิดให้บริการ",
            Lifecycle::Live => "เปิดให้บริการแล้ว",
        }
    }

    /// The lifecycle for a given `launch_on` (if confirmed) on `today` (Asia/Bangkok).
    pub fn at(launch_on: Option<NaiveDate>, today: NaiveDate) -> Lifecycle {
        match launch_on {
            None => Lifecycle::Onboarding,
            Some(d) if d <= today => Lifecycle::Live,
            Some(_) => Lifecycle::Scheduled,
        }
    }
}

impl std::str::FromStr for Lifecycle {
    type Err = crate::reference::UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Lifecycle::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| crate::reference::UnknownName {
                kind: "lifecycle",
                value: s.to_owned(),
            })
    }
}

/// Why an event log could not be folded into a state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FoldError {
    /// The log is empty or does not start with `created`.
    #[error("the event log must start with a `created` event")]
    NotCreatedFirst,
    /// A `created` event appears after the first.
    #[error("a second `created` event at version {0}")]
    CreatedTwice(u64),
    /// Events of another e-Service are mixed in.
    #[error("event of e-Service {0} in the log of another")]
    ForeignEvent(EServiceId),
    /// Versions must not go down, and may grow only by one.
    #[error("version jumps from {from} to {to}")]
    VersionGap {
        /// Version before.
        from: u64,
        /// Version of the offending event.
        to: u64,
    },
}

impl EService {
    /// The state right after a `created` event.
    fn created(event: &Event, agency_id: AgencyId, name: &str, services: &[String]) -> Self {
        let steps = std::array::from_fn(|i| {
            let s = Step::ALL[i];
            let status = if s == Step::Credential {
                StepStatus::InProgress
            } else {
                StepStatus::Locked
            };
            StepState::new(s, status)
        });
        EService {
            id: event.eservice_id,
            agency_id,
            name: name.to_owned(),
            services: services.to_vec(),
            category: Category::InDevelopment,
            version: event.version,
            steps,
            credentials: IssuedCredentials::default(),
            launch_on: None,
            created_at: event.at,
            updated_at: event.at,
        }
    }

    /// Folds a whole event log, oldest first, into the state it describes.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a Event>) -> Result<Self, FoldError> {
        let mut events = events.into_iter();
        let first = events.next().ok_or(FoldError::NotCreatedFirst)?;
        let mut state = match &first.change {
            Change::Created {
                agency_id,
                name,
                services,
            } => EService::created(first, *agency_id, name, services),
            _ => return Err(FoldError::NotCreatedFirst),
        };
        for event in events {
            if event.eservice_id != state.id {
                return Err(FoldError::ForeignEvent(event.eservice_id));
            }
            if matches!(event.change, Change::Created { .. }) {
                return Err(FoldError::CreatedTwice(event.version));
            }
            if event.version != state.version && event.version != state.version + 1 {
                return Err(FoldError::VersionGap {
                    from: state.version,
                    to: event.version,
                });
            }
            state.evolve(event);
        }
        Ok(state)
    }

    /// Applies one event. Events are facts: this never fails; `decide` has already checked
    /// every rule.
    pub fn evolve(&mut self, event: &Event) {
        self.version = event.version;
        self.updated_at = event.at;
        let Some(step) = event.step else {
            if let Change::ServicesUpdated { services } = &event.change {
                self.services = services.clone();
            }
            return;
        };
        let i = step.index();
        if let Some(to) = event.to_status {
            self.steps[i].status = to;
        }
        let s = &mut self.steps[i];
        match &event.change {
            Change::Created { .. } | Change::ServicesUpdated { .. } => {}
            Change::DraftSaved { draft } => s.draft = Some(draft.clone()),
            Change::Submitted {
                submission,
                warnings,
                ..
            } => {
                s.submission = Some(submission.clone());
                s.warnings = warnings.clone();
                s.submitted_at = Some(event.at);
                s.submitted_by = Some(event.actor);
                s.reopen_status = event.from_status;
            }
            Change::AttemptAdded { attempt } => {
                s.attempts.push(attempt.clone());
                s.submitted_at = Some(event.at);
                s.submitted_by = Some(event.actor);
                s.reopen_status = event.from_status;
            }
            Change::AttemptEdited {
                number,
                details,
                file_id,
            } => {
                if let Some(a) = s.attempts.iter_mut().find(|a| a.number == *number) {
                    a.details = details.clone();
                    a.file_id = file_id.clone();
                }
            }
            Change::AttemptDeleted { number } => s.attempts.retain(|a| a.number != *number),
            Change::Withdrawn => {}
            Change::Approved { note } => {
                s.reviewed_at = Some(event.at);
                s.reviewed_by = Some(event.actor);
                s.review_note = note.clone();
                if let Some(a) = s.attempts.last_mut() {
                    if a.status == AttemptStatus::Pending {
                        a.status = AttemptStatus::Passed;
                        a.review_note = note.clone();
                    }
                }
                if let Some(next) = step.next() {
                    self.steps[next.index()].status = StepStatus::InProgress;
                }
            }
            Change::ChangesRequested { reason } => {
                s.reviewed_at = Some(event.at);
                s.reviewed_by = Some(event.actor);
                s.review_note = Some(reason.clone());
                if let Some(a) = s.attempts.last_mut() {
                    if a.status == AttemptStatus::Pending {
                        a.status = AttemptStatus::Failed;
                        a.review_note = Some(reason.clone());
                    }
                }
            }
            Change::CredentialsIssued {
                environment,
                credentials,
            } => match environment {
                Environment::Uat => self.credentials.uat = Some(credentials.clone()),
                Environment::Production => self.credentials.production = Some(credentials.clone()),
            },
            Change::CategoryChanged { category } => self.category = *category,
            // The agency record lives outside the e-Service; the store applies it.
            Change::AgencyUpdated { .. } => {}
            Change::LaunchScheduled { launch_on, .. }
            | Change::LaunchRescheduled { launch_on, .. } => self.launch_on = Some(*launch_on),
        }
    }

    // Read-only views: only core's rules and the fold change an e-Service.

    /// Identifier (UUID v7).
    pub fn id(&self) -> EServiceId {
        self.id
    }

    /// Owning agency.
    pub fn agency_id(&self) -> AgencyId {
        self.agency_id
    }

    /// Name of the e-Service.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The งานบริการ onboarded together (1 to 100, unique).
    pub fn services(&self) -> &[String] {
        &self.services
    }

    /// Category on the ทางรัฐ app; `in_development` until step 1 is approved.
    pub fn category(&self) -> Category {
        self.category
    }

    /// 1 at creation, +1 on every accepted command.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The seven steps, in order.
    pub fn steps(&self) -> &[StepState; 7] {
        &self.steps
    }

    /// Credentials issued at steps 1 and 4.
    pub fn credentials(&self) -> &IssuedCredentials {
        &self.credentials
    }

    /// The release Tuesday, once step 7 is confirmed.
    pub fn launch_on(&self) -> Option<NaiveDate> {
        self.launch_on
    }

    /// When the e-Service was created.
    pub fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    /// When the last accepted command was applied.
    pub fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }

    /// The step being worked on: the first step not completed, or step 7 when all are.
    pub fn current_step(&self) -> Step {
        self.steps
            .iter()
            .find(|s| s.status != StepStatus::Completed)
            .map_or(Step::Launch, |s| s.step)
    }

    /// Status of the current step.
    pub fn current_status(&self) -> StepStatus {
        self.step(self.current_step()).status
    }

    /// The state of one step.
    pub fn step(&self, step: Step) -> &StepState {
        &self.steps[step.index()]
    }

    /// All seven steps completed.
    pub fn is_complete(&self) -> bool {
        self.steps.iter().all(|s| s.status == StepStatus::Completed)
    }

    /// Lifecycle on `today` (a date in Asia/Bangkok).
    pub fn lifecycle(&self, today: NaiveDate) -> Lifecycle {
        Lifecycle::at(self.launch_on, today)
    }
}
