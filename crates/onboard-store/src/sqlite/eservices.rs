//! e-Services: commands as transactions, the event log, and the queries of the portal.
//!
//! Every rule lives in `onboard_core::workflow`; this module loads, translates and writes.

use super::codec::{get, get_json, get_opt, int, json, opt, Text};
use super::{files, messages};
use crate::{CommandContext, ListItem, ListQuery, Page, Result, Scope, StoreError, StoredEvent};
use chrono::{DateTime, NaiveDate, Utc};
use onboard_core::dashboard::{Counts, Summary};
use onboard_core::file::FileFacts;
use onboard_core::notify::{notices, MailConfig, NoticeContext};
use onboard_core::reference::StepStatus;
use onboard_core::schedule::today_in_bangkok;
use onboard_core::workflow::{self, Actor, Command, EService, Env, Event, Lifecycle};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, OptionalExtension, Row, Transaction};
use std::collections::HashMap;
use uuid::Uuid;

/// The columns copied out of the state for queries (see the migration).
struct Columns {
    current_step: String,
    current_status: String,
    complete: bool,
    launch_on: Option<String>,
    review_since: Option<String>,
}

impl Columns {
    fn of(s: &EService) -> Columns {
        let summary = Summary::of(s);
        let review_since = (summary.current_status == StepStatus::UnderReview)
            .then(|| s.step(summary.current_step).submitted_at)
            .flatten();
        Columns {
            current_step: summary.current_step.text(),
            current_status: summary.current_status.text(),
            complete: s.is_complete(),
            launch_on: opt(s.launch_on.as_ref()),
            review_since: opt(review_since.as_ref()),
        }
    }
}

fn insert_state(tx: &Transaction<'_>, s: &EService) -> Result<()> {
    let c = Columns::of(s);
    tx.execute(
        "INSERT INTO eservices (id, agency_id, name, name_fold, version, current_step,
                                current_status, complete, launch_on, review_since, created_at,
                                updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            s.id.text(),
            s.agency_id.text(),
            s.name,
            s.name.to_lowercase(),
            int(s.version)?,
            c.current_step,
            c.current_status,
            c.complete,
            c.launch_on,
            c.review_since,
            s.created_at.text(),
            s.updated_at.text(),
        ],
    )?;
    tx.execute(
        "INSERT INTO eservice_states (id, state) VALUES (?1, ?2)",
        params![s.id.text(), json(s)?],
    )?;
    Ok(())
}

/// Writes `s` over the row at `read_version`; fails if the row moved on meanwhile.
fn update_state(tx: &Transaction<'_>, s: &EService, read_version: u64) -> Result<()> {
    let c = Columns::of(s);
    let n = tx
        .prepare_cached(
            "UPDATE eservices SET name = ?3, name_fold = ?4, version = ?5, current_step = ?6,
                    current_status = ?7, complete = ?8, launch_on = ?9, review_since = ?10,
                    updated_at = ?11
             WHERE id = ?1 AND version = ?2",
        )?
        .execute(params![
            s.id.text(),
            int(read_version)?,
            s.name,
            s.name.to_lowercase(),
            int(s.version)?,
            c.current_step,
            c.current_status,
            c.complete,
            c.launch_on,
            c.review_since,
            s.updated_at.text(),
        ])?;
    if n != 1 {
        // Cannot happen under the write lock; if it does, nothing is committed.
        return Err(StoreError::Backend(format!(
            "e-Service {} changed during the command",
            s.id
        )));
    }
    tx.prepare_cached("UPDATE eservice_states SET state = ?2 WHERE id = ?1")?
        .execute(params![s.id.text(), json(s)?])?;
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

/// The notifications and e-mails of `events`, for the state after them.
fn notify(
    tx: &Transaction<'_>,
    events: &[Event],
    after: &EService,
    mail: &MailConfig,
) -> Result<()> {
    // Notices to staff name the agency; read before an approved step 4 renames it.
    let agency_name_th: String = tx
        .prepare_cached("SELECT name_th FROM agencies WHERE id = ?1")?
        .query_row([after.agency_id.text()], |r| r.get(0))?;
    let ctx = NoticeContext {
        agency_name_th: &agency_name_th,
        mail,
    };
    for event in events {
        for notice in notices(event, after, &ctx) {
            messages::notify(tx, &notice, Some(after.id), event.at)?;
        }
    }
    Ok(())
}

/// Adds `delta` to the dashboard counters of `s`.
fn count(tx: &Transaction<'_>, s: &EService, delta: i64) -> Result<()> {
    let c = Columns::of(s);
    tx.prepare_cached(
        "INSERT INTO dashboard_steps (agency_id, current_step, current_status, complete, n)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (agency_id, current_step, current_status, complete)
         DO UPDATE SET n = n + excluded.n",
    )?
    .execute(params![
        s.agency_id.text(),
        c.current_step,
        c.current_status,
        c.complete,
        delta
    ])?;
    if let Some(launch_on) = c.launch_on {
        tx.prepare_cached(
            "INSERT INTO dashboard_launches (agency_id, launch_on, n) VALUES (?1, ?2, ?3)
             ON CONFLICT (agency_id, launch_on) DO UPDATE SET n = n + excluded.n",
        )?
        .execute(params![s.agency_id.text(), launch_on, delta])?;
    }
    Ok(())
}

fn load(tx: &Transaction<'_>, id: Uuid) -> Result<Option<EService>> {
    Ok(tx
        .prepare_cached("SELECT state FROM eservice_states WHERE id = ?1")?
        .query_row([id.text()], |r| get_json(r, 0))
        .optional()?)
}

pub(super) fn create(
    tx: &Transaction<'_>,
    actor: &Actor,
    agency_id: Uuid,
    name: &str,
    services: &[String],
    ctx: &CommandContext,
) -> Result<EService> {
    let agency_exists: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM agencies WHERE id = ?1)",
        [agency_id.text()],
        |r| r.get(0),
    )?;
    if !agency_exists {
        return Err(StoreError::NotFound);
    }
    let no_files: HashMap<String, FileFacts> = HashMap::new();
    let env = Env {
        now: ctx.now,
        files: &no_files,
        schedule: &ctx.schedule,
        credentials: &*ctx.credentials,
    };
    let (state, events) = workflow::create(actor, Uuid::now_v7(), agency_id, name, services, &env)?;
    insert_state(tx, &state)?;
    append_events(tx, &events)?;
    notify(tx, &events, &state, &ctx.mail)?;
    count(tx, &state, 1)?;
    Ok(state)
}

