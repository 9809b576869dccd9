//! Steps 2 `uat-setup` and 5 `preprod-setup`: profile access and testers, and at step 5 the
//! e-Service's final category, icon and screenshots (manual §4 and §7).

use super::check;
use super::check::Urls;
use super::limits;
use super::person::{self, RawTester, Tester};
use super::profile::{self, OidcLanding, ProfileAccess, RawProfileAccess};
use super::raw::raw_form;
use super::Context;
use crate::file::FilePurpose;
use crate::reference::Category;
use crate::validation::{Code, Issue, Path, Report};
use serde::{Deserialize, Serialize};

raw_form! {
    /// Step 2 as sent.
    struct RawSetupForm {
        profile_access: RawProfileAccess,
        testers: Vec<RawTester>,
    }
}

raw_form! {
    /// Step 5 as sent.
    struct RawPreprodSetupForm {
        category: String,
        icon_file_id: String,
        screenshot_file_ids: Vec<String>,
        profile_access: RawProfileAccess,
        testers: Vec<RawTester>,
    }
}

/// Step 2: how the UAT app reaches the e-Service, and who tests it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetupForm {
    /// Profile access; on UAT `http` is also accepted on `localhost` and `127.0.0.1`.
    pub profile_access: ProfileAccess,
    /// 1 to 50 testers.
    pub testers: Vec<Tester>,
}

/// Step 5: the e-Service as the app will show it, and the Pre-Production testers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreprodSetupForm {
    /// The real category (not `in_development`); it replaces the e-Service's category.
    pub category: Category,
    /// Icon งานบริการ: PNG or JPEG, 120x120 recommended.
    pub icon_file_id: String,
    /// ภาพหน้าจอตัวอย่าง: 1 to 10 PNG or JPEG files, each once.
    pub screenshot_file_ids: Vec<String>,
    /// Profile access (https only).
    pub profile_access: ProfileAccess,
    /// 1 to 50 testers.
    pub testers: Vec<Tester>,
}

pub(crate) fn validate_uat(r: &mut Report, raw: &RawSetupForm) -> Option<SetupForm> {
    let root = Path::root();
    let profile_access = profile::profile_access(
        r,
        &root.key("profile_access"),
        raw.profile_access.as_ref(),
        Urls::Uat,
        OidcLanding::Required,
    );
    let testers = person::testers(r, &root.key("testers"), &raw.testers);
    Some(SetupForm {
        profile_access: profile_access?,
        testers: testers?,
    })
}

pub(crate) fn validate_preprod(
    r: &mut Report,
    raw: &RawPreprodSetupForm,
    ctx: &Context<'_>,
) -> Option<PreprodSetupForm> {
    let root = Path::root();
    let category = final_category(r, &root.key("category"), &raw.category);
    let icon_file_id = check::icon(r, &root.key("icon_file_id"), &raw.icon_file_id, ctx);
    let screenshot_file_ids = screenshots(r, &root.key("screenshot_file_ids"), raw, ctx);
    let profile_access = profile::profile_access(
        r,
        &root.key("profile_access"),
        raw.profile_access.as_ref(),
        Urls::Https,
        OidcLanding::Required,
    );
    let testers = person::testers(r, &root.key("testers"), &raw.testers);
    Some(PreprodSetupForm {
        category: category?,
        icon_file_id: icon_file_id?,
        screenshot_file_ids: screenshot_file_ids?,
        profile_access: profile_access?,
        testers: testers?,
    })
}

/// Step 5 must settle the category that step 1 may have left `in_development` (manual §3.1).
fn final_category(r: &mut Report, path: &Path, raw: &Option<String>) -> Option<Category> {
    let category = check::choice::<Category>(r, path, raw)?;
    let ok = check::forbid(
        r,
        path,
        category == Category::InDevelopment,
        "กรุณาเลือกหมวดหมู่บริการจริง (\"บริการที่อยู่ระหว่างการพัฒนา\" ใช้ได้เฉพาะขั้นตอนขอ Credential)",
        "Choose the e-Service's real category (\"in development\" is only for the credential request)",
    );
    ok.then_some(category)
}

fn screenshots(
    r: &mut Report,
    path: &Path,
    raw: &RawPreprodSetupForm,
    ctx: &Context<'_>,
) -> Option<Vec<String>> {
    let Some(raw) = raw.screenshot_file_ids.as_deref() else {
        r.push(at_least_one_screenshot(path, Code::Required));
        return None;
    };
    if raw.is_empty() {
        r.push(at_least_one_screenshot(path, Code::TooShort));
        return None;
    }
    let mut ok = check::count(r, path, raw.len(), 1, limits::SCREENSHOTS_MAX);
    let mut ids = Vec::with_capacity(raw.len());
    let mut keyed = Vec::with_capacity(raw.len());
    for (i, item) in raw.iter().enumerate() {
        let at = path.index(i);
        match check::file(r, &at, &Some(item.clone()), ctx, FilePurpose::Screenshot) {
            Some((id, _)) => {
                keyed.push((i, at, id.clone()));
                ids.push(id);
            }
            None => ok = false,
        }
    }
    ok &= check::duplicates(r, keyed);
    ok.then_some(ids)
}

fn at_least_one_screenshot(path: &Path, code: Code) -> Issue {
    Issue::with_messages(
        path,
        code,
        "กรุณาอัปโหลดภาพหน้าจอตัวอย่างอย่างน้อย 1 รูป",
        "Upload at least 1 screenshot",
    )
}
