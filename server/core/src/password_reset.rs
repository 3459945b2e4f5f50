//! Forgotten passwords: a link by mail to choose a new one. Also how people
//! an admin creates choose their first password (no one ever sees or sets
//! another person's password).
//!
//! The link works once, for 30 minutes (a welcome link for 7 days); using it
//! ends every session of the account and clears the account's sign-in limit,
//! so a stranger's guesses can never keep the owner out for long. The answer
//! to a request is the same whether the address has an account or not.

use crate::account_mail::{self, AccountMail};
use crate::db::{audit, email_links, users};
use crate::limits::{self, Limit};
use crate::passwords::strong_password;
use crate::policy::{self, Action};
use crate::sign_in::hash_password;
use crate::{mail, tokens, Backend, Error, Reader};
use rapport_types::Email;
use std::time::Duration;

/// How long a reset link works.
pub const RESET_WITHIN: Duration = Duration::from_secs(30 * 60);
/// How long the link in a new account's welcome mail works.
pub const WELCOME_WITHIN: Duration = Duration::from_secs(7 * 24 * 3600);

fn link_not_valid() -> Error {
    Error::invalid(
        "token",
        "This link does not work any more: it was used, or it expired (reset links work \
         for 30 minutes). Ask for a new one.",
    )
}

/// Which mail goes with a new link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Occasion {
    Asked,
    SentByAdmin,
    Welcome,
}

/// Queue a link for `user` (in the caller's transaction) and its mail.
async fn send_link(
    backend: &Backend,
    tx: &mut sqlx::PgConnection,
    user: &users::Contact,
    occasion: Occasion,
) -> Result<(), Error> {
    let token = tokens::new_token();
    let valid_for = match occasion {
        Occasion::Welcome => WELCOME_WITHIN,
        _ => RESET_WITHIN,
    };
    email_links::insert(
        &mut *tx,
        email_links::NewLink {
            purpose: email_links::PASSWORD_RESET,
            token_sha256: &tokens::hash(&token),
            email: &user.email,
            user_id: Some(user.id),
            valid_for,
            ..Default::default()
        },
    )
    .await?;
    let what = match occasion {
        Occasion::Welcome => AccountMail::Welcome {
            token: &token,
            days: valid_for.as_secs() / 86_400,
        },
        _ => AccountMail::ResetPassword {
            token: &token,
            minutes: valid_for.as_secs() / 60,
            asked_by_admin: occasion == Occasion::SentByAdmin,
        },
    };
    mail::queue(
        &mut *tx,
        &account_mail::compose(&backend.links, &user.email, &what),
    )
    .await?;
    Ok(())
}

/// "Forgot password?": send a link if the address has an account (and it is
/// not disabled). Limited per client address and per account address.
pub async fn request(backend: &Backend, email: &str, ip: &str) -> Result<(), Error> {
    let limits = &backend.config.limits;
    limits::hit(&backend.pool, limits, Limit::ResetAddress, ip).await?;
    let email = Email::parse("email", email)?;
    limits::hit(&backend.pool, limits, Limit::ResetAccount, email.as_str()).await?;
    let mut tx = backend.pool.begin().await?;
    if let Some(user) = users::contact_by_email(&mut *tx, &email).await? {
        if !user.disabled {
            send_link(backend, &mut tx, &user, Occasion::Asked).await?;
            audit::record(
                &mut *tx,
                audit::Event {
                    kind: audit::PASSWORD_RESET_SENT,
                    subject_user_id: Some(user.id),
                    email: Some(&user.email),
                    ip: Some(ip),
                    detail: "asked on the sign-in page",
                    ..Default::default()
                },
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// An admin (any user) or a customer admin (their organization's members)
/// sends someone a reset link. Returns the address it went to.
/// The rule needs the person's organization, so the service finds them and
/// asks the policy itself.
pub async fn send_for(
    reader: &Reader,
    backend: &Backend,
    user_id: i64,
    ip: &str,
) -> Result<String, Error> {
    let actor = reader.signed_in()?;
    let user = users::contact(&backend.pool, user_id)
        .await?
        .ok_or(Error::NotFound)?;
    policy::authorize(
        Some(actor),
        &Action::SendPasswordLink {
            target_user_id: user.id,
            target_organization_id: user.organization_id,
        },
    )?;
    let limits = &backend.config.limits;
    limits::hit(
        &backend.pool,
        limits,
        Limit::ResetAccount,
        &user.email.to_lowercase(),
    )
    .await?;
    let mut tx = backend.pool.begin().await?;
    send_link(backend, &mut tx, &user, Occasion::SentByAdmin).await?;
    audit::record(
        &mut *tx,
        audit::Event {
            kind: audit::PASSWORD_RESET_SENT,
            actor_user_id: Some(actor.user_id),
            subject_user_id: Some(user.id),
            email: Some(&user.email),
            ip: Some(ip),
            detail: "sent by an administrator",
        },
    )
    .await?;
    tx.commit().await?;
    Ok(user.email)
}

/// The welcome mail of an account an admin just made (in its transaction).
pub async fn send_welcome(
    backend: &Backend,
    tx: &mut sqlx::PgConnection,
    user_id: i64,
) -> Result<(), Error> {
    let user = users::contact(&mut *tx, user_id)
        .await?
        .ok_or(Error::NotFound)?;
    send_link(backend, tx, &user, Occasion::Welcome).await
}

/// The address a reset link is for, to show on its page.
pub async fn link_address(backend: &Backend, token: &str) -> Result<String, Error> {
    email_links::find_open(
        &backend.pool,
        email_links::PASSWORD_RESET,
        &tokens::hash(token),
    )
    .await?
    .map(|link| link.email)
    .ok_or_else(link_not_valid)
}

/// Use a reset link: the new password is stored, every session of the
/// account ends, the account's other reset links and its sign-in counters
/// are cleared. The person then signs in (with their second factor, if any).
pub async fn choose_password(
    backend: &Backend,
    token: &str,
    new_password: &str,
    ip: &str,
) -> Result<(), Error> {
    let token_hash = tokens::hash(token);
    let link = email_links::find_open(&backend.pool, email_links::PASSWORD_RESET, &token_hash)
        .await?
        .ok_or_else(link_not_valid)?;
    let user_id = link.user_id.ok_or_else(link_not_valid)?;
    let user = users::contact(&backend.pool, user_id)
        .await?
        .ok_or_else(link_not_valid)?;
    let password = strong_password(
        "password",
        new_password,
        &[
            &user.email,
            &user.display_name,
            user.organization_name.as_deref().unwrap_or(""),
        ],
    )?;
    let hash = hash_password(&password).await?;
    let mut tx = backend.pool.begin().await?;
    email_links::take(&mut *tx, email_links::PASSWORD_RESET, &token_hash)
        .await?
        .ok_or_else(link_not_valid)?;
    users::update_password(&mut *tx, user.id, &hash).await?;
    email_links::close_others(
        &mut *tx,
        email_links::PASSWORD_RESET,
        Some(user.id),
        &user.email,
    )
    .await?;
    limits::clear(&mut *tx, Limit::SignInAccount, &user.email.to_lowercase()).await?;
    audit::record(
        &mut *tx,
        audit::Event {
            kind: audit::PASSWORD_RESET,
            actor_user_id: Some(user.id),
            subject_user_id: Some(user.id),
            email: Some(&user.email),
            ip: Some(ip),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
