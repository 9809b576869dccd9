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
use onboard_core::id::{AgencyId, EServiceId, UserId};
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

pub fn new_user_input(username: &str, role: Role, agency_id: Option<AgencyId>) -> NewUser {
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
    notify::account_created(UserId::from_u128(0), username, INITIAL_PASSWORD, &mail())
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
    id: EServiceId,
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
    /// Moves `id` `moves` commands forward as this world's officer and reviewer, with no
    /// desired launch date, at `ctx`'s instant.
    pub async fn forward(
        &self,
        files: &Uploads,
        id: EServiceId,
        moves: usize,
        ctx: &CommandContext,
    ) -> EService {
        advance(
            &self.store,
            id,
            &self.officer,
            &self.reviewer,
            files,
            moves,
            "",
            ctx,
        )
        .await
    }

    pub async fn tally(&self, id: EServiceId) -> Tally {
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

    /// Walks e-Service `id` all the way to a launch confirmed for `desired`, the officer
    /// and the reviewer taking turns.
    pub async fn launch(&self, files: &Uploads, id: EServiceId, desired: &str) -> EService {
        let (officer, reviewer) = (&self.officer, &self.reviewer);
        advance(
            &self.store,
            id,
            officer,
            reviewer,
            files,
            FULL_WALK,
            desired,
            &ctx(),
        )
        .await
    }

    /// Runs each command as the officer on `id` and checks that it is refused with its code
    /// and writes nothing.
    pub async fn refuses_all(&self, id: EServiceId, cases: Vec<(Command, &str)>) {
        let before = self.tally(id).await;
        for (command, expected) in cases {
            let name = command.kind();
            let r = self
                .store
                .execute(id, &self.officer.actor(), command, None, &ctx())
                .await;
            assert_eq!(err_code(r), expected, "{name}");
            assert_eq!(self.tally(id).await, before, "{name} wrote something");
        }
    }
}

/// Counts of what one e-Service's commands have written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub events: usize,
    pub version: u64,
    pub inbox: HashMap<UserId, usize>,
    pub outbox: usize,
}

impl Tally {
    /// New notifications per user since `before`.
    pub fn new_notes(&self, before: &Tally, user: &User) -> usize {
        self.inbox[&user.id] - before.inbox[&user.id]
    }
}

// ---------------------------------------------------------------------------------------
// The tests, by topic.
// ---------------------------------------------------------------------------------------

mod accounts;
mod calendar;
mod commands;
mod dead_letters;
mod messages;
mod queries;
mod templates;

pub use accounts::*;
pub use calendar::*;
pub use commands::*;
pub use dead_letters::*;
pub use messages::*;
pub use queries::*;
pub use templates::*;
