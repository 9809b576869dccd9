//! The JSON shapes of answers (SPEC §10), with their OpenAPI schemas. Personal data is
//! masked here according to who is looking.

use chrono::{DateTime, NaiveDate, Utc};
use onboard_core::file::MediaType;
use onboard_core::id::{AgencyId, EServiceId, FileId, NotificationId, UserId};
use onboard_core::notify::NoticeKind;
use onboard_core::privacy::{redact, DetailAccess};
use onboard_core::reference::{Category, Environment, Role, Step, StepStatus};
use onboard_core::workflow::{AttemptStatus, Credentials, EService, Lifecycle, TestAttempt};
use onboard_store::{Agency, ListItem, Notification, Page, StoredEvent, User};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
use utoipa::openapi::Object;
use utoipa::ToSchema;

/// A string schema listing `values`.
fn string_enum<'a>(values: impl IntoIterator<Item = &'a str>, description: &str) -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .enum_values(Some(values.into_iter().map(str::to_owned)))
        .description(Some(description))
        .build()
}

/// Schema of a step slug.
pub(crate) fn step_schema() -> Object {
    string_enum(Step::ALL.iter().map(|s| s.as_str()), "step slug (SPEC §4)")
}
/// Schema of a step status.
pub(crate) fn status_schema() -> Object {
    string_enum(StepStatus::ALL.iter().map(|s| s.as_str()), "step status")
}
/// Schema of a category.
pub(crate) fn category_schema() -> Object {
    string_enum(
        Category::ALL.iter().map(|s| s.as_str()),
        "e-Service category",
    )
}
/// Schema of a role.
pub(crate) fn role_schema() -> Object {
    string_enum(Role::ALL.iter().map(|s| s.as_str()), "user role")
}
/// Schema of a lifecycle.
pub(crate) fn lifecycle_schema() -> Object {
    string_enum(
        Lifecycle::ALL.iter().map(|s| s.as_str()),
        "e-Service lifecycle",
    )
}
/// Schema of an attempt status.
pub(crate) fn attempt_status_schema() -> Object {
    string_enum(["pending", "passed", "failed"], "test attempt result")
}
/// Schema of a notification kind.
pub(crate) fn notice_kind_schema() -> Object {
    string_enum(
        [
            NoticeKind::Submitted,
            NoticeKind::Approved,
            NoticeKind::ChangesRequested,
            NoticeKind::CredentialsIssued,
            NoticeKind::LaunchScheduled,
            NoticeKind::LaunchRescheduled,
            NoticeKind::AccountCreated,
            NoticeKind::CredentialsReset,
        ]
        .into_iter()
        .map(NoticeKind::as_str),
        "notification kind",
    )
}
/// Schema of a media type.
pub(crate) fn media_type_schema() -> Object {
    string_enum(
        MediaType::ALL.iter().map(|m| m.mime()),
        "media type sniffed from the content",
    )
}

/// A user account as shown to clients (never the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UserView {
    /// Identifier.
    #[schema(value_type = Uuid)]
    pub id: UserId,
    /// Login name.
    pub username: String,
    /// E-mail address.
    pub email: String,
    /// Name shown in the portal.
    pub display_name: String,
    /// `agency`, `reviewer` or `admin`.
    #[schema(schema_with = role_schema)]
    pub role: Role,
    /// The agency (agency role only).
    #[schema(value_type = Option<Uuid>)]
    pub agency_id: Option<AgencyId>,
    /// The first login (new username and password) is still to be done.
    pub must_change_credentials: bool,
    /// Disabled accounts cannot log in.
    pub disabled: bool,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            id: u.id,
            username: u.username.clone(),
            email: u.email.clone(),
            display_name: u.display_name.clone(),
            role: u.role,
            agency_id: u.agency_id,
            must_change_credentials: u.must_change_credentials,
            disabled: u.disabled,
            created_at: u.created_at,
        }
    }
}

/// An agency and its ministry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AgencyView {
    /// Identifier.
    #[schema(value_type = Uuid)]
    pub id: AgencyId,
    /// Thai name.
    pub name_th: String,
    /// English name.
    pub name_en: String,
    /// Ministry (สังกัด/กระทรวง), Thai.
    pub ministry_th: String,
    /// Ministry, English.
    pub ministry_en: String,
}

impl From<Agency> for AgencyView {
    fn from(a: Agency) -> Self {
        AgencyView {
            id: a.id,
            name_th: a.name_th,
            name_en: a.name_en,
            ministry_th: a.ministry_th,
            ministry_en: a.ministry_en,
        }
    }
}

