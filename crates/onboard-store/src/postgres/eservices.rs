//! e-Services: commands as transactions, the event log, lists and the dashboard counters.

use super::accounts::AgencyRow;
use super::write;
use super::{corrupt, db, is_retryable, to_i64, to_u64};
use crate::flow::{self, Create, Run};
use crate::{
    capped_total, Agency, ListItem, ListQuery, Page, Result, Scope, StoreError, StoredEvent,
    COUNT_LIMIT, SORT_MATCHES_MAX, WALK_ROWS,
};
use chrono::{DateTime, NaiveDate, Utc};
use onboard_core::dashboard::Counts;
use onboard_core::id::{AgencyId, EServiceId};
use onboard_core::workflow::{EService, Event, Lifecycle};
use sqlx::types::Json;
use sqlx::{PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

/// How often a command that lost a deadlock or serialization race is run again.
const RETRIES: usize = 5;

/// Folds the deltas into the counters, unless another session is folding right now.
pub(super) async fn fold_counters(pool: &PgPool) -> Result<bool> {
    let mut tx = pool.begin().await.map_err(db)?;
    // One folder per schema at a time, so two never update the counters in opposite orders.
    let mine: bool = sqlx::query_scalar(
        "SELECT pg_try_advisory_xact_lock(hashtext('onboard.dashboard.' || current_schema()))",
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(db)?;
    if !mine {
        return Ok(false);
    }
    sqlx::query(
        "WITH d AS (DELETE FROM dashboard_status_delta \
                    RETURNING agency_id, current_step, current_status, complete, n) \
         INSERT INTO dashboard_status AS c (agency_id, current_step, current_status, complete, n) \
         SELECT agency_id, current_step, current_status, complete, sum(n) FROM d \
         GROUP BY agency_id, current_step, current_status, complete \
         ON CONFLICT (agency_id, current_step, current_status, complete) \
         DO UPDATE SET n = c.n + EXCLUDED.n",
    )
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    sqlx::query(
        "WITH d AS (DELETE FROM dashboard_launch_delta RETURNING agency_id, launch_on, n) \
         INSERT INTO dashboard_launch AS c (agency_id, launch_on, n) \
         SELECT agency_id, launch_on, sum(n) FROM d GROUP BY agency_id, launch_on \
         ON CONFLICT (agency_id, launch_on) DO UPDATE SET n = c.n + EXCLUDED.n",
    )
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    // Buckets nobody is in any more would only slow the sums down.
    sqlx::query("DELETE FROM dashboard_status WHERE n = 0")
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    sqlx::query("DELETE FROM dashboard_launch WHERE n = 0")
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(true)
}

pub(super) async fn create_eservice(pool: &PgPool, new: &Create) -> Result<EService> {
    let agency = super::accounts::agency(pool, new.agency_id).await?;
    let w = flow::create(new, agency.as_ref())?;
    let mut conn = pool.acquire().await.map_err(db)?;
    // One statement is one transaction: no BEGIN needed. An agency removed meanwhile fails
    // its foreign key.
    match write::write(&mut conn, &w).await {
        Ok(()) => Ok(w.state),
        Err(e) if is_missing_agency(&e) => Err(StoreError::NotFound),
        Err(e) => Err(db(e)),
    }
}

fn is_missing_agency(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d)
        if d.code().as_deref() == Some("23503")
            && d.constraint().is_some_and(|c| c.contains("agency")))
}

pub(super) async fn eservice(
    pool: &PgPool,
    id: EServiceId,
    scope: Scope,
) -> Result<Option<EService>> {
    let row: Option<Json<EService>> = sqlx::query_scalar(
        "SELECT state FROM eservices WHERE id = $1 AND ($2::uuid IS NULL OR agency_id = $2)",
    )
    .bind(id.uuid())
    .bind(scope_agency(scope))
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    Ok(row.map(|Json(s)| s))
}

fn scope_agency(scope: Scope) -> Option<Uuid> {
    match scope {
        Scope::All => None,
        Scope::Agency(a) => Some(a.uuid()),
    }
}

