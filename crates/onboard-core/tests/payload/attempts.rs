//! Steps 3 and 6.

use super::*;

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

    let server = server();
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
