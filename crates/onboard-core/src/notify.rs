//! Which events notify whom, with what words (SPEC §8). Thai first, English second.
//!
//! Core does not know the users: a [`Notice`] names an [`Audience`], and the store resolves
//! it to accounts inside the same transaction as the change, writing one notification and
//! one outbox e-mail per recipient.

use crate::reference::{Environment, Step};
use crate::schedule::thai_date;
use crate::workflow::{Change, EService, Event};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Who receives a notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Audience {
    /// Every enabled reviewer and admin (DGA).
    Staff,
    /// Every enabled user of one agency.
    Agency(Uuid),
    /// One user.
    User(Uuid),
}

/// The kind of a notification, as stored and filtered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// A step (or a test attempt) waits for review.
    Submitted,
    /// A step was approved.
    Approved,
    /// A step was sent back with a reason.
    ChangesRequested,
    /// Credentials were issued.
    CredentialsIssued,
    /// The launch is on the release train.
    LaunchScheduled,
    /// A new account (e-mail only, with the initial credentials).
    AccountCreated,
}

impl NoticeKind {
    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Submitted => "submitted",
            NoticeKind::Approved => "approved",
            NoticeKind::ChangesRequested => "changes_requested",
            NoticeKind::CredentialsIssued => "credentials_issued",
            NoticeKind::LaunchScheduled => "launch_scheduled",
            NoticeKind::AccountCreated => "account_created",
        }
    }
}

/// One message to an audience, shown in the portal and sent by e-mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// Who gets it.
    pub audience: Audience,
    /// What it is about.
    pub kind: NoticeKind,
    /// Title in Thai.
    pub title_th: String,
    /// Title in English.
    pub title_en: String,
    /// Body in Thai.
    pub body_th: String,
    /// Body in English.
    pub body_en: String,
}

impl Notice {
    /// The e-mail subject: Thai, then English.
    pub fn subject(&self) -> String {
        format!("{} / {}", self.title_th, self.title_en)
    }

    /// The e-mail body: the Thai text, a blank line, the English text.
    pub fn email_body(&self) -> String {
        format!("{}\n\n{}\n", self.body_th, self.body_en)
    }
}

