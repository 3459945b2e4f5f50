//! Listening on a PostgreSQL notification channel, for the tasks that follow
//! changes (the search index, the open pages' case news): the connection, and
//! the pause between failed attempts.
//!
//! After PostgreSQL comes back the listeners must be back within a second:
//! until then, search results and open pages miss changes. So attempts are
//! short and close together (an attempt is a connection and a LISTEN, cheap
//! even every half second), instead of a pause that grows to many seconds.

use sqlx::postgres::PgListener;
use sqlx::PgPool;
use std::time::Duration;

/// The pause after a failed attempt.
const PAUSE: Duration = Duration::from_millis(200);
/// How long one attempt may take. The pool's own retries of a refused
/// connection wait longer and longer within one attempt; cutting the attempt
/// short starts them again from a few milliseconds.
const ATTEMPT: Duration = Duration::from_millis(500);

/// A connection of its own, listening on `channel`. A lost connection ends
/// the listener's `try_recv` with `Ok(None)` and is not reconnected by it:
/// the caller calls `listen` again, so every attempt is short (`ATTEMPT`).
pub async fn listen(pool: &PgPool, channel: &str) -> Result<PgListener, sqlx::Error> {
    let attempt = async {
        let mut listener = PgListener::connect_with(pool).await?;
        listener.eager_reconnect(false);
        listener.listen(channel).await?;
        Ok(listener)
    };
    tokio::time::timeout(ATTEMPT, attempt)
        .await
        .unwrap_or(Err(sqlx::Error::PoolTimedOut))
}

/// The pause between failed attempts, and how many failed in a row.
#[derive(Debug, Default)]
pub struct Backoff {
    failures: u32,
}

impl Backoff {
    /// The pause the next `wait` takes (for the log line that announces it).
    pub fn pause(&self) -> Duration {
        PAUSE
    }

    /// Should this failure be logged? The first, then the 2nd, 4th, 8th...:
    /// a database down for an hour is not 36,000 warnings.
    pub fn worth_logging(&self) -> bool {
        (self.failures + 1).is_power_of_two()
    }

    /// Wait before the next attempt.
    pub async fn wait(&mut self) {
        self.failures = self.failures.saturating_add(1);
        tokio::time::sleep(PAUSE).await;
    }

    /// Things work again. True when they had failed (worth a log line).
    pub fn reset(&mut self) -> bool {
        std::mem::take(&mut self.failures) > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pause_stays_short_and_the_log_thins_out() {
        let mut backoff = Backoff::default();
        let mut logged = 0;
        for _ in 0..100 {
            if backoff.worth_logging() {
                logged += 1;
            }
            assert_eq!(backoff.pause(), PAUSE);
            backoff.failures += 1;
        }
        // Failures 1, 2, 4, 8, 16, 32, 64.
        assert_eq!(logged, 7);
        assert!(backoff.reset());
        assert!(!backoff.reset());
        assert!(backoff.worth_logging());
        // An attempt and the pause after it fit in the second allowed.
        assert!(PAUSE + ATTEMPT < Duration::from_secs(1));
    }
}
