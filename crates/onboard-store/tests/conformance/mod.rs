//! The conformance suite: one set of tests every `Store` backend must pass.
//!
//! A backend's test file declares `mod conformance;` and invokes
//! `conformance_suite!(|| async { ... })` with a closure that makes a fresh, migrated,
//! empty store for each test: an `Arc<dyn Store>`, or `(Arc<dyn Store>, guard)` where the
//! guard (e.g. a `tempfile::TempDir`) is dropped after the test, or an `Option` of either
//! where `None` skips the test (e.g. PostgreSQL without `ONBOARD_TEST_POSTGRES_URL`).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use onboard_store::Store;
use std::sync::Arc;

/// Something a factory hands over with its store and that must live as long as the test
/// (a temporary directory, a database handle to drop afterwards, ...).
pub type Guard = Box<dyn std::any::Any + Send>;

/// What a backend's factory may return: a store, a store with a [`Guard`], or `None` to
/// skip the test.
pub trait IntoStore {
    /// The store to test and its guard, if any.
    fn into_store(self) -> Option<(Arc<dyn Store>, Guard)>;
}

impl IntoStore for Arc<dyn Store> {
    fn into_store(self) -> Option<(Arc<dyn Store>, Guard)> {
        Some((self, Box::new(())))
    }
}

impl<G: Send + 'static> IntoStore for (Arc<dyn Store>, G) {
    fn into_store(self) -> Option<(Arc<dyn Store>, Guard)> {
        Some((self.0, Box::new(self.1)))
    }
}

impl<T: IntoStore> IntoStore for Option<T> {
    fn into_store(self) -> Option<(Arc<dyn Store>, Guard)> {
        self.and_then(IntoStore::into_store)
    }
}

/// Expands into one `#[tokio::test]` per conformance test, each with its own store made by
/// `$make` (a closure returning a future of something [`IntoStore`]).
#[macro_export]
macro_rules! conformance_suite {
    ($make:expr) => {
        $crate::conformance_suite!(@tests $make;
            migrations_are_idempotent,
            ping_answers,
            agencies_and_users,
            accounts_that_cannot_act_are_refused,
            username_is_unique_case_insensitively,
            first_login,
            sessions_expire_and_are_revoked,
            password_change_keeps_only_the_current_session,
            users_are_listed_filtered_and_paged,
            credentials_reset_ends_every_session_and_queues_the_email,
            disabled_accounts_lose_their_sessions_until_enabled,
            the_last_enabled_admin_cannot_be_disabled,
            admins_disabling_each_other_at_once_leave_one_admin,
            agency_names_are_corrected,
            login_attempts_window,
            login_attempts_race,
            create_eservice_and_read_back,
            seven_step_walk,
            foreign_agency_file_is_missing,
            rejected_command_writes_nothing,
            control_characters_are_refused_alike,
            version_race_with_if_match,
            concurrent_commands_without_if_match_serialize,
            concurrent_rejections_do_not_touch_accepted_commands,
            events_fold_to_stored_state,
            dashboard_matches_core,
            list_filters_search_and_paging,
            search_matches_services_and_agency_names,
            search_is_literal_and_case_insensitive,
            many_matches_page_like_few,
            many_texts_count_once,
            review_queue_oldest_first,
            launched_by_date,
            notifications_per_recipient,
            emails_are_letters_about_their_eservice,
            launch_note_reaches_staff,
            production_credentials_reach_the_step4_administrator,
            outbox_claims_and_retries,
            files_are_deduplicated,
            backup_or_unsupported,
            // outbox dead letters
            dead_letters_are_never_claimed_until_retried,
            failing_windows_open_once_and_close_on_retry,
            outbox_depth_counts_what_waits,
            // release calendar
            release_calendar_is_replaced_added_and_removed_with_every_change_recorded,
            closed_dates_are_seeded_only_into_a_calendar_never_changed,
            concurrent_calendar_edits_are_not_lost,
            // templates
            templates_are_created_listed_and_deleted,
            template_files_share_content_with_uploads,
        );
    };
    (@tests $make:expr; $($name:ident),+ $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() {
                let made = ($make)().await;
                if let Some((store, guard)) = $crate::conformance::IntoStore::into_store(made) {
                    $crate::conformance::$name(store).await;
                    drop(guard);
                }
            }
        )+
    };
}

// ---------------------------------------------------------------------------------------
// Fixtures: a fixed clock, accounts, files and the valid payloads of the core's tests.
// ---------------------------------------------------------------------------------------

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use onboard_core::dashboard::{Counts, Summary};
use onboard_core::file::{FileFacts, MediaType};
use onboard_core::notify::{self, Audience, MailConfig, Notice, NoticeKind};
use onboard_core::reference::{Role, Step, StepStatus};
use onboard_core::schedule::ScheduleConfig;
use onboard_core::testing::files::{pdf, png, xlsx};
use onboard_core::validation::Code;
use onboard_core::workflow::{
    Change, Command, CommandError, EService, FixedCredentials, Lifecycle,
};
use onboard_store::{
    Agency, CommandContext, FileMeta, ListQuery, NewAgency, NewFile, NewUser, OutboxDepth,
    OutboxStatus, Scope, Session, StoreError, User, UserQuery,
};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Wednesday 2026-11-25, 10:00 in Bangkok.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).unwrap()
}

/// The date of [`now`] in Bangkok.
pub fn today() -> NaiveDate {
    date("2026-11-25")
}

/// A `YYYY-MM-DD` date.
pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A deterministic command context at [`now`].
pub fn ctx() -> CommandContext {
    ctx_at(now())
}

/// The portal the e-mails of the suite link to, and their signature.
pub fn mail() -> MailConfig {
    MailConfig::new(
        "https://onboard.example.go.th/",
        "สพร. ทดสอบ\nDGA conformance signature",
    )
    .unwrap()
}

/// A deterministic command context at `now`.
pub fn ctx_at(now: DateTime<Utc>) -> CommandContext {
    CommandContext {
        now,
        schedule: Arc::new(ScheduleConfig::default()),
        credentials: Arc::new(FixedCredentials),
        mail: Arc::new(mail()),
    }
}

/// Not a real Argon2 hash: hashing is not what these tests are about, and it is slow.
const FAKE_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$not-a-real-salt$not-a-real-hash";

/// The SPEC code of a store error, for compact assertions.
pub fn code(e: &StoreError) -> &'static str {
    match e {
        StoreError::Command(c) => c.code(),
        StoreError::NotFound => "not_found",
        StoreError::Duplicate(_) => "duplicate",
        StoreError::LastAdmin => "last_admin",
        StoreError::NotFailed(_) => "not_failed",
        StoreError::Unsupported(_) => "unsupported",
        StoreError::Backend(_) => "backend",
    }
}

/// The error code of a result that must be an error.
pub fn err_code<T: std::fmt::Debug>(r: Result<T, StoreError>) -> &'static str {
    code(&r.expect_err("expected an error"))
}

pub async fn new_agency(store: &Arc<dyn Store>, name_th: &str, name_en: &str) -> Agency {
    store
        .create_agency(NewAgency {
            name_th: name_th.into(),
            name_en: name_en.into(),
            ministry_th: format!("กระทรวงของ{name_th}"),
            ministry_en: format!("Ministry of {name_en}"),
        })
        .await
        .unwrap()
}

pub fn new_user_input(username: &str, role: Role, agency_id: Option<Uuid>) -> NewUser {
    NewUser {
        username: username.into(),
        email: format!("{}@example.go.th", username.to_lowercase()),
        display_name: format!("คุณ {username}"),
        role,
        agency_id,
        password_hash: FAKE_HASH.into(),
        created_at: now(),
    }
}

/// The initial password of every account of the suite.
pub const INITIAL_PASSWORD: &str = "Initial1Password";

/// The welcome e-mail a caller would queue with a new account.
pub fn welcome(username: &str) -> notify::Notice {
    notify::account_created(Uuid::nil(), username, INITIAL_PASSWORD, &mail())
}

pub async fn new_user(
    store: &Arc<dyn Store>,
    username: &str,
    role: Role,
    agency: Option<&Agency>,
) -> User {
    store
        .create_user(
            new_user_input(username, role, agency.map(|a| a.id)),
            welcome(username),
        )
        .await
        .unwrap()
}

/// Stores `bytes` as uploaded by `by` (sniffed like the server does).
pub async fn upload(store: &Arc<dyn Store>, by: &User, name: &str, bytes: &[u8]) -> FileMeta {
    let facts = FileFacts::inspect(bytes).expect("a recognized file type");
    store
        .put_file(
            NewFile {
                name: name.into(),
                media_type: facts.media_type,
                dimensions: facts.dimensions,
                uploaded_by: by.id,
                agency_id: by.agency_id,
                uploaded_at: now(),
            },
            bytes,
        )
        .await
        .unwrap()
}

/// Replaces every string equal to a key of `ids` by its value.
fn substitute(value: Value, ids: &HashMap<&'static str, String>) -> Value {
    match value {
        Value::String(s) => Value::String(ids.get(s.as_str()).cloned().unwrap_or(s)),
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|v| substitute(v, ids)).collect())
        }
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, substitute(v, ids)))
                .collect(),
        ),
        other => other,
    }
}

/// The files one agency uploads for its forms: the ids the fixtures reference.
pub struct Uploads {
    /// Fixture id -> uploaded id.
    pub ids: HashMap<&'static str, String>,
    /// Every upload.
    pub metas: Vec<FileMeta>,
}

impl Uploads {
    pub async fn new(store: &Arc<dyn Store>, by: &User) -> Uploads {
        let files: [(&'static str, &str, Vec<u8>); 6] = [
            ("file-icon-1", "icon.png", png(120, 120, [0, 0, 0])),
            ("file-shot-1", "หน้าแรก.png", png(1080, 1920, [1, 0, 0])),
            ("file-shot-2", "shot-2.png", png(1080, 1920, [2, 0, 0])),
            ("file-shot-3", "shot-3.png", png(1080, 1920, [3, 0, 0])),
            ("file-letter-1", "หนังสือมอบหมาย.pdf", pdf("onboard")),
            ("file-result-1", "test-result.xlsx", xlsx()),
        ];
        let mut ids = HashMap::new();
        let mut metas = Vec::new();
        for (fixture_id, name, bytes) in files {
            let meta = upload(store, by, name, &bytes).await;
            ids.insert(fixture_id, meta.id.to_string());
            metas.push(meta);
        }
        Uploads { ids, metas }
    }

    /// The valid payload of `step` (an attempt body for steps 3 and 6) with these files.
    pub fn payload(&self, step: Step) -> Value {
        substitute(onboard_core::samples::json(step), &self.ids)
    }

    /// The valid step 7 payload asking for `desired`.
    pub fn launch(&self, desired: &str) -> Value {
        let mut p = self.payload(Step::Launch);
        p["desired_date"] = json!(desired);
        p
    }
}

/// The command that moves `state` one step forward, and whether staff must issue it.
pub fn forward(state: &EService, files: &Uploads, desired: &str) -> Option<(bool, Command)> {
    if state.is_complete() {
        return None;
    }
    let step = state.current_step();
    Some(match (state.current_status(), step.is_test()) {
        (StepStatus::UnderReview, _) => (
            true,
            Command::Approve {
                step,
                note: None,
                credentials: None,
                update_agency: false,
            },
        ),
        (_, true) => (
            false,
            Command::AddAttempt {
                step,
                input: files.payload(step),
            },
        ),
        (_, false) if step == Step::Launch => (
            false,
            Command::Submit {
                step,
                payload: Some(files.launch(desired)),
            },
        ),
        (_, false) => (
            false,
            Command::Submit {
                step,
                payload: Some(files.payload(step)),
            },
        ),
    })
}

/// Moves an e-Service `moves` commands forward (by its officer or a reviewer).
#[allow(clippy::too_many_arguments)] // a test helper: named call sites read better than a struct
pub async fn advance(
    store: &Arc<dyn Store>,
    id: Uuid,
    officer: &User,
    reviewer: &User,
    files: &Uploads,
    moves: usize,
    desired: &str,
    ctx: &CommandContext,
) -> EService {
    let mut state = store.eservice(id, Scope::All).await.unwrap().unwrap();
    for _ in 0..moves {
        let Some((staff, command)) = forward(&state, files, desired) else {
            break;
        };
        let actor = if staff { reviewer } else { officer }.actor();
        state = store
            .execute(id, &actor, command, Some(state.version()), ctx)
            .await
            .unwrap_or_else(|e| panic!("moving {id} forward: {e:?}"));
    }
    state
}

/// Commands from creation to the confirmed launch.
pub const FULL_WALK: usize = 13;

/// Agencies and accounts most tests need.
pub struct World {
    pub store: Arc<dyn Store>,
    pub agency: Agency,
    pub other_agency: Agency,
    pub admin: User,
    pub reviewer: User,
    pub officer: User,
    pub colleague: User,
    pub outsider: User,
}

impl World {
    pub async fn new(store: Arc<dyn Store>) -> World {
        let agency = new_agency(&store, "กรมกิจการผู้สูงอายุ", "Department of Older Persons").await;
        let other_agency = new_agency(&store, "กรมสรรพากร", "Revenue Department").await;
        let admin = new_user(&store, "admin.dga", Role::Admin, None).await;
        let reviewer = new_user(&store, "reviewer.dga", Role::Reviewer, None).await;
        let officer = new_user(&store, "officer.a", Role::Agency, Some(&agency)).await;
        let colleague = new_user(&store, "colleague.a", Role::Agency, Some(&agency)).await;
        let outsider = new_user(&store, "officer.b", Role::Agency, Some(&other_agency)).await;
        World {
            store,
            agency,
            other_agency,
            admin,
            reviewer,
            officer,
            colleague,
            outsider,
        }
    }

    /// Every account.
    pub fn users(&self) -> [&User; 5] {
        [
            &self.admin,
            &self.reviewer,
            &self.officer,
            &self.colleague,
            &self.outsider,
        ]
    }

    /// A new e-Service of the main agency, by its officer.
    pub async fn eservice(&self, name: &str) -> EService {
        self.store
            .create_eservice(
                &self.officer.actor(),
                Some(self.agency.id),
                name,
                &["ขอรับเงินอุดหนุน".to_owned()],
                &ctx(),
            )
            .await
            .unwrap()
    }

    /// What a command may have written: events, version, notifications, e-mails.
    pub async fn tally(&self, id: Uuid) -> Tally {
        let mut inbox = HashMap::new();
        for u in self.users() {
            let n = self.store.notifications(u.id, 10_000).await.unwrap();
            inbox.insert(u.id, n.len());
        }
        Tally {
            events: self.store.events(id).await.unwrap().len(),
            version: self
                .store
                .eservice(id, Scope::All)
                .await
                .unwrap()
                .map_or(0, |s| s.version()),
            inbox,
            outbox: self.store.outbox(None, 100_000).await.unwrap().len(),
        }
    }
}

/// Counts of what one e-Service's commands have written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub events: usize,
    pub version: u64,
    pub inbox: HashMap<Uuid, usize>,
    pub outbox: usize,
}

impl Tally {
    /// New notifications per user since `before`.
    pub fn new_notes(&self, before: &Tally, user: &User) -> usize {
        self.inbox[&user.id] - before.inbox[&user.id]
    }
}

// ---------------------------------------------------------------------------------------
// Schema, agencies and accounts
// ---------------------------------------------------------------------------------------

/// Migrating an up-to-date database again changes nothing and loses nothing.
pub async fn migrations_are_idempotent(store: Arc<dyn Store>) {
    let a = new_agency(
        &store,
        "กรมการปกครอง",
        "Department of Provincial Administration",
    )
    .await;
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
    assert_eq!(store.agencies().await.unwrap(), vec![a.clone()]);
    let u = new_user(&store, "after.migrate", Role::Agency, Some(&a)).await;
    assert_eq!(store.user(u.id).await.unwrap(), Some(u));
}

/// The health check answers.
pub async fn ping_answers(store: Arc<dyn Store>) {
    store.ping().await.unwrap();
    store.ping().await.unwrap();
}

/// Agencies sorted by Thai name; users of every role; the welcome e-mail is queued and
/// never shown as a notification.
pub async fn agencies_and_users(store: Arc<dyn Store>) {
    let b = new_agency(&store, "สำนักงานประกันสังคม", "Social Security Office").await;
    let a = new_agency(&store, "กรมการจัดหางาน", "Department of Employment").await;
    assert_eq!(store.agencies().await.unwrap(), vec![a.clone(), b.clone()]);
    assert_eq!(store.agency(b.id).await.unwrap(), Some(b.clone()));
    assert_eq!(store.agency(Uuid::now_v7()).await.unwrap(), None);
    assert_eq!(a.ministry_th, "กระทรวงของกรมการจัดหางาน");

    let admin = new_user(&store, "Admin.One", Role::Admin, None).await;
    let reviewer = new_user(&store, "reviewer_1", Role::Reviewer, None).await;
    let officer = new_user(&store, "officer.b", Role::Agency, Some(&b)).await;
    for u in [&admin, &reviewer, &officer] {
        assert!(u.must_change_credentials && !u.disabled);
        assert_eq!(u.created_at, now());
        assert_eq!(store.user(u.id).await.unwrap().as_ref(), Some(u));
        assert!(store.notifications(u.id, 10).await.unwrap().is_empty());
    }
    assert_eq!(officer.agency_id, Some(b.id));
    assert_eq!(officer.role, Role::Agency);
    assert_eq!(admin.password_hash, FAKE_HASH);
    assert_eq!(store.user(Uuid::now_v7()).await.unwrap(), None);
    assert_eq!(
        store
            .user_by_username("admin.one")
            .await
            .unwrap()
            .map(|u| u.id),
        Some(admin.id)
    );
    assert_eq!(store.user_by_username("nobody").await.unwrap(), None);

    // One welcome e-mail per account, to its address, with the notice's texts.
    let mails = store.outbox(None, 100).await.unwrap();
    assert_eq!(mails.len(), 3);
    let mail = mails
        .iter()
        .find(|m| m.to == "reviewer_1@example.go.th")
        .unwrap();
    let notice = welcome("reviewer_1");
    assert_eq!(mail.subject, notice.subject());
    // The letter greets the account by its display name and links to the login page.
    assert_eq!(mail.body, notice.email_body(&reviewer.display_name));
    assert!(mail.body.starts_with("เรียน คุณ reviewer_1\n"));
    assert!(mail.body.contains("https://onboard.example.go.th/\n"));
    // To the account, which the row names; the password is marked as the secret.
    assert_eq!(mail.recipient, Some(reviewer.id));
    assert_eq!(mail.eservice_id, None);
    assert_eq!(mail.secret.as_deref(), Some(INITIAL_PASSWORD));
    assert!(mail.body.contains(INITIAL_PASSWORD));
    let shown = mail.redacted();
    assert!(!shown.body.contains(INITIAL_PASSWORD));
    assert_eq!(mail.kind, NoticeKind::AccountCreated);
    assert_eq!(mail.status, OutboxStatus::Pending);
    assert_eq!((mail.attempts, mail.last_error.as_deref()), (0, None));
    assert_eq!(mail.created_at, now());
    assert!(mail.next_attempt_at <= now());

    // An agency that does not exist.
    let missing = Agency {
        id: Uuid::now_v7(),
        ..a.clone()
    };
    let r = store
        .create_user(
            new_user_input("ghost", Role::Agency, Some(missing.id)),
            welcome("ghost"),
        )
        .await;
    assert_eq!(err_code(r), "not_found");
    assert_eq!(store.outbox(None, 100).await.unwrap().len(), 3);
}

