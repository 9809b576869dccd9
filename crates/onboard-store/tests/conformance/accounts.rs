//! Conformance: schema, agencies and accounts.

use super::*;
use onboard_core::id::UserId;

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
    assert_eq!(store.agency(Uuid::now_v7().into()).await.unwrap(), None);
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
    assert_eq!(store.user(Uuid::now_v7().into()).await.unwrap(), None);
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
        id: Uuid::now_v7().into(),
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
        .complete_first_login(Uuid::now_v7().into(), "nobody", FAKE_HASH)
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
    assert!(
        alive_at(
            &store,
            &session.token_hash,
            at_expiry - Duration::seconds(1)
        )
        .await
    );
    assert!(!alive_at(&store, &session.token_hash, at_expiry).await);
    assert!(!alive_at(&store, &session.token_hash, at_expiry + Duration::days(1)).await);
    assert!(!alive_at(&store, "no such hash", now()).await);

    store
        .revoke_session(&session.token_hash, now())
        .await
        .unwrap();
    assert!(!alive_at(&store, &session.token_hash, now()).await);
    store
        .revoke_session(&session.token_hash, now())
        .await
        .unwrap();
    store.revoke_session("never existed", now()).await.unwrap();
    // Revoking one session leaves the user's others alone.
    assert!(alive_at(&store, &other.token_hash, now()).await);
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
    assert!(
        is_alive(&store, &current).await,
        "the session of the change remains"
    );
    assert!(
        !is_alive(&store, &laptop).await,
        "another session is revoked"
    );
    assert!(
        !is_alive(&store, &phone).await,
        "another session is revoked"
    );
    assert!(
        is_alive(&store, &theirs).await,
        "another account is not touched"
    );
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
    assert!(!is_alive(&store, &current).await);
    assert!(is_alive(&store, &theirs).await);

    // An unknown account is not found, and changes nothing.
    let r = store
        .change_password(
            Uuid::now_v7().into(),
            &hash,
            Some(&theirs.token_hash),
            now(),
        )
        .await;
    assert_eq!(err_code(r), "not_found");
    assert!(is_alive(&store, &theirs).await);
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
    alive_at(store, &session.token_hash, now()).await
}

/// Whether the session whose token hashes to `hash` is good at `at`.
async fn alive_at(store: &Arc<dyn Store>, hash: &str, at: DateTime<Utc>) -> bool {
    store.session(hash, at).await.unwrap().is_some()
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
    let notice = notify::credentials_reset(
        UserId::from_u128(0),
        "Malee.Chosen",
        "Reset2027Init",
        &mail(),
    );
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
        .reset_credentials(Uuid::now_v7().into(), &hash, notice, at)
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
        err_code(store.disable_user(Uuid::now_v7().into(), now()).await),
        "not_found"
    );
    assert_eq!(
        err_code(store.enable_user(Uuid::now_v7().into()).await),
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

    let r = store.update_agency(Uuid::now_v7().into(), names).await;
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
