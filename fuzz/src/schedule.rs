//! The Tuesday release train, closed dates and launch deadlines.
//!
//! Input: structured by `arbitrary`: a submit instant and a desired date (anywhere chrono can
//! represent, or near each other), closed dates (mostly Tuesdays on the way, to push the
//! release), and text for `ClosedDates::parse_list` and `LaunchDeadline`.

use arbitrary::{Result, Unstructured};
use chrono::{DateTime, Datelike, Days, NaiveDate, Timelike, Utc, Weekday};
use onboard_core::schedule::{
    self, cutoff, earliest_release, launch_on, thai_date, today_in_bangkok, try_launch_on,
    ClosedDates, LaunchDeadline, ScheduleConfig, ScheduleError,
};

/// The schedule target.
pub fn schedule(data: &[u8]) {
    let _ = run(&mut Unstructured::new(data));
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let t = instant(u)?;
    let desired = if u.ratio(3, 4)? {
        let near = today_in_bangkok(t);
        let offset = u.int_in_range(-400..=400)?;
        near.checked_add_signed(chrono::Duration::days(offset))
            .unwrap_or(near)
    } else {
        date(u)?
    };
    let mut closed = ClosedDates::new();
    let start = desired.max(earliest_release(t));
    for _ in 0..u.int_in_range(0..=24)? {
        let d = if u.ratio(3, 4)? {
            // A Tuesday (or a day near one) on the way from `start`.
            let weeks = u.int_in_range(0..=12u64)?;
            let jitter = u.int_in_range(0..=8u64)?;
            start
                .checked_add_days(Days::new(weeks * 7 + jitter))
                .unwrap_or(start)
        } else {
            date(u)?
        };
        closed.insert(d);
    }

    check_release(t, desired, &closed);
    check_earliest(t);
    check_today(t);
    check_deadline(today_in_bangkok(t));
    check_deadline(desired);
    check_thai_date(desired);

    // The serde form of any closed set reads back.
    let json = serde_json::to_string(&closed).unwrap_or_default();
    assert_eq!(
        serde_json::from_str::<ClosedDates>(&json).ok().as_ref(),
        Some(&closed)
    );

    let text: String = u.arbitrary()?;
    check_closed_list(&text);
    check_deadline_text(&text);
    Ok(())
}

/// Any instant chrono can represent, or (mostly) one of this century.
fn instant(u: &mut Unstructured<'_>) -> Result<DateTime<Utc>> {
    let (min, max) = if u.ratio(1, 4)? {
        (
            DateTime::<Utc>::MIN_UTC.timestamp(),
            DateTime::<Utc>::MAX_UTC.timestamp(),
        )
    } else {
        (1_577_836_800, 4_102_444_800) // 2020 to 2100
    };
    let secs = u.int_in_range(min..=max)?;
    let nanos = u.int_in_range(0..=999_999_999)?;
    Ok(DateTime::from_timestamp(secs, nanos).unwrap_or(DateTime::UNIX_EPOCH))
}

/// Any date chrono can represent, with the edges likely.
fn date(u: &mut Unstructured<'_>) -> Result<NaiveDate> {
    let (min, max) = (
        NaiveDate::MIN.num_days_from_ce(),
        NaiveDate::MAX.num_days_from_ce(),
    );
    let day = match u.choose_index(4)? {
        0 => u.int_in_range(min..=min + 20)?,
        1 => u.int_in_range(max - 20..=max)?,
        _ => u.int_in_range(min..=max)?,
    };
    Ok(NaiveDate::from_num_days_from_ce_opt(day).unwrap_or_default())
}

fn check_release(t: DateTime<Utc>, desired: NaiveDate, closed: &ClosedDates) {
    let config = ScheduleConfig {
        closed: closed.clone(),
        launch_deadline: LaunchDeadline::FiscalYearEnd,
    };
    let total = launch_on(t, desired, closed);
    assert_eq!(config.launch_on(t, desired), total);
    assert_eq!(total.launch_on.weekday(), Weekday::Tue);
    assert_eq!(total.cutoff, cutoff(total.launch_on));
    assert!(total.earliest_release <= total.launch_on);
    match try_launch_on(t, desired, closed) {
        Ok(r) => {
            assert_eq!(r, total);
            let release = r.launch_on;
            assert!(release >= desired, "{release} before desired {desired}");
            assert_eq!(r.earliest_release, earliest_release(t));
            assert!(release >= r.earliest_release);
            assert!(!closed.contains(release), "{release} is closed");
            assert!(t < r.cutoff.to_utc(), "{t} misses the cutoff {}", r.cutoff);
            // The first such Tuesday: every Tuesday before it on the way is closed.
            let mut d = desired.max(r.earliest_release);
            while d.weekday() != Weekday::Tue {
                d = d.succ_opt().unwrap_or(release);
            }
            while d < release {
                assert!(closed.contains(d), "{d} is open and before {release}");
                d = d.checked_add_days(Days::new(7)).unwrap_or(release);
            }
        }
        Err(ScheduleError::OutOfRange) => {
            // Only at the very end of the calendar: saturated at the last Tuesday.
            assert!(NaiveDate::MAX - total.launch_on < chrono::Duration::days(7));
        }
        Err(e) => panic!("unexpected {e}"),
    }
}

