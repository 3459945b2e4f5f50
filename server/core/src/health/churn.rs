//! Customers leaving and coming back, and what follows from it: the monthly
//! churn rate by number of organizations and by revenue, and retention by
//! cohort.
//!
//! Definitions (the churn page says them too):
//! - an organization became a customer on its first order that was not
//!   cancelled, or on the day it was created if it never ordered; its cohort
//!   is that month;
//! - it is a customer on a day from then on, unless its latest churn event on
//!   or before that day is a leaving;
//! - a month's churn rate is the organizations that left in the month over
//!   the customers on the last day of the month before;
//! - by revenue, per currency: the invoice totals (not void) of the twelve
//!   calendar months before the month of leaving, of the organizations that
//!   left, over those of the twelve months before the month, of the customers
//!   at its start;
//! - a cohort's retention after k months: the share of its organizations that
//!   are customers on the first day of the k-th month after the cohort's.

use crate::db::health as db;
use crate::policy::{Action, Permit};
use crate::Error;
use rapport_types::views::health::{
    ChurnMonthView, ChurnReportView, CohortView, RevenueChurnView, COHORT_OFFSETS,
};
use rapport_types::{format_money, CHURN_MODEL_MINIMUM_LEFT};
use sqlx::PgPool;
use std::collections::{BTreeMap, HashMap};
use time::{Date, Month};

/// Whether an organization left or came back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChurnKind {
    Left,
    Returned,
}

impl ChurnKind {
    pub fn parse(text: &str) -> Option<ChurnKind> {
        match text {
            "left" => Some(ChurnKind::Left),
            "returned" => Some(ChurnKind::Returned),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ChurnKind::Left => "left",
            ChurnKind::Returned => "returned",
        }
    }
}

/// The longest reason taken.
pub const MAX_REASON_CHARS: usize = 500;

/// Record that `organization_id` left (with a reason) or came back, on `day`
/// (YYYY-MM-DD, not in the future). Leaving needs it to be a customer on that
/// day, coming back needs it gone.
pub async fn record(
    permit: &Permit,
    pool: &PgPool,
    organization_id: i64,
    kind: &str,
    day: &str,
    reason: &str,
    today: Date,
) -> Result<(), Error> {
    permit.check(&Action::ManageAccountHealth)?;
    let actor = permit.signed_in()?;
    let kind = ChurnKind::parse(kind)
        .ok_or_else(|| Error::BadRequest("unknown kind of churn event".into()))?;
    let day = parse_day(day, today)?;
    let reason = reason.trim();
    if kind == ChurnKind::Left && reason.is_empty() {
        return Err(Error::invalid(
            "reason",
            "Say why the customer left (a few words are enough).",
        ));
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(Error::invalid(
            "reason",
            format!("The reason is too long: at most {MAX_REASON_CHARS} characters."),
        ));
    }
    let mut tx = pool.begin().await?;
    // One change at a time per organization: lock it, then check its state.
    let exists: Option<i64> =
        sqlx::query_scalar("SELECT id FROM organizations WHERE id = $1 FOR UPDATE")
            .bind(organization_id)
            .fetch_optional(&mut *tx)
            .await?;
    if exists.is_none() {
        return Err(Error::NotFound);
    }
    let events = db::churn_events(&mut *tx, organization_id).await?;
    let gone_on_day = events
        .iter()
        .find(|e| e.on_day <= day)
        .is_some_and(|e| e.kind == "left");
    match kind {
        ChurnKind::Left if gone_on_day => {
            return Err(Error::Conflict(
                "This organization had already left on that day.".into(),
            ))
        }
        ChurnKind::Returned if !gone_on_day => {
            return Err(Error::Conflict(
                "This organization was a customer on that day: only one that left can come back."
                    .into(),
            ))
        }
        _ => {}
    }
    db::record_churn_event(
        &mut *tx,
        organization_id,
        kind.as_str(),
        day,
        reason,
        actor.user_id,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn parse_day(text: &str, today: Date) -> Result<Date, Error> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let day = Date::parse(text.trim(), format)
        .map_err(|_| Error::invalid("day", "Give the day as YYYY-MM-DD, e.g. 2026-11-30."))?;
    if day > today {
        return Err(Error::invalid("day", "The day cannot be in the future."));
    }
    Ok(day)
}

/// One organization's churn event, as the figures need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub organization_id: i64,
    pub kind: ChurnKind,
    pub day: Date,
}

/// What the churn figures are computed from.
#[derive(Debug, Clone, Default)]
pub struct ChurnData {
    /// Organization -> the day it became a customer.
    pub since: HashMap<i64, Date>,
    /// Oldest first.
    pub events: Vec<Event>,
    /// (organization, first of the month) -> currency -> invoice total.
    pub invoices: HashMap<(i64, Date), BTreeMap<String, i64>>,
}

