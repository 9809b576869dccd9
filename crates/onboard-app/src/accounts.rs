//! Accounts: login with throttling, sessions, the first login, password changes, and new
//! accounts (SPEC §2, §10; manual §1).

use crate::{blocking, AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use onboard_core::account::{
    check_first_login, check_password, check_password_change, suggest_username, NewAccount,
    Username,
};
use onboard_core::notify::{account_created, MailConfig};
use onboard_core::validation::{Code, Path, Report};
use onboard_store::password::{
    hash_password, initial_password, new_token, random_string, token_hash, verify_password,
};
use onboard_store::{NewUser, Session, Store, StoreError, User};
use rand::Rng;
use std::sync::OnceLock;

/// A new session: the token to hand to the client (bearer header or cookie), when it
/// expires, and whose it is.
#[derive(Debug, Clone)]
pub struct LoggedIn {
    /// The session token; only its hash is stored.
    pub token: String,
    /// When the session ends.
    pub expires_at: DateTime<Utc>,
    /// The account (check `must_change_credentials`).
    pub user: User,
}

/// A valid Argon2id hash of a password nobody knows: verifying against it when the user
/// does not exist costs what a real verification costs, so timing does not tell whether a
/// username exists.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&random_string(24)).unwrap_or_default())
}

/// Seconds to wait, rounded up, at least 1.
fn retry_after_secs(wait: Duration) -> u64 {
    let ms = wait.num_milliseconds().max(0);
    u64::try_from((ms + 999) / 1000).unwrap_or(1).max(1)
}

/// Logs in: the same [`AppError::InvalidCredentials`] for an unknown user, a wrong password
/// and a disabled account; [`AppError::TooManyAttempts`] after 5 failures for one username
/// within 15 minutes, however many attempts arrive at once (the store checks and counts
/// each attempt in one atomic step, before the password is verified).
pub async fn login(
    store: &dyn Store,
    username: &str,
    password: &str,
    session_ttl: Duration,
    now: DateTime<Utc>,
) -> AppResult<LoggedIn> {
    // Throttling is keyed by the normalized username: only well-formed names can exist.
    let key = Username::parse(username).ok().map(|u| u.normalized());
    if let Some(key) = &key {
        if let Err(wait) = store.begin_login_attempt(key, now).await? {
            return Err(AppError::TooManyAttempts {
                retry_after: retry_after_secs(wait),
            });
        }
    }
    let user = match &key {
        Some(key) => store.user_by_username(key).await?,
        None => None,
    };
    let password = password.to_owned();
    let hash = user
        .as_ref()
        .map_or_else(|| dummy_hash().to_owned(), |u| u.password_hash.clone());
    let matches = blocking(move || verify_password(&password, &hash)).await?;
    let user = match user {
        Some(user) if matches && !user.disabled => user,
        // The attempt is already counted as a failure.
        _ => return Err(AppError::InvalidCredentials),
    };
    if let Some(key) = &key {
        store.clear_login_failures(key).await?;
    }
    let token = new_token();
    let session = Session {
        token_hash: token_hash(&token),
        user_id: user.id,
        created_at: now,
        expires_at: now + session_ttl,
    };
    let expires_at = session.expires_at;
    store.create_session(session).await?;
    tracing::info!(user = %user.id, "login");
    Ok(LoggedIn {
        token,
        expires_at,
        user,
    })
}

/// The account of an unexpired, unrevoked session token, whatever the state of its first
/// login.
pub async fn session_user(
    store: &dyn Store,
    token: &str,
    now: DateTime<Utc>,
) -> AppResult<Option<User>> {
    Ok(store
        .session(&token_hash(token), now)
        .await?
        .map(|(_, user)| user))
}

/// Ends the session of a token. Ending it twice is fine.
pub async fn logout(store: &dyn Store, token: &str) -> AppResult<()> {
    Ok(store.revoke_session(&token_hash(token)).await?)
}

/// The first login (manual §1): a new username and password, every broken rule reported
/// at once on `username`, `password` and `password_confirmation`. The session stays valid.
pub async fn first_login(
    store: &dyn Store,
    user: &User,
    username: &str,
    password: &str,
    confirmation: &str,
) -> AppResult<User> {
    if !user.must_change_credentials {
        return Err(AppError::FirstLoginDone);
    }
    let current = user.password_hash.clone();
    let (username, password, confirmation) = (
        username.to_owned(),
        password.to_owned(),
        confirmation.to_owned(),
    );
    let checked = blocking(move || {
        check_first_login(&username, &password, &confirmation, |p| {
            verify_password(p, &current)
        })
    })
    .await?
    .map_err(AppError::Invalid)?;
    let new_password = checked.password;
    let hash = blocking(move || hash_password(new_password.expose())).await??;
    let updated = store
        .complete_first_login(user.id, checked.username.as_str(), &hash)
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => {
                let mut report = Report::new();
                report.push(onboard_core::fields::issue::<Username>(
                    &Path::root().key("username"),
                    Code::Duplicate.into(),
                ));
                AppError::Invalid(report)
            }
            other => other.into(),
        })?;
    tracing::info!(user = %updated.id, "first login completed");
    Ok(updated)
}

