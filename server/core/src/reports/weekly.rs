//! The weekly summary: admins who choose it get last week's figures by mail.
//! The job claims a week for each recipient (`weekly_summary_sent`) in the
//! transaction that queues the mails in the outbox, so a restart neither loses a week nor
//! sends one twice, and several servers may run it at once.

use super::filter::ReportFilter;
use super::service::case_figures;
use super::team::{self, hours, rating, share, to_time_date};
use crate::db::reports as db;
use crate::mail::{self, OutgoingMail};
use crate::policy::{Action, Permit};
use crate::site::SiteLinks;
use crate::Error;
use jiff::civil::{Date, Weekday};
use sqlx::PgPool;

/// Does the user get the weekly summary?
pub async fn receives(pool: &PgPool, user_id: i64) -> Result<bool, Error> {
    Ok(db::weekly_recipient(pool, user_id).await?)
}

/// The admin chooses whether they get the weekly summary.
pub async fn choose(permit: &Permit, pool: &PgPool, receives: bool) -> Result<(), Error> {
    permit.check(&Action::ManageWeeklySummary)?;
    let actor = permit.signed_in()?;
    Ok(db::set_weekly_recipient(pool, actor.user_id, receives).await?)
}

/// The Monday of the last full week (Monday to Sunday) before `today`.
pub fn last_week_start(today: Date) -> Date {
    let since_monday = today.weekday().to_monday_zero_offset() as i64;
    let this_monday = today
        .checked_sub(jiff::Span::new().days(since_monday))
        .unwrap_or(today);
    debug_assert_eq!(this_monday.weekday(), Weekday::Monday);
    this_monday
        .checked_sub(jiff::Span::new().days(7))
        .unwrap_or(this_monday)
}

/// Queue last week's summary for its recipients unless it was queued
/// already; returns how many mails were queued.
pub async fn send_due(pool: &PgPool, links: &SiteLinks) -> Result<usize, Error> {
    let calendar = team::calendar_day(pool).await?;
    let from = last_week_start(calendar.today);
    let to = from.checked_add(jiff::Span::new().days(6)).unwrap_or(from);
    let mut tx = pool.begin().await?;
    let recipients = db::claim_week(&mut *tx, to_time_date(from)?).await?;
    if recipients.is_empty() {
        return Ok(0);
    }
    let filter = ReportFilter {
        period: super::filter::Period::Custom,
        from,
        to,
        compare: true,
        organization_id: None,
        category_id: None,
        priority: None,
        agent_id: None,
        channel: None,
    };
    let (figures, _) = case_figures(pool, &filter, &filter.dimensions(), &calendar).await?;
    let backlog = db::backlog_now(pool, &filter.dimensions()).await?;
    let body = summary_text(
        &figures.current,
        figures.previous.as_ref(),
        backlog,
        from,
        to,
        links,
        &filter,
    );
    for to_address in &recipients {
        let mail = OutgoingMail {
            to: to_address.clone(),
            subject: format!("Support last week ({from} to {to})"),
            body: body.clone(),
            ..OutgoingMail::default()
        };
        mail::queue(&mut *tx, &mail).await?;
    }
    tx.commit().await?;
    Ok(recipients.len())
}

fn summary_text(
    cur: &db::Aggregates,
    prev: Option<&db::Aggregates>,
    backlog: i64,
    from: Date,
    to: Date,
    links: &SiteLinks,
    filter: &ReportFilter,
) -> String {
    let median = |a: &db::Aggregates, r: bool| {
        let values = if r {
            &a.resolution_business
        } else {
            &a.first_response_business
        };
        hours(values.as_ref().and_then(|v| v.first().copied()), true)
    };
    let line = |label: &str, now: String, before: Option<String>| match before {
        Some(b) => format!("{label}: {now} (the week before: {b})\n"),
        None => format!("{label}: {now}\n"),
    };
    let mut text = format!("The support figures of {from} to {to}.\n\n");
    text += &line(
        "Cases opened",
        cur.created.to_string(),
        prev.map(|p| p.created.to_string()),
    );
    text += &line(
        "Cases solved",
        cur.solved.to_string(),
        prev.map(|p| p.solved.to_string()),
    );
    text += &line("Waiting now", backlog.to_string(), None);
    text += &line(
        "Median first response",
        median(cur, false),
        prev.map(|p| median(p, false)),
    );
    text += &line(
        "Median resolution",
        median(cur, true),
        prev.map(|p| median(p, true)),
    );
    text += &line(
        "First response target met",
        share(cur.first_response_met, cur.first_response_measured),
        prev.map(|p| share(p.first_response_met, p.first_response_measured)),
    );
    text += &line(
        "Resolution target met",
        share(cur.resolution_met, cur.resolution_measured),
        prev.map(|p| share(p.resolution_met, p.resolution_measured)),
    );
    text += &line(
        "Average rating",
        rating(cur.rating_average),
        prev.map(|p| rating(p.rating_average)),
    );
    text += &format!(
        "\nThe whole report: {}\n\nYou get this mail because you chose the weekly summary on the reports page; untick it there to stop.\n\n-- \nRapport support portal. This message was sent automatically.\n",
        links.page(&format!("/reports{}", filter.query().to_query_string()))
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_week_is_the_monday_to_sunday_before() {
        let day = |t: &str| t.parse::<Date>().unwrap();
        assert_eq!(last_week_start(day("2026-12-05")), day("2026-11-23")); // a Saturday
        assert_eq!(last_week_start(day("2026-11-30")), day("2026-11-23")); // a Monday
        assert_eq!(last_week_start(day("2026-11-29")), day("2026-11-16")); // a Sunday
    }
}
