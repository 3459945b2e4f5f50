//! Case rules: who sees which case, what a reply does to the status, stale
//! changes refused. One transaction per action, so nothing is half-saved.

use super::attachments::Attachments;
use super::canned;
use super::case_mail::{self, CaseNews, Recipient};
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
use rapport_types::{CaseNumber, CaseStatus, Priority, Role, Tag};
use sqlx::PgPool;
use time::OffsetDateTime;

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

pub async fn options(pool: &PgPool, actor: &Actor) -> Result<CaseFormOptions, Error> {
    // Staff get the choices of their case tools; others only when they may open a case.
    let staff = policy::allows(Some(actor), &Action::WorkCases);
    if !staff {
        policy::authorize(Some(actor), &Action::OpenCase)?;
    }
    Ok(options_from(db::form_choices(pool, staff).await?))
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

/// The new-case form, as typed.
pub struct NewCaseForm<'a> {
    pub subject: &'a str,
    pub description: &'a str,
    pub category_id: i64,
    pub priority: &'a str,
    /// What the case is about (`invoice:INV-1`), or empty.
    pub about: &'a str,
}

/// Open a case for the actor's organization; returns its number.
pub async fn create(
    pool: &PgPool,
    actor: &Actor,
    form: NewCaseForm<'_>,
    attachments: Attachments,
) -> Result<CaseNumber, Error> {
    let NewCaseForm {
        subject,
        description,
        category_id,
        priority,
        about,
    } = form;
    policy::authorize(Some(actor), &Action::OpenCase)?;
    let organization_id = actor.organization_id.ok_or(Error::Forbidden)?;
    // Subjects are plain text: kept as typed, escaped wherever shown.
    let subject = required_text("subject", subject, "a subject", MAX_SUBJECT)?;
    let description = required_text(
        "description",
        description,
        "a description of the problem",
        MAX_TEXT,
    )?;
    let priority = Priority::parse(priority)
        .filter(|p| Priority::FOR_CUSTOMERS.contains(p))
        .ok_or_else(|| Error::invalid("priority", "Choose low, normal or high."))?;
    let categories = db::categories(pool).await?;
    if !categories.iter().any(|(id, _)| *id == category_id) {
        return Err(Error::invalid(
            "category_id",
            "Choose one of the listed categories.",
        ));
    }
    // What the case is about: an order, order line, invoice or delivery the
    // customer may see. Anything else is refused, never silently dropped.
    let linked = match about.trim() {
        "" => None,
        about => Some(
            super::orders::find_item(pool, actor, about)
                .await
                .map_err(|e| match e {
                    Error::NotFound => Error::invalid(
                        "about",
                        "The order, invoice or delivery this case is about was not found. Open the case from its page again.",
                    ),
                    other => other,
                })?,
        ),
    };
    // The case and its files are saved together: stored files are removed again
    // unless the transaction commits.
    let files = attachments.store().await?;
    let mut tx = pool.begin().await?;
    let (case_id, number) = db::create(
        &mut *tx,
        db::NewCase {
            subject: &subject,
            description: &description,
            category_id,
            priority: priority.as_str(),
            requester_id: actor.user_id,
            organization_id,
        },
    )
    .await?;
    files.record(&mut tx, case_id, actor.user_id).await?;
    if let Some((item, row)) = &linked {
        super::db::orders::link_case(&mut *tx, case_id, item.kind.as_str(), row).await?;
    }
    let due = sla::due_times(&mut *tx, priority.as_str(), OffsetDateTime::now_utc()).await?;
    let clock = db::SlaClock {
        first_response_due_at: Some(due.first_response_due_at),
        resolution_due_at: Some(due.resolution_due_at),
        paused_at: None,
        waited_seconds: 0,
    };
    db::set_sla(&mut *tx, case_id, clock).await?;
    let (name, email) = db::contact(&mut *tx, actor.user_id).await?;
    let requester = Recipient {
        name: &name,
        email: &email,
    };
    case_mail::send(
        &mut tx,
        &[requester],
        CaseNumber(number),
        &subject,
        CaseNews::Opened,
    )
    .await?;
    // The trainers' report of searches that did not help counts this case.
    super::db::search_log::link_case(&mut *tx, actor.user_id, case_id).await?;
    files.commit(tx).await?;
    Ok(CaseNumber(number))
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
    page: i64,
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
        page,
    })
}

