//! REST API tests: api_catalog — search, articles, workshops and
//! registrations, the directory, and the order system's batches, over HTTP
//! against the real server (see api.rs for the door and the change feed).

use crate::common::api::{problem, token, Api};
use crate::common::{fixtures, TestApp};
use crate::workshops::workshop;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::time::{Duration, Instant};

/// The sample JSON file of `rapport import-orders`, as a batch.
fn sample_batch() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/orders/orders.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// (event, entity, organization_id) of every change recorded, in order.
async fn changes(pool: &PgPool) -> Vec<(String, String, Option<i64>)> {
    sqlx::query_as("SELECT event, entity, organization_id FROM changes ORDER BY seq")
        .fetch_all(pool)
        .await
        .unwrap()
}

async fn user_id(pool: &PgPool, email: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn organization_of(pool: &PgPool, email: &str) -> Option<i64> {
    sqlx::query_scalar("SELECT organization_id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// The fields a problem document names, in order.
fn fields(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn an_order_batch_is_upserted_whole_or_not_at_all_and_only_once(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "admin@rapport.example",
            "agent@rapport.example",
            "carla@acme.example",
            "ahmed@acme.example",
            "olivia@northwind.example",
        ],
    )
    .await;
    let api = Api::new(
        &app,
        Some(&token(&app, "admin@rapport.example", &["orders:write"]).await),
    );

    // A good batch: every record created, each recorded once in the changes.
    let response = api.post("/orders/batch", &sample_batch()).await;
    assert_eq!(response.status(), 200);
    let result: Value = response.json().await.unwrap();
    assert_eq!(
        result,
        json!({
            "products": {"created": 3, "updated": 0, "unchanged": 0},
            "orders": {"created": 2, "updated": 0, "unchanged": 0},
            "invoices": {"created": 2, "updated": 0, "unchanged": 0},
            "deliveries": {"created": 1, "updated": 0, "unchanged": 0},
        })
    );
    let recorded = changes(&app.pool).await;
    let events: Vec<&str> = recorded.iter().map(|(e, _, _)| e.as_str()).collect();
    assert_eq!(
        events,
        [
            "product.upserted",
            "product.upserted",
            "product.upserted",
            "order.upserted",
            "order.upserted",
            "invoice.upserted",
            "invoice.upserted",
            "delivery.upserted"
        ]
    );
    let acme = organization_of(&app.pool, "carla@acme.example").await;
    let northwind = organization_of(&app.pool, "olivia@northwind.example").await;
    // Products belong to nobody; the rest to the customer's organization.
    assert_eq!(recorded[0].2, None);
    assert_eq!(recorded[3].2, acme);
    assert_eq!(recorded[4].2, northwind);

    // The same batch again: nothing changes, nothing is recorded.
    let again: Value = api
        .post("/orders/batch", &sample_batch())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["products"]["unchanged"], 3);
    assert_eq!(again["orders"]["unchanged"], 2);
    assert_eq!(again["invoices"]["unchanged"], 2);
    assert_eq!(again["deliveries"]["unchanged"], 1);
    assert_eq!(again["orders"]["created"], 0);
    assert_eq!(changes(&app.pool).await.len(), 8);

    // One product changed: one update, one change.
    let mut changed = sample_batch();
    changed["products"][1]["unit_price"] = json!("66.00");
    let result: Value = api
        .post("/orders/batch", &changed)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        result["products"],
        json!({"created": 0, "updated": 1, "unchanged": 2})
    );
    let recorded = changes(&app.pool).await;
    assert_eq!(recorded.len(), 9);
    assert_eq!(recorded[8].0, "product.upserted");

    // Bad records: 422, every problem named by record and field, nothing written.
    let products_before = count(&app.pool, "SELECT count(*) FROM products").await;
    let bad = json!({
        "products": [
            {"sku": "NEW-1", "name": "New thing", "description": "", "unit_price": "5.00",
             "currency": "CHF", "vendor": ""}
        ],
        "orders": [
            {"order": "SO-BAD", "organization": "Acme Robotics", "placed_by": "carla@acme.example",
             "status": "placed", "ordered_on": "2026-03-10", "currency": "CHF",
             "lines": [{"sku": "NEW-1", "quantity": 0, "unit_price": "5.00"}]},
            {"order": "SO-BAD-2", "organization": "Nobody Ltd", "status": "shipped",
             "ordered_on": "2026-03-01", "currency": "CHF",
             "lines": [{"sku": "NEW-1", "quantity": 1, "unit_price": "5.00"}]}
        ],
        "invoices": [
            {"invoice": "INV-BAD", "order": "IMP-SO-101", "issued_on": "2026-03-11",
             "due_on": "2026-13-01", "status": "open", "currency": "CHF",
             "lines": [{"description": "X", "quantity": 1, "unit_price": "1.00", "taxes": []}]}
        ]
    });
    let (status, body) = problem(api.post("/orders/batch", &bad).await).await;
    assert_eq!(status, 422, "{body}");
    let named = fields(&body);
    assert!(
        named.contains(&"orders[0].lines[0].quantity".to_string()),
        "{body}"
    );
    assert!(named.contains(&"invoices[0].due_on".to_string()), "{body}");
    assert!(
        named.contains(&"orders[1].organization".to_string()),
        "{body}"
    );
    assert_eq!(body["field"], named[0].as_str());
    assert_eq!(
        count(&app.pool, "SELECT count(*) FROM products").await,
        products_before
    );
    assert_eq!(
        count(
            &app.pool,
            "SELECT count(*) FROM orders WHERE number LIKE 'SO-BAD%'"
        )
        .await,
        0
    );
    assert_eq!(changes(&app.pool).await.len(), 9);

    // A body that is not the format: named too.
    let (status, body) = problem(api.post("/orders/batch", &json!({"orderz": []})).await).await;
    assert_eq!(status, 422);
    assert_eq!(body["field"], "orderz");
    let (status, _) = problem(api.post("/orders/batch", &json!([1, 2])).await).await;
    assert_eq!(status, 422);

    // Scopes: an admin token without orders:write is refused; an agent
    // cannot even make a token with it.
    let reader = Api::new(
        &app,
        Some(&token(&app, "admin@rapport.example", &["knowledge:read"]).await),
    );
    let (status, _) = problem(reader.post("/orders/batch", &sample_batch()).await).await;
    assert_eq!(status, 403);
    let agent_id = user_id(&app.pool, "agent@rapport.example").await;
    let refused = rapport_core::api_tokens::create(
        &rapport_core::Reader::new(
            Some(rapport_core::policy::Actor {
                user_id: agent_id,
                role: rapport_types::Role::Agent,
                organization_id: None,
            }),
            rapport_core::time_zones::ReaderZone::utc(),
        ),
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

    // A customer admin's feed never shows another organization's orders.
    let carla = Api::new(
        &app,
        Some(
            &token(
                &app,
                "carla@acme.example",
                &["cases:read", "knowledge:read"],
            )
            .await,
        ),
    );
    let feed = carla.json("/changes").await;
    assert!(feed["changes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["organization_id"] == json!(acme)));
    // The admin's orders token reads the orders' changes.
    let feed = api.json("/changes").await;
    assert_eq!(feed["changes"].as_array().unwrap().len(), 9);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn an_invoice_past_its_due_date_is_announced_once(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "admin@rapport.example",
            "carla@acme.example",
            "ahmed@acme.example",
            "olivia@northwind.example",
        ],
    )
    .await;
    let api = Api::new(
        &app,
        Some(&token(&app, "admin@rapport.example", &["orders:write"]).await),
    );
    assert_eq!(
        api.post("/orders/batch", &sample_batch()).await.status(),
        200
    );
    let before = changes(&app.pool).await.len();
    // IMP-INV-101 is open and was due on 2026-04-10; IMP-INV-102 is paid.
    // The server's job may have run already; together they announce it once.
    let first = rapport_core::api::orders::record_overdue_invoices(&app.pool)
        .await
        .unwrap();
    let second = rapport_core::api::orders::record_overdue_invoices(&app.pool)
        .await
        .unwrap();
    assert!(first <= 1 && second == 0, "{first} {second}");
    let overdue: Vec<(i64, Option<i64>, Value)> = sqlx::query_as(
        "SELECT entity_id, organization_id, data FROM changes WHERE event = 'invoice.overdue'",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0].2["number"], "IMP-INV-101");
    let (id, organization): (i64, i64) =
        sqlx::query_as("SELECT id, organization_id FROM invoices WHERE number = 'IMP-INV-101'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((overdue[0].0, overdue[0].1), (id, Some(organization)));
    assert_eq!(changes(&app.pool).await.len(), before + 1);
}

/// A category for the articles of a test; returns its slug.
async fn category(pool: &PgPool) -> &'static str {
    sqlx::query("INSERT INTO article_categories (slug, name) VALUES ('guides', 'Guides')")
        .execute(pool)
        .await
        .unwrap();
    "guides"
}

fn article(title: &str, body: &str, audience: &str, state: &str) -> Value {
    json!({
        "title": title,
        "summary": "A short summary.",
        "body": body,
        "kind": "knowledge",
        "category": "guides",
        "tags": ["api"],
        "audience": audience,
        "state": state,
    })
}

/// Search as `api` until `wanted(hits)` holds (the index follows the
/// database a moment later).
async fn search_until(api: &Api, query: &str, wanted: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    loop {
        let found = api.json(&format!("/search?q={query}")).await;
        if wanted(&found) {
            return found;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "search {query}: {found}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn slugs(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["slug"].as_str().unwrap().to_string())
        .collect()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn articles_are_read_and_written_with_the_portals_rules(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "admin@rapport.example",
            "trainer@rapport.example",
            "agent@rapport.example",
            "carla@acme.example",
            "ahmed@acme.example",
            "olivia@northwind.example",
        ],
    )
    .await;
    category(&app.pool).await;
    let trainer = Api::new(
        &app,
        Some(
            &token(
                &app,
                "trainer@rapport.example",
                &["knowledge:read", "knowledge:write"],
            )
            .await,
        ),
    );
    let trainer_reads = Api::new(
        &app,
        Some(&token(&app, "trainer@rapport.example", &["knowledge:read"]).await),
    );
    let carla = Api::new(
        &app,
        Some(
            &token(
                &app,
                "carla@acme.example",
                &["knowledge:read", "knowledge:write", "cases:read"],
            )
            .await,
        ),
    );
    let olivia = Api::new(
        &app,
        Some(&token(&app, "olivia@northwind.example", &["knowledge:read"]).await),
    );

    // A writer publishes an article: the editor's save and state change.
    let response = trainer
        .post(
            "/articles",
            &article(
                "Resetting the gripper",
                "Hold **reset** for five seconds. Quokka.",
                "customers",
                "published",
            ),
        )
        .await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["slug"], "resetting-the-gripper");
    assert_eq!(created["state"], "published");
    assert!(created["html"]
        .as_str()
        .unwrap()
        .contains("<strong>reset</strong>"));
    // A draft, an internal article and one for Northwind only.
    let draft: Value = trainer
        .post(
            "/articles",
            &article("Unfinished notes", "Quokka draft.", "public", "draft"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(draft["state"], "draft");
    trainer
        .post(
            "/articles",
            &article("Staff runbook", "Quokka internal.", "internal", "published"),
        )
        .await;
    let private: Value = trainer
        .post(
            "/articles",
            &article(
                "Northwind price list",
                "Quokka northwind.",
                "customers",
                "draft",
            ),
        )
        .await
        .json()
        .await
        .unwrap();
    let northwind = organization_of(&app.pool, "olivia@northwind.example").await;
    sqlx::query("UPDATE articles SET organization_id = $1 WHERE slug = 'northwind-price-list'")
        .bind(northwind)
        .execute(&app.pool)
        .await
        .unwrap();
    let updated: Value = trainer
        .put(
            "/articles/northwind-price-list",
            &json!({
                "title": "Northwind price list",
                "summary": "Prices.",
                "body": "Quokka northwind, with prices.",
                "kind": "knowledge",
                "category": "guides",
                "audience": "customers",
                "state": "published",
                "revision": private["revision_id"],
            }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(updated["state"], "published");
    assert_eq!(updated["organization_id"], json!(northwind));

    // Readers: the published articles of their audience and organization.
    let list = carla.json("/articles").await;
    assert_eq!(slugs(&list), ["resetting-the-gripper"]);
    assert_eq!(list["next_cursor"], Value::Null);
    let list = olivia.json("/articles").await;
    assert_eq!(
        slugs(&list),
        ["resetting-the-gripper", "northwind-price-list"]
    );
    // A writer with knowledge:write sees drafts too; with read only, not.
    assert_eq!(slugs(&trainer.json("/articles").await).len(), 4);
    assert!(
        !slugs(&trainer_reads.json("/articles").await).contains(&"unfinished-notes".to_string())
    );
    // Paged by cursor.
    let page = trainer.json("/articles?limit=3").await;
    assert_eq!(slugs(&page).len(), 3);
    let cursor = page["next_cursor"].as_str().unwrap().to_string();
    let rest = trainer
        .json(&format!("/articles?limit=3&cursor={cursor}"))
        .await;
    assert_eq!(slugs(&rest), ["northwind-price-list"]);
    assert_eq!(rest["next_cursor"], Value::Null);
    let (status, body) = problem(trainer.get("/articles?cursor=made-up").await).await;
    assert_eq!((status, body["field"].as_str()), (422, Some("cursor")));
    let (status, body) = problem(trainer.get("/articles?limit=0").await).await;
    assert_eq!((status, body["field"].as_str()), (422, Some("limit")));

    // One article: source and sanitised HTML; another organization's is not found.
    let one = carla.json("/articles/resetting-the-gripper").await;
    assert_eq!(one["body"], "Hold **reset** for five seconds. Quokka.");
    assert_eq!(one["audience"], "customers");
    assert!(one["updated_at"].as_str().unwrap().ends_with('Z'));
    for slug in ["northwind-price-list", "staff-runbook", "unfinished-notes"] {
        let (status, _) = problem(carla.get(&format!("/articles/{slug}")).await).await;
        assert_eq!(status, 404, "{slug}");
    }
    assert_eq!(
        olivia.get("/articles/northwind-price-list").await.status(),
        200
    );

    // Search: as in the portal.
    let found = search_until(&olivia, "quokka", |f| f["total"] == 2).await;
    assert!(found["items"][0]["snippet_html"]
        .as_str()
        .unwrap()
        .contains("<mark>"));
    let found = search_until(&carla, "quokka", |f| f["total"] == 1).await;
    assert_eq!(found["items"][0]["slug"], "resetting-the-gripper");
    let staff = Api::new(
        &app,
        Some(&token(&app, "agent@rapport.example", &["knowledge:read"]).await),
    );
    search_until(&staff, "quokka", |f| f["total"] == 3).await;
    let (status, body) = problem(carla.get("/search?q=").await).await;
    assert_eq!((status, body["field"].as_str()), (422, Some("q")));
    let (status, body) = problem(carla.get("/search?q=quokka&kind=recipe").await).await;
    assert_eq!((status, body["field"].as_str()), (422, Some("kind")));
    let (status, body) = problem(carla.get("/search?q=quokka&limit=500").await).await;
    assert_eq!((status, body["field"].as_str()), (422, Some("limit")));

    // Writing: bad input names the field; readers' tokens cannot write.
    let (status, body) = problem(
        trainer
            .post("/articles", &article("", "Body", "customers", "draft"))
            .await,
    )
    .await;
    assert_eq!((status, body["field"].as_str()), (422, Some("title")));
    let mut wrong = article("Fine title", "Body", "customers", "draft");
    wrong["category"] = json!("no-such-category");
    let (status, body) = problem(trainer.post("/articles", &wrong).await).await;
    assert_eq!((status, body["field"].as_str()), (422, Some("category")));
    let (status, body) = problem(
        trainer
            .post(
                "/articles",
                &article("Fine title", "Body", "everyone", "draft"),
            )
            .await,
    )
    .await;
    assert_eq!((status, body["field"].as_str()), (422, Some("audience")));
    let (status, body) = problem(
        trainer
            .post(
                "/articles",
                &article("Fine title", "Body", "public", "gone"),
            )
            .await,
    )
    .await;
    assert_eq!((status, body["field"].as_str()), (422, Some("state")));
    let (status, body) = problem(trainer.post("/articles", &json!({"title": "x"})).await).await;
    assert_eq!(status, 422);
    assert!(body["field"].is_string(), "{body}");
    let (status, _) = problem(
        trainer_reads
            .post("/articles", &article("Sneaky", "Body", "public", "draft"))
            .await,
    )
    .await;
    assert_eq!(status, 403);
    // A customer admin's knowledge:write token is for registrations, not articles.
    let (status, _) = problem(
        carla
            .post("/articles", &article("Sneaky", "Body", "public", "draft"))
            .await,
    )
    .await;
    assert_eq!(status, 403);
    // A change based on an older revision is refused.
    let (status, _) = problem(
        trainer
            .put(
                "/articles/northwind-price-list",
                &json!({
                    "title": "Northwind price list", "summary": "Old.", "body": "Old.",
                    "kind": "knowledge", "category": "guides", "audience": "customers",
                    "revision": private["revision_id"],
                }),
            )
            .await,
    )
    .await;
    assert_eq!(status, 409);
    let (status, _) = problem(
        trainer
            .put(
                "/articles/no-such-article",
                &article("X", "Y", "public", "draft"),
            )
            .await,
    )
    .await;
    assert_eq!(status, 404);

    // The gripper article put in one state, as the API answers it.
    let gripper_in = |state: &'static str| {
        let trainer = &trainer;
        async move {
            let put = trainer
                .put(
                    "/articles/resetting-the-gripper",
                    &article(
                        "Resetting the gripper",
                        "Hold **reset** for five seconds. Quokka.",
                        "customers",
                        state,
                    ),
                )
                .await;
            put.json::<Value>().await.unwrap()
        }
    };
    // Archived: gone for readers, recorded as deleted.
    let archived = gripper_in("archived").await;
    assert_eq!(archived["state"], "archived");
    let (status, _) = problem(carla.get("/articles/resetting-the-gripper").await).await;
    assert_eq!(status, 404);
    // Published again: out of the archive, and readable again.
    let back = gripper_in("published").await;
    assert_eq!(back["state"], "published");
    assert_eq!(
        carla.get("/articles/resetting-the-gripper").await.status(),
        200
    );

    // The changes: published, updated, deleted; Northwind's for Northwind only.
    let recorded: Vec<(String, String, Option<i64>, bool, bool)> = sqlx::query_as(
        "SELECT event, data->>'slug', organization_id, deleted, staff_only FROM changes
          WHERE entity = 'article' ORDER BY seq",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let has = |event: &str, slug: &str| {
        recorded
            .iter()
            .any(|(e, s, _, _, _)| e == event && s == slug)
    };
    assert!(has("article.published", "resetting-the-gripper"));
    assert!(has("article.updated", "unfinished-notes"));
    assert!(has("article.published", "northwind-price-list"));
    assert!(has("article.deleted", "resetting-the-gripper"));
    // Once limited to Northwind, its changes are Northwind's.
    assert!(recorded
        .iter()
        .filter(|(e, s, _, _, _)| s == "northwind-price-list" && e == "article.published")
        .all(|(_, _, o, _, _)| *o == northwind));
    assert!(recorded
        .iter()
        .filter(|(e, _, _, _, _)| e == "article.deleted")
        .all(|(_, _, _, deleted, _)| *deleted));
    assert!(recorded
        .iter()
        .filter(|(_, s, _, _, _)| s == "staff-runbook")
        .all(|(_, _, _, _, staff_only)| *staff_only));
    // Acme's customer admin never reads Northwind's articles in the feed.
    let feed = carla.json("/changes").await;
    assert!(feed["changes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["organization_id"] != json!(northwind)));
    let feed = olivia.json("/changes").await;
    assert!(feed["changes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["event"] == "article.published" && c["data"]["slug"] == "northwind-price-list"));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn workshop_registrations_go_through_the_portals_waitlist(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "trainer@rapport.example",
            "carla@acme.example",
            "ahmed@acme.example",
            "olivia@northwind.example",
            "nick@northwind.example",
        ],
    )
    .await;
    let article = workshop(&app.pool, "gripper-clinic", "Gripper clinic", "customers").await;
    let hidden = workshop(&app.pool, "staff-clinic", "Staff clinic", "internal").await;
    let mut sessions = Vec::new();
    for (article_id, capacity) in [(article, 1), (article, 10), (hidden, 5)] {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO workshop_sessions (article_id, starts_at, time_zone, duration_minutes, capacity, place)
             VALUES ($1, now() + interval '14 days', 'Europe/Zurich', 120, $2, 'Basel') RETURNING id",
        )
        .bind(article_id)
        .bind(capacity)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        sessions.push(id);
    }
    let (small, large, internal) = (sessions[0], sessions[1], sessions[2]);
    let scopes = ["knowledge:read", "knowledge:write"];
    let carla = Api::new(
        &app,
        Some(&token(&app, "carla@acme.example", &scopes).await),
    );
    let olivia = Api::new(
        &app,
        Some(&token(&app, "olivia@northwind.example", &scopes).await),
    );
    let trainer = Api::new(
        &app,
        Some(&token(&app, "trainer@rapport.example", &scopes).await),
    );

    // The calendar: the workshops the owner may read, with their sessions.
    let list = carla.json("/workshops").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list["items"][0]["slug"], "gripper-clinic");
    assert_eq!(list["items"][0]["sessions"].as_array().unwrap().len(), 2);
    assert_eq!(
        trainer.json("/workshops").await["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let one = carla.json(&format!("/workshops/sessions/{small}")).await;
    assert_eq!(one["capacity"], 1);
    assert_eq!(one["mine"], Value::Null);
    let (status, _) = problem(carla.get(&format!("/workshops/sessions/{internal}")).await).await;
    assert_eq!(status, 404);
    let (status, body) = problem(carla.get("/workshops/sessions/abc").await).await;
    assert_eq!((status, body["field"].as_str()), (422, Some("id")));

    // Olivia takes the only place; Carla waits; Olivia cancels, Carla moves up.
    let registered: Value = olivia
        .post(
            &format!("/workshops/sessions/{small}/registrations"),
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(registered["status"], "registered");
    let waiting: Value = carla
        .post(
            &format!("/workshops/sessions/{small}/registrations"),
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(waiting["status"], "waitlisted");
    let mine = carla.json(&format!("/workshops/sessions/{small}")).await;
    assert_eq!(mine["mine"], "waitlisted");
    assert_eq!(mine["waitlist_place"], 1);
    let people = trainer
        .json(&format!("/workshops/sessions/{small}/registrations"))
        .await;
    let statuses: Vec<(&str, &str)> = people["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["email"].as_str().unwrap(), p["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("olivia@northwind.example", "registered"),
            ("carla@acme.example", "waitlisted")
        ]
    );
    let response = olivia
        .delete(&format!("/workshops/sessions/{small}/registrations/me"))
        .await;
    assert_eq!(response.status(), 204);
    let mine = carla.json(&format!("/workshops/sessions/{small}")).await;
    assert_eq!(mine["mine"], "registered");
    // The mails of the page went out: Carla was told she moved up.
    let moved: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM outbound_mails WHERE to_address LIKE '%carla@acme.example%'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(moved >= 2, "{moved}");
    // Cancelling what one does not have: not found.
    let (status, _) = problem(
        olivia
            .delete(&format!("/workshops/sessions/{small}/registrations/me"))
            .await,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(
        olivia
            .post(
                &format!("/workshops/sessions/{large}/registrations"),
                &json!({})
            )
            .await
            .status(),
        200
    );

    // Who may do what: customers cannot see who registered; staff cannot register.
    let (status, _) = problem(
        carla
            .get(&format!("/workshops/sessions/{small}/registrations"))
            .await,
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = problem(
        trainer
            .post(
                &format!("/workshops/sessions/{large}/registrations"),
                &json!({}),
            )
            .await,
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = problem(
        carla
            .post(
                &format!("/workshops/sessions/{internal}/registrations"),
                &json!({}),
            )
            .await,
    )
    .await;
    assert_eq!(status, 404);
    let reads_only = Api::new(
        &app,
        Some(&token(&app, "carla@acme.example", &["knowledge:read"]).await),
    );
    let (status, _) = problem(
        reads_only
            .post(
                &format!("/workshops/sessions/{large}/registrations"),
                &json!({}),
            )
            .await,
    )
    .await;
    assert_eq!(status, 403);

    // Every change recorded, each with its registrant's organization; Acme's
    // customer admin sees only Acme's in the feed.
    let acme = organization_of(&app.pool, "carla@acme.example").await;
    let northwind = organization_of(&app.pool, "olivia@northwind.example").await;
    let recorded: Vec<(Option<i64>, String)> = sqlx::query_as(
        "SELECT organization_id, data->>'status' FROM changes
          WHERE event = 'registration.changed' ORDER BY seq",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    // Registered, waitlisted, then the cancellation and the move up in one
    // transaction (in the order of the people's ids), then a new registration.
    let mut middle = recorded[2..4].to_vec();
    middle.sort();
    let mut expected_middle = vec![
        (acme, "registered".to_string()),
        (northwind, "cancelled".to_string()),
    ];
    expected_middle.sort();
    assert_eq!(recorded[0], (northwind, "registered".to_string()));
    assert_eq!(recorded[1], (acme, "waitlisted".to_string()));
    assert_eq!(middle, expected_middle);
    assert_eq!(recorded[4], (northwind, "registered".to_string()));
    assert_eq!(recorded.len(), 5);
    assert_eq!(recorded.iter().filter(|(o, _)| *o == acme).count(), 2);
    let feed = carla.json("/changes").await;
    let seen = feed["changes"].as_array().unwrap();
    assert_eq!(seen.len(), 2, "{feed}");
    assert!(seen.iter().all(|c| c["organization_id"] == json!(acme)));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_directory_is_for_admins_and_its_changes_are_recorded(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    let people = fixtures::people(
        &app.pool,
        &[
            "admin@rapport.example",
            "agent@rapport.example",
            "carla@acme.example",
            "ahmed@acme.example",
            "olivia@northwind.example",
            "nick@northwind.example",
            "greta@globex.example",
        ],
    )
    .await;
    let admin = Api::new(
        &app,
        Some(&token(&app, "admin@rapport.example", &["admin"]).await),
    );
    let all = admin.json("/users").await;
    assert_eq!(all["items"].as_array().unwrap().len(), 7);
    let customers = admin.json("/users?role=customer").await;
    assert_eq!(customers["items"].as_array().unwrap().len(), 2);
    let acme = people[2].organization_id.unwrap();
    let members = admin.json(&format!("/users?organization={acme}")).await;
    let emails: Vec<&str> = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails.len(), 2);
    assert!(emails.contains(&"carla@acme.example"));
    let found = admin.json("/users?q=northwind").await;
    assert_eq!(found["items"].as_array().unwrap().len(), 2);
    // Paged by cursor, never repeating.
    let page = admin.json("/users?limit=4").await;
    let cursor = page["next_cursor"].as_str().unwrap();
    let rest = admin.json(&format!("/users?limit=4&cursor={cursor}")).await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 3);
    assert_eq!(rest["next_cursor"], Value::Null);
    let (status, body) = problem(admin.get("/users?role=boss").await).await;
    assert_eq!((status, body["field"].as_str()), (422, Some("role")));
    let one = admin.json(&format!("/users/{}", people[2].id)).await;
    assert_eq!(one["role"], "customer_admin");
    assert_eq!(one["organization_name"], "Acme Robotics");
    let (status, _) = problem(admin.get("/users/999999").await).await;
    assert_eq!(status, 404);
    let (status, body) = problem(admin.get("/users/x").await).await;
    assert_eq!((status, body["field"].as_str()), (422, Some("id")));

    let organizations = admin.json("/organizations").await;
    assert_eq!(organizations["items"].as_array().unwrap().len(), 3);
    let one = admin.json(&format!("/organizations/{acme}")).await;
    assert_eq!(one["name"], "Acme Robotics");
    assert_eq!(
        (one["members"].as_i64(), one["admins"].as_i64()),
        (Some(2), Some(1))
    );
    let (status, _) = problem(admin.get("/organizations/999999").await).await;
    assert_eq!(status, 404);

    // Not for others: an agent cannot get the admin scope; a customer admin neither.
    for email in ["agent@rapport.example", "carla@acme.example"] {
        let person_id = user_id(&app.pool, email).await;
        let role: String = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
            .bind(person_id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        let refused = rapport_core::api_tokens::create(
            &rapport_core::Reader::new(
                Some(rapport_core::policy::Actor {
                    user_id: person_id,
                    role: rapport_types::Role::parse(&role).unwrap(),
                    organization_id: organization_of(&app.pool, email).await,
                }),
                rapport_core::time_zones::ReaderZone::utc(),
            ),
            &app.pool,
            &rapport_types::views::api_tokens::NewApiToken {
                name: "Directory".into(),
                scopes: vec!["admin".into()],
                expires_on: String::new(),
            },
        )
        .await;
        assert!(refused.is_err(), "{email}");
    }
    let agent = Api::new(
        &app,
        Some(&token(&app, "agent@rapport.example", &["cases:read"]).await),
    );
    let (status, _) = problem(agent.get("/users").await).await;
    assert_eq!(status, 403);

    // Renaming, merging and changing a role are recorded.
    let admin_reader = rapport_core::Reader::new(
        Some(rapport_core::policy::Actor {
            user_id: people[0].id,
            role: rapport_types::Role::Admin,
            organization_id: None,
        }),
        rapport_core::time_zones::ReaderZone::utc(),
    );
    let northwind = people[4].organization_id.unwrap();
    let globex = people[6].organization_id.unwrap();
    let permit = |action| rapport_core::policy::authorize(admin_reader.actor(), &action).unwrap();
    use rapport_core::policy::Action;
    rapport_core::organizations::rename(
        &permit(Action::ManageOrganizations),
        &app.pool,
        northwind,
        "Northwind Trading",
        "127.0.0.1",
    )
    .await
    .unwrap();
    rapport_core::organizations::merge(
        &permit(Action::ManageOrganizations),
        &app.pool,
        globex,
        acme,
        "127.0.0.1",
    )
    .await
    .unwrap();
    rapport_core::accounts::change_role(
        &permit(Action::ChangeUserAccess {
            target_user_id: people[3].id,
        }),
        &app.pool,
        people[3].id,
        "customer_admin",
        "127.0.0.1",
    )
    .await
    .unwrap();
    let recorded: Vec<(String, i64, bool)> =
        sqlx::query_as("SELECT event, entity_id, deleted FROM changes ORDER BY seq")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        recorded,
        [
            ("organization.updated".to_string(), northwind, false),
            ("organization.deleted".to_string(), globex, true),
            ("user.updated".to_string(), people[3].id, false),
        ]
    );
    let feed = admin.json("/changes").await;
    assert_eq!(feed["changes"].as_array().unwrap().len(), 3);
    assert_eq!(feed["changes"][1]["deleted"], true);
    let (status, _) = problem(admin.get(&format!("/organizations/{globex}")).await).await;
    assert_eq!(status, 404);
}
