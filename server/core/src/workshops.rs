//! Workshop rules: who sees which sessions (the workshop article's readers),
//! registering with a waitlist that moves up in order, trainers' sessions,
//! cancellation and attendance, and the mails (with a calendar file) that go with them.
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
use jiff::tz::TimeZone;
use rapport_types::views::workshops::{
    CalendarMonth, CalendarPage, MyRegistration, MyRegistrations, Participant, SessionAdmin,
    SessionList, SessionView, WorkshopPlan,
};
use rapport_types::{RegistrationStatus, SessionStatus};
use sqlx::{PgConnection, PgPool};
use std::collections::HashMap;
use time::{Duration, OffsetDateTime};

/// How many upcoming sessions the calendar lists at most.
const CALENDAR_LIMIT: i64 = 300;

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
    let (zone_name, tz) = (&zone.name, &zone.tz);
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
    Ok(SessionView {
        id: row.id,
        workshop_slug: row.slug.clone(),
        workshop_title: row.title.clone(),
        starts: time_zones::day_and_time(row.starts_at, tz),
        ends: time_zones::clock(ends_at, tz),
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

fn is_staff(actor: Option<&Actor>) -> bool {
    policy::allows(actor, &Action::ManageWorkshops)
}

/// The sessions of the workshop at `slug`, if the reader may read it.
pub async fn sessions_for(
    zone: &ReaderZone,
    pool: &PgPool,
    actor: Option<&Actor>,
    slug: &str,
) -> Result<SessionList, Error> {
    let scope = policy::article_scope(actor);
    let article_id = db::articles::readable_id(pool, &scope, slug)
        .await?
        .ok_or(Error::NotFound)?;
    let rows = db::workshops::sessions_of(pool, article_id).await?;
    let places = places_of(pool, actor, &rows).await?;
    let now = OffsetDateTime::now_utc();
    let staff = is_staff(actor);
    Ok(SessionList {
        sessions: rows
            .iter()
            .map(|row| session_view(row, zone, places.get(&row.id).copied(), staff, now))
            .collect::<Result<_, _>>()?,
        can_register: policy::allows(actor, &Action::RegisterForWorkshop),
        signed_in: actor.is_some(),
        time_zone: zone.name.clone(),
    })
}

/// Upcoming sessions of the workshops the reader may read, month by month.
pub async fn calendar(
    zone: &ReaderZone,
    pool: &PgPool,
    actor: Option<&Actor>,
    category: &str,
    month: &str,
) -> Result<CalendarPage, Error> {
    let scope = policy::article_scope(actor);
    let workshops = db::articles::readable_workshops(pool, &scope).await?;
    let categories = db::articles::categories(pool).await?;
    let category = category.trim();
    let category_id = match category {
        "" => None,
        slug => Some(
            categories
                .iter()
                .find(|c| c.slug == slug)
                .map(|c| c.id)
                .ok_or_else(|| {
                    Error::invalid("category", "Choose one of the listed categories.")
                })?,
        ),
    };
    let month = month.trim();
    // "2026-12", as `<input type="month">` sends it.
    let is_month = |m: &str| {
        m.len() == 7
            && m.as_bytes()[4] == b'-'
            && m.replace('-', "").bytes().all(|b| b.is_ascii_digit())
    };
    if !month.is_empty() && !is_month(month) {
        return Err(Error::invalid("month", "Choose a month, such as 2026-12."));
    }
    let ids: Vec<i64> = workshops
        .iter()
        .filter(|w| category_id.is_none_or(|c| w.category_id == c))
        .map(|w| w.id)
        .collect();
    let now = OffsetDateTime::now_utc();
    let rows = db::workshops::upcoming(pool, &ids, now, None, CALENDAR_LIMIT).await?;
    let places = places_of(pool, actor, &rows).await?;
    let staff = is_staff(actor);
    let mut months: Vec<CalendarMonth> = Vec::new();
    for row in &rows {
        let key = time_zones::month_key(row.starts_at, &zone.tz);
        if !month.is_empty() && key != month {
            continue;
        }
        let view = session_view(row, zone, places.get(&row.id).copied(), staff, now)?;
        match months.last_mut() {
            Some(current) if current.key == key => current.sessions.push(view),
            _ => months.push(CalendarMonth {
                label: time_zones::month_label(row.starts_at, &zone.tz),
                key,
                sessions: vec![view],
            }),
        }
    }
    // The categories that have workshops at all, for the filter.
    let with_workshops: Vec<(String, String)> = categories
        .iter()
        .filter(|c| workshops.iter().any(|w| w.category_id == c.id))
        .map(|c| (c.slug.clone(), c.name.clone()))
        .collect();
    Ok(CalendarPage {
        months,
        categories: with_workshops,
        time_zone: zone.name.clone(),
    })
}

/// How many upcoming sessions a workshop shows under its search hit.
const SESSIONS_PER_HIT: usize = 3;

/// For the workshops among search hits, their next sessions in words, by
/// article id: a search for a topic shows when it is taught next. One query,
/// and none when no workshop is among the hits.
pub async fn next_sessions_of(
    zone: &ReaderZone,
    pool: &PgPool,
    hits: &[rapport_types::Hit],
) -> Result<Vec<(i64, String)>, Error> {
    let ids: Vec<i64> = hits
        .iter()
        .filter(|h| h.kind == rapport_types::ArticleKind::Workshop)
        .map(|h| h.article_id)
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = db::workshops::upcoming(pool, &ids, OffsetDateTime::now_utc(), None, 100).await?;
    let mut lines: Vec<(i64, String)> = Vec::new();
    for row in rows {
        if lines.iter().filter(|(id, _)| *id == row.article_id).count() >= SESSIONS_PER_HIT {
            continue;
        }
        let left = (row.capacity as i64 - row.registered).max(0);
        let places = match left {
            0 => "full, waitlist open".to_string(),
            1 => "1 place left".to_string(),
            n => format!("{n} places left"),
        };
        let line = format!(
            "{} ({}) · {places}",
            time_zones::day_and_time(row.starts_at, &zone.tz),
            zone.name.clone()
        );
        lines.push((row.article_id, line));
    }
    Ok(lines)
}

/// A session the actor may register for (or cancel in): it exists and its
/// workshop is one they may read; anything else is "not found".
async fn visible_session(
    pool: &PgPool,
    actor: &Actor,
    session_id: i64,
) -> Result<SessionRow, Error> {
    let row = db::workshops::session(pool, session_id)
        .await?
        .ok_or(Error::NotFound)?;
    let scope = policy::article_scope(Some(actor));
    db::articles::readable_id(pool, &scope, &row.slug)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(row)
}

/// Take a place, or a waitlist place when the session is full. Registering
/// again changes nothing and says where the person stands.
pub async fn register(
    site: &SiteLinks,
    pool: &PgPool,
    actor: &Actor,
    session_id: i64,
) -> Result<RegistrationStatus, Error> {
    policy::authorize(Some(actor), &Action::RegisterForWorkshop)?;
    let row = visible_session(pool, actor, session_id).await?;
    let mut tx = pool.begin().await?;
    let (status, capacity, starts_at) = db::workshops::lock_session(&mut tx, session_id)
        .await?
        .ok_or(Error::NotFound)?;
    if status != SessionStatus::Scheduled.as_str() {
        return Err(Error::Conflict(
            "This session was cancelled or has been held: choose another session.".into(),
        ));
    }
    if starts_at <= OffsetDateTime::now_utc() {
        return Err(Error::Conflict(
            "This session has already started: choose a later session.".into(),
        ));
    }
    if let Some((_, existing)) =
        db::workshops::live_registration(&mut tx, session_id, actor.user_id).await?
    {
        return stored_registration(&existing);
    }
    let taken = db::workshops::registered_count(&mut tx, session_id).await?;
    let status = if taken < capacity as i64 {
        RegistrationStatus::Registered
    } else {
        RegistrationStatus::Waitlisted
    };
    db::workshops::insert_registration(&mut tx, session_id, actor.user_id, status.as_str()).await?;
    let news = match status {
        RegistrationStatus::Registered => News::Registered,
        _ => News::Waitlisted,
    };
    tell(site, &mut tx, actor.user_id, &row, news).await?;
    tx.commit().await?;
    Ok(status)
}

/// Give up a place or a waitlist place; the first on the waitlist moves up.
pub async fn cancel_registration(
    site: &SiteLinks,
    pool: &PgPool,
    actor: &Actor,
    session_id: i64,
) -> Result<(), Error> {
    // One's own registration can always be given up, even if the workshop has
    // since become unreadable: only a registration of the actor is touched.
    let row = db::workshops::session(pool, session_id)
        .await?
        .ok_or(Error::NotFound)?;
    let mut tx = pool.begin().await?;
    let (status, capacity, starts_at) = db::workshops::lock_session(&mut tx, session_id)
        .await?
        .ok_or(Error::NotFound)?;
    let (registration_id, _) = db::workshops::live_registration(&mut tx, session_id, actor.user_id)
        .await?
        .ok_or(Error::NotFound)?;
    // After a session started (or was cancelled) the registration is history:
    // attendance is marked against it.
    if status != SessionStatus::Scheduled.as_str() || starts_at <= OffsetDateTime::now_utc() {
        return Err(Error::Conflict(
            "This session has started, was held or was cancelled: there is nothing to cancel any more.".into(),
        ));
    }
    db::workshops::cancel_registration(&mut tx, registration_id).await?;
    tell(site, &mut tx, actor.user_id, &row, News::CancelledByYou).await?;
    fill_free_places(site, &mut tx, &row, capacity).await?;
    tx.commit().await?;
    Ok(())
}

/// Move people up from the waitlist while there are places, and tell them.
/// Call with the session locked.
async fn fill_free_places(
    site: &SiteLinks,
    tx: &mut PgConnection,
    row: &SessionRow,
    capacity: i32,
) -> Result<(), Error> {
    let taken = db::workshops::registered_count(tx, row.id).await?;
    let free = capacity as i64 - taken;
    if free > 0 {
        for user_id in db::workshops::promote(tx, row.id, free).await? {
            tell(site, tx, user_id, row, News::MovedUp).await?;
        }
    }
    Ok(())
}

/// The reader's registrations: upcoming (soonest first) and past.
pub async fn mine(
    zone: &ReaderZone,
    pool: &PgPool,
    actor: &Actor,
) -> Result<MyRegistrations, Error> {
    let rows = db::workshops::registrations_of(pool, actor.user_id).await?;
    // A workshop that has since become unreadable (archived, made internal) is
    // not shown, nor its link.
    let scope = policy::article_scope(Some(actor));
    let readable: std::collections::HashSet<i64> = db::articles::readable_workshops(pool, &scope)
        .await?
        .into_iter()
        .map(|w| w.id)
        .collect();
    let rows = rows
        .into_iter()
        .filter(|(_, _, row)| readable.contains(&row.article_id));
    let now = OffsetDateTime::now_utc();
    let (mut upcoming, mut past) = (Vec::new(), Vec::new());
    for (status, attended, row) in rows {
        let status = stored_registration(&status)?;
        let mine = Mine {
            status,
            waitlist_place: 0,
        };
        let mut session = session_view(&row, zone, Some(mine), false, now)?;
        session.waitlist_place = None;
        let item = MyRegistration {
            session,
            status,
            attended,
        };
        if row.starts_at > now && row.status == SessionStatus::Scheduled.as_str() {
            upcoming.push(item);
        } else {
            past.push(item);
        }
    }
    // The query lists the latest first: upcoming ones read soonest first.
    upcoming.reverse();
    Ok(MyRegistrations {
        upcoming,
        past,
        time_zone: zone.name.clone(),
    })
}

/// The article as a workshop a trainer may manage: (title, slug, published).
async fn managed_workshop(
    pool: &PgPool,
    actor: &Actor,
    article_id: i64,
) -> Result<(String, String, bool, String), Error> {
    policy::authorize(Some(actor), &Action::ManageWorkshops)?;
    let found: Option<(String, String, bool, String)> = sqlx::query_as(
        "SELECT r.title, a.slug, a.published_revision_id IS NOT NULL AND a.state <> 'archived', r.kind
         FROM articles a JOIN article_revisions r ON r.id = a.latest_revision_id
         WHERE a.id = $1",
    )
    .bind(article_id)
    .fetch_optional(pool)
    .await?;
    found.ok_or(Error::NotFound)
}

pub async fn admin(
    zone: &ReaderZone,
    pool: &PgPool,
    actor: &Actor,
    article_id: i64,
) -> Result<WorkshopPlan, Error> {
    let (title, slug, published, kind) = managed_workshop(pool, actor, article_id).await?;
    // Only workshops have sessions; the editor links here for them alone.
    if kind != rapport_types::ArticleKind::Workshop.as_str() {
        return Err(Error::NotFound);
    }
    let rows = db::workshops::sessions_of(pool, article_id).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut people: HashMap<i64, Vec<Participant>> = HashMap::new();
    for (session_id, p) in db::workshops::people_of_sessions(pool, &ids).await? {
        people.entry(session_id).or_default().push(Participant {
            user_id: p.user_id,
            name: p.display_name,
            email: p.email,
            organization: p.organization_name,
            status: stored_registration(&p.status)?,
            since: zone.date_time(p.created_at),
            attended: p.attended,
        });
    }
    let now = OffsetDateTime::now_utc();
    let sessions = rows
        .iter()
        .map(|row| {
            let local = TimeZone::get(&row.time_zone).unwrap_or(TimeZone::UTC);
            let (date, time) = time_zones::local_parts(row.starts_at, &local);
            Ok(SessionAdmin {
                session: session_view(row, zone, None, true, now)?,
                date,
                time,
                time_zone: row.time_zone.clone(),
                participants: people.remove(&row.id).unwrap_or_default(),
            })
        })
        .collect::<Result<_, Error>>()?;
    Ok(WorkshopPlan {
        article_id,
        title,
        slug,
        published,
        sessions,
        time_zones: time_zones::COMMON.iter().map(|z| z.to_string()).collect(),
        default_time_zone: zone.name.clone(),
    })
}

/// The session form, as typed.
pub struct SessionForm<'a> {
    pub date: &'a str,
    pub time: &'a str,
    pub time_zone: &'a str,
    pub duration_minutes: &'a str,
    pub capacity: &'a str,
    pub place: &'a str,
    pub online_url: &'a str,
}

fn whole_number(field: &str, text: &str, min: i32, max: i32, what: &str) -> Result<i32, Error> {
    text.trim()
        .parse::<i32>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| {
            Error::invalid(
                field,
                format!("{what} must be a whole number from {min} to {max}."),
            )
        })
}

