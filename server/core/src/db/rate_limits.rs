//! The counters of the abuse limits: one row per limited key.

use sqlx::{FromRow, PgExecutor};

#[derive(Debug, Clone, FromRow)]
pub struct Count {
    pub key: String,
    /// Hits in the key's current window, this one included.
    pub hits: i32,
    /// Until the window closes.
    pub seconds_left: f64,
}

/// Count one hit on each key, in one statement: a key whose window has
/// closed starts a new one. `windows[i]` is the window of `keys[i]`, in seconds.
/// The upsert locks each row while it counts, so parallel hits (from any
/// process) get 1, 2, 3 ... and never the same number.
pub async fn hit(
    db: impl PgExecutor<'_>,
    keys: &[String],
    windows: &[f64],
) -> sqlx::Result<Vec<Count>> {
    sqlx::query_as(
        "INSERT INTO rate_limits AS r (key, window_start, window_secs, hits)
         SELECT key, now(), secs, 1 FROM unnest($1::text[], $2::float8[]) AS k(key, secs)
         ON CONFLICT (key) DO UPDATE SET
           hits = CASE WHEN r.window_start + make_interval(secs => r.window_secs) <= now()
                       THEN 1 ELSE r.hits + 1 END,
           window_start = CASE WHEN r.window_start + make_interval(secs => r.window_secs) <= now()
                               THEN now() ELSE r.window_start END,
           window_secs = EXCLUDED.window_secs
         RETURNING key, hits,
           extract(epoch FROM window_start + make_interval(secs => window_secs) - now())::float8
             AS seconds_left",
    )
    .bind(keys)
    .bind(windows)
    .fetch_all(db)
    .await
}

pub async fn clear(db: impl PgExecutor<'_>, key: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM rate_limits WHERE key = $1")
        .bind(key)
        .execute(db)
        .await?;
    Ok(())
}

/// Take one hit back (an attempt that turned out to be the owner's).
pub async fn take_back(db: impl PgExecutor<'_>, key: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE rate_limits SET hits = greatest(hits - 1, 0) WHERE key = $1")
        .bind(key)
        .execute(db)
        .await?;
    Ok(())
}

/// Forget counters whose window closed more than a day ago (a daily job):
/// the table holds only the keys that were busy lately.
pub async fn forget_old(db: impl PgExecutor<'_>) -> sqlx::Result<u64> {
    Ok(sqlx::query(
        "DELETE FROM rate_limits
         WHERE window_start + make_interval(secs => window_secs) < now() - interval '1 day'",
    )
    .execute(db)
    .await?
    .rows_affected())
}
