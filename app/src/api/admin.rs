use crate::error::AppError;
use leptos::prelude::*;
use rapport_types::views::admin::{OrganizationItem, UserPage};

#[server(endpoint = "list_users")]
pub async fn list_users(query: String, page: i64) -> Result<UserPage, AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{accounts, policy};
    let state = expect_context::<AppState>();
    let permit = policy::authorize(auth::actor().as_ref(), &policy::Action::ManageUsers)?;
    let page = rapport_types::PageNumber::parse(page)?;
    Ok(accounts::list_users(
        &permit,
        &crate::web::reader::current(),
        &state.pool,
        &query,
        page,
    )
    .await?)
}

#[server(endpoint = "create_staff_user")]
pub async fn create_staff_user(
    email: String,
    display_name: String,
    role: String,
) -> Result<(), AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{accounts, policy};
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    let permit = policy::authorize(Some(&actor), &policy::Action::CreateStaffUser)?;
    let ip = auth::client_ip(&state);
    accounts::create_staff_user(&permit, &state, &email, &display_name, &role, &ip).await?;
    leptos_axum::redirect("/admin/users?created=1");
    Ok(())
}

/// Where the users page's forms come back to (with its search and page kept).
pub const USERS_PAGE: &str = "/admin/users";

/// Change a user's role. The new role changes what they may see and do at
/// once, so the form asks to tick `confirm` first (as merging a case does).
/// `back` is the users page as it was (search, page) to return to; the address
/// then says what was done (`done=role`, the user, the role `from`).
#[server(endpoint = "change_role")]
pub async fn change_role(
    user_id: i64,
    role: String,
    confirm: Option<String>,
    #[server(default)] back: String,
) -> Result<(), AppError> {
    use crate::web::{auth, forms, AppState};
    use leptos::server_fn::ServerFn;
    use rapport_core::{accounts, policy};
    let state = expect_context::<AppState>();
    let changed = async {
        let actor = auth::require_actor()?;
        let permit = policy::authorize(
            Some(&actor),
            &policy::Action::ChangeUserAccess {
                target_user_id: user_id,
            },
        )?;
        if confirm.is_none() {
            return Err(AppError::invalid(
                "confirm",
                "Tick the box to confirm: the new role changes what they can see and do at once.",
            ));
        }
        let ip = auth::client_ip(&state);
        Ok(accounts::change_role(&permit, &state.pool, user_id, &role, &ip).await?)
    }
    .await;
    let user = user_id.to_string();
    match changed {
        Ok(before) => {
            let done = [("done", "role"), ("user", &user), ("from", before.as_str())];
            leptos_axum::redirect(&forms::return_address(&back, USERS_PAGE, &done));
            Ok(())
        }
        Err(e) => {
            // Without JavaScript: back to the list, with the role chosen in that row.
            let page = forms::return_address(&back, USERS_PAGE, &[]);
            forms::back_to_form(
                &page,
                &[("user", &user), ("role", &role)],
                ChangeRole::PATH,
                &e,
            );
            Err(e)
        }
    }
}

/// Disable a user (they are signed out at once and cannot sign in; asks to
/// tick `confirm` first) or enable them again (no need to confirm). `back` as
/// for `change_role`; the address then says `done=disabled` or `done=enabled`.
#[server(endpoint = "set_user_disabled")]
pub async fn set_user_disabled(
    user_id: i64,
    disabled: bool,
    confirm: Option<String>,
    #[server(default)] back: String,
) -> Result<(), AppError> {
    use crate::web::{auth, forms, AppState};
    use leptos::server_fn::ServerFn;
    use rapport_core::{accounts, policy};
    let state = expect_context::<AppState>();
    let changed = async {
        let actor = auth::require_actor()?;
        let permit = policy::authorize(
            Some(&actor),
            &policy::Action::ChangeUserAccess {
                target_user_id: user_id,
            },
        )?;
        if disabled && confirm.is_none() {
            return Err(AppError::invalid(
                "confirm",
                "Tick the box to confirm: they are signed out at once and can no longer sign in.",
            ));
        }
        let ip = auth::client_ip(&state);
        Ok(accounts::set_disabled(&permit, &state.pool, user_id, disabled, &ip).await?)
    }
    .await;
    let user = user_id.to_string();
    match changed {
        Ok(()) => {
            let what = if disabled { "disabled" } else { "enabled" };
            let done = [("done", what), ("user", user.as_str())];
            leptos_axum::redirect(&forms::return_address(&back, USERS_PAGE, &done));
            Ok(())
        }
        Err(e) => {
            let page = forms::return_address(&back, USERS_PAGE, &[]);
            forms::back_to_form(&page, &[("user", &user)], SetUserDisabled::PATH, &e);
            Err(e)
        }
    }
}

