//! DGA's review (SPEC §14 "Pages (DGA staff)"): the queue of submissions waiting, oldest
//! first, and the review page of a step, where a reviewer approves (with a note, supplied
//! credentials and, at step 4, the choice to update the agency record) or asks for changes
//! with a reason. Agency officers find none of it (404), as the API refuses them.

use super::step_forms::{file_infos, step_fields, summary, SummarySection};
use super::steps::{attempt_rows, AttemptRow};
use super::*;
use onboard_core::id::{AgencyId, UserId};
use onboard_core::workflow::{AgencyDifference, Change, Command, EService, SuppliedCredentials};

/// Submissions the queue page reads (the API's limit too).
const QUEUE_LIMIT: u32 = 1000;

/// One waiting submission.
pub(super) struct QueueRow {
    id: EServiceId,
    name: String,
    agency: String,
    slug: &'static str,
    number: u8,
    title: &'static str,
    submitted: String,
    days: u64,
}

#[derive(Template, WebTemplate)]
#[template(path = "review_queue.html")]
pub(super) struct QueuePage {
    layout: Layout,
    errors: Errors,
    rows: Vec<QueueRow>,
    waiting: usize,
    steps: Vec<(&'static str, &'static str, bool)>,
    agencies: Vec<(AgencyId, String, bool)>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct QueueQuery {
    step: Option<String>,
    agency: Option<String>,
}

/// The 404 page for anyone but DGA staff (agency officers), as the API refuses them.
fn not_staff(session: &Session) -> Option<Response> {
    (!session.user.role.is_staff()).then(|| page_error(StatusCode::NOT_FOUND, None))
}

/// Whole days a submission made at `since` has waited (SPEC §7).
fn days_since(state: &AppState, since: DateTime<Utc>) -> u64 {
    onboard_core::dashboard::waiting_days(since, state.now())
}

/// `GET /review`: submissions waiting for DGA, oldest first, with how long each has waited.
pub(super) async fn queue_page(
    State(state): State<AppState>,
    Ready(session): Ready,
    Query(query): Query<QueueQuery>,
) -> Response {
    if let Some(r) = not_staff(&session) {
        return r;
    }
    let step = query.step.as_deref().and_then(|s| s.parse::<Step>().ok());
    let agency = query
        .agency
        .as_deref()
        .and_then(|s| s.parse::<AgencyId>().ok());
    let (queue, agencies) = match (
        state
            .store
            .review_queue(QUEUE_LIMIT, crate::eservices::today(&state))
            .await,
        state.store.agencies().await,
    ) {
        (Ok(q), Ok(a)) => (q, a),
        (Err(e), _) | (_, Err(e)) => return store_failure(&e),
    };
    let waiting = queue.len();
    let rows = queue
        .into_iter()
        .filter(|i| step.is_none_or(|s| s == i.current_step))
        .filter(|i| agency.is_none_or(|a| a == i.agency_id))
        .map(|i| QueueRow {
            id: i.id,
            name: i.name,
            agency: i.agency_name_th,
            slug: i.current_step.as_str(),
            number: i.current_step.number(),
            title: i.current_step.title_th(),
            submitted: i.review_since.map(thai_datetime).unwrap_or_default(),
            days: i.review_since.map_or(0, |at| days_since(&state, at)),
        })
        .collect();
    QueuePage {
        layout: session.layout("review"),
        errors: Errors::default(),
        rows,
        waiting,
        steps: Step::ALL
            .iter()
            .filter(|s| **s != Step::Launch)
            .map(|s| (s.as_str(), s.title_th(), Some(*s) == step))
            .collect(),
        agencies: agencies
            .into_iter()
            .map(|a| (a.id, a.name_th, Some(a.id) == agency))
            .collect(),
    }
    .into_response()
}

/// One line of a step's history.
pub(super) struct HistoryRow {
    at: String,
    what: &'static str,
    who: String,
    text: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "review.html")]
pub(super) struct ReviewPage {
    layout: Layout,
    errors: Errors,
    id: EServiceId,
    name: String,
    agency: String,
    slug: &'static str,
    number: u8,
    title: &'static str,
    version: u64,
    status: &'static str,
    status_th: &'static str,
    under_review: bool,
    submitted_at: Option<String>,
    days: Option<u64>,
    sections: Vec<SummarySection>,
    attempts: Vec<AttemptRow>,
    warnings: Vec<String>,
    history: Vec<HistoryRow>,
    differences: Vec<AgencyDifference>,
    /// Step 4: the wording the agency consented to (its version and statements), who and when.
    consented: Option<Consented>,
    /// Steps 1 and 4 issue credentials; the reviewer may supply them.
    issues_credentials: bool,
    form: DecisionForm,
    notice: Option<String>,
}

/// The consents of a step-4 submission, as accepted.
pub(super) struct Consented {
    version: String,
    statements: Vec<&'static str>,
    by: String,
    at: String,
}

