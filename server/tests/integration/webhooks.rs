//! Webhooks against a real receiver started in the test (axum on
//! 127.0.0.1:0, answering as each test scripts it): signatures (two while a
//! secret rotates), retries after 500, a timeout and `Retry-After`, order
//! per case, a parked endpoint not blocking another, a worker killed
//! mid-flight, the pause after 3 days of failures, replay and test events,
//! no delivery into a private network unless the site allows it, and the
//! REST endpoints with their scope.

use crate::common::api::{problem, token, Api};
use crate::common::{fixtures, TestApp};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use rapport_core::db::changes::NewChange;
use rapport_core::policy::Actor;
use rapport_core::site::SiteLinks;
use rapport_core::time_zones::ReaderZone;
use rapport_core::webhooks::{self, Deliverer, Settings};
use rapport_core::Reader;
use rapport_types::api::webhooks::{NewWebhook, WebhookPatch};
use rapport_types::Role;
use serde_json::{json, Value};
use sha2::Sha256;
use sqlx::PgPool;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How the receiver answers one request.
#[derive(Debug, Clone)]
enum Reply {
    Status(u16),
    /// A status with `Retry-After: <value>`.
    RetryAfter(u16, &'static str),
    /// 200, after this long.
    Slow(Duration),
}

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Got {
    path: String,
    id: String,
    timestamp: String,
    signature: String,
    body: String,
}

#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<Got>>>,
    script: Arc<Mutex<HashMap<String, VecDeque<Reply>>>>,
}

impl Receiver {
    /// Start one; returns it and its base URL.
    async fn start() -> (Receiver, String) {
        let receiver = Receiver::default();
        let app = axum::Router::new()
            .fallback(answer)
            .with_state(receiver.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        (receiver, format!("http://{addr}"))
    }

    /// Answer the next requests to `path` so, then 200.
    fn script(&self, path: &str, replies: &[Reply]) {
        self.script
            .lock()
            .unwrap()
            .entry(path.to_string())
            .or_default()
            .extend(replies.iter().cloned());
    }

    fn got(&self, path: &str) -> Vec<Got> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .filter(|g| g.path == path)
            .cloned()
            .collect()
    }
}

async fn answer(
    State(receiver): State<Receiver>,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let path = uri.path().to_string();
    receiver.got.lock().unwrap().push(Got {
        path: path.clone(),
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        body,
    });
    let reply = receiver
        .script
        .lock()
        .unwrap()
        .get_mut(&path)
        .and_then(VecDeque::pop_front);
    match reply {
        None => (StatusCode::OK, "thanks").into_response(),
        Some(Reply::Status(code)) => (
            StatusCode::from_u16(code).unwrap(),
            format!("<b>status {code}</b>"),
        )
            .into_response(),
        Some(Reply::RetryAfter(code, after)) => (
            StatusCode::from_u16(code).unwrap(),
            [("retry-after", after)],
            "busy",
        )
            .into_response(),
        Some(Reply::Slow(pause)) => {
            tokio::time::sleep(pause).await;
            (StatusCode::OK, "late").into_response()
        }
    }
}

