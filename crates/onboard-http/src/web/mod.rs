//! The web portal (SPEC §14): server-rendered Thai pages over the same application flows as
//! the JSON API. Every form is a plain POST answered by a 303 redirect, so the portal works
//! without JavaScript; `portal.js` only adds live help.
//!
//! Sessions are the API's sessions, carried in an HttpOnly, SameSite=Lax cookie (Secure when
//! the request came over https). Forms carry a CSRF token: after login it is derived from
//! the session token (so it needs no storage and dies with the session); the login form,
//! before any session exists, uses a double-submit cookie.

use crate::eservices::today;
use crate::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{DateTime, Utc};
use onboard_app::{accounts, AppError};
use onboard_core::file::FilePurpose;
use onboard_core::id::{EServiceId, FileId};
use onboard_core::privacy::DetailAccess;
use onboard_core::reference::{Environment, Role, Step, StepStatus};
use onboard_core::schedule::{bangkok, thai_date};
use onboard_core::validation::Report;
use onboard_store::password::random_string;
use onboard_store::{ListQuery, Scope, User};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

mod administration;
mod calendar;
mod eservices;
mod form;
mod outbox;
mod reports;
mod review;
mod session;
mod settings;
mod sign_in;
mod step_forms;
mod steps;
mod template_pages;

use administration::*;
use calendar::*;
use eservices::*;
use outbox::{outbox_page, outbox_retry};
use reports::{report_csv, reports_page};
use review::*;
use session::*;
use settings::*;
use sign_in::*;
use step_forms::*;
use steps::*;
use template_pages::*;

/// The session cookie (the API's session token).
const SESSION_COOKIE: &str = "onboard_session";
/// The login form's double-submit CSRF cookie.
const LOGIN_CSRF_COOKIE: &str = "onboard_login_csrf";
/// Rows per page of the e-Service list.
const PER_PAGE: u32 = 20;
/// Notifications on the dashboard.
const RECENT_NOTIFICATIONS: u32 = 10;
/// e-Services offered in the dashboard's status tracker: the most recently changed (the list
/// page finds any other).
const TRACKER_CHOICES: u32 = 20;

/// The pages and their assets, to merge beside the API's routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard))
        .route("/login", get(login_page).post(login_submit))
        .route(
            "/first-login",
            get(first_login_page).post(first_login_submit),
        )
        .route("/logout", post(logout))
        .route("/eservices", get(eservice_list))
        .route(
            "/eservices/new",
            get(new_eservice_page).post(new_eservice_submit),
        )
        .route("/eservices/{id}", get(eservice_page))
        .route(
            "/eservices/{id}/launch",
            get(launch_page).post(launch_submit),
        )
        .route(
            "/eservices/{id}/launch/reschedule",
            get(reschedule_page).post(reschedule_submit),
        )
        .route(
            "/eservices/{id}/steps/{step}",
            get(step_page)
                .post(step_submit_form)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/eservices/{id}/steps/{step}/check", get(step_check))
        .route("/review", get(queue_page))
        .route("/reports", get(reports_page))
        .route("/outbox", get(outbox_page))
        .route("/reports/eservices.csv", get(report_csv))
        .route("/eservices/{id}/steps/{step}/review", get(review_page))
        .route("/eservices/{id}/steps/{step}/approve", post(approve_submit))
        .route(
            "/eservices/{id}/steps/{step}/request-changes",
            post(request_changes_submit),
        )
        .route("/eservices/{id}/steps/{step}/submit", post(step_confirm))
        .route("/eservices/{id}/steps/{step}/withdraw", post(step_withdraw))
        .route("/files/{id}", get(file_page))
        .route(
            "/eservices/{id}/steps/{step}/attempts",
            post(attempt_submit).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/eservices/{id}/steps/{step}/attempts/{number}/delete",
            post(attempt_delete),
        )
        .route("/launched", get(launched_page))
        .route("/notifications", get(notifications_page))
        .route("/settings", get(settings_page).post(settings_submit))
        .route("/users", get(users_page).post(user_create))
        .route("/users/{id}/reset", post(user_reset))
        .route("/users/{id}/disable", post(user_disable))
        .route("/users/{id}/enable", post(user_enable))
        .route("/agencies", get(agencies_page).post(agency_create))
        .route("/agencies/{id}", get(agency_page).post(agency_update))
        .route("/outbox/{id}/retry", post(outbox_retry))
        .route("/calendar", get(calendar_page))
        .route("/calendar/releases.ics", get(calendar_ics))
        .route("/calendar/closed-dates", post(closed_date_add))
        .route("/calendar/closed-dates/remove", post(closed_date_remove))
        .route(
            "/templates",
            get(templates_page)
                .post(template_create)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/templates/{id}", get(template_download))
        .route("/templates/{id}/delete", post(template_delete))
        .route("/assets/{*file}", get(asset))
        .layer(axum::middleware::map_response(security_headers))
}

// ---------------------------------------------------------------------------------------
// Assets, embedded in the binary

/// The embedded files: path under `/assets/`, content type, bytes.
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "portal.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/portal.css"),
    ),
    (
        "portal.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/portal.js"),
    ),
    (
        "htmx-2.0.11.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/htmx-2.0.11.min.js"),
    ),
    (
        "fonts/sarabun-thai-400-normal.woff2",
        "font/woff2",
        include_bytes!("../../assets/fonts/sarabun-thai-400-normal.woff2"),
    ),
    (
        "fonts/sarabun-thai-700-normal.woff2",
        "font/woff2",
        include_bytes!("../../assets/fonts/sarabun-thai-700-normal.woff2"),
    ),
    (
        "fonts/sarabun-latin-400-normal.woff2",
        "font/woff2",
        include_bytes!("../../assets/fonts/sarabun-latin-400-normal.woff2"),
    ),
    (
        "fonts/sarabun-latin-700-normal.woff2",
        "font/woff2",
        include_bytes!("../../assets/fonts/sarabun-latin-700-normal.woff2"),
    ),
    (
        "fonts/OFL.txt",
        "text/plain; charset=utf-8",
        include_bytes!("../../assets/fonts/OFL.txt"),
    ),
];

