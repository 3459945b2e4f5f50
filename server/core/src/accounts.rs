//! Account rules: registration, passwords, roles and the views of
//! people that pages show. Each takes the permit that `policy::authorize` gave for its action.

use super::db::{self, audit, organizations, users};
use super::sign_in::{hash_password, verify_password};
use crate::policy::{Action, Permit};
use crate::Error;
use crate::Reader;
use rapport_types::views::account::TimeZoneChoices;
use rapport_types::views::admin::{UserPage, USERS_PER_PAGE};
use rapport_types::views::PersonView;
use rapport_types::{DisplayName, Email, OrganizationName, Password, Role};
use sqlx::PgPool;
use time::OffsetDateTime;

fn role_of(stored: &str) -> Result<Role, Error> {
    Role::parse(stored)
        .ok_or_else(|| Error::internal(format!("unknown role {stored:?} in the database")))
}

/// Insert a user; an e-mail address already in use becomes a message on the e-mail field.
async fn insert_user(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    user: users::NewUser<'_>,
) -> Result<i64, Error> {
    match users::create(&mut **tx, user).await {
        Ok(id) => Ok(id),
        Err(e) if db::is_unique_violation(&e, users::EMAIL_UNIQUE_INDEX) => Err(Error::invalid(
            "email",
            "An account with this e-mail address already exists. Sign in, or use another address.",
        )),
        Err(e) => Err(e.into()),
    }
}

/// What the registration form sends.
pub struct Registration {
    pub email: String,
    pub display_name: String,
    pub organization_name: String,
    pub password: String,
    pub invitation: Option<String>,
}

/// Join an organization by an invitation: the invitation went to the
/// address by mail, so the account is made at once and signed in. One
/// transaction; returns the user and sign-in time. (A new organization
/// registers through `registration`, with its address confirmed first.)
pub async fn join_by_invitation(
    pool: &PgPool,
    form: Registration,
    token: &str,
    ip: &str,
) -> Result<(i64, OffsetDateTime), Error> {
    let email = Email::parse("email", &form.email)?;
    let name = DisplayName::parse("display_name", &form.display_name)?;
    let invitation = crate::organizations::open_invitation(pool, token).await?;
    crate::organizations::check_invited_address(&invitation, &email)?;
    let password = crate::passwords::strong_password(
        "password",
        &form.password,
        &[email.as_str(), name.as_str(), &invitation.organization_name],
    )?;
    let hash = hash_password(&password).await?;

    let mut tx = pool.begin().await?;
    let user_id = insert_user(
        &mut tx,
        users::NewUser {
            email: &email,
            display_name: &name,
            role: Role::Customer,
            organization_id: Some(invitation.organization_id),
            password_hash: &hash,
        },
    )
    .await?;
    crate::organizations::accept_invitation(&mut tx, &invitation, user_id).await?;
    let signed_in_at = users::record_sign_in(&mut *tx, user_id).await?;
    audit::record(
        &mut *tx,
        audit::Event {
            kind: audit::REGISTERED,
            actor_user_id: Some(user_id),
            subject_user_id: Some(user_id),
            email: Some(email.as_str()),
            ip: Some(ip),
            detail: "joined by invitation",
        },
    )
    .await?;
    tx.commit().await?;
    Ok((user_id, signed_in_at))
}

