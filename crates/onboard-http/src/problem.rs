//! Errors as `application/problem+json` (RFC 9457) with the SPEC §10 codes.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use onboard_app::AppError;
use onboard_core::file::FilePurpose;
use onboard_core::validation::{Code, Issue, Path, Report};
use onboard_core::workflow::CommandError;
use onboard_store::StoreError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The media type of every error answer.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// `urn:onboard:problem:<code>`.
    #[serde(rename = "type")]
    pub type_: String,
    /// Short summary of the problem kind.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong in this request.
    pub detail: String,
    /// The same in Thai, worded for an officer (the portal shows it).
    pub detail_th: String,
    /// The SPEC §10 code, e.g. `validation_failed`.
    pub code: String,
    /// Every field problem (`validation_failed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<crate::views::IssueView>>)]
    pub errors: Option<Vec<Issue>>,
    /// Advice that did not block (`validation_failed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<crate::views::IssueView>>)]
    pub warnings: Option<Vec<Issue>>,
}

/// Why a request failed; each variant is one SPEC §10 status and code.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400 `bad_request`: malformed JSON, wrong types, unknown slugs, bad ids or headers.
    #[error("{0}")]
    BadRequest(String),
    /// 401 `unauthenticated`: no token, or an unknown, expired or revoked one.
    #[error("a valid bearer token is required")]
    Unauthenticated,
    /// 401 `invalid_credentials`: wrong username or password (the same for both).
    #[error("the username or password is not correct")]
    InvalidCredentials,
    /// 403 `forbidden`: the caller's role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// 403 `credentials_change_required`: the first login is not done.
    #[error("choose a new username and password first (POST /api/v1/auth/first-login)")]
    CredentialsChangeRequired,
    /// 404 `not_found`: no such thing, or not the caller's.
    #[error("{0}")]
    NotFound(String),
    /// 405 `method_not_allowed`.
    #[error("this method is not allowed on this path")]
    MethodNotAllowed,
    /// 408 `request_timeout`: the request took longer than the server allows.
    #[error("the request took too long")]
    Timeout,
    /// 409 `invalid_transition`: not allowed in the current state.
    #[error("{detail}")]
    InvalidTransition {
        /// In English.
        detail: String,
        /// In Thai.
        detail_th: String,
    },
    /// 409 `conflict`: a unique value is taken (the store's `Duplicate`).
    #[error("{0}")]
    Conflict(String),
    /// 412 `version_conflict`: `If-Match` is not the current version.
    #[error("version conflict: expected {expected}, current {current}")]
    VersionConflict {
        /// What the caller sent.
        expected: u64,
        /// The current version.
        current: u64,
    },
    /// 413 `payload_too_large`: the body, or an uploaded file of this purpose, is too large.
    #[error("{}", too_large_en(*.0))]
    PayloadTooLarge(Option<FilePurpose>),
    /// 422 `validation_failed` with every field problem.
    #[error("validation failed: {}", summary(.0))]
    Validation(Report),
    /// 429 `too_many_attempts`, with `Retry-After` in seconds.
    #[error("too many failed logins; try again in {retry_after} s")]
    TooManyAttempts {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// 500 `internal`: logged with its cause; the body says nothing more.
    #[error("internal error")]
    Internal(#[source] onboard_store::BoxError),
    /// 503 `unavailable`: the database does not answer.
    #[error("the service is unavailable")]
    Unavailable,
}

impl ApiError {
    /// A 404 for something the caller cannot see.
    pub fn not_found(what: &str) -> Self {
        ApiError::NotFound(format!("no such {what}, or not yours"))
    }

    /// A 403 for a role that may not do `what`.
    pub fn forbidden(what: &str) -> Self {
        ApiError::Forbidden(format!("your role may not {what}"))
    }

    /// A 422 with one issue on `field`.
    pub fn invalid(field: &str, code: Code) -> Self {
        let mut report = Report::new();
        report.add(&Path::root().key(field), code);
        ApiError::Validation(report)
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthenticated | ApiError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::CredentialsChangeRequired => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Timeout => StatusCode::REQUEST_TIMEOUT,
            ApiError::InvalidTransition { .. } | ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::VersionConflict { .. } => StatusCode::PRECONDITION_FAILED,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The SPEC §10 code (plus `conflict`, `method_not_allowed`, `request_timeout`,
    /// `internal` and `unavailable`, which the SPEC table does not name).
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Unauthenticated => "unauthenticated",
            ApiError::InvalidCredentials => "invalid_credentials",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::CredentialsChangeRequired => "credentials_change_required",
            ApiError::NotFound(_) => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::Timeout => "request_timeout",
            ApiError::InvalidTransition { .. } => "invalid_transition",
            ApiError::Conflict(_) => "conflict",
            ApiError::VersionConflict { .. } => "version_conflict",
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::Validation(_) => "validation_failed",
            ApiError::TooManyAttempts { .. } => "too_many_attempts",
            ApiError::Internal(_) => "internal",
            ApiError::Unavailable => "unavailable",
        }
    }

    /// What went wrong, in Thai an officer can act on.
    pub fn detail_th(&self) -> String {
        match self {
            ApiError::BadRequest(en) => {
                format!("คำขอมีรูปแบบไม่ถูกต้อง กรุณาตรวจสอบข้อมูลแล้วส่งใหม่ ({en})")
            }
            ApiError::Unauthenticated => {
                "กรุณาเข้าสู่ระบบ (ไม่พบการเข้าสู่ระบบ หรือหมดเวลาการใช้งานแล้ว)".to_owned()
            }
            ApiError::InvalidCredentials => {
                "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง กรุณาตรวจสอบแล้วลองใหม่อีกครั้ง".to_owned()
            }
            ApiError::Forbidden(_) => "บัญชีของคุณไม่มีสิทธิ์ทำรายการนี้".to_owned(),
            ApiError::CredentialsChangeRequired => {
                "กรุณาตั้งชื่อผู้ใช้และรหัสผ่านใหม่ก่อนเริ่มใช้งาน (การเข้าสู่ระบบครั้งแรก)".to_owned()
            }
            ApiError::NotFound(_) => "ไม่พบข้อมูลที่ต้องการ หรือข้อมูลนี้ไม่ได้อยู่ในหน่วยงานของคุณ".to_owned(),
            ApiError::MethodNotAllowed => "ไม่รองรับการทำรายการแบบนี้ที่ที่อยู่นี้".to_owned(),
            ApiError::Timeout => "การทำรายการใช้เวลานานเกินไป กรุณาลองใหม่อีกครั้ง".to_owned(),
            ApiError::InvalidTransition { detail_th, .. } => detail_th.clone(),
            ApiError::Conflict(_) => "ข้อมูลนี้มีอยู่ในระบบแล้ว กรุณาใช้ค่าอื่น".to_owned(),
            ApiError::VersionConflict { .. } => CommandError::VersionConflict {
                expected: 0,
                current: 0,
            }
            .detail_th(),
            ApiError::PayloadTooLarge(purpose) => too_large_th(*purpose),
            ApiError::Validation(report) => CommandError::Invalid(report.clone()).detail_th(),
            ApiError::TooManyAttempts { retry_after } => format!(
                "เข้าสู่ระบบไม่สำเร็จหลายครั้งเกินไป กรุณารอประมาณ {} นาทีแล้วลองใหม่",
                retry_after.div_ceil(60).max(1)
            ),
            ApiError::Internal(_) => {
                "ระบบขัดข้องชั่วคราว กรุณาลองใหม่อีกครั้ง หากยังพบปัญหาโปรดติดต่อ สพร.".to_owned()
            }
            ApiError::Unavailable => "ระบบไม่พร้อมให้บริการชั่วคราว กรุณาลองใหม่ภายหลัง".to_owned(),
        }
    }

    /// The problem body of this error.
    pub fn problem(&self) -> Problem {
        let status = self.status();
        let (errors, warnings) = match self {
            ApiError::Validation(report) => {
                (Some(report.errors.clone()), Some(report.warnings.clone()))
            }
            _ => (None, None),
        };
        let detail = match self {
            ApiError::Validation(r) => format!("{} field problem(s)", r.errors.len()),
            other => other.to_string(),
        };
        Problem {
            type_: format!("urn:onboard:problem:{}", self.code()),
            title: title(status),
            status: status.as_u16(),
            detail,
            detail_th: self.detail_th(),
            code: self.code().to_owned(),
            errors,
            warnings,
        }
    }
}

/// Sizes in whole MiB, as the upload buttons state them.
fn max_mib(purpose: FilePurpose) -> u64 {
    purpose.max_size() / (1024 * 1024)
}

fn too_large_en(purpose: Option<FilePurpose>) -> String {
    match purpose {
        None => "the request body is too large".to_owned(),
        Some(p) => format!(
            "a file for `{}` may be at most {} MiB",
            p.as_str(),
            max_mib(p)
        ),
    }
}

fn too_large_th(purpose: Option<FilePurpose>) -> String {
    match purpose {
        None => "ข้อมูลที่ส่งมามีขนาดใหญ่เกินกำหนด".to_owned(),
        Some(p) => {
            let what = match p {
                FilePurpose::Icon => "ไฟล์ไอคอน",
                FilePurpose::Screenshot => "ไฟล์ภาพหน้าจอ",
                FilePurpose::TestResult => "ไฟล์ผลการทดสอบ",
                FilePurpose::AssignmentLetter => "ไฟล์หนังสือมอบหมาย",
                FilePurpose::Template => "ไฟล์เทมเพลต",
            };
            format!("{what}ต้องมีขนาดไม่เกิน {} MB", max_mib(p))
        }
    }
}

/// `field (code), ...` of a report's errors, for messages outside a problem body.
fn summary(report: &Report) -> String {
    report
        .errors
        .iter()
        .map(|i| format!("{} ({})", i.field, i.code))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The reason phrase of a status, as the problem title.
fn title(status: StatusCode) -> String {
    status.canonical_reason().unwrap_or("Error").to_owned()
}

/// A problem answer for a bare status (used for answers produced outside the handlers:
/// unknown methods, body limits, timeouts).
pub(crate) fn for_status(status: StatusCode) -> ApiError {
    match status {
        StatusCode::BAD_REQUEST => ApiError::BadRequest("the request is malformed".into()),
        StatusCode::UNAUTHORIZED => ApiError::Unauthenticated,
        StatusCode::FORBIDDEN => ApiError::Forbidden("not allowed".into()),
        StatusCode::NOT_FOUND => ApiError::NotFound("no such resource".into()),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
        StatusCode::REQUEST_TIMEOUT => ApiError::Timeout,
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge(None),
        StatusCode::SERVICE_UNAVAILABLE => ApiError::Unavailable,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ApiError::BadRequest("unsupported content type".into())
        }
        _ if status.is_client_error() => ApiError::BadRequest(title(status).to_lowercase()),
        _ => ApiError::Internal(format!("status {status}").into()),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(cause) = &self {
            // The body stays generic; the cause goes to the log only, with its sources.
            tracing::error!(error = %onboard_store::error_chain(cause.as_ref()), "internal error");
        }
        let status = self.status();
        #[allow(clippy::expect_used)] // strings, numbers and lists of issues only
        let body = serde_json::to_vec(&self.problem()).expect("a problem serializes to JSON");
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let ApiError::TooManyAttempts { retry_after } = self {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        response
    }
}

impl From<CommandError> for ApiError {
    /// By variant and exhaustively, so a new kind of rejection in core does not compile
    /// until it has its answer here.
    fn from(e: CommandError) -> Self {
        let message = e.to_string();
        match e {
            CommandError::NotFound => {
                ApiError::NotFound("no such e-Service or attempt, or not yours".into())
            }
            CommandError::Forbidden { .. } => ApiError::Forbidden(message),
            CommandError::InvalidTransition { .. } => ApiError::InvalidTransition {
                detail_th: e.detail_th(),
                detail: message,
            },
            CommandError::VersionConflict { expected, current } => {
                ApiError::VersionConflict { expected, current }
            }
            CommandError::Malformed(_) => ApiError::BadRequest(message),
            CommandError::Invalid(report) => ApiError::Validation(report),
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Store(e) => e.into(),
            AppError::Invalid(report) => ApiError::Validation(report),
            AppError::InvalidCredentials => ApiError::InvalidCredentials,
            AppError::TooManyAttempts { retry_after } => ApiError::TooManyAttempts { retry_after },
            AppError::FirstLoginDone => ApiError::InvalidTransition {
                detail: "the first login is already done".into(),
                detail_th: "คุณตั้งชื่อผู้ใช้และรหัสผ่านใหม่ไปแล้ว ใช้ชื่อผู้ใช้และรหัสผ่านใหม่ในการเข้าสู่ระบบ".into(),
            },
            AppError::FirstLoginRequired => ApiError::CredentialsChangeRequired,
            AppError::Forbidden(what) => ApiError::forbidden(what),
            AppError::NoFreeUsername => ApiError::Conflict(e.to_string()),
            AppError::Task(e) => ApiError::Internal(Box::new(e)),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Command(c) => c.into(),
            StoreError::NotFound => ApiError::not_found("record"),
            StoreError::Duplicate(what) => ApiError::Conflict(format!("{what} already exists")),
            StoreError::LastAdmin => ApiError::InvalidTransition {
                detail: "the last enabled admin cannot be disabled; enable or create another admin first".into(),
                detail_th: LAST_ADMIN_TH.into(),
            },
            StoreError::NotFailed(refused) => ApiError::InvalidTransition {
                detail: refused.to_string(),
                detail_th: refused.detail_th(),
            },
            e @ (StoreError::Unsupported(_) | StoreError::Backend(_)) => {
                ApiError::Internal(Box::new(e))
            }
        }
    }
}

/// Why the last enabled admin stays enabled, in Thai (the API's `detail_th` and the portal's
/// message).
pub const LAST_ADMIN_TH: &str = "ไม่สามารถปิดการใช้งานบัญชีนี้ได้ เพราะเป็นผู้ดูแลระบบคนสุดท้ายที่ยังใช้งานได้ กรุณาสร้างหรือเปิดการใช้งานบัญชีผู้ดูแลระบบอื่นก่อน";

/// Result of handlers.
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use onboard_core::reference::{Step, StepStatus};

    #[test]
    fn command_errors_keep_core_codes_and_statuses() {
        let cases = [
            CommandError::NotFound,
            CommandError::Forbidden {
                role: onboard_core::reference::Role::Reviewer,
                command: onboard_core::reference::CommandKind::Submit,
            },
            CommandError::InvalidTransition {
                command: onboard_core::reference::CommandKind::Approve,
                step: Step::Credential,
                status: StepStatus::InProgress,
            },
            CommandError::VersionConflict {
                expected: 1,
                current: 2,
            },
            CommandError::Malformed("x".into()),
            CommandError::Invalid(Report::new()),
        ];
        // SPEC §10's table: code and status of each.
        let statuses = [404, 403, 409, 412, 400, 422];
        for (e, status) in cases.into_iter().zip(statuses) {
            let code = e.code();
            let api = ApiError::from(e);
            assert_eq!(api.code(), code);
            assert_eq!(api.status().as_u16(), status, "{code}");
        }
    }

    #[test]
    fn too_large_files_are_named_in_thai_with_their_limit() {
        let p = ApiError::PayloadTooLarge(Some(FilePurpose::Icon)).problem();
        assert_eq!(p.detail_th, "ไฟล์ไอคอนต้องมีขนาดไม่เกิน 2 MB");
        assert_eq!(p.detail, "a file for `icon` may be at most 2 MiB");
        let p = ApiError::PayloadTooLarge(Some(FilePurpose::TestResult)).problem();
        assert_eq!(p.detail_th, "ไฟล์ผลการทดสอบต้องมีขนาดไม่เกิน 20 MB");
    }

    #[test]
    fn every_problem_has_thai_detail() {
        let thai = |s: &str| s.chars().any(|c| ('\u{0E01}'..='\u{0E5B}').contains(&c));
        for e in [
            ApiError::BadRequest("x".into()),
            ApiError::Unauthenticated,
            ApiError::InvalidCredentials,
            ApiError::Forbidden("x".into()),
            ApiError::CredentialsChangeRequired,
            ApiError::NotFound("x".into()),
            ApiError::MethodNotAllowed,
            ApiError::Timeout,
            ApiError::Conflict("x".into()),
            ApiError::VersionConflict {
                expected: 1,
                current: 2,
            },
            ApiError::PayloadTooLarge(None),
            ApiError::Validation(Report::new()),
            ApiError::TooManyAttempts { retry_after: 61 },
            ApiError::Internal("x".into()),
            ApiError::Unavailable,
        ] {
            let p = e.problem();
            assert!(thai(&p.detail_th), "{}: {}", p.code, p.detail_th);
        }
        assert!(ApiError::TooManyAttempts { retry_after: 61 }
            .detail_th()
            .contains("2 นาที"));
    }

    #[test]
    fn backend_errors_do_not_leak() {
        let cause = std::io::Error::other("secret table xyz");
        let api = ApiError::from(StoreError::caused("reading", cause));
        let problem = api.problem();
        assert_eq!(problem.status, 500);
        assert!(!problem.detail.contains("xyz"));
        // The log has the whole chain.
        let ApiError::Internal(e) = api else {
            panic!("{api:?}")
        };
        assert_eq!(
            onboard_store::error_chain(e.as_ref()),
            "database error: reading: secret table xyz"
        );
    }
}
