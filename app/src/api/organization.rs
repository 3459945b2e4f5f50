use crate::error::AppError;
use leptos::prelude::*;
use rapport_types::views::organization::OrganizationDetails;

/// Where the organization page's forms come back to.
pub const ORGANIZATION_PAGE: &str = "/organization";

/// The actor's organization and a permit for `action` on it.
#[cfg(feature = "ssr")]
fn permit_for(
    action: fn(i64) -> rapport_core::policy::Action,
) -> Result<(i64, rapport_core::policy::Permit), AppError> {
    use crate::web::auth;
    let actor = auth::require_actor()?;
    let organization_id = actor.organization_id.ok_or(AppError::NotFound)?;
    let permit = rapport_core::policy::authorize(Some(&actor), &action(organization_id))?;
    Ok((organization_id, permit))
}

/// After a change: back to the organization page saying what was done; after a
/// refusal of a plain form post, back to it with the error (and `kept`).
#[cfg(feature = "ssr")]
fn answer<T>(
    result: Result<T, AppError>,
    done: impl FnOnce(&T) -> Vec<(&'static str, String)>,
    kept: &[(&str, &str)],
    server_fn_path: &str,
) -> Result<(), AppError> {
    use crate::web::forms;
    match result {
        Ok(value) => {
            let done = done(&value);
            let done: Vec<(&str, &str)> = done.iter().map(|(k, v)| (*k, v.as_str())).collect();
            leptos_axum::redirect(&forms::return_address(
                ORGANIZATION_PAGE,
                ORGANIZATION_PAGE,
                &done,
            ));
            Ok(())
        }
        Err(e) => {
            forms::back_to_form(ORGANIZATION_PAGE, kept, server_fn_path, &e);
            Err(e)
        }
    }
}

/// A customer admin's view of their own organization.
#[server(endpoint = "organization_overview")]
pub async fn organization_overview() -> Result<OrganizationDetails, AppError> {
    use crate::web::AppState;
    use rapport_core::{organizations, policy};
    let state = expect_context::<AppState>();
    let (organization_id, permit) =
        permit_for(|organization_id| policy::Action::ViewOrganizationMembers { organization_id })?;
    let reader = crate::web::reader::current();
    Ok(organizations::overview(&permit, &reader, &state.pool, organization_id).await?)
}

/// Invite a colleague by e-mail: the mail carries a link that works once, for
/// that address, for 7 days.
#[server(endpoint = "create_invitation")]
pub async fn create_invitation(email: String) -> Result<(), AppError> {
    use crate::web::{auth, AppState};
    use leptos::server_fn::ServerFn;
    use rapport_core::{organizations, policy};
    let state = expect_context::<AppState>();
    let result = async {
        let (organization_id, permit) =
            permit_for(|organization_id| policy::Action::InviteToOrganization { organization_id })?;
        let reader = crate::web::reader::current();
        crate::web::limits::count(&state, &reader, rapport_core::limits::Limit::Invitation).await?;
        let ip = auth::client_ip(&state);
        organizations::invite(
            &permit,
            &state.links,
            &state.pool,
            organization_id,
            &email,
            &ip,
        )
        .await?;
        Ok(email.trim().to_lowercase())
    }
    .await;
    answer(
        result,
        |email| vec![("done", "invited".into()), ("to", email.clone())],
        &[("email", &email)],
        CreateInvitation::PATH,
    )
}

/// Send an invitation again, with a new link (the old one stops working).
#[server(endpoint = "resend_invitation")]
pub async fn resend_invitation(invitation_id: i64) -> Result<(), AppError> {
    use crate::web::{auth, AppState};
    use leptos::server_fn::ServerFn;
    use rapport_core::{organizations, policy};
    let state = expect_context::<AppState>();
    let result = async {
        let (organization_id, permit) =
            permit_for(|organization_id| policy::Action::InviteToOrganization { organization_id })?;
        let reader = crate::web::reader::current();
        crate::web::limits::count(&state, &reader, rapport_core::limits::Limit::Invitation).await?;
        let ip = auth::client_ip(&state);
        Ok(organizations::resend_invitation(
            &permit,
            &state.links,
            &state.pool,
            organization_id,
            invitation_id,
            &ip,
        )
        .await?)
    }
    .await;
    answer(
        result,
        |email| vec![("done", "resent".into()), ("to", email.clone())],
        &[],
        ResendInvitation::PATH,
    )
}

/// Revoke an invitation: its link stops working.
#[server(endpoint = "revoke_invitation")]
pub async fn revoke_invitation(invitation_id: i64) -> Result<(), AppError> {
    use crate::web::{auth, AppState};
    use leptos::server_fn::ServerFn;
    use rapport_core::{organizations, policy};
    let state = expect_context::<AppState>();
    let result = async {
        let (organization_id, permit) =
            permit_for(|organization_id| policy::Action::InviteToOrganization { organization_id })?;
        let ip = auth::client_ip(&state);
        Ok(organizations::revoke_invitation(
            &permit,
            &state.pool,
            organization_id,
            invitation_id,
            &ip,
        )
        .await?)
    }
    .await;
    answer(
        result,
        |email| vec![("done", "revoked".into()), ("to", email.clone())],
        &[],
        RevokeInvitation::PATH,
    )
}

/// Remove a member (asks to tick `confirm` first): they are signed out at once
/// and cannot sign in; their cases stay with the organization.
#[server(endpoint = "remove_member")]
pub async fn remove_member(user_id: i64, confirm: Option<String>) -> Result<(), AppError> {
    use crate::web::{auth, AppState};
    use leptos::server_fn::ServerFn;
    use rapport_core::{organizations, policy};
    let state = expect_context::<AppState>();
    let result = async {
        let (organization_id, permit) =
            permit_for(
                |organization_id| policy::Action::ManageOrganizationMembers { organization_id },
            )?;
        if confirm.is_none() {
            return Err(AppError::invalid(
                "confirm",
                "Tick the box to confirm: they are signed out at once and can no longer sign in.",
            ));
        }
        let ip = auth::client_ip(&state);
        Ok(
            organizations::remove_member(&permit, &state.pool, organization_id, user_id, &ip)
                .await?,
        )
    }
    .await;
    let user = user_id.to_string();
    answer(
        result,
        |email| vec![("done", "removed".into()), ("to", email.clone())],
        &[("user", &user)],
        RemoveMember::PATH,
    )
}

/// Make a member a customer or a customer admin. An organization always keeps
/// at least one admin.
#[server(endpoint = "set_member_role")]
pub async fn set_member_role(user_id: i64, role: String) -> Result<(), AppError> {
    use crate::web::{auth, AppState};
    use leptos::server_fn::ServerFn;
    use rapport_core::{organizations, policy};
    let state = expect_context::<AppState>();
    let result = async {
        let (organization_id, permit) =
            permit_for(
                |organization_id| policy::Action::ManageOrganizationMembers { organization_id },
            )?;
        let ip = auth::client_ip(&state);
        Ok(organizations::set_member_role(
            &permit,
            &state.pool,
            organization_id,
            user_id,
            &role,
            &ip,
        )
        .await?)
    }
    .await;
    let user = user_id.to_string();
    answer(
        result,
        |_| vec![("done", "role".into()), ("user", user.clone())],
        &[("user", &user)],
        SetMemberRole::PATH,
    )
}
