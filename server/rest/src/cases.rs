//! The REST API: cases, their messages and attachments.
//!
//! Reads and writes go through the same services as the case pages
//! (`rapport_core::cases`, and `rapport_core::api::cases` for the keyset
//! lists): the token's owner sees and changes exactly what they would in the
//! portal, and every change records its entry in the change feed.

use crate::cursor;
use crate::extract::{path_id_or_not_found, Caller, Json, Query};
use crate::problem::{ApiError, ApiResult};
use app::web::uploads::download_headers;
use app::web::AppState;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rapport_core::api::cases as service;
use rapport_core::attachments::{content_disposition, sanitize_file_name, Attachments, NewFile};
use rapport_core::cases;
use rapport_core::limits::{self, Limit};
use rapport_core::Reader;
use rapport_types::api::cases::{
    Case, CaseFollower, CaseFollowerList, CaseList, CaseMessage, CaseMessageList, CasePatch,
    NewAttachment, NewCase, NewFollower, NewMessage,
};
use rapport_types::api::Problem;
use rapport_types::attachments::{
    case_too_large, content_type_for, file_too_large, too_many_files, type_not_allowed,
    MAX_CASE_BYTES, MAX_FILES_PER_MESSAGE, MAX_FILE_BYTES,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The largest body of a new case or message: every file a case may hold,
/// in base64 (4 bytes for 3), with room for the text.
const MAX_BODY_BYTES: usize = (MAX_CASE_BYTES as usize).div_ceil(3) * 4 + 1024 * 1024;

pub fn routes() -> OpenApiRouter<AppState> {
    // The writes that carry files take bigger bodies than axum's default.
    let with_files = OpenApiRouter::new()
        .routes(routes!(list_cases, open_case))
        .routes(routes!(list_messages, add_message))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    OpenApiRouter::new()
        .merge(with_files)
        .routes(routes!(get_case, update_case))
        .routes(routes!(download))
        .routes(routes!(list_followers, add_follower))
        .routes(routes!(remove_follower))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct CaseListQuery {
    /// Staff: unassigned, mine, open, breaching, pending, solved, waiting or
    /// all (the default), as in the agent's queues.
    queue: Option<String>,
    /// all (the default), active, or one status: new, open, pending,
    /// on_hold, solved, closed. Staff: only without a queue.
    status: Option<String>,
    /// low, normal, high or urgent.
    priority: Option<String>,
    /// Staff: a category's id.
    category: Option<String>,
    /// Staff: an organization's id.
    organization: Option<String>,
    /// Staff: a tag.
    tag: Option<String>,
    /// Staff: an agent's id.
    assignee: Option<String>,
    /// Words in the subject, description or public replies.
    q: Option<String>,
    /// The `next_cursor` of the last page.
    cursor: Option<String>,
    /// How many cases at most (1 to 200, default 50).
    limit: Option<i64>,
}

fn position(cursor: Option<&str>) -> ApiResult<Option<service::Position>> {
    match cursor.map(str::trim) {
        None | Some("") => Ok(None),
        Some(cursor) => Ok(Some(cursor::decode(cursor)?)),
    }
}

/// The cases the token's owner may see, latest activity first. Staff filter
/// as in their queues; customers get their own cases (a customer admin: the
/// organization's), as on their case list.
#[utoipa::path(get, path = "/cases", tag = "Cases", params(CaseListQuery),
    responses((status = 200, body = CaseList), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
async fn list_cases(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<CaseListQuery>,
) -> ApiResult<axum::Json<CaseList>> {
    let limit = cursor::limit(query.limit)?;
    let after = position(query.cursor.as_deref())?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let (queue, status, priority) = (
        text(&query.queue),
        text(&query.status),
        text(&query.priority),
    );
    let (category, organization, tag) = (
        text(&query.category),
        text(&query.organization),
        text(&query.tag),
    );
    let (assignee, search) = (text(&query.assignee), text(&query.q));
    let q = service::ListQuery {
        queue: &queue,
        status: &status,
        priority: &priority,
        category: &category,
        organization: &organization,
        tag: &tag,
        assignee: &assignee,
        search: &search,
    };
    let (items, next) = service::list(&caller.reader, &state.pool, &q, after, limit)
        .await
        .map_err(|e| rename(e, "search", "q"))?;
    Ok(axum::Json(CaseList {
        items,
        next_cursor: next.map(|p| cursor::encode(&p)),
    }))
}

/// A core error naming `from`, named `to` as the API calls that field.
fn rename(error: rapport_core::Error, from: &str, to: &str) -> rapport_core::Error {
    match error {
        rapport_core::Error::Invalid(mut problem) if problem.field == from => {
            problem.field = to.to_string();
            rapport_core::Error::Invalid(problem)
        }
        other => other,
    }
}

/// The files of a request, checked by the site's upload rules (type by
/// extension, size per file and per case, number per message), each refusal
/// naming the file.
fn files(state: &AppState, sent: Vec<NewAttachment>) -> ApiResult<Attachments> {
    let mut files = Vec::new();
    let mut total: u64 = 0;
    for (index, file) in sent.into_iter().enumerate() {
        let field = format!("attachments[{index}]");
        let file_name = sanitize_file_name(&file.file_name);
        if index >= MAX_FILES_PER_MESSAGE {
            return Err(ApiError::invalid(&field, too_many_files(&file_name)));
        }
        let Some(content_type) = content_type_for(&file_name) else {
            return Err(ApiError::invalid(&field, type_not_allowed(&file_name)));
        };
        let bytes = STANDARD.decode(file.content_base64.trim()).map_err(|_| {
            ApiError::invalid(
                &format!("{field}.content_base64"),
                format!("The content of “{file_name}” is not standard base64."),
            )
        })?;
        let size = bytes.len() as u64;
        if size > MAX_FILE_BYTES {
            return Err(ApiError::invalid(&field, file_too_large(&file_name)));
        }
        total += size;
        if total > MAX_CASE_BYTES {
            return Err(ApiError::invalid(&field, case_too_large(&file_name, 0)));
        }
        files.push(NewFile {
            file_name,
            content_type,
            bytes: bytes.into(),
        });
    }
    Ok(Attachments::new(files, state.attachments.clone()))
}

/// One more of `limit` for the token's owner, as on the site.
async fn count(state: &AppState, reader: &Reader, limit: Limit) -> ApiResult<()> {
    limits::hit(
        &state.pool,
        &state.config.limits,
        limit,
        &reader.limit_key(),
    )
    .await?;
    Ok(())
}

fn created(location: String, body: impl serde::Serialize) -> Response {
    let mut response = (StatusCode::CREATED, axum::Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// Open a case. Customers open their own (the same rules and limit as the
/// portal's form); staff open one for a customer by e-mail address, and an
/// address nobody has becomes a new contact of `organization_id`.
#[utoipa::path(post, path = "/cases", tag = "Cases", request_body = NewCase,
    responses((status = 201, body = Case, headers(("Location" = String, description = "The new case"))),
              (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, body = Problem), (status = 429, body = Problem)),
    security(("token" = [])))]
async fn open_case(
    State(state): State<AppState>,
    caller: Caller,
    Json(new): Json<NewCase>,
) -> ApiResult<Response> {
    let reader = &caller.reader;
    let staff = service::works_cases(reader)?;
    let NewCase {
        subject,
        description,
        category_id,
        priority,
        about,
        requester_email,
        requester_name,
        organization_id,
        channel,
        attachments,
    } = new;
    if !staff {
        for (field, sent) in [
            ("requester_email", requester_email.is_some()),
            ("requester_name", requester_name.is_some()),
            ("organization_id", organization_id.is_some()),
            ("channel", channel.is_some()),
        ] {
            if sent {
                return Err(ApiError::invalid(
                    field,
                    "Customers open cases for themselves: leave this out.",
                ));
            }
        }
        // The portal's form counts new cases per person; so does the API.
        count(&state, reader, Limit::NewCase).await?;
    }
    let case = cases::NewCase::parse(cases::NewCaseForm {
        subject: &subject,
        description: &description,
        category_id,
        priority: &priority,
        about: about.as_deref().unwrap_or_default(),
    })?;
    let files = files(&state, attachments)?;
    let case = if staff {
        let channel = channel.unwrap_or_default();
        // Checked before a contact is made, so that a refused case leaves nothing behind.
        let email = requester_email.ok_or_else(|| {
            ApiError::invalid("requester_email", "Give the customer's e-mail address.")
        })?;
        let case = case.for_customer(0, &channel)?;
        service::check_category(&state.pool, category_id).await?;
        let requester = service::requester_for(
            reader,
            &state.pool,
            &email,
            requester_name.as_deref(),
            organization_id,
        )
        .await?;
        case.for_customer(requester, &channel)?
    } else {
        case
    };
    let site = service::mail_site(&state.backend).await?;
    let number = cases::create(reader, &site, &state.pool, case, files).await?;
    let case = service::get(reader, &state.pool, &number.to_string()).await?;
    Ok(created(format!("{}/cases/{number}", crate::BASE), case))
}

/// One case, with its description and its files. A case the token's owner
/// may not see is not found, like one that does not exist.
#[utoipa::path(get, path = "/cases/{number}", tag = "Cases",
    params(("number" = String, Path, description = "The case number, C-1001")),
    responses((status = 200, body = Case), (status = 401, body = Problem),
              (status = 404, body = Problem)),
    security(("token" = [])))]
async fn get_case(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
) -> ApiResult<axum::Json<Case>> {
    Ok(axum::Json(
        service::get(&caller.reader, &state.pool, &number).await?,
    ))
}

/// Change a case's status, priority, category, assignee or tags (agents).
/// Fields left out keep their value. With `version`, a case changed since
/// is refused with 409 and nothing is saved.
#[utoipa::path(patch, path = "/cases/{number}", tag = "Cases", request_body = CasePatch,
    params(("number" = String, Path, description = "The case number, C-1001")),
    responses((status = 200, body = Case), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
async fn update_case(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
    Json(patch): Json<CasePatch>,
) -> ApiResult<axum::Json<Case>> {
    let reader = &caller.reader;
    let row = service::current(reader, &state.pool, &number).await?;
    if let Some(bad) = patch
        .tags
        .iter()
        .flatten()
        .find(|t| t.contains(',') || t.trim().is_empty())
    {
        return Err(ApiError::invalid(
            "tags",
            format!("“{bad}” is not a tag: use letters, digits and dashes."),
        ));
    }
    let tags = patch.tags.as_ref().map(|tags| tags.join(", "));
    let assignee = match patch.assignee_id {
        None => row.assignee_id,
        Some(chosen) => chosen,
    }
    .map(|id| id.to_string())
    .unwrap_or_default();
    let change = cases::CaseUpdate::parse(cases::Fields {
        status: patch.status.as_deref().unwrap_or(&row.status),
        priority: patch.priority.as_deref().unwrap_or(&row.priority),
        category_id: patch.category_id.unwrap_or(row.category_id),
        assignee: &assignee,
        tags: tags.as_deref(),
    })?;
    let version = patch.version.unwrap_or(row.version);
    let site = service::mail_site(&state.backend).await?;
    cases::update(reader, &site, &state.pool, &number, version, change).await?;
    Ok(axum::Json(
        service::get(reader, &state.pool, &number).await?,
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct MessageListQuery {
    /// The `next_cursor` of the last page.
    cursor: Option<String>,
    /// How many messages at most (1 to 200, default 50).
    limit: Option<i64>,
}

/// A case's messages, oldest first: the replies, and for staff also the
/// internal notes. Each file with the address to download it from.
#[utoipa::path(get, path = "/cases/{number}/messages", tag = "Cases",
    params(("number" = String, Path, description = "The case number, C-1001"), MessageListQuery),
    responses((status = 200, body = CaseMessageList), (status = 401, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
async fn list_messages(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
    Query(query): Query<MessageListQuery>,
) -> ApiResult<axum::Json<CaseMessageList>> {
    let limit = cursor::limit(query.limit)?;
    let after = position(query.cursor.as_deref())?;
    let (items, next) =
        service::messages(&caller.reader, &state.pool, &number, after, limit).await?;
    Ok(axum::Json(CaseMessageList {
        items,
        next_cursor: next.map(|p| cursor::encode(&p)),
    }))
}

/// Reply to a case, or (staff) add an internal note, with files. The reply
/// does to the case what one from the portal does (a customer's reopens a
/// case waiting for them; an agent's first one opens a new case).
#[utoipa::path(post, path = "/cases/{number}/messages", tag = "Cases", request_body = NewMessage,
    params(("number" = String, Path, description = "The case number, C-1001")),
    responses((status = 201, body = CaseMessage), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem), (status = 429, body = Problem)),
    security(("token" = [])))]
async fn add_message(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
    Json(message): Json<NewMessage>,
) -> ApiResult<Response> {
    let reader = &caller.reader;
    if message.internal && !service::works_cases(reader)? {
        return Err(ApiError::invalid(
            "internal",
            "Internal notes are for the support team: send a reply instead.",
        ));
    }
    count(&state, reader, Limit::Reply).await?;
    let reply = cases::Reply::parse(cases::ReplyForm {
        body: &message.body,
        version: 0,
        internal: message.internal,
        status: None,
    })?;
    let files = files(&state, message.attachments)?;
    let site = service::mail_site(&state.backend).await?;
    let id = cases::reply(reader, &site, &state.pool, &number, reply, files).await?;
    let mine = service::message(reader, &state.pool, &number, id).await?;
    let location = format!("{}/cases/{}/messages", crate::BASE, number.trim());
    Ok(created(location, mine))
}

/// A file of a case, with the same headers as the site's download. Only to
/// those who may see the case, and a note's file only to staff.
#[utoipa::path(get, path = "/cases/{number}/attachments/{id}", tag = "Cases",
    params(("number" = String, Path, description = "The case number, C-1001"),
           ("id" = i64, Path, description = "The attachment's id")),
    responses((status = 200, description = "The file", content_type = "application/octet-stream"),
              (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("token" = [])))]
async fn download(
    State(state): State<AppState>,
    caller: Caller,
    Path((number, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let actor = caller.reader.signed_in()?;
    let file = rapport_core::attachments::find_download(&state, actor, &number, &id).await?;
    let stream = state
        .attachments
        .get(&file.storage_key)
        .await
        .map_err(|e| {
            rapport_core::Error::internal(format!("reading attachment {}: {e}", file.storage_key))
        })?;
    let content_type = HeaderValue::from_str(&file.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    Ok((
        StatusCode::OK,
        download_headers(content_type, &content_disposition(&file.file_name)),
        Body::from_stream(stream),
    )
        .into_response())
}

/// Who follows the case, as the case page's followers panel shows it.
async fn followers_of(
    state: &AppState,
    reader: &Reader,
    number: &str,
) -> ApiResult<CaseFollowerList> {
    let list = cases::followers(reader, &state.pool, number).await?;
    Ok(CaseFollowerList {
        items: list
            .followers
            .into_iter()
            .map(|f| CaseFollower {
                user_id: f.user_id,
                name: f.name,
                email: f.email,
                organization: f.organization,
            })
            .collect(),
    })
}

/// Who follows a case: the people, besides its requester, who get its public
/// replies by mail. Staff, the requester and the organization's customer
/// admins may read it.
#[utoipa::path(get, path = "/cases/{number}/followers", tag = "Cases",
    params(("number" = String, Path, description = "The case number, C-1001")),
    responses((status = 200, body = CaseFollowerList), (status = 401, body = Problem),
              (status = 404, body = Problem)),
    security(("token" = [])))]
async fn list_followers(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
) -> ApiResult<axum::Json<CaseFollowerList>> {
    Ok(axum::Json(
        followers_of(&state, &caller.reader, &number).await?,
    ))
}

/// Add a follower by e-mail address, as on the case page: staff add anyone
/// (an address nobody has becomes a contact); the requester and the
/// organization's customer admins add colleagues who have an account. 201
/// with the followers when added, 200 when they followed already.
#[utoipa::path(post, path = "/cases/{number}/followers", tag = "Cases", request_body = NewFollower,
    params(("number" = String, Path, description = "The case number, C-1001")),
    responses((status = 201, body = CaseFollowerList), (status = 200, body = CaseFollowerList),
              (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
async fn add_follower(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
    Json(new): Json<NewFollower>,
) -> ApiResult<Response> {
    let reader = &caller.reader;
    let added = cases::add_follower(reader, &state.pool, &number, &new.email).await?;
    let list = followers_of(&state, reader, &number).await?;
    if added {
        let location = format!("{}/cases/{}/followers", crate::BASE, number.trim());
        Ok(created(location, list))
    } else {
        Ok(axum::Json(list).into_response())
    }
}

/// Stop someone following a case (staff). 404 when they did not follow it.
#[utoipa::path(delete, path = "/cases/{number}/followers/{user_id}", tag = "Cases",
    params(("number" = String, Path, description = "The case number, C-1001"),
           ("user_id" = i64, Path, description = "The follower's user id")),
    responses((status = 204, description = "They no longer follow it"),
              (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)),
    security(("token" = [])))]
async fn remove_follower(
    State(state): State<AppState>,
    caller: Caller,
    Path((number, user_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let user_id = path_id_or_not_found(&user_id)?;
    if cases::remove_follower(&caller.reader, &state.pool, &number, user_id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found())
    }
}
