//! Step 7 `launch`: the desired launch date (manual §9, เตรียมการเปิดให้บริการ). Confirming is
//! final; the release Tuesday is computed from this date by [`crate::schedule`].

use super::check;
use super::limits;
use super::raw::raw_form;
use super::Context;
use crate::validation::{Path, Report};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

raw_form! {
    /// Step 7 as sent.
    struct RawLaunchRequest {
        desired_date: String,
        note: String,
    }
}

/// Step 7: when the agency wants to go live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaunchRequest {
    /// วันที่ต้องการเปิดใช้งาน: not before today.
    pub desired_date: NaiveDate,
    /// หมายเหตุเพิ่มเติม (ถ้ามี), at most 1,000 characters.
    pub note: Option<String>,
}

pub(crate) fn validate(
    r: &mut Report,
    raw: &RawLaunchRequest,
    ctx: &Context<'_>,
) -> Option<LaunchRequest> {
    let root = Path::root();
    let desired_date =
        check::planned_date(r, &root.key("desired_date"), &raw.desired_date, ctx.today);
    let note = check::optional_long_text(r, &root.key("note"), &raw.note, limits::LAUNCH_NOTE_MAX);
    Some(LaunchRequest {
        desired_date: desired_date?,
        note: note?,
    })
}
