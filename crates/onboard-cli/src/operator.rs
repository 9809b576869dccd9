//! What the operator commands (`eservice`, `review`, `outbox`, `report`, `backup`) share:
//! opening an existing database, exit-1 answers, argument parsers, Thai dates and
//! aligned tables for human output.

use crate::wiring::{Backend, DbArgs};
use crate::{Failure, Outcome};
use chrono::{DateTime, Utc};
use onboard_core::reference::{Step, StepStatus};
use onboard_core::schedule::{bangkok, thai_date, today_in_bangkok};
use onboard_core::workflow::Lifecycle;
use onboard_store::Store;
use serde_json::json;
use std::sync::Arc;
use unicode_width::UnicodeWidthStr;

/// Opens the store like `serve` does, but never creates an SQLite database: an operator
/// command on a wrong `--data-dir` should say so, not answer from a new empty database.
pub async fn open_existing(db: &DbArgs) -> Result<Arc<dyn Store>, Failure> {
    if let Backend::Sqlite(path) = db.backend()? {
        if !path.is_file() {
            return Err(Failure::Input(format!(
                "no database at {} (check --data-dir or --database-url; `onboard migrate` creates one)",
                path.display()
            )));
        }
    }
    db.open().await
}

/// A command that ran but was refused, or whose target does not exist: exit 1, the code
/// and message on stderr and, with `--json`, `{"error": {"code", "message"}}` on stdout.
pub fn rejected(code: &str, message: &str, as_json: bool) -> Outcome {
    let mut outcome = if as_json {
        Outcome::json(json!({"error": {"code": code, "message": message}}), false)
    } else {
        Outcome {
            stdout: String::new(),
            stderr: String::new(),
            success: false,
        }
    };
    outcome.stderr = format!("onboard: {code}: {message}\n");
    outcome
}

/// `--step`: 1 to 7 or the slug.
pub fn step_arg(raw: &str) -> Result<Step, String> {
    raw.parse::<Step>()
        .ok()
        .or_else(|| raw.parse::<u8>().ok().and_then(Step::from_number))
        .ok_or_else(|| {
            let slugs: Vec<&str> = Step::ALL.iter().map(|s| s.as_str()).collect();
            format!(
                "unknown step `{raw}`; use 1-7 or one of {}",
                slugs.join(", ")
            )
        })
}

/// `--status`: a step status.
pub fn status_arg(raw: &str) -> Result<StepStatus, String> {
    raw.parse::<StepStatus>().map_err(|_| {
        let names: Vec<&str> = StepStatus::ALL.iter().map(|s| s.as_str()).collect();
        format!("unknown status `{raw}`; use one of {}", names.join(", "))
    })
}

/// `--lifecycle`: onboarding, scheduled or live.
pub fn lifecycle_arg(raw: &str) -> Result<Lifecycle, String> {
    raw.parse::<Lifecycle>().map_err(|_| {
        let names: Vec<&str> = Lifecycle::ALL.iter().map(|l| l.as_str()).collect();
        format!("unknown lifecycle `{raw}`; use one of {}", names.join(", "))
    })
}

/// The Thai (Buddhist-era) date of an instant, in Bangkok: `27 ก.พ. 2569`.
pub fn thai_day(at: DateTime<Utc>) -> String {
    thai_date(today_in_bangkok(at))
}

/// The Thai date and Bangkok time of an instant: `27 ก.พ. 2569 14:05`.
pub fn thai_time(at: DateTime<Utc>) -> String {
    format!(
        "{} {}",
        thai_day(at),
        at.with_timezone(&bangkok()).format("%H:%M")
    )
}

/// `-` for nothing.
pub fn or_dash(value: Option<String>) -> String {
    value.unwrap_or_else(|| "-".to_owned())
}

/// "step number + Thai title": `2 พัฒนาและติดตั้ง UAT`.
pub fn step_label(step: Step) -> String {
    format!("{} {}", step.number(), step.title_th())
}

/// Columns aligned by display width (Thai vowel and tone marks take no column), separated
/// by two spaces; the last column is not padded, so no line ends in spaces.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.width());
            }
        }
    }
    let header: Vec<String> = headers.iter().map(|h| (*h).to_owned()).collect();
    let mut out = String::new();
    for row in std::iter::once(&header).chain(rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            line.push_str(cell);
            if i + 1 < row.len() {
                let pad = widths
                    .get(i)
                    .copied()
                    .unwrap_or(0)
                    .saturating_sub(cell.width());
                line.push_str(&" ".repeat(pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The text of an error from the store, with the core's validation problems spelled out.
pub fn command_error_text(error: &onboard_core::workflow::CommandError) -> String {
    match error {
        onboard_core::workflow::CommandError::Invalid(report) => report
            .errors
            .iter()
            .map(|i| {
                format!(
                    "{}: {} ({} / {})",
                    i.field, i.code, i.message_th, i.message_en
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_thai_by_display_width() {
        let rows = vec![
            vec!["กรมสรรพากร".to_owned(), "เสร็จสิ้น".to_owned()],
            vec!["abc".to_owned(), "x".to_owned()],
        ];
        let text = table(&["agency", "status"], &rows);
        let lines: Vec<&str> = text.lines().collect();
        // กรมสรรพากร is 10 columns wide: the second column starts at 12 on every line.
        assert_eq!(lines[0], "agency      status");
        assert_eq!(lines[1], "กรมสรรพากร  เสร็จสิ้น");
        assert_eq!(lines[2], "abc         x");
    }

    #[test]
    fn thai_times_are_in_bangkok() {
        let at = DateTime::parse_from_rfc3339("2026-02-26T17:30:00Z")
            .map(|t| t.to_utc())
            .unwrap_or_default();
        assert_eq!(thai_time(at), "27 ก.พ. 2569 00:30");
    }
}
