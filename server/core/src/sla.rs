//! The SLA clock: targets count business time, the opening hours of the support
//! calendar in its own time zone, minus holidays.
//!
//! `Calendar` does the arithmetic and is pure (unit tests below). Instants are
//! the project's `time::OffsetDateTime`; the calendar's local days and opening
//! hours are turned into instants with jiff, which knows the tz database and so
//! daylight saving time. A business minute is a real, elapsed minute inside the
//! opening hours: on the night clocks go forward, 00:00–24:00 holds 23 hours.
//!
//! The rest of the file loads the calendar and the targets, and validates what
//! the admin page sends.

use super::db::sla as db;
use crate::policy::{Action, Permit};
use crate::Error;
use jiff::civil;
use jiff::tz::TimeZone;
use rapport_types::views::sla::{
    HolidayView, OpeningHoursView, ServiceLevels, SlaPolicyView, MAX_TARGET_HOURS, WEEKDAY_NAMES,
};
use rapport_types::Priority;
use sqlx::{PgExecutor, PgPool};
use std::collections::BTreeSet;
use time::{Duration, OffsetDateTime};

/// Seconds in a day: a window closing at this "time" closes at the next midnight.
const DAY: i32 = 24 * 60 * 60;

/// How far ahead the clock looks for opening hours. A calendar with at least one
/// open weekday always finds some within a few weeks; this only bounds the loop
/// for absurd inputs (see `add_business_seconds`).
const MAX_DAYS: usize = 100 * 366;

/// The opening hours of one day, in seconds after local midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Window {
    opens: i32,
    closes: i32,
}

/// A business calendar: time zone, opening hours per weekday, holidays.
///
/// A calendar whose week has no opening hours at all counts every hour of every
/// day (except holidays): a clock that never runs would make cases never due,
/// which hides them; one that always runs keeps them visible. The admin page
/// refuses an all-closed week, so this only happens when the rows were deleted
/// by hand, and `load_calendar` logs it.
#[derive(Debug, Clone)]
pub struct Calendar {
    time_zone: TimeZone,
    /// Monday first; None is closed.
    week: [Option<Window>; 7],
    holidays: BTreeSet<civil::Date>,
}

/// An IANA time zone by name, or a message for the `time_zone` field.
pub fn time_zone(name: &str) -> Result<TimeZone, Error> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid(
            "time_zone",
            "Enter the time zone of the opening hours, such as Europe/Berlin.",
        ));
    }
    TimeZone::get(name).map_err(|_| {
        Error::invalid(
            "time_zone",
            format!(
                "“{}” is not a time zone we know. Enter a name from the IANA time zone database, \
                 such as Europe/Berlin, America/New_York or UTC.",
                name.chars().take(60).collect::<String>()
            ),
        )
    })
}

fn seconds_of_day(t: time::Time) -> i32 {
    i32::from(t.hour()) * 3600 + i32::from(t.minute()) * 60 + i32::from(t.second())
}

fn civil_date(d: time::Date) -> Option<civil::Date> {
    let year = i16::try_from(d.year()).ok()?;
    civil::Date::new(year, u8::from(d.month()) as i8, d.day() as i8).ok()
}

impl Calendar {
    /// A calendar from stored rows: `hours` are (ISO weekday 1 = Monday, opens,
    /// closes). Rows the database constraints would refuse (weekday out of range,
    /// closing not after opening) are skipped.
    pub fn new(
        time_zone_name: &str,
        hours: &[(i16, time::Time, time::Time)],
        holidays: &[time::Date],
    ) -> Result<Calendar, Error> {
        let time_zone = time_zone(time_zone_name)?;
        let mut week = [None; 7];
        for &(weekday, opens, closes) in hours {
            let (opens, closes) = (seconds_of_day(opens), seconds_of_day(closes));
            if (1..=7).contains(&weekday) && closes > opens {
                week[(weekday - 1) as usize] = Some(Window { opens, closes });
            }
        }
        if week.iter().all(Option::is_none) {
            week = [Some(Window {
                opens: 0,
                closes: DAY,
            }); 7];
        }
        Ok(Calendar {
            time_zone,
            week,
            holidays: holidays.iter().filter_map(|d| civil_date(*d)).collect(),
        })
    }

    /// Is every hour of the week counted (a calendar stored without opening hours)?
    fn counts_every_hour(&self) -> bool {
        self.week.iter().all(|w| {
            *w == Some(Window {
                opens: 0,
                closes: DAY,
            })
        })
    }

    /// The calendar date at instant `t` in the calendar's time zone.
    fn local_date(&self, t: OffsetDateTime) -> civil::Date {
        let second = t.unix_timestamp();
        let timestamp = jiff::Timestamp::from_second(second).unwrap_or(if second < 0 {
            jiff::Timestamp::MIN
        } else {
            jiff::Timestamp::MAX
        });
        self.time_zone.to_datetime(timestamp).date()
    }

