//! Registering a new customer organization, with its address confirmed.
//!
//! A registration waits as a link (`email_links`) until the link sent to its
//! address is opened and the password chosen is typed again; only then is the
//! account made. So an address nobody confirmed holds no account and gets no
//! other mail, the answer to the form is the same whether the address already
//! has an account or not (its owner gets a mail saying someone tried), and
//! someone who registers a stranger's address cannot use the account even if
//! the stranger opens the link: it asks for the password of the registration.
//!
//! Joining an organization by invitation is `accounts::register`: the
//! invitation itself was sent to the address.

use crate::account_mail::{self, AccountMail};
use crate::accounts::{self, Registration};
use crate::db::{self, audit, email_links, organizations, users};
use crate::limits::{self, Limit};
use crate::passwords::strong_password;
use crate::sign_in::{hash_password, verify_password, SignedInAs};
use crate::{mail, tokens, Backend, Error};
use rapport_types::{DisplayName, Email, OrganizationName, Role};
use std::time::Duration;

/// How long a confirmation link works.
pub const CONFIRM_WITHIN: Duration = Duration::from_secs(24 * 3600);

/// What became of a registration form.
#[derive(Debug)]
pub enum Registered {
    /// Joined by invitation: signed in at once.
    SignedIn(SignedInAs),
    /// A link was sent (or, for a known address, a warning): check your mail.
    CheckMail,
}

/// The message for a link that cannot be used.
fn link_not_valid() -> Error {
    Error::invalid(
        "token",
        "This link does not work any more: it was used, or it is older than a day. \
         Register again, or ask for a new link below.",
    )
}

