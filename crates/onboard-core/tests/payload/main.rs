//! The step forms of SPEC §5: every fixture, every rule both ways, malformed input, the full
//! error lists (insta snapshots) and a property test over arbitrary JSON.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use onboard_core::file::{FileFacts, MediaType};
use onboard_core::payload::{
    self, check_draft, referenced_files, validate, validate_attempt, validate_services, Context,
    PayloadError, StepPayload, Validated,
};
use onboard_core::reference::{Category, Step};
use onboard_core::validation::{Code, Report};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::LazyLock;

const FORM_STEPS: [Step; 5] = [
    Step::Credential,
    Step::UatSetup,
    Step::PlatformRequest,
    Step::PreprodSetup,
    Step::Launch,
];

/// Wednesday 2026-11-25, the day the workflow tests run on too.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

/// 30 September of the fiscal year 2570 (2027), the deadline of a request made on `today()`.
fn deadline() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 9, 30).unwrap()
}

fn ctx() -> Context<'static> {
    Context::offline(today(), deadline())
}

const MIB: u64 = 1024 * 1024;

/// The context of a server that knows the files of [`CATALOG`].
fn server() -> Context<'static> {
    Context {
        today: today(),
        launch_deadline: deadline(),
        files: &*CATALOG,
    }
}

/// Uploaded files as a server would know them.
static CATALOG: LazyLock<HashMap<String, FileFacts>> = LazyLock::new(|| {
    let png = |size, dimensions| FileFacts {
        media_type: MediaType::Png,
        size,
        dimensions,
    };
    let doc = |media_type, size| FileFacts {
        media_type,
        size,
        dimensions: None,
    };
    [
        ("file-icon-1", png(9_000, Some((120, 120)))),
        ("file-icon-64", png(4_000, Some((64, 64)))),
        ("file-icon-unknown-size", png(4_000, None)),
        ("file-icon-huge", png(3 * MIB, Some((120, 120)))),
        ("file-shot-1", png(300_000, Some((1080, 1920)))),
        ("file-shot-2", png(300_000, Some((1080, 1920)))),
        ("file-shot-3", png(300_000, Some((1080, 1920)))),
        ("file-letter-1", doc(MediaType::Pdf, 400_000)),
        ("file-letter-huge", doc(MediaType::Pdf, 11 * MIB)),
        ("file-result-1", doc(MediaType::Xlsx, 50_000)),
        ("file-result-csv", doc(MediaType::Csv, 5_000)),
    ]
    .into_iter()
    .map(|(id, facts)| (id.to_owned(), facts))
    .collect()
});

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Sets the member or element at a JSON pointer, creating an object member if needed.
fn set(json: &mut Value, pointer: &str, value: Value) {
    let (parent, last) = pointer.rsplit_once('/').expect("pointer");
    match json
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no parent {parent}"))
    {
        Value::Object(map) => {
            map.insert(last.to_owned(), value);
        }
        Value::Array(items) => items[last.parse::<usize>().expect("index")] = value,
        other => panic!("{parent} is {other}"),
    }
}

/// The valid fixture of `step` with one member changed.
fn with(step: Step, pointer: &str, value: Value) -> Value {
    let mut json = onboard_core::samples::json(step);
    set(&mut json, pointer, value);
    json
}

/// The valid fixture of `step` without one member.
fn without(step: Step, pointer: &str) -> Value {
    let mut json = onboard_core::samples::json(step);
    let (parent, last) = pointer.rsplit_once('/').expect("pointer");
    json.pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .and_then(|m| m.remove(last))
        .unwrap_or_else(|| panic!("nothing at {pointer}"));
    json
}

fn ok_with(step: Step, json: &Value, ctx: &Context) -> Validated {
    match validate(step, json, ctx) {
        Ok(v) => v,
        Err(PayloadError::Invalid(report)) => panic!("{step}: {:#?}", report.errors),
        Err(e) => panic!("{step}: {e}"),
    }
}

fn ok(step: Step, json: &Value) -> Validated {
    ok_with(step, json, &ctx())
}

fn report_with(step: Step, json: &Value, ctx: &Context) -> Report {
    match validate(step, json, ctx) {
        Err(PayloadError::Invalid(report)) => report,
        other => panic!("{step}: expected a validation failure, got {other:?}"),
    }
}

fn report(step: Step, json: &Value) -> Report {
    report_with(step, json, &ctx())
}

fn pairs(issues: &[onboard_core::validation::Issue]) -> Vec<(String, Code)> {
    issues.iter().map(|i| (i.field.clone(), i.code)).collect()
}

