//! The state machine of SPEC §4 fed arbitrary command sequences.
//!
//! Input: structured by `arbitrary`: a sequence of operations (who, which step, which
//! command with which body, a stale `If-Match`, how much time passes). The invariants of
//! SPEC §4 are asserted after every command and over the whole history.

use crate::fixtures;
use crate::payload::json_value;
use arbitrary::{Arbitrary, Result, Unstructured};
use chrono::{DateTime, Duration, TimeZone, Utc};
use onboard_core::id::{AgencyId, EServiceId, UserId};
use onboard_core::reference::{Role, Step, StepStatus};
use onboard_core::schedule::{ClosedDates, ScheduleConfig};
use onboard_core::testing::invariants;
use onboard_core::workflow::{
    self, Actor, Command, CommandError, EService, Env, Event, FixedCredentials, SuppliedCredentials,
};
use serde_json::{json, Value};

const AGENCY: AgencyId = AgencyId::from_u128(0xA);
const OTHER_AGENCY: AgencyId = AgencyId::from_u128(0xB);

/// Who issues an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
enum Who {
    Officer,
    /// A second officer of the same agency.
    Colleague,
    OtherAgency,
    Reviewer,
    Admin,
}

fn actor(who: Who) -> Actor {
    match who {
        Who::Officer => Actor::officer(UserId::from_u128(0x1), AGENCY),
        Who::Colleague => Actor::officer(UserId::from_u128(0x6), AGENCY),
        Who::OtherAgency => Actor::officer(UserId::from_u128(0x2), OTHER_AGENCY),
        Who::Reviewer => Actor::reviewer(UserId::from_u128(0x3)),
        Who::Admin => Actor::admin(UserId::from_u128(0x4)),
    }
}

/// The workflow target.
pub fn workflow(data: &[u8]) {
    let _ = run(&mut Unstructured::new(data));
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let files = fixtures::catalog();
    let mut closed = ClosedDates::new();
    for _ in 0..u.int_in_range(0..=3)? {
        // Tuesdays around the fixtures' launch date (2027-03-05), and any day.
        let week = u.int_in_range(0..=6)?;
        if let Some(d) = chrono::NaiveDate::from_ymd_opt(2027, 3, 9)
            .and_then(|d| d.checked_add_signed(Duration::weeks(week)))
        {
            closed.insert(d);
        }
    }
    let schedule = ScheduleConfig {
        closed,
        ..ScheduleConfig::default()
    };
    // Wednesday 2026-11-25, 10:00 in Bangkok, as in the core tests.
    let mut now: DateTime<Utc> = Utc
        .with_ymd_and_hms(2026, 11, 25, 3, 0, 0)
        .single()
        .unwrap_or_default();
    let env = |now| Env {
        now,
        files: &files,
        schedule: &schedule,
        credentials: &FixedCredentials,
        agency: None,
    };

    let creator = actor(if u.ratio(1, 8)? {
        Who::Admin
    } else {
        Who::Officer
    });
    let services: Vec<String> = if u.ratio(1, 8)? {
        u.arbitrary()?
    } else {
        vec!["ขอรับเงินอุดหนุน".into()]
    };
    let created = workflow::create(
        &creator,
        EServiceId::from_u128(0x5E),
        AGENCY,
        "ระบบแจ้งเตือนสิทธิสวัสดิการ",
        &services,
        &env(now),
    );
    let (mut state, mut log) = match created {
        Ok(created) => created,
        Err(CommandError::Invalid(report)) => {
            assert!(!report.errors.is_empty());
            return Ok(());
        }
        Err(e) => panic!("create refused: {e:?}"),
    };
    assert_eq!(state.version(), 1);
    assert_eq!(EService::from_events(&log).as_ref(), Ok(&state));
    check_shape(&state);

    let mut accepted = 0u64;
    for _ in 0..u.int_in_range(0..=120)? {
        if u.is_empty() {
            break;
        }
        now += Duration::seconds(u.int_in_range(0..=6 * 3600)?);
        let op = op(u, &state)?;
        let before = state.clone();
        let result = workflow::execute(
            &state,
            &op.actor,
            op.command.clone(),
            op.expected,
            &env(now),
        );
        match result {
            Ok((next, events)) => {
                // 3. An accepted command adds one version, all its events at it.
                assert_eq!(next.version(), before.version() + 1);
                assert!(!events.is_empty());
                for e in &events {
                    assert_eq!(e.version, next.version());
                    assert_eq!(
                        (e.eservice_id, e.actor, e.at),
                        (state.id(), op.actor.user_id(), now)
                    );
                }
                assert!(
                    !matches!(op.expected, Some(v) if v != before.version()),
                    "stale If-Match accepted"
                );
                assert!(op.actor.can_see(state.agency_id()));
                check_role(&op.actor, &op.command, true);
                assert_eq!(next.updated_at(), now);
                accepted += 1;
                log.extend(events);
                state = next;
            }
            Err(e) => check_refusal(&state, &op, &e),
        }
        assert_eq!(state.version(), 1 + accepted);
        check_shape(&state);
    }
    check_history(&state, &log);
    Ok(())
}

