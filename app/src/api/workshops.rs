//! Workshops: sessions of a workshop (an article of the kind `workshop`), the
//! calendar, registration with a waitlist, and the trainers' side: sessions,
//! registrations, cancellation and attendance. Times arrive formatted in the
//! reader's time zone.

// A server function takes the fields of its form one by one.
#![allow(clippy::too_many_arguments)]

use crate::domain::{AppError, RegistrationStatus, SessionStatus};
use leptos::prelude::*;
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

/// The sessions of the workshop at `slug`, if the reader may read it.
#[server(endpoint = "workshop_sessions")]
pub async fn workshop_sessions(slug: String) -> Result<SessionList, AppError> {
    use crate::server::{auth, workshops, AppState};
    let state = expect_context::<AppState>();
    workshops::sessions_for(&state.pool, auth::actor().as_ref(), &slug).await
}

/// Upcoming sessions of the workshops the reader may read, by month; filtered by
/// category (slug) and month ("2026-12").
#[server(endpoint = "workshop_calendar")]
pub async fn workshop_calendar(category: String, month: String) -> Result<CalendarPage, AppError> {
    use crate::server::{auth, workshops, AppState};
    let state = expect_context::<AppState>();
    workshops::calendar(&state.pool, auth::actor().as_ref(), &category, &month).await
}

/// Take a place in a session, or a place on its waitlist when it is full.
#[server(endpoint = "register_for_session")]
pub async fn register_for_session(session_id: i64) -> Result<RegistrationStatus, AppError> {
    use crate::server::{auth, workshops, AppState};
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    let status = workshops::register(&state.pool, &actor, session_id).await?;
    back_to_workshop(&state, session_id).await;
    Ok(status)
}

/// Give up one's place (or waitlist place); the first on the waitlist moves up.
#[server(endpoint = "cancel_registration")]
pub async fn cancel_registration(session_id: i64) -> Result<(), AppError> {
    use crate::server::{auth, workshops, AppState};
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    workshops::cancel_registration(&state.pool, &actor, session_id).await?;
    back_to_workshop(&state, session_id).await;
    Ok(())
}

/// Without JavaScript a form post ends on the workshop's page again.
#[cfg(feature = "ssr")]
async fn back_to_workshop(state: &crate::server::AppState, session_id: i64) {
    if crate::server::forms::is_plain_form_post() {
        if let Ok(Some(session)) =
            crate::server::db::workshops::session(&state.pool, session_id).await
        {
            leptos_axum::redirect(&format!("/kb/{}#sessions", session.slug));
        }
    }
}

#[server(endpoint = "my_workshops")]
pub async fn my_workshops() -> Result<MyRegistrations, AppError> {
    use crate::server::{auth, workshops, AppState};
    let state = expect_context::<AppState>();
    workshops::mine(&state.pool, &auth::require_actor()?).await
}

/// Trainers: a workshop's sessions with the people registered and waiting.
#[server(endpoint = "workshop_admin")]
pub async fn workshop_admin(article_id: i64) -> Result<WorkshopPlan, AppError> {
    use crate::server::{auth, workshops, AppState};
    let state = expect_context::<AppState>();
    workshops::admin(&state.pool, &auth::require_actor()?, article_id).await
}

/// Trainers: add a session (`session_id` 0) or change one (at `version`). The
/// start is a local `date` and `time` in `time_zone`.
#[server(endpoint = "save_session")]
pub async fn save_session(
    article_id: i64,
    session_id: i64,
    version: i32,
    date: String,
    time: String,
    time_zone: String,
    duration_minutes: String,
    capacity: String,
    place: String,
    online_url: String,
) -> Result<(), AppError> {
    use crate::server::{auth, forms, workshops, AppState};
    use leptos::server_fn::ServerFn;
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    let form = workshops::SessionForm {
        date: &date,
        time: &time,
        time_zone: &time_zone,
        duration_minutes: &duration_minutes,
        capacity: &capacity,
        place: &place,
        online_url: &online_url,
    };
    let page = format!("/write/{article_id}/sessions");
    match workshops::save_session(&state.pool, &actor, article_id, session_id, version, &form).await
    {
        Ok(()) => {
            leptos_axum::redirect(&page);
            Ok(())
        }
        Err(e) => {
            let session = session_id.to_string();
            let kept = [
                // Which form was sent: a refused edit comes back in its own card.
                ("session_id", session.as_str()),
                ("date", date.as_str()),
                ("time", time.as_str()),
                ("time_zone", time_zone.as_str()),
                ("duration_minutes", duration_minutes.as_str()),
                ("capacity", capacity.as_str()),
                ("place", place.as_str()),
                ("online_url", online_url.as_str()),
            ];
            forms::back_to_form(&page, &kept, SaveSession::PATH, &e);
            Err(e)
        }
    }
}

/// Trainers: cancel a session; everyone registered or waiting is told by e-mail.
#[server(endpoint = "cancel_session")]
pub async fn cancel_session(session_id: i64, version: i32) -> Result<(), AppError> {
    use crate::server::{auth, workshops, AppState};
    let state = expect_context::<AppState>();
    let article_id =
        workshops::cancel_session(&state.pool, &auth::require_actor()?, session_id, version)
            .await?;
    leptos_axum::redirect(&format!("/write/{article_id}/sessions"));
    Ok(())
}

/// Trainers: after a session, who came (`present[]`: user ids); the session is then held.
#[server(endpoint = "mark_attendance")]
pub async fn mark_attendance(
    session_id: i64,
    #[server(default)] present: Vec<i64>,
) -> Result<(), AppError> {
    use crate::server::{auth, workshops, AppState};
    let state = expect_context::<AppState>();
    let article_id =
        workshops::mark_attendance(&state.pool, &auth::require_actor()?, session_id, &present)
            .await?;
    leptos_axum::redirect(&format!("/write/{article_id}/sessions"));
    Ok(())
}

/// The reader's time zone (an IANA name; empty: the browser's).
#[server(endpoint = "set_time_zone")]
pub async fn set_time_zone(time_zone: String) -> Result<(), AppError> {
    use crate::server::{auth, workshops, AppState};
    let state = expect_context::<AppState>();
    workshops::set_time_zone(&state.pool, &auth::require_actor()?, &time_zone).await?;
    leptos_axum::redirect("/account?saved=time_zone");
    Ok(())
}
