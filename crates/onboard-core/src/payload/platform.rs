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

raw_form! {
    /// Step 4 as sent.
    struct RawPlatformRequest {
        requester: RawRequester,
        service: RawService,
        consents: RawConsents,
    }
}

raw_form! {
    /// Part 1 as sent.
    struct RawRequester {
        agency: RawAgency,
        assignee: RawPerson,
        administrator: RawAdministrator,
        assignment_letter_file_id: String,
        problem_contact: RawProblemContact,
    }
}

raw_form! {
    /// Part 1.1 as sent.
    struct RawAgency {
        name_th: String,
        name_en: String,
        abbr_th: String,
        abbr_en: String,
        parent_th: String,
        parent_en: String,
        address: RawAddress,
        website: String,
        agency_type: String,
        agency_type_other: String,
    }
}

raw_form! {
    /// สถานที่ติดต่อ as sent.
    struct RawAddress {
        number: String,
        moo: String,
        soi: String,
        road: String,
        subdistrict: String,
        district: String,
        province: String,
        postcode: String,
    }
}

raw_form! {
    /// ข้อมูลผู้ติดต่อประสานงาน (Administrator) as sent.
    struct RawAdministrator {
        same_as_assignee: bool,
        person: RawPerson,
    }
}

raw_form! {
    /// ช่องทางการติดต่อประสานงานกรณีงานบริการมีปัญหา as sent: the members of both kinds.
    struct RawProblemContact {
        kind as "type": String,
        phone: String,
        email: String,
        coordinator: String,
        person: RawPerson,
    }
}

raw_form! {
    /// Part 2 as sent.
    struct RawService {
        target_group: String,
        intended_launch_date: String,
        name: String,
        description: String,
        access_url: String,
        personal_data_fields: Vec<String>,
        juristic_data_fields: Vec<String>,
        identity_level: String,
        device_access: Vec<String>,
        download_feature: bool,
        notifications: bool,
        smart_tracking: bool,
        profile_access: RawProfileAccess,
    }
}

raw_form! {
    /// Part 3 as sent.
    struct RawConsents {
        data_access: bool,
        accuracy: bool,
        terms_and_privacy: bool,
    }
}

named_enum! {
    /// รูปแบบหน่วยงาน.
    AgencyType, "agency_type" {
        /// ราชการส่วนกลาง.
        Central = "central", "ราชการส่วนกลาง", "Central government";
        /// ราชการส่วนภูมิภาค/ราชการส่วนท้องถิ่น.
        RegionalLocal = "regional_local", "ราชการส่วนภูมิภาค/ราชการส่วนท้องถิ่น",
            "Regional or local government";
        /// รัฐสภา/ศาล/องค์กรอิสระ/องค์กรอิสระตามรัฐธรรมนูญ.
        ParliamentCourtIndependent = "parliament_court_independent",
            "รัฐสภา/ศาล/องค์กรอิสระ/องค์กรอิสระตามรัฐธรรมนูญ",
            "Parliament, courts, independent and constitutional organisations";
        /// รัฐวิสาหกิจ/องค์การมหาชน/สถาบันอุดมศึกษาของรัฐ.
        StateEnterprisePublicOrgUniversity = "state_enterprise_public_org_university",
            "รัฐวิสาหกิจ/องค์การมหาชน/สถาบันอุดมศึกษาของรัฐ",
            "State enterprise, public organisation or public university";
        /// หน่วยงานอิสระของรัฐ.
        IndependentStateAgency = "independent_state_agency", "หน่วยงานอิสระของรัฐ",
            "Independent state agency";
        /// อื่นๆ โปรดระบุ: `agency_type_other` says what.
        Other = "other", "อื่นๆ โปรดระบุ", "Other (please specify)";
    }
}

