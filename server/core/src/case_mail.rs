//! The e-mails a case sends, one per action and person (see [`plan`]):
//!
//! - customers (the requester and the case's followers) hear of a new case,
//!   of public replies, and of the status news that concern them: waiting for
//!   them, solved, closed, reopened; never of triage (New to Open, On hold,
//!   assignment, priority, tags) and never of an internal note;
//! - agents get mails written for agents, each of which they may turn off
//!   (`agent_mail_settings`): a new case in a category they follow, a case
//!   assigned to them, a customer writing on their case, an @mention in an
//!   internal note (see [`mentions`]).
//!
//! Every mail is multipart (text, and HTML from the site's sanitising Markdown
//! renderer), answers with a signed reply address (`reply_tokens`) whose token
//! is also in its `Message-ID`, and points with `In-Reply-To`/`References` at
//! the case's first and the person's latest Message-ID, so that mail clients
//! show a case as one conversation. The subject is the same for every mail of
//! a case (`[C-1042] subject`): some clients thread by subject too.
//!
//! Each mail is queued in the transaction of the change (see `mail::queue`).

use super::db;
use super::mail::{self, AutoSubmitted, OutgoingMail};
use super::markdown;
use super::reply_tokens::{self, ReplyClaims, ReplyKeys, REPLY_ABOVE_THIS_LINE};
use crate::site::SiteLinks;
use crate::{Backend, Error};
use rapport_types::{CaseNumber, CaseStatus};

/// What case mails need from the site: links to its pages, the keys that sign
/// reply addresses, and our own address (reply addresses and Message-IDs are
/// made from it).
#[derive(Clone)]
pub struct MailSite {
    pub links: SiteLinks,
    keys: ReplyKeys,
    /// `support@example.com`, without a name.
    from_address: String,
    from_name: Option<String>,
    /// The domain of our address, for Message-IDs.
    domain: String,
}

impl MailSite {
    /// From the links, the keys and `RAPPORT_MAIL_FROM` (`Rapport <support@example.com>`).
    pub fn new(links: SiteLinks, keys: ReplyKeys, mail_from: &str) -> Result<MailSite, Error> {
        let from: lettre::message::Mailbox = mail_from.parse().map_err(|e| {
            Error::invalid(
                "RAPPORT_MAIL_FROM",
                format!("not an e-mail address ({e}); for example Rapport <support@example.com>"),
            )
        })?;
        Ok(MailSite {
            links,
            keys,
            from_address: from.email.to_string(),
            domain: from.email.domain().to_string(),
            from_name: from.name.filter(|name| safe_display_name(name)),
        })
    }

    /// The site of `backend` (its reply keys are read once, then kept).
    pub async fn of(backend: &Backend) -> Result<MailSite, Error> {
        let keys = backend.reply_keys().await?.clone();
        MailSite::new(backend.links.clone(), keys, &backend.config.mail_from)
    }

    fn reply_to(&self, token: &str) -> Option<String> {
        let address = reply_tokens::reply_address(&self.from_address, token)?;
        Some(match &self.from_name {
            Some(name) => format!("\"{name}\" <{address}>"),
            None => address,
        })
    }

    fn case_link(&self, number: CaseNumber, message_id: Option<i64>) -> String {
        match message_id {
            Some(id) => self.links.page(&format!("/cases/{number}#m-{id}")),
            None => self.links.page(&format!("/cases/{number}")),
        }
    }
}

/// Quotes, angle brackets and line breaks in a display name would break the header.
fn safe_display_name(name: &str) -> bool {
    !name
        .chars()
        .any(|c| matches!(c, '"' | '<' | '>' | '\\' | '\r' | '\n'))
}

/// A name and an address a mail goes to (cases and workshops).
pub struct Recipient<'a> {
    pub name: &'a str,
    pub email: &'a str,
}

impl Recipient<'_> {
    /// `"Name" <address>` for the To header, or the bare address when the name
    /// has characters that would break it.
    pub fn address(&self) -> String {
        if safe_display_name(self.name) {
            format!("\"{}\" <{}>", self.name, self.email)
        } else {
            self.email.to_string()
        }
    }
}

/// A person with an account, as far as mail is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub user_id: i64,
    pub name: String,
    pub email: String,
}

/// Which mails an agent wants; all of them unless they said otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgentMails {
    /// A new case in a category they follow.
    pub new_case_followed: bool,
    /// A case assigned to them (by someone else).
    pub assigned_to_me: bool,
    /// The customer writes on, closes or reopens a case assigned to them.
    pub customer_replied: bool,
    /// They are @mentioned in an internal note.
    pub mentioned: bool,
}