/// Usernames are unique compared case-insensitively; lookups ignore case too.
pub async fn username_is_unique_case_insensitively(store: Arc<dyn Store>) {
    let a = new_agency(&store, "กรมที่ดิน", "Department of Lands").await;
    let first = new_user(&store, "Somchai.K", Role::Agency, Some(&a)).await;
    for taken in ["Somchai.K", "somchai.k", "SOMCHAI.K"] {
        let r = store
            .create_user(new_user_input(taken, Role::Reviewer, None), welcome(taken))
            .await;
        assert!(
            matches!(r, Err(StoreError::Duplicate("username"))),
            "{taken}: {r:?}"
        );
    }
    let found = store.user_by_username("sOmChAi.k").await.unwrap().unwrap();
    assert_eq!((found.id, found.username.as_str()), (first.id, "Somchai.K"));
    // A failed create queued no e-mail.
    assert_eq!(store.outbox(None, 100).await.unwrap().len(), 1);
}

/// The first login replaces username and password and clears the flag.
pub async fn first_login(store: Arc<dyn Store>) {
    let a = new_agency(&store, "กรมการขนส่งทางบก", "Department of Land Transport").await;
    let u = new_user(&store, "u8f3k2", Role::Agency, Some(&a)).await;
    let other = new_user(&store, "x7a1b9", Role::Agency, Some(&a)).await;
    let hash = onboard_store::password::hash_password("NewPassw0rd").unwrap();

    let done = store
        .complete_first_login(u.id, "Malee.S", &hash)
        .await
        .unwrap();
    assert!(!done.must_change_credentials);
    assert_eq!(done.username, "Malee.S");
    assert!(onboard_store::password::verify_password(
        "NewPassw0rd",
        &done.password_hash
    ));
    assert_eq!(store.user(u.id).await.unwrap(), Some(done.clone()));
    assert_eq!(store.user_by_username("u8f3k2").await.unwrap(), None);
    assert_eq!(
        store
            .user_by_username("malee.s")
            .await
            .unwrap()
            .map(|u| u.id),
        Some(u.id)
    );

    // Another account may not take the name in any case, nor an initial one.
    let r = store
        .complete_first_login(other.id, "MALEE.s", FAKE_HASH)
        .await;
    assert!(matches!(r, Err(StoreError::Duplicate("username"))), "{r:?}");
    let r = store
        .complete_first_login(other.id, "u8f3k2", FAKE_HASH)
        .await;
    assert!(r.is_ok(), "the released name is free again: {r:?}");
    let still = store.user(other.id).await.unwrap().unwrap();
    assert!(!still.must_change_credentials);
    // Keeping one's own name (another case) is fine.
    let r = store
        .complete_first_login(u.id, "malee.S", &hash)
        .await
        .unwrap();
    assert_eq!(r.username, "malee.S");

    let r = store
        .complete_first_login(Uuid::now_v7(), "nobody", FAKE_HASH)
        .await;
    assert_eq!(err_code(r), "not_found");
}

