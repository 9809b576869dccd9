//! Everything one accepted command writes, as one statement: the e-Service row, its events,
//! the dashboard deltas, its searchable texts when they changed, the agency names of an
//! approved step 4, and one notification and one outbox e-mail per recipient of each notice.
//! One round trip instead of one per table (commands are bound by round trips long before
//! the disk).

use super::to_i64;
use crate::flow::{Writes, STAFF_ROLES};
use crate::Result;
use chrono::{DateTime, NaiveDate, Utc};
use onboard_core::notify::{Audience, Notice};
use onboard_core::reference::{Step, StepStatus};
use onboard_core::workflow::Event;
use sqlx::types::Json;
use sqlx::PgConnection;
use std::sync::LazyLock;
use uuid::Uuid;

const INSERT_ROW: &str =
    "INSERT INTO eservices (id, agency_id, name, search_fold, version, state, \
         current_step, current_status, complete, launch_on, review_since, created_at, updated_at) \
     VALUES ($1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
     RETURNING id, $2::int8 AS unused";

const UPDATE_ROW: &str =
    "UPDATE eservices SET name = $4, search_fold = $5, version = $6, state = $7, \
         current_step = $8, current_status = $9, complete = $10, launch_on = $11, \
         review_since = $12, updated_at = $14 \
     WHERE id = $1 AND version = $2 AND agency_id = $3 \
     RETURNING id, $13::timestamptz AS unused";

/// The statement after the row CTE `u`; every insert joins `u`, so nothing is written when
/// the row was not.
const REST: &str = "\
ev AS (INSERT INTO events (eservice_id, version, at, actor, kind, step, from_status, to_status, \
           data) \
       SELECT u.id, x.v, x.a, x.ac, x.k, x.s, x.f, x.t, x.d::jsonb \
       FROM u, unnest($15::int8[], $16::timestamptz[], $17::uuid[], $18::text[], $19::text[], \
                      $20::text[], $21::text[], $22::text[]) \
               WITH ORDINALITY AS x(v, a, ac, k, s, f, t, d, o) \
       ORDER BY x.o), \
ds AS (INSERT INTO dashboard_status_delta (agency_id, current_step, current_status, complete, n) \
       SELECT $3, x.s, x.st, x.c, x.n \
       FROM u, unnest($23::text[], $24::text[], $25::bool[], $26::int8[]) AS x(s, st, c, n)), \
dl AS (INSERT INTO dashboard_launch_delta (agency_id, launch_on, n) \
       SELECT $3, x.d, x.n FROM u, unnest($27::date[], $28::int8[]) AS x(d, n)), \
sd AS (DELETE FROM eservice_texts t USING u \
       WHERE t.eservice_id = u.id AND $43::text[] IS NOT NULL), \
si AS (INSERT INTO eservice_texts (eservice_id, position, fold) \
       SELECT u.id, x.o - 1, x.f FROM u, unnest($43::text[]) WITH ORDINALITY AS x(f, o)), \
ag AS (UPDATE agencies SET name_th = $39, name_en = $40, ministry_th = $41, ministry_en = $42 \
       FROM u WHERE agencies.id = $3 AND $39::text IS NOT NULL), \
nt AS (SELECT x.* FROM u, unnest($29::text[], $30::uuid[], $31::text[], $32::timestamptz[], \
                                 $33::text[], $34::text[], $35::text[], $36::text[], \
                                 $37::text[], $38::text[], $44::text[], $45::text[], \
                                 $46::text[]) \
           WITH ORDINALITY AS x(aud, aud_id, kind, at, title_th, title_en, body_th, body_en, \
                                subject, letter, to_address, to_name, secret, o)), \
r AS MATERIALIZED ( \
       SELECT nt.*, us.id AS uid, us.email, us.display_name FROM nt JOIN users us \
           ON nt.aud = 'staff' AND us.role IN STAFF_ROLES AND NOT us.disabled \
       UNION ALL \
       SELECT nt.*, us.id, us.email, us.display_name FROM nt JOIN users us \
           ON nt.aud = 'agency' AND us.agency_id = nt.aud_id AND NOT us.disabled \
       UNION ALL \
       SELECT nt.*, us.id, us.email, us.display_name FROM nt JOIN users us \
           ON nt.aud = 'user' AND us.id = nt.aud_id AND NOT us.disabled \
       UNION ALL \
       SELECT nt.*, NULL::uuid, nt.to_address, nt.to_name FROM nt WHERE nt.aud = 'address'), \
nn AS (INSERT INTO notifications (id, recipient, at, kind, eservice_id, title_th, title_en, \
           body_th, body_en) \
       SELECT gen_random_uuid(), r.uid, r.at, r.kind, $1, r.title_th, r.title_en, r.body_th, \
           r.body_en \
       FROM r WHERE r.uid IS NOT NULL ORDER BY r.o, r.uid), \
oo AS (INSERT INTO outbox (id, recipient, to_address, eservice_id, subject, body, secret, kind, \
           created_at, status, next_attempt_at) \
       SELECT gen_random_uuid(), r.uid, r.email, $1, r.subject, format(r.letter, r.display_name), \
           r.secret, r.kind, r.at, 'pending', r.at \
       FROM r ORDER BY r.o, r.uid) \
SELECT count(*) FROM u";

