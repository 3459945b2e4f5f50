//! Writing articles: the writers' list, the editor, previews, history with
//! diffs and restore, and the search insights that say what to write next.
//! Trainers and admins only (`Gate::Writer`, `Action::WriteArticles`).

// A server function takes the fields of its form one by one (that is what a
// plain HTML form posts), so the editor's fields make a long argument list.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use leptos::prelude::*;
use rapport_types::views::writing::{
    ArticlePreview, DraftView, EditorData, History, Insights, WriterList, WritingOutcome,
};

/// The writers' list. `state` is one of `STATE_FILTERS` or empty, `kind` an
/// article kind or empty, `q` words of the title.
#[server(endpoint = "writer_articles")]
pub async fn writer_articles(
    #[server(default)] state: String,
    #[server(default)] kind: String,
    #[server(default)] q: String,
    #[server(default)] page: Option<i64>,
) -> Result<WriterList, AppError> {
    use crate::web::AppState;
    use rapport_core::writing;
    let app = expect_context::<AppState>();
    let filter = writing::ListFilter {
        state: &state,
        kind: &kind,
        title: &q,
        page: rapport_types::PageNumber::parse_optional(page)?,
    };
    Ok(writing::list(&crate::web::reader::current(), &app.pool, filter).await?)
}

/// The editor's data; no `id` for a new article.
#[server(endpoint = "article_editor")]
pub async fn article_editor(#[server(default)] id: Option<i64>) -> Result<EditorData, AppError> {
    use crate::web::AppState;
    use rapport_core::writing;
    let state = expect_context::<AppState>();
    Ok(writing::editor(&crate::web::reader::current(), &state.pool, id).await?)
}

/// Save the editor's form: a new revision when anything changed, then
/// `intent` "review" submits it for review and "publish" publishes it
/// ("draft" or empty only saves). `id` is empty for a new article;
/// `based_on` is the revision the form was loaded from.
#[server(endpoint = "save_article")]
pub async fn save_article(
    #[server(default)] id: String,
    #[server(default)] based_on: String,
    #[server(default)] kind: String,
    #[server(default)] title: String,
    #[server(default)] summary: String,
    #[server(default)] category: String,
    #[server(default)] tags: String,
    #[server(default)] audience: String,
    #[server(default)] body: String,
    #[server(default)] note: String,
    #[server(default)] intent: String,
) -> Result<WritingOutcome, AppError> {
    use crate::web::{forms, AppState};
    use leptos::server_fn::ServerFn;
    use rapport_core::writing;
    let state = expect_context::<AppState>();
    let reader = crate::web::reader::current();
    let form = writing::ArticleForm {
        id: &id,
        based_on: &based_on,
        kind: &kind,
        title: &title,
        summary: &summary,
        category: &category,
        tags: &tags,
        audience: &audience,
        body: &body,
        note: &note,
        intent: &intent,
    };
    // Parsed here, at the edge; the service gets a checked save.
    let saved = match writing::ArticleSave::parse(&form) {
        Ok(command) => writing::save(&reader, &state.pool, command).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(outcome) => {
            leptos_axum::redirect(&writing::after(&outcome));
            Ok(outcome)
        }
        Err(e) => {
            let e = AppError::from(e);
            // Without JavaScript: back to the form, with everything typed.
            let page = match id.trim().parse::<i64>() {
                Ok(id) => format!("/write/{id}"),
                Err(_) => "/write/new".to_string(),
            };
            forms::back_to_form(&page, &form.kept(), SaveArticle::PATH, &e);
            Err(e)
        }
    }
}

/// Archive an article ("archived") or take it out of the archive ("draft").
#[server(endpoint = "change_article_state")]
pub async fn change_article_state(
    #[server(default)] id: i64,
    #[server(default)] based_on: i64,
    #[server(default)] to: String,
) -> Result<WritingOutcome, AppError> {
    use crate::web::AppState;
    use rapport_core::writing;
    let state = expect_context::<AppState>();
    let outcome = writing::change_state(
        &crate::web::reader::current(),
        &state.pool,
        id,
        based_on,
        &to,
    )
    .await?;
    leptos_axum::redirect(&writing::after(&outcome));
    Ok(outcome)
}

/// Make an old revision the latest again (as a new revision; not published).
#[server(endpoint = "restore_revision")]
pub async fn restore_revision(
    #[server(default)] id: i64,
    #[server(default)] number: i32,
    #[server(default)] based_on: i64,
) -> Result<WritingOutcome, AppError> {
    use crate::web::AppState;
    use rapport_core::writing;
    let state = expect_context::<AppState>();
    let outcome = writing::restore(
        &crate::web::reader::current(),
        &state.pool,
        id,
        number,
        based_on,
    )
    .await?;
    leptos_axum::redirect(&writing::after(&outcome));
    Ok(outcome)
}

/// The editor's live preview: the body rendered as the article page will show it.
#[server(endpoint = "preview_article")]
pub async fn preview_article(#[server(default)] body: String) -> Result<ArticlePreview, AppError> {
    use crate::web::auth;
    use rapport_core::writing;
    Ok(writing::preview(&auth::require_actor()?, &body)?)
}

/// The latest revision of an article, rendered as readers would see it.
#[server(endpoint = "draft_preview")]
pub async fn draft_preview(#[server(default)] id: i64) -> Result<DraftView, AppError> {
    use crate::web::AppState;
    use rapport_core::writing;
    let state = expect_context::<AppState>();
    Ok(writing::draft_preview(&crate::web::reader::current(), &state.pool, id).await?)
}

/// An article's revisions, and the difference between revisions `from` and
/// `to` (by number; the latest and the one before it when not given).
#[server(endpoint = "article_history")]
pub async fn article_history(
    #[server(default)] id: i64,
    #[server(default)] from: Option<i32>,
    #[server(default)] to: Option<i32>,
) -> Result<History, AppError> {
    use crate::web::AppState;
    use rapport_core::writing;
    let state = expect_context::<AppState>();
    Ok(writing::history(&crate::web::reader::current(), &state.pool, id, from, to).await?)
}

/// What readers searched for and how articles fared, for the last 30 days.
#[server(endpoint = "writing_insights")]
pub async fn writing_insights() -> Result<Insights, AppError> {
    use crate::web::AppState;
    use rapport_core::writing;
    let state = expect_context::<AppState>();
    Ok(writing::insights::report(&crate::web::reader::current(), &state.pool).await?)
}
