//! Sessions: login with throttling, the first login of manual §1, logout, `GET /me`, the
//! password change (`POST /me/password`), and the extractors that identify the caller.

use crate::extract::Json;
use crate::problem::{ApiError, ApiResult};
use crate::views::UserView;
use crate::AppState;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use chrono::{DateTime, Utc};
use onboard_app::accounts;
use onboard_store::password::token_hash;
use onboard_store::User;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The caller behind the bearer token, whatever the state of their first login. Only the
/// first login, logout and `GET /me` accept callers who still must change credentials.
#[derive(Debug, Clone)]
pub struct SessionCaller {
    /// The user.
    pub user: User,
    /// Hash of the bearer token (to revoke it).
    pub token_hash: String,
}

/// A caller who has finished the first login: what every other endpoint requires
/// (403 `credentials_change_required` otherwise).
#[derive(Debug, Clone)]
pub struct Caller(pub User);

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

impl FromRequestParts<AppState> for SessionCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let token = bearer(parts).ok_or(ApiError::Unauthenticated)?;
        let hash = token_hash(token);
        let (_, user) = state
            .store
            .session(&hash, state.now())
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        Ok(SessionCaller {
            user,
            token_hash: hash,
        })
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let session = SessionCaller::from_request_parts(parts, state).await?;
        if session.user.must_change_credentials {
            return Err(ApiError::CredentialsChangeRequired);
        }
        Ok(Caller(session.user))
    }
}

impl Caller {
    /// 403 unless the caller is a reviewer or an admin.
    pub fn require_staff(&self, what: &str) -> ApiResult<()> {
        if self.0.role.is_staff() {
            Ok(())
        } else {
            Err(ApiError::forbidden(what))
        }
    }

    /// 403 unless the caller is an admin.
    pub fn require_admin(&self, what: &str) -> ApiResult<()> {
        if self.0.role == onboard_core::reference::Role::Admin {
            Ok(())
        } else {
            Err(ApiError::forbidden(what))
        }
    }
}

/// `POST /auth/login` body.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct LoginRequest {
    /// Username (case-insensitive).
    #[serde(default)]
    pub username: String,
    /// Password.
    #[serde(default)]
    pub password: String,
}

/// `POST /auth/login` answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LoginResponse {
    /// Bearer token for `Authorization: Bearer <token>`.
    pub token: String,
    /// When the token expires.
    pub expires_at: DateTime<Utc>,
    /// The user (check `must_change_credentials`).
    pub user: UserView,
}

/// Logs in. The same 401 for an unknown user, a wrong password and a disabled account;
/// 429 after 5 failures for one username within 15 minutes, however many attempts are
/// sent at once (the store checks and counts each attempt in one atomic step).
#[utoipa::path(
    post, path = "/api/v1/auth/login", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = LoginResponse),
        (status = 401, description = "`invalid_credentials`", body = crate::Problem, content_type = "application/problem+json"),
        (status = 429, description = "`too_many_attempts`; see `Retry-After`", body = crate::Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "seconds to wait"))),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    Json(body): Json<LoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    let ttl = chrono::Duration::from_std(state.config.session_ttl)
        .map_err(|e| ApiError::Internal(format!("session ttl: {e}").into()))?;
    let done = state.login(&body.username, &body.password, ttl).await?;
    Ok(Json(LoginResponse {
        token: done.token,
        expires_at: done.expires_at,
        user: UserView::from(&done.user),
    }))
}

/// `POST /auth/first-login` body (manual §1).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct FirstLoginRequest {
    /// The new username: 3 to 32 of `a-z A-Z 0-9 _ .`, unique case-insensitively.
    #[serde(default)]
    pub username: String,
    /// The new password.
    #[serde(default)]
    pub password: String,
    /// The new password again.
    #[serde(default)]
    pub password_confirmation: String,
}

/// `{user}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserResponse {
    /// The user.
    pub user: UserView,
}

/// Chooses the new username and password of the first login; every broken rule is
/// reported at once (422). The session stays valid.
#[utoipa::path(
    post, path = "/api/v1/auth/first-login", tag = "auth",
    request_body = FirstLoginRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Credentials changed", body = UserResponse),
        (status = 409, description = "`invalid_transition`: the first login is already done", body = crate::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`, one issue per broken rule", body = crate::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn first_login(
    State(state): State<AppState>,
    caller: SessionCaller,
    Json(body): Json<FirstLoginRequest>,
) -> ApiResult<Json<UserResponse>> {
    let updated = accounts::first_login(
        state.store.as_ref(),
        &caller.user,
        &body.username,
        &body.password,
        &body.password_confirmation,
    )
    .await?;
    Ok(Json(UserResponse {
        user: UserView::from(&updated),
    }))
}

/// Revokes the caller's token.
#[utoipa::path(
    post, path = "/api/v1/auth/logout", tag = "auth",
    security(("bearer" = [])),
    responses((status = 204, description = "Logged out"))
)]
pub async fn logout(State(state): State<AppState>, caller: SessionCaller) -> ApiResult<StatusCode> {
    state
        .store
        .revoke_session(&caller.token_hash, state.now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /me/password` body. No `Debug`: it holds passwords.
#[derive(Clone, Default, Deserialize, ToSchema)]
pub struct ChangePasswordRequest {
    /// The account's current password.
    #[serde(default)]
    pub current_password: String,
    /// The new password (the rules of the first login).
    #[serde(default)]
    pub password: String,
    /// The new password again.
    #[serde(default)]
    pub password_confirmation: String,
}

/// Changes the caller's password (SPEC §2 rules; the current password must be right).
/// Every other session of the account is revoked; this token stays valid. A typed current
/// password counts as a login attempt of the account: 429 after 5 failures within 15
/// minutes, here and at login.
#[utoipa::path(
    post, path = "/api/v1/me/password", tag = "auth",
    request_body = ChangePasswordRequest,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Password changed; every other session of the account revoked"),
        (status = 422, description = "`validation_failed`, one issue per broken rule (`current_password` when it is wrong)", body = crate::Problem, content_type = "application/problem+json"),
        (status = 429, description = "`too_many_attempts`: too many wrong passwords for this account; see `Retry-After`", body = crate::Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "seconds to wait"))),
    )
)]
pub async fn change_password(
    State(state): State<AppState>,
    caller: SessionCaller,
    Json(body): Json<ChangePasswordRequest>,
) -> ApiResult<StatusCode> {
    accounts::change_password(
        state.store.as_ref(),
        &caller.user,
        &caller.token_hash,
        &body.current_password,
        &body.password,
        &body.password_confirmation,
        state.now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's account.
#[utoipa::path(
    get, path = "/api/v1/me", tag = "auth",
    security(("bearer" = [])),
    responses((status = 200, description = "The caller", body = UserView))
)]
pub async fn me(caller: SessionCaller) -> Json<UserView> {
    Json(UserView::from(&caller.user))
}
