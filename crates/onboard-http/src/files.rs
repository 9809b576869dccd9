//! Uploads and downloads (SPEC §9). The type comes from the content only; the client's
//! file name is sanitized and kept for display.

use crate::auth::Caller;
use crate::extract::{Json, Path, Query};
use crate::problem::{ApiError, ApiResult};
use crate::views::FileView;
use crate::AppState;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use onboard_core::file::{image_dimensions, sanitize_name, sniff, FilePurpose};
use onboard_core::id::FileId;
use onboard_core::validation::Code;
use onboard_store::{FileMeta, NewFile, User};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// Query of `POST /files`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// `icon`, `screenshot`, `test_result` or `assignment_letter`: decides the accepted
    /// types and the size limit.
    pub purpose: Option<String>,
}

/// Multipart form of `POST /files` (schema only).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

pub(crate) fn multipart_error(e: MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge(None)
    } else {
        ApiError::BadRequest(format!("malformed multipart body: {}", e.body_text()))
    }
}

fn too_large(purpose: FilePurpose) -> ApiError {
    ApiError::PayloadTooLarge(Some(purpose))
}

/// Reads the `file` field, refusing it as soon as it grows past the purpose's limit: nothing
/// more is kept, and the rest of the body (bounded by the server's request limit) is read
/// and dropped before the 413 is sent, so that a client still writing its upload receives
/// the answer instead of a reset connection.
async fn read_file_field(
    multipart: &mut Multipart,
    purpose: FilePurpose,
) -> ApiResult<Option<(String, Vec<u8>)>> {
    let limit = usize::try_from(purpose.max_size()).unwrap_or(usize::MAX);
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = sanitize_name(field.file_name().unwrap_or_default());
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            if bytes.len().saturating_add(chunk.len()) > limit {
                drop(bytes);
                while let Ok(Some(_)) = field.chunk().await {}
                while let Ok(Some(mut rest)) = multipart.next_field().await {
                    while let Ok(Some(_)) = rest.chunk().await {}
                }
                return Err(too_large(purpose));
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok(Some((name, bytes)));
    }
    Ok(None)
}

/// Uploads a file for later reference by id. The type is sniffed from the content and
/// must suit `purpose`; the size limit is the purpose's.
#[utoipa::path(
    post, path = "/api/v1/files", tag = "files",
    params(UploadParams),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Stored", body = FileView),
        (status = 413, description = "`payload_too_large`: over the purpose's limit", body = crate::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: `file_type` or `required` on `file`", body = crate::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<UploadParams>,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<(StatusCode, Json<FileView>)> {
    let purpose: FilePurpose = match params.purpose.as_deref().map(str::trim) {
        None | Some("") => {
            return Err(ApiError::BadRequest(
                "query parameter `purpose` is required (icon, screenshot, test_result, assignment_letter)".into(),
            ))
        }
        Some(raw) => raw
            .parse()
            .map_err(|_| ApiError::BadRequest(format!("unknown file purpose `{raw}`")))?,
    };
    let mut multipart = multipart.map_err(|r| {
        ApiError::BadRequest(format!(
            "a multipart/form-data body is required: {}",
            r.body_text()
        ))
    })?;
    let (name, bytes) = read_file_field(&mut multipart, purpose)
        .await?
        .ok_or_else(|| ApiError::invalid("file", Code::Required))?;
    let meta = save_upload(state, &caller.0, purpose, name, &bytes).await?;
    Ok((
        StatusCode::CREATED,
        Json(FileView {
            id: meta.id,
            name: meta.name,
            media_type: meta.media_type,
            size: meta.size,
            sha256: meta.sha256,
        }),
    ))
}

/// Stores an uploaded file for `purpose` after deciding its type from the content: the one
/// way in for files, from the API and from the portal's forms.
pub(crate) async fn save_upload(
    state: AppState,
    user: &User,
    purpose: FilePurpose,
    name: String,
    bytes: &[u8],
) -> ApiResult<FileMeta> {
    let media_type = sniff(bytes)
        .filter(|m| purpose.accepts(*m))
        .ok_or_else(|| ApiError::invalid("file", Code::FileType))?;
    let dimensions = if media_type.is_image() {
        image_dimensions(bytes)
    } else {
        None
    };
    let meta = state
        .store
        .put_file(
            NewFile {
                name,
                media_type,
                dimensions,
                uploaded_by: user.id,
                agency_id: user.agency_id,
                uploaded_at: state.now(),
            },
            bytes,
        )
        .await?;
    tracing::info!(file = %meta.id, size = meta.size, purpose = purpose.as_str(), "file uploaded");
    Ok(meta)
}