/// One validation problem (SPEC §5).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IssueView {
    /// Path of the field, e.g. `testers[1].citizen_id`.
    pub field: String,
    /// `required`, `too_long`, `invalid_checksum`, ... (or a warning code).
    pub code: String,
    /// Message in Thai.
    pub message_th: String,
    /// Message in English.
    pub message_en: String,
}

/// One set of platform credentials. The secret is shown to the owning agency only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CredentialView {
    /// Application id.
    pub app_id: String,
    /// Consumer key.
    pub consumer_key: String,
    /// Consumer secret (owning agency only; absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumer_secret: Option<String>,
    /// When they were issued.
    pub issued_at: DateTime<Utc>,
}

impl CredentialView {
    fn of(c: &Credentials, with_secret: bool) -> Self {
        CredentialView {
            app_id: c.app_id.clone(),
            consumer_key: c.consumer_key.clone(),
            consumer_secret: with_secret.then(|| c.consumer_secret.clone()),
            issued_at: c.issued_at,
        }
    }
}

/// Credentials of both environments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CredentialsView {
    /// Issued when step 1 is approved.
    pub uat: Option<CredentialView>,
    /// Issued when step 4 is approved.
    pub production: Option<CredentialView>,
}

/// One test attempt of step 3 or 6.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AttemptView {
    /// 1, 2, ... per step.
    pub number: u32,
    /// What was tested.
    pub details: String,
    /// The test-result file.
    pub file_id: String,
    /// The file's display name, when the file is known.
    pub file_name: Option<String>,
    /// When the attempt was added.
    pub added_at: DateTime<Utc>,
    /// `pending`, `passed` or `failed`.
    #[schema(schema_with = attempt_status_schema)]
    pub status: AttemptStatus,
    /// The reviewer's note.
    pub review_note: Option<String>,
}

impl AttemptView {
    /// The view of `a`, with the file names known so far.
    pub fn of(a: &TestAttempt, file_names: &HashMap<String, String>) -> Self {
        AttemptView {
            number: a.number,
            details: a.details.clone(),
            file_id: a.file_id.clone(),
            file_name: file_names.get(&a.file_id).cloned(),
            added_at: a.added_at,
            status: a.status,
            review_note: a.review_note.clone(),
        }
    }
}

/// One of the seven steps of an e-Service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StepView {
    /// 1 to 7.
    pub number: u8,
    /// The step's slug.
    #[schema(schema_with = step_schema)]
    pub step: Step,
    /// Thai title, as in the manual.
    pub title_th: String,
    /// English title.
    pub title_en: String,
    /// Status.
    #[schema(schema_with = status_schema)]
    pub status: StepStatus,
    /// The status in Thai, as the manual's tags show it.
    pub status_th: String,
    /// The status in English.
    pub status_en: String,
    /// Last saved draft (citizen IDs in full for the owning agency and staff only).
    #[schema(value_type = Option<Object>)]
    pub draft: Option<Value>,
    /// The latest submission (citizen IDs in full for the owning agency and staff only).
    #[schema(value_type = Option<Object>)]
    pub submission: Option<Value>,
    /// When it was submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// When it was last reviewed.
    pub reviewed_at: Option<DateTime<Utc>>,
    /// The approval note or the reason for changes.
    pub review_note: Option<String>,
    /// Warnings of the latest submission (never blocking), e.g. `free_email_domain`.
    #[schema(value_type = Vec<IssueView>)]
    pub warnings: Vec<onboard_core::validation::Issue>,
    /// Test attempts (steps 3 and 6 only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts: Option<Vec<AttemptView>>,
}

/// The e-Service detail of SPEC §10.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DetailView {
    /// Identifier (UUID v7).
    #[schema(value_type = Uuid)]
    pub id: EServiceId,
    /// Owning agency.
    #[schema(value_type = Uuid)]
    pub agency_id: AgencyId,
    /// The agency's Thai name.
    pub agency_name_th: String,
    /// Name.
    pub name: String,
    /// Its งานบริการ.
    pub services: Vec<String>,
    /// Category.
    #[schema(schema_with = category_schema)]
    pub category: Category,
    /// 1 at creation, +1 per accepted command; the `ETag`.
    pub version: u64,
    /// `onboarding`, `scheduled` or `live` (today, Asia/Bangkok).
    #[schema(schema_with = lifecycle_schema)]
    pub lifecycle: Lifecycle,
    /// The release Tuesday, once step 7 is confirmed.
    pub launch_on: Option<NaiveDate>,
    /// The first step not completed (step 7 when all are).
    #[schema(schema_with = step_schema)]
    pub current_step: Step,
    /// The current step's Thai title.
    pub current_step_th: String,
    /// The current step's English title.
    pub current_step_en: String,
    /// The seven steps.
    pub steps: Vec<StepView>,
    /// Credentials (the secret for the owning agency only).
    pub credentials: CredentialsView,
}