/// Asserts that the payload fails with exactly this one error.
#[track_caller]
fn only_error(step: Step, json: &Value, field: &str, code: Code) {
    only_error_with(step, json, &ctx(), field, code);
}

/// Each case sets one value (at a JSON pointer) of the sample form of `step`, which then
/// has exactly one error: on `field`, with `code`.
#[track_caller]
fn each_only_error(step: Step, cases: &[(&str, Value, &str, Code)]) {
    for (pointer, value, field, code) in cases {
        only_error(step, &with(step, pointer, value.clone()), field, *code);
    }
}

#[track_caller]
fn only_error_with(step: Step, json: &Value, ctx: &Context, field: &str, code: Code) {
    let r = report_with(step, json, ctx);
    assert_eq!(
        pairs(&r.errors),
        vec![(field.to_owned(), code)],
        "{:#?}",
        r.errors
    );
}

fn is_malformed(result: Result<Validated, PayloadError>) -> bool {
    matches!(result, Err(PayloadError::Malformed(_)))
}

fn long(n: usize) -> Value {
    Value::String("ก".repeat(n))
}

// ---------------------------------------------------------------------------------------
// Fixtures

#[test]
fn valid_fixtures_validate_without_errors_offline_and_against_the_catalog() {
    let server = server();
    for step in FORM_STEPS {
        let json = onboard_core::samples::json(step);
        for ctx in [ctx(), server] {
            let v = ok_with(step, &json, &ctx);
            assert_eq!(v.payload.step(), step);
            assert!(v.warnings.is_empty(), "{step}: {:?}", v.warnings);
        }
    }
    let attempt = onboard_core::samples::json(onboard_core::reference::Step::UatTest);
    validate_attempt(&attempt, &ctx()).unwrap();
    validate_attempt(&attempt, &server).unwrap();
}

#[test]
fn invalid_fixtures_are_invalid() {
    for (step, name) in [
        (Step::Credential, "step1-invalid.json"),
        (Step::UatSetup, "step2-invalid.json"),
        (Step::PlatformRequest, "step4-invalid.json"),
        (Step::PreprodSetup, "step5-invalid.json"),
        (Step::Launch, "step7-invalid.json"),
    ] {
        let r = report(step, &fixture(name));
        assert!(!r.errors.is_empty(), "{name}");
        check_draft(step, &fixture(name)).unwrap();
    }
    assert!(matches!(
        validate_attempt(&fixture("attempt-invalid.json"), &ctx()),
        Err(PayloadError::Invalid(_))
    ));
    assert!(is_malformed(validate(
        Step::Credential,
        &fixture("step1-malformed.json"),
        &ctx()
    )));
}

