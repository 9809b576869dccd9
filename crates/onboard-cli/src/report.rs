//! `onboard report --format csv|json [--out FILE]`: one row per e-Service (SPEC §11) with its
//! agency, ministry, current step, status, days in the current step and launch date, as
//! `onboard_app::reports` writes it (the portal's download is the same), streamed to a file
//! or standard output so a large database is never held in memory.

use crate::operator::open_existing;
use crate::progress;
use crate::wiring::DbArgs;
use crate::{Failure, Outcome};
use chrono::Utc;
use clap::{Args, ValueEnum};
use onboard_app::reports::{self, ReportError};
use onboard_core::schedule::today_in_bangkok;
use serde_json::json;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;

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

impl From<Format> for reports::Format {
    fn from(f: Format) -> Self {
        match f {
            Format::Csv => reports::Format::Csv,
            Format::Json => reports::Format::Json,
        }
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

    let (sink, target): (Box<dyn Write + Send>, String) = match &args.out {
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
    let mut revealed = false;
    let mut progress = |total: u64, rows: usize| {
        bar.set_length(total);
        if show_progress && !revealed {
            progress::reveal(&bar);
            revealed = true;
        }
        bar.set_position(u64::try_from(rows).unwrap_or(u64::MAX));
    };
    let written = reports::write(store.as_ref(), format.into(), sink, today, &mut progress).await;
    bar.finish_and_clear();
    let rows = match written {
        Ok(rows) => rows,
        // `onboard report | head`: the reader left; that is not the report's failure.
        Err(ReportError::Write(e))
            if e.kind() == std::io::ErrorKind::BrokenPipe && args.out.is_none() =>
        {
            return Ok(Outcome::done())
        }
        Err(ReportError::Write(e)) => {
            return Err(Failure::Input(format!(
                "cannot write the report to {target}: {e}"
            )))
        }
        Err(ReportError::Store(e)) => return Err(Failure::Store(e)),
    };
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
