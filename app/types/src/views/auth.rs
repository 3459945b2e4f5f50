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
}