/// Sessions are found by token hash until they expire or are revoked.
pub async fn sessions_expire_and_are_revoked(store: Arc<dyn Store>) {
    let u = new_user(&store, "reviewer.s", Role::Reviewer, None).await;
    let token = onboard_store::password::new_token();
    let session = Session {
        token_hash: onboard_store::password::token_hash(&token),
        user_id: u.id,
        created_at: now(),
        expires_at: now() + Duration::hours(8),
    };
    store.create_session(session.clone()).await.unwrap();
    let other = Session {
        token_hash: onboard_store::password::token_hash("another token"),
        ..session.clone()
    };
    store.create_session(other.clone()).await.unwrap();

    let (s, user) = store
        .session(&session.token_hash, now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((s, user.id), (session.clone(), u.id));
    let at_expiry = session.expires_at;
    assert!(store
        .session(&session.token_hash, at_expiry - Duration::seconds(1))
        .await
        .unwrap()
        .is_some());
    assert!(store
        .session(&session.token_hash, at_expiry)
        .await
        .unwrap()
        .is_none());
    assert!(store
        .session(&session.token_hash, at_expiry + Duration::days(1))
        .await
        .unwrap()
        .is_none());
    assert!(store
        .session("no such hash", now())
        .await
        .unwrap()
        .is_none());

    store
        .revoke_session(&session.token_hash, now())
        .await
        .unwrap();
    assert!(store
        .session(&session.token_hash, now())
        .await
        .unwrap()
        .is_none());
    store
        .revoke_session(&session.token_hash, now())
        .await
        .unwrap();
    store.revoke_session("never existed", now()).await.unwrap();
    // Revoking one session leaves the user's others alone.
    assert!(store
        .session(&other.token_hash, now())
        .await
        .unwrap()
        .is_some());
}

/// A password change sets the new hash and revokes every session of the account but the one
/// it was made from; other accounts' sessions stay.
pub async fn password_change_keeps_only_the_current_session(store: Arc<dyn Store>) {
    let a = new_agency(&store, "กรมสรรพากร", "The Revenue Department").await;
    let u = new_user(&store, "somying.r", Role::Agency, Some(&a)).await;
    let other_user = new_user(&store, "somsak.r", Role::Agency, Some(&a)).await;
    let session = |user: &User, token: &str| Session {
        token_hash: onboard_store::password::token_hash(token),
        user_id: user.id,
        created_at: now(),
        expires_at: now() + Duration::hours(8),
    };
    let current = session(&u, "the session of the change");
    let laptop = session(&u, "a second login");
    let phone = session(&u, "a third login");
    let theirs = session(&other_user, "another account's login");
    for s in [&current, &laptop, &phone, &theirs] {
        store.create_session(s.clone()).await.unwrap();
    }
    let alive = |s: &Session| {
        let store = store.clone();
        let hash = s.token_hash.clone();
        async move { store.session(&hash, now()).await.unwrap().is_some() }
    };

    let hash = onboard_store::password::hash_password("Changed2027x").unwrap();
    store
        .change_password(u.id, &hash, Some(&current.token_hash), now())
        .await
        .unwrap();
    let changed = store.user(u.id).await.unwrap().unwrap();
    assert_eq!(changed.password_hash, hash);
    assert!(onboard_store::password::verify_password(
        "Changed2027x",
        &changed.password_hash
    ));
    // Nothing else of the account changed.
    assert_eq!(
        (changed.username.as_str(), changed.must_change_credentials),
        (u.username.as_str(), u.must_change_credentials)
    );
    assert!(alive(&current).await, "the session of the change remains");
    assert!(!alive(&laptop).await, "another session is revoked");
    assert!(!alive(&phone).await, "another session is revoked");
    assert!(alive(&theirs).await, "another account is not touched");
    assert_eq!(
        store
            .user(other_user.id)
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        other_user.password_hash
    );

    // Without a session to keep, every session of the account goes.
    store
        .change_password(u.id, FAKE_HASH, None, now())
        .await
        .unwrap();
    assert_eq!(
        store.user(u.id).await.unwrap().unwrap().password_hash,
        FAKE_HASH
    );
    assert!(!alive(&current).await);
    assert!(alive(&theirs).await);

    // An unknown account is not found, and changes nothing.
    let r = store
        .change_password(Uuid::now_v7(), &hash, Some(&theirs.token_hash), now())
        .await;
    assert_eq!(err_code(r), "not_found");
    assert!(alive(&theirs).await);
}

/// A session of `user` made at [`now`] for eight hours, stored.
async fn open_session(store: &Arc<dyn Store>, user: &User, token: &str) -> Session {
    let session = Session {
        token_hash: onboard_store::password::token_hash(token),
        user_id: user.id,
        created_at: now(),
        expires_at: now() + Duration::hours(8),
    };
    store.create_session(session.clone()).await.unwrap();
    session
}

/// Whether a session is still good at [`now`].
async fn is_alive(store: &Arc<dyn Store>, session: &Session) -> bool {
    store
        .session(&session.token_hash, now())
        .await
        .unwrap()
        .is_some()
}

/// The usernames of a page of accounts, in order.
async fn usernames(store: &Arc<dyn Store>, query: UserQuery) -> (Vec<String>, u64) {
    let page = store.users(&query).await.unwrap();
    let names = page.items.iter().map(|u| u.username.clone()).collect();
    (names, page.total)
}

/// `GET /users` (SPEC §10): every account, disabled ones too, by username compared
/// case-insensitively; `q` is contained in the username, display name or e-mail in any
/// case of ASCII letters (Thai too); role and agency filter; pages of `per_page`.
pub async fn users_are_listed_filtered_and_paged(store: Arc<dyn Store>) {
    let rd = new_agency(&store, "กรมสรรพากร", "The Revenue Department").await;
    let dlt = new_agency(&store, "กรมการขนส่งทางบก", "Department of Land Transport").await;
    let admin = new_user(&store, "Zed.Admin", Role::Admin, None).await;
    new_user(&store, "reviewer.a", Role::Reviewer, None).await;
    let somying = new_user(&store, "somying.r", Role::Agency, Some(&rd)).await;
    new_user(&store, "Anan.T", Role::Agency, Some(&dlt)).await;
    new_user(&store, "boonmee", Role::Agency, Some(&rd)).await;
    store.disable_user(somying.id, now()).await.unwrap();
    let all = |q: UserQuery| usernames(&store, q);

    let (names, total) = all(UserQuery::default()).await;
    assert_eq!(
        names,
        ["Anan.T", "boonmee", "reviewer.a", "somying.r", "Zed.Admin"]
    );
    assert_eq!(total, 5);
    // The hash never matters to a listing, but the account is the stored one.
    let page = store.users(&UserQuery::default()).await.unwrap();
    assert_eq!(page.items[4], store.user(admin.id).await.unwrap().unwrap());
    assert!(page.items[3].disabled, "disabled accounts are listed");
    assert_eq!((page.page, page.per_page), (1, 20));

    let by = |q: &str| UserQuery {
        q: Some(q.to_owned()),
        ..UserQuery::default()
    };
    // Username, display name ("คุณ ..."), e-mail; any case; surrounding spaces ignored.
    assert_eq!(all(by("ANAN")).await, (vec!["Anan.T".to_owned()], 1));
    assert_eq!(all(by(" zed. ")).await, (vec!["Zed.Admin".to_owned()], 1));
    assert_eq!(all(by("คุณ boon")).await, (vec!["boonmee".to_owned()], 1));
    assert_eq!(
        all(by("@EXAMPLE.go.th")).await.1,
        5,
        "every e-mail of the suite"
    );
    assert_eq!(all(by("nobody")).await, (vec![], 0));
    // Metacharacters are literal.
    assert_eq!(all(by("%")).await.1, 0);
    assert_eq!(all(by("_")).await.1, 0);
    assert_eq!(all(by("   ")).await.1, 5, "a blank query is no filter");

    let (names, _) = all(UserQuery {
        role: Some(Role::Agency),
        ..UserQuery::default()
    })
    .await;
    assert_eq!(names, ["Anan.T", "boonmee", "somying.r"]);
    let (names, _) = all(UserQuery {
        agency_id: Some(rd.id),
        ..UserQuery::default()
    })
    .await;
    assert_eq!(names, ["boonmee", "somying.r"]);
    let (names, _) = all(UserQuery {
        agency_id: Some(rd.id),
        q: Some("boon".into()),
        role: Some(Role::Agency),
        ..UserQuery::default()
    })
    .await;
    assert_eq!(names, ["boonmee"]);
    assert_eq!(
        all(UserQuery {
            role: Some(Role::Reviewer),
            agency_id: Some(rd.id),
            ..UserQuery::default()
        })
        .await
        .1,
        0
    );

    // Pages of two; past the end: no rows, the total still counted.
    let paged = |page| UserQuery {
        page,
        per_page: 2,
        ..UserQuery::default()
    };
    assert_eq!(
        all(paged(1)).await,
        (vec!["Anan.T".into(), "boonmee".into()], 5)
    );
    assert_eq!(all(paged(3)).await, (vec!["Zed.Admin".to_owned()], 5));
    assert_eq!(all(paged(4)).await, (vec![], 5));
    // Out-of-range paging is clamped like the e-Service list's.
    let page = store
        .users(&UserQuery {
            page: 0,
            per_page: 1000,
            ..UserQuery::default()
        })
        .await
        .unwrap();
    assert_eq!((page.page, page.per_page, page.items.len()), (1, 100, 5));
}

/// A credentials reset sets the new hash and the first login again, keeps the username,
/// ends every session of the account and queues the e-mail with the new password to the
/// account's address, all at once; an unknown account changes nothing.
pub async fn credentials_reset_ends_every_session_and_queues_the_email(store: Arc<dyn Store>) {
    let a = new_agency(
        &store,
        "กรมการปกครอง",
        "Department of Provincial Administration",
    )
    .await;
    let u = new_user(&store, "malee.s", Role::Agency, Some(&a)).await;
    let other = new_user(&store, "chai.d", Role::Agency, Some(&a)).await;
    let done = store
        .complete_first_login(u.id, "Malee.Chosen", FAKE_HASH)
        .await
        .unwrap();
    assert!(!done.must_change_credentials);
    let laptop = open_session(&store, &u, "laptop").await;
    let phone = open_session(&store, &u, "phone").await;
    let theirs = open_session(&store, &other, "their laptop").await;
    let before = store.outbox(None, 100).await.unwrap().len();

    let hash = onboard_store::password::hash_password("Reset2027Init").unwrap();
    let notice = notify::credentials_reset(Uuid::nil(), "Malee.Chosen", "Reset2027Init", &mail());
    let at = now() + Duration::minutes(5);
    let reset = store
        .reset_credentials(u.id, &hash, notice.clone(), at)
        .await
        .unwrap();
    assert_eq!(reset.username, "Malee.Chosen", "the username stays");
    assert!(reset.must_change_credentials, "the first login again");
    assert!(!reset.disabled);
    assert_eq!(reset.password_hash, hash);
    assert_eq!(store.user(u.id).await.unwrap(), Some(reset.clone()));
    assert!(!is_alive(&store, &laptop).await);
    assert!(!is_alive(&store, &phone).await);
    assert!(
        is_alive(&store, &theirs).await,
        "another account is not touched"
    );
    // A session opened after the reset works (for the first login).
    let fresh = open_session(&store, &u, "after the reset").await;
    assert!(is_alive(&store, &fresh).await);

    // One e-mail more: the letter to the account's address, the password marked secret.
    let mails = store.outbox(None, 100).await.unwrap();
    assert_eq!(mails.len(), before + 1);
    let mail = &mails[0];
    assert_eq!(mail.kind, NoticeKind::CredentialsReset);
    assert_eq!(mail.to, u.email);
    assert_eq!(mail.recipient, Some(u.id));
    assert_eq!(mail.eservice_id, None);
    assert_eq!(mail.subject, notice.subject());
    assert_eq!(mail.body, notice.email_body(&u.display_name));
    assert_eq!(mail.secret.as_deref(), Some("Reset2027Init"));
    assert!(!mail.redacted().body.contains("Reset2027Init"));
    assert_eq!((mail.status, mail.created_at), (OutboxStatus::Pending, at));
    // Never a portal notification.
    assert!(store.notifications(u.id, 10).await.unwrap().is_empty());

    let r = store
        .reset_credentials(Uuid::now_v7(), &hash, notice, at)
        .await;
    assert_eq!(err_code(r), "not_found");
    assert_eq!(store.outbox(None, 100).await.unwrap().len(), before + 1);
}

/// Disabling ends every session of the account at once, and the account is not found by
/// its sessions; enabling lets it log in again (old sessions stay ended). Both are
/// idempotent; unknown accounts are not found.
pub async fn disabled_accounts_lose_their_sessions_until_enabled(store: Arc<dyn Store>) {
    let a = new_agency(&store, "กรมที่ดิน", "Department of Lands").await;
    let u = new_user(&store, "somsak.t", Role::Agency, Some(&a)).await;
    let other = new_user(&store, "wichai.t", Role::Agency, Some(&a)).await;
    let s1 = open_session(&store, &u, "one").await;
    let s2 = open_session(&store, &u, "two").await;
    let theirs = open_session(&store, &other, "theirs").await;

    let disabled = store.disable_user(u.id, now()).await.unwrap();
    assert!(disabled.disabled);
    assert_eq!(
        (disabled.username.as_str(), disabled.password_hash.as_str()),
        (u.username.as_str(), u.password_hash.as_str())
    );
    assert_eq!(store.user(u.id).await.unwrap(), Some(disabled.clone()));
    assert!(!is_alive(&store, &s1).await && !is_alive(&store, &s2).await);
    assert!(is_alive(&store, &theirs).await);
    // Again: no change, no error.
    assert_eq!(store.disable_user(u.id, now()).await.unwrap(), disabled);

    let enabled = store.enable_user(u.id).await.unwrap();
    assert!(!enabled.disabled);
    assert_eq!(store.user(u.id).await.unwrap(), Some(enabled.clone()));
    assert!(!is_alive(&store, &s1).await, "ended sessions stay ended");
    let s3 = open_session(&store, &u, "three").await;
    assert!(is_alive(&store, &s3).await);
    assert_eq!(store.enable_user(u.id).await.unwrap(), enabled);
    // Disabling and enabling send no e-mail.
    assert_eq!(store.outbox(None, 100).await.unwrap().len(), 2);

    assert_eq!(
        err_code(store.disable_user(Uuid::now_v7(), now()).await),
        "not_found"
    );
    assert_eq!(
        err_code(store.enable_user(Uuid::now_v7()).await),
        "not_found"
    );
}

/// Nobody disables the last enabled admin (SPEC §10); a disabled admin does not count, an
/// admin before the first login does; reviewers and officers are not admins.
pub async fn the_last_enabled_admin_cannot_be_disabled(store: Arc<dyn Store>) {
    let a = new_agency(&store, "กรมสรรพากร", "The Revenue Department").await;
    let first = new_user(&store, "admin.one", Role::Admin, None).await;
    new_user(&store, "reviewer.one", Role::Reviewer, None).await;
    new_user(&store, "officer.one", Role::Agency, Some(&a)).await;
    let session = open_session(&store, &first, "the admin's").await;

    let r = store.disable_user(first.id, now()).await;
    assert!(matches!(r, Err(StoreError::LastAdmin)), "{r:?}");
    let unchanged = store.user(first.id).await.unwrap().unwrap();
    assert!(!unchanged.disabled);
    assert!(
        is_alive(&store, &session).await,
        "a refusal ends no session"
    );

    // A second admin (first login not done yet) makes the first one free to go.
    let second = new_user(&store, "admin.two", Role::Admin, None).await;
    assert!(second.must_change_credentials);
    store.disable_user(first.id, now()).await.unwrap();
    let r = store.disable_user(second.id, now()).await;
    assert!(matches!(r, Err(StoreError::LastAdmin)), "{r:?}");
    // Enabling the first again frees the second.
    store.enable_user(first.id).await.unwrap();
    store.disable_user(second.id, now()).await.unwrap();
    // A disabled admin may be disabled again: it is not the last enabled one.
    store.disable_user(second.id, now()).await.unwrap();
}

/// The last-admin check and the change are one atomic step: two admins disabling each
/// other at the same moment leave exactly one enabled, round after round.
pub async fn admins_disabling_each_other_at_once_leave_one_admin(store: Arc<dyn Store>) {
    let a = new_user(&store, "admin.a", Role::Admin, None).await;
    let b = new_user(&store, "admin.b", Role::Admin, None).await;
    for round in 0..10 {
        let (sa, sb) = (store.clone(), store.clone());
        let one = tokio::spawn(async move { sa.disable_user(b.id, now()).await });
        let two = tokio::spawn(async move { sb.disable_user(a.id, now()).await });
        let results = [one.await.unwrap(), two.await.unwrap()];
        let done = results.iter().filter(|r| r.is_ok()).count();
        let refused = results
            .iter()
            .filter(|r| matches!(r, Err(StoreError::LastAdmin)))
            .count();
        assert_eq!((done, refused), (1, 1), "round {round}: {results:?}");
        let enabled = store
            .users(&UserQuery {
                role: Some(Role::Admin),
                ..UserQuery::default()
            })
            .await
            .unwrap()
            .items
            .into_iter()
            .filter(|u| !u.disabled)
            .count();
        assert_eq!(enabled, 1, "round {round}");
        store.enable_user(a.id).await.unwrap();
        store.enable_user(b.id).await.unwrap();
    }
}

/// An admin corrects an agency's four names; lists and search follow at once; an unknown
/// agency is not found.
pub async fn agency_names_are_corrected(store: Arc<dyn Store>) {
    let a = new_agency(&store, "กรมสรรพกร", "Revenue Dept").await;
    let b = new_agency(&store, "กรมที่ดิน", "Department of Lands").await;
    let officer = new_user(&store, "officer.rd", Role::Agency, Some(&a)).await;
    let svc = store
        .create_eservice(
            &officer.actor(),
            Some(a.id),
            "ระบบยื่นภาษีออนไลน์",
            &["ยื่นแบบ ภ.ง.ด.90".to_owned()],
            &ctx(),
        )
        .await
        .unwrap();
    let names = NewAgency {
        name_th: "กรมสรรพากร".into(),
        name_en: "The Revenue Department".into(),
        ministry_th: "กระทรวงการคลัง".into(),
        ministry_en: "Ministry of Finance".into(),
    };
    let updated = store.update_agency(a.id, names.clone()).await.unwrap();
    assert_eq!(
        updated,
        Agency {
            id: a.id,
            name_th: names.name_th.clone(),
            name_en: names.name_en.clone(),
            ministry_th: names.ministry_th.clone(),
            ministry_en: names.ministry_en.clone(),
        }
    );
    assert_eq!(store.agency(a.id).await.unwrap(), Some(updated.clone()));
    assert_eq!(store.agency(b.id).await.unwrap(), Some(b.clone()));
    // Sorted by the new Thai name.
    assert_eq!(store.agencies().await.unwrap(), vec![b.clone(), updated]);
    // The e-Service list and search know the new names at once, not the old ones.
    let item = store
        .list(&ListQuery::default(), Scope::All, today())
        .await
        .unwrap()
        .items
        .remove(0);
    assert_eq!(
        (
            item.id,
            item.agency_name_th.as_str(),
            item.ministry_th.as_str()
        ),
        (svc.id(), "กรมสรรพากร", "กระทรวงการคลัง")
    );
    assert_eq!(
        search_names(&store, "กรมสรรพากร", Scope::All).await,
        ["ระบบยื่นภาษีออนไลน์"]
    );
    assert_eq!(
        search_names(&store, "revenue department", Scope::All).await,
        ["ระบบยื่นภาษีออนไลน์"]
    );
    assert!(search_names(&store, "Revenue Dept", Scope::All)
        .await
        .is_empty());

    let r = store.update_agency(Uuid::now_v7(), names).await;
    assert_eq!(err_code(r), "not_found");
}

/// Attempts are counted per username (any case) within the sliding 15-minute window; a
/// refused attempt is not counted; clearing forgets one username's failures only.
pub async fn login_attempts_window(store: Arc<dyn Store>) {
    let t = now();
    let minutes = Duration::minutes;
    for m in [20, 10, 5] {
        assert_eq!(
            store
                .begin_login_attempt("Somchai", t - minutes(m))
                .await
                .unwrap(),
            Ok(())
        );
    }
    assert_eq!(
        store.begin_login_attempt("someone.else", t).await.unwrap(),
        Ok(())
    );
    // At t the 20-minute-old failure has left the window: three more go ahead.
    for name in ["SOMCHAI", "somchai", "SomChai"] {
        assert_eq!(store.begin_login_attempt(name, t).await.unwrap(), Ok(()));
    }
    // The sixth waits until the 10-minute-old failure leaves the window.
    assert_eq!(
        store.begin_login_attempt("somchai", t).await.unwrap(),
        Err(minutes(5))
    );
    // Refused attempts were not counted: five minutes later one more goes ahead (a failure
    // exactly 15 minutes old has left the window), then the next waits again.
    let later = t + minutes(5);
    assert_eq!(
        store.begin_login_attempt("somchai", later).await.unwrap(),
        Ok(())
    );
    assert_eq!(
        store.begin_login_attempt("somchai", later).await.unwrap(),
        Err(minutes(5))
    );
    // Another username has its own count.
    assert_eq!(
        store
            .begin_login_attempt("someone.else", later)
            .await
            .unwrap(),
        Ok(())
    );

    store.clear_login_failures("somCHAI").await.unwrap();
    for _ in 0..5 {
        assert_eq!(
            store.begin_login_attempt("somchai", later).await.unwrap(),
            Ok(())
        );
    }
    assert_eq!(
        store.begin_login_attempt("somchai", later).await.unwrap(),
        Err(minutes(15))
    );
    // The other username's two failures were kept: three more, then it waits until its
    // oldest (at t) leaves the window.
    for _ in 0..3 {
        assert_eq!(
            store
                .begin_login_attempt("someone.else", later)
                .await
                .unwrap(),
            Ok(())
        );
    }
    assert_eq!(
        store
            .begin_login_attempt("someone.else", later)
            .await
            .unwrap(),
        Err(minutes(10))
    );
}

/// The check and the count are one atomic step (SPEC §10): of 50 attempts for one username
/// sent at once, exactly 5 go ahead.
pub async fn login_attempts_race(store: Arc<dyn Store>) {
    let attempts: Vec<_> = (0..50)
        .map(|i| {
            let store = store.clone();
            // Spelled differently: the count is of the username, not of the spelling.
            let name = if i % 2 == 0 { "Racer.One" } else { "racer.one" };
            tokio::spawn(async move { store.begin_login_attempt(name, now()).await })
        })
        .collect();
    let mut allowed = 0;
    for attempt in attempts {
        match attempt.await.unwrap().unwrap() {
            Ok(()) => allowed += 1,
            Err(wait) => assert_eq!(wait, Duration::minutes(15)),
        }
    }
    assert_eq!(allowed, onboard_core::account::throttle::MAX_FAILURES);
    assert_eq!(
        store.begin_login_attempt("racer.two", now()).await.unwrap(),
        Ok(())
    );
}

// ---------------------------------------------------------------------------------------
// e-Services and commands
// ---------------------------------------------------------------------------------------

/// Creation through the core: version 1, one `created` event, visible to its agency and
/// staff only; unknown agency, wrong role and invalid input change nothing.
pub async fn create_eservice_and_read_back(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let svc = w.eservice("ระบบแจ้งเตือนสิทธิสวัสดิการ").await;
    assert_eq!(svc.version(), 1);
    assert_eq!(svc.agency_id(), w.agency.id);
    assert_eq!(svc.id().get_version_num(), 7, "ids are UUID v7");
    assert_eq!(svc.step(Step::Credential).status, StepStatus::InProgress);
    assert!(Step::ALL[1..]
        .iter()
        .all(|s| svc.step(*s).status == StepStatus::Locked));
    assert_eq!((svc.created_at(), svc.updated_at()), (now(), now()));

    assert_eq!(
        store.eservice(svc.id(), Scope::All).await.unwrap(),
        Some(svc.clone())
    );
    assert_eq!(
        store
            .eservice(svc.id(), Scope::Agency(w.agency.id))
            .await
            .unwrap(),
        Some(svc.clone())
    );
    assert_eq!(
        store
            .eservice(svc.id(), Scope::Agency(w.other_agency.id))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store.eservice(Uuid::now_v7(), Scope::All).await.unwrap(),
        None
    );

    let events = store.events(svc.id()).await.unwrap();
    assert_eq!(events.len(), 1);
    assert!(matches!(events[0].event.change, Change::Created { .. }));
    assert_eq!(
        (events[0].event.version, events[0].event.actor),
        (1, w.officer.id)
    );
    assert!(store.events(Uuid::now_v7()).await.unwrap().is_empty());

    // An admin creates for any existing agency.
    let by_admin = store
        .create_eservice(
            &w.admin.actor(),
            Some(w.other_agency.id),
            "ระบบภาษี",
            &["ยื่นภาษี".into()],
            &ctx(),
        )
        .await
        .unwrap();
    assert_eq!(by_admin.agency_id(), w.other_agency.id);

    let services = ["งาน".to_owned()];
    let attempts = [
        (w.admin.actor(), Uuid::now_v7(), "ระบบ", "not_found"),
        (w.outsider.actor(), w.agency.id, "ระบบ", "forbidden"),
        (w.reviewer.actor(), w.agency.id, "ระบบ", "forbidden"),
        (w.officer.actor(), w.agency.id, "   ", "validation_failed"),
    ];
    for (actor, agency, name, expected) in attempts {
        let r = store
            .create_eservice(&actor, Some(agency), name, &services, &ctx())
            .await;
        assert_eq!(err_code(r), expected, "{name} by {:?}", actor.role());
    }
    let r = store
        .create_eservice(&w.officer.actor(), Some(w.agency.id), "ระบบ", &[], &ctx())
        .await;
    assert_eq!(err_code(r), "validation_failed");
    // Naming no agency: an officer's own; an admin must name one (on `agency_id`).
    let own = store
        .create_eservice(&w.officer.actor(), None, "ระบบของกรม", &services, &ctx())
        .await
        .unwrap();
    assert_eq!(own.agency_id(), w.agency.id);
    let r = store
        .create_eservice(&w.admin.actor(), None, "ระบบ", &services, &ctx())
        .await;
    match r {
        Err(StoreError::Command(CommandError::Invalid(report))) => {
            assert_eq!(report.errors[0].field, "agency_id")
        }
        other => panic!("an admin naming no agency: {other:?}"),
    }
    let all = store
        .list(&ListQuery::default(), Scope::All, today())
        .await
        .unwrap();
    assert_eq!(all.total, 3);
}

/// The store writes no account that could not act (an officer without an agency, staff
/// with one), whatever its caller checked before.
pub async fn accounts_that_cannot_act_are_refused(store: Arc<dyn Store>) {
    let agency = new_agency(&store, "กรมการจัดหางาน", "Department of Employment").await;
    for (name, role, agency_id) in [
        ("officer.none", Role::Agency, None),
        ("reviewer.with", Role::Reviewer, Some(agency.id)),
        ("admin.with", Role::Admin, Some(agency.id)),
    ] {
        let r = store
            .create_user(new_user_input(name, role, agency_id), welcome(name))
            .await;
        assert!(matches!(r, Err(StoreError::Backend(_))), "{name}: {r:?}");
        assert_eq!(store.user_by_username(name).await.unwrap(), None, "{name}");
    }
    // Nothing half-written: no welcome e-mail either.
    assert!(store.outbox(None, 10).await.unwrap().is_empty());
}

/// All seven steps through `execute` with real uploads and the core's payload fixtures:
/// the events, notifications and e-mails of every step.
pub async fn seven_step_walk(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let files = Uploads::new(&store, &w.officer).await;
    let svc = w.eservice("ระบบแจ้งเตือนสิทธิสวัสดิการ").await;
    let id = svc.id();
    let (officer, reviewer) = (w.officer.actor(), w.reviewer.actor());
    let staff = [&w.admin, &w.reviewer];
    let agency_users = [&w.officer, &w.colleague];

    // Runs one command and checks what it wrote: event kinds, and notifications per user
    // (staff, agency); every notification comes with one e-mail; and e-mails to addresses
    // without an account.
    let step =
        |actor, command: Command, kinds: &'static [&'static str], notes: (usize, usize, usize)| {
            let w = &w;
            async move {
                let before = w.tally(id).await;
                let state = w
                    .store
                    .execute(id, &actor, command, None, &ctx())
                    .await
                    .unwrap_or_else(|e| panic!("{kinds:?}: {e:?}"));
                let after = w.tally(id).await;
                assert_eq!(state.version(), before.version + 1);
                assert_eq!(after.version, state.version());
                let events = w.store.events(id).await.unwrap();
                let new: Vec<&str> = events[before.events..]
                    .iter()
                    .map(|e| e.event.change.kind())
                    .collect();
                assert_eq!(new, kinds);
                assert!(events[before.events..]
                    .iter()
                    .all(|e| e.event.version == state.version()));
                for u in staff {
                    assert_eq!(
                        after.new_notes(&before, u),
                        notes.0,
                        "{kinds:?} to {}",
                        u.username
                    );
                }
                for u in agency_users {
                    assert_eq!(
                        after.new_notes(&before, u),
                        notes.1,
                        "{kinds:?} to {}",
                        u.username
                    );
                }
                assert_eq!(after.new_notes(&before, &w.outsider), 0);
                assert_eq!(
                    after.outbox - before.outbox,
                    2 * notes.0 + 2 * notes.1 + notes.2
                );
                assert_eq!(
                    w.store.eservice(id, Scope::All).await.unwrap(),
                    Some(state.clone())
                );
                state
            }
        };
    let approve = |step| Command::Approve {
        step,
        note: None,
        credentials: None,
        update_agency: false,
    };

    // 1. credential: draft, submit the saved draft, approve (UAT credentials).
    let s = step(
        officer,
        Command::SaveDraft {
            step: Step::Credential,
            payload: files.payload(Step::Credential),
        },
        &["draft_saved"],
        (0, 0, 0),
    )
    .await;
    assert_eq!(s.step(Step::Credential).status, StepStatus::InProgress);
    let s = step(
        officer,
        Command::Submit {
            step: Step::Credential,
            payload: None,
        },
        &["submitted"],
        (1, 0, 0),
    )
    .await;
    assert_eq!(s.step(Step::Credential).status, StepStatus::UnderReview);
    let note = &store.notifications(w.reviewer.id, 1).await.unwrap()[0];
    assert_eq!(
        (note.kind, note.eservice_id, note.at),
        (NoticeKind::Submitted, Some(id), now())
    );
    assert!(note.title_th.contains("ระบบแจ้งเตือนสิทธิสวัสดิการ"));
    assert_eq!(note.read_at, None);
    let s = step(
        reviewer,
        approve(Step::Credential),
        &["approved", "credentials_issued"],
        (0, 2, 0),
    )
    .await;
    assert!(s.credentials().uat.is_some());
    assert_eq!(s.current_step(), Step::UatSetup);
    let kinds: Vec<NoticeKind> = store
        .notifications(w.colleague.id, 10)
        .await
        .unwrap()
        .iter()
        .map(|n| n.kind)
        .collect();
    assert_eq!(
        kinds,
        [NoticeKind::CredentialsIssued, NoticeKind::Approved],
        "newest first"
    );

    // 2. uat-setup.
    step(
        officer,
        Command::Submit {
            step: Step::UatSetup,
            payload: Some(files.payload(Step::UatSetup)),
        },
        &["submitted"],
        (1, 0, 0),
    )
    .await;
    step(reviewer, approve(Step::UatSetup), &["approved"], (0, 1, 0)).await;

    // 3. uat-test: a failed attempt, then a passed one.
    let attempt = || Command::AddAttempt {
        step: Step::UatTest,
        input: files.payload(Step::UatTest),
    };
    step(officer, attempt(), &["attempt_added"], (1, 0, 0)).await;
    let s = step(
        reviewer,
        Command::RequestChanges {
            step: Step::UatTest,
            reason: "ผลการทดสอบไม่ครบทุกกรณี".into(),
        },
        &["changes_requested"],
        (0, 1, 0),
    )
    .await;
    assert_eq!(s.step(Step::UatTest).status, StepStatus::ChangesRequested);
    let reason = &store.notifications(w.officer.id, 1).await.unwrap()[0];
    assert_eq!(reason.kind, NoticeKind::ChangesRequested);
    assert!(reason.body_th.contains("ผลการทดสอบไม่ครบทุกกรณี"));
    step(officer, attempt(), &["attempt_added"], (1, 0, 0)).await;
    let s = step(reviewer, approve(Step::UatTest), &["approved"], (0, 1, 0)).await;
    let attempts = &s.step(Step::UatTest).attempts;
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[1].file_id, files.ids["file-result-1"]);

    // 4. platform-request: production credentials; the agency record takes the form's names.
    step(
        officer,
        Command::Submit {
            step: Step::PlatformRequest,
            payload: Some(files.payload(Step::PlatformRequest)),
        },
        &["submitted"],
        (1, 0, 0),
    )
    .await;
    let s = step(
        reviewer,
        Command::Approve {
            step: Step::PlatformRequest,
            note: None,
            credentials: None,
            update_agency: true,
        },
        &["approved", "credentials_issued", "agency_updated"],
        (0, 2, 1),
    )
    .await;
    assert!(s.credentials().production.is_some());
    let events = store.events(s.id()).await.unwrap();
    let updated = events
        .iter()
        .find_map(|e| match &e.event.change {
            Change::AgencyUpdated { previous, names } => Some((previous.clone(), names.clone())),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        updated.0,
        Some(w.agency.names()),
        "the old names are recorded"
    );
    assert_eq!(updated.1.name_th, "กองทัพเรือ");
    let agency = store.agency(w.agency.id).await.unwrap().unwrap();
    assert_eq!(
        (
            agency.name_th.as_str(),
            agency.name_en.as_str(),
            agency.ministry_th.as_str()
        ),
        ("กองทัพเรือ", "Royal Thai Navy", "กระทรวงกลาโหม")
    );

    // 5. preprod-setup: the category becomes official on approval.
    step(
        officer,
        Command::Submit {
            step: Step::PreprodSetup,
            payload: Some(files.payload(Step::PreprodSetup)),
        },
        &["submitted"],
        (1, 0, 0),
    )
    .await;
    let s = step(
        reviewer,
        approve(Step::PreprodSetup),
        &["approved", "category_changed"],
        (0, 1, 0),
    )
    .await;
    assert_eq!(s.category().as_str(), "welfare");

    // 6. preprod-test.
    step(
        officer,
        Command::AddAttempt {
            step: Step::PreprodTest,
            input: files.payload(Step::PreprodTest),
        },
        &["attempt_added"],
        (1, 0, 0),
    )
    .await;
    step(
        reviewer,
        approve(Step::PreprodTest),
        &["approved"],
        (0, 1, 0),
    )
    .await;

    // 7. launch: confirming is final and schedules the release for both sides.
    let s = step(
        officer,
        Command::Submit {
            step: Step::Launch,
            payload: Some(files.payload(Step::Launch)),
        },
        &["submitted", "launch_scheduled"],
        (1, 1, 0),
    )
    .await;
    assert!(s.is_complete());
    let launch_on = s.launch_on().unwrap();
    assert_eq!(s.lifecycle(today()), Lifecycle::Scheduled);
    assert_eq!(
        store.notifications(w.admin.id, 1).await.unwrap()[0].kind,
        NoticeKind::LaunchScheduled
    );

    // The log folds to the stored state; the e-Service is listed as scheduled.
    let events = store.events(id).await.unwrap();
    assert!(events.windows(2).all(|p| p[0].seq < p[1].seq));
    let folded = EService::from_events(events.iter().map(|e| &e.event)).unwrap();
    assert_eq!(Some(folded), store.eservice(id, Scope::All).await.unwrap());
    let launched = store
        .launched(Scope::Agency(w.agency.id), today())
        .await
        .unwrap();
    assert_eq!(launched.len(), 1);
    assert_eq!(
        (launched[0].launch_on, launched[0].lifecycle),
        (Some(launch_on), Lifecycle::Scheduled)
    );
    assert_eq!(launched[0].agency_name_th, "กองทัพเรือ");
    let live = store.launched(Scope::All, launch_on).await.unwrap();
    assert_eq!(live[0].lifecycle, Lifecycle::Live);
    let counts = store.dashboard(Scope::All, launch_on).await.unwrap();
    assert_eq!(
        (counts.total, counts.launched, counts.approved_percent),
        (1, 1, 100)
    );

    // An admin moves the release a week later: both sides are told, and the lists and the
    // dashboard follow the new Tuesday.
    let later = launch_on + chrono::Days::new(7);
    let s = step(
        w.admin.actor(),
        Command::RescheduleLaunch {
            desired_date: later.to_string(),
            reason: "ช่วงงดเผยแพร่ปลายปี".into(),
        },
        &["launch_rescheduled"],
        (1, 1, 0),
    )
    .await;
    assert_eq!(s.launch_on(), Some(later));
    assert_eq!(
        store.notifications(w.officer.id, 1).await.unwrap()[0].kind,
        NoticeKind::LaunchRescheduled
    );
    let launched = store.launched(Scope::All, today()).await.unwrap();
    assert_eq!(launched[0].launch_on, Some(later));
    let counts = store.dashboard(Scope::All, launch_on).await.unwrap();
    assert_eq!(counts.launched, 0, "not live on the old Tuesday any more");
    let counts = store.dashboard(Scope::All, later).await.unwrap();
    assert_eq!(counts.launched, 1);
    let events = store.events(id).await.unwrap();
    let folded = EService::from_events(events.iter().map(|e| &e.event)).unwrap();
    assert_eq!(Some(folded), store.eservice(id, Scope::All).await.unwrap());
}