fn check_earliest(t: DateTime<Utc>) {
    let e = earliest_release(t);
    assert_eq!(e.weekday(), Weekday::Tue);
    let c = cutoff(e);
    // The cutoff is the day before at noon, Bangkok time.
    assert_eq!(c.offset(), &schedule::bangkok());
    if e > NaiveDate::MIN {
        assert_eq!(Some(c.date_naive()), e.pred_opt());
        assert_eq!(
            (c.hour(), c.minute(), c.second(), c.nanosecond()),
            (12, 0, 0, 0)
        );
    }
    let saturated = NaiveDate::MAX - e < chrono::Duration::days(7);
    assert!(t < c.to_utc() || saturated, "{t} not before {c}");
    // The Tuesday before was missed.
    if let Some(before) = e.checked_sub_days(Days::new(7)) {
        assert!(
            t >= cutoff(before).to_utc(),
            "{t} could still make {before}"
        );
    }
}

fn check_today(t: DateTime<Utc>) {
    let today = today_in_bangkok(t);
    // The Bangkok wall clock, where chrono can represent it (not in its last 7 hours).
    match t.naive_utc().checked_add_signed(chrono::Duration::hours(7)) {
        Some(local) => assert_eq!(local.date(), today, "{t}"),
        None => assert_eq!(today, NaiveDate::MAX, "{t}"),
    }
}

fn check_deadline(today: NaiveDate) {
    let deadline = LaunchDeadline::FiscalYearEnd.for_request(today);
    if deadline != NaiveDate::MAX {
        assert_eq!((deadline.month(), deadline.day()), (9, 30));
        assert!(deadline >= today);
        assert_eq!(
            schedule::fiscal_year(deadline),
            schedule::fiscal_year(today)
        );
    }
    assert_eq!(LaunchDeadline::Fixed(today).for_request(deadline), today);
}

fn check_thai_date(d: NaiveDate) {
    let text = thai_date(d);
    assert!(text.starts_with(&format!("{} ", d.day())), "{text}");
    assert!(text.ends_with(&format!(" {}", d.year() + 543)), "{text}");
}

fn check_closed_list(text: &str) {
    match ClosedDates::parse_list(text) {
        Ok(closed) => {
            // The CLI form and the serde form read back.
            let shown = closed.to_string();
            assert_eq!(ClosedDates::parse_list(&shown).ok().as_ref(), Some(&closed));
            assert_eq!(shown.parse::<ClosedDates>().ok().as_ref(), Some(&closed));
            let entries = if text.trim().is_empty() {
                0
            } else {
                text.split(',').count()
            };
            assert!(closed.len() <= entries);
            for d in &closed {
                assert!(text.contains(&d.to_string()), "{d} not in {text:?}");
            }
        }
        Err(ScheduleError::InvalidClosedDate { position, entry }) => {
            let entries: Vec<&str> = text.split(',').collect();
            assert!((1..=entries.len()).contains(&position));
            assert_eq!(entries[position - 1].trim(), entry);
        }
        Err(e) => panic!("unexpected {e}"),
    }
}

fn check_deadline_text(text: &str) {
    match text.parse::<LaunchDeadline>() {
        Ok(deadline) => {
            let shown = deadline.to_string();
            assert_eq!(shown.parse::<LaunchDeadline>().ok(), Some(deadline));
            let json = serde_json::to_string(&deadline).unwrap_or_default();
            assert_eq!(
                serde_json::from_str::<LaunchDeadline>(&json).ok(),
                Some(deadline)
            );
        }
        Err(ScheduleError::InvalidLaunchDeadline { value }) => assert_eq!(value, text.trim()),
        Err(e) => panic!("unexpected {e}"),
    }
}
