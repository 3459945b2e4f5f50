//! The health score: 100, less (or more) the points of each signal.
//!
//! Each signal's points are a pure function of its raw value, documented on
//! the function (and, for people, in `HealthSignal::rule`); the admins'
//! weight (a percentage) scales them; the score is 100 plus every signal's
//! weighted points, kept within 0–100. Every point shown comes with the
//! sentence of its signal ("-12: two overdue invoices, 41 days").

use crate::db::health::SignalRow;
use rapport_types::{HealthSignal, DEFAULT_HEALTH_WEIGHT};
use std::collections::HashMap;

/// One signal's share of a score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub signal: HealthSignal,
    /// Weighted points: negative lowers the score.
    pub points: i32,
    /// The signal's value in words: "two overdue invoices, 41 days".
    pub sentence: String,
}

impl Part {
    /// "-12: two overdue invoices, 41 days" ("+3: …", "0: …").
    pub fn line(&self) -> String {
        let sign = if self.points > 0 { "+" } else { "" };
        format!("{sign}{}: {}", self.points, self.sentence)
    }
}

/// A score with every signal's part, largest effect first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breakdown {
    pub score: i32,
    pub parts: Vec<Part>,
}

impl Breakdown {
    /// The `n` parts that moved the score most (those that moved it at all).
    pub fn drivers(&self, n: usize) -> Vec<Part> {
        self.parts
            .iter()
            .filter(|p| p.points != 0)
            .take(n)
            .cloned()
            .collect()
    }
}

/// The admins' weights, in percent, by signal; a signal without a row counts
/// at the default (100 %).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Weights(HashMap<HealthSignal, i32>);

impl Weights {
    /// From (signal name, percent) rows; unknown names are skipped.
    pub fn from_rows(rows: &[(String, i32)]) -> Weights {
        Weights(
            rows.iter()
                .filter_map(|(name, w)| HealthSignal::parse(name).map(|s| (s, *w)))
                .collect(),
        )
    }

    pub fn get(&self, signal: HealthSignal) -> i32 {
        self.0
            .get(&signal)
            .copied()
            .unwrap_or(DEFAULT_HEALTH_WEIGHT)
    }
}

/// `points × weight %`, rounded to the nearest point, halves away from zero.
pub fn weighted(points: i32, weight_percent: i32) -> i32 {
    let product = points * weight_percent;
    let rounded = (product.abs() + 50) / 100;
    if product < 0 {
        -rounded
    } else {
        rounded
    }
}

/// The score of `signals` with `weights`, and its parts.
pub fn breakdown(signals: &SignalRow, weights: &Weights) -> Breakdown {
    let mut parts: Vec<Part> = HealthSignal::ALL
        .into_iter()
        .map(|signal| {
            let (points, sentence) = base(signal, signals);
            Part {
                signal,
                points: weighted(points, weights.get(signal)),
                sentence,
            }
        })
        .collect();
    // Largest effect first; a stable sort keeps the signals' order among equals.
    parts.sort_by_key(|p| std::cmp::Reverse(p.points.abs()));
    let total: i32 = parts.iter().map(|p| p.points).sum();
    Breakdown {
        score: (100 + total).clamp(0, 100),
        parts,
    }
}

