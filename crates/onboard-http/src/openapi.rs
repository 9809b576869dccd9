//! The OpenAPI 3.1 document (utoipa), served at `/openapi.json`.

use crate::problem::Problem;
use crate::views;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use onboard_core::file::{FilePurpose, MediaType};
use onboard_core::reference::{Role, Step, StepStatus};
use onboard_core::workflow::Lifecycle;
use std::sync::OnceLock;
use utoipa::openapi::path::{Operation, Parameter, ParameterIn};
use utoipa::openapi::schema::{
    AnyOfBuilder, ArrayItems, KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type,
};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::Required;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{IntoResponses, Modify, OpenApi};

/// The document's frame: its operations come from the routes (`routes::document`), which
/// then [`complete`] it.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "onboard",
        description = "Tracks agencies' e-Services through the seven onboarding steps of the DGA \"ทางรัฐ\" platform. \
            Errors are `application/problem+json` (schema `Problem`) with a `code`.",
    ),
    components(schemas(Problem, views::IssueView)),
    modifiers(&Security),
    tags(
        (name = "auth", description = "Login, first login (manual §1), logout, password change"),
        (name = "admin", description = "Agencies and user accounts: create, list, correct names, reset credentials, disable and enable"),
        (name = "eservices", description = "e-Services, their events, the review queue"),
        (name = "steps", description = "The seven steps: drafts, submissions, attempts, reviews"),
        (name = "portal", description = "Dashboard, notifications, release dates, reference data"),
        (name = "calendar", description = "The release calendar: closed dates and the iCalendar feed"),
        (name = "files", description = "Uploads and downloads"),
        (name = "templates", description = "Templates to download on a step's page (Minimum Testcase, icon and screenshot guide, ...); admins add and delete them"),
        (name = "operations", description = "Health and this document"),
    )
)]
pub(crate) struct ApiDoc;

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

/// Adds the error answers every operation can give, and those of every versioned command,
/// so each handler lists only its own.
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
    // `If-Match` is what a command of the workflow takes: core checks the version (412)
    // and the state (409) of every one.
    let versioned = op.parameters.iter().flatten().any(|p| {
        matches!(p.parameter_in, ParameterIn::Header) && p.name.eq_ignore_ascii_case("If-Match")
    });
    if versioned {
        add("409", "`invalid_transition`");
        add("412", "`version_conflict`");
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

/// `validation_failed`: the answer of a body that core checks, one issue per broken rule.
#[derive(IntoResponses)]
#[response(
    status = 422,
    description = "`validation_failed`",
    content_type = "application/problem+json"
)]
#[allow(dead_code)] // Documentation only: the answer is an `ApiError`.
pub(crate) struct ValidationFailed(Problem);

/// `not_found` for the agency a body names (creating an e-Service or an account).
#[derive(IntoResponses)]
#[response(
    status = 404,
    description = "`not_found`: no such agency",
    content_type = "application/problem+json"
)]
#[allow(dead_code)] // Documentation only: the answer is an `ApiError`.
pub(crate) struct NoSuchAgency(Problem);

/// Narrows the parameters that the handlers read as text (to answer a wrong value with a
/// clear 400) to the values the server accepts: step slugs, statuses, lifecycles and file
/// purposes as enums (from core, so they cannot drift), UUIDs, page numbers, dates and the
/// `If-Match` forms. A client, or a fuzzer, that follows the document then only sends
/// requests the server can accept.
struct PreciseParameters;

fn one_of(values: impl IntoIterator<Item = &'static str>) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values))
}

fn formatted(format: KnownFormat) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(format)))
}

fn integer(min: u64, max: u64) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(min))
        .maximum(Some(max))
}

/// The hyphenated form of a UUID (JSON Schema formats are annotations only, so fuzzers and
/// validators may ignore `format: uuid`).
const UUID_PATTERN: &str =
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/// `schema`, or the empty string: the handlers read an empty query value as an absent one.
fn or_empty(schema: ObjectBuilder) -> Schema {
    AnyOfBuilder::new()
        .item(schema)
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some([""])),
        )
        .into()
}

