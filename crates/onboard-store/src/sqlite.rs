//! SQLite backend (rusqlite, bundled SQLite): the embedded default.
//!
//! One writer connection behind a mutex runs writes as `BEGIN IMMEDIATE` transactions on a
//! blocking thread, with group commit: writes that queue up while a commit is being made
//! durable run together in the next transaction, each inside its own savepoint, and each is
//! acknowledged only after that transaction commits (one fsync for the batch); a small pool of reader connections serves queries concurrently
//! (WAL lets readers run beside the writer). `BEGIN IMMEDIATE` also serializes writers of
//! other processes sharing the file, so a command's read and write happen under one lock.
//!
//! The schema is documented in `migrations/sqlite/0001_init.sql`.

mod accounts;
mod calendar;
mod codec;
mod eservices;
mod files;
mod messages;
mod migrate;
mod templates;

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
use onboard_core::workflow::{Actor, Command, EService};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// Reader connections: queries beyond this many wait for one to be free. Opened on first
/// use and kept, with their prepared statements; more readers than cores only add memory
/// (each has its own page cache) and context switches, and opening one per query under
/// load costs more than the query.
pub const DEFAULT_READERS: usize = 4;

/// The `synchronous` pragma of the database.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Synchronous {
    /// An acknowledged commit survives power loss (SPEC §12 default).
    #[default]
    Full,
    /// Faster commits; in WAL mode a power loss may lose the last commits, never corrupt.
    Normal,
}

impl Synchronous {
    fn pragma(self) -> &'static str {
        match self {
            Synchronous::Full => "FULL",
            Synchronous::Normal => "NORMAL",
        }
    }
}

/// How to open an SQLite database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SqliteOptions {
    /// Durability of commits; `Full` by default.
    pub synchronous: Synchronous,
    /// How long a connection waits for a lock held by another connection or process.
    pub busy_timeout: Duration,
    /// Reader connections ([`DEFAULT_READERS`] by default; at least 1).
    pub readers: usize,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions {
            synchronous: Synchronous::Full,
            busy_timeout: Duration::from_secs(5),
            readers: DEFAULT_READERS,
        }
    }
}

/// The SQLite store. Clones share the same connections; every method runs on a blocking
/// thread.
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    options: SqliteOptions,
    writer: Mutex<Connection>,
    /// Writes waiting for the writer connection (group commit).
    pending: Mutex<Vec<WriteJob>>,
    /// Idle reader connections; [`Inner::reader_slots`] bounds how many exist.
    readers: Mutex<Vec<Connection>>,
    /// One permit per reader connection: a query holds one while it runs.
    reader_slots: Arc<tokio::sync::Semaphore>,
}

/// Runs once the batch's transaction has ended: `None` if it committed, else why not.
type Completion = Box<dyn FnOnce(Option<&str>) + Send>;
/// One queued write: runs inside the batch transaction and returns how to report it.
type WriteJob = Box<dyn FnOnce(&Transaction<'_>) -> Completion + Send>;

/// Most writes committed together; bounds the latency a batch adds to its first write.
const MAX_BATCH: usize = 64;

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.inner.path)
            .field("options", &self.inner.options)
            .finish_non_exhaustive()
    }
}

