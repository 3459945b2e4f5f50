//! The server functions behind links sent by mail: forgotten passwords,
//! confirming a registration, confirming a new address; and the forms that
//! send those links. Visitors may call most of them: what protects them is
//! the secret token in the link, and the abuse limits in the core.

use crate::error::AppError;
use leptos::prelude::*;

/// The sign-in address a reset link is for (shown on its page).
#[server(endpoint = "password_link_address")]
pub async fn password_link_address(token: String) -> Result<String, AppError> {
    use crate::web::AppState;
    let state = expect_context::<AppState>();
    Ok(rapport_core::password_reset::link_address(&state, &token).await?)
}

/// "Forgot password?": the same answer whether the address has an account or not.
#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::web::{auth, forms, AppState};
    use leptos::server_fn::ServerFn;
    let state = expect_context::<AppState>();
    let ip = auth::client_ip(&state);
    if let Err(e) = rapport_core::password_reset::request(&state, &email, &ip).await {
        let e = AppError::from(e);
        forms::back_to_form(
            "/forgot-password",
            &[("email", &email)],
            RequestPasswordReset::PATH,
            &e,
        );
        return Err(e);
    }
    leptos_axum::redirect("/forgot-password?sent=1");
    Ok(())
}

/// Choose a new password with a reset (or welcome) link.
#[server(endpoint = "choose_password")]
pub async fn choose_password(token: String, password: String) -> Result<(), AppError> {
    use crate::web::{auth, forms, AppState};
    use leptos::server_fn::ServerFn;
    let state = expect_context::<AppState>();
    let ip = auth::client_ip(&state);
    if let Err(e) =
        rapport_core::password_reset::choose_password(&state, &token, &password, &ip).await
    {
        let e = AppError::from(e);
        forms::back_to_form(
            "/reset-password",
            &[("token", &token)],
            ChoosePassword::PATH,
            &e,
        );
        return Err(e);
    }
    // This browser's session ended with all the others; sign in afresh.
    auth::session()
        .await?
        .flush()
        .await
        .map_err(crate::web::error::internal)?;
    leptos_axum::redirect("/sign-in?done=password");
    Ok(())
}

/// An admin, or a customer admin for a member, sends someone a reset link.
/// `back` is the page to return to (the users or the organization page).
#[server(endpoint = "send_password_link")]
pub async fn send_password_link(
    user_id: i64,
    #[server(default)] back: String,
) -> Result<(), AppError> {
    use crate::web::{auth, forms, AppState};
    let state = expect_context::<AppState>();
    let ip = auth::client_ip(&state);
    let reader = crate::web::reader::current();
    let sent_to = rapport_core::password_reset::send_for(&reader, &state, user_id, &ip).await?;
    let page = if back.starts_with("/organization") {
        "/organization"
    } else {
        "/admin/users"
    };
    leptos_axum::redirect(&forms::return_address(
        &back,
        page,
        &[("done", "reset_link"), ("to", &sent_to)],
    ));
    Ok(())
}

/// The address a registration's confirmation link is for (shown on its page).
#[server(endpoint = "confirmation_link_address")]
pub async fn confirmation_link_address(token: String) -> Result<String, AppError> {
    use crate::web::AppState;
    let state = expect_context::<AppState>();
    Ok(rapport_core::registration::link_address(&state, &token).await?)
}

/// Confirm a registration: the link and the password chosen when
/// registering. The account is made and signed in.
#[server(endpoint = "confirm_registration")]
pub async fn confirm_registration(token: String, password: String) -> Result<(), AppError> {
    use crate::web::{auth, forms, AppState};
    use leptos::server_fn::ServerFn;
    let state = expect_context::<AppState>();
    let ip = auth::client_ip(&state);
    let who = match rapport_core::registration::confirm(&state, &token, &password, &ip).await {
        Ok(who) => who,
        Err(e) => {
            let e = AppError::from(e);
            forms::back_to_form(
                "/register/confirm",
                &[("token", &token)],
                ConfirmRegistration::PATH,
                &e,
            );
            return Err(e);
        }
    };
    auth::start_session(&auth::session().await?, who.user_id, who.signed_in_at).await?;
    leptos_axum::redirect("/dashboard");
    Ok(())
}

