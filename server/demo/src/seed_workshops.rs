//! The demo's workshop sessions: for each workshop shipped in `content/workshops/`,
//! a few sessions held in the last weeks (attendance marked), some to come (one
//! of them full, with a waitlist) and one cancelled, in Basel and online. They
//! are listed in `data/workshops.toml`.
//!
//! The workshops are articles, so they exist only when the content was imported
//! before the demo was seeded (`cargo xtask run` and the browser tests do that);
//! without them this writes nothing. Dates are counted from today, so the demo
//! always looks current: a session falls on the given weekday on or after
//! today plus the given days, at a whole hour in its own time zone.
//!
//! The clinic ("Writing good support cases") keeps its coming sessions empty and
//! no demo customer registered for it at all, so a test can start there clean.

use crate::data;
use rapport_core::db;
use rapport_core::time_zones::local_instant;

use jiff::civil::Weekday;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};
use serde::{Deserialize, Deserializer};
use sqlx::PgConnection;
use std::sync::LazyLock;
use time::OffsetDateTime;

const TRAINER: &str = "trainer@rapport.example";

/// A person's registration in a demo session.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Seat {
    email: String,
    /// 'registered' (when not written), 'waitlisted' or 'cancelled'.
    #[serde(default = "registered")]
    status: String,
    /// Marked after a held session; None before, and for cancelled registrations.
    attended: Option<bool>,
    /// Moved up from the waitlist when someone cancelled.
    #[serde(default)]
    promoted: bool,
}

