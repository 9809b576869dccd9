//! `onboard calendar closed add|remove|list`: the release calendar's closed dates (SPEC
//! §6, §11) for the operator at the database, through the same flows as the API and the
//! portal (`onboard_app::calendar`). Changes are recorded without an account (the
//! operator's).

use crate::operator::{open_existing, rejected, table};
use crate::wiring::DbArgs;
use crate::{Failure, Outcome};
use chrono::Utc;
use clap::Subcommand;
use onboard_app::accounts::Administrator;
use onboard_app::{calendar, AppError};
use onboard_core::calendar::ClosedDate;
use onboard_core::schedule::thai_date;
use serde_json::json;

/// `onboard calendar ...`.
#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// The closed dates (holidays, freezes) on which no release goes out.
    Closed {
        #[command(subcommand)]
        command: ClosedCommand,
    },
}

/// `onboard calendar closed ...`.
#[derive(Debug, Subcommand)]
pub enum ClosedCommand {
    /// Close a date: no release goes out on it (exit 1 if it is closed already).
    Add {
        /// The date, YYYY-MM-DD.
        date: String,
        /// Why (a holiday's name, a freeze): one line, at most 200 characters.
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        db: DbArgs,
        /// Print the entry {date, reason} as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Open a closed date again (exit 1 if it is not closed).
    Remove {
        /// The date, YYYY-MM-DD.
        date: String,
        #[command(flatten)]
        db: DbArgs,
        /// Print the removed entry {date, reason} as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Every closed date with its reason, by date.
    List {
        #[command(flatten)]
        db: DbArgs,
        /// Print {"dates": [{date, reason}]} as JSON (the API's answer).
        #[arg(long)]
        json: bool,
    },
}

/// A refused change: exit 1 with every problem, Thai first.
fn refused(e: AppError, as_json: bool) -> Result<Outcome, Failure> {
    match e {
        AppError::Invalid(report) => {
            let text = report
                .errors
                .iter()
                .map(|i| format!("{}: {} ({})", i.field, i.message_th, i.message_en))
                .collect::<Vec<_>>()
                .join("; ");
            let code = match report.errors.first().map(|i| i.code) {
                Some(onboard_core::validation::Code::NotAllowed) => "not_found",
                _ => "validation_failed",
            };
            Ok(rejected(code, &text, as_json))
        }
        AppError::Store(e) => Err(Failure::Store(e)),
        other => Err(Failure::Input(other.to_string())),
    }
}

fn entry_json(e: &ClosedDate) -> serde_json::Value {
    json!({"date": e.date, "reason": e.reason})
}

/// Runs a calendar command.
pub async fn run(command: CalendarCommand) -> Result<Outcome, Failure> {
    let CalendarCommand::Closed { command } = command;
    let by = Administrator::operator();
    match command {
        ClosedCommand::Add {
            date,
            reason,
            db,
            json: as_json,
        } => {
            let store = open_existing(&db).await?;
            match calendar::add(store.as_ref(), &by, &date, &reason, Utc::now()).await {
                Ok(added) => Ok(if as_json {
                    Outcome::json(entry_json(&added), true)
                } else {
                    Outcome::text(
                        format!(
                            "closed {} ({}): {}",
                            added.date,
                            thai_date(added.date),
                            added.reason
                        ),
                        true,
                    )
                }),
                Err(e) => refused(e, as_json),
            }
        }
        ClosedCommand::Remove {
            date,
            db,
            json: as_json,
        } => {
            let store = open_existing(&db).await?;
            match calendar::remove(store.as_ref(), &by, &date, Utc::now()).await {
                Ok(removed) => Ok(if as_json {
                    Outcome::json(entry_json(&removed), true)
                } else {
                    Outcome::text(
                        format!(
                            "opened {} ({}) again; it was closed for: {}",
                            removed.date,
                            thai_date(removed.date),
                            removed.reason
                        ),
                        true,
                    )
                }),
                Err(e) => refused(e, as_json),
            }
        }
        ClosedCommand::List { db, json: as_json } => {
            let store = open_existing(&db).await?;
            let list = calendar::closed_dates(store.as_ref())
                .await
                .map_err(|e| match e {
                    AppError::Store(e) => Failure::Store(e),
                    other => Failure::Input(other.to_string()),
                })?;
            Ok(if as_json {
                let dates: Vec<_> = list.iter().map(entry_json).collect();
                Outcome::json(json!({ "dates": dates }), true)
            } else if list.is_empty() {
                Outcome::text("no closed dates".into(), true)
            } else {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|e| vec![e.date.to_string(), thai_date(e.date), e.reason.clone()])
                    .collect();
                Outcome {
                    stdout: table(&["date", "วันที่", "reason"], &rows),
                    stderr: String::new(),
                    success: true,
                }
            })
        }
    }
}
