//! Username and password rules of the first login (SPEC §2, manual §1) and of a later
//! password change (the manual's การตั้งค่า menu, `POST /me/password`).
//!
//! An admin creates an account with a generated username and password; at first login the
//! user must choose new ones. [`check_first_login`] and [`check_password_change`] report
//! every failed rule as its own [`Issue`], because the forms show all of the manual's ticks
//! at once; both hold a new password to the same rules.
//!
//! Passwords are never trimmed (a space is a legitimate password character) and never
//! printed: [`Password`] has no `Display`, no serde, and its `Debug` is `Password(***)`.

use crate::fields::string_newtype;
use crate::validation::{Code, FieldError, Issue, Path, Report};
use serde::{Deserialize, Serialize};

/// A username: 3 to 32 characters of `a-z A-Z 0-9 _ .`, kept as typed.
///
/// Usernames are unique case-insensitively: compare and index [`Username::normalized`].
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username {
    name: String,
}
string_newtype!(Username, name, debug);

impl Username {
    /// Minimum length in characters.
    pub const MIN_CHARS: usize = 3;
    /// Maximum length in characters.
    pub const MAX_CHARS: usize = 32;

    /// Parses a username (trimmed). Fails with the first broken rule: `required`,
    /// `too_short`, `too_long`, then `invalid_format` for other characters.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        match username_errors(raw.trim()).into_iter().next() {
            Some(e) => Err(e),
            None => Ok(Username {
                name: raw.trim().to_owned(),
            }),
        }
    }

    /// The lower-case form used for the case-insensitive uniqueness check.
    pub fn normalized(&self) -> String {
        self.name.to_ascii_lowercase()
    }
}

crate::fields::field_messages!(Username, Username::parse, {
    TooShort => (
        "ชื่อผู้ใช้ต้องมีความยาว 3 ถึง 32 ตัวอักษร",
        "A username has 3 to 32 characters",
    ),
    TooLong => (
        "ชื่อผู้ใช้ต้องมีความยาว 3 ถึง 32 ตัวอักษร",
        "A username has 3 to 32 characters",
    ),
    InvalidFormat => (
        "ชื่อผู้ใช้ใช้ได้เฉพาะ a-z, A-Z, 0-9, _ และ . เท่านั้น (ไม่มีช่องว่างหรือภาษาไทย)",
        "A username may only hold a-z, A-Z, 0-9, _ and . (no spaces or Thai letters)",
    ),
    Duplicate => (
        "มีผู้ใช้ชื่อนี้แล้ว กรุณาเลือกชื่อผู้ใช้อื่น",
        "This username is taken; choose another",
    ),
});

/// Every broken username rule, in order (length and character set are separate ticks).
fn username_errors(s: &str) -> Vec<FieldError> {
    if s.is_empty() {
        return vec![FieldError::new(Code::Required)];
    }
    let mut errors = Vec::new();
    let len = s.chars().count();
    if len < Username::MIN_CHARS {
        errors.push(FieldError::with_limit(Code::TooShort, Username::MIN_CHARS));
    } else if len > Username::MAX_CHARS {
        errors.push(FieldError::with_limit(Code::TooLong, Username::MAX_CHARS));
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    {
        errors.push(FieldError::new(Code::InvalidFormat));
    }
    errors
}

/// A password that passed the policy. Deliberately not `Display` and not serde; `Debug`
/// prints `Password(***)`, so it cannot end up in a log line or a JSON body by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Minimum length in characters.
    pub const MIN_CHARS: usize = 8;
    /// Maximum length in characters (bounds the cost of hashing).
    pub const MAX_CHARS: usize = 128;

    /// The password text, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// The new username and password chosen at first login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCredentials {
    /// The new username (uniqueness is the caller's check).
    pub username: Username,
    /// The new password, to be hashed.
    pub password: Password,
}

