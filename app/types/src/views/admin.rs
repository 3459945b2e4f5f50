use super::PersonView;
use serde::{Deserialize, Serialize};

pub const USERS_PER_PAGE: i64 = 50;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserPage {
    pub users: Vec<PersonView>,
    pub total: i64,
    pub page: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationItem {
    pub id: i64,
    pub name: String,
    pub created: String,
    pub members: i64,
    pub admins: i64,
}
