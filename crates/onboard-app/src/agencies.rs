//! Agencies (หน่วยงาน): the admins create them and correct their names (SPEC §3, §10).
//! Approving step 4 with `update_agency` renames an agency through its e-Service's command
//! instead (`onboard_core::workflow::agency_update`), recorded as an event.

use crate::accounts::Administrator;
use crate::AppResult;
use onboard_core::id::AgencyId;
use onboard_core::workflow::AgencyNames;
use onboard_store::{Agency, NewAgency, Store};

fn stored(names: &AgencyNames) -> NewAgency {
    NewAgency {
        name_th: names.name_th.clone(),
        name_en: names.name_en.clone(),
        ministry_th: names.ministry_th.clone(),
        ministry_en: names.ministry_en.clone(),
    }
}

/// Creates an agency with its checked names (`AgencyNames::parse`).
pub async fn create(
    store: &dyn Store,
    by: &Administrator,
    names: &AgencyNames,
) -> AppResult<Agency> {
    let agency = store.create_agency(stored(names)).await?;
    tracing::info!(agency = %agency.id, by = ?by.account(), "agency created");
    Ok(agency)
}

/// Replaces the four names of an agency with checked ones (an admin's correction; the
/// e-Service list and search show the new names at once). `StoreError::NotFound` when
/// there is no such agency.
pub async fn update(
    store: &dyn Store,
    by: &Administrator,
    id: AgencyId,
    names: &AgencyNames,
) -> AppResult<Agency> {
    let agency = store.update_agency(id, stored(names)).await?;
    tracing::info!(agency = %agency.id, by = ?by.account(), "agency names updated");
    Ok(agency)
}
