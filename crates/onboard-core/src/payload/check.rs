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
use crate::fields::{self, Email};
use crate::file::{check_file, FileFacts, FilePurpose};
use crate::schedule::thai_date;
use crate::validation::{Code, FieldError, Issue, Path, Report};
use chrono::NaiveDate;
use std::collections::HashSet;
use std::hash::Hash;

/// The text of an optional raw string, `""` when absent (so parsers answer `required`).
pub(crate) fn raw_str(raw: &Option<String>) -> &str {
    raw.as_deref().unwrap_or("")
}

/// Whether an optional raw string holds anything but white space.
pub(crate) fn is_filled(raw: &Option<String>) -> bool {
    !raw_str(raw).trim().is_empty()
}

/// A required field read by `parse` (the parsers of [`crate::fields`] answer `required` for
/// blank input).
pub(crate) fn required<T>(
    r: &mut Report,
    path: &Path,
    raw: &Option<String>,
    parse: impl FnOnce(&str) -> Result<T, FieldError>,
) -> Option<T> {
    r.check(path, parse(raw_str(raw)))
}

/// An optional field read by `parse`: absent or blank is `Some(None)`.
pub(crate) fn optional<T>(
    r: &mut Report,
    path: &Path,
    raw: &Option<String>,
    parse: impl FnOnce(&str) -> Result<T, FieldError>,
) -> Option<Option<T>> {
    if is_filled(raw) {
        r.check(path, parse(raw_str(raw))).map(Some)
    } else {
        Some(None)
    }
}

/// Required text: trimmed, not blank, at most `max` characters.
pub(crate) fn text(r: &mut Report, path: &Path, raw: &Option<String>, max: usize) -> Option<String> {
    required(r, path, raw, |s| fields::text(s, max))
}

/// Optional text: trimmed, at most `max` characters; blank is absent.
pub(crate) fn optional_text(
    r: &mut Report,
    path: &Path,
    raw: &Option<String>,
    max: usize,
) -> Option<Option<String>> {
    optional(r, path, raw, |s| fields::text(s, max))
}

/// A required yes/no answer.
pub(crate) fn flag(r: &mut Report, path: &Path, raw: Option<bool>) -> Option<bool> {
    if raw.is_none() {
        r.add(path, Code::Required);
    }
    raw
}

/// A required answer from a fixed set; an unknown value is `not_allowed`, naming the set.
pub(crate) fn choice<T: Choice>(r: &mut Report, path: &Path, raw: &Option<String>) -> Option<T> {
    let name = raw_str(raw).trim();
    if name.is_empty() {
        r.add(path, Code::Required);
        return None;
    }
    let value = T::from_name(name);
    if value.is_none() {
        let names = T::names().join(", ");
        r.push(Issue::with_messages(
            path,
            Code::NotAllowed,
            format!("ค่า \"{name}\" ไม่อยู่ในรายการที่เลือกได้ ({names})"),
            format!("\"{name}\" is not one of the allowed values ({names})"),
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
                keyed.push((at, value));
            }
            None => ok = false,
        }
    }
    ok &= duplicates(r, keyed);
    ok.then_some(values)
}

/// Checks the number of items of a list against `min..=max`; `false` when out of bounds.
pub(crate) fn count(r: &mut Report, path: &Path, len: usize, min: usize, max: usize) -> bool {
    if len < min {
        r.add(path, FieldError::with_limit(Code::TooShort, min));
        false
    } else if len > max {
        r.add(path, FieldError::with_limit(Code::TooLong, max));
        false
    } else {
        true
    }
}

/// Records `duplicate` on every later occurrence of a key; `true` when all keys are unique.
pub(crate) fn duplicates<K: Eq + Hash>(
    r: &mut Report,
    keyed: impl IntoIterator<Item = (Path, K)>,
) -> bool {
    let mut seen = HashSet::new();
    let mut unique = true;
    for (path, key) in keyed {
        if !seen.insert(key) {
            r.add(&path, Code::Duplicate);
            unique = false;
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

/// A required date that may not lie before `today`.
pub(crate) fn date_from(
    r: &mut Report,
    path: &Path,
    raw: &Option<String>,
    today: NaiveDate,
) -> Option<NaiveDate> {
    let date = required(r, path, raw, fields::date)?;
    if date < today {
        r.push(Issue::with_messages(
            path,
            Code::OutOfRange,
            format!("วันที่ต้องไม่ก่อนวันนี้ ({})", thai_date(today)),
            format!("The date must not be before today ({today})"),
        ));
        return None;
    }
    Some(date)
}

/// An agency-issued e-mail address: warns `free_email_domain` on free mail providers.
pub(crate) fn agency_email(r: &mut Report, path: &Path, raw: &Option<String>) -> Option<Email> {
    let email = required(r, path, raw, Email::parse)?;
    if email.is_free_provider() {
        let domain = email.domain();
        r.push(Issue::with_messages(
            path,
            Code::FreeEmailDomain,
            format!(
                "ไม่แนะนำให้ใช้อีเมลฟรี ({domain}) กรุณาใช้อีเมลที่ออกโดยหน่วยงาน เช่น .go.th, .or.th"
            ),
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
    let id = text(r, path, raw, limits::FILE_ID_MAX)?;
    let facts = r.check(path, check_file(ctx.files, &id, purpose))?;
    Some((id, facts))
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
