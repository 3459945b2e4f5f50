//! The outbox (`outbound_mails`): mail is queued in the same transaction as the
//! change it reports, and the sender (`mail::send_due_mails`) delivers it.
//!
//! A row is sent when `sent_at` is set. A row the sender gave up on keeps
//! `sent_at` NULL and gets `next_attempt_at = 'infinity'`, so it is never due
//! again and stays out of the due-index range scan.

use sqlx::{FromRow, PgExecutor};

/// One mail as the outbox keeps it (see `mail::OutgoingMail` for the fields).
#[derive(Debug, Clone, Default, FromRow)]
pub struct MailRow {
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub calendar: Option<String>,
    pub html_body: Option<String>,
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    pub references: Option<String>,
    pub reply_to: Option<String>,
    pub auto_submitted: Option<String>,
    pub case_id: Option<i64>,
}

pub async fn insert(db: impl PgExecutor<'_>, mail: &MailRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO outbound_mails (to_address, subject, body, calendar, html_body, message_id,
                                     in_reply_to, \"references\", reply_to, auto_submitted, case_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&mail.to_address)
    .bind(&mail.subject)
    .bind(&mail.body)
    .bind(&mail.calendar)
    .bind(&mail.html_body)
    .bind(&mail.message_id)
    .bind(&mail.in_reply_to)
    .bind(&mail.references)
    .bind(&mail.reply_to)
    .bind(&mail.auto_submitted)
    .bind(mail.case_id)
    .execute(db)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct DueMail {
    pub id: i64,
    #[sqlx(flatten)]
    pub mail: MailRow,
    /// Attempts made before this one.
    pub attempts: i32,
}

/// The oldest due, unsent mail, locked until the transaction ends. `SKIP LOCKED`
/// lets several server processes send at once: each takes a different row, and
/// none waits for a row another one is sending.
pub async fn lock_next_due(db: impl PgExecutor<'_>) -> sqlx::Result<Option<DueMail>> {
    sqlx::query_as::<_, DueMail>(
        "SELECT id, to_address, subject, body, calendar, html_body, message_id, in_reply_to,
                \"references\", reply_to, auto_submitted, case_id, attempts
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

/// Whether a Message-ID is of a mail we sent or one that came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    In,
    Out,
}

/// Remember a Message-ID of a case (one we sent, or an incoming one), so
/// replies to it thread there; a second copy of an incoming one changes
/// nothing. `clock_timestamp()`, not the transaction's `now()`: the mails of
/// one action keep the order they were made in.
pub async fn record_message_id(
    db: impl PgExecutor<'_>,
    message_id: &str,
    case_id: i64,
    case_message_id: Option<i64>,
    direction: Direction,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO mail_message_ids (message_id, case_id, case_message_id, direction, at)
         VALUES ($1, $2, $3, $4, clock_timestamp()) ON CONFLICT (message_id) DO NOTHING",
    )
    .bind(message_id)
    .bind(case_id)
    .bind(case_message_id)
    .bind(match direction {
        Direction::In => "in",
        Direction::Out => "out",
    })
    .execute(db)
    .await?;
    Ok(())
}

/// One Message-ID of a case's conversation, with who wrote the message it
/// stands for when it came in.
#[derive(Debug, Clone, FromRow)]
pub struct ThreadId {
    pub message_id: String,
    pub direction: String,
    pub author_id: Option<i64>,
}

/// How many of the newest Message-IDs are searched for the last one a
/// person got or sent.
const RECENT_IDS: i64 = 200;

/// The first Message-ID of a case's conversation, then the newest ones
/// (newest first).
pub async fn thread_ids(
    db: &mut sqlx::PgConnection,
    case_id: i64,
) -> sqlx::Result<(Option<String>, Vec<ThreadId>)> {
    let first: Option<String> = sqlx::query_scalar(
        "SELECT message_id FROM mail_message_ids WHERE case_id = $1
         ORDER BY at, message_id LIMIT 1",
    )
    .bind(case_id)
    .fetch_optional(&mut *db)
    .await?;
    let recent = sqlx::query_as::<_, ThreadId>(
        "SELECT m.message_id, m.direction, cm.author_id
         FROM mail_message_ids m LEFT JOIN case_messages cm ON cm.id = m.case_message_id
         WHERE m.case_id = $1
         ORDER BY m.at DESC, m.message_id DESC LIMIT $2",
    )
    .bind(case_id)
    .bind(RECENT_IDS)
    .fetch_all(&mut *db)
    .await?;
    Ok((first, recent))
}
