//! Step payload JSON -> validation, one target per form step and one for test attempts.
//!
//! Input: a JSON document. Bytes that are not JSON are read instead as a *mutation* of the
//! step's valid fixture (which member to replace, and an arbitrary JSON value to put there),
//! so that random bytes also reach the rules deep inside a form.

use crate::fixtures;
use arbitrary::{Result, Unstructured};
use onboard_core::file::FileCatalog;
use onboard_core::payload::{
    check_draft, referenced_files, validate, validate_attempt, AttemptInput, Context, PayloadError,
    StepPayload,
};
use onboard_core::privacy::mask_citizen_ids;
use onboard_core::reference::Step;
use onboard_core::validation::Report;
use serde_json::{Map, Number, Value};

/// Step 1 `credential`.
pub fn payload_credential(data: &[u8]) {
    form(Step::Credential, data);
}

/// Step 2 `uat-setup`.
pub fn payload_uat_setup(data: &[u8]) {
    form(Step::UatSetup, data);
}

/// Step 4 `platform-request`.
pub fn payload_platform_request(data: &[u8]) {
    form(Step::PlatformRequest, data);
}

/// Step 5 `preprod-setup`.
pub fn payload_preprod_setup(data: &[u8]) {
    form(Step::PreprodSetup, data);
}

/// Step 7 `launch`.
pub fn payload_launch(data: &[u8]) {
    form(Step::Launch, data);
}

/// A test attempt of step 3 or 6.
pub fn payload_attempt(data: &[u8]) {
    let json = input(Step::UatTest, data);
    let catalog = fixtures::catalog();
    for ctx in contexts(&catalog) {
        match validate_attempt(&json, &ctx) {
            Ok(attempt) => check_attempt(&attempt, &ctx),
            Err(PayloadError::Invalid(report)) => check_invalid(&report),
            Err(PayloadError::Malformed(m)) => assert!(!m.message().is_empty()),
            Err(e @ PayloadError::NotAForm(_)) => panic!("attempt refused as {e}"),
        }
    }
    for step in [Step::UatTest, Step::PreprodTest] {
        let ctx = Context::offline(fixtures::today(), fixtures::deadline());
        assert!(matches!(
            validate(step, &json, &ctx),
            Err(PayloadError::NotAForm(s)) if s == step
        ));
        assert!(matches!(
            check_draft(step, &json),
            Err(PayloadError::NotAForm(_))
        ));
        check_referenced(step, &json);
    }
    check_masked(&json);
}

/// The payload of one run: the JSON document, or a mutated fixture.
fn input(step: Step, data: &[u8]) -> Value {
    if let Ok(json) = serde_json::from_slice::<Value>(data) {
        return json;
    }
    let mut json = onboard_core::samples::json(step);
    let mut u = Unstructured::new(data);
    // Several replacements, so that two broken fields can meet.
    for _ in 0..u.int_in_range(1..=3).unwrap_or(1) {
        let pointers = fixtures::pointers(&json);
        let Ok(pointer) = u.choose(&pointers).cloned() else {
            break;
        };
        let replacement = json_value(&mut u, 3).unwrap_or(Value::Null);
        if let Some(slot) = json.pointer_mut(&pointer) {
            *slot = replacement;
        }
    }
    json
}

/// Member names of the forms, so that generated objects hit known fields.
const KEYS: &[&str] = &[
    "type",
    "domain",
    "landing_page_url",
    "login_callback_urls",
    "logout_callback_urls",
    "testers",
    "full_name",
    "email",
    "phone",
    "citizen_id",
    "os",
    "category",
    "name_th",
    "name_en",
    "short_description",
    "full_description",
    "planned_launch_date",
    "icon_file_id",
    "screenshot_file_ids",
    "personal_data",
    "required",
    "fields",
    "identity_verification",
    "notifications",
    "desired_date",
    "note",
    "details",
    "file_id",
    "requester",
    "agency",
    "assignee",
    "same_as_assignee",
    "person",
    "profile_access",
    "consents",
    "mobile",
    "office_phone",
    "postcode",
    "assignment_letter_file_id",
    "service",
    "problem_contact",
];

/// Interesting strings: valid and near-valid values of the field types.
const STRINGS: &[&str] = &[
    "",
    " ",
    "1101700230708",
    "1111111111111",
    "0105551234567",
    "0812345678",
    "08123456789",
    "+66 81 234 5678",
    "02-123-4567 ต่อ 12",
    "1111",
    "somchai@dga.or.th",
    "a@gmail.com",
    "https://example.go.th/cb",
    "http://localhost:8080/cb",
    "https://example.go.th/#x",
    "example.go.th",
    "10200",
    "2027-03-02",
    "2026-11-24",
    "2999-12-31",
    "file-icon-1",
    "file-icon-64",
    "file-icon-huge",
    "file-shot-1",
    "file-letter-1",
    "file-letter-huge",
    "file-result-1",
    "file-result-csv",
    "missing-file",
    "oidc",
    "mtoken",
    "android",
    "ios",
    "health",
    "in_development",
    "yes",
    "no",
    "id_card",
    "ก",
];

