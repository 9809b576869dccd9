//! The authorization matrix: every endpoint × {anonymous, agency A, agency B, reviewer,
//! admin, user before first login}, each cell on fresh data, asserting the exact status.

use crate::common::{Seed, Server};
use onboard_core::file::MediaType;
use onboard_core::id::{AgencyId, EServiceId, FileId, NotificationId, TemplateId, UserId};
use onboard_core::reference::{Role, Step};
use onboard_core::testing::files::{png, xlsx};
use onboard_core::workflow::{Actor, Command};
use onboard_store::password::{new_token, token_hash};
use onboard_store::{CommandContext, NewAgency, NewFile, Session};
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use uuid::Uuid;

/// The callers, in the column order of the expectations.
const CALLERS: [&str; 6] = [
    "anonymous",
    "agency A",
    "agency B",
    "reviewer",
    "admin",
    "pending",
];

/// What a cell needs prepared on fresh data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Nothing.
    None,
    /// An e-Service of agency A with step 1 open.
    Open,
    /// Step 1 under review.
    Step1Review,
    /// Steps 1 and 2 approved, step 3 open.
    Step3Open,
    /// Step 3 with a pending attempt 1.
    Step3Pending,
    /// An approval notified agency A's officer.
    Notified,
    /// A new agency with a new officer of it (the target of the account administration).
    Account,
    /// An e-Service of agency A with step 7 confirmed: its launch is scheduled.
    Scheduled,
    /// A template (of step 3).
    Template,
}

/// Ids a request may refer to.
#[derive(Debug, Clone)]
struct Ids {
    eservice: EServiceId,
    file: FileId,
    notification: NotificationId,
    agency: AgencyId,
    user: UserId,
    template: TemplateId,
}

/// Ids a stage did not prepare are the nil UUID, which names nothing.
impl Default for Ids {
    fn default() -> Ids {
        let nil = Uuid::nil();
        Ids {
            eservice: nil.into(),
            file: nil.into(),
            notification: nil.into(),
            agency: nil.into(),
            user: nil.into(),
            template: nil.into(),
        }
    }
}

enum Body {
    Empty,
    Json(Value),
    Upload,
    /// A template's multipart form.
    TemplateUpload,
}

struct Row {
    method: Method,
    /// The route as the router declares it.
    route: &'static str,
    stage: Stage,
    request: fn(&Ids, &Seed, usize) -> (String, Body),
    /// Expected status per caller (order of [`CALLERS`]).
    expect: [u16; 6],
    /// The caller's session is revoked by the request: give each cell its own.
    fresh_session: bool,
}

fn row(
    method: Method,
    route: &'static str,
    stage: Stage,
    request: fn(&Ids, &Seed, usize) -> (String, Body),
    expect: [u16; 6],
) -> Row {
    Row {
        method,
        route,
        stage,
        request,
        expect,
        fresh_session: false,
    }
}

fn path(route: &str, ids: &Ids) -> String {
    route
        .replace("{id}", &ids.eservice.to_string())
        .replace("{file}", &ids.file.to_string())
        .replace("{notification}", &ids.notification.to_string())
        .replace("{agency}", &ids.agency.to_string())
        .replace("{user}", &ids.user.to_string())
        .replace("{template}", &ids.template.to_string())
}

