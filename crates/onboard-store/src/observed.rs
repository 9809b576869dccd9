//! A store that times each of its operations: [`Observed`] wraps any [`Store`] and tells an
//! [`Observer`] how long each call took, by the method's name. The HTTP server uses it for
//! its store latency metric; it decides nothing and changes no answer.
//!
//! Rust has no delegation, so each method is written out; each body is the one line
//! `self.time(name, inner call)`.

use crate::*;
use std::future::Future;
use std::time::{Duration, Instant};

/// Told the method name and the duration of every store call.
pub type Observer = Arc<dyn Fn(&'static str, Duration) + Send + Sync>;

/// A [`Store`] that reports the duration of each call to its [`Observer`].
pub struct Observed {
    inner: Arc<dyn Store>,
    observer: Observer,
}

impl std::fmt::Debug for Observed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Observed").finish_non_exhaustive()
    }
}

impl Observed {
    /// `inner`, timed for `observer`.
    pub fn new(inner: Arc<dyn Store>, observer: Observer) -> Observed {
        Observed { inner, observer }
    }

    async fn time<T>(&self, operation: &'static str, call: impl Future<Output = T>) -> T {
        let started = Instant::now();
        let out = call.await;
        (self.observer)(operation, started.elapsed());
        out
    }
}

#[async_trait]
impl Outbox for Observed {
    async fn claim_outbox(
        &self,
        limit: u32,
        now: DateTime<Utc>,
        lease: chrono::Duration,
    ) -> Result<Vec<OutboxMessage>> {
        self.time("claim_outbox", self.inner.claim_outbox(limit, now, lease))
            .await
    }

    async fn mark_sent(&self, id: MessageId, at: DateTime<Utc>) -> Result<()> {
        self.time("mark_sent", self.inner.mark_sent(id, at)).await
    }

    async fn mark_failed(
        &self,
        id: MessageId,
        error: &str,
        failed_at: Option<DateTime<Utc>>,
        retry_at: DateTime<Utc>,
    ) -> Result<()> {
        self.time(
            "mark_failed",
            self.inner.mark_failed(id, error, failed_at, retry_at),
        )
        .await
    }

    async fn mark_dead(&self, id: MessageId, error: &str, at: DateTime<Utc>) -> Result<()> {
        self.time("mark_dead", self.inner.mark_dead(id, error, at))
            .await
    }
}

#[async_trait]
impl Store for Observed {
    async fn migrate(&self) -> Result<()> {
        self.time("migrate", self.inner.migrate()).await
    }

    async fn ping(&self) -> Result<()> {
        self.time("ping", self.inner.ping()).await
    }

    async fn create_agency(&self, agency: NewAgency) -> Result<Agency> {
        self.time("create_agency", self.inner.create_agency(agency))
            .await
    }

    async fn agency(&self, id: AgencyId) -> Result<Option<Agency>> {
        self.time("agency", self.inner.agency(id)).await
    }

    async fn agencies(&self) -> Result<Vec<Agency>> {
        self.time("agencies", self.inner.agencies()).await
    }

    async fn update_agency(&self, id: AgencyId, names: NewAgency) -> Result<Agency> {
        self.time("update_agency", self.inner.update_agency(id, names))
            .await
    }

    async fn create_user(&self, user: NewUser, welcome: Notice) -> Result<User> {
        self.time("create_user", self.inner.create_user(user, welcome))
            .await
    }

    async fn user(&self, id: UserId) -> Result<Option<User>> {
        self.time("user", self.inner.user(id)).await
    }

    async fn users(&self, query: &UserQuery) -> Result<Page<User>> {
        self.time("users", self.inner.users(query)).await
    }

