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
use onboard_core::privacy::DetailAccess;
use onboard_core::reference::{Environment, Step, StepStatus};
use onboard_core::schedule::{bangkok, thai_date};
use onboard_core::validation::Report;
use onboard_store::password::random_string;
use onboard_store::{ListQuery, Scope, User};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The session cookie (the API's session token).
const SESSION_COOKIE: &str = "onboard_session";
/// The login form's double-submit CSRF cookie.
const LOGIN_CSRF_COOKIE: &str = "onboard_login_csrf";
/// Rows per page of the e-Service list.
const PER_PAGE: u32 = 20;
/// Notifications on the dashboard.
const RECENT_NOTIFICATIONS: u32 = 10;
/// e-Services offered in the dashboard's status tracker.
const TRACKER_CHOICES: u32 = 100;

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
        .route("/eservices/{id}", get(eservice_page))
        .route(
            "/eservices/{id}/launch",
            get(launch_page).post(launch_submit),
        )
        .route("/eservices/{id}/steps/{step}", get(attempts_page))
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
        include_bytes!("../assets/portal.css"),
    ),
    (
        "portal.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/portal.js"),
    ),
    (
        "htmx-2.0.11.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/htmx-2.0.11.min.js"),
    ),
    (
        "fonts/sarabun-thai-400-normal.woff2",
        "font/woff2",
        include_bytes!("../assets/fonts/sarabun-thai-400-normal.woff2"),
    ),
    (
        "fonts/sarabun-thai-700-normal.woff2",
        "font/woff2",
        include_bytes!("../assets/fonts/sarabun-thai-700-normal.woff2"),
    ),
    (
        "fonts/sarabun-latin-400-normal.woff2",
        "font/woff2",
        include_bytes!("../assets/fonts/sarabun-latin-400-normal.woff2"),
    ),
    (
        "fonts/sarabun-latin-700-normal.woff2",
        "font/woff2",
        include_bytes!("../assets/fonts/sarabun-latin-700-normal.woff2"),
    ),
    (
        "fonts/OFL.txt",
        "text/plain; charset=utf-8",
        include_bytes!("../assets/fonts/OFL.txt"),
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
// Sessions, cookies and CSRF

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// Whether the browser reached us over https (directly or through a proxy that says so).
fn is_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

fn set_cookie(
    name: &str,
    value: &str,
    max_age: i64,
    headers: &HeaderMap,
) -> (header::HeaderName, String) {
    let secure = if is_https(headers) { "; Secure" } else { "" };
    (
        header::SET_COOKIE,
        format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"),
    )
}

/// The CSRF token of a session: a hash of the secret session token, so a page of another
/// site cannot know it and the server need not store it.
fn csrf_of(session_token: &str) -> String {
    let digest = Sha256::digest(format!("onboard-csrf:{session_token}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A signed-in caller, whatever the state of the first login (the first-login page).
struct SignedIn(Session);

/// A signed-in caller who has done the first login (every other page).
struct Ready(Session);

impl axum::extract::FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Response> {
        Session::of(state, &parts.headers).await.map(SignedIn)
    }
}

impl axum::extract::FromRequestParts<AppState> for Ready {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Response> {
        Session::ready(state, &parts.headers).await.map(Ready)
    }
}

/// A signed-in caller, whatever the state of the first login.
struct Session {
    user: User,
    token: String,
}

impl Session {
    async fn of(state: &AppState, headers: &HeaderMap) -> Result<Session, Response> {
        let token = cookie(headers, SESSION_COOKIE).filter(|t| !t.is_empty());
        let user = match &token {
            Some(token) => accounts::session_user(state.store.as_ref(), token, state.now())
                .await
                .map_err(|e| failure(&e))?,
            None => None,
        };
        match (token, user) {
            (Some(token), Some(user)) => Ok(Session { user, token }),
            _ => Err(Redirect::to("/login").into_response()),
        }
    }

    /// A session that has finished the first login (else: to the first-login page).
    async fn ready(state: &AppState, headers: &HeaderMap) -> Result<Session, Response> {
        let session = Session::of(state, headers).await?;
        if session.user.must_change_credentials {
            return Err(Redirect::to("/first-login").into_response());
        }
        Ok(session)
    }

    fn layout(&self, section: &'static str) -> Layout {
        Layout {
            user: Some(self.user.display_name.clone()),
            csrf: csrf_of(&self.token),
            section,
        }
    }

    /// Whether a form carries this session's CSRF token.
    fn csrf_ok(&self, sent: &str) -> bool {
        sent == csrf_of(&self.token)
    }
}

fn csrf_refused() -> Response {
    page_error_with(
        StatusCode::FORBIDDEN,
        "แบบฟอร์มหมดอายุ",
        "แบบฟอร์มนี้หมดอายุหรือไม่ได้ส่งมาจากระบบนี้ กรุณากลับไปที่หน้าเดิม โหลดหน้าใหม่ แล้วส่งอีกครั้ง",
    )
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
}

/// One problem of a form: the field's id and the Thai message.
pub(crate) struct FieldMessage {
    field: String,
    message: String,
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
                .map(|i| FieldMessage {
                    field: i.field.clone(),
                    message: i.message_th.clone(),
                })
                .collect(),
        )
    }

    fn one(field: &str, message: impl Into<String>) -> Errors {
        Errors(vec![FieldMessage {
            field: field.to_owned(),
            message: message.into(),
        }])
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

/// A failure of a flow as a page: the cause goes to the log, the page says what to do.
fn failure(e: &AppError) -> Response {
    tracing::error!(error = %e, "page failed");
    page_error(StatusCode::INTERNAL_SERVER_ERROR, None)
}

fn store_failure(e: &onboard_store::StoreError) -> Response {
    tracing::error!(error = %e, "page failed");
    page_error(StatusCode::INTERNAL_SERVER_ERROR, None)
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

// ---------------------------------------------------------------------------------------
// Login, first login, logout

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    errors: Errors,
    username: String,
    notice: Option<String>,
}

/// The login form, with a fresh double-submit CSRF cookie.
fn login_form(
    headers: &HeaderMap,
    status: StatusCode,
    username: String,
    errors: Errors,
    notice: Option<String>,
) -> Response {
    let csrf = random_string(32);
    let page = LoginPage {
        layout: Layout {
            user: None,
            csrf: csrf.clone(),
            section: "login",
        },
        errors,
        username,
        notice,
    };
    (
        status,
        [set_cookie(LOGIN_CSRF_COOKIE, &csrf, 3600, headers)],
        page,
    )
        .into_response()
}

async fn login_page(headers: HeaderMap) -> Response {
    login_form(
        &headers,
        StatusCode::OK,
        String::new(),
        Errors::default(),
        None,
    )
}

#[derive(Debug, Default, Deserialize)]
struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

async fn login_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || form.csrf != expected {
        return csrf_refused();
    }
    let mut errors = Vec::new();
    if form.username.trim().is_empty() {
        errors.push(FieldMessage {
            field: "username".into(),
            message: "กรุณากรอกชื่อผู้ใช้งาน".into(),
        });
    }
    if form.password.is_empty() {
        errors.push(FieldMessage {
            field: "password".into(),
            message: "กรุณากรอกรหัสผ่าน".into(),
        });
    }
    if !errors.is_empty() {
        return login_form(
            &headers,
            StatusCode::UNPROCESSABLE_ENTITY,
            form.username,
            Errors(errors),
            None,
        );
    }
    let Ok(ttl) = chrono::Duration::from_std(state.config.session_ttl) else {
        return page_error(StatusCode::INTERNAL_SERVER_ERROR, None);
    };
    match accounts::login(
        state.store.as_ref(),
        &form.username,
        &form.password,
        ttl,
        state.now(),
    )
    .await
    {
        Ok(done) => {
            let to = if done.user.must_change_credentials {
                "/first-login"
            } else {
                "/"
            };
            // Two cookies: `AppendHeaders`, as a plain header array would keep only the last.
            (
                AppendHeaders([
                    set_cookie(SESSION_COOKIE, &done.token, ttl.num_seconds(), &headers),
                    set_cookie(LOGIN_CSRF_COOKIE, "", 0, &headers),
                ]),
                Redirect::to(to),
            )
                .into_response()
        }
        Err(e @ (AppError::InvalidCredentials | AppError::TooManyAttempts { .. })) => {
            let (status, message) = match &e {
                AppError::TooManyAttempts { .. } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    crate::ApiError::from(e).detail_th(),
                ),
                _ => (
                    StatusCode::UNAUTHORIZED,
                    "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง กรุณาตรวจสอบแล้วลองใหม่อีกครั้ง".to_owned(),
                ),
            };
            login_form(
                &headers,
                status,
                form.username,
                Errors::one("username", message),
                None,
            )
        }
        Err(e) => failure(&e),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "first_login.html")]
struct FirstLoginPage {
    layout: Layout,
    errors: Errors,
    username: String,
}

async fn first_login_page(SignedIn(session): SignedIn) -> Response {
    if !session.user.must_change_credentials {
        return Redirect::to("/").into_response();
    }
    FirstLoginPage {
        layout: session.layout(""),
        errors: Errors::default(),
        username: String::new(),
    }
    .into_response()
}

#[derive(Debug, Default, Deserialize)]
struct FirstLoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirmation: String,
}

