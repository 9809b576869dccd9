//! Sessions in cookies, and the CSRF tokens of the forms.

use super::*;

// ---------------------------------------------------------------------------------------
// Sessions, cookies and CSRF

pub(super) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
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
pub(super) fn is_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

pub(super) fn set_cookie(
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
pub(super) fn csrf_of(session_token: &str) -> String {
    let digest = Sha256::digest(format!("onboard-csrf:{session_token}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A signed-in caller, whatever the state of the first login (the first-login page).
pub(super) struct SignedIn(pub(super) Session);

/// A signed-in caller who has done the first login (every other page).
pub(super) struct Ready(pub(super) Session);

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
pub(super) struct Session {
    pub(super) user: User,
    pub(super) token: String,
}

impl Session {
    pub(super) async fn of(state: &AppState, headers: &HeaderMap) -> Result<Session, Response> {
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
    pub(super) async fn ready(state: &AppState, headers: &HeaderMap) -> Result<Session, Response> {
        let session = Session::of(state, headers).await?;
        if session.user.must_change_credentials {
            return Err(Redirect::to("/first-login").into_response());
        }
        Ok(session)
    }

    pub(super) fn layout(&self, section: &'static str) -> Layout {
        Layout {
            user: Some(self.user.display_name.clone()),
            csrf: csrf_of(&self.token),
            section,
            menu: !self.user.must_change_credentials,
            staff: self.user.role.is_staff(),
            admin: onboard_app::accounts::Administrator::of(&self.user).is_ok(),
        }
    }

    /// Whether a form carries this session's CSRF token.
    pub(super) fn csrf_ok(&self, sent: &str) -> bool {
        sent == csrf_of(&self.token)
    }
}

pub(super) fn csrf_refused() -> Response {
    page_error_with(
        StatusCode::FORBIDDEN,
        "แบบฟอร์มหมดอายุ",
        "แบบฟอร์มนี้หมดอายุหรือไม่ได้ส่งมาจากระบบนี้ กรุณากลับไปที่หน้าเดิม โหลดหน้าใหม่ แล้วส่งอีกครั้ง",
    )
}
