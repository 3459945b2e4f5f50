//! Case changes as they happen, from any server process.
//!
//! PostgreSQL announces every change to a case, its thread, or who of the
//! staff is looking at it on the channel `rapport_cases` (triggers in
//! migration 0008), at commit. Each server process listens once and passes
//! the news to the pages open on it (`/events/cases`, see `app::web::live`),
//! each reader hearing only of cases they may see. A page then fetches what
//! it shows again, through the usual services and checks: the news says
//! which case, never what changed.

use crate::db::listen::{listen, Backoff};
use crate::policy::{self, Action, Actor, CaseRef};
pub use rapport_types::views::cases::{CaseNews, NewsKind as ChangeKind};
use serde::Deserialize;
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

/// The PostgreSQL channel the triggers notify.
pub const CHANNEL: &str = "rapport_cases";

/// News kept for a slow reader before it misses some (and is told to
/// refresh everything instead).
const BACKLOG: usize = 256;

/// One piece of news, as the trigger sends it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CaseChange {
    pub kind: ChangeKind,
    /// "C-1042"; absent for `Many`.
    pub case: Option<String>,
    pub organization_id: Option<i64>,
    pub requester_id: Option<i64>,
}

impl CaseChange {
    fn many() -> CaseChange {
        CaseChange {
            kind: ChangeKind::Many,
            case: None,
            organization_id: None,
            requester_id: None,
        }
    }

    /// The news as `actor` may hear it, or None: a case they may not see, or
    /// staff presence told to a customer.
    pub fn heard_by(&self, actor: &Actor) -> Option<CaseNews> {
        let heard = CaseNews {
            kind: self.kind,
            case: self.case.clone(),
        };
        match self.kind {
            ChangeKind::Many => policy::case_scope(actor).map(|_| heard),
            ChangeKind::Presence => {
                policy::allows(Some(actor), &Action::WorkCases).then_some(heard)
            }
            ChangeKind::Case => {
                let case = CaseRef {
                    organization_id: self.organization_id?,
                    requester_id: self.requester_id?,
                };
                policy::case_scope(actor)
                    .filter(|scope| scope.admits(case))
                    .map(|_| heard)
            }
        }
    }
}

/// Where the news of this process goes: one sender, a receiver per open page.
#[derive(Clone)]
pub struct LiveCases {
    sender: broadcast::Sender<CaseChange>,
    /// True once the server is stopping: open streams end, so it can stop.
    closing: watch::Sender<bool>,
}

impl Default for LiveCases {
    fn default() -> Self {
        LiveCases::new()
    }
}

impl LiveCases {
    pub fn new() -> LiveCases {
        LiveCases {
            sender: broadcast::channel(BACKLOG).0,
            closing: watch::channel(false).0,
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<CaseChange> {
        self.sender.subscribe()
    }

    /// Becomes true when the server stops (see `close`).
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// End every open stream: the server is stopping, and waits for them.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    fn tell(&self, change: CaseChange) {
        // No page open: nobody to tell, which is fine.
        let _ = self.sender.send(change);
    }
}

/// Listen on `rapport_cases` until the pool is closed, passing each
/// notification to `live`. A lost connection is retried; after it, pages are
/// told to refresh everything, as news may have been missed meanwhile.
pub fn spawn_listener(pool: PgPool, live: LiveCases) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut listener: Option<PgListener> = None;
        let mut backoff = Backoff::default();
        loop {
            if pool.is_closed() {
                return;
            }
            let connected = match listener.as_mut() {
                Some(connected) => connected,
                None => match listen(&pool, CHANNEL).await {
                    Ok(new) => {
                        if backoff.reset() {
                            tracing::info!("open pages hear of case changes again");
                            // What happened meanwhile was not heard.
                            live.tell(CaseChange::many());
                        }
                        listener.insert(new)
                    }
                    Err(err) => {
                        if backoff.worth_logging() {
                            tracing::warn!(error = %err, retry_in = ?backoff.pause(),
                                "open pages cannot hear of case changes");
                        }
                        backoff.wait().await;
                        continue;
                    }
                },
            };
            match connected.try_recv().await {
                Ok(Some(notification)) => {
                    match serde_json::from_str::<CaseChange>(notification.payload()) {
                        Ok(change) => live.tell(change),
                        Err(err) => tracing::warn!(error = %err, payload = notification.payload(),
                            "ignoring a case notification that is not understood"),
                    }
                }
                // The connection was lost: listen again at once (see `listen`),
                // and tell the pages, which missed what happened meanwhile.
                Ok(None) => {
                    listener = None;
                    live.tell(CaseChange::many());
                }
                Err(err) => {
                    tracing::warn!(error = %err, "listening for case changes failed; reconnecting");
                    listener = None;
                    live.tell(CaseChange::many());
                    backoff.wait().await;
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rapport_types::Role;

    fn change(kind: ChangeKind) -> CaseChange {
        CaseChange {
            kind,
            case: Some("C-1042".into()),
            organization_id: Some(7),
            requester_id: Some(70),
        }
    }

    fn actor(role: Role, user_id: i64, organization_id: Option<i64>) -> Actor {
        Actor {
            user_id,
            role,
            organization_id,
        }
    }

    #[test]
    fn each_reader_hears_only_of_cases_they_may_see() {
        let agent = actor(Role::Agent, 1, None);
        let requester = actor(Role::Customer, 70, Some(7));
        let colleague = actor(Role::Customer, 71, Some(7));
        let customer_admin = actor(Role::CustomerAdmin, 72, Some(7));
        let stranger_admin = actor(Role::CustomerAdmin, 80, Some(8));
        let trainer = actor(Role::Trainer, 2, None);

        let news = change(ChangeKind::Case);
        assert!(news.heard_by(&agent).is_some());
        assert!(news.heard_by(&requester).is_some());
        assert!(news.heard_by(&customer_admin).is_some());
        assert_eq!(news.heard_by(&colleague), None, "another requester's case");
        assert_eq!(news.heard_by(&stranger_admin), None, "another organization");
        assert_eq!(news.heard_by(&trainer), None, "trainers see no cases");

        let presence = change(ChangeKind::Presence);
        assert!(presence.heard_by(&agent).is_some());
        assert_eq!(
            presence.heard_by(&requester),
            None,
            "staff presence is for staff"
        );

        assert!(CaseChange::many().heard_by(&requester).is_some());
        assert_eq!(CaseChange::many().heard_by(&trainer), None);
    }

    #[test]
    fn reads_what_the_trigger_sends() {
        let sent =
            r#"{"kind" : "case", "case" : "C-1001", "organization_id" : 1, "requester_id" : 5}"#;
        let change: CaseChange = serde_json::from_str(sent).unwrap();
        assert_eq!(change.kind, ChangeKind::Case);
        assert_eq!(change.case.as_deref(), Some("C-1001"));
        let many: CaseChange = serde_json::from_str(r#"{"kind" : "many"}"#).unwrap();
        assert_eq!(many, CaseChange::many());
    }
}
