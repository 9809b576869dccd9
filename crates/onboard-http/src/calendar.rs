//! The release calendar (SPEC §10): the closed dates (everyone reads them, admins replace
//! them) and the iCalendar feed of the coming release Tuesdays and the caller's scheduled
//! launches. The flows live in `onboard_app::calendar`.

use crate::auth::Caller;
use crate::extract::Json;
use crate::problem::ApiResult;
use crate::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use icalendar::{Calendar, Component, Event, EventLike};
use onboard_app::accounts::Administrator;
use onboard_app::calendar::{self, Releases};
use onboard_core::calendar::ClosedDate;
use onboard_store::User;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One closed date as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClosedDateView {
    /// The date without a release.
    pub date: NaiveDate,
    /// Why (a holiday's name, a freeze).
    pub reason: String,
}

/// The release calendar's closed dates, by date.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClosedDatesView {
    /// Every closed date.
    pub dates: Vec<ClosedDateView>,
}

impl From<Vec<ClosedDate>> for ClosedDatesView {
    fn from(list: Vec<ClosedDate>) -> Self {
        ClosedDatesView {
            dates: list
                .into_iter()
                .map(|e| ClosedDateView {
                    date: e.date,
                    reason: e.reason,
                })
                .collect(),
        }
    }
}

/// One entry of `PUT /calendar/closed-dates`. Both are read as text so that a bad date is
/// a field problem (422) like a missing reason.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClosedDateInput {
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub date: String,
    /// Required, one line, at most 200 characters.
    #[serde(default)]
    pub reason: String,
}

/// `PUT /calendar/closed-dates` body: the whole calendar.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClosedDatesBody {
    /// Every closed date; no date twice.
    #[serde(default)]
    pub dates: Vec<ClosedDateInput>,
}

/// The closed dates of the release calendar: no release goes out on them.
#[utoipa::path(
    get, path = "/api/v1/calendar/closed-dates", tag = "calendar",
    security(("bearer" = [])),
    responses((status = 200, description = "Closed dates", body = ClosedDatesView))
)]
pub async fn closed_dates(
    State(state): State<AppState>,
    _caller: Caller,
) -> ApiResult<Json<ClosedDatesView>> {
    let list = calendar::closed_dates(state.store.as_ref()).await?;
    Ok(Json(list.into()))
}

/// Replaces every closed date (admins). Each entry removed and added is recorded with the
/// admin; with any problem nothing changes.
#[utoipa::path(
    put, path = "/api/v1/calendar/closed-dates", tag = "calendar",
    request_body = ClosedDatesBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The new calendar", body = ClosedDatesView),
        (status = 422, description = "`validation_failed`: every problem, on `dates[i].date` or `dates[i].reason`", body = crate::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_closed_dates(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<ClosedDatesBody>,
) -> ApiResult<Json<ClosedDatesView>> {
    let by = Administrator::of(&caller.0)?;
    let entries: Vec<(String, String)> =
        body.dates.into_iter().map(|e| (e.date, e.reason)).collect();
    let list = calendar::replace(state.store.as_ref(), &by, &entries, state.now()).await?;
    Ok(Json(list.into()))
}

/// The coming release Tuesdays (26 weeks, closed ones left out) and the caller's
/// scheduled launches (agency officers: their agency's; staff: all), as iCalendar.
#[utoipa::path(
    get, path = "/api/v1/calendar/releases.ics", tag = "calendar",
    security(("bearer" = [])),
    responses((status = 200, description = "iCalendar (RFC 5545): one all-day event per release Tuesday and per scheduled launch, with stable UIDs", content_type = "text/calendar", body = String))
)]
pub async fn releases_ics(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    ics_response(&state, &caller.0).await
}

/// The feed for `user`, also served to the portal's session at `/calendar/releases.ics`.
pub(crate) async fn ics_response(state: &AppState, user: &User) -> ApiResult<Response> {
    let now = state.now();
    let releases = calendar::releases(state.store.as_ref(), user, now).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"releases.ics\"",
            ),
            (header::CACHE_CONTROL, "private, no-cache"),
        ],
        ics(&releases, now),
    )
        .into_response())
}

/// The exclusive end of an all-day event on `day` (RFC 5545 §3.6.1).
fn next_day(day: NaiveDate) -> NaiveDate {
    day.succ_opt().unwrap_or(day)
}

/// The summary of a release Tuesday's event, Thai first.
pub const RELEASE_SUMMARY: &str = "วันเผยแพร่ขึ้นระบบทางรัฐ / Tang Rat release day";

/// The iCalendar text: one all-day event per release day (UID `release-DATE@onboard`) and
/// per scheduled launch (UID `launch-ID@onboard`, so a calendar app updates it in place
/// when the date moves).
pub(crate) fn ics(releases: &Releases, now: DateTime<Utc>) -> String {
    let mut cal = Calendar::new();
    cal.name("ปฏิทินวันเผยแพร่ทางรัฐ / Tang Rat release calendar");
    for day in &releases.days {
        cal.push(
            Event::new()
                .uid(&format!("release-{day}@onboard"))
                .summary(RELEASE_SUMMARY)
                .description(
                    "บริการที่ยืนยันก่อนวันจันทร์ 12:00 น. เผยแพร่ในวันอังคารนี้ \
                     / Launches confirmed before Monday 12:00 (Bangkok) go out this Tuesday",
                )
                .starts(*day)
                .ends(next_day(*day))
                .timestamp(now)
                .done(),
        );
    }
    for item in &releases.launches {
        let Some(day) = item.launch_on else { continue };
        cal.push(
            Event::new()
                .uid(&format!("launch-{}@onboard", item.id))
                .summary(&format!(
                    "เปิดให้บริการ {} / Launch of {}",
                    item.name, item.name
                ))
                .description(&format!("{} ({})", item.agency_name_th, item.ministry_th))
                .starts(day)
                .ends(next_day(day))
                .timestamp(now)
                .done(),
        );
    }
    cal.done().to_string()
}
