//! Property tests of the release schedule (SPEC §6) against brute-force oracles written with
//! chrono's own calendar API, independent of the day-number arithmetic in
//! `onboard_core::schedule`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveDate, TimeZone, Utc, Weekday};
use onboard_core::schedule::{
    bangkok, cutoff, earliest_release, fiscal_year, launch_on, thai_date, today_in_bangkok,
    try_launch_on, ClosedDates, LaunchDeadline, ScheduleError, THAI_MONTHS,
};
use proptest::prelude::*;

/// 2000-01-01T00:00:00Z and 2100-12-31T23:59:59Z.
const FIRST_SECOND: i64 = 946_684_800;
const LAST_SECOND: i64 = 4_133_980_799;
/// Days from 2000-01-01 to 2100-12-31.
const DAYS_IN_RANGE: u64 = 36_890;
/// 2000-01-03T05:00:00Z: Monday 12:00 in Bangkok, the cutoff of 2000-01-04.
const FIRST_MONDAY_NOON: i64 = 946_875_600;
const WEEK_SECS: i64 = 7 * 86_400;

fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).unwrap()
}

fn plus_days(date: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        date.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
    }
    .unwrap()
}

/// Monday noon in Bangkok before `release`, written with chrono's time-zone API.
fn oracle_cutoff(release: NaiveDate) -> DateTime<FixedOffset> {
    let monday_noon = release.pred_opt().unwrap().and_hms_opt(12, 0, 0).unwrap();
    bangkok()
        .from_local_datetime(&monday_noon)
        .single()
        .unwrap()
}

/// The first Tuesday whose cutoff is after `t`, by walking the days.
fn oracle_earliest(t: DateTime<Utc>) -> NaiveDate {
    let mut day = t.with_timezone(&bangkok()).date_naive();
    loop {
        if day.weekday() == Weekday::Tue && t < oracle_cutoff(day) {
            return day;
        }
        day = day.succ_opt().unwrap();
    }
}

fn first_tuesday_on_or_after(mut day: NaiveDate) -> NaiveDate {
    while day.weekday() != Weekday::Tue {
        day = day.succ_opt().unwrap();
    }
    day
}

fn qualifies(day: NaiveDate, t: DateTime<Utc>, desired: NaiveDate, closed: &ClosedDates) -> bool {
    day.weekday() == Weekday::Tue
        && day >= desired
        && t < oracle_cutoff(day)
        && !closed.contains(day)
}

/// A submit instant in 2000..=2100, half of them within seconds of a Monday-noon cutoff or
/// on a Tuesday, where off-by-one mistakes live.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    let weeks = (LAST_SECOND - FIRST_MONDAY_NOON) / WEEK_SECS;
    prop_oneof![
        (FIRST_SECOND..=LAST_SECOND, 0u32..1_000_000_000),
        (
            0..weeks,
            -3i64..3,
            prop_oneof![Just(0u32), Just(999_999_999u32), 0u32..1_000_000_000]
        )
            .prop_map(|(week, delta, nanos)| (FIRST_MONDAY_NOON + week * WEEK_SECS + delta, nanos)),
        (0..weeks, 0i64..86_400).prop_map(|(week, secs)| {
            // Tuesday 00:00 Bangkok is Monday 17:00 UTC.
            (FIRST_MONDAY_NOON + week * WEEK_SECS + 12 * 3_600 + secs, 0)
        }),
    ]
    .prop_map(|(secs, nanos)| DateTime::from_timestamp(secs, nanos).unwrap())
}

/// How the desired date relates to the submit instant.
#[derive(Debug, Clone)]
enum Desired {
    /// Days from the submit date in Bangkok (negative: already past).
    Relative(i64),
    /// Any date of the range.
    Anywhere(u64),
}

fn desired() -> impl Strategy<Value = Desired> {
    prop_oneof![
        3 => (-30i64..120).prop_map(Desired::Relative),
        1 => (0..=DAYS_IN_RANGE).prop_map(Desired::Anywhere),
    ]
}