/// Check the current password, store the new one and end the user's other sessions.
pub async fn change_password(
    permit: &Permit,
    pool: &PgPool,
    current: &str,
    new: &str,
    ip: &str,
) -> Result<OffsetDateTime, Error> {
    permit.check(&Action::ManageOwnAccount)?;
    let user_id = permit.signed_in()?.user_id;
    let stored = users::password_hash(pool, user_id)
        .await?
        .ok_or(Error::NotFound)?;
    if !verify_password(current, Some(&stored)).await? {
        return Err(Error::invalid(
            "current_password",
            "Your current password is not right.",
        ));
    }
    let me = users::contact(pool, user_id)
        .await?
        .ok_or(Error::NotFound)?;
    let password = crate::passwords::strong_password(
        "new_password",
        new,
        &[
            &me.email,
            &me.display_name,
            me.organization_name.as_deref().unwrap_or(""),
        ],
    )?;
    if new == current {
        return Err(Error::invalid(
            "new_password",
            "Choose a password different from the current one.",
        ));
    }
    let hash = hash_password(&password).await?;
    let mut tx = pool.begin().await?;
    let valid_from = users::update_password(&mut *tx, user_id, &hash).await?;
    audit::record(
        &mut *tx,
        audit::Event {
            kind: audit::PASSWORD_CHANGED,
            actor_user_id: Some(user_id),
            subject_user_id: Some(user_id),
            ip: Some(ip),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(valid_from)
}

/// The time zones to choose from, for the signed-in people's time zone fields
/// (their own, a workshop session's, the business calendar's). Public data:
/// being signed in is enough.
pub fn time_zone_names(reader: &Reader) -> Result<TimeZoneChoices, Error> {
    reader.signed_in()?;
    Ok(TimeZoneChoices {
        names: crate::time_zones::names().to_vec(),
    })
}

pub async fn list_users(
    permit: &Permit,
    reader: &Reader,
    pool: &PgPool,
    query: &str,
    page: rapport_types::PageNumber,
) -> Result<UserPage, Error> {
    let zone = reader.zone();
    permit.check(&Action::ManageUsers)?;
    let query: String = query.chars().take(200).collect();
    let rows = users::search(pool, &query, USERS_PER_PAGE, page.offset(USERS_PER_PAGE)).await?;
    let total = rows.first().map(|r| r.total).unwrap_or(0);
    let users = rows
        .into_iter()
        .map(|r| {
            Ok(PersonView {
                id: r.id,
                email: r.email,
                display_name: r.display_name,
                role: role_of(&r.role)?,
                organization_name: r.organization_name,
                disabled: r.disabled,
                created: Some(zone.date_time(r.created_at)),
                last_sign_in: r.last_sign_in_at.map(|t| zone.date_time(t)),
            })
        })
        .collect::<Result<_, Error>>()?;
    Ok(UserPage {
        users,
        total,
        page: page.get(),
    })
}

/// Create any kind of user from the command line (`rapport create-user`): the
/// operator chooses the first password. Customers join the organization of
/// that name, which is created when new.
pub async fn create_user(
    pool: &PgPool,
    email: &str,
    display_name: &str,
    role: Role,
    organization: Option<&str>,
    password: &str,
) -> Result<i64, Error> {
    let password = Password::parse("password", password)?;
    let hash = hash_password(&password).await?;
    let mut tx = pool.begin().await?;
    let id = insert_person(&mut tx, email, display_name, role, organization, &hash).await?;
    tx.commit().await?;
    Ok(id)
}

/// Check a new person's details and insert them, in the caller's transaction.
async fn insert_person(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    email: &str,
    display_name: &str,
    role: Role,
    organization: Option<&str>,
    password_hash: &str,
) -> Result<i64, Error> {
    let email = Email::parse("email", email)?;
    let name = DisplayName::parse("display_name", display_name)?;
    let organization = match (
        role.is_customer(),
        organization.map(str::trim).filter(|o| !o.is_empty()),
    ) {
        (true, Some(org)) => Some(OrganizationName::parse("organization", org)?),
        (true, None) => {
            return Err(Error::invalid(
                "organization",
                "Customers need an organization.",
            ))
        }
        (false, Some(_)) => {
            return Err(Error::invalid(
                "organization",
                "Agents, trainers and admins do not belong to an organization.",
            ))
        }
        (false, None) => None,
    };
    let organization_id = match &organization {
        Some(name) => Some(match organizations::find_by_name(&mut **tx, name).await? {
            Some(id) => id,
            None => organizations::create(&mut **tx, name).await?,
        }),
        None => None,
    };
    insert_user(
        tx,
        users::NewUser {
            email: &email,
            display_name: &name,
            role,
            organization_id,
            password_hash,
        },
    )
    .await
}

/// An admin creates an agent, trainer or admin. Nobody types a password for
/// them: they get a mail with a link to choose their own (valid 7 days).
pub async fn create_staff_user(
    permit: &Permit,
    backend: &crate::Backend,
    email: &str,
    display_name: &str,
    role: &str,
    ip: &str,
) -> Result<i64, Error> {
    let role = Role::parse(role)
        .filter(|r| r.is_staff())
        .ok_or_else(|| Error::invalid("role", "Choose agent, trainer or admin."))?;
    let actor = permit.check(&Action::CreateStaffUser)?.signed_in()?;
    // Until they choose one, no password opens the account: the hash is of
    // 256 random bits that are thrown away.
    let unusable = Password::parse("password", &crate::tokens::new_token())?;
    let hash = hash_password(&unusable).await?;
    let mut tx = backend.pool.begin().await?;
    let id = insert_person(&mut tx, email, display_name, role, None, &hash).await?;
    crate::password_reset::send_welcome(backend, &mut tx, id).await?;
    audit::record(
        &mut *tx,
        audit::Event {
            kind: audit::USER_CREATED,
            actor_user_id: Some(actor.user_id),
            subject_user_id: Some(id),
            email: Some(&email.trim().to_lowercase()),
            ip: Some(ip),
            detail: role.as_str(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Change a user's role; returns the role they had before. Staff roles change
/// among themselves and customer roles among themselves: moving between them
/// would need an organization change.
pub async fn change_role(
    permit: &Permit,
    pool: &PgPool,
    user_id: i64,
    role: &str,
    ip: &str,
) -> Result<Role, Error> {
    let actor = permit
        .check(&Action::ChangeUserAccess {
            target_user_id: user_id,
        })?
        .signed_in()?;
    let new_role = Role::parse(role)
        .ok_or_else(|| Error::invalid("role", "Choose one of the listed roles."))?;
    let mut tx = pool.begin().await?;
    let (current, _) = users::role_and_organization(&mut *tx, user_id)
        .await?
        .ok_or(Error::NotFound)?;
    let current = role_of(&current)?;
    if current.is_customer() != new_role.is_customer() {
        return Err(Error::invalid(
            "role",
            if current.is_customer() {
                "A customer can be a customer or a customer admin."
            } else {
                "Company staff can be agents, trainers or admins."
            },
        ));
    }
    if current == new_role {
        return Ok(current);
    }
    users::set_role(&mut *tx, user_id, new_role).await?;
    audit::record(
        &mut *tx,
        audit::Event {
            kind: audit::ROLE_CHANGED,
            actor_user_id: Some(actor.user_id),
            subject_user_id: Some(user_id),
            ip: Some(ip),
            detail: &format!("{} -> {}", current.as_str(), new_role.as_str()),
            ..Default::default()
        },
    )
    .await?;
    crate::api::directory::record_user(&mut tx, user_id).await?;
    tx.commit().await?;
    Ok(current)
}

pub async fn set_disabled(
    permit: &Permit,
    pool: &PgPool,
    user_id: i64,
    disabled: bool,
    ip: &str,
) -> Result<(), Error> {
    let actor = permit
        .check(&Action::ChangeUserAccess {
            target_user_id: user_id,
        })?
        .signed_in()?;
    let mut tx = pool.begin().await?;
    if !users::set_disabled(&mut *tx, user_id, disabled).await? {
        return Err(Error::NotFound);
    }
    audit::record(
        &mut *tx,
        audit::Event {
            kind: if disabled {
                audit::USER_DISABLED
            } else {
                audit::USER_ENABLED
            },
            actor_user_id: Some(actor.user_id),
            subject_user_id: Some(user_id),
            ip: Some(ip),
            ..Default::default()
        },
    )
    .await?;
    crate::api::directory::record_user(&mut tx, user_id).await?;
    tx.commit().await?;
    Ok(())
}
