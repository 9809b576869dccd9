//! `onboard`: the command-line tool of onboard (SPEC §11).
//!
//! Exit codes: 0 success (or valid), 1 invalid input value, not found or a command the
//! workflow rejects, 2 unreadable or malformed input (or database) or a usage error.

mod admin;
mod backup;
mod calendar;
mod demo;
mod eservice;
mod offline;
mod operator;
mod outbox;
mod progress;
mod report;
mod review;
mod users;
mod wiring;

use chrono::Utc;
use clap::{Parser, Subcommand};
use std::io::Write;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "onboard",
    version,
    about = "Track government e-Services through the seven onboarding steps of ทางรัฐ"
)]
struct Cli {
    #[command(subcommand)]
    command: Commands,
    /// How log lines are written to stderr: `text`, or `json` (one object per line).
    #[arg(
        long,
        global = true,
        env = "ONBOARD_LOG_FORMAT",
        value_enum,
        default_value_t
    )]
    log_format: admin::LogFormat,
}

#[derive(Subcommand)]
enum Commands {
    /// Serve the JSON API (default: SQLite under ./onboard-data, created on first start).
    Serve {
        #[command(flatten)]
        server: admin::ServerArgs,
    },
    /// Seed a demo database (agencies, users of every role, e-Services at every step), print
    /// the logins and serve it.
    Demo {
        #[command(flatten)]
        server: admin::ServerArgs,
        /// Seed and print the logins, then exit.
        #[arg(long)]
        seed_only: bool,
        /// Print the logins as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Apply the database migrations (also done by serve).
    Migrate {
        #[command(flatten)]
        db: wiring::DbArgs,
        /// Print {"migrated": true} as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Manage agencies.
    Agency {
        #[command(subcommand)]
        command: admin::AgencyCommand,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: admin::UserCommand,
    },
    /// List e-Services or show one with its seven steps (staff view).
    Eservice {
        #[command(subcommand)]
        command: eservice::EserviceCommand,
    },
    /// Approve a submitted step or send it back, as a named reviewer or admin account.
    Review {
        #[command(subcommand)]
        command: review::ReviewCommand,
    },
    /// List the e-mails of the outbox (pending, being sent, sent), newest first; initial
    /// passwords are hidden unless --show-secrets.
    Outbox(outbox::OutboxArgs),
    /// One row per e-Service (agency, ministry, step, status, days in step, launch date) as
    /// CSV for Excel or JSON.
    Report(report::ReportArgs),
    /// Write a consistent copy of the live SQLite database (PostgreSQL: use pg_dump).
    Backup(backup::BackupArgs),
    /// The release calendar: `calendar closed add DATE --reason R | remove DATE | list`.
    Calendar {
        #[command(subcommand)]
        command: calendar::CalendarCommand,
    },
    /// Validate a step payload (JSON) offline; prints {"valid", "errors", "warnings"}.
    Validate {
        /// The step: 1-7 or its slug (credential, uat-setup, uat-test, platform-request,
        /// preprod-setup, preprod-test, launch). Steps 3 and 6 take a test attempt.
        step: String,
        /// The JSON file; `-` or nothing reads standard input.
        file: Option<String>,
        /// "Today" for date rules (default: today in Asia/Bangkok).
        #[arg(long, value_parser = date_arg)]
        today: Option<chrono::NaiveDate>,
        /// Latest planned launch date of step 1 (default: 30 September of the Thai fiscal year).
        #[arg(long, value_parser = date_arg)]
        launch_deadline: Option<chrono::NaiveDate>,
        /// Print JSON (the output of validate is always JSON).
        #[arg(long)]
        json: bool,
    },
    /// Check one field value; prints the normalized value (exit 1 and the code if invalid).
    Check {
        /// What to check.
        #[arg(value_enum)]
        kind: offline::CheckKind,
        /// The value.
        value: String,
        /// Print {"valid", "value"} or {"valid", "error"} as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Compute the release Tuesday for a launch request; prints {launch_on, earliest_release, cutoff}.
    Schedule {
        /// When the request is submitted (RFC 3339, e.g. 2026-11-23T11:59:59+07:00);
        /// now when left out.
        #[arg(long)]
        submitted_at: Option<String>,
        /// The desired launch date (YYYY-MM-DD).
        #[arg(long)]
        desired: String,
        /// Closed dates (public holidays, freezes), comma-separated.
        #[arg(long)]
        closed: Option<String>,
        /// Print JSON (the output of schedule is always JSON).
        #[arg(long)]
        json: bool,
    },
}

fn date_arg(raw: &str) -> Result<chrono::NaiveDate, String> {
    offline::parse_date("date", raw).map_err(|e| e.to_string())
}

/// What a command prints, and whether it succeeded (exit 0) or found the input invalid (1).
pub struct Outcome {
    stdout: String,
    stderr: String,
    success: bool,
}

impl Outcome {
    /// A pretty JSON document on stdout.
    pub fn json(doc: serde_json::Value, success: bool) -> Outcome {
        let mut stdout = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| doc.to_string());
        stdout.push('\n');
        Outcome {
            stdout,
            stderr: String::new(),
            success,
        }
    }

    /// Success with nothing more to print.
    pub fn done() -> Outcome {
        Outcome {
            stdout: String::new(),
            stderr: String::new(),
            success: true,
        }
    }

    /// One line of text on stdout.
    pub fn text(line: String, success: bool) -> Outcome {
        Outcome {
            stdout: format!("{line}\n"),
            stderr: String::new(),
            success,
        }
    }
}

/// A command that could not run: exit 2 with the message on stderr.
#[derive(Debug)]
pub enum Failure {
    /// Unreadable or malformed input, or a bad argument.
    Input(String),
    /// The database refused or failed.
    Store(onboard_store::StoreError),
    /// The server could not start or stopped with an error.
    Server(std::io::Error),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Input(m) => f.write_str(m),
            // The driver's error is the source of a backend failure: say it too.
            Failure::Store(e) => f.write_str(&onboard_store::error_chain(e)),
            Failure::Server(e) => write!(f, "server: {e}"),
        }
    }
}

