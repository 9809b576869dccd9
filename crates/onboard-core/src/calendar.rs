//! The release calendar (SPEC §6, §10): the dates without a release (public holidays,
//! freezes), each with its reason, as admins keep them, and the coming release Tuesdays.
//!
//! An entry is checked here once, for the API, the portal and the CLI alike:
//! [`ClosedDate::parse`] for one entry (fields `date` and `reason`) and
//! [`ClosedDate::parse_list`] for a whole calendar (`dates[2].reason`), every problem at
//! once, Thai first. The schedule computations take [`crate::schedule::ScheduleConfig`];
//! [`closed_set`] turns the entries into its [`ClosedDates`].
//!
//! ```
//! use onboard_core::calendar::ClosedDate;
//! let entry = ClosedDate::parse("2026-12-29", "  วันหยุดชดเชยสิ้นปี ").unwrap();
//! assert_eq!(entry.reason, "วันหยุดชดเชยสิ้นปี");
//! let report = ClosedDate::parse("2026-02-30", "").unwrap_err();
//! assert_eq!(report.errors.len(), 2);
//! ```

use crate::fields::{self, BUDDHIST_ERA_FROM, BUDDHIST_ERA_OFFSET};
use crate::schedule::{thai_date, ClosedDates};
use crate::validation::{Code, Issue, Path, Report};
use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Longest reason of a closed date, in characters.
pub const MAX_REASON: usize = 200;

/// How many weeks ahead the calendar lists release Tuesdays (the page and the `.ics`).
pub const RELEASE_WEEKS: u32 = 26;

/// A date without a release, and why: an entry of the release calendar.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ClosedDate {
    /// The date (any weekday; only Tuesdays move a release).
    pub date: NaiveDate,
    /// Why no release goes out (a holiday's name, a freeze), trimmed, one line.
    pub reason: String,
}

impl ClosedDate {
    /// Checks one entry: the date in the form `YYYY-MM-DD` with a Gregorian year, the
    /// reason required, one line of at most [`MAX_REASON`] characters without control
    /// characters. Problems are on fields `date` and `reason`.
    pub fn parse(date: &str, reason: &str) -> Result<ClosedDate, Report> {
        let mut report = Report::new();
        match check(&mut report, &Path::root(), date, reason) {
            Some(entry) if report.is_valid() => Ok(entry),
            _ => Err(report),
        }
    }

    /// Checks a whole calendar (SPEC §10 `PUT /calendar/closed-dates`): every entry as
    /// [`ClosedDate::parse`] at `dates[i]`, and no date twice (the later one is
    /// `duplicate`, naming the first). The entries come back sorted by date.
    ///
    /// ```
    /// use onboard_core::calendar::ClosedDate;
    /// let report = ClosedDate::parse_list(&[
    ///     ("2026-12-15", "สงกรานต์"),
    ///     ("2026-12-15", "ซ้ำ"),
    ///     ("2026-12-22", ""),
    /// ]).unwrap_err();
    /// let fields: Vec<&str> = report.errors.iter().map(|i| i.field.as_str()).collect();
    /// assert_eq!(fields, ["dates[1].date", "dates[2].reason"]);
    /// ```
    pub fn parse_list<D: AsRef<str>, R: AsRef<str>>(
        entries: &[(D, R)],
    ) -> Result<Vec<ClosedDate>, Report> {
        let mut report = Report::new();
        let mut seen: HashMap<NaiveDate, usize> = HashMap::new();
        let mut out = Vec::with_capacity(entries.len());
        let list = Path::root().key("dates");
        for (i, (date, reason)) in entries.iter().enumerate() {
            let at = list.index(i);
            let Some(entry) = check(&mut report, &at, date.as_ref(), reason.as_ref()) else {
                continue;
            };
            if let Some(first) = seen.get(&entry.date) {
                report.push(Issue::with_messages(
                    &at.key("date"),
                    Code::Duplicate,
                    format!("วันที่ {} ซ้ำกับรายการที่ {}", thai_date(entry.date), first + 1),
                    format!("{} is already entry {}", entry.date, first + 1),
                ));
                continue;
            }
            seen.insert(entry.date, i);
            out.push(entry);
        }
        if !report.is_valid() {
            return Err(report);
        }
        out.sort_by_key(|e| e.date);
        Ok(out)
    }
}

