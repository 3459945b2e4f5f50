//! The signals as numbers for the churn model and the daily history: one
//! number per feature, in a fixed order, each tied to the signal it comes from.

use crate::db::health::SignalRow;
use rapport_types::HealthSignal;

/// Days beyond which "days since" stops growing (and what "never" counts as).
pub const DAYS_CAP: f64 = 365.0;

/// The model's features, in the order of `features` and of
/// `health_scores.features`, with the signal each belongs to.
pub const FEATURES: [(&str, HealthSignal); 13] = [
    ("case_volume_change", HealthSignal::CaseVolumeTrend),
    ("oldest_open_case_days", HealthSignal::OpenCaseAge),
    ("sla_breaches", HealthSignal::SlaBreaches),
    ("reopens", HealthSignal::Reopens),
    ("satisfaction_average", HealthSignal::Satisfaction),
    ("overdue_invoices", HealthSignal::OverdueInvoices),
    ("overdue_days", HealthSignal::OverdueInvoices),
    ("days_since_order", HealthSignal::DaysSinceOrder),
    ("order_value_change_percent", HealthSignal::OrderValueTrend),
    ("workshops_attended", HealthSignal::Workshops),
    ("workshop_no_shows", HealthSignal::Workshops),
    ("portal_events", HealthSignal::PortalActivity),
    ("days_since_contact", HealthSignal::LastContact),
];

/// The signal a feature (by name) belongs to.
pub fn feature_signal(name: &str) -> Option<HealthSignal> {
    FEATURES.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

/// `s` as the model's numbers. A missing value counts as its neutral: no
/// ratings as four stars (the satisfaction signal's zero), never ordered or
/// never written as `DAYS_CAP` days.
pub fn features(s: &SignalRow) -> Vec<f64> {
    let days = |d: Option<i32>| d.map_or(DAYS_CAP, |d| f64::from(d).min(DAYS_CAP));
    vec![
        (s.cases_recent - s.cases_before) as f64,
        f64::from(s.oldest_open_days.unwrap_or(0)),
        s.sla_breaches as f64,
        s.reopens as f64,
        s.rating_average.unwrap_or(4.0),
        s.overdue_invoices as f64,
        f64::from(if s.overdue_invoices > 0 {
            s.overdue_days.unwrap_or(0)
        } else {
            0
        }),
        days(s.days_since_order),
        super::score::order_change_percent(s.order_value_recent, s.order_value_before)
            .map_or(0.0, |p| p.clamp(-100, 200) as f64),
        s.workshops_attended as f64,
        s.workshop_no_shows as f64,
        super::score::portal_events(s) as f64,
        days(s.days_since_contact),
    ]
}

/// A feature vector as PostgreSQL's array text: "{1,2.5,365}".
pub fn array_text(values: &[f64]) -> String {
    let items: Vec<String> = values.iter().map(|v| v.to_string()).collect();
    format!("{{{}}}", items.join(","))
}
