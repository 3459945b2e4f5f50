//! Who hears of a case by mail: its followers, and the staff with the mails
//! they chose (`agent_mail_settings`, every mail on until they say otherwise)
//! and the categories they follow (`agent_followed_categories`).

use sqlx::{FromRow, PgExecutor};

/// A person a case mail may go to.
#[derive(Debug, Clone, FromRow)]
pub struct PersonRow {
    pub id: i64,
    pub display_name: String,
    pub email: String,
}

/// A member of staff and the mails they want.
#[derive(Debug, Clone, FromRow)]
pub struct AgentRow {
    pub id: i64,
    pub display_name: String,
    pub email: String,
    pub new_case_followed: bool,
    pub assigned_to_me: bool,
    pub customer_replied: bool,
    pub mentioned: bool,
}

/// Staff who work cases and may sign in, with their mail settings.
const AGENTS: &str = "SELECT u.id, u.display_name, u.email,
            coalesce(s.new_case_followed, true) AS new_case_followed,
            coalesce(s.assigned_to_me, true) AS assigned_to_me,
            coalesce(s.customer_replied, true) AS customer_replied,
            coalesce(s.mentioned, true) AS mentioned
     FROM users u LEFT JOIN agent_mail_settings s ON s.user_id = u.id
     WHERE u.role IN ('agent', 'admin') AND NOT u.disabled";

/// The followers of a case who may still sign in.
pub async fn followers(db: impl PgExecutor<'_>, case_id: i64) -> sqlx::Result<Vec<PersonRow>> {
    sqlx::query_as(
        "SELECT u.id, u.display_name, u.email
         FROM case_followers f JOIN users u ON u.id = f.user_id
         WHERE f.case_id = $1 AND NOT u.disabled
         ORDER BY f.added_at, u.id",
    )
    .bind(case_id)
    .fetch_all(db)
    .await
}

/// The agent `user_id` with their settings, if they are staff who work cases.
pub async fn agent(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<Option<AgentRow>> {
    sqlx::query_as(&format!("{AGENTS} AND u.id = $1"))
        .bind(user_id)
        .fetch_optional(db)
        .await
}

/// Every agent and admin, for resolving @mentions.
pub async fn agents(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<AgentRow>> {
    sqlx::query_as(&format!("{AGENTS} ORDER BY u.id"))
        .fetch_all(db)
        .await
}

/// The agents who follow category `category_id`.
pub async fn category_followers(
    db: impl PgExecutor<'_>,
    category_id: i64,
) -> sqlx::Result<Vec<AgentRow>> {
    sqlx::query_as(&format!(
        "{AGENTS} AND u.id IN (SELECT user_id FROM agent_followed_categories WHERE category_id = $1)
         ORDER BY u.id"
    ))
    .bind(category_id)
    .fetch_all(db)
    .await
}

/// One agent's choices: the four kinds of mail, and the categories they follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choices {
    pub new_case_followed: bool,
    pub assigned_to_me: bool,
    pub customer_replied: bool,
    pub mentioned: bool,
}

/// Every category, with whether `user_id` follows it.
pub async fn categories_followed(
    db: impl PgExecutor<'_>,
    user_id: i64,
) -> sqlx::Result<Vec<(i64, String, bool)>> {
    sqlx::query_as(
        "SELECT c.id, c.name,
                EXISTS (SELECT 1 FROM agent_followed_categories f
                        WHERE f.user_id = $1 AND f.category_id = c.id)
         FROM case_categories c ORDER BY c.name, c.id",
    )
    .bind(user_id)
    .fetch_all(db)
    .await
}

/// Store an agent's choices; `categories` replaces the ones they followed
/// (ids of categories that do not exist are left out).
pub async fn save(
    tx: &mut sqlx::PgConnection,
    user_id: i64,
    choices: Choices,
    categories: &[i64],
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO agent_mail_settings
             (user_id, new_case_followed, assigned_to_me, customer_replied, mentioned)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_id) DO UPDATE SET
             new_case_followed = EXCLUDED.new_case_followed,
             assigned_to_me = EXCLUDED.assigned_to_me,
             customer_replied = EXCLUDED.customer_replied,
             mentioned = EXCLUDED.mentioned",
    )
    .bind(user_id)
    .bind(choices.new_case_followed)
    .bind(choices.assigned_to_me)
    .bind(choices.customer_replied)
    .bind(choices.mentioned)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM agent_followed_categories WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO agent_followed_categories (user_id, category_id)
         SELECT $1, c.id FROM case_categories c WHERE c.id = ANY($2)",
    )
    .bind(user_id)
    .bind(categories)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// An agent's stored choices (all on when they never chose).
pub async fn choices(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<Choices> {
    let row: Option<(bool, bool, bool, bool)> = sqlx::query_as(
        "SELECT new_case_followed, assigned_to_me, customer_replied, mentioned
         FROM agent_mail_settings WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(db)
    .await?;
    let (new_case_followed, assigned_to_me, customer_replied, mentioned) =
        row.unwrap_or((true, true, true, true));
    Ok(Choices {
        new_case_followed,
        assigned_to_me,
        customer_replied,
        mentioned,
    })
}