fn rows() -> Vec<Row> {
    use Method as M;
    use Stage as S;
    let ok_for_all = [401, 200, 200, 200, 200, 403];
    let agency_only = [401, 200, 404, 403, 403, 403];
    let visible = [401, 200, 404, 200, 200, 403];
    let staff = [401, 403, 403, 200, 200, 403];
    let admin_only = [401, 403, 403, 403, 200, 403];
    let review = [401, 403, 404, 200, 200, 403];
    vec![
        row(
            M::POST,
            "/api/v1/auth/login",
            S::None,
            |_, s, _| {
                (
                    "/api/v1/auth/login".into(),
                    Body::Json(
                        json!({"username": s.officer_a.username, "password": s.officer_a.password}),
                    ),
                )
            },
            [200; 6],
        ),
        row(
            M::POST,
            "/api/v1/auth/first-login",
            S::None,
            |_, _, n| {
                let name = format!("chosen_{n}");
                (
                    "/api/v1/auth/first-login".into(),
                    Body::Json(
                        json!({"username": name, "password": "Tangrat2027x", "password_confirmation": "Tangrat2027x"}),
                    ),
                )
            },
            [401, 409, 409, 409, 409, 200],
        ),
        Row {
            fresh_session: true,
            ..row(
                M::POST,
                "/api/v1/auth/logout",
                S::None,
                |_, _, _| ("/api/v1/auth/logout".into(), Body::Empty),
                [401, 204, 204, 204, 204, 204],
            )
        },
        row(
            M::GET,
            "/api/v1/me",
            S::None,
            |_, _, _| ("/api/v1/me".into(), Body::Empty),
            [401, 200, 200, 200, 200, 200],
        ),
        row(
            M::POST,
            "/api/v1/me/password",
            S::None,
            |_, _, _| {
                (
                    "/api/v1/me/password".into(),
                    Body::Json(
                        json!({"current_password": CHANGER_PASSWORD, "password": "Changed2028x", "password_confirmation": "Changed2028x"}),
                    ),
                )
            },
            [401, 204, 204, 204, 204, 403],
        ),
        row(
            M::GET,
            "/api/v1/agencies",
            S::None,
            |_, _, _| ("/api/v1/agencies".into(), Body::Empty),
            staff,
        ),
        row(
            M::POST,
            "/api/v1/agencies",
            S::None,
            |_, _, _| {
                (
                    "/api/v1/agencies".into(),
                    Body::Json(
                        json!({"name_th": "กรมทดสอบ", "name_en": "Test Department", "ministry_th": "กระทรวงทดสอบ", "ministry_en": "Ministry of Tests"}),
                    ),
                )
            },
            [401, 403, 403, 403, 201, 403],
        ),
        row(
            M::PUT,
            "/api/v1/agencies/{id}",
            S::Account,
            |i, _, _| {
                (
                    path("/api/v1/agencies/{agency}", i),
                    Body::Json(
                        json!({"name_th": "กรมทดสอบใหม่", "name_en": "New Test Department", "ministry_th": "กระทรวงทดสอบ", "ministry_en": "Ministry of Tests"}),
                    ),
                )
            },
            admin_only,
        ),
        row(
            M::GET,
            "/api/v1/users",
            S::None,
            |_, _, _| ("/api/v1/users".into(), Body::Empty),
            admin_only,
        ),
        row(
            M::POST,
            "/api/v1/users/{id}/reset-credentials",
            S::Account,
            |i, _, _| {
                (
                    path("/api/v1/users/{user}/reset-credentials", i),
                    Body::Empty,
                )
            },
            admin_only,
        ),
        row(
            M::POST,
            "/api/v1/users/{id}/disable",
            S::Account,
            |i, _, _| (path("/api/v1/users/{user}/disable", i), Body::Empty),
            admin_only,
        ),
        row(
            M::POST,
            "/api/v1/users/{id}/enable",
            S::Account,
            |i, _, _| (path("/api/v1/users/{user}/enable", i), Body::Empty),
            admin_only,
        ),
        row(
            M::POST,
            "/api/v1/users",
            S::None,
            |_, s, n| {
                (
                    "/api/v1/users".into(),
                    Body::Json(
                        json!({"email": format!("new{n}@dop.go.th"), "display_name": "เจ้าหน้าที่ใหม่", "role": "agency", "agency_id": s.agency_a}),
                    ),
                )
            },
            [401, 403, 403, 403, 201, 403],
        ),
        row(
            M::GET,
            "/api/v1/eservices",
            S::None,
            |_, _, _| ("/api/v1/eservices".into(), Body::Empty),
            ok_for_all,
        ),
        row(
            M::POST,
            "/api/v1/eservices",
            S::None,
            |_, s, _| {
                (
                    "/api/v1/eservices".into(),
                    Body::Json(
                        json!({"name": "บริการใหม่", "services": ["งานที่หนึ่ง"], "agency_id": s.agency_a}),
                    ),
                )
            },
            [401, 201, 403, 403, 201, 403],
        ),
        row(
            M::GET,
            "/api/v1/eservices/{id}",
            S::Open,
            |i, _, _| (path("/api/v1/eservices/{id}", i), Body::Empty),
            visible,
        ),
        row(
            M::PUT,
            "/api/v1/eservices/{id}/services",
            S::Open,
            |i, _, _| {
                (
                    path("/api/v1/eservices/{id}/services", i),
                    Body::Json(json!({"services": ["งานใหม่"]})),
                )
            },
            agency_only,
        ),
        row(
            M::PUT,
            "/api/v1/eservices/{id}/steps/{step}/draft",
            S::Open,
            |i, _, _| {
                (
                    path("/api/v1/eservices/{id}/steps/credential/draft", i),
                    Body::Json(json!({"category": "in_development"})),
                )
            },
            agency_only,
        ),
        row(
            M::POST,
            "/api/v1/eservices/{id}/steps/{step}/submit",
            S::Open,
            |i, _, _| {
                let mut p = onboard_core::samples::json(onboard_core::reference::Step::Credential);
                p["icon_file_id"] = json!(i.file);
                (
                    path("/api/v1/eservices/{id}/steps/credential/submit", i),
                    Body::Json(p),
                )
            },
            agency_only,
        ),
        row(
            M::POST,
            "/api/v1/eservices/{id}/steps/{step}/withdraw",
            S::Step1Review,
            |i, _, _| {
                (
                    path("/api/v1/eservices/{id}/steps/credential/withdraw", i),
                    Body::Empty,
                )
            },
            agency_only,
        ),
        row(
            M::GET,
            "/api/v1/eservices/{id}/steps/{step}/attempts",
            S::Step3Pending,
            |i, _, _| {
                (
                    path("/api/v1/eservices/{id}/steps/uat-test/attempts", i),
                    Body::Empty,
                )
            },
            visible,
        ),
        row(
            M::POST,
            "/api/v1/eservices/{id}/steps/{step}/attempts",
            S::Step3Open,
            |i, _, _| {
                (
                    path("/api/v1/eservices/{id}/steps/uat-test/attempts", i),
                    Body::Json(json!({"details": "ทดสอบครบ", "file_id": i.file})),
                )
            },
            [401, 201, 404, 403, 403, 403],
        ),
        row(
            M::PUT,
            "/api/v1/eservices/{id}/steps/{step}/attempts/{number}",
            S::Step3Pending,
            |i, _, _| {
                (
                    path("/api/v1/eservices/{id}/steps/uat-test/attempts/1", i),
                    Body::Json(json!({"details": "แก้ไขรายละเอียด", "file_id": i.file})),
                )
            },
            agency_only,
        ),
        row(
            M::DELETE,
            "/api/v1/eservices/{id}/steps/{step}/attempts/{number}",
            S::Step3Pending,
            |i, _, _| {
                (
                    path("/api/v1/eservices/{id}/steps/uat-test/attempts/1", i),
                    Body::Empty,
                )
            },
            [401, 204, 404, 403, 403, 403],
        ),
        row(
            M::POST,
            "/api/v1/eservices/{id}/steps/{step}/approve",
            S::Step1Review,
            |i, _, _| {
                (
                    path("/api/v1/eservices/{id}/steps/credential/approve", i),
                    Body::Empty,
                )
            },
            review,
        ),
        row(
            M::POST,
            "/api/v1/eservices/{id}/steps/{step}/request-changes",
            S::Step1Review,
            |i, _, _| {
                (
                    path("/api/v1/eservices/{id}/steps/credential/request-changes", i),
                    Body::Json(json!({"reason": "แก้ไขคำอธิบาย"})),
                )
            },
            review,
        ),
        row(
            M::POST,
            "/api/v1/eservices/{id}/launch/reschedule",
            S::Scheduled,
            |i, _, _| {
                (
                    path("/api/v1/eservices/{id}/launch/reschedule", i),
                    Body::Json(json!({"desired_date": "2027-03-19", "reason": "ช่วงงดเผยแพร่"})),
                )
            },
            [401, 403, 404, 403, 200, 403],
        ),
        row(
            M::GET,
            "/api/v1/eservices/{id}/events",
            S::Open,
            |i, _, _| (path("/api/v1/eservices/{id}/events", i), Body::Empty),
            visible,
        ),
        row(
            M::GET,
            "/api/v1/eservices/{id}/steps/platform-request/agency-diff",
            S::Open,
            |i, _, _| {
                (
                    path(
                        "/api/v1/eservices/{id}/steps/platform-request/agency-diff",
                        i,
                    ),
                    Body::Empty,
                )
            },
            // Staff only; an e-Service whose step 4 is not submitted has nothing to compare.
            [401, 403, 403, 404, 404, 403],
        ),
        row(
            M::GET,
            "/api/v1/review-queue",
            S::None,
            |_, _, _| ("/api/v1/review-queue".into(), Body::Empty),
            staff,
        ),
        row(
            M::GET,
            "/api/v1/dashboard",
            S::None,
            |_, _, _| ("/api/v1/dashboard".into(), Body::Empty),
            ok_for_all,
        ),
        row(
            M::GET,
            "/api/v1/launched",
            S::None,
            |_, _, _| ("/api/v1/launched".into(), Body::Empty),
            ok_for_all,
        ),
        row(
            M::GET,
            "/api/v1/notifications",
            S::None,
            |_, _, _| ("/api/v1/notifications".into(), Body::Empty),
            ok_for_all,
        ),
        row(
            M::POST,
            "/api/v1/notifications/{id}/read",
            S::Notified,
            |i, _, _| {
                (
                    path("/api/v1/notifications/{notification}/read", i),
                    Body::Empty,
                )
            },
            [401, 204, 404, 404, 404, 403],
        ),
        row(
            M::GET,
            "/api/v1/schedule/release-date",
            S::None,
            |_, _, _| {
                (
                    "/api/v1/schedule/release-date?desired=2026-12-10".into(),
                    Body::Empty,
                )
            },
            ok_for_all,
        ),
        row(
            M::GET,
            "/api/v1/reference/categories",
            S::None,
            |_, _, _| ("/api/v1/reference/categories".into(), Body::Empty),
            ok_for_all,
        ),
        row(
            M::GET,
            "/api/v1/reference/consents",
            S::None,
            |_, _, _| ("/api/v1/reference/consents".into(), Body::Empty),
            ok_for_all,
        ),
        row(
            M::GET,
            "/api/v1/reference/steps",
            S::None,
            |_, _, _| ("/api/v1/reference/steps".into(), Body::Empty),
            ok_for_all,
        ),
        row(
            M::GET,
            "/api/v1/reference/statuses",
            S::None,
            |_, _, _| ("/api/v1/reference/statuses".into(), Body::Empty),
            ok_for_all,
        ),
        row(
            M::GET,
            "/api/v1/calendar/closed-dates",
            S::None,
            |_, _, _| ("/api/v1/calendar/closed-dates".into(), Body::Empty),
            ok_for_all,
        ),
        row(
            M::PUT,
            "/api/v1/calendar/closed-dates",
            S::None,
            |_, _, _| {
                (
                    "/api/v1/calendar/closed-dates".into(),
                    Body::Json(json!({"dates": [{"date": "2026-12-29", "reason": "วันหยุดสิ้นปี"}]})),
                )
            },
            admin_only,
        ),
        row(
            M::GET,
            "/api/v1/calendar/releases.ics",
            S::None,
            |_, _, _| ("/api/v1/calendar/releases.ics".into(), Body::Empty),
            ok_for_all,
        ),
        row(
            M::POST,
            "/api/v1/files",
            S::None,
            |_, _, _| ("/api/v1/files?purpose=icon".into(), Body::Upload),
            [401, 201, 201, 201, 201, 403],
        ),
        row(
            M::GET,
            "/api/v1/files/{id}",
            S::Open,
            |i, _, _| (path("/api/v1/files/{file}", i), Body::Empty),
            visible,
        ),
        row(
            M::GET,
            "/api/v1/templates",
            S::Template,
            |_, _, _| ("/api/v1/templates".into(), Body::Empty),
            ok_for_all,
        ),
        row(
            M::POST,
            "/api/v1/templates",
            S::None,
            |_, _, _| ("/api/v1/templates".into(), Body::TemplateUpload),
            [401, 403, 403, 403, 201, 403],
        ),
        row(
            M::GET,
            "/api/v1/templates/{id}",
            S::Template,
            |i, _, _| (path("/api/v1/templates/{template}", i), Body::Empty),
            ok_for_all,
        ),
        row(
            M::DELETE,
            "/api/v1/templates/{id}",
            S::Template,
            |i, _, _| (path("/api/v1/templates/{template}", i), Body::Empty),
            [401, 403, 403, 403, 204, 403],
        ),
        row(
            M::GET,
            "/healthz",
            S::None,
            |_, _, _| ("/healthz".into(), Body::Empty),
            [200; 6],
        ),
        row(
            M::GET,
            "/openapi.json",
            S::None,
            |_, _, _| ("/openapi.json".into(), Body::Empty),
            [200; 6],
        ),
    ]
}

