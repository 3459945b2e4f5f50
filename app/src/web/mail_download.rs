//! GET `/admin/mail/{id}/raw`: an incoming message exactly as it came (an .eml
//! file), for admins looking into why it could not be processed.

use super::auth::RequestUser;
use super::error::REQUEST_ID_HEADER;
use super::uploads::{download_headers, error_page};
use super::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};
use rapport_core::mail_in::admin;
use rapport_core::policy::{self, Action};

pub async fn download_raw(
    State(state): State<AppState>,
    Path(id): Path<String>,
    parts: http::request::Parts,
) -> Response {
    let request_id = parts
        .headers
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none")
        .to_string();
    let actor = parts
        .extensions
        .get::<RequestUser>()
        .and_then(|u| u.0.clone())
        .map(|user| user.actor);
    let Some(actor) = actor else {
        let back: String =
            url::form_urlencoded::byte_serialize(parts.uri.path().as_bytes()).collect();
        return (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, format!("/sign-in?next={back}"))],
        )
            .into_response();
    };
    let raw = async {
        let permit = policy::authorize(Some(&actor), &Action::ManageIncomingMail)?;
        let id: i64 = id.parse().map_err(|_| rapport_core::Error::NotFound)?;
        admin::raw(&permit, &state.pool, id).await
    }
    .await;
    match raw {
        Ok(bytes) => (
            StatusCode::OK,
            download_headers(
                HeaderValue::from_static("message/rfc822"),
                &format!("attachment; filename=\"message-{id}.eml\""),
            ),
            bytes,
        )
            .into_response(),
        Err(err) => error_page(
            &super::error::from_core(err, || request_id.clone()),
            &state.assets,
        ),
    }
}
