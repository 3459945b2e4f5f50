//! Organizations and their people: the organization page of a customer admin
//! (members, invitations by e-mail, removing, promoting and demoting members)
//! and Rapport admins' renaming and merging. Each service takes the permit that
//! `policy::authorize` gave for its action.
//!
//! Every change to an organization's members locks the organization's row
//! first (`db::organizations::lock`), so two admins demoting each other at the
//! same moment run one after the other, and the rule that an organization
//! keeps an admin is checked against what the other did.

use crate::db::{self, audit, invitations, organizations, search_docs, users};
use crate::mail::{self, OutgoingMail};
use crate::policy::{Action, Permit};
use crate::site::SiteLinks;
use crate::time_zones::ReaderZone;
use crate::{Error, Reader};
use rapport_types::views::admin::OrganizationItem;
use rapport_types::views::organization::{
    InvitationState, InvitationSummary, InvitationView, OrganizationDetails,
};
use rapport_types::views::PersonView;
use rapport_types::{Email, OrganizationName, Role};
use sqlx::{PgConnection, PgPool};

/// How long an invitation link works.
pub const INVITATION_DAYS: i32 = 7;
/// At most this many invitations are listed on the organization page.
const INVITATIONS_LISTED: i64 = 100;

pub const INVITATION_CREATED: &str = audit::INVITATION_CREATED;
pub const INVITATION_RESENT: &str = "invitation_resent";
pub const INVITATION_REVOKED: &str = "invitation_revoked";
pub const MEMBER_REMOVED: &str = "member_removed";
pub const ORGANIZATION_RENAMED: &str = "organization_renamed";
pub const ORGANIZATIONS_MERGED: &str = "organizations_merged";

/// A new invitation token and its hash (`crate::tokens`).
fn new_token() -> (String, String) {
    let token = crate::tokens::new_token();
    let hash = crate::tokens::hash(&token);
    (token, hash)
}

// ---------------------------------------------------------------------------
// Registration: the pieces `accounts::register` uses.

/// Create the organization of a new registration. A name already taken
/// (whatever its case or surrounding spaces) is a message on the form's
/// organization field: that organization's admin can invite them instead.
/// The answer to a new registration whose organization name is taken.
pub fn name_taken(name: &OrganizationName) -> Error {
    Error::invalid(
        "organization_name",
        format!(
            "“{}” is already registered on Rapport. Ask that organization's admin to invite you: the invitation comes by e-mail.",
            name.as_str()
        ),
    )
}

pub async fn create_for_registration(
    tx: &mut PgConnection,
    name: &OrganizationName,
) -> Result<i64, Error> {
    match organizations::create(&mut *tx, name).await {
        Ok(id) => Ok(id),
        Err(e) if db::is_unique_violation(&e, organizations::NAME_UNIQUE_INDEX) => {
            Err(name_taken(name))
        }
        Err(e) => Err(e.into()),
    }
}

/// An invitation link that still works, found by its token.
pub async fn open_invitation(
    pool: &PgPool,
    token: &str,
) -> Result<invitations::OpenInvitation, Error> {
    invitations::find_open(pool, &crate::tokens::hash(token)).await?.ok_or_else(|| {
        Error::invalid(
            "invitation",
            "This invitation link is not valid any more: it was used, revoked, sent again or it expired. Ask your colleague for a new one.",
        )
    })
}

/// What the registration form shows for an invitation link.
pub async fn invitation_details(pool: &PgPool, token: &str) -> Result<InvitationSummary, Error> {
    let invitation = open_invitation(pool, token).await?;
    Ok(InvitationSummary {
        organization_name: invitation.organization_name,
        email: invitation.email,
    })
}

/// An invitation is for one address: registering with it needs that address.
/// (The invitation proves the address: the account needs no confirmation.)
pub fn check_invited_address(
    invitation: &invitations::OpenInvitation,
    email: &Email,
) -> Result<(), Error> {
    if invitation.email.eq_ignore_ascii_case(email.as_str()) {
        Ok(())
    } else {
        Err(Error::invalid(
            "email",
            format!(
                "This invitation is for {}. Register with that address, or ask for an invitation to yours.",
                invitation.email
            ),
        ))
    }
}