/// Field path of the username.
const USERNAME: &str = "username";
/// Field path of the password.
const PASSWORD: &str = "password";
/// Field path of the confirmation.
const CONFIRMATION: &str = "password_confirmation";
/// Field path of the current password (password change).
const CURRENT_PASSWORD: &str = "current_password";

/// A required character class: its test, and what the password needs, in Thai and English.
type CharacterClass = (fn(&char) -> bool, &'static str, &'static str);

/// The three character classes a password needs, in the manual's order.
const CHARACTER_CLASSES: [CharacterClass; 3] = [
    (
        char::is_ascii_uppercase,
        "รหัสผ่านต้องมีตัวอักษรพิมพ์ใหญ่ (A-Z) อย่างน้อย 1 ตัว",
        "The password needs at least one upper-case letter (A-Z)",
    ),
    (
        char::is_ascii_lowercase,
        "รหัสผ่านต้องมีตัวอักษรพิมพ์เล็ก (a-z) อย่างน้อย 1 ตัว",
        "The password needs at least one lower-case letter (a-z)",
    ),
    (
        char::is_ascii_digit,
        "รหัสผ่านต้องมีตัวเลข (0-9) อย่างน้อย 1 ตัว",
        "The password needs at least one digit (0-9)",
    ),
];

/// Pushes every broken policy rule of `password` at `field`: length, the three character
/// classes and not containing `username`. Returns whether none was broken.
fn password_rules(report: &mut Report, field: &Path, password: &str, username: &str) -> bool {
    let before = report.errors.len();
    if password.is_empty() {
        report.add(field, Code::Required);
        return false;
    }
    let len = password.chars().count();
    if len < Password::MIN_CHARS {
        report.push(Issue::with_messages(
            field,
            Code::TooShort,
            "รหัสผ่านต้องมีความยาวอย่างน้อย 8 ตัวอักษร",
            "The password needs at least 8 characters",
        ));
    }
    if len > Password::MAX_CHARS {
        report.push(Issue::with_messages(
            field,
            Code::TooLong,
            "รหัสผ่านต้องมีความยาวไม่เกิน 128 ตัวอักษร",
            "The password may have at most 128 characters",
        ));
    }
    for (has, th, en) in CHARACTER_CLASSES {
        if !password.chars().any(|c| has(&c)) {
            report.push(Issue::with_messages(field, Code::InvalidFormat, th, en));
        }
    }
    let username = username.trim();
    if !username.is_empty() && password.to_lowercase().contains(&username.to_lowercase()) {
        report.push(Issue::with_messages(
            field,
            Code::NotAllowed,
            "รหัสผ่านต้องไม่มีชื่อผู้ใช้อยู่ในนั้น",
            "The password must not contain the username",
        ));
    }
    report.errors.len() == before
}

/// Checks a password against the policy alone (length, `A-Z`, `a-z`, `0-9`, not containing
/// `username`), reporting at field `password`. For passwords the system generates for new
/// accounts, where there is no current password and no confirmation.
pub fn check_password(password: &str, username: &str) -> Result<Password, Report> {
    let mut report = Report::new();
    if password_rules(&mut report, &Path::root().key(PASSWORD), password, username) {
        Ok(Password(password.to_owned()))
    } else {
        Err(report)
    }
}

/// Pushes every broken rule of a new password and its confirmation, at the fields
/// `password` and `password_confirmation`: the policy of [`password_rules`], differing from
/// the current password (`is_current_password`, called at most once and only for a
/// non-empty password), and a confirmation equal to the password. Shared by the first login
/// and the password change, so both hold a new password to the same rules.
fn new_password_rules(
    report: &mut Report,
    password: &str,
    confirmation: &str,
    username: &str,
    is_current_password: impl Fn(&str) -> bool,
) {
    let password_field = Path::root().key(PASSWORD);
    password_rules(report, &password_field, password, username);
    if !password.is_empty() && is_current_password(password) {
        report.push(Issue::with_messages(
            &password_field,
            Code::NotAllowed,
            "รหัสผ่านใหม่ต้องไม่ซ้ำกับรหัสผ่านปัจจุบัน",
            "The new password must differ from the current one",
        ));
    }

    let confirmation_field = Path::root().key(CONFIRMATION);
    if confirmation.is_empty() {
        report.push(Issue::with_messages(
            &confirmation_field,
            Code::Required,
            "กรุณากรอกรหัสผ่านอีกครั้งเพื่อยืนยัน",
            "Type the password again to confirm it",
        ));
    } else if confirmation != password {
        report.push(Issue::with_messages(
            &confirmation_field,
            Code::Mismatch,
            "รหัสผ่านที่ยืนยันไม่ตรงกับรหัสผ่านใหม่",
            "The confirmation does not match the new password",
        ));
    }
}

