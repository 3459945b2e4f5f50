//! What every page and component may read from the application: who is
//! signed in, and whether the browser's time zone became known. `app` provides
//! these; pages, components and the web glue only read them, so none of them
//! needs the application root.

use crate::api::auth::SignOut;
use crate::error::AppError;
use leptos::prelude::*;
use rapport_types::views::auth::UserSummary;

/// Who is signed in, shared by every page.
#[derive(Clone, Copy)]
pub struct Auth {
    pub user: Resource<Result<Option<UserSummary>, AppError>>,
    pub sign_out: ServerAction<SignOut>,
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

/// Counts the times the browser's zone became known to the server during this
/// visit (0 or 1). Resources that show times include it in their key, so the
/// first page of a first visit, rendered in UTC, is fetched again in the
/// browser's zone instead of waiting for the next page.
#[derive(Clone, Copy)]
pub struct BrowserZone(pub RwSignal<u32>);

/// The `BrowserZone` signal (0 on the server, where it never changes).
pub fn browser_zone_changes() -> u32 {
    use_context::<BrowserZone>().map_or(0, |z| z.0.get())
}
