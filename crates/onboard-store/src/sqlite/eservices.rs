//! e-Services: commands as transactions, the event log, and the queries of the portal.
//!
//! Every rule lives in `onboard_core::workflow`; this module loads, translates and writes.

use super::codec::{get, get_json, get_opt, int, json, opt, Text};
use super::{files, messages};
use crate::flow::{self, Create, Run, Writes};
use crate::{capped_total, ListItem, ListQuery, Page, Result, Scope, StoreError, StoredEvent};
use chrono::NaiveDate;
use onboard_core::dashboard::Counts;
use onboard_core::id::EServiceId;
use onboard_core::workflow::{EService, Event, Lifecycle};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, OptionalExtension, Row, Transaction};

/// Writes what an accepted command decided (see [`crate::flow`]): the row and its state,
/// the searchable texts when they changed, the events, the notices for every account of
/// their audience, the agency's new names, and the dashboard counters.
fn persist(tx: &Transaction<'_>, w: &Writes) -> Result<()> {
    let (s, c) = (&w.state, &w.columns);
    match w.read_version {
        None => {
            tx.prepare_cached(
                "INSERT INTO eservices (id, agency_id, name, version, current_step,
                        current_status, complete, launch_on, review_since, created_at,
                        updated_at, search_fold)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                s.id().text(),
                s.agency_id().text(),
                s.name(),
                int(s.version())?,
                c.current_step.text(),
                c.current_status.text(),
                c.complete,
                opt(c.launch_on.as_ref()),
                opt(c.review_since.as_ref()),
                s.created_at().text(),
                s.updated_at().text(),
                w.search_fold,
            ])?;
            tx.prepare_cached("INSERT INTO eservice_states (id, state) VALUES (?1, ?2)")?
                .execute(params![s.id().text(), json(s)?])?;
        }
        Some(read_version) => {
            let n = tx
                .prepare_cached(
                    "UPDATE eservices SET name = ?3, version = ?4, current_step = ?5,
                            current_status = ?6, complete = ?7, launch_on = ?8,
                            review_since = ?9, updated_at = ?10, search_fold = ?11
                     WHERE id = ?1 AND version = ?2",
                )?
                .execute(params![
                    s.id().text(),
                    int(read_version)?,
                    s.name(),
                    int(s.version())?,
                    c.current_step.text(),
                    c.current_status.text(),
                    c.complete,
                    opt(c.launch_on.as_ref()),
                    opt(c.review_since.as_ref()),
                    s.updated_at().text(),
                    w.search_fold,
                ])?;
            if n != 1 {
                // Cannot happen under the write lock; if it does, nothing is committed.
                return Err(StoreError::backend(format!(
                    "e-Service {} changed during the command",
                    s.id()
                )));
            }
            tx.prepare_cached("UPDATE eservice_states SET state = ?2 WHERE id = ?1")?
                .execute(params![s.id().text(), json(s)?])?;
        }
    }
    if let Some(texts) = &w.texts {
        let seq: i64 = tx
            .prepare_cached("SELECT seq FROM eservices WHERE id = ?1")?
            .query_row([s.id().text()], |r| r.get(0))?;
        write_texts(tx, seq, texts)?;
    }
    append_events(tx, &w.events)?;
    for (notice, at) in &w.notices {
        messages::notify(tx, notice, Some(s.id()), *at)?;
    }
    if let Some(names) = &w.agency_names {
        tx.execute(
            "UPDATE agencies SET name_th = ?2, name_en = ?3, ministry_th = ?4, ministry_en = ?5
             WHERE id = ?1",
            params![
                s.agency_id().text(),
                names.name_th,
                names.name_en,
                names.ministry_th,
                names.ministry_en
            ],
        )?;
    }
    for ((step, status, complete), n) in &w.buckets {
        tx.prepare_cached(
            "INSERT INTO dashboard_steps (agency_id, current_step, current_status, complete, n)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (agency_id, current_step, current_status, complete)
             DO UPDATE SET n = n + excluded.n",
        )?
        .execute(params![
            s.agency_id().text(),
            step.text(),
            status.text(),
            complete,
            n
        ])?;
    }
    for (day, n) in &w.launches {
        tx.prepare_cached(
            "INSERT INTO dashboard_launches (agency_id, launch_on, n) VALUES (?1, ?2, ?3)
             ON CONFLICT (agency_id, launch_on) DO UPDATE SET n = n + excluded.n",
        )?
        .execute(params![s.agency_id().text(), day.text(), n])?;
    }
    Ok(())
}

