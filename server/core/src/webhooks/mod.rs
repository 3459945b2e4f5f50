//! Webhooks: other systems subscribe to Rapport's events (`changes::event`)
//! and receive each as a signed HTTP POST.
//!
//! - The outbox is the change sequence (`changes`), written in each change's
//!   own transaction. The fan-out ([`fan_out`]) reads the changes after its
//!   cursor and, in the same transaction, makes one delivery per active
//!   subscription that chose the event and moves the cursor: a crash rolls
//!   back all of it, so no change is lost or delivered twice over.
//! - The delivery worker ([`Deliverer`]) locks one due delivery at a time
//!   (`FOR UPDATE SKIP LOCKED`, so several server processes share the work)
//!   and holds the lock while it sends: a worker that dies mid-flight rolls
//!   back, and the delivery is sent again (at least once, with the same
//!   `webhook-id`). Per subscription and case the deliveries go out in order:
//!   one is not sent while an earlier one of the same case is pending.
//! - A 2xx answer is delivered. 410 Gone pauses the subscription at once (the
//!   receiver says the endpoint is gone) and mails its owner. Anything else
//!   (another status, a redirect, no answer within the timeout) is tried
//!   again: 8 tries in all over about 24 hours ([`RETRY_SCHEDULE`]), or after
//!   the receiver's `Retry-After` (at most [`RETRY_AFTER_CAP`]). A failing
//!   delivery waits only itself (and later deliveries of its case), never
//!   other subscriptions or other cases. After 3 days of failures without a
//!   success the subscription is paused and its owner mailed.

pub mod address;
pub mod signing;

use crate::db::webhooks::{self as db, DueDelivery};
use crate::mail::{self, OutgoingMail};
use crate::site::SiteLinks;
use crate::Error;
use sqlx::PgPool;
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

/// How many tries a delivery gets.
pub const MAX_TRIES: i32 = 8;

/// The pause after the n-th failed try (n = 1..7): 8 tries over about 24 hours.
pub const RETRY_SCHEDULE: [Duration; 7] = [
    Duration::from_secs(60),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(5 * 3600),
    Duration::from_secs(6 * 3600),
    Duration::from_secs(10 * 3600),
];

/// The longest `Retry-After` honoured; a longer one waits this long.
pub const RETRY_AFTER_CAP: Duration = Duration::from_secs(12 * 3600);

/// A subscription failing this long without a success is paused.
pub const PAUSE_AFTER: time::Duration = time::Duration::days(3);

/// How long the delivery log keeps a finished delivery (delivered or given
/// up) and its tries; pending ones are kept until they finish.
pub const KEEP_FINISHED_DAYS: i32 = 30;

/// How long the previous secret keeps signing after a rotation.
pub const ROTATION_OVERLAP_HOURS: i32 = 24;

/// How much of an answer is kept in the log.
pub const EXCERPT_BYTES: usize = 500;

/// The event type of "Send a test event".
pub const TEST_EVENT: &str = "webhook.test";

/// Changes read per fan-out transaction.
const FAN_OUT_BATCH: i64 = 500;

/// How the worker runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long a receiver may take to answer (the whole request).
    pub timeout: Duration,
    /// Deliveries in flight at once, per server process.
    pub concurrency: usize,
    /// How often the fan-out looks for new changes (and wakes the delivery
    /// loops when it made deliveries); the delivery loops look for retries
    /// come due every second. A poll rather than LISTEN: it holds no
    /// connection of the pool for itself.
    pub poll: Duration,
    /// For the link in the mail that says a subscription was paused.
    pub links: SiteLinks,
    /// May deliveries go to loopback and private-network addresses? Off
    /// unless the site's receivers are on its own network (see `address`).
    pub private_networks: bool,
}

impl Settings {
    pub fn new(links: SiteLinks) -> Settings {
        Settings {
            timeout: Duration::from_secs(10),
            concurrency: 4,
            poll: Duration::from_millis(250),
            links,
            private_networks: false,
        }
    }
}

/// Fan the committed changes out into deliveries, until none are left (or
/// another process is doing it). Returns how many deliveries were made.
pub async fn fan_out(pool: &PgPool) -> Result<i64, Error> {
    let mut made = 0;
    loop {
        let mut tx = pool.begin().await?;
        let step = db::fan_out(&mut tx, FAN_OUT_BATCH).await?;
        tx.commit().await?;
        match step {
            Some((read, n)) if read > 0 => made += n,
            _ => return Ok(made),
        }
    }
}

/// The pause after the `tries`-th failed try, or `None` when it was the last.
pub fn retry_delay(tries: i32, retry_after: Option<Duration>) -> Option<Duration> {
    if tries >= MAX_TRIES {
        return None;
    }
    let scheduled = RETRY_SCHEDULE[(tries.max(1) as usize - 1).min(RETRY_SCHEDULE.len() - 1)];
    Some(retry_after.map_or(scheduled, |asked| asked.min(RETRY_AFTER_CAP)))
}