/// One generated command with its actor and `If-Match`.
struct Op {
    actor: Actor,
    command: Command,
    expected: Option<u64>,
}

fn op(u: &mut Unstructured<'_>, state: &EService) -> Result<Op> {
    let current = state.current_step();
    let step = if u.ratio(4, 5)? {
        current
    } else {
        Step::from_number(u.int_in_range(1..=7)?).unwrap_or(Step::Credential)
    };
    let expected = match u.choose_index(10)? {
        0 => Some(state.version().saturating_sub(u.int_in_range(1..=2)?)),
        1 => Some(state.version() + 1),
        2 | 3 => Some(state.version()),
        _ => None,
    };
    let who: Who = u.arbitrary()?;
    let (who, command) = match u.choose_index(20)? {
        // Whatever moves the current step forward, by whoever may do it.
        0..=7 => advance(state),
        8 => (
            who,
            Command::UpdateServices {
                services: if u.arbitrary()? {
                    u.arbitrary()?
                } else {
                    vec!["ขอรับเงินอุดหนุน".into(), "ตรวจสอบสิทธิ".into()]
                },
            },
        ),
        9 | 10 => (
            who,
            Command::SaveDraft {
                step,
                payload: body(u, step)?.unwrap_or_else(|| onboard_core::samples::json(step)),
            },
        ),
        11 | 12 => (
            who,
            Command::Submit {
                step,
                payload: body(u, step)?,
            },
        ),
        13 | 14 => (
            who,
            Command::AddAttempt {
                step,
                input: body(u, Step::UatTest)?.unwrap_or(Value::Null),
            },
        ),
        15 => (
            who,
            Command::EditAttempt {
                step,
                number: u.int_in_range(0..=4)?,
                input: body(u, Step::UatTest)?.unwrap_or(Value::Null),
            },
        ),
        16 => (
            who,
            Command::DeleteAttempt {
                step,
                number: u.int_in_range(0..=4)?,
            },
        ),
        17 => (who, Command::Withdraw { step }),
        18 => (
            who,
            Command::Approve {
                step,
                update_agency: u.arbitrary()?,
                note: u.arbitrary()?,
                credentials: if u.arbitrary()? {
                    Some(SuppliedCredentials {
                        app_id: u.arbitrary()?,
                        consumer_key: u.arbitrary()?,
                        consumer_secret: u.arbitrary()?,
                    })
                } else {
                    None
                },
            },
        ),
        _ => (
            who,
            Command::RequestChanges {
                step,
                reason: u.arbitrary()?,
            },
        ),
    };
    Ok(Op {
        actor: actor(who),
        command,
        expected,
    })
}

