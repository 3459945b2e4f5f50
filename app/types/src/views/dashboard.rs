use super::auth::UserSummary;
use super::cases::QueueSizes;
use super::orders::InvoiceSummary;
use super::workshops::MyRegistration;
use crate::{CaseStatus, Priority};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecurityEvent {
    pub at: String,
    pub kind: String,
    pub email: Option<String>,
    pub ip: Option<String>,
}

/// What the dashboard shows; the parts a role does not get are `None` or empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardData {
    pub user: UserSummary,
    /// Customers: their cases and what waits for them.
    pub customer: Option<CustomerDesk>,
    /// Staff who work cases: their queues and the deadlines at risk.
    pub agent: Option<AgentDesk>,
    /// Admins: the latest security events.
    pub security_events: Vec<SecurityEvent>,
}

/// A customer's start: their active cases, and what waits for them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerDesk {
    /// Active cases (not solved or closed) the reader may see, those waiting
    /// for the customer first, then by latest activity; the first few only.
    pub open_cases: Vec<OpenCase>,
    /// How many active cases there are in all.
    pub open_total: i64,
    /// Overdue invoices the reader may see, the longest overdue first; the first few.
    pub overdue_invoices: Vec<InvoiceSummary>,
    pub overdue_total: i64,
    /// The reader's upcoming workshop sessions (a place or the waitlist), soonest first.
    pub workshops: Vec<MyRegistration>,
}

/// An active case on a customer's dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenCase {
    pub number: String,
    pub subject: String,
    pub status: CaseStatus,
    /// Who asked (a customer admin also sees their colleagues' cases).
    pub requester: String,
    /// The latest public reply; None while nobody has replied.
    pub last_reply: Option<LastReply>,
    /// When it was opened, in the reader's zone.
    pub opened: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LastReply {
    /// In the reader's zone.
    pub at: String,
    pub by: String,
    /// Written by the support team (not by the customer's side).
    pub from_support: bool,
}

/// An agent's start: the queues, and the cases whose deadline is past or near.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentDesk {
    pub sizes: QueueSizes,
    /// Active cases assigned to the reader or to nobody whose SLA deadline
    /// has passed or comes within `soon_hours`, the earliest deadline first.
    pub at_risk: Vec<DeadlineCase>,
    pub soon_hours: i64,
}

/// A case beside its next SLA deadline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeadlineCase {
    pub number: String,
    pub subject: String,
    pub organization: String,
    pub requester: String,
    pub assignee: Option<String>,
    pub priority: Priority,
    /// The deadline in the reader's zone ("2026-12-08 14:00 CET") ...
    pub due_at: String,
    /// ... and in words ("overdue by 2 h", "due in 40 min").
    pub due: String,
    pub breached: bool,
}
