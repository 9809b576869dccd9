//! Parsed field types of SPEC §5 "Shared field rules".
//!
//! Parse, don't validate: each type can only be built by its `parse`, so holding a
//! [`CitizenId`] means its check digit was verified. Every parser trims surrounding white
//! space first, answers [`Code::Required`] for blank input, and keeps one normalized form that
//! `as_str`, `Display` and serde all use. Deserializing parses again, so stored or received
//! JSON can never smuggle in an invalid value.
//!
//! ```
//! use onboard_core::fields::{CitizenId, MobileNumber, OfficePhone};
//! use onboard_core::validation::Code;
//!
//! // Hyphens, spaces and Thai digits are accepted; the compact form is stored.
//! let id = CitizenId::parse(" ๑-๑๐๑๗-๐๐๒๓๐-๗๐-๘ ").unwrap();
//! assert_eq!(id.as_str(), "1101700230708");
//! assert_eq!(id.masked(), "1-1017-xxxxx-xx-8");
//! // The manual's sample ID fails the check digit.
//! assert_eq!(CitizenId::parse("1111111111111").unwrap_err().code, Code::InvalidChecksum);
//!
//! let mobile = MobileNumber::parse("+66 81-234-5678").unwrap();
//! assert_eq!(mobile.as_str(), "0812345678");
//!
//! let office = OfficePhone::parse("02-123-4567 ext. 89").unwrap();
//! assert_eq!(office.as_str(), "021234567 ต่อ 89");
//! assert_eq!(office.extension(), Some("89"));
//! ```

use crate::validation::{Code, FieldError, Issue, Path};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::net::{Ipv4Addr, Ipv6Addr};

/// Implements the common surface of a validated string newtype: `as_str`, `Display`,
/// `AsRef<str>`, `Into<String>`, and `FromStr` / `TryFrom<String>` (serde's way in) through
/// `parse`. With `debug`, `Debug` prints the stored text; without it, write `Debug` by hand
/// (e.g. to mask). The `@common` arm leaves out `FromStr` and `TryFrom` for hand-written ones.
macro_rules! string_newtype {
    (@common $ty:ident, $field:ident) => {
        impl $ty {
            /// The stored, normalized text.
            pub fn as_str(&self) -> &str {
                &self.$field
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.$field)
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.$field
            }
        }

        impl From<$ty> for String {
            fn from(v: $ty) -> String {
                v.$field
            }
        }
    };
    (@debug $ty:ident, $field:ident) => {
        impl ::std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_tuple(stringify!($ty)).field(&self.$field).finish()
            }
        }
    };
    ($ty:ident, $field:ident, debug) => {
        $crate::fields::string_newtype!($ty, $field);
        $crate::fields::string_newtype!(@debug $ty, $field);
    };
    ($ty:ident, $field:ident) => {
        $crate::fields::string_newtype!(@common $ty, $field);

        impl ::std::str::FromStr for $ty {
            type Err = $crate::validation::FieldError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $ty::parse(s)
            }
        }

        impl TryFrom<String> for $ty {
            type Error = $crate::validation::FieldError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                $ty::parse(&s)
            }
        }
    };
}
pub(crate) use string_newtype;

/// Trims and rejects blank input: the first step of every parser.
fn required(raw: &str) -> Result<&str, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        Err(FieldError::new(Code::Required))
    } else {
        Ok(s)
    }
}

/// Fails with `too_long` naming `max` when `s` has more than `max` Unicode scalar values.
fn at_most(s: &str, max: usize) -> Result<(), FieldError> {
    if s.chars().count() > max {
        Err(FieldError::with_limit(Code::TooLong, max))
    } else {
        Ok(())
    }
}

/// Separators people type inside numbers. Any white space, not only U+0020, because text
/// pasted from Word or PDF often carries no-break spaces.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || c == '-'
}

/// `๐`..`๙` (U+0E50..U+0E59) as ASCII digits.
fn thai_digit(c: char) -> Option<char> {
    let v = u32::from(c).checked_sub(0x0E50)?;
    char::from_digit(v, 10)
}

fn invalid() -> FieldError {
    FieldError::new(Code::InvalidFormat)
}

// ---------------------------------------------------------------------------------------
// 13-digit identification numbers

/// The check digit of a Thai 13-digit number from its first 12 digits (each 0..=9):
/// `(11 - (sum d[i] * (13 - i)) mod 11) mod 10`.
fn check_digit(first12: &[u8]) -> u8 {
    let sum: u32 = first12
        .iter()
        .zip((2..=13u32).rev())
        .map(|(&d, w)| u32::from(d) * w)
        .sum();
    // sum % 11 is at most 10, so the subtraction cannot underflow and the result fits a u8.
    ((11 - sum % 11) % 10) as u8
}

/// Cleans and checks a 13-digit number: format, then `first_ok` on the first digit (both
/// `invalid_format`), then the check digit (`invalid_checksum`). Returns the compact form.
fn parse_id13(raw: &str, first_ok: fn(u8) -> bool) -> Result<String, FieldError> {
    let s = required(raw)?;
    let compact: String = s
        .chars()
        .filter(|&c| !is_separator(c))
        .map(|c| thai_digit(c).unwrap_or(c))
        .collect();
    if compact.len() != 13 || !compact.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let digits: Vec<u8> = compact.bytes().map(|b| b - b'0').collect();
    match digits.split_last() {
        Some((&last, first12)) if first12.first().is_some_and(|&d| first_ok(d)) => {
            if check_digit(first12) == last {
                Ok(compact)
            } else {
                Err(FieldError::new(Code::InvalidChecksum))
            }
        }
        _ => Err(invalid()),
    }
}

/// A Thai citizen identification number (เลขบัตรประชาชน): 13 digits, first digit 1 to 8,
/// valid check digit. Stored compact (`1101700230708`).
///
/// Personal data under PDPA: `Debug` prints the [masked](CitizenId::masked) form so that a
/// stray `{:?}` in a log line does not leak it; `Display`, `as_str` and serde give the full
/// number, for storage and the owning agency's detail view only.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CitizenId {
    id: String,
}
string_newtype!(CitizenId, id);

impl CitizenId {
    /// Parses a citizen ID: spaces and hyphens removed, Thai digits ๐-๙ accepted.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        // 0 is for juristic persons, 9 is not issued as a citizen prefix.
        parse_id13(raw, |d| (1..=8).contains(&d)).map(|id| CitizenId { id })
    }

    /// The masked form shown in lists, reports, events and logs: `1-2345-xxxxx-xx-1`.
    pub fn masked(&self) -> String {
        let id = self.id.as_str();
        // Always 13 ASCII digits, so these byte ranges exist.
        format!(
            "{}-{}-xxxxx-xx-{}",
            id.get(0..1).unwrap_or_default(),
            id.get(1..5).unwrap_or_default(),
            id.get(12..13).unwrap_or_default()
        )
    }
}

