//! API tokens: stored as the SHA-256 of the secret, with a visible prefix.

use sqlx::{FromRow, PgExecutor};
use time::OffsetDateTime;

pub struct NewTokenRow<'a> {
    pub owner_id: i64,
    pub organization_id: Option<i64>,
    pub name: &'a str,
    pub prefix: &'a str,
    pub secret_hash: &'a str,
    pub scopes: &'a [String],
    pub expires_at: Option<OffsetDateTime>,
}

pub async fn insert(db: impl PgExecutor<'_>, t: NewTokenRow<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO api_tokens (owner_id, organization_id, name, prefix, secret_hash, scopes, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(t.owner_id)
    .bind(t.organization_id)
    .bind(t.name)
    .bind(t.prefix)
    .bind(t.secret_hash)
    .bind(t.scopes)
    .bind(t.expires_at)
    .fetch_one(db)
    .await
}

#[derive(Debug, FromRow)]
pub struct TokenRow {
    pub id: i64,
    pub owner_id: i64,
    pub owner: String,
    pub organization: Option<String>,
    pub name: String,
    pub prefix: String,
    pub scopes: Vec<String>,
    pub created_at: OffsetDateTime,
    pub expires_at: Option<OffsetDateTime>,
    pub last_used_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

/// The tokens of one person (`Some(owner)`) or of everyone, newest first.
pub async fn list(db: impl PgExecutor<'_>, owner: Option<i64>) -> sqlx::Result<Vec<TokenRow>> {
    sqlx::query_as(
        "SELECT t.id, t.owner_id, u.display_name || ' <' || u.email || '>' AS owner,
                o.name AS organization, t.name, t.prefix, t.scopes, t.created_at,
                t.expires_at, t.last_used_at, t.revoked_at
         FROM api_tokens t
         JOIN users u ON u.id = t.owner_id
         LEFT JOIN organizations o ON o.id = t.organization_id
         WHERE $1::bigint IS NULL OR t.owner_id = $1
         ORDER BY t.created_at DESC, t.id DESC
         LIMIT 500",
    )
    .bind(owner)
    .fetch_all(db)
    .await
}

/// Revoke a token of `owner` (any owner's when `None`); false when there is
/// no such token (or it is someone else's).
pub async fn revoke(db: impl PgExecutor<'_>, id: i64, owner: Option<i64>) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now())
         WHERE id = $1 AND ($2::bigint IS NULL OR owner_id = $2)",
    )
    .bind(id)
    .bind(owner)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Who a live token acts as.
#[derive(Debug, FromRow)]
pub struct TokenOwner {
    pub token_id: i64,
    pub user_id: i64,
    pub role: String,
    pub organization_id: Option<i64>,
    pub scopes: Vec<String>,
}

/// The owner of the live token with this hash: not revoked, not expired, its
/// owner not disabled, and a customer admin's token only while its owner is
/// still in the token's organization. Marks it used (at most once a minute,
/// so a busy token does not write on every call). One statement.
pub async fn authenticate(
    db: impl PgExecutor<'_>,
    secret_hash: &str,
) -> sqlx::Result<Option<TokenOwner>> {
    sqlx::query_as(
        "WITH live AS (
            SELECT t.id AS token_id, u.id AS user_id, u.role, u.organization_id, t.scopes,
                   t.last_used_at
            FROM api_tokens t JOIN users u ON u.id = t.owner_id
            WHERE t.secret_hash = $1
              AND t.revoked_at IS NULL
              AND (t.expires_at IS NULL OR t.expires_at > now())
              AND NOT u.disabled
              AND (t.organization_id IS NULL OR t.organization_id = u.organization_id)
         ), touched AS (
            UPDATE api_tokens SET last_used_at = now()
            FROM live
            WHERE api_tokens.id = live.token_id
              AND (live.last_used_at IS NULL OR live.last_used_at < now() - interval '1 minute')
         )
         SELECT token_id, user_id, role, organization_id, scopes FROM live",
    )
    .bind(secret_hash)
    .fetch_optional(db)
    .await
}
