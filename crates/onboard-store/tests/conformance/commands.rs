//! Conformance: e-Services and commands.

use super::*;

/// Creation through the core: version 1, one `created` event, visible to its agency and
/// staff only; unknown agency, wrong role and invalid input change nothing.
pub async fn create_eservice_and_read_back(store: Arc<dyn Store>) {
    let w = World::new(store.clone()).await;
    let svc = w.eservice("ระบบแจ้งเตือนสิทธิสวัสดิการ").await;
    assert_eq!(svc.version(), 1);
    assert_eq!(svc.agency_id(), w.agency.id);
    assert_eq!(svc.id().uuid().get_version_num(), 7, "ids are UUID v7");
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
        store
            .eservice(Uuid::now_v7().into(), Scope::All)
            .await
            .unwrap(),
        None
    );

    let events = store.events(svc.id()).await.unwrap();
    assert_eq!(events.len(), 1);
    assert!(matches!(events[0].event.change, Change::Created { .. }));
    assert_eq!(
        (events[0].event.version, events[0].event.actor),
        (1, w.officer.id)
    );
    assert!(store
        .events(Uuid::now_v7().into())
        .await
        .unwrap()
        .is_empty());

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
        (w.admin.actor(), Uuid::now_v7().into(), "ระบบ", "not_found"),
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
    let submit = |step| Command::Submit {
        step,
        payload: Some(files.payload(step)),
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
    step(officer, submit(Step::UatSetup), &["submitted"], (1, 0, 0)).await;
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
        submit(Step::PlatformRequest),
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
        submit(Step::PreprodSetup),
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
        submit(Step::Launch),
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
    w.refuses_all(svc.id(), cases).await;
    let r = store
        .execute(
            Uuid::now_v7().into(),
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
    w.refuses_all(svc.id(), cases).await;
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
