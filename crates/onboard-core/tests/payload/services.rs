//! Services and referenced files.

use super::*;

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