/// Checks the password-change form and reports every broken rule separately, at the fields
/// `current_password`, `password` and `password_confirmation`: the current password must be
/// given and be the account's (`mismatch` otherwise); the new password follows the rules of
/// the first login (length, `A-Z`, `a-z`, `0-9`, not containing `username`, differing from
/// the current password) and the confirmation must equal it.
///
/// `is_current_password` tells whether a text is the account's current password (typically
/// an Argon2 verification); it is called at most once, with a non-empty `current_password`.
/// Whether the new password is the current one is then a plain comparison with the verified
/// `current_password`; when the current password is wrong that rule is not judged.
///
/// ```
/// use onboard_core::account::check_password_change;
/// let is_current = |p: &str| p == "Tangrat2027";
/// let ok = check_password_change("somchai.k", "Tangrat2027", "Tangrat2028", "Tangrat2028", is_current);
/// assert_eq!(ok.unwrap().expose(), "Tangrat2028");
///
/// let report =
///     check_password_change("somchai.k", "guess", "Tangrat2027", "Tangrat2028", is_current)
///         .unwrap_err();
/// let fields: Vec<_> = report.errors.iter().map(|i| i.field.as_str()).collect();
/// assert_eq!(fields, ["current_password", "password_confirmation"]);
/// ```
pub fn check_password_change(
    username: &str,
    current_password: &str,
    password: &str,
    confirmation: &str,
    is_current_password: impl Fn(&str) -> bool,
) -> Result<Password, Report> {
    let mut report = Report::new();

    let current_field = Path::root().key(CURRENT_PASSWORD);
    let current_ok = if current_password.is_empty() {
        report.push(Issue::with_messages(
            &current_field,
            Code::Required,
            "กรุณากรอกรหัสผ่านปัจจุบัน",
            "Type your current password",
        ));
        false
    } else if is_current_password(current_password) {
        true
    } else {
        report.push(Issue::with_messages(
            &current_field,
            Code::Mismatch,
            "รหัสผ่านปัจจุบันไม่ถูกต้อง",
            "The current password is not correct",
        ));
        false
    };

    new_password_rules(&mut report, password, confirmation, username, |p| {
        current_ok && p == current_password
    });

    if report.is_valid() {
        Ok(Password(password.to_owned()))
    } else {
        Err(report)
    }
}