named_enum! {
    /// Who the coordinator is when the agency has no contact center.
    CoordinatorChoice, "coordinator_choice" {
        /// เป็นบุคคลเดียวกับผู้รับมอบหมาย.
        SameAsAssignee = "same_as_assignee", "เป็นบุคคลเดียวกับผู้รับมอบหมาย",
            "The assignee";
        /// เป็นบุคคลเดียวกับผู้ติดต่อประสานงาน (Administrator).
        SameAsAdministrator = "same_as_administrator",
            "เป็นบุคคลเดียวกับผู้ติดต่อประสานงาน (Administrator)", "The administrator";
        /// เป็นบุคคลอื่น: `person` gives the details.
        Other = "other", "เป็นบุคคลอื่น", "Someone else";
    }
}

named_enum! {
    /// The two kinds of problem contact.
    ProblemContactType, "problem_contact_type" {
        /// The agency has a contact center or call center.
        ContactCenter = "contact_center", "หน่วยงานมี Contact Center หรือ Call Center",
            "The agency has a contact center";
        /// The agency names a coordinator instead.
        Coordinator = "coordinator", "หน่วยงานไม่มี Contact Center หรือ Call Center",
            "The agency names a coordinator";
    }
}

named_enum! {
    /// กลุ่มเป้าหมายผู้ใช้บริการ.
    TargetGroup, "target_group" {
        /// บุคคลธรรมดา.
        Individual = "individual", "บุคคลธรรมดา", "Individuals";
        /// นิติบุคคล.
        Juristic = "juristic", "นิติบุคคล", "Juristic persons";
        /// บุคคลธรรมดาและนิติบุคคล.
        Both = "both", "บุคคลธรรมดาและนิติบุคคล", "Individuals and juristic persons";
    }
}

named_enum! {
    /// Juristic-person data the service reads.
    JuristicDataField, "juristic_data_field" {
        /// เลขนิติบุคคล.
        JuristicId = "juristic_id", "เลขนิติบุคคล", "Juristic person ID";
        /// ชื่อนิติบุคคล.
        JuristicName = "juristic_name", "ชื่อนิติบุคคล", "Juristic person name";
    }
}

named_enum! {
    /// ระดับการยืนยันตัวตนของผู้ใช้บริการที่ต้องการ.
    IdentityLevel, "identity_level" {
        /// ไม่ต้องการเข้าถึงข้อมูลส่วนบุคคล.
        None = "none", "ไม่ต้องการเข้าถึงข้อมูลส่วนบุคคล", "No personal data needed";
        /// ยืนยันตัวตนตามบัตรประชาชนอย่างเดียว.
        IdCard = "id_card", "ยืนยันตัวตนตามบัตรประชาชนอย่างเดียว", "ID card only";
        /// ยืนยันตัวตนตามบัตรประชาชน และการเปรียบเทียบใบหน้า.
        IdCardFace = "id_card_face",
            "ยืนยันตัวตนตามบัตรประชาชน และมีการยืนยันตัวตนด้วยการเปรียบเทียบใบหน้า",
            "ID card and face comparison";
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

/// Part 1: the agency and its people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Requester {
    /// 1.1 ข้อมูลเกี่ยวกับผู้แจ้งความประสงค์.
    pub agency: AgencyDetails,
    /// 1.2 ผู้ได้รับมอบหมายจากหน่วยงาน.
    pub assignee: Person,
    /// ข้อมูลผู้ติดต่อประสานงาน (Administrator): receives the production credentials.
    pub administrator: Administrator,
    /// หนังสือมอบหมาย: PDF, PNG or JPEG.
    pub assignment_letter_file_id: String,
    /// ช่องทางการติดต่อประสานงานกรณีงานบริการมีปัญหา.
    pub problem_contact: ProblemContact,
}

/// The agency's full details; approving step 4 updates the agency record from them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgencyDetails {
    /// ชื่อหน่วยงาน (ภาษาไทย).
    pub name_th: String,
    /// ชื่อหน่วยงาน (ภาษาอังกฤษ).
    pub name_en: String,
    /// ชื่อย่อหน่วยงาน (ภาษาไทย).
    pub abbr_th: String,
    /// ชื่อย่อหน่วยงาน (ภาษาอังกฤษ).
    pub abbr_en: String,
    /// อยู่ภายใต้สังกัด (ภาษาไทย).
    pub parent_th: String,
    /// อยู่ภายใต้สังกัด (ภาษาอังกฤษ).
    pub parent_en: String,
    /// สถานที่ติดต่อ.
    pub address: Address,
    /// เว็บไซต์หน่วยงาน (ถ้ามี).
    pub website: Option<HttpsUrl>,
    /// รูปแบบหน่วยงาน.
    pub agency_type: AgencyType,
    /// What "other" means, present exactly when `agency_type` is `other`.
    pub agency_type_other: Option<String>,
}

