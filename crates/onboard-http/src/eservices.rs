//! e-Services: list, create, detail, the list of งานบริการ, the event log, the review queue
//! and the launched list.

use crate::auth::Caller;
use crate::extract::{IfMatch, Json, OptionalJson, Path, Query};
use crate::problem::{ApiError, ApiResult};
use crate::views::{DetailView, EventView, ListItemView, PageView};
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use onboard_app::AppError;
use onboard_core::id::{AgencyId, EServiceId, FileId};
use onboard_core::privacy::DetailAccess;
use onboard_core::reference::{Step, StepStatus};
use onboard_core::schedule::today_in_bangkok;
use onboard_core::workflow::{Command, EService, Lifecycle};
use onboard_store::{ListQuery, Scope, User, MAX_PER_PAGE};
use serde::Deserialize;
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};

/// Longest review queue returned at once.
const REVIEW_QUEUE_LIMIT: u32 = 1000;

/// Today in Asia/Bangkok by the server clock.
pub(crate) fn today(state: &AppState) -> NaiveDate {
    today_in_bangkok(state.now())
}

/// The e-Service if the caller may see it; 404 otherwise (never 403: existence is not
/// leaked to other agencies).
pub(crate) async fn visible(state: &AppState, user: &User, id: EServiceId) -> ApiResult<EService> {
    state
        .store
        .eservice(id, Scope::of(user))
        .await?
        .ok_or_else(|| ApiError::not_found("e-Service"))
}

/// The names of the files attempts refer to (for `file_name`).
async fn attempt_file_names(
    state: &AppState,
    svc: &EService,
) -> ApiResult<HashMap<String, String>> {
    let mut names = HashMap::new();
    for attempt in svc.steps().iter().flat_map(|s| s.attempts.iter()) {
        if names.contains_key(&attempt.file_id) {
            continue;
        }
        if let Ok(id) = attempt.file_id.parse::<FileId>() {
            if let Some(meta) = state.store.file(id).await? {
                names.insert(attempt.file_id.clone(), meta.name);
            }
        }
    }
    Ok(names)
}

/// The detail view of `svc` for `user`.
pub(crate) async fn detail_view(
    state: &AppState,
    user: &User,
    svc: &EService,
) -> ApiResult<DetailView> {
    let agency_name = state
        .store
        .agency(svc.agency_id())
        .await?
        .map(|a| a.name_th)
        .unwrap_or_default();
    let files = attempt_file_names(state, svc).await?;
    Ok(DetailView::build(
        svc,
        agency_name,
        DetailAccess::of(user.role, user.agency_id, svc.agency_id()),
        today(state),
        &files,
    ))
}

/// The detail as an answer, with `ETag: "<version>"`.
pub(crate) async fn detail_response(
    state: &AppState,
    user: &User,
    svc: &EService,
    status: StatusCode,
) -> ApiResult<Response> {
    let view = detail_view(state, user, svc).await?;
    let mut headers = HeaderMap::new();
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{}\"", svc.version())) {
        headers.insert(header::ETAG, etag);
    }
    if status == StatusCode::CREATED {
        if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/eservices/{}", svc.id())) {
            headers.insert(header::LOCATION, location);
        }
    }
    Ok((status, headers, Json(view)).into_response())
}

/// Query of `GET /eservices`. Values are parsed here so that a wrong one is a clear 400.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Contained (case-insensitive, Thai too) in the e-Service name, any of its services
    /// (งานบริการ), or its agency's Thai or English name.
    pub q: Option<String>,
    /// Current step slug.
    pub step: Option<String>,
    /// Current step status.
    pub status: Option<String>,
    /// Agency id.
    pub agency_id: Option<String>,
    /// `onboarding`, `scheduled` or `live`.
    pub lifecycle: Option<String>,
    /// Page, from 1 (default 1).
    pub page: Option<String>,
    /// Page size, 1 to 100 (default 20); more is 400.
    pub per_page: Option<String>,
}

/// `page` (from 1, default 1) and `per_page` (1 to 100, default 20) of a list query; out of
/// range is a clear 400.
pub(crate) fn paging(page: &Option<String>, per_page: &Option<String>) -> ApiResult<(u32, u32)> {
    let page: Option<u32> = parse_opt("page", page)?;
    let per_page: Option<u32> = parse_opt("per_page", per_page)?;
    if page == Some(0) {
        return Err(ApiError::BadRequest("`page` starts at 1".into()));
    }
    if per_page.is_some_and(|n| n == 0 || n > MAX_PER_PAGE) {
        return Err(ApiError::BadRequest(format!(
            "`per_page` must be 1 to {MAX_PER_PAGE}"
        )));
    }
    Ok((page.unwrap_or(1), per_page.unwrap_or(20)))
}

/// A search text: trimmed, `None` when blank.
pub(crate) fn search_text(q: &Option<String>) -> Option<String> {
    q.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// An optional query value: absent or blank is `None`, a wrong one a clear 400.
pub(crate) fn parse_opt<T: std::str::FromStr>(
    name: &str,
    raw: &Option<String>,
) -> ApiResult<Option<T>> {
    match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| ApiError::BadRequest(format!("`{name}` has an unknown value `{s}`"))),
    }
}

