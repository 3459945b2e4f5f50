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
    let zone = crate::web::reader::zone();
    Ok(accounts::dashboard(&permit, &zone, &state.pool, user).await?)
}