impl DetailView {
    /// The detail of `svc` for `viewer`, on `today` (Asia/Bangkok).
    pub fn build(
        svc: &EService,
        agency_name_th: String,
        access: DetailAccess,
        today: NaiveDate,
        file_names: &HashMap<String, String>,
    ) -> DetailView {
        let steps = svc
            .steps()
            .iter()
            .map(|s| StepView {
                number: s.step.number(),
                step: s.step,
                title_th: s.step.title_th().to_owned(),
                title_en: s.step.title_en().to_owned(),
                status: s.status,
                status_th: s.status.title_th().to_owned(),
                status_en: s.status.title_en().to_owned(),
                draft: s.draft.as_ref().map(|d| access.form(d)),
                submission: s.submission.as_ref().map(|d| access.form(d)),
                submitted_at: s.submitted_at,
                reviewed_at: s.reviewed_at,
                review_note: s.review_note.clone(),
                warnings: s.warnings.clone(),
                attempts: s.step.is_test().then(|| {
                    s.attempts
                        .iter()
                        .map(|a| AttemptView::of(a, file_names))
                        .collect()
                }),
            })
            .collect();
        let credential = |env: Environment| {
            let c = match env {
                Environment::Uat => svc.credentials().uat.as_ref(),
                Environment::Production => svc.credentials().production.as_ref(),
            };
            c.filter(|_| access.credentials)
                .map(|c| CredentialView::of(c, access.consumer_secret))
        };
        DetailView {
            id: svc.id(),
            agency_id: svc.agency_id(),
            agency_name_th,
            name: svc.name().to_owned(),
            services: svc.services().to_vec(),
            category: svc.category(),
            version: svc.version(),
            lifecycle: svc.lifecycle(today),
            launch_on: svc.launch_on(),
            current_step: svc.current_step(),
            current_step_th: svc.current_step().title_th().to_owned(),
            current_step_en: svc.current_step().title_en().to_owned(),
            steps,
            credentials: CredentialsView {
                uat: credential(Environment::Uat),
                production: credential(Environment::Production),
            },
        }
    }
}

/// One row of the e-Service list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ListItemView {
    /// e-Service id.
    #[schema(value_type = Uuid)]
    pub id: EServiceId,
    /// Name.
    pub name: String,
    /// Agency.
    #[schema(value_type = Uuid)]
    pub agency_id: AgencyId,
    /// Agency's Thai name.
    pub agency_name_th: String,
    /// Ministry's Thai name.
    pub ministry_th: String,
    /// Current step.
    #[schema(schema_with = step_schema)]
    pub current_step: Step,
    /// The current step's Thai title.
    pub current_step_th: String,
    /// The current step's English title.
    pub current_step_en: String,
    /// Its status.
    #[schema(schema_with = status_schema)]
    pub current_status: StepStatus,
    /// The status in Thai.
    pub status_th: String,
    /// The status in English.
    pub status_en: String,
    /// Lifecycle today.
    #[schema(schema_with = lifecycle_schema)]
    pub lifecycle: Lifecycle,
    /// Release date, once confirmed.
    pub launch_on: Option<NaiveDate>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<ListItem> for ListItemView {
    fn from(i: ListItem) -> Self {
        ListItemView {
            id: i.id,
            name: i.name,
            agency_id: i.agency_id,
            agency_name_th: i.agency_name_th,
            ministry_th: i.ministry_th,
            current_step: i.current_step,
            current_step_th: i.current_step.title_th().to_owned(),
            current_step_en: i.current_step.title_en().to_owned(),
            current_status: i.current_status,
            status_th: i.current_status.title_th().to_owned(),
            status_en: i.current_status.title_en().to_owned(),
            lifecycle: i.lifecycle,
            launch_on: i.launch_on,
            updated_at: i.updated_at,
        }
    }
}

