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

/// The index that keeps organization names unique (case and surrounding spaces aside).
pub const NAME_UNIQUE_INDEX: &str = "organizations_name_key";

/// Lock an organization's row until the transaction ends, and return its name.
/// Every change to its members and admins takes this lock first, so two such
/// changes run one after the other and each sees what the other did.
pub async fn lock(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT name FROM organizations WHERE id = $1 FOR UPDATE")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// A member of one organization, as a change to them needs it.
#[derive(Debug, Clone, FromRow)]
pub struct MemberRow {
    pub id: i64,
    pub email: String,
    pub role: String,
    pub disabled: bool,
}

/// The user `user_id` if they belong to `organization_id`, locked.
pub async fn member_for_update(
    db: impl PgExecutor<'_>,
    organization_id: i64,
    user_id: i64,
) -> sqlx::Result<Option<MemberRow>> {
    sqlx::query_as(
        "SELECT id, email, role, disabled FROM users
         WHERE id = $1 AND organization_id = $2 FOR UPDATE",
    )
    .bind(user_id)
    .bind(organization_id)
    .fetch_optional(db)
    .await
}

/// How many admins of the organization can still sign in, `user_id` left aside.
pub async fn other_active_admins(
    db: impl PgExecutor<'_>,
    organization_id: i64,
    user_id: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT count(*) FROM users
         WHERE organization_id = $1 AND role = 'customer_admin' AND NOT disabled AND id <> $2",
    )
    .bind(organization_id)
    .bind(user_id)
    .fetch_one(db)
    .await
}

pub async fn rename(
    db: impl PgExecutor<'_>,
    id: i64,
    name: &OrganizationName,
) -> sqlx::Result<bool> {
    let result = sqlx::query("UPDATE organizations SET name = $2 WHERE id = $1")
        .bind(id)
        .bind(name.as_str())
        .execute(db)
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Every table with an `organization_id`, in the order [`merge`] moves them
/// (orders before their invoices and deliveries, which follow them). A test
/// compares it with the database, so a new table cannot be forgotten.
///
/// `health_scores` is the one not moved: a merged-away organization's daily
/// score history is its own and goes with it (ON DELETE CASCADE); the
/// target keeps its history.
pub const TABLES_WITH_ORGANIZATION: [&str; 13] = [
    "users",
    "organization_domains",
    "invitations",
    "cases",
    "articles",
    "orders",
    "invoices",
    "deliveries",
    "backlog_snapshots",
    "churn_events",
    "health_scores",
    "api_tokens",
    "changes",
];

/// What a merge moved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Moved {
    pub users: u64,
    pub cases: u64,
    pub orders: u64,
    pub invitations: u64,
    /// The articles meant for the merged organization (the search index must hear of them).
    pub articles: Vec<i64>,
}

/// Move everything of organization `source` to `target` and delete `source`.
/// Invitations in progress to an address the target has invited too are
/// revoked (the target's stands). Both organizations must be locked ([`lock`]).
pub async fn merge(
    db: &mut sqlx::PgConnection,
    source: i64,
    target: i64,
    actor: i64,
) -> sqlx::Result<Moved> {
    let mut moved = Moved::default();
    let count = |r: sqlx::postgres::PgQueryResult| r.rows_affected();
    moved.users = count(
        sqlx::query("UPDATE users SET organization_id = $2 WHERE organization_id = $1")
            .bind(source)
            .bind(target)
            .execute(&mut *db)
            .await?,
    );
    // The backlog of past days counts the merged organization's cases as the target's.
    super::backlog::move_organization(&mut *db, source, target).await?;
    // A domain names one organization; the merged one's domains are the target's now.
    sqlx::query("UPDATE organization_domains SET organization_id = $2 WHERE organization_id = $1")
        .bind(source)
        .bind(target)
        .execute(&mut *db)
        .await?;
    sqlx::query(
        "UPDATE invitations s SET revoked_at = now(), revoked_by = $3
         WHERE s.organization_id = $1 AND s.accepted_at IS NULL AND s.revoked_at IS NULL
           AND EXISTS (SELECT 1 FROM invitations t
                       WHERE t.organization_id = $2 AND t.accepted_at IS NULL
                         AND t.revoked_at IS NULL AND lower(t.email) = lower(s.email))",
    )
    .bind(source)
    .bind(target)
    .bind(actor)
    .execute(&mut *db)
    .await?;
    moved.invitations = count(
        sqlx::query("UPDATE invitations SET organization_id = $2 WHERE organization_id = $1")
            .bind(source)
            .bind(target)
            .execute(&mut *db)
            .await?,
    );
    moved.cases = count(
        sqlx::query("UPDATE cases SET organization_id = $2 WHERE organization_id = $1")
            .bind(source)
            .bind(target)
            .execute(&mut *db)
            .await?,
    );
    moved.articles = sqlx::query_scalar(
        "UPDATE articles SET organization_id = $2, updated_at = now()
         WHERE organization_id = $1 RETURNING id",
    )
    .bind(source)
    .bind(target)
    .fetch_all(&mut *db)
    .await?;
    // Invoices and deliveries follow their order (ON UPDATE CASCADE); the two
    // statements after it find nothing left, and are there so that no row
    // could keep the old organization.
    for table in ["orders", "invoices", "deliveries"] {
        let moved_here = count(
            sqlx::query(&format!(
                "UPDATE {table} SET organization_id = $2 WHERE organization_id = $1"
            ))
            .bind(source)
            .bind(target)
            .execute(&mut *db)
            .await?,
        );
        if table == "orders" {
            moved.orders = moved_here;
        }
    }
    // Whether a customer left or came back is the merged organization's now
    // (its health history goes with the organization: ON DELETE CASCADE).
    sqlx::query("UPDATE churn_events SET organization_id = $2 WHERE organization_id = $1")
        .bind(source)
        .bind(target)
        .execute(&mut *db)
        .await?;
    // A customer admin's tokens follow them into the target; the changes
    // recorded about the merged organization's cases are the target's to
    // export now, as the cases are.
    for table in ["api_tokens", "changes"] {
        sqlx::query(&format!(
            "UPDATE {table} SET organization_id = $2 WHERE organization_id = $1"
        ))
        .bind(source)
        .bind(target)
        .execute(&mut *db)
        .await?;
    }
    sqlx::query("DELETE FROM organizations WHERE id = $1")
        .bind(source)
        .execute(&mut *db)
        .await?;
    Ok(moved)
}
