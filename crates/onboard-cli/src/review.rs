//! `onboard review approve|request-changes`: a reviewer's decision from the command line,
//! made as a named reviewer or admin account so that the event log records who decided.
//! Core decides whether the decision is allowed, exactly as for the API.

use crate::eservice::detail_json;
use crate::operator::{command_error_text, open_existing, rejected, step_arg, step_label};
use crate::wiring::{CommandMailArgs, DbArgs, ScheduleArgs};
use crate::{Failure, Outcome};
use chrono::Utc;
use clap::Subcommand;
use onboard_core::id::EServiceId;
use onboard_core::reference::{Environment, Role, Step, StepStatus};
use onboard_core::schedule::today_in_bangkok;
use onboard_core::workflow::Command;
use onboard_store::password::OsCredentials;
use onboard_store::{CommandContext, StoreError};
use std::sync::Arc;

/// `onboard review ...`.
#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Approve a step under review (issues credentials on steps 1 and 4).
    Approve {
        /// The e-Service id.
        id: EServiceId,
        /// The step: 1-7 or its slug.
        #[arg(value_parser = step_arg)]
        step: Step,
        /// The reviewer or admin account that decides (its username).
        #[arg(long = "as", value_name = "USERNAME")]
        as_user: String,
        /// A note for the agency.
        #[arg(long)]
        note: Option<String>,
        /// Step 4 only: also make the form's agency names the agency record's.
        #[arg(long)]
        update_agency: bool,
        #[command(flatten)]
        schedule: ScheduleArgs,
        #[command(flatten)]
        mail: CommandMailArgs,
        #[command(flatten)]
        db: DbArgs,
        /// Print the e-Service after the decision as JSON (as `eservice show --json`).
        #[arg(long)]
        json: bool,
    },
    /// Send a step under review back to the agency with a reason.
    RequestChanges {
        /// The e-Service id.
        id: EServiceId,
        /// The step: 1-7 or its slug.
        #[arg(value_parser = step_arg)]
        step: Step,
        /// The reviewer or admin account that decides (its username).
        #[arg(long = "as", value_name = "USERNAME")]
        as_user: String,
        /// Why, shown to the agency (required, at most 2,000 characters).
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        schedule: ScheduleArgs,
        #[command(flatten)]
        mail: CommandMailArgs,
        #[command(flatten)]
        db: DbArgs,
        /// Print the e-Service after the decision as JSON (as `eservice show --json`).
        #[arg(long)]
        json: bool,
    },
}

/// Runs a review command.
pub async fn run(command: ReviewCommand) -> Result<Outcome, Failure> {
    let (id, step, as_user, schedule, mail, db, as_json, command) = match command {
        ReviewCommand::Approve {
            id,
            step,
            as_user,
            note,
            update_agency,
            schedule,
            mail,
            db,
            json,
        } => (
            id,
            step,
            as_user,
            schedule,
            mail,
            db,
            json,
            Command::Approve {
                step,
                note,
                credentials: None,
                update_agency,
            },
        ),
        ReviewCommand::RequestChanges {
            id,
            step,
            as_user,
            reason,
            schedule,
            mail,
            db,
            json,
        } => (
            id,
            step,
            as_user,
            schedule,
            mail,
            db,
            json,
            Command::RequestChanges { step, reason },
        ),
    };
    let mail = mail.config()?;
    let store = open_existing(&db).await?;
    let user = store
        .user_by_username(&as_user)
        .await
        .map_err(Failure::Store)?
        .ok_or_else(|| Failure::Input(format!("--as: no account named `{as_user}`")))?;
    if user.role == Role::Agency {
        return Err(Failure::Input(format!(
            "--as: `{}` is an agency account; reviews need a reviewer or admin account",
            user.username
        )));
    }
    if user.disabled {
        return Err(Failure::Input(format!(
            "--as: the account `{}` is disabled",
            user.username
        )));
    }
    let now = Utc::now();
    let ctx = CommandContext {
        now,
        schedule: Arc::new(schedule.config()),
        credentials: Arc::new(OsCredentials),
        mail: Arc::new(mail),
    };
    let svc = match store.execute(id, &user.actor(), command, None, &ctx).await {
        Ok(svc) => svc,
        Err(StoreError::NotFound) => {
            return Ok(rejected(
                "not_found",
                &format!("no e-Service {id}"),
                as_json,
            ))
        }
        Err(StoreError::Command(e)) => {
            return match e.code() {
                // The reason or note itself is wrong: bad input.
                "validation_failed" | "bad_request" => Err(Failure::Input(format!(
                    "{}: {}",
                    e.code(),
                    command_error_text(&e)
                ))),
                code => Ok(rejected(code, &command_error_text(&e), as_json)),
            };
        }
        Err(e) => return Err(Failure::Store(e)),
    };
    let today = today_in_bangkok(now);
    let agency = store
        .agency(svc.agency_id())
        .await
        .map_err(Failure::Store)?;
    if as_json {
        return Ok(Outcome::json(
            detail_json(&svc, agency.as_ref(), today),
            true,
        ));
    }
    let state = svc.step(step);
    let mut text = format!(
        "{}\nstep {}: {} ({}) by {}\n",
        svc.name(),
        step_label(step),
        state.status.title_th(),
        state.status.as_str(),
        user.username
    );
    if let Some(next) = step.next().filter(|_| svc.current_step() != step) {
        let next_state = svc.step(next);
        text.push_str(&format!(
            "next: step {}: {} ({})\n",
            step_label(next),
            next_state.status.title_th(),
            next_state.status.as_str()
        ));
    }
    if let Some(issued) = step.issues_credentials() {
        let set = match issued {
            Environment::Uat => &svc.credentials().uat,
            Environment::Production => &svc.credentials().production,
        };
        if let Some(c) = set
            .as_ref()
            .filter(|_| state.status == StepStatus::Completed)
        {
            text.push_str(&format!(
                "{} credentials issued: app id {}\n",
                issued.title_en(),
                c.app_id
            ));
        }
    }
    text.push_str(&format!("details: onboard eservice show {}\n", svc.id()));
    Ok(Outcome {
        stdout: text,
        stderr: String::new(),
        success: true,
    })
}