impl Default for AgentMails {
    fn default() -> AgentMails {
        AgentMails {
            new_case_followed: true,
            assigned_to_me: true,
            customer_replied: true,
            mentioned: true,
        }
    }
}

/// A member of staff and the mails they want.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    pub person: Person,
    pub wants: AgentMails,
}

impl From<db::case_mail::PersonRow> for Person {
    fn from(row: db::case_mail::PersonRow) -> Person {
        Person {
            user_id: row.id,
            name: row.display_name,
            email: row.email,
        }
    }
}

impl From<db::case_mail::AgentRow> for Agent {
    fn from(row: db::case_mail::AgentRow) -> Agent {
        Agent {
            person: Person {
                user_id: row.id,
                name: row.display_name,
                email: row.email,
            },
            wants: AgentMails {
                new_case_followed: row.new_case_followed,
                assigned_to_me: row.assigned_to_me,
                customer_replied: row.customer_replied,
                mentioned: row.mentioned,
            },
        }
    }
}

/// What a mail says about its case, whoever reads it.
pub struct CaseFacts<'a> {
    pub id: i64,
    pub number: CaseNumber,
    pub subject: &'a str,
    /// The status after the action.
    pub status: CaseStatus,
    /// Staff wording only.
    pub priority: &'a str,
    pub category: &'a str,
    pub requester: &'a str,
    pub organization: &'a str,
}

/// A change of status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusChange {
    pub from: CaseStatus,
    pub to: CaseStatus,
}

impl StatusChange {
    /// A change, or None when the status stays.
    pub fn between(from: CaseStatus, to: CaseStatus) -> Option<StatusChange> {
        (from != to).then_some(StatusChange { from, to })
    }

    /// Is this news for the customer? Waiting for them, solved, closed and
    /// reopened are; New to Open, On hold and back to Open are triage.
    pub fn customer_hears(self) -> bool {
        use CaseStatus::*;
        let done = |s| matches!(s, Solved | Closed);
        self.from != self.to && (matches!(self.to, Pending | Solved | Closed) || done(self.from))
    }
}

/// One action on a case, as far as mail is concerned.
pub enum Event<'a> {
    /// A new case, with its description.
    Opened { description: &'a str },
    /// A message: a public reply or an internal note, with the status it set.
    Message {
        author: &'a Person,
        by_staff: bool,
        internal: bool,
        body: &'a str,
        /// The case message's id.
        message_id: i64,
        status: Option<StatusChange>,
    },
    /// A change without a message: status and/or a new assignee. `actor` is
    /// None for Rapport itself (closing solved cases).
    Changed {
        actor: Option<&'a Person>,
        by_customer: bool,
        status: Option<StatusChange>,
        newly_assigned: bool,
    },
    /// The case was merged into another.
    MergedInto(CaseNumber),
}

/// Everyone who might hear of an action.
#[derive(Debug, Clone, Default)]
pub struct People {
    pub requester: Option<Person>,
    pub followers: Vec<Person>,
    /// The assignee after the action.
    pub assignee: Option<Agent>,
    /// Agents following the case's category (read for a new case only).
    pub category_followers: Vec<Agent>,
    /// Agents @mentioned in an internal note.
    pub mentioned: Vec<Agent>,
}

