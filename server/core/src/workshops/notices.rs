//! The mails a registration or a session change sends, with a calendar file.

use super::*;

/// What a mail about a session says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum News {
    Registered,
    Waitlisted,
    MovedUp,
    CancelledByYou,
    SessionChanged,
    SessionCancelled,
}

/// Queue the mail about `news` for one person, in the transaction of the change.
pub(super) async fn tell(
    site: &SiteLinks,
    tx: &mut PgConnection,
    user_id: i64,
    row: &SessionRow,
    news: News,
) -> Result<(), Error> {
    let (name, email, zone_name) = db::workshops::contact(tx, user_id).await?;
    let zone = zone_name
        .as_deref()
        .and_then(|z| time_zones::parse("time_zone", z).ok())
        .or_else(|| time_zones::parse("time_zone", &row.time_zone).ok())
        .map(|(name, tz)| ReaderZone { name, tz })
        .unwrap_or_else(ReaderZone::utc);
    // As the workshop's page shows it to them, with the zone named the same way.
    let when = zone.span_named(
        row.starts_at,
        row.starts_at + Duration::minutes(row.duration_minutes as i64),
    );
    let page = site.page(&format!("/kb/{}#sessions", row.slug));
    let whereabouts = match (row.place.is_empty(), row.online_url.is_empty()) {
        (false, false) => format!("Place: {}\nOnline: {}", row.place, row.online_url),
        (false, true) => format!("Place: {}", row.place),
        _ => format!("Online: {}", row.online_url),
    };
    let (headline, text, calendar) = match news {
        News::Registered => (
            "You are registered",
            format!("you have a place in “{}” on {when}.\n\n{whereabouts}\n\nThe attached calendar file adds it to your calendar. If you cannot come, cancel on the workshop's page so someone on the waitlist gets your place.", row.title),
            Some(false),
        ),
        News::Waitlisted => (
            "You are on the waitlist",
            format!("“{}” on {when} is full, so you are on its waitlist. When a place frees, the first on the waitlist gets it and is told by e-mail.", row.title),
            None,
        ),
        News::MovedUp => (
            "A place freed up: you are registered",
            format!("a place freed up in “{}” on {when}, and it is yours.\n\n{whereabouts}\n\nThe attached calendar file adds it to your calendar. If you cannot come any more, cancel on the workshop's page.", row.title),
            Some(false),
        ),
        News::CancelledByYou => (
            "Registration cancelled",
            format!("your registration for “{}” on {when} is cancelled.", row.title),
            None,
        ),
        News::SessionChanged => (
            "Session changed",
            format!("the session of “{}” you signed up for has changed. It is now on {when}.\n\n{whereabouts}\n\nThe attached calendar file updates your calendar entry. If the new time does not suit you, cancel on the workshop's page so someone else gets your place.", row.title),
            Some(false),
        ),
        News::SessionCancelled => (
            "Session cancelled",
            format!("we are sorry: the session of “{}” on {when} is cancelled. The workshop's page shows the other sessions.", row.title),
            Some(true),
        ),
    };
    let recipient = crate::case_mail::Recipient {
        name: &name,
        email: &email,
    };
    let mail = OutgoingMail {
        to: recipient.address(),
        subject: format!("{headline}: {}", row.title),
        body: format!(
            "Hello {name},\n\n{text}\n\nThe workshop: {page}\n\n-- \nRapport support portal\n"
        ),
        calendar: calendar.map(|cancelled| calendar_file(row, &page, cancelled)),
        ..OutgoingMail::default()
    };
    mail::queue(&mut *tx, &mail).await?;
    Ok(())
}

/// An iCalendar file for a session; a cancelled one says so, so calendars drop it.
pub fn calendar_file(row: &SessionRow, page: &str, cancelled: bool) -> String {
    use icalendar::{Calendar, Component, Event, EventLike, EventStatus};
    let instant = |t: OffsetDateTime| {
        chrono::DateTime::<chrono::Utc>::from_timestamp(t.unix_timestamp(), 0).unwrap_or_default()
    };
    let ends_at = row.starts_at + Duration::minutes(row.duration_minutes as i64);
    let location = match (row.place.is_empty(), row.online_url.is_empty()) {
        (false, _) => row.place.clone(),
        _ => row.online_url.clone(),
    };
    let mut event = Event::new();
    event
        .uid(&format!("workshop-session-{}@rapport", row.id))
        .summary(&row.title)
        .description(format!("{page}\n{}", row.online_url).trim())
        .location(&location)
        .starts(instant(row.starts_at))
        .ends(instant(ends_at))
        .url(page)
        .status(if cancelled {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        });
    Calendar::new().push(event.done()).done().to_string()
}
