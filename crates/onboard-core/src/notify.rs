//! Which events notify whom, with what words (SPEC §8). Thai first, English second.
//!
//! Core does not know the users: a [`Notice`] names an [`Audience`], and the store resolves
//! it inside the same transaction as the change, writing one portal notification and one
//! outbox e-mail per account of the audience. An [`Audience::Address`] is a bare e-mail
//! address (the step-4 administrator, who may have no account): it gets the e-mail only.
//!
//! E-mails read like official correspondence ([`Notice::email_body`]): "เรียน" and the
//! recipient's name (which only the store knows, so the body is built around it), the
//! message, a link to the page it is about ([`MailConfig::eservice_url`], or the login page
//! for a new account), "จึงเรียนมาเพื่อโปรดทราบ", the same in English, and DGA's signature
//! ([`MailConfig::signature`]).
//!
//! What never goes into a notice: an unmasked citizen ID (free text is masked with
//! [`mask_citizen_ids_in_text`]) and a consumer secret (only the App Id and the Consumer Key
//! are mailed; the secret is shown in the portal to the owning agency only).

use crate::id::{AgencyId, EServiceId, UserId};
use crate::payload::{LaunchRequest, PlatformRequest};
use crate::privacy::mask_citizen_ids_in_text;
use crate::reference::{Environment, Step};
use crate::schedule::thai_date;
use crate::workflow::{Change, EService, Event};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;

/// Who receives a notice.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Audience {
    /// Every enabled reviewer and admin (DGA).
    Staff,
    /// Every enabled user of one agency.
    Agency(AgencyId),
    /// One user.
    User(UserId),
    /// One e-mail address, which may belong to no account: e-mail only, never a portal
    /// notification (the step-4 administrator receiving the production credentials).
    Address {
        /// The address, as the form gave it.
        email: String,
        /// The name to greet ("เรียน {name}").
        name: String,
    },
}

/// The kind of a notification, as stored and filtered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
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
    /// An admin moved the launch to another release Tuesday.
    LaunchRescheduled,
    /// A new account (e-mail only, with the initial credentials).
    AccountCreated,
    /// An admin reset the account's credentials (e-mail only, with the new initial
    /// password).
    CredentialsReset,
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
            NoticeKind::LaunchRescheduled => "launch_rescheduled",
            NoticeKind::AccountCreated => "account_created",
            NoticeKind::CredentialsReset => "credentials_reset",
        }
    }
}

/// The portal address of the default `onboard serve` (`--addr 127.0.0.1:8080`).
pub const DEFAULT_PORTAL_URL: &str = "http://127.0.0.1:8080";

/// The signature under every e-mail unless configured (`--mail-signature`): DGA and its
/// contact channels, Thai first, English second.
pub const DEFAULT_SIGNATURE: &str = "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน) (สพร.)
DGA Contact Center โทร. 02 612 6060 อีเมล contact@dga.or.th เว็บไซต์ https://www.dga.or.th
Digital Government Development Agency (Public Organization) (DGA)
DGA Contact Center: +66 2 612 6060, contact@dga.or.th, https://www.dga.or.th";

/// Where e-mails link to and how they are signed: configuration of the server (SPEC §8:
/// `--portal-url`, which defaults to the address the server listens on, and
/// `--mail-signature`).
///
/// ```
/// use onboard_core::notify::MailConfig;
/// let mail = MailConfig::new("https://onboard.apps.go.th/", "สพร.").unwrap();
/// assert_eq!(mail.portal_url(), "https://onboard.apps.go.th");
/// assert_eq!(mail.login_url(), "https://onboard.apps.go.th/");
/// assert_eq!(
///     mail.eservice_url(onboard_core::id::EServiceId::from_u128(0)),
///     "https://onboard.apps.go.th/eservices/00000000-0000-0000-0000-000000000000"
/// );
/// let local = MailConfig::listening_on("127.0.0.1:9090".parse().unwrap());
/// assert_eq!(local.login_url(), "http://127.0.0.1:9090/");
/// assert!(MailConfig::new("onboard.apps.go.th", "สพร.").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailConfig {
    /// Without a trailing slash, so that paths are appended as `/eservices/...`.
    portal_url: String,
    signature: String,
}