/// A poisoned mutex only means another thread panicked while holding the connection; the
/// connection itself is fine (an unfinished transaction was rolled back when it dropped).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl SqliteStore {
    /// Opens (creating the parent directories and the file on first use) the database at
    /// `path`. Run [`Store::migrate`] before using a new database.
    pub fn open(path: &Path, options: SqliteOptions) -> Result<SqliteStore> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::caused(format!("cannot create {}", dir.display()), e))?;
        }
        let writer = connect(path, &options, false)?;
        // WAL is a property of the file: set once by the writer, readers inherit it.
        let mode: String = writer.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::backend(format!(
                "cannot enable WAL (journal_mode is {mode})"
            )));
        }
        Ok(SqliteStore {
            inner: Arc::new(Inner {
                path: path.to_owned(),
                options,
                writer: Mutex::new(writer),
                pending: Mutex::new(Vec::new()),
                readers: Mutex::new(Vec::new()),
                reader_slots: Arc::new(tokio::sync::Semaphore::new(options.readers.max(1))),
            }),
        })
    }

    /// Opens `./onboard-data/onboard.db` with the default options.
    pub fn open_default() -> Result<SqliteStore> {
        SqliteStore::open(
            Path::new("./onboard-data/onboard.db"),
            SqliteOptions::default(),
        )
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs `f` in a `BEGIN IMMEDIATE` transaction on the writer connection, inside its own
    /// savepoint: `Ok` is answered only after the transaction committed; `Err` rolls back
    /// `f`'s writes and nothing else. Writes queued meanwhile share the transaction (group
    /// commit), so concurrent writers share one fsync instead of waiting for one each.
    async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T> + Send + 'static,
    {
        let (done, answer) = tokio::sync::oneshot::channel::<Result<T>>();
        let job: WriteJob = Box::new(move |tx: &Transaction<'_>| {
            let result = in_savepoint(tx, f);
            Box::new(move |commit_error: Option<&str>| {
                let out = match (result, commit_error) {
                    (Ok(_), Some(e)) => Err(StoreError::caused("commit failed", e)),
                    (result, _) => result,
                };
                // The caller may have gone away (cancelled request); the write stands.
                let _ = done.send(out);
            }) as Completion
        });
        lock(&self.inner.pending).push(job);
        let inner = Arc::clone(&self.inner);
        // Whoever holds the writer runs everything queued so far, this job included unless
        // an earlier holder already did.
        blocking(move || {
            let mut conn = lock(&inner.writer);
            loop {
                let batch: Vec<WriteJob> = {
                    let mut pending = lock(&inner.pending);
                    let n = pending.len().min(MAX_BATCH);
                    pending.drain(..n).collect()
                };
                if batch.is_empty() {
                    return Ok(());
                }
                run_batch(&mut conn, batch);
            }
        })
        .await?;
        answer
            .await
            .map_err(|_| StoreError::backend("the write was dropped before it ran"))?
    }

    /// Runs `f` in a read transaction (one consistent snapshot) on a reader connection.
    async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T> + Send + 'static,
    {
        self.with_reader(move |conn| {
            let tx = Transaction::new(conn, TransactionBehavior::Deferred)?;
            let out = f(&tx);
            // Ending a read-only transaction: rollback and commit are equivalent.
            tx.rollback()?;
            out
        })
        .await
    }

    /// Runs `f` on a reader connection of the pool, waiting for one to be free.
    async fn with_reader<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        // The permit is held until the connection is back in the pool.
        let permit = Arc::clone(&self.inner.reader_slots)
            .acquire_owned()
            .await
            .map_err(|e| StoreError::caused("reader pool closed", e))?;
        blocking(move || {
            let mut conn = inner.reader()?;
            let out = f(&mut conn);
            lock(&inner.readers).push(conn);
            drop(permit);
            out
        })
        .await
    }
}

impl Inner {
    /// An idle reader, or a new one while fewer than the permits exist (the caller holds a
    /// permit, so there is always one idle or one missing).
    fn reader(&self) -> Result<Connection> {
        match lock(&self.readers).pop() {
            Some(conn) => Ok(conn),
            None => connect(&self.path, &self.options, true),
        }
    }
}

