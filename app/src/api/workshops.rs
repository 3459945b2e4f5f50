//! Workshops: sessions of a workshop (an article of the kind `workshop`), the
//! calendar, registration with a waitlist, and the trainers' side: sessions,
//! registrations, cancellation and attendance. Times arrive formatted in the
//! reader's time zone.

// A server function takes the fields of its form one by one.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use leptos::prelude::*;
use rapport_types::views::workshops::{CalendarPage, MyRegistrations, SessionList, WorkshopPlan};
use rapport_types::RegistrationStatus;

/// The sessions of the workshop at `slug`, if the reader may read it.
#[server(endpoint = "workshop_sessions")]
pub async fn workshop_sessions(slug: String) -> Result<SessionList, AppError> {
    use crate::web::AppState;
    use rapport_core::workshops;
    let state = expect_context::<AppState>();
    Ok(workshops::sessions_for(&crate::web::reader::current(), &state.pool, &slug).await?)
}

/// Upcoming sessions of the workshops the reader may read, by month; filtered by
/// category (slug) and month ("2026-12").
#[server(endpoint = "workshop_calendar")]
pub async fn workshop_calendar(category: String, month: String) -> Result<CalendarPage, AppError> {
    use crate::web::AppState;
    use rapport_core::workshops;
    let state = expect_context::<AppState>();
    Ok(workshops::calendar(
        &crate::web::reader::current(),
        &state.pool,
        &category,
        &month,
    )
    .await?)
}

/// Take a place in a session, or a place on its waitlist when it is full.
#[server(endpoint = "register_for_session")]
pub async fn register_for_session(session_id: i64) -> Result<RegistrationStatus, AppError> {
    use crate::web::AppState;
    use rapport_core::workshops;
    let state = expect_context::<AppState>();
    let reader = crate::web::reader::current();
    let status = workshops::register(&reader, &state.links, &state.pool, session_id).await?;
    back_to_workshop(&state, session_id).await;
    Ok(status)
}

/// Give up one's place (or waitlist place); the first on the waitlist moves up.
#[server(endpoint = "cancel_registration")]
pub async fn cancel_registration(session_id: i64) -> Result<(), AppError> {
    use crate::web::AppState;
    use rapport_core::workshops;
    let state = expect_context::<AppState>();
    let reader = crate::web::reader::current();
    workshops::cancel_registration(&reader, &state.links, &state.pool, session_id).await?;
    back_to_workshop(&state, session_id).await;
    Ok(())
}

/// Without JavaScript a form post ends on the workshop's page again.
#[cfg(feature = "ssr")]
async fn back_to_workshop(state: &crate::web::AppState, session_id: i64) {
    if crate::web::forms::is_plain_form_post() {
        if let Ok(Some(session)) =
            rapport_core::db::workshops::session(&state.pool, session_id).await
        {
            leptos_axum::redirect(&format!("/kb/{}#sessions", session.slug));
        }
    }
}

#[server(endpoint = "my_workshops")]
pub async fn my_workshops() -> Result<MyRegistrations, AppError> {
    use crate::web::AppState;
    use rapport_core::workshops;
    let state = expect_context::<AppState>();
    Ok(workshops::mine(&crate::web::reader::current(), &state.pool).await?)
}

/// Trainers: a workshop's sessions with the people registered and waiting.
#[server(endpoint = "workshop_admin")]
pub async fn workshop_admin(article_id: i64) -> Result<WorkshopPlan, AppError> {
    use crate::web::AppState;
    use rapport_core::workshops;
    let state = expect_context::<AppState>();
    Ok(workshops::admin(&crate::web::reader::current(), &state.pool, article_id).await?)
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
    use crate::web::{forms, AppState};
    use leptos::server_fn::ServerFn;
    use rapport_core::workshops;
    let state = expect_context::<AppState>();
    let reader = crate::web::reader::current();
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
    match workshops::save_session(
        &reader,
        &state.links,
        &state.pool,
        article_id,
        session_id,
        version,
        &form,
    )
    .await
    {
        Ok(()) => {
            leptos_axum::redirect(&page);
            Ok(())
        }
        Err(e) => {
            let e = AppError::from(e);
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
    use crate::web::AppState;
    use rapport_core::workshops;
    let state = expect_context::<AppState>();
    let article_id = workshops::cancel_session(
        &crate::web::reader::current(),
        &state.links,
        &state.pool,
        session_id,
        version,
    )
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
    use crate::web::AppState;
    use rapport_core::workshops;
    let state = expect_context::<AppState>();
    let article_id = workshops::mark_attendance(
        &crate::web::reader::current(),
        &state.pool,
        session_id,
        &present,
    )
    .await?;
    leptos_axum::redirect(&format!("/write/{article_id}/sessions"));
    Ok(())
}

/// The reader's time zone (an IANA name; empty: the browser's).
#[server(endpoint = "set_time_zone")]
pub async fn set_time_zone(time_zone: String) -> Result<(), AppError> {
    use crate::web::{forms, AppState};
    use leptos::server_fn::ServerFn;
    use rapport_core::workshops;
    let state = expect_context::<AppState>();
    let reader = crate::web::reader::current();
    match workshops::set_time_zone(&reader, &state.pool, &time_zone).await {
        Ok(()) => {
            leptos_axum::redirect("/account?saved=time_zone");
            Ok(())
        }
        Err(e) => {
            let e = AppError::from(e);
            // Without JavaScript: back to the form, with the name typed.
            forms::back_to_form(
                "/account",
                &[("time_zone", &time_zone)],
                SetTimeZone::PATH,
                &e,
            );
            Err(e)
        }
    }
}
