//! Mail in from a real IMAP server (dovecot, started by the test): messages
//! put in with IMAP APPEND are picked up through IDLE, stored once, marked
//! read or moved, and the watcher outlives a restart of the server.

use crate::common::dovecot::Dovecot;
use crate::common::TestApp;
use futures::TryStreamExt;
use rapport_core::mail_in::imap::ImapSettings;
use sqlx::PgPool;
use std::time::{Duration, Instant};

/// Long enough that only IDLE, not polling, can pick mail up in time.
const POLL_SECONDS: &str = "600";

fn message(n: usize, tag: &str) -> Vec<u8> {
    format!(
        "From: Nick Customer <nick@northwind.example>\r\n\
         To: support@rapport.test\r\n\
         Subject: Printer {tag} {n}\r\n\
         Message-ID: <imap-{tag}-{n}@northwind.example>\r\n\
         Date: Sat, 05 Dec 2026 10:00:00 +0000\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         \r\n\
         The printer on floor {n} is jammed again.\r\n"
    )
    .into_bytes()
}

async fn spawn(pool: PgPool, dovecot: &Dovecot, processed: Option<&str>) -> TestApp {
    let settings = ImapSettings::parse(&dovecot.url(), processed, Some(POLL_SECONDS)).unwrap();
    TestApp::spawn_empty_with(pool, move |config| config.imap = Some(settings)).await
}

/// How many stored messages came by IMAP with `subject` (read from the raw bytes).
async fn stored(pool: &PgPool, marker: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM inbound_mails
         WHERE source = 'imap' AND position(convert_to($1, 'UTF8') in raw) > 0",
    )
    .bind(marker)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Wait until a message with `marker` is stored; how long that took.
async fn wait_stored(pool: &PgPool, marker: &str, within: Duration) -> Duration {
    let start = Instant::now();
    loop {
        if stored(pool, marker).await > 0 {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < within,
            "{marker} was not taken from the mailbox within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The UIDs in `folder` matching the IMAP search `query`.
async fn search(dovecot: &Dovecot, folder: &str, query: &str) -> usize {
    let mut client = dovecot.client().await;
    client.examine(folder).await.unwrap();
    let found = client.uid_search(query).await.unwrap().len();
    client.logout().await.ok();
    found
}

/// Wait until `folder` has `count` messages matching `query`.
async fn wait_search(dovecot: &Dovecot, folder: &str, query: &str, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let found = search(dovecot, folder, query).await;
        if found == count {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{folder} has {found} messages that are {query}, not {count}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn mail_appended_to_the_mailbox_is_taken_through_idle_and_marked_read(pool: PgPool) {
    let dovecot = Dovecot::start().await;
    let app = spawn(pool.clone(), &dovecot, None).await;
    let mut delivering = dovecot.client().await;
    // The watcher is connected and idling before the first message.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let mut delays = Vec::new();
    for n in 0..20 {
        let raw = message(n, "idle");
        delivering.append("INBOX", None, None, &raw).await.unwrap();
        let marker = format!("<imap-idle-{n}@northwind.example>");
        delays.push(wait_stored(&app.pool, &marker, Duration::from_secs(10)).await);
    }
    delays.sort();
    let p95 = delays[(delays.len() * 95).div_ceil(100) - 1];
    println!(
        "IMAP APPEND to stored row, over {} messages through IDLE: median {:?}, p95 {:?}, max {:?}",
        delays.len(),
        delays[delays.len() / 2],
        p95,
        delays[delays.len() - 1]
    );
    assert!(p95 < Duration::from_secs(5), "p95 {p95:?}");

    // Every message is marked read once stored, and stays in the mailbox.
    wait_search(&dovecot, "INBOX", "UNSEEN", 0).await;
    assert_eq!(search(&dovecot, "INBOX", "SEEN").await, 20);

    // The same message delivered twice is stored once (and both are marked read).
    let twice = message(99, "twice");
    delivering
        .append("INBOX", None, None, &twice)
        .await
        .unwrap();
    delivering
        .append("INBOX", None, None, &twice)
        .await
        .unwrap();
    wait_stored(&app.pool, "<imap-twice-99@", Duration::from_secs(10)).await;
    wait_search(&dovecot, "INBOX", "UNSEEN", 0).await;
    assert_eq!(stored(&app.pool, "<imap-twice-99@").await, 1);
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM inbound_mails WHERE source = 'imap'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(rows, 21);
    delivering.logout().await.ok();
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn handled_mail_is_moved_and_the_watcher_outlives_a_server_restart(pool: PgPool) {
    let mut dovecot = Dovecot::start().await;
    let app = spawn(pool.clone(), &dovecot, Some("Processed")).await;
    let mut delivering = dovecot.client().await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    delivering
        .append("INBOX", None, None, message(1, "moved"))
        .await
        .unwrap();
    wait_stored(&app.pool, "<imap-moved-1@", Duration::from_secs(10)).await;
    wait_search(&dovecot, "INBOX", "ALL", 0).await;
    wait_search(&dovecot, "Processed", "ALL", 1).await;
    delivering.logout().await.ok();

    // The server goes away and comes back: the watcher connects again by itself.
    dovecot.restart().await;
    let mut delivering = dovecot.client().await;
    delivering
        .append("INBOX", None, None, message(2, "moved"))
        .await
        .unwrap();
    let took = wait_stored(&app.pool, "<imap-moved-2@", Duration::from_secs(30)).await;
    println!("after the IMAP server restarted, a new message was stored in {took:?}");
    wait_search(&dovecot, "INBOX", "ALL", 0).await;
    wait_search(&dovecot, "Processed", "ALL", 2).await;
    // Nothing was left behind or taken twice.
    let fetched: Vec<_> = {
        delivering.select("Processed").await.unwrap();
        delivering
            .fetch("1:*", "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]")
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap()
    };
    assert_eq!(fetched.len(), 2);
    assert_eq!(stored(&app.pool, "<imap-moved-").await, 2);
    delivering.logout().await.ok();
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_message_that_cannot_be_stored_stays_unread_until_it_is(pool: PgPool) {
    let dovecot = Dovecot::start().await;
    let app = spawn(pool.clone(), &dovecot, None).await;
    let mut delivering = dovecot.client().await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    // The database cannot take the message: it stays unread in the mailbox.
    sqlx::query("ALTER TABLE inbound_mails RENAME TO inbound_mails_away")
        .execute(&app.pool)
        .await
        .unwrap();
    delivering
        .append("INBOX", None, None, message(1, "kept"))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(search(&dovecot, "INBOX", "UNSEEN").await, 1);

    // Once it can, the watcher (connected again by itself) takes it.
    sqlx::query("ALTER TABLE inbound_mails_away RENAME TO inbound_mails")
        .execute(&app.pool)
        .await
        .unwrap();
    wait_stored(&app.pool, "<imap-kept-1@", Duration::from_secs(30)).await;
    wait_search(&dovecot, "INBOX", "UNSEEN", 0).await;
    delivering.logout().await.ok();
}
