//! HTTP tests: the real router against a fresh database per test.

use crate::common;

use crate::common::{cookie_pair, fixtures, session_cookie, TestApp, DEMO_PASSWORD};
use app::api::account::ChangePassword;
use app::api::admin::{ChangeRole, ListUsers, SetUserDisabled};
use app::api::auth::Register;
use app::api::dashboard::Dashboard;
use rapport_core::policy::{Gate, SERVER_FUNCTIONS};
use reqwest::header::{ACCEPT, CONTENT_TYPE, COOKIE, ORIGIN};
use sqlx::PgPool;

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn registration_errors_name_the_field_and_save_nothing(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let client = app.browser();
    let cases = [
        ("email", "not-an-email", "tangerine kettle orbit", "Org"),
        ("password", "x@example.com", "short", "Org"),
        (
            "organization_name",
            "x@example.com",
            "tangerine kettle orbit",
            "   ",
        ),
    ];
    for (field, email, password, organization) in cases {
        let response = app
            .invoke(
                &client,
                Register {
                    email: email.to_string(),
                    display_name: "Some One".into(),
                    organization_name: Some(organization.to_string()),
                    password: password.to_string(),
                    invitation: None,
                },
            )
            .await;
        assert_eq!(response.status(), 422, "{field}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["Invalid"]["field"], field, "{body}");
    }
    let organizations: i64 = sqlx::query_scalar("SELECT count(*) FROM organizations")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(organizations, 3, "only the demo organizations exist");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn sign_in_with_the_right_and_a_wrong_password(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["nick@northwind.example"]).await;
    let client = app.browser();

    let wrong = app
        .sign_in(&client, "nick@northwind.example", "wrong password")
        .await;
    assert_eq!(wrong.status(), 422);
    assert!(session_cookie(&wrong).is_none());
    let wrong_body = wrong.text().await.unwrap();

    // An unknown e-mail gets exactly the same answer: nothing tells whether it exists.
    let unknown = app
        .sign_in(&client, "nobody@northwind.example", "wrong password")
        .await;
    assert_eq!(unknown.status(), 422);
    assert_eq!(unknown.text().await.unwrap(), wrong_body);

    let right = app
        .sign_in(&client, "nick@northwind.example", DEMO_PASSWORD)
        .await;
    assert_eq!(right.status(), 200);
    let cookie = session_cookie(&right).expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http in tests: {cookie}");
    assert_eq!(
        app.whoami(&client).await.as_deref(),
        Some("nick@northwind.example")
    );

    let events: Vec<String> = sqlx::query_scalar("SELECT kind FROM audit_events ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(events, ["sign_in_failed", "sign_in_failed", "sign_in"]);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn sign_in_cycles_the_session_id(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &["nick@northwind.example", "olivia@northwind.example"],
    )
    .await;
    let client = app.bare();
    // An attacker's session id, valid in the store, planted in the victim's browser.
    let first = app
        .sign_in(&client, "nick@northwind.example", DEMO_PASSWORD)
        .await;
    let planted = cookie_pair(&session_cookie(&first).unwrap());

    let response = client
        .post(app.url("/api/sign_in"))
        .header(ACCEPT, "application/json")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(COOKIE, &planted)
        .body(common::encode(&[
            ("email", "olivia@northwind.example"),
            ("password", DEMO_PASSWORD),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let fresh = cookie_pair(&session_cookie(&response).expect("a new session cookie"));
    assert_ne!(fresh, planted, "the planted id must not be kept");

    // The planted id signs nobody in any more.
    let old = client
        .post(app.url("/api/current_user"))
        .header(ACCEPT, "application/json")
        .header(COOKIE, &planted)
        .send()
        .await
        .unwrap();
    assert_eq!(old.text().await.unwrap(), "null");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn sign_out_makes_the_old_cookie_worthless(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["carla@acme.example"]).await;
    let client = app.bare();
    let response = app
        .sign_in(&client, "carla@acme.example", DEMO_PASSWORD)
        .await;
    let cookie = cookie_pair(&session_cookie(&response).unwrap());
    let dashboard = |cookie: String| {
        let client = client.clone();
        let url = app.url("/api/dashboard");
        async move {
            client
                .post(url)
                .header(ACCEPT, "application/json")
                .header(COOKIE, cookie)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(dashboard(cookie.clone()).await, 200);
    let out = client
        .post(app.url("/api/sign_out"))
        .header(ACCEPT, "application/json")
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 200);
    assert_eq!(dashboard(cookie).await, 401);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_disabled_user_loses_access_at_once(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["ahmed@acme.example", "admin@rapport.example"]).await;
    let customer = app.signed_in("ahmed@acme.example").await;
    assert_eq!(app.invoke(&customer, Dashboard {}).await.status(), 200);

    let admin = app.signed_in("admin@rapport.example").await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'ahmed@acme.example'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let response = app
        .invoke(
            &admin,
            SetUserDisabled {
                user_id: id,
                disabled: true,
                confirm: Some("on".into()),
                back: String::new(),
            },
        )
        .await;
    assert_eq!(response.status(), 200);

    assert_eq!(app.invoke(&customer, Dashboard {}).await.status(), 401);
    // And they cannot sign in again.
    let again = app.browser();
    assert_eq!(
        app.sign_in(&again, "ahmed@acme.example", DEMO_PASSWORD)
            .await
            .status(),
        422
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn every_protected_server_function_refuses_visitors_and_the_wrong_roles(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "nick@northwind.example",
            "olivia@northwind.example",
            "agent@rapport.example",
        ],
    )
    .await;
    let visitor = app.browser();
    let customer = app.signed_in("nick@northwind.example").await;
    let customer_admin = app.signed_in("olivia@northwind.example").await;
    let agent = app.signed_in("agent@rapport.example").await;
    for (name, gate) in SERVER_FUNCTIONS {
        if *gate == Gate::Anyone {
            continue;
        }
        // Raw: every function by its name in the policy table, without its arguments.
        let status = app.call(&visitor, name, &[]).await.status();
        assert_eq!(status, 401, "a visitor calling {name}");
        let expect_forbidden: &[(&reqwest::Client, &str)] = match gate {
            Gate::Admin => &[
                (&customer, "customer"),
                (&customer_admin, "customer admin"),
                (&agent, "agent"),
            ],
            Gate::CustomerAdmin => &[(&customer, "customer"), (&agent, "agent")],
            Gate::Agent => &[(&customer, "customer"), (&customer_admin, "customer admin")],
            Gate::Writer => &[
                (&customer, "customer"),
                (&customer_admin, "customer admin"),
                (&agent, "agent"),
            ],
            _ => &[],
        };
        for (client, who) in expect_forbidden {
            // Raw: by name and without arguments, as above.
            let status = app.call(client, name, &[]).await.status();
            assert_eq!(status, 403, "a {who} calling {name}");
        }
    }
    // A function that does not exist is not found, whoever asks.
    // Raw: there is no such function to have typed arguments.
    assert_eq!(
        app.call(&customer, "drop_all_tables", &[]).await.status(),
        404
    );
}

#[test]
fn every_registered_server_function_is_in_the_policy_table() {
    let registered: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .collect();
    assert!(registered.len() >= SERVER_FUNCTIONS.len(), "{registered:?}");
    for path in &registered {
        assert!(
            rapport_core::policy::gate_for_path(path).is_some(),
            "{path} is not in rapport_core::policy::SERVER_FUNCTIONS: add it with its gate"
        );
    }
    for (name, _) in SERVER_FUNCTIONS {
        assert!(
            registered.contains(&format!("/api/{name}")),
            "{name} is in the policy table but no such server function exists"
        );
    }
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn cross_origin_posts_are_refused(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["nick@northwind.example"]).await;
    let client = app.bare();
    let form = common::encode(&[
        ("email", "nick@northwind.example"),
        ("password", DEMO_PASSWORD),
    ]);
    let evil = client
        .post(app.url("/api/sign_in"))
        .header(ORIGIN, "http://evil.example")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(evil.status(), 403);
    assert!(session_cookie(&evil).is_none());
    let cross_site = client
        .post(app.url("/api/sign_in"))
        .header("sec-fetch-site", "cross-site")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);
    // The same request from our own origin works.
    let host = app.base.trim_start_matches("http://").to_string();
    let own = client
        .post(app.url("/api/sign_in"))
        .header(ORIGIN, format!("http://{host}"))
        .header(ACCEPT, "application/json")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn security_headers_are_on_every_response_including_404(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    let client = app.bare();
    for (path, status) in [("/no/such/page", 404), ("/", 200), ("/sign-in", 200)] {
        let response = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), status, "{path}");
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(
            headers["referrer-policy"],
            "strict-origin-when-cross-origin"
        );
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(headers.contains_key("x-request-id"));
        if path == "/no/such/page" {
            let body = response.text().await.unwrap();
            assert!(
                body.contains("Page not found"),
                "the 404 page is the app's own"
            );
        }
    }
    // An error answered by a server function carries them too.
    let refused = app
        .invoke(
            &client,
            ListUsers {
                query: String::new(),
                page: 1,
            },
        )
        .await;
    assert_eq!(refused.status(), 401);
    assert!(refused.headers().contains_key("content-security-policy"));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_inline_script_carries_the_nonce_the_policy_allows(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    let response = app.bare().get(app.url("/")).send().await.unwrap();
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap()
        .to_string();
    let body = response.text().await.unwrap();
    assert!(
        body.contains(&format!("<script type=\"module\" nonce=\"{nonce}\">")),
        "{body}"
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn failed_sign_ins_are_rate_limited_per_account(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &["olivia@northwind.example", "nick@northwind.example"],
    )
    .await;
    let client = app.browser();
    for _ in 0..5 {
        let r = app
            .sign_in(&client, "olivia@northwind.example", "wrong password")
            .await;
        assert_eq!(r.status(), 422);
    }
    // Even the right password waits now, with a clear message.
    let limited = app
        .sign_in(&client, "olivia@northwind.example", DEMO_PASSWORD)
        .await;
    assert_eq!(limited.status(), 429);
    let body = limited.text().await.unwrap();
    assert!(body.contains("RateLimited"), "{body}");
    // Another account is not affected.
    assert_eq!(
        app.sign_in(&client, "nick@northwind.example", DEMO_PASSWORD)
            .await
            .status(),
        200
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn pages_render_on_the_server_for_visitors_and_members(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "admin@rapport.example",
            "nick@northwind.example",
            "olivia@northwind.example",
            "carla@acme.example",
        ],
    )
    .await;
    let visitor = app.browser();
    let page = common::page_text(&visitor, &app.url("/sign-in")).await;
    assert!(
        page.contains("<label for=\"field-email\">E-mail address"),
        "{page}"
    );
    let dashboard = common::page_text(&visitor, &app.url("/dashboard")).await;
    assert!(dashboard.contains("Please sign in"));

    let admin = app.signed_in("admin@rapport.example").await;
    let users = common::page_text(&admin, &app.url("/admin/users?q=northwind")).await;
    assert!(users.contains("olivia@northwind.example"));
    assert!(!users.contains("carla@acme.example"), "the search filters");

    let customer = app.signed_in("nick@northwind.example").await;
    let refused = common::page_text(&customer, &app.url("/admin/users")).await;
    assert!(refused.contains("Not available"));
    assert!(!refused.contains("olivia@northwind.example"));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_plain_form_post_without_javascript_signs_in_and_redirects(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["nick@northwind.example"]).await;
    let client = app.browser();
    let response = client
        .post(app.url("/api/sign_in"))
        .header(ACCEPT, "text/html,application/xhtml+xml")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("referer", app.url("/sign-in"))
        .body(common::encode(&[
            ("email", "nick@northwind.example"),
            ("password", DEMO_PASSWORD),
            ("next", ""),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], "/dashboard");
    let page = common::page_text(&client, &app.url("/dashboard")).await;
    assert!(page.contains("Nick Northwind"));

    // A wrong password goes back to the form with the error in the address.
    let wrong = app
        .browser()
        .post(app.url("/api/sign_in"))
        .header(ACCEPT, "text/html")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("referer", app.url("/sign-in"))
        .body(common::encode(&[
            ("email", "nick@northwind.example"),
            ("password", "nope nope nope"),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 302);
    let location = wrong.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.contains("/sign-in") && location.contains("__err="),
        "{location}"
    );
    let page = app
        .browser()
        .get(app.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("That e-mail and password do not match an account."));
    // What was typed is kept (the password never is).
    assert!(page.contains("value=\"nick@northwind.example\""), "{page}");
    assert!(!page.contains("nope nope nope"));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn admins_change_roles_within_a_group_and_not_their_own(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &["admin@rapport.example", "nick@northwind.example"],
    )
    .await;
    let admin = app.signed_in("admin@rapport.example").await;
    let id_of = |email: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT id FROM users WHERE email = $1")
                .bind(email)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let nick = id_of("nick@northwind.example").await;
    let ok = app
        .invoke(
            &admin,
            ChangeRole {
                user_id: nick,
                role: "customer_admin".into(),
                confirm: Some("on".into()),
                back: String::new(),
            },
        )
        .await;
    assert_eq!(ok.status(), 200);
    let across = app
        .invoke(
            &admin,
            ChangeRole {
                user_id: nick,
                role: "admin".into(),
                confirm: Some("on".into()),
                back: String::new(),
            },
        )
        .await;
    assert_eq!(across.status(), 422, "a customer cannot become staff");
    let me = id_of("admin@rapport.example").await;
    let own = app
        .invoke(
            &admin,
            ChangeRole {
                user_id: me,
                role: "agent".into(),
                confirm: Some("on".into()),
                back: String::new(),
            },
        )
        .await;
    assert_eq!(own.status(), 403, "an admin cannot demote themselves");
    let disable_self = app
        .invoke(
            &admin,
            SetUserDisabled {
                user_id: me,
                disabled: true,
                confirm: Some("on".into()),
                back: String::new(),
            },
        )
        .await;
    assert_eq!(disable_self.status(), 403);

    let changes: Vec<String> =
        sqlx::query_scalar("SELECT detail FROM audit_events WHERE kind = 'role_changed'")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(changes, ["customer -> customer_admin"]);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn changing_the_password_ends_other_sessions(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["greta@globex.example"]).await;
    let laptop = app.signed_in("greta@globex.example").await;
    let phone = app.signed_in("greta@globex.example").await;
    let wrong = app
        .invoke(
            &laptop,
            ChangePassword {
                current_password: "nope".into(),
                new_password: "a brand new password".into(),
            },
        )
        .await;
    assert_eq!(wrong.status(), 422);
    let changed = app
        .invoke(
            &laptop,
            ChangePassword {
                current_password: DEMO_PASSWORD.to_string(),
                new_password: "a brand new password".into(),
            },
        )
        .await;
    assert_eq!(changed.status(), 200);
    assert_eq!(
        app.whoami(&laptop).await.as_deref(),
        Some("greta@globex.example")
    );
    assert_eq!(app.whoami(&phone).await, None, "the other session ended");
    let fresh = app.browser();
    assert_eq!(
        app.sign_in(&fresh, "greta@globex.example", "a brand new password")
            .await
            .status(),
        200
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn behind_https_cookies_are_secure_and_browsers_are_told_to_stay_on_https(pool: PgPool) {
    let app = TestApp::spawn_empty_with(pool, |config| config.secure_cookies = true).await;
    fixtures::people(&app.pool, &["nick@northwind.example"]).await;
    let client = app.bare();
    let response = app
        .sign_in(&client, "nick@northwind.example", DEMO_PASSWORD)
        .await;
    let cookie = session_cookie(&response).unwrap();
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(response.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .starts_with("max-age="));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn sessions_end_after_the_absolute_lifetime(pool: PgPool) {
    let app = TestApp::spawn_empty_with(pool, |config| {
        config.session_max_age = std::time::Duration::from_secs(1)
    })
    .await;
    fixtures::people(&app.pool, &["nick@northwind.example"]).await;
    let client = app.browser();
    assert_eq!(
        app.sign_in(&client, "nick@northwind.example", DEMO_PASSWORD)
            .await
            .status(),
        200
    );
    assert!(app.whoami(&client).await.is_some());
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(
        app.whoami(&client).await,
        None,
        "the session is over, however active"
    );
}
