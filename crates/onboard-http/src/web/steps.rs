//! The pages of single steps: the launch (step 7) and the test attempts (steps 3 and 6).

use super::*;
use onboard_core::id::FileId;

// ---------------------------------------------------------------------------------------
// Step 7: the launch date, the release Tuesday it makes, and the final confirmation

/// What the launch page shows.
pub(super) enum LaunchStage {
    /// The form (and, after "check", the release Tuesday of the chosen date).
    Form,
    /// The check-your-answers page before the final confirmation (manual dialog V4).
    Confirm,
    /// Confirmed: the release date (manual dialog V5).
    Done(String),
    /// Step 7 is not open yet.
    NotYet,
}

#[derive(Template, WebTemplate)]
#[template(path = "launch.html")]
pub(super) struct LaunchPage {
    layout: Layout,
    errors: Errors,
    id: EServiceId,
    name: String,
    version: u64,
    stage: LaunchStage,
    desired: String,
    desired_th: String,
    note: String,
    release: Option<String>,
    notice: Option<String>,
    /// The step's templates to download.
    templates: Vec<TemplateLink>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct LaunchForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    desired_date: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    version: String,
}

pub(super) fn launch_page_of(
    session: &Session,
    svc: &onboard_core::workflow::EService,
    stage: LaunchStage,
) -> LaunchPage {
    LaunchPage {
        layout: session.layout("eservices"),
        errors: Errors::default(),
        id: svc.id(),
        name: svc.name().to_owned(),
        version: svc.version(),
        stage,
        desired: String::new(),
        desired_th: String::new(),
        note: String::new(),
        release: None,
        notice: None,
        templates: Vec::new(),
    }
}

/// The stage of step 7 as it stands.
pub(super) fn launch_stage(svc: &onboard_core::workflow::EService) -> LaunchStage {
    let step = svc.step(Step::Launch);
    match (step.status, svc.launch_on()) {
        (StepStatus::Completed, Some(day)) => {
            LaunchStage::Done(format!("วันอังคารที่ {}", thai_date(day)))
        }
        (StepStatus::InProgress | StepStatus::ChangesRequested, _) => LaunchStage::Form,
        _ => LaunchStage::NotYet,
    }
}

