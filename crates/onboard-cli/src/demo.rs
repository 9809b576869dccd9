//! `onboard demo`: a realistic Thai dataset: ministries and agencies, users of every role,
//! and e-Services at every step and status, made through the same store commands as real
//! use (so every rule of core applies to the demo too).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use onboard_core::file::{self, FileFacts};
use onboard_core::id::{FileId, UserId};
use onboard_core::notify::{self, MailConfig};
use onboard_core::reference::{Role, Step};
use onboard_core::schedule::{today_in_bangkok, ScheduleConfig};
use onboard_core::workflow::{Actor, Command, EService};
use onboard_store::password::{hash_password, OsCredentials};
use onboard_store::{CommandContext, NewAgency, NewFile, NewUser, Store, StoreError};
use serde::Serialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// The password of every demo account (meets the password policy).
pub const DEMO_PASSWORD: &str = "Tangrat2569";

/// One demo login, as printed.
#[derive(Debug, Clone, Serialize)]
pub struct Login {
    /// Role.
    pub role: Role,
    /// Username.
    pub username: String,
    /// Password.
    pub password: String,
    /// Agency (Thai name), for agency users.
    pub agency: Option<String>,
    /// Whether the account still has to do the first-login flow.
    pub first_login_pending: bool,
}

/// (slug, Thai name, English name, Thai ministry, English ministry)
type AgencyRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const AGENCIES: [AgencyRow; 5] = [
    (
        "dopa",
        "กรมการปกครอง",
        "Department of Provincial Administration",
        "กระทรวงมหาดไทย",
        "Ministry of Interior",
    ),
    (
        "rd",
        "กรมสรรพากร",
        "The Revenue Department",
        "กระทรวงการคลัง",
        "Ministry of Finance",
    ),
    (
        "doe",
        "กรมการจัดหางาน",
        "Department of Employment",
        "กระทรวงแรงงาน",
        "Ministry of Labour",
    ),
    (
        "doae",
        "กรมส่งเสริมการเกษตร",
        "Department of Agricultural Extension",
        "กระทรวงเกษตรและสหกรณ์",
        "Ministry of Agriculture and Cooperatives",
    ),
    (
        "nhso",
        "สำนักงานหลักประกันสุขภาพแห่งชาติ",
        "National Health Security Office",
        "กระทรวงสาธารณสุข",
        "Ministry of Public Health",
    ),
];

/// Where a demo e-Service stops.
#[derive(Debug, Clone, Copy)]
enum Stop {
    /// `n` steps completed; the next one just opened.
    Open(usize),
    /// `n` steps completed; the next one has a saved draft.
    Draft(usize),
    /// `n` steps completed; the next one is under review.
    UnderReview(usize),
    /// `n` steps completed; the next one was sent back.
    ChangesRequested(usize),
    /// All seven done; launch in the future.
    Scheduled,
    /// All seven done, launched weeks ago.
    Live,
}

/// (agency index, name, services, stop)
const SERVICES: [(usize, &str, &[&str], Stop); 16] = [
    (
        0,
        "ระบบทะเบียนราษฎร์ออนไลน์",
        &["ขอคัดสำเนาทะเบียนบ้าน", "แจ้งย้ายที่อยู่"],
        Stop::Open(0),
    ),
    (0, "ระบบนัดหมายทำบัตรประชาชน", &["จองคิวทำบัตร"], Stop::Draft(0)),
    (
        0,
        "ระบบตรวจสอบสถานะคำร้อง",
        &["ติดตามคำร้อง"],
        Stop::UnderReview(0),
    ),
    (
        1,
        "ระบบยื่นแบบภาษีเงินได้บุคคลธรรมดา",
        &["ยื่นแบบ ภ.ง.ด.90", "ยื่นแบบ ภ.ง.ด.91"],
        Stop::ChangesRequested(0),
    ),
    (1, "ระบบขอคืนภาษี", &["ติดตามการคืนภาษี"], Stop::UnderReview(1)),
    (
        1,
        "ระบบลดหย่อนภาษีออนไลน์",
        &["ตรวจสอบสิทธิลดหย่อน"],
        Stop::UnderReview(2),
    ),
    (
        2,
        "ระบบหางานออนไลน์",
        &["ค้นหาตำแหน่งงาน", "สมัครงาน"],
        Stop::ChangesRequested(2),
    ),
    (
        2,
        "ระบบขึ้นทะเบียนผู้ว่างงาน",
        &["ขึ้นทะเบียนว่างงาน"],
        Stop::UnderReview(3),
    ),
    (
        2,
        "ระบบแรงงานต่างด้าว",
        &["ยื่นคำขอใบอนุญาตทำงาน"],
        Stop::ChangesRequested(3),
    ),
    (
        3,
        "ระบบทะเบียนเกษตรกร",
        &["ปรับปรุงทะเบียนเกษตรกร"],
        Stop::Open(4),
    ),
    (
        3,
        "ระบบแจ้งเตือนภัยพืช",
        &["แจ้งเตือนการระบาด"],
        Stop::UnderReview(4),
    ),
    (
        3,
        "ระบบเงินช่วยเหลือเกษตรกร",
        &["ตรวจสอบสิทธิเงินช่วยเหลือ"],
        Stop::UnderReview(5),
    ),
    (
        4,
        "ระบบตรวจสอบสิทธิหลักประกันสุขภาพ",
        &["ตรวจสอบสิทธิบัตรทอง"],
        Stop::ChangesRequested(5),
    ),
    (4, "ระบบเปลี่ยนหน่วยบริการ", &["ย้ายหน่วยบริการ"], Stop::Open(6)),
    (4, "ระบบนัดหมายฉีดวัคซีน", &["จองวัคซีน"], Stop::Scheduled),
    (0, "ระบบแจ้งเกิดออนไลน์", &["แจ้งเกิด"], Stop::Live),
];

