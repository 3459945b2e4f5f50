//! The REST API: users and organizations, for Rapport's admins.

use crate::cursor;
use crate::extract::{Caller, Query};
use crate::problem::{ApiError, ApiResult};
use app::web::AppState;
use axum::extract::{Path, State};
use axum::Json;
use rapport_core::api::directory::{self, UserFilter};
use rapport_types::api::directory::{Organization, OrganizationList, User, UserList};
use rapport_types::api::Problem;
use rapport_types::Role;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users))
        .routes(routes!(get_user))
        .routes(routes!(list_organizations))
        .routes(routes!(get_organization))
}

/// The id after which a page starts, from its cursor.
fn after(cursor: Option<&str>) -> Result<i64, ApiError> {
    match cursor.map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(0),
        Some(c) => cursor::decode::<i64>(c),
    }
}

/// An id in the path, or a problem naming `id`.
pub(crate) fn path_id(text: &str) -> Result<i64, ApiError> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::invalid("id", "An id is a whole number, as Rapport gave it out."))
}

fn next_cursor(more: bool, last: Option<i64>) -> Option<String> {
    last.filter(|_| more).map(|id| cursor::encode(&id))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct UserQuery {
    /// customer, customer_admin, agent, trainer or admin.
    role: Option<String>,
    /// Only the members of this organization.
    organization: Option<i64>,
    /// Part of the e-mail address, name or organization name.
    q: Option<String>,
    /// The `next_cursor` of the last page.
    cursor: Option<String>,
    /// Items per page (1 to 200, default 50).
    limit: Option<i64>,
}

/// Every user, by id, filtered by role, organization or text.
#[utoipa::path(get, path = "/users", tag = "Directory", params(UserQuery),
    responses((status = 200, body = UserList), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
async fn list_users(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<UserQuery>,
) -> ApiResult<Json<UserList>> {
    let limit = cursor::limit(query.limit)?;
    let role = match query
        .role
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        None => None,
        Some(r) => Some(Role::parse(r).ok_or_else(|| {
            ApiError::invalid(
                "role",
                "Use customer, customer_admin, agent, trainer or admin.",
            )
        })?),
    };
    let filter = UserFilter {
        role,
        organization_id: query.organization,
        text: query.q,
    };
    let after = after(query.cursor.as_deref())?;
    let (items, more) =
        directory::users(&caller.reader, &state.pool, &filter, after, limit).await?;
    let next_cursor = next_cursor(more, items.last().map(|u| u.id));
    Ok(Json(UserList { items, next_cursor }))
}

/// One user.
#[utoipa::path(get, path = "/users/{id}", tag = "Directory",
    params(("id" = i64, Path, description = "The user's id")),
    responses((status = 200, body = User), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("token" = [])))]
async fn get_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<User>> {
    let id = path_id(&id)?;
    Ok(Json(
        directory::user(&caller.reader, &state.pool, id).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct OrganizationQuery {
    /// Part of the name.
    q: Option<String>,
    /// The `next_cursor` of the last page.
    cursor: Option<String>,
    /// Items per page (1 to 200, default 50).
    limit: Option<i64>,
}

/// Every customer organization, by id.
#[utoipa::path(get, path = "/organizations", tag = "Directory", params(OrganizationQuery),
    responses((status = 200, body = OrganizationList), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
async fn list_organizations(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<OrganizationQuery>,
) -> ApiResult<Json<OrganizationList>> {
    let limit = cursor::limit(query.limit)?;
    let after = after(query.cursor.as_deref())?;
    let (items, more) = directory::organizations(
        &caller.reader,
        &state.pool,
        query.q.as_deref(),
        after,
        limit,
    )
    .await?;
    let next_cursor = next_cursor(more, items.last().map(|o| o.id));
    Ok(Json(OrganizationList { items, next_cursor }))
}

/// One organization.
#[utoipa::path(get, path = "/organizations/{id}", tag = "Directory",
    params(("id" = i64, Path, description = "The organization's id")),
    responses((status = 200, body = Organization), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("token" = [])))]
async fn get_organization(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Organization>> {
    let id = path_id(&id)?;
    Ok(Json(
        directory::organization(&caller.reader, &state.pool, id).await?,
    ))
}
