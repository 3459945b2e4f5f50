//! Case rules: who sees which case, what a reply does to the status, stale
//! changes refused. One transaction per action, so nothing is half-saved.

use super::accounts::format_time;
use super::db::cases::{self as db, CaseChange, CaseScope, ListFilter};
use super::markdown;
use super::policy::{self, Action, Actor, CaseRef};
use crate::api::cases::{
    CaseFormOptions, CaseList, CaseSummary, CaseView, EntryKind, QueuePage, QueueSizes,
    ThreadEntry, CASES_PER_PAGE,
};
use crate::domain::{AppError, CaseNumber, CaseStatus, Priority, Role};
use sqlx::PgPool;

/// The longest description, reply or note, in characters.
pub const MAX_TEXT: usize = 50_000;
const MAX_SUBJECT: usize = 200;

/// Which cases this actor may read, or None when they may read none.
pub fn scope_for(actor: &Actor) -> Option<CaseScope> {
    match (actor.role, actor.organization_id) {
        (Role::Customer, Some(_)) => Some(CaseScope::Requester(actor.user_id)),
        (Role::CustomerAdmin, Some(org)) => Some(CaseScope::Organization(org)),
        (Role::Agent | Role::Admin, _) => Some(CaseScope::All),
        _ => None,
    }
}

fn case_ref(row: &db::CaseRow) -> CaseRef {
    CaseRef {
        organization_id: row.organization_id,
        requester_id: row.requester_id,
    }
}

fn status_of(stored: &str) -> Result<CaseStatus, AppError> {
    CaseStatus::parse(stored)
        .ok_or_else(|| super::internal(format!("unknown case status {stored:?}")))
}

fn priority_of(stored: &str) -> Result<Priority, AppError> {
    Priority::parse(stored).ok_or_else(|| super::internal(format!("unknown priority {stored:?}")))
}

fn text_field(field: &str, value: &str, what: &str, max: usize) -> Result<String, AppError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AppError::invalid(field, format!("Write {what}.")));
    }
    if value.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("Keep {what} under {max} characters."),
        ));
    }
    Ok(value.to_string())
}

/// Load a case the actor may see (and that `action` allows), or "not found":
/// a case of another organization is indistinguishable from one that does not exist.
async fn load(
    pool: &PgPool,
    actor: &Actor,
    number: &str,
    action: impl Fn(CaseRef) -> Action,
) -> Result<db::CaseRow, AppError> {
    let number = CaseNumber::parse(number).ok_or(AppError::NotFound)?;
    let scope = scope_for(actor).ok_or(AppError::NotFound)?;
    let row = db::find(pool, number.0, scope)
        .await?
        .ok_or(AppError::NotFound)?;
    policy::authorize(Some(actor), &action(case_ref(&row))).map_err(|_| AppError::NotFound)?;
    Ok(row)
}

pub async fn options(pool: &PgPool, actor: &Actor) -> Result<CaseFormOptions, AppError> {
    let staff = policy::allows(Some(actor), &Action::WorkCases);
    let mut options = CaseFormOptions {
        categories: Vec::new(),
        agents: Vec::new(),
    };
    for (kind, id, name) in db::form_choices(pool, staff).await? {
        match kind.as_str() {
            "category" => options.categories.push((id, name)),
            _ => options.agents.push((id, name)),
        }
    }
    Ok(options)
}

