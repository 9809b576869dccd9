//! The PostgreSQL backend ([`PgStore`], sqlx): for several `onboard serve` processes sharing
//! one database (SPEC §12). Sessions, login throttling, the outbox and the dashboard counters
//! all live in the database, so the processes need nothing else in common.
//!
//! - A command is one transaction: the e-Service row is locked (`SELECT ... FOR UPDATE`), the
//!   core decides, and the new state, its events, the notifications, the outbox e-mails and
//!   the dashboard counter changes are written before the commit, by one statement (data-
//!   modifying CTEs: one round trip instead of one per table). Creating an e-Service is that
//!   one statement alone.
//! - The dashboard never scans e-Services: counts come from counters keyed by
//!   (agency, current step, current status, complete) and (agency, launch date). Commands
//!   append their changes to insert-only delta tables, so concurrent commands never queue on
//!   a hot counter row; the deltas are folded into the counters every so often.
//! - Search matches the e-Service name, its services and its agency's names with `LIKE` on
//!   lowercased text, each backed by a `pg_trgm` GIN index (Thai included).
//! - Outbox claims use `FOR UPDATE SKIP LOCKED`: two workers never send one e-mail.
//! - A login attempt checks and counts the username's failures in one transaction under a
//!   per-username advisory lock, so parallel guesses, even to different servers, cannot
//!   all pass the check before any of them is counted.
//!
//! Migrations are embedded (`migrations/postgres`); sqlx's migrator holds an advisory lock
//! while it runs, so several processes may start at once. The `pg_trgm` extension must be
//! available (it ships with PostgreSQL's contrib package) and on the `search_path`.
//!
//! ```no_run
//! # async fn demo() -> onboard_store::Result<()> {
//! use onboard_store::postgres::{PgOptions, PgStore};
//! use onboard_store::Store;
//! let store = PgStore::connect_with(
//!     "postgres://onboard@127.0.0.1/onboard",
//!     PgOptions { max_connections: 20, ..PgOptions::default() },
//! )
//! .await?;
//! store.migrate().await?;
//! # Ok(()) }
//! ```

mod accounts;
mod bulk;
mod calendar;
mod eservices;
mod files;
mod mail;
mod templates;
mod write;

use crate::flow::{Create, Run};
use crate::{
    Agency, CalendarChange, CommandContext, FileMeta, ListItem, ListQuery, NewAgency, NewFile,
    NewUser, Notification, Outbox, OutboxMessage, OutboxStatus, Page, Result, Scope, Session,
    Store, StoreError, StoredEvent, User, UserQuery,
};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use onboard_core::calendar::ClosedDate;
use onboard_core::dashboard::Counts;
use onboard_core::id::{
    AgencyId, EServiceId, FileId, MessageId, NotificationId, TemplateId, UserId,
};
use onboard_core::notify::Notice;
use onboard_core::workflow::{Actor, Command, CommandError, EService};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{ConnectOptions, Connection};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How [`PgStore`] connects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgOptions {
    /// Largest number of pooled connections (per process).
    pub max_connections: u32,
    /// How long a caller waits for a free connection before failing.
    pub acquire_timeout: Duration,
    /// Work inside this schema (created if absent; every connection's `search_path` is set
    /// to it, then `public` for the `pg_trgm` operators). `None`: the server's default
    /// `search_path`. A schema name is 1 to 63 of `a-z 0-9 _`, not starting with a digit.
    pub schema: Option<String>,
    /// Drop [`PgOptions::schema`] with everything in it when the last clone of the store is
    /// dropped. For tests and benchmarks that each work in a throw-away schema.
    pub drop_schema_on_drop: bool,
}

impl Default for PgOptions {
    fn default() -> Self {
        PgOptions {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(30),
            schema: None,
            drop_schema_on_drop: false,
        }
    }
}

/// The PostgreSQL [`Store`]. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    shared: Arc<Shared>,
}