/// A form body: the valid fixture, `{}`, a non-object, a mutated fixture, arbitrary JSON,
/// or `None` (submit the saved draft).
fn body(u: &mut Unstructured<'_>, step: Step) -> Result<Option<Value>> {
    Ok(match u.choose_index(8)? {
        0..=2 => Some(onboard_core::samples::json(step)),
        3 => Some(json!({})),
        4 => Some(json!([1, 2, 3])),
        5 => {
            let mut json = onboard_core::samples::json(step);
            let pointers = fixtures::pointers(&json);
            let pointer = u.choose(&pointers)?.clone();
            let replacement = json_value(u, 2)?;
            if let Some(slot) = json.pointer_mut(&pointer) {
                *slot = replacement;
            }
            Some(json)
        }
        6 => Some(json_value(u, 3)?),
        _ => None,
    })
}

/// The command that moves `state` forward, and who issues it.
fn advance(state: &EService) -> (Who, Command) {
    let step = state.current_step();
    match (state.current_status(), step.is_test()) {
        (StepStatus::UnderReview, _) => (
            Who::Reviewer,
            Command::Approve {
                step,
                note: None,
                credentials: None,
                update_agency: false,
            },
        ),
        (_, true) => (
            Who::Officer,
            Command::AddAttempt {
                step,
                input: onboard_core::samples::json(step),
            },
        ),
        (_, false) => (
            Who::Officer,
            Command::Submit {
                step,
                payload: Some(onboard_core::samples::json(step)),
            },
        ),
    }
}

/// Forbidden exactly when the role may not issue the command.
fn check_role(actor: &Actor, command: &Command, accepted_or_forbidden: bool) {
    let may = if command.is_review() {
        actor.role().is_staff()
    } else {
        actor.role() == Role::Agency
    };
    assert_eq!(
        may,
        accepted_or_forbidden,
        "{:?} and {}",
        actor.role(),
        command.kind()
    );
}

/// A refusal is the first failing check of: visibility, version, role, state, payload.
fn check_refusal(state: &EService, op: &Op, e: &CommandError) {
    // Every refusal carries one of SPEC §10's codes (the HTTP crate gives each its status).
    let codes = [
        "not_found",
        "forbidden",
        "invalid_transition",
        "version_conflict",
        "bad_request",
        "validation_failed",
    ];
    assert!(codes.contains(&e.code()), "unknown code {}", e.code());
    if !op.actor.can_see(state.agency_id()) {
        assert!(
            matches!(e, CommandError::NotFound),
            "other agency got {e:?}"
        );
        return;
    }
    if let Some(v) = op.expected.filter(|v| *v != state.version()) {
        assert!(
            matches!(e, CommandError::VersionConflict { expected, current } if *expected == v && *current == state.version()),
            "stale If-Match got {e:?}"
        );
        return;
    }
    match e {
        CommandError::Forbidden { role, command } => {
            assert_eq!((*role, *command), (op.actor.role(), op.command.kind()));
            check_role(&op.actor, &op.command, false);
        }
        other => {
            check_role(&op.actor, &op.command, true);
            match other {
                CommandError::Invalid(report) => assert!(!report.errors.is_empty()),
                CommandError::Malformed(message) => assert!(!message.is_empty()),
                CommandError::InvalidTransition { step, .. } => {
                    // `update_services` is refused on the state of step 1.
                    let about = op.command.step().unwrap_or(Step::Credential);
                    assert_eq!(*step, about, "{other:?}");
                }
                _ => {}
            }
        }
    }
}

/// SPEC §4 invariants 1 and 2 on one state, and what follows from them.
fn check_shape(state: &EService) {
    if let Err(broken) = invariants::check_state(state) {
        panic!("{broken}");
    }
}

/// SPEC §4 invariants 4 to 6 over a whole history, and that it survives storage.
fn check_history(state: &EService, log: &[Event]) {
    let actors = [
        Who::Officer,
        Who::Colleague,
        Who::OtherAgency,
        Who::Reviewer,
        Who::Admin,
    ]
    .map(actor);
    if let Err(broken) = invariants::check_history(state, log, &actors) {
        panic!("{broken}");
    }
}
