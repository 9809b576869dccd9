//! Reference data of SPEC §4 and §10: the seven steps, step statuses, e-Service categories
//! and user roles, each with its JSON name and Thai and English labels.

/// An unknown slug or name was given for one of the reference enums.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} `{value}`")]
pub struct UnknownName {
    /// What was being parsed (`step`, `category`, ...).
    pub kind: &'static str,
    /// The text that did not match.
    pub value: String,
}

/// An enumerated value with a JSON name and the manual's Thai and English labels: the
/// reference enums here and the forms' choices (`payload`), all alike.
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $kind:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $json:literal, $th:literal, $en:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $json)] $variant, )+
        }

        impl $name {
            /// Every value, in order (a form lists them so).
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The JSON name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $json),+ }
            }

            /// The Thai label, as the manual shows it.
            pub fn title_th(self) -> &'static str {
                match self { $($name::$variant => $th),+ }
            }

            /// The English label.
            pub fn title_en(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::reference::UnknownName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($json => Ok($name::$variant),)+
                    _ => Err($crate::reference::UnknownName { kind: $kind, value: s.to_owned() }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::payload::choice::Choice for $name {
            fn from_name(name: &str) -> Option<Self> {
                name.parse().ok()
            }
            fn all() -> &'static [Self] {
                $name::ALL
            }
            fn name(self) -> &'static str {
                self.as_str()
            }
            fn label(self) -> (&'static str, &'static str) {
                (self.title_th(), self.title_en())
            }
        }
    };
}

pub(crate) use named_enum;

named_enum! {
    /// One of the seven onboarding steps (SPEC §4), in order.
    Step, "step" {
        /// 1. Request UAT credentials.
        Credential = "credential", "ขอ Credential", "Request credentials";
        /// 2. Develop and install on UAT.
        UatSetup = "uat-setup", "พัฒนาและติดตั้ง UAT", "Develop and install on UAT";
        /// 3. Test on UAT (test attempts).
        UatTest = "uat-test", "การทดสอบผ่าน UAT Environment", "Test on UAT";
        /// 4. Request to join the central platform (the three-part form).
        PlatformRequest = "platform-request", "ขอใช้บริการขึ้นแพลตฟอร์มกลาง", "Request to join the central platform";
        /// 5. Develop and install on Pre-Production.
        PreprodSetup = "preprod-setup", "พัฒนาและติดตั้ง Pre-Production", "Develop and install on Pre-Production";
        /// 6. Test on Pre-Production (test attempts).
        PreprodTest = "preprod-test", "การทดสอบผ่าน Pre-Production", "Test on Pre-Production";
        /// 7. Prepare the launch; confirming is final.
        Launch = "launch", "เตรียมการเปิดให้บริการ", "Prepare the launch";
    }
}

impl Step {
    /// The step's number, 1 to 7.
    pub fn number(self) -> u8 {
        self as u8 + 1
    }

    /// The step with number `n` (1 to 7).
    pub fn from_number(n: u8) -> Option<Step> {
        Step::ALL.get(usize::from(n).checked_sub(1)?).copied()
    }

    /// Index into the seven steps, 0 to 6.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The step after this one.
    pub fn next(self) -> Option<Step> {
        Step::ALL.get(self.index() + 1).copied()
    }

    /// Steps 3 and 6: progress is made by test attempts, not by a submitted form.
    pub fn is_test(self) -> bool {
        matches!(self, Step::UatTest | Step::PreprodTest)
    }

    /// Steps whose approval issues credentials (1: UAT, 4: production).
    pub fn issues_credentials(self) -> Option<Environment> {
        match self {
            Step::Credential => Some(Environment::Uat),
            Step::PlatformRequest => Some(Environment::Production),
            _ => None,
        }
    }
}

named_enum! {
    /// Status of one step (SPEC §4).
    StepStatus, "status" {
        /// An earlier step is not complete.
        Locked = "locked", "ยังไม่ถึงขั้นตอนนี้", "Not yet reached";
        /// The agency is filling it in.
        InProgress = "in_progress", "กำลังดำเนินการ", "In progress";
        /// Submitted; DGA's turn.
        UnderReview = "under_review", "กำลังตรวจสอบ", "Under review";
        /// DGA sent it back with a reason.
        ChangesRequested = "changes_requested", "ต้องแก้ไข", "Changes requested";
        /// Done.
        Completed = "completed", "เสร็จสิ้น", "Completed";
    }
}

impl StepStatus {
    /// The agency may edit and submit (`in_progress` or `changes_requested`).
    pub fn is_open(self) -> bool {
        matches!(self, StepStatus::InProgress | StepStatus::ChangesRequested)
    }

    /// The step is the current one (`in_progress`, `under_review` or `changes_requested`).
    pub fn is_current(self) -> bool {
        matches!(
            self,
            StepStatus::InProgress | StepStatus::UnderReview | StepStatus::ChangesRequested
        )
    }
}