/// An arbitrary JSON value, at most `depth` containers deep.
pub(crate) fn json_value(u: &mut Unstructured<'_>, depth: u32) -> Result<Value> {
    let kinds = if depth == 0 { 5 } else { 7 };
    Ok(match u.choose_index(kinds)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => Number::from_f64(u.arbitrary()?)
            .map(Value::Number)
            .unwrap_or_else(|| Value::from(0)),
        3 => Value::String(u.arbitrary()?),
        4 => Value::String(if u.ratio(1, 4)? {
            u.choose(STRINGS)?.repeat(u.int_in_range(2..=300)?)
        } else {
            (*u.choose(STRINGS)?).to_owned()
        }),
        5 => Value::Array(
            (0..u.int_in_range(0..=4)?)
                .map(|_| json_value(u, depth - 1))
                .collect::<Result<_>>()?,
        ),
        _ => {
            let mut map = Map::new();
            for _ in 0..u.int_in_range(0..=4)? {
                let key = if u.ratio(7, 8)? {
                    (*u.choose(KEYS)?).to_owned()
                } else {
                    u.arbitrary()?
                };
                map.insert(key, json_value(u, depth - 1)?);
            }
            Value::Object(map)
        }
    })
}

/// Validation both offline and against a catalog of uploaded files.
fn contexts(catalog: &dyn FileCatalog) -> [Context<'_>; 2] {
    let (today, deadline) = (fixtures::today(), fixtures::deadline());
    [
        Context::offline(today, deadline),
        Context {
            today,
            launch_deadline: deadline,
            files: catalog,
        },
    ]
}

/// The invariants of a form step.
fn form(step: Step, data: &[u8]) {
    let json = input(step, data);
    let catalog = fixtures::catalog();
    for ctx in contexts(&catalog) {
        let result = validate(step, &json, &ctx);
        let draft = check_draft(step, &json);
        // Malformed exactly when the draft check says so; a draft check fails with nothing
        // else.
        assert_eq!(
            matches!(result, Err(PayloadError::Malformed(_))),
            matches!(draft, Err(PayloadError::Malformed(_))),
            "{step}: validate {result:?} but check_draft {draft:?}"
        );
        assert!(matches!(draft, Ok(()) | Err(PayloadError::Malformed(_))));
        match result {
            Ok(valid) => {
                assert_eq!(valid.payload.step(), step);
                assert!(valid.warnings.iter().all(|w| w.code.is_warning()));
                // The normalized submission is valid and normalizes to itself.
                let stored = valid.payload.to_json();
                let again = match validate(step, &stored, &ctx) {
                    Ok(again) => again,
                    Err(e) => panic!("{step}: normalized {stored} refused: {e:?}"),
                };
                assert_eq!(again.payload, valid.payload, "{step}: {stored}");
                assert_eq!(again.payload.to_json(), stored);
                assert_eq!(again.warnings, valid.warnings, "{step}: {stored}");
                // It reads back from storage, and through the tagged serde form.
                match StepPayload::from_stored(step, &stored) {
                    Ok(read) => assert_eq!(read, valid.payload),
                    Err(e) => panic!("{step}: stored {stored} does not read back: {e}"),
                }
                let tagged = serde_json::to_value(&valid.payload).unwrap_or_default();
                let back = serde_json::from_value::<StepPayload>(tagged).ok();
                assert_eq!(back.as_ref(), Some(&valid.payload));
                check_masked(&stored);
            }
            Err(PayloadError::Invalid(report)) => check_invalid(&report),
            Err(PayloadError::Malformed(m)) => assert!(!m.message().is_empty()),
            Err(e @ PayloadError::NotAForm(_)) => panic!("form step {step} refused as {e}"),
        }
    }
    check_referenced(step, &json);
    check_masked(&json);
}

/// A refusal names at least one error, and keeps errors and warnings apart.
fn check_invalid(report: &Report) {
    assert!(!report.errors.is_empty(), "invalid without an error");
    assert!(report.errors.iter().all(|e| !e.code.is_warning()));
    assert!(report.warnings.iter().all(|w| w.code.is_warning()));
}

fn check_attempt(attempt: &AttemptInput, ctx: &Context<'_>) {
    assert!(!attempt.details.is_empty() && attempt.details.trim() == attempt.details);
    assert!(!attempt.file_id.is_empty() && attempt.file_id.trim() == attempt.file_id);
    let stored = serde_json::to_value(attempt).unwrap_or_default();
    match validate_attempt(&stored, ctx) {
        Ok(again) => assert_eq!(&again, attempt),
        Err(e) => panic!("normalized attempt {stored} refused: {e:?}"),
    }
}

/// Referenced file ids are trimmed, non-empty and listed once.
fn check_referenced(step: Step, json: &Value) {
    let ids = referenced_files(step, json);
    for (i, id) in ids.iter().enumerate() {
        assert!(!id.is_empty() && id.trim() == id, "{id:?}");
        assert!(!ids[..i].contains(id), "{id} listed twice");
    }
}

/// After masking, every `citizen_id` string shows at most its first five digits and its
/// last.
fn check_masked(json: &Value) {
    let mut masked = json.clone();
    mask_citizen_ids(&mut masked);
    crate::fields::assert_masked_members(&masked);
}
