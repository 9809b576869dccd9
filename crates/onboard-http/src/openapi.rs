//! The OpenAPI 3.1 document (utoipa), served at `/openapi.json`.

use crate::problem::Problem;
use crate::views;
use crate::{admin, auth, eservices, files, ops, portal, steps};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use std::sync::OnceLock;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "onboard",
        description = "Tracks agencies' e-Services through the seven onboarding steps of the DGA \"ทางรัฐ\" platform. \
            Errors are `application/problem+json` (schema `Problem`) with a `code`.",
    ),
    paths(
        auth::login, auth::first_login, auth::logout, auth::me,
        admin::list_agencies, admin::create_agency, admin::post_user,
        eservices::list, eservices::create, eservices::detail, eservices::put_services,
        steps::save_draft, steps::submit, steps::withdraw,
        steps::list_attempts, steps::add_attempt, steps::edit_attempt, steps::delete_attempt,
        steps::approve, steps::request_changes,
        eservices::events, eservices::review_queue, eservices::launched,
        portal::dashboard, portal::notifications, portal::mark_read, portal::release_date,
        portal::categories, portal::steps,
        files::upload, files::download,
        ops::healthz, serve_document,
    ),
    components(schemas(Problem, views::IssueView)),
    modifiers(&Security, &CommonErrors),
    tags(
        (name = "auth", description = "Login, first login (manual §1), logout"),
        (name = "admin", description = "Agencies and user accounts"),
        (name = "eservices", description = "e-Services, their events, the review queue"),
        (name = "steps", description = "The seven steps: drafts, submissions, attempts, reviews"),
        (name = "portal", description = "Dashboard, notifications, release dates, reference data"),
        (name = "files", description = "Uploads and downloads"),
        (name = "operations", description = "Health and this document"),
    )
)]
struct ApiDoc;

/// The bearer scheme.
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("token from POST /api/v1/auth/login"))
                    .build(),
            ),
        );
    }
}

/// Adds the error answers every operation can give, so each handler lists only its own.
struct CommonErrors;

fn problem(description: &str) -> RefOr<utoipa::openapi::Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                crate::problem::PROBLEM_JSON,
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build(),
            )
            .build(),
    )
}

fn add_common(op: &mut Operation, has_path_params: bool) {
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let mut add = |status: &str, description: &str| {
        op.responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| problem(description));
    };
    add(
        "400",
        "`bad_request`: malformed JSON, wrong types, unknown step slug, bad id",
    );
    if secured {
        add("401", "`unauthenticated`: no, expired or revoked token");
        add(
            "403",
            "`forbidden` (wrong role) or `credentials_change_required` (first login not done)",
        );
    }
    if has_path_params {
        add("404", "`not_found`: no such thing, or not yours");
    }
    add("408", "`request_timeout`");
    add("413", "`payload_too_large`");
    add("500", "`internal`");
}

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let has_params = path.contains('{');
            for op in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                add_common(op, has_params);
            }
        }
    }
}

/// The OpenAPI 3.1 document of the whole API.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

fn document_json() -> &'static [u8] {
    static JSON: OnceLock<Vec<u8>> = OnceLock::new();
    JSON.get_or_init(|| serde_json::to_vec_pretty(&document()).unwrap_or_default())
}

/// This document.
#[utoipa::path(
    get, path = "/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json", body = Object))
)]
pub async fn serve_document() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        document_json(),
    )
        .into_response()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_documented() {
        let doc = serde_json::to_value(document()).unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
        for (method, path) in crate::routes() {
            let op = &doc["paths"][path][method.as_str().to_lowercase()];
            assert!(
                op.is_object(),
                "{method} {path} is not in the OpenAPI document"
            );
        }
    }
}
