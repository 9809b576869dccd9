//! Agencies, users, sessions and login throttling.

use super::codec::{corrupt, get, get_opt, is_unique_violation, opt, Text};
use super::messages;
use crate::{Agency, NewAgency, NewUser, Page, Result, Session, StoreError, User, UserQuery};
use chrono::{DateTime, Utc};
use onboard_core::account::throttle;
use onboard_core::id::{AgencyId, UserId};
use onboard_core::notify::Notice;
use onboard_core::reference::Role;
use rusqlite::{params, OptionalExtension, Row, Transaction};
use uuid::Uuid;

/// Usernames are unique and looked up case-insensitively.
pub(super) fn normalize(username: &str) -> String {
    username.to_lowercase()
}

const AGENCY_COLUMNS: &str = "id, name_th, name_en, ministry_th, ministry_en";

fn agency_row(r: &Row<'_>) -> rusqlite::Result<Agency> {
    Ok(Agency {
        id: get(r, 0)?,
        name_th: r.get(1)?,
        name_en: r.get(2)?,
        ministry_th: r.get(3)?,
        ministry_en: r.get(4)?,
    })
}

pub(super) fn create_agency(tx: &Transaction<'_>, new: NewAgency) -> Result<Agency> {
    let agency = Agency {
        id: Uuid::now_v7().into(),
        name_th: new.name_th,
        name_en: new.name_en,
        ministry_th: new.ministry_th,
        ministry_en: new.ministry_en,
    };
    tx.execute(
        "INSERT INTO agencies (id, name_th, name_en, ministry_th, ministry_en)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            agency.id.text(),
            agency.name_th,
            agency.name_en,
            agency.ministry_th,
            agency.ministry_en
        ],
    )?;
    Ok(agency)
}

pub(super) fn agency(tx: &Transaction<'_>, id: AgencyId) -> Result<Option<Agency>> {
    Ok(tx
        .query_row(
            &format!("SELECT {AGENCY_COLUMNS} FROM agencies WHERE id = ?1"),
            [id.text()],
            agency_row,
        )
        .optional()?)
}

