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

/// Uploaded files as a server would know them.
fn catalog() -> HashMap<String, FileFacts> {
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
}

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
    let files = catalog();
    let server = Context {
        today: today(),
        launch_deadline: deadline(),
        files: &files,
    };
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
// Normalized submissions

#[test]
fn submissions_are_stored_normalized() {
    let v = ok(Step::UatSetup, &onboard_core::samples::json(Step::UatSetup));
    let json = v.payload.to_json();
    assert_eq!(json["testers"][0]["citizen_id"], "1103702071811");
    assert_eq!(json["testers"][0]["phone"], "0812345678");
    assert_eq!(json["testers"][1]["phone"], "0891234567");
    assert_eq!(json["testers"][1]["os"], "ios");
    assert_eq!(json["profile_access"]["type"], "oidc");

    let v = ok(
        Step::PlatformRequest,
        &onboard_core::samples::json(Step::PlatformRequest),
    );
    let json = v.payload.to_json();
    let assignee = &json["requester"]["assignee"];
    assert_eq!(assignee["citizen_id"], "1509900043212");
    assert_eq!(assignee["office_phone"], "024754567 ต่อ 105");
    assert_eq!(assignee["mobile"], "0897654321");
    assert_eq!(json["requester"]["agency"]["address"]["soi"], Value::Null);
    assert_eq!(
        json["requester"]["administrator"]["same_as_assignee"],
        false
    );
    assert_eq!(json["requester"]["problem_contact"]["type"], "coordinator");
}

#[test]
fn text_is_trimmed_and_thai_digits_are_accepted() {
    let json = with(
        Step::UatSetup,
        "/testers/0/citizen_id",
        json!("๑-๑๐๓๗-๐๒๐๗๑-๘๑-๑"),
    );
    let v = ok(Step::UatSetup, &json);
    assert_eq!(
        v.payload.to_json()["testers"][0]["citizen_id"],
        "1103702071811"
    );
    let json = with(
        Step::UatSetup,
        "/testers/0/full_name",
        json!("  นายสมชาย ใจดี \n"),
    );
    assert_eq!(
        ok(Step::UatSetup, &json).payload.to_json()["testers"][0]["full_name"],
        "นายสมชาย ใจดี"
    );
}

#[test]
fn normalization_is_idempotent_and_reads_back() {
    for step in FORM_STEPS {
        let first = ok(step, &onboard_core::samples::json(step)).payload;
        let stored = first.to_json();
        assert_eq!(ok(step, &stored).payload, first, "{step}");
        assert_eq!(
            StepPayload::from_stored(step, &stored).unwrap(),
            first,
            "{step}"
        );
        // The tagged serde form round-trips too.
        let tagged = serde_json::to_value(&first).unwrap();
        assert_eq!(tagged["step"], step.as_str());
        assert_eq!(
            serde_json::from_value::<StepPayload>(tagged).unwrap(),
            first
        );
    }
}

#[test]
fn stored_submissions_read_back_after_their_dates_have_passed() {
    let stored = ok(Step::Launch, &onboard_core::samples::json(Step::Launch))
        .payload
        .to_json();
    let later = Context::offline(NaiveDate::from_ymd_opt(2028, 1, 1).unwrap(), deadline());
    assert!(validate(Step::Launch, &stored, &later).is_err());
    assert!(StepPayload::from_stored(Step::Launch, &stored).is_ok());
    assert!(matches!(
        StepPayload::from_stored(Step::UatTest, &stored),
        Err(PayloadError::NotAForm(Step::UatTest))
    ));
}

#[test]
fn category_and_desired_launch_date_are_exposed() {
    let step1 = ok(
        Step::Credential,
        &onboard_core::samples::json(Step::Credential),
    )
    .payload;
    assert_eq!(step1.category(), Some(Category::InDevelopment));
    let step5 = ok(
        Step::PreprodSetup,
        &onboard_core::samples::json(Step::PreprodSetup),
    )
    .payload;
    assert_eq!(step5.category(), Some(Category::Welfare));
    let step7 = ok(Step::Launch, &onboard_core::samples::json(Step::Launch)).payload;
    assert_eq!(
        step7.desired_launch_date(),
        NaiveDate::from_ymd_opt(2027, 3, 5)
    );
    assert_eq!(step7.category(), None);
    assert_eq!(step1.desired_launch_date(), None);
}

// ---------------------------------------------------------------------------------------
// Malformed payloads and steps without a form

#[test]
fn wrong_json_types_are_malformed_and_say_where() {
    let json = with(Step::UatSetup, "/testers/1/full_name", json!(42));
    match validate(Step::UatSetup, &json, &ctx()) {
        Err(PayloadError::Malformed(m)) => {
            assert_eq!(m.path().as_str(), "testers[1].full_name");
            assert!(
                m.message().contains("expected a string, found a number"),
                "{m}"
            );
            assert!(m.to_string().contains("`testers[1].full_name`"), "{m}");
        }
        other => panic!("{other:?}"),
    }
    let json = with(
        Step::PlatformRequest,
        "/requester/assignee/full_name",
        json!(7),
    );
    assert!(is_malformed(validate(Step::PlatformRequest, &json, &ctx())));
    let json = with(Step::Credential, "/notifications", json!("true"));
    assert!(is_malformed(validate(Step::Credential, &json, &ctx())));
    let json = with(Step::Credential, "/device_access", json!("gps"));
    assert!(is_malformed(validate(Step::Credential, &json, &ctx())));
}

#[test]
fn unknown_fields_are_malformed() {
    let json = with(Step::Credential, "/colour", json!("red"));
    match validate(Step::Credential, &json, &ctx()) {
        Err(PayloadError::Malformed(m)) => assert!(m.to_string().contains("colour"), "{m}"),
        other => panic!("{other:?}"),
    }
    let json = with(
        Step::PlatformRequest,
        "/requester/agency/address/country",
        json!("TH"),
    );
    assert!(is_malformed(validate(Step::PlatformRequest, &json, &ctx())));
    assert!(check_draft(Step::PlatformRequest, &json).is_err());
}

#[test]
fn an_array_or_scalar_instead_of_an_object_is_malformed() {
    for step in FORM_STEPS {
        for json in [
            json!([]),
            json!([onboard_core::samples::json(step)]),
            json!(null),
            json!("form"),
            json!(1),
        ] {
            assert!(is_malformed(validate(step, &json, &ctx())), "{step} {json}");
            assert!(matches!(
                check_draft(step, &json),
                Err(PayloadError::Malformed(_))
            ));
        }
    }
    let json = with(Step::PlatformRequest, "/requester/assignee", json!([]));
    assert!(is_malformed(validate(Step::PlatformRequest, &json, &ctx())));
    assert!(is_malformed(validate(
        Step::UatSetup,
        &json!({"testers": {}}),
        &ctx()
    )));
    assert!(matches!(
        validate_attempt(&json!([]), &ctx()),
        Err(PayloadError::Malformed(_))
    ));
}

#[test]
fn test_steps_take_attempts_not_forms() {
    for step in [Step::UatTest, Step::PreprodTest] {
        let json = onboard_core::samples::json(onboard_core::reference::Step::UatTest);
        assert!(
            matches!(validate(step, &json, &ctx()), Err(PayloadError::NotAForm(s)) if s == step)
        );
        assert!(matches!(
            check_draft(step, &json),
            Err(PayloadError::NotAForm(_))
        ));
    }
    let e = validate(
        Step::UatTest,
        &onboard_core::samples::json(Step::Credential),
        &ctx(),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "step uat-test takes test attempts, not a form"
    );
}

#[test]
fn drafts_may_be_incomplete_but_well_typed() {
    for step in FORM_STEPS {
        check_draft(step, &json!({})).unwrap();
        check_draft(step, &onboard_core::samples::json(step)).unwrap();
        assert!(matches!(
            validate(step, &json!({}), &ctx()),
            Err(PayloadError::Invalid(_))
        ));
    }
    check_draft(
        Step::UatSetup,
        &json!({"testers": [{"full_name": "ก"}, {}]}),
    )
    .unwrap();
    check_draft(
        Step::Credential,
        &json!({"short_description": "", "icon_file_id": null}),
    )
    .unwrap();
}

