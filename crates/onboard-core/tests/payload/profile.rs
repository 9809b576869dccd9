//! Profile access.

use super::*;

#[test]
fn profile_access_is_required_in_steps_two_and_five() {
    for step in [Step::UatSetup, Step::PreprodSetup] {
        let r = report(step, &without(step, "/profile_access"));
        assert_eq!(
            pairs(&r.errors),
            vec![
                ("profile_access.type".to_owned(), Code::Required),
                ("profile_access.landing_page_url".to_owned(), Code::Required)
            ]
        );
    }
}

#[test]
fn profile_access_type_is_mtoken_or_oidc() {
    let json = with(Step::PreprodSetup, "/profile_access/type", json!("saml"));
    only_error(
        Step::PreprodSetup,
        &json,
        "profile_access.type",
        Code::NotAllowed,
    );
}

#[test]
fn mtoken_needs_a_landing_page_only() {
    let json = without(Step::PreprodSetup, "/profile_access/landing_page_url");
    only_error(
        Step::PreprodSetup,
        &json,
        "profile_access.landing_page_url",
        Code::Required,
    );
    each_only_error(
        Step::PreprodSetup,
        &[
            (
                "/profile_access/domain",
                json!("m-society.go.th"),
                "profile_access.domain",
                Code::NotAllowed,
            ),
            (
                "/profile_access/login_callback_urls",
                json!(["https://a.go.th/cb"]),
                "profile_access.login_callback_urls",
                Code::NotAllowed,
            ),
        ],
    );
    // Empty leftovers of a form that switched kinds are fine.
    let mut json = with(Step::PreprodSetup, "/profile_access/domain", json!(""));
    set(&mut json, "/profile_access/logout_callback_urls", json!([]));
    ok(Step::PreprodSetup, &json);
}

#[test]
fn oidc_domain_is_a_host_name() {
    for domain in [
        "https://navy.mi.th",
        "navy.mi.th:443",
        "navy",
        "navy.mi.th/path",
    ] {
        let json = with(
            Step::PlatformRequest,
            "/service/profile_access/domain",
            json!(domain),
        );
        let r = report(Step::PlatformRequest, &json);
        assert_eq!(
            r.errors[0].field, "service.profile_access.domain",
            "{domain}"
        );
        assert_eq!(r.errors[0].code, Code::InvalidFormat, "{domain}");
    }
    let json = without(Step::PlatformRequest, "/service/profile_access/domain");
    only_error(
        Step::PlatformRequest,
        &json,
        "service.profile_access.domain",
        Code::Required,
    );
}

#[test]
fn oidc_landing_page_is_on_the_domain() {
    let at = "/service/profile_access/landing_page_url";
    let json = with(
        Step::PlatformRequest,
        at,
        json!("https://example.com/landing"),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "service.profile_access.landing_page_url",
        Code::NotAllowed,
    );
    let json = with(
        Step::PlatformRequest,
        at,
        json!("https://badnavy.mi.th/landing"),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "service.profile_access.landing_page_url",
        Code::NotAllowed,
    );
    ok(
        Step::PlatformRequest,
        &with(Step::PlatformRequest, at, json!("https://NAVY.mi.th/")),
    );
}

#[test]
fn oidc_callbacks_are_on_the_domain_without_fragment() {
    let at = "/service/profile_access/login_callback_urls/1";
    let field = "service.profile_access.login_callback_urls[1]";
    let json = with(Step::PlatformRequest, at, json!("https://evil.example/cb"));
    only_error(Step::PlatformRequest, &json, field, Code::NotAllowed);
    let r = report(Step::PlatformRequest, &json);
    assert!(
        r.errors[0].message_en.contains("navy.mi.th"),
        "{}",
        r.errors[0].message_en
    );
    let json = with(
        Step::PlatformRequest,
        at,
        json!("https://welfare.navy.mi.th/cb#done"),
    );
    only_error(Step::PlatformRequest, &json, field, Code::InvalidFormat);
    let json = with(
        Step::PlatformRequest,
        at,
        json!("http://welfare.navy.mi.th/cb"),
    );
    only_error(Step::PlatformRequest, &json, field, Code::InvalidFormat);
    let at = "/service/profile_access/logout_callback_urls/0";
    let json = with(
        Step::PlatformRequest,
        at,
        json!("https://navy.mi.th.evil.example/out"),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "service.profile_access.logout_callback_urls[0]",
        Code::NotAllowed,
    );
}

#[test]
fn oidc_callbacks_are_one_to_twenty_without_duplicates() {
    let at = "/service/profile_access/login_callback_urls";
    let field = "service.profile_access.login_callback_urls";
    only_error(
        Step::PlatformRequest,
        &with(Step::PlatformRequest, at, json!([])),
        field,
        Code::TooShort,
    );
    only_error(
        Step::PlatformRequest,
        &without(Step::PlatformRequest, at),
        field,
        Code::Required,
    );
    let urls = |n: usize| -> Value {
        (0..n)
            .map(|i| json!(format!("https://navy.mi.th/cb/{i}")))
            .collect::<Vec<_>>()
            .into()
    };
    ok(
        Step::PlatformRequest,
        &with(Step::PlatformRequest, at, urls(20)),
    );
    only_error(
        Step::PlatformRequest,
        &with(Step::PlatformRequest, at, urls(21)),
        field,
        Code::TooLong,
    );
    let json = with(
        Step::PlatformRequest,
        at,
        json!([
            "https://navy.mi.th/cb",
            "https://welfare.navy.mi.th/cb",
            "https://NAVY.mi.th/cb"
        ]),
    );
    only_error(
        Step::PlatformRequest,
        &json,
        &format!("{field}[2]"),
        Code::Duplicate,
    );
    let json = without(
        Step::PlatformRequest,
        "/service/profile_access/logout_callback_urls",
    );
    only_error(
        Step::PlatformRequest,
        &json,
        "service.profile_access.logout_callback_urls",
        Code::Required,
    );
}

#[test]
fn uat_oidc_callbacks_may_not_leave_the_domain_even_on_localhost() {
    let json = with(
        Step::UatSetup,
        "/profile_access/login_callback_urls/0",
        json!("http://localhost:3000/cb"),
    );
    only_error(
        Step::UatSetup,
        &json,
        "profile_access.login_callback_urls[0]",
        Code::NotAllowed,
    );
}
