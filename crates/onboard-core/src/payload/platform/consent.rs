//! Part 3 of step 4 (ส่วนที่ 3: คำรับรองและคำยินยอม): the consents and their versioned wording.

use super::*;

raw_form! {
    /// Part 3 as sent.
    struct RawConsents {
        data_access: bool,
        accuracy: bool,
        terms_and_privacy: bool,
    }
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

pub(super) fn consents(r: &mut Report, path: &Path, raw: Option<&RawConsents>) -> Option<Consents> {
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
