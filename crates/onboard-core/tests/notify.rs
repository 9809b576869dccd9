//! What the notices of a full walk say, to whom, and what they never say (SPEC §8).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use onboard_core::id::UserId;
use onboard_core::notify::{
    account_created, credentials_reset, notices, Audience, MailConfig, MailConfigError, Notice,
    NoticeContext, NoticeKind,
};
use onboard_core::reference::Step;
use onboard_core::workflow::{self, Command, EService, Event, SuppliedCredentials};

const AGENCY_TH: &str = "กรมกิจการผู้สูงอายุ";

fn mail() -> MailConfig {
    MailConfig::new(
        "https://onboard.apps.go.th/",
        "สพร. ทดสอบ\nDGA test signature",
    )
    .unwrap()
}

/// Every notice of every event of `cmd` on `state`, and the state after.
fn run(state: &EService, actor: workflow::Actor, cmd: Command) -> (EService, Vec<Notice>) {
    let parts = EnvParts::new();
    let env = parts.env();
    let (next, events) =
        workflow::execute(state, &actor, cmd, None, &env).unwrap_or_else(|e| panic!("{e:?}"));
    let mail = mail();
    let ctx = NoticeContext {
        agency_name_th: AGENCY_TH,
        mail: &mail,
    };
    let all = events
        .iter()
        .flat_map(|e: &Event| notices(e, &next, &ctx))
        .collect();
    (next, all)
}

fn approve(step: Step) -> Command {
    Command::Approve {
        step,
        note: None,
        credentials: None,
        update_agency: false,
    }
}

/// The e-Service with steps before `step` completed and `step` open.
fn at_step(step: Step) -> EService {
    let parts = EnvParts::new();
    let (mut state, _) = new_service(&parts.env());
    for &s in Step::ALL.iter().take_while(|s| **s != step) {
        state = run(&state, officer(), submit(s)).0;
        state = run(&state, reviewer(), approve(s)).0;
    }
    state
}

fn every_text(n: &Notice) -> String {
    format!(
        "{}\n{}\n{}",
        n.subject(),
        n.email_body("ผู้รับ"),
        [&n.body_th, &n.body_en].map(|s| s.as_str()).join("\n")
    )
}

#[test]
fn every_email_is_a_letter_linking_to_its_eservice() {
    let state = at_step(Step::Credential);
    let (_, notes) = run(&state, officer(), submit(Step::Credential));
    assert_eq!(notes.len(), 1);
    let n = &notes[0];
    let url = format!("https://onboard.apps.go.th/eservices/{}", state.id());
    assert_eq!(n.link, url);
    let body = n.email_body("คุณสมศรี ตรวจดี");
    let expected = format!(
        "เรียน คุณสมศรี ตรวจดี\n\n{}\n\nดูรายละเอียดได้ที่ {url}\n\nจึงเรียนมาเพื่อโปรดทราบ\n\n---\n\n\
         Dear คุณสมศรี ตรวจดี,\n\n{}\n\nDetails: {url}\n\nYours sincerely,\n\n\
         สพร. ทดสอบ\nDGA test signature\n",
        n.body_th, n.body_en
    );
    assert_eq!(body, expected);
    // Thai first, English second.
    assert!(body.find("เรียน").unwrap() < body.find("Dear").unwrap());
    assert_eq!(n.email_parts().join("X"), n.email_body("X"));
}

#[test]
fn staff_notices_name_the_agency() {
    let state = at_step(Step::Credential);
    let (state, notes) = run(&state, officer(), submit(Step::Credential));
    assert_eq!(notes[0].audience, Audience::Staff);
    assert_eq!(notes[0].kind, NoticeKind::Submitted);
    for text in [
        &notes[0].title_th,
        &notes[0].title_en,
        &notes[0].body_th,
        &notes[0].body_en,
    ] {
        assert!(text.contains(AGENCY_TH), "{text}");
        assert!(text.contains(state.name()), "{text}");
    }

    // Test attempts too.
    let state = at_step(Step::UatTest);
    let (_, notes) = run(&state, officer(), submit(Step::UatTest));
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].audience, Audience::Staff);
    assert!(notes[0].body_th.contains(AGENCY_TH));
    assert!(notes[0].body_en.contains(AGENCY_TH));
    assert!(notes[0].title_en.contains(AGENCY_TH));
}

