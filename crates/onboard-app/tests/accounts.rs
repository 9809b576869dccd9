//! The account flows against a real SQLite store: login and its throttle, the first login,
//! password changes, logout, new accounts with generated credentials, and the admins'
//! administration of accounts and agencies.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use onboard_app::accounts::Administrator;
use onboard_app::{accounts, agencies, AppError};
use onboard_core::account::NewAccount;
use onboard_core::id::{AgencyId, UserId};
use onboard_core::notify::{MailConfig, NoticeKind};
use onboard_core::reference::Role;
use onboard_core::validation::Code;
use onboard_core::workflow::AgencyNames;
use onboard_store::password::token_hash;
use onboard_store::sqlite::{SqliteOptions, SqliteStore};
use onboard_store::{NewAgency, Store, StoreError, User, UserQuery};
use std::sync::Arc;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).unwrap()
}

async fn store() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store =
        SqliteStore::open(&dir.path().join("onboard.db"), SqliteOptions::default()).unwrap();
    store.migrate().await.unwrap();
    (Arc::new(store), dir)
}

async fn new_officer(store: &dyn Store) -> accounts::CreatedAccount {
    let agency = store
        .create_agency(NewAgency {
            name_th: "กรมสรรพากร".into(),
            name_en: "The Revenue Department".into(),
            ministry_th: "กระทรวงการคลัง".into(),
            ministry_en: "Ministry of Finance".into(),
        })
        .await
        .unwrap();
    let account =
        NewAccount::parse("somying@rd.go.th", "สมหญิง รักงาน", "agency", Some(agency.id)).unwrap();
    accounts::create_account(store, account, &MailConfig::default(), now())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_account_logs_in_chooses_credentials_and_logs_out() {
    let (store, _dir) = store().await;
    let created = new_officer(store.as_ref()).await;
    assert!(created.user.must_change_credentials);
    assert!(created.initial_username.starts_with("somying"));
    // The welcome e-mail went to the outbox in the same step.
    assert_eq!(store.outbox(None, 10).await.unwrap().len(), 1);

    let ttl = Duration::hours(8);
    let done = accounts::login(
        store.as_ref(),
        &created.initial_username,
        &created.initial_password,
        ttl,
        now(),
    )
    .await
    .unwrap();
    assert_eq!(done.expires_at, now() + ttl);
    let user = accounts::session_user(store.as_ref(), &done.token, now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.id, created.user.id);

    // Every broken rule at once; then a good answer.
    let e = accounts::first_login(store.as_ref(), &user, "ab", "short", "other")
        .await
        .unwrap_err();
    let AppError::Invalid(report) = e else {
        panic!("{e:?}")
    };
    assert!(report.errors.len() >= 4);
    let updated = accounts::first_login(
        store.as_ref(),
        &user,
        "somying.r",
        "Tangrat2027",
        "Tangrat2027",
    )
    .await
    .unwrap();
    assert!(!updated.must_change_credentials);
    let e = accounts::first_login(
        store.as_ref(),
        &updated,
        "somying.x",
        "Tangrat2028",
        "Tangrat2028",
    )
    .await
    .unwrap_err();
    assert!(matches!(e, AppError::FirstLoginDone), "{e:?}");

    accounts::logout(store.as_ref(), &done.token, now())
        .await
        .unwrap();
    assert!(accounts::session_user(store.as_ref(), &done.token, now())
        .await
        .unwrap()
        .is_none());
    accounts::login(store.as_ref(), "SOMYING.R", "Tangrat2027", ttl, now())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_are_alike_and_throttled() {
    let (store, _dir) = store().await;
    let created = new_officer(store.as_ref()).await;
    let ttl = Duration::hours(8);
    let e = accounts::login(store.as_ref(), "nobody.here", "Whatever123", ttl, now())
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::InvalidCredentials), "{e:?}");
    for _ in 0..5 {
        let e = accounts::login(
            store.as_ref(),
            &created.initial_username,
            "Wrong-1234",
            ttl,
            now(),
        )
        .await
        .unwrap_err();
        assert!(matches!(e, AppError::InvalidCredentials), "{e:?}");
    }
    // Even the right password waits for the window.
    let e = accounts::login(
        store.as_ref(),
        &created.initial_username,
        &created.initial_password,
        ttl,
        now(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(e, AppError::TooManyAttempts { retry_after: 900 }),
        "{e:?}"
    );
    let later = now() + Duration::minutes(15);
    accounts::login(
        store.as_ref(),
        &created.initial_username,
        &created.initial_password,
        ttl,
        later,
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_login_refuses_a_taken_username_and_accounts_need_their_agency() {
    let (store, _dir) = store().await;
    let first = new_officer(store.as_ref()).await;
    let second = new_officer(store.as_ref()).await;
    accounts::first_login(
        store.as_ref(),
        &first.user,
        "taken.name",
        "Tangrat2027",
        "Tangrat2027",
    )
    .await
    .unwrap();
    let e = accounts::first_login(
        store.as_ref(),
        &second.user,
        "Taken.Name",
        "Tangrat2027",
        "Tangrat2027",
    )
    .await
    .unwrap_err();
    let AppError::Invalid(report) = e else {
        panic!("{e:?}")
    };
    assert_eq!(report.errors[0].field, "username");
    assert_eq!(report.errors[0].code, Code::Duplicate);
    assert!(report.errors[0].message_th.contains("ชื่อผู้ใช้"));

    let account =
        NewAccount::parse("a@rd.go.th", "ก", "agency", Some(AgencyId::from_u128(0))).unwrap();
    let e = accounts::create_account(store.as_ref(), account, &MailConfig::default(), now())
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::Store(StoreError::NotFound)), "{e:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_change_checks_every_rule_and_keeps_only_its_session() {
    let (store, _dir) = store().await;
    let store = store.as_ref();
    let created = new_officer(store).await;
    let ttl = Duration::hours(8);

    // Before the first login there is nothing to change yet.
    let first = accounts::login(
        store,
        &created.initial_username,
        &created.initial_password,
        ttl,
        now(),
    )
    .await
    .unwrap();
    let e = accounts::change_password(
        store,
        &first.user,
        &token_hash(&first.token),
        &created.initial_password,
        "Changed2028",
        "Changed2028",
        now(),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, AppError::FirstLoginRequired), "{e:?}");
    let user = accounts::first_login(
        store,
        &first.user,
        "somying.r",
        "Tangrat2027",
        "Tangrat2027",
    )
    .await
    .unwrap();

    // The same account signed in twice more: this browser and another one.
    let here = accounts::login(store, "somying.r", "Tangrat2027", ttl, now())
        .await
        .unwrap();
    let elsewhere = accounts::login(store, "somying.r", "Tangrat2027", ttl, now())
        .await
        .unwrap();
    let alive = |token: String| async move {
        accounts::session_user(store, &token, now())
            .await
            .unwrap()
            .is_some()
    };

    // A wrong current password: one issue on `current_password`, in Thai and English.
    let e = accounts::change_password(
        store,
        &user,
        &token_hash(&here.token),
        "Tangrat2026",
        "Changed2028",
        "Changed2028",
        now(),
    )
    .await
    .unwrap_err();
    let AppError::Invalid(report) = e else {
        panic!("{e:?}")
    };
    assert_eq!(report.errors.len(), 1);
    let issue = &report.errors[0];
    assert_eq!(
        (issue.field.as_str(), issue.code),
        ("current_password", Code::Mismatch)
    );
    assert_eq!(issue.message_th, "รหัสผ่านปัจจุบันไม่ถูกต้อง");
    assert!(!issue.message_en.is_empty());

    // Every broken rule of the new password at once: the first login's rules.
    let e = accounts::change_password(
        store,
        &user,
        &token_hash(&here.token),
        "Tangrat2027",
        "somying.r",
        "other",
        now(),
    )
    .await
    .unwrap_err();
    let AppError::Invalid(report) = e else {
        panic!("{e:?}")
    };
    let problems: Vec<(&str, Code)> = report
        .errors
        .iter()
        .map(|i| (i.field.as_str(), i.code))
        .collect();
    assert_eq!(
        problems,
        [
            ("password", Code::InvalidFormat),
            ("password", Code::InvalidFormat),
            ("password", Code::NotAllowed),
            ("password_confirmation", Code::Mismatch),
        ]
    );
    let e = accounts::change_password(
        store,
        &user,
        &token_hash(&here.token),
        "Tangrat2027",
        "Tangrat2027",
        "Tangrat2027",
        now(),
    )
    .await
    .unwrap_err();
    let AppError::Invalid(report) = e else {
        panic!("{e:?}")
    };
    assert_eq!(report.errors[0].message_th, "รหัสผ่านใหม่ต้องไม่ซ้ำกับรหัสผ่านปัจจุบัน");
    // Refused changes changed nothing.
    assert!(alive(here.token.clone()).await && alive(elsewhere.token.clone()).await);
    accounts::login(store, "somying.r", "Tangrat2027", ttl, now())
        .await
        .unwrap();

    // A good change: this session stays, the others end, only the new password logs in.
    accounts::change_password(
        store,
        &user,
        &token_hash(&here.token),
        "Tangrat2027",
        "Changed2028",
        "Changed2028",
        now(),
    )
    .await
    .unwrap();
    assert!(alive(here.token.clone()).await);
    assert!(!alive(elsewhere.token.clone()).await);
    assert!(!alive(first.token.clone()).await);
    let e = accounts::login(store, "somying.r", "Tangrat2027", ttl, now())
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::InvalidCredentials), "{e:?}");
    let again = accounts::login(store, "SOMYING.R", "Changed2028", ttl, now())
        .await
        .unwrap();
    assert!(!again.user.must_change_credentials);
    assert_eq!(again.user.username, "somying.r");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_current_passwords_count_as_failed_logins() {
    let (store, _dir) = store().await;
    let store = store.as_ref();
    let created = new_officer(store).await;
    let ttl = Duration::hours(8);
    let user = accounts::first_login(
        store,
        &created.user,
        "somying.r",
        "Tangrat2027",
        "Tangrat2027",
    )
    .await
    .unwrap();
    let session = accounts::login(store, "somying.r", "Tangrat2027", ttl, now())
        .await
        .unwrap();
    let change = |current: &'static str, at: DateTime<Utc>| {
        let (user, hash) = (user.clone(), token_hash(&session.token));
        async move {
            accounts::change_password(
                store,
                &user,
                &hash,
                current,
                "Changed2028",
                "Changed2028",
                at,
            )
            .await
        }
    };

    // A right current password clears earlier failures, even when the new one is refused.
    for _ in 0..4 {
        let e = change("Wrong-1234", now()).await.unwrap_err();
        assert!(matches!(e, AppError::Invalid(_)), "{e:?}");
    }
    let e = accounts::change_password(
        store,
        &user,
        &token_hash(&session.token),
        "Tangrat2027",
        "short",
        "short",
        now(),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, AppError::Invalid(_)), "{e:?}");
    // An empty current password is no guess: it does not count.
    for _ in 0..6 {
        let e = change("", now()).await.unwrap_err();
        assert!(matches!(e, AppError::Invalid(_)), "{e:?}");
    }

    // Five wrong ones: the account's password is locked, here and at login.
    for _ in 0..5 {
        let e = change("Wrong-1234", now()).await.unwrap_err();
        assert!(matches!(e, AppError::Invalid(_)), "{e:?}");
    }
    let e = change("Tangrat2027", now()).await.unwrap_err();
    assert!(
        matches!(e, AppError::TooManyAttempts { retry_after: 900 }),
        "{e:?}"
    );
    let e = accounts::login(store, "somying.r", "Tangrat2027", ttl, now())
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::TooManyAttempts { .. }), "{e:?}");
    // Once the failures leave the window, the right password changes it.
    change("Tangrat2027", now() + Duration::minutes(15))
        .await
        .unwrap();
    accounts::login(
        store,
        "somying.r",
        "Changed2028",
        ttl,
        now() + Duration::minutes(15),
    )
    .await
    .unwrap();
}

