//! The outbox (`outbound_mails`): mail is queued in the same transaction as the
//! change it reports, and the sender (`mail::send_due_mails`) delivers it.
//!
//! A row is sent when `sent_at` is set. A row the sender gave up on keeps
//! `sent_at` NULL and gets `next_attempt_at = 'infinity'`, so it is never due
//! again and stays out of the due-index range scan.

use sqlx::{FromRow, PgExecutor};

pub async fn insert(
    db: impl PgExecutor<'_>,
    to_address: &str,
    subject: &str,
    body: &str,
    calendar: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO outbound_mails (to_address, subject, body, calendar) VALUES ($1, $2, $3, $4)",
    )
    .bind(to_address)
    .bind(subject)
    .bind(body)
    .bind(calendar)
    .execute(db)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct DueMail {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub calendar: Option<String>,
    /// Attempts made before this one.
    pub attempts: i32,
}

/// The oldest due, unsent mail, locked until the transaction ends. `SKIP LOCKED`
/// lets several server processes send at once: each takes a different row, and
/// none waits for a row another one is sending.
pub async fn lock_next_due(db: impl PgExecutor<'_>) -> sqlx::Result<Option<DueMail>> {
    sqlx::query_as::<_, DueMail>(
        "SELECT id, to_address, subject, body, calendar, attempts
         FROM outbound_mails
         WHERE sent_at IS NULL AND next_attempt_at <= now()
         ORDER BY next_attempt_at, id
         LIMIT 1
         FOR UPDATE SKIP LOCKED",
    )
    .fetch_optional(db)
    .await
}

pub async fn mark_sent(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE outbound_mails SET sent_at = now(), attempts = attempts + 1, last_error = NULL
         WHERE id = $1",
    )
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// Count a failed attempt and try again after `retry_in_seconds`.
pub async fn record_failure(
    db: impl PgExecutor<'_>,
    id: i64,
    error: &str,
    retry_in_seconds: f64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE outbound_mails
         SET attempts = attempts + 1, last_error = $2,
             next_attempt_at = now() + make_interval(secs => $3)
         WHERE id = $1",
    )
    .bind(id)
    .bind(error)
    .bind(retry_in_seconds)
    .execute(db)
    .await?;
    Ok(())
}

/// Count a failed attempt and never try this mail again.
pub async fn give_up(db: impl PgExecutor<'_>, id: i64, error: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE outbound_mails
         SET attempts = attempts + 1, last_error = $2, next_attempt_at = 'infinity'
         WHERE id = $1",
    )
    .bind(id)
    .bind(error)
    .execute(db)
    .await?;
    Ok(())
}
