//! Account health: the signals of every organization in one statement, the
//! weights, the daily score history, customers leaving and coming back, and
//! the churn model. The figures are explained in the `health` module.
//!
//! The signals are computed set-based: each signal is one aggregate over a
//! join of its table with the organizations asked for, never a query per
//! organization, so the whole list costs one statement at any size.

use super::contacts::UNSORTED_ORGANIZATION;
use serde::Deserialize;
use sqlx::{FromRow, PgExecutor};
use time::{Date, OffsetDateTime};

/// The raw values of every signal of one organization, as they were at `as_of`
/// (now for the list; before the leaving day for the churn model).
#[derive(Debug, Clone, Default, PartialEq, FromRow, Deserialize)]
pub struct SignalRow {
    pub organization_id: i64,
    pub organization: String,
    /// Cases opened in the 30 days before `as_of`, and in the 30 days before those.
    pub cases_recent: i64,
    pub cases_before: i64,
    /// Cases open at `as_of`, and the age of the oldest in whole days.
    pub open_cases: i64,
    pub oldest_open_days: Option<i32>,
    /// Cases opened in the 90 days before `as_of` that missed an SLA target
    /// (`case_metrics`), and their reopenings.
    pub sla_breaches: i64,
    pub reopens: i64,
    /// The last five ratings (at most) before `as_of`: how many, their average.
    pub ratings: i64,
    pub rating_average: Option<f64>,
    /// Invoices unpaid past their due day at `as_of`, and the days the oldest is overdue.
    pub overdue_invoices: i64,
    pub overdue_days: Option<i32>,
    /// Days from the last order (not cancelled) to `as_of`; None: never ordered.
    pub days_since_order: Option<i32>,
    /// Order totals (minor units, whatever the currency) of the 90 days before
    /// `as_of` and of the 90 before those.
    pub order_value_recent: i64,
    pub order_value_before: i64,
    /// Its people's workshop registrations of the 180 days before `as_of`:
    /// attended, and marked absent.
    pub workshops_attended: i64,
    pub workshop_no_shows: i64,
    /// Its people's sign-ins and searches in the 30 days before `as_of`.
    pub sign_ins: i64,
    pub searches: i64,
    /// Days from the last public message on its cases, either way; None: never.
    pub days_since_contact: Option<i32>,
}

