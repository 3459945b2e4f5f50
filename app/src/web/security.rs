//! Middleware that guards every request: who is asking, cross-site request
//! protection, the server-function gate, and security headers.
use super::auth::{self, RequestUser};
use super::error::{error_page, REQUEST_ID, REQUEST_ID_HEADER};
use super::AppState;
use crate::error::AppError;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, Method, StatusCode};
use leptos::server_fn::error::FromServerFnError;
use rapport_core::policy;
use tower_sessions::Session;

/// Every request gets an id of our own (16 random hex characters), written
/// with every log line of the request, shown in error messages and sent back
/// in `x-request-id`. An id the client sent is replaced, never echoed: it
/// could forge log lines or point support at someone else's request.
pub async fn own_request_id(mut req: Request, next: Next) -> Response {
    let id = HeaderValue::from_str(&format!("{:016x}", rand::random::<u64>()))
        .expect("hex digits make a header value");
    req.headers_mut().insert(REQUEST_ID_HEADER, id.clone());
    let text = id.to_str().unwrap_or_default().to_string();
    let mut response = REQUEST_ID.scope(text, next.run(req)).await;
    response.headers_mut().insert(REQUEST_ID_HEADER, id);
    response
}

/// The id `own_request_id` gave this request.
pub fn id_of(headers: &http::HeaderMap) -> String {
    headers
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none")
        .to_string()
}

/// A per-response random value that allows our own inline hydration script.
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Security headers on every response, errors and static files included.
pub async fn security_headers(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let mut bytes = [0u8; 16];
    rand::Rng::fill(&mut rand::thread_rng(), &mut bytes);
    let nonce = hex::encode(bytes);
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    let static_headers = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            header::HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    for (name, value) in static_headers {
        headers.insert(name, HeaderValue::from_static(value));
    }
    // A response with a policy of its own (a download) keeps it.
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        if let Ok(csp) = HeaderValue::from_str(&content_security_policy(&nonce)) {
            headers.insert(header::CONTENT_SECURITY_POLICY, csp);
        }
    }
    // Served over https (that is when cookies are Secure): browsers should never use plain http.
    if state.config.secure_cookies {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Is a state-changing request cross-site? Browsers send `Sec-Fetch-Site` (and
/// `Origin` on every POST); a request from another site is refused. Requests with
/// neither header come from scripts, which carry no victim's cookies.
pub fn is_cross_site(headers: &http::HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let origin_host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .unwrap_or("");
    origin_host != host
}

/// Refuse state-changing requests that come from another site.
pub async fn refuse_cross_site(req: Request, next: Next) -> Response {
    if !is_safe_method(req.method()) && is_cross_site(req.headers()) {
        tracing::warn!(path = %req.uri().path(), "refused a cross-site request");
        return (
            StatusCode::FORBIDDEN,
            "This request came from another site and was refused.",
        )
            .into_response();
    }
    next.run(req).await
}

/// Resolve the signed-in user once per request and keep it in the extensions.
pub async fn resolve_user(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    // Static files need no user; skip the session look-up for them.
    if req.uri().path().starts_with("/pkg/") {
        return next.run(req).await;
    }
    let user = match req.extensions().get::<Session>() {
        Some(session) => match auth::resolve(&state, session).await {
            Ok(user) => user,
            // Nothing can be shown without knowing who asks: a page gets the
            // error as a page (503 while the database is out of reach), a
            // server function in its own encoding.
            Err(err) if wants_page(&req) => {
                return error_page(&err, &state.assets.stylesheet_href())
            }
            Err(err) => return error_response(&err),
        },
        None => None,
    };
    req.extensions_mut().insert(RequestUser(user));
    next.run(req).await
}

/// Is this a request for a page (not a server function or a file)?
pub fn wants_page(req: &Request) -> bool {
    let path = req.uri().path();
    !path.starts_with("/api/") && !path.starts_with("/pkg/") && !path.starts_with("/events/")
}

/// The gate in front of server functions (`/api/*`): unknown functions are refused,
/// and a function is only run for an actor that passes its gate in the policy table.
/// Errors a function returns get the HTTP status that fits them.
pub async fn guard_server_functions(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    if !path.starts_with("/api/") {
        return next.run(req).await;
    }
    let Some(gate) = policy::gate_for_path(&path) else {
        tracing::warn!(%path, "refused a server function that is not in the policy table");
        return error_response(&AppError::NotFound);
    };
    let user = req
        .extensions()
        .get::<RequestUser>()
        .and_then(|u| u.0.clone());
    let actor = user.map(|u| u.actor);
    if !policy::passes_gate(actor.as_ref(), gate) {
        let err = if actor.is_none() {
            AppError::Unauthenticated
        } else {
            AppError::Forbidden
        };
        return error_response(&err);
    }
    let response = next.run(req).await;
    with_error_status(response).await
}

/// Server functions answer every error with 500; give it the status that fits.
async fn with_error_status(response: Response) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, 1 << 20).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "Internal error").into_response();
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(err.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        add_retry_after(&mut parts.headers, &err);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// An error answered outside a server function, in the same encoding.
pub fn error_response(err: &AppError) -> Response {
    let status =
        StatusCode::from_u16(err.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        err.ser(),
    )
        .into_response();
    add_retry_after(response.headers_mut(), err);
    response
}

/// A refusal for going over an abuse limit says when to try again.
pub fn add_retry_after(headers: &mut http::HeaderMap, err: &AppError) {
    if let AppError::RateLimited { seconds } = err {
        headers.insert(header::RETRY_AFTER, http::HeaderValue::from(*seconds));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderMap;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn cross_site_detection() {
        assert!(!is_cross_site(&headers(&[])));
        assert!(!is_cross_site(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(!is_cross_site(&headers(&[("sec-fetch-site", "none")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(!is_cross_site(&headers(&[
            ("origin", "http://localhost:3000"),
            ("host", "localhost:3000")
        ])));
        assert!(is_cross_site(&headers(&[
            ("origin", "http://evil.example"),
            ("host", "localhost:3000")
        ])));
        assert!(is_cross_site(&headers(&[
            ("origin", "null"),
            ("host", "localhost:3000")
        ])));
    }

    #[test]
    fn the_policy_names_our_script_nonce_and_forbids_framing() {
        let csp = content_security_policy("abc123");
        assert!(csp.contains("'nonce-abc123'"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
    }
}