impl std::fmt::Debug for CitizenId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("CitizenId").field(&self.masked()).finish()
    }
}

/// A Thai juristic person number (เลขนิติบุคคล): 13 digits starting with 0, valid check
/// digit. Stored compact.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct JuristicId {
    id: String,
}
string_newtype!(JuristicId, id, debug);

impl JuristicId {
    /// Parses a juristic ID: spaces and hyphens removed, Thai digits ๐-๙ accepted.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        parse_id13(raw, |d| d == 0).map(|id| JuristicId { id })
    }
}

// ---------------------------------------------------------------------------------------
// Telephone numbers

/// Removes separators and turns a `+66` / `66` country prefix into the trunk `0`. `None`
/// unless only ASCII digits remain.
fn phone_digits(s: &str) -> Option<String> {
    let compact: String = s.chars().filter(|&c| !is_separator(c)).collect();
    // Thai national numbers all start with 0, so a leading 66 can only be the country code.
    let national = match compact
        .strip_prefix("+66")
        .or_else(|| compact.strip_prefix("66"))
    {
        Some(rest) => format!("0{rest}"),
        None => compact,
    };
    national
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then_some(national)
}

/// 10 digits starting 06, 08 or 09.
fn is_mobile(d: &str) -> bool {
    d.len() == 10 && (d.starts_with("06") || d.starts_with("08") || d.starts_with("09"))
}

/// 9 digits: `0`, an area digit 2 to 7, then 7 more.
fn is_landline(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 9 && b.first() == Some(&b'0') && b.get(1).is_some_and(|a| (b'2'..=b'7').contains(a))
}

/// A 4-digit short number. Thai short codes (1111, 1548, 1330, ...) all start with 1.
fn is_hotline(d: &str) -> bool {
    d.len() == 4 && d.starts_with('1')
}

/// A Thai mobile number (เบอร์โทรศัพท์มือถือ), stored as 10 digits such as `0812345678`.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MobileNumber {
    number: String,
}
string_newtype!(MobileNumber, number, debug);

impl MobileNumber {
    /// Parses a mobile number: spaces and hyphens removed, `+66` / `66` becomes `0`, then
    /// 10 digits starting 06, 08 or 09.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = required(raw)?;
        match phone_digits(s) {
            Some(number) if is_mobile(&number) => Ok(MobileNumber { number }),
            _ => Err(invalid()),
        }
    }
}

/// The separator between number and extension in the normalized [`OfficePhone`] text.
const EXTENSION_SEPARATOR: &str = " ต่อ ";

/// Extension markers, longest first so that `ext.` wins over `ext`. ASCII ones match
/// case-insensitively.
const EXTENSION_MARKERS: [&str; 5] = ["ต่อ", "ext.", "ext", "x", "#"];

/// Splits `021234567 ต่อ 12` into the number part and the extension digits (1 to 6).
fn split_extension(s: &str) -> Result<(&str, Option<&str>), FieldError> {
    let Some(at) = s.find(|c: char| !(c.is_ascii_digit() || c == '+' || is_separator(c))) else {
        return Ok((s, None));
    };
    let (number, tail) = s.split_at(at);
    let digits = EXTENSION_MARKERS
        .iter()
        .find_map(|m| {
            let head = tail.get(..m.len())?;
            head.eq_ignore_ascii_case(m).then(|| &tail[m.len()..])
        })
        .ok_or_else(invalid)?
        .trim_start();
    if (1..=6).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok((number, Some(digits)))
    } else {
        Err(invalid())
    }
}

/// An office telephone (โทร. สำนักงาน): a Thai landline (`021234567`) or a mobile, with an
/// optional extension typed as `ต่อ 123`, `ext 123`, `ext. 123`, `x123` or `#123`.
///
/// Normalized as the number, then ` ต่อ ` and the extension when there is one:
/// `021234567 ต่อ 123` (Thai first, as everywhere in the product).
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OfficePhone {
    text: String,
    /// Byte length of the number part of `text`.
    number_len: usize,
}
string_newtype!(OfficePhone, text, debug);

impl OfficePhone {
    /// Parses an office phone with an optional extension.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = required(raw)?;
        let (number, extension) = split_extension(s)?;
        let number = phone_digits(number)
            .filter(|d| is_landline(d) || is_mobile(d))
            .ok_or_else(invalid)?;
        let number_len = number.len();
        let text = match extension {
            Some(ext) => format!("{number}{EXTENSION_SEPARATOR}{ext}"),
            None => number,
        };
        Ok(OfficePhone { text, number_len })
    }

    /// The number without extension, e.g. `021234567`.
    pub fn number(&self) -> &str {
        self.text.get(..self.number_len).unwrap_or_default()
    }

    /// The extension digits, if any.
    pub fn extension(&self) -> Option<&str> {
        self.text
            .get(self.number_len..)?
            .strip_prefix(EXTENSION_SEPARATOR)
    }
}

/// A phone number for a contact or call center: a 4-digit hotline starting with 1 (`1111`,
/// `1548`), a landline or a mobile, normalized like [`MobileNumber`]. No extension.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ContactPhone {
    number: String,
}
string_newtype!(ContactPhone, number, debug);

impl ContactPhone {
    /// Parses a hotline, landline or mobile number.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = required(raw)?;
        match phone_digits(s) {
            Some(number) if is_hotline(&number) || is_landline(&number) || is_mobile(&number) => {
                Ok(ContactPhone { number })
            }
            _ => Err(invalid()),
        }
    }

    /// Whether this is a 4-digit hotline.
    pub fn is_hotline(&self) -> bool {
        is_hotline(&self.number)
    }
}

// ---------------------------------------------------------------------------------------
// E-mail, URL, domain

/// Free mail providers: an "agency-issued" address on one of these warns `free_email_domain`.
pub const FREE_EMAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "hotmail.com",
    "outlook.com",
    "live.com",
    "yahoo.com",
    "icloud.com",
    "proton.me",
    "protonmail.com",
];

/// A host name label: letters, digits and hyphens, 1 to 63 characters, no hyphen at either end.
fn is_ldh_label(label: &str) -> bool {
    (1..=63).contains(&label.len())
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

/// Characters of the local part in the WHATWG grammar.
fn is_email_local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "._!#$%&'*+/=?^`{|}~-".contains(c)
}

/// An e-mail address in the WHATWG HTML "valid e-mail address" grammar, at most 254
/// characters. Kept as typed (the local part may be case-sensitive); the domain compares
/// case-insensitively. Like the grammar, a single-label domain (`user@localhost`) is valid.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email {
    address: String,
    /// Byte index of the `@`.
    at: usize,
}
string_newtype!(Email, address, debug);