    /// The instant of a local time on `day`; `seconds` may be `DAY` (midnight after).
    /// A time skipped by a clock change counts from the moment after the gap;
    /// a time that happens twice counts from the first.
    fn instant(&self, day: civil::Date, seconds: i32) -> Option<OffsetDateTime> {
        let datetime = if seconds >= DAY {
            day.tomorrow().ok()?.to_datetime(civil::Time::midnight())
        } else {
            let time = civil::Time::new(
                (seconds / 3600) as i8,
                (seconds / 60 % 60) as i8,
                (seconds % 60) as i8,
                0,
            )
            .ok()?;
            day.to_datetime(time)
        };
        let timestamp = self.time_zone.to_timestamp(datetime).ok()?;
        OffsetDateTime::from_unix_timestamp(timestamp.as_second()).ok()
    }

    /// The opening hours of `day` as instants, or None when it is closed.
    fn window_on(&self, day: civil::Date) -> Option<(OffsetDateTime, OffsetDateTime)> {
        if self.holidays.contains(&day) {
            return None;
        }
        let window = self.week[day.weekday().to_monday_zero_offset() as usize]?;
        let opens = self.instant(day, window.opens)?;
        let closes = self.instant(day, window.closes)?;
        (closes > opens).then_some((opens, closes))
    }

