//! Workshops: trainers plan sessions, customers register, the waitlist moves up
//! in order, two people taking the last place at once get one place between
//! them, cancellations and attendance, mails with calendar files, time zones,
//! who may do what, and workshops in search.

use crate::common::{fixtures, TestApp};
use app::api::search::SearchArticles;
use app::api::workshops::{
    CancelRegistration, CancelSession, MarkAttendance, MyWorkshops, RegisterForSession,
    SaveSession, SetTimeZone, WorkshopCalendar, WorkshopSessions,
};
use leptos::server_fn::serde::Serialize;
use leptos::server_fn::ServerFn;
use rapport_core::db::search_docs;
use rapport_core::policy::Actor;
use rapport_core::time_zones::ReaderZone;
use rapport_core::workshops;
use rapport_core::Reader;
use rapport_types::{RegistrationStatus, Role};
use reqwest::Client;
use serde_json::Value;
use sqlx::PgPool;
use time::{Duration, OffsetDateTime};

/// A published workshop article (kind `workshop`) for `audience`; returns its id.
pub(crate) async fn workshop(pool: &PgPool, slug: &str, title: &str, audience: &str) -> i64 {
    let category: i64 = sqlx::query_scalar(
        "INSERT INTO article_categories (slug, name) VALUES ($1, $1)
         ON CONFLICT (slug) DO UPDATE SET name = excluded.name RETURNING id",
    )
    .bind("events")
    .fetch_one(pool)
    .await
    .unwrap();
    let mut tx = pool.begin().await.unwrap();
    let id: i64 = sqlx::query_scalar("INSERT INTO articles (slug) VALUES ($1) RETURNING id")
        .bind(slug)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    sqlx::query(
        "WITH r AS (
             INSERT INTO article_revisions (article_id, number, kind, title, summary, body, category_id, tags, audience)
             VALUES ($1, 1, 'workshop', $2, 'Hands-on, two hours.', 'We calibrate **gripper sensors** together.', $3, ARRAY['sensors'], $4)
             RETURNING id)
         UPDATE articles SET latest_revision_id = (SELECT id FROM r), published_revision_id = (SELECT id FROM r),
                state = 'published', published_at = now() WHERE id = $1",
    )
    .bind(id)
    .bind(title)
    .bind(category)
    .bind(audience)
    .execute(&mut *tx)
    .await
    .unwrap();
    search_docs::notify_article_changed(&mut tx, id)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

