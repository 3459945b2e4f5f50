//! The core's error: what a service reports, with the real cause kept.
//!
//! Two kinds of failure, kept apart on purpose:
//! - the person can do something about it (a field to fix, a permission, a
//!   stale change): these carry the message they will read;
//! - something failed on our side (SQL, I/O, the search index, mail): these
//!   carry their cause as a `source`, so the log shows the whole chain.
//!
//! The web edge turns an [`Error`] into the user-facing `AppError` once,
//! logging an internal cause with `{:?}` and the request id there; the
//! command line prints the cause chain. Nothing here formats a cause for a
//! person to read.

use rapport_types::FieldError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The person can fix this: the message names the field.
    #[error("{}", .0.message)]
    Invalid(FieldError),
    #[error("not signed in")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    /// Also what another organization's record looks like: it does not exist for them.
    #[error("not found")]
    NotFound,
    /// Over an abuse limit (`crate::limits`): try again after `retry_after`.
    #[error("too many attempts; wait {} seconds", .retry_after.as_secs())]
    RateLimited { retry_after: std::time::Duration },
    /// A change that cannot be made as asked (a stale version, a full session):
    /// the message says what happened.
    #[error("{0}")]
    Conflict(String),
    /// The request itself could not be understood (for example a tampered form).
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("database")]
    Database(#[from] sqlx::Error),
    #[error("file system")]
    Io(#[from] std::io::Error),
    #[error("search index")]
    Search(#[from] rapport_search::SearchError),
    /// Any other failure on our side, described for the log.
    #[error("{0}")]
    Internal(String),
}

impl Error {
    /// A mistake in `field`, with what to do about it.
    pub fn invalid(field: &str, message: impl Into<String>) -> Error {
        Error::Invalid(FieldError::new(field, message))
    }

    /// A failure on our side that has no error value of its own (a broken
    /// invariant, a value in the database we do not know).
    pub fn internal(cause: impl std::fmt::Display) -> Error {
        Error::Internal(cause.to_string())
    }

    /// The field this error is about, if it is about one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Invalid(e) => Some(&e.field),
            _ => None,
        }
    }

    /// Is this a failure on our side (as opposed to something the person can fix)?
    pub fn is_internal(&self) -> bool {
        matches!(
            self,
            Error::Database(_) | Error::Io(_) | Error::Search(_) | Error::Internal(_)
        )
    }

    /// The whole cause chain on one line, for the command line and the log.
    pub fn chain(&self) -> String {
        let mut text = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        text
    }
}

impl From<FieldError> for Error {
    fn from(e: FieldError) -> Error {
        Error::Invalid(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_name_their_field() {
        let err = Error::invalid("email", "Enter your e-mail address.");
        assert_eq!(err.field(), Some("email"));
        assert!(!err.is_internal());
    }

    #[test]
    fn internal_failures_keep_their_cause() {
        let err = Error::from(std::io::Error::other("disk full"));
        assert!(err.is_internal());
        assert_eq!(err.chain(), "file system: disk full");
    }
}
