//! Errors as RFC 9457 `application/problem+json`, naming the field at fault.
//!
//! Every error of an endpoint goes through `ApiError`: a core error becomes
//! the person-facing `AppError` first (which logs internal causes with the
//! request id and hides them), then a problem document with the real status.

use app::error::AppError;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rapport_types::api::{FieldProblem, Problem};

pub const PROBLEM_JSON: &str = "application/problem+json";

/// What an endpoint fails with.
#[derive(Debug)]
pub struct ApiError {
    pub error: AppError,
    /// Several fields at fault (a batch); the first is also `error`'s field.
    pub errors: Vec<FieldProblem>,
    /// A more precise detail than the error's own message.
    pub detail: Option<String>,
}

impl ApiError {
    pub fn invalid(field: &str, detail: impl Into<String>) -> ApiError {
        AppError::invalid(field, detail).into()
    }

    pub fn not_found() -> ApiError {
        AppError::NotFound.into()
    }

    /// Refused, saying why.
    pub fn forbidden(detail: impl Into<String>) -> ApiError {
        ApiError {
            detail: Some(detail.into()),
            ..AppError::Forbidden.into()
        }
    }

    /// Several problems at once; the first names the response's field.
    pub fn many(errors: Vec<FieldProblem>) -> ApiError {
        let first = errors.first().cloned().unwrap_or(FieldProblem {
            field: String::new(),
            detail: "The request is not valid.".into(),
        });
        ApiError {
            error: AppError::invalid(&first.field, first.detail),
            errors,
            detail: None,
        }
    }

    pub fn problem(&self) -> Problem {
        let status = self.error.status_code();
        Problem {
            kind: "about:blank".to_string(),
            title: title(status).to_string(),
            status,
            detail: self
                .detail
                .clone()
                .unwrap_or_else(|| self.error.to_string()),
            instance: None,
            field: self.error.field().map(str::to_string),
            errors: self.errors.clone(),
        }
    }
}

fn title(status: u16) -> &'static str {
    match status {
        400 => "Bad request",
        401 => "Token missing or not valid",
        403 => "Not allowed",
        404 => "Not found",
        409 => "Conflict",
        422 => "Invalid input",
        429 => "Too many requests",
        503 => "Service unavailable",
        _ => "Internal error",
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> ApiError {
        ApiError {
            error,
            errors: Vec::new(),
            detail: None,
        }
    }
}

impl From<rapport_core::Error> for ApiError {
    fn from(error: rapport_core::Error) -> ApiError {
        AppError::from(error).into()
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> ApiError {
        rapport_core::Error::from(error).into()
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> ApiError {
        match rejection {
            JsonRejection::JsonDataError(e) => body_error(&e.body_text()),
            JsonRejection::JsonSyntaxError(e) => ApiError::invalid(
                "body",
                format!("The body is not valid JSON: {}", e.body_text()),
            ),
            JsonRejection::MissingJsonContentType(_) => ApiError::from(AppError::BadRequest(
                "send the body as JSON, with Content-Type: application/json".into(),
            )),
            other => ApiError::from(AppError::BadRequest(other.body_text())),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> ApiError {
        body_error(&rejection.body_text())
    }
}

/// serde's message names the field ("missing field `title`", "unknown
/// variant `urgentt` ... at line 1 column 40"); lift the field out of it.
fn body_error(text: &str) -> ApiError {
    let message = text
        .split_once(": ")
        .map_or(text, |(_, rest)| rest)
        .to_string();
    let field = message
        .split('`')
        .nth(1)
        .filter(|_| message.contains("field `"))
        .or_else(|| message.split_once(':').map(|(path, _)| path.trim()))
        .filter(|f| !f.is_empty() && !f.contains(' '))
        .unwrap_or("body")
        .to_string();
    ApiError::invalid(&field, message)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = self.problem();
        let status =
            StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(problem)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        match &self.error {
            AppError::RateLimited { seconds } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(*seconds));
            }
            AppError::Unauthenticated => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"rapport\""),
                );
            }
            _ => {}
        }
        response
    }
}

/// What endpoints return.
pub type ApiResult<T> = Result<T, ApiError>;
