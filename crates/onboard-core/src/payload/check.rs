//! Checks shared by the step forms. Each takes the report, the field's path and its raw
//! value, records what is wrong, and returns the parsed value or `None`.
//!
//! Convention: `Option<T>` results are `None` exactly when an error was recorded, and
//! `Option<Option<T>>` results (optional fields) are `None` when an error was recorded and
//! `Some(None)` when the field was simply left out. A form is assembled with `?` over these
//! only after every field has been checked, so one call reports every problem at once.

use super::choice::Choice;
use super::limits;
use super::Context;
use crate::fields::{self, Email, Field, HttpsUrl};
use crate::file::{check_file, FileFacts, FilePurpose};
use crate::validation::{Code, FieldError, Issue, Path, Report};
use chrono::NaiveDate;
use std::collections::hash_map::{Entry, HashMap};
use std::hash::Hash;

/// The text of an optional raw string, `""` when absent (so parsers answer `required`).
pub(crate) fn raw_str(raw: &Option<String>) -> &str {
    raw.as_deref().unwrap_or("")
}

/// Whether an optional raw string holds anything but white space.
pub(crate) fn is_filled(raw: &Option<String>) -> bool {
    !raw_str(raw).trim().is_empty()
}

/// Records `error` at `path`, with `specific` messages when there are some.
pub(crate) fn fail(r: &mut Report, path: &Path, error: FieldError, specific: Option<(&str, &str)>) {
    match specific {
        Some((th, en)) => r.push(Issue::with_messages(path, error.code, th, en)),
        None => r.add(path, error),
    }
}

/// A required field of type `T` (the parsers answer `required` for blank input).
pub(crate) fn required<T: Field>(r: &mut Report, path: &Path, raw: &Option<String>) -> Option<T> {
    match T::parse_field(raw_str(raw)) {
        Ok(value) => Some(value),
        Err(e) => {
            r.push(fields::issue::<T>(path, e));
            None
        }
    }
}

/// Which URLs an environment accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Urls {
    /// https only (Pre-Production and production).
    Https,
    /// UAT: also http on localhost and 127.0.0.1, for a developer's machine.
    Uat,
}

/// A URL as `urls` accepts them.
pub(crate) fn url(r: &mut Report, path: &Path, raw: &str, urls: Urls) -> Option<HttpsUrl> {
    let parsed = match urls {
        Urls::Https => HttpsUrl::parse(raw),
        Urls::Uat => HttpsUrl::parse_uat(raw),
    };
    match parsed {
        Ok(url) => Some(url),
        Err(e) => {
            let specific = match (e.code, urls) {
                (Code::InvalidFormat, Urls::Https) => Some((
                    "ต้องเป็น URL แบบเต็มที่ขึ้นต้นด้วย https:// เช่น https://www.example.go.th/service",
                    "Must be a full URL starting with https://, such as https://www.example.go.th/service",
                )),
                (Code::InvalidFormat, Urls::Uat) => Some((
                    "ต้องเป็น URL แบบเต็มที่ขึ้นต้นด้วย https:// (หรือ http://localhost สำหรับ UAT)",
                    "Must be a full URL starting with https:// (or http://localhost on UAT)",
                )),
                _ => None,
            };
            fail(r, path, e, specific);
            None
        }
    }
}

/// A required URL.
pub(crate) fn required_url(
    r: &mut Report,
    path: &Path,
    raw: &Option<String>,
    urls: Urls,
) -> Option<HttpsUrl> {
    url(r, path, raw_str(raw), urls)
}

/// Required single-line text: trimmed, not blank, at most `max` characters, no control
/// characters.
pub(crate) fn text(
    r: &mut Report,
    path: &Path,
    raw: &Option<String>,
    max: usize,
) -> Option<String> {
    r.check_text(path, fields::text(raw_str(raw), max))
}

/// Required text of several lines: like [`text`], but line breaks and tabs are kept.
pub(crate) fn long_text(
    r: &mut Report,
    path: &Path,
    raw: &Option<String>,
    max: usize,
) -> Option<String> {
    r.check_text(path, fields::long_text(raw_str(raw), max))
}

/// Optional single-line text: trimmed, at most `max` characters; blank is absent.
pub(crate) fn optional_text(
    r: &mut Report,
    path: &Path,
    raw: &Option<String>,
    max: usize,
) -> Option<Option<String>> {
    optional(raw, || text(r, path, raw, max))
}

