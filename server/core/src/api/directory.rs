//! API services: users and organizations, for Rapport's admins; and the
//! changes to them recorded for the incremental export.

use super::rfc3339;
use crate::changes::{self, event};
use crate::db::changes::NewChange;
use crate::policy::{self, Action};
use crate::{Error, Reader};
use rapport_types::api::directory::{Organization, User};
use rapport_types::Role;
use sqlx::{FromRow, PgConnection, PgPool};
use time::OffsetDateTime;

/// Which users a list shows.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub organization_id: Option<i64>,
    /// Part of the e-mail, name or organization name.
    pub text: Option<String>,
}

#[derive(FromRow)]
struct UserRow {
    id: i64,
    email: String,
    display_name: String,
    role: String,
    organization_id: Option<i64>,
    organization_name: Option<String>,
    disabled: bool,
    created_at: OffsetDateTime,
    last_sign_in_at: Option<OffsetDateTime>,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> User {
        User {
            id: r.id,
            email: r.email,
            name: r.display_name,
            role: r.role,
            organization_id: r.organization_id,
            organization_name: r.organization_name,
            disabled: r.disabled,
            created_at: rfc3339(r.created_at),
            last_sign_in_at: r.last_sign_in_at.map(rfc3339),
        }
    }
}

const USER_SELECT: &str = "SELECT u.id, u.email, u.display_name, u.role, u.organization_id,
        o.name AS organization_name, u.disabled, u.created_at, u.last_sign_in_at
     FROM users u LEFT JOIN organizations o ON o.id = u.organization_id";

/// Users by id, after the id `after`, at most `limit` (one more is read to
/// tell whether another page follows).
pub async fn users(
    reader: &Reader,
    pool: &PgPool,
    filter: &UserFilter,
    after: i64,
    limit: i64,
) -> Result<(Vec<User>, bool), Error> {
    policy::authorize(reader.actor(), &Action::ManageUsers)?;
    let pattern = filter
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| format!("%{}%", crate::db::escape_like(t)));
    let rows: Vec<UserRow> = sqlx::query_as(&format!(
        "{USER_SELECT}
         WHERE u.id > $1
           AND ($2::text IS NULL OR u.role = $2)
           AND ($3::bigint IS NULL OR u.organization_id = $3)
           AND ($4::text IS NULL OR u.email ILIKE $4 OR u.display_name ILIKE $4 OR o.name ILIKE $4)
         ORDER BY u.id LIMIT $5"
    ))
    .bind(after)
    .bind(filter.role.map(|r| r.as_str()))
    .bind(filter.organization_id)
    .bind(pattern)
    .bind(limit + 1)
    .fetch_all(pool)
    .await?;
    let (rows, more) = super::one_page(rows, limit);
    Ok((rows.into_iter().map(User::from).collect(), more))
}

pub async fn user(reader: &Reader, pool: &PgPool, id: i64) -> Result<User, Error> {
    policy::authorize(reader.actor(), &Action::ManageUsers)?;
    let row: Option<UserRow> = sqlx::query_as(&format!("{USER_SELECT} WHERE u.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    row.map(User::from).ok_or(Error::NotFound)
}

#[derive(FromRow)]
struct OrganizationRow {
    id: i64,
    name: String,
    created_at: OffsetDateTime,
    members: i64,
    admins: i64,
}

impl From<OrganizationRow> for Organization {
    fn from(r: OrganizationRow) -> Organization {
        Organization {
            id: r.id,
            name: r.name,
            created_at: rfc3339(r.created_at),
            members: r.members,
            admins: r.admins,
        }
    }
}

const ORGANIZATION_SELECT: &str = "SELECT o.id, o.name, o.created_at,
        (SELECT count(*) FROM users u WHERE u.organization_id = o.id) AS members,
        (SELECT count(*) FROM users u WHERE u.organization_id = o.id
                                       AND u.role = 'customer_admin') AS admins
     FROM organizations o";

/// Organizations by id, after the id `after` (see [`users`]).
pub async fn organizations(
    reader: &Reader,
    pool: &PgPool,
    text: Option<&str>,
    after: i64,
    limit: i64,
) -> Result<(Vec<Organization>, bool), Error> {
    policy::authorize(reader.actor(), &Action::ManageOrganizations)?;
    let pattern = text
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| format!("%{}%", crate::db::escape_like(t)));
    let rows: Vec<OrganizationRow> = sqlx::query_as(&format!(
        "{ORGANIZATION_SELECT}
         WHERE o.id > $1 AND ($2::text IS NULL OR o.name ILIKE $2)
         ORDER BY o.id LIMIT $3"
    ))
    .bind(after)
    .bind(pattern)
    .bind(limit + 1)
    .fetch_all(pool)
    .await?;
    let (rows, more) = super::one_page(rows, limit);
    Ok((rows.into_iter().map(Organization::from).collect(), more))
}

pub async fn organization(reader: &Reader, pool: &PgPool, id: i64) -> Result<Organization, Error> {
    policy::authorize(reader.actor(), &Action::ManageOrganizations)?;
    let row: Option<OrganizationRow> =
        sqlx::query_as(&format!("{ORGANIZATION_SELECT} WHERE o.id = $1"))
            .bind(id)
            .fetch_optional(pool)
            .await?;
    row.map(Organization::from).ok_or(Error::NotFound)
}

/// Record that organization `id` was renamed ("organization.updated") or
/// merged away ("organization.deleted"), last in the changing transaction.
pub async fn record_organization(
    tx: &mut PgConnection,
    id: i64,
    deleted: bool,
) -> Result<(), Error> {
    let name: Option<String> = sqlx::query_scalar("SELECT name FROM organizations WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    changes::record(
        tx,
        &[NewChange {
            event: if deleted {
                event::ORGANIZATION_DELETED
            } else {
                event::ORGANIZATION_UPDATED
            },
            entity: "organization",
            entity_id: id,
            deleted,
            // A merged-away organization is gone: nothing may point at it
            // (its customers and their changes are the target's now).
            organization_id: (!deleted).then_some(id),
            staff_only: false,
            case_id: None,
            data: serde_json::json!({ "name": name }),
        }],
    )
    .await
}

/// Record that a user's role or access changed ("user.updated").
pub async fn record_user(tx: &mut PgConnection, user_id: i64) -> Result<(), Error> {
    let (role, disabled, organization_id): (String, bool, Option<i64>) =
        sqlx::query_as("SELECT role, disabled, organization_id FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
    changes::record(
        tx,
        &[NewChange {
            event: event::USER_UPDATED,
            entity: "user",
            entity_id: user_id,
            deleted: false,
            organization_id,
            staff_only: false,
            case_id: None,
            data: serde_json::json!({ "role": role, "disabled": disabled }),
        }],
    )
    .await
}
