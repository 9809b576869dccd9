//! The Tuesday release train (SPEC §6), the launch deadline of step 1 (SPEC §5) and Thai
//! date display.
//!
//! # Time zone
//!
//! Every rule here is in Asia/Bangkok time. Thailand has kept a fixed UTC+07:00 offset since
//! 1920 and observes no daylight saving, so [`bangkok`] is a [`FixedOffset`] and exact for
//! every instant this product handles. We deliberately do not depend on `chrono-tz` (and its
//! copy of the time-zone database) for one constant offset.
//!
//! # Purity
//!
//! Nothing here reads the clock: the submit instant and "today" are always parameters, so
//! every answer is deterministic. Callers take "now" once and derive "today" from it with
//! [`today_in_bangkok`].
//!
//! # The rule
//!
//! - [`cutoff`]`(T)` is the Monday before the release Tuesday `T` at 12:00:00 +07:00.
//! - [`earliest_release`]`(t)` is the first Tuesday `T` with `t < cutoff(T)`.
//! - [`launch_on`]`(t, desired, closed)` is the first Tuesday `T` with `T >= desired`,
//!   `T >= earliest_release(t)` and `T` not in the [`ClosedDates`].
//!
//! ```
//! use chrono::{DateTime, NaiveDate};
//! use onboard_core::schedule::{launch_on, ClosedDates};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let monday_before_noon = DateTime::parse_from_rfc3339("2026-11-23T11:59:59+07:00")?.to_utc();
//! let desired = NaiveDate::from_ymd_opt(2026, 11, 23).ok_or("date")?;
//! let release = launch_on(monday_before_noon, desired, &ClosedDates::new());
//! assert_eq!(release.launch_on.to_string(), "2026-11-24");
//! assert_eq!(release.cutoff.to_rfc3339(), "2026-11-23T12:00:00+07:00");
//! # Ok(()) }
//! ```
//!
//! # Limits
//!
//! Day arithmetic runs on `i64` day numbers, so no input that chrono can represent makes
//! these functions overflow or panic. The only answers that cannot be given are Tuesdays
//! after [`NaiveDate::MAX`] (year 262 142): [`try_launch_on`] reports those as
//! [`ScheduleError::OutOfRange`], while the infallible functions saturate at the last
//! representable Tuesday (each documents its edge). Servers that accept arbitrary dates
//! from clients and want to reject such input should call [`try_launch_on`].

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{btree_set, BTreeSet};
use std::fmt;
use std::str::FromStr;

/// Bangkok's offset from UTC in seconds.
const UTC_OFFSET_SECS: i32 = 7 * 3600;
const SECS_PER_DAY: i64 = 86_400;
const NOON_SECS: i64 = 12 * 3600;
/// chrono's day number (`num_days_from_ce`) of 1970-01-01, to move between Unix seconds
/// and calendar days.
const UNIX_EPOCH_DAY: i64 = 719_163;
/// Index of Tuesday when Monday is 0.
const TUESDAY: i64 = 1;
const BUDDHIST_ERA_OFFSET: i32 = 543;

const BANGKOK: FixedOffset = match FixedOffset::east_opt(UTC_OFFSET_SECS) {
    Some(offset) => offset,
    // Const evaluation: an invalid constant fails the build, it can never fail at run time.
    None => panic!("+07:00 is a valid UTC offset"),
};

/// Thai month abbreviations, January first, as used in `27 ก.พ. 2569`.
///
/// ```
/// use onboard_core::schedule::THAI_MONTHS;
/// assert_eq!(THAI_MONTHS[1], "ก.พ.");
/// assert_eq!(THAI_MONTHS[11], "ธ.ค.");
/// ```
pub const THAI_MONTHS: [&str; 12] = [
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
];

/// Why a schedule value could not be parsed or computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScheduleError {
    /// An entry of a comma-separated closed-date list is not an ISO date.
    ///
    /// ```
    /// use onboard_core::schedule::{ClosedDates, ScheduleError};
    /// let err = ClosedDates::parse_list("2026-12-15,2026-13-01").unwrap_err();
    /// assert_eq!(
    ///     err,
    ///     ScheduleError::InvalidClosedDate { position: 2, entry: "2026-13-01".into() }
    /// );
    /// ```
    #[error("closed date #{position} `{entry}` is not a date in the form YYYY-MM-DD")]
    InvalidClosedDate {
        /// 1-based position of the entry in the list.
        position: usize,
        /// The entry as given, without surrounding white space.
        entry: String,
    },
    /// A launch deadline is neither `fiscal_year_end` nor an ISO date.
    ///
    /// ```
    /// use onboard_core::schedule::{LaunchDeadline, ScheduleError};
    /// let err = "30/09/2569".parse::<LaunchDeadline>().unwrap_err();
    /// assert!(matches!(err, ScheduleError::InvalidLaunchDeadline { .. }));
    /// ```
    #[error(
        "launch deadline `{value}` is neither `fiscal_year_end` nor a date in the form YYYY-MM-DD"
    )]
    InvalidLaunchDeadline {
        /// The value as given, without surrounding white space.
        value: String,
    },
    /// The release would fall after the last date chrono can represent.
    ///
    /// ```
    /// use chrono::{DateTime, NaiveDate};
    /// use onboard_core::schedule::{try_launch_on, ClosedDates, ScheduleError};
    /// let t = DateTime::UNIX_EPOCH;
    /// let result = try_launch_on(t, NaiveDate::MAX, &ClosedDates::new());
    /// assert_eq!(result, Err(ScheduleError::OutOfRange));
    /// ```
    #[error(
        "the release would fall after the last representable date ({})",
        NaiveDate::MAX
    )]
    OutOfRange,
}