    /// The moment when `seconds` of business time have passed after `start`.
    pub fn add_business_seconds(&self, start: OffsetDateTime, seconds: i64) -> OffsetDateTime {
        if seconds <= 0 {
            return start;
        }
        let mut remaining = seconds;
        let mut day = self.local_date(start);
        for _ in 0..MAX_DAYS {
            if let Some((opens, closes)) = self.window_on(day) {
                let from = opens.max(start);
                if from < closes {
                    let available = (closes - from).whole_seconds();
                    if remaining <= available {
                        return from + Duration::seconds(remaining);
                    }
                    remaining -= available;
                }
            }
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
        // A target a century of calendar away (or past the year 9999): there is
        // no meaningful due time, so count it as wall-clock time.
        start.saturating_add(Duration::seconds(seconds))
    }

    /// The business seconds between `from` and `to` (0 when `to` is not later).
    pub fn business_seconds_between(&self, from: OffsetDateTime, to: OffsetDateTime) -> i64 {
        if to <= from {
            return 0;
        }
        let last = self.local_date(to);
        let mut day = self.local_date(from);
        let mut total = 0;
        while day <= last {
            if let Some((opens, closes)) = self.window_on(day) {
                let (a, b) = (opens.max(from), closes.min(to));
                if b > a {
                    total += (b - a).whole_seconds();
                }
            }
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
        total
    }

    /// The moment when `minutes` of business time have passed after `start`. When
    /// `start` is outside the opening hours, counting begins at the next opening.
    pub fn add_business_minutes(&self, start: OffsetDateTime, minutes: i64) -> OffsetDateTime {
        self.add_business_seconds(start, minutes.saturating_mul(60))
    }

    /// The whole business minutes between `from` and `to`; 0 when `to <= from`.
    pub fn business_minutes_between(&self, from: OffsetDateTime, to: OffsetDateTime) -> i64 {
        self.business_seconds_between(from, to) / 60
    }

    /// A due time pushed later by the business time a case spent paused (waiting
    /// for the customer) from `paused_at` until `now`, to the second.
    pub fn resume(
        &self,
        due: OffsetDateTime,
        paused_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> OffsetDateTime {
        self.add_business_seconds(due, self.business_seconds_between(paused_at, now))
    }
}

/// How long until (or since) a due time, in wall-clock time, for people:
/// "due in 3 h 20 min", "overdue by 2 days 1 h", "due now"; a deadline that
/// has just passed is already "overdue", as the breach marks beside it say.
pub fn describe_due(due: OffsetDateTime, now: OffsetDateTime) -> String {
    let seconds = (due - now).whole_seconds();
    let minutes = seconds.unsigned_abs() / 60;
    if minutes == 0 {
        return if seconds >= 0 {
            "due now"
        } else {
            "overdue by under 1 min"
        }
        .to_string();
    }
    let span = describe_minutes(minutes);
    if seconds > 0 {
        format!("due in {span}")
    } else {
        format!("overdue by {span}")
    }
}

/// How a deadline was kept by the moment the work was `done`: "met, 2 h to
/// spare", "missed by 1 day 3 h" (staff read it on settled cases).
pub fn describe_outcome(due: OffsetDateTime, done: OffsetDateTime) -> String {
    let seconds = (due - done).whole_seconds();
    let minutes = seconds.unsigned_abs() / 60;
    match (seconds >= 0, minutes) {
        (true, 0) => "met".to_string(),
        (true, m) => format!("met, {} to spare", describe_minutes(m)),
        (false, 0) => "missed by under 1 min".to_string(),
        (false, m) => format!("missed by {}", describe_minutes(m)),
    }
}

/// "2 days 1 h", "3 h 20 min", "5 min": the two largest units, the smaller left
/// out when it is zero.
fn describe_minutes(minutes: u64) -> String {
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    let plural = |n: u64, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    match (days, hours, mins) {
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => plural(d, "day", "days"),
        (d, h, _) => format!("{} {h} h", plural(d, "day", "days")),
    }
}

// ---------------------------------------------------------------------------
// Loading

fn calendar_from(row: &db::CalendarRow) -> Result<Calendar, Error> {
    let hours: Vec<_> = row
        .weekdays
        .iter()
        .zip(&row.opens)
        .zip(&row.closes)
        .map(|((w, o), c)| (*w, *o, *c))
        .collect();
    // A stored zone the tz database no longer knows is our problem, not the
    // caller's: it must not read as a mistake in a form they sent.
    let calendar = Calendar::new(&row.time_zone, &hours, &row.holidays).map_err(|_| {
        Error::internal(format!(
            "business calendar {} has an unknown time zone {:?}",
            row.id, row.time_zone
        ))
    })?;
    if calendar.counts_every_hour() {
        tracing::warn!(
            calendar_id = row.id,
            "the business calendar has no opening hours: SLA clocks run around the clock"
        );
    }
    Ok(calendar)
}

fn no_calendar() -> Error {
    Error::internal("there is no business calendar (migration 0003 creates one)")
}

/// The support calendar.
pub async fn load_calendar(db: impl PgExecutor<'_>) -> Result<Calendar, Error> {
    let row = db::calendar(db).await?.ok_or_else(no_calendar)?;
    calendar_from(&row)
}

/// When the first response and the resolution of a case are due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueTimes {
    pub first_response_due_at: OffsetDateTime,
    pub resolution_due_at: OffsetDateTime,
}

/// The due times of a case of `priority` opened (or re-prioritised) at `from`:
/// the calendar and the targets in one statement.
pub async fn due_times(
    db: impl PgExecutor<'_>,
    priority: &str,
    from: OffsetDateTime,
) -> Result<DueTimes, Error> {
    let priority = Priority::parse(priority)
        .ok_or_else(|| Error::invalid("priority", "Choose one of the listed priorities."))?;
    let row = db::clock(db, priority.as_str())
        .await?
        .ok_or_else(no_calendar)?;
    let (Some(first_response), Some(resolution)) =
        (row.first_response_minutes, row.resolution_minutes)
    else {
        return Err(Error::internal(format!(
            "there is no SLA policy for priority {}",
            priority.as_str()
        )));
    };
    let calendar = calendar_from(&row.calendar)?;
    Ok(DueTimes {
        first_response_due_at: calendar.add_business_minutes(from, first_response.into()),
        resolution_due_at: calendar.add_business_minutes(from, resolution.into()),
    })
}

// ---------------------------------------------------------------------------
// The admin page. The server functions have asked the policy already.

fn hh_mm(t: time::Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

fn iso_date(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Targets, time zone, opening hours and holidays, as the admin page shows them.
/// The service levels as the settings page shows them; editable when the
/// permit's holder may also change them.
pub async fn settings(permit: &Permit, pool: &PgPool) -> Result<ServiceLevels, Error> {
    permit.check(&Action::ViewSlaPolicies)?;
    let can_edit = permit.allows(&Action::ManageSlaPolicies);
    let row = db::calendar(pool).await?.ok_or_else(no_calendar)?;
    let policies = db::policies(pool).await?;
    let mut week: Vec<OpeningHoursView> = (1..=7)
        .map(|weekday| OpeningHoursView {
            weekday,
            opens: String::new(),
            closes: String::new(),
        })
        .collect();
    for ((weekday, opens), closes) in row.weekdays.iter().zip(&row.opens).zip(&row.closes) {
        if let Some(day) = week.iter_mut().find(|d| i16::from(d.weekday) == *weekday) {
            day.opens = hh_mm(*opens);
            day.closes = hh_mm(*closes);
        }
    }
    let policies = policies
        .into_iter()
        .filter_map(|p| {
            Some(SlaPolicyView {
                priority: Priority::parse(&p.priority)?,
                first_response_minutes: p.first_response_minutes,
                resolution_minutes: p.resolution_minutes,
            })
        })
        .collect();
    Ok(ServiceLevels {
        policies,
        time_zone: row.time_zone,
        week,
        holidays: row
            .holidays
            .iter()
            .zip(row.holiday_names)
            .map(|(day, name)| HolidayView {
                day: iso_date(*day),
                name,
            })
            .collect(),
        can_edit,
    })
}

/// One target as typed: hours and minutes of business time.
pub struct TargetInput<'a> {
    pub hours: &'a str,
    pub minutes: &'a str,
}

/// A target in minutes, or a message for `field` (which names the priority and
/// the target, e.g. `urgent_first_response`).
fn parse_target(field: &str, what: &str, input: &TargetInput<'_>) -> Result<i32, Error> {
    let number = |text: &str, max: i32, unit: &str| -> Result<i32, Error> {
        match text.trim() {
            "" => Ok(0),
            text => text
                .parse::<i32>()
                .ok()
                .filter(|n| (0..=max).contains(n))
                .ok_or_else(|| {
                    Error::invalid(
                        field,
                        format!("{what}: enter the {unit} as a whole number from 0 to {max}."),
                    )
                }),
        }
    };
    let hours = number(input.hours, MAX_TARGET_HOURS, "hours")?;
    let minutes = number(input.minutes, 59, "minutes")?;
    let total = hours * 60 + minutes;
    if total == 0 {
        return Err(Error::invalid(
            field,
            format!("{what}: enter a target of at least one minute."),
        ));
    }
    if total > MAX_TARGET_HOURS * 60 {
        return Err(Error::invalid(
            field,
            format!("{what}: keep the target at {MAX_TARGET_HOURS} hours or less."),
        ));
    }
    Ok(total)
}

/// Validated targets of one priority: (priority, first response, resolution) in minutes.
pub fn parse_policy(
    priority: &str,
    first_response: TargetInput<'_>,
    resolution: TargetInput<'_>,
) -> Result<(Priority, i32, i32), Error> {
    let priority = Priority::parse(priority)
        .ok_or_else(|| Error::invalid("priority", "Choose one of the listed priorities."))?;
    let (key, label) = (priority.as_str(), priority.label());
    let first_field = format!("{key}_first_response");
    let resolution_field = format!("{key}_resolution");
    let first = parse_target(
        &first_field,
        &format!("{label}, first response"),
        &first_response,
    )?;
    let resolved = parse_target(
        &resolution_field,
        &format!("{label}, resolution"),
        &resolution,
    )?;
    if resolved < first {
        return Err(Error::invalid(
            &resolution_field,
            format!("{label}, resolution: the resolution target cannot be shorter than the first response target."),
        ));
    }
    Ok((priority, first, resolved))
}

pub async fn save_policy(
    permit: &Permit,
    pool: &PgPool,
    priority: &str,
    first_response: TargetInput<'_>,
    resolution: TargetInput<'_>,
) -> Result<(), Error> {
    permit.check(&Action::ManageSlaPolicies)?;
    let (priority, first, resolved) = parse_policy(priority, first_response, resolution)?;
    db::save_policy(pool, priority.as_str(), first, resolved).await?;
    Ok(())
}

/// "09:00" (or "09:00:00", what some browsers send) as a time of day.
fn parse_clock_time(text: &str) -> Option<time::Time> {
    let t: civil::Time = text.trim().parse().ok()?;
    time::Time::from_hms(t.hour() as u8, t.minute() as u8, t.second() as u8).ok()
}

/// The opening hours as typed, Monday first: both times empty is a closed day.
/// Returns (ISO weekday, opens, closes) for the open days.
pub fn parse_week(
    opens: &[String],
    closes: &[String],
) -> Result<Vec<(i16, time::Time, time::Time)>, Error> {
    if opens.len() != 7 || closes.len() != 7 {
        return Err(Error::BadRequest(
            "the opening hours need a line for each of the seven weekdays.".into(),
        ));
    }
    let mut days = Vec::new();
    for (index, name) in WEEKDAY_NAMES.iter().enumerate() {
        let weekday = index as i16 + 1;
        let field = format!("hours_{weekday}");
        let (open_text, close_text) = (opens[index].trim(), closes[index].trim());
        if open_text.is_empty() && close_text.is_empty() {
            continue;
        }
        let time = |text: &str, which: &str| {
            if text.is_empty() {
                return Err(Error::invalid(
                    &field,
                    format!("{name}: enter the {which} time too, or leave both empty when closed."),
                ));
            }
            parse_clock_time(text).ok_or_else(|| {
                Error::invalid(
                    &field,
                    format!("{name}: enter the {which} time as hours and minutes, such as 09:00."),
                )
            })
        };
        let open = time(open_text, "opening")?;
        let close = time(close_text, "closing")?;
        if close <= open {
            return Err(Error::invalid(
                &field,
                format!("{name}: the closing time must be after the opening time."),
            ));
        }
        days.push((weekday, open, close));
    }
    if days.is_empty() {
        return Err(Error::invalid(
            "hours",
            "Enter opening hours for at least one day: with every day closed, the SLA clocks would never run.",
        ));
    }
    Ok(days)
}

/// Save the time zone and the opening hours together, in one transaction.
pub async fn save_hours(
    permit: &Permit,
    pool: &PgPool,
    time_zone_name: &str,
    opens: &[String],
    closes: &[String],
) -> Result<(), Error> {
    permit.check(&Action::ManageSlaPolicies)?;
    let zone = time_zone(time_zone_name)?;
    // Store the database's own spelling ("europe/berlin" becomes "Europe/Berlin").
    let zone_name = zone
        .iana_name()
        .unwrap_or(time_zone_name.trim())
        .to_string();
    let days = parse_week(opens, closes)?;
    let mut tx = pool.begin().await?;
    let calendar_id = db::calendar_id(&mut *tx).await?.ok_or_else(no_calendar)?;
    db::set_time_zone(&mut *tx, calendar_id, &zone_name).await?;
    db::replace_hours(&mut tx, calendar_id, &days).await?;
    tx.commit().await?;
    Ok(())
}

/// A date as the date field sends it (YYYY-MM-DD).
pub fn parse_day(text: &str) -> Result<time::Date, Error> {
    let invalid = || Error::invalid("day", "Enter the date of the holiday, such as 2025-12-25.");
    let date: civil::Date = text.trim().parse().map_err(|_| invalid())?;
    let month = time::Month::try_from(date.month() as u8).map_err(|_| invalid())?;
    time::Date::from_calendar_date(i32::from(date.year()), month, date.day() as u8)
        .map_err(|_| invalid())
}

const MAX_HOLIDAY_NAME: usize = 100;

pub async fn add_holiday(
    permit: &Permit,
    pool: &PgPool,
    day: &str,
    name: &str,
) -> Result<(), Error> {
    permit.check(&Action::ManageSlaPolicies)?;
    let day = parse_day(day)?;
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid(
            "name",
            "Enter a name for the holiday, such as New Year's Day.",
        ));
    }
    if name.chars().count() > MAX_HOLIDAY_NAME {
        return Err(Error::invalid(
            "name",
            format!("Keep the name under {MAX_HOLIDAY_NAME} characters."),
        ));
    }
    let calendar_id = db::calendar_id(pool).await?.ok_or_else(no_calendar)?;
    if !db::add_holiday(pool, calendar_id, day, name).await? {
        return Err(Error::invalid(
            "day",
            format!("{} is a holiday already.", iso_date(day)),
        ));
    }
    Ok(())
}

pub async fn remove_holiday(permit: &Permit, pool: &PgPool, day: &str) -> Result<(), Error> {
    permit.check(&Action::ManageSlaPolicies)?;
    let day = parse_day(day)?;
    let calendar_id = db::calendar_id(pool).await?.ok_or_else(no_calendar)?;
    // Removing a holiday that is already gone (a second click) is not an error.
    db::remove_holiday(pool, calendar_id, day).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime, time};

