//! Why a command was refused: [`CommandError`], one SPEC §10 code each.

use super::*;

/// Why a command was rejected. Each variant maps to one SPEC §10 error code.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// 404 `not_found`: the e-Service belongs to another agency (existence is not leaked),
    /// or the attempt does not exist.
    #[error("not found")]
    NotFound,
    /// 403 `forbidden`: the actor's role may not issue this command.
    #[error("the {role} role may not {command}")]
    Forbidden {
        /// The actor's role.
        role: Role,
        /// The command's name.
        command: CommandKind,
    },
    /// 409 `invalid_transition`: not allowed in the current state.
    #[error("{command} is not allowed on step {step} while it is {status}")]
    InvalidTransition {
        /// The command's name.
        command: CommandKind,
        /// The step concerned.
        step: Step,
        /// Its status.
        status: StepStatus,
    },
    /// 412 `version_conflict`: `If-Match` does not equal the current version.
    #[error("version conflict: expected {expected}, current {current}")]
    VersionConflict {
        /// What the caller expected.
        expected: u64,
        /// The current version.
        current: u64,
    },
    /// 400 `bad_request`: the payload is not well-typed JSON of the step's form.
    #[error("bad request: {0}")]
    Malformed(String),
    /// 422 `validation_failed`: every field problem (and the warnings).
    #[error("validation failed")]
    Invalid(Report),
}

impl CommandError {
    /// The SPEC §10 error code.
    pub fn code(&self) -> &'static str {
        match self {
            CommandError::NotFound => "not_found",
            CommandError::Forbidden { .. } => "forbidden",
            CommandError::InvalidTransition { .. } => "invalid_transition",
            CommandError::VersionConflict { .. } => "version_conflict",
            CommandError::Malformed(_) => "bad_request",
            CommandError::Invalid(_) => "validation_failed",
        }
    }

    /// What went wrong, in Thai an officer can act on (SPEC §10 `detail_th`).
    pub fn detail_th(&self) -> String {
        match self {
            CommandError::NotFound => {
                "ไม่พบ e-Service หรือรายการทดสอบนี้ หรือข้อมูลนี้ไม่ได้อยู่ในหน่วยงานของคุณ".to_owned()
            }
            CommandError::Forbidden { role, .. } => {
                format!("บัญชีประเภท \"{}\" ไม่มีสิทธิ์ทำรายการนี้", role.title_th())
            }
            CommandError::InvalidTransition { step, status, .. } => format!(
                "ขั้นตอน \"{}\" อยู่ในสถานะ \"{}\" จึงทำรายการนี้ไม่ได้ กรุณาโหลดหน้าใหม่เพื่อดูสถานะล่าสุด",
                step.title_th(),
                status.title_th()
            ),
            CommandError::VersionConflict { .. } => "ข้อมูลนี้ถูกแก้ไขไปแล้วระหว่างที่คุณทำรายการ \
                 กรุณาโหลดหน้าใหม่เพื่อดูข้อมูลล่าสุดแล้วทำรายการอีกครั้ง"
                .to_owned(),
            CommandError::Malformed(m) => {
                format!("ข้อมูลที่ส่งมามีรูปแบบไม่ถูกต้อง กรุณาตรวจสอบแล้วส่งใหม่ ({m})")
            }
            CommandError::Invalid(report) => format!(
                "ข้อมูลยังไม่ถูกต้อง {} รายการ กรุณาแก้ไขตามข้อความที่แสดงในแต่ละช่อง",
                report.errors.len()
            ),
        }
    }
}

impl From<PayloadError> for CommandError {
    fn from(e: PayloadError) -> Self {
        match e {
            PayloadError::Malformed(m) => CommandError::Malformed(m.to_string()),
            PayloadError::Invalid(report) => CommandError::Invalid(report),
            // Submitting a form to a test step is a transition the step does not have.
            PayloadError::NotAForm(step) => CommandError::InvalidTransition {
                command: CommandKind::Submit,
                step,
                status: StepStatus::InProgress,
            },
        }
    }
}

pub(super) fn single_issue(field: &str, error: impl Into<FieldError>) -> CommandError {
    let mut report = Report::new();
    report.add(&Path::root().key(field), error);
    CommandError::Invalid(report)
}
