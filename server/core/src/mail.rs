//! Outgoing e-mail: the outbox and the mailer that delivers it.
//!
//! Code that reports a change calls [`queue`] inside the transaction of that
//! change, so the mail exists exactly when the change does, and a mail server
//! that is down never loses a reply or fails a request. The background sender
//! (see `jobs`) calls [`send_due_mails`] every few seconds: it delivers through
//! SMTP (or into a folder in development), and retries failures with a growing
//! pause. Delivery errors go to the log and the `last_error` column, never to users.

use super::config::{Config, MailTransport};
use super::db;
use crate::Error;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::{PgExecutor, PgPool};
use std::path::Path;
use std::time::Duration;

/// An e-mail to one person: plain text, optionally with an HTML version of the
/// same text and a calendar file, and the headers that thread it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutgoingMail {
    /// An address, optionally with a name: `nick@example.com` or `Nick <nick@example.com>`.
    pub to: String,
    pub subject: String,
    /// The text part (always there: it is what a reply quotes in most clients).
    pub body: String,
    /// The HTML part, sanitised by its maker; sent beside the text as
    /// multipart/alternative.
    pub html: Option<String>,
    /// An iCalendar file (`.ics`) attached as `invite.ics`: calendar programs
    /// offer to add the event.
    pub calendar: Option<String>,
    /// `<id@domain>`; None lets the sender make one.
    pub message_id: Option<String>,
    /// The Message-ID this mail answers, with angle brackets.
    pub in_reply_to: Option<String>,
    /// Earlier Message-IDs of the conversation, separated by spaces.
    pub references: Option<String>,
    /// Where replies go (`support+<token>@domain`), if not to the sender.
    pub reply_to: Option<String>,
    /// Every mail Rapport sends is automatic; see [`AutoSubmitted`].
    pub auto_submitted: AutoSubmitted,
    /// The case the mail is about, if any.
    pub case_id: Option<i64>,
}

/// The `Auto-Submitted` header (RFC 3834) of a mail we send: auto-responders
/// answer no mail that carries it, so two systems never answer each other for ever.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AutoSubmitted {
    /// A notification: a case changed, an account link.
    #[default]
    Generated,
    /// An automatic answer to a mail that came in.
    Replied,
}

impl AutoSubmitted {
    pub fn as_str(self) -> &'static str {
        match self {
            AutoSubmitted::Generated => "auto-generated",
            AutoSubmitted::Replied => "auto-replied",
        }
    }

    pub fn parse(value: &str) -> Option<AutoSubmitted> {
        match value {
            "auto-generated" => Some(AutoSubmitted::Generated),
            "auto-replied" => Some(AutoSubmitted::Replied),
            _ => None,
        }
    }
}

/// Put a mail into the outbox. Call it with the transaction of the change the
/// mail reports: it is sent only if that transaction commits.
pub async fn queue(db: impl PgExecutor<'_>, mail: &OutgoingMail) -> sqlx::Result<()> {
    db::mail::insert(db, &mail.to_row()).await
}

impl OutgoingMail {
    fn to_row(&self) -> db::mail::MailRow {
        db::mail::MailRow {
            to_address: self.to.clone(),
            subject: self.subject.clone(),
            body: self.body.clone(),
            calendar: self.calendar.clone(),
            html_body: self.html.clone(),
            message_id: self.message_id.clone(),
            in_reply_to: self.in_reply_to.clone(),
            references: self.references.clone(),
            reply_to: self.reply_to.clone(),
            auto_submitted: Some(self.auto_submitted.as_str().to_string()),
            case_id: self.case_id,
        }
    }

    fn from_row(row: db::mail::MailRow) -> OutgoingMail {
        OutgoingMail {
            to: row.to_address,
            subject: row.subject,
            body: row.body,
            html: row.html_body,
            calendar: row.calendar,
            message_id: row.message_id,
            in_reply_to: row.in_reply_to,
            references: row.references,
            reply_to: row.reply_to,
            // Rows queued before the column existed were automatic mails too.
            auto_submitted: row
                .auto_submitted
                .as_deref()
                .and_then(AutoSubmitted::parse)
                .unwrap_or_default(),
            case_id: row.case_id,
        }
    }
}

/// After this many failed attempts a mail is given up (and an error is logged).
/// With the pauses of [`retry_delay`] that is about four hours of trying.
pub const MAX_ATTEMPTS: i32 = 10;

/// At most this many mails per pass, so one pass never runs for long.
const BATCH: usize = 100;

/// How long an SMTP conversation may stall before it counts as failed. The
/// mail's row stays locked meanwhile, so this bounds how long one mail blocks.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// The pause after the `failed_attempts`-th failure: 1 minute, then 2, 4, 8 ...
/// and never more than an hour.
pub fn retry_delay(failed_attempts: i32) -> Duration {
    let doublings = (failed_attempts - 1).clamp(0, 6) as u32;
    Duration::from_secs((60u64 << doublings).min(3600))
}