    /// Monday to Friday, 09:00–17:00.
    fn office(zone: &str, holidays: &[time::Date]) -> Calendar {
        let hours: Vec<_> = (1..=5).map(|d| (d, time!(09:00), time!(17:00))).collect();
        Calendar::new(zone, &hours, holidays).unwrap()
    }

    // 2024-06-03 is a Monday; 2024-06-07 a Friday.

    #[test]
    fn within_one_day() {
        let cal = office("UTC", &[]);
        let start = datetime!(2024-06-03 10:00 UTC);
        assert_eq!(
            cal.add_business_minutes(start, 90),
            datetime!(2024-06-03 11:30 UTC)
        );
        // Exactly to closing time stays on that day.
        assert_eq!(
            cal.add_business_minutes(start, 420),
            datetime!(2024-06-03 17:00 UTC)
        );
        assert_eq!(
            cal.add_business_minutes(start, 421),
            datetime!(2024-06-04 09:01 UTC)
        );
        assert_eq!(cal.add_business_minutes(start, 0), start);
        assert_eq!(cal.add_business_minutes(start, -5), start);
    }

    #[test]
    fn across_a_weekend() {
        let cal = office("UTC", &[]);
        assert_eq!(
            cal.add_business_minutes(datetime!(2024-06-07 16:00 UTC), 120),
            datetime!(2024-06-10 10:00 UTC)
        );
    }