impl Email {
    /// Maximum length in characters.
    pub const MAX_CHARS: usize = 254;

    /// Parses an e-mail address.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = required(raw)?;
        at_most(s, Self::MAX_CHARS)?;
        let (local, domain) = s.split_once('@').ok_or_else(invalid)?;
        let valid = !local.is_empty()
            && local.chars().all(is_email_local_char)
            && domain.split('.').all(is_ldh_label);
        if !valid {
            return Err(invalid());
        }
        Ok(Email {
            address: s.to_owned(),
            at: local.len(),
        })
    }

    /// The part after `@`, as typed.
    pub fn domain(&self) -> &str {
        self.address.get(self.at + 1..).unwrap_or_default()
    }

    /// Whether the domain is one of [`FREE_EMAIL_DOMAINS`] (case-insensitive).
    pub fn is_free_provider(&self) -> bool {
        let domain = self.domain();
        FREE_EMAIL_DOMAINS
            .iter()
            .any(|d| d.eq_ignore_ascii_case(domain))
    }
}

/// Whether `c` may appear in an [`HttpsUrl`]: any non-ASCII character except controls and
/// white space (a pasted Thai path is fine; browsers percent-encode it), and the ASCII
/// characters of RFC 3986. This keeps out `"`, `<`, `>`, `\`, `` ` ``, `{`, `}`, `|`, `^`:
/// characters that make links break or mean different things to different parsers.
fn is_url_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c)
    } else {
        !c.is_control() && !c.is_whitespace()
    }
}

/// Every `%` starts an escape of two hex digits.
fn percent_escapes_ok(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().all(|(i, &c)| {
        c != b'%'
            || (b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    })
}

/// A host: bracketed IPv6, dotted IPv4, or an LDH domain name (one label or more).
fn is_url_host(host: &str) -> bool {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner.parse::<Ipv6Addr>().is_ok();
    }
    let last = host.rsplit('.').next().unwrap_or_default();
    if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
        // A name ending in a number is an IPv4 address or nothing (as in the WHATWG URL
        // standard), so `1.2.3.999` and `010.0.0.1` are refused rather than looked up.
        return host.parse::<Ipv4Addr>().is_ok();
    }
    host.len() <= Domain::MAX_CHARS && host.split('.').all(is_ldh_label)
}

/// Splits `host:port` (port optional); IPv6 hosts keep their brackets.
fn split_host_port(authority: &str) -> Result<(&str, Option<&str>), FieldError> {
    let (host, port) = if authority.starts_with('[') {
        let end = authority.find(']').ok_or_else(invalid)? + 1;
        let (host, rest) = authority.split_at(end);
        match rest {
            "" => (host, None),
            _ => (host, Some(rest.strip_prefix(':').ok_or_else(invalid)?)),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if let Some(p) = port {
        let ok = (1..=5).contains(&p.len())
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u16>().is_ok_and(|n| n != 0);
        if !ok {
            return Err(invalid());
        }
    }
    Ok((host, port))
}

/// An absolute `https` URL with a host and no user-info, at most 2048 characters.
///
/// Hand-written rather than the `url` crate: the accepted language is much smaller than
/// what browsers repair (no `https:example.com`, no backslashes, no spaces, no `user@`), and
/// a strict subset is easier to reason about than the WHATWG repair rules. The scheme and host
/// are stored lower-case; path, query and fragment are kept as typed.
///
/// [`HttpsUrl::parse_uat`] also admits `http` to `localhost` / `127.0.0.1` (SPEC step 2), so
/// a value may be such a local `http` URL. Deserializing (`TryFrom<String>`) accepts that same
/// set so that every value survives a serde round trip; `FromStr` is the strict `parse`.
/// Use [`HttpsUrl::is_https`] when it matters.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HttpsUrl {
    url: String,
    /// Byte range of the host in `url`.
    host_start: usize,
    host_end: usize,
}
string_newtype!(@common HttpsUrl, url);
string_newtype!(@debug HttpsUrl, url);

/// Strict, for text typed by a person: `https` only.
impl std::str::FromStr for HttpsUrl {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        HttpsUrl::parse(s)
    }
}

/// Serde's way in: admits whatever any constructor admits, so values round-trip.
impl TryFrom<String> for HttpsUrl {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        HttpsUrl::parse_uat(&s)
    }
}

impl HttpsUrl {
    /// Maximum length in characters.
    pub const MAX_CHARS: usize = 2048;

    /// Parses an absolute `https` URL.
    ///
    /// `FromStr` is this; `TryFrom<String>` and `Deserialize` go through
    /// [`parse_uat`](HttpsUrl::parse_uat) (see the type's documentation).
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::parse_with(raw, false)
    }

    /// Like [`parse`](HttpsUrl::parse), but `http` is also allowed when the host is exactly
    /// `localhost` or `127.0.0.1` (UAT, SPEC step 2).
    pub fn parse_uat(raw: &str) -> Result<Self, FieldError> {
        Self::parse_with(raw, true)
    }

    fn parse_with(raw: &str, allow_local_http: bool) -> Result<Self, FieldError> {
        let s = required(raw)?;
        at_most(s, Self::MAX_CHARS)?;
        if !s.chars().all(is_url_char) || !percent_escapes_ok(s) {
            return Err(invalid());
        }
        let (scheme, rest) = s.split_once("://").ok_or_else(invalid)?;
        let http = scheme.eq_ignore_ascii_case("http");
        if !(scheme.eq_ignore_ascii_case("https") || (allow_local_http && http)) {
            return Err(invalid());
        }
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        if authority.contains('@') {
            return Err(invalid());
        }
        let (host, port) = split_host_port(authority)?;
        let host = host.to_ascii_lowercase();
        if !is_url_host(&host) || (http && host != "localhost" && host != "127.0.0.1") {
            return Err(invalid());
        }
        let scheme = if http { "http" } else { "https" };
        let host_start = scheme.len() + "://".len();
        let host_end = host_start + host.len();
        let port = port.map(|p| format!(":{p}")).unwrap_or_default();
        Ok(HttpsUrl {
            url: format!("{scheme}://{host}{port}{tail}"),
            host_start,
            host_end,
        })
    }

    /// The host, lower-case; an IPv6 host keeps its brackets (`[::1]`).
    pub fn host(&self) -> &str {
        self.url
            .get(self.host_start..self.host_end)
            .unwrap_or_default()
    }

    /// Whether the URL has a fragment (`#...`, even an empty one). Callback URLs must not.
    pub fn has_fragment(&self) -> bool {
        // Host and port cannot contain `#`, so any `#` starts the fragment.
        self.url.contains('#')
    }

    /// Whether the scheme is `https` (false only for a local UAT `http` URL).
    pub fn is_https(&self) -> bool {
        self.url.starts_with("https:")
    }
}