pub(super) async fn launch_page(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path(id): Path<String>,
) -> Response {
    let svc = match visible(&state, &session.user, &id).await {
        Ok(svc) => svc,
        Err(r) => return r,
    };
    let mut page = launch_page_of(&session, &svc, launch_stage(&svc));
    page.templates = links_of(&state, Step::Launch).await;
    // A draft keeps what was typed before.
    if let Some(draft) = &svc.step(Step::Launch).draft {
        page.desired = draft["desired_date"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        page.note = draft["note"].as_str().unwrap_or_default().to_owned();
    }
    page.into_response()
}

pub(super) async fn launch_submit(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path(id): Path<String>,
    Form(form): Form<LaunchForm>,
) -> Response {
    if !session.csrf_ok(&form.csrf) {
        return csrf_refused();
    }
    let svc = match visible(&state, &session.user, &id).await {
        Ok(svc) => svc,
        Err(r) => return r,
    };
    let stage = launch_stage(&svc);
    if !matches!(stage, LaunchStage::Form) {
        return Redirect::to(&format!("/eservices/{}/launch", svc.id())).into_response();
    }
    let now = state.now();
    let today = onboard_core::schedule::today_in_bangkok(now);
    let payload = serde_json::json!({
        "desired_date": form.desired_date.trim(),
        "note": (!form.note.trim().is_empty()).then(|| form.note.clone()),
    });
    let mut page = launch_page_of(&session, &svc, LaunchStage::Form);
    page.desired = form.desired_date.trim().to_owned();
    page.note = form.note.clone();
    // The same checks step 7's submission makes, so the page never shows a date that the
    // confirmation would refuse.
    let deadline = state.schedule.launch_deadline.for_request(today);
    let checked = onboard_core::payload::validate(
        Step::Launch,
        &payload,
        &onboard_core::payload::Context::offline(today, deadline),
    );
    let desired = match checked {
        Ok(_) => onboard_core::fields::date(&page.desired).ok(),
        Err(onboard_core::payload::PayloadError::Invalid(report)) => {
            page.errors = Errors::from_report(&report);
            return (StatusCode::UNPROCESSABLE_ENTITY, page).into_response();
        }
        Err(e) => {
            page.errors = Errors::one("desired_date", format!("ข้อมูลไม่ถูกต้อง ({e})"));
            return (StatusCode::UNPROCESSABLE_ENTITY, page).into_response();
        }
    };
    if let Some(day) = desired {
        page.desired_th = thai_date(day);
        page.release = match release_of(&state, now, day).await {
            Ok(release) => release,
            Err(e) => return failure(&e),
        };
    }
    match form.action.as_str() {
        "review" => {
            page.stage = LaunchStage::Confirm;
            page.into_response()
        }
        "confirm" => {
            let expected = form.version.parse::<u64>().ok();
            let command = onboard_core::workflow::Command::Submit {
                step: Step::Launch,
                payload: Some(payload),
            };
            match execute(&state, &session, svc.id(), command, expected).await {
                Ok(_) => Redirect::to(&format!("/eservices/{}/launch", svc.id())).into_response(),
                Err(AppError::Invalid(report)) => {
                    page.errors = Errors::from_report(&report);
                    (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
                }
                // The e-Service changed meanwhile: say so in Thai and show it as it is now,
                // keeping what was typed.
                Err(AppError::Store(onboard_store::StoreError::Command(e))) => {
                    page.notice = Some(e.detail_th());
                    page.version = match state
                        .store
                        .eservice(svc.id(), Scope::of(&session.user))
                        .await
                    {
                        Ok(Some(now)) => {
                            page.stage = launch_stage(&now);
                            now.version()
                        }
                        _ => page.version,
                    };
                    (StatusCode::CONFLICT, page).into_response()
                }
                Err(e) => failure(&e),
            }
        }
        // "check" and "edit": the form again, with the release Tuesday of the date.
        _ => page.into_response(),
    }
}

/// The release Tuesday a request made at `now` for `day` goes out on, with its cutoff, in
/// the words of the launch pages: with the release calendar as the command will read it.
async fn release_of(
    state: &AppState,
    now: DateTime<Utc>,
    day: chrono::NaiveDate,
) -> Result<Option<String>, AppError> {
    let schedule = onboard_app::calendar::schedule(state.store.as_ref(), &state.schedule).await?;
    Ok(
        onboard_core::schedule::try_launch_on(now, day, &schedule.closed)
            .ok()
            .map(|r| {
                format!(
                    "วันอังคารที่ {} (ยืนยันก่อน {})",
                    thai_date(r.launch_on),
                    thai_datetime(r.cutoff.to_utc())
                )
            }),
    )
}

// ---------------------------------------------------------------------------------------
// Moving a scheduled launch (admins)

#[derive(Template, WebTemplate)]
#[template(path = "reschedule.html")]
pub(super) struct ReschedulePage {
    layout: Layout,
    errors: Errors,
    id: EServiceId,
    name: String,
    version: u64,
    current: String,
    desired: String,
    reason: String,
    release: Option<String>,
    notice: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct RescheduleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    desired_date: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    version: String,
}

/// The e-Service whose launch an admin may move now, or the page to answer instead: the
/// not-found page for anyone but an admin (the API's 403 is core's), and the e-Service page
/// once nothing is scheduled.
async fn reschedulable(
    state: &AppState,
    session: &Session,
    id: &str,
) -> Result<onboard_core::workflow::EService, Response> {
    if session.user.role != Role::Admin {
        return Err(page_error(StatusCode::NOT_FOUND, None));
    }
    let svc = visible(state, &session.user, id).await?;
    let today = onboard_core::schedule::today_in_bangkok(state.now());
    if svc.lifecycle(today) != onboard_core::workflow::Lifecycle::Scheduled {
        return Err(Redirect::to(&format!("/eservices/{}", svc.id())).into_response());
    }
    Ok(svc)
}

fn reschedule_page_of(session: &Session, svc: &onboard_core::workflow::EService) -> ReschedulePage {
    ReschedulePage {
        layout: session.layout("eservices"),
        errors: Errors::default(),
        id: svc.id(),
        name: svc.name().to_owned(),
        version: svc.version(),
        current: svc
            .launch_on()
            .map(|d| format!("วันอังคารที่ {}", thai_date(d)))
            .unwrap_or_default(),
        desired: String::new(),
        reason: String::new(),
        release: None,
        notice: None,
    }
}

/// `GET /eservices/{id}/launch/reschedule`.
pub(super) async fn reschedule_page(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path(id): Path<String>,
) -> Response {
    match reschedulable(&state, &session, &id).await {
        Ok(svc) => reschedule_page_of(&session, &svc).into_response(),
        Err(r) => r,
    }
}

/// `POST /eservices/{id}/launch/reschedule`: "check" shows the release Tuesday of the
/// date; "confirm" moves the launch (core decides) and goes back to the e-Service page.
pub(super) async fn reschedule_submit(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path(id): Path<String>,
    Form(form): Form<RescheduleForm>,
) -> Response {
    if !session.csrf_ok(&form.csrf) {
        return csrf_refused();
    }
    let svc = match reschedulable(&state, &session, &id).await {
        Ok(svc) => svc,
        Err(r) => return r,
    };
    let now = state.now();
    let mut page = reschedule_page_of(&session, &svc);
    page.desired = form.desired_date.trim().to_owned();
    page.reason = form.reason.clone();
    if let Ok(day) = onboard_core::fields::date(&page.desired) {
        page.release = match release_of(&state, now, day).await {
            Ok(release) => release,
            Err(e) => return failure(&e),
        };
    }
    if form.action != "confirm" {
        return page.into_response();
    }
    let command = onboard_core::workflow::Command::RescheduleLaunch {
        desired_date: page.desired.clone(),
        reason: form.reason,
    };
    let expected = form.version.parse::<u64>().ok();
    match execute(&state, &session, svc.id(), command, expected).await {
        Ok(_) => Redirect::to(&format!("/eservices/{}?rescheduled=1", svc.id())).into_response(),
        Err(AppError::Invalid(report)) => {
            page.errors = Errors::from_report(&report);
            (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
        }
        // Changed meanwhile (another admin, the launch day came): say so, keep the typing.
        Err(AppError::Store(onboard_store::StoreError::Command(e))) => {
            page.notice = Some(e.detail_th());
            if let Ok(Some(current)) = state.store.eservice(svc.id(), Scope::All).await {
                page.version = current.version();
            }
            (StatusCode::CONFLICT, page).into_response()
        }
        Err(e) => failure(&e),
    }
}

// ---------------------------------------------------------------------------------------
// Steps 3 and 6: the table of test attempts, with add, edit and delete

pub(super) struct AttemptRow {
    pub(super) number: u32,
    pub(super) details: String,
    pub(super) file_name: String,
    /// The file, to open.
    pub(super) file_id: String,
    pub(super) added_at: String,
    pub(super) class: &'static str,
    pub(super) status_th: &'static str,
    pub(super) review_note: Option<String>,
    pub(super) changeable: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "attempts.html")]
pub(super) struct AttemptsPage {
    layout: Layout,
    errors: Errors,
    id: EServiceId,
    name: String,
    step: &'static str,
    step_title: &'static str,
    version: u64,
    rows: Vec<AttemptRow>,
    can_add: bool,
    editing: Option<u32>,
    details: String,
    notice: Option<String>,
    /// The step's templates to download (the Minimum Testcase).
    templates: Vec<TemplateLink>,
}

/// The test step (3 or 6) named by `slug` of the e-Service `id`, or the page that says it
/// is not there (other steps have no page here yet).
async fn test_step_page(
    state: &AppState,
    user: &User,
    id: &str,
    slug: &str,
) -> Result<(Step, onboard_core::workflow::EService), Response> {
    let step = test_step(slug).ok_or_else(|| page_error(StatusCode::NOT_FOUND, None))?;
    Ok((step, visible(state, user, id).await?))
}

/// A test step (3 or 6) named by its slug.
pub(super) fn test_step(slug: &str) -> Option<Step> {
    slug.parse::<Step>().ok().filter(|s| s.is_test())
}

/// The attempts of a test step as table rows; `owner` may change the latest pending one.
pub(super) async fn attempt_rows(
    state: &AppState,
    svc: &onboard_core::workflow::EService,
    step: Step,
    owner: bool,
) -> Vec<AttemptRow> {
    let s = svc.step(step);
    let latest = s.attempts.last().map(|a| a.number);
    let mut rows = Vec::with_capacity(s.attempts.len());
    for a in &s.attempts {
        let file_name = match a.file_id.parse::<FileId>() {
            Ok(id) => state.store.file(id).await.ok().flatten().map(|f| f.name),
            Err(_) => None,
        };
        let (class, status_th) = match a.status {
            // The manual's table shows a pending attempt as กำลังดำเนินการ.
            onboard_core::workflow::AttemptStatus::Pending => ("in_progress", "กำลังดำเนินการ"),
            onboard_core::workflow::AttemptStatus::Passed => ("completed", "ผ่าน"),
            onboard_core::workflow::AttemptStatus::Failed => ("changes_requested", "ไม่ผ่าน"),
        };
        rows.push(AttemptRow {
            number: a.number,
            details: a.details.clone(),
            file_name: file_name.unwrap_or_else(|| "-".to_owned()),
            file_id: a.file_id.clone(),
            added_at: thai_datetime(a.added_at),
            class,
            status_th,
            review_note: a.review_note.clone(),
            changeable: owner
                && Some(a.number) == latest
                && a.status == onboard_core::workflow::AttemptStatus::Pending,
        });
    }
    rows
}

/// The attempts page of `svc` as it stands, for `session`.
pub(super) async fn attempts_page_of(
    state: &AppState,
    session: &Session,
    svc: &onboard_core::workflow::EService,
    step: Step,
    editing: Option<u32>,
) -> AttemptsPage {
    let s = svc.step(step);
    let owner = DetailAccess::of(session.user.role, session.user.agency_id, svc.agency_id()).owner;
    let rows = attempt_rows(state, svc, step, owner).await;
    let open = matches!(
        s.status,
        StepStatus::InProgress | StepStatus::ChangesRequested
    );
    let editing = editing.filter(|n| rows.iter().any(|r| r.number == *n && r.changeable));
    let details = editing
        .and_then(|n| s.attempts.iter().find(|a| a.number == n))
        .map(|a| a.details.clone())
        .unwrap_or_default();
    AttemptsPage {
        layout: session.layout("eservices"),
        errors: Errors::default(),
        id: svc.id(),
        name: svc.name().to_owned(),
        step: step.as_str(),
        step_title: step.title_th(),
        version: svc.version(),
        can_add: owner && (open || editing.is_some()),
        rows,
        editing,
        details,
        notice: None,
        templates: links_of(state, step).await,
    }
}

/// Runs an attempt command and answers as a page: back to the table (303), or the table
/// with the problems beside the fields, what was typed kept.
pub(super) async fn attempt_command(
    state: &AppState,
    session: &Session,
    svc: &onboard_core::workflow::EService,
    step: Step,
    command: onboard_core::workflow::Command,
    version: Option<u64>,
    typed: (Option<u32>, String),
) -> Response {
    let result = execute(state, session, svc.id(), command, version).await;
    let back = format!("/eservices/{}/steps/{}", svc.id(), step.as_str());
    let (status, errors, notice) = match result {
        Ok(_) => return Redirect::to(&back).into_response(),
        Err(AppError::Invalid(report)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Errors::from_report(&report),
            None,
        ),
        // Changed meanwhile, or not allowed now: say so and show the table as it is.
        Err(AppError::Store(onboard_store::StoreError::Command(e))) => {
            (StatusCode::CONFLICT, Errors::default(), Some(e.detail_th()))
        }
        Err(e) => return failure(&e),
    };
    let current = match state
        .store
        .eservice(svc.id(), Scope::of(&session.user))
        .await
    {
        Ok(Some(now)) => now,
        _ => svc.clone(),
    };
    let mut page = attempts_page_of(state, session, &current, step, typed.0).await;
    page.errors = errors;
    page.notice = notice;
    page.details = typed.1;
    (status, page).into_response()
}

pub(super) async fn attempt_submit(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path((id, step)): Path<(String, String)>,
    multipart: axum::extract::Multipart,
) -> Response {
    let (step, svc) = match test_step_page(&state, &session.user, &id, &step).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let purpose = onboard_core::file::FilePurpose::TestResult;
    let form =
        match crate::files::read_page_form(multipart, |n| (n == "file").then_some(purpose)).await {
            Ok(form) => form,
            Err(e) => {
                let mut page = attempts_page_of(&state, &session, &svc, step, None).await;
                page.errors = Errors::one("file_id", e.detail_th());
                return (e.status(), page).into_response();
            }
        };
    if !session.csrf_ok(&form.text("csrf")) {
        return csrf_refused();
    }
    let editing = form.text("number").parse::<u32>().ok();
    let details = form.text("details");
    let version = form.text("version").parse::<u64>().ok();
    if !form.too_large.is_empty() {
        let mut page = attempts_page_of(&state, &session, &svc, step, editing).await;
        let e = crate::ApiError::PayloadTooLarge(Some(purpose));
        page.errors = Errors::one("file_id", e.detail_th());
        page.details = details;
        return (e.status(), page).into_response();
    }
    let file_id = match form.files.into_iter().next() {
        Some((_, name, bytes)) => {
            match upload(&state, &session.user, purpose, name, &bytes).await {
                Ok(id) => id,
                Err(Upload::Refused(message)) => {
                    let mut page = attempts_page_of(&state, &session, &svc, step, editing).await;
                    page.errors = Errors::one("file_id", message);
                    page.details = details;
                    return (StatusCode::UNPROCESSABLE_ENTITY, page).into_response();
                }
                Err(Upload::Failed(r)) => return r,
            }
        }
        // Editing without a new file keeps the one the attempt has.
        None => editing
            .and_then(|n| svc.step(step).attempts.iter().find(|a| a.number == n))
            .map(|a| a.file_id.clone())
            .unwrap_or_default(),
    };
    let input = serde_json::json!({"details": details, "file_id": file_id});
    let command = match editing {
        Some(number) => onboard_core::workflow::Command::EditAttempt {
            step,
            number,
            input,
        },
        None => onboard_core::workflow::Command::AddAttempt { step, input },
    };
    attempt_command(
        &state,
        &session,
        &svc,
        step,
        command,
        version,
        (editing, details),
    )
    .await
}

pub(super) async fn attempt_delete(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path((id, step, number)): Path<(String, String, String)>,
    Form(form): Form<LaunchForm>,
) -> Response {
    if !session.csrf_ok(&form.csrf) {
        return csrf_refused();
    }
    let Ok(number) = number.parse::<u32>() else {
        return page_error(StatusCode::NOT_FOUND, None);
    };
    let (step, svc) = match test_step_page(&state, &session.user, &id, &step).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let command = onboard_core::workflow::Command::DeleteAttempt { step, number };
    let version = form.version.parse::<u64>().ok();
    attempt_command(
        &state,
        &session,
        &svc,
        step,
        command,
        version,
        (None, String::new()),
    )
    .await
}
