//! The portal's other screens: dashboard (manual §2), notifications, the release-date
//! calculator and reference data.

use crate::auth::Caller;
use crate::eservices::today;
use crate::extract::{Json, Path, Query};
use crate::problem::{ApiError, ApiResult};
use crate::views::{category_schema, NotificationView};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use onboard_core::id::NotificationId;
use onboard_core::reference::{Category, Step, StepStatus};
use onboard_core::schedule::{today_in_bangkok, try_launch_on};
use onboard_store::{Scope, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Notifications on the dashboard.
const RECENT_NOTIFICATIONS: u32 = 10;
/// Notifications listed by `GET /notifications`.
const NOTIFICATION_LIST: u32 = 100;

/// The dashboard cards of SPEC §7 and the caller's newest notifications.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DashboardView {
    /// งานบริการทั้งหมด.
    pub total: u64,
    /// งานที่รอดำเนินการ: current step `in_progress` or `changes_requested`.
    pub pending_action: u64,
    /// งานที่ยังไม่เปิดใช้งาน: not live.
    pub not_launched: u64,
    /// รอตรวจสอบ: current step `under_review`.
    pub awaiting_review: u64,
    /// กำลังทดสอบ UAT.
    pub testing_uat: u64,
    /// กำลังทดสอบ Pre-production.
    pub testing_preprod: u64,
    /// เปิดให้บริการแล้ว: live.
    pub launched: u64,
    /// % APPROVED, rounded down.
    pub approved_percent: u64,
    /// Staff only: whole days the oldest submission under review has waited; null when none
    /// waits (and for agency officers).
    pub awaiting_review_oldest_days: Option<u64>,
    /// การแจ้งเตือนล่าสุด: the caller's 10 newest notifications.
    pub recent_notifications: Vec<NotificationView>,
}

/// The dashboard: counts over the caller's agency (agency officers) or everything (staff).
#[utoipa::path(
    get, path = "/api/v1/dashboard", tag = "portal",
    security(("bearer" = [])),
    responses((status = 200, description = "Dashboard", body = DashboardView))
)]
pub async fn dashboard(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<DashboardView>> {
    let user = &caller.0;
    let c = state
        .store
        .dashboard(Scope::of(user), today(&state))
        .await?;
    let recent = state
        .store
        .notifications(user.id, RECENT_NOTIFICATIONS)
        .await?;
    Ok(Json(DashboardView {
        total: c.total,
        pending_action: c.pending_action,
        not_launched: c.not_launched,
        awaiting_review: c.awaiting_review,
        testing_uat: c.testing_uat,
        testing_preprod: c.testing_preprod,
        launched: c.launched,
        approved_percent: c.approved_percent,
        awaiting_review_oldest_days: onboard_app::eservices::oldest_waiting_days(
            state.store.as_ref(),
            user,
            state.now(),
        )
        .await?,
        recent_notifications: recent.into_iter().map(Into::into).collect(),
    }))
}

/// The caller's notifications, newest first (at most 100).
#[utoipa::path(
    get, path = "/api/v1/notifications", tag = "portal",
    security(("bearer" = [])),
    responses((status = 200, description = "Notifications", body = Vec<NotificationView>))
)]
pub async fn notifications(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<NotificationView>>> {
    let list = state
        .store
        .notifications(caller.0.id, NOTIFICATION_LIST)
        .await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Marks one of the caller's notifications read (404 if it is not theirs).
#[utoipa::path(
    post, path = "/api/v1/notifications/{id}/read", tag = "portal",
    params(("id" = Uuid, Path, description = "notification id")),
    security(("bearer" = [])),
    responses((status = 204, description = "Marked read"))
)]
pub async fn mark_read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<NotificationId>,
) -> ApiResult<StatusCode> {
    match state
        .store
        .mark_notification_read(caller.0.id, id, state.now())
        .await
    {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(StoreError::NotFound) => Err(ApiError::not_found("notification")),
        Err(e) => Err(e.into()),
    }
}

/// Query of `GET /schedule/release-date`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReleaseParams {
    /// The submit instant, RFC 3339 (default: now).
    pub submitted_at: Option<String>,
    /// The desired date, `YYYY-MM-DD` (default: the submit date in Asia/Bangkok).
    pub desired: Option<String>,
}

/// The release a step 7 confirmation would get (SPEC §6).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReleaseView {
    /// The release Tuesday.
    pub launch_on: NaiveDate,
    /// The first Tuesday the request could make, ignoring the desired and closed dates.
    pub earliest_release: NaiveDate,
    /// The cutoff of the chosen release (RFC 3339, +07:00).
    #[schema(value_type = String, format = DateTime)]
    pub cutoff: DateTime<FixedOffset>,
}

