//! The door of the REST API: every request passes here before its endpoint.
//!
//! 1. The endpoint must be in `policy::api::API_ENDPOINTS` (a route missing
//!    from the table is refused, so none can be added unguarded).
//! 2. Its token (`Authorization: Bearer rpt_…`) must be live.
//! 3. The token must be under its rate limit; every answer carries
//!    `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`, and a
//!    429 also `Retry-After`.
//! 4. The token's scopes and its owner's role must pass the endpoint
//!    (`policy::api::passes_api`).
//!
//! Behind the door the endpoint calls the core's services as the caller,
//! which apply the same rules as for the portal's server functions.

use crate::problem::ApiError;
use app::error::AppError;
use app::web::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use rapport_core::api_tokens;
use rapport_core::limits::Limit;
use rapport_core::policy::api::{endpoint_for, passes_api};
use std::num::NonZeroU32;
use std::sync::Arc;

/// Where the API is mounted.
pub const BASE: &str = "/api/v1";

type TokenLimiter =
    RateLimiter<i64, DefaultKeyedStateStore<i64>, DefaultClock, StateInformationMiddleware>;

/// The door's state: the application and one rate limiter for all tokens.
#[derive(Clone)]
pub struct Door {
    pub state: AppState,
    limiter: Arc<TokenLimiter>,
    /// Calls allowed per window, and the window in seconds (for the headers).
    limit: u32,
    window_secs: u64,
}

impl Door {
    pub fn new(state: AppState) -> Door {
        let rule = state.config.limits.rule(Limit::ApiToken);
        let limit = NonZeroU32::new(rule.max).unwrap_or(NonZeroU32::MIN);
        let window = rule.per.max(std::time::Duration::from_millis(1));
        // GCRA: `limit` calls at once, then one more each window/limit.
        let quota = Quota::with_period(window / limit.get())
            .unwrap_or_else(|| Quota::per_second(limit))
            .allow_burst(limit);
        Door {
            state,
            limiter: Arc::new(
                RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>(),
            ),
            limit: limit.get(),
            window_secs: window.as_secs().max(1),
        }
    }
}

/// The path below `/api/v1` of the route this request matched.
fn route_of(req: &Request) -> Option<String> {
    let matched = req.extensions().get::<MatchedPath>()?.as_str();
    Some(matched.strip_prefix(BASE).unwrap_or(matched).to_string())
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

pub async fn guard(State(door): State<Door>, mut req: Request, next: Next) -> Response {
    let Some(endpoint) = route_of(&req).and_then(|path| endpoint_for(req.method().as_str(), &path))
    else {
        tracing::warn!(path = %req.uri().path(), "refused an API route that is not in the policy table");
        return ApiError::not_found().into_response();
    };
    if endpoint.gate == rapport_core::policy::Gate::Anyone {
        return next.run(req).await;
    }
    let Some(secret) = bearer(req.headers()) else {
        return ApiError::from(AppError::Unauthenticated).into_response();
    };
    let token = match api_tokens::authenticate(&door.state.pool, secret).await {
        Ok(token) => token,
        Err(err) => return ApiError::from(err).into_response(),
    };
    let headers = match door.limiter.check_key(&token.token_id) {
        Ok(snapshot) => rate_headers(
            door.limit,
            snapshot.remaining_burst_capacity(),
            door.window_secs,
        ),
        Err(not_until) => {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let mut response = ApiError::from(AppError::RateLimited {
                seconds: seconds.max(1),
            })
            .into_response();
            response
                .headers_mut()
                .extend(rate_headers(door.limit, 0, seconds.max(1)));
            return response;
        }
    };
    if !passes_api(Some(&token.actor), &token.scopes, endpoint) {
        let detail = match endpoint.scope {
            Some(scope) if !token.scopes.contains(&scope) => format!(
                "This token does not have the scope \"{}\" that {} {} needs.",
                scope.as_str(),
                endpoint.method,
                endpoint.path
            ),
            _ => "The token's owner may not do this.".to_string(),
        };
        let mut response = ApiError::forbidden(detail).into_response();
        response.headers_mut().extend(headers);
        return response;
    }
    req.extensions_mut().insert(token);
    let mut response = next.run(req).await;
    response.headers_mut().extend(headers);
    response
}

/// The draft IETF RateLimit header fields, as most APIs send them.
fn rate_headers(limit: u32, remaining: u32, reset_secs: u64) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("ratelimit-limit", HeaderValue::from(limit));
    headers.insert("ratelimit-remaining", HeaderValue::from(remaining));
    headers.insert("ratelimit-reset", HeaderValue::from(reset_secs));
    headers
}
