//! The SQL of `reports::metrics`: what a case's figures are computed from,
//! and where they are stored. Each function takes any number of cases and is
//! one statement, so measuring a batch costs the same as measuring one case.
//! The types are `reports::metrics`' (it re-exports them): what it measures
//! from, and what it stores.

use sqlx::{FromRow, PgExecutor};
use std::collections::HashMap;
use time::OffsetDateTime;

/// A case's state as the metrics need it.
#[derive(Debug, Clone)]
pub struct CaseFacts {
    pub created_at: OffsetDateTime,
    pub first_response_due_at: Option<OffsetDateTime>,
    pub resolution_due_at: Option<OffsetDateTime>,
}

/// One entry of a case's history, oldest first.
#[derive(Debug, Clone)]
pub enum Happening {
    /// The status changed to `to` (by `actor`: None when Rapport did it).
    Status {
        at: OffsetDateTime,
        actor: Option<i64>,
        staff: bool,
        to: String,
    },
    /// Another change by someone (priority, assignee, tags...).
    Change { actor: Option<i64>, staff: bool },
    /// A message; `internal` notes are staff-only.
    Message {
        at: OffsetDateTime,
        author: i64,
        staff: bool,
        internal: bool,
    },
}

/// The figures of one case (one `case_metrics` row).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseMetrics {
    pub first_response_at: Option<OffsetDateTime>,
    pub first_resolution_at: Option<OffsetDateTime>,
    pub final_resolution_at: Option<OffsetDateTime>,
    pub reopens: i32,
    pub customer_replies: i32,
    pub agent_replies: i32,
    pub agents_touched: Vec<i64>,
    pub solved_by: Option<i64>,
    pub first_response_seconds: Option<i64>,
    pub first_response_business_seconds: Option<i64>,
    pub first_resolution_seconds: Option<i64>,
    pub first_resolution_business_seconds: Option<i64>,
    pub final_resolution_seconds: Option<i64>,
    pub final_resolution_business_seconds: Option<i64>,
    pub pending_business_seconds: i64,
    pub first_response_met: Option<bool>,
    pub resolution_met: Option<bool>,
}

/// Staff roles, in SQL: the people whose messages answer a case.
const STAFF_ROLES: &str = "('agent', 'admin')";

#[derive(FromRow)]
struct FactsRow {
    id: i64,
    created_at: OffsetDateTime,
    first_response_due_at: Option<OffsetDateTime>,
    resolution_due_at: Option<OffsetDateTime>,
}

/// The cases' opening times and due times, by id.
pub async fn case_facts(
    db: impl PgExecutor<'_>,
    case_ids: &[i64],
) -> sqlx::Result<Vec<(i64, CaseFacts)>> {
    let rows: Vec<FactsRow> = sqlx::query_as(
        "SELECT id, created_at, first_response_due_at, resolution_due_at
         FROM cases WHERE id = ANY($1)",
    )
    .bind(case_ids)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.id,
                CaseFacts {
                    created_at: r.created_at,
                    first_response_due_at: r.first_response_due_at,
                    resolution_due_at: r.resolution_due_at,
                },
            )
        })
        .collect())
}

#[derive(FromRow)]
struct HistoryRow {
    case_id: i64,
    kind: String,
    at: OffsetDateTime,
    actor_id: Option<i64>,
    staff: bool,
    internal: bool,
    new_value: Option<String>,
}

/// The status changes, other changes and messages of the cases, oldest first
/// per case (a message and a change at the same instant: the message first,
/// as a reply that solves a case is written before its status).
pub async fn histories(
    db: impl PgExecutor<'_>,
    case_ids: &[i64],
) -> sqlx::Result<HashMap<i64, Vec<Happening>>> {
    let rows: Vec<HistoryRow> = sqlx::query_as(&format!(
        "SELECT case_id, kind, at, actor_id, staff, internal, new_value FROM (
            SELECT m.case_id, 'message' AS kind, m.created_at AS at, m.author_id AS actor_id,
                   m.author_role IN {STAFF_ROLES} AS staff, m.internal, NULL AS new_value,
                   0 AS sort, m.id
            FROM case_messages m WHERE m.case_id = ANY($1)
            UNION ALL
            SELECT e.case_id, CASE WHEN e.field = 'status' THEN 'status' ELSE 'change' END,
                   e.at, e.actor_id, coalesce(u.role IN {STAFF_ROLES}, false), false, e.new_value,
                   1, e.id
            FROM case_events e LEFT JOIN users u ON u.id = e.actor_id
            WHERE e.case_id = ANY($1)
         ) h
         ORDER BY case_id, at, sort, id"
    ))
    .bind(case_ids)
    .fetch_all(db)
    .await?;
    let mut histories: HashMap<i64, Vec<Happening>> = HashMap::new();
    for row in rows {
        let happening = match row.kind.as_str() {
            "message" => Happening::Message {
                at: row.at,
                author: row.actor_id.unwrap_or_default(),
                staff: row.staff,
                internal: row.internal,
            },
            "status" => Happening::Status {
                at: row.at,
                actor: row.actor_id,
                staff: row.staff,
                to: row.new_value.unwrap_or_default(),
            },
            _ => Happening::Change {
                actor: row.actor_id,
                staff: row.staff,
            },
        };
        histories.entry(row.case_id).or_default().push(happening);
    }
    Ok(histories)
}

