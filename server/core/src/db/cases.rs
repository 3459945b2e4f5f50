//! Case queries. Every read takes a `CaseScope`, and the scope is part of the SQL,
//! so a customer's query can only ever match their own or their organization's cases.

pub use crate::policy::CaseScope;
use sqlx::{FromRow, PgExecutor, Postgres, QueryBuilder};
use time::OffsetDateTime;

pub struct NewCase<'a> {
    pub subject: &'a str,
    pub description: &'a str,
    pub category_id: i64,
    pub priority: &'a str,
    pub requester_id: i64,
    pub organization_id: i64,
    /// Where it came from (`rapport_types::CaseChannel`).
    pub channel: &'a str,
}

/// Insert a case; returns its id and number.
pub async fn create(db: impl PgExecutor<'_>, case: NewCase<'_>) -> sqlx::Result<(i64, i64)> {
    sqlx::query_as(
        "INSERT INTO cases (subject, description, category_id, priority, requester_id, organization_id, channel)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, number",
    )
    .bind(case.subject)
    .bind(case.description)
    .bind(case.category_id)
    .bind(case.priority)
    .bind(case.requester_id)
    .bind(case.organization_id)
    .bind(case.channel)
    .fetch_one(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct CaseRow {
    pub id: i64,
    pub number: i64,
    pub subject: String,
    pub description: String,
    pub category_id: i64,
    pub category_name: String,
    pub priority: String,
    pub status: String,
    pub requester_id: i64,
    pub requester_name: String,
    pub requester_email: String,
    pub organization_id: i64,
    pub organization_name: String,
    /// Where it came from (`rapport_types::CaseChannel`).
    pub channel: String,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub assignee_email: Option<String>,
    pub version: i32,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub rating_score: Option<i16>,
    pub rating_comment: Option<String>,
    pub tags: Vec<String>,
    /// Set when this case was merged into another: the survivor's number.
    pub merged_into_number: Option<i64>,
    pub first_response_at: Option<OffsetDateTime>,
    pub first_response_due_at: Option<OffsetDateTime>,
    pub resolution_due_at: Option<OffsetDateTime>,
    pub sla_paused_at: Option<OffsetDateTime>,
    /// Business time spent waiting for the customer so far.
    pub sla_waited_seconds: i64,
    pub solved_at: Option<OffsetDateTime>,
    /// Staff only (empty for customers): the requester's other recent cases,
    /// newest first, as three arrays of the same length.
    pub other_numbers: Vec<i64>,
    pub other_subjects: Vec<String>,
    pub other_statuses: Vec<String>,
    /// The files that came with the description: ids, names and sizes in bytes.
    pub file_ids: Vec<i64>,
    pub file_names: Vec<String>,
    pub file_sizes: Vec<i64>,
}

/// One case by number, with its rating, if `scope` may see it.
pub async fn find(
    db: impl PgExecutor<'_>,
    number: i64,
    scope: CaseScope,
) -> sqlx::Result<Option<CaseRow>> {
    Ok(find_many(db, &[number], scope).await?.into_iter().next())
}

/// The cases with these numbers that `scope` may see, in one query.
pub async fn find_many(
    db: impl PgExecutor<'_>,
    numbers: &[i64],
    scope: CaseScope,
) -> sqlx::Result<Vec<CaseRow>> {
    sqlx::query_as::<_, CaseRow>(
        "SELECT c.id, c.number, c.subject, c.description, c.category_id, k.name AS category_name,
                c.priority, c.status, c.requester_id, r.display_name AS requester_name,
                r.email AS requester_email, c.organization_id, o.name AS organization_name, c.channel,
                c.assignee_id, a.display_name AS assignee_name, a.email AS assignee_email, c.version, c.created_at, c.updated_at,
                cr.score AS rating_score, cr.comment AS rating_comment,
                array(SELECT t.tag FROM case_tags t WHERE t.case_id = c.id ORDER BY t.tag) AS tags,
                m.number AS merged_into_number, c.first_response_at, c.first_response_due_at,
                c.resolution_due_at, c.sla_paused_at, c.sla_waited_seconds, c.solved_at,
                array(SELECT o.number FROM cases o WHERE $2::bigint IS NULL AND $3::bigint IS NULL
                      AND o.requester_id = c.requester_id AND o.id <> c.id
                      ORDER BY o.updated_at DESC, o.id DESC LIMIT 5) AS other_numbers,
                array(SELECT o.subject FROM cases o WHERE $2::bigint IS NULL AND $3::bigint IS NULL
                      AND o.requester_id = c.requester_id AND o.id <> c.id
                      ORDER BY o.updated_at DESC, o.id DESC LIMIT 5) AS other_subjects,
                array(SELECT o.status FROM cases o WHERE $2::bigint IS NULL AND $3::bigint IS NULL
                      AND o.requester_id = c.requester_id AND o.id <> c.id
                      ORDER BY o.updated_at DESC, o.id DESC LIMIT 5) AS other_statuses,
                array(SELECT f.id FROM case_attachments f WHERE f.case_id = c.id AND f.message_id IS NULL ORDER BY f.id) AS file_ids,
                array(SELECT f.file_name FROM case_attachments f WHERE f.case_id = c.id AND f.message_id IS NULL ORDER BY f.id) AS file_names,
                array(SELECT f.size_bytes FROM case_attachments f WHERE f.case_id = c.id AND f.message_id IS NULL ORDER BY f.id) AS file_sizes
         FROM cases c
         JOIN case_categories k ON k.id = c.category_id
         JOIN users r ON r.id = c.requester_id
         JOIN organizations o ON o.id = c.organization_id
         LEFT JOIN users a ON a.id = c.assignee_id
         LEFT JOIN case_ratings cr ON cr.case_id = c.id
         LEFT JOIN cases m ON m.id = c.merged_into_id
         WHERE c.number = ANY($1)
           AND ($2::bigint IS NULL OR c.requester_id = $2)
           AND ($3::bigint IS NULL OR c.organization_id = $3)
         ORDER BY c.number",
    )
    .bind(numbers)
    .bind(scope.requester())
    .bind(scope.organization())
    .fetch_all(db)
    .await
}

/// A person's name and e-mail address, for notifications.
pub async fn contact(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<(String, String)> {
    sqlx::query_as("SELECT display_name, email FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(db)
        .await
}

#[derive(Debug, Clone, FromRow)]
pub struct ThreadItem {
    /// "message", "note" or "event".
    pub kind: String,
    pub author_name: String,
    pub author_role: String,
    pub body: String,
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub at: OffsetDateTime,
    /// The message's id (messages and notes), or the event's.
    pub seq: i64,
    /// The version of the case this entry came with (None for older entries).
    pub version: Option<i32>,
    /// The files of a message: ids, names and sizes in bytes.
    pub file_ids: Vec<i64>,
    pub file_names: Vec<String>,
    pub file_sizes: Vec<i64>,
    /// A message that came by mail: the quoted history cut off it.
    pub quoted: String,
}

/// The thread in order: messages, and for staff also internal notes and the
/// event history. One query, so a long thread costs the same as a short one.
pub async fn thread(
    db: impl PgExecutor<'_>,
    case_id: i64,
    staff: bool,
) -> sqlx::Result<Vec<ThreadItem>> {
    sqlx::query_as::<_, ThreadItem>(
        "SELECT * FROM (
            SELECT CASE WHEN m.internal THEN 'note' ELSE 'message' END AS kind,
                   u.display_name AS author_name, m.author_role, m.body,
                   NULL::text AS field, NULL::text AS old_value, NULL::text AS new_value,
                   m.created_at AS at, m.id AS seq, m.version,
                   array(SELECT f.id FROM case_attachments f WHERE f.message_id = m.id ORDER BY f.id) AS file_ids,
                   array(SELECT f.file_name FROM case_attachments f WHERE f.message_id = m.id ORDER BY f.id) AS file_names,
                   array(SELECT f.size_bytes FROM case_attachments f WHERE f.message_id = m.id ORDER BY f.id) AS file_sizes,
                   m.quoted
            FROM case_messages m JOIN users u ON u.id = m.author_id
            WHERE m.case_id = $1 AND (NOT m.internal OR $2)
            UNION ALL
            SELECT 'event', coalesce(u.display_name, 'Rapport'), coalesce(u.role, 'system'), '',
                   e.field, e.old_value, e.new_value, e.at, e.id, e.version,
                   '{}'::bigint[], '{}'::text[], '{}'::bigint[], ''
            FROM case_events e LEFT JOIN users u ON u.id = e.actor_id
            WHERE e.case_id = $1 AND $2
         ) t ORDER BY at, seq",
    )
    .bind(case_id)
    .bind(staff)
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct ListRow {
    pub number: i64,
    pub subject: String,
    pub status: String,
    pub priority: String,
    pub category_name: String,
    pub requester_name: String,
    pub organization_name: String,
    pub assignee_name: Option<String>,
    pub last_speaker: String,
    pub updated_at: OffsetDateTime,
    pub tags: Vec<String>,
    /// The next SLA deadline of an active case (first response, else resolution).
    pub due_at: Option<OffsetDateTime>,
    pub total: i64,
}

/// The order of a case list. Each is a fixed SQL clause, never text from a request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ListSort {
    /// Latest activity first.
    #[default]
    Updated,
    /// Oldest case first.
    Oldest,
    /// Urgent first, then by latest activity.
    Priority,
    /// The nearest SLA deadline first; cases without one last.
    Due,
    /// The agents' queues by default: what breached first (the longest overdue
    /// first), then what is due soonest, then the latest activity.
    Urgency,
}

impl ListSort {
    fn order_by(self) -> &'static str {
        match self {
            ListSort::Updated => "c.updated_at DESC, c.id DESC",
            ListSort::Oldest => "c.created_at ASC, c.id ASC",
            ListSort::Priority => {
                "array_position(ARRAY['urgent','high','normal','low'], c.priority), c.updated_at DESC, c.id DESC"
            }
            ListSort::Due => "due_at ASC NULLS LAST, c.id ASC",
            // `due_at` is only set on active cases, and an active case is
            // breaching exactly when `due_at` is past (see `BREACHING`): the
            // earliest deadline first puts the breached first, the longest
            // overdue at the top. (`due_at` is the select's own name here,
            // which an ORDER BY can only use bare, not in an expression.)
            ListSort::Urgency => "due_at ASC NULLS LAST, c.updated_at DESC, c.id DESC",
        }
    }
}

/// Filters of a case list. Empty strings and `None` mean "any".
#[derive(Debug, Clone, Default)]
pub struct ListFilter<'a> {
    pub statuses: &'a [&'a str],
    pub priority: Option<&'a str>,
    pub category_id: Option<i64>,
    pub organization_id: Option<i64>,
    /// Some(None): unassigned; Some(Some(id)): assigned to id.
    pub assignee: Option<Option<i64>>,
    pub search: &'a str,
    /// Only cases updated in the last N days.
    pub solved_within_days: Option<i32>,
    pub tag: Option<&'a str>,
    /// Only active cases past an SLA deadline.
    pub breaching: bool,
    /// The cases a report's figure counts (`db::reports::CaseSlice`).
    pub slice: Option<&'a super::reports::CaseSlice>,
    pub sort: ListSort,
}

