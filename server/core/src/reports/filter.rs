//! The filter of a report (period, comparison, dimensions) and the slice of a
//! case list opened from a report, parsed from the address with errors that
//! name the field.
//!
//! Days are the support calendar's (its time zone), the same days the backlog
//! snapshots are counted in, so the page, its CSV and its links agree
//! whoever reads them.

use crate::db::reports::{CaseSlice, Dimensions, SlaMissed, Span, RESPONSE_BUCKETS};
use crate::Error;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use rapport_types::views::reports::{CaseSliceQuery, ReportQuery};
use rapport_types::{CaseChannel, Priority};
use time::OffsetDateTime;

/// The longest custom period, in days.
pub const MAX_DAYS: i64 = 366;

/// The period: the last 7, 30 or 90 days (today included), or custom dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Last(i64),
    Custom,
}

/// A report's filter, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFilter {
    pub period: Period,
    /// First and last day, both included.
    pub from: Date,
    pub to: Date,
    pub compare: bool,
    pub organization_id: Option<i64>,
    pub category_id: Option<i64>,
    pub priority: Option<Priority>,
    pub agent_id: Option<i64>,
    pub channel: Option<CaseChannel>,
}

/// "2026-11-03" as a date, or an error naming `field`.
pub fn parse_day(field: &str, text: &str) -> Result<Date, Error> {
    let text = text.trim();
    let well_formed = text.len() == 10
        && text.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    well_formed
        .then(|| text.parse::<Date>().ok())
        .flatten()
        .ok_or_else(|| Error::invalid(field, "Enter a date as YYYY-MM-DD."))
}

fn parse_id(field: &str, text: &str) -> Result<Option<i64>, Error> {
    match text.trim() {
        "" => Ok(None),
        t => t
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .map(Some)
            .ok_or_else(|| Error::invalid(field, "Choose one of the listed values.")),
    }
}

fn parse_channel(text: &str) -> Result<Option<CaseChannel>, Error> {
    match text.trim() {
        "" => Ok(None),
        t => CaseChannel::parse(t)
            .map(Some)
            .ok_or_else(|| Error::invalid("channel", "Choose one of the listed channels.")),
    }
}

/// Days between two dates (`to - from`).
fn days_between(from: Date, to: Date) -> i64 {
    (to - from).get_days() as i64
}

fn add_days(day: Date, days: i64) -> Date {
    day.checked_add(jiff::Span::new().days(days)).unwrap_or(day)
}

impl ReportFilter {
    /// Parse the address's parameters; `today` is today in the support calendar.
    pub fn parse(q: &ReportQuery, today: Date) -> Result<ReportFilter, Error> {
        let period = match q.period.trim() {
            "" | "30" => Period::Last(30),
            "7" => Period::Last(7),
            "90" => Period::Last(90),
            "custom" => Period::Custom,
            _ => {
                return Err(Error::invalid(
                    "period",
                    "Choose 7, 30 or 90 days, or your own dates.",
                ))
            }
        };
        let (from, to) = match period {
            Period::Last(days) => (add_days(today, 1 - days), today),
            Period::Custom => {
                if q.from.trim().is_empty() {
                    return Err(Error::invalid("from", "Enter the first day of the period."));
                }
                let from = parse_day("from", &q.from)?;
                let to = match q.to.trim() {
                    "" => today,
                    t => parse_day("to", t)?,
                };
                if to < from {
                    return Err(Error::invalid("to", "The last day comes before the first."));
                }
                if days_between(from, to) >= MAX_DAYS {
                    return Err(Error::invalid(
                        "to",
                        format!("A period is at most {MAX_DAYS} days."),
                    ));
                }
                (from, to)
            }
        };
        let compare = match q.compare.trim() {
            "" | "0" => false,
            "1" | "on" | "true" => true,
            _ => return Err(Error::invalid("compare", "Tick the box or leave it.")),
        };
        let priority = match q.priority.trim() {
            "" => None,
            p => Some(Priority::parse(p).ok_or_else(|| {
                Error::invalid("priority", "Choose one of the listed priorities.")
            })?),
        };
        Ok(ReportFilter {
            period,
            from,
            to,
            compare,
            organization_id: parse_id("organization", &q.organization)?,
            category_id: parse_id("category", &q.category)?,
            priority,
            agent_id: parse_id("agent", &q.agent)?,
            channel: parse_channel(&q.channel)?,
        })
    }

