//! Webhook subscriptions and their delivery logs, for the REST API and the
//! admin page alike: each call checks `Action::ManageWebhooks` (admins).
//! Subscriptions are the site's, not an organization's: an admin sees all.

use super::rfc3339;
use crate::changes::event::SUBSCRIBABLE;
use crate::db::webhooks as db;
use crate::policy::{self, Action};
use crate::webhooks::{address, signing, ROTATION_OVERLAP_HOURS, TEST_EVENT};
use crate::{Config, Error, Reader};
use rapport_types::api::webhooks::{
    NewWebhook, Webhook, WebhookAttempt, WebhookDelivery, WebhookPatch,
};
use sqlx::PgPool;
use std::collections::HashMap;

/// Longest URL and description.
const MAX_URL: usize = 2000;
const MAX_DESCRIPTION: usize = 500;

fn authorize(reader: &Reader) -> Result<i64, Error> {
    let actor = reader.signed_in()?;
    policy::authorize(Some(actor), &Action::ManageWebhooks)?;
    Ok(actor.user_id)
}

/// The URL as given, if it is an absolute http(s) URL with a host.
pub fn check_url(url: &str) -> Result<String, Error> {
    let url = url.trim();
    if url.is_empty() {
        return Err(Error::invalid(
            "url",
            "Enter the address the events are sent to, e.g. https://example.com/hooks/rapport.",
        ));
    }
    if url.len() > MAX_URL {
        return Err(Error::invalid(
            "url",
            "Keep the address under 2,000 characters.",
        ));
    }
    let parsed = url::Url::parse(url).map_err(|_| {
        Error::invalid(
            "url",
            "This is not a web address; write it whole, e.g. https://example.com/hooks/rapport.",
        )
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::invalid(
            "url",
            "The address must start with https:// (or http://).",
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(Error::invalid("url", "The address needs a host name."));
    }
    Ok(url.to_string())
}

/// The event types chosen, each once, in the order of `SUBSCRIBABLE`.
pub fn check_events(events: &[String]) -> Result<Vec<String>, Error> {
    for event in events {
        if !SUBSCRIBABLE.iter().any(|(name, _)| *name == event.trim()) {
            return Err(Error::invalid(
                "events",
                format!("{event:?} is not an event type one can subscribe to."),
            ));
        }
    }
    let chosen: Vec<String> = SUBSCRIBABLE
        .iter()
        .filter(|(name, _)| events.iter().any(|e| e.trim() == *name))
        .map(|(name, _)| name.to_string())
        .collect();
    if chosen.is_empty() {
        return Err(Error::invalid("events", "Choose at least one event type."));
    }
    Ok(chosen)
}

fn check_description(description: &str) -> Result<String, Error> {
    let description = description.trim();
    if description.chars().count() > MAX_DESCRIPTION {
        return Err(Error::invalid(
            "description",
            "Keep the description under 500 characters.",
        ));
    }
    Ok(description.to_string())
}

fn webhook(row: db::SubscriptionRow) -> Webhook {
    Webhook {
        id: row.id,
        url: row.url,
        events: row.events,
        description: row.description,
        state: if row.active { "active" } else { "paused" }.to_string(),
        paused_reason: row.paused_reason,
        failing_since: row.failing_since.map(rfc3339),
        last_status: row.last_status,
        last_try_at: row.last_try_at.map(rfc3339),
        previous_secret_until: row.previous_secret_until.map(rfc3339),
        owner_id: row.owner_id,
        created_at: rfc3339(row.created_at),
        secret: None,
    }
}

/// Up to `limit` subscriptions after id `after`; the id to ask after for the next page.
pub async fn list(
    reader: &Reader,
    pool: &PgPool,
    after: i64,
    limit: i64,
) -> Result<(Vec<Webhook>, Option<i64>), Error> {
    authorize(reader)?;
    let (rows, more) = super::one_page(db::list(pool, after, limit + 1).await?, limit);
    let items: Vec<Webhook> = rows.into_iter().map(webhook).collect();
    let next = more.then(|| items.last().map(|w| w.id)).flatten();
    Ok((items, next))
}

pub async fn get(reader: &Reader, pool: &PgPool, id: i64) -> Result<Webhook, Error> {
    authorize(reader)?;
    db::get(pool, id).await?.map(webhook).ok_or(Error::NotFound)
}

/// `url` (checked by `check_url`), if the site lets webhooks reach it: see
/// `webhooks::address`.
async fn check_reachable(url: String, config: &Config) -> Result<String, Error> {
    if config.webhooks_to_private_networks {
        return Ok(url);
    }
    match address::refused_when_saved(&url).await {
        None => Ok(url),
        Some(host) => Err(Error::invalid(
            "url",
            format!(
                "{host} is an address in a private network, and this server sends webhooks \
                 only to the public internet. Its administrator can allow private networks \
                 ({}=true).",
                address::SETTING
            ),
        )),
    }
}

/// A new subscription; its secret is in the answer this once.
pub async fn create(
    reader: &Reader,
    pool: &PgPool,
    config: &Config,
    new: &NewWebhook,
) -> Result<Webhook, Error> {
    let owner_id = authorize(reader)?;
    let url = check_reachable(check_url(&new.url)?, config).await?;
    let events = check_events(&new.events)?;
    let description = check_description(&new.description)?;
    let secret = signing::new_secret();
    let id = db::insert(
        pool,
        &db::NewSubscription {
            owner_id,
            url: &url,
            events: &events,
            description: &description,
            secret: &secret,
        },
    )
    .await?;
    let mut made = db::get(pool, id)
        .await?
        .map(webhook)
        .ok_or(Error::NotFound)?;
    made.secret = Some(secret);
    Ok(made)
}

/// Change a subscription; a rotated secret is in the answer this once.
pub async fn update(
    reader: &Reader,
    pool: &PgPool,
    config: &Config,
    id: i64,
    patch: &WebhookPatch,
) -> Result<Webhook, Error> {
    authorize(reader)?;
    // Checked before the transaction: the name's lookup may take a moment.
    let new_url = match &patch.url {
        Some(url) => Some(check_reachable(check_url(url)?, config).await?),
        None => None,
    };
    let mut tx = pool.begin().await?;
    let current = db::get(&mut *tx, id).await?.ok_or(Error::NotFound)?;
    let url = match new_url {
        Some(url) => url,
        None => current.url,
    };
    let events = match &patch.events {
        Some(events) => check_events(events)?,
        None => current.events,
    };
    let description = match &patch.description {
        Some(description) => check_description(description)?,
        None => current.description,
    };
    let active = match patch.state.as_deref().map(str::trim) {
        None => None,
        Some("active") => Some(true),
        Some("paused") => Some(false),
        Some(_) => return Err(Error::invalid("state", "Choose active or paused.")),
    };
    db::update(&mut *tx, id, &url, &events, &description).await?;
    if let Some(active) = active.filter(|a| *a != current.active) {
        db::set_active(&mut tx, id, active, Some("manual")).await?;
    }
    let secret = if patch.rotate_secret {
        let secret = signing::new_secret();
        db::rotate(&mut *tx, id, &secret, ROTATION_OVERLAP_HOURS).await?;
        Some(secret)
    } else {
        None
    };
    let mut changed = db::get(&mut *tx, id)
        .await?
        .map(webhook)
        .ok_or(Error::NotFound)?;
    tx.commit().await?;
    changed.secret = secret;
    Ok(changed)
}

pub async fn delete(reader: &Reader, pool: &PgPool, id: i64) -> Result<(), Error> {
    authorize(reader)?;
    if db::delete(pool, id).await? {
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}

/// For the admin page, which cannot carry a secret through a form post's
/// redirect: the page it leads to shows the new secret once ([`take_secret`]).
pub async fn offer_secret(reader: &Reader, pool: &PgPool, id: i64) -> Result<(), Error> {
    authorize(reader)?;
    db::offer_secret(pool, id).await?;
    Ok(())
}

/// The secret just made or rotated by the reader, once, within 15 minutes.
pub async fn take_secret(reader: &Reader, pool: &PgPool, id: i64) -> Result<Option<String>, Error> {
    let user_id = authorize(reader)?;
    Ok(db::take_secret(pool, id, user_id).await?)
}

fn delivery(row: db::DeliveryRow, attempts: Vec<WebhookAttempt>) -> WebhookDelivery {
    WebhookDelivery {
        id: row.id,
        message_id: row.message_id,
        event: row.event,
        change_seq: row.change_seq,
        case_id: row.case_id,
        next_try_at: (row.state == "pending").then(|| rfc3339(row.next_try_at)),
        state: row.state,
        tries: row.tries,
        delivered_at: row.delivered_at.map(rfc3339),
        created_at: rfc3339(row.created_at),
        body: row.body,
        attempts,
    }
}

/// Up to `limit` deliveries of a subscription before id `before`, the newest
/// first, each with its tries; the id to ask before for the next page.
pub async fn deliveries(
    reader: &Reader,
    pool: &PgPool,
    id: i64,
    before: i64,
    limit: i64,
) -> Result<(Vec<WebhookDelivery>, Option<i64>), Error> {
    authorize(reader)?;
    if db::get(pool, id).await?.is_none() {
        return Err(Error::NotFound);
    }
    let (rows, more) = super::one_page(db::deliveries(pool, id, before, limit + 1).await?, limit);
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut tries: HashMap<i64, Vec<WebhookAttempt>> = HashMap::new();
    for a in db::attempts(pool, &ids).await? {
        tries
            .entry(a.delivery_id)
            .or_default()
            .push(WebhookAttempt {
                at: rfc3339(a.at),
                status: a.status,
                duration_ms: a.duration_ms,
                response: a.response,
                error: a.error,
            });
    }
    let items: Vec<WebhookDelivery> = rows
        .into_iter()
        .map(|r| {
            let attempts = tries.remove(&r.id).unwrap_or_default();
            delivery(r, attempts)
        })
        .collect();
    let next = more.then(|| items.last().map(|d| d.id)).flatten();
    Ok((items, next))
}

async fn one_delivery(pool: &PgPool, id: i64, delivery_id: i64) -> Result<WebhookDelivery, Error> {
    let row = db::deliveries(pool, id, delivery_id + 1, 1)
        .await?
        .into_iter()
        .find(|r| r.id == delivery_id)
        .ok_or(Error::NotFound)?;
    Ok(delivery(row, Vec::new()))
}

/// Send a delivery again, as a new delivery with the same body and
/// `webhook-id` (receivers that keep the ids they saw can tell it is the same event).
pub async fn replay(
    reader: &Reader,
    pool: &PgPool,
    id: i64,
    delivery_id: i64,
) -> Result<WebhookDelivery, Error> {
    authorize(reader)?;
    let new_id = db::replay(pool, id, delivery_id)
        .await?
        .ok_or(Error::NotFound)?;
    one_delivery(pool, id, new_id).await
}

/// Queue a test event (`webhook.test`) for a subscription, sent at once
/// whatever event types it chose.
pub async fn send_test(reader: &Reader, pool: &PgPool, id: i64) -> Result<WebhookDelivery, Error> {
    authorize(reader)?;
    if db::get(pool, id).await?.is_none() {
        return Err(Error::NotFound);
    }
    let body = serde_json::json!({
        "type": TEST_EVENT,
        "timestamp": rfc3339(time::OffsetDateTime::now_utc()),
        "data": { "subscription_id": id, "message": "A test event from Rapport." },
    })
    .to_string();
    let new_id = db::insert_test(pool, id, TEST_EVENT, &body).await?;
    one_delivery(pool, id, new_id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_with_a_host_are_taken() {
        assert!(check_url("https://example.com/hook").is_ok());
        assert!(check_url(" http://127.0.0.1:8080/x ").is_ok());
        for bad in [
            "",
            "ftp://example.com/x",
            "javascript:alert(1)",
            "example.com",
            "file:///etc/passwd",
        ] {
            let err = check_url(bad).unwrap_err();
            assert_eq!(err.field(), Some("url"), "{bad}");
        }
    }

    #[test]
    fn events_must_be_subscribable() {
        let ok = check_events(&[
            "case.solved".into(),
            "case.created".into(),
            "case.created".into(),
        ]);
        assert_eq!(ok.unwrap(), vec!["case.created", "case.solved"]);
        assert!(check_events(&[]).is_err());
        assert!(check_events(&["order.upserted".into()]).is_err());
    }
}
