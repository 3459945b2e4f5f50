//! The REST API's door (`/api/v1`): which token scope and which gate each
//! endpoint needs, and which scopes a person may put on a token.
//!
//! A request passes when its token carries the endpoint's scope, the token's
//! owner passes the endpoint's gate (the same gates as the server functions),
//! and the owner's role may still grant that scope (a token outlives a
//! demotion, its powers do not). Behind the door the endpoint calls the same
//! services as the pages, which ask [`super::authorize`] about the concrete
//! case, article or organization: a customer admin's token reaches only what
//! that customer admin reaches in the portal.

use super::{passes_gate, Actor, Gate};
use rapport_types::{ApiScope, Role};

/// One endpoint of the REST API, as the router and the OpenAPI document name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiEndpoint {
    /// "GET", "POST", "PATCH", "PUT" or "DELETE".
    pub method: &'static str,
    /// The path below `/api/v1`, with `{name}` for each parameter.
    pub path: &'static str,
    /// `None`: any valid token (the answer is then narrowed to its scopes),
    /// or no token at all for a public endpoint (gate `Anyone`).
    pub scope: Option<ApiScope>,
    pub gate: Gate,
}

const fn endpoint(
    method: &'static str,
    path: &'static str,
    scope: Option<ApiScope>,
    gate: Gate,
) -> ApiEndpoint {
    ApiEndpoint {
        method,
        path,
        scope,
        gate,
    }
}

use ApiScope::*;

const CR: Option<ApiScope> = Some(CasesRead);
const CW: Option<ApiScope> = Some(CasesWrite);
const KR: Option<ApiScope> = Some(KnowledgeRead);
const KW: Option<ApiScope> = Some(KnowledgeWrite);

/// Every endpoint of the REST API. A request to a route missing here is
/// refused before it runs; a test checks this table against the OpenAPI
/// document and the router.
pub const API_ENDPOINTS: &[ApiEndpoint] = &[
    // The description of the API itself, and who a token is.
    endpoint("GET", "/openapi.json", None, Gate::Anyone),
    endpoint("GET", "/me", None, Gate::SignedIn),
    // The incremental export: every change once, in order, narrowed to what
    // the token's scopes and owner may read.
    endpoint("GET", "/changes", None, Gate::SignedIn),
    // Cases, their messages and attachments.
    endpoint("GET", "/cases", CR, Gate::SignedIn),
    endpoint("POST", "/cases", CW, Gate::SignedIn),
    endpoint("GET", "/cases/{number}", CR, Gate::SignedIn),
    endpoint("PATCH", "/cases/{number}", CW, Gate::Agent),
    endpoint("GET", "/cases/{number}/messages", CR, Gate::SignedIn),
    endpoint("POST", "/cases/{number}/messages", CW, Gate::SignedIn),
    endpoint(
        "GET",
        "/cases/{number}/attachments/{id}",
        CR,
        Gate::SignedIn,
    ),
    // Who gets a case's replies by mail besides its requester.
    endpoint("GET", "/cases/{number}/followers", CR, Gate::SignedIn),
    endpoint("POST", "/cases/{number}/followers", CW, Gate::SignedIn),
    endpoint(
        "DELETE",
        "/cases/{number}/followers/{user_id}",
        CW,
        Gate::Agent,
    ),
    // Search, as the token's owner would search in the portal.
    endpoint("GET", "/search", KR, Gate::SignedIn),
    // Articles, workshops, their sessions and registrations.
    endpoint("GET", "/articles", KR, Gate::SignedIn),
    endpoint("POST", "/articles", KW, Gate::Writer),
    endpoint("GET", "/articles/{slug}", KR, Gate::SignedIn),
    endpoint("PUT", "/articles/{slug}", KW, Gate::Writer),
    endpoint("GET", "/workshops", KR, Gate::SignedIn),
    endpoint("GET", "/workshops/sessions/{id}", KR, Gate::SignedIn),
    endpoint(
        "GET",
        "/workshops/sessions/{id}/registrations",
        KW,
        Gate::Writer,
    ),
    endpoint(
        "POST",
        "/workshops/sessions/{id}/registrations",
        KW,
        Gate::SignedIn,
    ),
    endpoint(
        "DELETE",
        "/workshops/sessions/{id}/registrations/me",
        KW,
        Gate::SignedIn,
    ),
    // Users and organizations.
    endpoint("GET", "/users", Some(Admin), Gate::Admin),
    endpoint("GET", "/users/{id}", Some(Admin), Gate::Admin),
    endpoint("GET", "/organizations", Some(Admin), Gate::Admin),
    endpoint("GET", "/organizations/{id}", Some(Admin), Gate::Admin),
    // The order system's way in: upserts in batches.
    endpoint("POST", "/orders/batch", Some(OrdersWrite), Gate::Admin),
    // Webhook subscriptions and their deliveries.
    endpoint("GET", "/webhooks", Some(Webhooks), Gate::Admin),
    endpoint("POST", "/webhooks", Some(Webhooks), Gate::Admin),
    endpoint("GET", "/webhooks/{id}", Some(Webhooks), Gate::Admin),
    endpoint("PATCH", "/webhooks/{id}", Some(Webhooks), Gate::Admin),
    endpoint("DELETE", "/webhooks/{id}", Some(Webhooks), Gate::Admin),
    endpoint(
        "GET",
        "/webhooks/{id}/deliveries",
        Some(Webhooks),
        Gate::Admin,
    ),
    endpoint(
        "POST",
        "/webhooks/{id}/deliveries/{delivery}/replay",
        Some(Webhooks),
        Gate::Admin,
    ),
    endpoint("POST", "/webhooks/{id}/test", Some(Webhooks), Gate::Admin),
];

