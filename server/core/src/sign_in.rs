//! Signing in: password hashing and the sign-in rules. The session that
//! follows is the web layer's (`app::web::auth`).

use super::db::{self, audit};
use crate::limits::{self, Limit};
use crate::policy::Actor;
use crate::Backend;
use crate::Error;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use rapport_types::views::auth::UserSummary;
use rapport_types::{Email, Password};
use time::OffsetDateTime;

/// The signed-in user of a request, as the web layer resolved it from the
/// session (`app::web::auth`).
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub actor: Actor,
    pub email: String,
    pub display_name: String,
    pub organization_name: Option<String>,
    /// The time zone chosen under Account (IANA name), if any.
    pub time_zone: Option<String>,
}

impl From<SignedIn> for UserSummary {
    fn from(s: SignedIn) -> UserSummary {
        UserSummary {
            id: s.actor.user_id,
            email: s.email,
            display_name: s.display_name,
            role: s.actor.role,
            organization_name: s.organization_name,
            time_zone: s.time_zone,
            can: crate::policy::capabilities(&s.actor),
        }
    }
}

/// Hash a password with Argon2id, off the async runtime.
pub async fn hash_password(password: &Password) -> Result<String, Error> {
    let password = password.expose().to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(Error::internal)?
    .map_err(Error::internal)
}

/// A valid hash of a random password: checked against when the e-mail is unknown,
/// so a wrong e-mail takes as long as a wrong password.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Wl1Cz3K6cpgPrs0gkzfMl0v2y5nBVl9bcjcPsjG1zVc";

/// Check a password against a stored hash, off the async runtime.
pub async fn verify_password(candidate: &str, hash: Option<&str>) -> Result<bool, Error> {
    let candidate = candidate.to_owned();
    // A contact's hash (`db::contacts::CONTACT_PASSWORD_HASH`) is no hash: no
    // password matches it, after as long a check as a real one (the dummy's).
    let hash = hash.filter(|h| PasswordHash::new(h).is_ok());
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
    .map_err(Error::internal)?
    .map_err(Error::internal)?;
    Ok(known && matches)
}

/// The answer to every failed sign-in: it never says whether the e-mail exists.
pub fn wrong_credentials() -> Error {
    Error::invalid(
        "password",
        "That e-mail and password do not match an account.",
    )
}

/// The sign-in rules: count the attempt against the abuse limits, check the
/// password (as slowly for an unknown e-mail), audit. On success the sign-in is
/// recorded and its database time returned: the caller starts a fresh session
/// with it.
///
/// The attempt is counted *before* the password is checked, by one upsert per
/// limit, so a burst of parallel guesses gets no more checks than the limit.
/// The limits are tried narrowest first, and a refused attempt goes no
/// further: someone guessing one account from one address is stopped by the
/// account-and-address limit long before the account's own limit (which would
/// also stop its owner). The owner can always get in again with a reset link,
/// which clears the account's counters.
pub async fn check_sign_in(
    backend: &Backend,
    ip: &str,
    email: &str,
    password: &str,
) -> Result<SignedInAs, Error> {
    // A malformed address cannot be an account; answer as for any wrong e-mail.
    let email = Email::parse("email", email)?;
    let account = email.as_str().to_lowercase();
    let pair = format!("{account}|{ip}");
    let limits = &backend.config.limits;
    for (limit, key) in [
        (Limit::SignInPair, pair.as_str()),
        (Limit::SignInAccount, account.as_str()),
        (Limit::SignInAddress, ip),
    ] {
        limits::hit(&backend.pool, limits, limit, key).await?;
    }
    let credentials = db::users::find_credentials(&backend.pool, &email).await?;
    let matches = verify_password(
        password,
        credentials.as_ref().map(|c| c.password_hash.as_str()),
    )
    .await?;
    let user = match credentials {
        Some(c) if matches && !c.disabled => c,
        _ => {
            audit::record(
                &backend.pool,
                audit::Event {
                    kind: audit::SIGN_IN_FAILED,
                    email: Some(email.as_str()),
                    ip: Some(ip),
                    ..Default::default()
                },
            )
            .await?;
            return Err(wrong_credentials());
        }
    };
    let mut tx = backend.pool.begin().await?;
    let signed_in_at = db::users::record_sign_in(&mut *tx, user.id).await?;
    audit::record(
        &mut *tx,
        audit::Event {
            kind: audit::SIGN_IN,
            actor_user_id: Some(user.id),
            subject_user_id: Some(user.id),
            email: Some(email.as_str()),
            ip: Some(ip),
            ..Default::default()
        },
    )
    .await?;
    // The owner is in: their earlier typos from here count no more, and a
    // right password is no guess, so it is taken back from the account's
    // and the address's counts (the guesses before it stay counted there).
    limits::clear(&mut *tx, Limit::SignInPair, &pair).await?;
    limits::take_back(&mut *tx, Limit::SignInAccount, &account).await?;
    limits::take_back(&mut *tx, Limit::SignInAddress, ip).await?;
    tx.commit().await?;
    Ok(SignedInAs {
        user_id: user.id,
        signed_in_at,
    })
}

/// Who signed in, and when the database recorded it.
#[derive(Debug, Clone, Copy)]
pub struct SignedInAs {
    pub user_id: i64,
    pub signed_in_at: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(!verify_password("!contact", Some("!contact")).await.unwrap());
    }
}
