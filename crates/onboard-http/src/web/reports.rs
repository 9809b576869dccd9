//! Reports for DGA staff (SPEC §14): the e-Service report as a CSV download, the same bytes
//! as `onboard report` writes (both call `onboard_app::reports::write`).

use super::*;
use onboard_app::reports::{self, Format};

#[derive(Template, WebTemplate)]
#[template(path = "reports.html")]
pub(super) struct ReportsPage {
    layout: Layout,
    errors: Errors,
    columns: &'static [&'static str],
}

/// `GET /reports`.
pub(super) async fn reports_page(Ready(session): Ready) -> Response {
    if !session.user.role.is_staff() {
        return page_error(StatusCode::NOT_FOUND, None);
    }
    ReportsPage {
        layout: session.layout("reports"),
        errors: Errors::default(),
        columns: &reports::COLUMNS,
    }
    .into_response()
}

/// `GET /reports/eservices.csv`: every e-Service, one row each, for Excel.
pub(super) async fn report_csv(State(state): State<AppState>, Ready(session): Ready) -> Response {
    if !session.user.role.is_staff() {
        return page_error(StatusCode::NOT_FOUND, None);
    }
    let now = state.now();
    let today = onboard_core::schedule::today_in_bangkok(now);
    let buffer = SharedBuffer::default();
    let written = reports::write(
        state.store.as_ref(),
        Format::Csv,
        Box::new(buffer.clone()),
        today,
        &mut |_, _| {},
    )
    .await;
    match written {
        Ok(rows) => {
            tracing::info!(rows, "report downloaded");
            let name = format!("onboard-report-{today}.csv");
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        crate::files::content_disposition(&name),
                    ),
                    (header::CACHE_CONTROL, "private, no-store".to_owned()),
                ],
                buffer.take(),
            )
                .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "report failed");
            page_error(StatusCode::INTERNAL_SERVER_ERROR, None)
        }
    }
}

/// An in-memory sink the report writer can own while the page keeps a handle to it.
#[derive(Clone, Default)]
struct SharedBuffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl SharedBuffer {
    fn take(&self) -> Vec<u8> {
        self.0
            .lock()
            .map(|mut b| std::mem::take(&mut *b))
            .unwrap_or_default()
    }
}

impl std::io::Write for SharedBuffer {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("report buffer poisoned"))?
            .extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