/// Checks the first-login form and reports every broken rule separately, at the fields
/// `username`, `password` and `password_confirmation`.
///
/// `is_current_password` tells whether a text is the account's current password (typically an
/// Argon2 verification); it is called at most once, and only for a non-empty password.
/// Uniqueness of the username needs the store and is the caller's check.
///
/// ```
/// use onboard_core::account::check_first_login;
/// let ok = check_first_login("somchai.k", "Tangrat2027", "Tangrat2027", |_| false).unwrap();
/// assert_eq!(ok.username.normalized(), "somchai.k");
///
/// let report = check_first_login("ab", "short", "shirt", |_| false).unwrap_err();
/// let fields: Vec<_> = report.errors.iter().map(|i| i.field.as_str()).collect();
/// // too short username; password too short, no A-Z, no digit; confirmation mismatch.
/// assert_eq!(fields, ["username", "password", "password", "password", "password_confirmation"]);
/// ```
pub fn check_first_login(
    username: &str,
    password: &str,
    confirmation: &str,
    is_current_password: impl Fn(&str) -> bool,
) -> Result<NewCredentials, Report> {
    let mut report = Report::new();

    let username_field = Path::root().key(USERNAME);
    for e in username_errors(username.trim()) {
        report.push(crate::fields::issue::<Username>(&username_field, e));
    }

    new_password_rules(
        &mut report,
        password,
        confirmation,
        username,
        is_current_password,
    );

    if !report.is_valid() {
        return Err(report);
    }
    match Username::parse(username) {
        Ok(username) => Ok(NewCredentials {
            username,
            password: Password(password.to_owned()),
        }),
        // Unreachable: the same rules were checked above. Kept total rather than unwrap.
        Err(e) => {
            report.add(&username_field, e);
            Err(report)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// (field, code) of every error.
    fn errors(r: Result<NewCredentials, Report>) -> Vec<(String, Code)> {
        r.unwrap_err()
            .errors
            .into_iter()
            .map(|i| (i.field, i.code))
            .collect()
    }

    fn login(password: &str) -> Vec<(String, Code)> {
        errors(check_first_login("somchai", password, password, |_| false))
    }

    fn pw(code: Code) -> (String, Code) {
        (PASSWORD.to_owned(), code)
    }

    #[test]
    fn username_lengths_and_characters() {
        assert!(Username::parse("abc").is_ok());
        assert_eq!(
            Username::parse("ab"),
            Err(FieldError::with_limit(Code::TooShort, 3))
        );
        assert!(Username::parse(&"a".repeat(32)).is_ok());
        assert_eq!(
            Username::parse(&"a".repeat(33)),
            Err(FieldError::with_limit(Code::TooLong, 32))
        );
        assert_eq!(Username::parse("  "), Err(FieldError::new(Code::Required)));
        for bad in ["som chai", "som-chai", "สมชาย", "a@b.c", "abc!"] {
            assert_eq!(
                Username::parse(bad),
                Err(FieldError::new(Code::InvalidFormat)),
                "{bad}"
            );
        }
        let u = Username::parse(" Som_Chai.K ").unwrap();
        assert_eq!(u.as_str(), "Som_Chai.K");
        assert_eq!(u.normalized(), "som_chai.k");
        assert_eq!(
            u.normalized(),
            Username::parse("SOM_CHAI.K").unwrap().normalized()
        );
        assert_eq!(serde_json::to_string(&u).unwrap(), "\"Som_Chai.K\"");
        assert!(serde_json::from_str::<Username>("\"a b\"").is_err());
    }

    #[test]
    fn username_rules_are_reported_separately() {
        let e = errors(check_first_login(
            "ก",
            "Tangrat2027",
            "Tangrat2027",
            |_| false,
        ));
        assert_eq!(
            e,
            [
                (USERNAME.to_owned(), Code::TooShort),
                (USERNAME.to_owned(), Code::InvalidFormat)
            ]
        );
    }

    #[test]
    fn a_good_first_login() {
        let c = check_first_login(" somchai ", "Tangrat2027", "Tangrat2027", |p| {
            p == "Old1pass!"
        })
        .unwrap();
        assert_eq!(c.username.as_str(), "somchai");
        assert_eq!(c.password.expose(), "Tangrat2027");
        assert_eq!(format!("{:?}", c.password), "Password(***)");
        assert!(!format!("{c:?}").contains("Tangrat"));
    }

    #[test]
    fn each_password_rule_alone() {
        // Length: 7 fails, 8 passes; 128 passes, 129 fails.
        assert_eq!(login("Abcde12"), [pw(Code::TooShort)]);
        assert!(check_first_login("somchai", "Abcdef12", "Abcdef12", |_| false).is_ok());
        let max = format!("Ab1{}", "x".repeat(125));
        assert!(check_first_login("somchai", &max, &max, |_| false).is_ok());
        assert_eq!(login(&format!("{max}x")), [pw(Code::TooLong)]);
        // Character classes.
        assert_eq!(login("abcdefg1"), [pw(Code::InvalidFormat)]);
        assert_eq!(login("ABCDEFG1"), [pw(Code::InvalidFormat)]);
        assert_eq!(login("Abcdefgh"), [pw(Code::InvalidFormat)]);
        // Username inside, case-insensitively.
        assert_eq!(login("xSomChai1"), [pw(Code::NotAllowed)]);
        // Same as the current password.
        let e = errors(check_first_login(
            "somchai",
            "Tangrat2027",
            "Tangrat2027",
            |p| p == "Tangrat2027",
        ));
        assert_eq!(e, [pw(Code::NotAllowed)]);
        // Confirmation.
        let e = errors(check_first_login(
            "somchai",
            "Tangrat2027",
            "Tangrat2028",
            |_| false,
        ));
        assert_eq!(e, [(CONFIRMATION.to_owned(), Code::Mismatch)]);
        let e = errors(check_first_login("somchai", "Tangrat2027", "", |_| false));
        assert_eq!(e, [(CONFIRMATION.to_owned(), Code::Required)]);
    }

    #[test]
    fn password_messages_say_what_is_needed() {
        let r = check_first_login("somchai", "!!!!", "!!!!", |_| false).unwrap_err();
        let th: Vec<&str> = r.errors.iter().map(|i| i.message_th.as_str()).collect();
        assert_eq!(
            th,
            [
                "รหัสผ่านต้องมีความยาวอย่างน้อย 8 ตัวอักษร",
                "รหัสผ่านต้องมีตัวอักษรพิมพ์ใหญ่ (A-Z) อย่างน้อย 1 ตัว",
                "รหัสผ่านต้องมีตัวอักษรพิมพ์เล็ก (a-z) อย่างน้อย 1 ตัว",
                "รหัสผ่านต้องมีตัวเลข (0-9) อย่างน้อย 1 ตัว"
            ]
        );
    }

    #[test]
    fn username_messages_name_the_allowed_characters() {
        let r = check_first_login("สมชาย k", "Tangrat2027", "Tangrat2027", |_| false).unwrap_err();
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].code, Code::InvalidFormat);
        assert!(r.errors[0].message_th.contains("a-z, A-Z, 0-9, _ และ ."));
        let r = check_first_login("ab", "Tangrat2027", "Tangrat2027", |_| false).unwrap_err();
        assert!(r.errors[0].message_th.contains("3 ถึง 32 ตัวอักษร"));
    }

    #[test]
    fn everything_is_reported_at_once() {
        let e = errors(check_first_login("", "", "x", |_| {
            panic!("not called for empty")
        }));
        assert_eq!(
            e,
            [
                (USERNAME.to_owned(), Code::Required),
                pw(Code::Required),
                (CONFIRMATION.to_owned(), Code::Mismatch)
            ]
        );
        let e = errors(check_first_login("abc", "abc", "ab", |_| true));
        assert_eq!(
            e,
            [
                pw(Code::TooShort),
                pw(Code::InvalidFormat),
                pw(Code::InvalidFormat),
                pw(Code::NotAllowed),
                pw(Code::NotAllowed),
                (CONFIRMATION.to_owned(), Code::Mismatch)
            ]
        );
    }

    #[test]
    fn passwords_are_not_trimmed() {
        assert!(check_first_login("somchai", " Tangrat2027 ", " Tangrat2027 ", |_| false).is_ok());
        let e = errors(check_first_login(
            "somchai",
            " Tangrat2027",
            "Tangrat2027",
            |_| false,
        ));
        assert_eq!(e, [(CONFIRMATION.to_owned(), Code::Mismatch)]);
    }

    /// (field, code) of every error of a password change from `Tangrat2027`.
    fn change(current: &str, password: &str, confirmation: &str) -> Vec<(String, Code)> {
        check_password_change("somchai", current, password, confirmation, |p| {
            p == "Tangrat2027"
        })
        .unwrap_err()
        .errors
        .into_iter()
        .map(|i| (i.field, i.code))
        .collect()
    }

    #[test]
    fn a_good_password_change() {
        let calls = std::cell::Cell::new(0);
        let p = check_password_change(
            "somchai",
            "Tangrat2027",
            "Changed2028",
            "Changed2028",
            |p| {
                calls.set(calls.get() + 1);
                p == "Tangrat2027"
            },
        )
        .unwrap();
        assert_eq!(p.expose(), "Changed2028");
        // One verification only: the current password's.
        assert_eq!(calls.get(), 1);
    }

    #[test]
    fn the_current_password_must_be_given_and_right() {
        let current = (CURRENT_PASSWORD.to_owned(), Code::Required);
        assert_eq!(change("", "Changed2028", "Changed2028"), [current]);
        let r = check_password_change("somchai", "guess", "Changed2028", "Changed2028", |_| false)
            .unwrap_err();
        assert_eq!(r.errors.len(), 1);
        let issue = &r.errors[0];
        assert_eq!(
            (issue.field.as_str(), issue.code),
            (CURRENT_PASSWORD, Code::Mismatch)
        );
        assert_eq!(issue.message_th, "รหัสผ่านปัจจุบันไม่ถูกต้อง");
        assert_eq!(issue.message_en, "The current password is not correct");
        // Never asked for an empty current password.
        assert!(
            check_password_change("somchai", "", "Changed2028", "Changed2028", |_| {
                panic!("not called for empty")
            })
            .is_err()
        );
    }

    #[test]
    fn a_new_password_follows_the_first_login_rules() {
        let right = "Tangrat2027";
        assert_eq!(change(right, "Abcde12", "Abcde12"), [pw(Code::TooShort)]);
        let long = format!("Ab1{}", "x".repeat(126));
        assert_eq!(change(right, &long, &long), [pw(Code::TooLong)]);
        assert_eq!(
            change(right, "abcdefg1", "abcdefg1"),
            [pw(Code::InvalidFormat)]
        );
        assert_eq!(
            change(right, "ABCDEFG1", "ABCDEFG1"),
            [pw(Code::InvalidFormat)]
        );
        assert_eq!(
            change(right, "Abcdefgh", "Abcdefgh"),
            [pw(Code::InvalidFormat)]
        );
        assert_eq!(
            change(right, "xSomChai1", "xSomChai1"),
            [pw(Code::NotAllowed)]
        );
        // The same as the current password.
        let e = check_password_change("somchai", right, right, right, |p| p == right).unwrap_err();
        assert_eq!(e.errors.len(), 1);
        assert_eq!(e.errors[0].message_th, "รหัสผ่านใหม่ต้องไม่ซ้ำกับรหัสผ่านปัจจุบัน");
        // Confirmation.
        assert_eq!(
            change(right, "Changed2028", "Changed2029"),
            [(CONFIRMATION.to_owned(), Code::Mismatch)]
        );
        assert_eq!(
            change(right, "Changed2028", ""),
            [(CONFIRMATION.to_owned(), Code::Required)]
        );
    }

    #[test]
    fn a_password_change_reports_everything_at_once() {
        assert_eq!(
            change("guess", "", "x"),
            [
                (CURRENT_PASSWORD.to_owned(), Code::Mismatch),
                pw(Code::Required),
                (CONFIRMATION.to_owned(), Code::Mismatch)
            ]
        );
        assert_eq!(
            change("", "abc", "abc"),
            [
                (CURRENT_PASSWORD.to_owned(), Code::Required),
                pw(Code::TooShort),
                pw(Code::InvalidFormat),
                pw(Code::InvalidFormat),
            ]
        );
    }

    #[test]
    fn generated_passwords() {
        assert_eq!(
            check_password("Xk9mPq2Lw", "u12345").unwrap().expose(),
            "Xk9mPq2Lw"
        );
        let r = check_password("u12345Abc", "U12345").unwrap_err();
        assert_eq!(r.errors.len(), 1);
        assert_eq!(
            (r.errors[0].field.as_str(), r.errors[0].code),
            ("password", Code::NotAllowed)
        );
    }
}