/// Call a server function with typed arguments: the status, and the answer as JSON.
async fn call_json<F>(app: &TestApp, client: &Client, args: F) -> (u16, Value)
where
    F: ServerFn + Serialize,
{
    let response = app.invoke(client, args).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A date `days` from today, as the session form takes it.
fn day(days: i64) -> String {
    let d = OffsetDateTime::now_utc().date() + Duration::days(days);
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// The trainer adds a session; returns its id.
async fn add_session(app: &TestApp, trainer: &Client, article_id: i64, capacity: &str) -> i64 {
    let form = SaveSession {
        article_id,
        session_id: 0,
        version: 0,
        date: day(14),
        time: "14:00".into(),
        time_zone: "Europe/Zurich".into(),
        duration_minutes: "120".into(),
        capacity: capacity.into(),
        place: "Basel training centre, Room 2".into(),
        online_url: String::new(),
    };
    let response = app.invoke(trainer, form).await;
    assert!(
        response.status().is_success() || response.status().is_redirection(),
        "{:?}",
        response.text().await
    );
    sqlx::query_scalar("SELECT max(id) FROM workshop_sessions WHERE article_id = $1")
        .bind(article_id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn registration_status(pool: &PgPool, session_id: i64, email: &str) -> Option<String> {
    sqlx::query_scalar(
        "SELECT g.status FROM workshop_registrations g JOIN users u ON u.id = g.user_id
         WHERE g.session_id = $1 AND u.email = $2 AND g.status <> 'cancelled'",
    )
    .bind(session_id)
    .bind(email)
    .fetch_optional(pool)
    .await
    .unwrap()
}

/// (subject, has a calendar file) of the mails to `email`, oldest first.
async fn mails_to(pool: &PgPool, email: &str) -> Vec<(String, Option<String>)> {
    sqlx::query_as(
        "SELECT subject, calendar FROM outbound_mails WHERE to_address LIKE '%' || $1 || '%' ORDER BY id",
    )
    .bind(email)
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_full_session_waitlists_and_a_cancellation_moves_the_first_up(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "trainer@rapport.example",
            "ahmed@acme.example",
            "nick@northwind.example",
            "olivia@northwind.example",
        ],
    )
    .await;
    let article = workshop(&app.pool, "sensor-clinic", "Sensor clinic", "customers").await;
    let trainer = app.signed_in("trainer@rapport.example").await;
    let session = add_session(&app, &trainer, article, "1").await;
    let ahmed = app.signed_in("ahmed@acme.example").await;
    let nick = app.signed_in("nick@northwind.example").await;
    let olivia = app.signed_in("olivia@northwind.example").await;

    let (status, first) = call_json(
        &app,
        &ahmed,
        RegisterForSession {
            session_id: session,
        },
    )
    .await;
    assert_eq!((status, first.as_str()), (200, Some("registered")));
    let (_, second) = call_json(
        &app,
        &nick,
        RegisterForSession {
            session_id: session,
        },
    )
    .await;
    assert_eq!(second, "waitlisted");
    let (_, third) = call_json(
        &app,
        &olivia,
        RegisterForSession {
            session_id: session,
        },
    )
    .await;
    assert_eq!(third, "waitlisted");
    // Registering again changes nothing.
    let (_, again) = call_json(
        &app,
        &ahmed,
        RegisterForSession {
            session_id: session,
        },
    )
    .await;
    assert_eq!(again, "registered");

    // Each sees where they stand; the online link is for registered people only.
    let (_, seen) = call_json(
        &app,
        &olivia,
        WorkshopSessions {
            slug: "sensor-clinic".into(),
        },
    )
    .await;
    let listed = &seen["sessions"][0];
    assert_eq!(listed["mine"], "waitlisted");
    assert_eq!(listed["waitlist_place"], 2);
    assert_eq!(listed["places_left"], 0);
    assert_eq!(listed["waitlisted"], 2);

    // Ahmed cancels: Nick, first on the waitlist, gets the place; Olivia moves to first.
    let response = app
        .invoke(
            &ahmed,
            CancelRegistration {
                session_id: session,
            },
        )
        .await;
    assert!(
        response.status().is_success(),
        "{:?}",
        response.text().await
    );
    assert_eq!(
        registration_status(&app.pool, session, "ahmed@acme.example").await,
        None
    );
    assert_eq!(
        registration_status(&app.pool, session, "nick@northwind.example")
            .await
            .as_deref(),
        Some("registered")
    );
    let (_, seen) = call_json(
        &app,
        &olivia,
        WorkshopSessions {
            slug: "sensor-clinic".into(),
        },
    )
    .await;
    assert_eq!(seen["sessions"][0]["waitlist_place"], 1);

    // Mails: a confirmation with a calendar file, the waitlist notice, the move up.
    let ahmeds = mails_to(&app.pool, "ahmed@acme.example").await;
    assert!(ahmeds[0].0.starts_with("You are registered"), "{ahmeds:?}");
    let ics = ahmeds[0].1.as_deref().expect("a calendar file");
    assert!(
        ics.contains("BEGIN:VCALENDAR") && ics.contains("SUMMARY:Sensor clinic"),
        "{ics}"
    );
    assert!(ics.contains("LOCATION:Basel training centre"), "{ics}");
    let nicks: Vec<String> = mails_to(&app.pool, "nick@northwind.example")
        .await
        .into_iter()
        .map(|m| m.0)
        .collect();
    assert!(nicks[0].starts_with("You are on the waitlist"), "{nicks:?}");
    assert!(nicks[1].starts_with("A place freed up"), "{nicks:?}");

    // The trainer moves the session an hour later: everyone in it or waiting hears
    // of it, with a calendar file for the same event.
    let moved = SaveSession {
        article_id: article,
        session_id: session,
        version: 1,
        date: day(14),
        time: "15:00".into(),
        time_zone: "Europe/Zurich".into(),
        duration_minutes: "120".into(),
        capacity: "1".into(),
        place: "Basel training centre, Room 2".into(),
        online_url: String::new(),
    };
    let response = app.invoke(&trainer, moved).await;
    assert!(response.status().is_success() || response.status().is_redirection());
    for email in ["nick@northwind.example", "olivia@northwind.example"] {
        let (subject, calendar) = mails_to(&app.pool, email).await.pop().unwrap();
        assert!(subject.starts_with("Session changed"), "{email}: {subject}");
        assert!(calendar
            .unwrap()
            .contains(&format!("UID:workshop-session-{session}@rapport")));
    }
    assert!(!mails_to(&app.pool, "ahmed@acme.example")
        .await
        .last()
        .unwrap()
        .0
        .starts_with("Session changed"));

    // Nick's own list shows it upcoming.
    let (_, mine) = call_json(&app, &nick, MyWorkshops {}).await;
    assert_eq!(mine["upcoming"][0]["status"], "registered");
    assert_eq!(
        mine["upcoming"][0]["session"]["workshop_title"],
        "Sensor clinic"
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn two_people_taking_the_last_place_at_the_same_moment_get_one_place_between_them(
    pool: PgPool,
) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "trainer@rapport.example",
            "ahmed@acme.example",
            "nick@northwind.example",
        ],
    )
    .await;
    let article = workshop(&app.pool, "race", "Race for the last place", "customers").await;
    let trainer = app.signed_in("trainer@rapport.example").await;
    let people: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, organization_id FROM users WHERE email IN ('ahmed@acme.example', 'nick@northwind.example') ORDER BY email",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let reader = |(user_id, organization_id): (i64, i64)| {
        let actor = Actor {
            user_id,
            role: Role::Customer,
            organization_id: Some(organization_id),
        };
        Reader::new(Some(actor), ReaderZone::utc())
    };
    let (first, second) = (reader(people[0]), reader(people[1]));
    // Many rounds, each a fresh session with one place, both asking at once.
    for _ in 0..10 {
        let session = add_session(&app, &trainer, article, "1").await;
        let (a, b) = tokio::join!(
            workshops::register(&first, &app.links, &app.pool, session),
            workshops::register(&second, &app.links, &app.pool, session),
        );
        let mut outcomes = [a.unwrap(), b.unwrap()];
        outcomes.sort_by_key(|s| s.as_str());
        assert_eq!(
            outcomes,
            [
                RegistrationStatus::Registered,
                RegistrationStatus::Waitlisted
            ]
        );
        let registered: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM workshop_registrations WHERE session_id = $1 AND status = 'registered'",
        )
        .bind(session)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(registered, 1);
    }
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn bad_session_input_names_the_field_and_nothing_is_saved(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["trainer@rapport.example"]).await;
    let article = workshop(&app.pool, "bad-input", "Bad input", "customers").await;
    let trainer = app.signed_in("trainer@rapport.example").await;
    let (future, past) = (day(10), day(-3));
    let base = SaveSession {
        article_id: article,
        session_id: 0,
        version: 0,
        date: future,
        time: "09:30".into(),
        time_zone: "Europe/Zurich".into(),
        duration_minutes: "90".into(),
        capacity: "12".into(),
        place: "Room 1".into(),
        online_url: String::new(),
    };
    let cases = vec![
        (
            "date",
            SaveSession {
                date: past,
                ..base.clone()
            },
        ),
        (
            "capacity",
            SaveSession {
                capacity: "0".into(),
                ..base.clone()
            },
        ),
        (
            "duration_minutes",
            SaveSession {
                duration_minutes: "ten".into(),
                ..base.clone()
            },
        ),
        (
            "time_zone",
            SaveSession {
                time_zone: "Mars/Olympus".into(),
                ..base.clone()
            },
        ),
        (
            "time",
            SaveSession {
                time: "25:99".into(),
                ..base.clone()
            },
        ),
        (
            "online_url",
            SaveSession {
                online_url: "javascript:alert(1)".into(),
                ..base.clone()
            },
        ),
        (
            "place",
            SaveSession {
                place: String::new(),
                ..base.clone()
            },
        ),
    ];
    for (field, form) in cases {
        let (status, error) = call_json(&app, &trainer, form).await;
        assert_eq!(status, 422, "{field}: {error}");
        assert!(error.to_string().contains(field), "{field}: {error}");
    }
    let sessions: i64 = sqlx::query_scalar("SELECT count(*) FROM workshop_sessions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(sessions, 0);

    // Two trainers edit the same session: the second edit, made on the old version, is refused.
    let session = add_session(&app, &trainer, article, "2").await;
    let edit = |capacity: &'static str| SaveSession {
        session_id: session,
        version: 1,
        capacity: capacity.into(),
        ..base.clone()
    };
    let first = app.invoke(&trainer, edit("20")).await;
    assert!(first.status().is_success() || first.status().is_redirection());
    let (status, _) = call_json(&app, &trainer, edit("30")).await;
    assert_eq!(status, 409);
    let capacity: i32 =
        sqlx::query_scalar("SELECT capacity FROM workshop_sessions WHERE id = $1::bigint")
            .bind(session)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(capacity, 20);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn who_may_plan_register_and_see_sessions(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "trainer@rapport.example",
            "ahmed@acme.example",
            "agent@rapport.example",
        ],
    )
    .await;
    let open = workshop(&app.pool, "open-workshop", "Open workshop", "customers").await;
    let internal = workshop(&app.pool, "staff-only", "Staff only workshop", "internal").await;
    let trainer = app.signed_in("trainer@rapport.example").await;
    let open_session = add_session(&app, &trainer, open, "5").await;
    let internal_session = add_session(&app, &trainer, internal, "5").await;
    let ahmed = app.signed_in("ahmed@acme.example").await;
    let agent = app.signed_in("agent@rapport.example").await;

    // Customers do not plan sessions.
    let form = SaveSession {
        article_id: 1,
        session_id: 0,
        version: 0,
        date: "2030-01-01".into(),
        time: "10:00".into(),
        time_zone: "UTC".into(),
        duration_minutes: "60".into(),
        capacity: "5".into(),
        place: "x".into(),
        online_url: String::new(),
    };
    assert_eq!(app.invoke(&ahmed, form).await.status(), 403);
    // Staff do not register; visitors are asked to sign in.
    assert_eq!(
        app.invoke(
            &trainer,
            RegisterForSession {
                session_id: open_session,
            },
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        app.invoke(
            &agent,
            RegisterForSession {
                session_id: open_session,
            },
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        app.invoke(
            &app.browser(),
            RegisterForSession {
                session_id: open_session,
            },
        )
        .await
        .status(),
        401
    );
    // A workshop the customer may not read does not exist for them, nor do its sessions.
    assert_eq!(
        call_json(
            &app,
            &ahmed,
            WorkshopSessions {
                slug: "staff-only".into(),
            },
        )
        .await
        .0,
        404
    );
    assert_eq!(
        app.invoke(
            &ahmed,
            RegisterForSession {
                session_id: internal_session,
            },
        )
        .await
        .status(),
        404
    );
    let nothing: i64 = sqlx::query_scalar("SELECT count(*) FROM workshop_registrations")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(nothing, 0);
    // Visitors see the sessions of public workshops only, and never the online link.
    assert_eq!(
        call_json(
            &app,
            &app.browser(),
            WorkshopSessions {
                slug: "open-workshop".into(),
            },
        )
        .await
        .0,
        404
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_cancelled_session_tells_everyone_and_attendance_is_marked_after_it_started(
    pool: PgPool,
) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "trainer@rapport.example",
            "ahmed@acme.example",
            "nick@northwind.example",
        ],
    )
    .await;
    let article = workshop(&app.pool, "attendance", "Attendance workshop", "customers").await;
    let trainer = app.signed_in("trainer@rapport.example").await;
    let ahmed = app.signed_in("ahmed@acme.example").await;
    let nick = app.signed_in("nick@northwind.example").await;

    // Cancel: the registered and the waiting person hear of it, with a cancelled calendar entry.
    let doomed = add_session(&app, &trainer, article, "1").await;
    app.invoke(&ahmed, RegisterForSession { session_id: doomed })
        .await;
    app.invoke(&nick, RegisterForSession { session_id: doomed })
        .await;
    let response = app
        .invoke(
            &trainer,
            CancelSession {
                session_id: doomed,
                version: 1,
            },
        )
        .await;
    assert!(
        response.status().is_success() || response.status().is_redirection(),
        "{:?}",
        response.text().await
    );
    for email in ["ahmed@acme.example", "nick@northwind.example"] {
        let mails = mails_to(&app.pool, email).await;
        let (subject, calendar) = mails.last().unwrap();
        assert!(
            subject.starts_with("Session cancelled"),
            "{email}: {subject}"
        );
        assert!(calendar
            .as_deref()
            .unwrap_or_default()
            .contains("STATUS:CANCELLED"));
    }
    assert_eq!(
        app.invoke(&ahmed, RegisterForSession { session_id: doomed })
            .await
            .status(),
        409
    );

    // Attendance: refused before the session, recorded after it started.
    let held = add_session(&app, &trainer, article, "5").await;
    app.invoke(&ahmed, RegisterForSession { session_id: held })
        .await;
    app.invoke(&nick, RegisterForSession { session_id: held })
        .await;
    let ahmed_id: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'ahmed@acme.example'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let early = app
        .invoke(
            &trainer,
            MarkAttendance {
                session_id: held,
                present: vec![ahmed_id],
            },
        )
        .await;
    assert_eq!(early.status(), 409);
    sqlx::query(
        "UPDATE workshop_sessions SET starts_at = now() - interval '3 hours' WHERE id = $1",
    )
    .bind(held)
    .execute(&app.pool)
    .await
    .unwrap();
    // Once it started, nobody cancels their place or the session.
    let late = app
        .invoke(&nick, CancelRegistration { session_id: held })
        .await;
    assert_eq!(late.status(), 409);
    let late = app
        .invoke(
            &trainer,
            CancelSession {
                session_id: held,
                version: 1,
            },
        )
        .await;
    assert_eq!(late.status(), 409);
    // Raw: the ticked boxes as the attendance form posts them (`present[]`, not indexed).
    let marked = app
        .call(
            &trainer,
            "mark_attendance",
            &[
                ("session_id", &held.to_string()),
                ("present[]", &ahmed_id.to_string()),
            ],
        )
        .await;
    assert!(
        marked.status().is_success() || marked.status().is_redirection(),
        "{:?}",
        marked.text().await
    );
    let (_, mine) = call_json(&app, &ahmed, MyWorkshops {}).await;
    let past = mine["past"].as_array().unwrap();
    let attended = past.iter().find(|r| r["session"]["id"] == held).unwrap();
    assert_eq!(attended["attended"], true);
    let (_, nicks) = call_json(&app, &nick, MyWorkshops {}).await;
    let missed = nicks["past"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["session"]["id"] == held)
        .unwrap();
    assert_eq!(missed["attended"], false);
    let status: String = sqlx::query_scalar("SELECT status FROM workshop_sessions WHERE id = $1")
        .bind(held)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(status, "done");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn times_show_in_the_readers_zone_and_search_shows_upcoming_sessions(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &["trainer@rapport.example", "ahmed@acme.example"],
    )
    .await;
    let article = workshop(
        &app.pool,
        "calibration",
        "Gripper calibration workshop",
        "public",
    )
    .await;
    let trainer = app.signed_in("trainer@rapport.example").await;
    add_session(&app, &trainer, article, "8").await;

    // 14:00 in Zurich is 22:00 in Tokyo (winter) or 21:00 (summer); 13:00 or 12:00 UTC.
    let ahmed = app.signed_in("ahmed@acme.example").await;
    let response = app
        .invoke(
            &ahmed,
            SetTimeZone {
                time_zone: "Asia/Tokyo".into(),
            },
        )
        .await;
    assert!(response.status().is_success() || response.status().is_redirection());
    let (_, seen) = call_json(
        &app,
        &ahmed,
        WorkshopSessions {
            slug: "calibration".into(),
        },
    )
    .await;
    assert_eq!(seen["time_zone"], "Asia/Tokyo");
    let starts = seen["sessions"][0]["starts"].as_str().unwrap();
    assert!(
        starts.ends_with("22:00") || starts.ends_with("21:00"),
        "{starts}"
    );
    assert!(seen["sessions"][0]["local_time"]
        .as_str()
        .unwrap()
        .contains("14:00 in Europe/Zurich"));
    let bad = app
        .invoke(
            &ahmed,
            SetTimeZone {
                time_zone: "Mars/Olympus".into(),
            },
        )
        .await;
    assert_eq!(bad.status(), 422);
    // A visitor without a zone reads UTC.
    let (_, visitor) = call_json(
        &app,
        &app.browser(),
        WorkshopSessions {
            slug: "calibration".into(),
        },
    )
    .await;
    assert_eq!(visitor["time_zone"], "UTC");

    // The calendar lists it; a search for its topic shows it with its next session.
    let (_, calendar) = call_json(
        &app,
        &app.browser(),
        WorkshopCalendar {
            category: String::new(),
            month: String::new(),
        },
    )
    .await;
    assert_eq!(
        calendar["months"][0]["sessions"][0]["workshop_slug"],
        "calibration"
    );
    for _ in 0..400 {
        let (_, found) = call_json(
            &app,
            &app.browser(),
            SearchArticles {
                q: "gripper calibration".into(),
                kind: None,
                category: None,
                page: None,
            },
        )
        .await;
        let hits = found["results"]["hits"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if hits.iter().any(|h| h["slug"] == "calibration") {
            assert_eq!(
                hits.iter().find(|h| h["slug"] == "calibration").unwrap()["kind"],
                "workshop"
            );
            let sessions = found["upcoming_sessions"].as_array().unwrap();
            assert_eq!(sessions.len(), 1, "{found}");
            assert!(
                sessions[0][1].as_str().unwrap().contains("8 places left"),
                "{found}"
            );
            let facets = found["results"]["kinds"].to_string();
            assert!(facets.contains("workshop"), "{facets}");
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the workshop did not reach the search index within 20 s");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_workshop_mail_shows_the_time_as_the_recipients_page_does(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &["trainer@rapport.example", "ahmed@acme.example"],
    )
    .await;
    let article = workshop(&app.pool, "calibration", "Gripper calibration", "public").await;
    let trainer = app.signed_in("trainer@rapport.example").await;
    let session = add_session(&app, &trainer, article, "8").await;
    let ahmed = app.signed_in("ahmed@acme.example").await;
    // Typed in lower case, as the time zone field lets anyone do.
    let saved = app
        .invoke(
            &ahmed,
            SetTimeZone {
                time_zone: "asia/tokyo".into(),
            },
        )
        .await;
    assert!(saved.status().is_success(), "{:?}", saved.text().await);
    let registered = app
        .invoke(
            &ahmed,
            RegisterForSession {
                session_id: session,
            },
        )
        .await;
    assert!(registered.status().is_success());

    // The page: the times, and "Times in Asia/Tokyo" under them.
    let (_, seen) = call_json(
        &app,
        &ahmed,
        WorkshopSessions {
            slug: "calibration".into(),
        },
    )
    .await;
    let zone = seen["time_zone"].as_str().unwrap();
    assert_eq!(zone, "Asia/Tokyo", "named in the database's spelling");
    let shown = &seen["sessions"][0];
    let when = format!(
        "{}–{} ({zone})",
        shown["starts"].as_str().unwrap(),
        shown["ends"].as_str().unwrap()
    );
    // The mail: the same time in the same zone, named the same way.
    let body: String = sqlx::query_scalar(
        "SELECT body FROM outbound_mails WHERE to_address LIKE '%ahmed@acme.example%' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(body.contains(&when), "{when} in {body}");
}
