//! Templates (SPEC §10): files an admin offers for download on a step's page, such as the
//! Minimum Testcase workbook of steps 3 and 6 or the icon and screenshot guide of step 5
//! ("ดาวน์โหลด Template Icon งานบริการและภาพหน้าจอตัวอย่าง"). A template has a Thai and an
//! English title and belongs to one of the seven steps; its file is any type
//! [`FilePurpose::Template`] accepts, decided from the content.

use crate::file::{FileFacts, FilePurpose};
use crate::reference::Step;
use crate::validation::{Code, FieldError, Issue, Path, Report};

/// Longest title, in characters, in either language.
pub const MAX_TITLE: usize = 200;

/// The checked fields of a template: trimmed titles and its step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateFields {
    /// Thai title (shown first, in the link on the step's page).
    pub title_th: String,
    /// English title.
    pub title_en: String,
    /// The step whose page links to it.
    pub step: Step,
}

impl TemplateFields {
    /// Checks the three fields together, with every problem in the report: each title
    /// required, trimmed, one line of at most [`MAX_TITLE`] characters; the step one of the
    /// seven slugs.
    ///
    /// ```
    /// use onboard_core::template::TemplateFields;
    /// let t = TemplateFields::parse(" แม่แบบ ", "Template", "uat-test").unwrap();
    /// assert_eq!(t.title_th, "แม่แบบ");
    /// let report = TemplateFields::parse("", "Template", "step-8").unwrap_err();
    /// let fields: Vec<&str> = report.errors.iter().map(|i| i.field.as_str()).collect();
    /// assert_eq!(fields, ["title_th", "step"]);
    /// ```
    pub fn parse(title_th: &str, title_en: &str, step: &str) -> Result<TemplateFields, Report> {
        let mut report = Report::new();
        let title_th = report.check_text(
            &Path::root().key("title_th"),
            crate::fields::text(title_th, MAX_TITLE),
        );
        let title_en = report.check_text(
            &Path::root().key("title_en"),
            crate::fields::text(title_en, MAX_TITLE),
        );
        let step = parse_step(step).map_err(|i| report.push(i)).ok();
        match (title_th, title_en, step) {
            (Some(title_th), Some(title_en), Some(step)) if report.is_valid() => {
                Ok(TemplateFields {
                    title_th,
                    title_en,
                    step,
                })
            }
            _ => Err(report),
        }
    }
}

fn parse_step(raw: &str) -> Result<Step, Issue> {
    let path = Path::root().key("step");
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Issue::with_messages(
            &path,
            Code::Required,
            "กรุณาเลือกขั้นตอนที่เทมเพลตนี้ใช้",
            "Choose the step this template belongs to",
        ));
    }
    raw.parse().map_err(|_| {
        Issue::with_messages(
            &path,
            Code::NotAllowed,
            "ไม่พบขั้นตอนนี้ กรุณาเลือกหนึ่งในเจ็ดขั้นตอน",
            "Unknown step; choose one of the seven steps",
        )
    })
}

/// The file of a template, checked as an upload for [`FilePurpose::Template`]: `required`
/// when none was chosen, `file_type` when its content is of no accepted type, with the
/// same generic messages as `POST /files` gives. Its size is bounded while it is read.
pub fn check_file(content: Option<&[u8]>) -> Result<FileFacts, Issue> {
    let path = Path::root().key("file");
    let Some(content) = content.filter(|c| !c.is_empty()) else {
        return Err(Issue::new(&path, FieldError::new(Code::Required)));
    };
    FileFacts::inspect(content)
        .filter(|f| FilePurpose::Template.accepts(f.media_type))
        .ok_or_else(|| Issue::new(&path, FieldError::new(Code::FileType)))
}

/// The fields and the file of a new template checked together, every problem in one report
/// (the fields first, then the file).
pub fn check(
    title_th: &str,
    title_en: &str,
    step: &str,
    content: Option<&[u8]>,
) -> Result<(TemplateFields, FileFacts), Report> {
    let fields = TemplateFields::parse(title_th, title_en, step);
    let file = check_file(content);
    match (fields, file) {
        (Ok(fields), Ok(facts)) => Ok((fields, facts)),
        (fields, file) => {
            let mut report = fields.err().unwrap_or_default();
            if let Err(issue) = file {
                report.push(issue);
            }
            Err(report)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::file::MediaType;

    fn codes(report: &Report) -> Vec<(&str, Code)> {
        report
            .errors
            .iter()
            .map(|i| (i.field.as_str(), i.code))
            .collect()
    }

    #[test]
    fn titles_are_trimmed_and_bounded() {
        let t = TemplateFields::parse("  คู่มือ  ", " Guide ", " preprod-setup ").unwrap();
        assert_eq!(
            (t.title_th.as_str(), t.title_en.as_str(), t.step),
            ("คู่มือ", "Guide", Step::PreprodSetup)
        );
        let long = "ก".repeat(MAX_TITLE + 1);
        let report = TemplateFields::parse(&long, "a\nb", "launch").unwrap_err();
        assert_eq!(
            codes(&report),
            [
                ("title_th", Code::TooLong),
                ("title_en", Code::InvalidFormat)
            ]
        );
        assert!(TemplateFields::parse(&"ก".repeat(MAX_TITLE), "x", "launch").is_ok());
    }

    #[test]
    fn every_problem_is_listed_in_thai_and_english() {
        let report = check(" ", "", "step-8", Some(b"MZ\x90\x00")).unwrap_err();
        assert_eq!(
            codes(&report),
            [
                ("title_th", Code::Required),
                ("title_en", Code::Required),
                ("step", Code::NotAllowed),
                ("file", Code::FileType),
            ]
        );
        assert!(report
            .errors
            .iter()
            .all(|i| !i.message_th.is_empty() && !i.message_en.is_empty()));
        let report = check("ก", "a", "", None).unwrap_err();
        assert_eq!(
            codes(&report),
            [("step", Code::Required), ("file", Code::Required)]
        );
    }

    #[test]
    fn any_accepted_type_is_a_template() {
        let (_, facts) = check("ก", "a", "uat-test", Some(b"%PDF-1.7\n%%EOF\n")).unwrap();
        assert_eq!(facts.media_type, MediaType::Pdf);
        let (_, facts) = check("ก", "a", "uat-test", Some(b"a,b\n1,2\n")).unwrap();
        assert_eq!(facts.media_type, MediaType::Csv);
        for m in MediaType::ALL {
            assert!(FilePurpose::Template.accepts(m), "{m}");
        }
        assert_eq!(FilePurpose::Template.max_size(), 20 * 1024 * 1024);
        assert!("template".parse::<FilePurpose>().is_err());
    }
}
