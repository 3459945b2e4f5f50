//! Open pages hear of case changes made on another server process: two
//! servers on one database, the change made through one, the news read from
//! the other's event stream.

use crate::common::fixtures::{self, Case};
use crate::common::TestApp;
use app::api::cases::SetCaseOpen;
use rapport_types::Role;
use reqwest::header::COOKIE;
use sqlx::PgPool;
use std::time::{Duration, Instant};

/// The product's promise: a change shows on open pages within 5 seconds.
const WITHIN: Duration = Duration::from_secs(5);

/// An open event stream, read as text.
struct Stream {
    response: reqwest::Response,
    seen: String,
}

impl Stream {
    async fn open(app: &TestApp, client: &reqwest::Client) -> Stream {
        let response = client.get(app.url("/events/cases")).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        let mut stream = Stream {
            response,
            seen: String::new(),
        };
        // Listening from here on.
        stream.wait_for(": listening", WITHIN).await;
        stream
    }

    /// Read until `text` has come (true) or `within` has passed (false).
    async fn wait_for(&mut self, text: &str, within: Duration) -> bool {
        let start = Instant::now();
        while !self.seen.contains(text) {
            let left = within.saturating_sub(start.elapsed());
            match tokio::time::timeout(left, self.response.chunk()).await {
                Ok(Ok(Some(chunk))) => self.seen.push_str(&String::from_utf8_lossy(&chunk)),
                _ => return false,
            }
        }
        true
    }
}

fn news_of(case: &Case) -> String {
    format!(r#"data: {{"kind":"case","case":"{}"}}"#, case.number)
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_change_made_on_one_server_reaches_pages_open_on_another(pool: PgPool) {
    let acme = fixtures::organization(&pool, "Acme").await;
    let globex = fixtures::organization(&pool, "Globex").await;
    acme.customer(&pool, "carla@acme.test", "Carla").await;
    acme.customer(&pool, "colin@acme.test", "Colin").await;
    globex
        .customer_admin(&pool, "gail@globex.test", "Gail")
        .await;
    fixtures::staff(&pool, Role::Agent, "ada@support.test", "Ada").await;
    fixtures::staff(&pool, Role::Trainer, "tom@support.test", "Tom").await;
    let carlas = fixtures::case("carla@acme.test", "Printer offline")
        .insert(&pool)
        .await;
    let gails = fixtures::case("gail@globex.test", "Invoice question")
        .insert(&pool)
        .await;

    let one = TestApp::spawn_empty(pool.clone()).await;
    let two = TestApp::spawn_empty(pool.clone()).await;
    // Sessions live in PostgreSQL: signed in on one, known on both.
    let carla = one.signed_in("carla@acme.test").await;
    let colin = one.signed_in("colin@acme.test").await;
    let gail = one.signed_in("gail@globex.test").await;
    let ada = one.signed_in("ada@support.test").await;
    let mut carla_hears = Stream::open(&two, &carla).await;
    let mut colin_hears = Stream::open(&two, &colin).await;
    let mut gail_hears = Stream::open(&two, &gail).await;
    let mut ada_hears = Stream::open(&two, &ada).await;

    // Carla closes her case through server one.
    let closed = one
        .invoke(
            &carla,
            SetCaseOpen {
                number: carlas.number.clone(),
                open: false,
            },
        )
        .await;
    assert_eq!(closed.status(), 200);
    assert!(
        ada_hears.wait_for(&news_of(&carlas), WITHIN).await,
        "the agent hears: {}",
        ada_hears.seen
    );
    assert!(
        carla_hears.wait_for(&news_of(&carlas), WITHIN).await,
        "the requester hears"
    );

    // Then Gail's case changes: she hears of hers, and never heard of Carla's;
    // Colin (same organization as Carla, not his case) hears of neither.
    sqlx::query("UPDATE cases SET priority = 'high' WHERE id = $1")
        .bind(gails.id)
        .execute(&pool)
        .await
        .unwrap();
    assert!(gail_hears.wait_for(&news_of(&gails), WITHIN).await);
    assert!(
        !gail_hears.seen.contains(&carlas.number),
        "{}",
        gail_hears.seen
    );
    assert!(ada_hears.wait_for(&news_of(&gails), WITHIN).await);
    assert!(
        !colin_hears
            .wait_for("data:", Duration::from_millis(500))
            .await,
        "{}",
        colin_hears.seen
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn only_people_who_see_cases_may_listen(pool: PgPool) {
    fixtures::staff(&pool, Role::Trainer, "tom@support.test", "Tom").await;
    let app = TestApp::spawn_empty(pool.clone()).await;
    let visitor = app
        .bare()
        .get(app.url("/events/cases"))
        .send()
        .await
        .unwrap();
    assert_eq!(visitor.status(), 401);
    let tom = app.signed_in("tom@support.test").await;
    let trainer = tom.get(app.url("/events/cases")).send().await.unwrap();
    assert_eq!(trainer.status(), 403);
    // A forged cookie is a visitor.
    let forged = app
        .bare()
        .get(app.url("/events/cases"))
        .header(COOKIE, "rapport_session=forged")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_first_look_by_staff_is_news_and_repeats_are_not(pool: PgPool) {
    let acme = fixtures::organization(&pool, "Acme").await;
    acme.customer(&pool, "carla@acme.test", "Carla").await;
    fixtures::staff(&pool, Role::Agent, "ada@support.test", "Ada").await;
    fixtures::staff(&pool, Role::Agent, "bo@support.test", "Bo").await;
    let case = fixtures::case("carla@acme.test", "Printer offline")
        .insert(&pool)
        .await;
    let app = TestApp::spawn_empty(pool.clone()).await;
    let ada = app.signed_in("ada@support.test").await;
    let bo = app.signed_in("bo@support.test").await;
    let carla = app.signed_in("carla@acme.test").await;
    let mut ada_hears = Stream::open(&app, &ada).await;
    let mut carla_hears = Stream::open(&app, &carla).await;

    let presence = format!(r#"data: {{"kind":"presence","case":"{}"}}"#, case.number);
    let form = [("number", case.number.as_str())];
    let look = || app.call(&bo, "case_presence", &form);
    assert_eq!(look().await.status(), 200);
    assert!(
        ada_hears.wait_for(&presence, WITHIN).await,
        "{}",
        ada_hears.seen
    );
    // Bo's page asks again 20 seconds later: not news (two open pages would
    // otherwise wake each other for ever).
    ada_hears.seen.clear();
    assert_eq!(look().await.status(), 200);
    assert!(
        !ada_hears
            .wait_for("data:", Duration::from_millis(700))
            .await,
        "{}",
        ada_hears.seen
    );
    // Customers are not told who of the staff is looking.
    assert!(
        !carla_hears
            .wait_for("presence", Duration::from_millis(300))
            .await
    );
}