/// สถานที่ติดต่อ: a Thai postal address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Address {
    /// เลขที่.
    pub number: String,
    /// หมู่ (optional).
    pub moo: Option<String>,
    /// ซอย (optional).
    pub soi: Option<String>,
    /// ถนน (optional).
    pub road: Option<String>,
    /// แขวง/ตำบล.
    pub subdistrict: String,
    /// เขต/อำเภอ.
    pub district: String,
    /// จังหวัด.
    pub province: String,
    /// รหัสไปรษณีย์.
    pub postcode: Postcode,
}

/// The administrator contact: the assignee (`same_as_assignee: true`, `person: null`) or
/// another person (`false` with the person).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Administrator {
    /// กรณีเป็นบุคคลคนเดียวกับผู้รับมอบหมาย.
    pub same_as_assignee: bool,
    /// The other person; `Some` exactly when `same_as_assignee` is false.
    pub person: Option<Person>,
}

impl Administrator {
    /// The administrator as a person, given the form's assignee.
    pub fn resolve<'a>(&'a self, assignee: &'a Person) -> &'a Person {
        self.person.as_ref().unwrap_or(assignee)
    }
}

/// Who DGA's contact center calls when the service has a problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ProblemContact {
    /// The agency's own contact center or call center.
    ContactCenter {
        /// โทร.: a 4-digit hotline, a landline or a mobile.
        phone: ContactPhone,
        /// อีเมล (a shared mailbox; not checked for free providers).
        email: Email,
    },
    /// A coordinator, when the agency has no contact center.
    Coordinator {
        /// Which person.
        coordinator: CoordinatorChoice,
        /// The person, present exactly when `coordinator` is `other`.
        person: Option<Person>,
    },
}

/// How users reach the service (URL หรือ รายละเอียดช่องทางการเข้าถึงทั้งหมด): one URL, or a
/// description of every channel when there is no single address. Stored as a JSON string
/// either way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AccessChannel {
    /// An https URL.
    Url(HttpsUrl),
    /// A description of the access channels, 5 to 1,000 characters.
    Description(String),
}

/// Part 2: the service to put on the platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceDetails {
    /// กลุ่มเป้าหมายผู้ใช้บริการ.
    pub target_group: TargetGroup,
    /// วันที่ต้องการเปิดให้บริการจริง (ประมาณการณ์): not before today.
    pub intended_launch_date: NaiveDate,
    /// ชื่อบริการ.
    pub name: String,
    /// รายละเอียดของบริการ.
    pub description: String,
    /// URL หรือ รายละเอียดช่องทางการเข้าถึงทั้งหมด.
    pub access_url: AccessChannel,
    /// Personal data read from the app.
    pub personal_data_fields: Vec<PersonalDataField>,
    /// Juristic-person data read (empty for `individual`).
    pub juristic_data_fields: Vec<JuristicDataField>,
    /// `none` only when no personal data is read.
    pub identity_level: IdentityLevel,
    /// GPS, camera, microphone (each once).
    pub device_access: Vec<DeviceAccess>,
    /// ฟีเจอร์ดาวน์โหลดหรือบันทึกเอกสาร รูปภาพลงเครื่อง.
    pub download_feature: bool,
    /// ฟีเจอร์แจ้งเตือน (Push Notification, Personal Inbox).
    pub notifications: bool,
    /// ฟีเจอร์ Smart Tracking.
    pub smart_tracking: bool,
    /// รูปแบบการเชื่อมโยงบริการ (Profile access), https only.
    pub profile_access: ProfileAccess,
}

