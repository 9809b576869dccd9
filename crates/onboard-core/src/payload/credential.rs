//! Step 1 `credential`: the request for UAT credentials (manual §3, ขอ Credential).

use super::check;
use super::limits;
use super::raw::raw_form;
use super::Context;
use crate::reference::named_enum;
use crate::reference::Category;
use crate::schedule::thai_date;
use crate::validation::{Code, Issue, Path, Report};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

raw_form! {
    /// Step 1 as sent.
    struct RawCredentialRequest {
        category: String,
        short_description: String,
        full_description: String,
        icon_file_id: String,
        icon_concept: String,
        planned_launch_date: String,
        personal_data: RawPersonalData,
        identity_verification: String,
        notifications: bool,
        device_access: Vec<String>,
    }
}

raw_form! {
    /// Step 1 personal data access as sent.
    struct RawPersonalData {
        required: bool,
        fields: Vec<String>,
        other_text: String,
    }
}

named_enum! {
    /// Personal data the e-Service reads from the app (ข้อมูลส่วนบุคคลที่ต้องการเข้าถึง),
    /// in steps 1 and 4.
    PersonalDataField, "personal_data_field" {
        /// เลขประจำตัวประชาชน.
        CitizenId = "citizen_id", "เลขประจำตัวประชาชน", "Citizen ID number";
        /// ชื่อ.
        FirstName = "first_name", "ชื่อ", "First name";
        /// นามสกุล.
        LastName = "last_name", "นามสกุล", "Last name";
        /// วัน/เดือน/ปีเกิด.
        BirthDate = "birth_date", "วัน/เดือน/ปีเกิด", "Date of birth";
        /// เบอร์โทรศัพท์มือถือ.
        Mobile = "mobile", "เบอร์โทรศัพท์มือถือ", "Mobile number";
        /// อีเมล.
        Email = "email", "อีเมล", "E-mail";
        /// หรือข้อมูลเฉพาะอื่นๆ (step 1 only), described in `other_text`.
        Other = "other", "ข้อมูลเฉพาะอื่นๆ", "Other specific data";
    }
}

named_enum! {
    /// How the app verifies the user's identity (รูปแบบการยืนยันตัวตน), step 1.
    IdentityVerification, "identity_verification" {
        /// ยืนยันตัวตนด้วยบัตรประชาชน.
        IdCard = "id_card", "ยืนยันตัวตนด้วยบัตรประชาชน", "ID card";
        /// ยืนยันตัวตนด้วยบัตรประชาชน และเปรียบเทียบใบหน้า.
        IdCardFace = "id_card_face",
            "ยืนยันตัวตนด้วยบัตรประชาชน และมีการยืนยันตัวตนด้วยการเปรียบเทียบใบหน้า",
            "ID card and face comparison";
    }
}

named_enum! {
    /// Device features the e-Service uses (การเข้าถึงอุปกรณ์). Step 4 does not offer
    /// `save_files`: it asks about a download feature instead.
    DeviceAccess, "device_access" {
        /// ตำแหน่งที่ตั้ง (GPS).
        Gps = "gps", "ตำแหน่งที่ตั้ง (GPS Latitude, Longitude)", "Location (GPS latitude, longitude)";
        /// กล้องถ่ายรูป.
        Camera = "camera", "กล้องถ่ายรูป", "Camera";
        /// ไมโครโฟน.
        Microphone = "microphone", "ไมโครโฟน", "Microphone";
        /// บันทึกเอกสาร, รูปภาพ ลงเครื่อง.
        SaveFiles = "save_files", "บันทึกเอกสาร, รูปภาพ ลงเครื่อง", "Save documents and pictures on the device";
    }
}

/// Access to personal data: whether it is needed, and which.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalData {
    /// บริการของคุณ ต้องการเข้าถึงข้อมูลส่วนบุคคลหรือไม่.
    pub required: bool,
    /// Which data: at least one when `required`, none otherwise.
    pub fields: Vec<PersonalDataField>,
    /// What the "other" data is (at most 500 characters): present exactly when `fields`
    /// lists `other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_text: Option<String>,
}

/// Step 1: the request for UAT credentials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialRequest {
    /// หมวดหมู่ e-Service; `in_development` is allowed here.
    pub category: Category,
    /// รายละเอียดบริการ (ฉบับย่อ), at most 140 characters, shown in the app.
    pub short_description: String,
    /// รายละเอียดบริการ (ฉบับเต็ม).
    pub full_description: String,
    /// ไอคอน e-Service (optional): an uploaded PNG or JPEG.
    pub icon_file_id: Option<String>,
    /// แนวคิดของไอคอน: present exactly when an icon is (`-` when the agency has none to give).
    pub icon_concept: Option<String>,
    /// กำหนดการเปิดใช้งาน: from today up to the launch deadline.
    pub planned_launch_date: NaiveDate,
    /// การเข้าถึงข้อมูลส่วนบุคคล.
    pub personal_data: PersonalData,
    /// รูปแบบการยืนยันตัวตน.
    pub identity_verification: IdentityVerification,
    /// Whether the e-Service sends notifications.
    pub notifications: bool,
    /// Device features used, each once.
    pub device_access: Vec<DeviceAccess>,
}

