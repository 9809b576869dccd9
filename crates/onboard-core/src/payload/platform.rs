//! Step 4 `platform-request`: the three-part form of manual §6 (แบบฟอร์มแจ้งความประสงค์ขอ
//! เชื่อมโยงบริการกับแพลตฟอร์มดิจิทัลกลางฯ): part 1 the requester, part 2 the service, part 3 the
//! consents.

use super::check;
use super::check::Urls;
use super::credential::{DeviceAccess, PersonalDataField};
use super::limits;
use super::person::{self, Person, RawPerson};
use super::profile::{self, ProfileAccess, RawProfileAccess};
use super::raw::raw_form;
use super::Context;
use crate::fields::{ContactPhone, Email, HttpsUrl, Postcode};
use crate::file::FilePurpose;
use crate::reference::named_enum;
use crate::validation::{Code, Issue, Path, Report};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

mod consent;
mod requester;
mod service;

pub use consent::{consent_statements, ConsentStatement, Consents, CONSENTS_VERSION};
use consent::{consents, RawConsents};
use requester::{requester, RawRequester};
pub use requester::{
    Address, Administrator, AgencyDetails, AgencyType, CoordinatorChoice, ProblemContact,
    ProblemContactType, Requester,
};
use service::{service, RawService};
pub use service::{IdentityLevel, JuristicDataField, ServiceDetails, TargetGroup};

raw_form! {
    /// Step 4 as sent.
    struct RawPlatformRequest {
        requester: RawRequester,
        service: RawService,
        consents: RawConsents,
    }
}

/// Step 4: the request to join the central platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlatformRequest {
    /// ส่วนที่ 1: ข้อมูลผู้แจ้งความประสงค์.
    pub requester: Requester,
    /// ส่วนที่ 2: รายละเอียดของบริการ.
    pub service: ServiceDetails,
    /// ส่วนที่ 3: คำรับรองและคำยินยอม.
    pub consents: Consents,
}

pub(crate) fn validate(
    r: &mut Report,
    raw: &RawPlatformRequest,
    ctx: &Context<'_>,
) -> Option<PlatformRequest> {
    let root = Path::root();
    let requester = requester(r, &root.key("requester"), raw.requester.as_ref(), ctx);
    let service = service(r, &root.key("service"), raw.service.as_ref(), ctx);
    let consents = consents(r, &root.key("consents"), raw.consents.as_ref());
    Some(PlatformRequest {
        requester: requester?,
        service: service?,
        consents: consents?,
    })
}
