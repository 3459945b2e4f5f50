//! The web edge of errors: a core error becomes what a person sees.
//!
//! A failure on our side is logged here, once, with its whole cause chain
//! (`{:?}`) and the request id; the person sees a generic message with the
//! same id, so support can find the log line. Everything else (a field to fix,
//! a permission, a stale change) passes through as its message.

use crate::error::AppError;
use axum::response::{IntoResponse, Response};
use std::fmt::Display;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

tokio::task_local! {
    /// The request's id, for the middleware (which has no leptos context).
    pub(crate) static REQUEST_ID: String;
}

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
    .or_else(|| REQUEST_ID.try_with(Clone::clone).ok())
    .unwrap_or_else(|| "none".to_string())
}

/// Log a failure of the web layer itself (a session store, a header) and
/// return the error a person may see. A database that cannot be reached
/// (which the session store reports only as text) is a 503, not a bug.
pub fn internal(cause: impl Display) -> AppError {
    let text = cause.to_string();
    if rapport_core::db::is_unreachable_message(&text) {
        return unavailable(request_id(), text);
    }
    logged(request_id(), text)
}

/// Log that the database cannot be reached and return the 503 a person sees.
pub fn unavailable(request_id: String, cause: impl Display) -> AppError {
    tracing::warn!(request_id = %request_id, error = %cause, "the database cannot be reached");
    AppError::Unavailable { request_id }
}

/// Text for HTML, in an element or a quoted attribute.
fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// A whole page for an error answered before the application could draw one
/// (a refused address, the database out of reach, a panic): the site's
/// stylesheet, the error's own status, and the same words `ErrorPanel` uses.
pub fn error_page(err: &AppError, stylesheet: &str) -> Response {
    let status = http::StatusCode::from_u16(err.status_code())
        .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    let title = match err {
        AppError::Invalid(_) | AppError::BadRequest(_) => "Please check the address",
        AppError::Unavailable { .. } => "Rapport is unavailable",
        AppError::NotFound => "Not found",
        _ => "Something went wrong",
    };
    let message = escape_html(&err.to_string());
    let stylesheet = escape_html(stylesheet);
    (
        status,
        [
            (http::header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (http::header::CACHE_CONTROL, "no-store"),
        ],
        format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title} · Rapport</title><link rel=\"stylesheet\" href=\"{stylesheet}\">\
             </head><body><header class=\"site-header\"><a class=\"brand\" href=\"/\">\
             <span class=\"brand-mark\" aria-hidden=\"true\">R</span>Rapport</a></header>\
             <main class=\"page\"><section class=\"panel\"><h1>{title}</h1>\
             <p role=\"alert\">{message}</p><p><a href=\"/\">Go to the home page</a></p>\
             </section></main></body></html>"
        ),
    )
        .into_response()
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
        E::Database(db) if rapport_core::db::is_unreachable(&db) => unavailable(request_id(), db),
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