pub(crate) fn validate(
    r: &mut Report,
    raw: &RawCredentialRequest,
    ctx: &Context<'_>,
) -> Option<CredentialRequest> {
    let root = Path::root();
    let category = check::choice::<Category>(r, &root.key("category"), &raw.category);
    let short_description = check::text(
        r,
        &root.key("short_description"),
        &raw.short_description,
        limits::SHORT_DESCRIPTION_MAX,
    );
    let full_description = check::long_text(
        r,
        &root.key("full_description"),
        &raw.full_description,
        limits::FULL_DESCRIPTION_MAX,
    );
    let (icon_file_id, icon_concept) = icon_and_concept(r, raw, ctx);
    let planned_launch_date = planned_launch_date(r, &raw.planned_launch_date, ctx);
    let personal_data = personal_data(r, &root.key("personal_data"), raw.personal_data.as_ref());
    let identity_verification = check::choice(
        r,
        &root.key("identity_verification"),
        &raw.identity_verification,
    );
    let notifications = check::flag(r, &root.key("notifications"), raw.notifications);
    let device_access = check::choices(r, &root.key("device_access"), &raw.device_access);
    Some(CredentialRequest {
        category: category?,
        short_description: short_description?,
        full_description: full_description?,
        icon_file_id: icon_file_id?,
        icon_concept: icon_concept?,
        planned_launch_date: planned_launch_date?,
        personal_data: personal_data?,
        identity_verification: identity_verification?,
        notifications: notifications?,
        device_access: device_access?,
    })
}

/// The optional icon and its concept, which must come together (manual §3.1 items 4 and 5).
fn icon_and_concept(
    r: &mut Report,
    raw: &RawCredentialRequest,
    ctx: &Context<'_>,
) -> (Option<Option<String>>, Option<Option<String>>) {
    let icon_path = Path::root().key("icon_file_id");
    let concept_path = Path::root().key("icon_concept");
    if !check::is_filled(&raw.icon_file_id) {
        let ok = check::forbid(
            r,
            &concept_path,
            check::is_filled(&raw.icon_concept),
            "ระบุแนวคิดของไอคอนได้เมื่ออัปโหลดไอคอนแล้วเท่านั้น",
            "An icon concept can only be given with an icon",
        );
        return (Some(None), ok.then_some(None));
    }
    let icon = check::icon(r, &icon_path, &raw.icon_file_id, ctx).map(Some);
    let concept = if check::is_filled(&raw.icon_concept) {
        check::optional_long_text(
            r,
            &concept_path,
            &raw.icon_concept,
            limits::ICON_CONCEPT_MAX,
        )
    } else {
        r.push(Issue::with_messages(
            &concept_path,
            Code::Required,
            "กรุณากรอกแนวคิด (Concept) ของไอคอน หากไม่ประสงค์ระบุ ให้ใส่เครื่องหมาย \"-\"",
            "Describe the icon's concept, or enter \"-\" if you prefer not to",
        ));
        None
    };
    (icon, concept)
}

/// กำหนดการเปิดใช้งาน: not before today, not after the launch deadline (the end of the fiscal
/// year, manual §3.1 item 6).
fn planned_launch_date(
    r: &mut Report,
    raw: &Option<String>,
    ctx: &Context<'_>,
) -> Option<NaiveDate> {
    let path = Path::root().key("planned_launch_date");
    let date = check::planned_date(r, &path, raw, ctx.today)?;
    let deadline = ctx.launch_deadline;
    if date > deadline {
        r.push(Issue::with_messages(
            &path,
            Code::OutOfRange,
            format!(
                "กำหนดการเปิดใช้งานต้องไม่เกินวันที่ {} (สิ้นปีงบประมาณ)",
                thai_date(deadline)
            ),
            format!(
                "The planned launch date must not be after {deadline} (the end of the fiscal year)"
            ),
        ));
        return None;
    }
    Some(date)
}

fn personal_data(
    r: &mut Report,
    path: &Path,
    raw: Option<&RawPersonalData>,
) -> Option<PersonalData> {
    let empty = RawPersonalData::default();
    let raw = raw.unwrap_or(&empty);
    let required = check::flag(r, &path.key("required"), raw.required);
    let fields_path = path.key("fields");
    let fields = check::choices::<PersonalDataField>(r, &fields_path, &raw.fields);
    let listed = raw.fields.as_ref().map_or(0, Vec::len);
    let consistent = match required? {
        true if listed == 0 => {
            r.push(Issue::with_messages(
                &fields_path,
                if raw.fields.is_none() {
                    Code::Required
                } else {
                    Code::TooShort
                },
                "กรุณาเลือกข้อมูลส่วนบุคคลที่ต้องการเข้าถึงอย่างน้อย 1 รายการ",
                "Choose at least 1 kind of personal data",
            ));
            false
        }
        false => check::forbid(
            r,
            &fields_path,
            listed > 0,
            "เลือกว่าไม่ต้องการเข้าถึงข้อมูลส่วนบุคคล จึงต้องไม่ระบุข้อมูลที่ต้องการเข้าถึง",
            "Personal data is not required, so no kind of personal data may be chosen",
        ),
        true => true,
    };
    let other_path = path.key("other_text");
    let wants_other = raw.fields.as_deref().is_some_and(|f| {
        f.iter()
            .any(|v| v.trim() == PersonalDataField::Other.as_str())
    });
    let other_text = if wants_other {
        check::long_text(
            r,
            &other_path,
            &raw.other_text,
            limits::PERSONAL_DATA_OTHER_MAX,
        )
        .map(Some)
    } else {
        check::forbid(
            r,
            &other_path,
            check::is_filled(&raw.other_text),
            "ระบุรายละเอียดได้เมื่อเลือก \"ข้อมูลเฉพาะอื่นๆ\" เท่านั้น",
            "Only given when \"other specific data\" is chosen",
        )
        .then_some(None)
    };
    let fields = fields?;
    let other_text = other_text?;
    consistent.then_some(PersonalData {
        required: required?,
        fields,
        other_text,
    })
}
