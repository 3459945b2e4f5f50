//! Service levels: the targets per priority and the business calendar they count in.
//! Agents may read them; only admins change them.

use crate::domain::{AppError, Priority};
use leptos::prelude::*;
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

#[server(endpoint = "sla_settings")]
pub async fn sla_settings() -> Result<ServiceLevels, AppError> {
    use crate::server::{auth, policy, sla, AppState};
    let state = expect_context::<AppState>();
    let actor = auth::actor();
    policy::authorize(actor.as_ref(), &policy::Action::ViewSlaPolicies)?;
    let can_edit = policy::allows(actor.as_ref(), &policy::Action::ManageSlaPolicies);
    sla::settings(&state.pool, can_edit).await
}

/// The targets of one priority, each as hours and minutes of business time.
#[server(endpoint = "save_sla_policy")]
pub async fn save_sla_policy(
    priority: String,
    first_response_hours: String,
    first_response_minutes: String,
    resolution_hours: String,
    resolution_minutes: String,
) -> Result<(), AppError> {
    use crate::server::{auth, policy, sla, AppState};
    let state = expect_context::<AppState>();
    policy::authorize(auth::actor().as_ref(), &policy::Action::ManageSlaPolicies)?;
    sla::save_policy(
        &state.pool,
        &priority,
        sla::TargetInput {
            hours: &first_response_hours,
            minutes: &first_response_minutes,
        },
        sla::TargetInput {
            hours: &resolution_hours,
            minutes: &resolution_minutes,
        },
    )
    .await?;
    leptos_axum::redirect("/admin/sla?saved=targets");
    Ok(())
}

/// The calendar's time zone and opening hours. `opens[i]` and `closes[i]` are
/// weekday i (0 = Monday) as "HH:MM"; both empty for a closed day.
#[server(endpoint = "save_business_hours")]
pub async fn save_business_hours(
    time_zone: String,
    opens: Vec<String>,
    closes: Vec<String>,
) -> Result<(), AppError> {
    use crate::server::{auth, policy, sla, AppState};
    let state = expect_context::<AppState>();
    policy::authorize(auth::actor().as_ref(), &policy::Action::ManageSlaPolicies)?;
    sla::save_hours(&state.pool, &time_zone, &opens, &closes).await?;
    leptos_axum::redirect("/admin/sla?saved=hours");
    Ok(())
}

#[server(endpoint = "add_holiday")]
pub async fn add_holiday(day: String, name: String) -> Result<(), AppError> {
    use crate::server::{auth, policy, sla, AppState};
    let state = expect_context::<AppState>();
    policy::authorize(auth::actor().as_ref(), &policy::Action::ManageSlaPolicies)?;
    sla::add_holiday(&state.pool, &day, &name).await?;
    leptos_axum::redirect("/admin/sla?saved=holiday");
    Ok(())
}

#[server(endpoint = "remove_holiday")]
pub async fn remove_holiday(day: String) -> Result<(), AppError> {
    use crate::server::{auth, policy, sla, AppState};
    let state = expect_context::<AppState>();
    policy::authorize(auth::actor().as_ref(), &policy::Action::ManageSlaPolicies)?;
    sla::remove_holiday(&state.pool, &day).await?;
    leptos_axum::redirect("/admin/sla?saved=removed");
    Ok(())
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
