use super::PersonView;
use crate::domain::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const USERS_PER_PAGE: i64 = 50;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserPage {
    pub users: Vec<PersonView>,
    pub total: i64,
    pub page: i64,
}

#[server(endpoint = "list_users")]
pub async fn list_users(query: String, page: i64) -> Result<UserPage, AppError> {
    use crate::server::{accounts, auth, policy, AppState};
    let state = expect_context::<AppState>();
    policy::authorize(auth::actor().as_ref(), &policy::Action::ManageUsers)?;
    accounts::list_users(&state.pool, &query, page.max(1)).await
}

#[server(endpoint = "create_staff_user")]
pub async fn create_staff_user(
    email: String,
    display_name: String,
    role: String,
    password: String,
) -> Result<(), AppError> {
    use crate::server::{accounts, auth, policy, AppState};
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    policy::authorize(Some(&actor), &policy::Action::CreateStaffUser)?;
    let ip = auth::client_ip(&state);
    accounts::create_staff_user(
        &state.pool,
        &actor,
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
    use crate::server::{accounts, auth, policy, AppState};
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    policy::authorize(
        Some(&actor),
        &policy::Action::ChangeUserAccess {
            target_user_id: user_id,
        },
    )?;
    let ip = auth::client_ip(&state);
    accounts::change_role(&state.pool, &actor, user_id, &role, &ip).await
}

#[server(endpoint = "set_user_disabled")]
pub async fn set_user_disabled(user_id: i64, disabled: bool) -> Result<(), AppError> {
    use crate::server::{accounts, auth, policy, AppState};
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    policy::authorize(
        Some(&actor),
        &policy::Action::ChangeUserAccess {
            target_user_id: user_id,
        },
    )?;
    let ip = auth::client_ip(&state);
    accounts::set_disabled(&state.pool, &actor, user_id, disabled, &ip).await
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationItem {
    pub id: i64,
    pub name: String,
    pub created: String,
    pub members: i64,
    pub admins: i64,
}

#[server(endpoint = "list_organizations")]
pub async fn list_organizations() -> Result<Vec<OrganizationItem>, AppError> {
    use crate::server::{accounts, auth, policy, AppState};
    let state = expect_context::<AppState>();
    policy::authorize(auth::actor().as_ref(), &policy::Action::ManageUsers)?;
    accounts::list_organizations(&state.pool).await
}
