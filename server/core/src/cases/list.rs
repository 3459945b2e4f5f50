//! A customer's list of cases, and the rows every case list shares.

use super::*;
use crate::Reader;
use rapport_types::views::dashboard::{LastReply, OpenCase};

/// A customer's cases (a customer admin's: the organization's), filtered and paged.
pub async fn customer_list(
    reader: &Reader,
    pool: &PgPool,
    status: &str,
    search: &str,
    sort: &str,
    page: PageNumber,
) -> Result<CaseList, Error> {
    let (zone, actor) = (reader.zone(), reader.signed_in()?);
    policy::authorize(Some(actor), &Action::ListOwnCases)?;
    let scope = case_scope(actor).ok_or(Error::Forbidden)?;
    let statuses: Vec<&str> = match status {
        "" | "all" => vec![],
        "active" => vec!["new", "open", "pending", "on_hold"],
        other => vec![CaseStatus::parse(other)
            .ok_or_else(|| Error::invalid("status", "Choose one of the listed statuses."))?
            .as_str()],
    };
    let search: String = search.chars().take(200).collect();
    // Deadlines are staff-only, so is the order they give.
    let sort = match sort_of(sort)? {
        ListSort::Due => return Err(Error::invalid("sort", "Choose one of the listed orders.")),
        sort => sort,
    };
    let filter = ListFilter {
        statuses: &statuses,
        search: &search,
        sort,
        ..ListFilter::default()
    };
    let rows = db::list(
        pool,
        scope,
        &filter,
        CASES_PER_PAGE,
        page.offset(CASES_PER_PAGE),
    )
    .await?;
    // A customer admin's list is not a staff view, even though it spans people.
    page_of(zone, rows, page, false)
}

/// How many active cases a customer's dashboard lists.
const DESK_CASES: i64 = 10;

/// A customer's active cases for their dashboard (a customer admin's: the
/// organization's), those waiting for the customer first, each with its
/// latest public reply; and how many are active in all. One query.
pub async fn customer_desk(reader: &Reader, pool: &PgPool) -> Result<(Vec<OpenCase>, i64), Error> {
    let (zone, actor) = (reader.zone(), reader.signed_in()?);
    policy::authorize(Some(actor), &Action::ListOwnCases)?;
    let scope = case_scope(actor).ok_or(Error::Forbidden)?;
    let rows = db::desk_cases(pool, scope, DESK_CASES).await?;
    let total = rows.first().map_or(0, |r| r.total);
    let cases = rows
        .into_iter()
        .map(|row| {
            let last_reply = match (row.replied_at, row.replied_by) {
                (Some(at), Some(by)) => Some(LastReply {
                    at: zone.date_time(at),
                    by,
                    from_support: row.replied_by_staff.unwrap_or(false),
                }),
                _ => None,
            };
            Ok(OpenCase {
                number: CaseNumber(row.number).to_string(),
                subject: row.subject,
                status: status_of(&row.status)?,
                requester: row.requester_name,
                last_reply,
                opened: zone.date_time(row.created_at),
            })
        })
        .collect::<Result<_, Error>>()?;
    Ok((cases, total))
}
