//! Steps 3 `uat-test` and 6 `preprod-test`: a test attempt (manual §5 and §8): the details of
//! what was developed and tested, and the uploaded test-result file.

use super::check;
use super::limits;
use super::raw::raw_form;
use super::Context;
use crate::file::FilePurpose;
use crate::validation::{Path, Report};
use serde::{Deserialize, Serialize};

raw_form! {
    /// An attempt as sent.
    struct RawAttempt {
        details: String,
        file_id: String,
    }
}

/// A test attempt as the agency adds or edits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptInput {
    /// รายละเอียดผลการพัฒนาและติดตั้ง, at most 5,000 characters.
    pub details: String,
    /// The uploaded test result: XLSX, XLS, PDF or CSV (the Minimum Testcase sheet).
    pub file_id: String,
}

pub(crate) fn validate(
    r: &mut Report,
    raw: &RawAttempt,
    ctx: &Context<'_>,
) -> Option<AttemptInput> {
    let root = Path::root();
    let details = check::long_text(
        r,
        &root.key("details"),
        &raw.details,
        limits::ATTEMPT_DETAILS_MAX,
    );
    let file = check::file(
        r,
        &root.key("file_id"),
        &raw.file_id,
        ctx,
        FilePurpose::TestResult,
    );
    Some(AttemptInput {
        details: details?,
        file_id: file?.0,
    })
}
