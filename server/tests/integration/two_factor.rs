//! Two-factor sign-in with an authenticator app (codes computed here by the
//! same crate an app would use), its recovery codes, the admins' setting
//! that requires it of staff, and the list of one's sessions.

use crate::common::{self, fixtures, TestApp, DEMO_PASSWORD};
use app::api::account::{AccountSessions, ChangePassword, SignOutOtherSessions, SignOutSession};
use app::api::auth::{SignIn, SignOut};
use app::api::dashboard::Dashboard;
use app::api::two_factor::{
    BeginTwoFactorSetup, FinishTwoFactorSetup, PendingSignIn, RenewRecoveryCodes,
    SetStaffTwoFactor, StaffTwoFactorSetting, SwitchOffTwoFactor, TwoFactorStatus, VerifyTwoFactor,
};
use reqwest::redirect::Policy;
use reqwest::{Client, Response};
use serde_json::Value;
use sqlx::PgPool;
use totp_rs::{Algorithm, Secret, TOTP};

const STEP: u64 = 30;

/// The authenticator app: the secret as the setup shows it (base32 in groups).
fn app_for(secret: &str) -> TOTP {
    let bytes = Secret::Encoded(secret.replace(' ', ""))
        .to_bytes()
        .expect("the secret is base32");
    TOTP::new_unchecked(Algorithm::SHA1, 6, 0, STEP, bytes, None, String::new())
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The app's code `steps` 30-second steps from now (-1, 0 or 1 are accepted).
fn code(totp: &TOTP, steps: i64) -> String {
    totp.generate((unix_now() as i64 + steps * STEP as i64) as u64)
}

async fn json(response: Response) -> Value {
    response.json().await.unwrap()
}

async fn field_error(response: Response) -> (u16, String, String) {
    let status = response.status().as_u16();
    let body = json(response).await;
    let error = &body["Invalid"];
    (
        status,
        error["field"].as_str().unwrap_or_default().to_string(),
        error["message"].as_str().unwrap_or_default().to_string(),
    )
}

async fn status(app: &TestApp, client: &Client) -> Value {
    let response = app.invoke(client, TwoFactorStatus {}).await;
    assert_eq!(response.status(), 200);
    json(response).await
}

/// Switch two factors on for the signed-in `client` on the account page:
/// the app and the recovery codes shown.
async fn set_up(app: &TestApp, client: &Client) -> (TOTP, Vec<String>) {
    let begun = app
        .invoke(
            client,
            BeginTwoFactorSetup {
                password: DEMO_PASSWORD.into(),
            },
        )
        .await;
    assert_eq!(begun.status(), 200);
    let shown = status(app, client).await;
    let totp = app_for(shown["setup"]["secret"].as_str().unwrap());
    let finished = app
        .invoke(
            client,
            FinishTwoFactorSetup {
                code: code(&totp, 0),
            },
        )
        .await;
    assert_eq!(finished.status(), 200);
    let codes: Vec<String> = serde_json::from_value(json(finished).await).unwrap();
    (totp, codes)
}

/// The password step: where the browser is sent next.
async fn password_step(app: &TestApp, client: &Client, email: &str) -> String {
    let response = app.sign_in(client, email, DEMO_PASSWORD).await;
    assert_eq!(response.status(), 200, "signing in as {email}");
    common::location(&response)
}

async fn verify(app: &TestApp, client: &Client, code: &str) -> Response {
    app.invoke(client, VerifyTwoFactor { code: code.into() })
        .await
}

async fn audit_count(app: &TestApp, kind: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE kind = $1")
        .bind(kind)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// A browser that says which one it is.
fn browser_named(user_agent: &str) -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .user_agent(user_agent)
        .build()
        .unwrap()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn two_factor_is_set_up_on_the_account_page_and_asked_for_at_sign_in(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::person(&app.pool, "nick@northwind.example").await;
    let client = app.signed_in("nick@northwind.example").await;

    // Off to begin with; setting up asks for the password.
    let before = status(&app, &client).await;
    assert_eq!(before["enabled"], false);
    assert!(before["setup"].is_null());
    let refused = app
        .invoke(
            &client,
            BeginTwoFactorSetup {
                password: "not my password".into(),
            },
        )
        .await;
    assert_eq!(
        field_error(refused).await,
        (422, "password".into(), "That password is not right.".into())
    );
    let begun = app
        .invoke(
            &client,
            BeginTwoFactorSetup {
                password: DEMO_PASSWORD.into(),
            },
        )
        .await;
    assert_eq!(begun.status(), 200);
    let setup = status(&app, &client).await;
    assert_eq!(setup["enabled"], false);
    let secret = setup["setup"]["secret"].as_str().unwrap().to_string();
    assert!(setup["setup"]["qr_code"]
        .as_str()
        .unwrap()
        .starts_with("data:image/png;base64,"));
    let page = common::page_text(&client, &app.url("/account")).await;
    assert!(page.contains(&secret), "the page shows the secret: {page}");
    assert!(page.contains(r#"src="data:image/png;base64,"#), "{page}");
    let totp = app_for(&secret);

    // Not on until a right code from the app: a wrong one names the field.
    let wrong = app
        .invoke(
            &client,
            FinishTwoFactorSetup {
                code: "12345".into(),
            },
        )
        .await;
    let (status_code, field, _) = field_error(wrong).await;
    assert_eq!((status_code, field.as_str()), (422, "code"));
    let setup_code = code(&totp, 0);
    let finished = app
        .invoke(
            &client,
            FinishTwoFactorSetup {
                code: setup_code.clone(),
            },
        )
        .await;
    assert_eq!(finished.status(), 200);
    let codes: Vec<String> = serde_json::from_value(json(finished).await).unwrap();
    assert_eq!(codes.len(), 10);
    assert_eq!(audit_count(&app, "two_factor_enabled").await, 1);

    // The codes are shown once more (the page after the form), then never;
    // the secret never again.
    let on = status(&app, &client).await;
    assert_eq!(on["enabled"], true);
    assert!(on["setup"].is_null());
    assert_eq!(on["recovery_codes_left"], 10);
    assert_eq!(on["new_recovery_codes"], serde_json::json!(codes));
    let later = status(&app, &client).await;
    assert_eq!(later["new_recovery_codes"], serde_json::json!([]));
    let page = common::page_text(&client, &app.url("/account")).await;
    assert!(!page.contains(&secret), "{page}");
    assert!(!page.contains(&codes[0]), "{page}");
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT code_sha256 FROM two_factor_recovery_codes")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(stored.len(), 10);
    assert!(codes.iter().all(|c| !stored.contains(c)), "stored hashed");

    // Signing in now stops at the two-factor step: no session yet.
    assert_eq!(app.invoke(&client, SignOut {}).await.status(), 200);
    let client = app.browser();
    let next = app
        .invoke(
            &client,
            SignIn {
                email: "nick@northwind.example".into(),
                password: DEMO_PASSWORD.into(),
                next: Some("/cases".into()),
            },
        )
        .await;
    assert_eq!(next.status(), 200);
    assert_eq!(common::location(&next), "/sign-in/two-factor");
    assert_eq!(app.whoami(&client).await, None);
    assert_eq!(app.invoke(&client, Dashboard {}).await.status(), 401);
    assert_eq!(app.invoke(&client, TwoFactorStatus {}).await.status(), 401);
    assert_eq!(app.invoke(&client, AccountSessions {}).await.status(), 401);
    let account = client.get(app.url("/account")).send().await.unwrap();
    assert_eq!(account.status(), 401);
    let pending = json(app.invoke(&client, PendingSignIn {}).await).await;
    assert_eq!(pending, serde_json::json!("Code"));
    let page = common::page_text(&client, &app.url("/sign-in/two-factor")).await;
    assert!(page.contains("Enter your code"), "{page}");

    // A wrong code is refused by name; the code of the setup step is used up.
    let (status_code, field, message) = field_error(verify(&app, &client, "000000").await).await;
    assert_eq!((status_code, field.as_str()), (422, "code"), "{message}");
    let (status_code, field, message) = field_error(verify(&app, &client, &setup_code).await).await;
    assert_eq!((status_code, field.as_str()), (422, "code"));
    assert!(message.contains("used already"), "{message}");
    assert_eq!(app.whoami(&client).await, None);

    // The next code signs in, where the form was going.
    let fresh = code(&totp, 1);
    let signed_in = verify(&app, &client, &fresh).await;
    assert_eq!(signed_in.status(), 200);
    assert_eq!(common::location(&signed_in), "/cases");
    assert_eq!(
        app.whoami(&client).await.as_deref(),
        Some("nick@northwind.example")
    );
    assert!(audit_count(&app, "two_factor_failed").await >= 2);

    // That code is refused in another sign-in (replayed), and so is any
    // earlier one; a recovery code works, once.
    let other = app.browser();
    password_step(&app, &other, "nick@northwind.example").await;
    let (status_code, _, message) = field_error(verify(&app, &other, &fresh).await).await;
    assert_eq!(status_code, 422);
    assert!(message.contains("used already"), "{message}");
    let recovery = verify(&app, &other, &codes[3].to_uppercase()).await;
    assert_eq!(recovery.status(), 200);
    assert_eq!(common::location(&recovery), "/dashboard");
    assert_eq!(
        app.whoami(&other).await.as_deref(),
        Some("nick@northwind.example")
    );
    assert_eq!(audit_count(&app, "recovery_code_used").await, 1);
    assert_eq!(status(&app, &other).await["recovery_codes_left"], 9);
    let third = app.browser();
    password_step(&app, &third, "nick@northwind.example").await;
    let (status_code, field, message) = field_error(verify(&app, &third, &codes[3]).await).await;
    assert_eq!((status_code, field.as_str()), (422, "code"));
    assert!(message.contains("used already"), "{message}");

    // Without JavaScript: the password form goes to the code page, a wrong
    // code comes back to it with the message.
    let plain = app.browser();
    let to_step = common::plain_form_post(
        &app,
        &plain,
        SignIn {
            email: "nick@northwind.example".into(),
            password: DEMO_PASSWORD.into(),
            next: None,
        },
        "/sign-in",
    )
    .await;
    assert_eq!(to_step.status(), 302);
    assert_eq!(common::location(&to_step), "/sign-in/two-factor");
    let back = common::plain_form_post(
        &app,
        &plain,
        VerifyTwoFactor {
            code: "999999".into(),
        },
        "/sign-in/two-factor",
    )
    .await;
    assert_eq!(back.status(), 302);
    // Back to the page it came from (leptos writes the whole address).
    let back = common::location(&back).replace(&app.base, "");
    assert!(back.starts_with("/sign-in/two-factor?"), "{back}");
    let page = common::page_text(&plain, &app.url(&back)).await;
    assert!(page.contains("That code is not right"), "{page}");
    let done = common::plain_form_post(
        &app,
        &plain,
        VerifyTwoFactor {
            code: codes[4].clone(),
        },
        "/sign-in/two-factor",
    )
    .await;
    assert_eq!(done.status(), 302);
    assert_eq!(common::location(&done), "/dashboard");
    assert_eq!(
        app.whoami(&plain).await.as_deref(),
        Some("nick@northwind.example")
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn recovery_codes_are_renewed_and_two_factors_switched_off(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::person(&app.pool, "nick@northwind.example").await;
    let client = app.signed_in("nick@northwind.example").await;
    let (totp, old_codes) = set_up(&app, &client).await;
    status(&app, &client).await; // The codes' one showing.

    // New codes ask for the password, replace the old ones, are shown once.
    let refused = app
        .invoke(
            &client,
            RenewRecoveryCodes {
                password: String::new(),
            },
        )
        .await;
    assert_eq!(field_error(refused).await.1, "password");
    let renewed = app
        .invoke(
            &client,
            RenewRecoveryCodes {
                password: DEMO_PASSWORD.into(),
            },
        )
        .await;
    assert_eq!(renewed.status(), 200);
    let new_codes: Vec<String> = serde_json::from_value(json(renewed).await).unwrap();
    assert_eq!(new_codes.len(), 10);
    assert!(new_codes.iter().all(|c| !old_codes.contains(c)));
    assert_eq!(audit_count(&app, "recovery_codes_renewed").await, 1);
    let other = app.browser();
    password_step(&app, &other, "nick@northwind.example").await;
    assert_eq!(verify(&app, &other, &old_codes[0]).await.status(), 422);
    assert_eq!(verify(&app, &other, &new_codes[0]).await.status(), 200);

    // Switching off asks for the password or a code.
    let neither = app
        .invoke(
            &client,
            SwitchOffTwoFactor {
                password: String::new(),
                code: String::new(),
            },
        )
        .await;
    assert_eq!(field_error(neither).await.1, "password");
    let wrong = app
        .invoke(
            &client,
            SwitchOffTwoFactor {
                password: String::new(),
                code: "000000".into(),
            },
        )
        .await;
    assert_eq!(field_error(wrong).await.1, "code");
    let off = app
        .invoke(
            &client,
            SwitchOffTwoFactor {
                password: String::new(),
                code: code(&totp, 1),
            },
        )
        .await;
    assert_eq!(off.status(), 200);
    assert_eq!(audit_count(&app, "two_factor_disabled").await, 1);
    assert_eq!(status(&app, &client).await["enabled"], false);
    let rows: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM two_factor) + (SELECT count(*) FROM two_factor_recovery_codes)",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(rows, 0, "the secret and the codes are gone");
    // The password alone signs in again.
    let plain = app.browser();
    assert_eq!(
        password_step(&app, &plain, "nick@northwind.example").await,
        "/dashboard"
    );
    assert_eq!(
        app.whoami(&plain).await.as_deref(),
        Some("nick@northwind.example")
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_two_factor_step_expires_and_ends_after_five_wrong_codes(pool: PgPool) {
    let app = TestApp::spawn_empty_with(pool, |config| {
        config.two_factor_step_timeout = std::time::Duration::from_secs(2);
    })
    .await;
    fixtures::person(&app.pool, "nick@northwind.example").await;
    let client = app.signed_in("nick@northwind.example").await;
    let (totp, codes) = set_up(&app, &client).await;

    // Too late: the step is gone, even with a right code.
    let late = app.browser();
    password_step(&app, &late, "nick@northwind.example").await;
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let expired = verify(&app, &late, &codes[0]).await;
    assert_eq!(expired.status(), 409);
    assert!(json(expired).await["Conflict"]
        .as_str()
        .unwrap()
        .contains("Sign in again"));
    assert_eq!(app.whoami(&late).await, None);
    assert_eq!(
        json(app.invoke(&late, PendingSignIn {}).await).await,
        Value::Null
    );
    let page = common::page_text(&late, &app.url("/sign-in/two-factor")).await;
    assert!(page.contains("Sign in again"), "{page}");

    // Five wrong codes end the step: the password again.
    let guesser = app.browser();
    password_step(&app, &guesser, "nick@northwind.example").await;
    for _ in 0..4 {
        assert_eq!(verify(&app, &guesser, "000000").await.status(), 422);
    }
    assert_eq!(verify(&app, &guesser, "000000").await.status(), 409);
    assert_eq!(verify(&app, &guesser, &code(&totp, 1)).await.status(), 409);
    assert_eq!(app.whoami(&guesser).await, None);
    // The recovery code was not spent on the way.
    password_step(&app, &guesser, "nick@northwind.example").await;
    assert_eq!(verify(&app, &guesser, &codes[0]).await.status(), 200);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn staff_set_up_two_factors_at_sign_in_when_an_admin_requires_it(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "admin@rapport.example",
            "agent@rapport.example",
            "nick@northwind.example",
        ],
    )
    .await;
    let admin = app.signed_in("admin@rapport.example").await;
    let agent_before = app.signed_in("agent@rapport.example").await;
    let customer = app.signed_in("nick@northwind.example").await;
    assert_eq!(
        json(app.invoke(&admin, StaffTwoFactorSetting {}).await).await,
        serde_json::json!({ "required": false })
    );
    for who in [&agent_before, &customer] {
        let refused = app
            .invoke(
                who,
                SetStaffTwoFactor {
                    required: Some("on".into()),
                },
            )
            .await;
        assert_eq!(refused.status(), 403);
    }

    // The admin switches it on from the users page (a plain form here).
    let page = common::page_text(&admin, &app.url("/admin/users")).await;
    assert!(
        page.contains("Require two-factor sign-in for staff (agents, trainers, admins)"),
        "{page}"
    );
    let saved = common::plain_form_post(
        &app,
        &admin,
        SetStaffTwoFactor {
            required: Some("on".into()),
        },
        "/admin/users",
    )
    .await;
    assert_eq!(saved.status(), 302);
    let done = common::location(&saved);
    assert_eq!(done, "/admin/users?done=staff_two_factor_on");
    let page = common::page_text(&admin, &app.url(&done)).await;
    assert!(
        page.contains("Staff must now sign in with two factors"),
        "{page}"
    );
    assert!(page.contains("checked"), "{page}");
    assert_eq!(audit_count(&app, "staff_two_factor_setting").await, 1);

    // A customer still signs in with the password alone.
    let customer = app.browser();
    assert_eq!(
        password_step(&app, &customer, "nick@northwind.example").await,
        "/dashboard"
    );
    assert_eq!(
        app.whoami(&customer).await.as_deref(),
        Some("nick@northwind.example")
    );

    // The agent is taken to set up an app; nothing else is reachable meanwhile.
    let agent = app.browser();
    assert_eq!(
        password_step(&app, &agent, "agent@rapport.example").await,
        "/sign-in/two-factor"
    );
    assert_eq!(app.whoami(&agent).await, None);
    assert_eq!(app.invoke(&agent, Dashboard {}).await.status(), 401);
    assert_eq!(app.invoke(&agent, TwoFactorStatus {}).await.status(), 401);
    assert_eq!(
        agent.get(app.url("/queue")).send().await.unwrap().status(),
        401
    );
    let pending = json(app.invoke(&agent, PendingSignIn {}).await).await;
    let secret = pending["SetUp"]["secret"].as_str().unwrap().to_string();
    // Asking again shows the same setup, not a new secret.
    let again = json(app.invoke(&agent, PendingSignIn {}).await).await;
    assert_eq!(again["SetUp"]["secret"], secret.as_str());
    let page = common::page_text(&agent, &app.url("/sign-in/two-factor")).await;
    assert!(page.contains("Set up two-factor sign-in"), "{page}");
    assert!(page.contains(&secret), "{page}");
    let totp = app_for(&secret);
    assert_eq!(
        field_error(verify(&app, &agent, "000000").await).await.1,
        "code"
    );
    let set_up = verify(&app, &agent, &code(&totp, 0)).await;
    assert_eq!(set_up.status(), 200);
    assert_eq!(common::location(&set_up), "/account?saved=two_factor");
    assert_eq!(
        app.whoami(&agent).await.as_deref(),
        Some("agent@rapport.example")
    );
    let on = status(&app, &agent).await;
    assert_eq!(on["enabled"], true);
    assert_eq!(on["required"], true);
    assert_eq!(on["new_recovery_codes"].as_array().unwrap().len(), 10);
    // Required: it cannot be switched off.
    let off = app
        .invoke(
            &agent,
            SwitchOffTwoFactor {
                password: DEMO_PASSWORD.into(),
                code: String::new(),
            },
        )
        .await;
    assert_eq!(off.status(), 409);

    // Next time the agent is asked for a code, like anyone with two factors.
    let next_time = app.browser();
    password_step(&app, &next_time, "agent@rapport.example").await;
    assert_eq!(
        json(app.invoke(&next_time, PendingSignIn {}).await).await,
        serde_json::json!("Code")
    );
    assert_eq!(
        verify(&app, &next_time, &code(&totp, 1)).await.status(),
        200
    );

    // Switched off again: staff sign in with the password alone.
    let off = app
        .invoke(&admin, SetStaffTwoFactor { required: None })
        .await;
    assert_eq!(off.status(), 200);
    let admin_again = app.browser();
    assert_eq!(
        password_step(&app, &admin_again, "admin@rapport.example").await,
        "/dashboard"
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn sessions_are_listed_and_signed_out_by_their_owner_only(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &["nick@northwind.example", "olivia@northwind.example"],
    )
    .await;
    let firefox =
        browser_named("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0");
    let chrome = browser_named(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    );
    for client in [&firefox, &chrome] {
        password_step(&app, client, "nick@northwind.example").await;
    }
    let olivia = app.signed_in("olivia@northwind.example").await;

    let list = json(app.invoke(&firefox, AccountSessions {}).await).await;
    let list = list.as_array().unwrap().clone();
    assert_eq!(list.len(), 2, "{list:?}");
    let mine = list.iter().find(|s| s["current"] == true).unwrap();
    let other = list.iter().find(|s| s["current"] == false).unwrap();
    assert_eq!(mine["device"], "Firefox on Linux");
    assert_eq!(other["device"], "Chrome on Windows 10");
    assert_eq!(other["ip"], "127.0.0.1");
    let chrome_id = other["id"].as_i64().unwrap();
    let firefox_id = mine["id"].as_i64().unwrap();
    let page = common::page_text(&firefox, &app.url("/account")).await;
    assert!(page.contains("Chrome on Windows 10"), "{page}");
    assert!(page.contains("Sign out everywhere else"), "{page}");

    // Someone else sees only their own, and cannot end nick's.
    let theirs = json(app.invoke(&olivia, AccountSessions {}).await).await;
    assert_eq!(theirs.as_array().unwrap().len(), 1);
    assert_ne!(theirs[0]["id"].as_i64(), Some(chrome_id));
    let refused = app
        .invoke(&olivia, SignOutSession { session: chrome_id })
        .await;
    assert_eq!(refused.status(), 404);
    assert_eq!(
        app.whoami(&chrome).await.as_deref(),
        Some("nick@northwind.example")
    );
    // Nor does a visitor.
    assert_eq!(
        app.invoke(&app.browser(), SignOutSession { session: chrome_id })
            .await
            .status(),
        401
    );
    // The current session is not ended here (the menu's Sign out does that).
    assert_eq!(
        app.invoke(
            &firefox,
            SignOutSession {
                session: firefox_id
            }
        )
        .await
        .status(),
        404
    );

    // Signed out from the list: that browser is a visitor at its next request.
    let ended = common::plain_form_post(
        &app,
        &firefox,
        SignOutSession { session: chrome_id },
        "/account",
    )
    .await;
    assert_eq!(ended.status(), 302);
    assert_eq!(
        common::location(&ended),
        "/account?saved=session_ended#sessions"
    );
    assert_eq!(app.whoami(&chrome).await, None);
    assert_eq!(app.invoke(&chrome, Dashboard {}).await.status(), 401);
    assert_eq!(
        app.whoami(&firefox).await.as_deref(),
        Some("nick@northwind.example")
    );
    assert_eq!(audit_count(&app, "session_revoked").await, 1);

    // "Sign out everywhere else" ends the others, not this one nor olivia's.
    let third = app.signed_in("nick@northwind.example").await;
    let fourth = app.signed_in("nick@northwind.example").await;
    let ended = app.invoke(&firefox, SignOutOtherSessions {}).await;
    assert_eq!(ended.status(), 200);
    assert_eq!(app.whoami(&third).await, None);
    assert_eq!(app.whoami(&fourth).await, None);
    assert!(app.whoami(&firefox).await.is_some());
    assert!(app.whoami(&olivia).await.is_some());
    let list = json(app.invoke(&firefox, AccountSessions {}).await).await;
    assert_eq!(list.as_array().unwrap().len(), 1);

    // Last seen is noted at most once a minute.
    let last_seen = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT extract(epoch FROM now() - last_seen_at)::bigint FROM account_sessions WHERE id = $1",
        )
        .bind(firefox_id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
    };
    sqlx::query(
        "UPDATE account_sessions SET last_seen_at = now() - interval '30 seconds' WHERE id = $1",
    )
    .bind(firefox_id)
    .execute(&app.pool)
    .await
    .unwrap();
    app.whoami(&firefox).await;
    assert!(last_seen().await >= 29, "not noted again within the minute");
    sqlx::query(
        "UPDATE account_sessions SET last_seen_at = now() - interval '5 minutes' WHERE id = $1",
    )
    .bind(firefox_id)
    .execute(&app.pool)
    .await
    .unwrap();
    app.whoami(&firefox).await;
    assert!(last_seen().await < 5, "noted again after a minute");

    // A password change still ends the other sessions; the list drops them.
    let again = app.signed_in("nick@northwind.example").await;
    let changed = app
        .invoke(
            &firefox,
            ChangePassword {
                current_password: DEMO_PASSWORD.into(),
                new_password: "a brand new password".into(),
            },
        )
        .await;
    assert_eq!(changed.status(), 200);
    assert_eq!(app.whoami(&again).await, None);
    let list = json(app.invoke(&firefox, AccountSessions {}).await).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["current"], true);

    // Signing out ends the session's row too.
    assert_eq!(app.invoke(&firefox, SignOut {}).await.status(), 200);
    let rows: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM account_sessions s JOIN users u ON u.id = s.user_id
         WHERE u.email = 'nick@northwind.example' AND s.created_at >= u.sessions_valid_after",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(rows, 0);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn parallel_codes_on_one_step_get_no_more_checks_than_the_limit(pool: PgPool) {
    // The step's own count of wrong codes lives in the session, which parallel
    // requests share; the account's limit in the database holds anyway.
    let app = TestApp::spawn_empty_with(pool, |config| {
        config.limits = config.limits.clone().with(
            rapport_core::limits::Limit::TwoFactorCode,
            rapport_core::limits::Rule {
                max: 3,
                per: std::time::Duration::from_secs(900),
            },
        );
    })
    .await;
    fixtures::people(&app.pool, &["nick@northwind.example"]).await;
    let nick = app.signed_in("nick@northwind.example").await;
    let (totp, _) = set_up(&app, &nick).await;
    let client = app.browser();
    password_step(&app, &client, "nick@northwind.example").await;
    let guesses = (0..20).map(|i| {
        let (app, client) = (&app, &client);
        async move {
            verify(app, client, &format!("{:06}", 100_000 + i))
                .await
                .status()
                .as_u16()
        }
    });
    let statuses = futures::future::join_all(guesses).await;
    let checked = statuses.iter().filter(|s| **s != 429).count();
    assert!(checked <= 3, "{statuses:?}");
    assert_eq!(audit_count(&app, "two_factor_failed").await, checked as i64);
    // The right code waits too, until the window ends.
    let right = verify(&app, &client, &code(&totp, 0)).await;
    assert_eq!(right.status(), 429);
}
