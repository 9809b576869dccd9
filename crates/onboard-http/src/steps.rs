//! The step commands of SPEC §4 (drafts, submissions, withdrawals, test attempts,
//! reviews). Each one is a `Command` for core, run by the store as one transaction.

use crate::auth::Caller;
use crate::eservices::{detail_response, visible};
use crate::extract::{IfMatch, Json, OptionalJson, Path};
use crate::problem::{ApiError, ApiResult};
use crate::views::{AttemptView, DetailView};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use onboard_core::id::{EServiceId, FileId};
use onboard_core::reference::Step;
use onboard_core::workflow::{self, Command, EService, SuppliedCredentials};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use utoipa::ToSchema;

/// Runs `command` and answers with the new detail.
pub(crate) async fn run(
    state: &AppState,
    caller: &Caller,
    id: EServiceId,
    if_match: IfMatch,
    command: Command,
) -> ApiResult<Response> {
    let svc = execute(state, caller, id, if_match, command).await?;
    detail_response(state, &caller.0, &svc, StatusCode::OK).await
}

async fn execute(
    state: &AppState,
    caller: &Caller,
    id: EServiceId,
    if_match: IfMatch,
    command: Command,
) -> ApiResult<EService> {
    state
        .execute(&caller.0, id, command, if_match.0)
        .await
        .map_err(|e| match e {
            onboard_app::AppError::Store(onboard_store::StoreError::NotFound) => {
                ApiError::not_found("e-Service")
            }
            other => other.into(),
        })
}

/// Saves a draft (well-typed, maybe incomplete) of a form step.
#[utoipa::path(
    put, path = "/api/v1/eservices/{id}/steps/{step}/draft", tag = "steps",
    params(("id" = Uuid, Path, description = "e-Service id"),
        ("step" = String, Path, description = "step slug: credential, uat-setup, platform-request, preprod-setup or launch"),
        ("If-Match" = Option<String>, Header, description = "\"<version>\"")),
    request_body(content = Object, description = "the step's form, maybe incomplete"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Detail", body = DetailView),
    )
)]
pub async fn save_draft(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, step)): Path<(EServiceId, Step)>,
    if_match: IfMatch,
    Json(payload): Json<Value>,
) -> ApiResult<Response> {
    run(
        &state,
        &caller,
        id,
        if_match,
        Command::SaveDraft { step, payload },
    )
    .await
}

/// Submits a form step (1, 2, 4, 5; step 7 confirms the launch). An empty body submits
/// the saved draft.
#[utoipa::path(
    post, path = "/api/v1/eservices/{id}/steps/{step}/submit", tag = "steps",
    params(("id" = Uuid, Path, description = "e-Service id"),
        ("step" = String, Path, description = "step slug"),
        ("If-Match" = Option<String>, Header, description = "\"<version>\"")),
    request_body(content = Option<Object>, description = "the step's form; empty to submit the saved draft"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Detail", body = DetailView),
        (status = 422, description = "`validation_failed` with every field problem", body = crate::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, step)): Path<(EServiceId, Step)>,
    if_match: IfMatch,
    OptionalJson(payload): OptionalJson<Value>,
) -> ApiResult<Response> {
    run(
        &state,
        &caller,
        id,
        if_match,
        Command::Submit { step, payload },
    )
    .await
}

/// Takes back a submission under review.
#[utoipa::path(
    post, path = "/api/v1/eservices/{id}/steps/{step}/withdraw", tag = "steps",
    params(("id" = Uuid, Path, description = "e-Service id"),
        ("step" = String, Path, description = "step slug"),
        ("If-Match" = Option<String>, Header, description = "\"<version>\"")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Detail", body = DetailView),
    )
)]
pub async fn withdraw(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, step)): Path<(EServiceId, Step)>,
    if_match: IfMatch,
) -> ApiResult<Response> {
    run(&state, &caller, id, if_match, Command::Withdraw { step }).await
}

