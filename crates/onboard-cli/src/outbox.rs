//! `onboard outbox`: the e-mails written with every change (SPEC §8), pending, being sent,
//! sent or failed. Without SMTP configured this is where they stay visible. Initial
//! passwords of welcome e-mails are hidden unless `--show-secrets` asks for them (SPEC §11).
//! `onboard outbox retry ID` queues a failed e-mail (a dead letter) again, through the same
//! flow as the portal's outbox page (`onboard_app::outbox::retry`).

use crate::operator::{open_existing, or_dash, rejected, table, thai_time};
use crate::wiring::DbArgs;
use crate::{Failure, Outcome};
use chrono::Utc;
use clap::{Args, Subcommand, ValueEnum};
use onboard_app::accounts::Administrator;
use onboard_app::AppError;
use onboard_core::id::MessageId;
use onboard_store::{OutboxMessage, OutboxStatus, StoreError};
use serde_json::json;

/// Options of `onboard outbox`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct OutboxArgs {
    /// `retry ID`; without it, the listing.
    #[command(subcommand)]
    pub command: Option<OutboxCommand>,
    /// Only e-mails of this delivery status.
    #[arg(long, value_enum)]
    pub status: Option<StatusArg>,
    /// At most this many e-mails, newest first (1 to 10000).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub limit: u32,
    /// Show the initial passwords of welcome e-mails (hidden as `********` otherwise).
    #[arg(long)]
    pub show_secrets: bool,
    #[command(flatten)]
    pub db: DbArgs,
    /// Print the e-mails (with their bodies) as a JSON array.
    #[arg(long)]
    pub json: bool,
}

/// `onboard outbox retry`.
#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Queue a failed e-mail (a dead letter) again: due at once, with its attempts and last
    /// error kept and a new 24 hours before delivery gives up (exit 1 if it is not failed).
    Retry {
        /// The e-mail's id (the first column of `onboard outbox --status failed`).
        id: MessageId,
        /// Print the e-mail as it now is, as one JSON document (passwords hidden).
        #[arg(long)]
        json: bool,
    },
}

/// `--status`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StatusArg {
    /// Waiting for delivery (or for a retry).
    Pending,
    /// Claimed by a delivery worker.
    Sending,
    /// Delivered.
    Sent,
    /// Given up (refused permanently or failing for 24 hours): `outbox retry ID` queues it.
    Failed,
}

impl From<StatusArg> for OutboxStatus {
    fn from(s: StatusArg) -> Self {
        match s {
            StatusArg::Pending => OutboxStatus::Pending,
            StatusArg::Sending => OutboxStatus::Sending,
            StatusArg::Sent => OutboxStatus::Sent,
            StatusArg::Failed => OutboxStatus::Failed,
        }
    }
}

/// Runs `onboard outbox` or `onboard outbox retry`.
pub async fn run(args: OutboxArgs) -> Result<Outcome, Failure> {
    match args.command {
        Some(OutboxCommand::Retry { id, json }) => retry(&args.db, id, json).await,
        None => list(args).await,
    }
}

