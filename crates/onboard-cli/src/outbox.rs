//! `onboard outbox`: the e-mails written with every change (SPEC §8), pending, being sent
//! or sent. Without SMTP configured this is where they stay visible. Initial passwords of
//! welcome e-mails are hidden unless `--show-secrets` asks for them (SPEC §11).

use crate::operator::{open_existing, or_dash, table, thai_time};
use crate::wiring::DbArgs;
use crate::{Failure, Outcome};
use clap::{Args, ValueEnum};
use onboard_store::{OutboxMessage, OutboxStatus};
use serde_json::json;

/// Options of `onboard outbox`.
#[derive(Debug, Args)]
pub struct OutboxArgs {
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

/// `--status`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StatusArg {
    /// Waiting for delivery (or for a retry).
    Pending,
    /// Claimed by a delivery worker.
    Sending,
    /// Delivered.
    Sent,
}

impl From<StatusArg> for OutboxStatus {
    fn from(s: StatusArg) -> Self {
        match s {
            StatusArg::Pending => OutboxStatus::Pending,
            StatusArg::Sending => OutboxStatus::Sending,
            StatusArg::Sent => OutboxStatus::Sent,
        }
    }
}

fn status_name(s: OutboxStatus) -> &'static str {
    match s {
        OutboxStatus::Pending => "pending",
        OutboxStatus::Sending => "sending",
        OutboxStatus::Sent => "sent",
    }
}

/// Runs `onboard outbox`.
pub async fn run(args: OutboxArgs) -> Result<Outcome, Failure> {
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
                thai_time(m.created_at),
                status_name(m.status).to_owned(),
                m.attempts.to_string(),
                or_dash(m.sent_at.map(thai_time)),
                m.to.clone(),
                m.subject.clone(),
            ]
        })
        .collect();
    let mut text = table(
        &["created", "status", "attempts", "sent", "to", "subject"],
        &rows,
    );
    let errors: Vec<String> = messages
        .iter()
        .filter(|m| m.status != OutboxStatus::Sent)
        .filter_map(|m| {
            m.last_error
                .as_ref()
                .map(|e| format!("  {} ({}): {e}\n", m.to, thai_time(m.next_attempt_at)))
        })
        .collect();
    if !errors.is_empty() {
        text.push_str("\nlast delivery errors (next attempt):\n");
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
        Some(s) => format!("{} ", status_name(s.into())),
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
