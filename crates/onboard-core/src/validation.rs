//! The shape of a validation answer: every problem at once, with a field path, a SPEC code
//! and a message in Thai and English.
//!
//! Parsers of single fields (see [`crate::fields`]) fail with a [`FieldError`]; the payload
//! validators of [`crate::payload`] attach a [`Path`] to it and collect everything into a
//! [`Report`].

use serde::{Deserialize, Serialize};
use std::fmt;

/// A validation code of SPEC §5. The last two are warning codes: they never block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// The field is missing or blank.
    Required,
    /// Shorter than the minimum (characters or items).
    TooShort,
    /// Longer than the maximum (characters or items).
    TooLong,
    /// The text does not have the required form.
    InvalidFormat,
    /// The check digit of an identification number is wrong.
    InvalidChecksum,
    /// A value outside the allowed set, or forbidden by another field.
    NotAllowed,
    /// A date or number outside its allowed range.
    OutOfRange,
    /// A confirmation does not equal its original.
    Mismatch,
    /// The same value appears twice where values must be unique.
    Duplicate,
    /// The referenced file has a type not accepted here.
    FileType,
    /// The referenced file is larger than allowed here.
    FileTooLarge,
    /// The referenced file does not exist (or is not the caller's).
    FileMissing,
    /// Warning: an agency-issued e-mail address uses a free mail provider.
    FreeEmailDomain,
    /// Warning: an icon is not the recommended 120x120 pixels.
    IconSizeNotRecommended,
}

impl Code {
    /// Every code, in declaration order.
    pub const ALL: [Code; 14] = [
        Code::Required,
        Code::TooShort,
        Code::TooLong,
        Code::InvalidFormat,
        Code::InvalidChecksum,
        Code::NotAllowed,
        Code::OutOfRange,
        Code::Mismatch,
        Code::Duplicate,
        Code::FileType,
        Code::FileTooLarge,
        Code::FileMissing,
        Code::FreeEmailDomain,
        Code::IconSizeNotRecommended,
    ];

