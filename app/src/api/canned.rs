//! Canned replies: reusable answers agents manage and insert into replies.

use crate::error::AppError;
use leptos::prelude::*;
use rapport_types::views::canned::CannedLibrary;

#[server(endpoint = "canned_replies")]
pub async fn canned_replies() -> Result<CannedLibrary, AppError> {
    use crate::web::AppState;
    use rapport_core::canned;
    let state = expect_context::<AppState>();
    let replies = canned::list(&crate::web::reader::current(), &state.pool).await?;
    Ok(CannedLibrary {
        replies,
        placeholders: canned::PLACEHOLDERS
            .iter()
            .map(|(p, m)| (p.to_string(), m.to_string()))
            .collect(),
    })
}

/// Canned reply `id` with its placeholders filled in for case `number`: what
/// "Insert into reply" puts into the reply being typed (with JavaScript; without,
/// the case page is loaded again with `?canned=`).
#[server(endpoint = "canned_reply_text")]
pub async fn canned_reply_text(number: String, id: i64) -> Result<String, AppError> {
    use crate::web::AppState;
    use rapport_core::canned;
    let state = expect_context::<AppState>();
    Ok(canned::reply_text(&crate::web::reader::current(), &state.pool, &number, id).await?)
}

/// Create a canned reply (empty id) or change one. The page comes back with
/// the reply's id as `added` or `saved`, for it to say which.
#[server(endpoint = "save_canned_reply")]
pub async fn save_canned_reply(id: String, title: String, body: String) -> Result<(), AppError> {
    use crate::web::AppState;
    use rapport_core::canned;
    let state = expect_context::<AppState>();
    let id = match id.trim() {
        "" => None,
        id => Some(id.parse::<i64>().map_err(|_| AppError::NotFound)?),
    };
    let saved = canned::save(
        &crate::web::reader::current(),
        &state.pool,
        id,
        &title,
        &body,
    )
    .await?;
    let what = if id.is_some() { "saved" } else { "added" };
    leptos_axum::redirect(&format!("/canned-replies?{what}={saved}"));
    Ok(())
}

#[server(endpoint = "delete_canned_reply")]
pub async fn delete_canned_reply(id: i64) -> Result<(), AppError> {
    use crate::web::AppState;
    use rapport_core::canned;
    let state = expect_context::<AppState>();
    canned::delete(&crate::web::reader::current(), &state.pool, id).await?;
    leptos_axum::redirect("/canned-replies?removed=1");
    Ok(())
}