/// Runs `f` inside a savepoint of `tx`, undoing exactly its writes when it fails.
fn in_savepoint<T>(
    tx: &Transaction<'_>,
    f: impl FnOnce(&Transaction<'_>) -> Result<T>,
) -> Result<T> {
    tx.execute_batch("SAVEPOINT write_job")?;
    match f(tx) {
        Ok(v) => {
            tx.execute_batch("RELEASE write_job")?;
            Ok(v)
        }
        Err(e) => {
            tx.execute_batch("ROLLBACK TO write_job; RELEASE write_job")?;
            Err(e)
        }
    }
}

/// One transaction for a batch of writes; each learns the outcome after the commit.
fn run_batch(conn: &mut Connection, batch: Vec<WriteJob>) {
    let tx = match Transaction::new(conn, TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(e) => {
            tracing::error!(error = %e, "cannot begin a write transaction");
            // Dropping the jobs answers their callers with an error; nothing was written.
            return;
        }
    };
    let completions: Vec<Completion> = batch.into_iter().map(|job| job(&tx)).collect();
    let outcome = tx.commit().err().map(|e| e.to_string());
    for complete in completions {
        complete(outcome.as_deref());
    }
}

/// Opens one connection with the pragmas every connection needs.
fn connect(path: &Path, options: &SqliteOptions, read_only: bool) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(options.busy_timeout)?;
    conn.pragma_update(None, "synchronous", options.synchronous.pragma())?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    if read_only {
        // A reader never writes; make a mistake fail loudly instead of bypassing the writer.
        conn.pragma_update(None, "query_only", "ON")?;
    }
    Ok(conn)
}

/// Runs blocking database work off the async runtime.
async fn blocking<T, F>(f: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T> + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::caused("database task failed", e))?
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::caused("SQLite", e)
    }
}

#[async_trait]
impl Outbox for SqliteStore {
    async fn claim_outbox(
        &self,
        limit: u32,
        now: DateTime<Utc>,
        lease: chrono::Duration,
    ) -> Result<Vec<OutboxMessage>> {
        self.write(move |tx| messages::claim(tx, limit, now, lease))
            .await
    }

    async fn mark_sent(&self, id: MessageId, at: DateTime<Utc>) -> Result<()> {
        self.write(move |tx| messages::mark_sent(tx, id, at)).await
    }

    async fn mark_failed(
        &self,
        id: MessageId,
        error: &str,
        failed_at: Option<DateTime<Utc>>,
        retry_at: DateTime<Utc>,
    ) -> Result<()> {
        let error = error.to_owned();
        self.write(move |tx| messages::mark_failed(tx, id, &error, failed_at, retry_at))
            .await
    }

    async fn mark_dead(&self, id: MessageId, error: &str, at: DateTime<Utc>) -> Result<()> {
        let error = error.to_owned();
        self.write(move |tx| messages::mark_dead(tx, id, &error, at))
            .await
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn migrate(&self) -> Result<()> {
        self.write(migrate::apply).await
    }

    async fn ping(&self) -> Result<()> {
        self.read(|tx| Ok(tx.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?))
            .await
            .map(drop)
    }

    async fn create_agency(&self, agency: NewAgency) -> Result<Agency> {
        self.write(move |tx| accounts::create_agency(tx, agency))
            .await
    }

    async fn agency(&self, id: AgencyId) -> Result<Option<Agency>> {
        self.read(move |tx| accounts::agency(tx, id)).await
    }

    async fn agencies(&self) -> Result<Vec<Agency>> {
        self.read(accounts::agencies).await
    }

    async fn update_agency(&self, id: AgencyId, names: NewAgency) -> Result<Agency> {
        self.write(move |tx| accounts::update_agency(tx, id, names))
            .await
    }

    async fn create_user(&self, user: NewUser, welcome: Notice) -> Result<User> {
        self.write(move |tx| accounts::create_user(tx, user, &welcome))
            .await
    }

    async fn user(&self, id: UserId) -> Result<Option<User>> {
        self.read(move |tx| accounts::user(tx, id)).await
    }

    async fn users(&self, query: &UserQuery) -> Result<Page<User>> {
        let query = query.clone();
        self.read(move |tx| accounts::users(tx, &query)).await
    }

    async fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        let username = username.to_owned();
        self.read(move |tx| accounts::user_by_username(tx, &username))
            .await
    }

    async fn complete_first_login(
        &self,
        user: UserId,
        username: &str,
        password_hash: &str,
    ) -> Result<User> {
        let (username, hash) = (username.to_owned(), password_hash.to_owned());
        self.write(move |tx| accounts::complete_first_login(tx, user, &username, &hash))
            .await
    }