/// The notices caused by one event of `service` (the state after the command).
///
/// ```
/// # use onboard_core::notify::{notices, Audience};
/// # use onboard_core::workflow::{Change, EService, Event};
/// # use onboard_core::reference::Step;
/// # use chrono::{TimeZone, Utc};
/// # use uuid::Uuid;
/// let created = Event {
///     eservice_id: Uuid::from_u128(1), version: 1, at: Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).unwrap(),
///     actor: Uuid::from_u128(2), step: None, from_status: None, to_status: None,
///     change: Change::Created { agency_id: Uuid::from_u128(3), name: "ระบบ".into(), services: vec!["งาน".into()] },
/// };
/// let svc = EService::from_events([&created]).unwrap();
/// assert!(notices(&created, &svc).is_empty());
/// ```
pub fn notices(event: &Event, service: &EService) -> Vec<Notice> {
    let agency = Audience::Agency(service.agency_id);
    let name = &service.name;
    let step = event.step.unwrap_or(Step::Credential);
    let (n, th, en) = (step.number(), step.title_th(), step.title_en());
    let notice =
        |audience, kind, title_th: String, title_en: String, body_th: String, body_en: String| {
            Notice {
                audience,
                kind,
                title_th,
                title_en,
                body_th,
                body_en,
            }
        };
    match &event.change {
        Change::Submitted { .. } if step != Step::Launch => vec![notice(
            Audience::Staff,
            NoticeKind::Submitted,
            format!("รอตรวจสอบ: {name}"),
            format!("Awaiting review: {name}"),
            format!("e-Service \"{name}\" ส่งขั้นตอนที่ {n} {th} เพื่อรอการตรวจสอบ"),
            format!("e-Service \"{name}\" submitted step {n} ({en}) for review."),
        )],
        Change::AttemptAdded { attempt } => vec![notice(
            Audience::Staff,
            NoticeKind::Submitted,
            format!("ผลการทดสอบรอตรวจสอบ: {name}"),
            format!("Test result awaiting review: {name}"),
            format!(
                "e-Service \"{name}\" ส่งผลการทดสอบครั้งที่ {} ของขั้นตอนที่ {n} {th}",
                attempt.number
            ),
            format!(
                "e-Service \"{name}\" added test attempt {} to step {n} ({en}).",
                attempt.number
            ),
        )],
        Change::Approved { note } => vec![notice(
            agency,
            NoticeKind::Approved,
            format!("อนุมัติแล้ว: {name}"),
            format!("Approved: {name}"),
            format!("ขั้นตอนที่ {n} {th} ได้รับการอนุมัติแล้ว{}", note_suffix(note)),
            format!("Step {n} ({en}) was approved.{}", note_suffix(note)),
        )],
        Change::ChangesRequested { reason } => vec![notice(
            agency,
            NoticeKind::ChangesRequested,
            format!("ต้องแก้ไข: {name}"),
            format!("Changes requested: {name}"),
            format!("ขั้นตอนที่ {n} {th} ต้องแก้ไข: {reason}"),
            format!("Step {n} ({en}) needs changes: {reason}"),
        )],
        Change::CredentialsIssued { environment, .. } => {
            let (env_th, env_en) = match environment {
                Environment::Uat => ("UAT", "UAT"),
                Environment::Production => ("Production", "production"),
            };
            // The secret is never put in a message: it is shown in the portal only.
            vec![notice(
                agency,
                NoticeKind::CredentialsIssued,
                format!("ออก Credential {env_th} แล้ว: {name}"),
                format!("{env_en} credentials issued: {name}"),
                format!("ออก Credential สำหรับ {env_th} แล้ว ดู App Id และ Consumer Key ได้ในระบบติดตามสถานะ"),
                format!("The {env_en} credentials were issued; see the App Id and Consumer Key in the portal."),
            )]
        }
        Change::LaunchScheduled { launch_on, .. } => {
            let date_th = thai_date(*launch_on);
            [agency, Audience::Staff]
                .into_iter()
                .map(|audience| {
                    notice(
                        audience,
                        NoticeKind::LaunchScheduled,
                        format!("กำหนดเปิดให้บริการ: {name}"),
                        format!("Launch scheduled: {name}"),
                        format!("e-Service \"{name}\" จะเปิดให้บริการบนทางรัฐในวันอังคารที่ {date_th}"),
                        format!(
                            "e-Service \"{name}\" goes live on Tang Rat on Tuesday {launch_on}."
                        ),
                    )
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

fn note_suffix(note: &Option<String>) -> String {
    note.as_ref()
        .map_or_else(String::new, |n| format!(" ({n})"))
}

/// The e-mail to a new account with its initial credentials (manual §1). E-mail only: it
/// is never stored as a portal notification, and never logged.
pub fn account_created(
    user: Uuid,
    display_name: &str,
    username: &str,
    password: &str,
    portal_url: &str,
) -> Notice {
    Notice {
        audience: Audience::User(user),
        kind: NoticeKind::AccountCreated,
        title_th: "บัญชีผู้ใช้ระบบติดตามสถานะ".into(),
        title_en: "Your onboarding portal account".into(),
        body_th: format!(
            "เรียน {display_name}\nชื่อผู้ใช้งาน: {username}\nรหัสผ่าน: {password}\nกรุณาเข้าสู่ระบบที่ {portal_url} ระบบจะให้ตั้งชื่อผู้ใช้งานและรหัสผ่านใหม่ในการเข้าสู่ระบบครั้งแรก"
        ),
        body_en: format!(
            "Dear {display_name}\nUsername: {username}\nPassword: {password}\nSign in at {portal_url}; you will choose a new username and password at first login."
        ),
    }
}
