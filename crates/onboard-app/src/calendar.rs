//! The release calendar (SPEC §6, §10): the closed dates live in the database, admins edit
//! them, and every schedule computation reads them through [`schedule`] (the step-7
//! confirmation through [`eservices::execute`](crate::eservices::execute), the release-date
//! calculator, the launch page's preview, the `.ics` feed).
//!
//! `--closed-dates` is only a default seed: [`seed`] closes its dates when the server
//! starts if the calendar has never been changed, so an admin's later edits are never
//! undone by a restart.

use crate::accounts::Administrator;
use crate::{AppError, AppResult};
use chrono::{DateTime, NaiveDate, Utc};
use onboard_core::calendar::{self, ClosedDate};
use onboard_core::schedule::{today_in_bangkok, ClosedDates, ScheduleConfig};
use onboard_core::validation::Report;
use onboard_core::workflow::Lifecycle;
use onboard_store::{CommandContext, ListItem, Scope, Store, StoreError, User};
use std::sync::Arc;

/// The reason the seeded dates of `--closed-dates` carry.
pub const SEED_REASON: &str = "ค่าเริ่มต้นจากการตั้งค่า (--closed-dates)";

/// The closed dates with their reasons, by date (everyone signed in may read them).
pub async fn closed_dates(store: &dyn Store) -> AppResult<Vec<ClosedDate>> {
    Ok(store.closed_dates().await?)
}

/// The schedule every computation uses: the configuration's launch deadline with the
/// database's closed dates (the configuration's own closed dates are only the seed).
pub async fn schedule(store: &dyn Store, configured: &ScheduleConfig) -> AppResult<ScheduleConfig> {
    let entries = store.closed_dates().await?;
    Ok(ScheduleConfig {
        closed: calendar::closed_set(&entries),
        launch_deadline: configured.launch_deadline,
    })
}

/// `ctx` with [`schedule`]'s configuration, for a command that computes a launch date.
pub async fn command_context(store: &dyn Store, ctx: &CommandContext) -> AppResult<CommandContext> {
    Ok(CommandContext {
        schedule: Arc::new(schedule(store, &ctx.schedule).await?),
        ..ctx.clone()
    })
}

fn one_problem(issue: onboard_core::validation::Issue) -> AppError {
    let mut report = Report::new();
    report.push(issue);
    AppError::Invalid(report)
}

/// Replaces the whole calendar (SPEC §10 `PUT /calendar/closed-dates`): the entries
/// `(date, reason)` are checked together ([`ClosedDate::parse_list`]); with any problem
/// nothing changes. Every entry removed and added is recorded with the admin.
pub async fn replace(
    store: &dyn Store,
    by: &Administrator,
    entries: &[(String, String)],
    now: DateTime<Utc>,
) -> AppResult<Vec<ClosedDate>> {
    let checked = ClosedDate::parse_list(entries).map_err(AppError::Invalid)?;
    let set = store
        .replace_closed_dates(checked, by.account(), now)
        .await?;
    tracing::info!(closed_dates = set.len(), by = ?by.account(), "release calendar replaced");
    Ok(set)
}

/// Closes one date with its reason (the portal's form, `onboard calendar closed add`).
/// A date closed already is a problem on `date`, and nothing changes.
pub async fn add(
    store: &dyn Store,
    by: &Administrator,
    date: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<ClosedDate> {
    let entry = ClosedDate::parse(date, reason).map_err(AppError::Invalid)?;
    let day = entry.date;
    match store.add_closed_date(entry, by.account(), now).await {
        Ok(added) => {
            tracing::info!(date = %added.date, by = ?by.account(), "closed date added");
            Ok(added)
        }
        Err(StoreError::Duplicate(_)) => Err(one_problem(calendar::already_closed(day))),
        Err(e) => Err(e.into()),
    }
}

/// Opens a closed date again (the portal's remove button, `onboard calendar closed
/// remove`). A date that is not closed is a problem on `date`.
pub async fn remove(
    store: &dyn Store,
    by: &Administrator,
    date: &str,
    now: DateTime<Utc>,
) -> AppResult<ClosedDate> {
    let day = calendar::parse_date(date).map_err(AppError::Invalid)?;
    match store.remove_closed_date(day, by.account(), now).await {
        Ok(removed) => {
            tracing::info!(date = %removed.date, by = ?by.account(), "closed date removed");
            Ok(removed)
        }
        Err(StoreError::NotFound) => Err(one_problem(calendar::not_closed(day))),
        Err(e) => Err(e.into()),
    }
}

/// Seeds the calendar with the configured closed dates (`--closed-dates`) at server start,
/// with [`SEED_REASON`], only if the calendar has never been changed; returns whether it
/// did. Several servers starting at once seed once (the store's check and writes are one
/// transaction).
pub async fn seed(
    store: &dyn Store,
    configured: &ClosedDates,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let entries: Vec<ClosedDate> = configured
        .iter()
        .map(|date| ClosedDate {
            date: *date,
            reason: SEED_REASON.to_owned(),
        })
        .collect();
    let seeded = store.seed_closed_dates(entries, now).await?;
    if seeded {
        tracing::info!(
            closed_dates = configured.len(),
            "release calendar seeded from --closed-dates"
        );
    }
    Ok(seeded)
}

/// What the calendar shows a user (the page and the `.ics` feed).
#[derive(Debug, Clone)]
pub struct Releases {
    /// Today in Bangkok.
    pub today: NaiveDate,
    /// The coming release Tuesdays that are not closed, for
    /// [`calendar::RELEASE_WEEKS`] weeks from today.
    pub days: Vec<NaiveDate>,
    /// Every closed date with its reason, by date.
    pub closed: Vec<ClosedDate>,
    /// The e-Services the user may see whose launch is scheduled (not yet live), by date.
    pub launches: Vec<ListItem>,
}

/// The coming release Tuesdays, the closed dates and the user's scheduled launches
/// (agency officers: their agency's; staff: all) at `now`.
pub async fn releases(store: &dyn Store, user: &User, now: DateTime<Utc>) -> AppResult<Releases> {
    let today = today_in_bangkok(now);
    let entries = store.closed_dates().await?;
    let days = calendar::release_days(
        today,
        calendar::RELEASE_WEEKS,
        &calendar::closed_set(&entries),
    );
    let launches = store
        .launched(Scope::of(user), today)
        .await?
        .into_iter()
        .filter(|i| i.lifecycle == Lifecycle::Scheduled && i.launch_on.is_some())
        .collect();
    Ok(Releases {
        today,
        days,
        closed: entries,
        launches,
    })
}