/// `Retry-After`: seconds, or an HTTP date.
pub fn parse_retry_after(value: &str, now: OffsetDateTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = OffsetDateTime::parse(value, &time::format_description::well_known::Rfc2822).ok()?;
    Some(Duration::try_from(at - now).unwrap_or(Duration::ZERO))
}

/// The first `EXCERPT_BYTES` of an answer, as text (invalid UTF-8 replaced).
pub fn excerpt(bytes: &[u8]) -> String {
    let cut = &bytes[..bytes.len().min(EXCERPT_BYTES)];
    String::from_utf8_lossy(cut).into_owned()
}

/// What a receiver answered.
struct Answer {
    status: Option<u16>,
    retry_after: Option<Duration>,
    response: String,
    error: Option<String>,
}

/// Sends due deliveries. Cheap to clone.
#[derive(Clone)]
pub struct Deliverer {
    pool: PgPool,
    client: reqwest::Client,
    settings: Arc<Settings>,
}

impl Deliverer {
    pub fn new(pool: PgPool, settings: Settings) -> Result<Deliverer, Error> {
        let mut client = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            // A redirect is an answer like any other non-2xx: it is retried, not followed.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("Rapport-Webhooks/1");
        if !settings.private_networks {
            client = client.dns_resolver(Arc::new(address::PublicOnly));
        }
        let client = client
            .build()
            .map_err(|err| Error::Internal(format!("the webhook HTTP client: {err}")))?;
        Ok(Deliverer {
            pool,
            client,
            settings: Arc::new(settings),
        })
    }

