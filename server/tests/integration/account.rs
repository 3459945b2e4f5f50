//! One's own account settings: the time zone is any IANA zone, refused by
//! name when unknown, and each change comes back with what was done.

use crate::common::{self, fixtures, TestApp};
use app::api::account::TimeZoneNames;
use app::api::workshops::SetTimeZone;
use sqlx::PgPool;

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_time_zone_is_any_iana_zone_and_an_unknown_one_is_refused_by_name(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    let nick = fixtures::person(&app.pool, "nick@northwind.example").await;
    let client = app.signed_in("nick@northwind.example").await;
    let stored = || async {
        sqlx::query_scalar::<_, Option<String>>("SELECT time_zone FROM users WHERE id = $1")
            .bind(nick.id)
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };

    // Every zone is offered, not a short list; visitors get none.
    let choices: serde_json::Value = app
        .invoke(&client, TimeZoneNames {})
        .await
        .json()
        .await
        .unwrap();
    let names = choices["names"].as_array().unwrap();
    assert!(names.len() > 400, "{}", names.len());
    assert!(names.iter().any(|n| n == "America/Argentina/Ushuaia"));
    assert_eq!(
        app.invoke(&app.browser(), TimeZoneNames {}).await.status(),
        401
    );
    let page = common::page_text(&client, &app.url("/account")).await;
    assert!(page.contains(r#"list="field-time_zone-zones""#), "{page}");
    assert!(
        page.contains(r#"<option value="Pacific/Chatham">"#),
        "{page}"
    );

    // One off the old short list, typed in lower case: saved in the database's
    // spelling, and the page says so.
    let saved = common::plain_form_post(
        &app,
        &client,
        SetTimeZone {
            time_zone: "america/argentina/ushuaia".into(),
        },
        "/account",
    )
    .await;
    assert_eq!(saved.status(), 302);
    assert_eq!(common::location(&saved), "/account?saved=time_zone");
    assert_eq!(stored().await.as_deref(), Some("America/Argentina/Ushuaia"));
    let page = common::page_text(&client, &app.url("/account?saved=time_zone")).await;
    assert!(
        page.contains("Saved your time zone: America/Argentina/Ushuaia."),
        "{page}"
    );
    assert!(
        page.contains(r#"value="America/Argentina/Ushuaia""#),
        "{page}"
    );

    // An unknown zone: refused by name, nothing saved, and (without
    // JavaScript) the form comes back with what was typed.
    let refused = app
        .invoke(
            &client,
            SetTimeZone {
                time_zone: "Mars/Olympus".into(),
            },
        )
        .await;
    assert_eq!(refused.status(), 422);
    let refused = common::plain_form_post(
        &app,
        &client,
        SetTimeZone {
            time_zone: "Mars/Olympus".into(),
        },
        "/account",
    )
    .await;
    assert_eq!(refused.status(), 302);
    let back = common::location(&refused);
    assert!(
        back.starts_with("/account?time_zone=Mars%2FOlympus&__path="),
        "{back}"
    );
    let page = common::page_text(&client, &app.url(&back)).await;
    assert!(
        page.contains("“Mars/Olympus” is not a time zone we know"),
        "{page}"
    );
    assert!(page.contains(r#"value="Mars/Olympus""#), "{page}");
    assert_eq!(stored().await.as_deref(), Some("America/Argentina/Ushuaia"));

    // A zone saved before keeps working; empty goes back to the browser's.
    sqlx::query("UPDATE users SET time_zone = 'Asia/Tokyo' WHERE id = $1")
        .bind(nick.id)
        .execute(&app.pool)
        .await
        .unwrap();
    let page = common::page_text(&client, &app.url("/account")).await;
    assert!(page.contains(r#"value="Asia/Tokyo""#), "{page}");
    let cleared = app
        .invoke(
            &client,
            SetTimeZone {
                time_zone: String::new(),
            },
        )
        .await;
    assert_eq!(cleared.status(), 200);
    assert_eq!(stored().await, None);
    let page = common::page_text(&client, &app.url("/account?saved=time_zone")).await;
    assert!(page.contains("times follow your browser"), "{page}");
}