// ---------------------------------------------------------------------------------------
// Shared field rules

#[test]
fn the_manuals_sample_citizen_ids_are_rejected() {
    for id in ["1111111111111", "1234567890123"] {
        let json = with(Step::UatSetup, "/testers/0/citizen_id", json!(id));
        only_error(
            Step::UatSetup,
            &json,
            "testers[0].citizen_id",
            Code::InvalidChecksum,
        );
        let json = with(
            Step::PlatformRequest,
            "/requester/assignee/citizen_id",
            json!(id),
        );
        only_error(
            Step::PlatformRequest,
            &json,
            "requester.assignee.citizen_id",
            Code::InvalidChecksum,
        );
    }
    // The manual's screenshot also shows a 14-digit variant.
    let json = with(
        Step::UatSetup,
        "/testers/1/citizen_id",
        json!("11111111111111"),
    );
    only_error(
        Step::UatSetup,
        &json,
        "testers[1].citizen_id",
        Code::InvalidFormat,
    );
}

#[test]
fn citizen_ids_starting_with_0_or_9_are_refused() {
    // Valid check digits, wrong first digit.
    for id in ["0105536000315", "9100600123459"] {
        let json = with(Step::PreprodSetup, "/testers/0/citizen_id", json!(id));
        let r = report(Step::PreprodSetup, &json);
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].field, "testers[0].citizen_id");
        assert_ne!(r.errors[0].code, Code::Required);
    }
}

#[test]
fn the_manuals_eleven_digit_mobile_is_rejected_for_a_tester() {
    let json = with(Step::UatSetup, "/testers/0/phone", json!("08123456789"));
    only_error(
        Step::UatSetup,
        &json,
        "testers[0].phone",
        Code::InvalidFormat,
    );
    let json = with(
        Step::PlatformRequest,
        "/requester/assignee/mobile",
        json!("08123456789"),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "requester.assignee.mobile",
        Code::InvalidFormat,
    );
    // A landline is not a mobile.
    let json = with(Step::UatSetup, "/testers/1/phone", json!("021234567"));
    only_error(
        Step::UatSetup,
        &json,
        "testers[1].phone",
        Code::InvalidFormat,
    );
}

#[test]
fn office_phones_take_landlines_mobiles_and_extensions() {
    for phone in [
        "02-123-4567",
        "0812345678",
        "053 123 456 ext 12",
        "02 123 4567 #9",
    ] {
        ok(
            Step::PlatformRequest,
            &with(
                Step::PlatformRequest,
                "/requester/assignee/office_phone",
                json!(phone),
            ),
        );
    }
    for phone in ["12345", "02-123-4567 ต่อ", "0112345678"] {
        let json = with(
            Step::PlatformRequest,
            "/requester/assignee/office_phone",
            json!(phone),
        );
        only_error(
            Step::PlatformRequest,
            &json,
            "requester.assignee.office_phone",
            Code::InvalidFormat,
        );
    }
}

#[test]
fn e_mail_addresses_must_be_valid() {
    let json = with(
        Step::UatSetup,
        "/testers/0/email",
        json!("somchai.abc.co.th"),
    );
    only_error(
        Step::UatSetup,
        &json,
        "testers[0].email",
        Code::InvalidFormat,
    );
    let json = with(
        Step::PlatformRequest,
        "/requester/administrator/person/email",
        json!("a@b@c"),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "requester.administrator.person.email",
        Code::InvalidFormat,
    );
}

#[test]
fn free_e_mail_of_an_officer_warns_but_does_not_block() {
    let json = with(
        Step::PlatformRequest,
        "/requester/assignee/email",
        json!("Somchai@GMAIL.com"),
    );
    let v = ok(Step::PlatformRequest, &json);
    assert_eq!(
        pairs(&v.warnings),
        vec![("requester.assignee.email".to_owned(), Code::FreeEmailDomain)]
    );
    assert!(v.warnings[0].message_th.contains("gmail.com"));
    let json = with(
        Step::PlatformRequest,
        "/requester/problem_contact/person/email",
        json!("suda@hotmail.com"),
    );
    let v = ok(Step::PlatformRequest, &json);
    assert_eq!(
        v.warnings[0].field,
        "requester.problem_contact.person.email"
    );
}

#[test]
fn free_e_mail_of_testers_and_contact_centers_does_not_warn() {
    let json = with(Step::UatSetup, "/testers/0/email", json!("admin@gmail.com"));
    assert!(ok(Step::UatSetup, &json).warnings.is_empty());
    let json = with(
        Step::PlatformRequest,
        "/requester/problem_contact",
        json!({"type": "contact_center", "phone": "1111", "email": "navy.callcenter@outlook.com"}),
    );
    assert!(ok(Step::PlatformRequest, &json).warnings.is_empty());
}

#[test]
fn websites_must_be_https() {
    let json = with(
        Step::PlatformRequest,
        "/requester/agency/website",
        json!("http://www.navy.mi.th"),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "requester.agency.website",
        Code::InvalidFormat,
    );
    let json = with(
        Step::PlatformRequest,
        "/requester/agency/website",
        json!("https://user@navy.mi.th"),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "requester.agency.website",
        Code::InvalidFormat,
    );
    for absent in [json!(null), json!(""), json!("  ")] {
        ok(
            Step::PlatformRequest,
            &with(Step::PlatformRequest, "/requester/agency/website", absent),
        );
    }
}

#[test]
fn a_bare_website_host_is_taken_as_https() {
    let json = with(
        Step::PlatformRequest,
        "/requester/agency/website",
        json!(" www.navy.mi.th "),
    );
    let stored = ok(Step::PlatformRequest, &json).payload.to_json();
    assert_eq!(
        stored["requester"]["agency"]["website"],
        json!("https://www.navy.mi.th")
    );
    let json = with(
        Step::PlatformRequest,
        "/requester/agency/website",
        json!("www navy"),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "requester.agency.website",
        Code::InvalidFormat,
    );
}

#[test]
fn access_url_is_a_url_or_a_description_of_the_channels() {
    let described = "แอปพลิเคชันทางรัฐ เมนูสวัสดิการ และเว็บไซต์ welfare.navy.mi.th";
    for accepted in [json!("welfare.navy.mi.th"), json!(described)] {
        let json = with(
            Step::PlatformRequest,
            "/service/access_url",
            accepted.clone(),
        );
        let stored = ok(Step::PlatformRequest, &json).payload.to_json();
        assert_eq!(stored["service"]["access_url"], accepted);
    }
    // Text that starts like a URL must be one.
    for url_like in ["http://welfare.navy.mi.th", "HTTPS://", "https:/welfare"] {
        let json = with(
            Step::PlatformRequest,
            "/service/access_url",
            json!(url_like),
        );
        only_error(
            Step::PlatformRequest,
            &json,
            "service.access_url",
            Code::InvalidFormat,
        );
    }
    let json = with(Step::PlatformRequest, "/service/access_url", json!("แอป"));
    only_error(
        Step::PlatformRequest,
        &json,
        "service.access_url",
        Code::TooShort,
    );
    let json = with(Step::PlatformRequest, "/service/access_url", long(1_001));
    only_error(
        Step::PlatformRequest,
        &json,
        "service.access_url",
        Code::TooLong,
    );
}

#[test]
fn step4_oidc_needs_no_landing_page_but_steps_2_and_5_do() {
    let oidc = json!({
        "type": "oidc", "domain": "navy.mi.th",
        "login_callback_urls": ["https://welfare.navy.mi.th/auth/callback"],
        "logout_callback_urls": ["https://welfare.navy.mi.th/auth/logout"],
    });
    ok(
        Step::PlatformRequest,
        &with(
            Step::PlatformRequest,
            "/service/profile_access",
            oidc.clone(),
        ),
    );
    let json = with(Step::PreprodSetup, "/profile_access", oidc.clone());
    only_error(
        Step::PreprodSetup,
        &json,
        "profile_access.landing_page_url",
        Code::Required,
    );
    // Given, it must still be on the domain.
    let mut off_domain = oidc;
    off_domain["landing_page_url"] = json!("https://example.com/x");
    let json = with(Step::PlatformRequest, "/service/profile_access", off_domain);
    only_error(
        Step::PlatformRequest,
        &json,
        "service.profile_access.landing_page_url",
        Code::NotAllowed,
    );
}

