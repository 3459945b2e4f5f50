//! API tokens on the account page: the list, making one (its secret shown
//! once), revoking one.

use crate::error::AppError;
use leptos::prelude::*;
use rapport_types::views::api_tokens::ApiTokensPage;

/// The page address, also where the forms come back to.
pub const API_TOKENS_PAGE: &str = "/account/api-tokens";

/// Where the token just made waits, in the maker's own session, until the
/// page shows it once. (Not in the address: it would stay in the history.)
#[cfg(feature = "ssr")]
const JUST_MADE: &str = "api_token_just_made";

#[server(endpoint = "api_tokens")]
pub async fn api_tokens() -> Result<ApiTokensPage, AppError> {
    use crate::web::error::internal;
    use crate::web::{auth, reader, AppState};
    let state = expect_context::<AppState>();
    let mut page = rapport_core::api_tokens::page(&reader::current(), &state.pool).await?;
    let session = auth::session().await?;
    page.just_made = session.remove(JUST_MADE).await.map_err(internal)?;
    Ok(page)
}

/// Make a token with the ticked scopes (`scopes[]`).
#[server(endpoint = "create_api_token")]
pub async fn create_api_token(
    name: String,
    scopes: Option<Vec<String>>,
    expires_on: String,
) -> Result<(), AppError> {
    use crate::web::error::internal;
    use crate::web::{auth, forms, limits, reader, AppState};
    use leptos::server_fn::ServerFn;
    use rapport_core::limits::Limit;
    use rapport_types::views::api_tokens::NewApiToken;
    let state = expect_context::<AppState>();
    let reader = reader::current();
    let form = NewApiToken {
        name: name.clone(),
        scopes: scopes.unwrap_or_default(),
        expires_on: expires_on.clone(),
    };
    let made = async {
        limits::count(&state, &reader, Limit::NewApiToken).await?;
        Ok::<_, AppError>(rapport_core::api_tokens::create(&reader, &state.pool, &form).await?)
    }
    .await;
    match made {
        Ok(token) => {
            let session = auth::session().await?;
            session.insert(JUST_MADE, token).await.map_err(internal)?;
            leptos_axum::redirect(&format!("{API_TOKENS_PAGE}#new-token"));
            Ok(())
        }
        Err(e) => {
            let kept = [("name", name.as_str()), ("expires_on", expires_on.as_str())];
            forms::back_to_form(API_TOKENS_PAGE, &kept, CreateApiToken::PATH, &e);
            Err(e)
        }
    }
}

#[server(endpoint = "revoke_api_token")]
pub async fn revoke_api_token(token: i64) -> Result<(), AppError> {
    use crate::web::{reader, AppState};
    let state = expect_context::<AppState>();
    rapport_core::api_tokens::revoke(&reader::current(), &state.pool, token).await?;
    leptos_axum::redirect(&format!("{API_TOKENS_PAGE}?revoked={token}"));
    Ok(())
}
