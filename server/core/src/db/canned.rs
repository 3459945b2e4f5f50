//! Canned replies: the library of reusable answers agents manage.

use sqlx::{FromRow, PgExecutor};
use time::OffsetDateTime;

#[derive(Debug, Clone, FromRow)]
pub struct CannedRow {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub updated_by: Option<String>,
    pub updated_at: OffsetDateTime,
}

pub async fn list(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<CannedRow>> {
    sqlx::query_as(
        "SELECT c.id, c.title, c.body, u.display_name AS updated_by, c.updated_at
         FROM canned_replies c LEFT JOIN users u ON u.id = c.updated_by
         ORDER BY lower(c.title)",
    )
    .fetch_all(db)
    .await
}

/// A canned reply's text with the name of the agent about to use it, in one query.
pub async fn body_for(
    db: impl PgExecutor<'_>,
    id: i64,
    agent_id: i64,
) -> sqlx::Result<Option<(String, String)>> {
    sqlx::query_as(
        "SELECT c.body, u.display_name FROM canned_replies c JOIN users u ON u.id = $2
         WHERE c.id = $1",
    )
    .bind(id)
    .bind(agent_id)
    .fetch_optional(db)
    .await
}

/// Insert (id None) or update a canned reply; returns its id, or None when the id is unknown.
pub async fn save(
    db: impl PgExecutor<'_>,
    id: Option<i64>,
    title: &str,
    body: &str,
    user_id: i64,
) -> sqlx::Result<Option<i64>> {
    match id {
        None => sqlx::query_scalar(
            "INSERT INTO canned_replies (title, body, updated_by) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(title)
        .bind(body)
        .bind(user_id)
        .fetch_optional(db)
        .await,
        Some(id) => sqlx::query_scalar(
            "UPDATE canned_replies SET title = $2, body = $3, updated_by = $4, updated_at = now()
             WHERE id = $1 RETURNING id",
        )
        .bind(id)
        .bind(title)
        .bind(body)
        .bind(user_id)
        .fetch_optional(db)
        .await,
    }
}

pub async fn delete(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM canned_replies WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}