    #[test]
    fn across_a_holiday() {
        // Tuesday 2024-06-04 is a holiday.
        let cal = office("UTC", &[date!(2024 - 06 - 04)]);
        assert_eq!(
            cal.add_business_minutes(datetime!(2024-06-03 16:00 UTC), 120),
            datetime!(2024-06-05 10:00 UTC)
        );
        // Starting on the holiday itself counts from the next working day.
        assert_eq!(
            cal.add_business_minutes(datetime!(2024-06-04 10:00 UTC), 60),
            datetime!(2024-06-05 10:00 UTC)
        );
    }

    #[test]
    fn start_outside_hours() {
        let cal = office("UTC", &[]);
        // Before opening: counting starts at 09:00.
        assert_eq!(
            cal.add_business_minutes(datetime!(2024-06-03 07:15 UTC), 30),
            datetime!(2024-06-03 09:30 UTC)
        );
        // After closing: the next morning.
        assert_eq!(
            cal.add_business_minutes(datetime!(2024-06-03 18:00 UTC), 30),
            datetime!(2024-06-04 09:30 UTC)
        );
        // On a Saturday: Monday.
        assert_eq!(
            cal.add_business_minutes(datetime!(2024-06-08 12:00 UTC), 60),
            datetime!(2024-06-10 10:00 UTC)
        );
    }

