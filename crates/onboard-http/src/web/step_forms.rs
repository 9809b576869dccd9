//! The form steps 1, 2, 4 and 5: each step's fields in the manual's order and words
//! (PORTAL.md §6, §7, §9, §10), the form page with drafts and uploads, the check-your-answers
//! page before the final confirmation, and the page of a step under review or done.

use super::form::{self, Edit, Field, Kind, Posted, TESTER_INPUTS};
use super::*;
use onboard_core::id::FileId;
use onboard_core::payload::{
    AgencyType, DeviceAccess, IdentityLevel, IdentityVerification, JuristicDataField,
    PersonalDataField, ProfileAccessType, TargetGroup,
};
use onboard_core::reference::Category;
use onboard_core::workflow::{Command, EService};
use serde_json::Value;
use std::collections::HashMap;

// ---------------------------------------------------------------------------------------
// The fields of each step

/// The fields of a form step, or `None` for the other steps.
pub(super) fn fields_of(step: Step, deadline: &str) -> Option<Vec<Field>> {
    match step {
        Step::Credential => Some(credential(deadline)),
        Step::UatSetup => Some(setup(false)),
        Step::PlatformRequest => Some(platform_request()),
        Step::PreprodSetup => Some(setup(true)),
        _ => None,
    }
}

fn categories(with_in_development: bool) -> Vec<(&'static str, &'static str)> {
    Category::ALL
        .iter()
        .filter(|c| with_in_development || **c != Category::InDevelopment)
        .map(|c| (c.as_str(), c.title_th()))
        .collect()
}

/// Step 1, manual §3.1 and §3.2.
fn credential(deadline: &str) -> Vec<Field> {
    vec![
        Field::section("กรอกรายละเอียดบริการเพื่อใช้ในการขอ Credential"),
        Field::select("category", "หมวดหมู่ e-Service", categories(true)).hint(
            "ระบุประเภทบริการให้สอดคล้องกับแพลตฟอร์มดิจิทัลกลาง (หากไม่แน่ใจสามารถเลือก \"บริการที่อยู่ระหว่างการพัฒนา\" และแก้ไขได้ภายหลังในขั้นตอน Pre-Production)",
        ),
        Field::area("short_description", "รายละเอียดแบบย่อ")
            .hint("ความยาวไม่เกิน 140 ตัวอักษร สำหรับแสดงผลบนแอปพลิเคชัน \"ทางรัฐ\"")
            .placeholder("เช่น บริการเพื่อให้ประชาชนรับทราบเกี่ยวกับสิทธิสวัสดิการที่พึงได้รับ")
            .counter(onboard_core::payload::limits::SHORT_DESCRIPTION_MAX),
        Field::area("full_description", "รายละเอียดแบบเต็ม")
            .hint("ระบุข้อมูลโดยละเอียดได้ไม่จำกัดจำนวนตัวอักษร เพื่อให้ผู้ใช้ศึกษาเพิ่มเติม")
            .placeholder("เช่น ระบบแจ้งเตือนสิทธิและช่วยเหลือในการรับสวัสดิการของประชาชนตลอดช่วงชีวิต..."),
        Field::file("icon_file_id", "ไอคอน e-Service (ถ้ามี)", FilePurpose::Icon)
            .optional()
            .hint("รองรับไฟล์ JPG, PNG ขนาดแนะนำ 120x120px ไม่เกิน 2 MB"),
        Field::area("icon_concept", "แนวคิด (Concept) ของไอคอน")
            .optional()
            .hint("กรณีมีไอคอน ให้ระบุที่มาหรือความหมายของไอคอน หากไม่ประสงค์ระบุแนวคิด ให้ใส่เครื่องหมาย \"-\""),
        Field::date("planned_launch_date", "กำหนดการเปิดใช้งาน")
            .hint(format!("โดยต้องไม่เกินวันที่ {deadline}")),
        Field::section("ข้อมูลที่ต้องการเข้าถึง"),
        Field::yes_no(
            "personal_data.required",
            "บริการของคุณ ต้องการเข้าถึงข้อมูลส่วนบุคคลหรือไม่",
        ),
        Field::checks(
            "personal_data.fields",
            "ข้อมูลส่วนบุคคลที่ต้องการเข้าถึง",
            form::choices(
                PersonalDataField::ALL,
                PersonalDataField::as_str,
                PersonalDataField::title_th,
            ),
        )
        .when("personal_data.required", &["true"]),
        Field::text("personal_data.other_text", "ข้อมูลเฉพาะอื่นๆ ที่ต้องการเข้าถึง")
            .hint("ไม่เกิน 500 ตัวอักษร")
            .when("personal_data.fields", &["other"]),
        Field::radio(
            "identity_verification",
            "รูปแบบการยืนยันตัวตน",
            form::choices(
                IdentityVerification::ALL,
                IdentityVerification::as_str,
                IdentityVerification::title_th,
            ),
        ),
        Field::section("การแจ้งเตือน และการเข้าถึงอุปกรณ์"),
        Field::yes_no(
            "notifications",
            "บริการของคุณ ต้องการใช้งานฟีเจอร์ แจ้งเตือนหรือไม่",
        ),
        Field::checks(
            "device_access",
            "บริการของคุณ ต้องการเข้าถึงอุปกรณ์ใดบ้าง",
            form::choices(DeviceAccess::ALL, DeviceAccess::as_str, DeviceAccess::title_th),
        )
        .optional(),
    ]
}

/// The profile-access fields of steps 2 and 5 (manual §4 item 2, §7 items 4–5).
fn profile_access(prefix: &str, landing_for_oidc: bool) -> Vec<Field> {
    let at = |member: &str| format!("{prefix}{member}");
    let kinds = form::choices(
        ProfileAccessType::ALL,
        ProfileAccessType::as_str,
        ProfileAccessType::title_th,
    );
    let landing = Field::text(at("landing_page_url"), "Landing Page URL")
        .input_type("url")
        .placeholder("https://www.example.go.th");
    vec![
        Field::radio(at("type"), "ประเภทการเข้าถึงโปรไฟล์", kinds),
        Field::text(at("domain"), "Domain")
            .placeholder("example.go.th")
            .hint("ชื่อโดเมนเท่านั้น ไม่ต้องมี https:// หรือ /")
            .when(at("type"), &["oidc"]),
        if landing_for_oidc {
            landing
        } else {
            landing.when(at("type"), &["mtoken"])
        },
        Field::lines(at("login_callback_urls"), "Callback URL (กด Enter เพื่อเพิ่ม)")
            .hint("หนึ่ง URL ต่อบรรทัด ต้องอยู่ภายใต้ Domain ข้างต้น")
            .when(at("type"), &["oidc"]),
        Field::lines(
            at("logout_callback_urls"),
            "Logout Callback URL (กด Enter เพื่อเพิ่ม)",
        )
        .hint("หนึ่ง URL ต่อบรรทัด ต้องอยู่ภายใต้ Domain ข้างต้น")
        .when(at("type"), &["oidc"]),
    ]
}

