//! Webhook subscriptions, their deliveries and tries (`0021_webhooks.sql`).

use sqlx::{FromRow, PgConnection, PgExecutor, PgPool};
use time::OffsetDateTime;

#[derive(Debug, Clone, FromRow)]
pub struct SubscriptionRow {
    pub id: i64,
    pub owner_id: i64,
    pub url: String,
    pub events: Vec<String>,
    pub description: String,
    pub active: bool,
    pub paused_reason: Option<String>,
    pub failing_since: Option<OffsetDateTime>,
    pub previous_secret_until: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub last_status: Option<i32>,
    pub last_try_at: Option<OffsetDateTime>,
}

const SUBSCRIPTION: &str = "SELECT s.id, s.owner_id, s.url, s.events, s.description, s.active,
        s.paused_reason, s.failing_since,
        CASE WHEN s.previous_secret_until > now() THEN s.previous_secret_until END
            AS previous_secret_until,
        s.created_at, last.last_status, last.last_try_at
    FROM webhook_subscriptions s
    LEFT JOIN LATERAL (
        SELECT d.last_status, d.last_try_at FROM webhook_deliveries d
        WHERE d.subscription_id = s.id AND d.last_try_at IS NOT NULL
        ORDER BY d.last_try_at DESC LIMIT 1
    ) last ON true";

pub struct NewSubscription<'a> {
    pub owner_id: i64,
    pub url: &'a str,
    pub events: &'a [String],
    pub description: &'a str,
    pub secret: &'a str,
}

/// A new subscription; it receives the changes committed from now on.
pub async fn insert(db: impl PgExecutor<'_>, new: &NewSubscription<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO webhook_subscriptions (owner_id, url, events, description, secret, start_seq)
         VALUES ($1, $2, $3, $4, $5, (SELECT last_seq FROM change_counter))
         RETURNING id",
    )
    .bind(new.owner_id)
    .bind(new.url)
    .bind(new.events)
    .bind(new.description)
    .bind(new.secret)
    .fetch_one(db)
    .await
}