/// A customer's cases (a customer admin's: the organization's), filtered and paged.
pub async fn customer_list(
    zone: &ReaderZone,
    pool: &PgPool,
    actor: &Actor,
    status: &str,
    search: &str,
    sort: &str,
    page: i64,
) -> Result<CaseList, Error> {
    policy::authorize(Some(actor), &Action::ListOwnCases)?;
    let scope = case_scope(actor).ok_or(Error::Forbidden)?;
    let statuses: Vec<&str> = match status {
        "" | "all" => vec![],
        "active" => vec!["new", "open", "pending", "on_hold"],
        other => vec![CaseStatus::parse(other)
            .ok_or_else(|| Error::invalid("status", "Choose one of the listed statuses."))?
            .as_str()],
    };
    let search: String = search.chars().take(200).collect();
    // Deadlines are staff-only, so is the order they give.
    let sort = match sort_of(sort)? {
        ListSort::Due => return Err(Error::invalid("sort", "Choose one of the listed orders.")),
        sort => sort,
    };
    let filter = ListFilter {
        statuses: &statuses,
        search: &search,
        sort,
        ..ListFilter::default()
    };
    let (page, offset) = crate::input::page_offset(page, CASES_PER_PAGE)?;
    let rows = db::list(pool, scope, &filter, CASES_PER_PAGE, offset).await?;
    // A customer admin's list is not a staff view, even though it spans people.
    page_of(zone, rows, page, false)
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

/// A case as its reader may see it. `canned` (staff only) is a canned reply to
/// put into the reply form, with its placeholders filled in for this case.
pub async fn detail(
    zone: &ReaderZone,
    pool: &PgPool,
    actor: &Actor,
    number: &str,
    canned: Option<i64>,
) -> Result<CaseView, Error> {
    let row = load(pool, actor, number, Action::ViewCase).await?;
    let staff_view = policy::allows(Some(actor), &Action::WorkCases);
    let number = CaseNumber(row.number).to_string();
    let reply_draft = match canned.filter(|_| staff_view) {
        Some(id) => canned::fill_for_case(pool, actor, id, &row).await?,
        None => String::new(),
    };
    let thread = db::thread(pool, row.id, staff_view)
        .await?
        .into_iter()
        .map(|item| {
            let kind = match item.kind.as_str() {
                "message" => EntryKind::Message,
                "note" => EntryKind::InternalNote,
                _ => EntryKind::Change,
            };
            let from_staff = Role::parse(&item.author_role).is_some_and(Role::is_staff);
            ThreadEntry {
                kind,
                author: item.author_name,
                from_staff,
                body: if kind == EntryKind::Change {
                    Default::default()
                } else {
                    markdown::render(&item.body)
                },
                change: if kind == EntryKind::Change {
                    describe_change(
                        item.field.as_deref().unwrap_or(""),
                        item.old_value.as_deref(),
                        item.new_value.as_deref(),
                    )
                } else {
                    String::new()
                },
                at: zone.date_time(item.at),
                files: links(&number, &item.file_ids, item.file_names, &item.file_sizes),
            }
        })
        .collect();
    let status = status_of(&row.status)?;
    let rating = row
        .rating_score
        .map(|score| (score, row.rating_comment.clone().unwrap_or_default()));
    let can_rate = rating.is_none()
        && matches!(status, CaseStatus::Solved | CaseStatus::Closed)
        && policy::allows(Some(actor), &Action::RateCase(case_ref(&row)));
    let now = OffsetDateTime::now_utc();
    // SLA targets are the support team's internal promises: staff see them,
    // customers do not. Each is shown as time left while it runs, and as kept
    // or missed once done. While the case waits for the customer the
    // resolution clock stands still: no deadline to show.
    let (first_response_due, first_response_missed) =
        match (staff_view, row.first_response_due_at, row.first_response_at) {
            (true, Some(due), Some(done)) => (Some(sla::describe_outcome(due, done)), done > due),
            (true, Some(due), None) if status.is_active() => {
                (Some(sla::describe_due(due, now)), due < now)
            }
            _ => (None, false),
        };
    let settled = matches!(status, CaseStatus::Solved | CaseStatus::Closed);
    let (resolution_due, resolution_missed) =
        match (staff_view, row.resolution_due_at, row.solved_at) {
            (true, Some(due), Some(done)) if settled => {
                (Some(sla::describe_outcome(due, done)), done > due)
            }
            (true, Some(due), _) if status.is_active() => {
                (Some(sla::describe_due(due, now)), due < now)
            }
            _ => (None, false),
        };
    let sla_breached = first_response_missed || resolution_missed;
    let other_cases = row
        .other_numbers
        .iter()
        .zip(&row.other_subjects)
        .zip(&row.other_statuses)
        .map(|((number, subject), status)| {
            Ok(CaseLink {
                number: CaseNumber(*number).to_string(),
                subject: subject.clone(),
                status: status_of(status)?,
            })
        })
        .collect::<Result<_, Error>>()?;
    let files = links(&number, &row.file_ids, row.file_names, &row.file_sizes);
    // Staff get their tools, what the case is about and the organization's
    // business in one statement; others only what the case is about.
    let (options, linked, business) = if staff_view {
        let side = case_sidebar(pool, row.id, row.organization_id).await?;
        let linked = match side.link {
            Some(link) => super::orders::case_link_item(actor, link.0)?,
            None => None,
        };
        let business = super::orders::organization_business(
            actor,
            side.orders.0,
            side.invoices.0,
            side.deliveries.0,
        )?;
        (options_from(side.choices.0), linked, Some(business))
    } else {
        let linked = super::orders::case_link(pool, actor, row.id).await?;
        (CaseFormOptions::default(), linked, None)
    };
    Ok(CaseView {
        number,
        subject: row.subject,
        description: markdown::render(&row.description),
        status,
        priority: priority_of(&row.priority)?,
        category_id: row.category_id,
        category: row.category_name,
        requester: row.requester_name,
        requester_email: row.requester_email,
        organization: row.organization_name,
        assignee_id: row.assignee_id,
        assignee: row.assignee_name,
        version: row.version,
        created: zone.date_time(row.created_at),
        updated: zone.date_time(row.updated_at),
        thread,
        rating,
        staff_view,
        can_rate,
        tags: row.tags,
        merged_into: row.merged_into_number.map(|n| CaseNumber(n).to_string()),
        first_response_due,
        resolution_due,
        first_response_missed,
        resolution_missed,
        sla_breached,
        other_cases,
        reply_draft,
        files,
        options,
        linked,
        business,
    })
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
         Reload the page to see the changes, then send again."
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

fn requester_of(row: &db::CaseRow) -> Recipient<'_> {
    Recipient {
        name: &row.requester_name,
        email: &row.requester_email,
    }
}

/// The assignee, unless it is the actor (nobody needs mail about their own change).
fn assignee_of<'a>(row: &'a db::CaseRow, actor: &Actor) -> Option<Recipient<'a>> {
    match (&row.assignee_id, &row.assignee_name, &row.assignee_email) {
        (Some(id), Some(name), Some(email)) if *id != actor.user_id => {
            Some(Recipient { name, email })
        }
        _ => None,
    }
}

