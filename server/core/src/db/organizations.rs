use rapport_types::OrganizationName;
use sqlx::{FromRow, PgExecutor};
use time::OffsetDateTime;

pub async fn create(db: impl PgExecutor<'_>, name: &OrganizationName) -> sqlx::Result<i64> {
    sqlx::query_scalar("INSERT INTO organizations (name) VALUES ($1) RETURNING id")
        .bind(name.as_str())
        .fetch_one(db)
        .await
}

pub async fn find_by_name(
    db: impl PgExecutor<'_>,
    name: &OrganizationName,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT id FROM organizations WHERE lower(name) = lower($1) ORDER BY id LIMIT 1",
    )
    .bind(name.as_str())
    .fetch_optional(db)
    .await
}

/// An organization as its overview shows it: name, whether members see all
/// its orders, and its invitations still open, in one query.
#[derive(Debug, Clone, FromRow)]
pub struct OverviewRow {
    pub name: String,
    pub members_see_all_orders: bool,
    pub open_invitations: i64,
}

pub async fn overview(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<OverviewRow>> {
    sqlx::query_as(&format!(
        "SELECT o.name, o.members_see_all_orders,
                (SELECT count(*) FROM invitations i WHERE i.organization_id = o.id
                   AND {open}) AS open_invitations
         FROM organizations o WHERE o.id = $1",
        open = super::invitations::OPEN
    ))
    .bind(id)
    .fetch_optional(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct OrganizationRow {
    pub id: i64,
    pub name: String,
    pub created_at: OffsetDateTime,
    pub members: i64,
    pub admins: i64,
}

/// Every organization with its member counts, in one query.
pub async fn list(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<OrganizationRow>> {
    sqlx::query_as::<_, OrganizationRow>(
        "SELECT o.id, o.name, o.created_at,
                count(u.id) AS members,
                count(u.id) FILTER (WHERE u.role = 'customer_admin') AS admins
         FROM organizations o LEFT JOIN users u ON u.organization_id = o.id
         GROUP BY o.id ORDER BY o.name, o.id",
    )
    .fetch_all(db)
    .await
}

pub async fn count(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM organizations")
        .fetch_one(db)
        .await
}
