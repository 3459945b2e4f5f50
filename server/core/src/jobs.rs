//! Background jobs of the server: the mail sender and the closing of solved
//! cases. Both keep their state only in PostgreSQL, so a restart loses nothing,
//! and both are safe to run in several server processes at once.

use super::config::Config;
use super::mail::{self, Mailer};
use crate::case_mail::MailSite;
use crate::reply_tokens::ReplyKeys;
use crate::site::SiteLinks;
use sqlx::PgPool;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How long `stop` waits for a job to finish what it is doing (a mail being
/// handed to the SMTP server) before it cancels it.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// The running jobs. They end when [`Jobs::stop`] is called, when this value is
/// dropped, or with the tokio runtime (the process).
pub struct Jobs {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Jobs {
    /// Start the mail sender and the auto-close job. Must run inside a tokio runtime.
    pub fn start(pool: PgPool, mailer: Mailer, config: &Config) -> Jobs {
        let (stop, stopped) = watch::channel(false);
        tracing::info!("outgoing e-mail goes to {}", mailer.describe());

        let mail_pool = pool.clone();
        let mail_interval = config.mail_poll_interval;
        let mut mail_stopped = stopped.clone();
        let sender = tokio::spawn(async move {
            loop {
                match mail::send_due_mails(&mail_pool, &mailer).await {
                    Ok(0) => {}
                    Ok(sent) => tracing::info!(sent, "sent queued e-mails"),
                    Err(err) => tracing::error!(error = %err,
                        "the mail sender could not read the outbox; it tries again shortly"),
                }
                if !pause(mail_interval, &mut mail_stopped).await {
                    break;
                }
            }
        });

        let days = config.auto_close_days;
        let links = SiteLinks::new(&config.public_url);
        let mail_from = config.mail_from.clone();
        let close_interval = config.auto_close_interval;
        let mut close_stopped = stopped;
        let closer = tokio::spawn(async move {
            // Runs at once on start, so closing never depends on an uptime
            // longer than the interval.
            loop {
                // The reply keys come from the database: read again until it answers.
                let site = match ReplyKeys::load(&pool).await {
                    Ok(keys) => MailSite::new(links.clone(), keys, &mail_from),
                    Err(err) => Err(err.into()),
                };
                let closed = match site {
                    Ok(site) => close_solved_cases(&site, &pool, days).await,
                    Err(err) => Err(err),
                };
                match closed {
                    Ok(0) => {}
                    Ok(closed) => tracing::info!(closed, days, "closed solved cases"),
                    Err(err) => tracing::error!(error = %err,
                        "closing solved cases failed; it is tried again later"),
                }
                // The abuse limits' counters of keys that went quiet, and old links.
                if let Err(err) = crate::db::rate_limits::forget_old(&pool).await {
                    tracing::warn!(error = %err, "forgetting old rate-limit counters failed");
                }
                if let Err(err) = crate::db::email_links::forget_old(&pool).await {
                    tracing::warn!(error = %err, "forgetting expired e-mail links failed");
                }
                if !pause(close_interval, &mut close_stopped).await {
                    break;
                }
            }
        });

        Jobs {
            stop,
            tasks: vec![sender, closer],
        }
    }

    /// Ask the jobs to stop and wait briefly for the work in hand. A mail cut
    /// off here is not lost: its transaction rolls back and it is sent later.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let abort = task.abort_handle();
            if tokio::time::timeout(STOP_GRACE, task).await.is_err() {
                abort.abort();
            }
        }
    }
}

/// Wait `interval`; false when the jobs are being stopped (or their owner is gone).
async fn pause(interval: Duration, stopped: &mut watch::Receiver<bool>) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(interval) => true,
        _ = stopped.changed() => false,
    }
}

/// Close the cases solved more than `older_than_days` days ago, with a status
/// event for each and a mail to each requester; returns how many were closed.
///
/// One statement closes them: several servers may run it at once, and
/// PostgreSQL's row locks make the second one skip a case the first closed (its
/// re-checked `status = 'solved'` no longer holds), so no case gets two events
/// or two mails. Raising `version` makes an agent's change prepared against the
/// solved case a refused stale change rather than silently reopening it. The
/// mails are queued in the same transaction: closed means told.
///
/// The history shows Rapport, not a person, as the one who closed the case.
pub async fn close_solved_cases(
    site: &MailSite,
    pool: &PgPool,
    older_than_days: i32,
) -> Result<u64, crate::Error> {
    let mut tx = pool.begin().await?;
    let closed = super::db::cases::close_solved(&mut *tx, older_than_days).await?;
    for case in &closed {
        crate::cases::tell_closed_by_rapport(site, &mut tx, case.number).await?;
    }
    tx.commit().await?;
    Ok(closed.len() as u64)
}