/// A file of another agency, an unknown id and a non-UUID id are all `file_missing`.
pub async fn foreign_agency_file_is_missing(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let own = Uploads::new(&store, &w.officer).await;
    let foreign = upload(&store, &w.outsider, "icon.png", &png(120, 120, [9, 0, 0])).await;
    let svc = w.eservice("ระบบตรวจสอบสิทธิ").await;
    let before = w.tally(svc.id()).await;
    for icon in [
        foreign.id.to_string(),
        Uuid::now_v7().to_string(),
        "file-icon-1".into(),
    ] {
        let mut payload = own.payload(Step::Credential);
        payload["icon_file_id"] = json!(icon);
        let r = store
            .execute(
                svc.id(),
                &w.officer.actor(),
                Command::Submit {
                    step: Step::Credential,
                    payload: Some(payload),
                },
                None,
                &ctx(),
            )
            .await;
        match r {
            Err(StoreError::Command(CommandError::Invalid(report))) => {
                let issue = report
                    .errors
                    .iter()
                    .find(|i| i.field == "icon_file_id")
                    .unwrap_or_else(|| panic!("no icon issue in {report:?}"));
                assert_eq!(issue.code, Code::FileMissing);
            }
            other => panic!("{icon}: expected validation_failed, got {other:?}"),
        }
    }
    assert_eq!(w.tally(svc.id()).await, before);
    // The agency's own file is accepted, also with blanks around the id.
    let mut payload = own.payload(Step::Credential);
    payload["icon_file_id"] = json!(format!(" {} ", own.ids["file-icon-1"]));
    store
        .execute(
            svc.id(),
            &w.officer.actor(),
            Command::Submit {
                step: Step::Credential,
                payload: Some(payload),
            },
            None,
            &ctx(),
        )
        .await
        .unwrap();
}

/// Every kind of rejection leaves events, version, notifications and e-mails unchanged.
pub async fn rejected_command_writes_nothing(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let files = Uploads::new(&store, &w.officer).await;
    let svc = w.eservice("ระบบจองคิว").await;
    let submitted = store
        .execute(
            svc.id(),
            &w.officer.actor(),
            Command::Submit {
                step: Step::Credential,
                payload: Some(files.payload(Step::Credential)),
            },
            None,
            &ctx(),
        )
        .await
        .unwrap();
    let before = w.tally(svc.id()).await;
    let mut invalid = files.payload(Step::Credential);
    invalid["planned_launch_date"] = json!("2020-01-01");
    let cases: Vec<(&User, Command, Option<u64>, &str)> = vec![
        (
            &w.officer,
            Command::Submit {
                step: Step::UatSetup,
                payload: Some(files.payload(Step::UatSetup)),
            },
            None,
            "invalid_transition",
        ),
        (
            &w.officer,
            Command::Withdraw {
                step: Step::UatSetup,
            },
            None,
            "invalid_transition",
        ),
        (
            &w.reviewer,
            Command::SaveDraft {
                step: Step::Credential,
                payload: json!({}),
            },
            None,
            "forbidden",
        ),
        (
            &w.officer,
            Command::Approve {
                step: Step::Credential,
                note: None,
                credentials: None,
                update_agency: false,
            },
            None,
            "forbidden",
        ),
        (
            &w.reviewer,
            Command::Approve {
                step: Step::Credential,
                note: None,
                credentials: None,
                update_agency: false,
            },
            Some(submitted.version() - 1),
            "version_conflict",
        ),
        (
            &w.reviewer,
            Command::RequestChanges {
                step: Step::Credential,
                reason: "   ".into(),
            },
            None,
            "validation_failed",
        ),
        (
            &w.outsider,
            Command::Withdraw {
                step: Step::Credential,
            },
            None,
            "not_found",
        ),
        (
            &w.officer,
            Command::SaveDraft {
                step: Step::UatSetup,
                payload: json!({}),
            },
            None,
            "invalid_transition",
        ),
        (
            &w.officer,
            Command::UpdateServices { services: vec![] },
            None,
            "invalid_transition",
        ),
    ];
    for (user, command, expected_version, expected) in cases {
        let name = command.kind();
        let r = store
            .execute(svc.id(), &user.actor(), command, expected_version, &ctx())
            .await;
        assert_eq!(err_code(r), expected, "{name} by {}", user.username);
        assert_eq!(w.tally(svc.id()).await, before, "{name} wrote something");
    }
    // Invalid payloads on an open step (after a withdraw, which itself writes).
    store
        .execute(
            svc.id(),
            &w.officer.actor(),
            Command::Withdraw {
                step: Step::Credential,
            },
            None,
            &ctx(),
        )
        .await
        .unwrap();
    let before = w.tally(svc.id()).await;
    let cases: Vec<(Command, &str)> = vec![
        (
            Command::Submit {
                step: Step::Credential,
                payload: Some(invalid),
            },
            "validation_failed",
        ),
        (
            Command::Submit {
                step: Step::Credential,
                payload: None,
            },
            "validation_failed",
        ),
        (
            Command::SaveDraft {
                step: Step::Credential,
                payload: json!({"category": 5}),
            },
            "bad_request",
        ),
        (
            Command::UpdateServices {
                services: vec![" ".into()],
            },
            "validation_failed",
        ),
        (
            Command::AddAttempt {
                step: Step::UatTest,
                input: files.payload(Step::UatTest),
            },
            "invalid_transition",
        ),
    ];
    for (command, expected) in cases {
        let name = command.kind();
        let r = store
            .execute(svc.id(), &w.officer.actor(), command, None, &ctx())
            .await;
        assert_eq!(err_code(r), expected, "{name}");
        assert_eq!(w.tally(svc.id()).await, before, "{name} wrote something");
    }
    let r = store
        .execute(
            Uuid::now_v7(),
            &w.officer.actor(),
            Command::Withdraw {
                step: Step::Credential,
            },
            None,
            &ctx(),
        )
        .await;
    assert_eq!(err_code(r), "not_found");
}

/// Text with NUL or another control character is refused by core before any backend sees
/// it (PostgreSQL would refuse a NUL, SQLite would store it): both answer the same, and
/// nothing is written. Line breaks stay allowed in long text.
pub async fn control_characters_are_refused_alike(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    for name in ["ระบบ\u{0}จองคิว", "ระบบ\u{7}จองคิว", "ระบบ\nจองคิว"]
    {
        let r = store
            .create_eservice(
                &w.officer.actor(),
                Some(w.agency.id),
                name,
                &["ขอรับเงินอุดหนุน".to_owned()],
                &ctx(),
            )
            .await;
        assert_eq!(err_code(r), "validation_failed", "{name:?}");
    }
    let page = store
        .list(&ListQuery::default(), Scope::All, today())
        .await
        .unwrap();
    assert_eq!(page.total, 0, "a refused e-Service was stored");

    let svc = w.eservice("ระบบจองคิว").await;
    let before = w.tally(svc.id()).await;
    let cases: Vec<(Command, &str)> = vec![
        (
            Command::SaveDraft {
                step: Step::Credential,
                payload: json!({"short_description": "จอง\u{0}คิว"}),
            },
            "bad_request",
        ),
        (
            Command::SaveDraft {
                step: Step::Credential,
                payload: json!({"full_description": "\u{1b}[31m"}),
            },
            "bad_request",
        ),
        (
            Command::UpdateServices {
                services: vec!["ขอรับ\u{0}เงิน".into()],
            },
            "validation_failed",
        ),
    ];
    for (command, expected) in cases {
        let name = command.kind();
        let r = store
            .execute(svc.id(), &w.officer.actor(), command, None, &ctx())
            .await;
        assert_eq!(err_code(r), expected, "{name}");
        assert_eq!(w.tally(svc.id()).await, before, "{name} wrote something");
    }
    let saved = store
        .execute(
            svc.id(),
            &w.officer.actor(),
            Command::SaveDraft {
                step: Step::Credential,
                payload: json!({"full_description": "บรรทัดแรก\n\tบรรทัดสอง"}),
            },
            None,
            &ctx(),
        )
        .await
        .unwrap();
    assert_eq!(
        saved.steps()[0].draft.as_ref().unwrap()["full_description"],
        json!("บรรทัดแรก\n\tบรรทัดสอง")
    );
}

/// Eight tasks race with `If-Match`: every version has exactly one winner, the others get
/// `version_conflict`, and nothing is lost.
pub async fn version_race_with_if_match(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let svc = w.eservice("ระบบแข่งขัน").await;
    let mut tasks = Vec::new();
    for t in 0..8u32 {
        let (store, actor, id) = (store.clone(), w.officer.actor(), svc.id());
        tasks.push(tokio::spawn(async move {
            let (mut won, mut lost) = (Vec::new(), 0);
            for i in 0..6u32 {
                let seen = store
                    .eservice(id, Scope::All)
                    .await
                    .unwrap()
                    .unwrap()
                    .version();
                let command = Command::SaveDraft {
                    step: Step::Credential,
                    payload: json!({ "icon_concept": format!("task {t} try {i}") }),
                };
                match store.execute(id, &actor, command, Some(seen), &ctx()).await {
                    Ok(s) => {
                        assert_eq!(s.version(), seen + 1);
                        won.push(s.version());
                    }
                    Err(StoreError::Command(CommandError::VersionConflict {
                        expected,
                        current,
                    })) => {
                        assert_eq!(expected, seen);
                        assert!(current > seen);
                        lost += 1;
                    }
                    Err(e) => panic!("unexpected {e:?}"),
                }
            }
            (won, lost)
        }));
    }
    let mut won = Vec::new();
    let mut lost = 0;
    for t in tasks {
        let (w, l) = t.await.unwrap();
        won.extend(w);
        lost += l;
    }
    won.sort_unstable();
    let final_state = store.eservice(svc.id(), Scope::All).await.unwrap().unwrap();
    let expected: Vec<u64> = (2..=final_state.version()).collect();
    assert_eq!(won, expected, "one winner per version");
    assert_eq!(won.len() + lost, 48);
    assert_eq!(final_state.version(), 1 + won.len() as u64);
    assert_eq!(store.events(svc.id()).await.unwrap().len(), 1 + won.len());
}

/// Without `If-Match`, concurrent commands are serialized: all succeed, none is lost.
pub async fn concurrent_commands_without_if_match_serialize(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let svc = w.eservice("ระบบพร้อมกัน").await;
    let mut tasks = Vec::new();
    for t in 0..8u32 {
        let (store, actor, id) = (store.clone(), w.officer.actor(), svc.id());
        tasks.push(tokio::spawn(async move {
            let mut versions = Vec::new();
            for i in 0..5u32 {
                let command = Command::SaveDraft {
                    step: Step::Credential,
                    payload: json!({ "icon_concept": format!("task {t} draft {i}") }),
                };
                versions.push(
                    store
                        .execute(id, &actor, command, None, &ctx())
                        .await
                        .unwrap()
                        .version(),
                );
            }
            versions
        }));
    }
    let mut versions = Vec::new();
    for t in tasks {
        versions.extend(t.await.unwrap());
    }
    versions.sort_unstable();
    assert_eq!(versions, (2..=41).collect::<Vec<u64>>());
    let state = store.eservice(svc.id(), Scope::All).await.unwrap().unwrap();
    assert_eq!(state.version(), 41);
    let events = store.events(svc.id()).await.unwrap();
    assert_eq!(events.len(), 41);
    let folded = EService::from_events(events.iter().map(|e| &e.event)).unwrap();
    assert_eq!(folded, state);
}

/// Random command sequences by several actors: the stored log always folds to the stored
/// state, and the version counts the accepted commands.
pub async fn events_fold_to_stored_state(store: Arc<dyn Store>) {
    use rand::{Rng, SeedableRng};
    let w = World::new(store.clone()).await;
    let files = Uploads::new(&store, &w.officer).await;
    let actors = [&w.officer, &w.colleague, &w.outsider, &w.reviewer, &w.admin];
    for seed in 0..20u64 {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let svc = w.eservice(&format!("ระบบสุ่ม {seed}")).await;
        let mut state = svc.clone();
        let mut accepted = 0u64;
        for op in 0..25u32 {
            let step = state.current_step();
            let latest = state.step(step).attempts.last().map_or(1, |a| a.number);
            let (user, command) = match rng.gen_range(0..10) {
                0..=3 => match forward(&state, &files, "2027-03-05") {
                    Some((true, c)) => (&w.reviewer, c),
                    Some((false, c)) => (&w.officer, c),
                    None => continue,
                },
                4 => (
                    actors[rng.gen_range(0..actors.len())],
                    Command::SaveDraft {
                        step,
                        payload: json!({}),
                    },
                ),
                5 => (&w.officer, Command::Withdraw { step }),
                6 => (
                    &w.reviewer,
                    Command::RequestChanges {
                        step,
                        reason: format!("แก้ไขครั้งที่ {op}"),
                    },
                ),
                7 => (
                    &w.colleague,
                    Command::DeleteAttempt {
                        step,
                        number: latest,
                    },
                ),
                8 => (
                    &w.officer,
                    Command::EditAttempt {
                        step,
                        number: latest,
                        input: files.payload(Step::UatTest),
                    },
                ),
                _ => (
                    actors[rng.gen_range(0..actors.len())],
                    Command::UpdateServices {
                        services: vec![format!("งาน {op}")],
                    },
                ),
            };
            let stale = rng.gen_bool(0.1).then(|| state.version().saturating_sub(1));
            let at = now() + Duration::minutes(i64::from(op));
            match store
                .execute(svc.id(), &user.actor(), command, stale, &ctx_at(at))
                .await
            {
                Ok(next) => {
                    accepted += 1;
                    state = next;
                }
                Err(StoreError::Command(_)) => {}
                Err(e) => panic!("seed {seed}: {e:?}"),
            }
        }
        let stored = store.eservice(svc.id(), Scope::All).await.unwrap().unwrap();
        assert_eq!(stored, state, "seed {seed}");
        assert_eq!(stored.version(), 1 + accepted, "seed {seed}");
        let events = store.events(svc.id()).await.unwrap();
        let folded = EService::from_events(events.iter().map(|e| &e.event)).unwrap();
        assert_eq!(folded, stored, "seed {seed}");
    }
}

// ---------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------

/// Every stored e-Service, through the list (all pages).
async fn all_states(store: &Arc<dyn Store>) -> Vec<EService> {
    let mut out = Vec::new();
    for page in 1.. {
        let q = ListQuery {
            page,
            per_page: 100,
            ..ListQuery::default()
        };
        let items = store.list(&q, Scope::All, today()).await.unwrap().items;
        if items.is_empty() {
            break;
        }
        for item in items {
            out.push(store.eservice(item.id, Scope::All).await.unwrap().unwrap());
        }
    }
    out
}

