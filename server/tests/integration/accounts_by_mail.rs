//! Accounts through links sent by mail: registration with a confirmed
//! address, forgotten passwords, welcome links for staff, address changes;
//! and the rules of their tokens (once, for a while, for one purpose).

use crate::common::{fixtures, link_token, TestApp, DEMO_PASSWORD};
use app::api::admin::CreateStaffUser;
use app::api::auth::Register;
use app::api::email_links::{
    ChangeUserAddress, ChoosePassword, ConfirmAddressChange, ConfirmRegistration,
    PasswordLinkAddress, RequestAddressChange, RequestPasswordReset, SendConfirmationAgain,
    SendPasswordLink,
};
use sqlx::PgPool;
use std::time::{Duration, Instant};

const NEW_PASSWORD: &str = "tangerine kettle orbit";

fn registration(email: &str, organization: &str, password: &str) -> Register {
    Register {
        email: email.into(),
        display_name: "Rita Register".into(),
        organization_name: Some(organization.into()),
        password: password.into(),
        invitation: None,
    }
}

async fn field_of(response: reqwest::Response) -> String {
    let body: serde_json::Value = response.json().await.unwrap();
    body["Invalid"]["field"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn users_named(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM users WHERE lower(email) = lower($1)")
        .bind(email)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn registration_waits_for_the_address_then_makes_the_account(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    let client = app.browser();
    let sent = app
        .invoke(
            &client,
            registration("Rita@Example.com", "Fresh Org", NEW_PASSWORD),
        )
        .await;
    assert_eq!(sent.status(), 200);
    assert_eq!(sent.headers()["location"], "/register/sent");
    // No account, no session, until the address is confirmed.
    assert_eq!(users_named(&app, "rita@example.com").await, 0);
    assert_eq!(app.whoami(&client).await, None);

    let mails = app.mails_to("rita@example.com").await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0].0, "Confirm your e-mail address");
    let token = link_token(&mails[0].1, "/register/confirm");
    assert_eq!(token.len(), 64, "256 random bits");

    // The link alone is not enough: the registration's password is asked.
    let wrong = app
        .invoke(
            &client,
            ConfirmRegistration {
                token: token.clone(),
                password: "someone else's password".into(),
            },
        )
        .await;
    assert_eq!(wrong.status(), 422);
    assert_eq!(field_of(wrong).await, "password");
    assert_eq!(users_named(&app, "rita@example.com").await, 0);

    let confirmed = app
        .invoke(
            &client,
            ConfirmRegistration {
                token: token.clone(),
                password: NEW_PASSWORD.into(),
            },
        )
        .await;
    assert_eq!(confirmed.status(), 200);
    assert_eq!(
        app.whoami(&client).await.as_deref(),
        Some("rita@example.com")
    );
    let (role, org): (String, String) = sqlx::query_as(
        "SELECT u.role, o.name FROM users u JOIN organizations o ON o.id = u.organization_id
         WHERE u.email = 'rita@example.com'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (role.as_str(), org.as_str()),
        ("customer_admin", "Fresh Org")
    );

    // Once only.
    let again = app
        .invoke(
            &app.browser(),
            ConfirmRegistration {
                token,
                password: NEW_PASSWORD.into(),
            },
        )
        .await;
    assert_eq!(again.status(), 422);
    assert_eq!(field_of(again).await, "token");
    assert_eq!(users_named(&app, "rita@example.com").await, 1);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn registering_a_known_address_answers_the_same_and_tells_its_owner(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["olivia@northwind.example"]).await;
    let known = app
        .invoke(
            &app.browser(),
            registration("OLIVIA@northwind.example", "Other Org", NEW_PASSWORD),
        )
        .await;
    let unknown = app
        .invoke(
            &app.browser(),
            registration("new@northwind.example", "Another Org", NEW_PASSWORD),
        )
        .await;
    assert_eq!(known.status(), unknown.status());
    assert_eq!(known.headers()["location"], unknown.headers()["location"]);
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());

    let mails = app.mails_to("olivia@northwind.example").await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].0, "Someone tried to register with your address");
    assert!(mails[0].1.contains("/forgot-password"), "{}", mails[0].1);
    assert!(
        !mails[0].1.contains("token="),
        "no link that makes an account"
    );
    assert_eq!(users_named(&app, "olivia@northwind.example").await, 1);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn easy_passwords_and_taken_organizations_are_refused_by_name(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    for weak in [
        "aaaaaaaaaa",
        "1234567890",
        "password12",
        "weak.person@example.com",
    ] {
        let response = app
            .invoke(
                &app.browser(),
                registration("weak.person@example.com", "Weak Org", weak),
            )
            .await;
        assert_eq!(response.status(), 422, "{weak}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["Invalid"]["field"], "password", "{weak}: {body}");
        let message = body["Invalid"]["message"].as_str().unwrap();
        assert!(message.contains("guess"), "{weak}: {message}");
    }
    let taken = app
        .invoke(
            &app.browser(),
            registration("someone@example.com", "  northwind TRADERS ", NEW_PASSWORD),
        )
        .await;
    assert_eq!(taken.status(), 422);
    let body: serde_json::Value = taken.json().await.unwrap();
    assert_eq!(body["Invalid"]["field"], "organization_name");
    assert!(body["Invalid"]["message"]
        .as_str()
        .unwrap()
        .contains("invite"));
    assert!(app.mails_to("someone@example.com").await.is_empty());
    assert!(app.mails_to("weak.person@example.com").await.is_empty());
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn at_most_three_registration_mails_an_hour_go_to_one_address(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    for i in 0..3 {
        let response = app
            .invoke(
                &app.browser(),
                registration("flooded@example.com", &format!("Org {i}"), NEW_PASSWORD),
            )
            .await;
        assert_eq!(response.status(), 200);
    }
    let fourth = app
        .invoke(
            &app.browser(),
            SendConfirmationAgain {
                email: "flooded@example.com".into(),
            },
        )
        .await;
    assert_eq!(fourth.status(), 429);
    let wait: u64 = fourth.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 3000 && wait <= 3600, "{wait}");
    let body = fourth.text().await.unwrap();
    assert!(body.contains("RateLimited"), "{body}");
    assert_eq!(app.mails_to("flooded@example.com").await.len(), 3);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_new_confirmation_link_can_be_asked_for(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    app.invoke(
        &app.browser(),
        registration("slow@example.com", "Slow Org", NEW_PASSWORD),
    )
    .await;
    // Asking for an address with nothing waiting answers the same, and sends nothing.
    for email in ["slow@example.com", "nobody@example.com"] {
        let again = app
            .invoke(
                &app.browser(),
                SendConfirmationAgain {
                    email: email.into(),
                },
            )
            .await;
        assert_eq!(again.status(), 200);
        assert_eq!(again.headers()["location"], "/register/sent?again=1");
    }
    assert!(app.mails_to("nobody@example.com").await.is_empty());
    let mails = app.mails_to("slow@example.com").await;
    assert_eq!(mails.len(), 2);
    let second = link_token(&mails[1].1, "/register/confirm");
    let client = app.browser();
    let confirmed = app
        .invoke(
            &client,
            ConfirmRegistration {
                token: second,
                password: NEW_PASSWORD.into(),
            },
        )
        .await;
    assert_eq!(confirmed.status(), 200);
    // The first link ends with the account it would have made.
    let first = link_token(&mails[0].1, "/register/confirm");
    let stale = app
        .invoke(
            &app.browser(),
            ConfirmRegistration {
                token: first,
                password: NEW_PASSWORD.into(),
            },
        )
        .await;
    assert_eq!(stale.status(), 422);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_reset_link_changes_the_password_once_and_ends_every_session(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["nick@northwind.example"]).await;
    let laptop = app.signed_in("nick@northwind.example").await;

    let asked = app
        .invoke(
            &app.browser(),
            RequestPasswordReset {
                email: "Nick@Northwind.example".into(),
            },
        )
        .await;
    assert_eq!(asked.status(), 200);
    assert_eq!(asked.headers()["location"], "/forgot-password?sent=1");
    let mails = app.mails_to("nick@northwind.example").await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].1.contains("30 minutes"));
    let token = link_token(&mails[0].1, "/reset-password");

    let shown = app
        .invoke(
            &app.browser(),
            PasswordLinkAddress {
                token: token.clone(),
            },
        )
        .await;
    assert_eq!(
        shown.json::<String>().await.unwrap(),
        "nick@northwind.example"
    );

    let weak = app
        .invoke(
            &app.browser(),
            ChoosePassword {
                token: token.clone(),
                password: "password12".into(),
            },
        )
        .await;
    assert_eq!(weak.status(), 422);
    assert_eq!(field_of(weak).await, "password");

    let chosen = app
        .invoke(
            &app.browser(),
            ChoosePassword {
                token: token.clone(),
                password: NEW_PASSWORD.into(),
            },
        )
        .await;
    assert_eq!(chosen.status(), 200);
    assert_eq!(chosen.headers()["location"], "/sign-in?done=password");
    assert_eq!(app.whoami(&laptop).await, None, "the old session ended");
    let old = app
        .sign_in(&app.browser(), "nick@northwind.example", DEMO_PASSWORD)
        .await;
    assert_eq!(old.status(), 422);
    let new = app
        .sign_in(&app.browser(), "nick@northwind.example", NEW_PASSWORD)
        .await;
    assert_eq!(new.status(), 200);

    let reused = app
        .invoke(
            &app.browser(),
            ChoosePassword {
                token,
                password: "another fine passphrase".into(),
            },
        )
        .await;
    assert_eq!(reused.status(), 422);
    assert_eq!(field_of(reused).await, "token");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn reset_links_expire_and_serve_only_their_purpose(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["nick@northwind.example"]).await;
    for _ in 0..2 {
        app.invoke(
            &app.browser(),
            RequestPasswordReset {
                email: "nick@northwind.example".into(),
            },
        )
        .await;
    }
    let mails = app.mails_to("nick@northwind.example").await;
    let expired = link_token(&mails[0].1, "/reset-password");
    let fresh = link_token(&mails[1].1, "/reset-password");
    sqlx::query(
        "UPDATE email_links SET expires_at = now() - interval '1 second'
         WHERE token_sha256 = encode(sha256($1::bytea), 'hex')",
    )
    .bind(expired.as_bytes())
    .execute(&app.pool)
    .await
    .unwrap();
    let late = app
        .invoke(
            &app.browser(),
            ChoosePassword {
                token: expired,
                password: NEW_PASSWORD.into(),
            },
        )
        .await;
    assert_eq!(late.status(), 422);
    assert_eq!(field_of(late).await, "token");

    // A reset token is no registration or address link.
    let as_registration = app
        .invoke(
            &app.browser(),
            ConfirmRegistration {
                token: fresh.clone(),
                password: DEMO_PASSWORD.into(),
            },
        )
        .await;
    assert_eq!(as_registration.status(), 422);
    let as_address = app
        .invoke(
            &app.browser(),
            ConfirmAddressChange {
                token: fresh.clone(),
            },
        )
        .await;
    assert_eq!(as_address.status(), 422);
    // A made-up token is refused like a used one.
    let made_up = app
        .invoke(
            &app.browser(),
            ChoosePassword {
                token: "0".repeat(64),
                password: NEW_PASSWORD.into(),
            },
        )
        .await;
    assert_eq!(made_up.status(), 422);
    // And the fresh one still works.
    let chosen = app
        .invoke(
            &app.browser(),
            ChoosePassword {
                token: fresh,
                password: NEW_PASSWORD.into(),
            },
        )
        .await;
    assert_eq!(chosen.status(), 200);
}

