//! Outgoing mail and the background jobs: delivery over real SMTP (to a small
//! SMTP server inside the test), retries when the server is down, the folder
//! transport, and the closing of solved cases.

use crate::common::TestApp;
use rapport_core::case_mail::MailSite;
use rapport_core::jobs::close_solved_cases;
use rapport_core::mail::{self, Mailer, OutgoingMail, MAX_ATTEMPTS};
use rapport_core::reply_tokens::ReplyKeys;
use rapport_core::site::SiteLinks;
use sqlx::PgPool;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

const FROM: &str = "Rapport <support@rapport.localhost>";

/// Links and reply addresses as a server with the default settings makes them.
async fn site(pool: &PgPool) -> MailSite {
    let config = rapport_core::Config::default();
    let keys = ReplyKeys::load(pool).await.unwrap();
    MailSite::new(SiteLinks::new(&config.public_url), keys, &config.mail_from).unwrap()
}

/// One message as the SMTP server received it.
#[derive(Debug, Clone, Default)]
struct Received {
    from: String,
    to: Vec<String>,
    data: String,
}

/// Just enough of an SMTP server to accept mail: it answers every session on
/// 127.0.0.1 and records each message.
struct SmtpSink {
    port: u16,
    received: Arc<Mutex<Vec<Received>>>,
}

impl SmtpSink {
    async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(smtp_session(socket, store.clone()));
            }
        });
        SmtpSink { port, received }
    }

    fn mailer(&self) -> Mailer {
        Mailer::smtp(&format!("smtp://127.0.0.1:{}", self.port), FROM).unwrap()
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

async fn smtp_session(socket: TcpStream, store: Arc<Mutex<Vec<Received>>>) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut reader = BufReader::new(read);
    write.write_all(b"220 sink.test ESMTP\r\n").await?;
    let mut current = Received::default();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_string();
        let upper = command.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            b"250 sink.test\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            current = Received {
                from: command["MAIL FROM:".len()..].to_string(),
                ..Received::default()
            };
            b"250 OK\r\n"
        } else if upper.starts_with("RCPT TO:") {
            current.to.push(command["RCPT TO:".len()..].to_string());
            b"250 OK\r\n"
        } else if upper == "DATA" {
            write
                .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                .await?;
            let mut data = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" {
                    break;
                }
                data.push_str(&line);
            }
            current.data = data;
            store.lock().unwrap().push(std::mem::take(&mut current));
            b"250 OK queued\r\n"
        } else if upper == "QUIT" {
            write.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else if upper == "RSET" || upper == "NOOP" {
            b"250 OK\r\n"
        } else {
            b"502 Command not implemented\r\n"
        };
        write.write_all(reply).await?;
    }
}

/// A port nothing listens on: bound, then released.
async fn dead_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

fn mail(to: &str, subject: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.to_string(),
        subject: subject.to_string(),
        body: format!("Hello,\n\nthere is news on your case: {subject}.\n\nRapport"),
        ..OutgoingMail::default()
    }
}

#[derive(Debug, sqlx::FromRow)]
struct MailRow {
    attempts: i32,
    sent: bool,
    last_error: Option<String>,
    given_up: bool,
    /// Seconds until the next attempt; None when given up.
    retry_in_seconds: Option<f64>,
}

