//! Validate step payloads and run the seven-step state machine with no storage.
//!
//! `cargo run -p onboard-examples --example walk` prints what an agency officer and a DGA
//! reviewer see as one e-Service goes from credential request to its release Tuesday:
//! a rejected form with every problem listed, then each step's status and the launch date.

use chrono::{TimeZone, Utc};
use onboard_core::id::{AgencyId, EServiceId, UserId};
use onboard_core::reference::Step;
use onboard_core::schedule::thai_date;
use onboard_core::workflow::{self, Actor, Command, CommandError, Env};

fn main() -> Result<(), CommandError> {
    let agency = AgencyId::from_u128(1);
    let officer = Actor::officer(UserId::from_u128(2), agency);
    let reviewer = Actor::reviewer(UserId::from_u128(3));
    // Core never reads the clock: it is given a Wednesday morning in Bangkok.
    let env = Env::offline(
        Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0)
            .single()
            .unwrap_or_default(),
    );
    let name = "ระบบแจ้งเตือนสิทธิสวัสดิการ";
    let (mut svc, _) = workflow::create(
        &officer,
        EServiceId::from_u128(10),
        agency,
        name,
        &["ลงทะเบียนรับสิทธิ".into()],
        &env,
    )?;

    for &step in Step::ALL {
        if step == Step::UatSetup {
            // The manual's own sample tester: its citizen ID fails the check digit and the mobile
            // number has 11 digits. The form comes back with every problem at once.
            let mut bad = onboard_core::samples::json(Step::UatSetup);
            bad["testers"][0]["citizen_id"] = "1111111111111".into();
            bad["testers"][0]["phone"] = "08123456789".into();
            if let Err(CommandError::Invalid(report)) = workflow::execute(
                &svc,
                &officer,
                Command::Submit {
                    step: Step::UatSetup,
                    payload: Some(bad),
                },
                None,
                &env,
            ) {
                for issue in &report.errors {
                    println!(
                        "rejected {}: {} ({} / {})",
                        issue.field, issue.code, issue.message_th, issue.message_en
                    );
                }
            }
        }
        let command = if step.is_test() {
            Command::AddAttempt {
                step,
                input: onboard_core::samples::json(step),
            }
        } else {
            Command::Submit {
                step,
                payload: Some(onboard_core::samples::json(step)),
            }
        };
        svc = workflow::execute(&svc, &officer, command, None, &env)?.0;
        if step != Step::Launch {
            svc = workflow::execute(
                &svc,
                &reviewer,
                Command::Approve {
                    step,
                    note: None,
                    credentials: None,
                    update_agency: false,
                },
                None,
                &env,
            )?
            .0;
        }
    }
    for &step in Step::ALL {
        println!(
            "{} {} - {}",
            step.number(),
            step.title_th(),
            svc.step(step).status.title_th()
        );
    }
    if let Some(day) = svc.launch_on() {
        println!(
            "เปิดให้บริการ / goes live: {} ({day}), version {}",
            thai_date(day),
            svc.version()
        );
    }
    Ok(())
}
