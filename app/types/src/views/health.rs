//! Account health and churn: the list of organizations at risk, one
//! organization's score with its breakdown, the weights, the churn figures and
//! the churn model. For staff only: customers never see a health score.

use crate::HealthSignal;
use serde::{Deserialize, Serialize};

/// One signal's share of a score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScorePartView {
    pub signal: HealthSignal,
    pub points: i32,
    /// "-12: two overdue invoices, 41 days".
    pub line: String,
}

/// Where the score came from: the oldest score of the last 30 days in the
/// daily history, or None before there is one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreTrend {
    /// YYYY-MM-DD
    pub since: String,
    pub was: i32,
    /// Now minus then: negative is worse.
    pub change: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthRowView {
    pub organization_id: i64,
    pub organization: String,
    pub score: i32,
    /// The three parts that move the score most.
    pub drivers: Vec<ScorePartView>,
    pub trend: Option<ScoreTrend>,
    /// The churn model's probability that it leaves (0–1), when there is a model.
    pub churn_probability: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeightView {
    pub signal: HealthSignal,
    pub label: String,
    pub rule: String,
    /// Percent of the documented points.
    pub weight: i32,
}

/// `/reports/health`: the customers at risk, lowest score first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthListView {
    pub rows: Vec<HealthRowView>,
    /// Customers scored in all (the list shows the lowest `rows.len()`).
    pub customers: i64,
    pub weights: Vec<WeightView>,
    /// The reader may edit the weights (admins).
    pub can_edit: bool,
    /// There is a churn model (the probability column shows).
    pub has_model: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChurnEventView {
    /// "left" or "returned".
    pub kind: String,
    /// YYYY-MM-DD
    pub day: String,
    pub reason: String,
    pub recorded_by: String,
}

/// `/reports/health/:id`: one organization's score with every part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationHealthView {
    pub organization_id: i64,
    pub organization: String,
    pub score: i32,
    /// Every signal, largest effect first.
    pub parts: Vec<ScorePartView>,
    pub trend: Option<ScoreTrend>,
    /// The daily history of the last 90 days: (YYYY-MM-DD, score).
    pub history: Vec<(String, i32)>,
    pub churn_probability: Option<f64>,
    /// It is a customer now (not left, or came back).
    pub is_customer: bool,
    pub events: Vec<ChurnEventView>,
    /// The reader may record leaving and returning (admins).
    pub can_manage: bool,
}

/// Beside a case, for staff: the requester organization's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthBadge {
    pub organization_id: i64,
    pub score: i32,
    /// The largest driver's line, if any signal moved the score.
    pub top_driver: Option<String>,
}

/// Revenue churn of one month in one currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevenueChurnView {
    pub currency: String,
    pub base_minor: i64,
    pub lost_minor: i64,
    /// Formatted: "EUR 12,400.00".
    pub base: String,
    pub lost: String,
    pub rate_percent: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChurnMonthView {
    /// YYYY-MM
    pub month: String,
    pub customers_at_start: i64,
    pub left: i64,
    pub returned: i64,
    pub rate_percent: Option<f64>,
    pub revenue: Vec<RevenueChurnView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortView {
    /// YYYY-MM: the month its organizations became customers.
    pub month: String,
    pub size: i64,
    /// Share still customers 1, 3, 6 and 12 months after the cohort's month
    /// began; None for a moment still to come.
    pub retained_percent: Vec<Option<f64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoefficientView {
    pub feature: String,
    pub signal: HealthSignal,
    /// On standardized features: the change in log-odds per standard deviation.
    pub coefficient: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChurnModelView {
    pub trained: String,
    pub organizations: i32,
    pub left_organizations: i32,
    pub held_out: i32,
    pub auc: f64,
    pub precision_top_decile: f64,
    pub median_days_ahead: Option<f64>,
    pub warned: i32,
    pub with_history: i32,
    /// Largest effect first.
    pub coefficients: Vec<CoefficientView>,
}

/// `/reports/churn`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChurnReportView {
    /// The last 12 months, oldest first.
    pub months: Vec<ChurnMonthView>,
    /// The cohorts of the last 12 months, oldest first.
    pub cohorts: Vec<CohortView>,
    /// Organizations that left and are still gone.
    pub left_now: i64,
    /// How many more must leave before the model is trained (0: enough).
    pub more_needed_for_model: i64,
    pub model: Option<ChurnModelView>,
    /// The reader may train the model now (admins).
    pub can_train: bool,
}

/// The offsets, in months, at which cohorts' retention is shown.
pub const COHORT_OFFSETS: [u32; 4] = [1, 3, 6, 12];
