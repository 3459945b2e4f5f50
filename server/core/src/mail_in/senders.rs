//! Who wrote a message: our own address, a person with an account, or a
//! stranger who may become a contact (at an organization's e-mail domain, or
//! in "Unsorted" when the site keeps unknown senders). And who on its Cc line
//! becomes a follower.

use super::parse::{Parsed, Person};
use crate::db::contacts;
use crate::db::mail_in as db;
use crate::policy::Actor;
use crate::Error;
use rapport_types::{DisplayName, Role};
use sqlx::PgPool;

/// Our sender address (`RAPPORT_MAIL_FROM`): its reply addresses
/// (`support+<token>@domain`) are ours too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OurAddress {
    local: String,
    domain: String,
}

impl OurAddress {
    /// From `Rapport <support@rapport.example>` or a bare address.
    pub fn parse(mail_from: &str) -> OurAddress {
        let address = match (mail_from.rfind('<'), mail_from.rfind('>')) {
            (Some(open), Some(close)) if open < close => &mail_from[open + 1..close],
            _ => mail_from,
        };
        let address = address.trim().to_ascii_lowercase();
        let (local, domain) = address.rsplit_once('@').unwrap_or((&address, ""));
        let local = local.split_once('+').map_or(local, |(base, _)| base);
        OurAddress {
            local: local.to_string(),
            domain: domain.to_string(),
        }
    }

    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// `support@domain` or `support+anything@domain`.
    pub fn is_ours(&self, address: &str) -> bool {
        let Some((local, domain)) = address.rsplit_once('@') else {
            return false;
        };
        let base = local.split_once('+').map_or(local, |(base, _)| base);
        domain.eq_ignore_ascii_case(&self.domain) && base.eq_ignore_ascii_case(&self.local)
    }
}

/// A sender with an account.
#[derive(Debug, Clone)]
pub struct Known {
    pub actor: Actor,
    pub disabled: bool,
}

impl Known {
    pub fn is_staff(&self) -> bool {
        !self.actor.role.is_customer()
    }
}

/// The person with this address, if any.
pub async fn known(pool: &PgPool, address: &str) -> Result<Option<Known>, Error> {
    let Some(row) = contacts::by_email(pool, address).await? else {
        return Ok(None);
    };
    let role = Role::parse(&row.role)
        .ok_or_else(|| Error::internal(format!("unknown role {:?}", row.role)))?;
    Ok(Some(Known {
        actor: Actor {
            user_id: row.id,
            role,
            organization_id: row.organization_id,
        },
        disabled: row.disabled,
    }))
}

/// The name a contact gets: the one in the header, else the address's local part.
fn contact_name(person: &Person) -> String {
    person
        .name
        .as_deref()
        .and_then(|name| DisplayName::parse("name", name).ok())
        .or_else(|| {
            let local = person.address.split('@').next().unwrap_or_default();
            DisplayName::parse("name", local).ok()
        })
        .map(|name| name.as_str().to_string())
        .unwrap_or_else(|| "Contact".to_string())
}

fn domain_of(address: &str) -> &str {
    address.rsplit_once('@').map_or("", |(_, domain)| domain)
}

/// An unknown sender made a contact: at the organization of their address's
/// domain, else in "Unsorted" when the site keeps unknown senders. None when
/// the site refuses them.
pub async fn contact_for(pool: &PgPool, person: &Person) -> Result<Option<Actor>, Error> {
    let organization_id = match contacts::organization_of_domain(pool, domain_of(&person.address))
        .await?
    {
        Some(id) => id,
        None if db::unknown_senders(pool).await? == "unsorted" => {
            let mut tx = pool.begin().await?;
            let id = contacts::organization_named(&mut tx, contacts::UNSORTED_ORGANIZATION).await?;
            tx.commit().await?;
            id
        }
        None => return Ok(None),
    };
    make_contact(pool, person, organization_id).await.map(Some)
}

async fn make_contact(
    pool: &PgPool,
    person: &Person,
    organization_id: i64,
) -> Result<Actor, Error> {
    let id = contacts::find_or_create(
        pool,
        &person.address,
        &contact_name(person),
        organization_id,
    )
    .await?;
    // The address may have been someone's already (a race with another message).
    let known = known(pool, &person.address)
        .await?
        .ok_or_else(|| Error::internal("a contact just made is not there"))?;
    debug_assert_eq!(known.actor.user_id, id);
    Ok(known.actor)
}

/// The people on the Cc line of a customer's mail who follow the case: people
/// with a customer account, and unknown addresses at the case organization's
/// domain (made contacts there). Never our own address, staff or the sender.
pub async fn followers(
    pool: &PgPool,
    parsed: &Parsed,
    ours: &OurAddress,
    organization_id: i64,
    sender_id: i64,
) -> Result<Vec<i64>, Error> {
    let mut followers = Vec::new();
    for person in parsed.cc.iter().take(20) {
        if ours.is_ours(&person.address) {
            continue;
        }
        let id = match known(pool, &person.address).await? {
            Some(k) if k.disabled || k.is_staff() => continue,
            Some(k) => k.actor.user_id,
            None if db::domain_of_organization(
                pool,
                organization_id,
                domain_of(&person.address),
            )
            .await? =>
            {
                make_contact(pool, person, organization_id).await?.user_id
            }
            None => continue,
        };
        if id != sender_id && !followers.contains(&id) {
            followers.push(id);
        }
    }
    Ok(followers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_address_and_its_reply_addresses() {
        let ours = OurAddress::parse("Rapport Support <Support@Rapport.example>");
        assert_eq!(ours.domain(), "rapport.example");
        assert!(ours.is_ours("support@rapport.example"));
        assert!(ours.is_ours("SUPPORT+abc123@rapport.example"));
        assert!(!ours.is_ours("sam@rapport.example"));
        assert!(!ours.is_ours("support@other.example"));
        assert!(!ours.is_ours("support"));
        assert_eq!(OurAddress::parse("support@x.example").domain(), "x.example");
    }
}
