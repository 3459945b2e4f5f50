use serde::{Deserialize, Serialize};
use std::fmt;

/// What a person is in Rapport. Customers and customer admins belong to one
/// organization; agents, trainers and admins work for the company.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Customer,
    CustomerAdmin,
    Agent,
    Trainer,
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Customer,
        Role::CustomerAdmin,
        Role::Agent,
        Role::Trainer,
        Role::Admin,
    ];

    /// The value stored in the database and used in forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::CustomerAdmin => "customer_admin",
            Role::Agent => "agent",
            Role::Trainer => "trainer",
            Role::Admin => "admin",
        }
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Customer => "Customer",
            Role::CustomerAdmin => "Customer admin",
            Role::Agent => "Agent",
            Role::Trainer => "Trainer",
            Role::Admin => "Admin",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == value.trim())
    }

    /// Customers and customer admins belong to an organization.
    pub fn is_customer(self) -> bool {
        matches!(self, Role::Customer | Role::CustomerAdmin)
    }

    /// Agents, trainers and admins work for the company.
    pub fn is_staff(self) -> bool {
        !self.is_customer()
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_stored_name() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
    }

    #[test]
    fn unknown_role_names_are_rejected() {
        for bad in ["", "root", "Admin", "customer-admin", "superuser"] {
            assert_eq!(Role::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn customers_and_staff_are_disjoint() {
        let customers: Vec<_> = Role::ALL.into_iter().filter(|r| r.is_customer()).collect();
        assert_eq!(customers, vec![Role::Customer, Role::CustomerAdmin]);
        assert!(Role::ALL
            .into_iter()
            .all(|r| r.is_customer() != r.is_staff()));
    }
}