/// The SQL condition for "an active case past one of its SLA deadlines".
/// Shared by the list and the queue sizes so both count the same cases.
pub const BREACHING: &str =
    "(c.status IN ('new', 'open', 'on_hold') AND (c.resolution_due_at < now()
      OR (c.first_response_at IS NULL AND c.first_response_due_at < now())))";

/// The SQL of a case's next SLA deadline: while it is active, the first
/// response's until there is one (or the resolution's, if sooner), then the
/// resolution's; NULL while it waits for the customer or is done.
const DUE_AT: &str = "CASE WHEN c.status IN ('new', 'open', 'on_hold') THEN
                         CASE WHEN c.first_response_at IS NULL
                              THEN least(c.first_response_due_at, c.resolution_due_at)
                              ELSE c.resolution_due_at END
                     END";

/// Add `WHERE …` for the filter to a query on `cases c`. Only the filters in
/// use become SQL, so each combination gets a plan of its own that uses the
/// indexes (a generic "$1 IS NULL OR …" statement is planned for every
/// combination at once, and at 100k cases that plan scans the table).
pub(crate) fn push_filter(
    sql: &mut QueryBuilder<'_, Postgres>,
    scope: CaseScope,
    filter: &ListFilter<'_>,
) {
    sql.push(" WHERE true");
    if let Some(requester) = scope.requester() {
        sql.push(" AND c.requester_id = ").push_bind(requester);
    }
    // The reader's organization, and the one chosen in a filter (staff).
    for organization in [scope.organization(), filter.organization_id]
        .into_iter()
        .flatten()
    {
        sql.push(" AND c.organization_id = ")
            .push_bind(organization);
    }
    if !filter.statuses.is_empty() {
        let statuses: Vec<String> = filter.statuses.iter().map(|s| s.to_string()).collect();
        sql.push(" AND c.status = ANY(")
            .push_bind(statuses)
            .push(")");
    }
    if let Some(priority) = filter.priority {
        sql.push(" AND c.priority = ")
            .push_bind(priority.to_string());
    }
    if let Some(category) = filter.category_id {
        sql.push(" AND c.category_id = ").push_bind(category);
    }
    match filter.assignee {
        None => {}
        Some(None) => {
            sql.push(" AND c.assignee_id IS NULL");
        }
        Some(Some(id)) => {
            sql.push(" AND c.assignee_id = ").push_bind(id);
        }
    }
    let search = filter.search.trim();
    if !search.is_empty() {
        let pattern = format!("%{}%", super::escape_like(search));
        sql.push(" AND (c.subject ILIKE ")
            .push_bind(pattern.clone())
            .push(" OR c.description ILIKE ")
            .push_bind(pattern.clone())
            .push(" OR c.id IN (SELECT m.case_id FROM case_messages m WHERE NOT m.internal AND m.body ILIKE ")
            .push_bind(pattern)
            .push("))");
    }
    if let Some(days) = filter.solved_within_days {
        sql.push(" AND c.solved_at > now() - make_interval(days => ")
            .push_bind(days)
            .push(")");
    }
    if let Some(tag) = filter.tag {
        sql.push(" AND c.id IN (SELECT t.case_id FROM case_tags t WHERE t.tag = ")
            .push_bind(tag.to_string())
            .push(")");
    }
    if filter.breaching {
        sql.push(" AND ").push(BREACHING);
    }
    if let Some(slice) = filter.slice {
        super::reports::push_slice_on_cases(sql, slice);
    }
}

