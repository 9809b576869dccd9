//! Sessions: login with throttling, the first login of manual §1, logout, `GET /me`, and
//! the extractors that identify the caller.

use crate::extract::Json;
use crate::problem::{ApiError, ApiResult};
use crate::views::UserView;
use crate::AppState;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use chrono::{DateTime, Utc};
use onboard_core::account::{check_first_login, Username};
use onboard_core::validation::{Code, Path, Report};
use onboard_store::password::{hash_password, new_token, token_hash, verify_password};
use onboard_store::{Session, StoreError, User};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;
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

/// Runs CPU-heavy work (Argon2) off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> ApiResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::Internal(format!("blocking task failed: {e}")))
}

/// A valid Argon2id hash of a password nobody knows: verifying against it when the user
/// does not exist costs what a real verification costs, so timing does not tell whether a
/// username exists.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_password(&onboard_store::password::random_string(24)).unwrap_or_default()
    })
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

/// Seconds to wait, rounded up, at least 1.
fn retry_after_secs(wait: chrono::Duration) -> u64 {
    let ms = wait.num_milliseconds().max(0);
    u64::try_from((ms + 999) / 1000).unwrap_or(1).max(1)
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
    let now = state.now();
    // Throttling is keyed by the normalized username: only well-formed names can exist.
    let key = Username::parse(&body.username).ok().map(|u| u.normalized());
    if let Some(key) = &key {
        // Checked and counted as a failure in one store step, before the password is
        // verified: parallel guesses cannot all pass the check before any is counted.
        if let Err(wait) = state.store.begin_login_attempt(key, now).await? {
            return Err(ApiError::TooManyAttempts {
                retry_after: retry_after_secs(wait),
            });
        }
    }
    let user = match &key {
        Some(key) => state.store.user_by_username(key).await?,
        None => None,
    };
    let password = body.password;
    let hash = user
        .as_ref()
        .map_or_else(|| dummy_hash().to_owned(), |u| u.password_hash.clone());
    let matches = blocking(move || verify_password(&password, &hash)).await?;
    let user = match user {
        Some(user) if matches && !user.disabled => user,
        // The attempt is already counted as a failure.
        _ => return Err(ApiError::InvalidCredentials),
    };
    if let Some(key) = &key {
        state.store.clear_login_failures(key).await?;
    }
    let token = new_token();
    let ttl = chrono::Duration::from_std(state.config.session_ttl)
        .map_err(|e| ApiError::Internal(format!("session ttl: {e}")))?;
    let session = Session {
        token_hash: token_hash(&token),
        user_id: user.id,
        created_at: now,
        expires_at: now + ttl,
    };
    let expires_at = session.expires_at;
    state.store.create_session(session).await?;
    tracing::info!(user = %user.id, "login");
    Ok(Json(LoginResponse {
        token,
        expires_at,
        user: UserView::from(&user),
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
    let user = caller.user;
    if !user.must_change_credentials {
        return Err(ApiError::InvalidTransition {
            detail: "the first login is already done".into(),
            detail_th: "คุณตั้งชื่อผู้ใช้และรหัสผ่านใหม่ไปแล้ว ใช้ชื่อผู้ใช้และรหัสผ่านใหม่ในการเข้าสู่ระบบ".into(),
        });
    }
    let current = user.password_hash.clone();
    let checked = blocking(move || {
        check_first_login(
            &body.username,
            &body.password,
            &body.password_confirmation,
            |p| verify_password(p, &current),
        )
    })
    .await?
    .map_err(ApiError::Validation)?;
    let new_password = checked.password;
    let hash = blocking(move || hash_password(new_password.expose())).await??;
    let updated = state
        .store
        .complete_first_login(user.id, checked.username.as_str(), &hash)
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => {
                let mut report = Report::new();
                report.push(onboard_core::fields::issue::<Username>(
                    &Path::root().key("username"),
                    Code::Duplicate.into(),
                ));
                ApiError::Validation(report)
            }
            other => other.into(),
        })?;
    tracing::info!(user = %updated.id, "first login completed");
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
    state.store.revoke_session(&caller.token_hash).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(chrono::Duration::milliseconds(1)), 1);
        assert_eq!(retry_after_secs(chrono::Duration::seconds(900)), 900);
        assert_eq!(retry_after_secs(chrono::Duration::milliseconds(1500)), 2);
        assert_eq!(retry_after_secs(chrono::Duration::zero()), 1);
    }
}
