//! `onboard report --format csv|json [--out FILE]`: one row per e-Service (SPEC §11) with its
//! agency, ministry, current step, status, days in the current step and launch date.
//!
//! The CSV is for Excel: UTF-8 with a byte-order mark (without it Excel reads Thai as
//! mojibake), CRLF line endings and RFC 4180 quoting. The e-Services are read a page of 100
//! at a time and written as they come, so a large database is never held in memory.

use crate::operator::open_existing;
use crate::progress;
use crate::wiring::DbArgs;
use crate::{Failure, Outcome};
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, ValueEnum};
use onboard_core::reference::{Step, StepStatus};
use onboard_core::schedule::{thai_date, today_in_bangkok};
use onboard_store::{ListItem, ListQuery, Scope, Store, StoredEvent, MAX_PER_PAGE};
use serde::Serialize;
use serde_json::json;
use std::collections::HashSet;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use uuid::Uuid;

/// Options of `onboard report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// csv (for Excel: UTF-8 with BOM, CRLF) or json (an array of objects). Default: csv,
    /// or json with --json and no --out.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the report to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub db: DbArgs,
    /// Without --out: the report as JSON (same as --format json). With --out: print
    /// {"out", "format", "rows"} as JSON once the file is written.
    #[arg(long)]
    pub json: bool,
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Comma-separated values for Excel.
    Csv,
    /// A JSON array of objects.
    Json,
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
    id: Uuid,
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
    Csv(Box<csv::Writer<Box<dyn Write>>>),
    Json { out: Box<dyn Write>, first: bool },
}

impl RowWriter {
    fn new(format: Format, mut out: Box<dyn Write>) -> Result<RowWriter, std::io::Error> {
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

/// Runs `onboard report`.
pub async fn run(args: ReportArgs) -> Result<Outcome, Failure> {
    let format = match (args.format, args.json && args.out.is_none()) {
        (Some(f), _) => f,
        (None, true) => Format::Json,
        (None, false) => Format::Csv,
    };
    if args.json && format == Format::Csv && args.out.is_none() {
        return Err(Failure::Input(
            "--json with --format csv needs --out FILE (the CSV goes to the file, a JSON summary to stdout); use --format json for the report as JSON".into(),
        ));
    }
    let store = open_existing(&args.db).await?;
    let today = today_in_bangkok(Utc::now());

    let (sink, target): (Box<dyn Write>, String) = match &args.out {
        Some(path) => {
            let file = std::fs::File::create(path)
                .map_err(|e| Failure::Input(format!("cannot write {}: {e}", path.display())))?;
            (Box::new(BufWriter::new(file)), path.display().to_string())
        }
        None => (
            Box::new(BufWriter::new(std::io::stdout())),
            "standard output".into(),
        ),
    };
    // A bar would garble a report printed on the same terminal.
    let show_progress = args.out.is_some() || !std::io::stdout().is_terminal();
    let bar = progress::bar_of_unknown_length("report");
    let mut rows = 0;
    let written = write_rows(
        store.as_ref(),
        format,
        sink,
        today,
        (&bar, show_progress),
        &mut rows,
    )
    .await;
    bar.finish_and_clear();
    match written {
        Ok(()) => {}
        // `onboard report | head`: the reader left; that is not the report's failure.
        Err(Stop::Write(e)) if e.kind() == std::io::ErrorKind::BrokenPipe && args.out.is_none() => {
            return Ok(Outcome::done())
        }
        Err(Stop::Write(e)) => {
            return Err(Failure::Input(format!(
                "cannot write the report to {target}: {e}"
            )))
        }
        Err(Stop::Store(e)) => return Err(Failure::Store(e)),
    }
    Ok(match (&args.out, args.json) {
        (None, _) => Outcome::done(),
        (Some(path), true) => Outcome::json(
            json!({
                "out": path.display().to_string(),
                "format": match format { Format::Csv => "csv", Format::Json => "json" },
                "rows": rows,
            }),
            true,
        ),
        (Some(path), false) => Outcome::text(
            format!("wrote {rows} e-Services to {}", path.display()),
            true,
        ),
    })
}

/// Why writing the report stopped.
enum Stop {
    Write(std::io::Error),
    Store(onboard_store::StoreError),
}

/// Pages through every e-Service (100 at a time) and writes one row each; `rows` counts
/// the rows written.
async fn write_rows(
    store: &dyn Store,
    format: Format,
    sink: Box<dyn Write>,
    today: NaiveDate,
    (bar, show_progress): (&indicatif::ProgressBar, bool),
    rows: &mut usize,
) -> Result<(), Stop> {
    let mut writer = RowWriter::new(format, sink).map_err(Stop::Write)?;
    let mut seen = HashSet::new();
    let mut page = 1;
    loop {
        let query = ListQuery {
            page,
            per_page: MAX_PER_PAGE,
            ..ListQuery::default()
        };
        let batch = store
            .list(&query, Scope::All, today)
            .await
            .map_err(Stop::Store)?;
        bar.set_length(batch.total);
        if page == 1 && show_progress {
            progress::reveal(bar);
        }
        let count = batch.items.len();
        for item in batch.items {
            // A change during the report moves an e-Service to the first page; never
            // write it twice.
            if !seen.insert(item.id) {
                continue;
            }
            let events = store.events(item.id).await.map_err(Stop::Store)?;
            writer
                .row(&Row::of(&item, &events, today))
                .map_err(Stop::Write)?;
            *rows += 1;
            bar.inc(1);
        }
        if count < MAX_PER_PAGE as usize || u64::from(page) * u64::from(MAX_PER_PAGE) >= batch.total
        {
            break;
        }
        page += 1;
    }
    writer.finish().map_err(Stop::Write)
}

#[cfg(test)]
mod tests {
    use super::*;
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
                eservice_id: Uuid::nil(),
                version: u64::try_from(seq).unwrap_or(0),
                at: start + chrono::Duration::days(day),
                actor: Uuid::nil(),
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
            agency_id: Uuid::nil(),
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
