//! `onboard user list|reset|disable|enable` and `onboard agency update`: the admins'
//! account administration (SPEC §10, §11) for the operator at the database, through the
//! same flows as the API and the portal (`onboard_app::accounts`, `onboard_app::agencies`).

use crate::operator::{open_existing, rejected, table};
use crate::wiring::DbArgs;
use crate::{Failure, Outcome};
use chrono::Utc;
use clap::Args;
use onboard_app::accounts::{self, Administrator};
use onboard_app::{agencies, AppError};
use onboard_core::id::{AgencyId, UserId};
use onboard_core::notify::MailConfig;
use onboard_core::reference::Role;
use onboard_core::workflow::AgencyNames;
use onboard_http::UserView;
use onboard_store::{Store, StoreError, User, UserQuery};
use serde_json::json;
use std::collections::HashMap;

/// Filters and paging of `user list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Contained in the username, the display name or the e-mail address (ASCII letters
    /// in any case; Thai too).
    #[arg(long)]
    pub q: Option<String>,
    /// admin, reviewer or agency.
    #[arg(long)]
    pub role: Option<Role>,
    /// Agency id.
    #[arg(long)]
    pub agency: Option<AgencyId>,
    /// Page, from 1.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub page: u32,
    /// Rows per page, 1 to 100.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub per_page: u32,
    #[command(flatten)]
    pub db: DbArgs,
    /// Print {items, total, page, per_page} as JSON (the API's list answer).
    #[arg(long)]
    pub json: bool,
}

/// What a refused flow prints (exit 1), or the failure it is (exit 2).
fn refused(e: AppError, what: &str, as_json: bool) -> Result<Outcome, Failure> {
    match e {
        AppError::Store(StoreError::NotFound) => {
            Ok(rejected("not_found", &format!("no {what}"), as_json))
        }
        AppError::Store(StoreError::LastAdmin) => Ok(rejected(
            "invalid_transition",
            "the last enabled admin cannot be disabled; enable or create another admin first",
            as_json,
        )),
        AppError::Store(e) => Err(Failure::Store(e)),
        other => Err(Failure::Input(other.to_string())),
    }
}

/// The account named by an id or a username (compared case-insensitively).
async fn find(store: &dyn Store, user: &str) -> Result<Option<User>, Failure> {
    let found = match user.trim().parse::<UserId>() {
        Ok(id) => store.user(id).await,
        Err(_) => store.user_by_username(user.trim()).await,
    };
    found.map_err(Failure::Store)
}

/// How an account stands, in Thai then English.
fn status(user: &User) -> &'static str {
    match (user.disabled, user.must_change_credentials) {
        (true, _) => "ปิดการใช้งาน (disabled)",
        (false, true) => "รอเข้าสู่ระบบครั้งแรก (first login due)",
        (false, false) => "ใช้งาน (enabled)",
    }
}

/// `onboard user list`.
pub async fn list(args: ListArgs) -> Result<Outcome, Failure> {
    let store = open_existing(&args.db).await?;
    let query = UserQuery {
        q: args.q.filter(|q| !q.trim().is_empty()),
        role: args.role,
        agency_id: args.agency,
        page: args.page,
        per_page: args.per_page,
    };
    let page = accounts::list_users(store.as_ref(), &Administrator::operator(), &query)
        .await
        .map_err(|e| match e {
            AppError::Store(e) => Failure::Store(e),
            other => Failure::Input(other.to_string()),
        })?;
    if args.json {
        let items: Vec<UserView> = page.items.iter().map(UserView::from).collect();
        return Ok(Outcome::json(
            json!({"items": items, "total": page.total, "page": page.page, "per_page": page.per_page}),
            true,
        ));
    }
    let agencies: HashMap<AgencyId, String> = store
        .agencies()
        .await
        .map_err(Failure::Store)?
        .into_iter()
        .map(|a| (a.id, a.name_th))
        .collect();
    let rows: Vec<Vec<String>> = page
        .items
        .iter()
        .map(|u| {
            vec![
                u.id.to_string(),
                u.username.clone(),
                u.display_name.clone(),
                u.email.clone(),
                u.role.as_str().to_owned(),
                u.agency_id
                    .and_then(|a| agencies.get(&a).cloned())
                    .unwrap_or_else(|| "-".to_owned()),
                status(u).to_owned(),
            ]
        })
        .collect();
    let mut text = table(
        &[
            "id", "username", "name", "email", "role", "agency", "status",
        ],
        &rows,
    );
    let first = u64::from(page.page - 1) * u64::from(page.per_page);
    text.push_str(&if page.items.is_empty() {
        format!("no accounts on page {} ({} in all)", page.page, page.total)
    } else {
        format!(
            "accounts {}-{} of {}",
            first + 1,
            first + page.items.len() as u64,
            page.total
        )
    });
    Ok(Outcome::text(text, true))
}

