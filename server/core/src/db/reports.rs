//! The SQL of the reports: every figure is aggregated by PostgreSQL over
//! `cases c LEFT JOIN case_metrics m`, so a report page runs the same handful
//! of statements whatever the number of cases.
//!
//! The conditions that choose cases (`Dimensions`, `CaseSlice`) are written
//! here once and used both by the figures and by the case list a figure links
//! to (`db::cases::list`), so a bar and its list always count the same cases.

use sqlx::{FromRow, PgExecutor, Postgres, QueryBuilder};
use time::OffsetDateTime;

/// A half-open span of time `[starts, ends)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub starts: OffsetDateTime,
    pub ends: OffsetDateTime,
}

/// The SLA target a case missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaMissed {
    FirstResponse,
    Resolution,
}

/// What a report is filtered by, besides its period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dimensions {
    pub organization_id: Option<i64>,
    pub category_id: Option<i64>,
    pub priority: Option<String>,
    pub channel: Option<String>,
    /// Cases the agent wrote on or changed.
    pub agent: Option<i64>,
}

/// The cases one figure counts, beyond the dimensions: the slice a case list
/// narrows to when it is opened from a report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseSlice {
    pub created: Option<Span>,
    /// Finally solved within.
    pub solved: Option<Span>,
    pub channel: Option<String>,
    pub solved_by: Option<i64>,
    pub agent: Option<i64>,
    pub sla: Option<SlaMissed>,
    /// The first response took at least the first and less than the second
    /// number of business seconds.
    pub response_seconds: Option<(i64, Option<i64>)>,
}

impl CaseSlice {
    pub fn is_empty(&self) -> bool {
        *self == CaseSlice::default()
    }
}

fn push_span(sql: &mut QueryBuilder<'_, Postgres>, column: &str, span: Span) {
    sql.push(format!(" AND {column} >= "))
        .push_bind(span.starts)
        .push(format!(" AND {column} < "))
        .push_bind(span.ends);
}

/// `AND …` for the dimensions, on `cases c` and `case_metrics m`.
pub fn push_dimensions(sql: &mut QueryBuilder<'_, Postgres>, d: &Dimensions) {
    if let Some(id) = d.organization_id {
        sql.push(" AND c.organization_id = ").push_bind(id);
    }
    if let Some(id) = d.category_id {
        sql.push(" AND c.category_id = ").push_bind(id);
    }
    if let Some(p) = &d.priority {
        sql.push(" AND c.priority = ").push_bind(p.clone());
    }
    push_slice(
        sql,
        &CaseSlice {
            channel: d.channel.clone(),
            agent: d.agent,
            ..CaseSlice::default()
        },
    );
}

/// `AND …` for the slice, on `cases c` and `case_metrics m` (a case without
/// metrics has NULLs there).
pub fn push_slice(sql: &mut QueryBuilder<'_, Postgres>, s: &CaseSlice) {
    if let Some(span) = s.created {
        push_span(sql, "c.created_at", span);
    }
    if let Some(span) = s.solved {
        push_span(sql, "m.final_resolution_at", span);
    }
    if let Some(channel) = &s.channel {
        sql.push(" AND c.channel = ").push_bind(channel.clone());
    }
    if let Some(id) = s.solved_by {
        sql.push(" AND m.solved_by = ").push_bind(id);
    }
    if let Some(id) = s.agent {
        sql.push(" AND ")
            .push_bind(id)
            .push(" = ANY(m.agents_touched)");
    }
    match s.sla {
        Some(SlaMissed::FirstResponse) => {
            sql.push(" AND m.first_response_met = false");
        }
        Some(SlaMissed::Resolution) => {
            sql.push(" AND m.resolution_met = false");
        }
        None => {}
    }
    if let Some((low, high)) = s.response_seconds {
        sql.push(" AND m.first_response_business_seconds >= ")
            .push_bind(low);
        if let Some(high) = high {
            sql.push(" AND m.first_response_business_seconds < ")
                .push_bind(high);
        }
    }
}