/// The problem of closing `date` again (field `date`): it is closed already.
pub fn already_closed(date: NaiveDate) -> Issue {
    Issue::with_messages(
        &Path::root().key("date"),
        Code::Duplicate,
        format!("วันที่ {} เป็นวันงดเผยแพร่อยู่แล้ว", thai_date(date)),
        format!("{date} is already a closed date"),
    )
}

/// The problem of opening `date` again (field `date`) when it is not closed.
pub fn not_closed(date: NaiveDate) -> Issue {
    Issue::with_messages(
        &Path::root().key("date"),
        Code::NotAllowed,
        format!("วันที่ {} ไม่ได้เป็นวันงดเผยแพร่", thai_date(date)),
        format!("{date} is not a closed date"),
    )
}

/// Checks the date of an entry to open again (field `date`).
pub fn parse_date(raw: &str) -> Result<NaiveDate, Report> {
    let mut report = Report::new();
    match check(&mut report, &Path::root(), raw, "-") {
        Some(entry) => Ok(entry.date),
        None => Err(report),
    }
}

/// Checks the entry at `at` (its `date` and `reason`), recording every problem.
fn check(report: &mut Report, at: &Path, date: &str, reason: &str) -> Option<ClosedDate> {
    let date_at = at.key("date");
    let date = match fields::date(date) {
        Ok(d) if d.year() >= BUDDHIST_ERA_FROM => {
            let gregorian = d.year() - BUDDHIST_ERA_OFFSET;
            report.push(Issue::with_messages(
                &date_at,
                Code::OutOfRange,
                format!(
                    "ปี {} เป็นปีพุทธศักราช กรุณากรอกปีคริสต์ศักราช ({gregorian})",
                    d.year()
                ),
                format!(
                    "{} looks like a Buddhist-era year; use the Gregorian year ({gregorian})",
                    d.year()
                ),
            ));
            None
        }
        Ok(d) => Some(d),
        Err(e) => {
            report.push(fields::issue::<NaiveDate>(&date_at, e));
            None
        }
    };
    let reason = report.check_text(&at.key("reason"), fields::text(reason, MAX_REASON));
    Some(ClosedDate {
        date: date?,
        reason: reason?,
    })
}

/// The dates of the entries, as the schedule computations take them.
pub fn closed_set(entries: &[ClosedDate]) -> ClosedDates {
    entries.iter().map(|e| e.date).collect()
}

