//! # onboard-store
//!
//! One [`Store`] trait and two backends: `sqlite::SqliteStore` (embedded default, rusqlite)
//! and `postgres::PgStore` (sqlx, for several servers sharing one database). Both pass the
//! same conformance suite (`tests/conformance`).
//!
//! Each backend is a feature: `sqlite` (on by default) and `postgres`. An embedder on SQLite
//! alone compiles no sqlx; `default-features = false` leaves the trait and its types only,
//! for a backend of one's own.
//!
//! A command is one transaction (SPEC §12): [`Store::execute`] reads the e-Service, lets
//! `onboard_core::workflow` decide, and writes the new state, its events, the notifications
//! and the outbox e-mails together, or nothing.
//!
//! ```
//! use onboard_store::{sqlite::{SqliteOptions, SqliteStore}, NewAgency, Store};
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let dir = tempfile::tempdir().unwrap();
//! let store = SqliteStore::open(&dir.path().join("onboard.db"), SqliteOptions::default()).unwrap();
//! store.migrate().await.unwrap();
//! let agency = store.create_agency(NewAgency {
//!     name_th: "กรมสรรพากร".into(), name_en: "The Revenue Department".into(),
//!     ministry_th: "กระทรวงการคลัง".into(), ministry_en: "Ministry of Finance".into(),
//! }).await.unwrap();
//! assert_eq!(store.agencies().await.unwrap(), vec![agency]);
//! # });
//! ```

#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod flow;
pub mod model;
pub mod observed;
pub mod password;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod search;
#[cfg(feature = "sqlite")]
pub mod sqlite;

