//! Turning internal failures into something safe to show.
//!
//! The cause (SQL, I/O) goes to the log with the request id; the person sees a
//! generic message with the same id, so support can find the log line.

use crate::domain::AppError;
use std::fmt::Display;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The id of the request being handled, as set by the request-id middleware.
pub fn request_id() -> String {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(REQUEST_ID_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "none".to_string())
}

/// Log an internal failure and return the error a user may see.
pub fn internal(cause: impl Display) -> AppError {
    let request_id = request_id();
    tracing::error!(request_id = %request_id, error = %cause, "internal error");
    AppError::Internal { request_id }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> AppError {
        internal(err)
    }
}
