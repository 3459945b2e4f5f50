//! The one error a person sees. It crosses the wire from server functions to
//! the page, so it only ever carries what a user may read: internal causes are
//! logged on the server (see `web::error`) and replaced by a request id.
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use rapport_types::FieldError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The user can fix this: the message names the field.
    #[error("{}", .0.message)]
    Invalid(FieldError),
    #[error("Please sign in to continue.")]
    Unauthenticated,
    #[error("You do not have permission to do that.")]
    Forbidden,
    #[error("We could not find that. It may have been removed, or you may not have access to it.")]
    NotFound,
    /// Over an abuse limit; `seconds` is also sent as `Retry-After`.
    #[error("Too many attempts. Please wait {} and try again.", wait_in_words(*.seconds))]
    RateLimited { seconds: u64 },
    #[error("{0}")]
    Conflict(String),
    /// Something failed on our side; the cause is in the server log under this id.
    #[error("Something went wrong on our side. Please try again; if it keeps happening, give support this reference: {request_id}.")]
    Internal { request_id: String },
    /// The database cannot be reached just now: try again in a moment.
    #[error("Rapport cannot reach its database just now. Please try again in a minute; if it keeps happening, give support this reference: {request_id}.")]
    Unavailable { request_id: String },
    /// The request itself could not be understood (for example a tampered form).
    #[error("The request could not be understood: {0}")]
    BadRequest(String),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> AppError {
        AppError::Invalid(FieldError::new(field, message))
    }

    /// The field this error is about, if it is about one.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid(e) => Some(&e.field),
            _ => None,
        }
    }

    /// The message for `field`, if this error is about that field.
    pub fn message_for(&self, field: &str) -> Option<String> {
        (self.field() == Some(field)).then(|| self.to_string())
    }

    /// The HTTP status that fits this error.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Invalid(_) => 422,
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::RateLimited { .. } => 429,
            AppError::Conflict(_) => 409,
            AppError::Internal { .. } => 500,
            AppError::Unavailable { .. } => 503,
            AppError::BadRequest(_) => 400,
        }
    }
}

/// "45 seconds", "1 minute", "15 minutes", "2 hours": rounded up, so the
/// wait named is never shorter than the real one.
pub fn wait_in_words(seconds: u64) -> String {
    fn plural(n: u64, unit: &str) -> String {
        if n == 1 {
            format!("1 {unit}")
        } else {
            format!("{n} {unit}s")
        }
    }
    match seconds {
        0..=59 => plural(seconds.max(1), "second"),
        60..=5399 => plural(seconds.div_ceil(60), "minute"),
        _ => plural(seconds.div_ceil(3600), "hour"),
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> AppError {
        AppError::Invalid(e)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Failures to reach the server are shown as such in the browser.
            ServerFnErrorErr::Request(_) => AppError::BadRequest(
                "the server could not be reached. Check your connection and try again.".into(),
            ),
            ServerFnErrorErr::Args(e) | ServerFnErrorErr::Deserialization(e) => {
                AppError::BadRequest(e)
            }
            other => AppError::BadRequest(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_name_their_field() {
        let err = AppError::invalid("email", "Enter your e-mail address.");
        assert_eq!(err.field(), Some("email"));
        assert_eq!(
            err.message_for("email").as_deref(),
            Some("Enter your e-mail address.")
        );
        assert_eq!(err.message_for("password"), None);
        assert_eq!(err.status_code(), 422);
    }

    #[test]
    fn internal_errors_show_only_the_request_id() {
        let err = AppError::Internal {
            request_id: "req-123".into(),
        };
        let text = err.to_string();
        assert!(text.contains("req-123"));
        assert!(!text.to_lowercase().contains("sql"));
        assert_eq!(err.status_code(), 500);
    }

    #[test]
    fn waits_are_worded_rounded_up() {
        assert_eq!(wait_in_words(0), "1 second");
        assert_eq!(wait_in_words(45), "45 seconds");
        assert_eq!(wait_in_words(60), "1 minute");
        assert_eq!(wait_in_words(61), "2 minutes");
        assert_eq!(wait_in_words(900), "15 minutes");
        assert_eq!(wait_in_words(5400), "2 hours");
        assert_eq!(
            AppError::RateLimited { seconds: 600 }.to_string(),
            "Too many attempts. Please wait 10 minutes and try again."
        );
    }

    #[test]
    fn errors_survive_the_wire_format() {
        for err in [
            AppError::invalid("name", "Enter a name."),
            AppError::Unauthenticated,
            AppError::RateLimited { seconds: 900 },
            AppError::Internal {
                request_id: "abc".into(),
            },
            AppError::Unavailable {
                request_id: "def".into(),
            },
        ] {
            let json = serde_json_like(&err);
            assert!(!json.is_empty());
        }
    }

    // The JSON encoding is what leptos uses on the wire; check it round-trips.
    fn serde_json_like(err: &AppError) -> String {
        let bytes = err.ser();
        let back = AppError::de(bytes.clone());
        assert_eq!(&back, err);
        String::from_utf8(bytes.to_vec()).unwrap()
    }
}