/// State shared by the clones of one store.
struct Shared {
    /// Commits since start: every [`FOLD_EVERY`]th folds the dashboard deltas.
    commits: AtomicU64,
    /// Set when the store owns a throw-away schema; held only for its `Drop`.
    _temporary: Option<TemporarySchema>,
}

/// Commands between two folds of the dashboard deltas into the counters (per process).
const FOLD_EVERY: u64 = 64;

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("pool_size", &self.pool.size())
            .finish_non_exhaustive()
    }
}

impl PgStore {
    /// Connects with the default [`PgOptions`]. Does not migrate: call [`Store::migrate`].
    pub async fn connect(url: &str) -> Result<PgStore> {
        PgStore::connect_with(url, PgOptions::default()).await
    }

    /// Connects so that everything lives in `schema` (created if absent). Used by tests,
    /// which each take a fresh schema of one database and so run in parallel.
    pub async fn connect_in_schema(url: &str, schema: &str) -> Result<PgStore> {
        let options = PgOptions {
            schema: Some(schema.to_owned()),
            ..PgOptions::default()
        };
        PgStore::connect_with(url, options).await
    }

    /// Connects with explicit options.
    pub async fn connect_with(url: &str, options: PgOptions) -> Result<PgStore> {
        let mut connect: PgConnectOptions = url.parse().map_err(db)?;
        let mut temporary = None;
        if let Some(schema) = &options.schema {
            check_schema_name(schema)?;
            prepare_schema(&connect, schema).await?;
            if options.drop_schema_on_drop {
                temporary = Some(TemporarySchema {
                    connect: connect.clone(),
                    schema: schema.clone(),
                });
            }
            // Set at connection start-up, so no pooled connection ever runs without it.
            connect = connect.options([("search_path", format!("{schema},public"))]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect)
            .await
            .map_err(db)?;
        Ok(PgStore {
            pool,
            shared: Arc::new(Shared {
                commits: AtomicU64::new(0),
                _temporary: temporary,
            }),
        })
    }

    /// The connection pool, for operations outside the [`Store`] trait.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Folds the dashboard deltas into the counters now. Commands do this every so often;
    /// calling it is never needed for correct counts, only to keep the delta tables short.
    /// Skipped (`Ok(false)`) while another process or task is folding.
    pub async fn fold_dashboard(&self) -> Result<bool> {
        eservices::fold_counters(&self.pool).await
    }

    /// Counts a commit and folds the dashboard deltas when it is time. A failed fold is
    /// only logged: the command itself has committed, and the deltas stay counted.
    async fn after_commit(&self) {
        let n = self.shared.commits.fetch_add(1, Ordering::Relaxed);
        if n % FOLD_EVERY == FOLD_EVERY - 1 {
            if let Err(e) = self.fold_dashboard().await {
                tracing::warn!(error = %e, "folding the dashboard counters failed");
            }
        }
    }
}

/// Accepts only plain lower-case identifiers, so the name can be spliced into DDL and the
/// start-up `search_path` option without quoting questions.
fn check_schema_name(schema: &str) -> Result<()> {
    let ok = (1..=63).contains(&schema.len())
        && !schema.starts_with(|c: char| c.is_ascii_digit())
        && schema
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(StoreError::backend(format!(
            "invalid schema name {schema:?}: use 1 to 63 of a-z 0-9 _"
        )))
    }
}

/// Creates the schema and makes sure `pg_trgm` exists outside it (in the default schema),
/// so that dropping one test schema never drops the extension that others use.
async fn prepare_schema(connect: &PgConnectOptions, schema: &str) -> Result<()> {
    let mut conn = connect.connect().await.map_err(db)?;
    sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
        .execute(&mut conn)
        .await
        .map_err(db)?;
    if !trgm_installed(&mut conn).await? {
        // Two processes may race here; the loser's error is fine if the winner succeeded.
        let created = sqlx::query("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            .execute(&mut conn)
            .await;
        if let Err(e) = created {
            if !trgm_installed(&mut conn).await? {
                return Err(db(e));
            }
        }
    }
    conn.close().await.map_err(db)
}

async fn trgm_installed(conn: &mut sqlx::PgConnection) -> Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')")
        .fetch_one(conn)
        .await
        .map_err(db)
}

