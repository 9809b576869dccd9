//! The web portal in a real browser: Debian's Chromium driven through chromedriver with
//! fantoccini, against the real server on a random port. axe-core (vendored, unmodified) is
//! injected into every page and must find no violation.
//!
//! Without `chromedriver` on the machine the tests print a notice and pass, except under CI
//! (`CI` set), where a missing browser is a failure: `.ci/run` installs it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

use common::{at_launch, Seed, Server};
use fantoccini::{Client, ClientBuilder, Locator};
use onboard_core::reference::Role;
use onboard_core::testing::files::{pdf, png, xlsx};
use reqwest::Method;
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// axe-core 4.11.1, as published (MPL-2.0, licence beside it).
const AXE: &str = include_str!("axe-4.11.1.min.js");

/// A running chromedriver, stopped on drop.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn chromedriver_path() -> Option<String> {
    let path =
        std::env::var("ONBOARD_CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    std::path::Path::new(&path).exists().then_some(path)
}

/// Starts chromedriver on a free port, or explains why not (a failure under CI).
async fn driver(test: &str) -> Option<Driver> {
    let Some(path) = chromedriver_path() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromedriver is missing: CI must install chromium and chromium-driver"
        );
        eprintln!("notice: chromedriver not found; skipping the browser test {test}");
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // Owned by `Driver` at once, so that its `Drop` kills and waits for it on every path.
    let driver = Driver {
        child: Command::new(path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
        url: format!("http://127.0.0.1:{port}"),
    };
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Some(driver);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("chromedriver did not start");
}

/// A headless Chromium session; `javascript: false` turns scripts off, as some users have.
async fn browser(driver: &Driver, javascript: bool) -> Client {
    let mut options = json!({
        "binary": std::env::var("ONBOARD_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--window-size=1280,900"],
    });
    if !javascript {
        options["prefs"] = json!({"profile.managed_default_content_settings.javascript": 2});
    }
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), options);
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("connect to chromedriver")
}

/// Runs axe-core on the page and fails with every violation found.
async fn assert_accessible(c: &Client, page: &str) {
    let script = format!(
        "{AXE}\nreturn axe.run(document).then(r => r.violations.map(v => \
         v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' ')).join(', ')));"
    );
    let violations = c.execute(&script, vec![]).await.expect("run axe");
    let list: Vec<String> = serde_json::from_value(violations).unwrap();
    assert!(list.is_empty(), "axe found on {page}:\n{}", list.join("\n"));
}

