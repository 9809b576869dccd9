//! The admins' pages (SPEC §14, DGA staff): users (ผู้ใช้งาน: the list, a new account,
//! credentials resets, disabling and enabling) and agencies (หน่วยงาน: the list, a new
//! agency, corrected names). Anyone but an admin gets the 404 page, as for anything a role
//! may not see; who is an admin is `onboard_app::accounts::Administrator::of`, the rule the
//! API follows too.
//!
//! Every form is a POST answered by a 303, except a new account and a credentials reset:
//! their answer is the users page itself (200, `Cache-Control: no-store`) with the initial
//! username and password in a notice, shown that once. They are never put in a URL or
//! stored for the page; the user also receives them by e-mail.

use super::*;
use onboard_app::accounts::Administrator;
use onboard_app::agencies;
use onboard_core::account::NewAccount;
use onboard_core::id::{AgencyId, UserId};
use onboard_core::workflow::AgencyNames;
use onboard_store::{Agency, StoreError, UserQuery};

/// Rows per page of the users list.
const USERS_PER_PAGE: u32 = 50;

/// The administrator behind a page; `None` for anyone else, who gets [`not_found`].
fn administrator(session: &Session) -> Option<Administrator> {
    Administrator::of(&session.user).ok()
}

/// The 404 page: what these pages are to anyone but an admin, and unknown ids.
fn not_found() -> Response {
    page_error(StatusCode::NOT_FOUND, None)
}

// ---------------------------------------------------------------------------------------
// Users

/// One row of the users table.
pub(super) struct UserRow {
    id: UserId,
    username: String,
    display_name: String,
    email: String,
    role: &'static str,
    agency: String,
    /// `tag` class and Thai text of the account's state.
    status: (&'static str, &'static str),
    disabled: bool,
}

impl UserRow {
    fn of(user: &User, agencies: &[Agency]) -> UserRow {
        let agency = user
            .agency_id
            .and_then(|id| agencies.iter().find(|a| a.id == id))
            .map_or_else(|| "-".to_owned(), |a| a.name_th.clone());
        let status = match (user.disabled, user.must_change_credentials) {
            (true, _) => ("locked", "ปิดการใช้งาน"),
            (false, true) => ("in_progress", "รอเข้าสู่ระบบครั้งแรก"),
            (false, false) => ("completed", "ใช้งานอยู่"),
        };
        UserRow {
            id: user.id,
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            email: user.email.clone(),
            role: user.role.title_th(),
            agency,
            status,
            disabled: user.disabled,
        }
    }
}

/// Initial credentials to hand over, shown once.
pub(super) struct Issued {
    /// What happened, in Thai.
    title: &'static str,
    display_name: String,
    username: String,
    password: String,
}

/// The new-account form as typed (kept when it is refused).
#[derive(Debug, Default, Deserialize)]
pub(super) struct NewUserForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    agency_id: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "users.html")]
pub(super) struct UsersPage {
    layout: Layout,
    errors: Errors,
    notice: Option<&'static str>,
    issued: Option<Issued>,
    q: String,
    showing: String,
    prev_page: Option<String>,
    next_page: Option<String>,
    rows: Vec<UserRow>,
    /// `(value, Thai label)` of every role.
    roles: Vec<(&'static str, &'static str)>,
    /// `(id, Thai name)` of every agency.
    agency_options: Vec<(String, String)>,
    form: NewUserForm,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct UsersQuery {
    q: Option<String>,
    page: Option<String>,
    done: Option<String>,
}

/// What a finished action says on the page it leads back to.
fn users_notice(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "disabled" => {
            Some("ปิดการใช้งานบัญชีแล้ว ผู้ใช้งานนี้ออกจากระบบทุกอุปกรณ์และเข้าสู่ระบบไม่ได้จนกว่าจะเปิดการใช้งานอีกครั้ง")
        }
        "enabled" => Some("เปิดการใช้งานบัญชีแล้ว ผู้ใช้งานเข้าสู่ระบบด้วยรหัสผ่านเดิมได้"),
        _ => None,
    }
}

