//! The stored records other than e-Services (which are `onboard_core::workflow::EService`).

use chrono::{DateTime, NaiveDate, Utc};
use onboard_core::file::MediaType;
use onboard_core::id::{
    AgencyId, EServiceId, FileId, MessageId, NotificationId, TemplateId, UserId,
};
use onboard_core::notify::NoticeKind;
use onboard_core::reference::{Role, Step, StepStatus};
use onboard_core::workflow::{Actor, Event, InvalidActor, Lifecycle};
use serde::{Deserialize, Serialize};

/// An agency (หน่วยงาน) and its ministry (สังกัด/กระทรวง).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agency {
    /// Identifier.
    pub id: AgencyId,
    /// Thai name.
    pub name_th: String,
    /// English name.
    pub name_en: String,
    /// Ministry or parent body, Thai.
    pub ministry_th: String,
    /// Ministry or parent body, English.
    pub ministry_en: String,
}

impl Agency {
    /// The four names, as core compares them with a step-4 form.
    pub fn names(&self) -> onboard_core::workflow::AgencyNames {
        onboard_core::workflow::AgencyNames {
            name_th: self.name_th.clone(),
            name_en: self.name_en.clone(),
            ministry_th: self.ministry_th.clone(),
            ministry_en: self.ministry_en.clone(),
        }
    }
}

/// A user account. The password hash is Argon2id in PHC string form.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Identifier.
    pub id: UserId,
    /// Login name; unique case-insensitively.
    pub username: String,
    /// E-mail address.
    pub email: String,
    /// Name shown in the portal.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Agency (agency role only).
    pub agency_id: Option<AgencyId>,
    /// Argon2id PHC string. Never serialized to clients (the HTTP layer has its own view).
    #[serde(skip_serializing)]
    pub password_hash: String,
    /// The first-login flow is not done yet.
    pub must_change_credentials: bool,
    /// Disabled accounts cannot log in.
    pub disabled: bool,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("role", &self.role)
            .field("agency_id", &self.agency_id)
            .field("must_change_credentials", &self.must_change_credentials)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

impl User {
    /// Whether this account can act: an agency officer has an agency and DGA staff have
    /// none. Both backends check it before writing an account and when reading one, so a
    /// `User` a [`crate::Store`] returns always passes.
    pub fn check(&self) -> Result<Actor, InvalidActor> {
        Actor::new(self.id, self.role, self.agency_id)
    }

    /// The actor this user is when issuing commands.
    ///
    /// # Panics
    /// If the role and the agency do not fit, which no `User` read from a [`crate::Store`]
    /// does (see [`User::check`]); build one by hand with care.
    #[allow(clippy::expect_used)] // an invariant both backends keep, see `check`
    pub fn actor(&self) -> Actor {
        self.check()
            .expect("a stored account's role and agency fit (checked on write and read)")
    }
}

/// A login session. Only the SHA-256 of the bearer token is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// Whose session.
    pub user_id: UserId,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Expires at.
    pub expires_at: DateTime<Utc>,
}

/// Metadata of an uploaded file; the bytes are stored once per SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileMeta {
    /// Identifier.
    pub id: FileId,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    /// Sanitized original name, for display only.
    pub name: String,
    /// Type decided from the content.
    pub media_type: MediaType,
    /// Size in bytes.
    pub size: u64,
    /// Image width and height, for PNG and JPEG.
    pub dimensions: Option<(u32, u32)>,
    /// Who uploaded it.
    pub uploaded_by: UserId,
    /// The uploader's agency (None for staff uploads).
    pub agency_id: Option<AgencyId>,
    /// When.
    pub uploaded_at: DateTime<Utc>,
}

/// A new file to store (content already sniffed and sanitized by the caller).
#[derive(Debug, Clone)]
pub struct NewFile {
    /// Sanitized display name.
    pub name: String,
    /// Sniffed type.
    pub media_type: MediaType,
    /// Image dimensions, when known.
    pub dimensions: Option<(u32, u32)>,
    /// Uploader.
    pub uploaded_by: UserId,
    /// Uploader's agency.
    pub agency_id: Option<AgencyId>,
    /// When.
    pub uploaded_at: DateTime<Utc>,
}

/// A notification shown in the portal (SPEC §3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    /// Identifier.
    pub id: NotificationId,
    /// The user it is for.
    pub recipient: UserId,
    /// When.
    pub at: DateTime<Utc>,
    /// What it is about.
    pub kind: NoticeKind,
    /// The e-Service concerned.
    pub eservice_id: Option<EServiceId>,
    /// Title, Thai.
    pub title_th: String,
    /// Title, English.
    pub title_en: String,
    /// Body, Thai.
    pub body_th: String,
    /// Body, English.
    pub body_en: String,
    /// When the recipient marked it read.
    pub read_at: Option<DateTime<Utc>>,
}

