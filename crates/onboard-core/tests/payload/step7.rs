//! Step 7.

use super::*;

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
