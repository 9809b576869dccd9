//! The dashboard, the e-Service list, one e-Service's task list, launched e-Services and
//! notifications.

use super::*;
use onboard_core::id::AgencyId;

// ---------------------------------------------------------------------------------------
// Dashboard

pub(super) struct NotificationRow {
    title: String,
    at: String,
    at_iso: String,
    link: Option<String>,
}

pub(super) struct TrackedStep {
    number: u8,
    title: &'static str,
    status: &'static str,
    status_th: &'static str,
}

pub(super) struct Tracker {
    id: EServiceId,
    name: String,
    steps: Vec<TrackedStep>,
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
pub(super) struct DashboardPage {
    layout: Layout,
    errors: Errors,
    cards: Vec<(&'static str, String)>,
    approved_percent: u64,
    notifications: Vec<NotificationRow>,
    tracker_options: Vec<(EServiceId, String, bool)>,
    tracker: Option<Tracker>,
    /// Staff only: days the oldest submission under review has waited.
    oldest_days: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct DashboardQuery {
    eservice: Option<String>,
}

pub(super) async fn dashboard(
    State(state): State<AppState>,
    Ready(session): Ready,
    Query(query): Query<DashboardQuery>,
) -> Response {
    match dashboard_page(&state, &session, query).await {
        Ok(page) => page.into_response(),
        Err(e) => failure(&e),
    }
}

pub(super) async fn dashboard_page(
    state: &AppState,
    session: &Session,
    query: DashboardQuery,
) -> Result<DashboardPage, AppError> {
    let scope = Scope::of(&session.user);
    let c = state.store.dashboard(scope, today(state)).await?;
    let cards = vec![
        ("งานบริการทั้งหมด", grouped(c.total)),
        ("งานที่รอดำเนินการ", grouped(c.pending_action)),
        ("งานที่ยังไม่เปิดใช้งาน", grouped(c.not_launched)),
        ("รอตรวจสอบ", grouped(c.awaiting_review)),
        ("กำลังทดสอบ UAT", grouped(c.testing_uat)),
        ("กำลังทดสอบ Pre-production", grouped(c.testing_preprod)),
    ];
    let notifications = state
        .store
        .notifications(session.user.id, RECENT_NOTIFICATIONS)
        .await?
        .into_iter()
        .map(|n| NotificationRow {
            title: n.title_th,
            at: thai_datetime(n.at),
            at_iso: n.at.to_rfc3339(),
            link: n.eservice_id.map(|id| format!("/eservices/{id}")),
        })
        .collect();
    let choices = state
        .store
        .list(
            &ListQuery {
                per_page: TRACKER_CHOICES,
                page: 1,
                skip_total: true,
                ..ListQuery::default()
            },
            scope,
            today(state),
        )
        .await?;
    let chosen = query
        .eservice
        .as_deref()
        .and_then(|id| id.parse::<EServiceId>().ok())
        .or_else(|| choices.items.first().map(|i| i.id));
    // The tracker needs only the current step and status: a listed e-Service's row has
    // them, so only one chosen from elsewhere is read whole.
    let tracked = |id: EServiceId, name: String, current: Step, status: StepStatus| Tracker {
        id,
        name,
        steps: statuses(current, status)
            .map(|(step, status)| TrackedStep {
                number: step.number(),
                title: step.title_th(),
                status: status.as_str(),
                status_th: status.title_th(),
            })
            .collect(),
    };
    let tracker = match chosen.map(|id| choices.items.iter().find(|i| i.id == id).ok_or(id)) {
        Some(Ok(item)) => Some(tracked(
            item.id,
            item.name.clone(),
            item.current_step,
            item.current_status,
        )),
        Some(Err(id)) => state.store.eservice(id, scope).await?.map(|svc| {
            tracked(
                svc.id(),
                svc.name().to_owned(),
                svc.current_step(),
                svc.current_status(),
            )
        }),
        None => None,
    };
    let tracker_options = choices
        .items
        .iter()
        .map(|i| (i.id, i.name.clone(), Some(i.id) == chosen))
        .collect();
    let oldest_days = onboard_app::eservices::oldest_waiting_days(
        state.store.as_ref(),
        &session.user,
        state.now(),
    )
    .await?;
    Ok(DashboardPage {
        oldest_days,
        layout: session.layout("dashboard"),
        errors: Errors::default(),
        cards,
        approved_percent: c.approved_percent,
        notifications,
        tracker_options,
        tracker,
    })
}

// ---------------------------------------------------------------------------------------
// e-Service list

pub(super) struct ListRow {
    id: EServiceId,
    name: String,
    agency: String,
    ministry: String,
    step_number: u8,
    step: &'static str,
    status: &'static str,
    status_th: &'static str,
    /// The class of each of the seven steps on the bar.
    bar: Vec<&'static str>,
}

#[derive(Template, WebTemplate)]
#[template(path = "eservices.html")]
pub(super) struct ListPage {
    layout: Layout,
    errors: Errors,
    q: String,
    status_options: Vec<(&'static str, &'static str, bool)>,
    step_options: Vec<(&'static str, &'static str, bool)>,
    /// Staff only: every agency, to filter by.
    agencies: Vec<(AgencyId, String, bool)>,
    showing: String,
    rows: Vec<ListRow>,
    prev_page: Option<String>,
    next_page: Option<String>,
    /// Agency officers add their own e-Services.
    can_create: bool,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ListForm {
    q: Option<String>,
    step: Option<String>,
    status: Option<String>,
    agency: Option<String>,
    page: Option<String>,
}

/// The seven steps' states of a list row: those before the current step are complete and
/// those after it locked (SPEC §4 invariants 1 and 2), so the row needs no more than its
/// current step and status.
pub(super) fn bar(current: Step, status: StepStatus) -> Vec<&'static str> {
    statuses(current, status).map(|(_, s)| s.as_str()).collect()
}

/// Each step with its status, from the current step and status alone (the same invariants).
fn statuses(current: Step, status: StepStatus) -> impl Iterator<Item = (Step, StepStatus)> {
    Step::ALL
        .iter()
        .map(move |s| match s.number().cmp(&current.number()) {
            std::cmp::Ordering::Less => (*s, StepStatus::Completed),
            std::cmp::Ordering::Equal => (*s, status),
            std::cmp::Ordering::Greater => (*s, StepStatus::Locked),
        })
}

/// The list page of `query`'s filters at `page`.
pub(super) fn list_link(query: &ListQuery, page: u32) -> String {
    let mut link = format!("/eservices?page={page}");
    if let Some(q) = &query.q {
        link.push_str("&q=");
        link.push_str(
            &percent_encoding::utf8_percent_encode(q, percent_encoding::NON_ALPHANUMERIC)
                .to_string(),
        );
    }
    if let Some(s) = query.step {
        link.push_str("&step=");
        link.push_str(s.as_str());
    }
    if let Some(s) = query.status {
        link.push_str("&status=");
        link.push_str(s.as_str());
    }
    if let Some(a) = query.agency_id {
        link.push_str(&format!("&agency={a}"));
    }
    link
}

pub(super) async fn eservice_list(
    State(state): State<AppState>,
    Ready(session): Ready,
    Query(form): Query<ListForm>,
) -> Response {
    let q = form
        .q
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    // A query the store cannot run (a NUL) finds nothing rather than failing the page.
    let q_ok = !q.chars().any(char::is_control);
    let status = form
        .status
        .as_deref()
        .and_then(|s| s.parse::<StepStatus>().ok());
    let step = form.step.as_deref().and_then(|s| s.parse::<Step>().ok());
    // Only staff choose an agency: an officer's list is their agency's anyway.
    let staff = session.user.role.is_staff();
    let agency = form
        .agency
        .as_deref()
        .and_then(|s| s.parse::<AgencyId>().ok())
        .filter(|_| staff);
    let page = form
        .page
        .as_deref()
        .and_then(|p| p.parse::<u32>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let query = ListQuery {
        q: (!q.is_empty()).then(|| q.clone()),
        step,
        status,
        agency_id: agency,
        page,
        per_page: PER_PAGE,
        ..ListQuery::default()
    };
    let agencies = if staff {
        match state.store.agencies().await {
            Ok(all) => all
                .into_iter()
                .map(|a| (a.id, a.name_th, Some(a.id) == agency))
                .collect(),
            Err(e) => return store_failure(&e),
        }
    } else {
        Vec::new()
    };
    let found = if q_ok {
        match state
            .store
            .list(&query, Scope::of(&session.user), today(&state))
            .await
        {
            Ok(found) => found,
            Err(e) => return store_failure(&e),
        }
    } else {
        onboard_store::Page {
            items: Vec::new(),
            total: 0,
            total_capped: false,
            page,
            per_page: PER_PAGE,
        }
    };
    let first = u64::from(page - 1) * u64::from(PER_PAGE) + 1;
    let shown = found.items.len() as u64;
    let last = first + shown - 1;
    let showing = match (found.items.is_empty(), found.total_capped) {
        (true, _) => "ไม่พบรายการ".to_owned(),
        // A search stops counting at the cap.
        (false, true) => format!(
            "แสดงรายการ {}-{} จากมากกว่า {} รายการ",
            grouped(first),
            grouped(last),
            grouped(found.total)
        ),
        (false, false) => format!(
            "แสดงรายการ {}-{} จากทั้งหมด {} รายการ",
            grouped(first),
            grouped(last),
            grouped(found.total)
        ),
    };
    let rows = found
        .items
        .into_iter()
        .map(|i| ListRow {
            id: i.id,
            name: i.name,
            agency: i.agency_name_th,
            ministry: i.ministry_th,
            step_number: i.current_step.number(),
            step: i.current_step.title_th(),
            status: i.current_status.as_str(),
            status_th: i.current_status.title_th(),
            bar: bar(i.current_step, i.current_status),
        })
        .collect();
    ListPage {
        layout: session.layout("eservices"),
        errors: Errors::default(),
        status_options: StepStatus::ALL
            .iter()
            .map(|s| (s.as_str(), s.title_th(), Some(*s) == status))
            .collect(),
        step_options: Step::ALL
            .iter()
            .map(|s| (s.as_str(), s.title_th(), Some(*s) == step))
            .collect(),
        agencies,
        prev_page: (page > 1).then(|| list_link(&query, page - 1)),
        // Past a capped count, a full page may have more after it.
        next_page: (last < found.total || (found.total_capped && shown == u64::from(PER_PAGE)))
            .then(|| list_link(&query, page + 1)),
        can_create: session.user.role == Role::Agency,
        q,
        showing,
        rows,
    }
    .into_response()
}

// ---------------------------------------------------------------------------------------
// One e-Service: the seven steps as a task list

pub(super) struct StepRow {
    number: u8,
    title: &'static str,
    /// The step's own page, where the portal has one.
    link: Option<String>,
    status: &'static str,
    status_th: &'static str,
    dates: Vec<String>,
    review_note: Option<String>,
}

pub(super) struct CredentialRow {
    environment: &'static str,
    app_id: String,
    consumer_key: String,
    consumer_secret: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "eservice.html")]
pub(super) struct EServicePage {
    layout: Layout,
    errors: Errors,
    id: EServiceId,
    name: String,
    agency: String,
    services: String,
    category: &'static str,
    launch_on: Option<String>,
    steps: Vec<StepRow>,
    credentials: Vec<CredentialRow>,
    can_reveal: bool,
    /// An admin may move the scheduled launch.
    can_reschedule: bool,
    notice: Option<&'static str>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct DetailQuery {
    secret: Option<String>,
    rescheduled: Option<String>,
}

pub(super) async fn eservice_page(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path(id): Path<String>,
    Query(query): Query<DetailQuery>,
) -> Response {
    let user = &session.user;
    let svc = match visible(&state, user, &id).await {
        Ok(svc) => svc,
        Err(r) => return r,
    };
    let agency = match state.store.agency(svc.agency_id()).await {
        Ok(a) => a.map(|a| a.name_th).unwrap_or_default(),
        Err(e) => return store_failure(&e),
    };
    let access = DetailAccess::of(user.role, user.agency_id, svc.agency_id());
    let reveal = access.consumer_secret && query.secret.as_deref() == Some("1");
    let steps = svc
        .steps()
        .iter()
        .map(|s| {
            let mut dates = Vec::new();
            if let Some(at) = s.submitted_at {
                dates.push(format!("ส่งเมื่อ {}", thai_datetime(at)));
            }
            if let Some(at) = s.reviewed_at {
                dates.push(format!("ตรวจสอบเมื่อ {}", thai_datetime(at)));
            }
            StepRow {
                number: s.step.number(),
                title: s.step.title_th(),
                link: match s.step {
                    _ if s.status == StepStatus::Locked => None,
                    // DGA staff review what waits for them.
                    step if user.role.is_staff() && s.status == StepStatus::UnderReview => Some(
                        format!("/eservices/{}/steps/{}/review", svc.id(), step.as_str()),
                    ),
                    Step::Launch => Some(format!("/eservices/{}/launch", svc.id())),
                    step => Some(format!("/eservices/{}/steps/{}", svc.id(), step.as_str())),
                },
                status: s.status.as_str(),
                status_th: s.status.title_th(),
                dates,
                review_note: s.review_note.clone(),
            }
        })
        .collect();
    let credentials = if access.credentials {
        [
            (Environment::Uat, "UAT", svc.credentials().uat.as_ref()),
            (
                Environment::Production,
                "Production",
                svc.credentials().production.as_ref(),
            ),
        ]
        .into_iter()
        .filter_map(|(_, label, c)| {
            c.map(|c| CredentialRow {
                environment: label,
                app_id: c.app_id.clone(),
                consumer_key: c.consumer_key.clone(),
                consumer_secret: reveal.then(|| c.consumer_secret.clone()),
            })
        })
        .collect()
    } else {
        Vec::new()
    };
    EServicePage {
        layout: session.layout("eservices"),
        errors: Errors::default(),
        id: svc.id(),
        name: svc.name().to_owned(),
        agency,
        services: svc.services().join(", "),
        category: svc.category().title_th(),
        launch_on: svc.launch_on().map(thai_date),
        can_reveal: access.consumer_secret && !reveal,
        can_reschedule: user.role == Role::Admin
            && svc.lifecycle(onboard_core::schedule::today_in_bangkok(state.now()))
                == onboard_core::workflow::Lifecycle::Scheduled,
        notice: query
            .rescheduled
            .is_some()
            .then_some("เลื่อนวันเปิดให้บริการเรียบร้อยแล้ว หน่วยงานจะได้รับการแจ้งเตือนและอีเมล"),
        steps,
        credentials,
    }
    .into_response()
}

// ---------------------------------------------------------------------------------------
// Launched e-Services and notifications

pub(super) struct LaunchedRow {
    id: EServiceId,
    name: String,
    agency: String,
    launch_on: String,
    lifecycle: &'static str,
    lifecycle_th: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "launched.html")]
pub(super) struct LaunchedPage {
    layout: Layout,
    errors: Errors,
    rows: Vec<LaunchedRow>,
}

pub(super) async fn launched_page(
    State(state): State<AppState>,
    Ready(session): Ready,
) -> Response {
    let items = match state
        .store
        .launched(Scope::of(&session.user), today(&state))
        .await
    {
        Ok(items) => items,
        Err(e) => return store_failure(&e),
    };
    LaunchedPage {
        layout: session.layout("launched"),
        errors: Errors::default(),
        rows: items
            .into_iter()
            .map(|i| LaunchedRow {
                id: i.id,
                name: i.name,
                agency: i.agency_name_th,
                launch_on: i.launch_on.map(thai_date).unwrap_or_default(),
                lifecycle: i.lifecycle.as_str(),
                lifecycle_th: i.lifecycle.title_th(),
            })
            .collect(),
    }
    .into_response()
}

pub(super) struct NoticeRow {
    title: String,
    body: String,
    at: String,
    at_iso: String,
    link: Option<String>,
    unread: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "notifications.html")]
pub(super) struct NotificationsPage {
    layout: Layout,
    errors: Errors,
    rows: Vec<NoticeRow>,
}

/// Notifications listed on their page (as many as the API lists).
pub(super) const NOTIFICATION_PAGE: u32 = 100;

pub(super) async fn notifications_page(
    State(state): State<AppState>,
    Ready(session): Ready,
) -> Response {
    let items = match state
        .store
        .notifications(session.user.id, NOTIFICATION_PAGE)
        .await
    {
        Ok(items) => items,
        Err(e) => return store_failure(&e),
    };
    NotificationsPage {
        layout: session.layout("notifications"),
        errors: Errors::default(),
        rows: items
            .into_iter()
            .map(|n| NoticeRow {
                title: n.title_th,
                body: n.body_th,
                at: thai_datetime(n.at),
                at_iso: n.at.to_rfc3339(),
                link: n.eservice_id.map(|id| format!("/eservices/{id}")),
                unread: n.read_at.is_none(),
            })
            .collect(),
    }
    .into_response()
}

// ---------------------------------------------------------------------------------------
// A new e-Service

#[derive(Template, WebTemplate)]
#[template(path = "eservice_new.html")]
pub(super) struct NewEServicePage {
    layout: Layout,
    errors: Errors,
    name: String,
    services: String,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct NewEServiceForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    services: String,
}

/// `GET /eservices/new`: an agency officer names a new e-Service and its งานบริการ.
pub(super) async fn new_eservice_page(Ready(session): Ready) -> Response {
    if session.user.role != Role::Agency {
        return page_error(StatusCode::NOT_FOUND, None);
    }
    NewEServicePage {
        layout: session.layout("eservices"),
        errors: Errors::default(),
        name: String::new(),
        services: String::new(),
    }
    .into_response()
}

/// `POST /eservices/new`: creates it and opens step 1.
pub(super) async fn new_eservice_submit(
    State(state): State<AppState>,
    Ready(session): Ready,
    Form(form): Form<NewEServiceForm>,
) -> Response {
    if !session.csrf_ok(&form.csrf) {
        return csrf_refused();
    }
    if session.user.role != Role::Agency {
        return page_error(StatusCode::NOT_FOUND, None);
    }
    let services: Vec<String> = form
        .services
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    match onboard_app::eservices::create(
        state.store.as_ref(),
        &session.user,
        None,
        &form.name,
        &services,
        &state.command_context(),
    )
    .await
    {
        Ok(svc) => {
            Redirect::to(&format!("/eservices/{}/steps/credential", svc.id())).into_response()
        }
        Err(AppError::Invalid(report)) => {
            let errors = Errors(
                report
                    .errors
                    .iter()
                    .map(|i| {
                        // `services[2]` belongs to the one box of names.
                        let field = i.field.split('[').next().unwrap_or_default();
                        FieldMessage::new(field, i.message_th.clone())
                    })
                    .collect(),
            );
            let page = NewEServicePage {
                layout: session.layout("eservices"),
                errors,
                name: form.name,
                services: form.services,
            };
            (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
        }
        Err(e) => failure(&e),
    }
}
