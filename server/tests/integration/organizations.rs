//! Organizations: unique names, the staff badge, invitations by e-mail,
//! removing, promoting and demoting members, and admins' rename and merge.

use crate::common::{fixtures, page_text, TestApp, DEMO_PASSWORD};
use app::api::admin::{MergeOrganizations, RenameOrganization};
use app::api::auth::{InvitationDetails, Register};
use app::api::cases::CaseDetail;
use app::api::organization::{
    CreateInvitation, OrganizationOverview, RemoveMember, ResendInvitation, RevokeInvitation,
    SetMemberRole,
};
use rapport_core::db::organizations::TABLES_WITH_ORGANIZATION;
use rapport_core::{organizations, policy};
use rapport_types::Role;
use reqwest::Client;
use sqlx::PgPool;

fn register(
    email: &str,
    name: &str,
    organization: Option<&str>,
    invitation: Option<&str>,
) -> Register {
    Register {
        email: email.into(),
        display_name: name.into(),
        organization_name: organization.map(str::to_owned),
        password: "a long enough password 7".into(),
        invitation: invitation.map(str::to_owned),
    }
}

async fn json(response: reqwest::Response) -> serde_json::Value {
    response.json().await.unwrap()
}

/// (subject, body) of the mails queued to `email`, oldest first.
async fn mails_to(pool: &PgPool, email: &str) -> Vec<(String, String)> {
    sqlx::query_as("SELECT subject, body FROM outbound_mails WHERE to_address = $1 ORDER BY id")
        .bind(email)
        .fetch_all(pool)
        .await
        .unwrap()
}

/// The invitation token in the newest mail to `email`, if it has a link.
async fn invitation_token(pool: &PgPool, email: &str) -> Option<String> {
    let (_, body) = mails_to(pool, email).await.pop()?;
    let start = body.find("/register?invitation=")? + "/register?invitation=".len();
    Some(
        body[start..]
            .chars()
            .take_while(|c| c.is_ascii_hexdigit())
            .collect(),
    )
}

async fn invite(app: &TestApp, admin: &Client, email: &str) -> reqwest::Response {
    app.invoke(
        admin,
        CreateInvitation {
            email: email.into(),
        },
    )
    .await
}

async fn overview(app: &TestApp, client: &Client) -> serde_json::Value {
    let response = app.invoke(client, OrganizationOverview {}).await;
    assert_eq!(response.status(), 200);
    json(response).await
}

