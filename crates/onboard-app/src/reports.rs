//! The e-Service report (SPEC §11 `onboard report`, SPEC §14 the staff's CSV download): one
//! row per e-Service with its agency, ministry, current step, status, days in the current
//! step and launch date. The CLI writes it to a file or standard output, the portal sends it
//! as a download: both through [`write()`], so they are the same bytes.
//!
//! The CSV is for Excel: UTF-8 with a byte-order mark (without it Excel reads Thai as
//! mojibake), CRLF line endings and RFC 4180 quoting. The e-Services are read a page of 100
//! at a time and written as they come.

use chrono::{DateTime, NaiveDate, Utc};
use onboard_core::id::EServiceId;
use onboard_core::reference::{Step, StepStatus};
use onboard_core::schedule::{thai_date, today_in_bangkok};
use onboard_store::{ListItem, ListQuery, Scope, Store, StoreError, StoredEvent, MAX_PER_PAGE};
use serde::Serialize;
use std::collections::HashSet;
use std::io::Write;

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values for Excel.
    Csv,
    /// A JSON array of objects.
    Json,
}

/// Why writing the report stopped.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The output could not be written.
    #[error("cannot write the report: {0}")]
    Write(#[source] std::io::Error),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The columns, in order (the CSV header and the JSON keys).
pub const COLUMNS: [&str; 10] = [
    "id",
    "agency",
    "ministry",
    "name",
    "step",
    "step_title",
    "status",
    "days_in_step",
    "launch_on",
    "launch_on_th",
];

/// One row of the report.
#[derive(Debug, Clone, Serialize)]
struct Row {
    /// e-Service id.
    id: EServiceId,
    /// Agency, Thai name.
    agency: String,
    /// Ministry, Thai name.
    ministry: String,
    /// e-Service name.
    name: String,
    /// Current step number, 1 to 7.
    step: u8,
    /// Its Thai title.
    step_title: &'static str,
    /// Status of the current step, Thai label.
    status: &'static str,
    /// Whole days (Bangkok dates) since the current step opened; empty once all seven steps
    /// are completed (nothing is waiting any more).
    days_in_step: Option<i64>,
    /// Release date, ISO 8601.
    launch_on: Option<NaiveDate>,
    /// Release date in Thai, Buddhist era.
    launch_on_th: Option<String>,
}

impl Row {
    fn of(item: &ListItem, events: &[StoredEvent], today: NaiveDate) -> Row {
        let days_in_step = (item.current_status != StepStatus::Completed)
            .then(|| opened_at(events, item.current_step))
            .flatten()
            .map(|at| (today - today_in_bangkok(at)).num_days().max(0));
        Row {
            id: item.id,
            agency: item.agency_name_th.clone(),
            ministry: item.ministry_th.clone(),
            name: item.name.clone(),
            step: item.current_step.number(),
            step_title: item.current_step.title_th(),
            status: item.current_status.title_th(),
            days_in_step,
            launch_on: item.launch_on,
            launch_on_th: item.launch_on.map(thai_date),
        }
    }
}

/// When `current` opened: the creation of the e-Service for step 1; otherwise the latest
/// approval of the step before it (approving step n opens step n+1 in the same event).
/// Falls back to the step's first event, then to the creation.
fn opened_at(events: &[StoredEvent], current: Step) -> Option<DateTime<Utc>> {
    let created = events.first().map(|e| e.event.at);
    let previous = Step::from_number(current.number().saturating_sub(1));
    let approved = previous.and_then(|prev| {
        events
            .iter()
            .rev()
            .find(|e| {
                e.event.step == Some(prev) && e.event.to_status == Some(StepStatus::Completed)
            })
            .map(|e| e.event.at)
    });
    let first_of_step = || {
        events
            .iter()
            .find(|e| e.event.step == Some(current))
            .map(|e| e.event.at)
    };
    match previous {
        None => created,
        Some(_) => approved.or_else(first_of_step).or(created),
    }
}

/// Writes rows as they come.
enum RowWriter {
    Csv(Box<csv::Writer<Box<dyn Write + Send>>>),
    Json {
        out: Box<dyn Write + Send>,
        first: bool,
    },
}

impl RowWriter {
    fn new(format: Format, mut out: Box<dyn Write + Send>) -> Result<RowWriter, std::io::Error> {
        Ok(match format {
            Format::Csv => {
                // The byte-order mark tells Excel that the file is UTF-8.
                out.write_all("\u{feff}".as_bytes())?;
                let mut w = csv::WriterBuilder::new()
                    .terminator(csv::Terminator::CRLF)
                    .quote_style(csv::QuoteStyle::Necessary)
                    .has_headers(false)
                    .from_writer(out);
                w.write_record(COLUMNS).map_err(csv_io)?;
                RowWriter::Csv(Box::new(w))
            }
            Format::Json => {
                out.write_all(b"[")?;
                RowWriter::Json { out, first: true }
            }
        })
    }

    fn row(&mut self, row: &Row) -> Result<(), std::io::Error> {
        match self {
            RowWriter::Csv(w) => w.serialize(row).map_err(csv_io),
            RowWriter::Json { out, first } => {
                out.write_all(if *first { b"\n  " } else { b",\n  " })?;
                *first = false;
                serde_json::to_writer(&mut *out, row).map_err(std::io::Error::other)
            }
        }
    }

    fn finish(self) -> Result<(), std::io::Error> {
        match self {
            RowWriter::Csv(mut w) => w.flush(),
            RowWriter::Json { mut out, first } => {
                out.write_all(if first { b"]\n" } else { b"\n]\n" })?;
                out.flush()
            }
        }
    }
}

fn csv_io(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// Writes the report of every e-Service to `sink` in `format`, paging through them (100 at
/// a time); returns the number of rows. `progress` is told the total as each page arrives
/// and the rows written so far.
pub async fn write(
    store: &dyn Store,
    format: Format,
    sink: Box<dyn Write + Send>,
    today: NaiveDate,
    progress: &mut (dyn FnMut(u64, usize) + Send),
) -> Result<usize, ReportError> {
    let mut writer = RowWriter::new(format, sink).map_err(ReportError::Write)?;
    let mut seen = HashSet::new();
    let mut rows = 0;
    let mut page = 1;
    loop {
        let query = ListQuery {
            page,
            per_page: MAX_PER_PAGE,
            ..ListQuery::default()
        };
        let batch = store.list(&query, Scope::All, today).await?;
        progress(batch.total, rows);
        let count = batch.items.len();
        for item in batch.items {
            // A change during the report moves an e-Service to the first page; never
            // write it twice.
            if !seen.insert(item.id) {
                continue;
            }
            let events = store.events(item.id).await?;
            writer
                .row(&Row::of(&item, &events, today))
                .map_err(ReportError::Write)?;
            rows += 1;
            progress(batch.total, rows);
        }
        if count < MAX_PER_PAGE as usize || u64::from(page) * u64::from(MAX_PER_PAGE) >= batch.total
        {
            break;
        }
        page += 1;
    }
    writer.finish().map_err(ReportError::Write)?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use onboard_core::id::{AgencyId, UserId};
    use onboard_core::workflow::{Change, Event};

    fn event(
        seq: i64,
        day: i64,
        step: Option<Step>,
        to: Option<StepStatus>,
        change: Change,
    ) -> StoredEvent {
        let start = DateTime::parse_from_rfc3339("2026-11-02T03:00:00Z")
            .map(|t| t.to_utc())
            .unwrap_or_default();
        StoredEvent {
            seq,
            event: Event {
                eservice_id: EServiceId::from_u128(0),
                version: u64::try_from(seq).unwrap_or(0),
                at: start + chrono::Duration::days(day),
                actor: UserId::from_u128(0),
                step,
                from_status: None,
                to_status: to,
                change,
            },
        }
    }

    #[test]
    fn a_step_opens_when_the_step_before_it_is_approved() {
        let created = Change::Created {
            agency_id: AgencyId::from_u128(0),
            name: "x".into(),
            services: vec!["y".into()],
        };
        let other = Change::Withdrawn;
        let approved = Change::Approved { note: None };
        let step1 = Some(Step::Credential);
        let events = [
            event(1, 0, None, None, created),
            event(2, 1, step1, Some(StepStatus::UnderReview), other.clone()),
            event(3, 3, step1, Some(StepStatus::Completed), approved),
            event(
                4,
                5,
                Some(Step::UatSetup),
                Some(StepStatus::UnderReview),
                other,
            ),
        ];
        let day = |d: Option<DateTime<Utc>>| d.map(|t| t.date_naive().to_string());
        assert_eq!(
            day(opened_at(&events, Step::Credential)),
            Some("2026-11-02".into())
        );
        assert_eq!(
            day(opened_at(&events, Step::UatSetup)),
            Some("2026-11-05".into())
        );
        // No approval of step 2 recorded: the step's first event, then the creation.
        assert_eq!(
            day(opened_at(&events[..1], Step::UatTest)),
            Some("2026-11-02".into())
        );
    }
}