/// Delivers mail through SMTP, or writes it into a folder in development.
/// Cheap to clone: clones share the SMTP connection pool.
#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    description: String,
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Folder(AsyncFileTransport<Tokio1Executor>),
}

/// Why one mail was not delivered.
#[derive(Debug, Clone)]
pub struct SendError {
    pub message: String,
    /// Trying again cannot help (the mail itself is wrong), so do not retry.
    pub permanent: bool,
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl Mailer {
    /// The mailer the settings ask for. Errors name the setting to fix.
    pub fn from_config(config: &Config) -> Result<Mailer, Error> {
        match &config.mail_transport {
            MailTransport::Smtp(url) => Mailer::smtp(url, &config.mail_from),
            MailTransport::Folder(dir) => Mailer::folder(dir, &config.mail_from),
        }
    }

    /// Send through the SMTP server at `url` (see [`MailTransport::Smtp`]).
    /// Nothing connects yet: a server that is down shows up as failed sends.
    pub fn smtp(url: &str, from: &str) -> Result<Mailer, Error> {
        const FIELD: &str = "RAPPORT_SMTP_URL";
        let parsed = url::Url::parse(url).map_err(|e| {
            Error::invalid(
                FIELD,
                format!(
                    "not a URL ({e}); for example \
                     smtps://user:password@mail.example.com or smtp://localhost:25"
                ),
            )
        })?;
        // lettre's `smtp://` without `?tls=required` never encrypts; a password
        // sent that way can be read on the network. Only a local relay may do it.
        let encrypted = parsed.scheme() == "smtps"
            || parsed
                .query_pairs()
                .any(|(key, value)| key == "tls" && value == "required");
        if parsed.password().is_some() && !encrypted && !is_loopback(&parsed) {
            return Err(Error::invalid(
                FIELD,
                "the password would cross the network in clear text: use smtps://... \
                 (port 465) or add ?tls=required (STARTTLS, port 587)",
            ));
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| {
                Error::invalid(
                    FIELD,
                    format!(
                        "not usable ({e}); use smtp://host:port, smtps://host:port or \
                         smtp://host:port?tls=required"
                    ),
                )
            })?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let host = parsed.host_str().unwrap_or_default();
        let description = match parsed.port() {
            Some(port) => format!("the SMTP server {host}:{port}"),
            None => format!("the SMTP server {host}"),
        };
        Ok(Mailer {
            transport: Transport::Smtp(transport),
            from: parse_from(from)?,
            description,
        })
    }

    /// Write every mail as an `.eml` file into `dir` (created when missing).
    pub fn folder(dir: &Path, from: &str) -> Result<Mailer, Error> {
        std::fs::create_dir_all(dir).map_err(|e| {
            Error::invalid(
                "RAPPORT_MAIL_DIR",
                format!("could not create the mail folder {}: {e}", dir.display()),
            )
        })?;
        let shown = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        Ok(Mailer {
            transport: Transport::Folder(AsyncFileTransport::new(dir)),
            from: parse_from(from)?,
            description: format!("files in {}", shown.display()),
        })
    }

    /// Where mail goes, for the log: "the SMTP server host:port" or "files in /path".
    pub fn describe(&self) -> &str {
        &self.description
    }

    /// Deliver one mail now. Most callers want [`queue`] instead.
    pub async fn send(&self, mail: &OutgoingMail) -> Result<(), SendError> {
        let permanent = |message: String| SendError {
            message,
            permanent: true,
        };
        let to: Mailbox = mail
            .to
            .parse()
            .map_err(|e| permanent(format!("the address {:?} is not valid: {e}", mail.to)))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.as_str())
            .message_id(mail.message_id.clone())
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Auto-Submitted"),
                mail.auto_submitted.as_str().to_string(),
            ));
        if let Some(reply_to) = &mail.reply_to {
            let reply_to: Mailbox = reply_to.parse().map_err(|e| {
                permanent(format!("the reply address {reply_to:?} is not valid: {e}"))
            })?;
            builder = builder.reply_to(reply_to);
        }
        if let Some(id) = &mail.in_reply_to {
            builder = builder.in_reply_to(id.clone());
        }
        if let Some(ids) = &mail.references {
            builder = builder.references(ids.clone());
        }
        let message = match (&mail.calendar, &mail.html) {
            (None, None) => builder
                .header(ContentType::TEXT_PLAIN)
                .body(mail.body.clone()),
            (None, Some(html)) => builder.multipart(MultiPart::alternative_plain_html(
                mail.body.clone(),
                html.clone(),
            )),
            (Some(calendar), html) => {
                let ics = ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
                    .unwrap_or(ContentType::TEXT_PLAIN);
                let attachment =
                    Attachment::new("invite.ics".to_string()).body(calendar.clone(), ics);
                // The text (and its HTML version) first, the calendar file beside it.
                let mixed = match html {
                    None => MultiPart::mixed().singlepart(SinglePart::plain(mail.body.clone())),
                    Some(html) => MultiPart::mixed().multipart(MultiPart::alternative_plain_html(
                        mail.body.clone(),
                        html.clone(),
                    )),
                };
                builder.multipart(mixed.singlepart(attachment))
            }
        }
        .map_err(|e| permanent(format!("the message could not be built: {e}")))?;
        // Every server answer counts as worth retrying, even a permanent (5xx) one:
        // a wrong password or a full quota is fixed by an admin, and the mails
        // waiting meanwhile must not be given up at the first try.
        let result = match &self.transport {
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
            Transport::Folder(files) => files
                .send(message)
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
        };
        result.map_err(|message| SendError {
            message,
            permanent: false,
        })
    }
}