/// The release Tuesdays from `from` (included) for `weeks` weeks that are not closed: the
/// days a release can go out.
///
/// ```
/// use chrono::NaiveDate;
/// use onboard_core::calendar::release_days;
/// use onboard_core::schedule::ClosedDates;
/// let monday = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
/// let closed: ClosedDates = [NaiveDate::from_ymd_opt(2026, 12, 15).unwrap()].into_iter().collect();
/// let days: Vec<String> = release_days(monday, 3, &closed).iter().map(|d| d.to_string()).collect();
/// assert_eq!(days, ["2026-12-08", "2026-12-22"]);
/// ```
pub fn release_days(from: NaiveDate, weeks: u32, closed: &ClosedDates) -> Vec<NaiveDate> {
    let to_tuesday =
        (Weekday::Tue.num_days_from_monday() + 7 - from.weekday().num_days_from_monday()) % 7;
    let Some(first) = from.checked_add_days(Days::new(u64::from(to_tuesday))) else {
        return Vec::new();
    };
    (0..u64::from(weeks))
        .map_while(|w| first.checked_add_days(Days::new(w * 7)))
        .filter(|d| !closed.contains(*d))
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn fields_and_codes(report: &Report) -> Vec<(&str, Code)> {
        report
            .errors
            .iter()
            .map(|i| (i.field.as_str(), i.code))
            .collect()
    }

    #[test]
    fn a_good_entry_is_trimmed() {
        let e = ClosedDate::parse(" 2026-12-15 ", "\tวันหยุดพิเศษ  ").unwrap();
        assert_eq!(e.date, NaiveDate::from_ymd_opt(2026, 12, 15).unwrap());
        assert_eq!(e.reason, "วันหยุดพิเศษ");
    }

    #[test]
    fn every_problem_of_an_entry_is_reported_in_thai_first() {
        let r = ClosedDate::parse("15/12/2026", "   ").unwrap_err();
        assert_eq!(
            fields_and_codes(&r),
            [("date", Code::InvalidFormat), ("reason", Code::Required)]
        );
        assert!(r.errors[0].message_th.contains("ปปปป-ดด-วว"));
        assert_eq!(r.errors[1].message_th, "กรุณากรอกข้อมูล");
    }

    #[test]
    fn impossible_days_and_buddhist_years_are_refused() {
        let r = ClosedDate::parse("2027-02-30", "x").unwrap_err();
        assert_eq!(fields_and_codes(&r), [("date", Code::InvalidFormat)]);
        let r = ClosedDate::parse("2569-12-15", "x").unwrap_err();
        assert_eq!(fields_and_codes(&r), [("date", Code::OutOfRange)]);
        assert!(r.errors[0].message_th.contains("2026"));
    }

    #[test]
    fn reasons_are_one_clean_line_of_at_most_200_characters() {
        assert!(ClosedDate::parse("2026-12-15", &"ก".repeat(200)).is_ok());
        let r = ClosedDate::parse("2026-12-15", &"ก".repeat(201)).unwrap_err();
        assert_eq!(fields_and_codes(&r), [("reason", Code::TooLong)]);
        assert!(r.errors[0].message_th.contains("200"));
        for bad in ["a\nb", "a\u{0}b", "a\u{1b}b"] {
            let r = ClosedDate::parse("2026-12-15", bad).unwrap_err();
            assert_eq!(fields_and_codes(&r), [("reason", Code::InvalidFormat)]);
        }
    }

    #[test]
    fn a_list_reports_every_entry_with_its_index_and_sorts() {
        let r = ClosedDate::parse_list(&[
            ("2026-12-29", "ปีใหม่"),
            ("nope", ""),
            ("2026-12-29", "again"),
        ])
        .unwrap_err();
        assert_eq!(
            fields_and_codes(&r),
            [
                ("dates[1].date", Code::InvalidFormat),
                ("dates[1].reason", Code::Required),
                ("dates[2].date", Code::Duplicate),
            ]
        );
        assert!(r.errors[2].message_th.contains("รายการที่ 1"));
        let ok = ClosedDate::parse_list(&[("2026-12-29", "b"), ("2026-12-15", "a")]).unwrap();
        assert_eq!(ok[0].reason, "a");
        assert_eq!(closed_set(&ok).len(), 2);
        assert!(ClosedDate::parse_list::<&str, &str>(&[])
            .unwrap()
            .is_empty());
    }

    #[test]
    fn release_days_start_on_the_first_tuesday_and_skip_closed_ones() {
        let tuesday = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let days = release_days(tuesday, RELEASE_WEEKS, &ClosedDates::new());
        assert_eq!(days.len(), 26);
        assert_eq!(days[0], tuesday);
        assert!(days.iter().all(|d| d.weekday() == Weekday::Tue));
        let wednesday = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(
            release_days(wednesday, 1, &ClosedDates::new()),
            [NaiveDate::from_ymd_opt(2026, 12, 8).unwrap()]
        );
        assert!(release_days(NaiveDate::MAX, 3, &ClosedDates::new()).len() <= 1);
    }
}
