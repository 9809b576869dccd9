//! The outbox for admins (SPEC §8, §14): the e-mails the system has queued, their status,
//! tries and last error, newest first, filtered by status. Delivery retries a failing
//! e-mail on its own backoff and gives up (ส่งไม่สำเร็จ) on a permanent refusal or after 24
//! hours; the button ส่งใหม่ of a failed e-mail queues it again through
//! `onboard_app::outbox::retry`, the flow of `onboard outbox retry` too.

use super::*;
use onboard_app::accounts::Administrator;
use onboard_core::id::MessageId;
use onboard_core::outbox::NotFailed;
use onboard_store::{OutboxStatus, StoreError};

/// E-mails the page lists.
const OUTBOX_ROWS: u32 = 200;

pub(super) struct OutboxRow {
    id: String,
    created: String,
    to: String,
    subject: String,
    status: &'static str,
    status_th: &'static str,
    failed: bool,
    attempts: u32,
    error: Option<String>,
    sent: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "outbox.html")]
pub(super) struct OutboxPage {
    layout: Layout,
    errors: Errors,
    notice: Option<String>,
    rows: Vec<OutboxRow>,
    /// `(name, Thai label, chosen)` of every status.
    statuses: Vec<(&'static str, &'static str, bool)>,
    /// The chosen status's name, or empty: the retry buttons bring the admin back to it.
    filter: &'static str,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct OutboxQuery {
    status: Option<String>,
    /// What the action before said: `retried`, or `not-failed` with `was`.
    done: Option<String>,
    /// The status of an e-mail that was not failed when retried.
    was: Option<String>,
}

/// What a retry says on the page it leads back to.
fn notice(query: &OutboxQuery) -> Option<String> {
    match query.done.as_deref()? {
        "retried" => Some("ส่งอีเมลใหม่แล้ว อีเมลกลับไปอยู่ในสถานะรอส่ง ระบบจะส่งอีกครั้งโดยเร็ว".to_owned()),
        "not-failed" => {
            let status = OutboxStatus::parse(query.was.as_deref()?)?;
            Some(NotFailed { status }.detail_th())
        }
        _ => None,
    }
}

/// `GET /outbox`: admins only (the e-mails name people and addresses); anyone else gets
/// the not-found page.
pub(super) async fn outbox_page(
    State(state): State<AppState>,
    Ready(session): Ready,
    Query(query): Query<OutboxQuery>,
) -> Response {
    if Administrator::of(&session.user).is_err() {
        return page_error(StatusCode::NOT_FOUND, None);
    }
    let chosen = query.status.as_deref().and_then(OutboxStatus::parse);
    let messages = match state.store.outbox(chosen, OUTBOX_ROWS).await {
        Ok(messages) => messages,
        Err(e) => return store_failure(&e),
    };
    let rows = messages
        .iter()
        // Secrets (an initial password) never show here.
        .map(|m| m.redacted())
        .map(|m| OutboxRow {
            id: m.id.to_string(),
            created: thai_datetime(m.created_at),
            to: m.to,
            subject: m.subject,
            status: m.status.as_str(),
            status_th: m.status.title_th(),
            failed: m.status == OutboxStatus::Failed,
            attempts: m.attempts,
            error: m.last_error,
            sent: m.sent_at.map(thai_datetime),
        })
        .collect();
    OutboxPage {
        layout: session.layout("outbox"),
        errors: Errors::default(),
        notice: notice(&query),
        rows,
        statuses: OutboxStatus::ALL
            .iter()
            .map(|s| (s.as_str(), s.title_th(), Some(*s) == chosen))
            .collect(),
        filter: chosen.map_or("", OutboxStatus::as_str),
    }
    .into_response()
}

/// The retry button's form: the CSRF token and the filter to come back to.
#[derive(Debug, Default, Deserialize)]
pub(super) struct RetryForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    status: String,
}

/// `POST /outbox/{id}/retry`: queues a failed e-mail again and goes back to the page (with
/// its filter) with a notice. An e-mail that is no longer failed (sent meanwhile, or
/// retried by another admin) is a notice too, not an error page; an unknown id, or anyone
/// but an admin, gets the 404 page.
pub(super) async fn outbox_retry(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path(id): Path<String>,
    Form(form): Form<RetryForm>,
) -> Response {
    if !session.csrf_ok(&form.csrf) {
        return csrf_refused();
    }
    let Ok(by) = Administrator::of(&session.user) else {
        return page_error(StatusCode::NOT_FOUND, None);
    };
    let Ok(id) = id.parse::<MessageId>() else {
        return page_error(StatusCode::NOT_FOUND, None);
    };
    // Only a known status goes into the address.
    let back = match OutboxStatus::parse(&form.status) {
        Some(status) => format!("/outbox?status={}&", status.as_str()),
        None => "/outbox?".to_owned(),
    };
    match onboard_app::outbox::retry(state.store.as_ref(), &by, id, state.now()).await {
        Ok(_) => Redirect::to(&format!("{back}done=retried")).into_response(),
        Err(AppError::Store(StoreError::NotFailed(refused))) => Redirect::to(&format!(
            "{back}done=not-failed&was={}",
            refused.status.as_str()
        ))
        .into_response(),
        Err(AppError::Store(StoreError::NotFound)) => page_error(StatusCode::NOT_FOUND, None),
        Err(e) => failure(&e),
    }
}