impl ChurnData {
    /// Is `organization` a customer on `day`?
    pub fn is_customer(&self, organization: i64, day: Date) -> bool {
        let Some(since) = self.since.get(&organization) else {
            return false;
        };
        *since <= day
            && self
                .events
                .iter()
                .rfind(|e| e.organization_id == organization && e.day <= day)
                .is_none_or(|e| e.kind == ChurnKind::Returned)
    }

    /// The organization's invoice totals per currency over the 12 months before `month`.
    fn revenue_before(&self, organization: i64, month: Date) -> BTreeMap<String, i64> {
        let mut totals = BTreeMap::new();
        for back in 1..=12 {
            if let Some(per) = self.invoices.get(&(organization, add_months(month, -back))) {
                for (currency, minor) in per {
                    *totals.entry(currency.clone()).or_insert(0) += minor;
                }
            }
        }
        totals
    }
}

/// The first of the month `months` after (or before) the first of `month`.
pub fn add_months(month: Date, months: i32) -> Date {
    let index = month.year() * 12 + (month.month() as i32 - 1) + months;
    let (year, month0) = (index.div_euclid(12), index.rem_euclid(12));
    let month = Month::try_from(month0 as u8 + 1).unwrap_or(Month::January);
    Date::from_calendar_date(year, month, 1).unwrap_or(Date::MIN)
}

/// The first of `day`'s month.
pub fn month_of(day: Date) -> Date {
    day.replace_day(1).unwrap_or(day)
}

fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// The churn of the `count` months up to and including `today`'s, oldest first.
pub fn monthly_churn(data: &ChurnData, today: Date, count: i32) -> Vec<ChurnMonthView> {
    let this_month = month_of(today);
    (0..count)
        .rev()
        .map(|back| {
            let start = add_months(this_month, -back);
            let next = add_months(start, 1);
            let eve = start.previous_day().unwrap_or(start);
            let customers: Vec<i64> = data
                .since
                .keys()
                .copied()
                .filter(|&o| data.is_customer(o, eve))
                .collect();
            let in_month = |kind: ChurnKind| {
                data.events
                    .iter()
                    .filter(move |e| e.kind == kind && e.day >= start && e.day < next)
            };
            let left: Vec<&Event> = in_month(ChurnKind::Left).collect();
            let mut base: BTreeMap<String, i64> = BTreeMap::new();
            for &o in &customers {
                for (currency, minor) in data.revenue_before(o, start) {
                    *base.entry(currency).or_insert(0) += minor;
                }
            }
            let mut lost: BTreeMap<String, i64> = BTreeMap::new();
            for event in &left {
                for (currency, minor) in
                    data.revenue_before(event.organization_id, month_of(event.day))
                {
                    *lost.entry(currency).or_insert(0) += minor;
                }
            }
            let mut currencies: Vec<String> = base.keys().chain(lost.keys()).cloned().collect();
            currencies.sort();
            currencies.dedup();
            let revenue = currencies
                .into_iter()
                .map(|currency| {
                    let (b, l) = (
                        base.get(&currency).copied().unwrap_or(0),
                        lost.get(&currency).copied().unwrap_or(0),
                    );
                    RevenueChurnView {
                        base: format_money(b, &currency),
                        lost: format_money(l, &currency),
                        rate_percent: percent(l, b),
                        currency,
                        base_minor: b,
                        lost_minor: l,
                    }
                })
                .collect();
            ChurnMonthView {
                month: format!("{}-{:02}", start.year(), start.month() as u8),
                customers_at_start: customers.len() as i64,
                left: left.len() as i64,
                returned: in_month(ChurnKind::Returned).count() as i64,
                rate_percent: percent(left.len() as i64, customers.len() as i64),
                revenue,
            }
        })
        .collect()
}

/// Retention of the cohorts of the `count` months up to `today`'s, oldest first.
pub fn cohorts(data: &ChurnData, today: Date, count: i32) -> Vec<CohortView> {
    let this_month = month_of(today);
    (0..count)
        .rev()
        .map(|back| {
            let start = add_months(this_month, -back);
            let members: Vec<i64> = data
                .since
                .iter()
                .filter(|(_, since)| month_of(**since) == start)
                .map(|(o, _)| *o)
                .collect();
            let retained_percent = COHORT_OFFSETS
                .iter()
                .map(|&k| {
                    let at = add_months(start, k as i32);
                    (at <= today && !members.is_empty()).then(|| {
                        let kept = members.iter().filter(|&&o| data.is_customer(o, at)).count();
                        kept as f64 * 100.0 / members.len() as f64
                    })
                })
                .collect();
            CohortView {
                month: format!("{}-{:02}", start.year(), start.month() as u8),
                size: members.len() as i64,
                retained_percent,
            }
        })
        .collect()
}

