//! Canned replies: agents keep a library of reusable answers and insert them
//! into replies, with placeholders filled in for the case at hand.

use super::db::{self, canned as db_canned, cases::CaseRow};
use super::policy::{self, Action, Actor};
use crate::input::required_text;
use crate::Error;
use crate::Reader;
use rapport_types::views::canned::CannedReply;
use rapport_types::CaseNumber;
use sqlx::PgPool;

const MAX_TITLE: usize = 100;
const MAX_BODY: usize = 10_000;

/// The placeholders a canned reply may use, with what they stand for.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("{{customer_name}}", "the requester's full name"),
    ("{{customer_first_name}}", "the requester's first name"),
    ("{{case_number}}", "the case number, e.g. C-1042"),
    ("{{case_subject}}", "the case subject"),
    ("{{organization}}", "the requester's organization"),
    ("{{agent_name}}", "your own name"),
];

/// What the placeholders stand for in one case.
pub struct Fill<'a> {
    pub customer_name: &'a str,
    pub case_number: &'a str,
    pub case_subject: &'a str,
    pub organization: &'a str,
    pub agent_name: &'a str,
}

/// `body` with every known placeholder replaced; unknown ones stay as typed,
/// so a typo is visible in the reply before it is sent.
pub fn fill(body: &str, with: &Fill<'_>) -> String {
    let first_name = with
        .customer_name
        .split_whitespace()
        .next()
        .unwrap_or(with.customer_name);
    let values = [
        with.customer_name,
        first_name,
        with.case_number,
        with.case_subject,
        with.organization,
        with.agent_name,
    ];
    // One pass over the text: a value that itself looks like a placeholder
    // (a subject typed as "{{agent_name}}") is left as it is.
    let mut filled = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(start) = rest.find("{{") {
        filled.push_str(&rest[..start]);
        let at = &rest[start..];
        match PLACEHOLDERS
            .iter()
            .zip(values)
            .find(|((placeholder, _), _)| at.starts_with(placeholder))
        {
            Some(((placeholder, _), value)) => {
                filled.push_str(value);
                rest = &at[placeholder.len()..];
            }
            None => {
                // Not a placeholder here; one might start at the next brace ("{{{x}}}").
                filled.push('{');
                rest = &at[1..];
            }
        }
    }
    filled.push_str(rest);
    filled
}

/// Canned reply `id` with its placeholders filled in for `case`, as `actor`
/// (the agent about to use it) would send it; "not found" for an unknown id.
/// The one place a canned reply meets a case: the case page's `?canned=` and
/// `reply_text` both come here.
pub async fn fill_for_case(
    pool: &PgPool,
    actor: &Actor,
    id: i64,
    case: &CaseRow,
) -> Result<String, Error> {
    policy::authorize(Some(actor), &Action::WorkCases)?;
    let (body, agent_name) = db_canned::body_for(pool, id, actor.user_id)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(fill(
        &body,
        &Fill {
            customer_name: &case.requester_name,
            case_number: &CaseNumber(case.number).to_string(),
            case_subject: &case.subject,
            organization: &case.organization_name,
            agent_name: &agent_name,
        },
    ))
}

/// Canned reply `id` filled in for case `number`, to insert into the reply
/// being typed. Reads only. The case is found as `cases::detail` finds it: in
/// the actor's scope, and "not found" when they may not see it.
pub async fn reply_text(
    reader: &Reader,
    pool: &PgPool,
    number: &str,
    id: i64,
) -> Result<String, Error> {
    let actor = reader.signed_in()?;
    policy::authorize(Some(actor), &Action::WorkCases)?;
    let case = super::cases::load(pool, actor, number, Action::ViewCase).await?;
    fill_for_case(pool, actor, id, &case).await
}

pub async fn list(reader: &Reader, pool: &PgPool) -> Result<Vec<CannedReply>, Error> {
    let (zone, actor) = (reader.zone(), reader.signed_in()?);
    policy::authorize(Some(actor), &Action::WorkCases)?;
    Ok(db_canned::list(pool)
        .await?
        .into_iter()
        .map(|row| CannedReply {
            id: row.id,
            title: row.title,
            body: row.body,
            updated: format!(
                "{} by {}",
                zone.date_time(row.updated_at),
                row.updated_by.unwrap_or_else(|| "someone".into())
            ),
        })
        .collect())
}

/// Create (no id) or change a canned reply.
pub async fn save(
    reader: &Reader,
    pool: &PgPool,
    id: Option<i64>,
    title: &str,
    body: &str,
) -> Result<i64, Error> {
    let actor = reader.signed_in()?;
    policy::authorize(Some(actor), &Action::WorkCases)?;
    let title = required_text("title", title, "a title", MAX_TITLE)?;
    let body = required_text("body", body, "the reply text", MAX_BODY)?;
    match db_canned::save(pool, id, &title, &body, actor.user_id).await {
        Ok(Some(id)) => Ok(id),
        Ok(None) => Err(Error::NotFound),
        Err(err) if db::is_unique_violation(&err, "canned_replies_title_key") => Err(
            Error::invalid("title", "A canned reply with this title exists already."),
        ),
        Err(err) => Err(err.into()),
    }
}

pub async fn delete(reader: &Reader, pool: &PgPool, id: i64) -> Result<(), Error> {
    let actor = reader.signed_in()?;
    policy::authorize(Some(actor), &Action::WorkCases)?;
    if db_canned::delete(pool, id).await? {
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_unknown_ones_kept() {
        let with = Fill {
            customer_name: "Nick Northwind",
            case_number: "C-1042",
            case_subject: "Scanner",
            organization: "Northwind Traders",
            agent_name: "Sam Agent",
        };
        let text = fill(
            "Hi {{customer_first_name}}, about {{case_number}} ({{case_subject}}) at {{organization}}: {{unknown}}. {{agent_name}} for {{customer_name}}",
            &with,
        );
        assert_eq!(
            text,
            "Hi Nick, about C-1042 (Scanner) at Northwind Traders: {{unknown}}. Sam Agent for Nick Northwind"
        );
    }

    #[test]
    fn values_that_look_like_placeholders_are_not_filled_again() {
        let with = Fill {
            customer_name: "{{agent_name}}",
            case_number: "C-1",
            case_subject: "{{organization}} {{",
            organization: "Acme",
            agent_name: "Sam",
        };
        assert_eq!(
            fill(
                "{{customer_name}} / {{case_subject}} / {{agent_name}} {{",
                &with
            ),
            "{{agent_name}} / {{organization}} {{ / Sam {{"
        );
        assert_eq!(fill("{{{case_number}}}", &with), "{C-1}");
    }
}