impl ListParams {
    fn to_query(&self) -> ApiResult<ListQuery> {
        let (page, per_page) = paging(&self.page, &self.per_page)?;
        Ok(ListQuery {
            q: search_text(&self.q),
            step: parse_opt::<Step>("step", &self.step)?,
            status: parse_opt::<StepStatus>("status", &self.status)?,
            agency_id: parse_opt::<AgencyId>("agency_id", &self.agency_id)?,
            lifecycle: parse_opt::<Lifecycle>("lifecycle", &self.lifecycle)?,
            page,
            per_page,
            skip_total: false,
        })
    }
}

/// The e-Services the caller may see, filtered and paged, newest change first.
#[utoipa::path(
    get, path = "/api/v1/eservices", tag = "eservices",
    params(ListParams),
    security(("bearer" = [])),
    responses((status = 200, description = "A page", body = PageView))
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<ListParams>,
) -> ApiResult<Json<PageView>> {
    let query = params.to_query()?;
    let page = state
        .store
        .list(&query, Scope::of(&caller.0), today(&state))
        .await?;
    Ok(Json(page.into()))
}

/// `POST /eservices` body.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct CreateRequest {
    /// Name of the e-Service.
    #[serde(default)]
    pub name: String,
    /// Its งานบริการ (1 to 100, unique).
    #[serde(default)]
    pub services: Vec<String>,
    /// The agency: admins must give it; agency officers default to (and may only use)
    /// their own.
    #[serde(default)]
    #[schema(value_type = Option<Uuid>)]
    pub agency_id: Option<AgencyId>,
}

/// Creates an e-Service: step 1 `in_progress`, steps 2 to 7 `locked`, version 1.
#[utoipa::path(
    post, path = "/api/v1/eservices", tag = "eservices",
    request_body = CreateRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = DetailView, headers(("ETag" = String, description = "\"<version>\""))),
        crate::openapi::NoSuchAgency,
        crate::openapi::ValidationFailed,
    )
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<CreateRequest>,
) -> ApiResult<Response> {
    let user = &caller.0;
    let svc = onboard_app::eservices::create(
        state.store.as_ref(),
        user,
        body.agency_id,
        &body.name,
        &body.services,
        &state.command_context(),
    )
    .await
    .map_err(|e| match e {
        AppError::Store(onboard_store::StoreError::NotFound) => ApiError::not_found("agency"),
        other => other.into(),
    })?;
    detail_response(&state, user, &svc, StatusCode::CREATED).await
}

/// One e-Service (404 for another agency's).
#[utoipa::path(
    get, path = "/api/v1/eservices/{id}", tag = "eservices",
    params(("id" = Uuid, Path, description = "e-Service id")),
    security(("bearer" = [])),
    responses((status = 200, description = "Detail", body = DetailView, headers(("ETag" = String, description = "\"<version>\""))))
)]
pub async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<EServiceId>,
) -> ApiResult<Response> {
    let svc = visible(&state, &caller.0, id).await?;
    detail_response(&state, &caller.0, &svc, StatusCode::OK).await
}

/// `PUT /eservices/{id}/services` body.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ServicesRequest {
    /// The new list of งานบริการ.
    #[serde(default)]
    pub services: Vec<String>,
}

/// Replaces the list of งานบริการ (while step 1 is open).
#[utoipa::path(
    put, path = "/api/v1/eservices/{id}/services", tag = "eservices",
    params(("id" = Uuid, Path, description = "e-Service id"),
        ("If-Match" = Option<String>, Header, description = "\"<version>\"")),
    request_body = ServicesRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Detail", body = DetailView),
        crate::openapi::ValidationFailed,
    )
)]
pub async fn put_services(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<EServiceId>,
    if_match: IfMatch,
    OptionalJson(body): OptionalJson<ServicesRequest>,
) -> ApiResult<Response> {
    let services = body.unwrap_or_default().services;
    crate::steps::run(
        &state,
        &caller,
        id,
        if_match,
        Command::UpdateServices { services },
    )
    .await
}

/// The event log, oldest first; citizen IDs masked and consumer secrets removed.
#[utoipa::path(
    get, path = "/api/v1/eservices/{id}/events", tag = "eservices",
    params(("id" = Uuid, Path, description = "e-Service id")),
    security(("bearer" = [])),
    responses((status = 200, description = "Events", body = Vec<EventView>))
)]
pub async fn events(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<EServiceId>,
) -> ApiResult<Json<Vec<EventView>>> {
    visible(&state, &caller.0, id).await?;
    let events = state.store.events(id).await?;
    Ok(Json(events.iter().map(EventView::from).collect()))
}

/// e-Services with a step under review, oldest submission first (reviewers and admins;
/// at most 1000).
#[utoipa::path(
    get, path = "/api/v1/review-queue", tag = "eservices",
    security(("bearer" = [])),
    responses((status = 200, description = "Waiting for review", body = Vec<ListItemView>))
)]
pub async fn review_queue(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<ListItemView>>> {
    caller.require_staff("see the review queue")?;
    let items = state
        .store
        .review_queue(REVIEW_QUEUE_LIMIT, today(&state))
        .await?;
    Ok(Json(items.into_iter().map(Into::into).collect()))
}

/// e-Services scheduled or live, by launch date.
#[utoipa::path(
    get, path = "/api/v1/launched", tag = "eservices",
    security(("bearer" = [])),
    responses((status = 200, description = "Scheduled and live e-Services", body = Vec<ListItemView>))
)]
pub async fn launched(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<ListItemView>>> {
    let items = state
        .store
        .launched(Scope::of(&caller.0), today(&state))
        .await?;
    Ok(Json(items.into_iter().map(Into::into).collect()))
}