fn run(cli: Cli) -> Result<Outcome, Failure> {
    let now = Utc::now();
    let runtime = || {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(Failure::Server)
    };
    match cli.command {
        Commands::Serve { server } => runtime()?.block_on(admin::serve(server, None)),
        Commands::Demo {
            server,
            seed_only,
            json,
        } => runtime()?.block_on(admin::demo(server, seed_only, json)),
        Commands::Migrate { db, json } => runtime()?.block_on(admin::migrate(db, json)),
        Commands::Agency { command } => runtime()?.block_on(admin::agency(command)),
        Commands::User { command } => runtime()?.block_on(admin::user(command)),
        Commands::Eservice { command } => runtime()?.block_on(eservice::run(command)),
        Commands::Review { command } => runtime()?.block_on(review::run(command)),
        Commands::Outbox(args) => runtime()?.block_on(outbox::run(args)),
        Commands::Report(args) => runtime()?.block_on(report::run(args)),
        Commands::Backup(args) => runtime()?.block_on(backup::run(args)),
        Commands::Calendar { command } => runtime()?.block_on(calendar::run(command)),
        Commands::Validate {
            step,
            file,
            today,
            launch_deadline,
            json: _,
        } => offline::validate(&step, file.as_deref(), today, launch_deadline, now),
        Commands::Check { kind, value, json } => Ok(offline::check(kind, &value, json)),
        Commands::Schedule {
            submitted_at,
            desired,
            closed,
            json: _,
        } => offline::release(submitted_at.as_deref(), &desired, closed.as_deref(), now),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    admin::init_logging(cli.log_format);
    match run(cli) {
        Ok(outcome) => {
            // A closed pipe (e.g. `| head`) is not an error worth a panic.
            let _ = std::io::stdout().write_all(outcome.stdout.as_bytes());
            let _ = std::io::stderr().write_all(outcome.stderr.as_bytes());
            if outcome.success {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(failure) => {
            let _ = writeln!(std::io::stderr(), "onboard: {failure}");
            ExitCode::from(2)
        }
    }
}