/// Take a registration form. Limits: registrations per client address, and
/// mails per e-mail address (so nobody can flood a stranger's inbox).
pub async fn register(
    backend: &Backend,
    form: Registration,
    ip: &str,
) -> Result<Registered, Error> {
    if let Some(invitation) = form.invitation.clone() {
        let (user_id, signed_in_at) =
            accounts::join_by_invitation(&backend.pool, form, &invitation, ip).await?;
        return Ok(Registered::SignedIn(SignedInAs {
            user_id,
            signed_in_at,
        }));
    }
    let email = Email::parse("email", &form.email)?;
    let name = DisplayName::parse("display_name", &form.display_name)?;
    let organization = OrganizationName::parse("organization_name", &form.organization_name)?;
    let password = strong_password(
        "password",
        &form.password,
        &[email.as_str(), name.as_str(), organization.as_str()],
    )?;
    // Counted once the form is right (a typo is no registration), before
    // anything is hashed, written or mailed.
    let limits = &backend.config.limits;
    limits::hit(&backend.pool, limits, Limit::Registration, ip).await?;
    if organizations::find_by_name(&backend.pool, &organization)
        .await?
        .is_some()
    {
        return Err(crate::organizations::name_taken(&organization));
    }
    limits::hit(
        &backend.pool,
        limits,
        Limit::RegistrationMail,
        email.as_str(),
    )
    .await?;
    // Hashed either way, so a known address answers as slowly as a new one.
    let hash = hash_password(&password).await?;
    let mut tx = backend.pool.begin().await?;
    let existing = users::id_by_email(&mut *tx, email.as_str()).await?;
    let mail = if existing.is_some() {
        account_mail::compose(
            &backend.links,
            email.as_str(),
            &AccountMail::AlreadyRegistered,
        )
    } else {
        let token = tokens::new_token();
        email_links::insert(
            &mut *tx,
            email_links::NewLink {
                purpose: email_links::REGISTRATION,
                token_sha256: &tokens::hash(&token),
                email: email.as_str(),
                display_name: Some(name.as_str()),
                organization_name: Some(organization.as_str()),
                password_hash: Some(&hash),
                valid_for: CONFIRM_WITHIN,
                ..Default::default()
            },
        )
        .await?;
        account_mail::compose(
            &backend.links,
            email.as_str(),
            &AccountMail::ConfirmRegistration {
                token: &token,
                hours: CONFIRM_WITHIN.as_secs() / 3600,
            },
        )
    };
    mail::queue(&mut *tx, &mail).await?;
    audit::record(
        &mut *tx,
        audit::Event {
            kind: audit::REGISTRATION_REQUESTED,
            subject_user_id: existing.map(|(id, _)| id),
            email: Some(email.as_str()),
            ip: Some(ip),
            detail: if existing.is_some() {
                "address already has an account"
            } else {
                "confirmation link sent"
            },
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Registered::CheckMail)
}

/// Send the link of the newest waiting registration of `email` again (a new
/// link; the old one keeps working until it expires). The same answer
/// whether there is one or not.
pub async fn send_link_again(backend: &Backend, email: &str, ip: &str) -> Result<(), Error> {
    let limits = &backend.config.limits;
    limits::hit(&backend.pool, limits, Limit::Registration, ip).await?;
    let email = Email::parse("email", email)?;
    limits::hit(
        &backend.pool,
        limits,
        Limit::RegistrationMail,
        email.as_str(),
    )
    .await?;
    let mut tx = backend.pool.begin().await?;
    let Some(waiting) = email_links::latest_open_registration(&mut *tx, email.as_str()).await?
    else {
        return Ok(());
    };
    let token = tokens::new_token();
    email_links::insert(
        &mut *tx,
        email_links::NewLink {
            purpose: email_links::REGISTRATION,
            token_sha256: &tokens::hash(&token),
            email: &waiting.email,
            display_name: waiting.display_name.as_deref(),
            organization_name: waiting.organization_name.as_deref(),
            password_hash: waiting.password_hash.as_deref(),
            valid_for: CONFIRM_WITHIN,
            ..Default::default()
        },
    )
    .await?;
    let mail = account_mail::compose(
        &backend.links,
        &waiting.email,
        &AccountMail::ConfirmRegistration {
            token: &token,
            hours: CONFIRM_WITHIN.as_secs() / 3600,
        },
    );
    mail::queue(&mut *tx, &mail).await?;
    tx.commit().await?;
    Ok(())
}

/// The address a confirmation link is for, to show on its page.
pub async fn link_address(backend: &Backend, token: &str) -> Result<String, Error> {
    email_links::find_open(
        &backend.pool,
        email_links::REGISTRATION,
        &tokens::hash(token),
    )
    .await?
    .map(|link| link.email)
    .ok_or_else(link_not_valid)
}

/// Open a confirmation link with the password of its registration: the
/// organization and its admin are made, and signed in. Password tries count
/// against the client address's sign-in limit.
pub async fn confirm(
    backend: &Backend,
    token: &str,
    password: &str,
    ip: &str,
) -> Result<SignedInAs, Error> {
    let limits = &backend.config.limits;
    limits::hit(&backend.pool, limits, Limit::SignInAddress, ip).await?;
    let token_hash = tokens::hash(token);
    let link = email_links::find_open(&backend.pool, email_links::REGISTRATION, &token_hash)
        .await?
        .ok_or_else(link_not_valid)?;
    if !verify_password(password, link.password_hash.as_deref()).await? {
        return Err(Error::invalid(
            "password",
            "That is not the password chosen when registering. Type the same one.",
        ));
    }
    let email = Email::parse("email", &link.email)?;
    let name = DisplayName::parse("display_name", link.display_name.as_deref().unwrap_or(""))?;
    let organization = OrganizationName::parse(
        "organization_name",
        link.organization_name.as_deref().unwrap_or(""),
    )?;
    let mut tx = backend.pool.begin().await?;
    // Used in the same transaction that makes the account: once, or not at all.
    let link = email_links::take(&mut *tx, email_links::REGISTRATION, &token_hash)
        .await?
        .ok_or_else(link_not_valid)?;
    let organization_id =
        crate::organizations::create_for_registration(&mut tx, &organization).await?;
    let created = users::create(
        &mut *tx,
        users::NewUser {
            email: &email,
            display_name: &name,
            role: Role::CustomerAdmin,
            organization_id: Some(organization_id),
            password_hash: link.password_hash.as_deref().unwrap_or_default(),
        },
    )
    .await;
    let user_id = match created {
        Ok(id) => id,
        Err(e) if db::is_unique_violation(&e, users::EMAIL_UNIQUE_INDEX) => {
            return Err(Error::invalid(
                "token",
                "This address has an account already. Sign in instead.",
            ))
        }
        Err(e) => return Err(e.into()),
    };
    email_links::close_others(&mut *tx, email_links::REGISTRATION, None, email.as_str()).await?;
    let signed_in_at = users::record_sign_in(&mut *tx, user_id).await?;
    // The right password is no guess.
    limits::take_back(&mut *tx, Limit::SignInAddress, ip).await?;
    audit::record(
        &mut *tx,
        audit::Event {
            kind: audit::REGISTERED,
            actor_user_id: Some(user_id),
            subject_user_id: Some(user_id),
            email: Some(email.as_str()),
            ip: Some(ip),
            detail: "new organization, address confirmed",
        },
    )
    .await?;
    tx.commit().await?;
    Ok(SignedInAs {
        user_id,
        signed_in_at,
    })
}