#[test]
fn a_person_may_give_a_contact_phone() {
    let json = with(
        Step::PlatformRequest,
        "/requester/assignee/contact_phone",
        json!("02-475-4500 ต่อ 7"),
    );
    let stored = ok(Step::PlatformRequest, &json).payload.to_json();
    assert_eq!(
        stored["requester"]["assignee"]["contact_phone"],
        json!("024754500 ต่อ 7")
    );
    let json = with(
        Step::PlatformRequest,
        "/requester/assignee/contact_phone",
        json!("1234"),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "requester.assignee.contact_phone",
        Code::InvalidFormat,
    );
}

#[test]
fn other_personal_data_needs_its_description_in_step_1_only() {
    let mut json = onboard_core::samples::json(Step::Credential);
    set(
        &mut json,
        "/personal_data",
        json!({"required": true, "fields": ["first_name", "other"]}),
    );
    only_error(
        Step::Credential,
        &json,
        "personal_data.other_text",
        Code::Required,
    );
    set(
        &mut json,
        "/personal_data",
        json!({"required": true, "fields": ["other"], "other_text": "เลขที่ใบอนุญาตขับขี่"}),
    );
    let stored = ok(Step::Credential, &json).payload.to_json();
    assert_eq!(
        stored["personal_data"]["other_text"],
        json!("เลขที่ใบอนุญาตขับขี่")
    );
    set(
        &mut json,
        "/personal_data",
        json!({"required": true, "fields": ["email"], "other_text": "x"}),
    );
    only_error(
        Step::Credential,
        &json,
        "personal_data.other_text",
        Code::NotAllowed,
    );
    set(
        &mut json,
        "/personal_data",
        json!({"required": true, "fields": ["other"], "other_text": long(501)}),
    );
    only_error(
        Step::Credential,
        &json,
        "personal_data.other_text",
        Code::TooLong,
    );
    let json = with(
        Step::PlatformRequest,
        "/service/personal_data_fields",
        json!(["first_name", "other"]),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "service.personal_data_fields[1]",
        Code::NotAllowed,
    );
}

#[test]
fn a_buddhist_era_year_is_out_of_range_and_names_the_gregorian_year() {
    for (step, pointer, field) in [
        (
            Step::Credential,
            "/planned_launch_date",
            "planned_launch_date",
        ),
        (
            Step::PlatformRequest,
            "/service/intended_launch_date",
            "service.intended_launch_date",
        ),
        (Step::Launch, "/desired_date", "desired_date"),
    ] {
        let json = with(step, pointer, json!("2569-12-04"));
        only_error(step, &json, field, Code::OutOfRange);
        let issue = &report(step, &json).errors[0];
        assert!(
            issue.message_th.contains("พุทธศักราช") && issue.message_th.contains("2026-12-04"),
            "{}",
            issue.message_th
        );
        assert!(issue.message_en.contains("2026"), "{}", issue.message_en);
    }
}

#[test]
fn planned_dates_lie_within_two_years() {
    // today() is 2026-11-25: 2028-11-25 is the last day allowed.
    ok(
        Step::Launch,
        &with(Step::Launch, "/desired_date", json!("2028-11-25")),
    );
    for step_date in ["2028-11-26", "3112-12-05"] {
        let json = with(Step::Launch, "/desired_date", json!(step_date));
        only_error(Step::Launch, &json, "desired_date", Code::OutOfRange);
    }
    let json = with(
        Step::PlatformRequest,
        "/service/intended_launch_date",
        json!("2028-11-26"),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "service.intended_launch_date",
        Code::OutOfRange,
    );
}

#[test]
fn control_characters_are_refused_line_breaks_only_in_long_text() {
    // A NUL is malformed anywhere, even in a draft, so no backend stores it.
    let json = with(Step::Credential, "/short_description", json!("a\u{0}b"));
    assert!(matches!(
        validate(Step::Credential, &json, &ctx()),
        Err(PayloadError::Malformed(_))
    ));
    assert!(check_draft(Step::Credential, &json!({"full_description": "x\u{1b}[2J"})).is_err());
    // A line break is fine in a description, not in a name.
    let json = with(
        Step::Credential,
        "/full_description",
        json!("บรรทัดแรก\n\tบรรทัดสอง"),
    );
    ok(Step::Credential, &json);
    let json = with(
        Step::PlatformRequest,
        "/service/name",
        json!("ระบบ\nสวัสดิการ"),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "service.name",
        Code::InvalidFormat,
    );
    let issue = &report(Step::PlatformRequest, &json).errors[0];
    assert!(
        issue.message_th.contains("ขึ้นบรรทัดใหม่"),
        "{}",
        issue.message_th
    );
}

#[test]
fn uat_accepts_local_http_and_other_steps_do_not() {
    let local = json!({"type": "mtoken", "landing_page_url": "http://localhost:8080/landing"});
    ok(
        Step::UatSetup,
        &with(Step::UatSetup, "/profile_access", local.clone()),
    );
    let loopback = json!({"type": "mtoken", "landing_page_url": "http://127.0.0.1/landing"});
    ok(
        Step::UatSetup,
        &with(Step::UatSetup, "/profile_access", loopback),
    );
    let json = with(Step::PreprodSetup, "/profile_access", local.clone());
    only_error(
        Step::PreprodSetup,
        &json,
        "profile_access.landing_page_url",
        Code::InvalidFormat,
    );
    let json = with(Step::PlatformRequest, "/service/profile_access", local);
    only_error(
        Step::PlatformRequest,
        &json,
        "service.profile_access.landing_page_url",
        Code::InvalidFormat,
    );
    let remote = json!({"type": "mtoken", "landing_page_url": "http://uat.example.go.th/landing"});
    let json = with(Step::UatSetup, "/profile_access", remote);
    only_error(
        Step::UatSetup,
        &json,
        "profile_access.landing_page_url",
        Code::InvalidFormat,
    );
}

#[test]
fn postcodes_are_five_digits_of_a_province() {
    let at = "/requester/agency/address/postcode";
    let json = with(Step::PlatformRequest, at, json!("1020"));
    only_error(
        Step::PlatformRequest,
        &json,
        "requester.agency.address.postcode",
        Code::InvalidFormat,
    );
    let json = with(Step::PlatformRequest, at, json!("00100"));
    only_error(
        Step::PlatformRequest,
        &json,
        "requester.agency.address.postcode",
        Code::OutOfRange,
    );
    ok(
        Step::PlatformRequest,
        &with(Step::PlatformRequest, at, json!("96000")),
    );
}

#[test]
fn dates_must_be_iso() {
    for date in ["2027-3-2", "02/03/2027", "2570-02-30", "2027-02-30"] {
        let json = with(Step::Launch, "/desired_date", json!(date));
        only_error(Step::Launch, &json, "desired_date", Code::InvalidFormat);
    }
}

// ---------------------------------------------------------------------------------------
// Person and testers

#[test]
fn every_field_of_a_person_is_required() {
    for member in [
        "full_name",
        "citizen_id",
        "division",
        "position",
        "office_phone",
        "mobile",
        "email",
    ] {
        let json = without(
            Step::PlatformRequest,
            &format!("/requester/assignee/{member}"),
        );
        only_error(
            Step::PlatformRequest,
            &json,
            &format!("requester.assignee.{member}"),
            Code::Required,
        );
        let json = with(
            Step::PlatformRequest,
            &format!("/requester/administrator/person/{member}"),
            json!(" "),
        );
        only_error(
            Step::PlatformRequest,
            &json,
            &format!("requester.administrator.person.{member}"),
            Code::Required,
        );
    }
}

