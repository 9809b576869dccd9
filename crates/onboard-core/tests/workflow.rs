//! Property tests of the state machine invariants of SPEC §4, plus a few plain walks.
//!
//! Commands are generated as small [`Op`] values (who, what, which step, which body) so a
//! shrunk counterexample reads like a script.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use onboard_core::id::{AgencyId, UserId};
use onboard_core::reference::{Role, Step, StepStatus};
use onboard_core::testing::{invariants, walk};
use onboard_core::workflow::{
    self, Actor, Change, Command, CommandError, EService, Env, Event, InvalidActor,
    SuppliedCredentials,
};
use proptest::prelude::*;

/// Who issues an op.
#[derive(Debug, Clone, Copy)]
enum Who {
    Officer,
    OtherAgency,
    Reviewer,
    Admin,
}

/// Which step an op is about: mostly the current one, so sequences make progress.
#[derive(Debug, Clone, Copy)]
enum At {
    Current,
    Step(u8),
}

/// Which body a form op carries.
#[derive(Debug, Clone, Copy)]
enum Body {
    Valid,
    Empty,
    SavedDraft,
    Malformed,
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    /// Whatever moves the current step forward, by whoever may do it (ignores `who`).
    Advance,
    UpdateServices {
        valid: bool,
    },
    SaveDraft(Body),
    Submit(Body),
    AddAttempt {
        valid: bool,
    },
    EditAttempt {
        number: u32,
    },
    DeleteAttempt {
        number: u32,
    },
    Withdraw,
    Approve {
        supplied: bool,
        note: bool,
    },
    RequestChanges {
        blank: bool,
    },
    /// Move the launch by this many weeks (0: the same Tuesday, refused).
    Reschedule {
        weeks: u8,
    },
}

#[derive(Debug, Clone, Copy)]
struct Op {
    who: Who,
    at: At,
    kind: Kind,
    /// An `If-Match` that is stale by this much (0 = none given).
    stale_by: u8,
}

fn who() -> impl Strategy<Value = Who> {
    prop_oneof![
        6 => Just(Who::Officer),
        1 => Just(Who::OtherAgency),
        4 => Just(Who::Reviewer),
        1 => Just(Who::Admin),
    ]
}

fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        6 => Just(Body::Valid),
        1 => Just(Body::Empty),
        2 => Just(Body::SavedDraft),
        1 => Just(Body::Malformed),
    ]
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        8 => Just(Kind::Advance),
        1 => any::<bool>().prop_map(|valid| Kind::UpdateServices { valid }),
        2 => body().prop_map(Kind::SaveDraft),
        5 => body().prop_map(Kind::Submit),
        4 => any::<bool>().prop_map(|valid| Kind::AddAttempt { valid }),
        1 => (1u32..4).prop_map(|number| Kind::EditAttempt { number }),
        1 => (1u32..4).prop_map(|number| Kind::DeleteAttempt { number }),
        1 => Just(Kind::Withdraw),
        6 => (any::<bool>(), any::<bool>()).prop_map(|(supplied, note)| Kind::Approve { supplied, note }),
        2 => any::<bool>().prop_map(|blank| Kind::RequestChanges { blank }),
        2 => (0u8..3).prop_map(|weeks| Kind::Reschedule { weeks }),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    (
        who(),
        prop_oneof![8 => Just(At::Current), 2 => (1u8..=7).prop_map(At::Step)],
        kind(),
        prop_oneof![9 => Just(0u8), 1 => 1u8..3],
    )
        .prop_map(|(who, at, kind, stale_by)| Op {
            who,
            at,
            kind,
            stale_by,
        })
}

