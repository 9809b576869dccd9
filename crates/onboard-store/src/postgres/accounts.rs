//! Agencies, users, sessions and login throttling.

use super::{corrupt, db, sql_state};
use crate::{Agency, NewAgency, NewUser, Page, Result, Session, StoreError, User, UserQuery};
use chrono::{DateTime, Utc};
use onboard_core::account::throttle;
use onboard_core::id::{AgencyId, UserId};
use onboard_core::notify::Notice;
use onboard_core::reference::Role;
use sqlx::PgPool;
use uuid::Uuid;

/// The columns of a [`User`], in the order [`UserRow`] reads them.
pub(super) const USER_COLUMNS: &str = "u.id, u.username, u.email, u.display_name, u.role, \
     u.agency_id, u.password_hash, u.must_change_credentials, u.disabled, u.created_at";

#[derive(sqlx::FromRow)]
pub(super) struct UserRow {
    id: Uuid,
    username: String,
    email: String,
    display_name: String,
    role: String,
    agency_id: Option<Uuid>,
    password_hash: String,
    must_change_credentials: bool,
    disabled: bool,
    created_at: DateTime<Utc>,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(r: UserRow) -> Result<User> {
        let user = User {
            id: UserId::from(r.id),
            username: r.username,
            email: r.email,
            display_name: r.display_name,
            role: r.role.parse::<Role>().map_err(|e| corrupt("role", e))?,
            agency_id: r.agency_id.map(AgencyId::from),
            password_hash: r.password_hash,
            must_change_credentials: r.must_change_credentials,
            disabled: r.disabled,
            created_at: r.created_at,
        };
        // Also refuses to create such an account: the insert's transaction is dropped.
        user.check()
            .map_err(|e| StoreError::caused("an account that cannot act", e))?;
        Ok(user)
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct AgencyRow {
    id: Uuid,
    name_th: String,
    name_en: String,
    ministry_th: String,
    ministry_en: String,
}

impl From<AgencyRow> for Agency {
    fn from(r: AgencyRow) -> Agency {
        Agency {
            id: AgencyId::from(r.id),
            name_th: r.name_th,
            name_en: r.name_en,
            ministry_th: r.ministry_th,
            ministry_en: r.ministry_en,
        }
    }
}

/// Usernames are unique compared case-insensitively: this is the compared form.
fn normalize(username: &str) -> String {
    username.to_lowercase()
}

/// A unique violation on the username becomes `Duplicate("username")`.
fn username_taken(e: sqlx::Error) -> StoreError {
    let on_username = matches!(&e, sqlx::Error::Database(d)
        if d.code().as_deref() == Some("23505")
            && d.constraint().is_some_and(|c| c.contains("username")));
    if on_username {
        StoreError::Duplicate("username")
    } else {
        db(e)
    }
}

pub(super) async fn create_agency(pool: &PgPool, agency: NewAgency) -> Result<Agency> {
    let row: AgencyRow = sqlx::query_as(
        "INSERT INTO agencies (id, name_th, name_en, ministry_th, ministry_en) \
         VALUES ($1, $2, $3, $4, $5) \
         RETURNING id, name_th, name_en, ministry_th, ministry_en",
    )
    .bind(Uuid::now_v7())
    .bind(&agency.name_th)
    .bind(&agency.name_en)
    .bind(&agency.ministry_th)
    .bind(&agency.ministry_en)
    .fetch_one(pool)
    .await
    .map_err(db)?;
    Ok(row.into())
}

pub(super) async fn agency(pool: &PgPool, id: AgencyId) -> Result<Option<Agency>> {
    let row: Option<AgencyRow> = sqlx::query_as(
        "SELECT id, name_th, name_en, ministry_th, ministry_en FROM agencies WHERE id = $1",
    )
    .bind(id.uuid())
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    Ok(row.map(Agency::from))
}

pub(super) async fn agencies(pool: &PgPool) -> Result<Vec<Agency>> {
    let rows: Vec<AgencyRow> = sqlx::query_as(
        "SELECT id, name_th, name_en, ministry_th, ministry_en FROM agencies ORDER BY name_th, id",
    )
    .fetch_all(pool)
    .await
    .map_err(db)?;
    Ok(rows.into_iter().map(Agency::from).collect())
}

/// The four names of an agency replaced (see `Store::update_agency`).
pub(super) async fn update_agency(pool: &PgPool, id: AgencyId, names: NewAgency) -> Result<Agency> {
    let row: Option<AgencyRow> = sqlx::query_as(
        "UPDATE agencies SET name_th = $2, name_en = $3, ministry_th = $4, ministry_en = $5 \
         WHERE id = $1 RETURNING id, name_th, name_en, ministry_th, ministry_en",
    )
    .bind(id.uuid())
    .bind(&names.name_th)
    .bind(&names.name_en)
    .bind(&names.ministry_th)
    .bind(&names.ministry_en)
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    row.map(Agency::from).ok_or(StoreError::NotFound)
}

pub(super) async fn create_user(pool: &PgPool, user: NewUser, welcome: Notice) -> Result<User> {
    let mut tx = pool.begin().await.map_err(db)?;
    let inserted = sqlx::query_as::<_, UserRow>(&format!(
        "INSERT INTO users AS u (id, username, username_norm, email, display_name, role, \
             agency_id, password_hash, must_change_credentials, disabled, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, true, false, $9) \
         RETURNING {USER_COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(&user.username)
    .bind(normalize(&user.username))
    .bind(&user.email)
    .bind(&user.display_name)
    .bind(user.role.as_str())
    .bind(user.agency_id.map(Uuid::from))
    .bind(&user.password_hash)
    .bind(user.created_at)
    .fetch_one(&mut *tx)
    .await;
    let row = match inserted {
        Ok(row) => row,
        // The agency does not exist.
        Err(e) if sql_state(&e).as_deref() == Some("23503") => return Err(StoreError::NotFound),
        Err(e) => return Err(username_taken(e)),
    };
    let created = User::try_from(row)?;
    // The welcome e-mail carries the initial password: outbox only, never a notification.
    // The caller could not know the new id, so the address is the account's own.
    super::mail::queue_email(
        &mut tx,
        created.id,
        &created.email,
        &created.display_name,
        &welcome,
        user.created_at,
    )
    .await?;
    tx.commit().await.map_err(db)?;
    Ok(created)
}

pub(super) async fn user(pool: &PgPool, id: UserId) -> Result<Option<User>> {
    let row: Option<UserRow> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"
    ))
    .bind(id.uuid())
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    row.map(User::try_from).transpose()
}

/// ASCII letters lowercased, and nothing else: what SQLite's `lower()` and
/// [`UserQuery::folded_q`] do, so both backends find the same accounts.
fn ascii_lower(column: &str) -> String {
    format!("translate({column}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')")
}

pub(super) async fn users(pool: &PgPool, query: &UserQuery) -> Result<Page<User>> {
    let (page, per_page) = query.paging();
    let q = query.folded_q();
    let role = query.role.map(|r| r.as_str());
    let filter = format!(
        "WHERE ($1::text IS NULL OR strpos({}, $1) > 0 OR strpos({}, $1) > 0 \
                OR strpos({}, $1) > 0) \
           AND ($2::text IS NULL OR u.role = $2) \
           AND ($3::uuid IS NULL OR u.agency_id = $3)",
        ascii_lower("u.username"),
        ascii_lower("u.display_name"),
        ascii_lower("u.email"),
    );
    let total: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM users u {filter}"))
        .bind(&q)
        .bind(role)
        .bind(query.agency_id.map(Uuid::from))
        .fetch_one(pool)
        .await
        .map_err(db)?;
    let offset = i64::from(page - 1) * i64::from(per_page);
    let rows: Vec<UserRow> = if total <= offset {
        Vec::new()
    } else {
        sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users u {filter} \
             ORDER BY u.username_norm, u.id LIMIT $4 OFFSET $5"
        ))
        .bind(&q)
        .bind(role)
        .bind(query.agency_id.map(Uuid::from))
        .bind(i64::from(per_page))
        .bind(offset)
        .fetch_all(pool)
        .await
        .map_err(db)?
    };
    Ok(Page {
        total_capped: false,
        items: rows
            .into_iter()
            .map(User::try_from)
            .collect::<Result<_>>()?,
        total: u64::try_from(total).unwrap_or(0),
        page,
        per_page,
    })
}