#[test]
fn a_person_name_is_at_most_200_characters() {
    let at = "/requester/assignee/full_name";
    ok(
        Step::PlatformRequest,
        &with(Step::PlatformRequest, at, long(200)),
    );
    let json = with(Step::PlatformRequest, at, long(201));
    only_error(
        Step::PlatformRequest,
        &json,
        "requester.assignee.full_name",
        Code::TooLong,
    );
    let r = report(Step::PlatformRequest, &json);
    assert!(r.errors[0].message_th.contains("200") && r.errors[0].message_en.contains("200"));
}

#[test]
fn every_field_of_a_tester_is_required() {
    for member in [
        "full_name",
        "organization",
        "email",
        "phone",
        "citizen_id",
        "os",
    ] {
        let json = without(Step::UatSetup, &format!("/testers/1/{member}"));
        only_error(
            Step::UatSetup,
            &json,
            &format!("testers[1].{member}"),
            Code::Required,
        );
    }
}

#[test]
fn a_tester_uses_ios_or_android() {
    for os in ["IOS", "windows", "Android"] {
        let json = with(Step::UatSetup, "/testers/0/os", json!(os));
        only_error(Step::UatSetup, &json, "testers[0].os", Code::NotAllowed);
    }
    let r = report(
        Step::UatSetup,
        &with(Step::UatSetup, "/testers/0/os", json!("IOS")),
    );
    // Thai readers see the labels of the form, English readers the JSON names too.
    assert!(
        r.errors[0]
            .message_th
            .contains("กรุณาเลือกจาก: \"iOS\", \"Android\""),
        "{}",
        r.errors[0].message_th
    );
    assert!(
        r.errors[0]
            .message_en
            .contains("ios (iOS), android (Android)"),
        "{}",
        r.errors[0].message_en
    );
    let r = report(
        Step::Credential,
        &with(
            Step::Credential,
            "/identity_verification",
            json!("passport"),
        ),
    );
    assert!(
        r.errors[0].message_th.contains("ยืนยันตัวตนด้วยบัตรประชาชน")
            && !r.errors[0].message_th.contains("id_card"),
        "{}",
        r.errors[0].message_th
    );
}

#[test]
fn testers_are_one_to_fifty() {
    for step in [Step::UatSetup, Step::PreprodSetup] {
        only_error(
            step,
            &with(step, "/testers", json!([])),
            "testers",
            Code::TooShort,
        );
        only_error(step, &without(step, "/testers"), "testers", Code::Required);
        only_error(
            step,
            &with(step, "/testers", json!(null)),
            "testers",
            Code::Required,
        );
    }
    let r = report(Step::UatSetup, &with(Step::UatSetup, "/testers", json!([])));
    assert_eq!(r.errors[0].message_th, "กรุณาเพิ่มผู้ทดสอบอย่างน้อย 1 คน");

    let tester = onboard_core::samples::json(Step::UatSetup)["testers"][0].clone();
    let many = |n: usize| -> Value {
        let ids = distinct_citizen_ids(n);
        Value::Array(
            ids.into_iter()
                .map(|id| {
                    let mut t = tester.clone();
                    t["citizen_id"] = json!(id);
                    t
                })
                .collect(),
        )
    };
    ok(Step::UatSetup, &with(Step::UatSetup, "/testers", many(50)));
    only_error(
        Step::UatSetup,
        &with(Step::UatSetup, "/testers", many(51)),
        "testers",
        Code::TooLong,
    );
}

/// `n` different valid citizen IDs.
fn distinct_citizen_ids(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let first12 = format!("1{:011}", 10_370_207_181u64 + i as u64);
            let sum: u32 = first12
                .bytes()
                .zip((2..=13u32).rev())
                .map(|(b, w)| u32::from(b - b'0') * w)
                .sum();
            format!("{first12}{}", (11 - sum % 11) % 10)
        })
        .collect()
}

#[test]
fn two_testers_may_not_share_a_citizen_id() {
    let json = with(
        Step::UatSetup,
        "/testers/1/citizen_id",
        json!("1-1037-02071-81-1"),
    );
    only_error(
        Step::UatSetup,
        &json,
        "testers[1].citizen_id",
        Code::Duplicate,
    );
    // Reported even when the other tester has errors of its own.
    let mut json = json;
    set(&mut json, "/testers/0/email", json!("nope"));
    let r = report(Step::UatSetup, &json);
    assert_eq!(
        pairs(&r.errors),
        vec![
            ("testers[0].email".to_owned(), Code::InvalidFormat),
            ("testers[1].citizen_id".to_owned(), Code::Duplicate)
        ]
    );
}

// ---------------------------------------------------------------------------------------
// Profile access

#[test]
fn profile_access_is_required_in_steps_two_and_five() {
    for step in [Step::UatSetup, Step::PreprodSetup] {
        let r = report(step, &without(step, "/profile_access"));
        assert_eq!(
            pairs(&r.errors),
            vec![
                ("profile_access.type".to_owned(), Code::Required),
                ("profile_access.landing_page_url".to_owned(), Code::Required)
            ]
        );
    }
}

#[test]
fn profile_access_type_is_mtoken_or_oidc() {
    let json = with(Step::PreprodSetup, "/profile_access/type", json!("saml"));
    only_error(
        Step::PreprodSetup,
        &json,
        "profile_access.type",
        Code::NotAllowed,
    );
}

#[test]
fn mtoken_needs_a_landing_page_only() {
    let json = without(Step::PreprodSetup, "/profile_access/landing_page_url");
    only_error(
        Step::PreprodSetup,
        &json,
        "profile_access.landing_page_url",
        Code::Required,
    );
    let json = with(
        Step::PreprodSetup,
        "/profile_access/domain",
        json!("m-society.go.th"),
    );
    only_error(
        Step::PreprodSetup,
        &json,
        "profile_access.domain",
        Code::NotAllowed,
    );
    let json = with(
        Step::PreprodSetup,
        "/profile_access/login_callback_urls",
        json!(["https://a.go.th/cb"]),
    );
    only_error(
        Step::PreprodSetup,
        &json,
        "profile_access.login_callback_urls",
        Code::NotAllowed,
    );
    // Empty leftovers of a form that switched kinds are fine.
    let mut json = with(Step::PreprodSetup, "/profile_access/domain", json!(""));
    set(&mut json, "/profile_access/logout_callback_urls", json!([]));
    ok(Step::PreprodSetup, &json);
}

#[test]
fn oidc_domain_is_a_host_name() {
    for domain in [
        "https://navy.mi.th",
        "navy.mi.th:443",
        "navy",
        "navy.mi.th/path",
    ] {
        let json = with(
            Step::PlatformRequest,
            "/service/profile_access/domain",
            json!(domain),
        );
        let r = report(Step::PlatformRequest, &json);
        assert_eq!(
            r.errors[0].field, "service.profile_access.domain",
            "{domain}"
        );
        assert_eq!(r.errors[0].code, Code::InvalidFormat, "{domain}");
    }
    let json = without(Step::PlatformRequest, "/service/profile_access/domain");
    only_error(
        Step::PlatformRequest,
        &json,
        "service.profile_access.domain",
        Code::Required,
    );
}

#[test]
fn oidc_landing_page_is_on_the_domain() {
    let at = "/service/profile_access/landing_page_url";
    let json = with(
        Step::PlatformRequest,
        at,
        json!("https://example.com/landing"),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "service.profile_access.landing_page_url",
        Code::NotAllowed,
    );
    let json = with(
        Step::PlatformRequest,
        at,
        json!("https://badnavy.mi.th/landing"),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "service.profile_access.landing_page_url",
        Code::NotAllowed,
    );
    ok(
        Step::PlatformRequest,
        &with(Step::PlatformRequest, at, json!("https://NAVY.mi.th/")),
    );
}

