//! The list of งานบริการ under one e-Service (SPEC §3; manual §3.3 shows it before the
//! credential request is confirmed).

use super::limits;
use crate::fields;
use crate::validation::{Code, Issue, Path, Report};
use std::collections::HashSet;

/// Checks and normalizes the names of the งานบริการ of an e-Service: at least 1 and at most
/// 100 names, each non-blank and at most 200 characters after trimming, no name twice
/// (compared case-insensitively). Field paths are `services` and `services[2]`.
///
/// ```
/// use onboard_core::payload::validate_services;
/// let names = vec![" ขอใบอนุญาต ".to_string(), "ต่ออายุใบอนุญาต".to_string()];
/// assert_eq!(validate_services(&names).unwrap(), ["ขอใบอนุญาต", "ต่ออายุใบอนุญาต"]);
/// let report = validate_services(&["A".into(), "a".into()]).unwrap_err();
/// assert_eq!(report.errors[0].field, "services[1]");
/// ```
pub fn validate_services(names: &[String]) -> Result<Vec<String>, Report> {
    let mut r = Report::new();
    let path = Path::root().key("services");
    if names.is_empty() {
        r.push(Issue::with_messages(
            &path,
            Code::TooShort,
            "กรุณาระบุงานบริการอย่างน้อย 1 รายการ",
            "List at least 1 service",
        ));
    } else {
        super::check::count(&mut r, &path, names.len(), 1, limits::SERVICES_MAX);
    }
    let mut seen = HashSet::new();
    let mut clean = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let at = path.index(i);
        match fields::text(name, limits::SERVICE_NAME_MAX) {
            Ok(name) => {
                if !seen.insert(name.to_lowercase()) {
                    r.push(Issue::with_messages(
                        &at,
                        Code::Duplicate,
                        format!("มีงานบริการชื่อ \"{name}\" อยู่แล้ว"),
                        format!("There is already a service named \"{name}\""),
                    ));
                }
                clean.push(name);
            }
            Err(e) => r.push(fields::text_issue(&at, e)),
        }
    }
    if r.is_valid() {
        Ok(clean)
    } else {
        Err(r)
    }
}
