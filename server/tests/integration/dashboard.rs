//! The pages people start from: the front page (search, popular articles,
//! categories, the next workshops) and the dashboard, for customers (their
//! cases and what waits for them) and agents (queues, deadlines at risk);
//! each holding only what its reader may see.

use crate::common::{self, fixtures, TestApp};
use app::api::dashboard::Dashboard;
use app::api::kb::FrontPage;
use app::api::workshops::{RegisterForSession, SetTimeZone};
use leptos::server_fn::serde::Serialize;
use leptos::server_fn::ServerFn;
use rapport_core::time_zones::ReaderZone;
use reqwest::Client;
use serde_json::Value;
use sqlx::PgPool;
use time::OffsetDateTime;

/// Call a server function with typed arguments: the status, and the answer as JSON.
async fn call_json<F>(app: &TestApp, client: &Client, args: F) -> (u16, Value)
where
    F: ServerFn + Serialize,
{
    let response = app.invoke(client, args).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn dashboard_of(app: &TestApp, client: &Client) -> Value {
    let (status, board) = call_json(app, client, Dashboard {}).await;
    assert_eq!(status, 200, "{board}");
    board
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
async fn a_customers_dashboard_shows_their_cases_and_what_waits_and_nothing_of_others(
    pool: PgPool,
) {
    let app = TestApp::spawn_empty(pool).await;
    let people = fixtures::people(
        &app.pool,
        &[
            "agent@rapport.example",
            "nick@northwind.example",
            "olivia@northwind.example",
            "ahmed@acme.example",
            "carla@acme.example",
        ],
    )
    .await;
    let agent = &people[0];
    // Acme has an overdue invoice (T-INV-1, Ahmed's order); Northwind none.
    crate::orders::write_history(&app.pool).await;
    let nick = "nick@northwind.example";
    fixtures::case(nick, "Printer jams")
        .status("open")
        .message(nick, "It jams on every page.")
        .message(&agent.email, "Try the blue lever.")
        .insert(&app.pool)
        .await;
    fixtures::case(nick, "Send us the logs")
        .status("pending")
        .message(&agent.email, "Please send the logs.")
        .note(&agent.email, "Probably the firmware again.")
        .insert(&app.pool)
        .await;
    fixtures::case(nick, "Old question")
        .status("solved")
        .insert(&app.pool)
        .await;
    fixtures::case("olivia@northwind.example", "Olivia's own question")
        .insert(&app.pool)
        .await;
    fixtures::case("ahmed@acme.example", "Acme robot arm")
        .status("pending")
        .message(&agent.email, "Which serial number?")
        .insert(&app.pool)
        .await;
    let public =
        crate::workshops::workshop(&app.pool, "calibration", "Calibration", "public").await;
    let session = session_in(&app.pool, public, 3).await;
    let nick_client = app.signed_in(nick).await;
    let (status, _) = call_json(
        &app,
        &nick_client,
        RegisterForSession {
            session_id: session,
        },
    )
    .await;
    assert_eq!(status, 200);

    // Nick: his active cases, the one waiting for him first, with the latest
    // public reply (never the internal note); no invoice overdue; his workshop.
    let board = dashboard_of(&app, &nick_client).await;
    let desk = &board["customer"];
    assert_eq!(
        texts(&desk["open_cases"], "subject"),
        ["Send us the logs", "Printer jams"]
    );
    assert_eq!(desk["open_total"], 2);
    let waiting = &desk["open_cases"][0];
    assert_eq!(waiting["status"], "pending");
    assert_eq!(waiting["last_reply"]["by"], agent.name.as_str());
    assert_eq!(waiting["last_reply"]["from_support"], true);
    assert_eq!(desk["overdue_total"], 0);
    assert_eq!(desk["overdue_invoices"], serde_json::json!([]));
    assert_eq!(desk["workshops"][0]["session"]["id"], session);
    assert_eq!(desk["workshops"][0]["status"], "registered");
    assert!(board["agent"].is_null());
    let text = board.to_string();
    for hidden in [
        "Probably the firmware",
        "Acme robot arm",
        "Olivia's own",
        "T-INV-1",
    ] {
        assert!(!text.contains(hidden), "Nick sees {hidden:?}: {text}");
    }

    // Olivia, Northwind's admin: every active case of Northwind, none of Acme's.
    let olivia = app.signed_in("olivia@northwind.example").await;
    let board = dashboard_of(&app, &olivia).await;
    let mut subjects = texts(&board["customer"]["open_cases"], "subject");
    assert_eq!(subjects[0], "Send us the logs");
    subjects.sort();
    assert_eq!(
        subjects,
        ["Olivia's own question", "Printer jams", "Send us the logs"]
    );
    assert!(!board.to_string().contains("Acme"), "{board}");
    assert_eq!(board["customer"]["workshops"], serde_json::json!([]));

    // Carla, Acme's admin: Acme's overdue invoice and case, none of Northwind's.
    let carla = app.signed_in("carla@acme.example").await;
    let board = dashboard_of(&app, &carla).await;
    let desk = &board["customer"];
    assert_eq!(texts(&desk["overdue_invoices"], "number"), ["T-INV-1"]);
    assert_eq!(desk["overdue_total"], 1);
    assert_eq!(texts(&desk["open_cases"], "subject"), ["Acme robot arm"]);
    assert_eq!(desk["workshops"], serde_json::json!([]));
    for hidden in ["Printer jams", "Send us the logs", "Calibration"] {
        assert!(!board.to_string().contains(hidden), "Carla sees {hidden:?}");
    }

    // The page itself, as a browser without JavaScript gets it.
    let page = common::page_text(&nick_client, &app.url("/dashboard")).await;
    assert!(page.contains("What waits for you"), "{page}");
    assert!(page.contains("Send us the logs"));
    assert!(page.contains("href=\"/cases/new\""));
    assert!(!page.contains("Probably the firmware"));
    let page = common::page_text(&carla, &app.url("/dashboard")).await;
    assert!(page.contains("href=\"/invoices/T-INV-1\""), "{page}");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn an_agents_dashboard_shows_the_queues_and_the_deadlines_at_risk(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "agent@rapport.example",
            "admin@rapport.example",
            "trainer@rapport.example",
            "nick@northwind.example",
            "carla@acme.example",
        ],
    )
    .await;
    let (nick, carla) = ("nick@northwind.example", "carla@acme.example");
    let insert = |requester: &'static str, subject: &'static str, status: &'static str| {
        let pool = app.pool.clone();
        async move {
            fixtures::case(requester, subject)
                .status(status)
                .insert(&pool)
                .await
                .number
        }
    };
    let breached = insert(nick, "Breached, nobody's", "open").await;
    let soon = insert(carla, "Due soon, mine", "open").await;
    let others = insert(nick, "Breached, the admin's", "open").await;
    let later = insert(carla, "Due later", "open").await;
    insert(nick, "Waiting for the customer", "pending").await;
    for (number, assignee) in [(&soon, "agent"), (&others, "admin")] {
        sqlx::query(
            "UPDATE cases SET assignee_id = (SELECT id FROM users WHERE email = $2 || '@rapport.example')
             WHERE number = $1",
        )
        .bind(number.trim_start_matches("C-").parse::<i64>().unwrap())
        .bind(assignee)
        .execute(&app.pool)
        .await
        .unwrap();
    }
    fixtures::set_clock(&app.pool, &breached, Some(-30), 5).await;
    fixtures::set_clock(&app.pool, &soon, Some(60), 5).await;
    fixtures::set_clock(&app.pool, &others, Some(-120), 5).await;
    fixtures::set_clock(&app.pool, &later, Some(600), 5).await;

    let agent = app.signed_in("agent@rapport.example").await;
    let (status, _) = call_json(
        &app,
        &agent,
        SetTimeZone {
            time_zone: "Asia/Tokyo".into(),
        },
    )
    .await;
    assert_eq!(status, 200);
    let board = dashboard_of(&app, &agent).await;
    let desk = &board["agent"];
    // Theirs and nobody's, past or within the horizon, the earliest first;
    // not the admin's case, not the one due later, not the paused one.
    assert_eq!(
        texts(&desk["at_risk"], "number"),
        [breached.clone(), soon.clone()]
    );
    let first = &desk["at_risk"][0];
    assert_eq!(first["breached"], true);
    assert_eq!(first["organization"], "Northwind Traders");
    assert!(first["due"].as_str().unwrap().starts_with("overdue by"));
    assert_eq!(desk["at_risk"][1]["breached"], false);
    assert_eq!(desk["at_risk"][1]["assignee"], "Sam Agent");
    // The deadline reads in the agent's zone.
    let due: OffsetDateTime =
        sqlx::query_scalar("SELECT resolution_due_at FROM cases WHERE number = $1")
            .bind(breached.trim_start_matches("C-").parse::<i64>().unwrap())
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let tokyo = ReaderZone::named_or_utc(Some("Asia/Tokyo"));
    assert_eq!(first["due_at"], tokyo.date_time(due));
    let sizes = &desk["sizes"];
    assert_eq!(
        [
            &sizes["unassigned"],
            &sizes["mine"],
            &sizes["breaching"],
            &sizes["pending"]
        ],
        [2, 1, 2, 1]
    );
    assert!(board["customer"].is_null());
    assert_eq!(board["security_events"], serde_json::json!([]));

    // The admin works cases too: theirs and nobody's; and sees security events.
    let admin = app.signed_in("admin@rapport.example").await;
    let board = dashboard_of(&app, &admin).await;
    assert_eq!(
        texts(&board["agent"]["at_risk"], "number"),
        [others.clone(), breached.clone()]
    );
    assert!(!board["security_events"].as_array().unwrap().is_empty());

    // Trainers work no cases; customers see no deadlines, and visitors nothing.
    let trainer = app.signed_in("trainer@rapport.example").await;
    let board = dashboard_of(&app, &trainer).await;
    assert!(board["agent"].is_null() && board["customer"].is_null());
    let customer = app.signed_in(nick).await;
    let board = dashboard_of(&app, &customer).await;
    assert!(board["agent"].is_null());
    assert!(!board.to_string().contains("overdue by"));
    let (status, _) = call_json(&app, &app.browser(), Dashboard {}).await;
    assert_eq!(status, 401);

    // The page: the queues as links, the cases at risk.
    let page = common::page_text(&agent, &app.url("/dashboard")).await;
    assert!(page.contains("href=\"/queue?queue=unassigned\""), "{page}");
    assert!(page.contains("Deadlines at risk"));
    assert!(page.contains(&format!("href=\"/cases/{breached}\"")));
    assert!(!page.contains("Users by role"));
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
