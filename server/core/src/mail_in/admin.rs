//! What admins do about incoming mail: the list of messages that could not be
//! processed (and the latest refused or ignored ones), trying one again, its
//! raw bytes, the unknown-sender setting, and organizations' e-mail domains.

use crate::db::{inbound_mails, mail_in as db};
use crate::policy::{Action, Permit};
use crate::{Backend, Error, Reader};
use rapport_types::views::mail_in::{IncomingMailItem, IncomingMailPage, OrganizationMailDomains};
use rapport_types::MailDomain;
use sqlx::PgPool;

/// How many refused and how many ignored messages the list shows.
const RECENT: i64 = 50;

pub async fn incoming(
    permit: &Permit,
    reader: &Reader,
    pool: &PgPool,
) -> Result<IncomingMailPage, Error> {
    permit.check(&Action::ManageIncomingMail)?;
    let zone = reader.zone();
    let mut items: Vec<IncomingMailItem> = inbound_mails::needing_a_look(pool, RECENT)
        .await?
        .into_iter()
        .map(|row| IncomingMailItem {
            id: row.id,
            received: zone.date_time(row.received_at),
            source: row.source,
            from: row.from_address.unwrap_or_default(),
            subject: row.subject.unwrap_or_default(),
            state: row.state,
            outcome: row.outcome,
        })
        .collect();
    // Those that need an admin first.
    items.sort_by_key(|item| {
        (
            !matches!(item.state.as_str(), "failed" | "received"),
            -item.id,
        )
    });
    Ok(IncomingMailPage {
        items,
        unknown_senders: db::unknown_senders(pool).await?,
    })
}

/// Process a message again ("Try again"); returns its state and outcome now.
pub async fn try_again(
    permit: &Permit,
    backend: &Backend,
    inbound_id: i64,
) -> Result<(String, String), Error> {
    permit.check(&Action::ManageIncomingMail)?;
    super::retry(backend, inbound_id).await?;
    super::outcome(backend, inbound_id).await
}

/// The message as it came, for download.
pub async fn raw(permit: &Permit, pool: &PgPool, inbound_id: i64) -> Result<Vec<u8>, Error> {
    permit.check(&Action::ManageIncomingMail)?;
    inbound_mails::raw(pool, inbound_id)
        .await?
        .ok_or(Error::NotFound)
}

/// What happens to mail from unknown senders: `refuse` or `unsorted`.
pub async fn set_unknown_senders(
    permit: &Permit,
    pool: &PgPool,
    choice: &str,
) -> Result<(), Error> {
    permit.check(&Action::ManageIncomingMail)?;
    if !matches!(choice, "refuse" | "unsorted") {
        return Err(Error::invalid(
            "unknown_senders",
            "Choose whether to refuse such mail or keep it in Unsorted.",
        ));
    }
    db::set_unknown_senders(pool, choice).await?;
    Ok(())
}

/// Every organization with its e-mail domains.
pub async fn domains(
    permit: &Permit,
    pool: &PgPool,
) -> Result<Vec<OrganizationMailDomains>, Error> {
    permit.check(&Action::ManageOrganizations)?;
    let mut list = Vec::new();
    for organization in crate::db::organizations::list(pool).await? {
        list.push(OrganizationMailDomains {
            domains: db::domains(pool, organization.id).await?,
            organization_id: organization.id,
            name: organization.name,
        });
    }
    Ok(list)
}

/// Add a domain to an organization; a domain belongs to one organization.
pub async fn add_domain(
    permit: &Permit,
    pool: &PgPool,
    organization_id: i64,
    domain: &str,
) -> Result<String, Error> {
    permit.check(&Action::ManageOrganizations)?;
    let domain = MailDomain::parse("domain", domain)?;
    if !db::organization_exists(pool, organization_id).await? {
        return Err(Error::NotFound);
    }
    if let Some(other) = db::add_domain(pool, organization_id, domain.as_str()).await? {
        return Err(Error::invalid(
            "domain",
            format!(
                "{} is {other}'s domain already: remove it there first.",
                domain.as_str()
            ),
        ));
    }
    Ok(domain.as_str().to_string())
}

pub async fn remove_domain(
    permit: &Permit,
    pool: &PgPool,
    organization_id: i64,
    domain: &str,
) -> Result<(), Error> {
    permit.check(&Action::ManageOrganizations)?;
    if !db::remove_domain(pool, organization_id, domain).await? {
        return Err(Error::NotFound);
    }
    Ok(())
}