/// Open a case for the actor's organization; returns its number.
pub async fn create(
    pool: &PgPool,
    actor: &Actor,
    subject: &str,
    description: &str,
    category_id: i64,
    priority: &str,
) -> Result<CaseNumber, AppError> {
    policy::authorize(Some(actor), &Action::OpenCase)?;
    let organization_id = actor.organization_id.ok_or(AppError::Forbidden)?;
    // Subjects are plain text: kept as typed, escaped wherever shown.
    let subject = text_field("subject", subject, "a subject", MAX_SUBJECT)?;
    let description = text_field(
        "description",
        description,
        "a description of the problem",
        MAX_TEXT,
    )?;
    let priority = Priority::parse(priority)
        .filter(|p| Priority::FOR_CUSTOMERS.contains(p))
        .ok_or_else(|| AppError::invalid("priority", "Choose low, normal or high."))?;
    let categories = db::categories(pool).await?;
    if !categories.iter().any(|(id, _)| *id == category_id) {
        return Err(AppError::invalid(
            "category_id",
            "Choose one of the listed categories.",
        ));
    }
    let (_, number) = db::create(
        pool,
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
    Ok(CaseNumber(number))
}

fn summary(row: db::ListRow) -> Result<CaseSummary, AppError> {
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
        updated: format_time(row.updated_at),
    })
}

fn page_of(rows: Vec<db::ListRow>, page: i64) -> Result<CaseList, AppError> {
    let total = rows.first().map(|r| r.total).unwrap_or(0);
    let cases = rows.into_iter().map(summary).collect::<Result<_, _>>()?;
    Ok(CaseList { cases, total, page })
}

/// A customer's cases (a customer admin's: the organization's), filtered and paged.
pub async fn customer_list(
    pool: &PgPool,
    actor: &Actor,
    status: &str,
    search: &str,
    page: i64,
) -> Result<CaseList, AppError> {
    policy::authorize(Some(actor), &Action::ListOwnCases)?;
    let scope = scope_for(actor).ok_or(AppError::Forbidden)?;
    let statuses: Vec<&str> = match status {
        "" | "all" => vec![],
        "active" => vec!["new", "open", "pending", "on_hold"],
        other => vec![CaseStatus::parse(other)
            .ok_or_else(|| AppError::invalid("status", "Choose one of the listed statuses."))?
            .as_str()],
    };
    let search: String = search.chars().take(200).collect();
    let filter = ListFilter {
        statuses: &statuses,
        search: &search,
        ..ListFilter::default()
    };
    let rows = db::list(
        pool,
        scope,
        &filter,
        CASES_PER_PAGE,
        (page - 1) * CASES_PER_PAGE,
    )
    .await?;
    page_of(rows, page)
}

fn describe_change(field: &str, old: Option<&str>, new: Option<&str>) -> String {
    let show = |v: Option<&str>| match (field, v) {
        (_, None) | (_, Some("")) => "nobody".to_string(),
        ("status", Some(s)) => CaseStatus::parse(s)
            .map(|s| s.label().to_string())
            .unwrap_or_else(|| s.to_string()),
        ("priority", Some(p)) => Priority::parse(p)
            .map(|p| p.label().to_string())
            .unwrap_or_else(|| p.to_string()),
        (_, Some(v)) => v.to_string(),
    };
    format!("changed {field} from {} to {}", show(old), show(new))
}

pub async fn detail(pool: &PgPool, actor: &Actor, number: &str) -> Result<CaseView, AppError> {
    let row = load(pool, actor, number, Action::ViewCase).await?;
    let staff_view = policy::allows(Some(actor), &Action::WorkCases);
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
                at: format_time(item.at),
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
    Ok(CaseView {
        number: CaseNumber(row.number).to_string(),
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
        created: format_time(row.created_at),
        updated: format_time(row.updated_at),
        thread,
        rating,
        staff_view,
        can_rate,
    })
}

