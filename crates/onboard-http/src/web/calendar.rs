//! ปฏิทินวันเผยแพร่ (SPEC §6, §14): everyone signed in sees the coming release Tuesdays,
//! the closed dates with their reasons and their scheduled launches, and downloads the
//! `.ics` feed with the session cookie; admins also close a date (date and reason) and open
//! one again. The flows are `onboard_app::calendar`'s.

use super::*;
use onboard_app::accounts::Administrator;
use onboard_app::calendar;

pub(super) struct ClosedRow {
    date: String,
    date_th: String,
    reason: String,
}

pub(super) struct LaunchRow {
    id: EServiceId,
    name: String,
    agency: String,
    launch_on: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "calendar.html")]
pub(super) struct CalendarPage {
    layout: Layout,
    errors: Errors,
    notice: Option<String>,
    admin: bool,
    days: Vec<String>,
    closed: Vec<ClosedRow>,
    launches: Vec<LaunchRow>,
    form: ClosedDateForm,
}

/// The add form, as typed (kept when it comes back with problems).
#[derive(Debug, Default, Deserialize)]
pub(super) struct ClosedDateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    reason: String,
}

/// The remove button's form.
#[derive(Debug, Default, Deserialize)]
pub(super) struct RemoveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    date: String,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct CalendarQuery {
    added: Option<String>,
    removed: Option<String>,
}

async fn render(
    state: &AppState,
    session: &Session,
    status: StatusCode,
    errors: Errors,
    notice: Option<String>,
    form: ClosedDateForm,
) -> Response {
    let releases = match calendar::releases(state.store.as_ref(), &session.user, state.now()).await
    {
        Ok(releases) => releases,
        Err(e) => return failure(&e),
    };
    (
        status,
        CalendarPage {
            layout: session.layout("calendar"),
            errors,
            notice,
            admin: Administrator::of(&session.user).is_ok(),
            days: releases.days.iter().map(|d| thai_date(*d)).collect(),
            closed: releases
                .closed
                .into_iter()
                .map(|e| ClosedRow {
                    date: e.date.to_string(),
                    date_th: thai_date(e.date),
                    reason: e.reason,
                })
                .collect(),
            launches: releases
                .launches
                .into_iter()
                .map(|i| LaunchRow {
                    id: i.id,
                    name: i.name,
                    agency: i.agency_name_th,
                    launch_on: i.launch_on.map(thai_date).unwrap_or_default(),
                })
                .collect(),
            form,
        },
    )
        .into_response()
}

/// A notice naming a date the page received back from its own redirect.
fn notice_of(raw: Option<&str>, th: &str) -> Option<String> {
    let day = onboard_core::fields::date(raw?).ok()?;
    Some(format!("{th} {}", thai_date(day)))
}

/// `GET /calendar`.
pub(super) async fn calendar_page(
    State(state): State<AppState>,
    Ready(session): Ready,
    Query(query): Query<CalendarQuery>,
) -> Response {
    let notice = notice_of(query.added.as_deref(), "เพิ่มวันงดเผยแพร่แล้ว:")
        .or_else(|| notice_of(query.removed.as_deref(), "ยกเลิกวันงดเผยแพร่แล้ว:"));
    render(
        &state,
        &session,
        StatusCode::OK,
        Errors::default(),
        notice,
        ClosedDateForm::default(),
    )
    .await
}

/// `POST /calendar/closed-dates`: an admin closes a date.
pub(super) async fn closed_date_add(
    State(state): State<AppState>,
    Ready(session): Ready,
    Form(form): Form<ClosedDateForm>,
) -> Response {
    if !session.csrf_ok(&form.csrf) {
        return csrf_refused();
    }
    let Ok(by) = Administrator::of(&session.user) else {
        return page_error(StatusCode::NOT_FOUND, None);
    };
    match calendar::add(
        state.store.as_ref(),
        &by,
        &form.date,
        &form.reason,
        state.now(),
    )
    .await
    {
        Ok(added) => Redirect::to(&format!("/calendar?added={}", added.date)).into_response(),
        Err(AppError::Invalid(report)) => {
            let errors = Errors::from_report(&report);
            render(
                &state,
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                None,
                form,
            )
            .await
        }
        Err(e) => failure(&e),
    }
}

/// `POST /calendar/closed-dates/remove`: an admin opens a closed date again.
pub(super) async fn closed_date_remove(
    State(state): State<AppState>,
    Ready(session): Ready,
    Form(form): Form<RemoveForm>,
) -> Response {
    if !session.csrf_ok(&form.csrf) {
        return csrf_refused();
    }
    let Ok(by) = Administrator::of(&session.user) else {
        return page_error(StatusCode::NOT_FOUND, None);
    };
    match calendar::remove(state.store.as_ref(), &by, &form.date, state.now()).await {
        Ok(removed) => Redirect::to(&format!("/calendar?removed={}", removed.date)).into_response(),
        Err(AppError::Invalid(report)) => {
            // Nothing typed here: the problem (already opened by someone else) is shown
            // in the summary.
            let message = report
                .errors
                .first()
                .map(|i| i.message_th.clone())
                .unwrap_or_default();
            let errors = Errors::one("closed-dates", message);
            render(
                &state,
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                None,
                ClosedDateForm::default(),
            )
            .await
        }
        Err(e) => failure(&e),
    }
}

/// `GET /calendar/releases.ics`: the feed of `GET /api/v1/calendar/releases.ics` for the
/// session.
pub(super) async fn calendar_ics(State(state): State<AppState>, Ready(session): Ready) -> Response {
    match crate::calendar::ics_response(&state, &session.user).await {
        Ok(response) => response,
        Err(_) => page_error(StatusCode::INTERNAL_SERVER_ERROR, None),
    }
}