/// Login throttling (SPEC §10): 5 failures for one username within 15 minutes lock further
/// attempts until the oldest of those failures leaves the window.
pub mod throttle {
    use chrono::{DateTime, Duration, Utc};

    /// Failures allowed within [`WINDOW`].
    pub const MAX_FAILURES: usize = 5;
    /// The sliding window.
    pub const WINDOW: Duration = Duration::minutes(15);

    /// `Ok` if a login may be tried at `now`, else how long to wait (for `Retry-After`).
    /// `failures` are the failed attempts of the username within the window, any order.
    ///
    /// ```
    /// use chrono::{Duration, TimeZone, Utc};
    /// use onboard_core::account::throttle;
    /// let now = Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).unwrap();
    /// let failures: Vec<_> = (1..=5).map(|m| now - Duration::minutes(m)).collect();
    /// assert_eq!(throttle::check(&failures, now), Err(Duration::minutes(10)));
    /// assert!(throttle::check(&failures[..4], now).is_ok());
    /// ```
    pub fn check(failures: &[DateTime<Utc>], now: DateTime<Utc>) -> Result<(), Duration> {
        let mut recent: Vec<DateTime<Utc>> = failures
            .iter()
            .copied()
            .filter(|at| *at > now - WINDOW && *at <= now)
            .collect();
        if recent.len() < MAX_FAILURES {
            return Ok(());
        }
        recent.sort_unstable();
        // The attempt unlocks when all but MAX_FAILURES - 1 of them have left the window.
        let unlock_at = recent[recent.len() - MAX_FAILURES] + WINDOW;
        Err((unlock_at - now).max(Duration::seconds(1)))
    }

