//! Templates: a record per template over a row of `files`.

use super::codec::{get, get_opt, opt, Text};
use super::files;
use crate::{sort_templates, NewFile, NewTemplate, Result, StoreError, Template, TemplateRecord};
use onboard_core::id::TemplateId;
use rusqlite::{params, OptionalExtension, Row, Transaction};
use uuid::Uuid;

const COLUMNS: &str = "id, title_th, title_en, step, file_id, uploaded_by, uploaded_at";

fn record(r: &Row<'_>) -> rusqlite::Result<TemplateRecord> {
    Ok(TemplateRecord {
        id: get(r, 0)?,
        file_id: get(r, 4)?,
        added: NewTemplate {
            title_th: r.get(1)?,
            title_en: r.get(2)?,
            step: get(r, 3)?,
            uploaded_by: get_opt(r, 5)?,
            uploaded_at: get(r, 6)?,
        },
    })
}

fn with_file(tx: &Transaction<'_>, r: TemplateRecord) -> Result<Template> {
    let file = files::meta(tx, r.file_id)?;
    r.with_file(file)
}

pub(super) fn create(
    tx: &Transaction<'_>,
    new: NewTemplate,
    file: NewFile,
    content: &[u8],
) -> Result<Template> {
    let file = files::put(tx, file, content)?;
    let template = new.stored(Uuid::now_v7().into(), file);
    tx.execute(
        &format!("INSERT INTO templates ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
        params![
            template.id.text(),
            template.title_th,
            template.title_en,
            template.step.text(),
            template.file.id.text(),
            opt(template.uploaded_by.as_ref()),
            template.uploaded_at.text(),
        ],
    )?;
    Ok(template)
}

pub(super) fn list(tx: &Transaction<'_>) -> Result<Vec<Template>> {
    let records = tx
        .prepare(&format!("SELECT {COLUMNS} FROM templates"))?
        .query_map([], record)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut templates = records
        .into_iter()
        .map(|r| with_file(tx, r))
        .collect::<Result<Vec<_>>>()?;
    sort_templates(&mut templates);
    Ok(templates)
}

pub(super) fn one(tx: &Transaction<'_>, id: TemplateId) -> Result<Option<Template>> {
    let found = tx
        .query_row(
            &format!("SELECT {COLUMNS} FROM templates WHERE id = ?1"),
            [id.text()],
            record,
        )
        .optional()?;
    found.map(|r| with_file(tx, r)).transpose()
}

pub(super) fn delete(tx: &Transaction<'_>, id: TemplateId) -> Result<()> {
    match tx.execute("DELETE FROM templates WHERE id = ?1", [id.text()])? {
        0 => Err(StoreError::NotFound),
        _ => Ok(()),
    }
}
