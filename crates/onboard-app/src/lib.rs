//! # onboard-app
//!
//! The flows of onboard that are more than one rule and one store call: logging in with
//! throttling, the first login of manual §1, changing a password, logging out, creating an account with
//! generated credentials, the admins' account administration (listing, resetting credentials,
//! disabling and enabling accounts), agencies, queuing a failed e-mail again (`outbox`), templates (added and deleted by admins,
//! downloaded by anyone signed in), and applying a command to an e-Service. The JSON API, the web portal and the CLI all call these functions,
//! so a flow is written once; the front ends only translate requests and answers.
//!
//! Rules stay in `onboard-core`; storage in `onboard-store`. This crate knows neither HTTP
//! nor SQL, and takes the time as an argument.

pub mod accounts;
pub mod agencies;
pub mod calendar;
pub mod eservices;
pub mod files;
pub mod outbox;
pub mod reports;
pub mod templates;

use onboard_core::validation::Report;
use onboard_store::StoreError;

/// Why a flow did not complete. Front ends map each variant to their own answer.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The store failed or refused (its error keeps the cause).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Input broke a rule; every problem is listed.
    #[error("validation failed ({} problem(s))", .0.errors.len())]
    Invalid(Report),
    /// Unknown user, wrong password or disabled account: the same answer for each.
    #[error("the username or password is not correct")]
    InvalidCredentials,
    /// Too many failed logins for this username; try again after this many seconds.
    #[error("too many failed logins; try again in {retry_after} s")]
    TooManyAttempts {
        /// Seconds to wait, at least 1.
        retry_after: u64,
    },
    /// The caller's role may not do this (what it tried, in English).
    #[error("only an admin may {0}")]
    Forbidden(&'static str),
    /// The first login is already done.
    #[error("the first login is already done")]
    FirstLoginDone,
    /// The account must do the first login (choose its username and password) before this.
    #[error("the first login must be done first")]
    FirstLoginRequired,
    /// No free generated username was found (very unlikely; trying again helps).
    #[error("could not find a free username; try again")]
    NoFreeUsername,
    /// A blocking task (password hashing) did not finish.
    #[error("background task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// Result of the flows.
pub type AppResult<T> = Result<T, AppError>;

/// Runs CPU-heavy work (Argon2) off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> AppResult<T> {
    Ok(tokio::task::spawn_blocking(f).await?)
}
