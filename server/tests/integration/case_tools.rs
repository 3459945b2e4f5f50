//! HTTP tests of the agents' case tools: tags, queue filters, canned replies,
//! merging, bulk changes, presence and the SLA clock, each with the people who
//! must not use them.

use crate::common::{self, fixtures, TestApp};
use app::api::canned::{CannedReplies, CannedReplyText, DeleteCannedReply, SaveCannedReply};
use app::api::cases::{
    BulkUpdateCases, CaseDetail, CasePresence, CaseQueue, MergeCase, MyCases, RateCase,
    SetCaseOpen, UpdateCase,
};
use leptos::server_fn::serde::Serialize;
use leptos::server_fn::ServerFn;
use reqwest::Response;
use serde_json::Value;
use sqlx::PgPool;

/// The number (C-…) of a demo case found by its subject.
async fn case_number(app: &TestApp, subject: &str) -> String {
    let n: i64 =
        sqlx::query_scalar("SELECT number FROM cases WHERE subject = $1 ORDER BY id LIMIT 1")
            .bind(subject)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    format!("C-{n}")
}

// The demo's cases these tests read, each written alone by a fixture: the
// same subject, people, state and the lines of the thread the tests look for.
// Their people must exist first (`fixtures::people`).

const AGENT: &str = "agent@rapport.example";

/// Nick's open, high-priority case, Sam's, with a reply of Nick's in the thread.
async fn export_case(app: &TestApp) {
    fixtures::case("nick@northwind.example", "Cannot export the monthly report to CSV")
        .description("When I click **Export → CSV** on the monthly report nothing happens. It worked last month.\n\nBrowser: Firefox 128.")
        .priority("high")
        .status("open")
        .assignee(AGENT)
        .message(AGENT, "Thanks Nick. Could you tell me roughly how many rows the report has? Very large exports run in the background.")
        .message("nick@northwind.example", "About 40,000 rows.")
        .note(AGENT, "Reproduced with 40k rows: the export job times out. Raised with engineering.")
        .tags(&["export", "reports"])
        .insert(&app.pool)
        .await;
}

/// Nick's closed feature request, answered by Sam.
async fn dark_mode_case(app: &TestApp) {
    fixtures::case("nick@northwind.example", "Feature request: dark mode")
        .description("Would it be possible to have a dark theme? Our support desk works late.")
        .category("Other")
        .priority("low")
        .status("closed")
        .assignee(AGENT)
        .message(
            AGENT,
            "Thank you for the suggestion, we have passed it to the product team.",
        )
        .insert(&app.pool)
        .await;
}

/// Greta's urgent open case, Sam's.
async fn password_reset_case(app: &TestApp) {
    fixtures::case("greta@globex.example", "Password reset e-mail never arrives")
        .description("I asked for a password reset three times and no e-mail arrived, not even in the spam folder.")
        .category("Account and access")
        .priority("urgent")
        .status("open")
        .assignee(AGENT)
        .note(AGENT, "Their mail server rejects our sender domain; checking SPF with the customer's IT.")
        .message(AGENT, "We are looking into it: your mail server seems to refuse our messages. Could your IT team check that mail from rapport.example is allowed?")
        .tags(&["e-mail", "sign-in"])
        .insert(&app.pool)
        .await;
}

/// Carla's new case, nobody's yet (Acme).
async fn late_delivery_case(app: &TestApp) {
    fixtures::case("carla@acme.example", "Delivery of our last order is late")
        .description("The order we placed two weeks ago has still not arrived. The tracking page has not changed for five days.")
        .category("Orders and delivery")
        .priority("high")
        .tags(&["delivery"])
        .insert(&app.pool)
        .await;
}

/// Greta's new case, nobody's yet.
async fn training_calendar_case(app: &TestApp) {
    fixtures::case(
        "greta@globex.example",
        "Where do I find the training calendar?",
    )
    .description("Our new team members would like to join a workshop. Where can we see the dates?")
    .category("Getting started")
    .insert(&app.pool)
    .await;
}

/// Carla's case on hold, Sam's.
async fn uploads_case(app: &TestApp) {
    fixtures::case("carla@acme.example", "Uploads over 10 MB fail")
        .description("Uploading our product catalogue (12 MB) ends with an error after a minute.")
        .status("on_hold")
        .assignee(AGENT)
        .note(AGENT, "Waiting for the storage team to raise the limit.")
        .message(
            AGENT,
            "We are waiting for a change on our side and will come back to you this week.",
        )
        .insert(&app.pool)
        .await;
}

/// Olivia's case waiting for her answer, Sam's.
async fn vat_case(app: &TestApp) {
    fixtures::case("olivia@northwind.example", "Invoice shows the wrong VAT rate")
        .description("Our last invoice charges 20% VAT, but we are VAT-registered in Ireland and should be reverse-charged.")
        .category("Invoices and payment")
        .status("pending")
        .assignee(AGENT)
        .message(AGENT, "Hello Olivia, could you send us your VAT number so we can correct the invoice?")
        .insert(&app.pool)
        .await;
}

