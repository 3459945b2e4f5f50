//! The security audit trail.

use sqlx::{FromRow, PgExecutor};
use std::time::Duration;
use time::OffsetDateTime;

pub const SIGN_IN: &str = "sign_in";
pub const SIGN_IN_FAILED: &str = "sign_in_failed";
pub const SIGN_OUT: &str = "sign_out";
pub const REGISTERED: &str = "registered";
pub const PASSWORD_CHANGED: &str = "password_changed";
pub const ROLE_CHANGED: &str = "role_changed";
pub const USER_DISABLED: &str = "user_disabled";
pub const USER_ENABLED: &str = "user_enabled";
pub const USER_CREATED: &str = "user_created";
pub const INVITATION_CREATED: &str = "invitation_created";
// Two-factor sign-in and sessions (`two_factor`, `account_sessions`).
pub const TWO_FACTOR_ENABLED: &str = "two_factor_enabled";
pub const TWO_FACTOR_DISABLED: &str = "two_factor_disabled";
/// A wrong or replayed code at the two-factor step of a sign-in.
pub const TWO_FACTOR_FAILED: &str = "two_factor_failed";
pub const RECOVERY_CODE_USED: &str = "recovery_code_used";
pub const RECOVERY_CODES_RENEWED: &str = "recovery_codes_renewed";
/// An admin required two factors of staff, or stopped (detail: which).
pub const STAFF_TWO_FACTOR_SETTING: &str = "staff_two_factor_setting";
/// A person signed out another of their sessions (detail: which).
pub const SESSION_REVOKED: &str = "session_revoked";

#[derive(Debug, Default)]
pub struct Event<'a> {
    pub kind: &'a str,
    pub actor_user_id: Option<i64>,
    pub subject_user_id: Option<i64>,
    pub email: Option<&'a str>,
    pub ip: Option<&'a str>,
    pub detail: &'a str,
}

pub async fn record(db: impl PgExecutor<'_>, event: Event<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_events (kind, actor_user_id, subject_user_id, email, ip, detail)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(event.kind)
    .bind(event.actor_user_id)
    .bind(event.subject_user_id)
    .bind(event.email)
    .bind(event.ip)
    .bind(event.detail)
    .execute(db)
    .await?;
    Ok(())
}

/// Failed sign-ins inside `window`: for this e-mail address since its last
/// successful sign-in, and from this address. Both in one query.
pub async fn recent_sign_in_failures(
    db: impl PgExecutor<'_>,
    email: &str,
    ip: &str,
    window: Duration,
) -> sqlx::Result<(i64, i64)> {
    sqlx::query_as(
        "SELECT
           (SELECT count(*) FROM audit_events f
             WHERE f.kind = 'sign_in_failed' AND lower(f.email) = lower($1)
               AND f.at > now() - make_interval(secs => $3)
               AND f.at > coalesce((SELECT max(s.at) FROM audit_events s
                                    WHERE s.kind = 'sign_in' AND lower(s.email) = lower($1)),
                                   '-infinity')),
           (SELECT count(*) FROM audit_events f
             WHERE f.kind = 'sign_in_failed' AND f.ip = $2
               AND f.at > now() - make_interval(secs => $3))",
    )
    .bind(email)
    .bind(ip)
    .bind(window.as_secs_f64())
    .fetch_one(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct AuditRow {
    pub at: OffsetDateTime,
    pub kind: String,
    pub email: Option<String>,
    pub ip: Option<String>,
    pub detail: String,
}

pub async fn recent(db: impl PgExecutor<'_>, limit: i64) -> sqlx::Result<Vec<AuditRow>> {
    sqlx::query_as::<_, AuditRow>(
        "SELECT at, kind, email, ip, detail FROM audit_events ORDER BY at DESC, id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db)
    .await
}