/// The endpoint for a method and a route template (`/cases/{number}`).
pub fn endpoint_for(method: &str, path: &str) -> Option<&'static ApiEndpoint> {
    API_ENDPOINTS
        .iter()
        .find(|e| e.method.eq_ignore_ascii_case(method) && e.path == path)
}

/// The scopes a person in `role` may put on a token. Customers who are not
/// their organization's admin make none: the portal is their way in.
pub fn grantable_scopes(role: Role) -> &'static [ApiScope] {
    match role {
        Role::Customer => &[],
        Role::CustomerAdmin => &[CasesRead, CasesWrite, KnowledgeRead, KnowledgeWrite],
        Role::Agent => &[CasesRead, CasesWrite, KnowledgeRead],
        Role::Trainer => &[KnowledgeRead, KnowledgeWrite],
        Role::Admin => &ApiScope::ALL,
    }
}

/// May a token with `scopes`, acting as `actor`, call `endpoint`? `None` is a
/// request without a token.
pub fn passes_api(actor: Option<&Actor>, scopes: &[ApiScope], endpoint: &ApiEndpoint) -> bool {
    if !passes_gate(actor, endpoint.gate) {
        return false;
    }
    match (endpoint.scope, actor) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(scope), Some(actor)) => {
            scopes.contains(&scope) && grantable_scopes(actor.role).contains(&scope)
        }
    }
}

/// The kinds of change (`changes.entity`) a token may read in the
/// incremental export: those its scopes read and its owner's role may grant.
/// (A customer admin's export is also limited to their organization.)
pub fn readable_entities(actor: &Actor, scopes: &[ApiScope]) -> Vec<&'static str> {
    let grantable = grantable_scopes(actor.role);
    let mut entities = Vec::new();
    for scope in scopes.iter().filter(|s| grantable.contains(s)) {
        let kinds: &[&'static str] = match scope {
            CasesRead => &["case", "message"],
            KnowledgeRead => &["article", "registration"],
            OrdersWrite => &["product", "order", "invoice", "delivery"],
            Admin => &["organization", "user"],
            CasesWrite | KnowledgeWrite | Webhooks => &[],
        };
        entities.extend_from_slice(kinds);
    }
    entities
}