/// The dashboard of the store equals the core's `Counts::of` over the same e-Services, for
/// every scope and several dates around the launch dates.
pub async fn dashboard_matches_core(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let third = new_agency(&store, "กรมอุตุนิยมวิทยา", "Thai Meteorological Department").await;
    let third_officer = new_user(&store, "officer.c", Role::Agency, Some(&third)).await;
    let empty = store.dashboard(Scope::All, today()).await.unwrap();
    assert_eq!(empty, Counts::default());

    let kits = [
        (
            &w.agency,
            &w.officer,
            Uploads::new(&store, &w.officer).await,
        ),
        (
            &w.other_agency,
            &w.outsider,
            Uploads::new(&store, &w.outsider).await,
        ),
        (
            &third,
            &third_officer,
            Uploads::new(&store, &third_officer).await,
        ),
    ];
    let desired = ["2027-01-12", "2027-03-05", "2027-06-01"];
    for i in 0..30usize {
        let (agency, officer, files) = &kits[i % 3];
        let svc = store
            .create_eservice(
                &officer.actor(),
                Some(agency.id),
                &format!("บริการที่ {i}"),
                &["งาน".into()],
                &ctx(),
            )
            .await
            .unwrap();
        let moves = (i * 7) % (FULL_WALK + 3);
        let state = advance(
            &store,
            svc.id(),
            officer,
            &w.reviewer,
            files,
            moves,
            desired[i % 3],
            &ctx(),
        )
        .await;
        if i % 4 == 1 && state.current_status() == StepStatus::UnderReview {
            let step = state.current_step();
            store
                .execute(
                    svc.id(),
                    &w.reviewer.actor(),
                    Command::RequestChanges {
                        step,
                        reason: "แก้ไข".into(),
                    },
                    None,
                    &ctx(),
                )
                .await
                .unwrap();
        }
    }
    let states = all_states(&store).await;
    assert_eq!(states.len(), 30);
    assert!(states.iter().any(|s| s.is_complete()));
    assert!(states
        .iter()
        .any(|s| s.current_status() == StepStatus::ChangesRequested));
    let scopes = [
        Scope::All,
        Scope::Agency(w.agency.id),
        Scope::Agency(w.other_agency.id),
        Scope::Agency(third.id),
        Scope::Agency(Uuid::now_v7()),
    ];
    let days = [
        "2026-11-25",
        "2027-01-12",
        "2027-02-01",
        "2027-03-09",
        "2027-03-10",
        "2027-12-31",
    ];
    let mut some_live = false;
    for scope in scopes {
        for day in days {
            let today = date(day);
            let expected = Counts::of(
                states
                    .iter()
                    .filter(|s| match scope {
                        Scope::All => true,
                        Scope::Agency(a) => s.agency_id() == a,
                    })
                    .map(Summary::of),
                today,
            );
            let got = store.dashboard(scope, today).await.unwrap();
            assert_eq!(got, expected, "{scope:?} on {day}");
            some_live |= got.launched > 0 && got.not_launched > 0;
        }
    }
    assert!(some_live, "the dates cover live and not-yet-live launches");
}

/// Name search (Thai, any case, LIKE metacharacters literal, short queries), filters,
/// scope and paging.
pub async fn list_filters_search_and_paging(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let files = Uploads::new(&store, &w.officer).await;
    let names = [
        "ระบบแจ้งเตือนสิทธิสวัสดิการ",
        "ระบบสวัสดิการข้าราชการ",
        "Tax Refund Online",
        "e-TAX Calculator",
        "100% Discount_Check",
        "1000 Discounts",
        "ระบบจองคิว",
        "Path\\Finder \"quoted\"",
    ];
    let mut ids = HashMap::new();
    for (i, name) in names.iter().enumerate() {
        // Distinct update times: the list is newest change first.
        let at = now() + Duration::minutes(i as i64);
        let svc = store
            .create_eservice(
                &w.officer.actor(),
                Some(w.agency.id),
                name,
                &["งาน".into()],
                &ctx_at(at),
            )
            .await
            .unwrap();
        ids.insert(*name, svc.id());
    }
    let other = store
        .create_eservice(
            &w.outsider.actor(),
            Some(w.other_agency.id),
            "ภาษีสวัสดิการ",
            &["งาน".into()],
            &ctx(),
        )
        .await
        .unwrap();
    // Move "Tax Refund Online" to step 1 under review, later than everything else.
    let tax = ids["Tax Refund Online"];
    let later = ctx_at(now() + Duration::hours(1));
    advance(
        &store,
        tax,
        &w.officer,
        &w.reviewer,
        &files,
        1,
        "2027-03-05",
        &later,
    )
    .await;

    let search = |q: &str, scope: Scope| {
        let store = store.clone();
        let q = q.to_owned();
        async move {
            let query = ListQuery {
                q: Some(q),
                ..ListQuery::default()
            };
            let page = store.list(&query, scope, today()).await.unwrap();
            assert_eq!(page.total as usize, page.items.len());
            let mut found: Vec<String> = page.items.into_iter().map(|i| i.name).collect();
            found.sort();
            found
        }
    };
    let sorted = |v: &[&str]| {
        let mut v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    };
    let all = Scope::All;
    assert_eq!(
        search("สวัสดิการ", all).await,
        sorted(&["ระบบแจ้งเตือนสิทธิสวัสดิการ", "ระบบสวัสดิการข้าราชการ", "ภาษีสวัสดิการ"])
    );
    assert_eq!(
        search("สวัสดิการ", Scope::Agency(w.agency.id)).await,
        sorted(&["ระบบแจ้งเตือนสิทธิสวัสดิการ", "ระบบสวัสดิการข้าราชการ"])
    );
    assert_eq!(
        search("tax", all).await,
        sorted(&["Tax Refund Online", "e-TAX Calculator"])
    );
    assert_eq!(search("TaX c", all).await, sorted(&["e-TAX Calculator"]));
    assert_eq!(
        search("  refund  ", all).await,
        sorted(&["Tax Refund Online"])
    );
    // LIKE metacharacters are literal, in long and short queries.
    assert_eq!(search("0%", all).await, sorted(&["100% Discount_Check"]));
    assert_eq!(search("%", all).await, sorted(&["100% Discount_Check"]));
    assert_eq!(search("% d", all).await, sorted(&["100% Discount_Check"]));
    assert_eq!(search("_", all).await, sorted(&["100% Discount_Check"]));
    assert_eq!(search("t_c", all).await, sorted(&["100% Discount_Check"]));
    assert_eq!(
        search("\\", all).await,
        sorted(&["Path\\Finder \"quoted\""])
    );
    assert_eq!(
        search("\"quoted\"", all).await,
        sorted(&["Path\\Finder \"quoted\""])
    );
    assert_eq!(
        search("h\\f", all).await,
        sorted(&["Path\\Finder \"quoted\""])
    );
    // Two characters, Thai and Latin.
    assert_eq!(search("คิ", all).await, sorted(&["ระบบจองคิว"]));
    assert_eq!(
        search("AX", all).await,
        sorted(&["Tax Refund Online", "e-TAX Calculator"])
    );
    assert_eq!(
        search("1", all).await,
        sorted(&["100% Discount_Check", "1000 Discounts"])
    );
    assert!(search("ไม่มีชื่อนี้", all).await.is_empty());
    assert!(search("zz", all).await.is_empty());
    assert_eq!(
        search("", all).await.len(),
        names.len() + 1,
        "blank q is no filter"
    );

    // Filters.
    let query = |f: fn(&mut ListQuery)| {
        let mut q = ListQuery::default();
        f(&mut q);
        q
    };
    let under_review = store
        .list(
            &query(|q| q.status = Some(StepStatus::UnderReview)),
            all,
            today(),
        )
        .await
        .unwrap();
    assert_eq!(
        under_review.items.iter().map(|i| i.id).collect::<Vec<_>>(),
        vec![tax]
    );
    let item = &under_review.items[0];
    assert_eq!(
        (item.current_step, item.current_status, item.lifecycle),
        (
            Step::Credential,
            StepStatus::UnderReview,
            Lifecycle::Onboarding
        )
    );
    assert_eq!(
        (item.agency_name_th.as_str(), item.ministry_th.as_str()),
        (w.agency.name_th.as_str(), w.agency.ministry_th.as_str())
    );
    assert_eq!(item.updated_at, later.now);
    let step2 = store
        .list(&query(|q| q.step = Some(Step::UatSetup)), all, today())
        .await
        .unwrap();
    assert_eq!(step2.total, 0);
    let step1 = store
        .list(&query(|q| q.step = Some(Step::Credential)), all, today())
        .await
        .unwrap();
    assert_eq!(step1.total as usize, names.len() + 1);
    let mut by_agency = ListQuery {
        agency_id: Some(w.other_agency.id),
        ..ListQuery::default()
    };
    let page = store.list(&by_agency, all, today()).await.unwrap();
    assert_eq!(
        page.items.iter().map(|i| i.id).collect::<Vec<_>>(),
        vec![other.id()]
    );
    // An agency user asking for another agency's e-Services gets none.
    let page = store
        .list(&by_agency, Scope::Agency(w.agency.id), today())
        .await
        .unwrap();
    assert_eq!(page.total, 0);
    by_agency.lifecycle = Some(Lifecycle::Onboarding);
    assert_eq!(store.list(&by_agency, all, today()).await.unwrap().total, 1);
    for lifecycle in [Lifecycle::Scheduled, Lifecycle::Live] {
        let q = ListQuery {
            lifecycle: Some(lifecycle),
            ..ListQuery::default()
        };
        assert_eq!(store.list(&q, all, today()).await.unwrap().total, 0);
    }
    let combined = ListQuery {
        q: Some("ระบบ".into()),
        status: Some(StepStatus::InProgress),
        agency_id: Some(w.agency.id),
        ..ListQuery::default()
    };
    assert_eq!(store.list(&combined, all, today()).await.unwrap().total, 3);

    // Paging: newest change first, then by id; totals on every page; per_page clamped.
    let everything = store
        .list(
            &ListQuery {
                per_page: 100,
                ..ListQuery::default()
            },
            Scope::Agency(w.agency.id),
            today(),
        )
        .await
        .unwrap();
    assert_eq!(everything.total as usize, names.len());
    assert_eq!(everything.items[0].id, tax, "the latest change comes first");
    assert!(everything
        .items
        .windows(2)
        .all(|p| (std::cmp::Reverse(p[0].updated_at), p[0].id)
            < (std::cmp::Reverse(p[1].updated_at), p[1].id)));
    let mut paged = Vec::new();
    for page in 1..=4 {
        let q = ListQuery {
            page,
            per_page: 3,
            ..ListQuery::default()
        };
        let p = store
            .list(&q, Scope::Agency(w.agency.id), today())
            .await
            .unwrap();
        assert_eq!(
            (p.total as usize, p.page, p.per_page),
            (names.len(), page, 3)
        );
        assert!(p.items.len() <= 3);
        paged.extend(p.items);
    }
    assert_eq!(paged, everything.items);
    // Without the count: the same rows, and a total that only reaches this page.
    let uncounted = store
        .list(
            &ListQuery {
                page: 2,
                per_page: 3,
                skip_total: true,
                ..ListQuery::default()
            },
            Scope::Agency(w.agency.id),
            today(),
        )
        .await
        .unwrap();
    assert_eq!(uncounted.items, everything.items[3..6]);
    assert_eq!(uncounted.total, 6);
    let q = ListQuery {
        page: 0,
        per_page: 1000,
        ..ListQuery::default()
    };
    let p = store.list(&q, all, today()).await.unwrap();
    assert_eq!((p.page, p.per_page), (1, 100));
    let q = ListQuery {
        page: 99,
        per_page: 5,
        ..ListQuery::default()
    };
    let p = store.list(&q, all, today()).await.unwrap();
    assert!(p.items.is_empty());
    assert_eq!(p.total as usize, names.len() + 1);
}

/// The names (sorted) of the e-Services matching `q` in `scope`, checking the total.
pub async fn search_names(store: &Arc<dyn Store>, q: &str, scope: Scope) -> Vec<String> {
    let query = ListQuery {
        q: Some(q.to_owned()),
        per_page: 100,
        ..ListQuery::default()
    };
    let page = store.list(&query, scope, today()).await.unwrap();
    assert_eq!(page.total as usize, page.items.len(), "{q:?}");
    let mut found: Vec<String> = page.items.into_iter().map(|i| i.name).collect();
    found.sort();
    found
}

/// A search is a plain substring, in any case: `%`, `_` and `\\` are only characters, and a
/// blank query is no filter.
pub async fn search_is_literal_and_case_insensitive(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let names = [
        "ระบบแจ้งเตือนสิทธิสวัสดิการ",
        "ระบบจองคิว ABC",
        "abc_def",
        "abcXdef",
        "ลด 50% ทันที",
        "ลด 50 บาท",
        r"path\to",
    ];
    for name in names {
        w.eservice(name).await;
    }
    let search = |q: &'static str| search_names(&store, q, Scope::All);
    assert_eq!(search("แจ้งเตือน").await, vec![names[0]]);
    assert_eq!(search("ระบบ").await.len(), 2);
    assert_eq!(search("abc").await.len(), 3);
    assert_eq!(search("ABC_").await, vec!["abc_def"]);
    assert_eq!(search("50%").await, vec!["ลด 50% ทันที"]);
    assert_eq!(search(r"h\t").await, vec![r"path\to"]);
    assert_eq!(search("  ").await.len(), names.len());
    assert!(search("%%").await.is_empty());
}

/// Above a thousand matches the list walks its order instead of sorting the matches: both
/// ways give the same pages, matches by a service too; the total stops at the cap
/// (`total_capped`), for all e-Services and within one agency (where the walk also carries
/// the scope).
pub async fn many_matches_page_like_few(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let mut expected = Vec::new();
    for i in 0..1800i64 {
        let (officer, agency) = if i % 3 == 0 {
            (&w.outsider, w.other_agency.id)
        } else {
            (&w.officer, w.agency.id)
        };
        let (name, service) = if i % 10 == 0 {
            (format!("ระบบจองคิว {i}"), "งาน")
        } else if i % 7 == 0 {
            (format!("ระบบบริการ {i}"), "ชำระภาษีรถยนต์")
        } else {
            (format!("ระบบชำระภาษี {i}"), "งาน")
        };
        // Several e-Services share each instant: ties are broken by id.
        let at = now() + chrono::Duration::seconds(i / 3);
        let svc = store
            .create_eservice(
                &officer.actor(),
                Some(agency),
                &name,
                &[service.to_owned()],
                &ctx_at(at),
            )
            .await
            .unwrap();
        if i % 10 != 0 {
            expected.push((std::cmp::Reverse(svc.updated_at()), svc.id(), agency));
        }
    }
    expected.sort();
    let ours: Vec<_> = expected
        .iter()
        .filter(|e| e.2 == w.agency.id)
        .cloned()
        .collect();
    for (scope, expected) in [(Scope::All, &expected), (Scope::Agency(w.agency.id), &ours)] {
        for (page, per_page) in [(1, 20), (2, 100), (13, 90), (9, 100), (400, 20)] {
            let q = ListQuery {
                q: Some("ชำระภาษี".into()),
                page,
                per_page,
                ..ListQuery::default()
            };
            let got = store.list(&q, scope, today()).await.unwrap();
            let cap = onboard_store::SEARCH_COUNT_CAP as usize;
            assert!(
                expected.len() > cap,
                "both scopes have more matches than the cap"
            );
            assert_eq!(got.total as usize, cap, "{scope:?}");
            assert!(got.total_capped, "{scope:?}");
            let start = ((page - 1) * per_page) as usize;
            let want: Vec<Uuid> = expected
                .iter()
                .skip(start)
                .take(per_page as usize)
                .map(|e| e.1)
                .collect();
            let ids: Vec<Uuid> = got.items.iter().map(|i| i.id).collect();
            assert_eq!(ids, want, "{scope:?} page {page} of {per_page}");
        }
    }
    let few = ListQuery {
        q: Some("จองคิว".into()),
        ..ListQuery::default()
    };
    assert_eq!(
        store.list(&few, Scope::All, today()).await.unwrap().total,
        180
    );
}

/// An e-Service whose name and several services all match counts once, also when its
/// matching texts are many more than the cap.
pub async fn many_texts_count_once(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let services: Vec<String> = (0..8).map(|k| format!("ชำระภาษี ช่องทาง {k}")).collect();
    for i in 0..300 {
        store
            .create_eservice(
                &w.officer.actor(),
                Some(w.agency.id),
                &format!("ระบบชำระภาษี {i}"),
                &services,
                &ctx(),
            )
            .await
            .unwrap();
    }
    for scope in [Scope::All, Scope::Agency(w.agency.id)] {
        let q = ListQuery {
            q: Some("ชำระภาษี".into()),
            per_page: 100,
            ..ListQuery::default()
        };
        let got = store.list(&q, scope, today()).await.unwrap();
        assert_eq!((got.total, got.total_capped), (300, false), "{scope:?}");
        let ids: std::collections::HashSet<Uuid> = got.items.iter().map(|i| i.id).collect();
        assert_eq!(ids.len(), 100, "{scope:?}");
    }
}

