//! Who a token is, and the incremental export of changes.

use crate::extract::{Caller, Query};
use crate::problem::{ApiError, ApiResult};
use app::web::AppState;
use axum::extract::State;
use axum::Json;
use rapport_core::changes;
use rapport_types::api::{Change, ChangeList, Me, Problem};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(list_changes))
}

/// Who the token acts as, and its scopes.
#[utoipa::path(get, path = "/me", tag = "Tokens",
    responses((status = 200, body = Me), (status = 401, body = Problem)),
    security(("token" = [])))]
async fn me(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Me>> {
    Ok(Json(
        rapport_core::api::me(&state.pool, &caller.token).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ChangesQuery {
    /// The `next` of the last page; leave it out (or 0) to start from the beginning.
    after: Option<String>,
    /// How many changes at most (1 to 1000, default 100).
    limit: Option<i64>,
}

/// Every change the token may see, once, in the order committed, deletions
/// included. Store `next` and ask again with `after=next`: no change is
/// skipped or repeated. A customer admin's token sees only their
/// organization's changes, and no internal notes.
#[utoipa::path(get, path = "/changes", tag = "Changes", params(ChangesQuery),
    responses((status = 200, body = ChangeList), (status = 401, body = Problem),
              (status = 422, body = Problem)),
    security(("token" = [])))]
async fn list_changes(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ChangesQuery>,
) -> ApiResult<Json<ChangeList>> {
    let after = match query.after.as_deref().map(str::trim) {
        None | Some("") => 0,
        Some(value) => value
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| {
                ApiError::invalid("after", "Pass the `next` of the last page as it is.")
            })?,
    };
    let limit = match query.limit {
        None => 100,
        Some(n) if (1..=changes::MAX_PAGE).contains(&n) => n,
        Some(_) => {
            return Err(ApiError::invalid(
                "limit",
                format!("Ask for 1 to {} changes.", changes::MAX_PAGE),
            ))
        }
    };
    let page = changes::feed(&state.pool, &caller.token, after, limit).await?;
    Ok(Json(ChangeList {
        changes: page.changes.into_iter().map(Change::from).collect(),
        next: page.next.to_string(),
    }))
}
