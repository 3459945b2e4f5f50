use crate::{RegistrationStatus, SessionStatus};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionView {
    pub id: i64,
    pub workshop_slug: String,
    pub workshop_title: String,
    /// "Tue 8 Dec 2026, 14:00", in the reader's time zone.
    pub starts: String,
    /// "16:00", the end in the reader's time zone.
    pub ends: String,
    /// The start as an RFC 3339 instant, for `<time datetime>`.
    pub starts_at: String,
    pub duration_minutes: i32,
    /// Where it takes place, if anywhere.
    pub place: String,
    /// The link to join online: only for those registered, and staff.
    pub online_url: Option<String>,
    /// It is online (the link itself may be withheld).
    pub online: bool,
    /// The time at the place, when the session's zone differs from the reader's
    /// ("14:00 in Europe/Zurich").
    pub local_time: Option<String>,
    pub capacity: i32,
    pub registered: i64,
    pub waitlisted: i64,
    pub places_left: i64,
    pub status: SessionStatus,
    /// It has started (or is over): no more registrations.
    pub past: bool,
    pub trainer: Option<String>,
    /// The reader's registration, if any.
    pub mine: Option<RegistrationStatus>,
    /// The reader's place on the waitlist, counting from 1.
    pub waitlist_place: Option<i64>,
    pub version: i32,
}

/// The sessions of one workshop, for its page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionList {
    pub sessions: Vec<SessionView>,
    /// The reader may register (a signed-in customer).
    pub can_register: bool,
    pub signed_in: bool,
    /// The zone the times are in ("Europe/Zurich").
    pub time_zone: String,
}

/// A month of the calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalendarMonth {
    /// "2026-12", for the month filter.
    pub key: String,
    /// "December 2026".
    pub label: String,
    pub sessions: Vec<SessionView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalendarPage {
    pub months: Vec<CalendarMonth>,
    /// The categories that have upcoming workshops: (slug, name).
    pub categories: Vec<(String, String)>,
    pub time_zone: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyRegistration {
    pub session: SessionView,
    pub status: RegistrationStatus,
    /// After the session: whether the trainer marked the person present.
    pub attended: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyRegistrations {
    pub upcoming: Vec<MyRegistration>,
    pub past: Vec<MyRegistration>,
    pub time_zone: String,
}

/// One person in a session, for the trainer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Participant {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub organization: Option<String>,
    pub status: RegistrationStatus,
    /// When they registered or joined the waitlist.
    pub since: String,
    pub attended: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionAdmin {
    pub session: SessionView,
    /// The session's local date and time and zone, to edit it.
    pub date: String,
    pub time: String,
    pub time_zone: String,
    pub participants: Vec<Participant>,
}

/// A workshop's sessions and their people, for trainers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkshopPlan {
    pub article_id: i64,
    pub title: String,
    pub slug: String,
    /// Readers see it (it has a published revision).
    pub published: bool,
    pub sessions: Vec<SessionAdmin>,
    /// Time zones to offer (any IANA name is accepted).
    pub time_zones: Vec<String>,
    /// The trainer's own zone, the default for a new session.
    pub default_time_zone: String,
}