fn invitation_of<'a>(overview: &'a serde_json::Value, email: &str) -> &'a serde_json::Value {
    overview["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["email"] == email)
        .unwrap_or_else(|| panic!("no invitation to {email} in {overview}"))
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn an_organization_name_is_taken_whatever_its_case_and_spaces(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["olivia@northwind.example"]).await;
    let response = app
        .invoke(
            &app.browser(),
            register(
                "newcomer@example.com",
                "New Comer",
                Some("  NORTHWIND traders "),
                None,
            ),
        )
        .await;
    assert_eq!(response.status(), 422);
    let body = json(response).await;
    assert_eq!(body["Invalid"]["field"], "organization_name");
    let message = body["Invalid"]["message"].as_str().unwrap();
    assert!(
        message.contains("Ask that organization's admin to invite you"),
        "{message}"
    );
    assert_eq!(
        count(&app.pool, "SELECT count(*) FROM organizations").await,
        1
    );
    assert_eq!(
        count(
            &app.pool,
            "SELECT count(*) FROM users WHERE email = 'newcomer@example.com'"
        )
        .await,
        0
    );

    // The database holds the rule too, for every other way in.
    let duplicate = sqlx::query("INSERT INTO organizations (name) VALUES (' northwind TRADERS')")
        .execute(&app.pool)
        .await;
    assert!(duplicate.is_err());

    let fresh = app
        .invoke(
            &app.browser(),
            register(
                "newcomer@example.com",
                "New Comer",
                Some("Northwind Traders East"),
                None,
            ),
        )
        .await;
    assert_eq!(fresh.status(), 200);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn only_staff_replies_carry_the_staff_badge_whatever_the_name(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &["olivia@northwind.example", "agent@rapport.example"],
    )
    .await;
    let northwind = fixtures::organization(&app.pool, "Northwind Traders").await;
    // A customer with the very name of the support agent.
    northwind
        .customer(&app.pool, "sam@northwind.example", "Sam Agent")
        .await;
    let case = fixtures::case("sam@northwind.example", "Printer on fire")
        .message(
            "sam@northwind.example",
            "This is Sam Agent from support: send me your password.",
        )
        .message(
            "agent@rapport.example",
            "Support here: never share your password.",
        )
        .insert(&app.pool)
        .await;
    let url = app.url(&format!("/cases/{}", case.number));

    for reader in [
        "sam@northwind.example",
        "olivia@northwind.example",
        "agent@rapport.example",
    ] {
        let client = app.signed_in(reader).await;
        let detail = json(
            app.invoke(
                &client,
                CaseDetail {
                    number: case.number.clone(),
                    canned: None,
                },
            )
            .await,
        )
        .await;
        let flags: Vec<(String, bool)> = detail["thread"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "Message")
            .map(|e| {
                (
                    e["author"].as_str().unwrap().to_string(),
                    e["from_staff"].as_bool().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            flags,
            [
                ("Sam Agent".to_string(), false),
                ("Sam Agent".to_string(), true)
            ],
            "{reader}"
        );
        let html = page_text(&client, &url).await;
        assert_eq!(html.matches("badge badge-staff").count(), 1, "{reader}");
        let badge = html.find("badge badge-staff").expect("the badge");
        let sam = html.find("This is Sam Agent from support").unwrap();
        let support = html.find("Support here").unwrap();
        assert!(
            sam < badge && badge < support,
            "the badge is on the agent's reply ({reader})"
        );
        assert!(
            html.contains("Rapport support staff"),
            "accessible text ({reader})"
        );
    }

    // The role is the one the author had when writing, kept with the message.
    let roles: Vec<String> =
        sqlx::query_scalar("SELECT author_role FROM case_messages WHERE case_id = $1 ORDER BY id")
            .bind(case.id)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(roles, ["customer", "agent"]);
    // A written role cannot be faked by whoever inserts the message.
    sqlx::query(
        "INSERT INTO case_messages (case_id, author_id, body, author_role)
         SELECT $1, id, 'fake', 'admin' FROM users WHERE email = 'sam@northwind.example'",
    )
    .bind(case.id)
    .execute(&app.pool)
    .await
    .unwrap();
    let faked: String =
        sqlx::query_scalar("SELECT author_role FROM case_messages WHERE body = 'fake'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(faked, "customer");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn an_invitation_comes_by_mail_and_only_its_address_can_use_it(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "olivia@northwind.example",
            "nick@northwind.example",
            "carla@acme.example",
        ],
    )
    .await;
    let olivia = app.signed_in("olivia@northwind.example").await;
    let text = overview(&app, &olivia).await.to_string();
    assert!(text.contains("nick@northwind.example"));
    assert!(!text.contains("acme.example"), "{text}");

    let sent = invite(&app, &olivia, " Nora@Northwind.example ").await;
    assert_eq!(sent.status(), 200);
    let mails = mails_to(&app.pool, "nora@northwind.example").await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].0.contains("Northwind Traders"), "{}", mails[0].0);
    assert!(
        mails[0]
            .1
            .contains(&app.links.page("/register?invitation=")),
        "{}",
        mails[0].1
    );
    let token = invitation_token(&app.pool, "nora@northwind.example")
        .await
        .unwrap();
    assert_eq!(token.len(), 64, "256 random bits");

    let listed = overview(&app, &olivia).await;
    let invitation = invitation_of(&listed, "nora@northwind.example");
    assert_eq!(invitation["state"], "Pending");
    assert_eq!(invitation["invited_by"], "Olivia Northwind");
    assert_eq!(listed["open_invitations"], 1);

    // The form shows the address the link is for.
    let details = json(
        app.invoke(
            &app.browser(),
            InvitationDetails {
                invitation: token.clone(),
            },
        )
        .await,
    )
    .await;
    assert_eq!(details["email"], "nora@northwind.example");
    assert_eq!(details["organization_name"], "Northwind Traders");

    // Another address cannot use it.
    let other = app
        .invoke(
            &app.browser(),
            register("mallory@example.com", "Mallory", None, Some(&token)),
        )
        .await;
    assert_eq!(other.status(), 422);
    let body = json(other).await;
    assert_eq!(body["Invalid"]["field"], "email");
    assert!(body["Invalid"]["message"]
        .as_str()
        .unwrap()
        .contains("nora@northwind.example"));

    let nora = app.browser();
    let joined = app
        .invoke(
            &nora,
            register(
                "NORA@northwind.example",
                "Nora Northwind",
                None,
                Some(&token),
            ),
        )
        .await;
    assert_eq!(joined.status(), 200);
    assert_eq!(
        app.whoami(&nora).await.as_deref(),
        Some("nora@northwind.example")
    );
    let (role, org): (String, String) = sqlx::query_as(
        "SELECT u.role, o.name FROM users u JOIN organizations o ON o.id = u.organization_id
         WHERE u.email = 'nora@northwind.example'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (role.as_str(), org.as_str()),
        ("customer", "Northwind Traders")
    );
    assert_eq!(
        invitation_of(&overview(&app, &olivia).await, "nora@northwind.example")["state"],
        "Accepted"
    );

    // The link works once.
    let again = app
        .invoke(
            &app.browser(),
            register("nora@northwind.example", "Nora again", None, Some(&token)),
        )
        .await;
    assert_eq!(again.status(), 422);
    assert_eq!(json(again).await["Invalid"]["field"], "invitation");
    assert_eq!(
        count(
            &app.pool,
            "SELECT count(*) FROM audit_events WHERE kind = 'invitation_created'
               AND email = 'nora@northwind.example'"
        )
        .await,
        1
    );

    // Refusals: a customer may not invite; a bad address names the field.
    let nick = app.signed_in("nick@northwind.example").await;
    assert_eq!(invite(&app, &nick, "x@example.com").await.status(), 403);
    let bad = invite(&app, &olivia, "not an address").await;
    assert_eq!(bad.status(), 422);
    assert_eq!(json(bad).await["Invalid"]["field"], "email");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn sending_again_gives_a_new_link_and_revoking_ends_it(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["olivia@northwind.example"]).await;
    let olivia = app.signed_in("olivia@northwind.example").await;
    assert_eq!(
        invite(&app, &olivia, "nora@northwind.example")
            .await
            .status(),
        200
    );
    let first = invitation_token(&app.pool, "nora@northwind.example")
        .await
        .unwrap();
    let id = invitation_of(&overview(&app, &olivia).await, "nora@northwind.example")["id"]
        .as_i64()
        .unwrap();

    let resent = app
        .invoke(&olivia, ResendInvitation { invitation_id: id })
        .await;
    assert_eq!(resent.status(), 200);
    let second = invitation_token(&app.pool, "nora@northwind.example")
        .await
        .unwrap();
    assert_ne!(first, second);
    assert_eq!(mails_to(&app.pool, "nora@northwind.example").await.len(), 2);
    let old = app
        .invoke(
            &app.browser(),
            InvitationDetails {
                invitation: first.clone(),
            },
        )
        .await;
    assert_eq!(old.status(), 422, "the old link stops working");
    let new = app
        .invoke(
            &app.browser(),
            InvitationDetails {
                invitation: second.clone(),
            },
        )
        .await;
    assert_eq!(new.status(), 200);

    // Inviting the same address again sends the same invitation again.
    assert_eq!(
        invite(&app, &olivia, "NORA@northwind.example")
            .await
            .status(),
        200
    );
    let third = invitation_token(&app.pool, "nora@northwind.example")
        .await
        .unwrap();
    let listed = overview(&app, &olivia).await;
    assert_eq!(listed["invitations"].as_array().unwrap().len(), 1);
    assert_eq!(listed["open_invitations"], 1);

    let revoked = app
        .invoke(&olivia, RevokeInvitation { invitation_id: id })
        .await;
    assert_eq!(revoked.status(), 200);
    assert_eq!(
        invitation_of(&overview(&app, &olivia).await, "nora@northwind.example")["state"],
        "Revoked"
    );
    let used = app
        .invoke(
            &app.browser(),
            register("nora@northwind.example", "Nora", None, Some(&third)),
        )
        .await;
    assert_eq!(used.status(), 422);
    assert_eq!(json(used).await["Invalid"]["field"], "invitation");
    // A revoked invitation cannot be sent again.
    let resend_revoked = app
        .invoke(&olivia, ResendInvitation { invitation_id: id })
        .await;
    assert_eq!(resend_revoked.status(), 422);
    // Audited: sent twice (the second time by inviting the address again),
    // sent again once, revoked once.
    for (kind, times) in [
        ("invitation_created", 2),
        ("invitation_resent", 1),
        ("invitation_revoked", 1),
    ] {
        assert_eq!(
            count(
                &app.pool,
                &format!("SELECT count(*) FROM audit_events WHERE kind = '{kind}'")
            )
            .await,
            times,
            "{kind}"
        );
    }
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn inviting_an_address_that_has_an_account_moves_nobody(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["carla@acme.example", "nick@northwind.example"]).await;
    let carla = app.signed_in("carla@acme.example").await;
    let known = invite(&app, &carla, "nick@northwind.example").await;
    let unknown = invite(&app, &carla, "stranger@example.com").await;
    // The same answer either way.
    assert_eq!(known.status(), unknown.status());
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
    let listed = overview(&app, &carla).await;
    assert_eq!(
        invitation_of(&listed, "nick@northwind.example")["state"],
        "Pending"
    );

    // Nick hears of it, without a link that would make or move an account.
    let mails = mails_to(&app.pool, "nick@northwind.example").await;
    assert_eq!(mails.len(), 1);
    assert!(!mails[0].1.contains("invitation="), "{}", mails[0].1);
    assert!(
        mails[0].1.contains("already have an account"),
        "{}",
        mails[0].1
    );
    assert!(invitation_token(&app.pool, "stranger@example.com")
        .await
        .is_some());
    let org: String = sqlx::query_scalar(
        "SELECT o.name FROM users u JOIN organizations o ON o.id = u.organization_id
         WHERE u.email = 'nick@northwind.example'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(org, "Northwind Traders");
    assert_eq!(count(&app.pool, "SELECT count(*) FROM users").await, 2);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_removed_member_is_signed_out_and_their_cases_stay(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    let people = fixtures::people(
        &app.pool,
        &["olivia@northwind.example", "nick@northwind.example"],
    )
    .await;
    let nick_id = people[1].id;
    let case = fixtures::case("nick@northwind.example", "Label printer jams")
        .insert(&app.pool)
        .await;
    let olivia = app.signed_in("olivia@northwind.example").await;
    let nick = app.signed_in("nick@northwind.example").await;

    let unconfirmed = app
        .invoke(
            &olivia,
            RemoveMember {
                user_id: nick_id,
                confirm: None,
            },
        )
        .await;
    assert_eq!(unconfirmed.status(), 422);
    assert_eq!(json(unconfirmed).await["Invalid"]["field"], "confirm");
    assert_eq!(
        app.whoami(&nick).await.as_deref(),
        Some("nick@northwind.example")
    );

    let removed = app
        .invoke(
            &olivia,
            RemoveMember {
                user_id: nick_id,
                confirm: Some("on".into()),
            },
        )
        .await;
    assert_eq!(removed.status(), 200);
    assert_eq!(app.whoami(&nick).await, None, "the session ended");
    let again = app
        .sign_in(&app.browser(), "nick@northwind.example", DEMO_PASSWORD)
        .await;
    assert_ne!(again.status(), 200, "cannot sign in");

    // The case stays with the organization, and its admin still sees it.
    let detail = app
        .invoke(
            &olivia,
            CaseDetail {
                number: case.number.clone(),
                canned: None,
            },
        )
        .await;
    assert_eq!(detail.status(), 200);
    let listed = overview(&app, &olivia).await;
    let member = listed["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "nick@northwind.example")
        .unwrap()
        .clone();
    assert_eq!(member["disabled"], true);
    assert_eq!(
        count(
            &app.pool,
            "SELECT count(*) FROM audit_events WHERE kind = 'member_removed'"
        )
        .await,
        1
    );
    // One cannot remove oneself.
    let olivia_id = people[0].id;
    let myself = app
        .invoke(
            &olivia,
            RemoveMember {
                user_id: olivia_id,
                confirm: Some("on".into()),
            },
        )
        .await;
    assert_eq!(myself.status(), 422);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn an_organization_always_keeps_an_admin(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    let people = fixtures::people(
        &app.pool,
        &["olivia@northwind.example", "nick@northwind.example"],
    )
    .await;
    let (olivia_id, nick_id) = (people[0].id, people[1].id);
    let olivia = app.signed_in("olivia@northwind.example").await;
    let role = |user_id: i64, role: &str| SetMemberRole {
        user_id,
        role: role.into(),
    };

    let alone = app.invoke(&olivia, role(olivia_id, "customer")).await;
    assert_eq!(alone.status(), 422);
    let body = json(alone).await;
    assert_eq!(body["Invalid"]["field"], "role");
    assert!(body["Invalid"]["message"]
        .as_str()
        .unwrap()
        .contains("at least one admin"));

    let staff = app.invoke(&olivia, role(nick_id, "agent")).await;
    assert_eq!(staff.status(), 422, "a customer admin cannot make staff");

    assert_eq!(
        app.invoke(&olivia, role(nick_id, "customer_admin"))
            .await
            .status(),
        200
    );
    let nick = app.signed_in("nick@northwind.example").await;

    // Both admins demote each other at once: the lock lets only one through.
    let (a, b) = tokio::join!(
        app.invoke(&olivia, role(nick_id, "customer")),
        app.invoke(&nick, role(olivia_id, "customer")),
    );
    // The other is refused: by the rule (422), or, when it arrives after the
    // first demoted its sender, because they are no admin any more (403).
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses[0], 200, "{statuses:?}");
    assert!(matches!(statuses[1], 403 | 422), "{statuses:?}");
    let admins = "SELECT count(*) FROM users WHERE role = 'customer_admin' AND NOT disabled";
    assert_eq!(count(&app.pool, admins).await, 1);

    // The same below the web layer, where both were admins when allowed: the
    // organization's lock makes the second see the first's change, every time.
    let organization_id = people[0].organization_id.unwrap();
    let permit = |user_id: i64| {
        let actor = policy::Actor {
            user_id,
            role: Role::CustomerAdmin,
            organization_id: Some(organization_id),
        };
        policy::authorize(
            Some(&actor),
            &policy::Action::ManageOrganizationMembers { organization_id },
        )
        .unwrap()
    };
    let (olivia_may, nick_may) = (permit(olivia_id), permit(nick_id));
    for _ in 0..10 {
        sqlx::query("UPDATE users SET role = 'customer_admin'")
            .execute(&app.pool)
            .await
            .unwrap();
        let (a, b) = tokio::join!(
            organizations::set_member_role(
                &olivia_may,
                &app.pool,
                organization_id,
                nick_id,
                "customer",
                "test"
            ),
            organizations::set_member_role(
                &nick_may,
                &app.pool,
                organization_id,
                olivia_id,
                "customer",
                "test"
            ),
        );
        assert!(a.is_ok() != b.is_ok(), "exactly one demotion: {a:?} {b:?}");
        assert_eq!(count(&app.pool, admins).await, 1);
    }
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_customer_admin_cannot_touch_another_organizations_people(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    let people = fixtures::people(
        &app.pool,
        &[
            "olivia@northwind.example",
            "nick@northwind.example",
            "carla@acme.example",
            "ahmed@acme.example",
        ],
    )
    .await;
    let (nick_id, carla_id, ahmed_id) = (people[1].id, people[2].id, people[3].id);
    let carla = app.signed_in("carla@acme.example").await;
    assert_eq!(invite(&app, &carla, "new@acme.example").await.status(), 200);
    let acme_invitation = invitation_of(&overview(&app, &carla).await, "new@acme.example")["id"]
        .as_i64()
        .unwrap();

    let olivia = app.signed_in("olivia@northwind.example").await;
    let confirm = Some("on".to_string());
    for response in [
        app.invoke(
            &olivia,
            RemoveMember {
                user_id: ahmed_id,
                confirm: confirm.clone(),
            },
        )
        .await,
        app.invoke(
            &olivia,
            RemoveMember {
                user_id: carla_id,
                confirm: confirm.clone(),
            },
        )
        .await,
        app.invoke(
            &olivia,
            SetMemberRole {
                user_id: ahmed_id,
                role: "customer_admin".into(),
            },
        )
        .await,
        app.invoke(
            &olivia,
            SetMemberRole {
                user_id: carla_id,
                role: "customer".into(),
            },
        )
        .await,
        app.invoke(
            &olivia,
            ResendInvitation {
                invitation_id: acme_invitation,
            },
        )
        .await,
        app.invoke(
            &olivia,
            RevokeInvitation {
                invitation_id: acme_invitation,
            },
        )
        .await,
    ] {
        assert_eq!(response.status(), 404);
    }
    // Nothing changed at Acme.
    assert_eq!(
        count(
            &app.pool,
            "SELECT count(*) FROM users WHERE email LIKE '%@acme.example' AND NOT disabled"
        )
        .await,
        2
    );
    assert_eq!(
        count(
            &app.pool,
            "SELECT count(*) FROM users WHERE role = 'customer_admin'"
        )
        .await,
        2
    );
    assert_eq!(
        invitation_of(&overview(&app, &carla).await, "new@acme.example")["state"],
        "Pending"
    );
    assert_eq!(mails_to(&app.pool, "new@acme.example").await.len(), 1);

    // A customer (not an admin) and staff are refused the organization functions.
    let nick = app.signed_in("nick@northwind.example").await;
    let agent_app = {
        fixtures::people(&app.pool, &["agent@rapport.example"]).await;
        app.signed_in("agent@rapport.example").await
    };
    for client in [&nick, &agent_app] {
        let remove = app
            .invoke(
                client,
                RemoveMember {
                    user_id: nick_id,
                    confirm: confirm.clone(),
                },
            )
            .await;
        assert_eq!(remove.status(), 403);
        let promote = app
            .invoke(
                client,
                SetMemberRole {
                    user_id: nick_id,
                    role: "customer_admin".into(),
                },
            )
            .await;
        assert_eq!(promote.status(), 403);
    }
    let visitor = app
        .invoke(
            &app.browser(),
            CreateInvitation {
                email: "x@example.com".into(),
            },
        )
        .await;
    assert_eq!(visitor.status(), 401);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn admins_rename_organizations_and_names_stay_unique(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "admin@rapport.example",
            "carla@acme.example",
            "olivia@northwind.example",
        ],
    )
    .await;
    let acme = fixtures::organization(&app.pool, "Acme Robotics").await;
    let admin = app.signed_in("admin@rapport.example").await;
    let rename = |name: &str| RenameOrganization {
        organization_id: acme.id,
        name: name.into(),
    };

    let taken = app.invoke(&admin, rename(" northwind TRADERS")).await;
    assert_eq!(taken.status(), 422);
    assert_eq!(json(taken).await["Invalid"]["field"], "name");
    let empty = app.invoke(&admin, rename("  ")).await;
    assert_eq!(empty.status(), 422);

    let renamed = app
        .invoke(&admin, rename("Acme Robotics International"))
        .await;
    assert_eq!(renamed.status(), 200);
    let name: String = sqlx::query_scalar("SELECT name FROM organizations WHERE id = $1")
        .bind(acme.id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(name, "Acme Robotics International");
    let audit: String =
        sqlx::query_scalar("SELECT detail FROM audit_events WHERE kind = 'organization_renamed'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(
        audit.contains("Acme Robotics -> Acme Robotics International"),
        "{audit}"
    );

    // Only Rapport's admins.
    let carla = app.signed_in("carla@acme.example").await;
    assert_eq!(app.invoke(&carla, rename("Mine now")).await.status(), 403);
}

/// Rows of each table with an organization, for organization `id`.
async fn rows_of(pool: &PgPool, id: i64) -> Vec<(String, i64)> {
    let mut rows = Vec::new();
    for table in TABLES_WITH_ORGANIZATION {
        // Not moved: the merged-away organization's score history goes with it.
        if table == "health_scores" {
            continue;
        }
        // The backlog's rows of both are added up where they meet: its
        // count of cases is what must add up.
        let what = match table {
            "backlog_snapshots" => "coalesce(sum(cases), 0)::bigint",
            _ => "count(*)",
        };
        let n: i64 = sqlx::query_scalar(&format!(
            "SELECT {what} FROM {table} WHERE organization_id = $1"
        ))
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap();
        rows.push((table.to_string(), n));
    }
    rows
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn every_table_with_an_organization_is_moved_by_a_merge(pool: PgPool) {
    let mut tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.columns
         WHERE column_name = 'organization_id' AND table_schema = 'public'
           AND table_name IN (SELECT table_name FROM information_schema.tables
                              WHERE table_type = 'BASE TABLE')",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    tables.sort();
    let mut merged: Vec<String> = TABLES_WITH_ORGANIZATION
        .iter()
        .map(|t| t.to_string())
        .collect();
    merged.sort();
    assert_eq!(tables, merged);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn admins_merge_one_organization_into_another(pool: PgPool) {
    // The whole demo: people, cases, orders, invoices, deliveries, workshops.
    let app = TestApp::spawn(pool).await;
    let acme = fixtures::organization(&app.pool, "Acme Robotics").await;
    let northwind = fixtures::organization(&app.pool, "Northwind Traders").await;
    let carla = app.signed_in("carla@acme.example").await;
    assert_eq!(invite(&app, &carla, "new@acme.example").await.status(), 200);
    // A draft meant for Acme only.
    sqlx::query("INSERT INTO articles (slug, organization_id) VALUES ('acme-only', $1)")
        .bind(acme.id)
        .execute(&app.pool)
        .await
        .unwrap();
    // Acme once left and came back.
    sqlx::query(
        "INSERT INTO churn_events (organization_id, kind, on_day, reason, recorded_by)
         SELECT $1, kind, current_date - days, reason, (SELECT id FROM users WHERE role = 'admin' LIMIT 1)
         FROM (VALUES ('left', 60, 'Budget'), ('returned', 30, '')) AS e (kind, days, reason)",
    )
    .bind(acme.id)
    .execute(&app.pool)
    .await
    .unwrap();
    // Carla's API token, and a change the API exported about Acme.
    crate::common::api::token(&app, "carla@acme.example", &["cases:read"]).await;
    let mut tx = app.pool.begin().await.unwrap();
    rapport_core::changes::record(
        &mut tx,
        &[rapport_core::db::changes::NewChange {
            event: "case.updated",
            entity: "case",
            entity_id: 1,
            deleted: false,
            organization_id: Some(acme.id),
            staff_only: false,
            case_id: Some(1),
            data: serde_json::json!({}),
        }],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let before_source = rows_of(&app.pool, acme.id).await;
    let before_target = rows_of(&app.pool, northwind.id).await;
    for (table, n) in &before_source {
        assert!(*n > 0, "the demo gives Acme some {table}");
    }
    let admin = app.signed_in("admin@rapport.example").await;
    let merge = |confirm: Option<&str>| MergeOrganizations {
        source: acme.id,
        target: northwind.id,
        confirm: confirm.map(str::to_owned),
    };

    // Refusals: not confirmed; into itself; not an admin.
    let unconfirmed = app.invoke(&admin, merge(None)).await;
    assert_eq!(unconfirmed.status(), 422);
    assert_eq!(json(unconfirmed).await["Invalid"]["field"], "confirm");
    let itself = app
        .invoke(
            &admin,
            MergeOrganizations {
                source: acme.id,
                target: acme.id,
                confirm: Some("on".into()),
            },
        )
        .await;
    assert_eq!(itself.status(), 422);
    for refused in ["carla@acme.example", "agent@rapport.example"] {
        let client = app.signed_in(refused).await;
        assert_eq!(
            app.invoke(&client, merge(Some("on"))).await.status(),
            403,
            "{refused}"
        );
    }
    assert_eq!(rows_of(&app.pool, acme.id).await, before_source);

    let merged = app.invoke(&admin, merge(Some("on"))).await;
    assert_eq!(merged.status(), 200);
    let after_target = rows_of(&app.pool, northwind.id).await;
    for (((table, source), (_, target)), (_, after)) in
        before_source.iter().zip(&before_target).zip(&after_target)
    {
        assert_eq!(source + target, *after, "{table}");
    }
    assert!(rows_of(&app.pool, acme.id)
        .await
        .iter()
        .all(|(_, n)| *n == 0));
    assert_eq!(
        count(
            &app.pool,
            &format!("SELECT count(*) FROM organizations WHERE id = {}", acme.id)
        )
        .await,
        0
    );
    let audit: String =
        sqlx::query_scalar("SELECT detail FROM audit_events WHERE kind = 'organizations_merged'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(
        audit.contains("Acme Robotics") && audit.contains("Northwind Traders"),
        "{audit}"
    );

    // Carla now works in Northwind, and sees Acme's cases there.
    let carla_after = overview(&app, &carla).await;
    assert_eq!(carla_after["name"], "Northwind Traders");
    assert!(carla_after.to_string().contains("ahmed@acme.example"));
}