async fn version_of(app: &TestApp, number: &str) -> i32 {
    let n: i64 = number.trim_start_matches("C-").parse().unwrap();
    sqlx::query_scalar("SELECT version FROM cases WHERE number = $1")
        .bind(n)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// A case as `client` reads it; `canned` fills the reply form with that canned reply.
async fn detail(
    app: &TestApp,
    client: &reqwest::Client,
    number: &str,
    canned: Option<i64>,
) -> (u16, Value) {
    let number = number.to_string();
    let response = app.invoke(client, CaseDetail { number, canned }).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The open queue, first page, without filters: the base the tests change
/// (`CaseQueue { tag: "spf".into(), ..open_queue() }`).
fn open_queue() -> CaseQueue {
    CaseQueue {
        slice: Default::default(),
        queue: "open".into(),
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

async fn queue(app: &TestApp, client: &reqwest::Client, filters: CaseQueue) -> (u16, Value) {
    let response = app.invoke(client, filters).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Post an already encoded form (for repeated names like `numbers[]`).
async fn post_encoded(
    app: &TestApp,
    client: &reqwest::Client,
    name: &str,
    body: String,
) -> reqwest::Response {
    client
        .post(app.url(&format!("/api/{name}")))
        .header("accept", "application/json")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap()
}

fn numbers(page: &Value) -> Vec<String> {
    page["list"]["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["number"].as_str().unwrap().to_string())
        .collect()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn agents_tag_cases_and_filter_the_queue_by_tag(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &["agent@rapport.example", "greta@globex.example"],
    )
    .await;
    password_reset_case(&app).await;
    let agent = app.signed_in("agent@rapport.example").await;
    let number = case_number(&app, "Password reset e-mail never arrives").await;
    let (_, case) = detail(&app, &agent, &number, None).await;
    let category = case["category_id"].as_i64().unwrap();
    let version = version_of(&app, &number).await;
    let update = |tags: &'static str, version: i32| {
        let change = UpdateCase {
            number: number.clone(),
            version,
            status: "open".into(),
            priority: "urgent".into(),
            category_id: category,
            assignee_id: String::new(),
            tags: Some(tags.into()),
        };
        let (app, agent) = (&app, &agent);
        async move { app.invoke(agent, change).await }
    };
    // A bad tag names the field and changes nothing.
    let refused = update("spf, not a <tag>", version).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("not a <tag>"));
    assert_eq!(version_of(&app, &number).await, version);

    let saved = update("SPF, Mail Delivery, spf", version).await;
    assert_eq!(saved.status(), 200, "{:?}", saved.text().await);
    let (_, case) = detail(&app, &agent, &number, None).await;
    assert_eq!(case["tags"], serde_json::json!(["mail-delivery", "spf"]));
    let events: i64 = sqlx::query_scalar("SELECT count(*) FROM case_events WHERE field = 'tags'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(events, 1);

    let (status, page) = queue(
        &app,
        &agent,
        CaseQueue {
            slice: Default::default(),
            tag: "spf".into(),
            ..open_queue()
        },
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(numbers(&page), vec![number.clone()]);
    assert_eq!(
        page["list"]["cases"][0]["tags"],
        serde_json::json!(["mail-delivery", "spf"])
    );
    let (_, page) = queue(
        &app,
        &agent,
        CaseQueue {
            slice: Default::default(),
            tag: "no-such-tag".into(),
            ..open_queue()
        },
    )
    .await;
    assert_eq!(page["list"]["total"], 0);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_queue_filters_sorts_and_counts_breaches(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let agent = app.signed_in("agent@rapport.example").await;
    // Filter by organization: only that organization's cases.
    let acme: i64 = sqlx::query_scalar("SELECT id FROM organizations WHERE name = 'Acme Robotics'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (status, page) = queue(
        &app,
        &agent,
        CaseQueue {
            slice: Default::default(),
            organization: acme.to_string(),
            ..open_queue()
        },
    )
    .await;
    assert_eq!(status, 200);
    for case in page["list"]["cases"].as_array().unwrap() {
        assert_eq!(case["organization"], "Acme Robotics");
    }
    // Priority order: urgent first.
    let (_, page) = queue(
        &app,
        &agent,
        CaseQueue {
            slice: Default::default(),
            sort: "priority".into(),
            ..open_queue()
        },
    )
    .await;
    assert_eq!(page["list"]["cases"][0]["priority"], "urgent");
    // The breaching queue holds exactly the active cases past a deadline, and its size says so.
    let expected: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM cases WHERE status IN ('new','open','on_hold')
           AND (resolution_due_at < now() OR (first_response_at IS NULL AND first_response_due_at < now()))",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(expected > 0, "the demo has breached cases");
    let (_, page) = queue(
        &app,
        &agent,
        CaseQueue {
            slice: Default::default(),
            queue: "breaching".into(),
            ..open_queue()
        },
    )
    .await;
    assert_eq!(page["sizes"]["breaching"], expected);
    assert_eq!(page["list"]["total"], expected);
    assert!(page["list"]["cases"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["breached"] == true));
    // Unknown values are named.
    let (status, body) = queue(
        &app,
        &agent,
        CaseQueue {
            slice: Default::default(),
            sort: "random".into(),
            ..open_queue()
        },
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["Invalid"]["field"], "sort");
    // Customers have no queue.
    let nick = app.signed_in("nick@northwind.example").await;
    let (status, _) = queue(&app, &nick, open_queue()).await;
    assert_eq!(status, 403);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_queue_puts_breaching_cases_first_unless_another_order_is_picked(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &["agent@rapport.example", "nick@northwind.example"],
    )
    .await;
    let nick = "nick@northwind.example";
    let mut cases = Vec::new();
    for subject in [
        "Due later",
        "Breached",
        "No deadline",
        "Due soon",
        "Breached long ago",
    ] {
        cases.push(
            fixtures::case(nick, subject)
                .status("open")
                .insert(&app.pool)
                .await
                .number,
        );
    }
    let [later, breached, no_deadline, soon, long_ago] = cases.try_into().unwrap();
    // The case without a deadline had the latest activity, the one due later the oldest.
    fixtures::set_clock(&app.pool, &later, Some(300), 50).await;
    fixtures::set_clock(&app.pool, &breached, Some(-10), 30).await;
    fixtures::set_clock(&app.pool, &no_deadline, None, 1).await;
    fixtures::set_clock(&app.pool, &soon, Some(20), 40).await;
    fixtures::set_clock(&app.pool, &long_ago, Some(-600), 20).await;
    let agent = app.signed_in("agent@rapport.example").await;

    // No order picked: breached (the longest overdue first), then due soonest,
    // then the rest by latest activity.
    let (status, page) = queue(&app, &agent, open_queue()).await;
    assert_eq!(status, 200);
    assert_eq!(
        numbers(&page),
        [
            long_ago.clone(),
            breached.clone(),
            soon.clone(),
            later.clone(),
            no_deadline.clone()
        ]
    );
    assert_eq!(page["list"]["cases"][0]["breached"], true);
    // The orders an agent picks still hold.
    let sorted = |sort: &str| CaseQueue {
        slice: Default::default(),
        sort: sort.into(),
        ..open_queue()
    };
    let (_, page) = queue(&app, &agent, sorted("updated")).await;
    assert_eq!(
        numbers(&page),
        [
            no_deadline.clone(),
            long_ago.clone(),
            breached.clone(),
            soon.clone(),
            later.clone()
        ]
    );
    let (_, page) = queue(&app, &agent, sorted("oldest")).await;
    assert_eq!(numbers(&page)[0], later);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn canned_replies_are_managed_by_agents_and_filled_in_for_the_case(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &["agent@rapport.example", "nick@northwind.example"],
    )
    .await;
    export_case(&app).await;
    let agent = app.signed_in("agent@rapport.example").await;
    let saved = app
        .invoke(
            &agent,
            SaveCannedReply {
                id: String::new(),
                title: "Greeting".into(),
                body: "Hi {{customer_first_name}}, about {{case_number}}: {{agent_name}}".into(),
            },
        )
        .await;
    assert_eq!(saved.status(), 200);
    let added_at = common::location(&saved);
    // The same title twice is refused with the field named.
    let twice = app
        .invoke(
            &agent,
            SaveCannedReply {
                id: String::new(),
                title: "Greeting".into(),
                body: "x".into(),
            },
        )
        .await;
    assert_eq!(twice.status(), 422);
    let body: Value = twice.json().await.unwrap();
    assert_eq!(body["Invalid"]["field"], "title");

    let id: i64 = sqlx::query_scalar("SELECT id FROM canned_replies WHERE title = 'Greeting'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    // The library comes back saying what was done.
    assert_eq!(added_at, format!("/canned-replies?added={id}"));
    let page = common::page_text(&agent, &app.url(&added_at)).await;
    assert!(
        page.contains("Added the canned reply “Greeting”."),
        "{page}"
    );
    let number = case_number(&app, "Cannot export the monthly report to CSV").await;
    let (status, case) = detail(&app, &agent, &number, Some(id)).await;
    assert_eq!(status, 200);
    assert_eq!(
        case["staff"]["reply_draft"],
        format!("Hi Nick, about {number}: Sam Agent")
    );

    // Customers can neither read the library nor use it on their case.
    let nick = app.signed_in("nick@northwind.example").await;
    assert_eq!(app.invoke(&nick, CannedReplies {}).await.status(), 403);
    assert_eq!(
        app.invoke(
            &nick,
            SaveCannedReply {
                id: String::new(),
                title: "Mine".into(),
                body: "x".into(),
            },
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        app.invoke(&nick, DeleteCannedReply { id }).await.status(),
        403
    );
    let (_, case) = detail(&app, &nick, &number, Some(id)).await;
    // No staff part at all for a customer, so no reply draft in it.
    assert_eq!(case["staff"], Value::Null);

    let removed = app.invoke(&agent, DeleteCannedReply { id }).await;
    assert_eq!(removed.status(), 200);
    let page = common::page_text(&agent, &app.url(&common::location(&removed))).await;
    assert!(page.contains("The canned reply is removed."), "{page}");
    let left: i64 =
        sqlx::query_scalar("SELECT count(*) FROM canned_replies WHERE title = 'Greeting'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(left, 0);
}

/// A merge posts notices in both threads, but nobody answered the customer:
/// the survivor must not count it as its first response, nor as the last reply.
#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_merge_is_not_a_first_response(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &[AGENT, "nick@northwind.example"]).await;
    let survivor = fixtures::case("nick@northwind.example", "Scanner offline")
        .status("new")
        .insert(&app.pool)
        .await;
    let duplicate = fixtures::case("nick@northwind.example", "Scanner offline again")
        .status("new")
        .insert(&app.pool)
        .await;
    let agent = app.signed_in(AGENT).await;
    let merged = app
        .invoke(
            &agent,
            MergeCase {
                number: duplicate.number.clone(),
                version: version_of(&app, &duplicate.number).await,
                into: survivor.number.clone(),
                confirm: Some("on".into()),
            },
        )
        .await;
    assert_eq!(merged.status(), 200, "{:?}", merged.text().await);
    let (first_response, last_speaker): (Option<time::OffsetDateTime>, Option<String>) =
        sqlx::query_as("SELECT first_response_at, last_speaker FROM cases WHERE number = $1")
            .bind(
                survivor
                    .number
                    .trim_start_matches("C-")
                    .parse::<i64>()
                    .unwrap(),
            )
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(first_response, None, "a merge is not an answer");
    assert_ne!(last_speaker.as_deref(), Some("agent"));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_duplicate_is_merged_and_the_customer_is_told(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "agent@rapport.example",
            "nick@northwind.example",
            "carla@acme.example",
        ],
    )
    .await;
    dark_mode_case(&app).await;
    export_case(&app).await;
    late_delivery_case(&app).await;
    let agent = app.signed_in("agent@rapport.example").await;
    let source = case_number(&app, "Feature request: dark mode").await; // Nick, closed
    let target = case_number(&app, "Cannot export the monthly report to CSV").await; // Nick, open
    let other = case_number(&app, "Delivery of our last order is late").await; // Carla (Acme)
                                                                               // Another requester's case: refused, named, nothing moved.
    let refused = app
        .invoke(
            &agent,
            MergeCase {
                number: target.clone(),
                version: version_of(&app, &target).await,
                into: other.clone(),
                confirm: Some("on".into()),
            },
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("same requester"));

    let messages_before: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM case_messages m JOIN cases c ON c.id = m.case_id WHERE c.subject = 'Feature request: dark mode'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(messages_before > 0);
    // Not confirmed: refused, naming the box, and nothing moves.
    let unconfirmed = app
        .invoke(
            &agent,
            MergeCase {
                number: source.clone(),
                version: version_of(&app, &source).await,
                into: target.clone(),
                confirm: None,
            },
        )
        .await;
    assert_eq!(unconfirmed.status(), 422);
    assert!(unconfirmed.text().await.unwrap().contains("confirm"));
    let merged = app
        .invoke(
            &agent,
            MergeCase {
                number: source.clone(),
                version: version_of(&app, &source).await,
                into: target.clone(),
                confirm: Some("on".into()),
            },
        )
        .await;
    assert_eq!(merged.status(), 200, "{:?}", merged.text().await);
    assert_eq!(
        merged.headers()["location"],
        format!("/cases/{target}").as_str()
    );
    // The moved messages arrived with the merge: they carry the survivor's
    // version, so a stale change there names them.
    // (Its messages, the duplicate's description and the merge notice.)
    let arrived: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM case_messages m JOIN cases c ON c.id = m.case_id
         WHERE c.number = $1 AND m.version = c.version",
    )
    .bind(target.trim_start_matches("C-").parse::<i64>().unwrap())
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(arrived, messages_before + 2);

    // The customer sees the old thread inside the survivor, and a pointer on the duplicate.
    let nick = app.signed_in("nick@northwind.example").await;
    let (_, survivor) = detail(&app, &nick, &target, None).await;
    let text = survivor["thread"].to_string();
    assert!(text.contains("dark theme"), "moved thread: {text}");
    assert!(text.contains(&format!("Case {source}")), "{text}");
    let (_, duplicate) = detail(&app, &nick, &source, None).await;
    assert_eq!(duplicate["merged_into"], target.as_str());
    // Staff read the merge in the history of both cases, in words.
    let (_, history) = detail(&app, &agent, &target, None).await;
    assert!(history["thread"]
        .to_string()
        .contains(&format!("merged {source} into this case")));
    assert_eq!(duplicate["status"], "closed");
    // Merging it again is refused.
    let again = app
        .invoke(
            &agent,
            MergeCase {
                number: source.clone(),
                version: version_of(&app, &source).await,
                into: target.clone(),
                confirm: Some("on".into()),
            },
        )
        .await;
    assert_eq!(again.status(), 422);
    // Customers cannot merge.
    let by_customer = app
        .invoke(
            &nick,
            MergeCase {
                number: target.clone(),
                version: 1,
                into: source.clone(),
                confirm: Some("on".into()),
            },
        )
        .await;
    assert_eq!(by_customer.status(), 403);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn bulk_changes_apply_to_every_ticked_case_or_none(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "agent@rapport.example",
            "nick@northwind.example",
            "carla@acme.example",
            "greta@globex.example",
        ],
    )
    .await;
    late_delivery_case(&app).await;
    training_calendar_case(&app).await;
    let agent = app.signed_in("agent@rapport.example").await;
    let a = case_number(&app, "Delivery of our last order is late").await;
    let b = case_number(&app, "Where do I find the training calendar?").await;
    // Raw: the ticked boxes as the queue page's form posts them (`numbers[]`, not indexed).
    let body = format!(
        "numbers%5B%5D={a}&numbers%5B%5D={b}&assignee_id=me&status=open&back=%2Fqueue%3Fqueue%3Dunassigned"
    );
    let response = post_encoded(&app, &agent, "bulk_update_cases", body).await;
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
    // Back to the same queue, with what was done for the page to say.
    assert_eq!(
        response.headers()["location"],
        format!("/queue?queue=unassigned&changed={a}%2C{b}&assigned=me&set=open").as_str()
    );
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT c.status, u.email FROM cases c LEFT JOIN users u ON u.id = c.assignee_id
         WHERE c.subject IN ('Delivery of our last order is late', 'Where do I find the training calendar?')",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(rows.len(), 2);
    for (status, assignee) in rows {
        assert_eq!(status, "open");
        assert_eq!(assignee.as_deref(), Some("agent@rapport.example"));
    }
    // One unknown number: nothing changes.
    let before: i64 = sqlx::query_scalar("SELECT sum(version) FROM cases")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let response = app
        .invoke(
            &agent,
            BulkUpdateCases {
                numbers: Some(vec![a.clone(), "C-999999".into()]),
                assignee_id: "none".into(),
                status: String::new(),
                back: "/queue".into(),
            },
        )
        .await;
    assert_eq!(response.status(), 422);
    let refusal: Value = response.json().await.unwrap();
    assert_eq!(refusal["Invalid"]["field"], "numbers");
    assert!(refusal["Invalid"]["message"]
        .as_str()
        .unwrap()
        .starts_with("There is no case C-999999."));
    let after: i64 = sqlx::query_scalar("SELECT sum(version) FROM cases")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(before, after);
    // Nothing ticked: the message says what to do.
    let response = app
        .invoke(
            &agent,
            BulkUpdateCases {
                numbers: None,
                assignee_id: "me".into(),
                status: String::new(),
                back: "/queue".into(),
            },
        )
        .await;
    assert_eq!(response.status(), 422);
    // Customers cannot.
    let nick = app.signed_in("nick@northwind.example").await;
    let response = app
        .invoke(
            &nick,
            BulkUpdateCases {
                numbers: None,
                assignee_id: "none".into(),
                status: "closed".into(),
                back: "/queue".into(),
            },
        )
        .await;
    assert_eq!(response.status(), 403);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn agents_on_the_same_case_see_each_other(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "agent@rapport.example",
            "admin@rapport.example",
            "carla@acme.example",
        ],
    )
    .await;
    uploads_case(&app).await;
    let agent = app.signed_in("agent@rapport.example").await;
    let admin = app.signed_in("admin@rapport.example").await;
    let number = case_number(&app, "Uploads over 10 MB fail").await;
    let first: Vec<String> = app
        .invoke(
            &agent,
            CasePresence {
                number: number.clone(),
            },
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(first.is_empty());
    let second: Vec<String> = app
        .invoke(
            &admin,
            CasePresence {
                number: number.clone(),
            },
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second, vec!["Sam Agent".to_string()]);
    let again: Vec<String> = app
        .invoke(
            &agent,
            CasePresence {
                number: number.clone(),
            },
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again, vec!["Ada Admin".to_string()]);
    // Customers are not part of this, not even on their own case.
    let carla = app.signed_in("carla@acme.example").await;
    assert_eq!(
        app.invoke(
            &carla,
            CasePresence {
                number: number.clone(),
            },
        )
        .await
        .status(),
        403
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_resolution_clock_stops_while_waiting_for_the_customer(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["agent@rapport.example", "carla@acme.example"]).await;
    uploads_case(&app).await;
    let agent = app.signed_in("agent@rapport.example").await;
    let number = case_number(&app, "Uploads over 10 MB fail").await;
    let n: i64 = number.trim_start_matches("C-").parse().unwrap();
    let due = || async {
        sqlx::query_as::<_, (Option<time::OffsetDateTime>, Option<time::OffsetDateTime>)>(
            "SELECT resolution_due_at, sla_paused_at FROM cases WHERE number = $1",
        )
        .bind(n)
        .fetch_one(&app.pool)
        .await
        .unwrap()
    };
    let (before, paused) = due().await;
    assert!(before.is_some() && paused.is_none());
    let reply = |status: &'static str, version: String| {
        let (app, agent, number) = (&app, &agent, number.clone());
        async move {
            // Raw: reply_to_case takes multipart data (files), not typed arguments.
            app.call(
                agent,
                "reply_to_case",
                &[
                    ("number", &number),
                    ("body", "Update"),
                    ("version", &version),
                    ("status", status),
                ],
            )
            .await
        }
    };
    assert_eq!(
        reply("pending", version_of(&app, &number).await.to_string())
            .await
            .status(),
        200
    );
    let (_, paused) = due().await;
    assert!(
        paused.is_some(),
        "waiting for the customer pauses the clock"
    );
    // Pretend the case waited two weeks: the deadline moves on by the business time waited.
    sqlx::query(
        "UPDATE cases SET sla_paused_at = sla_paused_at - interval '14 days' WHERE number = $1",
    )
    .bind(n)
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        reply("open", version_of(&app, &number).await.to_string())
            .await
            .status(),
        200
    );
    let (after, paused) = due().await;
    assert!(paused.is_none());
    let moved = after.unwrap() - before.unwrap();
    // Two weeks hold ten working days of 8 hours (the default calendar, no
    // holidays): the deadline moves two weeks on, give or take a second.
    assert!(
        (moved.whole_seconds() - 14 * 24 * 3600).abs() <= 2,
        "moved by {moved}"
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn public_replies_and_status_changes_mail_the_customer_and_notes_never_do(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &["agent@rapport.example", "nick@northwind.example"],
    )
    .await;
    export_case(&app).await;
    let agent = app.signed_in("agent@rapport.example").await;
    let number = case_number(&app, "Cannot export the monthly report to CSV").await;
    let mails = || async {
        sqlx::query_as::<_, (String, String, String)>(
            "SELECT to_address, subject, body FROM outbound_mails ORDER BY id",
        )
        .fetch_all(&app.pool)
        .await
        .unwrap()
    };
    let before = mails().await.len();
    // Raw: reply_to_case takes multipart data (files), not typed arguments.
    let note = app
        .call(
            &agent,
            "reply_to_case",
            &[
                ("number", &number),
                ("body", "secret-note"),
                ("version", &version_of(&app, &number).await.to_string()),
                ("internal", "on"),
            ],
        )
        .await;
    assert_eq!(note.status(), 200);
    assert_eq!(
        mails().await.len(),
        before,
        "an internal note sends no mail"
    );
    // Raw: reply_to_case takes multipart data (files), not typed arguments.
    let reply = app
        .call(
            &agent,
            "reply_to_case",
            &[
                ("number", &number),
                ("body", "Fixed in 2.4."),
                ("version", &version_of(&app, &number).await.to_string()),
                ("status", "solved"),
            ],
        )
        .await;
    assert_eq!(reply.status(), 200);
    // The reply and the status it set are one mail.
    let new: Vec<_> = mails().await.into_iter().skip(before).collect();
    assert_eq!(new.len(), 1, "{new:?}");
    assert!(new[0].0.contains("nick@northwind.example"));
    assert!(
        new[0].1.starts_with(&format!("[{number}] ")),
        "{}",
        new[0].1
    );
    let body = &new[0].2;
    assert!(body.contains("New reply from support"), "{body}");
    assert!(body.contains("Fixed in 2.4.") && body.contains(&format!("/cases/{number}")));
    assert!(body.contains("The case is now Solved."), "{body}");
    assert!(!new.iter().any(|(_, _, body)| body.contains("secret-note")));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn case_lists_hold_only_what_the_reader_may_see(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let list = |client: reqwest::Client, query: &'static str| {
        let app = &app;
        async move {
            let body: Value = app
                .invoke(
                    &client,
                    MyCases {
                        priority: String::new(),
                        slice: Default::default(),
                        status: String::new(),
                        query: query.to_string(),
                        sort: String::new(),
                        page: 1,
                    },
                )
                .await
                .json()
                .await
                .unwrap();
            body
        }
    };
    let expected = |sql: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    // A customer: their own cases only.
    let nick = list(app.signed_in("nick@northwind.example").await, "").await;
    let own = expected(
        "SELECT count(*) FROM cases c JOIN users u ON u.id = c.requester_id WHERE u.email = 'nick@northwind.example'",
    )
    .await;
    assert_eq!(nick["total"], own);
    assert!(nick["cases"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["requester"] == "Nick Northwind"));
    // A customer admin: the organization's, never another's, searching or not.
    let olivia = list(app.signed_in("olivia@northwind.example").await, "").await;
    let organization = expected(
        "SELECT count(*) FROM cases c JOIN organizations o ON o.id = c.organization_id WHERE o.name = 'Northwind Traders'",
    )
    .await;
    assert_eq!(olivia["total"], organization);
    assert!(olivia["cases"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["organization"] == "Northwind Traders"));
    let searched = list(app.signed_in("olivia@northwind.example").await, "delivery").await;
    assert!(searched["cases"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["organization"] == "Northwind Traders"));
    let acme_only =
        expected("SELECT count(*) FROM cases WHERE subject = 'Delivery of our last order is late'")
            .await;
    assert!(
        acme_only > 0,
        "an Acme case about delivery exists and must not show"
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn long_lists_count_up_to_a_limit_and_say_there_are_more(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["nick@northwind.example"]).await;
    sqlx::query(
        "INSERT INTO cases (subject, description, category_id, requester_id, organization_id)
         SELECT 'Generated ' || g, 'Many cases.', (SELECT min(id) FROM case_categories), u.id, u.organization_id
         FROM generate_series(1, 1005) g, users u WHERE u.email = 'nick@northwind.example'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let nick = app.signed_in("nick@northwind.example").await;
    let body: Value = app
        .invoke(
            &nick,
            MyCases {
                priority: String::new(),
                slice: Default::default(),
                status: String::new(),
                query: "generated".into(),
                sort: String::new(),
                page: 2,
            },
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["total"], rapport_core::db::cases::COUNT_LIMIT);
    assert_eq!(body["more"], true);
    assert_eq!(body["cases"].as_array().unwrap().len(), 25);
    let few: Value = app
        .invoke(
            &nick,
            MyCases {
                priority: String::new(),
                slice: Default::default(),
                status: String::new(),
                query: "Generated 100".into(),
                sort: String::new(),
                page: 1,
            },
        )
        .await
        .json()
        .await
        .unwrap();
    // "Generated 100", "Generated 1000" ... "Generated 1005": 7 cases, counted exactly.
    assert_eq!(few["total"], 7);
    assert_eq!(few["more"], false);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn sla_deadlines_are_for_staff_only(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["agent@rapport.example", "carla@acme.example"]).await;
    late_delivery_case(&app).await;
    let number = case_number(&app, "Delivery of our last order is late").await;
    let agent = app.signed_in("agent@rapport.example").await;
    let (_, for_agent) = detail(&app, &agent, &number, None).await;
    assert!(for_agent["staff"]["resolution_due"]
        .as_str()
        .is_some_and(|d| d.starts_with("due in") || d.starts_with("overdue")));
    let carla = app.signed_in("carla@acme.example").await;
    let (_, for_customer) = detail(&app, &carla, &number, None).await;
    // Customers get no staff part: no deadlines, no breach mark.
    assert_eq!(for_customer["staff"], Value::Null);

    // Nor in the customer's list: no deadline, no breach mark, no order by deadline.
    sqlx::query("UPDATE cases SET resolution_due_at = now() - interval '1 day'")
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, staff_list) = queue(
        &app,
        &agent,
        CaseQueue {
            slice: Default::default(),
            queue: "open".into(),
            ..open_queue()
        },
    )
    .await;
    assert!(staff_list["list"]["cases"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["breached"] == true));
    let list: Value = app
        .invoke(
            &carla,
            MyCases {
                priority: String::new(),
                slice: Default::default(),
                status: String::new(),
                query: String::new(),
                sort: String::new(),
                page: 1,
            },
        )
        .await
        .json()
        .await
        .unwrap();
    let rows = list["cases"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(rows
        .iter()
        .all(|c| c["due"] == Value::Null && c["breached"] == false));
    let by_due = app
        .invoke(
            &carla,
            MyCases {
                priority: String::new(),
                slice: Default::default(),
                status: String::new(),
                query: String::new(),
                sort: "due".into(),
                page: 1,
            },
        )
        .await;
    assert_eq!(by_due.status(), 422);
}

// ---------------------------------------------------------------------------
// Reopening, the requester's other cases, queue filters and sizes, oversized
// descriptions, and people who must not reach a case.

/// A server whose auto-close job closes nothing: the job runs once at start,
/// concurrently with the test, and would otherwise close the demo's older
/// solved cases between two snapshots of a test.
async fn quiet_app(pool: PgPool) -> TestApp {
    TestApp::spawn_with(pool, |config| config.auto_close_days = 36_500).await
}

/// `quiet_app` without the demo, for a test that writes its own fixtures.
async fn quiet_empty_app(pool: PgPool) -> TestApp {
    TestApp::spawn_empty_with(pool, |config| config.auto_close_days = 36_500).await
}

/// A customer opens a case (the multipart form, as the app posts it), with
/// `files`; returns its number.
async fn new_case(
    app: &TestApp,
    client: &reqwest::Client,
    subject: &str,
    files: &[(&str, &[u8])],
) -> String {
    let category: i64 = sqlx::query_scalar("SELECT min(id) FROM case_categories")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    // Raw: create_case takes multipart data (files), not typed arguments.
    let response = app
        .call_multipart(
            client,
            "create_case",
            &[
                ("subject", subject),
                ("description", "Please help."),
                ("category_id", &category.to_string()),
                ("priority", "normal"),
            ],
            files,
        )
        .await;
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
    let location = response.headers()["location"].to_str().unwrap();
    location.trim_start_matches("/cases/").to_string()
}

async fn status_of(app: &TestApp, number: &str) -> String {
    let n: i64 = number.trim_start_matches("C-").parse().unwrap();
    sqlx::query_scalar("SELECT status FROM cases WHERE number = $1")
        .bind(n)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// The history of a case: (field, old, new, actor's e-mail), in order.
async fn events_of(
    app: &TestApp,
    number: &str,
) -> Vec<(String, Option<String>, Option<String>, String)> {
    let n: i64 = number.trim_start_matches("C-").parse().unwrap();
    sqlx::query_as(
        "SELECT e.field, e.old_value, e.new_value, u.email
         FROM case_events e JOIN cases c ON c.id = e.case_id JOIN users u ON u.id = e.actor_id
         WHERE c.number = $1 ORDER BY e.id",
    )
    .bind(n)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

async fn count_rows(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// Everything a case action could write: every row of the case tables (cases
/// with their version and updated_at), and the number of queued mails (the
/// mail sender changes their rows as it sends, never their number).
async fn snapshot(app: &TestApp) -> Vec<(&'static str, String)> {
    let mut tables = Vec::new();
    for table in [
        "cases",
        "case_messages",
        "case_events",
        "case_attachments",
        "case_tags",
        "case_ratings",
        "case_links",
        "case_viewers",
    ] {
        let rows: String = sqlx::query_scalar(&format!(
            "SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '') FROM {table} t"
        ))
        .fetch_one(&app.pool)
        .await
        .unwrap();
        tables.push((table, rows));
    }
    tables.push((
        "outbound_mails (count)",
        count_rows(app, "outbound_mails").await.to_string(),
    ));
    tables
}

fn assert_same(before: &[(&str, String)], after: &[(&str, String)], what: &str) {
    for ((table, old), (_, new)) in before.iter().zip(after) {
        assert_eq!(old, new, "{what} changed {table}");
    }
}

/// An agent's public reply that sets a status; it must succeed.
async fn reply_with_status(app: &TestApp, agent: &reqwest::Client, number: &str, status: &str) {
    // Raw: reply_to_case takes multipart data (files), not typed arguments.
    let response = app
        .call(
            agent,
            "reply_to_case",
            &[
                ("number", number),
                ("body", "Done, I think."),
                ("version", &version_of(app, number).await.to_string()),
                ("status", status),
            ],
        )
        .await;
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_customer_reopens_a_solved_case_but_not_a_closed_one(pool: PgPool) {
    let app = quiet_empty_app(pool).await;
    fixtures::people(
        &app.pool,
        &["nick@northwind.example", "agent@rapport.example"],
    )
    .await;
    let nick = app.signed_in("nick@northwind.example").await;
    let agent = app.signed_in("agent@rapport.example").await;
    let number = new_case(&app, &nick, "Label printer prints blank pages", &[]).await;
    reply_with_status(&app, &agent, &number, "solved").await;
    assert_eq!(status_of(&app, &number).await, "solved");
    let events_before = events_of(&app, &number).await;
    let version = version_of(&app, &number).await;

    // Solved: the requester opens it again, and the history says who did.
    let reopened = app
        .invoke(
            &nick,
            SetCaseOpen {
                number: number.clone(),
                open: true,
            },
        )
        .await;
    assert_eq!(reopened.status(), 200, "{:?}", reopened.text().await);
    assert_eq!(
        reopened.headers()["location"],
        format!("/cases/{number}").as_str()
    );
    assert_eq!(status_of(&app, &number).await, "open");
    assert_ne!(
        version_of(&app, &number).await,
        version,
        "a change raises the version"
    );
    let events = events_of(&app, &number).await;
    assert_eq!(events.len(), events_before.len() + 1, "{events:?}");
    assert_eq!(
        events.last().unwrap(),
        &(
            "status".to_string(),
            Some("solved".to_string()),
            Some("open".to_string()),
            "nick@northwind.example".to_string()
        )
    );
    let solved_at: Option<time::OffsetDateTime> =
        sqlx::query_scalar("SELECT solved_at FROM cases WHERE number = $1")
            .bind(number.trim_start_matches("C-").parse::<i64>().unwrap())
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(solved_at, None, "an open case is no longer solved");
    let (_, view) = detail(&app, &nick, &number, None).await;
    assert_eq!(view["status"], "open");

    // Reopening an open case is a no-op: no event, no new version.
    let version = version_of(&app, &number).await;
    let again = app
        .invoke(
            &nick,
            SetCaseOpen {
                number: number.clone(),
                open: true,
            },
        )
        .await;
    assert_eq!(again.status(), 200);
    assert_eq!(events_of(&app, &number).await.len(), events.len());
    assert_eq!(version_of(&app, &number).await, version);

    // The agent closes it for good: the customer can no longer reopen it.
    let (_, case) = detail(&app, &agent, &number, None).await;
    let closed = app
        .invoke(
            &agent,
            UpdateCase {
                number: number.clone(),
                version,
                status: "closed".into(),
                priority: "normal".into(),
                category_id: case["category_id"].as_i64().unwrap(),
                assignee_id: String::new(),
                tags: None,
            },
        )
        .await;
    assert_eq!(closed.status(), 200, "{:?}", closed.text().await);
    assert_eq!(status_of(&app, &number).await, "closed");
    let before = snapshot(&app).await;
    let events_before = count_rows(&app, "case_events").await;
    let refused = app
        .invoke(
            &nick,
            SetCaseOpen {
                number: number.clone(),
                open: true,
            },
        )
        .await;
    assert_eq!(refused.status(), 409);
    let message = refused.text().await.unwrap();
    assert!(
        message.contains("This case is closed for good. Open a new case"),
        "{message}"
    );
    assert_eq!(count_rows(&app, "case_events").await, events_before);
    assert_eq!(status_of(&app, &number).await, "closed");
    assert_same(&before, &snapshot(&app).await, "a refused reopening");
    let (_, view) = detail(&app, &nick, &number, None).await;
    assert_eq!(view["status"], "closed");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn agents_see_the_requesters_other_cases_and_customers_do_not(pool: PgPool) {
    let app = quiet_empty_app(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "nick@northwind.example",
            "agent@rapport.example",
            "olivia@northwind.example",
        ],
    )
    .await;
    dark_mode_case(&app).await;
    vat_case(&app).await;
    export_case(&app).await;
    let nick = app.signed_in("nick@northwind.example").await;
    let agent = app.signed_in("agent@rapport.example").await;
    let number = case_number(&app, "Cannot export the monthly report to CSV").await;
    // A case Nick opens now is the newest of his others.
    let newest = new_case(&app, &nick, "Barcode scanner beeps twice", &[]).await;

    let (status, view) = detail(&app, &agent, &number, None).await;
    assert_eq!(status, 200);
    let n: i64 = number.trim_start_matches("C-").parse().unwrap();
    let expected: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT o.number, o.subject, o.status FROM cases o
         WHERE o.requester_id = (SELECT requester_id FROM cases WHERE number = $1)
           AND o.number <> $1
         ORDER BY o.updated_at DESC, o.id DESC LIMIT 5",
    )
    .bind(n)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(expected.len() >= 2, "Nick has other cases: {expected:?}");
    let expected: Vec<Value> = expected
        .into_iter()
        .map(|(number, subject, status)| {
            serde_json::json!({"number": format!("C-{number}"), "subject": subject, "status": status})
        })
        .collect();
    assert_eq!(view["staff"]["other_cases"], Value::Array(expected));
    let others = view["staff"]["other_cases"].as_array().unwrap();
    assert_eq!(others[0]["number"], newest.as_str());
    assert_eq!(others[0]["subject"], "Barcode scanner beeps twice");
    assert_eq!(others[0]["status"], "new");
    assert!(
        others.iter().all(|c| c["number"] != number.as_str()),
        "never the case itself"
    );
    // Only Nick's: not Olivia's, though she is of the same organization.
    let olivias: Vec<i64> = sqlx::query_scalar(
        "SELECT c.number FROM cases c JOIN users u ON u.id = c.requester_id
         WHERE u.email = 'olivia@northwind.example'",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(!olivias.is_empty());
    assert!(others.iter().all(|c| !olivias
        .iter()
        .any(|o| c["number"] == format!("C-{o}").as_str())));

    // The requester and the organization's admin read the case without them.
    for who in ["nick@northwind.example", "olivia@northwind.example"] {
        let client = app.signed_in(who).await;
        let (status, view) = detail(&app, &client, &number, None).await;
        assert_eq!(status, 200, "{who}");
        assert_eq!(view["staff"], Value::Null, "{who}");
        assert!(
            !view.to_string().contains("Barcode scanner beeps twice"),
            "{who}: {view}"
        );
    }
}

/// Numbers ("C-…") of the cases matching `condition` (SQL on `cases c`, with
/// `$1` bound to `bind`), in the queue's default order: the next SLA deadline
/// of an active case first (so the breached lead), then the latest activity.
async fn expected_numbers(app: &TestApp, condition: &str, bind: &str) -> Vec<String> {
    sqlx::query_scalar(&format!(
        "SELECT 'C-' || c.number FROM cases c WHERE ($1::text IS NOT NULL) AND {condition}
         ORDER BY CASE WHEN c.status IN ('new', 'open', 'on_hold') THEN
                      CASE WHEN c.first_response_at IS NULL
                           THEN least(c.first_response_due_at, c.resolution_due_at)
                           ELSE c.resolution_due_at END
                  END ASC NULLS LAST,
                  c.updated_at DESC, c.id DESC"
    ))
    .bind(bind)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

/// The queue answers exactly the expected cases: the count, and the first page in order.
fn assert_queue(page: &Value, expected: &[String], what: &str) {
    assert_eq!(page["list"]["total"], expected.len() as i64, "{what}");
    let first: Vec<String> = expected.iter().take(25).cloned().collect();
    assert_eq!(numbers(page), first, "{what}");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn queue_filters_return_only_matching_cases_and_sizes_match_the_database(pool: PgPool) {
    let app = quiet_app(pool).await;
    let agent = app.signed_in("agent@rapport.example").await;
    const ACTIVE: &str = "c.status IN ('new', 'open', 'on_hold')";
    let id_of = |sql: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
                .to_string()
        }
    };

    let sam = id_of("SELECT id FROM users WHERE email = 'agent@rapport.example'").await;
    let technical = id_of("SELECT id FROM case_categories WHERE name = 'Technical problem'").await;
    let northwind = id_of("SELECT id FROM organizations WHERE name = 'Northwind Traders'").await;
    // By category, organization and assignee: (queue filter, column, the
    // chosen one's id, the row field that shows it, what it shows, the queue
    // so filtered).
    let filters = [
        (
            "category",
            "c.category_id",
            technical.clone(),
            "category",
            "Technical problem",
            CaseQueue {
                slice: Default::default(),
                category: technical,
                ..open_queue()
            },
        ),
        (
            "organization",
            "c.organization_id",
            northwind.clone(),
            "organization",
            "Northwind Traders",
            CaseQueue {
                slice: Default::default(),
                organization: northwind,
                ..open_queue()
            },
        ),
        (
            "assignee",
            "c.assignee_id",
            sam.clone(),
            "assignee",
            "Sam Agent",
            CaseQueue {
                slice: Default::default(),
                assignee: sam.clone(),
                ..open_queue()
            },
        ),
    ];
    for (filter, column, id, field, shown, filtered) in filters {
        let expected =
            expected_numbers(&app, &format!("{ACTIVE} AND {column} = $1::bigint"), &id).await;
        assert!(!expected.is_empty(), "{filter}");
        let (status, page) = queue(&app, &agent, filtered).await;
        assert_eq!(status, 200, "{filter}");
        assert_queue(&page, &expected, filter);
        assert!(
            page["list"]["cases"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c[field] == *shown),
            "{filter}"
        );
    }
    // Nobody else's cases: an agent who has none gets none.
    let ada = id_of("SELECT id FROM users WHERE email = 'admin@rapport.example'").await;
    let (_, page) = queue(
        &app,
        &agent,
        CaseQueue {
            slice: Default::default(),
            assignee: ada.clone(),
            ..open_queue()
        },
    )
    .await;
    assert_queue(
        &page,
        &expected_numbers(
            &app,
            &format!("{ACTIVE} AND c.assignee_id = $1::bigint"),
            &ada,
        )
        .await,
        "another assignee",
    );

    // Search: subject and description, and the public messages.
    let expected = expected_numbers(
        &app,
        &format!("{ACTIVE} AND (c.subject ILIKE '%' || $1 || '%' OR c.description ILIKE '%' || $1 || '%')"),
        "firmware",
    )
    .await;
    assert!(!expected.is_empty());
    let (_, page) = queue(
        &app,
        &agent,
        CaseQueue {
            slice: Default::default(),
            query: "firmware".into(),
            ..open_queue()
        },
    )
    .await;
    assert_queue(&page, &expected, "search in subjects");
    let export = case_number(&app, "Cannot export the monthly report to CSV").await;
    let (_, page) = queue(
        &app,
        &agent,
        CaseQueue {
            slice: Default::default(),
            query: "40,000 rows".into(),
            ..open_queue()
        },
    )
    .await;
    assert_eq!(
        numbers(&page),
        vec![export.clone()],
        "search in a public reply"
    );
    let (_, page) = queue(
        &app,
        &agent,
        CaseQueue {
            slice: Default::default(),
            query: "no-such-words-anywhere".into(),
            ..open_queue()
        },
    )
    .await;
    assert_eq!(page["list"]["total"], 0);
    // Filters combine: a category that does not match the search leaves nothing.
    let other = id_of("SELECT id FROM case_categories WHERE name = 'Other'").await;
    let (_, page) = queue(
        &app,
        &agent,
        CaseQueue {
            slice: Default::default(),
            query: "40,000 rows".into(),
            category: other.clone(),
            ..open_queue()
        },
    )
    .await;
    assert_eq!(page["list"]["total"], 0);

    // The queue sizes, after changes made now: Sam takes an unassigned case
    // (mine grows) and solves another (solved recently grows).
    let unassigned = case_number(&app, "Delivery of our last order is late").await;
    let (_, case) = detail(&app, &agent, &unassigned, None).await;
    let taken = app
        .invoke(
            &agent,
            UpdateCase {
                number: unassigned.clone(),
                version: version_of(&app, &unassigned).await,
                status: "open".into(),
                priority: "high".into(),
                category_id: case["category_id"].as_i64().unwrap(),
                assignee_id: sam.clone(),
                tags: None,
            },
        )
        .await;
    assert_eq!(taken.status(), 200, "{:?}", taken.text().await);
    reply_with_status(&app, &agent, &export, "solved").await;

    let mine = expected_numbers(
        &app,
        "c.assignee_id = $1::bigint AND c.status IN ('new', 'open', 'pending', 'on_hold')",
        &sam,
    )
    .await;
    let pending = expected_numbers(&app, "c.status = 'pending'", "").await;
    let solved = expected_numbers(
        &app,
        "c.status = 'solved' AND c.solved_at > now() - interval '7 days'",
        "",
    )
    .await;
    assert!(mine.contains(&unassigned) && solved.contains(&export));
    assert!(!pending.is_empty());
    for (name, size, expected) in [
        ("mine", "mine", &mine),
        ("pending", "pending", &pending),
        ("solved", "solved_recently", &solved),
    ] {
        let (status, page) = queue(
            &app,
            &agent,
            CaseQueue {
                slice: Default::default(),
                queue: name.to_string(),
                ..open_queue()
            },
        )
        .await;
        assert_eq!(status, 200, "{name}");
        assert_eq!(page["sizes"][size], expected.len() as i64, "size of {name}");
        assert_queue(&page, expected, name);
    }
    // Every queue page carries all the sizes.
    let (_, page) = queue(
        &app,
        &agent,
        CaseQueue {
            slice: Default::default(),
            queue: "open".into(),
            ..open_queue()
        },
    )
    .await;
    assert_eq!(page["sizes"]["mine"], mine.len() as i64);
    assert_eq!(page["sizes"]["pending"], pending.len() as i64);
    assert_eq!(page["sizes"]["solved_recently"], solved.len() as i64);
    // An id that is not among the choices is named.
    let (status, body) = queue(
        &app,
        &agent,
        CaseQueue {
            slice: Default::default(),
            category: "999999".into(),
            ..open_queue()
        },
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["Invalid"]["field"], "category");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_ten_megabyte_description_is_refused_by_name_and_creates_nothing(pool: PgPool) {
    let app = quiet_empty_app(pool).await;
    fixtures::people(&app.pool, &["nick@northwind.example"]).await;
    let nick = app.signed_in("nick@northwind.example").await;
    let category: i64 = sqlx::query_scalar("SELECT min(id) FROM case_categories")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let before = snapshot(&app).await;
    let description = "x".repeat(10 * 1024 * 1024);
    // Raw: create_case takes multipart data (files), not typed arguments.
    let response = app
        .call_multipart(
            &nick,
            "create_case",
            &[
                ("subject", "A very long story"),
                ("description", &description),
                ("category_id", &category.to_string()),
                ("priority", "normal"),
            ],
            &[],
        )
        .await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["Invalid"]["field"], "description", "{body}");
    let message = body["Invalid"]["message"].as_str().unwrap();
    assert!(message.contains("50000 characters"), "{message}");
    assert_same(&before, &snapshot(&app).await, "a refused case");
    assert!(app.stored_files().is_empty());
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn another_organization_changes_nothing_on_a_case_by_its_number(pool: PgPool) {
    let app = quiet_empty_app(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "nick@northwind.example",
            "agent@rapport.example",
            "carla@acme.example",
        ],
    )
    .await;
    late_delivery_case(&app).await;
    let nick = app.signed_in("nick@northwind.example").await;
    let agent = app.signed_in("agent@rapport.example").await;
    let carla = app.signed_in("carla@acme.example").await;
    let number = new_case(
        &app,
        &nick,
        "Northwind pallet labels",
        &[("labels.txt", b"northwind-secret-labels")],
    )
    .await;
    let (_, case) = detail(&app, &agent, &number, None).await;
    let category = case["category_id"].as_i64().unwrap();
    // Solved and tagged: something to reopen, rate and retag.
    let solved = app
        .invoke(
            &agent,
            UpdateCase {
                number: number.clone(),
                version: version_of(&app, &number).await,
                status: "solved".into(),
                priority: "normal".into(),
                category_id: category,
                assignee_id: String::new(),
                tags: Some("labels".into()),
            },
        )
        .await;
    assert_eq!(solved.status(), 200, "{:?}", solved.text().await);
    let file: i64 = sqlx::query_scalar(
        "SELECT a.id FROM case_attachments a JOIN cases c ON c.id = a.case_id WHERE 'C-' || c.number = $1",
    )
    .bind(&number)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let own = case_number(&app, "Delivery of our last order is late").await;
    let version = version_of(&app, &number).await;
    let files = app.stored_files().len();
    let before = snapshot(&app).await;

    let (status, body) = detail(&app, &carla, &number, None).await;
    assert_eq!(status, 404);
    assert!(!body.to_string().contains("pallet"));
    // Raw: reply_to_case takes multipart data (files), not typed arguments.
    let reply = app
        .call_multipart(
            &carla,
            "reply_to_case",
            &[
                ("number", &number),
                ("body", "Mine now"),
                ("version", &version.to_string()),
            ],
            &[("evil.txt", b"evil")],
        )
        .await;
    assert_eq!(reply.status(), 404, "reply_to_case");
    // (server function, (the arguments, the answer), expected status)
    let attempts = vec![
        (
            "update_case",
            attempt(
                &app,
                &carla,
                UpdateCase {
                    number: number.clone(),
                    version,
                    status: "open".into(),
                    priority: "high".into(),
                    category_id: category,
                    assignee_id: String::new(),
                    tags: Some("hacked".into()),
                },
            )
            .await,
            403,
        ),
        (
            "set_case_open",
            attempt(
                &app,
                &carla,
                SetCaseOpen {
                    number: number.clone(),
                    open: true,
                },
            )
            .await,
            404,
        ),
        (
            "set_case_open",
            attempt(
                &app,
                &carla,
                SetCaseOpen {
                    number: number.clone(),
                    open: false,
                },
            )
            .await,
            404,
        ),
        (
            "rate_case",
            attempt(
                &app,
                &carla,
                RateCase {
                    number: number.clone(),
                    score: 1,
                    comment: "Bad".into(),
                },
            )
            .await,
            404,
        ),
        (
            "merge_case",
            attempt(
                &app,
                &carla,
                MergeCase {
                    number: number.clone(),
                    version,
                    into: own.clone(),
                    confirm: Some("on".into()),
                },
            )
            .await,
            403,
        ),
        (
            "merge_case",
            attempt(
                &app,
                &carla,
                MergeCase {
                    number: own.clone(),
                    version: 1,
                    into: number.clone(),
                    confirm: Some("on".into()),
                },
            )
            .await,
            403,
        ),
        (
            "case_presence",
            attempt(
                &app,
                &carla,
                CasePresence {
                    number: number.clone(),
                },
            )
            .await,
            403,
        ),
    ];
    for (name, (form, response), expected) in attempts {
        assert_eq!(response.status(), expected, "{name} {form}");
        let text = response.text().await.unwrap();
        assert!(!text.contains("pallet"), "{name}: {text}");
    }
    let download = carla
        .get(app.url(&format!("/cases/{number}/attachments/{file}")))
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 404);
    assert!(!download
        .text()
        .await
        .unwrap()
        .contains("northwind-secret-labels"));

    assert_same(&before, &snapshot(&app).await, "Carla's attempts");
    assert_eq!(app.stored_files().len(), files, "no file of hers was kept");
    assert_eq!(status_of(&app, &number).await, "solved");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_trainer_cannot_list_read_or_answer_cases(pool: PgPool) {
    let app = quiet_empty_app(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "trainer@rapport.example",
            "nick@northwind.example",
            "agent@rapport.example",
        ],
    )
    .await;
    export_case(&app).await;
    let trainer = app.signed_in("trainer@rapport.example").await;
    let number = case_number(&app, "Cannot export the monthly report to CSV").await;
    let before = snapshot(&app).await;

    let list = app
        .invoke(
            &trainer,
            MyCases {
                priority: String::new(),
                slice: Default::default(),
                status: String::new(),
                query: String::new(),
                sort: String::new(),
                page: 1,
            },
        )
        .await;
    assert_eq!(list.status(), 403);
    assert!(!list.text().await.unwrap().contains("monthly report"));
    let (status, body) = detail(&app, &trainer, &number, None).await;
    assert_eq!(status, 404);
    assert!(!body.to_string().contains("monthly report"));
    let (status, body) = queue(
        &app,
        &trainer,
        CaseQueue {
            slice: Default::default(),
            queue: "open".into(),
            ..open_queue()
        },
    )
    .await;
    assert_eq!(status, 403);
    assert!(!body.to_string().contains("monthly report"));
    // Raw: reply_to_case takes multipart data (files), not typed arguments.
    let reply = app
        .call(
            &trainer,
            "reply_to_case",
            &[
                ("number", &number),
                ("body", "Have you read our article?"),
                ("version", &version_of(&app, &number).await.to_string()),
            ],
        )
        .await;
    assert_eq!(reply.status(), 404);
    // Raw: reply_to_case takes multipart data (files), not typed arguments.
    let note = app
        .call(
            &trainer,
            "reply_to_case",
            &[
                ("number", &number),
                ("body", "A note"),
                ("version", &version_of(&app, &number).await.to_string()),
                ("internal", "on"),
                ("status", "solved"),
            ],
        )
        .await;
    assert!(
        [403, 404].contains(&note.status().as_u16()),
        "{}",
        note.status()
    );
    assert_same(&before, &snapshot(&app).await, "the trainer's attempts");
}

/// Call a server function with `args` as `client`: the arguments as they read
/// in a message, and the answer.
async fn attempt<F>(app: &TestApp, client: &reqwest::Client, args: F) -> (String, Response)
where
    F: ServerFn + Serialize + std::fmt::Debug,
{
    let what = format!("{args:?}");
    (what, app.invoke(client, args).await)
}

/// `canned_reply_text`: what "Insert into reply" inserts (with JavaScript) into
/// the reply being typed.
async fn canned_text(
    app: &TestApp,
    client: &reqwest::Client,
    number: &str,
    id: i64,
) -> (u16, String) {
    let response = app
        .invoke(
            client,
            CannedReplyText {
                number: number.to_string(),
                id,
            },
        )
        .await;
    (
        response.status().as_u16(),
        response.text().await.unwrap_or_default(),
    )
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn agents_get_a_canned_reply_filled_in_for_the_case_and_nobody_else_does(pool: PgPool) {
    let app = quiet_empty_app(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "agent@rapport.example",
            "admin@rapport.example",
            "nick@northwind.example",
            "olivia@northwind.example",
            "carla@acme.example",
            "trainer@rapport.example",
        ],
    )
    .await;
    export_case(&app).await;
    let agent = app.signed_in("agent@rapport.example").await;
    let saved = app
        .invoke(&agent, SaveCannedReply { id: String::new(), title: "Full greeting".into(), body: "Dear {{customer_name}} ({{organization}}), about {{case_number}} \"{{case_subject}}\": {{agent_name}} {{nope}}".into() })
        .await;
    assert_eq!(saved.status(), 200, "{:?}", saved.text().await);
    let id: i64 = sqlx::query_scalar("SELECT id FROM canned_replies WHERE title = 'Full greeting'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let number = case_number(&app, "Cannot export the monthly report to CSV").await;
    let before = snapshot(&app).await;
    let library: String = sqlx::query_scalar(
        "SELECT string_agg(t::text, E'\\n' ORDER BY t::text) FROM canned_replies t",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();

    let (status, body) = canned_text(&app, &agent, &number, id).await;
    assert_eq!(status, 200, "{body}");
    let text: String = serde_json::from_str(&body).unwrap();
    assert_eq!(
        text,
        format!(
            "Dear Nick Northwind (Northwind Traders), about {number} \"Cannot export the monthly report to CSV\": Sam Agent {{{{nope}}}}"
        )
    );
    // The same text the page without JavaScript fills the reply box with.
    let (_, case) = detail(&app, &agent, &number, Some(id)).await;
    assert_eq!(case["staff"]["reply_draft"], text);
    // An admin works cases too, and signs with their own name.
    let admin = app.signed_in("admin@rapport.example").await;
    let (status, body) = canned_text(&app, &admin, &number, id).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Ada Admin"), "{body}");

    // Customers (the requester, their admin, another organization's admin) and
    // trainers are refused, and learn nothing about the case.
    for email in [
        "nick@northwind.example",
        "olivia@northwind.example",
        "carla@acme.example",
        "trainer@rapport.example",
    ] {
        let client = app.signed_in(email).await;
        let (status, body) = canned_text(&app, &client, &number, id).await;
        assert_eq!(status, 403, "{email}: {body}");
        assert!(
            !body.contains("Nick") && !body.contains("monthly"),
            "{email}: {body}"
        );
    }
    let visitor = app.browser();
    let (status, _) = canned_text(&app, &visitor, &number, id).await;
    assert_eq!(status, 401);

    // An unknown case or canned reply is not found.
    for (case, canned) in [
        ("C-999999", id),
        ("not-a-case", id),
        (number.as_str(), 999999),
    ] {
        let (status, body) = canned_text(&app, &agent, case, canned).await;
        assert_eq!(status, 404, "{case} {canned}: {body}");
        assert!(!body.contains("Nick"), "{body}");
    }

    // Nothing was written: no case row, history, viewer or mail, no canned reply.
    assert_same(&before, &snapshot(&app).await, "canned_reply_text");
    let after: String = sqlx::query_scalar(
        "SELECT string_agg(t::text, E'\\n' ORDER BY t::text) FROM canned_replies t",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(library, after);
}