/// Bits of an `eservice_texts` rowid that number the texts of one e-Service (see the
/// migration): the name and up to 1023 services.
const TEXT_BITS: u32 = 10;
// The search conditions below say `rowid >> 10`.
const _: () = assert!(TEXT_BITS == 10);

/// Writes `eservices.search_fold` of the e-Service at `seq` from its lowercased texts.
fn write_fold(tx: &Transaction<'_>, seq: i64, texts: &[String]) -> Result<()> {
    tx.prepare_cached("UPDATE eservices SET search_fold = ?2 WHERE seq = ?1")?
        .execute(params![seq, crate::search_fold(texts)])?;
    Ok(())
}

/// Fills `eservices.search_fold` from the indexed texts (migration 7).
pub(super) fn fold_all_texts(tx: &Transaction<'_>) -> Result<()> {
    let mut stmt = tx.prepare("SELECT rowid, text FROM eservice_texts ORDER BY rowid")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut texts: Vec<String> = Vec::new();
    let mut current = None;
    for (rowid, text) in rows {
        let seq = rowid >> TEXT_BITS;
        if let Some(done) = current.filter(|c| *c != seq) {
            write_fold(tx, done, &std::mem::take(&mut texts))?;
        }
        current = Some(seq);
        texts.push(text);
    }
    if let Some(seq) = current {
        write_fold(tx, seq, &texts)?;
    }
    Ok(())
}

/// Replaces the texts of the e-Service at `seq` (its [`crate::folded_texts`]): its rowid range,
/// name first.
fn write_texts(tx: &Transaction<'_>, seq: i64, texts: &[String]) -> Result<()> {
    let per_eservice = 1i64 << TEXT_BITS;
    let first = seq
        .checked_mul(per_eservice)
        .ok_or_else(|| StoreError::backend(format!("e-Service seq {seq} is too large")))?;
    if texts.len() > (1 << TEXT_BITS) {
        return Err(StoreError::backend(format!(
            "{} services are more than the search index holds",
            texts.len() - 1
        )));
    }
    tx.prepare_cached("DELETE FROM eservice_texts WHERE rowid >= ?1 AND rowid < ?2")?
        .execute(params![first, first + per_eservice])?;
    let mut insert =
        tx.prepare_cached("INSERT INTO eservice_texts (rowid, text) VALUES (?1, ?2)")?;
    for (i, text) in (0i64..).zip(texts) {
        insert.execute(params![first + i, text])?;
    }
    Ok(())
}

