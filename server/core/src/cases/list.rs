//! A customer's list of cases, and the rows every case list shares.

use super::*;
use crate::Reader;

/// A customer's cases (a customer admin's: the organization's), filtered and paged.
pub async fn customer_list(
    reader: &Reader,
    pool: &PgPool,
    status: &str,
    search: &str,
    sort: &str,
    page: i64,
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
    let (page, offset) = crate::input::page_offset(page, CASES_PER_PAGE)?;
    let rows = db::list(pool, scope, &filter, CASES_PER_PAGE, offset).await?;
    // A customer admin's list is not a staff view, even though it spans people.
    page_of(zone, rows, page, false)
}