/// Send a waiting registration's link again (same answer either way).
#[server(endpoint = "send_confirmation_again")]
pub async fn send_confirmation_again(email: String) -> Result<(), AppError> {
    use crate::web::{auth, forms, AppState};
    use leptos::server_fn::ServerFn;
    let state = expect_context::<AppState>();
    let ip = auth::client_ip(&state);
    if let Err(e) = rapport_core::registration::send_link_again(&state, &email, &ip).await {
        let e = AppError::from(e);
        forms::back_to_form(
            "/register/sent",
            &[("email", &email)],
            SendConfirmationAgain::PATH,
            &e,
        );
        return Err(e);
    }
    leptos_axum::redirect("/register/sent?again=1");
    Ok(())
}

/// Ask to change one's own sign-in address (with the current password).
#[server(endpoint = "request_address_change")]
pub async fn request_address_change(new_email: String, password: String) -> Result<(), AppError> {
    use crate::web::{auth, forms, AppState};
    use leptos::server_fn::ServerFn;
    use rapport_core::address_change::{self, AskedBy};
    use rapport_core::policy;
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    let permit = policy::authorize(Some(&actor), &policy::Action::ManageOwnAccount)?;
    let ip = auth::client_ip(&state);
    let asked = AskedBy::Themselves {
        current_password: &password,
    };
    match address_change::request(&permit, &state, actor.user_id, &new_email, asked, &ip).await {
        Ok(sent_to) => {
            let to = url::form_urlencoded::byte_serialize(sent_to.as_bytes()).collect::<String>();
            leptos_axum::redirect(&format!("/account?saved=address&to={to}"));
            Ok(())
        }
        Err(e) => {
            let e = AppError::from(e);
            forms::back_to_form(
                "/account",
                &[("new_email", &new_email)],
                RequestAddressChange::PATH,
                &e,
            );
            Err(e)
        }
    }
}

/// An admin moves someone's account to a new address (confirmed by a link to it).
#[server(endpoint = "change_user_address")]
pub async fn change_user_address(
    user_id: i64,
    new_email: String,
    #[server(default)] back: String,
) -> Result<(), AppError> {
    use crate::web::{auth, forms, AppState};
    use rapport_core::address_change::{self, AskedBy};
    use rapport_core::policy;
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    let permit = policy::authorize(
        Some(&actor),
        &policy::Action::ChangeUserAddress {
            target_user_id: user_id,
        },
    )?;
    let ip = auth::client_ip(&state);
    let sent_to =
        address_change::request(&permit, &state, user_id, &new_email, AskedBy::Admin, &ip).await?;
    leptos_axum::redirect(&forms::return_address(
        &back,
        "/admin/users",
        &[("done", "address_link"), ("to", &sent_to)],
    ));
    Ok(())
}

/// The new address a confirmation link is for (shown on its page).
#[server(endpoint = "address_link_address")]
pub async fn address_link_address(token: String) -> Result<String, AppError> {
    use crate::web::AppState;
    let state = expect_context::<AppState>();
    Ok(rapport_core::address_change::link_address(&state, &token).await?)
}

/// Confirm a new address with the link sent to it.
#[server(endpoint = "confirm_address_change")]
pub async fn confirm_address_change(token: String) -> Result<(), AppError> {
    use crate::web::{auth, forms, AppState};
    use leptos::server_fn::ServerFn;
    let state = expect_context::<AppState>();
    let ip = auth::client_ip(&state);
    match rapport_core::address_change::confirm(&state, &token, &ip).await {
        Ok(_) => {
            leptos_axum::redirect("/account/confirm-address?done=1");
            Ok(())
        }
        Err(e) => {
            let e = AppError::from(e);
            forms::back_to_form(
                "/account/confirm-address",
                &[("token", &token)],
                ConfirmAddressChange::PATH,
                &e,
            );
            Err(e)
        }
    }
}