/// SPEC §10: `q` also matches any งานบริการ name and the agency's Thai or English name
/// (contained, case-insensitive, Thai too; long and short queries alike), follows
/// `update_services` and agency renames, and takes metacharacters literally. Ministries
/// are not searched.
pub async fn search_matches_services_and_agency_names(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let create = |by: &User, agency: &Agency, name: &str, services: &[&str]| {
        let store = store.clone();
        let (actor, agency, name) = (by.actor(), agency.id, name.to_owned());
        let services: Vec<String> = services.iter().map(|s| (*s).to_owned()).collect();
        async move {
            store
                .create_eservice(&actor, Some(agency), &name, &services, &ctx())
                .await
                .unwrap()
        }
    };
    // w.agency: กรมกิจการผู้สูงอายุ / Department of Older Persons;
    // w.other_agency: กรมสรรพากร / Revenue Department.
    let allowance = create(
        &w.officer,
        &w.agency,
        "ระบบเบี้ยยังชีพ",
        &["ลงทะเบียนรับเบี้ยยังชีพ", "Allowance Status"],
    )
    .await;
    create(
        &w.outsider,
        &w.other_agency,
        "ระบบยื่นแบบภาษี",
        &["ยื่นแบบ ภ.ง.ด.90", "ยื่นแบบ ภ.ง.ด.91"],
    )
    .await;
    create(&w.outsider, &w.other_agency, "e-Filing", &["100%_Refund"]).await;
    let all = Scope::All;
    let search = |q: &'static str| search_names(&store, q, all);
    let names = |v: &[&str]| {
        let mut v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    };
    let tax = names(&["ระบบยื่นแบบภาษี"]);
    let revenue = names(&["ระบบยื่นแบบภาษี", "e-Filing"]);
    let elderly = names(&["ระบบเบี้ยยังชีพ"]);

    // A service name, whole or in part ('.' is no metacharacter).
    assert_eq!(search("ภ.ง.ด.90").await, tax);
    assert_eq!(search("แบบ ภ.ง.ด.9").await, tax);
    assert_eq!(search("ลงทะเบียนรับ").await, elderly);
    // English, any case.
    assert_eq!(search("allowance status").await, elderly);
    assert_eq!(search("ALLOWANCE").await, elderly);
    // The agency's Thai and English names, any case.
    assert_eq!(search("สรรพากร").await, revenue);
    assert_eq!(search("กรมสรรพากร").await, revenue);
    assert_eq!(search("revenue").await, revenue);
    assert_eq!(search("REVENUE DEP").await, revenue);
    assert_eq!(search("Older Persons").await, elderly);
    assert_eq!(search("ผู้สูงอายุ").await, elderly);
    // Both agencies' English names.
    assert_eq!(
        search("department").await,
        names(&["ระบบยื่นแบบภาษี", "e-Filing", "ระบบเบี้ยยังชีพ"])
    );
    // Shorter than a trigram: the same fields.
    assert_eq!(search("90").await, tax);
    assert_eq!(search("สร").await, revenue);
    assert_eq!(search("RE").await, revenue);
    assert_eq!(search("al").await, elderly);
    // Within the scope only.
    assert_eq!(
        search_names(&store, "สรรพากร", Scope::Agency(w.agency.id)).await,
        Vec::<String>::new()
    );
    // Ministries are not searched (World's ministry names contain the agency names).
    assert!(search("กระทรวงของ").await.is_empty());
    assert!(search("ministry").await.is_empty());
    // A query spanning two services, or a service and the name, matches nothing.
    assert!(search("ภ.ง.ด.90ยื่นแบบ").await.is_empty());
    assert!(search("ยังชีพลงทะเบียน").await.is_empty());
    // Metacharacters are literal, in services too, long and short.
    assert_eq!(search("0%_r").await, names(&["e-Filing"]));
    assert_eq!(search("%_").await, names(&["e-Filing"]));
    assert_eq!(search("_").await, names(&["e-Filing"]));
    assert!(search("0%r").await.is_empty());
    assert!(search("ภ_ง").await.is_empty());
    assert!(search("\"ภ.ง.ด").await.is_empty());

    // update_services: the new names match, the old ones no longer do.
    let updated = store
        .execute(
            allowance.id(),
            &w.officer.actor(),
            Command::UpdateServices {
                services: vec!["ตรวจสอบสถานะเบี้ย".into(), "Payment History".into()],
            },
            Some(allowance.version()),
            &ctx(),
        )
        .await
        .unwrap();
    assert_eq!(search("สถานะเบี้ย").await, elderly);
    assert_eq!(search("payment HISTORY").await, elderly);
    assert!(search("allowance").await.is_empty());
    assert!(search("ลงทะเบียนรับ").await.is_empty());
    assert!(search("al").await.is_empty());
    // The name still matches.
    assert_eq!(search("เบี้ยยังชีพ").await, elderly);
    // A command that leaves the services alone leaves them searchable.
    let files = Uploads::new(&store, &w.officer).await;
    let walked = advance(
        &store,
        updated.id(),
        &w.officer,
        &w.reviewer,
        &files,
        8,
        "",
        &ctx(),
    )
    .await;
    assert_eq!(
        walked.step(Step::PlatformRequest).status,
        StepStatus::Completed
    );
    assert_eq!(search("สถานะเบี้ย").await, elderly);
    // The agency is searched by its current names: approving step 4 may rename it.
    let agency = store.agency(w.agency.id).await.unwrap().unwrap();
    assert_eq!(search_names(&store, &agency.name_th, all).await, elderly);
    assert_eq!(search_names(&store, &agency.name_en, all).await, elderly);
    if agency.name_en != w.agency.name_en {
        assert!(search("Older Persons").await.is_empty());
        assert!(search("ผู้สูงอายุ").await.is_empty());
    }
}

/// The review queue holds e-Services whose current step is under review (forms and test
/// attempts), oldest submission first.
pub async fn review_queue_oldest_first(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let files = Uploads::new(&store, &w.officer).await;
    let a = w.eservice("ก ระบบแรก").await;
    let b = w.eservice("ข ระบบที่สอง").await;
    let c = w.eservice("ค ระบบที่สาม").await;
    let d = w.eservice("ง ระบบทดสอบ").await;
    let e = w.eservice("จ ระบบที่ยังไม่ส่ง").await;
    assert!(store.review_queue(10, today()).await.unwrap().is_empty());
    let at = |minutes: i64| ctx_at(now() + Duration::minutes(minutes));
    advance(
        &store,
        a.id(),
        &w.officer,
        &w.reviewer,
        &files,
        1,
        "",
        &at(3),
    )
    .await;
    advance(
        &store,
        b.id(),
        &w.officer,
        &w.reviewer,
        &files,
        1,
        "",
        &at(1),
    )
    .await;
    advance(
        &store,
        c.id(),
        &w.officer,
        &w.reviewer,
        &files,
        1,
        "",
        &at(2),
    )
    .await;
    // d: steps 1 and 2 done at once, its test attempt at 2.5 minutes.
    advance(
        &store,
        d.id(),
        &w.officer,
        &w.reviewer,
        &files,
        4,
        "",
        &ctx(),
    )
    .await;
    let d_state = advance(
        &store,
        d.id(),
        &w.officer,
        &w.reviewer,
        &files,
        1,
        "",
        &ctx_at(now() + Duration::seconds(150)),
    )
    .await;
    assert_eq!(
        (d_state.current_step(), d_state.current_status()),
        (Step::UatTest, StepStatus::UnderReview)
    );
    store
        .execute(
            e.id(),
            &w.officer.actor(),
            Command::SaveDraft {
                step: Step::Credential,
                payload: json!({}),
            },
            None,
            &at(0),
        )
        .await
        .unwrap();

    let queue: Vec<Uuid> = store
        .review_queue(10, today())
        .await
        .unwrap()
        .iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(queue, vec![b.id(), c.id(), d.id(), a.id()]);
    let first_two: Vec<Uuid> = store
        .review_queue(2, today())
        .await
        .unwrap()
        .iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(first_two, vec![b.id(), c.id()]);
    let item = &store.review_queue(1, today()).await.unwrap()[0];
    assert_eq!(
        (item.current_status, item.lifecycle),
        (StepStatus::UnderReview, Lifecycle::Onboarding)
    );
    assert_eq!(item.agency_name_th, w.agency.name_th);
    // Each item says since when it waits: its current step's submission time.
    let waiting = store.review_queue(10, today()).await.unwrap();
    assert!(waiting
        .windows(2)
        .all(|p| p[0].review_since <= p[1].review_since));
    let b_submitted = store
        .eservice(b.id(), Scope::All)
        .await
        .unwrap()
        .unwrap()
        .step(Step::Credential)
        .submitted_at
        .unwrap();
    let since = waiting[0].review_since.unwrap();
    assert!(
        (since - b_submitted).num_milliseconds().abs() < 1,
        "{since} vs {b_submitted}"
    );
    let listed = store
        .list(&ListQuery::default(), Scope::All, today())
        .await
        .unwrap();
    assert!(listed
        .items
        .iter()
        .all(|i| i.review_since.is_some() == (i.current_status == StepStatus::UnderReview)));

    // Reviewed or withdrawn submissions leave the queue; a resubmission re-enters by its time.
    store
        .execute(
            b.id(),
            &w.reviewer.actor(),
            Command::Approve {
                step: Step::Credential,
                note: Some("ผ่าน".into()),
                credentials: None,
                update_agency: false,
            },
            None,
            &at(4),
        )
        .await
        .unwrap();
    store
        .execute(
            c.id(),
            &w.officer.actor(),
            Command::Withdraw {
                step: Step::Credential,
            },
            None,
            &at(5),
        )
        .await
        .unwrap();
    let queue: Vec<Uuid> = store
        .review_queue(10, today())
        .await
        .unwrap()
        .iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(queue, vec![d.id(), a.id()]);
    advance(
        &store,
        c.id(),
        &w.officer,
        &w.reviewer,
        &files,
        1,
        "",
        &at(6),
    )
    .await;
    let queue: Vec<Uuid> = store
        .review_queue(10, today())
        .await
        .unwrap()
        .iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(queue, vec![d.id(), a.id(), c.id()]);
}

/// Scheduled and live e-Services by launch date, in scope, with their lifecycle on `today`.
pub async fn launched_by_date(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let own = Uploads::new(&store, &w.officer).await;
    let theirs = Uploads::new(&store, &w.outsider).await;
    let june = w.eservice("ระบบมิถุนายน").await;
    let january = w.eservice("ระบบมกราคม").await;
    let onboarding = w.eservice("ระบบยังไม่เสร็จ").await;
    let march = store
        .create_eservice(
            &w.outsider.actor(),
            Some(w.other_agency.id),
            "ระบบมีนาคม",
            &["งาน".into()],
            &ctx(),
        )
        .await
        .unwrap();
    let june = advance(
        &store,
        june.id(),
        &w.officer,
        &w.reviewer,
        &own,
        FULL_WALK,
        "2027-06-01",
        &ctx(),
    )
    .await;
    let january = advance(
        &store,
        january.id(),
        &w.officer,
        &w.reviewer,
        &own,
        FULL_WALK,
        "2027-01-12",
        &ctx(),
    )
    .await;
    let march = advance(
        &store,
        march.id(),
        &w.outsider,
        &w.reviewer,
        &theirs,
        FULL_WALK,
        "2027-03-05",
        &ctx(),
    )
    .await;
    advance(
        &store,
        onboarding.id(),
        &w.officer,
        &w.reviewer,
        &own,
        FULL_WALK - 1,
        "2027-03-05",
        &ctx(),
    )
    .await;
    for s in [&june, &january, &march] {
        assert!(s.is_complete() && s.launch_on().is_some(), "{}", s.name());
    }
    let (jan_on, mar_on) = (january.launch_on().unwrap(), march.launch_on().unwrap());
    assert!(jan_on < mar_on && mar_on < june.launch_on().unwrap());

    let on = jan_on + Duration::days(1);
    let all = store.launched(Scope::All, on).await.unwrap();
    let got: Vec<(Uuid, Option<NaiveDate>, Lifecycle)> = all
        .iter()
        .map(|i| (i.id, i.launch_on, i.lifecycle))
        .collect();
    assert_eq!(
        got,
        vec![
            (january.id(), january.launch_on(), Lifecycle::Live),
            (march.id(), march.launch_on(), Lifecycle::Scheduled),
            (june.id(), june.launch_on(), Lifecycle::Scheduled),
        ]
    );
    assert!(all
        .iter()
        .all(|i| i.current_status == StepStatus::Completed && i.current_step == Step::Launch));
    let ours: Vec<Uuid> = store
        .launched(Scope::Agency(w.agency.id), mar_on)
        .await
        .unwrap()
        .iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(ours, vec![january.id(), june.id()]);
    let theirs: Vec<Lifecycle> = store
        .launched(Scope::Agency(w.other_agency.id), mar_on)
        .await
        .unwrap()
        .iter()
        .map(|i| i.lifecycle)
        .collect();
    assert_eq!(theirs, vec![Lifecycle::Live], "live from the launch day on");
    // The list's lifecycle filter agrees.
    let q = ListQuery {
        lifecycle: Some(Lifecycle::Scheduled),
        ..ListQuery::default()
    };
    assert_eq!(store.list(&q, Scope::All, on).await.unwrap().total, 2);
    let q = ListQuery {
        lifecycle: Some(Lifecycle::Live),
        ..ListQuery::default()
    };
    assert_eq!(store.list(&q, Scope::All, on).await.unwrap().total, 1);
    let q = ListQuery {
        lifecycle: Some(Lifecycle::Onboarding),
        ..ListQuery::default()
    };
    assert_eq!(store.list(&q, Scope::All, on).await.unwrap().total, 1);
}

// ---------------------------------------------------------------------------------------
// Notifications, outbox, files, backup
// ---------------------------------------------------------------------------------------

/// One notification per recipient, newest first; only the recipient may mark it read.
pub async fn notifications_per_recipient(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let files = Uploads::new(&store, &w.officer).await;
    let svc = w.eservice("ระบบแจ้งเตือน").await;
    for u in w.users() {
        assert!(store.notifications(u.id, 10).await.unwrap().is_empty());
    }
    advance(
        &store,
        svc.id(),
        &w.officer,
        &w.reviewer,
        &files,
        1,
        "",
        &ctx(),
    )
    .await;
    let later = ctx_at(now() + Duration::minutes(5));
    advance(
        &store,
        svc.id(),
        &w.officer,
        &w.reviewer,
        &files,
        1,
        "",
        &later,
    )
    .await;

    let to_reviewer = store.notifications(w.reviewer.id, 10).await.unwrap();
    let to_admin = store.notifications(w.admin.id, 10).await.unwrap();
    assert_eq!(to_reviewer.len(), 1);
    assert_eq!(to_admin.len(), 1);
    assert_ne!(to_reviewer[0].id, to_admin[0].id, "one row per recipient");
    assert_eq!(to_reviewer[0].recipient, w.reviewer.id);
    assert_eq!(to_reviewer[0].title_en, to_admin[0].title_en);
    let to_officer = store.notifications(w.officer.id, 10).await.unwrap();
    let kinds: Vec<NoticeKind> = to_officer.iter().map(|n| n.kind).collect();
    assert_eq!(kinds, [NoticeKind::CredentialsIssued, NoticeKind::Approved]);
    assert!(to_officer
        .iter()
        .all(|n| n.at == later.now && n.eservice_id == Some(svc.id())));
    assert_eq!(
        store.notifications(w.colleague.id, 10).await.unwrap().len(),
        2
    );
    assert_eq!(
        store.notifications(w.officer.id, 1).await.unwrap(),
        to_officer[..1].to_vec()
    );
    assert!(store
        .notifications(w.outsider.id, 10)
        .await
        .unwrap()
        .is_empty());

    // Each notification has its e-mail to the recipient's address.
    let mails = store.outbox(None, 1000).await.unwrap();
    let about: Vec<_> = mails
        .iter()
        .filter(|m| m.kind != NoticeKind::AccountCreated)
        .collect();
    assert_eq!(about.len(), 6);
    assert_eq!(
        about.iter().filter(|m| m.to == w.colleague.email).count(),
        2
    );
    let approved = about
        .iter()
        .find(|m| m.to == w.officer.email && m.kind == NoticeKind::Approved)
        .unwrap();
    let note = to_officer
        .iter()
        .find(|n| n.kind == NoticeKind::Approved)
        .unwrap();
    assert_eq!(
        approved.subject,
        format!("{} / {}", note.title_th, note.title_en)
    );
    // The e-mail is the notification's texts as a letter to the recipient, linking to the
    // e-Service's page of the configured portal.
    let letter = Notice {
        audience: Audience::User(w.officer.id),
        kind: note.kind,
        title_th: note.title_th.clone(),
        title_en: note.title_en.clone(),
        body_th: note.body_th.clone(),
        body_en: note.body_en.clone(),
        link: mail().eservice_url(svc.id()),
        signature: mail().signature().to_owned(),
        secret: None,
    };
    assert_eq!(approved.body, letter.email_body(&w.officer.display_name));
    assert_eq!(
        (
            approved.recipient,
            approved.eservice_id,
            approved.secret.as_deref()
        ),
        (Some(w.officer.id), Some(svc.id()), None)
    );

    // Marking read.
    let read_at = now() + Duration::hours(1);
    store
        .mark_notification_read(w.reviewer.id, to_reviewer[0].id, read_at)
        .await
        .unwrap();
    store
        .mark_notification_read(
            w.reviewer.id,
            to_reviewer[0].id,
            read_at + Duration::hours(1),
        )
        .await
        .unwrap();
    let again = store.notifications(w.reviewer.id, 10).await.unwrap();
    assert_eq!(again[0].read_at, Some(read_at), "the first reading counts");
    let r = store
        .mark_notification_read(w.reviewer.id, to_admin[0].id, read_at)
        .await;
    assert_eq!(err_code(r), "not_found");
    let r = store
        .mark_notification_read(w.reviewer.id, Uuid::now_v7(), read_at)
        .await;
    assert_eq!(err_code(r), "not_found");
    assert_eq!(
        store.notifications(w.admin.id, 10).await.unwrap()[0].read_at,
        None
    );
}

/// E-mails read like letters: the recipient greeted by display name, a link to the
/// e-Service's page of the configured portal, the closing and the signature; staff read the
/// agency's name. The row names the account and the e-Service. Names with `%` (which a
/// backend building the body in SQL must not read as formatting) come out as written.
pub async fn emails_are_letters_about_their_eservice(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let mut odd = new_user_input("odd.reviewer", Role::Reviewer, None);
    odd.display_name = "ผู้ตรวจ 100% %1$s %s".into();
    let odd = store
        .create_user(odd, welcome("odd.reviewer"))
        .await
        .unwrap();
    let files = Uploads::new(&store, &w.officer).await;
    let svc = w.eservice("ระบบจองคิว 100% %1$s").await;
    advance(
        &store,
        svc.id(),
        &w.officer,
        &w.reviewer,
        &files,
        1,
        "",
        &ctx(),
    )
    .await;
    let mails = store.outbox(None, 1000).await.unwrap();
    let about: Vec<_> = mails
        .iter()
        .filter(|m| m.eservice_id == Some(svc.id()))
        .collect();
    assert_eq!(about.len(), 3, "to the admin and both reviewers");
    let link = format!("https://onboard.example.go.th/eservices/{}", svc.id());
    for staff in [&w.admin, &w.reviewer, &odd] {
        let m = about
            .iter()
            .find(|m| m.recipient == Some(staff.id))
            .unwrap();
        assert_eq!(m.to, staff.email);
        assert_eq!((m.kind, m.secret.as_deref()), (NoticeKind::Submitted, None));
        let name = &staff.display_name;
        assert!(
            m.body.starts_with(&format!("เรียน {name}\n\n")),
            "{}",
            m.body
        );
        assert!(m.body.contains(&format!("\nDear {name},\n")), "{}", m.body);
        assert_eq!(
            m.body.matches(&format!("{link}\n")).count(),
            2,
            "{}",
            m.body
        );
        assert!(m.body.contains("\nจึงเรียนมาเพื่อโปรดทราบ\n"));
        assert!(m
            .body
            .ends_with("\nสพร. ทดสอบ\nDGA conformance signature\n"));
        assert!(m.body.contains("ระบบจองคิว 100% %1$s"), "{}", m.body);
        assert!(m.subject.contains(&w.agency.name_th), "{}", m.subject);
        assert!(m.body.contains(&w.agency.name_th));
        assert!(m.body.find("เรียน").unwrap() < m.body.find("Dear").unwrap());
    }
    // The portal notifications name the agency too.
    let note = &store.notifications(w.reviewer.id, 1).await.unwrap()[0];
    assert!(note.title_th.contains(&w.agency.name_th));
    assert!(note.body_th.contains(&w.agency.name_th));
    assert!(note.body_en.contains(&w.agency.name_th));
}