/// Changes the password of a signed-in account (the การตั้งค่า menu, `POST /me/password`):
/// the current password must be the account's (else an issue on `current_password`), the new
/// one follows the rules of the first login and the confirmation must equal it, every broken
/// rule reported at once ([`AppError::Invalid`]). Every other session of the account is
/// revoked; the one the change was made from (`current_session`, its token hash) stays.
/// [`AppError::FirstLoginRequired`] while the account must still do the first login.
///
/// A typed current password is a guess at the account's password, so it counts as a login
/// attempt at `now` (SPEC §10): a wrong one is a failure, a right one clears the failures,
/// and after 5 failures within 15 minutes [`AppError::TooManyAttempts`] answers, here and at
/// login. A stolen session therefore cannot try passwords without limit.
pub async fn change_password(
    store: &dyn Store,
    user: &User,
    current_session: &str,
    current_password: &str,
    new_password: &str,
    confirmation: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if user.must_change_credentials {
        return Err(AppError::FirstLoginRequired);
    }
    let key = Username::parse(&user.username)
        .map(|u| u.normalized())
        .unwrap_or_else(|_| user.username.to_ascii_lowercase());
    let guessed = !current_password.is_empty();
    if guessed {
        if let Err(wait) = store.begin_login_attempt(&key, now).await? {
            return Err(AppError::TooManyAttempts {
                retry_after: retry_after_secs(wait),
            });
        }
    }
    let (username, hash) = (user.username.clone(), user.password_hash.clone());
    let (current_password, new_password, confirmation) = (
        current_password.to_owned(),
        new_password.to_owned(),
        confirmation.to_owned(),
    );
    let (checked, verified) = blocking(move || {
        // The check verifies only the typed current password (at most once).
        let verified = std::cell::Cell::new(false);
        let checked = check_password_change(
            &username,
            &current_password,
            &new_password,
            &confirmation,
            |p| {
                let matches = verify_password(p, &hash);
                verified.set(matches);
                matches
            },
        );
        (checked, verified.get())
    })
    .await?;
    if guessed && verified {
        // The attempt counted as a failure until now.
        store.clear_login_failures(&key).await?;
    }
    let checked = checked.map_err(AppError::Invalid)?;
    let hash = blocking(move || hash_password(checked.expose())).await??;
    store
        .change_password(user.id, &hash, Some(current_session))
        .await?;
    tracing::info!(user = %user.id, "password changed");
    Ok(())
}

/// A new account and its initial credentials (shown once; also e-mailed).
#[derive(Debug, Clone)]
pub struct CreatedAccount {
    /// The account (`must_change_credentials` is true).
    pub user: User,
    /// The generated username.
    pub initial_username: String,
    /// The generated password.
    pub initial_password: String,
}

/// Tries at a free generated username before giving up.
const USERNAME_TRIES: usize = 8;

/// Creates an account with a generated username and a random password, and queues the
/// welcome e-mail with them in the same transaction (SPEC §2, manual §1). Authorization is
/// the caller's: the API requires an admin; the CLI has the database itself.
/// `StoreError::NotFound` when the agency does not exist.
pub async fn create_account(
    store: &dyn Store,
    account: NewAccount,
    mail: &MailConfig,
    now: DateTime<Utc>,
) -> AppResult<CreatedAccount> {
    let NewAccount {
        email,
        display_name,
        role,
        agency_id,
    } = account;
    let email = email.as_str().to_owned();
    for _ in 0..USERNAME_TRIES {
        let username = suggest_username(&email, rand::thread_rng().gen_range(0..10_000));
        let password = loop {
            let p = initial_password();
            if check_password(&p, &username).is_ok() {
                break p;
            }
        };
        let to_hash = password.clone();
        let password_hash = blocking(move || hash_password(&to_hash)).await??;
        // The store sends the welcome notice to the new account's own address, so the
        // audience id (not known before the insert) does not matter.
        let welcome = account_created(uuid::Uuid::nil(), &username, &password, mail);
        let new = NewUser {
            username: username.clone(),
            email: email.clone(),
            display_name: display_name.clone(),
            role,
            agency_id,
            password_hash,
            created_at: now,
        };
        match store.create_user(new, welcome).await {
            Ok(user) => {
                tracing::info!(user = %user.id, role = %role, "user created");
                return Ok(CreatedAccount {
                    user,
                    initial_username: username,
                    initial_password: password,
                });
            }
            Err(StoreError::Duplicate(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::NoFreeUsername)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(Duration::milliseconds(1)), 1);
        assert_eq!(retry_after_secs(Duration::seconds(900)), 900);
        assert_eq!(retry_after_secs(Duration::milliseconds(1500)), 2);
        assert_eq!(retry_after_secs(Duration::zero()), 1);
    }
}
