//! Service levels: the targets per priority and the business calendar they count in.
//! Agents may read them; only admins change them.

use crate::error::AppError;
use leptos::prelude::*;
use rapport_types::views::sla::ServiceLevels;

#[server(endpoint = "sla_settings")]
pub async fn sla_settings() -> Result<ServiceLevels, AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{policy, sla};
    let state = expect_context::<AppState>();
    let permit = policy::authorize(auth::actor().as_ref(), &policy::Action::ViewSlaPolicies)?;
    Ok(sla::settings(&permit, &state.pool).await?)
}

/// The targets of one priority, each as hours and minutes of business time.
#[server(endpoint = "save_sla_policy")]
pub async fn save_sla_policy(
    priority: String,
    first_response_hours: String,
    first_response_minutes: String,
    resolution_hours: String,
    resolution_minutes: String,
) -> Result<(), AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{policy, sla};
    let state = expect_context::<AppState>();
    let permit = policy::authorize(auth::actor().as_ref(), &policy::Action::ManageSlaPolicies)?;
    sla::save_policy(
        &permit,
        &state.pool,
        &priority,
        sla::TargetInput {
            hours: &first_response_hours,
            minutes: &first_response_minutes,
        },
        sla::TargetInput {
            hours: &resolution_hours,
            minutes: &resolution_minutes,
        },
    )
    .await?;
    leptos_axum::redirect("/admin/sla?saved=targets");
    Ok(())
}

/// The calendar's time zone and opening hours. `opens[i]` and `closes[i]` are
/// weekday i (0 = Monday) as "HH:MM"; both empty for a closed day.
#[server(endpoint = "save_business_hours")]
pub async fn save_business_hours(
    time_zone: String,
    opens: Vec<String>,
    closes: Vec<String>,
) -> Result<(), AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{policy, sla};
    let state = expect_context::<AppState>();
    let permit = policy::authorize(auth::actor().as_ref(), &policy::Action::ManageSlaPolicies)?;
    sla::save_hours(&permit, &state.pool, &time_zone, &opens, &closes).await?;
    leptos_axum::redirect("/admin/sla?saved=hours");
    Ok(())
}

#[server(endpoint = "add_holiday")]
pub async fn add_holiday(day: String, name: String) -> Result<(), AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{policy, sla};
    let state = expect_context::<AppState>();
    let permit = policy::authorize(auth::actor().as_ref(), &policy::Action::ManageSlaPolicies)?;
    sla::add_holiday(&permit, &state.pool, &day, &name).await?;
    leptos_axum::redirect("/admin/sla?saved=holiday");
    Ok(())
}

#[server(endpoint = "remove_holiday")]
pub async fn remove_holiday(day: String) -> Result<(), AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{policy, sla};
    let state = expect_context::<AppState>();
    let permit = policy::authorize(auth::actor().as_ref(), &policy::Action::ManageSlaPolicies)?;
    sla::remove_holiday(&permit, &state.pool, &day).await?;
    leptos_axum::redirect("/admin/sla?saved=removed");
    Ok(())
}