/// Delivery state of an outbox e-mail (its rules live in `onboard_core::outbox`).
pub use onboard_core::outbox::OutboxStatus;

/// What waits in the outbox, for monitoring: e-mails by status, delivered ones left out
/// (they are history, and counting them would read the whole table at every scrape).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OutboxDepth {
    /// Waiting for a first try or a retry.
    pub pending: u64,
    /// Claimed by a worker.
    pub sending: u64,
    /// Given up (dead letters), until an admin queues them again.
    pub failed: u64,
    /// When the oldest e-mail still to be sent (pending or sending) was queued.
    pub oldest_unsent: Option<DateTime<Utc>>,
}

impl OutboxDepth {
    /// The depth from a count per status (as the backends' `GROUP BY` answers it) and the
    /// oldest creation instant of the unsent ones.
    pub fn of(
        counts: impl IntoIterator<Item = (OutboxStatus, u64)>,
        oldest_unsent: Option<DateTime<Utc>>,
    ) -> OutboxDepth {
        let mut depth = OutboxDepth {
            oldest_unsent,
            ..OutboxDepth::default()
        };
        for (status, n) in counts {
            match status {
                OutboxStatus::Pending => depth.pending += n,
                OutboxStatus::Sending => depth.sending += n,
                OutboxStatus::Failed => depth.failed += n,
                OutboxStatus::Sent => {}
            }
        }
        depth
    }
}

/// One e-mail in the outbox (SPEC §8).
///
/// It always goes to an address (`to`); `recipient` names the account that address was
/// resolved from, and is `None` for a bare address that belongs to no account (the step-4
/// administrator receiving the production credentials).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    /// Identifier.
    pub id: MessageId,
    /// Recipient address.
    pub to: String,
    /// The account the e-mail is for; `None` for an address without an account.
    pub recipient: Option<UserId>,
    /// The e-Service it is about (`None` for account e-mails).
    pub eservice_id: Option<EServiceId>,
    /// Subject (Thai / English).
    pub subject: String,
    /// Plain-text body, as it is sent.
    pub body: String,
    /// The part of `body` only the recipient may read (the initial password of a welcome
    /// e-mail), as marked by the notice: [`OutboxMessage::redacted`] hides it in listings.
    pub secret: Option<String>,
    /// Kind of the notice it came from.
    pub kind: NoticeKind,
    /// Written at (same transaction as the change).
    pub created_at: DateTime<Utc>,
    /// Status.
    pub status: OutboxStatus,
    /// Delivery attempts so far.
    pub attempts: u32,
    /// Not to be tried before this instant (retry backoff or claim lease); for a `failed`
    /// e-mail, when delivery gave up.
    pub next_attempt_at: DateTime<Utc>,
    /// The first failed try since the e-mail was written or last queued again by a retry:
    /// the start of its 24-hour window (`onboard_core::outbox::after_failure`). `None` while
    /// no try of the window has failed.
    pub failing_since: Option<DateTime<Utc>>,
    /// The last delivery error.
    pub last_error: Option<String>,
    /// When it was delivered.
    pub sent_at: Option<DateTime<Utc>>,
}

impl OutboxMessage {
    /// What a hidden secret reads as in a listing.
    pub const HIDDEN: &'static str = "********";

    /// The message as a listing shows it unless asked for secrets (SPEC §8, §11): every
    /// occurrence of the secret in the body, and the secret itself, read
    /// [`OutboxMessage::HIDDEN`]. Messages without a secret are unchanged.
    ///
    /// ```
    /// # use onboard_store::{OutboxMessage, OutboxStatus};
    /// # use onboard_core::notify::NoticeKind;
    /// # use chrono::Utc;
    /// let msg = OutboxMessage {
    ///     id: onboard_core::id::MessageId::from_u128(0), to: "somchai@dop.go.th".into(), recipient: None,
    ///     eservice_id: None, subject: "บัญชีผู้ใช้".into(),
    ///     body: "รหัสผ่าน: Xy7pQ2rT9wLm\nPassword: Xy7pQ2rT9wLm\n".into(),
    ///     secret: Some("Xy7pQ2rT9wLm".into()), kind: NoticeKind::AccountCreated,
    ///     created_at: Utc::now(), status: OutboxStatus::Pending, attempts: 0,
    ///     next_attempt_at: Utc::now(), failing_since: None, last_error: None, sent_at: None,
    /// };
    /// let shown = msg.redacted();
    /// assert_eq!(shown.body, "รหัสผ่าน: ********\nPassword: ********\n");
    /// assert_eq!(shown.secret.as_deref(), Some("********"));
    /// ```
    pub fn redacted(&self) -> OutboxMessage {
        let mut shown = self.clone();
        if let Some(secret) = self.secret.as_deref().filter(|s| !s.is_empty()) {
            shown.body = self.body.replace(secret, Self::HIDDEN);
            shown.secret = Some(Self::HIDDEN.to_owned());
        }
        shown
    }
}

