//! Cases agents open for customers (from a phone call, a forwarded mail), the
//! contacts they make for them, and the followers of a case.

use crate::error::AppError;
use leptos::prelude::*;
use rapport_types::views::agent_cases::{CaseFollowerList, CustomerCaseForm, RequesterSearch};

/// The page agents open cases for customers on.
pub const CUSTOMER_CASE_PAGE: &str = "/queue/new-case";

/// Customers whose name, e-mail or organization contains `query` (at most 20).
#[server(endpoint = "find_requesters")]
pub async fn find_requesters(query: String) -> Result<RequesterSearch, AppError> {
    use crate::web::AppState;
    let state = expect_context::<AppState>();
    let reader = crate::web::reader::current();
    Ok(rapport_core::contacts::find_requesters(&reader, &state.pool, &query).await?)
}

/// The choices of the page, with the requester chosen so far (0: none yet).
#[server(endpoint = "new_case_for_customer")]
pub async fn new_case_for_customer(requester: i64) -> Result<CustomerCaseForm, AppError> {
    use crate::web::AppState;
    let state = expect_context::<AppState>();
    let reader = crate::web::reader::current();
    let requester = (requester > 0).then_some(requester);
    Ok(rapport_core::contacts::customer_case_form(&reader, &state.pool, requester).await?)
}

/// Make a contact (a customer without a password) and choose them as the
/// requester: back to the page with them chosen.
#[server(endpoint = "create_contact")]
pub async fn create_contact(
    name: String,
    email: String,
    organization_id: String,
) -> Result<(), AppError> {
    use crate::web::{forms, AppState};
    use leptos::server_fn::ServerFn;
    let state = expect_context::<AppState>();
    let reader = crate::web::reader::current();
    // Not a number: no such organization, which the service says in its turn.
    let organization = organization_id.trim().parse().unwrap_or(0);
    let created =
        rapport_core::contacts::create_contact(&reader, &state.pool, &name, &email, organization)
            .await;
    match created {
        Ok(contact) => {
            leptos_axum::redirect(&format!(
                "{CUSTOMER_CASE_PAGE}?requester={}&done=contact",
                contact.id
            ));
            Ok(())
        }
        Err(e) => {
            let e = AppError::from(e);
            let kept = [
                ("name", name.as_str()),
                ("email", email.as_str()),
                ("organization_id", organization_id.as_str()),
            ];
            forms::back_to_form(CUSTOMER_CASE_PAGE, &kept, CreateContact::PATH, &e);
            Err(e)
        }
    }
}

/// Open a case for the customer `requester_id`, who reached us by `channel`
/// (phone, email or agent): they get the usual "we received your case" mail.
#[server(endpoint = "open_case_for_customer")]
#[allow(clippy::too_many_arguments)]
pub async fn open_case_for_customer(
    requester_id: i64,
    channel: String,
    subject: String,
    description: String,
    category_id: String,
    priority: String,
) -> Result<(), AppError> {
    use crate::web::{forms, AppState};
    use leptos::server_fn::ServerFn;
    use rapport_core::attachments::Attachments;
    use rapport_core::cases;
    let state = expect_context::<AppState>();
    let reader = crate::web::reader::current();
    let opened = async {
        let case = cases::NewCase::parse(cases::NewCaseForm {
            subject: &subject,
            description: &description,
            category_id: category_id.trim().parse().unwrap_or(0),
            priority: &priority,
            about: "",
        })?
        .for_customer(requester_id, &channel)?;
        cases::create(
            &reader,
            &rapport_core::case_mail::MailSite::of(&state.backend).await?,
            &state.pool,
            case,
            Attachments::none(),
        )
        .await
    }
    .await;
    match opened {
        Ok(number) => {
            leptos_axum::redirect(&format!("/cases/{number}"));
            Ok(())
        }
        Err(e) => {
            let e = AppError::from(e);
            let requester = requester_id.to_string();
            let kept = [
                ("requester", requester.as_str()),
                ("channel", channel.as_str()),
                ("subject", subject.as_str()),
                ("description", description.as_str()),
                ("category_id", category_id.as_str()),
                ("priority", priority.as_str()),
            ];
            forms::back_to_form(CUSTOMER_CASE_PAGE, &kept, OpenCaseForCustomer::PATH, &e);
            Err(e)
        }
    }
}

/// Who follows the case `number`, and what the reader may change.
#[server(endpoint = "case_followers")]
pub async fn case_followers(number: String) -> Result<CaseFollowerList, AppError> {
    use crate::web::AppState;
    let state = expect_context::<AppState>();
    let reader = crate::web::reader::current();
    Ok(rapport_core::cases::followers(&reader, &state.pool, &number).await?)
}

/// Add the person with `email` as a follower of the case `number`.
#[server(endpoint = "add_case_follower")]
pub async fn add_case_follower(number: String, email: String) -> Result<(), AppError> {
    use crate::web::{forms, AppState};
    use leptos::server_fn::ServerFn;
    let state = expect_context::<AppState>();
    let reader = crate::web::reader::current();
    let page = case_page(&number);
    match rapport_core::cases::add_follower(&reader, &state.pool, &number, &email).await {
        Ok(added) => {
            let done = if added { "added" } else { "already" };
            leptos_axum::redirect(&forms::return_address(
                &page,
                &page,
                &[("follower", done), ("who", email.trim())],
            ));
            Ok(())
        }
        Err(e) => {
            let e = AppError::from(e);
            forms::back_to_form(
                &page,
                &[("follower_email", &email)],
                AddCaseFollower::PATH,
                &e,
            );
            Err(e)
        }
    }
}

/// Stop `user_id` following the case `number`.
#[server(endpoint = "remove_case_follower")]
pub async fn remove_case_follower(number: String, user_id: i64) -> Result<(), AppError> {
    use crate::web::{forms, AppState};
    use leptos::server_fn::ServerFn;
    let state = expect_context::<AppState>();
    let reader = crate::web::reader::current();
    let page = case_page(&number);
    match rapport_core::cases::remove_follower(&reader, &state.pool, &number, user_id).await {
        Ok(_) => {
            leptos_axum::redirect(&forms::return_address(
                &page,
                &page,
                &[("follower", "removed")],
            ));
            Ok(())
        }
        Err(e) => {
            let e = AppError::from(e);
            forms::back_to_form(&page, &[], RemoveCaseFollower::PATH, &e);
            Err(e)
        }
    }
}

/// `/cases/C-12` for a case number as typed (only a valid number is used).
#[cfg(feature = "ssr")]
fn case_page(number: &str) -> String {
    match rapport_types::CaseNumber::parse(number) {
        Some(number) => format!("/cases/{number}"),
        None => "/cases".to_string(),
    }
}
