//! Case vocabulary: statuses, priorities and case numbers.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    New,
    Open,
    Pending,
    OnHold,
    Solved,
    Closed,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 6] = [
        CaseStatus::New,
        CaseStatus::Open,
        CaseStatus::Pending,
        CaseStatus::OnHold,
        CaseStatus::Solved,
        CaseStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::New => "new",
            CaseStatus::Open => "open",
            CaseStatus::Pending => "pending",
            CaseStatus::OnHold => "on_hold",
            CaseStatus::Solved => "solved",
            CaseStatus::Closed => "closed",
        }
    }

    pub fn parse(value: &str) -> Option<CaseStatus> {
        CaseStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == value.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            CaseStatus::New => "New",
            CaseStatus::Open => "Open",
            CaseStatus::Pending => "Waiting for you",
            CaseStatus::OnHold => "On hold",
            CaseStatus::Solved => "Solved",
            CaseStatus::Closed => "Closed",
        }
    }

    /// The label the support team sees: the customer's "Waiting for you" is
    /// "Waiting for customer" to them.
    pub fn staff_label(self) -> &'static str {
        match self {
            CaseStatus::Pending => "Waiting for customer",
            other => other.label(),
        }
    }

    /// The label for a reader: staff or customer.
    pub fn label_for(self, staff: bool) -> &'static str {
        if staff {
            self.staff_label()
        } else {
            self.label()
        }
    }

    /// The status in plain words, for the customer.
    pub fn meaning(self) -> &'static str {
        match self {
            CaseStatus::New => "We have your case and will answer soon.",
            CaseStatus::Open => "Our team is working on your case.",
            CaseStatus::Pending => "We are waiting for your answer. Reply to continue.",
            CaseStatus::OnHold => "We are waiting for someone else (a supplier or another team) and will come back to you.",
            CaseStatus::Solved => "We believe this is solved. Reply if it is not, and the case opens again.",
            CaseStatus::Closed => "This case is closed. Open a new case if you need more help.",
        }
    }

    /// Still needs work from the support team.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            CaseStatus::New | CaseStatus::Open | CaseStatus::OnHold
        )
    }

    /// The status after the customer writes a public reply: a reply to a case
    /// waiting for them, or to a solved one, opens it again. Closed cases take no replies.
    pub fn after_customer_reply(self) -> Option<CaseStatus> {
        match self {
            CaseStatus::Closed => None,
            CaseStatus::Pending | CaseStatus::Solved => Some(CaseStatus::Open),
            other => Some(other),
        }
    }
}

impl fmt::Display for CaseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// How urgent a case is. Customers choose low, normal or high; urgent is the agents' call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Normal,
        Priority::High,
        Priority::Urgent,
    ];
    pub const FOR_CUSTOMERS: [Priority; 3] = [Priority::Low, Priority::Normal, Priority::High];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    pub fn parse(value: &str) -> Option<Priority> {
        Priority::ALL
            .into_iter()
            .find(|p| p.as_str() == value.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Priority::Low => "Low",
            Priority::Normal => "Normal",
            Priority::High => "High",
            Priority::Urgent => "Urgent",
        }
    }
}

/// Where a case came from: the portal's form, an e-mail, a phone call taken
/// by an agent, or an agent filing it for a customer some other way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseChannel {
    Portal,
    Email,
    Phone,
    Agent,
}

impl CaseChannel {
    pub const ALL: [CaseChannel; 4] = [
        CaseChannel::Portal,
        CaseChannel::Email,
        CaseChannel::Phone,
        CaseChannel::Agent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseChannel::Portal => "portal",
            CaseChannel::Email => "email",
            CaseChannel::Phone => "phone",
            CaseChannel::Agent => "agent",
        }
    }

    pub fn parse(value: &str) -> Option<CaseChannel> {
        CaseChannel::ALL
            .into_iter()
            .find(|c| c.as_str() == value.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            CaseChannel::Portal => "Portal",
            CaseChannel::Email => "E-mail",
            CaseChannel::Phone => "Phone",
            CaseChannel::Agent => "Filed by an agent",
        }
    }
}

