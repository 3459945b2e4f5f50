use serde::{Deserialize, Serialize};

/// The time zones a time zone field offers: every IANA zone by name, sorted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeZoneChoices {
    pub names: Vec<String>,
}
