//! Templates (SPEC §10): anyone signed in lists and downloads them; admins add them
//! (multipart `file`, `title_th`, `title_en`, `step`) and delete them. The flows are
//! `onboard_app::templates`; who is an admin is `Administrator::of`.

use crate::auth::Caller;
use crate::extract::{Json, Path};
use crate::files::multipart_error;
use crate::problem::{ApiError, ApiResult};
use crate::AppState;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use onboard_app::accounts::Administrator;
use onboard_app::templates::{self, Upload};
use onboard_app::AppError;
use onboard_core::file::{FilePurpose, MediaType};
use onboard_core::id::TemplateId;
use onboard_core::reference::Step;
use onboard_store::{StoreError, Template};
use serde::Serialize;
use utoipa::ToSchema;

/// A template as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TemplateView {
    /// Identifier.
    #[schema(value_type = Uuid)]
    pub id: TemplateId,
    /// Thai title.
    pub title_th: String,
    /// English title.
    pub title_en: String,
    /// The step it belongs to.
    #[schema(value_type = String)]
    pub step: Step,
    /// The step's number (1 to 7).
    pub step_number: u8,
    /// The step's Thai title.
    pub step_th: String,
    /// The step's English title.
    pub step_en: String,
    /// The file's display name (also the download's name).
    pub file_name: String,
    /// The file's type, decided from its content.
    #[schema(value_type = String)]
    pub media_type: MediaType,
    /// Size in bytes.
    pub size: u64,
    /// Where to download it (`GET /api/v1/templates/{id}`).
    pub download: String,
    /// When it was added.
    pub uploaded_at: DateTime<Utc>,
}

impl From<Template> for TemplateView {
    fn from(t: Template) -> Self {
        TemplateView {
            download: format!("/api/v1/templates/{}", t.id),
            id: t.id,
            title_th: t.title_th,
            title_en: t.title_en,
            step: t.step,
            step_number: t.step.number(),
            step_th: t.step.title_th().to_owned(),
            step_en: t.step.title_en().to_owned(),
            file_name: t.file.name,
            media_type: t.file.media_type,
            size: t.file.size,
            uploaded_at: t.uploaded_at,
        }
    }
}

/// Multipart form of `POST /templates` (schema only).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct TemplateForm {
    /// The file: XLSX, XLS, PDF, CSV, PNG or JPEG (decided from the content), at most 20 MiB.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// Thai title (required, at most 200 characters).
    pub title_th: String,
    /// English title (required, at most 200 characters).
    pub title_en: String,
    /// Step slug, e.g. `uat-test`.
    pub step: String,
}

/// Every template, by step then Thai title.
#[utoipa::path(
    get, path = "/api/v1/templates", tag = "templates",
    security(("bearer" = [])),
    responses((status = 200, description = "The downloadable templates with the step they belong to", body = Vec<TemplateView>))
)]
pub async fn list(
    State(state): State<AppState>,
    _caller: Caller,
) -> ApiResult<Json<Vec<TemplateView>>> {
    let all = templates::list(state.store.as_ref()).await?;
    Ok(Json(all.into_iter().map(Into::into).collect()))
}

/// Downloads a template's file (anyone signed in), as an attachment with its file name.
#[utoipa::path(
    get, path = "/api/v1/templates/{id}", tag = "templates",
    params(("id" = Uuid, Path, description = "template id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The bytes, with the stored media type", content_type = "application/octet-stream", body = Vec<u8>))
)]
pub async fn download(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<TemplateId>,
) -> ApiResult<Response> {
    let (template, content) = templates::download(state.store.as_ref(), id)
        .await?
        .ok_or_else(|| ApiError::not_found("template"))?;
    Ok(crate::files::attachment(&template.file, content))
}

/// Longest text field of the form (a title is at most 200 characters).
const TEXT_MAX: usize = 4 * 1024;

/// The form as sent: text fields and the file (name, bytes).
#[derive(Debug, Default)]
struct Sent {
    title_th: String,
    title_en: String,
    step: String,
    file: Option<(String, Vec<u8>)>,
}

/// Reads the form in any order of its parts. The file is refused as soon as it grows past
/// the template limit (413, the rest of the body drained as `POST /files` does); a text
/// field past [`TEXT_MAX`] is a 413 too.
async fn read_form(multipart: &mut Multipart) -> ApiResult<Sent> {
    let limit = usize::try_from(FilePurpose::Template.max_size()).unwrap_or(usize::MAX);
    let mut sent = Sent::default();
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                if bytes.len().saturating_add(chunk.len()) > limit {
                    drop(bytes);
                    while let Ok(Some(_)) = field.chunk().await {}
                    while let Ok(Some(mut rest)) = multipart.next_field().await {
                        while let Ok(Some(_)) = rest.chunk().await {}
                    }
                    return Err(ApiError::PayloadTooLarge(Some(FilePurpose::Template)));
                }
                bytes.extend_from_slice(&chunk);
            }
            sent.file = Some((file_name, bytes));
            continue;
        }
        let slot = match name.as_str() {
            "title_th" => &mut sent.title_th,
            "title_en" => &mut sent.title_en,
            "step" => &mut sent.step,
            _ => {
                while field.chunk().await.map_err(multipart_error)?.is_some() {}
                continue;
            }
        };
        let mut text = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            text.extend_from_slice(&chunk);
            if text.len() > TEXT_MAX {
                return Err(ApiError::PayloadTooLarge(None));
            }
        }
        *slot = String::from_utf8(text)
            .map_err(|_| ApiError::BadRequest(format!("`{name}` is not UTF-8 text")))?;
    }
    Ok(sent)
}

/// Adds a template (admins). Every problem of the fields and the file is listed at once.
#[utoipa::path(
    post, path = "/api/v1/templates", tag = "templates",
    request_body(content = TemplateForm, content_type = "multipart/form-data"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Added", body = TemplateView),
        (status = 413, description = "`payload_too_large`: the file is over 20 MiB", body = crate::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: `required`, `too_long` or `invalid_format` on a title, `required` or `not_allowed` on `step`, `required` or `file_type` on `file`", body = crate::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<(StatusCode, Json<TemplateView>)> {
    let by = Administrator::of(&caller.0)?;
    let mut multipart = multipart.map_err(|r| {
        ApiError::BadRequest(format!(
            "a multipart/form-data body is required: {}",
            r.body_text()
        ))
    })?;
    let sent = read_form(&mut multipart).await?;
    let (file_name, content) = match &sent.file {
        Some((name, bytes)) => (name.as_str(), Some(bytes.as_slice())),
        None => ("", None),
    };
    let upload = Upload {
        title_th: &sent.title_th,
        title_en: &sent.title_en,
        step: &sent.step,
        file_name,
        content,
    };
    let created = templates::create(state.store.as_ref(), &by, upload, state.now()).await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// Deletes a template (admins).
#[utoipa::path(
    delete, path = "/api/v1/templates/{id}", tag = "templates",
    params(("id" = Uuid, Path, description = "template id")),
    security(("bearer" = [])),
    responses((status = 204, description = "Deleted"))
)]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<TemplateId>,
) -> ApiResult<StatusCode> {
    let by = Administrator::of(&caller.0)?;
    templates::delete(state.store.as_ref(), &by, id)
        .await
        .map_err(|e| match e {
            AppError::Store(StoreError::NotFound) => ApiError::not_found("template"),
            other => other.into(),
        })?;
    Ok(StatusCode::NO_CONTENT)
}