/// Lists count their matches up to here and say "more than" beyond: an exact
/// count of a broad search reads every match (32 ms against 6 ms for 5,504
/// matches among 100k cases), and nobody pages through a thousand cases.
pub const COUNT_LIMIT: i64 = 1000;

/// A page of cases visible in `scope`, in the filter's order, with the total
/// (at most `COUNT_LIMIT + 1`).
///
/// The page is chosen from `cases` alone and only its rows are joined to
/// names; the total counts the same filter without joins. Both are cheaper
/// than joining every match and windowing (measured: 74 ms to 5 ms on 100k cases).
pub async fn list(
    db: impl PgExecutor<'_>,
    scope: CaseScope,
    filter: &ListFilter<'_>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<ListRow>> {
    let order = filter.sort.order_by();
    let mut sql = QueryBuilder::new(
        "SELECT c.number, c.subject, c.status, c.priority, k.name AS category_name,
                r.display_name AS requester_name, o.name AS organization_name,
                a.display_name AS assignee_name, c.last_speaker, c.updated_at,
                array(SELECT t.tag FROM case_tags t WHERE t.case_id = c.id ORDER BY t.tag) AS tags,
                c.due_at,
                (SELECT count(*) FROM (SELECT 1 FROM cases c",
    );
    push_filter(&mut sql, scope, filter);
    sql.push(format!(
        " LIMIT {}) counted) AS total
         FROM (
            SELECT c.*,
                   {DUE_AT} AS due_at
            FROM cases c",
        COUNT_LIMIT + 1
    ));
    push_filter(&mut sql, scope, filter);
    sql.push(format!(" ORDER BY {order} LIMIT "))
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset)
        .push(format!(
            ") c
         JOIN case_categories k ON k.id = c.category_id
         JOIN users r ON r.id = c.requester_id
         JOIN organizations o ON o.id = c.organization_id
         LEFT JOIN users a ON a.id = c.assignee_id
         ORDER BY {order}"
        ));
    sql.build_query_as::<ListRow>().fetch_all(db).await
}

#[derive(Debug, Clone, Default, FromRow)]
pub struct QueueCounts {
    pub unassigned: i64,
    pub mine: i64,
    pub open: i64,
    pub pending: i64,
    pub solved_recently: i64,
    pub breaching: i64,
}

/// The size of every agent queue, in one query.
pub async fn queue_counts(db: impl PgExecutor<'_>, agent_id: i64) -> sqlx::Result<QueueCounts> {
    let sql = format!(
        "SELECT
           count(*) FILTER (WHERE assignee_id IS NULL AND status IN ('new', 'open', 'on_hold')) AS unassigned,
           count(*) FILTER (WHERE assignee_id = $1 AND status IN ('new', 'open', 'pending', 'on_hold')) AS mine,
           count(*) FILTER (WHERE status IN ('new', 'open', 'on_hold')) AS open,
           count(*) FILTER (WHERE status = 'pending') AS pending,
           count(*) FILTER (WHERE status = 'solved' AND solved_at > now() - interval '7 days') AS solved_recently,
           count(*) FILTER (WHERE {BREACHING}) AS breaching
         FROM cases c WHERE status <> 'closed'"
    );
    sqlx::query_as::<_, QueueCounts>(&sql)
        .bind(agent_id)
        .fetch_one(db)
        .await
}

/// An active case on a customer's dashboard, with its latest public reply.
#[derive(Debug, Clone, FromRow)]
pub struct DeskCaseRow {
    pub number: i64,
    pub subject: String,
    pub status: String,
    pub requester_name: String,
    pub created_at: OffsetDateTime,
    pub replied_at: Option<OffsetDateTime>,
    pub replied_by: Option<String>,
    pub replied_by_staff: Option<bool>,
    /// How many active cases the scope holds, whatever the limit.
    pub total: i64,
}

/// The first `limit` active cases of `scope` (a customer's), those waiting for
/// the customer first, then the latest activity; each with its latest public
/// reply (never an internal note). One query.
pub async fn desk_cases(
    db: impl PgExecutor<'_>,
    scope: CaseScope,
    limit: i64,
) -> sqlx::Result<Vec<DeskCaseRow>> {
    sqlx::query_as(
        "SELECT c.number, c.subject, c.status, r.display_name AS requester_name, c.created_at,
                m.created_at AS replied_at, u.display_name AS replied_by,
                u.role IN ('agent', 'admin', 'trainer') AS replied_by_staff, c.total
         FROM (SELECT c.*, count(*) OVER () AS total FROM cases c
               WHERE c.status IN ('new', 'open', 'pending', 'on_hold')
                 AND ($1::bigint IS NULL OR c.requester_id = $1)
                 AND ($2::bigint IS NULL OR c.organization_id = $2)
               ORDER BY c.status = 'pending' DESC, c.updated_at DESC, c.id DESC
               LIMIT $3) c
         JOIN users r ON r.id = c.requester_id
         LEFT JOIN LATERAL (
             SELECT m.created_at, m.author_id FROM case_messages m
             WHERE m.case_id = c.id AND NOT m.internal
             ORDER BY m.created_at DESC, m.id DESC LIMIT 1) m ON true
         LEFT JOIN users u ON u.id = m.author_id
         ORDER BY c.status = 'pending' DESC, c.updated_at DESC, c.id DESC",
    )
    .bind(scope.requester())
    .bind(scope.organization())
    .bind(limit)
    .fetch_all(db)
    .await
}

/// An active case beside its next SLA deadline.
#[derive(Debug, Clone, FromRow)]
pub struct DeadlineRow {
    pub number: i64,
    pub subject: String,
    pub priority: String,
    pub organization_name: String,
    pub requester_name: String,
    pub assignee_name: Option<String>,
    pub due_at: OffsetDateTime,
}

/// The active cases assigned to `agent_id` or to nobody whose next deadline
/// is past or within `within_minutes`, the earliest first. One query.
pub async fn deadlines_near(
    db: impl PgExecutor<'_>,
    agent_id: i64,
    within_minutes: i32,
    limit: i64,
) -> sqlx::Result<Vec<DeadlineRow>> {
    sqlx::query_as(&format!(
        "SELECT c.number, c.subject, c.priority, o.name AS organization_name,
                r.display_name AS requester_name, a.display_name AS assignee_name, c.due_at
         FROM (SELECT c.*, {DUE_AT} AS due_at FROM cases c
               WHERE c.status IN ('new', 'open', 'on_hold')
                 AND (c.assignee_id IS NULL OR c.assignee_id = $1)) c
         JOIN organizations o ON o.id = c.organization_id
         JOIN users r ON r.id = c.requester_id
         LEFT JOIN users a ON a.id = c.assignee_id
         WHERE c.due_at < now() + make_interval(mins => $2)
         ORDER BY c.due_at, c.id LIMIT $3"
    ))
    .bind(agent_id)
    .bind(within_minutes)
    .bind(limit)
    .fetch_all(db)
    .await
}

pub async fn add_message(
    db: impl PgExecutor<'_>,
    case_id: i64,
    author_id: i64,
    internal: bool,
    body: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO case_messages (case_id, author_id, internal, body, version)
         VALUES ($1, $2, $3, $4, (SELECT version FROM cases WHERE id = $1))
         RETURNING id",
    )
    .bind(case_id)
    .bind(author_id)
    .bind(internal)
    .bind(body)
    .fetch_one(db)
    .await
}

pub async fn record_event(
    db: impl PgExecutor<'_>,
    case_id: i64,
    actor_id: i64,
    field: &str,
    old_value: Option<&str>,
    new_value: Option<&str>,
) -> sqlx::Result<()> {
    // Every action changes the case (raising its version) before it records
    // what it did, so the entry carries the version the change produced.
    sqlx::query(
        "INSERT INTO case_events (case_id, actor_id, field, old_value, new_value, version)
         VALUES ($1, $2, $3, $4, $5, (SELECT version FROM cases WHERE id = $1))",
    )
    .bind(case_id)
    .bind(actor_id)
    .bind(field)
    .bind(old_value)
    .bind(new_value)
    .execute(db)
    .await?;
    Ok(())
}

/// The fields a change sets. The update only happens when the case is still at
/// `expected_version`; returns the new version, or None when someone else changed it first.
pub struct CaseChange<'a> {
    pub status: &'a str,
    pub priority: &'a str,
    pub category_id: i64,
    pub assignee_id: Option<i64>,
    /// "customer" or "agent" when the change comes with a public message.
    pub public_speaker: Option<&'a str>,
}

