//! The invariants of SPEC §4 on one state and over a whole history, as the property tests
//! and the fuzz targets check them after every command. Each check says what broke.

use crate::id::UserId;
use crate::reference::{Role, Step, StepStatus};
use crate::workflow::{agency_update, Actor, AttemptStatus, Change, EService, Event};
use chrono::Datelike;

/// What an invariant found wrong, in words for the failing test.
pub type Broken = String;

macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

/// Invariants 1 and 2 on one state, and what follows from them: completed steps form a
/// prefix, exactly one current step with every later one locked, credentials with the
/// approvals of steps 1 and 4, a launch on a Tuesday once all seven are done, at most one
/// pending test attempt (the latest) and a test step under review exactly while it waits.
pub fn check_state(state: &EService) -> Result<(), Broken> {
    let statuses: Vec<StepStatus> = state.steps.iter().map(|s| s.status).collect();
    let done = statuses
        .iter()
        .take_while(|s| **s == StepStatus::Completed)
        .count();
    // 1. Completed steps form a prefix.
    ensure!(
        statuses[done..].iter().all(|s| *s != StepStatus::Completed),
        "completed steps are not a prefix: {statuses:?}"
    );
    if done < 7 {
        // 2. Exactly one current step; every later one locked.
        ensure!(statuses[done].is_current(), "no current step: {statuses:?}");
        ensure!(
            statuses[done + 1..]
                .iter()
                .all(|s| *s == StepStatus::Locked),
            "steps after the current one are not locked: {statuses:?}"
        );
        ensure!(
            state.current_step() == Step::ALL[done],
            "current step {:?} is not the first one not done",
            state.current_step()
        );
    }
    ensure!(
        state.is_complete() == (done == 7),
        "complete is not all seven done"
    );
    ensure!(
        state.launch_on.is_some() == (done == 7),
        "a launch date without all seven steps done, or none with them"
    );
    if let Some(on) = state.launch_on {
        ensure!(
            on.weekday() == chrono::Weekday::Tue,
            "launch on a {:?}",
            on.weekday()
        );
    }
    // Credentials come with the approval of steps 1 and 4.
    ensure!(
        state.credentials.uat.is_some() == (done >= 1),
        "UAT credentials do not follow step 1"
    );
    ensure!(
        state.credentials.production.is_some() == (done >= 4),
        "production credentials do not follow step 4"
    );
    for (i, s) in state.steps.iter().enumerate() {
        ensure!(s.step == Step::ALL[i], "step {i} is {:?}", s.step);
        ensure!(
            s.step.is_test() || s.attempts.is_empty(),
            "attempts on {:?}, not a test step",
            s.step
        );
        // Only the latest attempt may be pending.
        let pending = s
            .attempts
            .iter()
            .filter(|a| a.status == AttemptStatus::Pending)
            .count();
        ensure!(pending <= 1, "{pending} pending attempts on {:?}", s.step);
        ensure!(
            pending == 0 || s.pending_attempt().is_some(),
            "a pending attempt on {:?} that is not the latest",
            s.step
        );
        // A test step is under review exactly while an attempt waits.
        if s.step.is_test() && s.status != StepStatus::Locked {
            ensure!(
                (s.status == StepStatus::UnderReview) == (pending == 1),
                "{:?} is {:?} with {pending} pending attempts",
                s.step,
                s.status
            );
        }
        ensure!(
            s.attempts.windows(2).all(|w| w[0].number < w[1].number),
            "attempt numbers of {:?} do not grow",
            s.step
        );
    }
    Ok(())
}

