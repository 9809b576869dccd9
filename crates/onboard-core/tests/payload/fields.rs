//! Shared field rules.

use super::*;

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
