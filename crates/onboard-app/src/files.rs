//! Reading an uploaded file: who may (SPEC §9), in one place for the API's download and the
//! portal's previews.

use crate::AppResult;
use onboard_core::id::FileId;
use onboard_store::{FileMeta, Store, User};

/// The file `id` with its content, if `user` may read it: staff read every file, an agency
/// officer only their own agency's. A file the user may not read does not exist for them.
pub async fn readable(
    store: &dyn Store,
    user: &User,
    id: FileId,
) -> AppResult<Option<(FileMeta, Vec<u8>)>> {
    let Some(meta) = store.file(id).await?.filter(|m| may_read(user, m)) else {
        return Ok(None);
    };
    Ok(store.file_content(id).await?.map(|content| (meta, content)))
}

/// Whether `user` may read the file `meta` describes: staff every file, an agency officer
/// only their own agency's.
pub fn may_read(user: &User, meta: &FileMeta) -> bool {
    user.role.is_staff() || (meta.agency_id.is_some() && meta.agency_id == user.agency_id)
}