/// A closed date, biased to the Tuesdays at and after the expected answer.
#[derive(Debug, Clone)]
enum Closed {
    /// The n-th Tuesday from the first candidate: consecutive runs are likely.
    Tuesday(i64),
    /// Any day near the first candidate.
    Near(i64),
    /// Any date of the range.
    Anywhere(u64),
}

fn closed() -> impl Strategy<Value = Vec<Closed>> {
    let one = prop_oneof![
        6 => (0i64..8).prop_map(Closed::Tuesday),
        2 => (-20i64..60).prop_map(Closed::Near),
        1 => (0..=DAYS_IN_RANGE).prop_map(Closed::Anywhere),
    ];
    prop::collection::vec(one, 0..=20)
}

fn build(t: DateTime<Utc>, desired: &Desired, closed: &[Closed]) -> (NaiveDate, ClosedDates) {
    let desired = match *desired {
        Desired::Relative(days) => plus_days(today_in_bangkok_oracle(t), days),
        Desired::Anywhere(days) => plus_days(first_day(), days as i64),
    };
    // The first candidate according to the oracle, so the bias does not trust the code
    // under test.
    let candidate = first_tuesday_on_or_after(desired.max(oracle_earliest(t)));
    let closed = closed
        .iter()
        .map(|c| match *c {
            Closed::Tuesday(n) => plus_days(candidate, 7 * n),
            Closed::Near(days) => plus_days(candidate, days),
            Closed::Anywhere(days) => plus_days(first_day(), days as i64),
        })
        .collect();
    (desired, closed)
}

fn today_in_bangkok_oracle(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&bangkok()).date_naive()
}

/// Any second chrono can represent, a third of them within 30 days of either end.
fn extreme_seconds() -> impl Strategy<Value = i64> {
    let (min, max) = (
        DateTime::<Utc>::MIN_UTC.timestamp(),
        DateTime::<Utc>::MAX_UTC.timestamp(),
    );
    let month = 30 * 86_400;
    prop_oneof![min..=max, min..=min + month, max - month..=max]
}

