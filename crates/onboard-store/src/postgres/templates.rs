//! Templates: a record per template over a row of `files`.

use super::{db, files};
use crate::{sort_templates, NewFile, NewTemplate, Result, StoreError, Template, TemplateRecord};
use chrono::{DateTime, Utc};
use onboard_core::id::{FileId, TemplateId, UserId};
use sqlx::PgPool;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct TemplateRow {
    id: Uuid,
    title_th: String,
    title_en: String,
    step: String,
    file_id: Uuid,
    uploaded_by: Option<Uuid>,
    uploaded_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, title_th, title_en, step, file_id, uploaded_by, uploaded_at";

async fn with_file(pool: &PgPool, r: TemplateRow) -> Result<Template> {
    let record = TemplateRecord {
        id: TemplateId::from(r.id),
        file_id: FileId::from(r.file_id),
        added: NewTemplate {
            step: r
                .step
                .parse()
                .map_err(|e| super::corrupt("template step", e))?,
            title_th: r.title_th,
            title_en: r.title_en,
            uploaded_by: r.uploaded_by.map(UserId::from),
            uploaded_at: r.uploaded_at,
        },
    };
    let file = files::file(pool, record.file_id).await?;
    record.with_file(file)
}

pub(super) async fn create(
    pool: &PgPool,
    new: NewTemplate,
    file: NewFile,
    content: &[u8],
) -> Result<Template> {
    let mut tx = pool.begin().await.map_err(db)?;
    let file = files::insert(&mut tx, file, content).await?;
    let id = Uuid::now_v7();
    sqlx::query(&format!(
        "INSERT INTO templates ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    ))
    .bind(id)
    .bind(&new.title_th)
    .bind(&new.title_en)
    .bind(new.step.as_str())
    .bind(file.id.uuid())
    .bind(new.uploaded_by.map(Uuid::from))
    .bind(new.uploaded_at)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(new.stored(TemplateId::from(id), file))
}

pub(super) async fn list(pool: &PgPool) -> Result<Vec<Template>> {
    let rows: Vec<TemplateRow> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM templates"))
        .fetch_all(pool)
        .await
        .map_err(db)?;
    let mut templates = Vec::with_capacity(rows.len());
    for row in rows {
        templates.push(with_file(pool, row).await?);
    }
    sort_templates(&mut templates);
    Ok(templates)
}

pub(super) async fn one(pool: &PgPool, id: TemplateId) -> Result<Option<Template>> {
    let row: Option<TemplateRow> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM templates WHERE id = $1"))
            .bind(id.uuid())
            .fetch_optional(pool)
            .await
            .map_err(db)?;
    match row {
        Some(row) => Ok(Some(with_file(pool, row).await?)),
        None => Ok(None),
    }
}

pub(super) async fn delete(pool: &PgPool, id: TemplateId) -> Result<()> {
    let done = sqlx::query("DELETE FROM templates WHERE id = $1")
        .bind(id.uuid())
        .execute(pool)
        .await
        .map_err(db)?;
    match done.rows_affected() {
        0 => Err(StoreError::NotFound),
        _ => Ok(()),
    }
}