/// A new account of `role` that has done its first login with `password`; its session token.
async fn ready_account(
    store: &dyn Store,
    email: &str,
    role: &str,
    agency: Option<AgencyId>,
    username: &str,
    password: &str,
) -> (User, String) {
    let account = NewAccount::parse(email, "ผู้ใช้ทดสอบ", role, agency).unwrap();
    let created = accounts::create_account(store, account, &MailConfig::default(), now())
        .await
        .unwrap();
    let ttl = Duration::hours(8);
    let done = accounts::login(
        store,
        &created.initial_username,
        &created.initial_password,
        ttl,
        now(),
    )
    .await
    .unwrap();
    let user = accounts::first_login(store, &done.user, username, password, password)
        .await
        .unwrap();
    (user, done.token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_admins_past_the_first_login_administer() {
    let (store, _dir) = store().await;
    let officer = new_officer(store.as_ref()).await;
    let (reviewer, _) = ready_account(
        store.as_ref(),
        "reviewer@dga.or.th",
        "reviewer",
        None,
        "reviewer.dga",
        "Review2027x",
    )
    .await;
    let (admin, _) = ready_account(
        store.as_ref(),
        "admin@dga.or.th",
        "admin",
        None,
        "admin.dga",
        "Admin2027x",
    )
    .await;
    for user in [&officer.user, &reviewer] {
        let e = Administrator::of(user).unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "{e:?}");
    }
    let pending = NewAccount::parse("new.admin@dga.or.th", "ผู้ดูแลใหม่", "admin", None).unwrap();
    let pending = accounts::create_account(store.as_ref(), pending, &MailConfig::default(), now())
        .await
        .unwrap();
    let e = Administrator::of(&pending.user).unwrap_err();
    assert!(matches!(e, AppError::FirstLoginRequired), "{e:?}");
    let by = Administrator::of(&admin).unwrap();
    assert_eq!(by, Administrator::Admin(admin.id));
    assert_eq!(by.account(), Some(admin.id));
    assert_eq!(Administrator::operator().account(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_gives_a_new_initial_password_and_the_first_login_again() {
    let (store, _dir) = store().await;
    let store = store.as_ref();
    let agency = new_officer(store).await.user.agency_id;
    let (officer, token) = ready_account(
        store,
        "malee@rd.go.th",
        "agency",
        agency,
        "malee.s",
        "Chosen2027x",
    )
    .await;
    let ttl = Duration::hours(8);
    let other = accounts::login(store, "malee.s", "Chosen2027x", ttl, now())
        .await
        .unwrap();
    // Locked out by five wrong passwords.
    for _ in 0..5 {
        let e = accounts::login(store, "malee.s", "Wrong2027x", ttl, now())
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::InvalidCredentials), "{e:?}");
    }
    let e = accounts::login(store, "malee.s", "Chosen2027x", ttl, now())
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::TooManyAttempts { .. }), "{e:?}");

    let mail = MailConfig::new("https://onboard.apps.go.th", "สพร.").unwrap();
    let by = Administrator::operator();
    let reset = accounts::reset_credentials(store, &by, officer.id, &mail, now())
        .await
        .unwrap();
    assert_eq!(reset.initial_username, "malee.s", "the username stays");
    assert!(onboard_core::account::check_password(&reset.initial_password, "malee.s").is_ok());
    assert!(reset.user.must_change_credentials);
    // Every session ended; the old password no longer works.
    for t in [&token, &other.token] {
        assert!(accounts::session_user(store, t, now())
            .await
            .unwrap()
            .is_none());
    }
    let e = accounts::login(store, "malee.s", "Chosen2027x", ttl, now())
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::InvalidCredentials), "{e:?}");
    // The new password works at once (the lockout is forgotten), for the first login.
    let again = accounts::login(store, "malee.s", &reset.initial_password, ttl, now())
        .await
        .unwrap();
    assert!(again.user.must_change_credentials);
    let e = accounts::change_password(
        store,
        &again.user,
        &token_hash(&again.token),
        &reset.initial_password,
        "Another2027x",
        "Another2027x",
        now(),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, AppError::FirstLoginRequired), "{e:?}");
    accounts::first_login(
        store,
        &again.user,
        "malee.k",
        "Another2027x",
        "Another2027x",
    )
    .await
    .unwrap();

    // The e-mail: the reset letter to the account, the new password its secret.
    let outbox = store.outbox(None, 10).await.unwrap();
    let letter = &outbox[0];
    assert_eq!(letter.kind, NoticeKind::CredentialsReset);
    assert_eq!(letter.to, "malee@rd.go.th");
    assert_eq!(
        letter.secret.as_deref(),
        Some(reset.initial_password.as_str())
    );
    assert!(letter.body.contains("ชื่อผู้ใช้งาน: malee.s"));
    assert!(letter.body.contains("https://onboard.apps.go.th/"));

    let e =
        accounts::reset_credentials(store, &by, UserId::from(uuid::Uuid::now_v7()), &mail, now())
            .await
            .unwrap_err();
    assert!(matches!(e, AppError::Store(StoreError::NotFound)), "{e:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabled_accounts_are_refused_like_wrong_passwords_until_enabled() {
    let (store, _dir) = store().await;
    let store = store.as_ref();
    let (admin, _) = ready_account(
        store,
        "admin@dga.or.th",
        "admin",
        None,
        "admin.dga",
        "Admin2027x",
    )
    .await;
    let by = Administrator::of(&admin).unwrap();
    let agency = new_officer(store).await.user.agency_id;
    let (officer, token) = ready_account(
        store,
        "chai@rd.go.th",
        "agency",
        agency,
        "chai.d",
        "Chosen2027x",
    )
    .await;
    let ttl = Duration::hours(8);

    let disabled = accounts::disable_user(store, &by, officer.id, now())
        .await
        .unwrap();
    assert!(disabled.disabled);
    assert!(accounts::session_user(store, &token, now())
        .await
        .unwrap()
        .is_none());
    let e = accounts::login(store, "chai.d", "Chosen2027x", ttl, now())
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::InvalidCredentials), "{e:?}");

    let enabled = accounts::enable_user(store, &by, officer.id).await.unwrap();
    assert!(!enabled.disabled);
    accounts::login(store, "chai.d", "Chosen2027x", ttl, now())
        .await
        .unwrap();

    // The only admin stays.
    let e = accounts::disable_user(store, &by, admin.id, now())
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::Store(StoreError::LastAdmin)), "{e:?}");

    // The list, by username, with the filters of the store.
    let page = accounts::list_users(
        store,
        &by,
        &UserQuery {
            role: Some(Role::Agency),
            ..UserQuery::default()
        },
    )
    .await
    .unwrap();
    let names: Vec<&str> = page.items.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(names.len(), 2);
    assert_eq!(names[0], "chai.d");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_create_agencies_and_correct_their_names() {
    let (store, _dir) = store().await;
    let store = store.as_ref();
    let by = Administrator::operator();
    let names = AgencyNames::parse("กรมสรรพกร", "Revenue Dept", "กระทรวงการคลัง", "MOF").unwrap();
    let agency = agencies::create(store, &by, &names).await.unwrap();
    assert_eq!(agency.name_th, "กรมสรรพกร");
    let fixed = AgencyNames::parse(
        "กรมสรรพากร",
        "The Revenue Department",
        "กระทรวงการคลัง",
        "Ministry of Finance",
    )
    .unwrap();
    let updated = agencies::update(store, &by, agency.id, &fixed)
        .await
        .unwrap();
    assert_eq!(
        (
            updated.id,
            updated.name_th.as_str(),
            updated.ministry_en.as_str()
        ),
        (agency.id, "กรมสรรพากร", "Ministry of Finance")
    );
    assert_eq!(store.agencies().await.unwrap(), vec![updated]);
    let e = agencies::update(store, &by, AgencyId::from(uuid::Uuid::now_v7()), &fixed)
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::Store(StoreError::NotFound)), "{e:?}");
}
