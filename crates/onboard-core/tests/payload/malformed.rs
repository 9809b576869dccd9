//! Malformed payloads and steps without a form.

use super::*;

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
