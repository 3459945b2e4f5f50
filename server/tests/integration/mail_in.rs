//! Mail in, against the real database: every message goes through
//! `rapport_core::mail_in::receive`, as the IMAP watcher and `rapport mail-in`
//! give it, and the test reads what it made (cases, replies, contacts,
//! followers, bounces, auto-replies) or why it made nothing.

use crate::common::fixtures::{self, case, Case, Person};
use rapport_core::mail_in::{self, Source};
use rapport_core::reply_tokens::{self, ReplyClaims};
use rapport_core::{Backend, Config};
use rapport_types::Role;
use sqlx::PgPool;

const OURS: &str = "support@rapport.example";

struct World {
    backend: Backend,
    nick: Person,
    olivia: Person,
    carla: Person,
    agent: Person,
    admin: Person,
    /// Nick's open case, assigned to the agent, with the agent's reply.
    a: Case,
    _dirs: Vec<tempfile::TempDir>,
}

/// The people of the demo, case A, and a backend that says it is
/// `support@rapport.example`.
async fn world(pool: PgPool) -> World {
    world_with(pool, |_| {}).await
}

async fn world_with(pool: PgPool, configure: impl FnOnce(&mut Config)) -> World {
    let [nick, olivia, carla, agent, admin]: [Person; 5] = fixtures::people(
        &pool,
        &[
            "nick@northwind.example",
            "olivia@northwind.example",
            "carla@acme.example",
            "agent@rapport.example",
            "admin@rapport.example",
        ],
    )
    .await
    .try_into()
    .unwrap();
    let a = case("nick@northwind.example", "Printer jams on page two")
        .status("open")
        .assignee("agent@rapport.example")
        .message("agent@rapport.example", "Please try the other tray.")
        .insert(&pool)
        .await;
    let attachments = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    let mut config = Config {
        mail_from: format!("Rapport <{OURS}>"),
        attachments_dir: attachments.path().to_path_buf(),
        index_dir: index.path().to_path_buf(),
        ..Config::default()
    };
    configure(&mut config);
    let search = rapport_core::search_sync::open_and_refresh(&pool, &config.index_dir)
        .await
        .unwrap();
    World {
        backend: Backend::new(config, pool, search),
        nick,
        olivia,
        carla,
        agent,
        admin,
        a,
        _dirs: vec![attachments, index],
    }
}

impl World {
    fn pool(&self) -> &PgPool {
        &self.backend.pool
    }

    /// The signed reply address of our mail to `person` on `case`.
    async fn reply_to(&self, case: &Case, person: &Person) -> String {
        let token = self.token(case, person).await;
        reply_tokens::reply_address(OURS, &token).unwrap()
    }

    async fn token(&self, case: &Case, person: &Person) -> String {
        let keys = self.backend.reply_keys().await.unwrap();
        keys.sign(ReplyClaims {
            case_id: case.id,
            user_id: person.id,
            message_id: 0,
        })
    }

    /// Put a message in; returns its row's state and outcome.
    async fn receive(&self, raw: &str) -> (String, String, i64) {
        let receipt = mail_in::receive(&self.backend, Source::Pipe, raw.as_bytes())
            .await
            .unwrap();
        let (state, outcome): (String, String) =
            sqlx::query_as("SELECT state, outcome FROM inbound_mails WHERE id = $1")
                .bind(receipt.inbound_id)
                .fetch_one(self.pool())
                .await
                .unwrap();
        (state, outcome, receipt.inbound_id)
    }

    /// The public messages of a case: (author e-mail, body, quoted).
    async fn messages(&self, case_id: i64) -> Vec<(String, String, String)> {
        sqlx::query_as(
            "SELECT u.email, m.body, m.quoted FROM case_messages m JOIN users u ON u.id = m.author_id
             WHERE m.case_id = $1 AND NOT m.internal ORDER BY m.id",
        )
        .bind(case_id)
        .fetch_all(self.pool())
        .await
        .unwrap()
    }

    async fn case_count(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM cases")
            .fetch_one(self.pool())
            .await
            .unwrap()
    }

    /// The newest case: (requester e-mail, organization name, subject, description, channel).
    async fn newest_case(&self) -> (String, String, String, String, String, i64) {
        sqlx::query_as(
            "SELECT u.email, o.name, c.subject, c.description, c.channel, c.id
             FROM cases c JOIN users u ON u.id = c.requester_id
             JOIN organizations o ON o.id = c.organization_id
             ORDER BY c.id DESC LIMIT 1",
        )
        .fetch_one(self.pool())
        .await
        .unwrap()
    }