    /// The number of days in the period.
    pub fn days(&self) -> i64 {
        days_between(self.from, self.to) + 1
    }

    /// The period of the same length just before.
    pub fn previous(&self) -> (Date, Date) {
        let to = add_days(self.from, -1);
        (add_days(to, 1 - self.days()), to)
    }

    /// The filter as parameters again (what the form and the links carry).
    pub fn query(&self) -> ReportQuery {
        let id = |v: Option<i64>| v.map(|i| i.to_string()).unwrap_or_default();
        let (period, from, to) = match self.period {
            Period::Last(days) => (days.to_string(), String::new(), String::new()),
            Period::Custom => (
                "custom".to_string(),
                self.from.to_string(),
                self.to.to_string(),
            ),
        };
        ReportQuery {
            period,
            from,
            to,
            compare: if self.compare { "1" } else { "" }.to_string(),
            organization: id(self.organization_id),
            category: id(self.category_id),
            priority: self
                .priority
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
            agent: id(self.agent_id),
            channel: self
                .channel
                .map(|c| c.as_str().to_string())
                .unwrap_or_default(),
        }
    }

    /// The dimensions for the SQL.
    pub fn dimensions(&self) -> Dimensions {
        Dimensions {
            organization_id: self.organization_id,
            category_id: self.category_id,
            priority: self.priority.map(|p| p.as_str().to_string()),
            channel: self.channel.map(|c| c.as_str().to_string()),
            agent: self.agent_id,
        }
    }
}

/// The instant a day starts in `zone`.
pub fn day_start(zone: &TimeZone, day: Date) -> Result<OffsetDateTime, Error> {
    let zoned = day
        .to_zoned(zone.clone())
        .map_err(|e| Error::internal(format!("the start of {day}: {e}")))?;
    OffsetDateTime::from_unix_timestamp(zoned.timestamp().as_second())
        .map_err(|e| Error::internal(format!("the start of {day}: {e}")))
}

/// The days from `from` to `to` (both included) as a span of time in `zone`.
pub fn span_of(zone: &TimeZone, from: Date, to: Date) -> Result<Span, Error> {
    Ok(Span {
        starts: day_start(zone, from)?,
        ends: day_start(zone, add_days(to, 1))?,
    })
}

/// Today in `zone`.
pub fn today(zone: &TimeZone) -> Date {
    jiff::Timestamp::now().to_zoned(zone.clone()).date()
}

/// A `YYYY-MM-DD` pair of optional bounds as a span; one bound alone is
/// open on the other side (within what a timestamp holds).
fn span_param(
    zone: &TimeZone,
    (from_field, from): (&str, &str),
    (to_field, to): (&str, &str),
) -> Result<Option<Span>, Error> {
    let from = match from.trim() {
        "" => None,
        t => Some(parse_day(from_field, t)?),
    };
    let to = match to.trim() {
        "" => None,
        t => Some(parse_day(to_field, t)?),
    };
    if from.is_none() && to.is_none() {
        return Ok(None);
    }
    let starts = match from {
        Some(day) => day_start(zone, day)?,
        None => OffsetDateTime::UNIX_EPOCH,
    };
    let ends = match to {
        Some(day) => day_start(zone, add_days(day, 1))?,
        None => OffsetDateTime::from_unix_timestamp(253_402_300_799).unwrap_or(starts),
    };
    if ends <= starts {
        return Err(Error::invalid(
            to_field,
            "The last day comes before the first.",
        ));
    }
    Ok(Some(Span { starts, ends }))
}

/// The slice of a case list opened from a report, parsed.
pub fn parse_slice(q: &CaseSliceQuery, zone: &TimeZone) -> Result<CaseSlice, Error> {
    let created = span_param(
        zone,
        ("created_from", &q.created_from),
        ("created_to", &q.created_to),
    )?;
    let solved = span_param(
        zone,
        ("solved_from", &q.solved_from),
        ("solved_to", &q.solved_to),
    )?;
    let sla = match q.sla.trim() {
        "" => None,
        "first_response_missed" => Some(SlaMissed::FirstResponse),
        "resolution_missed" => Some(SlaMissed::Resolution),
        _ => {
            return Err(Error::invalid(
                "sla",
                "Choose a missed first response or a missed resolution.",
            ))
        }
    };
    let response_seconds = match q.response_hours.trim() {
        "" => None,
        t => Some(
            RESPONSE_BUCKETS
                .iter()
                .find(|bucket| response_bucket_param(**bucket) == t)
                .map(|(low, high)| (low * 3600, high.map(|h| h * 3600)))
                .ok_or_else(|| {
                    Error::invalid("response_hours", "Choose one of the report's buckets.")
                })?,
        ),
    };
    Ok(CaseSlice {
        created,
        solved,
        channel: parse_channel(&q.channel)?.map(|c| c.as_str().to_string()),
        solved_by: parse_id("solved_by", &q.solved_by)?,
        agent: parse_id("agent", &q.agent)?,
        sla,
        response_seconds,
    })
}