pub(super) async fn execute(pool: &PgPool, run: Run) -> Result<EService> {
    let mut attempt = 0;
    loop {
        match execute_once(pool, run.clone()).await {
            Err(Retry::Again(e)) if attempt < RETRIES => {
                attempt += 1;
                tracing::debug!(error = %e, attempt, "command lost a race; running it again");
            }
            Err(Retry::Again(e)) => return Err(db(e)),
            Err(Retry::Fail(e)) => return Err(e),
            Ok(next) => return Ok(next),
        }
    }
}

/// Why one run of a command's transaction failed.
enum Retry {
    /// A deadlock or serialization failure: nothing was written, run it again.
    Again(sqlx::Error),
    /// Final.
    Fail(StoreError),
}

impl From<StoreError> for Retry {
    fn from(e: StoreError) -> Self {
        Retry::Fail(e)
    }
}

fn sql(e: sqlx::Error) -> Retry {
    if is_retryable(&e) {
        Retry::Again(e)
    } else {
        Retry::Fail(db(e))
    }
}

/// An e-Service locked for a command, and its agency.
#[derive(sqlx::FromRow)]
struct Locked {
    state: Json<EService>,
    #[sqlx(flatten)]
    agency: AgencyRow,
}

async fn execute_once(pool: &PgPool, run: Run) -> Result<EService, Retry> {
    let mut tx = pool.begin().await.map_err(sql)?;
    // The row lock makes a concurrent command on this e-Service wait for our commit and then
    // decide on the state we wrote: exactly one of two racing commands sees each version.
    // The agency comes along: notices to staff name it, and step 4 may rename it.
    let row: Option<Locked> = sqlx::query_as(
        "SELECT e.state, a.id, a.name_th, a.name_en, a.ministry_th, a.ministry_en \
         FROM eservices e JOIN agencies a ON a.id = e.agency_id \
         WHERE e.id = $1 FOR UPDATE OF e",
    )
    .bind(run.id.uuid())
    .fetch_optional(&mut *tx)
    .await
    .map_err(sql)?;
    let Some(Locked {
        state: Json(state),
        agency,
    }) = row
    else {
        return Err(Retry::Fail(StoreError::NotFound));
    };
    let agency = Agency::from(agency);
    // Only files of the e-Service's agency are looked up, so nothing leaks before the core
    // decides (visibility included).
    let wanted = flow::wanted_files(&run.command, &state);
    let files = super::files::catalog(&mut tx, state.agency_id(), &wanted).await?;
    let w = flow::execute(&state, &agency, &files, run)?;
    write::write(&mut tx, &w).await.map_err(sql)?;
    tx.commit().await.map_err(sql)?;
    Ok(w.state)
}

pub(super) async fn events(pool: &PgPool, id: EServiceId) -> Result<Vec<StoredEvent>> {
    let rows: Vec<(i64, Json<Event>)> =
        sqlx::query_as("SELECT seq, data FROM events WHERE eservice_id = $1 ORDER BY seq")
            .bind(id.uuid())
            .fetch_all(pool)
            .await
            .map_err(db)?;
    Ok(rows
        .into_iter()
        .map(|(seq, Json(event))| StoredEvent { seq, event })
        .collect())
}

/// The columns of a [`ListItem`], over `eservices e JOIN agencies a`.
const ITEM_COLUMNS: &str = "e.id, e.name, e.agency_id, a.name_th AS agency_name_th, \
     a.ministry_th, e.current_step, e.current_status, e.launch_on, e.review_since, \
     (e.state ->> 'updated_at') AS updated_at";

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: Uuid,
    name: String,
    agency_id: Uuid,
    agency_name_th: String,
    ministry_th: String,
    current_step: String,
    current_status: String,
    launch_on: Option<NaiveDate>,
    review_since: Option<DateTime<Utc>>,
    // Read from the state, which keeps the nanoseconds that timestamptz would round away.
    updated_at: Option<String>,
}

