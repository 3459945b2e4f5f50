//! HTTP tests of cases: each action, and each forbidden one, on the real router.

use crate::common;

use crate::common::{fixtures, TestApp};
use app::api::cases::{CaseDetail, CaseQueue, MyCases, RateCase, SetCaseOpen, UpdateCase};
use reqwest::Client;
use serde_json::Value;
use sqlx::PgPool;

async fn open_case(app: &TestApp, client: &Client, subject: &str, description: &str) -> String {
    let category = category_id(app).await;
    // Raw: create_case takes multipart data (files), not typed arguments.
    let response = app
        .call(
            client,
            "create_case",
            &[
                ("subject", subject),
                ("description", description),
                ("category_id", &category),
                ("priority", "normal"),
            ],
        )
        .await;
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    location.trim_start_matches("/cases/").to_string()
}

async fn category_id(app: &TestApp) -> String {
    let id: i64 = sqlx::query_scalar("SELECT min(id) FROM case_categories")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    id.to_string()
}

async fn detail(app: &TestApp, client: &Client, number: &str) -> (u16, Value) {
    let response = app
        .invoke(
            client,
            CaseDetail {
                number: number.to_string(),
                canned: None,
            },
        )
        .await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The customer's case list, searched for `query`, first page.
fn my_cases(query: &str) -> MyCases {
    MyCases {
        priority: String::new(),
        slice: Default::default(),
        status: String::new(),
        query: query.to_string(),
        sort: String::new(),
        page: 1,
    }
}

/// An agent queue without filters, first page.
fn unfiltered_queue(name: &str) -> CaseQueue {
    CaseQueue {
        slice: Default::default(),
        queue: name.to_string(),
        query: String::new(),
        priority: String::new(),
        category: String::new(),
        organization: String::new(),
        tag: String::new(),
        assignee: String::new(),
        sort: String::new(),
        page: 1,
    }
}

async fn message_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM case_messages")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_customer_opens_a_case_and_finds_it_in_their_list(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["nick@northwind.example"]).await;
    let nick = app.signed_in("nick@northwind.example").await;
    let number = open_case(&app, &nick, "Printer on fire", "It *really* is.").await;
    assert!(number.starts_with("C-"), "{number}");
    let (status, case) = detail(&app, &nick, &number).await;
    assert_eq!(status, 200);
    assert_eq!(case["subject"], "Printer on fire");
    assert_eq!(case["status"], "new");
    assert_eq!(case["description"], "<p>It <em>really</em> is.</p>\n");
    let list: Value = app
        .invoke(&nick, my_cases("printer"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["cases"][0]["number"], number.as_str());
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn bad_input_names_the_field_and_saves_nothing(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["nick@northwind.example"]).await;
    let nick = app.signed_in("nick@northwind.example").await;
    let category = category_id(&app).await;
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM cases")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let huge = "x".repeat(60_000);
    let cases = [
        ("subject", "   ", "text", category.as_str(), "normal"),
        ("description", "Subject", "", category.as_str(), "normal"),
        (
            "description",
            "Subject",
            huge.as_str(),
            category.as_str(),
            "normal",
        ),
        ("priority", "Subject", "text", category.as_str(), "urgent"),
        ("category_id", "Subject", "text", "999999", "normal"),
    ];
    for (field, subject, description, category, priority) in cases {
        // Raw: create_case takes multipart data (files), not typed arguments.
        let response = app
            .call(
                &nick,
                "create_case",
                &[
                    ("subject", subject),
                    ("description", description),
                    ("category_id", category),
                    ("priority", priority),
                ],
            )
            .await;
        assert_eq!(response.status(), 422, "{field}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["Invalid"]["field"], field);
    }
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM cases")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(before, after);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn another_organization_cannot_reach_a_case_by_number(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "olivia@northwind.example",
            "carla@acme.example",
            "nick@northwind.example",
        ],
    )
    .await;
    let olivia = app.signed_in("olivia@northwind.example").await;
    let number = open_case(&app, &olivia, "Northwind secret", "Only for Northwind.").await;
    let carla = app.signed_in("carla@acme.example").await;
    let messages = message_count(&app).await;

    let (status, body) = detail(&app, &carla, &number).await;
    assert_eq!(status, 404);
    assert!(!body.to_string().contains("Northwind secret"));
    let attempts = [
        (
            "reply_to_case",
            // Raw: reply_to_case takes multipart data (files), not typed arguments.
            app.call(
                &carla,
                "reply_to_case",
                &[("number", &number), ("body", "hi"), ("version", "1")],
            )
            .await,
        ),
        (
            "set_case_open",
            app.invoke(
                &carla,
                SetCaseOpen {
                    number: number.clone(),
                    open: false,
                },
            )
            .await,
        ),
        (
            "rate_case",
            app.invoke(
                &carla,
                RateCase {
                    number: number.clone(),
                    score: 1,
                    comment: String::new(),
                },
            )
            .await,
        ),
    ];
    for (name, response) in attempts {
        assert_eq!(response.status(), 404, "{name}");
    }
    assert_eq!(message_count(&app).await, messages, "nothing was written");
    let list: Value = app
        .invoke(&carla, my_cases("secret"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 0);

    // Within Northwind: a customer sees only their own cases, the customer admin all of them.
    let nick = app.signed_in("nick@northwind.example").await;
    assert_eq!(detail(&app, &nick, &number).await.0, 404);
    let nicks = open_case(&app, &nick, "Nick's own", "Mine.").await;
    assert_eq!(detail(&app, &olivia, &nicks).await.0, 200);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn internal_notes_never_reach_the_customer(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &["nick@northwind.example", "agent@rapport.example"],
    )
    .await;
    let nick = app.signed_in("nick@northwind.example").await;
    let number = open_case(&app, &nick, "Slow dashboard", "It takes ages.").await;
    let agent = app.signed_in("agent@rapport.example").await;
    // Raw: reply_to_case takes multipart data (files), not typed arguments.
    let note = app
        .call(
            &agent,
            "reply_to_case",
            &[
                ("number", &number),
                ("body", "Customer is on the old plan: zebra42"),
                ("version", "1"),
                ("internal", "on"),
            ],
        )
        .await;
    assert_eq!(note.status(), 200);
    let (_, agent_view) = detail(&app, &agent, &number).await;
    assert!(agent_view.to_string().contains("zebra42"));
    let (_, customer_view) = detail(&app, &nick, &number).await;
    assert!(
        !customer_view.to_string().contains("zebra42"),
        "{customer_view}"
    );
    let search: Value = app
        .invoke(&nick, my_cases("zebra42"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        search["total"], 0,
        "the list search does not look into notes"
    );
    // A customer cannot write notes or set a status.
    // Raw: reply_to_case takes multipart data (files), not typed arguments.
    let sneaky = app
        .call(
            &nick,
            "reply_to_case",
            &[
                ("number", &number),
                ("body", "x"),
                ("version", "2"),
                ("internal", "on"),
            ],
        )
        .await;
    assert_eq!(sneaky.status(), 403);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn replies_move_the_status_and_closed_cases_take_none(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &["nick@northwind.example", "agent@rapport.example"],
    )
    .await;
    let nick = app.signed_in("nick@northwind.example").await;
    let number = open_case(&app, &nick, "Need help", "Please.").await;
    let agent = app.signed_in("agent@rapport.example").await;
    // Raw: reply_to_case takes multipart data (files), not typed arguments.
    let asked = app
        .call(
            &agent,
            "reply_to_case",
            &[
                ("number", &number),
                ("body", "Which version?"),
                ("version", "1"),
                ("status", "pending"),
            ],
        )
        .await;
    assert_eq!(asked.status(), 200);
    assert_eq!(detail(&app, &nick, &number).await.1["status"], "pending");

    // Raw: reply_to_case takes multipart data (files), not typed arguments.
    let answered = app
        .call(
            &nick,
            "reply_to_case",
            &[("number", &number), ("body", "Version 3"), ("version", "0")],
        )
        .await;
    assert_eq!(answered.status(), 200);
    let (_, case) = detail(&app, &agent, &number).await;
    assert_eq!(
        case["status"], "open",
        "a customer reply reopens a pending case"
    );

    let closed = app
        .invoke(
            &nick,
            SetCaseOpen {
                number: number.clone(),
                open: false,
            },
        )
        .await;
    assert_eq!(closed.status(), 200);
    // Raw: reply_to_case takes multipart data (files), not typed arguments.
    let late = app
        .call(
            &nick,
            "reply_to_case",
            &[
                ("number", &number),
                ("body", "One more thing"),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(late.status(), 422);
    let body: Value = late.json().await.unwrap();
    assert_eq!(body["Invalid"]["field"], "body");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_stale_change_is_refused_and_nothing_is_lost(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "nick@northwind.example",
            "agent@rapport.example",
            "admin@rapport.example",
        ],
    )
    .await;
    let nick = app.signed_in("nick@northwind.example").await;
    let number = open_case(&app, &nick, "Race", "Two agents.").await;
    let agent = app.signed_in("agent@rapport.example").await;
    let admin = app.signed_in("admin@rapport.example").await;
    let (_, case) = detail(&app, &agent, &number).await;
    let version = case["version"].to_string();
    let category = case["category_id"].as_i64().unwrap();

    // A change of status and priority, against the version both agents saw.
    let change = |client: &Client, status: &'static str, priority: &'static str| {
        let change = UpdateCase {
            number: number.clone(),
            version: version.parse().unwrap(),
            status: status.to_string(),
            priority: priority.to_string(),
            category_id: category,
            assignee_id: String::new(),
            tags: None,
        };
        let (app, client) = (&app, client.clone());
        async move { app.invoke(&client, change).await }
    };
    let conflict = |response: reqwest::Response| async move {
        assert_eq!(response.status(), 409);
        let message: Value = response.json().await.unwrap();
        message["Conflict"].as_str().unwrap().to_string()
    };
    assert_eq!(change(&admin, "open", "high").await.status(), 200);
    let message = conflict(change(&agent, "solved", "low").await).await;
    assert!(
        message.starts_with("Someone else changed this case while you were working on it: since you opened it, Ada Admin changed status from New to Open; Ada Admin changed priority from Normal to High.")
            && message.contains("Nothing of yours was saved"),
        "the refusal says what changed, and by whom: {message}"
    );
    // Nick's reply since then is named too; nothing from before the agent's version is.
    // Raw: reply_to_case takes multipart data (files), not typed arguments.
    let replied = app
        .call(
            &nick,
            "reply_to_case",
            &[("number", &number), ("body", "Any news?"), ("version", "1")],
        )
        .await;
    assert_eq!(replied.status(), 200);
    let message = conflict(change(&agent, "solved", "low").await).await;
    assert!(
        message.contains("changed priority from Normal to High; Nick Northwind replied."),
        "{message}"
    );
    // A reply that sets a status decided on the stale view is refused whole.
    // Raw: reply_to_case takes multipart data (files), not typed arguments.
    let stale_reply = app
        .call(
            &agent,
            "reply_to_case",
            &[
                ("number", &number),
                ("body", "My answer"),
                ("version", &version),
                ("status", "solved"),
            ],
        )
        .await;
    assert_eq!(stale_reply.status(), 409);

    let (_, case) = detail(&app, &agent, &number).await;
    assert_eq!(case["priority"], "high", "the first change stands");
    assert_eq!(case["status"], "open");
    let history = case["thread"].to_string();
    assert!(
        history.contains("changed priority from Normal to High"),
        "{history}"
    );
    assert!(!history.contains("My answer"));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn hostile_markdown_is_sanitised_in_the_thread(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["nick@northwind.example"]).await;
    let nick = app.signed_in("nick@northwind.example").await;
    let number = open_case(
        &app,
        &nick,
        "</title><script>alert(1)</script>",
        "<img src=x onerror=alert(1)> [x](javascript:alert(1))",
    )
    .await;
    let (_, case) = detail(&app, &nick, &number).await;
    let description = case["description"].as_str().unwrap();
    assert!(
        !description.contains("onerror") && !description.contains("javascript:"),
        "{description}"
    );
    // The subject is plain text: kept as typed, and escaped on the page.
    assert_eq!(case["subject"], "</title><script>alert(1)</script>");
    let page = common::page_text(&nick, &app.url(&format!("/cases/{number}"))).await;
    if let Some(at) = page.find("<script>alert(1)</script>") {
        panic!(
            "raw script in the page: {}",
            &page[at.saturating_sub(120)..(at + 200).min(page.len())]
        );
    }
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_requester_rates_a_solved_case_once(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "nick@northwind.example",
            "agent@rapport.example",
            "olivia@northwind.example",
        ],
    )
    .await;
    let nick = app.signed_in("nick@northwind.example").await;
    let number = open_case(&app, &nick, "Rate me", "Please.").await;
    let early = app
        .invoke(
            &nick,
            RateCase {
                number: number.clone(),
                score: 5,
                comment: "".to_string(),
            },
        )
        .await;
    assert_eq!(early.status(), 422, "not solved yet");
    let agent = app.signed_in("agent@rapport.example").await;
    // Raw: reply_to_case takes multipart data (files), not typed arguments.
    app.call(
        &agent,
        "reply_to_case",
        &[
            ("number", &number),
            ("body", "Done."),
            ("version", "1"),
            ("status", "solved"),
        ],
    )
    .await;
    let olivia = app.signed_in("olivia@northwind.example").await;
    let not_requester = app
        .invoke(
            &olivia,
            RateCase {
                number: number.clone(),
                score: 1,
                comment: "".to_string(),
            },
        )
        .await;
    assert_eq!(not_requester.status(), 403);
    let rated = app
        .invoke(
            &nick,
            RateCase {
                number: number.clone(),
                score: 4,
                comment: "Fast".to_string(),
            },
        )
        .await;
    assert_eq!(rated.status(), 200);
    let again = app
        .invoke(
            &nick,
            RateCase {
                number: number.clone(),
                score: 1,
                comment: "".to_string(),
            },
        )
        .await;
    assert_eq!(again.status(), 409);
    let (_, case) = detail(&app, &nick, &number).await;
    assert_eq!(case["rating"], serde_json::json!([4, "Fast"]));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn agents_see_queues_with_their_sizes(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["carla@acme.example", "agent@rapport.example"]).await;
    let carla = app.signed_in("carla@acme.example").await;
    let number = open_case(&app, &carla, "Queue me", "New one.").await;
    let agent = app.signed_in("agent@rapport.example").await;
    let queue: Value = app
        .invoke(&agent, unfiltered_queue("unassigned"))
        .await
        .json()
        .await
        .unwrap();
    let numbers: Vec<&str> = queue["list"]["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["number"].as_str().unwrap())
        .collect();
    assert!(numbers.contains(&number.as_str()));
    assert_eq!(queue["sizes"]["unassigned"], queue["list"]["total"]);
    let unknown = app.invoke(&agent, unfiltered_queue("everything")).await;
    assert_eq!(unknown.status(), 422);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn case_mails_reach_the_requester_and_the_assignee_and_name_the_writer(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "nick@northwind.example",
            "agent@rapport.example",
            "admin@rapport.example",
        ],
    )
    .await;
    // Only this test's case, whatever else may be sending mail.
    let mails_to = |address: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_as::<_, (String, String)>(
                "SELECT subject, body FROM outbound_mails
                 WHERE to_address LIKE '%' || $1 || '>' AND subject LIKE '%Label printer offline'
                 ORDER BY id",
            )
            .bind(address)
            .fetch_all(&pool)
            .await
            .unwrap()
        }
    };
    let nick = app.signed_in("nick@northwind.example").await;
    let number = open_case(&app, &nick, "Label printer offline", "It stopped at noon.").await;
    let to_nick = mails_to("nick@northwind.example").await;
    assert_eq!(to_nick.len(), 1, "{to_nick:?}");
    assert_eq!(to_nick[0].0, format!("[{number}] Label printer offline"));
    assert!(
        to_nick[0].1.contains("We received your case"),
        "{}",
        to_nick[0].1
    );

    // The agent takes it; another staff member (the admin) answers it.
    let agent = app.signed_in("agent@rapport.example").await;
    let (_, case) = detail(&app, &agent, &number).await;
    let agent_id: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'agent@rapport.example'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let taken = app
        .invoke(
            &agent,
            UpdateCase {
                number: number.clone(),
                version: case["version"].as_i64().unwrap() as i32,
                status: "open".to_string(),
                priority: "normal".to_string(),
                category_id: case["category_id"].as_i64().unwrap(),
                assignee_id: agent_id.to_string(),
                tags: None,
            },
        )
        .await;
    assert_eq!(taken.status(), 200);
    let admin = app.signed_in("admin@rapport.example").await;
    let (_, case) = detail(&app, &admin, &number).await;
    // Raw: reply_to_case takes multipart data (files), not typed arguments.
    let answered = app
        .call(
            &admin,
            "reply_to_case",
            &[
                ("number", &number),
                ("body", "Please restart it."),
                ("version", &case["version"].to_string()),
            ],
        )
        .await;
    assert_eq!(answered.status(), 200);
    let reply = mails_to("nick@northwind.example")
        .await
        .into_iter()
        .find(|(_, body)| body.contains("New reply from support"))
        .expect("the requester is told of the reply");
    assert!(
        reply.1.contains("\nAda Admin wrote on case"),
        "the mail names who wrote the reply, not the assignee: {}",
        reply.1
    );
    assert!(!reply.1.contains("Sam Agent wrote"));

    // The customer answers: the assignee hears of it.
    let before = mails_to("agent@rapport.example").await.len();
    let (_, case) = detail(&app, &nick, &number).await;
    // Raw: reply_to_case takes multipart data (files), not typed arguments.
    let answered = app
        .call(
            &nick,
            "reply_to_case",
            &[
                ("number", &number),
                ("body", "Restarted, it works."),
                ("version", &case["version"].to_string()),
            ],
        )
        .await;
    assert_eq!(answered.status(), 200);
    let to_agent = mails_to("agent@rapport.example").await;
    assert_eq!(to_agent.len(), before + 1, "{to_agent:?}");
    let (_, body) = to_agent.last().unwrap();
    assert!(body.contains("Nick Northwind replied"), "{body}");
    assert!(body.contains("Restarted, it works."));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn case_times_are_shown_in_the_readers_time_zone(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &["nick@northwind.example", "agent@rapport.example"],
    )
    .await;
    let nick = app.signed_in("nick@northwind.example").await;
    let number = open_case(&app, &nick, "Clock check", "What time is it?").await;
    let created = |case: &Value| case["created"].as_str().unwrap().to_string();
    // No zone chosen and none from the browser: UTC.
    let (status, case) = detail(&app, &nick, &number).await;
    assert_eq!(status, 200, "{case}");
    assert!(created(&case).ends_with(" UTC"), "{}", created(&case));
    // The account's zone wins.
    sqlx::query("UPDATE users SET time_zone = 'Asia/Tokyo' WHERE email = 'nick@northwind.example'")
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, case) = detail(&app, &nick, &number).await;
    assert!(created(&case).ends_with(" JST"), "{}", created(&case));
    let list: Value = app.invoke(&nick, my_cases("")).await.json().await.unwrap();
    assert!(
        list["cases"][0]["updated"]
            .as_str()
            .is_some_and(|at| at.ends_with(" JST")),
        "{list}"
    );
    // Someone else, without a zone of their own, reads the browser's.
    let agent = app.bare();
    let signed = app
        .sign_in(&agent, "agent@rapport.example", "rapport-demo")
        .await;
    let session = common::cookie_pair(signed.headers()["set-cookie"].to_str().unwrap());
    let case: Value = agent
        .post(app.url("/api/case_detail"))
        .header("accept", "application/json")
        .header("cookie", format!("{session}; tz=America%2FNew_York"))
        .form(&[("number", number.as_str())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let at = created(&case);
    assert!(at.ends_with(" EST") || at.ends_with(" EDT"), "{at}");
}