/// `POST .../approve` body.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ApproveRequest {
    /// Optional note to the agency.
    #[serde(default)]
    pub note: Option<String>,
    /// Credentials to record instead of generated ones (steps 1 and 4).
    #[serde(default)]
    #[schema(value_type = Option<SuppliedCredentialsSchema>)]
    pub credentials: Option<SuppliedCredentials>,
    /// Step 4 only: also make the form's agency names the agency record's (see
    /// `GET .../steps/platform-request/agency-diff`). Without it the record is left alone.
    #[serde(default)]
    pub update_agency: bool,
}

/// Credentials a reviewer supplies.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[allow(dead_code)] // Schema only: the body is read into core's `SuppliedCredentials`.
pub struct SuppliedCredentialsSchema {
    /// Application id.
    pub app_id: String,
    /// Consumer key.
    pub consumer_key: String,
    /// Consumer secret.
    pub consumer_secret: String,
}

/// Approves a step under review (reviewers and admins): the next step opens; steps 1 and
/// 4 issue credentials; steps 3 and 6 pass the pending attempt.
#[utoipa::path(
    post, path = "/api/v1/eservices/{id}/steps/{step}/approve", tag = "steps",
    params(("id" = Uuid, Path, description = "e-Service id"),
        ("step" = String, Path, description = "step slug"),
        ("If-Match" = Option<String>, Header, description = "\"<version>\"")),
    request_body(content = Option<ApproveRequest>, description = "optional; empty is `{}`"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Detail", body = DetailView),
        crate::openapi::ValidationFailed,
    )
)]
pub async fn approve(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, step)): Path<(EServiceId, Step)>,
    if_match: IfMatch,
    OptionalJson(body): OptionalJson<ApproveRequest>,
) -> ApiResult<Response> {
    let body = body.unwrap_or_default();
    let command = Command::Approve {
        step,
        note: body.note,
        credentials: body.credentials,
        update_agency: body.update_agency,
    };
    run(&state, &caller, id, if_match, command).await
}

/// Where the submitted step-4 form differs from the agency record: what approving with
/// `update_agency: true` would change (reviewers and admins).
#[utoipa::path(
    get, path = "/api/v1/eservices/{id}/steps/platform-request/agency-diff", tag = "steps",
    params(("id" = Uuid, Path, description = "e-Service id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The names that differ (empty when none do)", body = Vec<AgencyDifferenceView>),
        (status = 403, description = "`forbidden`: agency officers", body = crate::Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such e-Service, or step 4 not submitted", body = crate::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn agency_diff(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<EServiceId>,
) -> ApiResult<Json<Vec<AgencyDifferenceView>>> {
    caller.require_staff("compare step 4 with the agency record")?;
    let svc = visible(&state, &caller.0, id).await?;
    let agency = state
        .store
        .agency(svc.agency_id())
        .await?
        .ok_or_else(|| ApiError::not_found("agency"))?;
    let differences = workflow::agency_differences(&svc, &agency.names())
        .ok_or_else(|| ApiError::not_found("step-4 submission"))?;
    Ok(Json(
        differences
            .into_iter()
            .map(|d| AgencyDifferenceView {
                field: d.field.to_owned(),
                label_th: d.label_th.to_owned(),
                record: d.record,
                form: d.form,
            })
            .collect(),
    ))
}

/// One agency name where the step-4 form differs from the agency record.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgencyDifferenceView {
    /// `name_th`, `name_en`, `ministry_th` or `ministry_en`.
    pub field: String,
    /// The field's Thai label on the form.
    pub label_th: String,
    /// What the agency record holds now.
    pub record: String,
    /// What the form says.
    pub form: String,
}

/// `POST .../request-changes` body.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct RequestChangesRequest {
    /// Why; required, at most 2000 characters.
    #[serde(default)]
    pub reason: String,
}

