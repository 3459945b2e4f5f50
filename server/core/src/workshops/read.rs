//! What readers see of workshops: the sessions of one, the calendar, the next
//! sessions beside a search hit, and their own registrations.

use super::*;
use crate::Reader;

/// How many upcoming sessions the calendar lists at most.
const CALENDAR_LIMIT: i64 = 300;

/// The sessions of the workshop at `slug`, if the reader may read it.
pub async fn sessions_for(
    reader: &Reader,
    pool: &PgPool,
    slug: &str,
) -> Result<SessionList, Error> {
    let (zone, actor) = (reader.zone(), reader.actor());
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
    reader: &Reader,
    pool: &PgPool,
    category: &str,
    month: &str,
) -> Result<CalendarPage, Error> {
    let (zone, actor) = (reader.zone(), reader.actor());
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

/// The reader's registrations: upcoming (soonest first) and past.
pub async fn mine(reader: &Reader, pool: &PgPool) -> Result<MyRegistrations, Error> {
    let (zone, actor) = (reader.zone(), reader.signed_in()?);
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

/// The next `limit` sessions of the workshops the reader may read, soonest
/// first (for the front page). One query; the reader's own places are not
/// looked up: the workshop's page shows them.
pub async fn next_sessions(
    reader: &Reader,
    pool: &PgPool,
    limit: i64,
) -> Result<Vec<SessionView>, Error> {
    let (zone, actor) = (reader.zone(), reader.actor());
    let scope = policy::article_scope(actor);
    let rows = db::workshops::upcoming_readable(pool, &scope, limit).await?;
    let now = OffsetDateTime::now_utc();
    rows.iter()
        .map(|row| session_view(row, zone, None, false, now))
        .collect()
}

/// The reader's next `limit` sessions (a place or a waitlist place), soonest
/// first, of the workshops they may still read (for the dashboard). One query.
pub async fn my_next_sessions(
    reader: &Reader,
    pool: &PgPool,
    limit: i64,
) -> Result<Vec<MyRegistration>, Error> {
    let (zone, actor) = (reader.zone(), reader.signed_in()?);
    let scope = policy::article_scope(Some(actor));
    let rows = db::workshops::upcoming_registrations(pool, &scope, actor.user_id, limit).await?;
    let now = OffsetDateTime::now_utc();
    rows.into_iter()
        .map(|(status, row)| {
            let status = stored_registration(&status)?;
            let mine = Mine {
                status,
                waitlist_place: 0,
            };
            let mut session = session_view(&row, zone, Some(mine), false, now)?;
            // The place on the waitlist is the workshop page's to say.
            session.waitlist_place = None;
            Ok(MyRegistration {
                session,
                status,
                attended: None,
            })
        })
        .collect()
}