pub use model::*;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
use search::*;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use onboard_core::calendar::ClosedDate;
use onboard_core::dashboard::Counts;
use onboard_core::file::FileCatalog;
use onboard_core::id::{
    AgencyId, EServiceId, FileId, MessageId, NotificationId, TemplateId, UserId,
};
use onboard_core::notify::{MailConfig, Notice};
use onboard_core::reference::Role;
use onboard_core::schedule::ScheduleConfig;
use onboard_core::workflow::{
    Actor, AgencyNames, Command, CommandError, CredentialIssuer, EService, Env,
};
use std::sync::Arc;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The core rejected the command (carries the SPEC code); nothing was written.
    #[error(transparent)]
    Command(#[from] CommandError),
    /// No such record (or not visible to the caller).
    #[error("not found")]
    NotFound,
    /// A unique value is taken (username, ...).
    #[error("already exists: {0}")]
    Duplicate(&'static str),
    /// The account is the last enabled admin: disabling it would leave nobody to
    /// administer accounts. Nothing was written.
    #[error("the last enabled admin cannot be disabled")]
    LastAdmin,
    /// Only a failed e-mail (a dead letter) can be queued again; this one is not (it carries
    /// the status it has). Nothing was written.
    #[error(transparent)]
    NotFailed(#[from] onboard_core::outbox::NotFailed),
    /// The backend cannot do this (e.g. online backup on PostgreSQL: use pg_dump).
    #[error("not supported by this backend: {0}")]
    Unsupported(&'static str),
    /// The database failed, or holds what this build cannot read.
    #[error(transparent)]
    Backend(#[from] BackendError),
}

impl StoreError {
    /// A [`StoreError::Backend`] of a broken invariant, without a cause.
    pub fn backend(what: impl Into<String>) -> StoreError {
        StoreError::Backend(BackendError {
            what: what.into(),
            cause: None,
        })
    }

    /// A [`StoreError::Backend`] that says what the store was doing when `cause` (the
    /// driver's error, kept as the source) happened.
    pub fn caused(what: impl Into<String>, cause: impl Into<BoxError>) -> StoreError {
        StoreError::Backend(BackendError {
            what: what.into(),
            cause: Some(cause.into()),
        })
    }
}

/// Any error, as the cause of a [`BackendError`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// An error and its sources, `a: b: c`: how a failure is written to a log or a terminal
/// (a [`StoreError::Backend`] keeps the driver's error as its source, not in its message).
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// What the database failed at; the driver's error, when there is one, is its
/// [`source`](std::error::Error::source).
#[derive(Debug, thiserror::Error)]
#[error("database error: {what}")]
pub struct BackendError {
    what: String,
    #[source]
    cause: Option<BoxError>,
}

/// Result of store operations.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What a command needs besides the e-Service and the actor: the clock, the schedule
/// configuration, the credential generator and the e-mail settings.
#[derive(Clone)]
pub struct CommandContext {
    /// The instant the command is applied.
    pub now: DateTime<Utc>,
    /// Closed dates and the launch deadline.
    pub schedule: Arc<ScheduleConfig>,
    /// Generates credentials on approval of steps 1 and 4.
    pub credentials: Arc<dyn CredentialIssuer + Send + Sync>,
    /// The portal URL the e-mails link to and their signature.
    pub mail: Arc<MailConfig>,
}

impl CommandContext {
    /// Core's environment for one command: this context with the facts a store read for
    /// it (the agency's files the command names, and the agency's names when the command
    /// may change them).
    pub fn env<'a>(
        &'a self,
        files: &'a dyn FileCatalog,
        agency: Option<&'a AgencyNames>,
    ) -> Env<'a> {
        Env {
            now: self.now,
            files,
            schedule: &self.schedule,
            credentials: &*self.credentials,
            agency,
        }
    }
}

/// A new user account (the caller generates the initial username and password).
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Initial username.
    pub username: String,
    /// E-mail address.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Agency (agency role only; must exist).
    pub agency_id: Option<AgencyId>,
    /// Argon2id hash of the initial password.
    pub password_hash: String,
    /// Created at.
    pub created_at: DateTime<Utc>,
}

/// A new agency.
#[derive(Debug, Clone)]
pub struct NewAgency {
    /// Thai name.
    pub name_th: String,
    /// English name.
    pub name_en: String,
    /// Ministry, Thai.
    pub ministry_th: String,
    /// Ministry, English.
    pub ministry_en: String,
}

/// What an outbox delivery worker needs of a store (SPEC §8): claiming the e-mails that are
/// due and recording how each try ended. Every [`Store`] is one, and `onboard-mail` asks
/// for this much only.
#[async_trait]
pub trait Outbox: Send + Sync {
    /// Claims up to `limit` pending e-mails due at `now` for `lease` (they become
    /// `sending`); two workers never claim the same e-mail while a lease holds.
    async fn claim_outbox(
        &self,
        limit: u32,
        now: DateTime<Utc>,
        lease: chrono::Duration,
    ) -> Result<Vec<OutboxMessage>>;
    /// Marks a claimed e-mail delivered.
    async fn mark_sent(&self, id: MessageId, at: DateTime<Utc>) -> Result<()>;
    /// Returns a claimed e-mail to `pending` with its last error, not to be retried before
    /// `retry_at`. `failed_at` is the instant of the failed try: it opens the e-mail's
    /// failing window ([`OutboxMessage::failing_since`]) if none is open; `None` returns an
    /// e-mail that was claimed but not tried (a stopping worker), leaving the window as it
    /// is. A failed or sent e-mail stays as it is (a late report takes nothing back).
    async fn mark_failed(
        &self,
        id: MessageId,
        error: &str,
        failed_at: Option<DateTime<Utc>>,
        retry_at: DateTime<Utc>,
    ) -> Result<()>;
    /// Gives up on a claimed (or pending) e-mail at `at` (SPEC §8): it becomes `failed` with
    /// `error` as its last error, is never claimed again, and its failing window starts at
    /// `at` if none was open. A sent or already failed e-mail stays as it is. `NotFound` for
    /// an unknown id.
    async fn mark_dead(&self, id: MessageId, error: &str, at: DateTime<Utc>) -> Result<()>;
}

/// The storage of onboard. Every method is one transaction.
#[async_trait]
pub trait Store: Outbox {
    /// Applies pending embedded migrations; running it again is a no-op.
    async fn migrate(&self) -> Result<()>;
    /// Answers when the database answers (`GET /healthz`).
    async fn ping(&self) -> Result<()>;

    // --- agencies and users ---

    /// Creates an agency.
    async fn create_agency(&self, agency: NewAgency) -> Result<Agency>;
    /// One agency.
    async fn agency(&self, id: AgencyId) -> Result<Option<Agency>>;
    /// All agencies, by Thai name.
    async fn agencies(&self) -> Result<Vec<Agency>>;
    /// Replaces the four names of an agency (an admin's correction; approving step 4 with
    /// `update_agency` goes through [`Store::execute`] instead). `NotFound` if there is no
    /// such agency.
    async fn update_agency(&self, id: AgencyId, names: NewAgency) -> Result<Agency>;
    /// Creates a user with `must_change_credentials`, and queues `welcome` (the e-mail with
    /// the initial credentials, greeting the new user by display name) to the user's address
    /// in the same transaction. `Duplicate("username")` if taken. The caller cannot know the
    /// new account's id, so `welcome`'s audience is not read: it goes to the account made.
    async fn create_user(&self, user: NewUser, welcome: Notice) -> Result<User>;
    /// One user.
    async fn user(&self, id: UserId) -> Result<Option<User>>;
    /// A page of the accounts matching the query, by username (compared
    /// case-insensitively), disabled ones included.
    async fn users(&self, query: &UserQuery) -> Result<Page<User>>;
    /// The user with this username, compared case-insensitively.
    async fn user_by_username(&self, username: &str) -> Result<Option<User>>;
    /// Finishes the first login: new username and password hash, flag cleared.
    /// `Duplicate("username")` if another account has the username (case-insensitively).
    async fn complete_first_login(
        &self,
        user: UserId,
        username: &str,
        password_hash: &str,
    ) -> Result<User>;
    /// Changes the password of an account: sets the new hash and revokes every session of
    /// the account except `keep_session` (the token hash of the session the change was made
    /// from, if any) at `at`, in one transaction. `NotFound` if the account does not exist.
    async fn change_password(
        &self,
        user: UserId,
        password_hash: &str,
        keep_session: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// Resets the credentials of an account (an admin's `reset-credentials`): sets the new
    /// password hash and `must_change_credentials` (the first login of manual §1 again; the
    /// username stays), revokes every session of the account at `at`, and queues `notice`
    /// (the e-mail with the new initial password, greeting the account by display name) to
    /// the account's address, in one transaction. `NotFound` if the account does not exist.
    async fn reset_credentials(
        &self,
        user: UserId,
        password_hash: &str,
        notice: Notice,
        at: DateTime<Utc>,
    ) -> Result<User>;
    /// Disables an account and revokes every session of it at `at`, in one transaction;
    /// disabling a disabled account changes nothing. [`StoreError::LastAdmin`] when the
    /// account is the last enabled admin: the check and the change are one atomic step, so
    /// of two admins disabling each other at once, one is refused. `NotFound` if the
    /// account does not exist.
    async fn disable_user(&self, user: UserId, at: DateTime<Utc>) -> Result<User>;
    /// Enables an account again (it logs in with its current password); enabling an
    /// enabled account changes nothing. `NotFound` if the account does not exist.
    async fn enable_user(&self, user: UserId) -> Result<User>;

    // --- sessions and throttling ---

    /// Stores a session (token hash only).
    async fn create_session(&self, session: Session) -> Result<()>;
    /// The unexpired, unrevoked session with this token hash, and its enabled user.
    async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Session, User)>>;
    /// Revokes a session (logout) at `at`. Revoking twice is fine (the first instant stays).
    async fn revoke_session(&self, token_hash: &str, at: DateTime<Utc>) -> Result<()>;
    /// Starts a login attempt for a username (compared case-insensitively) at `now`, as one
    /// atomic step (SPEC §10): reads the username's failures within
    /// `onboard_core::account::throttle::WINDOW`, lets `throttle::check` decide and, when the
    /// attempt may go ahead, records it as a failure at once, before the password is even
    /// checked. `Ok(Err(wait))` (nothing recorded) when the username is throttled.
    ///
    /// Attempts for one username are serialized (across processes sharing the database
    /// too), so of any number sent at once at most `throttle::MAX_FAILURES` go ahead within a
    /// window. A successful login then calls [`Store::clear_login_failures`]. Failures that
    /// have left the window are forgotten on the way.
    async fn begin_login_attempt(
        &self,
        username: &str,
        now: DateTime<Utc>,
    ) -> Result<Result<(), chrono::Duration>>;
    /// Forgets the failures of a username (after a successful login).
    async fn clear_login_failures(&self, username: &str) -> Result<()>;

    // --- e-Services ---

    /// Creates an e-Service through `onboard_core::workflow::create`, in the agency
    /// `onboard_core::workflow::agency_of_new` gives for `agency_id` (an officer names
    /// none or their own; an admin must name one). `NotFound` if the agency does not exist.
    async fn create_eservice(
        &self,
        actor: &Actor,
        agency_id: Option<AgencyId>,
        name: &str,
        services: &[String],
        ctx: &CommandContext,
    ) -> Result<EService>;
    /// One e-Service, if the scope may see it.
    async fn eservice(&self, id: EServiceId, scope: Scope) -> Result<Option<EService>>;
    /// Runs one command as one transaction (SPEC §12). With `expected_version`, a different
    /// current version is `version_conflict`; without, the command runs against the version
    /// it read and a concurrent change makes it re-read and decide again.
    async fn execute(
        &self,
        id: EServiceId,
        actor: &Actor,
        command: Command,
        expected_version: Option<u64>,
        ctx: &CommandContext,
    ) -> Result<EService>;
    /// The event log of one e-Service, oldest first.
    async fn events(&self, id: EServiceId) -> Result<Vec<StoredEvent>>;
    /// A page of e-Services matching the query within the scope, newest change first.
    async fn list(
        &self,
        query: &ListQuery,
        scope: Scope,
        today: NaiveDate,
    ) -> Result<Page<ListItem>>;
    /// The dashboard counts of SPEC §7, computed in the database (never by loading every
    /// e-Service).
    async fn dashboard(&self, scope: Scope, today: NaiveDate) -> Result<Counts>;
    /// e-Services with a step under review, oldest submission first; `today` (in Bangkok)
    /// gives their lifecycle.
    async fn review_queue(&self, limit: u32, today: NaiveDate) -> Result<Vec<ListItem>>;
    /// e-Services scheduled or live, by launch date.
    async fn launched(&self, scope: Scope, today: NaiveDate) -> Result<Vec<ListItem>>;

    // --- notifications and outbox ---

    /// A user's notifications, newest first.
    async fn notifications(&self, user: UserId, limit: u32) -> Result<Vec<Notification>>;
    /// Marks one of the user's notifications read. `NotFound` if it is not theirs.
    async fn mark_notification_read(
        &self,
        user: UserId,
        id: NotificationId,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// Outbox e-mails, newest first, optionally of one status, as stored (secrets included:
    /// listings show [`OutboxMessage::redacted`]).
    async fn outbox(&self, status: Option<OutboxStatus>, limit: u32) -> Result<Vec<OutboxMessage>>;
    /// What waits in the outbox, counted by the database (the same on every server).
    async fn outbox_depth(&self) -> Result<OutboxDepth>;

    // --- files ---

    /// Stores a file; identical content is stored once.
    async fn put_file(&self, file: NewFile, content: &[u8]) -> Result<FileMeta>;
    /// File metadata.
    async fn file(&self, id: FileId) -> Result<Option<FileMeta>>;
    /// File content.
    async fn file_content(&self, id: FileId) -> Result<Option<Vec<u8>>>;

    // --- outbox dead letters ---

    /// Queues a failed e-mail again (an admin's retry): `pending`, due at `at`, its failing
    /// window closed so that the next failure opens a new 24 hours; its attempts and last
    /// error stay. Returns the e-mail as it now is. [`StoreError::NotFailed`] (nothing
    /// written) when it is not `failed`, checked in the same transaction as the change;
    /// `NotFound` for an unknown id.
    async fn retry_outbox(&self, id: MessageId, at: DateTime<Utc>) -> Result<OutboxMessage>;

    // --- release calendar ---

    /// The closed dates of the release calendar (SPEC §6, §10), by date.
    async fn closed_dates(&self) -> Result<Vec<ClosedDate>>;
    /// Replaces every closed date with `dates` (checked, no date twice), recording each
    /// entry removed and added with `by` (`None`: the operator) at `at`, in one transaction;
    /// concurrent edits are serialized, so none is lost. Returns the new calendar.
    async fn replace_closed_dates(
        &self,
        dates: Vec<ClosedDate>,
        by: Option<UserId>,
        at: DateTime<Utc>,
    ) -> Result<Vec<ClosedDate>>;
    /// Closes one date, recording the change, in one transaction. `Duplicate("closed_date")`
    /// when the date is closed already (nothing changes).
    async fn add_closed_date(
        &self,
        date: ClosedDate,
        by: Option<UserId>,
        at: DateTime<Utc>,
    ) -> Result<ClosedDate>;
    /// Opens one closed date again, recording the change, in one transaction; returns the
    /// entry removed. `NotFound` when the date is not closed.
    async fn remove_closed_date(
        &self,
        date: NaiveDate,
        by: Option<UserId>,
        at: DateTime<Utc>,
    ) -> Result<ClosedDate>;
    /// Closes `dates` as the operator's changes at `at` only if the calendar has never
    /// been changed (no change recorded), in one transaction: the seed of `--closed-dates`.
    /// Returns whether it seeded.
    async fn seed_closed_dates(&self, dates: Vec<ClosedDate>, at: DateTime<Utc>) -> Result<bool>;
    /// The recorded changes of the calendar, newest first, at most `limit`.
    async fn calendar_changes(&self, limit: u32) -> Result<Vec<CalendarChange>>;
    // --- templates ---

    /// Stores a template: its file as [`Store::put_file`] does (identical content once) and
    /// its record, in one transaction.
    async fn create_template(
        &self,
        template: NewTemplate,
        file: NewFile,
        content: &[u8],
    ) -> Result<Template>;
    /// Every template, by step (its number) then Thai title.
    async fn templates(&self) -> Result<Vec<Template>>;
    /// One template.
    async fn template(&self, id: TemplateId) -> Result<Option<Template>>;
    /// Deletes a template's record (its file stays, as content may be shared). `NotFound`
    /// if there is no such template.
    async fn delete_template(&self, id: TemplateId) -> Result<()>;

    // --- operations ---

    /// A consistent copy of the live database at `to` (SQLite online backup).
    /// PostgreSQL answers `Unsupported`: use pg_dump.
    async fn backup(&self, to: &std::path::Path) -> Result<()>;
}
