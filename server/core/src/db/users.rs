use rapport_types::{DisplayName, Email, Role};
use sqlx::{FromRow, PgExecutor, PgPool};
use time::OffsetDateTime;

/// A user as the session layer needs it: who they are, and whether the session is still good.
#[derive(Debug, Clone, FromRow)]
pub struct SessionUser {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub organization_id: Option<i64>,
    pub organization_name: Option<String>,
    pub disabled: bool,
    pub sessions_valid_after: OffsetDateTime,
    pub time_zone: Option<String>,
}

/// The user of a session, found only while the session's row in
/// `account_sessions` (its `session_key`) is there: one query per request,
/// which also notes when the session was last seen (at most once a minute).
pub async fn find_for_session(
    db: impl PgExecutor<'_>,
    id: i64,
    session_key: &str,
) -> sqlx::Result<Option<SessionUser>> {
    sqlx::query_as::<_, SessionUser>(
        "WITH seen AS (
            UPDATE account_sessions SET last_seen_at = now()
            WHERE key = $2 AND user_id = $1 AND last_seen_at < now() - interval '1 minute'
         )
         SELECT u.id, u.email, u.display_name, u.role, u.organization_id,
                o.name AS organization_name, u.disabled, u.sessions_valid_after, u.time_zone
         FROM users u
         JOIN account_sessions s ON s.key = $2 AND s.user_id = u.id
         LEFT JOIN organizations o ON o.id = u.organization_id
         WHERE u.id = $1",
    )
    .bind(id)
    .bind(session_key)
    .fetch_optional(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct Credentials {
    pub id: i64,
    pub password_hash: String,
    pub disabled: bool,
}

pub async fn find_credentials(
    db: impl PgExecutor<'_>,
    email: &Email,
) -> sqlx::Result<Option<Credentials>> {
    sqlx::query_as::<_, Credentials>(
        "SELECT id, password_hash, disabled FROM users WHERE lower(email) = lower($1)",
    )
    .bind(email.as_str())
    .fetch_optional(db)
    .await
}

/// A user's id and organization, by e-mail address.
pub async fn id_by_email(
    db: impl PgExecutor<'_>,
    email: &str,
) -> sqlx::Result<Option<(i64, Option<i64>)>> {
    sqlx::query_as("SELECT id, organization_id FROM users WHERE lower(email) = lower($1)")
        .bind(email)
        .fetch_optional(db)
        .await
}

pub async fn display_name(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<String> {
    sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1")
        .bind(id)
        .fetch_one(db)
        .await
}

pub async fn password_hash(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

pub struct NewUser<'a> {
    pub email: &'a Email,
    pub display_name: &'a DisplayName,
    pub role: Role,
    pub organization_id: Option<i64>,
    pub password_hash: &'a str,
}

/// The unique index that makes e-mail addresses unique regardless of case.
pub const EMAIL_UNIQUE_INDEX: &str = "users_email_lower_key";

pub async fn create(db: impl PgExecutor<'_>, user: NewUser<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO users (email, display_name, role, organization_id, password_hash)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user.email.as_str())
    .bind(user.display_name.as_str())
    .bind(user.role.as_str())
    .bind(user.organization_id)
    .bind(user.password_hash)
    .fetch_one(db)
    .await
}

/// Record a successful sign-in; returns the database's time of it, which the
/// session keeps to compare with `sessions_valid_after`.
pub async fn record_sign_in(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<OffsetDateTime> {
    sqlx::query_scalar(
        "UPDATE users SET last_sign_in_at = now() WHERE id = $1 RETURNING last_sign_in_at",
    )
    .bind(id)
    .fetch_one(db)
    .await
}

pub async fn update_display_name(
    db: impl PgExecutor<'_>,
    id: i64,
    name: &DisplayName,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET display_name = $2 WHERE id = $1")
        .bind(id)
        .bind(name.as_str())
        .execute(db)
        .await?;
    Ok(())
}

/// Store a new password hash and end every other session of the user. A
/// contact (made from an e-mail) who sets a password has claimed the account.
/// Returns the instant from which sessions are valid again.
pub async fn update_password(
    db: impl PgExecutor<'_>,
    id: i64,
    hash: &str,
) -> sqlx::Result<OffsetDateTime> {
    sqlx::query_scalar(
        "UPDATE users SET password_hash = $2, sessions_valid_after = now(), contact = false
         WHERE id = $1 RETURNING sessions_valid_after",
    )
    .bind(id)
    .bind(hash)
    .fetch_one(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct UserListRow {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub organization_name: Option<String>,
    pub disabled: bool,
    pub created_at: OffsetDateTime,
    pub last_sign_in_at: Option<OffsetDateTime>,
    /// The number of users matching the search, the same on every row.
    pub total: i64,
}

/// Users matching `search` in name, e-mail or organization, newest first.
pub async fn search(
    db: impl PgExecutor<'_>,
    search: &str,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<UserListRow>> {
    let pattern = format!("%{}%", super::escape_like(search.trim()));
    sqlx::query_as::<_, UserListRow>(
        "SELECT u.id, u.email, u.display_name, u.role, o.name AS organization_name,
                u.disabled, u.created_at, u.last_sign_in_at, count(*) OVER () AS total
         FROM users u LEFT JOIN organizations o ON o.id = u.organization_id
         WHERE $1 = '%%' OR u.email ILIKE $1 OR u.display_name ILIKE $1 OR o.name ILIKE $1
         ORDER BY u.created_at DESC, u.id DESC
         LIMIT $2 OFFSET $3",
    )
    .bind(pattern)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct Member {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub disabled: bool,
    pub last_sign_in_at: Option<OffsetDateTime>,
}

pub async fn members_of(
    db: impl PgExecutor<'_>,
    organization_id: i64,
) -> sqlx::Result<Vec<Member>> {
    sqlx::query_as::<_, Member>(
        "SELECT id, email, display_name, role, disabled, last_sign_in_at
         FROM users WHERE organization_id = $1 ORDER BY display_name, id",
    )
    .bind(organization_id)
    .fetch_all(db)
    .await
}

pub async fn role_and_organization(
    db: impl PgExecutor<'_>,
    id: i64,
) -> sqlx::Result<Option<(String, Option<i64>)>> {
    sqlx::query_as("SELECT role, organization_id FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

pub async fn set_role(db: impl PgExecutor<'_>, id: i64, role: Role) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET role = $2 WHERE id = $1")
        .bind(id)
        .bind(role.as_str())
        .execute(db)
        .await?;
    Ok(())
}

/// Disable (ending every session at once) or enable a user. Returns false if there is no such user.
pub async fn set_disabled(db: impl PgExecutor<'_>, id: i64, disabled: bool) -> sqlx::Result<bool> {
    let result = sqlx::query(
        "UPDATE users SET disabled = $2,
                sessions_valid_after = CASE WHEN $2 THEN now() ELSE sessions_valid_after END
         WHERE id = $1",
    )
    .bind(id)
    .bind(disabled)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// How many users there are of each role (roles with none are left out).
pub async fn count_by_role(db: &PgPool) -> sqlx::Result<Vec<(String, i64)>> {
    sqlx::query_as("SELECT role, count(*) FROM users GROUP BY role ORDER BY role")
        .fetch_all(db)
        .await
}

/// What mails about an account and the password rules need of a person.
#[derive(Debug, Clone, FromRow)]
pub struct Contact {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub organization_id: Option<i64>,
    pub organization_name: Option<String>,
    pub disabled: bool,
}

const CONTACT: &str = "SELECT u.id, u.email, u.display_name, u.organization_id,
        o.name AS organization_name, u.disabled
     FROM users u LEFT JOIN organizations o ON o.id = u.organization_id";

pub async fn contact(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<Contact>> {
    sqlx::query_as(&format!("{CONTACT} WHERE u.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

pub async fn contact_by_email(
    db: impl PgExecutor<'_>,
    email: &Email,
) -> sqlx::Result<Option<Contact>> {
    sqlx::query_as(&format!("{CONTACT} WHERE lower(u.email) = lower($1)"))
        .bind(email.as_str())
        .fetch_optional(db)
        .await
}

/// Change a person's sign-in address (after the new one was confirmed).
pub async fn set_email(db: impl PgExecutor<'_>, id: i64, email: &str) -> sqlx::Result<bool> {
    Ok(sqlx::query("UPDATE users SET email = $2 WHERE id = $1")
        .bind(id)
        .bind(email)
        .execute(db)
        .await?
        .rows_affected()
        == 1)
}
