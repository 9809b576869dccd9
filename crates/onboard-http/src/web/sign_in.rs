//! Login, the first login of manual §1, and logout.

use super::*;

// ---------------------------------------------------------------------------------------
// Login, first login, logout

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
pub(super) struct LoginPage {
    layout: Layout,
    errors: Errors,
    username: String,
    notice: Option<String>,
}

/// The login form, with a fresh double-submit CSRF cookie.
pub(super) fn login_form(
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
            menu: false,
            staff: false,
            admin: false,
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

pub(super) async fn login_page(headers: HeaderMap) -> Response {
    login_form(
        &headers,
        StatusCode::OK,
        String::new(),
        Errors::default(),
        None,
    )
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

pub(super) async fn login_submit(
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
        errors.push(FieldMessage::new("username", "กรุณากรอกชื่อผู้ใช้งาน"));
    }
    if form.password.is_empty() {
        errors.push(FieldMessage::new("password", "กรุณากรอกรหัสผ่าน"));
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
    match state.login(&form.username, &form.password, ttl).await {
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
pub(super) struct FirstLoginPage {
    layout: Layout,
    errors: Errors,
    username: String,
}

pub(super) async fn first_login_page(SignedIn(session): SignedIn) -> Response {
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
pub(super) struct FirstLoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirmation: String,
}

pub(super) async fn first_login_submit(
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
pub(super) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub(super) async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(session): SignedIn,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !session.csrf_ok(&form.csrf) {
        return csrf_refused();
    }
    if let Err(e) = accounts::logout(state.store.as_ref(), &session.token, state.now()).await {
        return failure(&e);
    }
    (
        [set_cookie(SESSION_COOKIE, "", 0, &headers)],
        Redirect::to("/login"),
    )
        .into_response()
}