    async fn set_status(&self, case: &Case, status: &str) {
        sqlx::query("UPDATE cases SET status = $2 WHERE id = $1")
            .bind(case.id)
            .bind(status)
            .execute(self.pool())
            .await
            .unwrap();
    }

    async fn auto_replies_to(&self, address: &str) -> i64 {
        sqlx::query_scalar(
            "SELECT count(*) FROM outbound_mails
             WHERE to_address = $1 AND auto_submitted = 'auto-replied'",
        )
        .bind(address)
        .fetch_one(self.pool())
        .await
        .unwrap()
    }
}

/// A message with these headers (From, To, Subject and a fresh Message-ID
/// unless given) and body.
fn mail(headers: &[(&str, &str)], body: &str) -> String {
    let mut raw = String::new();
    let has = |name: &str| headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
    if !has("Message-ID") {
        raw.push_str(&format!(
            "Message-ID: <{:016x}@client.example>\r\n",
            rand_id()
        ));
    }
    if !has("To") {
        raw.push_str(&format!("To: Support <{OURS}>\r\n"));
    }
    if !has("Subject") {
        raw.push_str("Subject: A question\r\n");
    }
    raw.push_str("Date: Sat, 5 Dec 2026 10:00:00 +0000\r\n");
    for (name, value) in headers {
        raw.push_str(&format!("{name}: {value}\r\n"));
    }
    raw.push_str("\r\n");
    raw.push_str(&body.replace('\n', "\r\n"));
    raw
}