async fn only_mail(pool: &PgPool) -> MailRow {
    sqlx::query_as(
        "SELECT attempts, sent_at IS NOT NULL AS sent, last_error,
                next_attempt_at = 'infinity' AS given_up,
                CASE WHEN isfinite(next_attempt_at)
                     THEN extract(epoch FROM next_attempt_at - now())::float8 END AS retry_in_seconds
         FROM outbound_mails",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_queued_mail_is_delivered_over_smtp_and_marked_sent(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let mailer = sink.mailer();
    // Queued inside a transaction, as a case change does: invisible until commit.
    let mut tx = pool.begin().await.unwrap();
    mail::queue(
        &mut *tx,
        &mail("Nick <nick@northwind.example>", "Case C-1042 has a reply"),
    )
    .await
    .unwrap();
    assert_eq!(mail::send_due_mails(&pool, &mailer).await.unwrap(), 0);
    tx.commit().await.unwrap();

    assert_eq!(mail::send_due_mails(&pool, &mailer).await.unwrap(), 1);
    let received = sink.received();
    assert_eq!(received.len(), 1, "{received:?}");
    let message = &received[0];
    assert_eq!(message.from, "<support@rapport.localhost>");
    assert_eq!(message.to, ["<nick@northwind.example>"]);
    assert!(
        message
            .data
            .contains("Subject: Case C-1042 has a reply\r\n"),
        "{}",
        message.data
    );
    for expected in [
        "To: Nick <nick@northwind.example>\r\n",
        "From: Rapport <support@rapport.localhost>\r\n",
        "Content-Type: text/plain; charset=utf-8\r\n",
        "there is news on your case: Case C-1042 has a reply.",
    ] {
        assert!(
            message.data.contains(expected),
            "{expected:?} in {}",
            message.data
        );
    }

    let row = only_mail(&pool).await;
    assert!(row.sent, "{row:?}");
    assert_eq!(row.attempts, 1);
    assert_eq!(row.last_error, None);
    // Sent once: a second pass finds nothing to do.
    assert_eq!(mail::send_due_mails(&pool, &mailer).await.unwrap(), 0);
    assert_eq!(sink.received().len(), 1);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_mail_server_that_is_down_leaves_the_mail_queued_for_later(pool: PgPool) {
    let port = dead_port().await;
    let mailer = Mailer::smtp(&format!("smtp://127.0.0.1:{port}"), FROM).unwrap();
    mail::queue(
        &pool,
        &mail("nick@northwind.example", "Case C-1042 has a reply"),
    )
    .await
    .unwrap();

    assert_eq!(mail::send_due_mails(&pool, &mailer).await.unwrap(), 0);
    let row = only_mail(&pool).await;
    assert!(!row.sent, "{row:?}");
    assert!(!row.given_up, "{row:?}");
    assert_eq!(row.attempts, 1);
    let error = row.last_error.expect("the error is stored");
    assert!(error.to_lowercase().contains("connect"), "{error}");
    // The first retry comes after a minute.
    let retry = row.retry_in_seconds.unwrap();
    assert!((50.0..=61.0).contains(&retry), "retry in {retry} s");

    // Not due yet: an immediate pass leaves it alone.
    assert_eq!(mail::send_due_mails(&pool, &mailer).await.unwrap(), 0);
    assert_eq!(only_mail(&pool).await.attempts, 1);

    // Once due, and with the server back, it goes out.
    sqlx::query("UPDATE outbound_mails SET next_attempt_at = now()")
        .execute(&pool)
        .await
        .unwrap();
    let sink = SmtpSink::start().await;
    assert_eq!(
        mail::send_due_mails(&pool, &sink.mailer()).await.unwrap(),
        1
    );
    let row = only_mail(&pool).await;
    assert!(row.sent, "{row:?}");
    assert_eq!(row.attempts, 2);
    assert_eq!(row.last_error, None);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn after_the_last_attempt_a_mail_is_given_up(pool: PgPool) {
    let port = dead_port().await;
    let mailer = Mailer::smtp(&format!("smtp://127.0.0.1:{port}"), FROM).unwrap();
    mail::queue(
        &pool,
        &mail("nick@northwind.example", "Case C-1042 has a reply"),
    )
    .await
    .unwrap();
    sqlx::query("UPDATE outbound_mails SET attempts = $1")
        .bind(MAX_ATTEMPTS - 1)
        .execute(&pool)
        .await
        .unwrap();

    assert_eq!(mail::send_due_mails(&pool, &mailer).await.unwrap(), 0);
    let row = only_mail(&pool).await;
    assert!(row.given_up && !row.sent, "{row:?}");
    assert_eq!(row.attempts, MAX_ATTEMPTS);
    assert!(row.last_error.is_some());
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_mail_to_an_impossible_address_is_given_up_at_once(pool: PgPool) {
    let sink = SmtpSink::start().await;
    mail::queue(&pool, &mail("not an address", "Case C-1042 has a reply"))
        .await
        .unwrap();
    mail::queue(
        &pool,
        &mail("nick@northwind.example", "Case C-1043 has a reply"),
    )
    .await
    .unwrap();

    // The bad one does not hold up the good one.
    assert_eq!(
        mail::send_due_mails(&pool, &sink.mailer()).await.unwrap(),
        1
    );
    let (attempts, given_up, error): (i32, bool, String) = sqlx::query_as(
        "SELECT attempts, next_attempt_at = 'infinity', last_error
         FROM outbound_mails WHERE to_address = 'not an address'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(attempts, 1);
    assert!(given_up);
    assert!(error.contains("not an address"), "{error}");
    assert_eq!(sink.received().len(), 1);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn several_senders_at_once_send_each_mail_exactly_once(pool: PgPool) {
    let sink = SmtpSink::start().await;
    for n in 0..20 {
        mail::queue(&pool, &mail("nick@northwind.example", &format!("Mail {n}")))
            .await
            .unwrap();
    }
    let mailer = sink.mailer();
    let passes = (0..3).map(|_| {
        let pool = pool.clone();
        let mailer = mailer.clone();
        tokio::spawn(async move { mail::send_due_mails(&pool, &mailer).await.unwrap() })
    });
    let mut sent = 0;
    for pass in passes.collect::<Vec<_>>() {
        sent += pass.await.unwrap();
    }
    assert_eq!(sent, 20);
    let mut subjects: Vec<String> = sink
        .received()
        .iter()
        .map(|m| {
            m.data
                .lines()
                .find_map(|l| l.strip_prefix("Subject: "))
                .unwrap()
                .to_string()
        })
        .collect();
    subjects.sort();
    subjects.dedup();
    assert_eq!(subjects.len(), 20, "{subjects:?}");
    assert_eq!(sink.received().len(), 20);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_folder_transport_writes_each_mail_as_a_file(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("mail");
    // The folder is created when missing.
    let mailer = Mailer::folder(&folder, FROM).unwrap();
    assert!(mailer.describe().contains("mail"), "{}", mailer.describe());
    mail::queue(
        &pool,
        &mail("nick@northwind.example", "Case C-1042 has a reply"),
    )
    .await
    .unwrap();

    assert_eq!(mail::send_due_mails(&pool, &mailer).await.unwrap(), 1);
    let files: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0].extension().unwrap(), "eml");
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(text.contains("Subject: Case C-1042 has a reply"), "{text}");
    assert!(text.contains("To: nick@northwind.example"), "{text}");
    assert!(only_mail(&pool).await.sent);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_running_server_sends_queued_mail_by_itself(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    mail::queue(
        &app.pool,
        &mail("nick@northwind.example", "Case C-1042 has a reply"),
    )
    .await
    .unwrap();
    // Only this mail counts: the demo's own cases may be mailing too.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let written = std::fs::read_dir(app.mail_dir.path())
            .unwrap()
            .filter_map(|entry| std::fs::read_to_string(entry.unwrap().path()).ok())
            .filter(|text| text.contains("Case C-1042 has a reply"))
            .count();
        let sent: bool = sqlx::query_scalar(
            "SELECT sent_at IS NOT NULL FROM outbound_mails WHERE subject = 'Case C-1042 has a reply'",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        if written == 1 && sent {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the server did not send the mail"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A case of Nick's, solved `days_ago` days ago and assigned to `assignee` (an
/// e-mail) or nobody; returns its id. Written directly, so the test does not
/// depend on which demo cases happen to be solved.
async fn solved_case(pool: &PgPool, assignee: Option<&str>, days_ago: i32) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO cases (subject, description, category_id, requester_id, organization_id,
                            assignee_id, status, solved_at)
         SELECT 'Auto-close test', '', (SELECT min(id) FROM case_categories), r.id,
                r.organization_id, (SELECT id FROM users WHERE email = $1), 'solved',
                now() - make_interval(days => $2)
         FROM users r WHERE r.email = 'nick@northwind.example'
         RETURNING id",
    )
    .bind(assignee)
    .bind(days_ago)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[derive(Debug, sqlx::FromRow)]
struct CaseState {
    status: String,
    closed: bool,
    version: i32,
    assignee_id: Option<i64>,
}

async fn case_state(pool: &PgPool, id: i64) -> CaseState {
    sqlx::query_as(
        "SELECT status, closed_at IS NOT NULL AS closed, version, assignee_id
         FROM cases WHERE id = $1",
    )
    .bind(id)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// The actors of the "solved → closed" events of a case (None: Rapport itself).
async fn close_events(pool: &PgPool, id: i64) -> Vec<Option<i64>> {
    sqlx::query_scalar(
        "SELECT actor_id FROM case_events
         WHERE case_id = $1 AND field = 'status' AND old_value = 'solved' AND new_value = 'closed'",
    )
    .bind(id)
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn solved_cases_close_after_the_configured_days_with_an_event(pool: PgPool) {
    rapport_demo::seed::seed_demo(&pool).await.unwrap();
    // The demo may have old solved cases of its own: settle them first.
    close_solved_cases(&site(&pool).await, &pool, 7)
        .await
        .unwrap();
    let agent = Some("agent@rapport.example");
    let assigned = solved_case(&pool, agent, 8).await;
    let unassigned = solved_case(&pool, None, 8).await;
    // Solved yesterday: stays solved, the customer can still reopen it.
    let recent = solved_case(&pool, agent, 1).await;
    let before = case_state(&pool, assigned).await.version;

    assert_eq!(
        close_solved_cases(&site(&pool).await, &pool, 7)
            .await
            .unwrap(),
        2
    );

    let case = case_state(&pool, assigned).await;
    assert_eq!(case.status, "closed");
    assert!(case.closed);
    assert_eq!(case.version, before + 1);
    // The history says Rapport closed it (no person), with the new version ...
    assert_eq!(close_events(&pool, assigned).await, [None]);
    let case = case_state(&pool, unassigned).await;
    assert_eq!(case.status, "closed");
    assert_eq!(case.assignee_id, None);
    assert_eq!(close_events(&pool, unassigned).await, [None]);
    let version: Option<i32> = sqlx::query_scalar(
        "SELECT version FROM case_events WHERE case_id = $1 AND new_value = 'closed'",
    )
    .bind(assigned)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(version, Some(before + 1));
    // ... and each requester is told, once.
    let told: Vec<String> = sqlx::query_scalar(
        "SELECT subject FROM outbound_mails WHERE to_address LIKE '%nick@northwind.example%'
         AND subject LIKE '%Auto-close test' AND body LIKE '%Status: Closed%' ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(told.len(), 2, "{told:?}");

    let case = case_state(&pool, recent).await;
    assert_eq!(case.status, "solved");
    assert!(!case.closed);
    assert!(close_events(&pool, recent).await.is_empty());

    // Running again changes nothing and adds no events.
    assert_eq!(
        close_solved_cases(&site(&pool).await, &pool, 7)
            .await
            .unwrap(),
        0
    );
    assert_eq!(close_events(&pool, assigned).await.len(), 1);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_server_closes_old_solved_cases_when_it_starts(pool: PgPool) {
    rapport_demo::seed::seed_demo(&pool).await.unwrap();
    let id = solved_case(&pool, None, 8).await;
    // `spawn` finds the demo already there and starts the server with its jobs.
    let app = TestApp::spawn(pool).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while case_state(&app.pool, id).await.status != "closed" {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the case was not closed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(close_events(&app.pool, id).await.len(), 1);
}