#[test]
fn oidc_callbacks_are_on_the_domain_without_fragment() {
    let at = "/service/profile_access/login_callback_urls/1";
    let field = "service.profile_access.login_callback_urls[1]";
    let json = with(Step::PlatformRequest, at, json!("https://evil.example/cb"));
    only_error(Step::PlatformRequest, &json, field, Code::NotAllowed);
    let r = report(Step::PlatformRequest, &json);
    assert!(
        r.errors[0].message_en.contains("navy.mi.th"),
        "{}",
        r.errors[0].message_en
    );
    let json = with(
        Step::PlatformRequest,
        at,
        json!("https://welfare.navy.mi.th/cb#done"),
    );
    only_error(Step::PlatformRequest, &json, field, Code::InvalidFormat);
    let json = with(
        Step::PlatformRequest,
        at,
        json!("http://welfare.navy.mi.th/cb"),
    );
    only_error(Step::PlatformRequest, &json, field, Code::InvalidFormat);
    let at = "/service/profile_access/logout_callback_urls/0";
    let json = with(
        Step::PlatformRequest,
        at,
        json!("https://navy.mi.th.evil.example/out"),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "service.profile_access.logout_callback_urls[0]",
        Code::NotAllowed,
    );
}

#[test]
fn oidc_callbacks_are_one_to_twenty_without_duplicates() {
    let at = "/service/profile_access/login_callback_urls";
    let field = "service.profile_access.login_callback_urls";
    only_error(
        Step::PlatformRequest,
        &with(Step::PlatformRequest, at, json!([])),
        field,
        Code::TooShort,
    );
    only_error(
        Step::PlatformRequest,
        &without(Step::PlatformRequest, at),
        field,
        Code::Required,
    );
    let urls = |n: usize| -> Value {
        (0..n)
            .map(|i| json!(format!("https://navy.mi.th/cb/{i}")))
            .collect::<Vec<_>>()
            .into()
    };
    ok(
        Step::PlatformRequest,
        &with(Step::PlatformRequest, at, urls(20)),
    );
    only_error(
        Step::PlatformRequest,
        &with(Step::PlatformRequest, at, urls(21)),
        field,
        Code::TooLong,
    );
    let json = with(
        Step::PlatformRequest,
        at,
        json!([
            "https://navy.mi.th/cb",
            "https://welfare.navy.mi.th/cb",
            "https://NAVY.mi.th/cb"
        ]),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        &format!("{field}[2]"),
        Code::Duplicate,
    );
    let json = without(
        Step::PlatformRequest,
        "/service/profile_access/logout_callback_urls",
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "service.profile_access.logout_callback_urls",
        Code::Required,
    );
}

#[test]
fn uat_oidc_callbacks_may_not_leave_the_domain_even_on_localhost() {
    let json = with(
        Step::UatSetup,
        "/profile_access/login_callback_urls/0",
        json!("http://localhost:3000/cb"),
    );
    only_error(
        Step::UatSetup,
        &json,
        "profile_access.login_callback_urls[0]",
        Code::NotAllowed,
    );
}

// ---------------------------------------------------------------------------------------
// Step 1

#[test]
fn step1_category_is_one_of_the_configured_ones() {
    let json = with(Step::Credential, "/category", json!("lottery"));
    only_error(Step::Credential, &json, "category", Code::NotAllowed);
    only_error(
        Step::Credential,
        &without(Step::Credential, "/category"),
        "category",
        Code::Required,
    );
    for category in Category::ALL {
        ok(
            Step::Credential,
            &with(Step::Credential, "/category", json!(category.as_str())),
        );
    }
}

#[test]
fn step1_short_description_is_at_most_140_characters() {
    ok(
        Step::Credential,
        &with(Step::Credential, "/short_description", long(140)),
    );
    ok(
        Step::Credential,
        &with(
            Step::Credential,
            "/short_description",
            json!(format!("  {}  ", "ก".repeat(140))),
        ),
    );
    let json = with(Step::Credential, "/short_description", long(141));
    only_error(Step::Credential, &json, "short_description", Code::TooLong);
    let json = with(Step::Credential, "/short_description", json!(" \t"));
    only_error(Step::Credential, &json, "short_description", Code::Required);
}

#[test]
fn step1_full_description_is_required_and_bounded() {
    only_error(
        Step::Credential,
        &without(Step::Credential, "/full_description"),
        "full_description",
        Code::Required,
    );
    ok(
        Step::Credential,
        &with(Step::Credential, "/full_description", long(100_000)),
    );
    let json = with(Step::Credential, "/full_description", long(100_001));
    only_error(Step::Credential, &json, "full_description", Code::TooLong);
}

#[test]
fn step1_icon_concept_comes_with_the_icon() {
    let json = with(Step::Credential, "/icon_concept", json!(null));
    only_error(Step::Credential, &json, "icon_concept", Code::Required);
    ok(
        Step::Credential,
        &with(Step::Credential, "/icon_concept", json!("-")),
    );
    let json = with(Step::Credential, "/icon_file_id", json!(null));
    only_error(Step::Credential, &json, "icon_concept", Code::NotAllowed);
    let mut json = json;
    set(&mut json, "/icon_concept", json!(null));
    let v = ok(Step::Credential, &json);
    assert_eq!(v.payload.to_json()["icon_file_id"], Value::Null);
}

#[test]
fn step1_icon_is_a_png_or_jpeg_upload() {
    let files = catalog();
    let server = Context {
        today: today(),
        launch_deadline: deadline(),
        files: &files,
    };
    let cases = [
        ("file-nowhere", Code::FileMissing),
        ("file-letter-1", Code::FileType),
        ("file-icon-huge", Code::FileTooLarge),
    ];
    for (id, code) in cases {
        let json = with(Step::Credential, "/icon_file_id", json!(id));
        only_error_with(Step::Credential, &json, &server, "icon_file_id", code);
        // Offline, only presence is checked.
        ok(Step::Credential, &json);
    }
}

#[test]
fn icons_that_are_not_120_by_120_warn() {
    let files = catalog();
    let server = Context {
        today: today(),
        launch_deadline: deadline(),
        files: &files,
    };
    for step in [Step::Credential, Step::PreprodSetup] {
        let v = ok_with(
            step,
            &with(step, "/icon_file_id", json!("file-icon-64")),
            &server,
        );
        assert_eq!(
            pairs(&v.warnings),
            vec![("icon_file_id".to_owned(), Code::IconSizeNotRecommended)]
        );
        assert!(v.warnings[0].message_en.contains("64x64"));
        let v = ok_with(
            step,
            &with(step, "/icon_file_id", json!("file-icon-unknown-size")),
            &server,
        );
        assert!(v.warnings.is_empty());
    }
}

#[test]
fn step1_planned_launch_date_is_between_today_and_the_deadline() {
    ok(
        Step::Credential,
        &with(
            Step::Credential,
            "/planned_launch_date",
            json!("2026-11-25"),
        ),
    );
    ok(
        Step::Credential,
        &with(
            Step::Credential,
            "/planned_launch_date",
            json!("2027-09-30"),
        ),
    );
    let json = with(
        Step::Credential,
        "/planned_launch_date",
        json!("2026-11-24"),
    );
    only_error(
        Step::Credential,
        &json,
        "planned_launch_date",
        Code::OutOfRange,
    );
    let json = with(
        Step::Credential,
        "/planned_launch_date",
        json!("2027-10-01"),
    );
    only_error(
        Step::Credential,
        &json,
        "planned_launch_date",
        Code::OutOfRange,
    );
    let r = report(Step::Credential, &json);
    assert!(
        r.errors[0].message_th.contains("30 ก.ย. 2570"),
        "{}",
        r.errors[0].message_th
    );
    assert!(
        r.errors[0].message_en.contains("2027-09-30"),
        "{}",
        r.errors[0].message_en
    );
    let json = without(Step::Credential, "/planned_launch_date");
    only_error(
        Step::Credential,
        &json,
        "planned_launch_date",
        Code::Required,
    );
}