fn rand_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    now ^ NEXT.fetch_add(1, Ordering::Relaxed) << 48
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_known_customer_opens_a_case_once_however_often_it_comes(pool: PgPool) {
    let w = world(pool).await;
    let before = w.case_count().await;
    let raw = mail(
        &[
            ("From", "Nick Northwind <Nick@Northwind.example>"),
            ("Subject", "Fwd: Scanner is offline"),
            ("Message-ID", "<scanner-1@northwind.example>"),
        ],
        "The scanner on floor 2 is offline.\n\n-- \nNick Northwind\nNorthwind Traders",
    );
    let (state, outcome, inbound) = w.receive(&raw).await;
    assert_eq!(state, "processed", "{outcome}");
    assert!(outcome.starts_with("new case C-"), "{outcome}");
    let (requester, organization, subject, description, channel, case_id) = w.newest_case().await;
    assert_eq!(requester, "nick@northwind.example");
    assert_eq!(organization, "Northwind Traders");
    assert_eq!(subject, "Scanner is offline");
    assert_eq!(description, "The scanner on floor 2 is offline.");
    assert_eq!(channel, "email");
    let (quoted, from_mail): (String, Option<i64>) =
        sqlx::query_as("SELECT description_quoted, inbound_mail_id FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_one(w.pool())
            .await
            .unwrap();
    assert_eq!(quoted, "-- \nNick Northwind\nNorthwind Traders");
    assert_eq!(from_mail, Some(inbound));
    let stored: (i64, String) = sqlx::query_as(
        "SELECT case_id, direction FROM mail_message_ids WHERE message_id = '<scanner-1@northwind.example>'",
    )
    .fetch_one(w.pool())
    .await
    .unwrap();
    assert_eq!(stored, (case_id, "in".to_string()));
    let (from, subject_seen): (String, String) =
        sqlx::query_as("SELECT from_address, subject FROM inbound_mails WHERE id = $1")
            .bind(inbound)
            .fetch_one(w.pool())
            .await
            .unwrap();
    assert_eq!(from, "nick@northwind.example");
    assert_eq!(subject_seen, "Fwd: Scanner is offline");

    // The same bytes again: the same row, nothing done.
    let again = mail_in::receive(&w.backend, Source::Imap, raw.as_bytes())
        .await
        .unwrap();
    assert_eq!((again.inbound_id, again.new), (inbound, false));
    // The same message with other bytes (another Received line): ignored.
    let copy = format!("Received: from mx2.example by mx.rapport.example\r\n{raw}");
    let (state, outcome, _) = w.receive(&copy).await;
    assert_eq!(state, "ignored", "{outcome}");
    assert_eq!(w.case_count().await, before + 1);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_signed_reply_joins_its_case_with_the_quote_cut(pool: PgPool) {
    let w = world(pool).await;
    let to = w.reply_to(&w.a, &w.nick).await;
    let body = format!(
        "It still jams, also with the other tray.\n\nOn Fri, 4 Dec 2026 at 09:00, Rapport <{to}> wrote:\n> {}\n> Please try the other tray.",
        reply_tokens::REPLY_ABOVE_THIS_LINE
    );
    let raw = mail(
        &[
            ("From", "nick@northwind.example"),
            ("To", &to),
            ("Subject", "Re: Printer jams on page two"),
        ],
        &body,
    );
    let (state, outcome, _) = w.receive(&raw).await;
    assert_eq!(state, "processed", "{outcome}");
    assert_eq!(outcome, format!("reply on {}", w.a.number));
    let messages = w.messages(w.a.id).await;
    let (author, text, quoted) = messages.last().unwrap();
    assert_eq!(author, "nick@northwind.example");
    assert_eq!(text, "It still jams, also with the other tray.");
    assert!(quoted.starts_with("On Fri, 4 Dec 2026"), "{quoted}");
    assert!(quoted.contains("Please try the other tray."), "{quoted}");
    // The assignee hears of it, as from the portal.
    let told: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM outbound_mails WHERE to_address LIKE '%agent@rapport.example%'",
    )
    .fetch_one(w.pool())
    .await
    .unwrap();
    assert!(told >= 1);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn tokens_admit_the_recipient_and_participants_only(pool: PgPool) {
    let w = world(pool).await;
    // A colleague of the requester, with Nick's token (a forwarded mail): theirs.
    let to = w.reply_to(&w.a, &w.nick).await;
    let (state, outcome, _) = w
        .receive(&mail(
            &[("From", "olivia@northwind.example"), ("To", &to)],
            "Same here.",
        ))
        .await;
    assert_eq!(
        (state.as_str(), outcome.as_str()),
        ("processed", &*format!("reply on {}", w.a.number))
    );
    // Another organization's customer with Nick's token: refused, no auto-reply to people we know.
    let (state, outcome, _) = w
        .receive(&mail(
            &[("From", "carla@acme.example"), ("To", &to)],
            "Let me in.",
        ))
        .await;
    assert_eq!(state, "refused", "{outcome}");
    assert_eq!(w.auto_replies_to("carla@acme.example").await, 0);
    // A stranger with the token: refused.
    let (state, _, _) = w
        .receive(&mail(
            &[("From", "mallory@evil.example"), ("To", &to)],
            "hi",
        ))
        .await;
    assert_eq!(state, "refused");
    // The agent with a token for Nick: refused (an agent needs their own).
    let (state, _, _) = w
        .receive(&mail(
            &[("From", "agent@rapport.example"), ("To", &to)],
            "Fake agent reply",
        ))
        .await;
    assert_eq!(state, "refused");
    // The agent with their own token, in the Message-ID they answer: an agent's reply.
    let agent_token = w.token(&w.a, &w.agent).await;
    let ours = reply_tokens::message_id(&agent_token, "rapport.example");
    let (state, outcome, _) = w
        .receive(&mail(
            &[
                ("From", "Agent <agent@rapport.example>"),
                ("In-Reply-To", &ours),
            ],
            "Replaced the roller.",
        ))
        .await;
    assert_eq!(state, "processed", "{outcome}");
    let messages = w.messages(w.a.id).await;
    assert_eq!(
        messages.iter().map(|m| m.0.as_str()).collect::<Vec<_>>(),
        [
            "agent@rapport.example",
            "olivia@northwind.example",
            "agent@rapport.example"
        ]
    );
    // Staff without a token: refused, even at our domain.
    let (state, outcome, _) = w
        .receive(&mail(&[("From", "admin@rapport.example")], "Hello"))
        .await;
    assert_eq!(state, "refused", "{outcome}");
    // A forged token counts as none: Nick's mail becomes a new case.
    let forged = reply_tokens::reply_address(OURS, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").unwrap();
    let before = w.case_count().await;
    let (state, outcome, _) = w
        .receive(&mail(
            &[("From", "nick@northwind.example"), ("To", &forged)],
            "New thing",
        ))
        .await;
    assert_eq!(state, "processed", "{outcome}");
    assert_eq!(w.case_count().await, before + 1);
    let _ = (&w.carla, &w.admin);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn stored_message_ids_and_subject_tokens_need_a_participant(pool: PgPool) {
    let w = world(pool).await;
    // A Message-ID we sent for case A (without a token).
    sqlx::query(
        "INSERT INTO mail_message_ids (message_id, case_id, direction) VALUES ('<sent-1@rapport.example>', $1, 'out')",
    )
    .bind(w.a.id)
    .execute(w.pool())
    .await
    .unwrap();
    let (state, outcome, _) = w
        .receive(&mail(
            &[
                ("From", "nick@northwind.example"),
                ("References", "<older@x.example> <sent-1@rapport.example>"),
            ],
            "Answer by references",
        ))
        .await;
    assert_eq!(
        (state.as_str(), outcome.clone()),
        ("processed", format!("reply on {}", w.a.number))
    );
    // The subject token, from the requester.
    let subject = format!("Re: [{}] Printer", w.a.number);
    let (_, outcome, _) = w
        .receive(&mail(
            &[("From", "nick@northwind.example"), ("Subject", &subject)],
            "By subject",
        ))
        .await;
    assert_eq!(outcome, format!("reply on {}", w.a.number));
    // The subject token from someone taking no part: their own new case.
    let (_, outcome, _) = w
        .receive(&mail(
            &[("From", "carla@acme.example"), ("Subject", &subject)],
            "Not mine",
        ))
        .await;
    assert!(outcome.starts_with("new case"), "{outcome}");
    assert_eq!(w.newest_case().await.0, "carla@acme.example");
    // A failed authentication claiming Nick's address: refused.
    let (state, outcome, _) = w
        .receive(&mail(
            &[
                ("From", "nick@northwind.example"),
                ("Subject", &subject),
                (
                    "Authentication-Results",
                    "mx.rapport.example; spf=fail smtp.mailfrom=northwind.example; dmarc=fail",
                ),
            ],
            "Spoofed",
        ))
        .await;
    assert_eq!(state, "refused", "{outcome}");
    let bodies: Vec<String> = w.messages(w.a.id).await.into_iter().map(|m| m.1).collect();
    assert_eq!(
        bodies,
        [
            "Please try the other tray.",
            "Answer by references",
            "By subject"
        ]
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn solved_cases_reopen_and_closed_ones_become_new_cases(pool: PgPool) {
    let w = world(pool).await;
    w.set_status(&w.a, "solved").await;
    let to = w.reply_to(&w.a, &w.nick).await;
    let (_, outcome, _) = w
        .receive(&mail(
            &[("From", "nick@northwind.example"), ("To", &to)],
            "Back again",
        ))
        .await;
    assert_eq!(outcome, format!("reply on {}", w.a.number));
    let status: String = sqlx::query_scalar("SELECT status FROM cases WHERE id = $1")
        .bind(w.a.id)
        .fetch_one(w.pool())
        .await
        .unwrap();
    assert_eq!(status, "open");
    w.set_status(&w.a, "closed").await;
    let (state, outcome, _) = w
        .receive(&mail(
            &[("From", "nick@northwind.example"), ("To", &to)],
            "And again",
        ))
        .await;
    assert_eq!(state, "processed");
    assert!(outcome.starts_with("new case"), "{outcome}");
    let (requester, _, _, description, _, _) = w.newest_case().await;
    assert_eq!(requester, "nick@northwind.example");
    assert!(description.starts_with("And again"), "{description}");
    assert!(description.contains(&w.a.number), "{description}");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn unknown_senders_at_a_domain_become_contacts(pool: PgPool) {
    let w = world(pool).await;
    sqlx::query("INSERT INTO organization_domains (domain, organization_id) VALUES ('northwind.example', $1)")
        .bind(w.nick.organization_id.unwrap())
        .execute(w.pool())
        .await
        .unwrap();
    let (state, outcome, _) = w
        .receive(&mail(
            &[("From", "Nina New <nina@northwind.example>")],
            "Hello, I am new here.",
        ))
        .await;
    assert_eq!(state, "processed", "{outcome}");
    let (requester, organization, ..) = w.newest_case().await;
    assert_eq!(
        (requester.as_str(), organization.as_str()),
        ("nina@northwind.example", "Northwind Traders")
    );
    let contact: (String, String, bool, String) = sqlx::query_as(
        "SELECT display_name, role, contact, password_hash FROM users WHERE email = 'nina@northwind.example'",
    )
    .fetch_one(w.pool())
    .await
    .unwrap();
    assert_eq!(
        contact,
        (
            "Nina New".into(),
            "customer".into(),
            true,
            "!contact".into()
        )
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn strangers_are_refused_with_one_auto_reply_a_day(pool: PgPool) {
    let w = world(pool).await;
    let (state, outcome, _) = w
        .receive(&mail(
            &[("From", "stranger@elsewhere.example")],
            "Who are you?",
        ))
        .await;
    assert_eq!(state, "refused");
    assert!(outcome.contains("auto-reply sent"), "{outcome}");
    let (state, outcome, _) = w
        .receive(&mail(&[("From", "stranger@elsewhere.example")], "Hello?"))
        .await;
    assert_eq!(state, "refused");
    assert!(outcome.contains("one went out today"), "{outcome}");
    assert_eq!(w.auto_replies_to("stranger@elsewhere.example").await, 1);
    // Asked for no automatic answer: none.
    let (state, outcome, _) = w
        .receive(&mail(
            &[
                ("From", "quiet@elsewhere.example"),
                ("X-Auto-Response-Suppress", "All"),
            ],
            "No answer please",
        ))
        .await;
    assert_eq!(state, "refused");
    assert!(outcome.contains("asked for none"), "{outcome}");
    assert_eq!(w.auto_replies_to("quiet@elsewhere.example").await, 0);
    // One a day per case too: two strangers writing to case A's token.
    let to = w.reply_to(&w.a, &w.nick).await;
    for stranger in ["one@elsewhere.example", "two@elsewhere.example"] {
        w.receive(&mail(&[("From", stranger), ("To", &to)], "Let me in"))
            .await;
    }
    assert_eq!(w.auto_replies_to("one@elsewhere.example").await, 1);
    assert_eq!(w.auto_replies_to("two@elsewhere.example").await, 0);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn strangers_are_kept_in_unsorted_when_the_site_says_so(pool: PgPool) {
    let w = world(pool).await;
    sqlx::query("UPDATE site_settings SET unknown_senders = 'unsorted'")
        .execute(w.pool())
        .await
        .unwrap();
    for sender in ["stranger@elsewhere.example", "other@elsewhere.example"] {
        let (state, outcome, _) = w.receive(&mail(&[("From", sender)], "Hi")).await;
        assert_eq!(state, "processed", "{outcome}");
        let (requester, organization, ..) = w.newest_case().await;
        assert_eq!(
            (requester.as_str(), organization.as_str()),
            (sender, "Unsorted")
        );
    }
    let unsorted: i64 =
        sqlx::query_scalar("SELECT count(*) FROM organizations WHERE name = 'Unsorted'")
            .fetch_one(w.pool())
            .await
            .unwrap();
    assert_eq!(unsorted, 1);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn robots_and_our_own_mail_are_ignored(pool: PgPool) {
    let w = world(pool).await;
    let before = w.case_count().await;
    for header in [
        ("Auto-Submitted", "auto-replied"),
        ("Precedence", "bulk"),
        ("Precedence", "list"),
        ("X-Autoreply", "yes"),
        ("X-Autorespond", "Out of office"),
        ("List-Id", "<news.northwind.example>"),
    ] {
        let (state, outcome, _) = w
            .receive(&mail(
                &[("From", "nick@northwind.example"), header],
                "I am away.",
            ))
            .await;
        assert_eq!(state, "ignored", "{header:?}: {outcome}");
    }
    let (state, outcome, _) = w
        .receive(&mail(
            &[("From", "Rapport <support@rapport.example>")],
            "Loop",
        ))
        .await;
    assert_eq!(
        (state.as_str(), outcome.as_str()),
        ("ignored", "our own message came back")
    );
    let token = w.token(&w.a, &w.nick).await;
    let our_id = reply_tokens::message_id(&token, "rapport.example");
    let (state, _, _) = w
        .receive(&mail(
            &[("From", "nick@northwind.example"), ("Message-ID", &our_id)],
            "Resent by a forwarder",
        ))
        .await;
    assert_eq!(state, "ignored");
    assert_eq!(w.case_count().await, before);
    assert_eq!(w.auto_replies_to("nick@northwind.example").await, 0);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn delivery_reports_mark_the_address_as_bouncing(pool: PgPool) {
    let w = world(pool).await;
    let before = w.case_count().await;
    let report = "From: Mail Delivery System <MAILER-DAEMON@mx.northwind.example>\r\n\
To: support@rapport.example\r\n\
Subject: Undelivered Mail Returned to Sender\r\n\
Message-ID: <dsn-1@mx.northwind.example>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n\
\r\n\
--b1\r\n\
Content-Type: text/plain\r\n\
\r\n\
Your message could not be delivered.\r\n\
--b1\r\n\
Content-Type: message/delivery-status\r\n\
\r\n\
Reporting-MTA: dns; mx.northwind.example\r\n\
\r\n\
Final-Recipient: rfc822; nick@northwind.example\r\n\
Action: failed\r\n\
Status: 5.2.2\r\n\
Diagnostic-Code: smtp; 552 5.2.2 Mailbox full\r\n\
--b1--\r\n";
    let (state, outcome, _) = w.receive(report).await;
    assert_eq!(state, "ignored", "{outcome}");
    assert!(outcome.contains("nick@northwind.example"), "{outcome}");
    let reason: String = sqlx::query_scalar(
        "SELECT reason FROM bouncing_addresses WHERE address = 'nick@northwind.example'",
    )
    .fetch_one(w.pool())
    .await
    .unwrap();
    assert_eq!(reason, "552 5.2.2 Mailbox full");
    assert_eq!(w.case_count().await, before);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn html_only_mail_and_files_go_in_safely(pool: PgPool) {
    let w = world(pool).await;
    let raw = mail(
        &[
            ("From", "nick@northwind.example"),
            ("MIME-Version", "1.0"),
            ("Content-Type", "multipart/mixed; boundary=\"outer\""),
        ],
        "--outer\n\
Content-Type: multipart/related; boundary=\"inner\"\n\
\n\
--inner\n\
Content-Type: text/html; charset=utf-8\n\
\n\
<html><body><p>The label <b>printer</b> shows &lt;error 42&gt;.</p><img src=\"cid:shot\"><script>alert(1)</script></body></html>\n\
--inner\n\
Content-Type: image/png\n\
Content-ID: <shot>\n\
Content-Disposition: inline\n\
Content-Transfer-Encoding: base64\n\
\n\
iVBORw0KGgo=\n\
--inner--\n\
--outer\n\
Content-Type: application/pdf; name=\"manual.pdf\"\n\
Content-Disposition: attachment; filename=\"manual.pdf\"\n\
Content-Transfer-Encoding: base64\n\
\n\
JVBERi0xLjQK\n\
--outer\n\
Content-Type: application/octet-stream; name=\"setup.exe\"\n\
Content-Disposition: attachment; filename=\"setup.exe\"\n\
Content-Transfer-Encoding: base64\n\
\n\
TVqQAAMAAAAEAAAA\n\
--outer--\n",
    );
    let (state, outcome, _) = w.receive(&raw).await;
    assert_eq!(state, "processed", "{outcome}");
    assert!(
        outcome.contains("setup.exe (type not allowed)"),
        "{outcome}"
    );
    let (_, _, _, description, _, case_id) = w.newest_case().await;
    assert_eq!(description, "The label printer shows <error 42>.");
    let files: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT file_name, content_type, size_bytes FROM case_attachments WHERE case_id = $1 ORDER BY file_name",
    )
    .bind(case_id)
    .fetch_all(w.pool())
    .await
    .unwrap();
    assert_eq!(
        files,
        [
            ("image.png".to_string(), "image/png".to_string(), 8),
            ("manual.pdf".to_string(), "application/pdf".to_string(), 9),
        ]
    );
    let stored = std::fs::read_dir(&w.backend.config.attachments_dir)
        .unwrap()
        .count();
    assert_eq!(stored, 2);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn people_on_cc_follow_the_case(pool: PgPool) {
    let w = world(pool).await;
    sqlx::query("INSERT INTO organization_domains (domain, organization_id) VALUES ('northwind.example', $1)")
        .bind(w.nick.organization_id.unwrap())
        .execute(w.pool())
        .await
        .unwrap();
    let to = w.reply_to(&w.a, &w.nick).await;
    let raw = mail(
        &[
            ("From", "nick@northwind.example"),
            ("To", &to),
            (
                "Cc",
                "Olivia <olivia@northwind.example>, new.colleague@northwind.example, \
                 outsider@elsewhere.example, support@rapport.example, agent@rapport.example",
            ),
        ],
        "Adding my colleagues.",
    );
    let (state, outcome, _) = w.receive(&raw).await;
    assert_eq!(state, "processed", "{outcome}");
    let followers: Vec<String> = sqlx::query_scalar(
        "SELECT u.email FROM case_followers f JOIN users u ON u.id = f.user_id
         WHERE f.case_id = $1 ORDER BY u.email",
    )
    .bind(w.a.id)
    .fetch_all(w.pool())
    .await
    .unwrap();
    assert_eq!(
        followers,
        [
            "new.colleague@northwind.example",
            "olivia@northwind.example"
        ]
    );
    let outsider: i64 =
        sqlx::query_scalar("SELECT count(*) FROM users WHERE email = 'outsider@elsewhere.example'")
            .fetch_one(w.pool())
            .await
            .unwrap();
    assert_eq!(outsider, 0);
    let _ = &w.olivia;
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_message_that_fails_is_kept_and_can_be_tried_again(pool: PgPool) {
    let w = world(pool).await;
    // Not mail at all.
    let (state, outcome, _) = w.receive("\u{0}\u{1}garbage without headers").await;
    assert_eq!(state, "failed", "{outcome}");
    assert!(!outcome.is_empty());
    // A message that cannot make its case: a constraint the case breaks.
    sqlx::query(
        "ALTER TABLE cases ADD CONSTRAINT test_no_mail_cases CHECK (channel <> 'email') NOT VALID",
    )
    .execute(w.pool())
    .await
    .unwrap();
    let (state, outcome, inbound) = w
        .receive(&mail(
            &[("From", "nick@northwind.example")],
            "Please file me",
        ))
        .await;
    assert_eq!(state, "failed", "{outcome}");
    assert!(outcome.contains("test_no_mail_cases"), "{outcome}");
    let before = w.case_count().await;
    sqlx::query("ALTER TABLE cases DROP CONSTRAINT test_no_mail_cases")
        .execute(w.pool())
        .await
        .unwrap();
    mail_in::retry(&w.backend, inbound).await.unwrap();
    let state: String = sqlx::query_scalar("SELECT state FROM inbound_mails WHERE id = $1")
        .bind(inbound)
        .fetch_one(w.pool())
        .await
        .unwrap();
    assert_eq!(state, "processed");
    assert_eq!(w.case_count().await, before + 1);
    // Once processed, never again.
    assert!(mail_in::retry(&w.backend, inbound).await.is_err());
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_contact_signs_in_like_anyone_with_a_wrong_password(pool: PgPool) {
    let app = crate::common::TestApp::spawn_empty(pool.clone()).await;
    let northwind = fixtures::organization(&pool, "Northwind Traders").await;
    rapport_core::db::contacts::find_or_create(
        &pool,
        "nina@northwind.example",
        "Nina",
        northwind.id,
    )
    .await
    .unwrap();
    let client = app.browser();
    let contact = app
        .sign_in(&client, "nina@northwind.example", "a password of hers")
        .await
        .status();
    let unknown = app
        .sign_in(&client, "nobody@northwind.example", "a password of hers")
        .await
        .status();
    assert_eq!(contact, unknown);
    assert!(contact.is_client_error(), "{contact}");
    let _ = Role::Customer;
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_pipe_command_stores_and_says_what_happened(pool: PgPool) {
    use std::io::Write;
    fixtures::person(&pool, "nick@northwind.example").await;
    let url = crate::order_import::test_database_url(&pool).await;
    let run = |input: &[u8]| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rapport"))
            .arg("mail-in")
            .env("DATABASE_URL", &url)
            .env("RAPPORT_MAIL_FROM", format!("Rapport <{OURS}>"))
            .env("RAPPORT_ATTACHMENTS_DIR", std::env::temp_dir())
            .env("RAPPORT_LOG", "warn")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("running rapport mail-in");
        child.stdin.take().unwrap().write_all(input).unwrap();
        child.wait_with_output().unwrap()
    };
    let output = run(mail(
        &[("From", "nick@northwind.example")],
        "Sent through the pipe",
    )
    .as_bytes());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("processed: new case C-"), "{stdout}");
    // Refused is still stored: exit 0, so the mail server does not bounce it.
    let output = run(mail(&[("From", "x@elsewhere.example")], "Hi").as_bytes());
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("refused"));
    // Nothing on standard input: an error that says so.
    let output = run(b"");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no message on standard input"));
    // No database: a clear error, non-zero.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_rapport"))
        .arg("mail-in")
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .env("RAPPORT_LOG", "off")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(!String::from_utf8_lossy(&output.stderr).is_empty());
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn admins_see_retry_and_download_incoming_mail(pool: PgPool) {
    let app = crate::common::TestApp::spawn_empty(pool.clone()).await;
    fixtures::people(&pool, &["admin@rapport.example", "agent@rapport.example"]).await;
    let stored = mail_in::store(
        &pool,
        Source::Pipe,
        b"Subject: half a message\r\n\r\nno sender",
    )
    .await
    .unwrap();
    sqlx::query("UPDATE inbound_mails SET state = 'failed', outcome = 'it broke' WHERE id = $1")
        .bind(stored.id)
        .execute(&pool)
        .await
        .unwrap();
    let admin = app.signed_in("admin@rapport.example").await;
    let page = app.call(&admin, "incoming_mail", &[]).await;
    assert_eq!(page.status(), 200);
    let page: serde_json::Value = page.json().await.unwrap();
    assert_eq!(page["items"][0]["outcome"], "it broke");
    assert_eq!(page["unknown_senders"], "refuse");
    // Try again: processed anew (refused: it names no sender).
    let id = stored.id.to_string();
    let retried = app
        .call(&admin, "retry_incoming_mail", &[("id", &id)])
        .await;
    assert!(
        retried.status().is_success() || retried.status().is_redirection(),
        "{}",
        retried.status()
    );
    let state: String = sqlx::query_scalar("SELECT state FROM inbound_mails WHERE id = $1")
        .bind(stored.id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(state, "refused");
    // The raw message, as it came.
    let raw = admin
        .get(app.url(&format!("/admin/mail/{id}/raw")))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 200);
    assert_eq!(raw.headers()["content-type"], "message/rfc822");
    assert_eq!(
        &raw.bytes().await.unwrap()[..],
        b"Subject: half a message\r\n\r\nno sender"
    );
    // The setting.
    let saved = app
        .call(
            &admin,
            "set_unknown_senders",
            &[("unknown_senders", "unsorted")],
        )
        .await;
    assert!(saved.status().is_success() || saved.status().is_redirection());
    let bad = app
        .call(
            &admin,
            "set_unknown_senders",
            &[("unknown_senders", "delete")],
        )
        .await;
    assert_eq!(bad.status(), 422);
    // Domains.
    let northwind = fixtures::organization(&pool, "Northwind Traders").await;
    let org = northwind.id.to_string();
    let added = app
        .call(
            &admin,
            "add_organization_domain",
            &[("organization_id", &org), ("domain", "@Northwind.Example")],
        )
        .await;
    assert!(added.status().is_success() || added.status().is_redirection());
    let contoso = fixtures::organization(&pool, "Contoso").await;
    let taken = app
        .call(
            &admin,
            "add_organization_domain",
            &[
                ("organization_id", &contoso.id.to_string()),
                ("domain", "northwind.example"),
            ],
        )
        .await;
    assert_eq!(taken.status(), 422);
    assert!(taken.text().await.unwrap().contains("Northwind Traders"));
    let list: serde_json::Value = app
        .call(&admin, "organization_domains", &[])
        .await
        .json()
        .await
        .unwrap();
    let northwind_row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "Northwind Traders")
        .unwrap();
    assert_eq!(
        northwind_row["domains"],
        serde_json::json!(["northwind.example"])
    );
    let removed = app
        .call(
            &admin,
            "remove_organization_domain",
            &[("organization_id", &org), ("domain", "northwind.example")],
        )
        .await;
    assert!(removed.status().is_success() || removed.status().is_redirection());
    // Agents get none of it.
    let agent = app.signed_in("agent@rapport.example").await;
    for (name, form) in [
        ("incoming_mail", vec![]),
        ("retry_incoming_mail", vec![("id", id.as_str())]),
        ("set_unknown_senders", vec![("unknown_senders", "refuse")]),
        ("organization_domains", vec![]),
        (
            "add_organization_domain",
            vec![("organization_id", org.as_str()), ("domain", "x.example")],
        ),
    ] {
        assert_eq!(app.call(&agent, name, &form).await.status(), 403, "{name}");
    }
    let raw = agent
        .get(app.url(&format!("/admin/mail/{id}/raw")))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 403);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn two_copies_at_once_make_one_case(pool: PgPool) {
    let w = world(pool).await;
    let before = w.case_count().await;
    let raw = mail(
        &[
            ("From", "nick@northwind.example"),
            ("Message-ID", "<twice@northwind.example>"),
        ],
        "Sent to two addresses of ours",
    );
    let copy = format!("Delivered-To: {OURS}\r\n{raw}");
    let (a, b) = tokio::join!(
        mail_in::receive(&w.backend, Source::Imap, raw.as_bytes()),
        mail_in::receive(&w.backend, Source::Pipe, copy.as_bytes()),
    );
    assert!(a.unwrap().new && b.unwrap().new);
    assert_eq!(w.case_count().await, before + 1);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn an_agents_answer_to_a_note_mail_stays_internal(pool: PgPool) {
    let w = world(pool).await;
    let note_id: i64 = sqlx::query_scalar(
        "INSERT INTO case_messages (case_id, author_id, internal, body, author_role)
         VALUES ($1, $2, true, 'Ask @agent about the roller', 'admin') RETURNING id",
    )
    .bind(w.a.id)
    .bind(w.admin.id)
    .fetch_one(w.pool())
    .await
    .unwrap();
    let keys = w.backend.reply_keys().await.unwrap();
    let token = keys.sign(ReplyClaims {
        case_id: w.a.id,
        user_id: w.agent.id,
        message_id: note_id,
    });
    let to = reply_tokens::reply_address(OURS, &token).unwrap();
    let mails_to_nick = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM outbound_mails WHERE to_address LIKE '%nick@northwind.example%'",
        )
        .fetch_one(w.pool())
        .await
        .unwrap()
    };
    let before = mails_to_nick().await;
    let (state, outcome, _) = w
        .receive(&mail(
            &[("From", "agent@rapport.example"), ("To", &to)],
            "The roller is on order; do not tell Nick the price yet.",
        ))
        .await;
    assert_eq!(state, "processed", "{outcome}");
    let (internal, body): (bool, String) = sqlx::query_as(
        "SELECT internal, body FROM case_messages WHERE case_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(w.a.id)
    .fetch_one(w.pool())
    .await
    .unwrap();
    assert!(internal, "the answer to a note mail stays internal");
    assert!(body.contains("roller is on order"), "{body}");
    assert_eq!(mails_to_nick().await, before, "the customer hears nothing");
}
