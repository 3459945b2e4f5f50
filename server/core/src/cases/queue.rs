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
    /// The narrowing of a list opened from a report.
    pub slice: &'a rapport_types::views::reports::CaseSliceQuery,
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

/// An agent queue's filters, checked against the choices the queue offers:
/// what `queue` lists, and what the REST API's case list narrows by.
pub(crate) struct QueueFilter {
    statuses: &'static [&'static str],
    assignee: Option<Option<i64>>,
    solved_within_days: Option<i32>,
    breaching: bool,
    priority: Option<Priority>,
    category_id: Option<i64>,
    organization_id: Option<i64>,
    tag: Option<Tag>,
    search: String,
}

impl QueueFilter {
    /// The queue's choices that `q` names (a category, an organization, an
    /// assignee), looked up by their ids: enough to check `q` with `parse`
    /// without reading every organization there is.
    pub(crate) async fn choices_named(
        actor: &crate::policy::Actor,
        pool: &PgPool,
        q: &QueueQuery<'_>,
    ) -> Result<CaseFormOptions, Error> {
        policy::authorize(Some(actor), &Action::WorkCases)?;
        let id = |value: &str| value.trim().parse::<i64>().ok();
        let (category, organization, assignee) =
            (id(q.category), id(q.organization), id(q.assignee));
        if category.is_none() && organization.is_none() && assignee.is_none() {
            return Ok(CaseFormOptions::default());
        }
        Ok(options_from(
            db::named_form_choices(pool, category, organization, assignee).await?,
        ))
    }

    /// The filters of `q` (staff only), checked against `choices` (the
    /// queue's choices; see `needs_choices`).
    pub(crate) fn parse(
        actor: &crate::policy::Actor,
        q: &QueueQuery<'_>,
        choices: &CaseFormOptions,
    ) -> Result<QueueFilter, Error> {
        policy::authorize(Some(actor), &Action::WorkCases)?;
        const ACTIVE: &[&str] = &["new", "open", "on_hold"];
        const MINE: &[&str] = &["new", "open", "pending", "on_hold"];
        let (statuses, mut assignee, solved_within_days, breaching): (
            &'static [&'static str],
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
            // Opened from a report: every status, or the whole backlog.
            "all" => (&[], None, None, false),
            "waiting" => (MINE, None, None, false),
            _ => return Err(Error::invalid("queue", "Choose one of the listed queues.")),
        };
        let priority = match q.priority {
            "" => None,
            p => Some(Priority::parse(p).ok_or_else(|| {
                Error::invalid("priority", "Choose one of the listed priorities.")
            })?),
        };
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
        let search: String = q.search.chars().take(200).collect();
        let filter = QueueFilter {
            statuses,
            assignee,
            solved_within_days,
            breaching,
            priority,
            category_id,
            organization_id,
            tag,
            search,
        };
        Ok(filter)
    }

    /// The statuses the queue lists (empty: every status).
    pub(crate) fn statuses(&self) -> &'static [&'static str] {
        self.statuses
    }

    /// As a list filter, over `statuses` (the queue's, or narrower).
    pub(crate) fn list_filter<'a>(
        &'a self,
        statuses: &'a [&'a str],
        slice: Option<&'a crate::db::reports::CaseSlice>,
        sort: ListSort,
    ) -> ListFilter<'a> {
        ListFilter {
            statuses,
            priority: self.priority.map(Priority::as_str),
            category_id: self.category_id,
            organization_id: self.organization_id,
            assignee: self.assignee,
            search: &self.search,
            solved_within_days: self.solved_within_days,
            tag: self.tag.as_ref().map(Tag::as_str),
            breaching: self.breaching,
            slice,
            sort,
        }
    }
}

pub async fn queue(reader: &Reader, pool: &PgPool, q: QueueQuery<'_>) -> Result<QueuePage, Error> {
    let (zone, actor) = (reader.zone(), reader.signed_in()?);
    policy::authorize(Some(actor), &Action::WorkCases)?;
    let choices = options(reader, pool).await?;
    let filter = QueueFilter::parse(actor, &q, &choices)?;
    // An agent who picks no order works what breaches first; the orders they
    // can pick mean the same as in every other list.
    let sort = match q.sort {
        "" => ListSort::Urgency,
        picked => sort_of(picked)?,
    };
    let slice = report_slice(pool, q.slice).await?;
    let filter = filter.list_filter(filter.statuses(), slice.as_ref(), sort);
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

/// The narrowing of a list opened from a report, parsed in the support
/// calendar's days (as the report counted them); None when there is none.
pub(super) async fn report_slice(
    pool: &PgPool,
    slice: &rapport_types::views::reports::CaseSliceQuery,
) -> Result<Option<crate::db::reports::CaseSlice>, Error> {
    if slice.is_empty() {
        return Ok(None);
    }
    let calendar = crate::reports::team::calendar_day(pool).await?;
    Ok(Some(crate::reports::filter::parse_slice(
        slice,
        &calendar.zone,
    )?))
}
