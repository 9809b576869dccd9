//! Events: the append-only record of every accepted change. Folding them from empty gives the
//! stored state exactly (SPEC §4 invariant 4).

use super::state::{Credentials, TestAttempt};
use crate::id::{AgencyId, EServiceId, UserId};
use crate::reference::{Category, Environment, Step, StepStatus};
use crate::validation::Issue;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// One accepted change of one e-Service. A command produces one or more events that share
/// the command's resulting `version`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The e-Service changed.
    pub eservice_id: EServiceId,
    /// The e-Service's version after the command that produced this event.
    pub version: u64,
    /// When the command was accepted.
    pub at: DateTime<Utc>,
    /// The user who issued the command.
    pub actor: UserId,
    /// The step concerned, if any.
    pub step: Option<Step>,
    /// The step's status before the change, when the status changed.
    pub from_status: Option<StepStatus>,
    /// The step's status after the change, when the status changed.
    pub to_status: Option<StepStatus>,
    /// What happened, with its data.
    #[serde(flatten)]
    pub change: Change,
}

/// What an event records. Serialized as `{"kind": "...", "data": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum Change {
    /// The e-Service was created with step 1 `in_progress`.
    Created {
        /// Owning agency.
        agency_id: AgencyId,
        /// Name of the e-Service.
        name: String,
        /// Its งานบริการ.
        services: Vec<String>,
    },
    /// The list of งานบริการ was replaced.
    ServicesUpdated {
        /// The new list.
        services: Vec<String>,
    },
    /// A draft was saved.
    DraftSaved {
        /// The draft as sent (well-typed, maybe incomplete).
        draft: serde_json::Value,
    },
    /// A step form was submitted (steps 1, 2, 4, 5) or confirmed (step 7).
    Submitted {
        /// The normalized, validated submission.
        submission: serde_json::Value,
        /// For step 4: who gave the three consents, and when.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        consented_by: Option<UserId>,
        /// For step 4: the version of the statements consented to
        /// ([`crate::payload::CONSENTS_VERSION`] at the time).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        consents_version: Option<String>,
        /// Advice found while validating (never blocking), kept for the reviewer.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        warnings: Vec<Issue>,
    },
    /// A test attempt was added (steps 3 and 6).
    AttemptAdded {
        /// The new attempt.
        attempt: TestAttempt,
    },
    /// The latest pending attempt was edited.
    AttemptEdited {
        /// Its number.
        number: u32,
        /// New details.
        details: String,
        /// New result file.
        file_id: String,
    },
    /// The latest pending attempt was deleted.
    AttemptDeleted {
        /// Its number.
        number: u32,
    },
    /// A pending submission was withdrawn by the agency.
    Withdrawn,
    /// A reviewer approved the step; the next step opens.
    Approved {
        /// Optional review note.
        note: Option<String>,
    },
    /// A reviewer sent the step back.
    ChangesRequested {
        /// The reason, shown to the agency.
        reason: String,
    },
    /// Credentials were issued on approval of step 1 (UAT) or step 4 (production).
    CredentialsIssued {
        /// Which environment.
        environment: Environment,
        /// The credentials.
        credentials: Credentials,
    },
    /// The e-Service's category was set from an approved step 1 or step 5.
    CategoryChanged {
        /// The new category.
        category: Category,
    },
    /// Approving step 4 with `update_agency` made the form's agency names the agency
    /// record's (SPEC §3): the old and the new names.
    AgencyUpdated {
        /// The record before, when it was known.
        previous: Option<crate::workflow::AgencyNames>,
        /// The names from the approved form.
        names: crate::workflow::AgencyNames,
    },
    /// Step 7 was confirmed and the launch was put on the release train.
    LaunchScheduled {
        /// The date the agency asked for.
        desired: NaiveDate,
        /// The release Tuesday.
        launch_on: NaiveDate,
    },
    /// An admin moved a scheduled launch to another release Tuesday.
    LaunchRescheduled {
        /// The release Tuesday before.
        previous: NaiveDate,
        /// The date the admin asked for.
        desired: NaiveDate,
        /// The new release Tuesday.
        launch_on: NaiveDate,
        /// Why, as shown to the agency.
        reason: String,
    },
}

impl Change {
    /// The snake_case name of the kind, as stored and shown.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::Created { .. } => "created",
            Change::ServicesUpdated { .. } => "services_updated",
            Change::DraftSaved { .. } => "draft_saved",
            Change::Submitted { .. } => "submitted",
            Change::AttemptAdded { .. } => "attempt_added",
            Change::AttemptEdited { .. } => "attempt_edited",
            Change::AttemptDeleted { .. } => "attempt_deleted",
            Change::Withdrawn => "withdrawn",
            Change::Approved { .. } => "approved",
            Change::ChangesRequested { .. } => "changes_requested",
            Change::CredentialsIssued { .. } => "credentials_issued",
            Change::CategoryChanged { .. } => "category_changed",
            Change::AgencyUpdated { .. } => "agency_updated",
            Change::LaunchScheduled { .. } => "launch_scheduled",
            Change::LaunchRescheduled { .. } => "launch_rescheduled",
        }
    }
}