/// Add a session (`session_id` 0) or change one still at `version`.
pub async fn save_session(
    site: &SiteLinks,
    pool: &PgPool,
    actor: &Actor,
    article_id: i64,
    session_id: i64,
    version: i32,
    form: &SessionForm<'_>,
) -> Result<(), Error> {
    let (_, _, _, kind) = managed_workshop(pool, actor, article_id).await?;
    if kind != rapport_types::ArticleKind::Workshop.as_str() {
        return Err(Error::Conflict(
            "Only workshops have sessions: set the article's kind to Workshop and save it first."
                .into(),
        ));
    }
    let (zone_name, zone) = time_zones::parse("time_zone", form.time_zone)?;
    let starts_at = time_zones::local_instant(form.date, form.time, &zone)?;
    let duration = whole_number(
        "duration_minutes",
        form.duration_minutes,
        15,
        1440,
        "The duration in minutes",
    )?;
    let capacity = whole_number("capacity", form.capacity, 1, 10_000, "The number of places")?;
    let place = form.place.trim();
    if place.chars().count() > 300 {
        return Err(Error::invalid(
            "place",
            "Keep the place under 300 characters.",
        ));
    }
    if place.chars().any(char::is_control) {
        return Err(Error::invalid("place", "Write the place on one line."));
    }
    // The link as the parser understood it (it drops stray line breaks and tabs).
    let online_url = match form.online_url.trim() {
        "" => String::new(),
        typed => match url::Url::parse(typed)
            .ok()
            .filter(|u| matches!(u.scheme(), "https" | "http") && u.host().is_some())
        {
            Some(url) if url.as_str().len() <= 500 => url.to_string(),
            _ => {
                return Err(Error::invalid(
                    "online_url",
                    "Enter the full link to join, starting with https://",
                ))
            }
        },
    };
    let online_url = online_url.as_str();
    if place.is_empty() && online_url.is_empty() {
        return Err(Error::invalid(
            "place",
            "Say where the session takes place, or give the link to join online (or both).",
        ));
    }
    let new = db::workshops::NewSession {
        article_id,
        starts_at,
        time_zone: &zone_name,
        duration_minutes: duration,
        capacity,
        place,
        online_url,
        trainer_id: actor.user_id,
    };
    let now = OffsetDateTime::now_utc();
    let mut tx = pool.begin().await?;
    if session_id == 0 {
        if starts_at <= now {
            return Err(Error::invalid(
                "date",
                "This date and time is in the past: choose a time to come.",
            ));
        }
        db::workshops::create_session(&mut tx, &new).await?;
    } else {
        let (status, _, old_start) = db::workshops::lock_session(&mut tx, session_id)
            .await?
            .ok_or(Error::NotFound)?;
        let row = db::workshops::session(&mut *tx, session_id)
            .await?
            .filter(|r| r.article_id == article_id)
            .ok_or(Error::NotFound)?;
        if status != SessionStatus::Scheduled.as_str() || old_start <= now {
            return Err(Error::Conflict(
                "This session has started, was held or was cancelled: it can no longer be changed."
                    .into(),
            ));
        }
        if starts_at != old_start && starts_at <= now {
            return Err(Error::invalid(
                "date",
                "This date and time is in the past: choose a time to come.",
            ));
        }
        if (capacity as i64) < row.registered {
            return Err(Error::invalid(
                "capacity",
                format!(
                    "{} people are registered: the session needs at least as many places. Cancel the session instead if it cannot take them.",
                    row.registered
                ),
            ));
        }
        if !db::workshops::update_session(&mut tx, session_id, version, &new).await? {
            return Err(Error::Conflict(
                "Someone else changed this session while you were editing it. Nothing was saved; reload the page to see their change, then make yours again.".into(),
            ));
        }
        // A new time or place is news for everyone registered or waiting; the
        // calendar file replaces the old entry (same event id).
        let moved = starts_at != row.starts_at
            || duration != row.duration_minutes
            || place != row.place
            || online_url != row.online_url;
        // More places: the waitlist moves up.
        let updated = db::workshops::session(&mut *tx, session_id)
            .await?
            .ok_or(Error::NotFound)?;
        if moved {
            for person in db::workshops::people_of(&mut *tx, session_id).await? {
                tell(
                    site,
                    &mut tx,
                    person.user_id,
                    &updated,
                    News::SessionChanged,
                )
                .await?;
            }
        }
        fill_free_places(site, &mut tx, &updated, capacity).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Cancel a session and tell everyone registered or waiting. Returns its workshop.
pub async fn cancel_session(
    site: &SiteLinks,
    pool: &PgPool,
    actor: &Actor,
    session_id: i64,
    version: i32,
) -> Result<i64, Error> {
    policy::authorize(Some(actor), &Action::ManageWorkshops)?;
    let mut tx = pool.begin().await?;
    db::workshops::lock_session(&mut tx, session_id)
        .await?
        .ok_or(Error::NotFound)?;
    let row = db::workshops::session(&mut *tx, session_id)
        .await?
        .ok_or(Error::NotFound)?;
    if row.status != SessionStatus::Scheduled.as_str() || row.starts_at <= OffsetDateTime::now_utc()
    {
        return Err(Error::Conflict(
            "This session has started, was held or was cancelled: it can no longer be cancelled."
                .into(),
        ));
    }
    if !db::workshops::set_session_status(
        &mut tx,
        session_id,
        version,
        SessionStatus::Cancelled.as_str(),
    )
    .await?
    {
        return Err(Error::Conflict(
            "Someone else changed this session meanwhile. Nothing was cancelled; reload the page and try again.".into(),
        ));
    }
    for person in db::workshops::people_of(&mut *tx, session_id).await? {
        tell(site, &mut tx, person.user_id, &row, News::SessionCancelled).await?;
    }
    tx.commit().await?;
    Ok(row.article_id)
}

/// Record who came to a session that has started; it then counts as held.
pub async fn mark_attendance(
    pool: &PgPool,
    actor: &Actor,
    session_id: i64,
    present: &[i64],
) -> Result<i64, Error> {
    policy::authorize(Some(actor), &Action::ManageWorkshops)?;
    let mut tx = pool.begin().await?;
    let (status, _, starts_at) = db::workshops::lock_session(&mut tx, session_id)
        .await?
        .ok_or(Error::NotFound)?;
    let row = db::workshops::session(&mut *tx, session_id)
        .await?
        .ok_or(Error::NotFound)?;
    if status == SessionStatus::Cancelled.as_str() {
        return Err(Error::Conflict(
            "This session was cancelled: there is no attendance to mark.".into(),
        ));
    }
    if starts_at > OffsetDateTime::now_utc() {
        return Err(Error::Conflict(
            "Attendance can be marked once the session has started.".into(),
        ));
    }
    db::workshops::mark_attendance(&mut tx, session_id, present).await?;
    if status == SessionStatus::Scheduled.as_str() {
        db::workshops::set_session_status(
            &mut tx,
            session_id,
            row.version,
            SessionStatus::Done.as_str(),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(row.article_id)
}

/// Choose the zone times are shown in; empty goes back to the browser's.
pub async fn set_time_zone(pool: &PgPool, actor: &Actor, name: &str) -> Result<(), Error> {
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

/// What a mail about a session says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum News {
    Registered,
    Waitlisted,
    MovedUp,
    CancelledByYou,
    SessionChanged,
    SessionCancelled,
}

/// Queue the mail about `news` for one person, in the transaction of the change.
async fn tell(
    site: &SiteLinks,
    tx: &mut PgConnection,
    user_id: i64,
    row: &SessionRow,
    news: News,
) -> Result<(), Error> {
    let (name, email, zone_name) = db::workshops::contact(tx, user_id).await?;
    let zone = zone_name
        .as_deref()
        .and_then(|z| time_zones::parse("time_zone", z).ok())
        .or_else(|| time_zones::parse("time_zone", &row.time_zone).ok())
        .map(|(name, tz)| ReaderZone { name, tz })
        .unwrap_or_else(ReaderZone::utc);
    let when = format!(
        "{}–{} ({})",
        time_zones::day_and_time(row.starts_at, &zone.tz),
        time_zones::clock(
            row.starts_at + Duration::minutes(row.duration_minutes as i64),
            &zone.tz
        ),
        zone.name.clone()
    );
    let page = site.page(&format!("/kb/{}#sessions", row.slug));
    let whereabouts = match (row.place.is_empty(), row.online_url.is_empty()) {
        (false, false) => format!("Place: {}\nOnline: {}", row.place, row.online_url),
        (false, true) => format!("Place: {}", row.place),
        _ => format!("Online: {}", row.online_url),
    };
    let (headline, text, calendar) = match news {
        News::Registered => (
            "You are registered",
            format!("you have a place in “{}” on {when}.\n\n{whereabouts}\n\nThe attached calendar file adds it to your calendar. If you cannot come, cancel on the workshop's page so someone on the waitlist gets your place.", row.title),
            Some(false),
        ),
        News::Waitlisted => (
            "You are on the waitlist",
            format!("“{}” on {when} is full, so you are on its waitlist. When a place frees, the first on the waitlist gets it and is told by e-mail.", row.title),
            None,
        ),
        News::MovedUp => (
            "A place freed up: you are registered",
            format!("a place freed up in “{}” on {when}, and it is yours.\n\n{whereabouts}\n\nThe attached calendar file adds it to your calendar. If you cannot come any more, cancel on the workshop's page.", row.title),
            Some(false),
        ),
        News::CancelledByYou => (
            "Registration cancelled",
            format!("your registration for “{}” on {when} is cancelled.", row.title),
            None,
        ),
        News::SessionChanged => (
            "Session changed",
            format!("the session of “{}” you signed up for has changed. It is now on {when}.\n\n{whereabouts}\n\nThe attached calendar file updates your calendar entry. If the new time does not suit you, cancel on the workshop's page so someone else gets your place.", row.title),
            Some(false),
        ),
        News::SessionCancelled => (
            "Session cancelled",
            format!("we are sorry: the session of “{}” on {when} is cancelled. The workshop's page shows the other sessions.", row.title),
            Some(true),
        ),
    };
    let recipient = super::case_mail::Recipient {
        name: &name,
        email: &email,
    };
    let mail = OutgoingMail {
        to: recipient.address(),
        subject: format!("{headline}: {}", row.title),
        body: format!(
            "Hello {name},\n\n{text}\n\nThe workshop: {page}\n\n-- \nRapport support portal\n"
        ),
        calendar: calendar.map(|cancelled| calendar_file(row, &page, cancelled)),
    };
    mail::queue(&mut *tx, &mail).await?;
    Ok(())
}

/// An iCalendar file for a session; a cancelled one says so, so calendars drop it.
pub fn calendar_file(row: &SessionRow, page: &str, cancelled: bool) -> String {
    use icalendar::{Calendar, Component, Event, EventLike, EventStatus};
    let instant = |t: OffsetDateTime| {
        chrono::DateTime::<chrono::Utc>::from_timestamp(t.unix_timestamp(), 0).unwrap_or_default()
    };
    let ends_at = row.starts_at + Duration::minutes(row.duration_minutes as i64);
    let location = match (row.place.is_empty(), row.online_url.is_empty()) {
        (false, _) => row.place.clone(),
        _ => row.online_url.clone(),
    };
    let mut event = Event::new();
    event
        .uid(&format!("workshop-session-{}@rapport", row.id))
        .summary(&row.title)
        .description(format!("{page}\n{}", row.online_url).trim())
        .location(&location)
        .starts(instant(row.starts_at))
        .ends(instant(ends_at))
        .url(page)
        .status(if cancelled {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        });
    Calendar::new().push(event.done()).done().to_string()
}