/// The signals SQL for the organizations of `targets`: a query that yields
/// `organization_id bigint` and `as_of timestamptz`, one row per organization.
pub fn signals_sql(targets: &str) -> String {
    format!(
        "WITH t AS (
             SELECT o.id AS organization_id, o.name, x.as_of,
                    (x.as_of AT TIME ZONE 'UTC')::date AS as_day
             FROM ({targets}) x JOIN organizations o ON o.id = x.organization_id
         ),
         -- The earliest moment asked for: a bound the planner can use on
         -- indexed times, so the windows below read only their days.
         b AS (SELECT min(as_of) AS low FROM t),
         -- Cases opened in the 90 days before: their volume in two 30-day
         -- windows, SLA misses and reopenings, in one read of those cases.
         recent AS (
             SELECT t.organization_id,
                    count(*) FILTER (WHERE c.created_at >= t.as_of - interval '30 days') AS recent,
                    count(*) FILTER (WHERE c.created_at < t.as_of - interval '30 days'
                                       AND c.created_at >= t.as_of - interval '60 days') AS before,
                    count(*) FILTER (WHERE m.first_response_met = false
                                        OR m.resolution_met = false) AS breaches,
                    coalesce(sum(m.reopens), 0)::int8 AS reopens
             FROM t JOIN cases c ON c.organization_id = t.organization_id
                  AND c.created_at >= t.as_of - interval '90 days' AND c.created_at < t.as_of
                  AND c.created_at >= (SELECT low FROM b) - interval '90 days'
             LEFT JOIN case_metrics m ON m.case_id = c.id
             GROUP BY t.organization_id
         ),
         -- Open at `as_of`: still active, or solved or closed after it. Only
         -- those two kinds are read (the second by `cases_ended_idx`), not
         -- every finished case.
         open_cases AS (
             SELECT t.organization_id, count(*) AS open_cases,
                    floor(extract(epoch FROM max(t.as_of - c.created_at)) / 86400)::int AS oldest_days
             FROM t JOIN (
                     SELECT organization_id, created_at, status, solved_at, closed_at FROM cases
                     WHERE status IN ('new', 'open', 'pending', 'on_hold')
                     UNION ALL
                     SELECT organization_id, created_at, status, solved_at, closed_at FROM cases
                     WHERE status IN ('solved', 'closed')
                       AND coalesce(solved_at, closed_at) > (SELECT low FROM b)
                  ) c ON c.organization_id = t.organization_id AND c.created_at < t.as_of
                  AND (c.status IN ('new', 'open', 'pending', 'on_hold')
                       OR coalesce(c.solved_at, c.closed_at) > t.as_of)
             GROUP BY t.organization_id
         ),
         rated AS (
             SELECT organization_id, count(*) AS ratings, avg(score)::float8 AS average
             FROM (SELECT t.organization_id, r.score,
                          row_number() OVER (PARTITION BY t.organization_id
                                             ORDER BY r.rated_at DESC, r.case_id DESC) AS n
                   FROM t JOIN cases c ON c.organization_id = t.organization_id
                   JOIN case_ratings r ON r.case_id = c.id AND r.rated_at < t.as_of) last
             WHERE n <= 5
             GROUP BY organization_id
         ),
         overdue AS (
             SELECT t.organization_id, count(*) AS invoices, max(t.as_day - i.due_on) AS days
             FROM t JOIN invoices i ON i.organization_id = t.organization_id
                  AND i.due_on < t.as_day AND i.issued_on <= t.as_day
                  AND (i.status = 'open' OR (i.status = 'paid' AND i.paid_on > t.as_day))
             GROUP BY t.organization_id
         ),
         ordered AS (
             SELECT t.organization_id, max(t.as_day) - max(o.ordered_on) AS days_since,
                    coalesce(sum(o.total_minor) FILTER (WHERE o.ordered_on > t.as_day - 90), 0)::int8 AS recent,
                    coalesce(sum(o.total_minor) FILTER (WHERE o.ordered_on <= t.as_day - 90
                                                          AND o.ordered_on > t.as_day - 180), 0)::int8 AS before
             FROM t JOIN orders o ON o.organization_id = t.organization_id
                  AND o.ordered_on <= t.as_day AND o.status <> 'cancelled'
             GROUP BY t.organization_id
         ),
         trained AS (
             SELECT t.organization_id,
                    count(*) FILTER (WHERE r.attended) AS attended,
                    count(*) FILTER (WHERE r.attended = false) AS no_shows
             FROM t JOIN users u ON u.organization_id = t.organization_id
             JOIN workshop_registrations r ON r.user_id = u.id AND r.status = 'registered'
             JOIN workshop_sessions s ON s.id = r.session_id AND s.starts_at < t.as_of
                  AND s.starts_at >= t.as_of - interval '180 days'
             GROUP BY t.organization_id
         ),
         signed_in AS (
             SELECT t.organization_id, count(*) AS sign_ins
             FROM t JOIN users u ON u.organization_id = t.organization_id
             JOIN account_sessions a ON a.user_id = u.id
                  AND a.created_at >= t.as_of - interval '30 days' AND a.created_at < t.as_of
             GROUP BY t.organization_id
         ),
         searched AS (
             SELECT t.organization_id, count(*) AS searches
             FROM t JOIN users u ON u.organization_id = t.organization_id
             JOIN search_log l ON l.user_id = u.id
                  AND l.created_at >= t.as_of - interval '30 days' AND l.created_at < t.as_of
             GROUP BY t.organization_id
         ),
         contact AS (
             SELECT t.organization_id,
                    floor(extract(epoch FROM max(t.as_of) - max(m.created_at)) / 86400)::int AS days
             FROM t JOIN cases c ON c.organization_id = t.organization_id
             JOIN case_messages m ON m.case_id = c.id AND NOT m.internal AND m.created_at < t.as_of
             GROUP BY t.organization_id
         )
         SELECT t.organization_id, t.name AS organization,
                coalesce(recent.recent, 0) AS cases_recent, coalesce(recent.before, 0) AS cases_before,
                coalesce(open_cases.open_cases, 0) AS open_cases,
                open_cases.oldest_days AS oldest_open_days,
                coalesce(recent.breaches, 0) AS sla_breaches, coalesce(recent.reopens, 0) AS reopens,
                coalesce(rated.ratings, 0) AS ratings, rated.average AS rating_average,
                coalesce(overdue.invoices, 0) AS overdue_invoices, overdue.days AS overdue_days,
                ordered.days_since AS days_since_order,
                coalesce(ordered.recent, 0) AS order_value_recent,
                coalesce(ordered.before, 0) AS order_value_before,
                coalesce(trained.attended, 0) AS workshops_attended,
                coalesce(trained.no_shows, 0) AS workshop_no_shows,
                coalesce(signed_in.sign_ins, 0) AS sign_ins,
                coalesce(searched.searches, 0) AS searches,
                contact.days AS days_since_contact
         FROM t
         LEFT JOIN recent USING (organization_id)
         LEFT JOIN open_cases USING (organization_id)
         LEFT JOIN rated USING (organization_id)
         LEFT JOIN overdue USING (organization_id)
         LEFT JOIN ordered USING (organization_id)
         LEFT JOIN trained USING (organization_id)
         LEFT JOIN signed_in USING (organization_id)
         LEFT JOIN searched USING (organization_id)
         LEFT JOIN contact USING (organization_id)"
    )
}