pub(super) fn agencies(tx: &Transaction<'_>) -> Result<Vec<Agency>> {
    let mut stmt = tx.prepare(&format!(
        "SELECT {AGENCY_COLUMNS} FROM agencies ORDER BY name_th, id"
    ))?;
    let rows = stmt.query_map([], agency_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The four names of an agency replaced (see `Store::update_agency`); the search index of
/// agency names follows through its trigger.
pub(super) fn update_agency(
    tx: &Transaction<'_>,
    id: AgencyId,
    names: NewAgency,
) -> Result<Agency> {
    let updated = tx.execute(
        "UPDATE agencies SET name_th = ?2, name_en = ?3, ministry_th = ?4, ministry_en = ?5
         WHERE id = ?1",
        params![
            id.text(),
            names.name_th,
            names.name_en,
            names.ministry_th,
            names.ministry_en
        ],
    )?;
    if updated == 0 {
        return Err(StoreError::NotFound);
    }
    agency(tx, id)?.ok_or(StoreError::NotFound)
}

/// The columns of a [`User`], each after `$table` (`""` or `"u."`), as one literal.
macro_rules! user_columns {
    ($table:literal) => {
        prefixed!($table; id, username, email, display_name, role, agency_id, password_hash,
            must_change_credentials, disabled, created_at)
    };
}

/// `$table` before each column name, joined by ", ", as one literal.
macro_rules! prefixed {
    ($table:literal; $first:ident $(, $rest:ident)*) => {
        concat!($table, stringify!($first) $(, ", ", $table, stringify!($rest))*)
    };
}

const USER_COLUMNS: &str = user_columns!("");

/// A user from [`USER_COLUMNS`] starting at column `at`.
fn user_at(r: &Row<'_>, at: usize) -> rusqlite::Result<User> {
    let user = User {
        id: get(r, at)?,
        username: r.get(at + 1)?,
        email: r.get(at + 2)?,
        display_name: r.get(at + 3)?,
        role: get(r, at + 4)?,
        agency_id: get_opt(r, at + 5)?,
        password_hash: r.get(at + 6)?,
        must_change_credentials: r.get(at + 7)?,
        disabled: r.get(at + 8)?,
        created_at: get(r, at + 9)?,
    };
    user.check()
        .map_err(|e| corrupt(at + 4, format!("an account that cannot act: {e}")))?;
    Ok(user)
}

pub(super) fn create_user(tx: &Transaction<'_>, new: NewUser, welcome: &Notice) -> Result<User> {
    if let Some(agency_id) = new.agency_id {
        if agency(tx, agency_id)?.is_none() {
            return Err(StoreError::NotFound);
        }
    }
    let user = User {
        id: Uuid::now_v7().into(),
        username: new.username,
        email: new.email,
        display_name: new.display_name,
        role: new.role,
        agency_id: new.agency_id,
        password_hash: new.password_hash,
        must_change_credentials: true,
        disabled: false,
        created_at: new.created_at,
    };
    user.check()
        .map_err(|e| StoreError::caused("an account that cannot act", e))?;
    let inserted = tx.execute(
        &format!("INSERT INTO users ({USER_COLUMNS}, username_norm) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"),
        params![
            user.id.text(),
            user.username,
            user.email,
            user.display_name,
            user.role.text(),
            opt(user.agency_id.as_ref()),
            user.password_hash,
            user.must_change_credentials,
            user.disabled,
            user.created_at.text(),
            normalize(&user.username),
        ],
    );
    match inserted {
        Err(e) if is_unique_violation(&e) => return Err(StoreError::Duplicate("username")),
        other => other?,
    };
    // The initial credentials go by e-mail only, never into the portal's notifications.
    // The caller could not know the new id, so the address is the account's own.
    let to = messages::Mailbox {
        account: Some(user.id),
        address: &user.email,
        name: &user.display_name,
    };
    messages::queue_email(tx, &to, welcome, None, user.created_at)?;
    Ok(user)
}

pub(super) fn user(tx: &Transaction<'_>, id: UserId) -> Result<Option<User>> {
    Ok(tx
        .query_row(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"),
            [id.text()],
            |r| user_at(r, 0),
        )
        .optional()?)
}

/// The conditions of a [`UserQuery`] (`?1` the folded text, `?2` the role, `?3` the
/// agency; each `NULL` when not asked for). `lower()` folds ASCII letters only, as
/// [`UserQuery::folded_q`] does.
const USERS_WHERE: &str = "WHERE (?1 IS NULL OR instr(lower(username), ?1) > 0
                              OR instr(lower(display_name), ?1) > 0
                              OR instr(lower(email), ?1) > 0)
                           AND (?2 IS NULL OR role = ?2)
                           AND (?3 IS NULL OR agency_id = ?3)";

pub(super) fn users(tx: &Transaction<'_>, query: &UserQuery) -> Result<Page<User>> {
    let (page, per_page) = query.paging();
    let q = query.folded_q();
    let role = query.role.map(|r| r.text());
    let agency = query.agency_id.map(|a| a.text());
    let total: i64 = tx
        .prepare_cached(&format!("SELECT COUNT(*) FROM users {USERS_WHERE}"))?
        .query_row(params![q, role, agency], |r| r.get(0))?;
    let offset = i64::from(page - 1) * i64::from(per_page);
    let items = if total <= offset {
        Vec::new()
    } else {
        tx.prepare_cached(&format!(
            "SELECT {USER_COLUMNS} FROM users {USERS_WHERE}
             ORDER BY username_norm, id LIMIT ?4 OFFSET ?5"
        ))?
        .query_map(params![q, role, agency, i64::from(per_page), offset], |r| {
            user_at(r, 0)
        })?
        .collect::<rusqlite::Result<_>>()?
    };
    Ok(Page {
        total_capped: false,
        items,
        total: u64::try_from(total).unwrap_or(0),
        page,
        per_page,
    })
}

pub(super) fn user_by_username(tx: &Transaction<'_>, username: &str) -> Result<Option<User>> {
    Ok(tx
        .query_row(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE username_norm = ?1"),
            [normalize(username)],
            |r| user_at(r, 0),
        )
        .optional()?)
}

pub(super) fn complete_first_login(
    tx: &Transaction<'_>,
    id: UserId,
    username: &str,
    password_hash: &str,
) -> Result<User> {
    let updated = tx.execute(
        "UPDATE users SET username = ?2, username_norm = ?3, password_hash = ?4,
                          must_change_credentials = 0
         WHERE id = ?1",
        params![id.text(), username, normalize(username), password_hash],
    );
    match updated {
        Err(e) if is_unique_violation(&e) => Err(StoreError::Duplicate("username")),
        Err(e) => Err(e.into()),
        Ok(0) => Err(StoreError::NotFound),
        Ok(_) => user(tx, id)?.ok_or(StoreError::NotFound),
    }
}

/// The new password hash, and every other session of the account revoked at `now`, in the
/// caller's one transaction (see `Store::change_password`).
pub(super) fn change_password(
    tx: &Transaction<'_>,
    id: UserId,
    password_hash: &str,
    keep_session: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    let updated = tx.execute(
        "UPDATE users SET password_hash = ?2 WHERE id = ?1",
        params![id.text(), password_hash],
    )?;
    if updated == 0 {
        return Err(StoreError::NotFound);
    }
    tx.execute(
        "UPDATE sessions SET revoked_at = ?3
         WHERE user_id = ?1 AND revoked_at IS NULL AND (?2 IS NULL OR token_hash <> ?2)",
        params![id.text(), keep_session, now.text()],
    )?;
    Ok(())
}

/// Every session of an account still open revoked at `now`.
fn revoke_sessions_of(tx: &Transaction<'_>, id: UserId, now: DateTime<Utc>) -> Result<()> {
    tx.execute(
        "UPDATE sessions SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL",
        params![id.text(), now.text()],
    )?;
    Ok(())
}

/// The new password hash and the first login again, every session revoked and the e-mail
/// with the new password queued, in the caller's one transaction (see
/// `Store::reset_credentials`).
pub(super) fn reset_credentials(
    tx: &Transaction<'_>,
    id: UserId,
    password_hash: &str,
    notice: &Notice,
    at: DateTime<Utc>,
) -> Result<User> {
    let updated = tx.execute(
        "UPDATE users SET password_hash = ?2, must_change_credentials = 1 WHERE id = ?1",
        params![id.text(), password_hash],
    )?;
    if updated == 0 {
        return Err(StoreError::NotFound);
    }
    revoke_sessions_of(tx, id, at)?;
    let user = user(tx, id)?.ok_or(StoreError::NotFound)?;
    // Like the welcome e-mail: to the account's own address, e-mail only.
    let to = messages::Mailbox {
        account: Some(user.id),
        address: &user.email,
        name: &user.display_name,
    };
    messages::queue_email(tx, &to, notice, None, at)?;
    Ok(user)
}

/// The account disabled and its sessions revoked, unless it is the last enabled admin (see
/// `Store::disable_user`). Atomic because every write runs on the one writer connection in
/// a `BEGIN IMMEDIATE` transaction: no other write comes between the count and the change.
pub(super) fn disable_user(tx: &Transaction<'_>, id: UserId, at: DateTime<Utc>) -> Result<User> {
    let current = user(tx, id)?.ok_or(StoreError::NotFound)?;
    if current.role == Role::Admin && !current.disabled {
        let other_admins: i64 = tx.query_row(
            "SELECT COUNT(*) FROM users WHERE role = ?1 AND disabled = 0 AND id <> ?2",
            params![Role::Admin.text(), id.text()],
            |r| r.get(0),
        )?;
        if other_admins == 0 {
            return Err(StoreError::LastAdmin);
        }
    }
    tx.execute("UPDATE users SET disabled = 1 WHERE id = ?1", [id.text()])?;
    revoke_sessions_of(tx, id, at)?;
    user(tx, id)?.ok_or(StoreError::NotFound)
}

/// The account enabled again (see `Store::enable_user`).
pub(super) fn enable_user(tx: &Transaction<'_>, id: UserId) -> Result<User> {
    let updated = tx.execute("UPDATE users SET disabled = 0 WHERE id = ?1", [id.text()])?;
    if updated == 0 {
        return Err(StoreError::NotFound);
    }
    user(tx, id)?.ok_or(StoreError::NotFound)
}

pub(super) fn create_session(tx: &Transaction<'_>, s: &Session) -> Result<()> {
    let inserted = tx.execute(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![
            s.token_hash,
            s.user_id.text(),
            s.created_at.text(),
            s.expires_at.text()
        ],
    );
    match inserted {
        Err(e) if is_unique_violation(&e) => Err(StoreError::Duplicate("session")),
        // The user must exist (foreign key).
        Err(rusqlite::Error::SqliteFailure(f, _))
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY =>
        {
            Err(StoreError::NotFound)
        }
        other => other.map(drop).map_err(Into::into),
    }
}

pub(super) fn session(
    tx: &Transaction<'_>,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(Session, User)>> {
    Ok(tx
        .prepare_cached(concat!(
            "SELECT s.token_hash, s.user_id, s.created_at, s.expires_at, ",
            user_columns!("u."),
            " FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = ?1 AND s.revoked_at IS NULL AND s.expires_at > ?2
               AND u.disabled = 0"
        ))?
        .query_row(params![token_hash, now.text()], |r| {
            let session = Session {
                token_hash: r.get(0)?,
                user_id: get(r, 1)?,
                created_at: get(r, 2)?,
                expires_at: get(r, 3)?,
            };
            Ok((session, user_at(r, 4)?))
        })
        .optional()?)
}

pub(super) fn revoke_session(
    tx: &Transaction<'_>,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "UPDATE sessions SET revoked_at = ?2 WHERE token_hash = ?1 AND revoked_at IS NULL",
        params![token_hash, now.text()],
    )?;
    Ok(())
}

