//! What an API token may be used for. A token acts as the person who made
//! it, narrowed to its scopes: the scope lets a call through the door, and
//! the same rules as in the portal then decide what the person may see and
//! change (`policy` in the core).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ApiScope {
    /// List and read cases, their messages and attachments; search.
    #[serde(rename = "cases:read")]
    CasesRead,
    /// Open cases, reply, write internal notes, change status, priority,
    /// assignee and tags, upload attachments.
    #[serde(rename = "cases:write")]
    CasesWrite,
    /// Read articles (as the token's owner may), workshops and their sessions.
    #[serde(rename = "knowledge:read")]
    KnowledgeRead,
    /// Write and publish articles; register for workshop sessions and cancel.
    #[serde(rename = "knowledge:write")]
    KnowledgeWrite,
    /// Upsert products, orders, invoices and deliveries (the order system).
    #[serde(rename = "orders:write")]
    OrdersWrite,
    /// List and read users and organizations.
    #[serde(rename = "admin")]
    Admin,
    /// Manage webhook subscriptions and read their deliveries.
    #[serde(rename = "webhooks")]
    Webhooks,
}

impl ApiScope {
    pub const ALL: [ApiScope; 7] = [
        ApiScope::CasesRead,
        ApiScope::CasesWrite,
        ApiScope::KnowledgeRead,
        ApiScope::KnowledgeWrite,
        ApiScope::OrdersWrite,
        ApiScope::Admin,
        ApiScope::Webhooks,
    ];

    /// The name stored with a token and written in the OpenAPI document.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiScope::CasesRead => "cases:read",
            ApiScope::CasesWrite => "cases:write",
            ApiScope::KnowledgeRead => "knowledge:read",
            ApiScope::KnowledgeWrite => "knowledge:write",
            ApiScope::OrdersWrite => "orders:write",
            ApiScope::Admin => "admin",
            ApiScope::Webhooks => "webhooks",
        }
    }

    /// What the token form says of it.
    pub fn label(self) -> &'static str {
        match self {
            ApiScope::CasesRead => "Read cases, messages and attachments; search",
            ApiScope::CasesWrite => "Open cases, reply, write notes, change cases",
            ApiScope::KnowledgeRead => "Read articles and workshops",
            ApiScope::KnowledgeWrite => "Write articles; register for workshops",
            ApiScope::OrdersWrite => "Send products, orders, invoices and deliveries",
            ApiScope::Admin => "Read users and organizations",
            ApiScope::Webhooks => "Manage webhooks",
        }
    }

    pub fn parse(value: &str) -> Option<ApiScope> {
        ApiScope::ALL
            .into_iter()
            .find(|s| s.as_str() == value.trim())
    }
}

/// The visible start of every token: "rpt_" and eight characters. Secret
/// scanners and people alike recognise a Rapport token by it.
pub const API_TOKEN_PREFIX: &str = "rpt_";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_names_round_trip_and_match_serde() {
        for scope in ApiScope::ALL {
            assert_eq!(ApiScope::parse(scope.as_str()), Some(scope));
            assert_eq!(
                serde_json::to_string(&scope).unwrap(),
                format!("\"{}\"", scope.as_str())
            );
        }
        assert_eq!(ApiScope::parse("cases"), None);
    }
}
