//! Uploaded files: metadata rows over content stored once per SHA-256 (SPEC §9).

use super::{corrupt, db, to_i64, to_u64};
use crate::password::sha256_hex;
use crate::{FileMeta, NewFile, Result};
use chrono::{DateTime, Utc};
use onboard_core::file::{FileFacts, MediaType};
use onboard_core::id::{AgencyId, FileId, UserId};
use sqlx::{PgConnection, PgPool};
use std::collections::HashMap;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct FileRow {
    id: Uuid,
    sha256: String,
    name: String,
    media_type: String,
    size: i64,
    width: Option<i32>,
    height: Option<i32>,
    uploaded_by: Uuid,
    agency_id: Option<Uuid>,
    uploaded_at: DateTime<Utc>,
}

fn dimensions(width: Option<i32>, height: Option<i32>) -> Option<(u32, u32)> {
    match (width, height) {
        (Some(w), Some(h)) => Some((u32::try_from(w).ok()?, u32::try_from(h).ok()?)),
        _ => None,
    }
}

fn media_type(s: &str) -> Result<MediaType> {
    s.parse().map_err(|e| corrupt("media type", e))
}

impl FileRow {
    fn meta(self) -> Result<FileMeta> {
        Ok(FileMeta {
            id: FileId::from(self.id),
            sha256: self.sha256,
            name: self.name,
            media_type: media_type(&self.media_type)?,
            size: to_u64(self.size),
            dimensions: dimensions(self.width, self.height),
            uploaded_by: UserId::from(self.uploaded_by),
            agency_id: self.agency_id.map(AgencyId::from),
            uploaded_at: self.uploaded_at,
        })
    }
}

pub(super) async fn put_file(pool: &PgPool, file: NewFile, content: &[u8]) -> Result<FileMeta> {
    let mut tx = pool.begin().await.map_err(db)?;
    let meta = insert(&mut tx, file, content).await?;
    tx.commit().await.map_err(db)?;
    Ok(meta)
}

/// Stores a file inside the caller's transaction (an upload, or a template's file).
pub(super) async fn insert(
    conn: &mut PgConnection,
    file: NewFile,
    content: &[u8],
) -> Result<FileMeta> {
    let sha256 = sha256_hex(content);
    let (width, height) = match file.dimensions {
        Some((w, h)) => (i32::try_from(w).ok(), i32::try_from(h).ok()),
        None => (None, None),
    };
    // Identical content is stored once; a second upload only adds metadata.
    sqlx::query("INSERT INTO blobs (sha256, content) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(&sha256)
        .bind(content)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    let row: FileRow = sqlx::query_as(
        "INSERT INTO files (id, sha256, name, media_type, size, width, height, uploaded_by, \
             agency_id, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         RETURNING id, sha256, name, media_type, size, width, height, uploaded_by, agency_id, \
             uploaded_at",
    )
    .bind(Uuid::now_v7())
    .bind(&sha256)
    .bind(&file.name)
    .bind(file.media_type.mime())
    .bind(to_i64(u64::try_from(content.len()).unwrap_or(u64::MAX)))
    .bind(width)
    .bind(height)
    .bind(file.uploaded_by.uuid())
    .bind(file.agency_id.map(Uuid::from))
    .bind(file.uploaded_at)
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    row.meta()
}

pub(super) async fn file(pool: &PgPool, id: FileId) -> Result<Option<FileMeta>> {
    let row: Option<FileRow> = sqlx::query_as(
        "SELECT id, sha256, name, media_type, size, width, height, uploaded_by, agency_id, \
             uploaded_at \
         FROM files WHERE id = $1",
    )
    .bind(id.uuid())
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    row.map(FileRow::meta).transpose()
}

pub(super) async fn file_content(pool: &PgPool, id: FileId) -> Result<Option<Vec<u8>>> {
    sqlx::query_scalar(
        "SELECT b.content FROM files f JOIN blobs b ON b.sha256 = f.sha256 WHERE f.id = $1",
    )
    .bind(id.uuid())
    .fetch_optional(pool)
    .await
    .map_err(db)
}

#[derive(sqlx::FromRow)]
struct FactsRow {
    id: Uuid,
    media_type: String,
    size: i64,
    width: Option<i32>,
    height: Option<i32>,
}

/// The facts of the files a command references, keyed by the id as written in the payload.
/// Only files of `agency` count; an id that is not a UUID, not stored or another agency's is
/// simply absent, which the core reports as `file_missing` (existence does not leak).
pub(super) async fn catalog(
    conn: &mut PgConnection,
    agency: AgencyId,
    wanted: &[(String, FileId)],
) -> Result<HashMap<String, FileFacts>> {
    if wanted.is_empty() {
        return Ok(HashMap::new());
    }
    let uuids: Vec<Uuid> = wanted.iter().map(|(_, id)| id.uuid()).collect();
    let rows: Vec<FactsRow> = sqlx::query_as(
        "SELECT id, media_type, size, width, height FROM files \
         WHERE id = ANY($1) AND agency_id = $2",
    )
    .bind(&uuids)
    .bind(agency.uuid())
    .fetch_all(conn)
    .await
    .map_err(db)?;
    let found = rows
        .into_iter()
        .map(|row| {
            let facts = FileFacts {
                media_type: media_type(&row.media_type)?,
                size: to_u64(row.size),
                dimensions: dimensions(row.width, row.height),
            };
            Ok((FileId::from(row.id), facts))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(crate::flow::catalog(wanted, found))
}
