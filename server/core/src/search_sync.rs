//! PostgreSQL to the index: the full rebuild, the drift check, opening at
//! start, and the task that applies change notifications.
//!
//! PostgreSQL is the source of truth. The index follows it through
//! notifications on `rapport_search` (sent by `notify_article_changed` in the
//! transaction that changes an article, so they arrive after the commit);
//! whenever notifications may have been missed (start, lost connection), a
//! drift check compares ids and versions and repairs what differs.

use crate::db::listen::{listen, Backoff};
use crate::db::search_docs;
use crate::Error;
use futures::StreamExt;
use rapport_search::{IndexChange, Opened, SearchDoc, SearchError, SearchIndex};
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;

/// Notifications handled together at most: a bulk change is one commit.
const BATCH: usize = 100;
/// How long to wait for more notifications before applying a batch.
const BATCH_WAIT: Duration = Duration::from_millis(20);
/// A drift larger than this is repaired by a full rebuild rather than
/// article by article.
const REPAIR_ONE_BY_ONE_AT_MOST: usize = 500;
/// Documents in flight between the database stream and the index writer.
const REBUILD_QUEUE: usize = 256;

/// How the index differs from PostgreSQL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drift {
    /// Live articles in PostgreSQL.
    pub in_db: u64,
    /// Articles in the index.
    pub in_index: u64,
    /// Live, but not in the index.
    pub missing: Vec<i64>,
    /// In the index, but no longer live (archived, unpublished, deleted).
    pub stale: Vec<i64>,
    /// In both, but changed in PostgreSQL after it was indexed.
    pub outdated: Vec<i64>,
}

impl Drift {
    pub fn is_clean(&self) -> bool {
        self.missing.is_empty() && self.stale.is_empty() && self.outdated.is_empty()
    }

    /// Every article whose index entry must be redone.
    pub fn ids(&self) -> Vec<i64> {
        let all: BTreeSet<i64> = self
            .missing
            .iter()
            .chain(&self.stale)
            .chain(&self.outdated)
            .copied()
            .collect();
        all.into_iter().collect()
    }
}

/// Replace the index with every live article, streamed from PostgreSQL into
/// the writer on a blocking thread. `progress` hears the count so far. On a
/// database error nothing is committed.
pub async fn rebuild_from_db(
    pool: &PgPool,
    index: &SearchIndex,
    progress: impl FnMut(u64) + Send + 'static,
) -> Result<u64, Error> {
    let (sender, mut receiver) =
        tokio::sync::mpsc::channel::<Result<SearchDoc, SearchError>>(REBUILD_QUEUE);
    let reading_pool = pool.clone();
    let reader = tokio::spawn(async move {
        let mut docs = search_docs::live_documents(&reading_pool);
        while let Some(doc) = docs.next().await {
            let failed = doc.is_err();
            // The writer stopped (it failed): stop reading too.
            if sender
                .send(doc.map_err(|e| {
                    SearchError::Other(format!("reading the articles from PostgreSQL: {e}"))
                }))
                .await
                .is_err()
                || failed
            {
                break;
            }
        }
    });
    let writing = index.clone();
    let written = tokio::task::spawn_blocking(move || {
        writing.rebuild_fallible(std::iter::from_fn(|| receiver.blocking_recv()), progress)
    })
    .await;
    reader.abort();
    Ok(written.map_err(|e| Error::internal(format!("the rebuild stopped: {e}")))??)
}

/// Compare the index with PostgreSQL.
pub async fn check(pool: &PgPool, index: &SearchIndex) -> Result<Drift, Error> {
    let in_db = search_docs::live_versions(pool).await?;
    let reading = index.clone();
    let in_index = tokio::task::spawn_blocking(move || reading.indexed_versions())
        .await
        .map_err(|e| Error::internal(format!("reading the index ids stopped: {e}")))?;
    Ok(compare(&in_db, &in_index))
}