/// Lock a case's row until the transaction ends (replies sent at the same
/// moment then land one after the other); its version, or None when it is gone.
pub async fn lock(db: impl PgExecutor<'_>, case_id: i64) -> sqlx::Result<Option<i32>> {
    sqlx::query_scalar("SELECT version FROM cases WHERE id = $1 FOR UPDATE")
        .bind(case_id)
        .fetch_optional(db)
        .await
}

pub async fn update(
    db: impl PgExecutor<'_>,
    case_id: i64,
    expected_version: i32,
    change: CaseChange<'_>,
) -> sqlx::Result<Option<i32>> {
    sqlx::query_scalar(
        "UPDATE cases SET
            status = $3, priority = $4, category_id = $5, assignee_id = $6,
            last_speaker = coalesce($7, last_speaker),
            first_response_at = CASE WHEN $7 = 'agent' THEN coalesce(first_response_at, now()) ELSE first_response_at END,
            solved_at = CASE WHEN $3 = 'solved' AND status <> 'solved' THEN now()
                             WHEN $3 NOT IN ('solved', 'closed') THEN NULL ELSE solved_at END,
            closed_at = CASE WHEN $3 = 'closed' THEN coalesce(closed_at, now()) ELSE NULL END,
            version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $2
         RETURNING version",
    )
    .bind(case_id)
    .bind(expected_version)
    .bind(change.status)
    .bind(change.priority)
    .bind(change.category_id)
    .bind(change.assignee_id)
    .bind(change.public_speaker)
    .fetch_optional(db)
    .await
}

