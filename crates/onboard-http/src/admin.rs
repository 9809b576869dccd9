//! Agencies and user accounts (admins; reviewers may list agencies). Who may administer is
//! one rule, `onboard_app::accounts::Administrator::of` (403 for reviewers and officers).

use crate::auth::Caller;
use crate::eservices::{paging, parse_opt, search_text};
use crate::extract::{Json, Path, Query};
use crate::problem::{ApiError, ApiResult};
use crate::views::{AgencyView, UserView};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use onboard_app::accounts::Administrator;
use onboard_app::{accounts, agencies, AppError};
use onboard_core::account::NewAccount;
use onboard_core::id::{AgencyId, UserId};
use onboard_core::reference::Role;
use onboard_core::workflow::AgencyNames;
use onboard_store::{Page, StoreError, User, UserQuery};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Every agency, by Thai name.
#[utoipa::path(
    get, path = "/api/v1/agencies", tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, description = "Agencies", body = Vec<AgencyView>))
)]
pub async fn list_agencies(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<AgencyView>>> {
    caller.require_staff("list agencies")?;
    let agencies = state.store.agencies().await?;
    Ok(Json(agencies.into_iter().map(Into::into).collect()))
}

/// `POST /agencies` body.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct NewAgencyRequest {
    /// Thai name.
    #[serde(default)]
    pub name_th: String,
    /// English name.
    #[serde(default)]
    pub name_en: String,
    /// Ministry (สังกัด/กระทรวง), Thai.
    #[serde(default)]
    pub ministry_th: String,
    /// Ministry, English.
    #[serde(default)]
    pub ministry_en: String,
}

/// Creates an agency (admins).
#[utoipa::path(
    post, path = "/api/v1/agencies", tag = "admin",
    request_body = NewAgencyRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = AgencyView),
        crate::openapi::ValidationFailed,
    )
)]
pub async fn create_agency(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<NewAgencyRequest>,
) -> ApiResult<(StatusCode, Json<AgencyView>)> {
    let by = Administrator::of(&caller.0)?;
    let names = body.names()?;
    let agency = agencies::create(state.store.as_ref(), &by, &names).await?;
    Ok((StatusCode::CREATED, Json(agency.into())))
}

impl NewAgencyRequest {
    /// The four names checked together (422 with every problem).
    fn names(&self) -> ApiResult<AgencyNames> {
        AgencyNames::parse(
            &self.name_th,
            &self.name_en,
            &self.ministry_th,
            &self.ministry_en,
        )
        .map_err(ApiError::Validation)
    }
}

/// Corrects the four names of an agency (admins): the e-Service list and search show the
/// new names at once. Approving step 4 with `update_agency` is the other way an agency's
/// names change.
#[utoipa::path(
    put, path = "/api/v1/agencies/{id}", tag = "admin",
    params(("id" = Uuid, Path, description = "agency id")),
    request_body = NewAgencyRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The agency with its new names", body = AgencyView),
        crate::openapi::ValidationFailed,
    )
)]
pub async fn update_agency(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<AgencyId>,
    Json(body): Json<NewAgencyRequest>,
) -> ApiResult<Json<AgencyView>> {
    let by = Administrator::of(&caller.0)?;
    let names = body.names()?;
    let agency = agencies::update(state.store.as_ref(), &by, id, &names)
        .await
        .map_err(|e| match e {
            AppError::Store(StoreError::NotFound) => ApiError::not_found("agency"),
            other => other.into(),
        })?;
    Ok(Json(agency.into()))
}

/// `POST /users` body. The role is read as text so that an unknown one is a field problem
/// (422) like the others.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct NewUserBody {
    /// E-mail address (the welcome e-mail with the initial credentials goes there).
    #[serde(default)]
    pub email: String,
    /// Name shown in the portal.
    #[serde(default)]
    pub display_name: String,
    /// `agency`, `reviewer` or `admin`.
    #[serde(default)]
    #[schema(schema_with = crate::views::role_schema)]
    pub role: String,
    /// The agency (required for, and only for, the agency role).
    #[serde(default)]
    #[schema(value_type = Option<Uuid>)]
    pub agency_id: Option<AgencyId>,
}

/// The created account and its initial credentials (shown once; also e-mailed).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedUser {
    /// The account (`must_change_credentials` is true).
    pub user: UserView,
    /// The generated username.
    pub initial_username: String,
    /// The generated password.
    pub initial_password: String,
}

/// Creates a user account (admins). The initial credentials are in the answer and in the
/// welcome e-mail.
#[utoipa::path(
    post, path = "/api/v1/users", tag = "admin",
    request_body = NewUserBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = CreatedUser),
        crate::openapi::NoSuchAgency,
        crate::openapi::ValidationFailed,
    )
)]
pub async fn post_user(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<NewUserBody>,
) -> ApiResult<(StatusCode, Json<CreatedUser>)> {
    caller.require_admin("create user accounts")?;
    let account = NewAccount::parse(&body.email, &body.display_name, &body.role, body.agency_id)
        .map_err(ApiError::Validation)?;
    let created = accounts::create_account(
        state.store.as_ref(),
        account,
        &state.config.mail,
        state.now(),
    )
    .await
    .map_err(|e| match e {
        AppError::Store(StoreError::NotFound) => ApiError::not_found("agency"),
        other => other.into(),
    })?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedUser {
            user: UserView::from(&created.user),
            initial_username: created.initial_username,
            initial_password: created.initial_password,
        }),
    ))
}

