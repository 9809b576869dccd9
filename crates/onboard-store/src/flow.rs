//! The one command flow of both backends (SPEC §12).
//!
//! A backend reads what a command needs (the state, the agency, the [`FileFacts`] of the
//! files it names), [`create`] or [`execute`] let core decide and work out every write that
//! follows ([`Writes`]), and the backend persists those writes in one transaction. So what
//! a command writes is decided here once; a backend only speaks its SQL.

use crate::{Agency, CommandContext, Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use onboard_core::dashboard::{Counts, Summary};
use onboard_core::file::FileFacts;
use onboard_core::id::{AgencyId, EServiceId, FileId};
use onboard_core::notify::{notices, Notice, NoticeContext};
use onboard_core::reference::{Role, Step, StepStatus};
use onboard_core::workflow::{self, Actor, AgencyNames, Command, EService, Event};
use std::collections::HashMap;
use std::sync::LazyLock;
use uuid::Uuid;

/// The columns copied out of an e-Service's state for queries and the dashboard counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Columns {
    /// The first step not completed (step 7 when all are).
    pub current_step: Step,
    /// Its status.
    pub current_status: StepStatus,
    /// All seven steps are completed.
    pub complete: bool,
    /// The release date, once step 7 is confirmed.
    pub launch_on: Option<NaiveDate>,
    /// When the submission (or test attempt) under review was sent: the review queue's
    /// order. `None` when nothing is under review.
    pub review_since: Option<DateTime<Utc>>,
}

/// A dashboard counter's key: current step, its status, and whether all steps are done.
pub(crate) type Bucket = (Step, StepStatus, bool);

impl Columns {
    /// The columns of `s`.
    pub fn of(s: &EService) -> Columns {
        let step = s.step(s.current_step());
        Columns {
            current_step: step.step,
            current_status: step.status,
            complete: s.is_complete(),
            launch_on: s.launch_on(),
            review_since: (step.status == StepStatus::UnderReview)
                .then_some(step.submitted_at)
                .flatten(),
        }
    }

    /// The dashboard counter the e-Service is in.
    pub fn bucket(&self) -> Bucket {
        (self.current_step, self.current_status, self.complete)
    }
}

/// Everything one accepted command writes, besides resolving its notices to accounts (a
/// backend does that in its own SQL, with [`STAFF_ROLES`]).
#[derive(Debug)]
pub(crate) struct Writes {
    /// The new state.
    pub state: EService,
    /// Its derived columns.
    pub columns: Columns,
    /// The version the command read (`None`: a new e-Service, to insert).
    pub read_version: Option<u64>,
    /// The events, in order.
    pub events: Vec<Event>,
    /// The searchable texts ([`crate::folded_texts`]) when they changed (always for a new
    /// e-Service); `None` leaves the stored ones alone.
    pub texts: Option<Vec<String>>,
    /// The row's `search_fold`, written with every row.
    pub search_fold: String,
    /// Each notice with the instant of the event that caused it.
    pub notices: Vec<(Notice, DateTime<Utc>)>,
    /// The agency's new names: approving step 4 with `update_agency` makes the form's names
    /// official (SPEC §3).
    pub agency_names: Option<AgencyNames>,
    /// The dashboard counters to change: -1 on the old bucket, +1 on the new (nothing when
    /// they are equal).
    pub buckets: Vec<(Bucket, i64)>,
    /// Likewise for the launch-day counters.
    pub launches: Vec<(NaiveDate, i64)>,
}

/// A new e-Service, as [`crate::Store::create_eservice`] was asked for it.
pub(crate) struct Create {
    pub actor: Actor,
    pub agency_id: AgencyId,
    pub name: String,
    pub services: Vec<String>,
    pub ctx: CommandContext,
}

/// A command, as [`crate::Store::execute`] was asked to run it.
#[derive(Clone)]
pub(crate) struct Run {
    pub id: EServiceId,
    pub actor: Actor,
    pub command: Command,
    pub expected_version: Option<u64>,
    pub ctx: CommandContext,
}

impl Create {
    /// The request, with its agency resolved by core (`named`: the one the caller names).
    pub fn new(
        actor: &Actor,
        named: Option<AgencyId>,
        name: &str,
        services: &[String],
        ctx: &CommandContext,
    ) -> Result<Create> {
        Ok(Create {
            actor: *actor,
            agency_id: workflow::agency_of_new(actor, named)?,
            name: name.to_owned(),
            services: services.to_vec(),
            ctx: ctx.clone(),
        })
    }
}

impl Run {
    pub fn new(
        id: EServiceId,
        actor: &Actor,
        command: Command,
        expected_version: Option<u64>,
        ctx: &CommandContext,
    ) -> Run {
        Run {
            id,
            actor: *actor,
            command,
            expected_version,
            ctx: ctx.clone(),
        }
    }
}

/// Creates the e-Service in the agency read as `agency` (`None`: there is none, so
/// `NotFound`, but only once core has accepted the command: an actor learns nothing of
/// agencies it may not create in).
pub(crate) fn create(new: &Create, agency: Option<&Agency>) -> Result<Writes> {
    let no_files: HashMap<String, FileFacts> = HashMap::new();
    let env = new.ctx.env(&no_files, None);
    let id = EServiceId::from(Uuid::now_v7());
    let (state, events) = workflow::create(
        &new.actor,
        id,
        new.agency_id,
        &new.name,
        &new.services,
        &env,
    )?;
    let agency = agency.ok_or(StoreError::NotFound)?;
    Ok(Writes::new(None, state, events, agency, &new.ctx))
}