#[test]
fn the_launch_note_reaches_staff() {
    let state = at_step(Step::Launch);
    let (state, notes) = run(&state, officer(), submit(Step::Launch));
    let note = valid_payload(Step::Launch)["note"]
        .as_str()
        .unwrap()
        .to_owned();
    let staff: Vec<&Notice> = notes
        .iter()
        .filter(|n| n.audience == Audience::Staff)
        .collect();
    assert_eq!(staff.len(), 1);
    let s = staff[0];
    assert_eq!(s.kind, NoticeKind::LaunchScheduled);
    assert!(s.body_th.contains(&format!("หมายเหตุจากหน่วยงาน: {note}")));
    assert!(s.body_en.contains(&format!("Note from the agency: {note}")));
    assert!(s.body_th.contains(AGENCY_TH) && s.title_th.contains(AGENCY_TH));
    assert!(s.email_body("x").contains(&note));
    // The agency gets its own scheduling notice with the Thai date.
    let agency: Vec<&Notice> = notes
        .iter()
        .filter(|n| n.audience == Audience::Agency(AGENCY))
        .collect();
    assert_eq!(agency.len(), 1);
    let thai = onboard_core::schedule::thai_date(state.launch_on().unwrap());
    assert!(agency[0].body_th.contains(&thai));

    // Without a note, no empty note line.
    let state = at_step(Step::Launch);
    let mut payload = valid_payload(Step::Launch);
    payload["note"] = serde_json::Value::Null;
    let cmd = Command::Submit {
        step: Step::Launch,
        payload: Some(payload),
    };
    let (_, notes) = run(&state, officer(), cmd);
    assert!(notes.iter().all(|n| !n.body_th.contains("หมายเหตุ")));
}

#[test]
fn citizen_ids_in_free_text_are_masked() {
    let id = "3700100556670";
    let state = at_step(Step::Launch);
    let mut payload = valid_payload(Step::Launch);
    payload["note"] = serde_json::json!(format!("ผู้ประสานงาน เลขบัตร {id}"));
    let cmd = Command::Submit {
        step: Step::Launch,
        payload: Some(payload),
    };
    let (_, notes) = run(&state, officer(), cmd);
    assert!(!notes.is_empty());
    for n in &notes {
        assert!(!every_text(n).contains(id), "{}", every_text(n));
    }
    assert!(notes
        .iter()
        .any(|n| n.body_th.contains("3-7001-xxxxx-xx-0")));

    let state = at_step(Step::Credential);
    let (state, _) = run(&state, officer(), submit(Step::Credential));
    let cmd = Command::RequestChanges {
        step: Step::Credential,
        reason: format!("เลขบัตร {id} ไม่ตรงกับหนังสือมอบหมาย"),
    };
    let (_, notes) = run(&state, reviewer(), cmd);
    assert!(notes.iter().all(|n| !every_text(n).contains(id)));
}

