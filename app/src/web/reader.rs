//! The current request's reader, for the services: who asks (from the session)
//! and which time zone they read times in (their account's, else their
//! browser's). Formatting times is the services' job.

use rapport_core::time_zones::ReaderZone;
use rapport_core::Reader;

use rapport_types::BROWSER_ZONE_COOKIE;

/// The zone the current reader reads times in: their account's, else their
/// browser's (the `tz` cookie the page sets once it runs), else UTC.
fn zone() -> ReaderZone {
    let chosen = super::auth::signed_in().and_then(|user| user.time_zone);
    // Read in place (the request is not copied): this runs for every time shown.
    let browser = || {
        leptos::prelude::with_context::<http::request::Parts, _>(|parts| {
            let cookies = parts.headers.get(http::header::COOKIE)?.to_str().ok()?;
            cookies.split(';').find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                (name == BROWSER_ZONE_COOKIE).then(|| {
                    percent_encoding::percent_decode_str(value)
                        .decode_utf8_lossy()
                        .into_owned()
                })
            })
        })
        .flatten()
        // Only what could be a zone name is looked up: the cookie is the browser's to set.
        .filter(|name| {
            name.len() <= 64
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "/_+-".contains(c))
        })
    };
    ReaderZone::named_or_utc(chosen.or_else(browser).as_deref())
}

/// The current request's reader: who is asking (or a visitor) and the zone
/// they read times in, for the services.
pub fn current() -> Reader {
    let reader = Reader::new(super::auth::actor(), zone());
    match leptos::prelude::use_context::<super::AppState>() {
        Some(state) => reader.from_address(super::auth::client_ip(&state)),
        None => reader,
    }
}
