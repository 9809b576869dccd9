//! Settings (the manual's การตั้งค่า menu): the account's username and e-mail, and the
//! password change.

use super::*;
use onboard_store::password::token_hash;

// ---------------------------------------------------------------------------------------
// Settings: change password

/// Said on the page the change leads back to.
const CHANGED: &str = "เปลี่ยนรหัสผ่านเรียบร้อยแล้ว อุปกรณ์อื่นที่เข้าสู่ระบบด้วยบัญชีนี้ต้องเข้าสู่ระบบใหม่ด้วยรหัสผ่านใหม่";

#[derive(Template, WebTemplate)]
#[template(path = "settings.html")]
pub(super) struct SettingsPage {
    layout: Layout,
    errors: Errors,
    username: String,
    email: String,
    notice: Option<&'static str>,
}

impl SettingsPage {
    /// The page of the signed-in account. Passwords are never written back into the form.
    fn of(session: &Session, errors: Errors, notice: Option<&'static str>) -> SettingsPage {
        SettingsPage {
            layout: session.layout("settings"),
            errors,
            username: session.user.username.clone(),
            email: session.user.email.clone(),
            notice,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct SettingsQuery {
    changed: Option<String>,
}

pub(super) async fn settings_page(
    Ready(session): Ready,
    Query(query): Query<SettingsQuery>,
) -> Response {
    let notice = (query.changed.as_deref() == Some("1")).then_some(CHANGED);
    SettingsPage::of(&session, Errors::default(), notice).into_response()
}

/// The password form. No `Debug`: it holds passwords.
#[derive(Default, Deserialize)]
pub(super) struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirmation: String,
}

pub(super) async fn settings_submit(
    State(state): State<AppState>,
    Ready(session): Ready,
    Form(form): Form<PasswordForm>,
) -> Response {
    if !session.csrf_ok(&form.csrf) {
        return csrf_refused();
    }
    match accounts::change_password(
        state.store.as_ref(),
        &session.user,
        &token_hash(&session.token),
        &form.current_password,
        &form.password,
        &form.password_confirmation,
        state.now(),
    )
    .await
    {
        Ok(()) => Redirect::to("/settings?changed=1").into_response(),
        Err(AppError::Invalid(report)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            SettingsPage::of(&session, Errors::from_report(&report), None),
        )
            .into_response(),
        Err(e @ AppError::TooManyAttempts { .. }) => (
            StatusCode::TOO_MANY_REQUESTS,
            SettingsPage::of(
                &session,
                Errors::one("current_password", crate::ApiError::from(e).detail_th()),
                None,
            ),
        )
            .into_response(),
        Err(AppError::FirstLoginRequired) => Redirect::to("/first-login").into_response(),
        Err(e) => failure(&e),
    }
}
