//! Typed server-function calls (`TestApp::invoke`): the arguments go as
//! server_fn encodes them, and the server reads them back as it reads a form.

use crate::common::{self, fixtures, TestApp};
use app::api::cases::{BulkUpdateCases, CaseDetail, SetCaseOpen};
use app::api::sla::SaveBusinessHours;
use app::api::workshops::MarkAttendance;
use leptos::server_fn::serde::Serialize;
use serde_json::Value;
use sqlx::PgPool;

#[test]
fn typed_arguments_encode_as_a_form_does() {
    // Strings, booleans and numbers: exactly the form the raw calls send.
    assert_eq!(
        typed(&SetCaseOpen {
            number: "C-1001".into(),
            open: true,
        }),
        common::encode(&[("number", "C-1001"), ("open", "true")])
    );
    // An absent Option is left out, as an empty form field would be.
    assert_eq!(
        typed(&CaseDetail {
            number: "C-1001".into(),
            canned: None,
        }),
        "number=C-1001"
    );
    assert_eq!(
        typed(&CaseDetail {
            number: "C-1001".into(),
            canned: Some(7),
        }),
        "number=C-1001&canned=7"
    );
    // Lists are indexed, as the queue's check boxes and the week's rows are named.
    assert_eq!(
        typed(&BulkUpdateCases {
            numbers: Some(vec!["C-1".into(), "C-2".into()]),
            assignee_id: "me".into(),
            status: String::new(),
            back: "/queue?queue=open".into(),
        }),
        "numbers[0]=C-1&numbers[1]=C-2&assignee_id=me&status=&back=%2Fqueue%3Fqueue%3Dopen"
    );
    assert_eq!(
        typed(&SaveBusinessHours {
            time_zone: "Europe/Berlin".into(),
            opens: vec!["09:00".into(), String::new()],
            closes: vec!["17:00".into(), String::new()],
        }),
        "time_zone=Europe%2FBerlin&opens[0]=09%3A00&opens[1]=&closes[0]=17%3A00&closes[1]="
    );
    // An empty list is no field at all (the function defaults it).
    assert_eq!(
        typed(&MarkAttendance {
            session_id: 3,
            present: vec![],
        }),
        "session_id=3"
    );
}

/// The body `TestApp::invoke` sends for these arguments.
fn typed(args: &impl Serialize) -> String {
    serde_qs::to_string(args).unwrap()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_server_reads_typed_options_lists_booleans_and_numbers(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    let people = [
        "agent@rapport.example",
        "admin@rapport.example",
        "nick@northwind.example",
        "carla@acme.example",
    ];
    let sam = fixtures::people(&app.pool, &people).await[0].id;
    for (requester, subject) in [
        (
            "nick@northwind.example",
            "Cannot export the monthly report to CSV",
        ),
        ("carla@acme.example", "Delivery of our last order is late"),
        (
            "carla@acme.example",
            "Where do I find the training calendar?",
        ),
    ] {
        fixtures::case(requester, subject).insert(&app.pool).await;
    }
    rapport_core::db::canned::save(
        &app.pool,
        None,
        "Greeting",
        "Hello {{customer_first_name}},",
        sam,
    )
    .await
    .unwrap();
    // The typed sign-in (an absent `next`) and `current_user` (no arguments).
    let agent = app.signed_in("agent@rapport.example").await;
    assert_eq!(
        app.whoami(&agent).await.as_deref(),
        Some("agent@rapport.example")
    );
    let number_of = |subject: &'static str| {
        let pool = app.pool.clone();
        async move {
            let n: i64 = sqlx::query_scalar("SELECT number FROM cases WHERE subject = $1")
                .bind(subject)
                .fetch_one(&pool)
                .await
                .unwrap();
            format!("C-{n}")
        }
    };
    let export = number_of("Cannot export the monthly report to CSV").await;

    // Option<i64>: absent, then a number.
    let canned: i64 = sqlx::query_scalar("SELECT min(id) FROM canned_replies")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let detail = |canned: Option<i64>| {
        let (app, agent, number) = (&app, &agent, export.clone());
        async move {
            let response = app.invoke(agent, CaseDetail { number, canned }).await;
            assert_eq!(response.status(), 200);
            response.json::<Value>().await.unwrap()
        }
    };
    assert_eq!(detail(None).await["staff"]["reply_draft"], "");
    let draft = detail(Some(canned)).await["staff"]["reply_draft"].to_string();
    assert!(draft.contains("Nick"), "{draft}");

    // Option<Vec<String>>: every listed case changes.
    let late = number_of("Delivery of our last order is late").await;
    let calendar = number_of("Where do I find the training calendar?").await;
    let bulk = app
        .invoke(
            &agent,
            BulkUpdateCases {
                numbers: Some(vec![late.clone(), calendar.clone()]),
                assignee_id: "me".into(),
                status: "open".into(),
                back: "/queue".into(),
            },
        )
        .await;
    assert_eq!(bulk.status(), 200, "{:?}", bulk.text().await);
    let opened: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM cases WHERE 'C-' || number IN ($1, $2) AND status = 'open'",
    )
    .bind(&late)
    .bind(&calendar)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(opened, 2);

    // bool: the requester closes his case.
    let nick = app.signed_in("nick@northwind.example").await;
    let closed = app
        .invoke(
            &nick,
            SetCaseOpen {
                number: export.clone(),
                open: false,
            },
        )
        .await;
    assert_eq!(closed.status(), 200, "{:?}", closed.text().await);
    let status: String = sqlx::query_scalar("SELECT status FROM cases WHERE 'C-' || number = $1")
        .bind(&export)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(status, "closed");

    // Vec<String> with empty entries: closed days.
    let admin = app.signed_in("admin@rapport.example").await;
    let mut opens = vec!["08:30".to_string(); 5];
    opens.extend([String::new(), String::new()]);
    let mut closes = vec!["16:30".to_string(); 5];
    closes.extend([String::new(), String::new()]);
    let saved = app
        .invoke(
            &admin,
            SaveBusinessHours {
                time_zone: "Europe/Berlin".into(),
                opens,
                closes,
            },
        )
        .await;
    assert_eq!(saved.status(), 200, "{:?}", saved.text().await);
    let days: Vec<(i16, String)> =
        sqlx::query_as("SELECT weekday, opens::text FROM business_hours ORDER BY weekday")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        days,
        (1..=5)
            .map(|d| (d, "08:30:00".to_string()))
            .collect::<Vec<_>>()
    );
}
