//! Customers as agents find them when they open a case for someone (from a
//! phone call, a forwarded mail), and contacts: customers an agent or a mail
//! made, who have no password yet. "Forgot your password?" (a link to their
//! address) is how a contact claims the account.

use crate::db::contacts::{self as db, CustomerRow};
use crate::policy::{self, Action};
use crate::{Error, Reader};
use rapport_types::views::agent_cases::{CustomerCaseForm, RequesterChoice, RequesterSearch};
use rapport_types::{DisplayName, Email};
use sqlx::PgPool;

pub use crate::db::contacts::{CONTACT_PASSWORD_HASH, UNSORTED_ORGANIZATION};

/// At most this many people answer a search.
pub const SEARCH_LIMIT: usize = 20;

fn choice(row: CustomerRow) -> RequesterChoice {
    RequesterChoice {
        id: row.id,
        name: row.display_name,
        email: row.email,
        organization: row.organization_name,
        contact: row.contact,
    }
}

/// Customers whose name, e-mail or organization contains `query`.
pub async fn find_requesters(
    reader: &Reader,
    pool: &PgPool,
    query: &str,
) -> Result<RequesterSearch, Error> {
    policy::authorize(Some(reader.signed_in()?), &Action::OpenCaseForCustomer)?;
    let query = query.trim();
    if query.is_empty() {
        return Ok(RequesterSearch {
            people: Vec::new(),
            more: false,
        });
    }
    if query.chars().count() > 200 {
        return Err(Error::invalid("q", "Search for at most 200 characters."));
    }
    let mut rows = db::search_customers(pool, query, SEARCH_LIMIT as i64 + 1).await?;
    let more = rows.len() > SEARCH_LIMIT;
    rows.truncate(SEARCH_LIMIT);
    Ok(RequesterSearch {
        people: rows.into_iter().map(choice).collect(),
        more,
    })
}

/// The choices of the "New case for a customer" page, with the requester
/// chosen so far.
pub async fn customer_case_form(
    reader: &Reader,
    pool: &PgPool,
    requester: Option<i64>,
) -> Result<CustomerCaseForm, Error> {
    policy::authorize(Some(reader.signed_in()?), &Action::OpenCaseForCustomer)?;
    let requester = match requester {
        Some(id) => Some(choice(
            db::customer(pool, id).await?.ok_or(Error::NotFound)?,
        )),
        None => None,
    };
    Ok(CustomerCaseForm {
        requester,
        categories: crate::db::cases::categories(pool).await?,
        organizations: db::organizations(pool).await?,
    })
}

/// Make a contact: a customer of `organization_id` without a password.
pub async fn create_contact(
    reader: &Reader,
    pool: &PgPool,
    name: &str,
    email: &str,
    organization_id: i64,
) -> Result<RequesterChoice, Error> {
    policy::authorize(Some(reader.signed_in()?), &Action::OpenCaseForCustomer)?;
    let name = DisplayName::parse("name", name)?;
    let email = Email::parse("email", email)?;
    let organizations = db::organizations(pool).await?;
    if !organizations.iter().any(|(id, _)| *id == organization_id) {
        return Err(Error::invalid(
            "organization_id",
            "Choose the customer's organization.",
        ));
    }
    if db::by_email(pool, email.as_str()).await?.is_some() {
        return Err(already_known());
    }
    let id = match db::create(pool, &email, &name, organization_id, CONTACT_PASSWORD_HASH).await {
        Ok(id) => id,
        Err(e) if crate::db::is_unique_violation(&e, crate::db::users::EMAIL_UNIQUE_INDEX) => {
            return Err(already_known())
        }
        Err(e) => return Err(e.into()),
    };
    db::customer(pool, id)
        .await?
        .map(choice)
        .ok_or_else(|| Error::internal("a new contact is missing"))
}

fn already_known() -> Error {
    Error::invalid(
        "email",
        "Someone with this address is known already: search for them instead.",
    )
}

/// The person an agent adds by address: whoever has it, else a new contact,
/// of the organization that owns the address's domain, else of
/// [`UNSORTED_ORGANIZATION`] (never of the case's: an address says nothing
/// about where its owner works). Returns their id and organization; staff
/// and disabled accounts are refused.
pub(crate) async fn person_for_address(
    tx: &mut sqlx::PgConnection,
    email: &Email,
) -> Result<(i64, i64), Error> {
    match db::by_email(&mut *tx, email.as_str()).await? {
        Some(person) if person.disabled => Err(Error::invalid(
            "email",
            "This person's account is disabled.",
        )),
        Some(db::Sender {
            id,
            organization_id: Some(organization_id),
            ..
        }) => Ok((id, organization_id)),
        Some(_) => Err(Error::invalid(
            "email",
            "This is a staff address: staff follow cases by being assigned.",
        )),
        None => {
            let domain = email.as_str().rsplit('@').next().unwrap_or_default();
            let organization_id = match db::organization_of_domain(&mut *tx, domain).await? {
                Some(id) => id,
                None => db::organization_named(&mut *tx, UNSORTED_ORGANIZATION).await?,
            };
            // The part before the @ stands in for a name until they give one.
            let local = email.as_str().split('@').next().unwrap_or_default();
            let name = DisplayName::parse("email", local)?;
            let id = db::create(
                &mut *tx,
                email,
                &name,
                organization_id,
                CONTACT_PASSWORD_HASH,
            )
            .await?;
            Ok((id, organization_id))
        }
    }
}
