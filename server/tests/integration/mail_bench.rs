//! The mail figures of `cargo xtask bench mail` (issue 15, "Measured"):
//! loops with auto-responding mailboxes, IDLE latency from the mailbox to
//! the case page, and ingest throughput from a full mailbox. Ignored by
//! `cargo xtask test`; they print figures and never fail on a time (they do
//! fail when the work itself does not happen).

use crate::common::dovecot::Dovecot;
use crate::common::{fixtures, page_text, TestApp};
use rapport_core::config::MailTransport;
use rapport_core::limits::{Limit, Limits, Rule};
use rapport_core::mail_in::imap::ImapSettings;
use rapport_core::mail_in::{self, Source};
use rapport_core::reply_tokens::{self, ReplyClaims, ReplyKeys};
use rapport_core::{Backend, Config};
use sqlx::PgPool;
use std::time::{Duration, Instant};

const OUR_ADDRESS: &str = "support@rapport.localhost";
/// Exchanges driven per auto-responder.
const ROUNDS: usize = 100;
/// Replies timed from APPEND to the case page.
const IDLE_REPLIES: usize = 20;
/// Messages in the mailbox before the watcher starts. The issue names
/// 10,000; on a 2-core machine that is about five minutes (APPEND alone
/// takes 70 s), so the benchmark takes 2,000 and says so.
const INGEST_MESSAGES: usize = 2_000;

/// Budgets large enough that days of mail in seconds are not refused.
fn generous() -> Limits {
    let rule = Rule {
        max: 100_000,
        per: Duration::from_secs(60),
    };
    Limits::default()
        .with(Limit::NewCase, rule)
        .with(Limit::Reply, rule)
}

/// A backend for `mail_in::receive` beside the app (same database, keys, folders).
fn backend_of(app: &TestApp, limits: Limits) -> Backend {
    let config = Config {
        mail_from: format!("Rapport <{OUR_ADDRESS}>"),
        attachments_dir: app.attachments_dir.path().to_path_buf(),
        index_dir: app.index_dir.path().to_path_buf(),
        mail_transport: MailTransport::Folder(app.mail_dir.path().to_path_buf()),
        limits,
        ..Config::default()
    };
    Backend::new(config, app.pool.clone(), app.search.clone())
}