/// The organizations that are customers at `$1` (a timestamptz): those whose
/// latest churn event on or before that day is not a leaving. "Unsorted",
/// where mail in keeps strangers, is nobody's customer.
fn customers_at() -> String {
    format!(
        "SELECT o.id AS organization_id, $1::timestamptz AS as_of
         FROM organizations o
         WHERE o.name <> '{UNSORTED_ORGANIZATION}'
           AND coalesce((SELECT e.kind FROM churn_events e
                         WHERE e.organization_id = o.id
                           AND e.on_day <= ($1::timestamptz AT TIME ZONE 'UTC')::date
                         ORDER BY e.on_day DESC, e.id DESC LIMIT 1), 'returned') <> 'left'"
    )
}

/// The signals of every current customer, now.
pub async fn customer_signals(
    db: impl PgExecutor<'_>,
    now: OffsetDateTime,
) -> sqlx::Result<Vec<SignalRow>> {
    sqlx::query_as(&signals_sql(&customers_at()))
        .bind(now)
        .fetch_all(db)
        .await
}

/// The signals of one organization, now (whether it is a customer or not).
pub async fn organization_signals(
    db: impl PgExecutor<'_>,
    organization_id: i64,
    now: OffsetDateTime,
) -> sqlx::Result<Option<SignalRow>> {
    sqlx::query_as(&signals_sql(
        "SELECT $1::bigint AS organization_id, $2::timestamptz AS as_of",
    ))
    .bind(organization_id)
    .bind(now)
    .fetch_optional(db)
    .await
}

/// The signals of the given organizations, each as of its own moment (the
/// churn model's training set: left organizations as they were before leaving).
pub async fn signals_as_of(
    db: impl PgExecutor<'_>,
    organization_ids: &[i64],
    as_of: &[OffsetDateTime],
) -> sqlx::Result<Vec<SignalRow>> {
    sqlx::query_as(&signals_sql(
        "SELECT * FROM unnest($1::bigint[], $2::timestamptz[]) AS x (organization_id, as_of)",
    ))
    .bind(organization_ids)
    .bind(as_of)
    .fetch_all(db)
    .await
}

/// The weights as (signal name, percent).
pub async fn weights(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(String, i32)>> {
    sqlx::query_as("SELECT signal, weight FROM health_weights ORDER BY signal")
        .fetch_all(db)
        .await
}

/// The weights as JSON `[[name, percent], ...]`, for statements that carry
/// them along (the case sidebar).
pub const WEIGHTS_JSON_SQL: &str =
    "(SELECT coalesce(json_agg(json_build_array(signal, weight)), '[]') FROM health_weights)";

/// Save every weight at once.
pub async fn save_weights(
    db: impl PgExecutor<'_>,
    signals: &[String],
    weights: &[i32],
    actor: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE health_weights w SET weight = x.weight, updated_by = $3, updated_at = now()
         FROM unnest($1::text[], $2::int[]) AS x (signal, weight)
         WHERE w.signal = x.signal AND w.weight <> x.weight",
    )
    .bind(signals)
    .bind(weights)
    .bind(actor)
    .execute(db)
    .await?;
    Ok(())
}