/// Step 2 (UAT) or, with `preprod`, step 5 (manual §4 and §7).
fn setup(preprod: bool) -> Vec<Field> {
    let mut fields = Vec::new();
    if preprod {
        fields.extend([
            Field::section("ข้อมูล e-Service"),
            Field::select("category", "หมวดหมู่ e-Service", categories(false))
                .hint("เลือกหมวดหมู่ที่ใช้แสดงบนแอปพลิเคชันทางรัฐ"),
            Field::file("icon_file_id", "Icon งานบริการ", FilePurpose::Icon)
                .hint("รองรับไฟล์ JPG, PNG ขนาดแนะนำ 120x120px ไม่เกิน 2 MB"),
            Field::files(
                "screenshot_file_ids",
                "ภาพหน้าจอตัวอย่าง",
                FilePurpose::Screenshot,
            )
            .hint("รองรับไฟล์ JPG, PNG 1 ถึง 10 รูป รูปละไม่เกิน 2 MB"),
        ]);
    }
    fields.push(Field::section("ข้อมูลการเข้าถึงโปรไฟล์"));
    fields.extend(profile_access("profile_access.", true));
    fields.push(Field::testers("testers", "ข้อมูลผู้ทดสอบ"));
    fields
}

/// The fields of a person (manual §6 part 1.2) under `prefix`, shown when `when` holds.
fn person(prefix: &str, when: Option<(&str, &'static str)>) -> Vec<Field> {
    let at = |member: &str| format!("{prefix}.{member}");
    let fields = vec![
        Field::text(at("full_name"), "ชื่อ - นามสกุล"),
        Field::text(at("citizen_id"), "เลขบัตรประชาชน").hint("เลข 13 หลัก"),
        Field::text(at("division"), "สำนัก/กอง"),
        Field::text(at("position"), "ตำแหน่ง"),
        Field::text(at("office_phone"), "โทร. (สำนักงาน)")
            .input_type("tel")
            .hint("เช่น 02 123 4567 ต่อ 123"),
        Field::text(at("contact_phone"), "เบอร์ติดต่อ")
            .input_type("tel")
            .optional(),
        Field::text(at("mobile"), "โทร. (มือถือ)").input_type("tel"),
        Field::text(at("email"), "อีเมล (ที่ออกโดยหน่วยงานของท่าน)")
            .input_type("email")
            .hint("อีเมลที่ออกให้โดยหน่วยงานของท่าน เช่น .go.th, .or.th, .co.th เป็นต้น ไม่แนะนำให้ใช้ Free Email เช่น Gmail, Hotmail ฯลฯ"),
    ];
    match when {
        Some((path, value)) => fields.into_iter().map(|f| f.when(path, &[value])).collect(),
        None => fields,
    }
}

/// Step 4, manual §6: the three-part form.
fn platform_request() -> Vec<Field> {
    let agency = |member: &str| format!("requester.agency.{member}");
    let address = |member: &str| format!("requester.agency.address.{member}");
    let service = |member: &str| format!("service.{member}");
    let mut f = vec![
        Field::section("ส่วนที่ 1 : ข้อมูลผู้แจ้งความประสงค์"),
        Field::group("1.1 ข้อมูลเกี่ยวกับผู้แจ้งความประสงค์"),
        Field::text(agency("name_th"), "ชื่อหน่วยงาน (ภาษาไทย)"),
        Field::text(agency("name_en"), "ชื่อหน่วยงาน (ภาษาอังกฤษ)"),
        Field::text(agency("abbr_th"), "ชื่อย่อหน่วยงาน (ภาษาไทย)"),
        Field::text(agency("abbr_en"), "ชื่อย่อหน่วยงาน (ภาษาอังกฤษ)"),
        Field::text(agency("parent_th"), "อยู่ภายใต้สังกัด (ภาษาไทย)"),
        Field::text(agency("parent_en"), "อยู่ภายใต้สังกัด (ภาษาอังกฤษ)"),
        Field::group("สถานที่ติดต่อ"),
        Field::text(address("number"), "เลขที่"),
        Field::text(address("moo"), "หมู่").optional(),
        Field::text(address("soi"), "ซอย").optional(),
        Field::text(address("road"), "ถนน").optional(),
        Field::text(address("subdistrict"), "แขวง/ตำบล"),
        Field::text(address("district"), "เขต/อำเภอ"),
        Field::text(address("province"), "จังหวัด"),
        Field::text(address("postcode"), "รหัสไปรษณีย์").hint("ตัวเลข 5 หลัก"),
        Field::text(agency("website"), "เว็บไซต์หน่วยงาน (ถ้ามี)")
            .optional()
            .placeholder("www.example.go.th"),
        Field::radio(
            agency("agency_type"),
            "รูปแบบหน่วยงาน",
            form::choices(AgencyType::ALL, AgencyType::as_str, AgencyType::title_th),
        ),
        Field::text(agency("agency_type_other"), "โปรดระบุรูปแบบหน่วยงาน")
            .when(agency("agency_type"), &["other"]),
        Field::group("1.2 ผู้ได้รับมอบหมายจากหน่วยงาน"),
    ];
    f.extend(person("requester.assignee", None));
    f.push(
        Field::yes_no(
            "requester.administrator.same_as_assignee",
            "ข้อมูลผู้ติดต่อประสานงาน (Administrator)",
        )
        .options(vec![
            ("true", "กรณี เป็น บุคคลคนเดียวกับผู้รับมอบหมาย"),
            ("false", "กรณี ไม่เป็น บุคคลคนเดียวกับผู้รับมอบหมาย ให้กรอกรายละเอียด"),
        ])
        .hint("วัตถุประสงค์เพื่อเป็นข้อมูลติดต่อ (สำหรับออก Credential ในการพัฒนาระบบ โดยจะถูกส่งไปให้ทางอีเมลของคุณคนนี้)"),
    );
    f.extend(person(
        "requester.administrator.person",
        Some(("requester.administrator.same_as_assignee", "false")),
    ));
    f.extend([
        Field::file(
            "requester.assignment_letter_file_id",
            "หลักฐานการได้รับมอบหมายเป็นผู้ดำเนินการขอเข้าใช้บริการ",
            FilePurpose::AssignmentLetter,
        )
        .hint("หนังสือมอบหมายเป็นผู้ดำเนินการขอเข้าใช้บริการ ซึ่งลงนามโดยผู้มีอำนาจลงนามของส่วนราชการ/หน่วยงาน (PDF, JPG หรือ PNG ไม่เกิน 10 MB)"),
        Field::radio(
            "requester.problem_contact.type",
            "ช่องทางการติดต่อประสานงานกรณีงานบริการของหน่วยงานมีปัญหาจากการใช้งาน",
            vec![
                ("contact_center", "กรณีหน่วยงานมี Contact Center หรือ Call Center (โปรดกรอกข้อมูลติดต่อของ Contact Center หรือ Call Center)"),
                ("coordinator", "กรณีหน่วยงานไม่มี Contact Center หรือ Call Center (โปรดกรอกข้อมูลผู้ประสานงานกรณีงานบริการมีปัญหาการใช้งาน)"),
            ],
        )
        .hint("วัตถุประสงค์เพื่อเป็นช่องทางที่ DGA Contact Center จะประสานงานกรณีงานบริการที่อยู่บนแพลตฟอร์มกลางมีปัญหา"),
        Field::text("requester.problem_contact.phone", "โทร.")
            .input_type("tel")
            .hint("เช่น 1111 หรือ 02 123 4567")
            .when("requester.problem_contact.type", &["contact_center"]),
        Field::text("requester.problem_contact.email", "อีเมล")
            .input_type("email")
            .when("requester.problem_contact.type", &["contact_center"]),
        Field::radio(
            "requester.problem_contact.coordinator",
            "ผู้ประสานงานกรณีงานบริการมีปัญหาการใช้งาน",
            vec![
                ("same_as_assignee", "เป็น บุคคลเดียวกับผู้รับมอบหมาย"),
                ("same_as_administrator", "เป็น บุคคลเดียวกับผู้ติดต่อประสานงาน (Administrator)"),
                ("other", "กรณี เป็น บุคคลอื่น ให้กรอกรายละเอียด ดังนี้"),
            ],
        )
        .when("requester.problem_contact.type", &["coordinator"]),
    ]);
    f.extend(person(
        "requester.problem_contact.person",
        Some(("requester.problem_contact.coordinator", "other")),
    ));
    let personal: Vec<_> = [
        PersonalDataField::FirstName,
        PersonalDataField::LastName,
        PersonalDataField::BirthDate,
        PersonalDataField::CitizenId,
        PersonalDataField::Mobile,
        PersonalDataField::Email,
    ]
    .iter()
    .map(|c| (c.as_str(), c.title_th()))
    .collect();
    let devices = form::choices(
        &[
            DeviceAccess::Gps,
            DeviceAccess::Camera,
            DeviceAccess::Microphone,
        ],
        DeviceAccess::as_str,
        DeviceAccess::title_th,
    );
    f.extend([
        Field::section("ส่วนที่ 2 : รายละเอียดของบริการ"),
        Field::group("บริการ หมายถึง แพลตฟอร์มกลางของงานบริการภาครัฐสำหรับภาคธุรกิจและประชาชน (แพลตฟอร์มกลางภาครัฐ) ของสำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน) (สพร.)"),
        Field::radio(
            service("target_group"),
            "กลุ่มเป้าหมายผู้ใช้บริการ",
            form::choices(TargetGroup::ALL, TargetGroup::as_str, TargetGroup::title_th),
        ),
        Field::date(
            service("intended_launch_date"),
            "วันที่ต้องการเปิดให้บริการจริง (ประมาณการ)",
        ),
        Field::text(
            service("name"),
            "ชื่อบริการ (กรุณาระบุชื่อของงานบริการที่ต้องการนำขึ้นแพลตฟอร์มกลางภาครัฐ)",
        )
        .placeholder("ชื่อบริการ"),
        Field::area(
            service("description"),
            "รายละเอียดของบริการ (กรุณาอธิบายรายละเอียดของบริการที่ต้องการนำขึ้นแพลตฟอร์มกลางภาครัฐ)",
        )
        .placeholder("รายละเอียดของบริการ"),
        Field::text(
            service("access_url"),
            "URL ในการเข้าถึงงานบริการ (กรุณาระบุ URL ในการเข้าถึงงานบริการ หรือรายละเอียดช่องทางการเข้าถึงทั้งหมด)",
        )
        .placeholder("URL ในการเข้าถึงงานบริการ"),
        Field::checks(
            service("personal_data_fields"),
            "งานบริการต้องการเข้าถึงข้อมูลส่วนบุคคลใดบ้าง",
            personal,
        )
        .optional(),
        Field::checks(
            service("juristic_data_fields"),
            "งานบริการต้องการเข้าถึงข้อมูลนิติบุคคลใดบ้าง",
            form::choices(
                JuristicDataField::ALL,
                JuristicDataField::as_str,
                JuristicDataField::title_th,
            ),
        )
        .optional()
        .when(service("target_group"), &["juristic", "both"]),
        Field::radio(
            service("identity_level"),
            "ระดับการยืนยันตัวตนของผู้ใช้บริการที่ต้องการ",
            form::choices(IdentityLevel::ALL, IdentityLevel::as_str, IdentityLevel::title_th),
        ),
        Field::checks(
            service("device_access"),
            "งานบริการต้องการเข้าถึงอุปกรณ์มือถือใดบ้าง",
            devices,
        )
        .optional(),
        Field::yes_no(
            service("download_feature"),
            "งานบริการมีฟีเจอร์ดาวน์โหลดหรือบันทึกเอกสาร รูปภาพลงเครื่องหรือไม่ (หากมีฟีเจอร์ดังกล่าว หน่วยงานจำเป็นต้องแก้ไข code เพื่อบันทึกลงเครื่องตามมาตรฐานการพัฒนาของแพลตฟอร์มกลางภาครัฐ)",
        ),
        Field::yes_no(
            service("notifications"),
            "งานบริการต้องการใช้งานฟีเจอร์แจ้งเตือนหรือไม่ (เป็นบริการส่งแจ้งเตือนผ่าน Push Notification ไปยังมือถือผู้ใช้บริการ และข้อมูลที่จะเข้าไปใน Personal Inbox ของผู้ใช้บริการ)",
        ),
        Field::yes_no(
            service("smart_tracking"),
            "งานบริการต้องการใช้งานฟีเจอร์ Smart Tracking หรือไม่ (เป็นบริการที่จะช่วยให้ผู้ใช้บริการสามารถติดตามตำแหน่งและรับการแจ้งเตือนจากหน่วยงาน)",
        ),
    ]);
    let mut profile = profile_access("service.profile_access.", false);
    if let Some(kind) = profile.first_mut() {
        kind.label = "รูปแบบการเชื่อมโยงบริการที่ต้องการ (Profile access)";
    }
    f.extend(profile);
    f.extend([
        Field::section("ส่วนที่ 3 : คำรับรองและคำยินยอม"),
        Field::consent(
            "consents",
            "คำรับรองและคำยินยอม",
            onboard_core::payload::consent_statements(onboard_core::payload::CONSENTS_VERSION)
                .unwrap_or_default()
                .iter()
                .map(|s| (s.key, s.th))
                .collect(),
        ),
    ]);
    f
}

// ---------------------------------------------------------------------------------------
// Views

/// A choice of a select, radio group or check box group.
pub(super) struct ChoiceView {
    id: String,
    value: &'static str,
    label: &'static str,
    checked: bool,
}

/// An uploaded file shown on the form: its id (kept in a hidden input), name, and whether
/// it is an image to preview.
pub(super) struct FileView {
    id: String,
    name: String,
    image: bool,
}

/// One input of a tester card.
pub(super) struct TesterInput {
    id: String,
    label: &'static str,
    placeholder: &'static str,
    input_type: &'static str,
    value: String,
    error: Option<String>,
}

/// One tester card (manual: `ผู้ทดสอบ #1`).
pub(super) struct TesterView {
    index: usize,
    inputs: Vec<TesterInput>,
    os_id: String,
    os: Vec<ChoiceView>,
    os_error: Option<String>,
}

/// A field as the form page shows it: the spec with the current value and its problems.
pub(super) struct FieldView {
    kind: &'static str,
    id: String,
    label: &'static str,
    hint: Option<String>,
    placeholder: &'static str,
    required: bool,
    counter: Option<usize>,
    input_type: &'static str,
    accept: &'static str,
    value: String,
    /// Characters in `value`, for the counter.
    length: usize,
    choices: Vec<ChoiceView>,
    errors: Vec<String>,
    /// Ids of the hint, counter and error of the field.
    described_by: String,
    files: Vec<FileView>,
    testers: Vec<TesterView>,
    /// A short input that may sit beside another (the manual puts two per row).
    half: bool,
    /// The condition, for portal.js to show the field only with its choice.
    when_path: String,
    when_values: String,
}

/// What a file id stands for, for the form and the summary.
#[derive(Clone)]
pub(super) struct FileInfo {
    name: String,
    image: bool,
}

/// Names of the uploaded files a payload refers to (only files the user may read).
pub(super) async fn file_infos(
    state: &AppState,
    user: &User,
    fields: &[Field],
    payload: &Value,
) -> HashMap<String, FileInfo> {
    let mut out = HashMap::new();
    for raw in form::file_ids(fields, payload) {
        let Ok(id) = raw.trim().parse::<FileId>() else {
            continue;
        };
        if let Ok(Some(meta)) = state.store.file(id).await {
            if onboard_app::files::may_read(user, &meta) {
                out.insert(
                    raw,
                    FileInfo {
                        name: meta.name,
                        image: meta.media_type.is_image(),
                    },
                );
            }
        }
    }
    out
}

fn accept_of(purpose: Option<FilePurpose>) -> &'static str {
    match purpose {
        Some(FilePurpose::Icon | FilePurpose::Screenshot) => ".png,.jpg,.jpeg",
        Some(FilePurpose::AssignmentLetter) => ".pdf,.png,.jpg,.jpeg",
        Some(FilePurpose::TestResult) => ".xlsx,.xls,.pdf,.csv",
        Some(FilePurpose::Template) => ".xlsx,.xls,.pdf,.csv,.png,.jpg,.jpeg",
        None => "",
    }
}