/// What one person is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice<'a> {
    /// To the requester: we have your case.
    Received,
    /// To customers: a public reply, and the status it set if that is news.
    Reply {
        author: &'a str,
        from_support: bool,
        body: &'a str,
        message_id: i64,
        status: Option<CaseStatus>,
    },
    /// To customers: the case's status is news.
    Status(CaseStatus),
    /// To customers: the case was merged into another.
    MergedInto(CaseNumber),
    /// To agents following the category.
    NewCase { description: &'a str },
    /// To the new assignee.
    Assigned { by: &'a str },
    /// To the assignee: the customer wrote.
    CustomerWrote {
        author: &'a str,
        body: &'a str,
        message_id: i64,
        status: Option<CaseStatus>,
    },
    /// To the assignee: the customer closed or reopened the case.
    CustomerChangedStatus { author: &'a str, status: CaseStatus },
    /// To an agent @mentioned in an internal note.
    Mentioned {
        by: &'a str,
        body: &'a str,
        message_id: i64,
    },
}

impl Notice<'_> {
    /// The case message the mail reports (0 for none), for its reply token.
    fn message_id(&self) -> i64 {
        match self {
            Notice::Reply { message_id, .. }
            | Notice::CustomerWrote { message_id, .. }
            | Notice::Mentioned { message_id, .. } => *message_id,
            _ => 0,
        }
    }

    fn for_staff(&self) -> bool {
        matches!(
            self,
            Notice::NewCase { .. }
                | Notice::Assigned { .. }
                | Notice::CustomerWrote { .. }
                | Notice::CustomerChangedStatus { .. }
                | Notice::Mentioned { .. }
        )
    }
}

/// Who is told what about `event`: at most one mail per person, never to the
/// person who acted, never an internal note to a customer.
pub fn plan<'a>(event: &Event<'a>, people: &'a People) -> Vec<(&'a Person, Notice<'a>)> {
    let customers: Vec<&Person> = people
        .requester
        .iter()
        .chain(people.followers.iter())
        .collect();
    let assignee = people.assignee.as_ref();
    let mut mails: Vec<(&Person, Notice<'a>)> = Vec::new();
    let actor_id = match event {
        Event::Message { author, .. } => Some(author.user_id),
        Event::Changed { actor, .. } => actor.map(|a| a.user_id),
        // The requester opened it, and wants the receipt all the same.
        Event::Opened { .. } | Event::MergedInto(_) => None,
    };
    let heard = |status: &Option<StatusChange>| {
        status
            .filter(|change| change.customer_hears())
            .map(|change| change.to)
    };
    match *event {
        Event::Opened { description } => {
            if let Some(requester) = &people.requester {
                mails.push((requester, Notice::Received));
            }
            for agent in &people.category_followers {
                if agent.wants.new_case_followed {
                    mails.push((&agent.person, Notice::NewCase { description }));
                }
            }
        }
        Event::Message {
            author,
            by_staff,
            internal: true,
            body,
            message_id,
            status,
        } => {
            // The note stays with staff; a status that is news still goes out.
            if let Some(status) = heard(&status) {
                for person in &customers {
                    mails.push((person, Notice::Status(status)));
                }
            }
            if by_staff {
                for agent in &people.mentioned {
                    if agent.wants.mentioned {
                        let by = author.name.as_str();
                        let notice = Notice::Mentioned {
                            by,
                            body,
                            message_id,
                        };
                        mails.push((&agent.person, notice));
                    }
                }
            }
        }
        Event::Message {
            author,
            by_staff,
            internal: false,
            body,
            message_id,
            status,
        } => {
            for person in &customers {
                mails.push((
                    person,
                    Notice::Reply {
                        author: &author.name,
                        from_support: by_staff,
                        body,
                        message_id,
                        status: heard(&status),
                    },
                ));
            }
            if !by_staff {
                if let Some(agent) = assignee.filter(|a| a.wants.customer_replied) {
                    let notice = Notice::CustomerWrote {
                        author: &author.name,
                        body,
                        message_id,
                        status: status.map(|change| change.to),
                    };
                    mails.push((&agent.person, notice));
                }
            }
        }
        Event::Changed {
            actor,
            by_customer,
            status,
            newly_assigned,
        } => {
            if let Some(status) = heard(&status) {
                for person in &customers {
                    mails.push((person, Notice::Status(status)));
                }
            }
            match (by_customer, actor) {
                (true, Some(actor)) => {
                    if let (Some(agent), Some(change)) =
                        (assignee.filter(|a| a.wants.customer_replied), status)
                    {
                        let notice = Notice::CustomerChangedStatus {
                            author: &actor.name,
                            status: change.to,
                        };
                        mails.push((&agent.person, notice));
                    }
                }
                (false, Some(actor)) if newly_assigned => {
                    if let Some(agent) = assignee.filter(|a| a.wants.assigned_to_me) {
                        mails.push((&agent.person, Notice::Assigned { by: &actor.name }));
                    }
                }
                _ => {}
            }
        }
        Event::MergedInto(target) => {
            for person in &customers {
                mails.push((person, Notice::MergedInto(target)));
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    mails.retain(|(person, _)| Some(person.user_id) != actor_id && seen.insert(person.user_id));
    mails
}

/// An @mention in a note: `@sam` (the local part of an agent's address, or
/// an agent's first name when no other agent has it) or `@"Sam Agent"` (the
/// whole name, in quotes). An `@` inside a word (an address) is no mention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mention {
    /// Lower case.
    Handle(String),
    /// Lower case.
    Name(String),
}

/// The mentions in `text`, in order, each once.
pub fn mentions(text: &str) -> Vec<Mention> {
    let mut found: Vec<Mention> = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let handle_char = |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '-');
    let mut i = 0;
    while i < chars.len() {
        let starts =
            chars[i] == '@' && (i == 0 || !(handle_char(chars[i - 1]) || chars[i - 1] == '+'));
        if !starts {
            i += 1;
            continue;
        }
        i += 1;
        let mention = if chars.get(i) == Some(&'"') {
            let end = chars[i + 1..]
                .iter()
                .take(101)
                .position(|&c| c == '"' || c == '\n');
            match end {
                Some(len) if chars[i + 1 + len] == '"' && len > 0 => {
                    let name: String = chars[i + 1..i + 1 + len].iter().collect();
                    i += len + 2;
                    Some(Mention::Name(
                        name.split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" ")
                            .to_lowercase(),
                    ))
                }
                _ => None,
            }
        } else {
            let len = chars[i..].iter().take_while(|&&c| handle_char(c)).count();
            let handle: String = chars[i..i + len].iter().collect();
            i += len;
            // A sentence may end right after the mention: "thanks @sam."
            let handle = handle.trim_end_matches(['.', '-', '_']).to_lowercase();
            (!handle.is_empty()).then_some(Mention::Handle(handle))
        };
        if let Some(mention) = mention.filter(|m| !found.contains(m)) {
            found.push(mention);
        }
    }
    found
}

/// The agents among `staff` that `mentions` name, each once.
pub fn mentioned_agents(mentions: &[Mention], staff: &[Agent]) -> Vec<Agent> {
    let first_name = |agent: &Agent| {
        agent
            .person
            .name
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_lowercase()
    };
    let mut found: Vec<Agent> = Vec::new();
    for mention in mentions {
        let matches: Vec<&Agent> = match mention {
            Mention::Handle(handle) => {
                let by_address: Vec<&Agent> = staff
                    .iter()
                    .filter(|agent| {
                        agent
                            .person
                            .email
                            .rsplit_once('@')
                            .is_some_and(|(local, _)| local.to_lowercase() == *handle)
                    })
                    .collect();
                if by_address.is_empty() {
                    let by_first: Vec<&Agent> = staff
                        .iter()
                        .filter(|agent| first_name(agent) == *handle)
                        .collect();
                    // A first name two agents share names nobody.
                    if by_first.len() == 1 {
                        by_first
                    } else {
                        Vec::new()
                    }
                } else {
                    by_address
                }
            }
            Mention::Name(name) => staff
                .iter()
                .filter(|agent| {
                    agent
                        .person
                        .name
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                        .to_lowercase()
                        == *name
                })
                .collect(),
        };
        for agent in matches {
            if !found
                .iter()
                .any(|a| a.person.user_id == agent.person.user_id)
            {
                found.push(agent.clone());
            }
        }
    }
    found
}

/// A mail's words, before the headers: the headline, what happened, the
/// message it reports (Markdown), and a line after it.
struct Words {
    headline: String,
    intro: String,
    quoted: Option<String>,
    after: Option<String>,
}

fn words(case: &CaseFacts<'_>, to: &Person, notice: &Notice<'_>) -> Words {
    let number = case.number;
    let subject = case.subject;
    let plain = |headline: String, intro: String| Words {
        headline,
        intro,
        quoted: None,
        after: None,
    };
    let status_line = |status: &Option<CaseStatus>| {
        status.map(|s| format!("The case is now {}. {}", s.label(), s.meaning()))
    };
    match notice {
        Notice::Received => plain(
            "We received your case".to_string(),
            format!("Hello {},\n\nthank you for contacting us. Your case {number} “{subject}” is registered; we will answer as soon as we can.", to.name),
        ),
        Notice::Reply { author, from_support, body, status, .. } => Words {
            headline: if *from_support { "New reply from support".to_string() } else { format!("{author} replied") },
            intro: format!("{author} wrote on case {number} “{subject}”:"),
            quoted: Some(body.to_string()),
            after: status_line(status),
        },
        Notice::Status(status) => plain(
            format!("Status: {}", status.label()),
            format!("Case {number} “{subject}” is now {}.\n\n{}", status.label(), status.meaning()),
        ),
        Notice::MergedInto(target) => plain(
            format!("Merged into {target}"),
            format!("Case {number} “{subject}” was merged into {target}; its messages are there now. Please follow and answer {target}."),
        ),
        Notice::NewCase { description } => Words {
            headline: format!("New case in {}", case.category),
            intro: format!(
                "{} ({}) opened case {number} “{subject}” in {}, priority {}:",
                case.requester, case.organization, case.category, case.priority
            ),
            quoted: Some(description.to_string()),
            after: None,
        },
        Notice::Assigned { by } => plain(
            "Assigned to you".to_string(),
            format!(
                "{by} assigned case {number} “{subject}” to you. Requester: {} ({}); priority {}; status {}.",
                case.requester, case.organization, case.priority, case.status.staff_label()
            ),
        ),
        Notice::CustomerWrote { author, body, status, .. } => Words {
            headline: format!("{author} replied"),
            intro: format!("{author} ({}) wrote on case {number} “{subject}”, assigned to you:", case.organization),
            quoted: Some(body.to_string()),
            after: status.map(|s| format!("The case is now {}.", s.staff_label())),
        },
        Notice::CustomerChangedStatus { author, status } => plain(
            format!(
                "{author} {} the case",
                if *status == CaseStatus::Closed { "closed" } else { "reopened" }
            ),
            format!(
                "{author} ({}) {} case {number} “{subject}”, assigned to you. It is now {}.",
                case.organization,
                if *status == CaseStatus::Closed { "closed" } else { "reopened" },
                status.staff_label()
            ),
        ),
        Notice::Mentioned { by, body, .. } => Words {
            headline: format!("{by} mentioned you"),
            intro: format!("{by} mentioned you in an internal note on case {number} “{subject}”:"),
            quoted: Some(body.to_string()),
            after: Some("Internal note: the customer does not see it.".to_string()),
        },
    }
}

/// `text` with every Markdown sign escaped, so names and subjects show as typed.
fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

const FOOTER: &str = "Rapport support portal. Reply to this e-mail, or on the case page.";

/// The subject, text and HTML of the mail about `notice` to `to`.
fn compose(
    site: &MailSite,
    case: &CaseFacts<'_>,
    to: &Person,
    notice: &Notice<'_>,
) -> (String, String, String) {
    let words = words(case, to, notice);
    let staff = notice.for_staff();
    let status = case.status.label_for(staff);
    let anchor = Some(notice.message_id()).filter(|id| *id > 0);
    let target = match notice {
        Notice::MergedInto(target) => *target,
        _ => case.number,
    };
    let link = site.case_link(target, anchor);
    let subject = format!("[{}] {}", case.number, case.subject);
    let mut text = format!(
        "{REPLY_ABOVE_THIS_LINE}\n\n{}\n\n{}\n",
        words.headline, words.intro
    );
    // Three pieces, each rendered alone: whatever the quoted message holds
    // (an unclosed code fence, a stray heading) stays inside its own piece.
    let head = format!(
        "{}\n\n### {}\n\n{}\n",
        escape_markdown(REPLY_ABOVE_THIS_LINE),
        escape_markdown(&words.headline),
        escape_markdown(&words.intro)
    );
    let mut html_body = markdown::render(&head).as_str().to_string();
    if let Some(quoted) = &words.quoted {
        text.push_str(&format!("\n{quoted}\n"));
        html_body.push_str(&format!("<hr>{}<hr>", markdown::render(quoted).as_str()));
    }
    let mut tail = String::new();
    if let Some(after) = &words.after {
        text.push_str(&format!("\n{after}\n"));
        tail.push_str(&format!("{}\n\n", escape_markdown(after)));
    }
    text.push_str(&format!(
        "\nCase {} · Status: {status}\nOpen the case: {link}\n\n-- \n{FOOTER}\n",
        case.number
    ));
    tail.push_str(&format!(
        "**Case** {} · **Status** {}\n\n[Open the case]({link})\n\n*{}*\n",
        case.number,
        escape_markdown(status),
        escape_markdown(FOOTER)
    ));
    html_body.push_str(markdown::render(&tail).as_str());
    let html = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family: sans-serif; line-height: 1.5; max-width: 40em\">{html_body}</body></html>\n",
        ammonia::clean_text(&subject),
    );
    (subject, text, html)
}