/// The score of each organization on the oldest day of the history since
/// `since`: where the trend starts.
pub async fn scores_since(
    db: impl PgExecutor<'_>,
    since: Date,
) -> sqlx::Result<Vec<(i64, Date, i16)>> {
    sqlx::query_as(
        "SELECT DISTINCT ON (organization_id) organization_id, day, score
         FROM health_scores WHERE day >= $1
         ORDER BY organization_id, day",
    )
    .bind(since)
    .fetch_all(db)
    .await
}

/// One organization's score history since `since`, oldest first.
pub async fn history(
    db: impl PgExecutor<'_>,
    organization_id: i64,
    since: Date,
) -> sqlx::Result<Vec<(Date, i16)>> {
    sqlx::query_as(
        "SELECT day, score FROM health_scores
         WHERE organization_id = $1 AND day >= $2 ORDER BY day",
    )
    .bind(organization_id)
    .bind(since)
    .fetch_all(db)
    .await
}

/// Claim `day` for the history: true for the one caller that writes it.
pub async fn claim_day(db: impl PgExecutor<'_>, day: Date) -> sqlx::Result<bool> {
    let claimed =
        sqlx::query("INSERT INTO health_score_days (day) VALUES ($1) ON CONFLICT (day) DO NOTHING")
            .bind(day)
            .execute(db)
            .await?;
    Ok(claimed.rows_affected() == 1)
}

/// Write the scores of `day`: (organization, score, features).
pub async fn write_scores(
    db: impl PgExecutor<'_>,
    day: Date,
    organization_ids: &[i64],
    scores: &[i16],
    features: &[String],
) -> sqlx::Result<()> {
    // Arrays of arrays cannot be bound ragged; each feature vector goes as
    // its text form ('{1,2,3}') and is cast back.
    sqlx::query(
        "INSERT INTO health_scores (organization_id, day, score, features)
         SELECT x.organization_id, $1, x.score, x.features::float8[]
         FROM unnest($2::bigint[], $3::int2[], $4::text[]) AS x (organization_id, score, features)
         ON CONFLICT (organization_id, day) DO NOTHING",
    )
    .bind(day)
    .bind(organization_ids)
    .bind(scores)
    .bind(features)
    .execute(db)
    .await?;
    Ok(())
}

