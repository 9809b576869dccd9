//! Templates (SPEC §10): admins add them with a Thai and an English title and the step they
//! belong to; the step's page links to them; anyone signed in downloads them. The fields
//! and the file are checked by `onboard_core::template`; the file is stored like any upload
//! (content-addressed), in the same transaction as the record.

use crate::accounts::Administrator;
use crate::{AppError, AppResult};
use chrono::{DateTime, Utc};
use onboard_core::file::sanitize_name;
use onboard_core::id::{TemplateId, UserId};
use onboard_core::reference::Step;
use onboard_core::template;
use onboard_store::{NewFile, NewTemplate, Store, Template};

/// A template as an admin sent it: the three fields as typed and the chosen file, if any.
#[derive(Debug, Clone, Copy)]
pub struct Upload<'a> {
    /// Thai title as typed.
    pub title_th: &'a str,
    /// English title as typed.
    pub title_en: &'a str,
    /// Step slug as sent.
    pub step: &'a str,
    /// The client's file name (sanitized here, kept for display and the download).
    pub file_name: &'a str,
    /// The file's content; `None` (or empty) when no file was chosen.
    pub content: Option<&'a [u8]>,
}

/// Adds a template: [`AppError::Invalid`] with every problem of the fields and the file
/// (`required`, `too_long`, `not_allowed` step, `file_type`), nothing stored; otherwise the
/// file and the record in one transaction.
pub async fn create(
    store: &dyn Store,
    by: &Administrator,
    upload: Upload<'_>,
    now: DateTime<Utc>,
) -> AppResult<Template> {
    let (fields, facts) = template::check(
        upload.title_th,
        upload.title_en,
        upload.step,
        upload.content,
    )
    .map_err(AppError::Invalid)?;
    let content = upload.content.unwrap_or_default();
    let uploader = by.account();
    let created = store
        .create_template(
            NewTemplate {
                title_th: fields.title_th,
                title_en: fields.title_en,
                step: fields.step,
                uploaded_by: uploader,
                uploaded_at: now,
            },
            NewFile {
                name: sanitize_name(upload.file_name),
                media_type: facts.media_type,
                dimensions: facts.dimensions,
                // The files table names an uploader; the operator has no account.
                uploaded_by: uploader.unwrap_or(UserId::from_u128(0)),
                agency_id: None,
                uploaded_at: now,
            },
            content,
        )
        .await?;
    tracing::info!(template = %created.id, step = created.step.as_str(), by = ?uploader, "template added");
    Ok(created)
}

/// Every template, by step then Thai title (anyone signed in may see them).
pub async fn list(store: &dyn Store) -> AppResult<Vec<Template>> {
    Ok(store.templates().await?)
}

/// The templates of one step, for the links on its page.
pub async fn of_step(store: &dyn Store, step: Step) -> AppResult<Vec<Template>> {
    let mut all = store.templates().await?;
    all.retain(|t| t.step == step);
    Ok(all)
}

/// A template with its file's bytes (the stored media type and display name are in
/// `template.file`), or `None` when there is no such template.
pub async fn download(store: &dyn Store, id: TemplateId) -> AppResult<Option<(Template, Vec<u8>)>> {
    let Some(template) = store.template(id).await? else {
        return Ok(None);
    };
    Ok(store
        .file_content(template.file.id)
        .await?
        .map(|content| (template, content)))
}

/// Deletes a template (its file stays: content may be shared). `StoreError::NotFound` when
/// there is no such template.
pub async fn delete(store: &dyn Store, by: &Administrator, id: TemplateId) -> AppResult<()> {
    store.delete_template(id).await?;
    tracing::info!(template = %id, by = ?by.account(), "template deleted");
    Ok(())
}
