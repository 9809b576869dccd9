//! The dashboard counts of SPEC §7 (manual §2) as a pure function, so every store's own
//! (database-side) counting can be checked against it.
//!
//! ```
//! use onboard_core::dashboard::{Counts, Summary};
//! use onboard_core::reference::{Step, StepStatus};
//! let waiting = Summary { current_step: Step::UatTest, current_status: StepStatus::UnderReview, launch_on: None };
//! let counts = Counts::of([waiting], chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap());
//! assert_eq!((counts.total, counts.awaiting_review, counts.testing_uat), (1, 1, 1));
//! assert_eq!(counts.approved_percent, 0);
//! ```

use crate::reference::{Step, StepStatus};
use crate::workflow::{EService, Lifecycle};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// What the dashboard needs to know of one e-Service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// The first step not completed (step 7 when all are).
    pub current_step: Step,
    /// Its status (`completed` only when all seven are).
    pub current_status: StepStatus,
    /// The release date, once step 7 is confirmed.
    pub launch_on: Option<NaiveDate>,
}

impl Summary {
    /// The summary of a full state.
    pub fn of(service: &EService) -> Self {
        Summary {
            current_step: service.current_step(),
            current_status: service.current_status(),
            launch_on: service.launch_on,
        }
    }

    fn is_complete(&self) -> bool {
        self.current_status == StepStatus::Completed
    }
}

/// The dashboard cards (without the caller's notifications, which a store adds).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// งานบริการทั้งหมด: e-Services.
    pub total: u64,
    /// งานที่รอดำเนินการ: current step `in_progress` or `changes_requested`.
    pub pending_action: u64,
    /// งานที่ยังไม่เปิดใช้งาน: not `live`.
    pub not_launched: u64,
    /// รอตรวจสอบ: current step `under_review`.
    pub awaiting_review: u64,
    /// กำลังทดสอบ UAT: current step `uat-setup` or `uat-test`.
    pub testing_uat: u64,
    /// กำลังทดสอบ Pre-production: current step `preprod-setup` or `preprod-test`.
    pub testing_preprod: u64,
    /// เปิดให้บริการแล้ว: `live`.
    pub launched: u64,
    /// % APPROVED: 100 × (all seven steps completed) / total, rounded down; 0 when empty.
    pub approved_percent: u64,
}

impl Counts {
    /// The counts over `services` on `today` (Asia/Bangkok).
    pub fn of(services: impl IntoIterator<Item = Summary>, today: NaiveDate) -> Counts {
        Counts::of_groups(services.into_iter().map(|s| (s, 1)), today)
    }

    /// The counts over groups of `n` e-Services sharing one summary: what a store's
    /// counters hold, folded in as many steps as there are groups (not e-Services).
    pub fn of_groups(groups: impl IntoIterator<Item = (Summary, u64)>, today: NaiveDate) -> Counts {
        let mut c = Counts::default();
        let mut complete = 0u64;
        for (s, n) in groups {
            c.total += n;
            if Lifecycle::at(s.launch_on, today) == Lifecycle::Live {
                c.launched += n;
            } else {
                c.not_launched += n;
            }
            if s.is_complete() {
                complete += n;
                continue;
            }
            match s.current_status {
                StepStatus::InProgress | StepStatus::ChangesRequested => c.pending_action += n,
                StepStatus::UnderReview => c.awaiting_review += n,
                StepStatus::Locked | StepStatus::Completed => {}
            }
            match s.current_step {
                Step::UatSetup | Step::UatTest => c.testing_uat += n,
                Step::PreprodSetup | Step::PreprodTest => c.testing_preprod += n,
                _ => {}
            }
        }
        c.approved_percent = Counts::percent(complete, c.total);
        c
    }

    /// 100 × part / total rounded down, 0 when total is 0.
    pub fn percent(part: u64, total: u64) -> u64 {
        (part * 100).checked_div(total).unwrap_or(0)
    }
}

/// Whole days a submission made at `since` has waited at `now` (SPEC §7
/// `awaiting_review_oldest_days`, and the review queue's "days waiting"): completed periods
/// of 24 hours, never negative.
///
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use onboard_core::dashboard::waiting_days;
/// let since = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
/// assert_eq!(waiting_days(since, since + Duration::hours(23)), 0);
/// assert_eq!(waiting_days(since, since + Duration::hours(49)), 2);
/// assert_eq!(waiting_days(since, since - Duration::hours(1)), 0);
/// ```
pub fn waiting_days(since: DateTime<Utc>, now: DateTime<Utc>) -> u64 {
    u64::try_from((now - since).num_days()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    fn summary(step: Step, status: StepStatus, launch_on: Option<NaiveDate>) -> Summary {
        Summary {
            current_step: step,
            current_status: status,
            launch_on,
        }
    }

    #[test]
    fn empty_dashboard_is_all_zero() {
        assert_eq!(Counts::of([], day(1)), Counts::default());
    }

    #[test]
    fn each_card_counts_its_own_definition() {
        let services = [
            summary(Step::Credential, StepStatus::InProgress, None),
            summary(Step::UatTest, StepStatus::UnderReview, None),
            summary(Step::PreprodSetup, StepStatus::ChangesRequested, None),
            summary(Step::Launch, StepStatus::Completed, Some(day(1))),
            summary(Step::Launch, StepStatus::Completed, Some(day(8))),
        ];
        let c = Counts::of(services, day(1));
        assert_eq!(
            c,
            Counts {
                total: 5,
                pending_action: 2,
                not_launched: 4,
                awaiting_review: 1,
                testing_uat: 1,
                testing_preprod: 1,
                launched: 1,
                approved_percent: 40,
            }
        );
    }

    #[test]
    fn percent_rounds_down() {
        assert_eq!(Counts::percent(1, 3), 33);
        assert_eq!(Counts::percent(2, 3), 66);
        assert_eq!(Counts::percent(0, 0), 0);
        assert_eq!(Counts::percent(3, 3), 100);
    }

    proptest::proptest! {
        /// Groups fold to what their e-Services, one by one, fold to.
        #[test]
        fn groups_count_as_their_members(groups in proptest::collection::vec((0usize..7, 0usize..5, proptest::option::of(1u32..28), 0u64..40), 0..12)) {
            let groups: Vec<(Summary, u64)> = groups
                .into_iter()
                .map(|(step, status, launch, n)| {
                    let s = summary(Step::ALL[step], StepStatus::ALL[status], launch.map(day));
                    (s, n)
                })
                .collect();
            let one_by_one = groups
                .iter()
                .flat_map(|&(s, n)| std::iter::repeat_n(s, usize::try_from(n).unwrap_or(0)));
            proptest::prop_assert_eq!(Counts::of_groups(groups.iter().copied(), day(14)), Counts::of(one_by_one, day(14)));
        }
    }
}