/// What an agency's demo forms refer to: its own names and its uploaded files.
struct Files {
    /// The agency's row of [`AGENCIES`], whose names go into the step-4 form.
    agency: AgencyRow,
    icon: FileId,
    screenshot: FileId,
    letter: FileId,
    result: FileId,
}

async fn upload(
    store: &dyn Store,
    agency: AgencyRow,
    officer: &Actor,
    at: DateTime<Utc>,
) -> Result<Files, StoreError> {
    let assets: [(&str, &[u8]); 4] = [
        ("ไอคอน.png", include_bytes!("../assets/icon-120.png")),
        ("หน้าจอหลัก.png", include_bytes!("../assets/screenshot.png")),
        ("หนังสือมอบหมาย.pdf", include_bytes!("../assets/letter.pdf")),
        (
            "ผลการทดสอบ.xlsx",
            include_bytes!("../assets/test-result.xlsx"),
        ),
    ];
    let mut ids = Vec::new();
    for (name, bytes) in assets {
        let facts = FileFacts::inspect(bytes).ok_or(StoreError::backend(format!(
            "demo asset {name} is not a known type"
        )))?;
        let meta = store
            .put_file(
                NewFile {
                    name: file::sanitize_name(name),
                    media_type: facts.media_type,
                    dimensions: facts.dimensions,
                    uploaded_by: officer.user_id(),
                    agency_id: officer.agency_id(),
                    uploaded_at: at,
                },
                bytes,
            )
            .await?;
        ids.push(meta.id);
    }
    Ok(Files {
        agency,
        icon: ids[0],
        screenshot: ids[1],
        letter: ids[2],
        result: ids[3],
    })
}

/// A sample form of `step` pointing at `files`, with dates fitting `today`.
fn form(step: Step, files: &Files, today: NaiveDate) -> Value {
    let mut v = onboard_core::samples::json(step);
    let date = |days: i64| (today + Duration::days(days)).to_string();
    match step {
        Step::Credential => {
            v["icon_file_id"] = json!(files.icon);
            v["planned_launch_date"] = json!(date(60));
        }
        Step::PlatformRequest => {
            v["requester"]["assignment_letter_file_id"] = json!(files.letter);
            // Approving step 4 makes these names official: keep each agency's own.
            let (slug, name_th, name_en, ministry_th, ministry_en) = files.agency;
            let agency = &mut v["requester"]["agency"];
            agency["name_th"] = json!(name_th);
            agency["name_en"] = json!(name_en);
            agency["abbr_th"] = json!(slug.to_uppercase());
            agency["abbr_en"] = json!(slug.to_uppercase());
            agency["parent_th"] = json!(ministry_th);
            agency["parent_en"] = json!(ministry_en);
            v["service"]["intended_launch_date"] = json!(date(60));
        }
        Step::PreprodSetup => {
            v["icon_file_id"] = json!(files.icon);
            v["screenshot_file_ids"] = json!([files.screenshot]);
        }
        Step::Launch => v["desired_date"] = json!(date(7)),
        Step::UatTest | Step::PreprodTest => v["file_id"] = json!(files.result),
        Step::UatSetup => {}
    }
    v
}

