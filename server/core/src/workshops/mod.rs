//! Workshop rules: who sees which sessions (the workshop article's readers),
//! registering with a waitlist that moves up in order, trainers' sessions,
//! cancellation and attendance, and the mails (with a calendar file) that go with them.
//! One file per use case (read, registration, planning, notices); here what
//! they share: a session as a reader sees it and its places left.
//!
//! Every change of a session's places locks the session's row first
//! (`db::lock_session`), so two people taking the last place at the same moment
//! are served one after the other: one gets it, the other is waitlisted.

use super::db::{self, workshops::SessionRow};
use super::mail::{self, OutgoingMail};
use super::policy::{self, Action, Actor};
use super::time_zones;
use crate::site::SiteLinks;
use crate::time_zones::ReaderZone;
use crate::Error;
use crate::Reader;
use jiff::tz::TimeZone;
use rapport_types::views::workshops::{
    CalendarMonth, CalendarPage, MyRegistration, MyRegistrations, Participant, SessionAdmin,
    SessionList, SessionView, WorkshopPlan,
};
use rapport_types::{RegistrationStatus, SessionStatus};
use sqlx::{PgConnection, PgPool};
use std::collections::HashMap;
use time::{Duration, OffsetDateTime};

mod notices;
mod planning;
mod read;
mod registration;

pub use notices::calendar_file;
use notices::{tell, News};
pub use planning::{admin, cancel_session, mark_attendance, save_session, SessionForm};
pub use read::{calendar, mine, my_next_sessions, next_sessions, next_sessions_of, sessions_for};
use registration::fill_free_places;
pub use registration::{cancel_registration, register};

fn stored_status(text: &str) -> Result<SessionStatus, Error> {
    SessionStatus::parse(text)
        .ok_or_else(|| Error::internal(format!("unknown session status {text:?}")))
}

fn stored_registration(text: &str) -> Result<RegistrationStatus, Error> {
    RegistrationStatus::parse(text)
        .ok_or_else(|| Error::internal(format!("unknown registration status {text:?}")))
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// What the reader knows of their own place in a session.
#[derive(Clone, Copy)]
struct Mine {
    status: RegistrationStatus,
    waitlist_place: i64,
}

fn session_view(
    row: &SessionRow,
    zone: &ReaderZone,
    mine: Option<Mine>,
    staff: bool,
    now: OffsetDateTime,
) -> Result<SessionView, Error> {
    let zone_name = &zone.name;
    let ends_at = row.starts_at + Duration::minutes(row.duration_minutes as i64);
    // People going to a place want its local time too, when they read another zone.
    let local_time = (!row.place.is_empty() && row.time_zone != *zone_name)
        .then(|| TimeZone::get(&row.time_zone).ok())
        .flatten()
        .map(|local| {
            format!(
                "{} in {}",
                time_zones::clock(row.starts_at, &local),
                row.time_zone
            )
        });
    let registered = mine.is_some_and(|m| m.status == RegistrationStatus::Registered);
    let (starts, ends) = zone.start_and_end(row.starts_at, ends_at);
    Ok(SessionView {
        id: row.id,
        workshop_slug: row.slug.clone(),
        workshop_title: row.title.clone(),
        starts,
        ends,
        starts_at: rfc3339(row.starts_at),
        duration_minutes: row.duration_minutes,
        place: row.place.clone(),
        online: !row.online_url.is_empty(),
        online_url: (!row.online_url.is_empty() && (registered || staff))
            .then(|| row.online_url.clone()),
        local_time,
        capacity: row.capacity,
        registered: row.registered,
        waitlisted: row.waitlisted,
        places_left: (row.capacity as i64 - row.registered).max(0),
        status: stored_status(&row.status)?,
        past: row.starts_at <= now,
        trainer: row.trainer_name.clone(),
        mine: mine.map(|m| m.status),
        waitlist_place: mine
            .filter(|m| m.status == RegistrationStatus::Waitlisted)
            .map(|m| m.waitlist_place),
        version: row.version,
    })
}

/// The reader's places in `sessions`, by session id.
async fn places_of(
    pool: &PgPool,
    actor: Option<&Actor>,
    sessions: &[SessionRow],
) -> Result<HashMap<i64, Mine>, Error> {
    let Some(actor) = actor else {
        return Ok(HashMap::new());
    };
    let ids: Vec<i64> = sessions.iter().map(|s| s.id).collect();
    let mut places = HashMap::new();
    for (session_id, status, place) in db::workshops::my_places(pool, actor.user_id, &ids).await? {
        let status = stored_registration(&status)?;
        places.insert(
            session_id,
            Mine {
                status,
                waitlist_place: place,
            },
        );
    }
    Ok(places)
}

/// Record "registration.changed" in the change sequence for the latest
/// registration in `session_id` of each of `user_ids` (`None`: of everyone
/// registered, for attendance), as the last statement of the transaction.
/// Each change belongs to the registrant's organization.
async fn record_registrations(
    tx: &mut PgConnection,
    session_id: i64,
    user_ids: Option<&[i64]>,
) -> Result<(), Error> {
    use crate::changes::{self, event};
    if user_ids.is_some_and(|ids| ids.is_empty()) {
        return Ok(());
    }
    // (registration, user, status, attended, the user's organization)
    type Row = (i64, i64, String, Option<bool>, Option<i64>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT DISTINCT ON (g.user_id) g.id, g.user_id, g.status, g.attended, u.organization_id
         FROM workshop_registrations g JOIN users u ON u.id = g.user_id
         WHERE g.session_id = $1
           AND CASE WHEN $2::bigint[] IS NULL THEN g.status = 'registered'
                    ELSE g.user_id = ANY($2) END
         ORDER BY g.user_id, g.id DESC",
    )
    .bind(session_id)
    .bind(user_ids)
    .fetch_all(&mut *tx)
    .await?;
    let recorded: Vec<_> = rows
        .into_iter()
        .map(
            |(id, user_id, status, attended, organization_id)| crate::db::changes::NewChange {
                event: event::REGISTRATION_CHANGED,
                entity: "registration",
                entity_id: id,
                deleted: status == RegistrationStatus::Cancelled.as_str(),
                organization_id,
                staff_only: false,
                case_id: None,
                data: serde_json::json!({
                    "session_id": session_id,
                    "user_id": user_id,
                    "status": status,
                    "attended": attended,
                }),
            },
        )
        .collect();
    changes::record(tx, &recorded).await
}

fn is_staff(actor: Option<&Actor>) -> bool {
    policy::allows(actor, &Action::ManageWorkshops)
}

/// Choose the zone times are shown in; empty goes back to the browser's.
pub async fn set_time_zone(reader: &Reader, pool: &PgPool, name: &str) -> Result<(), Error> {
    let actor = reader.signed_in()?;
    policy::authorize(Some(actor), &Action::ManageOwnAccount)?;
    let zone = match name.trim() {
        "" => None,
        name => Some(time_zones::parse("time_zone", name)?.0),
    };
    sqlx::query("UPDATE users SET time_zone = $2 WHERE id = $1")
        .bind(actor.user_id)
        .bind(zone)
        .execute(pool)
        .await?;
    Ok(())
}
