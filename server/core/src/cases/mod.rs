//! Cases: one file per use case (create, list, view, reply, update, merge,
//! bulk, queue); here what they share: loading a case the actor may see,
//! stale changes refused with what changed, status and SLA bookkeeping, mails.
//! One transaction per action, so nothing is half-saved.

use super::attachments::Attachments;
use super::canned;
use super::case_mail::{self, CaseFacts, Event, MailSite, People, Person, StatusChange};
use super::db::case_sidebar::case_sidebar;
use super::db::cases::{self as db, CaseChange, ListFilter, ListSort};
use super::markdown;
use super::policy::{self, case_scope, Action, Actor, CaseRef, CaseScope};
use super::sla;
use crate::input::required_text;
use crate::time_zones::ReaderZone;
use crate::Error;
use rapport_types::attachments::AttachmentLink;
use rapport_types::views::cases::{
    CaseFormOptions, CaseLink, CaseList, CaseSummary, CaseView, EntryKind, QueuePage, QueueSizes,
    ThreadEntry, CASES_PER_PAGE,
};
use rapport_types::{CaseNumber, CaseStatus, PageNumber, Priority, Role, Tag};
use sqlx::PgPool;
use time::OffsetDateTime;

mod bulk;
mod create;
mod followers;
mod list;
mod merge;
mod queue;
mod reply;
mod update;
mod view;

pub use bulk::{bulk_update, MAX_BULK};
pub use create::{create, options, NewCase, NewCaseForm};
pub use followers::{add_follower, followers, remove_follower};
pub use list::{customer_desk, customer_list, CustomerListQuery};
pub(crate) use list::{customer_priority, customer_statuses};
pub use merge::merge;
pub(crate) use queue::QueueFilter;
pub use queue::{agent_desk, presence, queue, QueueQuery};
pub use reply::{reply, Reply, ReplyForm};
pub use update::{customer_open_or_close, rate, update, CaseUpdate, Fields};
pub use view::detail;

/// The longest description, reply or note, in characters.
pub const MAX_TEXT: usize = 50_000;

const MAX_SUBJECT: usize = 200;

fn case_ref(row: &db::CaseRow) -> CaseRef {
    CaseRef {
        organization_id: row.organization_id,
        requester_id: row.requester_id,
    }
}

fn status_of(stored: &str) -> Result<CaseStatus, Error> {
    CaseStatus::parse(stored)
        .ok_or_else(|| Error::internal(format!("unknown case status {stored:?}")))
}

fn priority_of(stored: &str) -> Result<Priority, Error> {
    Priority::parse(stored).ok_or_else(|| Error::internal(format!("unknown priority {stored:?}")))
}

/// Load a case the actor may see (and that `action` allows), or "not found":
/// a case of another organization is indistinguishable from one that does not exist.
pub(crate) async fn load(
    pool: &PgPool,
    actor: &Actor,
    number: &str,
    action: impl Fn(CaseRef) -> Action,
) -> Result<db::CaseRow, Error> {
    let number = CaseNumber::parse(number).ok_or(Error::NotFound)?;
    let scope = case_scope(actor).ok_or(Error::NotFound)?;
    let row = db::find(pool, number.0, scope)
        .await?
        .ok_or(Error::NotFound)?;
    policy::authorize(Some(actor), &action(case_ref(&row))).map_err(|_| Error::NotFound)?;
    Ok(row)
}

fn describe_change(field: &str, old: Option<&str>, new: Option<&str>) -> String {
    let new_value = new.unwrap_or_default();
    match field {
        "merged into" => return format!("merged this case into {new_value}"),
        "merged in" => return format!("merged {new_value} into this case"),
        _ => {}
    }
    let empty = if field == "tags" { "none" } else { "nobody" };
    let show = |v: Option<&str>| match (field, v) {
        (_, None) | (_, Some("")) => empty.to_string(),
        ("status", Some(s)) => CaseStatus::parse(s)
            .map(|s| s.staff_label().to_string())
            .unwrap_or_else(|| s.to_string()),
        ("priority", Some(p)) => Priority::parse(p)
            .map(|p| p.label().to_string())
            .unwrap_or_else(|| p.to_string()),
        (_, Some(v)) => v.to_string(),
    };
    format!("changed {field} from {} to {}", show(old), show(new))
}