#[server(endpoint = "list_organizations")]
pub async fn list_organizations() -> Result<Vec<OrganizationItem>, AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{organizations, policy};
    let state = expect_context::<AppState>();
    let permit = policy::authorize(auth::actor().as_ref(), &policy::Action::ManageUsers)?;
    Ok(organizations::list(&permit, &crate::web::reader::current(), &state.pool).await?)
}

/// Where the organizations page's forms come back to.
pub const ORGANIZATIONS_PAGE: &str = "/admin/organizations";

/// Rename an organization (names are unique, whatever their case). The page
/// then says so (`done=renamed`, the organization).
#[server(endpoint = "rename_organization")]
pub async fn rename_organization(organization_id: i64, name: String) -> Result<(), AppError> {
    use crate::web::{auth, forms, AppState};
    use leptos::server_fn::ServerFn;
    use rapport_core::{organizations, policy};
    let state = expect_context::<AppState>();
    let renamed = async {
        let actor = auth::require_actor()?;
        let permit = policy::authorize(Some(&actor), &policy::Action::ManageOrganizations)?;
        let ip = auth::client_ip(&state);
        Ok(organizations::rename(&permit, &state.pool, organization_id, &name, &ip).await?)
    }
    .await;
    let organization = organization_id.to_string();
    match renamed {
        Ok(_) => {
            let done = [("done", "renamed"), ("organization", organization.as_str())];
            leptos_axum::redirect(&forms::return_address(
                ORGANIZATIONS_PAGE,
                ORGANIZATIONS_PAGE,
                &done,
            ));
            Ok(())
        }
        Err(e) => {
            forms::back_to_form(
                ORGANIZATIONS_PAGE,
                &[("organization", &organization), ("name", &name)],
                RenameOrganization::PATH,
                &e,
            );
            Err(e)
        }
    }
}

/// Merge organization `source` into `target`: its people, cases, orders,
/// invoices, deliveries, invitations and articles move, and `source` is gone.
/// Cannot be undone, so the form asks to tick `confirm` first.
#[server(endpoint = "merge_organizations")]
pub async fn merge_organizations(
    source: i64,
    target: i64,
    confirm: Option<String>,
) -> Result<(), AppError> {
    use crate::web::{auth, forms, AppState};
    use leptos::server_fn::ServerFn;
    use rapport_core::{organizations, policy};
    let state = expect_context::<AppState>();
    let merged = async {
        let actor = auth::require_actor()?;
        let permit = policy::authorize(Some(&actor), &policy::Action::ManageOrganizations)?;
        if confirm.is_none() {
            return Err(AppError::invalid(
                "confirm",
                "Tick the box to confirm: merging cannot be undone.",
            ));
        }
        let ip = auth::client_ip(&state);
        Ok(organizations::merge(&permit, &state.pool, source, target, &ip).await?)
    }
    .await;
    let (source, target) = (source.to_string(), target.to_string());
    match merged {
        Ok(_) => {
            let done = [("done", "merged"), ("organization", target.as_str())];
            leptos_axum::redirect(&forms::return_address(
                ORGANIZATIONS_PAGE,
                ORGANIZATIONS_PAGE,
                &done,
            ));
            Ok(())
        }
        Err(e) => {
            forms::back_to_form(
                ORGANIZATIONS_PAGE,
                &[("source", &source), ("target", &target)],
                MergeOrganizations::PATH,
                &e,
            );
            Err(e)
        }
    }
}
