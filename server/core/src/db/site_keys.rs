//! Secret keys every server process shares (table `site_keys`): made once,
//! by whichever process needs one first, and read by all the others.

use sqlx::PgPool;

/// The key named `name`; `fresh` (random bytes from the caller) becomes it
/// when there is none yet. Two processes racing both get the one stored: the
/// second statement sees whichever insert won.
pub async fn get_or_create(pool: &PgPool, name: &str, fresh: &[u8]) -> sqlx::Result<Vec<u8>> {
    sqlx::query(
        "INSERT INTO site_keys (name, secret) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(fresh)
    .execute(pool)
    .await?;
    sqlx::query_scalar("SELECT secret FROM site_keys WHERE name = $1")
        .bind(name)
        .fetch_one(pool)
        .await
}
