//! Length and count limits of the forms. Where the SPEC gives a number it is quoted; the
//! others are generous bounds chosen so that no field can be used to fill the disk, written
//! down here so that a UI can show the same counters.

/// Names of people, organisations, agencies, services (SPEC: person `full_name` at most 200).
pub const NAME_MAX: usize = 200;
/// Agency abbreviations (ชื่อย่อหน่วยงาน).
pub const ABBREVIATION_MAX: usize = 50;
/// Parts of a postal address (เลขที่, หมู่, ซอย, ถนน, แขวง/ตำบล, เขต/อำเภอ, จังหวัด).
pub const ADDRESS_PART_MAX: usize = 200;
/// "Other" agency type text (อื่นๆ โปรดระบุ).
pub const AGENCY_TYPE_OTHER_MAX: usize = 200;
/// Step 1 short description (SPEC: 140, the manual's "0/140" counter).
pub const SHORT_DESCRIPTION_MAX: usize = 140;
/// Step 1 full description (SPEC: unlimited in the manual, 100,000 here).
pub const FULL_DESCRIPTION_MAX: usize = 100_000;
/// Step 1 icon concept (แนวคิดของไอคอน).
pub const ICON_CONCEPT_MAX: usize = 2_000;
/// Step 4 service description (รายละเอียดของบริการ).
pub const SERVICE_DESCRIPTION_MAX: usize = 10_000;
/// Step 4 access channels given as a description instead of a URL (SPEC: 5 to 1,000).
pub const ACCESS_DESCRIPTION_MIN: usize = 5;
/// See [`ACCESS_DESCRIPTION_MIN`].
pub const ACCESS_DESCRIPTION_MAX: usize = 1_000;
/// Step 1 "other" personal data, described (หรือข้อมูลเฉพาะอื่นๆ; SPEC: at most 500).
pub const PERSONAL_DATA_OTHER_MAX: usize = 500;
/// Uploaded file ids: opaque, but bounded.
pub const FILE_ID_MAX: usize = 200;
/// Steps 3 and 6 attempt details (SPEC: 5,000).
pub const ATTEMPT_DETAILS_MAX: usize = 5_000;
/// Step 7 note (SPEC: 1,000).
pub const LAUNCH_NOTE_MAX: usize = 1_000;
/// Testers in steps 2 and 5 (SPEC: 1 to 50).
pub const TESTERS_MAX: usize = 50;
/// OIDC login and logout callback URLs, each list (SPEC: 1 to 20).
pub const CALLBACK_URLS_MAX: usize = 20;
/// Step 5 screenshots (SPEC: 1 to 10).
pub const SCREENSHOTS_MAX: usize = 10;
/// งานบริการ of one e-Service (SPEC §3: 1 to 100).
pub const SERVICES_MAX: usize = 100;
/// The name of one งานบริการ (at most 200 characters).
pub const SERVICE_NAME_MAX: usize = 200;
/// The recommended icon size in pixels (manual §7: "ขนาดแนะนำ 120x120px").
pub const ICON_RECOMMENDED_SIZE: (u32, u32) = (120, 120);