impl ItemRow {
    fn item(self, today: NaiveDate) -> Result<ListItem> {
        let updated_at = self
            .updated_at
            .as_deref()
            .ok_or_else(|| corrupt("e-Service state", "no updated_at"))
            .and_then(|s| {
                DateTime::parse_from_rfc3339(s).map_err(|e| corrupt("e-Service updated_at", e))
            })?
            .with_timezone(&Utc);
        Ok(ListItem {
            id: EServiceId::from(self.id),
            name: self.name,
            agency_id: AgencyId::from(self.agency_id),
            agency_name_th: self.agency_name_th,
            ministry_th: self.ministry_th,
            current_step: self
                .current_step
                .parse()
                .map_err(|e| corrupt("current step", e))?,
            current_status: self
                .current_status
                .parse()
                .map_err(|e| corrupt("current status", e))?,
            lifecycle: Lifecycle::at(self.launch_on, today),
            launch_on: self.launch_on,
            updated_at,
            review_since: self.review_since,
        })
    }
}

/// `%q%` for LIKE with the LIKE metacharacters of `q` taken literally.
fn contains_pattern(q: &str) -> String {
    let mut p = String::with_capacity(q.len() + 2);
    p.push('%');
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// Appends the ids of the agencies whose Thai or English name is like `pattern`, as a
/// parenthesized subquery (SPEC §10: read from the agency rows at query time).
fn push_matching_agencies(q: &mut QueryBuilder<'_, Postgres>, pattern: &str) {
    q.push("(SELECT id FROM agencies WHERE lower(name_th) LIKE ")
        .push_bind(pattern.to_owned())
        .push(" ESCAPE '\\' OR lower(name_en) LIKE ")
        .push_bind(pattern.to_owned())
        .push(" ESCAPE '\\')");
}

/// Appends the filters of a list query (`WHERE true` must precede); `search` is the
/// lowercased query.
fn push_filters(
    q: &mut QueryBuilder<'_, Postgres>,
    query: &ListQuery,
    scope: Scope,
    today: NaiveDate,
    search: Option<&str>,
) {
    if let Some(agency) = scope_agency(scope) {
        q.push(" AND e.agency_id = ").push_bind(agency);
    }
    if let Some(agency) = query.agency_id {
        q.push(" AND e.agency_id = ").push_bind(agency.uuid());
    }
    if let Some(step) = query.step {
        q.push(" AND e.current_step = ").push_bind(step.as_str());
    }
    if let Some(status) = query.status {
        q.push(" AND e.current_status = ")
            .push_bind(status.as_str());
    }
    if let Some(text) = search {
        // SPEC §10: the name, any service, or the agency's Thai or English name. Each branch
        // is answered by its own trigram index; the agency's names are read from the agency
        // row at query time, so a renamed agency is found by its new names at once. Names
        // and services are lowercased by Rust like the query: case-insensitive, Thai too.
        let pattern = contains_pattern(text);
        q.push(" AND e.id IN (SELECT eservice_id FROM eservice_texts WHERE fold LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' UNION ALL SELECT x.id FROM eservices x WHERE x.agency_id IN ");
        push_matching_agencies(q, &pattern);
        q.push(")");
    }
    match query.lifecycle {
        None => {}
        Some(Lifecycle::Onboarding) => {
            q.push(" AND e.launch_on IS NULL");
        }
        Some(Lifecycle::Scheduled) => {
            q.push(" AND e.launch_on > ").push_bind(today);
        }
        Some(Lifecycle::Live) => {
            q.push(" AND e.launch_on <= ").push_bind(today);
        }
    }
}

pub(super) async fn list(
    pool: &PgPool,
    query: &ListQuery,
    scope: Scope,
    today: NaiveDate,
) -> Result<Page<ListItem>> {
    let (page, per_page) = query.paging();
    let offset = (i64::from(page) - 1) * i64::from(per_page);
    // Lowercased once, as the stored texts are.
    let folded = query
        .q
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_lowercase);
    let search = folded.as_deref();

    // A search counts its matches first, up to the cap; with many, the page is looked for in
    // the first rows of the list order, each tested in place (see `walk`).
    let counted = match search {
        Some(text) => {
            let unfiltered = scope_agency(scope).is_none()
                && query.agency_id.is_none()
                && query.step.is_none()
                && query.status.is_none()
                && query.lifecycle.is_none();
            let quick = if unfiltered {
                texts_matching(pool, &contains_pattern(text)).await?
            } else {
                None
            };
            let n = match quick {
                Some(n) => n,
                None => {
                    let mut c = QueryBuilder::<Postgres>::new(
                        "SELECT count(*) FROM (SELECT 1 FROM eservices e WHERE true",
                    );
                    push_filters(&mut c, query, scope, today, search);
                    c.push(format!(" LIMIT {COUNT_LIMIT}) c"));
                    let n: i64 = c.build_query_scalar().fetch_one(pool).await.map_err(db)?;
                    to_u64(n)
                }
            };
            if n == 0 {
                return Ok(Page {
                    items: Vec::new(),
                    total: 0,
                    total_capped: false,
                    page,
                    per_page,
                });
            }
            Some((n, text))
        }
        None => None,
    };
    let walked = match counted {
        Some((n, text)) if n > SORT_MATCHES_MAX && crate::tested_in_place(text) => {
            walk(pool, query, scope, today, text, (offset, per_page)).await?
        }
        _ => None,
    };
    let rows = match walked {
        Some(rows) => rows,
        None => sorted_page(pool, query, scope, today, search, (offset, per_page)).await?,
    };

    let total = match counted {
        Some((n, _)) => n,
        None if query.skip_total => {
            to_u64(offset).saturating_add(u64::try_from(rows.len()).unwrap_or(0))
        }
        // Only agency, step and status filters: the dashboard counters know the total.
        None if query.lifecycle.is_none() => count_from_counters(pool, query, scope).await?,
        // A lifecycle filter.
        None => {
            let mut c =
                QueryBuilder::<Postgres>::new("SELECT count(*) FROM eservices e WHERE true");
            push_filters(&mut c, query, scope, today, None);
            let n: i64 = c.build_query_scalar().fetch_one(pool).await.map_err(db)?;
            to_u64(n)
        }
    };
    let (total, total_capped) = if search.is_some() {
        capped_total(total)
    } else {
        (total, false)
    };
    let items = rows
        .into_iter()
        .map(|r| r.item(today))
        .collect::<Result<Vec<_>>>()?;
    Ok(Page {
        items,
        total,
        total_capped,
        page,
        per_page,
    })
}