    async fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        self.time("user_by_username", self.inner.user_by_username(username))
            .await
    }

    async fn complete_first_login(
        &self,
        user: UserId,
        username: &str,
        password_hash: &str,
    ) -> Result<User> {
        self.time(
            "complete_first_login",
            self.inner
                .complete_first_login(user, username, password_hash),
        )
        .await
    }

    async fn change_password(
        &self,
        user: UserId,
        password_hash: &str,
        keep_session: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.time(
            "change_password",
            self.inner
                .change_password(user, password_hash, keep_session, at),
        )
        .await
    }

    async fn reset_credentials(
        &self,
        user: UserId,
        password_hash: &str,
        notice: Notice,
        at: DateTime<Utc>,
    ) -> Result<User> {
        self.time(
            "reset_credentials",
            self.inner
                .reset_credentials(user, password_hash, notice, at),
        )
        .await
    }

    async fn disable_user(&self, user: UserId, at: DateTime<Utc>) -> Result<User> {
        self.time("disable_user", self.inner.disable_user(user, at))
            .await
    }

    async fn enable_user(&self, user: UserId) -> Result<User> {
        self.time("enable_user", self.inner.enable_user(user)).await
    }

    async fn create_session(&self, session: Session) -> Result<()> {
        self.time("create_session", self.inner.create_session(session))
            .await
    }

    async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Session, User)>> {
        self.time("session", self.inner.session(token_hash, now))
            .await
    }

    async fn revoke_session(&self, token_hash: &str, at: DateTime<Utc>) -> Result<()> {
        self.time("revoke_session", self.inner.revoke_session(token_hash, at))
            .await
    }

    async fn begin_login_attempt(
        &self,
        username: &str,
        now: DateTime<Utc>,
    ) -> Result<Result<(), chrono::Duration>> {
        self.time(
            "begin_login_attempt",
            self.inner.begin_login_attempt(username, now),
        )
        .await
    }

    async fn clear_login_failures(&self, username: &str) -> Result<()> {
        self.time(
            "clear_login_failures",
            self.inner.clear_login_failures(username),
        )
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
        self.time(
            "create_eservice",
            self.inner
                .create_eservice(actor, agency_id, name, services, ctx),
        )
        .await
    }

    async fn eservice(&self, id: EServiceId, scope: Scope) -> Result<Option<EService>> {
        self.time("eservice", self.inner.eservice(id, scope)).await
    }

    async fn execute(
        &self,
        id: EServiceId,
        actor: &Actor,
        command: Command,
        expected_version: Option<u64>,
        ctx: &CommandContext,
    ) -> Result<EService> {
        self.time(
            "execute",
            self.inner
                .execute(id, actor, command, expected_version, ctx),
        )
        .await
    }

    async fn events(&self, id: EServiceId) -> Result<Vec<StoredEvent>> {
        self.time("events", self.inner.events(id)).await
    }

    async fn list(
        &self,
        query: &ListQuery,
        scope: Scope,
        today: NaiveDate,
    ) -> Result<Page<ListItem>> {
        self.time("list", self.inner.list(query, scope, today))
            .await
    }

    async fn dashboard(&self, scope: Scope, today: NaiveDate) -> Result<Counts> {
        self.time("dashboard", self.inner.dashboard(scope, today))
            .await
    }

    async fn review_queue(&self, limit: u32, today: NaiveDate) -> Result<Vec<ListItem>> {
        self.time("review_queue", self.inner.review_queue(limit, today))
            .await
    }

    async fn launched(&self, scope: Scope, today: NaiveDate) -> Result<Vec<ListItem>> {
        self.time("launched", self.inner.launched(scope, today))
            .await
    }

    async fn notifications(&self, user: UserId, limit: u32) -> Result<Vec<Notification>> {
        self.time("notifications", self.inner.notifications(user, limit))
            .await
    }

    async fn mark_notification_read(
        &self,
        user: UserId,
        id: NotificationId,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.time(
            "mark_notification_read",
            self.inner.mark_notification_read(user, id, at),
        )
        .await
    }

    async fn outbox(&self, status: Option<OutboxStatus>, limit: u32) -> Result<Vec<OutboxMessage>> {
        self.time("outbox", self.inner.outbox(status, limit)).await
    }

    async fn outbox_depth(&self) -> Result<OutboxDepth> {
        self.time("outbox_depth", self.inner.outbox_depth()).await
    }

    async fn put_file(&self, file: NewFile, content: &[u8]) -> Result<FileMeta> {
        self.time("put_file", self.inner.put_file(file, content))
            .await
    }

    async fn file(&self, id: FileId) -> Result<Option<FileMeta>> {
        self.time("file", self.inner.file(id)).await
    }

    async fn file_content(&self, id: FileId) -> Result<Option<Vec<u8>>> {
        self.time("file_content", self.inner.file_content(id)).await
    }

    async fn retry_outbox(&self, id: MessageId, at: DateTime<Utc>) -> Result<OutboxMessage> {
        self.time("retry_outbox", self.inner.retry_outbox(id, at))
            .await
    }

    async fn closed_dates(&self) -> Result<Vec<ClosedDate>> {
        self.time("closed_dates", self.inner.closed_dates()).await
    }

    async fn replace_closed_dates(
        &self,
        dates: Vec<ClosedDate>,
        by: Option<UserId>,
        at: DateTime<Utc>,
    ) -> Result<Vec<ClosedDate>> {
        self.time(
            "replace_closed_dates",
            self.inner.replace_closed_dates(dates, by, at),
        )
        .await
    }

    async fn add_closed_date(
        &self,
        date: ClosedDate,
        by: Option<UserId>,
        at: DateTime<Utc>,
    ) -> Result<ClosedDate> {
        self.time("add_closed_date", self.inner.add_closed_date(date, by, at))
            .await
    }

    async fn remove_closed_date(
        &self,
        date: NaiveDate,
        by: Option<UserId>,
        at: DateTime<Utc>,
    ) -> Result<ClosedDate> {
        self.time(
            "remove_closed_date",
            self.inner.remove_closed_date(date, by, at),
        )
        .await
    }

    async fn seed_closed_dates(&self, dates: Vec<ClosedDate>, at: DateTime<Utc>) -> Result<bool> {
        self.time("seed_closed_dates", self.inner.seed_closed_dates(dates, at))
            .await
    }

    async fn calendar_changes(&self, limit: u32) -> Result<Vec<CalendarChange>> {
        self.time("calendar_changes", self.inner.calendar_changes(limit))
            .await
    }

    async fn create_template(
        &self,
        template: NewTemplate,
        file: NewFile,
        content: &[u8],
    ) -> Result<Template> {
        self.time(
            "create_template",
            self.inner.create_template(template, file, content),
        )
        .await
    }

    async fn templates(&self) -> Result<Vec<Template>> {
        self.time("templates", self.inner.templates()).await
    }

    async fn template(&self, id: TemplateId) -> Result<Option<Template>> {
        self.time("template", self.inner.template(id)).await
    }

    async fn delete_template(&self, id: TemplateId) -> Result<()> {
        self.time("delete_template", self.inner.delete_template(id))
            .await
    }

    async fn backup(&self, to: &std::path::Path) -> Result<()> {
        self.time("backup", self.inner.backup(to)).await
    }
}
