//! Personal data in what is shown (SPEC §5, §13, Thailand's PDPA): citizen IDs are shown in
//! full only on the e-Service detail, to the owning agency and to DGA staff
//! ([`DetailAccess`]); they are masked in every event, list, report, notification, e-mail and
//! log line.

use crate::fields::CitizenId;
use crate::id::AgencyId;
use crate::reference::Role;
use serde_json::Value;

/// What one caller may see of an e-Service's detail (SPEC §5, §10). Full citizen IDs go to
/// the owning agency and to DGA staff, who need testers' IDs to grant them access to the
/// ทางรัฐ UAT and Pre-Production apps; the consumer secret only to the owning agency, which
/// puts it in its own server. Everywhere else (lists, reports, events, notifications,
/// e-mails, logs) IDs are masked whoever looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DetailAccess {
    /// The caller is an officer of the owning agency.
    pub owner: bool,
    /// Citizen IDs are shown in full.
    pub full_citizen_ids: bool,
    /// Credentials are shown at all (app id and consumer key).
    pub credentials: bool,
    /// The consumer secret is shown.
    pub consumer_secret: bool,
}

impl DetailAccess {
    /// A caller of `role` (of `caller_agency`, for agency officers) looking at an e-Service of
    /// `owner_agency`.
    ///
    /// ```
    /// use onboard_core::privacy::DetailAccess;
    /// use onboard_core::reference::Role;
    /// let agency = onboard_core::id::AgencyId::from_u128(0);
    /// let reviewer = DetailAccess::of(Role::Reviewer, None, agency);
    /// assert!(reviewer.full_citizen_ids && reviewer.credentials && !reviewer.consumer_secret);
    /// assert!(DetailAccess::of(Role::Agency, Some(agency), agency).consumer_secret);
    /// ```
    pub fn of(role: Role, caller_agency: Option<AgencyId>, owner_agency: AgencyId) -> DetailAccess {
        let owner = role == Role::Agency && caller_agency == Some(owner_agency);
        let staff = role.is_staff();
        DetailAccess {
            owner,
            full_citizen_ids: owner || staff,
            credentials: owner || staff,
            consumer_secret: owner,
        }
    }

    /// A stored form as this caller may see it.
    pub fn form(self, payload: &Value) -> Value {
        let mut shown = payload.clone();
        if !self.full_citizen_ids {
            mask_citizen_ids(&mut shown);
        }
        shown
    }
}

/// Masks every `citizen_id` member anywhere inside `value` (`1-2345-xxxxx-xx-1`).
/// Values that are not valid IDs (a draft may hold anything) are replaced whole.
///
/// ```
/// let mut v = serde_json::json!({"testers": [{"citizen_id": "1101700230708"}]});
/// onboard_core::privacy::mask_citizen_ids(&mut v);
/// assert_eq!(v["testers"][0]["citizen_id"], "1-1017-xxxxx-xx-8");
/// ```
pub fn mask_citizen_ids(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, member) in map.iter_mut() {
                match member {
                    Value::String(s) if key == "citizen_id" => *s = mask(s),
                    other => mask_citizen_ids(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_citizen_ids),
        _ => {}
    }
}

/// What anyone but the owning agency may see of stored data: citizen IDs masked and every
/// `consumer_secret` removed, anywhere inside `value` (events, states, reports).
///
/// ```
/// let mut v = serde_json::json!({"uat": {"app_id": "a", "consumer_secret": "s"}});
/// onboard_core::privacy::redact(&mut v);
/// assert!(v["uat"].get("consumer_secret").is_none());
/// ```
pub fn redact(value: &mut Value) {
    mask_citizen_ids(value);
    remove_secrets(value);
}

fn remove_secrets(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.remove("consumer_secret");
            map.values_mut().for_each(remove_secrets);
        }
        Value::Array(items) => items.iter_mut().for_each(remove_secrets),
        _ => {}
    }
}

/// Masks every citizen ID written in free text (a review note, a launch note) before it
/// leaves the system in a notification or an e-mail (SPEC §5: masked in notifications and
/// e-mails). An ID is 13 digits (ASCII or Thai) as people write it: in one piece or in groups
/// joined by single spaces or hyphens; only numbers with a valid check digit are masked, so
/// phone numbers, dates and amounts stay as written.
///
/// ```
/// use onboard_core::privacy::mask_citizen_ids_in_text;
/// assert_eq!(
///     mask_citizen_ids_in_text("ผู้ทดสอบ 1-1017-00230-70-8 โทร 02-123-4567"),
///     "ผู้ทดสอบ 1-1017-xxxxx-xx-8 โทร 02-123-4567"
/// );
/// ```
pub fn mask_citizen_ids_in_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !is_digit(chars[i]) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // A run of digit groups joined by single separators.
        let mut end = i;
        let mut j = i;
        while j < chars.len() {
            if is_digit(chars[j]) {
                j += 1;
                end = j;
            } else if is_separator(chars[j]) && chars.get(j + 1).copied().is_some_and(is_digit) {
                j += 1;
            } else {
                break;
            }
        }
        mask_run(&chars[i..end], &mut out);
        i = end;
    }
    out
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('๐'..='๙').contains(&c)
}

