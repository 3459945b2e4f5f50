//! Which mails an agent gets (see `case_mail`): each of the four kinds can be
//! turned off, and the categories they follow decide which new cases they
//! hear of. Staff who work cases only; each sets their own.

use crate::db::case_mail::{self as db, Choices};
use crate::policy::{self, Action};
use crate::{Error, Reader};
use rapport_types::views::account::{AgentMailChoices, FollowedCategory};
use sqlx::PgPool;

/// The signed-in agent's choices.
pub async fn settings(reader: &Reader, pool: &PgPool) -> Result<AgentMailChoices, Error> {
    let actor = reader.signed_in()?;
    policy::authorize(Some(actor), &Action::ChooseAgentMails)?;
    let choices = db::choices(pool, actor.user_id).await?;
    let categories = db::categories_followed(pool, actor.user_id)
        .await?
        .into_iter()
        .map(|(id, name, followed)| FollowedCategory { id, name, followed })
        .collect();
    Ok(AgentMailChoices {
        new_case_followed: choices.new_case_followed,
        assigned_to_me: choices.assigned_to_me,
        customer_replied: choices.customer_replied,
        mentioned: choices.mentioned,
        categories,
    })
}

/// The form, as posted: a checkbox is there when ticked; categories by id.
pub struct SettingsForm<'a> {
    pub new_case_followed: bool,
    pub assigned_to_me: bool,
    pub customer_replied: bool,
    pub mentioned: bool,
    pub categories: &'a [String],
}

/// Store the signed-in agent's choices.
pub async fn save(reader: &Reader, pool: &PgPool, form: SettingsForm<'_>) -> Result<(), Error> {
    let actor = reader.signed_in()?;
    policy::authorize(Some(actor), &Action::ChooseAgentMails)?;
    let known = db::categories_followed(pool, actor.user_id).await?;
    let mut categories = Vec::with_capacity(form.categories.len());
    for value in form.categories {
        let id = value
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|id| known.iter().any(|(known, _, _)| known == id))
            .ok_or_else(|| Error::invalid("categories", "Choose among the listed categories."))?;
        categories.push(id);
    }
    let choices = Choices {
        new_case_followed: form.new_case_followed,
        assigned_to_me: form.assigned_to_me,
        customer_replied: form.customer_replied,
        mentioned: form.mentioned,
    };
    let mut tx = pool.begin().await?;
    db::save(&mut tx, actor.user_id, choices, &categories).await?;
    tx.commit().await?;
    Ok(())
}