/// The statement of a new e-Service and of a command on one, with [`STAFF_ROLES`] spelled
/// out (a literal list, so the partial index on staff accounts serves it).
static STATEMENTS: LazyLock<[String; 2]> = LazyLock::new(|| {
    let rest = REST.replace("STAFF_ROLES", &STAFF_ROLES);
    [INSERT_ROW, UPDATE_ROW].map(|row| format!("WITH u AS ({row}), {rest}"))
});

/// Writes what an accepted command decided (see [`crate::flow`]), resolving its notices to
/// accounts in the same statement. On an update, the caller holds the row locked.
pub(super) async fn write(conn: &mut PgConnection, w: &Writes) -> Result<(), sqlx::Error> {
    let (next, cols) = (&w.state, &w.columns);
    let [insert, update] = &*STATEMENTS;
    let sql = if w.read_version.is_some() {
        update
    } else {
        insert
    };

    let mut ev = EventArrays::default();
    for event in &w.events {
        ev.push(event)
            .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    }
    let mut nt = NoticeArrays::default();
    for (notice, at) in &w.notices {
        nt.push(notice, *at);
    }
    let (mut d_steps, mut d_statuses, mut d_completes, mut d_ns) = (vec![], vec![], vec![], vec![]);
    for ((step, status, complete), n) in &w.buckets {
        d_steps.push(step.as_str());
        d_statuses.push(status.as_str());
        d_completes.push(*complete);
        d_ns.push(*n);
    }
    let (l_days, l_ns): (Vec<NaiveDate>, Vec<i64>) = w.launches.iter().copied().unzip();
    let names = w.agency_names.as_ref();

    let written: i64 = sqlx::query_scalar(sql)
        .bind(next.id().uuid())
        .bind(w.read_version.map(to_i64))
        .bind(next.agency_id().uuid())
        .bind(next.name())
        .bind(&w.search_fold)
        .bind(to_i64(next.version()))
        .bind(Json(next))
        .bind(cols.current_step.as_str())
        .bind(cols.current_status.as_str())
        .bind(cols.complete)
        .bind(cols.launch_on)
        .bind(cols.review_since)
        .bind(next.created_at())
        .bind(next.updated_at())
        .bind(&ev.versions)
        .bind(&ev.ats)
        .bind(&ev.actors)
        .bind(&ev.kinds)
        .bind(&ev.steps)
        .bind(&ev.froms)
        .bind(&ev.tos)
        .bind(&ev.data)
        .bind(&d_steps)
        .bind(&d_statuses)
        .bind(&d_completes)
        .bind(&d_ns)
        .bind(&l_days)
        .bind(&l_ns)
        .bind(&nt.audiences)
        .bind(&nt.audience_ids)
        .bind(&nt.kinds)
        .bind(&nt.ats)
        .bind(&nt.titles_th)
        .bind(&nt.titles_en)
        .bind(&nt.bodies_th)
        .bind(&nt.bodies_en)
        .bind(&nt.subjects)
        .bind(&nt.letters)
        .bind(names.map(|n| n.name_th.as_str()))
        .bind(names.map(|n| n.name_en.as_str()))
        .bind(names.map(|n| n.ministry_th.as_str()))
        .bind(names.map(|n| n.ministry_en.as_str()))
        .bind(w.texts.as_deref())
        .bind(&nt.to_addresses)
        .bind(&nt.to_names)
        .bind(&nt.secrets)
        .fetch_one(conn)
        .await?;
    if written != 1 {
        // Cannot happen while the row is locked; never write over a change we did not see.
        return Err(sqlx::Error::Protocol(format!(
            "e-Service {} changed under a row lock",
            next.id()
        )));
    }
    Ok(())
}

/// Events as column arrays.
#[derive(Default)]
struct EventArrays {
    ids: Vec<Uuid>,
    versions: Vec<i64>,
    ats: Vec<DateTime<Utc>>,
    actors: Vec<Uuid>,
    kinds: Vec<&'static str>,
    steps: Vec<Option<&'static str>>,
    froms: Vec<Option<&'static str>>,
    tos: Vec<Option<&'static str>>,
    data: Vec<String>,
}

