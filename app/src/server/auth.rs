//! Who is asking: sessions, password hashing and the sign-in rules.
//!
//! A session holds the user id and the database time of sign-in. Each request
//! re-reads the user (one query), so disabling a user or changing a password
//! (`sessions_valid_after`) ends their other sessions at once, and a role change
//! applies to the next request.

use super::db::{self, audit};
use super::policy::Actor;
use super::{internal, AppState};
use crate::domain::{AppError, Email, Password, Role};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use std::net::SocketAddr;
use time::OffsetDateTime;
use tower_sessions::Session;

const USER_ID_KEY: &str = "user_id";
/// Unix time in microseconds of the sign-in, as the database saw it.
const SIGNED_IN_AT_KEY: &str = "signed_in_at_us";

/// The signed-in user of a request, resolved once by the middleware and kept
/// in the request's extensions for pages and server functions.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub actor: Actor,
    pub email: String,
    pub display_name: String,
    pub organization_name: Option<String>,
    /// The time zone chosen under Account (IANA name), if any.
    pub time_zone: Option<String>,
}

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
    let user = db::users::find_for_session(&state.pool, user_id).await?;
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

/// Hash a password with Argon2id, off the async runtime.
pub async fn hash_password(password: &Password) -> Result<String, AppError> {
    let password = password.expose().to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(internal)?
    .map_err(internal)
}

/// A valid hash of a random password: checked against when the e-mail is unknown,
/// so a wrong e-mail takes as long as a wrong password.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Wl1Cz3K6cpgPrs0gkzfMl0v2y5nBVl9bcjcPsjG1zVc";

/// Check a password against a stored hash, off the async runtime.
pub async fn verify_password(candidate: &str, hash: Option<&str>) -> Result<bool, AppError> {
    let candidate = candidate.to_owned();
    let known = hash.is_some();
    let hash = hash.unwrap_or(DUMMY_HASH).to_owned();
    let matches = tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hash).map_err(|e| e.to_string())?;
        Ok::<_, String>(
            Argon2::default()
                .verify_password(candidate.as_bytes(), &parsed)
                .is_ok(),
        )
    })
    .await
    .map_err(internal)?
    .map_err(internal)?;
    Ok(known && matches)
}

/// The answer to every failed sign-in: it never says whether the e-mail exists.
pub fn wrong_credentials() -> AppError {
    AppError::invalid(
        "password",
        "That e-mail and password do not match an account.",
    )
}

/// Sign in: rate limit, check the password, start a fresh session, audit.
pub async fn sign_in(
    state: &AppState,
    session: &Session,
    email: &str,
    password: &str,
) -> Result<(), AppError> {
    let ip = client_ip(state);
    // A malformed address cannot be an account; answer as for any wrong e-mail.
    let email = Email::parse("email", email)?;
    let config = &state.config;
    let (by_account, by_address) =
        audit::recent_sign_in_failures(&state.pool, email.as_str(), &ip, config.sign_in_window)
            .await?;
    if by_account >= config.sign_in_failures_per_account
        || by_address >= config.sign_in_failures_per_address
    {
        let minutes = (config.sign_in_window.as_secs() / 60).max(1) as u32;
        return Err(AppError::RateLimited { minutes });
    }
    let credentials = db::users::find_credentials(&state.pool, &email).await?;
    let matches = verify_password(
        password,
        credentials.as_ref().map(|c| c.password_hash.as_str()),
    )
    .await?;
    let user = match credentials {
        Some(c) if matches && !c.disabled => c,
        _ => {
            audit::record(
                &state.pool,
                audit::Event {
                    kind: audit::SIGN_IN_FAILED,
                    email: Some(email.as_str()),
                    ip: Some(&ip),
                    ..Default::default()
                },
            )
            .await?;
            return Err(wrong_credentials());
        }
    };
    let mut tx = state.pool.begin().await?;
    let signed_in_at = db::users::record_sign_in(&mut *tx, user.id).await?;
    audit::record(
        &mut *tx,
        audit::Event {
            kind: audit::SIGN_IN,
            actor_user_id: Some(user.id),
            subject_user_id: Some(user.id),
            email: Some(email.as_str()),
            ip: Some(&ip),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    start_session(session, user.id, signed_in_at).await
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

    #[tokio::test]
    async fn passwords_hash_and_verify() {
        let password = Password::parse("password", "correct horse battery").unwrap();
        let hash = hash_password(&password).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", Some(&hash))
            .await
            .unwrap());
        assert!(!verify_password("wrong horse battery", Some(&hash))
            .await
            .unwrap());
        // Unknown account: the dummy hash is checked, and the answer is always no.
        assert!(!verify_password("anything", None).await.unwrap());
    }
}
