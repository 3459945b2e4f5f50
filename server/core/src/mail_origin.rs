//! What a case or a reply made from an incoming mail records beside it, in
//! the case's own transaction (so a message makes its case or reply and is
//! marked done together, or neither): the mail it came from, the quoted
//! history cut off it, its Message-ID for threading, the followers from its
//! Cc line, and the message's state. `mail_in` builds it; `cases` records it.

use crate::db::mail::Direction;
use crate::db::{inbound_mails, mail_in as db};
use crate::Error;
use sqlx::PgConnection;

/// The longest quoted history kept, in characters (the column allows 200,000).
const MAX_QUOTED: usize = 200_000;

#[derive(Debug, Clone)]
pub struct MailOrigin {
    inbound_id: i64,
    message_id: Option<String>,
    quoted: String,
    followers: Vec<i64>,
    /// The sender, who added the followers.
    sender_id: i64,
    /// Said after "reply on C-1042" in the message's outcome (files left out ...).
    note: String,
}

impl MailOrigin {
    pub fn new(
        inbound_id: i64,
        message_id: Option<String>,
        quoted: &str,
        followers: Vec<i64>,
        sender_id: i64,
    ) -> MailOrigin {
        MailOrigin {
            inbound_id,
            message_id,
            quoted: quoted.chars().take(MAX_QUOTED).collect(),
            followers,
            sender_id,
            note: String::new(),
        }
    }

    /// The same, with a note for the admins' list.
    pub fn with_note(mut self, note: String) -> MailOrigin {
        self.note = note;
        self
    }

    /// Record it for `case_id`, and `case_message_id` when it made a reply
    /// (else it opened the case).
    pub async fn record(
        &self,
        tx: &mut PgConnection,
        case_id: i64,
        case_message_id: Option<i64>,
    ) -> Result<(), Error> {
        match case_message_id {
            Some(id) => db::mark_message(&mut *tx, id, self.inbound_id, &self.quoted).await?,
            None => db::mark_case(&mut *tx, case_id, self.inbound_id, &self.quoted).await?,
        }
        if let Some(message_id) = &self.message_id {
            crate::db::mail::record_message_id(
                &mut *tx,
                message_id,
                case_id,
                case_message_id,
                Direction::In,
            )
            .await?;
        }
        for follower in &self.followers {
            crate::db::contacts::add_follower(&mut *tx, case_id, *follower, self.sender_id).await?;
        }
        let number = db::case_number(&mut *tx, case_id).await?;
        let what = match case_message_id {
            Some(_) => format!("reply on C-{number}"),
            None => format!("new case C-{number}"),
        };
        let outcome = if self.note.is_empty() {
            what
        } else {
            format!("{what}; {}", self.note)
        };
        inbound_mails::finish(
            &mut *tx,
            self.inbound_id,
            "processed",
            &outcome,
            Some(case_id),
        )
        .await?;
        Ok(())
    }
}