named_enum! {
    /// Environment that a set of credentials is for.
    Environment, "environment" {
        /// The UAT test environment (issued at step 1).
        Uat = "uat", "UAT", "UAT";
        /// Production (issued at step 4).
        Production = "production", "Production", "Production";
    }
}

named_enum! {
    /// e-Service category on the ทางรัฐ app (manual §3.1). `in_development` may be used at
    /// step 1 and must be replaced at step 5. The manual does not list the app's categories;
    /// this set follows the app's public groupings.
    Category, "category" {
        /// Not yet decided (step 1 only).
        InDevelopment = "in_development", "บริการที่อยู่ระหว่างการพัฒนา", "In development";
        /// Civil registration and personal documents.
        PersonalDocuments = "personal_documents", "ทะเบียนราษฎร์และเอกสารส่วนบุคคล", "Civil registration and personal documents";
        /// Tax and finance.
        TaxFinance = "tax_finance", "ภาษีและการเงิน", "Tax and finance";
        /// Health.
        Health = "health", "สุขภาพ", "Health";
        /// Education.
        Education = "education", "การศึกษา", "Education";
        /// Work and employment.
        Employment = "employment", "การทำงานและอาชีพ", "Work and employment";
        /// Social welfare.
        Welfare = "welfare", "สวัสดิการสังคม", "Social welfare";
        /// Agriculture.
        Agriculture = "agriculture", "เกษตรกรรม", "Agriculture";
        /// Business and trade.
        Business = "business", "ธุรกิจและการค้า", "Business and trade";
        /// Travel and transport.
        Transport = "transport", "การเดินทางและคมนาคม", "Travel and transport";
        /// Housing and land.
        HousingLand = "housing_land", "ที่อยู่อาศัยและที่ดิน", "Housing and land";
        /// Law and justice.
        LegalJustice = "legal_justice", "กฎหมายและกระบวนการยุติธรรม", "Law and justice";
        /// Utilities.
        Utilities = "utilities", "สาธารณูปโภค", "Utilities";
        /// Anything else.
        Other = "other", "อื่นๆ", "Other";
    }
}

named_enum! {
    /// Role of a user account (SPEC §2).
    Role, "role" {
        /// Officer of one agency.
        Agency = "agency", "หน่วยงาน", "Agency officer";
        /// DGA officer who reviews steps.
        Reviewer = "reviewer", "เจ้าหน้าที่ สพร.", "DGA reviewer";
        /// DGA system administrator.
        Admin = "admin", "ผู้ดูแลระบบ", "Administrator";
    }
}

named_enum! {
    /// What a command does, as refusals and logs name it.
    CommandKind, "command" {
        /// A new e-Service.
        Create = "create", "สร้าง e-Service", "Create an e-Service";
        /// Change the e-Service's services.
        UpdateServices = "update_services", "แก้ไขรายการบริการ", "Update the services";
        /// Save a step's draft.
        SaveDraft = "save_draft", "บันทึกร่าง", "Save a draft";
        /// Send a step's form for review.
        Submit = "submit", "ส่งข้อมูลเพื่อตรวจสอบ", "Submit for review";
        /// Add a test attempt.
        AddAttempt = "add_attempt", "เพิ่มผลการทดสอบ", "Add a test attempt";
        /// Change the pending test attempt.
        EditAttempt = "edit_attempt", "แก้ไขผลการทดสอบ", "Edit a test attempt";
        /// Delete the pending test attempt.
        DeleteAttempt = "delete_attempt", "ลบผลการทดสอบ", "Delete a test attempt";
        /// Take a submission back.
        Withdraw = "withdraw", "ถอนการส่งข้อมูล", "Withdraw";
        /// Approve a step.
        Approve = "approve", "อนุมัติ", "Approve";
        /// Send a step back for changes.
        RequestChanges = "request_changes", "ขอให้แก้ไข", "Request changes";
        /// Move a scheduled launch.
        RescheduleLaunch = "reschedule_launch", "เลื่อนวันเผยแพร่", "Reschedule the launch";
    }
}

impl Role {
    /// Reviewers and admins may review any step and see every e-Service.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Reviewer | Role::Admin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_round_trip_by_number_and_slug() {
        for (i, step) in Step::ALL.iter().enumerate() {
            assert_eq!(usize::from(step.number()), i + 1);
            assert_eq!(Step::from_number(step.number()), Some(*step));
            assert_eq!(step.as_str().parse::<Step>(), Ok(*step));
            let json = serde_json::to_string(step).unwrap();
            assert_eq!(json, format!("\"{}\"", step.as_str()));
        }
        assert_eq!(Step::from_number(0), None);
        assert_eq!(Step::from_number(8), None);
        assert!("uat_setup".parse::<Step>().is_err());
    }

    #[test]
    fn only_steps_three_and_six_are_tests() {
        let tests: Vec<u8> = Step::ALL
            .iter()
            .filter(|s| s.is_test())
            .map(|s| s.number())
            .collect();
        assert_eq!(tests, vec![3, 6]);
    }
}
