//! The demo's workshop sessions: for each workshop shipped in `content/workshops/`,
//! a few sessions held in the last weeks (attendance marked), some to come (one
//! of them full, with a waitlist) and one cancelled, in Basel and online.
//!
//! The workshops are articles, so they exist only when the content was imported
//! before the demo was seeded (`cargo xtask run` and the browser tests do that);
//! without them this writes nothing. Dates are counted from today, so the demo
//! always looks current: a session falls on the given weekday on or after
//! today plus the given days, at a whole hour in its own time zone.
//!
//! The clinic ("Writing good support cases") keeps its coming sessions empty and
//! no demo customer registered for it at all, so a test can start there clean.

use rapport_core::db;
use rapport_core::time_zones::local_instant;

use jiff::civil::Weekday;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};
use sqlx::PgConnection;
use time::OffsetDateTime;

const TRAINER: &str = "trainer@rapport.example";
const BASEL: &str = "Basel training centre, Room 2";

/// A person's registration in a demo session.
struct Seat {
    email: &'static str,
    /// 'registered', 'waitlisted' or 'cancelled'.
    status: &'static str,
    /// Marked after a held session; None before, and for cancelled registrations.
    attended: Option<bool>,
    /// Moved up from the waitlist when someone cancelled.
    promoted: bool,
}

const fn came(email: &'static str, attended: bool) -> Seat {
    Seat {
        email,
        status: "registered",
        attended: Some(attended),
        promoted: false,
    }
}

const fn registered(email: &'static str) -> Seat {
    Seat {
        email,
        status: "registered",
        attended: None,
        promoted: false,
    }
}

const fn promoted(email: &'static str) -> Seat {
    Seat {
        email,
        status: "registered",
        attended: None,
        promoted: true,
    }
}

const fn waitlisted(email: &'static str) -> Seat {
    Seat {
        email,
        status: "waitlisted",
        attended: None,
        promoted: false,
    }
}

const fn cancelled(email: &'static str) -> Seat {
    Seat {
        email,
        status: "cancelled",
        attended: None,
        promoted: false,
    }
}

struct Session {
    /// Days from today (negative: in the past), then the next such weekday.
    days: i64,
    weekday: Weekday,
    hour: i8,
    time_zone: &'static str,
    minutes: i32,
    capacity: i32,
    place: &'static str,
    online_url: &'static str,
    /// 'scheduled', 'done' or 'cancelled'.
    status: &'static str,
    /// In the order they registered.
    seats: &'static [Seat],
}