/// Why a [`MailConfig`] was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MailConfigError {
    /// Not an absolute `http`/`https` URL with a host and without user-info, query or
    /// fragment.
    #[error(
        "portal URL `{0}`: expected an absolute http:// or https:// URL with a host, \
         without user name, query or fragment"
    )]
    PortalUrl(String),
    /// The signature is blank.
    #[error("the e-mail signature is empty")]
    EmptySignature,
}

impl Default for MailConfig {
    /// [`DEFAULT_PORTAL_URL`] and [`DEFAULT_SIGNATURE`].
    fn default() -> Self {
        MailConfig {
            portal_url: DEFAULT_PORTAL_URL.to_owned(),
            signature: DEFAULT_SIGNATURE.to_owned(),
        }
    }
}

impl MailConfig {
    /// The portal at `portal_url` (trailing slashes ignored), e-mails signed `signature`
    /// (trimmed; line breaks kept).
    pub fn new(portal_url: &str, signature: &str) -> Result<MailConfig, MailConfigError> {
        let signature = signature.trim();
        if signature.is_empty() {
            return Err(MailConfigError::EmptySignature);
        }
        Ok(MailConfig {
            portal_url: portal_base(portal_url)
                .ok_or_else(|| MailConfigError::PortalUrl(portal_url.to_owned()))?,
            signature: signature.to_owned(),
        })
    }

    /// The portal of a server listening on `addr` (`http://{addr}`), with the default
    /// signature: what e-mails link to unless a portal URL is configured.
    pub fn listening_on(addr: SocketAddr) -> MailConfig {
        MailConfig {
            portal_url: format!("http://{addr}"),
            ..MailConfig::default()
        }
    }

    /// The same settings with another signature.
    pub fn with_signature(self, signature: &str) -> Result<MailConfig, MailConfigError> {
        MailConfig::new(&self.portal_url, signature)
    }

    /// The portal's base URL, without a trailing slash.
    pub fn portal_url(&self) -> &str {
        &self.portal_url
    }

    /// The signature under every e-mail.
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// The portal's root, where one logs in.
    pub fn login_url(&self) -> String {
        format!("{}/", self.portal_url)
    }

    /// The page of one e-Service.
    pub fn eservice_url(&self, id: EServiceId) -> String {
        format!("{}/eservices/{id}", self.portal_url)
    }
}

/// `raw` without trailing slashes, if it is an absolute http(s) URL with a host and nothing
/// that would break a path appended to it.
fn portal_base(raw: &str) -> Option<String> {
    let url = raw.trim().trim_end_matches('/');
    let lower = url.to_ascii_lowercase();
    let rest_at = if lower.starts_with("https://") {
        8
    } else if lower.starts_with("http://") {
        7
    } else {
        return None;
    };
    let rest = url.get(rest_at..)?;
    let host = rest.split('/').next().unwrap_or_default();
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    let rest_ok = !rest
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '?' | '#' | '@'));
    (host_ok && rest_ok).then(|| url.to_owned())
}

/// What notices need beside the event and the e-Service.
#[derive(Debug, Clone, Copy)]
pub struct NoticeContext<'a> {
    /// The Thai name of the e-Service's agency: notices to DGA staff name it.
    pub agency_name_th: &'a str,
    /// Links and signature of the e-mails.
    pub mail: &'a MailConfig,
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
    /// The page the notice is about: the e-Service's page, or the portal's login page for a
    /// new account.
    pub link: String,
    /// The signature under the e-mail.
    pub signature: String,
    /// The part of the texts that only the recipient may read (the initial password of a
    /// welcome e-mail). The e-mail carries it; listings of the outbox hide it unless asked
    /// (SPEC §8, §11). Marked here, where the text is written, rather than searched for
    /// later: no pattern over a body can know which word is a password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

impl Notice {
    /// The e-mail subject: Thai, then English.
    pub fn subject(&self) -> String {
        format!("{} / {}", self.title_th, self.title_en)
    }

