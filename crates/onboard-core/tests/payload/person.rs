//! Person and testers.

use super::*;

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
