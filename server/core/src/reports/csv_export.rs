//! The CSV downloads of the reports: one row per case of the filter, written
//! through the `csv` crate as the rows come from PostgreSQL, in chunks, so
//! memory stays flat however many cases there are.

use super::filter::{self, ReportFilter};
use super::team;
use crate::db::reports::{self as db, CsvRow, Dimensions};
use crate::policy::{Action, Permit};
use crate::Error;
use futures::{Stream, StreamExt};
use rapport_types::views::reports::ReportQuery;
use rapport_types::CaseNumber;
use sqlx::PgPool;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The columns, in order.
pub const HEADER: [&str; 21] = [
    "number",
    "subject",
    "organization",
    "category",
    "priority",
    "channel",
    "status",
    "created",
    "first response",
    "first resolution",
    "final resolution",
    "first response business hours",
    "first response calendar hours",
    "resolution business hours",
    "resolution calendar hours",
    "first response SLA met",
    "resolution SLA met",
    "reopens",
    "agent replies",
    "customer replies",
    "rating",
];

/// Flush a chunk to the client once it holds this many bytes.
const CHUNK: usize = 64 * 1024;
/// Chunks written ahead of the client at most.
const CHUNKS_AHEAD: usize = 4;

/// A cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, or a
/// tab or carriage return before one) gets a leading apostrophe.
pub fn defuse(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

fn instant(t: Option<OffsetDateTime>) -> String {
    t.and_then(|t| t.format(&Rfc3339).ok()).unwrap_or_default()
}

fn hours(seconds: Option<i64>) -> String {
    seconds
        .map(|s| format!("{:.2}", s as f64 / 3600.0))
        .unwrap_or_default()
}

fn yes_no(v: Option<bool>) -> String {
    match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
    .to_string()
}

fn number(v: Option<impl ToString>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// A case as CSV cells, every text cell defused.
pub fn record(row: &CsvRow) -> [String; 21] {
    [
        CaseNumber(row.number).to_string(),
        defuse(&row.subject),
        defuse(&row.organization),
        defuse(&row.category),
        row.priority.clone(),
        row.channel.clone(),
        row.status.clone(),
        instant(Some(row.created_at)),
        instant(row.first_response_at),
        instant(row.first_resolution_at),
        instant(row.final_resolution_at),
        hours(row.first_response_business_seconds),
        hours(row.first_response_seconds),
        hours(row.final_resolution_business_seconds),
        hours(row.final_resolution_seconds),
        yes_no(row.first_response_met),
        yes_no(row.resolution_met),
        number(row.reopens),
        number(row.agent_replies),
        number(row.customer_replies),
        number(row.rating),
    ]
}

/// The team report's CSV for `query` (the filter is parsed before the
/// download starts, so a mistake is a page, not a broken file).
pub async fn team_csv(
    permit: &Permit,
    pool: &PgPool,
    query: &ReportQuery,
) -> Result<impl Stream<Item = Result<Vec<u8>, Error>>, Error> {
    permit.check(&Action::ViewTeamReports)?;
    let calendar = team::calendar_day(pool).await?;
    let filter = ReportFilter::parse(query, calendar.today)?;
    rows(pool, &filter, filter.dimensions(), &calendar)
}

/// The service report's CSV: the permit's organization only.
pub async fn service_csv(
    permit: &Permit,
    pool: &PgPool,
    query: &ReportQuery,
) -> Result<impl Stream<Item = Result<Vec<u8>, Error>>, Error> {
    let calendar = team::calendar_day(pool).await?;
    let filter = super::service::csv_filter(permit, query, calendar.today)?;
    rows(pool, &filter, filter.dimensions(), &calendar)
}

fn rows(
    pool: &PgPool,
    filter: &ReportFilter,
    dims: Dimensions,
    calendar: &team::CalendarDay,
) -> Result<impl Stream<Item = Result<Vec<u8>, Error>>, Error> {
    let span = filter::span_of(&calendar.zone, filter.from, filter.to)?;
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Vec<u8>, Error>>(CHUNKS_AHEAD);
    let pool = pool.clone();
    // The writer runs beside the response: it owns the query, reads the rows
    // as a stream and hands over chunks; the bounded channel makes it wait
    // for a slow client instead of piling rows up in memory.
    tokio::spawn(async move {
        let mut query = db::csv_query(&dims, span);
        let mut stream = query.build_query_as::<CsvRow>().fetch(&pool);
        // A writer per chunk: `into_inner` hands its bytes over.
        let new_writer = || csv::Writer::from_writer(Vec::with_capacity(CHUNK + 16 * 1024));
        let mut writer = new_writer();
        let mut failed = writer.write_record(HEADER).err().map(|e| e.to_string());
        while failed.is_none() {
            match stream.next().await {
                Some(Ok(row)) => {
                    if let Err(e) = writer.write_record(record(&row)) {
                        failed = Some(e.to_string());
                        break;
                    }
                    if writer.get_ref().len() >= CHUNK {
                        let full = std::mem::replace(&mut writer, new_writer());
                        match full.into_inner() {
                            Ok(chunk) => {
                                if sender.send(Ok(chunk)).await.is_err() {
                                    return; // the client went away
                                }
                            }
                            Err(e) => failed = Some(e.to_string()),
                        }
                    }
                }
                Some(Err(e)) => failed = Some(e.to_string()),
                None => break,
            }
        }
        let last = match failed {
            Some(e) => Err(Error::internal(format!("writing a report's CSV: {e}"))),
            None => writer
                .into_inner()
                .map_err(|e| Error::internal(format!("writing a report's CSV: {e}"))),
        };
        let _ = sender.send(last).await;
    });
    Ok(futures::stream::unfold(
        receiver,
        |mut receiver| async move { receiver.recv().await.map(|chunk| (chunk, receiver)) },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused() {
        for (cell, shown) in [
            ("=SUM(A1)", "'=SUM(A1)"),
            ("+1", "'+1"),
            ("-2", "'-2"),
            ("@cmd", "'@cmd"),
            ("Printer jam", "Printer jam"),
            ("", ""),
        ] {
            assert_eq!(defuse(cell), shown);
        }
    }
}
