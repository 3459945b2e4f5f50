//! A reply or an internal note, and what it does to the status.

use super::*;

use crate::mail_origin::MailOrigin;
use crate::Reader;

/// The reply form, as typed.
pub struct ReplyForm<'a> {
    pub body: &'a str,
    pub version: i32,
    pub internal: bool,
    /// Staff only: the status the case takes with this reply.
    pub status: Option<&'a str>,
}

/// A reply, parsed from its form at the edge.
pub struct Reply {
    body: String,
    version: i32,
    internal: bool,
    status: Option<CaseStatus>,
    /// The mail it came from, when it came by mail.
    mail: Option<MailOrigin>,
}

impl Reply {
    /// The form's fields as a reply, or an error naming the field.
    pub fn parse(form: ReplyForm<'_>) -> Result<Reply, Error> {
        let body = required_text("body", form.body, "a message", MAX_TEXT)?;
        let status =
            match form.status {
                Some(s) => Some(CaseStatus::parse(s).ok_or_else(|| {
                    Error::invalid("status", "Choose one of the listed statuses.")
                })?),
                None => None,
            };
        Ok(Reply {
            body,
            version: form.version,
            internal: form.internal,
            status,
            mail: None,
        })
    }

    /// A public reply that came by mail (`mail_in` made the text fit the limits).
    /// A reply that came by mail; `internal` only for staff (see `mail_in`).
    pub fn from_mail(body: String, mail: MailOrigin, internal: bool) -> Reply {
        Reply {
            body,
            version: 0,
            internal,
            status: None,
            mail: Some(mail),
        }
    }
}

/// Add the reply; returns the new message's id.
pub async fn reply(
    reader: &Reader,
    site: &MailSite,
    pool: &PgPool,
    number: &str,
    reply: Reply,
    attachments: Attachments,
) -> Result<i64, Error> {
    let actor = reader.signed_in()?;
    // A mailed reply was let in by `mail_in`'s rules (a signed token, or a
    // sender who takes part in the case, such as a follower): no portal view needed.
    let by_mail = reply.mail.is_some();
    let seen = if by_mail {
        load_for_mail(pool, number).await?
    } else {
        load(pool, actor, number, Action::ViewCase).await?
    };
    let staff = policy::allows(Some(actor), &Action::WorkCases);
    if (reply.internal || reply.status.is_some()) && !staff {
        return Err(Error::Forbidden);
    }
    // Stored only now that the actor may write here; removed again unless the transaction commits.
    let files = attachments.store().await?;
    let mut tx = pool.begin().await?;
    // The case as it is now, locked until this reply is in: replies sent at
    // the same moment land one after the other, each on the case as the one
    // before left it, and none is refused for the others.
    if db::lock(&mut *tx, seen.id).await?.is_none() {
        return Err(Error::NotFound);
    }
    let row = reload(&mut tx, actor, &seen, by_mail).await?;
    let body = reply.body;
    let current = status_of(&row.status)?;
    let new_status = if staff {
        match reply.status {
            Some(status) => status,
            // An agent's first public reply takes a new case to open.
            None if !reply.internal && current == CaseStatus::New => CaseStatus::Open,
            None => current,
        }
    } else {
        current.after_customer_reply().ok_or_else(|| {
            Error::invalid("body", "This case is closed and takes no more replies. Open a new case, and mention this one.")
        })?
    };
    // A status chosen by staff is a decision about the case they saw: if it
    // changed since, the reply is refused with what changed. A plain reply
    // (and the status a reply takes by itself) always lands.
    if reply.status.is_some_and(|chosen| chosen != current) && reply.version != row.version {
        return Err(stale(&mut tx, &row, actor, reply.version).await?);
    }
    let speaker = (!reply.internal).then_some(if staff { "agent" } else { "customer" });
    let change = with_status(&row, new_status, speaker);
    apply(&mut tx, &row, actor, row.version, change).await?;
    let message_id =
        db::add_message(&mut *tx, row.id, actor.user_id, reply.internal, &body).await?;
    files
        .record_for_message(&mut tx, row.id, message_id, actor.user_id)
        .await?;
    if let Some(mail) = &reply.mail {
        mail.record(&mut tx, row.id, Some(message_id)).await?;
    }
    if new_status != current {
        record_status_change(&mut tx, &row, actor, current, new_status).await?;
        update_sla(&mut tx, &row, current, new_status, &row.priority).await?;
    }
    // One mail per person for the reply and the status it set (see `case_mail::plan`).
    let author = person(&mut tx, actor).await?;
    let mut people = people_of(&mut tx, &row, row.assignee_id).await?;
    if reply.internal && body.contains('@') {
        let staff: Vec<case_mail::Agent> = crate::db::case_mail::agents(&mut *tx)
            .await?
            .into_iter()
            .map(Into::into)
            .collect();
        people.mentioned = case_mail::mentioned_agents(&case_mail::mentions(&body), &staff);
    }
    let event = Event::Message {
        author: &author,
        by_staff: staff,
        internal: reply.internal,
        body: &body,
        message_id,
        status: StatusChange::between(current, new_status),
    };
    tell(site, &mut tx, &row, new_status, event, &people).await?;
    crate::reports::metrics::record(&mut tx, row.id).await?;
    crate::changes::message(
        &mut tx,
        row.id,
        row.organization_id,
        message_id,
        reply.internal,
    )
    .await?;
    if new_status != current {
        let solved_now = new_status == CaseStatus::Solved;
        crate::changes::case_updated(&mut tx, row.id, solved_now).await?;
    }
    files.commit(tx).await?;
    Ok(message_id)
}

/// The case again, inside the transaction that locked it.
async fn reload(
    tx: &mut sqlx::PgConnection,
    actor: &crate::policy::Actor,
    seen: &db::CaseRow,
    by_mail: bool,
) -> Result<db::CaseRow, Error> {
    let scope = if by_mail {
        CaseScope::All
    } else {
        case_scope(actor).ok_or(Error::NotFound)?
    };
    db::find(&mut *tx, seen.number, scope)
        .await?
        .ok_or(Error::NotFound)
}

/// The case a mailed reply is for, whoever may see it on the portal.
async fn load_for_mail(pool: &PgPool, number: &str) -> Result<db::CaseRow, Error> {
    let number = CaseNumber::parse(number).ok_or(Error::NotFound)?;
    db::find(pool, number.0, CaseScope::All)
        .await?
        .ok_or(Error::NotFound)
}
