//! The security audit trail.

use sqlx::{FromRow, PgExecutor};
use time::OffsetDateTime;

pub const SIGN_IN: &str = "sign_in";
pub const SIGN_IN_FAILED: &str = "sign_in_failed";
pub const SIGN_OUT: &str = "sign_out";
pub const REGISTERED: &str = "registered";
pub const REGISTRATION_REQUESTED: &str = "registration_requested";
pub const PASSWORD_RESET_SENT: &str = "password_reset_sent";
pub const PASSWORD_RESET: &str = "password_reset";
pub const ADDRESS_CHANGE_REQUESTED: &str = "address_change_requested";
pub const ADDRESS_CHANGED: &str = "address_changed";
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
