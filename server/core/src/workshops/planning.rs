//! What trainers do: plan, change and cancel sessions, see who registered,
//! and mark attendance.

use super::*;
use crate::Reader;

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

pub async fn admin(reader: &Reader, pool: &PgPool, article_id: i64) -> Result<WorkshopPlan, Error> {
    let (zone, actor) = (reader.zone(), reader.signed_in()?);
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
        time_zones: time_zones::names().to_vec(),
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
    reader: &Reader,
    site: &SiteLinks,
    pool: &PgPool,
    article_id: i64,
    session_id: i64,
    version: i32,
    form: &SessionForm<'_>,
) -> Result<(), Error> {
    let actor = reader.signed_in()?;
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
        let promoted = fill_free_places(site, &mut tx, &updated, capacity).await?;
        record_registrations(&mut tx, session_id, Some(&promoted)).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Cancel a session and tell everyone registered or waiting. Returns its workshop.
pub async fn cancel_session(
    reader: &Reader,
    site: &SiteLinks,
    pool: &PgPool,
    session_id: i64,
    version: i32,
) -> Result<i64, Error> {
    let actor = reader.signed_in()?;
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
    reader: &Reader,
    pool: &PgPool,
    session_id: i64,
    present: &[i64],
) -> Result<i64, Error> {
    let actor = reader.signed_in()?;
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
    record_registrations(&mut tx, session_id, None).await?;
    tx.commit().await?;
    Ok(row.article_id)
}
