//! The full lifecycle of an e-Service as a list of commands, with the core's valid fixture
//! payloads whose file ids are replaced by really uploaded files. Shared by
//! `tests/postgres.rs` and `benches/store.rs` (`#[path]`-included: not a test target).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeZone, Utc};
use onboard_core::file::FileFacts;
use onboard_core::id::{AgencyId, UserId};
use onboard_core::notify::{account_created, MailConfig};
use onboard_core::reference::{Role, Step};
use onboard_core::schedule::ScheduleConfig;
use onboard_core::testing::files::{pdf, png};
use onboard_core::workflow::{Actor, Command, FixedCredentials};
use onboard_store::{CommandContext, NewAgency, NewFile, NewUser, Store};
use serde_json::Value;
use std::sync::Arc;

const STEP1: &str = onboard_core::samples::text(onboard_core::reference::Step::Credential);
const STEP2: &str = onboard_core::samples::text(onboard_core::reference::Step::UatSetup);
const STEP4: &str = onboard_core::samples::text(onboard_core::reference::Step::PlatformRequest);
const STEP5: &str = onboard_core::samples::text(onboard_core::reference::Step::PreprodSetup);
const STEP7: &str = onboard_core::samples::text(onboard_core::reference::Step::Launch);
const ATTEMPT: &str = onboard_core::samples::text(onboard_core::reference::Step::UatTest);

/// Wednesday 2026-11-25, 10:00 in Bangkok: the fixtures' dates are valid then.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).unwrap()
}

/// A command context at [`now`] with deterministic credentials.
pub fn ctx() -> CommandContext {
    ctx_at(now())
}

/// A command context at `at`.
pub fn ctx_at(at: DateTime<Utc>) -> CommandContext {
    CommandContext {
        now: at,
        schedule: Arc::new(ScheduleConfig::default()),
        credentials: Arc::new(FixedCredentials),
        mail: Arc::new(MailConfig::new("https://portal.example.go.th", "สพร. / DGA").unwrap()),
    }
}

/// One agency with an officer, and the staff who review.
pub struct Cast {
    /// The agency.
    pub agency: AgencyId,
    /// Its officer.
    pub officer: Actor,
    /// A DGA reviewer.
    pub reviewer: Actor,
}

/// A stand-in Argon2 hash: the store never checks it.
const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";

/// Creates an account (the welcome e-mail goes to the outbox).
pub async fn user(store: &dyn Store, role: Role, agency: Option<AgencyId>, name: &str) -> Actor {
    let new = NewUser {
        username: name.to_owned(),
        email: format!("{name}@example.go.th"),
        display_name: name.to_owned(),
        role,
        agency_id: agency,
        password_hash: HASH.to_owned(),
        created_at: now(),
    };
    let welcome = account_created(UserId::from_u128(0), name, "Initial123", &ctx().mail);
    store
        .create_user(new, welcome)
        .await
        .expect("create user")
        .actor()
}

/// An agency.
pub async fn agency(store: &dyn Store, n: usize) -> AgencyId {
    let new = NewAgency {
        // No word of the e-Service names the tests search for: agency names are searched too.
        name_th: format!("กรมทดสอบ {n}"),
        name_en: format!("Test Department {n}"),
        ministry_th: "กระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม".to_owned(),
        ministry_en: "Ministry of Digital Economy and Society".to_owned(),
    };
    store.create_agency(new).await.expect("create agency").id
}

/// An agency with one officer, plus a reviewer (named after `tag`, which must be unique).
pub async fn cast(store: &dyn Store, tag: &str) -> Cast {
    let agency = agency(store, 0).await;
    let officer = user(store, Role::Agency, Some(agency), &format!("officer_{tag}")).await;
    let reviewer = user(store, Role::Reviewer, None, &format!("reviewer_{tag}")).await;
    Cast {
        agency,
        officer,
        reviewer,
    }
}

