//! Two-factor sign-in: the step of signing in that asks for the code (a
//! visitor's: the session holds only the pending step), one's own setting on
//! the account page, and the admins' setting that requires it of staff.
use crate::error::AppError;
use leptos::prelude::*;
use rapport_types::views::two_factor::{SignInStep, StaffSignInRule, TwoFactorView};

/// Where the sign-in stands: the code to ask for, an app to set up first, or
/// `None` when no sign-in is waiting (never started, or it took too long).
#[server(endpoint = "pending_sign_in")]
pub async fn pending_sign_in() -> Result<Option<SignInStep>, AppError> {
    use crate::web::{auth, AppState};
    let state = expect_context::<AppState>();
    auth::pending_sign_in(&state, &auth::session().await?).await
}

/// The second step of signing in: the 6-digit code from the app, or a
/// recovery code (or, when the site requires two factors and they are being
/// set up, the app's first code).
#[server(endpoint = "verify_two_factor")]
pub async fn verify_two_factor(code: String) -> Result<(), AppError> {
    use crate::web::{auth, AppState};
    let state = expect_context::<AppState>();
    let session = auth::session().await?;
    let next = auth::finish_two_factor(&state, &session, &code).await?;
    leptos_axum::redirect(&next);
    Ok(())
}

/// The "Two-factor sign-in" section of the account page. Recovery codes made
/// just now come with it this once.
#[server(endpoint = "two_factor_status")]
pub async fn two_factor_status() -> Result<TwoFactorView, AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{policy, two_factor};
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    let permit = policy::authorize(Some(&actor), &policy::Action::ManageOwnAccount)?;
    let new_codes = auth::take_new_recovery_codes(&auth::session().await?).await?;
    Ok(two_factor::status(&permit, &state.pool, new_codes).await?)
}

/// Begin setting up an app (with the password): the page then shows the QR
/// code and the secret, and asks for the app's first code.
#[server(endpoint = "begin_two_factor_setup")]
pub async fn begin_two_factor_setup(password: String) -> Result<(), AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{policy, two_factor};
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    let permit = policy::authorize(Some(&actor), &policy::Action::ManageOwnAccount)?;
    two_factor::begin_setup(&permit, &state.pool, &password).await?;
    leptos_axum::redirect("/account?saved=two_factor_setup#two-factor");
    Ok(())
}

/// Stop a setup that was not finished.
#[server(endpoint = "cancel_two_factor_setup")]
pub async fn cancel_two_factor_setup() -> Result<(), AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{policy, two_factor};
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    let permit = policy::authorize(Some(&actor), &policy::Action::ManageOwnAccount)?;
    two_factor::cancel_setup(&permit, &state.pool).await?;
    leptos_axum::redirect("/account?saved=two_factor_cancelled#two-factor");
    Ok(())
}

/// Switch two factors on with the app's first code. The recovery codes come
/// back, and (for a form posted without JavaScript) wait in the session until
/// the account page it goes back to has shown them once.
#[server(endpoint = "finish_two_factor_setup")]
pub async fn finish_two_factor_setup(code: String) -> Result<Vec<String>, AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{policy, two_factor};
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    let permit = policy::authorize(Some(&actor), &policy::Action::ManageOwnAccount)?;
    let ip = auth::client_ip(&state);
    let codes = two_factor::finish_setup(&permit, &state.pool, &code, &ip).await?;
    auth::keep_new_recovery_codes(&auth::session().await?, codes.clone()).await?;
    leptos_axum::redirect("/account?saved=two_factor#two-factor");
    Ok(codes)
}

/// Switch two factors off, with the password or a code.
#[server(endpoint = "switch_off_two_factor")]
pub async fn switch_off_two_factor(password: String, code: String) -> Result<(), AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{policy, two_factor};
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    let permit = policy::authorize(Some(&actor), &policy::Action::ManageOwnAccount)?;
    let ip = auth::client_ip(&state);
    two_factor::switch_off(&permit, &state.pool, &password, &code, &ip).await?;
    leptos_axum::redirect("/account?saved=two_factor_off#two-factor");
    Ok(())
}

/// Replace the recovery codes by ten new ones (with the password), shown once
/// (as `finish_two_factor_setup`).
#[server(endpoint = "renew_recovery_codes")]
pub async fn renew_recovery_codes(password: String) -> Result<Vec<String>, AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{policy, two_factor};
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    let permit = policy::authorize(Some(&actor), &policy::Action::ManageOwnAccount)?;
    let ip = auth::client_ip(&state);
    let codes = two_factor::renew_recovery_codes(&permit, &state.pool, &password, &ip).await?;
    auth::keep_new_recovery_codes(&auth::session().await?, codes.clone()).await?;
    leptos_axum::redirect("/account?saved=recovery_codes#two-factor");
    Ok(codes)
}

/// Whether staff must sign in with two factors (admins, users page).
#[server(endpoint = "staff_two_factor_setting")]
pub async fn staff_two_factor_setting() -> Result<StaffSignInRule, AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{policy, two_factor};
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    let permit = policy::authorize(Some(&actor), &policy::Action::RequireStaffTwoFactor)?;
    Ok(two_factor::staff_setting(&permit, &state.pool).await?)
}

/// Require two factors of staff, or not. A checkbox: absent means off.
#[server(endpoint = "set_staff_two_factor")]
pub async fn set_staff_two_factor(required: Option<String>) -> Result<(), AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::{policy, two_factor};
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    let permit = policy::authorize(Some(&actor), &policy::Action::RequireStaffTwoFactor)?;
    let required = matches!(required.as_deref(), Some("on" | "true"));
    let ip = auth::client_ip(&state);
    two_factor::set_staff_setting(&permit, &state.pool, required, &ip).await?;
    let done = if required {
        "staff_two_factor_on"
    } else {
        "staff_two_factor_off"
    };
    leptos_axum::redirect(&format!("/admin/users?done={done}"));
    Ok(())
}