/// Invariants 4 to 6 over a whole history `log` that led to `state`, with `actors` every
/// user who may have acted: the log folds to the state, versions grow by one per
/// command, events and state survive JSON (how stores keep them), one approval by DGA
/// staff per completed step 1 to 6 and step 7 confirmed by the agency, the stored
/// submission (and its warnings) is the latest submitted, only an admin moves a launch
/// (after step 7 set it, to another date), and the agency record changes only with a step 4
/// approval.
pub fn check_history(state: &EService, log: &[Event], actors: &[Actor]) -> Result<(), Broken> {
    let role_of = |id: UserId| actors.iter().find(|a| a.user_id() == id).map(Actor::role);
    // 4. The log folds to the state.
    let folded = EService::from_events(log).map_err(|e| format!("the log does not fold: {e}"))?;
    ensure!(&folded == state, "the log folds to another state");
    let mut version = 1;
    for e in log {
        ensure!(
            e.version == version || e.version == version + 1,
            "version {} after {version}",
            e.version
        );
        version = e.version;
    }
    ensure!(
        version == state.version,
        "the state is not at the log's version"
    );
    for e in log {
        let json = serde_json::to_value(e).map_err(|err| err.to_string())?;
        ensure!(
            serde_json::from_value::<Event>(json).ok().as_ref() == Some(e),
            "an event does not survive JSON: {e:?}"
        );
    }
    let json = serde_json::to_value(state).map_err(|e| e.to_string())?;
    ensure!(
        serde_json::from_value::<EService>(json).ok().as_ref() == Some(state),
        "the state does not survive JSON"
    );

    let staff = |id: UserId| role_of(id).is_some_and(Role::is_staff);
    let mut scheduled = None;
    for e in log {
        match &e.change {
            Change::LaunchScheduled { launch_on, .. } => scheduled = Some(*launch_on),
            Change::LaunchRescheduled {
                previous,
                launch_on,
                ..
            } => {
                ensure!(
                    role_of(e.actor) == Some(Role::Admin),
                    "a non-admin moved the launch"
                );
                ensure!(Some(*previous) == scheduled, "a move from a date never set");
                ensure!(launch_on != previous, "a move to the same date");
                scheduled = Some(*launch_on);
            }
            _ => {}
        }
    }
    ensure!(
        scheduled == state.launch_on,
        "the launch date is not the last one set"
    );
    for s in &state.steps {
        let events = || log.iter().filter(|e| e.step == Some(s.step));
        let approvals: Vec<&Event> = events()
            .filter(|e| matches!(e.change, Change::Approved { .. }))
            .collect();
        // 5. One approval by staff per completed step 1 to 6; step 7 confirmed by the agency.
        if s.step == Step::Launch {
            ensure!(approvals.is_empty(), "step 7 approved");
            if s.status == StepStatus::Completed {
                let confirm = events().find(|e| matches!(e.change, Change::Submitted { .. }));
                ensure!(
                    confirm.is_some_and(|e| role_of(e.actor) == Some(Role::Agency)),
                    "step 7 not confirmed by the agency"
                );
            }
        } else if s.status == StepStatus::Completed {
            ensure!(
                approvals.len() == 1,
                "{:?} approved {} times",
                s.step,
                approvals.len()
            );
            ensure!(
                staff(approvals[0].actor),
                "{:?} approved by non-staff",
                s.step
            );
        } else {
            ensure!(
                approvals.is_empty(),
                "{:?} approved but not completed",
                s.step
            );
        }
        // 6. The stored submission is the one of the latest submit event, unchanged.
        let last = events().rev().find_map(|e| match &e.change {
            Change::Submitted {
                submission,
                warnings,
                ..
            } => Some((submission, warnings)),
            _ => None,
        });
        ensure!(
            last.map(|(submission, _)| submission) == s.submission.as_ref(),
            "{:?} holds another submission than the latest submitted",
            s.step
        );
        // The warnings of the latest submission travel with it, and never block.
        ensure!(
            last.map(|(_, w)| w.clone()).unwrap_or_default() == s.warnings,
            "{:?} holds other warnings than its latest submission's",
            s.step
        );
        ensure!(
            s.warnings.iter().all(|w| w.code.is_warning()),
            "{:?} keeps an error as a warning",
            s.step
        );
    }
    // The agency record changes only with a step-4 approval, in the same command.
    for e in log.iter().filter(|e| agency_update(e).is_some()) {
        ensure!(
            e.step == Some(Step::PlatformRequest)
                && log.iter().any(|a| a.version == e.version
                    && a.step == Some(Step::PlatformRequest)
                    && matches!(a.change, Change::Approved { .. })),
            "the agency changed without a step 4 approval"
        );
    }
    Ok(())
}
