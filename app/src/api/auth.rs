use crate::error::AppError;
use leptos::prelude::*;
use rapport_types::views::auth::UserSummary;
use rapport_types::views::organization::InvitationSummary;

/// Who is signed in, or `None` for a visitor.
#[server(endpoint = "current_user")]
pub async fn current_user() -> Result<Option<UserSummary>, AppError> {
    Ok(crate::web::auth::signed_in().map(UserSummary::from))
}

#[server(endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::web::{auth, forms, AppState};
    use leptos::server_fn::ServerFn;
    let state = expect_context::<AppState>();
    let session = auth::session().await?;
    // Where to: the page asked for, or the two-factor step first.
    match auth::sign_in(&state, &session, &email, &password, next.as_deref()).await {
        Ok(address) => {
            leptos_axum::redirect(&address);
            Ok(())
        }
        Err(e) => {
            let kept = [
                ("email", email.as_str()),
                ("next", next.as_deref().unwrap_or("")),
            ];
            forms::back_to_form("/sign-in", &kept, SignIn::PATH, &e);
            Err(e)
        }
    }
}

#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::web::{auth, AppState};
    use rapport_core::db::audit;
    let state = expect_context::<AppState>();
    if let Some(user) = auth::signed_in() {
        let ip = auth::client_ip(&state);
        audit::record(
            &state.pool,
            audit::Event {
                kind: audit::SIGN_OUT,
                actor_user_id: Some(user.actor.user_id),
                subject_user_id: Some(user.actor.user_id),
                email: Some(&user.email),
                ip: Some(&ip),
                ..Default::default()
            },
        )
        .await
        .map_err(rapport_core::Error::from)?;
    }
    // Its row in the list of sessions goes; the session is deleted from the
    // store and the browser is told to drop the cookie.
    auth::end_session(&state, &auth::session().await?).await?;
    leptos_axum::redirect("/");
    Ok(())
}

/// The organization an invitation link joins and the address it is for, to
/// show on the registration form.
#[server(endpoint = "invitation_details")]
pub async fn invitation_details(invitation: String) -> Result<InvitationSummary, AppError> {
    use crate::web::AppState;
    let state = expect_context::<AppState>();
    Ok(rapport_core::organizations::invitation_details(&state.pool, &invitation).await?)
}

/// Create a customer account: a new organization (its admin), confirmed by a
/// link sent to the address; or joining one by invitation, signed in at once.
#[server(endpoint = "register")]
pub async fn register(
    email: String,
    display_name: String,
    organization_name: Option<String>,
    password: String,
    invitation: Option<String>,
) -> Result<(), AppError> {
    use crate::web::{auth, forms, AppState};
    use leptos::server_fn::ServerFn;
    use rapport_core::accounts;
    use rapport_core::registration::{self, Registered};
    let state = expect_context::<AppState>();
    let form = accounts::Registration {
        email,
        display_name,
        organization_name: organization_name.unwrap_or_default(),
        password,
        invitation: invitation.filter(|t| !t.trim().is_empty()),
    };
    let ip = auth::client_ip(&state);
    let kept = [
        ("email", form.email.clone()),
        ("display_name", form.display_name.clone()),
        ("organization_name", form.organization_name.clone()),
        ("invitation", form.invitation.clone().unwrap_or_default()),
    ];
    match registration::register(&state, form, &ip).await {
        Ok(Registered::SignedIn(who)) => {
            auth::start_session(&auth::session().await?, who.user_id, who.signed_in_at).await?;
            leptos_axum::redirect("/dashboard");
        }
        Ok(Registered::CheckMail) => leptos_axum::redirect("/register/sent"),
        Err(e) => {
            let e = AppError::from(e);
            let kept: Vec<(&str, &str)> = kept.iter().map(|(k, v)| (*k, v.as_str())).collect();
            forms::back_to_form("/register", &kept, Register::PATH, &e);
            return Err(e);
        }
    }
    Ok(())
}
