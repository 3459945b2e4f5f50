//! The web edge of errors: a core error becomes what a person sees.
//!
//! A failure on our side is logged here, once, with its whole cause chain
//! (`{:?}`) and the request id; the person sees a generic message with the
//! same id, so support can find the log line. Everything else (a field to fix,
//! a permission, a stale change) passes through as its message.

use crate::error::AppError;
use std::fmt::Display;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The id of the request being handled, as set by the request-id middleware.
pub fn request_id() -> String {
    leptos::prelude::with_context::<http::request::Parts, _>(|parts| {
        parts
            .headers
            .get(REQUEST_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    })
    .flatten()
    .unwrap_or_else(|| "none".to_string())
}

/// Log a failure of the web layer itself (a session store, a header) and
/// return the error a person may see.
pub fn internal(cause: impl Display) -> AppError {
    logged(request_id(), cause)
}

/// Log `cause` under `request_id` and return the error a person sees: only
/// the id. For handlers outside server functions, which know their request.
pub fn logged(request_id: String, cause: impl Display) -> AppError {
    tracing::error!(request_id = %request_id, error = %cause, "internal error");
    AppError::Internal { request_id }
}

/// The one place a core error becomes a user-facing one.
pub fn from_core(err: rapport_core::Error, request_id: impl FnOnce() -> String) -> AppError {
    use rapport_core::Error as E;
    match err {
        E::Invalid(field) => AppError::Invalid(field),
        E::Unauthenticated => AppError::Unauthenticated,
        E::Forbidden => AppError::Forbidden,
        E::NotFound => AppError::NotFound,
        E::RateLimited { retry_after } => AppError::RateLimited {
            seconds: retry_after.as_secs(),
        },
        E::Conflict(message) => AppError::Conflict(message),
        E::BadRequest(message) => AppError::BadRequest(message),
        internal @ (E::Database(_) | E::Io(_) | E::Search(_) | E::Internal(_)) => {
            // The chain on one line, and the whole value for the details.
            logged(
                request_id(),
                format_args!("{} ({internal:?})", internal.chain()),
            )
        }
    }
}

impl From<rapport_core::Error> for AppError {
    fn from(err: rapport_core::Error) -> AppError {
        from_core(err, request_id)
    }
}
