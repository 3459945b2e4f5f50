//! Links sent by mail: registrations waiting for their address to be
//! confirmed, password resets, address changes (`crate::email_links`).

use sqlx::{FromRow, PgExecutor};
use std::time::Duration;
use time::OffsetDateTime;

pub const REGISTRATION: &str = "registration";
pub const PASSWORD_RESET: &str = "password_reset";
pub const ADDRESS_CHANGE: &str = "address_change";

#[derive(Debug, Default)]
pub struct NewLink<'a> {
    pub purpose: &'a str,
    pub token_sha256: &'a str,
    pub email: &'a str,
    pub user_id: Option<i64>,
    pub display_name: Option<&'a str>,
    pub organization_name: Option<&'a str>,
    pub password_hash: Option<&'a str>,
    pub valid_for: Duration,
}

#[derive(Debug, Clone, FromRow)]
pub struct Link {
    pub id: i64,
    pub email: String,
    pub user_id: Option<i64>,
    pub display_name: Option<String>,
    pub organization_name: Option<String>,
    pub password_hash: Option<String>,
    pub expires_at: OffsetDateTime,
}

const COLUMNS: &str =
    "id, email, user_id, display_name, organization_name, password_hash, expires_at";

pub async fn insert(db: impl PgExecutor<'_>, link: NewLink<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO email_links (purpose, token_sha256, email, user_id, display_name,
                                  organization_name, password_hash, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8))",
    )
    .bind(link.purpose)
    .bind(link.token_sha256)
    .bind(link.email)
    .bind(link.user_id)
    .bind(link.display_name)
    .bind(link.organization_name)
    .bind(link.password_hash)
    .bind(link.valid_for.as_secs_f64())
    .execute(db)
    .await?;
    Ok(())
}

/// A link that can still be used, without using it (to show its page).
pub async fn find_open(
    db: impl PgExecutor<'_>,
    purpose: &str,
    token_sha256: &str,
) -> sqlx::Result<Option<Link>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM email_links
         WHERE purpose = $1 AND token_sha256 = $2 AND used_at IS NULL AND expires_at > now()"
    ))
    .bind(purpose)
    .bind(token_sha256)
    .fetch_optional(db)
    .await
}

/// Use a link: checked and marked used in one statement, so two clicks at
/// once cannot both use it. `None` when it is unknown, used or expired.
pub async fn take(
    db: impl PgExecutor<'_>,
    purpose: &str,
    token_sha256: &str,
) -> sqlx::Result<Option<Link>> {
    sqlx::query_as(&format!(
        "UPDATE email_links SET used_at = now()
         WHERE purpose = $1 AND token_sha256 = $2 AND used_at IS NULL AND expires_at > now()
         RETURNING {COLUMNS}"
    ))
    .bind(purpose)
    .bind(token_sha256)
    .fetch_optional(db)
    .await
}

/// End every other open link of this purpose for a user (a used reset ends
/// the older ones) or, for registrations, for an address.
pub async fn close_others(
    db: impl PgExecutor<'_>,
    purpose: &str,
    user_id: Option<i64>,
    email: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE email_links SET used_at = now()
         WHERE purpose = $1 AND used_at IS NULL
           AND (user_id = $2 OR ($2 IS NULL AND user_id IS NULL AND lower(email) = lower($3)))",
    )
    .bind(purpose)
    .bind(user_id)
    .bind(email)
    .execute(db)
    .await?;
    Ok(())
}

/// The newest registration still waiting for this address, to send its link again.
pub async fn latest_open_registration(
    db: impl PgExecutor<'_>,
    email: &str,
) -> sqlx::Result<Option<Link>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM email_links
         WHERE purpose = 'registration' AND lower(email) = lower($1)
           AND used_at IS NULL AND expires_at > now()
         ORDER BY created_at DESC LIMIT 1"
    ))
    .bind(email)
    .fetch_optional(db)
    .await
}

/// Forget links that expired more than a week ago (housekeeping).
pub async fn forget_old(db: impl PgExecutor<'_>) -> sqlx::Result<u64> {
    Ok(
        sqlx::query("DELETE FROM email_links WHERE expires_at < now() - interval '7 days'")
            .execute(db)
            .await?
            .rows_affected(),
    )
}