/// `AND …` for the slice in a query on `cases c` alone (the case lists): the
/// same conditions, on the case's metrics row if it has one.
pub fn push_slice_on_cases(sql: &mut QueryBuilder<'_, Postgres>, s: &CaseSlice) {
    if s.is_empty() {
        return;
    }
    sql.push(
        " AND EXISTS (SELECT 1 FROM (SELECT 1) one
                      LEFT JOIN case_metrics m ON m.case_id = c.id WHERE true",
    );
    push_slice(sql, s);
    sql.push(")");
}

/// `AND c.id IN (…)`: the cases opened or finally solved within the span,
/// read through the two indexes.
fn push_in_period(sql: &mut QueryBuilder<'_, Postgres>, span: Span) {
    sql.push(" AND c.id IN (SELECT id FROM cases WHERE created_at >= ")
        .push_bind(span.starts)
        .push(" AND created_at < ")
        .push_bind(span.ends)
        .push(" UNION SELECT case_id FROM case_metrics WHERE final_resolution_at >= ")
        .push_bind(span.starts)
        .push(" AND final_resolution_at < ")
        .push_bind(span.ends)
        .push(")");
}

/// The histogram of first responses, in business hours: [low, high).
pub const RESPONSE_BUCKETS: [(i64, Option<i64>); 6] = [
    (0, Some(1)),
    (1, Some(4)),
    (4, Some(8)),
    (8, Some(24)),
    (24, Some(72)),
    (72, None),
];

/// The priorities in the order of the per-priority arrays.
pub const PRIORITIES: [&str; 4] = ["low", "normal", "high", "urgent"];

/// The figures of one period. Response figures count the cases opened in
/// the period; resolution, reopen, one-touch and rating figures the cases
/// finally solved in it.
#[derive(Debug, Clone, Default, PartialEq, FromRow)]
pub struct Aggregates {
    pub created: i64,
    pub solved: i64,
    /// [median, 90th, 95th percentile] in seconds; None without cases.
    pub first_response_business: Option<Vec<f64>>,
    pub first_response_calendar: Option<Vec<f64>>,
    pub resolution_business: Option<Vec<f64>>,
    pub resolution_calendar: Option<Vec<f64>>,
    pub first_response_measured: i64,
    pub first_response_met: i64,
    pub resolution_measured: i64,
    pub resolution_met: i64,
    pub reopened: i64,
    pub one_touch: i64,
    pub rated: i64,
    pub rating_average: Option<f64>,
    /// Ratings 1 to 5.
    pub ratings: Vec<i64>,
    /// Per `RESPONSE_BUCKETS`.
    pub response_histogram: Vec<i64>,
    /// Per `PRIORITIES`.
    pub first_response_missed: Vec<i64>,
    pub resolution_missed: Vec<i64>,
}

const PERCENTILES: &str = "ARRAY[0.5, 0.9, 0.95]";

