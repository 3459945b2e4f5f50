use super::PersonView;
use crate::domain::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationDetails {
    pub name: String,
    pub members: Vec<PersonView>,
    pub open_invitations: i64,
    /// Every member sees all the organization's orders, invoices and deliveries
    /// (otherwise a customer sees those they placed).
    pub members_see_all_orders: bool,
}

/// A customer admin's view of their own organization.
#[server(endpoint = "organization_overview")]
pub async fn organization_overview() -> Result<OrganizationDetails, AppError> {
    use crate::server::{accounts, auth, policy, AppState};
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    let organization_id = actor.organization_id.ok_or(AppError::NotFound)?;
    policy::authorize(
        Some(&actor),
        &policy::Action::ViewOrganizationMembers { organization_id },
    )?;
    accounts::organization_overview(&state.pool, organization_id).await
}

/// Create a single-use invitation link (valid 7 days) to join the actor's organization.
#[server(endpoint = "create_invitation")]
pub async fn create_invitation() -> Result<(), AppError> {
    use crate::server::{accounts, auth, policy, AppState};
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    let organization_id = actor.organization_id.ok_or(AppError::NotFound)?;
    policy::authorize(
        Some(&actor),
        &policy::Action::InviteToOrganization { organization_id },
    )?;
    let token = accounts::create_invitation(&state.pool, organization_id, actor.user_id).await?;
    // The link is shown once, on the organization page.
    leptos_axum::redirect(&format!("/organization?invitation={token}"));
    Ok(())
}