/// The command that submits `step`.
fn submit(step: Step, files: &Files, today: NaiveDate) -> Command {
    let payload = form(step, files, today);
    if step.is_test() {
        Command::AddAttempt {
            step,
            input: payload,
        }
    } else {
        Command::Submit {
            step,
            payload: Some(payload),
        }
    }
}

/// How many times [`seed`] calls its `progress` callback on an empty store (agencies, users,
/// then one per e-Service), for a progress bar.
pub const SEED_STEPS: u64 = 2 + SERVICES.len() as u64;

/// Seeds the demo data into an empty store and returns the logins. A store that already
/// has agencies is left as it is (the logins are the same every time).
pub async fn seed(
    store: &dyn Store,
    now: DateTime<Utc>,
    mail: &MailConfig,
    progress: &dyn Fn(&str),
) -> Result<Vec<Login>, StoreError> {
    let mut logins = Vec::new();
    let fresh = store.agencies().await?.is_empty();
    let mut account = |role: Role, username: &str, agency: Option<&str>, pending: bool| {
        logins.push(Login {
            role,
            username: username.to_owned(),
            password: DEMO_PASSWORD.to_owned(),
            agency: agency.map(str::to_owned),
            first_login_pending: pending,
        });
    };
    account(Role::Admin, "admin", None, false);
    account(Role::Reviewer, "reviewer", None, false);
    account(Role::Reviewer, "reviewer2", None, false);
    for (slug, name_th, ..) in AGENCIES {
        account(
            Role::Agency,
            &format!("officer.{slug}"),
            Some(name_th),
            false,
        );
    }
    account(Role::Agency, "newcomer.dopa", Some(AGENCIES[0].1), true);
    if !fresh {
        seed_templates(store, now).await?;
        return Ok(logins);
    }

    progress("agencies");
    let mut agencies = Vec::new();
    for (_, name_th, name_en, ministry_th, ministry_en) in AGENCIES {
        let a = store
            .create_agency(NewAgency {
                name_th: name_th.into(),
                name_en: name_en.into(),
                ministry_th: ministry_th.into(),
                ministry_en: ministry_en.into(),
            })
            .await?;
        agencies.push(a.id);
    }

    progress("users");
    let hash = hash_password(DEMO_PASSWORD)?;
    let mut actors = Vec::new();
    for login in &logins {
        let agency_id = login.agency.as_ref().and_then(|name| {
            AGENCIES
                .iter()
                .position(|a| a.1 == name)
                .map(|i| agencies[i])
        });
        let email = format!("{}@demo.dga.or.th", login.username.replace('.', "-"));
        let user = store
            .create_user(
                NewUser {
                    username: login.username.clone(),
                    email: email.clone(),
                    display_name: login.username.clone(),
                    role: login.role,
                    agency_id,
                    password_hash: hash.clone(),
                    created_at: now,
                },
                // The demo prints its shared password; the e-mails need not repeat it.
                notify::account_created(UserId::from_u128(0), &login.username, "********", mail),
            )
            .await?;
        if !login.first_login_pending {
            store
                .complete_first_login(user.id, &login.username, &hash)
                .await?;
        }
        actors.push(user.actor());
    }
    let reviewer = actors[1];
    let officer_of = |agency: usize| actors[3 + agency];

    let mail = Arc::new(mail.clone());
    let ctx = |at: DateTime<Utc>| CommandContext {
        now: at,
        schedule: Arc::new(ScheduleConfig::default()),
        credentials: Arc::new(OsCredentials),
        mail: mail.clone(),
    };
    let mut files = Vec::new();
    for (i, agency) in AGENCIES.iter().enumerate() {
        files.push(upload(store, *agency, &officer_of(i), now).await?);
    }

    for (agency, name, services, stop) in SERVICES {
        progress(name);
        let officer = officer_of(agency);
        // Live services were onboarded weeks ago, so their release Tuesday has passed.
        let at = if matches!(stop, Stop::Live) {
            now - Duration::days(45)
        } else {
            now
        };
        let c = ctx(at);
        let today = today_in_bangkok(at);
        let services: Vec<String> = services.iter().map(|s| (*s).to_owned()).collect();
        let mut svc: EService = store
            .create_eservice(&officer, Some(agencies[agency]), name, &services, &c)
            .await?;
        let f = &files[agency];
        let done = match stop {
            Stop::Open(n) | Stop::Draft(n) | Stop::UnderReview(n) | Stop::ChangesRequested(n) => n,
            Stop::Scheduled | Stop::Live => 7,
        };
        for &step in &Step::ALL[..done] {
            svc = store
                .execute(svc.id(), &officer, submit(step, f, today), None, &c)
                .await?;
            if step != Step::Launch {
                let approve = Command::Approve {
                    step,
                    note: Some("ผ่านการตรวจสอบ".into()),
                    credentials: None,
                    update_agency: false,
                };
                svc = store
                    .execute(svc.id(), &reviewer, approve, None, &c)
                    .await?;
            }
        }
        let Some(&next) = Step::ALL.get(done) else {
            continue;
        };
        match stop {
            Stop::Draft(_) if !next.is_test() => {
                let mut draft = form(next, f, today);
                if let Some(obj) = draft.as_object_mut() {
                    obj.retain(|k, _| k == "category" || k == "short_description");
                }
                store
                    .execute(
                        svc.id(),
                        &officer,
                        Command::SaveDraft {
                            step: next,
                            payload: draft,
                        },
                        None,
                        &c,
                    )
                    .await?;
            }
            Stop::UnderReview(_) => {
                store
                    .execute(svc.id(), &officer, submit(next, f, today), None, &c)
                    .await?;
            }
            Stop::ChangesRequested(_) => {
                store
                    .execute(svc.id(), &officer, submit(next, f, today), None, &c)
                    .await?;
                let reason = "กรุณาแก้ไข Landing Page URL ให้เป็นโดเมนของหน่วยงาน / Please use the agency's own domain for the landing page URL";
                let back = Command::RequestChanges {
                    step: next,
                    reason: reason.into(),
                };
                store.execute(svc.id(), &reviewer, back, None, &c).await?;
            }
            _ => {}
        }
    }
    seed_templates(store, now).await?;
    Ok(logins)
}

