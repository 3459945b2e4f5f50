//! REST API tests: cases, their messages and attachments, over HTTP with
//! tokens. Every endpoint with good and bad input (nothing saved when
//! refused), scopes, and a customer admin's token against another
//! organization's cases: by number, in the list, by search and in the change
//! feed.

use crate::common::api::{problem, token, Api};
use crate::common::{fixtures, TestApp};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE, LOCATION};
use serde_json::{json, Value};
use sqlx::PgPool;

const PEOPLE: &[&str] = &[
    "agent@rapport.example",
    "admin@rapport.example",
    "olivia@northwind.example",
    "nick@northwind.example",
    "carla@acme.example",
    "ahmed@acme.example",
];

async fn app_with_people(pool: PgPool) -> TestApp {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, PEOPLE).await;
    app
}

async fn api(app: &TestApp, email: &str, scopes: &[&str]) -> Api {
    Api::new(app, Some(&token(app, email, scopes).await))
}

async fn category_id(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT min(id) FROM case_categories")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}

/// Read a response as JSON after checking its status.
async fn body(response: reqwest::Response, status: u16) -> Value {
    let got = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert_eq!(got, status, "{text}");
    serde_json::from_str(&text).unwrap()
}

fn numbers(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["number"].as_str().unwrap().to_string())
        .collect()
}