    /// The start of the window ending at `now`, for querying stored failures.
    pub fn window_start(now: DateTime<Utc>) -> DateTime<Utc> {
        now - WINDOW
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use chrono::TimeZone;

        #[test]
        fn five_failures_in_the_window_lock_and_then_unlock() {
            let now = Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).unwrap();
            let at = |m: i64| now - Duration::minutes(m);
            assert!(check(&[at(1), at(2), at(3), at(4)], now).is_ok());
            assert_eq!(
                check(&[at(1), at(2), at(3), at(4), at(14)], now),
                Err(Duration::minutes(1))
            );
            // A failure exactly 15 minutes old has left the window.
            assert!(check(&[at(1), at(2), at(3), at(4), at(15)], now).is_ok());
            assert!(check(&[at(1), at(2), at(3), at(4), at(5), at(6)], now).is_err());
        }
    }
}

/// Longest display name of an account, in characters.
pub const MAX_DISPLAY_NAME: usize = 200;

/// The checked fields of a new account (SPEC §2, §3): an admin gives the e-mail, display
/// name, role and, for agency users only, the agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    /// Where the initial credentials are sent.
    pub email: crate::fields::Email,
    /// Name shown in the portal.
    pub display_name: String,
    /// Role.
    pub role: crate::reference::Role,
    /// The agency, present exactly for the agency role.
    pub agency_id: Option<crate::id::AgencyId>,
}

