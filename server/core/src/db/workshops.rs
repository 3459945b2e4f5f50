//! Workshop sessions and registrations. A workshop is an article of the kind
//! `workshop`; who may read it is the article's rule, applied by the caller
//! through `articles::scoped` before sessions are shown.

use super::articles::{scoped, READABLE};
use crate::policy::ArticleScope;
use sqlx::{FromRow, PgConnection, PgExecutor};
use time::OffsetDateTime;

const SESSION_COLUMNS: &str = "s.id, s.article_id, a.slug, r.title, s.starts_at, s.time_zone,
    s.duration_minutes, s.capacity, s.place, s.online_url, s.status, s.version,
    t.display_name AS trainer_name,
    (SELECT count(*) FROM workshop_registrations g WHERE g.session_id = s.id AND g.status = 'registered') AS registered,
    (SELECT count(*) FROM workshop_registrations g WHERE g.session_id = s.id AND g.status = 'waitlisted') AS waitlisted";

const SESSION_FROM: &str = " FROM workshop_sessions s
    JOIN articles a ON a.id = s.article_id
    JOIN article_revisions r ON r.id = coalesce(a.published_revision_id, a.latest_revision_id)
    LEFT JOIN users t ON t.id = s.trainer_id";

#[derive(Debug, Clone, FromRow)]
pub struct SessionRow {
    pub id: i64,
    pub article_id: i64,
    pub slug: String,
    pub title: String,
    pub starts_at: OffsetDateTime,
    pub time_zone: String,
    pub duration_minutes: i32,
    pub capacity: i32,
    pub place: String,
    pub online_url: String,
    pub status: String,
    pub version: i32,
    pub trainer_name: Option<String>,
    pub registered: i64,
    pub waitlisted: i64,
}

/// The sessions of one workshop, soonest first.
pub async fn sessions_of(
    db: impl PgExecutor<'_>,
    article_id: i64,
) -> sqlx::Result<Vec<SessionRow>> {
    sqlx::query_as(&format!(
        "SELECT {SESSION_COLUMNS} {SESSION_FROM} WHERE s.article_id = $1 ORDER BY s.starts_at, s.id"
    ))
    .bind(article_id)
    .fetch_all(db)
    .await
}

