//! Admins managing people: disabling a user and changing a role ask for
//! confirmation first (with and without JavaScript), and every change comes
//! back with what was done.

use crate::common::{self, fixtures, TestApp};
use app::api::admin::{ChangeRole, SetUserDisabled};
use rapport_types::Role;
use sqlx::PgPool;

async fn is_disabled(pool: &PgPool, user_id: i64) -> bool {
    sqlx::query_scalar("SELECT disabled FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn role_of(pool: &PgPool, user_id: i64) -> String {
    sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(pool)
        .await
        .unwrap()
}

const QUINNS_LIST: &str = "/admin/users?q=quinn&page=1";

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn disabling_a_user_asks_for_confirmation_and_says_what_was_done(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::person(&app.pool, "admin@rapport.example").await;
    let quinn = fixtures::staff(
        &app.pool,
        Role::Agent,
        "quinn@rapport.example",
        "Quinn Queue",
    )
    .await;
    let admin = app.signed_in("admin@rapport.example").await;
    let disable = |confirm: Option<&str>| SetUserDisabled {
        user_id: quinn.id,
        disabled: true,
        confirm: confirm.map(String::from),
        back: QUINNS_LIST.into(),
    };

    // Not confirmed: refused, naming the box, and Quinn can still work.
    let refused = app.invoke(&admin, disable(None)).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("confirm"));
    assert!(!is_disabled(&app.pool, quinn.id).await);

    // Without JavaScript the same: back to the list with the message at Quinn's row.
    let refused = common::plain_form_post(&app, &admin, disable(None), QUINNS_LIST).await;
    assert_eq!(refused.status(), 302);
    let back = common::location(&refused);
    assert!(
        back.starts_with(&format!("{QUINNS_LIST}&user={}&__path=", quinn.id)),
        "{back}"
    );
    let page = common::page_text(&admin, &app.url(&back)).await;
    assert!(
        page.contains("Tick the box to confirm: they are signed out at once"),
        "{page}"
    );
    assert!(!is_disabled(&app.pool, quinn.id).await);

    // Confirmed: done, and the list says so, by name and address.
    let done = common::plain_form_post(&app, &admin, disable(Some("on")), QUINNS_LIST).await;
    assert_eq!(done.status(), 302);
    let back = common::location(&done);
    assert_eq!(
        back,
        format!("{QUINNS_LIST}&done=disabled&user={}", quinn.id)
    );
    assert!(is_disabled(&app.pool, quinn.id).await);
    let page = common::page_text(&admin, &app.url(&back)).await;
    assert!(
        page.contains("Disabled Quinn Queue (quinn@rapport.example). They can no longer sign in."),
        "{page}"
    );

    // Enabling again asks nothing; an address from elsewhere is not followed.
    let enable = SetUserDisabled {
        user_id: quinn.id,
        disabled: false,
        confirm: None,
        back: "https://evil.example/admin/users".into(),
    };
    let done = app.invoke(&admin, enable).await;
    assert_eq!(done.status(), 200);
    let back = common::location(&done);
    assert_eq!(back, format!("/admin/users?done=enabled&user={}", quinn.id));
    assert!(!is_disabled(&app.pool, quinn.id).await);
    let page = common::page_text(&admin, &app.url(&back)).await;
    assert!(
        page.contains("Enabled Quinn Queue (quinn@rapport.example) again."),
        "{page}"
    );
    // An address that does not match the list claims nothing.
    let page = common::page_text(
        &admin,
        &app.url(&format!("/admin/users?done=disabled&user={}", quinn.id)),
    )
    .await;
    assert!(!page.contains("Disabled Quinn Queue"), "{page}");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn changing_a_role_asks_for_confirmation_and_says_what_was_done(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &["admin@rapport.example", "agent@rapport.example"],
    )
    .await;
    let quinn = fixtures::staff(
        &app.pool,
        Role::Agent,
        "quinn@rapport.example",
        "Quinn Queue",
    )
    .await;
    let admin = app.signed_in("admin@rapport.example").await;
    let to_trainer = |confirm: Option<&str>| ChangeRole {
        user_id: quinn.id,
        role: "trainer".into(),
        confirm: confirm.map(String::from),
        back: QUINNS_LIST.into(),
    };

    let refused = app.invoke(&admin, to_trainer(None)).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("confirm"));
    assert_eq!(role_of(&app.pool, quinn.id).await, "agent");

    // Without JavaScript: back at the row, with the role that was chosen still chosen.
    let refused = common::plain_form_post(&app, &admin, to_trainer(None), QUINNS_LIST).await;
    assert_eq!(refused.status(), 302);
    let back = common::location(&refused);
    assert!(
        back.starts_with(&format!(
            "{QUINNS_LIST}&user={}&role=trainer&__path=",
            quinn.id
        )),
        "{back}"
    );
    let page = common::page_text(&admin, &app.url(&back)).await;
    assert!(
        page.contains("Tick the box to confirm: the new role changes"),
        "{page}"
    );
    assert!(
        page.contains(r#"<option value="trainer" selected"#),
        "{page}"
    );
    assert_eq!(role_of(&app.pool, quinn.id).await, "agent");

    let done = common::plain_form_post(&app, &admin, to_trainer(Some("on")), QUINNS_LIST).await;
    assert_eq!(done.status(), 302);
    let back = common::location(&done);
    assert_eq!(
        back,
        format!("{QUINNS_LIST}&done=role&user={}&from=agent", quinn.id)
    );
    assert_eq!(role_of(&app.pool, quinn.id).await, "trainer");
    let page = common::page_text(&admin, &app.url(&back)).await;
    assert!(page.contains("role from agent to trainer."), "{page}");

    // Only admins: an agent is refused whether or not they confirm.
    let agent = app.signed_in("agent@rapport.example").await;
    let refused = app.invoke(&agent, to_trainer(Some("on"))).await;
    assert_eq!(refused.status(), 403);
}
