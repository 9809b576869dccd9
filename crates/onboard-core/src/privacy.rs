//! Personal data in what is shown (SPEC §13, Thailand's PDPA): citizen IDs are masked
//! everywhere except on the detail view of the person's own agency, and in every event,
//! list, report and log line.

use crate::fields::CitizenId;
use serde_json::Value;

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