/// An event as stored: with its global sequence number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredEvent {
    /// Position in the global append-only log.
    pub seq: i64,
    /// The event.
    #[serde(flatten)]
    pub event: Event,
}

/// Filters and paging of `GET /eservices` (SPEC §10).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// Contained (case-insensitive, Thai too) in the e-Service name, any of its services
    /// (งานบริการ), or its agency's Thai or English name.
    pub q: Option<String>,
    /// Current step.
    pub step: Option<Step>,
    /// Current status.
    pub status: Option<StepStatus>,
    /// Agency.
    pub agency_id: Option<AgencyId>,
    /// Lifecycle (on the `today` given to the query).
    pub lifecycle: Option<Lifecycle>,
    /// Page, from 1.
    pub page: u32,
    /// Page size, 1 to 100.
    pub per_page: u32,
    /// Do not count the matches: `total` is then only the rows up to this page. For callers
    /// that show a page without "N รายการ" (the dashboard's tracker), so they do not pay for a
    /// count over every e-Service.
    pub skip_total: bool,
}

/// Largest page size.
pub const MAX_PER_PAGE: u32 = 100;

/// Page and page size clamped to their allowed ranges (page >= 1, 1..=100, default 20).
fn clamp_paging(page: u32, per_page: u32) -> (u32, u32) {
    let per_page = match per_page {
        0 => 20,
        n => n.min(MAX_PER_PAGE),
    };
    (page.max(1), per_page)
}

impl ListQuery {
    /// Page and page size clamped to their allowed ranges (page >= 1, 1..=100, default 20).
    pub fn paging(&self) -> (u32, u32) {
        clamp_paging(self.page, self.per_page)
    }
}

/// Filters and paging of `GET /users` (SPEC §10).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserQuery {
    /// Contained in the username, the display name or the e-mail address, compared
    /// case-insensitively for ASCII letters (Thai has no case).
    pub q: Option<String>,
    /// Role.
    pub role: Option<Role>,
    /// Agency.
    pub agency_id: Option<AgencyId>,
    /// Page, from 1.
    pub page: u32,
    /// Page size, 1 to 100.
    pub per_page: u32,
}

impl UserQuery {
    /// Page and page size clamped to their allowed ranges (page >= 1, 1..=100, default 20).
    pub fn paging(&self) -> (u32, u32) {
        clamp_paging(self.page, self.per_page)
    }

    /// `q` trimmed and lowercased as both backends compare it; `None` when empty.
    pub fn folded_q(&self) -> Option<String> {
        self.q
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(str::to_ascii_lowercase)
    }
}

/// One row of the e-Service list (SPEC §10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListItem {
    /// e-Service id.
    pub id: EServiceId,
    /// Name.
    pub name: String,
    /// Agency.
    pub agency_id: AgencyId,
    /// Agency's Thai name.
    pub agency_name_th: String,
    /// Ministry's Thai name.
    pub ministry_th: String,
    /// Current step.
    pub current_step: Step,
    /// Its status.
    pub current_status: StepStatus,
    /// Lifecycle on the query's `today`.
    pub lifecycle: Lifecycle,
    /// Release date, once confirmed.
    pub launch_on: Option<NaiveDate>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// While the current step is under review: when it was submitted (the review queue's
    /// order and "days waiting").
    pub review_since: Option<DateTime<Utc>>,
}

/// A page of results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// Rows over all pages; at most [`SEARCH_COUNT_CAP`] for a search (see `total_capped`).
    pub total: u64,
    /// The count of a search stopped at [`SEARCH_COUNT_CAP`]: more rows than `total` match
    /// (the portal says "มากกว่า 1,000 รายการ"). Never set for a list without `q`, whose
    /// total is exact.
    pub total_capped: bool,
    /// This page, from 1.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
}

/// Searches (`ListQuery::q`) count their matches up to this many: a larger exact count
/// would cost a walk over every match on each page, and nobody pages through more.
pub const SEARCH_COUNT_CAP: u64 = 1000;

/// `total` and `total_capped` of a search page from a count that stopped after
/// [`SEARCH_COUNT_CAP`] + 1 rows: more than the cap reads as the cap, capped.
pub fn capped_total(counted: u64) -> (u64, bool) {
    if counted > SEARCH_COUNT_CAP {
        (SEARCH_COUNT_CAP, true)
    } else {
        (counted, false)
    }
}

/// Which e-Services a query may see: one agency's, or all (staff).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Reviewers and admins.
    All,
    /// An agency user.
    Agency(AgencyId),
}