/// A multipart form of a portal page: its text fields and its files.
#[derive(Debug, Default)]
pub(crate) struct PageForm {
    /// Every value of every text field, in order (check boxes repeat a name).
    pub texts: std::collections::HashMap<String, Vec<String>>,
    /// The files chosen: field name, sanitized file name, content.
    pub files: Vec<(String, String, Vec<u8>)>,
    /// The file fields whose file was over its purpose's size limit (not kept).
    pub too_large: Vec<(String, FilePurpose)>,
}

impl PageForm {
    /// The last value of a text field, or "".
    pub fn text(&self, name: &str) -> String {
        self.texts
            .get(name)
            .and_then(|v| v.last())
            .cloned()
            .unwrap_or_default()
    }
}

/// Longest text field of a page form: enough for any field of the forms.
const PAGE_TEXT_MAX: usize = 256 * 1024;
/// All the text of a page form together.
const PAGE_TEXTS_MAX: usize = 2 * 1024 * 1024;
/// Files in one page form (step 5: an icon and ten screenshots).
const PAGE_FILES_MAX: usize = 12;

/// Reads a page's multipart form. A part is a file when `purpose_of` its field name says
/// what it is for; each file is bounded by its purpose's limit as on the API. A file over
/// its limit is dropped and noted, and the rest of the form is still read, so the page can
/// say what was wrong and keep everything else that was typed.
pub(crate) async fn read_page_form(
    mut multipart: Multipart,
    purpose_of: impl Fn(&str) -> Option<FilePurpose>,
) -> ApiResult<PageForm> {
    let mut form = PageForm::default();
    let mut text_bytes = 0usize;
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        let Some(name) = field.name().map(str::to_owned) else {
            continue;
        };
        if let Some(purpose) = purpose_of(&name) {
            let file_name = sanitize_name(field.file_name().unwrap_or_default());
            let limit = usize::try_from(purpose.max_size()).unwrap_or(usize::MAX);
            let mut bytes = Vec::new();
            let mut over = false;
            while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                if over || bytes.len().saturating_add(chunk.len()) > limit {
                    over = true;
                    bytes = Vec::new();
                    continue;
                }
                bytes.extend_from_slice(&chunk);
            }
            if over {
                form.too_large.push((name, purpose));
            } else if !bytes.is_empty() {
                // A file input left empty sends an empty part without a name.
                if form.files.len() >= PAGE_FILES_MAX {
                    return Err(ApiError::PayloadTooLarge(None));
                }
                form.files.push((name, file_name, bytes));
            }
        } else {
            let text = field.text().await.map_err(multipart_error)?;
            text_bytes = text_bytes.saturating_add(text.len());
            if text.len() > PAGE_TEXT_MAX || text_bytes > PAGE_TEXTS_MAX {
                return Err(ApiError::PayloadTooLarge(None));
            }
            form.texts.entry(name).or_default().push(text);
        }
    }
    Ok(form)
}

/// RFC 5987 `attr-char`: everything else is percent-encoded.
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266/5987).
pub(crate) fn content_disposition(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
        utf8_percent_encode(name, ATTR_CHAR)
    )
}

/// Downloads a file: the uploader's agency, reviewers and admins (404 for others).
#[utoipa::path(
    get, path = "/api/v1/files/{id}", tag = "files",
    params(("id" = Uuid, Path, description = "file id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The bytes, with the stored media type", content_type = "application/octet-stream", body = Vec<u8>))
)]
pub async fn download(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<FileId>,
) -> ApiResult<Response> {
    let (meta, content) = onboard_app::files::readable(state.store.as_ref(), &caller.0, id)
        .await?
        .ok_or_else(|| ApiError::not_found("file"))?;
    Ok(attachment(&meta, content))
}

/// Stored bytes as a download: the stored media type (never sniffed by the browser),
/// `attachment` with the display name, and not cached.
pub(crate) fn attachment(meta: &FileMeta, content: Vec<u8>) -> Response {
    let disposition = HeaderValue::from_str(&content_disposition(&meta.name))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(meta.media_type.mime()),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        content,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thai_names_are_rfc5987_encoded() {
        assert_eq!(
            content_disposition("ผล.pdf"),
            "attachment; filename=\"__.pdf\"; filename*=UTF-8''%E0%B8%9C%E0%B8%A5.pdf"
        );
        assert_eq!(
            content_disposition("a \"b\".pdf"),
            "attachment; filename=\"a _b_.pdf\"; filename*=UTF-8''a%20%22b%22.pdf"
        );
    }
}