#[test]
fn production_credentials_go_to_the_step4_administrator_without_the_secret() {
    let state = at_step(Step::PlatformRequest);
    let (state, _) = run(&state, officer(), submit(Step::PlatformRequest));
    let (state, notes) = run(&state, reviewer(), approve(Step::PlatformRequest));
    let issued = state.credentials().production.clone().unwrap();
    let to_admin: Vec<&Notice> = notes
        .iter()
        .filter(|n| matches!(n.audience, Audience::Address { .. }))
        .collect();
    assert_eq!(to_admin.len(), 1);
    let n = to_admin[0];
    // The fixture's administrator is another person than the assignee.
    assert_eq!(
        n.audience,
        Audience::Address {
            email: "somsak.m@navy.mi.th".into(),
            name: "เรือเอก สมศักดิ์ มั่นคง".into(),
        }
    );
    assert_eq!(n.kind, NoticeKind::CredentialsIssued);
    assert_eq!(
        n.link,
        format!("https://onboard.apps.go.th/eservices/{}", state.id())
    );
    let body = n.email_body("เรือเอก สมศักดิ์ มั่นคง");
    assert!(
        body.contains(&format!("App Id: {}", issued.app_id)),
        "{body}"
    );
    assert!(body.contains(&format!("Consumer Key: {}", issued.consumer_key)));
    for n in &notes {
        assert!(!every_text(n).contains(&issued.consumer_secret));
    }
    // The agency's notices stay as they were: to the agency's accounts.
    assert_eq!(
        notes
            .iter()
            .filter(|n| n.audience == Audience::Agency(AGENCY))
            .count(),
        2
    );

    // Same as the assignee: the assignee's address.
    let state = at_step(Step::PlatformRequest);
    let mut payload = valid_payload(Step::PlatformRequest);
    payload["requester"]["administrator"] =
        serde_json::json!({"same_as_assignee": true, "person": null});
    let cmd = Command::Submit {
        step: Step::PlatformRequest,
        payload: Some(payload),
    };
    let (state, _) = run(&state, officer(), cmd);
    let (_, notes) = run(&state, reviewer(), approve(Step::PlatformRequest));
    let addresses: Vec<&Audience> = notes
        .iter()
        .map(|n| &n.audience)
        .filter(|a| matches!(a, Audience::Address { .. }))
        .collect();
    assert_eq!(
        addresses,
        [&Audience::Address {
            email: "somchai.j@navy.mi.th".into(),
            name: "นาวาโท สมชาย ใจดี".into(),
        }]
    );
}

#[test]
fn uat_credentials_go_to_the_agency_only() {
    let state = at_step(Step::Credential);
    let (state, _) = run(&state, officer(), submit(Step::Credential));
    let (state, notes) = run(&state, reviewer(), approve(Step::Credential));
    assert!(state.credentials().uat.is_some());
    assert!(notes.iter().all(|n| n.audience == Audience::Agency(AGENCY)));
}

#[test]
fn a_consumer_secret_quoted_in_a_note_is_removed() {
    let state = at_step(Step::PlatformRequest);
    let (state, _) = run(&state, officer(), submit(Step::PlatformRequest));
    let secret = "Zq8-very-secret-value-0123456789";
    let cmd = Command::Approve {
        step: Step::PlatformRequest,
        note: Some(format!("secret คือ {secret}")),
        credentials: Some(SuppliedCredentials {
            app_id: "app-1".into(),
            consumer_key: "key-1".into(),
            consumer_secret: secret.into(),
        }),
        update_agency: false,
    };
    let (state, notes) = run(&state, reviewer(), cmd);
    assert_eq!(
        state
            .credentials()
            .production
            .as_ref()
            .unwrap()
            .consumer_secret,
        secret
    );
    assert!(notes.len() >= 3);
    for n in &notes {
        assert!(!every_text(n).contains(secret), "{}", every_text(n));
    }
    assert!(notes
        .iter()
        .any(|n| n.body_th.contains("secret คือ ********")));
}

#[test]
fn the_welcome_email_links_to_the_login_page_and_marks_the_password() {
    let mail = MailConfig::listening_on("10.1.2.3:9000".parse().unwrap());
    let n = account_created(UserId::from_u128(0), "somchai.k", "Tangrat2027Init", &mail);
    assert_eq!(n.link, "http://10.1.2.3:9000/");
    assert_eq!(n.secret.as_deref(), Some("Tangrat2027Init"));
    let body = n.email_body("สมชาย ใจดี");
    assert!(body.starts_with("เรียน สมชาย ใจดี\n"));
    assert!(body.contains("เข้าสู่ระบบได้ที่ http://10.1.2.3:9000/\n"));
    assert!(body.contains("Sign in at http://10.1.2.3:9000/\n"));
    assert!(body.contains("somchai.k") && body.contains("Tangrat2027Init"));
    assert!(body.ends_with(&format!("{}\n", onboard_core::notify::DEFAULT_SIGNATURE)));
}

