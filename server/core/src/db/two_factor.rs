//! Two-factor sign-in: the authenticator secret, its recovery codes, and the
//! site setting that requires it of staff. The rules are in `two_factor.rs`.

use sqlx::{FromRow, PgExecutor};

/// A person's authenticator, set up or still waiting for its first code.
#[derive(Debug, Clone, FromRow)]
pub struct Authenticator {
    pub secret: Vec<u8>,
    pub enabled: bool,
    pub last_used_step: i64,
}

pub async fn find(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<Option<Authenticator>> {
    sqlx::query_as::<_, Authenticator>(
        "SELECT secret, enabled_at IS NOT NULL AS enabled, last_used_step
         FROM two_factor WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(db)
    .await
}

/// Start (or start again) a setup with a new secret. Refused (false) when two
/// factors are already on: the secret of a working setup is never replaced.
pub async fn start_setup(
    db: impl PgExecutor<'_>,
    user_id: i64,
    secret: &[u8],
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO two_factor (user_id, secret) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE
            SET secret = EXCLUDED.secret, created_at = now(), last_used_step = 0
            WHERE two_factor.enabled_at IS NULL",
    )
    .bind(user_id)
    .bind(secret)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Forget a setup that was never switched on.
pub async fn cancel_setup(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM two_factor WHERE user_id = $1 AND enabled_at IS NULL")
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Take the time step of an accepted code, once: false when that step or a
/// later one was already used (a replayed code, or two at once).
pub async fn use_step(
    db: impl PgExecutor<'_>,
    user_id: i64,
    step: i64,
    enabled: bool,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE two_factor SET last_used_step = $2
         WHERE user_id = $1 AND last_used_step < $2 AND (enabled_at IS NOT NULL) = $3",
    )
    .bind(user_id)
    .bind(step)
    .bind(enabled)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn enable(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE two_factor SET enabled_at = now() WHERE user_id = $1")
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Switch two factors off: the secret and the recovery codes go.
pub async fn remove(db: &mut sqlx::PgConnection, user_id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM two_factor_recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *db)
        .await?;
    sqlx::query("DELETE FROM two_factor WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *db)
        .await?;
    Ok(())
}

/// Replace every recovery code of a person by these (hashes).
pub async fn replace_recovery_codes(
    db: &mut sqlx::PgConnection,
    user_id: i64,
    hashes: &[String],
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM two_factor_recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *db)
        .await?;
    sqlx::query(
        "INSERT INTO two_factor_recovery_codes (user_id, code_sha256)
         SELECT $1, unnest($2::text[])",
    )
    .bind(user_id)
    .bind(hashes)
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// Use a recovery code, once: false when it is not one of theirs or was used.
pub async fn use_recovery_code(
    db: impl PgExecutor<'_>,
    user_id: i64,
    hash: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE two_factor_recovery_codes SET used_at = now()
         WHERE user_id = $1 AND code_sha256 = $2 AND used_at IS NULL",
    )
    .bind(user_id)
    .bind(hash)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// What the account page and the sign-in need to know of a person.
#[derive(Debug, Clone, FromRow)]
pub struct State {
    pub role: String,
    pub email: String,
    pub disabled: bool,
    pub enabled: bool,
    pub setup_pending: bool,
    pub recovery_codes_left: i64,
    pub staff_required: bool,
}

pub async fn state(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<Option<State>> {
    sqlx::query_as::<_, State>(
        "SELECT u.role, u.email, u.disabled,
                coalesce(t.enabled_at IS NOT NULL, false) AS enabled,
                coalesce(t.enabled_at IS NULL, false) AS setup_pending,
                (SELECT count(*) FROM two_factor_recovery_codes r
                  WHERE r.user_id = u.id AND r.used_at IS NULL) AS recovery_codes_left,
                s.staff_two_factor_required AS staff_required
         FROM users u
         LEFT JOIN two_factor t ON t.user_id = u.id
         CROSS JOIN site_settings s
         WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_optional(db)
    .await
}

pub async fn staff_required(db: impl PgExecutor<'_>) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT staff_two_factor_required FROM site_settings")
        .fetch_one(db)
        .await
}

pub async fn set_staff_required(db: impl PgExecutor<'_>, required: bool) -> sqlx::Result<()> {
    sqlx::query("UPDATE site_settings SET staff_two_factor_required = $1")
        .bind(required)
        .execute(db)
        .await?;
    Ok(())
}