/// Sends a step under review back to the agency with a reason (reviewers and admins);
/// steps 3 and 6 fail the pending attempt.
#[utoipa::path(
    post, path = "/api/v1/eservices/{id}/steps/{step}/request-changes", tag = "steps",
    params(("id" = Uuid, Path, description = "e-Service id"),
        ("step" = String, Path, description = "step slug"),
        ("If-Match" = Option<String>, Header, description = "\"<version>\"")),
    request_body = RequestChangesRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Detail", body = DetailView),
        (status = 422, description = "`validation_failed`: reason missing or too long", body = crate::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn request_changes(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, step)): Path<(EServiceId, Step)>,
    if_match: IfMatch,
    OptionalJson(body): OptionalJson<RequestChangesRequest>,
) -> ApiResult<Response> {
    let reason = body.unwrap_or_default().reason;
    run(
        &state,
        &caller,
        id,
        if_match,
        Command::RequestChanges { step, reason },
    )
    .await
}

/// `POST .../launch/reschedule` body.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct RescheduleRequest {
    /// The new desired date, `YYYY-MM-DD` (Gregorian): the launch moves to its release
    /// Tuesday by the rule of step 7 (Monday noon, closed dates).
    #[serde(default)]
    pub desired_date: String,
    /// Why; required, at most 2000 characters, shown to the agency.
    #[serde(default)]
    pub reason: String,
}

/// Moves a scheduled launch to the release Tuesday of another date (admins only, before
/// the launch day); the agency and DGA staff are notified with the reason.
#[utoipa::path(
    post, path = "/api/v1/eservices/{id}/launch/reschedule", tag = "steps",
    params(("id" = Uuid, Path, description = "e-Service id"),
        ("If-Match" = Option<String>, Header, description = "\"<version>\"")),
    request_body = RescheduleRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Detail with the new `launch_on`", body = DetailView),
        (status = 409, description = "`invalid_transition`: the launch is not scheduled (step 7 not confirmed, or already live)", body = crate::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: date missing, malformed, out of range or giving the same Tuesday; reason missing or too long", body = crate::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reschedule_launch(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<EServiceId>,
    if_match: IfMatch,
    OptionalJson(body): OptionalJson<RescheduleRequest>,
) -> ApiResult<Response> {
    let RescheduleRequest {
        desired_date,
        reason,
    } = body.unwrap_or_default();
    run(
        &state,
        &caller,
        id,
        if_match,
        Command::RescheduleLaunch {
            desired_date,
            reason,
        },
    )
    .await
}

/// `{details, file_id}` of a test attempt (schema only; the body goes to core as JSON).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct AttemptRequest {
    /// What was tested; required, at most 5000 characters.
    pub details: String,
    /// An uploaded test-result file (`purpose=test_result`).
    pub file_id: String,
}

async fn file_names(state: &AppState, svc: &EService, step: Step) -> HashMap<String, String> {
    let mut names = HashMap::new();
    for a in &svc.step(step).attempts {
        if let Ok(id) = a.file_id.parse::<FileId>() {
            if let Ok(Some(meta)) = state.store.file(id).await {
                names.insert(a.file_id.clone(), meta.name);
            }
        }
    }
    names
}

fn not_a_test_step(step: Step) -> ApiError {
    ApiError::NotFound(format!(
        "step {step} has no test attempts (only uat-test and preprod-test)"
    ))
}

/// The test attempts of step 3 or 6, oldest first.
#[utoipa::path(
    get, path = "/api/v1/eservices/{id}/steps/{step}/attempts", tag = "steps",
    params(("id" = Uuid, Path, description = "e-Service id"),
        ("step" = String, Path, description = "uat-test or preprod-test")),
    security(("bearer" = [])),
    responses((status = 200, description = "Attempts", body = Vec<AttemptView>))
)]
pub async fn list_attempts(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, step)): Path<(EServiceId, Step)>,
) -> ApiResult<Json<Vec<AttemptView>>> {
    let svc = visible(&state, &caller.0, id).await?;
    if !step.is_test() {
        return Err(not_a_test_step(step));
    }
    let names = file_names(&state, &svc, step).await;
    Ok(Json(
        svc.step(step)
            .attempts
            .iter()
            .map(|a| AttemptView::of(a, &names))
            .collect(),
    ))
}