async fn fill(c: &Client, id: &str, text: &str) {
    let field = c.find(Locator::Id(id)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Clicks and waits until the next page has replaced this one (a click may return before
/// the navigation it starts is done).
async fn click_and_wait(c: &Client, target: fantoccini::elements::Element) {
    let old = c.find(Locator::Css("html")).await.unwrap();
    target.click().await.unwrap();
    for _ in 0..200 {
        if old.tag_name().await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the page did not change after the click");
}

/// Submits the add/edit form of the attempts page (the table's delete buttons are forms too).
async fn save_attempt(c: &Client) {
    let button = c
        .find(Locator::Css("#attempt-form button[type=submit]"))
        .await
        .unwrap();
    click_and_wait(c, button).await;
}

async fn submit(c: &Client) {
    let button = c
        .find(Locator::Css("main form button[type=submit]"))
        .await
        .unwrap();
    click_and_wait(c, button).await;
}

/// Signs in through the login form.
async fn sign_in(c: &Client, base: &str, username: &str, password: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(c, "username", username).await;
    fill(c, "password", password).await;
    submit(c).await;
}

async fn path_of(c: &Client) -> String {
    c.current_url().await.unwrap().path().to_owned()
}

async fn text_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_signs_in_for_the_first_time_and_finds_the_eservice() {
    let Some(driver) = driver("first sign-in").await else {
        return;
    };
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    server
        .create_account(
            "new.officer",
            "Init1234Pw",
            Role::Agency,
            Some(seed.agency_a),
        )
        .await;
    let id = server
        .create_eservice(&seed.officer_a.token, "ระบบจองคิวผู้สูงอายุ", "จองคิวรับเบี้ยยังชีพ")
        .await;
    let other = server
        .create_eservice(&seed.officer_b.token, "ระบบต่อใบขับขี่", "ต่ออายุใบขับขี่")
        .await;
    let c = browser(&driver, true).await;
    let base = &server.base;

    // Pages need a session.
    c.goto(&format!("{base}/")).await.unwrap();
    assert_eq!(path_of(&c).await, "/login");
    assert_accessible(&c, "login").await;

    // A wrong password: the error summary leads, the title says so, focus moves there.
    fill(&c, "username", "new.officer").await;
    fill(&c, "password", "Wrong-1234").await;
    submit(&c).await;
    assert!(c.title().await.unwrap().starts_with("ข้อผิดพลาด:"));
    assert!(text_of(&c, "#error-summary")
        .await
        .contains("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"));
    let focused = c
        .execute("return document.activeElement.id", vec![])
        .await
        .unwrap();
    assert_eq!(focused, Value::from("error-summary"));
    // What was typed is kept (the password, by design, is not).
    let typed = c
        .find(Locator::Id("username"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(typed.as_deref(), Some("new.officer"));
    assert_accessible(&c, "login with errors").await;

    // The initial credentials lead to the first login.
    fill(&c, "password", "Init1234Pw").await;
    submit(&c).await;
    assert_eq!(path_of(&c).await, "/first-login");
    // No menu before the first login is done: its links would only lead back here.
    assert!(c.find(Locator::Css("nav")).await.is_err());
    assert_accessible(&c, "first login").await;
    let cookie = c.get_named_cookie("onboard_session").await.unwrap();
    assert_eq!(cookie.http_only(), Some(true));
    assert_eq!(
        cookie.same_site().map(|s| s.to_string()).as_deref(),
        Some("Lax")
    );

    // The four ticks follow what is typed.
    fill(&c, "password", "abc").await;
    let met = c
        .execute("return [...document.querySelectorAll('#password-rules li.met')].map(li => li.dataset.rule)", vec![])
        .await
        .unwrap();
    assert_eq!(met, json!(["lower"]));
    fill(&c, "password", "Tangrat2027").await;
    let met = c
        .execute(
            "return document.querySelectorAll('#password-rules li.met').length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(met, json!(4));

    // Broken rules are reported beside each field; the username is kept.
    fill(&c, "username", "สมชาย").await;
    fill(&c, "password_confirmation", "Tangrat2028").await;
    submit(&c).await;
    assert!(c.title().await.unwrap().starts_with("ข้อผิดพลาด:"));
    let summary = text_of(&c, "#error-summary").await;
    assert!(summary.contains("a-z, A-Z, 0-9, _ และ ."), "{summary}");
    assert!(summary.contains("ไม่ตรงกับรหัสผ่านใหม่"), "{summary}");
    let typed = c
        .find(Locator::Id("username"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(typed.as_deref(), Some("สมชาย"));
    assert_accessible(&c, "first login with errors").await;

    fill(&c, "username", "somchai.k").await;
    fill(&c, "password", "Tangrat2027").await;
    fill(&c, "password_confirmation", "Tangrat2027").await;
    submit(&c).await;
    assert_eq!(path_of(&c).await, "/");
    assert_eq!(text_of(&c, "h1").await, "แดชบอร์ด");
    let cards = text_of(&c, ".cards").await;
    for label in [
        "งานบริการทั้งหมด",
        "งานที่รอดำเนินการ",
        "งานที่ยังไม่เปิดใช้งาน",
        "รอตรวจสอบ",
        "กำลังทดสอบ UAT",
        "กำลังทดสอบ Pre-production",
    ] {
        assert!(cards.contains(label), "{label} in {cards}");
    }
    assert!(text_of(&c, ".gauge").await.contains("0% APPROVED"));
    // The tracker shows the agency's e-Service, its seven steps with text statuses.
    let tracker = text_of(&c, "ol.task-list").await;
    assert!(
        tracker.contains("ขอ Credential") && tracker.contains("กำลังดำเนินการ"),
        "{tracker}"
    );
    assert_accessible(&c, "dashboard").await;

    // The list, its paging text, and the e-Service page.
    let link = c.find(Locator::LinkText("จัดการ e-Services")).await.unwrap();
    click_and_wait(&c, link).await;
    assert_eq!(path_of(&c).await, "/eservices");
    assert!(text_of(&c, "main")
        .await
        .contains("แสดงรายการ 1-1 จากทั้งหมด 1 รายการ"));
    assert!(
        !text_of(&c, "main").await.contains("ระบบต่อใบขับขี่"),
        "another agency's row"
    );
    assert_accessible(&c, "e-Service list").await;
    fill(&c, "q", "เบี้ยยังชีพ").await;
    submit(&c).await;
    assert!(text_of(&c, "main")
        .await
        .contains("แสดงรายการ 1-1 จากทั้งหมด 1 รายการ"));
    let link = c.find(Locator::LinkText("ระบบจองคิวผู้สูงอายุ")).await.unwrap();
    click_and_wait(&c, link).await;
    assert_eq!(path_of(&c).await, format!("/eservices/{id}"));
    assert_eq!(text_of(&c, "h1").await, "e-Service: ระบบจองคิวผู้สูงอายุ");
    let steps = c.find_all(Locator::Css("ol.task-list > li")).await.unwrap();
    assert_eq!(steps.len(), 7);
    assert!(steps[0].text().await.unwrap().contains("กำลังดำเนินการ"));
    assert!(steps[6].text().await.unwrap().contains("ยังไม่ถึงขั้นตอนนี้"));
    assert_accessible(&c, "e-Service page").await;

    // Another agency's e-Service does not exist for this officer.
    c.goto(&format!("{base}/eservices/{other}")).await.unwrap();
    assert_eq!(text_of(&c, "h1").await, "ไม่พบหน้าที่ต้องการ");
    assert_accessible(&c, "not found").await;

    // Logging out ends the session.
    c.goto(&format!("{base}/")).await.unwrap();
    let logout = c.find(Locator::Css("header form button")).await.unwrap();
    click_and_wait(&c, logout).await;
    assert_eq!(path_of(&c).await, "/login");
    c.goto(&format!("{base}/eservices")).await.unwrap();
    assert_eq!(path_of(&c).await, "/login");
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_forms_work_without_javascript() {
    let Some(driver) = driver("without JavaScript").await else {
        return;
    };
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    server
        .create_account(
            "plain.officer",
            "Init1234Pw",
            Role::Agency,
            Some(seed.agency_a),
        )
        .await;
    let c = browser(&driver, false).await;
    c.goto(&format!("{}/login", server.base)).await.unwrap();
    fill(&c, "username", "plain.officer").await;
    fill(&c, "password", "Init1234Pw").await;
    submit(&c).await;
    assert_eq!(path_of(&c).await, "/first-login");
    // No ticks without JavaScript: the rules are still listed, and the server checks them.
    let met = c
        .find_all(Locator::Css("#password-rules li.met"))
        .await
        .unwrap();
    assert!(met.is_empty());
    fill(&c, "username", "plain.k").await;
    fill(&c, "password", "short").await;
    fill(&c, "password_confirmation", "short").await;
    submit(&c).await;
    assert!(text_of(&c, "#error-summary")
        .await
        .contains("อย่างน้อย 8 ตัวอักษร"));
    fill(&c, "password", "Tangrat2027").await;
    fill(&c, "password_confirmation", "Tangrat2027").await;
    submit(&c).await;
    assert_eq!(path_of(&c).await, "/");
    assert_eq!(text_of(&c, "h1").await, "แดชบอร์ด");

    // A step form: every field is shown (none appears with its choice), the server ignores
    // those whose choice is not made, and saving is a plain POST answered by a redirect.
    let id = server
        .create_eservice(&seed.officer_a.token, "ระบบนัดหมายออนไลน์", "นัดหมายล่วงหน้า")
        .await;
    c.goto(&format!("{}/eservices/{id}/steps/credential", server.base))
        .await
        .unwrap();
    assert!(c
        .find(Locator::Id("personal_data.fields"))
        .await
        .unwrap()
        .is_displayed()
        .await
        .unwrap());
    fill(&c, "short_description", "นัดหมายรับบริการล่วงหน้า").await;
    fill(&c, "full_description", "เลือกวันและเวลารับบริการที่สำนักงานได้เอง").await;
    tick(
        &c,
        &[
            "personal_data.required-1",
            "personal_data.fields",
            "identity_verification",
            "notifications-1",
        ],
    )
    .await;
    press(&c, "check").await;
    let summary = text_of(&c, "#error-summary").await;
    assert!(summary.contains("กำหนดการเปิดใช้งาน"), "{summary}");
    assert!(!summary.contains("ข้อมูลส่วนบุคคลที่ต้องการเข้าถึง"), "{summary}");
    let kept = c
        .find(Locator::Id("short_description"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("นัดหมายรับบริการล่วงหน้า"));
    press(&c, "save").await;
    assert!(c
        .current_url()
        .await
        .unwrap()
        .as_str()
        .ends_with("?saved=1"));
    assert!(text_of(&c, "main").await.contains("บันทึกแบบร่างแล้ว"));
    c.close().await.unwrap();
}

/// Without a browser: a form posted without its CSRF token is refused and changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forms_without_their_csrf_token_are_refused() {
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let cookie = format!("onboard_session={}", seed.pending.token);
    let post = |path: &str, body: &str| {
        server
            .http
            .request(Method::POST, format!("{}{path}", server.base))
            .header("cookie", cookie.clone())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned())
            .send()
    };
    let r = post(
        "/first-login",
        "username=stolen.name&password=Tangrat2027&password_confirmation=Tangrat2027",
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert!(r.text().await.unwrap().contains("แบบฟอร์มหมดอายุ"));
    let r = post(
        "/first-login",
        "csrf=forged&username=stolen.name&password=Tangrat2027&password_confirmation=Tangrat2027",
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let user = server
        .state
        .store
        .user(seed.pending.id)
        .await
        .unwrap()
        .unwrap();
    assert!(user.must_change_credentials, "nothing changed");
    // The password change too, for an account past its first login.
    let r = server
        .http
        .post(format!("{}/settings", server.base))
        .header(
            "cookie",
            format!("onboard_session={}", seed.officer_b.token),
        )
        .form(&[
            ("current_password", seed.officer_b.password.as_str()),
            ("password", "Stolen2028x"),
            ("password_confirmation", "Stolen2028x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    server
        .login(&seed.officer_b.username, &seed.officer_b.password)
        .await;
    // The login form checks its double-submit cookie too.
    let r = server
        .http
        .post(format!("{}/login", server.base))
        .form(&[
            ("username", "officer_a"),
            ("password", "x"),
            ("csrf", "guess"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    // Pages carry the security headers.
    let r = server
        .http
        .get(format!("{}/login", server.base))
        .send()
        .await
        .unwrap();
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    assert_eq!(r.headers()["x-frame-options"], "DENY");
    let set = r.headers()["set-cookie"].to_str().unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
}

/// The values of the password fields of the page.
async fn password_values(c: &Client) -> Value {
    c.execute(
        "return [...document.querySelectorAll('input[type=password]')].map(i => i.value)",
        vec![],
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_changes_the_password_in_the_settings() {
    let Some(driver) = driver("settings").await else {
        return;
    };
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let officer = &seed.officer_a;
    let c = browser(&driver, true).await;
    let base = &server.base;
    sign_in(&c, base, &officer.username, &officer.password).await;

    // The menu leads there; the account is shown read-only above the form.
    let link = c.find(Locator::LinkText("การตั้งค่า")).await.unwrap();
    click_and_wait(&c, link).await;
    assert_eq!(path_of(&c).await, "/settings");
    assert_eq!(text_of(&c, "h1").await, "การตั้งค่า");
    assert_eq!(text_of(&c, "nav a[aria-current=page]").await, "การตั้งค่า");
    assert_eq!(text_of(&c, "main h2").await, "เปลี่ยนรหัสผ่าน");
    let account = text_of(&c, ".summary-list").await;
    assert!(
        account.contains("ชื่อผู้ใช้งาน (Username)")
            && account.contains(&officer.username)
            && account.contains("อีเมล")
            && account.contains("@dga.or.th"),
        "{account}"
    );
    assert_accessible(&c, "settings").await;

    // A wrong current password: the error summary leads, nothing typed comes back.
    fill(&c, "current_password", "Wrong-1234x").await;
    fill(&c, "password", "Changed2028x").await;
    fill(&c, "password_confirmation", "Changed2028x").await;
    submit(&c).await;
    assert!(c.title().await.unwrap().starts_with("ข้อผิดพลาด:"));
    assert!(text_of(&c, "#error-summary")
        .await
        .contains("รหัสผ่านปัจจุบันไม่ถูกต้อง"));
    assert_eq!(
        text_of(&c, "#current_password-error").await,
        "ข้อผิดพลาด: รหัสผ่านปัจจุบันไม่ถูกต้อง"
    );
    let focused = c
        .execute("return document.activeElement.id", vec![])
        .await
        .unwrap();
    assert_eq!(focused, Value::from("error-summary"));
    assert_eq!(password_values(&c).await, json!(["", "", ""]));
    assert_accessible(&c, "settings with errors").await;

    // The ticks of the first login follow the new password here too.
    fill(&c, "password", "changed").await;
    let met = c
        .execute("return [...document.querySelectorAll('#password-rules li.met')].map(li => li.dataset.rule)", vec![])
        .await
        .unwrap();
    assert_eq!(met, json!(["lower"]));

    // The change: back to the page with the notice; this session goes on.
    fill(&c, "current_password", &officer.password).await;
    fill(&c, "password", "Changed2028x").await;
    fill(&c, "password_confirmation", "Changed2028x").await;
    submit(&c).await;
    let url = c.current_url().await.unwrap();
    assert_eq!((url.path(), url.query()), ("/settings", Some("changed=1")));
    assert!(!c.title().await.unwrap().starts_with("ข้อผิดพลาด:"));
    assert!(text_of(&c, ".notice")
        .await
        .contains("เปลี่ยนรหัสผ่านเรียบร้อยแล้ว"));
    assert_eq!(password_values(&c).await, json!(["", "", ""]));
    assert_accessible(&c, "settings, changed").await;
    c.goto(&format!("{base}/")).await.unwrap();
    assert_eq!(path_of(&c).await, "/");

    // Out and in again: the old password no longer works, the new one does.
    let logout = c.find(Locator::Css("header form button")).await.unwrap();
    click_and_wait(&c, logout).await;
    sign_in(&c, base, &officer.username, &officer.password).await;
    assert_eq!(path_of(&c).await, "/login");
    assert!(text_of(&c, "#error-summary")
        .await
        .contains("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"));
    sign_in(&c, base, &officer.username, "Changed2028x").await;
    assert_eq!(path_of(&c).await, "/");
    assert_eq!(text_of(&c, "h1").await, "แดชบอร์ด");
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_launch_page_announces_the_release_tuesday_before_the_final_confirmation() {
    let Some(driver) = driver("launch").await else {
        return;
    };
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let id = at_launch(&server, &seed).await;
    let c = browser(&driver, true).await;
    let base = &server.base;
    sign_in(&c, base, &seed.officer_a.username, &seed.officer_a.password).await;
    c.goto(&format!("{base}/eservices/{id}")).await.unwrap();
    let link = c
        .find(Locator::LinkText("เตรียมการเปิดให้บริการ"))
        .await
        .unwrap();
    click_and_wait(&c, link).await;
    assert_eq!(path_of(&c).await, format!("/eservices/{id}/launch"));
    assert!(text_of(&c, "main")
        .await
        .contains("เปิดให้บริการตามรอบทุกวันอังคาร"));
    assert_accessible(&c, "launch").await;

    // A Buddhist-era year is named, and nothing is confirmed.
    c.execute(
        "document.getElementById('desired_date').type = 'text'",
        vec![],
    )
    .await
    .unwrap();
    fill(&c, "desired_date", "2569-12-10").await;
    let check = c.find(Locator::Css("button[value=check]")).await.unwrap();
    click_and_wait(&c, check).await;
    assert!(text_of(&c, "#error-summary").await.contains("พุทธศักราช"));
    assert_accessible(&c, "launch with errors").await;

    // The test server's clock is Wednesday 2026-11-25: 10 December 2026 makes Tuesday 15.
    c.execute(
        "document.getElementById('desired_date').type = 'text'",
        vec![],
    )
    .await
    .unwrap();
    fill(&c, "desired_date", "2026-12-10").await;
    fill(&c, "note", "ขอเปิดพร้อมประกาศของกรม").await;
    let check = c.find(Locator::Css("button[value=check]")).await.unwrap();
    click_and_wait(&c, check).await;
    assert!(
        text_of(&c, "main").await.contains("วันอังคารที่ 15 ธ.ค. 2569"),
        "{}",
        text_of(&c, "main").await
    );
    let review = c.find(Locator::Css("button[value=review]")).await.unwrap();
    click_and_wait(&c, review).await;
    let summary = text_of(&c, ".summary-list").await;
    assert!(
        summary.contains("วันอังคารที่ 15 ธ.ค. 2569") && summary.contains("ขอเปิดพร้อมประกาศของกรม"),
        "{summary}"
    );
    assert!(text_of(&c, "main")
        .await
        .contains("เมื่อยืนยันแล้วจะไม่สามารถแก้ไขได้"));
    assert_accessible(&c, "launch confirmation").await;
    let confirm = c.find(Locator::Css("button[value=confirm]")).await.unwrap();
    click_and_wait(&c, confirm).await;
    assert!(text_of(&c, "main")
        .await
        .contains("เปิดให้บริการ e-Service สำเร็จ"));
    assert!(text_of(&c, "main").await.contains("วันอังคารที่ 15 ธ.ค. 2569"));
    assert_accessible(&c, "launch done").await;
    let detail = server
        .get(&format!("/api/v1/eservices/{id}"), &seed.officer_a.token)
        .await;
    assert_eq!(detail.expect(200)["launch_on"], "2026-12-15");

    // The launched list and the notifications have it too.
    let link = c.find(Locator::LinkText("เปิดให้บริการแล้ว")).await.unwrap();
    click_and_wait(&c, link).await;
    let row = text_of(&c, "tbody").await;
    assert!(
        row.contains("ระบบแจ้งเตือนเบี้ยยังชีพ")
            && row.contains("15 ธ.ค. 2569")
            && row.contains("รอเปิดให้บริการ"),
        "{row}"
    );
    assert_accessible(&c, "launched").await;
    let link = c.find(Locator::LinkText("การแจ้งเตือน")).await.unwrap();
    click_and_wait(&c, link).await;
    assert!(text_of(&c, "ul.notifications").await.contains("อนุมัติแล้ว"));
    assert_accessible(&c, "notifications").await;
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_adds_edits_and_deletes_test_attempts_with_their_files() {
    let Some(driver) = driver("attempts").await else {
        return;
    };
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let officer = seed.officer_a.token.as_str();
    let reviewer = seed.reviewer.token.as_str();
    let id = server
        .create_eservice(officer, "ระบบตรวจสอบสิทธิ", "ตรวจสอบสิทธิเบี้ยยังชีพ")
        .await;
    let steps = format!("/api/v1/eservices/{id}/steps");
    for (step, form) in [
        (
            "credential",
            onboard_core::samples::json(onboard_core::reference::Step::Credential),
        ),
        (
            "uat-setup",
            onboard_core::samples::json(onboard_core::reference::Step::UatSetup),
        ),
    ] {
        let mut form = form;
        if step == "credential" {
            form["icon_file_id"] = json!(
                server
                    .upload_id(officer, "icon", "i.png", png(120, 120, [9, 9, 9]))
                    .await
            );
        }
        let r = server
            .json(
                Method::POST,
                &format!("{steps}/{step}/submit"),
                officer,
                &form,
            )
            .await;
        assert!(r.status.is_success(), "{}", r.body);
        server
            .post_empty(&format!("{steps}/{step}/approve"), reviewer)
            .await
            .expect(200);
    }
    let dir = tempfile::tempdir().unwrap();
    let result = dir.path().join("ผลการทดสอบ UAT.xlsx");
    std::fs::write(&result, xlsx()).unwrap();
    let picture = dir.path().join("ภาพ.png");
    std::fs::write(&picture, png(8, 8, [1, 1, 1])).unwrap();

    let c = browser(&driver, true).await;
    let base = &server.base;
    sign_in(&c, base, &seed.officer_a.username, &seed.officer_a.password).await;
    c.goto(&format!("{base}/eservices/{id}")).await.unwrap();
    let link = c
        .find(Locator::LinkText("การทดสอบผ่าน UAT Environment"))
        .await
        .unwrap();
    click_and_wait(&c, link).await;
    assert_eq!(path_of(&c).await, format!("/eservices/{id}/steps/uat-test"));
    assert!(text_of(&c, "main").await.contains("ยังไม่มีผลการทดสอบ"));
    assert_accessible(&c, "attempts, empty").await;

    // A file of the wrong type: the message sits beside the field, the details are kept.
    fill(&c, "details", "ทดสอบการยืนยันตัวตนครบทุกกรณี").await;
    c.find(Locator::Id("file_id"))
        .await
        .unwrap()
        .send_keys(picture.to_str().unwrap())
        .await
        .unwrap();
    save_attempt(&c).await;
    assert!(text_of(&c, "#error-summary")
        .await
        .contains("XLSX, XLS, PDF หรือ CSV"));
    let kept = c
        .find(Locator::Id("details"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("ทดสอบการยืนยันตัวตนครบทุกกรณี"));
    assert_accessible(&c, "attempts with errors").await;

    // The XLSX: a pending attempt, shown as กำลังดำเนินการ with its file name.
    c.find(Locator::Id("file_id"))
        .await
        .unwrap()
        .send_keys(result.to_str().unwrap())
        .await
        .unwrap();
    save_attempt(&c).await;
    let table = text_of(&c, "tbody").await;
    assert!(
        table.contains("ผลการทดสอบ UAT.xlsx") && table.contains("กำลังดำเนินการ"),
        "{table}"
    );
    assert_accessible(&c, "attempts with one").await;

    // Edit keeps the file when none is chosen; delete takes the attempt back.
    let edit = c
        .find(Locator::Css("tbody a[href*='edit=']"))
        .await
        .unwrap();
    click_and_wait(&c, edit).await;
    fill(&c, "details", "ทดสอบครบทุกกรณี รวมกรณีบัตรหมดอายุ").await;
    save_attempt(&c).await;
    let table = text_of(&c, "tbody").await;
    assert!(
        table.contains("รวมกรณีบัตรหมดอายุ") && table.contains("ผลการทดสอบ UAT.xlsx"),
        "{table}"
    );
    let delete = c.find(Locator::Css("tbody form button")).await.unwrap();
    click_and_wait(&c, delete).await;
    assert!(text_of(&c, "main").await.contains("ยังไม่มีผลการทดสอบ"));

    // Added again and failed by DGA: ไม่ผ่าน with the reason; the next attempt is number 2.
    fill(&c, "details", "ทดสอบรอบแรก").await;
    c.find(Locator::Id("file_id"))
        .await
        .unwrap()
        .send_keys(result.to_str().unwrap())
        .await
        .unwrap();
    save_attempt(&c).await;
    server
        .json(
            Method::POST,
            &format!("{steps}/uat-test/request-changes"),
            reviewer,
            &json!({"reason": "กรณีบัตรหมดอายุยังไม่ผ่าน"}),
        )
        .await
        .expect(200);
    c.refresh().await.unwrap();
    let table = text_of(&c, "tbody").await;
    assert!(
        table.contains("ไม่ผ่าน") && table.contains("กรณีบัตรหมดอายุยังไม่ผ่าน"),
        "{table}"
    );
    fill(&c, "details", "ทดสอบรอบสอง").await;
    c.find(Locator::Id("file_id"))
        .await
        .unwrap()
        .send_keys(result.to_str().unwrap())
        .await
        .unwrap();
    save_attempt(&c).await;
    let rows = c.find_all(Locator::Css("tbody tr")).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows[1].text().await.unwrap().starts_with("2"));
    assert_accessible(&c, "attempts, failed then pending").await;
    c.close().await.unwrap();
}

/// Sets inputs of a form by id as typing would (with `input` and `change` events); a date
/// input becomes a text box first, so that the ISO value is taken whatever the locale.
async fn set_fields(c: &Client, values: &[(&str, &str)]) {
    let map: serde_json::Map<String, Value> = values
        .iter()
        .map(|(id, v)| ((*id).to_owned(), Value::from(*v)))
        .collect();
    c.execute(
        "for (const [id, v] of Object.entries(arguments[0])) {
           const el = document.getElementById(id);
           if (!el) throw new Error('no input ' + id);
           if (el.type === 'date') el.type = 'text';
           el.value = v;
           el.dispatchEvent(new Event('input', {bubbles: true}));
           el.dispatchEvent(new Event('change', {bubbles: true}));
         }",
        vec![Value::Object(map)],
    )
    .await
    .unwrap();
}

/// Clicks radio buttons and check boxes by id, as a user would (hidden ones cannot be).
async fn tick(c: &Client, ids: &[&str]) {
    for id in ids {
        c.find(Locator::Id(id))
            .await
            .unwrap_or_else(|_| panic!("no input {id}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click {id}: {e}"));
    }
}

/// Presses the form button whose `value` is `action` and waits for the next page.
async fn press(c: &Client, action: &str) {
    let button = c
        .find(Locator::Css(&format!(
            "main button[value='{action}']:not(.default-button)"
        )))
        .await
        .unwrap_or_else(|_| panic!("no button {action}"));
    click_and_wait(c, button).await;
}

/// Chooses files for a file input.
async fn choose(c: &Client, id: &str, paths: &[&std::path::Path]) {
    let list: Vec<&str> = paths.iter().map(|p| p.to_str().unwrap()).collect();
    c.find(Locator::Id(id))
        .await
        .unwrap()
        .send_keys(&list.join("\n"))
        .await
        .unwrap();
}

/// The check-your-answers page, checked, then confirmed: the under-review page follows.
async fn confirm_step(c: &Client, page: &str) {
    assert!(
        c.title().await.unwrap().starts_with("ตรวจสอบข้อมูล"),
        "{page}: {}",
        text_of(c, "main").await
    );
    assert_accessible(c, &format!("{page}, check your answers")).await;
    submit(c).await;
    assert!(
        text_of(c, "main").await.contains("อยู่ระหว่างการตรวจสอบ"),
        "{page}: {}",
        text_of(c, "main").await
    );
    assert_accessible(c, &format!("{page}, under review")).await;
}

/// Adds a tester through the card the form adds (manual dialog เพิ่มผู้ทดสอบ).
async fn add_tester(c: &Client, index: usize, name: &str, citizen_id: &str) {
    press(c, "add_tester").await;
    let at = |m: &str| format!("testers[{index}].{m}");
    for (member, value) in [
        ("full_name", name),
        ("organization", "กองเทคโนโลยีสารสนเทศ"),
        ("email", "tester@rd.go.th"),
        ("phone", "081-234-5678"),
        ("citizen_id", citizen_id),
    ] {
        fill(c, &at(member), value).await;
    }
    tick(c, &[&at("os")]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_goes_from_the_first_login_to_a_scheduled_launch_in_the_browser() {
    let Some(driver) = driver("journey").await else {
        return;
    };
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    // The templates steps 3 and 5 link to (`onboard demo` seeds the same kind).
    add_template(
        &server,
        &seed,
        "uat-test",
        "Template Minimum Testcase (XLSX)",
        xlsx(),
    )
    .await;
    add_template(
        &server,
        &seed,
        "preprod-setup",
        "Template Icon งานบริการและภาพหน้าจอตัวอย่าง",
        png(595, 842, [255, 255, 255]),
    )
    .await;
    let reviewer = seed.reviewer.token.as_str();
    server
        .create_account(
            "journey.new",
            "Init1234Pw",
            Role::Agency,
            Some(seed.agency_a),
        )
        .await;
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: Vec<u8>| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    let icon = write("ไอคอน.png", png(120, 120, [20, 80, 160]));
    let wide_icon = write("icon-wide.png", png(200, 100, [20, 80, 160]));
    let shot_1 = write("หน้าแรก.png", png(108, 192, [200, 200, 200]));
    let shot_2 = write("แบบฟอร์ม.png", png(108, 192, [100, 100, 100]));
    let letter = write("หนังสือมอบหมาย.pdf", pdf("letter"));
    let result = write("AF6-1 Minimum testcase (uat).xlsx", xlsx());
    let c = browser(&driver, true).await;
    let base = &server.base;

    // First login: new credentials, then the dashboard.
    sign_in(&c, base, "journey.new", "Init1234Pw").await;
    assert_eq!(path_of(&c).await, "/first-login");
    fill(&c, "username", "somsri.rd").await;
    fill(&c, "password", "Tangrat2027").await;
    fill(&c, "password_confirmation", "Tangrat2027").await;
    submit(&c).await;
    assert_eq!(path_of(&c).await, "/");

    // A new e-Service with its งานบริการ.
    let link = c.find(Locator::LinkText("จัดการ e-Services")).await.unwrap();
    click_and_wait(&c, link).await;
    let link = c.find(Locator::LinkText("+ เพิ่ม e-Service")).await.unwrap();
    click_and_wait(&c, link).await;
    assert_accessible(&c, "new e-Service").await;
    fill(&c, "name", "ระบบคืนภาษีออนไลน์").await;
    fill(&c, "services", "ขอคืนภาษี\nติดตามการคืนภาษี").await;
    submit(&c).await;
    let path = path_of(&c).await;
    assert!(path.ends_with("/steps/credential"), "{path}");
    let id = path
        .trim_start_matches("/eservices/")
        .trim_end_matches("/steps/credential")
        .to_owned();
    let api = format!("/api/v1/eservices/{id}/steps");

    // Step 1: the counter counts, conditional fields appear with their choice, the icon
    // shows as a preview once uploaded.
    assert_accessible(&c, "step 1 form").await;
    assert!(c
        .find(Locator::Id("personal_data.fields"))
        .await
        .unwrap()
        .is_displayed()
        .await
        .map(|shown| !shown)
        .unwrap());
    c.find(Locator::Css(
        "select[id=category] option[value=tax_finance]",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    fill(&c, "short_description", "ยื่นขอคืนภาษีและติดตามผลผ่านแอปทางรัฐ").await;
    let short = "ยื่นขอคืนภาษีและติดตามผลผ่านแอปทางรัฐ";
    // Characters as the server counts them (code points), not bytes or UTF-16 units.
    assert_eq!(
        text_of(&c, "[id='short_description-counter']").await,
        format!("{}/140", short.chars().count())
    );
    fill(
        &c,
        "full_description",
        "ผู้เสียภาษียื่นคำขอคืนภาษี แนบเอกสาร และติดตามสถานะการคืนเงินได้ในที่เดียว",
    )
    .await;
    choose(&c, "icon_file_id", &[&icon]).await;
    set_fields(
        &c,
        &[("icon_concept", "-"), ("planned_launch_date", "2027-03-02")],
    )
    .await;
    tick(&c, &["personal_data.required"]).await;
    tick(
        &c,
        &[
            "personal_data.fields",
            "personal_data.fields-1",
            "identity_verification",
            "notifications",
            "device_access",
        ],
    )
    .await;
    press(&c, "save").await;
    assert!(text_of(&c, "main").await.contains("บันทึกแบบร่างแล้ว"));
    let preview = c.find(Locator::Css("img.preview")).await.unwrap();
    assert!(preview
        .attr("src")
        .await
        .unwrap()
        .unwrap()
        .starts_with("/files/"));
    assert!(text_of(&c, "main").await.contains("ไอคอน.png"));
    assert_accessible(&c, "step 1 with an icon").await;

    // A mistake: the summary names it, what was typed stays.
    set_fields(&c, &[("planned_launch_date", "2570-03-02")]).await;
    press(&c, "check").await;
    assert!(c.title().await.unwrap().starts_with("ข้อผิดพลาด:"));
    assert!(text_of(&c, "#error-summary")
        .await
        .contains("กำหนดการเปิดใช้งาน: "));
    assert_eq!(
        c.find(Locator::Id("short_description"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("ยื่นขอคืนภาษีและติดตามผลผ่านแอปทางรัฐ")
    );
    assert_accessible(&c, "step 1 with errors").await;
    set_fields(&c, &[("planned_launch_date", "2027-03-02")]).await;
    press(&c, "check").await;
    let check = text_of(&c, "main").await;
    assert!(
        check.contains("รายชื่องานบริการทั้งหมด 2 รายการ")
            && check.contains("ติดตามการคืนภาษี")
            && check.contains("ภาษีและการเงิน")
            && check.contains("2 มี.ค. 2570")
            && check.contains("ไอคอน.png"),
        "{check}"
    );
    confirm_step(&c, "step 1").await;

    // DGA asks for a change; the officer sees why, corrects and resubmits.
    server
        .json(
            Method::POST,
            &format!("{api}/credential/request-changes"),
            reviewer,
            &json!({"reason": "กรุณาเลือกรูปแบบการยืนยันตัวตนด้วยใบหน้า"}),
        )
        .await
        .expect(200);
    c.refresh().await.unwrap();
    assert!(text_of(&c, "main")
        .await
        .contains("กรุณาเลือกรูปแบบการยืนยันตัวตนด้วยใบหน้า"));
    tick(&c, &["identity_verification-1"]).await;
    press(&c, "check").await;
    assert!(text_of(&c, "main").await.contains("เปรียบเทียบใบหน้า"));
    confirm_step(&c, "step 1 again").await;
    server
        .post_empty(&format!("{api}/credential/approve"), reviewer)
        .await
        .expect(200);

    // Step 2: mToken and one tester added through the card.
    c.goto(&format!("{base}/eservices/{id}/steps/uat-setup"))
        .await
        .unwrap();
    assert!(text_of(&c, "main").await.contains("ยังไม่มีข้อมูลผู้ทดสอบ"));
    assert_accessible(&c, "step 2 form").await;
    tick(&c, &["profile_access.type"]).await;
    set_fields(
        &c,
        &[(
            "profile_access.landing_page_url",
            "https://efiling.rd.go.th/tangrat",
        )],
    )
    .await;
    add_tester(&c, 0, "นางสมศรี ใจงาม", "1-1037-02071-81-1").await;
    press(&c, "check").await;
    assert!(text_of(&c, "main").await.contains("ผู้ทดสอบ #1"));
    confirm_step(&c, "step 2").await;
    server
        .post_empty(&format!("{api}/uat-setup/approve"), reviewer)
        .await
        .expect(200);

    // Step 3: a failed attempt, then a passed one.
    c.goto(&format!("{base}/eservices/{id}/steps/uat-test"))
        .await
        .unwrap();
    assert!(c
        .find(Locator::LinkText(
            "ดาวน์โหลด Template Minimum Testcase (XLSX)"
        ))
        .await
        .is_ok());
    fill(&c, "details", "ทดสอบตาม Minimum Testcase รอบที่ 1").await;
    choose(&c, "file_id", &[&result]).await;
    save_attempt(&c).await;
    server
        .json(
            Method::POST,
            &format!("{api}/uat-test/request-changes"),
            reviewer,
            &json!({"reason": "กรณีคืนภาษีเกินยังไม่ผ่าน"}),
        )
        .await
        .expect(200);
    c.refresh().await.unwrap();
    assert!(text_of(&c, "tbody").await.contains("ไม่ผ่าน"));
    fill(&c, "details", "ทดสอบตาม Minimum Testcase รอบที่ 2").await;
    choose(&c, "file_id", &[&result]).await;
    save_attempt(&c).await;
    server
        .post_empty(&format!("{api}/uat-test/approve"), reviewer)
        .await
        .expect(200);
    c.refresh().await.unwrap();
    let rows = c.find_all(Locator::Css("tbody tr")).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows[1].text().await.unwrap().contains("ผ่าน"));

    // Step 4: the three-part form.
    c.goto(&format!("{base}/eservices/{id}/steps/platform-request"))
        .await
        .unwrap();
    assert_accessible(&c, "step 4 form").await;
    set_fields(
        &c,
        &[
            ("requester.agency.name_th", "กรมสรรพากร"),
            ("requester.agency.name_en", "The Revenue Department"),
            ("requester.agency.abbr_th", "สรรพากร"),
            ("requester.agency.abbr_en", "RD"),
            ("requester.agency.parent_th", "กระทรวงการคลัง"),
            ("requester.agency.parent_en", "Ministry of Finance"),
            ("requester.agency.address.number", "90"),
            ("requester.agency.address.road", "ถนนพหลโยธิน"),
            ("requester.agency.address.subdistrict", "แขวงพญาไท"),
            ("requester.agency.address.district", "เขตพญาไท"),
            ("requester.agency.address.province", "กรุงเทพมหานคร"),
            ("requester.agency.address.postcode", "10400"),
            ("requester.assignee.full_name", "นางสมศรี ใจงาม"),
            ("requester.assignee.citizen_id", "3700100556670"),
            ("requester.assignee.division", "สำนักเทคโนโลยีสารสนเทศ"),
            ("requester.assignee.position", "นักวิชาการคอมพิวเตอร์"),
            ("requester.assignee.office_phone", "02 272 8000"),
            ("requester.assignee.mobile", "0812345678"),
            ("requester.assignee.email", "somsri@rd.go.th"),
            ("service.intended_launch_date", "2027-03-02"),
            ("service.name", "ระบบคืนภาษีออนไลน์"),
            (
                "service.description",
                "ยื่นคำขอคืนภาษีและติดตามผลการคืนเงินผ่านแอปทางรัฐ",
            ),
            ("service.access_url", "https://efiling.rd.go.th/refund"),
        ],
    )
    .await;
    tick(
        &c,
        &[
            "requester.agency.agency_type",
            "requester.administrator.same_as_assignee",
            "requester.problem_contact.type",
            "service.target_group",
            "service.personal_data_fields",
            "service.personal_data_fields-1",
            "service.identity_level-1",
            "service.download_feature-1",
            "service.notifications",
            "service.smart_tracking-1",
            "service.profile_access.type",
        ],
    )
    .await;
    set_fields(
        &c,
        &[
            ("requester.problem_contact.phone", "1161"),
            ("requester.problem_contact.email", "contact@rd.go.th"),
            (
                "service.profile_access.landing_page_url",
                "https://efiling.rd.go.th/tangrat",
            ),
        ],
    )
    .await;
    choose(&c, "requester.assignment_letter_file_id", &[&letter]).await;
    // Without the consent the summary says so.
    press(&c, "check").await;
    assert!(text_of(&c, "#error-summary")
        .await
        .contains("คำรับรองและคำยินยอม"));
    assert!(text_of(&c, "main").await.contains("หนังสือมอบหมาย.pdf"));
    tick(&c, &["consents"]).await;
    press(&c, "check").await;
    let check = text_of(&c, "main").await;
    assert!(
        check.contains("The Revenue Department") && check.contains("ตกลง"),
        "{check}"
    );
    assert!(
        c.find(Locator::Css("main form button"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            == "ยืนยันการส่งข้อมูล"
    );
    confirm_step(&c, "step 4").await;
    server
        .post_empty(&format!("{api}/platform-request/approve"), reviewer)
        .await
        .expect(200);

    // Step 5: category, icon (the size warning does not block), screenshots, a tester.
    c.goto(&format!("{base}/eservices/{id}/steps/preprod-setup"))
        .await
        .unwrap();
    assert!(text_of(&c, "main").await.contains("Consumer Key"));
    assert!(c
        .find(Locator::LinkText(
            "ดาวน์โหลด Template Icon งานบริการและภาพหน้าจอตัวอย่าง"
        ))
        .await
        .is_ok());
    c.find(Locator::Css(
        "select[id=category] option[value=tax_finance]",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    choose(&c, "icon_file_id", &[&wide_icon]).await;
    choose(&c, "screenshot_file_ids", &[&shot_1, &shot_2]).await;
    // The browser previews chosen images before they are uploaded.
    for _ in 0..40 {
        if c.find_all(Locator::Css(".previews img"))
            .await
            .unwrap()
            .len()
            == 3
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        c.find_all(Locator::Css(".previews img"))
            .await
            .unwrap()
            .len(),
        3
    );
    tick(&c, &["profile_access.type"]).await;
    set_fields(
        &c,
        &[(
            "profile_access.landing_page_url",
            "https://efiling.rd.go.th/tangrat",
        )],
    )
    .await;
    add_tester(&c, 0, "นายสมชาย ใจดี", "1101700345670").await;
    assert_eq!(
        c.find_all(Locator::Css("img.preview")).await.unwrap().len(),
        3
    );
    assert_accessible(&c, "step 5 form").await;
    press(&c, "check").await;
    let check = text_of(&c, "main").await;
    assert!(
        check.contains("หน้าแรก.png") && check.contains("แบบฟอร์ม.png"),
        "{check}"
    );
    assert!(
        text_of(&c, "main").await.contains("120x120"),
        "the size warning: {check}"
    );
    confirm_step(&c, "step 5").await;
    server
        .post_empty(&format!("{api}/preprod-setup/approve"), reviewer)
        .await
        .expect(200);

    // Step 6: one attempt, passed.
    c.goto(&format!("{base}/eservices/{id}/steps/preprod-test"))
        .await
        .unwrap();
    fill(&c, "details", "ทดสอบบน Pre-Production ครบทุกกรณี").await;
    choose(&c, "file_id", &[&result]).await;
    save_attempt(&c).await;
    server
        .post_empty(&format!("{api}/preprod-test/approve"), reviewer)
        .await
        .expect(200);

    // Step 7: the Tuesday is announced before the final confirmation.
    c.goto(&format!("{base}/eservices/{id}")).await.unwrap();
    let link = c
        .find(Locator::LinkText("เตรียมการเปิดให้บริการ"))
        .await
        .unwrap();
    click_and_wait(&c, link).await;
    set_fields(&c, &[("desired_date", "2026-12-10")]).await;
    press(&c, "check").await;
    assert!(text_of(&c, "main").await.contains("วันอังคารที่ 15 ธ.ค. 2569"));
    press(&c, "review").await;
    press(&c, "confirm").await;
    assert!(text_of(&c, "main")
        .await
        .contains("เปิดให้บริการ e-Service สำเร็จ"));
    let detail = server
        .get(&format!("/api/v1/eservices/{id}"), &seed.admin.token)
        .await;
    let detail = detail.expect(200);
    assert_eq!(detail["launch_on"], "2026-12-15");
    assert_eq!(detail["lifecycle"], "scheduled");

    // Every step shows its summary, with the step's status.
    c.goto(&format!("{base}/eservices/{id}/steps/platform-request"))
        .await
        .unwrap();
    assert!(text_of(&c, "main").await.contains("เสร็จสิ้น"));
    assert_accessible(&c, "step 4 done").await;
    c.close().await.unwrap();
}

/// Without a browser: a step form posted on a stale version says so in Thai and gives the
/// form back with what was typed; another agency's step form is a 404; no token, no change.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_step_form_keeps_what_was_typed() {
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let officer = seed.officer_a.token.as_str();
    let id = server
        .create_eservice(officer, "ระบบจองคิวตรวจสุขภาพ", "จองคิวตรวจสุขภาพ")
        .await;
    let page = |token: &str| {
        server
            .http
            .get(format!("{}/eservices/{id}/steps/credential", server.base))
            .header("cookie", format!("onboard_session={token}"))
            .send()
    };
    let html = page(officer).await.unwrap().text().await.unwrap();
    let value_of = |name: &str| {
        let at = html
            .find(&format!("name=\"{name}\" value=\""))
            .unwrap_or_else(|| panic!("no {name} in the form"));
        let rest = &html[at + name.len() + 15..];
        rest[..rest.find('"').unwrap()].to_owned()
    };
    let (csrf, version) = (value_of("csrf"), value_of("version"));
    // Meanwhile the e-Service changes (another officer edits its งานบริการ).
    server
        .json(
            Method::PUT,
            &format!("/api/v1/eservices/{id}/services"),
            officer,
            &json!({"services": ["จองคิวตรวจสุขภาพ", "เลื่อนนัด"]}),
        )
        .await
        .expect(200);
    let post = |token: &str, csrf: &str| {
        let form = reqwest::multipart::Form::new()
            .text("csrf", csrf.to_owned())
            .text("version", version.clone())
            .text("action", "save")
            .text("short_description", "จองคิวตรวจสุขภาพประจำปีล่วงหน้า");
        server
            .http
            .post(format!("{}/eservices/{id}/steps/credential", server.base))
            .header("cookie", format!("onboard_session={token}"))
            .multipart(form)
            .send()
    };
    let r = post(officer, &csrf).await.unwrap();
    assert_eq!(r.status().as_u16(), 409);
    let body = r.text().await.unwrap();
    assert!(body.contains("ข้อมูลนี้ถูกแก้ไขไปแล้ว"), "{body}");
    assert!(
        body.contains("จองคิวตรวจสุขภาพประจำปีล่วงหน้า"),
        "what was typed is kept"
    );
    // Another agency's officer finds nothing there; a form without its token changes nothing.
    assert_eq!(
        page(&seed.officer_b.token).await.unwrap().status().as_u16(),
        404
    );
    let r = post(officer, "forged").await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let detail = server
        .get(&format!("/api/v1/eservices/{id}"), officer)
        .await;
    let steps = detail.expect(200)["steps"].clone();
    assert!(steps[0]["draft"].is_null(), "no draft was saved: {steps}");
}

/// An e-Service of agency A with steps 1 to 3 done and step 4 submitted through the API.
async fn at_platform_review(server: &Server, seed: &Seed) -> String {
    let officer = seed.officer_a.token.as_str();
    let id = server
        .create_eservice(officer, "ระบบขอรับสวัสดิการกำลังพล", "ขอรับสวัสดิการ")
        .await;
    common::pass_steps(server, seed, &id, &["credential", "uat-setup", "uat-test"]).await;
    let mut form = onboard_core::samples::json(onboard_core::reference::Step::PlatformRequest);
    let letter = server
        .upload_id(
            officer,
            "assignment_letter",
            "หนังสือมอบหมาย.pdf",
            pdf("letter"),
        )
        .await;
    form["requester"]["assignment_letter_file_id"] = json!(letter);
    let path = format!("/api/v1/eservices/{id}/steps/platform-request/submit");
    let r = server.json(Method::POST, &path, officer, &form).await;
    assert!(r.status.is_success(), "step 4: {}", r.body);
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reviewer_works_the_queue_while_the_officer_follows() {
    let Some(driver) = driver("review").await else {
        return;
    };
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let id = at_platform_review(&server, &seed).await;
    let base = &server.base;
    let agency_before = server
        .state
        .store
        .agency(seed.agency_a)
        .await
        .unwrap()
        .unwrap();

    // The reviewer opens the queue and the oldest submission.
    let dga = browser(&driver, true).await;
    sign_in(&dga, base, &seed.reviewer.username, &seed.reviewer.password).await;
    let link = dga.find(Locator::LinkText("รอตรวจสอบ")).await.unwrap();
    click_and_wait(&dga, link).await;
    assert!(text_of(&dga, "tbody")
        .await
        .contains("4. ขอใช้บริการขึ้นแพลตฟอร์มกลาง"));
    assert_accessible(&dga, "review queue").await;
    let link = dga
        .find(Locator::LinkText("ระบบขอรับสวัสดิการกำลังพล"))
        .await
        .unwrap();
    click_and_wait(&dga, link).await;
    assert_eq!(
        path_of(&dga).await,
        format!("/eservices/{id}/steps/platform-request/review")
    );
    let page = text_of(&dga, "main").await;
    assert!(
        page.contains("ส่วนที่ 1 : ข้อมูลผู้แจ้งความประสงค์")
            && page.contains("Royal Thai Navy")
            && page.contains("หนังสือมอบหมาย.pdf")
            && page.contains("ข้อมูลหน่วยงานที่ต่างจากทะเบียน"),
        "{page}"
    );
    // The exact wording consented to, by its version (as the API serves it).
    let consents = server
        .get("/api/v1/reference/consents", &seed.reviewer.token)
        .await;
    let consents = consents.expect(200);
    let version = consents["version"].as_str().unwrap();
    assert!(page.contains(&format!("ฉบับ {version}")), "{page}");
    assert!(page.contains(consents["statements"][2]["text_th"].as_str().unwrap()));
    assert_accessible(&dga, "review page").await;

    // Changes need a reason; with one, the step goes back to the agency.
    let send_back = dga
        .find(Locator::Css("form[action$='request-changes'] button"))
        .await
        .unwrap();
    click_and_wait(&dga, send_back).await;
    assert!(dga.title().await.unwrap().starts_with("ข้อผิดพลาด:"));
    assert_accessible(&dga, "review page with errors").await;
    fill(&dga, "reason", "กรุณาระบุชื่อบริการให้ตรงกับชื่อที่ประกาศ").await;
    let send_back = dga
        .find(Locator::Css("form[action$='request-changes'] button"))
        .await
        .unwrap();
    click_and_wait(&dga, send_back).await;
    let page = text_of(&dga, "main").await;
    assert!(
        page.contains("ส่งกลับให้หน่วยงานแก้ไขแล้ว") && page.contains("ต้องแก้ไข"),
        "{page}"
    );

    // The officer, in their own browser, sees why, corrects and resubmits.
    let agency = browser(&driver, true).await;
    sign_in(
        &agency,
        base,
        &seed.officer_a.username,
        &seed.officer_a.password,
    )
    .await;
    let link = agency.find(Locator::LinkText("การแจ้งเตือน")).await.unwrap();
    click_and_wait(&agency, link).await;
    assert!(text_of(&agency, "main")
        .await
        .contains("ระบบขอรับสวัสดิการกำลังพล"));
    agency
        .goto(&format!("{base}/eservices/{id}/steps/platform-request"))
        .await
        .unwrap();
    assert!(text_of(&agency, "main")
        .await
        .contains("กรุณาระบุชื่อบริการให้ตรงกับชื่อที่ประกาศ"));
    fill(&agency, "service.name", "ระบบขอรับสวัสดิการกำลังพลกองทัพเรือ").await;
    press(&agency, "check").await;
    confirm_step(&agency, "step 4 resubmitted").await;
    // Staff pages are not the agency's.
    for page in ["review", "reports", "outbox"] {
        agency.goto(&format!("{base}/{page}")).await.unwrap();
        assert!(
            text_of(&agency, "h1").await.contains("ไม่พบหน้าที่ต้องการ"),
            "{page}"
        );
    }
    agency
        .goto(&format!(
            "{base}/eservices/{id}/steps/platform-request/review"
        ))
        .await
        .unwrap();
    assert!(text_of(&agency, "h1").await.contains("ไม่พบหน้าที่ต้องการ"));

    // Back in the queue; approved with supplied production credentials, the agency record
    // left as it is.
    dga.goto(&format!("{base}/review")).await.unwrap();
    let link = dga
        .find(Locator::LinkText("ระบบขอรับสวัสดิการกำลังพล"))
        .await
        .unwrap();
    click_and_wait(&dga, link).await;
    assert!(text_of(&dga, "main")
        .await
        .contains("ระบบขอรับสวัสดิการกำลังพลกองทัพเรือ"));
    fill(&dga, "app_id", "navy-welfare-prod").await;
    fill(&dga, "consumer_key", "K".repeat(32).as_str()).await;
    let approve = dga
        .find(Locator::Css("form[action$='approve'] button"))
        .await
        .unwrap();
    click_and_wait(&dga, approve).await;
    assert!(text_of(&dga, "#error-summary").await.contains("ให้ครบ"));
    fill(&dga, "consumer_secret", "S".repeat(32).as_str()).await;
    fill(&dga, "note", "ผ่านการตรวจสอบ").await;
    let approve = dga
        .find(Locator::Css("form[action$='approve'] button"))
        .await
        .unwrap();
    click_and_wait(&dga, approve).await;
    let page = text_of(&dga, "main").await;
    assert!(
        page.contains("อนุมัติแล้ว") && page.contains("ผ่านการตรวจสอบ"),
        "{page}"
    );
    assert_accessible(&dga, "review page, approved").await;
    let agency_after = server
        .state
        .store
        .agency(seed.agency_a)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(agency_after.names(), agency_before.names());

    // All e-Services, filtered by agency and step: it is at step 5 now.
    dga.goto(&format!(
        "{base}/eservices?agency={}&step=preprod-setup",
        seed.agency_a
    ))
    .await
    .unwrap();
    assert!(text_of(&dga, "main")
        .await
        .contains("ระบบขอรับสวัสดิการกำลังพล"));
    assert_accessible(&dga, "all e-Services, filtered").await;
    dga.goto(&format!(
        "{base}/eservices?agency={}&step=credential",
        seed.agency_a
    ))
    .await
    .unwrap();
    assert!(!text_of(&dga, "main")
        .await
        .contains("ระบบขอรับสวัสดิการกำลังพล"));

    // Reports: the CSV download, as `onboard report` writes it, for staff only.
    dga.goto(&format!("{base}/reports")).await.unwrap();
    assert_accessible(&dga, "reports").await;
    let href = dga
        .find(Locator::LinkText("ดาวน์โหลดรายงาน (CSV)"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let csv_of = |cookie: String| {
        server
            .http
            .get(format!("{base}{href}"))
            .header("cookie", format!("onboard_session={cookie}"))
            .send()
    };
    let staff_cookie = dga
        .get_named_cookie("onboard_session")
        .await
        .unwrap()
        .value()
        .to_owned();
    let r = csv_of(staff_cookie).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let bytes = r.bytes().await.unwrap();
    let text = std::str::from_utf8(&bytes).unwrap();
    assert!(text.starts_with('\u{feff}'), "a byte-order mark for Excel");
    let mut lines = text.trim_start_matches('\u{feff}').split("\r\n");
    assert_eq!(
        lines.next(),
        Some(onboard_app::reports::COLUMNS.join(",").as_str())
    );
    let row = lines
        .find(|l| l.contains("ระบบขอรับสวัสดิการกำลังพล"))
        .expect("the e-Service's row");
    assert!(row.contains("พัฒนาและติดตั้ง Pre-Production"), "{row}");
    let officer_cookie = seed.officer_a.token.clone();
    assert_eq!(csv_of(officer_cookie).await.unwrap().status().as_u16(), 404);

    // The officer sees the production credentials on the e-Service page.
    agency
        .goto(&format!("{base}/eservices/{id}"))
        .await
        .unwrap();
    let page = text_of(&agency, "main").await;
    assert!(page.contains("navy-welfare-prod"), "{page}");

    // Steps 5 to 7 done, an admin moves the launch a week later, with a reason.
    common::pass_steps(&server, &seed, &id, &["preprod-setup", "preprod-test"]).await;
    common::confirm_launch(&server, &seed, &id, "2027-03-05").await;
    let logout = dga.find(Locator::Css("header form button")).await.unwrap();
    click_and_wait(&dga, logout).await;
    sign_in(&dga, base, &seed.admin.username, &seed.admin.password).await;
    dga.goto(&format!("{base}/eservices/{id}")).await.unwrap();
    assert!(text_of(&dga, "main").await.contains("9 มี.ค. 2570"));
    click_css(&dga, "a[href$='/launch/reschedule']").await;
    assert_eq!(
        path_of(&dga).await,
        format!("/eservices/{id}/launch/reschedule")
    );
    assert_accessible(&dga, "reschedule").await;
    click_css(&dga, "button[value='confirm']").await;
    assert!(dga.title().await.unwrap().starts_with("ข้อผิดพลาด:"));
    let summary = text_of(&dga, "#error-summary").await;
    assert!(summary.contains("กรุณากรอกข้อมูล"), "{summary}");
    assert_accessible(&dga, "reschedule with errors").await;
    set_fields(&dga, &[("desired_date", "2027-03-17")]).await;
    fill(&dga, "reason", "ช่วงงดเผยแพร่เพื่อปรับปรุงระบบทางรัฐ").await;
    click_css(&dga, "button[value='check']").await;
    assert!(text_of(&dga, "main")
        .await
        .contains("วันเปิดให้บริการใหม่จะเป็น วันอังคารที่ 23 มี.ค. 2570"));
    click_css(&dga, "button[value='confirm']").await;
    assert_eq!(path_of(&dga).await, format!("/eservices/{id}"));
    let page = text_of(&dga, "main").await;
    assert!(
        page.contains("เลื่อนวันเปิดให้บริการเรียบร้อยแล้ว") && page.contains("23 มี.ค. 2570"),
        "{page}"
    );
    assert_accessible(&dga, "e-Service, rescheduled").await;

    // The officer is told, and sees the new date; the page to move it is not theirs.
    let link = agency.find(Locator::LinkText("การแจ้งเตือน")).await.unwrap();
    click_and_wait(&agency, link).await;
    let page = text_of(&agency, "main").await;
    assert!(
        page.contains("เลื่อนวันเปิดให้บริการ: ระบบขอรับสวัสดิการกำลังพล")
            && page.contains("ช่วงงดเผยแพร่เพื่อปรับปรุงระบบทางรัฐ"),
        "{page}"
    );
    agency
        .goto(&format!("{base}/eservices/{id}"))
        .await
        .unwrap();
    let page = text_of(&agency, "main").await;
    assert!(
        page.contains("23 มี.ค. 2570") && !page.contains("เลื่อนวันเปิดให้บริการ"),
        "{page}"
    );
    agency
        .goto(&format!("{base}/eservices/{id}/launch/reschedule"))
        .await
        .unwrap();
    assert!(text_of(&agency, "h1").await.contains("ไม่พบหน้าที่ต้องการ"));
    dga.close().await.unwrap();
    agency.close().await.unwrap();
}

/// Clicks the element `css` and waits for the next page.
async fn click_css(c: &Client, css: &str) {
    let target = c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("nothing at {css}"));
    click_and_wait(c, target).await;
}

/// The username and password of the newest e-mail of `kind` to `to`, as the user reads
/// them in the letter (the password is the e-mail's marked secret).
async fn mailed_credentials(server: &Server, to: &str, kind: &str) -> (String, String) {
    let outbox = server.state.store.outbox(None, 100).await.unwrap();
    let mail = outbox
        .iter()
        .find(|m| m.to == to && m.kind.as_str() == kind)
        .unwrap_or_else(|| panic!("no {kind} e-mail to {to}"));
    let username = mail
        .body
        .lines()
        .find_map(|l| l.strip_prefix("ชื่อผู้ใช้งาน: "))
        .unwrap()
        .to_owned();
    let password = mail.secret.clone().unwrap();
    assert!(mail.body.contains(&password));
    (username, password)
}

/// The first login with a new username and password; lands on the dashboard.
async fn first_login_as(c: &Client, username: &str, password: &str) {
    assert_eq!(path_of(c).await, "/first-login");
    fill(c, "username", username).await;
    fill(c, "password", password).await;
    fill(c, "password_confirmation", password).await;
    submit(c).await;
    assert_eq!(path_of(c).await, "/");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_manages_agencies_and_accounts_in_the_browser() {
    let Some(driver) = driver("account administration").await else {
        return;
    };
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let base = &server.base;
    let c = browser(&driver, true).await;
    sign_in(&c, base, &seed.admin.username, &seed.admin.password).await;

    // The admin's menu has the two pages.
    let link = c.find(Locator::LinkText("หน่วยงาน")).await.unwrap();
    click_and_wait(&c, link).await;
    assert_eq!(path_of(&c).await, "/agencies");
    assert_eq!(text_of(&c, "nav a[aria-current=page]").await, "หน่วยงาน");
    assert!(text_of(&c, "#agencies").await.contains("กรมกิจการผู้สูงอายุ"));
    assert_accessible(&c, "agencies").await;

    // A new agency: every missing name at once, then the four names.
    click_css(&c, "form[action='/agencies'] button[type=submit]").await;
    assert!(c.title().await.unwrap().starts_with("ข้อผิดพลาด:"));
    assert_eq!(
        c.find_all(Locator::Css("#error-summary li"))
            .await
            .unwrap()
            .len(),
        4
    );
    assert_accessible(&c, "agencies with errors").await;
    fill(&c, "name_th", "กรมสรรพกร").await;
    fill(&c, "name_en", "The Revenue Department").await;
    fill(&c, "ministry_th", "กระทรวงการคลัง").await;
    fill(&c, "ministry_en", "Ministry of Finance").await;
    click_css(&c, "form[action='/agencies'] button[type=submit]").await;
    assert_eq!(path_of(&c).await, "/agencies");
    assert!(text_of(&c, ".notice").await.contains("เพิ่มหน่วยงานแล้ว"));
    assert!(text_of(&c, "#agencies").await.contains("กรมสรรพกร"));
    assert_accessible(&c, "agencies, created").await;
    let agency = server
        .state
        .store
        .agencies()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.name_th == "กรมสรรพกร")
        .unwrap();

    // Its Thai name corrected.
    let edit = c
        .find(Locator::Css(&format!("a[href='/agencies/{}']", agency.id)))
        .await
        .unwrap();
    click_and_wait(&c, edit).await;
    assert_eq!(text_of(&c, "h1").await, "แก้ไขหน่วยงาน");
    assert_accessible(&c, "agency edit").await;
    fill(&c, "name_th", "").await;
    submit(&c).await;
    assert!(c.title().await.unwrap().starts_with("ข้อผิดพลาด:"));
    assert!(text_of(&c, "#name_th-error")
        .await
        .starts_with("ข้อผิดพลาด: "));
    assert_accessible(&c, "agency edit with errors").await;
    fill(&c, "name_th", "กรมสรรพากร").await;
    submit(&c).await;
    assert_eq!(path_of(&c).await, "/agencies");
    assert!(text_of(&c, ".notice").await.contains("บันทึกชื่อหน่วยงานแล้ว"));
    assert!(text_of(&c, "#agencies").await.contains("กรมสรรพากร"));

    // The users page lists every account with the six columns.
    let link = c.find(Locator::LinkText("ผู้ใช้งาน")).await.unwrap();
    click_and_wait(&c, link).await;
    assert_eq!(path_of(&c).await, "/users");
    let head = text_of(&c, "#users thead").await;
    for column in ["ชื่อผู้ใช้งาน", "ชื่อ", "อีเมล", "บทบาท", "หน่วยงาน", "สถานะ"]
    {
        assert!(head.contains(column), "{column} in {head}");
    }
    assert!(text_of(&c, "#users").await.contains("officer_a"));
    assert_accessible(&c, "users").await;

    // A new officer of the new agency: the credentials are shown once, on this answer.
    fill(&c, "email", "saraban@rd.go.th").await;
    fill(&c, "display_name", "สมหญิง รักงาน").await;
    set_fields(
        &c,
        &[("role", "agency"), ("agency_id", &agency.id.to_string())],
    )
    .await;
    click_css(&c, "form[action='/users'][method=post] button[type=submit]").await;
    let url = c.current_url().await.unwrap();
    assert_eq!((url.path(), url.query()), ("/users", None));
    assert!(text_of(&c, "#issued h2").await.contains("สร้างบัญชีผู้ใช้งานแล้ว"));
    let shown = (
        text_of(&c, "#issued-username").await,
        text_of(&c, "#issued-password").await,
    );
    assert_accessible(&c, "users, account created").await;
    let (username, password) =
        mailed_credentials(&server, "saraban@rd.go.th", "account_created").await;
    assert_eq!(shown, (username.clone(), password.clone()));
    // Never again: not on the next visit of the page.
    c.goto(&format!("{base}/users")).await.unwrap();
    assert!(c.find(Locator::Id("issued")).await.is_err());
    assert!(!text_of(&c, "main").await.contains(&password));
    let officer = server
        .state
        .store
        .user_by_username(&username)
        .await
        .unwrap()
        .unwrap();
    let row = format!("#user-{}", officer.id);
    assert!(text_of(&c, &row).await.contains("รอเข้าสู่ระบบครั้งแรก"));
    assert!(text_of(&c, &row).await.contains("กรมสรรพากร"));

    // The officer's first login, in another browser, with the e-mailed credentials.
    let o = browser(&driver, true).await;
    sign_in(&o, base, &username, &password).await;
    first_login_as(&o, "somying.r", "Tangrat2027x").await;
    // No admin pages for an officer: not in the menu, and a 404 page at their addresses.
    assert!(o.find(Locator::LinkText("ผู้ใช้งาน")).await.is_err());
    for page in ["/users", "/agencies"] {
        o.goto(&format!("{base}{page}")).await.unwrap();
        assert_eq!(text_of(&o, "h1").await, "ไม่พบหน้าที่ต้องการ", "{page}");
    }

    // A reset: new credentials shown once; the officer's open session ends.
    c.goto(&format!("{base}/users")).await.unwrap();
    click_css(&c, &format!("{row} form[action$='/reset'] button")).await;
    assert!(text_of(&c, "#issued h2").await.contains("รีเซ็ตรหัสผ่านแล้ว"));
    assert_eq!(text_of(&c, "#issued-username").await, "somying.r");
    assert_accessible(&c, "users, credentials reset").await;
    let (again, reset_password) =
        mailed_credentials(&server, "saraban@rd.go.th", "credentials_reset").await;
    assert_eq!(again, "somying.r");
    assert_eq!(text_of(&c, "#issued-password").await, reset_password);
    o.goto(&format!("{base}/")).await.unwrap();
    assert_eq!(path_of(&o).await, "/login");
    sign_in(&o, base, "somying.r", "Tangrat2027x").await;
    assert!(text_of(&o, "#error-summary")
        .await
        .contains("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"));
    sign_in(&o, base, "somying.r", &reset_password).await;
    first_login_as(&o, "somying.rd", "Renewed2027x").await;

    // Disabling ends the officer's open session: the next page load goes to the login.
    c.goto(&format!("{base}/users")).await.unwrap();
    click_css(&c, &format!("{row} form[action$='/disable'] button")).await;
    let url = c.current_url().await.unwrap();
    assert_eq!((url.path(), url.query()), ("/users", Some("done=disabled")));
    assert!(text_of(&c, ".notice").await.contains("ปิดการใช้งานบัญชีแล้ว"));
    assert!(text_of(&c, &row).await.contains("ปิดการใช้งาน"));
    assert_accessible(&c, "users, disabled").await;
    o.goto(&format!("{base}/eservices")).await.unwrap();
    assert_eq!(path_of(&o).await, "/login");
    sign_in(&o, base, "somying.rd", "Renewed2027x").await;
    assert_eq!(path_of(&o).await, "/login");
    assert!(text_of(&o, "#error-summary")
        .await
        .contains("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"));

    // Enabled again: the same password lets the officer in.
    click_css(&c, &format!("{row} form[action$='/enable'] button")).await;
    assert!(text_of(&c, ".notice").await.contains("เปิดการใช้งานบัญชีแล้ว"));
    assert!(text_of(&c, &row).await.contains("ใช้งานอยู่"));
    sign_in(&o, base, "somying.rd", "Renewed2027x").await;
    assert_eq!(path_of(&o).await, "/");
    o.close().await.unwrap();

    // The only admin cannot disable their own account: the reason leads the page.
    let own = format!("#user-{} form[action$='/disable'] button", seed.admin.id);
    click_css(&c, &own).await;
    assert!(c.title().await.unwrap().starts_with("ข้อผิดพลาด:"));
    assert!(text_of(&c, "#error-summary")
        .await
        .contains("ผู้ดูแลระบบคนสุดท้าย"));
    assert_accessible(&c, "users, last admin").await;

    // The outbox lists the e-mails with their status; initial passwords never show there.
    let link = c.find(Locator::LinkText("อีเมลขาออก")).await.unwrap();
    click_and_wait(&c, link).await;
    let table = text_of(&c, "tbody").await;
    assert!(
        table.contains("saraban@rd.go.th") && table.contains("รอส่ง"),
        "{table}"
    );
    assert!(!text_of(&c, "main").await.contains(&password));
    assert_accessible(&c, "outbox").await;
    c.goto(&format!("{base}/")).await.unwrap();
    assert_eq!(path_of(&c).await, "/");
    c.close().await.unwrap();

    // Without the form's CSRF token nothing happens; an officer's token gets the 404 page.
    let post = |token: &str, path: String, csrf: Option<String>| {
        let mut form = Vec::new();
        if let Some(csrf) = csrf {
            form.push(("csrf", csrf));
        }
        server
            .http
            .post(format!("{base}{path}"))
            .header("cookie", format!("onboard_session={token}"))
            .form(&form)
            .send()
    };
    let target = format!("/users/{}/disable", seed.officer_b.id);
    let r = post(&seed.admin.token, target.clone(), None).await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
    // The officer's own token, as any page of theirs carries it.
    let settings = server
        .http
        .get(format!("{base}/settings"))
        .header(
            "cookie",
            format!("onboard_session={}", seed.officer_a.token),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let officer_csrf = settings
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let r = post(&seed.officer_a.token, target, Some(officer_csrf))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let still = server
        .state
        .store
        .user(seed.officer_b.id)
        .await
        .unwrap()
        .unwrap();
    assert!(!still.disabled, "nothing changed");
    server.stop().await;
}

/// The CSRF token a page of `token`'s session carries (the settings page has a form).
async fn csrf_of(server: &Server, token: &str) -> String {
    let settings = server
        .http
        .get(format!("{}/settings", server.base))
        .header("cookie", format!("onboard_session={token}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    settings
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_retries_a_failed_email_in_the_browser() {
    let Some(driver) = driver("outbox retry").await else {
        return;
    };
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let base = &server.base;
    // Delivery gave up on two e-mails (a permanent refusal), as the worker records it.
    let store = &server.state.store;
    let now = server.now();
    let claimed = store
        .claim_outbox(
            2,
            now + chrono::Duration::days(1),
            chrono::Duration::minutes(5),
        )
        .await
        .unwrap();
    assert_eq!(claimed.len(), 2);
    for m in &claimed {
        store
            .mark_dead(m.id, "554 5.1.1 mailbox unavailable", now)
            .await
            .unwrap();
    }
    let (first, second) = (&claimed[0], &claimed[1]);

    let c = browser(&driver, true).await;
    sign_in(&c, base, &seed.admin.username, &seed.admin.password).await;
    c.goto(&format!("{base}/outbox")).await.unwrap();
    assert!(text_of(&c, ".lead").await.contains("24 ชั่วโมง"));
    // The filter ส่งไม่สำเร็จ lists exactly the two, with the reason and a button each.
    set_fields(&c, &[("status", "failed")]).await;
    click_css(&c, "form.search button[type=submit]").await;
    let url = c.current_url().await.unwrap();
    assert_eq!(
        (url.path(), url.query()),
        ("/outbox", Some("status=failed"))
    );
    let rows = c.find_all(Locator::Css("#outbox tbody tr")).await.unwrap();
    assert_eq!(rows.len(), 2);
    let row = format!("#mail-{}", first.id);
    let text = text_of(&c, &row).await;
    assert!(
        text.contains("ส่งไม่สำเร็จ") && text.contains("554 5.1.1"),
        "{text}"
    );
    assert!(text.contains("ส่งใหม่"), "{text}");
    assert_accessible(&c, "outbox, failed").await;

    // ส่งใหม่: back to the same filter with a notice; the e-mail is pending again.
    click_css(&c, &format!("{row} form[action$='/retry'] button")).await;
    let url = c.current_url().await.unwrap();
    assert_eq!(
        (url.path(), url.query()),
        ("/outbox", Some("status=failed&done=retried"))
    );
    assert!(text_of(&c, "#notice").await.contains("ส่งอีเมลใหม่แล้ว"));
    assert!(c.find(Locator::Css(&row)).await.is_err());
    assert_accessible(&c, "outbox, retried").await;
    c.goto(&format!("{base}/outbox?status=pending"))
        .await
        .unwrap();
    let text = text_of(&c, &row).await;
    assert!(text.contains("รอส่ง") && !text.contains("ส่งใหม่"), "{text}");
    let queued = store.outbox(None, 1000).await.unwrap();
    let mine = queued.iter().find(|m| m.id == first.id).unwrap();
    assert_eq!(
        (mine.status, mine.next_attempt_at, mine.attempts),
        (onboard_store::OutboxStatus::Pending, server.now(), 1)
    );

    // A stale page: the other e-mail was queued again meanwhile (another admin, or the
    // CLI). Its button says so in a notice, not an error page.
    c.goto(&format!("{base}/outbox?status=failed"))
        .await
        .unwrap();
    store.retry_outbox(second.id, server.now()).await.unwrap();
    click_css(
        &c,
        &format!("#mail-{} form[action$='/retry'] button", second.id),
    )
    .await;
    let url = c.current_url().await.unwrap();
    assert_eq!(
        (url.path(), url.query()),
        ("/outbox", Some("status=failed&done=not-failed&was=pending"))
    );
    let notice = text_of(&c, "#notice").await;
    assert!(
        notice.starts_with("ส่งใหม่ได้เฉพาะอีเมลที่ส่งไม่สำเร็จ") && notice.contains("รอส่ง"),
        "{notice}"
    );
    assert_eq!(text_of(&c, "h1").await, "อีเมลขาออก");
    assert_accessible(&c, "outbox, no longer failed").await;
    c.close().await.unwrap();

    // Without the CSRF token nothing happens; an officer gets the 404 page; so does an
    // unknown e-mail.
    let again = store
        .claim_outbox(
            1,
            now + chrono::Duration::days(1),
            chrono::Duration::minutes(5),
        )
        .await
        .unwrap();
    store.mark_dead(again[0].id, "554", now).await.unwrap();
    let post = |token: &str, path: String, csrf: Option<String>| {
        let mut form = Vec::new();
        if let Some(csrf) = csrf {
            form.push(("csrf", csrf));
        }
        server
            .http
            .post(format!("{base}{path}"))
            .header("cookie", format!("onboard_session={token}"))
            .form(&form)
            .send()
    };
    let target = format!("/outbox/{}/retry", again[0].id);
    let r = post(&seed.admin.token, target.clone(), None).await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let officer_csrf = csrf_of(&server, &seed.officer_a.token).await;
    let r = post(&seed.officer_a.token, target.clone(), Some(officer_csrf))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    assert!(r.text().await.unwrap().contains("ไม่พบหน้าที่ต้องการ"));
    let reviewer_csrf = csrf_of(&server, &seed.reviewer.token).await;
    let r = post(&seed.reviewer.token, target, Some(reviewer_csrf))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let admin_csrf = csrf_of(&server, &seed.admin.token).await;
    let r = post(
        &seed.admin.token,
        format!("/outbox/{}/retry", uuid::Uuid::now_v7()),
        Some(admin_csrf),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let still = store
        .outbox(Some(onboard_store::OutboxStatus::Failed), 100)
        .await
        .unwrap();
    assert_eq!(
        still.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![again[0].id],
        "nothing changed"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_closes_a_release_tuesday_and_the_launch_page_moves_to_the_next() {
    let Some(driver) = driver("calendar").await else {
        return;
    };
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let id = at_launch(&server, &seed).await;
    let base = &server.base;
    let add = "form[action='/calendar/closed-dates'] button[type=submit]";

    let c = browser(&driver, true).await;
    sign_in(&c, base, &seed.admin.username, &seed.admin.password).await;
    let link = c.find(Locator::LinkText("ปฏิทินวันเผยแพร่")).await.unwrap();
    click_and_wait(&c, link).await;
    assert_eq!(path_of(&c).await, "/calendar");
    let main = text_of(&c, "main").await;
    assert!(
        main.contains("ยังไม่มีวันงดเผยแพร่") && main.contains("วันอังคารที่ 15 ธ.ค. 2569"),
        "{main}"
    );
    assert_accessible(&c, "calendar").await;

    // First without a reason: the summary names it, the date typed stays.
    c.execute("document.getElementById('date').type = 'text'", vec![])
        .await
        .unwrap();
    fill(&c, "date", "2026-12-15").await;
    click_css(&c, add).await;
    assert!(text_of(&c, "#error-summary").await.contains("กรุณากรอกข้อมูล"));
    assert!(c.title().await.unwrap().starts_with("ข้อผิดพลาด:"));
    let kept = c
        .find(Locator::Id("date"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("2026-12-15"));
    assert_accessible(&c, "calendar with errors").await;

    fill(&c, "reason", "ปิดปรับปรุงระบบทางรัฐ").await;
    click_css(&c, add).await;
    assert_eq!(path_of(&c).await, "/calendar");
    assert!(text_of(&c, ".notice").await.contains("15 ธ.ค. 2569"));
    let closed = text_of(&c, "#closed-dates").await;
    assert!(
        closed.contains("15 ธ.ค. 2569") && closed.contains("ปิดปรับปรุงระบบทางรัฐ"),
        "{closed}"
    );
    assert!(!text_of(&c, "ol.release-days")
        .await
        .contains("วันอังคารที่ 15 ธ.ค. 2569"));
    assert_accessible(&c, "calendar with a closed date").await;
    c.close().await.unwrap();

    // The officer sees the calendar without the admin's forms, and the launch page's
    // release for 10 December is now Tuesday the 22nd.
    let c = browser(&driver, true).await;
    sign_in(&c, base, &seed.officer_a.username, &seed.officer_a.password).await;
    c.goto(&format!("{base}/calendar")).await.unwrap();
    assert!(text_of(&c, "#closed-dates")
        .await
        .contains("ปิดปรับปรุงระบบทางรัฐ"));
    assert!(c.find(Locator::Css(add)).await.is_err());
    assert!(c
        .find(Locator::Css("a[href='/calendar/releases.ics']"))
        .await
        .is_ok());
    assert_accessible(&c, "calendar for an officer").await;
    c.goto(&format!("{base}/eservices/{id}/launch"))
        .await
        .unwrap();
    c.execute(
        "document.getElementById('desired_date').type = 'text'",
        vec![],
    )
    .await
    .unwrap();
    fill(&c, "desired_date", "2026-12-10").await;
    let check = c.find(Locator::Css("button[value=check]")).await.unwrap();
    click_and_wait(&c, check).await;
    let main = text_of(&c, "main").await;
    assert!(main.contains("วันอังคารที่ 22 ธ.ค. 2569"), "{main}");
    assert_accessible(&c, "launch after a closed date").await;
    c.close().await.unwrap();
}

/// Adds a template through the API, as an admin.
async fn add_template(server: &Server, seed: &Seed, step: &str, title_th: &str, bytes: Vec<u8>) {
    let form = reqwest::multipart::Form::new()
        .text("title_th", title_th.to_owned())
        .text("title_en", format!("{title_th} (en)"))
        .text("step", step.to_owned())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name("template.bin"),
        );
    let req = server
        .req(Method::POST, "/api/v1/templates", Some(&seed.admin.token))
        .multipart(form);
    server.send(req).await.expect(201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adds_a_template_that_an_officer_downloads_from_the_step_page() {
    let Some(driver) = driver("templates").await else {
        return;
    };
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let base = &server.base;
    let dir = tempfile::tempdir().unwrap();
    let guide_bytes = pdf("คู่มือการขอ Credential");
    let guide = dir.path().join("คู่มือการขอ Credential.pdf");
    std::fs::write(&guide, &guide_bytes).unwrap();

    let c = browser(&driver, true).await;
    sign_in(&c, base, &seed.admin.username, &seed.admin.password).await;
    let link = c.find(Locator::LinkText("เทมเพลต")).await.unwrap();
    click_and_wait(&c, link).await;
    assert_eq!(path_of(&c).await, "/templates");
    assert_eq!(text_of(&c, "nav a[aria-current=page]").await, "เทมเพลต");
    assert!(text_of(&c, "main").await.contains("ยังไม่มีเทมเพลต"));
    assert_accessible(&c, "templates, none yet").await;

    // The Thai title forgotten: the error summary names it, the rest is kept.
    fill(&c, "title_en", "Credential request guide").await;
    c.find(Locator::Css("select[id=step] option[value=credential]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    choose(&c, "file", &[&guide]).await;
    click_css(&c, "form[action='/templates'] button[type=submit]").await;
    assert!(c.title().await.unwrap().starts_with("ข้อผิดพลาด:"));
    let summary = c
        .find_all(Locator::Css("#error-summary li a"))
        .await
        .unwrap();
    assert_eq!(summary.len(), 1);
    assert_eq!(
        summary[0].attr("href").await.unwrap().as_deref(),
        Some("#title_th")
    );
    assert!(text_of(&c, "#title_th-error")
        .await
        .starts_with("ข้อผิดพลาด: "));
    let kept = c.find(Locator::Id("title_en")).await.unwrap();
    assert_eq!(
        kept.prop("value").await.unwrap().as_deref(),
        Some("Credential request guide")
    );
    let step = c.find(Locator::Id("step")).await.unwrap();
    assert_eq!(
        step.prop("value").await.unwrap().as_deref(),
        Some("credential")
    );
    assert!(server.state.store.templates().await.unwrap().is_empty());
    assert_accessible(&c, "templates with errors").await;

    // Corrected: back to the list with a notice and the new row.
    fill(&c, "title_th", "Template คู่มือการขอ Credential").await;
    choose(&c, "file", &[&guide]).await;
    click_css(&c, "form[action='/templates'] button[type=submit]").await;
    assert_eq!(path_of(&c).await, "/templates");
    assert!(text_of(&c, ".notice").await.contains("เพิ่มเทมเพลตแล้ว"));
    let table = text_of(&c, "#templates").await;
    for text in [
        "1. ",
        "Template คู่มือการขอ Credential",
        "Credential request guide",
        "คู่มือการขอ Credential.pdf",
    ] {
        assert!(table.contains(text), "{text} not in {table}");
    }
    assert_accessible(&c, "templates, added").await;
    let added = server.state.store.templates().await.unwrap();
    assert_eq!(added.len(), 1);
    let template = added[0].clone();
    c.close().await.unwrap();

    // An officer sees its link on step 1's page and downloads it.
    let id = server
        .create_eservice(&seed.officer_a.token, "ระบบขอคืนภาษี", "ขอคืนภาษี")
        .await;
    let c = browser(&driver, true).await;
    sign_in(&c, base, &seed.officer_a.username, &seed.officer_a.password).await;
    c.goto(&format!("{base}/eservices/{id}/steps/credential"))
        .await
        .unwrap();
    let link = c
        .find(Locator::LinkText("ดาวน์โหลด Template คู่มือการขอ Credential"))
        .await
        .unwrap();
    let href = link.attr("href").await.unwrap().unwrap();
    assert_eq!(href, format!("/templates/{}", template.id));
    assert_accessible(&c, "step 1 with its template").await;
    let cookie = c.get_named_cookie("onboard_session").await.unwrap();
    let download = server
        .http
        .get(format!("{base}{href}"))
        .header("cookie", format!("onboard_session={}", cookie.value()))
        .send()
        .await
        .unwrap();
    assert_eq!(download.status().as_u16(), 200);
    assert_eq!(download.headers()["content-type"], "application/pdf");
    let disposition = download.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert_eq!(download.bytes().await.unwrap().to_vec(), guide_bytes);
    // Without a session there is no download: the login page instead.
    let anonymous = server
        .http
        .get(format!("{base}{href}"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.url().path(), "/login");
    assert!(!anonymous.bytes().await.unwrap().starts_with(b"%PDF"));
    // A step without templates has no link.
    c.goto(&format!("{base}/eservices/{id}/steps/uat-test"))
        .await
        .unwrap();
    assert!(c
        .find_all(Locator::Css("a[href^='/templates/']"))
        .await
        .unwrap()
        .is_empty());
    // The admins' page is the 404 page to the officer.
    c.goto(&format!("{base}/templates")).await.unwrap();
    assert!(text_of(&c, "main").await.contains("ไม่พบหน้าที่ต้องการ"));
    assert_accessible(&c, "templates as an officer").await;
    c.close().await.unwrap();

    // The admin deletes it: the step's page no longer links to it.
    let c = browser(&driver, true).await;
    sign_in(&c, base, &seed.admin.username, &seed.admin.password).await;
    c.goto(&format!("{base}/templates")).await.unwrap();
    click_css(
        &c,
        &format!("form[action='/templates/{}/delete'] button", template.id),
    )
    .await;
    assert_eq!(path_of(&c).await, "/templates");
    assert!(text_of(&c, ".notice").await.contains("ลบเทมเพลตแล้ว"));
    assert!(text_of(&c, "main").await.contains("ยังไม่มีเทมเพลต"));
    assert_accessible(&c, "templates, deleted").await;
    c.goto(&format!("{base}/eservices/{id}/steps/credential"))
        .await
        .unwrap();
    assert!(c
        .find_all(Locator::Css("a[href^='/templates/']"))
        .await
        .unwrap()
        .is_empty());
    c.close().await.unwrap();
    server.stop().await;
}
