//! Shared fixtures of the core tests: actors, a fixed clock and valid payloads of each step.
#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeZone, Utc};
use onboard_core::file::OfflineFiles;
use onboard_core::id::{AgencyId, EServiceId, UserId};
use onboard_core::reference::Step;
use onboard_core::schedule::ScheduleConfig;
use onboard_core::workflow::{self, Actor, EService, Env, Event, FixedCredentials};

pub const AGENCY: AgencyId = AgencyId::from_u128(0xA);
pub const OTHER_AGENCY: AgencyId = AgencyId::from_u128(0xB);

pub fn officer() -> Actor {
    Actor::officer(UserId::from_u128(0x1), AGENCY)
}
pub fn other_officer() -> Actor {
    Actor::officer(UserId::from_u128(0x2), OTHER_AGENCY)
}
pub fn reviewer() -> Actor {
    Actor::reviewer(UserId::from_u128(0x3))
}
pub fn admin() -> Actor {
    Actor::admin(UserId::from_u128(0x4))
}

/// Wednesday 2026-11-25, 10:00 in Bangkok.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).unwrap()
}

/// Owns what an [`Env`] borrows.
pub struct EnvParts {
    files: OfflineFiles,
    schedule: ScheduleConfig,
    issuer: FixedCredentials,
}

impl EnvParts {
    pub fn new() -> Self {
        EnvParts {
            files: OfflineFiles,
            schedule: ScheduleConfig::default(),
            issuer: FixedCredentials,
        }
    }
    pub fn env(&self) -> Env<'_> {
        Env {
            now: now(),
            files: &self.files,
            schedule: &self.schedule,
            credentials: &self.issuer,
            agency: None,
        }
    }
}

pub fn new_service(env: &Env) -> (EService, Vec<Event>) {
    workflow::create(
        &officer(),
        EServiceId::from_u128(0x5E),
        AGENCY,
        "ระบบแจ้งเตือนสิทธิสวัสดิการ",
        &["ขอรับเงินอุดหนุน".into()],
        env,
    )
    .expect("create")
}

/// A valid payload of a form step (steps 3 and 6 get an attempt body, which `submit` refuses).
pub fn valid_payload(step: Step) -> serde_json::Value {
    match step {
        Step::UatTest | Step::PreprodTest => attempt_input(true),
        form => onboard_core::samples::json(form),
    }
}

/// The officer's valid command on `step`: its form submitted, or a passed test attempt.
pub fn submit(step: Step) -> workflow::Command {
    if step.is_test() {
        workflow::Command::AddAttempt {
            step,
            input: attempt_input(true),
        }
    } else {
        workflow::Command::Submit {
            step,
            payload: Some(valid_payload(step)),
        }
    }
}

pub fn attempt_input(valid: bool) -> serde_json::Value {
    if valid {
        serde_json::json!({"details": "ทดสอบเข้าสู่ระบบด้วย ThaID ผ่านทุกกรณี", "file_id": "file-result-1"})
    } else {
        serde_json::json!({"details": "", "file_id": null})
    }
}
