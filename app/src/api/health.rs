//! Account health and churn (staff): the list of organizations at risk, one
//! organization's score, the weights, customers leaving and coming back, the
//! churn figures and the churn model.
// The weights form sends one field per signal: one argument each.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use leptos::prelude::*;
use rapport_types::views::health::{ChurnReportView, HealthListView, OrganizationHealthView};

#[server(endpoint = "health_list")]
pub async fn health_list() -> Result<HealthListView, AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{health, policy};
    let state = expect_context::<AppState>();
    let permit = policy::authorize(auth::actor().as_ref(), &policy::Action::ViewAccountHealth)?;
    Ok(health::list(&permit, &state.pool, time::OffsetDateTime::now_utc()).await?)
}

#[server(endpoint = "organization_health")]
pub async fn organization_health(organization_id: i64) -> Result<OrganizationHealthView, AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{health, policy};
    let state = expect_context::<AppState>();
    let permit = policy::authorize(auth::actor().as_ref(), &policy::Action::ViewAccountHealth)?;
    Ok(health::organization(
        &permit,
        &state.pool,
        organization_id,
        time::OffsetDateTime::now_utc(),
    )
    .await?)
}

/// Every weight at once, in percent, one field per signal (named as the signal).
#[server(endpoint = "save_health_weights")]
pub async fn save_health_weights(
    case_volume_trend: String,
    open_case_age: String,
    sla_breaches: String,
    reopens: String,
    satisfaction: String,
    overdue_invoices: String,
    days_since_order: String,
    order_value_trend: String,
    workshops: String,
    portal_activity: String,
    last_contact: String,
) -> Result<(), AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{health, policy};
    use rapport_types::HealthSignal as S;
    let state = expect_context::<AppState>();
    let permit = policy::authorize(auth::actor().as_ref(), &policy::Action::ManageAccountHealth)?;
    let typed = [
        (S::CaseVolumeTrend, case_volume_trend.as_str()),
        (S::OpenCaseAge, open_case_age.as_str()),
        (S::SlaBreaches, sla_breaches.as_str()),
        (S::Reopens, reopens.as_str()),
        (S::Satisfaction, satisfaction.as_str()),
        (S::OverdueInvoices, overdue_invoices.as_str()),
        (S::DaysSinceOrder, days_since_order.as_str()),
        (S::OrderValueTrend, order_value_trend.as_str()),
        (S::Workshops, workshops.as_str()),
        (S::PortalActivity, portal_activity.as_str()),
        (S::LastContact, last_contact.as_str()),
    ];
    health::save_weights(&permit, &state.pool, &typed).await?;
    leptos_axum::redirect("/reports/health?saved=weights#weights");
    Ok(())
}

/// `kind` is "left" (with a reason) or "returned"; `day` is YYYY-MM-DD.
#[server(endpoint = "record_churn")]
pub async fn record_churn(
    organization_id: i64,
    kind: String,
    day: String,
    reason: String,
) -> Result<(), AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{health, policy};
    let state = expect_context::<AppState>();
    let permit = policy::authorize(auth::actor().as_ref(), &policy::Action::ManageAccountHealth)?;
    let today = time::OffsetDateTime::now_utc().date();
    health::churn::record(
        &permit,
        &state.pool,
        organization_id,
        &kind,
        &day,
        &reason,
        today,
    )
    .await?;
    let done = if kind == "left" { "left" } else { "returned" };
    leptos_axum::redirect(&format!("/reports/health/{organization_id}?saved={done}"));
    Ok(())
}

#[server(endpoint = "churn_report")]
pub async fn churn_report() -> Result<ChurnReportView, AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{health, policy};
    let state = expect_context::<AppState>();
    let permit = policy::authorize(auth::actor().as_ref(), &policy::Action::ViewAccountHealth)?;
    let today = time::OffsetDateTime::now_utc().date();
    Ok(health::churn::report(&permit, &state.pool, today).await?)
}

/// Train the churn model now instead of with the next day's job.
#[server(endpoint = "train_churn_model")]
pub async fn train_churn_model() -> Result<(), AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{health, policy};
    let state = expect_context::<AppState>();
    let permit = policy::authorize(auth::actor().as_ref(), &policy::Action::ManageAccountHealth)?;
    let trained =
        health::history::train_now(&permit, &state.pool, time::OffsetDateTime::now_utc()).await?;
    let done = if trained.is_some() {
        "trained"
    } else {
        "not-enough"
    };
    leptos_axum::redirect(&format!("/reports/churn?saved={done}"));
    Ok(())
}