/// A case's human-readable number, shown as `C-1042`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CaseNumber(pub i64);

impl CaseNumber {
    /// Accepts `C-1042`, `c-1042` and `1042`.
    pub fn parse(value: &str) -> Option<CaseNumber> {
        let value = value.trim();
        let digits = value
            .strip_prefix("C-")
            .or_else(|| value.strip_prefix("c-"))
            .unwrap_or(value);
        if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok().filter(|n| *n > 0).map(CaseNumber)
    }
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "C-{}", self.0)
    }
}

/// A tag on a case: a short lower-case word (letters, digits and dashes).
/// What agents type is folded to lower case and spaces become dashes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Tag(String);

impl Tag {
    pub const MAX_LEN: usize = 40;
    /// More than this many tags on one case is a sign of misuse.
    pub const MAX_PER_CASE: usize = 20;

    pub fn parse(value: &str) -> Option<Tag> {
        let tag: String = value
            .trim()
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join("-");
        let valid = !tag.is_empty()
            && tag.chars().count() <= Tag::MAX_LEN
            && !tag.starts_with('-')
            && tag
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        valid.then_some(Tag(tag))
    }

    /// Tags from a comma-separated list, sorted and without duplicates; the
    /// error names the first one that is not a valid tag.
    pub fn parse_list(value: &str) -> Result<Vec<Tag>, String> {
        let mut tags = Vec::new();
        for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match Tag::parse(part) {
                Some(tag) => tags.push(tag),
                None => return Err(part.to_string()),
            }
        }
        tags.sort();
        tags.dedup();
        Ok(tags)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_priorities_round_trip() {
        for s in CaseStatus::ALL {
            assert_eq!(CaseStatus::parse(s.as_str()), Some(s));
        }
        for p in Priority::ALL {
            assert_eq!(Priority::parse(p.as_str()), Some(p));
        }
        assert_eq!(CaseStatus::parse("done"), None);
        assert_eq!(Priority::parse("critical"), None);
        assert!(!Priority::FOR_CUSTOMERS.contains(&Priority::Urgent));
    }

    #[test]
    fn a_customer_reply_reopens_waiting_and_solved_cases_only() {
        use CaseStatus::*;
        let table = [
            (New, Some(New)),
            (Open, Some(Open)),
            (Pending, Some(Open)),
            (OnHold, Some(OnHold)),
            (Solved, Some(Open)),
            (Closed, None),
        ];
        for (before, after) in table {
            assert_eq!(before.after_customer_reply(), after, "{before:?}");
        }
    }

    #[test]
    fn case_numbers_parse_and_print() {
        assert_eq!(CaseNumber::parse("C-1042"), Some(CaseNumber(1042)));
        assert_eq!(CaseNumber::parse(" c-7 "), Some(CaseNumber(7)));
        assert_eq!(CaseNumber::parse("1042"), Some(CaseNumber(1042)));
        for bad in [
            "",
            "C-",
            "C-12a",
            "-5",
            "C--5",
            "0",
            "C-99999999999999999999",
        ] {
            assert_eq!(CaseNumber::parse(bad), None, "{bad:?}");
        }
        assert_eq!(CaseNumber(1042).to_string(), "C-1042");
    }

    #[test]
    fn tags_are_folded_and_checked() {
        assert_eq!(Tag::parse(" Billing ").unwrap().as_str(), "billing");
        assert_eq!(Tag::parse("Printer Jam").unwrap().as_str(), "printer-jam");
        assert_eq!(Tag::parse("vat-2024").unwrap().as_str(), "vat-2024");
        for bad in ["", "  ", "-x", "a_b", "ü", "<script>", &"x".repeat(41)] {
            assert_eq!(Tag::parse(bad), None, "{bad:?}");
        }
        let list = Tag::parse_list("vat, Billing, vat,, urgent customer").unwrap();
        let names: Vec<_> = list.iter().map(Tag::as_str).collect();
        assert_eq!(names, ["billing", "urgent-customer", "vat"]);
        assert_eq!(Tag::parse_list("ok, b@d"), Err("b@d".to_string()));
        assert_eq!(Tag::parse_list(" "), Ok(vec![]));
    }
}