/// Mark the invitation used by the new account, in the registration's transaction.
pub async fn accept_invitation(
    tx: &mut PgConnection,
    invitation: &invitations::OpenInvitation,
    user_id: i64,
) -> Result<(), Error> {
    if invitations::accept(&mut *tx, invitation, user_id).await? {
        Ok(())
    } else {
        Err(Error::invalid(
            "invitation",
            "This invitation link was used, revoked or sent again a moment ago. Ask for a new one.",
        ))
    }
}

// ---------------------------------------------------------------------------
// The organization page.

fn role_of(stored: &str) -> Result<Role, Error> {
    Role::parse(stored)
        .ok_or_else(|| Error::internal(format!("unknown role {stored:?} in the database")))
}

/// An organization's details, members and invitations, for its admin (or Rapport's).
pub async fn overview(
    permit: &Permit,
    reader: &Reader,
    pool: &PgPool,
    organization_id: i64,
) -> Result<OrganizationDetails, Error> {
    let zone = reader.zone();
    permit.check(&Action::ViewOrganizationMembers { organization_id })?;
    let overview = organizations::overview(pool, organization_id)
        .await?
        .ok_or(Error::NotFound)?;
    let members = users::members_of(pool, organization_id)
        .await?
        .into_iter()
        .map(|m| member_view(zone, m))
        .collect::<Result<_, _>>()?;
    let invitations = invitations::list(pool, organization_id, INVITATIONS_LISTED)
        .await?
        .into_iter()
        .map(|i| invitation_view(zone, i))
        .collect();
    Ok(OrganizationDetails {
        name: overview.name,
        members,
        open_invitations: overview.open_invitations,
        invitations,
        members_see_all_orders: overview.members_see_all_orders,
    })
}

fn member_view(zone: &ReaderZone, m: users::Member) -> Result<PersonView, Error> {
    Ok(PersonView {
        id: m.id,
        email: m.email,
        display_name: m.display_name,
        role: role_of(&m.role)?,
        organization_name: None,
        disabled: m.disabled,
        created: None,
        last_sign_in: m.last_sign_in_at.map(|t| zone.date_time(t)),
    })
}

fn invitation_view(zone: &ReaderZone, i: invitations::ListedInvitation) -> InvitationView {
    let state = if i.accepted_at.is_some() {
        InvitationState::Accepted
    } else if i.revoked_at.is_some() {
        InvitationState::Revoked
    } else if i.expired {
        InvitationState::Expired
    } else {
        InvitationState::Pending
    };
    InvitationView {
        id: i.id,
        email: i.email,
        invited_by: i.invited_by,
        sent: zone.date_time(i.sent_at),
        expires: zone.date_time(i.expires_at),
        state,
    }
}

/// The invitation mail. To an address that has an account already, it says
/// so and carries no link: an invitation never creates a second account nor
/// moves an existing one to another organization.
fn invitation_mail(
    links: &SiteLinks,
    to: &str,
    inviter: &str,
    organization: &str,
    token: Option<&str>,
) -> OutgoingMail {
    let body = match token {
        Some(token) => format!(
            "Hello,\n\n{inviter} invites you to join {organization} on Rapport, its support portal: \
             there you open and follow support cases, and see your organization's orders and invoices.\n\n\
             Create your account with this link. It works once, for this address ({to}), for {INVITATION_DAYS} days:\n\
             {}\n\n\
             If you did not expect this invitation, ignore this mail.\n",
            links.page(&format!("/register?invitation={token}"))
        ),
        None => format!(
            "Hello,\n\n{inviter} invited you to join {organization} on Rapport. \
             You already have an account with this address, so nothing changes: \
             your account stays as it is, and no second account is made.\n\n\
             If your account should move to {organization}, ask Rapport's support. \
             Sign in here: {}\n",
            links.page("/sign-in")
        ),
    };
    OutgoingMail {
        to: to.to_string(),
        subject: format!("{inviter} invites you to {organization} on Rapport"),
        body: format!("{body}\n-- \nRapport support portal\n"),
        ..OutgoingMail::default()
    }
}