    /// The e-mail body around the recipient's name: joining the three parts with the name
    /// gives [`Notice::email_body`]. A store that fills in the name while resolving the
    /// audience in SQL uses these.
    pub fn email_parts(&self) -> [String; 3] {
        let (link_th, link_en) = match self.kind {
            NoticeKind::AccountCreated | NoticeKind::CredentialsReset => {
                ("เข้าสู่ระบบได้ที่", "Sign in at")
            }
            _ => ("ดูรายละเอียดได้ที่", "Details:"),
        };
        let link = &self.link;
        [
            "เรียน ".to_owned(),
            format!(
                "\n\n{}\n\n{link_th} {link}\n\nจึงเรียนมาเพื่อโปรดทราบ\n\n---\n\nDear ",
                self.body_th
            ),
            format!(
                ",\n\n{}\n\n{link_en} {link}\n\nYours sincerely,\n\n{}\n",
                self.body_en, self.signature
            ),
        ]
    }

    /// The e-mail body to `display_name`: "เรียน {name}", the Thai message, the link,
    /// "จึงเรียนมาเพื่อโปรดทราบ"; "Dear {name}", the English message, the link; the signature.
    ///
    /// ```
    /// use onboard_core::notify::{account_created, MailConfig};
    /// let mail = MailConfig::new("https://onboard.apps.go.th", "สพร. / DGA").unwrap();
    /// let welcome = account_created(onboard_core::id::UserId::from_u128(0), "somchai.k", "Xy7pQ2rT9wLm", &mail);
    /// let body = welcome.email_body("สมชาย ใจดี");
    /// assert!(body.starts_with("เรียน สมชาย ใจดี\n\n"));
    /// assert!(body.contains("เข้าสู่ระบบได้ที่ https://onboard.apps.go.th/\n"));
    /// assert!(body.contains("จึงเรียนมาเพื่อโปรดทราบ"));
    /// assert!(body.contains("Dear สมชาย ใจดี,"));
    /// assert!(body.ends_with("สพร. / DGA\n"));
    /// assert_eq!(welcome.secret.as_deref(), Some("Xy7pQ2rT9wLm"));
    /// ```
    pub fn email_body(&self, display_name: &str) -> String {
        self.email_parts().join(display_name)
    }

    /// Replaces every occurrence of `secret` in the texts.
    fn scrub(&mut self, secret: &str) {
        for text in [
            &mut self.title_th,
            &mut self.title_en,
            &mut self.body_th,
            &mut self.body_en,
        ] {
            if text.contains(secret) {
                *text = text.replace(secret, SCRUBBED);
            }
        }
    }
}

/// What replaces a consumer secret found in a message text.
const SCRUBBED: &str = "********";

/// Consumer secrets shorter than this are not searched for in texts: a reviewer may type a
/// short test value, and replacing it everywhere would garble the message. Generated
/// secrets have 32 characters.
const MIN_SCRUBBED_SECRET: usize = 8;