pub(super) async fn user_by_username(pool: &PgPool, username: &str) -> Result<Option<User>> {
    let row: Option<UserRow> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE u.username_norm = $1"
    ))
    .bind(normalize(username))
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    row.map(User::try_from).transpose()
}

pub(super) async fn complete_first_login(
    pool: &PgPool,
    user: UserId,
    username: &str,
    password_hash: &str,
) -> Result<User> {
    let row: Option<UserRow> = sqlx::query_as(&format!(
        "UPDATE users AS u SET username = $2, username_norm = $3, password_hash = $4, \
             must_change_credentials = false \
         WHERE u.id = $1 RETURNING {USER_COLUMNS}"
    ))
    .bind(user.uuid())
    .bind(username)
    .bind(normalize(username))
    .bind(password_hash)
    .fetch_optional(pool)
    .await
    .map_err(username_taken)?;
    row.map(User::try_from)
        .transpose()?
        .ok_or(StoreError::NotFound)
}

/// The new password hash, and every other session of the account revoked, in one
/// transaction (see `Store::change_password`).
pub(super) async fn change_password(
    pool: &PgPool,
    user: UserId,
    password_hash: &str,
    keep_session: Option<&str>,
    at: DateTime<Utc>,
) -> Result<()> {
    let mut tx = pool.begin().await.map_err(db)?;
    let updated = sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(user.uuid())
        .bind(password_hash)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    sqlx::query(
        "UPDATE sessions SET revoked_at = $3 \
         WHERE user_id = $1 AND revoked_at IS NULL AND token_hash IS DISTINCT FROM $2",
    )
    .bind(user.uuid())
    .bind(keep_session)
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(())
}

