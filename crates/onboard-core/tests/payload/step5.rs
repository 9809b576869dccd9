//! Step 5.

use super::*;

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
    let server = server();
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
    let server = server();
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
