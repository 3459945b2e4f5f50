//! The knowledge base as readers see it: the home page, categories, articles
//! and "was this helpful?".

use crate::domain::{AppError, ArticleKind, SafeHtml, TocEntry};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A category with the number of articles the reader may see in it (and in
/// its sub-categories).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryLink {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub article_count: i64,
    pub children: Vec<CategoryLink>,
}

/// One article in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleSummary {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub kind: ArticleKind,
    pub category: String,
    /// When it was last published, in words.
    pub updated: String,
}

/// A link in the breadcrumbs: (category slug, name).
pub type Crumb = (String, String);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KbHomeData {
    pub categories: Vec<CategoryLink>,
    pub popular: Vec<ArticleSummary>,
    /// Shown to trainers and admins: a link to write an article.
    pub can_write: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KbCategoryData {
    pub crumbs: Vec<Crumb>,
    pub category: CategoryLink,
    pub articles: Vec<ArticleSummary>,
}

/// An article page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleView {
    pub id: i64,
    pub revision_id: i64,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub kind: ArticleKind,
    /// Set for articles that not everyone may read ("Signed-in customers", "Staff only").
    pub audience_note: Option<String>,
    pub crumbs: Vec<Crumb>,
    pub html: SafeHtml,
    /// Headings of a long article (empty for short ones).
    pub toc: Vec<TocEntry>,
    pub tags: Vec<String>,
    pub updated: String,
    pub helpful_yes: i64,
    pub helpful_no: i64,
    pub signed_in: bool,
    pub voted: bool,
    pub related: Vec<ArticleSummary>,
    /// Trainers and admins get a link to edit it.
    pub edit_id: Option<i64>,
}

#[server(endpoint = "kb_home")]
pub async fn kb_home() -> Result<KbHomeData, AppError> {
    use crate::server::{auth, kb, AppState};
    let state = expect_context::<AppState>();
    kb::home(&state.pool, auth::actor().as_ref()).await
}

#[server(endpoint = "kb_category")]
pub async fn kb_category(slug: String) -> Result<KbCategoryData, AppError> {
    use crate::server::{auth, kb, AppState};
    let state = expect_context::<AppState>();
    kb::category(&state.pool, auth::actor().as_ref(), &slug).await
}

/// The article at `slug`. `from_search` is the search that led here (its log
/// id), so the click is counted for the trainers' reports.
#[server(endpoint = "kb_article")]
pub async fn kb_article(
    slug: String,
    #[server(default)] from_search: Option<i64>,
) -> Result<ArticleView, AppError> {
    use crate::server::{auth, kb, AppState};
    let state = expect_context::<AppState>();
    kb::article(&state.pool, auth::actor().as_ref(), &slug, from_search).await
}

/// "Was this helpful?" Once per person and revision; back to the article.
#[server(endpoint = "vote_article")]
pub async fn vote_article(slug: String, revision_id: i64, helpful: bool) -> Result<(), AppError> {
    use crate::server::{auth, kb, AppState};
    let state = expect_context::<AppState>();
    kb::vote(
        &state.pool,
        &auth::require_actor()?,
        &slug,
        revision_id,
        helpful,
    )
    .await?;
    leptos_axum::redirect(&format!("/kb/{slug}?voted=1#helpful"));
    Ok(())
}