fn registered() -> String {
    "registered".to_string()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Session {
    /// Days from today (negative: in the past), then the next such weekday.
    days: i64,
    #[serde(deserialize_with = "weekday")]
    weekday: Weekday,
    hour: i8,
    time_zone: String,
    minutes: i32,
    capacity: i32,
    #[serde(default)]
    place: String,
    #[serde(default)]
    online_url: String,
    /// 'scheduled', 'done' or 'cancelled'.
    status: String,
    /// In the order they registered.
    #[serde(default)]
    seats: Vec<Seat>,
}

/// A weekday by its English name in lower case ("tuesday").
fn weekday<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Weekday, D::Error> {
    const WEEKDAYS: [(&str, Weekday); 7] = [
        ("monday", Weekday::Monday),
        ("tuesday", Weekday::Tuesday),
        ("wednesday", Weekday::Wednesday),
        ("thursday", Weekday::Thursday),
        ("friday", Weekday::Friday),
        ("saturday", Weekday::Saturday),
        ("sunday", Weekday::Sunday),
    ];
    let name = String::deserialize(deserializer)?;
    WEEKDAYS
        .into_iter()
        .find(|(day, _)| *day == name)
        .map(|(_, weekday)| weekday)
        .ok_or_else(|| {
            serde::de::Error::custom(format!("`{name}` is not a weekday (monday to sunday)"))
        })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Workshop {
    /// The slug of the workshop article.
    slug: String,
    #[serde(rename = "session")]
    sessions: Vec<Session>,
}

/// The demo workshops and their sessions (`data/workshops.toml`).
static WORKSHOPS: LazyLock<Vec<Workshop>> = LazyLock::new(|| {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Workshops {
        workshop: Vec<Workshop>,
    }
    let file: Workshops = data::parse("workshops.toml", include_str!("../data/workshops.toml"));
    file.workshop
});

/// The start of a session: `weekday` on or after today + `days` in `zone`, at `hour`:00 there.
fn starts_at(session: &Session) -> Result<OffsetDateTime, rapport_core::Error> {
    let bad = |e: jiff::Error| rapport_core::Error::internal(format!("demo workshop date: {e}"));
    let zone = TimeZone::get(&session.time_zone).map_err(bad)?;
    let today = Timestamp::now().to_zoned(zone.clone()).date();
    let day = today
        .checked_add(Span::new().days(session.days - 1))
        .map_err(bad)?
        .nth_weekday(1, session.weekday)
        .map_err(bad)?;
    local_instant(&day.to_string(), &format!("{:02}:00", session.hour), &zone)
}

/// Seed the sessions of the demo workshops (nothing when they were not imported).
pub async fn seed_workshops(tx: &mut PgConnection) -> Result<(), rapport_core::Error> {
    let Some((trainer_id, _)) = db::users::id_by_email(&mut *tx, TRAINER).await? else {
        return Ok(());
    };
    for workshop in WORKSHOPS.iter() {
        let article_id: Option<i64> = sqlx::query_scalar(
            "SELECT a.id FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id
              WHERE a.slug = $1 AND r.kind = 'workshop'",
        )
        .bind(&workshop.slug)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(article_id) = article_id else {
            continue;
        };
        for session in &workshop.sessions {
            // Planned a month ahead (or as soon as the demo began); a held or
            // cancelled session was changed once more.
            let session_id: i64 = sqlx::query_scalar(
                "INSERT INTO workshop_sessions (article_id, starts_at, time_zone, duration_minutes,
                     capacity, place, online_url, status, trainer_id, version, created_at, updated_at)
                 SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9,
                        CASE $8 WHEN 'scheduled' THEN 1 ELSE 2 END, created, CASE $8
                            WHEN 'done' THEN $2 + make_interval(mins => $4 + 60)
                            WHEN 'cancelled' THEN now() - interval '2 days'
                            ELSE created END
                   FROM (SELECT least(now() - interval '9 days', $2 - interval '30 days') AS created) c
                 RETURNING id",
            )
            .bind(article_id)
            .bind(starts_at(session)?)
            .bind(&session.time_zone)
            .bind(session.minutes)
            .bind(session.capacity)
            .bind(&session.place)
            .bind(&session.online_url)
            .bind(&session.status)
            .bind(trainer_id)
            .fetch_one(&mut *tx)
            .await?;
            // Registrations an hour apart, ending a day before `base`; a
            // cancellation and the move up it caused happen on `base`.
            for (i, seat) in session.seats.iter().enumerate() {
                let Some((user_id, _)) = db::users::id_by_email(&mut *tx, &seat.email).await?
                else {
                    continue;
                };
                sqlx::query(
                    "INSERT INTO workshop_registrations
                         (session_id, user_id, status, created_at, promoted_at, cancelled_at, attended)
                     SELECT s.id, $2, $3, base - make_interval(hours => 24 - $4),
                            CASE WHEN $5 THEN base END,
                            CASE WHEN $3 = 'cancelled' THEN base END, $6
                       FROM workshop_sessions s,
                            LATERAL (SELECT least(now() - interval '3 days', s.starts_at - interval '7 days') AS base) b
                      WHERE s.id = $1",
                )
                .bind(session_id)
                .bind(user_id)
                .bind(&seat.status)
                .bind(i as i32)
                .bind(seat.promoted)
                .bind(seat.attended)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::DEMO_ACCOUNTS;

    #[test]
    fn the_workshop_sessions_are_valid() {
        for workshop in WORKSHOPS.iter() {
            for session in &workshop.sessions {
                let at = format!("{} in {} days", workshop.slug, session.days);
                assert!(TimeZone::get(&session.time_zone).is_ok(), "{at}: time zone");
                assert!((0..24).contains(&session.hour), "{at}: hour");
                assert!(session.minutes > 0 && session.capacity > 0, "{at}");
                assert!(
                    !session.place.is_empty() || !session.online_url.is_empty(),
                    "{at}: where?"
                );
                assert!(
                    ["scheduled", "done", "cancelled"].contains(&session.status.as_str()),
                    "{at}: status {}",
                    session.status
                );
                for seat in &session.seats {
                    let email = &seat.email;
                    assert!(
                        DEMO_ACCOUNTS
                            .iter()
                            .any(|a| a.email == *email && a.role.is_customer()),
                        "{at}: {email} is not a demo customer"
                    );
                    assert!(
                        ["registered", "waitlisted", "cancelled"].contains(&seat.status.as_str()),
                        "{at}: {email}: status {}",
                        seat.status
                    );
                    assert!(
                        seat.attended.is_none()
                            || (session.status == "done" && seat.status == "registered"),
                        "{at}: {email}: attendance is marked for people registered for a held session"
                    );
                    assert!(
                        !seat.promoted || seat.status == "registered",
                        "{at}: {email}"
                    );
                }
            }
        }
    }
}
