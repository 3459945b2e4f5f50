//! The rules a message goes through, in the order of `server/tests/mail/README.md`:
//! bounces and noise first, then a signed token, then a stored Message-ID or a
//! `[C-1042]` subject token (for a customer taking part, when authentication
//! did not fail), then a new case for a known customer or a contact, or a
//! refusal. Solved cases reopen; closed and merged ones take no reply.

use super::auto_reply;
use super::deliver::{deliver, Target};
use super::parse::Parsed;
use super::senders::{self, Known, OurAddress};
use super::threading;
use crate::db::mail_in::{self as db, CaseFacts};
use crate::policy::Actor;
use crate::{Backend, Error};
use rapport_types::{CaseNumber, CaseStatus};

/// What became of a message that did not fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    /// A case or a reply was made (and the row marked in its transaction).
    Delivered,
    Ignored(String),
    Refused {
        reason: String,
        case_id: Option<i64>,
    },
}

fn refused(reason: impl Into<String>) -> Done {
    Done::Refused {
        reason: reason.into(),
        case_id: None,
    }
}

pub async fn apply(backend: &Backend, inbound_id: i64, parsed: &Parsed) -> Result<Done, Error> {
    let pool = &backend.pool;
    let ours = OurAddress::parse(&backend.config.mail_from);
    // 1. Bounces, noise and our own mail coming back.
    if let Some(bounce) = &parsed.bounce {
        return Ok(Done::Ignored(match &bounce.address {
            Some(address) => {
                db::mark_bouncing(pool, address, &bounce.reason).await?;
                format!(
                    "delivery report: mail to {address} bounces ({})",
                    bounce.reason
                )
            }
            None => format!(
                "delivery report naming no failed address ({})",
                bounce.reason
            ),
        }));
    }
    if let Some(reason) = &parsed.noise {
        return Ok(Done::Ignored(reason.clone()));
    }
    let Some(from) = &parsed.from else {
        return Ok(refused("the message has no sender address"));
    };
    let keys = backend.reply_keys().await?;
    if ours.is_ours(&from.address) || is_our_message(backend, parsed, keys).await? {
        return Ok(Done::Ignored("our own message came back".into()));
    }
    if let Some(id) = &parsed.message_id {
        if let Some(copy) =
            crate::db::inbound_mails::processed_copy(pool, inbound_id, id, &from.address).await?
        {
            return Ok(Done::Ignored(format!(
                "the same message came before (#{copy})"
            )));
        }
    }
    let known = senders::known(pool, &from.address).await?;
    if known.as_ref().is_some_and(|k| k.disabled) {
        return Ok(refused("the sender's account is disabled"));
    }
    // 2. A signed token names the case.
    if let Some(claims) = threading::token(parsed, keys, ours.domain()) {
        let Some(case) = db::case_by_id(pool, claims.case_id).await? else {
            return Ok(refused("the reply token names a case that does not exist"));
        };
        return match &known {
            Some(k) if k.is_staff() && k.actor.user_id == claims.user_id => {
                if closed(&case) {
                    return Ok(Done::Refused {
                        reason: format!("C-{} is closed and takes no reply", case.number),
                        case_id: Some(case.id),
                    });
                }
                // The mail they answer reported an internal note (an @mention):
                // their answer stays internal too, never mailed to the customer.
                let internal = db::is_internal_message(pool, case.id, claims.message_id).await?;
                let actor = k.actor.clone();
                reply(
                    backend,
                    inbound_id,
                    parsed,
                    actor,
                    &case,
                    Vec::new(),
                    internal,
                )
                .await
            }
            Some(k) if k.is_staff() => {
                tracing::warn!(
                    from = %from.address, case = case.number,
                    "mail from a staff address with another person's reply token refused"
                );
                Ok(refused(format!(
                    "a staff address replied with a reply token that is not theirs (C-{})",
                    case.number
                )))
            }
            Some(k)
                if k.actor.user_id == claims.user_id
                    || db::takes_part(pool, case.id, k.actor.user_id).await? =>
            {
                customer_reply(backend, &ours, inbound_id, parsed, k, &case).await
            }
            _ => {
                let reason = format!("the sender takes no part in C-{}", case.number);
                refuse_answering(backend, parsed, Some(case.id), known.is_none(), reason).await
            }
        };
    }
    // 3. A stored Message-ID, then a subject token: a customer taking part,
    // whose mail did not fail authentication.
    if parsed.authentication_failed && known.is_some() {
        tracing::warn!(from = %from.address, "mail claiming a known address failed authentication");
        return Ok(refused(
            "Authentication-Results shows a failure for the address of a known person",
        ));
    }
    if let Some(k) = known.as_ref().filter(|k| !k.is_staff()) {
        let mut candidates = threading::stored_cases(pool, parsed).await?;
        if let Some(number) = threading::subject_number(&parsed.subject) {
            if let Some(case) = db::case_by_number(pool, number.0).await? {
                candidates.push(case.id);
            }
        }
        for case_id in candidates {
            if !db::takes_part(pool, case_id, k.actor.user_id).await? {
                continue;
            }
            if let Some(case) = db::case_by_id(pool, case_id).await? {
                return customer_reply(backend, &ours, inbound_id, parsed, k, &case).await;
            }
        }
    }
    // 4. A new case.
    match &known {
        Some(k) if k.is_staff() => {
            tracing::warn!(from = %from.address, "mail from a staff address without a valid reply token refused");
            Ok(refused(
                "mail from a staff address without a valid reply token",
            ))
        }
        Some(k) => new_case(backend, &ours, inbound_id, parsed, k.actor.clone(), None).await,
        None => match senders::contact_for(pool, from).await? {
            Some(actor) => new_case(backend, &ours, inbound_id, parsed, actor, None).await,
            None => {
                let reason = format!("the address {} is not known to us", from.address);
                refuse_answering(backend, parsed, None, true, reason).await
            }
        },
    }
}

