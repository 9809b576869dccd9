//! Templates in the portal: the admins' page เทมเพลต (the list, a new template with its
//! file, a delete button per row), the links of a step's page to its templates, and their
//! download for anyone signed in. Everything goes through `onboard_app::templates`; the
//! fields and the file are checked by `onboard_core::template`.

use super::*;
use onboard_app::accounts::Administrator;
use onboard_app::templates::{self, Upload};
use onboard_core::id::TemplateId;
use onboard_store::{StoreError, Template as StoredTemplate};

/// The 404 page: what the admins' page is to anyone else, and unknown ids.
fn not_found() -> Response {
    page_error(StatusCode::NOT_FOUND, None)
}

/// A link of a step's page to one of its templates.
pub(super) struct TemplateLink {
    pub(super) id: TemplateId,
    pub(super) title_th: String,
}

/// The templates of `step`, for the links on its page; none when the store fails (the
/// page still works; the cause goes to the log).
pub(super) async fn links_of(state: &AppState, step: Step) -> Vec<TemplateLink> {
    match templates::of_step(state.store.as_ref(), step).await {
        Ok(found) => found
            .into_iter()
            .map(|t| TemplateLink {
                id: t.id,
                title_th: t.title_th,
            })
            .collect(),
        Err(e) => {
            tracing::error!(error = %e, "templates of a step could not be read");
            Vec::new()
        }
    }
}

/// `GET /templates/{id}`: a template's file for anyone signed in, as an attachment.
pub(super) async fn template_download(
    State(state): State<AppState>,
    Ready(_session): Ready,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<TemplateId>() else {
        return not_found();
    };
    match templates::download(state.store.as_ref(), id).await {
        Ok(Some((template, content))) => crate::files::attachment(&template.file, content),
        Ok(None) => not_found(),
        Err(e) => failure(&e),
    }
}

/// One row of the templates table.
pub(super) struct TemplateRow {
    id: TemplateId,
    step: String,
    title_th: String,
    title_en: String,
    file_name: String,
    added_at: String,
}

impl TemplateRow {
    fn of(t: &StoredTemplate) -> TemplateRow {
        TemplateRow {
            id: t.id,
            step: format!("{}. {}", t.step.number(), t.step.title_th()),
            title_th: t.title_th.clone(),
            title_en: t.title_en.clone(),
            file_name: t.file.name.clone(),
            added_at: thai_datetime(t.uploaded_at),
        }
    }
}

/// The new template's fields as typed (the file cannot be kept by a browser).
#[derive(Debug, Default)]
pub(super) struct TemplateForm {
    title_th: String,
    title_en: String,
    step: String,
}