fn command(op: &Op, state: &EService) -> Command {
    let step = match op.at {
        At::Current => state.current_step(),
        At::Step(n) => Step::from_number(n).unwrap_or(Step::Credential),
    };
    let form = |body: Body| match body {
        Body::Valid => Some(valid_payload(step)),
        Body::Empty => Some(serde_json::json!({})),
        Body::SavedDraft => None,
        Body::Malformed => Some(serde_json::json!([1, 2, 3])),
    };
    match op.kind {
        Kind::Advance => advance(state),
        Kind::UpdateServices { valid } => Command::UpdateServices {
            services: if valid {
                vec!["ขอรับเงินอุดหนุน".into(), "ตรวจสอบสิทธิ".into()]
            } else {
                vec!["ซ้ำ".into(), " ซ้ำ ".into()]
            },
        },
        Kind::SaveDraft(body) => Command::SaveDraft {
            step,
            payload: form(body).unwrap_or_else(|| valid_payload(step)),
        },
        Kind::Submit(body) => Command::Submit {
            step,
            payload: form(body),
        },
        Kind::AddAttempt { valid } => Command::AddAttempt {
            step,
            input: attempt_input(valid),
        },
        Kind::EditAttempt { number } => Command::EditAttempt {
            step,
            number,
            input: attempt_input(true),
        },
        Kind::DeleteAttempt { number } => Command::DeleteAttempt { step, number },
        Kind::Withdraw => Command::Withdraw { step },
        Kind::Approve { supplied, note } => Command::Approve {
            step,
            update_agency: supplied && note,
            note: note.then(|| "ผ่าน / OK".to_owned()),
            credentials: supplied.then(|| SuppliedCredentials {
                app_id: "app-1".into(),
                consumer_key: "key-1".into(),
                consumer_secret: "secret-1".into(),
            }),
        },
        Kind::RequestChanges { blank } => Command::RequestChanges {
            step,
            reason: if blank {
                "   ".into()
            } else {
                "กรุณาแก้ไข URL".into()
            },
        },
        Kind::Reschedule { weeks } => Command::RescheduleLaunch {
            desired_date: state
                .launch_on()
                .map(|on| (on + chrono::Days::new(7 * u64::from(weeks))).to_string())
                .unwrap_or_else(|| "2026-12-29".into()),
            reason: "ช่วงปิดปรับปรุงระบบ / maintenance freeze".into(),
        },
    }
}

/// The command that moves `state` forward.
fn advance(state: &EService) -> Command {
    let step = state.current_step();
    match (state.current_status(), step.is_test()) {
        (StepStatus::UnderReview, _) => Command::Approve {
            step,
            note: None,
            credentials: None,
            update_agency: false,
        },
        (_, true) => Command::AddAttempt {
            step,
            input: attempt_input(true),
        },
        (_, false) => Command::Submit {
            step,
            payload: Some(valid_payload(step)),
        },
    }
}

/// Who issues `op` on `state`.
fn op_actor(op: &Op, state: &EService) -> workflow::Actor {
    match op.kind {
        Kind::Advance if state.current_status() == StepStatus::UnderReview => reviewer(),
        Kind::Advance => officer(),
        _ => actor(op.who),
    }
}

fn actor(who: Who) -> workflow::Actor {
    match who {
        Who::Officer => officer(),
        Who::OtherAgency => other_officer(),
        Who::Reviewer => reviewer(),
        Who::Admin => admin(),
    }
}

/// Invariants 1 and 2 on one state.
fn check_shape(state: &EService) -> Result<(), TestCaseError> {
    invariants::check_state(state).map_err(TestCaseError::fail)
}

/// Invariants 4, 5 and 6 over a whole history.
fn check_history(state: &EService, log: &[Event]) -> Result<(), TestCaseError> {
    let actors = [officer(), other_officer(), reviewer(), admin()];
    invariants::check_history(state, log, &actors).map_err(TestCaseError::fail)
}

/// Failing cases are kept beside the tests, so they are replayed first next time.
fn persistence() -> Option<Box<dyn proptest::test_runner::FailurePersistence>> {
    Some(Box::new(
        proptest::test_runner::FileFailurePersistence::Direct("tests/regressions/workflow.txt"),
    ))
}

