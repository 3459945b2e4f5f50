//! API tokens: the list on the account page, the form, and the secret shown
//! once when a token is made.

use crate::ApiScope;
use serde::{Deserialize, Serialize};

/// One token, as its owner (or an admin) sees it. Never the secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiTokenRow {
    pub id: i64,
    pub name: String,
    /// "rpt_" and eight characters: what tells the tokens apart.
    pub prefix: String,
    pub scopes: Vec<ApiScope>,
    /// For an admin's list of everyone's tokens: whose it is.
    pub owner: Option<String>,
    /// The organization a customer admin's token is limited to.
    pub organization: Option<String>,
    pub created: String,
    pub expires: Option<String>,
    pub last_used: Option<String>,
    /// "Active", "Expired" or "Revoked".
    pub state: String,
    pub active: bool,
}

/// The API tokens page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiTokensPage {
    pub tokens: Vec<ApiTokenRow>,
    /// The scopes the reader may put on a new token.
    pub grantable: Vec<ApiScope>,
    /// An admin's page lists every person's tokens.
    pub everyone: bool,
    /// The token the reader made just before: its secret, this once.
    pub just_made: Option<CreatedApiToken>,
}

/// What the form sends.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NewApiToken {
    pub name: String,
    /// Scope names ("cases:read"), as ticked.
    pub scopes: Vec<String>,
    /// "" for no expiry, else a date (YYYY-MM-DD) in the reader's zone.
    pub expires_on: String,
}

/// A token just made: the only time its secret is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatedApiToken {
    pub id: i64,
    pub name: String,
    pub secret: String,
}
