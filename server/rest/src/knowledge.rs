//! The REST API: search, articles, workshops, sessions and registrations,
//! as the token's owner sees them in the portal.

use crate::cursor;
use crate::directory::path_id;
use crate::extract::{Caller, Json as Body, Query};
use crate::problem::ApiResult;
use app::web::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use rapport_core::api::knowledge;
use rapport_core::workshops;
use rapport_types::api::knowledge::{
    Article, ArticleInput, ArticleList, MyRegistration, RegistrationList, SearchAnswer, Session,
    WorkshopList,
};
use rapport_types::api::Problem;
use rapport_types::ApiScope;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search))
        .routes(routes!(list_articles, create_article))
        .routes(routes!(get_article, update_article))
        .routes(routes!(list_workshops))
        .routes(routes!(get_session))
        .routes(routes!(list_registrations, register))
        .routes(routes!(cancel_registration))
}

/// May this token write articles (so a writer sees drafts, as on the writers' pages)?
fn may_write(caller: &Caller) -> bool {
    caller.token.scopes.contains(&ApiScope::KnowledgeWrite)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SearchQuery {
    /// What to search for.
    q: Option<String>,
    /// Only articles of this kind: knowledge, training or workshop.
    kind: Option<String>,
    /// How many hits at most (1 to 50, default 10).
    limit: Option<u32>,
}

/// Search the knowledge base as the token's owner would in the portal: only
/// articles they may read are found or counted.
#[utoipa::path(get, path = "/search", tag = "Knowledge", params(SearchQuery),
    responses((status = 200, body = SearchAnswer), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
async fn search(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<SearchQuery>,
) -> ApiResult<Json<SearchAnswer>> {
    Ok(Json(
        knowledge::search(
            &caller.reader,
            &state,
            query.q.as_deref().unwrap_or(""),
            query.kind.as_deref(),
            query.limit,
        )
        .await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// The `next_cursor` of the last page.
    cursor: Option<String>,
    /// Items per page (1 to 200, default 50).
    limit: Option<i64>,
}

/// The articles the token's owner may read, by id. A writer's token with
/// `knowledge:write` lists every article in its latest revision, drafts and
/// archived ones included, as the writers' pages do.
#[utoipa::path(get, path = "/articles", tag = "Knowledge", params(ListQuery),
    responses((status = 200, body = ArticleList), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
async fn list_articles(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ListQuery>,
) -> ApiResult<Json<ArticleList>> {
    let limit = cursor::limit(query.limit)?;
    let after = match query
        .cursor
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        None => 0,
        Some(c) => cursor::decode::<i64>(c)?,
    };
    let (items, more) = knowledge::articles(
        &caller.reader,
        &state.pool,
        may_write(&caller),
        after,
        limit,
    )
    .await?;
    let next_cursor = items.last().filter(|_| more).map(|a| cursor::encode(&a.id));
    Ok(Json(ArticleList { items, next_cursor }))
}

/// One article: its Markdown source and the rendered, sanitised HTML. A
/// reader gets the published revision of an article they may read; a
/// writer's token with `knowledge:write` gets the latest revision.
#[utoipa::path(get, path = "/articles/{slug}", tag = "Knowledge",
    params(("slug" = String, Path, description = "The article's address")),
    responses((status = 200, body = Article), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("token" = [])))]
async fn get_article(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> ApiResult<Json<Article>> {
    Ok(Json(
        knowledge::article(&caller.reader, &state.pool, may_write(&caller), &slug).await?,
    ))
}

/// Write a new article, as the writers' editor does; `state` submits it for
/// review or publishes it.
#[utoipa::path(post, path = "/articles", tag = "Knowledge", request_body = ArticleInput,
    responses((status = 201, body = Article), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)),
    security(("token" = [])))]
async fn create_article(
    State(state): State<AppState>,
    caller: Caller,
    Body(input): Body<ArticleInput>,
) -> ApiResult<(StatusCode, Json<Article>)> {
    let article = knowledge::save(&caller.reader, &state.pool, None, &input).await?;
    Ok((StatusCode::CREATED, Json(article)))
}

/// Replace an article's content (a new revision when it changed) and move
/// it to `state`, with the editor's rules: a change based on an older
/// `revision` is refused (409), an archived article is taken out of the
/// archive before it is published.
#[utoipa::path(put, path = "/articles/{slug}", tag = "Knowledge", request_body = ArticleInput,
    params(("slug" = String, Path, description = "The article's address")),
    responses((status = 200, body = Article), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
async fn update_article(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    Body(input): Body<ArticleInput>,
) -> ApiResult<Json<Article>> {
    Ok(Json(
        knowledge::save(&caller.reader, &state.pool, Some(&slug), &input).await?,
    ))
}

/// The workshops with sessions to come, as the calendar shows them to the
/// token's owner.
#[utoipa::path(get, path = "/workshops", tag = "Knowledge",
    responses((status = 200, body = WorkshopList), (status = 401, body = Problem),
              (status = 403, body = Problem)),
    security(("token" = [])))]
async fn list_workshops(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<WorkshopList>> {
    Ok(Json(
        knowledge::workshop_list(&caller.reader, &state.pool).await?,
    ))
}

/// One session of a workshop the token's owner may read.
#[utoipa::path(get, path = "/workshops/sessions/{id}", tag = "Knowledge",
    params(("id" = i64, Path, description = "The session's id")),
    responses((status = 200, body = Session), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("token" = [])))]
async fn get_session(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Session>> {
    let id = path_id(&id)?;
    Ok(Json(
        knowledge::session_of(&caller.reader, &state.pool, id).await?,
    ))
}

/// Who registered for a session (then who waits), for the trainers and
/// admins who run workshops.
#[utoipa::path(get, path = "/workshops/sessions/{id}/registrations", tag = "Knowledge",
    params(("id" = i64, Path, description = "The session's id")),
    responses((status = 200, body = RegistrationList), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("token" = [])))]
async fn list_registrations(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<RegistrationList>> {
    let id = path_id(&id)?;
    Ok(Json(
        knowledge::registrations(&caller.reader, &state.pool, id).await?,
    ))
}

/// Register the token's owner (a customer) for a session: a place, or a
/// waitlist place when it is full, with the mails the portal sends.
/// Registering again changes nothing and says where they stand.
#[utoipa::path(post, path = "/workshops/sessions/{id}/registrations", tag = "Knowledge",
    params(("id" = i64, Path, description = "The session's id")),
    responses((status = 200, body = MyRegistration), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem)),
    security(("token" = [])))]
async fn register(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<MyRegistration>> {
    let id = path_id(&id)?;
    let status = workshops::register(&caller.reader, &state.links, &state.pool, id).await?;
    Ok(Json(MyRegistration {
        session_id: id,
        status: status.as_str().to_string(),
    }))
}

/// Give up the token owner's place (or waitlist place); the first person
/// waiting moves up and is told, as in the portal.
#[utoipa::path(delete, path = "/workshops/sessions/{id}/registrations/me", tag = "Knowledge",
    params(("id" = i64, Path, description = "The session's id")),
    responses((status = 204, description = "Cancelled"), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem)),
    security(("token" = [])))]
async fn cancel_registration(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = path_id(&id)?;
    workshops::cancel_registration(&caller.reader, &state.links, &state.pool, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
