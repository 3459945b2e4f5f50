//! `GET /events/cases`: server-sent events that tell an open page a case it
//! may see has changed, so it fetches what it shows again (`components::live`).
//!
//! Each event says which case and what kind of news (`{"kind":"case",
//! "case":"C-1042"}`), never what changed: the page asks for that through
//! the usual server functions and their checks. Who hears what is decided by
//! `rapport_core::live::CaseChange::heard_by`, from the policy module.

use super::auth::RequestUser;
use super::security::error_response;
use super::AppState;
use crate::error::AppError;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::stream::{self, StreamExt};
use rapport_core::live::{CaseNews, ChangeKind};
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

/// A stream ends after this long; the browser reconnects at once, and the
/// session is checked again (a signed-out or disabled person stops hearing).
const STREAM_LIFETIME: Duration = Duration::from_secs(300);
/// How soon the browser reconnects after a stream ended or broke.
const RECONNECT_AFTER: Duration = Duration::from_secs(2);

pub async fn case_events(
    State(state): State<AppState>,
    axum::Extension(user): axum::Extension<RequestUser>,
) -> Response {
    let Some(user) = user.0 else {
        return error_response(&AppError::Unauthenticated);
    };
    let actor = user.actor;
    // Someone who may see no case at all (a trainer) has nothing to hear.
    if rapport_core::policy::case_scope(&actor).is_none() {
        return error_response(&AppError::Forbidden);
    }
    let news = state.live.subscribe();
    let closing = state.live.closing();
    let events = stream::unfold(
        (news, closing, actor),
        |(mut news, mut closing, actor)| async move {
            loop {
                let heard = tokio::select! {
                    // The server is stopping: end the stream so it can.
                    _ = closing.wait_for(|closed| *closed) => return None,
                    got = news.recv() => match got {
                        Ok(change) => change.heard_by(&actor),
                        // Too slow to keep up: some news was dropped, so all of it counts.
                        Err(RecvError::Lagged(_)) => Some(CaseNews { kind: ChangeKind::Many, case: None }),
                        Err(RecvError::Closed) => return None,
                    },
                };
                if let Some(heard) = heard {
                    let event = Event::default()
                        .json_data(&heard)
                        .unwrap_or_else(|_| Event::default().comment("unreadable"));
                    return Some((Ok::<_, Infallible>(event), (news, closing, actor)));
                }
            }
        },
    );
    let first =
        stream::once(async { Ok(Event::default().retry(RECONNECT_AFTER).comment("listening")) });
    let events = first
        .chain(events)
        .take_until(tokio::time::sleep(STREAM_LIFETIME));
    Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response()
}
