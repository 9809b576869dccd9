//! Part 2 of step 4 (ส่วนที่ 2: รายละเอียดของบริการ): the service, who it is for, how it is
//! reached and what it reads.

use super::*;

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

pub(super) fn service(
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