/// A host name for OIDC (no scheme, path or port): LDH labels of 1 to 63 characters, at
/// least two labels, at most 253 characters, stored lower-case. The last label may not be
/// all digits, so an IPv4 address is not a domain.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Domain {
    name: String,
}
string_newtype!(Domain, name, debug);

impl Domain {
    /// Maximum length in characters.
    pub const MAX_CHARS: usize = 253;

    /// Parses a domain name.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = required(raw)?;
        at_most(s, Self::MAX_CHARS)?;
        let name = s.to_ascii_lowercase();
        let labels: Vec<&str> = name.split('.').collect();
        let numeric_tld = labels
            .last()
            .is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit()));
        if labels.len() < 2 || numeric_tld || !labels.iter().all(|l| is_ldh_label(l)) {
            return Err(invalid());
        }
        Ok(Domain { name })
    }

    /// Whether `host` is this domain or one of its subdomains (case-insensitive):
    /// `example.go.th` covers `example.go.th` and `x.example.go.th`, not `badexample.go.th`.
    pub fn covers(&self, host: &str) -> bool {
        let (host, name) = (host.as_bytes(), self.name.as_bytes());
        if host.len() == name.len() {
            return host.eq_ignore_ascii_case(name);
        }
        // A subdomain needs at least one character and a dot in front of the domain.
        let Some(dot) = host.len().checked_sub(name.len() + 1) else {
            return false;
        };
        dot > 0
            && host.get(dot) == Some(&b'.')
            && host
                .get(dot + 1..)
                .is_some_and(|suffix| suffix.eq_ignore_ascii_case(name))
    }
}

// ---------------------------------------------------------------------------------------
// Postcode, text, date

/// A Thai postcode: 5 digits, the first two (the province) from 10 to 96.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Postcode {
    code: String,
}
string_newtype!(Postcode, code, debug);

impl Postcode {
    /// Parses a postcode: `invalid_format` unless 5 ASCII digits, `out_of_range` unless the
    /// prefix is 10 to 96.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = required(raw)?;
        if s.len() != 5 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        match s.get(..2).and_then(|p| p.parse::<u8>().ok()) {
            Some(10..=96) => Ok(Postcode { code: s.to_owned() }),
            _ => Err(FieldError::new(Code::OutOfRange)),
        }
    }
}

/// Whether `c` is a control character that no text may hold. Line breaks and tabs are
/// allowed in long text only ([`long_text`]); everything else of Unicode's `Cc` class (NUL,
/// escape, DEL, the C1 block) is refused everywhere, so both store backends hold the same
/// text (PostgreSQL refuses NUL outright).
pub fn is_forbidden_control(c: char, multiline: bool) -> bool {
    c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t'))
}

fn free_text(raw: &str, max_chars: usize, multiline: bool) -> Result<String, FieldError> {
    let s = required(raw)?;
    if s.chars().any(|c| is_forbidden_control(c, multiline)) {
        return Err(invalid());
    }
    at_most(s, max_chars)?;
    Ok(s.to_owned())
}

/// A required single-line text of at most `max_chars` Unicode scalar values (what the
/// manual's "0/140" counter counts), trimmed. Control characters, line breaks included, are
/// `invalid_format`.
///
/// ```
/// use onboard_core::fields::text;
/// use onboard_core::validation::{Code, FieldError};
/// assert_eq!(text("  สวัสดี ", 6).unwrap(), "สวัสดี");
/// assert_eq!(text("สวัสดี", 5), Err(FieldError::with_limit(Code::TooLong, 5)));
/// assert_eq!(text(" \n", 5), Err(FieldError::new(Code::Required)));
/// assert_eq!(text("a\nb", 5), Err(FieldError::new(Code::InvalidFormat)));
/// ```
pub fn text(raw: &str, max_chars: usize) -> Result<String, FieldError> {
    free_text(raw, max_chars, false)
}

/// A required text of several lines (descriptions, notes, reasons): like [`text`], but line
/// breaks and tabs are kept.
///
/// ```
/// use onboard_core::fields::long_text;
/// use onboard_core::validation::{Code, FieldError};
/// assert_eq!(long_text("บรรทัด 1\n\tบรรทัด 2", 100).unwrap(), "บรรทัด 1\n\tบรรทัด 2");
/// assert_eq!(long_text("a\u{0}b", 100), Err(FieldError::new(Code::InvalidFormat)));
/// ```
pub fn long_text(raw: &str, max_chars: usize) -> Result<String, FieldError> {
    free_text(raw, max_chars, true)
}

/// The issue of a free text ([`text`], [`long_text`]) that failed with `error` at `path`.
pub fn text_issue(path: &Path, error: FieldError) -> Issue {
    match error.code {
        Code::InvalidFormat => Issue::with_messages(
            path,
            error.code,
            "ข้อความมีอักขระควบคุมหรือการขึ้นบรรทัดใหม่ซึ่งใช้ในช่องนี้ไม่ได้ กรุณาพิมพ์ใหม่",
            "The text holds a control character or a line break, which this field cannot \
             take; type it again",
        ),
        _ => Issue::new(path, error),
    }
}

/// A date in exactly the ISO form `YYYY-MM-DD` (trimmed); anything else, including an
/// impossible day such as `2027-02-30`, is `invalid_format`.
pub fn date(raw: &str) -> Result<NaiveDate, FieldError> {
    iso_date(required(raw)?).ok_or_else(invalid)
}

/// Exactly `YYYY-MM-DD`, untrimmed (chrono's own parser also takes one-digit months and
/// signed years); `None` for any other shape or an impossible day. The one date parser of
/// forms, command lines and query strings.
pub fn iso_date(s: &str) -> Option<NaiveDate> {
    let bytes = s.as_bytes();
    if bytes.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return None;
    }
    let number = |from: usize, to: usize| -> Option<u32> {
        bytes.get(from..to)?.iter().try_fold(0u32, |acc, &b| {
            b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
        })
    };
    let year = i32::try_from(number(0, 4)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(5, 7)?, number(8, 10)?)
}

/// Years from this one on are taken as Buddhist-era years typed by mistake (2400 B.E. is
/// 1857 C.E.; no date planned today lies that far ahead).
pub const BUDDHIST_ERA_FROM: i32 = 2400;
/// The difference between the Buddhist and the Gregorian year.
pub const BUDDHIST_ERA_OFFSET: i32 = 543;
/// How far ahead a planned date may lie: two years from today.
pub const PLANNED_DATE_MONTHS: u32 = 24;

