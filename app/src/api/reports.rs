//! The team reports, the customers' service report, and the weekly summary
//! setting. (The CSV downloads are plain routes: `web::report_csv`.)

use crate::error::AppError;
use leptos::prelude::*;
use rapport_types::views::reports::{ReportQuery, ServiceReport, TeamReport};

/// The team reports for the filter of the address.
#[server(endpoint = "team_report")]
pub async fn load_team_report(
    #[server(default)] query: ReportQuery,
) -> Result<TeamReport, AppError> {
    use crate::web::AppState;
    use rapport_core::policy::{self, Action};
    use rapport_core::reports::team;
    let state = expect_context::<AppState>();
    let reader = crate::web::reader::current();
    let permit = policy::authorize(reader.actor(), &Action::ViewTeamReports)?;
    Ok(team::report(&permit, &reader, &state.pool, &query).await?)
}

/// The reader's organization's service report (customer admins).
#[server(endpoint = "service_report")]
pub async fn load_service_report(
    #[server(default)] query: ReportQuery,
) -> Result<ServiceReport, AppError> {
    use crate::web::AppState;
    use rapport_core::policy::{self, Action};
    use rapport_core::reports::service;
    let state = expect_context::<AppState>();
    let reader = crate::web::reader::current();
    let actor = reader.signed_in()?;
    let organization_id = actor.organization_id.unwrap_or(0);
    let permit = policy::authorize(Some(actor), &Action::ViewServiceReport { organization_id })?;
    Ok(service::report(&permit, &state.pool, &query).await?)
}

/// An admin chooses whether they get the weekly summary by mail; back to the
/// reports page (`back`, the address it was on) saying what was done.
#[server(endpoint = "set_weekly_summary")]
pub async fn set_weekly_summary(
    #[server(default)] weekly: Option<String>,
    #[server(default)] back: String,
) -> Result<(), AppError> {
    use crate::web::{forms, AppState};
    use rapport_core::policy::{self, Action};
    use rapport_core::reports::weekly;
    let state = expect_context::<AppState>();
    let reader = crate::web::reader::current();
    let permit = policy::authorize(reader.actor(), &Action::ManageWeeklySummary)?;
    let receives = weekly.is_some();
    weekly::choose(&permit, &state.pool, receives).await?;
    let done = [("weekly", if receives { "on" } else { "off" })];
    leptos_axum::redirect(&forms::return_address(&back, "/reports", &done));
    Ok(())
}
