//! Operations: health check, request logging, timeouts, the body limit, panic recovery,
//! and problem-JSON answers for everything that is not a handler's own answer.

use crate::extract::Json;
use crate::problem::{for_status, ApiError, PROBLEM_JSON};
use crate::{metrics, AppState};
use axum::body::Body;
use axum::extract::{MatchedPath, State};
use axum::http::{header, Request, Response, StatusCode};
use axum::middleware::Next;
use axum::response::IntoResponse;
use axum::Router;
use onboard_core::file::LARGEST_UPLOAD;
use serde::Serialize;
use std::any::Any;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tracing::Span;
use utoipa::ToSchema;

/// Largest request body: the largest upload plus room for the multipart framing. Bodies
/// declaring more in `Content-Length` are refused (413) before any byte is read.
pub const MAX_REQUEST_BODY: usize = LARGEST_UPLOAD as usize + 64 * 1024;

/// `GET /healthz` answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: String,
}

/// 200 `{status: ok}` when the store answers, 503 otherwise.
#[utoipa::path(
    get, path = "/healthz", tag = "operations",
    responses(
        (status = 200, description = "The store answers", body = Health),
        (status = 503, description = "`unavailable`", body = crate::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    match state.store.ping().await {
        Ok(()) => Ok(Json(Health {
            status: "ok".to_owned(),
        })),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            Err(ApiError::Unavailable)
        }
    }
}

async fn not_found() -> ApiError {
    ApiError::NotFound("no such route".into())
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// Turns any error answer that is not already problem JSON (body limits, timeouts) into
/// problem JSON, so clients see one error format.
async fn problemize(mut response: Response<Body>) -> Response<Body> {
    let status = response.status();
    if matches!(
        status,
        StatusCode::PAYLOAD_TOO_LARGE | StatusCode::REQUEST_TIMEOUT
    ) {
        // The request body may be left unread, so the server closes the connection after
        // this answer. Saying so keeps a client from sending its next request on it, where
        // it would be lost (RFC 9112, section 9.6).
        response.headers_mut().insert(
            header::CONNECTION,
            header::HeaderValue::from_static("close"),
        );
    }
    // Problem JSON, and the portal's own error pages, are answers already.
    let is_answer = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| {
            v.as_bytes().starts_with(PROBLEM_JSON.as_bytes())
                || v.as_bytes().starts_with(b"text/html")
        });
    if !(status.is_client_error() || status.is_server_error()) || is_answer {
        return response;
    }
    let mut fixed = for_status(status).into_response();
    // Keep headers such as `Allow` and `Retry-After`; the body and its type are replaced.
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            fixed.headers_mut().entry(name).or_insert(value.clone());
        }
    }
    *fixed.status_mut() = status;
    fixed
}

fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("panic");
    ApiError::Internal(format!("handler panicked: {message}").into()).into_response()
}

/// The header that names a request in the answer and on every log line of it (SPEC §15).
pub(crate) const REQUEST_ID: header::HeaderName = header::HeaderName::from_static("x-request-id");

/// Gives the request its id: the proxy's `x-request-id` when the server trusts it
/// ([`crate::HttpConfig::trust_request_id`]) and it is a short printable token, otherwise a
/// new UUID. The id is put on the request (for the log span) and on the answer.
async fn request_id(
    State(trust): State<bool>,
    mut request: Request<Body>,
    next: Next,
) -> Response<Body> {
    let given = request
        .headers()
        .get(&REQUEST_ID)
        .filter(|v| trust && is_token(v.as_bytes()))
        .cloned();
    let id = match given {
        Some(id) => id,
        None => {
            #[allow(clippy::expect_used)] // a hyphenated UUID is ASCII
            let fresh = header::HeaderValue::from_str(&uuid::Uuid::now_v7().to_string())
                .expect("a UUID is a header value");
            fresh
        }
    };
    request.headers_mut().insert(REQUEST_ID, id.clone());
    let mut response = next.run(request).await;
    response.headers_mut().insert(REQUEST_ID, id);
    response
}

/// 1 to 128 visible ASCII characters: what a proxy's id looks like, and nothing that could
/// forge a log line.
fn is_token(bytes: &[u8]) -> bool {
    (1..=128).contains(&bytes.len()) && bytes.iter().all(|b| b.is_ascii_graphic())
}