/// Every figure of a period, in one statement.
pub async fn aggregates(
    db: impl PgExecutor<'_>,
    dims: &Dimensions,
    span: Span,
) -> sqlx::Result<Aggregates> {
    let mut sql = QueryBuilder::new("WITH p AS (SELECT ");
    sql.push_bind(span.starts)
        .push("::timestamptz AS s, ")
        .push_bind(span.ends)
        .push("::timestamptz AS e) SELECT ");
    let opened = "c.created_at >= p.s AND c.created_at < p.e";
    let solved = "m.final_resolution_at >= p.s AND m.final_resolution_at < p.e";
    let mut columns = vec![
        format!("count(*) FILTER (WHERE {opened}) AS created"),
        format!("count(*) FILTER (WHERE {solved}) AS solved"),
    ];
    for (name, column, when) in [
        (
            "first_response_business",
            "m.first_response_business_seconds",
            opened,
        ),
        (
            "first_response_calendar",
            "m.first_response_seconds",
            opened,
        ),
        (
            "resolution_business",
            "m.final_resolution_business_seconds",
            solved,
        ),
        ("resolution_calendar", "m.final_resolution_seconds", solved),
    ] {
        columns.push(format!(
            "percentile_cont({PERCENTILES}) WITHIN GROUP (ORDER BY {column}::float8)
             FILTER (WHERE {when}) AS {name}"
        ));
    }
    columns.extend([
        format!("count(*) FILTER (WHERE {opened} AND m.first_response_met IS NOT NULL) AS first_response_measured"),
        format!("count(*) FILTER (WHERE {opened} AND m.first_response_met) AS first_response_met"),
        format!("count(*) FILTER (WHERE {solved} AND m.resolution_met IS NOT NULL) AS resolution_measured"),
        format!("count(*) FILTER (WHERE {solved} AND m.resolution_met) AS resolution_met"),
        format!("count(*) FILTER (WHERE {solved} AND m.reopens > 0) AS reopened"),
        format!("count(*) FILTER (WHERE {solved} AND m.agent_replies = 1 AND m.reopens = 0) AS one_touch"),
        format!("count(r.case_id) FILTER (WHERE {solved}) AS rated"),
        format!("(avg(r.score) FILTER (WHERE {solved}))::float8 AS rating_average"),
    ]);
    let ratings: Vec<String> = (1..=5)
        .map(|k| format!("count(*) FILTER (WHERE {solved} AND r.score = {k})"))
        .collect();
    columns.push(format!("ARRAY[{}] AS ratings", ratings.join(", ")));
    let buckets: Vec<String> = RESPONSE_BUCKETS
        .iter()
        .map(|(low, high)| {
            let high = high
                .map(|h| format!(" AND m.first_response_business_seconds < {}", h * 3600))
                .unwrap_or_default();
            format!(
                "count(*) FILTER (WHERE {opened} AND m.first_response_business_seconds >= {}{high})",
                low * 3600
            )
        })
        .collect();
    columns.push(format!(
        "ARRAY[{}]::bigint[] AS response_histogram",
        buckets.join(", ")
    ));
    for (name, when, flag) in [
        ("first_response_missed", opened, "m.first_response_met"),
        ("resolution_missed", solved, "m.resolution_met"),
    ] {
        let per: Vec<String> = PRIORITIES
            .iter()
            .map(|p| {
                format!("count(*) FILTER (WHERE {when} AND {flag} = false AND c.priority = '{p}')")
            })
            .collect();
        columns.push(format!("ARRAY[{}]::bigint[] AS {name}", per.join(", ")));
    }
    sql.push(columns.join(",\n"));
    sql.push(
        " FROM p, cases c LEFT JOIN case_metrics m ON m.case_id = c.id
          LEFT JOIN case_ratings r ON r.case_id = c.id WHERE true",
    );
    push_dimensions(&mut sql, dims);
    push_in_period(&mut sql, span);
    sql.build_query_as::<Aggregates>().fetch_one(db).await
}

/// Cases opened and finally solved on one day.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct DayCount {
    pub day: time::Date,
    pub created: i64,
    pub solved: i64,
}