/// A schema to drop when the store that owns it is dropped.
struct TemporarySchema {
    connect: PgConnectOptions,
    schema: String,
}

impl Drop for TemporarySchema {
    fn drop(&mut self) {
        // Drop cannot await, and may run inside a runtime: use a thread with its own.
        let connect = self.connect.clone();
        let schema = std::mem::take(&mut self.schema);
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async move {
                let mut conn = connect.connect().await.map_err(std::io::Error::other)?;
                sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                    .execute(&mut conn)
                    .await
                    .map_err(std::io::Error::other)?;
                conn.close().await.map_err(std::io::Error::other)
            })
        })
        .join();
        match dropped {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "dropping a temporary schema failed"),
            Err(_) => tracing::warn!("dropping a temporary schema panicked"),
        }
    }
}

/// Any database error, as [`StoreError::Backend`] — except text that PostgreSQL cannot store
/// (a NUL character), which is the client's fault: `bad_request`.
pub(crate) fn db(e: sqlx::Error) -> StoreError {
    match sql_state(&e).as_deref() {
        // character_not_in_repertoire, untranslatable_character (`\u0000` in jsonb)
        Some("22021") | Some("22P05") => StoreError::Command(CommandError::Malformed(
            "text may not contain NUL characters".to_owned(),
        )),
        _ => StoreError::caused("PostgreSQL", e),
    }
}

/// The SQLSTATE of a database error.
pub(crate) fn sql_state(e: &sqlx::Error) -> Option<String> {
    match e {
        sqlx::Error::Database(d) => d.code().map(|c| c.into_owned()),
        _ => None,
    }
}

/// Deadlocks and serialization failures: the transaction may simply be run again.
pub(crate) fn is_retryable(e: &sqlx::Error) -> bool {
    matches!(sql_state(e).as_deref(), Some("40001") | Some("40P01"))
}

/// A stored value that does not parse: the database was written by something else.
pub(crate) fn corrupt(what: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::backend(format!("corrupt {what} in the database: {detail}"))
}

/// A count or size from the database as u64 (never negative in a sound database).
pub(crate) fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// A count or size for the database.
pub(crate) fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[async_trait]
impl Outbox for PgStore {
    async fn claim_outbox(
        &self,
        limit: u32,
        now: DateTime<Utc>,
        lease: chrono::Duration,
    ) -> Result<Vec<OutboxMessage>> {
        mail::claim_outbox(&self.pool, limit, now, lease).await
    }

    async fn mark_sent(&self, id: MessageId, at: DateTime<Utc>) -> Result<()> {
        mail::mark_sent(&self.pool, id, at).await
    }

    async fn mark_failed(
        &self,
        id: MessageId,
        error: &str,
        failed_at: Option<DateTime<Utc>>,
        retry_at: DateTime<Utc>,
    ) -> Result<()> {
        mail::mark_failed(&self.pool, id, error, failed_at, retry_at).await
    }

    async fn mark_dead(&self, id: MessageId, error: &str, at: DateTime<Utc>) -> Result<()> {
        mail::mark_dead(&self.pool, id, error, at).await
    }
}