/// Text rows the quick count of a search reads at most: twice [`COUNT_LIMIT`], so that
/// e-Services matching by one text each (the usual case) are counted past the cap from them.
const TEXT_ROWS: i64 = 2 * COUNT_LIMIT as i64;

/// A search's count up to [`COUNT_LIMIT`] from the first [`TEXT_ROWS`] matching texts
/// alone, which stops reading there (the full count must gather and deduplicate every
/// match first). For a list without other filters; `None` when it cannot tell: an agency
/// name matches too, or the texts read name fewer e-Services than the cap.
async fn texts_matching(pool: &PgPool, pattern: &str) -> Result<Option<u64>> {
    let mut q = QueryBuilder::<Postgres>::new(
        "WITH t AS (SELECT eservice_id FROM eservice_texts WHERE fold LIKE ",
    );
    q.push_bind(pattern.to_owned())
        .push(" ESCAPE '\\' LIMIT ")
        .push_bind(TEXT_ROWS)
        .push(
            ") SELECT (SELECT count(*) FROM t), (SELECT count(DISTINCT eservice_id) FROM t), \
             EXISTS ",
        );
    push_matching_agencies(&mut q, pattern);
    let (rows, ids, agencies): (i64, i64, bool) =
        q.build_query_as().fetch_one(pool).await.map_err(db)?;
    let limit = to_i64(COUNT_LIMIT);
    // All matching texts read, or enough e-Services among them for the cap.
    let known = !agencies && (rows < TEXT_ROWS || ids >= limit);
    Ok(known.then(|| to_u64(ids.min(limit))))
}