/// The users page: the list (filtered by `q`, paged), the new-account form and whatever
/// the action before it has to say.
#[allow(clippy::too_many_arguments)]
async fn render_users(
    state: &AppState,
    session: &Session,
    by: &Administrator,
    query: &UsersQuery,
    errors: Errors,
    notice: Option<&'static str>,
    issued: Option<Issued>,
    form: NewUserForm,
) -> Result<UsersPage, Response> {
    let q = query
        .q
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    let page = query
        .page
        .as_deref()
        .and_then(|p| p.parse::<u32>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let users = onboard_app::accounts::list_users(
        state.store.as_ref(),
        by,
        &UserQuery {
            q: Some(q.clone()),
            page,
            per_page: USERS_PER_PAGE,
            ..UserQuery::default()
        },
    )
    .await
    .map_err(|e| failure(&e))?;
    let agencies = state
        .store
        .agencies()
        .await
        .map_err(|e| store_failure(&e))?;
    let first = u64::from(page - 1) * u64::from(USERS_PER_PAGE) + 1;
    let showing = if users.items.is_empty() {
        "ไม่พบรายการ".to_owned()
    } else {
        format!(
            "แสดงรายการ {}-{} จากทั้งหมด {} รายการ",
            grouped(first),
            grouped(first + users.items.len() as u64 - 1),
            grouped(users.total)
        )
    };
    let link = |p: u32| {
        let mut link = format!("/users?page={p}");
        if !q.is_empty() {
            link.push_str("&q=");
            link.push_str(
                &percent_encoding::utf8_percent_encode(&q, percent_encoding::NON_ALPHANUMERIC)
                    .to_string(),
            );
        }
        link
    };
    let last_page = users.total.div_ceil(u64::from(USERS_PER_PAGE));
    Ok(UsersPage {
        layout: session.layout("users"),
        errors,
        notice,
        issued,
        showing,
        prev_page: (page > 1).then(|| link(page - 1)),
        next_page: (u64::from(page) < last_page).then(|| link(page + 1)),
        rows: users
            .items
            .iter()
            .map(|u| UserRow::of(u, &agencies))
            .collect(),
        roles: onboard_core::reference::Role::ALL
            .iter()
            .map(|r| (r.as_str(), r.title_th()))
            .collect(),
        agency_options: agencies
            .iter()
            .map(|a| (a.id.to_string(), a.name_th.clone()))
            .collect(),
        form,
        q,
    })
}

/// A page answer that must not be kept by the browser or a proxy (it shows a password).
fn not_stored(status: StatusCode, page: UsersPage) -> Response {
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        page.into_response(),
    )
        .into_response()
}

pub(super) async fn users_page(
    State(state): State<AppState>,
    Ready(session): Ready,
    Query(query): Query<UsersQuery>,
) -> Response {
    let Some(by) = administrator(&session) else {
        return not_found();
    };
    let notice = users_notice(query.done.as_deref());
    match render_users(
        &state,
        &session,
        &by,
        &query,
        Errors::default(),
        notice,
        None,
        NewUserForm::default(),
    )
    .await
    {
        Ok(page) => page.into_response(),
        Err(page) => page,
    }
}

/// `POST /users`: a new account. The answer is the users page with the initial
/// credentials, once.
pub(super) async fn user_create(
    State(state): State<AppState>,
    Ready(session): Ready,
    Form(form): Form<NewUserForm>,
) -> Response {
    if !session.csrf_ok(&form.csrf) {
        return csrf_refused();
    }
    let Some(by) = administrator(&session) else {
        return not_found();
    };
    let agency_id = match form.agency_id.trim() {
        "" => Ok(None),
        raw => raw.parse::<AgencyId>().map(Some),
    };
    let parsed = match agency_id {
        Ok(agency_id) => NewAccount::parse(&form.email, &form.display_name, &form.role, agency_id)
            .map_err(|report| Errors::from_report(&report)),
        Err(_) => Err(Errors::one("agency_id", "ไม่พบหน่วยงานที่เลือก")),
    };
    let created = match parsed {
        Ok(account) => {
            onboard_app::accounts::create_account(
                state.store.as_ref(),
                account,
                &state.config.mail,
                state.now(),
            )
            .await
        }
        Err(errors) => return refused_user(&state, &session, &by, errors, form).await,
    };
    match created {
        Ok(created) => {
            let issued = Issued {
                title: "สร้างบัญชีผู้ใช้งานแล้ว",
                display_name: created.user.display_name.clone(),
                username: created.initial_username,
                password: created.initial_password,
            };
            issued_page(&state, &session, &by, issued).await
        }
        Err(AppError::Store(StoreError::NotFound)) => {
            let errors = Errors::one("agency_id", "ไม่พบหน่วยงานที่เลือก");
            refused_user(&state, &session, &by, errors, form).await
        }
        Err(e) => failure(&e),
    }
}

/// The users page with the form's problems (422) and what was typed.
async fn refused_user(
    state: &AppState,
    session: &Session,
    by: &Administrator,
    errors: Errors,
    form: NewUserForm,
) -> Response {
    let query = UsersQuery::default();
    match render_users(state, session, by, &query, errors, None, None, form).await {
        Ok(page) => (StatusCode::UNPROCESSABLE_ENTITY, page).into_response(),
        Err(page) => page,
    }
}