/// The history rows of the given organizations before their own day (the
/// left organizations before leaving): (organization, day, features).
pub async fn history_before(
    db: impl PgExecutor<'_>,
    organization_ids: &[i64],
    before: &[Date],
) -> sqlx::Result<Vec<(i64, Date, Vec<f64>)>> {
    sqlx::query_as(
        "SELECT h.organization_id, h.day, h.features
         FROM unnest($1::bigint[], $2::date[]) AS x (organization_id, before)
         JOIN health_scores h ON h.organization_id = x.organization_id
              AND h.day < x.before AND h.day >= x.before - 180
         ORDER BY h.organization_id, h.day",
    )
    .bind(organization_ids)
    .bind(before)
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct ChurnEventRow {
    pub id: i64,
    pub organization_id: i64,
    pub kind: String,
    pub on_day: Date,
    pub reason: String,
    pub recorded_by: String,
    pub recorded_at: OffsetDateTime,
}

/// Record that an organization left or came back.
pub async fn record_churn_event(
    db: impl PgExecutor<'_>,
    organization_id: i64,
    kind: &str,
    on_day: Date,
    reason: &str,
    actor: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO churn_events (organization_id, kind, on_day, reason, recorded_by)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(organization_id)
    .bind(kind)
    .bind(on_day)
    .bind(reason)
    .bind(actor)
    .fetch_one(db)
    .await
}

/// One organization's churn events, latest first.
pub async fn churn_events(
    db: impl PgExecutor<'_>,
    organization_id: i64,
) -> sqlx::Result<Vec<ChurnEventRow>> {
    sqlx::query_as(
        "SELECT e.id, e.organization_id, e.kind, e.on_day, e.reason,
                u.display_name AS recorded_by, e.recorded_at
         FROM churn_events e JOIN users u ON u.id = e.recorded_by
         WHERE e.organization_id = $1
         ORDER BY e.on_day DESC, e.id DESC",
    )
    .bind(organization_id)
    .fetch_all(db)
    .await
}

/// Every churn event (oldest first): the churn report's input.
pub async fn all_churn_events(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(i64, String, Date)>> {
    sqlx::query_as("SELECT organization_id, kind, on_day FROM churn_events ORDER BY on_day, id")
        .fetch_all(db)
        .await
}

/// Every organization with the day it became a customer: its first order
/// (not cancelled), or the day it was created when it never ordered.
/// "Unsorted" is left out: it holds strangers, not a customer.
pub async fn customer_since(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(i64, String, Date)>> {
    sqlx::query_as(
        "SELECT o.id, o.name,
                coalesce((SELECT min(ordered_on) FROM orders
                          WHERE organization_id = o.id AND status <> 'cancelled'),
                         (o.created_at AT TIME ZONE 'UTC')::date)
         FROM organizations o WHERE o.name <> $1 ORDER BY o.id",
    )
    .bind(UNSORTED_ORGANIZATION)
    .fetch_all(db)
    .await
}

/// Invoice totals (not void) per organization, month and currency, for
/// invoices issued on or after `since`: (organization, first of the month,
/// currency, total in minor units).
pub async fn monthly_invoice_totals(
    db: impl PgExecutor<'_>,
    since: Date,
) -> sqlx::Result<Vec<(i64, Date, String, i64)>> {
    sqlx::query_as(
        "SELECT organization_id, date_trunc('month', issued_on)::date, currency,
                sum(total_minor)::int8
         FROM invoices WHERE status <> 'void' AND issued_on >= $1
         GROUP BY 1, 2, 3",
    )
    .bind(since)
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct ChurnModelRow {
    pub trained_at: OffsetDateTime,
    pub organizations: i32,
    pub left_organizations: i32,
    pub held_out: i32,
    pub features: Vec<String>,
    pub means: Vec<f64>,
    pub scales: Vec<f64>,
    pub coefficients: Vec<f64>,
    pub intercept: f64,
    pub auc: f64,
    pub precision_top_decile: f64,
    pub median_days_ahead: Option<f64>,
    pub warned: i32,
    pub with_history: i32,
}

/// The latest churn model, if one was trained.
pub async fn latest_model(db: impl PgExecutor<'_>) -> sqlx::Result<Option<ChurnModelRow>> {
    sqlx::query_as(
        "SELECT trained_at, organizations, left_organizations, held_out, features, means,
                scales, coefficients, intercept, auc, precision_top_decile,
                median_days_ahead, warned, with_history
         FROM churn_models ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(db)
    .await
}

pub async fn save_model(db: impl PgExecutor<'_>, m: &ChurnModelRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO churn_models (trained_at, organizations, left_organizations, held_out,
             features, means, scales, coefficients, intercept, auc, precision_top_decile,
             median_days_ahead, warned, with_history)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(m.trained_at)
    .bind(m.organizations)
    .bind(m.left_organizations)
    .bind(m.held_out)
    .bind(&m.features)
    .bind(&m.means)
    .bind(&m.scales)
    .bind(&m.coefficients)
    .bind(m.intercept)
    .bind(m.auc)
    .bind(m.precision_top_decile)
    .bind(m.median_days_ahead)
    .bind(m.warned)
    .bind(m.with_history)
    .execute(db)
    .await?;
    Ok(())
}

/// The organizations that left and are still gone, with their (latest)
/// leaving day.
pub async fn left_organizations(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(i64, Date)>> {
    sqlx::query_as(
        "SELECT organization_id, on_day FROM (
             SELECT DISTINCT ON (organization_id) organization_id, kind, on_day
             FROM churn_events ORDER BY organization_id, on_day DESC, id DESC) latest
         WHERE kind = 'left' ORDER BY organization_id",
    )
    .fetch_all(db)
    .await
}
