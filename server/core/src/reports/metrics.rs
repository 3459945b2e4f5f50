//! What each case's life measured: when support first answered, when it was
//! solved (first and last time), how often it came back, who worked on it, and
//! how long each took in calendar time and in business time.
//!
//! The figures are computed from the case's own history (its status changes
//! and messages) by one pure function, [`measure`], and stored in
//! `case_metrics`:
//! - in the transaction of every change to a case ([`record`]), so the reports
//!   never disagree with the history;
//! - for cases that have no row yet ([`fill_missing`], run with the migrations
//!   and after the demo seed), from the same history, by the same function.
//!
//! Definitions (the reports' help text says the same):
//! - *First response*: the first public message by staff.
//! - *Resolution*: the case reaching solved or closed. The first resolution is
//!   the first time; the final one is the last time, while it still holds
//!   (a reopened case has none until it is solved again).
//! - *Reopen*: from solved or closed back to waiting.
//! - *Business time*: the support calendar's opening hours (`sla::Calendar`:
//!   its time zone, holidays, daylight saving). Resolution in business time
//!   leaves out the business time the case waited for the customer (pending),
//!   as the SLA clock does; in calendar time it is all the time from opening.
//! - *Targets met*: decided once the answer or the resolution happened (the
//!   case's due times already include the pauses); until then `None`, and a
//!   report counts a case past its due time without an answer as missed.

use crate::db::case_metrics as db;
pub use crate::db::case_metrics::{CaseFacts, CaseMetrics, Happening};
use crate::sla::{self, Calendar};
use crate::Error;
use sqlx::{PgConnection, PgPool};
use std::collections::BTreeSet;
use time::OffsetDateTime;

fn is_done(status: &str) -> bool {
    matches!(status, "solved" | "closed")
}

/// The figures of a case from its history, as of `now` (a pending pause
/// still running counts until `now`).
pub fn measure(
    case: &CaseFacts,
    history: &[Happening],
    calendar: &Calendar,
    now: OffsetDateTime,
) -> CaseMetrics {
    let mut m = CaseMetrics::default();
    let mut agents = BTreeSet::new();
    let mut status = "new".to_string();
    // Business seconds spent pending so far, and since when it is pending now.
    let mut pending_since: Option<OffsetDateTime> = None;
    let mut pending_total = 0;
    // The pending business seconds at the first and the final resolution.
    let mut pending_at_first = 0;
    let mut pending_at_final = 0;
    for happening in history {
        match happening {
            Happening::Status {
                at,
                actor,
                staff,
                to,
            } => {
                if *staff {
                    agents.extend(*actor);
                }
                if let Some(since) = pending_since.take() {
                    pending_total += calendar.business_seconds_between(since, *at);
                }
                if to == "pending" {
                    pending_since = Some(*at);
                }
                if !is_done(&status) && is_done(to) {
                    if m.first_resolution_at.is_none() {
                        m.first_resolution_at = Some(*at);
                        pending_at_first = pending_total;
                    }
                    m.final_resolution_at = Some(*at);
                    m.solved_by = *actor;
                    pending_at_final = pending_total;
                } else if is_done(&status) && !is_done(to) {
                    m.reopens += 1;
                    m.final_resolution_at = None;
                    m.solved_by = None;
                }
                status = to.clone();
            }
            Happening::Change { actor, staff } => {
                if *staff {
                    agents.extend(*actor);
                }
            }
            Happening::Message {
                at,
                author,
                staff,
                internal,
            } => {
                if *staff {
                    agents.insert(*author);
                }
                if *internal {
                    continue;
                }
                if *staff {
                    m.agent_replies += 1;
                    m.first_response_at.get_or_insert(*at);
                } else {
                    m.customer_replies += 1;
                }
            }
        }
    }
    if let Some(since) = pending_since {
        pending_total += calendar.business_seconds_between(since, now);
    }
    m.pending_business_seconds = pending_total;
    m.agents_touched = agents.into_iter().collect();

    let opened = case.created_at;
    let calendar_seconds = |at: OffsetDateTime| (at - opened).whole_seconds().max(0);
    let business = |at: OffsetDateTime| calendar.business_seconds_between(opened, at);
    if let Some(at) = m.first_response_at {
        m.first_response_seconds = Some(calendar_seconds(at));
        m.first_response_business_seconds = Some(business(at));
        m.first_response_met = case.first_response_due_at.map(|due| at <= due);
    }
    if let Some(at) = m.first_resolution_at {
        m.first_resolution_seconds = Some(calendar_seconds(at));
        m.first_resolution_business_seconds = Some((business(at) - pending_at_first).max(0));
    }
    if let Some(at) = m.final_resolution_at {
        m.final_resolution_seconds = Some(calendar_seconds(at));
        m.final_resolution_business_seconds = Some((business(at) - pending_at_final).max(0));
        m.resolution_met = case.resolution_due_at.map(|due| at <= due);
    }
    m
}

