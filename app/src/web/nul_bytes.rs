//! NUL characters in what a request sends. PostgreSQL text cannot hold one,
//! so a NUL that reached a query was a 500 ("invalid byte sequence"). It is
//! refused here, at the edge, for every request at once: the address (path
//! and query of pages and server functions) and form bodies (server function
//! arguments, plain HTML forms), with a 422 that names the field, in the
//! shape every other field error has. Multipart forms (with files) are read
//! by `uploads::UploadForm`, which refuses a NUL the same way (`check`).
use super::error::{error_page, REQUEST_ID_HEADER};
use super::forms::form_address;
use super::security::{error_response, wants_page};
use super::AppState;
use crate::error::AppError;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, Method, StatusCode};

/// The largest form body read here; bigger ones are refused (413).
const MAX_FORM_BYTES: usize = 16 * 1024 * 1024;

/// The error for a NUL in `field`.
pub fn refusal(field: &str) -> AppError {
    let shown: String = field.chars().filter(|c| *c != '\0').take(60).collect();
    AppError::invalid(
        &shown,
        format!(
            "“{shown}” contains a NUL character, which cannot be stored. Remove it and send again."
        ),
    )
}

/// A NUL in a text value is refused, naming its field.
pub fn check(field: &str, value: &str) -> Result<(), AppError> {
    if field.contains('\0') || value.contains('\0') {
        return Err(refusal(field));
    }
    Ok(())
}

/// The first field of form-urlencoded `pairs` (a query or a body) holding a NUL.
fn field_with_nul(pairs: &[u8]) -> Option<String> {
    url::form_urlencoded::parse(pairs)
        .find(|(name, value)| name.contains('\0') || value.contains('\0'))
        .map(|(name, _)| name.into_owned())
}

/// A NUL in the path (`/kb/a%00b`): the field is the address itself.
fn path_has_nul(path: &str) -> bool {
    percent_encoding::percent_decode_str(path).any(|b| b == 0)
}

fn is_form(req: &Request) -> bool {
    req.method() == Method::POST
        && req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"))
}

/// The middleware: refuse a NUL anywhere in the address or a form body.
pub async fn refuse_nul_bytes(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let uri = req.uri();
    let in_address = if path_has_nul(uri.path()) {
        Some("address".to_string())
    } else {
        uri.query().and_then(|q| field_with_nul(q.as_bytes()))
    };
    if let Some(field) = in_address {
        return refuse(&state, &req, &field);
    }
    if !is_form(&req) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "This form is too large.").into_response();
    };
    let req = Request::from_parts(parts, Body::from(bytes.clone()));
    match field_with_nul(&bytes) {
        Some(field) => refuse(&state, &req, &field),
        None => next.run(req).await,
    }
}

/// The refusal, as the request needs it: a page for a page, the error in the
/// address of the form's page for a plain form post (as leptos answers a
/// failed form without JavaScript, so the page shows it beside the field),
/// and the error's own encoding for a server function called by the app.
fn refuse(state: &AppState, req: &Request, field: &str) -> Response {
    let err = refusal(field);
    tracing::info!(
        request_id = req.headers().get(REQUEST_ID_HEADER).and_then(|v| v.to_str().ok()).unwrap_or(""),
        path = %req.uri().path().replace('\0', ""),
        field = %err.field().unwrap_or(""),
        "refused a NUL character"
    );
    if wants_page(req) {
        return error_page(&err, &state.assets.stylesheet_href());
    }
    let plain_form = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if plain_form && req.method() == Method::POST {
        let back = req
            .headers()
            .get(header::REFERER)
            .and_then(|v| v.to_str().ok())
            .and_then(|r| url::Url::parse(r).ok())
            .map(|url| match url.query() {
                Some(q) => format!("{}?{q}", url.path()),
                None => url.path().to_string(),
            })
            .unwrap_or_else(|| "/".to_string());
        if let Some(address) = form_address(&back, &[], req.uri().path(), &err) {
            return (StatusCode::SEE_OTHER, [(header::LOCATION, address)]).into_response();
        }
    }
    error_response(&err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_is_found_in_its_field() {
        assert_eq!(field_with_nul(b"q=a%00b&page=1").as_deref(), Some("q"));
        assert_eq!(field_with_nul(b"q=ab&page=1%00").as_deref(), Some("page"));
        assert_eq!(field_with_nul(b"q=a\0b").as_deref(), Some("q"));
        assert_eq!(
            field_with_nul(b"q=a%2500b"),
            None,
            "an escaped percent sign is text"
        );
        assert_eq!(field_with_nul(b"q=plain&x="), None);
        assert!(path_has_nul("/kb/a%00b"));
        assert!(!path_has_nul("/kb/a%2500b"));
        let err = refusal("query");
        assert_eq!(err.field(), Some("query"));
        assert_eq!(err.status_code(), 422);
        assert!(err.to_string().contains("“query”"));
        assert!(check("body", "fine").is_ok());
        assert!(check("body", "not\0fine").is_err());
    }
}
