use super::PersonView;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationDetails {
    pub name: String,
    pub members: Vec<PersonView>,
    pub open_invitations: i64,
    /// The invitations sent, newest first: pending, expired, accepted and revoked.
    pub invitations: Vec<InvitationView>,
    /// Every member sees all the organization's orders, invoices and deliveries
    /// (otherwise a customer sees those they placed).
    pub members_see_all_orders: bool,
}

/// Where an invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationState {
    /// Sent, and its link still works.
    Pending,
    /// Its link is past its date; it can be sent again.
    Expired,
    /// Someone registered with it.
    Accepted,
    /// An admin revoked it; its link does not work.
    Revoked,
}

impl InvitationState {
    pub fn label(self) -> &'static str {
        match self {
            InvitationState::Pending => "Pending",
            InvitationState::Expired => "Expired",
            InvitationState::Accepted => "Accepted",
            InvitationState::Revoked => "Revoked",
        }
    }

    /// Can it be sent again (with a new link)?
    pub fn can_resend(self) -> bool {
        matches!(self, InvitationState::Pending | InvitationState::Expired)
    }

    /// Can it be revoked?
    pub fn can_revoke(self) -> bool {
        matches!(self, InvitationState::Pending | InvitationState::Expired)
    }
}

/// An invitation as the organization page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitationView {
    pub id: i64,
    pub email: String,
    pub invited_by: String,
    /// When it was last sent.
    pub sent: String,
    pub expires: String,
    pub state: InvitationState,
}

/// What the registration form shows for an invitation link: the organization
/// it joins and the one address that can use it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitationSummary {
    pub organization_name: String,
    pub email: String,
}
