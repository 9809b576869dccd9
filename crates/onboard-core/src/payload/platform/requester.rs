//! Part 1 of step 4 (ส่วนที่ 1: ข้อมูลผู้แจ้งความประสงค์): the agency, the assignee, the
//! administrator, the assignment letter and the problem contact.

use super::*;

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

pub(super) fn requester(
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
