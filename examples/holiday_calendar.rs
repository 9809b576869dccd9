//! Compute release dates with a Thai holiday calendar (SPEC §6).
//!
//! `cargo run -p onboard-examples --example holiday_calendar` turns a list of public
//! holidays and a year-end change freeze into the closed release Tuesdays that
//! `--closed-dates` / `ONBOARD_CLOSED_DATES` take, then prints, for several submit instants
//! and desired dates, the earliest release, the launch Tuesday and its cutoff, in ISO and in
//! Thai Buddhist-era dates.
//!
//! The calendar's policy (an example, not DGA's): no release on a public holiday, none on a
//! Tuesday whose Monday-noon cutoff falls on a holiday, and none during the freeze.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Weekday};
use onboard_core::schedule::{bangkok, thai_date, ClosedDates, ScheduleConfig};
use std::collections::BTreeMap;

type Error = Box<dyn std::error::Error>;

/// Public holidays around the 2569/2570 (2026/2027) year end and in April.
const HOLIDAYS: [(&str, &str); 8] = [
    ("2026-12-07", "ชดเชยวันพ่อแห่งชาติ / Father's Day (substitute)"),
    ("2026-12-10", "วันรัฐธรรมนูญ / Constitution Day"),
    ("2026-12-31", "วันสิ้นปี / New Year's Eve"),
    ("2027-01-01", "วันขึ้นปีใหม่ / New Year's Day"),
    ("2027-04-06", "วันจักรี / Chakri Memorial Day"),
    ("2027-04-13", "วันสงกรานต์ / Songkran"),
    ("2027-04-14", "วันสงกรานต์ / Songkran"),
    ("2027-04-15", "วันสงกรานต์ / Songkran"),
];

/// Release Tuesdays of the year-end change freeze.
const FREEZE: [&str; 2] = ["2026-12-29", "2027-01-05"];

/// (submitted at, desired launch date, the launch Tuesday worked out by hand)
const REQUESTS: [(&str, &str, &str); 6] = [
    // Monday morning, before the cutoff: this week's Tuesday.
    ("2026-11-30T10:00:00+07:00", "2026-12-01", "2026-12-01"),
    // 8 Dec is closed (its cutoff Monday is a holiday): a week later.
    ("2026-12-01T09:00:00+07:00", "2026-12-08", "2026-12-15"),
    // Monday 12:00 sharp misses 22 Dec; 29 Dec and 5 Jan are frozen.
    ("2026-12-21T12:00:00+07:00", "2026-12-22", "2027-01-12"),
    ("2026-12-23T15:00:00+07:00", "2027-01-01", "2027-01-12"),
    // Chakri Day and Songkran close two Tuesdays in a row.
    ("2027-03-29T11:59:59+07:00", "2027-04-01", "2027-04-20"),
    // 08:00 UTC is 15:00 in Bangkok, after this Tuesday's cutoff.
    ("2027-03-30T08:00:00Z", "2027-03-30", "2027-04-20"),
];

/// The closed Tuesdays of the calendar, each with its reason.
fn closed_tuesdays() -> Result<BTreeMap<NaiveDate, String>, Error> {
    let mut closed = BTreeMap::new();
    for (day, name) in HOLIDAYS {
        let day: NaiveDate = day.parse()?;
        match day.weekday() {
            Weekday::Tue => {
                closed.insert(day, name.to_owned());
            }
            // The cutoff of the next day's release is Monday 12:00, on a day off.
            Weekday::Mon => {
                closed.insert(day + Duration::days(1), format!("cutoff on {name}"));
            }
            _ => {}
        }
    }
    for day in FREEZE {
        closed.insert(day.parse()?, "year-end change freeze".to_owned());
    }
    Ok(closed)
}

fn main() -> Result<(), Error> {
    let closed = closed_tuesdays()?;
    println!("closed release Tuesdays:");
    for (day, why) in &closed {
        println!("  {day} ({}) {why}", thai_date(*day));
    }
    let config = ScheduleConfig {
        closed: closed.keys().copied().collect::<ClosedDates>(),
        ..ScheduleConfig::default()
    };
    // The same list as the server's configuration takes it.
    println!("ONBOARD_CLOSED_DATES={}\n", config.closed);

    for (submitted, desired, expected) in REQUESTS {
        let t = DateTime::parse_from_rfc3339(submitted)?.to_utc();
        let desired: NaiveDate = desired.parse()?;
        let release = config.launch_on(t, desired);
        if release.launch_on.to_string() != expected {
            return Err(format!(
                "{submitted}: expected {expected}, got {}",
                release.launch_on
            )
            .into());
        }
        let skipped: Vec<String> = closed
            .range(release.earliest_release.max(desired)..release.launch_on)
            .map(|(day, _)| day.to_string())
            .collect();
        let local = t.with_timezone(&bangkok());
        println!(
            "submitted {} ({} {}), desired {} ({})",
            local.to_rfc3339(),
            local.format("%a"),
            thai_date(local.date_naive()),
            desired,
            thai_date(desired)
        );
        println!(
            "  earliest release {} ({})",
            release.earliest_release,
            thai_date(release.earliest_release)
        );
        println!(
            "  launch on        {} ({}){}",
            release.launch_on,
            thai_date(release.launch_on),
            if skipped.is_empty() {
                String::new()
            } else {
                format!(", skipping closed {}", skipped.join(", "))
            }
        );
        println!(
            "  cutoff           {} ({} 12:00 น.)",
            release.cutoff.to_rfc3339(),
            thai_date(release.cutoff.date_naive())
        );
    }
    Ok(())
}