/// The Asia/Bangkok offset, UTC+07:00 (fixed since 1920, no daylight saving).
///
/// ```
/// assert_eq!(onboard_core::schedule::bangkok().local_minus_utc(), 7 * 3600);
/// ```
pub fn bangkok() -> FixedOffset {
    BANGKOK
}

/// The calendar date in Bangkok at the instant `now` ("today" of SPEC §5).
///
/// Saturates at [`NaiveDate::MAX`] for the last seven hours chrono can represent, whose
/// Bangkok date would be one day later.
///
/// ```
/// use chrono::DateTime;
/// use onboard_core::schedule::today_in_bangkok;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // 17:00 UTC is already midnight in Bangkok.
/// let now = DateTime::parse_from_rfc3339("2026-11-23T17:00:00Z")?.to_utc();
/// assert_eq!(today_in_bangkok(now).to_string(), "2026-11-24");
/// # Ok(()) }
/// ```
pub fn today_in_bangkok(now: DateTime<Utc>) -> NaiveDate {
    date_of(local_day(now).0).unwrap_or(NaiveDate::MAX)
}

/// The release cutoff of `release`: the day before it (the Monday, for a Tuesday) at
/// 12:00:00 +07:00. A request submitted at or after this instant misses that release.
///
/// For [`NaiveDate::MIN`], whose previous day does not exist, this is the earliest
/// representable instant, so that `t < cutoff(NaiveDate::MIN)` stays false for every `t`,
/// as it is for the true cutoff.
///
/// ```
/// use chrono::NaiveDate;
/// use onboard_core::schedule::cutoff;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let tuesday = NaiveDate::from_ymd_opt(2026, 11, 24).ok_or("date")?;
/// assert_eq!(cutoff(tuesday).to_rfc3339(), "2026-11-23T12:00:00+07:00");
/// # Ok(()) }
/// ```
pub fn cutoff(release: NaiveDate) -> DateTime<FixedOffset> {
    let monday = day_number(release) - 1;
    let utc_secs =
        (monday - UNIX_EPOCH_DAY) * SECS_PER_DAY + NOON_SECS - i64::from(UTC_OFFSET_SECS);
    DateTime::from_timestamp(utc_secs, 0)
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
        .with_timezone(&BANGKOK)
}

/// The first Tuesday `T` with `t < cutoff(T)`: the earliest release a request submitted at
/// `t` can make.
///
/// Saturates at the last representable Tuesday when the answer would lie after
/// [`NaiveDate::MAX`]; [`try_launch_on`] reports that case instead.
///
/// ```
/// use chrono::DateTime;
/// use onboard_core::schedule::earliest_release;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let before = DateTime::parse_from_rfc3339("2026-11-23T04:59:59Z")?.to_utc();
/// let at = DateTime::parse_from_rfc3339("2026-11-23T05:00:00Z")?.to_utc();
/// assert_eq!(earliest_release(before).to_string(), "2026-11-24");
/// assert_eq!(earliest_release(at).to_string(), "2026-12-01");
/// # Ok(()) }
/// ```
pub fn earliest_release(t: DateTime<Utc>) -> NaiveDate {
    date_of(earliest_release_day(t)).unwrap_or_else(last_tuesday)
}

/// The release chosen for a request, as `onboard schedule` prints it.
///
/// Serializes dates as ISO 8601 and the cutoff as RFC 3339 with `+07:00`:
///
/// ```
/// use chrono::{DateTime, NaiveDate};
/// use onboard_core::schedule::{launch_on, ClosedDates};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let t = DateTime::parse_from_rfc3339("2026-11-23T12:00:00+07:00")?.to_utc();
/// let desired = NaiveDate::from_ymd_opt(2026, 11, 23).ok_or("date")?;
/// let release = launch_on(t, desired, &ClosedDates::new());
/// assert_eq!(
///     serde_json::to_string(&release)?,
///     r#"{"launch_on":"2026-12-01","earliest_release":"2026-12-01","cutoff":"2026-11-30T12:00:00+07:00"}"#
/// );
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Release {
    /// The release Tuesday the service goes live on.
    pub launch_on: NaiveDate,
    /// The first Tuesday the request could have made, ignoring the desired and closed dates.
    pub earliest_release: NaiveDate,
    /// The cutoff of the chosen release, `cutoff(launch_on)`.
    pub cutoff: DateTime<FixedOffset>,
}