async fn upload(store: &dyn Store, by: &Actor, name: &str, content: Vec<u8>) -> String {
    let facts = FileFacts::inspect(&content).expect("a recognized type");
    let file = NewFile {
        name: name.to_owned(),
        media_type: facts.media_type,
        dimensions: facts.dimensions,
        uploaded_by: by.user_id(),
        agency_id: by.agency_id(),
        uploaded_at: now(),
    };
    store
        .put_file(file, &content)
        .await
        .expect("upload")
        .id
        .to_string()
}

/// The payloads of one lifecycle, with the fixture file ids replaced by uploads of `by`.
#[derive(Debug, Clone)]
pub struct Payloads {
    /// Step 1 `credential`.
    pub step1: Value,
    /// Step 2 `uat-setup`.
    pub step2: Value,
    /// Step 4 `platform-request`.
    pub step4: Value,
    /// Step 5 `preprod-setup`.
    pub step5: Value,
    /// Step 7 `launch`.
    pub step7: Value,
    /// A test attempt of step 3 or 6.
    pub attempt: Value,
}

/// Uploads the files the fixtures reference (as `by`) and returns the payloads using them.
pub async fn payloads(store: &dyn Store, by: &Actor) -> Payloads {
    let icon = upload(store, by, "icon.png", png(120, 120, [0, 0, 0])).await;
    let mut shots = Vec::new();
    for i in 1..=3 {
        shots.push(
            upload(
                store,
                by,
                &format!("shot-{i}.png"),
                png(1080, 1920, [i, 0, 0]),
            )
            .await,
        );
    }
    let letter = upload(store, by, "หนังสือมอบหมาย.pdf", pdf("letter")).await;
    let result = upload(
        store,
        by,
        "ผลทดสอบ.csv",
        "กรณี,ผล\n1,ผ่าน\n".as_bytes().to_vec(),
    )
    .await;
    let swap = |text: &str| -> Value {
        let text = text
            .replace("file-icon-1", &icon)
            .replace("file-shot-1", &shots[0])
            .replace("file-shot-2", &shots[1])
            .replace("file-shot-3", &shots[2])
            .replace("file-letter-1", &letter)
            .replace("file-result-1", &result);
        serde_json::from_str(&text).expect("fixture JSON")
    };
    Payloads {
        step1: swap(STEP1),
        step2: swap(STEP2),
        step4: swap(STEP4),
        step5: swap(STEP5),
        step7: swap(STEP7),
        attempt: swap(ATTEMPT),
    }
}

/// Who issues a command of the walk.
pub use onboard_core::testing::walk::By;

fn submit(step: Step, payload: &Value) -> (By, Command) {
    let payload = Some(payload.clone());
    (By::Officer, Command::Submit { step, payload })
}

fn approve(step: Step) -> (By, Command) {
    let (note, credentials) = (None, None);
    let cmd = Command::Approve {
        step,
        note,
        credentials,
        update_agency: false,
    };
    (By::Reviewer, cmd)
}

fn attempt(step: Step, p: &Payloads) -> (By, Command) {
    let input = p.attempt.clone();
    (By::Officer, Command::AddAttempt { step, input })
}

/// Every command from a new e-Service to a scheduled launch: each form submitted and
/// approved, a first UAT attempt failed and a second passed, one pre-production attempt.
pub fn lifecycle(p: &Payloads) -> Vec<(By, Command)> {
    vec![
        submit(Step::Credential, &p.step1),
        approve(Step::Credential),
        submit(Step::UatSetup, &p.step2),
        approve(Step::UatSetup),
        attempt(Step::UatTest, p),
        (
            By::Reviewer,
            Command::RequestChanges {
                step: Step::UatTest,
                reason: "กรณีทดสอบที่ 7 ไม่ผ่าน".to_owned(),
            },
        ),
        attempt(Step::UatTest, p),
        approve(Step::UatTest),
        submit(Step::PlatformRequest, &p.step4),
        approve(Step::PlatformRequest),
        submit(Step::PreprodSetup, &p.step5),
        approve(Step::PreprodSetup),
        attempt(Step::PreprodTest, p),
        approve(Step::PreprodTest),
        submit(Step::Launch, &p.step7),
    ]
}