impl Scope {
    /// The scope of what `user` may see.
    pub fn of(user: &User) -> Scope {
        // An actor has an agency exactly when it is an agency officer.
        match user.actor().agency_id() {
            Some(agency) => Scope::Agency(agency),
            None => Scope::All,
        }
    }
}

/// What a change of the release calendar did to one date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalendarChangeKind {
    /// The date became closed.
    Added,
    /// The date is open again.
    Removed,
}

impl CalendarChangeKind {
    /// The stored and JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            CalendarChangeKind::Added => "added",
            CalendarChangeKind::Removed => "removed",
        }
    }

    /// The kind of a stored name.
    pub fn parse(s: &str) -> Option<CalendarChangeKind> {
        match s {
            "added" => Some(CalendarChangeKind::Added),
            "removed" => Some(CalendarChangeKind::Removed),
            _ => None,
        }
    }
}

/// One recorded change of the release calendar (a changed reason is recorded as the old
/// entry removed and the new one added).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarChange {
    /// When.
    pub at: DateTime<Utc>,
    /// The admin who made it; `None` for the operator at the database (the CLI, the seed
    /// of `--closed-dates`).
    pub actor: Option<UserId>,
    /// Added or removed.
    pub kind: CalendarChangeKind,
    /// The date.
    pub date: NaiveDate,
    /// The entry's reason.
    pub reason: String,
}

/// What replacing the closed dates `current` with `next` removes and adds: an entry whose
/// reason changed is removed and added again; an unchanged one is neither. Both by date.
#[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
pub(crate) fn calendar_diff(
    current: &[onboard_core::calendar::ClosedDate],
    next: &[onboard_core::calendar::ClosedDate],
) -> (
    Vec<onboard_core::calendar::ClosedDate>,
    Vec<onboard_core::calendar::ClosedDate>,
) {
    let mut removed: Vec<_> = current
        .iter()
        .filter(|c| !next.contains(c))
        .cloned()
        .collect();
    let mut added: Vec<_> = next
        .iter()
        .filter(|n| !current.contains(n))
        .cloned()
        .collect();
    // Recorded by date, whatever order the list came in.
    removed.sort_by_key(|e| e.date);
    added.sort_by_key(|e| e.date);
    (removed, added)
}

/// A template offered for download on a step's page (SPEC §10 `/templates`): the Minimum
/// Testcase of steps 3 and 6, the icon and screenshot guide of step 5, ...
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    /// Identifier.
    pub id: TemplateId,
    /// Thai title.
    pub title_th: String,
    /// English title.
    pub title_en: String,
    /// The step whose page links to it.
    pub step: Step,
    /// Its file (in the content-addressed files table).
    pub file: FileMeta,
    /// The admin who added it; `None` for the operator at the database (`onboard demo`).
    pub uploaded_by: Option<UserId>,
    /// When it was added.
    pub uploaded_at: DateTime<Utc>,
}

/// A template's stored record, before its file is read.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) struct TemplateRecord {
    pub id: TemplateId,
    pub file_id: FileId,
    /// The titles, step and uploader, as they were added.
    pub added: NewTemplate,
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
impl TemplateRecord {
    /// The template with its file, read by `file_id`; a record without its file is a broken
    /// database.
    pub(crate) fn with_file(self, file: Option<FileMeta>) -> crate::Result<Template> {
        let file = file.ok_or_else(|| {
            crate::StoreError::backend(format!("template {} has no file {}", self.id, self.file_id))
        })?;
        Ok(self.added.stored(self.id, file))
    }
}

/// A new template's record (its titles already checked by `onboard_core::template`).
#[derive(Debug, Clone)]
pub struct NewTemplate {
    /// Thai title.
    pub title_th: String,
    /// English title.
    pub title_en: String,
    /// The step it belongs to.
    pub step: Step,
    /// The admin adding it, or `None` for the operator.
    pub uploaded_by: Option<UserId>,
    /// When.
    pub uploaded_at: DateTime<Utc>,
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
impl NewTemplate {
    /// The template as stored, under `id` with its stored `file`.
    pub(crate) fn stored(self, id: TemplateId, file: FileMeta) -> Template {
        Template {
            id,
            title_th: self.title_th,
            title_en: self.title_en,
            step: self.step,
            file,
            uploaded_by: self.uploaded_by,
            uploaded_at: self.uploaded_at,
        }
    }
}

/// Puts templates in the order every listing shows them: by step (its number), then Thai
/// title, English title and id. Sorted in Rust so both backends agree whatever their
/// collation.
#[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
pub(crate) fn sort_templates(templates: &mut [Template]) {
    templates.sort_by(|a, b| {
        (a.step.number(), &a.title_th, &a.title_en, a.id).cmp(&(
            b.step.number(),
            &b.title_th,
            &b.title_en,
            b.id,
        ))
    });
}