/// A date a user plans (steps 1, 4 and 7, SPEC §5 "date"): ISO form, Gregorian, not before
/// `today` and at most two years after it. A Buddhist-era year gets `out_of_range` with a
/// message that names the mistake and the Gregorian year.
///
/// ```
/// use chrono::NaiveDate;
/// use onboard_core::fields::planned_date;
/// use onboard_core::validation::{Code, Path};
/// let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
/// let at = Path::root().key("desired_date");
/// assert!(planned_date(&at, "2026-12-04", today).is_ok());
/// let issue = planned_date(&at, "2569-12-04", today).unwrap_err();
/// assert_eq!(issue.code, Code::OutOfRange);
/// assert!(issue.message_th.contains("2026"));
/// assert_eq!(planned_date(&at, "2028-11-28", today).unwrap_err().code, Code::OutOfRange);
/// ```
pub fn planned_date(path: &Path, raw: &str, today: NaiveDate) -> Result<NaiveDate, Issue> {
    use crate::schedule::thai_date;
    let date = date(raw).map_err(|e| issue::<NaiveDate>(path, e))?;
    let year = date.year();
    if year >= BUDDHIST_ERA_FROM {
        let gregorian = year - BUDDHIST_ERA_OFFSET;
        return Err(Issue::with_messages(
            path,
            Code::OutOfRange,
            format!(
                "ปี {year} เป็นปีพุทธศักราช กรุณากรอกปีคริสต์ศักราช ({gregorian}) เช่น {}",
                with_year(date, gregorian)
            ),
            format!(
                "{year} looks like a Buddhist-era year; use the Gregorian year ({gregorian}), \
                 such as {}",
                with_year(date, gregorian)
            ),
        ));
    }
    if date < today {
        return Err(Issue::with_messages(
            path,
            Code::OutOfRange,
            format!("วันที่ต้องไม่ก่อนวันนี้ ({})", thai_date(today)),
            format!("The date must not be before today ({today})"),
        ));
    }
    let last = today
        .checked_add_months(chrono::Months::new(PLANNED_DATE_MONTHS))
        .unwrap_or(NaiveDate::MAX);
    if date > last {
        return Err(Issue::with_messages(
            path,
            Code::OutOfRange,
            format!("วันที่ต้องอยู่ภายใน 2 ปีนับจากวันนี้ (ไม่เกิน {})", thai_date(last)),
            format!("The date must lie within 2 years from today (at most {last})"),
        ));
    }
    Ok(date)
}

/// `date` in the ISO form with another year (29 February falls back to the 28th).
fn with_year(date: NaiveDate, year: i32) -> String {
    date.with_year(year)
        .or_else(|| NaiveDate::from_ymd_opt(year, date.month(), 28))
        .map_or_else(|| year.to_string(), |d| d.to_string())
}

// ---------------------------------------------------------------------------------------
// Messages

/// A field type whose errors deserve messages of their own where the generic message of the
/// code would leave the user guessing what is expected. Every front end (the API, the
/// portal, `onboard check`) reports a field through [`issue`], so one rule has one message.
pub trait Field: Sized {
    /// Parses the raw text.
    fn parse_field(raw: &str) -> Result<Self, FieldError>;
    /// The Thai and English message of `code` for this field, if it has its own.
    fn message(code: Code) -> Option<(&'static str, &'static str)>;
}

/// The issue of a field of type `T` that failed with `error` at `path`: the field's own
/// message where it has one, the code's generic message otherwise.
pub fn issue<T: Field>(path: &Path, error: FieldError) -> Issue {
    match T::message(error.code) {
        Some((th, en)) => Issue::with_messages(path, error.code, th, en),
        None => Issue::new(path, error),
    }
}

macro_rules! field_messages {
    ($ty:ty, $parse:path, { $($code:ident => ($th:literal, $en:literal $(,)?),)* }) => {
        impl $crate::fields::Field for $ty {
            fn parse_field(raw: &str) -> Result<Self, FieldError> {
                $parse(raw)
            }
            fn message(code: Code) -> Option<(&'static str, &'static str)> {
                match code {
                    $(Code::$code => Some(($th, $en)),)*
                    _ => None,
                }
            }
        }
    };
}
pub(crate) use field_messages;