/// "1-4", "72-": a histogram bucket as the address carries it.
pub fn response_bucket_param((low, high): (i64, Option<i64>)) -> String {
    match high {
        Some(high) => format!("{low}-{high}"),
        None => format!("{low}-"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        text.parse().unwrap()
    }

    fn query(pairs: &[(&str, &str)]) -> ReportQuery {
        ReportQuery::from_params(|name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    }

    fn field_of(result: Result<ReportFilter, Error>) -> String {
        match result {
            Err(Error::Invalid(e)) => e.field,
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn periods_end_today_and_compare_with_the_days_before() {
        let today = day("2026-12-05");
        let f = ReportFilter::parse(&query(&[]), today).unwrap();
        assert_eq!((f.from, f.to, f.days()), (day("2026-11-06"), today, 30));
        let f = ReportFilter::parse(&query(&[("period", "7"), ("compare", "1")]), today).unwrap();
        assert_eq!((f.from, f.to), (day("2026-11-29"), today));
        assert!(f.compare);
        assert_eq!(f.previous(), (day("2026-11-22"), day("2026-11-28")));
        let f = ReportFilter::parse(
            &query(&[
                ("period", "custom"),
                ("from", "2026-02-01"),
                ("to", "2026-03-01"),
            ]),
            today,
        )
        .unwrap();
        assert_eq!(f.days(), 29);
        assert_eq!(f.previous(), (day("2026-01-03"), day("2026-01-31")));
        assert_eq!(
            f.query().to_query_string(),
            "?period=custom&from=2026-02-01&to=2026-03-01"
        );
    }

    #[test]
    fn mistakes_name_their_field() {
        let today = day("2026-12-05");
        let cases: [(&[(&str, &str)], &str); 9] = [
            (&[("period", "14")], "period"),
            (&[("period", "custom")], "from"),
            (&[("period", "custom"), ("from", "2026-13-01")], "from"),
            (&[("period", "custom"), ("from", "1 May")], "from"),
            (
                &[
                    ("period", "custom"),
                    ("from", "2026-05-02"),
                    ("to", "2026-05-01"),
                ],
                "to",
            ),
            (
                &[
                    ("period", "custom"),
                    ("from", "2024-01-01"),
                    ("to", "2026-01-01"),
                ],
                "to",
            ),
            (&[("priority", "now")], "priority"),
            (&[("organization", "x")], "organization"),
            (&[("channel", "fax")], "channel"),
        ];
        for (pairs, field) in cases {
            assert_eq!(
                field_of(ReportFilter::parse(&query(pairs), today)),
                field,
                "{pairs:?}"
            );
        }
    }

    #[test]
    fn days_start_at_midnight_in_the_calendar_zone() {
        let zone = TimeZone::get("Europe/Berlin").unwrap();
        let span = span_of(&zone, day("2026-03-29"), day("2026-03-29")).unwrap();
        // The day daylight saving starts has 23 hours.
        assert_eq!((span.ends - span.starts).whole_hours(), 23);
        assert_eq!(span.starts.unix_timestamp(), 1_774_738_800);
    }

    #[test]
    fn slices_parse_their_buckets_and_name_their_fields() {
        let zone = TimeZone::UTC;
        let q = CaseSliceQuery {
            response_hours: "72-".into(),
            sla: "resolution_missed".into(),
            solved_from: "2026-01-01".into(),
            ..CaseSliceQuery::default()
        };
        let slice = parse_slice(&q, &zone).unwrap();
        assert_eq!(slice.response_seconds, Some((72 * 3600, None)));
        assert_eq!(slice.sla, Some(SlaMissed::Resolution));
        assert!(slice.solved.is_some() && slice.created.is_none());
        let bad = CaseSliceQuery {
            response_hours: "2-3".into(),
            ..CaseSliceQuery::default()
        };
        assert!(
            matches!(parse_slice(&bad, &zone), Err(Error::Invalid(e)) if e.field == "response_hours")
        );
    }
}