/// The agency's note on its step-7 confirmation reaches DGA: in the staff notification and
/// in the staff e-mail.
pub async fn launch_note_reaches_staff(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let files = Uploads::new(&store, &w.officer).await;
    let svc = w.eservice("ระบบแจ้งเตือนผู้สูงอายุ").await;
    let s = advance(
        &store,
        svc.id(),
        &w.officer,
        &w.reviewer,
        &files,
        FULL_WALK,
        "2027-03-05",
        &ctx(),
    )
    .await;
    assert!(s.is_complete());
    let note = files.launch("2027-03-05")["note"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!note.is_empty());
    // Step 4 was approved without `update_agency`: the agency keeps its own name.
    let agency = store.agency(w.agency.id).await.unwrap().unwrap();
    assert_eq!(agency.name_th, w.agency.name_th);
    for staff in [&w.admin, &w.reviewer] {
        let n = &store.notifications(staff.id, 1).await.unwrap()[0];
        assert_eq!(n.kind, NoticeKind::LaunchScheduled);
        assert!(n.body_th.contains(&note), "{}", n.body_th);
        assert!(n.body_en.contains(&note), "{}", n.body_en);
        assert!(n.body_th.contains(&agency.name_th));
        let m = store
            .outbox(None, 1000)
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.recipient == Some(staff.id) && m.kind == NoticeKind::LaunchScheduled)
            .unwrap();
        assert!(m.body.contains(&note), "{}", m.body);
    }
}

/// Approving step 4 e-mails the production App Id and Consumer Key to the form's
/// administrator, whose address belongs to no account: an outbox row to a bare address,
/// delivered like any other. No e-mail and no notification ever carries a consumer secret.
pub async fn production_credentials_reach_the_step4_administrator(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let files = Uploads::new(&store, &w.officer).await;
    let svc = w.eservice("ระบบขอรับสวัสดิการ").await;
    // Steps 1 to 3 and the submission of step 4.
    let s = advance(
        &store,
        svc.id(),
        &w.officer,
        &w.reviewer,
        &files,
        7,
        "",
        &ctx(),
    )
    .await;
    assert_eq!(
        s.step(Step::PlatformRequest).status,
        StepStatus::UnderReview
    );
    let admin_address = "somsak.m@navy.mi.th";
    assert!(store
        .outbox(None, 1000)
        .await
        .unwrap()
        .iter()
        .all(|m| m.to != admin_address));
    let s = advance(
        &store,
        svc.id(),
        &w.officer,
        &w.reviewer,
        &files,
        1,
        "",
        &ctx(),
    )
    .await;
    let issued = s.credentials().production.clone().unwrap();
    let mails = store.outbox(None, 1000).await.unwrap();
    let to_admin: Vec<_> = mails.iter().filter(|m| m.to == admin_address).collect();
    assert_eq!(to_admin.len(), 1);
    let m = to_admin[0];
    assert_eq!(
        (m.recipient, m.eservice_id, m.kind, m.secret.as_deref()),
        (None, Some(svc.id()), NoticeKind::CredentialsIssued, None)
    );
    assert!(m.body.starts_with("เรียน เรือเอก สมศักดิ์ มั่นคง\n"), "{}", m.body);
    assert!(m.body.contains(&format!("App Id: {}\n", issued.app_id)));
    assert!(m
        .body
        .contains(&format!("Consumer Key: {}\n", issued.consumer_key)));
    assert!(m.body.contains(&mail().eservice_url(svc.id())));
    // E-mail only: nobody's portal notifications grew beyond the agency's two.
    for u in [&w.officer, &w.colleague] {
        let kinds: Vec<NoticeKind> = store
            .notifications(u.id, 2)
            .await
            .unwrap()
            .iter()
            .map(|n| n.kind)
            .collect();
        assert_eq!(kinds, [NoticeKind::CredentialsIssued, NoticeKind::Approved]);
    }
    // Delivered like any other e-mail.
    let claimed = store
        .claim_outbox(1000, now(), Duration::minutes(5))
        .await
        .unwrap();
    let sent = claimed.iter().find(|c| c.id == m.id).unwrap();
    assert_eq!((sent.to.as_str(), sent.recipient), (admin_address, None));
    store.mark_sent(m.id, now()).await.unwrap();

    // Not a single message, to anyone, carries a consumer secret.
    let s = advance(
        &store,
        svc.id(),
        &w.officer,
        &w.reviewer,
        &files,
        FULL_WALK,
        "2027-03-05",
        &ctx(),
    )
    .await;
    assert!(s.is_complete());
    let secrets = [
        s.credentials().uat.clone().unwrap().consumer_secret,
        issued.consumer_secret,
    ];
    let mut texts: Vec<String> = store
        .outbox(None, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|m| format!("{}\n{}", m.subject, m.body))
        .collect();
    for u in w.users() {
        for n in store.notifications(u.id, 1000).await.unwrap() {
            texts.push(format!(
                "{}\n{}\n{}\n{}",
                n.title_th, n.title_en, n.body_th, n.body_en
            ));
        }
    }
    assert!(texts.len() > 20);
    for text in &texts {
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "{text}");
        }
    }
}

/// Claims by concurrent workers never overlap; leases expire; failures wait for their
/// retry time; sent e-mails are never claimed again.
pub async fn outbox_claims_and_retries(store: Arc<dyn Store>) {
    // Five accounts, five welcome e-mails.
    let _world = World::new(store.clone()).await;
    let a = new_agency(&store, "กรมบัญชีกลาง", "Comptroller General's Department").await;
    for i in 0..13 {
        new_user(&store, &format!("mass.{i}"), Role::Agency, Some(&a)).await;
    }
    let pending = store
        .outbox(Some(OutboxStatus::Pending), 1000)
        .await
        .unwrap();
    assert_eq!(pending.len(), 5 + 13);
    assert!(store
        .outbox(Some(OutboxStatus::Sending), 1000)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(store.outbox(None, 4).await.unwrap().len(), 4);
    let lease = Duration::minutes(5);

    // Nothing is due before it was written.
    assert!(store
        .claim_outbox(10, now() - Duration::seconds(1), lease)
        .await
        .unwrap()
        .is_empty());

    // Two workers drain the outbox concurrently.
    let mut workers = Vec::new();
    for _ in 0..2 {
        let store = store.clone();
        workers.push(tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                let batch = store.claim_outbox(3, now(), lease).await.unwrap();
                if batch.is_empty() {
                    return got;
                }
                got.extend(batch);
            }
        }));
    }
    let mut claimed = Vec::new();
    for worker in workers {
        claimed.extend(worker.await.unwrap());
    }
    let ids: HashSet<Uuid> = claimed.iter().map(|m| m.id).collect();
    assert_eq!(ids.len(), claimed.len(), "no e-mail claimed twice");
    assert_eq!(ids, pending.iter().map(|m| m.id).collect::<HashSet<_>>());
    for m in &claimed {
        assert_eq!((m.status, m.attempts), (OutboxStatus::Sending, 1));
        assert_eq!(m.next_attempt_at, now() + lease);
    }
    assert_eq!(
        store
            .outbox(Some(OutboxStatus::Sending), 1000)
            .await
            .unwrap()
            .len(),
        18
    );

    // While the lease holds nobody else gets them; after it, they are claimable again.
    assert!(store
        .claim_outbox(100, now() + Duration::minutes(4), lease)
        .await
        .unwrap()
        .is_empty());
    let t1 = now() + Duration::minutes(6);
    let reclaimed = store.claim_outbox(2, t1, lease).await.unwrap();
    assert_eq!(reclaimed.len(), 2);
    assert!(reclaimed
        .iter()
        .all(|m| m.attempts == 2 && m.next_attempt_at == t1 + lease));

    // Delivered: never again.
    let (sent, failed) = (&reclaimed[0], &reclaimed[1]);
    store.mark_sent(sent.id, t1).await.unwrap();
    // A failure: back to pending, due at the retry time.
    let retry_at = t1 + Duration::hours(1);
    store
        .mark_failed(failed.id, "SMTP 451 ลองใหม่ภายหลัง", Some(t1), retry_at)
        .await
        .unwrap();
    let row = store
        .outbox(Some(OutboxStatus::Pending), 100)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.id == failed.id)
        .unwrap();
    assert_eq!(row.last_error.as_deref(), Some("SMTP 451 ลองใหม่ภายหลัง"));
    assert_eq!((row.next_attempt_at, row.attempts), (retry_at, 2));

    // The rest of the first claims expire at now + 5 min: claim them out of the way.
    let rest = store.claim_outbox(100, t1, lease).await.unwrap();
    assert_eq!(rest.len(), 16);
    assert!(rest.iter().all(|m| m.id != sent.id && m.id != failed.id));
    for m in &rest {
        store.mark_sent(m.id, t1).await.unwrap();
    }
    let before_retry = retry_at - Duration::minutes(1);
    assert!(store
        .claim_outbox(100, before_retry, lease)
        .await
        .unwrap()
        .is_empty());
    let retried = store.claim_outbox(100, retry_at, lease).await.unwrap();
    assert_eq!(
        retried
            .iter()
            .map(|m| (m.id, m.attempts))
            .collect::<Vec<_>>(),
        vec![(failed.id, 3)]
    );
    assert_eq!(
        retried[0].last_error.as_deref(),
        Some("SMTP 451 ลองใหม่ภายหลัง")
    );
    store.mark_sent(failed.id, retry_at).await.unwrap();

    let done = store.outbox(Some(OutboxStatus::Sent), 1000).await.unwrap();
    assert_eq!(done.len(), 18);
    let first = done.iter().find(|m| m.id == sent.id).unwrap();
    assert_eq!(first.sent_at, Some(t1));
    assert!(store
        .claim_outbox(100, now() + Duration::days(30), lease)
        .await
        .unwrap()
        .is_empty());
    // A late failure report does not take back a delivery; unknown ids are not found.
    store
        .mark_failed(sent.id, "late", None, now() + Duration::days(1))
        .await
        .unwrap();
    assert!(store
        .claim_outbox(100, now() + Duration::days(30), lease)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        err_code(store.mark_sent(Uuid::now_v7(), t1).await),
        "not_found"
    );
    assert_eq!(
        err_code(store.mark_failed(Uuid::now_v7(), "x", None, t1).await),
        "not_found"
    );
}

/// Identical content is stored once: two metadata rows, one SHA-256, same bytes.
pub async fn files_are_deduplicated(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let bytes = png(120, 120, [7, 0, 0]);
    let first = upload(&store, &w.officer, "icon.png", &bytes).await;
    let second = upload(&store, &w.outsider, "ไอคอน (สำเนา).png", &bytes).await;
    let staff = store
        .put_file(
            NewFile {
                name: "report.pdf".into(),
                media_type: MediaType::Pdf,
                dimensions: None,
                uploaded_by: w.reviewer.id,
                agency_id: None,
                uploaded_at: now(),
            },
            &pdf("onboard"),
        )
        .await
        .unwrap();
    assert_ne!(first.id, second.id);
    assert_eq!(first.sha256, second.sha256);
    assert_eq!(first.sha256, onboard_store::password::sha256_hex(&bytes));
    assert_eq!(first.sha256.len(), 64);
    assert_eq!(
        (first.size, first.media_type, first.dimensions),
        (bytes.len() as u64, MediaType::Png, Some((120, 120)))
    );
    assert_eq!(second.name, "ไอคอน (สำเนา).png");
    assert_eq!(second.agency_id, Some(w.other_agency.id));
    assert_eq!(store.file(first.id).await.unwrap(), Some(first.clone()));
    assert_eq!(store.file(second.id).await.unwrap(), Some(second.clone()));
    assert_eq!(store.file(staff.id).await.unwrap(), Some(staff.clone()));
    assert_eq!(staff.agency_id, None);
    assert_eq!(
        store.file_content(first.id).await.unwrap(),
        Some(bytes.clone())
    );
    assert_eq!(store.file_content(second.id).await.unwrap(), Some(bytes));
    assert_eq!(
        store.file_content(staff.id).await.unwrap(),
        Some(pdf("onboard"))
    );
    assert_eq!(store.file(Uuid::now_v7()).await.unwrap(), None);
    assert_eq!(store.file_content(Uuid::now_v7()).await.unwrap(), None);
    // Empty content is a file like any other.
    let empty = store
        .put_file(
            NewFile {
                name: "empty.csv".into(),
                media_type: MediaType::Csv,
                dimensions: None,
                uploaded_by: w.officer.id,
                agency_id: w.officer.agency_id,
                uploaded_at: now(),
            },
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        store.file_content(empty.id).await.unwrap(),
        Some(Vec::new())
    );
}

/// A backup is written while the store is in use, or the backend says it cannot.
pub async fn backup_or_unsupported(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let svc = w.eservice("ระบบสำรองข้อมูล").await;
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("nested").join("backup.db");
    let writer = {
        let (store, actor, id) = (store.clone(), w.officer.actor(), svc.id());
        tokio::spawn(async move {
            for i in 0..20 {
                let command = Command::SaveDraft {
                    step: Step::Credential,
                    payload: json!({ "icon_concept": format!("{i}") }),
                };
                store
                    .execute(id, &actor, command, None, &ctx())
                    .await
                    .unwrap();
            }
        })
    };
    match store.backup(&to).await {
        Ok(()) => assert!(std::fs::metadata(&to).unwrap().len() > 0),
        Err(StoreError::Unsupported(_)) => assert!(!to.exists()),
        Err(e) => panic!("backup failed: {e:?}"),
    }
    writer.await.unwrap();
    assert_eq!(
        store
            .eservice(svc.id(), Scope::All)
            .await
            .unwrap()
            .unwrap()
            .version(),
        21
    );
}

/// Accepted and rejected commands racing on many e-Services: every accepted one lands whole,
/// every rejected one writes nothing, whichever transaction (or batch) they shared.
pub async fn concurrent_rejections_do_not_touch_accepted_commands(store: Arc<dyn Store>) {
    let world = Arc::new(World::new(store).await);
    let mut ids = Vec::new();
    for i in 0..8 {
        ids.push(world.eservice(&format!("ระบบที่ {i}")).await.id());
    }
    let mut tasks = Vec::new();
    for (i, id) in ids.iter().copied().enumerate() {
        for good in [true, false] {
            let world = Arc::clone(&world);
            tasks.push(tokio::spawn(async move {
                let command = if good {
                    Command::SaveDraft {
                        step: Step::Credential,
                        payload: serde_json::json!({"short_description": format!("ร่าง {i}")}),
                    }
                } else {
                    // Step 1 is in progress: nothing to withdraw.
                    Command::Withdraw {
                        step: Step::Credential,
                    }
                };
                let result = world
                    .store
                    .execute(id, &world.officer.actor(), command, None, &ctx())
                    .await;
                (good, result.map(|s| s.version()).map_err(|e| code(&e)))
            }));
        }
    }
    for task in tasks {
        let (good, result) = task.await.unwrap();
        if good {
            assert_eq!(result, Ok(2));
        } else {
            assert_eq!(result, Err("invalid_transition"));
        }
    }
    for id in ids {
        let tally = world.tally(id).await;
        assert_eq!((tally.version, tally.events), (2, 2), "{id}");
        let stored = world.store.eservice(id, Scope::All).await.unwrap().unwrap();
        assert!(stored.step(Step::Credential).draft.is_some());
    }
}

// ---------------------------------------------------------------------------------------
// Outbox dead letters (SPEC §8)
// ---------------------------------------------------------------------------------------