/// The new password hash and the first login again, every session revoked and the e-mail
/// with the new password queued, in one transaction (see `Store::reset_credentials`).
pub(super) async fn reset_credentials(
    pool: &PgPool,
    user: UserId,
    password_hash: &str,
    notice: Notice,
    at: DateTime<Utc>,
) -> Result<User> {
    let mut tx = pool.begin().await.map_err(db)?;
    let row: Option<UserRow> = sqlx::query_as(&format!(
        "UPDATE users AS u SET password_hash = $2, must_change_credentials = true \
         WHERE u.id = $1 RETURNING {USER_COLUMNS}"
    ))
    .bind(user.uuid())
    .bind(password_hash)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?;
    let updated = User::try_from(row.ok_or(StoreError::NotFound)?)?;
    revoke_sessions_of(&mut tx, user, at).await?;
    // Like the welcome e-mail: to the account's own address, e-mail only.
    super::mail::queue_email(
        &mut tx,
        updated.id,
        &updated.email,
        &updated.display_name,
        &notice,
        at,
    )
    .await?;
    tx.commit().await.map_err(db)?;
    Ok(updated)
}

/// Every session of an account still open revoked at `at`.
async fn revoke_sessions_of(
    conn: &mut sqlx::PgConnection,
    user: UserId,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL")
        .bind(user.uuid())
        .bind(at)
        .execute(conn)
        .await
        .map_err(db)?;
    Ok(())
}

/// The account disabled and its sessions revoked, unless it is the last enabled admin (see
/// `Store::disable_user`). Every disable of every server takes the same transaction-scoped
/// advisory lock first, so the count of the other enabled admins and the change are one
/// step: two admins disabling each other at once are serialized, and the second sees the
/// first's change (each statement reads what was committed before it began).
pub(super) async fn disable_user(pool: &PgPool, user: UserId, at: DateTime<Utc>) -> Result<User> {
    let mut tx = pool.begin().await.map_err(db)?;
    // Two-key form, its own key space (as the login lock); keyed by schema too.
    sqlx::query(
        "SELECT pg_advisory_xact_lock(hashtext('onboard.disable.' || current_schema()), 0)",
    )
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    let row: Option<UserRow> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"
    ))
    .bind(user.uuid())
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?;
    let current = User::try_from(row.ok_or(StoreError::NotFound)?)?;
    if current.role == Role::Admin && !current.disabled {
        let other_admins: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM users WHERE role = $1 AND NOT disabled AND id <> $2",
        )
        .bind(Role::Admin.as_str())
        .bind(user.uuid())
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        if other_admins == 0 {
            return Err(StoreError::LastAdmin);
        }
    }
    let row: UserRow = sqlx::query_as(&format!(
        "UPDATE users AS u SET disabled = true WHERE u.id = $1 RETURNING {USER_COLUMNS}"
    ))
    .bind(user.uuid())
    .fetch_one(&mut *tx)
    .await
    .map_err(db)?;
    revoke_sessions_of(&mut tx, user, at).await?;
    tx.commit().await.map_err(db)?;
    User::try_from(row)
}

