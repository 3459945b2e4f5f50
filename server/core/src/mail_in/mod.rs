//! E-mail in: every message, whether from the IMAP mailbox or piped to
//! `rapport mail-in`, enters through [`receive`], which stores it raw (with
//! its SHA-256, so the same bytes twice are one row) before anything else
//! happens to it. Processing then turns it into a case or a reply, or records
//! why it did not; a message that fails stays listed for admins.
//!
//! The pipeline, one module per job: `parse` (mail-parser, with `html_text`
//! for HTML-only mail and `quotes` for cutting quoted history), `noise` and
//! `bounces` (mail no person wrote), `threading` (which case it answers),
//! `senders` (who wrote it, contacts, followers), `rules` (the order the
//! rules apply in), `deliver` (the case or reply, through `cases`) and
//! `auto_reply` (the one answer to a refused stranger).

pub mod imap;

use crate::db;
use crate::Backend;
use crate::Error;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

pub mod admin;
mod auto_reply;
pub mod bounces;
mod deliver;
pub mod html_text;
pub mod noise;
pub mod parse;
pub mod quotes;
mod rules;
pub mod senders;
pub mod threading;

pub use rules::Done;

/// The largest message taken in, headers and attachments included.
pub const MAX_MESSAGE_BYTES: usize = 30 * 1024 * 1024;

/// Where a message came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Imap,
    Pipe,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Imap => "imap",
            Source::Pipe => "pipe",
        }
    }
}

/// A stored message: its row, and whether these bytes were new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stored {
    pub id: i64,
    pub new: bool,
}

/// Keep `raw` (one RFC 5322 message) in `inbound_mails`; the same bytes again
/// give the row they already have.
pub async fn store(pool: &PgPool, source: Source, raw: &[u8]) -> Result<Stored, Error> {
    if raw.len() > MAX_MESSAGE_BYTES {
        return Err(Error::invalid(
            "message",
            format!(
                "The message is larger than {} MB.",
                MAX_MESSAGE_BYTES / 1024 / 1024
            ),
        ));
    }
    let sha256 = Sha256::digest(raw).to_vec();
    let (id, new) = db::inbound_mails::insert(pool, &sha256, raw, source.as_str()).await?;
    Ok(Stored { id, new })
}

/// What became of a message given to [`receive`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Receipt {
    /// Its row in `inbound_mails` (state, outcome and case are recorded there).
    pub inbound_id: i64,
    /// False when these exact bytes had come before: nothing was done again.
    pub new: bool,
}

/// The one way in for a message, from any source: store it, then process it.
/// A message that cannot be processed is kept (state `failed`, with the
/// reason) and is not an error here; errors are the database's.
pub async fn receive(backend: &Backend, source: Source, raw: &[u8]) -> Result<Receipt, Error> {
    let stored = store(&backend.pool, source, raw).await?;
    if stored.new {
        process(backend, stored.id).await?;
    }
    Ok(Receipt {
        inbound_id: stored.id,
        new: stored.new,
    })
}

/// Turn the stored message `inbound_id` into a case, a reply, or a recorded
/// reason why not. A message that cannot be processed is recorded as
/// `failed` with the reason (and stays listed for admins to try again); the
/// error returned is only the database's, when even that cannot be written.
pub async fn process(backend: &Backend, inbound_id: i64) -> Result<(), Error> {
    let pool = &backend.pool;
    let raw = db::inbound_mails::raw(pool, inbound_id)
        .await?
        .ok_or(Error::NotFound)?;
    let outcome = match read(backend, inbound_id, &raw).await {
        Ok(parsed) => rules::apply(backend, inbound_id, &parsed).await,
        Err(reason) => Err(reason),
    };
    let (state, text, case_id) = match outcome {
        Ok(Done::Delivered) => return Ok(()),
        Ok(Done::Ignored(reason)) => ("ignored", reason, None),
        Ok(Done::Refused { reason, case_id }) => ("refused", reason, case_id),
        // Two copies of one message at once (from the mailbox and the pipe):
        // the first made its case or reply; the second's was undone.
        Err(Error::Database(e))
            if db::is_unique_violation(&e, db::inbound_mails::PROCESSED_ONCE) =>
        {
            let text = "the same message came at the same time, and was taken in once";
            ("ignored", text.to_string(), None)
        }
        Err(error) => {
            let reason = failure(&error);
            tracing::warn!(inbound_id, %reason, "an incoming mail could not be processed");
            ("failed", reason, None)
        }
    };
    db::inbound_mails::finish(pool, inbound_id, state, &text, case_id).await?;
    Ok(())
}

/// Parse the message and note its headers on its row for the admins' list.
async fn read(backend: &Backend, inbound_id: i64, raw: &[u8]) -> Result<parse::Parsed, Error> {
    let ours = senders::OurAddress::parse(&backend.config.mail_from);
    let parsed = parse::parse(raw, ours.domain()).map_err(Error::Internal)?;
    let clip = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    db::inbound_mails::set_headers(
        &backend.pool,
        inbound_id,
        parsed
            .message_id
            .as_deref()
            .map(|id| clip(id, 500))
            .as_deref(),
        parsed
            .from
            .as_ref()
            .map(|f| clip(&f.address, 320))
            .as_deref(),
        &clip(&parsed.subject, 500),
    )
    .await?;
    Ok(parsed)
}

/// Why processing failed, for admins: the database's own words included.
fn failure(error: &Error) -> String {
    match error {
        Error::Database(e) => format!("database: {e}"),
        Error::Io(e) => format!("file system: {e}"),
        other => other.to_string(),
    }
}

/// The state of a stored message and what became of it.
pub async fn outcome(backend: &Backend, inbound_id: i64) -> Result<(String, String), Error> {
    db::inbound_mails::outcome(&backend.pool, inbound_id)
        .await?
        .ok_or(Error::NotFound)
}

/// Run a failed (or refused, or ignored) message through the pipeline again.
/// A message that made its case or reply is not processed twice.
pub async fn retry(backend: &Backend, inbound_id: i64) -> Result<(), Error> {
    match db::inbound_mails::state(&backend.pool, inbound_id).await? {
        None => Err(Error::NotFound),
        Some(state) if state == "processed" => Err(Error::Conflict(
            "This message made its case or reply already.".into(),
        )),
        Some(_) => process(backend, inbound_id).await,
    }
}
