use crate::Priority;
use serde::{Deserialize, Serialize};

/// The targets of one priority, in business minutes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlaPolicyView {
    pub priority: Priority,
    pub first_response_minutes: i32,
    pub resolution_minutes: i32,
}

/// The opening hours of one weekday as "HH:MM"; both empty when closed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpeningHoursView {
    /// ISO weekday: 1 = Monday ... 7 = Sunday.
    pub weekday: u8,
    pub opens: String,
    pub closes: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HolidayView {
    /// YYYY-MM-DD
    pub day: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceLevels {
    /// Most urgent first.
    pub policies: Vec<SlaPolicyView>,
    /// An IANA time zone name, e.g. Europe/Berlin.
    pub time_zone: String,
    /// Monday first, seven days.
    pub week: Vec<OpeningHoursView>,
    /// In date order.
    pub holidays: Vec<HolidayView>,
    /// The reader may change them (admins); agents only read.
    pub can_edit: bool,
}

/// The longest target the form takes, in hours of business time.
pub const MAX_TARGET_HOURS: i32 = 2000;

/// ISO weekdays by name, Monday first.
pub const WEEKDAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Business minutes for people: "8 h", "1 h 30 min", "45 min". Hours, not days:
/// a business day is whatever the opening hours say.
pub fn format_business_minutes(minutes: i32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::format_business_minutes;

    #[test]
    fn business_minutes_read_as_hours_and_minutes() {
        assert_eq!(format_business_minutes(45), "45 min");
        assert_eq!(format_business_minutes(480), "8 h");
        assert_eq!(format_business_minutes(90), "1 h 30 min");
        assert_eq!(format_business_minutes(4800), "80 h");
    }
}