/// Any day number chrono can represent, a third of them within 30 days of either end.
fn extreme_days() -> impl Strategy<Value = i32> {
    let (min, max) = (
        NaiveDate::MIN.num_days_from_ce(),
        NaiveDate::MAX.num_days_from_ce(),
    );
    prop_oneof![min..=max, min..=min + 30, max - 30..=max]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn launch_on_is_the_first_qualifying_tuesday(
        t in instant(),
        desired in desired(),
        closed in closed(),
    ) {
        let (desired, closed) = build(t, &desired, &closed);
        let release = launch_on(t, desired, &closed);
        let day = release.launch_on;

        prop_assert_eq!(day.weekday(), Weekday::Tue);
        prop_assert!(day >= desired);
        prop_assert!(day >= earliest_release(t));
        prop_assert!(!closed.contains(day));
        prop_assert!(qualifies(day, t, desired, &closed));

        // No earlier Tuesday from min(desired, earliest) on satisfies all four.
        let mut earlier = first_tuesday_on_or_after(desired.min(release.earliest_release));
        while earlier < day {
            prop_assert!(!qualifies(earlier, t, desired, &closed), "{earlier} also qualifies");
            earlier = plus_days(earlier, 7);
        }

        prop_assert_eq!(release.earliest_release, earliest_release(t));
        prop_assert_eq!(release.cutoff, cutoff(day));
        prop_assert_eq!(release.cutoff, oracle_cutoff(day));
        prop_assert_eq!(try_launch_on(t, desired, &closed), Ok(release));
    }

    #[test]
    fn earliest_release_is_the_first_tuesday_before_its_cutoff(t in instant()) {
        let earliest = earliest_release(t);
        prop_assert_eq!(earliest.weekday(), Weekday::Tue);
        prop_assert!(t < cutoff(earliest));
        prop_assert!(cutoff(plus_days(earliest, -7)) <= t);
        prop_assert_eq!(earliest, oracle_earliest(t));
    }

    #[test]
    fn cutoff_is_the_previous_day_at_noon_in_bangkok(days in 0..=DAYS_IN_RANGE) {
        let release = plus_days(first_day(), days as i64);
        let at = cutoff(release);
        prop_assert_eq!(at, oracle_cutoff(release));
        prop_assert_eq!(at.offset().local_minus_utc(), 7 * 3600);
        prop_assert_eq!(at.date_naive().succ_opt(), Some(release));
        prop_assert!(at.to_rfc3339().ends_with("T12:00:00+07:00"));
    }

    #[test]
    fn today_in_bangkok_matches_chrono(t in instant()) {
        prop_assert_eq!(today_in_bangkok(t), today_in_bangkok_oracle(t));
    }

    #[test]
    fn fiscal_year_end_deadline(days in 0..=DAYS_IN_RANGE) {
        let today = plus_days(first_day(), days as i64);
        let deadline = LaunchDeadline::FiscalYearEnd.for_request(today);
        prop_assert_eq!((deadline.month(), deadline.day()), (9, 30));
        prop_assert!(deadline >= today);
        prop_assert!(deadline < plus_days(today, 366));
        prop_assert_eq!(fiscal_year(deadline), fiscal_year(today));
        prop_assert_eq!(fiscal_year(plus_days(deadline, 1)), fiscal_year(today) + 1);
        prop_assert_eq!(deadline.year(), fiscal_year(today));
    }

    #[test]
    fn thai_date_reads_back(days in 0..=DAYS_IN_RANGE) {
        let date = plus_days(first_day(), days as i64);
        let text = thai_date(date);
        let parts: Vec<&str> = text.split(' ').collect();
        prop_assert_eq!(parts.len(), 3);
        prop_assert_eq!(parts[0], date.day().to_string());
        prop_assert_eq!(THAI_MONTHS.iter().position(|m| *m == parts[1]), Some(date.month0() as usize));
        prop_assert_eq!(parts[2], (date.year() + 543).to_string());
    }

    #[test]
    fn closed_dates_round_trip(days in prop::collection::vec(0..=DAYS_IN_RANGE, 0..=20)) {
        let closed: ClosedDates = days.iter().map(|&d| plus_days(first_day(), d as i64)).collect();
        prop_assert_eq!(ClosedDates::parse_list(&closed.to_string()), Ok(closed.clone()));
        let json = serde_json::to_string(&closed).unwrap();
        prop_assert_eq!(serde_json::from_str::<ClosedDates>(&json).unwrap(), closed.clone());
        let listed: Vec<NaiveDate> = closed.iter().copied().collect();
        prop_assert!(listed.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn total_over_all_of_chronos_range(
        secs in extreme_seconds(),
        desired in extreme_days(),
        near_end in any::<bool>(),
        closed in prop::collection::vec(0i64..60, 0..=20),
    ) {
        let t = DateTime::from_timestamp(secs, 0).unwrap();
        let desired = NaiveDate::from_num_days_from_ce_opt(desired).unwrap();
        // Closed dates at either end of the range, where saturation happens.
        let closed: ClosedDates = closed
            .iter()
            .map(|&d| if near_end { plus_days(NaiveDate::MAX, -d) } else { plus_days(NaiveDate::MIN, d) })
            .collect();

        let release = launch_on(t, desired, &closed);
        prop_assert_eq!(release.launch_on.weekday(), Weekday::Tue);
        prop_assert_eq!(release.cutoff, cutoff(release.launch_on));
        prop_assert!(release.earliest_release <= release.launch_on);
        match try_launch_on(t, desired, &closed) {
            Ok(exact) => {
                prop_assert_eq!(exact, release);
                prop_assert!(exact.launch_on >= desired);
                prop_assert!(t < exact.cutoff);
                prop_assert!(!closed.contains(exact.launch_on));
            }
            // Only when the answer lies past the last representable Tuesday.
            Err(err) => {
                prop_assert_eq!(err, ScheduleError::OutOfRange);
                prop_assert!(plus_days(NaiveDate::MAX, -7) < release.launch_on);
            }
        }
        let _ = today_in_bangkok(t);
        let _ = LaunchDeadline::FiscalYearEnd.for_request(desired);
        let _ = thai_date(desired);
    }
}