/// One statement of step 4 part 3 (manual §6, PORTAL.md V2): the `consents` member it sets,
/// and its wording in Thai and English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsentStatement {
    /// The member of `consents` (`data_access`, `accuracy`, `terms_and_privacy`).
    pub key: &'static str,
    /// The statement as the agency reads it.
    pub th: &'static str,
    /// The same in English.
    pub en: &'static str,
}

/// The version of the consent statements in force: a submission records the version it
/// consented to, so the wording accepted can be shown later even after it changes. A new
/// wording gets a new version and an entry in [`consent_statements`].
pub const CONSENTS_VERSION: &str = "2026-11";

/// The statements of version 2026-11, in the form's order.
const CONSENTS_2026_11: [ConsentStatement; 3] = [
    ConsentStatement {
        key: "data_access",
        th: "ข้าพเจ้ายินยอมให้สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน) หรือ สพร. เข้าถึงข้อมูล เอกสาร และหลักฐานต่าง ๆ ที่ข้าพเจ้าได้ให้ไว้ เพื่อประโยชน์ในการพิจารณาการขอใช้บริการมาเชื่อมต่อและให้บริการบนแพลตฟอร์มดิจิทัลกลางของรัฐ และการดำเนินการอื่นใดที่เกี่ยวข้อง",
        en: "I consent to the Digital Government Development Agency (Public Organization), DGA, accessing the data, documents and evidence I have given, for considering this request to connect to and serve on the government's central digital platform, and for any related action.",
    },
    ConsentStatement {
        key: "accuracy",
        th: "ข้าพเจ้าขอรับรองว่าข้อมูล ตลอดจนเอกสารและหลักฐานต่าง ๆ มีความถูกต้อง ครบถ้วน และตรงต่อความเป็นจริง โดยหากปรากฏข้อเท็จจริงว่าข้อมูล เอกสาร หรือหลักฐานใดไม่ถูกต้อง ไม่ครบถ้วน หรือข้าพเจ้ามิได้ปฏิบัติตามข้อกำหนดหลักเกณฑ์ วิธีการ และเงื่อนไขที่สำนักงานกำหนด ข้าพเจ้าจะเร่งดำเนินการแก้ไขให้ถูกต้องและครบถ้วนภายในระยะเวลาที่ สพร. กำหนด",
        en: "I certify that the data, documents and evidence are correct, complete and true. Should any prove incorrect or incomplete, or should I not follow the rules, methods and conditions the agency sets, I will promptly correct them within the time DGA sets.",
    },
    ConsentStatement {
        key: "terms_and_privacy",
        th: "ข้าพเจ้าได้อ่านและตกลงที่จะปฏิบัติตามข้อกำหนดและเงื่อนไข และประกาศความเป็นส่วนตัว (Privacy Notice) เกี่ยวกับการนำบริการภาครัฐมาให้บริการบนแพลตฟอร์มดิจิทัลกลาง \"ทางรัฐ\" ตลอดจนข้อกำหนดอื่นใดที่เกี่ยวข้อง",
        en: "I have read and agree to follow the terms and conditions and the Privacy Notice for bringing government services onto the central digital platform \"Tang Rat\", and any other related terms.",
    },
];

/// The statements of a consent version, or `None` for a version this build does not know.
///
/// ```
/// use onboard_core::payload::{consent_statements, CONSENTS_VERSION};
/// let now = consent_statements(CONSENTS_VERSION).unwrap();
/// assert_eq!(now.iter().map(|s| s.key).collect::<Vec<_>>(), ["data_access", "accuracy", "terms_and_privacy"]);
/// assert!(consent_statements("1999-01").is_none());
/// ```
pub fn consent_statements(version: &str) -> Option<&'static [ConsentStatement]> {
    match version {
        "2026-11" => Some(&CONSENTS_2026_11),
        _ => None,
    }
}

/// Part 3: the three consents, all given (the submit event records who and when).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consents {
    /// DGA may access the data, documents and evidence given.
    pub data_access: bool,
    /// The data given is correct and complete.
    pub accuracy: bool,
    /// The terms and the privacy notice are accepted.
    pub terms_and_privacy: bool,
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