/// The signature the receiver expects for one secret.
fn expected(secret: &str, got: &Got) -> String {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.{}", got.id, got.timestamp, got.body).as_bytes());
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

async fn admin(pool: &PgPool) -> Reader {
    let known: Option<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'admin@rapport.example'")
            .fetch_optional(pool)
            .await
            .unwrap();
    let user_id = match known {
        Some(id) => id,
        None => fixtures::person(pool, "admin@rapport.example").await.id,
    };
    Reader::new(
        Some(Actor {
            user_id,
            role: Role::Admin,
            organization_id: None,
        }),
        ReaderZone::utc(),
    )
}

/// A subscription of the admin to `events` at `url`; returns (id, secret).
async fn subscribe(pool: &PgPool, url: &str, events: &[&str]) -> (i64, String) {
    let made = rapport_core::api::webhooks::create(
        &admin(pool).await,
        pool,
        &reaches_receivers(),
        &NewWebhook {
            url: url.to_string(),
            events: events.iter().map(|e| e.to_string()).collect(),
            description: "test".into(),
        },
    )
    .await
    .unwrap();
    (made.id, made.secret.unwrap())
}

/// Record a change of case `case_id` (as a service would, in its transaction).
async fn change(pool: &PgPool, event: &'static str, case_id: i64, step: i64) {
    let mut tx = pool.begin().await.unwrap();
    rapport_core::changes::record(
        &mut tx,
        &[NewChange {
            event,
            entity: "case",
            entity_id: case_id,
            deleted: false,
            organization_id: Some(7),
            staff_only: false,
            case_id: Some(case_id),
            data: json!({ "step": step }),
        }],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// A site whose webhooks may reach the test's receivers on 127.0.0.1.
fn reaches_receivers() -> rapport_core::Config {
    rapport_core::Config {
        webhooks_to_private_networks: true,
        ..Default::default()
    }
}

/// The receiver runs on 127.0.0.1, which a site reaches only when it lets
/// webhooks into private networks.
fn settings() -> Settings {
    let mut s = Settings::new(SiteLinks::new("http://rapport.test"));
    s.timeout = Duration::from_secs(1);
    s.private_networks = true;
    s
}

fn deliverer(pool: &PgPool) -> Deliverer {
    Deliverer::new(pool.clone(), settings()).unwrap()
}

/// Fan out and send everything due.
async fn run(pool: &PgPool) {
    webhooks::fan_out(pool).await.unwrap();
    deliverer(pool).deliver_due().await.unwrap();
}

/// `run` with one delivery in flight at a time, so the order of the tries
/// (and which one meets the receiver's scripted answer) is known.
async fn run_one_at_a_time(pool: &PgPool) {
    webhooks::fan_out(pool).await.unwrap();
    let mut s = settings();
    s.concurrency = 1;
    Deliverer::new(pool.clone(), s)
        .unwrap()
        .deliver_due()
        .await
        .unwrap();
}

/// Move the clock: every pending delivery is due now.
async fn due_now(pool: &PgPool) {
    sqlx::query("UPDATE webhook_deliveries SET next_try_at = now() WHERE state = 'pending'")
        .execute(pool)
        .await
        .unwrap();
}

fn step(got: &Got) -> (i64, i64) {
    let body: Value = serde_json::from_str(&got.body).unwrap();
    (
        body["data"]["case_id"].as_i64().unwrap(),
        body["data"]["step"].as_i64().unwrap(),
    )
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn each_request_is_signed_and_carries_two_signatures_while_a_secret_rotates(pool: PgPool) {
    let (receiver, base) = Receiver::start().await;
    let (id, secret) = subscribe(&pool, &format!("{base}/s"), &["case.created"]).await;
    assert!(secret.starts_with("whsec_"));
    assert!(STANDARD.decode(&secret[6..]).unwrap().len() >= 24);
    change(&pool, "case.created", 41, 1).await;
    // An event it did not choose is not sent.
    change(&pool, "case.updated", 41, 2).await;
    assert_eq!(webhooks::fan_out(&pool).await.unwrap(), 1);
    // The cursor moved on: nothing is fanned out twice.
    assert_eq!(webhooks::fan_out(&pool).await.unwrap(), 0);
    deliverer(&pool).deliver_due().await.unwrap();
    let got = receiver.got("/s");
    assert_eq!(got.len(), 1);
    assert!(got[0].id.starts_with("msg_"));
    assert_eq!(got[0].signature, expected(&secret, &got[0]));
    let sent_at: i64 = got[0].timestamp.parse().unwrap();
    assert!((time::OffsetDateTime::now_utc().unix_timestamp() - sent_at).abs() < 10);
    let body: Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!(body["type"], "case.created");
    assert_eq!(body["data"]["entity"], "case");
    assert_eq!(body["data"]["id"], 41);
    assert_eq!(body["data"]["organization_id"], 7);
    assert!(body["timestamp"].as_str().unwrap().ends_with('Z'));

    // Rotate: the new secret signs first, the old one too for 24 hours.
    let rotated = rapport_core::api::webhooks::update(
        &admin(&pool).await,
        &pool,
        &reaches_receivers(),
        id,
        &WebhookPatch {
            rotate_secret: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let new_secret = rotated.secret.unwrap();
    assert_ne!(new_secret, secret);
    assert!(rotated.previous_secret_until.is_some());
    change(&pool, "case.created", 42, 1).await;
    run(&pool).await;
    let got = receiver.got("/s");
    assert_eq!(got.len(), 2);
    let signatures: Vec<&str> = got[1].signature.split(' ').collect();
    assert_eq!(
        signatures,
        vec![expected(&new_secret, &got[1]), expected(&secret, &got[1])]
    );
    // After the 24 hours only the new one signs.
    sqlx::query(
        "UPDATE webhook_subscriptions SET previous_secret_until = now() - interval '1 second'",
    )
    .execute(&pool)
    .await
    .unwrap();
    change(&pool, "case.created", 43, 1).await;
    run(&pool).await;
    let got = receiver.got("/s");
    assert_eq!(got[2].signature, expected(&new_secret, &got[2]));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_fan_out_loses_and_doubles_nothing(pool: PgPool) {
    let (_receiver, base) = Receiver::start().await;
    subscribe(&pool, &format!("{base}/x"), &["case.updated"]).await;
    subscribe(
        &pool,
        &format!("{base}/y"),
        &["case.updated", "case.created"],
    )
    .await;
    for n in 0..30 {
        change(&pool, "case.updated", n % 4, n).await;
    }
    // A fan-out that dies before its commit leaves neither deliveries nor a moved cursor.
    let mut tx = pool.begin().await.unwrap();
    let step = rapport_core::db::webhooks::fan_out(&mut tx, 500)
        .await
        .unwrap();
    assert_eq!(step, Some((30, 60)));
    drop(tx);
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM webhook_deliveries")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    assert_eq!(count().await, 0);
    // Several processes at once: each change reaches each subscription once.
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let pool = pool.clone();
            tokio::spawn(async move { webhooks::fan_out(&pool).await.unwrap() })
        })
        .collect();
    let mut made = 0;
    for run in runs {
        made += run.await.unwrap();
    }
    // A process that found the cursor taken made none; one made them all.
    assert_eq!(made, 60);
    assert_eq!(count().await, 60);
    let doubled: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT 1 FROM webhook_deliveries
                               GROUP BY subscription_id, change_seq HAVING count(*) > 1) d",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(doubled, 0);
    // Changes that come later are picked up after the cursor.
    change(&pool, "case.created", 1, 99).await;
    assert_eq!(webhooks::fan_out(&pool).await.unwrap(), 1);
}

/// The deliveries of the subscription as the API shows them.
async fn log(pool: &PgPool, id: i64) -> Vec<Value> {
    let (items, _) =
        rapport_core::api::webhooks::deliveries(&admin(pool).await, pool, id, i64::MAX, 50)
            .await
            .unwrap();
    items
        .into_iter()
        .map(|d| serde_json::to_value(d).unwrap())
        .collect()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_500_then_a_200_is_retried_with_the_same_id_and_delivered(pool: PgPool) {
    let (receiver, base) = Receiver::start().await;
    receiver.script("/r", &[Reply::Status(500)]);
    let (id, _) = subscribe(&pool, &format!("{base}/r"), &["case.created"]).await;
    change(&pool, "case.created", 5, 1).await;
    run(&pool).await;
    let first = &log(&pool, id).await[0];
    assert_eq!(first["state"], "pending");
    assert_eq!(first["tries"], 1);
    assert_eq!(first["attempts"][0]["status"], 500);
    assert_eq!(first["attempts"][0]["response"], "<b>status 500</b>");
    // The next try waits a minute.
    let wait: f64 = sqlx::query_scalar(
        "SELECT extract(epoch FROM next_try_at - now())::float8 FROM webhook_deliveries",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!((50.0..=61.0).contains(&wait), "{wait}");
    // Not before it is due.
    run(&pool).await;
    assert_eq!(receiver.got("/r").len(), 1);
    due_now(&pool).await;
    run(&pool).await;
    let got = receiver.got("/r");
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].id, got[1].id);
    assert_eq!(got[0].body, got[1].body);
    let delivered = &log(&pool, id).await[0];
    assert_eq!(delivered["state"], "delivered");
    assert_eq!(delivered["tries"], 2);
    assert_eq!(delivered["attempts"][1]["status"], 200);
    let hook = rapport_core::api::webhooks::get(&admin(&pool).await, &pool, id)
        .await
        .unwrap();
    assert_eq!(hook.last_status, Some(200));
    assert_eq!(hook.failing_since, None);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn by_default_no_delivery_reaches_a_private_network(pool: PgPool) {
    let (receiver, base) = Receiver::start().await;
    let port = base.rsplit(':').next().unwrap().to_string();
    // Such a subscription is refused when saved, naming the field...
    for url in [
        format!("{base}/ip"),
        format!("http://localhost:{port}/name"),
    ] {
        let refused = rapport_core::api::webhooks::create(
            &admin(&pool).await,
            &pool,
            &rapport_core::Config::default(),
            &NewWebhook {
                url: url.clone(),
                events: vec!["case.created".into()],
                description: String::new(),
            },
        )
        .await
        .unwrap_err();
        assert_eq!(refused.field(), Some("url"), "{url}: {refused:?}");
    }
    // ...and a delivery is not sent, should one exist (saved while the site
    // allowed it, or a name that now resolves to a private address).
    // Written as an address, and as a name that resolves to one.
    let (by_address, _) = subscribe(&pool, &format!("{base}/ip"), &["case.created"]).await;
    let (by_name, _) = subscribe(
        &pool,
        &format!("http://localhost:{port}/name"),
        &["case.created"],
    )
    .await;
    change(&pool, "case.created", 5, 1).await;
    webhooks::fan_out(&pool).await.unwrap();
    let mut public_only = settings();
    public_only.private_networks = false;
    Deliverer::new(pool.clone(), public_only)
        .unwrap()
        .deliver_due()
        .await
        .unwrap();
    assert!(receiver.got("/ip").is_empty() && receiver.got("/name").is_empty());
    for (id, host) in [(by_address, "127.0.0.1"), (by_name, "localhost")] {
        let delivery = &log(&pool, id).await[0];
        assert_eq!(delivery["state"], "pending", "{delivery}");
        let error = delivery["attempts"][0]["error"].as_str().unwrap();
        assert!(
            error.contains(host) && error.contains(webhooks::address::SETTING),
            "{error}"
        );
    }

    // A site that allows it reaches its own network.
    due_now(&pool).await;
    run(&pool).await;
    assert_eq!(receiver.got("/ip").len(), 1);
    assert_eq!(receiver.got("/name").len(), 1);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_log_forgets_finished_deliveries_after_a_month_but_never_pending_ones(pool: PgPool) {
    let (receiver, base) = Receiver::start().await;
    receiver.script(
        "/down",
        &[Reply::Status(500), Reply::Status(500), Reply::Status(500)],
    );
    let (up, _) = subscribe(&pool, &format!("{base}/up"), &["case.created"]).await;
    let (down, _) = subscribe(&pool, &format!("{base}/down"), &["case.created"]).await;
    for case in 1..=3 {
        change(&pool, "case.created", case, case).await;
    }
    run_one_at_a_time(&pool).await;
    // Age them: "up" delivered 3 cases, one 31 days ago, one 29, one today;
    // "down" failed all 3: one was given up 40 days ago, two still wait for
    // their next try since then (as behind a paused subscription).
    sqlx::query(
        "UPDATE webhook_deliveries d SET last_try_at = now() - make_interval(days => a.days)
         FROM (VALUES (1, 31), (2, 29), (3, 0)) a(case_id, days)
         WHERE d.subscription_id = $1 AND d.case_id = a.case_id",
    )
    .bind(up)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "UPDATE webhook_deliveries SET last_try_at = now() - interval '40 days',
                state = CASE WHEN case_id = 1 THEN 'failed' ELSE state END
         WHERE subscription_id = $1",
    )
    .bind(down)
    .execute(&pool)
    .await
    .unwrap();
    let attempts = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM webhook_attempts")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    let attempts_before = attempts().await;

    let forgotten =
        rapport_core::db::webhooks::forget_finished(&pool, webhooks::KEEP_FINISHED_DAYS)
            .await
            .unwrap();
    assert_eq!(forgotten, 2);
    assert_eq!(log(&pool, up).await.len(), 2);
    let left: Vec<Value> = log(&pool, down)
        .await
        .iter()
        .map(|d| d["state"].clone())
        .collect();
    assert_eq!(left, [json!("pending"), json!("pending")]);
    // Their tries went with them.
    assert_eq!(attempts().await, attempts_before - 2);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_timeout_is_retried_and_retry_after_is_honoured(pool: PgPool) {
    let (receiver, base) = Receiver::start().await;
    receiver.script("/t", &[Reply::Slow(Duration::from_secs(3))]);
    receiver.script("/a", &[Reply::RetryAfter(503, "120")]);
    let (slow, _) = subscribe(&pool, &format!("{base}/t"), &["case.created"]).await;
    let (busy, _) = subscribe(&pool, &format!("{base}/a"), &["case.created"]).await;
    change(&pool, "case.created", 5, 1).await;
    run(&pool).await;
    let timed_out = &log(&pool, slow).await[0];
    assert_eq!(timed_out["state"], "pending");
    assert_eq!(timed_out["attempts"][0]["status"], Value::Null);
    assert!(timed_out["attempts"][0]["error"]
        .as_str()
        .unwrap()
        .contains("No answer within 1 seconds"));
    let waits: Vec<(i64, f64)> = sqlx::query_as(
        "SELECT subscription_id, extract(epoch FROM next_try_at - now())::float8
         FROM webhook_deliveries ORDER BY subscription_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(waits[1].0, busy);
    assert!((110.0..=121.0).contains(&waits[1].1), "{waits:?}");
    due_now(&pool).await;
    run(&pool).await;
    assert_eq!(log(&pool, slow).await[0]["state"], "delivered");
    assert_eq!(log(&pool, busy).await[0]["state"], "delivered");
    assert_eq!(receiver.got("/t").len(), 2);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_case_goes_out_in_order_and_a_parked_endpoint_blocks_no_other(pool: PgPool) {
    let (receiver, base) = Receiver::start().await;
    receiver.script("/a", &[Reply::Status(500)]);
    let (a, _) = subscribe(&pool, &format!("{base}/a"), &["case.updated"]).await;
    subscribe(&pool, &format!("{base}/b"), &["case.updated"]).await;
    change(&pool, "case.updated", 1, 1).await;
    change(&pool, "case.updated", 1, 2).await;
    change(&pool, "case.updated", 2, 3).await;
    run_one_at_a_time(&pool).await;
    // B has everything; A's case 1 waits behind its failed first change,
    // its case 2 went out.
    let b: Vec<(i64, i64)> = receiver.got("/b").iter().map(step).collect();
    assert_eq!(b.len(), 3);
    assert!(b.contains(&(2, 3)));
    assert_eq!(
        b.iter().filter(|s| s.0 == 1).collect::<Vec<_>>(),
        vec![&(1, 1), &(1, 2)]
    );
    let a_got: Vec<(i64, i64)> = receiver.got("/a").iter().map(step).collect();
    assert_eq!(a_got.len(), 2, "{a_got:?}");
    assert!(a_got.contains(&(1, 1)) && a_got.contains(&(2, 3)));
    // More changes of B's go out while A stays parked.
    change(&pool, "case.updated", 3, 4).await;
    run_one_at_a_time(&pool).await;
    assert_eq!(receiver.got("/b").len(), 4);
    assert_eq!(receiver.got("/a").len(), 3);
    // A's next try succeeds: case 1 arrives in order.
    due_now(&pool).await;
    run_one_at_a_time(&pool).await;
    let case_1: Vec<i64> = receiver
        .got("/a")
        .iter()
        .map(step)
        .filter(|s| s.0 == 1)
        .map(|s| s.1)
        .collect();
    assert_eq!(case_1, vec![1, 1, 2]);
    assert!(log(&pool, a)
        .await
        .iter()
        .all(|d| d["state"] == "delivered"));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_worker_killed_mid_flight_loses_nothing(pool: PgPool) {
    let (receiver, base) = Receiver::start().await;
    receiver.script("/k", &[Reply::Slow(Duration::from_millis(900))]);
    let (id, _) = subscribe(&pool, &format!("{base}/k"), &["case.solved"]).await;
    change(&pool, "case.solved", 9, 1).await;
    webhooks::fan_out(&pool).await.unwrap();
    let first = deliverer(&pool);
    let flight = tokio::spawn(async move { first.deliver_one().await });
    // Kill it while the receiver holds the request.
    for _ in 0..100 {
        if !receiver.got("/k").is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(receiver.got("/k").len(), 1);
    flight.abort();
    assert!(flight.await.unwrap_err().is_cancelled());
    // A new worker sends it again (once the dead one's transaction is rolled back).
    let second = deliverer(&pool);
    for _ in 0..100 {
        if second.deliver_one().await.unwrap() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let got = receiver.got("/k");
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].id, got[1].id);
    let delivered = log(&pool, id).await;
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0]["state"], "delivered");
    // The killed try left no half-written record.
    assert_eq!(delivered[0]["attempts"].as_array().unwrap().len(), 1);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn three_days_of_failures_pause_the_subscription_and_mail_its_owner(pool: PgPool) {
    let (receiver, base) = Receiver::start().await;
    receiver.script("/f", &[Reply::Status(500), Reply::Status(500)]);
    receiver.script("/g", &[Reply::Status(410)]);
    let (failing, _) = subscribe(&pool, &format!("{base}/f"), &["case.created"]).await;
    let (gone, _) = subscribe(&pool, &format!("{base}/g"), &["case.created"]).await;
    change(&pool, "case.created", 1, 1).await;
    run(&pool).await;
    let reader = admin(&pool).await;
    let hook = rapport_core::api::webhooks::get(&reader, &pool, failing)
        .await
        .unwrap();
    assert_eq!(hook.state, "active");
    assert!(hook.failing_since.is_some());
    // 410 Gone pauses at once.
    let hook = rapport_core::api::webhooks::get(&reader, &pool, gone)
        .await
        .unwrap();
    assert_eq!(
        (hook.state.as_str(), hook.paused_reason.as_deref()),
        ("paused", Some("gone"))
    );
    // Three days go by without a success.
    sqlx::query(
        "UPDATE webhook_subscriptions
         SET failing_since = now() - interval '3 days 1 minute' WHERE id = $1",
    )
    .bind(failing)
    .execute(&pool)
    .await
    .unwrap();
    due_now(&pool).await;
    run(&pool).await;
    let hook = rapport_core::api::webhooks::get(&reader, &pool, failing)
        .await
        .unwrap();
    assert_eq!(hook.state, "paused");
    assert_eq!(hook.paused_reason.as_deref(), Some("failing"));
    let mails: Vec<(String, String, String)> =
        sqlx::query_as("SELECT to_address, subject, body FROM outbound_mails ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(mails.len(), 2, "{mails:?}");
    assert!(mails.iter().all(|m| m.0 == "admin@rapport.example"));
    assert!(mails[1].2.contains(&format!("{base}/f")));
    assert!(mails[1].2.contains("3 days"));
    assert!(mails[1].2.contains("http://rapport.test/admin/webhooks"));
    // A paused subscription gets nothing, and new changes are not queued for it.
    change(&pool, "case.created", 2, 1).await;
    due_now(&pool).await;
    run(&pool).await;
    assert_eq!(receiver.got("/f").len(), 2);
    assert_eq!(log(&pool, failing).await.len(), 1);
    // Resumed, its pending delivery goes out at once.
    let resumed = rapport_core::api::webhooks::update(
        &reader,
        &pool,
        &reaches_receivers(),
        failing,
        &WebhookPatch {
            state: Some("active".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(resumed.failing_since, None);
    run(&pool).await;
    assert_eq!(receiver.got("/f").len(), 3);
    assert_eq!(log(&pool, failing).await[0]["state"], "delivered");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_api_manages_subscriptions_replays_and_sends_test_events(pool: PgPool) {
    fixtures::people(&pool, &["admin@rapport.example"]).await;
    // The server's own workers deliver here, to the receiver on 127.0.0.1.
    let app = TestApp::spawn_empty_with(pool.clone(), |config| {
        config.webhooks_to_private_networks = true;
    })
    .await;
    let (receiver, base) = Receiver::start().await;
    let secret = token(&app, "admin@rapport.example", &["webhooks"]).await;
    let api = Api::new(&app, Some(&secret));

    // Bad input names the field.
    for (body, field) in [
        (
            json!({"url": "ftp://example.com/x", "events": ["case.created"]}),
            "url",
        ),
        (
            json!({"url": "not a url", "events": ["case.created"]}),
            "url",
        ),
        (
            json!({"url": "https://example.com/x", "events": []}),
            "events",
        ),
        (
            json!({"url": "https://example.com/x", "events": ["order.upserted"]}),
            "events",
        ),
    ] {
        let (status, problem) = problem(api.post("/webhooks", &body).await).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(problem["field"], field, "{problem}");
    }

    let response = api
        .post(
            "/webhooks",
            &json!({"url": format!("{base}/api"), "events": ["case.created", "case.solved"],
                    "description": "CRM"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let made: Value = response.json().await.unwrap();
    let id = made["id"].as_i64().unwrap();
    let hook_secret = made["secret"].as_str().unwrap().to_string();
    assert!(hook_secret.starts_with("whsec_"));
    // The secret is shown this once.
    let shown = api.json(&format!("/webhooks/{id}")).await;
    assert_eq!(shown["secret"], Value::Null);
    assert_eq!(shown["events"], json!(["case.created", "case.solved"]));
    assert_eq!(shown["state"], "active");

    // Test event.
    let response = api.post(&format!("/webhooks/{id}/test"), &json!({})).await;
    assert_eq!(response.status(), 202);
    // The server's own workers deliver it.
    wait_delivered(&pool, 1).await;
    let got = receiver.got("/api");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].signature, expected(&hook_secret, &got[0]));
    let body: Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!(body["type"], "webhook.test");
    let deliveries = api.json(&format!("/webhooks/{id}/deliveries")).await;
    let first = &deliveries["items"][0];
    assert_eq!(first["state"], "delivered");
    assert_eq!(first["attempts"][0]["status"], 200);
    assert_eq!(first["attempts"][0]["response"], "thanks");

    // Replay: the same body and webhook-id again.
    let delivery = first["id"].as_i64().unwrap();
    let response = api
        .post(
            &format!("/webhooks/{id}/deliveries/{delivery}/replay"),
            &json!({}),
        )
        .await;
    assert_eq!(response.status(), 202);
    wait_delivered(&pool, 2).await;
    let got = receiver.got("/api");
    assert_eq!(got.len(), 2);
    assert_eq!(
        (got[1].id.as_str(), got[1].body.as_str()),
        (got[0].id.as_str(), got[0].body.as_str())
    );
    let (status, _) = problem(
        api.post(
            &format!("/webhooks/{id}/deliveries/999999/replay"),
            &json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 404);

    // Pages of deliveries.
    let page = api
        .json(&format!("/webhooks/{id}/deliveries?limit=1"))
        .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let cursor = page["next_cursor"].as_str().unwrap();
    let next = api
        .json(&format!(
            "/webhooks/{id}/deliveries?limit=1&cursor={cursor}"
        ))
        .await;
    assert_eq!(next["items"][0]["id"], delivery);
    assert_eq!(next["next_cursor"], Value::Null);

    // Edit, pause, list, delete.
    let response = api
        .patch(
            &format!("/webhooks/{id}"),
            &json!({"events": ["case.replied"], "state": "paused", "description": "CRM 2"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let changed: Value = response.json().await.unwrap();
    assert_eq!(changed["events"], json!(["case.replied"]));
    assert_eq!(changed["state"], "paused");
    assert_eq!(changed["paused_reason"], "manual");
    let (status, problem_doc) = problem(
        api.patch(
            &format!("/webhooks/{id}"),
            &json!({"url": "mailto:x@example.com"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, problem_doc["field"].as_str()), (422, Some("url")));
    api.post(
        "/webhooks",
        &json!({"url": "https://example.com/2", "events": ["case.created"]}),
    )
    .await;
    let list = api.json("/webhooks?limit=1").await;
    assert_eq!(list["items"][0]["id"], id);
    let cursor = list["next_cursor"].as_str().unwrap();
    let rest = api
        .json(&format!("/webhooks?limit=1&cursor={cursor}"))
        .await;
    assert_eq!(rest["items"][0]["url"], "https://example.com/2");
    assert_eq!(api.delete(&format!("/webhooks/{id}")).await.status(), 204);
    let (status, _) = problem(api.get(&format!("/webhooks/{id}")).await).await;
    assert_eq!(status, 404);
    let (status, _) = problem(api.get("/webhooks/abc").await).await;
    assert_eq!(status, 404);

    // A token without the scope is refused.
    let other = token(&app, "admin@rapport.example", &["cases:read"]).await;
    let (status, _) = problem(Api::new(&app, Some(&other)).get("/webhooks").await).await;
    assert_eq!(status, 403);
    let (status, _) = problem(
        Api::new(&app, Some(&other))
            .post(
                "/webhooks",
                &json!({"url": "https://example.com/x", "events": ["case.created"]}),
            )
            .await,
    )
    .await;
    assert_eq!(status, 403);
}

/// Percentiles of `values` (sorted here), in milliseconds.
fn percentile(values: &mut [f64], p: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    let at = ((values.len() as f64 - 1.0) * p).round() as usize;
    values.get(at).copied().unwrap_or(0.0)
}

/// The time from each change's commit to its delivery, in milliseconds.
async fn latencies(pool: &PgPool, from_seq: i64) -> Vec<f64> {
    sqlx::query_scalar(
        "SELECT (extract(epoch FROM d.delivered_at - c.at) * 1000)::float8
         FROM webhook_deliveries d JOIN changes c ON c.seq = d.change_seq
         WHERE c.seq > $1 AND d.state = 'delivered'",
    )
    .bind(from_seq)
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn wait_delivered(pool: &PgPool, count: i64) {
    for _ in 0..6000 {
        let done: i64 =
            sqlx::query_scalar("SELECT count(*) FROM webhook_deliveries WHERE state = 'delivered'")
                .fetch_one(pool)
                .await
                .unwrap();
        if done >= count {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the deliveries did not all arrive within a minute");
}

/// `cargo xtask bench webhooks`: changes committed one per transaction, as
/// services write them, while the background workers run (fan-out on the
/// commit's notification, 4 deliveries in flight) and deliver to a local
/// receiver. A burst for the throughput, then a steady trickle for the time
/// from a change's commit to its delivery at rest.
#[sqlx::test(migrator = "server::MIGRATOR")]
#[ignore = "a benchmark: cargo xtask bench webhooks"]
async fn bench_webhook_delivery(pool: PgPool) {
    let burst: i64 = std::env::var("WEBHOOK_BENCH_CHANGES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000);
    let (_receiver, base) = Receiver::start().await;
    subscribe(&pool, &format!("{base}/bench"), &["case.updated"]).await;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut s = settings();
    s.timeout = Duration::from_secs(10);
    let tasks = webhooks::spawn(pool.clone(), s, stopped).unwrap();

    let started = std::time::Instant::now();
    for n in 0..burst {
        change(&pool, "case.updated", n % 200, n).await;
    }
    let written = started.elapsed();
    wait_delivered(&pool, burst).await;
    let took = started.elapsed();
    let mut under_load = latencies(&pool, 0).await;

    let head: i64 = sqlx::query_scalar("SELECT last_seq FROM change_counter")
        .fetch_one(&pool)
        .await
        .unwrap();
    let trickle = 200;
    for n in 0..trickle {
        change(&pool, "case.updated", n % 50, n).await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    wait_delivered(&pool, burst + trickle).await;
    let mut at_rest = latencies(&pool, head).await;
    let _ = stop.send(true);
    for task in tasks {
        let _ = task.await;
    }

    println!(
        "webhooks: {burst} changes written in {:.2} s, all delivered after {:.2} s: {:.0} deliveries/s",
        written.as_secs_f64(),
        took.as_secs_f64(),
        burst as f64 / took.as_secs_f64()
    );
    println!(
        "webhooks: commit to delivery during the burst: p50 {:.0} ms, p95 {:.0} ms",
        percentile(&mut under_load, 0.5),
        percentile(&mut under_load, 0.95)
    );
    println!(
        "webhooks: commit to delivery at 50 changes/s: p50 {:.1} ms, p95 {:.1} ms",
        percentile(&mut at_rest, 0.5),
        percentile(&mut at_rest, 0.95)
    );
}