/// Both lists sorted by id: `(article id, updated_at)`.
fn compare(in_db: &[(i64, i64)], in_index: &[(i64, i64)]) -> Drift {
    let mut drift = Drift {
        in_db: in_db.len() as u64,
        in_index: in_index.len() as u64,
        ..Drift::default()
    };
    let (mut d, mut i) = (0, 0);
    while d < in_db.len() || i < in_index.len() {
        match (in_db.get(d), in_index.get(i)) {
            (Some(db), Some(ix)) if db.0 == ix.0 => {
                if db.1 != ix.1 {
                    drift.outdated.push(db.0);
                }
                d += 1;
                i += 1;
                // An id indexed twice: the extra copies are stale.
                while in_index.get(i).is_some_and(|next| next.0 == db.0) {
                    drift.stale.push(db.0);
                    i += 1;
                }
            }
            (Some(db), Some(ix)) if db.0 < ix.0 => {
                drift.missing.push(db.0);
                d += 1;
            }
            (Some(db), None) => {
                drift.missing.push(db.0);
                d += 1;
            }
            (_, Some(ix)) => {
                drift.stale.push(ix.0);
                i += 1;
            }
            (None, None) => break,
        }
    }
    drift
}

/// Open the index at start: create it when missing, recreate it when
/// unreadable or of another schema version, and rebuild it from PostgreSQL
/// when it was (re)created or its article count differs from PostgreSQL's.
pub async fn open_and_refresh(pool: &PgPool, dir: &Path) -> Result<SearchIndex, Error> {
    let folder = dir.to_path_buf();
    let (index, opened) = tokio::task::spawn_blocking(move || SearchIndex::open_or_create(&folder))
        .await
        .map_err(|e| Error::internal(format!("opening the index stopped: {e}")))??;
    let live = search_docs::count_live(pool).await?.max(0) as u64;
    let reason = match &opened {
        Opened::Fresh => Some("there was no index".to_string()),
        Opened::Recreated { reason } => Some(format!("the index was recreated: {reason}")),
        Opened::Existing => {
            let indexed = index.doc_count();
            (indexed != live).then(|| {
                format!("the index has {indexed} articles and PostgreSQL {live} live ones")
            })
        }
    };
    match reason {
        None => {
            tracing::info!(articles = live, dir = %dir.display(), "the search index is current")
        }
        Some(reason) => {
            tracing::info!(dir = %dir.display(), %reason, "rebuilding the search index from PostgreSQL");
            let started = Instant::now();
            let indexed = rebuild_from_db(pool, &index, |n| {
                if n.is_multiple_of(10_000) && n > 0 {
                    tracing::info!(articles = n, "indexing");
                }
            })
            .await?;
            tracing::info!(
                articles = indexed,
                seconds = started.elapsed().as_secs_f32(),
                "the search index was rebuilt"
            );
        }
    }
    Ok(index)
}

/// Keep `index` current from PostgreSQL's change notifications until the
/// task is aborted or the pool is closed. Each batch of changed articles is
/// loaded in one query and applied in one commit on a blocking thread. On
/// start and after a lost connection it checks for drift and repairs it.
/// Failures are logged and retried, never fatal.
pub fn spawn_updater(pool: PgPool, index: SearchIndex) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut listener: Option<PgListener> = None;
        // Catch up first: changes made before the listener started were not heard.
        let mut catch_up_needed = true;
        let mut backoff = Backoff::default();
        loop {
            if pool.is_closed() {
                tracing::info!("the search index updater stops: the database pool is closed");
                return;
            }
            let connected = match listener.as_mut() {
                Some(connected) => connected,
                None => match listen(&pool, search_docs::CHANNEL).await {
                    Ok(new) => {
                        if backoff.reset() {
                            tracing::info!("the search index listens for article changes again");
                        }
                        listener.insert(new)
                    }
                    Err(err) => {
                        if backoff.worth_logging() {
                            tracing::warn!(error = %err, retry_in = ?backoff.pause(),
                                "the search index cannot listen for article changes");
                        }
                        backoff.wait().await;
                        continue;
                    }
                },
            };
            // Listening before catching up: nothing falls between the two.
            if catch_up_needed {
                match catch_up(&pool, &index).await {
                    Ok(()) => catch_up_needed = false,
                    Err(err) => {
                        if backoff.worth_logging() {
                            tracing::error!(error = %err, retry_in = ?backoff.pause(),
                                "the search index could not catch up with PostgreSQL");
                        }
                        backoff.wait().await;
                        continue;
                    }
                }
            }
            match connected.try_recv().await {
                Ok(Some(first)) => {
                    let mut payloads = vec![first.payload().to_string()];
                    while payloads.len() < BATCH {
                        match tokio::time::timeout(BATCH_WAIT, connected.try_recv()).await {
                            Ok(Ok(Some(next))) => payloads.push(next.payload().to_string()),
                            Ok(Ok(None)) | Ok(Err(_)) => {
                                listener = None;
                                catch_up_needed = true;
                                break;
                            }
                            Err(_) => break,
                        }
                    }
                    let ids = article_ids(&payloads);
                    if let Err(err) = update(&pool, &index, ids).await {
                        tracing::error!(error = %err,
                            "updating the search index failed; a drift check follows");
                        catch_up_needed = true;
                    }
                }
                // The connection was lost: listen again at once (see `listen`).
                Ok(None) => {
                    tracing::warn!(
                        "the connection for article changes was lost; reconnecting, then checking for drift"
                    );
                    listener = None;
                    catch_up_needed = true;
                }
                Err(err) => {
                    tracing::warn!(error = %err, "listening for article changes failed; reconnecting");
                    listener = None;
                    catch_up_needed = true;
                    backoff.wait().await;
                }
            }
        }
    })
}