/// `onboard user reset USER`.
pub async fn reset(
    user: &str,
    mail: &MailConfig,
    db: &DbArgs,
    as_json: bool,
) -> Result<Outcome, Failure> {
    let store = open_existing(db).await?;
    let Some(account) = find(store.as_ref(), user).await? else {
        return Ok(rejected(
            "not_found",
            &format!("no account `{user}`"),
            as_json,
        ));
    };
    let by = Administrator::operator();
    let reset = match accounts::reset_credentials(store.as_ref(), &by, account.id, mail, Utc::now())
        .await
    {
        Ok(reset) => reset,
        Err(e) => return refused(e, &format!("account `{user}`"), as_json),
    };
    Ok(if as_json {
        Outcome::json(
            json!({"user": UserView::from(&reset.user), "initial_username": reset.initial_username, "initial_password": reset.initial_password}),
            true,
        )
    } else {
        Outcome::text(
            format!(
                "reset {} {}\nusername: {}\npassword: {}\n(the first login is due again; every session ended; the password was e-mailed)",
                reset.user.role.as_str(),
                reset.user.id,
                reset.initial_username,
                reset.initial_password
            ),
            true,
        )
    })
}

/// `onboard user disable USER` (`disabled`) and `onboard user enable USER`.
pub async fn set_disabled(
    user: &str,
    disabled: bool,
    db: &DbArgs,
    as_json: bool,
) -> Result<Outcome, Failure> {
    let store = open_existing(db).await?;
    let Some(account) = find(store.as_ref(), user).await? else {
        return Ok(rejected(
            "not_found",
            &format!("no account `{user}`"),
            as_json,
        ));
    };
    let by = Administrator::operator();
    let done = if disabled {
        accounts::disable_user(store.as_ref(), &by, account.id, Utc::now()).await
    } else {
        accounts::enable_user(store.as_ref(), &by, account.id).await
    };
    let changed = match done {
        Ok(user) => user,
        Err(e) => return refused(e, &format!("account `{user}`"), as_json),
    };
    Ok(if as_json {
        Outcome::json(json!(UserView::from(&changed)), true)
    } else {
        let what = if disabled { "disabled" } else { "enabled" };
        Outcome::text(
            format!("{what} {} ({})", changed.username, changed.id),
            true,
        )
    })
}

/// `onboard agency update ID`.
pub async fn update_agency(
    id: AgencyId,
    names: &AgencyNames,
    db: &DbArgs,
    as_json: bool,
) -> Result<Outcome, Failure> {
    let store = open_existing(db).await?;
    let agency = match agencies::update(store.as_ref(), &Administrator::operator(), id, names).await
    {
        Ok(agency) => agency,
        Err(e) => return refused(e, &format!("agency {id}"), as_json),
    };
    Ok(if as_json {
        Outcome::json(json!(agency), true)
    } else {
        Outcome::text(
            format!("{}  {} ({})", agency.id, agency.name_th, agency.ministry_th),
            true,
        )
    })
}