/// Read what the figures need: three statements.
pub async fn load(pool: &PgPool, today: Date) -> Result<ChurnData, Error> {
    let since = db::customer_since(pool)
        .await?
        .into_iter()
        .map(|(id, _, day)| (id, day))
        .collect();
    let events = db::all_churn_events(pool)
        .await?
        .into_iter()
        .filter_map(|(organization_id, kind, day)| {
            ChurnKind::parse(&kind).map(|kind| Event {
                organization_id,
                kind,
                day,
            })
        })
        .collect();
    // 12 months shown, each looking 12 months back.
    let mut invoices: HashMap<(i64, Date), BTreeMap<String, i64>> = HashMap::new();
    for (organization, month, currency, minor) in
        db::monthly_invoice_totals(pool, add_months(month_of(today), -24)).await?
    {
        invoices
            .entry((organization, month))
            .or_default()
            .insert(currency, minor);
    }
    Ok(ChurnData {
        since,
        events,
        invoices,
    })
}

/// `/reports/churn`: the last 12 months, the cohorts and the model.
pub async fn report(permit: &Permit, pool: &PgPool, today: Date) -> Result<ChurnReportView, Error> {
    permit.check(&Action::ViewAccountHealth)?;
    let data = load(pool, today).await?;
    let left_now = db::left_organizations(pool).await?.len() as i64;
    let model = db::latest_model(pool).await?.map(super::model_view);
    Ok(ChurnReportView {
        months: monthly_churn(&data, today, 12),
        cohorts: cohorts(&data, today, 12),
        left_now,
        more_needed_for_model: (CHURN_MODEL_MINIMUM_LEFT - left_now).max(0),
        model,
        can_train: permit.allows(&Action::ManageAccountHealth),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn event(organization_id: i64, kind: ChurnKind, day: Date) -> Event {
        Event {
            organization_id,
            kind,
            day,
        }
    }

    #[test]
    fn months_add_across_years() {
        assert_eq!(add_months(date!(2026 - 11 - 01), 3), date!(2027 - 02 - 01));
        assert_eq!(
            add_months(date!(2026 - 01 - 01), -13),
            date!(2024 - 12 - 01)
        );
    }

    #[test]
    fn churn_rate_and_revenue_by_hand() {
        // Four customers since 2025; in November 2026 #1 and #2 leave; #2
        // returns in December.
        let mut data = ChurnData::default();
        for o in 1..=4 {
            data.since.insert(o, date!(2025 - 01 - 15));
        }
        data.events = vec![
            event(1, ChurnKind::Left, date!(2026 - 11 - 03)),
            event(2, ChurnKind::Left, date!(2026 - 11 - 20)),
            event(2, ChurnKind::Returned, date!(2026 - 12 - 02)),
        ];
        // Invoices: #1 EUR 100.00 in 2026-06, #3 EUR 300.00 in 2026-10.
        data.invoices.insert(
            (1, date!(2026 - 06 - 01)),
            BTreeMap::from([("EUR".to_string(), 10_000)]),
        );
        data.invoices.insert(
            (3, date!(2026 - 10 - 01)),
            BTreeMap::from([("EUR".to_string(), 30_000)]),
        );
        let months = monthly_churn(&data, date!(2026 - 12 - 05), 2);
        assert_eq!(months[0].month, "2026-11");
        assert_eq!(months[0].customers_at_start, 4);
        assert_eq!(months[0].left, 2);
        assert_eq!(months[0].rate_percent, Some(50.0));
        assert_eq!(months[0].revenue[0].base_minor, 40_000);
        assert_eq!(months[0].revenue[0].lost_minor, 10_000);
        assert_eq!(months[0].revenue[0].rate_percent, Some(25.0));
        assert_eq!(months[1].month, "2026-12");
        assert_eq!(months[1].customers_at_start, 2);
        assert_eq!(months[1].left, 0);
        assert_eq!(months[1].returned, 1);
        assert!(data.is_customer(2, date!(2026 - 12 - 05)));
        assert!(!data.is_customer(1, date!(2026 - 12 - 05)));
    }

    #[test]
    fn cohort_retention_by_hand() {
        let mut data = ChurnData::default();
        // Cohort 2026-01: three; one leaves in February, one in May.
        for o in 1..=3 {
            data.since.insert(o, date!(2026 - 01 - 10));
        }
        data.events = vec![
            event(1, ChurnKind::Left, date!(2026 - 02 - 10)),
            event(2, ChurnKind::Left, date!(2026 - 05 - 10)),
        ];
        let cohorts = cohorts(&data, date!(2026 - 08 - 01), 8);
        let january = &cohorts[0];
        assert_eq!(january.month, "2026-01");
        assert_eq!(january.size, 3);
        let expected = [Some(100.0), Some(200.0 / 3.0), Some(100.0 / 3.0), None];
        assert_eq!(january.retained_percent, expected);
        assert_eq!(cohorts[1].size, 0);
    }
}