/// What a reviewer types on the review page (kept when it comes back with a problem).
#[derive(Debug, Default, Deserialize)]
pub(super) struct DecisionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    app_id: String,
    #[serde(default)]
    consumer_key: String,
    #[serde(default)]
    consumer_secret: String,
    #[serde(default)]
    update_agency: String,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ReviewQuery {
    decided: Option<String>,
}

/// What an event did, in the words of the step's history.
fn what(change: &Change) -> Option<&'static str> {
    Some(match change {
        Change::Submitted { .. } => "ส่งข้อมูลให้ สพร. ตรวจสอบ",
        Change::AttemptAdded { .. } => "เพิ่มผลการทดสอบ",
        Change::AttemptEdited { .. } => "แก้ไขผลการทดสอบ",
        Change::AttemptDeleted { .. } => "ลบผลการทดสอบ",
        Change::Withdrawn => "ถอนคำขอเพื่อแก้ไข",
        Change::Approved { .. } => "อนุมัติ",
        Change::ChangesRequested { .. } => "ขอให้แก้ไข",
        Change::CredentialsIssued { .. } => "ออก Credential",
        Change::CategoryChanged { .. } => "เปลี่ยนหมวดหมู่",
        Change::AgencyUpdated { .. } => "ปรับชื่อหน่วยงานตามแบบฟอร์ม",
        Change::LaunchScheduled { .. } => "ยืนยันวันเปิดให้บริการ",
        Change::LaunchRescheduled { .. } => "เลื่อนวันเปิดให้บริการ",
        // Drafts are the agency's work in progress, not history worth a reviewer's time.
        Change::Created { .. } | Change::ServicesUpdated { .. } | Change::DraftSaved { .. } => {
            return None
        }
    })
}

/// The review page of `step` of `svc` as it stands.
async fn review_page_of(
    state: &AppState,
    session: &Session,
    svc: &EService,
    step: Step,
    form: DecisionForm,
) -> Result<ReviewPage, Response> {
    let s = svc.step(step);
    let agency = state
        .store
        .agency(svc.agency_id())
        .await
        .map_err(|e| store_failure(&e))?;
    let differences = match (&agency, step) {
        (Some(a), Step::PlatformRequest) => {
            onboard_core::workflow::agency_differences(svc, &a.names()).unwrap_or_default()
        }
        _ => Vec::new(),
    };
    let sections = match (step_fields(state, step), &s.submission) {
        (Some(fields), Some(payload)) => {
            let files = file_infos(state, &session.user, &fields, payload).await;
            summary(&fields, payload, &files)
        }
        _ => Vec::new(),
    };
    let attempts = if step.is_test() {
        attempt_rows(state, svc, step, false).await
    } else {
        Vec::new()
    };
    let events = state
        .store
        .events(svc.id())
        .await
        .map_err(|e| store_failure(&e))?;
    let mut names: HashMap<UserId, String> = HashMap::new();
    let mut history = Vec::new();
    let mut consented = None;
    for e in events
        .iter()
        .map(|e| &e.event)
        .filter(|e| e.step == Some(step))
    {
        let Some(what) = what(&e.change) else {
            continue;
        };
        if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(e.actor) {
            slot.insert(match state.store.user(e.actor).await {
                Ok(Some(u)) => u.display_name,
                _ => "-".to_owned(),
            });
        }
        if let Change::Submitted {
            consents_version: Some(version),
            ..
        } = &e.change
        {
            consented = Some(Consented {
                statements: onboard_core::payload::consent_statements(version)
                    .unwrap_or_default()
                    .iter()
                    .map(|s| s.th)
                    .collect(),
                version: version.clone(),
                by: names.get(&e.actor).cloned().unwrap_or_default(),
                at: thai_datetime(e.at),
            });
        }
        let text = match &e.change {
            Change::Approved { note } => note.clone(),
            Change::ChangesRequested { reason } => Some(reason.clone()),
            _ => None,
        };
        history.push(HistoryRow {
            at: thai_datetime(e.at),
            what,
            who: names.get(&e.actor).cloned().unwrap_or_default(),
            text,
        });
    }
    history.reverse();
    Ok(ReviewPage {
        layout: session.layout("review"),
        errors: Errors::default(),
        id: svc.id(),
        name: svc.name().to_owned(),
        agency: agency.map(|a| a.name_th).unwrap_or_default(),
        slug: step.as_str(),
        number: step.number(),
        title: step.title_th(),
        version: svc.version(),
        status: s.status.as_str(),
        status_th: s.status.title_th(),
        under_review: s.status == StepStatus::UnderReview,
        submitted_at: s.submitted_at.map(thai_datetime),
        days: (s.status == StepStatus::UnderReview)
            .then(|| s.submitted_at.map(|at| days_since(state, at)))
            .flatten(),
        sections,
        attempts,
        warnings: s.warnings.iter().map(|w| w.message_th.clone()).collect(),
        history,
        differences,
        consented,
        issues_credentials: matches!(step, Step::Credential | Step::PlatformRequest),
        form,
        notice: None,
    })
}