/// A signal's unweighted points and sentence.
pub fn base(signal: HealthSignal, s: &SignalRow) -> (i32, String) {
    match signal {
        HealthSignal::CaseVolumeTrend => (
            case_volume_points(s.cases_recent, s.cases_before),
            format!(
                "{} in the last 30 days, {} in the 30 before",
                count(s.cases_recent, "case", "cases"),
                words(s.cases_before)
            ),
        ),
        HealthSignal::OpenCaseAge => (
            open_case_age_points(s.oldest_open_days),
            match s.oldest_open_days {
                Some(days) if s.open_cases > 0 => format!(
                    "{}, the oldest {}",
                    count(s.open_cases, "open case", "open cases"),
                    days_old(days)
                ),
                _ => "no open cases".into(),
            },
        ),
        HealthSignal::SlaBreaches => (
            sla_breach_points(s.sla_breaches),
            match s.sla_breaches {
                0 => "no SLA target missed in 90 days".into(),
                n => format!(
                    "{} of the last 90 days missed an SLA target",
                    count(n, "case", "cases")
                ),
            },
        ),
        HealthSignal::Reopens => (
            reopen_points(s.reopens),
            match s.reopens {
                0 => "no case reopened in 90 days".into(),
                n => format!("{} in 90 days", count(n, "reopening", "reopenings")),
            },
        ),
        HealthSignal::Satisfaction => (
            satisfaction_points(s.rating_average),
            match s.rating_average {
                Some(average) => format!(
                    "average {average:.1} of 5 over the last {}",
                    count(s.ratings, "rating", "ratings")
                ),
                None => "no ratings yet".into(),
            },
        ),
        HealthSignal::OverdueInvoices => (
            overdue_invoice_points(s.overdue_invoices, s.overdue_days),
            match (s.overdue_invoices, s.overdue_days) {
                (0, _) | (_, None) => "no overdue invoices".into(),
                (n, Some(days)) => format!(
                    "{}, {days} days",
                    count(n, "overdue invoice", "overdue invoices")
                ),
            },
        ),
        HealthSignal::DaysSinceOrder => (
            order_gap_points(s.days_since_order),
            match s.days_since_order {
                Some(days) => format!("last order {}", ago(days)),
                None => "no orders yet".into(),
            },
        ),
        HealthSignal::OrderValueTrend => (
            order_trend_points(s.order_value_recent, s.order_value_before),
            match order_change_percent(s.order_value_recent, s.order_value_before) {
                Some(p) if p < 0 => {
                    format!(
                        "ordered {} % less in the last 90 days than the 90 before",
                        -p
                    )
                }
                Some(p) if p > 0 => {
                    format!("ordered {p} % more in the last 90 days than the 90 before")
                }
                Some(_) => "ordered as much in the last 90 days as the 90 before".into(),
                None => "no orders in the 90 days before the last 90 to compare with".into(),
            },
        ),
        HealthSignal::Workshops => (
            workshop_points(s.workshops_attended, s.workshop_no_shows),
            format!(
                "{} attended, {} in 180 days",
                count(s.workshops_attended, "workshop", "workshops"),
                count(s.workshop_no_shows, "no-show", "no-shows")
            ),
        ),
        HealthSignal::PortalActivity => (
            portal_points(portal_events(s)),
            format!(
                "{}, {} and {} in 30 days",
                count(s.sign_ins, "sign-in", "sign-ins"),
                count(s.searches, "search", "searches"),
                count(s.cases_recent, "case", "cases")
            ),
        ),
        HealthSignal::LastContact => (
            contact_points(s.days_since_contact),
            match s.days_since_contact {
                Some(days) => format!("last message either way {}", ago(days)),
                None => "no messages yet".into(),
            },
        ),
    }
}

/// −2 per case more in the last 30 days than in the 30 before, at most −10:
/// more cases than usual means something is going wrong for them.
pub fn case_volume_points(recent: i64, before: i64) -> i32 {
    -(2 * (recent - before).max(0)).min(10) as i32
}

/// −1 per full week the oldest open case has waited, at most −10.
pub fn open_case_age_points(oldest_days: Option<i32>) -> i32 {
    -(oldest_days.unwrap_or(0).max(0) / 7).min(10)
}

/// −5 per case of the last 90 days that missed an SLA target, at most −15.
pub fn sla_breach_points(breaches: i64) -> i32 {
    -(5 * breaches.max(0)).min(15) as i32
}

/// −3 per reopening of a case of the last 90 days, at most −10.
pub fn reopen_points(reopens: i64) -> i32 {
    -(3 * reopens.max(0)).min(10) as i32
}

/// 5 × (the average of the last five ratings − 4), rounded: +5 at five stars,
/// 0 at four, −15 at one; 0 without ratings.
pub fn satisfaction_points(average: Option<f64>) -> i32 {
    average.map_or(0, |a| (5.0 * (a - 4.0)).round().clamp(-15.0, 5.0) as i32)
}

/// −4 per overdue invoice and −1 per full 10 days the oldest is overdue, at
/// most −25: two invoices, the oldest 41 days overdue, is −8 − 4 = −12.
pub fn overdue_invoice_points(invoices: i64, oldest_days: Option<i32>) -> i32 {
    if invoices <= 0 {
        return 0;
    }
    let days = i64::from(oldest_days.unwrap_or(0).max(0));
    -(4 * invoices + days / 10).min(25) as i32
}