fn plain_mail(from: &str, to: &str, subject: &str, id: &str, extra: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\n{extra}\
         Date: Sat, 05 Dec 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

/// The newest mail queued to `address` after row `after`: (id, subject, message id, reply-to).
async fn newest_to(
    pool: &PgPool,
    address: &str,
    after: i64,
) -> Option<(i64, String, Option<String>, Option<String>)> {
    sqlx::query_as(
        "SELECT id, subject, message_id, reply_to FROM outbound_mails
         WHERE id > $2 AND (lower(to_address) = $1 OR lower(to_address) LIKE '%<' || $1 || '>')
         ORDER BY id DESC LIMIT 1",
    )
    .bind(address)
    .bind(after)
    .fetch_optional(pool)
    .await
    .unwrap()
}

async fn sent_to(pool: &PgPool, address: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM outbound_mails
         WHERE lower(to_address) = $1 OR lower(to_address) LIKE '%<' || $1 || '>'",
    )
    .bind(address)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Answer every new mail to `address` the way a naive auto-responder does,
/// for `ROUNDS` rounds or until we send it nothing new: how many mails we
/// sent it, and how many of them it answered.
async fn auto_respond(
    backend: &Backend,
    address: &str,
    auto_submitted: bool,
    tag: &str,
) -> (i64, usize) {
    let mut seen = 0;
    let mut answered = 0;
    for round in 0..ROUNDS {
        let Some((id, subject, message_id, reply_to)) =
            newest_to(&backend.pool, address, seen).await
        else {
            break;
        };
        seen = id;
        let to = reply_to.unwrap_or_else(|| OUR_ADDRESS.to_string());
        let mut extra = String::new();
        if let Some(message_id) = message_id {
            extra.push_str(&format!("In-Reply-To: {message_id}\r\n"));
        }
        if auto_submitted {
            extra.push_str("Auto-Submitted: auto-replied\r\n");
        }
        let raw = plain_mail(
            address,
            &to,
            &format!("Re: {subject}"),
            &format!("bench-{tag}-{round}@responder.example"),
            &extra,
            "I am out of the office until Monday and will answer your mail then.",
        );
        mail_in::receive(backend, Source::Pipe, &raw).await.unwrap();
        answered += 1;
    }
    (sent_to(&backend.pool, address).await, answered)
}

#[sqlx::test(migrator = "server::MIGRATOR")]
#[ignore = "a benchmark: cargo xtask bench mail"]
async fn loops_with_auto_responding_mailboxes(pool: PgPool) {
    let app = TestApp::spawn_empty_with(pool, |config| {
        config.mail_from = format!("Rapport <{OUR_ADDRESS}>");
    })
    .await;
    fixtures::people(
        &app.pool,
        &["nick@northwind.example", "olivia@northwind.example"],
    )
    .await;
    sqlx::query("UPDATE site_settings SET unknown_senders = 'refuse'")
        .execute(&app.pool)
        .await
        .unwrap();
    let backend = backend_of(&app, Limits::default());

    // Known customers open a case by mail; whatever we send them is answered.
    for (customer, auto, tag) in [
        ("nick@northwind.example", false, "plain"),
        ("olivia@northwind.example", true, "marked"),
    ] {
        let first = plain_mail(
            customer,
            OUR_ADDRESS,
            "Scanner does not start",
            &format!("bench-open-{tag}@northwind.example"),
            "",
            "The scanner on the third floor does not start since this morning.",
        );
        mail_in::receive(&backend, Source::Pipe, &first)
            .await
            .unwrap();
        let (sent, answered) = auto_respond(&backend, customer, auto, tag).await;
        println!(
            "loops: customer with a naive auto-responder ({}): we sent it {sent} mails \
             (it answered {answered}; {})",
            if auto {
                "Auto-Submitted: auto-replied"
            } else {
                "no Auto-Submitted"
            },
            ended(answered)
        );
    }

    // A stranger: refused, told so once, and its robot's answers go nowhere.
    let stranger = "robot@elsewhere.example";
    let first = plain_mail(
        stranger,
        OUR_ADDRESS,
        "Question about prices",
        "bench-open-stranger@elsewhere.example",
        "",
        "What does the large plan cost?",
    );
    mail_in::receive(&backend, Source::Pipe, &first)
        .await
        .unwrap();
    let (sent, answered) = auto_respond(&backend, stranger, false, "stranger").await;
    println!(
        "loops: unknown sender with a naive auto-responder: we sent it {sent} mails \
         (it answered {answered}; {})",
        ended(answered)
    );
}

/// How an exchange of `answered` rounds ended.
fn ended(answered: usize) -> String {
    if answered < ROUNDS {
        format!("then we sent nothing more, within {ROUNDS} rounds")
    } else {
        format!("still going after {ROUNDS} rounds: a loop")
    }
}

/// A signed reply address on `case_id` for `user_id`, as our mails carry.
async fn reply_address(keys: &ReplyKeys, pool: &PgPool, case_id: i64, user_id: i64) -> String {
    let reported: Option<i64> =
        sqlx::query_scalar("SELECT max(id) FROM case_messages WHERE case_id = $1 AND NOT internal")
            .bind(case_id)
            .fetch_one(pool)
            .await
            .unwrap();
    let token = keys.sign(ReplyClaims {
        case_id,
        user_id,
        message_id: reported.unwrap_or(0),
    });
    reply_tokens::reply_address(OUR_ADDRESS, &token).unwrap()
}

fn imap_settings(dovecot: &Dovecot) -> ImapSettings {
    // Polling every ten minutes: only IDLE can be this quick.
    ImapSettings::parse(&dovecot.url(), None, Some("600")).unwrap()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
#[ignore = "a benchmark: cargo xtask bench mail"]
async fn idle_latency_from_the_mailbox_to_the_case_page(pool: PgPool) {
    let dovecot = Dovecot::start().await;
    let settings = imap_settings(&dovecot);
    let app = TestApp::spawn_empty_with(pool, move |config| {
        config.mail_from = format!("Rapport <{OUR_ADDRESS}>");
        config.limits = generous();
        config.imap = Some(settings);
    })
    .await;
    let nick = fixtures::person(&app.pool, "nick@northwind.example").await;
    let case = fixtures::case("nick@northwind.example", "Printer jams on page two")
        .insert(&app.pool)
        .await;
    let keys = backend_of(&app, generous())
        .reply_keys()
        .await
        .unwrap()
        .clone();
    let browser = app.signed_in("nick@northwind.example").await;
    let page = app.url(&format!("/cases/{}", case.number));
    assert!(page_text(&browser, &page)
        .await
        .contains("Printer jams on page two"));
    let mut delivering = dovecot.client().await;
    // The watcher is connected and idling before the first message.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let mut delays = Vec::new();
    for n in 0..IDLE_REPLIES {
        let to = reply_address(&keys, &app.pool, case.id, nick.id).await;
        let text = format!("Still jamming, attempt zq{n}x.");
        let raw = plain_mail(
            "Nick <nick@northwind.example>",
            &to,
            "Re: Printer jams on page two",
            &format!("bench-idle-{n}@northwind.example"),
            "",
            &text,
        );
        let start = Instant::now();
        delivering.append("INBOX", None, None, &raw).await.unwrap();
        loop {
            if page_text(&browser, &page).await.contains(&text) {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "reply {n} did not show on the case page within a minute"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        delays.push(start.elapsed());
    }
    delays.sort();
    let at = |p: usize| delays[(delays.len() * p).div_ceil(100) - 1];
    println!(
        "IDLE: APPEND until the reply shows on the case page, {} replies: p50 {:?}, p95 {:?}, max {:?}",
        delays.len(),
        at(50),
        at(95),
        delays[delays.len() - 1]
    );
    delivering.logout().await.ok();
}

#[sqlx::test(migrator = "server::MIGRATOR")]
#[ignore = "a benchmark: cargo xtask bench mail"]
async fn ingest_throughput_from_a_full_mailbox(pool: PgPool) {
    let dovecot = Dovecot::start().await;
    let customers = fixtures::people(
        &pool,
        &["nick@northwind.example", "olivia@northwind.example"],
    )
    .await;
    let mut cases = Vec::new();
    for customer in &customers {
        let case = fixtures::case(&customer.email, "Label printer offline")
            .insert(&pool)
            .await;
        cases.push((case.id, customer));
    }
    // The keys are made (and stored) here; the server reads the same ones.
    let folders: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let search = rapport_core::search_sync::open_and_refresh(&pool, folders[1].path())
        .await
        .unwrap();
    let keys = Backend::new(
        Config {
            attachments_dir: folders[0].path().to_path_buf(),
            index_dir: folders[1].path().to_path_buf(),
            mail_transport: MailTransport::Folder(folders[2].path().to_path_buf()),
            ..Config::default()
        },
        pool.clone(),
        search,
    )
    .reply_keys()
    .await
    .unwrap()
    .clone();
    let mut addresses = Vec::new();
    for (case_id, customer) in &cases {
        addresses.push(reply_address(&keys, &pool, *case_id, customer.id).await);
    }

    // Four in five open a case, one in five replies to one.
    let mut delivering = dovecot.client().await;
    let appending = Instant::now();
    for n in 0..INGEST_MESSAGES {
        let who = n % customers.len();
        let from = &customers[who].email;
        let raw = if n % 5 == 4 {
            plain_mail(
                from,
                &addresses[who],
                "Re: Label printer offline",
                &format!("bench-ingest-{n}@northwind.example"),
                "",
                &format!("Still offline, check number {n}."),
            )
        } else {
            plain_mail(
                from,
                OUR_ADDRESS,
                &format!("Terminal {n} shows an error"),
                &format!("bench-ingest-{n}@northwind.example"),
                "",
                &format!("Terminal {n} at the front desk shows error E{n}."),
            )
        };
        delivering.append("INBOX", None, None, &raw).await.unwrap();
    }
    println!(
        "ingest: {INGEST_MESSAGES} messages appended to the mailbox in {:?}",
        appending.elapsed()
    );
    delivering.logout().await.ok();

    let settings = imap_settings(&dovecot);
    let start = Instant::now();
    let app = TestApp::spawn_empty_with(pool, move |config| {
        config.mail_from = format!("Rapport <{OUR_ADDRESS}>");
        config.limits = generous();
        config.imap = Some(settings);
    })
    .await;
    let total = INGEST_MESSAGES as i64;
    loop {
        let (stored, done): (i64, i64) = sqlx::query_as(
            "SELECT count(*), count(*) FILTER (WHERE state <> 'received') FROM inbound_mails",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        if done >= total {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(1800),
            "after half an hour {stored} of {total} were stored and {done} processed"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let took = start.elapsed();
    let outcomes: Vec<(String, i64)> =
        sqlx::query_as("SELECT state, count(*) FROM inbound_mails GROUP BY state ORDER BY state")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    println!(
        "ingest: {total} messages (INGEST_MESSAGES; the issue names 10,000) taken from the mailbox and processed in {took:?}: {:.0} messages per second; states {outcomes:?}",
        total as f64 / took.as_secs_f64()
    );
}
