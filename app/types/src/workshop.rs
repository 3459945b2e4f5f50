//! Workshop vocabulary: where a session stands, and where a person stands in it.

use serde::{Deserialize, Serialize};

/// A session of a workshop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    Scheduled,
    Cancelled,
    /// Held; attendance can be marked.
    Done,
}

impl SessionStatus {
    pub const ALL: [SessionStatus; 3] = [
        SessionStatus::Scheduled,
        SessionStatus::Cancelled,
        SessionStatus::Done,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SessionStatus::Scheduled => "scheduled",
            SessionStatus::Cancelled => "cancelled",
            SessionStatus::Done => "done",
        }
    }

    pub fn parse(value: &str) -> Option<SessionStatus> {
        SessionStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == value.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            SessionStatus::Scheduled => "Scheduled",
            SessionStatus::Cancelled => "Cancelled",
            SessionStatus::Done => "Held",
        }
    }
}

/// A person's place in a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationStatus {
    /// Has a place.
    Registered,
    /// Waits for a place; moves up in order when one frees.
    Waitlisted,
    Cancelled,
}

impl RegistrationStatus {
    pub const ALL: [RegistrationStatus; 3] = [
        RegistrationStatus::Registered,
        RegistrationStatus::Waitlisted,
        RegistrationStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RegistrationStatus::Registered => "registered",
            RegistrationStatus::Waitlisted => "waitlisted",
            RegistrationStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(value: &str) -> Option<RegistrationStatus> {
        RegistrationStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == value.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            RegistrationStatus::Registered => "Registered",
            RegistrationStatus::Waitlisted => "On the waitlist",
            RegistrationStatus::Cancelled => "Cancelled",
        }
    }
}

/// The cookie in which the browser tells the server its time zone: the page
/// sets it, the server reads it to show times in the reader's zone.
pub const BROWSER_ZONE_COOKIE: &str = "tz";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip() {
        for s in SessionStatus::ALL {
            assert_eq!(SessionStatus::parse(s.as_str()), Some(s));
        }
        for s in RegistrationStatus::ALL {
            assert_eq!(RegistrationStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(SessionStatus::parse("postponed"), None);
    }
}