/// The attempt `number` of `step` in `svc`, as shown.
async fn attempt_answer(
    state: &AppState,
    svc: &EService,
    step: Step,
    number: Option<u32>,
    status: StatusCode,
) -> ApiResult<Response> {
    let attempts = &svc.step(step).attempts;
    let attempt = match number {
        Some(n) => attempts.iter().find(|a| a.number == n),
        None => attempts.last(),
    }
    .ok_or_else(|| ApiError::Internal("the attempt just written is missing".into()))?;
    let names = file_names(state, svc, step).await;
    Ok((status, Json(AttemptView::of(attempt, &names))).into_response())
}

fn attempt_input(body: Option<Value>) -> Value {
    // No body: an empty form, so core reports every required field (422).
    body.unwrap_or_else(|| Value::Object(serde_json::Map::new()))
}

/// Adds a test attempt to step 3 or 6; the step goes under review.
#[utoipa::path(
    post, path = "/api/v1/eservices/{id}/steps/{step}/attempts", tag = "steps",
    params(("id" = Uuid, Path, description = "e-Service id"),
        ("step" = String, Path, description = "uat-test or preprod-test"),
        ("If-Match" = Option<String>, Header, description = "\"<version>\"")),
    request_body = AttemptRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The new attempt", body = AttemptView),
        crate::openapi::ValidationFailed,
    )
)]
pub async fn add_attempt(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, step)): Path<(EServiceId, Step)>,
    if_match: IfMatch,
    OptionalJson(body): OptionalJson<Value>,
) -> ApiResult<Response> {
    let input = attempt_input(body);
    let svc = execute(
        &state,
        &caller,
        id,
        if_match,
        Command::AddAttempt { step, input },
    )
    .await?;
    attempt_answer(&state, &svc, step, None, StatusCode::CREATED).await
}

/// Edits the latest attempt while it is pending.
#[utoipa::path(
    put, path = "/api/v1/eservices/{id}/steps/{step}/attempts/{number}", tag = "steps",
    params(("id" = Uuid, Path, description = "e-Service id"),
        ("step" = String, Path, description = "uat-test or preprod-test"),
        ("number" = u32, Path, description = "attempt number"),
        ("If-Match" = Option<String>, Header, description = "\"<version>\"")),
    request_body = AttemptRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The attempt", body = AttemptView),
        crate::openapi::ValidationFailed,
    )
)]
pub async fn edit_attempt(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, step, number)): Path<(EServiceId, Step, u32)>,
    if_match: IfMatch,
    OptionalJson(body): OptionalJson<Value>,
) -> ApiResult<Response> {
    let input = attempt_input(body);
    let command = Command::EditAttempt {
        step,
        number,
        input,
    };
    let svc = execute(&state, &caller, id, if_match, command).await?;
    attempt_answer(&state, &svc, step, Some(number), StatusCode::OK).await
}

/// Deletes the latest attempt while it is pending; the step returns to its status before.
#[utoipa::path(
    delete, path = "/api/v1/eservices/{id}/steps/{step}/attempts/{number}", tag = "steps",
    params(("id" = Uuid, Path, description = "e-Service id"),
        ("step" = String, Path, description = "uat-test or preprod-test"),
        ("number" = u32, Path, description = "attempt number"),
        ("If-Match" = Option<String>, Header, description = "\"<version>\"")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
    )
)]
pub async fn delete_attempt(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, step, number)): Path<(EServiceId, Step, u32)>,
    if_match: IfMatch,
) -> ApiResult<StatusCode> {
    execute(
        &state,
        &caller,
        id,
        if_match,
        Command::DeleteAttempt { step, number },
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
