//! E-mail in: every message, whether from the IMAP mailbox or piped to
//! `rapport mail-in`, enters through [`receive`], which stores it raw (with
//! its SHA-256, so the same bytes twice are one row) before anything else
//! happens to it. Processing then turns it into a case or a reply, or records
//! why it did not; a message that fails stays listed for admins.

pub mod imap;

use crate::db;
use crate::Backend;
use crate::Error;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

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
/// reason why not.
pub async fn process(_backend: &Backend, _inbound_id: i64) -> Result<(), Error> {
    Ok(())
}
