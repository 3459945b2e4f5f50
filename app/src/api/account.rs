use crate::error::AppError;
use leptos::prelude::*;
use rapport_types::views::account::TimeZoneChoices;

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
