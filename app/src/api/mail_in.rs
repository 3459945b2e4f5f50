//! Incoming mail for admins: the messages that could not be processed (or
//! were refused or ignored), "Try again", the unknown-sender setting, and
//! organizations' e-mail domains.

use crate::error::AppError;
use leptos::prelude::*;
use rapport_types::views::mail_in::{IncomingMailPage, OrganizationMailDomains};

/// The admins' "Incoming mail" page, where its forms come back to.
pub const INCOMING_MAIL_PAGE: &str = "/admin/mail";
/// Where the domain forms come back to.
#[cfg(feature = "ssr")]
use super::admin::ORGANIZATIONS_PAGE;

#[server(endpoint = "incoming_mail")]
pub async fn incoming_mail() -> Result<IncomingMailPage, AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::mail_in::admin;
    use rapport_core::policy;
    let state = expect_context::<AppState>();
    let permit = policy::authorize(auth::actor().as_ref(), &policy::Action::ManageIncomingMail)?;
    Ok(admin::incoming(&permit, &crate::web::reader::current(), &state.pool).await?)
}

/// Process a message again; the page then says what became of it
/// (`done=retried`, the message, its state).
#[server(endpoint = "retry_incoming_mail")]
pub async fn retry_incoming_mail(id: i64) -> Result<(), AppError> {
    use crate::web::{auth, forms, AppState};
    use leptos::server_fn::ServerFn;
    use rapport_core::mail_in::admin;
    use rapport_core::policy;
    let state = expect_context::<AppState>();
    let retried = async {
        let actor = auth::require_actor()?;
        let permit = policy::authorize(Some(&actor), &policy::Action::ManageIncomingMail)?;
        Ok::<_, AppError>(admin::try_again(&permit, &state, id).await?)
    }
    .await;
    match retried {
        Ok((now, _)) => {
            let id = id.to_string();
            let done = [
                ("done", "retried"),
                ("message", id.as_str()),
                ("state", now.as_str()),
            ];
            leptos_axum::redirect(&forms::return_address(
                INCOMING_MAIL_PAGE,
                INCOMING_MAIL_PAGE,
                &done,
            ));
            Ok(())
        }
        Err(e) => {
            forms::back_to_form(INCOMING_MAIL_PAGE, &[], RetryIncomingMail::PATH, &e);
            Err(e)
        }
    }
}

/// What happens to mail from unknown senders: `refuse` or `unsorted`.
#[server(endpoint = "set_unknown_senders")]
pub async fn set_unknown_senders(unknown_senders: String) -> Result<(), AppError> {
    use crate::web::{auth, forms, AppState};
    use leptos::server_fn::ServerFn;
    use rapport_core::mail_in::admin;
    use rapport_core::policy;
    let state = expect_context::<AppState>();
    let saved = async {
        let actor = auth::require_actor()?;
        let permit = policy::authorize(Some(&actor), &policy::Action::ManageIncomingMail)?;
        Ok::<_, AppError>(admin::set_unknown_senders(&permit, &state.pool, &unknown_senders).await?)
    }
    .await;
    match saved {
        Ok(()) => {
            let done = [("done", "saved")];
            leptos_axum::redirect(&forms::return_address(
                INCOMING_MAIL_PAGE,
                INCOMING_MAIL_PAGE,
                &done,
            ));
            Ok(())
        }
        Err(e) => {
            forms::back_to_form(INCOMING_MAIL_PAGE, &[], SetUnknownSenders::PATH, &e);
            Err(e)
        }
    }
}

#[server(endpoint = "organization_domains")]
pub async fn organization_domains() -> Result<Vec<OrganizationMailDomains>, AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::mail_in::admin;
    use rapport_core::policy;
    let state = expect_context::<AppState>();
    let permit = policy::authorize(auth::actor().as_ref(), &policy::Action::ManageOrganizations)?;
    Ok(admin::domains(&permit, &state.pool).await?)
}

/// Add an e-mail domain to an organization (`done=domain-added`).
#[server(endpoint = "add_organization_domain")]
pub async fn add_organization_domain(organization_id: i64, domain: String) -> Result<(), AppError> {
    use crate::web::{auth, forms, AppState};
    use leptos::server_fn::ServerFn;
    use rapport_core::mail_in::admin;
    use rapport_core::policy;
    let state = expect_context::<AppState>();
    let added = async {
        let actor = auth::require_actor()?;
        let permit = policy::authorize(Some(&actor), &policy::Action::ManageOrganizations)?;
        Ok::<_, AppError>(admin::add_domain(&permit, &state.pool, organization_id, &domain).await?)
    }
    .await;
    let organization = organization_id.to_string();
    match added {
        Ok(domain) => {
            let done = [
                ("done", "domain-added"),
                ("organization", organization.as_str()),
                ("domain", domain.as_str()),
            ];
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
                &[("organization", &organization), ("domain", &domain)],
                AddOrganizationDomain::PATH,
                &e,
            );
            Err(e)
        }
    }
}

/// Remove an e-mail domain from an organization (`done=domain-removed`).
#[server(endpoint = "remove_organization_domain")]
pub async fn remove_organization_domain(
    organization_id: i64,
    domain: String,
) -> Result<(), AppError> {
    use crate::web::{auth, forms, AppState};
    use leptos::server_fn::ServerFn;
    use rapport_core::mail_in::admin;
    use rapport_core::policy;
    let state = expect_context::<AppState>();
    let removed = async {
        let actor = auth::require_actor()?;
        let permit = policy::authorize(Some(&actor), &policy::Action::ManageOrganizations)?;
        Ok::<_, AppError>(
            admin::remove_domain(&permit, &state.pool, organization_id, &domain).await?,
        )
    }
    .await;
    let organization = organization_id.to_string();
    match removed {
        Ok(()) => {
            let done = [
                ("done", "domain-removed"),
                ("organization", organization.as_str()),
                ("domain", domain.as_str()),
            ];
            leptos_axum::redirect(&forms::return_address(
                ORGANIZATIONS_PAGE,
                ORGANIZATIONS_PAGE,
                &done,
            ));
            Ok(())
        }
        Err(e) => {
            forms::back_to_form(ORGANIZATIONS_PAGE, &[], RemoveOrganizationDomain::PATH, &e);
            Err(e)
        }
    }
}