    #[test]
    fn long_targets_span_weeks() {
        let cal = office("UTC", &[]);
        // 4800 minutes = 10 working days of 8 hours: two weeks later, same time.
        assert_eq!(
            cal.add_business_minutes(datetime!(2024-06-03 10:00 UTC), 4800),
            datetime!(2024-06-17 10:00 UTC)
        );
    }

    #[test]
    fn opening_hours_are_local_to_the_time_zone() {
        // 09:00 in Berlin in June is 07:00 UTC (summer time, UTC+2).
        let cal = office("Europe/Berlin", &[]);
        assert_eq!(
            cal.add_business_minutes(datetime!(2024-06-03 05:00 UTC), 60),
            datetime!(2024-06-03 08:00 UTC)
        );
        // A start given in another offset is the same instant.
        assert_eq!(
            cal.add_business_minutes(datetime!(2024-06-03 09:00 +02:00), 60),
            datetime!(2024-06-03 08:00 UTC)
        );
        // 21:30 UTC on Friday is 23:30 in Berlin: closed until Monday 09:00 there.
        assert_eq!(
            cal.add_business_minutes(datetime!(2024-06-07 21:30 UTC), 30),
            datetime!(2024-06-10 07:30 UTC)
        );
    }

    #[test]
    fn the_day_clocks_change_in_berlin() {
        // On Sunday 2024-03-31 Berlin goes from 02:00 (UTC+1) to 03:00 (UTC+2).
        let every_day: Vec<_> = (1..=7).map(|d| (d, time!(01:00), time!(05:00))).collect();
        let cal = Calendar::new("Europe/Berlin", &every_day, &[]).unwrap();
        // 01:00–05:00 local that day is 00:00–03:00 UTC: three real hours, not four.
        let opens = datetime!(2024-03-31 00:00 UTC);
        assert_eq!(
            cal.business_minutes_between(opens, datetime!(2024-03-31 22:00 UTC)),
            180
        );
        assert_eq!(
            cal.add_business_minutes(opens, 180),
            datetime!(2024-03-31 03:00 UTC)
        );
        // The next minute is 01:01 on Monday, now UTC+2.
        assert_eq!(
            cal.add_business_minutes(opens, 181),
            datetime!(2024-03-31 23:01 UTC)
        );
        // Office hours on the Monday after: 09:00 is 07:00 UTC, not 08:00.
        let cal = office("Europe/Berlin", &[]);
        assert_eq!(
            cal.add_business_minutes(datetime!(2024-03-29 15:00 UTC), 120),
            datetime!(2024-04-01 08:00 UTC)
        );
        // And back in October: 09:00 is 08:00 UTC again.
        assert_eq!(
            cal.add_business_minutes(datetime!(2024-10-25 14:00 UTC), 120),
            datetime!(2024-10-28 09:00 UTC)
        );
    }

    #[test]
    fn between_is_the_inverse_of_add() {
        let cal = office(
            "Europe/Berlin",
            &[date!(2024 - 03 - 29), date!(2024 - 04 - 01)],
        );
        let starts = [
            datetime!(2024-03-27 08:17:31 UTC),
            datetime!(2024-03-28 16:59 UTC),
            datetime!(2024-03-30 12:00 UTC),
            datetime!(2024-10-25 07:00 UTC),
        ];
        for start in starts {
            for minutes in [1, 59, 60, 61, 479, 480, 481, 2400, 4800, 10_000] {
                let due = cal.add_business_minutes(start, minutes);
                assert_eq!(
                    cal.business_minutes_between(start, due),
                    minutes,
                    "{start} + {minutes}"
                );
            }
        }
    }

