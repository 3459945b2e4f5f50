//! Who is asking: the session of a request and the user behind it. The
//! sign-in rules and password hashing are the core's (`rapport_core::sign_in`).
//!
//! A session holds the user id, the database time of sign-in and the key of
//! its row in `account_sessions` (the list of one's sessions on the account
//! page). Each request re-reads the user together with that row (one query),
//! so disabling a user or changing a password (`sessions_valid_after`) ends
//! their other sessions at once, a session signed out from the account page
//! ends at its next request, and a role change applies to the next request.
//!
//! With two-factor sign-in, the right password does not give a session yet:
//! the session holds only the pending step (`PendingStep`: who, since when),
//! which no page or server function counts as signed in, until the code is
//! given (`finish_two_factor`).
use super::error::internal;
use super::AppState;
use crate::error::AppError;
use rapport_core::policy::Actor;
use rapport_core::sign_in::check_sign_in;
pub use rapport_core::sign_in::SignedIn;
use rapport_core::two_factor::{self, AfterPassword};
use rapport_core::{account_sessions, db};
use rapport_types::Role;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use time::OffsetDateTime;
use tower_sessions::Session;

const USER_ID_KEY: &str = "user_id";
/// Unix time in microseconds of the sign-in, as the database saw it.
const SIGNED_IN_AT_KEY: &str = "signed_in_at_us";
/// The key of the session's row in `account_sessions`.
const ACCOUNT_SESSION_KEY: &str = "account_session";
/// A sign-in waiting for its second factor (`PendingStep`).
const PENDING_KEY: &str = "two_factor_pending";
/// Recovery codes made just now, until the account page has shown them once.
const NEW_RECOVERY_CODES_KEY: &str = "new_recovery_codes";
/// Wrong codes at one two-factor step before it ends (the password again).
const WRONG_CODES_PER_STEP: u32 = 5;
/// The page of the two-factor step.
pub const TWO_FACTOR_PAGE: &str = "/sign-in/two-factor";

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
    let key: Option<String> = session.get(ACCOUNT_SESSION_KEY).await.map_err(internal)?;
    let Some(key) = key else {
        // From before sessions were listed: sign in again.
        session.flush().await.map_err(internal)?;
        return Ok(None);
    };
    let signed_in_at: i64 = session
        .get(SIGNED_IN_AT_KEY)
        .await
        .map_err(internal)?
        .unwrap_or(0);
    let max_age_us = state.config.session_max_age.as_micros() as i64;
    let now_us = micros(OffsetDateTime::now_utc());
    let user = db::users::find_for_session(&state.pool, user_id, &key)
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

/// The browser's User-Agent header, or "".
fn user_agent() -> String {
    leptos::prelude::with_context::<http::request::Parts, _>(|parts| {
        parts
            .headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    })
    .flatten()
    .unwrap_or_default()
}

/// Start a fresh session for `user_id`: a new session id (so a planted id is
/// never kept), with the sign-in time that `resolve` checks and a new row in
/// the person's list of sessions (this session's old row, if any, goes).
pub async fn start_session(
    session: &Session,
    user_id: i64,
    signed_in_at: OffsetDateTime,
) -> Result<(), AppError> {
    let state = leptos::prelude::use_context::<AppState>()
        .ok_or_else(|| internal("start_session outside a request"))?;
    if let Some(old) = current_session_key(session).await? {
        account_sessions::end(&state.pool, &old).await?;
    }
    let key = account_sessions::start(
        &state.pool,
        &state.config,
        user_id,
        &user_agent(),
        &client_ip(&state),
        signed_in_at,
    )
    .await?;
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
    session
        .insert(ACCOUNT_SESSION_KEY, key)
        .await
        .map_err(internal)?;
    Ok(())
}

/// The key of this session's row in the list of sessions, if signed in.
pub async fn current_session_key(session: &Session) -> Result<Option<String>, AppError> {
    session.get(ACCOUNT_SESSION_KEY).await.map_err(internal)
}

/// End this session: its row in the list goes, the session is deleted from
/// the store and the browser is told to drop the cookie.
pub async fn end_session(state: &AppState, session: &Session) -> Result<(), AppError> {
    if let Some(key) = current_session_key(session).await? {
        account_sessions::end(&state.pool, &key).await?;
    }
    session.flush().await.map_err(internal)
}

/// A sign-in between the right password and the second factor: all the
/// session holds meanwhile.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PendingStep {
    user_id: i64,
    /// The sign-in time the password step recorded (microseconds): the
    /// session starts with it, and the step ends `two_factor_step_timeout` after it.
    signed_in_at_us: i64,
    /// Set up an app first (the site requires it of this person).
    set_up: bool,
    /// Where to go afterwards (already checked by `safe_next`).
    next: String,
    wrong_codes: u32,
}