/// The release for a request submitted at `t` asking for `desired`: the first Tuesday on or
/// after both `desired` and [`earliest_release`]`(t)` that is not closed.
///
/// Total: when the answer would lie after [`NaiveDate::MAX`] (year 262 142) it saturates at
/// the last representable Tuesday (closed or not); use [`try_launch_on`] to detect that.
///
/// ```
/// use chrono::{DateTime, NaiveDate};
/// use onboard_core::schedule::{launch_on, ClosedDates};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let t = DateTime::parse_from_rfc3339("2026-11-25T10:00:00+07:00")?.to_utc();
/// let desired = NaiveDate::from_ymd_opt(2026, 12, 10).ok_or("date")?;
/// let closed = ClosedDates::parse_list("2026-12-15")?;
/// assert_eq!(launch_on(t, desired, &closed).launch_on.to_string(), "2026-12-22");
/// # Ok(()) }
/// ```
pub fn launch_on(t: DateTime<Utc>, desired: NaiveDate, closed: &ClosedDates) -> Release {
    try_launch_on(t, desired, closed).unwrap_or_else(|_| {
        let last = last_tuesday();
        Release {
            launch_on: last,
            // Already saturated at `last`, so never after the launch.
            earliest_release: earliest_release(t),
            cutoff: cutoff(last),
        }
    })
}

/// [`launch_on`], failing with [`ScheduleError::OutOfRange`] instead of saturating when the
/// release would lie after [`NaiveDate::MAX`].
///
/// ```
/// use chrono::{DateTime, NaiveDate};
/// use onboard_core::schedule::{try_launch_on, ClosedDates};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let t = DateTime::parse_from_rfc3339("2026-11-24T09:00:00+07:00")?.to_utc();
/// let desired = NaiveDate::from_ymd_opt(2026, 11, 24).ok_or("date")?;
/// let release = try_launch_on(t, desired, &ClosedDates::new())?;
/// assert_eq!(release.launch_on.to_string(), "2026-12-01");
/// # Ok(()) }
/// ```
pub fn try_launch_on(
    t: DateTime<Utc>,
    desired: NaiveDate,
    closed: &ClosedDates,
) -> Result<Release, ScheduleError> {
    let earliest = earliest_release_day(t);
    let mut day = first_tuesday_from(earliest.max(day_number(desired)));
    // Every extra week consumes a distinct closed date, so this runs at most
    // `closed.len() + 1` times whatever the dates are.
    let launch_on = loop {
        let date = date_of(day).ok_or(ScheduleError::OutOfRange)?;
        if !closed.contains(date) {
            break date;
        }
        day += 7;
    };
    Ok(Release {
        launch_on,
        earliest_release: date_of(earliest).ok_or(ScheduleError::OutOfRange)?,
        cutoff: cutoff(launch_on),
    })
}

/// Dates without a release (public holidays, freeze weeks): a closed Tuesday moves the
/// release to the next Tuesday that is not closed. Serializes as a sorted list of ISO
/// dates.
///
/// ```
/// use onboard_core::schedule::ClosedDates;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let closed: ClosedDates = serde_json::from_str(r#"["2026-12-29","2026-12-15"]"#)?;
/// assert_eq!(serde_json::to_string(&closed)?, r#"["2026-12-15","2026-12-29"]"#);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClosedDates(BTreeSet<NaiveDate>);

