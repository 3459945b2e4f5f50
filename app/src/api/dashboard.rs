use crate::error::AppError;
use leptos::prelude::*;
use rapport_types::views::dashboard::DashboardData;

#[server(endpoint = "dashboard")]
pub async fn dashboard() -> Result<DashboardData, AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{accounts, policy};
    let state = expect_context::<AppState>();
    let user = auth::signed_in().ok_or(AppError::Unauthenticated)?;
    let permit = policy::authorize(Some(&user.actor), &policy::Action::ViewDashboard)?;
    let reader = crate::web::reader::current();
    Ok(accounts::dashboard(&permit, &reader, &state.pool, user).await?)
}
