//! Cases agents open for customers (from a phone call, a forwarded mail),
//! contacts, and the followers of a case: who may see and change them, and
//! that following opens nothing of a case on the portal.

use crate::common::{fixtures, TestApp};
use app::api::agent_cases::{
    AddCaseFollower, CaseFollowers, CreateContact, FindRequesters, NewCaseForCustomer,
    OpenCaseForCustomer, RemoveCaseFollower,
};
use app::api::cases::CaseDetail;
use reqwest::Client;
use serde_json::Value;
use sqlx::PgPool;

async fn json(response: reqwest::Response) -> Value {
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn field_of(response: reqwest::Response) -> String {
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    body["Invalid"]["field"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn technical_problem(pool: &PgPool) -> String {
    let id: i64 =
        sqlx::query_scalar("SELECT id FROM case_categories WHERE name = 'Technical problem'")
            .fetch_one(pool)
            .await
            .unwrap();
    id.to_string()
}

fn open_for(requester_id: i64, channel: &str, category_id: &str) -> OpenCaseForCustomer {
    OpenCaseForCustomer {
        requester_id,
        channel: channel.into(),
        subject: "Scanner offline after the power cut".into(),
        description: "Called in: the scanner on floor 2 does not come back.".into(),
        category_id: category_id.into(),
        priority: "high".into(),
    }
}

async fn detail(app: &TestApp, client: &Client, number: &str) -> reqwest::Response {
    app.invoke(
        client,
        CaseDetail {
            number: number.into(),
            canned: None,
        },
    )
    .await
}

async fn followers(app: &TestApp, client: &Client, number: &str) -> reqwest::Response {
    app.invoke(
        client,
        CaseFollowers {
            number: number.into(),
        },
    )
    .await
}

async fn add(app: &TestApp, client: &Client, number: &str, email: &str) -> reqwest::Response {
    app.invoke(
        client,
        AddCaseFollower {
            number: number.into(),
            email: email.into(),
        },
    )
    .await
}

fn emails(list: &Value) -> Vec<String> {
    list["followers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["email"].as_str().unwrap().to_string())
        .collect()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn an_agent_opens_a_case_for_a_customer_who_called(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    let [agent, nick, _carla] = fixtures::people(
        &app.pool,
        &[
            "agent@rapport.example",
            "nick@northwind.example",
            "carla@acme.example",
        ],
    )
    .await
    .try_into()
    .unwrap();
    let agent_client = app.signed_in(&agent.email).await;
    let category = technical_problem(&app.pool).await;

    // The requester is found by organization, name or address; staff are not listed.
    for query in ["northwind", "Nick", "NICK@north"] {
        let found = json(
            app.invoke(
                &agent_client,
                FindRequesters {
                    query: query.into(),
                },
            )
            .await,
        )
        .await;
        assert_eq!(emails_of(&found), ["nick@northwind.example"], "{query}");
    }
    let staff = json(
        app.invoke(
            &agent_client,
            FindRequesters {
                query: "rapport".into(),
            },
        )
        .await,
    )
    .await;
    assert!(emails_of(&staff).is_empty(), "{staff}");

    let form = json(
        app.invoke(&agent_client, NewCaseForCustomer { requester: nick.id })
            .await,
    )
    .await;
    assert_eq!(form["requester"]["email"], "nick@northwind.example");
    assert_eq!(form["requester"]["organization"], "Northwind Traders");

    let opened = app
        .invoke(&agent_client, open_for(nick.id, "phone", &category))
        .await;
    assert_eq!(opened.status(), 200);
    let (number, requester, organization, channel): (i64, i64, i64, String) = sqlx::query_as(
        "SELECT number, requester_id, organization_id, channel FROM cases ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((requester, channel.as_str()), (nick.id, "phone"));
    assert_eq!(Some(organization), nick.organization_id);
    let number = format!("C-{number}");
    // The requester gets the usual mail, and sees the case as theirs.
    let mails: Vec<(String, String)> = sqlx::query_as(
        "SELECT subject, body FROM outbound_mails WHERE to_address LIKE '%nick@northwind.example%'",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(mails[0].0.contains(&number), "{}", mails[0].0);
    let nick_client = app.signed_in(&nick.email).await;
    let seen = json(detail(&app, &nick_client, &number).await).await;
    assert_eq!(seen["channel"], "phone");
    assert_eq!(seen["requester"], nick.name);

    // Mistakes name their field; nothing is opened.
    let portal = app
        .invoke(&agent_client, open_for(nick.id, "portal", &category))
        .await;
    assert_eq!(field_of(portal).await, "channel");
    let staff_requester = app
        .invoke(&agent_client, open_for(agent.id, "email", &category))
        .await;
    assert_eq!(field_of(staff_requester).await, "requester_id");
    let no_subject = OpenCaseForCustomer {
        subject: " ".into(),
        ..open_for(nick.id, "email", &category)
    };
    assert_eq!(
        field_of(app.invoke(&agent_client, no_subject).await).await,
        "subject"
    );
    let cases: i64 = sqlx::query_scalar("SELECT count(*) FROM cases")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(cases, 1);

    // Customers may do none of it.
    let carla = app.signed_in("carla@acme.example").await;
    for response in [
        app.invoke(
            &carla,
            FindRequesters {
                query: "nick".into(),
            },
        )
        .await,
        app.invoke(&carla, NewCaseForCustomer { requester: nick.id })
            .await,
        app.invoke(&carla, open_for(nick.id, "phone", &category))
            .await,
    ] {
        assert_eq!(response.status(), 403);
    }
}

fn emails_of(found: &Value) -> Vec<String> {
    found["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["email"].as_str().unwrap().to_string())
        .collect()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn an_agent_makes_a_contact_who_has_no_password(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    let [agent, nick] = fixtures::people(
        &app.pool,
        &["agent@rapport.example", "nick@northwind.example"],
    )
    .await
    .try_into()
    .unwrap();
    let agent_client = app.signed_in(&agent.email).await;
    let northwind = nick.organization_id.unwrap().to_string();
    let contact = |email: &str, organization_id: &str| CreateContact {
        name: "Paula Phone".into(),
        email: email.into(),
        organization_id: organization_id.into(),
    };
    let made = app
        .invoke(
            &agent_client,
            contact(" Paula@Northwind.example ", &northwind),
        )
        .await;
    assert_eq!(made.status(), 200);
    let (role, organization, is_contact): (String, Option<i64>, bool) = sqlx::query_as(
        "SELECT role, organization_id, contact FROM users WHERE email = 'paula@northwind.example'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(role, "customer");
    assert_eq!(organization, nick.organization_id);
    assert!(is_contact);
    // No password opens the account (and trying is an ordinary refusal).
    for password in ["!contact", "", crate::common::DEMO_PASSWORD] {
        let response = app
            .sign_in(&app.browser(), "paula@northwind.example", password)
            .await;
        assert_eq!(response.status(), 422, "{password:?}");
    }
    // The contact is found like any customer.
    let found = json(
        app.invoke(
            &agent_client,
            FindRequesters {
                query: "paula".into(),
            },
        )
        .await,
    )
    .await;
    assert_eq!(found["people"][0]["contact"], true);

    // Known addresses, bad addresses and unknown organizations are refused.
    let again = app
        .invoke(&agent_client, contact("nick@northwind.example", &northwind))
        .await;
    assert_eq!(field_of(again).await, "email");
    let bad = app
        .invoke(&agent_client, contact("not an address", &northwind))
        .await;
    assert_eq!(field_of(bad).await, "email");
    let nowhere = app
        .invoke(&agent_client, contact("quinn@northwind.example", "999999"))
        .await;
    assert_eq!(field_of(nowhere).await, "organization_id");
    // Customers cannot make contacts.
    let nick_client = app.signed_in(&nick.email).await;
    let refused = app
        .invoke(&nick_client, contact("rita@northwind.example", &northwind))
        .await;
    assert_eq!(refused.status(), 403);
    let made: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE contact")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(made, 1);
}

/// Who sees and changes the followers of Nick's (Northwind) case, as a table.
#[sqlx::test(migrator = "server::MIGRATOR")]
async fn followers_by_role_and_organization(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    let people = fixtures::people(
        &app.pool,
        &[
            "agent@rapport.example",
            "nick@northwind.example",
            "olivia@northwind.example",
            "carla@acme.example",
            "ahmed@acme.example",
            "trainer@rapport.example",
        ],
    )
    .await;
    let nick_case = fixtures::case("nick@northwind.example", "Northwind's printer")
        .insert(&app.pool)
        .await;
    let acme_case = fixtures::case("ahmed@acme.example", "Acme's robot")
        .insert(&app.pool)
        .await;
    let mut clients = Vec::new();
    for person in &people {
        clients.push(app.signed_in(&person.email).await);
    }
    let [agent, nick, olivia, carla, ahmed, trainer] = &clients[..] else {
        unreachable!()
    };
    // The agent adds a colleague of the requester, a customer of another
    // organization and a new outside address.
    for email in [
        "olivia@northwind.example",
        "carla@acme.example",
        "outsider@elsewhere.example",
    ] {
        assert_eq!(
            add(&app, agent, &nick_case.number, email).await.status(),
            200
        );
    }
    let all = [
        "olivia@northwind.example",
        "carla@acme.example",
        "outsider@elsewhere.example",
    ];

    // reader, sees the list, may add (colleagues only), may remove.
    let table = [
        (agent, "agent", Some((true, false, true))),
        (nick, "the requester", Some((true, true, false))),
        (
            olivia,
            "Northwind's customer admin",
            Some((true, true, false)),
        ),
        (carla, "Acme's customer admin (a follower)", None),
        (ahmed, "an Acme customer", None),
        (trainer, "a trainer", None),
    ];
    for (client, who, expected) in table {
        let response = followers(&app, client, &nick_case.number).await;
        match expected {
            Some((may_add, colleagues_only, may_remove)) => {
                let list = json(response).await;
                assert_eq!(emails(&list), all, "{who}");
                assert_eq!(list["may_add"], may_add, "{who}");
                assert_eq!(list["colleagues_only"], colleagues_only, "{who}");
                assert_eq!(list["may_remove"], may_remove, "{who}");
            }
            None => assert_eq!(response.status(), 404, "{who}"),
        }
    }
    // Following is mail only: Carla, a follower from Acme, sees nothing of the
    // case on the portal, and nothing else of Northwind.
    assert_eq!(detail(&app, carla, &nick_case.number).await.status(), 404);
    // Olivia sees the followers of her organization's cases only.
    assert_eq!(
        followers(&app, olivia, &acme_case.number).await.status(),
        404
    );

    // The outside address became a contact of "Unsorted", not of Northwind.
    let (organization, is_contact): (String, bool) = sqlx::query_as(
        "SELECT o.name, u.contact FROM users u JOIN organizations o ON o.id = u.organization_id
         WHERE u.email = 'outsider@elsewhere.example'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((organization.as_str(), is_contact), ("Unsorted", true));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn followers_are_added_and_removed_within_the_rules(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    let people = fixtures::people(
        &app.pool,
        &[
            "agent@rapport.example",
            "nick@northwind.example",
            "olivia@northwind.example",
            "carla@acme.example",
            "admin@rapport.example",
        ],
    )
    .await;
    let acme = people[3].organization_id.unwrap();
    let case = fixtures::case("nick@northwind.example", "Northwind's printer")
        .insert(&app.pool)
        .await;
    let agent = app.signed_in("agent@rapport.example").await;
    let nick = app.signed_in("nick@northwind.example").await;
    let number = case.number.as_str();

    // The requester adds a colleague; twice is once.
    assert_eq!(
        add(&app, &nick, number, "olivia@northwind.example")
            .await
            .status(),
        200
    );
    assert_eq!(
        add(&app, &nick, number, "OLIVIA@northwind.example")
            .await
            .status(),
        200
    );
    // ... but nobody of another organization, nor an unknown address, and
    // the answer is the same for both (nothing is learned about who exists).
    let other = add(&app, &nick, number, "carla@acme.example").await;
    let other: Value = {
        assert_eq!(other.status(), 422);
        other.json().await.unwrap()
    };
    let unknown = add(&app, &nick, number, "stranger@example.org").await;
    let unknown: Value = {
        assert_eq!(unknown.status(), 422);
        unknown.json().await.unwrap()
    };
    assert_eq!(other["Invalid"]["field"], "email");
    assert_eq!(other, unknown);
    let strangers: i64 =
        sqlx::query_scalar("SELECT count(*) FROM users WHERE email = 'stranger@example.org'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(strangers, 0, "a refused address makes no contact");
    // Not the requester themself, not staff, not a malformed address.
    assert_eq!(
        field_of(add(&app, &agent, number, "nick@northwind.example").await).await,
        "email"
    );
    assert_eq!(
        field_of(add(&app, &agent, number, "admin@rapport.example").await).await,
        "email"
    );
    assert_eq!(
        field_of(add(&app, &agent, number, "nope").await).await,
        "email"
    );

    // A new address at a domain an organization owns joins that organization.
    sqlx::query(
        "INSERT INTO organization_domains (domain, organization_id) VALUES ('acme.example', $1)",
    )
    .bind(acme)
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        add(&app, &agent, number, "dora@acme.example")
            .await
            .status(),
        200
    );
    let organization: Option<i64> =
        sqlx::query_scalar("SELECT organization_id FROM users WHERE email = 'dora@acme.example'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(organization, Some(acme));
    let list = json(followers(&app, &agent, number).await).await;
    assert_eq!(
        emails(&list),
        ["olivia@northwind.example", "dora@acme.example"]
    );

    // Only staff remove followers.
    let dora = list["followers"][1]["user_id"].as_i64().unwrap();
    let remove = |client| {
        app.invoke(
            client,
            RemoveCaseFollower {
                number: number.into(),
                user_id: dora,
            },
        )
    };
    assert_eq!(remove(&nick).await.status(), 403);
    assert_eq!(remove(&agent).await.status(), 200);
    let list = json(followers(&app, &agent, number).await).await;
    assert_eq!(emails(&list), ["olivia@northwind.example"]);
    // A case that does not exist is not found, for anyone.
    assert_eq!(
        add(&app, &agent, "C-999999", "x@example.com")
            .await
            .status(),
        404
    );
}
