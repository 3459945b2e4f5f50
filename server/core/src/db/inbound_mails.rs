//! Messages that came in (`inbound_mails`), raw, with what became of them.

use sqlx::PgExecutor;

/// The index that lets one message (Message-ID and sender) be processed once.
pub const PROCESSED_ONCE: &str = "inbound_mails_processed_once";

/// Store a message; the same SHA-256 again returns the existing row.
/// Returns the row's id and whether it was inserted now.
pub async fn insert(
    db: impl PgExecutor<'_>,
    sha256: &[u8],
    raw: &[u8],
    source: &str,
) -> sqlx::Result<(i64, bool)> {
    // The no-op update makes the conflicting row come back from RETURNING;
    // `xmax = 0` holds only for a row this statement inserted.
    sqlx::query_as(
        "INSERT INTO inbound_mails (sha256, raw, source) VALUES ($1, $2, $3)
         ON CONFLICT (sha256) DO UPDATE SET sha256 = EXCLUDED.sha256
         RETURNING id, (xmax = 0)",
    )
    .bind(sha256)
    .bind(raw)
    .bind(source)
    .fetch_one(db)
    .await
}

/// The raw bytes of a stored message.
pub async fn raw(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<Vec<u8>>> {
    sqlx::query_scalar("SELECT raw FROM inbound_mails WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// What the admins' list shows of a message, read from its headers.
pub async fn set_headers(
    db: impl PgExecutor<'_>,
    id: i64,
    message_id: Option<&str>,
    from_address: Option<&str>,
    subject: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE inbound_mails SET message_id = $2, from_address = $3, subject = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(message_id)
    .bind(from_address)
    .bind(subject)
    .execute(db)
    .await?;
    Ok(())
}

/// Record what became of a message.
pub async fn finish(
    db: impl PgExecutor<'_>,
    id: i64,
    state: &str,
    outcome: &str,
    case_id: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE inbound_mails SET state = $2, outcome = $3, case_id = $4, processed_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .bind(state)
    .bind(outcome.chars().take(2000).collect::<String>())
    .bind(case_id)
    .execute(db)
    .await?;
    Ok(())
}

/// Another message with this Message-ID from this sender that already made a
/// case or a reply (the same mail again, its bytes changed on the way).
pub async fn processed_copy(
    db: impl PgExecutor<'_>,
    id: i64,
    message_id: &str,
    from_address: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT id FROM inbound_mails
         WHERE message_id = $2 AND from_address = $3 AND state = 'processed' AND id <> $1
         ORDER BY id LIMIT 1",
    )
    .bind(id)
    .bind(message_id)
    .bind(from_address)
    .fetch_optional(db)
    .await
}

/// The state and outcome of a message.
pub async fn outcome(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<(String, String)>> {
    sqlx::query_as("SELECT state, outcome FROM inbound_mails WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The state of a message, if it exists.
pub async fn state(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT state FROM inbound_mails WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListedMail {
    pub id: i64,
    pub received_at: time::OffsetDateTime,
    pub source: String,
    pub from_address: Option<String>,
    pub subject: Option<String>,
    pub state: String,
    pub outcome: String,
}

/// Every message that failed, and the latest `recent` refused or ignored
/// ones, newest first.
pub async fn needing_a_look(db: impl PgExecutor<'_>, recent: i64) -> sqlx::Result<Vec<ListedMail>> {
    sqlx::query_as(
        "(SELECT id, received_at, source, from_address, subject, state, outcome
          FROM inbound_mails WHERE state IN ('failed', 'received') ORDER BY id DESC LIMIT 500)
         UNION ALL
         (SELECT id, received_at, source, from_address, subject, state, outcome
          FROM inbound_mails WHERE state = 'refused' ORDER BY id DESC LIMIT $1)
         UNION ALL
         (SELECT id, received_at, source, from_address, subject, state, outcome
          FROM inbound_mails WHERE state = 'ignored' ORDER BY id DESC LIMIT $1)
         ORDER BY id DESC",
    )
    .bind(recent)
    .fetch_all(db)
    .await
}
