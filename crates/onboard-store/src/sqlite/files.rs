//! Uploaded files: metadata per upload, content once per SHA-256.

use super::codec::{get, get_opt, get_u64, int, opt, Text};
use crate::password::sha256_hex;
use crate::{FileMeta, NewFile, Result};
use onboard_core::file::FileFacts;
use onboard_core::id::{AgencyId, FileId};
use rusqlite::{params, OptionalExtension, Row, Transaction};
use uuid::Uuid;

pub(super) fn put(tx: &Transaction<'_>, new: NewFile, content: &[u8]) -> Result<FileMeta> {
    let sha256 = sha256_hex(content);
    let size = u64::try_from(content.len()).unwrap_or(u64::MAX);
    tx.execute(
        "INSERT INTO blobs (sha256, size, content) VALUES (?1, ?2, ?3)
         ON CONFLICT (sha256) DO NOTHING",
        params![sha256, int(size)?, content],
    )?;
    let meta = FileMeta {
        id: Uuid::now_v7().into(),
        sha256,
        name: new.name,
        media_type: new.media_type,
        size,
        dimensions: new.dimensions,
        uploaded_by: new.uploaded_by,
        agency_id: new.agency_id,
        uploaded_at: new.uploaded_at,
    };
    tx.execute(
        "INSERT INTO files (id, sha256, name, media_type, size, width, height, uploaded_by,
                            agency_id, uploaded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            meta.id.text(),
            meta.sha256,
            meta.name,
            meta.media_type.text(),
            int(meta.size)?,
            meta.dimensions.map(|d| d.0),
            meta.dimensions.map(|d| d.1),
            meta.uploaded_by.text(),
            opt(meta.agency_id.as_ref()),
            meta.uploaded_at.text(),
        ],
    )?;
    Ok(meta)
}

fn meta_row(r: &Row<'_>) -> rusqlite::Result<FileMeta> {
    let width: Option<u32> = r.get(5)?;
    let height: Option<u32> = r.get(6)?;
    Ok(FileMeta {
        id: get(r, 0)?,
        sha256: r.get(1)?,
        name: r.get(2)?,
        media_type: get(r, 3)?,
        size: get_u64(r, 4)?,
        dimensions: width.zip(height),
        uploaded_by: get(r, 7)?,
        agency_id: get_opt(r, 8)?,
        uploaded_at: get(r, 9)?,
    })
}

pub(super) fn meta(tx: &Transaction<'_>, id: FileId) -> Result<Option<FileMeta>> {
    Ok(tx
        .query_row(
            "SELECT id, sha256, name, media_type, size, width, height, uploaded_by, agency_id,
                    uploaded_at
             FROM files WHERE id = ?1",
            [id.text()],
            meta_row,
        )
        .optional()?)
}

pub(super) fn content(tx: &Transaction<'_>, id: FileId) -> Result<Option<Vec<u8>>> {
    Ok(tx
        .query_row(
            "SELECT b.content FROM files f JOIN blobs b ON b.sha256 = f.sha256 WHERE f.id = ?1",
            [id.text()],
            |r| r.get(0),
        )
        .optional()?)
}

/// What payload validation needs to know of a file, if it belongs to `agency_id`.
pub(super) fn facts_of_agency(
    tx: &Transaction<'_>,
    id: FileId,
    agency_id: AgencyId,
) -> Result<Option<FileFacts>> {
    Ok(tx
        .prepare_cached(
            "SELECT media_type, size, width, height FROM files WHERE id = ?1 AND agency_id = ?2",
        )?
        .query_row([id.text(), agency_id.text()], |r| {
            let width: Option<u32> = r.get(2)?;
            let height: Option<u32> = r.get(3)?;
            Ok(FileFacts {
                media_type: get(r, 0)?,
                size: get_u64(r, 1)?,
                dimensions: width.zip(height),
            })
        })
        .optional()?)
}