/// The account enabled again (see `Store::enable_user`).
pub(super) async fn enable_user(pool: &PgPool, user: UserId) -> Result<User> {
    let row: Option<UserRow> = sqlx::query_as(&format!(
        "UPDATE users AS u SET disabled = false WHERE u.id = $1 RETURNING {USER_COLUMNS}"
    ))
    .bind(user.uuid())
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    row.map(User::try_from)
        .transpose()?
        .ok_or(StoreError::NotFound)
}

pub(super) async fn create_session(pool: &PgPool, session: Session) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&session.token_hash)
    .bind(session.user_id.uuid())
    .bind(session.created_at)
    .bind(session.expires_at)
    .execute(pool)
    .await
    .map_err(|e| match sql_state(&e).as_deref() {
        Some("23503") => StoreError::NotFound,
        Some("23505") => StoreError::Duplicate("session"),
        _ => db(e),
    })?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    token_hash: String,
    user_id: Uuid,
    session_created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    #[sqlx(flatten)]
    user: UserRow,
}

pub(super) async fn session(
    pool: &PgPool,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(Session, User)>> {
    let row: Option<SessionRow> = sqlx::query_as(&format!(
        "SELECT s.token_hash, s.user_id, s.created_at AS session_created_at, s.expires_at, \
             {USER_COLUMNS} \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 \
           AND NOT u.disabled"
    ))
    .bind(token_hash)
    .bind(now)
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    let Some(row) = row else { return Ok(None) };
    let session = Session {
        token_hash: row.token_hash,
        user_id: UserId::from(row.user_id),
        created_at: row.session_created_at,
        expires_at: row.expires_at,
    };
    Ok(Some((session, User::try_from(row.user)?)))
}

pub(super) async fn revoke_session(
    pool: &PgPool,
    token_hash: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL")
        .bind(token_hash)
        .bind(at)
        .execute(pool)
        .await
        .map_err(db)?;
    Ok(())
}

/// The check and the count of a login attempt (see `Store::begin_login_attempt`), in one
/// transaction that holds a lock on the username: every server sharing the database takes
/// the same advisory lock, so their attempts on one username run one after the other.
pub(super) async fn begin_login_attempt(
    pool: &PgPool,
    username: &str,
    now: DateTime<Utc>,
) -> Result<std::result::Result<(), chrono::Duration>> {
    let username = normalize(username);
    let since = throttle::window_start(now);
    let mut tx = pool.begin().await.map_err(db)?;
    // Two-key form: its own key space, apart from the one-key locks of the dashboard fold.
    // Keyed by schema too, so stores in different schemas do not wait on each other. A hash
    // collision only makes two usernames share a queue.
    sqlx::query(
        "SELECT pg_advisory_xact_lock(hashtext('onboard.login.' || current_schema()), \
             hashtext($1))",
    )
    .bind(&username)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    // Older failures can never count again: keep the table to the window.
    sqlx::query("DELETE FROM login_failures WHERE username_norm = $1 AND at < $2")
        .bind(&username)
        .bind(since)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    let failures: Vec<DateTime<Utc>> =
        sqlx::query_scalar("SELECT at FROM login_failures WHERE username_norm = $1 AND at >= $2")
            .bind(&username)
            .bind(since)
            .fetch_all(&mut *tx)
            .await
            .map_err(db)?;
    if let Err(wait) = throttle::check(&failures, now) {
        // Nothing was written but the pruning, which may as well stay.
        tx.commit().await.map_err(db)?;
        return Ok(Err(wait));
    }
    sqlx::query("INSERT INTO login_failures (username_norm, at) VALUES ($1, $2)")
        .bind(&username)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(Ok(()))
}

pub(super) async fn clear_login_failures(pool: &PgPool, username: &str) -> Result<()> {
    sqlx::query("DELETE FROM login_failures WHERE username_norm = $1")
        .bind(normalize(username))
        .execute(pool)
        .await
        .map_err(db)?;
    Ok(())
}
