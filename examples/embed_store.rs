//! Embed the SQLite store in a program: no server, the same transactions as `onboard serve`.
//!
//! `cargo run -p onboard-examples --example embed_store` creates a database in a temporary
//! directory, an agency with an officer and a DGA reviewer, and two e-Services; runs a few
//! commands through `Store::execute` (one of them rejected), then prints the dashboard
//! counts, the event log of the first e-Service and the e-mails waiting in the outbox.

use chrono::{Duration, Utc};
use onboard_core::id::{AgencyId, UserId};
use onboard_core::notify;
use onboard_core::reference::{Role, Step};
use onboard_core::schedule::{today_in_bangkok, ScheduleConfig};
use onboard_core::workflow::{Actor, Command};
use onboard_store::password::{hash_password, OsCredentials};
use onboard_store::sqlite::{SqliteOptions, SqliteStore};
use onboard_store::{CommandContext, NewAgency, NewUser, Scope, Store, StoreError};
use serde_json::json;
use std::sync::Arc;

type Error = Box<dyn std::error::Error>;

/// Creates an account; the store queues its welcome e-mail in the same transaction.
async fn account(
    store: &dyn Store,
    username: &str,
    role: Role,
    agency_id: Option<AgencyId>,
    password_hash: &str,
) -> Result<Actor, StoreError> {
    let user = NewUser {
        username: username.into(),
        email: format!("{username}@example.go.th"),
        display_name: username.into(),
        role,
        agency_id,
        password_hash: password_hash.into(),
        created_at: Utc::now(),
    };
    // The audience is filled in by the store with the new account's id.
    let welcome = notify::account_created(
        UserId::from_u128(0),
        username,
        "(printed once)",
        &notify::MailConfig::default(),
    );
    Ok(store.create_user(user, welcome).await?.actor())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("onboard.db");
    let store = SqliteStore::open(&path, SqliteOptions::default())?;
    store.migrate().await?;
    println!("database: SQLite, migrated");

    let agency = store
        .create_agency(NewAgency {
            name_th: "กรมกิจการผู้สูงอายุ".into(),
            name_en: "Department of Older Persons".into(),
            ministry_th: "กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์".into(),
            ministry_en: "Ministry of Social Development and Human Security".into(),
        })
        .await?;
    let hash = hash_password("Example2569")?;
    let officer = account(&store, "officer.dop", Role::Agency, Some(agency.id), &hash).await?;
    let reviewer = account(&store, "reviewer", Role::Reviewer, None, &hash).await?;

    let ctx = CommandContext {
        now: Utc::now(),
        schedule: Arc::new(ScheduleConfig::default()),
        credentials: Arc::new(OsCredentials),
        mail: Arc::new(notify::MailConfig::default()),
    };
    let today = today_in_bangkok(ctx.now);
    let pension = store
        .create_eservice(
            &officer,
            Some(agency.id),
            "ระบบเบี้ยยังชีพผู้สูงอายุ",
            &["ลงทะเบียนรับเบี้ยยังชีพ".into(), "ตรวจสอบสถานะการจ่าย".into()],
            &ctx,
        )
        .await?;
    let care = store
        .create_eservice(
            &officer,
            Some(agency.id),
            "ระบบขอรับบริการดูแลผู้สูงอายุ",
            &["จองบริการดูแลที่บ้าน".into()],
            &ctx,
        )
        .await?;

    // Step 1 without an icon (an icon would be an uploaded file), launching within the
    // deadline of the current fiscal year.
    let mut step1 = onboard_core::samples::json(Step::Credential);
    step1["icon_file_id"] = json!(null);
    step1["icon_concept"] = json!(null);
    let planned = ctx
        .schedule
        .launch_deadline_for(today)
        .min(today + Duration::days(60));
    step1["planned_launch_date"] = json!(planned);
    let step2 = onboard_core::samples::json(Step::UatSetup);

    let commands = [
        (
            &officer,
            Command::Submit {
                step: Step::Credential,
                payload: Some(step1.clone()),
            },
        ),
        (
            &reviewer,
            Command::Approve {
                step: Step::Credential,
                note: Some("ผ่าน".into()),
                credentials: None,
                update_agency: false,
            },
        ),
        (
            &officer,
            Command::Submit {
                step: Step::UatSetup,
                payload: Some(step2),
            },
        ),
        (
            &reviewer,
            Command::RequestChanges {
                step: Step::UatSetup,
                reason: "กรุณาเพิ่มผู้ทดสอบที่ใช้ iOS".into(),
            },
        ),
    ];
    for (actor, command) in commands {
        let svc = store
            .execute(pension.id(), actor, command, None, &ctx)
            .await?;
        println!(
            "{}: version {}, step {} {}",
            svc.name(),
            svc.version(),
            svc.current_step().number(),
            svc.current_status().title_th()
        );
    }
    // A rejected command changes nothing and says why.
    let early = Command::Approve {
        step: Step::UatTest,
        note: None,
        credentials: None,
        update_agency: false,
    };
    match store
        .execute(pension.id(), &reviewer, early, None, &ctx)
        .await
    {
        Err(StoreError::Command(e)) => println!("rejected: {} ({e})", e.code()),
        other => return Err(format!("expected a rejection, got {other:?}").into()),
    }
    store
        .execute(
            care.id(),
            &officer,
            Command::SaveDraft {
                step: Step::Credential,
                payload: json!({"short_description": "จองบริการดูแลผู้สูงอายุที่บ้าน"}),
            },
            None,
            &ctx,
        )
        .await?;

    let counts = store.dashboard(Scope::All, today).await?;
    println!("\ndashboard (all agencies):");
    for (label, n) in [
        ("งานบริการทั้งหมด / total", counts.total),
        ("งานที่รอดำเนินการ / pending action", counts.pending_action),
        ("รอตรวจสอบ / awaiting review", counts.awaiting_review),
        ("กำลังทดสอบ UAT / testing UAT", counts.testing_uat),
        ("เปิดให้บริการแล้ว / launched", counts.launched),
        ("% APPROVED", counts.approved_percent),
    ] {
        println!("  {label:<40} {n}");
    }

    println!("\nevent log of {}:", pension.name());
    for e in store.events(pension.id()).await? {
        let step = e
            .event
            .step
            .map_or(String::new(), |s| format!(" step {}", s.number()));
        let statuses = match (e.event.from_status, e.event.to_status) {
            (Some(from), Some(to)) => format!(" {from} -> {to}"),
            (None, Some(to)) => format!(" -> {to}"),
            _ => String::new(),
        };
        println!(
            "  #{} v{} {}{step}{statuses}",
            e.seq,
            e.event.version,
            e.event.change.kind()
        );
    }

    let outbox = store.outbox(None, 100).await?;
    println!("\noutbox: {} e-mails waiting for delivery", outbox.len());
    for m in outbox.iter().rev() {
        println!("  {:<28} {}", m.to, m.subject);
    }
    Ok(())
}
