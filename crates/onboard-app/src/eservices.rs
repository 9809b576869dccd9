//! Commands on an e-Service: one flow for every front end, so the API, the portal and the
//! CLI apply a command the same way (one store transaction, core deciding, logged once).

use crate::AppResult;
use onboard_core::workflow::{Command, EService};
use onboard_store::{CommandContext, Store, User};
use uuid::Uuid;

/// Applies `command` as `user` to the e-Service `id` (SPEC §4, §12): the store reads it,
/// checks the referenced files among the agency's own, lets core decide and writes the
/// result with its events, notifications and e-mails in one transaction. With
/// `expected_version`, another current version is `version_conflict`.
pub async fn execute(
    store: &dyn Store,
    user: &User,
    id: Uuid,
    command: Command,
    expected_version: Option<u64>,
    ctx: &CommandContext,
) -> AppResult<EService> {
    let name = command.name();
    let svc = store
        .execute(id, &user.actor(), command, expected_version, ctx)
        .await?;
    tracing::info!(eservice = %id, command = name, version = svc.version, "command applied");
    Ok(svc)
}