/// The message shown when someone else changed the case first.
fn stale(row: &db::CaseRow) -> AppError {
    let status = CaseStatus::parse(&row.status)
        .map(|s| s.label())
        .unwrap_or("changed");
    let assignee = row.assignee_name.as_deref().unwrap_or("nobody");
    AppError::Conflict(format!(
        "Someone else changed this case while you were working on it: it is now {status}, assigned to {assignee}, \
         priority {}. Nothing of yours was saved; your text is still in the form. Reload the page to see the changes, then send again.",
        row.priority
    ))
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

/// Write `change` if the case is still at `version`; otherwise say who got there first.
async fn apply(
    tx: &mut sqlx::PgConnection,
    row: &db::CaseRow,
    version: i32,
    change: CaseChange<'_>,
) -> Result<(), AppError> {
    match db::update(tx, row.id, version, change).await? {
        Some(_) => Ok(()),
        None => Err(stale(row)),
    }
}

/// Add "changed status from … to …" to the case history.
async fn record_status_change(
    tx: &mut sqlx::PgConnection,
    row: &db::CaseRow,
    actor: &Actor,
    from: CaseStatus,
    to: CaseStatus,
) -> Result<(), AppError> {
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
) -> Result<(), AppError> {
    let row = load(pool, actor, number, Action::ViewCase).await?;
    let staff = policy::allows(Some(actor), &Action::WorkCases);
    if (reply.internal || reply.status.is_some()) && !staff {
        return Err(AppError::Forbidden);
    }
    let body = text_field("body", reply.body, "a message", MAX_TEXT)?;
    let current = status_of(&row.status)?;
    let new_status = if staff {
        match reply.status {
            Some(s) => CaseStatus::parse(s)
                .ok_or_else(|| AppError::invalid("status", "Choose one of the listed statuses."))?,
            // An agent's first public reply takes a new case to open.
            None if !reply.internal && current == CaseStatus::New => CaseStatus::Open,
            None => current,
        }
    } else {
        current.after_customer_reply().ok_or_else(|| {
            AppError::invalid("body", "This case is closed and takes no more replies. Open a new case, and mention this one.")
        })?
    };
    let mut tx = pool.begin().await?;
    let speaker = (!reply.internal).then_some(if staff { "agent" } else { "customer" });
    let change = with_status(&row, new_status, speaker);
    // Staff write against the version they saw; a customer's reply always lands.
    let expected = if staff { reply.version } else { row.version };
    apply(&mut tx, &row, expected, change).await?;
    db::add_message(&mut *tx, row.id, actor.user_id, reply.internal, &body).await?;
    if new_status != current {
        record_status_change(&mut tx, &row, actor, current, new_status).await?;
    }
    tx.commit().await?;
    Ok(())
}

pub struct Fields<'a> {
    pub status: &'a str,
    pub priority: &'a str,
    pub category_id: i64,
    /// An agent's id, or "" for nobody.
    pub assignee: &'a str,
}

/// An agent changes status, priority, category or assignee, against the version they saw.
pub async fn update(
    pool: &PgPool,
    actor: &Actor,
    number: &str,
    version: i32,
    fields: Fields<'_>,
) -> Result<(), AppError> {
    policy::authorize(Some(actor), &Action::WorkCases)?;
    let row = load(pool, actor, number, Action::ViewCase).await?;
    let status = CaseStatus::parse(fields.status)
        .ok_or_else(|| AppError::invalid("status", "Choose one of the listed statuses."))?;
    let priority = Priority::parse(fields.priority)
        .ok_or_else(|| AppError::invalid("priority", "Choose one of the listed priorities."))?;
    let options = options(pool, actor).await?;
    let category = options
        .categories
        .iter()
        .find(|(id, _)| *id == fields.category_id)
        .ok_or_else(|| AppError::invalid("category_id", "Choose one of the listed categories."))?;
    let assignee = match fields.assignee.trim() {
        "" => None,
        id => Some(
            id.parse::<i64>()
                .ok()
                .and_then(|id| options.agents.iter().find(|(a, _)| *a == id))
                .ok_or_else(|| {
                    AppError::invalid("assignee_id", "Choose one of the listed agents.")
                })?,
        ),
    };
    let mut tx = pool.begin().await?;
    let change = CaseChange {
        status: status.as_str(),
        priority: priority.as_str(),
        category_id: category.0,
        assignee_id: assignee.map(|a| a.0),
        public_speaker: None,
    };
    apply(&mut tx, &row, version, change).await?;
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
    tx.commit().await?;
    Ok(())
}