fn ctx(server: &Server) -> CommandContext {
    CommandContext {
        now: server.now(),
        schedule: server.state.schedule.clone(),
        credentials: server.state.credentials.clone(),
        mail: server.state.config.mail.clone(),
    }
}

async fn put_file(server: &Server, seed: &Seed, bytes: Vec<u8>, media_type: MediaType) -> FileId {
    let dimensions = onboard_core::file::image_dimensions(&bytes);
    let file = NewFile {
        name: "fixture".into(),
        media_type,
        dimensions,
        uploaded_by: seed.officer_a.id,
        agency_id: Some(seed.agency_a),
        uploaded_at: server.now(),
    };
    server.state.store.put_file(file, &bytes).await.unwrap().id
}

/// Prepares fresh data through the store (fast, and independent of the API under test).
async fn prepare(server: &Server, seed: &Seed, stage: Stage, n: usize) -> Ids {
    let store = &server.state.store;
    let officer = Actor::officer(seed.officer_a.id, seed.agency_a);
    let reviewer = Actor::reviewer(seed.reviewer.id);
    let shade = u8::try_from(n % 250).unwrap();
    let mut ids = Ids {
        file: put_file(server, seed, png(120, 120, [shade, 1, 2]), MediaType::Png).await,
        ..Ids::default()
    };
    if stage == Stage::Account {
        ids.agency = store
            .create_agency(NewAgency {
                name_th: format!("กรมทดสอบ {n}"),
                name_en: format!("Test Department {n}"),
                ministry_th: "กระทรวงทดสอบ".into(),
                ministry_en: "Ministry of Tests".into(),
            })
            .await
            .unwrap()
            .id;
        ids.user = server
            .create_account(
                &format!("target_{n}"),
                "Target2027x",
                Role::Agency,
                Some(ids.agency),
            )
            .await;
        return ids;
    }
    if stage == Stage::Template {
        ids.template = store
            .create_template(
                onboard_store::NewTemplate {
                    title_th: format!("แม่แบบ {n}"),
                    title_en: format!("Template {n}"),
                    step: Step::UatTest,
                    uploaded_by: Some(seed.admin.id),
                    uploaded_at: server.now(),
                },
                NewFile {
                    name: "minimum-testcase.xlsx".into(),
                    media_type: MediaType::Xlsx,
                    dimensions: None,
                    uploaded_by: seed.admin.id,
                    agency_id: None,
                    uploaded_at: server.now(),
                },
                &xlsx(),
            )
            .await
            .unwrap()
            .id;
        return ids;
    }
    if stage == Stage::None {
        return ids;
    }
    if stage == Stage::Scheduled {
        let id = crate::common::scheduled(server, seed, "2027-03-05").await;
        ids.eservice = id.parse().unwrap();
        return ids;
    }
    let svc = store
        .create_eservice(
            &officer,
            Some(seed.agency_a),
            &format!("บริการ {n}"),
            &["งาน".to_owned()],
            &ctx(server),
        )
        .await
        .unwrap();
    ids.eservice = svc.id();
    let id = svc.id();
    let run = |actor: Actor, command: Command| {
        let ctx = ctx(server);
        async move {
            store
                .execute(id, &actor, command, None, &ctx)
                .await
                .unwrap()
        }
    };
    if stage == Stage::Open {
        return ids;
    }
    let mut step1 = onboard_core::samples::json(onboard_core::reference::Step::Credential);
    step1["icon_file_id"] = json!(ids.file);
    run(
        officer,
        Command::Submit {
            step: Step::Credential,
            payload: Some(step1),
        },
    )
    .await;
    if stage == Stage::Step1Review {
        return ids;
    }
    let approve = |step| Command::Approve {
        step,
        note: None,
        credentials: None,
        update_agency: false,
    };
    run(reviewer, approve(Step::Credential)).await;
    if stage == Stage::Notified {
        let newest = store.notifications(seed.officer_a.id, 1).await.unwrap();
        ids.notification = newest[0].id;
        return ids;
    }
    run(
        officer,
        Command::Submit {
            step: Step::UatSetup,
            payload: Some(onboard_core::samples::json(
                onboard_core::reference::Step::UatSetup,
            )),
        },
    )
    .await;
    run(reviewer, approve(Step::UatSetup)).await;
    ids.file = put_file(server, seed, xlsx(), MediaType::Xlsx).await;
    if stage == Stage::Step3Open {
        return ids;
    }
    let input = json!({"details": "ทดสอบรอบแรก", "file_id": ids.file});
    run(
        officer,
        Command::AddAttempt {
            step: Step::UatTest,
            input,
        },
    )
    .await;
    ids
}

