//! Report figures recorded as cases change (`reports::metrics`), filled for
//! cases that have none, and the daily backlog (`reports::backlog`): through
//! the real endpoints on a real database.

use crate::common::{fixtures, TestApp};
use app::api::cases::{CaseDetail, SetCaseOpen, UpdateCase};
use rapport_core::reports::{backlog, metrics};
use reqwest::Client;
use serde_json::Value;
use sqlx::PgPool;
use time::macros::datetime;

/// One case's stored figures, as the reports read them.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
struct Figures {
    first_response_at: Option<time::OffsetDateTime>,
    first_resolution_at: Option<time::OffsetDateTime>,
    final_resolution_at: Option<time::OffsetDateTime>,
    reopens: i32,
    customer_replies: i32,
    agent_replies: i32,
    agents_touched: Vec<i64>,
    solved_by: Option<i64>,
    first_response_seconds: Option<i64>,
    final_resolution_seconds: Option<i64>,
    final_resolution_business_seconds: Option<i64>,
    first_response_met: Option<bool>,
    resolution_met: Option<bool>,
}

async fn figures(pool: &PgPool, number: &str) -> Figures {
    sqlx::query_as(
        "SELECT m.first_response_at, m.first_resolution_at, m.final_resolution_at, m.reopens,
                m.customer_replies, m.agent_replies, m.agents_touched, m.solved_by,
                m.first_response_seconds, m.final_resolution_seconds,
                m.final_resolution_business_seconds, m.first_response_met, m.resolution_met
         FROM case_metrics m JOIN cases c ON c.id = m.case_id WHERE c.number = $1",
    )
    .bind(number.trim_start_matches("C-").parse::<i64>().unwrap())
    .fetch_one(pool)
    .await
    .expect("the case has figures")
}

