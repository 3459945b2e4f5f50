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
/// so a rule is written once. The server checks every action again. It
/// travels as one number, a bit per capability: the browser bundle only ever
/// asks `has`, and a struct of named flags cost it 2.5 KB to decode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Capabilities(u16);

/// One thing a page may offer a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    /// Open cases and follow their own (customers).
    OpenCases,
    /// See orders, invoices and deliveries.
    SeeOrders,
    /// Register for workshop sessions.
    RegisterForWorkshops,
    /// See their organization's members and invite people.
    ManageOrganization,
    /// Work the queues: cases of every customer.
    WorkCases,
    /// Manage users and organizations.
    ManageUsers,
    /// Change the service levels and the business calendar.
    ManageServiceLevels,
    /// Write and publish articles, training material and workshops.
    WriteArticles,
    /// See the team reports.
    SeeTeamReports,
    /// See their own organization's service report (customer admins).
    SeeServiceReport,
    /// See account health and churn.
    SeeAccountHealth,
    /// Make API tokens for other systems.
    UseApiTokens,
    /// Subscribe other systems to events by webhook.
    ManageWebhooks,
}

impl Capabilities {
    /// These capabilities, with `capability` when `allowed`.
    pub fn with(self, capability: Capability, allowed: bool) -> Capabilities {
        let bit = 1 << capability as u16;
        Capabilities(if allowed { self.0 | bit } else { self.0 & !bit })
    }

    pub fn has(self, capability: Capability) -> bool {
        self.0 & (1 << capability as u16) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities_are_kept_apart() {
        let can = Capabilities::default()
            .with(Capability::WorkCases, true)
            .with(Capability::WriteArticles, true)
            .with(Capability::WorkCases, false);
        assert!(can.has(Capability::WriteArticles));
        assert!(!can.has(Capability::WorkCases));
        assert!(!can.has(Capability::OpenCases));
    }
}
