//! What mail in asks of the database besides its own rows (`inbound_mails`):
//! senders and contacts, organizations' e-mail domains, the cases a message
//! may belong to, stored Message-IDs, followers, bouncing addresses.

use sqlx::{FromRow, PgExecutor};

/// Whether `domain` is one of the organization's e-mail domains.
pub async fn domain_of_organization(
    db: impl PgExecutor<'_>,
    organization_id: i64,
    domain: &str,
) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM organization_domains
                        WHERE organization_id = $1 AND domain = lower($2))",
    )
    .bind(organization_id)
    .bind(domain)
    .fetch_one(db)
    .await
}

/// What happens to mail from unknown senders: `refuse` or `unsorted`.
pub async fn unknown_senders(db: impl PgExecutor<'_>) -> sqlx::Result<String> {
    Ok(
        sqlx::query_scalar::<_, String>("SELECT unknown_senders FROM site_settings")
            .fetch_optional(db)
            .await?
            .unwrap_or_else(|| "refuse".to_string()),
    )
}

pub async fn set_unknown_senders(db: impl PgExecutor<'_>, choice: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE site_settings SET unknown_senders = $1")
        .bind(choice)
        .execute(db)
        .await?;
    Ok(())
}

/// A case as threading needs it.
#[derive(Debug, Clone, FromRow)]
pub struct CaseFacts {
    pub id: i64,
    pub number: i64,
    pub status: String,
    pub merged: bool,
    pub requester_id: i64,
    pub organization_id: i64,
}

const CASE_FACTS: &str = "SELECT id, number, status, merged_into_id IS NOT NULL AS merged,
        requester_id, organization_id FROM cases";

pub async fn case_by_id(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<CaseFacts>> {
    sqlx::query_as(&format!("{CASE_FACTS} WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

pub async fn case_by_number(
    db: impl PgExecutor<'_>,
    number: i64,
) -> sqlx::Result<Option<CaseFacts>> {
    sqlx::query_as(&format!("{CASE_FACTS} WHERE number = $1"))
        .bind(number)
        .fetch_optional(db)
        .await
}

pub async fn case_number(db: impl PgExecutor<'_>, case_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT number FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_one(db)
        .await
}

/// The case of a Message-ID we sent or stored.
pub async fn case_of_message_id(
    db: impl PgExecutor<'_>,
    message_id: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT case_id FROM mail_message_ids WHERE message_id = $1")
        .bind(message_id)
        .fetch_optional(db)
        .await
}

/// Whether we sent a mail with this Message-ID.
pub async fn sent_by_us(db: impl PgExecutor<'_>, message_id: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM mail_message_ids WHERE message_id = $1 AND direction = 'out')",
    )
    .bind(message_id)
    .fetch_one(db)
    .await
}

/// Whether the person takes part in the case: its requester, a follower, or a
/// member of its organization.
pub async fn takes_part(db: impl PgExecutor<'_>, case_id: i64, user_id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (
            SELECT 1 FROM cases c WHERE c.id = $1 AND (
                c.requester_id = $2
                OR EXISTS (SELECT 1 FROM case_followers f WHERE f.case_id = c.id AND f.user_id = $2)
                OR EXISTS (SELECT 1 FROM users u WHERE u.id = $2
                             AND u.organization_id = c.organization_id
                             AND u.role IN ('customer', 'customer_admin'))))",
    )
    .bind(case_id)
    .bind(user_id)
    .fetch_one(db)
    .await
}

/// A reply that came by mail: its message and the quoted history cut off it.
pub async fn mark_message(
    db: impl PgExecutor<'_>,
    case_message_id: i64,
    inbound_id: i64,
    quoted: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE case_messages SET inbound_mail_id = $2, quoted = $3 WHERE id = $1")
        .bind(case_message_id)
        .bind(inbound_id)
        .bind(quoted)
        .execute(db)
        .await?;
    Ok(())
}

/// A case opened by mail: its channel, message and quoted history.
pub async fn mark_case(
    db: impl PgExecutor<'_>,
    case_id: i64,
    inbound_id: i64,
    quoted: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE cases SET channel = 'email', inbound_mail_id = $2, description_quoted = $3
         WHERE id = $1",
    )
    .bind(case_id)
    .bind(inbound_id)
    .bind(quoted)
    .execute(db)
    .await?;
    Ok(())
}

/// Mail to `address` bounces (from a delivery-status report).
pub async fn mark_bouncing(
    db: impl PgExecutor<'_>,
    address: &str,
    reason: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO bouncing_addresses (address, reason) VALUES (lower($1), $2)
         ON CONFLICT (address) DO UPDATE SET last_at = now(), reason = EXCLUDED.reason",
    )
    .bind(address)
    .bind(reason.chars().take(1000).collect::<String>())
    .execute(db)
    .await?;
    Ok(())
}

/// The quoted history cut off the description of a case opened by mail.
pub async fn description_quoted(db: impl PgExecutor<'_>, case_id: i64) -> sqlx::Result<String> {
    sqlx::query_scalar("SELECT description_quoted FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_one(db)
        .await
}

pub async fn is_bouncing(db: impl PgExecutor<'_>, address: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM bouncing_addresses WHERE address = lower($1))")
        .bind(address)
        .fetch_one(db)
        .await
}

pub async fn organization_exists(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM organizations WHERE id = $1)")
        .bind(id)
        .fetch_one(db)
        .await
}

/// An organization's e-mail domains, alphabetically.
pub async fn domains(db: impl PgExecutor<'_>, organization_id: i64) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT domain FROM organization_domains WHERE organization_id = $1 ORDER BY domain",
    )
    .bind(organization_id)
    .fetch_all(db)
    .await
}

/// Add a domain to an organization; returns the organization that has it
/// when another one does already.
pub async fn add_domain(
    db: impl PgExecutor<'_>,
    organization_id: i64,
    domain: &str,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "WITH added AS (
            INSERT INTO organization_domains (domain, organization_id) VALUES ($1, $2)
            ON CONFLICT (domain) DO NOTHING RETURNING organization_id
         )
         SELECT o.name FROM organization_domains d JOIN organizations o ON o.id = d.organization_id
         WHERE d.domain = $1 AND d.organization_id <> $2 AND NOT EXISTS (SELECT 1 FROM added)",
    )
    .bind(domain)
    .bind(organization_id)
    .fetch_optional(db)
    .await
}

pub async fn remove_domain(
    db: impl PgExecutor<'_>,
    organization_id: i64,
    domain: &str,
) -> sqlx::Result<bool> {
    Ok(sqlx::query(
        "DELETE FROM organization_domains WHERE organization_id = $1 AND domain = lower($2)",
    )
    .bind(organization_id)
    .bind(domain)
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// Whether message `message_id` of case `case_id` is an internal note.
pub async fn is_internal_message(
    db: impl PgExecutor<'_>,
    case_id: i64,
    message_id: i64,
) -> sqlx::Result<bool> {
    Ok(
        sqlx::query_scalar("SELECT internal FROM case_messages WHERE id = $1 AND case_id = $2")
            .bind(message_id)
            .bind(case_id)
            .fetch_optional(db)
            .await?
            .unwrap_or(false),
    )
}
