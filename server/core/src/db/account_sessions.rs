//! The signed-in sessions of each person, as the account page lists them. The
//! session itself is tower-sessions' (`tower_sessions.session`); its data holds
//! the `key` of its row here, and `users::find_for_session` reads the row with
//! the user, so a session whose row is gone ends at its next request.

use sqlx::{FromRow, PgExecutor};
use std::time::Duration;
use time::OffsetDateTime;

/// A session's row, as it starts.
#[derive(Debug, Clone, Copy)]
pub struct NewSession<'a> {
    pub key: &'a str,
    pub user_id: i64,
    pub user_agent: &'a str,
    pub ip: &'a str,
    pub signed_in_at: OffsetDateTime,
}

/// A new session's row. Rows of the person's sessions that can no longer be
/// alive (idle or too old) are cleared on the way.
pub async fn start(
    db: &mut sqlx::PgConnection,
    session: NewSession<'_>,
    idle: Duration,
    max_age: Duration,
) -> sqlx::Result<()> {
    sqlx::query(
        "DELETE FROM account_sessions
         WHERE user_id = $1
           AND (last_seen_at < now() - make_interval(secs => $2) - interval '1 minute'
                OR created_at < now() - make_interval(secs => $3))",
    )
    .bind(session.user_id)
    .bind(idle.as_secs_f64())
    .bind(max_age.as_secs_f64())
    .execute(&mut *db)
    .await?;
    sqlx::query(
        "INSERT INTO account_sessions (key, user_id, user_agent, ip, created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(session.key)
    .bind(session.user_id)
    .bind(session.user_agent)
    .bind(session.ip)
    .bind(session.signed_in_at)
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// End the session with this key (signing out).
pub async fn end(db: impl PgExecutor<'_>, key: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM account_sessions WHERE key = $1")
        .bind(key)
        .execute(db)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct SessionRow {
    pub id: i64,
    pub key: String,
    pub user_agent: String,
    pub ip: String,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
}

/// A person's sessions that are still alive, the latest seen first.
pub async fn list(
    db: impl PgExecutor<'_>,
    user_id: i64,
    idle: Duration,
    max_age: Duration,
) -> sqlx::Result<Vec<SessionRow>> {
    sqlx::query_as::<_, SessionRow>(
        "SELECT s.id, s.key, s.user_agent, s.ip, s.created_at, s.last_seen_at
         FROM account_sessions s JOIN users u ON u.id = s.user_id
         WHERE s.user_id = $1
           AND s.created_at >= u.sessions_valid_after
           AND s.created_at > now() - make_interval(secs => $3)
           AND s.last_seen_at > now() - make_interval(secs => $2) - interval '1 minute'
         ORDER BY s.last_seen_at DESC, s.id DESC",
    )
    .bind(user_id)
    .bind(idle.as_secs_f64())
    .bind(max_age.as_secs_f64())
    .fetch_all(db)
    .await
}

/// End one of a person's sessions, other than the one with `current_key`.
/// False when they have no such session.
pub async fn revoke(
    db: impl PgExecutor<'_>,
    user_id: i64,
    id: i64,
    current_key: &str,
) -> sqlx::Result<bool> {
    let done =
        sqlx::query("DELETE FROM account_sessions WHERE id = $1 AND user_id = $2 AND key <> $3")
            .bind(id)
            .bind(user_id)
            .bind(current_key)
            .execute(db)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// End every session of a person except the one with `current_key`; how many.
pub async fn revoke_others(
    db: impl PgExecutor<'_>,
    user_id: i64,
    current_key: &str,
) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM account_sessions WHERE user_id = $1 AND key <> $2")
        .bind(user_id)
        .bind(current_key)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}