/// Give invitation `id` a new token and queue its mail, in `tx`. The answer
/// to the admin is the same whether the address has an account or not.
async fn send_invitation(
    tx: &mut PgConnection,
    links: &SiteLinks,
    organization: &str,
    inviter_id: i64,
    email: &str,
    token: &str,
) -> Result<bool, Error> {
    let inviter = users::display_name(&mut *tx, inviter_id).await?;
    let has_account = users::id_by_email(&mut *tx, email).await?.is_some();
    let link = (!has_account).then_some(token);
    mail::queue(
        &mut *tx,
        &invitation_mail(links, email, &inviter, organization, link),
    )
    .await?;
    Ok(has_account)
}

/// Invite `email` to the organization by mail (inviting an address with an
/// invitation in progress sends that one again, with a new link).
pub async fn invite(
    permit: &Permit,
    links: &SiteLinks,
    pool: &PgPool,
    organization_id: i64,
    email: &str,
    ip: &str,
) -> Result<(), Error> {
    let actor = permit
        .check(&Action::InviteToOrganization { organization_id })?
        .signed_in()?;
    let email = Email::parse("email", email)?;
    let (token, hash) = new_token();
    let mut tx = pool.begin().await?;
    let organization = organizations::lock(&mut *tx, organization_id)
        .await?
        .ok_or(Error::NotFound)?;
    let id = invitations::create_or_renew(
        &mut *tx,
        &hash,
        organization_id,
        email.as_str(),
        actor.user_id,
        INVITATION_DAYS,
    )
    .await?;
    let has_account = send_invitation(
        &mut tx,
        links,
        &organization,
        actor.user_id,
        email.as_str(),
        &token,
    )
    .await?;
    audit::record(
        &mut *tx,
        audit::Event {
            kind: INVITATION_CREATED,
            actor_user_id: Some(actor.user_id),
            email: Some(email.as_str()),
            ip: Some(ip),
            detail: &invitation_detail(organization_id, id, has_account),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn invitation_detail(organization_id: i64, invitation_id: i64, has_account: bool) -> String {
    let note = if has_account {
        ": the address has an account, the mail carries no link"
    } else {
        ""
    };
    format!("organization {organization_id}, invitation {invitation_id}{note}")
}

/// An invitation of the organization that can still change, locked.
async fn changeable_invitation(
    tx: &mut PgConnection,
    organization_id: i64,
    invitation_id: i64,
) -> Result<(String, invitations::InvitationRow), Error> {
    let organization = organizations::lock(&mut *tx, organization_id)
        .await?
        .ok_or(Error::NotFound)?;
    let invitation =
        invitations::find_in_organization_for_update(&mut *tx, organization_id, invitation_id)
            .await?
            .ok_or(Error::NotFound)?;
    if invitation.accepted {
        return Err(Error::invalid(
            "invitation",
            "This invitation was accepted: that colleague has an account now.",
        ));
    }
    if invitation.revoked {
        return Err(Error::invalid(
            "invitation",
            "This invitation was revoked. Invite the address again to send a new one.",
        ));
    }
    Ok((organization, invitation))
}

/// Send an invitation again: a new link (the old one stops working), valid
/// for another `INVITATION_DAYS` days.
pub async fn resend_invitation(
    permit: &Permit,
    links: &SiteLinks,
    pool: &PgPool,
    organization_id: i64,
    invitation_id: i64,
    ip: &str,
) -> Result<String, Error> {
    let actor = permit
        .check(&Action::InviteToOrganization { organization_id })?
        .signed_in()?;
    let (token, hash) = new_token();
    let mut tx = pool.begin().await?;
    let (organization, invitation) =
        changeable_invitation(&mut tx, organization_id, invitation_id).await?;
    invitations::renew(
        &mut *tx,
        invitation.id,
        &hash,
        actor.user_id,
        INVITATION_DAYS,
    )
    .await?;
    let has_account = send_invitation(
        &mut tx,
        links,
        &organization,
        actor.user_id,
        &invitation.email,
        &token,
    )
    .await?;
    audit::record(
        &mut *tx,
        audit::Event {
            kind: INVITATION_RESENT,
            actor_user_id: Some(actor.user_id),
            email: Some(&invitation.email),
            ip: Some(ip),
            detail: &invitation_detail(organization_id, invitation.id, has_account),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(invitation.email)
}

/// Revoke an invitation: its link stops working. Returns its address.
pub async fn revoke_invitation(
    permit: &Permit,
    pool: &PgPool,
    organization_id: i64,
    invitation_id: i64,
    ip: &str,
) -> Result<String, Error> {
    let actor = permit
        .check(&Action::InviteToOrganization { organization_id })?
        .signed_in()?;
    let mut tx = pool.begin().await?;
    let (_, invitation) = changeable_invitation(&mut tx, organization_id, invitation_id).await?;
    invitations::revoke(&mut *tx, invitation.id, actor.user_id).await?;
    audit::record(
        &mut *tx,
        audit::Event {
            kind: INVITATION_REVOKED,
            actor_user_id: Some(actor.user_id),
            email: Some(&invitation.email),
            ip: Some(ip),
            detail: &invitation_detail(organization_id, invitation.id, false),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(invitation.email)
}

/// A member of the organization, locked with the organization.
async fn locked_member(
    tx: &mut PgConnection,
    organization_id: i64,
    user_id: i64,
) -> Result<organizations::MemberRow, Error> {
    organizations::lock(&mut *tx, organization_id)
        .await?
        .ok_or(Error::NotFound)?;
    organizations::member_for_update(&mut *tx, organization_id, user_id)
        .await?
        .ok_or(Error::NotFound)
}

const KEEP_AN_ADMIN: &str =
    "Your organization needs at least one admin: make someone else admin first.";

/// Remove a member: they are signed out at once and cannot sign in again;
/// their cases, orders and registrations stay with the organization.
pub async fn remove_member(
    permit: &Permit,
    pool: &PgPool,
    organization_id: i64,
    user_id: i64,
    ip: &str,
) -> Result<String, Error> {
    let actor = permit
        .check(&Action::ManageOrganizationMembers { organization_id })?
        .signed_in()?;
    if user_id == actor.user_id {
        return Err(Error::invalid(
            "member",
            "You cannot remove yourself. Another admin of your organization can.",
        ));
    }
    let mut tx = pool.begin().await?;
    let member = locked_member(&mut tx, organization_id, user_id).await?;
    if member.disabled {
        return Ok(member.email);
    }
    if role_of(&member.role)? == Role::CustomerAdmin
        && organizations::other_active_admins(&mut *tx, organization_id, member.id).await? == 0
    {
        return Err(Error::invalid("member", KEEP_AN_ADMIN));
    }
    users::set_disabled(&mut *tx, member.id, true).await?;
    audit::record(
        &mut *tx,
        audit::Event {
            kind: MEMBER_REMOVED,
            actor_user_id: Some(actor.user_id),
            subject_user_id: Some(member.id),
            email: Some(&member.email),
            ip: Some(ip),
            detail: &format!("organization {organization_id}"),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(member.email)
}

/// Make a member a customer or a customer admin; returns the role they had.
/// The last admin who can sign in cannot be demoted.
pub async fn set_member_role(
    permit: &Permit,
    pool: &PgPool,
    organization_id: i64,
    user_id: i64,
    role: &str,
    ip: &str,
) -> Result<Role, Error> {
    let actor = permit
        .check(&Action::ManageOrganizationMembers { organization_id })?
        .signed_in()?;
    let new_role = Role::parse(role)
        .filter(|r| r.is_customer())
        .ok_or_else(|| Error::invalid("role", "Choose customer or customer admin."))?;
    let mut tx = pool.begin().await?;
    let member = locked_member(&mut tx, organization_id, user_id).await?;
    let current = role_of(&member.role)?;
    if member.disabled {
        return Err(Error::invalid(
            "role",
            "This member was removed: they cannot sign in, so their role cannot change.",
        ));
    }
    if current == new_role {
        return Ok(current);
    }
    if current == Role::CustomerAdmin
        && organizations::other_active_admins(&mut *tx, organization_id, member.id).await? == 0
    {
        return Err(Error::invalid("role", KEEP_AN_ADMIN));
    }
    users::set_role(&mut *tx, member.id, new_role).await?;
    audit::record(
        &mut *tx,
        audit::Event {
            kind: audit::ROLE_CHANGED,
            actor_user_id: Some(actor.user_id),
            subject_user_id: Some(member.id),
            ip: Some(ip),
            detail: &format!("{} -> {}", current.as_str(), new_role.as_str()),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(current)
}

// ---------------------------------------------------------------------------
// Rapport's admins: every organization.

pub async fn list(
    permit: &Permit,
    reader: &Reader,
    pool: &PgPool,
) -> Result<Vec<OrganizationItem>, Error> {
    let zone = reader.zone();
    permit.check(&Action::ManageUsers)?;
    Ok(organizations::list(pool)
        .await?
        .into_iter()
        .map(|o| OrganizationItem {
            id: o.id,
            name: o.name,
            created: zone.date_time(o.created_at),
            members: o.members,
            admins: o.admins,
        })
        .collect())
}

/// Rename an organization; returns its old name.
pub async fn rename(
    permit: &Permit,
    pool: &PgPool,
    organization_id: i64,
    name: &str,
    ip: &str,
) -> Result<String, Error> {
    let actor = permit.check(&Action::ManageOrganizations)?.signed_in()?;
    let name = OrganizationName::parse("name", name)?;
    let mut tx = pool.begin().await?;
    let old = organizations::lock(&mut *tx, organization_id)
        .await?
        .ok_or(Error::NotFound)?;
    match organizations::rename(&mut *tx, organization_id, &name).await {
        Ok(_) => {}
        Err(e) if db::is_unique_violation(&e, organizations::NAME_UNIQUE_INDEX) => {
            return Err(Error::invalid(
                "name",
                "Another organization has this name. Merge them instead, or choose another name.",
            ))
        }
        Err(e) => return Err(e.into()),
    }
    audit::record(
        &mut *tx,
        audit::Event {
            kind: ORGANIZATION_RENAMED,
            actor_user_id: Some(actor.user_id),
            ip: Some(ip),
            detail: &format!("organization {organization_id}: {old} -> {}", name.as_str()),
            ..Default::default()
        },
    )
    .await?;
    crate::api::directory::record_organization(&mut tx, organization_id, false).await?;
    tx.commit().await?;
    Ok(old)
}

/// Move everything of organization `source` (people, cases, orders, invoices,
/// deliveries, invitations, its own articles) into `target`, and delete
/// `source`: one transaction, audited. Returns what moved.
pub async fn merge(
    permit: &Permit,
    pool: &PgPool,
    source: i64,
    target: i64,
    ip: &str,
) -> Result<organizations::Moved, Error> {
    let actor = permit.check(&Action::ManageOrganizations)?.signed_in()?;
    if source == target {
        return Err(Error::invalid(
            "target",
            "Choose another organization to merge into.",
        ));
    }
    let mut tx = pool.begin().await?;
    // Always in the same order, so two merges of the same pair cannot deadlock.
    let mut names = [(source, None), (target, None)];
    names.sort_by_key(|(id, _)| *id);
    for (id, name) in names.iter_mut() {
        *name = organizations::lock(&mut *tx, *id).await?;
    }
    let name_of = |id: i64| {
        names
            .iter()
            .find(|(i, _)| *i == id)
            .and_then(|(_, n)| n.clone())
            .ok_or(Error::NotFound)
    };
    let (source_name, target_name) = (name_of(source)?, name_of(target)?);
    let moved = organizations::merge(&mut tx, source, target, actor.user_id).await?;
    for article in &moved.articles {
        search_docs::notify_article_changed(&mut tx, *article).await?;
    }
    audit::record(
        &mut *tx,
        audit::Event {
            kind: ORGANIZATIONS_MERGED,
            actor_user_id: Some(actor.user_id),
            ip: Some(ip),
            detail: &format!(
                "{source_name} ({source}) into {target_name} ({target}): {} people, {} cases, {} orders, {} invitations, {} articles",
                moved.users,
                moved.cases,
                moved.orders,
                moved.invitations,
                moved.articles.len()
            ),
            ..Default::default()
        },
    )
    .await?;
    crate::api::directory::record_organization(&mut tx, source, true).await?;
    tx.commit().await?;
    Ok(moved)
}
