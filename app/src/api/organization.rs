use crate::error::AppError;
use leptos::prelude::*;
use rapport_types::views::organization::OrganizationDetails;

/// A customer admin's view of their own organization.
#[server(endpoint = "organization_overview")]
pub async fn organization_overview() -> Result<OrganizationDetails, AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{accounts, policy};
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    let organization_id = actor.organization_id.ok_or(AppError::NotFound)?;
    let permit = policy::authorize(
        Some(&actor),
        &policy::Action::ViewOrganizationMembers { organization_id },
    )?;
    let reader = crate::web::reader::current();
    Ok(accounts::organization_overview(&permit, &reader, &state.pool, organization_id).await?)
}

/// Create a single-use invitation link (valid 7 days) to join the actor's organization.
#[server(endpoint = "create_invitation")]
pub async fn create_invitation() -> Result<(), AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{accounts, policy};
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    let organization_id = actor.organization_id.ok_or(AppError::NotFound)?;
    let permit = policy::authorize(
        Some(&actor),
        &policy::Action::InviteToOrganization { organization_id },
    )?;
    let token = accounts::create_invitation(&permit, &state.pool, organization_id).await?;
    // The link is shown once, on the organization page.
    leptos_axum::redirect(&format!("/organization?invitation={token}"));
    Ok(())
}