fn request_span(request: &Request<Body>) -> Span {
    // The matched route, never the raw URI: ids are fine, query strings are not logged.
    let path = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("<unmatched>", MatchedPath::as_str)
        .to_owned();
    let id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("http", method = %request.method(), path = %path, request_id = %id)
}

fn log_response(response: &Response<Body>, latency: Duration, _span: &Span) {
    let status = response.status().as_u16();
    let latency_ms = format_args!("{:.3}", latency.as_secs_f64() * 1000.0);
    if response.status().is_server_error() {
        tracing::warn!(status, %latency_ms, "response");
    } else {
        tracing::info!(status, %latency_ms, "response");
    }
}

/// Adds the fallbacks and the cross-cutting layers to `routes` and binds the state.
pub(crate) fn layered(routes: Router<AppState>, state: AppState) -> Router {
    let timeout = state.config.request_timeout;
    let trust = state.config.trust_request_id;
    let metrics = state.metrics.is_some().then(|| state.clone());
    let routes = routes
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(RequestBodyLimitLayer::new(MAX_REQUEST_BODY))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(axum::middleware::map_response(problemize));
    // Outside the timeout, the panic guard and the problem answers, so what is counted is
    // what the client got; absent when metrics are off.
    let routes = match metrics {
        Some(state) => routes.layer(axum::middleware::from_fn_with_state(state, metrics::track)),
        None => routes,
    };
    routes
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_request(())
                .on_response(log_response)
                .on_failure(()),
        )
        .layer(axum::middleware::from_fn_with_state(trust, request_id))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use axum::routing::get;
    use tower::ServiceExt;

    fn app() -> Router {
        // These routes never touch the store; an unmigrated database is enough.
        let dir = tempfile::tempdir().unwrap();
        let store = onboard_store::sqlite::SqliteStore::open(
            &dir.path().join("unused.db"),
            onboard_store::sqlite::SqliteOptions::default(),
        )
        .unwrap();
        let mut state = AppState::new(std::sync::Arc::new(store));
        state.config.request_timeout = Duration::from_millis(50);
        let routes = Router::new()
            .route(
                "/boom",
                get(|| async {
                    let v: Vec<u8> = Vec::new();
                    #[allow(clippy::indexing_slicing)]
                    let _ = v[1];
                    "unreachable"
                }),
            )
            .route(
                "/slow",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    "late"
                }),
            )
            .route("/only-get", get(|| async { "ok" }));
        layered(routes, state)
    }

    async fn call(
        method: &str,
        uri: &str,
        body: Body,
    ) -> (StatusCode, serde_json::Value, Option<String>) {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .body(body)
            .unwrap();
        let response = app().oneshot(request).await.unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned());
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or_default(),
            content_type,
        )
    }

    #[tokio::test]
    async fn panics_timeouts_unknown_routes_and_methods_are_problem_json() {
        for (method, uri, status, code) in [
            ("GET", "/boom", 500, "internal"),
            ("GET", "/slow", 408, "request_timeout"),
            ("GET", "/nowhere", 404, "not_found"),
            ("DELETE", "/only-get", 405, "method_not_allowed"),
        ] {
            let (got, body, content_type) = call(method, uri, Body::empty()).await;
            assert_eq!(got.as_u16(), status, "{method} {uri}");
            assert_eq!(
                content_type.as_deref(),
                Some(PROBLEM_JSON),
                "{method} {uri}"
            );
            assert_eq!(body["code"], code, "{method} {uri}");
            assert_eq!(body["status"], status);
        }
        // The panic message stays in the log.
        let (_, body, _) = call("GET", "/boom", Body::empty()).await;
        assert!(!body["detail"].as_str().unwrap().contains("index"));
    }

    #[tokio::test]
    async fn oversized_bodies_are_refused_from_content_length() {
        let request = Request::builder()
            .method("GET")
            .uri("/only-get")
            .header(header::CONTENT_LENGTH, (MAX_REQUEST_BODY + 1).to_string())
            .body(Body::from(vec![0u8; 16]))
            .unwrap();
        let response = app().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            response.headers().get(header::CONTENT_TYPE).unwrap(),
            PROBLEM_JSON
        );
    }
}