#[test]
fn the_reset_email_gives_the_new_password_and_says_what_happens_next() {
    let mail = mail();
    let n = credentials_reset(UserId::from_u128(0), "somchai.k", "Reset2027Init", &mail);
    assert_eq!(n.kind, NoticeKind::CredentialsReset);
    assert_eq!(n.audience, Audience::User(UserId::from_u128(0)));
    assert_eq!(n.secret.as_deref(), Some("Reset2027Init"));
    // The whole letter, as the outbox stores it.
    insta::assert_snapshot!(n.email_body("สมชาย ใจดี"));
    insta::assert_snapshot!("reset_subject", n.subject());
    // Without a password there is no secret to hide.
    assert_eq!(
        credentials_reset(UserId::from_u128(0), "a", "", &mail).secret,
        None
    );
}

#[test]
fn mail_config_takes_http_and_https_portals_only() {
    for (raw, base) in [
        ("https://onboard.apps.go.th", "https://onboard.apps.go.th"),
        (
            "https://onboard.apps.go.th///",
            "https://onboard.apps.go.th",
        ),
        ("HTTP://10.0.0.5:8080/", "HTTP://10.0.0.5:8080"),
        (
            "https://www.dga.or.th/onboard/",
            "https://www.dga.or.th/onboard",
        ),
        ("http://[::1]:8080", "http://[::1]:8080"),
        (" https://a.go.th ", "https://a.go.th"),
    ] {
        assert_eq!(MailConfig::new(raw, "sig").unwrap().portal_url(), base);
    }
    for bad in [
        "",
        "onboard.apps.go.th",
        "ftp://a.go.th",
        "https://",
        "https:///path",
        "https://a.go.th/?x=1",
        "https://a.go.th/#top",
        "https://user@a.go.th",
        "https://a b.go.th",
        "javascript:alert(1)",
    ] {
        assert_eq!(
            MailConfig::new(bad, "sig"),
            Err(MailConfigError::PortalUrl(bad.to_owned())),
            "{bad}"
        );
    }
    assert_eq!(
        MailConfig::new("https://a.go.th", " \n "),
        Err(MailConfigError::EmptySignature)
    );
    let m = MailConfig::new("https://a.go.th", "  สพร.\nDGA  ").unwrap();
    assert_eq!(m.signature(), "สพร.\nDGA");
    assert_eq!(
        MailConfig::listening_on("[::1]:8080".parse().unwrap()).login_url(),
        "http://[::1]:8080/"
    );
}

#[test]
fn a_rescheduled_launch_tells_the_agency_both_tuesdays_and_the_reason() {
    let state = at_step(Step::Launch);
    let (state, _) = run(&state, officer(), submit(Step::Launch));
    let before = state.launch_on().expect("scheduled");
    let later = before + chrono::Days::new(7);
    let (_, notes) = run(
        &state,
        admin(),
        Command::RescheduleLaunch {
            desired_date: later.to_string(),
            reason: "ระบบปิดปรับปรุง ผู้ติดต่อ 3700100556670".into(),
        },
    );
    let audiences: Vec<&Audience> = notes.iter().map(|n| &n.audience).collect();
    assert_eq!(
        audiences,
        [&Audience::Agency(state.agency_id()), &Audience::Staff]
    );
    assert!(notes
        .iter()
        .all(|n| n.kind == NoticeKind::LaunchRescheduled));
    let agency = &notes[0];
    assert!(
        !every_text(agency).contains("3700100556670"),
        "citizen IDs are masked"
    );
    insta::assert_snapshot!("rescheduled_subject", agency.subject());
    insta::assert_snapshot!("rescheduled_body_th", agency.body_th);
    insta::assert_snapshot!("rescheduled_body_en", agency.body_en);
    assert!(notes[1].title_th.contains(AGENCY_TH));
}