/// Query of `GET /users`. Values are parsed here so that a wrong one is a clear 400.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserParams {
    /// Contained in the username, the display name or the e-mail address (ASCII letters in
    /// any case; Thai too).
    pub q: Option<String>,
    /// `agency`, `reviewer` or `admin`.
    pub role: Option<String>,
    /// Agency id.
    pub agency_id: Option<String>,
    /// Page, from 1 (default 1).
    pub page: Option<String>,
    /// Page size, 1 to 100 (default 20); more is 400.
    pub per_page: Option<String>,
}

impl UserParams {
    fn to_query(&self) -> ApiResult<UserQuery> {
        let (page, per_page) = paging(&self.page, &self.per_page)?;
        Ok(UserQuery {
            q: search_text(&self.q),
            role: parse_opt::<Role>("role", &self.role)?,
            agency_id: parse_opt::<AgencyId>("agency_id", &self.agency_id)?,
            page,
            per_page,
        })
    }
}

/// A page of accounts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserPageView {
    /// This page's accounts (never a password or its hash).
    pub items: Vec<UserView>,
    /// Accounts over all pages.
    pub total: u64,
    /// This page, from 1.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
}

impl From<Page<User>> for UserPageView {
    fn from(p: Page<User>) -> Self {
        UserPageView {
            items: p.items.iter().map(UserView::from).collect(),
            total: p.total,
            page: p.page,
            per_page: p.per_page,
        }
    }
}

/// The accounts (admins), by username, disabled ones included, filtered and paged.
#[utoipa::path(
    get, path = "/api/v1/users", tag = "admin",
    params(UserParams),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of accounts", body = UserPageView))
)]
pub async fn list_users(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<UserParams>,
) -> ApiResult<Json<UserPageView>> {
    let by = Administrator::of(&caller.0)?;
    let query = params.to_query()?;
    let page = accounts::list_users(state.store.as_ref(), &by, &query).await?;
    Ok(Json(page.into()))
}

/// A 404 that names accounts for a flow's `NotFound`.
fn no_such_user(e: AppError) -> ApiError {
    match e {
        AppError::Store(StoreError::NotFound) => ApiError::not_found("user"),
        other => other.into(),
    }
}

/// Resets an account's credentials (admins): a new initial password, in this answer once
/// and e-mailed to the account; the username stays; the account does the first login again
/// and every session of it ends.
#[utoipa::path(
    post, path = "/api/v1/users/{id}/reset-credentials", tag = "admin",
    params(("id" = Uuid, Path, description = "user id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Reset; the initial credentials are shown this once", body = CreatedUser),
    )
)]
pub async fn reset_credentials(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<UserId>,
) -> ApiResult<Json<CreatedUser>> {
    let by = Administrator::of(&caller.0)?;
    let reset = accounts::reset_credentials(
        state.store.as_ref(),
        &by,
        id,
        &state.config.mail,
        state.now(),
    )
    .await
    .map_err(no_such_user)?;
    Ok(Json(CreatedUser {
        user: UserView::from(&reset.user),
        initial_username: reset.initial_username,
        initial_password: reset.initial_password,
    }))
}

/// Disables an account (admins): it can no longer log in (401 `invalid_credentials`, as
/// for a wrong password) and every session of it ends. 409 `invalid_transition` for the
/// last enabled admin.
#[utoipa::path(
    post, path = "/api/v1/users/{id}/disable", tag = "admin",
    params(("id" = Uuid, Path, description = "user id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Disabled (also when it already was)", body = UserView),
        (status = 409, description = "`invalid_transition`: the last enabled admin", body = crate::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn disable_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<UserId>,
) -> ApiResult<Json<UserView>> {
    let by = Administrator::of(&caller.0)?;
    let user = accounts::disable_user(state.store.as_ref(), &by, id, state.now())
        .await
        .map_err(no_such_user)?;
    Ok(Json(UserView::from(&user)))
}

/// Enables an account again (admins): it logs in with its current password.
#[utoipa::path(
    post, path = "/api/v1/users/{id}/enable", tag = "admin",
    params(("id" = Uuid, Path, description = "user id")),
    security(("bearer" = [])),
    responses((status = 200, description = "Enabled (also when it already was)", body = UserView))
)]
pub async fn enable_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<UserId>,
) -> ApiResult<Json<UserView>> {
    let by = Administrator::of(&caller.0)?;
    let user = accounts::enable_user(state.store.as_ref(), &by, id)
        .await
        .map_err(no_such_user)?;
    Ok(Json(UserView::from(&user)))
}
