//! Times as a reader reads them: in the time zone of their account, else their
//! browser's (the `tz` cookie the page sets once it runs), else UTC. Times are
//! stored as instants (`timestamptz`); only showing them needs a zone.

use crate::Error;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use time::OffsetDateTime;

/// A time zone by IANA name, or a message for `field`. The name comes back in
/// the database's spelling ("europe/zurich" is "Europe/Zurich"), so a zone is
/// named the same wherever it is shown, on pages and in mails.
pub fn parse(field: &str, name: &str) -> Result<(String, TimeZone), Error> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid(
            field,
            "Choose a time zone, such as Europe/Zurich.",
        ));
    }
    TimeZone::get(name)
        .map(|zone| (zone.iana_name().unwrap_or(name).to_string(), zone))
        .map_err(|_| {
            Error::invalid(
                field,
                format!(
                    "“{}” is not a time zone we know: choose one from the list, such as Europe/Zurich or America/New_York.",
                    name.chars().take(60).collect::<String>()
                ),
            )
        })
}

/// Every time zone of the IANA database, by name, sorted: what the time zone
/// fields offer. These are the names `parse` knows, less the system's own
/// files that are not zones.
pub fn names() -> &'static [String] {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: Vec<String> = jiff::tz::db()
            .available()
            .map(|name| name.to_string())
            .filter(|name| !matches!(name.as_str(), "localtime" | "posixrules" | "Factory"))
            .collect();
        names.sort_by_key(|name| name.to_lowercase());
        names.dedup();
        names
    })
}

/// The time zone a reader reads times in, with its IANA name. The web layer
/// decides which (their account's, else their browser's, else UTC: see
/// `app::web::reader`) and hands it to the services that show times.
#[derive(Debug, Clone)]
pub struct ReaderZone {
    pub name: String,
    pub tz: TimeZone,
}

impl ReaderZone {
    pub fn utc() -> ReaderZone {
        ReaderZone {
            name: "UTC".to_string(),
            tz: TimeZone::UTC,
        }
    }

    /// The zone called `name`, or UTC when there is no such zone.
    pub fn named_or_utc(name: Option<&str>) -> ReaderZone {
        name.and_then(|name| parse("time_zone", name).ok())
            .map(|(name, tz)| ReaderZone { name, tz })
            .unwrap_or_else(ReaderZone::utc)
    }

    /// "2026-12-08 14:00 CET": a moment in lists, threads and histories.
    pub fn date_time(&self, t: OffsetDateTime) -> String {
        date_time(t, &self.tz)
    }

    /// ("Tue 8 Dec 2026, 14:00", "16:00"): when something (a workshop
    /// session) starts and ends, as its page shows them under "Times in
    /// Europe/Zurich".
    pub fn start_and_end(&self, starts: OffsetDateTime, ends: OffsetDateTime) -> (String, String) {
        (day_and_time(starts, &self.tz), clock(ends, &self.tz))
    }

    /// "Tue 8 Dec 2026, 14:00–16:00 (Europe/Zurich)": the same with the zone
    /// named as the pages name it, for a mail, which has no page around it.
    pub fn span_named(&self, starts: OffsetDateTime, ends: OffsetDateTime) -> String {
        let (starts, ends) = self.start_and_end(starts, ends);
        format!("{starts}–{ends} ({})", self.name)
    }
}

