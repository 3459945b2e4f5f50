use crate::error::AppError;
use leptos::prelude::*;
use rapport_types::views::dashboard::DashboardData;

/// The signed-in person's start page: what it holds depends on what they may do.
#[server(endpoint = "dashboard")]
pub async fn dashboard() -> Result<DashboardData, AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::dashboard;
    let state = expect_context::<AppState>();
    let user = auth::signed_in().ok_or(AppError::Unauthenticated)?;
    let reader = crate::web::reader::current();
    Ok(dashboard::dashboard(&reader, &state.pool, user).await?)
}
