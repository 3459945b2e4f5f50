//! Rapport's REST API, mounted at `/api/v1`: the way in for the order
//! system, chat, CRM and any other tool.
//!
//! - Every request passes [`door::guard`]: a live token, its rate limit, and
//!   the policy's table of scopes and gates (`policy::api`).
//! - The endpoints call the core's services as the token's owner, so the
//!   same rules as in the portal decide what they see and change.
//! - The OpenAPI 3.1 document is generated from the handlers
//!   (`utoipa`, `utoipa-axum`), served at `/api/v1/openapi.json`, committed
//!   as `server/rest/openapi.json`, and a test fails when it and the routes
//!   or the policy table disagree.
//!
//! One module per area; each gives its routes with their documentation.

pub mod cases;
pub mod cursor;
pub mod directory;
pub mod docs;
pub mod door;
pub mod extract;
pub mod knowledge;
mod meta;
pub mod orders;
pub mod problem;
pub mod webhooks;

use app::web::AppState;
use axum::middleware::from_fn_with_state;
use axum::Router;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::OpenApi as Document;
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use door::BASE;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Rapport API",
        version = "1",
        description = "Cases, knowledge, workshops, orders and webhooks of Rapport, the customer support portal. \
Authenticate with a token made under Account › API tokens: `Authorization: Bearer rpt_…`. \
A token acts as the person who made it, narrowed to its scopes.",
    ),
    servers((url = "/api/v1")),
    modifiers(&TokenScheme),
    tags(
        (name = "Tokens", description = "Who a token is, and this document."),
        (name = "Changes", description = "The incremental export: every change once, in order."),
        (name = "Cases", description = "Cases, their messages and attachments."),
        (name = "Knowledge", description = "Articles, search, workshops and registrations."),
        (name = "Directory", description = "Users and organizations."),
        (name = "Orders", description = "The order system's way in."),
        (name = "Webhooks", description = "Subscriptions and their deliveries."),
    )
)]
struct ApiDoc;

struct TokenScheme;

impl Modify for TokenScheme {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("rpt_…")
                    .description(Some("An API token made under Account › API tokens."))
                    .build(),
            ),
        );
    }
}

/// Every route with its documentation.
fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(docs::openapi_json))
        .merge(meta::routes())
        .merge(cases::routes())
        .merge(knowledge::routes())
        .merge(directory::routes())
        .merge(orders::routes())
        .merge(webhooks::routes())
}

/// The OpenAPI document of every route.
pub fn document() -> Document {
    api().into_openapi()
}

/// The document as served and committed: pretty JSON with a final newline.
pub fn document_json() -> String {
    let mut json = document().to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}

/// The API's router, to be nested at [`BASE`] beside the site (outside its
/// session and cross-site layers: a token, not a cookie, says who calls).
pub fn router(state: AppState) -> Router<AppState> {
    let (router, _) = api().split_for_parts();
    router
        .route_layer(from_fn_with_state(door::Door::new(state), door::guard))
        .fallback(|| async { problem::ApiError::not_found() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rapport_core::policy::api::API_ENDPOINTS;
    use std::collections::BTreeSet;

    const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");

    /// The committed document is the generated one, so that a change to the
    /// API shows in review. `RAPPORT_WRITE_OPENAPI=1 cargo test -p
    /// rapport-rest` writes it after a deliberate change.
    #[test]
    fn the_committed_document_is_the_generated_one() {
        let generated = document_json();
        if std::env::var_os("RAPPORT_WRITE_OPENAPI").is_some() {
            std::fs::write(COMMITTED, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
        assert!(
            committed == generated,
            "server/rest/openapi.json is not the document the code generates; \
             run `RAPPORT_WRITE_OPENAPI=1 cargo test -p rapport-rest` and commit it"
        );
    }

    /// Every route the document describes is in the policy table, and every
    /// entry of the table is described. (The door refuses a route missing
    /// from the table; the HTTP tests call every entry of the table.)
    #[test]
    fn the_document_and_the_policy_table_list_the_same_endpoints() {
        let doc = document();
        let mut described = BTreeSet::new();
        for (path, item) in &doc.paths.paths {
            for (method, op) in [
                ("GET", &item.get),
                ("POST", &item.post),
                ("PUT", &item.put),
                ("PATCH", &item.patch),
                ("DELETE", &item.delete),
            ] {
                if op.is_some() {
                    described.insert((method.to_string(), path.clone()));
                }
            }
        }
        let table: BTreeSet<(String, String)> = API_ENDPOINTS
            .iter()
            .map(|e| (e.method.to_string(), e.path.to_string()))
            .collect();
        let undocumented: Vec<_> = table.difference(&described).collect();
        let unguarded: Vec<_> = described.difference(&table).collect();
        assert!(
            undocumented.is_empty() && unguarded.is_empty(),
            "in the policy table but not in the document: {undocumented:?}; \
             in the document but not in the policy table: {unguarded:?}"
        );
    }

    #[test]
    fn every_guarded_operation_names_the_token_scheme() {
        let doc = document();
        for (path, item) in &doc.paths.paths {
            for op in [&item.get, &item.post, &item.put, &item.patch, &item.delete]
                .into_iter()
                .flatten()
            {
                if path != "/openapi.json" {
                    assert!(op.security.is_some(), "{path} has no security");
                }
                assert!(
                    op.responses.responses.keys().any(|s| s.starts_with('2')),
                    "{path} documents no success"
                );
            }
        }
    }
}