async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|(name, _, _)| *name == file) {
        Some((_, content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, *content_type),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            *bytes,
        )
            .into_response(),
        None => page_error(StatusCode::NOT_FOUND, None),
    }
}

/// Headers of every page: no inline scripts, no framing, no referrer to other sites.
async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; \
             object-src 'none'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

// ---------------------------------------------------------------------------------------
// Page furniture

/// What the frame of every page needs.
pub(crate) struct Layout {
    /// The signed-in user's display name (no menu when nobody is signed in).
    user: Option<String>,
    /// The CSRF token of the forms on the page.
    csrf: String,
    /// The menu entry to mark as current.
    section: &'static str,
    /// Whether the menu leads anywhere: not before the first login is done.
    menu: bool,
    /// DGA staff (reviewers and admins): their menu items.
    staff: bool,
    /// Whether the menu shows the admins' pages (users and agencies).
    admin: bool,
}

/// One problem of a form: the field's id and the Thai message.
pub(crate) struct FieldMessage {
    field: String,
    message: String,
    /// The field's label, to name it in the error summary (forms with many fields).
    label: Option<String>,
}

impl FieldMessage {
    fn new(field: impl Into<String>, message: impl Into<String>) -> FieldMessage {
        FieldMessage {
            field: field.into(),
            message: message.into(),
            label: None,
        }
    }
}

/// The problems of a form, for the error summary and the messages beside the fields.
#[derive(Default)]
pub(crate) struct Errors(Vec<FieldMessage>);

impl Errors {
    fn from_report(report: &Report) -> Errors {
        Errors(
            report
                .errors
                .iter()
                .map(|i| FieldMessage::new(i.field.clone(), i.message_th.clone()))
                .collect(),
        )
    }

    fn one(field: &str, message: impl Into<String>) -> Errors {
        Errors(vec![FieldMessage::new(field, message)])
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn iter(&self) -> std::slice::Iter<'_, FieldMessage> {
        self.0.iter()
    }

    /// The first message of a field.
    fn first(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// Every message of a field.
    fn all(&self, field: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|e| e.field == field)
            .map(|e| e.message.as_str())
            .collect()
    }
}

impl<'a> IntoIterator for &'a Errors {
    type Item = &'a FieldMessage;
    type IntoIter = std::slice::Iter<'a, FieldMessage>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    errors: Errors,
    title: String,
    message: String,
}

fn page_error_with(status: StatusCode, title: &str, message: &str) -> Response {
    let page = ErrorPage {
        layout: Layout {
            user: None,
            csrf: String::new(),
            section: "",
            menu: false,
            staff: false,
            admin: false,
        },
        errors: Errors::default(),
        title: title.to_owned(),
        message: message.to_owned(),
    };
    (status, page).into_response()
}

fn page_error(status: StatusCode, detail: Option<&str>) -> Response {
    match status {
        StatusCode::NOT_FOUND => page_error_with(
            status,
            "ไม่พบหน้าที่ต้องการ",
            detail.unwrap_or("ไม่พบข้อมูลที่ต้องการ หรือข้อมูลนี้ไม่ได้อยู่ในหน่วยงานของคุณ"),
        ),
        _ => page_error_with(
            status,
            "ระบบขัดข้อง",
            detail.unwrap_or("ระบบขัดข้องชั่วคราว กรุณาลองใหม่อีกครั้ง หากยังพบปัญหาโปรดติดต่อ สพร."),
        ),
    }
}