/// The users page with initial credentials to hand over (200, never stored).
async fn issued_page(
    state: &AppState,
    session: &Session,
    by: &Administrator,
    issued: Issued,
) -> Response {
    let query = UsersQuery::default();
    let page = render_users(
        state,
        session,
        by,
        &query,
        Errors::default(),
        None,
        Some(issued),
        NewUserForm::default(),
    )
    .await;
    match page {
        Ok(page) => not_stored(StatusCode::OK, page),
        Err(page) => page,
    }
}

/// The CSRF token of a row's button form.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ActionForm {
    #[serde(default)]
    csrf: String,
}

/// Why a row's button did nothing.
enum Refused {
    /// The form did not carry the session's CSRF token.
    Csrf,
    /// Not an admin, or no such id.
    NotFound,
}

impl Refused {
    fn page(self) -> Response {
        match self {
            Refused::Csrf => csrf_refused(),
            Refused::NotFound => not_found(),
        }
    }
}

/// The checks of a row's button: the session's token, an admin, an id.
fn row_action(
    session: &Session,
    form: &ActionForm,
    id: &str,
) -> Result<(Administrator, UserId), Refused> {
    if !session.csrf_ok(&form.csrf) {
        return Err(Refused::Csrf);
    }
    let by = administrator(session).ok_or(Refused::NotFound)?;
    let id = id.parse::<UserId>().map_err(|_| Refused::NotFound)?;
    Ok((by, id))
}

