//! The one table of routes: it builds the router and is checked against the OpenAPI
//! document, so no route can go undocumented.

use crate::{
    admin, auth, calendar, eservices, files, openapi, ops, portal, steps, templates, AppState,
};
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::Router;

/// One route: its method and path (as in the OpenAPI document) and its handler.
pub(crate) struct Route {
    method: Method,
    path: &'static str,
    handler: MethodRouter<AppState>,
}

fn route<H, T>(method: Method, path: &'static str, handler: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    let filter = match method.as_str() {
        "GET" => MethodFilter::GET,
        "POST" => MethodFilter::POST,
        "PUT" => MethodFilter::PUT,
        "DELETE" => MethodFilter::DELETE,
        _ => MethodFilter::PATCH,
    };
    Route {
        method,
        path,
        handler: on(filter, handler),
    }
}

fn get<H: Handler<T, AppState>, T: 'static>(path: &'static str, h: H) -> Route {
    route(Method::GET, path, h)
}
fn post<H: Handler<T, AppState>, T: 'static>(path: &'static str, h: H) -> Route {
    route(Method::POST, path, h)
}
fn put<H: Handler<T, AppState>, T: 'static>(path: &'static str, h: H) -> Route {
    route(Method::PUT, path, h)
}
fn delete<H: Handler<T, AppState>, T: 'static>(path: &'static str, h: H) -> Route {
    route(Method::DELETE, path, h)
}

fn table() -> Vec<Route> {
    vec![
        post("/api/v1/auth/login", auth::login),
        post("/api/v1/auth/first-login", auth::first_login),
        post("/api/v1/auth/logout", auth::logout),
        get("/api/v1/me", auth::me),
        post("/api/v1/me/password", auth::change_password),
        get("/api/v1/agencies", admin::list_agencies),
        post("/api/v1/agencies", admin::create_agency),
        put("/api/v1/agencies/{id}", admin::update_agency),
        get("/api/v1/users", admin::list_users),
        post("/api/v1/users", admin::post_user),
        post(
            "/api/v1/users/{id}/reset-credentials",
            admin::reset_credentials,
        ),
        post("/api/v1/users/{id}/disable", admin::disable_user),
        post("/api/v1/users/{id}/enable", admin::enable_user),
        get("/api/v1/eservices", eservices::list),
        post("/api/v1/eservices", eservices::create),
        get("/api/v1/eservices/{id}", eservices::detail),
        put("/api/v1/eservices/{id}/services", eservices::put_services),
        put(
            "/api/v1/eservices/{id}/steps/{step}/draft",
            steps::save_draft,
        ),
        post("/api/v1/eservices/{id}/steps/{step}/submit", steps::submit),
        post(
            "/api/v1/eservices/{id}/steps/{step}/withdraw",
            steps::withdraw,
        ),
        get(
            "/api/v1/eservices/{id}/steps/{step}/attempts",
            steps::list_attempts,
        ),
        post(
            "/api/v1/eservices/{id}/steps/{step}/attempts",
            steps::add_attempt,
        ),
        put(
            "/api/v1/eservices/{id}/steps/{step}/attempts/{number}",
            steps::edit_attempt,
        ),
        delete(
            "/api/v1/eservices/{id}/steps/{step}/attempts/{number}",
            steps::delete_attempt,
        ),
        post(
            "/api/v1/eservices/{id}/steps/{step}/approve",
            steps::approve,
        ),
        post(
            "/api/v1/eservices/{id}/steps/{step}/request-changes",
            steps::request_changes,
        ),
        get(
            "/api/v1/eservices/{id}/steps/platform-request/agency-diff",
            steps::agency_diff,
        ),
        post(
            "/api/v1/eservices/{id}/launch/reschedule",
            steps::reschedule_launch,
        ),
        get("/api/v1/eservices/{id}/events", eservices::events),
        get("/api/v1/review-queue", eservices::review_queue),
        get("/api/v1/dashboard", portal::dashboard),
        get("/api/v1/launched", eservices::launched),
        get("/api/v1/notifications", portal::notifications),
        post("/api/v1/notifications/{id}/read", portal::mark_read),
        get("/api/v1/schedule/release-date", portal::release_date),
        get("/api/v1/reference/categories", portal::categories),
        get("/api/v1/reference/steps", portal::steps),
        get("/api/v1/reference/statuses", portal::statuses),
        get("/api/v1/reference/consents", portal::consents),
        get("/api/v1/calendar/closed-dates", calendar::closed_dates),
        put("/api/v1/calendar/closed-dates", calendar::put_closed_dates),
        get("/api/v1/calendar/releases.ics", calendar::releases_ics),
        get("/api/v1/templates", templates::list),
        Route {
            // The file is bounded while streaming (the template limit), as uploads are.
            handler: on(MethodFilter::POST, templates::create).layer(DefaultBodyLimit::disable()),
            ..post("/api/v1/templates", templates::create)
        },
        get("/api/v1/templates/{id}", templates::download),
        delete("/api/v1/templates/{id}", templates::delete),
        Route {
            // Uploads bound their own size while streaming (per purpose); the global
            // request limit still applies.
            handler: on(MethodFilter::POST, files::upload).layer(DefaultBodyLimit::disable()),
            ..post("/api/v1/files", files::upload)
        },
        get("/api/v1/files/{id}", files::download),
        get("/healthz", ops::healthz),
        get("/openapi.json", openapi::serve_document),
    ]
}

/// Every `(method, path)` the router serves, paths in OpenAPI form (`{id}`).
pub fn routes() -> Vec<(Method, &'static str)> {
    table().into_iter().map(|r| (r.method, r.path)).collect()
}

/// The router of every route, before the cross-cutting layers.
pub(crate) fn build() -> Router<AppState> {
    table()
        .into_iter()
        .fold(Router::new(), |router, r| router.route(r.path, r.handler))
}