/// Sign in (the rules are the core's: `rapport_core::sign_in`). Without two
/// factors the session starts now; with them (or when the site requires them
/// and they are still to be set up) the session holds only the pending step.
/// Returns where the browser goes next.
pub async fn sign_in(
    state: &AppState,
    session: &Session,
    email: &str,
    password: &str,
    next: Option<&str>,
) -> Result<String, AppError> {
    let ip = client_ip(state);
    let who = check_sign_in(state, &ip, email, password).await?;
    let next = safe_next(next);
    let set_up = match two_factor::after_password(&state.pool, who.user_id).await? {
        AfterPassword::Done => {
            start_session(session, who.user_id, who.signed_in_at).await?;
            return Ok(next);
        }
        AfterPassword::Code => false,
        AfterPassword::SetUp => true,
    };
    // A new id here too: the step is worth something, so a planted id must not carry it.
    session.cycle_id().await.map_err(internal)?;
    session.clear().await;
    let step = PendingStep {
        user_id: who.user_id,
        signed_in_at_us: micros(who.signed_in_at),
        set_up,
        next,
        wrong_codes: 0,
    };
    session.insert(PENDING_KEY, step).await.map_err(internal)?;
    Ok(TWO_FACTOR_PAGE.to_string())
}

/// The two-factor step this session is at, while it is still valid.
async fn pending_step(
    state: &AppState,
    session: &Session,
) -> Result<Option<PendingStep>, AppError> {
    let step: Option<PendingStep> = session.get(PENDING_KEY).await.map_err(internal)?;
    let Some(step) = step else {
        return Ok(None);
    };
    let timeout = state.config.two_factor_step_timeout.as_micros() as i64;
    if micros(OffsetDateTime::now_utc()) - step.signed_in_at_us > timeout {
        session.remove_value(PENDING_KEY).await.map_err(internal)?;
        return Ok(None);
    }
    Ok(Some(step))
}

fn step_ended(state: &AppState) -> AppError {
    let minutes = (state.config.two_factor_step_timeout.as_secs() / 60).max(1);
    AppError::Conflict(format!(
        "This sign-in has ended: it waits {minutes} minutes for the code. Sign in again with your password."
    ))
}

/// What the two-factor page shows: the code field, or an app to set up
/// first; `None` when no sign-in is waiting (or it took too long).
pub async fn pending_sign_in(
    state: &AppState,
    session: &Session,
) -> Result<Option<rapport_types::views::two_factor::SignInStep>, AppError> {
    use rapport_types::views::two_factor::SignInStep;
    let Some(step) = pending_step(state, session).await? else {
        return Ok(None);
    };
    Ok(Some(if step.set_up {
        SignInStep::SetUp(two_factor::setup_at_sign_in(&state.pool, step.user_id).await?)
    } else {
        SignInStep::Code
    }))
}

/// The second step of a sign-in: the code (or recovery code, or the first
/// code of the app being set up). Right: the session starts, and the browser
/// goes where it was going. Wrong: the message names the field; after a few
/// the step ends. Returns where the browser goes next.
pub async fn finish_two_factor(
    state: &AppState,
    session: &Session,
    code: &str,
) -> Result<String, AppError> {
    let Some(mut step) = pending_step(state, session).await? else {
        return Err(step_ended(state));
    };
    let ip = client_ip(state);
    // Counted before the check, per account, in the database: parallel
    // requests on one pending step (whose own count is in the session)
    // cannot get more tries than the limit.
    use rapport_core::limits::{self, Limit};
    let account = step.user_id.to_string();
    limits::hit(
        &state.pool,
        &state.config.limits,
        Limit::TwoFactorCode,
        &account,
    )
    .await?;
    let checked = if step.set_up {
        two_factor::confirm_at_sign_in(&state.pool, step.user_id, code, &ip)
            .await
            .map(Some)
    } else {
        two_factor::check_at_sign_in(&state.pool, step.user_id, code, &ip)
            .await
            .map(|()| None)
    };
    let new_codes = match checked {
        Ok(new_codes) => new_codes,
        Err(rapport_core::Error::Invalid(field)) => {
            step.wrong_codes += 1;
            if step.wrong_codes >= WRONG_CODES_PER_STEP {
                session.remove_value(PENDING_KEY).await.map_err(internal)?;
                return Err(AppError::Conflict(format!(
                    "{WRONG_CODES_PER_STEP} wrong codes: sign in again with your password."
                )));
            }
            session.insert(PENDING_KEY, &step).await.map_err(internal)?;
            return Err(AppError::Invalid(field));
        }
        Err(other) => {
            session.remove_value(PENDING_KEY).await.map_err(internal)?;
            return Err(other.into());
        }
    };
    // The right code is no guess.
    limits::take_back(&state.pool, Limit::TwoFactorCode, &account).await?;
    let signed_in_at =
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(step.signed_in_at_us) * 1000)
            .map_err(internal)?;
    start_session(session, step.user_id, signed_in_at).await?;
    match new_codes {
        // Set up just now: the account page shows the recovery codes once.
        Some(codes) => {
            keep_new_recovery_codes(session, codes).await?;
            Ok("/account?saved=two_factor".to_string())
        }
        None => Ok(step.next),
    }
}

/// Keep recovery codes made just now until the account page shows them.
pub async fn keep_new_recovery_codes(
    session: &Session,
    codes: Vec<String>,
) -> Result<(), AppError> {
    session
        .insert(NEW_RECOVERY_CODES_KEY, codes)
        .await
        .map_err(internal)
}

/// The recovery codes made just now, once: they are gone from the session after.
pub async fn take_new_recovery_codes(session: &Session) -> Result<Vec<String>, AppError> {
    let codes: Option<Vec<String>> = session
        .remove(NEW_RECOVERY_CODES_KEY)
        .await
        .map_err(internal)?;
    Ok(codes.unwrap_or_default())
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
