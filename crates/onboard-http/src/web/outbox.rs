//! The outbox for admins (SPEC §14): the e-mails the system has queued, their status, tries
//! and last error, newest first. Read-only: a failed e-mail is retried by the worker on its
//! own backoff.

use super::*;
use onboard_store::OutboxStatus;

/// E-mails the page lists.
const OUTBOX_ROWS: u32 = 200;

pub(super) struct OutboxRow {
    created: String,
    to: String,
    subject: String,
    status: &'static str,
    status_th: &'static str,
    attempts: u32,
    error: Option<String>,
    sent: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "outbox.html")]
pub(super) struct OutboxPage {
    layout: Layout,
    errors: Errors,
    rows: Vec<OutboxRow>,
    statuses: Vec<(&'static str, &'static str, bool)>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct OutboxQuery {
    status: Option<String>,
}

/// Each status with its Thai label.
const STATUSES: [(OutboxStatus, &str, &str); 3] = [
    (OutboxStatus::Pending, "pending", "รอส่ง"),
    (OutboxStatus::Sending, "sending", "กำลังส่ง"),
    (OutboxStatus::Sent, "sent", "ส่งแล้ว"),
];

/// `GET /outbox`: admins only (the e-mails name people and addresses); anyone else gets
/// the not-found page.
pub(super) async fn outbox_page(
    State(state): State<AppState>,
    Ready(session): Ready,
    Query(query): Query<OutboxQuery>,
) -> Response {
    if onboard_app::accounts::Administrator::of(&session.user).is_err() {
        return page_error(StatusCode::NOT_FOUND, None);
    }
    let chosen = STATUSES
        .iter()
        .find(|(_, name, _)| Some(*name) == query.status.as_deref())
        .map(|(status, ..)| *status);
    let messages = match state.store.outbox(chosen, OUTBOX_ROWS).await {
        Ok(messages) => messages,
        Err(e) => return store_failure(&e),
    };
    let rows = messages
        .iter()
        // Secrets (an initial password) never show here.
        .map(|m| m.redacted())
        .map(|m| {
            let (_, status, status_th) = STATUSES
                .iter()
                .find(|(s, ..)| *s == m.status)
                .copied()
                .unwrap_or((m.status, "pending", "รอส่ง"));
            OutboxRow {
                created: thai_datetime(m.created_at),
                to: m.to,
                subject: m.subject,
                status,
                status_th,
                attempts: m.attempts,
                error: m.last_error,
                sent: m.sent_at.map(thai_datetime),
            }
        })
        .collect();
    OutboxPage {
        layout: session.layout("outbox"),
        errors: Errors::default(),
        rows,
        statuses: STATUSES
            .iter()
            .map(|(s, name, label)| (*name, *label, Some(*s) == chosen))
            .collect(),
    }
    .into_response()
}