/// −1 per full 15 days past 30 since the last order, at most −10; 0 for an
/// organization that never ordered (nothing changed).
pub fn order_gap_points(days_since_order: Option<i32>) -> i32 {
    days_since_order.map_or(0, |d| -((d - 30).max(0) / 15).min(10))
}

/// The change of the order value, last 90 days against the 90 before, in whole
/// percent (towards zero); None when nothing was ordered in the 90 before.
pub fn order_change_percent(recent: i64, before: i64) -> Option<i64> {
    (before > 0).then(|| (recent - before) * 100 / before)
}

/// +1 per full 10 % more ordered than the 90 days before, −1 per 10 % less:
/// from −10 (ordered nothing) to +5.
pub fn order_trend_points(recent: i64, before: i64) -> i32 {
    order_change_percent(recent, before).map_or(0, |p| (p / 10).clamp(-10, 5) as i32)
}

/// +2 per workshop attended (at most +6), −3 per no-show (at most −9).
pub fn workshop_points(attended: i64, no_shows: i64) -> i32 {
    ((2 * attended.max(0)).min(6) - (3 * no_shows.max(0)).min(9)) as i32
}

/// Sign-ins, searches and cases of its people in 30 days.
pub fn portal_events(s: &SignalRow) -> i64 {
    s.sign_ins + s.searches + s.cases_recent
}

/// None in 30 days −8, one or two −3, three to nine 0, ten or more +3.
pub fn portal_points(events: i64) -> i32 {
    match events {
        i64::MIN..=0 => -8,
        1..=2 => -3,
        3..=9 => 0,
        _ => 3,
    }
}

/// −1 per full 10 days past 30 since the last public message either way, at
/// most −10; 0 for an organization that never wrote.
pub fn contact_points(days_since_contact: Option<i32>) -> i32 {
    days_since_contact.map_or(0, |d| -((d - 30).max(0) / 10).min(10))
}