impl ClosedDates {
    /// No closed dates.
    ///
    /// ```
    /// assert!(onboard_core::schedule::ClosedDates::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Self(BTreeSet::new())
    }

    /// Parses the comma-separated form of the CLI's `--closed`, e.g.
    /// `2026-12-15,2026-12-29`. Entries are `YYYY-MM-DD` and may be surrounded by white
    /// space; a blank string means no closed dates; any other entry, including an empty one
    /// between two commas, is an error naming its position.
    ///
    /// ```
    /// use onboard_core::schedule::ClosedDates;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// assert_eq!(ClosedDates::parse_list("2026-12-15, 2026-12-29")?.len(), 2);
    /// assert!(ClosedDates::parse_list("")?.is_empty());
    /// assert!(ClosedDates::parse_list("2026-12-15,,2026-12-29").is_err());
    /// # Ok(()) }
    /// ```
    pub fn parse_list(s: &str) -> Result<Self, ScheduleError> {
        if s.trim().is_empty() {
            return Ok(Self::new());
        }
        s.split(',')
            .enumerate()
            .map(|(index, entry)| {
                let entry = entry.trim();
                crate::fields::iso_date(entry).ok_or_else(|| ScheduleError::InvalidClosedDate {
                    position: index + 1,
                    entry: entry.to_owned(),
                })
            })
            .collect()
    }

    /// Adds a date; returns whether it was not already closed.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use onboard_core::schedule::ClosedDates;
    /// let mut closed = ClosedDates::new();
    /// assert!(closed.insert(NaiveDate::MIN));
    /// assert!(!closed.insert(NaiveDate::MIN));
    /// ```
    pub fn insert(&mut self, date: NaiveDate) -> bool {
        self.0.insert(date)
    }

    /// Whether `date` is closed.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use onboard_core::schedule::ClosedDates;
    /// let closed: ClosedDates = [NaiveDate::MIN].into_iter().collect();
    /// assert!(closed.contains(NaiveDate::MIN));
    /// assert!(!closed.contains(NaiveDate::MAX));
    /// ```
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.0.contains(&date)
    }

    /// The closed dates in ascending order.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use onboard_core::schedule::ClosedDates;
    /// let closed: ClosedDates = [NaiveDate::MAX, NaiveDate::MIN].into_iter().collect();
    /// let dates: Vec<NaiveDate> = closed.iter().copied().collect();
    /// assert_eq!(dates, [NaiveDate::MIN, NaiveDate::MAX]);
    /// ```
    pub fn iter(&self) -> btree_set::Iter<'_, NaiveDate> {
        self.0.iter()
    }

    /// How many dates are closed.
    ///
    /// ```
    /// assert_eq!(onboard_core::schedule::ClosedDates::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no date is closed.
    ///
    /// ```
    /// assert!(onboard_core::schedule::ClosedDates::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Same as [`ClosedDates::parse_list`], so that the type works as a CLI argument.
impl FromStr for ClosedDates {
    type Err = ScheduleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_list(s)
    }
}

/// The comma-separated form that [`ClosedDates::parse_list`] reads.
impl fmt::Display for ClosedDates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, date) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str(",")?;
            }
            write!(f, "{date}")?;
        }
        Ok(())
    }
}

impl FromIterator<NaiveDate> for ClosedDates {
    fn from_iter<I: IntoIterator<Item = NaiveDate>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

impl Extend<NaiveDate> for ClosedDates {
    fn extend<I: IntoIterator<Item = NaiveDate>>(&mut self, iter: I) {
        self.0.extend(iter);
    }
}

impl IntoIterator for ClosedDates {
    type Item = NaiveDate;
    type IntoIter = btree_set::IntoIter<NaiveDate>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a ClosedDates {
    type Item = &'a NaiveDate;
    type IntoIter = btree_set::Iter<'a, NaiveDate>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// The Thai fiscal year containing `date`: fiscal year `N` runs from 1 October `N - 1` to
/// 30 September `N` (Gregorian year numbers; add 543 for the Buddhist era).
///
/// ```
/// use chrono::NaiveDate;
/// use onboard_core::schedule::fiscal_year;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// assert_eq!(fiscal_year(NaiveDate::from_ymd_opt(2026, 9, 30).ok_or("date")?), 2026);
/// assert_eq!(fiscal_year(NaiveDate::from_ymd_opt(2026, 10, 1).ok_or("date")?), 2027);
/// # Ok(()) }
/// ```
pub fn fiscal_year(date: NaiveDate) -> i32 {
    if date.month() >= 10 {
        date.year() + 1
    } else {
        date.year()
    }
}

/// The last allowed `planned_launch_date` of step 1 (SPEC §5), as configuration.
///
/// Serializes as one string: `"fiscal_year_end"` or an ISO date; parses the same way
/// (the CLI's `--launch-deadline` takes the date form).
///
/// ```
/// use onboard_core::schedule::LaunchDeadline;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// assert_eq!(serde_json::to_string(&LaunchDeadline::default())?, r#""fiscal_year_end""#);
/// let fixed: LaunchDeadline = serde_json::from_str(r#""2026-09-30""#)?;
/// assert_eq!(fixed, "2026-09-30".parse()?);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum LaunchDeadline {
    /// 30 September of the Thai fiscal year in which the request is made.
    #[default]
    FiscalYearEnd,
    /// A fixed date, whenever the request is made.
    Fixed(NaiveDate),
}

impl LaunchDeadline {
    /// The deadline for a request made on `today` (a Bangkok date, see
    /// [`today_in_bangkok`]).
    ///
    /// [`LaunchDeadline::FiscalYearEnd`] saturates at [`NaiveDate::MAX`] in chrono's last
    /// year, whose fiscal year ends after it.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use onboard_core::schedule::LaunchDeadline;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let today = NaiveDate::from_ymd_opt(2026, 11, 24).ok_or("date")?;
    /// let deadline = LaunchDeadline::FiscalYearEnd.for_request(today);
    /// assert_eq!(deadline.to_string(), "2027-09-30");
    /// # Ok(()) }
    /// ```
    pub fn for_request(&self, today: NaiveDate) -> NaiveDate {
        match *self {
            // Fails only past NaiveDate::MAX, hence the saturation.
            Self::FiscalYearEnd => {
                NaiveDate::from_ymd_opt(fiscal_year(today), 9, 30).unwrap_or(NaiveDate::MAX)
            }
            Self::Fixed(date) => date,
        }
    }
}

const FISCAL_YEAR_END: &str = "fiscal_year_end";

/// `fiscal_year_end` or the ISO date.
impl fmt::Display for LaunchDeadline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FiscalYearEnd => f.write_str(FISCAL_YEAR_END),
            Self::Fixed(date) => write!(f, "{date}"),
        }
    }
}