pub async fn session(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<SessionRow>> {
    sqlx::query_as(&format!(
        "SELECT {SESSION_COLUMNS} {SESSION_FROM} WHERE s.id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Scheduled sessions from `from` on of the workshops `article_ids` (the ones the
/// reader may see), soonest first.
pub async fn upcoming(
    db: impl PgExecutor<'_>,
    article_ids: &[i64],
    from: OffsetDateTime,
    until: Option<OffsetDateTime>,
    limit: i64,
) -> sqlx::Result<Vec<SessionRow>> {
    sqlx::query_as(&format!(
        "SELECT {SESSION_COLUMNS} {SESSION_FROM}
         WHERE s.article_id = ANY($1) AND s.status = 'scheduled' AND s.starts_at >= $2
           AND ($3::timestamptz IS NULL OR s.starts_at < $3)
         ORDER BY s.starts_at, s.id LIMIT $4"
    ))
    .bind(article_ids)
    .bind(from)
    .bind(until)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// The next scheduled sessions of the published workshops `scope` may read,
/// soonest first. One query: the article's rule is part of its SQL.
pub async fn upcoming_readable(
    db: impl PgExecutor<'_>,
    scope: &ArticleScope,
    limit: i64,
) -> sqlx::Result<Vec<SessionRow>> {
    let sql = format!(
        "SELECT {SESSION_COLUMNS} {SESSION_FROM}
         WHERE s.status = 'scheduled' AND s.starts_at > now()
           AND r.id = a.published_revision_id AND r.kind = 'workshop' AND {READABLE}
         ORDER BY s.starts_at, s.id LIMIT $4"
    );
    scoped(&sql, scope).bind(limit).fetch_all(db).await
}

/// `user_id`'s places (or waitlist places) in scheduled sessions still to
/// come, of the published workshops `scope` may read, soonest first. One query.
pub async fn upcoming_registrations(
    db: impl PgExecutor<'_>,
    scope: &ArticleScope,
    user_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<(String, SessionRow)>> {
    #[derive(FromRow)]
    struct Row {
        registration_status: String,
        #[sqlx(flatten)]
        session: SessionRow,
    }
    let sql = format!(
        "SELECT g.status AS registration_status, {SESSION_COLUMNS} {SESSION_FROM}
         JOIN workshop_registrations g ON g.session_id = s.id
         WHERE g.user_id = $4 AND g.status <> 'cancelled'
           AND s.status = 'scheduled' AND s.starts_at > now()
           AND r.id = a.published_revision_id AND {READABLE}
         ORDER BY s.starts_at, s.id LIMIT $5"
    );
    let rows: Vec<Row> = scoped(&sql, scope)
        .bind(user_id)
        .bind(limit)
        .fetch_all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.registration_status, r.session))
        .collect())
}

/// The reader's live registration per session, for `session_ids`: (session id,
/// status, place on the waitlist counting from 1).
pub async fn my_places(
    db: impl PgExecutor<'_>,
    user_id: i64,
    session_ids: &[i64],
) -> sqlx::Result<Vec<(i64, String, i64)>> {
    sqlx::query_as(
        "SELECT g.session_id, g.status,
                (SELECT count(*) FROM workshop_registrations w
                 WHERE w.session_id = g.session_id AND w.status = 'waitlisted'
                   AND (w.created_at, w.id) <= (g.created_at, g.id)) AS place
         FROM workshop_registrations g
         WHERE g.user_id = $1 AND g.session_id = ANY($2) AND g.status <> 'cancelled'",
    )
    .bind(user_id)
    .bind(session_ids)
    .fetch_all(db)
    .await
}

/// Lock a session for a change of its places: registrations, cancellations and
/// capacity changes of one session happen one after the other, so the last
/// place is given exactly once.
pub async fn lock_session(
    db: &mut PgConnection,
    id: i64,
) -> sqlx::Result<Option<(String, i32, OffsetDateTime)>> {
    sqlx::query_as(
        "SELECT status, capacity, starts_at FROM workshop_sessions WHERE id = $1 FOR UPDATE",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn registered_count(db: &mut PgConnection, session_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT count(*) FROM workshop_registrations WHERE session_id = $1 AND status = 'registered'",
    )
    .bind(session_id)
    .fetch_one(db)
    .await
}

/// The person's live registration in the session: (id, status).
pub async fn live_registration(
    db: &mut PgConnection,
    session_id: i64,
    user_id: i64,
) -> sqlx::Result<Option<(i64, String)>> {
    sqlx::query_as(
        "SELECT id, status FROM workshop_registrations
         WHERE session_id = $1 AND user_id = $2 AND status <> 'cancelled'",
    )
    .bind(session_id)
    .bind(user_id)
    .fetch_optional(db)
    .await
}

pub async fn insert_registration(
    db: &mut PgConnection,
    session_id: i64,
    user_id: i64,
    status: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO workshop_registrations (session_id, user_id, status) VALUES ($1, $2, $3)",
    )
    .bind(session_id)
    .bind(user_id)
    .bind(status)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn cancel_registration(db: &mut PgConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE workshop_registrations SET status = 'cancelled', cancelled_at = now() WHERE id = $1",
    )
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// Move the first `places` people of the waitlist up; returns who moved.
pub async fn promote(
    db: &mut PgConnection,
    session_id: i64,
    places: i64,
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "UPDATE workshop_registrations SET status = 'registered', promoted_at = now()
         WHERE id IN (SELECT id FROM workshop_registrations
                      WHERE session_id = $1 AND status = 'waitlisted'
                      ORDER BY created_at, id LIMIT $2)
         RETURNING user_id",
    )
    .bind(session_id)
    .bind(places.max(0))
    .fetch_all(db)
    .await
}

/// Everyone with a live registration in a session: (user id, name, e-mail, status).
pub async fn people_of(db: impl PgExecutor<'_>, session_id: i64) -> sqlx::Result<Vec<PersonRow>> {
    sqlx::query_as(
        "SELECT g.id, g.user_id, u.display_name, u.email, o.name AS organization_name, g.status,
                g.created_at, g.attended, u.time_zone
         FROM workshop_registrations g
         JOIN users u ON u.id = g.user_id
         LEFT JOIN organizations o ON o.id = u.organization_id
         WHERE g.session_id = $1 AND g.status <> 'cancelled'
         ORDER BY g.status, g.created_at, g.id",
    )
    .bind(session_id)
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct PersonRow {
    pub id: i64,
    pub user_id: i64,
    pub display_name: String,
    pub email: String,
    pub organization_name: Option<String>,
    pub status: String,
    pub created_at: OffsetDateTime,
    pub attended: Option<bool>,
    pub time_zone: Option<String>,
}

/// The people of several sessions at once (the trainer's page), in one query.
pub async fn people_of_sessions(
    db: impl PgExecutor<'_>,
    session_ids: &[i64],
) -> sqlx::Result<Vec<(i64, PersonRow)>> {
    #[derive(FromRow)]
    struct Row {
        session_id: i64,
        #[sqlx(flatten)]
        person: PersonRow,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT g.session_id, g.id, g.user_id, u.display_name, u.email, o.name AS organization_name,
                g.status, g.created_at, g.attended, u.time_zone
         FROM workshop_registrations g
         JOIN users u ON u.id = g.user_id
         LEFT JOIN organizations o ON o.id = u.organization_id
         WHERE g.session_id = ANY($1) AND g.status <> 'cancelled'
         ORDER BY g.session_id, g.status, g.created_at, g.id",
    )
    .bind(session_ids)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.session_id, r.person)).collect())
}

/// A person's registrations that are not cancelled, with their sessions.
pub async fn registrations_of(
    db: impl PgExecutor<'_>,
    user_id: i64,
) -> sqlx::Result<Vec<(String, Option<bool>, SessionRow)>> {
    #[derive(FromRow)]
    struct Row {
        registration_status: String,
        attended: Option<bool>,
        #[sqlx(flatten)]
        session: SessionRow,
    }
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT g.status AS registration_status, g.attended, {SESSION_COLUMNS} {SESSION_FROM}
         JOIN workshop_registrations g ON g.session_id = s.id
         WHERE g.user_id = $1 AND g.status <> 'cancelled'
         ORDER BY s.starts_at DESC, s.id DESC LIMIT 200"
    ))
    .bind(user_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.registration_status, r.attended, r.session))
        .collect())
}