/// In-Reply-To and References for a mail to `to` on `case_id`: the case's
/// first Message-ID and the latest one `to` got from us or sent us (or the
/// case's latest), so every mail of the case joins one conversation.
async fn thread_headers(
    site: &MailSite,
    tx: &mut sqlx::PgConnection,
    case_id: i64,
    to: &Person,
) -> sqlx::Result<(Option<String>, Option<String>)> {
    let (first, recent) = db::mail::thread_ids(&mut *tx, case_id).await?;
    let Some(first) = first else {
        return Ok((None, None));
    };
    let theirs = recent.iter().find(|id| match id.direction.as_str() {
        "in" => id.author_id == Some(to.user_id),
        _ => reply_tokens::token_in_message_id(&id.message_id)
            .and_then(|token| site.keys.verify(token))
            .is_some_and(|claims| claims.user_id == to.user_id && claims.case_id == case_id),
    });
    let latest = theirs
        .or(recent.first())
        .map(|id| id.message_id.clone())
        .unwrap_or_else(|| first.clone());
    let references = if latest == first {
        first
    } else {
        format!("{first} {latest}")
    };
    Ok((Some(latest), Some(references)))
}

/// Queue the mails `plan` made: each with its own reply address and
/// Message-ID, threaded, and the Message-ID recorded for replies to find the case.
pub async fn send(
    site: &MailSite,
    tx: &mut sqlx::PgConnection,
    case: &CaseFacts<'_>,
    mails: &[(&Person, Notice<'_>)],
) -> sqlx::Result<()> {
    for (to, notice) in mails {
        let token = site.keys.sign(ReplyClaims {
            case_id: case.id,
            user_id: to.user_id,
            message_id: notice.message_id(),
        });
        let message_id = reply_tokens::message_id(&token, &site.domain);
        let (in_reply_to, references) = thread_headers(site, tx, case.id, to).await?;
        let (subject, body, html) = compose(site, case, to, notice);
        let recipient = Recipient {
            name: &to.name,
            email: &to.email,
        };
        let mail = OutgoingMail {
            to: recipient.address(),
            subject,
            body,
            html: Some(html),
            message_id: Some(message_id.clone()),
            in_reply_to,
            references,
            reply_to: site.reply_to(&token),
            auto_submitted: AutoSubmitted::Generated,
            case_id: Some(case.id),
            calendar: None,
        };
        mail::queue(&mut *tx, &mail).await?;
        let reported = Some(notice.message_id()).filter(|id| *id > 0);
        db::mail::record_message_id(
            &mut *tx,
            &message_id,
            case.id,
            reported,
            db::mail::Direction::Out,
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(user_id: i64, name: &str, email: &str) -> Person {
        Person {
            user_id,
            name: name.to_string(),
            email: email.to_string(),
        }
    }

    fn agent(user_id: i64, name: &str, email: &str) -> Agent {
        Agent {
            person: person(user_id, name, email),
            wants: AgentMails::default(),
        }
    }

    fn nick() -> Person {
        person(1, "Nick Northwind", "nick@northwind.example")
    }

    fn sam() -> Agent {
        agent(2, "Sam Agent", "sam@rapport.example")
    }

    fn people() -> People {
        People {
            requester: Some(nick()),
            followers: vec![person(3, "Nora North", "nora@northwind.example")],
            assignee: Some(sam()),
            category_followers: vec![],
            mentioned: vec![],
        }
    }

    fn who<'a>(mails: &[(&'a Person, Notice<'_>)]) -> Vec<&'a str> {
        mails.iter().map(|(p, _)| p.email.as_str()).collect()
    }

    fn site() -> MailSite {
        MailSite::new(
            SiteLinks::new("https://support.example.com"),
            ReplyKeys::new([(1, b"first secret key of thirty-two b".to_vec())]),
            "Rapport <support@rapport.example>",
        )
        .unwrap()
    }

    fn facts() -> CaseFacts<'static> {
        CaseFacts {
            id: 42,
            number: CaseNumber(1042),
            subject: "Scanner *jams*",
            status: CaseStatus::Solved,
            priority: "High",
            category: "Hardware",
            requester: "Nick Northwind",
            organization: "Northwind",
        }
    }

    #[test]
    fn a_reply_that_solves_the_case_is_one_mail_per_customer() {
        let people = people();
        let admin = person(9, "Ada Admin", "admin@rapport.example");
        let event = Event::Message {
            author: &admin,
            by_staff: true,
            internal: false,
            body: "Fixed.",
            message_id: 77,
            status: StatusChange::between(CaseStatus::Open, CaseStatus::Solved),
        };
        let mails = plan(&event, &people);
        assert_eq!(
            who(&mails),
            ["nick@northwind.example", "nora@northwind.example"]
        );
        assert_eq!(
            mails[0].1,
            Notice::Reply {
                author: "Ada Admin",
                from_support: true,
                body: "Fixed.",
                message_id: 77,
                status: Some(CaseStatus::Solved),
            }
        );
        // An agent's first reply takes the case from New to Open: no news.
        let event = Event::Message {
            author: &admin,
            by_staff: true,
            internal: false,
            body: "Looking.",
            message_id: 78,
            status: StatusChange::between(CaseStatus::New, CaseStatus::Open),
        };
        assert!(matches!(
            plan(&event, &people)[0].1,
            Notice::Reply { status: None, .. }
        ));
    }

    #[test]
    fn customers_hear_nothing_of_triage() {
        let people = people();
        let admin = person(9, "Ada Admin", "admin@rapport.example");
        for (from, to) in [
            (CaseStatus::New, CaseStatus::Open),
            (CaseStatus::Open, CaseStatus::OnHold),
            (CaseStatus::OnHold, CaseStatus::Open),
            (CaseStatus::Pending, CaseStatus::Open),
        ] {
            let event = Event::Changed {
                actor: Some(&admin),
                by_customer: false,
                status: StatusChange::between(from, to),
                newly_assigned: false,
            };
            assert!(plan(&event, &people).is_empty(), "{from:?} to {to:?}");
        }
        // Assigning tells the assignee only.
        let event = Event::Changed {
            actor: Some(&admin),
            by_customer: false,
            status: None,
            newly_assigned: true,
        };
        let mails = plan(&event, &people);
        assert_eq!(who(&mails), ["sam@rapport.example"]);
        assert_eq!(mails[0].1, Notice::Assigned { by: "Ada Admin" });
        // News for the customer: waiting, solved, closed, reopened.
        for (from, to) in [
            (CaseStatus::Open, CaseStatus::Pending),
            (CaseStatus::Open, CaseStatus::Solved),
            (CaseStatus::Solved, CaseStatus::Closed),
            (CaseStatus::Solved, CaseStatus::Open),
        ] {
            let event = Event::Changed {
                actor: Some(&admin),
                by_customer: false,
                status: StatusChange::between(from, to),
                newly_assigned: false,
            };
            assert_eq!(plan(&event, &people).len(), 2, "{from:?} to {to:?}");
        }
    }

    #[test]
    fn internal_notes_reach_only_mentioned_agents_who_want_it() {
        let mut people = people();
        let mut quiet = agent(5, "Quinn Quiet", "quinn@rapport.example");
        quiet.wants.mentioned = false;
        people.mentioned = vec![sam(), quiet];
        let admin = person(9, "Ada Admin", "admin@rapport.example");
        let event = Event::Message {
            author: &admin,
            by_staff: true,
            internal: true,
            body: "@sam look",
            message_id: 80,
            status: None,
        };
        let mails = plan(&event, &people);
        assert_eq!(who(&mails), ["sam@rapport.example"]);
        assert!(matches!(
            mails[0].1,
            Notice::Mentioned { message_id: 80, .. }
        ));
        // Sam mentioning himself gets nothing.
        let sam = sam().person;
        let event = Event::Message {
            author: &sam,
            by_staff: true,
            internal: true,
            body: "note to self @sam",
            message_id: 81,
            status: None,
        };
        assert!(plan(&event, &people).is_empty());
    }

    #[test]
    fn a_customer_reply_reaches_the_assignee_and_the_other_participants() {
        let mut people = people();
        let nick = nick();
        let event = Event::Message {
            author: &nick,
            by_staff: false,
            internal: false,
            body: "It works.",
            message_id: 90,
            status: None,
        };
        let mails = plan(&event, &people);
        assert_eq!(
            who(&mails),
            ["nora@northwind.example", "sam@rapport.example"]
        );
        assert!(matches!(mails[1].1, Notice::CustomerWrote { .. }));
        people.assignee.as_mut().unwrap().wants.customer_replied = false;
        assert_eq!(who(&plan(&event, &people)), ["nora@northwind.example"]);
    }

    #[test]
    fn a_new_case_tells_the_requester_and_the_agents_following_its_category() {
        let mut people = people();
        people.assignee = None;
        people.followers.clear();
        let mut off = agent(6, "Olli Off", "olli@rapport.example");
        off.wants.new_case_followed = false;
        people.category_followers = vec![sam(), off];
        let mails = plan(
            &Event::Opened {
                description: "Help",
            },
            &people,
        );
        assert_eq!(
            who(&mails),
            ["nick@northwind.example", "sam@rapport.example"]
        );
        assert_eq!(mails[0].1, Notice::Received);
        assert_eq!(
            mails[1].1,
            Notice::NewCase {
                description: "Help"
            }
        );
    }

    #[test]
    fn one_mail_per_person_even_when_they_are_told_twice() {
        let mut people = people();
        // Sam follows the case and is assigned to it.
        people.followers.push(sam().person);
        let nick = nick();
        let event = Event::Message {
            author: &nick,
            by_staff: false,
            internal: false,
            body: "Hello",
            message_id: 91,
            status: None,
        };
        let mails = plan(&event, &people);
        assert_eq!(
            who(&mails),
            ["nora@northwind.example", "sam@rapport.example"]
        );
    }

    #[test]
    fn mentions_are_handles_or_quoted_names_not_addresses() {
        let found = mentions(
            "Ask @Sam. Or @\"Ada  Admin\", not nick@northwind.example; again @sam, and @ alone, @ana-b_c.",
        );
        assert_eq!(
            found,
            [
                Mention::Handle("sam".into()),
                Mention::Name("ada admin".into()),
                Mention::Handle("ana-b_c".into()),
            ]
        );
        assert!(mentions("mail me+@x or a@b").is_empty());
        assert!(mentions("@\"unterminated name").is_empty());
    }

    #[test]
    fn mentions_resolve_by_address_full_name_or_a_unique_first_name() {
        let staff = [
            agent(2, "Sam Agent", "agent@rapport.example"),
            agent(3, "Ada Admin", "admin@rapport.example"),
            agent(4, "Kim One", "kim1@rapport.example"),
            agent(5, "Kim Two", "kim2@rapport.example"),
        ];
        let ids = |text: &str| -> Vec<i64> {
            mentioned_agents(&mentions(text), &staff)
                .iter()
                .map(|a| a.person.user_id)
                .collect()
        };
        assert_eq!(ids("@agent"), [2]);
        assert_eq!(ids("@sam and @SAM"), [2]);
        assert_eq!(ids("@\"ada admin\""), [3]);
        assert_eq!(ids("@kim"), Vec::<i64>::new(), "two agents are called Kim");
        assert_eq!(ids("@kim2 @nobody"), [5]);
    }

    #[test]
    fn a_mail_has_a_reply_line_html_and_the_case_facts() {
        let site = site();
        let case = facts();
        let notice = Notice::Reply {
            author: "Sam Agent",
            from_support: true,
            body: "Try **this**.\n<script>alert(1)</script>",
            message_id: 77,
            status: Some(CaseStatus::Solved),
        };
        let (subject, text, html) = compose(&site, &case, &nick(), &notice);
        assert_eq!(subject, "[C-1042] Scanner *jams*");
        assert!(text.starts_with(REPLY_ABOVE_THIS_LINE), "{text}");
        assert!(text.contains("Sam Agent wrote on case C-1042"));
        assert!(text.contains("Try **this**."));
        assert!(text.contains("The case is now Solved."));
        assert!(text.contains("https://support.example.com/cases/C-1042#m-77"));
        assert!(!text.contains("not read"));
        assert!(html.contains("<strong>this</strong>"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("Scanner *jams*"), "{html}");
        assert!(html.contains("href=\"https://support.example.com/cases/C-1042#m-77\""));
        assert!(html.contains("<strong>Status</strong> Solved"), "{html}");
        assert!(html.contains("Reply above this line"));
        // An unclosed code fence in the message keeps to the message.
        let fenced = Notice::Reply {
            author: "Nick Northwind",
            from_support: false,
            body: "```\nlog output",
            message_id: 78,
            status: None,
        };
        let (_, _, html) = compose(&site, &case, &sam().person, &fenced);
        assert!(
            html.contains("<a href=\"https://support.example.com/cases/C-1042#m-78\""),
            "{html}"
        );
        // Agents read staff wording.
        let (_, text, _) = compose(
            &site,
            &case,
            &sam().person,
            &Notice::Assigned { by: "Ada Admin" },
        );
        assert!(text.contains("Ada Admin assigned case C-1042"), "{text}");
        assert!(text.contains("priority High"), "{text}");
    }

    #[test]
    fn the_reply_address_carries_a_token_for_the_recipient() {
        let site = site();
        let token = site.keys.sign(ReplyClaims {
            case_id: 42,
            user_id: 1,
            message_id: 0,
        });
        let reply_to = site.reply_to(&token).unwrap();
        assert!(reply_to.starts_with("\"Rapport\" <support+"), "{reply_to}");
        let address = reply_to.trim_end_matches('>').rsplit('<').next().unwrap();
        let found = reply_tokens::token_in_address(address).unwrap();
        assert_eq!(site.keys.verify(found).unwrap().user_id, 1);
    }

    #[test]
    fn a_hostile_display_name_is_left_out_of_the_header() {
        let to = Recipient {
            name: "Eve\" <evil@x>",
            email: "eve@example.com",
        };
        assert_eq!(to.address(), "eve@example.com");
    }
}
