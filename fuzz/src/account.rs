//! Username and password rules of the first login, and login throttling.
//!
//! Input: structured by `arbitrary` (username, password, confirmation, failure times).

use arbitrary::{Result, Unstructured};
use chrono::{DateTime, Duration, Utc};
use onboard_core::account::{
    check_first_login, check_password, suggest_username, throttle, NewAccount, Username,
};
use onboard_core::reference::Role;
use onboard_core::validation::{Code, Report};
use std::cell::Cell;

/// The account target.
pub fn account(data: &[u8]) {
    let _ = run(&mut Unstructured::new(data));
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let username: String = u.arbitrary()?;
    let password: String = if u.ratio(1, 4)? {
        // A password that meets the classes, around the username, to reach the last rule.
        format!("Aa1{}{}", u.arbitrary::<String>()?, username)
    } else {
        u.arbitrary()?
    };
    let confirmation = if u.arbitrary()? {
        password.clone()
    } else {
        u.arbitrary()?
    };
    let is_current = u.arbitrary::<bool>()?;

    check_username(&username);

    let policy = check_password(&password, &username);
    match &policy {
        Ok(p) => {
            assert_eq!(p.expose(), password);
            let n = password.chars().count();
            assert!((8..=128).contains(&n), "{n}");
            assert!(password.chars().any(|c| c.is_ascii_uppercase()));
            assert!(password.chars().any(|c| c.is_ascii_lowercase()));
            assert!(password.chars().any(|c| c.is_ascii_digit()));
            let name = username.trim().to_lowercase();
            assert!(name.is_empty() || !password.to_lowercase().contains(&name));
            // Never printed.
            assert_eq!(format!("{p:?}"), "Password(***)");
        }
        Err(report) => check_report(report, &["password"]),
    }

    let calls = Cell::new(0);
    let login = check_first_login(&username, &password, &confirmation, |p| {
        calls.set(calls.get() + 1);
        assert_eq!(p, password);
        is_current
    });
    // The current-password check runs at most once, and only for a non-empty password.
    assert!(calls.get() <= usize::from(!password.is_empty()));
    match login {
        Ok(creds) => {
            // Accepted only when every rule holds.
            assert!(policy.is_ok() && !is_current && confirmation == password);
            assert_eq!(Username::parse(&username).as_ref(), Ok(&creds.username));
            assert_eq!(creds.password.expose(), password);
        }
        Err(report) => {
            check_report(&report, &["username", "password", "password_confirmation"]);
            let broken = policy.is_err()
                || (is_current && !password.is_empty())
                || confirmation != password
                || Username::parse(&username).is_err();
            assert!(broken, "refused without a broken rule: {report:?}");
        }
    }

    check_new_account(u, &username, &password)?;
    check_throttle(u)
}

/// `NewAccount::parse` pairs role and agency; `suggest_username` always gives a valid
/// username.
fn check_new_account(u: &mut Unstructured<'_>, email: &str, display_name: &str) -> Result<()> {
    let role = match u.choose_index(5)? {
        0 => "agency".to_owned(),
        1 => " reviewer ".to_owned(),
        2 => "admin".to_owned(),
        _ => u.arbitrary()?,
    };
    let agency = if u.arbitrary()? {
        Some(onboard_core::id::AgencyId::from_u128(u.arbitrary()?))
    } else {
        None
    };
    match NewAccount::parse(email, display_name, &role, agency) {
        Ok(account) => {
            assert_eq!(account.email.as_str(), email.trim());
            assert_eq!(account.display_name, display_name.trim());
            assert_eq!(account.role.as_str(), role.trim());
            assert_eq!(account.agency_id, agency);
            assert_eq!(account.agency_id.is_some(), account.role == Role::Agency);
        }
        Err(report) => check_report(&report, &["email", "display_name", "role", "agency_id"]),
    }
    let suffix: u16 = u.arbitrary()?;
    let suggested = suggest_username(email, suffix);
    match Username::parse(&suggested) {
        Ok(name) => assert_eq!(name.as_str(), suggested),
        Err(e) => panic!("suggested {suggested:?} for {email:?} is not a username: {e}"),
    }
    assert_eq!(suggested, suggested.to_ascii_lowercase());
    assert!(
        suggested.ends_with(&format!("{:04}", suffix % 10_000)),
        "{suggested}"
    );
    Ok(())
}

fn check_username(raw: &str) {
    match Username::parse(raw) {
        Ok(name) => {
            let s = name.as_str();
            assert_eq!(s, raw.trim());
            assert!((3..=32).contains(&s.chars().count()));
            assert!(s
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.'));
            assert_eq!(name.normalized(), s.to_ascii_lowercase());
            assert_eq!(Username::parse(s).as_ref(), Ok(&name));
            let json = serde_json::to_string(&name).unwrap_or_default();
            assert_eq!(serde_json::from_str::<Username>(&json).ok(), Some(name));
        }
        Err(e) if raw.trim().is_empty() => assert_eq!(e.code, Code::Required),
        Err(e) => assert!(matches!(
            e.code,
            Code::TooShort | Code::TooLong | Code::InvalidFormat
        )),
    }
}

/// Errors only, at the given fields.
fn check_report(report: &Report, fields: &[&str]) {
    assert!(!report.errors.is_empty());
    for issue in &report.errors {
        assert!(!issue.code.is_warning());
        assert!(fields.contains(&issue.field.as_str()), "{:?}", issue.field);
    }
}

/// `check` against a direct count of the failures in the window.
fn check_throttle(u: &mut Unstructured<'_>) -> Result<()> {
    // Instants a server clock can give: years 1970 to 9999.
    let now_secs = u.int_in_range(0..=253_402_300_799_i64)?;
    let now = DateTime::from_timestamp(now_secs, u.int_in_range(0..=999_999_999)?)
        .unwrap_or(DateTime::UNIX_EPOCH);
    let mut failures = Vec::new();
    for _ in 0..u.int_in_range(0..=12)? {
        // Mostly around the window's edge, sometimes in the future.
        let offset = u.int_in_range(-1_000..=20 * 60)?;
        let nanos = u.int_in_range(-1_000_000_000..=1_000_000_000)?;
        failures.push(now - Duration::seconds(offset) + Duration::nanoseconds(nanos));
    }
    let in_window = |at: &DateTime<Utc>| *at > now - throttle::WINDOW && *at <= now;
    let recent = failures.iter().filter(|at| in_window(at)).count();
    match throttle::check(&failures, now) {
        Ok(()) => assert!(recent < throttle::MAX_FAILURES),
        Err(wait) => {
            assert!(recent >= throttle::MAX_FAILURES);
            assert!(
                wait >= Duration::seconds(1) && wait <= throttle::WINDOW,
                "{wait}"
            );
            // After waiting, fewer than the limit of these failures remain in the window.
            let later = now + wait;
            let left = failures
                .iter()
                .filter(|at| in_window(at) && **at > later - throttle::WINDOW)
                .count();
            assert!(left < throttle::MAX_FAILURES, "{left} left after {wait}");
        }
    }
    assert_eq!(throttle::window_start(now), now - throttle::WINDOW);
    Ok(())
}