    #[test]
    fn between_counts_only_open_time() {
        let cal = office("UTC", &[]);
        let friday = datetime!(2024-06-07 16:00 UTC);
        let monday = datetime!(2024-06-10 10:00 UTC);
        assert_eq!(cal.business_minutes_between(friday, monday), 120);
        assert_eq!(cal.business_minutes_between(monday, friday), 0);
        assert_eq!(cal.business_minutes_between(friday, friday), 0);
        // A whole weekend: nothing.
        assert_eq!(
            cal.business_minutes_between(
                datetime!(2024-06-07 17:00 UTC),
                datetime!(2024-06-10 09:00 UTC)
            ),
            0
        );
    }

    #[test]
    fn resuming_adds_the_paused_business_time() {
        let cal = office("UTC", &[]);
        let due = datetime!(2024-06-05 12:00 UTC);
        // Paused Monday 16:00 until Tuesday 10:00: two business hours.
        let resumed = cal.resume(
            due,
            datetime!(2024-06-03 16:00 UTC),
            datetime!(2024-06-04 10:00 UTC),
        );
        assert_eq!(resumed, datetime!(2024-06-05 14:00 UTC));
        // Paused over the weekend only: nothing changes.
        assert_eq!(
            cal.resume(
                due,
                datetime!(2024-06-08 10:00 UTC),
                datetime!(2024-06-09 10:00 UTC)
            ),
            due
        );
        // A pause that ends before it began changes nothing either.
        assert_eq!(
            cal.resume(
                due,
                datetime!(2024-06-04 10:00 UTC),
                datetime!(2024-06-03 10:00 UTC)
            ),
            due
        );
        // The pushed time may cross closing time into the next day.
        assert_eq!(
            cal.resume(
                datetime!(2024-06-07 16:30 UTC),
                datetime!(2024-06-03 09:00 UTC),
                datetime!(2024-06-03 10:00 UTC)
            ),
            datetime!(2024-06-10 09:30 UTC)
        );
    }

    #[test]
    fn a_week_without_hours_counts_every_hour() {
        let cal = Calendar::new("UTC", &[], &[]).unwrap();
        assert!(cal.counts_every_hour());
        assert_eq!(
            cal.add_business_minutes(datetime!(2024-06-08 23:30 UTC), 60),
            datetime!(2024-06-09 00:30 UTC)
        );
        // Holidays still stop it.
        let cal = Calendar::new("UTC", &[], &[date!(2024 - 06 - 09)]).unwrap();
        assert_eq!(
            cal.add_business_minutes(datetime!(2024-06-08 23:30 UTC), 60),
            datetime!(2024-06-10 00:30 UTC)
        );
    }

    #[test]
    fn absurd_targets_end() {
        // One open hour a week, and a target of millions of minutes: the loop is bounded.
        let cal = Calendar::new("UTC", &[(3, time!(10:00), time!(11:00))], &[]).unwrap();
        let start = datetime!(2024-06-03 10:00 UTC);
        let due = cal.add_business_minutes(start, i64::from(i32::MAX));
        assert!(due > start);
    }

    #[test]
    fn unknown_time_zones_name_the_field() {
        let err = Calendar::new("Mars/Olympus_Mons", &[], &[]).unwrap_err();
        assert_eq!(err.field(), Some("time_zone"));
        assert!(err.to_string().contains("Mars/Olympus_Mons"));
        assert_eq!(time_zone("  ").unwrap_err().field(), Some("time_zone"));
        assert!(time_zone("America/New_York").is_ok());
        assert_eq!(
            time_zone("europe/berlin").unwrap().iana_name(),
            Some("Europe/Berlin")
        );
    }

    #[test]
    fn the_bundled_tz_database_is_there_for_machines_without_one() {
        // Without /usr/share/zoneinfo (slim containers) jiff falls back to this copy.
        let berlin = jiff::tz::TimeZoneDatabase::bundled()
            .get("Europe/Berlin")
            .unwrap();
        assert_eq!(berlin.iana_name(), Some("Europe/Berlin"));
    }

    #[test]
    fn due_times_are_described_in_words() {
        let now = datetime!(2024-06-03 10:00 UTC);
        let cases = [
            (datetime!(2024-06-03 13:20 UTC), "due in 3 h 20 min"),
            (datetime!(2024-06-03 11:00 UTC), "due in 1 h"),
            (datetime!(2024-06-03 10:05:59 UTC), "due in 5 min"),
            (datetime!(2024-06-03 10:00:30 UTC), "due now"),
            (datetime!(2024-06-03 09:59:30 UTC), "overdue by under 1 min"),
            (datetime!(2024-06-01 09:00 UTC), "overdue by 2 days 1 h"),
            (datetime!(2024-06-02 10:00 UTC), "overdue by 1 day"),
            (datetime!(2024-06-05 10:59 UTC), "due in 2 days"),
            (datetime!(2024-06-03 09:15 UTC), "overdue by 45 min"),
        ];
        for (due, expected) in cases {
            assert_eq!(describe_due(due, now), expected, "{due}");
        }
    }

