//! The REST API's wire types (`/api/v1`): what other systems send and get.
//! Stable names, times in RFC 3339 (UTC), money in minor units with its
//! currency. With the `openapi` feature each type describes itself for the
//! OpenAPI document (`utoipa::ToSchema`); the browser build leaves it off.
//!
//! One module per area, as the endpoints in `rapport-rest`.

pub mod cases;
pub mod directory;
pub mod knowledge;
pub mod orders;
pub mod webhooks;

use serde::{Deserialize, Serialize};

/// An error, as RFC 9457 `application/problem+json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI naming the kind of problem (`about:blank` when the status says it all).
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem ("Invalid input").
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What happened, for a person to read.
    pub detail: String,
    /// The request, as the server's log names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// For invalid input: the field at fault (`title`, `records[3].total`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every problem found, when there are several (a batch).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

/// One field at fault.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldProblem {
    pub field: String,
    pub detail: String,
}

/// Who a token acts as, and what it may do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub user_id: i64,
    pub email: String,
    pub name: String,
    /// customer, customer_admin, agent, trainer or admin.
    pub role: String,
    /// The organization a customer admin's token is limited to.
    pub organization_id: Option<i64>,
    pub scopes: Vec<String>,
}

/// One entry of the incremental export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    /// Its place in the sequence: strictly increasing, no gaps among the
    /// changes a token may see in one reading.
    pub seq: i64,
    /// When it was committed (RFC 3339).
    pub at: String,
    /// The event type, as webhooks name it: `case.created`, `message.created`, ...
    pub event: String,
    /// case, message, article, registration, product, order, invoice,
    /// delivery, organization, user.
    pub entity: String,
    pub entity_id: i64,
    /// The entity is gone (merged, deleted): remove your copy.
    pub deleted: bool,
    pub organization_id: Option<i64>,
    pub case_id: Option<i64>,
    /// A few fields a receiver needs without a second call.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Value,
}

/// A page of the incremental export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeList {
    pub changes: Vec<Change>,
    /// Ask again with `after` set to this to get the changes that follow.
    pub next: String,
}