/// A case the close job closed, with what its requester's mail needs.
#[derive(Debug, FromRow)]
pub struct ClosedCase {
    pub id: i64,
    pub number: i64,
    pub subject: String,
    pub requester_name: String,
    pub requester_email: String,
}

/// Close the cases solved more than `older_than_days` ago, each with its
/// history entry (by no person: Rapport did it), in one statement (see
/// `jobs::close_solved_cases` for why).
pub async fn close_solved(
    db: impl PgExecutor<'_>,
    older_than_days: i32,
) -> sqlx::Result<Vec<ClosedCase>> {
    sqlx::query_as(
        "WITH closed AS (
            UPDATE cases
            SET status = 'closed', closed_at = now(), version = version + 1, updated_at = now()
            WHERE status = 'solved' AND solved_at < now() - make_interval(days => $1)
            RETURNING id, number, subject, requester_id, version
         ), events AS (
            INSERT INTO case_events (case_id, actor_id, field, old_value, new_value, version)
            SELECT id, NULL, 'status', 'solved', 'closed', version FROM closed
         )
         SELECT c.id, c.number, c.subject, u.display_name AS requester_name, u.email AS requester_email
         FROM closed c JOIN users u ON u.id = c.requester_id
         ORDER BY c.number",
    )
    .bind(older_than_days)
    .fetch_all(db)
    .await
}