/// `onboard outbox retry ID`.
async fn retry(db: &DbArgs, id: MessageId, as_json: bool) -> Result<Outcome, Failure> {
    let store = open_existing(db).await?;
    let queued = match onboard_app::outbox::retry(
        store.as_ref(),
        &Administrator::operator(),
        id,
        Utc::now(),
    )
    .await
    {
        Ok(queued) => queued.redacted(),
        Err(AppError::Store(StoreError::NotFound)) => {
            return Ok(rejected(
                "not_found",
                &format!("ไม่พบอีเมลนี้ในอีเมลขาออก / no e-mail {id} in the outbox"),
                as_json,
            ))
        }
        Err(AppError::Store(StoreError::NotFailed(refused))) => {
            return Ok(rejected(
                "invalid_transition",
                &format!("{} / {refused}", refused.detail_th()),
                as_json,
            ))
        }
        Err(AppError::Store(e)) => return Err(Failure::Store(e)),
        Err(other) => return Err(Failure::Input(other.to_string())),
    };
    if as_json {
        return Ok(Outcome::json(json!(queued), true));
    }
    let mut text = format!(
        "queued again: {} to {} ({})
  \"{}\"
  status {}, due now; {} attempt{} so far
",
        queued.id,
        queued.to,
        queued.kind.as_str(),
        queued.subject,
        queued.status.as_str(),
        queued.attempts,
        if queued.attempts == 1 { "" } else { "s" },
    );
    if let Some(error) = &queued.last_error {
        text.push_str(&format!("  last error: {error}\n"));
    }
    Ok(Outcome {
        stdout: text,
        stderr: String::new(),
        success: true,
    })
}

/// `onboard outbox`: the listing.
async fn list(args: OutboxArgs) -> Result<Outcome, Failure> {
    let store = open_existing(&args.db).await?;
    let stored = store
        .outbox(args.status.map(Into::into), args.limit)
        .await
        .map_err(Failure::Store)?;
    // Each message knows its secret part (the notice marked the password when it wrote
    // the text), so hiding it needs no guess at what in a body looks like a password.
    let messages: Vec<OutboxMessage> = if args.show_secrets {
        stored
    } else {
        stored.iter().map(OutboxMessage::redacted).collect()
    };
    if args.json {
        return Ok(Outcome::json(json!(messages), true));
    }
    let rows: Vec<Vec<String>> = messages
        .iter()
        .map(|m| {
            vec![
                m.id.to_string(),
                thai_time(m.created_at),
                m.status.as_str().to_owned(),
                m.attempts.to_string(),
                or_dash(m.sent_at.map(thai_time)),
                m.to.clone(),
                m.subject.clone(),
            ]
        })
        .collect();
    let mut text = table(
        &[
            "id", "created", "status", "attempts", "sent", "to", "subject",
        ],
        &rows,
    );
    let errors: Vec<String> = messages
        .iter()
        .filter(|m| m.status != OutboxStatus::Sent)
        .filter_map(|m| {
            let when = match m.status {
                // A dead letter's instant is when delivery gave up.
                OutboxStatus::Failed => format!("failed {}", thai_time(m.next_attempt_at)),
                _ => format!("next {}", thai_time(m.next_attempt_at)),
            };
            m.last_error
                .as_ref()
                .map(|e| format!("  {} ({when}): {e}\n", m.to))
        })
        .collect();
    if !errors.is_empty() {
        text.push_str("\nlast delivery errors (next attempt, or when it failed for good):\n");
        text.extend(errors);
    }
    let secrets: Vec<&OutboxMessage> = messages.iter().filter(|m| m.secret.is_some()).collect();
    if args.show_secrets && !secrets.is_empty() {
        text.push_str("\ninitial passwords (--show-secrets):\n");
        for m in &secrets {
            let secret = m.secret.as_deref().unwrap_or_default();
            text.push_str(&format!(
                "  {} {}: {secret}\n",
                thai_time(m.created_at),
                m.to
            ));
        }
    } else if !secrets.is_empty() {
        let n = secrets.len();
        text.push_str(&format!(
            "\n{n} initial password{} hidden; --show-secrets shows {}\n",
            if n == 1 { "" } else { "s" },
            if n == 1 { "it" } else { "them" },
        ));
    }
    let what = match args.status {
        Some(s) => format!("{} ", OutboxStatus::from(s).as_str()),
        None => String::new(),
    };
    text.push_str(&format!(
        "{} {what}e-mail{} (newest first, at most {})\n",
        messages.len(),
        if messages.len() == 1 { "" } else { "s" },
        args.limit
    ));
    Ok(Outcome {
        stdout: text,
        stderr: String::new(),
        success: true,
    })
}