/// Measure `case_ids` from their history and store the figures, in the
/// caller's transaction. Three statements for any number of cases.
pub async fn record_many(tx: &mut PgConnection, case_ids: &[i64]) -> Result<(), Error> {
    if case_ids.is_empty() {
        return Ok(());
    }
    let calendar = sla::load_calendar(&mut *tx).await?;
    let cases = db::case_facts(&mut *tx, case_ids).await?;
    let history = db::histories(&mut *tx, case_ids).await?;
    let now = OffsetDateTime::now_utc();
    let rows: Vec<(i64, CaseMetrics)> = cases
        .into_iter()
        .map(|(id, facts)| {
            let happenings = history.get(&id).map(Vec::as_slice).unwrap_or_default();
            (id, measure(&facts, happenings, &calendar, now))
        })
        .collect();
    db::store_metrics(&mut *tx, &rows).await?;
    Ok(())
}

/// Measure one case after a change to it, in the change's transaction.
pub async fn record(tx: &mut PgConnection, case_id: i64) -> Result<(), Error> {
    record_many(tx, &[case_id]).await
}

/// How many cases are measured per transaction while filling.
const FILL_BATCH: i64 = 2_000;

/// Measure every case that has no figures yet (cases from before migration
/// 0016, and cases the demo seed wrote with their history directly). Returns
/// how many were measured. Safe to run while the server serves: each batch
/// is its own transaction, and a case changed meanwhile is measured again by
/// its change.
pub async fn fill_missing(pool: &PgPool) -> Result<u64, Error> {
    let mut total = 0;
    loop {
        let mut tx = pool.begin().await?;
        let ids = db::unmeasured_cases(&mut *tx, FILL_BATCH).await?;
        if ids.is_empty() {
            return Ok(total);
        }
        record_many(&mut tx, &ids).await?;
        tx.commit().await?;
        total += ids.len() as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{datetime, time};

    /// Monday to Friday 09:00–17:00 in Europe/Berlin, with a holiday.
    fn berlin() -> Calendar {
        let week: Vec<_> = (1..=5).map(|d| (d, time!(9:00), time!(17:00))).collect();
        Calendar::new(
            "Europe/Berlin",
            &week,
            &[time::macros::date!(2026 - 10 - 30)],
        )
        .unwrap()
    }

    fn status(at: OffsetDateTime, to: &str) -> Happening {
        Happening::Status {
            at,
            actor: Some(7),
            staff: true,
            to: to.into(),
        }
    }

    fn message(at: OffsetDateTime, staff: bool, internal: bool) -> Happening {
        Happening::Message {
            at,
            author: if staff { 7 } else { 3 },
            staff,
            internal,
        }
    }

    fn case(created_at: OffsetDateTime) -> CaseFacts {
        CaseFacts {
            created_at,
            first_response_due_at: Some(created_at + time::Duration::hours(8)),
            resolution_due_at: Some(created_at + time::Duration::days(5)),
        }
    }

    #[test]
    fn a_case_answered_and_solved_across_a_weekend_and_the_clock_change() {
        // Friday 23 Oct 2026 16:00 CEST (14:00 UTC); Europe/Berlin leaves
        // daylight saving on Sunday 25 Oct; Friday 30 Oct is a holiday.
        let opened = datetime!(2026-10-23 14:00 UTC);
        // Answered Monday 26 Oct 10:00 CET (09:00 UTC): 1 h Friday + 1 h Monday.
        let answered = datetime!(2026-10-26 09:00 UTC);
        // Solved Monday 2 Nov 12:00 CET (11:00 UTC), after the holiday:
        // Fri 1 h + Mon–Thu 4 × 8 h + Mon 3 h = 36 h.
        let solved = datetime!(2026-11-02 11:00 UTC);
        let history = [
            message(answered, true, false),
            message(answered + time::Duration::minutes(5), true, true),
            message(answered + time::Duration::hours(1), false, false),
            status(solved, "solved"),
        ];
        let m = measure(&case(opened), &history, &berlin(), solved);
        assert_eq!(m.first_response_at, Some(answered));
        assert_eq!(m.first_response_seconds, Some(2 * 86_400 + 19 * 3_600));
        assert_eq!(m.first_response_business_seconds, Some(2 * 3_600));
        assert_eq!(m.final_resolution_business_seconds, Some(36 * 3_600));
        // 23 Oct 14:00 UTC to 2 Nov 11:00 UTC.
        assert_eq!(m.final_resolution_seconds, Some(9 * 86_400 + 21 * 3_600));
        assert_eq!((m.agent_replies, m.customer_replies), (1, 1));
        assert_eq!(m.agents_touched, vec![7]);
        assert_eq!(m.solved_by, Some(7));
        assert_eq!(m.first_response_met, Some(false));
        assert_eq!(m.resolution_met, Some(false));
    }

    #[test]
    fn a_pending_pause_leaves_the_resolution_clock_in_business_time_only() {
        // Tuesday 3 Nov 2026 09:00 CET (08:00 UTC).
        let opened = datetime!(2026-11-03 08:00 UTC);
        let history = [
            message(datetime!(2026-11-03 09:00 UTC), true, false),
            // Waits for the customer from 11:00 to 15:00 local (4 h).
            status(datetime!(2026-11-03 10:00 UTC), "pending"),
            status(datetime!(2026-11-03 14:00 UTC), "open"),
            status(datetime!(2026-11-03 15:00 UTC), "solved"),
        ];
        let m = measure(&case(opened), &history, &berlin(), opened);
        assert_eq!(m.pending_business_seconds, 4 * 3_600);
        assert_eq!(m.final_resolution_seconds, Some(7 * 3_600));
        assert_eq!(m.final_resolution_business_seconds, Some(3 * 3_600));
        assert_eq!(m.first_response_met, Some(true));
        assert_eq!(m.resolution_met, Some(true));
    }

    #[test]
    fn a_reopened_case_keeps_its_first_resolution_and_gets_a_new_final_one() {
        let opened = datetime!(2026-11-03 08:00 UTC);
        let first = datetime!(2026-11-03 10:00 UTC);
        let again = datetime!(2026-11-04 10:00 UTC);
        let mut history = vec![
            status(first, "solved"),
            Happening::Status {
                at: datetime!(2026-11-03 12:00 UTC),
                actor: Some(3),
                staff: false,
                to: "open".into(),
            },
        ];
        let reopened = measure(&case(opened), &history, &berlin(), again);
        assert_eq!(reopened.first_resolution_at, Some(first));
        assert_eq!(reopened.final_resolution_at, None);
        assert_eq!(reopened.solved_by, None);
        assert_eq!(reopened.reopens, 1);
        assert_eq!(reopened.agents_touched, vec![7]);

        history.push(status(again, "solved"));
        // Closing later is not another resolution.
        history.push(Happening::Status {
            at: datetime!(2026-11-10 10:00 UTC),
            actor: None,
            staff: false,
            to: "closed".into(),
        });
        let solved = measure(&case(opened), &history, &berlin(), again);
        assert_eq!(solved.final_resolution_at, Some(again));
        assert_eq!(solved.first_resolution_business_seconds, Some(2 * 3_600));
        // Tuesday 09:00–17:00 local is 8 h, Wednesday until 11:00 local 2 h.
        assert_eq!(solved.final_resolution_business_seconds, Some(10 * 3_600));
        assert_eq!(solved.solved_by, Some(7));
        assert_eq!(solved.reopens, 1);
    }

    #[test]
    fn an_unanswered_case_has_no_durations_and_no_verdict() {
        let opened = datetime!(2026-11-03 08:00 UTC);
        let history = [message(opened, false, false)];
        let m = measure(&case(opened), &history, &berlin(), opened);
        assert_eq!(m.first_response_at, None);
        assert_eq!(m.first_response_met, None);
        assert_eq!(m.resolution_met, None);
        assert_eq!(m.customer_replies, 1);
        assert!(m.agents_touched.is_empty());
    }
}
