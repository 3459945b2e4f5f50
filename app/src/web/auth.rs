//! Who is asking: the session of a request and the user behind it. The
//! sign-in rules and password hashing are the core's (`rapport_core::sign_in`).
//!
//! A session holds the user id and the database time of sign-in. Each request
//! re-reads the user (one query), so disabling a user or changing a password
//! (`sessions_valid_after`) ends their other sessions at once, and a role change
//! applies to the next request.
use super::error::internal;
use super::AppState;
use crate::error::AppError;
use rapport_core::db;
use rapport_core::policy::Actor;
use rapport_core::sign_in::check_sign_in;
pub use rapport_core::sign_in::SignedIn;
use rapport_types::Role;
use std::net::SocketAddr;
use time::OffsetDateTime;
use tower_sessions::Session;

const USER_ID_KEY: &str = "user_id";
/// Unix time in microseconds of the sign-in, as the database saw it.
const SIGNED_IN_AT_KEY: &str = "signed_in_at_us";

/// What the middleware found: `None` for a visitor.
#[derive(Debug, Clone, Default)]
pub struct RequestUser(pub Option<SignedIn>);

fn micros(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1000) as i64
}

/// Find the signed-in user behind a session, ending the session when it is
/// too old, its user is gone or disabled, or it began before `sessions_valid_after`.
pub async fn resolve(state: &AppState, session: &Session) -> Result<Option<SignedIn>, AppError> {
    let user_id: Option<i64> = session.get(USER_ID_KEY).await.map_err(internal)?;
    let Some(user_id) = user_id else {
        return Ok(None);
    };
    let signed_in_at: i64 = session
        .get(SIGNED_IN_AT_KEY)
        .await
        .map_err(internal)?
        .unwrap_or(0);
    let max_age_us = state.config.session_max_age.as_micros() as i64;
    let now_us = micros(OffsetDateTime::now_utc());
    let user = db::users::find_for_session(&state.pool, user_id)
        .await
        .map_err(rapport_core::Error::from)?;
    let valid = match &user {
        Some(u) => {
            !u.disabled
                && micros(u.sessions_valid_after) <= signed_in_at
                && now_us - signed_in_at <= max_age_us
        }
        None => false,
    };
    if !valid {
        session.flush().await.map_err(internal)?;
        return Ok(None);
    }
    let user = user.expect("checked above");
    let Some(role) = Role::parse(&user.role) else {
        return Err(internal(format!(
            "user {} has unknown role {:?}",
            user.id, user.role
        )));
    };
    Ok(Some(SignedIn {
        actor: Actor {
            user_id: user.id,
            role,
            organization_id: user.organization_id,
        },
        email: user.email,
        display_name: user.display_name,
        organization_name: user.organization_name,
        time_zone: user.time_zone,
    }))
}

/// The signed-in user of the current request (pages and server functions).
pub fn signed_in() -> Option<SignedIn> {
    // Read in place: the request's parts are not copied for each look.
    leptos::prelude::with_context::<http::request::Parts, _>(|parts| {
        parts.extensions.get::<RequestUser>().cloned()
    })
    .flatten()
    .and_then(|user| user.0)
}

/// The actor of the current request, or `None` for a visitor.
pub fn actor() -> Option<Actor> {
    signed_in().map(|s| s.actor)
}

/// The actor of the current request, or "please sign in".
pub fn require_actor() -> Result<Actor, AppError> {
    actor().ok_or(AppError::Unauthenticated)
}

/// The session of the current request.
pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(internal)
}

/// The client's address: the socket peer, or the first `X-Forwarded-For` entry
/// when the server is configured to trust its proxy.
pub fn client_ip(state: &AppState) -> String {
    let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() else {
        return "unknown".into();
    };
    if state.config.trust_forwarded_for {
        if let Some(forwarded) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
        {
            return forwarded.trim().to_string();
        }
    }
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Start a fresh session for `user_id`: a new session id (so a planted id is
/// never kept), with the sign-in time that `resolve` checks.
pub async fn start_session(
    session: &Session,
    user_id: i64,
    signed_in_at: OffsetDateTime,
) -> Result<(), AppError> {
    session.cycle_id().await.map_err(internal)?;
    session.clear().await;
    session
        .insert(USER_ID_KEY, user_id)
        .await
        .map_err(internal)?;
    session
        .insert(SIGNED_IN_AT_KEY, micros(signed_in_at))
        .await
        .map_err(internal)?;
    Ok(())
}

/// Sign in (the rules are the core's: `rapport_core::sign_in`), then start a
/// fresh session for the person.
pub async fn sign_in(
    state: &AppState,
    session: &Session,
    email: &str,
    password: &str,
) -> Result<(), AppError> {
    let ip = client_ip(state);
    let who = check_sign_in(state, &ip, email, password).await?;
    start_session(session, who.user_id, who.signed_in_at).await
}

/// Where to go after signing in: a local path the form asked for, or the dashboard.
/// Anything that could leave the site (`//host`, `https://…`, `/\host`) is ignored.
pub fn safe_next(next: Option<&str>) -> String {
    match next.map(str::trim) {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.chars().any(|c| c.is_control()) =>
        {
            path.to_string()
        }
        _ => "/dashboard".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_paths_stay_on_the_site() {
        assert_eq!(safe_next(Some("/account")), "/account");
        assert_eq!(safe_next(Some("/admin/users?q=a")), "/admin/users?q=a");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "account",
            "",
            "/a\nb",
        ] {
            assert_eq!(safe_next(Some(bad)), "/dashboard", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/dashboard");
    }
}