/// The views of `fields` holding `payload`, with the problems of `errors`.
fn field_views(
    fields: &[Field],
    payload: &Value,
    errors: &Errors,
    files: &HashMap<String, FileInfo>,
) -> Vec<FieldView> {
    fields
        .iter()
        .map(|f| {
            let value = form::get(payload, &f.path);
            let choices = f
                .options
                .iter()
                .enumerate()
                .map(|(i, (v, label))| ChoiceView {
                    // The first choice carries the field's id: problems link to it.
                    id: if i == 0 {
                        f.path.clone()
                    } else {
                        format!("{}-{}", f.path, i)
                    },
                    value: v,
                    label,
                    checked: match f.kind {
                        Kind::Consent => form::get(payload, &format!("{}.{}", f.path, v))
                            .and_then(Value::as_bool)
                            .unwrap_or(false),
                        _ => form::holds(value, v),
                    },
                })
                .collect::<Vec<_>>();
            let file_list = |ids: Vec<String>| {
                ids.into_iter()
                    .map(|id| {
                        let info = files.get(&id).cloned().unwrap_or(FileInfo {
                            name: "ไฟล์ที่ไม่พบ".to_owned(),
                            image: false,
                        });
                        FileView {
                            id,
                            name: info.name,
                            image: info.image,
                        }
                    })
                    .collect::<Vec<_>>()
            };
            let uploaded = match (f.kind, value) {
                (Kind::File, Some(Value::String(id))) => file_list(vec![id.clone()]),
                (Kind::Files, Some(Value::Array(ids))) => file_list(
                    ids.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect(),
                ),
                _ => Vec::new(),
            };
            let testers = match (f.kind, value) {
                (Kind::Testers, Some(Value::Array(cards))) => cards
                    .iter()
                    .enumerate()
                    .map(|(i, card)| tester_view(&f.path, i, card, errors))
                    .collect(),
                _ => Vec::new(),
            };
            let text = match (f.kind, value) {
                (Kind::Lines, Some(Value::Array(items))) => items
                    .iter()
                    .map(|v| form::as_text(Some(v)))
                    .collect::<Vec<_>>()
                    .join("\n"),
                (Kind::Text | Kind::Date | Kind::Area | Kind::Select, v) => form::as_text(v),
                (Kind::Consent, _) if choices.iter().all(|c| c.checked) => "true".to_owned(),
                _ => String::new(),
            };
            let field_errors: Vec<String> =
                errors.all(&f.path).into_iter().map(str::to_owned).collect();
            let described_by = [
                f.hint.as_ref().map(|_| format!("{}-hint", f.path)),
                f.counter.map(|_| format!("{}-counter", f.path)),
                (!field_errors.is_empty()).then(|| format!("{}-error", f.path)),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
            let (when_path, when_values) = match &f.when {
                Some((path, values)) => (path.clone(), values.join(" ")),
                None => (String::new(), String::new()),
            };
            FieldView {
                half: matches!(f.kind, Kind::Text | Kind::Date),
                kind: f.kind.as_str(),
                id: f.path.clone(),
                label: f.label,
                hint: f.hint.clone(),
                placeholder: f.placeholder.unwrap_or_default(),
                required: f.required,
                counter: f.counter,
                input_type: f.input_type,
                accept: accept_of(f.purpose),
                length: text.chars().count(),
                value: text,
                choices,
                errors: field_errors,
                described_by,
                files: uploaded,
                testers,
                when_path,
                when_values,
            }
        })
        .collect()
}

fn tester_view(path: &str, index: usize, card: &Value, errors: &Errors) -> TesterView {
    let id = |member: &str| format!("{path}[{index}].{member}");
    let os_id = id("os");
    let os = form::tester_os()
        .into_iter()
        .enumerate()
        .map(|(i, (v, label))| ChoiceView {
            id: if i == 0 {
                os_id.clone()
            } else {
                format!("{os_id}-{i}")
            },
            value: v,
            label,
            checked: form::holds(card.get("os"), v),
        })
        .collect();
    TesterView {
        index,
        inputs: TESTER_INPUTS
            .iter()
            .map(|(member, label, placeholder, input_type)| TesterInput {
                id: id(member),
                label,
                placeholder,
                input_type,
                value: form::as_text(card.get(*member)),
                error: errors.first(&id(member)).map(str::to_owned),
            })
            .collect(),
        os_error: errors.first(&os_id).map(str::to_owned),
        os_id,
        os,
    }
}

/// One answer of the check-your-answers summary.
pub(super) struct SummaryRow {
    pub(super) label: String,
    pub(super) lines: Vec<String>,
    /// Files to open: address and name.
    pub(super) files: Vec<(String, String)>,
    /// The input to go back to.
    pub(super) anchor: String,
}

/// A part of the summary under its heading.
pub(super) struct SummarySection {
    pub(super) title: &'static str,
    pub(super) rows: Vec<SummaryRow>,
}

/// The check-your-answers summary of `payload`, in the form's order: only the fields that
/// apply, choices by their Thai labels, files by name with a link to open them. Citizen IDs
/// are shown in full: this is the owning agency's own form or DGA's review (SPEC §5).
pub(super) fn summary(
    fields: &[Field],
    payload: &Value,
    files: &HashMap<String, FileInfo>,
) -> Vec<SummarySection> {
    let mut sections: Vec<SummarySection> = Vec::new();
    let label_of = |f: &Field, v: &str| {
        f.options
            .iter()
            .find(|(value, _)| *value == v)
            .map(|(_, label)| (*label).to_owned())
            .unwrap_or_else(|| v.to_owned())
    };
    for f in fields {
        if f.kind == Kind::Section {
            sections.push(SummarySection {
                title: f.label,
                rows: Vec::new(),
            });
            continue;
        }
        if !f.has_value() || !form::applies(f, payload) {
            continue;
        }
        if sections.is_empty() {
            sections.push(SummarySection {
                title: "",
                rows: Vec::new(),
            });
        }
        let value = form::get(payload, &f.path);
        let texts = |v: Option<&Value>| -> Vec<String> {
            match v {
                Some(Value::Array(items)) => items.iter().map(|i| form::as_text(Some(i))).collect(),
                other => vec![form::as_text(other)],
            }
        };
        let mut row = SummaryRow {
            label: f.label.to_owned(),
            lines: Vec::new(),
            files: Vec::new(),
            anchor: f.path.clone(),
        };
        let mut rows = Vec::new();
        match f.kind {
            Kind::Select | Kind::Radio | Kind::YesNo | Kind::Checks => {
                row.lines = texts(value)
                    .iter()
                    .filter(|v| !v.is_empty())
                    .map(|v| label_of(f, v))
                    .collect();
            }
            Kind::Consent => {
                let all = f.members.iter().all(|m| {
                    form::get(payload, &format!("{}.{}", f.path, m)).and_then(Value::as_bool)
                        == Some(true)
                });
                row.lines = vec![if all {
                    "ตกลง"
                } else {
                    "ยังไม่ได้ตกลง"
                }
                .to_owned()];
            }
            Kind::File | Kind::Files => {
                row.files = texts(value)
                    .into_iter()
                    .filter(|id| !id.is_empty())
                    .map(|id| {
                        let name = files
                            .get(&id)
                            .map(|i| i.name.clone())
                            .unwrap_or_else(|| "ไฟล์ที่ไม่พบ".to_owned());
                        (format!("/files/{id}"), name)
                    })
                    .collect();
            }
            Kind::Testers => {
                for (i, card) in value
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                {
                    let at = |m: &str| form::as_text(card.get(m));
                    let os = form::tester_os()
                        .into_iter()
                        .find(|(v, _)| *v == at("os"))
                        .map(|(_, l)| l)
                        .unwrap_or("-");
                    rows.push(SummaryRow {
                        label: format!("ผู้ทดสอบ #{}", i + 1),
                        lines: vec![
                            at("full_name"),
                            at("organization"),
                            format!("อีเมล {}", at("email")),
                            format!("เบอร์โทรศัพท์ {}", at("phone")),
                            format!("เลขบัตรประชาชน {}", at("citizen_id")),
                            format!("ระบบปฏิบัติการ {os}"),
                        ],
                        files: Vec::new(),
                        anchor: format!("{}[{i}].full_name", f.path),
                    });
                }
                if rows.is_empty() {
                    row.lines = vec!["ยังไม่มีข้อมูลผู้ทดสอบ".to_owned()];
                    rows.push(row);
                }
                if let Some(s) = sections.last_mut() {
                    s.rows.extend(rows);
                }
                continue;
            }
            // Dates as Thai officers read them (SPEC §14); what is not a date as typed.
            Kind::Date => {
                row.lines = texts(value)
                    .into_iter()
                    .map(|d| onboard_core::fields::date(&d).map(thai_date).unwrap_or(d))
                    .collect();
            }
            _ => row.lines = texts(value),
        }
        row.lines.retain(|l| !l.trim().is_empty());
        if row.lines.is_empty() && row.files.is_empty() {
            row.lines.push("-".to_owned());
        }
        if let Some(s) = sections.last_mut() {
            s.rows.push(row);
        }
    }
    sections.retain(|s| !s.rows.is_empty());
    sections
}

// ---------------------------------------------------------------------------------------
// Pages

#[derive(Template, WebTemplate)]
#[template(path = "step_form.html")]
pub(super) struct StepFormPage {
    layout: Layout,
    errors: Errors,
    id: EServiceId,
    name: String,
    slug: &'static str,
    number: u8,
    title: &'static str,
    version: u64,
    fields: Vec<FieldView>,
    notice: Option<String>,
    review_note: Option<String>,
    /// Step 5: the production App Id and Consumer Key (manual §7 `ข้อมูลแอปพลิเคชัน`).
    app: Option<(String, String)>,
    /// The step's templates to download (step 5: the icon and screenshot guide).
    templates: Vec<TemplateLink>,
}

/// What the page of a form step shows when it is not the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
    /// Check your answers before confirming.
    Check,
    /// Submitted; DGA is reviewing (manual V1).
    UnderReview,
    /// Approved.
    Completed,
    /// Open, seen by someone who does not fill it in (DGA staff).
    Draft,
    /// Not reached yet.
    Locked,
}