/// Store the rating; false when the case was rated already.
pub async fn rate(
    db: impl PgExecutor<'_>,
    case_id: i64,
    score: i16,
    comment: &str,
) -> sqlx::Result<bool> {
    let result = sqlx::query(
        "INSERT INTO case_ratings (case_id, score, comment) VALUES ($1, $2, $3) ON CONFLICT (case_id) DO NOTHING",
    )
    .bind(case_id)
    .bind(score)
    .bind(comment)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// The choices of the case forms in one query: categories, and for staff the
/// people cases can be assigned to, the organizations, and the canned replies.
/// Each row is (kind, id, name). `staff` is an SQL boolean (a parameter or a literal).
pub(super) fn form_choices_sql(staff: &str) -> String {
    format!(
        "SELECT kind, id, name FROM (
            SELECT 'category' AS kind, id, name FROM case_categories
            UNION ALL
            SELECT 'agent', id, display_name FROM users
            WHERE {staff} AND role IN ('agent', 'admin') AND NOT disabled
            UNION ALL
            SELECT 'organization', id, name FROM organizations WHERE {staff}
            UNION ALL
            SELECT 'canned', id, title FROM canned_replies WHERE {staff}
         ) choices
         -- Categories in their given order, the rest by name.
         ORDER BY kind, CASE WHEN kind = 'category' THEN lpad(id::text, 20, '0') ELSE lower(name) END"
    )
}