/// Optional text of several lines; blank is absent.
pub(crate) fn optional_long_text(
    r: &mut Report,
    path: &Path,
    raw: &Option<String>,
    max: usize,
) -> Option<Option<String>> {
    optional(raw, || long_text(r, path, raw, max))
}

/// `Some(None)` for a blank field, else the checked value (`None` when it failed).
fn optional(
    raw: &Option<String>,
    check: impl FnOnce() -> Option<String>,
) -> Option<Option<String>> {
    if is_filled(raw) {
        check().map(Some)
    } else {
        Some(None)
    }
}

/// A required yes/no answer (ต้องการ / ไม่ต้องการ).
pub(crate) fn flag(r: &mut Report, path: &Path, raw: Option<bool>) -> Option<bool> {
    flag_asking(
        r,
        path,
        raw,
        "กรุณาเลือก ต้องการ หรือ ไม่ต้องการ",
        "Answer yes or no",
    )
}

/// A required yes/no answer whose question is not "do you want": `th` / `en` ask it.
pub(crate) fn flag_asking(
    r: &mut Report,
    path: &Path,
    raw: Option<bool>,
    th: &str,
    en: &str,
) -> Option<bool> {
    if raw.is_none() {
        r.push(Issue::with_messages(path, Code::Required, th, en));
    }
    raw
}

/// A required answer from a fixed set; an unknown value is `not_allowed`, naming the set.
pub(crate) fn choice<T: Choice>(r: &mut Report, path: &Path, raw: &Option<String>) -> Option<T> {
    let name = raw_str(raw).trim();
    if name.is_empty() {
        r.push(Issue::with_messages(
            path,
            Code::Required,
            "กรุณาเลือกข้อมูล",
            "Choose one of the options",
        ));
        return None;
    }
    let value = T::from_name(name);
    if value.is_none() {
        // Thai readers get the labels the form shows (quoted: some hold commas); English
        // readers also get the JSON names an API client must send.
        let th = T::all()
            .iter()
            .map(|v| format!("\"{}\"", v.label().0))
            .collect::<Vec<_>>()
            .join(", ");
        let en = T::all()
            .iter()
            .map(|v| format!("{} ({})", v.name(), v.label().1))
            .collect::<Vec<_>>()
            .join(", ");
        // Echo a bounded prefix only: the value may be arbitrarily long.
        let name: String = name.chars().take(40).collect();
        r.push(Issue::with_messages(
            path,
            Code::NotAllowed,
            format!("\"{name}\" ไม่ใช่ตัวเลือกที่มีให้ กรุณาเลือกจาก: {th}"),
            format!("\"{name}\" is not one of the options; choose from: {en}"),
        ));
    }
    value
}

/// A set of answers from a fixed set (check boxes): absent is empty; each entry must be
/// known and appear once.
pub(crate) fn choices<T: Choice + Hash>(
    r: &mut Report,
    path: &Path,
    raw: &Option<Vec<String>>,
) -> Option<Vec<T>> {
    let raw = raw.as_deref().unwrap_or_default();
    let mut ok = true;
    let mut values = Vec::with_capacity(raw.len());
    let mut keyed = Vec::with_capacity(raw.len());
    for (i, item) in raw.iter().enumerate() {
        let at = path.index(i);
        match choice::<T>(r, &at, &Some(item.clone())) {
            Some(value) => {
                values.push(value);
                keyed.push((i, at, value));
            }
            None => ok = false,
        }
    }
    ok &= duplicates(r, keyed);
    ok.then_some(values)
}

/// Checks the number of items of a list against `min..=max`; `false` when out of bounds.
pub(crate) fn count(r: &mut Report, path: &Path, len: usize, min: usize, max: usize) -> bool {
    let (code, th, en) = if len < min {
        (
            Code::TooShort,
            format!("ต้องมีอย่างน้อย {min} รายการ"),
            format!("At least {min} item(s) needed"),
        )
    } else if len > max {
        (
            Code::TooLong,
            format!("มีได้ไม่เกิน {max} รายการ"),
            format!("At most {max} items"),
        )
    } else {
        return true;
    };
    r.push(Issue::with_messages(path, code, th, en));
    false
}