impl NewAccount {
    /// Checks every field at once (paths `email`, `display_name`, `role`, `agency_id`):
    /// the role must be `admin`, `reviewer` or `agency`; an agency user needs an agency
    /// and staff must not have one.
    ///
    /// ```
    /// use onboard_core::account::NewAccount;
    /// let err = NewAccount::parse("saraban@dga.or.th", "สมศรี", "agency", None).unwrap_err();
    /// assert_eq!(err.errors[0].field, "agency_id");
    /// ```
    pub fn parse(
        email: &str,
        display_name: &str,
        role: &str,
        agency_id: Option<crate::id::AgencyId>,
    ) -> Result<NewAccount, Report> {
        use crate::reference::Role;
        use crate::workflow::{Actor, InvalidActor};
        let mut report = Report::new();
        let email = report.check(
            &Path::root().key("email"),
            crate::fields::Email::parse(email),
        );
        let display_name = report.check_text(
            &Path::root().key("display_name"),
            crate::fields::text(display_name, MAX_DISPLAY_NAME),
        );
        let role_path = Path::root().key("role");
        let role = match role.trim() {
            "" => {
                report.add(&role_path, Code::Required);
                None
            }
            raw => raw
                .parse::<Role>()
                .map_err(|_| report.add(&role_path, Code::NotAllowed))
                .ok(),
        };
        let agency_path = Path::root().key("agency_id");
        match role.map(|role| Actor::check_fit(role, agency_id)) {
            Some(Err(InvalidActor::OfficerWithoutAgency)) => {
                report.add(&agency_path, Code::Required)
            }
            Some(Err(InvalidActor::StaffWithAgency(_))) => {
                report.add(&agency_path, Code::NotAllowed)
            }
            Some(Ok(())) | None => {}
        }
        match (email, display_name, role, report.is_valid()) {
            (Some(email), Some(display_name), Some(role), true) => Ok(NewAccount {
                email,
                display_name,
                role,
                agency_id,
            }),
            _ => Err(report),
        }
    }
}

