//! The daily snapshot of the backlog: how many cases waited (new, open,
//! pending, on hold) at the end of each day, by status, priority, category,
//! organization and assignee. The team report draws the backlog over time
//! from it.
//!
//! A job calls [`catch_up`] every few minutes. It writes every day that has
//! ended (in the support calendar's time zone) and is not written yet, back
//! to the first case: so the first run fills the past from the case history,
//! and a server that was down for a week fills the week when it comes back.
//! Several servers may run it at once: an advisory lock lets one do the work,
//! and a day is written together with its "written" mark.

use crate::db::backlog as db;
use crate::Error;
use jiff::tz::TimeZone;
use sqlx::PgPool;
use time::{Date, OffsetDateTime};

/// Any number that is ours alone, for `pg_try_advisory_xact_lock`.
const LOCK: i64 = 0x7261_7070_6f72_7401;

/// The day before the local date of `now` in `time_zone`.
fn yesterday(time_zone: &str, now: OffsetDateTime) -> Option<Date> {
    let zone = TimeZone::get(time_zone).ok()?;
    let local = jiff::Timestamp::from_second(now.unix_timestamp())
        .ok()?
        .to_zoned(zone)
        .date();
    let today = Date::from_calendar_date(
        i32::from(local.year()),
        time::Month::try_from(local.month() as u8).ok()?,
        local.day() as u8,
    )
    .ok()?;
    today.previous_day()
}

/// Write every ended day that has no snapshot yet; returns how many days
/// were written.
///
/// Every path ends the transaction itself: a transaction that is only
/// dropped is rolled back later, when its connection goes back to the pool,
/// and until then it keeps the advisory lock, so the next run (even of
/// this same process) would find the lock taken and write nothing.
pub async fn catch_up(pool: &PgPool, now: OffsetDateTime) -> Result<u64, Error> {
    let mut tx = pool.begin().await?;
    let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
        .bind(LOCK)
        .fetch_one(&mut *tx)
        .await?;
    if !locked {
        tx.rollback().await?;
        return Ok(0);
    }
    let calendar = crate::db::sla::calendar(&mut *tx)
        .await?
        .ok_or_else(|| Error::internal("there is no business calendar"))?;
    let zone = calendar.time_zone;
    let Some(to) = yesterday(&zone, now) else {
        return Err(Error::internal(format!(
            "the business calendar's time zone {zone:?} is unknown"
        )));
    };
    let from = match db::last_written_day(&mut *tx).await? {
        Some(last) => last.next_day(),
        None => db::first_case_day(&mut *tx, &zone).await?,
    };
    let written = match from.filter(|from| *from <= to) {
        Some(from) => db::write_days(&mut *tx, &zone, from, to).await?,
        None => 0,
    };
    tx.commit().await?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn yesterday_is_counted_in_the_calendars_zone() {
        // 23:30 UTC on 5 Dec is already 6 Dec in Berlin.
        let now = datetime!(2026-12-05 23:30 UTC);
        assert_eq!(yesterday("Europe/Berlin", now), Some(date!(2026 - 12 - 05)));
        assert_eq!(yesterday("UTC", now), Some(date!(2026 - 12 - 04)));
        assert_eq!(
            yesterday("America/New_York", now),
            Some(date!(2026 - 12 - 04))
        );
        assert_eq!(yesterday("Nowhere/Else", now), None);
    }
}