pub struct NewSession<'a> {
    pub article_id: i64,
    pub starts_at: OffsetDateTime,
    pub time_zone: &'a str,
    pub duration_minutes: i32,
    pub capacity: i32,
    pub place: &'a str,
    pub online_url: &'a str,
    pub trainer_id: i64,
}

pub async fn create_session(db: &mut PgConnection, s: &NewSession<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO workshop_sessions (article_id, starts_at, time_zone, duration_minutes, capacity,
             place, online_url, trainer_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(s.article_id)
    .bind(s.starts_at)
    .bind(s.time_zone)
    .bind(s.duration_minutes)
    .bind(s.capacity)
    .bind(s.place)
    .bind(s.online_url)
    .bind(s.trainer_id)
    .fetch_one(db)
    .await
}

/// Change a session if it is still at `version`; false when someone changed it first.
pub async fn update_session(
    db: &mut PgConnection,
    id: i64,
    version: i32,
    s: &NewSession<'_>,
) -> sqlx::Result<bool> {
    let changed = sqlx::query(
        "UPDATE workshop_sessions SET starts_at = $3, time_zone = $4, duration_minutes = $5,
             capacity = $6, place = $7, online_url = $8, version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $2",
    )
    .bind(id)
    .bind(version)
    .bind(s.starts_at)
    .bind(s.time_zone)
    .bind(s.duration_minutes)
    .bind(s.capacity)
    .bind(s.place)
    .bind(s.online_url)
    .execute(db)
    .await?;
    Ok(changed.rows_affected() == 1)
}

/// Set a session's status if it is still at `version`.
pub async fn set_session_status(
    db: &mut PgConnection,
    id: i64,
    version: i32,
    status: &str,
) -> sqlx::Result<bool> {
    let changed = sqlx::query(
        "UPDATE workshop_sessions SET status = $3, version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $2",
    )
    .bind(id)
    .bind(version)
    .bind(status)
    .execute(db)
    .await?;
    Ok(changed.rows_affected() == 1)
}

/// Record who came: those in `present` attended, the other registered people did not.
pub async fn mark_attendance(
    db: &mut PgConnection,
    session_id: i64,
    present: &[i64],
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE workshop_registrations SET attended = (user_id = ANY($2))
         WHERE session_id = $1 AND status = 'registered'",
    )
    .bind(session_id)
    .bind(present)
    .execute(db)
    .await?;
    Ok(())
}

/// A person's name, e-mail and time zone, for mail.
pub async fn contact(
    db: &mut PgConnection,
    user_id: i64,
) -> sqlx::Result<(String, String, Option<String>)> {
    sqlx::query_as("SELECT display_name, email, time_zone FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(db)
        .await
}