pub async fn form_choices(
    db: impl PgExecutor<'_>,
    staff: bool,
) -> sqlx::Result<Vec<(String, i64, String)>> {
    sqlx::query_as(&form_choices_sql("$1"))
        .bind(staff)
        .fetch_all(db)
        .await
}

/// The staff's form choices with these ids only (a category, an
/// organization, an agent): each a lookup by primary key.
pub async fn named_form_choices(
    db: impl PgExecutor<'_>,
    category: Option<i64>,
    organization: Option<i64>,
    agent: Option<i64>,
) -> sqlx::Result<Vec<(String, i64, String)>> {
    let sql = format!(
        "SELECT kind, id, name FROM ({}) named
         WHERE (kind = 'category' AND id = $1) OR (kind = 'organization' AND id = $2)
            OR (kind = 'agent' AND id = $3)",
        form_choices_sql("true")
    );
    sqlx::query_as(&sql)
        .bind(category)
        .bind(organization)
        .bind(agent)
        .fetch_all(db)
        .await
}

/// Replace a case's tags with `tags`.
pub async fn set_tags(
    db: &mut sqlx::PgConnection,
    case_id: i64,
    tags: &[String],
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM case_tags WHERE case_id = $1 AND tag <> ALL($2)")
        .bind(case_id)
        .bind(tags)
        .execute(&mut *db)
        .await?;
    sqlx::query(
        "INSERT INTO case_tags (case_id, tag) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING",
    )
    .bind(case_id)
    .bind(tags)
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// The SLA state of a case: its deadlines, since when its clock is paused,
/// and how long it has waited for the customer so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaClock {
    pub first_response_due_at: Option<OffsetDateTime>,
    pub resolution_due_at: Option<OffsetDateTime>,
    /// Set while the case waits for the customer.
    pub paused_at: Option<OffsetDateTime>,
    /// Business time waited for the customer so far.
    pub waited_seconds: i64,
}