impl TemplateForm {
    /// The two titles in the form's order: name, label, value.
    fn titles(&self) -> [(&'static str, &'static str, &str); 2] {
        [
            ("title_th", "ชื่อ (ภาษาไทย) *", &self.title_th),
            ("title_en", "ชื่อ (ภาษาอังกฤษ) *", &self.title_en),
        ]
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "templates.html")]
pub(super) struct TemplatesPage {
    layout: Layout,
    errors: Errors,
    notice: Option<&'static str>,
    rows: Vec<TemplateRow>,
    form: TemplateForm,
    /// `(slug, "n. Thai title")` of the seven steps.
    steps: Vec<(&'static str, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct TemplatesQuery {
    done: Option<String>,
}

async fn render(
    state: &AppState,
    session: &Session,
    status: StatusCode,
    errors: Errors,
    notice: Option<&'static str>,
    form: TemplateForm,
) -> Response {
    match templates::list(state.store.as_ref()).await {
        Ok(all) => (
            status,
            TemplatesPage {
                layout: session.layout("templates"),
                errors,
                notice,
                rows: all.iter().map(TemplateRow::of).collect(),
                form,
                steps: Step::ALL
                    .iter()
                    .map(|s| (s.as_str(), format!("{}. {}", s.number(), s.title_th())))
                    .collect(),
            },
        )
            .into_response(),
        Err(e) => failure(&e),
    }
}

/// `GET /templates`: the admins' page.
pub(super) async fn templates_page(
    State(state): State<AppState>,
    Ready(session): Ready,
    Query(query): Query<TemplatesQuery>,
) -> Response {
    if Administrator::of(&session.user).is_err() {
        return not_found();
    }
    let notice = match query.done.as_deref() {
        Some("created") => Some("เพิ่มเทมเพลตแล้ว หน้าของขั้นตอนนั้นแสดงลิงก์ดาวน์โหลดทันที"),
        Some("deleted") => Some("ลบเทมเพลตแล้ว"),
        _ => None,
    };
    render(
        &state,
        &session,
        StatusCode::OK,
        Errors::default(),
        notice,
        TemplateForm::default(),
    )
    .await
}

/// `POST /templates`: a new template (multipart: the three fields and the file). Problems
/// go to the error summary and beside their fields, with what was typed kept.
pub(super) async fn template_create(
    State(state): State<AppState>,
    Ready(session): Ready,
    multipart: axum::extract::Multipart,
) -> Response {
    let purpose = FilePurpose::Template;
    let sent =
        match crate::files::read_page_form(multipart, |n| (n == "file").then_some(purpose)).await {
            Ok(sent) => sent,
            Err(e) => {
                tracing::warn!(error = %e, "template form refused");
                return page_error(e.status(), Some(&e.detail_th()));
            }
        };
    if !session.csrf_ok(&sent.text("csrf")) {
        return csrf_refused();
    }
    let Ok(by) = Administrator::of(&session.user) else {
        return not_found();
    };
    let form = TemplateForm {
        title_th: sent.text("title_th"),
        title_en: sent.text("title_en"),
        step: sent.text("step"),
    };
    let file = sent.files.iter().find(|(name, _, _)| name == "file");
    let upload = Upload {
        title_th: &form.title_th,
        title_en: &form.title_en,
        step: &form.step,
        file_name: file.map_or("", |f| f.1.as_str()),
        content: file.map(|f| f.2.as_slice()),
    };
    let result = if sent.too_large.is_empty() {
        templates::create(state.store.as_ref(), &by, upload, state.now()).await
    } else {
        // Still check the fields, so every problem shows at once.
        let mut report = onboard_core::template::TemplateFields::parse(
            &form.title_th,
            &form.title_en,
            &form.step,
        )
        .err()
        .unwrap_or_default();
        let too_large = crate::ApiError::PayloadTooLarge(Some(purpose)).detail_th();
        report.push(onboard_core::validation::Issue::with_messages(
            &onboard_core::validation::Path::root().key("file"),
            onboard_core::validation::Code::FileTooLarge,
            too_large,
            "The file is over 20 MiB",
        ));
        Err(AppError::Invalid(report))
    };
    match result {
        Ok(_) => Redirect::to("/templates?done=created").into_response(),
        Err(AppError::Invalid(report)) => {
            render(
                &state,
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                Errors::from_report(&report),
                None,
                form,
            )
            .await
        }
        Err(e) => failure(&e),
    }
}

/// The form of a row's delete button.
#[derive(Debug, Default, Deserialize)]
pub(super) struct DeleteForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /templates/{id}/delete`.
pub(super) async fn template_delete(
    State(state): State<AppState>,
    Ready(session): Ready,
    Path(id): Path<String>,
    Form(form): Form<DeleteForm>,
) -> Response {
    if !session.csrf_ok(&form.csrf) {
        return csrf_refused();
    }
    let Ok(by) = Administrator::of(&session.user) else {
        return not_found();
    };
    let Ok(id) = id.parse::<TemplateId>() else {
        return not_found();
    };
    match templates::delete(state.store.as_ref(), &by, id).await {
        Ok(()) => Redirect::to("/templates?done=deleted").into_response(),
        Err(AppError::Store(StoreError::NotFound)) => not_found(),
        Err(e) => failure(&e),
    }
}