    #[test]
    fn kept_and_missed_deadlines_are_described_in_words() {
        let due = datetime!(2024-06-03 10:00 UTC);
        assert_eq!(
            describe_outcome(due, datetime!(2024-06-03 08:00 UTC)),
            "met, 2 h to spare"
        );
        assert_eq!(
            describe_outcome(due, datetime!(2024-06-03 09:59:30 UTC)),
            "met"
        );
        assert_eq!(
            describe_outcome(due, datetime!(2024-06-04 13:10 UTC)),
            "missed by 1 day 3 h"
        );
        assert_eq!(
            describe_outcome(due, datetime!(2024-06-03 10:00:20 UTC)),
            "missed by under 1 min"
        );
    }

    fn target<'a>(hours: &'a str, minutes: &'a str) -> TargetInput<'a> {
        TargetInput { hours, minutes }
    }

    #[test]
    fn targets_are_validated_per_priority_and_field() {
        assert_eq!(
            parse_policy("urgent", target("1", ""), target("8", "30")).unwrap(),
            (Priority::Urgent, 60, 510)
        );
        assert_eq!(
            parse_policy("low", target("", "45"), target("2", "0")).unwrap(),
            (Priority::Low, 45, 120)
        );
        let field_of = |p, f: TargetInput, r: TargetInput| {
            parse_policy(p, f, r)
                .unwrap_err()
                .field()
                .map(str::to_owned)
        };
        let cases = [
            (
                "high",
                target("", ""),
                target("1", ""),
                "high_first_response",
            ),
            (
                "high",
                target("x", ""),
                target("1", ""),
                "high_first_response",
            ),
            (
                "high",
                target("1", "60"),
                target("2", ""),
                "high_first_response",
            ),
            (
                "high",
                target("-1", ""),
                target("2", ""),
                "high_first_response",
            ),
            (
                "normal",
                target("1", ""),
                target("99999", ""),
                "normal_resolution",
            ),
            (
                "normal",
                target("2", ""),
                target("1", "59"),
                "normal_resolution",
            ),
            ("someday", target("1", ""), target("2", ""), "priority"),
        ];
        for (priority, first, resolution, field) in cases {
            assert_eq!(
                field_of(priority, first, resolution).as_deref(),
                Some(field),
                "{priority} {field}"
            );
        }
    }

    fn week(days: [(&str, &str); 7]) -> (Vec<String>, Vec<String>) {
        days.iter()
            .map(|(o, c)| (o.to_string(), c.to_string()))
            .unzip()
    }

    #[test]
    fn opening_hours_are_validated_per_weekday() {
        let (opens, closes) = week([
            ("09:00", "17:00"),
            ("08:30:00", "12:00"),
            ("", ""),
            ("09:00", "17:00"),
            ("09:00", "17:00"),
            ("", ""),
            ("", ""),
        ]);
        let days = parse_week(&opens, &closes).unwrap();
        assert_eq!(days.len(), 4);
        assert_eq!(days[1], (2, time!(08:30), time!(12:00)));
        assert_eq!(days[2].0, 4);

        let refused = |days: [(&str, &str); 7]| {
            let (opens, closes) = week(days);
            parse_week(&opens, &closes).unwrap_err()
        };
        let closed = ("", "");
        let err = refused([closed; 7]);
        assert_eq!(err.field(), Some("hours"));
        let mut days = [closed; 7];
        days[1] = ("17:00", "09:00");
        let err = refused(days);
        assert_eq!(err.field(), Some("hours_2"));
        assert!(err.to_string().starts_with("Tuesday"), "{err}");
        days[1] = ("09:00", "");
        assert_eq!(refused(days).field(), Some("hours_2"));
        days[1] = ("9 o'clock", "17:00");
        assert_eq!(refused(days).field(), Some("hours_2"));
        days[1] = ("09:00", "09:00");
        assert_eq!(refused(days).field(), Some("hours_2"));
        assert!(matches!(parse_week(&[], &[]), Err(Error::BadRequest(_))));
    }

    #[test]
    fn holiday_dates_are_validated() {
        assert_eq!(parse_day("2025-12-25").unwrap(), date!(2025 - 12 - 25));
        for bad in ["", "25.12.2025", "2025-02-30", "tomorrow"] {
            assert_eq!(parse_day(bad).unwrap_err().field(), Some("day"), "{bad}");
        }
    }
}