/// The check and the count of a login attempt (see `Store::begin_login_attempt`). Atomic
/// because every write runs on the one writer connection in a `BEGIN IMMEDIATE`
/// transaction, which also locks out writers of other processes sharing the file.
pub(super) fn begin_login_attempt(
    tx: &Transaction<'_>,
    username: &str,
    now: DateTime<Utc>,
) -> Result<std::result::Result<(), chrono::Duration>> {
    let username = normalize(username);
    let since = throttle::window_start(now);
    // Older failures can never count again: keep the table to the window.
    tx.prepare_cached("DELETE FROM login_failures WHERE username_norm = ?1 AND at < ?2")?
        .execute(params![username, since.text()])?;
    let failures = tx
        .prepare_cached("SELECT at FROM login_failures WHERE username_norm = ?1 AND at >= ?2")?
        .query_map(params![username, since.text()], |r| get(r, 0))?
        .collect::<rusqlite::Result<Vec<DateTime<Utc>>>>()?;
    if let Err(wait) = throttle::check(&failures, now) {
        return Ok(Err(wait));
    }
    tx.prepare_cached("INSERT INTO login_failures (username_norm, at) VALUES (?1, ?2)")?
        .execute(params![username, now.text()])?;
    Ok(Ok(()))
}

pub(super) fn clear_login_failures(tx: &Transaction<'_>, username: &str) -> Result<()> {
    tx.execute(
        "DELETE FROM login_failures WHERE username_norm = ?1",
        [normalize(username)],
    )?;
    Ok(())
}