/// A page of the e-Service list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PageView {
    /// This page's rows.
    pub items: Vec<ListItemView>,
    /// Rows over all pages. A search (`q`) counts up to 1,000: beyond, `total` is 1000 and
    /// `total_capped` is true.
    pub total: u64,
    /// True when more than `total` rows match (searches only; the portal shows
    /// "มากกว่า 1,000 รายการ"). Pages past the count are still served.
    pub total_capped: bool,
    /// This page, from 1.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
}

impl From<Page<ListItem>> for PageView {
    fn from(p: Page<ListItem>) -> Self {
        PageView {
            items: p.items.into_iter().map(Into::into).collect(),
            total: p.total,
            total_capped: p.total_capped,
            page: p.page,
            per_page: p.per_page,
        }
    }
}

/// A portal notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct NotificationView {
    /// Identifier.
    #[schema(value_type = Uuid)]
    pub id: NotificationId,
    /// When.
    pub at: DateTime<Utc>,
    /// What it is about.
    #[schema(schema_with = notice_kind_schema)]
    pub kind: NoticeKind,
    /// The e-Service concerned.
    #[schema(value_type = Option<Uuid>)]
    pub eservice_id: Option<EServiceId>,
    /// Title, Thai.
    pub title_th: String,
    /// Title, English.
    pub title_en: String,
    /// Body, Thai.
    pub body_th: String,
    /// Body, English.
    pub body_en: String,
    /// When it was marked read.
    pub read_at: Option<DateTime<Utc>>,
}

impl From<Notification> for NotificationView {
    fn from(n: Notification) -> Self {
        NotificationView {
            id: n.id,
            at: n.at,
            kind: n.kind,
            eservice_id: n.eservice_id,
            title_th: n.title_th,
            title_en: n.title_en,
            body_th: n.body_th,
            body_en: n.body_en,
            read_at: n.read_at,
        }
    }
}

/// One entry of the audit log (citizen IDs masked, consumer secrets removed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EventView {
    /// Position in the global log.
    pub seq: i64,
    /// The e-Service.
    #[schema(value_type = Uuid)]
    pub eservice_id: EServiceId,
    /// The e-Service's version after the command.
    pub version: u64,
    /// When.
    pub at: DateTime<Utc>,
    /// The user who acted.
    #[schema(value_type = Uuid)]
    pub actor: UserId,
    /// `created`, `submitted`, `approved`, ...
    pub kind: String,
    /// The step concerned.
    #[schema(value_type = Option<String>)]
    pub step: Option<Step>,
    /// The step's Thai title.
    pub step_th: Option<String>,
    /// The step's English title.
    pub step_en: Option<String>,
    /// Status before.
    #[schema(value_type = Option<String>)]
    pub from_status: Option<StepStatus>,
    /// Status after.
    #[schema(value_type = Option<String>)]
    pub to_status: Option<StepStatus>,
    /// The status after, in Thai.
    pub status_th: Option<String>,
    /// The status after, in English.
    pub status_en: Option<String>,
    /// What changed.
    #[schema(value_type = Option<Object>)]
    pub data: Option<Value>,
}

impl From<&StoredEvent> for EventView {
    fn from(e: &StoredEvent) -> Self {
        let ev = &e.event;
        // The change serializes as {"kind": ..., "data": ...} (data absent for unit kinds).
        let mut data = serde_json::to_value(&ev.change)
            .ok()
            .and_then(|mut v| v.get_mut("data").map(Value::take));
        if let Some(d) = data.as_mut() {
            redact(d);
        }
        EventView {
            seq: e.seq,
            eservice_id: ev.eservice_id,
            version: ev.version,
            at: ev.at,
            actor: ev.actor,
            kind: ev.change.kind().to_owned(),
            step: ev.step,
            step_th: ev.step.map(|s| s.title_th().to_owned()),
            step_en: ev.step.map(|s| s.title_en().to_owned()),
            from_status: ev.from_status,
            to_status: ev.to_status,
            status_th: ev.to_status.map(|s| s.title_th().to_owned()),
            status_en: ev.to_status.map(|s| s.title_en().to_owned()),
            data,
        }
    }
}

/// An uploaded file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FileView {
    /// Identifier, to reference in payloads.
    #[schema(value_type = Uuid)]
    pub id: FileId,
    /// Sanitized original name (display only).
    pub name: String,
    /// Type decided from the content.
    #[schema(schema_with = media_type_schema)]
    pub media_type: MediaType,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
}
