//! The rules: [`create`], [`decide`] and [`execute`].

use super::*;

/// The agency a new e-Service of `actor` belongs to, given the agency the request names
/// (SPEC §10 `POST /eservices`): an officer's own (naming another is 403), the one an admin
/// names (naming none is 422 on `agency_id`); reviewers create none (403).
pub fn agency_of_new(actor: &Actor, named: Option<AgencyId>) -> Result<AgencyId, CommandError> {
    match (actor.role(), actor.agency_id(), named) {
        (Role::Agency, Some(own), None) => Ok(own),
        (Role::Agency, Some(own), Some(named)) if named == own => Ok(own),
        (Role::Admin, _, Some(named)) => Ok(named),
        (Role::Admin, _, None) => Err(single_issue("agency_id", Code::Required)),
        (role, _, _) => Err(CommandError::Forbidden {
            role,
            command: CommandKind::Create,
        }),
    }
}

/// Creates an e-Service: step 1 `in_progress`, steps 2 to 7 `locked`, version 1.
///
/// Agency users create for their own agency; admins for any agency; reviewers may not.
pub fn create(
    actor: &Actor,
    id: EServiceId,
    agency_id: AgencyId,
    name: &str,
    services: &[String],
    env: &Env,
) -> Result<(EService, Vec<Event>), CommandError> {
    match actor.role() {
        Role::Agency if actor.agency_id() == Some(agency_id) => {}
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
        actor: actor.user_id(),
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
        Command::RescheduleLaunch { .. } => actor.role() == Role::Admin,
        c if c.is_review() => actor.role().is_staff(),
        _ => actor.role() == Role::Agency,
    };
    if !needs {
        return Err(CommandError::Forbidden {
            role: actor.role(),
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
            let consented_by = (step == Step::PlatformRequest).then_some(actor.user_id());
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
            actor: self.actor.user_id(),
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