/// The article ids in notification payloads, each once; anything else is
/// logged and skipped.
fn article_ids(payloads: &[String]) -> Vec<i64> {
    let mut ids = BTreeSet::new();
    for payload in payloads {
        match payload.trim().parse::<i64>() {
            Ok(id) => {
                ids.insert(id);
            }
            Err(_) => {
                tracing::warn!(%payload, "ignoring a search notification that is not an article id")
            }
        }
    }
    ids.into_iter().collect()
}

/// Re-read these articles and put the index in line: upsert the live ones,
/// remove the others.
pub async fn update(pool: &PgPool, index: &SearchIndex, ids: Vec<i64>) -> Result<(), Error> {
    if ids.is_empty() {
        return Ok(());
    }
    let docs = search_docs::documents(pool, &ids).await?;
    let live: BTreeSet<i64> = docs.iter().map(|d| d.article_id).collect();
    let mut changes: Vec<IndexChange> = ids
        .iter()
        .filter(|id| !live.contains(id))
        .map(|id| IndexChange::Remove(*id))
        .collect();
    changes.extend(docs.into_iter().map(IndexChange::Upsert));
    let count = changes.len();
    let writing = index.clone();
    tokio::task::spawn_blocking(move || writing.apply(changes))
        .await
        .map_err(|e| Error::internal(format!("applying changes stopped: {e}")))??;
    tracing::debug!(changes = count, "search index updated");
    Ok(())
}

/// Repair drift: article by article when it is small, a rebuild otherwise.
async fn catch_up(pool: &PgPool, index: &SearchIndex) -> Result<(), Error> {
    let drift = check(pool, index).await?;
    if drift.is_clean() {
        return Ok(());
    }
    let ids = drift.ids();
    tracing::info!(
        missing = drift.missing.len(),
        stale = drift.stale.len(),
        outdated = drift.outdated.len(),
        "the search index drifted from PostgreSQL; repairing"
    );
    if ids.len() <= REPAIR_ONE_BY_ONE_AT_MOST {
        update(pool, index, ids).await
    } else {
        rebuild_from_db(pool, index, |_| {}).await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drift_compares_ids_and_versions() {
        let db = [(1, 10), (2, 20), (4, 40), (5, 50)];
        let index = [(1, 10), (2, 19), (3, 30), (5, 50), (5, 50), (6, 60)];
        let drift = compare(&db, &index);
        assert_eq!(drift.in_db, 4);
        assert_eq!(drift.in_index, 6);
        assert_eq!(drift.missing, vec![4]);
        assert_eq!(drift.stale, vec![3, 5, 6]);
        assert_eq!(drift.outdated, vec![2]);
        assert_eq!(drift.ids(), vec![2, 3, 4, 5, 6]);
        assert!(compare(&db, &db).is_clean());
        assert!(compare(&[], &[]).is_clean());
    }

    #[test]
    fn payloads_are_article_ids() {
        let payloads = ["3", " 1 ", "x", "3", "", "99999999999"].map(String::from);
        assert_eq!(article_ids(&payloads), vec![1, 3, 99_999_999_999]);
    }
}