/// Computes the release date for a submit instant and a desired date, with the release
/// calendar's closed dates.
#[utoipa::path(
    get, path = "/api/v1/schedule/release-date", tag = "portal",
    params(ReleaseParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Release", body = ReleaseView),
        (status = 422, description = "`validation_failed`: `desired` is not a date within two years (a Buddhist-era year is named)", body = crate::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn release_date(
    State(state): State<AppState>,
    _caller: Caller,
    Query(params): Query<ReleaseParams>,
) -> ApiResult<Json<ReleaseView>> {
    let submitted_at: DateTime<Utc> = match params.submitted_at.as_deref().map(str::trim) {
        None | Some("") => state.now(),
        Some(raw) => DateTime::parse_from_rfc3339(raw)
            .map_err(|e| ApiError::BadRequest(format!("`submitted_at` is not RFC 3339: {e}")))?
            .to_utc(),
    };
    let today = today_in_bangkok(submitted_at);
    let desired = match params.desired.as_deref().map(str::trim) {
        None | Some("") => today,
        // Step 7's rule: a Buddhist-era year or a date out of range gets its Thai message.
        Some(raw) => {
            let at = onboard_core::validation::Path::root().key("desired");
            onboard_core::fields::planned_date(&at, raw, today).map_err(|issue| {
                if issue.code == onboard_core::validation::Code::InvalidFormat {
                    return ApiError::BadRequest("`desired` must be a date YYYY-MM-DD".into());
                }
                let mut report = onboard_core::validation::Report::new();
                report.push(issue);
                ApiError::Validation(report)
            })?
        }
    };
    let schedule = onboard_app::calendar::schedule(state.store.as_ref(), &state.schedule).await?;
    let release = try_launch_on(submitted_at, desired, &schedule.closed)
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    Ok(Json(ReleaseView {
        launch_on: release.launch_on,
        earliest_release: release.earliest_release,
        cutoff: release.cutoff,
    }))
}

/// A category with its labels.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CategoryView {
    /// JSON value.
    #[schema(schema_with = category_schema)]
    pub value: Category,
    /// Thai label.
    pub title_th: String,
    /// English label.
    pub title_en: String,
}

/// e-Service categories (`in_development` allowed at step 1 only).
#[utoipa::path(
    get, path = "/api/v1/reference/categories", tag = "portal",
    security(("bearer" = [])),
    responses((status = 200, description = "Categories", body = Vec<CategoryView>))
)]
pub async fn categories(_caller: Caller) -> Json<Vec<CategoryView>> {
    Json(
        Category::ALL
            .iter()
            .map(|c| CategoryView {
                value: *c,
                title_th: c.title_th().to_owned(),
                title_en: c.title_en().to_owned(),
            })
            .collect(),
    )
}

/// One of the seven steps with its labels.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StepLabel {
    /// 1 to 7.
    pub number: u8,
    /// Slug.
    #[schema(schema_with = crate::views::step_schema)]
    pub step: Step,
    /// Thai title, as in the manual.
    pub title_th: String,
    /// English title.
    pub title_en: String,
    /// Progress is made by test attempts (steps 3 and 6).
    pub is_test: bool,
}

/// The seven steps in order.
#[utoipa::path(
    get, path = "/api/v1/reference/steps", tag = "portal",
    security(("bearer" = [])),
    responses((status = 200, description = "Steps", body = Vec<StepLabel>))
)]
pub async fn steps(_caller: Caller) -> Json<Vec<StepLabel>> {
    Json(
        Step::ALL
            .iter()
            .map(|s| StepLabel {
                number: s.number(),
                step: *s,
                title_th: s.title_th().to_owned(),
                title_en: s.title_en().to_owned(),
                is_test: s.is_test(),
            })
            .collect(),
    )
}

/// One step status with its labels, as the portal's tags show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatusLabel {
    /// JSON value.
    #[schema(schema_with = crate::views::status_schema)]
    pub status: StepStatus,
    /// Thai label, as in the manual.
    pub title_th: String,
    /// English label.
    pub title_en: String,
}

/// The step-4 consent statements in force and their version (SPEC §10).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConsentsView {
    /// The version a submission records when it consents.
    pub version: String,
    /// The statements, in the form's order.
    pub statements: Vec<ConsentStatementView>,
}

/// One consent statement.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConsentStatementView {
    /// The member of `consents` it sets.
    pub key: String,
    /// Thai wording, as the agency reads it.
    pub text_th: String,
    /// English wording.
    pub text_en: String,
}

/// The three statements of step 4 part 3 with their version.
#[utoipa::path(
    get, path = "/api/v1/reference/consents", tag = "portal",
    security(("bearer" = [])),
    responses((status = 200, description = "Consent statements", body = ConsentsView))
)]
pub async fn consents(_caller: Caller) -> Json<ConsentsView> {
    let version = onboard_core::payload::CONSENTS_VERSION;
    Json(ConsentsView {
        version: version.to_owned(),
        statements: onboard_core::payload::consent_statements(version)
            .unwrap_or_default()
            .iter()
            .map(|s| ConsentStatementView {
                key: s.key.to_owned(),
                text_th: s.th.to_owned(),
                text_en: s.en.to_owned(),
            })
            .collect(),
    })
}

/// The five step statuses (SPEC §4), in the order a step passes through them.
#[utoipa::path(
    get, path = "/api/v1/reference/statuses", tag = "portal",
    security(("bearer" = [])),
    responses((status = 200, description = "Step statuses", body = Vec<StatusLabel>))
)]
pub async fn statuses(_caller: Caller) -> Json<Vec<StatusLabel>> {
    Json(
        StepStatus::ALL
            .iter()
            .map(|s| StatusLabel {
                status: *s,
                title_th: s.title_th().to_owned(),
                title_en: s.title_en().to_owned(),
            })
            .collect(),
    )
}