fn requester(
    r: &mut Report,
    path: &Path,
    raw: Option<&RawRequester>,
    ctx: &Context<'_>,
) -> Option<Requester> {
    let empty = RawRequester::default();
    let raw = raw.unwrap_or(&empty);
    let agency = agency(r, &path.key("agency"), raw.agency.as_ref());
    let assignee = person::person(r, &path.key("assignee"), raw.assignee.as_ref());
    let administrator = administrator(r, &path.key("administrator"), raw.administrator.as_ref());
    let letter = check::file(
        r,
        &path.key("assignment_letter_file_id"),
        &raw.assignment_letter_file_id,
        ctx,
        FilePurpose::AssignmentLetter,
    );
    let problem_contact = problem_contact(
        r,
        &path.key("problem_contact"),
        raw.problem_contact.as_ref(),
    );
    Some(Requester {
        agency: agency?,
        assignee: assignee?,
        administrator: administrator?,
        assignment_letter_file_id: letter?.0,
        problem_contact: problem_contact?,
    })
}

fn agency(r: &mut Report, path: &Path, raw: Option<&RawAgency>) -> Option<AgencyDetails> {
    let empty = RawAgency::default();
    let raw = raw.unwrap_or(&empty);
    let name = |r: &mut Report, key: &str, value: &Option<String>, max: usize| {
        check::text(r, &path.key(key), value, max)
    };
    let name_th = name(r, "name_th", &raw.name_th, limits::NAME_MAX);
    let name_en = name(r, "name_en", &raw.name_en, limits::NAME_MAX);
    let abbr_th = name(r, "abbr_th", &raw.abbr_th, limits::ABBREVIATION_MAX);
    let abbr_en = name(r, "abbr_en", &raw.abbr_en, limits::ABBREVIATION_MAX);
    let parent_th = name(r, "parent_th", &raw.parent_th, limits::NAME_MAX);
    let parent_en = name(r, "parent_en", &raw.parent_en, limits::NAME_MAX);
    let address = address(r, &path.key("address"), raw.address.as_ref());
    let website = website(r, &path.key("website"), &raw.website);
    let agency_type = check::choice::<AgencyType>(r, &path.key("agency_type"), &raw.agency_type);
    let other_path = path.key("agency_type_other");
    let agency_type_other = match agency_type {
        Some(AgencyType::Other) => check::text(
            r,
            &other_path,
            &raw.agency_type_other,
            limits::AGENCY_TYPE_OTHER_MAX,
        )
        .map(Some),
        // Unknown type: nothing to say about the detail yet.
        None => Some(None),
        Some(_) => check::forbid(
            r,
            &other_path,
            check::is_filled(&raw.agency_type_other),
            "ระบุรายละเอียดได้เฉพาะเมื่อเลือกรูปแบบหน่วยงาน \"อื่นๆ โปรดระบุ\"",
            "Only given when the agency type is \"other\"",
        )
        .then_some(None),
    };
    Some(AgencyDetails {
        name_th: name_th?,
        name_en: name_en?,
        abbr_th: abbr_th?,
        abbr_en: abbr_en?,
        parent_th: parent_th?,
        parent_en: parent_en?,
        address: address?,
        website: website?,
        agency_type: agency_type?,
        agency_type_other: agency_type_other?,
    })
}

fn address(r: &mut Report, path: &Path, raw: Option<&RawAddress>) -> Option<Address> {
    let empty = RawAddress::default();
    let raw = raw.unwrap_or(&empty);
    let max = limits::ADDRESS_PART_MAX;
    let number = check::text(r, &path.key("number"), &raw.number, max);
    let moo = check::optional_text(r, &path.key("moo"), &raw.moo, max);
    let soi = check::optional_text(r, &path.key("soi"), &raw.soi, max);
    let road = check::optional_text(r, &path.key("road"), &raw.road, max);
    let subdistrict = check::text(r, &path.key("subdistrict"), &raw.subdistrict, max);
    let district = check::text(r, &path.key("district"), &raw.district, max);
    let province = check::text(r, &path.key("province"), &raw.province, max);
    let postcode = check::required::<Postcode>(r, &path.key("postcode"), &raw.postcode);
    Some(Address {
        number: number?,
        moo: moo?,
        soi: soi?,
        road: road?,
        subdistrict: subdistrict?,
        district: district?,
        province: province?,
        postcode: postcode?,
    })
}

