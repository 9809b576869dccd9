//! The seven-step state machine of SPEC §4.
//!
//! A [`Command`] from an [`Actor`] is checked against the current [`EService`] by [`decide`],
//! which returns the [`Event`]s it causes or a [`CommandError`] that changes nothing.
//! [`EService::evolve`] applies events; [`EService::from_events`] folds a whole log.
//! [`execute`] does both and is what stores call inside their transaction.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use onboard_core::file::OfflineFiles;
//! use onboard_core::reference::{Step, StepStatus};
//! use onboard_core::schedule::ScheduleConfig;
//! use onboard_core::workflow::{self, Actor, Command, Env, FixedCredentials};
//! use onboard_core::id::{AgencyId, EServiceId, UserId};
//!
//! let agency = AgencyId::from_u128(1);
//! let officer = Actor::officer(UserId::from_u128(2), agency);
//! let (files, schedule, issuer) = (OfflineFiles, ScheduleConfig::default(), FixedCredentials);
//! let env = Env {
//!     now: Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).unwrap(),
//!     files: &files,
//!     schedule: &schedule,
//!     credentials: &issuer,
//!     agency: None,
//! };
//! let (svc, events) = workflow::create(
//!     &officer, EServiceId::from_u128(3), agency, "ระบบแจ้งเตือนสิทธิ", &["ขอรับสวัสดิการ".into()], &env,
//! ).unwrap();
//! assert_eq!((svc.version(), events.len()), (1, 1));
//! assert_eq!(svc.step(Step::Credential).status, StepStatus::InProgress);
//!
//! // A reviewer cannot submit a form for the agency.
//! let reviewer = Actor::reviewer(UserId::from_u128(4));
//! let cmd = Command::Withdraw { step: Step::Credential };
//! assert!(workflow::execute(&svc, &reviewer, cmd, None, &env).is_err());
//! ```

mod agency;
mod command;
mod decide;
mod env;
mod error;
mod event;
mod state;

use agency::form_agency_names;
pub use agency::{agency_differences, agency_update, AgencyDifference, AgencyNames};
pub use command::{Actor, Command, InvalidActor, SuppliedCredentials};
pub use decide::{agency_of_new, create, decide, execute};
pub use env::{CredentialIssuer, Env, FixedCredentials};
use error::single_issue;
pub use error::CommandError;

pub use event::{Change, Event};
pub use state::{
    AttemptStatus, Credentials, EService, FoldError, IssuedCredentials, Lifecycle, StepState,
    TestAttempt,
};

use crate::file::{FileCatalog, OfflineFiles};
use crate::id::{AgencyId, EServiceId, UserId};
use crate::payload::{self, PayloadError};
use crate::reference::{Category, CommandKind, Environment, Role, Step, StepStatus};
use crate::schedule::{self, ScheduleConfig};
use crate::validation::{Code, FieldError, Path, Report};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;
use uuid::Uuid;

/// Longest review note or change-request reason, in characters.
pub const MAX_REVIEW_TEXT: usize = 2000;
/// Longest supplied credential value, in characters.
pub const MAX_CREDENTIAL_LEN: usize = 256;
/// Longest e-Service name, in characters.
pub const MAX_NAME: usize = 200;
