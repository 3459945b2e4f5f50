//! The pages people start from: the front page (search, popular articles,
//! categories, the next workshops), holding only what its reader may see.

use crate::common::{self, fixtures, TestApp};
use app::api::kb::FrontPage;
use leptos::server_fn::serde::Serialize;
use leptos::server_fn::ServerFn;
use reqwest::Client;
use serde_json::Value;
use sqlx::PgPool;

/// Call a server function with typed arguments: the status, and the answer as JSON.
async fn call_json<F>(app: &TestApp, client: &Client, args: F) -> (u16, Value)
where
    F: ServerFn + Serialize,
{
    let response = app.invoke(client, args).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The values of `field` in the array at `list`.
fn texts(list: &Value, field: &str) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|item| item[field].as_str().unwrap().to_string())
        .collect()
}

/// A scheduled session of the workshop `article_id`, starting in `days`; its id.
async fn session_in(pool: &PgPool, article_id: i64, days: i32) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO workshop_sessions (article_id, starts_at, time_zone, duration_minutes, capacity, place)
         VALUES ($1, now() + make_interval(days => $2), 'Europe/Zurich', 120, 10, 'Basel')
         RETURNING id",
    )
    .bind(article_id)
    .bind(days)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_front_page_lists_what_the_reader_may_read(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["nick@northwind.example"]).await;
    let public = crate::workshops::workshop(&app.pool, "open-day", "Open day", "public").await;
    let customers =
        crate::workshops::workshop(&app.pool, "customer-day", "Customer day", "customers").await;
    session_in(&app.pool, public, 2).await;
    session_in(&app.pool, customers, 1).await;

    let visitor = app.browser();
    let (status, page) = call_json(&app, &visitor, FrontPage {}).await;
    assert_eq!(status, 200);
    assert_eq!(texts(&page["workshops"], "workshop_title"), ["Open day"]);
    assert_eq!(texts(&page["kb"]["popular"], "title"), ["Open day"]);
    assert_eq!(page["kb"]["categories"][0]["article_count"], 1);

    let nick = app.signed_in("nick@northwind.example").await;
    let (_, page) = call_json(&app, &nick, FrontPage {}).await;
    assert_eq!(
        texts(&page["workshops"], "workshop_title"),
        ["Customer day", "Open day"]
    );
    assert_eq!(page["kb"]["categories"][0]["article_count"], 2);

    // Without JavaScript: a search form to the search page, the four ways in
    // as links, and the workshop linked to its page.
    let html = common::page_text(&visitor, &app.url("/")).await;
    assert!(html.contains("action=\"/search\""), "{html}");
    assert!(html.contains("id=\"home-search-q\""));
    for href in [
        "/cases",
        "/kb",
        "/workshops",
        "/orders",
        "/kb/open-day#sessions",
    ] {
        assert!(html.contains(&format!("href=\"{href}\"")), "{href}");
    }
    assert!(!html.contains("Customer day"));
}
