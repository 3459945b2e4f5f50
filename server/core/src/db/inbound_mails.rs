//! Messages that came in (`inbound_mails`), raw, with what became of them.

use sqlx::PgExecutor;

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