/// Cases opened and solved per day of the span, days counted in `zone`
/// (an IANA name). One statement.
pub async fn per_day(
    db: impl PgExecutor<'_>,
    dims: &Dimensions,
    span: Span,
    zone: &str,
) -> sqlx::Result<Vec<DayCount>> {
    let mut sql = QueryBuilder::new("WITH z AS (SELECT ");
    sql.push_bind(zone.to_string()).push(
        "::text AS zone), days AS (
           SELECT generate_series((",
    );
    sql.push_bind(span.starts)
        .push("::timestamptz AT TIME ZONE z.zone)::date, ((")
        .push_bind(span.ends)
        .push(
            "::timestamptz - interval '1 second') AT TIME ZONE z.zone)::date, interval '1 day')::date AS day FROM z)
         SELECT d.day, coalesce(o.n, 0) AS created, coalesce(s.n, 0) AS solved FROM days d
         LEFT JOIN (SELECT (c.created_at AT TIME ZONE z.zone)::date AS day, count(*) AS n
                    FROM z, cases c LEFT JOIN case_metrics m ON m.case_id = c.id WHERE true",
        );
    push_dimensions(&mut sql, dims);
    push_slice(
        &mut sql,
        &CaseSlice {
            created: Some(span),
            ..CaseSlice::default()
        },
    );
    sql.push(
        " GROUP BY 1) o ON o.day = d.day
         LEFT JOIN (SELECT (m.final_resolution_at AT TIME ZONE z.zone)::date AS day, count(*) AS n
                    FROM z, cases c JOIN case_metrics m ON m.case_id = c.id WHERE true",
    );
    push_dimensions(&mut sql, dims);
    push_slice(
        &mut sql,
        &CaseSlice {
            solved: Some(span),
            ..CaseSlice::default()
        },
    );
    sql.push(" GROUP BY 1) s ON s.day = d.day ORDER BY d.day");
    sql.build_query_as::<DayCount>().fetch_all(db).await
}

/// The backlog at the end of a day: None when the day was not recorded.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct BacklogDay {
    pub day: time::Date,
    pub cases: Option<i64>,
}

/// The recorded backlog of each day from `from` to `to` (both included),
/// filtered by the dimensions a snapshot keeps (the agent as the assignee;
/// snapshots have no channel). One statement.
pub async fn backlog(
    db: impl PgExecutor<'_>,
    dims: &Dimensions,
    from: time::Date,
    to: time::Date,
) -> sqlx::Result<Vec<BacklogDay>> {
    let mut sql = QueryBuilder::new("SELECT d.day::date AS day, CASE WHEN w.day IS NULL THEN NULL ELSE coalesce(sum(b.cases), 0)::bigint END AS cases
         FROM generate_series(");
    sql.push_bind(from).push("::date, ").push_bind(to).push(
        "::date, interval '1 day') d(day)
         LEFT JOIN backlog_snapshot_days w ON w.day = d.day::date
         LEFT JOIN backlog_snapshots b ON b.day = d.day::date",
    );
    if let Some(id) = dims.organization_id {
        sql.push(" AND b.organization_id = ").push_bind(id);
    }
    if let Some(id) = dims.category_id {
        sql.push(" AND b.category_id = ").push_bind(id);
    }
    if let Some(p) = &dims.priority {
        sql.push(" AND b.priority = ").push_bind(p.clone());
    }
    if let Some(id) = dims.agent {
        sql.push(" AND b.assignee_id = ").push_bind(id);
    }
    sql.push(" GROUP BY d.day, w.day ORDER BY d.day");
    sql.build_query_as::<BacklogDay>().fetch_all(db).await
}

/// The statuses of the backlog.
pub const WAITING: [&str; 4] = ["new", "open", "pending", "on_hold"];

/// The backlog now, from the cases themselves (today has no snapshot yet).
pub async fn backlog_now(db: impl PgExecutor<'_>, dims: &Dimensions) -> sqlx::Result<i64> {
    let mut sql = QueryBuilder::new(
        "SELECT count(*) FROM cases c LEFT JOIN case_metrics m ON m.case_id = c.id
         WHERE c.status IN ('new', 'open', 'pending', 'on_hold')",
    );
    push_dimensions(&mut sql, dims);
    sql.build_query_scalar::<i64>().fetch_one(db).await
}

/// Open cases by age: how many were opened in each span (newest first).
pub async fn open_by_age(
    db: impl PgExecutor<'_>,
    dims: &Dimensions,
    spans: &[Span],
) -> sqlx::Result<Vec<i64>> {
    let mut sql = QueryBuilder::new("SELECT ARRAY[");
    for (i, span) in spans.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push("count(*) FILTER (WHERE c.created_at >= ")
            .push_bind(span.starts)
            .push(" AND c.created_at < ")
            .push_bind(span.ends)
            .push(")");
    }
    sql.push(
        "]::bigint[] FROM cases c LEFT JOIN case_metrics m ON m.case_id = c.id
         WHERE c.status IN ('new', 'open', 'pending', 'on_hold')",
    );
    push_dimensions(&mut sql, dims);
    sql.build_query_scalar::<Vec<i64>>().fetch_one(db).await
}

/// One agent's figures over the cases they finally solved in the span.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct AgentRow {
    pub user_id: i64,
    pub name: String,
    pub solved: i64,
    pub median_first_response_business: Option<f64>,
    pub rated: i64,
    pub rating_average: Option<f64>,
}

pub async fn per_agent(
    db: impl PgExecutor<'_>,
    dims: &Dimensions,
    span: Span,
) -> sqlx::Result<Vec<AgentRow>> {
    let mut sql = QueryBuilder::new(
        "SELECT u.id AS user_id, u.display_name AS name, count(*) AS solved,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY m.first_response_business_seconds::float8)
                  AS median_first_response_business,
                count(r.case_id) AS rated, avg(r.score)::float8 AS rating_average
         FROM cases c JOIN case_metrics m ON m.case_id = c.id JOIN users u ON u.id = m.solved_by
         LEFT JOIN case_ratings r ON r.case_id = c.id WHERE true",
    );
    push_dimensions(&mut sql, dims);
    push_slice(
        &mut sql,
        &CaseSlice {
            solved: Some(span),
            ..CaseSlice::default()
        },
    );
    sql.push(" GROUP BY u.id, u.display_name ORDER BY solved DESC, u.display_name, u.id");
    sql.build_query_as::<AgentRow>().fetch_all(db).await
}

/// A rating with a comment.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct CommentRow {
    pub number: i64,
    pub score: i16,
    pub comment: String,
    pub rated_at: OffsetDateTime,
}

/// The latest comments of ratings of cases finally solved in the span.
pub async fn latest_comments(
    db: impl PgExecutor<'_>,
    dims: &Dimensions,
    span: Span,
    limit: i64,
) -> sqlx::Result<Vec<CommentRow>> {
    let mut sql = QueryBuilder::new(
        "SELECT c.number, r.score, r.comment, r.rated_at
         FROM cases c JOIN case_metrics m ON m.case_id = c.id JOIN case_ratings r ON r.case_id = c.id
         WHERE btrim(r.comment) <> ''",
    );
    push_dimensions(&mut sql, dims);
    push_slice(
        &mut sql,
        &CaseSlice {
            solved: Some(span),
            ..CaseSlice::default()
        },
    );
    sql.push(" ORDER BY r.rated_at DESC, c.id DESC LIMIT ")
        .push_bind(limit);
    sql.build_query_as::<CommentRow>().fetch_all(db).await
}

/// The self-service funnel of a span.
#[derive(Debug, Clone, Default, PartialEq, Eq, FromRow)]
pub struct Funnel {
    pub searches: i64,
    pub without_results: i64,
    pub suggestions_shown: i64,
    pub suggestions_opened: i64,
    pub avoided: i64,
    pub filed_anyway: i64,
}

pub async fn funnel(db: impl PgExecutor<'_>, span: Span) -> sqlx::Result<Funnel> {
    sqlx::query_as(
        "SELECT count(*) FILTER (WHERE source = 'search') AS searches,
                count(*) FILTER (WHERE hits = 0) AS without_results,
                count(*) FILTER (WHERE source = 'new_case' AND hits > 0) AS suggestions_shown,
                count(*) FILTER (WHERE source = 'new_case' AND clicked_article_id IS NOT NULL)
                  AS suggestions_opened,
                (SELECT count(*) FROM deflections WHERE created_at >= $1 AND created_at < $2)
                  AS avoided,
                count(*) FILTER (WHERE source = 'new_case' AND case_id IS NOT NULL) AS filed_anyway
         FROM search_log WHERE created_at >= $1 AND created_at < $2",
    )
    .bind(span.starts)
    .bind(span.ends)
    .fetch_one(db)
    .await
}

/// An article with how it was read and voted.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ArticleRow {
    pub slug: String,
    pub title: String,
    pub view_count: i64,
    pub helpful: i64,
    pub unhelpful: i64,
}

/// The most read published articles (views in all) and the least helpful
/// (the largest share of "not helpful" votes, at least one such vote).
/// One statement each.
pub async fn articles(
    db: impl PgExecutor<'_>,
    least_helpful: bool,
    limit: i64,
) -> sqlx::Result<Vec<ArticleRow>> {
    let (condition, order) = if least_helpful {
        (
            "coalesce(v.unhelpful, 0) > 0",
            "v.unhelpful::float8 / (v.helpful + v.unhelpful) DESC, v.unhelpful DESC, a.id",
        )
    } else {
        ("true", "a.view_count DESC, a.id")
    };
    sqlx::query_as(&format!(
        "SELECT a.slug, rv.title, a.view_count,
                coalesce(v.helpful, 0) AS helpful, coalesce(v.unhelpful, 0) AS unhelpful
         FROM articles a JOIN article_revisions rv ON rv.id = a.published_revision_id
         LEFT JOIN (SELECT article_id, count(*) FILTER (WHERE helpful) AS helpful,
                           count(*) FILTER (WHERE NOT helpful) AS unhelpful
                    FROM article_votes GROUP BY article_id) v ON v.article_id = a.id
         WHERE a.state <> 'archived' AND {condition}
         ORDER BY {order} LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(db)
    .await
}

/// A workshop's sessions in a span: registrations, attendance, no-shows.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct WorkshopRow {
    pub title: String,
    pub sessions: i64,
    pub registrations: i64,
    pub attended: i64,
    pub no_shows: i64,
}

pub async fn workshops(db: impl PgExecutor<'_>, span: Span) -> sqlx::Result<Vec<WorkshopRow>> {
    sqlx::query_as(
        "SELECT rv.title, count(DISTINCT s.id) AS sessions,
                count(g.id) FILTER (WHERE g.status = 'registered') AS registrations,
                count(g.id) FILTER (WHERE g.status = 'registered' AND g.attended) AS attended,
                count(g.id) FILTER (WHERE g.status = 'registered' AND g.attended = false) AS no_shows
         FROM workshop_sessions s JOIN articles a ON a.id = s.article_id
         JOIN article_revisions rv ON rv.id = coalesce(a.published_revision_id, a.latest_revision_id)
         LEFT JOIN workshop_registrations g ON g.session_id = s.id
         WHERE s.starts_at >= $1 AND s.starts_at < $2 AND s.status <> 'cancelled'
         GROUP BY a.id, rv.title ORDER BY registrations DESC, rv.title",
    )
    .bind(span.starts)
    .bind(span.ends)
    .fetch_all(db)
    .await
}

/// The SLA targets by priority, in minutes.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct TargetRow {
    pub priority: String,
    pub first_response_minutes: i32,
    pub resolution_minutes: i32,
}

pub async fn targets(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<TargetRow>> {
    sqlx::query_as(
        "SELECT priority, first_response_minutes, resolution_minutes FROM sla_policies
         ORDER BY array_position(ARRAY['urgent', 'high', 'normal', 'low'], priority)",
    )
    .fetch_all(db)
    .await
}

/// The support calendar's time zone and today's date there.
pub async fn calendar_today(db: impl PgExecutor<'_>) -> sqlx::Result<Option<(String, time::Date)>> {
    sqlx::query_as(
        "SELECT time_zone, (now() AT TIME ZONE time_zone)::date FROM business_calendars
         ORDER BY id LIMIT 1",
    )
    .fetch_optional(db)
    .await
}

/// Ids with their names, as a filter's drop-down lists them.
pub type Named = Vec<(i64, String)>;

#[derive(FromRow)]
struct ChoiceArrays {
    organization_ids: Vec<i64>,
    organization_names: Vec<String>,
    category_ids: Vec<i64>,
    category_names: Vec<String>,
    agent_ids: Vec<i64>,
    agent_names: Vec<String>,
}

/// The choices of the filter form: organizations, categories, staff who
/// work cases. One statement.
pub async fn choices(db: impl PgExecutor<'_>) -> sqlx::Result<(Named, Named, Named)> {
    let row: ChoiceArrays = sqlx::query_as(
        "SELECT
           array(SELECT id FROM organizations ORDER BY name, id) AS organization_ids,
           array(SELECT name FROM organizations ORDER BY name, id) AS organization_names,
           array(SELECT id FROM case_categories ORDER BY name, id) AS category_ids,
           array(SELECT name FROM case_categories ORDER BY name, id) AS category_names,
           array(SELECT id FROM users WHERE role IN ('agent', 'admin')
                 ORDER BY display_name, id) AS agent_ids,
           array(SELECT display_name FROM users WHERE role IN ('agent', 'admin')
                 ORDER BY display_name, id) AS agent_names",
    )
    .fetch_one(db)
    .await?;
    let zip = |ids: Vec<i64>, names: Vec<String>| ids.into_iter().zip(names).collect();
    Ok((
        zip(row.organization_ids, row.organization_names),
        zip(row.category_ids, row.category_names),
        zip(row.agent_ids, row.agent_names),
    ))
}

/// A case as the CSV download shows it.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct CsvRow {
    pub number: i64,
    pub subject: String,
    pub organization: String,
    pub category: String,
    pub priority: String,
    pub channel: String,
    pub status: String,
    pub created_at: OffsetDateTime,
    pub first_response_at: Option<OffsetDateTime>,
    pub first_resolution_at: Option<OffsetDateTime>,
    pub final_resolution_at: Option<OffsetDateTime>,
    pub first_response_seconds: Option<i64>,
    pub first_response_business_seconds: Option<i64>,
    pub final_resolution_seconds: Option<i64>,
    pub final_resolution_business_seconds: Option<i64>,
    pub first_response_met: Option<bool>,
    pub resolution_met: Option<bool>,
    pub reopens: Option<i32>,
    pub agent_replies: Option<i32>,
    pub customer_replies: Option<i32>,
    pub rating: Option<i16>,
}

/// The query of the cases opened or finally solved in the span, in the order
/// they were opened; the caller streams it (`fetch`), so rows are read as
/// they are written out.
pub fn csv_query(dims: &Dimensions, span: Span) -> QueryBuilder<'static, Postgres> {
    let mut sql = QueryBuilder::new(
        "SELECT c.number, c.subject, o.name AS organization, k.name AS category, c.priority,
                c.channel, c.status, c.created_at, m.first_response_at, m.first_resolution_at,
                m.final_resolution_at, m.first_response_seconds, m.first_response_business_seconds,
                m.final_resolution_seconds, m.final_resolution_business_seconds,
                m.first_response_met, m.resolution_met, m.reopens, m.agent_replies,
                m.customer_replies, r.score AS rating
         FROM cases c LEFT JOIN case_metrics m ON m.case_id = c.id
         JOIN organizations o ON o.id = c.organization_id
         JOIN case_categories k ON k.id = c.category_id
         LEFT JOIN case_ratings r ON r.case_id = c.id WHERE true",
    );
    push_dimensions(&mut sql, dims);
    push_in_period(&mut sql, span);
    sql.push(" ORDER BY c.created_at, c.id");
    sql
}