fn run(ops: &[Op]) -> Result<(EService, Vec<Event>), TestCaseError> {
    let env_parts = EnvParts::new();
    let env = env_parts.env();
    let (mut state, mut log) = new_service(&env);
    prop_assert_eq!(state.version(), 1);
    for op in ops {
        let before = state.clone();
        let cmd = command(op, &state);
        let expected =
            (op.stale_by > 0).then(|| state.version().saturating_sub(u64::from(op.stale_by)));
        let actor = op_actor(op, &state);
        match workflow::execute(&state, &actor, cmd, expected, &env) {
            Ok((next, events)) => {
                // 3. Accepted: version +1, events all at the new version.
                prop_assert_eq!(next.version(), before.version() + 1);
                prop_assert!(!events.is_empty());
                prop_assert!(events.iter().all(|e| e.version == next.version()));
                prop_assert!(op.stale_by == 0, "a stale If-Match was accepted");
                log.extend(events);
                state = next;
            }
            Err(e) => {
                // 3. Rejected: nothing changed (state is only ever replaced on success).
                prop_assert_eq!(&state, &before);
                if actor == other_officer() {
                    prop_assert!(
                        matches!(e, CommandError::NotFound),
                        "other agency got {e:?}"
                    );
                }
            }
        }
        check_shape(&state)?;
    }
    check_history(&state, &log)?;
    Ok((state, log))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, failure_persistence: persistence(), ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_for_random_command_sequences(ops in proptest::collection::vec(op(), 0..80)) {
        run(&ops)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1_000, failure_persistence: persistence(), ..ProptestConfig::default() })]

    /// The role rules do not depend on the state: agency users never review, staff never fill.
    #[test]
    fn roles_are_checked_before_state(ops in proptest::collection::vec(op(), 0..30), probe in op()) {
        let (state, _) = run(&ops)?;
        let parts = EnvParts::new();
        let cmd = command(&probe, &state);
        let probe_actor = op_actor(&probe, &state);
        let role = probe_actor.role();
        // SPEC §4 and §10: agencies fill, staff review, only admins move a launch.
        let may = match &cmd {
            Command::RescheduleLaunch { .. } => role == Role::Admin,
            c if c.is_review() => role.is_staff(),
            _ => role == Role::Agency,
        };
        let result = workflow::execute(&state, &probe_actor, cmd, None, &parts.env());
        match result {
            Err(CommandError::Forbidden { .. }) => prop_assert!(!may),
            Err(CommandError::NotFound) => {}
            Ok(_) | Err(_) => prop_assert!(may),
        }
    }
}

/// Every step done by the book, up to the confirmed launch.
fn walk_to_launch(env: &Env) -> (EService, Vec<Event>) {
    let commands = walk::by_the_book(valid_payload);
    walk::run(new_service(env), commands, &officer(), &reviewer(), env)
}

#[test]
fn a_happy_walk_reaches_live_on_the_right_tuesday() {
    let parts = EnvParts::new();
    let (state, log) = walk_to_launch(&parts.env());
    assert!(state.is_complete());
    assert!(state.credentials().uat.is_some() && state.credentials().production.is_some());
    let launch_on = state.launch_on().expect("scheduled");
    assert_eq!(launch_on.format("%a").to_string(), "Tue");
    assert_eq!(EService::from_events(&log).unwrap(), state);
}

#[test]
fn an_admin_moves_a_scheduled_launch_to_another_tuesday() {
    let parts = EnvParts::new();
    let env = parts.env();
    let (state, mut log) = walk_to_launch(&env);
    let before = state.launch_on().expect("scheduled");
    let reschedule = |date: &str, reason: &str| Command::RescheduleLaunch {
        desired_date: date.into(),
        reason: reason.into(),
    };
    let two_weeks_later = (before + chrono::Days::new(14)).to_string();

    // Agencies and reviewers may not; another agency does not even see it.
    for (actor, code) in [
        (officer(), "forbidden"),
        (reviewer(), "forbidden"),
        (other_officer(), "not_found"),
    ] {
        let err = workflow::execute(
            &state,
            &actor,
            reschedule(&two_weeks_later, "ปิดระบบ"),
            None,
            &env,
        )
        .expect_err("only an admin reschedules");
        assert_eq!(err.code(), code, "{actor:?}");
    }
    // Every problem of the form at once: the same Tuesday, and no reason.
    let same = before.to_string();
    let Err(CommandError::Invalid(report)) =
        workflow::execute(&state, &admin(), reschedule(&same, "  "), None, &env)
    else {
        panic!("the same Tuesday and a blank reason are invalid");
    };
    let fields: Vec<String> = report.errors.iter().map(|i| i.field.to_string()).collect();
    assert_eq!(fields, ["desired_date", "reason"]);
    assert!(
        report.errors[0].message_th.contains("วันเดิม"),
        "{:?}",
        report.errors[0]
    );
    // A Buddhist-era year gets the form's own message.
    let Err(CommandError::Invalid(report)) = workflow::execute(
        &state,
        &admin(),
        reschedule("2570-01-05", "ปิดระบบ"),
        None,
        &env,
    ) else {
        panic!("a Buddhist-era year is invalid");
    };
    assert!(report.errors[0].message_th.contains("พุทธศักราช"));

    // A date on a Wednesday goes out on the next Tuesday, closed dates skipped.
    let closed = before + chrono::Days::new(14);
    let schedule = onboard_core::schedule::ScheduleConfig {
        closed: [closed].into_iter().collect(),
        ..Default::default()
    };
    let env = Env {
        schedule: &schedule,
        ..env
    };
    let wednesday = (before + chrono::Days::new(8)).to_string();
    let (moved, events) = workflow::execute(
        &state,
        &admin(),
        reschedule(&wednesday, "ช่วงปิดปรับปรุงระบบ"),
        Some(state.version()),
        &env,
    )
    .expect("an admin reschedules");
    let expected = before + chrono::Days::new(21);
    assert_eq!(moved.launch_on(), Some(expected));
    assert_eq!(moved.version(), state.version() + 1);
    assert!(matches!(
        &events[..],
        [Event { change: Change::LaunchRescheduled { previous, launch_on, reason, .. }, .. }]
            if *previous == before && *launch_on == expected && reason == "ช่วงปิดปรับปรุงระบบ"
    ));
    log.extend(events);
    assert_eq!(EService::from_events(&log).unwrap(), moved);

    // Before step 7 is confirmed, and once live, there is nothing to move.
    let (fresh, _) = new_service(&env);
    let err =
        workflow::execute(&fresh, &admin(), reschedule(&wednesday, "x"), None, &env).unwrap_err();
    assert_eq!(err.code(), "invalid_transition");
    // On the launch day itself it is live.
    let launch_day = expected.and_hms_opt(3, 0, 0).unwrap().and_utc();
    let after_launch = Env {
        now: launch_day,
        ..env
    };
    let err = workflow::execute(
        &moved,
        &admin(),
        reschedule(&wednesday, "x"),
        None,
        &after_launch,
    )
    .unwrap_err();
    assert_eq!(err.code(), "invalid_transition");
}