pub(super) fn execute(
    tx: &Transaction<'_>,
    id: Uuid,
    actor: &Actor,
    command: Command,
    expected_version: Option<u64>,
    ctx: &CommandContext,
) -> Result<EService> {
    let state = load(tx, id)?.ok_or(StoreError::NotFound)?;
    // Only files uploaded by the e-Service's own agency count; anything else is missing.
    let mut catalog: HashMap<String, FileFacts> = HashMap::new();
    for raw in command.file_ids(&state) {
        let Ok(file_id) = Uuid::parse_str(raw.trim()) else {
            continue;
        };
        if let Some(facts) = files::facts_of_agency(tx, file_id, state.agency_id)? {
            catalog.insert(raw.trim().to_owned(), facts);
        }
    }
    let env = Env {
        now: ctx.now,
        files: &catalog,
        schedule: &ctx.schedule,
        credentials: &*ctx.credentials,
    };
    let (next, events) = workflow::execute(&state, actor, command, expected_version, &env)?;
    update_state(tx, &next, state.version)?;
    append_events(tx, &events)?;
    notify(tx, &events, &next, &ctx.mail)?;
    for names in events
        .iter()
        .filter_map(|e| workflow::agency_update(&next, e))
    {
        // Approving step 4 makes the form's agency names official (SPEC §3).
        tx.execute(
            "UPDATE agencies SET name_th = ?2, name_en = ?3, ministry_th = ?4, ministry_en = ?5
             WHERE id = ?1",
            params![
                next.agency_id.text(),
                names.name_th,
                names.name_en,
                names.ministry_th,
                names.ministry_en
            ],
        )?;
    }
    if Summary::of(&state) != Summary::of(&next) {
        count(tx, &state, -1)?;
        count(tx, &next, 1)?;
    }
    Ok(next)
}

pub(super) fn get_one(tx: &Transaction<'_>, id: Uuid, scope: Scope) -> Result<Option<EService>> {
    Ok(load(tx, id)?.filter(|s| match scope {
        Scope::All => true,
        Scope::Agency(a) => s.agency_id == a,
    }))
}

pub(super) fn events(tx: &Transaction<'_>, id: Uuid) -> Result<Vec<StoredEvent>> {
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

/// The SELECT of a [`ListItem`], to be followed by WHERE and ORDER clauses.
const ITEM_SELECT: &str = "SELECT e.id, e.name, e.agency_id, a.name_th, a.ministry_th, \
                           e.current_step, e.current_status, e.launch_on, e.updated_at \
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
    })
}

/// A WHERE clause and its parameters, built from fixed fragments only.
#[derive(Default)]
struct Filter {
    conditions: Vec<&'static str>,
    params: Vec<Value>,
}

