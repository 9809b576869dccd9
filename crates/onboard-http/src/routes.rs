//! The JSON API's routes, each registered once: `routes!` takes a handler's method and path
//! from its `#[utoipa::path]` attribute, so the router and the OpenAPI document are built
//! from the same list and no route can go undocumented.

use crate::{
    admin, auth, calendar, eservices, files, openapi, ops, portal, steps, templates, AppState,
};
use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use axum::Router;
use std::sync::OnceLock;
use utoipa::OpenApi;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

/// Every operation with its handler. One `routes!` per path: given handlers of several
/// paths, `routes!` would serve all of them on every one of those paths.
fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(auth::login))
        .routes(routes!(auth::first_login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(auth::change_password))
        .routes(routes!(admin::list_agencies, admin::create_agency))
        .routes(routes!(admin::update_agency))
        .routes(routes!(admin::list_users, admin::post_user))
        .routes(routes!(admin::reset_credentials))
        .routes(routes!(admin::disable_user))
        .routes(routes!(admin::enable_user))
        .routes(routes!(eservices::list, eservices::create))
        .routes(routes!(eservices::detail))
        .routes(routes!(eservices::put_services))
        .routes(routes!(steps::save_draft))
        .routes(routes!(steps::submit))
        .routes(routes!(steps::withdraw))
        .routes(routes!(steps::list_attempts, steps::add_attempt))
        .routes(routes!(steps::edit_attempt, steps::delete_attempt))
        .routes(routes!(steps::approve))
        .routes(routes!(steps::request_changes))
        .routes(routes!(steps::agency_diff))
        .routes(routes!(steps::reschedule_launch))
        .routes(routes!(eservices::events))
        .routes(routes!(eservices::review_queue))
        .routes(routes!(portal::dashboard))
        .routes(routes!(eservices::launched))
        .routes(routes!(portal::notifications))
        .routes(routes!(portal::mark_read))
        .routes(routes!(portal::release_date))
        .routes(routes!(portal::categories))
        .routes(routes!(portal::steps))
        .routes(routes!(portal::statuses))
        .routes(routes!(portal::consents))
        .routes(routes!(calendar::closed_dates, calendar::put_closed_dates))
        .routes(routes!(calendar::releases_ics))
        .routes(routes!(templates::list))
        // The file is bounded while streaming (the template limit), as uploads are.
        .routes(routes!(templates::create).layer(DefaultBodyLimit::disable()))
        .routes(routes!(templates::download, templates::delete))
        // Uploads bound their own size while streaming (per purpose); the global request
        // limit still applies.
        .routes(routes!(files::upload).layer(DefaultBodyLimit::disable()))
        .routes(routes!(files::download))
        .routes(routes!(ops::healthz))
        .routes(routes!(openapi::serve_document))
}

/// The router of every JSON API route, before the cross-cutting layers.
pub(crate) fn build() -> Router<AppState> {
    api().split_for_parts().0
}

/// The OpenAPI document of every route [`build`] serves.
pub(crate) fn document() -> utoipa::openapi::OpenApi {
    let mut doc = api().split_for_parts().1;
    openapi::complete(&mut doc);
    doc
}

/// Every `(method, path)` the router serves, paths in OpenAPI form (`{id}`): the
/// document's operations, which `routes!` registered one by one.
pub fn routes() -> Vec<(Method, &'static str)> {
    static ROUTES: OnceLock<Vec<(Method, String)>> = OnceLock::new();
    ROUTES
        .get_or_init(|| {
            let doc = api().split_for_parts().1;
            let mut routes = Vec::new();
            for (path, item) in doc.paths.paths {
                for (method, op) in [
                    (Method::GET, &item.get),
                    (Method::POST, &item.post),
                    (Method::PUT, &item.put),
                    (Method::DELETE, &item.delete),
                    (Method::PATCH, &item.patch),
                    (Method::HEAD, &item.head),
                    (Method::OPTIONS, &item.options),
                    (Method::TRACE, &item.trace),
                ] {
                    if op.is_some() {
                        routes.push((method, path.clone()));
                    }
                }
            }
            routes
        })
        .iter()
        .map(|(method, path)| (method.clone(), path.as_str()))
        .collect()
}
