//! Server functions, one file per area. Each is a public HTTP endpoint at
//! `/api/<name>` and is listed in `server::policy::SERVER_FUNCTIONS`.
//! They stay thin: find the actor, ask the policy, call the server modules.

pub mod account;
pub mod admin;
pub mod auth;
pub mod canned;
pub mod cases;
pub mod dashboard;
pub mod kb;
pub mod orders;
pub mod organization;
pub mod search;
pub mod sla;
pub mod workshops;
pub mod writing;

use crate::domain::Role;
use serde::{Deserialize, Serialize};

/// A person as lists show them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonView {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub organization_name: Option<String>,
    pub disabled: bool,
    pub created: Option<String>,
    pub last_sign_in: Option<String>,
}