#[test]
fn the_step_four_fixture_is_the_full_three_part_form() {
    let json = onboard_core::samples::json(Step::PlatformRequest);
    for pointer in [
        "/requester/agency/address/postcode",
        "/requester/agency/website",
        "/requester/agency/agency_type_other",
        "/requester/administrator/person/citizen_id",
        "/requester/problem_contact/person/email",
        "/service/juristic_data_fields/1",
        "/service/profile_access/login_callback_urls/1",
        "/service/profile_access/logout_callback_urls/0",
        "/consents/terms_and_privacy",
    ] {
        assert!(
            json.pointer(pointer).is_some_and(|v| !v.is_null()),
            "{pointer}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// The rules, by topic
// ---------------------------------------------------------------------------------------

mod attempts;
mod fields;
mod malformed;
mod normalized;
mod person;
mod profile;
mod services;
mod step1;
mod step4;
mod step5;
mod step7;

// ---------------------------------------------------------------------------------------
// Full error lists

#[test]
fn snapshot_step1_invalid() {
    insta::assert_json_snapshot!(report(Step::Credential, &fixture("step1-invalid.json")));
}

#[test]
fn snapshot_step2_manual_sample_testers() {
    insta::assert_json_snapshot!(report(Step::UatSetup, &fixture("step2-invalid.json")));
}

#[test]
fn snapshot_step4_invalid() {
    insta::assert_json_snapshot!(report(
        Step::PlatformRequest,
        &fixture("step4-invalid.json")
    ));
}

#[test]
fn snapshot_step4_empty_form() {
    insta::assert_json_snapshot!(report(Step::PlatformRequest, &json!({})));
}

#[test]
fn snapshot_step5_invalid() {
    insta::assert_json_snapshot!(report(Step::PreprodSetup, &fixture("step5-invalid.json")));
}

// ---------------------------------------------------------------------------------------
// Property tests

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Member names of the forms, so that generated objects get past the unknown-field check
    /// often enough to reach the validators.
    const KEYS: &[&str] = &[
        "category",
        "short_description",
        "full_description",
        "icon_file_id",
        "icon_concept",
        "planned_launch_date",
        "personal_data",
        "required",
        "fields",
        "identity_verification",
        "notifications",
        "device_access",
        "profile_access",
        "type",
        "domain",
        "landing_page_url",
        "login_callback_urls",
        "logout_callback_urls",
        "testers",
        "full_name",
        "organization",
        "email",
        "phone",
        "citizen_id",
        "os",
        "screenshot_file_ids",
        "desired_date",
        "note",
        "requester",
        "service",
        "consents",
        "unknown",
    ];

    const STRINGS: &[&str] = &[
        "",
        " ",
        "gps",
        "oidc",
        "mtoken",
        "ios",
        "health",
        "in_development",
        "id_card",
        "2026-11-25",
        "2027-03-02",
        "2030-01-01",
        "1103702071811",
        "1111111111111",
        "0812345678",
        "a@b.go.th",
        "x@gmail.com",
        "https://a.go.th/x",
        "http://localhost/x",
        "a.go.th",
        "-",
        "ก",
        "๑",
        "#",
        "https://a.go.th/#f",
    ];

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(|n| json!(n)),
            prop::sample::select(STRINGS).prop_map(|s| json!(s)),
            ".{0,6}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec((prop::sample::select(KEYS), inner), 0..6).prop_map(|kv| {
                    Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
                }),
            ]
        })
    }

    /// A valid fixture with the value at one of its paths replaced.
    fn mutated_fixture() -> impl Strategy<Value = (Step, Value)> {
        (
            prop::sample::select(FORM_STEPS.to_vec()),
            any::<prop::sample::Index>(),
            json_value(),
        )
            .prop_map(|(step, index, replacement)| {
                let mut json = onboard_core::samples::json(step);
                let mut pointers = Vec::new();
                collect_pointers(&json, String::new(), &mut pointers);
                let pointer = index.get(&pointers).clone();
                if let Some(slot) = json.pointer_mut(&pointer) {
                    *slot = replacement;
                }
                (step, json)
            })
    }

    fn collect_pointers(value: &Value, at: String, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    collect_pointers(v, format!("{at}/{k}"), out);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    collect_pointers(v, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
        out.push(at);
    }

    /// The properties every answer must have.
    fn check(step: Step, json: &Value) {
        let result = validate(step, json, &ctx());
        let draft = check_draft(step, json);
        assert_eq!(
            matches!(result, Err(PayloadError::Malformed(_))),
            matches!(draft, Err(PayloadError::Malformed(_))),
            "{step} {json}"
        );
        match result {
            Ok(v) => {
                // The normalized submission is itself valid and normalizes to itself.
                let again =
                    validate(step, &v.payload.to_json(), &ctx()).expect("normalized is valid");
                assert_eq!(again.payload, v.payload);
                assert_eq!(
                    StepPayload::from_stored(step, &v.payload.to_json()).ok(),
                    Some(v.payload)
                );
            }
            Err(PayloadError::Invalid(report)) => assert!(!report.errors.is_empty()),
            Err(PayloadError::Malformed(m)) => assert!(!m.message().is_empty()),
            Err(PayloadError::NotAForm(_)) => panic!("form step {step} refused as not a form"),
        }
        let _ = referenced_files(step, json);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn arbitrary_json_never_panics_and_classifies_consistently(json in json_value()) {
            for step in FORM_STEPS {
                check(step, &json);
            }
            for step in [Step::UatTest, Step::PreprodTest] {
                prop_assert!(matches!(validate(step, &json, &ctx()), Err(PayloadError::NotAForm(_))));
                let _ = referenced_files(step, &json);
            }
            match validate_attempt(&json, &ctx()) {
                Err(PayloadError::Invalid(r)) => prop_assert!(!r.errors.is_empty()),
                Err(PayloadError::NotAForm(_)) => prop_assert!(false, "attempt refused as not a form"),
                _ => {}
            }
        }

        #[test]
        fn mutated_fixtures_never_panic_and_classify_consistently((step, json) in mutated_fixture()) {
            check(step, &json);
        }
    }
}

#[test]
fn payload_module_exposes_limits() {
    assert_eq!(payload::limits::SHORT_DESCRIPTION_MAX, 140);
    assert_eq!(payload::limits::TESTERS_MAX, 50);
}
