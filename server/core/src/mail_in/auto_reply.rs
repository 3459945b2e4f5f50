//! The one automatic answer mail in sends: to a stranger whose message was
//! refused, saying so. Never to a message that asked for none
//! (`X-Auto-Response-Suppress`), at most one a day per sender and per case
//! (`Limit::AutoReplySender`, `Limit::AutoReplyCase`), and marked
//! `Auto-Submitted: auto-replied` so the other side's robots stay quiet.

use super::parse::Parsed;
use super::threading::plain_subject;
use crate::limits::{self, Limit};
use crate::mail::{self, AutoSubmitted, OutgoingMail};
use crate::{Backend, Error};

/// Answer a refused message if the rules allow; says what was done, for the
/// message's outcome.
pub async fn answer_refusal(
    backend: &Backend,
    parsed: &Parsed,
    case_id: Option<i64>,
    reason: &str,
) -> Result<&'static str, Error> {
    let Some(from) = &parsed.from else {
        return Ok("");
    };
    if parsed.no_auto_reply {
        return Ok("no auto-reply: the sender asked for none");
    }
    let case_key = case_id.map(|id| format!("case:{id}"));
    let mut hits = vec![(Limit::AutoReplySender, from.address.as_str())];
    if let Some(key) = &case_key {
        hits.push((Limit::AutoReplyCase, key.as_str()));
    }
    match limits::hit_all(&backend.pool, &backend.config.limits, &hits).await {
        Ok(()) => {}
        Err(Error::RateLimited { .. }) => return Ok("no auto-reply: one went out today"),
        Err(other) => return Err(other),
    }
    let subject = format!("Re: {}", plain_subject(&parsed.subject));
    let body = format!(
        "Hello,\n\n\
         Your message \"{subject}\" did not reach our support team: {reason}.\n\n\
         If you have an account with us, write from the address you sign in with, \
         or open a case at {url}.\n\n\
         This answer was sent automatically.\n",
        subject = plain_subject(&parsed.subject),
        url = backend.links.page("/cases/new"),
    );
    let mail = OutgoingMail {
        to: from.address.clone(),
        subject,
        body,
        in_reply_to: parsed.message_id.clone(),
        references: parsed.message_id.clone(),
        auto_submitted: AutoSubmitted::Replied,
        ..OutgoingMail::default()
    };
    mail::queue(&backend.pool, &mail).await?;
    Ok("auto-reply sent")
}
