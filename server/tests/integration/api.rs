//! The REST API's door and its own endpoints: tokens, scopes, rate limits,
//! problem documents, every route of the policy table, and the incremental
//! export of changes.

use crate::common::api::{problem, token, Api};
use crate::common::{fixtures, TestApp};
use rapport_core::db::changes::NewChange;
use rapport_core::limits::{Limit, Rule};
use rapport_core::policy::api::API_ENDPOINTS;
use reqwest::Method;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::collections::BTreeSet;
use std::time::Duration;

/// `path` with each `{parameter}` filled in with something well-formed.
fn concrete(path: &str) -> String {
    path.replace("{number}", "C-1")
        .replace("{slug}", "no-such-article")
        .replace("{delivery}", "1")
        .replace("{id}", "1")
        .replace("{user_id}", "1")
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn every_endpoint_of_the_policy_table_is_served_and_wants_a_token(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    let anonymous = Api::new(&app, None);
    for e in API_ENDPOINTS {
        let method = Method::from_bytes(e.method.as_bytes()).unwrap();
        let body = (e.method != "GET" && e.method != "DELETE").then(|| json!({}));
        let response = anonymous
            .send(method, &concrete(e.path), body.as_ref())
            .await;
        if e.path == "/openapi.json" {
            assert_eq!(response.status(), 200);
            let doc: Value = response.json().await.unwrap();
            assert_eq!(doc["openapi"], "3.1.0");
            continue;
        }
        let www = response
            .headers()
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap().to_string());
        let (status, body) = problem(response).await;
        assert_eq!(status, 401, "{} {}: {body}", e.method, e.path);
        assert_eq!(www.as_deref(), Some("Bearer realm=\"rapport\""));
    }
    // A route that is not in the table does not exist.
    let (status, _) = problem(anonymous.get("/nothing-here").await).await;
    assert_eq!(status, 404);
    let (status, _) = problem(anonymous.delete("/me").await).await;
    assert!(status == 404 || status == 405, "{status}");
    // The reference page is made from the same document.
    let page = app
        .bare()
        .get(app.url("/developers/api"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    for e in API_ENDPOINTS {
        let heading = format!("{} /api/v1{}", e.method, e.path)
            .replace('{', "&#123;")
            .replace('}', "&#125;");
        let plain = format!("{} /api/v1{}", e.method, e.path);
        assert!(page.contains(&plain) || page.contains(&heading), "{plain}");
    }
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_token_is_its_owner_narrowed_to_its_scopes(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    let people = fixtures::people(
        &app.pool,
        &["admin@rapport.example", "olivia@northwind.example"],
    )
    .await;
    let olivia = people[1].clone();
    let secret = token(&app, "admin@rapport.example", &["knowledge:read"]).await;
    assert!(secret.starts_with("rpt_") && secret.len() > 60);

    // Stored as a hash, with a visible prefix only.
    let (prefix, hash, used): (String, String, Option<time::OffsetDateTime>) =
        sqlx::query_as("SELECT prefix, secret_hash, last_used_at FROM api_tokens")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(prefix, secret[..12]);
    assert_ne!(hash, secret);
    assert!(!hash.contains(&secret[4..]));
    assert!(used.is_none());

    let api = Api::new(&app, Some(&secret));
    let me = api.json("/me").await;
    assert_eq!(me["email"], "admin@rapport.example");
    assert_eq!(me["scopes"], json!(["knowledge:read"]));
    let used: Option<time::OffsetDateTime> =
        sqlx::query_scalar("SELECT last_used_at FROM api_tokens")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(used.is_some(), "a call marks the token used");

    // A scope it lacks: refused, naming the scope.
    let (status, body) = problem(api.get("/cases").await).await;
    assert_eq!(status, 403);
    assert!(
        body["detail"].as_str().unwrap().contains("cases:read"),
        "{body}"
    );

    // A customer admin may not grant what their role cannot do.
    let reader = rapport_core::Reader::new(
        Some(rapport_core::policy::Actor {
            user_id: olivia.id,
            role: rapport_types::Role::CustomerAdmin,
            organization_id: olivia.organization_id,
        }),
        rapport_core::time_zones::ReaderZone::utc(),
    );
    let refused = rapport_core::api_tokens::create(
        &reader,
        &app.pool,
        &rapport_types::views::api_tokens::NewApiToken {
            name: "Orders".into(),
            scopes: vec!["orders:write".into()],
            expires_on: String::new(),
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(refused, rapport_core::Error::Invalid(ref e) if e.field == "scopes"));

    // Revoked: the same answer as an unknown token.
    sqlx::query("UPDATE api_tokens SET revoked_at = now()")
        .execute(&app.pool)
        .await
        .unwrap();
    let (status, _) = problem(api.get("/me").await).await;
    assert_eq!(status, 401);
    let unknown = Api::new(&app, Some("rpt_0000000000000000"));
    let (status, _) = problem(unknown.get("/me").await).await;
    assert_eq!(status, 401);

    // Expired.
    let secret = token(&app, "admin@rapport.example", &["knowledge:read"]).await;
    sqlx::query(
        "UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE revoked_at IS NULL",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let (status, _) = problem(Api::new(&app, Some(&secret)).get("/me").await).await;
    assert_eq!(status, 401);

    // A disabled owner's tokens stop working.
    let secret = token(&app, "admin@rapport.example", &["knowledge:read"]).await;
    let api = Api::new(&app, Some(&secret));
    assert_eq!(api.get("/me").await.status(), 200);
    sqlx::query("UPDATE users SET disabled = true WHERE email = 'admin@rapport.example'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(api.get("/me").await.status(), 401);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn each_token_has_a_rate_limit_told_in_headers(pool: PgPool) {
    let app = TestApp::spawn_empty_with(pool, |config| {
        config.limits = config.limits.clone().with(
            Limit::ApiToken,
            Rule {
                max: 3,
                per: Duration::from_secs(60),
            },
        );
    })
    .await;
    fixtures::people(&app.pool, &["agent@rapport.example"]).await;
    let first = Api::new(
        &app,
        Some(&token(&app, "agent@rapport.example", &["cases:read"]).await),
    );
    let second = Api::new(
        &app,
        Some(&token(&app, "agent@rapport.example", &["cases:read"]).await),
    );
    for remaining in [2, 1, 0] {
        let response = first.get("/me").await;
        assert_eq!(response.status(), 200);
        let headers = response.headers();
        assert_eq!(headers["ratelimit-limit"], "3");
        assert_eq!(
            headers["ratelimit-remaining"],
            remaining.to_string().as_str()
        );
        assert!(headers.contains_key("ratelimit-reset"));
    }
    let response = first.get("/me").await;
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&retry), "{retry}");
    assert_eq!(response.headers()["ratelimit-remaining"], "0");
    let (status, body) = problem(response).await;
    assert_eq!(status, 429);
    assert!(body["detail"].as_str().unwrap().contains("wait"), "{body}");
    // Another token of the same person has its own allowance.
    assert_eq!(second.get("/me").await.status(), 200);
}

/// Record one change by hand, as a service does at the end of its transaction.
async fn change(
    pool: &PgPool,
    entity: &'static str,
    organization: Option<i64>,
    staff_only: bool,
    deleted: bool,
) {
    let mut tx = pool.begin().await.unwrap();
    rapport_core::changes::record(
        &mut tx,
        &[NewChange {
            event: if deleted {
                "organization.deleted"
            } else {
                "case.updated"
            },
            entity,
            entity_id: 7,
            deleted,
            organization_id: organization,
            staff_only,
            case_id: None,
            data: json!({}),
        }],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn all_changes(api: &Api, limit: i64) -> (Vec<Value>, usize) {
    let mut seen = Vec::new();
    let mut after = "0".to_string();
    let mut pages = 0;
    loop {
        let page = api
            .json(&format!("/changes?after={after}&limit={limit}"))
            .await;
        pages += 1;
        let changes = page["changes"].as_array().unwrap().clone();
        let next = page["next"].as_str().unwrap().to_string();
        if changes.is_empty() {
            assert_eq!(next, after, "an empty page keeps the cursor");
            return (seen, pages);
        }
        seen.extend(changes);
        after = next;
    }
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_change_feed_gives_each_change_once_in_order_and_only_to_its_readers(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "agent@rapport.example",
            "olivia@northwind.example",
            "carla@acme.example",
        ],
    )
    .await;
    let northwind = fixtures::organization(&app.pool, "Northwind Traders")
        .await
        .id;
    let acme = fixtures::organization(&app.pool, "Acme Robotics").await.id;
    // A real case change through the service records its change too.
    fixtures::people(&app.pool, &["nick@northwind.example"]).await;
    change(&app.pool, "case", Some(northwind), false, false).await;
    change(&app.pool, "message", Some(northwind), true, false).await; // an internal note
    change(&app.pool, "case", Some(acme), false, false).await;
    change(&app.pool, "organization", Some(acme), false, true).await;
    change(&app.pool, "message", Some(northwind), false, false).await;

    let agent = Api::new(
        &app,
        Some(&token(&app, "agent@rapport.example", &["cases:read"]).await),
    );
    let (seen, pages) = all_changes(&agent, 2).await;
    let seqs: Vec<i64> = seen.iter().map(|c| c["seq"].as_i64().unwrap()).collect();
    // Cases and messages only (no organization row without the admin scope).
    assert_eq!(seqs, [1, 2, 3, 5]);
    assert_eq!(pages, 3);

    // A customer admin: their organization's, without the internal note.
    let olivia = Api::new(
        &app,
        Some(&token(&app, "olivia@northwind.example", &["cases:read"]).await),
    );
    let (seen, _) = all_changes(&olivia, 100).await;
    let seqs: Vec<i64> = seen.iter().map(|c| c["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, [1, 5]);
    assert!(seen.iter().all(|c| c["organization_id"] == northwind));
    let carla = Api::new(
        &app,
        Some(&token(&app, "carla@acme.example", &["cases:read"]).await),
    );
    let (seen, _) = all_changes(&carla, 100).await;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0]["organization_id"], acme);

    // Deletions are in the export (for the admin scope).
    fixtures::people(&app.pool, &["admin@rapport.example"]).await;
    let admin = Api::new(
        &app,
        Some(&token(&app, "admin@rapport.example", &["admin"]).await),
    );
    let (seen, _) = all_changes(&admin, 100).await;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0]["deleted"], true);
    assert_eq!(seen[0]["event"], "organization.deleted");

    // Bad cursors and limits name the parameter.
    let (status, body) = problem(agent.get("/changes?after=abc").await).await;
    assert_eq!((status, body["field"].as_str()), (422, Some("after")));
    let (status, body) = problem(agent.get("/changes?limit=5000").await).await;
    assert_eq!((status, body["field"].as_str()), (422, Some("limit")));
}

/// Many writers commit changes at once while a reader follows the feed:
/// the reader ends with every change exactly once, in increasing order.
#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_reader_following_busy_writers_misses_and_repeats_nothing(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["agent@rapport.example"]).await;
    let reader = Api::new(
        &app,
        Some(&token(&app, "agent@rapport.example", &["cases:read"]).await),
    );
    const WRITERS: usize = 6;
    const EACH: usize = 40;
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let pool = app.pool.clone();
        writers.push(tokio::spawn(async move {
            for i in 0..EACH {
                let mut tx = pool.begin().await.unwrap();
                // Some work before the change, and a random pause before the
                // commit: transactions overlap and finish out of order.
                sqlx::query("SELECT pg_sleep($1)")
                    .bind(((w * 7 + i * 13) % 5) as f64 / 1000.0)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                rapport_core::changes::record(
                    &mut tx,
                    &[NewChange {
                        event: "case.updated",
                        entity: "case",
                        entity_id: (w * 1000 + i) as i64,
                        deleted: false,
                        organization_id: Some(1),
                        staff_only: false,
                        case_id: Some((w * 1000 + i) as i64),
                        data: json!({}),
                    }],
                )
                .await
                .unwrap();
                tx.commit().await.unwrap();
            }
        }));
    }
    let mut seen: Vec<i64> = Vec::new();
    let mut after = "0".to_string();
    loop {
        let page = reader
            .json(&format!("/changes?after={after}&limit=7"))
            .await;
        for c in page["changes"].as_array().unwrap() {
            seen.push(c["seq"].as_i64().unwrap());
        }
        after = page["next"].as_str().unwrap().to_string();
        if seen.len() >= WRITERS * EACH {
            break;
        }
        if writers.iter().all(|w| w.is_finished()) && page["changes"].as_array().unwrap().is_empty()
        {
            break;
        }
    }
    for w in writers {
        w.await.unwrap();
    }
    let expected: Vec<i64> = (1..=(WRITERS * EACH) as i64).collect();
    assert_eq!(seen, expected, "every change once, in order");
    let distinct: BTreeSet<i64> = seen.iter().copied().collect();
    assert_eq!(distinct.len(), seen.len());
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_tokens_page_shows_a_secret_once_and_admins_see_everyones(pool: PgPool) {
    use app::api::api_tokens::{ApiTokens, CreateApiToken, RevokeApiToken};
    use rapport_types::views::api_tokens::ApiTokensPage;
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "admin@rapport.example",
            "agent@rapport.example",
            "nick@northwind.example",
        ],
    )
    .await;
    let agent = app.signed_in("agent@rapport.example").await;
    async fn page(app: &TestApp, client: &reqwest::Client) -> (reqwest::StatusCode, String) {
        let response = app.invoke(client, ApiTokens {}).await;
        let status = response.status();
        (status, response.text().await.unwrap())
    }

    // Bad input names the field; nothing is made.
    let refused = app
        .invoke(
            &agent,
            CreateApiToken {
                name: "Chat".into(),
                scopes: Some(vec!["orders:write".into()]),
                expires_on: String::new(),
            },
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("scopes"));
    let refused = app
        .invoke(
            &agent,
            CreateApiToken {
                name: "Chat".into(),
                scopes: Some(vec!["cases:read".into()]),
                expires_on: "2020-01-01".into(),
            },
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("expires_on"));

    let made = app
        .invoke(
            &agent,
            CreateApiToken {
                name: "Chat".into(),
                scopes: Some(vec!["cases:read".into(), "cases:write".into()]),
                expires_on: "2099-12-31".into(),
            },
        )
        .await;
    assert!(
        made.status().is_success() || made.status().is_redirection(),
        "{}",
        made.status()
    );
    let (status, body) = page(&app, &agent).await;
    assert_eq!(status, 200, "{body}");
    let first: ApiTokensPage = serde_json::from_str(&body).unwrap();
    let secret = first.just_made.expect("the secret, once").secret;
    assert_eq!(first.tokens.len(), 1);
    assert_eq!(first.tokens[0].prefix, secret[..12]);
    assert!(first.tokens[0]
        .expires
        .as_deref()
        .unwrap()
        .starts_with("2099-12-31"));
    assert!(!first.everyone);
    let (_, body) = page(&app, &agent).await;
    let again: ApiTokensPage = serde_json::from_str(&body).unwrap();
    assert!(again.just_made.is_none(), "shown only once");
    assert!(!body.contains(&secret));

    // An admin sees everyone's tokens and may revoke them.
    let admin = app.signed_in("admin@rapport.example").await;
    let (_, body) = page(&app, &admin).await;
    let theirs: ApiTokensPage = serde_json::from_str(&body).unwrap();
    assert!(theirs.everyone);
    assert_eq!(theirs.tokens.len(), 1);
    assert!(theirs.tokens[0]
        .owner
        .as_deref()
        .unwrap()
        .contains("agent@rapport.example"));
    // A customer cannot make tokens; another person cannot revoke the agent's.
    let nick = app.signed_in("nick@northwind.example").await;
    assert_eq!(app.invoke(&nick, ApiTokens {}).await.status(), 403);
    let id = theirs.tokens[0].id;
    assert_eq!(
        app.invoke(&nick, RevokeApiToken { token: id })
            .await
            .status(),
        403
    );
    let revoked = app.invoke(&admin, RevokeApiToken { token: id }).await;
    assert!(revoked.status().is_success() || revoked.status().is_redirection());
    assert_eq!(Api::new(&app, Some(&secret)).get("/me").await.status(), 401);
}
