use super::PersonView;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationDetails {
    pub name: String,
    pub members: Vec<PersonView>,
    pub open_invitations: i64,
    /// Every member sees all the organization's orders, invoices and deliveries
    /// (otherwise a customer sees those they placed).
    pub members_see_all_orders: bool,
}
