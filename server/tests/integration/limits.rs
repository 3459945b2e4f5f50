//! Abuse limits: counted before the work, atomically, across server
//! processes; keyed so that an attacker slows themselves first; 429 with
//! `Retry-After` for every cheap write a visitor or a new account can repeat.

use crate::common::{fixtures, TestApp, DEMO_PASSWORD};
use app::api::auth::SignIn;
use app::api::email_links::RequestPasswordReset;
use app::api::search::SearchArticles;
use rapport_core::limits::{Limit, Rule};
use rapport_core::Config;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use sqlx::PgPool;
use std::time::Duration;

fn limit(config: &mut Config, limit: Limit, max: u32) {
    config.limits = config.limits.clone().with(
        limit,
        Rule {
            max,
            per: Duration::from_secs(3600),
        },
    );
}

/// Sign in from the client address `from` (the test server trusts X-Forwarded-For).
async fn sign_in_from(app: &TestApp, from: &str, email: &str, password: &str) -> u16 {
    let body = serde_qs::to_string(&SignIn {
        email: email.into(),
        password: password.into(),
        next: None,
    })
    .unwrap();
    app.bare()
        .post(app.url("/api/sign_in"))
        .header(ACCEPT, "application/json")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-forwarded-for", from)
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn passwords_checked(pool: &PgPool) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE kind IN ('sign_in', 'sign_in_failed')",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_burst_of_parallel_guesses_gets_no_more_checks_than_the_limit(pool: PgPool) {
    // Two server processes on one database: the limit is the database's.
    let first = TestApp::spawn_empty(pool.clone()).await;
    let second = TestApp::spawn_empty(pool).await;
    fixtures::people(&first.pool, &["olivia@northwind.example"]).await;
    let guesses = (0..100).map(|i| {
        let app = if i % 2 == 0 { &first } else { &second };
        async move {
            let client = app.browser();
            app.sign_in(
                &client,
                "olivia@northwind.example",
                &format!("guess number {i}"),
            )
            .await
            .status()
            .as_u16()
        }
    });
    let statuses = futures::future::join_all(guesses).await;
    let checked = statuses.iter().filter(|s| **s == 422).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + refused, 100, "{statuses:?}");
    assert_eq!(checked, 5, "the per-account-and-address limit is 5");
    assert_eq!(passwords_checked(&first.pool).await, 5);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn an_attacker_is_stopped_before_the_owner_is(pool: PgPool) {
    let app = TestApp::spawn_empty_with(pool, |config| config.trust_forwarded_for = true).await;
    fixtures::people(&app.pool, &["olivia@northwind.example"]).await;
    let email = "olivia@northwind.example";
    for _ in 0..5 {
        assert_eq!(sign_in_from(&app, "203.0.113.9", email, "guess").await, 422);
    }
    // The attacker waits, even with the right password...
    assert_eq!(
        sign_in_from(&app, "203.0.113.9", email, DEMO_PASSWORD).await,
        429
    );
    for _ in 0..30 {
        assert_eq!(sign_in_from(&app, "203.0.113.9", email, "guess").await, 429);
    }
    // ...and their refused tries did not count against the account: the owner,
    // elsewhere, signs in.
    assert_eq!(
        sign_in_from(&app, "198.51.100.7", email, DEMO_PASSWORD).await,
        200
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_reset_by_mail_lets_the_owner_past_a_distributed_guess(pool: PgPool) {
    let app = TestApp::spawn_empty_with(pool, |config| config.trust_forwarded_for = true).await;
    fixtures::people(&app.pool, &["olivia@northwind.example"]).await;
    let email = "olivia@northwind.example";
    // 20 addresses, a few guesses each: the account's own limit (20) is reached.
    for i in 0..20 {
        let from = format!("203.0.113.{i}");
        assert_eq!(sign_in_from(&app, &from, email, "guess").await, 422);
    }
    assert_eq!(
        sign_in_from(&app, "198.51.100.7", email, DEMO_PASSWORD).await,
        429
    );
    // The owner resets by mail; that clears the account's count.
    let asked = app
        .invoke(
            &app.browser(),
            RequestPasswordReset {
                email: email.into(),
            },
        )
        .await;
    assert_eq!(asked.status(), 200);
    let mail = &app.mails_to(email).await[0];
    let token = crate::common::link_token(&mail.1, "/reset-password");
    let chosen = app
        .invoke(
            &app.browser(),
            app::api::email_links::ChoosePassword {
                token,
                password: "tangerine kettle orbit".into(),
            },
        )
        .await;
    assert_eq!(chosen.status(), 200);
    assert_eq!(
        sign_in_from(&app, "198.51.100.7", email, "tangerine kettle orbit").await,
        200
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn new_cases_replies_and_votes_are_limited_with_retry_after(pool: PgPool) {
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    rapport_core::content_import::import_dir(&pool, &content)
        .await
        .unwrap();
    let app = TestApp::spawn_with(pool, |config| {
        limit(config, Limit::NewCase, 2);
        limit(config, Limit::Reply, 2);
        limit(config, Limit::Vote, 1);
    })
    .await;
    let nick = app.signed_in("nick@northwind.example").await;
    let category: i64 = sqlx::query_scalar("SELECT min(id) FROM case_categories")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let category = category.to_string();
    let case = [
        ("subject", "Printer jams"),
        ("description", "It jams on every page."),
        ("category_id", category.as_str()),
        ("priority", "normal"),
    ];
    for _ in 0..2 {
        assert_eq!(app.call(&nick, "create_case", &case).await.status(), 200);
    }
    let third = app.call(&nick, "create_case", &case).await;
    assert_eq!(third.status(), 429);
    assert!(third.headers().contains_key("retry-after"));
    let body = third.text().await.unwrap();
    assert!(body.contains("RateLimited"), "{body}");
    let cases: i64 =
        sqlx::query_scalar("SELECT count(*) FROM cases WHERE subject = 'Printer jams'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(cases, 2);

    let (number, version): (i64, i32) = sqlx::query_as(
        "SELECT number, version FROM cases WHERE subject = 'Printer jams' ORDER BY id LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let number = format!("C-{number}");
    let mut statuses = Vec::new();
    for i in 0..3 {
        let version = (version + i).to_string();
        let reply = [
            ("number", number.as_str()),
            ("body", "More detail."),
            ("version", version.as_str()),
        ];
        statuses.push(
            app.call(&nick, "reply_to_case", &reply)
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses[2], 429, "{statuses:?}");

    let (slug, revision): (String, i64) = sqlx::query_as(
        "SELECT a.slug, r.id FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id
         WHERE r.audience = 'public' LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let revision = revision.to_string();
    let vote = [
        ("slug", slug.as_str()),
        ("revision_id", revision.as_str()),
        ("helpful", "true"),
    ];
    assert_eq!(app.call(&nick, "vote_article", &vote).await.status(), 200);
    assert_eq!(app.call(&nick, "vote_article", &vote).await.status(), 429);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn searches_are_answered_but_the_log_stops_growing(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |config| limit(config, Limit::SearchLog, 3)).await;
    let visitor = app.browser();
    for i in 0..8 {
        let response = app
            .invoke(
                &visitor,
                SearchArticles {
                    q: format!("printer {i}"),
                    kind: None,
                    category: None,
                    page: None,
                },
            )
            .await;
        assert_eq!(response.status(), 200);
    }
    let logged: i64 =
        sqlx::query_scalar("SELECT count(*) FROM search_log WHERE query LIKE 'printer %'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(logged, 3);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn invitations_are_limited_per_sender(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |config| limit(config, Limit::Invitation, 2)).await;
    let olivia = app.signed_in("olivia@northwind.example").await;
    let mut statuses = Vec::new();
    for i in 0..3 {
        let invite = app::api::organization::CreateInvitation {
            email: format!("colleague{i}@northwind.example"),
        };
        statuses.push(app.invoke(&olivia, invite).await.status().as_u16());
    }
    assert_eq!(statuses, [200, 200, 429]);
    assert!(app
        .mails_to("colleague2@northwind.example")
        .await
        .is_empty());
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn good_sign_ins_from_one_address_are_not_guesses(pool: PgPool) {
    // An office behind one address: more good sign-ins than the address limit.
    let app =
        TestApp::spawn_empty_with(pool, |config| limit(config, Limit::SignInAddress, 3)).await;
    fixtures::people(
        &app.pool,
        &["olivia@northwind.example", "nick@northwind.example"],
    )
    .await;
    for _ in 0..3 {
        for email in ["olivia@northwind.example", "nick@northwind.example"] {
            let response = app.sign_in(&app.browser(), email, DEMO_PASSWORD).await;
            assert_eq!(response.status(), 200, "{email}");
        }
    }
    // Guesses still count: three wrong ones, and the address waits.
    for _ in 0..3 {
        let wrong = app
            .sign_in(&app.browser(), "nick@northwind.example", "guess")
            .await;
        assert_eq!(wrong.status(), 422);
    }
    let refused = app
        .sign_in(&app.browser(), "olivia@northwind.example", DEMO_PASSWORD)
        .await;
    assert_eq!(refused.status(), 429);
}
