use crate::error::AppError;
use leptos::prelude::*;
use rapport_types::views::admin::{OrganizationItem, UserPage};

#[server(endpoint = "list_users")]
pub async fn list_users(query: String, page: i64) -> Result<UserPage, AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{accounts, policy};
    let state = expect_context::<AppState>();
    let permit = policy::authorize(auth::actor().as_ref(), &policy::Action::ManageUsers)?;
    Ok(accounts::list_users(
        &permit,
        &crate::web::reader::current(),
        &state.pool,
        &query,
        page.max(1),
    )
    .await?)
}

#[server(endpoint = "create_staff_user")]
pub async fn create_staff_user(
    email: String,
    display_name: String,
    role: String,
    password: String,
) -> Result<(), AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{accounts, policy};
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    let permit = policy::authorize(Some(&actor), &policy::Action::CreateStaffUser)?;
    let ip = auth::client_ip(&state);
    accounts::create_staff_user(
        &permit,
        &state.pool,
        &email,
        &display_name,
        &role,
        &password,
        &ip,
    )
    .await?;
    leptos_axum::redirect("/admin/users?created=1");
    Ok(())
}

#[server(endpoint = "change_role")]
pub async fn change_role(user_id: i64, role: String) -> Result<(), AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{accounts, policy};
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    let permit = policy::authorize(
        Some(&actor),
        &policy::Action::ChangeUserAccess {
            target_user_id: user_id,
        },
    )?;
    let ip = auth::client_ip(&state);
    Ok(accounts::change_role(&permit, &state.pool, user_id, &role, &ip).await?)
}

#[server(endpoint = "set_user_disabled")]
pub async fn set_user_disabled(user_id: i64, disabled: bool) -> Result<(), AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{accounts, policy};
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    let permit = policy::authorize(
        Some(&actor),
        &policy::Action::ChangeUserAccess {
            target_user_id: user_id,
        },
    )?;
    let ip = auth::client_ip(&state);
    Ok(accounts::set_disabled(&permit, &state.pool, user_id, disabled, &ip).await?)
}

#[server(endpoint = "list_organizations")]
pub async fn list_organizations() -> Result<Vec<OrganizationItem>, AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{accounts, policy};
    let state = expect_context::<AppState>();
    let permit = policy::authorize(auth::actor().as_ref(), &policy::Action::ManageUsers)?;
    Ok(accounts::list_organizations(&permit, &crate::web::reader::current(), &state.pool).await?)
}
