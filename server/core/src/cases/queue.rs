//! The agents' queues, their sizes, and who else is looking at a case.

use super::*;
use crate::Reader;
use rapport_types::views::dashboard::{AgentDesk, DeadlineCase};

/// Mark the actor (staff) as looking at the case, and say who else is.
pub async fn presence(reader: &Reader, pool: &PgPool, number: &str) -> Result<Vec<String>, Error> {
    let actor = reader.signed_in()?;
    policy::authorize(Some(actor), &Action::WorkCases)?;
    let row = load(pool, actor, number, Action::ViewCase).await?;
    Ok(db::touch_viewer(pool, row.id, actor.user_id).await?)
}

/// What an agent asks of a queue: which one, and its filters.
#[derive(Debug, Clone)]
pub struct QueueQuery<'a> {
    pub queue: &'a str,
    pub search: &'a str,
    pub priority: &'a str,
    pub category: &'a str,
    pub organization: &'a str,
    pub tag: &'a str,
    pub assignee: &'a str,
    pub sort: &'a str,
    pub page: PageNumber,
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

/// How near a deadline counts as "about to breach" on an agent's dashboard.
const SOON_HOURS: i64 = 4;
/// How many cases at risk an agent's dashboard lists.
const AT_RISK_CASES: i64 = 10;

fn queue_sizes(counts: db::QueueCounts) -> QueueSizes {
    QueueSizes {
        unassigned: counts.unassigned,
        mine: counts.mine,
        open: counts.open,
        breaching: counts.breaching,
        pending: counts.pending,
        solved_recently: counts.solved_recently,
    }
}

/// An agent's dashboard: the size of each queue, and the active cases of
/// theirs or nobody's whose SLA deadline has passed or comes within
/// `SOON_HOURS`, the earliest first. Two queries.
pub async fn agent_desk(reader: &Reader, pool: &PgPool) -> Result<AgentDesk, Error> {
    let (zone, actor) = (reader.zone(), reader.signed_in()?);
    policy::authorize(Some(actor), &Action::WorkCases)?;
    let counts = db::queue_counts(pool, actor.user_id).await?;
    let rows =
        db::deadlines_near(pool, actor.user_id, (SOON_HOURS * 60) as i32, AT_RISK_CASES).await?;
    let now = OffsetDateTime::now_utc();
    let at_risk = rows
        .into_iter()
        .map(|row| {
            Ok(DeadlineCase {
                number: CaseNumber(row.number).to_string(),
                subject: row.subject,
                organization: row.organization_name,
                requester: row.requester_name,
                assignee: row.assignee_name,
                priority: priority_of(&row.priority)?,
                due_at: zone.date_time(row.due_at),
                due: sla::describe_due(row.due_at, now),
                breached: row.due_at < now,
            })
        })
        .collect::<Result<_, Error>>()?;
    Ok(AgentDesk {
        sizes: queue_sizes(counts),
        at_risk,
        soon_hours: SOON_HOURS,
    })
}

pub async fn queue(reader: &Reader, pool: &PgPool, q: QueueQuery<'_>) -> Result<QueuePage, Error> {
    let (zone, actor) = (reader.zone(), reader.signed_in()?);
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
    let choices = options(reader, pool).await?;
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
    // An agent who picks no order works what breaches first; the orders they
    // can pick mean the same as in every other list.
    let sort = match q.sort {
        "" => ListSort::Urgency,
        picked => sort_of(picked)?,
    };
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
    let page = q.page;
    let rows = db::list(
        pool,
        CaseScope::All,
        &filter,
        CASES_PER_PAGE,
        page.offset(CASES_PER_PAGE),
    )
    .await?;
    let counts = db::queue_counts(pool, actor.user_id).await?;
    Ok(QueuePage {
        sizes: queue_sizes(counts),
        list: page_of(zone, rows, page, true)?,
        choices,
    })
}