fn timestamp(t: OffsetDateTime) -> Timestamp {
    Timestamp::from_second(t.unix_timestamp()).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// "Tue 8 Dec 2026, 14:00" in `zone`.
pub fn day_and_time(t: OffsetDateTime, zone: &TimeZone) -> String {
    timestamp(t)
        .to_zoned(zone.clone())
        .strftime("%a %-d %b %Y, %H:%M")
        .to_string()
}

/// "2026-12-08 14:00 CET" in `zone`: a moment in lists, threads and histories.
pub fn date_time(t: OffsetDateTime, zone: &TimeZone) -> String {
    timestamp(t)
        .to_zoned(zone.clone())
        .strftime("%Y-%m-%d %H:%M %Z")
        .to_string()
}

/// "14:00" in `zone`.
pub fn clock(t: OffsetDateTime, zone: &TimeZone) -> String {
    timestamp(t)
        .to_zoned(zone.clone())
        .strftime("%H:%M")
        .to_string()
}

/// "2026-12" of `t` in `zone`: the month it falls in there.
pub fn month_key(t: OffsetDateTime, zone: &TimeZone) -> String {
    timestamp(t)
        .to_zoned(zone.clone())
        .strftime("%Y-%m")
        .to_string()
}

/// "December 2026".
pub fn month_label(t: OffsetDateTime, zone: &TimeZone) -> String {
    timestamp(t)
        .to_zoned(zone.clone())
        .strftime("%B %Y")
        .to_string()
}

/// The instant of a local date and time ("2026-12-08", "14:00") in `zone`. In the
/// hour clocks skip, the later reading is taken; in the hour they repeat, the earlier.
pub fn local_instant(date: &str, clock: &str, zone: &TimeZone) -> Result<OffsetDateTime, Error> {
    let date: jiff::civil::Date = date
        .trim()
        .parse()
        .map_err(|_| Error::invalid("date", "Write the date as YYYY-MM-DD, e.g. 2026-12-08."))?;
    let time: jiff::civil::Time = clock
        .trim()
        .parse()
        .map_err(|_| Error::invalid("time", "Write the time as HH:MM, e.g. 14:00."))?;
    let zoned = date
        .to_datetime(time)
        .to_zoned(zone.clone())
        .map_err(|_| Error::invalid("time", "This time does not exist in that time zone."))?;
    OffsetDateTime::from_unix_timestamp(zoned.timestamp().as_second())
        .map_err(|_| Error::invalid("date", "This date is out of range."))
}

/// The local date and time of `t` in `zone`, as the session form shows them.
pub fn local_parts(t: OffsetDateTime, zone: &TimeZone) -> (String, String) {
    let zoned = timestamp(t).to_zoned(zone.clone());
    (
        zoned.strftime("%Y-%m-%d").to_string(),
        zoned.strftime("%H:%M").to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_become_instants_and_back() {
        let (_, zurich) = parse("time_zone", "Europe/Zurich").unwrap();
        // Winter: UTC+1.
        let t = local_instant("2026-12-08", "14:00", &zurich).unwrap();
        assert_eq!(t.unix_timestamp(), 1_796_734_800);
        assert_eq!(day_and_time(t, &zurich), "Tue 8 Dec 2026, 14:00");
        assert_eq!(clock(t, &TimeZone::UTC), "13:00");
        assert_eq!(
            local_parts(t, &zurich),
            ("2026-12-08".into(), "14:00".into())
        );
        let (_, tokyo) = parse("time_zone", "Asia/Tokyo").unwrap();
        assert_eq!(day_and_time(t, &tokyo), "Tue 8 Dec 2026, 22:00");
        assert_eq!(date_time(t, &zurich), "2026-12-08 14:00 CET");
        assert_eq!(date_time(t, &TimeZone::UTC), "2026-12-08 13:00 UTC");
        assert_eq!(month_label(t, &zurich), "December 2026");
        let tokyo = ReaderZone::named_or_utc(Some("asia/tokyo"));
        assert_eq!(
            tokyo.span_named(t, t + time::Duration::hours(2)),
            "Tue 8 Dec 2026, 22:00–00:00 (Asia/Tokyo)"
        );
    }

    #[test]
    fn every_iana_zone_is_offered_and_known_in_its_own_spelling() {
        let names = names();
        assert!(names.len() > 400, "{}", names.len());
        for zone in [
            "Europe/Zurich",
            "America/Argentina/Ushuaia",
            "Pacific/Chatham",
            "UTC",
        ] {
            assert!(names.iter().any(|n| n == zone), "{zone}");
        }
        assert!(!names.iter().any(|n| n == "localtime" || n == "posixrules"));
        assert!(names.iter().all(|n| parse("time_zone", n).is_ok()));
        assert_eq!(
            parse("time_zone", " europe/zurich ").unwrap().0,
            "Europe/Zurich"
        );
    }

    #[test]
    fn bad_zones_dates_and_times_name_their_field() {
        assert_eq!(
            parse("time_zone", "Mars/Olympus").unwrap_err().field(),
            Some("time_zone")
        );
        let zone = TimeZone::UTC;
        assert_eq!(
            local_instant("8.12.2026", "14:00", &zone)
                .unwrap_err()
                .field(),
            Some("date")
        );
        assert_eq!(
            local_instant("2026-12-08", "2pm", &zone)
                .unwrap_err()
                .field(),
            Some("time")
        );
    }
}
