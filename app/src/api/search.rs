//! Searching the knowledge base: the search page, suggestions as you type in
//! the header, and the articles suggested while a customer opens a case.

use crate::domain::{AppError, ArticleKind, Hit, SearchResults, Suggestion};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A page of search results with what the page needs to show them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchPage {
    pub query: String,
    pub kind: Option<ArticleKind>,
    pub category: Option<String>,
    pub page: u32,
    pub per_page: u32,
    pub results: SearchResults,
    /// The logged search; result links carry it so a click is counted.
    pub log_id: Option<i64>,
    /// Category names by slug, for the facet list.
    pub category_names: Vec<(String, String)>,
    /// Signed-in customers are offered to open a case when nothing helps.
    pub can_open_case: bool,
    /// For the workshops among the hits: their next sessions, as (article id,
    /// "Tue 8 Dec 2026, 14:00 · 5 places left").
    pub upcoming_sessions: Vec<(i64, String)>,
}

/// Articles that may answer the case a customer is typing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuggestedForCase {
    pub hits: Vec<Hit>,
    /// The logged search, sent back with "This solved my problem".
    pub log_id: Option<i64>,
}

#[server(endpoint = "search_articles")]
pub async fn search_articles(
    #[server(default)] q: String,
    #[server(default)] kind: Option<String>,
    #[server(default)] category: Option<String>,
    #[server(default)] page: Option<u32>,
) -> Result<SearchPage, AppError> {
    use crate::server::{auth, kb_search, AppState};
    let state = expect_context::<AppState>();
    kb_search::search_page(
        &state,
        auth::actor().as_ref(),
        &q,
        kind.as_deref(),
        category.as_deref(),
        page.unwrap_or(1),
    )
    .await
}

/// Titles matching what is typed in the header's search box.
#[server(endpoint = "search_suggestions")]
pub async fn search_suggestions(q: String) -> Result<Vec<Suggestion>, AppError> {
    use crate::server::{auth, kb_search, AppState};
    let state = expect_context::<AppState>();
    kb_search::suggestions(&state, auth::actor().as_ref(), &q).await
}

/// Articles for the subject and description of a case being written.
#[server(endpoint = "case_suggestions")]
pub async fn case_suggestions(
    subject: String,
    #[server(default)] description: String,
) -> Result<SuggestedForCase, AppError> {
    use crate::server::{auth, kb_search, AppState};
    let state = expect_context::<AppState>();
    kb_search::case_suggestions(&state, &auth::require_actor()?, &subject, &description).await
}

/// "This solved my problem": no case is opened, and the article gets the credit.
#[server(endpoint = "deflect_case")]
pub async fn deflect_case(slug: String, #[server(default)] query: String) -> Result<(), AppError> {
    use crate::server::{auth, kb_search, AppState};
    let state = expect_context::<AppState>();
    kb_search::deflect(&state, &auth::require_actor()?, &slug, &query).await
}