/// Reads `fiscal_year_end` or a `YYYY-MM-DD` date, ignoring surrounding white space.
impl FromStr for LaunchDeadline {
    type Err = ScheduleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let value = s.trim();
        if value == FISCAL_YEAR_END {
            return Ok(Self::FiscalYearEnd);
        }
        crate::fields::iso_date(value)
            .map(Self::Fixed)
            .ok_or_else(|| ScheduleError::InvalidLaunchDeadline {
                value: value.to_owned(),
            })
    }
}

impl TryFrom<String> for LaunchDeadline {
    type Error = ScheduleError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<LaunchDeadline> for String {
    fn from(deadline: LaunchDeadline) -> Self {
        deadline.to_string()
    }
}

/// The schedule configuration a server or the CLI passes around. Missing fields take their
/// defaults when deserializing.
///
/// ```
/// use onboard_core::schedule::{LaunchDeadline, ScheduleConfig};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let config: ScheduleConfig = serde_json::from_str(r#"{"closed": ["2026-12-15"]}"#)?;
/// assert_eq!(config.closed.len(), 1);
/// assert_eq!(config.launch_deadline, LaunchDeadline::FiscalYearEnd);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScheduleConfig {
    /// Dates without a release.
    pub closed: ClosedDates,
    /// The last allowed `planned_launch_date` of step 1.
    pub launch_deadline: LaunchDeadline,
}

impl ScheduleConfig {
    /// [`launch_on`] with this configuration's closed dates.
    ///
    /// ```
    /// use chrono::{DateTime, NaiveDate};
    /// use onboard_core::schedule::ScheduleConfig;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let t = DateTime::parse_from_rfc3339("2026-11-25T10:00:00+07:00")?.to_utc();
    /// let desired = NaiveDate::from_ymd_opt(2026, 12, 10).ok_or("date")?;
    /// let release = ScheduleConfig::default().launch_on(t, desired);
    /// assert_eq!(release.launch_on.to_string(), "2026-12-15");
    /// # Ok(()) }
    /// ```
    pub fn launch_on(&self, t: DateTime<Utc>, desired: NaiveDate) -> Release {
        launch_on(t, desired, &self.closed)
    }

    /// [`LaunchDeadline::for_request`] of this configuration's deadline.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use onboard_core::schedule::ScheduleConfig;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let today = NaiveDate::from_ymd_opt(2026, 9, 30).ok_or("date")?;
    /// assert_eq!(ScheduleConfig::default().launch_deadline_for(today), today);
    /// # Ok(()) }
    /// ```
    pub fn launch_deadline_for(&self, today: NaiveDate) -> NaiveDate {
        self.launch_deadline.for_request(today)
    }
}

/// A date in Thai: day without leading zero, Thai month abbreviation, Buddhist-era year
/// (Gregorian year + 543).
///
/// ```
/// use chrono::NaiveDate;
/// use onboard_core::schedule::thai_date;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let date = NaiveDate::from_ymd_opt(2026, 2, 27).ok_or("date")?;
/// assert_eq!(thai_date(date), "27 ก.พ. 2569");
/// # Ok(()) }
/// ```
pub fn thai_date(date: NaiveDate) -> String {
    // month0() is always 0..=11, so the index is in bounds.
    let month = THAI_MONTHS[date.month0() as usize];
    format!(
        "{} {} {}",
        date.day(),
        month,
        date.year() + BUDDHIST_ERA_OFFSET
    )
}

/// chrono's day number (0001-01-01 is 1), widened so that adding weeks cannot overflow.
fn day_number(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce())
}

