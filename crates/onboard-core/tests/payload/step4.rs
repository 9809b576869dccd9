//! Step 4.

use super::*;

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
    let server = server();
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
    each_only_error(
        Step::PlatformRequest,
        &[
            (
                "/service/target_group",
                json!("everyone"),
                "service.target_group",
                Code::NotAllowed,
            ),
            (
                "/service/juristic_data_fields",
                json!(["juristic_id", "tax_id"]),
                "service.juristic_data_fields[1]",
                Code::NotAllowed,
            ),
            (
                "/service/juristic_data_fields",
                json!(["juristic_id", "juristic_id"]),
                "service.juristic_data_fields[1]",
                Code::Duplicate,
            ),
        ],
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
    each_only_error(
        Step::PlatformRequest,
        &[
            (
                "/service/identity_level",
                json!("passport"),
                "service.identity_level",
                Code::NotAllowed,
            ),
            (
                "/service/personal_data_fields",
                json!(["first_name", "nickname"]),
                "service.personal_data_fields[1]",
                Code::NotAllowed,
            ),
        ],
    );
}

#[test]
fn step4_device_access_excludes_saving_files() {
    each_only_error(
        Step::PlatformRequest,
        &[
            (
                "/service/device_access",
                json!(["save_files", "gps"]),
                "service.device_access[0]",
                Code::NotAllowed,
            ),
            (
                "/service/device_access",
                json!(["gps", "gps"]),
                "service.device_access[1]",
                Code::Duplicate,
            ),
        ],
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
