//! Background jobs of the server: the mail sender, the closing of solved
//! cases and the webhook workers (`webhooks::spawn`). All keep their state
//! only in PostgreSQL, so a restart loses nothing, and all are safe to run in
//! several server processes at once.

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

/// How often the health job looks whether today's scores are written.
const HEALTH_INTERVAL: Duration = Duration::from_secs(15 * 60);

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
        let health_pool = pool.clone();
        let webhook_pool = pool.clone();
        let webhook_stopped = stopped.clone();
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
        let mut close_stopped = stopped.clone();
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
                let keep = crate::webhooks::KEEP_FINISHED_DAYS;
                if let Err(err) = crate::db::webhooks::forget_finished(&pool, keep).await {
                    tracing::warn!(error = %err, "forgetting old webhook deliveries failed");
                }
                // The backlog of the days that ended since the last run.
                match crate::reports::backlog::catch_up(&pool, time::OffsetDateTime::now_utc())
                    .await
                {
                    Ok(0) => {}
                    Ok(days) => tracing::info!(days, "wrote the backlog of past days"),
                    Err(err) => tracing::warn!(error = %err,
                        "writing the backlog of past days failed; it is tried again later"),
                }
                // Open invoices that passed their due date: "invoice.overdue", once each.
                match crate::api::orders::record_overdue_invoices(&pool).await {
                    Ok(0) => {}
                    Ok(recorded) => tracing::info!(recorded, "recorded overdue invoices"),
                    Err(err) => tracing::warn!(error = %err,
                        "recording overdue invoices failed; it is tried again later"),
                }
                // Last week's summary for the admins who chose it, once.
                match crate::reports::weekly::send_due(&pool, &links).await {
                    Ok(0) => {}
                    Ok(sent) => tracing::info!(sent, "queued the weekly summary"),
                    Err(err) => tracing::warn!(error = %err,
                        "queueing the weekly summary failed; it is tried again later"),
                }
                if !pause(close_interval, &mut close_stopped).await {
                    break;
                }
            }
        });

        // Account health: the day's scores (once a day, whichever server
        // claims the day first) and the churn model trained again.
        let mut health_stopped = stopped;
        let health = tokio::spawn(async move {
            loop {
                let now = time::OffsetDateTime::now_utc();
                if let Err(err) = crate::health::history::daily(&health_pool, now).await {
                    tracing::error!(error = %err,
                        "writing the day's health scores failed; it is tried again later");
                }
                if !pause(HEALTH_INTERVAL, &mut health_stopped).await {
                    break;
                }
            }
        });

        let mut tasks = vec![sender, closer, health];
        // Webhooks: the fan-out of the change sequence and the delivery workers.
        let mut hooks = crate::webhooks::Settings::new(SiteLinks::new(&config.public_url));
        hooks.private_networks = config.webhooks_to_private_networks;
        match crate::webhooks::spawn(webhook_pool, hooks, webhook_stopped) {
            Ok(hooks) => tasks.extend(hooks),
            Err(err) => tracing::error!(error = %err, "the webhook workers could not start"),
        }

        Jobs { stop, tasks }
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
    let ids: Vec<i64> = closed.iter().map(|case| case.id).collect();
    crate::reports::metrics::record_many(&mut tx, &ids).await?;
    crate::changes::cases(&mut tx, crate::changes::event::CASE_UPDATED, &ids).await?;
    tx.commit().await?;
    Ok(closed.len() as u64)
}
