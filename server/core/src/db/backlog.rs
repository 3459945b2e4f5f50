//! The SQL of `reports::backlog`: the waiting cases at the end of past days.

use sqlx::PgExecutor;
use time::Date;

/// The last day written, if any.
pub async fn last_written_day(db: impl PgExecutor<'_>) -> sqlx::Result<Option<Date>> {
    sqlx::query_scalar("SELECT max(day) FROM backlog_snapshot_days")
        .fetch_one(db)
        .await
}

/// The local day (in `time_zone`) the first case was opened, if any.
pub async fn first_case_day(
    db: impl PgExecutor<'_>,
    time_zone: &str,
) -> sqlx::Result<Option<Date>> {
    sqlx::query_scalar("SELECT (min(created_at) AT TIME ZONE $1)::date FROM cases")
        .bind(time_zone)
        .fetch_one(db)
        .await
}

/// Write the backlog at the end of each day from `from` to `to` (local days
/// in `time_zone`), from the status history: each case's status at the end of
/// a day is its last status change before then ("new" before the first). The
/// other dimensions (priority, category, organization, assignee) are the
/// case's current ones: the history names them rather than storing their ids,
/// and the daily job writes each day just after it ends, when they are still
/// those of that day. Days already written are left alone. Returns the number
/// of days written.
///
/// Each status interval is expanded to the days whose end it covers, so the
/// work grows with the days cases actually waited, not cases × days.
pub async fn write_days(
    db: impl PgExecutor<'_>,
    time_zone: &str,
    from: Date,
    to: Date,
) -> sqlx::Result<u64> {
    let written = sqlx::query(
        "WITH changes AS (
            SELECT id AS case_id, created_at AS at, 'new' AS status, 0 AS sort, 0::bigint AS seq
            FROM cases
            UNION ALL
            SELECT case_id, at, new_value, 1, id FROM case_events WHERE field = 'status'
         ), intervals AS (
            SELECT case_id, status, at AS since,
                   lead(at) OVER (PARTITION BY case_id ORDER BY at, sort, seq) AS until
            FROM changes
         ), days AS (
            SELECT g.day::date AS day
            FROM generate_series($2::date, $3::date, interval '1 day') AS g(day)
            WHERE NOT EXISTS (SELECT 1 FROM backlog_snapshot_days w WHERE w.day = g.day::date)
         ), waiting AS (
            SELECT d.day, i.case_id, i.status
            FROM intervals i
            CROSS JOIN LATERAL generate_series(
                greatest((i.since AT TIME ZONE $1)::date, $2::date),
                least((coalesce(i.until, now()) AT TIME ZONE $1)::date, $3::date),
                interval '1 day') AS g(day)
            JOIN days d ON d.day = g.day::date
            WHERE i.status IN ('new', 'open', 'pending', 'on_hold')
              AND i.since < ((d.day + 1)::timestamp AT TIME ZONE $1)
              AND (i.until IS NULL OR i.until >= ((d.day + 1)::timestamp AT TIME ZONE $1))
         ), counted AS (
            INSERT INTO backlog_snapshots
                (day, status, priority, category_id, organization_id, assignee_id, cases)
            SELECT w.day, w.status, c.priority, c.category_id, c.organization_id,
                   coalesce(c.assignee_id, 0), count(*)
            FROM waiting w JOIN cases c ON c.id = w.case_id
            GROUP BY 1, 2, 3, 4, 5, 6
            ON CONFLICT DO NOTHING
         )
         INSERT INTO backlog_snapshot_days (day) SELECT day FROM days ON CONFLICT DO NOTHING",
    )
    .bind(time_zone)
    .bind(from)
    .bind(to)
    .execute(db)
    .await?;
    Ok(written.rows_affected())
}

/// Move one organization's snapshots to another (merging organizations),
/// adding up the counts where both have a row.
pub async fn move_organization(
    db: &mut sqlx::PgConnection,
    from_organization: i64,
    into_organization: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO backlog_snapshots
            (day, status, priority, category_id, organization_id, assignee_id, cases)
         SELECT day, status, priority, category_id, $2, assignee_id, cases
         FROM backlog_snapshots WHERE organization_id = $1
         ON CONFLICT (day, status, priority, category_id, organization_id, assignee_id)
         DO UPDATE SET cases = backlog_snapshots.cases + EXCLUDED.cases",
    )
    .bind(from_organization)
    .bind(into_organization)
    .execute(&mut *db)
    .await?;
    sqlx::query("DELETE FROM backlog_snapshots WHERE organization_id = $1")
        .bind(from_organization)
        .execute(&mut *db)
        .await?;
    Ok(())
}
