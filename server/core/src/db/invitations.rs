use sqlx::{FromRow, PgExecutor};
use time::OffsetDateTime;

/// The index that keeps one invitation in progress per address and organization.
pub const PENDING_UNIQUE_INDEX: &str = "invitations_pending_key";

/// Invite `email` to an organization, or, when an invitation to that address is
/// still in progress there, send that one again: a new token (the old link
/// stops working), a new expiry, a new sender. Returns the invitation's id.
pub async fn create_or_renew(
    db: impl PgExecutor<'_>,
    token_sha256: &str,
    organization_id: i64,
    email: &str,
    invited_by: i64,
    valid_for_days: i32,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO invitations (token_sha256, organization_id, email, invited_by, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(days => $5))
         ON CONFLICT (organization_id, lower(email)) WHERE accepted_at IS NULL AND revoked_at IS NULL
         DO UPDATE SET token_sha256 = EXCLUDED.token_sha256, invited_by = EXCLUDED.invited_by,
                       sent_at = now(), expires_at = EXCLUDED.expires_at
         RETURNING id",
    )
    .bind(token_sha256)
    .bind(organization_id)
    .bind(email)
    .bind(invited_by)
    .bind(valid_for_days)
    .fetch_one(db)
    .await
}

/// An invitation of one organization, locked for a change.
#[derive(Debug, Clone, FromRow)]
pub struct InvitationRow {
    pub id: i64,
    pub email: String,
    pub accepted: bool,
    pub revoked: bool,
}

/// The invitation `id` if it belongs to `organization_id` (and has an address),
/// locked until the transaction ends.
pub async fn find_in_organization_for_update(
    db: impl PgExecutor<'_>,
    organization_id: i64,
    id: i64,
) -> sqlx::Result<Option<InvitationRow>> {
    sqlx::query_as(
        "SELECT id, email, accepted_at IS NOT NULL AS accepted, revoked_at IS NOT NULL AS revoked
         FROM invitations
         WHERE id = $1 AND organization_id = $2 AND email IS NOT NULL
         FOR UPDATE",
    )
    .bind(id)
    .bind(organization_id)
    .fetch_optional(db)
    .await
}

/// A new token and expiry for an invitation not yet used or revoked.
pub async fn renew(
    db: impl PgExecutor<'_>,
    id: i64,
    token_sha256: &str,
    sent_by: i64,
    valid_for_days: i32,
) -> sqlx::Result<bool> {
    let result = sqlx::query(
        "UPDATE invitations SET token_sha256 = $2, invited_by = $3, sent_at = now(),
                expires_at = now() + make_interval(days => $4)
         WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(id)
    .bind(token_sha256)
    .bind(sent_by)
    .bind(valid_for_days)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Revoke an invitation not yet used: its link stops working.
pub async fn revoke(db: impl PgExecutor<'_>, id: i64, revoked_by: i64) -> sqlx::Result<bool> {
    let result = sqlx::query(
        "UPDATE invitations SET revoked_at = now(), revoked_by = $2
         WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(id)
    .bind(revoked_by)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// An invitation as the organization page lists it.
#[derive(Debug, Clone, FromRow)]
pub struct ListedInvitation {
    pub id: i64,
    pub email: String,
    pub invited_by: String,
    pub sent_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub accepted_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
    pub expired: bool,
}

/// The organization's invitations by e-mail, newest first (at most `limit`).
pub async fn list(
    db: impl PgExecutor<'_>,
    organization_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<ListedInvitation>> {
    sqlx::query_as(
        "SELECT i.id, i.email, u.display_name AS invited_by, i.sent_at, i.expires_at,
                i.accepted_at, i.revoked_at, i.expires_at <= now() AS expired
         FROM invitations i JOIN users u ON u.id = i.invited_by
         WHERE i.organization_id = $1 AND i.email IS NOT NULL
         ORDER BY i.sent_at DESC, i.id DESC
         LIMIT $2",
    )
    .bind(organization_id)
    .bind(limit)
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct OpenInvitation {
    pub id: i64,
    pub organization_id: i64,
    pub organization_name: String,
    /// The one address that can register with it.
    pub email: String,
    /// The hash of the token it was found by: a link sent again meanwhile
    /// (a new token) cannot be used any more.
    pub token_sha256: String,
}

/// An invitation that has not been used, revoked, nor expired.
pub async fn find_open(
    db: impl PgExecutor<'_>,
    token_sha256: &str,
) -> sqlx::Result<Option<OpenInvitation>> {
    sqlx::query_as::<_, OpenInvitation>(&format!(
        "SELECT i.id, i.organization_id, o.name AS organization_name, i.email, i.token_sha256
         FROM invitations i JOIN organizations o ON o.id = i.organization_id
         WHERE i.token_sha256 = $1 AND {OPEN}"
    ))
    .bind(token_sha256)
    .fetch_optional(db)
    .await
}

/// Mark an invitation used. Returns false when it was used, revoked or sent
/// again (a new link) meanwhile, or it expired.
pub async fn accept(
    db: impl PgExecutor<'_>,
    invitation: &OpenInvitation,
    user_id: i64,
) -> sqlx::Result<bool> {
    let result = sqlx::query(&format!(
        "UPDATE invitations SET accepted_by = $3, accepted_at = now()
         WHERE id = $1 AND token_sha256 = $2 AND {OPEN}"
    ))
    .bind(invitation.id)
    .bind(&invitation.token_sha256)
    .bind(user_id)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// An invitation that can still be used (SQL, on `invitations`).
pub const OPEN: &str =
    "accepted_at IS NULL AND revoked_at IS NULL AND email IS NOT NULL AND expires_at > now()";
