//! A customer's list of cases, and the rows every case list shares.

use super::*;
use crate::Reader;
use rapport_types::views::dashboard::{LastReply, OpenCase};

/// What a customer asks of their case list.
#[derive(Debug, Clone)]
pub struct CustomerListQuery<'a> {
    pub status: &'a str,
    pub search: &'a str,
    pub sort: &'a str,
    pub page: PageNumber,
    /// "" is any.
    pub priority: &'a str,
    /// The narrowing of a list opened from the service report.
    pub slice: &'a rapport_types::views::reports::CaseSliceQuery,
}

/// A customer's cases (a customer admin's: the organization's), filtered and paged.
pub async fn customer_list(
    reader: &Reader,
    pool: &PgPool,
    q: CustomerListQuery<'_>,
) -> Result<CaseList, Error> {
    let CustomerListQuery {
        status,
        search,
        sort,
        page,
        priority,
        slice,
    } = q;
    let (zone, actor) = (reader.zone(), reader.signed_in()?);
    policy::authorize(Some(actor), &Action::ListOwnCases)?;
    let scope = case_scope(actor).ok_or(Error::Forbidden)?;
    let statuses = customer_statuses(status)?;
    let search: String = search.chars().take(200).collect();
    // Deadlines are staff-only, so is the order they give.
    let sort = match sort_of(sort)? {
        ListSort::Due => return Err(Error::invalid("sort", "Choose one of the listed orders.")),
        sort => sort,
    };
    let priority = customer_priority(priority)?;
    let slice = super::queue::report_slice(pool, slice).await?;
    let filter = ListFilter {
        statuses: &statuses,
        priority: priority.map(Priority::as_str),
        search: &search,
        slice: slice.as_ref(),
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

/// The statuses of a customer's `status` filter: "" or "all" (every status),
/// "active", or one status.
pub(crate) fn customer_statuses(status: &str) -> Result<Vec<&'static str>, Error> {
    Ok(match status {
        "" | "all" => vec![],
        "active" => vec!["new", "open", "pending", "on_hold"],
        other => vec![CaseStatus::parse(other)
            .ok_or_else(|| Error::invalid("status", "Choose one of the listed statuses."))?
            .as_str()],
    })
}

/// A customer's `priority` filter: "" is any.
pub(crate) fn customer_priority(priority: &str) -> Result<Option<Priority>, Error> {
    match priority.trim() {
        "" => Ok(None),
        p => Priority::parse(p)
            .map(Some)
            .ok_or_else(|| Error::invalid("priority", "Choose one of the listed priorities.")),
    }
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