async fn first_login_submit(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Form(form): Form<FirstLoginForm>,
) -> Response {
    if !session.csrf_ok(&form.csrf) {
        return csrf_refused();
    }
    match accounts::first_login(
        state.store.as_ref(),
        &session.user,
        &form.username,
        &form.password,
        &form.password_confirmation,
    )
    .await
    {
        Ok(_) | Err(AppError::FirstLoginDone) => Redirect::to("/").into_response(),
        Err(AppError::Invalid(report)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            FirstLoginPage {
                layout: session.layout(""),
                errors: Errors::from_report(&report),
                username: form.username,
            },
        )
            .into_response(),
        Err(e) => failure(&e),
    }
}

#[derive(Debug, Default, Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(session): SignedIn,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !session.csrf_ok(&form.csrf) {
        return csrf_refused();
    }
    if let Err(e) = accounts::logout(state.store.as_ref(), &session.token).await {
        return failure(&e);
    }
    (
        [set_cookie(SESSION_COOKIE, "", 0, &headers)],
        Redirect::to("/login"),
    )
        .into_response()
}

// ---------------------------------------------------------------------------------------
// Dashboard

struct NotificationRow {
    title: String,
    at: String,
    at_iso: String,
    link: Option<String>,
}

struct TrackedStep {
    number: u8,
    title: &'static str,
    status: &'static str,
    status_th: &'static str,
}