field_messages!(CitizenId, CitizenId::parse, {
    InvalidFormat => (
        "เลขบัตรประชาชนต้องเป็นตัวเลข 13 หลัก และหลักแรกไม่ใช่ 0 หรือ 9",
        "A citizen ID has 13 digits and does not start with 0 or 9",
    ),
    InvalidChecksum => (
        "เลขบัตรประชาชนไม่ถูกต้อง (หลักสุดท้ายไม่ตรงกับหลักตรวจสอบ)",
        "This citizen ID is not valid (its last digit does not match the check digit)",
    ),
});
field_messages!(JuristicId, JuristicId::parse, {
    InvalidFormat => (
        "เลขนิติบุคคลต้องเป็นตัวเลข 13 หลัก ขึ้นต้นด้วย 0",
        "A juristic person ID has 13 digits and starts with 0",
    ),
    InvalidChecksum => (
        "เลขนิติบุคคลไม่ถูกต้อง (หลักสุดท้ายไม่ตรงกับหลักตรวจสอบ)",
        "This juristic person ID is not valid (its last digit does not match the check digit)",
    ),
});
field_messages!(MobileNumber, MobileNumber::parse, {
    InvalidFormat => (
        "เบอร์โทรศัพท์มือถือต้องเป็นตัวเลข 10 หลัก ขึ้นต้นด้วย 06, 08 หรือ 09",
        "A mobile number has 10 digits and starts with 06, 08 or 09",
    ),
});
field_messages!(OfficePhone, OfficePhone::parse, {
    InvalidFormat => (
        "กรุณาระบุเบอร์โทรพื้นฐาน 9 หลักหรือเบอร์มือถือ 10 หลัก ตามด้วยเบอร์ต่อได้ เช่น 02 123 4567 ต่อ 12",
        "Give a 9-digit landline or a 10-digit mobile number, optionally with an extension \
         such as 02 123 4567 ext 12",
    ),
});
field_messages!(ContactPhone, ContactPhone::parse, {
    InvalidFormat => (
        "กรุณาระบุเบอร์สายด่วน 4 หลัก เบอร์โทรพื้นฐาน หรือเบอร์มือถือ",
        "Give a 4-digit hotline, a landline or a mobile number",
    ),
});
field_messages!(Email, Email::parse, {
    InvalidFormat => (
        "รูปแบบอีเมลไม่ถูกต้อง กรุณาระบุในรูปแบบ name@example.go.th",
        "This is not a valid e-mail address; use the form name@example.go.th",
    ),
    TooLong => ("อีเมลต้องมีความยาวไม่เกิน 254 ตัวอักษร", "An e-mail address has at most 254 characters"),
});
field_messages!(Domain, Domain::parse, {
    InvalidFormat => (
        "ระบุเฉพาะชื่อโดเมน เช่น example.go.th (ไม่มี https://, path หรือ port)",
        "Give the host name only, such as example.go.th (no https://, path or port)",
    ),
});
field_messages!(Postcode, Postcode::parse, {
    InvalidFormat => ("รหัสไปรษณีย์ต้องเป็นตัวเลข 5 หลัก", "A postcode has 5 digits"),
    OutOfRange => (
        "รหัสไปรษณีย์ต้องขึ้นต้นด้วย 10 ถึง 96",
        "A postcode starts with 10 to 96",
    ),
});
field_messages!(NaiveDate, date, {
    InvalidFormat => (
        "วันที่ต้องอยู่ในรูปแบบ ปปปป-ดด-วว (ปี ค.ศ.) เช่น 2027-03-02",
        "Use the date form YYYY-MM-DD, such as 2027-03-02",
    ),
});

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn code<T: std::fmt::Debug>(r: Result<T, FieldError>) -> Code {
        r.unwrap_err().code
    }

    /// A 13-digit number with a correct check digit.
    fn with_check(first12: &str) -> String {
        let d: Vec<u8> = first12.bytes().map(|b| b - b'0').collect();
        format!("{first12}{}", check_digit(&d))
    }

    #[test]
    fn blank_input_is_required_everywhere() {
        for raw in ["", "   ", "\t\n"] {
            assert_eq!(code(CitizenId::parse(raw)), Code::Required);
            assert_eq!(code(JuristicId::parse(raw)), Code::Required);
            assert_eq!(code(MobileNumber::parse(raw)), Code::Required);
            assert_eq!(code(OfficePhone::parse(raw)), Code::Required);
            assert_eq!(code(ContactPhone::parse(raw)), Code::Required);
            assert_eq!(code(Email::parse(raw)), Code::Required);
            assert_eq!(code(HttpsUrl::parse(raw)), Code::Required);
            assert_eq!(code(HttpsUrl::parse_uat(raw)), Code::Required);
            assert_eq!(code(Domain::parse(raw)), Code::Required);
            assert_eq!(code(Postcode::parse(raw)), Code::Required);
            assert_eq!(code(text(raw, 10)), Code::Required);
            assert_eq!(code(date(raw)), Code::Required);
        }
    }

    #[test]
    fn citizen_id_samples_of_the_manual_are_rejected() {
        assert_eq!(
            code(CitizenId::parse("1111111111111")),
            Code::InvalidChecksum
        );
        assert_eq!(
            code(CitizenId::parse("1234567890123")),
            Code::InvalidChecksum
        );
        assert_eq!(
            code(CitizenId::parse("11111111111111")),
            Code::InvalidFormat
        );
        assert_eq!(code(CitizenId::parse("110170023070")), Code::InvalidFormat);
        assert_eq!(code(CitizenId::parse("110170023070a")), Code::InvalidFormat);
    }

    #[test]
    fn citizen_id_first_digit() {
        assert!(CitizenId::parse(&with_check("100000000000")).is_ok());
        assert!(CitizenId::parse(&with_check("810000000000")).is_ok());
        assert_eq!(
            code(CitizenId::parse(&with_check("010555123456"))),
            Code::InvalidFormat
        );
        assert_eq!(
            code(CitizenId::parse(&with_check("910000000000"))),
            Code::InvalidFormat
        );
    }

    #[test]
    fn citizen_id_cleaning_and_checksum() {
        let id = CitizenId::parse(" 1-1017-00230-70-8 ").unwrap();
        assert_eq!(id.as_str(), "1101700230708");
        assert_eq!(CitizenId::parse("๑๑๐๑๗๐๐๒๓๐๗๐๘").unwrap(), id);
        assert_eq!(CitizenId::parse("1 1017 00230 70 8").unwrap(), id);
        // Check digit off by one either way.
        assert_eq!(
            code(CitizenId::parse("1101700230707")),
            Code::InvalidChecksum
        );
        assert_eq!(
            code(CitizenId::parse("1101700230709")),
            Code::InvalidChecksum
        );
        assert_eq!(id.masked(), "1-1017-xxxxx-xx-8");
        assert_eq!(format!("{id:?}"), "CitizenId(\"1-1017-xxxxx-xx-8\")");
        assert_eq!(id.to_string(), "1101700230708");
    }

    #[test]
    fn juristic_id_starts_with_zero() {
        let id = JuristicId::parse("0-1055-51234-56-7").unwrap();
        assert_eq!(id.as_str(), "0105551234567");
        assert_eq!(
            code(JuristicId::parse("0105551234568")),
            Code::InvalidChecksum
        );
        assert_eq!(
            code(JuristicId::parse("1101700230708")),
            Code::InvalidFormat
        );
    }

    #[test]
    fn mobile_numbers() {
        for ok in ["0612345678", "0812345678", "0912345678", "081-234-5678"] {
            assert!(MobileNumber::parse(ok).is_ok(), "{ok}");
        }
        for prefixed in ["+66812345678", "66812345678", "+66 81 234 5678"] {
            assert_eq!(
                MobileNumber::parse(prefixed).unwrap().as_str(),
                "0812345678"
            );
        }
        for bad in [
            "0212345678",  // 02 is a landline prefix
            "0712345678",  // 07 is not a mobile prefix
            "081234567",   // 9 digits
            "08123456789", // the manual's sample: 11 digits
            "08l2345678",
            "+66",
        ] {
            assert_eq!(code(MobileNumber::parse(bad)), Code::InvalidFormat, "{bad}");
        }
    }

    #[test]
    fn office_phones() {
        for area in 2..=7 {
            let n = format!("0{area}1234567");
            assert_eq!(OfficePhone::parse(&n).unwrap().as_str(), n);
        }
        assert_eq!(code(OfficePhone::parse("011234567")), Code::InvalidFormat);
        assert_eq!(code(OfficePhone::parse("081234567")), Code::InvalidFormat);
        assert_eq!(code(OfficePhone::parse("0212345678")), Code::InvalidFormat);
        assert_eq!(code(OfficePhone::parse("02123456")), Code::InvalidFormat);
        assert_eq!(
            OfficePhone::parse("+66 2 123 4567").unwrap().as_str(),
            "021234567"
        );
        let mobile = OfficePhone::parse("081-234-5678").unwrap();
        assert_eq!((mobile.number(), mobile.extension()), ("0812345678", None));

        for raw in [
            "02-123-4567 ต่อ 123",
            "021234567ต่อ123",
            "02 123 4567 ext 123",
            "02 123 4567 EXT. 123",
            "021234567 x123",
            "021234567 X 123",
            "021234567#123",
        ] {
            let p = OfficePhone::parse(raw).unwrap();
            assert_eq!(p.as_str(), "021234567 ต่อ 123", "{raw}");
            assert_eq!((p.number(), p.extension()), ("021234567", Some("123")));
            assert_eq!(OfficePhone::parse(p.as_str()).unwrap(), p);
        }
        assert_eq!(
            OfficePhone::parse("021234567 #123456").unwrap().extension(),
            Some("123456")
        );
        for bad in [
            "021234567 #1234567",
            "021234567 ต่อ",
            "021234567 ext",
            "021234567 y123",
            "021234567 ext 12a",
            "ext 123",
        ] {
            assert_eq!(code(OfficePhone::parse(bad)), Code::InvalidFormat, "{bad}");
        }
    }

    #[test]
    fn contact_phones() {
        for (raw, norm) in [
            ("1111", "1111"),
            ("1548", "1548"),
            ("02-123-4567", "021234567"),
            ("+66 81 234 5678", "0812345678"),
        ] {
            assert_eq!(ContactPhone::parse(raw).unwrap().as_str(), norm);
        }
        assert!(ContactPhone::parse("1111").unwrap().is_hotline());
        assert!(!ContactPhone::parse("021234567").unwrap().is_hotline());
        for bad in ["111", "11111", "2111", "021234567 ต่อ 1"] {
            assert_eq!(code(ContactPhone::parse(bad)), Code::InvalidFormat, "{bad}");
        }
    }

    #[test]
    fn email_grammar() {
        for ok in [
            "somchai@dga.or.th",
            "Som.Chai+tag@Example.GO.th",
            "a!#$%&'*/=?^_`{|}~-@x.co",
            "admin@localhost",
        ] {
            assert_eq!(Email::parse(ok).unwrap().as_str(), ok);
        }
        for bad in [
            "no-at-sign",
            "@dga.or.th",
            "a@",
            "a@b@c.th",
            "a b@c.th",
            "สมชาย@dga.or.th",
            "a@-dga.or.th",
            "a@dga-.or.th",
            "a@dga..th",
            "a@dga.or.th.",
            "a@dga_x.or.th",
        ] {
            assert_eq!(code(Email::parse(bad)), Code::InvalidFormat, "{bad}");
        }
        let long_label = "a".repeat(64);
        assert_eq!(
            code(Email::parse(&format!("a@{long_label}.th"))),
            Code::InvalidFormat
        );
    }

    #[test]
    fn email_length_boundary() {
        // local (64) + @ + domain labels to reach exactly 254.
        let domain = format!(
            "{}.{}.{}.{}",
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(58),
            "th"
        );
        let ok = format!("{}@{domain}", "a".repeat(64));
        assert_eq!(ok.len(), 254);
        assert!(Email::parse(&ok).is_ok());
        let long = format!("a{ok}");
        assert_eq!(
            Email::parse(&long),
            Err(FieldError::with_limit(Code::TooLong, 254))
        );
    }

    #[test]
    fn free_email_providers() {
        let e = Email::parse("Somchai@GMail.Com").unwrap();
        assert_eq!(e.domain(), "GMail.Com");
        assert!(e.is_free_provider());
        for d in FREE_EMAIL_DOMAINS {
            assert!(Email::parse(&format!("x@{}", d.to_uppercase()))
                .unwrap()
                .is_free_provider());
        }
        assert!(!Email::parse("x@dga.or.th").unwrap().is_free_provider());
        assert!(!Email::parse("x@mail.gmail.com").unwrap().is_free_provider());
    }

    #[test]
    fn https_urls() {
        let u = HttpsUrl::parse(" HTTPS://Service.Example.GO.TH:8443/Path?q=ไทย#Top ").unwrap();
        assert_eq!(
            u.as_str(),
            "https://service.example.go.th:8443/Path?q=ไทย#Top"
        );
        assert_eq!(u.host(), "service.example.go.th");
        assert!(u.has_fragment() && u.is_https());
        let u = HttpsUrl::parse("https://example.go.th").unwrap();
        assert!(!u.has_fragment());
        assert_eq!(
            HttpsUrl::parse("https://192.168.1.10/x").unwrap().host(),
            "192.168.1.10"
        );
        assert_eq!(
            HttpsUrl::parse("https://[::1]:443/").unwrap().host(),
            "[::1]"
        );
        assert!(HttpsUrl::parse("https://a.th/p%20q").is_ok());

        for bad in [
            "https://user@example.go.th/",
            "https://user:pw@example.go.th/",
            "http://example.go.th/",
            "ftp://example.go.th/",
            "https:example.go.th",
            "https:/example.go.th",
            "//example.go.th",
            "example.go.th",
            "https://",
            "https:///path",
            "https://exa mple.go.th/",
            "https://example.go.th/a b",
            "https://example.go.th/\u{7}",
            "https://example.go.th\\@evil.com/",
            "https://example.go.th:/",
            "https://example.go.th:0/",
            "https://example.go.th:65536/",
            "https://example.go.th:80a/",
            "https://-bad.go.th/",
            "https://1.2.3.999/",
            "https://[::g]/",
            "https://[::1/",
            "https://example.go.th/%zz",
            "https://example.go.th/<script>",
        ] {
            assert_eq!(code(HttpsUrl::parse(bad)), Code::InvalidFormat, "{bad}");
        }
    }

    #[test]
    fn uat_allows_local_http_only() {
        for local in [
            "http://localhost:8080/cb",
            "HTTP://LocalHost/",
            "http://127.0.0.1/x",
        ] {
            assert_eq!(code(HttpsUrl::parse(local)), Code::InvalidFormat, "{local}");
            let u = HttpsUrl::parse_uat(local).unwrap();
            assert!(!u.is_https());
            // Deserialization admits what parse_uat admits, so values round-trip.
            let json = serde_json::to_string(&u).unwrap();
            assert_eq!(serde_json::from_str::<HttpsUrl>(&json).unwrap(), u);
        }
        assert_eq!(
            HttpsUrl::parse_uat("http://localhost/").unwrap().as_str(),
            "http://localhost/"
        );
        for bad in [
            "http://example.go.th/",
            "http://127.0.0.2/",
            "http://localhost.evil.com/",
        ] {
            assert_eq!(code(HttpsUrl::parse_uat(bad)), Code::InvalidFormat, "{bad}");
        }
        assert!(HttpsUrl::parse_uat("https://example.go.th/")
            .unwrap()
            .is_https());
    }

    #[test]
    fn url_length_boundary() {
        let base = "https://example.go.th/";
        let ok = format!("{base}{}", "a".repeat(2048 - base.len()));
        assert!(HttpsUrl::parse(&ok).is_ok());
        assert_eq!(
            HttpsUrl::parse(&format!("{ok}a")),
            Err(FieldError::with_limit(Code::TooLong, 2048))
        );
        // Characters, not bytes: 2048 Thai characters are fine.
        let thai = format!("{base}{}", "ก".repeat(2048 - base.len()));
        assert!(HttpsUrl::parse(&thai).is_ok());
    }

    #[test]
    fn domains() {
        let d = Domain::parse(" Example.GO.th ").unwrap();
        assert_eq!(d.as_str(), "example.go.th");
        assert!(d.covers("example.go.th"));
        assert!(d.covers("X.Example.go.th"));
        assert!(d.covers("a.b.example.go.th"));
        assert!(!d.covers("badexample.go.th"));
        assert!(!d.covers(".example.go.th"));
        assert!(!d.covers("go.th"));
        assert!(!d.covers("example.go.th.evil.com"));
        assert!(!d.covers("ตัวอย่าง.example.go.thx"));

        for bad in [
            "localhost",
            "https://example.go.th",
            "example.go.th/path",
            "example.go.th:443",
            "-a.go.th",
            "a-.go.th",
            "a..th",
            "example.go.th.",
            "1.2.3.4",
            "ตัวอย่าง.ไทย",
        ] {
            assert_eq!(code(Domain::parse(bad)), Code::InvalidFormat, "{bad}");
        }
        assert!(Domain::parse(&format!("{}.th", "a".repeat(63))).is_ok());
        assert_eq!(
            code(Domain::parse(&format!("{}.th", "a".repeat(64)))),
            Code::InvalidFormat
        );
        // 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253.
        let l = "a".repeat(63);
        let ok = format!("{l}.{l}.{l}.{}", "b".repeat(61));
        assert_eq!(ok.len(), 253);
        assert!(Domain::parse(&ok).is_ok());
        assert_eq!(
            Domain::parse(&format!("{ok}b")),
            Err(FieldError::with_limit(Code::TooLong, 253))
        );
    }

    #[test]
    fn postcodes() {
        assert!(Postcode::parse("10000").is_ok());
        assert!(Postcode::parse("96999").is_ok());
        assert!(Postcode::parse(" 10200 ").is_ok());
        assert_eq!(code(Postcode::parse("09999")), Code::OutOfRange);
        assert_eq!(code(Postcode::parse("97000")), Code::OutOfRange);
        for bad in ["1000", "100000", "1020a", "๑๐๒๐๐", "10 200"] {
            assert_eq!(code(Postcode::parse(bad)), Code::InvalidFormat, "{bad}");
        }
    }

    #[test]
    fn text_counts_thai_characters() {
        let ok = "ก".repeat(140);
        assert_eq!(text(&ok, 140).unwrap(), ok);
        assert_eq!(
            text(&"ก".repeat(141), 140),
            Err(FieldError::with_limit(Code::TooLong, 140))
        );
        // Combining marks are scalar values of their own, as the manual's counter counts them.
        assert_eq!("สวัสดี".chars().count(), 6);
        assert_eq!(text(&format!("  {ok}\n"), 140).unwrap(), ok);
    }

    #[test]
    fn dates() {
        assert_eq!(
            date(" 2027-03-02 ").unwrap(),
            NaiveDate::from_ymd_opt(2027, 3, 2).unwrap()
        );
        assert_eq!(
            date("2028-02-29").unwrap(),
            NaiveDate::from_ymd_opt(2028, 2, 29).unwrap()
        );
        for bad in [
            "2027-3-2",
            "2027/03/02",
            "02-03-2027",
            "2027-02-30",
            "2027-13-01",
            "2027-03-02T00:00:00",
            "+2027-03-02",
            "๒๐๒๗-๐๓-๐๒",
        ] {
            assert_eq!(code(date(bad)), Code::InvalidFormat, "{bad}");
        }
    }

    #[test]
    fn serde_round_trips_and_validates() {
        let m: MobileNumber = serde_json::from_str("\"+66812345678\"").unwrap();
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"0812345678\"");
        assert!(serde_json::from_str::<CitizenId>("\"1111111111111\"").is_err());
        let p: OfficePhone = serde_json::from_str("\"021234567 ต่อ 12\"").unwrap();
        assert_eq!(p.extension(), Some("12"));
        let id: CitizenId = serde_json::from_str("\"1101700230708\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"1101700230708\"");
        assert_eq!("10200".parse::<Postcode>().unwrap().as_str(), "10200");
    }

    proptest! {
        #[test]
        fn computed_check_digit_parses(
            first in 1u8..=8,
            rest in proptest::collection::vec(0u8..=9, 11),
            bump in 1u8..=9,
        ) {
            let mut digits = vec![first];
            digits.extend(rest);
            let check = check_digit(&digits);
            let body: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
            let good = format!("{body}{check}");
            prop_assert_eq!(CitizenId::parse(&good).map(String::from), Ok(good));
            let bad = format!("{body}{}", (check + bump) % 10);
            prop_assert_eq!(
                CitizenId::parse(&bad).map(String::from),
                Err(FieldError::new(Code::InvalidChecksum))
            );
        }

        #[test]
        fn parsers_never_panic(s in any::<String>()) {
            exercise_all(&s);
        }

        #[test]
        fn parsers_never_panic_on_near_misses(
            s in "[ 0-9๐-๙+#x.:/@\\[\\]a-zA-Z-]{0,30}|https?://[a-z0-9.:\\[\\]@%-]{0,20}(/.{0,10})?|[0-9 -]{0,12}(ต่อ|ext\\.?|x|#) ?[0-9]{0,7}"
        ) {
            exercise_all(&s);
        }
    }

    fn exercise_all(s: &str) {
        let _ = CitizenId::parse(s).map(|i| i.masked());
        let _ = JuristicId::parse(s);
        let _ = MobileNumber::parse(s);
        let _ = OfficePhone::parse(s).map(|p| (p.number().len(), p.extension().map(str::len)));
        let _ = ContactPhone::parse(s);
        let _ = Email::parse(s).map(|e| e.is_free_provider());
        let _ = HttpsUrl::parse(s).map(|u| (u.host().len(), u.has_fragment()));
        let _ = HttpsUrl::parse_uat(s);
        if let Ok(d) = Domain::parse("example.go.th") {
            let _ = d.covers(s);
        }
        let _ = Domain::parse(s);
        let _ = Postcode::parse(s);
        let _ = text(s, 5);
        let _ = date(s);
    }
}