#[test]
fn step1_personal_data_fields_follow_the_required_answer() {
    let json = with(Step::Credential, "/personal_data/fields", json!([]));
    only_error(
        Step::Credential,
        &json,
        "personal_data.fields",
        Code::TooShort,
    );
    let json = with(Step::Credential, "/personal_data/required", json!(false));
    only_error(
        Step::Credential,
        &json,
        "personal_data.fields",
        Code::NotAllowed,
    );
    let mut json = json;
    set(&mut json, "/personal_data/fields", json!([]));
    ok(Step::Credential, &json);
    let json = with(
        Step::Credential,
        "/personal_data",
        json!({"required": false}),
    );
    ok(Step::Credential, &json);
    let json = with(
        Step::Credential,
        "/personal_data",
        json!({"required": true}),
    );
    only_error(
        Step::Credential,
        &json,
        "personal_data.fields",
        Code::Required,
    );
    let json = with(
        Step::Credential,
        "/personal_data",
        json!({"fields": ["email"]}),
    );
    only_error(
        Step::Credential,
        &json,
        "personal_data.required",
        Code::Required,
    );
    let json = with(
        Step::Credential,
        "/personal_data/fields",
        json!(["email", "blood_type"]),
    );
    only_error(
        Step::Credential,
        &json,
        "personal_data.fields[1]",
        Code::NotAllowed,
    );
    let json = with(
        Step::Credential,
        "/personal_data/fields",
        json!(["email", "mobile", "email"]),
    );
    only_error(
        Step::Credential,
        &json,
        "personal_data.fields[2]",
        Code::Duplicate,
    );
    let all = json!([
        "citizen_id",
        "first_name",
        "last_name",
        "birth_date",
        "mobile",
        "email"
    ]);
    ok(
        Step::Credential,
        &with(Step::Credential, "/personal_data/fields", all),
    );
}

#[test]
fn step1_identity_verification_and_notifications_are_required() {
    let json = with(Step::Credential, "/identity_verification", json!("none"));
    only_error(
        Step::Credential,
        &json,
        "identity_verification",
        Code::NotAllowed,
    );
    ok(
        Step::Credential,
        &with(
            Step::Credential,
            "/identity_verification",
            json!("id_card_face"),
        ),
    );
    let json = without(Step::Credential, "/identity_verification");
    only_error(
        Step::Credential,
        &json,
        "identity_verification",
        Code::Required,
    );
    let json = without(Step::Credential, "/notifications");
    only_error(Step::Credential, &json, "notifications", Code::Required);
    ok(
        Step::Credential,
        &with(Step::Credential, "/notifications", json!(false)),
    );
}

#[test]
fn step1_device_access_is_a_set_of_known_devices() {
    let all = json!(["gps", "camera", "microphone", "save_files"]);
    ok(
        Step::Credential,
        &with(Step::Credential, "/device_access", all),
    );
    ok(
        Step::Credential,
        &without(Step::Credential, "/device_access"),
    );
    let json = with(
        Step::Credential,
        "/device_access",
        json!(["gps", "bluetooth"]),
    );
    only_error(
        Step::Credential,
        &json,
        "device_access[1]",
        Code::NotAllowed,
    );
    let json = with(
        Step::Credential,
        "/device_access",
        json!(["gps", "camera", "gps"]),
    );
    only_error(Step::Credential, &json, "device_access[2]", Code::Duplicate);
}

// ---------------------------------------------------------------------------------------
// Steps 3 and 6

#[test]
fn attempts_need_details_and_a_test_result_file() {
    let attempt = onboard_core::samples::json(onboard_core::reference::Step::UatTest);
    let input = validate_attempt(&attempt, &ctx()).unwrap();
    assert_eq!(input.file_id, "file-result-1");
    let invalid = |json: Value, c: &Context| match validate_attempt(&json, c) {
        Err(PayloadError::Invalid(r)) => pairs(&r.errors),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        invalid(fixture("attempt-invalid.json"), &ctx()),
        vec![
            ("details".to_owned(), Code::Required),
            ("file_id".to_owned(), Code::Required)
        ]
    );
    let mut json = attempt.clone();
    json["details"] = long(5_001);
    assert_eq!(
        invalid(json, &ctx()),
        vec![("details".to_owned(), Code::TooLong)]
    );
    json = attempt.clone();
    json["details"] = long(5_000);
    validate_attempt(&json, &ctx()).unwrap();

    let files = catalog();
    let server = Context {
        today: today(),
        launch_deadline: deadline(),
        files: &files,
    };
    validate_attempt(
        &json!({"details": "ok", "file_id": "file-result-csv"}),
        &server,
    )
    .unwrap();
    let cases = [
        ("file-icon-1", Code::FileType),
        ("file-nowhere", Code::FileMissing),
    ];
    for (id, code) in cases {
        let json = json!({"details": "ok", "file_id": id});
        assert_eq!(invalid(json, &server), vec![("file_id".to_owned(), code)]);
    }
    assert!(matches!(
        validate_attempt(
            &json!({"details": "ok", "file_id": "f", "passed": true}),
            &ctx()
        ),
        Err(PayloadError::Malformed(_))
    ));
}

// ---------------------------------------------------------------------------------------
// Step 4

#[test]
fn step4_agency_names_are_required_as_the_manual_shows() {
    // The manual's screenshot: the English name left empty, "Too small: expected string to
    // have >=1 characters".
    for member in [
        "name_th",
        "name_en",
        "abbr_th",
        "abbr_en",
        "parent_th",
        "parent_en",
    ] {
        let json = with(
            Step::PlatformRequest,
            &format!("/requester/agency/{member}"),
            json!(""),
        );
        only_error(
            Step::PlatformRequest,
            &json,
            &format!("requester.agency.{member}"),
            Code::Required,
        );
    }
    let json = with(Step::PlatformRequest, "/requester/agency/abbr_en", long(51));
    only_error(
        Step::PlatformRequest,
        &json,
        "requester.agency.abbr_en",
        Code::TooLong,
    );
}

#[test]
fn step4_address_needs_number_subdistrict_district_province_postcode() {
    for member in ["number", "subdistrict", "district", "province", "postcode"] {
        let json = without(
            Step::PlatformRequest,
            &format!("/requester/agency/address/{member}"),
        );
        only_error(
            Step::PlatformRequest,
            &json,
            &format!("requester.agency.address.{member}"),
            Code::Required,
        );
    }
    for member in ["moo", "soi", "road"] {
        ok(
            Step::PlatformRequest,
            &without(
                Step::PlatformRequest,
                &format!("/requester/agency/address/{member}"),
            ),
        );
    }
}

#[test]
fn step4_agency_type_other_is_required_exactly_for_other() {
    let json = with(
        Step::PlatformRequest,
        "/requester/agency/agency_type_other",
        json!(" "),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "requester.agency.agency_type_other",
        Code::Required,
    );
    let json = with(
        Step::PlatformRequest,
        "/requester/agency/agency_type",
        json!("central"),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "requester.agency.agency_type_other",
        Code::NotAllowed,
    );
    let mut json = json;
    set(
        &mut json,
        "/requester/agency/agency_type_other",
        json!(null),
    );
    ok(Step::PlatformRequest, &json);
    for t in [
        "regional_local",
        "parliament_court_independent",
        "state_enterprise_public_org_university",
        "independent_state_agency",
    ] {
        set(&mut json, "/requester/agency/agency_type", json!(t));
        ok(Step::PlatformRequest, &json);
    }
    let json = with(
        Step::PlatformRequest,
        "/requester/agency/agency_type",
        json!("military"),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "requester.agency.agency_type",
        Code::NotAllowed,
    );
}

#[test]
fn step4_administrator_is_the_assignee_or_a_full_person() {
    let at = "/requester/administrator";
    ok(
        Step::PlatformRequest,
        &with(
            Step::PlatformRequest,
            at,
            json!({"same_as_assignee": true, "person": null}),
        ),
    );
    let mut json = onboard_core::samples::json(Step::PlatformRequest);
    let person = json["requester"]["administrator"]["person"].clone();
    set(
        &mut json,
        at,
        json!({"same_as_assignee": true, "person": person}),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "requester.administrator.person",
        Code::NotAllowed,
    );
    let json = with(
        Step::PlatformRequest,
        at,
        json!({"same_as_assignee": false, "person": null}),
    );
    let r = report(Step::PlatformRequest, &json);
    assert_eq!(r.errors.len(), 7);
    assert!(r.errors.iter().all(
        |e| e.field.starts_with("requester.administrator.person.") && e.code == Code::Required
    ));
    let json = with(Step::PlatformRequest, at, json!({"person": null}));
    only_error(
        Step::PlatformRequest,
        &json,
        "requester.administrator.same_as_assignee",
        Code::Required,
    );
}