/// Our Message-ID on the message itself: a mail we sent, come back.
async fn is_our_message(
    backend: &Backend,
    parsed: &Parsed,
    keys: &crate::reply_tokens::ReplyKeys,
) -> Result<bool, Error> {
    let Some(id) = &parsed.message_id else {
        return Ok(false);
    };
    if crate::reply_tokens::token_in_message_id(id).is_some_and(|t| keys.verify(t).is_some()) {
        return Ok(true);
    }
    Ok(db::sent_by_us(&backend.pool, id).await?)
}

fn closed(case: &CaseFacts) -> bool {
    case.merged || CaseStatus::parse(&case.status) == Some(CaseStatus::Closed)
}

/// A customer's mail for a case they take part in: a reply (a solved case
/// reopens), or a new case naming it when it is closed or merged.
async fn customer_reply(
    backend: &Backend,
    ours: &OurAddress,
    inbound_id: i64,
    parsed: &Parsed,
    sender: &Known,
    case: &CaseFacts,
) -> Result<Done, Error> {
    if closed(case) {
        let actor = sender.actor.clone();
        let answered = Some(CaseNumber(case.number));
        return new_case(backend, ours, inbound_id, parsed, actor, answered).await;
    }
    let followers = senders::followers(
        &backend.pool,
        parsed,
        ours,
        case.organization_id,
        sender.actor.user_id,
    )
    .await?;
    reply(
        backend,
        inbound_id,
        parsed,
        sender.actor.clone(),
        case,
        followers,
        false,
    )
    .await
}

async fn reply(
    backend: &Backend,
    inbound_id: i64,
    parsed: &Parsed,
    actor: Actor,
    case: &CaseFacts,
    followers: Vec<i64>,
    internal: bool,
) -> Result<Done, Error> {
    let number = CaseNumber(case.number);
    let target = Target::Reply { number, internal };
    delivered(deliver(backend, inbound_id, parsed, actor, target, followers).await)
}

async fn new_case(
    backend: &Backend,
    ours: &OurAddress,
    inbound_id: i64,
    parsed: &Parsed,
    actor: Actor,
    answered: Option<CaseNumber>,
) -> Result<Done, Error> {
    let organization_id = actor.organization_id.ok_or(Error::Forbidden)?;
    let followers =
        senders::followers(&backend.pool, parsed, ours, organization_id, actor.user_id).await?;
    let target = Target::NewCase { answered };
    delivered(deliver(backend, inbound_id, parsed, actor, target, followers).await)
}

/// A limit reached is a refusal, not a failure to try again.
fn delivered(result: Result<(), Error>) -> Result<Done, Error> {
    match result {
        Ok(()) => Ok(Done::Delivered),
        Err(Error::RateLimited { retry_after }) => Ok(refused(format!(
            "the sender wrote too many messages; the limit frees up in {} minutes",
            retry_after.as_secs().div_ceil(60)
        ))),
        Err(other) => Err(other),
    }
}

/// Refuse, answering a stranger once (see `auto_reply`).
async fn refuse_answering(
    backend: &Backend,
    parsed: &Parsed,
    case_id: Option<i64>,
    stranger: bool,
    reason: String,
) -> Result<Done, Error> {
    let answered = if stranger {
        auto_reply::answer_refusal(backend, parsed, case_id, &reason).await?
    } else {
        ""
    };
    let reason = if answered.is_empty() {
        reason
    } else {
        format!("{reason} ({answered})")
    };
    Ok(Done::Refused { reason, case_id })
}