/// One page of the rows matching the query, in list order. The page is chosen on narrow
/// columns first; only its rows are then joined.
async fn sorted_page(
    pool: &PgPool,
    query: &ListQuery,
    scope: Scope,
    today: NaiveDate,
    search: Option<&str>,
    (offset, per_page): (i64, u32),
) -> Result<Vec<ItemRow>> {
    let mut q = QueryBuilder::<Postgres>::new("");
    if search.is_some() {
        // Few matches (or a deep page): found once through the trigram indexes and sorted,
        // instead of walking the whole update-order index for a rare name.
        q.push("WITH m AS MATERIALIZED (SELECT e.id, e.updated_at FROM eservices e WHERE true");
        push_filters(&mut q, query, scope, today, search);
        q.push("), p AS (SELECT id, updated_at FROM m");
    } else {
        q.push("WITH p AS (SELECT e.id, e.updated_at FROM eservices e WHERE true");
        push_filters(&mut q, query, scope, today, search);
    }
    q.push(" ORDER BY updated_at DESC, id LIMIT ")
        .push_bind(i64::from(per_page))
        .push(" OFFSET ")
        .push_bind(offset);
    page_rows(pool, q).await
}

/// Ends `q`, a `WITH p AS (...` choosing a page's ids and `updated_at` in list order, by
/// joining only those rows, and reads them.
async fn page_rows(pool: &PgPool, mut q: QueryBuilder<'_, Postgres>) -> Result<Vec<ItemRow>> {
    q.push(format!(
        ") SELECT {ITEM_COLUMNS} \
         FROM p JOIN eservices e ON e.id = p.id JOIN agencies a ON a.id = e.agency_id \
         ORDER BY p.updated_at DESC, p.id"
    ));
    q.build_query_as().fetch_all(pool).await.map_err(db)
}

/// The page of a search with many matches, looked for in the first [`WALK_ROWS`] rows of
/// the list order (after the other filters), each tested in place: its `search_fold` holds
/// `folded` (the lowercased query), or its agency's names do. `None` when they hold fewer matches than the page
/// needs, so that the caller sorts every match instead.
async fn walk(
    pool: &PgPool,
    query: &ListQuery,
    scope: Scope,
    today: NaiveDate,
    folded: &str,
    (offset, per_page): (i64, u32),
) -> Result<Option<Vec<ItemRow>>> {
    if to_u64(offset) + u64::from(per_page) > WALK_ROWS {
        return Ok(None);
    }
    let mut q = QueryBuilder::<Postgres>::new(
        "WITH p AS (SELECT w.id, w.updated_at FROM (\
         SELECT e.id, e.updated_at, e.search_fold, e.agency_id FROM eservices e WHERE true",
    );
    push_filters(&mut q, query, scope, today, None);
    q.push(" ORDER BY e.updated_at DESC, e.id LIMIT ")
        .push_bind(to_i64(WALK_ROWS))
        .push(") w WHERE (strpos(w.search_fold, ")
        .push_bind(folded.to_owned())
        .push(") > 0 OR w.agency_id IN ");
    push_matching_agencies(&mut q, &contains_pattern(folded));
    q.push(") ORDER BY w.updated_at DESC, w.id LIMIT ")
        .push_bind(i64::from(per_page))
        .push(" OFFSET ")
        .push_bind(offset);
    let rows = page_rows(pool, q).await?;
    Ok((rows.len() == per_page as usize).then_some(rows))
}