#[test]
fn step4_assignment_letter_is_a_pdf_png_or_jpeg() {
    let at = "/requester/assignment_letter_file_id";
    let field = "requester.assignment_letter_file_id";
    only_error(
        Step::PlatformRequest,
        &without(Step::PlatformRequest, at),
        field,
        Code::Required,
    );
    let files = catalog();
    let server = Context {
        today: today(),
        launch_deadline: deadline(),
        files: &files,
    };
    ok_with(
        Step::PlatformRequest,
        &with(Step::PlatformRequest, at, json!("file-icon-1")),
        &server,
    );
    for (id, code) in [
        ("file-result-1", Code::FileType),
        ("file-letter-huge", Code::FileTooLarge),
        ("x", Code::FileMissing),
    ] {
        only_error_with(
            Step::PlatformRequest,
            &with(Step::PlatformRequest, at, json!(id)),
            &server,
            field,
            code,
        );
    }
}

#[test]
fn step4_problem_contact_is_a_contact_center_or_a_coordinator() {
    let at = "/requester/problem_contact";
    let field = "requester.problem_contact";
    for phone in ["1111", "1548", "02-123-4567", "081 234 5678"] {
        let center = json!({"type": "contact_center", "phone": phone, "email": "cc@navy.mi.th"});
        ok(
            Step::PlatformRequest,
            &with(Step::PlatformRequest, at, center),
        );
    }
    let center = json!({"type": "contact_center", "phone": "11", "email": "cc@navy.mi.th"});
    only_error(
        Step::PlatformRequest,
        &with(Step::PlatformRequest, at, center),
        &format!("{field}.phone"),
        Code::InvalidFormat,
    );
    let center = json!({"type": "contact_center", "phone": "1111"});
    only_error(
        Step::PlatformRequest,
        &with(Step::PlatformRequest, at, center),
        &format!("{field}.email"),
        Code::Required,
    );
    let center = json!({"type": "contact_center", "phone": "1111", "email": "cc@navy.mi.th", "coordinator": "other"});
    only_error(
        Step::PlatformRequest,
        &with(Step::PlatformRequest, at, center),
        &format!("{field}.coordinator"),
        Code::NotAllowed,
    );

    for who in ["same_as_assignee", "same_as_administrator"] {
        ok(
            Step::PlatformRequest,
            &with(
                Step::PlatformRequest,
                at,
                json!({"type": "coordinator", "coordinator": who}),
            ),
        );
        let json = with(
            Step::PlatformRequest,
            &format!("{at}/coordinator"),
            json!(who),
        );
        only_error(
            Step::PlatformRequest,
            &json,
            &format!("{field}.person"),
            Code::NotAllowed,
        );
    }
    let other = json!({"type": "coordinator", "coordinator": "other", "person": null});
    let r = report(
        Step::PlatformRequest,
        &with(Step::PlatformRequest, at, other),
    );
    assert_eq!(r.errors.len(), 7);
    assert_eq!(
        r.errors[0].field,
        "requester.problem_contact.person.full_name"
    );
    let json = with(Step::PlatformRequest, &format!("{at}/phone"), json!("1111"));
    only_error(
        Step::PlatformRequest,
        &json,
        &format!("{field}.phone"),
        Code::NotAllowed,
    );
    let json = with(
        Step::PlatformRequest,
        &format!("{at}/coordinator"),
        json!("nobody"),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        &format!("{field}.coordinator"),
        Code::NotAllowed,
    );
    let json = with(Step::PlatformRequest, &format!("{at}/type"), json!("email"));
    only_error(
        Step::PlatformRequest,
        &json,
        &format!("{field}.type"),
        Code::NotAllowed,
    );
    let json = without(Step::PlatformRequest, at);
    only_error(
        Step::PlatformRequest,
        &json,
        &format!("{field}.type"),
        Code::Required,
    );
}

#[test]
fn step4_juristic_data_is_not_for_individuals() {
    let json = with(
        Step::PlatformRequest,
        "/service/target_group",
        json!("individual"),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "service.juristic_data_fields",
        Code::NotAllowed,
    );
    let mut json = json;
    set(&mut json, "/service/juristic_data_fields", json!([]));
    ok(Step::PlatformRequest, &json);
    set(&mut json, "/service/target_group", json!("juristic"));
    ok(Step::PlatformRequest, &json);
    let json = with(
        Step::PlatformRequest,
        "/service/target_group",
        json!("everyone"),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "service.target_group",
        Code::NotAllowed,
    );
    let json = with(
        Step::PlatformRequest,
        "/service/juristic_data_fields",
        json!(["juristic_id", "tax_id"]),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "service.juristic_data_fields[1]",
        Code::NotAllowed,
    );
    let json = with(
        Step::PlatformRequest,
        "/service/juristic_data_fields",
        json!(["juristic_id", "juristic_id"]),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "service.juristic_data_fields[1]",
        Code::Duplicate,
    );
}

#[test]
fn step4_identity_level_none_only_without_personal_data() {
    let json = with(
        Step::PlatformRequest,
        "/service/identity_level",
        json!("none"),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "service.identity_level",
        Code::NotAllowed,
    );
    let mut json = json;
    set(&mut json, "/service/personal_data_fields", json!([]));
    ok(Step::PlatformRequest, &json);
    set(&mut json, "/service/identity_level", json!("id_card"));
    ok(Step::PlatformRequest, &json);
    let json = with(
        Step::PlatformRequest,
        "/service/identity_level",
        json!("passport"),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "service.identity_level",
        Code::NotAllowed,
    );
    let json = with(
        Step::PlatformRequest,
        "/service/personal_data_fields",
        json!(["first_name", "nickname"]),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "service.personal_data_fields[1]",
        Code::NotAllowed,
    );
}

#[test]
fn step4_device_access_excludes_saving_files() {
    let json = with(
        Step::PlatformRequest,
        "/service/device_access",
        json!(["save_files", "gps"]),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "service.device_access[0]",
        Code::NotAllowed,
    );
    let json = with(
        Step::PlatformRequest,
        "/service/device_access",
        json!(["gps", "gps"]),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "service.device_access[1]",
        Code::Duplicate,
    );
    ok(
        Step::PlatformRequest,
        &with(Step::PlatformRequest, "/service/device_access", json!([])),
    );
}

#[test]
fn step4_feature_answers_are_required_booleans() {
    for member in ["download_feature", "notifications", "smart_tracking"] {
        let json = with(
            Step::PlatformRequest,
            &format!("/service/{member}"),
            json!(null),
        );
        only_error(
            Step::PlatformRequest,
            &json,
            &format!("service.{member}"),
            Code::Required,
        );
    }
}

#[test]
fn step4_service_texts_and_dates() {
    let json = with(
        Step::PlatformRequest,
        "/service/intended_launch_date",
        json!("2026-11-24"),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "service.intended_launch_date",
        Code::OutOfRange,
    );
    // Unlike step 1, no fiscal-year deadline here.
    ok(
        Step::PlatformRequest,
        &with(
            Step::PlatformRequest,
            "/service/intended_launch_date",
            json!("2028-06-01"),
        ),
    );
    ok(
        Step::PlatformRequest,
        &with(
            Step::PlatformRequest,
            "/service/intended_launch_date",
            json!("2026-11-25"),
        ),
    );
    for member in [
        "name",
        "description",
        "access_url",
        "target_group",
        "identity_level",
    ] {
        let json = without(Step::PlatformRequest, &format!("/service/{member}"));
        only_error(
            Step::PlatformRequest,
            &json,
            &format!("service.{member}"),
            Code::Required,
        );
    }
    let json = with(Step::PlatformRequest, "/service/name", long(201));
    only_error(Step::PlatformRequest, &json, "service.name", Code::TooLong);
    let json = with(Step::PlatformRequest, "/service/description", long(10_001));
    only_error(
        Step::PlatformRequest,
        &json,
        "service.description",
        Code::TooLong,
    );
}