/// Applies `command` to the e-Service `id` as the signed-in user, through the same flow as
/// the API, at `version` (the one the page showed; `None`: the current one).
async fn execute(
    state: &AppState,
    session: &Session,
    id: EServiceId,
    command: onboard_core::workflow::Command,
    version: Option<u64>,
) -> Result<onboard_core::workflow::EService, AppError> {
    state.execute(&session.user, id, command, version).await
}

/// A failure of a flow as a page: the cause goes to the log, the page says what to do.
fn failure(e: &AppError) -> Response {
    tracing::error!(error = %e, "page failed");
    page_error(StatusCode::INTERNAL_SERVER_ERROR, None)
}

fn store_failure(e: &onboard_store::StoreError) -> Response {
    tracing::error!(error = %e, "page failed");
    page_error(StatusCode::INTERNAL_SERVER_ERROR, None)
}

/// The e-Service a page is about, if the caller may see it: another agency's e-Service does
/// not exist for this caller (SPEC §2).
async fn visible(
    state: &AppState,
    user: &User,
    id: &str,
) -> Result<onboard_core::workflow::EService, Response> {
    let Ok(id) = id.parse::<EServiceId>() else {
        return Err(page_error(StatusCode::NOT_FOUND, None));
    };
    match state.store.eservice(id, Scope::of(user)).await {
        Ok(Some(svc)) => Ok(svc),
        Ok(None) => Err(page_error(StatusCode::NOT_FOUND, None)),
        Err(e) => Err(store_failure(&e)),
    }
}

/// Why a file chosen on a page was not stored.
pub(crate) enum Upload {
    /// The content is not of a type the field takes: the Thai message for beside the field.
    Refused(String),
    /// The store failed: the page to answer with.
    Failed(Response),
}

/// Stores a file chosen on a page, the same way the API's upload does; returns its id.
async fn upload(
    state: &AppState,
    user: &User,
    purpose: FilePurpose,
    name: String,
    bytes: &[u8],
) -> Result<String, Upload> {
    match crate::files::save_upload(state.clone(), user, purpose, name, bytes).await {
        Ok(meta) => Ok(meta.id.to_string()),
        Err(crate::ApiError::Validation(_)) => Err(Upload::Refused(
            match purpose {
                FilePurpose::Icon => "ไฟล์ไอคอนต้องเป็นรูปภาพ PNG หรือ JPG",
                FilePurpose::Screenshot => "ภาพหน้าจอต้องเป็นรูปภาพ PNG หรือ JPG",
                FilePurpose::TestResult => "ไฟล์ผลการทดสอบต้องเป็นประเภท XLSX, XLS, PDF หรือ CSV",
                FilePurpose::AssignmentLetter => "หนังสือมอบหมายต้องเป็นไฟล์ PDF, PNG หรือ JPG",
                FilePurpose::Template => "ไฟล์เทมเพลตต้องเป็นประเภท XLSX, XLS, PDF, CSV, PNG หรือ JPG",
            }
            .to_owned(),
        )),
        Err(e) => {
            tracing::error!(error = %e, "upload failed");
            Err(Upload::Failed(page_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                None,
            )))
        }
    }
}

/// `GET /files/{id}`: an uploaded file for whoever may read it (the same rule as the API's
/// download). Images open in the page (previews); other files download.
async fn file_page(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<FileId>() else {
        return page_error(StatusCode::NOT_FOUND, None);
    };
    match onboard_app::files::readable(state.store.as_ref(), &session.user, id).await {
        Ok(Some((meta, content))) => {
            let disposition = if meta.media_type.is_image() {
                "inline".to_owned()
            } else {
                crate::files::content_disposition(&meta.name)
            };
            (
                [
                    (header::CONTENT_TYPE, meta.media_type.mime().to_owned()),
                    (header::CONTENT_DISPOSITION, disposition),
                    (header::CACHE_CONTROL, "private, no-store".to_owned()),
                ],
                content,
            )
                .into_response()
        }
        Ok(None) => page_error(StatusCode::NOT_FOUND, None),
        Err(e) => failure(&e),
    }
}

/// A number with thousands separators, as Thai officers read them.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `27 พ.ย. 2569 10:15 น.` in Bangkok time.
fn thai_datetime(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&bangkok());
    format!(
        "{} {} น.",
        thai_date(local.date_naive()),
        local.format("%H:%M")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(100_000), "100,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }

    #[test]
    fn a_row_bar_follows_the_invariants() {
        assert_eq!(
            bar(Step::PlatformRequest, StepStatus::UnderReview),
            [
                "completed",
                "completed",
                "completed",
                "under_review",
                "locked",
                "locked",
                "locked"
            ]
        );
    }

    #[test]
    fn cookies_are_read_by_name() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; onboard_session=tok; b=2"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("tok"));
        assert_eq!(cookie(&h, "missing"), None);
    }
}