fn is_separator(c: char) -> bool {
    c == ' ' || c == '-'
}

/// Writes `run` (digit groups joined by single separators) to `out`, every sequence of
/// whole groups holding exactly 13 digits that is a valid citizen ID masked.
fn mask_run(run: &[char], out: &mut String) {
    // (start, end) of each digit group in `run`.
    let mut groups = Vec::new();
    let mut start = 0;
    for (k, c) in run.iter().enumerate() {
        if is_separator(*c) {
            groups.push((start, k));
            start = k + 1;
        }
    }
    groups.push((start, run.len()));
    let mut written = 0;
    let mut g = 0;
    while g < groups.len() {
        let mut digits = 0;
        let mut masked = None;
        for (h, &(s, e)) in groups.iter().enumerate().skip(g) {
            digits += e - s;
            if digits >= 13 {
                if digits == 13 {
                    let candidate: String = run[groups[g].0..e].iter().collect();
                    masked = CitizenId::parse(&candidate).ok().map(|id| (h, id.masked()));
                }
                break;
            }
        }
        match masked {
            Some((h, text)) => {
                out.extend(&run[written..groups[g].0]);
                out.push_str(&text);
                written = groups[h].1;
                g = h + 1;
            }
            None => g += 1,
        }
    }
    out.extend(&run[written..]);
}

fn mask(raw: &str) -> String {
    CitizenId::parse(raw).map_or_else(|_| "x".repeat(13), |id| id.masked())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_nested_ids_and_leaves_the_rest() {
        let mut v = serde_json::json!({
            "requester": {"assignee": {"citizen_id": "1101700230708", "full_name": "สมชาย"}},
            "draft": {"citizen_id": "12"},
            "note": "1101700230708"
        });
        mask_citizen_ids(&mut v);
        assert_eq!(
            v["requester"]["assignee"]["citizen_id"],
            "1-1017-xxxxx-xx-8"
        );
        assert_eq!(v["requester"]["assignee"]["full_name"], "สมชาย");
        assert_eq!(v["draft"]["citizen_id"], "xxxxxxxxxxxxx");
        // Only members named citizen_id are personal data by shape; free text is the
        // author's responsibility.
        assert_eq!(v["note"], "1101700230708");
    }

    #[test]
    fn masks_ids_in_free_text() {
        let id = "1101700230708";
        let cases = [
            (
                format!("เลขบัตร {id}"),
                "เลขบัตร 1-1017-xxxxx-xx-8".to_owned(),
            ),
            (id.to_owned(), "1-1017-xxxxx-xx-8".to_owned()),
            (
                "1 1017 00230 70 8.".to_owned(),
                "1-1017-xxxxx-xx-8.".to_owned(),
            ),
            (
                "๑-๑๐๑๗-๐๐๒๓๐-๗๐-๘".to_owned(),
                "1-1017-xxxxx-xx-8".to_owned(),
            ),
            (
                format!("{id} {id},{id}"),
                "1-1017-xxxxx-xx-8 1-1017-xxxxx-xx-8,1-1017-xxxxx-xx-8".to_owned(),
            ),
            (
                format!("โทร 02 123 4567 {id}"),
                "โทร 02 123 4567 1-1017-xxxxx-xx-8".to_owned(),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(mask_citizen_ids_in_text(&text), want, "{text}");
        }
        // Not IDs: a wrong check digit, 12 or 14 digits, phone numbers, dates.
        for kept in [
            "1101700230709",
            "110170023070",
            "11017002307080",
            "02-123-4567 ต่อ 12",
            "วันที่ 2027-03-05",
            "",
            "ไม่มีตัวเลข",
        ] {
            assert_eq!(mask_citizen_ids_in_text(kept), kept);
        }
    }

    #[test]
    fn redact_masks_ids_and_drops_secrets() {
        let mut v = serde_json::json!({
            "environment": "uat",
            "credentials": {"app_id": "a", "consumer_key": "k", "consumer_secret": "s"},
            "testers": [{"citizen_id": "1101700230708"}]
        });
        redact(&mut v);
        assert!(v["credentials"].get("consumer_secret").is_none());
        assert_eq!(v["credentials"]["consumer_key"], "k");
        assert_eq!(v["testers"][0]["citizen_id"], "1-1017-xxxxx-xx-8");
    }
}