/// The e-Service and the reviewable step a request names, for staff only.
async fn reviewable(
    state: &AppState,
    session: &Session,
    id: &str,
    slug: &str,
) -> Result<(EService, Step), Response> {
    if let Some(r) = not_staff(session) {
        return Err(r);
    }
    let step = slug
        .parse::<Step>()
        .ok()
        .filter(|s| *s != Step::Launch)
        .ok_or_else(|| page_error(StatusCode::NOT_FOUND, None))?;
    Ok((visible(state, &session.user, id).await?, step))
}

/// `GET /eservices/{id}/steps/{step}/review`.
pub(super) async fn review_page(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path((id, slug)): Path<(String, String)>,
    Query(query): Query<ReviewQuery>,
) -> Response {
    let (svc, step) = match reviewable(&state, &session, &id, &slug).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    match review_page_of(&state, &session, &svc, step, DecisionForm::default()).await {
        Ok(mut page) => {
            page.notice = match query.decided.as_deref() {
                Some("approved") => Some("อนุมัติแล้ว หน่วยงานได้รับการแจ้งเตือนทางระบบและอีเมล".to_owned()),
                Some("changes") => {
                    Some("ส่งกลับให้หน่วยงานแก้ไขแล้ว หน่วยงานได้รับการแจ้งเตือนทางระบบและอีเมล".to_owned())
                }
                _ => None,
            };
            page.into_response()
        }
        Err(r) => r,
    }
}

/// `POST /eservices/{id}/steps/{step}/approve`.
pub(super) async fn approve_submit(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path((id, slug)): Path<(String, String)>,
    Form(form): Form<DecisionForm>,
) -> Response {
    decide(state, session, id, slug, form, true).await
}

/// `POST /eservices/{id}/steps/{step}/request-changes`.
pub(super) async fn request_changes_submit(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path((id, slug)): Path<(String, String)>,
    Form(form): Form<DecisionForm>,
) -> Response {
    decide(state, session, id, slug, form, false).await
}

async fn decide(
    state: AppState,
    session: Session,
    id: String,
    slug: String,
    form: DecisionForm,
    approve: bool,
) -> Response {
    if !session.csrf_ok(&form.csrf) {
        return csrf_refused();
    }
    let (svc, step) = match reviewable(&state, &session, &id, &slug).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let supplied = [&form.app_id, &form.consumer_key, &form.consumer_secret]
        .iter()
        .filter(|v| !v.trim().is_empty())
        .count();
    let mut problems = Errors::default();
    let command = if approve {
        if supplied != 0 && supplied != 3 {
            problems = Errors::one(
                "app_id",
                "กรุณากรอก App Id, Consumer Key และ Consumer Secret ให้ครบ หรือเว้นว่างทั้งหมดเพื่อให้ระบบสร้างให้",
            );
        }
        Command::Approve {
            step,
            note: Some(form.note.trim().to_owned()).filter(|n| !n.is_empty()),
            credentials: (supplied == 3).then(|| SuppliedCredentials {
                app_id: form.app_id.trim().to_owned(),
                consumer_key: form.consumer_key.trim().to_owned(),
                consumer_secret: form.consumer_secret.trim().to_owned(),
            }),
            update_agency: form.update_agency == "true",
        }
    } else {
        Command::RequestChanges {
            step,
            reason: form.reason.clone(),
        }
    };
    let (status, errors, notice) = if problems.is_empty() {
        let result = execute(
            &state,
            &session,
            svc.id(),
            command,
            form.version.parse::<u64>().ok(),
        )
        .await;
        match result {
            Ok(svc) => {
                let decided = if approve { "approved" } else { "changes" };
                return Redirect::to(&format!(
                    "/eservices/{}/steps/{}/review?decided={decided}",
                    svc.id(),
                    step.as_str()
                ))
                .into_response();
            }
            Err(AppError::Invalid(report)) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                Errors(
                    report
                        .errors
                        .iter()
                        .map(|i| {
                            // `credentials.app_id` is the box `app_id`.
                            let field = i.field.rsplit('.').next().unwrap_or_default();
                            FieldMessage::new(field, i.message_th.clone())
                        })
                        .collect(),
                ),
                None,
            ),
            Err(AppError::Store(onboard_store::StoreError::Command(e))) => {
                (StatusCode::CONFLICT, Errors::default(), Some(e.detail_th()))
            }
            Err(e) => return failure(&e),
        }
    } else {
        (StatusCode::UNPROCESSABLE_ENTITY, problems, None)
    };
    // The page again, on the e-Service as it is now, with what was typed (never the secret).
    let current = match state
        .store
        .eservice(svc.id(), Scope::of(&session.user))
        .await
    {
        Ok(Some(now)) => now,
        _ => svc,
    };
    let typed = DecisionForm {
        consumer_secret: String::new(),
        ..form
    };
    match review_page_of(&state, &session, &current, step, typed).await {
        Ok(mut page) => {
            page.errors = errors;
            page.notice = notice;
            (status, page).into_response()
        }
        Err(r) => r,
    }
}
