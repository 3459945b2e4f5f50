//! Webhook subscriptions (/admin/webhooks): the same services as the REST
//! API's `/webhooks` (`rapport_core::api::webhooks`), which check
//! `Action::ManageWebhooks`. Every form posts without JavaScript and comes
//! back to the page; a refused one keeps what was typed.

use crate::error::AppError;
use leptos::prelude::*;
use rapport_types::api::webhooks::{Webhook, WebhookDelivery};
use serde::{Deserialize, Serialize};

/// The page's address.
pub const WEBHOOKS_PAGE: &str = "/admin/webhooks";

/// What the page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhooksData {
    pub hooks: Vec<Webhook>,
    /// The event types one can choose, with what each means.
    pub events: Vec<(String, String)>,
    /// The subscription opened (`?id=`), with its latest deliveries.
    pub selected: Option<Webhook>,
    pub deliveries: Vec<WebhookDelivery>,
    /// A secret just made or rotated by the reader: shown this once.
    pub secret: Option<String>,
}

/// Deliveries shown per subscription.
#[cfg(feature = "ssr")]
const LOG_SIZE: i64 = 50;

#[server(endpoint = "webhooks_view")]
pub async fn webhooks_view(id: Option<i64>, fresh_secret: bool) -> Result<WebhooksData, AppError> {
    use crate::web::{reader, AppState};
    use rapport_core::api::webhooks as service;
    use rapport_core::changes::event::SUBSCRIBABLE;
    let state = expect_context::<AppState>();
    let reader = reader::current();
    let (hooks, _) = service::list(&reader, &state.pool, 0, 200).await?;
    let (selected, deliveries, secret) = match id {
        Some(id) => {
            let hook = service::get(&reader, &state.pool, id).await?;
            let (deliveries, _) =
                service::deliveries(&reader, &state.pool, id, i64::MAX, LOG_SIZE).await?;
            let secret = if fresh_secret {
                service::take_secret(&reader, &state.pool, id).await?
            } else {
                None
            };
            (Some(hook), deliveries, secret)
        }
        None => (None, Vec::new(), None),
    };
    Ok(WebhooksData {
        hooks,
        events: SUBSCRIBABLE
            .iter()
            .map(|(name, meaning)| (name.to_string(), meaning.to_string()))
            .collect(),
        selected,
        deliveries,
        secret,
    })
}

#[cfg(feature = "ssr")]
fn page(id: i64, done: &str) -> String {
    format!("{WEBHOOKS_PAGE}?id={id}&done={done}")
}

/// Subscribe a URL; the page it leads to shows the secret once.
#[server(endpoint = "create_webhook")]
pub async fn create_webhook(
    url: String,
    events: Option<Vec<String>>,
    description: String,
) -> Result<(), AppError> {
    use crate::web::{forms, reader, AppState};
    use leptos::server_fn::ServerFn;
    use rapport_core::api::webhooks as service;
    use rapport_types::api::webhooks::NewWebhook;
    let state = expect_context::<AppState>();
    let reader = reader::current();
    let events = events.unwrap_or_default();
    let made = async {
        let made = service::create(
            &reader,
            &state.pool,
            &state.config,
            &NewWebhook {
                url: url.clone(),
                events: events.clone(),
                description: description.clone(),
            },
        )
        .await?;
        service::offer_secret(&reader, &state.pool, made.id).await?;
        Ok::<_, AppError>(made)
    }
    .await;
    match made {
        Ok(made) => {
            leptos_axum::redirect(&page(made.id, "created"));
            Ok(())
        }
        Err(e) => {
            let chosen = events.join(",");
            forms::back_to_form(
                WEBHOOKS_PAGE,
                &[
                    ("url", &url),
                    ("description", &description),
                    ("events", &chosen),
                ],
                CreateWebhook::PATH,
                &e,
            );
            Err(e)
        }
    }
}