/// The message shown when someone else changed the case first: what happened
/// since the version the person saw (newest last), else how the case is now.
async fn stale(
    tx: &mut sqlx::PgConnection,
    row: &db::CaseRow,
    actor: &Actor,
    seen: i32,
) -> Result<Error, Error> {
    if !policy::allows(Some(actor), &Action::WorkCases) {
        // Customers race only with staff, whose changes they need not read about.
        return Ok(Error::Conflict(
            "This case changed while you were writing. Nothing of yours was saved; your text \
             is still in the form. Reload the page to see the changes, then send again."
                .into(),
        ));
    }
    let since: Vec<String> = db::thread(&mut *tx, row.id, true)
        .await?
        .into_iter()
        .filter(|item| item.version.is_some_and(|v| v > seen))
        .map(|item| match item.kind.as_str() {
            "message" => format!("{} replied", item.author_name),
            "note" => format!("{} added an internal note", item.author_name),
            _ => format!(
                "{} {}",
                item.author_name,
                describe_change(
                    item.field.as_deref().unwrap_or(""),
                    item.old_value.as_deref(),
                    item.new_value.as_deref(),
                )
            ),
        })
        .collect();
    const SHOWN: usize = 6;
    let what = if since.is_empty() {
        let status = CaseStatus::parse(&row.status)
            .map(CaseStatus::staff_label)
            .unwrap_or("changed");
        let priority = Priority::parse(&row.priority)
            .map(Priority::label)
            .unwrap_or("changed");
        let assignee = row.assignee_name.as_deref().unwrap_or("nobody");
        format!("it is now {status}, assigned to {assignee}, priority {priority}")
    } else {
        let skipped = since.len().saturating_sub(SHOWN);
        let mut shown = since[skipped..].join("; ");
        if skipped > 0 {
            shown = format!("{skipped} earlier changes; {shown}");
        }
        format!("since you opened it, {shown}")
    };
    Ok(Error::Conflict(format!(
        "Someone else changed this case while you were working on it: {what}. \
         Nothing of yours was saved; your text is still in the form. \
         Read the changes on the page, then send again."
    )))
}

/// The case as it is, with a new status (and the speaker of a public message).
fn with_status<'a>(
    row: &'a db::CaseRow,
    status: CaseStatus,
    public_speaker: Option<&'a str>,
) -> CaseChange<'a> {
    CaseChange {
        status: status.as_str(),
        priority: &row.priority,
        category_id: row.category_id,
        assignee_id: row.assignee_id,
        public_speaker,
    }
}

/// Write `change` if the case is still at `version`; otherwise say what
/// others changed first.
async fn apply(
    tx: &mut sqlx::PgConnection,
    row: &db::CaseRow,
    actor: &Actor,
    version: i32,
    change: CaseChange<'_>,
) -> Result<(), Error> {
    match db::update(&mut *tx, row.id, version, change).await? {
        Some(_) => Ok(()),
        None => Err(stale(tx, row, actor, version).await?),
    }
}

/// Add "changed status from … to …" to the case history.
async fn record_status_change(
    tx: &mut sqlx::PgConnection,
    row: &db::CaseRow,
    actor: &Actor,
    from: CaseStatus,
    to: CaseStatus,
) -> Result<(), Error> {
    db::record_event(
        tx,
        row.id,
        actor.user_id,
        "status",
        Some(from.as_str()),
        Some(to.as_str()),
    )
    .await?;
    Ok(())
}