/// The notices caused by one event of `service` (the state after the command).
///
/// ```
/// # use onboard_core::notify::{notices, MailConfig, NoticeContext};
/// # use onboard_core::workflow::{Change, EService, Event};
/// # use chrono::{TimeZone, Utc};
/// # use onboard_core::id::{AgencyId, EServiceId, UserId};
/// let created = Event {
///     eservice_id: EServiceId::from_u128(1), version: 1, at: Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).unwrap(),
///     actor: UserId::from_u128(2), step: None, from_status: None, to_status: None,
///     change: Change::Created { agency_id: AgencyId::from_u128(3), name: "ระบบ".into(), services: vec!["งาน".into()] },
/// };
/// let svc = EService::from_events([&created]).unwrap();
/// let ctx = NoticeContext { agency_name_th: "กรมการปกครอง", mail: &MailConfig::default() };
/// assert!(notices(&created, &svc, &ctx).is_empty());
/// ```
pub fn notices(event: &Event, service: &EService, ctx: &NoticeContext<'_>) -> Vec<Notice> {
    let agency = Audience::Agency(service.agency_id);
    let name = &service.name;
    let by = ctx.agency_name_th;
    let step = event.step.unwrap_or(Step::Credential);
    let (n, th, en) = (step.number(), step.title_th(), step.title_en());
    let link = ctx.mail.eservice_url(service.id);
    let notice =
        |audience, kind, title_th: String, title_en: String, body_th: String, body_en: String| {
            Notice {
                audience,
                kind,
                title_th,
                title_en,
                body_th,
                body_en,
                link: link.clone(),
                signature: ctx.mail.signature().to_owned(),
                secret: None,
            }
        };
    let mut out = match &event.change {
        Change::Submitted { .. } if step != Step::Launch => vec![notice(
            Audience::Staff,
            NoticeKind::Submitted,
            format!("รอตรวจสอบ: {name} ({by})"),
            format!("Awaiting review: {name} ({by})"),
            format!("{by} ส่งขั้นตอนที่ {n} {th} ของ e-Service \"{name}\" เพื่อรอการตรวจสอบ"),
            format!("{by} submitted step {n} ({en}) of e-Service \"{name}\" for review."),
        )],
        Change::AttemptAdded { attempt } => vec![notice(
            Audience::Staff,
            NoticeKind::Submitted,
            format!("ผลการทดสอบรอตรวจสอบ: {name} ({by})"),
            format!("Test result awaiting review: {name} ({by})"),
            format!(
                "{by} ส่งผลการทดสอบครั้งที่ {} ในขั้นตอนที่ {n} {th} ของ e-Service \"{name}\" เพื่อรอการตรวจสอบ",
                attempt.number
            ),
            format!(
                "{by} added test attempt {} to step {n} ({en}) of e-Service \"{name}\" for review.",
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
        Change::ChangesRequested { reason } => {
            let reason = mask_citizen_ids_in_text(reason);
            vec![notice(
                agency,
                NoticeKind::ChangesRequested,
                format!("ต้องแก้ไข: {name}"),
                format!("Changes requested: {name}"),
                format!("ขั้นตอนที่ {n} {th} ต้องแก้ไข: {reason}"),
                format!("Step {n} ({en}) needs changes: {reason}"),
            )]
        }
        Change::CredentialsIssued {
            environment,
            credentials,
        } => {
            let (env_th, env_en) = match environment {
                Environment::Uat => ("UAT", "UAT"),
                Environment::Production => ("Production", "production"),
            };
            // The agency's officers read the App Id, the Consumer Key and the secret in the
            // portal.
            let mut out = vec![notice(
                agency,
                NoticeKind::CredentialsIssued,
                format!("ออก Credential {env_th} แล้ว: {name}"),
                format!("{env_en} credentials issued: {name}"),
                format!("ออก Credential สำหรับ {env_th} แล้ว ดู App Id และ Consumer Key ได้ในระบบติดตามสถานะ"),
                format!("The {env_en} credentials were issued; see the App Id and Consumer Key in the portal."),
            )];
            // Manual §6: the production credentials are sent to the administrator named in
            // step 4, who may have no account. App Id and Consumer Key only: the secret never
            // travels by e-mail.
            if *environment == Environment::Production {
                if let Some((email, person)) = step4_administrator(service) {
                    let (app_id, key) = (&credentials.app_id, &credentials.consumer_key);
                    out.push(notice(
                        Audience::Address { email, name: person },
                        NoticeKind::CredentialsIssued,
                        format!("Credential สำหรับ Production: {name}"),
                        format!("Production credentials: {name}"),
                        format!(
                            "สพร. ได้ออก Credential สำหรับ Production ของ e-Service \"{name}\" ({by}) แล้ว \
                             ท่านได้รับอีเมลฉบับนี้ในฐานะผู้ติดต่อประสานงาน (Administrator) ตามแบบฟอร์มขอใช้บริการขึ้นแพลตฟอร์มกลาง\n\
                             App Id: {app_id}\nConsumer Key: {key}\n\
                             Consumer Secret ไม่ส่งทางอีเมล เจ้าหน้าที่ของหน่วยงานดูได้ในระบบติดตามสถานะ"
                        ),
                        format!(
                            "DGA issued the production credentials of e-Service \"{name}\" ({by}). \
                             You receive this e-mail as the administrator contact named in the \
                             request to join the central platform.\n\
                             App Id: {app_id}\nConsumer Key: {key}\n\
                             The Consumer Secret is never sent by e-mail; the agency's officers \
                             see it in the portal."
                        ),
                    ));
                }
            }
            out
        }
        Change::LaunchScheduled { launch_on, .. } => {
            let date_th = thai_date(*launch_on);
            // The agency's note on step 7 is for DGA (SPEC §5 step 7).
            let note = launch_note(service).map(|n| mask_citizen_ids_in_text(&n));
            let (note_th, note_en) = note.as_ref().map_or_else(Default::default, |n| {
                (
                    format!("\nหมายเหตุจากหน่วยงาน: {n}"),
                    format!("\nNote from the agency: {n}"),
                )
            });
            vec![
                notice(
                    agency,
                    NoticeKind::LaunchScheduled,
                    format!("กำหนดเปิดให้บริการ: {name}"),
                    format!("Launch scheduled: {name}"),
                    format!("e-Service \"{name}\" จะเปิดให้บริการบนทางรัฐในวันอังคารที่ {date_th}"),
                    format!("e-Service \"{name}\" goes live on Tang Rat on Tuesday {launch_on}."),
                ),
                notice(
                    Audience::Staff,
                    NoticeKind::LaunchScheduled,
                    format!("กำหนดเปิดให้บริการ: {name} ({by})"),
                    format!("Launch scheduled: {name} ({by})"),
                    format!(
                        "{by} ยืนยันการเปิดให้บริการ e-Service \"{name}\" บนทางรัฐในวันอังคารที่ {date_th}{note_th}"
                    ),
                    format!(
                        "{by} confirmed the launch of e-Service \"{name}\" on Tang Rat on Tuesday {launch_on}.{note_en}"
                    ),
                ),
            ]
        }
        Change::LaunchRescheduled {
            previous,
            launch_on,
            reason,
            ..
        } => {
            let (from_th, to_th) = (thai_date(*previous), thai_date(*launch_on));
            let reason = mask_citizen_ids_in_text(reason);
            let body_th = format!(
                "สพร. เลื่อนวันเปิดให้บริการ e-Service \"{name}\" บนทางรัฐจากวันอังคารที่ {from_th} \
                 เป็นวันอังคารที่ {to_th}\nเหตุผล: {reason}"
            );
            let body_en = format!(
                "DGA moved the launch of e-Service \"{name}\" on Tang Rat from Tuesday {previous} \
                 to Tuesday {launch_on}.\nReason: {reason}"
            );
            vec![
                notice(
                    agency,
                    NoticeKind::LaunchRescheduled,
                    format!("เลื่อนวันเปิดให้บริการ: {name}"),
                    format!("Launch rescheduled: {name}"),
                    body_th.clone(),
                    body_en.clone(),
                ),
                notice(
                    Audience::Staff,
                    NoticeKind::LaunchRescheduled,
                    format!("เลื่อนวันเปิดให้บริการ: {name} ({by})"),
                    format!("Launch rescheduled: {name} ({by})"),
                    body_th,
                    body_en,
                ),
            ]
        }
        _ => Vec::new(),
    };
    // Whatever a note or reason quotes, no consumer secret leaves in a message.
    let secrets = [&service.credentials.uat, &service.credentials.production];
    for secret in secrets
        .into_iter()
        .flatten()
        .map(|c| c.consumer_secret.as_str())
        .filter(|s| s.chars().count() >= MIN_SCRUBBED_SECRET)
    {
        out.iter_mut().for_each(|n| n.scrub(secret));
    }
    out
}

fn note_suffix(note: &Option<String>) -> String {
    note.as_ref().map_or_else(String::new, |n| {
        format!(" ({})", mask_citizen_ids_in_text(n))
    })
}

/// The e-mail address and name of the step-4 administrator (`requester.administrator`: the
/// assignee when `same_as_assignee`). `None` if the submission does not read back, which a
/// validated submission always does.
fn step4_administrator(service: &EService) -> Option<(String, String)> {
    let submission = service.step(Step::PlatformRequest).submission.clone()?;
    let form: PlatformRequest = serde_json::from_value(submission).ok()?;
    let person = form
        .requester
        .administrator
        .resolve(&form.requester.assignee);
    Some((person.email.as_str().to_owned(), person.full_name.clone()))
}

/// The agency's note on its step-7 confirmation, if any.
fn launch_note(service: &EService) -> Option<String> {
    let submission = service.step(Step::Launch).submission.clone()?;
    let form: LaunchRequest = serde_json::from_value(submission).ok()?;
    form.note.filter(|n| !n.trim().is_empty())
}

/// The e-mail to a new account with its initial credentials (manual §1), linking to the
/// portal's login page. E-mail only: it is never stored as a portal notification, and never
/// logged. The password is the notice's [`secret`](Notice::secret). `user` is its audience;
/// an account not yet stored has no id, and a store sends the notice to the account it
/// creates whatever `user` says (callers pass `UserId::from_u128(0)`).
pub fn account_created(user: UserId, username: &str, password: &str, mail: &MailConfig) -> Notice {
    Notice {
        audience: Audience::User(user),
        kind: NoticeKind::AccountCreated,
        title_th: "บัญชีผู้ใช้ระบบติดตามสถานะ".into(),
        title_en: "Your onboarding portal account".into(),
        body_th: format!(
            "สพร. ได้สร้างบัญชีผู้ใช้งานระบบติดตามสถานะให้ท่านแล้ว\nชื่อผู้ใช้งาน: {username}\nรหัสผ่าน: {password}\nเมื่อเข้าสู่ระบบครั้งแรก ระบบจะให้ท่านตั้งชื่อผู้ใช้งานและรหัสผ่านใหม่"
        ),
        body_en: format!(
            "DGA created your account on the onboarding status portal.\nUsername: {username}\nPassword: {password}\nAt your first sign-in you will choose a new username and password."
        ),
        link: mail.login_url(),
        signature: mail.signature().to_owned(),
        secret: (!password.is_empty()).then(|| password.to_owned()),
    }
}

/// The e-mail to an account whose credentials an admin reset (SPEC §10
/// `reset-credentials`), with the new initial password, linking to the portal's login page.
/// The username stays; at the next sign-in the user goes through the first login again
/// (manual §1). Like the welcome e-mail it is e-mail only and never logged; the password is
/// the notice's [`secret`](Notice::secret).
///
/// ```
/// use onboard_core::notify::{credentials_reset, MailConfig, NoticeKind};
/// let mail = MailConfig::new("https://onboard.apps.go.th", "สพร.").unwrap();
/// let n = credentials_reset(onboard_core::id::UserId::from_u128(0), "somchai.k", "Xy7pQ2rT9wLm", &mail);
/// assert_eq!(n.kind, NoticeKind::CredentialsReset);
/// assert_eq!(n.secret.as_deref(), Some("Xy7pQ2rT9wLm"));
/// assert!(n.email_body("สมชาย ใจดี").contains("เข้าสู่ระบบได้ที่ https://onboard.apps.go.th/\n"));
/// ```
pub fn credentials_reset(
    user: UserId,
    username: &str,
    password: &str,
    mail: &MailConfig,
) -> Notice {
    Notice {
        audience: Audience::User(user),
        kind: NoticeKind::CredentialsReset,
        title_th: "รีเซ็ตรหัสผ่านบัญชีผู้ใช้ระบบติดตามสถานะ".into(),
        title_en: "Your onboarding portal password was reset".into(),
        body_th: format!(
            "ผู้ดูแลระบบของ สพร. ได้รีเซ็ตรหัสผ่านบัญชีผู้ใช้งานระบบติดตามสถานะของท่านแล้ว\nชื่อผู้ใช้งาน: {username}\nรหัสผ่านใหม่: {password}\nการเข้าสู่ระบบเดิมในทุกอุปกรณ์สิ้นสุดลงแล้ว เมื่อเข้าสู่ระบบครั้งถัดไป ระบบจะให้ท่านตั้งชื่อผู้ใช้งานและรหัสผ่านใหม่\nหากท่านไม่ได้ขอให้รีเซ็ตรหัสผ่าน โปรดติดต่อ สพร."
        ),
        body_en: format!(
            "A DGA administrator reset the password of your account on the onboarding status portal.\nUsername: {username}\nNew password: {password}\nYou have been signed out everywhere. At your next sign-in you will choose a new username and password.\nIf you did not ask for this, please contact DGA."
        ),
        link: mail.login_url(),
        signature: mail.signature().to_owned(),
        secret: (!password.is_empty()).then(|| password.to_owned()),
    }
}