impl EventArrays {
    fn push(&mut self, e: &Event) -> Result<(), serde_json::Error> {
        self.data.push(serde_json::to_string(e)?);
        self.ids.push(e.eservice_id.uuid());
        self.versions.push(to_i64(e.version));
        self.ats.push(e.at);
        self.actors.push(e.actor.uuid());
        self.kinds.push(e.change.kind());
        self.steps.push(e.step.map(Step::as_str));
        self.froms.push(e.from_status.map(StepStatus::as_str));
        self.tos.push(e.to_status.map(StepStatus::as_str));
        Ok(())
    }
}

/// Inserts events in one statement, for a bulk import (a command's events go with
/// [`write`]).
pub(super) async fn insert_events(conn: &mut PgConnection, events: &[Event]) -> crate::Result<()> {
    let mut ev = EventArrays::default();
    for event in events {
        ev.push(event)
            .map_err(|e| super::db(sqlx::Error::Encode(Box::new(e))))?;
    }
    // WITH ORDINALITY keeps the log in the order the core produced it.
    sqlx::query(
        "INSERT INTO events (eservice_id, version, at, actor, kind, step, from_status, \
             to_status, data) \
         SELECT e, v, a, ac, k, s, f, t, d::jsonb \
         FROM unnest($1::uuid[], $2::int8[], $3::timestamptz[], $4::uuid[], $5::text[], \
             $6::text[], $7::text[], $8::text[], $9::text[]) \
             WITH ORDINALITY AS x(e, v, a, ac, k, s, f, t, d, o) \
         ORDER BY o",
    )
    .bind(&ev.ids)
    .bind(&ev.versions)
    .bind(&ev.ats)
    .bind(&ev.actors)
    .bind(&ev.kinds)
    .bind(&ev.steps)
    .bind(&ev.froms)
    .bind(&ev.tos)
    .bind(&ev.data)
    .execute(conn)
    .await
    .map_err(super::db)?;
    Ok(())
}

/// Notices as column arrays; the audience is resolved to accounts in the statement.
#[derive(Default)]
struct NoticeArrays {
    audiences: Vec<&'static str>,
    audience_ids: Vec<Option<Uuid>>,
    kinds: Vec<&'static str>,
    ats: Vec<DateTime<Utc>>,
    titles_th: Vec<String>,
    titles_en: Vec<String>,
    bodies_th: Vec<String>,
    bodies_en: Vec<String>,
    subjects: Vec<String>,
    /// The e-mail body as a `format()` string whose `%1$s` is the recipient's name.
    letters: Vec<String>,
    /// The address and name of an `address` audience.
    to_addresses: Vec<Option<String>>,
    to_names: Vec<Option<String>>,
    secrets: Vec<Option<String>>,
}

impl NoticeArrays {
    fn push(&mut self, n: &Notice, at: DateTime<Utc>) {
        let (audience, id, address) = match &n.audience {
            Audience::Staff => ("staff", None, None),
            Audience::Agency(a) => ("agency", Some(a.uuid()), None),
            Audience::User(u) => ("user", Some(u.uuid()), None),
            Audience::Address { email, name } => ("address", None, Some((email, name))),
        };
        self.audiences.push(audience);
        self.audience_ids.push(id);
        self.to_addresses.push(address.map(|(e, _)| e.clone()));
        self.to_names.push(address.map(|(_, n)| n.clone()));
        self.kinds.push(n.kind.as_str());
        self.ats.push(at);
        self.subjects.push(n.subject());
        self.letters.push(letter_format(n));
        self.secrets.push(n.secret.clone());
        self.titles_th.push(n.title_th.clone());
        self.titles_en.push(n.title_en.clone());
        self.bodies_th.push(n.body_th.clone());
        self.bodies_en.push(n.body_en.clone());
    }
}

/// The notice's e-mail body as a PostgreSQL `format()` string: the parts core builds around
/// the recipient's name, `%` escaped, joined by `%1$s`, so that the statement that resolves
/// the accounts also greets each by name.
pub(super) fn letter_format(n: &Notice) -> String {
    n.email_parts().map(|p| p.replace('%', "%%")).join("%1$s")
}

#[cfg(test)]
mod tests {
    use super::*;
    use onboard_core::id::UserId;
    use onboard_core::notify::{account_created, MailConfig};

    #[test]
    fn letter_format_escapes_percent_signs() {
        let mail = MailConfig::new("https://a.go.th/%7Eportal", "100% DGA").unwrap();
        let n = account_created(UserId::from_u128(0), "user%1$s", "Pass%word1", &mail);
        let f = letter_format(&n);
        // Exactly two holes, for the name; every other % is doubled.
        assert_eq!(f.matches("%1$s").count() - f.matches("%%1$s").count(), 2);
        assert_eq!(
            f.replace("%%", "\u{0}")
                .replace("%1$s", "สมชาย")
                .replace('\u{0}', "%"),
            n.email_body("สมชาย")
        );
    }
}
