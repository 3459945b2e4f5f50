//! SLA clocks and their settings: due times from the stored calendar and targets
//! on a real database, and the admin endpoints on the real router.

use crate::common;

use crate::common::{fixtures, TestApp};
use app::api::cases::{CaseDetail, UpdateCase};
use app::api::sla::{AddHoliday, RemoveHoliday, SaveBusinessHours, SaveSlaPolicy, SlaSettings};
use rapport_core::policy::{self, Action, Actor, Permit};
use rapport_core::sla::{self, DueTimes};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::Value;
use sqlx::PgPool;
use time::macros::datetime;
use time::OffsetDateTime;

/// Monday 2024-06-03, 10:00 UTC: an hour into the default calendar's day
/// (Monday to Friday, 09:00–17:00 UTC).
const MONDAY_10: OffsetDateTime = datetime!(2024-06-03 10:00 UTC);

/// The permit an admin gets to change the business calendar.
fn calendar_admin() -> Permit {
    let admin = Actor {
        user_id: 1,
        role: rapport_types::Role::Admin,
        organization_id: None,
    };
    policy::authorize(Some(&admin), &Action::ManageSlaPolicies).unwrap()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn due_times_for_each_priority_in_the_default_calendar(pool: PgPool) {
    // The migration's targets (first response, resolution), in business minutes:
    // urgent 60/480, high 240/1440, normal 480/2400, low 960/4800.
    let expected = [
        (
            "urgent",
            datetime!(2024-06-03 11:00 UTC),
            datetime!(2024-06-04 10:00 UTC),
        ),
        (
            "high",
            datetime!(2024-06-03 14:00 UTC),
            datetime!(2024-06-06 10:00 UTC),
        ),
        (
            "normal",
            datetime!(2024-06-04 10:00 UTC),
            datetime!(2024-06-10 10:00 UTC),
        ),
        (
            "low",
            datetime!(2024-06-05 10:00 UTC),
            datetime!(2024-06-17 10:00 UTC),
        ),
    ];
    for (priority, first_response, resolution) in expected {
        let due = sla::due_times(&pool, priority, MONDAY_10).await.unwrap();
        assert_eq!(
            due,
            DueTimes {
                first_response_due_at: first_response,
                resolution_due_at: resolution,
            },
            "{priority}"
        );
    }
    let err = sla::due_times(&pool, "whenever", MONDAY_10)
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("priority"));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_holiday_moves_the_due_time(pool: PgPool) {
    sla::add_holiday(&calendar_admin(), &pool, "2024-06-04", "Founders' Day")
        .await
        .unwrap();
    let due = sla::due_times(&pool, "urgent", MONDAY_10).await.unwrap();
    assert_eq!(due.first_response_due_at, datetime!(2024-06-03 11:00 UTC));
    // Tuesday is off: the 8 hours end on Wednesday instead.
    assert_eq!(due.resolution_due_at, datetime!(2024-06-05 10:00 UTC));

    // The calendar the lead's code loads sees it too.
    let calendar = sla::load_calendar(&pool).await.unwrap();
    assert_eq!(
        calendar.business_minutes_between(MONDAY_10, datetime!(2024-06-05 10:00 UTC)),
        480
    );
    sla::remove_holiday(&calendar_admin(), &pool, "2024-06-04")
        .await
        .unwrap();
    let due = sla::due_times(&pool, "urgent", MONDAY_10).await.unwrap();
    assert_eq!(due.resolution_due_at, datetime!(2024-06-04 10:00 UTC));
}

/// Monday to Friday 09:00–17:00 as the form sends it.
fn office_week() -> Vec<(String, String)> {
    (0..7)
        .map(|day| {
            if day < 5 {
                ("09:00".to_string(), "17:00".to_string())
            } else {
                (String::new(), String::new())
            }
        })
        .collect()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn opening_hours_count_in_the_calendar_time_zone(pool: PgPool) {
    let (opens, closes): (Vec<String>, Vec<String>) = office_week().into_iter().unzip();
    sla::save_hours(&calendar_admin(), &pool, "europe/berlin", &opens, &closes)
        .await
        .unwrap();
    let stored: String = sqlx::query_scalar("SELECT time_zone FROM business_calendars")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, "Europe/Berlin", "stored in the database's spelling");
    // 10:00 UTC is 12:00 in Berlin in June: 5 hours left that Monday.
    let due = sla::due_times(&pool, "urgent", MONDAY_10).await.unwrap();
    assert_eq!(due.first_response_due_at, datetime!(2024-06-03 11:00 UTC));
    assert_eq!(due.resolution_due_at, datetime!(2024-06-04 10:00 UTC));
    let due = sla::due_times(&pool, "normal", datetime!(2024-06-03 16:00 UTC))
        .await
        .unwrap();
    // 18:00 in Berlin: closed; 8 hours from Tuesday 09:00 Berlin (07:00 UTC).
    assert_eq!(due.first_response_due_at, datetime!(2024-06-04 15:00 UTC));
}

// ---------------------------------------------------------------------------
// The admin endpoints

fn policy_form(priority: &str, first: (&str, &str), resolution: (&str, &str)) -> SaveSlaPolicy {
    SaveSlaPolicy {
        priority: priority.into(),
        first_response_hours: first.0.into(),
        first_response_minutes: first.1.into(),
        resolution_hours: resolution.0.into(),
        resolution_minutes: resolution.1.into(),
    }
}

async fn targets(app: &TestApp, priority: &str) -> (i32, i32) {
    sqlx::query_as(
        "SELECT first_response_minutes, resolution_minutes FROM sla_policies WHERE priority = $1",
    )
    .bind(priority)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn an_admin_saves_a_policy_and_others_cannot(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "admin@rapport.example",
            "agent@rapport.example",
            "nick@northwind.example",
            "olivia@northwind.example",
        ],
    )
    .await;
    let admin = app.signed_in("admin@rapport.example").await;
    let form = policy_form("urgent", ("0", "30"), ("4", "15"));
    let response = app.invoke(&admin, form).await;
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
    assert_eq!(targets(&app, "urgent").await, (30, 255));

    let refused = policy_form("urgent", ("9", "0"), ("99", "0"));
    for who in [
        "agent@rapport.example",
        "nick@northwind.example",
        "olivia@northwind.example",
    ] {
        let client = app.signed_in(who).await;
        let response = app.invoke(&client, refused.clone()).await;
        assert_eq!(response.status(), 403, "{who}");
    }
    assert_eq!(targets(&app, "urgent").await, (30, 255), "nothing changed");

    // Agents may read the targets; customers may not.
    let agent = app.signed_in("agent@rapport.example").await;
    let response = app.invoke(&agent, SlaSettings {}).await;
    assert_eq!(response.status(), 200);
    let settings: Value = response.json().await.unwrap();
    assert_eq!(settings["policies"][0]["priority"], "urgent");
    assert_eq!(settings["policies"][0]["first_response_minutes"], 30);
    assert_eq!(settings["time_zone"], "UTC");
    assert_eq!(settings["week"][0]["opens"], "09:00");
    assert_eq!(settings["week"][6]["opens"], "");
    assert_eq!(settings["can_edit"], false);
    let nick = app.signed_in("nick@northwind.example").await;
    assert_eq!(app.invoke(&nick, SlaSettings {}).await.status(), 403);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn bad_targets_name_the_priority_and_field(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["admin@rapport.example"]).await;
    let admin = app.signed_in("admin@rapport.example").await;
    let before = targets(&app, "high").await;
    let cases = [
        (
            policy_form("high", ("", ""), ("8", "0")),
            "high_first_response",
        ),
        (
            policy_form("high", ("1", "75"), ("8", "0")),
            "high_first_response",
        ),
        (
            policy_form("high", ("4", "0"), ("3", "0")),
            "high_resolution",
        ),
        (
            policy_form("high", ("1", "0"), ("lots", "")),
            "high_resolution",
        ),
        (policy_form("critical", ("1", "0"), ("2", "0")), "priority"),
    ];
    for (form, field) in cases {
        let response = app.invoke(&admin, form).await;
        assert_eq!(response.status(), 422, "{field}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["Invalid"]["field"], field);
    }
    assert_eq!(targets(&app, "high").await, before);
}

/// The opening-hours form: time zone and, for each weekday, `opens[i]` / `closes[i]`.
fn hours_form(time_zone: &str, week: &[(String, String)]) -> SaveBusinessHours {
    let (opens, closes) = week.iter().cloned().unzip();
    SaveBusinessHours {
        time_zone: time_zone.into(),
        opens,
        closes,
    }
}

async fn save_hours(
    app: &TestApp,
    client: &reqwest::Client,
    form: SaveBusinessHours,
) -> (u16, Value) {
    let response = app.invoke(client, form).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn stored_calendar(app: &TestApp) -> (String, Vec<(i16, String)>) {
    let zone: String = sqlx::query_scalar("SELECT time_zone FROM business_calendars")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let hours: Vec<(i16, String)> = sqlx::query_as(
        "SELECT weekday, opens::text || '-' || closes::text FROM business_hours ORDER BY weekday",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    (zone, hours)
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn an_admin_saves_the_time_zone_and_opening_hours(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["admin@rapport.example"]).await;
    let admin = app.signed_in("admin@rapport.example").await;
    let mut week = office_week();
    week[5] = ("10:00".into(), "14:00".into());
    week[4] = (String::new(), String::new());
    let (status, body) = save_hours(&app, &admin, hours_form("America/New_York", &week)).await;
    assert_eq!(status, 200, "{body}");
    let (zone, hours) = stored_calendar(&app).await;
    assert_eq!(zone, "America/New_York");
    assert_eq!(
        hours,
        vec![
            (1, "09:00:00-17:00:00".to_string()),
            (2, "09:00:00-17:00:00".to_string()),
            (3, "09:00:00-17:00:00".to_string()),
            (4, "09:00:00-17:00:00".to_string()),
            (6, "10:00:00-14:00:00".to_string()),
        ]
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_bad_time_zone_names_the_field_and_saves_nothing(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &["admin@rapport.example", "agent@rapport.example"],
    )
    .await;
    let admin = app.signed_in("admin@rapport.example").await;
    let before = stored_calendar(&app).await;
    let mut week = office_week();
    week[5] = ("10:00".into(), "14:00".into());
    for zone in ["Europe/Atlantis", "", "../../etc/passwd"] {
        let (status, body) = save_hours(&app, &admin, hours_form(zone, &week)).await;
        assert_eq!(status, 422, "{zone:?}");
        assert_eq!(body["Invalid"]["field"], "time_zone", "{zone:?}");
    }
    // Closing before opening names the weekday; an all-closed week is refused.
    let mut late = office_week();
    late[1] = ("17:00".into(), "09:00".into());
    let (status, body) = save_hours(&app, &admin, hours_form("UTC", &late)).await;
    assert_eq!(status, 422);
    assert_eq!(body["Invalid"]["field"], "hours_2");
    assert!(body["Invalid"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Tuesday"));
    let closed = vec![(String::new(), String::new()); 7];
    let (status, body) = save_hours(&app, &admin, hours_form("UTC", &closed)).await;
    assert_eq!(status, 422);
    assert_eq!(body["Invalid"]["field"], "hours");
    assert_eq!(stored_calendar(&app).await, before, "nothing saved");

    // Agents cannot change the calendar.
    let agent = app.signed_in("agent@rapport.example").await;
    let (status, _) = save_hours(&app, &agent, hours_form("UTC", &week)).await;
    assert_eq!(status, 403);
    assert_eq!(stored_calendar(&app).await, before);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn holidays_are_added_once_and_removed(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &["admin@rapport.example", "nick@northwind.example"],
    )
    .await;
    let admin = app.signed_in("admin@rapport.example").await;
    let add = AddHoliday {
        day: "2030-12-25".into(),
        name: "Christmas Day".into(),
    };
    assert_eq!(app.invoke(&admin, add.clone()).await.status(), 200);
    let again = app.invoke(&admin, add).await;
    assert_eq!(again.status(), 422);
    let body: Value = again.json().await.unwrap();
    assert_eq!(body["Invalid"]["field"], "day");
    for (form, field) in [
        (
            AddHoliday {
                day: "2030-02-30".into(),
                name: "Nope".into(),
            },
            "day",
        ),
        (
            AddHoliday {
                day: "2030-12-26".into(),
                name: "  ".into(),
            },
            "name",
        ),
    ] {
        let response = app.invoke(&admin, form).await;
        assert_eq!(response.status(), 422);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["Invalid"]["field"], field);
    }
    let settings: Value = app
        .invoke(&admin, SlaSettings {})
        .await
        .json()
        .await
        .unwrap();
    let holidays = settings["holidays"].as_array().unwrap();
    assert_eq!(holidays.len(), 1);
    assert_eq!(holidays[0]["day"], "2030-12-25");
    assert_eq!(holidays[0]["name"], "Christmas Day");

    let nick = app.signed_in("nick@northwind.example").await;
    let remove = RemoveHoliday {
        day: "2030-12-25".into(),
    };
    assert_eq!(app.invoke(&nick, remove.clone()).await.status(), 403);
    assert_eq!(app.invoke(&admin, remove).await.status(), 200);
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM business_holidays")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_page_works_without_javascript(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &["admin@rapport.example", "agent@rapport.example"],
    )
    .await;
    let admin = app.signed_in("admin@rapport.example").await;
    let page = common::page_text(&admin, &app.url("/admin/sla")).await;
    assert!(page.contains("<h1>Service levels"), "{page}");
    assert!(
        page.contains("<label for=\"field-time_zone\">Time zone"),
        "{page}"
    );
    assert!(page.contains("name=\"opens[0]\""), "{page}");
    assert!(page.contains("name=\"first_response_hours\""), "{page}");

    // A plain form post with a mistake comes back to the page with the message
    // at the field of that priority.
    let response = admin
        .post(app.url("/api/save_sla_policy"))
        .header(ACCEPT, "text/html")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("referer", app.url("/admin/sla"))
        .body(serde_qs::to_string(&policy_form("low", ("1", "0"), ("0", "30"))).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(location.contains("__err="), "{location}");
    // Leptos sends the browser back to the address it came from (the Referer).
    assert!(location.starts_with(&app.url("/admin/sla")), "{location}");
    let page = common::page_text(&admin, &location).await;
    assert!(
        page.contains("Low, resolution: the resolution target cannot be shorter"),
        "{page}"
    );

    // A good one redirects to the page with a confirmation.
    let response = admin
        .post(app.url("/api/save_sla_policy"))
        .header(ACCEPT, "text/html")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("referer", app.url("/admin/sla"))
        .body(serde_qs::to_string(&policy_form("low", ("20", "0"), ("100", "0"))).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], "/admin/sla?saved=targets");
    assert_eq!(targets(&app, "low").await, (1200, 6000));

    // The page is for admins; agents read the targets elsewhere.
    let agent = app.signed_in("agent@rapport.example").await;
    let page = common::page_text(&agent, &app.url("/admin/sla")).await;
    assert!(page.contains("Not available"), "{page}");
    assert!(!page.contains("field-time_zone"));
}

/// Carla's case on hold, assigned to Sam Agent (the demo's case of that subject).
async fn uploads_case(app: &TestApp) {
    let agent = "agent@rapport.example";
    fixtures::case("carla@acme.example", "Uploads over 10 MB fail")
        .description("Uploading our product catalogue (12 MB) ends with an error after a minute.")
        .status("on_hold")
        .assignee(agent)
        .note(agent, "Waiting for the storage team to raise the limit.")
        .message(
            agent,
            "We are waiting for a change on our side and will come back to you this week.",
        )
        .insert(&app.pool)
        .await;
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_new_priority_keeps_the_time_spent_waiting_for_the_customer(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["carla@acme.example", "agent@rapport.example"]).await;
    uploads_case(&app).await;
    let agent = app.signed_in("agent@rapport.example").await;
    let number: i64 =
        sqlx::query_scalar("SELECT number FROM cases WHERE subject = 'Uploads over 10 MB fail'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let plain = |priority: &'static str| {
        let pool = app.pool.clone();
        async move {
            let created: OffsetDateTime =
                sqlx::query_scalar("SELECT created_at FROM cases WHERE number = $1")
                    .bind(number)
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            sla::due_times(&pool, priority, created).await.unwrap()
        }
    };
    // The case waited for the customer before, two business days (16 business
    // hours), so its deadline is that much later than the plain one; its first
    // response came in time.
    let normal = plain("normal").await;
    let calendar = sla::load_calendar(&app.pool).await.unwrap();
    let waited = calendar.add_business_minutes(normal.resolution_due_at, 16 * 60);
    sqlx::query(
        "UPDATE cases SET priority = 'normal', resolution_due_at = $2, sla_waited_seconds = 16 * 3600,
                          first_response_at = first_response_due_at - interval '1 hour'
         WHERE number = $1",
    )
    .bind(number)
    .bind(waited)
    .execute(&app.pool)
    .await
    .unwrap();
    let first_due_before: Option<OffsetDateTime> =
        sqlx::query_scalar("SELECT first_response_due_at FROM cases WHERE number = $1")
            .bind(number)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let case: Value = app
        .invoke(
            &agent,
            CaseDetail {
                number: format!("C-{number}"),
                canned: None,
            },
        )
        .await
        .json()
        .await
        .unwrap();
    let changed = app
        .invoke(
            &agent,
            UpdateCase {
                number: format!("C-{number}"),
                version: case["version"].as_i64().unwrap() as i32,
                status: case["status"].as_str().unwrap().to_string(),
                priority: "urgent".into(),
                category_id: case["category_id"].as_i64().unwrap(),
                assignee_id: case["assignee_id"]
                    .as_i64()
                    .map(|id| id.to_string())
                    .unwrap_or_default(),
                tags: None,
            },
        )
        .await;
    assert_eq!(changed.status(), 200, "{:?}", changed.text().await);
    let (stored, first_due): (OffsetDateTime, Option<OffsetDateTime>) = sqlx::query_as(
        "SELECT resolution_due_at, first_response_due_at FROM cases WHERE number = $1",
    )
    .bind(number)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        first_due, first_due_before,
        "a first response already given keeps the target it met"
    );
    let urgent = plain("urgent").await;
    assert_eq!(
        calendar.business_minutes_between(urgent.resolution_due_at, stored),
        16 * 60,
        "the urgent deadline keeps the 16 business hours waited: {stored} vs plain {}",
        urgent.resolution_due_at
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_settled_case_says_which_targets_were_kept_and_which_missed(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["carla@acme.example", "agent@rapport.example"]).await;
    uploads_case(&app).await;
    let number: i64 =
        sqlx::query_scalar("SELECT number FROM cases WHERE subject = 'Uploads over 10 MB fail'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    // Answered two hours early, solved a day and three hours late.
    sqlx::query(
        "UPDATE cases SET status = 'solved',
                first_response_due_at = now() - interval '3 days',
                first_response_at = now() - interval '3 days 2 hours',
                resolution_due_at = now() - interval '1 day 3 hours',
                solved_at = now()
         WHERE number = $1",
    )
    .bind(number)
    .execute(&app.pool)
    .await
    .unwrap();
    let read = |email: &'static str| {
        let app = &app;
        async move {
            let client = app.signed_in(email).await;
            let case: Value = app
                .invoke(
                    &client,
                    CaseDetail {
                        number: format!("C-{number}"),
                        canned: None,
                    },
                )
                .await
                .json()
                .await
                .unwrap();
            case
        }
    };
    let case = read("agent@rapport.example").await;
    let staff = &case["staff"];
    assert_eq!(staff["first_response_due"], "met, 2 h to spare");
    assert_eq!(staff["first_response_missed"], false);
    assert_eq!(staff["resolution_due"], "missed by 1 day 3 h");
    assert_eq!(staff["resolution_missed"], true);
    assert_eq!(staff["sla_breached"], true);
    // Customers get no staff part: no targets, no breach mark.
    let case = read("carla@acme.example").await;
    assert_eq!(case["staff"], Value::Null);
}