/// The customer closes their case, or reopens a solved one.
pub async fn customer_open_or_close(
    pool: &PgPool,
    actor: &Actor,
    number: &str,
    open: bool,
) -> Result<(), AppError> {
    let row = load(pool, actor, number, Action::CloseOrReopenCase).await?;
    let current = status_of(&row.status)?;
    let new_status = match (open, current) {
        (false, CaseStatus::Closed) => return Ok(()),
        (false, _) => CaseStatus::Closed,
        (true, CaseStatus::Solved) => CaseStatus::Open,
        (true, CaseStatus::Closed) => {
            return Err(AppError::Conflict(
                "This case is closed for good. Open a new case, and mention this one.".into(),
            ))
        }
        (true, _) => return Ok(()),
    };
    let mut tx = pool.begin().await?;
    let change = with_status(&row, new_status, None);
    apply(&mut tx, &row, row.version, change).await?;
    record_status_change(&mut tx, &row, actor, current, new_status).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn rate(
    pool: &PgPool,
    actor: &Actor,
    number: &str,
    score: i16,
    comment: &str,
) -> Result<(), AppError> {
    let row = load(pool, actor, number, Action::ViewCase).await?;
    policy::authorize(Some(actor), &Action::RateCase(case_ref(&row)))?;
    if !matches!(
        status_of(&row.status)?,
        CaseStatus::Solved | CaseStatus::Closed
    ) {
        return Err(AppError::invalid(
            "score",
            "You can rate the answer once the case is solved.",
        ));
    }
    if !(1..=5).contains(&score) {
        return Err(AppError::invalid(
            "score",
            "Choose from 1 (poor) to 5 (excellent).",
        ));
    }
    let comment = comment.trim();
    if comment.chars().count() > 2000 {
        return Err(AppError::invalid(
            "comment",
            "Keep the comment under 2000 characters.",
        ));
    }
    if !db::rate(pool, row.id, score, comment).await? {
        return Err(AppError::Conflict(
            "You have rated this case already. Thank you!".into(),
        ));
    }
    Ok(())
}

pub async fn queue(
    pool: &PgPool,
    actor: &Actor,
    queue: &str,
    search: &str,
    priority: &str,
    page: i64,
) -> Result<QueuePage, AppError> {
    policy::authorize(Some(actor), &Action::WorkCases)?;
    const ACTIVE: &[&str] = &["new", "open", "on_hold"];
    const MINE: &[&str] = &["new", "open", "pending", "on_hold"];
    let (statuses, assignee, updated_within_days): (&[&str], Option<Option<i64>>, Option<i32>) =
        match queue {
            "" | "unassigned" => (ACTIVE, Some(None), None),
            "mine" => (MINE, Some(Some(actor.user_id)), None),
            "open" => (ACTIVE, None, None),
            "pending" => (&["pending"], None, None),
            "solved" => (&["solved"], None, Some(7)),
            _ => {
                return Err(AppError::invalid(
                    "queue",
                    "Choose one of the listed queues.",
                ))
            }
        };
    let priority = match priority {
        "" => None,
        p => Some(Priority::parse(p).ok_or_else(|| {
            AppError::invalid("priority", "Choose one of the listed priorities.")
        })?),
    };
    let search: String = search.chars().take(200).collect();
    let filter = ListFilter {
        statuses,
        priority: priority.map(Priority::as_str),
        assignee,
        search: &search,
        updated_within_days,
        ..ListFilter::default()
    };
    let rows = db::list(
        pool,
        CaseScope::All,
        &filter,
        CASES_PER_PAGE,
        (page - 1) * CASES_PER_PAGE,
    )
    .await?;
    let counts = db::queue_counts(pool, actor.user_id).await?;
    Ok(QueuePage {
        sizes: QueueSizes {
            unassigned: counts.unassigned,
            mine: counts.mine,
            open: counts.open,
            pending: counts.pending,
            solved_recently: counts.solved_recently,
        },
        list: page_of(rows, page)?,
    })
}
