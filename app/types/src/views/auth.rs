use crate::Role;
use serde::{Deserialize, Serialize};

/// The signed-in person, as the header and pages show them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub organization_name: Option<String>,
    /// The time zone chosen under Account (IANA name); `None`: the browser's.
    pub time_zone: Option<String>,
    /// What they may do, as the server's policy computed it.
    pub can: Capabilities,
}

/// What a signed-in person may do, computed by the policy
/// (`rapport_core::policy::capabilities`) and sent with the current user: the
/// navigation and the links on pages are built from it, never from the role,
/// so a rule is written once. The server checks every action again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    /// Open cases and follow their own (customers).
    pub open_cases: bool,
    /// See orders, invoices and deliveries.
    pub see_orders: bool,
    /// Register for workshop sessions.
    pub register_for_workshops: bool,
    /// See their organization's members and invite people.
    pub manage_organization: bool,
    /// Work the queues: cases of every customer.
    pub work_cases: bool,
    /// Manage users and organizations.
    pub manage_users: bool,
    /// Change the service levels and the business calendar.
    pub manage_service_levels: bool,
    /// Write and publish articles, training material and workshops.
    pub write_articles: bool,
}
