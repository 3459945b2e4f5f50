//! API wire types: webhook subscriptions and their deliveries.
//!
//! Each request a subscription receives is signed in the Standard Webhooks
//! scheme: `webhook-id`, `webhook-timestamp` and `webhook-signature`
//! (`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, two of them,
//! space-separated, for 24 hours after the secret was rotated). The body is
//! `{ "type", "timestamp", "data" }`.

use serde::{Deserialize, Serialize};

/// A subscription of another system to Rapport's events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Webhook {
    pub id: i64,
    /// Where the events are POSTed (http or https).
    pub url: String,
    /// The event types it receives (`case.created`, ...).
    pub events: Vec<String>,
    pub description: String,
    /// `active` or `paused`.
    pub state: String,
    /// Why it is paused: `manual`, `failing` (3 days without a success) or
    /// `gone` (the receiver answered 410 Gone).
    pub paused_reason: Option<String>,
    /// The first failed try since the last success (RFC 3339).
    pub failing_since: Option<String>,
    /// The HTTP status of the last try of any delivery (none: no answer or no try yet).
    pub last_status: Option<i32>,
    /// When the last try was made (RFC 3339).
    pub last_try_at: Option<String>,
    /// Until when the previous secret also signs, after a rotation (RFC 3339).
    pub previous_secret_until: Option<String>,
    /// The person who made it.
    pub owner_id: i64,
    pub created_at: String,
    /// The signing secret (`whsec_…`): only in the answer that made it
    /// (creating the subscription or rotating its secret). Keep it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

/// A new subscription.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewWebhook {
    pub url: String,
    /// One or more of the subscribable event types.
    pub events: Vec<String>,
    #[serde(default)]
    pub description: String,
}

/// A change to a subscription; what is left out stays as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookPatch {
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    pub description: Option<String>,
    /// `active` to resume (its pending deliveries are tried at once), `paused` to pause.
    pub state: Option<String>,
    /// Make a new secret (returned this once); the old one keeps signing for 24 hours.
    #[serde(default)]
    pub rotate_secret: bool,
}

/// A page of subscriptions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookList {
    pub items: Vec<Webhook>,
    pub next_cursor: Option<String>,
}

/// One try of a delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookAttempt {
    pub at: String,
    /// The HTTP status; none when no answer came (refused, timed out).
    pub status: Option<i32>,
    pub duration_ms: i32,
    /// The first 500 bytes of the answer, as text.
    pub response: String,
    /// Why no answer came.
    pub error: Option<String>,
}

/// One event sent (or to be sent) to a subscription.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDelivery {
    pub id: i64,
    /// The `webhook-id` header: the same on every try and on a replay.
    pub message_id: String,
    pub event: String,
    /// The change it reports (none for a test event).
    pub change_seq: Option<i64>,
    pub case_id: Option<i64>,
    /// `pending`, `delivered` or `failed` (every try used up).
    pub state: String,
    pub tries: i32,
    /// When the next try is due, while pending (RFC 3339).
    pub next_try_at: Option<String>,
    pub delivered_at: Option<String>,
    pub created_at: String,
    /// The body sent (JSON).
    pub body: String,
    /// Every try, the first first.
    pub attempts: Vec<WebhookAttempt>,
}

/// A page of a subscription's deliveries, the newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDeliveryList {
    pub items: Vec<WebhookDelivery>,
    pub next_cursor: Option<String>,
}