    async fn change_password(
        &self,
        user: UserId,
        password_hash: &str,
        keep_session: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let hash = password_hash.to_owned();
        let keep = keep_session.map(str::to_owned);
        self.write(move |tx| accounts::change_password(tx, user, &hash, keep.as_deref(), at))
            .await
    }

    async fn reset_credentials(
        &self,
        user: UserId,
        password_hash: &str,
        notice: Notice,
        at: DateTime<Utc>,
    ) -> Result<User> {
        let hash = password_hash.to_owned();
        self.write(move |tx| accounts::reset_credentials(tx, user, &hash, &notice, at))
            .await
    }

    async fn disable_user(&self, user: UserId, at: DateTime<Utc>) -> Result<User> {
        self.write(move |tx| accounts::disable_user(tx, user, at))
            .await
    }

    async fn enable_user(&self, user: UserId) -> Result<User> {
        self.write(move |tx| accounts::enable_user(tx, user)).await
    }

    async fn create_session(&self, session: Session) -> Result<()> {
        self.write(move |tx| accounts::create_session(tx, &session))
            .await
    }

    async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Session, User)>> {
        let token_hash = token_hash.to_owned();
        self.read(move |tx| accounts::session(tx, &token_hash, now))
            .await
    }

    async fn revoke_session(&self, token_hash: &str, at: DateTime<Utc>) -> Result<()> {
        let token_hash = token_hash.to_owned();
        self.write(move |tx| accounts::revoke_session(tx, &token_hash, at))
            .await
    }

    async fn begin_login_attempt(
        &self,
        username: &str,
        now: DateTime<Utc>,
    ) -> Result<Result<(), chrono::Duration>> {
        let username = username.to_owned();
        self.write(move |tx| accounts::begin_login_attempt(tx, &username, now))
            .await
    }

    async fn clear_login_failures(&self, username: &str) -> Result<()> {
        let username = username.to_owned();
        self.write(move |tx| accounts::clear_login_failures(tx, &username))
            .await
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
        self.write(move |tx| eservices::create(tx, &new)).await
    }

    async fn eservice(&self, id: EServiceId, scope: Scope) -> Result<Option<EService>> {
        self.read(move |tx| eservices::get_one(tx, id, scope)).await
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
        self.write(move |tx| eservices::execute(tx, run)).await
    }

    async fn events(&self, id: EServiceId) -> Result<Vec<StoredEvent>> {
        self.read(move |tx| eservices::events(tx, id)).await
    }

    async fn list(
        &self,
        query: &ListQuery,
        scope: Scope,
        today: NaiveDate,
    ) -> Result<Page<ListItem>> {
        let query = query.clone();
        self.read(move |tx| eservices::list(tx, &query, scope, today))
            .await
    }

    async fn dashboard(&self, scope: Scope, today: NaiveDate) -> Result<Counts> {
        self.read(move |tx| eservices::dashboard(tx, scope, today))
            .await
    }

    async fn review_queue(&self, limit: u32, today: NaiveDate) -> Result<Vec<ListItem>> {
        self.read(move |tx| eservices::review_queue(tx, limit, today))
            .await
    }

    async fn launched(&self, scope: Scope, today: NaiveDate) -> Result<Vec<ListItem>> {
        self.read(move |tx| eservices::launched(tx, scope, today))
            .await
    }

    async fn notifications(&self, user: UserId, limit: u32) -> Result<Vec<Notification>> {
        self.read(move |tx| messages::notifications(tx, user, limit))
            .await
    }

    async fn mark_notification_read(
        &self,
        user: UserId,
        id: NotificationId,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.write(move |tx| messages::mark_read(tx, user, id, at))
            .await
    }

    async fn outbox(&self, status: Option<OutboxStatus>, limit: u32) -> Result<Vec<OutboxMessage>> {
        self.read(move |tx| messages::outbox(tx, status, limit))
            .await
    }

    async fn outbox_depth(&self) -> Result<crate::OutboxDepth> {
        self.read(messages::depth).await
    }

    async fn put_file(&self, file: NewFile, content: &[u8]) -> Result<FileMeta> {
        let content = content.to_vec();
        self.write(move |tx| files::put(tx, file, &content)).await
    }

    async fn file(&self, id: FileId) -> Result<Option<FileMeta>> {
        self.read(move |tx| files::meta(tx, id)).await
    }

    async fn file_content(&self, id: FileId) -> Result<Option<Vec<u8>>> {
        self.read(move |tx| files::content(tx, id)).await
    }

    async fn retry_outbox(&self, id: MessageId, at: DateTime<Utc>) -> Result<OutboxMessage> {
        self.write(move |tx| messages::retry(tx, id, at)).await
    }

    async fn closed_dates(&self) -> Result<Vec<ClosedDate>> {
        self.read(calendar::closed_dates).await
    }

    async fn replace_closed_dates(
        &self,
        dates: Vec<ClosedDate>,
        by: Option<UserId>,
        at: DateTime<Utc>,
    ) -> Result<Vec<ClosedDate>> {
        self.write(move |tx| calendar::replace(tx, &dates, by, at))
            .await
    }

    async fn add_closed_date(
        &self,
        date: ClosedDate,
        by: Option<UserId>,
        at: DateTime<Utc>,
    ) -> Result<ClosedDate> {
        self.write(move |tx| calendar::add(tx, &date, by, at)).await
    }

    async fn remove_closed_date(
        &self,
        date: NaiveDate,
        by: Option<UserId>,
        at: DateTime<Utc>,
    ) -> Result<ClosedDate> {
        self.write(move |tx| calendar::remove(tx, date, by, at))
            .await
    }

    async fn seed_closed_dates(&self, dates: Vec<ClosedDate>, at: DateTime<Utc>) -> Result<bool> {
        self.write(move |tx| calendar::seed(tx, &dates, at)).await
    }

    async fn calendar_changes(&self, limit: u32) -> Result<Vec<CalendarChange>> {
        self.read(move |tx| calendar::changes(tx, limit)).await
    }

    async fn create_template(
        &self,
        template: crate::NewTemplate,
        file: NewFile,
        content: &[u8],
    ) -> Result<crate::Template> {
        let content = content.to_vec();
        self.write(move |tx| templates::create(tx, template, file, &content))
            .await
    }

    async fn templates(&self) -> Result<Vec<crate::Template>> {
        self.read(templates::list).await
    }

    async fn template(&self, id: TemplateId) -> Result<Option<crate::Template>> {
        self.read(move |tx| templates::one(tx, id)).await
    }

    async fn delete_template(&self, id: TemplateId) -> Result<()> {
        self.write(move |tx| templates::delete(tx, id)).await
    }

    async fn backup(&self, to: &Path) -> Result<()> {
        let (path, to) = (self.inner.path.clone(), to.to_owned());
        self.with_reader(move |source| {
            // Backing up onto the live file would destroy it.
            let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
                (Ok(a), Ok(b)) => a == b,
                _ => false,
            };
            if same(&to, &path) {
                return Err(StoreError::backend(
                    "backup: the target is the live database",
                ));
            }
            backup_to(source, &to)
        })
        .await
    }
}

/// Copies the whole database in one backup step: a single read snapshot, so the copy is
/// consistent while writers go on (WAL readers do not block them).
fn backup_to(source: &Connection, to: &Path) -> Result<()> {
    use rusqlite::backup::{Backup, StepResult};
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::caused(format!("cannot create {}", dir.display()), e))?;
    }
    let mut dest = Connection::open(to)?;
    let backup = Backup::new(source, &mut dest)?;
    let deadline = std::time::Instant::now() + BACKUP_PATIENCE;
    // -1 copies every page in one step; retry while a lock is in the way.
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            _ if std::time::Instant::now() > deadline => {
                return Err(StoreError::backend("backup: the database stayed busy"))
            }
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// How long a backup waits for locks before giving up.
const BACKUP_PATIENCE: Duration = Duration::from_secs(30);