async fn user_id(pool: &PgPool, email: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn detail(app: &TestApp, client: &Client, number: &str) -> Value {
    let response = app
        .invoke(
            client,
            CaseDetail {
                number: number.to_string(),
                canned: None,
            },
        )
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn reply(app: &TestApp, client: &Client, number: &str, body: &str, status: Option<&str>) {
    let case = detail(app, client, number).await;
    let version = case["version"].to_string();
    let mut form = vec![("number", number), ("body", body), ("version", &version)];
    if let Some(status) = status {
        form.push(("status", status));
    }
    let response = app.call(client, "reply_to_case", &form).await;
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
}

async fn set_status(app: &TestApp, agent: &Client, number: &str, status: &str) {
    let case = detail(app, agent, number).await;
    let response = app
        .invoke(
            agent,
            UpdateCase {
                number: number.to_string(),
                version: case["version"].as_i64().unwrap() as i32,
                status: status.to_string(),
                priority: case["priority"].as_str().unwrap_or("normal").to_string(),
                category_id: case["category_id"].as_i64().unwrap(),
                assignee_id: String::new(),
                tags: None,
            },
        )
        .await;
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn every_change_to_a_case_updates_its_figures(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    let nick = app.signed_in("nick@northwind.example").await;
    let agent = app.signed_in("agent@rapport.example").await;
    let sam = user_id(&pool, "agent@rapport.example").await;
    let category: i64 = sqlx::query_scalar("SELECT min(id) FROM case_categories")
        .fetch_one(&pool)
        .await
        .unwrap();
    let opened = app
        .call(
            &nick,
            "create_case",
            &[
                ("subject", "The printer jams"),
                ("description", "Every third page."),
                ("category_id", &category.to_string()),
                ("priority", "normal"),
            ],
        )
        .await;
    assert_eq!(opened.status(), 200);
    let number = opened.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/cases/")
        .to_string();

    // Opened: measured at once, nothing answered yet.
    let new = figures(&pool, &number).await;
    assert_eq!((new.customer_replies, new.agent_replies), (0, 0));
    assert_eq!(new.first_response_at, None);
    assert!(new.agents_touched.is_empty());

    // Support answers and waits for the customer; an internal note is no answer.
    reply(
        &app,
        &agent,
        &number,
        "Which tray do you use?",
        Some("pending"),
    )
    .await;
    let answered = figures(&pool, &number).await;
    assert_eq!(answered.agent_replies, 1);
    assert!(answered.first_response_at.is_some());
    assert!(answered.first_response_seconds.unwrap() >= 0);
    assert_eq!(answered.first_response_met, Some(true));
    assert_eq!(answered.agents_touched, vec![sam]);

    // The customer answers; support solves it.
    reply(&app, &nick, &number, "Tray 2.", None).await;
    set_status(&app, &agent, &number, "solved").await;
    let solved = figures(&pool, &number).await;
    assert_eq!((solved.customer_replies, solved.agent_replies), (1, 1));
    assert_eq!(solved.solved_by, Some(sam));
    assert!(solved.final_resolution_at.is_some());
    assert_eq!(solved.first_resolution_at, solved.final_resolution_at);
    assert_eq!(solved.resolution_met, Some(true));
    assert_eq!(solved.reopens, 0);

    // The customer reopens it: the first resolution stays, the final one goes.
    let reopened = app
        .invoke(
            &nick,
            SetCaseOpen {
                number: number.clone(),
                open: true,
            },
        )
        .await;
    assert_eq!(reopened.status(), 200);
    let again = figures(&pool, &number).await;
    assert_eq!(again.reopens, 1);
    assert_eq!(again.first_resolution_at, solved.first_resolution_at);
    assert_eq!(again.final_resolution_at, None);
    assert_eq!(again.solved_by, None);

    // Solved for good, by a reply that solves it.
    reply(
        &app,
        &agent,
        &number,
        "Replaced the roller.",
        Some("solved"),
    )
    .await;
    let done = figures(&pool, &number).await;
    assert_eq!(done.reopens, 1);
    assert_eq!(done.agent_replies, 2);
    assert!(done.final_resolution_at > solved.final_resolution_at);

    // What is stored is exactly what measuring the history again gives.
    sqlx::query("DELETE FROM case_metrics")
        .execute(&pool)
        .await
        .unwrap();
    let filled = metrics::fill_missing(&pool).await.unwrap();
    let cases: i64 = sqlx::query_scalar("SELECT count(*) FROM cases")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(filled, cases as u64, "every case is measured again");
    assert_eq!(figures(&pool, &number).await, done);
    assert_eq!(metrics::fill_missing(&pool).await.unwrap(), 0);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_demo_and_the_close_job_leave_no_case_unmeasured(pool: PgPool) {
    // No server: its own close job would race this test's.
    rapport_demo::seed::seed_demo(&pool).await.unwrap();
    let unmeasured = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM cases c
             WHERE NOT EXISTS (SELECT 1 FROM case_metrics m WHERE m.case_id = c.id)",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    assert_eq!(unmeasured().await, 0, "the demo seed measures its cases");
    // Demo cases solved and closed in the past have their resolution from the history.
    let solved_without: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM cases c JOIN case_metrics m ON m.case_id = c.id
         WHERE c.status IN ('solved', 'closed') AND m.final_resolution_at IS NULL",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(solved_without, 0);

    // A solved case closed by the job keeps its resolution and is measured again.
    let number: i64 = sqlx::query_scalar(
        "UPDATE cases SET solved_at = now() - interval '30 days'
         WHERE id = (SELECT min(id) FROM cases WHERE status = 'solved') RETURNING number",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let before = figures(&pool, &format!("C-{number}")).await;
    let keys = rapport_core::reply_tokens::ReplyKeys::load(&pool)
        .await
        .unwrap();
    let links = rapport_core::site::SiteLinks::new("http://rapport.test");
    let site =
        rapport_core::case_mail::MailSite::new(links, keys, "Rapport <s@x.example>").unwrap();
    let closed = rapport_core::jobs::close_solved_cases(&site, &pool, 7)
        .await
        .unwrap();
    assert!(closed >= 1);
    let computed: bool = sqlx::query_scalar(
        "SELECT m.computed_at > now() - interval '1 minute'
         FROM case_metrics m JOIN cases c ON c.id = m.case_id WHERE c.number = $1",
    )
    .bind(number)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(computed, "the close job measures the cases it closes");
    assert_eq!(figures(&pool, &format!("C-{number}")).await, before);
}

/// Backlog rows of `day`: (status, organization, cases).
async fn backlog_of(pool: &PgPool, day: time::Date) -> Vec<(String, i64, i32)> {
    sqlx::query_as(
        "SELECT status, organization_id, sum(cases)::int FROM backlog_snapshots WHERE day = $1
         GROUP BY 1, 2 ORDER BY 1, 2",
    )
    .bind(day)
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_backlog_of_past_days_comes_from_the_history_once(pool: PgPool) {
    let acme = fixtures::organization(&pool, "Acme").await;
    acme.customer(&pool, "carla@acme.example", "Carla").await;
    let globex = fixtures::organization(&pool, "Globex").await;
    globex.customer(&pool, "gus@globex.example", "Gus").await;
    let a = fixtures::case("carla@acme.example", "Opened Monday, solved Wednesday")
        .insert(&pool)
        .await;
    let b = fixtures::case("carla@acme.example", "Opened Tuesday, pending Wednesday")
        .insert(&pool)
        .await;
    let c = fixtures::case("gus@globex.example", "Opened Wednesday late")
        .insert(&pool)
        .await;
    // The history, back in time (the support calendar is in UTC):
    // Monday 2 Nov 2026 to Thursday 5 Nov.
    for (case, opened) in [
        (&a, datetime!(2026-11-02 10:00 UTC)),
        (&b, datetime!(2026-11-03 10:00 UTC)),
        (&c, datetime!(2026-11-04 23:59 UTC)),
    ] {
        sqlx::query("UPDATE cases SET created_at = $2 WHERE id = $1")
            .bind(case.id)
            .bind(opened)
            .execute(&pool)
            .await
            .unwrap();
    }
    for (case, at, from, to) in [
        (&a, datetime!(2026-11-02 11:00 UTC), "new", "open"),
        (&a, datetime!(2026-11-04 12:00 UTC), "open", "solved"),
        (&b, datetime!(2026-11-04 09:00 UTC), "new", "pending"),
        (&c, datetime!(2026-11-05 08:00 UTC), "new", "open"),
    ] {
        sqlx::query(
            "INSERT INTO case_events (case_id, actor_id, field, old_value, new_value, at)
             VALUES ($1, NULL, 'status', $2, $3, $4)",
        )
        .bind(case.id)
        .bind(from)
        .bind(to)
        .bind(at)
        .execute(&pool)
        .await
        .unwrap();
    }

    // Run on Thursday 5 Nov: Monday to Wednesday have ended.
    let thursday = datetime!(2026-11-05 09:00 UTC);
    assert_eq!(backlog::catch_up(&pool, thursday).await.unwrap(), 3);
    let (acme, globex) = (acme.id, globex.id);
    assert_eq!(
        backlog_of(&pool, time::macros::date!(2026 - 11 - 02)).await,
        vec![("open".into(), acme, 1)]
    );
    assert_eq!(
        backlog_of(&pool, time::macros::date!(2026 - 11 - 03)).await,
        vec![("new".into(), acme, 1), ("open".into(), acme, 1)]
    );
    // Wednesday: a is solved, b waits for the customer, c came in a minute
    // before midnight.
    assert_eq!(
        backlog_of(&pool, time::macros::date!(2026 - 11 - 04)).await,
        vec![("new".into(), globex, 1), ("pending".into(), acme, 1)]
    );

    // Again on the same day: nothing new to write, nothing counted twice.
    assert_eq!(backlog::catch_up(&pool, thursday).await.unwrap(), 0);
    let rows: i64 = sqlx::query_scalar("SELECT sum(cases) FROM backlog_snapshots")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rows, 1 + 2 + 2);

    // The next day only Thursday is added; a day with no waiting case is
    // still marked written.
    let friday = datetime!(2026-11-06 09:00 UTC);
    assert_eq!(backlog::catch_up(&pool, friday).await.unwrap(), 1);
    assert_eq!(
        backlog_of(&pool, time::macros::date!(2026 - 11 - 05)).await,
        vec![("open".into(), globex, 1), ("pending".into(), acme, 1)]
    );
}