/// Three welcome e-mails, claimed at [`now`]: (the store, their ids oldest first).
async fn three_claimed(store: &Arc<dyn Store>) -> Vec<Uuid> {
    for name in ["dead.a", "dead.b", "dead.c"] {
        new_user(store, name, Role::Reviewer, None).await;
    }
    let claimed = store
        .claim_outbox(10, now(), Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(claimed.len(), 3);
    assert!(claimed.iter().all(|m| m.failing_since.is_none()));
    claimed.iter().map(|m| m.id).collect()
}

/// The outbox's depth counts pending, sending and failed e-mails (not sent ones) and
/// knows when the oldest unsent one was queued.
pub async fn outbox_depth_counts_what_waits(store: Arc<dyn Store>) {
    assert_eq!(store.outbox_depth().await.unwrap(), OutboxDepth::default());
    let ids = three_claimed(&store).await;
    let all = store.outbox(None, 100).await.unwrap();
    let created = |id: Uuid| all.iter().find(|m| m.id == id).unwrap().created_at;
    let oldest = all.iter().map(|m| m.created_at).min();
    let depth = store.outbox_depth().await.unwrap();
    assert_eq!((depth.pending, depth.sending, depth.failed), (0, 3, 0));
    assert_eq!(depth.oldest_unsent, oldest);

    let (dead, sent, retried) = (ids[0], ids[1], ids[2]);
    let t1 = now() + Duration::minutes(1);
    store.mark_dead(dead, "554", t1).await.unwrap();
    store.mark_sent(sent, t1).await.unwrap();
    store
        .mark_failed(retried, "451", Some(t1), t1 + Duration::minutes(1))
        .await
        .unwrap();
    let depth = store.outbox_depth().await.unwrap();
    assert_eq!(
        depth,
        OutboxDepth {
            pending: 1,
            sending: 0,
            failed: 1,
            oldest_unsent: Some(created(retried)),
        }
    );
    // Only what is still to be sent dates the depth: a dead letter waits for an admin.
    store.mark_sent(retried, t1).await.unwrap();
    let depth = store.outbox_depth().await.unwrap();
    assert_eq!(
        (depth.pending, depth.failed, depth.oldest_unsent),
        (0, 1, None)
    );
}

/// A dead letter is `failed` with its last error, listed by that status, never claimed;
/// a retry queues it again due at once, keeping its attempts and error; only a failed
/// e-mail may be retried, and a late report does not revive one.
pub async fn dead_letters_are_never_claimed_until_retried(store: Arc<dyn Store>) {
    let ids = three_claimed(&store).await;
    let (dead, sent, pending) = (ids[0], ids[1], ids[2]);
    let t1 = now() + Duration::minutes(1);
    store
        .mark_dead(dead, "554 5.7.1 ปฏิเสธถาวร", t1)
        .await
        .unwrap();
    store.mark_sent(sent, t1).await.unwrap();
    store
        .mark_failed(pending, "451 later", Some(t1), t1 + Duration::minutes(1))
        .await
        .unwrap();

    let failed = store.outbox(Some(OutboxStatus::Failed), 100).await.unwrap();
    assert_eq!(failed.len(), 1);
    let m = &failed[0];
    assert_eq!(m.id, dead);
    assert_eq!(m.status, OutboxStatus::Failed);
    assert_eq!(m.last_error.as_deref(), Some("554 5.7.1 ปฏิเสธถาวร"));
    assert_eq!(
        (m.attempts, m.failing_since, m.sent_at),
        (1, Some(t1), None)
    );
    assert_eq!(m.next_attempt_at, t1);
    // Never claimed again, however late.
    let later = store
        .claim_outbox(100, now() + Duration::days(30), Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(later.iter().map(|m| m.id).collect::<Vec<_>>(), [pending]);
    // A late failure report or a second give-up leaves the dead letter as it is.
    store.mark_failed(dead, "late", Some(t1), t1).await.unwrap();
    store.mark_dead(dead, "again", t1).await.unwrap();
    let still = store.outbox(Some(OutboxStatus::Failed), 100).await.unwrap();
    assert_eq!(still, failed);
    // A sent e-mail is not given up.
    store.mark_dead(sent, "late", t1).await.unwrap();
    assert_eq!(
        store.outbox(Some(OutboxStatus::Sent), 100).await.unwrap()[0].id,
        sent
    );

    // Only a failed e-mail may be queued again: the refusal names the status.
    let refused = store.retry_outbox(sent, t1).await.unwrap_err();
    assert!(
        matches!(&refused, StoreError::NotFailed(n) if n.status == OutboxStatus::Sent),
        "{refused:?}"
    );
    let refused = store.retry_outbox(pending, t1).await.unwrap_err();
    assert!(
        matches!(&refused, StoreError::NotFailed(n) if n.status == OutboxStatus::Sending),
        "{refused:?}"
    );
    assert_eq!(
        err_code(store.retry_outbox(Uuid::now_v7(), t1).await),
        "not_found"
    );
    assert_eq!(
        err_code(store.mark_dead(Uuid::now_v7(), "x", t1).await),
        "not_found"
    );

    // The retry: pending, due at once, the window closed, attempts and error kept.
    let t2 = now() + Duration::days(2);
    let queued = store.retry_outbox(dead, t2).await.unwrap();
    assert_eq!(queued.id, dead);
    assert_eq!(queued.status, OutboxStatus::Pending);
    assert_eq!((queued.next_attempt_at, queued.failing_since), (t2, None));
    assert_eq!(queued.attempts, 1);
    assert_eq!(queued.last_error.as_deref(), Some("554 5.7.1 ปฏิเสธถาวร"));
    assert_eq!(queued.subject, failed[0].subject);
    assert!(store
        .outbox(Some(OutboxStatus::Failed), 100)
        .await
        .unwrap()
        .is_empty());
    // Twice: the second finds it pending.
    let again = store.retry_outbox(dead, t2).await.unwrap_err();
    assert!(matches!(again, StoreError::NotFailed(n) if n.status == OutboxStatus::Pending));
    // Due at the retry, not before; then delivered as any other.
    assert!(store
        .claim_outbox(100, t2 - Duration::seconds(1), Duration::minutes(5))
        .await
        .unwrap()
        .iter()
        .all(|m| m.id != dead));
    let claimed = store
        .claim_outbox(100, t2, Duration::minutes(5))
        .await
        .unwrap();
    let mine = claimed.iter().find(|m| m.id == dead).unwrap();
    assert_eq!((mine.status, mine.attempts), (OutboxStatus::Sending, 2));
    store.mark_sent(dead, t2).await.unwrap();
    let done = store.outbox(Some(OutboxStatus::Sent), 100).await.unwrap();
    assert!(done.iter().any(|m| m.id == dead && m.sent_at == Some(t2)));
}

/// The failing window opens at the first failed try, stays through later failures and a
/// release (an untried e-mail), and a retry closes it so the next failure opens a new one.
pub async fn failing_windows_open_once_and_close_on_retry(store: Arc<dyn Store>) {
    let ids = three_claimed(&store).await;
    let (failing, released) = (ids[0], ids[1]);
    let lease = Duration::minutes(5);
    let row = |id: Uuid| {
        let store = store.clone();
        async move {
            store
                .outbox(None, 100)
                .await
                .unwrap()
                .into_iter()
                .find(|m| m.id == id)
                .unwrap()
        }
    };
    // Released unsent: no window.
    store
        .mark_failed(released, "released unsent: worker stopped", None, now())
        .await
        .unwrap();
    let r = row(released).await;
    assert_eq!((r.status, r.failing_since), (OutboxStatus::Pending, None));
    assert_eq!(r.next_attempt_at, now());

    // First failure at t1 opens the window; a later one keeps it.
    let t1 = now() + Duration::minutes(1);
    store
        .mark_failed(failing, "451 a", Some(t1), t1 + Duration::minutes(1))
        .await
        .unwrap();
    assert_eq!(row(failing).await.failing_since, Some(t1));
    let t2 = t1 + Duration::hours(3);
    let again = store.claim_outbox(10, t2, lease).await.unwrap();
    let mine = again.iter().find(|m| m.id == failing).unwrap();
    assert_eq!(mine.failing_since, Some(t1), "claims carry the window");
    store
        .mark_failed(failing, "451 b", Some(t2), t2 + Duration::hours(1))
        .await
        .unwrap();
    let r = row(failing).await;
    assert_eq!(r.failing_since, Some(t1));
    assert_eq!(r.last_error.as_deref(), Some("451 b"));
    // A release keeps an open window too.
    let t3 = t2 + Duration::hours(1);
    store.claim_outbox(10, t3, lease).await.unwrap();
    store
        .mark_failed(failing, "released unsent: lease nearly over", None, t3)
        .await
        .unwrap();
    assert_eq!(row(failing).await.failing_since, Some(t1));

    // Given up a day later; the window it died in stays visible.
    let t4 = t1 + Duration::hours(24);
    store.claim_outbox(10, t4, lease).await.unwrap();
    store.mark_dead(failing, "451 c", t4).await.unwrap();
    let r = row(failing).await;
    assert_eq!(
        (r.status, r.failing_since),
        (OutboxStatus::Failed, Some(t1))
    );
    assert_eq!(r.attempts, 4);

    // Retried: the window is closed; the next failure opens a new one.
    let t5 = t4 + Duration::hours(2);
    store.retry_outbox(failing, t5).await.unwrap();
    assert_eq!(row(failing).await.failing_since, None);
    let claimed = store.claim_outbox(10, t5, lease).await.unwrap();
    assert!(claimed.iter().any(|m| m.id == failing));
    store
        .mark_failed(failing, "451 d", Some(t5), t5 + Duration::minutes(1))
        .await
        .unwrap();
    let r = row(failing).await;
    assert_eq!(
        (r.status, r.failing_since),
        (OutboxStatus::Pending, Some(t5))
    );
    assert_eq!(r.attempts, 5);
}

// ---------------------------------------------------------------------------------------
// The release calendar: closed dates with reasons, every change recorded.
// ---------------------------------------------------------------------------------------

fn closed(date_text: &str, reason: &str) -> onboard_core::calendar::ClosedDate {
    onboard_core::calendar::ClosedDate {
        date: date(date_text),
        reason: reason.into(),
    }
}

/// (kind, date, reason, actor) of the recorded changes, oldest first.
async fn calendar_log(
    store: &Arc<dyn Store>,
) -> Vec<(
    onboard_store::CalendarChangeKind,
    String,
    String,
    Option<Uuid>,
)> {
    let mut log: Vec<_> = store
        .calendar_changes(1000)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.kind, c.date.to_string(), c.reason, c.actor))
        .collect();
    log.reverse();
    log
}

pub async fn release_calendar_is_replaced_added_and_removed_with_every_change_recorded(
    store: Arc<dyn Store>,
) {
    use onboard_store::CalendarChangeKind::{Added, Removed};
    let admin = new_user(&store, "calendar.admin", Role::Admin, None).await;
    assert!(store.closed_dates().await.unwrap().is_empty());
    let set = store
        .replace_closed_dates(
            vec![
                closed("2026-12-29", "ปีใหม่"),
                closed("2026-12-15", "ปิดปรับปรุง"),
            ],
            Some(admin.id),
            now(),
        )
        .await
        .unwrap();
    assert_eq!(
        set,
        [
            closed("2026-12-15", "ปิดปรับปรุง"),
            closed("2026-12-29", "ปีใหม่")
        ]
    );
    assert_eq!(store.closed_dates().await.unwrap(), set);
    // One kept, one with a new reason, one dropped, one new.
    let later = now() + Duration::minutes(5);
    let set = store
        .replace_closed_dates(
            vec![
                closed("2026-12-29", "วันหยุดสิ้นปี"),
                closed("2027-01-05", "freeze"),
            ],
            None,
            later,
        )
        .await
        .unwrap();
    assert_eq!(
        set,
        [
            closed("2026-12-29", "วันหยุดสิ้นปี"),
            closed("2027-01-05", "freeze")
        ]
    );
    let s = |v: &str| v.to_owned();
    assert_eq!(
        calendar_log(&store).await,
        [
            (Added, s("2026-12-15"), s("ปิดปรับปรุง"), Some(admin.id)),
            (Added, s("2026-12-29"), s("ปีใหม่"), Some(admin.id)),
            (Removed, s("2026-12-15"), s("ปิดปรับปรุง"), None),
            (Removed, s("2026-12-29"), s("ปีใหม่"), None),
            (Added, s("2026-12-29"), s("วันหยุดสิ้นปี"), None),
            (Added, s("2027-01-05"), s("freeze"), None),
        ]
    );
    let newest = store.calendar_changes(1).await.unwrap();
    assert_eq!(newest.len(), 1);
    assert_eq!(newest[0].at, later);
    // Replacing with the same set changes and records nothing.
    store
        .replace_closed_dates(set.clone(), Some(admin.id), later)
        .await
        .unwrap();
    assert_eq!(calendar_log(&store).await.len(), 6);

    // One at a time (the CLI and the portal's form).
    let added = store
        .add_closed_date(closed("2027-01-12", "สงกรานต์"), Some(admin.id), later)
        .await
        .unwrap();
    assert_eq!(added, closed("2027-01-12", "สงกรานต์"));
    assert_eq!(
        err_code(
            store
                .add_closed_date(closed("2027-01-12", "again"), None, later)
                .await
        ),
        "duplicate"
    );
    assert_eq!(
        err_code(
            store
                .remove_closed_date(date("2027-03-02"), None, later)
                .await
        ),
        "not_found"
    );
    assert_eq!(
        calendar_log(&store).await.len(),
        7,
        "refusals record nothing"
    );
    let removed = store
        .remove_closed_date(date("2026-12-29"), None, later)
        .await
        .unwrap();
    assert_eq!(removed, closed("2026-12-29", "วันหยุดสิ้นปี"));
    assert_eq!(
        store.closed_dates().await.unwrap(),
        [
            closed("2027-01-05", "freeze"),
            closed("2027-01-12", "สงกรานต์")
        ]
    );
    assert_eq!(
        calendar_log(&store).await.last().unwrap(),
        &(Removed, s("2026-12-29"), s("วันหยุดสิ้นปี"), None)
    );
}

pub async fn closed_dates_are_seeded_only_into_a_calendar_never_changed(store: Arc<dyn Store>) {
    let seed = vec![closed("2026-12-15", "ค่าเริ่มต้น")];
    assert!(!store.seed_closed_dates(Vec::new(), now()).await.unwrap());
    assert!(store.seed_closed_dates(seed.clone(), now()).await.unwrap());
    assert_eq!(store.closed_dates().await.unwrap(), seed);
    let log = store.calendar_changes(10).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].actor, None);
    // A restart with the same flag, or another, changes nothing.
    assert!(!store
        .seed_closed_dates(vec![closed("2026-12-22", "x")], now())
        .await
        .unwrap());
    assert_eq!(store.closed_dates().await.unwrap(), seed);
    // An admin emptied the calendar: it stays empty.
    store
        .remove_closed_date(date("2026-12-15"), None, now())
        .await
        .unwrap();
    assert!(!store.seed_closed_dates(seed, now()).await.unwrap());
    assert!(store.closed_dates().await.unwrap().is_empty());
}

pub async fn concurrent_calendar_edits_are_not_lost(store: Arc<dyn Store>) {
    let base = date("2027-01-05");
    let mut tasks = Vec::new();
    for i in 0..16u64 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let day = base + chrono::Days::new(7 * i);
            if i % 2 == 0 {
                store
                    .add_closed_date(
                        onboard_core::calendar::ClosedDate {
                            date: day,
                            reason: format!("งดเผยแพร่ {i}"),
                        },
                        None,
                        now(),
                    )
                    .await
                    .map(|_| ())
            } else {
                // A replacement that keeps what it reads and adds its own date: under
                // the store's serialization it never drops another edit.
                let mut set = store.closed_dates().await.unwrap();
                set.push(onboard_core::calendar::ClosedDate {
                    date: day,
                    reason: format!("งดเผยแพร่ {i}"),
                });
                set.sort_by_key(|e| e.date);
                // A replacement built from a stale read may drop a date added meanwhile;
                // the add it raced with is then recorded as removed, never silently lost.
                store
                    .replace_closed_dates(set, None, now())
                    .await
                    .map(|_| ())
            }
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    // Every add is in the calendar or in the log as removed by a replacement; the log
    // and the calendar agree.
    let now_closed: HashSet<NaiveDate> = store
        .closed_dates()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.date)
        .collect();
    let mut replayed: HashSet<NaiveDate> = HashSet::new();
    for change in store
        .calendar_changes(1000)
        .await
        .unwrap()
        .into_iter()
        .rev()
    {
        match change.kind {
            onboard_store::CalendarChangeKind::Added => assert!(replayed.insert(change.date)),
            onboard_store::CalendarChangeKind::Removed => assert!(replayed.remove(&change.date)),
        }
    }
    assert_eq!(replayed, now_closed);
    // The eight single adds ran against the current calendar: none was refused or lost
    // without a record.
    for i in (0..16u64).step_by(2) {
        let day = base + chrono::Days::new(7 * i);
        let added = store
            .calendar_changes(1000)
            .await
            .unwrap()
            .iter()
            .any(|c| c.date == day && c.kind == onboard_store::CalendarChangeKind::Added);
        assert!(added, "{day}");
    }
}

// ---------------------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------------------

/// A new template of `step` with `title_th`, its file `name` with `bytes`, added by `by`.
pub async fn new_template(
    store: &Arc<dyn Store>,
    by: Option<&User>,
    step: Step,
    title_th: &str,
    name: &str,
    bytes: &[u8],
) -> onboard_store::Template {
    let facts = FileFacts::inspect(bytes).expect("a recognized file type");
    store
        .create_template(
            onboard_store::NewTemplate {
                title_th: title_th.into(),
                title_en: format!("{title_th} (en)"),
                step,
                uploaded_by: by.map(|u| u.id),
                uploaded_at: now(),
            },
            NewFile {
                name: name.into(),
                media_type: facts.media_type,
                dimensions: facts.dimensions,
                uploaded_by: by.map_or(Uuid::nil(), |u| u.id),
                agency_id: None,
                uploaded_at: now(),
            },
            bytes,
        )
        .await
        .unwrap()
}

/// Templates are stored with their file, listed by step (its number, not its slug) then
/// Thai title, read one by one, and deleted (`NotFound` for an unknown or deleted one).
pub async fn templates_are_created_listed_and_deleted(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    assert_eq!(store.templates().await.unwrap(), Vec::new());
    // Added out of order: `preprod-setup` (5) sorts before `uat-test` (3) by slug.
    let guide = new_template(
        &store,
        Some(&w.admin),
        Step::PreprodSetup,
        "Template Icon งานบริการและภาพหน้าจอตัวอย่าง",
        "guide.png",
        &png(800, 600, [1, 0, 0]),
    )
    .await;
    let uat_b = new_template(
        &store,
        Some(&w.admin),
        Step::UatTest,
        "ข แบบทดสอบ",
        "uat-b.xlsx",
        &xlsx(),
    )
    .await;
    let uat_a = new_template(
        &store,
        None,
        Step::UatTest,
        "ก Minimum Testcase",
        "Minimum Testcase (UAT).xlsx",
        &xlsx(),
    )
    .await;
    let launch = new_template(
        &store,
        Some(&w.admin),
        Step::Launch,
        "ก",
        "l.pdf",
        &pdf("onboard"),
    )
    .await;

    assert_eq!(uat_a.step, Step::UatTest);
    assert_eq!(uat_a.title_en, "ก Minimum Testcase (en)");
    assert_eq!(uat_a.uploaded_by, None);
    assert_eq!(guide.uploaded_by, Some(w.admin.id));
    assert_eq!(uat_a.uploaded_at, now());
    assert_eq!(uat_a.file.name, "Minimum Testcase (UAT).xlsx");
    assert_eq!(uat_a.file.media_type, MediaType::Xlsx);
    assert_eq!(uat_a.file.agency_id, None);
    assert_eq!(guide.file.dimensions, Some((800, 600)));
    // The two workbooks share their content, stored once.
    assert_eq!(uat_a.file.sha256, uat_b.file.sha256);
    assert_ne!(uat_a.file.id, uat_b.file.id);

    let listed = store.templates().await.unwrap();
    assert_eq!(
        listed,
        vec![uat_a.clone(), uat_b.clone(), guide.clone(), launch.clone()]
    );
    assert_eq!(store.template(guide.id).await.unwrap(), Some(guide.clone()));
    assert_eq!(store.template(Uuid::now_v7()).await.unwrap(), None);
    assert_eq!(
        store.file_content(guide.file.id).await.unwrap(),
        Some(png(800, 600, [1, 0, 0]))
    );
    assert_eq!(
        store.file(uat_a.file.id).await.unwrap(),
        Some(uat_a.file.clone())
    );

    store.delete_template(uat_b.id).await.unwrap();
    assert_eq!(err_code(store.delete_template(uat_b.id).await), "not_found");
    assert_eq!(
        err_code(store.delete_template(Uuid::now_v7()).await),
        "not_found"
    );
    assert_eq!(store.template(uat_b.id).await.unwrap(), None);
    assert_eq!(
        store.templates().await.unwrap(),
        vec![uat_a.clone(), guide, launch]
    );
    // The file of a deleted template stays (its content may be another's too).
    assert_eq!(
        store.file_content(uat_b.file.id).await.unwrap(),
        Some(xlsx())
    );
    assert_eq!(
        store.file_content(uat_a.file.id).await.unwrap(),
        Some(xlsx())
    );
}

/// A template's file is a file like an upload: identical content is stored once, and a
/// title with Thai, quotes and a long length comes back exactly.
pub async fn template_files_share_content_with_uploads(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let bytes = pdf("onboard");
    let uploaded = upload(&store, &w.officer, "ผล.pdf", &bytes).await;
    let title = format!("คู่มือ \"ทดสอบ\" {}", "ก".repeat(180));
    let template = new_template(
        &store,
        Some(&w.admin),
        Step::Credential,
        &title,
        "คู่มือ.pdf",
        &bytes,
    )
    .await;
    assert_eq!(template.file.sha256, uploaded.sha256);
    assert_eq!(template.title_th, title);
    let read = store.template(template.id).await.unwrap().unwrap();
    assert_eq!(read, template);
    assert_eq!(
        store.file_content(template.file.id).await.unwrap(),
        Some(bytes)
    );
}
