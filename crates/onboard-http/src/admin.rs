//! Agencies and user accounts (admins; reviewers may list agencies).

use crate::auth::Caller;
use crate::extract::Json;
use crate::problem::{ApiError, ApiResult};
use crate::views::{AgencyView, UserView};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use onboard_app::{accounts, AppError};
use onboard_core::account::NewAccount;
use onboard_core::workflow::AgencyNames;
use onboard_store::{NewAgency, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

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
        (status = 422, description = "`validation_failed`", body = crate::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_agency(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<NewAgencyRequest>,
) -> ApiResult<(StatusCode, Json<AgencyView>)> {
    caller.require_admin("create agencies")?;
    let names = AgencyNames::parse(
        &body.name_th,
        &body.name_en,
        &body.ministry_th,
        &body.ministry_en,
    )
    .map_err(ApiError::Validation)?;
    let agency = state
        .store
        .create_agency(NewAgency {
            name_th: names.name_th,
            name_en: names.name_en,
            ministry_th: names.ministry_th,
            ministry_en: names.ministry_en,
        })
        .await?;
    Ok((StatusCode::CREATED, Json(agency.into())))
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
    pub agency_id: Option<Uuid>,
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
        (status = 404, description = "`not_found`: no such agency", body = crate::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`", body = crate::Problem, content_type = "application/problem+json"),
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