#[test]
fn withdraw_and_delete_return_to_the_status_before() {
    let parts = EnvParts::new();
    let env = parts.env();
    let (s0, _) = new_service(&env);
    let submit = Command::Submit {
        step: Step::Credential,
        payload: Some(valid_payload(Step::Credential)),
    };
    let (s1, _) = workflow::execute(&s0, &officer(), submit.clone(), None, &env).unwrap();
    let reason = Command::RequestChanges {
        step: Step::Credential,
        reason: "แก้ไข".into(),
    };
    let (s2, _) = workflow::execute(&s1, &reviewer(), reason, None, &env).unwrap();
    let (s3, _) = workflow::execute(&s2, &officer(), submit, None, &env).unwrap();
    let (s4, _) = workflow::execute(
        &s3,
        &officer(),
        Command::Withdraw {
            step: Step::Credential,
        },
        None,
        &env,
    )
    .unwrap();
    assert_eq!(
        s4.step(Step::Credential).status,
        StepStatus::ChangesRequested
    );
    assert_eq!(s4.version(), 5);
}

#[test]
fn errors_map_to_spec_codes() {
    let parts = EnvParts::new();
    let env = parts.env();
    let (s0, _) = new_service(&env);
    let approve = Command::Approve {
        step: Step::Credential,
        note: None,
        credentials: None,
        update_agency: false,
    };
    let cases: Vec<(workflow::Actor, Command, Option<u64>, &str)> = vec![
        (other_officer(), approve.clone(), None, "not_found"),
        (officer(), approve.clone(), None, "forbidden"),
        (reviewer(), approve, None, "invalid_transition"),
        (
            officer(),
            Command::Withdraw {
                step: Step::Credential,
            },
            Some(7),
            "version_conflict",
        ),
        (
            officer(),
            Command::Submit {
                step: Step::Credential,
                payload: Some(serde_json::json!("x")),
            },
            None,
            "bad_request",
        ),
        (
            officer(),
            Command::Submit {
                step: Step::Credential,
                payload: Some(serde_json::json!({})),
            },
            None,
            "validation_failed",
        ),
        (
            officer(),
            Command::Submit {
                step: Step::Credential,
                payload: None,
            },
            None,
            "validation_failed",
        ),
    ];
    for (actor, cmd, expected, code) in cases {
        let name = cmd.kind();
        let err = workflow::execute(&s0, &actor, cmd, expected, &env).unwrap_err();
        assert_eq!(err.code(), code, "{name}: {err:?}");
    }
}