/// The two templates the project makes (`tools/templates/make_templates.py`), embedded in
/// the binary: (step, Thai title, English title, file name, bytes).
const TEMPLATES: [(Step, &str, &str, &str, &[u8]); 3] = [
    (
        Step::UatTest,
        "Template Minimum Testcase (UAT)",
        "Minimum Testcase template (UAT)",
        "Minimum Testcase (UAT).xlsx",
        include_bytes!("../../onboard-http/assets/templates/minimum-testcase.xlsx"),
    ),
    (
        Step::PreprodSetup,
        "Template Icon งานบริการและภาพหน้าจอตัวอย่าง",
        "Service icon and screenshot template",
        "รูปแบบการจัดทำ Icon และ Screenshot.png",
        include_bytes!("../../onboard-http/assets/templates/icon-screenshot-guide.png"),
    ),
    (
        Step::PreprodTest,
        "Template Minimum Testcase (Pre-Production)",
        "Minimum Testcase template (Pre-Production)",
        "Minimum Testcase (Pre-Production).xlsx",
        include_bytes!("../../onboard-http/assets/templates/minimum-testcase.xlsx"),
    ),
];

/// Adds the demo's templates that are not there yet (same step and Thai title), through
/// the admins' flow, as the demo admin when it exists and as the operator otherwise; so
/// running the demo again adds nothing.
async fn seed_templates(store: &dyn Store, now: DateTime<Utc>) -> Result<(), StoreError> {
    use onboard_app::accounts::Administrator;
    use onboard_app::templates::{self, Upload};
    let by = store
        .user_by_username("admin")
        .await?
        .and_then(|u| Administrator::of(&u).ok())
        .unwrap_or_else(Administrator::operator);
    let existing = store.templates().await?;
    for (step, title_th, title_en, file_name, bytes) in TEMPLATES {
        if existing
            .iter()
            .any(|t| t.step == step && t.title_th == title_th)
        {
            continue;
        }
        let upload = Upload {
            title_th,
            title_en,
            step: step.as_str(),
            file_name,
            content: Some(bytes),
        };
        templates::create(store, &by, upload, now)
            .await
            .map_err(|e| match e {
                onboard_app::AppError::Store(e) => e,
                other => StoreError::caused(format!("demo template {file_name}"), other),
            })?;
    }
    Ok(())
}