#[derive(Template, WebTemplate)]
#[template(path = "step_status.html")]
pub(super) struct StepStatusPage {
    layout: Layout,
    errors: Errors,
    id: EServiceId,
    name: String,
    slug: &'static str,
    number: u8,
    title: &'static str,
    version: u64,
    stage: Stage,
    sections: Vec<SummarySection>,
    services: Vec<String>,
    warnings: Vec<String>,
    confirm_label: &'static str,
    notice: Option<String>,
    can_withdraw: bool,
    /// DGA staff: a link to the review page.
    can_review: bool,
    submitted_at: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct StepQuery {
    saved: Option<String>,
    edit: Option<String>,
}

/// The fields of `step` with today's launch deadline in their help text.
pub(super) fn step_fields(state: &AppState, step: Step) -> Option<Vec<Field>> {
    let today = onboard_core::schedule::today_in_bangkok(state.now());
    let deadline = thai_date(state.schedule.launch_deadline.for_request(today));
    fields_of(step, &deadline)
}

/// The form page of `step` holding `payload`.
async fn form_page(
    state: &AppState,
    session: &Session,
    svc: &EService,
    step: Step,
    fields: &[Field],
    payload: &Value,
    errors: Errors,
) -> StepFormPage {
    let files = file_infos(state, &session.user, fields, payload).await;
    let s = svc.step(step);
    StepFormPage {
        layout: session.layout("eservices"),
        id: svc.id(),
        name: svc.name().to_owned(),
        slug: step.as_str(),
        number: step.number(),
        title: step.title_th(),
        version: svc.version(),
        fields: field_views(fields, payload, &errors, &files),
        errors,
        notice: None,
        review_note: (s.status == StepStatus::ChangesRequested)
            .then(|| s.review_note.clone())
            .flatten(),
        app: (step == Step::PreprodSetup)
            .then(|| {
                svc.credentials()
                    .production
                    .as_ref()
                    .map(|c| (c.app_id.clone(), c.consumer_key.clone()))
            })
            .flatten(),
        templates: links_of(state, step).await,
    }
}

/// The status page of `step` in `stage`, summarizing `payload`.
async fn status_page(
    state: &AppState,
    session: &Session,
    svc: &EService,
    step: Step,
    fields: &[Field],
    stage: Stage,
    payload: Option<&Value>,
) -> StepStatusPage {
    let empty = Value::Null;
    let payload = payload.unwrap_or(&empty);
    let files = file_infos(state, &session.user, fields, payload).await;
    let s = svc.step(step);
    let owner = DetailAccess::of(session.user.role, session.user.agency_id, svc.agency_id()).owner;
    StepStatusPage {
        layout: session.layout("eservices"),
        errors: Errors::default(),
        id: svc.id(),
        name: svc.name().to_owned(),
        slug: step.as_str(),
        number: step.number(),
        title: step.title_th(),
        version: svc.version(),
        stage,
        sections: summary(fields, payload, &files),
        services: if step == Step::Credential {
            svc.services().to_vec()
        } else {
            Vec::new()
        },
        warnings: s.warnings.iter().map(|w| w.message_th.clone()).collect(),
        confirm_label: if step == Step::PlatformRequest {
            "ยืนยันการส่งข้อมูล"
        } else {
            "ยืนยัน"
        },
        notice: None,
        can_withdraw: owner && stage == Stage::UnderReview,
        can_review: session.user.role.is_staff() && stage == Stage::UnderReview,
        submitted_at: s.submitted_at.map(thai_datetime),
    }
}

/// The e-Service and the form step a request names, or the page that says it is not there.
async fn form_step(
    state: &AppState,
    user: &User,
    id: &str,
    slug: &str,
) -> Result<(Step, Vec<Field>, EService), Response> {
    let step = slug
        .parse::<Step>()
        .map_err(|_| page_error(StatusCode::NOT_FOUND, None))?;
    let fields = step_fields(state, step).ok_or_else(|| page_error(StatusCode::NOT_FOUND, None))?;
    let svc = visible(state, user, id).await?;
    Ok((step, fields, svc))
}

/// Whether `session` fills in the form of `step` now: the owning agency, while it is open.
fn editable(session: &Session, svc: &EService, step: Step) -> bool {
    DetailAccess::of(session.user.role, session.user.agency_id, svc.agency_id()).owner
        && matches!(
            svc.step(step).status,
            StepStatus::InProgress | StepStatus::ChangesRequested
        )
}

/// `GET /eservices/{id}/steps/{step}`: the page of any step.
pub(super) async fn step_page(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path((id, slug)): Path<(String, String)>,
    Query(query): Query<StepQuery>,
) -> Response {
    match slug.parse::<Step>() {
        Ok(step) if step.is_test() => {
            let svc = match visible(&state, &session.user, &id).await {
                Ok(svc) => svc,
                Err(r) => return r,
            };
            let editing = query.edit.as_deref().and_then(|n| n.parse().ok());
            return attempts_page_of(&state, &session, &svc, step, editing)
                .await
                .into_response();
        }
        Ok(Step::Launch) => {
            return Redirect::to(&format!("/eservices/{id}/launch")).into_response()
        }
        _ => {}
    }
    let (step, fields, svc) = match form_step(&state, &session.user, &id, &slug).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let s = svc.step(step);
    if editable(&session, &svc, step) {
        // A draft keeps what was typed; after a request for changes, the submission.
        let payload = s
            .draft
            .clone()
            .or_else(|| s.submission.clone())
            .unwrap_or(Value::Null);
        let mut page = form_page(
            &state,
            &session,
            &svc,
            step,
            &fields,
            &payload,
            Errors::default(),
        )
        .await;
        if query.saved.is_some() {
            page.notice = Some("บันทึกแบบร่างแล้ว".to_owned());
        }
        return page.into_response();
    }
    let (stage, payload) = match s.status {
        StepStatus::UnderReview => (Stage::UnderReview, s.submission.as_ref()),
        StepStatus::Completed => (Stage::Completed, s.submission.as_ref()),
        StepStatus::Locked => (Stage::Locked, None),
        _ => (Stage::Draft, s.draft.as_ref()),
    };
    status_page(&state, &session, &svc, step, &fields, stage, payload)
        .await
        .into_response()
}

/// Problems of core's report pointed at the form's inputs.
fn form_errors(fields: &[Field], report: &Report) -> Errors {
    labelled(
        fields,
        report
            .errors
            .iter()
            .map(|i| FieldMessage::new(form::anchor(fields, &i.field), i.message_th.clone()))
            .collect(),
    )
}

/// Names each problem's field in the error summary: on a long form "กรุณากรอกข้อมูล"
/// alone does not say where.
fn labelled(fields: &[Field], mut problems: Vec<FieldMessage>) -> Errors {
    for p in &mut problems {
        p.label = fields
            .iter()
            .find(|f| f.path == p.field && f.has_value())
            .map(|f| match f.kind {
                Kind::Testers => "ข้อมูลผู้ทดสอบ".to_owned(),
                _ => f.label.to_owned(),
            })
            .or_else(|| tester_label(&p.field));
    }
    Errors(problems)
}

/// `ผู้ทดสอบ #2 เลขบัตรประชาชน` for `testers[1].citizen_id`.
fn tester_label(field: &str) -> Option<String> {
    let (index, member) = field.strip_prefix("testers[")?.split_once("].")?;
    let n = index.parse::<usize>().ok()? + 1;
    let label = TESTER_INPUTS
        .iter()
        .find(|(m, ..)| *m == member)
        .map(|(_, label, ..)| *label)
        .unwrap_or("ระบบปฏิบัติการ");
    Some(format!("ผู้ทดสอบ #{n} {label}"))
}

/// `POST /eservices/{id}/steps/{step}`: saves the form as a draft (uploads included), then
/// does what its button asked: stay (save), edit the lists (add or remove a tester or a
/// file), or check the answers and go on to the check-your-answers page.
pub(super) async fn step_submit_form(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path((id, slug)): Path<(String, String)>,
    multipart: axum::extract::Multipart,
) -> Response {
    let (step, fields, svc) = match form_step(&state, &session.user, &id, &slug).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let purposes: HashMap<String, FilePurpose> = fields
        .iter()
        .filter_map(|f| Some((format!("upload.{}", f.path), f.purpose?)))
        .collect();
    let sent = match crate::files::read_page_form(multipart, |n| purposes.get(n).copied()).await {
        Ok(sent) => sent,
        Err(e) => return page_error_with(e.status(), "ส่งข้อมูลไม่สำเร็จ", &e.detail_th()),
    };
    if !session.csrf_ok(&sent.text("csrf")) {
        return csrf_refused();
    }
    let action = sent.text("action");
    let edit = Edit::parse(&action);
    let version = sent.text("version").parse::<u64>().ok();
    let mut problems = Vec::new();
    let mut posted = Posted {
        texts: sent.texts,
        uploads: HashMap::new(),
    };
    for (name, file_name, bytes) in sent.files {
        let (Some(path), Some(purpose)) = (name.strip_prefix("upload."), purposes.get(&name))
        else {
            continue;
        };
        match upload(&state, &session.user, *purpose, file_name, &bytes).await {
            Ok(id) => posted.uploads.entry(path.to_owned()).or_default().push(id),
            Err(Upload::Refused(message)) => problems.push(FieldMessage::new(path, message)),
            Err(Upload::Failed(r)) => return r,
        }
    }
    for (name, purpose) in &sent.too_large {
        problems.push(FieldMessage::new(
            name.trim_start_matches("upload."),
            crate::ApiError::PayloadTooLarge(Some(*purpose)).detail_th(),
        ));
    }
    let payload = form::payload(&fields, &posted, edit.as_ref());
    // Whatever comes next, what was typed is kept as the draft first.
    let saved = execute(
        &state,
        &session,
        svc.id(),
        Command::SaveDraft {
            step,
            payload: payload.clone(),
        },
        version,
    )
    .await;
    let svc = match saved {
        Ok(svc) => svc,
        Err(e) => return refused(&state, &session, svc, step, &fields, &payload, e).await,
    };
    if !problems.is_empty() {
        let page = form_page(
            &state,
            &session,
            &svc,
            step,
            &fields,
            &payload,
            Errors(problems),
        )
        .await;
        return (StatusCode::UNPROCESSABLE_ENTITY, page).into_response();
    }
    let here = format!("/eservices/{}/steps/{}", svc.id(), step.as_str());
    match (edit, action.as_str()) {
        (Some(Edit::AddTester), _) => {
            let n = payload["testers"].as_array().map_or(0, Vec::len);
            Redirect::to(&format!(
                "{here}#testers[{}].full_name",
                n.saturating_sub(1)
            ))
            .into_response()
        }
        (Some(_), _) => Redirect::to(&format!("{here}#{}", action_anchor(&action))).into_response(),
        (None, "check") => match checked(&state, &session, &svc, step, &fields, &payload).await {
            Ok(_) => Redirect::to(&format!("{here}/check")).into_response(),
            Err(page) => page,
        },
        _ => Redirect::to(&format!("{here}?saved=1")).into_response(),
    }
}

/// Where to land after an edit button: the list it changed.
fn action_anchor(action: &str) -> &str {
    if action.starts_with("remove_tester:") {
        "testers"
    } else {
        action
            .strip_prefix("remove_file:")
            .and_then(|rest| rest.rsplit_once(':'))
            .map_or("main", |(path, _)| path)
    }
}

/// A command refused: the form again with the Thai reason (or the problems beside the
/// fields), what was typed kept, on the e-Service as it is now.
async fn refused(
    state: &AppState,
    session: &Session,
    svc: EService,
    step: Step,
    fields: &[Field],
    payload: &Value,
    error: AppError,
) -> Response {
    let (status, errors, notice) = match error {
        AppError::Invalid(report) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            form_errors(fields, &report),
            None,
        ),
        AppError::Store(onboard_store::StoreError::Command(e)) => {
            (StatusCode::CONFLICT, Errors::default(), Some(e.detail_th()))
        }
        other => return failure(&other),
    };
    let current = match state
        .store
        .eservice(svc.id(), Scope::of(&session.user))
        .await
    {
        Ok(Some(now)) => now,
        _ => svc,
    };
    if !editable(session, &current, step) {
        let s = current.step(step);
        let stage = match s.status {
            StepStatus::UnderReview => Stage::UnderReview,
            StepStatus::Completed => Stage::Completed,
            StepStatus::Locked => Stage::Locked,
            _ => Stage::Draft,
        };
        let shown = s.submission.clone().or_else(|| s.draft.clone());
        let mut page = status_page(
            state,
            session,
            &current,
            step,
            fields,
            stage,
            shown.as_ref(),
        )
        .await;
        page.notice = notice;
        return (status, page).into_response();
    }
    let mut page = form_page(state, session, &current, step, fields, payload, errors).await;
    page.notice = notice;
    (status, page).into_response()
}

