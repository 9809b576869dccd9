//! Normalized submissions.

use super::*;

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