/// Download links from the parallel id, name and size arrays of a query.
fn links(number: &str, ids: &[i64], names: Vec<String>, sizes: &[i64]) -> Vec<AttachmentLink> {
    ids.iter()
        .zip(names)
        .zip(sizes)
        .map(|((id, name), size)| AttachmentLink::new(number, *id, name, *size))
        .collect()
}

fn requester_of(row: &db::CaseRow) -> Person {
    Person {
        user_id: row.requester_id,
        name: row.requester_name.clone(),
        email: row.requester_email.clone(),
    }
}

/// The signed-in person who acts, as mail names them.
async fn person(tx: &mut sqlx::PgConnection, actor: &Actor) -> Result<Person, Error> {
    let (name, email) = db::contact(&mut *tx, actor.user_id).await?;
    Ok(Person {
        user_id: actor.user_id,
        name,
        email,
    })
}

/// Who may hear of an action on `row`: its requester and followers, and
/// `assignee_id` (the assignee after the action) with the mails they want.
async fn people_of(
    tx: &mut sqlx::PgConnection,
    row: &db::CaseRow,
    assignee_id: Option<i64>,
) -> Result<People, Error> {
    let followers = crate::db::case_mail::followers(&mut *tx, row.id).await?;
    let assignee = match assignee_id {
        Some(id) => crate::db::case_mail::agent(&mut *tx, id).await?,
        None => None,
    };
    Ok(People {
        requester: Some(requester_of(row)),
        followers: followers.into_iter().map(Person::from).collect(),
        assignee: assignee.map(Into::into),
        ..People::default()
    })
}

/// Mail `event` on `row` (whose status is now `status`) to whoever `plan` says.
async fn tell(
    site: &MailSite,
    tx: &mut sqlx::PgConnection,
    row: &db::CaseRow,
    status: CaseStatus,
    event: Event<'_>,
    people: &People,
) -> Result<(), Error> {
    let mails = case_mail::plan(&event, people);
    let facts = CaseFacts {
        id: row.id,
        number: CaseNumber(row.number),
        subject: &row.subject,
        status,
        priority: Priority::parse(&row.priority).map_or("", Priority::label),
        category: &row.category_name,
        requester: &row.requester_name,
        organization: &row.organization_name,
    };
    case_mail::send(site, tx, &facts, &mails).await?;
    Ok(())
}

/// Rapport closed `number` (a solved case nobody answered): tell its people.
pub(crate) async fn tell_closed_by_rapport(
    site: &MailSite,
    tx: &mut sqlx::PgConnection,
    number: i64,
) -> Result<(), Error> {
    let Some(row) = db::find(&mut *tx, number, CaseScope::All).await? else {
        return Ok(());
    };
    let people = people_of(tx, &row, None).await?;
    let event = Event::Changed {
        actor: None,
        by_customer: false,
        status: StatusChange::between(CaseStatus::Solved, CaseStatus::Closed),
        newly_assigned: false,
    };
    tell(site, tx, &row, CaseStatus::Closed, event, &people).await
}

/// Tags typed by an agent, comma-separated; the error names the bad one.
fn parse_tags(text: &str) -> Result<Vec<String>, Error> {
    let tags = Tag::parse_list(text).map_err(|bad| {
        Error::invalid(
            "tags",
            format!(
                "“{bad}” is not a tag: use letters, digits and dashes, up to {} characters.",
                Tag::MAX_LEN
            ),
        )
    })?;
    if tags.len() > Tag::MAX_PER_CASE {
        return Err(Error::invalid(
            "tags",
            format!("Use at most {} tags on a case.", Tag::MAX_PER_CASE),
        ));
    }
    Ok(tags.into_iter().map(|t| t.as_str().to_string()).collect())
}

