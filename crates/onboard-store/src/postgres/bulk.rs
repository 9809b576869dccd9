//! Bulk loading of e-Services made by the core, for seeding and benchmarks.

use super::write::insert_events;
use super::{db, to_i64, PgStore};
use crate::flow::Columns;
use crate::{Result, StoreError};
use chrono::NaiveDate;
use onboard_core::workflow::{EService, Event};
use sqlx::types::Json;
use std::collections::HashMap;
use uuid::Uuid;

/// e-Services written per statement.
const CHUNK: usize = 1000;

impl PgStore {
    /// Writes e-Services with their event logs in large transactions, bypassing commands:
    /// **for seeding and benchmarks only**. The caller vouches that each state is what its
    /// events fold to (build both with `onboard_core::workflow`), that the agencies exist and
    /// that the ids are new. No notification or e-mail is written; the dashboard counters
    /// are updated. One transaction per chunk of 1,000 e-Services.
    pub async fn bulk_import(&self, services: &[(EService, Vec<Event>)]) -> Result<()> {
        for chunk in services.chunks(CHUNK) {
            self.import_chunk(chunk).await?;
        }
        Ok(())
    }

    async fn import_chunk(&self, chunk: &[(EService, Vec<Event>)]) -> Result<()> {
        let mut ids = Vec::with_capacity(chunk.len());
        let mut agencies = Vec::with_capacity(chunk.len());
        let mut names = Vec::with_capacity(chunk.len());
        let mut folds = Vec::with_capacity(chunk.len());
        let mut versions = Vec::with_capacity(chunk.len());
        let mut states = Vec::with_capacity(chunk.len());
        let mut steps = Vec::with_capacity(chunk.len());
        let mut statuses = Vec::with_capacity(chunk.len());
        let mut completes = Vec::with_capacity(chunk.len());
        let mut launches = Vec::with_capacity(chunk.len());
        let mut reviews = Vec::with_capacity(chunk.len());
        let mut created = Vec::with_capacity(chunk.len());
        let mut updated = Vec::with_capacity(chunk.len());
        let mut buckets: HashMap<(Uuid, &str, &str, bool), i64> = HashMap::new();
        let mut launch_days: HashMap<(Uuid, NaiveDate), i64> = HashMap::new();
        let mut events: Vec<Event> = Vec::new();
        // The searchable texts, one row each.
        let (mut text_ids, mut positions, mut text_folds) = (vec![], vec![], vec![]);
        for (s, log) in chunk {
            if log.iter().any(|e| e.eservice_id != s.id()) {
                return Err(StoreError::backend(format!(
                    "bulk import: an event of another e-Service in the log of {}",
                    s.id()
                )));
            }
            let cols = Columns::of(s);
            *buckets
                .entry((
                    s.agency_id().uuid(),
                    cols.current_step.as_str(),
                    cols.current_status.as_str(),
                    cols.complete,
                ))
                .or_default() += 1;
            if let Some(day) = s.launch_on() {
                *launch_days.entry((s.agency_id().uuid(), day)).or_default() += 1;
            }
            ids.push(s.id().uuid());
            agencies.push(s.agency_id().uuid());
            names.push(s.name());
            let texts = crate::folded_texts(s.name(), s.services());
            folds.push(crate::search_fold(&texts));
            for (position, text) in (0i32..).zip(texts) {
                text_ids.push(s.id().uuid());
                positions.push(position);
                text_folds.push(text);
            }
            versions.push(to_i64(s.version()));
            states.push(Json(s));
            steps.push(cols.current_step.as_str());
            statuses.push(cols.current_status.as_str());
            completes.push(cols.complete);
            launches.push(s.launch_on());
            reviews.push(cols.review_since);
            created.push(s.created_at());
            updated.push(s.updated_at());
            events.extend(log.iter().cloned());
        }
        let mut tx = self.pool.begin().await.map_err(db)?;
        sqlx::query(
            "INSERT INTO eservices (id, agency_id, name, version, state, current_step, \
                 current_status, complete, launch_on, review_since, created_at, updated_at, \
                 search_fold) \
             SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int8[], \
                 $5::jsonb[], $6::text[], $7::text[], $8::bool[], $9::date[], \
                 $10::timestamptz[], $11::timestamptz[], $12::timestamptz[], $13::text[])",
        )
        .bind(&ids)
        .bind(&agencies)
        .bind(&names)
        .bind(&versions)
        .bind(&states)
        .bind(&steps)
        .bind(&statuses)
        .bind(&completes)
        .bind(&launches)
        .bind(&reviews)
        .bind(&created)
        .bind(&updated)
        .bind(&folds)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        sqlx::query(
            "INSERT INTO eservice_texts (eservice_id, position, fold) \
             SELECT * FROM unnest($1::uuid[], $2::int4[], $3::text[])",
        )
        .bind(&text_ids)
        .bind(&positions)
        .bind(&text_folds)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        for part in events.chunks(CHUNK * 10) {
            insert_events(&mut tx, part).await?;
        }
        // Straight into the counters: one upsert per bucket of the chunk.
        for ((agency, step, status, complete), n) in buckets {
            sqlx::query(
                "INSERT INTO dashboard_status AS c \
                     (agency_id, current_step, current_status, complete, n) \
                 VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (agency_id, current_step, current_status, complete) \
                 DO UPDATE SET n = c.n + EXCLUDED.n",
            )
            .bind(agency)
            .bind(step)
            .bind(status)
            .bind(complete)
            .bind(n)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        for ((agency, day), n) in launch_days {
            sqlx::query(
                "INSERT INTO dashboard_launch AS c (agency_id, launch_on, n) \
                 VALUES ($1, $2, $3) \
                 ON CONFLICT (agency_id, launch_on) DO UPDATE SET n = c.n + EXCLUDED.n",
            )
            .bind(agency)
            .bind(day)
            .bind(n)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(())
    }
}
