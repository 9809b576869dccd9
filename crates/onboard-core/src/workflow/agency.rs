//! The agency record's names as step 4 may change them.

use super::*;

/// An agency's names as the agency record holds them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyNames {
    /// Thai name.
    pub name_th: String,
    /// English name.
    pub name_en: String,
    /// Ministry or parent body (อยู่ภายใต้สังกัด), Thai.
    pub ministry_th: String,
    /// Ministry or parent body, English.
    pub ministry_en: String,
}

/// Longest agency or ministry name, in characters.
pub const MAX_AGENCY_NAME: usize = 200;

impl AgencyNames {
    /// Checks the four names of a new agency: each required, at most 200 characters.
    /// Every problem is reported at once, on fields `name_th`, `name_en`, `ministry_th`,
    /// `ministry_en`.
    pub fn parse(
        name_th: &str,
        name_en: &str,
        ministry_th: &str,
        ministry_en: &str,
    ) -> Result<AgencyNames, Report> {
        let mut report = Report::new();
        let mut field = |name: &str, raw: &str| {
            report.check_text(
                &Path::root().key(name),
                crate::fields::text(raw, MAX_AGENCY_NAME),
            )
        };
        let names = (
            field("name_th", name_th),
            field("name_en", name_en),
            field("ministry_th", ministry_th),
            field("ministry_en", ministry_en),
        );
        match names {
            (Some(name_th), Some(name_en), Some(ministry_th), Some(ministry_en)) => {
                Ok(AgencyNames {
                    name_th,
                    name_en,
                    ministry_th,
                    ministry_en,
                })
            }
            _ => Err(report),
        }
    }
}

/// The agency names of the step-4 form under review or approved (part 1), as the agency
/// record would hold them.
pub(super) fn form_agency_names(s: &StepState) -> Option<AgencyNames> {
    let form: payload::PlatformRequest = serde_json::from_value(s.submission.clone()?).ok()?;
    let agency = form.requester.agency;
    Some(AgencyNames {
        name_th: agency.name_th,
        name_en: agency.name_en,
        ministry_th: agency.parent_th,
        ministry_en: agency.parent_en,
    })
}

/// The agency names that `event` makes official: an [`Change::AgencyUpdated`] of a step-4
/// approval with `update_agency` (SPEC §3).
pub fn agency_update(event: &Event) -> Option<&AgencyNames> {
    match &event.change {
        Change::AgencyUpdated { names, .. } => Some(names),
        _ => None,
    }
}

/// One name where the step-4 form differs from the agency record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyDifference {
    /// `name_th`, `name_en`, `ministry_th` or `ministry_en`.
    pub field: &'static str,
    /// What the field is called on the form, in Thai.
    pub label_th: &'static str,
    /// What the agency record holds.
    pub record: String,
    /// What the form says.
    pub form: String,
}

/// Where the submitted step-4 form of `state` differs from the agency record `agency`, for
/// the reviewer to decide whether to approve with `update_agency`. `None` when step 4 has no
/// submission.
pub fn agency_differences(state: &EService, agency: &AgencyNames) -> Option<Vec<AgencyDifference>> {
    let form = form_agency_names(state.step(Step::PlatformRequest))?;
    let pairs = [
        (
            "name_th",
            "ชื่อหน่วยงาน (ภาษาไทย)",
            &agency.name_th,
            form.name_th,
        ),
        (
            "name_en",
            "ชื่อหน่วยงาน (ภาษาอังกฤษ)",
            &agency.name_en,
            form.name_en,
        ),
        (
            "ministry_th",
            "อยู่ภายใต้สังกัด (ภาษาไทย)",
            &agency.ministry_th,
            form.ministry_th,
        ),
        (
            "ministry_en",
            "อยู่ภายใต้สังกัด (ภาษาอังกฤษ)",
            &agency.ministry_en,
            form.ministry_en,
        ),
    ];
    Some(
        pairs
            .into_iter()
            .filter(|(_, _, record, form)| *record != form)
            .map(|(field, label_th, record, form)| AgencyDifference {
                field,
                label_th,
                record: record.clone(),
                form,
            })
            .collect(),
    )
}
