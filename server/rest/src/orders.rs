//! The REST API: the order system's way in, batches of products, orders,
//! invoices and deliveries upserted by their number.

use crate::extract::Caller;
use crate::problem::{ApiError, ApiResult};
use app::web::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::Json;
use rapport_core::api::orders::{self, BatchError};
use rapport_types::api::orders::{BatchResult, OrderBatch};
use rapport_types::api::Problem;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(upsert_batch))
}

/// Upsert a batch of products, orders, invoices and deliveries by their
/// number, with the checks and writers of `rapport import-orders` (its JSON
/// format). The batch is one transaction: when any record is wrong nothing
/// is written, and the answer names every problem by record and field
/// (`orders[3].lines[1].quantity`). Sending the same batch again changes
/// nothing (all counted `unchanged`). Records that were created or changed
/// appear in `/changes` as `product.upserted`, `order.upserted`, ...
#[utoipa::path(post, path = "/orders/batch", tag = "Orders",
    request_body(content = OrderBatch, content_type = "application/json"),
    responses((status = 200, body = BatchResult), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
async fn upsert_batch(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<Json<BatchResult>> {
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::invalid("body", "The body must be UTF-8 JSON text."))?;
    match orders::upsert_batch(&caller.reader, &state.pool, text).await {
        Ok(result) => Ok(Json(result)),
        Err(BatchError::Invalid(problems)) => Err(ApiError::many(problems)),
        Err(BatchError::Failed(error)) => Err(error.into()),
    }
}