/// Small numbers in words, as people write them: "two"; 13 stays "13".
fn words(n: i64) -> String {
    const WORDS: [&str; 11] = [
        "no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    usize::try_from(n)
        .ok()
        .and_then(|i| WORDS.get(i))
        .map_or_else(|| n.to_string(), |w| (*w).to_string())
}

/// "two overdue invoices", "one case", "no searches".
fn count(n: i64, one: &str, many: &str) -> String {
    format!("{} {}", words(n), if n == 1 { one } else { many })
}

fn ago(days: i32) -> String {
    match days {
        0 => "today".into(),
        1 => "yesterday".into(),
        d => format!("{d} days ago"),
    }
}

fn days_old(days: i32) -> String {
    match days {
        1 => "one day old".into(),
        d => format!("{d} days old"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quiet() -> SignalRow {
        // An organization that does nothing wrong and nothing at all, except
        // some portal activity (so that signal is neutral too).
        SignalRow {
            sign_ins: 5,
            ..SignalRow::default()
        }
    }

    #[test]
    fn each_signal_follows_its_documented_rule() {
        assert_eq!(case_volume_points(5, 2), -6);
        assert_eq!(case_volume_points(2, 5), 0);
        assert_eq!(case_volume_points(20, 0), -10);
        assert_eq!(open_case_age_points(Some(6)), 0);
        assert_eq!(open_case_age_points(Some(23)), -3);
        assert_eq!(open_case_age_points(Some(400)), -10);
        assert_eq!(open_case_age_points(None), 0);
        assert_eq!(sla_breach_points(2), -10);
        assert_eq!(sla_breach_points(9), -15);
        assert_eq!(reopen_points(1), -3);
        assert_eq!(reopen_points(4), -10);
        assert_eq!(satisfaction_points(Some(5.0)), 5);
        assert_eq!(satisfaction_points(Some(4.0)), 0);
        assert_eq!(satisfaction_points(Some(2.4)), -8);
        assert_eq!(satisfaction_points(Some(1.0)), -15);
        assert_eq!(satisfaction_points(None), 0);
        assert_eq!(overdue_invoice_points(2, Some(41)), -12);
        assert_eq!(overdue_invoice_points(0, None), 0);
        assert_eq!(overdue_invoice_points(5, Some(200)), -25);
        assert_eq!(order_gap_points(Some(44)), 0);
        assert_eq!(order_gap_points(Some(75)), -3);
        assert_eq!(order_gap_points(None), 0);
        assert_eq!(order_trend_points(0, 1000), -10);
        assert_eq!(order_trend_points(600, 1000), -4);
        assert_eq!(order_trend_points(3000, 1000), 5);
        assert_eq!(order_trend_points(1000, 0), 0);
        assert_eq!(workshop_points(2, 1), 1);
        assert_eq!(workshop_points(9, 9), -3);
        assert_eq!(portal_points(0), -8);
        assert_eq!(portal_points(2), -3);
        assert_eq!(portal_points(3), 0);
        assert_eq!(portal_points(10), 3);
        assert_eq!(contact_points(Some(52)), -2);
        assert_eq!(contact_points(Some(10)), 0);
        assert_eq!(contact_points(Some(900)), -10);
    }

    #[test]
    fn weights_scale_points_rounding_halves_away_from_zero() {
        assert_eq!(weighted(-12, 100), -12);
        assert_eq!(weighted(-12, 0), 0);
        assert_eq!(weighted(-12, 200), -24);
        assert_eq!(weighted(-5, 50), -3);
        assert_eq!(weighted(5, 50), 3);
        assert_eq!(weighted(-3, 150), -5);
    }

    #[test]
    fn two_overdue_invoices_of_41_days_cost_twelve_points_with_their_sentence() {
        let signals = SignalRow {
            overdue_invoices: 2,
            overdue_days: Some(41),
            ..quiet()
        };
        let b = breakdown(&signals, &Weights::default());
        assert_eq!(b.score, 88);
        let drivers = b.drivers(3);
        assert_eq!(drivers.len(), 1);
        assert_eq!(drivers[0].line(), "-12: two overdue invoices, 41 days");
        // Every point traces to a part.
        assert_eq!(100 + b.parts.iter().map(|p| p.points).sum::<i32>(), b.score);
    }

    #[test]
    fn the_score_stays_between_0_and_100_and_weights_change_it() {
        let bad = SignalRow {
            overdue_invoices: 9,
            overdue_days: Some(300),
            sla_breaches: 9,
            reopens: 9,
            rating_average: Some(1.0),
            ratings: 5,
            cases_recent: 20,
            oldest_open_days: Some(200),
            open_cases: 3,
            days_since_order: Some(400),
            days_since_contact: Some(400),
            ..SignalRow::default()
        };
        assert_eq!(breakdown(&bad, &Weights::default()).score, 0);
        let good = SignalRow {
            rating_average: Some(5.0),
            ratings: 5,
            workshops_attended: 3,
            sign_ins: 20,
            ..SignalRow::default()
        };
        assert_eq!(breakdown(&good, &Weights::default()).score, 100);

        let signals = SignalRow {
            overdue_invoices: 2,
            overdue_days: Some(41),
            ..quiet()
        };
        let doubled = Weights::from_rows(&[("overdue_invoices".into(), 200)]);
        assert_eq!(breakdown(&signals, &doubled).score, 76);
        let off = Weights::from_rows(&[("overdue_invoices".into(), 0)]);
        assert_eq!(breakdown(&signals, &off).score, 100);
    }

    #[test]
    fn drivers_are_the_largest_effects_first() {
        let signals = SignalRow {
            overdue_invoices: 1,
            overdue_days: Some(5),
            sla_breaches: 2,
            reopens: 1,
            rating_average: Some(3.0),
            ratings: 2,
            ..quiet()
        };
        let b = breakdown(&signals, &Weights::default());
        let lines: Vec<String> = b.drivers(3).iter().map(Part::line).collect();
        assert_eq!(
            lines,
            [
                "-10: two cases of the last 90 days missed an SLA target",
                "-5: average 3.0 of 5 over the last two ratings",
                "-4: one overdue invoice, 5 days",
            ]
        );
        assert_eq!(b.score, 100 - 10 - 5 - 4 - 3);
    }
}