/// The generator must reach every step, or the invariants above are only checked on step 1.
#[test]
fn random_sequences_reach_every_step() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, TestRunner};
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        proptest::test_runner::TestRng::deterministic_rng(
            proptest::test_runner::RngAlgorithm::ChaCha,
        ),
    );
    let strategy = proptest::collection::vec(op(), 0..80);
    let mut reached = [0u32; 8];
    for _ in 0..500 {
        let ops = strategy.new_tree(&mut runner).unwrap().current();
        let (state, _) = run(&ops).unwrap();
        let done = state
            .steps()
            .iter()
            .filter(|s| s.status == StepStatus::Completed)
            .count();
        reached[done] += 1;
    }
    eprintln!("completed-step histogram over 500 sequences: {reached:?}");
    assert!(
        reached.iter().all(|n| *n > 0),
        "some step count never reached: {reached:?}"
    );
}

#[test]
fn approving_step_4_updates_the_agency_only_when_asked() {
    let parts = EnvParts::new();
    let env = parts.env();
    let (mut state, _) = new_service(&env);
    for &step in &Step::ALL[..4] {
        state = workflow::execute(&state, &officer(), submit(step), None, &env)
            .unwrap()
            .0;
        if step == Step::PlatformRequest {
            break;
        }
        let approve = |update_agency| Command::Approve {
            step,
            note: None,
            credentials: None,
            update_agency,
        };
        // `update_agency` belongs to step 4 only.
        let e = workflow::execute(&state, &reviewer(), approve(true), None, &env).unwrap_err();
        assert_eq!(e.code(), "validation_failed", "{step}");
        state = workflow::execute(&state, &reviewer(), approve(false), None, &env)
            .unwrap()
            .0;
    }
    let record = workflow::AgencyNames {
        name_th: "กรมการปกครอง".into(),
        name_en: "Department of Provincial Administration".into(),
        ministry_th: "กระทรวงมหาดไทย".into(),
        ministry_en: "Ministry of Interior".into(),
    };
    let differences = workflow::agency_differences(&state, &record).unwrap();
    let fields: Vec<&str> = differences.iter().map(|d| d.field).collect();
    assert_eq!(fields, ["name_th", "name_en", "ministry_th", "ministry_en"]);
    assert_eq!(differences[0].form, "กองทัพเรือ");
    let env = Env {
        agency: Some(&record),
        ..parts.env()
    };
    let approve = |update_agency| Command::Approve {
        step: Step::PlatformRequest,
        note: None,
        credentials: None,
        update_agency,
    };
    // Without the flag the agency record is left alone, whatever the form says.
    let (_, events) = workflow::execute(&state, &reviewer(), approve(false), None, &env).unwrap();
    assert!(events.iter().all(|e| workflow::agency_update(e).is_none()));
    // With it, one event records the old and the new names.
    let (next, events) = workflow::execute(&state, &reviewer(), approve(true), None, &env).unwrap();
    let updates: Vec<&Event> = events
        .iter()
        .filter(|e| workflow::agency_update(e).is_some())
        .collect();
    assert_eq!(updates.len(), 1);
    match &updates[0].change {
        Change::AgencyUpdated { previous, names } => {
            assert_eq!(previous.as_ref(), Some(&record));
            assert_eq!(names.name_th, "กองทัพเรือ");
            assert_eq!(names.ministry_en, "Ministry of Defence");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        next.step(Step::PlatformRequest).status,
        StepStatus::Completed
    );
}

#[test]
fn warnings_never_block_and_stay_with_the_submission() {
    let parts = EnvParts::new();
    let env = parts.env();
    let (state, _) = new_service(&env);
    let mut form = valid_payload(Step::Credential);
    form["icon_concept"] = "-".into();
    let mut cmds = vec![Command::Submit {
        step: Step::Credential,
        payload: Some(form),
    }];
    cmds.push(Command::Approve {
        step: Step::Credential,
        note: None,
        credentials: None,
        update_agency: false,
    });
    let mut state = state;
    for cmd in cmds {
        let actor = if cmd.is_review() {
            reviewer()
        } else {
            officer()
        };
        state = workflow::execute(&state, &actor, cmd, None, &env)
            .unwrap()
            .0;
    }
    let mut form = valid_payload(Step::UatSetup);
    form["testers"][0]["email"] = "tester@gmail.com".into();
    let submit = Command::Submit {
        step: Step::UatSetup,
        payload: Some(form),
    };
    let (state, _) = workflow::execute(&state, &officer(), submit, None, &env).unwrap();
    let step = state.step(Step::UatSetup);
    assert_eq!(step.status, StepStatus::UnderReview);
    // Testers' addresses are not agency-issued: no warning for them.
    assert!(step.warnings.is_empty(), "{:?}", step.warnings);

    let mut form = valid_payload(Step::PlatformRequest);
    form["requester"]["assignee"]["email"] = "somchai@Gmail.com".into();
    let mut state = state;
    for (actor, cmd) in [
        (
            reviewer(),
            Command::Approve {
                step: Step::UatSetup,
                note: None,
                credentials: None,
                update_agency: false,
            },
        ),
        (
            officer(),
            Command::AddAttempt {
                step: Step::UatTest,
                input: attempt_input(true),
            },
        ),
        (
            reviewer(),
            Command::Approve {
                step: Step::UatTest,
                note: None,
                credentials: None,
                update_agency: false,
            },
        ),
        (
            officer(),
            Command::Submit {
                step: Step::PlatformRequest,
                payload: Some(form),
            },
        ),
    ] {
        state = workflow::execute(&state, &actor, cmd, None, &env)
            .unwrap()
            .0;
    }
    let step = state.step(Step::PlatformRequest);
    assert_eq!(step.status, StepStatus::UnderReview);
    let codes: Vec<(&str, onboard_core::validation::Code)> = step
        .warnings
        .iter()
        .map(|w| (w.field.as_str(), w.code))
        .collect();
    assert_eq!(
        codes,
        [(
            "requester.assignee.email",
            onboard_core::validation::Code::FreeEmailDomain
        )]
    );
}

#[test]
fn only_the_step_7_confirmation_schedules_a_launch() {
    for step in Step::ALL.iter().copied() {
        let submit = Command::Submit {
            step,
            payload: None,
        };
        assert_eq!(submit.schedules_launch(), step == Step::Launch, "{step:?}");
        let draft = Command::SaveDraft {
            step,
            payload: serde_json::json!({}),
        };
        assert!(!draft.schedules_launch());
    }
}

#[test]
fn an_officer_always_has_an_agency_and_staff_never() {
    let user = UserId::from_u128(0x9);
    assert_eq!(
        Actor::new(user, Role::Agency, Some(AGENCY)),
        Ok(Actor::officer(user, AGENCY))
    );
    assert_eq!(
        Actor::new(user, Role::Reviewer, None),
        Ok(Actor::reviewer(user))
    );
    assert_eq!(Actor::new(user, Role::Admin, None), Ok(Actor::admin(user)));
    assert_eq!(
        Actor::new(user, Role::Agency, None),
        Err(InvalidActor::OfficerWithoutAgency)
    );
    for role in [Role::Reviewer, Role::Admin] {
        assert_eq!(
            Actor::new(user, role, Some(AGENCY)),
            Err(InvalidActor::StaffWithAgency(role))
        );
    }
    let officer = Actor::officer(user, AGENCY);
    assert_eq!(
        (officer.user_id(), officer.role(), officer.agency_id()),
        (user, Role::Agency, Some(AGENCY))
    );
    assert!(officer.can_see(AGENCY) && !officer.can_see(OTHER_AGENCY));
    assert!(Actor::reviewer(user).can_see(OTHER_AGENCY));
}

#[test]
fn a_new_eservice_belongs_to_the_officers_agency_or_the_one_an_admin_names() {
    let code = |r: Result<AgencyId, CommandError>| r.map_err(|e| e.code());
    assert_eq!(code(workflow::agency_of_new(&officer(), None)), Ok(AGENCY));
    assert_eq!(
        code(workflow::agency_of_new(&officer(), Some(AGENCY))),
        Ok(AGENCY)
    );
    assert_eq!(
        code(workflow::agency_of_new(&officer(), Some(OTHER_AGENCY))),
        Err("forbidden")
    );
    assert_eq!(
        code(workflow::agency_of_new(&admin(), Some(OTHER_AGENCY))),
        Ok(OTHER_AGENCY)
    );
    match workflow::agency_of_new(&admin(), None) {
        Err(CommandError::Invalid(report)) => assert_eq!(report.errors[0].field, "agency_id"),
        other => panic!("an admin naming no agency: {other:?}"),
    }
    for named in [None, Some(AGENCY)] {
        assert_eq!(
            code(workflow::agency_of_new(&reviewer(), named)),
            Err("forbidden")
        );
    }
}