#[test]
fn step4_all_three_consents_must_be_given() {
    for member in ["data_access", "accuracy", "terms_and_privacy"] {
        let json = with(
            Step::PlatformRequest,
            &format!("/consents/{member}"),
            json!(false),
        );
        only_error(
            Step::PlatformRequest,
            &json,
            &format!("consents.{member}"),
            Code::NotAllowed,
        );
        let json = without(Step::PlatformRequest, &format!("/consents/{member}"));
        only_error(
            Step::PlatformRequest,
            &json,
            &format!("consents.{member}"),
            Code::Required,
        );
    }
}

#[test]
fn step4_empty_form_reports_every_required_leaf() {
    let r = report(Step::PlatformRequest, &json!({}));
    assert!(
        r.errors.iter().all(|e| e.code == Code::Required),
        "{:#?}",
        r.errors
    );
    let fields: Vec<&str> = r.errors.iter().map(|e| e.field.as_str()).collect();
    for field in [
        "requester.agency.name_th",
        "requester.agency.address.postcode",
        "requester.assignee.email",
        "requester.administrator.same_as_assignee",
        "requester.assignment_letter_file_id",
        "requester.problem_contact.type",
        "service.target_group",
        "service.profile_access.type",
        "consents.terms_and_privacy",
    ] {
        assert!(fields.contains(&field), "{field} missing from {fields:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Step 5

#[test]
fn step5_category_is_final() {
    let json = with(Step::PreprodSetup, "/category", json!("in_development"));
    only_error(Step::PreprodSetup, &json, "category", Code::NotAllowed);
    let r = report(Step::PreprodSetup, &json);
    assert!(r.errors[0].message_th.contains("หมวดหมู่"));
    only_error(
        Step::PreprodSetup,
        &without(Step::PreprodSetup, "/category"),
        "category",
        Code::Required,
    );
    let json = with(Step::PreprodSetup, "/category", json!("sports"));
    only_error(Step::PreprodSetup, &json, "category", Code::NotAllowed);
}

#[test]
fn step5_icon_is_required() {
    only_error(
        Step::PreprodSetup,
        &without(Step::PreprodSetup, "/icon_file_id"),
        "icon_file_id",
        Code::Required,
    );
    let files = catalog();
    let server = Context {
        today: today(),
        launch_deadline: deadline(),
        files: &files,
    };
    let json = with(Step::PreprodSetup, "/icon_file_id", json!("file-letter-1"));
    only_error_with(
        Step::PreprodSetup,
        &json,
        &server,
        "icon_file_id",
        Code::FileType,
    );
}

#[test]
fn step5_screenshots_are_one_to_ten_distinct_images() {
    let at = "/screenshot_file_ids";
    only_error(
        Step::PreprodSetup,
        &with(Step::PreprodSetup, at, json!([])),
        "screenshot_file_ids",
        Code::TooShort,
    );
    only_error(
        Step::PreprodSetup,
        &without(Step::PreprodSetup, at),
        "screenshot_file_ids",
        Code::Required,
    );
    let ids = |n: usize| -> Value {
        (0..n)
            .map(|i| json!(format!("shot-{i}")))
            .collect::<Vec<_>>()
            .into()
    };
    ok(Step::PreprodSetup, &with(Step::PreprodSetup, at, ids(10)));
    only_error(
        Step::PreprodSetup,
        &with(Step::PreprodSetup, at, ids(11)),
        "screenshot_file_ids",
        Code::TooLong,
    );
    let json = with(
        Step::PreprodSetup,
        at,
        json!(["file-shot-1", "file-shot-2", " file-shot-1 "]),
    );
    only_error(
        Step::PreprodSetup,
        &json,
        "screenshot_file_ids[2]",
        Code::Duplicate,
    );
    let json = with(Step::PreprodSetup, at, json!(["file-shot-1", ""]));
    only_error(
        Step::PreprodSetup,
        &json,
        "screenshot_file_ids[1]",
        Code::Required,
    );
    let files = catalog();
    let server = Context {
        today: today(),
        launch_deadline: deadline(),
        files: &files,
    };
    let json = with(
        Step::PreprodSetup,
        at,
        json!(["file-shot-1", "file-letter-1"]),
    );
    only_error_with(
        Step::PreprodSetup,
        &json,
        &server,
        "screenshot_file_ids[1]",
        Code::FileType,
    );
}

// ---------------------------------------------------------------------------------------
// Step 7

#[test]
fn step7_desired_date_is_not_in_the_past() {
    ok(
        Step::Launch,
        &with(Step::Launch, "/desired_date", json!("2026-11-25")),
    );
    // Beyond the fiscal year is fine at step 7.
    ok(
        Step::Launch,
        &with(Step::Launch, "/desired_date", json!("2028-01-04")),
    );
    only_error(
        Step::Launch,
        &fixture("step7-invalid.json"),
        "desired_date",
        Code::OutOfRange,
    );
    only_error(
        Step::Launch,
        &without(Step::Launch, "/desired_date"),
        "desired_date",
        Code::Required,
    );
}

#[test]
fn step7_note_is_optional_and_at_most_1000_characters() {
    ok(Step::Launch, &without(Step::Launch, "/note"));
    ok(Step::Launch, &with(Step::Launch, "/note", long(1_000)));
    only_error(
        Step::Launch,
        &with(Step::Launch, "/note", long(1_001)),
        "note",
        Code::TooLong,
    );
    let v = ok(Step::Launch, &with(Step::Launch, "/note", json!("   ")));
    assert_eq!(v.payload.to_json()["note"], Value::Null);
}

// ---------------------------------------------------------------------------------------
// Services and referenced files

#[test]
fn services_are_listed_once_each() {
    let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        validate_services(&names(&[" ขอรับเงินอุดหนุน "])).unwrap(),
        ["ขอรับเงินอุดหนุน"]
    );
    let codes = |v: &[String]| pairs(&validate_services(v).unwrap_err().errors);
    assert_eq!(codes(&[]), vec![("services".to_owned(), Code::TooShort)]);
    assert_eq!(
        codes(&names(&["ก", " "])),
        vec![("services[1]".to_owned(), Code::Required)]
    );
    assert_eq!(
        codes(&names(&["Tax Refund", "ขอใบอนุญาต", " tax refund "])),
        vec![("services[2]".to_owned(), Code::Duplicate)]
    );
    assert_eq!(
        codes(&["ก".repeat(201)]),
        vec![("services[0]".to_owned(), Code::TooLong)]
    );
    let hundred: Vec<String> = (0..100).map(|i| format!("งาน {i}")).collect();
    assert_eq!(validate_services(&hundred).unwrap().len(), 100);
    let more: Vec<String> = (0..101).map(|i| format!("งาน {i}")).collect();
    assert_eq!(codes(&more), vec![("services".to_owned(), Code::TooLong)]);
}

#[test]
fn referenced_files_are_found_even_in_drafts() {
    assert_eq!(
        referenced_files(
            Step::Credential,
            &onboard_core::samples::json(Step::Credential)
        ),
        ["file-icon-1"]
    );
    assert_eq!(
        referenced_files(
            Step::PreprodSetup,
            &onboard_core::samples::json(Step::PreprodSetup)
        ),
        ["file-icon-1", "file-shot-1", "file-shot-2", "file-shot-3"]
    );
    assert_eq!(
        referenced_files(
            Step::PlatformRequest,
            &onboard_core::samples::json(Step::PlatformRequest)
        ),
        ["file-letter-1"]
    );
    assert_eq!(
        referenced_files(
            Step::UatTest,
            &onboard_core::samples::json(onboard_core::reference::Step::UatTest)
        ),
        ["file-result-1"]
    );
    assert!(
        referenced_files(Step::UatSetup, &onboard_core::samples::json(Step::UatSetup)).is_empty()
    );
    assert!(referenced_files(Step::Launch, &onboard_core::samples::json(Step::Launch)).is_empty());
    let messy =
        json!({"icon_file_id": " i ", "screenshot_file_ids": ["i", 3, "", "s"], "extra": true});
    assert_eq!(referenced_files(Step::PreprodSetup, &messy), ["i", "s"]);
    assert!(referenced_files(Step::Credential, &json!([1, 2])).is_empty());
}

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
