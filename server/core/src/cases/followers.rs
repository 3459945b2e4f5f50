//! Followers of a case: people who get its public replies by mail (and whose
//! mailed replies are taken as theirs). Following is mail only: it opens
//! nothing of the case, or of its organization, on the portal.

use super::*;
use crate::db::contacts as contacts_db;
use crate::Reader;
use rapport_types::views::agent_cases::{CaseFollowerList, FollowerView};
use rapport_types::Email;

/// Who follows the case, and what the reader may change.
pub async fn followers(
    reader: &Reader,
    pool: &PgPool,
    number: &str,
) -> Result<CaseFollowerList, Error> {
    let actor = reader.signed_in()?;
    let row = load(pool, actor, number, Action::ViewCaseFollowers).await?;
    let case = case_ref(&row);
    let may = |action: Action| policy::allows(Some(actor), &action);
    let followers = contacts_db::followers(pool, row.id)
        .await?
        .into_iter()
        .map(|f| FollowerView {
            user_id: f.user_id,
            name: f.display_name,
            email: f.email,
            organization: f.organization_name,
        })
        .collect();
    Ok(CaseFollowerList {
        followers,
        may_add: may(Action::AddCaseFollower {
            case,
            colleague: true,
        }),
        colleagues_only: !may(Action::AddCaseFollower {
            case,
            colleague: false,
        }),
        may_remove: may(Action::RemoveCaseFollower(case)),
    })
}

/// Add the person with `email` as a follower. Staff may add anyone (a new
/// address becomes a contact, see `contacts::person_for_address`); the
/// requester and the organization's customer admins add colleagues who have
/// an account. Returns false when they followed already.
pub async fn add_follower(
    reader: &Reader,
    pool: &PgPool,
    number: &str,
    email: &str,
) -> Result<bool, Error> {
    let actor = reader.signed_in()?;
    let row = load(pool, actor, number, Action::ViewCaseFollowers).await?;
    let case = case_ref(&row);
    let email = Email::parse("email", email)?;
    let mut tx = pool.begin().await?;
    let known = contacts_db::by_email(&mut *tx, email.as_str()).await?;
    let colleague = known.as_ref().is_some_and(|person| {
        !person.disabled
            && person.organization_id == Some(row.organization_id)
            && Role::parse(&person.role).is_some_and(|r| r.is_customer())
    });
    let action = Action::AddCaseFollower { case, colleague };
    if !policy::allows(Some(actor), &action)
        && policy::allows(
            Some(actor),
            &Action::AddCaseFollower {
                case,
                colleague: true,
            },
        )
    {
        // The same words whether the address is unknown or someone else's:
        // a customer learns nothing about who exists elsewhere.
        return Err(Error::invalid(
            "email",
            format!(
                "Only colleagues at {} who have an account here can be added.",
                row.organization_name
            ),
        ));
    }
    let permit = policy::authorize(Some(actor), &action)?;
    permit.check(&action)?;
    let user_id = match known {
        Some(person) if colleague => person.id,
        _ => {
            crate::contacts::person_for_address(&mut tx, &email)
                .await?
                .0
        }
    };
    if user_id == row.requester_id {
        return Err(Error::invalid(
            "email",
            "This is the requester, who gets every reply already.",
        ));
    }
    let added = contacts_db::add_follower(&mut *tx, row.id, user_id, actor.user_id).await?;
    tx.commit().await?;
    Ok(added)
}

/// Stop `user_id` following the case. Returns false when they did not follow it.
pub async fn remove_follower(
    reader: &Reader,
    pool: &PgPool,
    number: &str,
    user_id: i64,
) -> Result<bool, Error> {
    let actor = reader.signed_in()?;
    let row = load(pool, actor, number, Action::RemoveCaseFollower).await?;
    Ok(contacts_db::remove_follower(pool, row.id, user_id).await?)
}