/// Runs the command on `state` (read in the transaction that will write the result), in
/// its agency `agency`, with the facts of the agency's files the command names (see
/// [`wanted_files`]).
pub(crate) fn execute(
    state: &EService,
    agency: &Agency,
    files: &HashMap<String, FileFacts>,
    run: Run,
) -> Result<Writes> {
    let names = run.command.reads_agency().then(|| agency.names());
    let env = run.ctx.env(files, names.as_ref());
    let (next, events) =
        workflow::execute(state, &run.actor, run.command, run.expected_version, &env)?;
    Ok(Writes::new(Some(state), next, events, agency, &run.ctx))
}

impl Writes {
    fn new(
        old: Option<&EService>,
        next: EService,
        events: Vec<Event>,
        agency: &Agency,
        ctx: &CommandContext,
    ) -> Writes {
        // Notices to staff name the agency as it was before an approved step 4 renames it.
        let notes = NoticeContext {
            agency_name_th: &agency.name_th,
            mail: &ctx.mail,
        };
        let notices = events
            .iter()
            .flat_map(|e| notices(e, &next, &notes).into_iter().map(|n| (n, e.at)))
            .collect();
        let agency_names = events
            .iter()
            .filter_map(workflow::agency_update)
            .next_back()
            .cloned();
        let texts = crate::folded_texts(next.name(), next.services());
        let columns = Columns::of(&next);
        let before = old.map(Columns::of);
        Writes {
            columns,
            read_version: old.map(|s| s.version()),
            search_fold: crate::search_fold(&texts),
            texts: match old {
                Some(old) if (old.name(), old.services()) == (next.name(), next.services()) => None,
                _ => Some(texts),
            },
            notices,
            agency_names,
            buckets: moves(before.map(|c| c.bucket()), Some(columns.bucket())),
            launches: moves(before.and_then(|c| c.launch_on), columns.launch_on),
            events,
            state: next,
        }
    }
}

/// -1 on `from` and +1 on `to`, nothing when they are the same.
fn moves<K: PartialEq>(from: Option<K>, to: Option<K>) -> Vec<(K, i64)> {
    if from == to {
        return Vec::new();
    }
    from.map(|k| (k, -1))
        .into_iter()
        .chain(to.map(|k| (k, 1)))
        .collect()
}

/// The file ids `command` names that can be files at all (they parse as ids), as written
/// and parsed; a backend looks up those of the e-Service's own agency, and [`catalog`] makes
/// what it found into the files core sees. Any other id is missing to core.
pub(crate) fn wanted_files(command: &Command, state: &EService) -> Vec<(String, FileId)> {
    command
        .file_ids(state)
        .into_iter()
        .filter_map(|raw| Some((raw.parse::<FileId>().ok()?, raw)))
        .map(|(id, raw)| (raw, id))
        .collect()
}

/// The files core sees, by the ids as the command wrote them: the same file may be named
/// in two spellings (upper and lower case hex).
pub(crate) fn catalog(
    wanted: &[(String, FileId)],
    found: impl IntoIterator<Item = (FileId, FileFacts)>,
) -> HashMap<String, FileFacts> {
    let mut out = HashMap::new();
    for (id, facts) in found {
        for (raw, _) in wanted.iter().filter(|(_, w)| *w == id) {
            out.insert(raw.clone(), facts);
        }
    }
    out
}

/// The dashboard cards from the counters: `groups` by step and status, and `live`, the
/// e-Services launched by the day asked about. Core's own definition counts the groups, so
/// the cards cannot drift from `Counts::of`; live needs the launch dates, which the groups
/// do not have, so it is counted apart.
pub(crate) fn counts(
    groups: impl IntoIterator<Item = ((Step, StepStatus), u64)>,
    live: u64,
    today: NaiveDate,
) -> Counts {
    let groups = groups
        .into_iter()
        .map(|((current_step, current_status), n)| {
            let summary = Summary {
                current_step,
                current_status,
                launch_on: None,
            };
            (summary, n)
        });
    let mut c = Counts::of_groups(groups, today);
    c.launched = live;
    c.not_launched = c.total.saturating_sub(live);
    c
}

/// The roles of DGA staff ([`Role::is_staff`]) as an SQL list, `('reviewer', 'admin')`: the
/// audience of a notice to staff, in both backends' SQL.
pub(crate) static STAFF_ROLES: LazyLock<String> = LazyLock::new(|| {
    let roles: Vec<String> = Role::ALL
        .iter()
        .filter(|r| r.is_staff())
        .map(|r| format!("'{}'", r.as_str()))
        .collect();
    format!("({})", roles.join(", "))
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_roles_are_cores() {
        assert_eq!(*STAFF_ROLES, "('reviewer', 'admin')");
    }

    #[test]
    fn moves_take_from_the_old_and_add_to_the_new() {
        assert_eq!(moves(Some(1), Some(2)), vec![(1, -1), (2, 1)]);
        assert_eq!(moves(None, Some(2)), vec![(2, 1)]);
        assert_eq!(moves(Some(1), None), vec![(1, -1)]);
        assert!(moves(Some(1), Some(1)).is_empty());
        assert!(moves::<i32>(None, None).is_empty());
    }

    #[test]
    fn a_file_named_in_two_spellings_is_found_by_both() {
        let id = FileId::from(Uuid::now_v7());
        let wanted = vec![(id.to_string(), id), (id.to_string().to_uppercase(), id)];
        let facts = FileFacts {
            media_type: onboard_core::file::MediaType::Png,
            size: 10,
            dimensions: Some((1, 1)),
        };
        let seen = catalog(&wanted, [(id, facts), (Uuid::now_v7().into(), facts)]);
        assert_eq!(seen.len(), 2);
        assert!(wanted.iter().all(|(raw, _)| seen.contains_key(raw)));
    }
}
