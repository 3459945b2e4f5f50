//! Searching the knowledge base: the search page, suggestions as you type in
//! the header, and the articles suggested while a customer opens a case.

use crate::error::AppError;
use leptos::prelude::*;
use rapport_types::views::search::{SearchPage, SuggestedForCase};
use rapport_types::Suggestion;

#[server(endpoint = "search_articles")]
pub async fn search_articles(
    #[server(default)] q: String,
    #[server(default)] kind: Option<String>,
    #[server(default)] category: Option<String>,
    #[server(default)] page: Option<i64>,
) -> Result<SearchPage, AppError> {
    use crate::web::AppState;
    use rapport_core::kb_search;
    let state = expect_context::<AppState>();
    Ok(kb_search::search_page(
        &crate::web::reader::current(),
        &state,
        &q,
        kind.as_deref(),
        category.as_deref(),
        rapport_types::PageNumber::parse_optional(page)?,
    )
    .await?)
}

/// Titles matching what is typed in the header's search box.
#[server(endpoint = "search_suggestions")]
pub async fn search_suggestions(q: String) -> Result<Vec<Suggestion>, AppError> {
    use crate::web::AppState;
    use rapport_core::kb_search;
    let state = expect_context::<AppState>();
    Ok(kb_search::suggestions(&crate::web::reader::current(), &state, &q).await?)
}

/// Articles for the subject and description of a case being written.
#[server(endpoint = "case_suggestions")]
pub async fn case_suggestions(
    subject: String,
    #[server(default)] description: String,
) -> Result<SuggestedForCase, AppError> {
    use crate::web::AppState;
    use rapport_core::kb_search;
    let state = expect_context::<AppState>();
    Ok(kb_search::case_suggestions(
        &crate::web::reader::current(),
        &state,
        &subject,
        &description,
    )
    .await?)
}

/// "This solved my problem": no case is opened, and the article gets the credit.
#[server(endpoint = "deflect_case")]
pub async fn deflect_case(slug: String, #[server(default)] query: String) -> Result<(), AppError> {
    use crate::web::AppState;
    use rapport_core::kb_search;
    let state = expect_context::<AppState>();
    Ok(kb_search::deflect(&crate::web::reader::current(), &state, &slug, &query).await?)
}