/// Every change the token may read.
async fn feed(api: &Api) -> Vec<Value> {
    let page = api.json("/changes?limit=1000").await;
    page["changes"].as_array().unwrap().clone()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn staff_list_cases_with_the_queue_filters(pool: PgPool) {
    let app = app_with_people(pool).await;
    let northwind = fixtures::organization(&app.pool, "Northwind Traders").await;
    let acme = fixtures::organization(&app.pool, "Acme Robotics").await;
    let printer = fixtures::case("nick@northwind.example", "Printer jams on tray 2")
        .priority("high")
        .assignee("agent@rapport.example")
        .tags(&["printer", "hardware"])
        .status("open")
        .insert(&app.pool)
        .await;
    let invoice = fixtures::case("olivia@northwind.example", "Invoice total is wrong")
        .insert(&app.pool)
        .await;
    let robot = fixtures::case("carla@acme.example", "Robot arm stalls")
        .status("pending")
        .insert(&app.pool)
        .await;
    let agent = api(&app, "agent@rapport.example", &["cases:read"]).await;

    // Everything, latest activity first, with the staff's fields.
    let all = agent.json("/cases").await;
    assert_eq!(
        numbers(&all),
        [
            robot.number.as_str(),
            invoice.number.as_str(),
            printer.number.as_str()
        ]
    );
    assert_eq!(all["next_cursor"], Value::Null);
    let first = &all["items"][2];
    assert_eq!(first["subject"], "Printer jams on tray 2");
    assert_eq!(first["status"], "open");
    assert_eq!(first["priority"], "high");
    assert_eq!(first["channel"], "portal");
    assert_eq!(first["organization"]["id"], northwind.id);
    assert_eq!(first["organization"]["name"], "Northwind Traders");
    assert_eq!(first["requester"]["email"], "nick@northwind.example");
    assert_eq!(first["assignee"]["email"], "agent@rapport.example");
    assert!(first["assignee"]["id"].is_i64());
    assert_eq!(first["tags"], json!(["hardware", "printer"]));
    assert_eq!(first["category"]["name"], "Technical problem");
    assert!(first["created_at"].as_str().unwrap().ends_with('Z'));
    assert!(first["version"].is_i64());
    assert!(
        first.get("description").is_none(),
        "no description in lists"
    );

    // The queue filters, one at a time.
    let assignee = count(
        &app,
        "SELECT id FROM users WHERE email = 'agent@rapport.example'",
    )
    .await;
    let technical = count(
        &app,
        "SELECT id FROM case_categories WHERE name = 'Technical problem'",
    )
    .await;
    let other_category = count(
        &app,
        "SELECT min(id) FROM case_categories WHERE name <> 'Technical problem'",
    )
    .await;
    let every = vec![&robot.number, &invoice.number, &printer.number];
    for (query, expected) in [
        (format!("organization={}", acme.id), vec![&robot.number]),
        (
            format!("organization={}", northwind.id),
            vec![&invoice.number, &printer.number],
        ),
        ("tag=printer".to_string(), vec![&printer.number]),
        ("priority=high".to_string(), vec![&printer.number]),
        (format!("assignee={assignee}"), vec![&printer.number]),
        ("queue=unassigned".to_string(), vec![&invoice.number]),
        ("queue=mine".to_string(), vec![&printer.number]),
        ("queue=pending".to_string(), vec![&robot.number]),
        ("status=pending".to_string(), vec![&robot.number]),
        ("status=active".to_string(), every.clone()),
        ("q=invoice".to_string(), vec![&invoice.number]),
        (format!("category={technical}"), every.clone()),
        (format!("category={other_category}"), vec![]),
        (
            format!("organization={}&priority=normal", northwind.id),
            vec![&invoice.number],
        ),
    ] {
        let list = agent.json(&format!("/cases?{query}")).await;
        let got = numbers(&list);
        assert_eq!(got.iter().collect::<Vec<_>>(), expected, "{query}");
    }

    // Bad filters name the parameter. Each id is checked against the same
    // choices as the queue's drop-downs: a customer is no assignee.
    let customer = count(&app, "SELECT min(id) FROM users WHERE role = 'customer'").await;
    let not_an_agent = format!("assignee={customer}");
    for (query, field) in [
        ("priority=soon", "priority"),
        ("organization=999999", "organization"),
        ("category=999999", "category"),
        (not_an_agent.as_str(), "assignee"),
        ("assignee=abc", "assignee"),
        ("queue=everything", "queue"),
        ("tag=no%20such%20tag!", "tag"),
        ("queue=open&status=new", "status"),
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("cursor=abc", "cursor"),
    ] {
        let (status, body) = problem(agent.get(&format!("/cases?{query}")).await).await;
        assert_eq!(
            (status, body["field"].as_str()),
            (422, Some(field)),
            "{query}: {body}"
        );
    }
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_customer_admins_token_lists_only_the_organizations_cases(pool: PgPool) {
    let app = app_with_people(pool).await;
    let northwind = fixtures::organization(&app.pool, "Northwind Traders").await;
    let northwind_case = fixtures::case("nick@northwind.example", "Printer jams on tray 2")
        .assignee("agent@rapport.example")
        .tags(&["printer"])
        .insert(&app.pool)
        .await;
    let own = fixtures::case("carla@acme.example", "Robot arm stalls")
        .assignee("agent@rapport.example")
        .tags(&["robot"])
        .insert(&app.pool)
        .await;
    let colleague = fixtures::case("ahmed@acme.example", "Gripper worn out")
        .status("solved")
        .insert(&app.pool)
        .await;
    let carla = api(&app, "carla@acme.example", &["cases:read"]).await;

    let list = carla.json("/cases").await;
    assert_eq!(
        numbers(&list),
        [colleague.number.as_str(), own.number.as_str()]
    );
    // What the customer's case page shows, and no more: the assignee's name
    // only, and no tags.
    let mine = &list["items"][1];
    assert_eq!(mine["assignee"], json!({ "name": "Sam Agent" }));
    assert!(mine.get("tags").is_none(), "{mine}");

    // The customer's own filters.
    assert_eq!(
        numbers(&carla.json("/cases?status=active").await),
        [own.number.as_str()]
    );
    assert_eq!(
        numbers(&carla.json("/cases?status=solved").await),
        [colleague.number.as_str()]
    );
    assert_eq!(
        numbers(&carla.json("/cases?q=gripper").await),
        [colleague.number.as_str()]
    );

    // Another organization's case: not by search, not by its organization.
    assert!(numbers(&carla.json("/cases?q=printer").await).is_empty());
    let (status, body) = problem(
        carla
            .get(&format!("/cases?organization={}", northwind.id))
            .await,
    )
    .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (422, Some("organization"))
    );
    for staff_filter in ["tag=printer", "queue=open", "assignee=1", "category=1"] {
        let (status, _) = problem(carla.get(&format!("/cases?{staff_filter}")).await).await;
        assert_eq!(status, 422, "{staff_filter}");
    }

    // Nor by number.
    let (status, _) = problem(
        carla
            .get(&format!("/cases/{}", northwind_case.number))
            .await,
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = problem(carla.get("/cases/C-999999").await).await;
    assert_eq!(status, 404);
    let got = carla.json(&format!("/cases/{}", own.number)).await;
    assert_eq!(got["subject"], "Robot arm stalls");
    assert_eq!(got["description"], "Robot arm stalls: please help.");
    assert_eq!(got["attachments"], json!([]));
    assert!(got.get("tags").is_none());
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn customers_make_no_tokens(pool: PgPool) {
    let app = app_with_people(pool).await;
    let (id, organization_id): (i64, Option<i64>) = sqlx::query_as(
        "SELECT id, organization_id FROM users WHERE email = 'nick@northwind.example'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let reader = rapport_core::Reader::new(
        Some(rapport_core::policy::Actor {
            user_id: id,
            role: rapport_types::Role::Customer,
            organization_id,
        }),
        rapport_core::time_zones::ReaderZone::utc(),
    );
    // What `token(&app, "nick@…", …)` calls: refused.
    let refused = rapport_core::api_tokens::create(
        &reader,
        &app.pool,
        &rapport_types::views::api_tokens::NewApiToken {
            name: "Mine".into(),
            scopes: vec!["cases:read".into()],
            expires_on: String::new(),
        },
    )
    .await;
    assert!(refused.is_err());
    assert_eq!(count(&app, "SELECT count(*) FROM api_tokens").await, 0);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_case_list_pages_by_cursor(pool: PgPool) {
    let app = app_with_people(pool).await;
    let mut made = Vec::new();
    for i in 0..5 {
        let case = fixtures::case("nick@northwind.example", &format!("Case {i}"))
            .insert(&app.pool)
            .await;
        made.push(case.number);
    }
    // Two cases with the very same time: the id keeps them apart.
    sqlx::query("UPDATE cases SET updated_at = (SELECT max(updated_at) FROM cases) WHERE number IN (SELECT number FROM cases ORDER BY id LIMIT 2)")
        .execute(&app.pool)
        .await
        .unwrap();
    let expected: Vec<String> =
        sqlx::query_scalar("SELECT 'C-' || number FROM cases ORDER BY updated_at DESC, id DESC")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    for who in ["agent@rapport.example", "olivia@northwind.example"] {
        let api = api(&app, who, &["cases:read"]).await;
        let mut seen = Vec::new();
        let mut pages = 0;
        let mut path = "/cases?limit=2".to_string();
        loop {
            let page = api.json(&path).await;
            pages += 1;
            seen.extend(numbers(&page));
            match page["next_cursor"].as_str() {
                Some(cursor) => path = format!("/cases?limit=2&cursor={cursor}"),
                None => break,
            }
        }
        assert_eq!(pages, 3, "{who}");
        assert_eq!(seen, expected, "{who}: every case once, in order");
        // A cursor changed by hand is refused, naming it.
        let page = api.json("/cases?limit=2").await;
        let cursor = page["next_cursor"].as_str().unwrap();
        let tampered = format!("{}x", &cursor[..cursor.len() - 1]);
        for bad in [tampered.as_str(), "not-a-cursor", "e30"] {
            let (status, body) = problem(api.get(&format!("/cases?cursor={bad}")).await).await;
            assert_eq!(
                (status, body["field"].as_str()),
                (422, Some("cursor")),
                "{bad}"
            );
        }
    }
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn staff_open_cases_for_customers_by_address(pool: PgPool) {
    let app = app_with_people(pool).await;
    let acme = fixtures::organization(&app.pool, "Acme Robotics").await;
    let category = category_id(&app).await;
    let agent = api(
        &app,
        "agent@rapport.example",
        &["cases:read", "cases:write"],
    )
    .await;
    let case = |email: &str| {
        json!({
            "subject": "Phone call: robot stalls",
            "description": "Carla called: the arm stalls after an hour.",
            "category_id": category,
            "priority": "high",
            "requester_email": email,
            "channel": "phone",
        })
    };

    // A known customer.
    let response = agent.post("/cases", &case("carla@acme.example")).await;
    let location = response.headers()[LOCATION].to_str().unwrap().to_string();
    let opened = body(response, 201).await;
    let number = opened["number"].as_str().unwrap().to_string();
    assert_eq!(location, format!("/api/v1/cases/{number}"));
    assert_eq!(opened["requester"]["email"], "carla@acme.example");
    assert_eq!(opened["organization"]["id"], acme.id);
    assert_eq!(opened["channel"], "phone");
    assert_eq!(opened["status"], "new");
    assert_eq!(
        agent.json(&location.replace("/api/v1", "")).await["number"],
        number
    );

    // It is in the change feed, as case.created.
    let changes = feed(&agent).await;
    let created: Vec<&Value> = changes
        .iter()
        .filter(|c| c["event"] == "case.created")
        .collect();
    assert_eq!(created.len(), 1, "{changes:?}");
    assert_eq!(created[0]["data"]["number"], number.as_str());
    assert_eq!(created[0]["organization_id"], acme.id);

    // Bad input names the field, and saves nothing: no case, no contact.
    let cases_before = count(&app, "SELECT count(*) FROM cases").await;
    let users_before = count(&app, "SELECT count(*) FROM users").await;
    for (change, field) in [
        (json!({ "subject": "" }), "subject"),
        (json!({ "description": " " }), "description"),
        (json!({ "priority": "whenever" }), "priority"),
        (json!({ "category_id": 999999 }), "category_id"),
        (json!({ "channel": "portal" }), "channel"),
        (json!({ "channel": null }), "channel"),
        (json!({ "requester_email": null }), "requester_email"),
        (
            json!({ "requester_email": "not an address" }),
            "requester_email",
        ),
        (
            json!({ "requester_email": "admin@rapport.example" }),
            "requester_email",
        ),
        // An unknown address needs the new contact's name and organization.
        (
            json!({ "requester_email": "new@acme.example" }),
            "requester_name",
        ),
        (
            json!({ "requester_email": "new@acme.example", "requester_name": "Nina New" }),
            "organization_id",
        ),
        (
            json!({ "requester_email": "new@acme.example", "requester_name": "Nina New",
                    "organization_id": 999999 }),
            "organization_id",
        ),
        (
            json!({ "requester_email": "new@acme.example", "requester_name": "Nina New",
                    "organization_id": acme.id, "category_id": 999999 }),
            "category_id",
        ),
        (
            json!({ "attachments": [{ "file_name": "run.exe", "content_base64": "AAAA" }] }),
            "attachments[0]",
        ),
        (
            json!({ "attachments": [{ "file_name": "log.txt", "content_base64": "%%%" }] }),
            "attachments[0].content_base64",
        ),
        (json!({ "subject": 7 }), "subject"),
    ] {
        let mut sent = case("carla@acme.example");
        for (key, value) in change.as_object().unwrap() {
            sent[key] = value.clone();
        }
        let (status, body) = problem(agent.post("/cases", &sent).await).await;
        assert_eq!(
            (status, body["field"].as_str()),
            (422, Some(field)),
            "{change}: {body}"
        );
    }
    assert_eq!(
        count(&app, "SELECT count(*) FROM cases").await,
        cases_before
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM users").await,
        users_before
    );
    assert!(app.stored_files().is_empty());

    // An unknown address becomes a contact of the organization given.
    let mut sent = case("nina@example.org");
    sent["requester_name"] = json!("Nina New");
    sent["organization_id"] = json!(acme.id);
    sent["attachments"] = json!([{ "file_name": "notes.txt", "content_type": "text/html",
                                    "content_base64": STANDARD.encode("hello") }]);
    let opened = body(agent.post("/cases", &sent).await, 201).await;
    assert_eq!(opened["requester"]["name"], "Nina New");
    assert_eq!(opened["organization"]["id"], acme.id);
    assert_eq!(opened["attachments"][0]["file_name"], "notes.txt");
    let (hash, role): (String, String) =
        sqlx::query_as("SELECT password_hash, role FROM users WHERE email = 'nina@example.org'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((hash.as_str(), role.as_str()), ("!contact", "customer"));
    // The file is served with the type of its name, not the one sent.
    let file = agent
        .get(
            opened["attachments"][0]["url"]
                .as_str()
                .unwrap()
                .trim_start_matches("/api/v1"),
        )
        .await;
    assert_eq!(file.headers()[CONTENT_TYPE], "text/plain; charset=utf-8");
    assert_eq!(file.text().await.unwrap(), "hello");

    // A token that only reads may not open a case.
    let reader = api(&app, "agent@rapport.example", &["cases:read"]).await;
    let (status, body) = problem(reader.post("/cases", &case("carla@acme.example")).await).await;
    assert_eq!(status, 403);
    assert!(body["detail"].as_str().unwrap().contains("cases:write"));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn customers_open_their_own_cases_within_the_limit(pool: PgPool) {
    let app = TestApp::spawn_empty_with(pool, |config| {
        config.limits = config.limits.clone().with(
            rapport_core::limits::Limit::NewCase,
            rapport_core::limits::Rule {
                max: 1,
                per: std::time::Duration::from_secs(3600),
            },
        );
    })
    .await;
    fixtures::people(&app.pool, PEOPLE).await;
    let acme = fixtures::organization(&app.pool, "Acme Robotics").await;
    let category = category_id(&app).await;
    let carla = api(&app, "carla@acme.example", &["cases:read", "cases:write"]).await;
    let case = json!({
        "subject": "Robot arm stalls",
        "description": "After an hour of work.",
        "category_id": category,
        "priority": "normal",
    });
    let opened = body(carla.post("/cases", &case).await, 201).await;
    assert_eq!(opened["requester"]["email"], "carla@acme.example");
    assert_eq!(opened["organization"]["id"], acme.id);
    assert_eq!(opened["channel"], "portal");
    assert_eq!(opened["assignee"], Value::Null);

    // Customers open cases for themselves only.
    let mut for_someone = case.clone();
    for_someone["requester_email"] = json!("olivia@northwind.example");
    let (status, body_) = problem(carla.post("/cases", &for_someone).await).await;
    assert_eq!(
        (status, body_["field"].as_str()),
        (422, Some("requester_email"))
    );
    // The portal's limit on new cases (one an hour here) holds for the API too.
    let (status, _) = problem(carla.post("/cases", &case).await).await;
    assert_eq!(status, 429);
    assert_eq!(count(&app, "SELECT count(*) FROM cases").await, 1);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn agents_change_cases_with_the_version_they_saw(pool: PgPool) {
    let app = app_with_people(pool).await;
    let case = fixtures::case("nick@northwind.example", "Printer jams on tray 2")
        .tags(&["printer"])
        .insert(&app.pool)
        .await;
    let other = fixtures::case("carla@acme.example", "Robot arm stalls")
        .insert(&app.pool)
        .await;
    let agent = api(
        &app,
        "agent@rapport.example",
        &["cases:read", "cases:write"],
    )
    .await;
    let path = format!("/cases/{}", case.number);
    let before = agent.json(&path).await;
    let agent_id = count(
        &app,
        "SELECT id FROM users WHERE email = 'agent@rapport.example'",
    )
    .await;

    // Only what is sent changes.
    let changed = body(
        agent
            .patch(
                &path,
                &json!({ "priority": "urgent", "assignee_id": agent_id }),
            )
            .await,
        200,
    )
    .await;
    assert_eq!(changed["priority"], "urgent");
    assert_eq!(changed["status"], before["status"]);
    assert_eq!(changed["tags"], json!(["printer"]));
    assert_eq!(changed["assignee"]["id"], agent_id);
    assert_eq!(changed["version"], before["version"].as_i64().unwrap() + 1);
    let changed = body(
        agent
            .patch(
                &path,
                &json!({ "status": "pending", "tags": ["printer", "Tray 2"],
                         "version": changed["version"] }),
            )
            .await,
        200,
    )
    .await;
    assert_eq!(changed["status"], "pending");
    assert_eq!(changed["tags"], json!(["printer", "tray-2"]));
    assert_eq!(changed["assignee"]["id"], agent_id, "left out: kept");
    let changed = body(
        agent.patch(&path, &json!({ "assignee_id": null })).await,
        200,
    )
    .await;
    assert_eq!(changed["assignee"], Value::Null);
    let version = changed["version"].as_i64().unwrap();

    // A stale version: 409, nothing saved.
    let (status, _) = problem(
        agent
            .patch(
                &path,
                &json!({ "status": "solved", "version": version - 1 }),
            )
            .await,
    )
    .await;
    assert_eq!(status, 409);
    // Bad input names the field, nothing saved.
    for (patch, field) in [
        (json!({ "status": "done" }), "status"),
        (json!({ "priority": "asap" }), "priority"),
        (json!({ "category_id": 999999 }), "category_id"),
        (json!({ "assignee_id": 999999 }), "assignee_id"),
        (json!({ "tags": ["no good!"] }), "tags"),
        (json!({ "tags": ["a,b"] }), "tags"),
        (json!({ "status": 3 }), "status"),
    ] {
        let (status, body) = problem(agent.patch(&path, &patch).await).await;
        assert_eq!(
            (status, body["field"].as_str()),
            (422, Some(field)),
            "{patch}: {body}"
        );
    }
    let after = agent.json(&path).await;
    assert_eq!(after["version"], version);
    assert_eq!(after["status"], "pending");
    // The changes are in the feed.
    let events: Vec<String> = feed(&agent)
        .await
        .iter()
        .map(|c| c["event"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(events, ["case.updated", "case.updated", "case.updated"]);

    // Not found is not found.
    let (status, _) = problem(agent.patch("/cases/C-999999", &json!({})).await).await;
    assert_eq!(status, 404);
    // A reading token, or a customer admin, may not change cases.
    let reader = api(&app, "agent@rapport.example", &["cases:read"]).await;
    let (status, _) = problem(reader.patch(&path, &json!({ "priority": "low" })).await).await;
    assert_eq!(status, 403);
    let carla = api(&app, "carla@acme.example", &["cases:read", "cases:write"]).await;
    for number in [&case.number, &other.number] {
        let (status, _) = problem(
            carla
                .patch(&format!("/cases/{number}"), &json!({ "priority": "low" }))
                .await,
        )
        .await;
        assert_eq!(status, 403);
    }
    assert_eq!(agent.json(&path).await["version"], version);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn replies_notes_and_their_files_reach_only_those_who_may_see_them(pool: PgPool) {
    let app = app_with_people(pool).await;
    let case = fixtures::case("nick@northwind.example", "Printer jams on tray 2")
        .message("nick@northwind.example", "It happens every morning.")
        .insert(&app.pool)
        .await;
    let agent = api(
        &app,
        "agent@rapport.example",
        &["cases:read", "cases:write"],
    )
    .await;
    let olivia = api(
        &app,
        "olivia@northwind.example",
        &["cases:read", "cases:write"],
    )
    .await;
    let carla = api(&app, "carla@acme.example", &["cases:read", "cases:write"]).await;
    let messages = format!("/cases/{}/messages", case.number);

    // An agent's reply with a file, then an internal note with one.
    let reply = agent
        .post(
            &messages,
            &json!({ "body": "Please send the printer's log.",
                     "attachments": [{ "file_name": "steps.pdf",
                                       "content_base64": STANDARD.encode(b"%PDF-1.4 steps") }] }),
        )
        .await;
    let reply = body(reply, 201).await;
    assert_eq!(reply["internal"], false);
    assert_eq!(reply["author"]["staff"], true);
    assert_eq!(reply["body"], "Please send the printer's log.");
    let reply_file = reply["attachments"][0]["url"].as_str().unwrap().to_string();
    assert!(reply_file.starts_with(&format!("/api/v1/cases/{}/attachments/", case.number)));
    let note = body(
        agent
            .post(
                &messages,
                &json!({ "body": "Their firmware is old.", "internal": true,
                         "attachments": [{ "file_name": "firmware.txt",
                                           "content_base64": STANDARD.encode("v1.0") }] }),
            )
            .await,
        201,
    )
    .await;
    assert_eq!(note["internal"], true);
    let note_file = note["attachments"][0]["url"].as_str().unwrap().to_string();
    // The agent's reply opened the case, as on the page.
    assert_eq!(
        agent.json(&format!("/cases/{}", case.number)).await["status"],
        "open"
    );

    // Staff see the whole thread; the customer admin no note.
    let thread = agent.json(&messages).await;
    let bodies: Vec<&str> = thread["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies,
        [
            "It happens every morning.",
            "Please send the printer's log.",
            "Their firmware is old."
        ]
    );
    let theirs = olivia.json(&messages).await;
    let items = theirs["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|m| m["internal"] == false));
    assert!(items.iter().all(|m| m["author"].get("id").is_none()));
    // Paged by cursor.
    let page = agent.json(&format!("{messages}?limit=2")).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let rest = agent
        .json(&format!(
            "{messages}?limit=2&cursor={}",
            page["next_cursor"].as_str().unwrap()
        ))
        .await;
    assert_eq!(rest["items"][0]["body"], "Their firmware is old.");
    assert_eq!(rest["next_cursor"], Value::Null);

    // Downloads, with the site's headers; a note's file for staff only.
    let path = |url: &str| url.trim_start_matches("/api/v1").to_string();
    let file = olivia.get(&path(&reply_file)).await;
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()[CONTENT_TYPE], "application/pdf");
    assert_eq!(
        file.headers()[CONTENT_DISPOSITION],
        "attachment; filename=\"steps.pdf\"; filename*=UTF-8''steps.pdf"
    );
    assert_eq!(file.headers()["x-content-type-options"], "nosniff");
    assert_eq!(file.headers()["cache-control"], "private, no-store");
    assert!(file.headers()[CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .starts_with("sandbox"));
    assert_eq!(file.bytes().await.unwrap().as_ref(), b"%PDF-1.4 steps");
    let (status, _) = problem(olivia.get(&path(&note_file)).await).await;
    assert_eq!(status, 404);
    assert_eq!(agent.get(&path(&note_file)).await.status(), 200);

    // Another organization's customer admin reaches nothing of it.
    for url in [&reply_file, &note_file] {
        let (status, _) = problem(carla.get(&path(url)).await).await;
        assert_eq!(status, 404);
    }
    let (status, _) = problem(carla.get(&messages).await).await;
    assert_eq!(status, 404);
    let (status, _) = problem(carla.post(&messages, &json!({ "body": "Hi" })).await).await;
    assert_eq!(status, 404);

    // The customer admin replies; an internal note is refused, naming it.
    let answer = body(
        olivia
            .post(&messages, &json!({ "body": "Log attached." }))
            .await,
        201,
    )
    .await;
    assert_eq!(answer["author"]["staff"], false);
    let before = count(&app, "SELECT count(*) FROM case_messages").await;
    let files_before = app.stored_files().len();
    for (message, field) in [
        (json!({ "body": "Psst", "internal": true }), "internal"),
        (json!({ "body": "   " }), "body"),
        (json!({}), "body"),
        (
            json!({ "body": "Files", "attachments": [{ "file_name": "page.html",
                                                         "content_base64": "aGk=" }] }),
            "attachments[0]",
        ),
        (
            json!({ "body": "Big", "attachments": [{ "file_name": "big.log",
                "content_base64": STANDARD.encode(vec![b'x'; 10 * 1024 * 1024 + 1]) }] }),
            "attachments[0]",
        ),
    ] {
        let (status, body) = problem(olivia.post(&messages, &message).await).await;
        assert_eq!(
            (status, body["field"].as_str()),
            (422, Some(field)),
            "{body}"
        );
        if field == "attachments[0]" {
            let detail = body["detail"].as_str().unwrap();
            assert!(
                detail.contains(".html") || detail.contains("big.log"),
                "{detail}"
            );
        }
    }
    assert_eq!(
        count(&app, "SELECT count(*) FROM case_messages").await,
        before
    );
    assert_eq!(app.stored_files().len(), files_before);
    // A reading token may not write.
    let reading = api(&app, "olivia@northwind.example", &["cases:read"]).await;
    let (status, _) = problem(reading.post(&messages, &json!({ "body": "Hi" })).await).await;
    assert_eq!(status, 403);

    // The change feed: the note's message.created is staff's only, and
    // Carla's feed has nothing of Northwind.
    let note_change = |c: &&Value| c["event"] == "message.created" && c["entity_id"] == note["id"];
    assert!(feed(&agent).await.iter().any(|c| note_change(&c)));
    let theirs = feed(&olivia).await;
    assert!(!theirs.iter().any(|c| note_change(&c)));
    assert!(theirs
        .iter()
        .any(|c| c["event"] == "message.created" && c["entity_id"] == answer["id"]));
    assert!(feed(&carla).await.is_empty());
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn followers_are_listed_added_and_removed_as_on_the_case_page(pool: PgPool) {
    let app = app_with_people(pool).await;
    let case = fixtures::case("nick@northwind.example", "Invoices go to the wrong person")
        .insert(&app.pool)
        .await;
    let write = ["cases:read", "cases:write"];
    let agent = api(&app, "agent@rapport.example", &write).await;
    let olivia = api(&app, "olivia@northwind.example", &write).await;
    let olivia_reads = api(&app, "olivia@northwind.example", &["cases:read"]).await;
    let carla = api(&app, "carla@acme.example", &write).await;
    let followers = format!("/cases/{}/followers", case.number);

    assert_eq!(olivia.json(&followers).await["items"], json!([]));
    // Staff add anyone: an address nobody has becomes a contact.
    let stranger = json!({ "email": "accounts@partner.example" });
    let added = agent.post(&followers, &stranger).await;
    let location = added.headers()[LOCATION].to_str().unwrap().to_string();
    assert_eq!(location, format!("/api/v1{followers}"));
    let list = body(added, 201).await;
    assert_eq!(list["items"][0]["email"], "accounts@partner.example");
    let contact = list["items"][0]["user_id"].as_i64().unwrap();
    // The same address again changes nothing.
    let again = body(agent.post(&followers, &stranger).await, 200).await;
    assert_eq!(again, list);

    // The organization's customer admin adds a colleague who has an account,
    // and no one else; the requester gets every reply already.
    let list = body(
        olivia
            .post(&followers, &json!({ "email": "olivia@northwind.example" }))
            .await,
        201,
    )
    .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    for (email, says) in [
        ("someone@elsewhere.example", "Only colleagues at"),
        ("nick@northwind.example", "This is the requester"),
        ("not an address", ""),
    ] {
        let (status, problem) =
            problem(olivia.post(&followers, &json!({ "email": email })).await).await;
        assert_eq!(
            (status, problem["field"].as_str()),
            (422, Some("email")),
            "{email}: {problem}"
        );
        assert!(problem.to_string().contains(says), "{email}: {problem}");
    }
    // Without cases:write a token adds nobody; another organization's token
    // finds no such case, to read or to add to.
    let (status, _) = problem(olivia_reads.post(&followers, &stranger).await).await;
    assert_eq!(status, 403);
    let (status, _) = problem(carla.get(&followers).await).await;
    assert_eq!(status, 404);
    let carla_herself = json!({ "email": "carla@acme.example" });
    let (status, _) = problem(carla.post(&followers, &carla_herself).await).await;
    assert_eq!(status, 404);

    // Taking someone off is for staff; someone who does not follow is not found.
    let (status, _) = problem(olivia.delete(&format!("{followers}/{contact}")).await).await;
    assert_eq!(status, 403);
    assert_eq!(
        agent
            .delete(&format!("{followers}/{contact}"))
            .await
            .status(),
        204
    );
    for gone in [contact.to_string(), "someone".to_string()] {
        let (status, _) = problem(agent.delete(&format!("{followers}/{gone}")).await).await;
        assert_eq!(status, 404, "{gone}");
    }
    let left = olivia.json(&followers).await;
    assert_eq!(left["items"].as_array().unwrap().len(), 1, "{left}");
    assert_eq!(left["items"][0]["email"], "olivia@northwind.example");
    assert_eq!(count(&app, "SELECT count(*) FROM case_followers").await, 1);
}
