//! The named signals of an organization's health score, as the weights editor,
//! the breakdown and the churn model name them.

use serde::{Deserialize, Serialize};

/// One signal of the health score. Its points come from
/// `rapport_core::health::score`; its weight (a percentage) from the admins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HealthSignal {
    CaseVolumeTrend,
    OpenCaseAge,
    SlaBreaches,
    Reopens,
    Satisfaction,
    OverdueInvoices,
    DaysSinceOrder,
    OrderValueTrend,
    Workshops,
    PortalActivity,
    LastContact,
}

impl HealthSignal {
    /// Every signal, in the order pages list them.
    pub const ALL: [HealthSignal; 11] = [
        HealthSignal::CaseVolumeTrend,
        HealthSignal::OpenCaseAge,
        HealthSignal::SlaBreaches,
        HealthSignal::Reopens,
        HealthSignal::Satisfaction,
        HealthSignal::OverdueInvoices,
        HealthSignal::DaysSinceOrder,
        HealthSignal::OrderValueTrend,
        HealthSignal::Workshops,
        HealthSignal::PortalActivity,
        HealthSignal::LastContact,
    ];

    /// The name stored in `health_weights.signal` and used as the form field.
    pub fn as_str(self) -> &'static str {
        match self {
            HealthSignal::CaseVolumeTrend => "case_volume_trend",
            HealthSignal::OpenCaseAge => "open_case_age",
            HealthSignal::SlaBreaches => "sla_breaches",
            HealthSignal::Reopens => "reopens",
            HealthSignal::Satisfaction => "satisfaction",
            HealthSignal::OverdueInvoices => "overdue_invoices",
            HealthSignal::DaysSinceOrder => "days_since_order",
            HealthSignal::OrderValueTrend => "order_value_trend",
            HealthSignal::Workshops => "workshops",
            HealthSignal::PortalActivity => "portal_activity",
            HealthSignal::LastContact => "last_contact",
        }
    }

    pub fn parse(name: &str) -> Option<HealthSignal> {
        HealthSignal::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// For people: the weights editor's labels.
    pub fn label(self) -> &'static str {
        match self {
            HealthSignal::CaseVolumeTrend => "Case volume trend",
            HealthSignal::OpenCaseAge => "Age of open cases",
            HealthSignal::SlaBreaches => "SLA breaches",
            HealthSignal::Reopens => "Reopened cases",
            HealthSignal::Satisfaction => "Satisfaction (last five ratings)",
            HealthSignal::OverdueInvoices => "Overdue invoices",
            HealthSignal::DaysSinceOrder => "Days since the last order",
            HealthSignal::OrderValueTrend => "Order value trend",
            HealthSignal::Workshops => "Workshop attendance and no-shows",
            HealthSignal::PortalActivity => "Portal activity",
            HealthSignal::LastContact => "Days since the last contact",
        }
    }

    /// What the signal's points are, in one line (the weights editor's hint).
    pub fn rule(self) -> &'static str {
        match self {
            HealthSignal::CaseVolumeTrend => "−2 per case more in the last 30 days than in the 30 before (at most −10).",
            HealthSignal::OpenCaseAge => "−1 per full week the oldest open case has waited (at most −10).",
            HealthSignal::SlaBreaches => "−5 per case of the last 90 days that missed a target (at most −15).",
            HealthSignal::Reopens => "−3 per reopening of a case of the last 90 days (at most −10).",
            HealthSignal::Satisfaction => "5 × (average of the last five ratings − 4): +5 at 5 stars, −15 at 1.",
            HealthSignal::OverdueInvoices => "−4 per overdue invoice, −1 per 10 days the oldest is overdue (at most −25).",
            HealthSignal::DaysSinceOrder => "−1 per 15 days past 30 since the last order (at most −10).",
            HealthSignal::OrderValueTrend => "+1 per 10 % more ordered in the last 90 days than the 90 before, −1 per 10 % less (−10 to +5).",
            HealthSignal::Workshops => "+2 per workshop attended in 180 days (at most +6), −3 per no-show (at most −9).",
            HealthSignal::PortalActivity => "Sign-ins, searches and cases of its people in 30 days: none −8, 1–2 −3, 10 or more +3.",
            HealthSignal::LastContact => "−1 per 10 days past 30 since the last message either way (at most −10).",
        }
    }
}

/// The weight the migration gives every signal: its points as documented.
pub const DEFAULT_HEALTH_WEIGHT: i32 = 100;
/// The largest weight the editor takes (three times the documented points).
pub const MAX_HEALTH_WEIGHT: i32 = 300;

/// How many organizations must have left before the churn model is trained.
pub const CHURN_MODEL_MINIMUM_LEFT: i64 = 30;

#[cfg(test)]
mod tests {
    use super::HealthSignal;

    #[test]
    fn every_signal_parses_back_from_its_name() {
        for signal in HealthSignal::ALL {
            assert_eq!(HealthSignal::parse(signal.as_str()), Some(signal));
        }
        assert_eq!(HealthSignal::parse("mood"), None);
    }
}
