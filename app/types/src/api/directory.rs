//! API wire types: users and organizations. (See the module above.)

use serde::{Deserialize, Serialize};

/// A person with an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    /// customer, customer_admin, agent, trainer or admin.
    pub role: String,
    /// A customer's organization; none for staff.
    pub organization_id: Option<i64>,
    pub organization_name: Option<String>,
    pub disabled: bool,
    pub created_at: String,
    pub last_sign_in_at: Option<String>,
}

/// A page of users.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserList {
    pub items: Vec<User>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// A customer organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Organization {
    pub id: i64,
    pub name: String,
    pub created_at: String,
    /// People in it, and how many of them are its admins.
    pub members: i64,
    pub admins: i64,
}

/// A page of organizations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganizationList {
    pub items: Vec<Organization>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}