/// Writes the searchable texts of every e-Service (migration 2).
pub(super) fn index_all_texts(tx: &Transaction<'_>) -> Result<()> {
    let mut stmt = tx.prepare(
        "SELECT e.seq, e.name, json_extract(s.state, '$.services')
         FROM eservices e JOIN eservice_states s ON s.id = e.id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (seq, name, services) in rows {
        let services: Vec<String> = match services {
            Some(list) => serde_json::from_str(&list).map_err(|e| {
                StoreError::caused(format!("services of e-Service {seq} are not a list"), e)
            })?,
            None => Vec::new(),
        };
        write_texts(tx, seq, &crate::folded_texts(&name, &services))?;
    }
    Ok(())
}

fn append_events(tx: &Transaction<'_>, events: &[Event]) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO events (eservice_id, version, at, actor, kind, step, from_status, to_status,
                             data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for e in events {
        stmt.execute(params![
            e.eservice_id.text(),
            int(e.version)?,
            e.at.text(),
            e.actor.text(),
            e.change.kind(),
            opt(e.step.as_ref()),
            opt(e.from_status.as_ref()),
            opt(e.to_status.as_ref()),
            json(e)?,
        ])?;
    }
    Ok(())
}

fn load(tx: &Transaction<'_>, id: EServiceId) -> Result<Option<EService>> {
    Ok(tx
        .prepare_cached("SELECT state FROM eservice_states WHERE id = ?1")?
        .query_row([id.text()], |r| get_json(r, 0))
        .optional()?)
}

pub(super) fn create(tx: &Transaction<'_>, new: &Create) -> Result<EService> {
    let agency = super::accounts::agency(tx, new.agency_id)?;
    let w = flow::create(new, agency.as_ref())?;
    persist(tx, &w)?;
    Ok(w.state)
}

pub(super) fn execute(tx: &Transaction<'_>, run: Run) -> Result<EService> {
    let state = load(tx, run.id)?.ok_or(StoreError::NotFound)?;
    let agency = super::accounts::agency(tx, state.agency_id())?.ok_or(StoreError::NotFound)?;
    // Only files uploaded by the e-Service's own agency count; anything else is missing.
    let wanted = flow::wanted_files(&run.command, &state);
    let mut found = Vec::with_capacity(wanted.len());
    for (_, file_id) in &wanted {
        if let Some(facts) = files::facts_of_agency(tx, *file_id, state.agency_id())? {
            found.push((*file_id, facts));
        }
    }
    let w = flow::execute(&state, &agency, &flow::catalog(&wanted, found), run)?;
    persist(tx, &w)?;
    Ok(w.state)
}

pub(super) fn get_one(
    tx: &Transaction<'_>,
    id: EServiceId,
    scope: Scope,
) -> Result<Option<EService>> {
    Ok(load(tx, id)?.filter(|s| match scope {
        Scope::All => true,
        Scope::Agency(a) => s.agency_id() == a,
    }))
}

pub(super) fn events(tx: &Transaction<'_>, id: EServiceId) -> Result<Vec<StoredEvent>> {
    let mut stmt =
        tx.prepare_cached("SELECT seq, data FROM events WHERE eservice_id = ?1 ORDER BY seq")?;
    let rows = stmt.query_map([id.text()], |r| {
        Ok(StoredEvent {
            seq: r.get(0)?,
            event: get_json(r, 1)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The SELECT of a [`ListItem`] over `eservices e` and `agencies a`, read by [`item_row`],
/// to be followed by WHERE and ORDER clauses.
const ITEM_SELECT: &str = "SELECT e.id, e.name, e.agency_id, a.name_th, a.ministry_th, \
     e.current_step, e.current_status, e.launch_on, e.updated_at, e.review_since \
     FROM eservices e JOIN agencies a ON a.id = e.agency_id";

fn item_row(r: &Row<'_>, today: NaiveDate) -> rusqlite::Result<ListItem> {
    let launch_on = get_opt(r, 7)?;
    Ok(ListItem {
        id: get(r, 0)?,
        name: r.get(1)?,
        agency_id: get(r, 2)?,
        agency_name_th: r.get(3)?,
        ministry_th: r.get(4)?,
        current_step: get(r, 5)?,
        current_status: get(r, 6)?,
        lifecycle: Lifecycle::at(launch_on, today),
        launch_on,
        updated_at: get(r, 8)?,
        review_since: get_opt(r, 9)?,
    })
}

/// A WHERE clause and its parameters, built from fixed fragments only.
#[derive(Default, Clone)]
struct Filter {
    conditions: Vec<&'static str>,
    params: Vec<Value>,
}

impl Filter {
    fn and(&mut self, condition: &'static str, params: impl IntoIterator<Item = Value>) {
        self.conditions.push(condition);
        self.params.extend(params);
    }

    fn scope(mut self, scope: Scope) -> Self {
        if let Scope::Agency(a) = scope {
            self.and("e.agency_id = ?", Some(Value::Text(a.text())));
        }
        self
    }

    fn sql(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.conditions.join(" AND "))
        }
    }
}

/// Shortest query the trigram indexes can answer; shorter ones scan.
const TRIGRAM: usize = 3;

/// `s` with the LIKE metacharacters escaped by `\`, so it matches literally.
fn like_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// An FTS5 string (one phrase) matching `s` literally: the trigram tokenizer turns it into a
/// substring match.
fn fts_phrase(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

// The search conditions of SPEC §10: the e-Service's name or one of its services (the texts
// of `eservice_texts`, whose `rowid >> 10` is `eservices.seq`, see TEXT_BITS), or its
// agency's Thai or English name. The agency side is read from the agency's current names
// at query time (`agency_names` changes with the agency row), never copied per e-Service, so
// renaming an agency needs no reindexing of its e-Services.

/// Queries of [`TRIGRAM`] characters or more: the `eservices.seq` of the matches, from the
/// FTS5 phrase bound twice. Both sides are indexed (the texts' rowids; `eservices_by_agency`
/// for the matching agencies), and one IN over the rowid lets SQLite drive a query by the
/// matches (an OR of two INs would make it walk the list order instead). A macro, so that
/// the conditions below are built from it at compile time.
macro_rules! text_matches {
    () => {
        "SELECT rowid >> 10 FROM eservice_texts WHERE eservice_texts MATCH ? \
         UNION SELECT seq FROM eservices WHERE agency_id IN \
             (SELECT id FROM agency_names WHERE agency_names MATCH ?)"
    };
}
/// An e-Service matching the phrase, the query driven by the matches.
const TEXT_MATCH: &str = concat!("e.seq IN (", text_matches!(), ")");
/// Shorter queries: a LIKE pattern over the (lowercased) texts, and the JSON list of the
/// agencies whose names contain the query.
const TEXT_LIKE: &str = "e.seq IN (SELECT rowid >> 10 FROM eservice_texts \
                                  WHERE text LIKE ? ESCAPE '\\' \
                        UNION SELECT seq FROM eservices WHERE agency_id IN \
                            (SELECT value FROM json_each(?)))";

/// How the text part of a list query is answered.
enum Search {
    /// No text condition.
    Any,
    /// The trigram indexes.
    Trigram {
        /// The FTS5 phrase of the query.
        phrase: String,
        /// The lowercased query.
        folded: String,
    },
    /// Scans, for a query shorter than [`TRIGRAM`] characters.
    Short {
        /// The lowercased query.
        folded: String,
        /// The LIKE pattern of `folded`.
        pattern: String,
    },
}

impl Search {
    fn of(q: Option<&str>) -> Search {
        let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) else {
            return Search::Any;
        };
        // Lowercased as the texts are; FTS5 folds case too, for the agency names.
        let folded = q.to_lowercase();
        if folded.chars().count() >= TRIGRAM {
            let phrase = fts_phrase(&folded);
            Search::Trigram { phrase, folded }
        } else {
            let pattern = format!("%{}%", like_literal(&folded));
            Search::Short { folded, pattern }
        }
    }
}

/// [`crate::COUNT_LIMIT`] as SQLite binds it.
const COUNT_LIMIT: i64 = crate::COUNT_LIMIT as i64;
/// [`crate::WALK_ROWS`] as SQLite binds it.
const WALK_ROWS: i64 = crate::WALK_ROWS as i64;
/// [`crate::SORT_MATCHES_MAX`] as SQLite counts.
const SORT_MATCHES_MAX: i64 = crate::SORT_MATCHES_MAX as i64;

/// The e-Services whose texts hold the phrase, counted up to [`COUNT_LIMIT`] by the trigram
/// index alone (an e-Service whose name and service both match counts once).
fn texts_matching(tx: &Transaction<'_>, phrase: &str) -> Result<i64> {
    Ok(tx
        .prepare_cached(
            "SELECT COUNT(*) FROM (SELECT DISTINCT rowid >> 10 FROM eservice_texts \
             WHERE eservice_texts MATCH ?1 LIMIT ?2)",
        )?
        .query_row(params![phrase, COUNT_LIMIT], |r| r.get(0))?)
}

/// The ids of the agencies whose Thai or English name holds the phrase, as a JSON list.
fn agencies_matching(tx: &Transaction<'_>, phrase: &str) -> Result<String> {
    let mut stmt = tx.prepare_cached("SELECT id FROM agency_names WHERE agency_names MATCH ?1")?;
    let ids = stmt
        .query_map([phrase], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    serde_json::to_string(&ids).map_err(|e| StoreError::caused("agency ids to JSON", e))
}

/// The page of a search with many matches, found by walking the first [`WALK_ROWS`] rows
/// of the list order (after the other filters) and testing each in place: its folded texts
/// hold `folded`, or its agency is one of `agencies` (a JSON list), which is what
/// [`TEXT_MATCH`] finds through the indexes. `None` when those rows hold fewer matches than
/// the page needs, so that the caller sorts every match instead.
fn walk(
    tx: &Transaction<'_>,
    others: &Filter,
    folded: &str,
    agencies: &str,
    (offset, per_page): (i64, u32),
) -> Result<Option<Vec<i64>>> {
    if offset + i64::from(per_page) > WALK_ROWS {
        return Ok(None);
    }
    // The walk's last row, found on the index alone: the walk is then an index range that
    // stops at the page, where a subquery of WALK_ROWS rows would copy them all first.
    let mut params = others.params.clone();
    params.push(Value::Integer(WALK_ROWS - 1));
    let last: Option<(String, String)> = tx
        .prepare_cached(&format!(
            "SELECT e.updated_at, e.id FROM eservices e{} \
             ORDER BY e.updated_at DESC, e.id LIMIT 1 OFFSET ?",
            others.sql()
        ))?
        .query_row(params_from_iter(params.iter()), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let mut f = others.clone();
    if let Some((at, id)) = &last {
        f.and(
            "(e.updated_at > ? OR (e.updated_at = ? AND e.id <= ?))",
            [at, at, id].map(|v| Value::Text(v.clone())),
        );
    }
    // Both columns are in the list order's indexes (migration 8): the walk reads no row.
    if agencies == "[]" {
        f.and(
            "instr(e.search_fold, ?) > 0",
            [Value::Text(folded.to_owned())],
        );
    } else {
        f.and(
            "(instr(e.search_fold, ?) > 0 OR e.agency_id IN (SELECT value FROM json_each(?)))",
            [
                Value::Text(folded.to_owned()),
                Value::Text(agencies.to_owned()),
            ],
        );
    }
    let seqs = page_keys(tx, &f, (offset, per_page))?;
    // Fewer rows than the walk: they were all tested, and a short page is the true one.
    Ok((last.is_none() || seqs.len() == per_page as usize).then_some(seqs))
}

/// The ids of the agencies whose Thai or English name contains `folded` (lowercased), as a
/// JSON list. Reads every agency: only for queries too short for the trigram index, which
/// scan every e-Service's texts anyway.
fn agencies_containing(tx: &Transaction<'_>, folded: &str) -> Result<String> {
    let mut stmt = tx.prepare_cached("SELECT id, name_th, name_en FROM agencies")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut ids = Vec::new();
    for row in rows {
        let (id, name_th, name_en) = row?;
        if name_th.to_lowercase().contains(folded) || name_en.to_lowercase().contains(folded) {
            ids.push(id);
        }
    }
    serde_json::to_string(&ids).map_err(|e| StoreError::caused("agency ids to JSON", e))
}

pub(super) fn list(
    tx: &Transaction<'_>,
    query: &ListQuery,
    scope: Scope,
    today: NaiveDate,
) -> Result<Page<ListItem>> {
    // FTS5 cannot parse a phrase holding NUL, and LIKE would stop at it (matching too much):
    // refused as the client's fault, as PostgreSQL refuses it.
    if query.q.as_deref().is_some_and(|q| q.contains('\0')) {
        return Err(StoreError::Command(
            onboard_core::workflow::CommandError::Malformed(
                "text may not contain NUL characters".to_owned(),
            ),
        ));
    }
    let (page, per_page) = query.paging();
    let offset = i64::from(page - 1) * i64::from(per_page);
    let paged = |items: Vec<ListItem>, total: u64, total_capped: bool| Page {
        items,
        total,
        total_capped,
        page,
        per_page,
    };
    let mut f = Filter::default().scope(scope);
    if let Some(step) = query.step {
        f.and("e.current_step = ?", Some(Value::Text(step.text())));
    }
    if let Some(status) = query.status {
        f.and("e.current_status = ?", Some(Value::Text(status.text())));
    }
    if let Some(agency) = query.agency_id {
        f.and("e.agency_id = ?", Some(Value::Text(agency.text())));
    }
    match query.lifecycle {
        None => {}
        Some(Lifecycle::Onboarding) => f.and("e.launch_on IS NULL", None),
        Some(Lifecycle::Scheduled) => f.and("e.launch_on > ?", Some(Value::Text(today.text()))),
        Some(Lifecycle::Live) => f.and("e.launch_on <= ?", Some(Value::Text(today.text()))),
    }
    let others = f.conditions.len();
    let (counted, walked) = match Search::of(query.q.as_deref()) {
        Search::Any => {
            let counted = if query.skip_total {
                // Not wanted: every row up to this page is taken to exist (corrected below).
                offset + i64::from(per_page)
            } else if query.lifecycle.is_none() {
                // Scope, agency, step and status only: the dashboard counters hold the exact
                // total (their columns have the names of the conditions).
                tx.prepare_cached(&format!(
                    "SELECT COALESCE(SUM(n), 0) FROM dashboard_steps e{}",
                    f.sql()
                ))?
                .query_row(params_from_iter(f.params.iter()), |r| r.get(0))?
            } else {
                tx.prepare_cached(&format!("SELECT COUNT(*) FROM eservices e{}", f.sql()))?
                    .query_row(params_from_iter(f.params.iter()), |r| r.get(0))?
            };
            if counted <= offset {
                return Ok(paged(
                    Vec::new(),
                    u64::try_from(counted).unwrap_or(0),
                    false,
                ));
            }
            let items = page_of(tx, &f, (offset, per_page), today)?;
            let total = if query.skip_total {
                offset + i64::try_from(items.len()).unwrap_or(0)
            } else {
                counted
            };
            return Ok(paged(items, u64::try_from(total).unwrap_or(0), false));
        }
        Search::Trigram { phrase, folded } => {
            let agencies = agencies_matching(tx, &phrase)?;
            let texts_only = agencies == "[]" && others == 0;
            let whole = f.clone();
            f.and(
                TEXT_MATCH,
                [Value::Text(phrase.clone()), Value::Text(phrase.clone())],
            );
            let counted = if texts_only {
                texts_matching(tx, &phrase)?
            } else {
                capped_count(tx, &f)?
            };
            let walked = if counted > SORT_MATCHES_MAX && crate::tested_in_place(&folded) {
                walk(tx, &whole, &folded, &agencies, (offset, per_page))?
            } else {
                None
            };
            (counted, walked)
        }
        Search::Short { folded, pattern } => {
            let agencies = agencies_containing(tx, &folded)?;
            f.and(TEXT_LIKE, [Value::Text(pattern), Value::Text(agencies)]);
            (capped_count(tx, &f)?, None)
        }
    };
    let (total, total_capped) = capped_total(u64::try_from(counted).unwrap_or(0));
    // Past the end: nothing to read (a capped count does not know where the end is).
    if !total_capped && counted <= offset {
        return Ok(paged(Vec::new(), total, false));
    }
    let items = match walked {
        Some(seqs) => items_of(tx, &seqs, today)?,
        None => page_of(tx, &f, (offset, per_page), today)?,
    };
    Ok(paged(items, total, total_capped))
}

/// The rows matching `f`, counted up to [`COUNT_LIMIT`].
fn capped_count(tx: &Transaction<'_>, f: &Filter) -> Result<i64> {
    let mut params = f.params.clone();
    params.push(Value::Integer(COUNT_LIMIT));
    Ok(tx
        .prepare_cached(&format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM eservices e{} LIMIT ?)",
            f.sql()
        ))?
        .query_row(params_from_iter(params.iter()), |r| r.get(0))?)
}

/// One page of the rows matching `f`, in list order.
fn page_of(
    tx: &Transaction<'_>,
    f: &Filter,
    paging: (i64, u32),
    today: NaiveDate,
) -> Result<Vec<ListItem>> {
    items_of(tx, &page_keys(tx, f, paging)?, today)
}

/// The `seq` of the rows of a page of `f` in the list order. Sorting keys alone and reading
/// the page's items afterwards keeps a sort of many matches narrow.
fn page_keys(tx: &Transaction<'_>, f: &Filter, (offset, per_page): (i64, u32)) -> Result<Vec<i64>> {
    let mut params = f.params.clone();
    params.push(Value::Integer(i64::from(per_page)));
    params.push(Value::Integer(offset));
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT e.seq FROM eservices e{} ORDER BY e.updated_at DESC, e.id LIMIT ? OFFSET ?",
        f.sql()
    ))?;
    let seqs = stmt
        .query_map(params_from_iter(params.iter()), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(seqs)
}

/// The list items of the rows `seqs`, in the list order.
fn items_of(tx: &Transaction<'_>, seqs: &[i64], today: NaiveDate) -> Result<Vec<ListItem>> {
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    let seqs =
        serde_json::to_string(seqs).map_err(|e| StoreError::caused("page keys to JSON", e))?;
    let mut stmt = tx.prepare_cached(&format!(
        "{ITEM_SELECT} WHERE e.seq IN (SELECT value FROM json_each(?)) \
         ORDER BY e.updated_at DESC, e.id"
    ))?;
    let items = stmt
        .query_map([seqs], |r| item_row(r, today))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(items)
}

pub(super) fn dashboard(tx: &Transaction<'_>, scope: Scope, today: NaiveDate) -> Result<Counts> {
    let filter = Filter::default().scope(scope);
    let scoped = filter.sql().replace("e.agency_id", "agency_id");
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT current_step, current_status, SUM(n) FROM dashboard_steps{scoped}
         GROUP BY current_step, current_status HAVING SUM(n) > 0"
    ))?;
    let groups = stmt
        .query_map(params_from_iter(filter.params.iter()), |r| {
            let n = u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0);
            Ok(((get(r, 0)?, get(r, 1)?), n))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut params = filter.params;
    params.push(Value::Text(today.text()));
    let live_condition = if scope == Scope::All {
        " WHERE launch_on <= ?"
    } else {
        " AND launch_on <= ?"
    };
    let live: i64 = tx
        .prepare_cached(&format!(
            "SELECT COALESCE(SUM(n), 0) FROM dashboard_launches{scoped}{live_condition}"
        ))?
        .query_row(params_from_iter(params.iter()), |r| r.get(0))?;
    Ok(flow::counts(
        groups,
        u64::try_from(live).unwrap_or(0),
        today,
    ))
}

pub(super) fn review_queue(
    tx: &Transaction<'_>,
    limit: u32,
    today: NaiveDate,
) -> Result<Vec<ListItem>> {
    let mut stmt = tx.prepare_cached(&format!(
        "{ITEM_SELECT} WHERE e.review_since IS NOT NULL ORDER BY e.review_since, e.id LIMIT ?1"
    ))?;
    let rows = stmt.query_map([limit], |r| item_row(r, today))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn launched(
    tx: &Transaction<'_>,
    scope: Scope,
    today: NaiveDate,
) -> Result<Vec<ListItem>> {
    let mut filter = Filter::default().scope(scope);
    filter.and("e.launch_on IS NOT NULL", None);
    let mut stmt = tx.prepare_cached(&format!(
        "{ITEM_SELECT}{} ORDER BY e.launch_on, e.id",
        filter.sql()
    ))?;
    let rows = stmt.query_map(params_from_iter(filter.params.iter()), |r| {
        item_row(r, today)
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
