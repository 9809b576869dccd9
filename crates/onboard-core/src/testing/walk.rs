//! The seven steps by the book, as commands: what the property tests, the benches and the
//! fuzz targets start from when they need an e-Service at some point of its life.

use crate::reference::Step;
use crate::workflow::{self, Actor, Command, EService, Env, Event};
use serde_json::Value;

/// Who issues a command of a walk: the agency's officer or a DGA reviewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// The agency officer.
    Officer,
    /// A DGA reviewer.
    Reviewer,
}

/// Every command from a new e-Service to a confirmed launch: each form submitted and
/// approved, one passing attempt at steps 3 and 6, step 7 confirmed. `form(step)` is the
/// filled-in form of a step (the attempt's body for steps 3 and 6), e.g.
/// [`crate::samples::json`].
pub fn by_the_book(form: impl Fn(Step) -> Value) -> Vec<(By, Command)> {
    let mut commands = Vec::new();
    for &step in Step::ALL {
        let submit = if step.is_test() {
            Command::AddAttempt {
                step,
                input: form(step),
            }
        } else {
            Command::Submit {
                step,
                payload: Some(form(step)),
            }
        };
        commands.push((By::Officer, submit));
        if step != Step::Launch {
            let approve = Command::Approve {
                step,
                note: None,
                credentials: None,
                update_agency: false,
            };
            commands.push((By::Reviewer, approve));
        }
    }
    commands
}

/// Runs `commands` from `start` (a state and the log that made it), each with the
/// `If-Match` of the state before it; panics on the first refusal, naming it.
pub fn run(
    start: (EService, Vec<Event>),
    commands: impl IntoIterator<Item = (By, Command)>,
    officer: &Actor,
    reviewer: &Actor,
    env: &Env,
) -> (EService, Vec<Event>) {
    let (mut state, mut log) = start;
    for (by, command) in commands {
        let actor = match by {
            By::Officer => officer,
            By::Reviewer => reviewer,
        };
        let kind = command.kind();
        let (next, events) = workflow::execute(&state, actor, command, Some(state.version()), env)
            .unwrap_or_else(|e| panic!("{kind:?} refused on the walk: {e:?}"));
        state = next;
        log.extend(events);
    }
    (state, log)
}