#[async_trait]
impl Store for PgStore {
    async fn migrate(&self) -> Result<()> {
        sqlx::migrate!("./migrations/postgres")
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::caused("migration failed", e))
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(db)
    }

    async fn create_agency(&self, agency: NewAgency) -> Result<Agency> {
        accounts::create_agency(&self.pool, agency).await
    }

    async fn agency(&self, id: AgencyId) -> Result<Option<Agency>> {
        accounts::agency(&self.pool, id).await
    }

    async fn agencies(&self) -> Result<Vec<Agency>> {
        accounts::agencies(&self.pool).await
    }

    async fn update_agency(&self, id: AgencyId, names: NewAgency) -> Result<Agency> {
        accounts::update_agency(&self.pool, id, names).await
    }

    async fn create_user(&self, user: NewUser, welcome: Notice) -> Result<User> {
        accounts::create_user(&self.pool, user, welcome).await
    }

    async fn user(&self, id: UserId) -> Result<Option<User>> {
        accounts::user(&self.pool, id).await
    }

    async fn users(&self, query: &UserQuery) -> Result<Page<User>> {
        accounts::users(&self.pool, query).await
    }

    async fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        accounts::user_by_username(&self.pool, username).await
    }

    async fn complete_first_login(
        &self,
        user: UserId,
        username: &str,
        password_hash: &str,
    ) -> Result<User> {
        accounts::complete_first_login(&self.pool, user, username, password_hash).await
    }

    async fn change_password(
        &self,
        user: UserId,
        password_hash: &str,
        keep_session: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        accounts::change_password(&self.pool, user, password_hash, keep_session, at).await
    }

    async fn reset_credentials(
        &self,
        user: UserId,
        password_hash: &str,
        notice: Notice,
        at: DateTime<Utc>,
    ) -> Result<User> {
        accounts::reset_credentials(&self.pool, user, password_hash, notice, at).await
    }

    async fn disable_user(&self, user: UserId, at: DateTime<Utc>) -> Result<User> {
        accounts::disable_user(&self.pool, user, at).await
    }

    async fn enable_user(&self, user: UserId) -> Result<User> {
        accounts::enable_user(&self.pool, user).await
    }

    async fn create_session(&self, session: Session) -> Result<()> {
        accounts::create_session(&self.pool, session).await
    }

    async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Session, User)>> {
        accounts::session(&self.pool, token_hash, now).await
    }

    async fn revoke_session(&self, token_hash: &str, at: DateTime<Utc>) -> Result<()> {
        accounts::revoke_session(&self.pool, token_hash, at).await
    }

    async fn begin_login_attempt(
        &self,
        username: &str,
        now: DateTime<Utc>,
    ) -> Result<Result<(), chrono::Duration>> {
        accounts::begin_login_attempt(&self.pool, username, now).await
    }

    async fn clear_login_failures(&self, username: &str) -> Result<()> {
        accounts::clear_login_failures(&self.pool, username).await
    }

    async fn create_eservice(
        &self,
        actor: &Actor,
        agency_id: Option<AgencyId>,
        name: &str,
        services: &[String],
        ctx: &CommandContext,
    ) -> Result<EService> {
        let new = Create::new(actor, agency_id, name, services, ctx)?;
        let created = eservices::create_eservice(&self.pool, &new).await?;
        self.after_commit().await;
        Ok(created)
    }

    async fn eservice(&self, id: EServiceId, scope: Scope) -> Result<Option<EService>> {
        eservices::eservice(&self.pool, id, scope).await
    }

    async fn execute(
        &self,
        id: EServiceId,
        actor: &Actor,
        command: Command,
        expected_version: Option<u64>,
        ctx: &CommandContext,
    ) -> Result<EService> {
        let run = Run::new(id, actor, command, expected_version, ctx);
        let next = eservices::execute(&self.pool, run).await?;
        self.after_commit().await;
        Ok(next)
    }

    async fn events(&self, id: EServiceId) -> Result<Vec<StoredEvent>> {
        eservices::events(&self.pool, id).await
    }

    async fn list(
        &self,
        query: &ListQuery,
        scope: Scope,
        today: NaiveDate,
    ) -> Result<Page<ListItem>> {
        eservices::list(&self.pool, query, scope, today).await
    }

    async fn dashboard(&self, scope: Scope, today: NaiveDate) -> Result<Counts> {
        eservices::dashboard(&self.pool, scope, today).await
    }

    async fn review_queue(&self, limit: u32, today: NaiveDate) -> Result<Vec<ListItem>> {
        eservices::review_queue(&self.pool, limit, today).await
    }

    async fn launched(&self, scope: Scope, today: NaiveDate) -> Result<Vec<ListItem>> {
        eservices::launched(&self.pool, scope, today).await
    }

    async fn notifications(&self, user: UserId, limit: u32) -> Result<Vec<Notification>> {
        mail::notifications(&self.pool, user, limit).await
    }

    async fn mark_notification_read(
        &self,
        user: UserId,
        id: NotificationId,
        at: DateTime<Utc>,
    ) -> Result<()> {
        mail::mark_notification_read(&self.pool, user, id, at).await
    }

    async fn outbox(&self, status: Option<OutboxStatus>, limit: u32) -> Result<Vec<OutboxMessage>> {
        mail::outbox(&self.pool, status, limit).await
    }

    async fn outbox_depth(&self) -> Result<crate::OutboxDepth> {
        mail::depth(&self.pool).await
    }

    async fn put_file(&self, file: NewFile, content: &[u8]) -> Result<FileMeta> {
        files::put_file(&self.pool, file, content).await
    }

    async fn file(&self, id: FileId) -> Result<Option<FileMeta>> {
        files::file(&self.pool, id).await
    }

    async fn file_content(&self, id: FileId) -> Result<Option<Vec<u8>>> {
        files::file_content(&self.pool, id).await
    }

    async fn retry_outbox(&self, id: MessageId, at: DateTime<Utc>) -> Result<OutboxMessage> {
        mail::retry_outbox(&self.pool, id, at).await
    }

    async fn closed_dates(&self) -> Result<Vec<ClosedDate>> {
        calendar::closed_dates(&self.pool).await
    }

    async fn replace_closed_dates(
        &self,
        dates: Vec<ClosedDate>,
        by: Option<UserId>,
        at: DateTime<Utc>,
    ) -> Result<Vec<ClosedDate>> {
        calendar::replace(&self.pool, &dates, by, at).await
    }

    async fn add_closed_date(
        &self,
        date: ClosedDate,
        by: Option<UserId>,
        at: DateTime<Utc>,
    ) -> Result<ClosedDate> {
        calendar::add(&self.pool, &date, by, at).await
    }

    async fn remove_closed_date(
        &self,
        date: NaiveDate,
        by: Option<UserId>,
        at: DateTime<Utc>,
    ) -> Result<ClosedDate> {
        calendar::remove(&self.pool, date, by, at).await
    }

    async fn seed_closed_dates(&self, dates: Vec<ClosedDate>, at: DateTime<Utc>) -> Result<bool> {
        calendar::seed(&self.pool, &dates, at).await
    }

    async fn calendar_changes(&self, limit: u32) -> Result<Vec<CalendarChange>> {
        calendar::changes(&self.pool, limit).await
    }

    async fn create_template(
        &self,
        template: crate::NewTemplate,
        file: NewFile,
        content: &[u8],
    ) -> Result<crate::Template> {
        templates::create(&self.pool, template, file, content).await
    }

    async fn templates(&self) -> Result<Vec<crate::Template>> {
        templates::list(&self.pool).await
    }

    async fn template(&self, id: TemplateId) -> Result<Option<crate::Template>> {
        templates::one(&self.pool, id).await
    }

    async fn delete_template(&self, id: TemplateId) -> Result<()> {
        templates::delete(&self.pool, id).await
    }

    async fn backup(&self, _to: &std::path::Path) -> Result<()> {
        Err(StoreError::Unsupported("use pg_dump"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names_are_plain_identifiers() {
        for ok in ["t", "onboard_test_1", "a_b_c", &"x".repeat(63)] {
            assert!(check_schema_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "1abc",
            "Upper",
            "a-b",
            "a b",
            "a;drop",
            "\"q\"",
            &"x".repeat(64),
        ] {
            assert!(check_schema_name(bad).is_err(), "{bad}");
        }
    }
}