pub async fn set_sla(db: impl PgExecutor<'_>, case_id: i64, clock: SlaClock) -> sqlx::Result<()> {
    // Write the whole clock at once, so its parts never disagree.
    sqlx::query(
        "UPDATE cases SET first_response_due_at = $2, resolution_due_at = $3, sla_paused_at = $4,
                          sla_waited_seconds = $5
         WHERE id = $1",
    )
    .bind(case_id)
    .bind(clock.first_response_due_at)
    .bind(clock.resolution_due_at)
    .bind(clock.paused_at)
    .bind(clock.waited_seconds)
    .execute(db)
    .await?;
    Ok(())
}

/// Move the thread and files of `source` into `target`, and mark `source` as
/// merged. The duplicate's description joins the thread as its requester's
/// message of that time, so nothing the customer wrote is lost from view.
pub async fn merge(db: &mut sqlx::PgConnection, source: i64, target: i64) -> sqlx::Result<()> {
    sqlx::query(
        "WITH moved AS (
            INSERT INTO case_messages (case_id, author_id, internal, body, created_at, version)
            SELECT $2, requester_id, false, description, created_at,
                   (SELECT version FROM cases WHERE id = $2)
            FROM cases WHERE id = $1 AND length(btrim(description)) > 0
            RETURNING id
         )
         -- The description's files go with it.
         UPDATE case_attachments SET message_id = (SELECT id FROM moved)
         WHERE case_id = $1 AND message_id IS NULL",
    )
    .bind(source)
    .bind(target)
    .execute(&mut *db)
    .await?;
    // The moved messages arrive with the merge: they carry the target's
    // version of it, so a change refused as stale there names them.
    sqlx::query(
        "UPDATE case_messages SET case_id = $2, version = (SELECT version FROM cases WHERE id = $2)
         WHERE case_id = $1",
    )
    .bind(source)
    .bind(target)
    .execute(&mut *db)
    .await?;
    sqlx::query("UPDATE case_attachments SET case_id = $2 WHERE case_id = $1")
        .bind(source)
        .bind(target)
        .execute(&mut *db)
        .await?;
    sqlx::query("UPDATE cases SET merged_into_id = $2 WHERE id = $1")
        .bind(source)
        .bind(target)
        .execute(&mut *db)
        .await?;
    Ok(())
}

/// Note that `user_id` has the case open now, and return the names of the other
/// staff who had it open in the last minute. One statement.
pub async fn touch_viewer(
    db: impl PgExecutor<'_>,
    case_id: i64,
    user_id: i64,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "WITH seen AS (
            INSERT INTO case_viewers (case_id, user_id) VALUES ($1, $2)
            ON CONFLICT (case_id, user_id) DO UPDATE SET seen_at = now()
         )
         SELECT u.display_name FROM case_viewers v JOIN users u ON u.id = v.user_id
         WHERE v.case_id = $1 AND v.user_id <> $2 AND v.seen_at > now() - interval '1 minute'
         ORDER BY u.display_name",
    )
    .bind(case_id)
    .bind(user_id)
    .fetch_all(db)
    .await
}

pub async fn categories(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as("SELECT id, name FROM case_categories ORDER BY id")
        .fetch_all(db)
        .await
}

/// Set when support first answered from the thread (demo data only).
pub async fn first_response_from_thread(db: impl PgExecutor<'_>, case_id: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE cases SET first_response_at = (
            SELECT min(m.created_at) FROM case_messages m JOIN users u ON u.id = m.author_id
            WHERE m.case_id = $1 AND NOT m.internal AND u.role IN ('agent', 'admin'))
         WHERE id = $1",
    )
    .bind(case_id)
    .execute(db)
    .await?;
    Ok(())
}