/// Change a subscription's URL, events and description.
#[server(endpoint = "update_webhook")]
pub async fn update_webhook(
    id: i64,
    url: String,
    events: Option<Vec<String>>,
    description: String,
) -> Result<(), AppError> {
    use crate::web::{forms, reader, AppState};
    use leptos::server_fn::ServerFn;
    use rapport_core::api::webhooks as service;
    use rapport_types::api::webhooks::WebhookPatch;
    let state = expect_context::<AppState>();
    let events = events.unwrap_or_default();
    let patch = WebhookPatch {
        url: Some(url.clone()),
        events: Some(events.clone()),
        description: Some(description.clone()),
        ..Default::default()
    };
    match service::update(&reader::current(), &state.pool, &state.config, id, &patch).await {
        Ok(_) => {
            leptos_axum::redirect(&page(id, "saved"));
            Ok(())
        }
        Err(e) => {
            let e = AppError::from(e);
            let chosen = events.join(",");
            let id_text = id.to_string();
            forms::back_to_form(
                WEBHOOKS_PAGE,
                &[
                    ("id", &id_text),
                    ("url", &url),
                    ("description", &description),
                    ("events", &chosen),
                ],
                UpdateWebhook::PATH,
                &e,
            );
            Err(e)
        }
    }
}

/// Make a new secret (shown once); the old one signs too for 24 hours.
#[server(endpoint = "rotate_webhook_secret")]
pub async fn rotate_webhook_secret(id: i64) -> Result<(), AppError> {
    use crate::web::{reader, AppState};
    use rapport_core::api::webhooks as service;
    use rapport_types::api::webhooks::WebhookPatch;
    let state = expect_context::<AppState>();
    let reader = reader::current();
    let patch = WebhookPatch {
        rotate_secret: true,
        ..Default::default()
    };
    service::update(&reader, &state.pool, &state.config, id, &patch).await?;
    service::offer_secret(&reader, &state.pool, id).await?;
    leptos_axum::redirect(&page(id, "rotated"));
    Ok(())
}

/// Pause (`paused`) or resume (`active`) a subscription.
#[server(endpoint = "set_webhook_state")]
pub async fn set_webhook_state(id: i64, state: String) -> Result<(), AppError> {
    use crate::web::{reader, AppState};
    use rapport_core::api::webhooks as service;
    use rapport_types::api::webhooks::WebhookPatch;
    let app = expect_context::<AppState>();
    let patch = WebhookPatch {
        state: Some(state.clone()),
        ..Default::default()
    };
    service::update(&reader::current(), &app.pool, &app.config, id, &patch).await?;
    leptos_axum::redirect(&page(
        id,
        if state == "active" {
            "resumed"
        } else {
            "paused"
        },
    ));
    Ok(())
}

#[server(endpoint = "delete_webhook")]
pub async fn delete_webhook(id: i64) -> Result<(), AppError> {
    use crate::web::{reader, AppState};
    let state = expect_context::<AppState>();
    rapport_core::api::webhooks::delete(&reader::current(), &state.pool, id).await?;
    leptos_axum::redirect(&format!("{WEBHOOKS_PAGE}?done=deleted"));
    Ok(())
}

/// Send one delivery again (same body and `webhook-id`).
#[server(endpoint = "replay_webhook_delivery")]
pub async fn replay_webhook_delivery(id: i64, delivery: i64) -> Result<(), AppError> {
    use crate::web::{reader, AppState};
    let state = expect_context::<AppState>();
    rapport_core::api::webhooks::replay(&reader::current(), &state.pool, id, delivery).await?;
    leptos_axum::redirect(&page(id, "replayed"));
    Ok(())
}

/// Send a `webhook.test` event now.
#[server(endpoint = "send_webhook_test")]
pub async fn send_webhook_test(id: i64) -> Result<(), AppError> {
    use crate::web::{reader, AppState};
    let state = expect_context::<AppState>();
    rapport_core::api::webhooks::send_test(&reader::current(), &state.pool, id).await?;
    leptos_axum::redirect(&page(id, "test"));
    Ok(())
}