/// The scopes a token may carry: the ones asked for that `role` may grant.
/// Returns the first one it may not grant, if any.
pub fn check_grant(role: Role, asked: &[ApiScope]) -> Result<(), ApiScope> {
    match asked.iter().find(|s| !grantable_scopes(role).contains(s)) {
        Some(scope) => Err(*scope),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        Actor {
            user_id: 1,
            role,
            organization_id: role.is_customer().then_some(1),
        }
    }

    #[test]
    fn every_endpoint_is_listed_once() {
        for (i, a) in API_ENDPOINTS.iter().enumerate() {
            assert!(a.path.starts_with('/'), "{}", a.path);
            assert!(
                ["GET", "POST", "PATCH", "PUT", "DELETE"].contains(&a.method),
                "{} {}",
                a.method,
                a.path
            );
            for b in &API_ENDPOINTS[i + 1..] {
                assert!(
                    (a.method, a.path) != (b.method, b.path),
                    "{} {} twice",
                    a.method,
                    a.path
                );
            }
            // Only the document itself is open to callers without a token.
            assert_eq!(a.gate == Gate::Anyone, a.path == "/openapi.json");
        }
    }

    /// The table of token scopes × endpoints: for every role, every scope
    /// the role may grant, alone on a token, opens exactly the endpoints that
    /// need it (and the ones that need no scope), within the role's gates.
    #[test]
    fn a_scope_opens_exactly_its_endpoints() {
        for role in Role::ALL {
            let owner = actor(role);
            for scope in ApiScope::ALL {
                for e in API_ENDPOINTS {
                    let passes = passes_api(Some(&owner), &[scope], e);
                    let expected = passes_gate(Some(&owner), e.gate)
                        && match e.scope {
                            None => true,
                            Some(needed) => {
                                needed == scope && grantable_scopes(role).contains(&scope)
                            }
                        };
                    assert_eq!(
                        passes, expected,
                        "{role:?} with {scope:?}: {} {}",
                        e.method, e.path
                    );
                }
            }
        }
    }

    #[test]
    fn who_may_grant_what() {
        use ApiScope::*;
        let table: [(Role, &[ApiScope]); 5] = [
            (Role::Customer, &[]),
            (
                Role::CustomerAdmin,
                &[CasesRead, CasesWrite, KnowledgeRead, KnowledgeWrite],
            ),
            (Role::Agent, &[CasesRead, CasesWrite, KnowledgeRead]),
            (Role::Trainer, &[KnowledgeRead, KnowledgeWrite]),
            (Role::Admin, &ApiScope::ALL),
        ];
        for (role, scopes) in table {
            assert_eq!(grantable_scopes(role), scopes, "{role:?}");
        }
        assert_eq!(
            check_grant(Role::Agent, &[CasesRead, OrdersWrite]),
            Err(OrdersWrite)
        );
        assert_eq!(check_grant(Role::Admin, &ApiScope::ALL), Ok(()));
    }

    #[test]
    fn a_demoted_owners_token_loses_what_the_role_no_longer_grants() {
        let orders = endpoint_for("POST", "/orders/batch").unwrap();
        assert!(passes_api(
            Some(&actor(Role::Admin)),
            &[OrdersWrite],
            orders
        ));
        assert!(!passes_api(
            Some(&actor(Role::Agent)),
            &[OrdersWrite],
            orders
        ));
        let cases = endpoint_for("get", "/cases").unwrap();
        assert!(passes_api(
            Some(&actor(Role::CustomerAdmin)),
            &[CasesRead],
            cases
        ));
        // Demoted from customer admin to customer: no scope is grantable.
        assert!(!passes_api(
            Some(&actor(Role::Customer)),
            &[CasesRead],
            cases
        ));
        // Without a token only the document opens.
        assert!(!passes_api(None, &[], cases));
        let doc = endpoint_for("GET", "/openapi.json").unwrap();
        assert!(passes_api(None, &[], doc));
    }
}
