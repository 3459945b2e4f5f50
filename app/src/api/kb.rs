//! The knowledge base as readers see it: the home page, categories, articles
//! and "was this helpful?".

use crate::error::AppError;
use leptos::prelude::*;
use rapport_types::views::kb::{ArticleView, FrontPageData, KbCategoryData, KbHomeData};

#[server(endpoint = "kb_home")]
pub async fn kb_home() -> Result<KbHomeData, AppError> {
    use crate::web::AppState;
    use rapport_core::kb;
    let state = expect_context::<AppState>();
    Ok(kb::home(&crate::web::reader::current(), &state.pool).await?)
}

/// The site's front page: categories, popular articles and the next workshops.
#[server(endpoint = "front_page")]
pub async fn front_page() -> Result<FrontPageData, AppError> {
    use crate::web::AppState;
    use rapport_core::kb;
    let state = expect_context::<AppState>();
    Ok(kb::front_page(&crate::web::reader::current(), &state.pool).await?)
}

#[server(endpoint = "kb_category")]
pub async fn kb_category(slug: String) -> Result<KbCategoryData, AppError> {
    use crate::web::AppState;
    use rapport_core::kb;
    let state = expect_context::<AppState>();
    Ok(kb::category(&crate::web::reader::current(), &state.pool, &slug).await?)
}

/// The article at `slug`. `from_search` is the search that led here (its log
/// id), so the click is counted for the trainers' reports.
#[server(endpoint = "kb_article")]
pub async fn kb_article(
    slug: String,
    #[server(default)] from_search: Option<i64>,
) -> Result<ArticleView, AppError> {
    use crate::web::AppState;
    use rapport_core::kb;
    let state = expect_context::<AppState>();
    Ok(kb::article(
        &crate::web::reader::current(),
        &state.pool,
        &slug,
        from_search,
    )
    .await?)
}

/// "Was this helpful?" Once per person and revision; back to the article.
#[server(endpoint = "vote_article")]
pub async fn vote_article(slug: String, revision_id: i64, helpful: bool) -> Result<(), AppError> {
    use crate::web::AppState;
    use rapport_core::kb;
    let state = expect_context::<AppState>();
    let reader = crate::web::reader::current();
    crate::web::limits::count(&state, &reader, rapport_core::limits::Limit::Vote).await?;
    kb::vote(&reader, &state.pool, &slug, revision_id, helpful).await?;
    leptos_axum::redirect(&format!("/kb/{slug}?voted=1#helpful"));
    Ok(())
}