pub async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<SubscriptionRow>> {
    sqlx::query_as(&format!("{SUBSCRIPTION} WHERE s.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Up to `limit` subscriptions after id `after`, by id.
pub async fn list(
    db: impl PgExecutor<'_>,
    after: i64,
    limit: i64,
) -> sqlx::Result<Vec<SubscriptionRow>> {
    sqlx::query_as(&format!(
        "{SUBSCRIPTION} WHERE s.id > $1 ORDER BY s.id LIMIT $2"
    ))
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Change URL, events and description; false when there is no such subscription.
pub async fn update(
    db: impl PgExecutor<'_>,
    id: i64,
    url: &str,
    events: &[String],
    description: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE webhook_subscriptions SET url = $2, events = $3, description = $4,
                updated_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .bind(url)
    .bind(events)
    .bind(description)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Pause (with a reason) or resume. Resuming tries its pending deliveries at
/// once and forgets the failures before.
pub async fn set_active(
    db: &mut PgConnection,
    id: i64,
    active: bool,
    reason: Option<&str>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE webhook_subscriptions
         SET active = $2, paused_reason = CASE WHEN $2 THEN NULL ELSE $3 END,
             failing_since = CASE WHEN $2 THEN NULL ELSE failing_since END,
             updated_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .bind(active)
    .bind(reason)
    .execute(&mut *db)
    .await?;
    if active {
        sqlx::query(
            "UPDATE webhook_deliveries SET next_try_at = now()
             WHERE subscription_id = $1 AND state = 'pending' AND next_try_at > now()",
        )
        .bind(id)
        .execute(&mut *db)
        .await?;
    }
    Ok(done.rows_affected() == 1)
}

/// A new secret; the current one stays valid (signs too) for `overlap_hours`.
pub async fn rotate(
    db: impl PgExecutor<'_>,
    id: i64,
    secret: &str,
    overlap_hours: i32,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE webhook_subscriptions
         SET previous_secret = secret, secret = $2, secret_shown = true,
             previous_secret_until = now() + make_interval(hours => $3), updated_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .bind(secret)
    .bind(overlap_hours)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Let the admin page show the current secret once, within 15 minutes.
pub async fn offer_secret(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE webhook_subscriptions SET secret_shown = false, updated_at = now() WHERE id = $1",
    )
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// The secret, if the page may still show it (then never again).
pub async fn take_secret(
    db: impl PgExecutor<'_>,
    id: i64,
    owner_id: i64,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "UPDATE webhook_subscriptions SET secret_shown = true
         WHERE id = $1 AND owner_id = $2 AND NOT secret_shown
           AND updated_at > now() - interval '15 minutes'
         RETURNING secret",
    )
    .bind(id)
    .bind(owner_id)
    .fetch_optional(db)
    .await
}

pub async fn delete(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM webhook_subscriptions WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// One fan-out step, in the caller's transaction: lock the cursor (or return
/// `None` when another process holds it), insert a delivery for each of the
/// next `batch` changes and each active subscription that chose its event,
/// and move the cursor past them. Returns (changes read, deliveries made).
pub async fn fan_out(db: &mut PgConnection, batch: i64) -> sqlx::Result<Option<(i64, i64)>> {
    let Some(last): Option<i64> =
        sqlx::query_scalar("SELECT last_seq FROM webhook_cursor FOR UPDATE SKIP LOCKED")
            .fetch_optional(&mut *db)
            .await?
    else {
        return Ok(None);
    };
    let upto: i64 = sqlx::query_scalar(
        "SELECT coalesce(max(seq), $1) FROM
            (SELECT seq FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2) next",
    )
    .bind(last)
    .bind(batch)
    .fetch_one(&mut *db)
    .await?;
    if upto == last {
        return Ok(Some((0, 0)));
    }
    let made = sqlx::query(
        "INSERT INTO webhook_deliveries
             (subscription_id, message_id, change_seq, event, case_id, body)
         SELECT s.id, 'msg_' || replace(gen_random_uuid()::text, '-', ''), c.seq, c.event,
                c.case_id,
                jsonb_build_object(
                    'type', c.event,
                    'timestamp', to_char(c.at AT TIME ZONE 'UTC',
                                         'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),
                    'data', c.data || jsonb_build_object(
                        'entity', c.entity, 'id', c.entity_id,
                        'organization_id', c.organization_id, 'case_id', c.case_id,
                        'deleted', c.deleted, 'seq', c.seq))::text
         FROM changes c
         JOIN webhook_subscriptions s
           ON s.active AND c.event = ANY (s.events) AND c.seq > s.start_seq
         WHERE c.seq > $1 AND c.seq <= $2
         ORDER BY c.seq, s.id",
    )
    .bind(last)
    .bind(upto)
    .execute(&mut *db)
    .await?
    .rows_affected();
    sqlx::query("UPDATE webhook_cursor SET last_seq = $1")
        .bind(upto)
        .execute(&mut *db)
        .await?;
    Ok(Some((upto - last, made as i64)))
}

/// A delivery to send, with what signs it.
#[derive(Debug, Clone, FromRow)]
pub struct DueDelivery {
    pub id: i64,
    pub subscription_id: i64,
    pub message_id: String,
    pub body: String,
    pub tries: i32,
    pub url: String,
    pub secret: String,
    /// The previous secret, while it is still valid.
    pub previous_secret: Option<String>,
}

/// Lock the next due delivery of an active subscription, skipping those
/// other workers hold, and any with an earlier delivery of the same
/// subscription and case still pending (so each case goes out in order).
pub async fn claim_due(db: &mut PgConnection) -> sqlx::Result<Option<DueDelivery>> {
    sqlx::query_as(
        "SELECT d.id, d.subscription_id, d.message_id, d.body, d.tries, s.url, s.secret,
                CASE WHEN s.previous_secret_until > now() THEN s.previous_secret END
                    AS previous_secret
         FROM webhook_deliveries d
         JOIN webhook_subscriptions s ON s.id = d.subscription_id AND s.active
         WHERE d.state = 'pending' AND d.next_try_at <= now()
           AND NOT EXISTS (
               SELECT 1 FROM webhook_deliveries e
               WHERE e.subscription_id = d.subscription_id AND e.case_id = d.case_id
                 AND e.state = 'pending' AND e.id < d.id)
         ORDER BY d.next_try_at, d.id
         LIMIT 1
         FOR UPDATE OF d SKIP LOCKED",
    )
    .fetch_optional(db)
    .await
}

/// One try, as it went.
pub struct Attempt<'a> {
    pub delivery_id: i64,
    pub status: Option<i32>,
    pub duration_ms: i32,
    pub response: &'a str,
    pub error: Option<&'a str>,
}

pub async fn record_attempt(db: impl PgExecutor<'_>, a: &Attempt<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO webhook_attempts (delivery_id, status, duration_ms, response, error)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(a.delivery_id)
    .bind(a.status)
    .bind(a.duration_ms)
    .bind(a.response)
    .bind(a.error)
    .execute(db)
    .await?;
    Ok(())
}

/// The try succeeded: the delivery is done and the subscription well.
pub async fn delivered(db: &mut PgConnection, d: &DueDelivery, status: i32) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE webhook_deliveries
         SET state = 'delivered', tries = tries + 1, last_status = $2, last_try_at = now(),
             delivered_at = clock_timestamp()
         WHERE id = $1",
    )
    .bind(d.id)
    .bind(status)
    .execute(&mut *db)
    .await?;
    sqlx::query("UPDATE webhook_subscriptions SET failing_since = NULL WHERE id = $1")
        .bind(d.subscription_id)
        .execute(&mut *db)
        .await?;
    Ok(())
}

/// The try failed: try again after `retry_in_ms`, or give the delivery up
/// (`None`). Returns when the subscription's failures began.
pub async fn failed(
    db: &mut PgConnection,
    d: &DueDelivery,
    status: Option<i32>,
    retry_in_ms: Option<i64>,
) -> sqlx::Result<OffsetDateTime> {
    sqlx::query(
        "UPDATE webhook_deliveries
         SET tries = tries + 1, last_status = $2, last_try_at = now(),
             state = CASE WHEN $3::bigint IS NULL THEN 'failed' ELSE 'pending' END,
             next_try_at = now() + make_interval(secs => coalesce($3::bigint, 0) / 1000.0)
         WHERE id = $1",
    )
    .bind(d.id)
    .bind(status)
    .bind(retry_in_ms)
    .execute(&mut *db)
    .await?;
    sqlx::query_scalar(
        "UPDATE webhook_subscriptions SET failing_since = coalesce(failing_since, now())
         WHERE id = $1 RETURNING failing_since",
    )
    .bind(d.subscription_id)
    .fetch_one(&mut *db)
    .await
}

/// Delete finished deliveries (delivered or given up) whose last try is more
/// than `days` old, with their tries, a batch at a time so no statement
/// holds many rows. Pending ones stay, however old. Returns how many went.
pub async fn forget_finished(db: &PgPool, days: i32) -> sqlx::Result<u64> {
    const BATCH: u64 = 5_000;
    let mut forgotten = 0;
    loop {
        let done = sqlx::query(
            "DELETE FROM webhook_deliveries WHERE id IN (
                 SELECT id FROM webhook_deliveries
                 WHERE state <> 'pending'
                   AND coalesce(last_try_at, created_at) < now() - make_interval(days => $1)
                 LIMIT $2)",
        )
        .bind(days)
        .bind(BATCH as i64)
        .execute(db)
        .await?
        .rows_affected();
        forgotten += done;
        if done < BATCH {
            return Ok(forgotten);
        }
    }
}

/// The owner's address, for the mail that says their subscription was paused.
pub async fn owner_email(db: impl PgExecutor<'_>, subscription_id: i64) -> sqlx::Result<String> {
    sqlx::query_scalar(
        "SELECT u.email FROM webhook_subscriptions s JOIN users u ON u.id = s.owner_id
         WHERE s.id = $1",
    )
    .bind(subscription_id)
    .fetch_one(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct DeliveryRow {
    pub id: i64,
    pub message_id: String,
    pub event: String,
    pub change_seq: Option<i64>,
    pub case_id: Option<i64>,
    pub state: String,
    pub tries: i32,
    pub next_try_at: OffsetDateTime,
    pub delivered_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub body: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct AttemptRow {
    pub delivery_id: i64,
    pub at: OffsetDateTime,
    pub status: Option<i32>,
    pub duration_ms: i32,
    pub response: String,
    pub error: Option<String>,
}

/// Up to `limit` deliveries of a subscription before id `before`, the newest first.
pub async fn deliveries(
    db: impl PgExecutor<'_>,
    subscription_id: i64,
    before: i64,
    limit: i64,
) -> sqlx::Result<Vec<DeliveryRow>> {
    sqlx::query_as(
        "SELECT id, message_id, event, change_seq, case_id, state, tries, next_try_at,
                delivered_at, created_at, body
         FROM webhook_deliveries
         WHERE subscription_id = $1 AND id < $2
         ORDER BY id DESC LIMIT $3",
    )
    .bind(subscription_id)
    .bind(before)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// The tries of these deliveries, in order.
pub async fn attempts(
    db: impl PgExecutor<'_>,
    delivery_ids: &[i64],
) -> sqlx::Result<Vec<AttemptRow>> {
    sqlx::query_as(
        "SELECT delivery_id, at, status, duration_ms, response, error
         FROM webhook_attempts WHERE delivery_id = ANY($1) ORDER BY id",
    )
    .bind(delivery_ids)
    .fetch_all(db)
    .await
}

/// Send a delivery again: a new delivery with the same body and
/// `webhook-id`, due now. `None` when the delivery is not the subscription's.
pub async fn replay(
    db: impl PgExecutor<'_>,
    subscription_id: i64,
    delivery_id: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "INSERT INTO webhook_deliveries
             (subscription_id, message_id, change_seq, event, case_id, body)
         SELECT subscription_id, message_id, change_seq, event, case_id, body
         FROM webhook_deliveries WHERE id = $2 AND subscription_id = $1
         RETURNING id",
    )
    .bind(subscription_id)
    .bind(delivery_id)
    .fetch_optional(db)
    .await
}

/// A test event for a subscription, due now.
pub async fn insert_test(
    db: impl PgExecutor<'_>,
    subscription_id: i64,
    event: &str,
    body: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO webhook_deliveries (subscription_id, message_id, event, body)
         VALUES ($1, 'msg_' || replace(gen_random_uuid()::text, '-', ''), $2, $3)
         RETURNING id",
    )
    .bind(subscription_id)
    .bind(event)
    .bind(body)
    .fetch_one(db)
    .await
}
