//! Changing the address someone signs in with: a link to the new address
//! confirms it, and the old address is told twice (when it is asked, and
//! when it is done), so a stolen session cannot quietly take the account.

use crate::account_mail::{self, AccountMail};
use crate::db::{self, audit, email_links, users};
use crate::limits::{self, Limit};
use crate::policy::{Action, Permit};
use crate::sign_in::verify_password;
use crate::{mail, tokens, Backend, Error};
use rapport_types::Email;
use std::time::Duration;

/// How long the link to the new address works.
pub const CONFIRM_WITHIN: Duration = Duration::from_secs(24 * 3600);

fn link_not_valid() -> Error {
    Error::invalid(
        "token",
        "This link does not work any more: it was used, replaced by a newer one, or it \
         is older than a day. Ask for the change again on your account page.",
    )
}

/// Who asks for the change.
pub enum AskedBy<'a> {
    /// The person, with their current password.
    Themselves { current_password: &'a str },
    /// An admin, for someone else.
    Admin,
}

/// Ask to move account `user_id` to `new_address`: a link goes to the new
/// address, a notice to the old one. When the new address already has an
/// account nothing is sent, with the same answer (it does not tell whose it is).
pub async fn request(
    permit: &Permit,
    backend: &Backend,
    user_id: i64,
    new_address: &str,
    asked_by: AskedBy<'_>,
    ip: &str,
) -> Result<String, Error> {
    let action = match asked_by {
        AskedBy::Themselves { .. } => Action::ManageOwnAccount,
        AskedBy::Admin => Action::ChangeUserAddress {
            target_user_id: user_id,
        },
    };
    let actor = permit.check(&action)?.signed_in()?;
    if matches!(asked_by, AskedBy::Themselves { .. }) && actor.user_id != user_id {
        return Err(Error::Forbidden);
    }
    let user = users::contact(&backend.pool, user_id)
        .await?
        .ok_or(Error::NotFound)?;
    let limits = &backend.config.limits;
    limits::hit(
        &backend.pool,
        limits,
        Limit::AddressChange,
        &actor.user_id.to_string(),
    )
    .await?;
    if let AskedBy::Themselves { current_password } = asked_by {
        let stored = users::password_hash(&backend.pool, user.id).await?;
        if !verify_password(current_password, stored.as_deref()).await? {
            return Err(Error::invalid("password", "Your password is not right."));
        }
    }
    let new_address = Email::parse("new_email", new_address)?;
    if new_address.as_str().eq_ignore_ascii_case(&user.email) {
        return Err(Error::invalid(
            "new_email",
            "This is the address the account has now. Type the new one.",
        ));
    }
    let mut tx = backend.pool.begin().await?;
    // A newer request replaces an older one.
    email_links::close_others(
        &mut *tx,
        email_links::ADDRESS_CHANGE,
        Some(user.id),
        &user.email,
    )
    .await?;
    if users::id_by_email(&mut *tx, new_address.as_str())
        .await?
        .is_none()
    {
        let token = tokens::new_token();
        email_links::insert(
            &mut *tx,
            email_links::NewLink {
                purpose: email_links::ADDRESS_CHANGE,
                token_sha256: &tokens::hash(&token),
                email: new_address.as_str(),
                user_id: Some(user.id),
                valid_for: CONFIRM_WITHIN,
                ..Default::default()
            },
        )
        .await?;
        let confirm = AccountMail::ConfirmNewAddress {
            token: &token,
            hours: CONFIRM_WITHIN.as_secs() / 3600,
        };
        mail::queue(
            &mut *tx,
            &account_mail::compose(&backend.links, new_address.as_str(), &confirm),
        )
        .await?;
        let notice = AccountMail::AddressChangeAsked {
            new_address: new_address.as_str(),
        };
        mail::queue(
            &mut *tx,
            &account_mail::compose(&backend.links, &user.email, &notice),
        )
        .await?;
    }
    audit::record(
        &mut *tx,
        audit::Event {
            kind: audit::ADDRESS_CHANGE_REQUESTED,
            actor_user_id: Some(actor.user_id),
            subject_user_id: Some(user.id),
            email: Some(new_address.as_str()),
            ip: Some(ip),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(new_address.as_str().to_string())
}

/// The new address a link confirms, to show on its page.
pub async fn link_address(backend: &Backend, token: &str) -> Result<String, Error> {
    email_links::find_open(
        &backend.pool,
        email_links::ADDRESS_CHANGE,
        &tokens::hash(token),
    )
    .await?
    .map(|link| link.email)
    .ok_or_else(link_not_valid)
}

/// Open the link sent to the new address: the account signs in with it from
/// now on, and the old address is told. Returns the new address.
pub async fn confirm(backend: &Backend, token: &str, ip: &str) -> Result<String, Error> {
    let mut tx = backend.pool.begin().await?;
    let link = email_links::take(&mut *tx, email_links::ADDRESS_CHANGE, &tokens::hash(token))
        .await?
        .ok_or_else(link_not_valid)?;
    let user_id = link.user_id.ok_or_else(link_not_valid)?;
    let old = users::contact(&mut *tx, user_id)
        .await?
        .ok_or_else(link_not_valid)?;
    match users::set_email(&mut *tx, user_id, &link.email).await {
        Ok(_) => {}
        Err(e) if db::is_unique_violation(&e, users::EMAIL_UNIQUE_INDEX) => {
            return Err(Error::invalid(
                "token",
                "Another account uses this address now, so it cannot be moved here.",
            ))
        }
        Err(e) => return Err(e.into()),
    }
    let notice = AccountMail::AddressChanged {
        new_address: &link.email,
    };
    mail::queue(
        &mut *tx,
        &account_mail::compose(&backend.links, &old.email, &notice),
    )
    .await?;
    audit::record(
        &mut *tx,
        audit::Event {
            kind: audit::ADDRESS_CHANGED,
            subject_user_id: Some(user_id),
            email: Some(&link.email),
            ip: Some(ip),
            detail: &format!("was {}", old.email),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(link.email)
}
