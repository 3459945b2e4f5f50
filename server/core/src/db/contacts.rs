//! Customers as requesters and followers of cases, and contacts: people an
//! agent (or a mail) made without a password of their own.

use rapport_types::{DisplayName, Email};
use sqlx::{FromRow, PgExecutor};

/// A customer or contact, with their organization's name.
#[derive(Debug, Clone, FromRow)]
pub struct CustomerRow {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub organization_id: i64,
    pub organization_name: String,
    pub contact: bool,
}

const CUSTOMERS: &str = "SELECT u.id, u.email, u.display_name, u.organization_id,
        o.name AS organization_name, u.contact
     FROM users u JOIN organizations o ON o.id = u.organization_id
     WHERE u.role IN ('customer', 'customer_admin') AND NOT u.disabled";

/// Customers whose name, e-mail or organization contains `query`, by name;
/// at most `limit`.
pub async fn search_customers(
    db: impl PgExecutor<'_>,
    query: &str,
    limit: i64,
) -> sqlx::Result<Vec<CustomerRow>> {
    let pattern = format!("%{}%", super::escape_like(query.trim()));
    sqlx::query_as(&format!(
        "{CUSTOMERS} AND (u.email ILIKE $1 OR u.display_name ILIKE $1 OR o.name ILIKE $1)
         ORDER BY u.display_name, u.id LIMIT $2"
    ))
    .bind(pattern)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// An enabled customer or contact, by id.
pub async fn customer(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<CustomerRow>> {
    sqlx::query_as(&format!("{CUSTOMERS} AND u.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// A person with an account, found by address.
#[derive(Debug, Clone, FromRow)]
pub struct Sender {
    pub id: i64,
    pub role: String,
    pub organization_id: Option<i64>,
    pub disabled: bool,
}

/// Anyone with this address (customers, contacts and staff).
pub async fn by_email(db: impl PgExecutor<'_>, address: &str) -> sqlx::Result<Option<Sender>> {
    sqlx::query_as(
        "SELECT id, role, organization_id, disabled FROM users WHERE lower(email) = lower($1)",
    )
    .bind(address)
    .fetch_optional(db)
    .await
}

/// The password hash of a contact: not a hash at all, so no password matches
/// it (`sign_in::verify_password` treats it as a wrong password), and only
/// "Forgot your password?" (a link to their address) opens the account.
pub const CONTACT_PASSWORD_HASH: &str = "!contact";

/// Where people from outside every known organization go (a mail from a
/// stranger the site keeps, a follower an agent adds): made on first need,
/// for admins to sort out.
pub const UNSORTED_ORGANIZATION: &str = "Unsorted";

/// A new contact: a customer of `organization_id` whose password hash no
/// password matches.
pub async fn create(
    db: impl PgExecutor<'_>,
    email: &Email,
    name: &DisplayName,
    organization_id: i64,
    password_hash: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO users (email, display_name, role, organization_id, password_hash, contact)
         VALUES ($1, $2, 'customer', $3, $4, true) RETURNING id",
    )
    .bind(email.as_str())
    .bind(name.as_str())
    .bind(organization_id)
    .bind(password_hash)
    .fetch_one(db)
    .await
}

/// The organization an address's domain belongs to (`organization_domains`).
pub async fn organization_of_domain(
    db: impl PgExecutor<'_>,
    domain: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT organization_id FROM organization_domains WHERE domain = lower($1)")
        .bind(domain)
        .fetch_optional(db)
        .await
}

/// The organization called `name`, made on first need (names are unique).
pub async fn organization_named(db: &mut sqlx::PgConnection, name: &str) -> sqlx::Result<i64> {
    sqlx::query("INSERT INTO organizations (name) VALUES ($1) ON CONFLICT DO NOTHING")
        .bind(name)
        .execute(&mut *db)
        .await?;
    sqlx::query_scalar("SELECT id FROM organizations WHERE lower(btrim(name)) = lower($1)")
        .bind(name)
        .fetch_one(&mut *db)
        .await
}

/// Every organization, by name (new contacts choose one).
pub async fn organizations(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as("SELECT id, name FROM organizations ORDER BY name, id")
        .fetch_all(db)
        .await
}

/// A follower of a case.
#[derive(Debug, Clone, FromRow)]
pub struct FollowerRow {
    pub user_id: i64,
    pub email: String,
    pub display_name: String,
    pub organization_name: String,
}

pub async fn followers(db: impl PgExecutor<'_>, case_id: i64) -> sqlx::Result<Vec<FollowerRow>> {
    sqlx::query_as(
        "SELECT u.id AS user_id, u.email, u.display_name, coalesce(o.name, '') AS organization_name
         FROM case_followers f JOIN users u ON u.id = f.user_id
         LEFT JOIN organizations o ON o.id = u.organization_id
         WHERE f.case_id = $1 ORDER BY f.added_at, u.id",
    )
    .bind(case_id)
    .fetch_all(db)
    .await
}

/// Returns false when they followed the case already.
pub async fn add_follower(
    db: impl PgExecutor<'_>,
    case_id: i64,
    user_id: i64,
    added_by: i64,
) -> sqlx::Result<bool> {
    Ok(sqlx::query(
        "INSERT INTO case_followers (case_id, user_id, added_by) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
    )
    .bind(case_id)
    .bind(user_id)
    .bind(added_by)
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// Returns false when they did not follow the case.
pub async fn remove_follower(
    db: impl PgExecutor<'_>,
    case_id: i64,
    user_id: i64,
) -> sqlx::Result<bool> {
    Ok(
        sqlx::query("DELETE FROM case_followers WHERE case_id = $1 AND user_id = $2")
            .bind(case_id)
            .bind(user_id)
            .execute(db)
            .await?
            .rows_affected()
            == 1,
    )
}

/// A contact for `address` made now, or the person who has that address
/// already (two messages from a new sender may arrive at once).
pub async fn find_or_create(
    db: impl PgExecutor<'_>,
    address: &str,
    display_name: &str,
    organization_id: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "WITH made AS (
            INSERT INTO users (email, display_name, role, organization_id, password_hash, contact)
            VALUES ($1, $2, 'customer', $3, $4, true)
            ON CONFLICT ((lower(email))) DO NOTHING
            RETURNING id
         )
         SELECT id FROM made
         UNION ALL
         SELECT id FROM users WHERE lower(email) = lower($1)
         LIMIT 1",
    )
    .bind(address)
    .bind(display_name)
    .bind(organization_id)
    .bind(CONTACT_PASSWORD_HASH)
    .fetch_one(db)
    .await
}