/// The number of e-Services matching agency, step and status filters, from the counters.
async fn count_from_counters(pool: &PgPool, query: &ListQuery, scope: Scope) -> Result<u64> {
    let mut q = QueryBuilder::<Postgres>::new(
        "SELECT coalesce(sum(n), 0)::int8 FROM ( \
             SELECT agency_id, current_step, current_status, n FROM dashboard_status \
             UNION ALL \
             SELECT agency_id, current_step, current_status, n FROM dashboard_status_delta \
         ) e WHERE true",
    );
    if let Some(agency) = scope_agency(scope) {
        q.push(" AND e.agency_id = ").push_bind(agency);
    }
    if let Some(agency) = query.agency_id {
        q.push(" AND e.agency_id = ").push_bind(agency.uuid());
    }
    if let Some(step) = query.step {
        q.push(" AND e.current_step = ").push_bind(step.as_str());
    }
    if let Some(status) = query.status {
        q.push(" AND e.current_status = ")
            .push_bind(status.as_str());
    }
    let n: i64 = q.build_query_scalar().fetch_one(pool).await.map_err(db)?;
    Ok(to_u64(n))
}

/// One dashboard bucket (all NULL when there is none) and the live count.
#[derive(sqlx::FromRow)]
struct BucketRow {
    current_step: Option<String>,
    current_status: Option<String>,
    n: i64,
    live: i64,
}

pub(super) async fn dashboard(pool: &PgPool, scope: Scope, today: NaiveDate) -> Result<Counts> {
    // One statement, so the buckets and the launch count are of one snapshot.
    let rows: Vec<BucketRow> = sqlx::query_as(
        "WITH s AS ( \
             SELECT current_step, current_status, complete, sum(n)::int8 AS n FROM ( \
                 SELECT agency_id, current_step, current_status, complete, n \
                 FROM dashboard_status \
                 UNION ALL \
                 SELECT agency_id, current_step, current_status, complete, n \
                 FROM dashboard_status_delta) c \
             WHERE $1::uuid IS NULL OR agency_id = $1 \
             GROUP BY current_step, current_status, complete), \
         l AS ( \
             SELECT coalesce(sum(n), 0)::int8 AS live FROM ( \
                 SELECT agency_id, launch_on, n FROM dashboard_launch \
                 UNION ALL \
                 SELECT agency_id, launch_on, n FROM dashboard_launch_delta) c \
             WHERE ($1::uuid IS NULL OR agency_id = $1) AND launch_on <= $2) \
         SELECT s.current_step, s.current_status, coalesce(s.n, 0) AS n, l.live \
         FROM l LEFT JOIN s ON true",
    )
    .bind(scope_agency(scope))
    .bind(today)
    .fetch_all(pool)
    .await
    .map_err(db)?;

    let mut launched = 0;
    let mut groups = Vec::with_capacity(rows.len());
    for row in rows {
        launched = to_u64(row.live);
        let (Some(step), Some(status)) = (row.current_step, row.current_status) else {
            continue;
        };
        let step = step.parse().map_err(|e| corrupt("counter step", e))?;
        let status = status.parse().map_err(|e| corrupt("counter status", e))?;
        groups.push(((step, status), to_u64(row.n)));
    }
    Ok(flow::counts(groups, launched, today))
}

pub(super) async fn review_queue(
    pool: &PgPool,
    limit: u32,
    today: NaiveDate,
) -> Result<Vec<ListItem>> {
    let rows: Vec<ItemRow> = sqlx::query_as(&format!(
        "SELECT {ITEM_COLUMNS} FROM eservices e JOIN agencies a ON a.id = e.agency_id \
         WHERE e.review_since IS NOT NULL ORDER BY e.review_since, e.id LIMIT $1"
    ))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.into_iter().map(|r| r.item(today)).collect()
}

pub(super) async fn launched(
    pool: &PgPool,
    scope: Scope,
    today: NaiveDate,
) -> Result<Vec<ListItem>> {
    let rows: Vec<ItemRow> = sqlx::query_as(&format!(
        "SELECT {ITEM_COLUMNS} FROM eservices e JOIN agencies a ON a.id = e.agency_id \
         WHERE e.launch_on IS NOT NULL AND ($1::uuid IS NULL OR e.agency_id = $1) \
         ORDER BY e.launch_on, e.id"
    ))
    .bind(scope_agency(scope))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.into_iter().map(|r| r.item(today)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_metacharacters_are_literal() {
        assert_eq!(contains_pattern("ระบบ"), "%ระบบ%");
        assert_eq!(contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
