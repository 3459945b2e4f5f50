//! Support cases: customers open and follow them; agents work them from queues.

use crate::domain::{AppError, CaseStatus, Priority, SafeHtml};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const CASES_PER_PAGE: i64 = 25;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub number: String,
    pub subject: String,
    pub status: CaseStatus,
    pub priority: Priority,
    pub category: String,
    pub requester: String,
    pub organization: String,
    pub assignee: Option<String>,
    /// "customer" or "agent": who wrote the last public message.
    pub last_speaker: String,
    pub updated: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseList {
    pub cases: Vec<CaseSummary>,
    pub total: i64,
    pub page: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryKind {
    Message,
    InternalNote,
    Change,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadEntry {
    pub kind: EntryKind,
    pub author: String,
    pub from_staff: bool,
    /// Messages and notes: the rendered, sanitised body.
    pub body: SafeHtml,
    /// Changes: what changed, in words.
    pub change: String,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseView {
    pub number: String,
    pub subject: String,
    pub description: SafeHtml,
    pub status: CaseStatus,
    pub priority: Priority,
    pub category_id: i64,
    pub category: String,
    pub requester: String,
    pub requester_email: String,
    pub organization: String,
    pub assignee_id: Option<i64>,
    pub assignee: Option<String>,
    pub version: i32,
    pub created: String,
    pub updated: String,
    pub thread: Vec<ThreadEntry>,
    pub rating: Option<(i16, String)>,
    /// The reader works for the company (sees notes and history, manages the case).
    pub staff_view: bool,
    pub can_rate: bool,
}

/// Choices for case forms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseFormOptions {
    pub categories: Vec<(i64, String)>,
    /// Staff only: who cases can be assigned to.
    pub agents: Vec<(i64, String)>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueSizes {
    pub unassigned: i64,
    pub mine: i64,
    pub open: i64,
    pub pending: i64,
    pub solved_recently: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuePage {
    pub sizes: QueueSizes,
    pub list: CaseList,
}

#[server(endpoint = "case_options")]
pub async fn case_options() -> Result<CaseFormOptions, AppError> {
    use crate::server::{auth, cases, AppState};
    let state = expect_context::<AppState>();
    cases::options(&state.pool, &auth::require_actor()?).await
}

/// Render Markdown as it will look once sent (the same sanitising renderer).
#[server(endpoint = "preview_markdown")]
pub async fn preview_markdown(text: String) -> Result<SafeHtml, AppError> {
    use crate::server::{auth, markdown, policy};
    policy::authorize(auth::actor().as_ref(), &policy::Action::PreviewMarkdown)?;
    if text.chars().count() > crate::server::cases::MAX_TEXT {
        return Err(AppError::invalid(
            "description",
            "This text is too long to preview.",
        ));
    }
    Ok(markdown::render(&text))
}

#[server(endpoint = "create_case")]
pub async fn create_case(
    subject: String,
    description: String,
    category_id: i64,
    priority: String,
) -> Result<(), AppError> {
    use crate::server::{auth, cases, AppState};
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    let number = cases::create(
        &state.pool,
        &actor,
        &subject,
        &description,
        category_id,
        &priority,
    )
    .await?;
    leptos_axum::redirect(&format!("/cases/{number}"));
    Ok(())
}

#[server(endpoint = "my_cases")]
pub async fn my_cases(status: String, query: String, page: i64) -> Result<CaseList, AppError> {
    use crate::server::{auth, cases, AppState};
    let state = expect_context::<AppState>();
    cases::customer_list(
        &state.pool,
        &auth::require_actor()?,
        &status,
        &query,
        page.max(1),
    )
    .await
}

#[server(endpoint = "case_detail")]
pub async fn case_detail(number: String) -> Result<CaseView, AppError> {
    use crate::server::{auth, cases, AppState};
    let state = expect_context::<AppState>();
    cases::detail(&state.pool, &auth::require_actor()?, &number).await
}

/// A public reply (or, for staff, an internal note), with an optional new status from staff.
#[server(endpoint = "reply_to_case")]
pub async fn reply_to_case(
    number: String,
    body: String,
    version: i32,
    internal: Option<String>,
    status: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{auth, cases, AppState};
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    let reply = cases::Reply {
        body: &body,
        version,
        internal: internal.is_some_and(|v| !v.is_empty() && v != "false"),
        status: status.as_deref().filter(|s| !s.is_empty()),
    };
    cases::reply(&state.pool, &actor, &number, reply).await?;
    leptos_axum::redirect(&format!("/cases/{number}"));
    Ok(())
}

#[server(endpoint = "update_case")]
pub async fn update_case(
    number: String,
    version: i32,
    status: String,
    priority: String,
    category_id: i64,
    assignee_id: String,
) -> Result<(), AppError> {
    use crate::server::{auth, cases, AppState};
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    let fields = cases::Fields {
        status: &status,
        priority: &priority,
        category_id,
        assignee: &assignee_id,
    };
    cases::update(&state.pool, &actor, &number, version, fields).await?;
    leptos_axum::redirect(&format!("/cases/{number}"));
    Ok(())
}

/// The customer closes their case, or reopens a solved one.
#[server(endpoint = "set_case_open")]
pub async fn set_case_open(number: String, open: bool) -> Result<(), AppError> {
    use crate::server::{auth, cases, AppState};
    let state = expect_context::<AppState>();
    cases::customer_open_or_close(&state.pool, &auth::require_actor()?, &number, open).await?;
    leptos_axum::redirect(&format!("/cases/{number}"));
    Ok(())
}

#[server(endpoint = "rate_case")]
pub async fn rate_case(number: String, score: i16, comment: String) -> Result<(), AppError> {
    use crate::server::{auth, cases, AppState};
    let state = expect_context::<AppState>();
    cases::rate(
        &state.pool,
        &auth::require_actor()?,
        &number,
        score,
        &comment,
    )
    .await?;
    leptos_axum::redirect(&format!("/cases/{number}"));
    Ok(())
}

/// An agent queue: "unassigned", "mine", "open", "pending" or "solved".
#[server(endpoint = "case_queue")]
pub async fn case_queue(
    queue: String,
    query: String,
    priority: String,
    page: i64,
) -> Result<QueuePage, AppError> {
    use crate::server::{auth, cases, AppState};
    let state = expect_context::<AppState>();
    cases::queue(
        &state.pool,
        &auth::require_actor()?,
        &queue,
        &query,
        &priority,
        page.max(1),
    )
    .await
}