/// Mail the new status to the requester and the assignee, leaving out the actor.
async fn tell_status(
    tx: &mut sqlx::PgConnection,
    row: &db::CaseRow,
    actor: &Actor,
    status: CaseStatus,
) -> Result<(), Error> {
    let mut to: Vec<Recipient<'_>> = assignee_of(row, actor).into_iter().collect();
    if row.requester_id != actor.user_id {
        to.push(requester_of(row));
    }
    case_mail::send(
        tx,
        &to,
        CaseNumber(row.number),
        &row.subject,
        CaseNews::Status(status),
    )
    .await?;
    Ok(())
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

pub struct Reply<'a> {
    pub body: &'a str,
    pub version: i32,
    pub internal: bool,
    /// Staff only: the status the case takes with this reply.
    pub status: Option<&'a str>,
}

pub async fn reply(
    pool: &PgPool,
    actor: &Actor,
    number: &str,
    reply: Reply<'_>,
    attachments: Attachments,
) -> Result<(), Error> {
    let row = load(pool, actor, number, Action::ViewCase).await?;
    let staff = policy::allows(Some(actor), &Action::WorkCases);
    if (reply.internal || reply.status.is_some()) && !staff {
        return Err(Error::Forbidden);
    }
    let body = required_text("body", reply.body, "a message", MAX_TEXT)?;
    let current = status_of(&row.status)?;
    let new_status = if staff {
        match reply.status {
            Some(s) => CaseStatus::parse(s)
                .ok_or_else(|| Error::invalid("status", "Choose one of the listed statuses."))?,
            // An agent's first public reply takes a new case to open.
            None if !reply.internal && current == CaseStatus::New => CaseStatus::Open,
            None => current,
        }
    } else {
        current.after_customer_reply().ok_or_else(|| {
            Error::invalid("body", "This case is closed and takes no more replies. Open a new case, and mention this one.")
        })?
    };
    // Stored only now that the actor may write here; removed again unless the transaction commits.
    let files = attachments.store().await?;
    let mut tx = pool.begin().await?;
    let speaker = (!reply.internal).then_some(if staff { "agent" } else { "customer" });
    let change = with_status(&row, new_status, speaker);
    // Staff write against the version they saw; a customer's reply always lands.
    let expected = if staff { reply.version } else { row.version };
    apply(&mut tx, &row, actor, expected, change).await?;
    let message_id =
        db::add_message(&mut *tx, row.id, actor.user_id, reply.internal, &body).await?;
    files
        .record_for_message(&mut tx, row.id, message_id, actor.user_id)
        .await?;
    if new_status != current {
        record_status_change(&mut tx, &row, actor, current, new_status).await?;
        update_sla(&mut tx, &row, current, new_status, &row.priority).await?;
    }
    if !reply.internal {
        // The one who wrote it (any agent may answer, not only the assignee).
        let author = if actor.user_id == row.requester_id {
            row.requester_name.clone()
        } else {
            super::db::users::display_name(&mut *tx, actor.user_id).await?
        };
        let news = CaseNews::Reply {
            from_support: staff,
            author: &author,
            body: &body,
        };
        let to = if staff {
            vec![requester_of(&row)]
        } else {
            assignee_of(&row, actor).into_iter().collect()
        };
        case_mail::send(&mut tx, &to, CaseNumber(row.number), &row.subject, news).await?;
    }
    if new_status != current {
        tell_status(&mut tx, &row, actor, new_status).await?;
    }
    files.commit(tx).await?;
    Ok(())
}

