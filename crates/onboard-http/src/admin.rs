//! Agencies and user accounts (admins; reviewers may list agencies).

use crate::auth::{blocking, Caller};
use crate::extract::Json;
use crate::problem::{ApiError, ApiResult};
use crate::views::{AgencyView, UserView};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use onboard_core::account::{check_password, suggest_username, NewAccount};
use onboard_core::notify::{account_created, MailConfig};
use onboard_core::reference::Role;
use onboard_core::workflow::AgencyNames;
use onboard_store::password::{hash_password, initial_password};
use onboard_store::{NewAgency, NewUser, Store, StoreError};
use rand::Rng;
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

/// A new account, as `POST /users` and `onboard user create` ask for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUserRequest {
    /// E-mail address (the welcome e-mail with the initial credentials goes there).
    pub email: String,
    /// Name shown in the portal.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// The agency (required for, and only for, the agency role).
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

/// Tries at a free generated username before giving up.
const USERNAME_TRIES: usize = 8;

/// Creates an account with a generated username and a random password, and queues the
/// welcome e-mail with them in the same transaction (SPEC §2, manual §1). The one
/// implementation behind `POST /users` and `onboard user create`.
///
/// Authorization is the caller's: the HTTP handler requires an admin; the CLI has the
/// database itself. The e-mail links to `mail`'s portal and carries its signature; `now` is
/// the creation time.
pub async fn create_user(
    store: &dyn Store,
    request: NewUserRequest,
    mail: &MailConfig,
    now: DateTime<Utc>,
) -> Result<CreatedUser, ApiError> {
    let account = NewAccount::parse(
        &request.email,
        &request.display_name,
        request.role.as_str(),
        request.agency_id,
    )
    .map_err(ApiError::Validation)?;
    create_account(store, account, mail, now).await
}

async fn create_account(
    store: &dyn Store,
    account: NewAccount,
    mail: &MailConfig,
    now: DateTime<Utc>,
) -> Result<CreatedUser, ApiError> {
    let NewAccount {
        email,
        display_name,
        role,
        agency_id,
    } = account;
    let email = email.as_str().to_owned();
    for _ in 0..USERNAME_TRIES {
        let username = suggest_username(&email, rand::thread_rng().gen_range(0..10_000));
        let password = loop {
            let p = initial_password();
            if check_password(&p, &username).is_ok() {
                break p;
            }
        };
        let to_hash = password.clone();
        let password_hash = blocking(move || hash_password(&to_hash)).await??;
        // The store sends the welcome notice to the new account's own address, greeting it
        // by its display name, so the audience id (not known before the insert) does not
        // matter.
        let welcome = account_created(Uuid::nil(), &username, &password, mail);
        let new = NewUser {
            username: username.clone(),
            email: email.clone(),
            display_name: display_name.clone(),
            role,
            agency_id,
            password_hash,
            created_at: now,
        };
        match store.create_user(new, welcome).await {
            Ok(user) => {
                tracing::info!(user = %user.id, role = %role, "user created");
                return Ok(CreatedUser {
                    user: UserView::from(&user),
                    initial_username: username,
                    initial_password: password,
                });
            }
            Err(StoreError::Duplicate(_)) => continue,
            Err(StoreError::NotFound) => return Err(ApiError::not_found("agency")),
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::Conflict(
        "could not find a free username; try again".into(),
    ))
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
    let created = create_account(
        state.store.as_ref(),
        account,
        &state.config.mail,
        state.now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(created)))
}