/// The password of the accounts made for the password-change cells.
const CHANGER_PASSWORD: &str = "Current2027x";

/// A new account with the role and agency of caller `c`, first-logged-in with
/// [`CHANGER_PASSWORD`], and its token: a password change revokes the account's other
/// sessions and replaces its password, which the seeded accounts keep for the other cells.
async fn changer(server: &Server, seed: &Seed, c: usize, n: usize) -> String {
    let (role, agency) = match c {
        1 => (Role::Agency, Some(seed.agency_a)),
        2 => (Role::Agency, Some(seed.agency_b)),
        3 => (Role::Reviewer, None),
        _ => (Role::Admin, None),
    };
    let initial = format!("changer_init_{n}");
    server
        .create_account(&initial, "Initial2027x", role, agency)
        .await;
    let token = server.login(&initial, "Initial2027x").await;
    let body = json!({"username": format!("changer_{n}"), "password": CHANGER_PASSWORD, "password_confirmation": CHANGER_PASSWORD});
    server
        .json(Method::POST, "/api/v1/auth/first-login", &token, &body)
        .await
        .expect(200);
    token
}

/// The token of caller `c` for one cell (a new session when the request revokes it, a new
/// pending account for the first login, a new account for the password change).
async fn token(server: &Server, seed: &Seed, c: usize, row: &Row, n: usize) -> Option<String> {
    let account = match c {
        0 => return None,
        1 => &seed.officer_a,
        2 => &seed.officer_b,
        3 => &seed.reviewer,
        4 => &seed.admin,
        _ => &seed.pending,
    };
    if c != 5 && row.route == "/api/v1/me/password" {
        return Some(changer(server, seed, c, n).await);
    }
    if c == 5 && row.route == "/api/v1/auth/first-login" {
        let name = format!("pending_{n}");
        server
            .create_account(&name, "Pending123x", Role::Agency, Some(seed.agency_a))
            .await;
        return Some(server.login(&name, "Pending123x").await);
    }
    if row.fresh_session {
        let token = new_token();
        let now = server.now();
        server
            .state
            .store
            .create_session(Session {
                token_hash: token_hash(&token),
                user_id: account.id,
                created_at: now,
                expires_at: now + chrono::Duration::hours(1),
            })
            .await
            .unwrap();
        return Some(token);
    }
    Some(account.token.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_for_every_caller() {
    let server = Server::sqlite().await;
    let seed = server.seed().await;
    let rows = rows();

    // The matrix covers exactly the router's routes.
    let covered: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r.method.to_string(), r.route.to_owned()))
        .collect();
    let routes: BTreeSet<(String, String)> = onboard_http::routes()
        .into_iter()
        .map(|(m, p)| (m.to_string(), p.to_owned()))
        .collect();
    assert_eq!(covered, routes, "matrix rows and router routes differ");

    let mut failures = Vec::new();
    let mut n = 0;
    for row in &rows {
        for (c, expected) in row.expect.iter().enumerate() {
            n += 1;
            let ids = prepare(&server, &seed, row.stage, n).await;
            let (path, body) = (row.request)(&ids, &seed, n);
            let token = token(&server, &seed, c, row, n).await;
            let mut req = server.req(row.method.clone(), &path, token.as_deref());
            req = match body {
                Body::Empty => req,
                Body::Json(v) => req.json(&v),
                Body::Upload => {
                    let part = reqwest::multipart::Part::bytes(png(120, 120, [9, 9, 9]))
                        .file_name("icon.png");
                    req.multipart(reqwest::multipart::Form::new().part("file", part))
                }
                Body::TemplateUpload => {
                    let part = reqwest::multipart::Part::bytes(xlsx()).file_name("testcase.xlsx");
                    let form = reqwest::multipart::Form::new()
                        .text("title_th", "แม่แบบ")
                        .text("title_en", "Template")
                        .text("step", "uat-test")
                        .part("file", part);
                    req.multipart(form)
                }
            };
            let reply = server.send(req).await;
            if reply.status.as_u16() != *expected {
                failures.push(format!(
                    "{} {} as {}: expected {expected}, got {} {}",
                    row.method, path, CALLERS[c], reply.status, reply.body
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} cell(s) wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    server.stop().await;
}