fn administrator(
    r: &mut Report,
    path: &Path,
    raw: Option<&RawAdministrator>,
) -> Option<Administrator> {
    let empty = RawAdministrator::default();
    let raw = raw.unwrap_or(&empty);
    let same = check::flag_asking(
        r,
        &path.key("same_as_assignee"),
        raw.same_as_assignee,
        "กรุณาเลือกว่าผู้ติดต่อประสานงานเป็นบุคคลเดียวกับผู้รับมอบหมายหรือไม่",
        "Say whether the administrator is the assignee",
    )?;
    let person_path = path.key("person");
    let person = if same {
        check::forbid(
            r,
            &person_path,
            raw.person.is_some(),
            "ผู้ติดต่อประสานงานเป็นบุคคลเดียวกับผู้รับมอบหมาย จึงไม่ต้องกรอกข้อมูลบุคคล",
            "The administrator is the assignee; leave the person empty",
        )
        .then_some(None)?
    } else {
        Some(person::person(r, &person_path, raw.person.as_ref())?)
    };
    Some(Administrator {
        same_as_assignee: same,
        person,
    })
}

fn problem_contact(
    r: &mut Report,
    path: &Path,
    raw: Option<&RawProblemContact>,
) -> Option<ProblemContact> {
    let empty = RawProblemContact::default();
    let raw = raw.unwrap_or(&empty);
    match check::choice::<ProblemContactType>(r, &path.key("type"), &raw.kind)? {
        ProblemContactType::ContactCenter => {
            let phone = check::required::<ContactPhone>(r, &path.key("phone"), &raw.phone);
            let email = check::required::<Email>(r, &path.key("email"), &raw.email);
            let mut ok = true;
            for (name, filled) in [
                ("coordinator", check::is_filled(&raw.coordinator)),
                ("person", raw.person.is_some()),
            ] {
                ok &= check::forbid(
                    r,
                    &path.key(name),
                    filled,
                    "ใช้เฉพาะกรณีหน่วยงานไม่มี Contact Center ไม่ต้องระบุ",
                    "Only used when the agency has no contact center; leave it empty",
                );
            }
            let contact = ProblemContact::ContactCenter {
                phone: phone?,
                email: email?,
            };
            ok.then_some(contact)
        }
        ProblemContactType::Coordinator => {
            let mut ok = true;
            for (name, filled) in [
                ("phone", check::is_filled(&raw.phone)),
                ("email", check::is_filled(&raw.email)),
            ] {
                ok &= check::forbid(
                    r,
                    &path.key(name),
                    filled,
                    "ใช้เฉพาะกรณีหน่วยงานมี Contact Center ไม่ต้องระบุ",
                    "Only used when the agency has a contact center; leave it empty",
                );
            }
            let choice =
                check::choice::<CoordinatorChoice>(r, &path.key("coordinator"), &raw.coordinator);
            let person_path = path.key("person");
            let person = match choice {
                Some(CoordinatorChoice::Other) => {
                    person::person(r, &person_path, raw.person.as_ref()).map(Some)
                }
                None => Some(None),
                Some(_) => check::forbid(
                    r,
                    &person_path,
                    raw.person.is_some(),
                    "กรอกข้อมูลบุคคลเฉพาะเมื่อผู้ประสานงานเป็นบุคคลอื่น",
                    "Only given when the coordinator is someone else",
                )
                .then_some(None),
            };
            let contact = ProblemContact::Coordinator {
                coordinator: choice?,
                person: person?,
            };
            ok.then_some(contact)
        }
    }
}

