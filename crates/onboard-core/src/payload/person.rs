//! People on the forms: the agency's officers (assignee, administrator, coordinator: manual
//! §6 part 1.2) and the testers of steps 2 and 5 (manual §4 and §7).

use super::check;
use super::limits;
use super::raw::raw_form;
use crate::fields::{CitizenId, Email, MobileNumber, OfficePhone};
use crate::reference::named_enum;
use crate::validation::{Code, Issue, Path, Report};
use serde::{Deserialize, Serialize};

raw_form! {
    /// A person as sent.
    struct RawPerson {
        full_name: String,
        citizen_id: String,
        division: String,
        position: String,
        office_phone: String,
        mobile: String,
        email: String,
        contact_phone: String,
    }
}

raw_form! {
    /// A tester as sent.
    struct RawTester {
        full_name: String,
        organization: String,
        email: String,
        phone: String,
        citizen_id: String,
        os: String,
    }
}

/// An officer of the agency (ผู้ได้รับมอบหมาย, ผู้ติดต่อประสานงาน, ผู้ประสานงาน). Every field but
/// `contact_phone` is required, as the manual's form marks them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    /// ชื่อ - นามสกุล, at most 200 characters.
    pub full_name: String,
    /// เลขบัตรประชาชน, compact.
    pub citizen_id: CitizenId,
    /// สำนัก/กอง.
    pub division: String,
    /// ตำแหน่ง.
    pub position: String,
    /// โทร. (สำนักงาน).
    pub office_phone: OfficePhone,
    /// โทร. (มือถือ), normalized.
    pub mobile: MobileNumber,
    /// อีเมล (ที่ออกโดยหน่วยงานของท่าน): a free provider is warned about, not refused.
    pub email: Email,
    /// เบอร์ติดต่อ (optional): another number to reach the person, office phone rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_phone: Option<OfficePhone>,
}

named_enum! {
    /// The tester's phone operating system (ระบบปฏิบัติการ).
    Os, "os" {
        /// Apple iOS.
        Ios = "ios", "iOS", "iOS";
        /// Android.
        Android = "android", "Android", "Android";
    }
}

/// A tester to be added to the UAT or Pre-Production app (ผู้ทดสอบ).
///
/// The tester's e-mail is *not* checked for free providers: the manual labels only the
/// officer's e-mail as agency-issued, and testers are often contractors (its own sample is a
/// company tester with a Gmail address).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tester {
    /// ชื่อ - นามสกุล.
    pub full_name: String,
    /// หน่วยงาน (the tester's organisation).
    pub organization: String,
    /// อีเมล.
    pub email: Email,
    /// เบอร์โทรศัพท์: a mobile number, normalized.
    pub phone: MobileNumber,
    /// เลขบัตรประชาชน, compact; unique among the testers of a form.
    pub citizen_id: CitizenId,
    /// iOS or Android.
    pub os: Os,
}

/// Checks a person; a missing object is checked as an empty one so that each field is
/// reported.
pub(crate) fn person(r: &mut Report, path: &Path, raw: Option<&RawPerson>) -> Option<Person> {
    let empty = RawPerson::default();
    let raw = raw.unwrap_or(&empty);
    let full_name = check::text(r, &path.key("full_name"), &raw.full_name, limits::NAME_MAX);
    let citizen_id = check::required::<CitizenId>(r, &path.key("citizen_id"), &raw.citizen_id);
    let division = check::text(r, &path.key("division"), &raw.division, limits::NAME_MAX);
    let position = check::text(r, &path.key("position"), &raw.position, limits::NAME_MAX);
    let office_phone =
        check::required::<OfficePhone>(r, &path.key("office_phone"), &raw.office_phone);
    let mobile = check::required::<MobileNumber>(r, &path.key("mobile"), &raw.mobile);
    let email = check::agency_email(r, &path.key("email"), &raw.email);
    let contact_phone = if check::is_filled(&raw.contact_phone) {
        check::required::<OfficePhone>(r, &path.key("contact_phone"), &raw.contact_phone).map(Some)
    } else {
        Some(None)
    };
    Some(Person {
        full_name: full_name?,
        citizen_id: citizen_id?,
        division: division?,
        position: position?,
        office_phone: office_phone?,
        mobile: mobile?,
        email: email?,
        contact_phone: contact_phone?,
    })
}

fn tester(r: &mut Report, path: &Path, raw: &RawTester) -> Option<Tester> {
    let full_name = check::text(r, &path.key("full_name"), &raw.full_name, limits::NAME_MAX);
    let organization = check::text(
        r,
        &path.key("organization"),
        &raw.organization,
        limits::NAME_MAX,
    );
    let email = check::required::<Email>(r, &path.key("email"), &raw.email);
    let phone = check::required::<MobileNumber>(r, &path.key("phone"), &raw.phone);
    let citizen_id = check::required::<CitizenId>(r, &path.key("citizen_id"), &raw.citizen_id);
    let os = check::choice(r, &path.key("os"), &raw.os);
    Some(Tester {
        full_name: full_name?,
        organization: organization?,
        email: email?,
        phone: phone?,
        citizen_id: citizen_id?,
        os: os?,
    })
}

/// Checks the testers: 1 to 50, each complete, no citizen ID twice.
pub(crate) fn testers(
    r: &mut Report,
    path: &Path,
    raw: &Option<Vec<RawTester>>,
) -> Option<Vec<Tester>> {
    let Some(raw) = raw.as_deref() else {
        r.push(at_least_one_tester(path, Code::Required));
        return None;
    };
    if raw.is_empty() {
        r.push(at_least_one_tester(path, Code::TooShort));
        return None;
    }
    let mut ok = check::count(r, path, raw.len(), 1, limits::TESTERS_MAX);
    let mut testers = Vec::with_capacity(raw.len());
    for (i, item) in raw.iter().enumerate() {
        match tester(r, &path.index(i), item) {
            Some(t) => testers.push(t),
            None => ok = false,
        }
    }
    // Compared on every well-formed ID, even of a tester with other errors, so that the form
    // shows the clash at once.
    ok &= check::duplicates(
        r,
        raw.iter().enumerate().filter_map(|(i, t)| {
            let id = CitizenId::parse(check::raw_str(&t.citizen_id)).ok()?;
            Some((i, path.index(i).key("citizen_id"), id.as_str().to_owned()))
        }),
    );
    ok.then_some(testers)
}

/// The manual's own message for a form without testers.
fn at_least_one_tester(path: &Path, code: Code) -> Issue {
    Issue::with_messages(
        path,
        code,
        "กรุณาเพิ่มผู้ทดสอบอย่างน้อย 1 คน",
        "Add at least 1 tester",
    )
}
