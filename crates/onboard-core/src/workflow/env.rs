//! What a command may depend on outside the e-Service: [`Env`] and the credential issuer.

use super::*;

/// Makes credentials when a reviewer supplies none. Behind a trait so tests are
/// deterministic; servers use a CSPRNG-backed implementation.
pub trait CredentialIssuer {
    /// New credentials for `environment` of e-Service `eservice`, issued at `at`.
    fn issue(
        &self,
        eservice: EServiceId,
        environment: Environment,
        at: DateTime<Utc>,
    ) -> Credentials;
}

/// A deterministic issuer for tests and examples: values derived from the e-Service id.
#[derive(Debug, Clone, Copy, Default)]
pub struct FixedCredentials;

impl CredentialIssuer for FixedCredentials {
    fn issue(
        &self,
        eservice: EServiceId,
        environment: Environment,
        at: DateTime<Utc>,
    ) -> Credentials {
        let tag = eservice.uuid().simple().to_string();
        Credentials {
            app_id: Uuid::from_u128(eservice.uuid().as_u128() ^ (environment as u128 + 1))
                .to_string(),
            consumer_key: format!("{}-key-{}", environment.as_str(), &tag[..16]),
            consumer_secret: format!("{}-secret-{}", environment.as_str(), &tag[16..]),
            issued_at: at,
        }
    }
}

/// Everything outside the e-Service that a command may depend on. Core never reads the
/// clock or a random source: they come in here.
#[derive(Clone, Copy)]
pub struct Env<'a> {
    /// The instant the command is applied.
    pub now: DateTime<Utc>,
    /// Uploaded files, for the checks of referenced file ids.
    pub files: &'a dyn FileCatalog,
    /// Closed dates and the launch deadline.
    pub schedule: &'a ScheduleConfig,
    /// Makes credentials on approval of steps 1 and 4.
    pub credentials: &'a dyn CredentialIssuer,
    /// The agency record's names, when the command may change them (see
    /// [`Command::reads_agency`]); recorded as the old names of an agency update.
    pub agency: Option<&'a AgencyNames>,
}

impl Env<'static> {
    /// An environment for using core without storage: no uploaded files (a referenced file
    /// id is missing), the default schedule (no closed dates, the default launch deadline),
    /// [`FixedCredentials`] and no agency record. The stores build their own for each
    /// command, with the agency's files and the database's calendar.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use onboard_core::reference::Step;
    /// use onboard_core::workflow::{self, Actor, Command, Env};
    /// use uuid::Uuid;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let agency = Uuid::now_v7().into();
    /// let officer = Actor::officer(Uuid::now_v7().into(), agency);
    /// let env = Env::offline(Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).unwrap());
    ///
    /// let (svc, _) = workflow::create(&officer, Uuid::now_v7().into(), agency, "ระบบแจ้งเตือนสิทธิ",
    ///                                 &["ลงทะเบียนรับสิทธิ".into()], &env)?;
    /// let draft = serde_json::json!({"short_description": "แจ้งเตือนสิทธิสวัสดิการ"});
    /// let save = Command::SaveDraft { step: Step::Credential, payload: draft };
    /// let (svc, _) = workflow::execute(&svc, &officer, save, Some(svc.version()), &env)?;
    /// assert_eq!(svc.version(), 2);
    /// # Ok(()) }
    /// ```
    pub fn offline(now: DateTime<Utc>) -> Env<'static> {
        static SCHEDULE: LazyLock<ScheduleConfig> = LazyLock::new(ScheduleConfig::default);
        Env {
            now,
            files: &OfflineFiles,
            schedule: &SCHEDULE,
            credentials: &FixedCredentials,
            agency: None,
        }
    }
}