    /// The JSON name of the code, e.g. `invalid_checksum`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Required => "required",
            Code::TooShort => "too_short",
            Code::TooLong => "too_long",
            Code::InvalidFormat => "invalid_format",
            Code::InvalidChecksum => "invalid_checksum",
            Code::NotAllowed => "not_allowed",
            Code::OutOfRange => "out_of_range",
            Code::Mismatch => "mismatch",
            Code::Duplicate => "duplicate",
            Code::FileType => "file_type",
            Code::FileTooLarge => "file_too_large",
            Code::FileMissing => "file_missing",
            Code::FreeEmailDomain => "free_email_domain",
            Code::IconSizeNotRecommended => "icon_size_not_recommended",
        }
    }

    /// Whether this is a warning code (never blocks a submission).
    pub fn is_warning(self) -> bool {
        matches!(self, Code::FreeEmailDomain | Code::IconSizeNotRecommended)
    }

    /// The generic Thai and English messages of this code; `limit` fills in a length or count
    /// where the code has one.
    fn messages(self, limit: Option<usize>) -> (String, String) {
        let (th, en) = match (self, limit) {
            (Code::Required, _) => ("กรุณากรอกข้อมูล", "This field is required"),
            // Limits of lists have messages of their own (`payload::check::count`); a bare
            // limit is one of characters.
            (Code::TooShort, Some(n)) => {
                return (
                    format!("ต้องมีความยาวอย่างน้อย {n} ตัวอักษร"),
                    format!("At least {n} characters"),
                )
            }
            (Code::TooShort, None) => ("ข้อมูลสั้นเกินไป", "Too short"),
            (Code::TooLong, Some(n)) => {
                return (
                    format!("ความยาวต้องไม่เกิน {n} ตัวอักษร"),
                    format!("At most {n} characters"),
                )
            }
            (Code::TooLong, None) => ("ข้อมูลยาวเกินไป", "Too long"),
            (Code::InvalidFormat, _) => ("รูปแบบข้อมูลไม่ถูกต้อง", "Invalid format"),
            (Code::InvalidChecksum, _) => (
                "เลขประจำตัวไม่ถูกต้อง (หลักตรวจสอบไม่ตรง)",
                "Invalid number (check digit does not match)",
            ),
            (Code::NotAllowed, _) => ("ค่านี้ไม่ได้รับอนุญาต", "This value is not allowed here"),
            (Code::OutOfRange, _) => ("ค่าอยู่นอกช่วงที่กำหนด", "Value is out of the allowed range"),
            (Code::Mismatch, _) => ("ข้อมูลยืนยันไม่ตรงกัน", "Confirmation does not match"),
            (Code::Duplicate, _) => ("ข้อมูลซ้ำกัน", "Duplicate value"),
            (Code::FileType, _) => ("ประเภทไฟล์ไม่ถูกต้อง", "File type not accepted"),
            (Code::FileTooLarge, _) => ("ไฟล์มีขนาดใหญ่เกินกำหนด", "File is too large"),
            (Code::FileMissing, _) => ("ไม่พบไฟล์", "File not found"),
            (Code::FreeEmailDomain, _) => (
                "ไม่แนะนำให้ใช้อีเมลฟรี กรุณาใช้อีเมลที่ออกโดยหน่วยงาน",
                "Free e-mail providers are not recommended; use an agency-issued address",
            ),
            (Code::IconSizeNotRecommended, _) => (
                "ขนาดไอคอนที่แนะนำคือ 120x120 พิกเซล",
                "The recommended icon size is 120x120 pixels",
            ),
        };
        (th.to_owned(), en.to_owned())
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a single field failed to parse. Carries the code and, for length and count rules,
/// the limit that was crossed, so the message can name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{code}")]
pub struct FieldError {
    /// The SPEC code.
    pub code: Code,
    /// The length or count limit that was crossed, when there is one.
    pub limit: Option<usize>,
}

impl FieldError {
    /// A field error without a limit.
    pub const fn new(code: Code) -> Self {
        FieldError { code, limit: None }
    }

    /// A `too_short` / `too_long` error naming its limit.
    pub const fn with_limit(code: Code, limit: usize) -> Self {
        FieldError {
            code,
            limit: Some(limit),
        }
    }
}

impl From<Code> for FieldError {
    fn from(code: Code) -> Self {
        FieldError::new(code)
    }
}

/// A field path such as `testers[1].citizen_id`.
///
/// ```
/// use onboard_core::validation::Path;
/// let p = Path::root().key("testers").index(1).key("citizen_id");
/// assert_eq!(p.as_str(), "testers[1].citizen_id");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Path(String);

impl Path {
    /// The empty path (the payload itself).
    pub fn root() -> Self {
        Path(String::new())
    }

    /// The path of a member `name` of this object.
    pub fn key(&self, name: &str) -> Self {
        if self.0.is_empty() {
            Path(name.to_owned())
        } else {
            Path(format!("{}.{}", self.0, name))
        }
    }

    /// The path of element `i` (0-based) of this array.
    pub fn index(&self, i: usize) -> Self {
        Path(format!("{}[{}]", self.0, i))
    }

    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One problem with one field: `{ field, code, message_th, message_en }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// Path of the field, e.g. `testers[1].citizen_id`.
    pub field: String,
    /// The SPEC code.
    pub code: Code,
    /// Message in Thai (shown first).
    pub message_th: String,
    /// Message in English.
    pub message_en: String,
}

impl Issue {
    /// An issue with the generic messages of its code.
    pub fn new(field: &Path, error: impl Into<FieldError>) -> Self {
        let error = error.into();
        let (message_th, message_en) = error.code.messages(error.limit);
        Issue {
            field: field.as_str().to_owned(),
            code: error.code,
            message_th,
            message_en,
        }
    }

    /// An issue with messages specific to the rule that failed.
    pub fn with_messages(
        field: &Path,
        code: Code,
        message_th: impl Into<String>,
        message_en: impl Into<String>,
    ) -> Self {
        Issue {
            field: field.as_str().to_owned(),
            code,
            message_th: message_th.into(),
            message_en: message_en.into(),
        }
    }
}

/// Every error and warning of one validation, in the order the fields were checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Problems that block the submission.
    pub errors: Vec<Issue>,
    /// Advice that never blocks.
    pub warnings: Vec<Issue>,
}

impl Report {
    /// An empty report.
    pub fn new() -> Self {
        Report::default()
    }

    /// Records an issue, as an error or a warning according to its code.
    pub fn push(&mut self, issue: Issue) {
        if issue.code.is_warning() {
            self.warnings.push(issue);
        } else {
            self.errors.push(issue);
        }
    }

    /// Records a field error (or warning) at `field` with the generic messages.
    pub fn add(&mut self, field: &Path, error: impl Into<FieldError>) {
        self.push(Issue::new(field, error));
    }

    /// Keeps the value of a free text ([`crate::fields::text`]), or records its error.
    pub fn check_text(
        &mut self,
        field: &Path,
        parsed: Result<String, FieldError>,
    ) -> Option<String> {
        parsed
            .map_err(|e| self.push(crate::fields::text_issue(field, e)))
            .ok()
    }

    /// Keeps the value of a field parse, or records its error and returns `None`.
    pub fn check<T>(&mut self, field: &Path, parsed: Result<T, FieldError>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(e) => {
                self.add(field, e);
                None
            }
        }
    }

    /// Appends everything of `other`.
    pub fn extend(&mut self, other: Report) {
        self.errors.extend(other.errors);
        self.warnings.extend(other.warnings);
    }

    /// No errors (warnings allowed).
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_are_kept_apart_from_errors() {
        let mut r = Report::new();
        r.add(&Path::root().key("email"), Code::FreeEmailDomain);
        assert!(r.is_valid());
        r.add(&Path::root().key("email"), Code::InvalidFormat);
        assert!(!r.is_valid());
        assert_eq!((r.errors.len(), r.warnings.len()), (1, 1));
    }

    #[test]
    fn code_names_match_serde() {
        for code in Code::ALL {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, serde_json::Value::String(code.as_str().into()));
        }
    }

    #[test]
    fn limits_are_named_in_messages() {
        let i = Issue::new(
            &Path::root().key("x"),
            FieldError::with_limit(Code::TooLong, 140),
        );
        assert!(i.message_th.contains("140") && i.message_en.contains("140"));
    }
}
