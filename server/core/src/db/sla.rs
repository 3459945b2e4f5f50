//! SLA queries: the business calendar (time zone, opening hours, holidays) and
//! the targets per priority.
//!
//! There is one calendar today, "the support calendar": the one with the lowest
//! id. The tables allow more (one per organization, say) when that is needed.

use sqlx::{FromRow, PgExecutor};
use time::{Date, Time};

/// The calendar with its opening hours and holidays, loaded in one statement.
/// `weekdays`, `opens` and `closes` are parallel arrays (ISO weekday, 1 = Monday);
/// so are `holidays` and `holiday_names`.
#[derive(Debug, Clone, FromRow)]
pub struct CalendarRow {
    pub id: i64,
    pub time_zone: String,
    pub weekdays: Vec<i16>,
    pub opens: Vec<Time>,
    pub closes: Vec<Time>,
    pub holidays: Vec<Date>,
    pub holiday_names: Vec<String>,
}

/// The columns of `CalendarRow`, for the statements that load it.
const CALENDAR_COLUMNS: &str = "
    c.id, c.time_zone,
    ARRAY(SELECT h.weekday FROM business_hours h WHERE h.calendar_id = c.id ORDER BY h.weekday) AS weekdays,
    ARRAY(SELECT h.opens FROM business_hours h WHERE h.calendar_id = c.id ORDER BY h.weekday) AS opens,
    ARRAY(SELECT h.closes FROM business_hours h WHERE h.calendar_id = c.id ORDER BY h.weekday) AS closes,
    ARRAY(SELECT d.day FROM business_holidays d WHERE d.calendar_id = c.id ORDER BY d.day) AS holidays,
    ARRAY(SELECT d.name FROM business_holidays d WHERE d.calendar_id = c.id ORDER BY d.day) AS holiday_names";

/// The support calendar, or None when the table is empty.
pub async fn calendar(db: impl PgExecutor<'_>) -> sqlx::Result<Option<CalendarRow>> {
    sqlx::query_as::<_, CalendarRow>(&format!(
        "SELECT {CALENDAR_COLUMNS} FROM business_calendars c ORDER BY c.id LIMIT 1"
    ))
    .fetch_optional(db)
    .await
}

/// The calendar and the targets of one priority: everything a due time needs.
#[derive(Debug, Clone, FromRow)]
pub struct ClockRow {
    #[sqlx(flatten)]
    pub calendar: CalendarRow,
    /// None when there is no policy for the priority.
    pub first_response_minutes: Option<i32>,
    pub resolution_minutes: Option<i32>,
}

/// The support calendar and the targets for `priority`, in one statement
/// (case pages and case writes count their statements).
pub async fn clock(db: impl PgExecutor<'_>, priority: &str) -> sqlx::Result<Option<ClockRow>> {
    sqlx::query_as::<_, ClockRow>(&format!(
        "SELECT {CALENDAR_COLUMNS}, p.first_response_minutes, p.resolution_minutes
         FROM business_calendars c
         LEFT JOIN sla_policies p ON p.priority = $1
         ORDER BY c.id LIMIT 1"
    ))
    .bind(priority)
    .fetch_optional(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct PolicyRow {
    pub priority: String,
    pub first_response_minutes: i32,
    pub resolution_minutes: i32,
}

/// Every priority's targets, most urgent first.
pub async fn policies(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<PolicyRow>> {
    sqlx::query_as::<_, PolicyRow>(
        "SELECT priority, first_response_minutes, resolution_minutes FROM sla_policies
         ORDER BY array_position(ARRAY['urgent', 'high', 'normal', 'low'], priority)",
    )
    .fetch_all(db)
    .await
}

/// Set the targets of one priority (inserted when the row is missing).
pub async fn save_policy(
    db: impl PgExecutor<'_>,
    priority: &str,
    first_response_minutes: i32,
    resolution_minutes: i32,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO sla_policies (priority, first_response_minutes, resolution_minutes)
         VALUES ($1, $2, $3)
         ON CONFLICT (priority) DO UPDATE
         SET first_response_minutes = EXCLUDED.first_response_minutes,
             resolution_minutes = EXCLUDED.resolution_minutes",
    )
    .bind(priority)
    .bind(first_response_minutes)
    .bind(resolution_minutes)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn set_time_zone(
    db: impl PgExecutor<'_>,
    calendar_id: i64,
    time_zone: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE business_calendars SET time_zone = $2 WHERE id = $1")
        .bind(calendar_id)
        .bind(time_zone)
        .execute(db)
        .await?;
    Ok(())
}

/// Replace the opening hours of a calendar: one (ISO weekday, opens, closes)
/// per open day; days left out are closed. Run it in a transaction.
pub async fn replace_hours(
    db: &mut sqlx::PgConnection,
    calendar_id: i64,
    days: &[(i16, Time, Time)],
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM business_hours WHERE calendar_id = $1")
        .bind(calendar_id)
        .execute(&mut *db)
        .await?;
    let weekdays: Vec<i16> = days.iter().map(|d| d.0).collect();
    let opens: Vec<Time> = days.iter().map(|d| d.1).collect();
    let closes: Vec<Time> = days.iter().map(|d| d.2).collect();
    sqlx::query(
        "INSERT INTO business_hours (calendar_id, weekday, opens, closes)
         SELECT $1, * FROM unnest($2::smallint[], $3::time[], $4::time[])",
    )
    .bind(calendar_id)
    .bind(weekdays)
    .bind(opens)
    .bind(closes)
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// Add a holiday; false when that day is a holiday already.
pub async fn add_holiday(
    db: impl PgExecutor<'_>,
    calendar_id: i64,
    day: Date,
    name: &str,
) -> sqlx::Result<bool> {
    let result = sqlx::query(
        "INSERT INTO business_holidays (calendar_id, day, name) VALUES ($1, $2, $3)
         ON CONFLICT (calendar_id, day) DO NOTHING",
    )
    .bind(calendar_id)
    .bind(day)
    .bind(name)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Remove a holiday; false when there was none on that day.
pub async fn remove_holiday(
    db: impl PgExecutor<'_>,
    calendar_id: i64,
    day: Date,
) -> sqlx::Result<bool> {
    let result = sqlx::query("DELETE FROM business_holidays WHERE calendar_id = $1 AND day = $2")
        .bind(calendar_id)
        .bind(day)
        .execute(db)
        .await?;
    Ok(result.rows_affected() == 1)
}

/// The id of the support calendar, or None when there is none.
pub async fn calendar_id(db: impl PgExecutor<'_>) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT min(id) FROM business_calendars")
        .fetch_one(db)
        .await
}
