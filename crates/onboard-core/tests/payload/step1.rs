//! Step 1.

use super::*;

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
    let server = server();
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
    let server = server();
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
    each_only_error(
        Step::Credential,
        &[
            (
                "/device_access",
                json!(["gps", "bluetooth"]),
                "device_access[1]",
                Code::NotAllowed,
            ),
            (
                "/device_access",
                json!(["gps", "camera", "gps"]),
                "device_access[2]",
                Code::Duplicate,
            ),
        ],
    );
}