/// Store the figures (replacing what was there), one statement for all.
pub async fn store_metrics(
    db: impl PgExecutor<'_>,
    rows: &[(i64, CaseMetrics)],
) -> sqlx::Result<()> {
    fn column<T: Clone>(rows: &[(i64, CaseMetrics)], get: impl Fn(&CaseMetrics) -> T) -> Vec<T> {
        rows.iter().map(|(_, m)| get(m)).collect()
    }
    let ids: Vec<i64> = rows.iter().map(|(id, _)| *id).collect();
    // Postgres has no array of arrays of different lengths: the agents go as
    // text ("{1,2}") and are cast back.
    let agents: Vec<String> = column(rows, |m| {
        let ids: Vec<String> = m.agents_touched.iter().map(i64::to_string).collect();
        format!("{{{}}}", ids.join(","))
    });
    sqlx::query(
        "INSERT INTO case_metrics (case_id, first_response_at, first_resolution_at,
            final_resolution_at, reopens, customer_replies, agent_replies, agents_touched,
            solved_by, first_response_seconds, first_response_business_seconds,
            first_resolution_seconds, first_resolution_business_seconds,
            final_resolution_seconds, final_resolution_business_seconds,
            pending_business_seconds, first_response_met, resolution_met, computed_at)
         SELECT m.case_id, m.first_response_at, m.first_resolution_at, m.final_resolution_at,
                m.reopens, m.customer_replies, m.agent_replies, m.agents::bigint[], m.solved_by,
                m.frs, m.frbs, m.fres, m.frebs, m.fins, m.finbs, m.pbs, m.frm, m.rm, now()
         FROM unnest($1::bigint[], $2::timestamptz[], $3::timestamptz[], $4::timestamptz[],
                     $5::int[], $6::int[], $7::int[], $8::text[], $9::bigint[],
                     $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[],
                     $14::bigint[], $15::bigint[], $16::bigint[], $17::bool[], $18::bool[])
              AS m(case_id, first_response_at, first_resolution_at, final_resolution_at,
                   reopens, customer_replies, agent_replies, agents, solved_by,
                   frs, frbs, fres, frebs, fins, finbs, pbs, frm, rm)
         ON CONFLICT (case_id) DO UPDATE SET
            first_response_at = EXCLUDED.first_response_at,
            first_resolution_at = EXCLUDED.first_resolution_at,
            final_resolution_at = EXCLUDED.final_resolution_at,
            reopens = EXCLUDED.reopens,
            customer_replies = EXCLUDED.customer_replies,
            agent_replies = EXCLUDED.agent_replies,
            agents_touched = EXCLUDED.agents_touched,
            solved_by = EXCLUDED.solved_by,
            first_response_seconds = EXCLUDED.first_response_seconds,
            first_response_business_seconds = EXCLUDED.first_response_business_seconds,
            first_resolution_seconds = EXCLUDED.first_resolution_seconds,
            first_resolution_business_seconds = EXCLUDED.first_resolution_business_seconds,
            final_resolution_seconds = EXCLUDED.final_resolution_seconds,
            final_resolution_business_seconds = EXCLUDED.final_resolution_business_seconds,
            pending_business_seconds = EXCLUDED.pending_business_seconds,
            first_response_met = EXCLUDED.first_response_met,
            resolution_met = EXCLUDED.resolution_met,
            computed_at = EXCLUDED.computed_at",
    )
    .bind(&ids)
    .bind(column(rows, |m| m.first_response_at))
    .bind(column(rows, |m| m.first_resolution_at))
    .bind(column(rows, |m| m.final_resolution_at))
    .bind(column(rows, |m| m.reopens))
    .bind(column(rows, |m| m.customer_replies))
    .bind(column(rows, |m| m.agent_replies))
    .bind(agents)
    .bind(column(rows, |m| m.solved_by))
    .bind(column(rows, |m| m.first_response_seconds))
    .bind(column(rows, |m| m.first_response_business_seconds))
    .bind(column(rows, |m| m.first_resolution_seconds))
    .bind(column(rows, |m| m.first_resolution_business_seconds))
    .bind(column(rows, |m| m.final_resolution_seconds))
    .bind(column(rows, |m| m.final_resolution_business_seconds))
    .bind(column(rows, |m| m.pending_business_seconds))
    .bind(column(rows, |m| m.first_response_met))
    .bind(column(rows, |m| m.resolution_met))
    .execute(db)
    .await?;
    Ok(())
}

/// Up to `limit` cases without figures, oldest first.
pub async fn unmeasured_cases(db: impl PgExecutor<'_>, limit: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT c.id FROM cases c
         WHERE NOT EXISTS (SELECT 1 FROM case_metrics m WHERE m.case_id = c.id)
         ORDER BY c.id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db)
    .await
}