/// `POST /users/{id}/reset`: new initial credentials, shown once on the users page.
pub(super) async fn user_reset(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> Response {
    let (by, id) = match row_action(&session, &form, &id) {
        Ok(checked) => checked,
        Err(refused) => return refused.page(),
    };
    match onboard_app::accounts::reset_credentials(
        state.store.as_ref(),
        &by,
        id,
        &state.config.mail,
        state.now(),
    )
    .await
    {
        Ok(reset) => {
            let issued = Issued {
                title: "รีเซ็ตรหัสผ่านแล้ว",
                display_name: reset.user.display_name.clone(),
                username: reset.initial_username,
                password: reset.initial_password,
            };
            issued_page(&state, &session, &by, issued).await
        }
        Err(AppError::Store(StoreError::NotFound)) => not_found(),
        Err(e) => failure(&e),
    }
}

/// `POST /users/{id}/disable`.
pub(super) async fn user_disable(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> Response {
    let (by, id) = match row_action(&session, &form, &id) {
        Ok(checked) => checked,
        Err(refused) => return refused.page(),
    };
    match onboard_app::accounts::disable_user(state.store.as_ref(), &by, id, state.now()).await {
        Ok(_) => Redirect::to("/users?done=disabled").into_response(),
        Err(AppError::Store(StoreError::LastAdmin)) => {
            let errors = Errors::one("users", crate::problem::LAST_ADMIN_TH);
            let query = UsersQuery::default();
            let page = render_users(
                &state,
                &session,
                &by,
                &query,
                errors,
                None,
                None,
                NewUserForm::default(),
            )
            .await;
            match page {
                Ok(page) => (StatusCode::CONFLICT, page).into_response(),
                Err(page) => page,
            }
        }
        Err(AppError::Store(StoreError::NotFound)) => not_found(),
        Err(e) => failure(&e),
    }
}

/// `POST /users/{id}/enable`.
pub(super) async fn user_enable(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> Response {
    let (by, id) = match row_action(&session, &form, &id) {
        Ok(checked) => checked,
        Err(refused) => return refused.page(),
    };
    match onboard_app::accounts::enable_user(state.store.as_ref(), &by, id).await {
        Ok(_) => Redirect::to("/users?done=enabled").into_response(),
        Err(AppError::Store(StoreError::NotFound)) => not_found(),
        Err(e) => failure(&e),
    }
}

// ---------------------------------------------------------------------------------------
// Agencies

/// The four names as typed.
#[derive(Debug, Default, Deserialize)]
pub(super) struct AgencyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name_th: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    ministry_th: String,
    #[serde(default)]
    ministry_en: String,
}

impl AgencyForm {
    fn of(agency: &Agency) -> AgencyForm {
        AgencyForm {
            csrf: String::new(),
            name_th: agency.name_th.clone(),
            name_en: agency.name_en.clone(),
            ministry_th: agency.ministry_th.clone(),
            ministry_en: agency.ministry_en.clone(),
        }
    }

    /// The four inputs in the form's order: name, label, value.
    fn fields(&self) -> [(&'static str, &'static str, &str); 4] {
        [
            ("name_th", "ชื่อหน่วยงาน (ภาษาไทย) *", &self.name_th),
            ("name_en", "ชื่อหน่วยงาน (ภาษาอังกฤษ) *", &self.name_en),
            ("ministry_th", "สังกัด/กระทรวง (ภาษาไทย) *", &self.ministry_th),
            (
                "ministry_en",
                "สังกัด/กระทรวง (ภาษาอังกฤษ) *",
                &self.ministry_en,
            ),
        ]
    }

    fn names(&self) -> Result<AgencyNames, Errors> {
        AgencyNames::parse(
            &self.name_th,
            &self.name_en,
            &self.ministry_th,
            &self.ministry_en,
        )
        .map_err(|report| Errors::from_report(&report))
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "agencies.html")]
pub(super) struct AgenciesPage {
    layout: Layout,
    errors: Errors,
    notice: Option<&'static str>,
    agencies: Vec<Agency>,
    form: AgencyForm,
}

#[derive(Template, WebTemplate)]
#[template(path = "agency.html")]
pub(super) struct AgencyPage {
    layout: Layout,
    errors: Errors,
    id: AgencyId,
    form: AgencyForm,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct AgenciesQuery {
    done: Option<String>,
}

async fn render_agencies(
    state: &AppState,
    session: &Session,
    status: StatusCode,
    errors: Errors,
    notice: Option<&'static str>,
    form: AgencyForm,
) -> Response {
    match state.store.agencies().await {
        Ok(agencies) => (
            status,
            AgenciesPage {
                layout: session.layout("agencies"),
                errors,
                notice,
                agencies,
                form,
            },
        )
            .into_response(),
        Err(e) => store_failure(&e),
    }
}

pub(super) async fn agencies_page(
    State(state): State<AppState>,
    Ready(session): Ready,
    Query(query): Query<AgenciesQuery>,
) -> Response {
    if administrator(&session).is_none() {
        return not_found();
    }
    let notice = match query.done.as_deref() {
        Some("created") => Some("เพิ่มหน่วยงานแล้ว"),
        Some("updated") => Some("บันทึกชื่อหน่วยงานแล้ว รายการ e-Service และการค้นหาใช้ชื่อใหม่ทันที"),
        _ => None,
    };
    render_agencies(
        &state,
        &session,
        StatusCode::OK,
        Errors::default(),
        notice,
        AgencyForm::default(),
    )
    .await
}

/// `POST /agencies`: a new agency.
pub(super) async fn agency_create(
    State(state): State<AppState>,
    Ready(session): Ready,
    Form(form): Form<AgencyForm>,
) -> Response {
    if !session.csrf_ok(&form.csrf) {
        return csrf_refused();
    }
    let Some(by) = administrator(&session) else {
        return not_found();
    };
    let names = match form.names() {
        Ok(names) => names,
        Err(errors) => {
            return render_agencies(
                &state,
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                None,
                form,
            )
            .await
        }
    };
    match agencies::create(state.store.as_ref(), &by, &names).await {
        Ok(_) => Redirect::to("/agencies?done=created").into_response(),
        Err(e) => failure(&e),
    }
}

/// `GET /agencies/{id}`: the edit form of an agency's names.
pub(super) async fn agency_page(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path(id): Path<String>,
) -> Response {
    if administrator(&session).is_none() {
        return not_found();
    }
    let Ok(id) = id.parse::<AgencyId>() else {
        return not_found();
    };
    match state.store.agency(id).await {
        Ok(Some(agency)) => AgencyPage {
            layout: session.layout("agencies"),
            errors: Errors::default(),
            id,
            form: AgencyForm::of(&agency),
        }
        .into_response(),
        Ok(None) => not_found(),
        Err(e) => store_failure(&e),
    }
}

/// `POST /agencies/{id}`: the corrected names.
pub(super) async fn agency_update(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path(id): Path<String>,
    Form(form): Form<AgencyForm>,
) -> Response {
    if !session.csrf_ok(&form.csrf) {
        return csrf_refused();
    }
    let Some(by) = administrator(&session) else {
        return not_found();
    };
    let Ok(id) = id.parse::<AgencyId>() else {
        return not_found();
    };
    let names = match form.names() {
        Ok(names) => names,
        Err(errors) => {
            let page = AgencyPage {
                layout: session.layout("agencies"),
                errors,
                id,
                form,
            };
            return (StatusCode::UNPROCESSABLE_ENTITY, page).into_response();
        }
    };
    match agencies::update(state.store.as_ref(), &by, id, &names).await {
        Ok(_) => Redirect::to("/agencies?done=updated").into_response(),
        Err(AppError::Store(StoreError::NotFound)) => not_found(),
        Err(e) => failure(&e),
    }
}
