use crate::error::AppError;
use leptos::prelude::*;
use rapport_types::views::account::{AgentMailChoices, TimeZoneChoices};
use rapport_types::views::two_factor::SessionView;

/// Every IANA time zone, for the time zone fields' suggestions.
#[server(endpoint = "time_zone_names")]
pub async fn time_zone_names() -> Result<TimeZoneChoices, AppError> {
    use rapport_core::accounts;
    Ok(accounts::time_zone_names(&crate::web::reader::current())?)
}

#[server(endpoint = "update_profile")]
pub async fn update_profile(display_name: String) -> Result<(), AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{db, policy};
    use rapport_types::DisplayName;
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    policy::authorize(Some(&actor), &policy::Action::ManageOwnAccount)?;
    let name = DisplayName::parse("display_name", &display_name)?;
    db::users::update_display_name(&state.pool, actor.user_id, &name)
        .await
        .map_err(rapport_core::Error::from)?;
    leptos_axum::redirect("/account?saved=profile");
    Ok(())
}

#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{accounts, policy};
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    let permit = policy::authorize(Some(&actor), &policy::Action::ManageOwnAccount)?;
    let ip = auth::client_ip(&state);
    let valid_from =
        accounts::change_password(&permit, &state.pool, &current_password, &new_password, &ip)
            .await?;
    // Other sessions end; this one continues under a new id.
    auth::start_session(&auth::session().await?, actor.user_id, valid_from).await?;
    leptos_axum::redirect("/account?saved=password");
    Ok(())
}

/// The signed-in person's sessions that are still alive, this one marked.
#[server(endpoint = "account_sessions")]
pub async fn account_sessions() -> Result<Vec<SessionView>, AppError> {
    use crate::web::{auth, reader, AppState};
    use rapport_core::account_sessions;
    let state = expect_context::<AppState>();
    let current = auth::current_session_key(&auth::session().await?)
        .await?
        .unwrap_or_default();
    Ok(account_sessions::list(&reader::current(), &state.pool, &state.config, &current).await?)
}

/// Sign out one of one's other sessions: it ends at its next request.
#[server(endpoint = "sign_out_session")]
pub async fn sign_out_session(session: i64) -> Result<(), AppError> {
    use crate::web::{auth, reader, AppState};
    use rapport_core::account_sessions;
    let state = expect_context::<AppState>();
    let current = auth::current_session_key(&auth::session().await?)
        .await?
        .unwrap_or_default();
    let ip = auth::client_ip(&state);
    account_sessions::revoke(&reader::current(), &state.pool, session, &current, &ip).await?;
    leptos_axum::redirect("/account?saved=session_ended#sessions");
    Ok(())
}

/// Sign out every session but this one.
#[server(endpoint = "sign_out_other_sessions")]
pub async fn sign_out_other_sessions() -> Result<(), AppError> {
    use crate::web::{auth, reader, AppState};
    use rapport_core::account_sessions;
    let state = expect_context::<AppState>();
    let current = auth::current_session_key(&auth::session().await?)
        .await?
        .unwrap_or_default();
    let ip = auth::client_ip(&state);
    account_sessions::revoke_others(&reader::current(), &state.pool, &current, &ip).await?;
    leptos_axum::redirect("/account?saved=other_sessions_ended#sessions");
    Ok(())
}

/// The mails the signed-in agent chose to get, and the categories they follow.
#[server(endpoint = "agent_mail_settings")]
pub async fn agent_mail_settings() -> Result<AgentMailChoices, AppError> {
    use crate::web::{reader, AppState};
    use rapport_core::agent_mails;
    let state = expect_context::<AppState>();
    Ok(agent_mails::settings(&reader::current(), &state.pool).await?)
}

/// Save the agent's choices: a ticked checkbox is posted as "on", an
/// unticked one not at all; `categories[]` holds the followed ones' ids.
#[server(endpoint = "save_agent_mail_settings")]
pub async fn save_agent_mail_settings(
    new_case_followed: Option<String>,
    assigned_to_me: Option<String>,
    customer_replied: Option<String>,
    mentioned: Option<String>,
    categories: Option<Vec<String>>,
) -> Result<(), AppError> {
    use crate::web::{reader, AppState};
    use rapport_core::agent_mails::{self, SettingsForm};
    let state = expect_context::<AppState>();
    let ticked = |value: &Option<String>| value.as_deref().is_some_and(|v| v != "false");
    let form = SettingsForm {
        new_case_followed: ticked(&new_case_followed),
        assigned_to_me: ticked(&assigned_to_me),
        customer_replied: ticked(&customer_replied),
        mentioned: ticked(&mentioned),
        categories: &categories.unwrap_or_default(),
    };
    agent_mails::save(&reader::current(), &state.pool, form).await?;
    leptos_axum::redirect("/account?saved=agent_mails#agent-mails");
    Ok(())
}
