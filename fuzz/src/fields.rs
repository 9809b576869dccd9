//! Every parser of `onboard_core::fields`, and `privacy::mask_citizen_ids`.
//!
//! Input: text (invalid UTF-8 is replaced). Each parser must not panic, and a parsed value
//! must be trimmed, parse again from its stored text to itself, and survive serde.

use onboard_core::fields::{
    self, CitizenId, ContactPhone, Domain, Email, HttpsUrl, JuristicId, MobileNumber, OfficePhone,
    Postcode,
};
use onboard_core::privacy::mask_citizen_ids;
use onboard_core::validation::{Code, FieldError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use std::fmt::{Debug, Display};

/// The fields target.
pub fn fields(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let s = text.as_ref();

    if let Some(id) = stable(s, CitizenId::parse) {
        check_citizen_id(&id);
    }
    if let Some(id) = stable(s, JuristicId::parse) {
        assert!(id.as_str().len() == 13 && id.as_str().starts_with('0'));
    }
    if let Some(m) = stable(s, MobileNumber::parse) {
        assert!(m.as_str().len() == 10 && m.as_str().bytes().all(|b| b.is_ascii_digit()));
        assert!(ContactPhone::parse(m.as_str()).is_ok());
        assert!(OfficePhone::parse(m.as_str()).is_ok());
    }
    if let Some(p) = stable(s, OfficePhone::parse) {
        let number = p.number();
        assert!(number.bytes().all(|b| b.is_ascii_digit()), "{p:?}");
        assert!(matches!(number.len(), 9 | 10), "{p:?}");
        match p.extension() {
            Some(ext) => {
                assert!((1..=6).contains(&ext.len()) && ext.bytes().all(|b| b.is_ascii_digit()));
                assert_eq!(p.as_str(), format!("{number} ต่อ {ext}"));
            }
            None => assert_eq!(p.as_str(), number),
        }
    }
    if let Some(p) = stable(s, ContactPhone::parse) {
        assert!(p.as_str().bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(p.is_hotline(), p.as_str().len() == 4);
    }
    if let Some(e) = stable(s, Email::parse) {
        assert!(e.as_str().chars().count() <= Email::MAX_CHARS);
        let domain = e.domain();
        assert!(!domain.is_empty() && !domain.contains('@'), "{e:?}");
        assert!(e.as_str().ends_with(&format!("@{domain}")));
        let _ = e.is_free_provider();
    }
    let strict = stable(s, HttpsUrl::parse);
    let uat = stable(s, HttpsUrl::parse_uat);
    if let Some(u) = &strict {
        // Whatever the strict parser admits, the UAT one admits the same way.
        assert_eq!(uat.as_ref(), Some(u));
        assert!(u.is_https(), "{u:?}");
    }
    if let Some(u) = &uat {
        check_url(u);
    }
    if let Some(d) = stable(s, Domain::parse) {
        let name = d.as_str();
        assert!(name.len() <= Domain::MAX_CHARS && name.contains('.'));
        assert_eq!(name, name.to_ascii_lowercase());
        assert!(d.covers(name) && d.covers(&name.to_ascii_uppercase()));
        assert!(d.covers(&format!("www.{name}")));
        assert!(!d.covers(&format!("x{name}")) && !d.covers(&format!(".{name}")));
    }
    if let Some(p) = stable(s, Postcode::parse) {
        let code = p.as_str();
        assert!(
            code.len() == 5 && ("10000".."97000").contains(&code),
            "{code}"
        );
    }
    for max in [0, 1, 5, 140] {
        if let Ok(t) = fields::text(s, max) {
            assert!(!t.is_empty() && t.trim() == t && t.chars().count() <= max);
            assert_eq!(fields::text(&t, max).as_ref(), Ok(&t));
        }
    }
    if let Ok(d) = fields::date(s) {
        // The ISO text is the date's own display.
        assert_eq!(d.to_string(), s.trim());
    }

    // Untrusted IDs anywhere in a document are masked.
    let mut doc = json!({"citizen_id": s, "testers": [{"citizen_id": s, "note": s}]});
    mask_citizen_ids(&mut doc);
    assert_masked_members(&doc);
    // Only `citizen_id` members are touched.
    assert_eq!(doc["testers"][0]["note"], Value::String(s.to_owned()));
}

/// Parses `s`; a parsed value must be trimmed text that parses again to itself, and read
/// back from its JSON. A refusal of blank text must be `required`.
fn stable<T, F>(s: &str, parse: F) -> Option<T>
where
    T: AsRef<str> + Display + Debug + PartialEq + Serialize + DeserializeOwned,
    F: Fn(&str) -> Result<T, FieldError>,
{
    match parse(s) {
        Ok(v) => {
            let text = v.as_ref();
            assert!(!text.is_empty() && text.trim() == text, "{v:?}");
            assert_eq!(v.to_string(), text);
            assert_eq!(
                parse(text).as_ref(),
                Ok(&v),
                "{text:?} does not parse to itself"
            );
            let json = serde_json::to_string(&v).unwrap_or_default();
            assert_eq!(
                serde_json::from_str::<T>(&json).ok().as_ref(),
                Some(&v),
                "{json}"
            );
            Some(v)
        }
        Err(e) => {
            if s.trim().is_empty() {
                assert_eq!(e.code, Code::Required, "{s:?}");
            }
            None
        }
    }
}

fn check_citizen_id(id: &CitizenId) {
    let digits = id.as_str();
    assert!(digits.len() == 13 && digits.bytes().all(|b| b.is_ascii_digit()));
    assert!(("1".."9").contains(&&digits[..1]), "{digits}");
    let masked = id.masked();
    assert_eq!(
        masked,
        format!(
            "{}-{}-xxxxx-xx-{}",
            &digits[..1],
            &digits[1..5],
            &digits[12..]
        )
    );
    // Neither the masked form nor Debug shows the middle digits.
    assert!(!masked.contains(&digits[5..12]));
    let debug = format!("{id:?}");
    assert!(
        !debug.contains(digits) && !debug.contains(&digits[5..12]),
        "{debug}"
    );
}

fn check_url(u: &HttpsUrl) {
    let text = u.as_str();
    assert!(text.chars().count() <= HttpsUrl::MAX_CHARS);
    let scheme = if u.is_https() { "https://" } else { "http://" };
    assert!(text.starts_with(scheme), "{text}");
    let host = u.host();
    assert!(
        !host.is_empty() && text[scheme.len()..].starts_with(host),
        "{text}"
    );
    assert_eq!(host, host.to_ascii_lowercase());
    // No user-info: the authority has no `@`.
    let authority = text[scheme.len()..].split(['/', '?', '#']).next();
    assert!(!authority.unwrap_or_default().contains('@'), "{text}");
    if !u.is_https() {
        assert!(host == "localhost" || host == "127.0.0.1", "{text}");
    }
    assert_eq!(u.has_fragment(), text.contains('#'));
    // FromStr is the strict parser.
    assert_eq!(text.parse::<HttpsUrl>().is_ok(), u.is_https());
}

/// Every `citizen_id` string member in `value` is masked: `x` thirteen times, or the masked
/// form `d-dddd-xxxxx-xx-d`.
pub(crate) fn assert_masked_members(value: &Value) {
    match value {
        Value::Object(map) => {
            for (key, member) in map {
                match member {
                    Value::String(s) if key == "citizen_id" => assert!(is_masked(s), "{s:?}"),
                    other => assert_masked_members(other),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(assert_masked_members),
        _ => {}
    }
}

fn is_masked(s: &str) -> bool {
    if s == "x".repeat(13) {
        return true;
    }
    let b = s.as_bytes();
    b.len() == 17
        && s.get(6..16) == Some("-xxxxx-xx-")
        && b[1] == b'-'
        && [0, 2, 3, 4, 5, 16].iter().all(|&i| b[i].is_ascii_digit())
}