/// A generated initial username: the e-mail's local part (only `a-z 0-9 _ .`, at most 24
/// characters, `user` prefixed when shorter than 3) and a 4-digit `suffix` the caller draws
/// at random, e.g. `somchai.k4821`. Always a valid [`Username`].
///
/// ```
/// use onboard_core::account::{suggest_username, Username};
/// assert_eq!(suggest_username("Somchai.K@dga.or.th", 4821), "somchai.k4821");
/// assert!(Username::parse(&suggest_username("ก@x.th", 7)).is_ok());
/// ```
pub fn suggest_username(email: &str, suffix: u16) -> String {
    let local = email.split('@').next().unwrap_or_default();
    let base: String = local
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
        .map(|c| c.to_ascii_lowercase())
        .take(24)
        .collect();
    let base = base.trim_matches('.');
    let name = if base.chars().count() < 3 {
        format!("user{base}{:04}", suffix % 10_000)
    } else {
        format!("{base}{:04}", suffix % 10_000)
    };
    match Username::parse(&name) {
        Ok(u) => u.as_str().to_owned(),
        Err(_) => format!("user{:04}", suffix % 10_000),
    }
}

#[cfg(test)]
mod new_account_tests {
    use super::*;
    use crate::reference::Role;

    #[test]
    fn every_problem_at_once_and_role_agency_pairing() {
        let err = NewAccount::parse("nope", " ", "boss", None).unwrap_err();
        let fields: Vec<_> = err
            .errors
            .iter()
            .map(|i| (i.field.as_str(), i.code))
            .collect();
        assert_eq!(
            fields,
            [
                ("email", Code::InvalidFormat),
                ("display_name", Code::Required),
                ("role", Code::NotAllowed)
            ]
        );
        let agency = crate::id::AgencyId::from_u128(1);
        let err = NewAccount::parse("a@dga.or.th", "A", "reviewer", Some(agency)).unwrap_err();
        assert_eq!(err.errors[0].code, Code::NotAllowed);
        let ok = NewAccount::parse("a@rd.go.th", "A", "agency", Some(agency)).unwrap();
        assert_eq!((ok.role, ok.agency_id), (Role::Agency, Some(agency)));
    }

    #[test]
    fn suggested_usernames_are_always_valid() {
        for email in [
            "a@b.th",
            "..@x",
            "สมชาย@x.th",
            "very.long.local.part.of.an.address@x.th",
            "_x_@y",
        ] {
            for suffix in [0, 7, 9999, 65535] {
                let u = suggest_username(email, suffix);
                assert!(Username::parse(&u).is_ok(), "{email} {suffix} -> {u}");
            }
        }
    }
}
