//! The REST API: webhook subscriptions and their deliveries (admins, scope
//! `webhooks`). The same services as the admin page (`core::api::webhooks`).

use crate::cursor;
use crate::extract::{path_id_or_not_found as id, Caller, Json, Query};
use crate::problem::ApiResult;
use app::web::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use rapport_core::api::webhooks as service;
use rapport_types::api::webhooks::{
    NewWebhook, Webhook, WebhookDelivery, WebhookDeliveryList, WebhookList, WebhookPatch,
};
use rapport_types::api::Problem;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(get_webhook, update_webhook, delete_webhook))
        .routes(routes!(list_deliveries))
        .routes(routes!(replay_delivery))
        .routes(routes!(send_test))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct Page {
    /// `next_cursor` of the last page.
    cursor: Option<String>,
    /// How many items at most (1 to 200, default 50).
    limit: Option<i64>,
}

/// A number in the path; anything else is no such thing.
/// Every webhook subscription, the oldest first.
#[utoipa::path(get, path = "/webhooks", tag = "Webhooks", params(Page),
    responses((status = 200, body = WebhookList), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
async fn list_webhooks(
    State(state): State<AppState>,
    caller: Caller,
    Query(page): Query<Page>,
) -> ApiResult<axum::Json<WebhookList>> {
    let limit = cursor::limit(page.limit)?;
    let after = match page.cursor.as_deref() {
        Some(c) => cursor::decode::<i64>(c)?,
        None => 0,
    };
    let (items, next) = service::list(&caller.reader, &state.pool, after, limit).await?;
    Ok(axum::Json(WebhookList {
        items,
        next_cursor: next.map(|n| cursor::encode(&n)),
    }))
}

/// Subscribe a URL to event types. The answer carries the signing secret
/// (`whsec_…`) this once: keep it.
#[utoipa::path(post, path = "/webhooks", tag = "Webhooks", request_body = NewWebhook,
    responses((status = 201, body = Webhook), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
async fn create_webhook(
    State(state): State<AppState>,
    caller: Caller,
    Json(new): Json<NewWebhook>,
) -> ApiResult<(StatusCode, axum::Json<Webhook>)> {
    let made = service::create(&caller.reader, &state.pool, &state.config, &new).await?;
    Ok((StatusCode::CREATED, axum::Json(made)))
}

/// One subscription.
#[utoipa::path(get, path = "/webhooks/{id}", tag = "Webhooks",
    params(("id" = i64, Path, description = "The subscription")),
    responses((status = 200, body = Webhook), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("token" = [])))]
async fn get_webhook(
    State(state): State<AppState>,
    caller: Caller,
    Path(hook): Path<String>,
) -> ApiResult<axum::Json<Webhook>> {
    Ok(axum::Json(
        service::get(&caller.reader, &state.pool, id(&hook)?).await?,
    ))
}

/// Change the URL, events or description, pause or resume, or rotate the
/// secret (the new one is in the answer this once; the old one keeps
/// signing for 24 hours, so each request carries two signatures meanwhile).
#[utoipa::path(patch, path = "/webhooks/{id}", tag = "Webhooks", request_body = WebhookPatch,
    params(("id" = i64, Path, description = "The subscription")),
    responses((status = 200, body = Webhook), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem)),
    security(("token" = [])))]
async fn update_webhook(
    State(state): State<AppState>,
    caller: Caller,
    Path(hook): Path<String>,
    Json(patch): Json<WebhookPatch>,
) -> ApiResult<axum::Json<Webhook>> {
    Ok(axum::Json(
        service::update(
            &caller.reader,
            &state.pool,
            &state.config,
            id(&hook)?,
            &patch,
        )
        .await?,
    ))
}

/// Delete a subscription and its delivery log.
#[utoipa::path(delete, path = "/webhooks/{id}", tag = "Webhooks",
    params(("id" = i64, Path, description = "The subscription")),
    responses((status = 204), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("token" = [])))]
async fn delete_webhook(
    State(state): State<AppState>,
    caller: Caller,
    Path(hook): Path<String>,
) -> ApiResult<StatusCode> {
    service::delete(&caller.reader, &state.pool, id(&hook)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A subscription's deliveries, the newest first, each with every try
/// (time, status, duration, the first 500 bytes of the answer).
#[utoipa::path(get, path = "/webhooks/{id}/deliveries", tag = "Webhooks",
    params(("id" = i64, Path, description = "The subscription"), Page),
    responses((status = 200, body = WebhookDeliveryList), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem)),
    security(("token" = [])))]
async fn list_deliveries(
    State(state): State<AppState>,
    caller: Caller,
    Path(hook): Path<String>,
    Query(page): Query<Page>,
) -> ApiResult<axum::Json<WebhookDeliveryList>> {
    let limit = cursor::limit(page.limit)?;
    let before = match page.cursor.as_deref() {
        Some(c) => cursor::decode::<i64>(c)?,
        None => i64::MAX,
    };
    let (items, next) =
        service::deliveries(&caller.reader, &state.pool, id(&hook)?, before, limit).await?;
    Ok(axum::Json(WebhookDeliveryList {
        items,
        next_cursor: next.map(|n| cursor::encode(&n)),
    }))
}

/// Send a delivery again (a new delivery with the same body and `webhook-id`).
#[utoipa::path(post, path = "/webhooks/{id}/deliveries/{delivery}/replay", tag = "Webhooks",
    params(("id" = i64, Path, description = "The subscription"),
           ("delivery" = i64, Path, description = "The delivery to send again")),
    responses((status = 202, body = WebhookDelivery), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("token" = [])))]
async fn replay_delivery(
    State(state): State<AppState>,
    caller: Caller,
    Path((hook, delivery)): Path<(String, String)>,
) -> ApiResult<(StatusCode, axum::Json<WebhookDelivery>)> {
    let queued = service::replay(&caller.reader, &state.pool, id(&hook)?, id(&delivery)?).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(queued)))
}

/// Send a test event (`webhook.test`) to the subscription now.
#[utoipa::path(post, path = "/webhooks/{id}/test", tag = "Webhooks",
    params(("id" = i64, Path, description = "The subscription")),
    responses((status = 202, body = WebhookDelivery), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("token" = [])))]
async fn send_test(
    State(state): State<AppState>,
    caller: Caller,
    Path(hook): Path<String>,
) -> ApiResult<(StatusCode, axum::Json<WebhookDelivery>)> {
    let queued = service::send_test(&caller.reader, &state.pool, id(&hook)?).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(queued)))
}