/// (slug of the workshop article, its sessions)
#[rustfmt::skip]
const WORKSHOPS: &[(&str, &[Session])] = &[
    (
        "getting-started-with-rapport-for-new-customer-admins",
        &[
            Session {
                days: -35, weekday: Weekday::Tuesday, hour: 10, time_zone: "Europe/Zurich",
                minutes: 60, capacity: 12, place: BASEL, online_url: "", status: "done",
                seats: &[
                    came("olivia@northwind.example", true),
                    came("carla@acme.example", true),
                    came("greta@globex.example", false),
                ],
            },
            Session {
                days: 10, weekday: Weekday::Thursday, hour: 15, time_zone: "Europe/Berlin",
                minutes: 60, capacity: 16, place: "",
                online_url: "https://meet.example.com/rapport-customer-admins",
                status: "scheduled",
                seats: &[registered("greta@globex.example")],
            },
            Session {
                days: 30, weekday: Weekday::Tuesday, hour: 10, time_zone: "Europe/Zurich",
                minutes: 60, capacity: 12, place: BASEL, online_url: "", status: "scheduled",
                seats: &[registered("ahmed@acme.example")],
            },
        ],
    ),
    (
        "fleet-maintenance-basics",
        &[
            Session {
                days: -49, weekday: Weekday::Wednesday, hour: 9, time_zone: "Europe/Zurich",
                minutes: 180, capacity: 8, place: BASEL, online_url: "", status: "done",
                seats: &[
                    came("nick@northwind.example", true),
                    came("ahmed@acme.example", true),
                    cancelled("greta@globex.example"),
                    came("carla@acme.example", false),
                ],
            },
            // Full: Olivia cancelled, Nick moved up, two people wait.
            Session {
                days: 14, weekday: Weekday::Wednesday, hour: 9, time_zone: "Europe/Zurich",
                minutes: 180, capacity: 2, place: BASEL, online_url: "", status: "scheduled",
                seats: &[
                    cancelled("olivia@northwind.example"),
                    registered("ahmed@acme.example"),
                    promoted("nick@northwind.example"),
                    waitlisted("greta@globex.example"),
                    waitlisted("carla@acme.example"),
                ],
            },
            // Cancelled by the trainer; the registrations stay, as in the app.
            Session {
                days: 21, weekday: Weekday::Thursday, hour: 11, time_zone: "America/New_York",
                minutes: 180, capacity: 10, place: "",
                online_url: "https://meet.example.com/fleet-maintenance-americas",
                status: "cancelled",
                seats: &[registered("greta@globex.example")],
            },
            Session {
                days: 35, weekday: Weekday::Wednesday, hour: 9, time_zone: "Europe/Zurich",
                minutes: 180, capacity: 8, place: BASEL, online_url: "", status: "scheduled",
                seats: &[],
            },
        ],
    ),
    (
        "troubleshooting-sensor-faults-hands-on",
        &[
            Session {
                days: -55, weekday: Weekday::Tuesday, hour: 13, time_zone: "Europe/Zurich",
                minutes: 150, capacity: 8, place: BASEL, online_url: "", status: "done",
                seats: &[
                    came("carla@acme.example", true),
                    came("olivia@northwind.example", true),
                ],
            },
            Session {
                days: -21, weekday: Weekday::Thursday, hour: 13, time_zone: "Europe/Berlin",
                minutes: 150, capacity: 12, place: "",
                online_url: "https://meet.example.com/sensor-faults-remote-lab",
                status: "done",
                seats: &[
                    came("ahmed@acme.example", true),
                    came("greta@globex.example", true),
                    came("nick@northwind.example", false),
                ],
            },
            Session {
                days: 24, weekday: Weekday::Thursday, hour: 13, time_zone: "Europe/Zurich",
                minutes: 150, capacity: 8, place: BASEL, online_url: "", status: "scheduled",
                seats: &[
                    registered("nick@northwind.example"),
                    registered("carla@acme.example"),
                ],
            },
        ],
    ),
    (
        // Coming sessions stay empty, and Ahmed and Nick never registered: see above.
        "writing-good-support-cases-clinic",
        &[
            Session {
                days: -14, weekday: Weekday::Tuesday, hour: 16, time_zone: "Europe/Berlin",
                minutes: 45, capacity: 25, place: "",
                online_url: "https://meet.example.com/case-clinic",
                status: "done",
                seats: &[
                    came("olivia@northwind.example", true),
                    came("carla@acme.example", true),
                    came("greta@globex.example", false),
                ],
            },
            Session {
                days: 7, weekday: Weekday::Tuesday, hour: 16, time_zone: "Europe/Berlin",
                minutes: 45, capacity: 25, place: "",
                online_url: "https://meet.example.com/case-clinic",
                status: "scheduled",
                seats: &[],
            },
            Session {
                days: 28, weekday: Weekday::Thursday, hour: 11, time_zone: "America/New_York",
                minutes: 45, capacity: 25, place: "",
                online_url: "https://meet.example.com/case-clinic-americas",
                status: "scheduled",
                seats: &[],
            },
        ],
    ),
];

/// The start of a session: `weekday` on or after today + `days` in `zone`, at `hour`:00 there.
fn starts_at(session: &Session) -> Result<OffsetDateTime, rapport_core::Error> {
    let bad = |e: jiff::Error| rapport_core::Error::internal(format!("demo workshop date: {e}"));
    let zone = TimeZone::get(session.time_zone).map_err(bad)?;
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
    for (slug, sessions) in WORKSHOPS {
        let article_id: Option<i64> = sqlx::query_scalar(
            "SELECT a.id FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id
              WHERE a.slug = $1 AND r.kind = 'workshop'",
        )
        .bind(slug)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(article_id) = article_id else {
            continue;
        };
        for session in sessions.iter() {
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
            .bind(session.time_zone)
            .bind(session.minutes)
            .bind(session.capacity)
            .bind(session.place)
            .bind(session.online_url)
            .bind(session.status)
            .bind(trainer_id)
            .fetch_one(&mut *tx)
            .await?;
            // Registrations an hour apart, ending a day before `base`; a
            // cancellation and the move up it caused happen on `base`.
            for (i, seat) in session.seats.iter().enumerate() {
                let Some((user_id, _)) = db::users::id_by_email(&mut *tx, seat.email).await? else {
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
                .bind(seat.status)
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