pub async fn organization_name(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT name FROM organizations WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Does the user get the weekly summary?
pub async fn weekly_recipient(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM weekly_summary_recipients WHERE user_id = $1)")
        .bind(user_id)
        .fetch_one(db)
        .await
}

pub async fn set_weekly_recipient(
    db: impl PgExecutor<'_>,
    user_id: i64,
    receives: bool,
) -> sqlx::Result<()> {
    let sql = if receives {
        "INSERT INTO weekly_summary_recipients (user_id) VALUES ($1) ON CONFLICT DO NOTHING"
    } else {
        "DELETE FROM weekly_summary_recipients WHERE user_id = $1"
    };
    sqlx::query(sql).bind(user_id).execute(db).await?;
    Ok(())
}

/// Claim the summary of the week that began on `week_start` for every admin
/// who chose it and has not had it: their addresses (the caller queues their
/// mails in the same transaction).
pub async fn claim_week(
    db: impl PgExecutor<'_>,
    week_start: time::Date,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "WITH claimed AS (
           INSERT INTO weekly_summary_sent (week_start, user_id)
           SELECT $1, w.user_id FROM weekly_summary_recipients w JOIN users u ON u.id = w.user_id
           WHERE u.role = 'admin' AND NOT u.disabled
           ON CONFLICT DO NOTHING RETURNING user_id)
         SELECT u.email FROM claimed c JOIN users u ON u.id = c.user_id ORDER BY u.id",
    )
    .bind(week_start)
    .fetch_all(db)
    .await
}