fn parse_from(from: &str) -> Result<Mailbox, Error> {
    from.parse().map_err(|e| {
        Error::invalid(
            "RAPPORT_MAIL_FROM",
            format!("not an e-mail address ({e}); for example Rapport <support@example.com>"),
        )
    })
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// One pass of the sender: deliver the due mails, oldest first; returns how
/// many were sent. Each mail is taken in its own transaction with
/// `FOR UPDATE SKIP LOCKED`, so several server processes can run this at once
/// without sending a mail twice, and a crash mid-send only means a retry.
///
/// Errors are database errors only; a failed delivery is recorded on its row.
pub async fn send_due_mails(pool: &PgPool, mailer: &Mailer) -> sqlx::Result<usize> {
    let mut sent = 0;
    for _ in 0..BATCH {
        let mut tx = pool.begin().await?;
        let Some(due) = db::mail::lock_next_due(&mut *tx).await? else {
            break;
        };
        let mail = OutgoingMail::from_row(due.mail);
        match mailer.send(&mail).await {
            Ok(()) => {
                db::mail::mark_sent(&mut *tx, due.id).await?;
                tx.commit().await?;
                sent += 1;
            }
            Err(err) => {
                let attempts = due.attempts + 1;
                let stored: String = err.message.chars().take(2000).collect();
                if err.permanent || attempts >= MAX_ATTEMPTS {
                    tracing::error!(mail_id = due.id, to = %mail.to, attempts, error = %err,
                        "gave up sending an e-mail");
                    db::mail::give_up(&mut *tx, due.id, &stored).await?;
                } else {
                    let delay = retry_delay(attempts);
                    tracing::warn!(mail_id = due.id, to = %mail.to, attempts, error = %err,
                        retry_in_seconds = delay.as_secs(), "could not send an e-mail; will retry");
                    db::mail::record_failure(&mut *tx, due.id, &stored, delay.as_secs_f64())
                        .await?;
                }
                tx.commit().await?;
                // The server is most likely down or refusing us: the other mails
                // wait for the next pass instead of each waiting for a timeout now.
                if !err.permanent {
                    break;
                }
            }
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_from_a_minute_to_an_hour() {
        let minutes: Vec<u64> = (1..=MAX_ATTEMPTS)
            .map(|n| retry_delay(n).as_secs() / 60)
            .collect();
        assert_eq!(minutes, [1, 2, 4, 8, 16, 32, 60, 60, 60, 60]);
        assert_eq!(retry_delay(0), Duration::from_secs(60));
        assert_eq!(retry_delay(i32::MAX), Duration::from_secs(3600));
    }

    #[test]
    fn a_password_needs_encryption_unless_the_relay_is_local() {
        let from = "Rapport <support@example.com>";
        let err = Mailer::smtp("smtp://user:secret@mail.example.com:587", from)
            .err()
            .expect("a clear-text password is refused");
        assert_eq!(err.field(), Some("RAPPORT_SMTP_URL"));
        assert!(!err.to_string().contains("secret"));
        // These build a pool that spawns a task, so they need a runtime.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            for url in [
                "smtps://user:secret@mail.example.com",
                "smtp://user:secret@mail.example.com:587?tls=required",
                "smtp://user:secret@localhost:25",
                "smtp://mail.example.com:25",
            ] {
                assert!(Mailer::smtp(url, from).is_ok(), "{url}");
            }
        });
    }

    #[test]
    fn bad_settings_name_the_variable() {
        let from = "Rapport <support@example.com>";
        let err = Mailer::smtp("not a url", from).err().unwrap();
        assert_eq!(err.field(), Some("RAPPORT_SMTP_URL"));
        let err = Mailer::smtp("ftp://mail.example.com", from).err().unwrap();
        assert_eq!(err.field(), Some("RAPPORT_SMTP_URL"));
        let dir = std::env::temp_dir();
        let err = Mailer::folder(&dir, "not an address").err().unwrap();
        assert_eq!(err.field(), Some("RAPPORT_MAIL_FROM"));
    }
}
