//! Commands on an e-Service: one flow for every front end, so the API, the portal and the
//! CLI apply a command the same way (one store transaction, core deciding, logged once).

use crate::{AppError, AppResult};
use chrono::NaiveDate;
use onboard_core::file::FileFacts;
use onboard_core::id::{AgencyId, EServiceId, FileId};
use onboard_core::payload::{self, PayloadError};
use onboard_core::reference::Step;
use onboard_core::validation::{Code, Issue, Report};
use onboard_core::workflow::{Command, CommandError, EService};
use onboard_store::{CommandContext, Store, StoreError, User};
use serde_json::Value;
use std::collections::HashMap;

/// Applies `command` as `user` to the e-Service `id` (SPEC §4, §12): the store reads it,
/// checks the referenced files among the agency's own, lets core decide and writes the
/// result with its events, notifications and e-mails in one transaction. With
/// `expected_version`, another current version is `version_conflict`. A command that
/// schedules a launch gets the database's closed dates (`calendar::schedule`).
pub async fn execute(
    store: &dyn Store,
    user: &User,
    id: EServiceId,
    command: Command,
    expected_version: Option<u64>,
    ctx: &CommandContext,
) -> AppResult<EService> {
    let name = command.kind();
    // A launch date is computed with the release calendar as it is now.
    let with_calendar;
    let ctx = if command.schedules_launch() {
        with_calendar = crate::calendar::command_context(store, ctx).await?;
        &with_calendar
    } else {
        ctx
    };
    let svc = store
        .execute(id, &user.actor(), command, expected_version, ctx)
        .await
        .map_err(invalid)?;
    tracing::info!(eservice = %id, command = name.as_str(), version = svc.version(), "command applied");
    Ok(svc)
}

/// Core's validation problems as the flows report them (`AppError::Invalid`), whichever
/// layer found them.
fn invalid(e: StoreError) -> AppError {
    match e {
        StoreError::Command(CommandError::Invalid(report)) => AppError::Invalid(report),
        other => other.into(),
    }
}

/// Checks a step's form as submitting it would, without submitting: the same validation
/// (SPEC §5) with the referenced files looked up among the e-Service's own agency's files,
/// as the store does when the command runs. `Ok` carries the warnings (never blocking);
/// `Err(AppError::Invalid)` every problem. The portal calls it before its check-your-answers
/// page, so the officer confirms only what the submission will accept.
pub async fn check_submission(
    store: &dyn Store,
    svc: &EService,
    step: Step,
    payload: &Value,
    today: NaiveDate,
    launch_deadline: NaiveDate,
) -> AppResult<Vec<Issue>> {
    let mut files: HashMap<String, FileFacts> = HashMap::new();
    for raw in payload::referenced_files(step, payload) {
        let Ok(id) = raw.trim().parse::<FileId>() else {
            continue;
        };
        if let Some(meta) = store.file(id).await? {
            if meta.agency_id == Some(svc.agency_id()) {
                files.insert(
                    raw.trim().to_owned(),
                    FileFacts {
                        media_type: meta.media_type,
                        size: meta.size,
                        dimensions: meta.dimensions,
                    },
                );
            }
        }
    }
    let ctx = payload::Context {
        today,
        launch_deadline,
        files: &files,
    };
    match payload::validate(step, payload, &ctx) {
        Ok(validated) => Ok(validated.warnings),
        Err(PayloadError::Invalid(report)) => Err(AppError::Invalid(report)),
        Err(other) => {
            let mut report = Report::new();
            report.push(Issue::with_messages(
                &onboard_core::validation::Path::root(),
                Code::InvalidFormat,
                format!("ข้อมูลของแบบฟอร์มไม่ถูกต้อง ({other})"),
                format!("The form is not well formed ({other})"),
            ));
            Err(AppError::Invalid(report))
        }
    }
}

/// Creates an e-Service with its first list of งานบริการ (SPEC §10 `POST /eservices`): an
/// agency officer for their own agency, an admin for the agency given. Core decides who may.
pub async fn create(
    store: &dyn Store,
    user: &User,
    agency_id: Option<AgencyId>,
    name: &str,
    services: &[String],
    ctx: &CommandContext,
) -> AppResult<EService> {
    let svc = store
        .create_eservice(&user.actor(), agency_id, name, services, ctx)
        .await
        .map_err(invalid)?;
    tracing::info!(eservice = %svc.id(), "e-Service created");
    Ok(svc)
}

/// For DGA staff, whole days the oldest submission under review has waited at `now` (SPEC
/// §7 `awaiting_review_oldest_days`); `None` when nothing waits, and for agency officers.
pub async fn oldest_waiting_days(
    store: &dyn Store,
    user: &User,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Option<u64>> {
    if !user.role.is_staff() {
        return Ok(None);
    }
    let oldest = store
        .review_queue(1, onboard_core::schedule::today_in_bangkok(now))
        .await?;
    Ok(oldest
        .first()
        .and_then(|i| i.review_since)
        .map(|since| onboard_core::dashboard::waiting_days(since, now)))
}