    /// Send one due delivery, if there is one; true when one was tried.
    pub async fn deliver_one(&self) -> Result<bool, Error> {
        let mut tx = self.pool.begin().await?;
        let Some(delivery) = db::claim_due(&mut tx).await? else {
            return Ok(false);
        };
        let started = Instant::now();
        let answer = self.send(&delivery).await;
        let duration_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
        let status = answer.status.map(i32::from);
        db::record_attempt(
            &mut *tx,
            &db::Attempt {
                delivery_id: delivery.id,
                status,
                duration_ms,
                response: &answer.response,
                error: answer.error.as_deref(),
            },
        )
        .await?;
        match answer.status {
            Some(code) if (200..300).contains(&code) => {
                db::delivered(&mut tx, &delivery, i32::from(code)).await?;
            }
            Some(410) => {
                db::failed(&mut tx, &delivery, status, None).await?;
                db::set_active(&mut tx, delivery.subscription_id, false, Some("gone")).await?;
                self.mail_owner(&mut tx, &delivery, Paused::Gone).await?;
                tracing::warn!(
                    subscription = delivery.subscription_id,
                    "a webhook receiver answered 410 Gone; its subscription is paused"
                );
            }
            _ => {
                let retry = retry_delay(delivery.tries + 1, answer.retry_after)
                    .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
                let since = db::failed(&mut tx, &delivery, status, retry).await?;
                if OffsetDateTime::now_utc() - since >= PAUSE_AFTER {
                    db::set_active(&mut tx, delivery.subscription_id, false, Some("failing"))
                        .await?;
                    self.mail_owner(&mut tx, &delivery, Paused::Failing).await?;
                    tracing::warn!(
                        subscription = delivery.subscription_id,
                        "a webhook subscription failed for 3 days; it is paused"
                    );
                }
            }
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Send due deliveries until none is left, `concurrency` at a time.
    /// Returns how many tries were made.
    pub async fn deliver_due(&self) -> Result<usize, Error> {
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..self.settings.concurrency.max(1) {
            let me = self.clone();
            set.spawn(async move {
                let mut tried = 0;
                while me.deliver_one().await? {
                    tried += 1;
                }
                Ok::<usize, Error>(tried)
            });
        }
        let mut tried = 0;
        while let Some(done) = set.join_next().await {
            tried += done.map_err(|err| Error::Internal(err.to_string()))??;
        }
        Ok(tried)
    }

    async fn send(&self, delivery: &DueDelivery) -> Answer {
        let timestamp = OffsetDateTime::now_utc().unix_timestamp();
        let mut secrets = vec![delivery.secret.as_str()];
        if let Some(previous) = &delivery.previous_secret {
            secrets.push(previous);
        }
        let refused = (!self.settings.private_networks)
            .then(|| address::refused_host(&delivery.url))
            .flatten();
        if let Some(refused) = refused {
            return Answer {
                status: None,
                retry_after: None,
                response: String::new(),
                error: Some(refused),
            };
        }
        let signature = signing::header(&secrets, &delivery.message_id, timestamp, &delivery.body);
        let sent = self
            .client
            .post(&delivery.url)
            .header("content-type", "application/json")
            .header("webhook-id", &delivery.message_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(delivery.body.clone())
            .send()
            .await;
        let mut response = match sent {
            Ok(response) => response,
            Err(err) => {
                return Answer {
                    status: None,
                    retry_after: None,
                    response: String::new(),
                    error: Some(describe(&err, self.settings.timeout)),
                }
            }
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, OffsetDateTime::now_utc()));
        // Only the start of the answer is kept.
        let mut body = Vec::new();
        let mut error = None;
        while body.len() < EXCERPT_BYTES {
            match response.chunk().await {
                Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                Ok(None) => break,
                Err(err) => {
                    error = Some(describe(&err, self.settings.timeout));
                    break;
                }
            }
        }
        Answer {
            status: Some(status),
            retry_after,
            response: excerpt(&body),
            error,
        }
    }

    async fn mail_owner(
        &self,
        tx: &mut sqlx::PgConnection,
        delivery: &DueDelivery,
        why: Paused,
    ) -> Result<(), Error> {
        let to = db::owner_email(&mut *tx, delivery.subscription_id).await?;
        let reason = match why {
            Paused::Failing => {
                "its deliveries have failed for 3 days without a single success".to_string()
            }
            Paused::Gone => "the receiver answered 410 Gone".to_string(),
        };
        let body = format!(
            "Rapport paused the webhook subscription to\n{}\nbecause {reason}.\n\n\
             No more events are sent to it until it is resumed. Its delivery log shows \
             each try and what the receiver answered:\n{}\n\n\
             When the receiver works again, resume the subscription there: the events \
             still pending are then sent in order.",
            delivery.url,
            self.settings.links.page("/admin/webhooks")
        );
        let mail = OutgoingMail {
            to,
            subject: "A webhook subscription was paused".to_string(),
            body,
            ..Default::default()
        };
        mail::queue(&mut *tx, &mail).await?;
        Ok(())
    }
}

enum Paused {
    Failing,
    Gone,
}

fn describe(err: &reqwest::Error, timeout: Duration) -> String {
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        if let Some(refused) = cause.downcast_ref::<address::RefusedAddress>() {
            return refused.to_string();
        }
        source = cause.source();
    }
    if err.is_timeout() {
        format!("No answer within {} seconds.", timeout.as_secs_f32())
    } else if err.is_connect() {
        "Could not connect.".to_string()
    } else {
        let mut text = err.to_string();
        let mut source = std::error::Error::source(err);
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        text
    }
}

/// Start the fan-out and `settings.concurrency` delivery loops; they end
/// when `stopped` turns true. The fan-out looks for new changes every
/// `settings.poll` and wakes the delivery loops when it made deliveries;
/// they look for retries come due every second.
pub fn spawn(
    pool: PgPool,
    settings: Settings,
    stopped: watch::Receiver<bool>,
) -> Result<Vec<JoinHandle<()>>, Error> {
    let wake = Arc::new(Notify::new());
    let poll = settings.poll;
    let concurrency = settings.concurrency.max(1);
    let deliverer = Deliverer::new(pool.clone(), settings)?;
    let mut tasks = Vec::new();

    let fan_wake = wake.clone();
    let mut fan_stopped = stopped.clone();
    tasks.push(tokio::spawn(async move {
        loop {
            match fan_out(&pool).await {
                Ok(0) => {}
                Ok(_) => fan_wake.notify_waiters(),
                Err(err) => tracing::error!(error = %err,
                    "the webhook fan-out could not read the changes; it tries again shortly"),
            }
            tokio::select! {
                _ = fan_stopped.changed() => break,
                _ = tokio::time::sleep(poll) => {}
            }
        }
    }));

    for _ in 0..concurrency {
        let me = deliverer.clone();
        let wake = wake.clone();
        let mut stopped = stopped.clone();
        tasks.push(tokio::spawn(async move {
            loop {
                let notified = wake.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                loop {
                    match me.deliver_one().await {
                        Ok(true) => continue,
                        Ok(false) => break,
                        Err(err) => {
                            tracing::error!(error = %err,
                                "the webhook worker could not read the deliveries; it tries again shortly");
                            break;
                        }
                    }
                }
                // Retries are minutes apart: a second's lateness is nothing.
                tokio::select! {
                    _ = stopped.changed() => break,
                    _ = tokio::time::sleep(poll.max(Duration::from_secs(1))) => {}
                    _ = &mut notified => {}
                }
            }
        }));
    }
    Ok(tasks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_tries_take_about_a_day() {
        let total: Duration = (1..MAX_TRIES).filter_map(|n| retry_delay(n, None)).sum();
        assert!(total > Duration::from_secs(22 * 3600) && total < Duration::from_secs(26 * 3600));
        assert_eq!(retry_delay(MAX_TRIES, None), None);
        assert_eq!(
            retry_delay(1, Some(Duration::from_secs(120))),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            retry_delay(1, Some(Duration::from_secs(999_999))),
            Some(RETRY_AFTER_CAP)
        );
    }

    #[test]
    fn retry_after_takes_seconds_or_a_date() {
        let now = OffsetDateTime::from_unix_timestamp(784_111_777).unwrap(); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:51:37 GMT", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn the_excerpt_is_500_bytes_of_text() {
        let long = vec![b'a'; 2000];
        assert_eq!(excerpt(&long).len(), 500);
        assert_eq!(excerpt(b"ok \xff"), "ok \u{fffd}");
    }
}