/// The date of a day number, if chrono can represent it.
fn date_of(day: i64) -> Option<NaiveDate> {
    i32::try_from(day)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

/// 0 for Monday to 6 for Sunday; day 1 (0001-01-01, proleptic Gregorian) was a Monday.
fn weekday_index(day: i64) -> i64 {
    (day - 1).rem_euclid(7)
}

fn first_tuesday_from(day: i64) -> i64 {
    day + (TUESDAY - weekday_index(day)).rem_euclid(7)
}

fn last_tuesday() -> NaiveDate {
    // The week before NaiveDate::MAX always holds a Tuesday; MAX is only the unreachable
    // fallback that keeps this total.
    date_of(first_tuesday_from(day_number(NaiveDate::MAX) - 6)).unwrap_or(NaiveDate::MAX)
}

/// The Bangkok day number of `t` and the whole seconds since local midnight. May be one
/// day past NaiveDate::MAX, which is why this stays a number.
fn local_day(t: DateTime<Utc>) -> (i64, i64) {
    // Flooring to whole seconds is exact here: the cutoff is on a whole second.
    let secs = t.timestamp() + i64::from(UTC_OFFSET_SECS);
    (
        UNIX_EPOCH_DAY + secs.div_euclid(SECS_PER_DAY),
        secs.rem_euclid(SECS_PER_DAY),
    )
}

fn earliest_release_day(t: DateTime<Utc>) -> i64 {
    let (day, secs) = local_day(t);
    // t < cutoff(T) = (T - 1) at noon  <=>  T - 1 > day, or T - 1 == day and t is before
    // noon. So T - 1 must be at least `first_monday`.
    let first_monday = if secs < NOON_SECS { day } else { day + 1 };
    first_tuesday_from(first_monday + 1)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use chrono::{Duration, Weekday};

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn instant(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn launch(submitted: &str, desired: &str, closed: &str) -> NaiveDate {
        let closed = ClosedDates::parse_list(closed).unwrap();
        launch_on(instant(submitted), date(desired), &closed).launch_on
    }

    // SPEC §6 example table, one test per row.

    #[test]
    fn spec_row_1_monday_just_before_noon() {
        assert_eq!(
            launch("2026-11-23T11:59:59+07:00", "2026-11-23", ""),
            date("2026-11-24")
        );
    }

    #[test]
    fn spec_row_2_monday_noon() {
        assert_eq!(
            launch("2026-11-23T12:00:00+07:00", "2026-11-23", ""),
            date("2026-12-01")
        );
    }

    #[test]
    fn spec_row_3_utc_just_before_cutoff() {
        assert_eq!(
            launch("2026-11-23T04:59:59Z", "2026-11-23", ""),
            date("2026-11-24")
        );
    }

    #[test]
    fn spec_row_4_utc_at_cutoff() {
        assert_eq!(
            launch("2026-11-23T05:00:00Z", "2026-11-23", ""),
            date("2026-12-01")
        );
    }

    #[test]
    fn spec_row_5_tuesday_goes_to_next_week() {
        assert_eq!(
            launch("2026-11-24T09:00:00+07:00", "2026-11-24", ""),
            date("2026-12-01")
        );
    }

    #[test]
    fn spec_row_6_desired_date_wins() {
        assert_eq!(
            launch("2026-11-25T10:00:00+07:00", "2026-12-10", ""),
            date("2026-12-15")
        );
    }

    #[test]
    fn spec_row_7_closed_tuesday_moves_a_week() {
        assert_eq!(
            launch("2026-11-25T10:00:00+07:00", "2026-12-10", "2026-12-15"),
            date("2026-12-22")
        );
    }

    #[test]
    fn consecutive_closed_tuesdays_are_skipped() {
        assert_eq!(
            launch(
                "2026-11-25T10:00:00+07:00",
                "2026-12-10",
                "2026-12-15,2026-12-22,2026-12-29"
            ),
            date("2027-01-05")
        );
    }

    #[test]
    fn closed_non_tuesdays_do_not_matter() {
        assert_eq!(
            launch(
                "2026-11-25T10:00:00+07:00",
                "2026-12-10",
                "2026-12-14,2026-12-16"
            ),
            date("2026-12-15")
        );
    }

    #[test]
    fn cutoff_is_exact_to_the_nanosecond() {
        let last = instant("2026-11-23T11:59:59.999999999+07:00");
        let at = instant("2026-11-23T12:00:00+07:00");
        assert_eq!(earliest_release(last), date("2026-11-24"));
        assert_eq!(earliest_release(at), date("2026-12-01"));
        assert_eq!(cutoff(date("2026-11-24")), at);
        assert_eq!(at - last, Duration::nanoseconds(1));
    }

    #[test]
    fn monday_morning_utc_is_still_monday_in_bangkok() {
        // 2026-11-22T23:00Z is Monday 06:00 in Bangkok.
        assert_eq!(
            earliest_release(instant("2026-11-22T23:00:00Z")),
            date("2026-11-24")
        );
        // Sunday 16:59:59Z is Sunday 23:59:59 in Bangkok.
        assert_eq!(
            earliest_release(instant("2026-11-22T16:59:59Z")),
            date("2026-11-24")
        );
    }

    #[test]
    fn every_tuesday_submission_goes_to_the_next_tuesday() {
        for time in ["00:00:00", "09:00:00", "12:00:00", "23:59:59"] {
            let t = instant(&format!("2026-11-24T{time}+07:00"));
            assert_eq!(earliest_release(t), date("2026-12-01"), "{time}");
        }
    }

    #[test]
    fn release_carries_the_cutoff_of_the_chosen_tuesday() {
        let closed = ClosedDates::parse_list("2026-12-15").unwrap();
        let release = launch_on(
            instant("2026-11-25T10:00:00+07:00"),
            date("2026-12-10"),
            &closed,
        );
        assert_eq!(release.earliest_release, date("2026-12-01"));
        assert_eq!(release.cutoff.to_rfc3339(), "2026-12-21T12:00:00+07:00");
        assert_eq!(release.cutoff.weekday(), Weekday::Mon);
    }

    #[test]
    fn release_json_matches_the_cli_output() {
        let release = launch_on(
            instant("2026-11-23T04:59:59Z"),
            date("2026-11-23"),
            &ClosedDates::new(),
        );
        assert_eq!(
            serde_json::to_value(release).unwrap(),
            serde_json::json!({
                "launch_on": "2026-11-24",
                "earliest_release": "2026-11-24",
                "cutoff": "2026-11-23T12:00:00+07:00",
            })
        );
        let back: Release = serde_json::from_value(serde_json::to_value(release).unwrap()).unwrap();
        assert_eq!(back, release);
    }

    #[test]
    fn today_in_bangkok_turns_at_17_utc() {
        assert_eq!(
            today_in_bangkok(instant("2026-11-23T16:59:59Z")),
            date("2026-11-23")
        );
        assert_eq!(
            today_in_bangkok(instant("2026-11-23T17:00:00Z")),
            date("2026-11-24")
        );
    }

    #[test]
    fn thai_dates() {
        assert_eq!(thai_date(date("2026-02-27")), "27 ก.พ. 2569");
        assert_eq!(thai_date(date("2026-11-24")), "24 พ.ย. 2569");
        assert_eq!(thai_date(date("2027-01-01")), "1 ม.ค. 2570");
        assert_eq!(thai_date(date("2026-12-31")), "31 ธ.ค. 2569");
        assert_eq!(thai_date(date("2026-09-05")), "5 ก.ย. 2569");
    }

    #[test]
    fn fiscal_year_boundaries() {
        assert_eq!(fiscal_year(date("2026-09-30")), 2026);
        assert_eq!(fiscal_year(date("2026-10-01")), 2027);
        assert_eq!(fiscal_year(date("2026-01-01")), 2026);
        assert_eq!(fiscal_year(date("2026-12-31")), 2027);
    }

    #[test]
    fn fiscal_year_end_deadline() {
        let deadline = LaunchDeadline::FiscalYearEnd;
        assert_eq!(deadline.for_request(date("2026-11-24")), date("2027-09-30"));
        assert_eq!(deadline.for_request(date("2026-09-30")), date("2026-09-30"));
        assert_eq!(deadline.for_request(date("2026-10-01")), date("2027-09-30"));
        assert_eq!(deadline.for_request(date("2026-01-01")), date("2026-09-30"));
    }

    #[test]
    fn fixed_deadline_ignores_today() {
        let deadline = LaunchDeadline::Fixed(date("2026-09-30"));
        assert_eq!(deadline.for_request(date("2027-05-01")), date("2026-09-30"));
    }

    #[test]
    fn launch_deadline_text_forms() {
        assert_eq!(
            "fiscal_year_end".parse::<LaunchDeadline>().unwrap(),
            LaunchDeadline::FiscalYearEnd
        );
        assert_eq!(
            " 2026-09-30 ".parse::<LaunchDeadline>().unwrap(),
            LaunchDeadline::Fixed(date("2026-09-30"))
        );
        for bad in [
            "",
            "2026-9-30",
            "2026-02-30",
            "FISCAL_YEAR_END",
            "+2026-09-30",
        ] {
            assert_eq!(
                bad.parse::<LaunchDeadline>(),
                Err(ScheduleError::InvalidLaunchDeadline {
                    value: bad.trim().to_owned()
                }),
                "{bad:?}"
            );
        }
        let json = serde_json::to_string(&LaunchDeadline::Fixed(date("2026-09-30"))).unwrap();
        assert_eq!(json, r#""2026-09-30""#);
        assert!(serde_json::from_str::<LaunchDeadline>(r#""soon""#).is_err());
    }

    #[test]
    fn schedule_config_serde() {
        let config = ScheduleConfig {
            closed: ClosedDates::parse_list("2026-12-29,2026-12-15").unwrap(),
            launch_deadline: LaunchDeadline::FiscalYearEnd,
        };
        let json = serde_json::to_value(&config).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "closed": ["2026-12-15", "2026-12-29"],
                "launch_deadline": "fiscal_year_end",
            })
        );
        assert_eq!(
            serde_json::from_value::<ScheduleConfig>(json).unwrap(),
            config
        );
        assert_eq!(
            serde_json::from_str::<ScheduleConfig>("{}").unwrap(),
            ScheduleConfig::default()
        );
    }

    #[test]
    fn closed_list_parsing() {
        let closed = ClosedDates::parse_list(" 2026-12-29 ,2026-12-15,2026-12-15").unwrap();
        assert_eq!(closed.to_string(), "2026-12-15,2026-12-29");
        assert_eq!(closed.len(), 2);
        assert_eq!("".parse::<ClosedDates>().unwrap(), ClosedDates::new());
        assert_eq!(ClosedDates::parse_list("  ").unwrap(), ClosedDates::new());
        assert_eq!(ClosedDates::new().to_string(), "");
        for (list, position, entry) in [
            ("2026-12-15,x", 2, "x"),
            ("2026-12-15,", 2, ""),
            ("2026-02-29", 1, "2026-02-29"),
            ("2026-12-15;2026-12-29", 1, "2026-12-15;2026-12-29"),
            ("2026-1-05", 1, "2026-1-05"),
            ("๒๐๒๖-12-15", 1, "๒๐๒๖-12-15"),
        ] {
            assert_eq!(
                ClosedDates::parse_list(list),
                Err(ScheduleError::InvalidClosedDate {
                    position,
                    entry: entry.to_owned()
                }),
                "{list:?}"
            );
        }
        let message = ClosedDates::parse_list("2026-12-15,x")
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            "closed date #2 `x` is not a date in the form YYYY-MM-DD"
        );
    }

    #[test]
    fn weekday_arithmetic_agrees_with_chrono() {
        let mut day = date("1999-12-27");
        for _ in 0..30 {
            assert_eq!(
                weekday_index(day_number(day)),
                i64::from(day.weekday().num_days_from_monday())
            );
            day = day.succ_opt().unwrap();
        }
        assert_eq!(
            date_of(UNIX_EPOCH_DAY),
            Some(DateTime::UNIX_EPOCH.date_naive())
        );
    }

    #[test]
    fn extremes_do_not_panic() {
        let everything: ClosedDates = [NaiveDate::MIN, NaiveDate::MAX, last_tuesday()]
            .into_iter()
            .collect();
        for t in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
            for desired in [NaiveDate::MIN, NaiveDate::MAX] {
                let release = launch_on(t, desired, &everything);
                assert_eq!(release.cutoff, cutoff(release.launch_on));
                let _ = try_launch_on(t, desired, &everything);
            }
            let _ = today_in_bangkok(t);
            let _ = earliest_release(t);
        }
        assert_eq!(cutoff(NaiveDate::MIN), DateTime::<Utc>::MIN_UTC);
        let _ = cutoff(NaiveDate::MAX).to_rfc3339();
        assert_eq!(today_in_bangkok(DateTime::<Utc>::MAX_UTC), NaiveDate::MAX);
        assert_eq!(
            LaunchDeadline::FiscalYearEnd.for_request(NaiveDate::MAX),
            NaiveDate::MAX
        );
        let _ = thai_date(NaiveDate::MIN);
        let _ = thai_date(NaiveDate::MAX);
    }

    #[test]
    fn beyond_the_last_tuesday_saturates_or_errs() {
        let last = last_tuesday();
        assert_eq!(last.weekday(), Weekday::Tue);
        assert!(NaiveDate::MAX - last < Duration::days(7));
        let t = DateTime::<Utc>::MAX_UTC;
        assert_eq!(
            try_launch_on(t, NaiveDate::MIN, &ClosedDates::new()),
            Err(ScheduleError::OutOfRange)
        );
        let release = launch_on(t, NaiveDate::MIN, &ClosedDates::new());
        assert_eq!(release.launch_on, last);
        assert_eq!(release.earliest_release, last);
        // The last Tuesday itself is still reachable when it is open.
        let early = DateTime::<Utc>::UNIX_EPOCH;
        assert_eq!(
            try_launch_on(early, last, &ClosedDates::new()).map(|r| r.launch_on),
            Ok(last)
        );
        let closed: ClosedDates = [last].into_iter().collect();
        assert_eq!(
            try_launch_on(early, last, &closed),
            Err(ScheduleError::OutOfRange)
        );
    }

    #[test]
    fn first_representable_tuesday_is_reachable() {
        let t = DateTime::<Utc>::MIN_UTC;
        let release = launch_on(t, NaiveDate::MIN, &ClosedDates::new());
        assert_eq!(release.launch_on.weekday(), Weekday::Tue);
        assert!(release.launch_on - NaiveDate::MIN <= Duration::days(8));
        assert!(t < release.cutoff);
    }
}
