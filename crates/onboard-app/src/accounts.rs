//! Accounts: login with throttling, sessions, the first login, password changes, new
//! accounts, and the admins' administration of accounts: the list, credentials resets,
//! disabling and enabling (SPEC §2, §10; manual §1).

use crate::{blocking, AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use onboard_core::account::{
    check_first_login, check_password, check_password_change, suggest_username, NewAccount,
    Username,
};
use onboard_core::id::UserId;
use onboard_core::notify::{account_created, credentials_reset, MailConfig};
use onboard_core::reference::Role;
use onboard_core::validation::{Code, Path, Report};
use onboard_store::password::{
    hash_password, initial_password, new_token, random_string, token_hash, verify_password,
};
use onboard_store::{NewUser, Page, Session, Store, StoreError, User, UserQuery};
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
#[allow(clippy::expect_used)]
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    // Not an empty string on failure: verifying against one would answer at once and tell
    // that the username does not exist.
    DUMMY.get_or_init(|| {
        hash_password(&random_string(24))
            .expect("Argon2id with the fixed parameters hashes any 24-character password")
    })
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

/// Ends the session of a token at `now`. Ending it twice is fine.
pub async fn logout(store: &dyn Store, token: &str, now: DateTime<Utc>) -> AppResult<()> {
    Ok(store.revoke_session(&token_hash(token), now).await?)
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
    let key = throttle_key(&user.username);
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
        .change_password(user.id, &hash, Some(current_session), now)
        .await?;
    tracing::info!(user = %user.id, "password changed");
    Ok(())
}

/// An account and its initial credentials, new or reset by an admin (shown once; also
/// e-mailed).
#[derive(Debug, Clone)]
pub struct CreatedAccount {
    /// The account (`must_change_credentials` is true).
    pub user: User,
    /// The generated username.
    pub initial_username: String,
    /// The generated password.
    pub initial_password: String,
}

/// A random initial password that the password rules accept for `username` (SPEC §2), as
/// new accounts and resets get.
fn initial_password_for(username: &str) -> String {
    loop {
        let p = initial_password();
        if check_password(&p, username).is_ok() {
            return p;
        }
    }
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
        let password = initial_password_for(&username);
        let to_hash = password.clone();
        let password_hash = blocking(move || hash_password(&to_hash)).await??;
        // The store sends the welcome notice to the new account's own address, so the
        // audience id (not known before the insert) does not matter.
        let welcome = account_created(UserId::from_u128(0), &username, &password, mail);
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

/// Who may administer accounts and agencies (SPEC §2): an admin past the first login, in
/// the API and the portal, or the operator who runs the CLI on the database itself. The
/// flows below take one, so none of them can run without the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Administrator {
    /// A signed-in admin's account.
    Admin(UserId),
    /// The operator at the database (`onboard user ...`).
    Operator,
}

impl Administrator {
    /// The administrator a signed-in account is: [`AppError::Forbidden`] for reviewers and
    /// agency officers, [`AppError::FirstLoginRequired`] for an admin who has not chosen
    /// new credentials yet.
    pub fn of(user: &User) -> AppResult<Administrator> {
        if user.role != Role::Admin || user.disabled {
            return Err(AppError::Forbidden("administer accounts and agencies"));
        }
        if user.must_change_credentials {
            return Err(AppError::FirstLoginRequired);
        }
        Ok(Administrator::Admin(user.id))
    }

    /// The operator at the database (the CLI, which has the database itself).
    pub fn operator() -> Administrator {
        Administrator::Operator
    }

    /// The admin's account id, for logs; `None` for the operator.
    pub fn account(&self) -> Option<UserId> {
        match self {
            Administrator::Admin(id) => Some(*id),
            Administrator::Operator => None,
        }
    }
}

/// A page of accounts (SPEC §10 `GET /users`), by username, disabled ones included. No
/// secret is in a [`User`] that the front ends show (they have their own views).
pub async fn list_users(
    store: &dyn Store,
    _by: &Administrator,
    query: &UserQuery,
) -> AppResult<Page<User>> {
    Ok(store.users(query).await?)
}

/// Resets an account's credentials (SPEC §10 `reset-credentials`): a new random initial
/// password, made as for a new account, replaces the old one; the account must do the
/// first login of manual §1 again (a new username and password); every session of it ends;
/// and the e-mail with the new password (`notify::credentials_reset`) is queued to its
/// address, all in one transaction. The username stays, so the initial username of the
/// answer is the current one. Earlier failed logins of the username are forgotten, so the
/// user can sign in at once. `StoreError::NotFound` when there is no such account.
pub async fn reset_credentials(
    store: &dyn Store,
    by: &Administrator,
    user: UserId,
    mail: &MailConfig,
    now: DateTime<Utc>,
) -> AppResult<CreatedAccount> {
    let current = store.user(user).await?.ok_or(StoreError::NotFound)?;
    let username = current.username.clone();
    let password = initial_password_for(&username);
    let to_hash = password.clone();
    let password_hash = blocking(move || hash_password(&to_hash)).await??;
    let notice = credentials_reset(user, &username, &password, mail);
    let reset = store
        .reset_credentials(user, &password_hash, notice, now)
        .await?;
    store
        .clear_login_failures(&throttle_key(&reset.username))
        .await?;
    tracing::info!(user = %reset.id, by = ?by.account(), "credentials reset");
    Ok(CreatedAccount {
        user: reset,
        initial_username: username,
        initial_password: password,
    })
}

/// The key the login throttle counts a username's failures under.
fn throttle_key(username: &str) -> String {
    Username::parse(username)
        .map(|u| u.normalized())
        .unwrap_or_else(|_| username.to_ascii_lowercase())
}

/// Disables an account (SPEC §10): it can no longer log in (the same answer as a wrong
/// password) and every session of it ends at once. Disabling a disabled account changes
/// nothing. `StoreError::LastAdmin` for the last enabled admin (an admin may disable their
/// own account while another admin remains); `StoreError::NotFound` when there is no such
/// account.
pub async fn disable_user(
    store: &dyn Store,
    by: &Administrator,
    user: UserId,
    now: DateTime<Utc>,
) -> AppResult<User> {
    let disabled = store.disable_user(user, now).await?;
    tracing::info!(user = %disabled.id, by = ?by.account(), "user disabled");
    Ok(disabled)
}

/// Enables an account again: it logs in with its current password (sessions ended by the
/// disable stay ended). `StoreError::NotFound` when there is no such account.
pub async fn enable_user(store: &dyn Store, by: &Administrator, user: UserId) -> AppResult<User> {
    let enabled = store.enable_user(user).await?;
    tracing::info!(user = %enabled.id, by = ?by.account(), "user enabled");
    Ok(enabled)
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

    #[test]
    fn the_dummy_hash_costs_a_real_verification() {
        // An Argon2id hash (verifying against it takes as long as against a user's), of a
        // password nobody typed.
        assert!(dummy_hash().starts_with("$argon2id$"), "{}", dummy_hash());
        assert!(!onboard_store::password::verify_password("", dummy_hash()));
        assert_eq!(dummy_hash(), dummy_hash());
    }
}
