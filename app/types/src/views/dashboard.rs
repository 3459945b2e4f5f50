use super::auth::UserSummary;
use super::PersonView;
use crate::Role;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecurityEvent {
    pub at: String,
    pub kind: String,
    pub email: Option<String>,
    pub ip: Option<String>,
}

/// What the dashboard shows; the parts a role may not see are empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardData {
    pub user: UserSummary,
    /// Customer admins: the organization's members.
    pub colleagues: Vec<PersonView>,
    pub open_invitations: i64,
    /// Staff: people per role, and the number of customer organizations.
    pub users_by_role: Vec<(Role, i64)>,
    pub organizations: i64,
    /// Admins: the latest security events.
    pub security_events: Vec<SecurityEvent>,
    /// Customers: how many of the invoices they may see are overdue, and how
    /// many are open and not yet due.
    pub invoices_due: Option<(i64, i64)>,
}
