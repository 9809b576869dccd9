//! Who acts and what they ask for: [`Actor`] and [`Command`].

use super::*;

/// Who issues a command: a user, their role and, for an agency officer, their agency.
///
/// Built only valid: an agency officer always has an agency and DGA staff never do, so no
/// rule has to guess what an officer without an agency may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Actor {
    user_id: UserId,
    role: Role,
    agency_id: Option<AgencyId>,
}

/// Why [`Actor::new`] refused: the role and the agency do not fit (SPEC §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidActor {
    /// An agency officer without an agency.
    #[error("an agency officer must belong to an agency")]
    OfficerWithoutAgency,
    /// A reviewer or admin with an agency.
    #[error("DGA staff ({0:?}) belong to no agency")]
    StaffWithAgency(Role),
}

impl Actor {
    /// An actor from stored fields, refused when the role and the agency do not fit.
    pub fn new(
        user_id: UserId,
        role: Role,
        agency_id: Option<AgencyId>,
    ) -> Result<Actor, InvalidActor> {
        Actor::check_fit(role, agency_id)?;
        Ok(Actor {
            user_id,
            role,
            agency_id,
        })
    }

    /// The rule of SPEC §2 every account keeps: an agency officer belongs to an agency and
    /// DGA staff to none.
    pub fn check_fit(role: Role, agency_id: Option<AgencyId>) -> Result<(), InvalidActor> {
        match (role, agency_id) {
            (Role::Agency, None) => Err(InvalidActor::OfficerWithoutAgency),
            (Role::Reviewer | Role::Admin, Some(_)) => Err(InvalidActor::StaffWithAgency(role)),
            _ => Ok(()),
        }
    }

    /// An agency officer of `agency_id`.
    pub fn officer(user_id: UserId, agency_id: AgencyId) -> Actor {
        Actor {
            user_id,
            role: Role::Agency,
            agency_id: Some(agency_id),
        }
    }

    /// A DGA reviewer.
    pub fn reviewer(user_id: UserId) -> Actor {
        Actor {
            user_id,
            role: Role::Reviewer,
            agency_id: None,
        }
    }

    /// A DGA administrator.
    pub fn admin(user_id: UserId) -> Actor {
        Actor {
            user_id,
            role: Role::Admin,
            agency_id: None,
        }
    }

    /// The user.
    pub fn user_id(&self) -> UserId {
        self.user_id
    }

    /// Their role.
    pub fn role(&self) -> Role {
        self.role
    }

    /// Their agency: always `Some` for an agency officer, `None` for DGA staff.
    pub fn agency_id(&self) -> Option<AgencyId> {
        self.agency_id
    }

    /// Whether this actor may see the e-Services of `agency_id` (SPEC §2).
    pub fn can_see(&self, agency_id: AgencyId) -> bool {
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
