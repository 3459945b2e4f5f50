use sqlx::{FromRow, PgExecutor};
use time::OffsetDateTime;

pub async fn create(
    db: impl PgExecutor<'_>,
    token_sha256: &str,
    organization_id: i64,
    invited_by: i64,
    valid_for_days: i32,
) -> sqlx::Result<OffsetDateTime> {
    sqlx::query_scalar(
        "INSERT INTO invitations (token_sha256, organization_id, invited_by, expires_at)
         VALUES ($1, $2, $3, now() + make_interval(days => $4)) RETURNING expires_at",
    )
    .bind(token_sha256)
    .bind(organization_id)
    .bind(invited_by)
    .bind(valid_for_days)
    .fetch_one(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct OpenInvitation {
    pub id: i64,
    pub organization_id: i64,
    pub organization_name: String,
}

/// An invitation that has not been used and has not expired.
pub async fn find_open(
    db: impl PgExecutor<'_>,
    token_sha256: &str,
) -> sqlx::Result<Option<OpenInvitation>> {
    sqlx::query_as::<_, OpenInvitation>(
        "SELECT i.id, i.organization_id, o.name AS organization_name
         FROM invitations i JOIN organizations o ON o.id = i.organization_id
         WHERE i.token_sha256 = $1 AND i.accepted_at IS NULL AND i.expires_at > now()",
    )
    .bind(token_sha256)
    .fetch_optional(db)
    .await
}

/// Mark an invitation used. Returns false when someone else used it first.
pub async fn accept(db: impl PgExecutor<'_>, id: i64, user_id: i64) -> sqlx::Result<bool> {
    let result = sqlx::query(
        "UPDATE invitations SET accepted_by = $2, accepted_at = now()
         WHERE id = $1 AND accepted_at IS NULL AND expires_at > now()",
    )
    .bind(id)
    .bind(user_id)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// An invitation that can still be used (SQL, on `invitations`).
pub const OPEN: &str = "accepted_at IS NULL AND expires_at > now()";
