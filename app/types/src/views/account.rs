use serde::{Deserialize, Serialize};

/// The time zones a time zone field offers: every IANA zone by name, sorted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeZoneChoices {
    pub names: Vec<String>,
}

/// The mails an agent chooses to get, and the case categories they follow
/// (a new case in one of them is mailed to them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentMailChoices {
    /// A new case in a category they follow.
    pub new_case_followed: bool,
    /// A case assigned to them by someone else.
    pub assigned_to_me: bool,
    /// The customer writes on, closes or reopens a case assigned to them.
    pub customer_replied: bool,
    /// Someone @mentions them in an internal note.
    pub mentioned: bool,
    pub categories: Vec<FollowedCategory>,
}

/// A case category, and whether the agent follows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowedCategory {
    pub id: i64,
    pub name: String,
    pub followed: bool,
}