/// Checks `payload` as submitting it would (today's rules): its warnings, or the form again
/// with every problem beside its field (422).
async fn checked(
    state: &AppState,
    session: &Session,
    svc: &EService,
    step: Step,
    fields: &[Field],
    payload: &Value,
) -> Result<Vec<onboard_core::validation::Issue>, Response> {
    let today = onboard_core::schedule::today_in_bangkok(state.now());
    let deadline = state.schedule.launch_deadline.for_request(today);
    let result = onboard_app::eservices::check_submission(
        state.store.as_ref(),
        svc,
        step,
        payload,
        today,
        deadline,
    )
    .await;
    match result {
        Ok(warnings) => Ok(warnings),
        Err(AppError::Invalid(report)) => {
            let errors = form_errors(fields, &report);
            let page = form_page(state, session, svc, step, fields, payload, errors).await;
            Err((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(failure(&e)),
    }
}

/// `GET /eservices/{id}/steps/{step}/check`: the saved draft as a summary, with the final
/// confirmation (manual §3.3 `ตรวจสอบและยืนยัน`).
pub(super) async fn step_check(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path((id, slug)): Path<(String, String)>,
) -> Response {
    let (step, fields, svc) = match form_step(&state, &session.user, &id, &slug).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let here = format!("/eservices/{}/steps/{}", svc.id(), step.as_str());
    if !editable(&session, &svc, step) {
        return Redirect::to(&here).into_response();
    }
    let payload = svc.step(step).draft.clone().unwrap_or(Value::Null);
    let warnings = match checked(&state, &session, &svc, step, &fields, &payload).await {
        Ok(warnings) => warnings,
        Err(page) => return page,
    };
    let mut page = status_page(
        &state,
        &session,
        &svc,
        step,
        &fields,
        Stage::Check,
        Some(&payload),
    )
    .await;
    page.warnings = warnings.into_iter().map(|w| w.message_th).collect();
    page.into_response()
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ConfirmForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: String,
}

/// `POST /eservices/{id}/steps/{step}/submit`: submits the checked draft.
pub(super) async fn step_confirm(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path((id, slug)): Path<(String, String)>,
    Form(sent): Form<ConfirmForm>,
) -> Response {
    step_command(state, session, id, slug, sent, |step| Command::Submit {
        step,
        payload: None,
    })
    .await
}

/// `POST /eservices/{id}/steps/{step}/withdraw`: takes a submission back to edit it.
pub(super) async fn step_withdraw(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path((id, slug)): Path<(String, String)>,
    Form(sent): Form<ConfirmForm>,
) -> Response {
    step_command(state, session, id, slug, sent, |step| Command::Withdraw {
        step,
    })
    .await
}

async fn step_command(
    state: AppState,
    session: Session,
    id: String,
    slug: String,
    sent: ConfirmForm,
    command: impl FnOnce(Step) -> Command,
) -> Response {
    if !session.csrf_ok(&sent.csrf) {
        return csrf_refused();
    }
    let (step, fields, svc) = match form_step(&state, &session.user, &id, &slug).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let result = execute(
        &state,
        &session,
        svc.id(),
        command(step),
        sent.version.parse::<u64>().ok(),
    )
    .await;
    match result {
        Ok(svc) => Redirect::to(&format!("/eservices/{}/steps/{}", svc.id(), step.as_str()))
            .into_response(),
        Err(e) => {
            let payload = svc.step(step).draft.clone().unwrap_or(Value::Null);
            refused(&state, &session, svc, step, &fields, &payload, e).await
        }
    }
}
