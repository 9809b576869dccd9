//! The core test fixtures and the fixed context the targets validate in.

use chrono::NaiveDate;
use onboard_core::file::{FileFacts, MediaType};
use serde_json::Value;
use std::collections::HashMap;

/// Wednesday 2026-11-25, the day the core tests and fixtures are written for.
pub(crate) fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default()
}

/// 30 September 2027, the launch deadline of a step 1 request made on [`today`].
pub(crate) fn deadline() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 9, 30).unwrap_or_default()
}

const MIB: u64 = 1024 * 1024;

/// Uploaded files as a server would know them: the ids of the fixtures, plus files of each
/// wrong kind, too large, or of an unknown size.
pub(crate) fn catalog() -> HashMap<String, FileFacts> {
    let facts = |media_type, size, dimensions| FileFacts {
        media_type,
        size,
        dimensions,
    };
    [
        (
            "file-icon-1",
            facts(MediaType::Png, 9_000, Some((120, 120))),
        ),
        ("file-icon-64", facts(MediaType::Png, 4_000, Some((64, 64)))),
        (
            "file-icon-unknown-size",
            facts(MediaType::Jpeg, 4_000, None),
        ),
        (
            "file-icon-huge",
            facts(MediaType::Png, 3 * MIB, Some((120, 120))),
        ),
        (
            "file-shot-1",
            facts(MediaType::Png, 300_000, Some((1080, 1920))),
        ),
        (
            "file-shot-2",
            facts(MediaType::Jpeg, 300_000, Some((1080, 1920))),
        ),
        (
            "file-shot-3",
            facts(MediaType::Png, 300_000, Some((1080, 1920))),
        ),
        ("file-letter-1", facts(MediaType::Pdf, 400_000, None)),
        ("file-letter-huge", facts(MediaType::Pdf, 11 * MIB, None)),
        ("file-result-1", facts(MediaType::Xlsx, 50_000, None)),
        ("file-result-csv", facts(MediaType::Csv, 5_000, None)),
        ("file-result-xls", facts(MediaType::Xls, 5_000, None)),
    ]
    .into_iter()
    .map(|(id, f)| (id.to_owned(), f))
    .collect()
}

/// Every JSON pointer inside `value` (containers and leaves), the root `""` last.
pub(crate) fn pointers(value: &Value) -> Vec<String> {
    fn walk(value: &Value, at: String, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    let key = k.replace('~', "~0").replace('/', "~1");
                    walk(v, format!("{at}/{key}"), out);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    walk(v, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
        out.push(at);
    }
    let mut out = Vec::new();
    walk(value, String::new(), &mut out);
    out
}
