//! The change sequence (`changes`): written in the transaction of each
//! change, read by the incremental export and the webhook worker.
//!
//! Numbers come from the one row of `change_counter`, locked by the writing
//! transaction until it commits. So numbers are handed out in commit order
//! and without gaps: a reader that sees change N has seen all before it.
//! Writers call this as the last statement before committing, so the lock is
//! held for as short a time as possible and always after the rows a
//! transaction changes (no lock-order deadlock).

use serde_json::Value;
use sqlx::{FromRow, PgConnection, PgExecutor};
use time::OffsetDateTime;

/// One change to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewChange {
    pub event: &'static str,
    pub entity: &'static str,
    pub entity_id: i64,
    pub deleted: bool,
    pub organization_id: Option<i64>,
    pub staff_only: bool,
    pub case_id: Option<i64>,
    pub data: Value,
}

/// Append `changes`, numbered in their order, after every change committed before.
pub async fn append(db: &mut PgConnection, changes: &[NewChange]) -> sqlx::Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let mut events = Vec::with_capacity(changes.len());
    let mut entities = Vec::with_capacity(changes.len());
    let mut ids = Vec::with_capacity(changes.len());
    let mut deleted = Vec::with_capacity(changes.len());
    let mut organizations = Vec::with_capacity(changes.len());
    let mut staff_only = Vec::with_capacity(changes.len());
    let mut cases = Vec::with_capacity(changes.len());
    let mut data = Vec::with_capacity(changes.len());
    for c in changes {
        events.push(c.event);
        entities.push(c.entity);
        ids.push(c.entity_id);
        deleted.push(c.deleted);
        organizations.push(c.organization_id);
        staff_only.push(c.staff_only);
        cases.push(c.case_id);
        data.push(c.data.clone());
    }
    sqlx::query(
        "WITH input AS (
            SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::boolean[],
                                 $5::bigint[], $6::boolean[], $7::bigint[], $8::jsonb[])
                   WITH ORDINALITY
                   AS i(event, entity, entity_id, deleted, organization_id, staff_only,
                        case_id, data, ord)
         ), counter AS (
            UPDATE change_counter SET last_seq = last_seq + cardinality($1::text[])
            RETURNING last_seq - cardinality($1::text[]) AS base
         )
         INSERT INTO changes (seq, event, entity, entity_id, deleted, organization_id,
                              staff_only, case_id, data)
         SELECT counter.base + i.ord, i.event, i.entity, i.entity_id, i.deleted,
                i.organization_id, i.staff_only, i.case_id, i.data
         FROM input i, counter",
    )
    .bind(&events)
    .bind(&entities)
    .bind(&ids)
    .bind(&deleted)
    .bind(&organizations)
    .bind(&staff_only)
    .bind(&cases)
    .bind(&data)
    .execute(db)
    .await?;
    Ok(())
}

/// Record `event` for each of `case_ids`, with the case's number, status and
/// priority as its data. One statement.
pub async fn append_cases(
    db: &mut PgConnection,
    event: &'static str,
    case_ids: &[i64],
) -> sqlx::Result<()> {
    if case_ids.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "WITH input AS (
            SELECT c.id, c.organization_id,
                   jsonb_build_object('number', 'C-' || c.number, 'status', c.status,
                                      'priority', c.priority) AS data,
                   row_number() OVER (ORDER BY c.id) AS ord,
                   count(*) OVER () AS n
            FROM cases c WHERE c.id = ANY($2)
         ), counter AS (
            UPDATE change_counter
            SET last_seq = last_seq + (SELECT count(*) FROM input)
            RETURNING last_seq - (SELECT count(*) FROM input) AS base
         )
         INSERT INTO changes (seq, event, entity, entity_id, organization_id, case_id, data)
         SELECT counter.base + i.ord, $1, 'case', i.id, i.organization_id, i.id, i.data
         FROM input i, counter",
    )
    .bind(event)
    .bind(case_ids)
    .execute(db)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct ChangeRow {
    pub seq: i64,
    pub at: OffsetDateTime,
    pub event: String,
    pub entity: String,
    pub entity_id: i64,
    pub deleted: bool,
    pub organization_id: Option<i64>,
    pub case_id: Option<i64>,
    pub data: Value,
}

/// Whose changes a reader may see.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedScope {
    /// Which kinds of entity (`changes.entity`).
    pub entities: Vec<&'static str>,
    /// `Some`: only this organization's changes, and none that are staff-only.
    pub organization_id: Option<i64>,
}

/// Up to `limit` changes after `after` that `scope` may see, in order.
pub async fn after(
    db: impl PgExecutor<'_>,
    after: i64,
    limit: i64,
    scope: &FeedScope,
) -> sqlx::Result<Vec<ChangeRow>> {
    sqlx::query_as(
        "SELECT seq, at, event, entity, entity_id, deleted, organization_id, case_id, data
         FROM changes
         WHERE seq > $1
           AND entity = ANY($3)
           AND ($4::bigint IS NULL OR (organization_id = $4 AND NOT staff_only))
         ORDER BY seq
         LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .bind(&scope.entities)
    .bind(scope.organization_id)
    .fetch_all(db)
    .await
}

/// The number of the last committed change.
pub async fn head(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT last_seq FROM change_counter")
        .fetch_one(db)
        .await
}