pub struct Fields<'a> {
    pub status: &'a str,
    pub priority: &'a str,
    pub category_id: i64,
    /// An agent's id, or "" for nobody.
    pub assignee: &'a str,
    /// Comma-separated tags; None leaves the tags as they are.
    pub tags: Option<&'a str>,
}

/// An agent changes status, priority, category or assignee, against the version they saw.
pub async fn update(
    pool: &PgPool,
    actor: &Actor,
    number: &str,
    version: i32,
    fields: Fields<'_>,
) -> Result<(), Error> {
    policy::authorize(Some(actor), &Action::WorkCases)?;
    let row = load(pool, actor, number, Action::ViewCase).await?;
    let status = CaseStatus::parse(fields.status)
        .ok_or_else(|| Error::invalid("status", "Choose one of the listed statuses."))?;
    let priority = Priority::parse(fields.priority)
        .ok_or_else(|| Error::invalid("priority", "Choose one of the listed priorities."))?;
    let options = options(pool, actor).await?;
    let category = options
        .categories
        .iter()
        .find(|(id, _)| *id == fields.category_id)
        .ok_or_else(|| Error::invalid("category_id", "Choose one of the listed categories."))?;
    let assignee = match fields.assignee.trim() {
        "" => None,
        id => Some(
            id.parse::<i64>()
                .ok()
                .and_then(|id| options.agents.iter().find(|(a, _)| *a == id))
                .ok_or_else(|| Error::invalid("assignee_id", "Choose one of the listed agents."))?,
        ),
    };
    let tags = match fields.tags {
        None => None,
        Some(text) => Some(parse_tags(text)?),
    };
    let mut tx = pool.begin().await?;
    let change = CaseChange {
        status: status.as_str(),
        priority: priority.as_str(),
        category_id: category.0,
        assignee_id: assignee.map(|a| a.0),
        public_speaker: None,
    };
    apply(&mut tx, &row, actor, version, change).await?;
    update_sla(
        &mut tx,
        &row,
        status_of(&row.status)?,
        status,
        priority.as_str(),
    )
    .await?;
    if let Some(tags) = tags.filter(|t| *t != row.tags) {
        db::set_tags(&mut tx, row.id, &tags).await?;
        db::record_event(
            &mut *tx,
            row.id,
            actor.user_id,
            "tags",
            Some(&row.tags.join(", ")),
            Some(&tags.join(", ")),
        )
        .await?;
    }
    let old_assignee = row.assignee_name.clone();
    let changes = [
        (
            "status",
            Some(row.status.clone()),
            Some(status.as_str().to_string()),
        ),
        (
            "priority",
            Some(row.priority.clone()),
            Some(priority.as_str().to_string()),
        ),
        (
            "category",
            Some(row.category_name.clone()),
            Some(category.1.clone()),
        ),
        ("assignee", old_assignee, assignee.map(|a| a.1.clone())),
    ];
    for (field, old, new) in changes {
        if old != new {
            db::record_event(
                &mut *tx,
                row.id,
                actor.user_id,
                field,
                old.as_deref(),
                new.as_deref(),
            )
            .await?;
        }
    }
    if status.as_str() != row.status {
        tell_status(&mut tx, &row, actor, status).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The customer closes their case, or reopens a solved one.
pub async fn customer_open_or_close(
    pool: &PgPool,
    actor: &Actor,
    number: &str,
    open: bool,
) -> Result<(), Error> {
    let row = load(pool, actor, number, Action::CloseOrReopenCase).await?;
    let current = status_of(&row.status)?;
    let new_status = match (open, current) {
        (false, CaseStatus::Closed) => return Ok(()),
        (false, _) => CaseStatus::Closed,
        (true, CaseStatus::Solved) => CaseStatus::Open,
        (true, CaseStatus::Closed) => {
            return Err(Error::Conflict(
                "This case is closed for good. Open a new case, and mention this one.".into(),
            ))
        }
        (true, _) => return Ok(()),
    };
    let mut tx = pool.begin().await?;
    let change = with_status(&row, new_status, None);
    apply(&mut tx, &row, actor, row.version, change).await?;
    record_status_change(&mut tx, &row, actor, current, new_status).await?;
    tell_status(&mut tx, &row, actor, new_status).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn rate(
    pool: &PgPool,
    actor: &Actor,
    number: &str,
    score: i16,
    comment: &str,
) -> Result<(), Error> {
    let row = load(pool, actor, number, Action::ViewCase).await?;
    policy::authorize(Some(actor), &Action::RateCase(case_ref(&row)))?;
    if !matches!(
        status_of(&row.status)?,
        CaseStatus::Solved | CaseStatus::Closed
    ) {
        return Err(Error::invalid(
            "score",
            "You can rate the answer once the case is solved.",
        ));
    }
    if !(1..=5).contains(&score) {
        return Err(Error::invalid(
            "score",
            "Choose from 1 (poor) to 5 (excellent).",
        ));
    }
    let comment = comment.trim();
    if comment.chars().count() > 2000 {
        return Err(Error::invalid(
            "comment",
            "Keep the comment under 2000 characters.",
        ));
    }
    if !db::rate(pool, row.id, score, comment).await? {
        return Err(Error::Conflict(
            "You have rated this case already. Thank you!".into(),
        ));
    }
    Ok(())
}

/// Merge a duplicate case into another: its thread and files move to the
/// target, it is closed with a pointer to the target, and the customer is told
/// in both threads. Only cases of the same requester are merged, so nobody
/// loses sight of their own messages or sees someone else's.
pub async fn merge(
    pool: &PgPool,
    actor: &Actor,
    number: &str,
    version: i32,
    into: &str,
) -> Result<CaseNumber, Error> {
    policy::authorize(Some(actor), &Action::WorkCases)?;
    let source = load(pool, actor, number, Action::ViewCase).await?;
    let target_number = CaseNumber::parse(into).ok_or_else(|| {
        Error::invalid(
            "into",
            "Write the number of the case to merge into, e.g. C-1042.",
        )
    })?;
    let target = db::find(pool, target_number.0, CaseScope::All)
        .await?
        .ok_or_else(|| Error::invalid("into", format!("There is no case {target_number}.")))?;
    if target.id == source.id {
        return Err(Error::invalid(
            "into",
            "A case cannot be merged into itself.",
        ));
    }
    if source.merged_into_number.is_some() || target.merged_into_number.is_some() {
        return Err(Error::invalid(
            "into",
            "One of these cases was merged already; merge into the case it was merged into.",
        ));
    }
    if target.requester_id != source.requester_id {
        return Err(Error::invalid(
            "into",
            format!(
                "{target_number} was asked by {}, this case by {}: only cases of the same requester can be merged.",
                target.requester_name, source.requester_name
            ),
        ));
    }
    if status_of(&target.status)? == CaseStatus::Closed {
        return Err(Error::invalid(
            "into",
            format!("{target_number} is closed; merge into an open case."),
        ));
    }
    let source_number = CaseNumber(source.number);
    let mut tx = pool.begin().await?;
    // Both cases change: the source against the version the agent saw, the
    // target as it is now (a concurrent change to it is refused as stale).
    apply(
        &mut tx,
        &source,
        actor,
        version,
        with_status(&source, CaseStatus::Closed, Some("agent")),
    )
    .await?;
    let target_status = status_of(&target.status)?;
    apply(
        &mut tx,
        &target,
        actor,
        target.version,
        with_status(&target, target_status, Some("agent")),
    )
    .await?;
    db::merge(&mut tx, source.id, target.id).await?;
    db::add_message(
        &mut *tx,
        target.id,
        actor.user_id,
        false,
        &format!(
            "Case {source_number} (“{}”) was merged into this case; its messages are now part of this conversation.",
            source.subject
        ),
    )
    .await?;
    db::add_message(
        &mut *tx,
        source.id,
        actor.user_id,
        false,
        &format!("This case was merged into {target_number}. Please follow and answer it there."),
    )
    .await?;
    let source_status = status_of(&source.status)?;
    record_status_change(&mut tx, &source, actor, source_status, CaseStatus::Closed).await?;
    case_mail::send(
        &mut tx,
        &[requester_of(&source)],
        source_number,
        &source.subject,
        CaseNews::MergedInto(target_number),
    )
    .await?;
    db::record_event(
        &mut *tx,
        source.id,
        actor.user_id,
        "merged into",
        None,
        Some(&target_number.to_string()),
    )
    .await?;
    db::record_event(
        &mut *tx,
        target.id,
        actor.user_id,
        "merged in",
        None,
        Some(&source_number.to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok(target_number)
}

/// The most cases one bulk action changes.
pub const MAX_BULK: usize = 100;

/// Assign and/or set the status of several cases at once, from a queue. Each
/// case changes as it is now (there is no version from a list), with its own
/// history entries; all or nothing.
pub async fn bulk_update(
    pool: &PgPool,
    actor: &Actor,
    numbers: &[String],
    assignee: &str,
    status: &str,
) -> Result<usize, Error> {
    policy::authorize(Some(actor), &Action::WorkCases)?;
    if numbers.is_empty() {
        return Err(Error::invalid("numbers", "Tick the cases to change first."));
    }
    if numbers.len() > MAX_BULK {
        return Err(Error::invalid(
            "numbers",
            format!("Change at most {MAX_BULK} cases at once."),
        ));
    }
    let options = options(pool, actor).await?;
    // "" keeps the assignee, "none" removes it, "me" or an id assigns.
    let new_assignee: Option<Option<(i64, String)>> = match assignee.trim() {
        "" => None,
        "none" => Some(None),
        "me" => Some(Some(
            options
                .agents
                .iter()
                .find(|(id, _)| *id == actor.user_id)
                .cloned()
                .ok_or(Error::Forbidden)?,
        )),
        id => Some(Some(
            id.parse::<i64>()
                .ok()
                .and_then(|id| options.agents.iter().find(|(a, _)| *a == id).cloned())
                .ok_or_else(|| Error::invalid("assignee_id", "Choose one of the listed agents."))?,
        )),
    };
    let new_status = match status.trim() {
        "" => None,
        s => Some(
            CaseStatus::parse(s)
                .ok_or_else(|| Error::invalid("status", "Choose one of the listed statuses."))?,
        ),
    };
    if new_assignee.is_none() && new_status.is_none() {
        return Err(Error::invalid(
            "status",
            "Choose an assignee or a status to apply to the ticked cases.",
        ));
    }
    let mut wanted = numbers
        .iter()
        .map(|number| {
            CaseNumber::parse(number).map(|n| n.0).ok_or_else(|| {
                Error::invalid("numbers", format!("“{number}” is not a case number."))
            })
        })
        .collect::<Result<Vec<i64>, Error>>()?;
    wanted.sort_unstable();
    wanted.dedup();
    // One query for all of them; a number that does not exist fails the whole action.
    let rows = db::find_many(pool, &wanted, CaseScope::All).await?;
    if let Some(missing) = wanted
        .iter()
        .find(|n| !rows.iter().any(|r| r.number == **n))
    {
        return Err(Error::invalid(
            "numbers",
            format!(
                "There is no case {}. Nothing was changed; reload the queue and tick the cases again.",
                CaseNumber(*missing)
            ),
        ));
    }
    let mut tx = pool.begin().await?;
    for row in &rows {
        let from = status_of(&row.status)?;
        let to = new_status.unwrap_or(from);
        let assignee = match &new_assignee {
            Some(a) => a.clone(),
            None => row.assignee_id.zip(row.assignee_name.clone()),
        };
        let change = CaseChange {
            status: to.as_str(),
            priority: &row.priority,
            category_id: row.category_id,
            assignee_id: assignee.as_ref().map(|a| a.0),
            public_speaker: None,
        };
        apply(&mut tx, row, actor, row.version, change).await?;
        if to != from {
            record_status_change(&mut tx, row, actor, from, to).await?;
            tell_status(&mut tx, row, actor, to).await?;
            update_sla(&mut tx, row, from, to, &row.priority).await?;
        }
        let new_name = assignee.map(|a| a.1);
        if new_name != row.assignee_name {
            db::record_event(
                &mut *tx,
                row.id,
                actor.user_id,
                "assignee",
                row.assignee_name.as_deref(),
                new_name.as_deref(),
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(rows.len())
}

/// Mark the actor (staff) as looking at the case, and say who else is.
pub async fn presence(pool: &PgPool, actor: &Actor, number: &str) -> Result<Vec<String>, Error> {
    policy::authorize(Some(actor), &Action::WorkCases)?;
    let row = load(pool, actor, number, Action::ViewCase).await?;
    Ok(db::touch_viewer(pool, row.id, actor.user_id).await?)
}

/// What an agent asks of a queue: which one, and its filters.
#[derive(Debug, Clone, Default)]
pub struct QueueQuery<'a> {
    pub queue: &'a str,
    pub search: &'a str,
    pub priority: &'a str,
    pub category: &'a str,
    pub organization: &'a str,
    pub tag: &'a str,
    pub assignee: &'a str,
    pub sort: &'a str,
    pub page: i64,
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

/// An optional id from a filter's drop-down: "" is any.
fn filter_id(field: &str, value: &str, known: &[(i64, String)]) -> Result<Option<i64>, Error> {
    match value.trim() {
        "" => Ok(None),
        v => v
            .parse::<i64>()
            .ok()
            .filter(|id| known.iter().any(|(k, _)| k == id))
            .map(Some)
            .ok_or_else(|| Error::invalid(field, "Choose one of the listed values.")),
    }
}

pub async fn queue(
    zone: &ReaderZone,
    pool: &PgPool,
    actor: &Actor,
    q: QueueQuery<'_>,
) -> Result<QueuePage, Error> {
    policy::authorize(Some(actor), &Action::WorkCases)?;
    const ACTIVE: &[&str] = &["new", "open", "on_hold"];
    const MINE: &[&str] = &["new", "open", "pending", "on_hold"];
    let (statuses, mut assignee, solved_within_days, breaching): (
        &[&str],
        Option<Option<i64>>,
        Option<i32>,
        bool,
    ) = match q.queue {
        "" | "unassigned" => (ACTIVE, Some(None), None, false),
        "mine" => (MINE, Some(Some(actor.user_id)), None, false),
        "open" => (ACTIVE, None, None, false),
        "breaching" => (ACTIVE, None, None, true),
        "pending" => (&["pending"], None, None, false),
        "solved" => (&["solved"], None, Some(7), false),
        _ => return Err(Error::invalid("queue", "Choose one of the listed queues.")),
    };
    let priority =
        match q.priority {
            "" => None,
            p => Some(Priority::parse(p).ok_or_else(|| {
                Error::invalid("priority", "Choose one of the listed priorities.")
            })?),
        };
    let choices = options(pool, actor).await?;
    let category_id = filter_id("category", q.category, &choices.categories)?;
    let organization_id = filter_id("organization", q.organization, &choices.organizations)?;
    // The assignee filter narrows the queues that are not about an assignee already.
    if assignee.is_none() {
        assignee = filter_id("assignee", q.assignee, &choices.agents)?.map(Some);
    }
    let tag = match q.tag.trim() {
        "" => None,
        t => Some(
            Tag::parse(t)
                .ok_or_else(|| Error::invalid("tag", "Tags are letters, digits and dashes."))?,
        ),
    };
    let sort = sort_of(q.sort)?;
    let search: String = q.search.chars().take(200).collect();
    let filter = ListFilter {
        statuses,
        priority: priority.map(Priority::as_str),
        category_id,
        organization_id,
        assignee,
        search: &search,
        solved_within_days,
        tag: tag.as_ref().map(Tag::as_str),
        breaching,
        sort,
    };
    let (page, offset) = crate::input::page_offset(q.page, CASES_PER_PAGE)?;
    let rows = db::list(pool, CaseScope::All, &filter, CASES_PER_PAGE, offset).await?;
    let counts = db::queue_counts(pool, actor.user_id).await?;
    Ok(QueuePage {
        sizes: QueueSizes {
            unassigned: counts.unassigned,
            mine: counts.mine,
            open: counts.open,
            breaching: counts.breaching,
            pending: counts.pending,
            solved_recently: counts.solved_recently,
        },
        list: page_of(zone, rows, page, true)?,
        choices,
    })
}