fn service(
    r: &mut Report,
    path: &Path,
    raw: Option<&RawService>,
    ctx: &Context<'_>,
) -> Option<ServiceDetails> {
    let empty = RawService::default();
    let raw = raw.unwrap_or(&empty);
    let target_group =
        check::choice::<TargetGroup>(r, &path.key("target_group"), &raw.target_group);
    let intended_launch_date = check::planned_date(
        r,
        &path.key("intended_launch_date"),
        &raw.intended_launch_date,
        ctx.today,
    );
    let name = check::text(r, &path.key("name"), &raw.name, limits::NAME_MAX);
    let description = check::long_text(
        r,
        &path.key("description"),
        &raw.description,
        limits::SERVICE_DESCRIPTION_MAX,
    );
    let access_url = access_url(r, &path.key("access_url"), &raw.access_url);
    let personal_data_fields = platform_personal_data(
        r,
        &path.key("personal_data_fields"),
        &raw.personal_data_fields,
    );
    let juristic_path = path.key("juristic_data_fields");
    let mut juristic_data_fields =
        check::choices::<JuristicDataField>(r, &juristic_path, &raw.juristic_data_fields);
    if target_group == Some(TargetGroup::Individual) {
        let listed = raw
            .juristic_data_fields
            .as_ref()
            .is_some_and(|v| !v.is_empty());
        if !check::forbid(
            r,
            &juristic_path,
            listed,
            "กลุ่มเป้าหมายเป็นบุคคลธรรมดา จึงไม่สามารถขอเข้าถึงข้อมูลนิติบุคคลได้",
            "The service is for individuals only, so it cannot read juristic-person data",
        ) {
            juristic_data_fields = None;
        }
    }
    let identity_level = identity_level(r, &path.key("identity_level"), raw);
    let device_access = platform_devices(r, &path.key("device_access"), &raw.device_access);
    let download_feature = check::flag(r, &path.key("download_feature"), raw.download_feature);
    let notifications = check::flag(r, &path.key("notifications"), raw.notifications);
    let smart_tracking = check::flag(r, &path.key("smart_tracking"), raw.smart_tracking);
    let profile_access = profile::profile_access(
        r,
        &path.key("profile_access"),
        raw.profile_access.as_ref(),
        Urls::Https,
        profile::OidcLanding::Optional,
    );
    Some(ServiceDetails {
        target_group: target_group?,
        intended_launch_date: intended_launch_date?,
        name: name?,
        description: description?,
        access_url: access_url?,
        personal_data_fields: personal_data_fields?,
        juristic_data_fields: juristic_data_fields?,
        identity_level: identity_level?,
        device_access: device_access?,
        download_feature: download_feature?,
        notifications: notifications?,
        smart_tracking: smart_tracking?,
        profile_access: profile_access?,
    })
}

/// The agency's optional website: a bare host such as `www.navy.mi.th`, as people write it,
/// is taken as `https://www.navy.mi.th`.
fn website(r: &mut Report, path: &Path, raw: &Option<String>) -> Option<Option<HttpsUrl>> {
    let text = check::raw_str(raw).trim();
    if text.is_empty() {
        return Some(None);
    }
    let full = if text.contains("://") {
        text.to_owned()
    } else {
        format!("https://{text}")
    };
    check::url(r, path, &full, Urls::Https).map(Some)
}

/// A URL, or a description of the access channels; text that starts with `http` is taken
/// for a URL and must be a valid one (a mistyped address should not pass as a description).
fn access_url(r: &mut Report, path: &Path, raw: &Option<String>) -> Option<AccessChannel> {
    let text = check::raw_str(raw).trim();
    if text
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("http"))
    {
        return check::url(r, path, text, Urls::Https).map(AccessChannel::Url);
    }
    let description = check::long_text(r, path, raw, limits::ACCESS_DESCRIPTION_MAX)?;
    if description.chars().count() < limits::ACCESS_DESCRIPTION_MIN {
        r.push(Issue::with_messages(
            path,
            Code::TooShort,
            format!(
                "กรุณาระบุ URL ที่ขึ้นต้นด้วย https:// หรืออธิบายช่องทางการเข้าถึงทั้งหมดอย่างน้อย {} ตัวอักษร",
                limits::ACCESS_DESCRIPTION_MIN
            ),
            format!(
                "Give a URL starting with https://, or describe every access channel in at least {} characters",
                limits::ACCESS_DESCRIPTION_MIN
            ),
        ));
        return None;
    }
    Some(AccessChannel::Description(description))
}