/// Records `duplicate` on every later occurrence of a key, naming the item (1-based, as the
/// forms number them) it repeats; `true` when all keys are unique. Items are
/// `(index, path, key)`.
pub(crate) fn duplicates<K: Eq + Hash>(
    r: &mut Report,
    keyed: impl IntoIterator<Item = (usize, Path, K)>,
) -> bool {
    let mut seen = HashMap::new();
    let mut unique = true;
    for (index, path, key) in keyed {
        match seen.entry(key) {
            Entry::Vacant(slot) => {
                slot.insert(index);
            }
            Entry::Occupied(first) => {
                let n = first.get() + 1;
                r.push(Issue::with_messages(
                    &path,
                    Code::Duplicate,
                    format!("ข้อมูลซ้ำกับรายการที่ {n}"),
                    format!("Same as item {n}"),
                ));
                unique = false;
            }
        }
    }
    unique
}

/// A field that another answer forbids: `not_allowed` when it is filled in.
pub(crate) fn forbid(r: &mut Report, path: &Path, filled: bool, th: &str, en: &str) -> bool {
    if filled {
        r.push(Issue::with_messages(path, Code::NotAllowed, th, en));
    }
    !filled
}

/// A required date the user plans: not before `today`, within two years, Gregorian
/// ([`fields::planned_date`]).
pub(crate) fn planned_date(
    r: &mut Report,
    path: &Path,
    raw: &Option<String>,
    today: NaiveDate,
) -> Option<NaiveDate> {
    match fields::planned_date(path, raw_str(raw), today) {
        Ok(date) => Some(date),
        Err(issue) => {
            r.push(issue);
            None
        }
    }
}

/// An agency-issued e-mail address: warns `free_email_domain` on free mail providers.
pub(crate) fn agency_email(r: &mut Report, path: &Path, raw: &Option<String>) -> Option<Email> {
    let email = required::<Email>(r, path, raw)?;
    if email.is_free_provider() {
        let domain = email.domain().to_lowercase();
        r.push(Issue::with_messages(
            path,
            Code::FreeEmailDomain,
            format!("ไม่แนะนำให้ใช้อีเมลฟรี ({domain}) กรุณาใช้อีเมลที่ออกโดยหน่วยงาน เช่น .go.th, .or.th"),
            format!(
                "Free e-mail providers ({domain}) are not recommended; use an address issued by \
                 the agency, such as .go.th or .or.th"
            ),
        ));
    }
    Some(email)
}

/// A required reference to an uploaded file for `purpose`: its id (trimmed) and, when the
/// catalog knows it, its facts.
pub(crate) fn file(
    r: &mut Report,
    path: &Path,
    raw: &Option<String>,
    ctx: &Context<'_>,
    purpose: FilePurpose,
) -> Option<(String, Option<FileFacts>)> {
    if !is_filled(raw) {
        r.push(Issue::with_messages(
            path,
            Code::Required,
            "กรุณาอัปโหลดไฟล์",
            "Upload a file",
        ));
        return None;
    }
    let id = text(r, path, raw, limits::FILE_ID_MAX)?;
    match check_file(ctx.files, &id, purpose) {
        Ok(facts) => Some((id, facts)),
        Err(e) => {
            let mib = purpose.max_size() / (1024 * 1024);
            let (th, en) = match e.code {
                Code::FileMissing => (
                    "ไม่พบไฟล์ที่อ้างถึง กรุณาอัปโหลดใหม่".to_owned(),
                    "The file was not found; upload it again".to_owned(),
                ),
                Code::FileType => {
                    let (th, en) = accepted_types(purpose);
                    (
                        format!("ไฟล์ต้องเป็นประเภท {th}"),
                        format!("The file must be {en}"),
                    )
                }
                Code::FileTooLarge => (
                    format!("ไฟล์ต้องมีขนาดไม่เกิน {mib} MB"),
                    format!("The file must not be larger than {mib} MB"),
                ),
                _ => {
                    r.add(path, e);
                    return None;
                }
            };
            r.push(Issue::with_messages(path, e.code, th, en));
            None
        }
    }
}

/// The types a purpose accepts, as the upload buttons list them.
fn accepted_types(purpose: FilePurpose) -> (&'static str, &'static str) {
    match purpose {
        FilePurpose::Icon | FilePurpose::Screenshot => ("PNG หรือ JPEG", "PNG or JPEG"),
        FilePurpose::TestResult => ("XLSX, XLS, PDF หรือ CSV", "XLSX, XLS, PDF or CSV"),
        FilePurpose::AssignmentLetter => ("PDF, PNG หรือ JPEG", "PDF, PNG or JPEG"),
        FilePurpose::Template => (
            "XLSX, XLS, PDF, CSV, PNG หรือ JPEG",
            "XLSX, XLS, PDF, CSV, PNG or JPEG",
        ),
    }
}

