//! Mail out: one mail per action, to the right people, threaded, with signed
//! reply addresses; agents' own mails and their choices; and the whole of it
//! through lettre's SMTP transport into a real SMTP server (aiosmtpd).

use crate::common::smtp_sink::SmtpSink;
use crate::common::{fixtures, TestApp};
use app::api::account::AgentMailSettings;
use app::api::cases::UpdateCase;
use mail_parser::{HeaderValue, MessageParser};
use rapport_core::config::MailTransport;
use rapport_core::reply_tokens::{self, ReplyKeys, REPLY_ABOVE_THIS_LINE};
use reqwest::Client;
use serde_json::Value;
use sqlx::PgPool;

/// One queued mail, with its headers.
#[derive(Debug, sqlx::FromRow)]
struct Queued {
    to_address: String,
    subject: String,
    body: String,
    html_body: Option<String>,
    message_id: Option<String>,
    in_reply_to: Option<String>,
    references: Option<String>,
    reply_to: Option<String>,
    auto_submitted: Option<String>,
    case_id: Option<i64>,
}

async fn queued_to(pool: &PgPool, email: &str) -> Vec<Queued> {
    sqlx::query_as(
        "SELECT to_address, subject, body, html_body, message_id, in_reply_to,
                \"references\", reply_to, auto_submitted, case_id
         FROM outbound_mails WHERE to_address LIKE '%<' || $1 || '>' OR to_address = $1
         ORDER BY id",
    )
    .bind(email)
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn user_id(pool: &PgPool, email: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn case_row(pool: &PgPool, number: &str) -> (i64, i32, i64) {
    let n: i64 = number.trim_start_matches("C-").parse().unwrap();
    sqlx::query_as("SELECT id, version, category_id FROM cases WHERE number = $1")
        .bind(n)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn open_case(app: &TestApp, client: &Client, subject: &str, category_id: i64) -> String {
    // Raw: create_case takes multipart data (files), not typed arguments.
    let response = app
        .call(
            client,
            "create_case",
            &[
                ("subject", subject),
                ("description", "It **stopped** at noon."),
                ("category_id", &category_id.to_string()),
                ("priority", "normal"),
            ],
        )
        .await;
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    location.trim_start_matches("/cases/").to_string()
}

async fn reply(
    app: &TestApp,
    client: &Client,
    number: &str,
    body: &str,
    extra: &[(&str, &str)],
) -> u16 {
    let (_, version, _) = case_row(&app.pool, number).await;
    let version = version.to_string();
    let mut form = vec![("number", number), ("body", body), ("version", &version)];
    form.extend_from_slice(extra);
    // Raw: reply_to_case takes multipart data (files), not typed arguments.
    app.call(client, "reply_to_case", &form)
        .await
        .status()
        .as_u16()
}

async fn update(
    app: &TestApp,
    client: &Client,
    number: &str,
    status: &str,
    priority: &str,
    assignee: &str,
    tags: Option<&str>,
) {
    let (_, version, category_id) = case_row(&app.pool, number).await;
    let response = app
        .invoke(
            client,
            UpdateCase {
                number: number.to_string(),
                version,
                status: status.to_string(),
                priority: priority.to_string(),
                category_id,
                assignee_id: assignee.to_string(),
                tags: tags.map(str::to_string),
            },
        )
        .await;
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
}

/// The token in a queued Message-ID, verified: (case, user, case message).
async fn claims(pool: &PgPool, message_id: &str) -> (i64, i64, i64) {
    let keys = ReplyKeys::load(pool).await.unwrap();
    let token = reply_tokens::token_in_message_id(message_id).expect("our Message-ID");
    let claims = keys.verify(token).expect("a token that verifies");
    (claims.case_id, claims.user_id, claims.message_id)
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_reply_with_a_status_is_one_threaded_mail_to_the_requester_and_followers(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "nick@northwind.example",
            "olivia@northwind.example",
            "agent@rapport.example",
            "admin@rapport.example",
        ],
    )
    .await;
    let nick = app.signed_in("nick@northwind.example").await;
    let category: i64 = sqlx::query_scalar("SELECT min(id) FROM case_categories")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let number = open_case(&app, &nick, "Label printer offline", category).await;
    let (case_id, _, _) = case_row(&app.pool, &number).await;
    let nick_id = user_id(&app.pool, "nick@northwind.example").await;
    // Olivia follows the case (added by an agent; the followers' page is elsewhere).
    let olivia_id = user_id(&app.pool, "olivia@northwind.example").await;
    sqlx::query("INSERT INTO case_followers (case_id, user_id) VALUES ($1, $2)")
        .bind(case_id)
        .bind(olivia_id)
        .execute(&app.pool)
        .await
        .unwrap();

    let received = queued_to(&app.pool, "nick@northwind.example").await;
    assert_eq!(received.len(), 1, "{received:?}");
    let first_id = received[0].message_id.clone().unwrap();

    // Triage tells the customers nothing: New to Open, assignment, priority, tags, On hold.
    let agent = app.signed_in("agent@rapport.example").await;
    let agent_id = user_id(&app.pool, "agent@rapport.example")
        .await
        .to_string();
    update(
        &app,
        &agent,
        &number,
        "open",
        "high",
        &agent_id,
        Some("printer"),
    )
    .await;
    update(&app, &agent, &number, "on_hold", "high", &agent_id, None).await;
    update(&app, &agent, &number, "open", "high", &agent_id, None).await;
    assert_eq!(
        queued_to(&app.pool, "nick@northwind.example").await.len(),
        1
    );
    assert!(queued_to(&app.pool, "olivia@northwind.example")
        .await
        .is_empty());

    // A reply that solves the case: one mail each, saying both.
    let status = reply(
        &app,
        &agent,
        &number,
        "Please **restart** it.",
        &[("status", "solved")],
    )
    .await;
    assert_eq!(status, 200);
    let to_nick = queued_to(&app.pool, "nick@northwind.example").await;
    assert_eq!(to_nick.len(), 2, "{to_nick:?}");
    let mail = &to_nick[1];
    assert_eq!(
        mail.to_address,
        "\"Nick Northwind\" <nick@northwind.example>"
    );
    assert_eq!(mail.subject, format!("[{number}] Label printer offline"));
    assert!(
        mail.body.starts_with(REPLY_ABOVE_THIS_LINE),
        "{}",
        mail.body
    );
    for words in [
        "New reply from support",
        "Sam Agent wrote on case",
        "Please **restart** it.",
        "The case is now Solved.",
        "Status: Solved",
    ] {
        assert!(mail.body.contains(words), "{words:?} in {}", mail.body);
    }
    assert!(!mail.body.contains("not read"));
    let html = mail.html_body.as_deref().unwrap();
    assert!(html.contains("<strong>restart</strong>"), "{html}");
    assert!(html.contains(&format!("/cases/{number}#m-")), "{html}");
    assert_eq!(mail.auto_submitted.as_deref(), Some("auto-generated"));
    assert_eq!(mail.case_id, Some(case_id));
    // Signed for Nick, about this case and the reply; the reply address carries the same token.
    let message_id = mail.message_id.clone().unwrap();
    let reply_message: i64 =
        sqlx::query_scalar("SELECT max(id) FROM case_messages WHERE case_id = $1 AND NOT internal")
            .bind(case_id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        claims(&app.pool, &message_id).await,
        (case_id, nick_id, reply_message)
    );
    let reply_to = mail.reply_to.clone().unwrap();
    let address = reply_to.trim_end_matches('>').rsplit('<').next().unwrap();
    assert_eq!(
        reply_tokens::token_in_address(address),
        reply_tokens::token_in_message_id(&message_id)
    );
    // Threaded on the first mail of the case.
    assert_eq!(mail.in_reply_to.as_deref(), Some(first_id.as_str()));
    assert!(mail.references.as_deref().unwrap().starts_with(&first_id));
    // The follower gets the same news, signed for her.
    let to_olivia = queued_to(&app.pool, "olivia@northwind.example").await;
    assert_eq!(to_olivia.len(), 1, "{to_olivia:?}");
    assert!(to_olivia[0].body.contains("The case is now Solved."));
    let (_, user, _) = claims(&app.pool, to_olivia[0].message_id.as_deref().unwrap()).await;
    assert_eq!(user, olivia_id);
    // Every Message-ID sent is remembered for the case, for replies to find it.
    let recorded: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM mail_message_ids WHERE case_id = $1 AND direction = 'out'",
    )
    .bind(case_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let sent: i64 = sqlx::query_scalar("SELECT count(*) FROM outbound_mails WHERE case_id = $1")
        .bind(case_id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(recorded, sent);

    // The next mail to Nick answers the last one he got.
    let nick_replies = reply(&app, &nick, &number, "Still broken.", &[]).await;
    assert_eq!(nick_replies, 200);
    let to_olivia = queued_to(&app.pool, "olivia@northwind.example").await;
    assert_eq!(
        to_olivia.len(),
        2,
        "the follower reads the requester's reply"
    );
    assert!(to_olivia[1].body.contains("Nick Northwind replied"));
    // The assignee gets the agents' wording.
    let to_agent = queued_to(&app.pool, "agent@rapport.example").await;
    assert_eq!(to_agent.len(), 1, "{to_agent:?}");
    assert!(to_agent[0].body.contains("wrote on case"));
    assert!(to_agent[0].body.contains("assigned to you"));
    assert!(to_agent[0].body.contains("The case is now Open."));
    let status = reply(&app, &agent, &number, "Try the other tray.", &[]).await;
    assert_eq!(status, 200);
    let to_nick = queued_to(&app.pool, "nick@northwind.example").await;
    assert_eq!(to_nick.len(), 3);
    assert_eq!(to_nick[2].in_reply_to, to_nick[1].message_id);
    assert_eq!(
        to_nick[2].references.as_deref(),
        Some(format!("{first_id} {}", to_nick[1].message_id.as_deref().unwrap()).as_str())
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn notes_mail_only_the_agents_they_mention_and_assigning_mails_the_assignee(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "nick@northwind.example",
            "agent@rapport.example",
            "admin@rapport.example",
        ],
    )
    .await;
    let case = fixtures::case("nick@northwind.example", "Scanner jams")
        .insert(&app.pool)
        .await;
    let admin = app.signed_in("admin@rapport.example").await;
    let before = queued_to(&app.pool, "nick@northwind.example").await.len();
    let status = reply(
        &app,
        &admin,
        &case.number,
        "@sam can you check the rollers? Not nick@northwind.example.",
        &[("internal", "on")],
    )
    .await;
    assert_eq!(status, 200);
    let to_sam = queued_to(&app.pool, "agent@rapport.example").await;
    assert_eq!(to_sam.len(), 1, "{to_sam:?}");
    let note_id: i64 = sqlx::query_scalar("SELECT max(id) FROM case_messages WHERE internal")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(
        to_sam[0].body.contains("Ada Admin mentioned you"),
        "{}",
        to_sam[0].body
    );
    assert!(to_sam[0].body.contains("can you check the rollers"));
    assert!(to_sam[0]
        .body
        .contains(&format!("/cases/{}#m-{note_id}", case.number)));
    assert_eq!(
        queued_to(&app.pool, "nick@northwind.example").await.len(),
        before,
        "an internal note never reaches the customer"
    );
    assert!(queued_to(&app.pool, "admin@rapport.example")
        .await
        .is_empty());

    // The case page has the anchor the mail links to.
    let page = crate::common::page_text(&admin, &app.url(&format!("/cases/{}", case.number))).await;
    assert!(
        page.contains(&format!("id=\"m-{note_id}\"")),
        "no anchor m-{note_id}"
    );

    // Assigning mails the new assignee, in agents' words; the customer hears nothing.
    let sam_id = user_id(&app.pool, "agent@rapport.example")
        .await
        .to_string();
    update(&app, &admin, &case.number, "open", "normal", &sam_id, None).await;
    let to_sam = queued_to(&app.pool, "agent@rapport.example").await;
    assert_eq!(to_sam.len(), 2);
    assert!(
        to_sam[1].body.contains("Ada Admin assigned case"),
        "{}",
        to_sam[1].body
    );
    assert_eq!(
        queued_to(&app.pool, "nick@northwind.example").await.len(),
        before
    );
    // The customer closes it: the assignee hears, once.
    let nick = app.signed_in("nick@northwind.example").await;
    let closed = app
        .call(
            &nick,
            "set_case_open",
            &[("number", &case.number), ("open", "false")],
        )
        .await;
    assert_eq!(closed.status(), 200);
    let to_sam = queued_to(&app.pool, "agent@rapport.example").await;
    assert_eq!(to_sam.len(), 3);
    assert!(to_sam[2].body.contains("Nick Northwind closed the case"));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn agents_choose_their_mails_and_the_categories_they_follow(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "nick@northwind.example",
            "agent@rapport.example",
            "admin@rapport.example",
        ],
    )
    .await;
    // Only staff who work cases have these settings.
    let nick = app.signed_in("nick@northwind.example").await;
    let refused = app.invoke(&nick, AgentMailSettings {}).await;
    assert_eq!(refused.status(), 403);
    let refused = app
        .call(&nick, "save_agent_mail_settings", &[("mentioned", "on")])
        .await;
    assert_eq!(refused.status(), 403);
    let visitor = app.invoke(&app.bare(), AgentMailSettings {}).await;
    assert_eq!(visitor.status(), 401);

    // Every mail is on until the agent says otherwise; no category is followed.
    let sam = app.signed_in("agent@rapport.example").await;
    let settings: Value = app
        .invoke(&sam, AgentMailSettings {})
        .await
        .json()
        .await
        .unwrap();
    for kind in [
        "new_case_followed",
        "assigned_to_me",
        "customer_replied",
        "mentioned",
    ] {
        assert_eq!(settings[kind], true, "{settings}");
    }
    let categories = settings["categories"].as_array().unwrap();
    assert!(categories.iter().all(|c| c["followed"] == false));
    let hardware = categories[0]["id"].as_i64().unwrap().to_string();
    let other = categories[1]["id"].as_i64().unwrap();

    // A category that does not exist is refused, naming the field.
    let bad = app
        .call(
            &sam,
            "save_agent_mail_settings",
            &[("categories[]", "999999")],
        )
        .await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("categories"));

    // Sam follows one category and wants no mention mails.
    let saved = app
        .call(
            &sam,
            "save_agent_mail_settings",
            &[
                ("new_case_followed", "on"),
                ("assigned_to_me", "on"),
                ("customer_replied", "on"),
                ("categories[]", &hardware),
            ],
        )
        .await;
    assert_eq!(saved.status(), 200, "{:?}", saved.text().await);
    let settings: Value = app
        .invoke(&sam, AgentMailSettings {})
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(settings["mentioned"], false);
    assert_eq!(settings["assigned_to_me"], true);
    let followed: Vec<String> = settings["categories"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["followed"] == true)
        .map(|c| c["id"].to_string())
        .collect();
    assert_eq!(followed, std::slice::from_ref(&hardware));

    // A new case in it is mailed to Sam; one in another category is not.
    let number = open_case(&app, &nick, "Fan is loud", hardware.parse().unwrap()).await;
    let to_sam = queued_to(&app.pool, "agent@rapport.example").await;
    assert_eq!(to_sam.len(), 1, "{to_sam:?}");
    assert!(to_sam[0].body.contains("New case in"));
    assert!(
        to_sam[0].body.contains("Nick Northwind (Northwind")
            && to_sam[0].body.contains(") opened case"),
        "{}",
        to_sam[0].body
    );
    assert!(to_sam[0].body.contains("It **stopped** at noon."));
    open_case(&app, &nick, "Invoice question", other).await;
    assert_eq!(queued_to(&app.pool, "agent@rapport.example").await.len(), 1);
    // A mention no longer mails Sam.
    let admin = app.signed_in("admin@rapport.example").await;
    let status = reply(
        &app,
        &admin,
        &number,
        "@\"Sam Agent\" please look",
        &[("internal", "on")],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(queued_to(&app.pool, "agent@rapport.example").await.len(), 1);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn account_mails_are_marked_automatic(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["nick@northwind.example"]).await;
    let asked = app
        .call(
            &app.browser(),
            "request_password_reset",
            &[("email", "nick@northwind.example")],
        )
        .await;
    assert!(asked.status().is_success() || asked.status().is_redirection());
    let mails = queued_to(&app.pool, "nick@northwind.example").await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0].auto_submitted.as_deref(), Some("auto-generated"));
    // Not about a case: no reply token.
    assert_eq!(mails[0].reply_to, None);
    assert_eq!(mails[0].case_id, None);
}

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(id) => vec![id.to_string()],
        HeaderValue::TextList(ids) => ids.iter().map(|id| id.to_string()).collect(),
        _ => Vec::new(),
    }
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn case_mails_reach_a_real_smtp_server_whole(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let app = TestApp::spawn_empty_with(pool, move |config| {
        config.mail_transport = MailTransport::Smtp(url);
        config.mail_from = "Rapport <support@rapport.example>".to_string();
    })
    .await;
    fixtures::people(
        &app.pool,
        &["nick@northwind.example", "agent@rapport.example"],
    )
    .await;
    let nick = app.signed_in("nick@northwind.example").await;
    let category: i64 = sqlx::query_scalar("SELECT min(id) FROM case_categories")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let number = open_case(&app, &nick, "Label printer offline", category).await;
    let (case_id, _, _) = case_row(&app.pool, &number).await;
    let agent = app.signed_in("agent@rapport.example").await;
    let status = reply(
        &app,
        &agent,
        &number,
        "Please **restart** it.",
        &[("status", "pending")],
    )
    .await;
    assert_eq!(status, 200);

    // The server's own sender delivers both through lettre's SMTP transport.
    let messages = sink.wait_for(2).await;
    assert_eq!(messages.len(), 2);
    let parser = MessageParser::default();
    let first = parser.parse(&messages[0]).unwrap();
    let second = parser.parse(&messages[1]).unwrap();
    let raw = String::from_utf8_lossy(&messages[1]);
    assert!(raw.contains("multipart/alternative"), "{raw}");
    assert_eq!(second.text_body_count(), 1);
    assert_eq!(second.html_body_count(), 1);
    let text = second.body_text(0).unwrap();
    assert!(text.starts_with(REPLY_ABOVE_THIS_LINE), "{text}");
    assert!(text.contains("The case is now Waiting for you."), "{text}");
    let html = second.body_html(0).unwrap();
    assert!(html.contains("<strong>restart</strong>"), "{html}");
    assert_eq!(
        second.subject(),
        Some(format!("[{number}] Label printer offline").as_str())
    );
    assert_eq!(
        second.header_raw("Auto-Submitted").map(str::trim),
        Some("auto-generated")
    );
    assert_eq!(
        first.header_raw("Auto-Submitted").map(str::trim),
        Some("auto-generated")
    );
    // The Message-ID carries a token that verifies: for Nick, on this case.
    let message_id = format!("<{}>", second.message_id().unwrap());
    let (case, user, reported) = claims(&app.pool, &message_id).await;
    assert_eq!(case, case_id);
    assert_eq!(user, user_id(&app.pool, "nick@northwind.example").await);
    assert!(reported > 0);
    // The reply address carries the same token.
    let reply_to = second
        .reply_to()
        .unwrap()
        .first()
        .unwrap()
        .address()
        .unwrap();
    assert!(reply_to.starts_with("support+"), "{reply_to}");
    assert!(reply_to.ends_with("@rapport.example"), "{reply_to}");
    assert_eq!(
        reply_tokens::token_in_address(reply_to),
        reply_tokens::token_in_message_id(&message_id)
    );
    // And it answers the first mail of the case.
    let first_id = first.message_id().unwrap().to_string();
    assert_eq!(ids(second.in_reply_to()), std::slice::from_ref(&first_id));
    assert!(ids(second.references()).contains(&first_id));
}
