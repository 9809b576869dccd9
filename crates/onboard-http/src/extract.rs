//! Extractors whose failures are problem JSON (axum's own answer in plain text).

use crate::problem::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;

/// A JSON body. Malformed JSON and wrong types are 400 `bad_request` naming the path of
/// the offending value; a body over the limit is 413. The content type is not checked:
/// clients authenticate with a bearer token, so there is no form-post forgery to stop.
#[derive(Debug, Clone)]
pub struct Json<T>(pub T);

impl<T: serde::Serialize> axum::response::IntoResponse for Json<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}

/// A JSON body that may be absent: `None` for an empty or blank body, and for the JSON
/// `null` (which the OpenAPI document offers as the explicit form of "no body").
#[derive(Debug, Clone)]
pub struct OptionalJson<T>(pub Option<T>);

async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge(None)
        } else {
            ApiError::BadRequest(format!("cannot read the request body: {rejection}"))
        }
    })
}

/// Parses JSON, reporting where a value has the wrong type.
pub(crate) fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." || path.is_empty() {
            ApiError::BadRequest(format!("invalid JSON body: {inner}"))
        } else {
            ApiError::BadRequest(format!("invalid JSON at `{path}`: {inner}"))
        }
    })?;
    de.end()
        .map_err(|e| ApiError::BadRequest(format!("invalid JSON body: {e}")))?;
    Ok(value)
}

impl<S, T> FromRequest<S> for Json<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = body_bytes(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::BadRequest(
                "a JSON body is required (the request body is empty)".into(),
            ));
        }
        parse_json(&bytes).map(Json)
    }
}

impl<S, T> FromRequest<S> for OptionalJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = body_bytes(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(None));
        }
        parse_json::<Option<T>>(&bytes).map(OptionalJson)
    }
}

/// Path parameters; a bad UUID or an unknown step slug is 400 `bad_request`.
#[derive(Debug, Clone)]
pub struct Path<T>(pub T);

impl<S, T> FromRequestParts<S> for Path<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Path(p.0))
            .map_err(|r| ApiError::BadRequest(r.body_text()))
    }
}

/// The query string; unknown values and wrong types are 400 `bad_request`.
#[derive(Debug, Clone)]
pub struct Query<T>(pub T);

impl<S, T> FromRequestParts<S> for Query<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|r| ApiError::BadRequest(r.body_text()))
    }
}

/// `If-Match: "<version>"`: the version a mutating step command expects (412 otherwise).
/// Absent or `*`: any version. A malformed value is 400.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IfMatch(pub Option<u64>);

impl IfMatch {
    /// Parses the header value: `"7"` (the ETag of the detail), also `7` or `W/"7"`.
    pub fn parse(raw: &str) -> Result<IfMatch, ApiError> {
        let raw = raw.trim();
        if raw == "*" {
            return Ok(IfMatch(None));
        }
        let tag = raw.strip_prefix("W/").unwrap_or(raw);
        let unquoted = tag
            .strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .unwrap_or(tag);
        unquoted
            .parse::<u64>()
            .map(|v| IfMatch(Some(v)))
            .map_err(|_| {
                ApiError::BadRequest(
                    "If-Match must be the quoted version of the e-Service, e.g. \"3\"".into(),
                )
            })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.headers.get(header::IF_MATCH) {
            None => Ok(IfMatch(None)),
            Some(value) => {
                let text = value
                    .to_str()
                    .map_err(|_| ApiError::BadRequest("If-Match is not ASCII".into()))?;
                IfMatch::parse(text)
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn if_match_forms() {
        assert_eq!(IfMatch::parse("\"3\"").unwrap(), IfMatch(Some(3)));
        assert_eq!(IfMatch::parse("3").unwrap(), IfMatch(Some(3)));
        assert_eq!(IfMatch::parse("W/\"12\"").unwrap(), IfMatch(Some(12)));
        assert_eq!(IfMatch::parse("*").unwrap(), IfMatch(None));
        for bad in ["", "\"x\"", "\"-1\"", "\"3", "abc"] {
            assert!(IfMatch::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn json_errors_name_the_path() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Body {
            services: Vec<String>,
        }
        let e = parse_json::<Body>(br#"{"services": [1]}"#).unwrap_err();
        assert!(e.to_string().contains("services[0]"), "{e}");
        assert!(parse_json::<Body>(br#"{"services": []} x"#).is_err());
        assert!(parse_json::<serde_json::Value>(b"{").is_err());
    }

    #[tokio::test]
    async fn optional_json_reads_null_as_no_body() {
        use axum::extract::FromRequest;
        #[derive(serde::Deserialize, Debug, Default)]
        #[allow(dead_code)]
        struct Body {
            note: Option<String>,
        }
        for (raw, absent) in [("", true), (" \n", true), ("null", true), ("{}", false)] {
            let request = axum::http::Request::builder()
                .body(axum::body::Body::from(raw))
                .unwrap();
            let OptionalJson(body) = OptionalJson::<Body>::from_request(request, &())
                .await
                .unwrap();
            assert_eq!(body.is_none(), absent, "{raw:?}");
        }
    }
}