fn precise(p: &mut Parameter) {
    let query = matches!(p.parameter_in, ParameterIn::Query);
    let schema = match (&p.parameter_in, p.name.as_str()) {
        (ParameterIn::Path | ParameterIn::Query, "step") => {
            one_of(Step::ALL.iter().map(|s| s.as_str()))
        }
        (ParameterIn::Query, "status") => one_of(StepStatus::ALL.iter().map(|s| s.as_str())),
        (ParameterIn::Query, "role") => one_of(Role::ALL.iter().map(|r| r.as_str())),
        (ParameterIn::Query, "lifecycle") => one_of(Lifecycle::ALL.map(Lifecycle::as_str)),
        (ParameterIn::Query, "agency_id") => {
            formatted(KnownFormat::Uuid).pattern(Some(UUID_PATTERN))
        }
        (ParameterIn::Query, "page") => integer(1, u64::from(u32::MAX)),
        (ParameterIn::Query, "per_page") => integer(1, u64::from(onboard_store::MAX_PER_PAGE)),
        (ParameterIn::Query, "purpose") => {
            p.required = Required::True;
            p.schema = Some(RefOr::T(
                one_of(FilePurpose::ALL.map(FilePurpose::as_str)).into(),
            ));
            return;
        }
        (ParameterIn::Query, "submitted_at") => formatted(KnownFormat::DateTime),
        (ParameterIn::Query, "desired") => formatted(KnownFormat::Date),
        (ParameterIn::Header, "If-Match") => ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(r#"^(\*|(W/)?"[0-9]{1,19}"|[0-9]{1,19})$"#)),
        _ => return,
    };
    p.schema = Some(RefOr::T(if query {
        or_empty(schema)
    } else {
        schema.into()
    }));
}

/// Adds [`UUID_PATTERN`] to every `format: uuid` string inside `schema`.
fn pattern_uuids(schema: &mut RefOr<Schema>) {
    let RefOr::T(schema) = schema else {
        return;
    };
    match schema {
        Schema::Object(o) => {
            if matches!(
                &o.format,
                Some(SchemaFormat::KnownFormat(KnownFormat::Uuid))
            ) {
                o.pattern.get_or_insert_with(|| UUID_PATTERN.to_owned());
            }
            o.properties.values_mut().for_each(pattern_uuids);
        }
        Schema::Array(a) => {
            if let ArrayItems::RefOrSchema(items) = &mut a.items {
                pattern_uuids(items);
            }
        }
        Schema::OneOf(c) => c.items.iter_mut().for_each(pattern_uuids),
        Schema::AllOf(c) => c.items.iter_mut().for_each(pattern_uuids),
        Schema::AnyOf(c) => c.items.iter_mut().for_each(pattern_uuids),
        _ => {}
    }
}

impl Modify for PreciseParameters {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
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
                for p in op.parameters.iter_mut().flatten() {
                    precise(p);
                    if let Some(schema) = p.schema.as_mut() {
                        pattern_uuids(schema);
                    }
                }
            }
            // A download answers with the stored media type.
            if path == "/api/v1/files/{id}" || path == "/api/v1/templates/{id}" {
                let ok = item
                    .get
                    .as_mut()
                    .and_then(|op| op.responses.responses.get_mut("200"));
                if let Some(RefOr::T(ok)) = ok {
                    ok.content = MediaType::ALL
                        .iter()
                        .map(|m| {
                            let bytes = ObjectBuilder::new()
                                .schema_type(Type::String)
                                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)));
                            (
                                m.mime().to_owned(),
                                ContentBuilder::new().schema(Some(bytes)).build(),
                            )
                        })
                        .collect();
                }
            }
        }
        if let Some(components) = openapi.components.as_mut() {
            components.schemas.values_mut().for_each(pattern_uuids);
        }
    }
}

/// What is said once for many operations, added once the routes have brought them all
/// (a modifier of [`ApiDoc`] would run before there is any).
pub(crate) fn complete(doc: &mut utoipa::openapi::OpenApi) {
    CommonErrors.modify(doc);
    PreciseParameters.modify(doc);
}

/// The OpenAPI 3.1 document of the whole API.
pub fn document() -> utoipa::openapi::OpenApi {
    crate::routes::document()
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
    fn parameters_say_exactly_what_the_server_accepts() {
        let doc = serde_json::to_value(document()).unwrap();
        let param = |path: &str, method: &str, name: &str| {
            doc["paths"][path][method]["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == name)
                .unwrap_or_else(|| panic!("{method} {path} {name}"))
                .clone()
        };
        let step = param("/api/v1/eservices/{id}/steps/{step}/submit", "post", "step");
        assert_eq!(step["schema"]["enum"].as_array().unwrap().len(), 7);
        let if_match = param(
            "/api/v1/eservices/{id}/steps/{step}/submit",
            "post",
            "If-Match",
        );
        assert_eq!(if_match["schema"]["type"], "string");
        assert!(if_match["schema"]["pattern"].is_string());
        let id = param("/api/v1/eservices/{id}", "get", "id");
        assert_eq!(id["schema"]["pattern"], UUID_PATTERN);
        // Optional query values may be empty (read as absent).
        let per_page = param("/api/v1/eservices", "get", "per_page");
        assert_eq!(per_page["schema"]["anyOf"][0]["maximum"], 100);
        assert_eq!(
            per_page["schema"]["anyOf"][1]["enum"],
            serde_json::json!([""])
        );
        let purpose = param("/api/v1/files", "post", "purpose");
        assert_eq!(purpose["required"], true);
        assert_eq!(purpose["schema"]["enum"].as_array().unwrap().len(), 4);
        // Downloads answer with the stored media type.
        let content = &doc["paths"]["/api/v1/files/{id}"]["get"]["responses"]["200"]["content"];
        for m in MediaType::ALL {
            assert!(content[m.mime()].is_object(), "{}", m.mime());
        }
        // UUIDs in request bodies carry the pattern too.
        let create = &doc["components"]["schemas"]["CreateRequest"]["properties"]["agency_id"];
        assert_eq!(create["pattern"], UUID_PATTERN);
    }

    #[test]
    fn versioned_commands_answer_conflicts() {
        let doc = serde_json::to_value(document()).unwrap();
        let mut versioned = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let if_match = op["parameters"]
                    .as_array()
                    .is_some_and(|ps| ps.iter().any(|p| p["name"] == "If-Match"));
                let responses = &op["responses"];
                assert_eq!(responses["412"].is_object(), if_match, "{method} {path}");
                if if_match {
                    versioned += 1;
                    assert!(responses["409"].is_object(), "{method} {path}");
                }
            }
        }
        assert_eq!(versioned, 10);
    }

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