struct Tracker {
    id: Uuid,
    name: String,
    steps: Vec<TrackedStep>,
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    errors: Errors,
    cards: Vec<(&'static str, String)>,
    approved_percent: u64,
    notifications: Vec<NotificationRow>,
    tracker_options: Vec<(Uuid, String, bool)>,
    tracker: Option<Tracker>,
}

#[derive(Debug, Default, Deserialize)]
struct DashboardQuery {
    eservice: Option<String>,
}

async fn dashboard(
    State(state): State<AppState>,
    Ready(session): Ready,
    Query(query): Query<DashboardQuery>,
) -> Response {
    match dashboard_page(&state, &session, query).await {
        Ok(page) => page.into_response(),
        Err(e) => store_failure(&e),
    }
}

async fn dashboard_page(
    state: &AppState,
    session: &Session,
    query: DashboardQuery,
) -> Result<DashboardPage, onboard_store::StoreError> {
    let scope = Scope::of(&session.user);
    let c = state.store.dashboard(scope, today(state)).await?;
    let cards = vec![
        ("งานบริการทั้งหมด", grouped(c.total)),
        ("งานที่รอดำเนินการ", grouped(c.pending_action)),
        ("งานที่ยังไม่เปิดใช้งาน", grouped(c.not_launched)),
        ("รอตรวจสอบ", grouped(c.awaiting_review)),
        ("กำลังทดสอบ UAT", grouped(c.testing_uat)),
        ("กำลังทดสอบ Pre-production", grouped(c.testing_preprod)),
    ];
    let notifications = state
        .store
        .notifications(session.user.id, RECENT_NOTIFICATIONS)
        .await?
        .into_iter()
        .map(|n| NotificationRow {
            title: n.title_th,
            at: thai_datetime(n.at),
            at_iso: n.at.to_rfc3339(),
            link: n.eservice_id.map(|id| format!("/eservices/{id}")),
        })
        .collect();
    let choices = state
        .store
        .list(
            &ListQuery {
                per_page: TRACKER_CHOICES,
                page: 1,
                ..ListQuery::default()
            },
            scope,
            today(state),
        )
        .await?;
    let chosen = query
        .eservice
        .as_deref()
        .and_then(|id| id.parse::<Uuid>().ok())
        .or_else(|| choices.items.first().map(|i| i.id));
    let tracker = match chosen {
        Some(id) => state.store.eservice(id, scope).await?.map(|svc| Tracker {
            id: svc.id,
            name: svc.name.clone(),
            steps: svc
                .steps
                .iter()
                .map(|s| TrackedStep {
                    number: s.step.number(),
                    title: s.step.title_th(),
                    status: s.status.as_str(),
                    status_th: s.status.title_th(),
                })
                .collect(),
        }),
        None => None,
    };
    let tracker_options = choices
        .items
        .iter()
        .map(|i| (i.id, i.name.clone(), Some(i.id) == chosen))
        .collect();
    Ok(DashboardPage {
        layout: session.layout("dashboard"),
        errors: Errors::default(),
        cards,
        approved_percent: c.approved_percent,
        notifications,
        tracker_options,
        tracker,
    })
}

// ---------------------------------------------------------------------------------------
// e-Service list

struct ListRow {
    id: Uuid,
    name: String,
    agency: String,
    ministry: String,
    step_number: u8,
    step: &'static str,
    status: &'static str,
    status_th: &'static str,
    /// The class of each of the seven steps on the bar.
    bar: Vec<&'static str>,
}

#[derive(Template, WebTemplate)]
#[template(path = "eservices.html")]
struct ListPage {
    layout: Layout,
    errors: Errors,
    q: String,
    status_options: Vec<(&'static str, &'static str, bool)>,
    showing: String,
    rows: Vec<ListRow>,
    prev_page: Option<String>,
    next_page: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct ListForm {
    q: Option<String>,
    status: Option<String>,
    page: Option<String>,
}

/// The seven steps' states of a list row: those before the current step are complete and
/// those after it locked (SPEC §4 invariants 1 and 2), so the row needs no more than its
/// current step and status.
fn bar(current: Step, status: StepStatus) -> Vec<&'static str> {
    Step::ALL
        .iter()
        .map(|s| match s.number().cmp(&current.number()) {
            std::cmp::Ordering::Less => StepStatus::Completed.as_str(),
            std::cmp::Ordering::Equal => status.as_str(),
            std::cmp::Ordering::Greater => StepStatus::Locked.as_str(),
        })
        .collect()
}

fn list_link(q: &str, status: Option<StepStatus>, page: u32) -> String {
    let mut link = format!("/eservices?page={page}");
    if !q.is_empty() {
        link.push_str("&q=");
        link.push_str(
            &percent_encoding::utf8_percent_encode(q, percent_encoding::NON_ALPHANUMERIC)
                .to_string(),
        );
    }
    if let Some(s) = status {
        link.push_str("&status=");
        link.push_str(s.as_str());
    }
    link
}

async fn eservice_list(
    State(state): State<AppState>,
    Ready(session): Ready,
    Query(form): Query<ListForm>,
) -> Response {
    let q = form
        .q
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    // A query the store cannot run (a NUL) finds nothing rather than failing the page.
    let q_ok = !q.chars().any(char::is_control);
    let status = form
        .status
        .as_deref()
        .and_then(|s| s.parse::<StepStatus>().ok());
    let page = form
        .page
        .as_deref()
        .and_then(|p| p.parse::<u32>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let query = ListQuery {
        q: (!q.is_empty()).then(|| q.clone()),
        status,
        page,
        per_page: PER_PAGE,
        ..ListQuery::default()
    };
    let found = if q_ok {
        match state
            .store
            .list(&query, Scope::of(&session.user), today(&state))
            .await
        {
            Ok(found) => found,
            Err(e) => return store_failure(&e),
        }
    } else {
        onboard_store::Page {
            items: Vec::new(),
            total: 0,
            page,
            per_page: PER_PAGE,
        }
    };
    let first = u64::from(page - 1) * u64::from(PER_PAGE) + 1;
    let last = first + found.items.len() as u64 - 1;
    let showing = if found.items.is_empty() {
        "ไม่พบรายการ".to_owned()
    } else {
        format!(
            "แสดงรายการ {}-{} จากทั้งหมด {} รายการ",
            grouped(first),
            grouped(last),
            grouped(found.total)
        )
    };
    let rows = found
        .items
        .into_iter()
        .map(|i| ListRow {
            id: i.id,
            name: i.name,
            agency: i.agency_name_th,
            ministry: i.ministry_th,
            step_number: i.current_step.number(),
            step: i.current_step.title_th(),
            status: i.current_status.as_str(),
            status_th: i.current_status.title_th(),
            bar: bar(i.current_step, i.current_status),
        })
        .collect();
    ListPage {
        layout: session.layout("eservices"),
        errors: Errors::default(),
        status_options: StepStatus::ALL
            .iter()
            .map(|s| (s.as_str(), s.title_th(), Some(*s) == status))
            .collect(),
        prev_page: (page > 1).then(|| list_link(&q, status, page - 1)),
        next_page: (last < found.total).then(|| list_link(&q, status, page + 1)),
        q,
        showing,
        rows,
    }
    .into_response()
}

// ---------------------------------------------------------------------------------------
// One e-Service: the seven steps as a task list

struct StepRow {
    number: u8,
    title: &'static str,
    /// The step's own page, where the portal has one.
    link: Option<String>,
    status: &'static str,
    status_th: &'static str,
    dates: Vec<String>,
    review_note: Option<String>,
}

struct CredentialRow {
    environment: &'static str,
    app_id: String,
    consumer_key: String,
    consumer_secret: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "eservice.html")]
struct EServicePage {
    layout: Layout,
    errors: Errors,
    id: Uuid,
    name: String,
    agency: String,
    services: String,
    category: &'static str,
    launch_on: Option<String>,
    steps: Vec<StepRow>,
    credentials: Vec<CredentialRow>,
    can_reveal: bool,
}

#[derive(Debug, Default, Deserialize)]
struct DetailQuery {
    secret: Option<String>,
}

async fn eservice_page(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path(id): Path<String>,
    Query(query): Query<DetailQuery>,
) -> Response {
    let Ok(id) = id.parse::<Uuid>() else {
        return page_error(StatusCode::NOT_FOUND, None);
    };
    let user = &session.user;
    let svc = match state.store.eservice(id, Scope::of(user)).await {
        Ok(Some(svc)) => svc,
        // Another agency's e-Service does not exist for this caller (SPEC §2).
        Ok(None) => return page_error(StatusCode::NOT_FOUND, None),
        Err(e) => return store_failure(&e),
    };
    let agency = match state.store.agency(svc.agency_id).await {
        Ok(a) => a.map(|a| a.name_th).unwrap_or_default(),
        Err(e) => return store_failure(&e),
    };
    let access = DetailAccess::of(user.role, user.agency_id, svc.agency_id);
    let reveal = access.consumer_secret && query.secret.as_deref() == Some("1");
    let steps = svc
        .steps
        .iter()
        .map(|s| {
            let mut dates = Vec::new();
            if let Some(at) = s.submitted_at {
                dates.push(format!("ส่งเมื่อ {}", thai_datetime(at)));
            }
            if let Some(at) = s.reviewed_at {
                dates.push(format!("ตรวจสอบเมื่อ {}", thai_datetime(at)));
            }
            StepRow {
                number: s.step.number(),
                title: s.step.title_th(),
                link: match s.step {
                    _ if s.status == StepStatus::Locked => None,
                    Step::Launch => Some(format!("/eservices/{}/launch", svc.id)),
                    step if step.is_test() => {
                        Some(format!("/eservices/{}/steps/{}", svc.id, step.as_str()))
                    }
                    _ => None,
                },
                status: s.status.as_str(),
                status_th: s.status.title_th(),
                dates,
                review_note: s.review_note.clone(),
            }
        })
        .collect();
    let credentials = if access.credentials {
        [
            (Environment::Uat, "UAT", svc.credentials.uat.as_ref()),
            (
                Environment::Production,
                "Production",
                svc.credentials.production.as_ref(),
            ),
        ]
        .into_iter()
        .filter_map(|(_, label, c)| {
            c.map(|c| CredentialRow {
                environment: label,
                app_id: c.app_id.clone(),
                consumer_key: c.consumer_key.clone(),
                consumer_secret: reveal.then(|| c.consumer_secret.clone()),
            })
        })
        .collect()
    } else {
        Vec::new()
    };
    EServicePage {
        layout: session.layout("eservices"),
        errors: Errors::default(),
        id: svc.id,
        name: svc.name.clone(),
        agency,
        services: svc.services.join(", "),
        category: svc.category.title_th(),
        launch_on: svc.launch_on.map(thai_date),
        can_reveal: access.consumer_secret && !reveal,
        steps,
        credentials,
    }
    .into_response()
}

// ---------------------------------------------------------------------------------------
// Step 7: the launch date, the release Tuesday it makes, and the final confirmation

/// What the launch page shows.
enum LaunchStage {
    /// The form (and, after "check", the release Tuesday of the chosen date).
    Form,
    /// The check-your-answers page before the final confirmation (manual dialog V4).
    Confirm,
    /// Confirmed: the release date (manual dialog V5).
    Done(String),
    /// Step 7 is not open yet.
    NotYet,
}

#[derive(Template, WebTemplate)]
#[template(path = "launch.html")]
struct LaunchPage {
    layout: Layout,
    errors: Errors,
    id: Uuid,
    name: String,
    version: u64,
    stage: LaunchStage,
    desired: String,
    desired_th: String,
    note: String,
    release: Option<String>,
    notice: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct LaunchForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    desired_date: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    version: String,
}

/// The e-Service a page is about, if the caller may see it.
async fn visible(
    state: &AppState,
    user: &User,
    id: &str,
) -> Result<onboard_core::workflow::EService, Response> {
    let Ok(id) = id.parse::<Uuid>() else {
        return Err(page_error(StatusCode::NOT_FOUND, None));
    };
    match state.store.eservice(id, Scope::of(user)).await {
        Ok(Some(svc)) => Ok(svc),
        Ok(None) => Err(page_error(StatusCode::NOT_FOUND, None)),
        Err(e) => Err(store_failure(&e)),
    }
}

fn launch_page_of(
    session: &Session,
    svc: &onboard_core::workflow::EService,
    stage: LaunchStage,
) -> LaunchPage {
    LaunchPage {
        layout: session.layout("eservices"),
        errors: Errors::default(),
        id: svc.id,
        name: svc.name.clone(),
        version: svc.version,
        stage,
        desired: String::new(),
        desired_th: String::new(),
        note: String::new(),
        release: None,
        notice: None,
    }
}

/// The stage of step 7 as it stands.
fn launch_stage(svc: &onboard_core::workflow::EService) -> LaunchStage {
    let step = svc.step(Step::Launch);
    match (step.status, svc.launch_on) {
        (StepStatus::Completed, Some(day)) => {
            LaunchStage::Done(format!("วันอังคารที่ {}", thai_date(day)))
        }
        (StepStatus::InProgress | StepStatus::ChangesRequested, _) => LaunchStage::Form,
        _ => LaunchStage::NotYet,
    }
}

async fn launch_page(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path(id): Path<String>,
) -> Response {
    let svc = match visible(&state, &session.user, &id).await {
        Ok(svc) => svc,
        Err(r) => return r,
    };
    let mut page = launch_page_of(&session, &svc, launch_stage(&svc));
    // A draft keeps what was typed before.
    if let Some(draft) = &svc.step(Step::Launch).draft {
        page.desired = draft["desired_date"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        page.note = draft["note"].as_str().unwrap_or_default().to_owned();
    }
    page.into_response()
}

async fn launch_submit(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path(id): Path<String>,
    Form(form): Form<LaunchForm>,
) -> Response {
    if !session.csrf_ok(&form.csrf) {
        return csrf_refused();
    }
    let svc = match visible(&state, &session.user, &id).await {
        Ok(svc) => svc,
        Err(r) => return r,
    };
    let stage = launch_stage(&svc);
    if !matches!(stage, LaunchStage::Form) {
        return Redirect::to(&format!("/eservices/{}/launch", svc.id)).into_response();
    }
    let now = state.now();
    let today = onboard_core::schedule::today_in_bangkok(now);
    let payload = serde_json::json!({
        "desired_date": form.desired_date.trim(),
        "note": (!form.note.trim().is_empty()).then(|| form.note.clone()),
    });
    let mut page = launch_page_of(&session, &svc, LaunchStage::Form);
    page.desired = form.desired_date.trim().to_owned();
    page.note = form.note.clone();
    // The same checks step 7's submission makes, so the page never shows a date that the
    // confirmation would refuse.
    let deadline = state.schedule.launch_deadline.for_request(today);
    let checked = onboard_core::payload::validate(
        Step::Launch,
        &payload,
        &onboard_core::payload::Context::offline(today, deadline),
    );
    let desired = match checked {
        Ok(_) => onboard_core::fields::date(&page.desired).ok(),
        Err(onboard_core::payload::PayloadError::Invalid(report)) => {
            page.errors = Errors::from_report(&report);
            return (StatusCode::UNPROCESSABLE_ENTITY, page).into_response();
        }
        Err(e) => {
            page.errors = Errors::one("desired_date", format!("ข้อมูลไม่ถูกต้อง ({e})"));
            return (StatusCode::UNPROCESSABLE_ENTITY, page).into_response();
        }
    };
    if let Some(day) = desired {
        page.desired_th = thai_date(day);
        page.release = onboard_core::schedule::try_launch_on(now, day, &state.schedule.closed)
            .ok()
            .map(|r| {
                format!(
                    "วันอังคารที่ {} (ยืนยันก่อน {})",
                    thai_date(r.launch_on),
                    thai_datetime(r.cutoff.to_utc())
                )
            });
    }
    match form.action.as_str() {
        "review" => {
            page.stage = LaunchStage::Confirm;
            page.into_response()
        }
        "confirm" => {
            let expected = form.version.parse::<u64>().ok();
            let command = onboard_core::workflow::Command::Submit {
                step: Step::Launch,
                payload: Some(payload),
            };
            match onboard_app::eservices::execute(
                state.store.as_ref(),
                &session.user,
                svc.id,
                command,
                expected,
                &state.command_context(),
            )
            .await
            {
                Ok(_) => Redirect::to(&format!("/eservices/{}/launch", svc.id)).into_response(),
                Err(AppError::Invalid(report)) => {
                    page.errors = Errors::from_report(&report);
                    (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
                }
                // The e-Service changed meanwhile: say so in Thai and show it as it is now,
                // keeping what was typed.
                Err(AppError::Store(onboard_store::StoreError::Command(e))) => {
                    page.notice = Some(e.detail_th());
                    page.version =
                        match state.store.eservice(svc.id, Scope::of(&session.user)).await {
                            Ok(Some(now)) => {
                                page.stage = launch_stage(&now);
                                now.version
                            }
                            _ => page.version,
                        };
                    (StatusCode::CONFLICT, page).into_response()
                }
                Err(e) => failure(&e),
            }
        }
        // "check" and "edit": the form again, with the release Tuesday of the date.
        _ => page.into_response(),
    }
}

// ---------------------------------------------------------------------------------------
// Steps 3 and 6: the table of test attempts, with add, edit and delete

struct AttemptRow {
    number: u32,
    details: String,
    file_name: String,
    added_at: String,
    class: &'static str,
    status_th: &'static str,
    review_note: Option<String>,
    changeable: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "attempts.html")]
struct AttemptsPage {
    layout: Layout,
    errors: Errors,
    id: Uuid,
    name: String,
    step: &'static str,
    step_title: &'static str,
    version: u64,
    rows: Vec<AttemptRow>,
    can_add: bool,
    editing: Option<u32>,
    details: String,
    notice: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct AttemptsQuery {
    edit: Option<String>,
}

/// A test step (3 or 6) named by its slug; other steps have no page here yet.
fn test_step(slug: &str) -> Option<Step> {
    slug.parse::<Step>().ok().filter(|s| s.is_test())
}

/// The attempts page of `svc` as it stands, for `session`.
async fn attempts_page_of(
    state: &AppState,
    session: &Session,
    svc: &onboard_core::workflow::EService,
    step: Step,
    editing: Option<u32>,
) -> AttemptsPage {
    let s = svc.step(step);
    let owner = DetailAccess::of(session.user.role, session.user.agency_id, svc.agency_id).owner;
    let latest = s.attempts.last().map(|a| a.number);
    let mut rows = Vec::with_capacity(s.attempts.len());
    for a in &s.attempts {
        let file_name = match a.file_id.parse::<Uuid>() {
            Ok(id) => state.store.file(id).await.ok().flatten().map(|f| f.name),
            Err(_) => None,
        };
        let (class, status_th) = match a.status {
            // The manual's table shows a pending attempt as กำลังดำเนินการ.
            onboard_core::workflow::AttemptStatus::Pending => ("in_progress", "กำลังดำเนินการ"),
            onboard_core::workflow::AttemptStatus::Passed => ("completed", "ผ่าน"),
            onboard_core::workflow::AttemptStatus::Failed => ("changes_requested", "ไม่ผ่าน"),
        };
        rows.push(AttemptRow {
            number: a.number,
            details: a.details.clone(),
            file_name: file_name.unwrap_or_else(|| "-".to_owned()),
            added_at: thai_datetime(a.added_at),
            class,
            status_th,
            review_note: a.review_note.clone(),
            changeable: owner
                && Some(a.number) == latest
                && a.status == onboard_core::workflow::AttemptStatus::Pending,
        });
    }
    let open = matches!(
        s.status,
        StepStatus::InProgress | StepStatus::ChangesRequested
    );
    let editing = editing.filter(|n| rows.iter().any(|r| r.number == *n && r.changeable));
    let details = editing
        .and_then(|n| s.attempts.iter().find(|a| a.number == n))
        .map(|a| a.details.clone())
        .unwrap_or_default();
    AttemptsPage {
        layout: session.layout("eservices"),
        errors: Errors::default(),
        id: svc.id,
        name: svc.name.clone(),
        step: step.as_str(),
        step_title: step.title_th(),
        version: svc.version,
        can_add: owner && (open || editing.is_some()),
        rows,
        editing,
        details,
        notice: None,
    }
}

async fn attempts_page(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path((id, step)): Path<(String, String)>,
    Query(query): Query<AttemptsQuery>,
) -> Response {
    let Some(step) = test_step(&step) else {
        return page_error(StatusCode::NOT_FOUND, None);
    };
    let svc = match visible(&state, &session.user, &id).await {
        Ok(svc) => svc,
        Err(r) => return r,
    };
    let editing = query.edit.as_deref().and_then(|n| n.parse().ok());
    attempts_page_of(&state, &session, &svc, step, editing)
        .await
        .into_response()
}

/// Runs an attempt command and answers as a page: back to the table (303), or the table
/// with the problems beside the fields, what was typed kept.
async fn attempt_command(
    state: &AppState,
    session: &Session,
    svc: &onboard_core::workflow::EService,
    step: Step,
    command: onboard_core::workflow::Command,
    version: Option<u64>,
    typed: (Option<u32>, String),
) -> Response {
    let result = onboard_app::eservices::execute(
        state.store.as_ref(),
        &session.user,
        svc.id,
        command,
        version,
        &state.command_context(),
    )
    .await;
    let back = format!("/eservices/{}/steps/{}", svc.id, step.as_str());
    let (status, errors, notice) = match result {
        Ok(_) => return Redirect::to(&back).into_response(),
        Err(AppError::Invalid(report)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Errors::from_report(&report),
            None,
        ),
        // Changed meanwhile, or not allowed now: say so and show the table as it is.
        Err(AppError::Store(onboard_store::StoreError::Command(e))) => {
            (StatusCode::CONFLICT, Errors::default(), Some(e.detail_th()))
        }
        Err(e) => return failure(&e),
    };
    let current = match state.store.eservice(svc.id, Scope::of(&session.user)).await {
        Ok(Some(now)) => now,
        _ => svc.clone(),
    };
    let mut page = attempts_page_of(state, session, &current, step, typed.0).await;
    page.errors = errors;
    page.notice = notice;
    page.details = typed.1;
    (status, page).into_response()
}

async fn attempt_submit(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path((id, step)): Path<(String, String)>,
    multipart: axum::extract::Multipart,
) -> Response {
    let Some(step) = test_step(&step) else {
        return page_error(StatusCode::NOT_FOUND, None);
    };
    let svc = match visible(&state, &session.user, &id).await {
        Ok(svc) => svc,
        Err(r) => return r,
    };
    let purpose = onboard_core::file::FilePurpose::TestResult;
    let form = match crate::files::read_page_form(multipart, purpose).await {
        Ok(form) => form,
        Err(e) => {
            let mut page = attempts_page_of(&state, &session, &svc, step, None).await;
            page.errors = Errors::one("file_id", e.detail_th());
            return (e.status(), page).into_response();
        }
    };
    let text = |name: &str| form.texts.get(name).cloned().unwrap_or_default();
    if !session.csrf_ok(&text("csrf")) {
        return csrf_refused();
    }
    let editing = text("number").parse::<u32>().ok();
    let details = text("details");
    let version = text("version").parse::<u64>().ok();
    let file_id = match form.file {
        Some((name, bytes)) => {
            match crate::files::save_upload(state.clone(), &session.user, purpose, name, &bytes)
                .await
            {
                Ok(meta) => meta.id.to_string(),
                Err(crate::ApiError::Validation(report)) => {
                    let mut page = attempts_page_of(&state, &session, &svc, step, editing).await;
                    page.errors = Errors(
                        report
                            .errors
                            .iter()
                            .map(|_| FieldMessage {
                                field: "file_id".into(),
                                message: "ไฟล์ผลการทดสอบต้องเป็นประเภท XLSX, XLS, PDF หรือ CSV".into(),
                            })
                            .collect(),
                    );
                    page.details = details;
                    return (StatusCode::UNPROCESSABLE_ENTITY, page).into_response();
                }
                Err(e) => {
                    tracing::error!(error = %e, "upload failed");
                    return page_error(StatusCode::INTERNAL_SERVER_ERROR, None);
                }
            }
        }
        // Editing without a new file keeps the one the attempt has.
        None => editing
            .and_then(|n| svc.step(step).attempts.iter().find(|a| a.number == n))
            .map(|a| a.file_id.clone())
            .unwrap_or_default(),
    };
    let input = serde_json::json!({"details": details, "file_id": file_id});
    let command = match editing {
        Some(number) => onboard_core::workflow::Command::EditAttempt {
            step,
            number,
            input,
        },
        None => onboard_core::workflow::Command::AddAttempt { step, input },
    };
    attempt_command(
        &state,
        &session,
        &svc,
        step,
        command,
        version,
        (editing, details),
    )
    .await
}

async fn attempt_delete(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path((id, step, number)): Path<(String, String, String)>,
    Form(form): Form<LaunchForm>,
) -> Response {
    if !session.csrf_ok(&form.csrf) {
        return csrf_refused();
    }
    let (Some(step), Ok(number)) = (test_step(&step), number.parse::<u32>()) else {
        return page_error(StatusCode::NOT_FOUND, None);
    };
    let svc = match visible(&state, &session.user, &id).await {
        Ok(svc) => svc,
        Err(r) => return r,
    };
    let command = onboard_core::workflow::Command::DeleteAttempt { step, number };
    let version = form.version.parse::<u64>().ok();
    attempt_command(
        &state,
        &session,
        &svc,
        step,
        command,
        version,
        (None, String::new()),
    )
    .await
}

// ---------------------------------------------------------------------------------------
// Launched e-Services and notifications

struct LaunchedRow {
    id: Uuid,
    name: String,
    agency: String,
    launch_on: String,
    lifecycle: &'static str,
    lifecycle_th: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "launched.html")]
struct LaunchedPage {
    layout: Layout,
    errors: Errors,
    rows: Vec<LaunchedRow>,
}

async fn launched_page(State(state): State<AppState>, Ready(session): Ready) -> Response {
    let items = match state
        .store
        .launched(Scope::of(&session.user), today(&state))
        .await
    {
        Ok(items) => items,
        Err(e) => return store_failure(&e),
    };
    LaunchedPage {
        layout: session.layout("launched"),
        errors: Errors::default(),
        rows: items
            .into_iter()
            .map(|i| LaunchedRow {
                id: i.id,
                name: i.name,
                agency: i.agency_name_th,
                launch_on: i.launch_on.map(thai_date).unwrap_or_default(),
                lifecycle: i.lifecycle.as_str(),
                lifecycle_th: i.lifecycle.title_th(),
            })
            .collect(),
    }
    .into_response()
}

struct NoticeRow {
    title: String,
    body: String,
    at: String,
    at_iso: String,
    link: Option<String>,
    unread: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    layout: Layout,
    errors: Errors,
    rows: Vec<NoticeRow>,
}

/// Notifications listed on their page (as many as the API lists).
const NOTIFICATION_PAGE: u32 = 100;

async fn notifications_page(State(state): State<AppState>, Ready(session): Ready) -> Response {
    let items = match state
        .store
        .notifications(session.user.id, NOTIFICATION_PAGE)
        .await
    {
        Ok(items) => items,
        Err(e) => return store_failure(&e),
    };
    NotificationsPage {
        layout: session.layout("notifications"),
        errors: Errors::default(),
        rows: items
            .into_iter()
            .map(|n| NoticeRow {
                title: n.title_th,
                body: n.body_th,
                at: thai_datetime(n.at),
                at_iso: n.at.to_rfc3339(),
                link: n.eservice_id.map(|id| format!("/eservices/{id}")),
                unread: n.read_at.is_none(),
            })
            .collect(),
    }
    .into_response()
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