/// `none` only when no personal data is read; any personal data needs a real level.
fn identity_level(r: &mut Report, path: &Path, raw: &RawService) -> Option<IdentityLevel> {
    let level = check::choice::<IdentityLevel>(r, path, &raw.identity_level)?;
    let reads_personal_data = raw
        .personal_data_fields
        .as_ref()
        .is_some_and(|v| !v.is_empty());
    let ok = check::forbid(
        r,
        path,
        level == IdentityLevel::None && reads_personal_data,
        "งานบริการขอเข้าถึงข้อมูลส่วนบุคคล จึงต้องเลือกระดับการยืนยันตัวตนตามบัตรประชาชน",
        "The service reads personal data, so it needs an identity level (ID card, or ID card and face)",
    );
    ok.then_some(level)
}

/// Step 4 offers the six kinds of personal data of the manual's form, without step 1's
/// "other" (which has no text box here).
fn platform_personal_data(
    r: &mut Report,
    path: &Path,
    raw: &Option<Vec<String>>,
) -> Option<Vec<PersonalDataField>> {
    let fields = check::choices::<PersonalDataField>(r, path, raw)?;
    let mut ok = true;
    for (i, field) in fields.iter().enumerate() {
        ok &= check::forbid(
            r,
            &path.index(i),
            *field == PersonalDataField::Other,
            "ขั้นตอนนี้ไม่มีตัวเลือก \"ข้อมูลเฉพาะอื่นๆ\" กรุณาเลือกจากข้อมูลที่แสดงในแบบฟอร์ม",
            "\"other\" is not offered here; choose from the data the form lists",
        );
    }
    ok.then_some(fields)
}

/// Step 4 offers GPS, camera and microphone only; saving files is the download feature.
fn platform_devices(
    r: &mut Report,
    path: &Path,
    raw: &Option<Vec<String>>,
) -> Option<Vec<DeviceAccess>> {
    let devices = check::choices::<DeviceAccess>(r, path, raw)?;
    let mut ok = true;
    for (i, device) in devices.iter().enumerate() {
        ok &= check::forbid(
            r,
            &path.index(i),
            *device == DeviceAccess::SaveFiles,
            "ขั้นตอนนี้เลือกได้เฉพาะ GPS กล้อง และไมโครโฟน (การบันทึกไฟล์ลงเครื่องให้ระบุที่ฟีเจอร์ดาวน์โหลด)",
            "Only gps, camera and microphone here (saving files is the download feature)",
        );
    }
    ok.then_some(devices)
}

fn consents(r: &mut Report, path: &Path, raw: Option<&RawConsents>) -> Option<Consents> {
    let empty = RawConsents::default();
    let raw = raw.unwrap_or(&empty);
    let mut consent = |key: &str, value: Option<bool>| {
        let at = path.key(key);
        let given = check::flag_asking(
            r,
            &at,
            value,
            "กรุณากด \"ตกลง\" เพื่อยอมรับคำรับรองและคำยินยอม",
            "Accept the statement to send the request",
        )?;
        check::forbid(
            r,
            &at,
            !given,
            "ต้องยอมรับคำรับรองและคำยินยอมทุกข้อจึงจะส่งคำขอได้",
            "Every statement must be accepted before the request can be sent",
        )
        .then_some(true)
    };
    let data_access = consent("data_access", raw.data_access);
    let accuracy = consent("accuracy", raw.accuracy);
    let terms_and_privacy = consent("terms_and_privacy", raw.terms_and_privacy);
    Some(Consents {
        data_access: data_access?,
        accuracy: accuracy?,
        terms_and_privacy: terms_and_privacy?,
    })
}