impl Filter {
    fn and(&mut self, condition: &'static str, param: Option<Value>) {
        self.conditions.push(condition);
        self.params.extend(param);
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

/// Shortest query the trigram index can answer; shorter ones scan with LIKE.
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

/// How the name part of a list query is answered.
enum NameSearch {
    /// No name condition.
    Any,
    /// The trigram index, with this FTS5 phrase.
    Trigram(String),
    /// A scan of `name_fold` with this LIKE pattern.
    Like(String),
}

impl NameSearch {
    fn of(q: Option<&str>) -> NameSearch {
        match q.map(str::trim).filter(|q| !q.is_empty()) {
            None => NameSearch::Any,
            Some(q) if q.chars().count() >= TRIGRAM => NameSearch::Trigram(fts_phrase(q)),
            Some(q) => NameSearch::Like(format!("%{}%", like_literal(&q.to_lowercase()))),
        }
    }
}

/// Up to this many name matches, a page is made by fetching every match and sorting them;
/// beyond, by walking the list order and probing the matches (which stops after one page).
const SORT_MATCHES_MAX: i64 = 1000;

/// Counts the e-Services whose name contains the phrase, from the index alone.
fn trigram_matches(tx: &Transaction<'_>, phrase: &str) -> Result<i64> {
    Ok(tx
        .prepare_cached("SELECT COUNT(*) FROM eservice_names WHERE eservice_names MATCH ?1")?
        .query_row([phrase], |r| r.get(0))?)
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
        return Err(StoreError::Command(workflow::CommandError::Malformed(
            "text may not contain NUL characters".to_owned(),
        )));
    }
    let (page, per_page) = query.paging();
    let offset = i64::from(page - 1) * i64::from(per_page);
    let empty = |total: i64| Page {
        items: Vec::new(),
        total: u64::try_from(total).unwrap_or(0),
        page,
        per_page,
    };
    let mut f = Filter::default().scope(scope);
    let mut name_matches = None;
    match NameSearch::of(query.q.as_deref()) {
        NameSearch::Any => {}
        NameSearch::Trigram(phrase) => {
            let matches = trigram_matches(tx, &phrase)?;
            if matches == 0 {
                return Ok(empty(0));
            }
            // `+` keeps the planner from driving the query by the matches, so that it walks
            // an index in list order instead (see SORT_MATCHES_MAX).
            let sort_matches =
                matches <= SORT_MATCHES_MAX || matches < 4 * (offset + i64::from(per_page));
            f.and(
                if sort_matches {
                    "e.seq IN (SELECT rowid FROM eservice_names WHERE eservice_names MATCH ?)"
                } else {
                    "+e.seq IN (SELECT rowid FROM eservice_names WHERE eservice_names MATCH ?)"
                },
                Some(Value::Text(phrase)),
            );
            name_matches = Some(matches);
        }
        NameSearch::Like(pattern) => {
            f.and("e.name_fold LIKE ? ESCAPE '\\'", Some(Value::Text(pattern)));
        }
    }
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
    let where_sql = f.sql();
    let total: i64 = match name_matches {
        // The name is the only condition: the index has already counted.
        Some(n) if f.conditions.len() == 1 => n,
        _ => tx
            .prepare_cached(&format!("SELECT COUNT(*) FROM eservices e{where_sql}"))?
            .query_row(params_from_iter(f.params.iter()), |r| r.get(0))?,
    };
    if total <= offset {
        return Ok(empty(total));
    }
    let mut params = f.params;
    params.push(Value::Integer(i64::from(per_page)));
    params.push(Value::Integer(offset));
    let mut stmt = tx.prepare_cached(&format!(
        "{ITEM_SELECT}{where_sql} ORDER BY e.updated_at DESC, e.id LIMIT ? OFFSET ?"
    ))?;
    let items = stmt
        .query_map(params_from_iter(params.iter()), |r| item_row(r, today))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Page {
        items,
        total: u64::try_from(total).unwrap_or(0),
        page,
        per_page,
    })
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
            let summary = Summary {
                current_step: get(r, 0)?,
                current_status: get(r, 1)?,
                launch_on: None,
            };
            Ok((summary, r.get::<_, i64>(2)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // The core's own definition counts the groups (at most 7 × 5 of them, repeated by size),
    // so the cards cannot drift from `Counts::of`. Live needs the launch dates: counted apart.
    let summaries = groups
        .into_iter()
        .flat_map(|(summary, n)| std::iter::repeat(summary).take(usize::try_from(n).unwrap_or(0)));
    let mut counts = Counts::of(summaries, today);
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
    counts.launched = u64::try_from(live).unwrap_or(0);
    counts.not_launched = counts.total.saturating_sub(counts.launched);
    Ok(counts)
}

pub(super) fn review_queue(
    tx: &Transaction<'_>,
    limit: u32,
    now: DateTime<Utc>,
) -> Result<Vec<ListItem>> {
    let today = today_in_bangkok(now);
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
