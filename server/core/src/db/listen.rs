//! Listening on a PostgreSQL notification channel, for the tasks that follow
//! changes (the search index, the open pages' case news): the connection, and
//! the pause between failed attempts, which doubles from 1 s to 30 s.

use sqlx::postgres::PgListener;
use sqlx::PgPool;
use std::time::Duration;

const FIRST_PAUSE: Duration = Duration::from_secs(1);
const LONGEST_PAUSE: Duration = Duration::from_secs(30);

/// A connection of its own, listening on `channel`.
pub async fn listen(pool: &PgPool, channel: &str) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(channel).await?;
    Ok(listener)
}

/// How long to wait before trying again.
#[derive(Debug)]
pub struct Backoff(Duration);

impl Default for Backoff {
    fn default() -> Self {
        Backoff(FIRST_PAUSE)
    }
}

impl Backoff {
    /// The pause the next `wait` takes (for the log line that announces it).
    pub fn pause(&self) -> Duration {
        self.0
    }

    /// Wait, and wait twice as long next time (at most 30 s).
    pub async fn wait(&mut self) {
        tokio::time::sleep(self.0).await;
        self.0 = (self.0 * 2).min(LONGEST_PAUSE);
    }

    /// Things work again: the next failure waits 1 s.
    pub fn reset(&mut self) {
        self.0 = FIRST_PAUSE;
    }
}