/// An icon: a PNG or JPEG file, with a warning when its size is known and not 120x120.
pub(crate) fn icon(
    r: &mut Report,
    path: &Path,
    raw: &Option<String>,
    ctx: &Context<'_>,
) -> Option<String> {
    let (id, facts) = file(r, path, raw, ctx, FilePurpose::Icon)?;
    if let Some((w, h)) = facts.and_then(|f| f.dimensions) {
        if (w, h) != limits::ICON_RECOMMENDED_SIZE {
            r.push(Issue::with_messages(
                path,
                Code::IconSizeNotRecommended,
                format!("ไอคอนมีขนาด {w}x{h} พิกเซล ขนาดที่แนะนำคือ 120x120 พิกเซล"),
                format!("The icon is {w}x{h} pixels; the recommended size is 120x120 pixels"),
            ));
        }
    }
    Some(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::{CitizenId, MobileNumber};
    use crate::payload::Os;

    fn at(name: &str) -> Path {
        Path::root().key(name)
    }

    #[test]
    fn duplicates_are_flagged_on_later_occurrences_naming_the_first() {
        let mut r = Report::new();
        let keyed = ["a", "b", "a", "a"]
            .into_iter()
            .enumerate()
            .map(|(i, k)| (i, at("xs").index(i), k));
        assert!(!duplicates(&mut r, keyed));
        let fields: Vec<&str> = r.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["xs[2]", "xs[3]"]);
        assert!(r.errors.iter().all(|e| e.message_en == "Same as item 1"));
    }

    #[test]
    fn counts_name_their_limits() {
        let mut r = Report::new();
        assert!(count(&mut r, &at("xs"), 3, 1, 3));
        assert!(!count(&mut r, &at("xs"), 0, 1, 3));
        assert!(!count(&mut r, &at("xs"), 4, 1, 3));
        let codes: Vec<Code> = r.errors.iter().map(|e| e.code).collect();
        assert_eq!(codes, [Code::TooShort, Code::TooLong]);
        assert!(r.errors[1].message_th.contains('3'));
    }

    #[test]
    fn choices_are_exact_json_names() {
        let mut r = Report::new();
        assert_eq!(
            choice::<Os>(&mut r, &at("os"), &Some("ios".into())),
            Some(Os::Ios)
        );
        assert_eq!(choice::<Os>(&mut r, &at("os"), &Some("iOS".into())), None);
        assert_eq!(choice::<Os>(&mut r, &at("os"), &Some(" ".into())), None);
        let codes: Vec<Code> = r.errors.iter().map(|e| e.code).collect();
        assert_eq!(codes, [Code::NotAllowed, Code::Required]);
    }

    #[test]
    fn blank_optional_text_is_absent_and_long_text_names_its_limit() {
        let mut r = Report::new();
        assert_eq!(optional_text(&mut r, &at("t"), &None, 3), Some(None));
        assert_eq!(
            optional_text(&mut r, &at("t"), &Some(" \n".into()), 3),
            Some(None)
        );
        assert_eq!(
            optional_text(&mut r, &at("t"), &Some(" กขค ".into()), 3),
            Some(Some("กขค".into()))
        );
        assert_eq!(
            optional_text(&mut r, &at("t"), &Some("กขคง".into()), 3),
            None
        );
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].message_en, "At most 3 characters");
    }

    #[test]
    fn field_errors_get_specific_messages() {
        let mut r = Report::new();
        assert!(required::<MobileNumber>(&mut r, &at("m"), &Some("08123456789".into())).is_none());
        assert!(required::<CitizenId>(&mut r, &at("c"), &None).is_none());
        assert_eq!(r.errors[0].code, Code::InvalidFormat);
        assert!(r.errors[0].message_th.contains("10 หลัก"));
        // Blank input keeps the generic `required` message.
        assert_eq!(r.errors[1].code, Code::Required);
        assert_eq!(r.errors[1].message_en, "This field is required");
    }

    #[test]
    fn uat_urls_allow_local_http_only() {
        let mut r = Report::new();
        assert!(url(&mut r, &at("u"), "http://localhost:8080/x", Urls::Uat).is_some());
        assert!(url(&mut r, &at("u"), "http://localhost:8080/x", Urls::Https).is_none());
        assert!(url(&mut r, &at("u"), "http://example.go.th/x", Urls::Uat).is_none());
        assert_eq!(r.errors.len(), 2);
        assert!(r.errors[1].message_en.contains("localhost"));
    }
}
