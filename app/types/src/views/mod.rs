//! What server functions return and pages show, one module per area. Plain
//! data: the server fills it in, the browser renders it. Times are already
//! formatted in the reader's time zone; money is already formatted.

pub mod account;
pub mod admin;
pub mod agent_cases;
pub mod api_tokens;
pub mod auth;
pub mod canned;
pub mod cases;
pub mod charts;
pub mod dashboard;
pub mod health;
pub mod kb;
pub mod mail_in;
pub mod orders;
pub mod organization;
pub mod reports;
pub mod search;
pub mod sla;
pub mod two_factor;
pub mod workshops;
pub mod writing;

use crate::Role;
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