/// The median time of `runs` calls of `call`.
async fn median_time<F, Fut>(runs: usize, mut call: F) -> Duration
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = reqwest::Response>,
{
    let mut times = Vec::new();
    for i in 0..runs {
        let start = Instant::now();
        let response = call(i).await;
        assert_eq!(response.status(), 200);
        times.push(start.elapsed());
    }
    times.sort();
    times[runs / 2]
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_reset_request_does_not_tell_whether_an_address_has_an_account(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |config| {
        config.limits = config
            .limits
            .clone()
            .with(
                rapport_core::limits::Limit::ResetAccount,
                rapport_core::limits::Rule {
                    max: 100,
                    per: Duration::from_secs(3600),
                },
            )
            .with(
                rapport_core::limits::Limit::ResetAddress,
                rapport_core::limits::Rule {
                    max: 100,
                    per: Duration::from_secs(3600),
                },
            );
    })
    .await;
    let ask = |email: &'static str| {
        let app = &app;
        move |_| async move {
            app.invoke(
                &app.browser(),
                RequestPasswordReset {
                    email: email.into(),
                },
            )
            .await
        }
    };
    let known_body = ask("nick@northwind.example")(0).await.text().await.unwrap();
    let unknown_body = ask("nobody@northwind.example")(0)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(known_body, unknown_body);
    let known = median_time(9, ask("nick@northwind.example")).await;
    let unknown = median_time(9, ask("nobody@northwind.example")).await;
    // Within the noise of a shared machine: a few database rows, no hashing.
    let gap = known.abs_diff(unknown);
    assert!(
        gap < Duration::from_millis(100),
        "known {known:?}, unknown {unknown:?}"
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn admins_and_customer_admins_send_reset_links_within_their_reach(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let admin = app.signed_in("admin@rapport.example").await;
    let olivia = app.signed_in("olivia@northwind.example").await;
    let nick = app.signed_in("nick@northwind.example").await;
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
    let nick_id = id_of("nick@northwind.example").await;
    let greta = id_of("greta@globex.example").await;
    let agent = id_of("agent@rapport.example").await;
    let send = |user_id: i64| SendPasswordLink {
        user_id,
        back: String::new(),
    };

    // A customer admin: their members only.
    assert_eq!(app.invoke(&olivia, send(nick_id)).await.status(), 200);
    assert_eq!(app.invoke(&olivia, send(greta)).await.status(), 403);
    assert_eq!(app.invoke(&olivia, send(agent)).await.status(), 403);
    // A customer: nobody.
    assert_eq!(app.invoke(&nick, send(nick_id)).await.status(), 403);
    // An admin: anyone.
    let sent = app.invoke(&admin, send(agent)).await;
    assert_eq!(sent.status(), 200);
    assert!(sent.headers()["location"]
        .to_str()
        .unwrap()
        .contains("done=reset_link"));
    let mail = &app.mails_to("nick@northwind.example").await[0];
    assert!(mail.1.contains("/reset-password?token="), "{}", mail.1);
    assert!(mail.1.contains("administrator"), "{}", mail.1);
    assert_eq!(app.mails_to("greta@globex.example").await.len(), 0);
    assert_eq!(app.mails_to("agent@rapport.example").await.len(), 1);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn new_staff_choose_their_own_password_by_a_welcome_link(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let admin = app.signed_in("admin@rapport.example").await;
    let created = app
        .invoke(
            &admin,
            CreateStaffUser {
                email: "wendy@rapport.example".into(),
                display_name: "Wendy Welcome".into(),
                role: "agent".into(),
            },
        )
        .await;
    assert_eq!(created.status(), 200);
    let mails = app.mails_to("wendy@rapport.example").await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].1.contains("7 days"), "{}", mails[0].1);
    let token = link_token(&mails[0].1, "/reset-password");
    let chosen = app
        .invoke(
            &app.browser(),
            ChoosePassword {
                token,
                password: NEW_PASSWORD.into(),
            },
        )
        .await;
    assert_eq!(chosen.status(), 200);
    let client = app.browser();
    let signed = app
        .sign_in(&client, "wendy@rapport.example", NEW_PASSWORD)
        .await;
    assert_eq!(signed.status(), 200);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn an_address_changes_only_through_a_link_to_it(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["nick@northwind.example"]).await;
    let nick = app.signed_in("nick@northwind.example").await;
    let wrong = app
        .invoke(
            &nick,
            RequestAddressChange {
                new_email: "nick@new.example".into(),
                password: "not my password".into(),
            },
        )
        .await;
    assert_eq!(wrong.status(), 422);
    assert_eq!(field_of(wrong).await, "password");
    assert!(app.mails_to("nick@new.example").await.is_empty());

    let asked = app
        .invoke(
            &nick,
            RequestAddressChange {
                new_email: "Nick@New.example".into(),
                password: DEMO_PASSWORD.into(),
            },
        )
        .await;
    assert_eq!(asked.status(), 200);
    let old_mails = app.mails_to("nick@northwind.example").await;
    assert_eq!(old_mails[0].0, "Your e-mail address is about to change");
    let token = link_token(
        &app.mails_to("nick@new.example").await[0].1,
        "/account/confirm-address",
    );
    // Nothing changes before the link is used.
    assert_eq!(
        app.whoami(&nick).await.as_deref(),
        Some("nick@northwind.example")
    );

    let confirmed = app
        .invoke(
            &app.browser(),
            ConfirmAddressChange {
                token: token.clone(),
            },
        )
        .await;
    assert_eq!(confirmed.status(), 200);
    assert_eq!(app.whoami(&nick).await.as_deref(), Some("nick@new.example"));
    let old_mails = app.mails_to("nick@northwind.example").await;
    assert_eq!(
        old_mails.last().unwrap().0,
        "Your e-mail address was changed"
    );
    assert_eq!(
        app.sign_in(&app.browser(), "nick@new.example", DEMO_PASSWORD)
            .await
            .status(),
        200
    );
    let reused = app
        .invoke(&app.browser(), ConfirmAddressChange { token })
        .await;
    assert_eq!(reused.status(), 422);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn admins_move_an_address_the_same_way_and_nobody_else_can(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let admin = app.signed_in("admin@rapport.example").await;
    let olivia = app.signed_in("olivia@northwind.example").await;
    let nick_id: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'nick@northwind.example'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let change = |new_email: &str| ChangeUserAddress {
        user_id: nick_id,
        new_email: new_email.into(),
        back: String::new(),
    };
    assert_eq!(
        app.invoke(&olivia, change("nick@elsewhere.example"))
            .await
            .status(),
        403
    );
    // Another account's address: the same answer, and no mail to it.
    let taken = app.invoke(&admin, change("greta@globex.example")).await;
    assert_eq!(taken.status(), 200);
    assert!(app.mails_to("greta@globex.example").await.is_empty());

    let asked = app.invoke(&admin, change("nick@elsewhere.example")).await;
    assert_eq!(asked.status(), 200);
    let token = link_token(
        &app.mails_to("nick@elsewhere.example").await[0].1,
        "/account/confirm-address",
    );
    assert_eq!(
        app.invoke(&app.browser(), ConfirmAddressChange { token })
            .await
            .status(),
        200
    );
    let now: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(nick_id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(now, "nick@elsewhere.example");
}