/// Keep the SLA clock right after a change of status or priority: new targets
/// for a new priority (counted from when the case was opened, plus the time it
/// has waited for the customer; a first response already given keeps its
/// target), the resolution clock stopped while the case waits for the customer
/// and its deadline moved on by the business time it waited.
async fn update_sla(
    tx: &mut sqlx::PgConnection,
    row: &db::CaseRow,
    from: CaseStatus,
    to: CaseStatus,
    priority: &str,
) -> Result<(), Error> {
    let stored = db::SlaClock {
        first_response_due_at: row.first_response_due_at,
        resolution_due_at: row.resolution_due_at,
        paused_at: row.sla_paused_at,
        waited_seconds: row.sla_waited_seconds,
    };
    let now = OffsetDateTime::now_utc();
    let mut clock = stored;
    if to == CaseStatus::Pending && from != CaseStatus::Pending {
        clock.paused_at = Some(now);
    }
    let resumes = from == CaseStatus::Pending && to != CaseStatus::Pending;
    if resumes || priority != row.priority {
        let calendar = sla::load_calendar(&mut *tx).await?;
        if let Some(since) = clock.paused_at.filter(|_| resumes) {
            let waited = calendar.business_seconds_between(since, now);
            clock.paused_at = None;
            clock.waited_seconds += waited;
            clock.resolution_due_at = clock
                .resolution_due_at
                .map(|due| calendar.add_business_seconds(due, waited));
        }
        if priority != row.priority {
            let new = sla::due_times(&mut *tx, priority, row.created_at).await?;
            if row.first_response_at.is_none() {
                clock.first_response_due_at = Some(new.first_response_due_at);
            }
            clock.resolution_due_at =
                Some(calendar.add_business_seconds(new.resolution_due_at, clock.waited_seconds));
        }
    }
    if clock != stored {
        db::set_sla(&mut *tx, row.id, clock).await?;
    }
    Ok(())
}

/// The form choices from their (kind, id, name) rows.
fn options_from(choices: Vec<(String, i64, String)>) -> CaseFormOptions {
    let mut options = CaseFormOptions::default();
    for (kind, id, name) in choices {
        let list = match kind.as_str() {
            "category" => &mut options.categories,
            "agent" => &mut options.agents,
            "organization" => &mut options.organizations,
            _ => &mut options.canned_replies,
        };
        list.push((id, name));
    }
    options
}

/// One row of a case list. SLA deadlines are the support team's internal
/// promises: only staff lists carry them (and the breach mark).
fn summary(zone: &ReaderZone, row: db::ListRow, staff_view: bool) -> Result<CaseSummary, Error> {
    let now = OffsetDateTime::now_utc();
    let due_at = row.due_at.filter(|_| staff_view);
    Ok(CaseSummary {
        number: CaseNumber(row.number).to_string(),
        subject: row.subject,
        status: status_of(&row.status)?,
        priority: priority_of(&row.priority)?,
        category: row.category_name,
        requester: row.requester_name,
        organization: row.organization_name,
        assignee: row.assignee_name,
        last_speaker: row.last_speaker,
        updated: zone.date_time(row.updated_at),
        tags: row.tags,
        due: due_at.map(|due| sla::describe_due(due, now)),
        breached: due_at.is_some_and(|due| due < now),
    })
}

fn page_of(
    zone: &ReaderZone,
    rows: Vec<db::ListRow>,
    page: PageNumber,
    staff_view: bool,
) -> Result<CaseList, Error> {
    let counted = rows.first().map(|r| r.total).unwrap_or(0);
    let cases = rows
        .into_iter()
        .map(|row| summary(zone, row, staff_view))
        .collect::<Result<_, _>>()?;
    Ok(CaseList {
        cases,
        total: counted.min(db::COUNT_LIMIT),
        more: counted > db::COUNT_LIMIT,
        page: page.get(),
    })
}

/// The order of a list, from its `sort` parameter ("" is the latest activity first).
fn sort_of(value: &str) -> Result<ListSort, Error> {
    match value {
        "" | "updated" => Ok(ListSort::Updated),
        "oldest" => Ok(ListSort::Oldest),
        "priority" => Ok(ListSort::Priority),
        "due" => Ok(ListSort::Due),
        _ => Err(Error::invalid("sort", "Choose one of the listed orders.")),
    }
}
